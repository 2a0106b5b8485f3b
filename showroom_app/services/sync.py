"""Background sync for the desk: one cycle sends what is due and pulls decisions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import OutboxStatus
from showroom_app.services.enrollment import client_for
from sync.client import CentralClient, CentralError
from sync.dispatcher import Dispatcher, NotEnrolledError
from sync.pullers import DecisionPuller

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncState:
    configured: bool
    enrolled: bool
    online: bool
    pending: int
    dead: int
    changed: int  # items sent plus decisions applied in this cycle


class SyncService:
    """`cycle()` blocks on the network: call it from a worker, one cycle at a time."""

    def __init__(self, store: Store, central_url: str | None) -> None:
        self._store, self._url = store, central_url
        self._client: CentralClient | None = None

    def _counts(self) -> tuple[int, int]:
        with self._store.read() as s:
            return (repo.count_outbox(s, OutboxStatus.PENDING),
                    repo.count_outbox(s, OutboxStatus.DEAD))

    def cycle(self) -> SyncState:
        if not self._url:
            return SyncState(False, False, False, *self._counts(), 0)
        if self._client is None or self._client.tokens is None:
            self._client = client_for(self._store, self._url)
        client = self._client
        online = client.health()
        if not online or client.tokens is None:
            return SyncState(True, client.tokens is not None, online, *self._counts(), 0)
        changed = 0
        try:
            changed += Dispatcher(self._store, client).run_once().sent
            changed += DecisionPuller(self._store, client).pull_once()
        except NotEnrolledError:
            self._client = None
            return SyncState(True, False, True, *self._counts(), changed)
        except CentralError as exc:
            log.info("sync cycle interrupted: %s", exc)
        return SyncState(True, True, True, *self._counts(), changed)
