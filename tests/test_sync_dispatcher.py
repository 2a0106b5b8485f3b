"""The outbox reaches central exactly once, in order; refusals become dead letters."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import ApplicationStatus, OutboxStatus
from showroom_app.services.demo import seed_demo
from showroom_app.services.enrollment import client_for, enroll, load_tokens
from sync.client import CentralClient
from sync.dispatcher import BACKOFF_CAP, Dispatcher, backoff_delay

BIN = Path(sys.executable).parent


@pytest.fixture
def enrolled(store: Store, central):
    central.dealer_token()  # the demo dealer, its catalog and campaigns
    enroll(store, central.url, "DEMO001", central.activation_code("DEMO001"), "pytest")
    client = client_for(store, central.url)
    yield client
    client.close()


def central_refs(client: CentralClient) -> list[str]:
    return sorted(a.client_reference for a in client.iter_applications())


def test_tokens_are_kept_sealed_in_the_store(store: Store, enrolled) -> None:
    tokens = load_tokens(store)
    assert tokens is not None and tokens.dealer_code == "DEMO001"
    store.close()
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob("showroom.sqlite3*"))
    assert tokens.access_token.encode() not in raw
    assert tokens.refresh_token.encode() not in raw


def test_the_outbox_drains_exactly_once_and_statuses_follow_central(
    store: Store, enrolled
) -> None:
    report = seed_demo(store, 12, submit=True)
    assert report.queued == 12
    dispatcher = Dispatcher(store, enrolled, rng=random.Random(1))
    result = dispatcher.drain(timeout=30)
    assert (result.sent, result.dead, result.remaining) == (12, 0, 0)
    with store.read() as s:
        apps = s.scalars(select(ApplicationRow).where(ApplicationRow.central_id.is_not(None))
                         ).all()
        refs = sorted(a.reference for a in apps)
        assert all(a.status != ApplicationStatus.QUEUED.value for a in apps)
        assert repo.count_outbox(s, OutboxStatus.PENDING) == 0
    assert central_refs(enrolled) == refs
    # Nothing is sent twice: a second pass finds nothing, central still has 12.
    assert dispatcher.run_once().sent == 0
    assert len(central_refs(enrolled)) == 12


def test_a_lost_reply_is_replayed_with_the_same_key(store: Store, enrolled) -> None:
    seed_demo(store, 3, submit=True)
    # The server got and committed the first submission, but the desk never heard back:
    # simulate by sending it directly with the stored key, leaving the row pending.
    with store.read() as s:
        row = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).first()
        assert row is not None
        binding = f"{row.idempotency_key}/{row.aggregate_type}/{row.aggregate_id}"
        payload = json.loads(store.cipher.open("outbox", "payload", binding, row.payload_enc))
    enrolled.submit_application(payload, row.idempotency_key)
    result = Dispatcher(store, enrolled).drain(timeout=30)
    assert result.sent == 3 and result.remaining == 0
    assert len(central_refs(enrolled)) == 3  # the replay made no second application


def test_a_refused_item_becomes_a_dead_letter_with_the_servers_words(
    store: Store, enrolled
) -> None:
    with store.transaction() as s:
        dealer = repo.first_dealer(s) or repo.add_dealer(s, "DEMO001", "示范")
        repo.enqueue(s, store.cipher, "application", "a" * 32, "submit_application",
                     {"client_reference": "BROKEN-1", "applicant": {"name": "x"}})
        del dealer
    result = Dispatcher(store, enrolled).drain(timeout=10)
    assert result.dead == 1 and result.remaining == 0
    with store.read() as s:
        row = s.scalars(select(OutboxRow)).one()
        assert row.status == OutboxStatus.DEAD.value
        assert "validation_error" in (row.last_error or "")


def test_unreachable_central_backs_off_and_keeps_everything(store: Store, central) -> None:
    central.dealer_token()
    enroll(store, central.url, "DEMO001", central.activation_code("DEMO001"), "pytest")
    seed_demo(store, 2, submit=True)
    offline = client_for(store, "http://127.0.0.1:9")  # nothing listens there
    dispatcher = Dispatcher(store, offline, rng=random.Random(7))
    report = dispatcher.run_once()
    assert report.sent == 0 and report.retrying == 2 and report.remaining == 2
    with store.read() as s:
        rows = s.scalars(select(OutboxRow)).all()
        assert all(r.attempts == 1 and r.next_attempt_at is not None for r in rows)
    assert dispatcher.run_once().retrying == 0  # not due yet: backing off
    delays = [backoff_delay(n, random.Random(n)) for n in range(1, 20)]
    assert delays[0] >= 1.0 and max(delays) <= BACKOFF_CAP


def test_cli_enroll_and_sync_until_drained(tmp_path: Path, central) -> None:
    central.dealer_token()
    env = {"SHOWROOM_PASSPHRASE": "cli sync passphrase", "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin:/bin"}
    data = ["--data-dir", str(tmp_path / "desk")]

    def showroom(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "showroom"), *data, *args], env=env, text=True,
                              capture_output=True, timeout=120, check=False)

    assert showroom("demo-seed", "--applications", "5", "--submit").returncode == 0
    out = showroom("--central", central.url, "enroll", "--dealer-code", "DEMO001",
                   "--activation-code", central.activation_code("DEMO001"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["dealer_code"] == "DEMO001"
    done = showroom("sync", "--until-drained", "--timeout", "60", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sent"] == 5
    # Through a dead address for one run (--central): nothing is lost, exit is non-zero.
    showroom("demo-seed", "--applications", "1", "--submit")
    stuck = showroom("--central", "http://127.0.0.1:9", "sync", "--until-drained",
                     "--timeout", "1", "--json")
    assert stuck.returncode == 1 and "1 item(s) not delivered" in stuck.stderr
    left = json.loads(stuck.stdout)["left"]
    assert [(i["kind"], i["status"]) for i in left] == [("submit_application", "pending")]
    assert left[0]["application"] in stuck.stderr  # the listing names what is left
    assert left[0]["attempts"] >= 1 and left[0]["last_error"]


def test_decisions_are_pulled_with_a_cursor_and_applied_idempotently(
    store: Store, enrolled
) -> None:
    from sync.pullers import DecisionPuller

    seed_demo(store, 6, submit=True)
    Dispatcher(store, enrolled).drain(timeout=30)
    # Forget central's ids locally, as after replies that never arrived.
    with store.transaction() as s:
        for app in s.scalars(select(ApplicationRow)):
            app.central_id = None
    puller = DecisionPuller(store, enrolled)
    assert puller.pull_all() > 0
    remote = {a.client_reference: a for a in enrolled.iter_applications()}
    with store.read() as s:
        local = {a.reference: a for a in s.scalars(select(ApplicationRow)).all()
                 if a.reference in remote}
    assert set(local) == set(remote)
    for ref, app in local.items():
        assert app.central_id == remote[ref].id
        detail = json.loads(app.central_detail or "{}")
        assert detail["status"] == remote[ref].status and detail["reasons"]
    cursor = puller.cursor()
    assert puller.pull_all() == 0 and puller.cursor() == cursor  # nothing new, same cursor


def test_cli_apps_list_masks_names(tmp_path: Path) -> None:
    env = {"SHOWROOM_PASSPHRASE": "apps list passphrase", "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin:/bin"}
    data = ["--data-dir", str(tmp_path / "desk")]
    run = [str(BIN / "showroom"), *data]
    subprocess.run([*run, "demo-seed", "--applications", "4"], env=env, check=True,
                   capture_output=True, timeout=120)
    out = subprocess.run([*run, "apps", "list", "--json"], env=env, text=True,
                         capture_output=True, timeout=120, check=True)
    rows = json.loads(out.stdout)
    assert len(rows) == 4 and all("*" in r["customer"] for r in rows)
