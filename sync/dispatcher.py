"""The outbox dispatcher: sends queued changes to central, each exactly once.

Exactly once comes from two halves. Here: a row is sent with the idempotency key
stored with it when it was queued, retried with that same key after any failure
whose outcome is unknown (timeout, reset, 5xx, 409 in flight), and marked sent in
one local transaction with the server's answer. At central: a replayed key returns
the first answer instead of doing the work again. A crash between central's commit
and ours only means one more replay.

Order: rows of one application go out in the order they were queued (the submission
first, since central attaches documents to an application it knows; the signature
after the contract); a row waits while an earlier row of its application is still
pending. Different applications go out side by side (`workers`), each in its order.
A refused row (4xx) becomes a dead letter with the server's message, and everything
queued after it for the same application waits until a person resends or discards it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow, utcnow
from showroom_app.domain.enums import ApplicationStatus, OutboxKind, OutboxStatus
from showroom_app.domain.masking import scrub
from sync.client import CentralAuthError, CentralClient, CentralError, CentralRejected

log = logging.getLogger(__name__)

BACKOFF_BASE = 2.0  # seconds
BACKOFF_CAP = 300.0  # a few minutes: a desk that was offline catches up soon after
# Applications in flight at once. Waiting on the network dominates a desk's side of
# an exchange, so a few overlapping applications fill the line; more would only queue
# at central's write lock.
WORKERS = 4
# Central's statuses, as the desk shows them.
STATUS_FROM_CENTRAL = {
    "submitted": ApplicationStatus.SUBMITTED,
    "in_review": ApplicationStatus.IN_REVIEW,
    "manual_review": ApplicationStatus.IN_REVIEW,
    "approved": ApplicationStatus.APPROVED,
    "conditional": ApplicationStatus.CONDITIONAL,
    "declined": ApplicationStatus.DECLINED,
    "contract_ready": ApplicationStatus.CONTRACT_READY,
    "signed": ApplicationStatus.SIGNED,
    "funded": ApplicationStatus.FUNDED,
    "withdrawn": ApplicationStatus.WITHDRAWN,
}


# Rows still in the way of later rows of their application: a refused row holds them
# until a person resends or discards it.
_WAITING = (OutboxStatus.PENDING.value, OutboxStatus.DEAD.value)


class NotEnrolledError(Exception):
    """Central refused the device's tokens: enroll again; nothing was lost."""


