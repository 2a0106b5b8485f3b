"""The new-application wizard's service: drafts saved step by step, what keeps a draft
from being submitted, the duplicate check, and the submission itself, sent to the
reference central over HTTP by the real dispatcher."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from test_outbox_service import (
    APPROVE_ID,
    DECLINE_ID,
    STROKES,
    enroll_desk,
    signature_png,
    user,
)

from central.db import Application as CentralApplication
from central.db import Document as CentralDocument
from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, AuditLogRow, OutboxRow
from showroom_app.domain.enums import (
    ApplicationStatus,
    CustomerType,
    DocumentType,
    OutboxKind,
)
from showroom_app.domain.errors import InvalidStateError, ValidationError
from showroom_app.domain.money import Money
from showroom_app.services.demo import seed_demo
from showroom_app.services.quoting import QuoteInput, QuotingService
from showroom_app.services.submission import Contact, SubmissionService, quote_terms
from sync.dispatcher import Dispatcher

NOW = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 210, 220)).save(out, format="JPEG")
    return out.getvalue()


def add_document(store: Store, application_id: str, kind: DocumentType) -> str:
    with store.transaction() as s:
        return repo.add_document(s, store.cipher, kind, jpeg(), "image/jpeg",
                                 application_id=application_id,
                                 fields={"kind": kind.value}).id


def stock_terms(store: Store, down_percent: int = 30, product: str = "auto_loan") -> dict:
    quoting = QuotingService(store)
    vehicle = next(v for v in quoting.stock() if v.category == "new_car")
    down = Money(vehicle.price.fen * down_percent // 100)
    quote = quoting.quote(QuoteInput(product_code=product, price=vehicle.price,
                                     down_payment=down, term_months=36,
                                     category=vehicle.category, is_nev=vehicle.is_nev),
                          quoting.catalog())
    make, _, model = vehicle.label.partition(" ")
    return quote_terms(quote, vehicle.id, vehicle.vin, make, model or make, vehicle.is_nev)


def ready_draft(store: Store, id_number: str = APPROVE_ID, consent: bool = True,
                down_percent: int = 30, product: str = "auto_loan") -> str:
    """A complete individual draft, as the wizard leaves it before Submit."""
    service = SubmissionService(store)
    consultant = user(store, "consultant")
    app_id, _ = service.start(consultant, CustomerType.INDIVIDUAL, NOW.date())
    add_document(store, app_id, DocumentType.ID_CARD_FRONT)
    add_document(store, app_id, DocumentType.ID_CARD_BACK)
    service.save_contact(consultant, app_id, Contact(
        name="张伟", id_number=id_number, phone="13812345678", address="北京市朝阳区建国路88号"))
    service.save_quote(consultant, app_id, stock_terms(store, down_percent, product))
    service.save_step(consultant, app_id, "applicant", {"applicant": {
        "monthly_income_fen": 2_000_000, "income_proven": True}})
    if consent:
        service.record_consent(consultant, app_id, "张伟", signature_png(), STROKES, NOW)
    return app_id


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_demo(store, applications=0)
    return store


def test_a_new_draft_lists_everything_it_still_needs_in_the_wizards_order(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id, reference = service.start(consultant, CustomerType.COMPANY, NOW.date())
    assert reference.startswith("SR-20261129-")
    codes = [m.code for m in service.missing(consultant, app_id, NOW.date())]
    assert codes == ["document:business_licence", "document:id_card_front",
                     "document:id_card_back", "contact", "quote", "income", "consent"]
    with pytest.raises(ValidationError, match="not ready to submit: document:business"):
        service.submit(consultant, app_id, NOW)


def test_personal_data_goes_to_the_customer_record_never_the_draft(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id = ready_draft(seeded)
    with seeded.read() as s:
        draft_text = str(repo.get_application_draft(s, seeded.cipher, app_id))
        row = s.get(ApplicationRow, app_id)
        assert row is not None and row.customer_id is not None
        assert row.inventory_item_id is not None
    for secret in (APPROVE_ID, "13812345678", "建国路"):
        assert secret not in draft_text
    resumed = service.resume(consultant, app_id)
    assert resumed.contact is not None and resumed.contact.id_number == APPROVE_ID
    assert resumed.documents[DocumentType.CONSENT] == 1
    assert resumed.draft["quote"]["term_months"] == 36
    with seeded.read() as s:
        audit = [a.detail for a in s.scalars(select(AuditLogRow)).all()]
    assert any("resumed" in line for line in audit)
    assert not any(APPROVE_ID in line for line in audit)


def test_contact_refuses_what_central_would_refuse(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id, _ = service.start(consultant, CustomerType.INDIVIDUAL, NOW.date())
    with pytest.raises(ValidationError) as bad_phone:
        service.save_contact(consultant, app_id, Contact(name="张伟", phone="12345"))
    assert bad_phone.value.field == "phone"
    with pytest.raises(ValidationError) as bad_id:
        service.save_contact(consultant, app_id, Contact(name="张伟", id_number="1101"))
    assert bad_id.value.field == "id_number"
    # A wrong check character is what the card says: kept, and it blocks the submission.
    wrong = APPROVE_ID[:17] + ("1" if APPROVE_ID[17] != "1" else "2")
    service.save_contact(consultant, app_id, Contact(name="张伟", id_number=wrong,
                                                     phone="13812345678"))
    codes = [m.code for m in service.missing(consultant, app_id, NOW.date())]
    assert "id_number_check" in codes


def test_a_typed_vehicle_needs_a_well_formed_vin(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id = ready_draft(seeded)
    terms = stock_terms(seeded)
    terms["vehicle"] = {"inventory_item_id": None, "vin": "LGXC16DF4N00I2345",
                        "make": "比亚迪", "model": "秦PLUS"}
    service.save_quote(consultant, app_id, terms)
    assert [m.code for m in service.missing(consultant, app_id, NOW.date())] == ["vin"]
    with seeded.read() as s:
        row = s.get(ApplicationRow, app_id)
        assert row is not None and row.inventory_item_id is None


def test_the_same_id_number_open_or_recent_at_this_dealer_is_a_duplicate(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    first = ready_draft(seeded)
    second = ready_draft(seeded)
    other = ready_draft(seeded, id_number=DECLINE_ID)
    found = service.duplicates(consultant, second, NOW)
    assert [d.id for d in found] == [first]
    assert found[0].open and not found[0].recent
    assert service.duplicates(consultant, other, NOW) == []
    # Submitted 20 days ago and since declined: no longer open, still recent.
    with seeded.transaction() as s:
        row = s.get(ApplicationRow, first)
        assert row is not None
        row.status = ApplicationStatus.DECLINED.value
        row.submitted_at = NOW - timedelta(days=20)
    found = service.duplicates(consultant, second, NOW)
    assert [(d.open, d.recent) for d in found] == [(False, True)]
    with seeded.transaction() as s:
        row = s.get(ApplicationRow, first)
        assert row is not None
        row.submitted_at = NOW - timedelta(days=31)
    assert service.duplicates(consultant, second, NOW) == []


def test_submit_queues_the_body_and_every_document_once(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id = ready_draft(seeded)
    sent = service.submit(consultant, app_id, NOW)
    assert sent.uploads == 3  # ID front, ID back, the signed consent
    with seeded.read() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.aggregate_id == app_id)
                         .order_by(OutboxRow.id)).all()
        assert [r.kind for r in rows] == [OutboxKind.SUBMIT_APPLICATION.value] + \
            [OutboxKind.UPLOAD_DOCUMENT.value] * 3
        body = repo.outbox_payload(seeded.cipher, rows[0])
        row = s.get(ApplicationRow, app_id)
        assert row is not None and row.status == ApplicationStatus.QUEUED.value
        assert row.submitted_at is not None
    assert body["applicant"]["id_number"] == APPROVE_ID
    assert body["applicant"]["birth_date"] == "1988-03-15"
    assert body["consents"]["signed_at"] == NOW.isoformat()
    assert body["quote"]["term_months"] == 36
    with pytest.raises(InvalidStateError, match="submitted already"):
        service.submit(consultant, app_id, NOW)


def test_a_submission_reaches_central_with_its_documents_and_is_decided(
        seeded, central) -> None:
    client = enroll_desk(seeded, central)
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    approve = ready_draft(seeded)
    decline = ready_draft(seeded, id_number=DECLINE_ID)
    service.submit(consultant, approve, NOW)
    service.submit(consultant, decline, NOW)
    Dispatcher(seeded, client).drain(timeout=30)
    with seeded.read() as s:
        statuses = {a: s.get(ApplicationRow, a).status for a in (approve, decline)}
        central_ids = {a: s.get(ApplicationRow, a).central_id for a in (approve, decline)}
    # Central issues the contract as it approves.
    assert statuses == {approve: ApplicationStatus.CONTRACT_READY.value,
                        decline: ApplicationStatus.DECLINED.value}
    with central.db.session() as s:
        app = s.get(CentralApplication, central_ids[approve])
        assert app is not None and app.status in ("approved", "contract_ready")
        kinds = sorted(d.doc_type for d in s.scalars(select(CentralDocument).where(
            CentralDocument.application_id == app.id)))
    assert kinds == ["consent", "id_card_back", "id_card_front"]


def test_a_consent_needs_a_signature(seeded) -> None:
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id = ready_draft(seeded, consent=False)
    with pytest.raises(ValidationError):
        service.record_consent(consultant, app_id, "张伟", signature_png(), [], NOW)
    with pytest.raises(ValidationError):
        service.record_consent(consultant, app_id, "张伟", b"GIF89a", [[{"x": 1}]], NOW)
    assert [m.code for m in service.missing(consultant, app_id, date(2026, 11, 29))] == \
        ["consent"]


def test_unfinished_drafts_are_the_consultants_own_recent_ones(seeded) -> None:
    service = SubmissionService(seeded)
    consultant, manager = user(seeded, "consultant"), user(seeded, "manager")
    app_id, reference = service.start(consultant, CustomerType.FARMER, NOW.date())
    service.start(manager, CustomerType.INDIVIDUAL, NOW.date())
    now = datetime.now(UTC)
    assert [(i, r) for i, r, _ in service.unfinished(consultant, now)] == [(app_id, reference)]
    assert service.unfinished(consultant, now + timedelta(days=4)) == []


def test_a_fleet_goes_as_one_application_per_vehicle_with_its_documents(
        seeded, central) -> None:
    client = enroll_desk(seeded, central)
    service = SubmissionService(seeded)
    consultant = user(seeded, "consultant")
    app_id, reference = service.start(consultant, CustomerType.COMPANY, NOW.date())
    for kind in (DocumentType.BUSINESS_LICENCE, DocumentType.ID_CARD_FRONT,
                 DocumentType.ID_CARD_BACK):
        add_document(seeded, app_id, kind)
    service.save_contact(consultant, app_id, Contact(
        name="李强", id_number=APPROVE_ID, phone="13812345678", address="成都市武侯区",
        company_name="成都顺达物流有限公司", uscc="91510100MA6CGUQ01X"))
    quoting = QuotingService(seeded)
    cars = [v for v in quoting.stock() if v.category == "new_car"][:3]
    terms = []
    for car in cars:
        quote = quoting.quote(QuoteInput(product_code="auto_loan", price=car.price,
                                         down_payment=Money(car.price.fen * 30 // 100),
                                         term_months=36, category=car.category),
                              quoting.catalog())
        make, _, model = car.label.partition(" ")
        terms.append(quote_terms(quote, car.id, car.vin, make, model or make))
    service.save_quote(consultant, app_id, terms[0])
    service.save_fleet(consultant, app_id, [terms[1], terms[0]])
    service.save_step(consultant, app_id, "applicant", {"applicant": {
        "monthly_income_fen": 50_000_000, "income_proven": True}})
    service.record_consent(consultant, app_id, "李强", signature_png(), STROKES, NOW)
    codes = [m.code for m in service.missing(consultant, app_id, NOW.date())]
    assert codes == ["fleet_same_vehicle"]  # the first car twice
    service.save_fleet(consultant, app_id, terms[1:])
    assert service.missing(consultant, app_id, NOW.date()) == []

    sent = service.submit(consultant, app_id, NOW)
    assert sent.fleet == (f"{reference}-2", f"{reference}-3")
    with seeded.read() as s:
        rows = s.scalars(select(ApplicationRow).where(
            ApplicationRow.reference.like(f"{reference}%"))).all()
        assert sorted(r.reference for r in rows) == [reference, *sent.fleet]
        assert {r.customer_id for r in rows} == {rows[0].customer_id}
        assert {r.inventory_item_id for r in rows} == {c.id for c in cars}
        submissions = s.scalars(select(OutboxRow).where(
            OutboxRow.kind == OutboxKind.SUBMIT_APPLICATION.value)).all()
        assert len(submissions) == 3
        bodies = [repo.outbox_payload(seeded.cipher, r) for r in submissions]
    assert sorted(b["vehicle"]["vin"] for b in bodies) == sorted(c.vin for c in cars)
    assert {b["applicant"]["company_name"] for b in bodies} == {"成都顺达物流有限公司"}
    Dispatcher(seeded, client).drain(timeout=60)
    with seeded.read() as s:
        ids = {r.reference: r.central_id for r in s.scalars(select(ApplicationRow).where(
            ApplicationRow.reference.like(f"{reference}%")))}
    with central.db.session() as s:
        for central_id in ids.values():
            kinds = sorted(d.doc_type for d in s.scalars(select(CentralDocument).where(
                CentralDocument.application_id == central_id)))
            assert kinds == ["business_licence", "consent", "id_card_back", "id_card_front"]
