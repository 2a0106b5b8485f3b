"""What the Desk page and the status bar show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import ApplicationStatus, OutboxStatus, Permission
from showroom_app.domain.models import DeskSummary, User

AGED_STOCK_DAYS = 90
NEEDS_ACTION_SHOWN = 5  # references listed per kind of work; the count says the rest


class DeskService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def summary(self, user: User, today: date | None = None) -> DeskSummary:
        """Managers see the whole store; a consultant's recent list is their own."""
        now = datetime.now().astimezone()
        today = today or now.date()
        start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        own = None if user.can(Permission.VIEW_ALL_REPORTS) else user.id
        with self._store.read() as s:
            dead = repo.count_outbox(s, OutboxStatus.DEAD)
            return DeskSummary(
                applications_by_status=repo.count_applications_by_status(s),
                applications_today=repo.count_applications_since(s, start_of_day),
                stock_in=repo.count_stock(s),
                aged_stock=repo.count_stock(s, today - timedelta(days=AGED_STOCK_DAYS)),
                aged_days=AGED_STOCK_DAYS,
                outbox_pending=repo.count_outbox(s, OutboxStatus.PENDING),
                outbox_dead=dead,
                recent=repo.recent_applications(s, self._store.cipher, 12, consultant_id=own),
                conditional=repo.applications_in_status(
                    s, ApplicationStatus.CONDITIONAL, NEEDS_ACTION_SHOWN, consultant_id=own),
                contract_ready=repo.applications_in_status(
                    s, ApplicationStatus.CONTRACT_READY, NEEDS_ACTION_SHOWN, consultant_id=own),
                # Refused items are the whole desk's problem: a manager resends them.
                dead_letters=(dead, repo.dead_letter_applications(s, NEEDS_ACTION_SHOWN)),
            )

    def outbox_counts(self) -> tuple[int, int]:
        """(pending, dead letters) for the status bar."""
        with self._store.read() as s:
            return (
                repo.count_outbox(s, OutboxStatus.PENDING),
                repo.count_outbox(s, OutboxStatus.DEAD),
            )
