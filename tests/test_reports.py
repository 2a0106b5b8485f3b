"""Manager reports on a small hand-made data set: every expected figure below is worked
out by hand from the rows `seeded` writes (see its docstring)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store, open_store
from local_store.keys import FileKeyStore
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import (
    ApplicationStatus as S,
)
from showroom_app.domain.enums import (
    CustomerType,
    InventoryStatus,
    OutboxStatus,
    Role,
    VehicleCategory,
)
from showroom_app.domain.errors import PermissionDeniedError, ValidationError
from showroom_app.domain.models import CustomerPII, User
from showroom_app.domain.money import Money
from showroom_app.reports import REPORTS
from showroom_app.services.reports import ReportFilters, ReportService
from tests.test_cli import PASSPHRASE, TRACEBACK, showroom

CST = timezone(timedelta(hours=8))
AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=CST)
NOVEMBER = ReportFilters(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), as_of=AS_OF)
EVERYTHING = ReportFilters(as_of=AS_OF)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


class Seeded:
    manager: User
    c1: User
    c2: User
    ids: dict[str, str]


def seed(store: Store) -> Seeded:
    """Stock on 2026-11-20 (China time):
      V1 比亚迪 海豚 nev        ¥100,000.00  in 10 days,  in stock
      V2 吉利 星越L new_car     ¥135,700.00  in 45 days,  reserved
      V3 解放 J6P commercial    ¥420,000.00  in 100 days, in stock
      V4 比亚迪 海豚 nev, V5 丰田 卡罗拉 new_car: sold
    Applications (times China time):
      a1 C1 V1 individual/individual auto_loan   created 11-01 10:00, queued 11:00,
         approved 13:00 (2 h), signed 11-02 13:00 (1 day), funded 11-03; financed ¥80,000
      a2 C1 V2 individual/individual auto_loan   created 11-02 09:00, queued 10:00,
         declined 14:00 (4 h)
      a3 C2 V3 company/fleet direct_lease        created 11-03 09:00, queued 10:00,
         conditional 11-04 10:00 (1 day); financed ¥294,000
      a4 C2 V1 individual/individual auto_loan   created 11-03 15:00, draft
      a5 C1 V3 farmer/farmer direct_lease        created 11-05 09:00, queued 09:30, in review
      a6 M  V4 individual/individual auto_loan   created 10-20 10:00, queued 10:30,
         approved 11:30 (1 h), signed 10-21 11:30 (1 day), funded 10-22
    """
    out = Seeded()
    out.ids = {}
    cipher = store.cipher
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        out.manager = repo.add_user(s, "wang", "王经理", Role.MANAGER, "x", dealer.id)
        out.c1 = repo.add_user(s, "li", "李顾问", Role.CONSULTANT, "x", dealer.id)
        out.c2 = repo.add_user(s, "zhang", "张顾问", Role.CONSULTANT, "x", dealer.id)
        today = AS_OF.date()

        def item(n: int, make: str, model: str, cat: VehicleCategory, fen: int, days: int,
                 status: InventoryStatus) -> str:
            return repo.add_inventory_item(s, dealer.id, f"LTEST000000000{n:03d}", make, model,
                                           cat, Money(fen), today - timedelta(days=days),
                                           status=status).id

        v1 = item(1, "比亚迪", "海豚", VehicleCategory.NEV, 10_000_000, 10,
                  InventoryStatus.IN_STOCK)
        v2 = item(2, "吉利", "星越L", VehicleCategory.NEW_CAR, 13_570_000, 45,
                  InventoryStatus.RESERVED)
        v3 = item(3, "解放", "J6P", VehicleCategory.COMMERCIAL, 42_000_000, 100,
                  InventoryStatus.IN_STOCK)
        v4 = item(4, "比亚迪", "海豚", VehicleCategory.NEV, 10_000_000, 200, InventoryStatus.SOLD)
        item(5, "丰田", "卡罗拉", VehicleCategory.NEW_CAR, 11_980_000, 150, InventoryStatus.SOLD)

        def app(name: str, consultant: User, vehicle: str, ctype: CustomerType, segment: str,
                product: str, created: datetime, price: int, down: int,
                steps: list[tuple[S, datetime]], promotions: list | None = None,
                prescore: dict | None = None) -> None:
            customer = repo.add_customer(s, cipher, dealer.id, ctype,
                                         CustomerPII(name="客户" + name), segment=segment)
            aid = repo.add_application(
                s, cipher, reference=f"SR-{name}", dealer_id=dealer.id,
                consultant_id=consultant.id, customer_type=ctype, customer_id=customer.id,
                inventory_item_id=vehicle, product_code=product, vehicle_price=Money(price),
                down_payment=Money(down), term_months=36, created_at=created)
            if promotions is not None:
                repo.set_application_promotions(s, aid, promotions)
            if prescore is not None:
                repo.set_application_prescore(s, aid, prescore, "test-model-1")
            for status, when in steps:
                repo.set_application_status(s, aid, status, when)
                s.flush()  # each milestone is stamped at the flush that writes it
            out.ids[name] = aid

        aged = {"code": "AGED90", "name_zh": "库龄优惠", "name_en": "Aged stock",
                "source": "dealer", "funded_by": "dealer", "effects": ["rate_discount"]}
        app("a1", out.c1, v1, CustomerType.INDIVIDUAL, "individual", "auto_loan",
            at(11, 1, 10), 10_000_000, 2_000_000,
            [(S.QUEUED, at(11, 1, 11)), (S.APPROVED, at(11, 1, 13)), (S.SIGNED, at(11, 2, 13)),
             (S.FUNDED, at(11, 3, 9))],
            promotions=[aged | {"cost_fen": 300_000},
                        {"code": "_total", "monthly_saving_fen": 5_000,
                         "interest_saving_fen": 250_000, "fee_saving_fen": 50_000,
                         "dealer_cost_fen": 300_000}],
            prescore={"decision": "likely_approve", "band": "A", "pd": 0.02, "bins": {}})
        app("a2", out.c1, v2, CustomerType.INDIVIDUAL, "individual", "auto_loan",
            at(11, 2, 9), 13_570_000, 3_000_000,
            [(S.QUEUED, at(11, 2, 10)), (S.DECLINED, at(11, 2, 14))],
            prescore={"decision": "likely_decline", "band": "E", "pd": 0.4, "bins": {}})
        app("a3", out.c2, v3, CustomerType.COMPANY, "fleet", "direct_lease",
            at(11, 3, 9), 42_000_000, 12_600_000,
            [(S.QUEUED, at(11, 3, 10)), (S.CONDITIONAL, at(11, 4, 10))],
            promotions=[aged | {"cost_fen": 500_000},
                        {"code": "OEM0", "name_zh": "厂商贴息", "name_en": "OEM 0 %",
                         "source": "oem", "funded_by": "oem", "cost_fen": 800_000,
                         "effects": ["rate"]},
                        {"code": "_total", "monthly_saving_fen": 9_000,
                         "interest_saving_fen": 900_000, "fee_saving_fen": 0,
                         "dealer_cost_fen": 500_000}],
            prescore={"decision": "refer", "band": "C", "pd": 0.1, "bins": {}})
        app("a4", out.c2, v1, CustomerType.INDIVIDUAL, "individual", "auto_loan",
            at(11, 3, 15), 10_000_000, 2_000_000, [])
        app("a5", out.c1, v3, CustomerType.FARMER, "farmer", "direct_lease",
            at(11, 5, 9), 42_000_000, 12_600_000,
            [(S.QUEUED, at(11, 5, 9, 30)), (S.IN_REVIEW, at(11, 5, 10))],
            prescore={"decision": "likely_approve", "band": "B", "pd": 0.05, "bins": {}})
        app("a6", out.manager, v4, CustomerType.INDIVIDUAL, "individual", "auto_loan",
            at(10, 20, 10), 10_000_000, 2_000_000,
            [(S.QUEUED, at(10, 20, 10, 30)), (S.APPROVED, at(10, 20, 11, 30)),
             (S.SIGNED, at(10, 21, 11, 30)), (S.FUNDED, at(10, 22, 9))])
    return out


@pytest.fixture
def seeded(store: Store) -> Seeded:
    return seed(store)


@pytest.fixture
def service(store: Store) -> ReportService:
    return ReportService(store)


D = Decimal


# --- the reports ----------------------------------------------------------------------------


def test_milestones_are_stamped_once_at_each_status_change(store: Store, seeded: Seeded) -> None:
    with store.read() as s:
        a1 = s.get(ApplicationRow, seeded.ids["a1"])
        assert a1 is not None
        assert a1.submitted_at == at(11, 1, 11)
        assert a1.decided_at == at(11, 1, 13)
        assert a1.signed_at == at(11, 2, 13)
        assert a1.funded_at == at(11, 3, 9)
        a5 = s.get(ApplicationRow, seeded.ids["a5"])
        assert a5 is not None and a5.decided_at is None


def test_milestone_prefers_centrals_own_time(store: Store, seeded: Seeded) -> None:
    """The desk may hear of a decision hours later; central's event time is the one."""
    with store.transaction() as s:
        row = s.get(ApplicationRow, seeded.ids["a5"])
        assert row is not None
        row.status = S.APPROVED.value
        row.central_detail = json.dumps({"status": "approved", "seq": 9,
                                         "at": "2026-11-05T05:00:00+00:00"})
        row.updated_at = at(11, 6, 9)
    with store.read() as s:
        row = s.get(ApplicationRow, seeded.ids["a5"])
        assert row is not None and row.decided_at == at(11, 5, 13)


