"""Writing an application at the desk and sending it: the new-application wizard's
service.

Every step is saved as the consultant leaves it, so a crash or a power cut loses at most
the step on screen. The draft (encrypted) holds the steps' own data; the customer's
personal data goes to the customer record (encrypted, the ID number and phone also
blind-indexed), never into the draft. Submitting queues the exact request body for
central in the same transaction as the status change, with one upload per document
behind it, so the application leaves exactly once whatever the network does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.documents.fields import Problem
from showroom_app.documents.validators import id_birth_date, id_number_problems, vin_problems
from showroom_app.domain.enums import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    AuditAction,
    CustomerType,
    DocumentType,
    OutboxKind,
    Permission,
)
from showroom_app.domain.errors import InvalidStateError, ValidationError
from showroom_app.domain.masking import mask_id_number
from showroom_app.domain.models import CustomerPII, User
from showroom_app.domain.money import Money
from showroom_app.services.auth import require

log = logging.getLogger(__name__)

# The wizard's steps, in order; the draft remembers the last one left.
STEPS = ("customer", "documents", "contact", "quote", "applicant", "consent", "review")

# What central needs to see of each kind of customer before it decides.
REQUIRED_DOCUMENTS: dict[CustomerType, tuple[DocumentType, ...]] = {
    CustomerType.INDIVIDUAL: (DocumentType.ID_CARD_FRONT, DocumentType.ID_CARD_BACK),
    CustomerType.FARMER: (DocumentType.ID_CARD_FRONT, DocumentType.ID_CARD_BACK),
    # A company: its licence, and its legal representative's ID card.
    CustomerType.COMPANY: (DocumentType.BUSINESS_LICENCE, DocumentType.ID_CARD_FRONT,
                           DocumentType.ID_CARD_BACK),
}
# Documents that travel to central with the application (contracts come the other way).
UPLOADED = frozenset(DocumentType) - {DocumentType.CONTRACT, DocumentType.SIGNED_CONTRACT}
DUPLICATE_DAYS = 30
MAX_FLEET = 20  # vehicles in one fleet application
MAX_PROOF_BYTES = 20 * 1024 * 1024  # central takes documents up to this size
_PROOF_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                (b"%PDF-", "application/pdf"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


@dataclass(frozen=True)
class Contact:
    """Who applies, in clear, in memory only. For a company `name` and `id_number` are
    the legal representative's."""

    name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    company_name: str | None = None
    uscc: str | None = None


@dataclass(frozen=True)
class Resumed:
    """A draft as the wizard reopens it."""

    id: str
    reference: str
    customer_type: CustomerType
    draft: dict[str, Any]
    contact: Contact | None
    documents: dict[DocumentType, int]  # confirmed documents per kind
    inventory_item_id: str | None


@dataclass(frozen=True)
class Duplicate:
    """Another application of the same person at this dealer: why it is worth a look."""

    id: str
    reference: str
    status: ApplicationStatus
    created_at: datetime
    submitted_at: datetime | None
    consultant: str
    open: bool  # still open at this dealer
    recent: bool  # submitted in the last DUPLICATE_DAYS days


@dataclass(frozen=True)
class Missing:
    """Something that keeps a draft from being submitted: a code the UI words, and the
    step that fixes it."""

    code: str
    step: str
    detail: str = ""


@dataclass(frozen=True)
class Submitted:
    reference: str
    idempotency_key: str
    uploads: int
    fleet: tuple[str, ...] = ()  # the references of the fleet's other vehicles


@dataclass
class _Checked:
    missing: list[Missing] = field(default_factory=list)

    def need(self, code: str, step: str, detail: str = "") -> None:
        self.missing.append(Missing(code, step, detail))


