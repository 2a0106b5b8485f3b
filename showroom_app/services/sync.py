"""Background sync for the desk.

`SyncService.cycle()` probes central, sends what is due and pulls what changed.
`SyncWorker` is the one long-lived thread that runs cycles: every few seconds, at
once when something wakes it (a new item queued, "sync now", the network coming
back), and straight again while the outbox still drains.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import utcnow
from showroom_app.domain.enums import OutboxStatus
from showroom_app.services.enrollment import client_for
from showroom_app.services.outbox import STUCK_AFTER_ATTEMPTS
from sync.client import CentralClient, CentralError
from sync.dispatcher import Dispatcher, NotEnrolledError
from sync.pullers import (
    AppliedDecision,
    CampaignPuller,
    CatalogPuller,
    ContractPuller,
    DecisionPuller,
)

log = logging.getLogger(__name__)

CYCLE_SECONDS = 5.0
# The catalog and campaigns change a few times a month: every quarter hour is plenty,
# and "sync now" fetches them at once.
SLOW_FEEDS_EVERY = timedelta(minutes=15)

__all__ = ["AppliedDecision", "SyncService", "SyncState", "SyncWorker"]


@dataclass(frozen=True)
class SyncState:
    configured: bool
    enrolled: bool
    online: bool
    pending: int
    dead: int
    changed: int  # items sent plus decisions and contracts applied in this cycle
    stuck: int = 0  # pending items that keep failing
    error: str | None = None  # why the last cycle stopped early, if it did
    # Central's decisions applied in this cycle: (application id, reference, status),
    # nothing personal. The UI tells the consultant about them (a toast, the tray).
    decisions: tuple[AppliedDecision, ...] = ()

    @property
    def needs_attention(self) -> bool:
        """Refused items, or a queue that has stopped draining: a person must look."""
        return bool(self.dead or self.stuck)


class SyncService:
    """`cycle()` blocks on the network: call it from a worker, one cycle at a time."""

    def __init__(self, store: Store, central_url: str | None) -> None:
        self._store, self._url = store, central_url
        self._client: CentralClient | None = None
        self._slow_feeds_at: datetime | None = None

    def _counts(self) -> tuple[int, int]:
        with self._store.read() as s:
            return (repo.count_outbox(s, OutboxStatus.PENDING),
                    repo.count_outbox(s, OutboxStatus.DEAD))

    def _stuck(self) -> int:
        with self._store.read() as s:
            return repo.stuck_outbox(s, STUCK_AFTER_ATTEMPTS)

    def cycle(self, everything: bool = False) -> SyncState:
        """One round. `everything` also refreshes the catalog and campaigns now."""
        if not self._url:
            return SyncState(False, False, False, *self._counts(), 0)
        if self._client is None or self._client.tokens is None:
            self._client = client_for(self._store, self._url)
        client = self._client
        online = client.health()
        if not online or client.tokens is None:
            return SyncState(True, client.tokens is not None, online, *self._counts(), 0,
                             self._stuck())
        changed = 0
        error = None
        decisions: tuple[AppliedDecision, ...] = ()
        try:
            changed += Dispatcher(self._store, client).run_once().sent
            puller = DecisionPuller(self._store, client)
            changed += puller.pull_once()
            decisions = tuple(puller.applied)
            changed += ContractPuller(self._store, client).pull_once()
            now = utcnow()
            if everything or self._slow_feeds_at is None or \
                    now - self._slow_feeds_at >= SLOW_FEEDS_EVERY:
                CatalogPuller(self._store, client).pull_once()
                CampaignPuller(self._store, client).pull_once()
                self._slow_feeds_at = now
        except NotEnrolledError:
            self._client = None
            return SyncState(True, False, True, *self._counts(), changed, self._stuck(),
                             decisions=decisions)
        except CentralError as exc:
            error = str(exc)
            log.info("sync cycle interrupted: %s", exc)
        stuck = self._stuck()
        if stuck:
            log.warning("%d outbox item(s) keep failing: the queue is not draining", stuck)
        return SyncState(True, True, True, *self._counts(), changed, stuck, error, decisions)


class SyncWorker:
    """The desk's one sync thread. `on_state` is called on this thread after every
    cycle; a UI must hand it over to its own thread (a queued Qt signal does)."""

    def __init__(self, service: SyncService, on_state: Callable[[SyncState], None],
                 interval: float = CYCLE_SECONDS) -> None:
        self._service, self._on_state, self._interval = service, on_state, interval
        self._wake = threading.Event()
        self._everything = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self.cycles = 0
        self.busy = False

    def start(self) -> None:
        self._thread.start()

    def wake(self, everything: bool = False) -> None:
        """Run a cycle now (or right after the one in progress)."""
        self._everything = self._everything or everything
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the thread to stop and wait a little. A cycle blocked on the network ends
        by its timeouts; the thread is a daemon, so it never holds the app open."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping:
            everything, self._everything = self._everything, False
            self._wake.clear()
            self.busy = True
            try:
                state = self._service.cycle(everything)
            except Exception:  # a bug or a closed store must not end sync for the day
                log.exception("sync cycle failed")
                state = None
            finally:
                self.busy = False
                self.cycles += 1
            if self._stopping:
                return
            if state is not None:
                try:
                    self._on_state(state)
                except RuntimeError:  # the window that listened is gone
                    return
            # Still draining: go again at once. Otherwise sleep until woken or due.
            again = state is not None and state.online and state.pending and state.changed
            if not again:
                self._wake.wait(self._interval)
