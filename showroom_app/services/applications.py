"""What a consultant does to an application after it left the desk: withdraw it, have
the customer sign its contract. Both reach central through the outbox, in the same
local transaction as the change, so they survive a crash and go exactly once."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    OutboxKind,
    Permission,
)
from showroom_app.domain.errors import InvalidStateError, ValidationError
from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.auth import require

# Central refuses a withdrawal once the contract is signed, or after a decline.
WITHDRAWABLE = frozenset({
    ApplicationStatus.QUEUED, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW,
    ApplicationStatus.APPROVED, ApplicationStatus.CONDITIONAL,
    ApplicationStatus.CONTRACT_READY,
})
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ApplicationService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def start_draft(self, actor: User, customer_type: CustomerType, today: date,
                    draft: dict[str, Any] | None = None) -> tuple[str, str]:
        """A new application in draft at this desk: (id, reference)."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise InvalidStateError("this desk has no dealer yet")
            reference = repo.next_application_reference(s, today)
            application_id = repo.add_application(
                s, self._store.cipher, reference=reference, dealer_id=dealer.id,
                consultant_id=actor.id, customer_type=customer_type, draft=draft or {})
            repo.audit(s, AuditAction.CREATE, "application", application_id, actor,
                       f"draft {reference} started")
        return application_id, reference

    def draft(self, actor: User, application_id: str) -> dict[str, Any]:
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.read() as s:
            return repo.get_application_draft(s, self._store.cipher, application_id) or {}

    def save_draft(self, actor: User, application_id: str, draft: dict[str, Any], *,
                   product_code: str | None = None, vehicle_price: Money | None = None,
                   down_payment: Money | None = None, term_months: int | None = None
                   ) -> None:
        """Raises ApplicationLockedError once the application has left the desk."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            repo.save_application_draft(
                s, self._store.cipher, application_id, draft, product_code=product_code,
                vehicle_price=vehicle_price, down_payment=down_payment,
                term_months=term_months)
            repo.audit(s, AuditAction.CHANGE, "application", application_id, actor,
                       "draft saved")

    def withdraw(self, actor: User, application_id: str, reason: str) -> str:
        """Queue the withdrawal (after the submission, if that is still queued) and show
        the application as withdrawn at once. Returns the idempotency key."""
        require(actor, Permission.WORK_APPLICATIONS)
        reason = reason.strip()
        if not 1 <= len(reason) <= 500:
            raise ValidationError("give a reason of 1 to 500 characters", field="reason")
        with self._store.transaction() as s:
            reference, status, _central = repo.application_state(s, application_id)
            if ApplicationStatus(status) not in WITHDRAWABLE:
                raise InvalidStateError(
                    f"application {reference} is {status}: it cannot be withdrawn")
            key = repo.enqueue(s, self._store.cipher, "application", application_id,
                               OutboxKind.WITHDRAW_APPLICATION, {"reason": reason})
            repo.set_application_status(s, application_id, ApplicationStatus.WITHDRAWN)
            repo.audit(s, AuditAction.SEND, "application", application_id, actor,
                       "withdrawal queued")
        return key

    def sign(self, actor: User, application_id: str, signer_name: str, png: bytes,
             strokes: list[list[dict[str, float]]], signed_at: datetime) -> str:
        """Queue the customer's signature of the contract central issued. The
        application turns `signed` when central has placed it in the PDF."""
        require(actor, Permission.WORK_APPLICATIONS)
        if not png.startswith(PNG_MAGIC):
            raise ValidationError("the signature must be a PNG image", field="signature")
        if not signer_name.strip():
            raise ValidationError("the signer's name is required", field="signer_name")
        if signed_at.tzinfo is None:
            raise ValidationError("the signing time needs its time zone", field="signed_at")
        body = {"signer_name": signer_name.strip(),
                # The consultant who witnessed the signature, as the contract names them.
                "consultant": actor.display_name,
                "signed_at": signed_at.isoformat(),
                "image_png_base64": base64.b64encode(png).decode(),
                "strokes": strokes}
        with self._store.transaction() as s:
            reference, status, _central = repo.application_state(s, application_id)
            if status != ApplicationStatus.CONTRACT_READY.value:
                raise InvalidStateError(
                    f"application {reference} is {status}: there is no contract to sign")
            key = repo.enqueue(s, self._store.cipher, "application", application_id,
                               OutboxKind.SIGN_CONTRACT, body)
            repo.audit(s, AuditAction.SEND, "application", application_id, actor,
                       "signature queued")
        return key