def test_funnel(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "funnel", NOVEMBER)
    assert t.column_values("step") == ["created", "submitted", "decided", "approved",
                                       "signed", "funded"]
    assert t.column_values("applications") == [5, 4, 3, 2, 1, 1]
    assert t.column_values("conversion") == [None, D("0.8000"), D("0.7500"), D("0.6667"),
                                             D("0.5000"), D("1.0000")]
    assert t.column_values("dropped") == [None, 1, 1, 1, 1, 0]
    assert t.column_values("of_created") == [D("1.0000"), D("0.8000"), D("0.6000"),
                                             D("0.4000"), D("0.2000"), D("0.2000")]
    assert t.figure("overall") == D("0.2000")
    assert ("日期 / Dates", "2026-11-01 – 2026-11-30") in t.filters
    everything = service.run(seeded.manager, "funnel", EVERYTHING)
    assert everything.column_values("applications") == [6, 5, 4, 3, 2, 2]


def test_funnel_filters(service: ReportService, seeded: Seeded) -> None:
    def created(**kw: object) -> int:
        f = ReportFilters(as_of=AS_OF, **kw)  # type: ignore[arg-type]
        return service.run(seeded.manager, "funnel", f).column_values("applications")[0]

    assert created(category="nev") == 3  # a1, a4, a6
    assert created(make="解放", model="J6P") == 2  # a3, a5
    assert created(segment="fleet") == 1
    assert created(customer_type="farmer") == 1
    assert created(product_code="direct_lease") == 2
    assert created(consultant_id=seeded.c2.id) == 2
    assert created(date_from=date(2026, 11, 3), date_to=date(2026, 11, 3)) == 2  # a3, a4


