"""Demo seeding: realistic, well-formed, idempotent, atomic, and never stored in clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select
from stdnum import luhn
from stdnum.cn import ric

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, CustomerRow, DealerRow, UserRow
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    OutboxStatus,
    VehicleCategory,
)
from showroom_app.domain.models import Customer
from showroom_app.services import demo
from showroom_app.services.auth import AuthService
from showroom_app.services.demo import DEMO_DEALER_CODE, DEMO_USERS, seed_demo
from showroom_app.services.passwords import password_problem

# The demo lives in Beijing time; passing today explicitly keeps the stock ages exact.
TODAY = datetime.now(timezone(timedelta(hours=8))).date()

# Written out here, not imported, so the test checks the seeder against the rule itself.
_VIN_VALUE = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_is_valid(vin: str) -> bool:
    if len(vin) != 17 or any(c in "IOQ" or c not in _VIN_VALUE for c in vin):
        return False
    remainder = sum(_VIN_VALUE[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def all_customers(store: Store) -> list[Customer]:
    with store.transaction() as s:
        ids = s.scalars(select(CustomerRow.id)).all()
        customers = [repo.get_customer(s, store.cipher, cid) for cid in ids]
    return [c for c in customers if c is not None]


def application_ids(store: Store) -> list[str]:
    with store.transaction() as s:
        return list(s.scalars(select(ApplicationRow.id)))


@pytest.fixture
def seeded(store: Store) -> demo.SeedReport:
    return seed_demo(store, 50, today=TODAY)


def test_vin_helper_matches_a_published_example() -> None:
    # The textbook North American example, check digit X.
    assert demo.vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert vin_is_valid("1M8GDM9AXKP042788")


def test_demo_passwords_meet_the_password_rule() -> None:
    assert len(DEMO_USERS) == 3
    assert {u.role for u in DEMO_USERS} == {"admin", "manager", "consultant"}
    for user in DEMO_USERS:
        assert password_problem(user.password) is None, user.username


def test_seeding_fifty_applications(store: Store, seeded: demo.SeedReport) -> None:
    report = seeded
    assert report.dealer_code == DEMO_DEALER_CODE
    assert report.users_created == 3
    assert report.applications_created == 50
    assert report.customers_created == 50
    assert report.queued == 0
    assert report.to_dict()["applications_created"] == 50

    with store.transaction() as s:
        assert repo.count_applications(s) == 50
        stock = repo.list_inventory(s)
        assert len(stock) == report.vehicles_created >= 35
        assert {i.category for i in stock} == set(VehicleCategory)
        assert any(i.is_nev for i in stock if i.category is VehicleCategory.NEV)
        assert all(vin_is_valid(i.vin) for i in stock), [i.vin for i in stock]
        assert len({i.vin for i in stock}) == len(stock)
        ages = [i.days_in_stock(TODAY) for i in stock]
        assert min(ages) >= 5 and max(ages) <= 240
        assert any(a > 90 for a in ages) and any(a <= 90 for a in ages)
        assert sum(i.status == "in_stock" for i in stock) > len(stock) / 2
        prices = {i.id: i.list_price for i in stock}

        rows = s.scalars(select(ApplicationRow)).all()
        assert len({r.reference for r in rows}) == 50
        assert len({r.status for r in rows}) >= 6
        assert ApplicationStatus.QUEUED.value not in {r.status for r in rows}
        now = datetime.now(UTC)
        for r in rows:
            assert r.reference.startswith("SR-")
            assert r.vehicle_price_fen == prices[r.inventory_item_id].fen
            assert r.down_payment_fen % 10_000 == 0  # whole hundreds of yuan
            assert 0.19 <= r.down_payment_fen / r.vehicle_price_fen <= 0.41
            assert r.financed_amount_fen == r.vehicle_price_fen - r.down_payment_fen
            assert r.term_months in (12, 24, 36, 48, 60)
            assert r.product_code in ("auto_loan", "direct_lease", "sale_leaseback")
            assert r.created_at.tzinfo is not None
            assert now - timedelta(days=61) < r.created_at <= now
            draft = repo.get_application_draft(s, store.cipher, r.id)
            assert draft is not None and draft["term_months"] == r.term_months

        doc_count = 0
        for r in rows:
            docs = repo.list_documents(s, r.id)
            assert docs, r.reference
            doc_count += len(docs)
            image = repo.get_document_image(s, store.cipher, docs[0].id)
            assert image.startswith(b"\x89PNG")
        assert doc_count == report.documents_created >= 50
        decoded = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
        assert decoded is not None and decoded.shape[:2] == (540, 856)

        entries = [e for e in repo.audit_entries(s) if e.entity == "demo_seed"]
        assert len(entries) == 1
        assert entries[0].action == AuditAction.CREATE.value
        assert entries[0].detail == "applications=50"

    customers = all_customers(store)
    assert len(customers) == 50
    people = [c for c in customers if c.customer_type is not CustomerType.COMPANY]
    companies = [c for c in customers if c.customer_type is CustomerType.COMPANY]
    assert len(people) >= 35 and companies
    for c in people:
        assert c.pii.id_number and ric.is_valid(c.pii.id_number), c.masked_id_number
        born = ric.get_birth_date(c.pii.id_number)
        assert c.birth_year == born.year
        assert 22 <= (TODAY - born).days // 365 <= 61
        assert c.pii.bank_card and luhn.is_valid(c.pii.bank_card)
        assert 2 <= len(c.pii.name) <= 4
    for c in customers:
        assert c.pii.phone and len(c.pii.phone) == 11 and c.pii.phone[:2] in {
            f"1{d}" for d in "3456789"
        }
        assert c.pii.address
        assert c.segment in ("individual", "fleet", "farmer")
    for c in companies:
        assert c.pii.name.endswith(("有限公司", "合作社"))
        assert c.segment in ("fleet", "farmer")
        assert c.pii.id_number is None and c.birth_year is None
    assert {c.segment for c in customers} == {"individual", "fleet", "farmer"}
    assert {c.customer_type for c in customers} == set(CustomerType)


def test_a_second_call_adds_applications_only(store: Store, seeded: demo.SeedReport) -> None:
    with store.transaction() as s:
        vins_before = sorted(i.vin for i in repo.list_inventory(s))
        refs_before = set(s.scalars(select(ApplicationRow.reference)))

    again = seed_demo(store, 20, today=TODAY)

    assert again.users_created == 0
    assert again.vehicles_created == 0
    assert again.applications_created == 20
    with store.transaction() as s:
        assert s.scalar(select(func.count()).select_from(DealerRow)) == 1
        assert s.scalar(select(func.count()).select_from(UserRow)) == 3
        assert sorted(i.vin for i in repo.list_inventory(s)) == vins_before
        refs = set(s.scalars(select(ApplicationRow.reference)))
        assert len(refs) == 70 and refs_before < refs
        assert max(int(r.rsplit("-", 1)[1]) for r in refs) == 70
    numbers = [c.pii.id_number for c in all_customers(store) if c.pii.id_number]
    assert len(numbers) == len(set(numbers))


def test_submit_queues_outbox_rows_with_the_applications(store: Store) -> None:
    report = seed_demo(store, 40, submit=True, today=TODAY)

    assert report.queued == 40
    with store.transaction() as s:
        assert repo.count_outbox(s, OutboxStatus.PENDING) == report.queued
        by_status = repo.count_applications_by_status(s)
        assert by_status.get(ApplicationStatus.QUEUED, 0) == report.queued
        assert ApplicationStatus.DRAFT not in by_status
        queued = s.scalars(
            select(ApplicationRow).where(ApplicationRow.status == ApplicationStatus.QUEUED.value)
        ).all()
        assert all(r.submitted_at is not None for r in queued)


def test_a_failure_leaves_nothing_half_seeded(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real_add_document = repo.add_document

    def failing_add_document(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] > 30:
            raise RuntimeError("disk full")
        return real_add_document(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "add_document", failing_add_document)
    with pytest.raises(RuntimeError, match="disk full"):
        seed_demo(store, 50, today=TODAY)

    with store.transaction() as s:
        assert repo.dealer_by_code(s, DEMO_DEALER_CODE) is None
        assert repo.count_users(s) == 0
        assert repo.count_applications(s) == 0
        assert repo.list_inventory(s) == []


def test_no_personal_data_in_clear_in_the_database_files(store: Store, data_dir: Path) -> None:
    seed_demo(store, 50, submit=True, today=TODAY)

    needles: set[bytes] = set()
    names = id_numbers = phones = 0
    for c in all_customers(store):
        needles.add(c.pii.name.encode("utf-8"))
        names += 1
        if c.pii.id_number:
            needles.add(c.pii.id_number.encode("ascii"))
            needles.add(c.pii.id_number.lower().encode("ascii"))
            id_numbers += 1
        if c.pii.phone:
            needles.add(c.pii.phone.encode("ascii"))
            phones += 1
    # Not vacuous: the data really holds these values in memory.
    assert names == 50 and id_numbers >= 40 and phones == 50
    assert all(len(n) >= 6 for n in needles)

    store.close()
    db_path = store.path
    files = [p for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")) if p.exists()]
    assert db_path in files and db_path.parent == data_dir
    blobs = {p.name: p.read_bytes() for p in files}
    assert sum(len(b) for b in blobs.values()) > 100_000  # documents and rows are in there

    leaks = [(name, n) for name, blob in blobs.items() for n in needles if n in blob]
    assert not leaks, f"{len(leaks)} clear personal values found in the database files"


def test_a_demo_user_can_sign_in(store: Store, seeded: demo.SeedReport) -> None:
    auth = AuthService(store)
    assert not auth.needs_first_run()
    consultant = next(u for u in DEMO_USERS if u.role == "consultant")
    user = auth.sign_in(consultant.username, consultant.password)
    assert user.display_name == consultant.display_name
    assert user.role is consultant.role


def test_demo_data_never_goes_into_a_real_desk(store: Store) -> None:
    from showroom_app.domain.errors import NotADemoFolderError

    AuthService(store).create_first_admin("owner", "店主", "Real-owner-pass-1")
    with pytest.raises(NotADemoFolderError, match="real desk"):
        seed_demo(store, 5, submit=True)
    with store.read() as s:
        assert repo.count_applications(s) == 0
        assert repo.count_users(s) == 1
