"""The outbox as people see it: what waits, what central refused, and what a manager
does about a refusal (send again after fixing the cause, or give up). Both are
audited."""

from __future__ import annotations

from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    OutboxKind,
    OutboxStatus,
    Permission,
)
from showroom_app.domain.models import OutboxItem, User
from showroom_app.services.auth import require

# A row that failed this often keeps failing: at the backoff cap that is well over
# ten minutes of trying. The desk says so instead of retrying in silence.
STUCK_AFTER_ATTEMPTS = 8
# What the desk pulls from central (sync.pullers), each noting when it last answered.
FEEDS = ("decisions", "contracts", "catalog", "campaigns")


class OutboxService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def items(self, actor: User, include_sent: bool = False, limit: int = 1000
              ) -> list[OutboxItem]:
        require(actor, Permission.WORK_APPLICATIONS)
        statuses = None if include_sent else (OutboxStatus.PENDING, OutboxStatus.DEAD)
        with self._store.read() as s:
            return repo.outbox_items(s, statuses, limit)

    def counts(self) -> dict[str, int]:
        with self._store.read() as s:
            return {"pending": repo.count_outbox(s, OutboxStatus.PENDING),
                    "dead": repo.count_outbox(s, OutboxStatus.DEAD),
                    "stuck": repo.stuck_outbox(s, STUCK_AFTER_ATTEMPTS)}

    def last_pulls(self) -> dict[str, str | None]:
        """When each feed last answered, ISO time in UTC (None: never)."""
        with self._store.read() as s:
            return {feed: repo.get_meta(s, f"last_pull:{feed}") for feed in FEEDS}

    def resend(self, actor: User, row_id: int) -> None:
        require(actor, Permission.RESOLVE_DEAD_LETTERS)
        with self._store.transaction() as s:
            row = s.get(OutboxRow, row_id)
            refusal = row.last_error if row is not None else ""
            repo.resend_dead(s, self._store.cipher, row_id)
            repo.audit(s, AuditAction.RESEND, "outbox", str(row_id), actor,
                       f"sent again after: {refusal or ''}"[:500])

    def discard(self, actor: User, row_id: int) -> None:
        """Give up on a refused item. A refused submission goes back to the desk as a
        draft (nothing reached central), so it can be corrected and submitted anew."""
        require(actor, Permission.RESOLVE_DEAD_LETTERS)
        with self._store.transaction() as s:
            row = repo.discard_dead(s, row_id)
            if row.kind == OutboxKind.SUBMIT_APPLICATION:
                # What was queued behind the submission cannot go without it.
                for later in s.scalars(select(OutboxRow).where(
                        OutboxRow.aggregate_id == row.aggregate_id, OutboxRow.id > row.id,
                        OutboxRow.status == OutboxStatus.PENDING.value)):
                    later.status = OutboxStatus.DISCARDED.value
                app = s.get(ApplicationRow, row.aggregate_id)
                if app is not None and app.central_id is None:
                    repo.set_application_status(s, app.id, ApplicationStatus.DRAFT)
            repo.audit(s, AuditAction.DISCARD, "outbox", str(row_id), actor,
                       f"{row.kind} discarded after: {row.last_error or ''}"[:500])