def quote_terms(quote: Any, inventory_item_id: str | None, vin: str, make: str, model: str,
                is_nev: bool = False, promotions: list[dict[str, Any]] | None = None
                ) -> dict[str, Any]:
    """The figures of the plan the customer chose, as the draft keeps them and central
    receives them: what the customer saw, promotions included, never recomputed."""
    return {
        "product_code": quote.product_code,
        "method": str(quote.method.value if hasattr(quote.method, "value") else quote.method),
        "category": quote.category,
        "is_nev": bool(is_nev),
        "price_fen": quote.price.fen,
        "down_payment_fen": quote.down_payment.fen,
        "financed_fen": quote.financed_amount.fen,
        "term_months": quote.term_months,
        "annual_rate": str(quote.annual_rate),
        "monthly_payment_fen": quote.rows[0].payment.fen if quote.rows else None,
        "residual_fen": quote.balloon.fen,
        "fees": [{"code": f.code, "name_zh": f.name_zh or f.code, "amount_fen": f.amount.fen,
                  "financed": bool(f.financed)} for f in quote.fees],
        "apr_nominal": str(quote.apr.nominal),
        "apr_effective": str(quote.apr.effective),
        "vehicle": {"inventory_item_id": inventory_item_id, "vin": vin.strip().upper(),
                    "make": make.strip(), "model": model.strip()},
        "promotions": list(promotions or []),
    }


