"""Drain an offline day through a faulty network while the desk process keeps dying.

Shared by the seeded test (tests/test_sync_kills.py) and the long mode
(bench/sync_kills.py). The desk runs as the real `showroom sync --until-drained`
console script against a data folder made here; it is killed with SIGKILL at random
(seeded) moments, then started again, until it reports the outbox drained. Central
and the fault proxy run in the calling process.

`verify()` then checks what the issue asks: every application made offline exists
exactly once at central with identical content and all its documents, intact; the
outbox is empty with no dead letters; the desk's SQLite file passes integrity_check.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from central.db import Application, Database, Document
from central.schemas import ApplicationIn
from local_store import repositories as repo
from local_store.db import Store, open_store
from local_store.keys import FileKeyStore
from local_store.orm import OutboxRow
from showroom_app.domain.enums import DocumentType, OutboxStatus
from showroom_app.services.demo import seed_demo
from showroom_app.services.enrollment import enroll

PASSPHRASE = "kill suite passphrase 1"
SHOWROOM = [sys.executable, "-m", "showroom_app.cli"]


@dataclass
class Desk:
    data_dir: Path
    queued: dict[str, dict]  # client reference -> submission body as queued
    documents: set[str]  # sha256 of every queued document


@dataclass
class KillReport:
    runs: int = 0
    kills: int = 0
    seconds: float = 0.0
    kill_times: list[float] = field(default_factory=list)
    last_output: str = ""


def open_desk_store(data_dir: Path) -> Store:
    # The same files the console script opens when SHOWROOM_PASSPHRASE is set and no
    # keyring exists (PYTHON_KEYRING_BACKEND=fail below).
    return open_store(data_dir / "showroom.sqlite3",
                      FileKeyStore(data_dir / "keys" / "datakey.json", PASSPHRASE))


def make_offline_day(data_dir: Path, central_url: str, activation_code: str,
                     applications: int, document_bytes: int, seed: int) -> Desk:
    """Enroll a desk, then queue `applications` submissions, each followed by one
    document, exactly as a day without network would leave them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = open_desk_store(data_dir)
    try:
        enroll(store, central_url, "DEMO001", activation_code, "kill-suite")
        seed_demo(store, applications, submit=True, seed=seed)
        rng = random.Random(seed)
        documents = set()
        queued = {}
        with store.transaction() as s:
            for row in s.scalars(select(OutboxRow).where(
                    OutboxRow.kind == "submit_application")).all():
                binding = f"{row.idempotency_key}/{row.aggregate_type}/{row.aggregate_id}"
                body = json.loads(store.cipher.open("outbox", "payload", binding,
                                                    row.payload_enc))
                queued[body["client_reference"]] = body
                data = rng.randbytes(document_bytes)
                doc = repo.add_document(s, store.cipher, DocumentType.INCOME_PROOF, data,
                                        "image/jpeg", application_id=row.aggregate_id)
                repo.enqueue(s, store.cipher, "application", row.aggregate_id,
                             "upload_document", {"document_id": doc.id})
                documents.add(hashlib.sha256(data).hexdigest())
    finally:
        store.close()
    return Desk(data_dir, queued, documents)


def desk_env(home: Path) -> dict[str, str]:
    env = os.environ.copy()
    env["SHOWROOM_PASSPHRASE"] = PASSPHRASE
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def drain_with_kills(desk: Desk, url: str, kills: int, seed: int,
                     kill_window: tuple[float, float] = (0.3, 2.5),
                     drain_timeout: float = 600) -> KillReport:
    """Run `showroom sync --until-drained`, SIGKILL it `kills` times at random moments
    (seeded), then let a last run finish. Returns what happened."""
    rng = random.Random(seed)
    env = desk_env(desk.data_dir.parent)
    command = [*SHOWROOM, "--data-dir", str(desk.data_dir), "--central", url, "sync",
               "--until-drained", "--timeout", str(drain_timeout), "--json"]
    report = KillReport()
    start = time.monotonic()
    while True:
        proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        report.runs += 1
        if report.kills < kills:
            delay = rng.uniform(*kill_window)
            try:
                out, err = proc.communicate(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.communicate()
                report.kills += 1
                report.kill_times.append(round(delay, 2))
                continue
        else:
            out, err = proc.communicate(timeout=drain_timeout + 60)
        report.last_output = (out + err)[-2000:]
        if proc.returncode == 0:
            break
        # Finished by itself before its kill, but not drained (everything left was
        # backing off): go round again, as a desk restarted by its user would.
        if report.runs > kills + 50:
            raise AssertionError(f"the desk never drained: {report.last_output}")
    report.seconds = time.monotonic() - start
    return report


def verify(desk: Desk, central_db: Database) -> None:
    with central_db.read() as s:
        stored: dict[str, list[dict]] = {}
        for a in s.scalars(select(Application)):
            stored.setdefault(a.client_reference, []).append(a.payload)
        central_docs = [d.sha256 for d in s.scalars(select(Document))]
        doc_count = s.scalar(select(func.count()).select_from(Document))
    assert sorted(stored) == sorted(desk.queued), "an application is missing or unknown"
    twice = [ref for ref, payloads in stored.items() if len(payloads) != 1]
    assert not twice, f"sent twice: {twice[:5]}"
    for ref, body in desk.queued.items():
        assert stored[ref][0] == ApplicationIn.model_validate(body).model_dump(mode="json"), ref
    assert len(central_docs) == doc_count == len(set(central_docs)), "a document twice"
    assert set(central_docs) == desk.documents, "a document missing or damaged"
    store = open_desk_store(desk.data_dir)
    try:
        with store.read() as s:
            statuses = {r.status for r in s.scalars(select(OutboxRow))}
    finally:
        store.close()
    assert statuses == {OutboxStatus.SENT.value}, statuses
    conn = sqlite3.connect(desk.data_dir / "showroom.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