def test_empty_range_gives_zero_counts_and_no_rates(service: ReportService,
                                                    seeded: Seeded) -> None:
    empty = ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31), as_of=AS_OF)
    funnel = service.run(seeded.manager, "funnel", empty)
    assert funnel.column_values("applications") == [0] * 6
    assert funnel.column_values("conversion") == [None] * 6
    assert funnel.figure("overall") is None
    for name, spec in REPORTS.items():
        if spec.run is None:
            continue
        t = service.run(seeded.manager, name, empty)  # none may fail on nothing
        if spec.scope == "own":
            assert all(v in (0, None) for r in t.rows for v in r[1:]), name


def test_approval_by_consultant_model_segment(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "approval_by_consultant", NOVEMBER)
    assert t.rows == [
        ("李顾问", 3, 2, 1, 1, D("0.5000"), 8_000_000),
        ("张顾问", 2, 1, 1, 0, D("1.0000"), 29_400_000),
    ]
    assert t.figure("approval_rate") == D("0.6667")
    m = service.run(seeded.manager, "approval_by_model", NOVEMBER)
    assert m.row_by("group", "比亚迪 海豚") == {
        "group": "比亚迪 海豚", "applications": 2, "decided": 1, "approved": 1, "declined": 0,
        "approval_rate": D("1.0000"), "approved_financed": 8_000_000}
    assert m.row_by("group", "吉利 星越L")["approval_rate"] == D("0.0000")
    seg = service.run(seeded.manager, "approval_by_segment", NOVEMBER)
    assert seg.row_by("group", "individual")["approval_rate"] == D("0.5000")
    assert seg.row_by("group", "farmer")["approval_rate"] is None  # nothing decided yet
    cat = service.run(seeded.manager, "approval_by_category", NOVEMBER)
    assert cat.row_by("group", "commercial")["decided"] == 1
    prod = service.run(seeded.manager, "approval_by_product", NOVEMBER)
    assert prod.row_by("group", "direct_lease")["approved_financed"] == 29_400_000


