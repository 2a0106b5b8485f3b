"""The applications page's services: search (reference, VIN, name, phone tail, the blind
index for ID and mobile numbers, status, dates), detail, contract copy and terms."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, AuditLogRow, CustomerRow, InventoryItemRow
from showroom_app.domain.enums import ApplicationStatus, DocumentType, Role
from showroom_app.domain.models import User
from showroom_app.services.applications import ApplicationService
from showroom_app.services.demo import seed_demo


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_demo(store, applications=30)
    return store


def _user(store: Store, role: Role) -> User:
    with store.read() as s:
        return next(u for u in repo.list_users(s) if u.role is role)


def _an_application(store: Store) -> tuple[ApplicationRow, CustomerRow, InventoryItemRow]:
    with store.read() as s:
        app, cust, item = s.execute(
            select(ApplicationRow, CustomerRow, InventoryItemRow)
            .join(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
            .join(InventoryItemRow, InventoryItemRow.id == ApplicationRow.inventory_item_id)
            .order_by(ApplicationRow.reference)).first()
        s.expunge_all()
    return app, cust, item


def _pii(store: Store, customer_id: str):
    with store.read() as s:
        return repo.get_customer(s, store.cipher, customer_id).pii


def _audits(store: Store) -> list[str]:
    with store.read() as s:
        return [r.detail or "" for r in s.scalars(select(AuditLogRow))]


def test_lists_everything_masked_and_consultants_see_their_own(seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager, consultant = _user(seeded, Role.MANAGER), _user(seeded, Role.CONSULTANT)
    every = service.search(manager)
    assert len(every) == 30
    assert [a.updated_at for a in every] == sorted((a.updated_at for a in every), reverse=True)
    own = service.search(consultant)
    assert 0 < len(own) < 30 and {a.consultant for a in own} == {consultant.display_name}
    for a in every:
        assert "*" in a.customer_masked_name or len(a.customer_masked_name) <= 1


def test_text_matches_reference_vin_name_and_phone_tail(seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager = _user(seeded, Role.MANAGER)
    app, cust, item = _an_application(seeded)
    pii = _pii(seeded, cust.id)
    assert app.id in {a.id for a in service.search(manager, app.reference[-4:])}
    assert [a.id for a in service.search(manager, app.reference.lower())] == [app.id]
    assert app.id in {a.id for a in service.search(manager, item.vin[-6:].lower())}
    assert app.id in {a.id for a in service.search(manager, pii.name)}
    assert app.id in {a.id for a in service.search(manager, pii.phone[-4:])}
    assert service.search(manager, "no such thing") == []


def test_id_number_and_mobile_go_through_the_blind_index_and_are_audited(
        seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager = _user(seeded, Role.MANAGER)
    app, cust, _ = _an_application(seeded)
    pii = _pii(seeded, cust.id)
    found = service.search(manager, pii.id_number)
    assert [a.id for a in found] == [app.id]
    found = service.search(manager, f"+86 {pii.phone}")
    assert [a.id for a in found] == [app.id]
    audits = [d for d in _audits(seeded) if d.startswith("application search")]
    assert len(audits) == 2
    assert pii.id_number not in " ".join(audits) and pii.phone not in " ".join(audits)
    assert "hits=1" in audits[0]


def test_status_and_date_filters(seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager = _user(seeded, Role.MANAGER)
    every = service.search(manager)
    status = every[0].status
    only = service.search(manager, statuses=status)
    assert only and all(a.status is status for a in only)
    assert len(only) == sum(a.status is status for a in every)
    two = (ApplicationStatus.FUNDED, ApplicationStatus.DRAFT)
    assert {a.status for a in service.search(manager, statuses=two)} <= set(two)
    newest = max(a.created_at for a in every).astimezone().date()
    recent = service.search(manager, date_from=newest)
    assert recent and all(a.created_at.astimezone().date() >= newest for a in recent)
    old = service.search(manager, date_to=newest - timedelta(days=1))
    assert len(recent) + len(old) == len(every)


def test_detail_and_contract(seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager = _user(seeded, Role.MANAGER)
    app, _cust, item = _an_application(seeded)
    detail = service.detail(manager, app.id)
    assert detail.reference == app.reference and detail.vin == item.vin
    assert detail.customer is not None and "*" in detail.customer.id_number
    assert detail.central is None and detail.contract_number is None
    assert not detail.has_contract_pdf
    with seeded.transaction() as s:
        row = s.get(ApplicationRow, app.id)
        row.status = ApplicationStatus.CONDITIONAL.value
        row.central_detail = json.dumps({
            "status": "conditional", "seq": 3, "at": datetime.now(UTC).isoformat(),
            "reasons": [{"code": "R1", "zh": "首付比例偏低", "en": "Low down payment"}],
            "conditions": [{"code": "C1", "zh": "首付提高到30%", "en": "Down payment 30%",
                            "value": "0.30"}]}, ensure_ascii=False)
    detail = service.detail(manager, app.id)
    assert detail.status is ApplicationStatus.CONDITIONAL and detail.withdrawable
    assert detail.conditions[0]["en"] == "Down payment 30%"
    assert detail.reasons[0]["zh"] == "首付比例偏低"
    assert service.contract_pdf(manager, app.id) is None
    pdf = b"%PDF-1.4 test"
    with seeded.transaction() as s:
        s.get(ApplicationRow, app.id).status = ApplicationStatus.CONTRACT_READY.value
        repo.add_document(s, seeded.cipher, DocumentType.CONTRACT, pdf, "application/pdf",
                          application_id=app.id)
        repo.set_meta(s, f"contract:{app.id}", json.dumps(
            {"number": "HT-1", "pdf_sha256": "x", "signed_sha256": None}))
    detail = service.detail(manager, app.id)
    assert detail.has_contract_pdf and detail.contract_number == "HT-1" and detail.signable
    assert service.contract_pdf(manager, app.id) == pdf
    assert "contract opened" in _audits(seeded)
    terms = service.contract_terms(manager, detail)
    assert terms.kind in ("loan", "lease")
    assert terms.apr_effective is not None and terms.apr_effective > 0
    service.sign(manager, app.id, "张三", b"\x89PNG\r\n\x1a\nxx", [], datetime.now(UTC))
    detail = service.detail(manager, app.id)
    assert detail.signature_queued and not detail.signable


def test_date_from_after_to_finds_nothing(seeded: Store) -> None:
    service = ApplicationService(seeded)
    manager = _user(seeded, Role.MANAGER)
    assert service.search(manager, date_from=date(2100, 1, 1)) == []
