"""Demo seeding: realistic, well-formed, idempotent, atomic, and never stored in clear."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select
from stdnum import luhn
from stdnum.cn import ric

from local_store import repositories as repo
from local_store.db import Store, open_store
from local_store.keys import FileKeyStore
from local_store.orm import (
    DECIDED_STATUSES,
    FUNDED_STATUSES,
    SIGNED_STATUSES,
    ApplicationRow,
    CustomerRow,
    DealerRow,
    DocumentRow,
    OutboxRow,
    UserRow,
)
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    DocumentType,
    OutboxStatus,
    Role,
    VehicleCategory,
)
from showroom_app.domain.errors import DecryptionError
from showroom_app.domain.models import Customer, CustomerPII
from showroom_app.domain.money import Money
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
    real_add_document = repo.BulkWriter.add_document

    def failing_add_document(self: repo.BulkWriter, *args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] > 30:
            raise RuntimeError("disk full")
        return real_add_document(self, *args, **kwargs)  # type: ignore[arg-type]

    # Small chunks, so some rows really were written before the failure.
    monkeypatch.setattr(repo.BulkWriter, "add_document", failing_add_document)
    real_init = repo.BulkWriter.__init__
    monkeypatch.setattr(repo.BulkWriter, "__init__",
                        lambda self, s, c: real_init(self, s, c, chunk_rows=10))
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


# --- the bulk path ----------------------------------------------------------------------


def _non_null_columns(row: object) -> set[str]:
    table = row.__table__  # type: ignore[attr-defined]
    return {c.key for c in table.columns if getattr(row, c.key) is not None}


def test_bulk_writer_writes_the_rows_the_one_row_functions_write(store: Store) -> None:
    """Same columns filled, same sealing and binding (the readers open both), and the
    milestones `_stamp_milestones` would stamp, although Core inserts skip ORM events."""
    pii = CustomerPII(name="测试人", id_number="11010519491231002X", phone="13800138000",
                      address="北京市朝阳区测试路1号", bank_card="6222020000000000003")
    fields = {"name": pii.name, "id_number": pii.id_number}
    draft = {"step": "review", "term_months": 36}
    queued_at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    funded_at = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "T1", "测试")
        user = repo.add_user(s, "u", "U", Role.CONSULTANT, "x", dealer_id=dealer.id)
        common = {"dealer_id": dealer.id, "consultant_id": user.id,
                  "customer_type": CustomerType.INDIVIDUAL, "inventory_item_id": None,
                  "product_code": "auto_loan", "vehicle_price": Money(10_000_000),
                  "down_payment": Money(3_000_000), "term_months": 36, "draft": draft,
                  "created_at": datetime(2026, 11, 1, 2, 0, tzinfo=UTC)}

        one = repo.add_customer(s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, pii,
                                birth_year=1949, segment="individual")
        one_app = repo.add_application(s, store.cipher, reference="SR-1", customer_id=one.id,
                                       **common)  # type: ignore[arg-type]
        repo.set_application_status(s, one_app, ApplicationStatus.QUEUED, queued_at)
        repo.set_application_status(s, one_app, ApplicationStatus.FUNDED, funded_at)
        one_doc = repo.add_document(s, store.cipher, DocumentType.ID_CARD_FRONT, b"\x89PNG1",
                                    "image/png", application_id=one_app, customer_id=one.id,
                                    fields=fields).id
        repo.enqueue(s, store.cipher, "application", one_app, "submit_application", draft)

        writer = repo.BulkWriter(s, store.cipher)
        bulk = writer.add_customer(dealer.id, CustomerType.INDIVIDUAL, pii, birth_year=1949,
                                   segment="individual")
        bulk_app = writer.add_application(
            reference="SR-2", customer_id=bulk, status=ApplicationStatus.FUNDED,
            updated_at=funded_at, submitted_at=queued_at, **common)  # type: ignore[arg-type]
        bulk_doc = writer.add_document(DocumentType.ID_CARD_FRONT, b"\x89PNG1", "image/png",
                                       application_id=bulk_app, customer_id=bulk, fields=fields)
        writer.enqueue("application", bulk_app, "submit_application", draft)
        writer.flush()
        assert writer.written == {"customer": 1, "application": 1, "document": 1, "outbox": 1}

    with store.transaction() as s:
        for row_class, a, b in ((CustomerRow, one.id, bulk), (ApplicationRow, one_app, bulk_app),
                                (DocumentRow, one_doc, bulk_doc)):
            row_a, row_b = s.get(row_class, a), s.get(row_class, b)
            assert _non_null_columns(row_a) == _non_null_columns(row_b), row_class
        bulk_customer = repo.get_customer(s, store.cipher, bulk)
        assert bulk_customer is not None and bulk_customer.pii == pii
        assert [c.id for c in repo.find_customers_by_id_number(
            s, store.cipher, pii.id_number.lower())] == [one.id, bulk]  # type: ignore[union-attr]
        assert repo.get_application_draft(s, store.cipher, bulk_app) == draft
        assert repo.get_document_image(s, store.cipher, bulk_doc) == b"\x89PNG1"
        old_row, new_row = s.get(ApplicationRow, one_app), s.get(ApplicationRow, bulk_app)
        for column in ("status", "financed_amount_fen", "created_at", "updated_at",
                       "submitted_at", "decided_at", "signed_at", "funded_at"):
            assert getattr(old_row, column) == getattr(new_row, column), column
        outbox = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        assert [r.aggregate_id for r in outbox] == [one_app, bulk_app]
        assert [repo.outbox_payload(store.cipher, r) for r in outbox] == [draft, draft]
        assert _non_null_columns(outbox[0]) == _non_null_columns(outbox[1])
        # Bound to its own row: moved to the other customer, it no longer opens.
        moved = s.get(CustomerRow, one.id)
        with pytest.raises(DecryptionError):
            store.cipher.open_text("customer", "name", bulk, moved.name_enc)  # type: ignore[union-attr]


def test_a_large_seed_writes_every_kind_of_row(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big enough for the chunked writes and the progress calls (not timed: the 100,000
    figure is in the report of issue 10's work), small enough for the suite."""
    monkeypatch.setattr(demo, "PROGRESS_EVERY", 1_000)
    calls: list[tuple[int, int]] = []
    report = seed_demo(store, 3_000, submit=True, today=TODAY,
                       progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1_000, 3_000), (2_000, 3_000)]
    assert report.customers_created == report.applications_created == report.queued == 3_000
    with store.transaction() as s:
        def count(row_class: type) -> int:
            return s.scalar(select(func.count()).select_from(row_class)) or 0

        assert count(CustomerRow) == count(ApplicationRow) == 3_000
        assert count(DocumentRow) == report.documents_created
        assert 3_000 < report.documents_created < 6_000
        assert count(OutboxRow) == repo.count_outbox(s, OutboxStatus.PENDING) == 3_000
        assert repo.count_applications_by_status(s) == {ApplicationStatus.QUEUED: 3_000}
        apps = s.scalars(select(ApplicationRow)).all()
        assert all(a.submitted_at == a.updated_at and a.decided_at is None for a in apps)
        # The queue is in application order, each row with its own body.
        outbox = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        by_id = {a.id: a for a in apps}
        refs = [by_id[r.aggregate_id].reference for r in outbox]
        assert refs == sorted(refs, key=lambda ref: int(ref.rsplit("-", 1)[1]))
        assert len({r.idempotency_key for r in outbox}) == 3_000

        sample = random.Random(3).sample(apps, 40)
        for app in sample:
            customer = repo.get_customer(s, store.cipher, app.customer_id)  # type: ignore[arg-type]
            assert customer is not None and customer.pii.name and customer.pii.phone
            assert repo.get_application_draft(s, store.cipher, app.id)["term_months"] == (  # type: ignore[index]
                app.term_months)
            docs = repo.list_documents(s, app.id)
            assert len(docs) == (1 if customer.customer_type is CustomerType.COMPANY else 2)
            # Listed by time: the front of the ID card before its back.
            assert docs[0].doc_type in (DocumentType.ID_CARD_FRONT,
                                        DocumentType.BUSINESS_LICENCE)
            for d in docs:
                assert repo.get_document_image(s, store.cipher, d.id).startswith(b"\x89PNG")
            row = next(r for r in outbox if r.aggregate_id == app.id)
            body = repo.outbox_payload(store.cipher, row)
            assert body["client_reference"] == app.reference
            assert body["applicant"]["name"] == customer.pii.name
        # One rendering per card type, but every stored copy is sealed on its own.
        blobs = s.scalars(select(DocumentRow.image_enc).limit(500)).all()
        assert len(set(blobs)) == len(blobs) == 500