def test_timing_by_day(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "timing", EVERYTHING)
    hour, day = 3600, 86400
    assert t.rows == [
        ("2026-10-20", 1, hour, hour, 0, None, None),
        ("2026-10-21", 0, None, None, 1, day, day),
        ("2026-11-01", 1, 2 * hour, 2 * hour, 0, None, None),
        ("2026-11-02", 1, 4 * hour, 4 * hour, 1, day, day),
        ("2026-11-04", 1, day, day, 0, None, None),
    ]
    # Sorted decision times 1 h, 2 h, 4 h, 1 d: nearest rank 2 of 4 and 4 of 4.
    assert t.figure("decision_median") == 2 * hour
    assert t.figure("decision_p90") == day
    assert t.figure("signature_median") == day


def test_promotions(service: ReportService, seeded: Seeded, store: Store) -> None:
    # Quote sheets handed out with promotions: two in November, one in October.
    with store.transaction() as s:
        repo.record_promotion_quotes(s, date(2026, 11, 3), ["AGED90", "OEM0"])
        repo.record_promotion_quotes(s, date(2026, 11, 20), ["AGED90", "AGED90"])
        repo.record_promotion_quotes(s, date(2026, 10, 31), ["AGED90", "QUOTEONLY"])
    t = service.run(seeded.manager, "promotions", NOVEMBER)
    assert t.rows == [
        ("AGED90", "库龄优惠", "Aged stock", "dealer", 2, 2, D("0.4000"), 800_000),
        ("OEM0", "厂商贴息", "OEM 0 %", "oem", 1, 1, D("0.2000"), 800_000),
    ]
    everything = service.run(seeded.manager, "promotions", EVERYTHING)
    assert ("QUOTEONLY", "", "", "", 1, 0, D("0.0000"), 0) in everything.rows
    assert t.figure("applications") == 5
    assert t.figure("with_promotion") == 2
    assert t.figure("interest_saving") == 1_150_000
    assert t.figure("fee_saving") == 50_000
    assert t.figure("dealer_cost") == 800_000


def test_stock_aging(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "stock_aging", EVERYTHING)
    assert t.rows == [
        ("0–30", 1, 10_000_000, 0, 1, D("1.0000")),
        ("31–60", 1, 13_570_000, 1, 0, D("0.0000")),  # a2 was declined: no live application
        ("61–90", 0, 0, 0, 0, None),
        ("91–180", 1, 42_000_000, 0, 1, D("1.0000")),
        ("180+", 0, 0, 0, 0, None),
    ]
    assert t.figure("sold") == 2
    assert t.figure("sold_financed") == 1
    assert t.figure("penetration") == D("0.5000")
    nev = service.run(seeded.manager, "stock_aging", ReportFilters(as_of=AS_OF, category="nev"))
    assert [r[1] for r in nev.rows] == [1, 0, 0, 0, 0]


def test_prescore_agreement_and_bands(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "prescore_agreement", NOVEMBER)
    assert t.rows == [
        ("likely_approve", 2, 1, 1, 0, D("1.0000")),
        ("refer", 1, 0, 1, 0, D("1.0000")),
        ("likely_decline", 1, 0, 0, 1, D("0.0000")),
    ]
    assert t.figure("agreement") == D("1.0000")
    bands = service.run(seeded.manager, "prescore_bands", NOVEMBER)
    assert bands.rows == [
        ("A", 1, 0, 1, 0, D("1.0000"), D("0.0200")),
        ("B", 1, 1, 0, 0, None, D("0.0500")),
        ("C", 1, 0, 1, 0, D("1.0000"), D("0.1000")),
        ("E", 1, 0, 0, 1, D("0.0000"), D("0.4000")),
    ]


def test_ocr_quality(store: Store, service: ReportService, seeded: Seeded) -> None:
    with store.transaction() as s:
        repo.set_meta(s, "ocr:accuracy", json.dumps({"id_front": {
            "name": {"confirmed": 3, "corrected": 1},
            "id_number": {"confirmed": 4, "corrected": 0}}}))
    t = service.run(seeded.manager, "ocr_quality", EVERYTHING)
    assert t.rows == [("id_front", "id_number", 4, 0, D("0.0000")),
                      ("id_front", "name", 4, 1, D("0.2500"))]
    assert t.figure("correction_rate") == D("0.1250")


