"""What the desk pulls from central: contracts (and their signed versions), the catalog
by ETag and campaigns by cursor, each applied once; against the reference central
over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select
from test_outbox_service import (
    APPROVE_ID,
    STROKES,
    central_id_of,
    decided,
    dispatcher,
    enroll_desk,
    signature_png,
    status_of,
)

from central.db import Campaign as CentralCampaign
from central.db import CatalogVersion
from central.db import Contract as CentralContract
from central.seed import default_catalog, ensure_dealer
from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import ApplicationStatus, DocumentType, OutboxKind
from showroom_app.services.outbox import FEEDS, OutboxService
from showroom_app.services.sync import SyncService
from sync.client import CentralClient
from sync.pullers import (
    CampaignPuller,
    CatalogPuller,
    ContractPuller,
    DecisionPuller,
    local_campaigns,
    local_catalog,
)


@pytest.fixture
def client(store: Store, central) -> Iterator[CentralClient]:
    c = enroll_desk(store, central)
    yield c
    c.close()


def documents(store: Store, app_id: str, doc_type: DocumentType) -> list[bytes]:
    with store.read() as s:
        return [repo.get_document_image(s, store.cipher, d.id)
                for d in repo.list_documents(s, app_id) if d.doc_type is doc_type]


def central_contract(central, central_id: str) -> CentralContract:
    with central.db.read() as s:
        return s.scalars(select(CentralContract).where(
            CentralContract.application_id == central_id)).one()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_contracts_are_pulled_once_and_the_signed_one_after_signing(
    store: Store, client: CentralClient, central
) -> None:
    (app_id,) = decided(store, client, [APPROVE_ID], seed=111)
    assert status_of(store, app_id) == ApplicationStatus.CONTRACT_READY
    central_id = central_id_of(store, app_id)
    puller = ContractPuller(store, client)
    assert [m[0] for m in puller.missing()] == [app_id]

    assert puller.pull_once() == 1
    (pdf,) = documents(store, app_id, DocumentType.CONTRACT)
    contract = central_contract(central, central_id)
    assert pdf.startswith(b"%PDF") and sha(pdf) == contract.pdf_sha256
    assert documents(store, app_id, DocumentType.SIGNED_CONTRACT) == []
    with store.read() as s:
        held = json.loads(repo.get_meta(s, f"contract:{app_id}") or "{}")
    assert held == {"number": contract.number, "pdf_sha256": contract.pdf_sha256,
                    "signed_sha256": None}
    assert puller.missing() == [] and puller.pull_once() == 0
    assert len(documents(store, app_id, DocumentType.CONTRACT)) == 1

    # The customer signs; the signature travels through the outbox. (The body is
    # queued as central's contract describes it; see test_outbox_service.py for
    # what ApplicationService.sign queues.)
    with store.transaction() as s:
        repo.enqueue(s, store.cipher, "application", app_id, OutboxKind.SIGN_CONTRACT, {
            "signer_name": "张伟", "consultant": "李顾问",
            "signed_at": datetime.fromisoformat("2026-03-01T10:30:00+08:00").isoformat(),
            "image_png_base64": base64.b64encode(signature_png()).decode(),
            "strokes": STROKES})
    report = dispatcher(store, client).drain(timeout=20)
    assert (report.sent, report.dead, report.remaining) == (1, 0, 0)
    assert status_of(store, app_id) == ApplicationStatus.SIGNED

    assert DecisionPuller(store, client).pull_all() > 0
    assert status_of(store, app_id) == ApplicationStatus.SIGNED
    assert puller.pull_once() == 1
    signed = central_contract(central, central_id)
    assert signed.signed_sha256 is not None
    (signed_pdf,) = documents(store, app_id, DocumentType.SIGNED_CONTRACT)
    assert sha(signed_pdf) == signed.signed_sha256 and signed_pdf != pdf
    # The unsigned copy is not fetched again (its sha256 did not change).
    assert documents(store, app_id, DocumentType.CONTRACT) == [pdf]
    with store.read() as s:
        held = json.loads(repo.get_meta(s, f"contract:{app_id}") or "{}")
    assert held["signed_sha256"] == signed.signed_sha256
    assert puller.pull_once() == 0
    assert len(documents(store, app_id, DocumentType.SIGNED_CONTRACT)) == 1


def test_the_catalog_is_kept_by_etag(store: Store, client: CentralClient, central) -> None:
    puller = CatalogPuller(store, client)
    assert local_catalog(store) is None
    assert puller.pull_once() is True
    with store.read() as s:
        etag, body = repo.get_meta(s, "catalog:etag"), repo.get_meta(s, "catalog:body")
    assert etag == '"catalog-1"' and body
    catalog = local_catalog(store)
    assert catalog is not None and catalog["version"] == 1
    assert [p["code"] for p in catalog["products"]] == [
        p["code"] for p in default_catalog()["products"]]

    assert puller.pull_once() is False  # 304: unchanged
    with store.read() as s:
        assert repo.get_meta(s, "catalog:etag") == etag
        assert repo.get_meta(s, "catalog:body") == body

    # Central publishes a new version: the next pull replaces the copy.
    newer = default_catalog()
    newer["products"] = newer["products"][:2]
    with central.db.session() as s:
        s.add(CatalogVersion(version=2, body=newer))
    assert puller.pull_once() is True
    catalog = local_catalog(store)
    assert catalog is not None and catalog["version"] == 2
    assert [p["code"] for p in catalog["products"]] == ["auto_loan", "direct_lease"]
    with store.read() as s:
        assert repo.get_meta(s, "catalog:etag") == '"catalog-2"'
    assert puller.pull_once() is False


def _bump(s) -> int:
    return (s.scalar(select(func.max(CentralCampaign.updated_seq))) or 0) + 1


def test_campaigns_are_pulled_by_cursor_and_merged_by_code(
    store: Store, client: CentralClient, central
) -> None:
    with central.db.read() as s:
        at_central = {c.code: c.body for c in s.scalars(select(CentralCampaign))}
    assert len(at_central) == 3
    puller = CampaignPuller(store, client)
    assert puller.pull_once() == 3
    held = {c["code"]: c for c in local_campaigns(store)}
    assert set(held) == set(at_central)
    for code, body in at_central.items():
        assert held[code]["active"] is True
        assert {k: held[code][k] for k in body} == body
    with store.read() as s:
        cursor = repo.get_meta(s, "cursor:campaigns")
    assert cursor == "3"
    assert puller.pull_once() == 0
    with store.read() as s:
        assert repo.get_meta(s, "cursor:campaigns") == cursor

    # Central ends one campaign and changes its terms; it adds one for another
    # dealer only. The desk gets the change, by code, and nothing of the other dealer.
    with central.db.session() as s:
        row = s.scalars(select(CentralCampaign).where(
            CentralCampaign.code == "AGED-15DP")).one()
        row.body = {**row.body, "value": "0.10", "name_en": "Aged stock: 10 % down"}
        row.active = False
        row.updated_seq = _bump(s)
        s.flush()
        other = ensure_dealer(s, "OTHER01", "别家展厅")
        s.add(CentralCampaign(id=uuid.uuid4().hex, code="OTHER-ONLY", dealer_id=other.id,
                              body={**at_central["FARM-GPS-FREE"], "code": "OTHER-ONLY"},
                              active=True, updated_seq=_bump(s)))
    assert puller.pull_once() == 1
    held = {c["code"]: c for c in local_campaigns(store)}
    assert set(held) == set(at_central)
    assert held["AGED-15DP"]["active"] is False
    assert held["AGED-15DP"]["value"] == "0.10"
    assert held["AGED-15DP"]["name_en"] == "Aged stock: 10 % down"
    assert held["BYD-NEV-199"]["active"] is True
    with store.read() as s:
        assert repo.get_meta(s, "cursor:campaigns") == "4"
    assert puller.pull_once() == 0


def test_last_pulls_show_when_each_feed_answered(store: Store, client: CentralClient,
                                                 central) -> None:
    outbox = OutboxService(store)
    assert outbox.last_pulls() == dict.fromkeys(FEEDS)
    service = SyncService(store, central.url)
    started = datetime.now().astimezone()
    state = service.cycle(everything=True)
    assert state.online and state.enrolled and state.error is None
    first = outbox.last_pulls()
    assert set(first) == {"decisions", "contracts", "catalog", "campaigns"}
    for feed, at in first.items():
        assert at is not None, feed
        when = datetime.fromisoformat(at)
        assert when.tzinfo is not None and when >= started, feed
    # The slow feeds (catalog, campaigns) wait their quarter hour unless asked for.
    service.cycle()
    second = outbox.last_pulls()
    assert second["catalog"] == first["catalog"]
    assert second["campaigns"] == first["campaigns"]
    assert second["decisions"] is not None and second["decisions"] > first["decisions"]
    service.cycle(everything=True)
    third = outbox.last_pulls()
    assert third["catalog"] is not None and third["catalog"] > first["catalog"]
    assert third["campaigns"] is not None and third["campaigns"] > first["campaigns"]