def test_the_same_seed_gives_the_same_demo(data_dir: Path, tmp_path: Path) -> None:
    """Same seed and day, same people, references, statuses and milestones."""
    yesterday = TODAY - timedelta(days=1)  # the anchor is then fixed, not "now"

    def snapshot(folder: Path) -> list[tuple[object, ...]]:
        folder.mkdir(exist_ok=True)
        store = open_store(folder / "showroom.sqlite3",
                           FileKeyStore(folder / "keys" / "datakey.json", "pass phrase"))
        try:
            seed_demo(store, 60, today=yesterday)
            seed_demo(store, 20, submit=True, today=yesterday)
            with store.transaction() as s:
                rows = s.scalars(select(ApplicationRow).order_by(ApplicationRow.reference))
                out = []
                for a in rows:
                    c = repo.get_customer(s, store.cipher, a.customer_id)  # type: ignore[arg-type]
                    assert c is not None
                    out.append((a.reference, a.status, a.created_at, a.updated_at,
                                a.submitted_at, a.decided_at, a.signed_at, a.funded_at,
                                a.financed_amount_fen, c.pii, c.segment,
                                len(repo.list_documents(s, a.id))))
                return out
        finally:
            store.close()

    first, second = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(first) == 80 and first == second
    statuses = {row[1] for row in first}
    assert "queued" in statuses and len(statuses) >= 6
    for row in first:
        status, updated, decided, signed, funded = row[1], row[3], row[5], row[6], row[7]
        assert (decided is not None) == (status in DECIDED_STATUSES)
        assert (signed is not None) == (status in SIGNED_STATUSES)
        assert (funded is not None) == (status in FUNDED_STATUSES)
        # A history a report can time: decided, then signed, then funded, the status's
        # own milestone at the application's last change (a contract is made ready
        # after its decision).
        present = [m for m in (decided, signed, funded) if m is not None]
        assert present == sorted(present)
        if present and status != "contract_ready":
            assert present[-1] == updated
        if status in ("signed", "funded", "contract_ready"):
            assert decided < updated
