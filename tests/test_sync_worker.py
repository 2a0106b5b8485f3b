"""The desk's sync thread with a real SyncService and the reference central over HTTP:
it sends by itself, wakes on demand, stops; and what the sync state says needs a person."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from test_outbox_service import APPROVE_ID, DECLINE_ID, enroll_desk, queue_apps, steer

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import ApplicationStatus, OutboxStatus
from showroom_app.services.outbox import STUCK_AFTER_ATTEMPTS, OutboxService
from showroom_app.services.sync import SyncService, SyncState, SyncWorker

DEADLINE = 20.0


def wait_for(condition: Callable[[], bool], timeout: float = DEADLINE) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class States:
    """on_state's sink: called on the worker's thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: list[SyncState] = []
        self.threads: set[str] = set()

    def __call__(self, state: SyncState) -> None:
        with self._lock:
            self.items.append(state)
            self.threads.add(threading.current_thread().name)

    def __len__(self) -> int:
        with self._lock:
            return len(self.items)

    def last(self) -> SyncState:
        with self._lock:
            return self.items[-1]

    def snapshot(self) -> list[SyncState]:
        with self._lock:
            return list(self.items)


@pytest.fixture
def worker_for() -> Iterator[Callable[..., SyncWorker]]:
    """Make workers; every one started is stopped at the end, even on failure."""
    made: list[SyncWorker] = []

    def make(service: SyncService, on_state, interval: float) -> SyncWorker:
        worker = SyncWorker(service, on_state, interval=interval)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop(timeout=10)


def statuses(store: Store, app_ids: list[str]) -> list[str]:
    with store.read() as s:
        return [repo.application_state(s, a)[1] for a in app_ids]


def test_the_worker_sends_the_queue_by_itself_and_stops(
    store: Store, central, worker_for
) -> None:
    enroll_desk(store, central).close()
    apps = queue_apps(store, 3, seed=31)
    for app_id, id_number in zip(apps, (APPROVE_ID, DECLINE_ID, APPROVE_ID), strict=True):
        steer(store, app_id, id_number)
    states = States()
    worker = worker_for(SyncService(store, central.url), states, interval=0.5)
    worker.start()
    assert wait_for(lambda: OutboxService(store).counts()["pending"] == 0 and len(states) > 0)
    assert statuses(store, apps) == [ApplicationStatus.CONTRACT_READY,
                                     ApplicationStatus.DECLINED,
                                     ApplicationStatus.CONTRACT_READY]
    # Three sent, plus the decisions pulled for them.
    assert wait_for(lambda: sum(s.changed for s in states.snapshot()) >= 6)
    last = states.last()
    assert last.configured and last.enrolled and last.online
    assert last.dead == 0 and not last.needs_attention
    assert states.threads == {"sync-worker"}  # called on the worker's own thread
    worker.stop(timeout=10)
    assert not worker._thread.is_alive()
    cycles, seen = worker.cycles, len(states)
    time.sleep(0.7)  # longer than the interval: a stopped worker runs no more cycles
    assert (worker.cycles, len(states)) == (cycles, seen)


def test_wake_runs_a_cycle_long_before_the_interval(store: Store, central,
                                                   worker_for) -> None:
    enroll_desk(store, central).close()
    states = States()
    worker = worker_for(SyncService(store, central.url), states, interval=60)
    worker.start()
    assert wait_for(lambda: len(states) == 1)  # the first cycle runs at once
    time.sleep(0.5)
    assert worker.cycles == 1 and len(states) == 1  # then it sleeps the interval
    first = OutboxService(store).last_pulls()

    # Queued meanwhile: only a wake sends it before the minute is up.
    (app_id,) = queue_apps(store, 1, seed=32)
    steer(store, app_id, APPROVE_ID)
    woke = time.monotonic()
    worker.wake()
    assert wait_for(lambda: len(states) >= 2, timeout=5)
    assert time.monotonic() - woke < 5
    assert wait_for(lambda: statuses(store, [app_id]) == [ApplicationStatus.CONTRACT_READY],
                    timeout=5)
    # An ordinary wake leaves the slow feeds alone; wake(everything=True) pulls them.
    assert OutboxService(store).last_pulls()["catalog"] == first["catalog"]
    seen = len(states)
    worker.wake(everything=True)
    assert wait_for(lambda: len(states) > seen, timeout=5)
    assert wait_for(lambda: OutboxService(store).last_pulls()["catalog"] != first["catalog"],
                    timeout=5)
    worker.stop(timeout=10)
    assert not worker._thread.is_alive()


def test_needs_attention_means_dead_or_stuck() -> None:
    calm = SyncState(configured=True, enrolled=True, online=True, pending=5, dead=0,
                     changed=0)
    assert not calm.needs_attention
    assert SyncState(True, True, True, 0, 1, 0).needs_attention
    assert SyncState(True, True, True, 1, 0, 0, stuck=1).needs_attention
    assert not SyncState(True, True, False, 9, 0, 0, stuck=0).needs_attention


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline_the_state_keeps_counts_and_says_what_is_stuck(
    store: Store, central, worker_for
) -> None:
    enroll_desk(store, central).close()
    stuck, almost, refused = queue_apps(store, 3, seed=33)
    with store.transaction() as s:
        rows = {r.aggregate_id: r for r in s.scalars(select(OutboxRow))}
        rows[stuck].attempts = STUCK_AFTER_ATTEMPTS
        rows[almost].attempts = STUCK_AFTER_ATTEMPTS - 1
        rows[refused].status = OutboxStatus.DEAD.value
        rows[refused].attempts = 1

    offline = SyncService(store, f"http://127.0.0.1:{_unused_port()}")
    state = offline.cycle()
    assert state.configured and state.enrolled and not state.online
    assert (state.pending, state.dead, state.stuck, state.changed) == (2, 1, 1, 0)
    assert state.needs_attention
    assert OutboxService(store).counts() == {"pending": 2, "dead": 1, "stuck": 1}
    # Nothing was touched: the rows wait, unchanged, for the line to come back.
    with store.read() as s:
        attempts = {r.aggregate_id: r.attempts for r in s.scalars(select(OutboxRow))}
        assert {a.status for a in s.scalars(select(ApplicationRow).where(
            ApplicationRow.id.in_([stuck, almost, refused])))} == {ApplicationStatus.QUEUED}
    assert attempts == {stuck: STUCK_AFTER_ATTEMPTS, almost: STUCK_AFTER_ATTEMPTS - 1,
                        refused: 1}

    # One more failure pushes the second row over the line.
    with store.transaction() as s:
        for r in s.scalars(select(OutboxRow).where(OutboxRow.aggregate_id == almost)):
            r.attempts += 1
    assert offline.cycle().stuck == 2
    # Without dead or stuck rows, nothing needs a person even when offline.
    with store.transaction() as s:
        for r in s.scalars(select(OutboxRow)):
            r.attempts = 0
            if r.status == OutboxStatus.DEAD.value:
                r.status = OutboxStatus.DISCARDED.value
    calm = offline.cycle()
    assert (calm.online, calm.pending, calm.dead, calm.stuck) == (False, 2, 0, 0)
    assert not calm.needs_attention

    # A worker on the dead address keeps reporting, offline, and stops cleanly.
    states = States()
    worker = worker_for(offline, states, interval=0.1)
    worker.start()
    assert wait_for(lambda: len(states) >= 2, timeout=10)
    assert all(not s.online and s.pending == 2 for s in states.snapshot())
    worker.stop(timeout=10)
    assert not worker._thread.is_alive()