def test_sync_health(store: Store, service: ReportService, seeded: Seeded) -> None:
    with store.transaction() as s:
        repo.enqueue(s, store.cipher, "application", seeded.ids["a5"], "submit_application", {})
        repo.enqueue(s, store.cipher, "application", seeded.ids["a2"], "submit_application", {})
        rows = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        rows[0].created_at = AS_OF - timedelta(hours=2)
        rows[1].created_at = AS_OF - timedelta(days=1)
        rows[1].status = OutboxStatus.DEAD.value
        repo.set_meta(s, "last_pull:decisions", (AS_OF - timedelta(minutes=30)).isoformat())
    t = service.run(seeded.manager, "sync_health", EVERYTHING)
    assert t.row_by("item", "pending")["count"] == 1
    assert t.row_by("item", "pending")["age"] == 7200
    assert t.row_by("item", "stuck")["count"] == 0
    assert t.row_by("item", "dead") | {} == {"item": "dead", "count": 1, "age": 86400,
                                            "at": "2026-11-19 12:00"}
    assert t.row_by("item", "pull:decisions")["age"] == 1800
    assert t.row_by("item", "pull:catalog")["age"] is None


# --- who sees what ----------------------------------------------------------------------------


def test_consultant_sees_only_own_numbers(service: ReportService, seeded: Seeded) -> None:
    asked_for_other = ReportFilters(as_of=AS_OF, consultant_id=seeded.c2.id)
    t = service.run(seeded.c1, "funnel", asked_for_other)
    assert t.column_values("applications") == [3, 3, 2, 1, 1, 1]  # a1, a2, a5: all C1's
    by = service.run(seeded.c1, "approval_by_consultant", EVERYTHING)
    assert [r[0] for r in by.rows] == ["李顾问"]
    names = {i.name for i in service.list(seeded.c1)}
    assert "funnel" in names and "stock_aging" in names
    assert not names & {"sync_health", "ocr_quality", "prescore_stability"}
    with pytest.raises(PermissionDeniedError):
        service.run(seeded.c1, "sync_health", EVERYTHING)
    assert len(service.list(seeded.manager)) == len(REPORTS)


def test_unknown_report_is_refused(service: ReportService, seeded: Seeded) -> None:
    with pytest.raises(ValidationError):
        service.run(seeded.manager, "nope", EVERYTHING)


# --- exports ------------------------------------------------------------------------------------


def _audits(store: Store) -> list:
    with store.read() as s:
        return [e for e in repo.audit_entries(s) if e.action == "export"]


