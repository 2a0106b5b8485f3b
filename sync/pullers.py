"""Pulling from central with server cursors, applied idempotently: decisions,
contracts, the product catalog and campaigns.

Each cursor moves in the same local transaction as the changes it covers: after a
crash the same page is pulled again and applied again to the same result. Central
is authoritative for decisions: its status replaces the desk's.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass

from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, utcnow
from showroom_app.domain.enums import ApplicationStatus, DocumentType
from sync.client import CentralClient, CentralUnavailable
from sync.dispatcher import STATUS_FROM_CENTRAL

log = logging.getLogger(__name__)

DECISIONS_CURSOR = "cursor:decisions"


@dataclass(frozen=True, slots=True)
class AppliedDecision:
    """One application whose status central's decision feed set: no personal data."""

    application_id: str
    reference: str
    status: ApplicationStatus


class DecisionPuller:
    def __init__(self, store: Store, client: CentralClient) -> None:
        self.store, self.client = store, client
        # What the last `pull_once` applied, once its transaction committed: one entry
        # per application, with the last status the page gave it, in feed order.
        self.applied: list[AppliedDecision] = []

    def cursor(self) -> str:
        with self.store.read() as s:
            return repo.get_meta(s, DECISIONS_CURSOR) or "0"

    def pull_once(self, wait: int = 0) -> int:
        """Apply one page of the decision feed; returns how many events it held."""
        page = self.client.decisions(self.cursor(), wait=wait)
        applied: dict[str, AppliedDecision] = {}
        with self.store.transaction() as s:
            for event in page.events:
                app = s.scalars(select(ApplicationRow).where(
                    ApplicationRow.central_id == event.application_id)).first()
                if app is None:
                    # Accepted by central, but the desk never heard the answer (a lost
                    # reply): the client reference ties it back.
                    app = s.scalars(select(ApplicationRow).where(
                        ApplicationRow.reference == event.client_reference)).first()
                if app is None:
                    log.warning("decision for unknown application %s", event.client_reference)
                    continue
                app.central_id = event.application_id
                status = STATUS_FROM_CENTRAL.get(event.status)
                if status is not None:
                    app.status = status.value
                    applied.pop(app.id, None)
                    applied[app.id] = AppliedDecision(app.id, app.reference, status)
                app.central_detail = json.dumps({
                    "status": event.status, "seq": event.seq, "at": event.at,
                    "reasons": [asdict(r) for r in event.reasons],
                    "conditions": [asdict(c) for c in event.conditions],
                }, ensure_ascii=False)
                app.updated_at = utcnow()
            repo.set_meta(s, DECISIONS_CURSOR, page.next_cursor)
            repo.set_meta(s, "last_pull:decisions", utcnow().isoformat())
        self.applied = list(applied.values())
        return len(page.events)

    def pull_all(self) -> int:
        total = 0
        while True:
            n = self.pull_once()
            total += n
            if n == 0:
                return total


# --- contracts ------------------------------------------------------------------------

CONTRACT_STATUSES = (ApplicationStatus.CONTRACT_READY.value, ApplicationStatus.SIGNED.value,
                     ApplicationStatus.FUNDED.value)


