"""Pulling what central decided, with a server cursor, applied idempotently.

The cursor moves in the same local transaction as the changes it covers: after a
crash the same page is pulled again and applied again to the same result. Central
is authoritative for decisions: its status replaces the desk's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, utcnow
from sync.client import CentralClient
from sync.dispatcher import STATUS_FROM_CENTRAL

log = logging.getLogger(__name__)

DECISIONS_CURSOR = "cursor:decisions"


class DecisionPuller:
    def __init__(self, store: Store, client: CentralClient) -> None:
        self.store, self.client = store, client

    def cursor(self) -> str:
        with self.store.read() as s:
            return repo.get_meta(s, DECISIONS_CURSOR) or "0"

    def pull_once(self, wait: int = 0) -> int:
        """Apply one page of the decision feed; returns how many events it held."""
        page = self.client.decisions(self.cursor(), wait=wait)
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
                app.central_detail = json.dumps({
                    "status": event.status, "seq": event.seq, "at": event.at,
                    "reasons": [asdict(r) for r in event.reasons],
                    "conditions": [asdict(c) for c in event.conditions],
                }, ensure_ascii=False)
                app.updated_at = utcnow()
            repo.set_meta(s, DECISIONS_CURSOR, page.next_cursor)
            repo.set_meta(s, "last_pull:decisions", utcnow().isoformat())
        return len(page.events)

    def pull_all(self) -> int:
        total = 0
        while True:
            n = self.pull_once()
            total += n
            if n == 0:
                return total
