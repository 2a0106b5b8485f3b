"""Personal data is masked by default; reveals, searches and changes are audited."""

from __future__ import annotations

import pytest

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import AuditAction, CustomerType, Role
from showroom_app.domain.errors import PermissionDeniedError
from showroom_app.domain.models import CustomerPII, User
from showroom_app.services.customers import CustomerService, PiiField

PII = CustomerPII(
    name="张伟", id_number="11010519491231002X", phone="13812345678",
    address="北京市朝阳区建国路88号", bank_card="6222021234567890128",
)


@pytest.fixture
def setup(store: Store) -> tuple[CustomerService, User, User, str]:
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        consultant = repo.add_user(s, "desk", "李顾问", Role.CONSULTANT, "x", dealer.id)
        manager = repo.add_user(s, "boss", "王经理", Role.MANAGER, "x", dealer.id)
        customer = repo.add_customer(s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, PII)
    return CustomerService(store), consultant, manager, customer.id


def test_the_default_view_is_masked_and_leaves_no_audit(setup) -> None:
    service, consultant, manager, cid = setup
    view = service.get(consultant, cid)
    assert (view.name, view.id_number, view.phone, view.bank_card) == (
        "张*", "110105********002X", "138****5678", "**** 0128")
    assert all(e.entity != "customer" for e in service.audit_log(manager))


def test_revealing_a_field_is_audited_with_who_and_what(setup) -> None:
    service, consultant, manager, cid = setup
    assert service.reveal(consultant, cid, PiiField.ID_NUMBER) == PII.id_number
    entry = service.audit_log(manager)[0]
    assert (entry.action, entry.entity, entry.entity_id, entry.username) == (
        AuditAction.VIEW.value, "customer", cid, "desk")
    assert entry.detail == "field=id_number"


def test_search_by_id_number_is_audited_masked(setup) -> None:
    service, consultant, manager, cid = setup
    found = service.find_by_id_number(consultant, "11010519491231002x")
    assert [c.id for c in found] == [cid]
    detail = service.audit_log(manager)[0].detail
    assert "110105********002x" in detail and PII.id_number.lower() not in detail.lower()


def test_a_change_is_audited_with_the_fields_not_the_values(setup) -> None:
    service, consultant, manager, cid = setup
    new = CustomerPII(PII.name, PII.id_number, "13900001111", PII.address, PII.bank_card)
    assert service.update(consultant, cid, new).phone == "139****1111"
    entry = service.audit_log(manager)[0]
    assert (entry.action, entry.detail) == (AuditAction.CHANGE.value, "fields=phone")
    assert service.reveal(consultant, cid, PiiField.PHONE) == "13900001111"


def test_only_managers_read_the_audit_log(setup) -> None:
    service, consultant, _, _ = setup
    with pytest.raises(PermissionDeniedError):
        service.audit_log(consultant)
