"""Nothing lost, nothing sent twice: the outbox drains through a faulty network.

Seeded and small here; tests/test_sync_kills.py adds SIGKILLs of the desk process,
and bench/sync_kills.py is the long mode (≥ 500 applications, ≥ 20 kills).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3

import pytest
from faultproxy import FaultProxy
from sqlalchemy import func, select

from central.db import Application, Document
from central.schemas import ApplicationIn
from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import OutboxRow
from showroom_app.domain.enums import DocumentType, OutboxStatus
from showroom_app.services.demo import seed_demo
from showroom_app.services.enrollment import enroll, load_tokens, save_tokens
from sync.client import CentralClient
from sync.dispatcher import Dispatcher


def queue_documents(store: Store, size: int, seed: int) -> dict[str, str]:
    """One random document per queued application, queued after its submission."""
    rng = random.Random(seed)
    out = {}
    with store.transaction() as s:
        app_ids = [r.aggregate_id for r in s.scalars(
            select(OutboxRow).where(OutboxRow.kind == "submit_application"))]
        for app_id in app_ids:
            data = rng.randbytes(size)
            doc = repo.add_document(s, store.cipher, DocumentType.INCOME_PROOF, data,
                                    "image/jpeg", application_id=app_id)
            repo.enqueue(s, store.cipher, "application", app_id, "upload_document",
                         {"document_id": doc.id})
            out[doc.id] = hashlib.sha256(data).hexdigest()
    return out


@pytest.mark.parametrize("seed", [11, 23])
def test_the_outbox_drains_exactly_once_through_resets_stalls_lost_and_cut_replies(
    store: Store, central, seed: int
) -> None:
    central.dealer_token()
    enroll(store, central.url, "DEMO001", central.activation_code("DEMO001"), "pytest")
    seed_demo(store, 30, submit=True, seed=seed)
    # Each application also sends a 200 kB document after its submission (order: the
    # upload needs central's application id).
    documents = queue_documents(store, size=200_000, seed=seed)
    with store.read() as s:
        queued = {}
        for row in s.scalars(select(OutboxRow).where(OutboxRow.kind == "submit_application")):
            binding = f"{row.idempotency_key}/{row.aggregate_type}/{row.aggregate_id}"
            body = json.loads(store.cipher.open("outbox", "payload", binding,
                                                row.payload_enc))
            queued[body["client_reference"]] = body

    proxy = FaultProxy(int(central.url.rsplit(":", 1)[1]), fault_rate=0.3, seed=seed,
                       stall_seconds=1.5)
    client = CentralClient(proxy.url, tokens=load_tokens(store), timeout=(1.0, 1.0),
                           on_tokens=lambda t: save_tokens(store, t))
    try:
        report = Dispatcher(store, client, rng=random.Random(seed),
                            backoff=(0.02, 0.2)).drain(timeout=120)
    finally:
        client.close()
        proxy.close()

    assert report.remaining == 0 and report.dead == 0, report.errors[-5:]
    assert sum(proxy.counts[f] for f in ("reset", "stall", "drop_reply", "truncate")) >= 5
    assert proxy.counts["drop_reply"] >= 1  # the server committed, the desk never heard
    with central.db.read() as s:
        stored = {a.client_reference: a.payload for a in s.scalars(select(Application))}
    assert sorted(stored) == sorted(queued)  # every application exactly once
    for ref, body in queued.items():
        # With identical content: what the desk queued, as central's contract reads it.
        assert stored[ref] == ApplicationIn.model_validate(body).model_dump(mode="json")
    with central.db.read() as s:
        central_docs = {d.sha256 for d in s.scalars(select(Document))}
        assert len(central_docs) == s.scalar(select(func.count()).select_from(Document))
    assert central_docs == set(documents.values())  # every document exactly once, intact
    with store.read() as s:
        statuses = {r.status for r in s.scalars(select(OutboxRow))}
    assert statuses == {OutboxStatus.SENT.value}
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