def test_csv_export_masked_and_audited(store: Store, service: ReportService, seeded: Seeded,
                                       tmp_path: Path) -> None:
    t = service.run(seeded.manager, "approval_by_consultant", NOVEMBER)
    path = tmp_path / "a.csv"
    service.export(seeded.manager, t, "csv", path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["销售顾问", "申请数", "已审批", "批准", "拒绝", "通过率", "批准融资额（元）"]
    assert rows[1] == ["李**", "3", "2", "1", "1", "50.00%", "80000.00"]
    assert rows[2] == ["张**", "2", "1", "1", "0", "100.00%", "294000.00"]
    service.export(seeded.manager, t, "csv", path, include_personal=True, lang="en")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Consultant" and rows[1][0] == "李顾问"
    audits = _audits(store)
    assert len(audits) == 2
    assert audits[0].entity == "report" and audits[0].entity_id == "approval_by_consultant"
    assert "personal=included" in audits[0].detail
    assert "personal=masked" in audits[1].detail and "format=csv" in audits[1].detail
    with pytest.raises(PermissionDeniedError):  # only a manager may unmask
        service.export(seeded.c1, t, "csv", path, include_personal=True)


def test_xlsx_export_has_filters_header_and_number_formats(
        store: Store, service: ReportService, seeded: Seeded, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    t = service.run(seeded.manager, "approval_by_consultant", NOVEMBER)
    path = tmp_path / "a.xlsx"
    service.export(seeded.manager, t, "xlsx", path)
    ws = load_workbook(path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "按销售顾问的审批通过率"
    assert values[2][:2] == ["日期 / Dates", "2026-11-01 – 2026-11-30"]
    header = next(i for i, r in enumerate(values) if r[0] == "销售顾问")
    assert values[header + 1][:7] == ["李**", 3, 2, 1, 1, 0.5, 80000]
    row = ws[header + 2]
    assert row[5].number_format == "0.00%"
    assert row[6].number_format == "#,##0.00"
    timing = service.run(seeded.manager, "timing", EVERYTHING)
    service.export(seeded.manager, timing, "xlsx", path)
    ws = load_workbook(path).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "2026-10-20" in cells
    assert len(_audits(store)) == 2


def test_pdf_export_reads_back(store: Store, service: ReportService, seeded: Seeded,
                               tmp_path: Path) -> None:
    from pypdf import PdfReader

    t = service.run(seeded.manager, "funnel", NOVEMBER)
    path = tmp_path / "f.pdf"
    service.export(seeded.manager, t, "pdf", path, lang="en")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Application funnel" in text
    assert "Contract signed" in text
    assert "80.00%" in text and "66.67%" in text
    assert "2026-11-01" in text
    assert len(_audits(store)) == 1


def test_json_export_is_exact(service: ReportService, seeded: Seeded) -> None:
    t = service.run(seeded.manager, "funnel", NOVEMBER)
    data = json.loads(service.export(seeded.manager, t, "json") or "")
    assert data["rows"][3] == ["approved", 2, "0.6667", 1, "0.4000"]
    assert data["labels"]["approved"] == {"zh": "已批准", "en": "Approved"}


# --- the command line ----------------------------------------------------------------------------


def test_cli_report_list_and_export(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir / "showroom.sqlite3",
                       FileKeyStore(data_dir / "keys" / "datakey.json", PASSPHRASE))
    try:
        seed(store)
    finally:
        store.close()
    run = showroom("--data-dir", data_dir, "report", "--list", "--json", home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert {r["name"] for r in json.loads(run.stdout)} == set(REPORTS)
    run = showroom("--data-dir", data_dir, "report", "funnel", "--from", "2026-11-01",
                   "--to", "2026-11-30", home=tmp_path, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    assert [r[1] for r in json.loads(run.stdout)["rows"]] == [5, 4, 3, 2, 1, 1]
    out = tmp_path / "f.xlsx"
    run = showroom("--data-dir", data_dir, "report", "approval_by_consultant", "--format",
                   "xlsx", "--out", out, home=tmp_path, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0
    run = showroom("--data-dir", data_dir, "report", "funnel", "--format", "pdf",
                   home=tmp_path, passphrase=PASSPHRASE)
    assert run.returncode == 2 and "--out" in run.stderr
    run = showroom("--data-dir", data_dir, "report", "nope", home=tmp_path,
                   passphrase=PASSPHRASE)
    assert run.returncode == 1 and "unknown report" in run.stderr
    assert TRACEBACK not in run.stderr


def test_managers_may_filter_on_every_active_consultant(store) -> None:
    from showroom_app.domain.enums import Role
    from showroom_app.services.reports import ReportService

    with store.transaction() as s:
        dealer = repo.add_dealer(s, "C1", "筛选车行")
        a = repo.add_user(s, "a1", "顾问甲", Role.CONSULTANT, "x", dealer.id)
        boss = repo.add_user(s, "m1", "经理", Role.MANAGER, "x", dealer.id)
    service = ReportService(store)
    assert {u.id for u in service.consultants(boss)} >= {a.id, boss.id}
    assert service.consultants(a) == [a]


def test_aged_offers_lists_each_aged_vehicle_with_its_best_terms(
        service: ReportService, seeded: Seeded, store: Store) -> None:
    from showroom_app.promotions.rules import rule_from_dict, rule_to_dict

    with store.transaction() as s:
        dealer = repo.first_dealer(s)
        rule = rule_from_dict({"code": "OLD", "name_zh": "库龄优惠", "funded_by": "dealer",
                               "conditions": {"min_days_in_stock": 90},
                               "effects": [{"kind": "subsidised_rate", "rate": "0.0199"},
                                           {"kind": "fee_waiver", "fee_codes": ["gps"]}]})
        repo.save_promotion_rule(s, dealer.id, rule_to_dict(rule), "t")
        aged = [i for i in repo.list_inventory(s)
                if i.status.value != "sold" and i.days_in_stock(AS_OF.date()) >= 90]
    t = service.run(seeded.manager, "aged_offers", EVERYTHING)
    assert [r[0] for r in t.rows] == [i.vin for i in aged]
    row = t.rows[0]
    assert row[3] >= 90 and row[5] == 1
    assert row[6] == "贴息利率1.99%；免gps费" and row[7] == "rate 1.99%; waives gps"
    # A consultant may read it (it is about the showroom's stock, not people).
    assert service.run(seeded.c1, "aged_offers", EVERYTHING).rows == t.rows
