"""What a consultant does to an application after it left the desk: withdraw it, have
the customer sign its contract. Both reach central through the outbox, in the same
local transaction as the change, so they survive a crash and go exactly once."""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    DocumentType,
    OutboxKind,
    Permission,
)
from showroom_app.domain.errors import InvalidStateError, ValidationError
from showroom_app.domain.masking import mask_id_number, mask_phone
from showroom_app.domain.models import ApplicationSummary, MaskedCustomer, User
from showroom_app.domain.money import Money
from showroom_app.services.auth import require

log = logging.getLogger(__name__)

# Central refuses a withdrawal once the contract is signed, or after a decline.
WITHDRAWABLE = frozenset({
    ApplicationStatus.QUEUED, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW,
    ApplicationStatus.APPROVED, ApplicationStatus.CONDITIONAL,
    ApplicationStatus.CONTRACT_READY,
})
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# What a search box holds: a whole ID number or mobile number goes through the blind
# index (and is audited); anything else matches reference, VIN, name or phone tail.
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
_MOBILE = re.compile(r"^(\+?86)?1\d{10}$")


@dataclass(frozen=True)
class ApplicationDetail:
    """One application as the applications page shows it: nothing personal in clear."""

    id: str
    reference: str
    status: ApplicationStatus
    customer_type: CustomerType
    customer: MaskedCustomer | None
    consultant: str
    product_code: str | None
    vehicle: str
    vin: str
    vehicle_price: Money
    down_payment: Money
    financed_amount: Money
    term_months: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    signed_at: datetime | None
    funded_at: datetime | None
    central: dict[str, Any] | None  # central's latest status, reasons, conditions, time
    prescore: dict[str, Any] | None
    promotions: list[dict[str, Any]] = field(default_factory=list)
    pending_outbox: tuple[str, ...] = ()  # kinds still waiting to be sent
    contract_number: str | None = None
    has_contract_pdf: bool = False
    has_signed_pdf: bool = False
    category: str | None = None
    is_nev: bool = False

    @property
    def withdrawable(self) -> bool:
        return self.status in WITHDRAWABLE

    @property
    def requotable(self) -> bool:
        return (self.status is ApplicationStatus.CONDITIONAL
                and OutboxKind.REQUOTE_APPLICATION.value not in self.pending_outbox)

    @property
    def signable(self) -> bool:
        return (self.status is ApplicationStatus.CONTRACT_READY
                and OutboxKind.SIGN_CONTRACT.value not in self.pending_outbox)

    @property
    def signature_queued(self) -> bool:
        return OutboxKind.SIGN_CONTRACT.value in self.pending_outbox

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return list((self.central or {}).get("reasons") or [])

    @property
    def conditions(self) -> list[dict[str, Any]]:
        return list((self.central or {}).get("conditions") or [])


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

    def requote(self, actor: User, application_id: str, terms: dict[str, Any],
                note: str = "") -> str:
        """Answer a conditional approval with new figures (`submission.quote_terms` of
        the new plan): queued for central, which decides again. Returns the key."""
        require(actor, Permission.WORK_APPLICATIONS)
        if len(note) > 500:
            raise ValidationError("a note of at most 500 characters", field="note")
        quote = {"product_code": terms["product_code"],
                 "down_payment_fen": int(terms["down_payment_fen"]),
                 "term_months": int(terms["term_months"]),
                 "annual_rate": str(terms["annual_rate"]),
                 "residual_fen": int(terms.get("residual_fen") or 0),
                 "fees": [{"code": f["code"], "name_zh": f["name_zh"][:40],
                           "amount_fen": int(f["amount_fen"]), "financed": bool(f["financed"])}
                          for f in terms.get("fees") or []]}
        if terms.get("monthly_payment_fen") is not None:
            quote["monthly_payment_fen"] = int(terms["monthly_payment_fen"])
        with self._store.transaction() as s:
            reference, _status, _central = repo.application_state(s, application_id)
            repo.requote_application(s, self._store.cipher, application_id, terms)
            key = repo.enqueue(s, self._store.cipher, "application", application_id,
                               OutboxKind.REQUOTE_APPLICATION,
                               {"quote": quote, "note": note.strip()})
            repo.audit(s, AuditAction.SEND, "application", application_id, actor,
                       f"requote of {reference} queued")
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

    # --- the applications page ------------------------------------------------------

    def search(self, actor: User, text: str = "",
               statuses: tuple[ApplicationStatus, ...] | ApplicationStatus | None = None,
               date_from: date | None = None, date_to: date | None = None,
               limit: int = 500) -> list[ApplicationSummary]:
        """The desk's applications (a consultant's own; a manager's whole store), newest
        change first, masked. `date_from`..`date_to` are local days of creation, both
        included. A whole ID number or mobile number is looked up through the blind
        index, and that lookup is audited like `CustomerService.find_by_id_number`."""
        require(actor, Permission.WORK_APPLICATIONS)
        if isinstance(statuses, ApplicationStatus):
            statuses = (statuses,)
        own = None if actor.can(Permission.VIEW_ALL_REPORTS) else actor.id
        start = _local_midnight(date_from) if date_from else None
        before = _local_midnight(date_to + timedelta(days=1)) if date_to else None
        needle = "".join(text.split())
        cipher = self._store.cipher
        kind = ("id_number" if _ID_NUMBER.match(needle)
                else "phone" if _MOBILE.match(needle) else None)
        if kind is None:
            with self._store.read() as s:
                return repo.search_applications(
                    s, cipher, consultant_id=own, statuses=tuple(statuses or ()),
                    created_from=start, created_before=before, text=text, limit=limit)
        with self._store.transaction() as s:
            if kind == "id_number":
                found = repo.find_customers_by_id_number(s, cipher, needle)
                shown = mask_id_number(needle.upper())
            else:
                found = repo.find_customers_by_phone(s, cipher, needle)
                shown = mask_phone(needle[-11:])
            rows = repo.search_applications(
                s, cipher, consultant_id=own, statuses=tuple(statuses or ()),
                created_from=start, created_before=before,
                customer_ids=tuple(c.id for c in found), limit=limit)
            repo.audit(s, AuditAction.VIEW, "customer", None, actor,
                       f"application search {kind}={shown} hits={len(rows)}")
        return rows

    def detail(self, actor: User, application_id: str) -> ApplicationDetail:
        """Figures, milestones, central's word, pre-score, promotions and the contract's
        state of one application; the customer masked (nothing to audit)."""
        require(actor, Permission.WORK_APPLICATIONS)
        from showroom_app.services.customers import masked

        with self._store.read() as s:
            f = repo.application_facts(s, application_id)
            customer = None
            if f["customer_id"] is not None:
                found = repo.get_customer(s, self._store.cipher, f["customer_id"])
                customer = masked(found) if found is not None else None
        contract = f["contract"] or {}
        docs = f["contract_documents"]
        return ApplicationDetail(
            id=f["id"], reference=f["reference"], status=f["status"],
            customer_type=f["customer_type"], customer=customer, consultant=f["consultant"],
            product_code=f["product_code"], vehicle=f["vehicle"], vin=f["vin"],
            vehicle_price=f["vehicle_price"], down_payment=f["down_payment"],
            financed_amount=f["financed_amount"], term_months=f["term_months"],
            created_at=f["created_at"], updated_at=f["updated_at"],
            submitted_at=f["submitted_at"], decided_at=f["decided_at"],
            signed_at=f["signed_at"], funded_at=f["funded_at"], central=f["central"],
            prescore=f["prescore"], promotions=[p for p in f["promotions"]
                                                if p.get("code") != "_total"],
            pending_outbox=tuple(f["pending_outbox"]),
            contract_number=contract.get("number"),
            has_contract_pdf=bool(docs.get(DocumentType.CONTRACT)),
            has_signed_pdf=bool(docs.get(DocumentType.SIGNED_CONTRACT)),
            category=f["category"], is_nev=f["is_nev"])

    def contract_pdf(self, actor: User, application_id: str, signed: bool = False
                     ) -> bytes | None:
        """The contract central issued (or its signed version), as the puller stored it.
        It names the customer: opening it is audited."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            data = repo.latest_contract_pdf(s, self._store.cipher, application_id, signed)
            if data is not None:
                repo.audit(s, AuditAction.VIEW, "application", application_id, actor,
                           "signed contract opened" if signed else "contract opened")
        return data

    def contract_exported(self, actor: User, application_id: str, how: str) -> None:
        """The signed contract (it names the customer) left the app: printed or saved
        as a file. Audited like any export of personal data."""
        require(actor, Permission.WORK_APPLICATIONS)
        if how not in ("print", "save"):
            raise ValueError(f"unknown export {how!r}")
        with self._store.transaction() as s:
            repo.audit(s, AuditAction.EXPORT, "application", application_id, actor,
                       "signed contract printed" if how == "print"
                       else "signed contract saved as a file")

    def contract_terms(self, actor: User, detail: ApplicationDetail) -> ContractTerms:
        """Loan or lease, and the APR of the application's own figures (what the top of
        the signing view says), worked out by the same engine as the quote page."""
        require(actor, Permission.WORK_APPLICATIONS)
        from showroom_app.services.quoting import QuoteInput, QuotingService

        quoting = QuotingService(self._store)
        catalog = quoting.catalog()
        try:
            product = catalog.product(detail.product_code or "")
        except (KeyError, ValueError):
            return ContractTerms(kind=None, product_zh="", product_en="")
        terms = ContractTerms(kind=product.kind, product_zh=product.name_zh,
                              product_en=product.name_en)
        draft = self.draft(actor, detail.id)
        try:
            quote = quoting.quote(QuoteInput(
                product_code=product.code, price=detail.vehicle_price,
                down_payment=detail.down_payment, term_months=detail.term_months,
                method=_method(draft.get("repayment_method")),
                category=detail.category or "new_car", is_nev=detail.is_nev), catalog)
        except ValueError as exc:
            # The contract central issued is what it is, whatever today's catalog limits
            # say of it (older demo data breaks some): work its APR out without them.
            log.info("application %s: quote outside today's limits: %s", detail.reference, exc)
            from showroom_app.finance.quote import quote as plain_quote

            try:
                quote = plain_quote(
                    price=detail.vehicle_price, down_payment=detail.down_payment,
                    term_months=detail.term_months, method=_method(draft.get("repayment_method")),
                    annual_rate=product.rate_for(detail.category or "new_car", detail.term_months),
                    fees=product.default_fees())
            except (KeyError, ValueError) as again:
                log.info("application %s: no APR for the contract view: %s",
                         detail.reference, again)
                return terms
        return ContractTerms(kind=product.kind, product_zh=product.name_zh,
                             product_en=product.name_en, apr_nominal=quote.apr_nominal,
                             apr_effective=quote.apr_effective,
                             first_payment=quote.rows[0].payment,
                             last_payment=quote.rows[-1].payment)


@dataclass(frozen=True)
class ContractTerms:
    kind: str | None  # "loan" | "lease", None when the product is unknown
    product_zh: str
    product_en: str
    apr_nominal: Decimal | None = None
    apr_effective: Decimal | None = None
    first_payment: Money | None = None
    last_payment: Money | None = None


def _method(stored: object) -> str:
    """The draft's repayment method as the finance engine spells it (the demo seed and
    older drafts wrote "equal_instalment")."""
    method = str(stored or "equal_installment").replace("instalment", "installment")
    return method if method in ("equal_installment", "equal_principal") else \
        "equal_installment"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0)).astimezone()