class SubmissionService:
    def __init__(self, store: Store) -> None:
        self._store = store

    # --- the draft ---------------------------------------------------------------------

    def start(self, actor: User, customer_type: CustomerType, today: date) -> tuple[str, str]:
        """A new draft for the wizard: (id, reference)."""
        require(actor, Permission.WORK_APPLICATIONS)
        draft = {"wizard": 1, "step": STEPS[0], "customer_type": customer_type.value}
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise InvalidStateError("this desk has no dealer yet")
            reference = repo.next_application_reference(s, today)
            application_id = repo.add_application(
                s, self._store.cipher, reference=reference, dealer_id=dealer.id,
                consultant_id=actor.id, customer_type=customer_type, draft=draft)
            repo.audit(s, AuditAction.CREATE, "application", application_id, actor,
                       f"draft {reference} started")
        return application_id, reference

    def _update(self, actor: User, application_id: str, step: str | None,
                changes: dict[str, Any], **columns: Any) -> dict[str, Any]:
        require(actor, Permission.WORK_APPLICATIONS)
        if step is not None and step not in STEPS:
            raise ValueError(f"unknown step {step!r}")
        with self._store.transaction() as s:
            draft = repo.get_application_draft(s, self._store.cipher, application_id) or {}
            draft.update(changes)
            if step is not None:
                draft["step"] = step
            repo.save_application_draft(s, self._store.cipher, application_id, draft,
                                        **columns)
        return draft

    def save_step(self, actor: User, application_id: str, step: str,
                  changes: dict[str, Any] | None = None) -> None:
        """Remember the step the consultant is on, with that step's own data (nothing
        personal: that goes through `save_contact`)."""
        self._update(actor, application_id, step, dict(changes or {}))

    def set_customer_type(self, actor: User, application_id: str,
                          customer_type: CustomerType) -> None:
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            repo.set_application_parties(s, application_id, customer_type=customer_type)
        self._update(actor, application_id, None, {"customer_type": customer_type.value})

    def save_contact(self, actor: User, application_id: str, contact: Contact) -> str:
        """Create or update the draft's customer record; returns its id. Checks what
        central would refuse (phone and USCC shapes); an ID number whose check
        character fails is kept as typed (it is what the card says) and reported by
        `missing`."""
        require(actor, Permission.WORK_APPLICATIONS)
        name = contact.name.strip()
        if not 1 <= len(name) <= 100:
            raise ValidationError("the name is required (at most 100 characters)",
                                  field="name")
        phone = "".join((contact.phone or "").split()) or None
        if phone is not None and not _MOBILE.match(phone):
            raise ValidationError("a mobile number has 11 digits and starts with 13–19",
                                  field="phone")
        number = "".join((contact.id_number or "").split()).upper() or None
        if number is not None and not re.fullmatch(r"\d{17}[\dX]", number):
            raise ValidationError("an ID number has 17 digits and a digit or X",
                                  field="id_number")
        uscc = (contact.uscc or "").strip().upper() or None
        if len((contact.company_name or "").strip()) > 200:
            raise ValidationError("a company name of at most 200 characters",
                                  field="company_name")
        if uscc is not None and not _USCC.match(uscc):
            raise ValidationError("a unified social credit code has 18 characters",
                                  field="uscc")
        pii = CustomerPII(name=name, id_number=number, phone=phone,
                          address=(contact.address or "").strip() or None)
        born = id_birth_date(number) if number else None
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            customer_type = links["customer_type"]
            if links["customer_id"] is None:
                customer = repo.add_customer(
                    s, self._store.cipher, links["dealer_id"], customer_type, pii,
                    birth_year=born.year if born else None, segment=_segment(customer_type))
                repo.set_application_parties(s, application_id, customer_id=customer.id)
                customer_id = customer.id
            else:
                customer_id = links["customer_id"]
                repo.update_customer_pii(s, self._store.cipher, customer_id, pii)
            repo.audit(s, AuditAction.CHANGE, "customer", customer_id, actor,
                       f"applicant of {links['reference']} saved")
        company = {"company_name": (contact.company_name or "").strip() or None,
                   "uscc": uscc} if customer_type is CustomerType.COMPANY else None
        self._update(actor, application_id, None, {"company": company,
                                                   "contact_saved": True})
        return customer_id

    def save_quote(self, actor: User, application_id: str, terms: dict[str, Any],
                   plan: dict[str, Any] | None = None) -> None:
        """The plan the customer chose (see `quote_terms`) and the quote page's settings
        that made it, so that the page can be put back as it was."""
        require(actor, Permission.WORK_APPLICATIONS)
        vehicle = terms.get("vehicle") or {}
        with self._store.transaction() as s:
            repo.set_application_parties(
                s, application_id, inventory_item_id=vehicle.get("inventory_item_id"),
                clear_vehicle=not vehicle.get("inventory_item_id"))
        self._update(actor, application_id, None, {"quote": terms, "plan": plan or {}},
                     product_code=terms["product_code"],
                     vehicle_price=Money(terms["price_fen"]),
                     down_payment=Money(terms["down_payment_fen"]),
                     term_months=int(terms["term_months"]))

    def save_fleet(self, actor: User, application_id: str,
                   vehicles: list[dict[str, Any]]) -> None:
        """A company's other vehicles in this application (each `quote_terms` of its
        plan); on submission each goes to the lessor as an application of its own."""
        if len(vehicles) > MAX_FLEET - 1:
            raise ValidationError(f"at most {MAX_FLEET} vehicles in one application",
                                  field="fleet")
        self._update(actor, application_id, None, {"fleet": list(vehicles)})

    def attach_proof(self, actor: User, application_id: str, data: bytes, name: str) -> str:
        """A proof of income (payslip, bank statement, tax record) from a file: a JPEG,
        PNG or PDF of at most 20 MB, kept with the draft and sent with it."""
        require(actor, Permission.WORK_APPLICATIONS)
        mime = next((m for magic, m in _PROOF_TYPES if data.startswith(magic)), None)
        if mime is None:
            raise ValidationError("a proof of income is a JPEG, PNG or PDF file",
                                  field="proof")
        if len(data) > MAX_PROOF_BYTES:
            raise ValidationError("a proof of income of at most 20 MB", field="proof")
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            if links["status"] is not ApplicationStatus.DRAFT:
                raise InvalidStateError(f"application {links['reference']} has left the desk")
            doc = repo.add_document(s, self._store.cipher, DocumentType.INCOME_PROOF, data,
                                    mime, application_id=application_id,
                                    customer_id=links["customer_id"],
                                    fields={"kind": "income_proof", "file": name[-120:]})
            repo.audit(s, AuditAction.CREATE, "document", doc.id, actor,
                       f"proof of income attached to {links['reference']}")
        return doc.id

    def clear_quote(self, actor: User, application_id: str, plan: dict[str, Any] | None = None
                    ) -> None:
        """The quote step was left without a valid plan: the draft keeps none (never a
        plan the quote page no longer shows)."""
        self._update(actor, application_id, None, {"quote": None, "plan": plan or {}})

    def record_consent(self, actor: User, application_id: str, signer_name: str, png: bytes,
                       strokes: list[list[dict[str, float]]], signed_at: datetime) -> str:
        """The customer's separate consent (PIPL Art. 29) to the processing of sensitive
        personal information and to the credit inquiry, signed on screen. The signature
        is kept as a document of the application and goes to central with it."""
        require(actor, Permission.WORK_APPLICATIONS)
        if not png.startswith(PNG_MAGIC):
            raise ValidationError("the signature must be a PNG image", field="signature")
        if not strokes:
            raise ValidationError("the customer has not signed yet", field="signature")
        if not signer_name.strip():
            raise ValidationError("the signer's name is required", field="signer_name")
        if signed_at.tzinfo is None:
            raise ValidationError("the signing time needs its time zone", field="signed_at")
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            if links["status"] is not ApplicationStatus.DRAFT:
                raise InvalidStateError(f"application {links['reference']} has left the desk")
            doc = repo.add_document(
                s, self._store.cipher, DocumentType.CONSENT, png, "image/png",
                application_id=application_id, customer_id=links["customer_id"],
                fields={"kind": "consent", "signer_name": signer_name.strip(),
                        "signed_at": signed_at.isoformat(), "pipl_sensitive": True,
                        "credit_inquiry": True, "strokes": len(strokes)})
            repo.audit(s, AuditAction.CREATE, "document", doc.id, actor,
                       f"consent signed for {links['reference']}")
        self._update(actor, application_id, None, {"consent": {
            "signed_at": signed_at.isoformat(), "document_id": doc.id,
            "pipl_sensitive": True, "credit_inquiry": True}})
        return doc.id

    # --- reopening ---------------------------------------------------------------------

    def resume(self, actor: User, application_id: str) -> Resumed:
        """The draft with its customer in clear, for the consultant who goes on with it.
        Opening the personal data is audited."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            if links["status"] is not ApplicationStatus.DRAFT:
                raise InvalidStateError(
                    f"application {links['reference']} is {links['status'].value}: "
                    "only a draft goes on in the wizard")
            if links["consultant_id"] != actor.id and \
                    not actor.can(Permission.VIEW_ALL_REPORTS):
                raise InvalidStateError(
                    f"application {links['reference']} is another consultant's draft")
            draft = repo.get_application_draft(s, self._store.cipher, application_id) or {}
            contact = None
            if links["customer_id"] is not None:
                customer = repo.get_customer(s, self._store.cipher, links["customer_id"])
                if customer is not None:
                    company = draft.get("company") or {}
                    contact = Contact(name=customer.pii.name, id_number=customer.pii.id_number,
                                      phone=customer.pii.phone, address=customer.pii.address,
                                      company_name=company.get("company_name"),
                                      uscc=company.get("uscc"))
            counts = _counts(repo.list_documents(s, application_id))
            repo.audit(s, AuditAction.VIEW, "application", application_id, actor,
                       f"draft {links['reference']} resumed")
        return Resumed(id=application_id, reference=links["reference"],
                       customer_type=links["customer_type"], draft=draft, contact=contact,
                       documents=counts, inventory_item_id=links["inventory_item_id"])

    def unfinished(self, actor: User, now: datetime, hours: int = 72
                   ) -> list[tuple[str, str, datetime]]:
        """The consultant's drafts touched in the last `hours`: what a crash or a power
        cut may have interrupted. (id, reference, last change), newest first."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.read() as s:
            return repo.latest_drafts(s, actor.id, now - timedelta(hours=hours))

    def documents(self, actor: User, application_id: str) -> dict[DocumentType, int]:
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.read() as s:
            return _counts(repo.list_documents(s, application_id))

    # --- before sending ----------------------------------------------------------------

    def duplicates(self, actor: User, application_id: str, now: datetime) -> list[Duplicate]:
        """Other applications by the same ID number (found through the blind index) at
        this dealer that are still open, or were submitted in the last 30 days. The
        lookup is audited like any search by ID number."""
        require(actor, Permission.WORK_APPLICATIONS)
        since = now - timedelta(days=DUPLICATE_DAYS)
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            if links["customer_id"] is None:
                return []
            customer = repo.get_customer(s, self._store.cipher, links["customer_id"])
            number = customer.pii.id_number if customer is not None else None
            if not number:
                return []
            same = repo.find_customers_by_id_number(s, self._store.cipher, number)
            rows = repo.applications_of_customers(
                s, links["dealer_id"], tuple(c.id for c in same), application_id)
            found = []
            for row in rows:
                is_open = row["status"] in OPEN_APPLICATION_STATUSES
                submitted = row["submitted_at"]
                if submitted is not None and submitted.tzinfo is None:
                    submitted = submitted.replace(tzinfo=now.tzinfo)
                recent = submitted is not None and submitted >= since
                if is_open or recent:
                    found.append(Duplicate(open=is_open, recent=recent, **row))
            repo.audit(s, AuditAction.VIEW, "customer", links["customer_id"], actor,
                       f"duplicate check id_number={mask_id_number(number)} hits={len(found)}")
        return found

    def missing(self, actor: User, application_id: str, today: date) -> list[Missing]:
        """What still keeps the draft from being submitted, in the wizard's order."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.read() as s:
            links = repo.application_links(s, application_id)
            draft = repo.get_application_draft(s, self._store.cipher, application_id) or {}
            customer = (repo.get_customer(s, self._store.cipher, links["customer_id"])
                        if links["customer_id"] else None)
            counts = _counts(repo.list_documents(s, application_id))
        return _check(links, draft, customer.pii if customer else None, counts, today).missing

    def submit(self, actor: User, application_id: str, now: datetime) -> Submitted:
        """Queue the application for central: the request body, then one upload per
        document, all in the transaction that turns the draft `queued`. Refused, with
        everything still missing listed, while anything is."""
        require(actor, Permission.WORK_APPLICATIONS)
        if now.tzinfo is None:
            raise ValueError("now needs its time zone")
        today = now.date()
        with self._store.transaction() as s:
            links = repo.application_links(s, application_id)
            if links["status"] is not ApplicationStatus.DRAFT:
                raise InvalidStateError(
                    f"application {links['reference']} is {links['status'].value}: "
                    "it was submitted already")
            draft = repo.get_application_draft(s, self._store.cipher, application_id) or {}
            customer = (repo.get_customer(s, self._store.cipher, links["customer_id"])
                        if links["customer_id"] else None)
            documents = repo.list_documents(s, application_id)
            counts = _counts(documents)
            checked = _check(links, draft, customer.pii if customer else None, counts, today)
            if checked.missing:
                raise ValidationError(
                    "not ready to submit: " + ", ".join(m.code for m in checked.missing),
                    field=checked.missing[0].code)
            assert customer is not None
            body = _submission_body(links, draft, customer.pii, now)
            key = repo.enqueue(s, self._store.cipher, "application", application_id,
                               OutboxKind.SUBMIT_APPLICATION, body)
            uploads = 0
            for doc in documents:
                if doc.doc_type in UPLOADED:
                    repo.enqueue(s, self._store.cipher, "application", application_id,
                                 OutboxKind.UPLOAD_DOCUMENT, {"document_id": doc.id})
                    uploads += 1
            fleet = self._submit_fleet(s, actor, links, draft, customer.pii, documents, now)
            draft["step"] = "review"
            draft["submitted_at"] = now.isoformat()
            draft["fleet_references"] = list(fleet)
            repo.save_application_draft(s, self._store.cipher, application_id, draft)
            repo.set_application_status(s, application_id, ApplicationStatus.QUEUED, at=now)
            repo.audit(s, AuditAction.SEND, "application", application_id, actor,
                       f"submission queued with {uploads} document(s)"
                       + (f" and {len(fleet)} more vehicle(s)" if fleet else ""))
        log.info("application %s queued for central with %d document(s), %d more vehicle(s)",
                 links["reference"], uploads, len(fleet))
        return Submitted(reference=links["reference"], idempotency_key=key, uploads=uploads,
                         fleet=fleet)

    def _submit_fleet(self, s: Any, actor: User, links: dict[str, Any], draft: dict[str, Any],
                      pii: CustomerPII, documents: list[Any], now: datetime
                      ) -> tuple[str, ...]:
        """A fleet's other vehicles: each an application of its own at the lessor (its
        own decision and contract), with the customer's documents and consent, queued
        in the caller's transaction. References: the application's, then -2, -3…"""
        references = []
        cipher = self._store.cipher
        for number, terms in enumerate(draft.get("fleet") or [], start=2):
            reference = f"{links['reference']}-{number}"
            vehicle = terms["vehicle"]
            sibling_draft = {key: draft.get(key) for key in
                             ("wizard", "customer_type", "company", "applicant", "consent")}
            sibling_draft.update({"quote": terms, "fleet_of": links["id"], "step": "review",
                                  "submitted_at": now.isoformat()})
            sibling = repo.add_application(
                s, cipher, reference=reference, dealer_id=links["dealer_id"],
                consultant_id=actor.id, customer_type=links["customer_type"],
                customer_id=links["customer_id"],
                inventory_item_id=vehicle.get("inventory_item_id"),
                status=ApplicationStatus.QUEUED, product_code=terms["product_code"],
                vehicle_price=Money(terms["price_fen"]),
                down_payment=Money(terms["down_payment_fen"]),
                term_months=int(terms["term_months"]), draft=sibling_draft, created_at=now)
            repo.set_application_status(s, sibling, ApplicationStatus.QUEUED, at=now)
            body = _submission_body({**links, "reference": reference}, sibling_draft, pii, now)
            repo.enqueue(s, cipher, "application", sibling, OutboxKind.SUBMIT_APPLICATION, body)
            for doc in documents:
                if doc.doc_type in UPLOADED:
                    copy = repo.copy_document(s, cipher, doc.id, sibling)
                    repo.enqueue(s, cipher, "application", sibling, OutboxKind.UPLOAD_DOCUMENT,
                                 {"document_id": copy.id})
            repo.audit(s, AuditAction.SEND, "application", sibling, actor,
                       f"fleet vehicle {number} of {links['reference']} queued")
            references.append(reference)
        return tuple(references)


def _counts(documents: list[Any]) -> dict[DocumentType, int]:
    """Confirmed documents per kind."""
    counts: dict[DocumentType, int] = {}
    for doc in documents:
        counts[doc.doc_type] = counts.get(doc.doc_type, 0) + 1
    return counts


def _segment(customer_type: CustomerType) -> str:
    return {CustomerType.COMPANY: "fleet", CustomerType.FARMER: "farmer"}.get(
        customer_type, "individual")


def _check(links: dict[str, Any], draft: dict[str, Any], pii: CustomerPII | None,
           counts: dict[DocumentType, int], today: date) -> _Checked:
    checked = _Checked()
    customer_type: CustomerType = links["customer_type"]
    for kind in REQUIRED_DOCUMENTS[customer_type]:
        if not counts.get(kind):
            checked.need(f"document:{kind.value}", "documents")
    if pii is None:
        checked.need("contact", "contact")
    else:
        if not pii.id_number:
            checked.need("id_number", "contact")
        elif Problem.CHECK_CHARACTER in id_number_problems(pii.id_number, today):
            checked.need("id_number_check", "contact")
        if not pii.phone:
            checked.need("phone", "contact")
        if customer_type is CustomerType.COMPANY:
            company = draft.get("company") or {}
            if not company.get("company_name"):
                checked.need("company_name", "contact")
            if not company.get("uscc"):
                checked.need("uscc", "contact")
    quote = draft.get("quote")
    if not quote:
        checked.need("quote", "quote")
    else:
        vehicle = quote.get("vehicle") or {}
        vin = vehicle.get("vin") or ""
        # A wrong check digit is only a warning (imported vehicles need not have one);
        # a VIN of the wrong shape central refuses.
        if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin) or \
                set(vin_problems(vin)) & {Problem.FORMAT, Problem.VIN_LETTERS}:
            checked.need("vin", "quote")
        if not vehicle.get("make") or not vehicle.get("model"):
            checked.need("make_model", "quote")
    fleet = draft.get("fleet") or []
    if fleet and customer_type is not CustomerType.COMPANY:
        checked.need("fleet_company_only", "quote")
    vins = [((quote or {}).get("vehicle") or {}).get("vin")]
    for extra in fleet:
        vin = (extra.get("vehicle") or {}).get("vin") or ""
        if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin) or \
                set(vin_problems(vin)) & {Problem.FORMAT, Problem.VIN_LETTERS}:
            checked.need("fleet_vin", "quote", vin)
        if vin in vins:
            checked.need("fleet_same_vehicle", "quote", vin)
        vins.append(vin)
    applicant = draft.get("applicant") or {}
    if applicant.get("monthly_income_fen") is None:
        checked.need("income", "applicant")
    consent = draft.get("consent") or {}
    if not (consent.get("pipl_sensitive") and consent.get("credit_inquiry")
            and counts.get(DocumentType.CONSENT)):
        checked.need("consent", "consent")
    return checked


def _submission_body(links: dict[str, Any], draft: dict[str, Any], pii: CustomerPII,
                     now: datetime) -> dict[str, Any]:
    """The `POST /v1/applications` body (sync/openapi.yaml). What the outbox keeps is
    byte for byte what every retry sends."""
    customer_type: CustomerType = links["customer_type"]
    quote = draft["quote"]
    vehicle = quote["vehicle"]
    applicant_facts = draft.get("applicant") or {}
    applicant: dict[str, Any] = {
        "customer_type": customer_type.value,
        "name": pii.name,
        "phone": pii.phone,
        "income_proven": bool(applicant_facts.get("income_proven")),
        "monthly_income_fen": int(applicant_facts["monthly_income_fen"]),
    }
    if pii.id_number:
        applicant["id_number"] = pii.id_number
        born = id_birth_date(pii.id_number)
        if born is not None:
            applicant["birth_date"] = born.isoformat()
    if pii.address:
        applicant["address"] = pii.address[:200]
    if customer_type is CustomerType.COMPANY:
        company = draft.get("company") or {}
        applicant["company_name"] = company["company_name"]
        applicant["uscc"] = company["uscc"]
    body_quote: dict[str, Any] = {
        "product_code": quote["product_code"],
        "down_payment_fen": int(quote["down_payment_fen"]),
        "term_months": int(quote["term_months"]),
        "annual_rate": quote["annual_rate"],
        "residual_fen": int(quote.get("residual_fen") or 0),
        "fees": [{"code": f["code"], "name_zh": f["name_zh"][:40],
                  "amount_fen": int(f["amount_fen"]), "financed": bool(f["financed"])}
                 for f in quote.get("fees") or []],
    }
    if quote.get("monthly_payment_fen") is not None:
        body_quote["monthly_payment_fen"] = int(quote["monthly_payment_fen"])
    return {
        "client_reference": links["reference"],
        "applicant": applicant,
        "vehicle": {"vin": vehicle["vin"], "make": vehicle["make"][:60],
                    "model": vehicle["model"][:80], "category": quote["category"],
                    "is_nev": bool(quote.get("is_nev") or quote["category"] == "nev"),
                    "price_fen": int(quote["price_fen"])},
        "quote": body_quote,
        "consents": {"pipl_sensitive": True, "credit_inquiry": True,
                     "signed_at": draft["consent"]["signed_at"]},
    }