def backoff_delay(attempts: int, rng: random.Random, base: float = BACKOFF_BASE,
                  cap: float = BACKOFF_CAP) -> float:
    """Exponential with "equal jitter": never zero, never in lockstep with other desks."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    remaining: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher:
    def __init__(self, store: Store, client: CentralClient,
                 rng: random.Random | None = None,
                 now: Callable[[], datetime] = utcnow,
                 backoff: tuple[float, float] = (BACKOFF_BASE, BACKOFF_CAP),
                 workers: int = WORKERS) -> None:
        self.store, self.client = store, client
        self.workers = workers
        self.rng = rng or random.Random()
        self.now = now
        self.backoff = backoff

    def due(self) -> list[int]:
        """Ids of pending rows that may go now, in queue order, one per application."""
        with self.store.read() as s:
            rows = s.execute(
                select(OutboxRow.id, OutboxRow.aggregate_id, OutboxRow.status,
                       OutboxRow.next_attempt_at)
                .where(OutboxRow.status.in_(_WAITING))
                .order_by(OutboxRow.id)).all()
        blocked: set[str] = set()
        ready = []
        now = self.now()
        for row_id, aggregate, status, next_at in rows:
            if aggregate in blocked:
                continue
            blocked.add(aggregate)  # later rows of this application wait for this one
            if status == OutboxStatus.PENDING.value and (next_at is None or next_at <= now):
                ready.append(row_id)
        return ready

    def run_once(self) -> DispatchReport:
        """One pass: every application with something due is worked on, up to
        `workers` applications at a time, each strictly in its own queue order."""
        report = DispatchReport()
        due = self.due()
        if self.workers <= 1 or len(due) <= 1:
            outcomes = [self._send_application(row_id) for row_id in due]
        else:
            with ThreadPoolExecutor(self.workers, thread_name_prefix="outbox") as pool:
                outcomes = list(pool.map(self._send_application, due))
        for sent, last in outcomes:
            report.sent += sent
            if last == "dead":
                report.dead += 1
            elif last is not None:
                report.retrying += 1
                report.errors.append(last)
        report.remaining = self.pending_count()
        return report

    def _send_application(self, row_id: int) -> tuple[int, str | None]:
        """Send this row, then the application's next ones while each succeeds and is
        due. Returns how many were sent and the outcome that stopped it (None: nothing
        more is due for this application)."""
        sent = 0
        current: int | None = row_id
        while current is not None:
            outcome = self._send(current)
            if outcome != "sent":
                return sent, outcome
            sent += 1
            current = self._next_due_of_application(current)
        return sent, None

    def _next_due_of_application(self, row_id: int) -> int | None:
        with self.store.read() as s:
            aggregate = s.scalar(select(OutboxRow.aggregate_id).where(OutboxRow.id == row_id))
            row = s.execute(
                select(OutboxRow.id, OutboxRow.status, OutboxRow.next_attempt_at)
                .where(OutboxRow.aggregate_id == aggregate,
                       OutboxRow.status.in_(_WAITING))
                .order_by(OutboxRow.id).limit(1)).first()
        if row is None or row.status != OutboxStatus.PENDING.value:
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > self.now():
            return None
        return row.id

    def drain(self, timeout: float, sleep: Callable[[float], None] = time.sleep
              ) -> DispatchReport:
        """Send until nothing is pending or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        total = DispatchReport()
        while True:
            report = self.run_once()
            total.sent += report.sent
            total.dead += report.dead
            total.retrying += report.retrying
            total.errors += report.errors
            total.remaining = report.remaining
            if report.remaining == 0 or time.monotonic() >= deadline:
                return total
            wait = self.seconds_until_next()
            if wait is None:  # only dead letters, or rows blocked behind them
                return total
            sleep(max(0.05, min(wait, deadline - time.monotonic())))

    def pending_count(self) -> int:
        with self.store.read() as s:
            return len(s.scalars(select(OutboxRow.id).where(
                OutboxRow.status == OutboxStatus.PENDING.value)).all())

    def seconds_until_next(self) -> float | None:
        """Seconds until the next row may go (0: now); None when nothing pending can go
        by itself (only rows waiting behind a dead letter, which needs a person)."""
        with self.store.read() as s:
            rows = s.execute(
                select(OutboxRow.aggregate_id, OutboxRow.status, OutboxRow.next_attempt_at)
                .where(OutboxRow.status.in_(_WAITING)).order_by(OutboxRow.id)).all()
        seen: set[str] = set()
        times = []
        for aggregate, status, next_at in rows:
            if aggregate in seen:
                continue
            seen.add(aggregate)  # only the head of each application's queue can go
            if status == OutboxStatus.PENDING.value:
                times.append(next_at)
        if not times:
            return None
        now = self.now()
        # One clock reading for every row: a row falling due between two readings must
        # not look like "never".
        return max(0.0, min((t - now).total_seconds() if t else 0.0 for t in times))

    # --- one row ------------------------------------------------------------------

    def _send(self, row_id: int) -> str:
        with self.store.read() as s:
            row = s.get(OutboxRow, row_id)
            assert row is not None
            key, kind, aggregate = row.idempotency_key, row.kind, row.aggregate_id
            payload = repo.outbox_payload(self.store.cipher, row)
        try:
            if kind == OutboxKind.SUBMIT_APPLICATION:
                result = self.client.submit_application(payload, key)
                self._accepted(row_id, aggregate, result.application.id,
                               result.application.status)
            elif kind == OutboxKind.UPLOAD_DOCUMENT:
                self._upload(row_id, key, aggregate, payload["document_id"])
            elif kind == OutboxKind.SIGN_CONTRACT:
                self.client.sign(self._central_id(aggregate), payload, key)
                self._accepted(row_id, aggregate, None, "signed")
            elif kind == OutboxKind.REQUOTE_APPLICATION:
                result_app = self.client.requote(self._central_id(aggregate), payload, key)
                self._accepted(row_id, aggregate, None, result_app.status)
            elif kind == OutboxKind.WITHDRAW_APPLICATION:
                result_app = self.client.withdraw(self._central_id(aggregate),
                                                  payload["reason"], key)
                self._accepted(row_id, aggregate, None, result_app.status)
            else:
                raise CentralRejected(f"unknown outbox kind {kind!r}", code="unknown_kind")
        except CentralAuthError as exc:
            raise NotEnrolledError(str(exc)) from exc
        except CentralRejected as exc:
            message = f"{exc.code or exc.status}: {exc.zh or ''} / {exc}"
            self._dead(row_id, message)
            log.warning("outbox %s (%s) refused by central: %s", row_id, kind, scrub(str(exc)))
            return "dead"
        except CentralError as exc:
            self._retry_later(row_id, str(exc))
            return scrub(str(exc))
        return "sent"

    def _upload(self, row_id: int, key: str, aggregate: str, document_id: str) -> None:
        """Resumable: the server's upload id is remembered under the row's key, so a retry
        (or a restart) continues where the bytes stopped. A lost reply to `start` only
        leaves an unfinished upload on the server, never a second document."""
        with self.store.read() as s:
            app = s.get(ApplicationRow, aggregate)
            central_id = app.central_id if app is not None else None
            upload_id = repo.get_meta(s, f"upload:{key}")
            info = repo.get_document(s, document_id)
            data = repo.get_document_image(s, self.store.cipher, document_id)
        if central_id is None or info is None:
            raise CentralRejected("the application is not at central yet, or the document "
                                  "is gone", code="upload_without_application")
        state = None
        if upload_id is None:
            state = self.client.start_upload(central_id, info.doc_type.value, info.mime_type,
                                             data)
            with self.store.transaction() as s:
                repo.set_meta(s, f"upload:{key}", state.upload_id)
            upload_id = state.upload_id
        self.client.resume_upload(upload_id, data, state)
        with self.store.transaction() as s:
            row = s.get(OutboxRow, row_id)
            assert row is not None
            row.status, row.sent_at, row.last_error = OutboxStatus.SENT.value, self.now(), None
            row.attempts += 1

    def _central_id(self, aggregate: str) -> str:
        # Rows of an application wait behind its submission, so central knows it by now.
        with self.store.read() as s:
            app = s.get(ApplicationRow, aggregate)
            central_id = app.central_id if app is not None else None
        if central_id is None:
            raise CentralRejected("the application is not at central yet",
                                  code="not_at_central")
        return central_id

    def _accepted(self, row_id: int, aggregate: str, central_id: str | None,
                  status: str) -> None:
        with self.store.transaction() as s:
            row = s.get(OutboxRow, row_id)
            assert row is not None
            row.status, row.sent_at, row.last_error = OutboxStatus.SENT.value, self.now(), None
            row.attempts += 1
            app = s.get(ApplicationRow, aggregate)
            if app is not None:
                app.central_id = central_id or app.central_id
                local = STATUS_FROM_CENTRAL.get(status)
                if local is not None:
                    app.status, app.updated_at = local.value, self.now()

    def _retry_later(self, row_id: int, error: str) -> None:
        with self.store.transaction() as s:
            row = s.get(OutboxRow, row_id)
            assert row is not None
            row.attempts += 1
            delay = backoff_delay(row.attempts, self.rng, *self.backoff)
            row.next_attempt_at = self.now() + timedelta(seconds=delay)
            row.last_error = scrub(error)[:1000]

    def _dead(self, row_id: int, message: str) -> None:
        with self.store.transaction() as s:
            row = s.get(OutboxRow, row_id)
            assert row is not None
            row.attempts += 1
            row.status, row.last_error = OutboxStatus.DEAD.value, scrub(message)[:1000]
