"""The demo runs end to end: queued applications travel to the sandbox and come back decided."""

from __future__ import annotations

from pathlib import Path

from local_store import repositories as repo
from showroom_app.config import RunOptions
from showroom_app.domain.enums import ApplicationStatus, OutboxStatus
from showroom_app.main import (
    DEMO_QUEUED,
    EmbeddedCentral,
    build_services,
    open_local_store,
    prepare,
)


def test_demo_desk_enrolls_sends_and_pulls_decisions(data_dir: Path) -> None:
    sandbox = EmbeddedCentral(data_dir)
    options = RunOptions(data_dir=data_dir, demo=True, central_url=sandbox.url)
    runtime = prepare(options)
    store = open_local_store(runtime, options)
    try:
        services = build_services(runtime, store, options, sandbox)
        with store.read() as s:
            assert repo.count_outbox(s, OutboxStatus.PENDING) == DEMO_QUEUED
            before = repo.count_applications_by_status(s)
        assert before.get(ApplicationStatus.QUEUED) == DEMO_QUEUED
        state = services.sync.cycle()
        assert state.online and state.enrolled and state.pending == 0 and state.dead == 0
        assert state.changed >= DEMO_QUEUED
        with store.read() as s:
            after = repo.count_applications_by_status(s)
        assert ApplicationStatus.QUEUED not in after  # central decided every one of them
        assert services.sync.cycle().changed == 0  # nothing new: nothing twice
        sandbox.stop()
        offline = services.sync.cycle()
        assert offline.configured and not offline.online and offline.pending == 0
    finally:
        store.close()
        sandbox.stop()


def test_without_central_the_cycle_says_not_configured(store) -> None:
    from showroom_app.services.sync import SyncService

    state = SyncService(store, None).cycle()
    assert not state.configured and not state.online