class ContractPuller:
    """Keeps a local copy of each contract central issued, and of its signed version.

    Driven by the decision feed's cursor: an application whose status says a contract
    exists and whose local copy is missing or older (another sha256) is fetched. A
    copy is kept only when its bytes hash to what central says, so a cut download is
    fetched again, never kept half.
    """

    def __init__(self, store: Store, client: CentralClient) -> None:
        self.store, self.client = store, client

    def missing(self) -> list[tuple[str, str, dict]]:
        with self.store.read() as s:
            apps = s.execute(select(ApplicationRow.id, ApplicationRow.central_id,
                                    ApplicationRow.status)
                             .where(ApplicationRow.status.in_(CONTRACT_STATUSES),
                                    ApplicationRow.central_id.is_not(None))).all()
            out = []
            for app_id, central_id, status in apps:
                held = json.loads(repo.get_meta(s, f"contract:{app_id}") or "{}")
                wants_signed = status != ApplicationStatus.CONTRACT_READY.value
                if not held or (wants_signed and not held.get("signed_sha256")):
                    out.append((app_id, central_id, held))
        return out

    def pull_once(self) -> int:
        """Fetch what is missing; returns how many PDFs were stored."""
        stored = 0
        for app_id, central_id, held in self.missing():
            info = self.client.contract_info(central_id)
            files: list[tuple[DocumentType, bytes]] = []
            if held.get("pdf_sha256") != info.pdf_sha256:
                files.append((DocumentType.CONTRACT, self._fetch(central_id, False,
                                                                  info.pdf_sha256)))
            if info.signed and info.signed_sha256 and \
                    held.get("signed_sha256") != info.signed_sha256:
                files.append((DocumentType.SIGNED_CONTRACT, self._fetch(
                    central_id, True, info.signed_sha256)))
            with self.store.transaction() as s:
                for doc_type, data in files:
                    repo.add_document(s, self.store.cipher, doc_type, data,
                                      "application/pdf", application_id=app_id)
                repo.set_meta(s, f"contract:{app_id}", json.dumps({
                    "number": info.number, "pdf_sha256": info.pdf_sha256,
                    "signed_sha256": info.signed_sha256 if info.signed else None}))
                repo.set_meta(s, "last_pull:contracts", utcnow().isoformat())
            stored += len(files)
        if not stored:
            with self.store.transaction() as s:
                repo.set_meta(s, "last_pull:contracts", utcnow().isoformat())
        return stored

    def _fetch(self, central_id: str, signed: bool, sha256: str) -> bytes:
        data = self.client.contract_pdf(central_id, signed=signed)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise CentralUnavailable("the contract PDF arrived damaged; fetching it again")
        return data


# --- catalog and campaigns ----------------------------------------------------------------


class CatalogPuller:
    """Products, rates, fees and caps. The ETag is the cursor: an unchanged catalog
    costs one 304 and nothing is written."""

    def __init__(self, store: Store, client: CentralClient) -> None:
        self.store, self.client = store, client

    def pull_once(self) -> bool:
        """True when a new catalog was stored."""
        with self.store.read() as s:
            etag = repo.get_meta(s, "catalog:etag")
        result = self.client.catalog(etag)
        with self.store.transaction() as s:
            if result.catalog is not None:
                repo.set_meta(s, "catalog:body", json.dumps(result.catalog, ensure_ascii=False))
                repo.set_meta(s, "catalog:etag", result.etag or "")
            repo.set_meta(s, "last_pull:catalog", utcnow().isoformat())
        return result.catalog is not None


def local_catalog(store: Store) -> dict | None:
    with store.read() as s:
        body = repo.get_meta(s, "catalog:body")
    return json.loads(body) if body else None


class CampaignPuller:
    """OEM, lessor and dealer campaigns changed since the cursor, merged by code (a
    later version of a campaign replaces the earlier one; an ended one stays, inactive,
    so quotes made under it can still say what it was)."""

    def __init__(self, store: Store, client: CentralClient) -> None:
        self.store, self.client = store, client

    def pull_once(self) -> int:
        with self.store.read() as s:
            cursor = repo.get_meta(s, "cursor:campaigns") or ""
        page = self.client.campaigns(cursor)
        with self.store.transaction() as s:
            held = json.loads(repo.get_meta(s, "campaigns") or "{}")
            for item in page.items:
                held[item["code"]] = item
            if page.items:
                repo.set_meta(s, "campaigns", json.dumps(held, ensure_ascii=False))
            repo.set_meta(s, "cursor:campaigns", page.next_cursor)
            repo.set_meta(s, "last_pull:campaigns", utcnow().isoformat())
        return len(page.items)


def local_campaigns(store: Store) -> list[dict]:
    with store.read() as s:
        held = json.loads(repo.get_meta(s, "campaigns") or "{}")
    return sorted(held.values(), key=lambda c: c["code"])
