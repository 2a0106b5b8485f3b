"""Stock import from DMS exports (CSV in UTF-8 or GBK, XLSX), by hand, and the VIN checks.

A bad row is reported with its spreadsheet row number (header = 1) and reason; the
good rows are kept.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.documents.validators import vin_check_digit
from showroom_app.domain.enums import InventoryStatus, Role, VehicleCategory
from showroom_app.domain.errors import ValidationError
from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.stock import (
    StockImportError,
    StockService,
    detect_mapping,
    load_mapping_file,
    parse_date,
    parse_price,
    read_table,
)

TODAY = date(2026, 5, 20)


def vin(serial: int, wmi: str = "LGX") -> str:
    draft = f"{wmi}CE4CB0R{serial:07d}"[:17]
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def wrong_check(v: str) -> str:
    bad = next(c for c in "0123456789X" if c != v[8])
    return v[:8] + bad + v[9:]


@pytest.fixture
def desk(store: Store) -> tuple[StockService, User, Store]:
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        user = repo.add_user(s, "desk", "李顾问", Role.CONSULTANT, "x", dealer.id)
    return StockService(store), user, store


def inventory(store: Store) -> dict[str, object]:
    with store.read() as s:
        return {i.vin: i for i in repo.list_inventory(s)}


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


ZH_HEADER = ["车架号", "品牌", "车型", "配置", "类别", "年款", "新能源", "指导价", "入库日期",
             "状态"]


# --- values ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "fen"), [
    ("129,800", 12_980_000), ("¥129800", 12_980_000), ("￥129,800.50", 12_980_050),
    ("12.98万", 12_980_000), ("129800元", 12_980_000), (129800, 12_980_000),
    (129800.5, 12_980_050), (" 8.5万 ", 8_500_000),
])
def test_prices_as_dms_exports_write_them(raw: object, fen: int) -> None:
    assert parse_price(raw) == Money(fen)


@pytest.mark.parametrize("raw", ["abc", "", "12..5", True, "万"])
def test_a_price_that_is_no_amount_is_refused(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_price(raw)


@pytest.mark.parametrize("raw", ["2026/5/1", "2026-05-01", "20260501", "2026.5.1",
                                 "2026年5月1日", "2026-05-01 09:30:00",
                                 datetime(2026, 5, 1, 9, 30),  # noqa: DTZ001 - as Excel
                                 date(2026, 5, 1)])
def test_dates_as_dms_exports_write_them(raw: object) -> None:
    assert parse_date(raw) == date(2026, 5, 1)


@pytest.mark.parametrize("raw", ["5/1/2026", "yesterday", "2026-13-01", "202651"])
def test_a_date_that_is_no_date_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_headers_are_matched_in_chinese_and_english_ignoring_case_and_punctuation() -> None:
    zh = detect_mapping(ZH_HEADER)
    assert zh == {"vin": "车架号", "make": "品牌", "model": "车型", "trim": "配置",
                  "category": "类别", "model_year": "年款", "is_nev": "新能源",
                  "price": "指导价", "stock_in_date": "入库日期", "status": "状态"}
    en = detect_mapping(["VIN", "Brand", "Model", "List Price", "Stock-in Date", "Status",
                         "Model_Year", "Fuel Type"])
    assert en["price"] == "List Price" and en["stock_in_date"] == "Stock-in Date"
    assert en["model_year"] == "Model_Year" and en["is_nev"] == "Fuel Type"
    assert en["make"] == "Brand"


# --- files -----------------------------------------------------------------------------


def test_a_chinese_csv_is_imported(desk, tmp_path: Path) -> None:
    service, user, store = desk
    v1, v2 = vin(1), vin(2)
    path = write_csv(tmp_path / "库存.csv", [
        ZH_HEADER,
        [v1, "比亚迪", "秦PLUS", "DM-i 55km", "新能源", "2025款", "是", "12.98万", "2026/5/1",
         "在库"],
        [v2.lower(), "大众", "朗逸", "", "新车", "2025", "否", "¥129,800", "20260301", "已预订"],
    ])
    report = service.import_file(user, path, TODAY)
    assert (report.imported, report.updated, report.rejected, report.warned) == (2, 0, [], [])
    items = inventory(store)
    byd, vw = items[v1], items[v2]
    assert byd.category is VehicleCategory.NEV and byd.is_nev and byd.model_year == 2025
    assert byd.list_price == Money.of("129800") and byd.stock_in_date == date(2026, 5, 1)
    assert byd.trim == "DM-i 55km" and byd.status is InventoryStatus.IN_STOCK
    assert vw.category is VehicleCategory.NEW_CAR and not vw.is_nev
    assert vw.status is InventoryStatus.RESERVED and vw.stock_in_date == date(2026, 3, 1)


def test_a_gbk_csv_is_imported(desk, tmp_path: Path) -> None:
    service, user, store = desk
    path = write_csv(tmp_path / "gbk.csv", [
        ["车架号", "品牌", "车型", "售价", "入库时间"],
        [vin(3), "长安", "逸动", "79,900", "2026-04-01"]], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = service.import_file(user, path, TODAY)
    assert report.imported == 1
    (item,) = inventory(store).values()
    assert (item.make, item.model, item.list_price) == ("长安", "逸动", Money.of("79900"))


def test_an_xlsx_with_numeric_and_date_cells_is_imported(desk, tmp_path: Path) -> None:
    import openpyxl

    service, user, store = desk
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["VIN", "Brand", "Model", "Category", "Year", "MSRP", "Arrival Date",
                  "Status"])
    excel_date = datetime(2026, 5, 1)  # noqa: DTZ001 - Excel dates are naive
    sheet.append([vin(4), "Geely", "Boyue", "new", 2025, 129800, excel_date,
                  "available"])
    sheet.append([vin(5), "Sany", "SY75", "excavator", 2024.0, 385000.5, date(2026, 1, 15),
                  "sold"])
    path = tmp_path / "stock.xlsx"
    book.save(path)
    report = service.import_file(user, path, TODAY)
    assert (report.imported, report.rejected) == (2, [])
    items = inventory(store)
    geely, sany = items[vin(4)], items[vin(5)]
    assert geely.list_price == Money(12_980_000) and geely.stock_in_date == date(2026, 5, 1)
    assert geely.model_year == 2025 and geely.category is VehicleCategory.NEW_CAR
    assert sany.list_price == Money(38_500_050) and sany.model_year == 2024
    assert sany.category is VehicleCategory.CONSTRUCTION
    assert sany.status is InventoryStatus.SOLD


def test_bad_rows_are_reported_with_their_row_number_and_good_rows_kept(desk,
                                                                       tmp_path: Path) -> None:
    service, user, store = desk
    good1, good2, checked = vin(10), vin(11), wrong_check(vin(12))
    path = write_csv(tmp_path / "mixed.csv", [
        ["VIN", "Make", "Model", "Category", "Price", "Stock in date", "Status"],
        [good1, "Toyota", "Corolla", "new_car", "119800", "2026-02-01", "in stock"],  # 2
        ["LGXCE4CB0R00001", "Toyota", "Corolla", "new_car", "119800", "2026-02-01", ""],  # 3
        [good1[:5] + "I" + good1[6:], "Toyota", "Camry", "", "219800", "2026-02-01", ""],  # 4
        [vin(13), "Toyota", "Camry", "", "", "2026-02-01", ""],  # 5: no price
        [vin(14), "Toyota", "Camry", "", "219800", "2026-06-01", ""],  # 6: future
        [vin(15), "Toyota", "Camry", "boat", "219800", "2026-02-01", ""],  # 7
        [vin(16), "Toyota", "Camry", "", "219800", "2026-02-01", "lost"],  # 8
        ["", "", "", "", "", "", ""],  # 9: blank, skipped silently
        [checked, "Honda", "Civic", "new_car", "139800", "2026-03-01", ""],  # 10: warning
        [good1, "Toyota", "Corolla", "new_car", "109800", "2026-02-01", ""],  # 11: twice
        [good2, "Honda", "Fit", "", "89800", "2026-04-01", ""],  # 12: no category
        [vin(17), "Honda", "Fit", "", "abc", "someday", ""],  # 13: two errors
    ])
    report = service.import_file(user, path, TODAY)
    rejected = {r.row: r for r in report.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 11, 13]
    assert "17 characters" in rejected[3].messages[0]
    assert "without I, O, Q" in rejected[4].messages[0]
    assert rejected[5].messages == ["price missing / 缺少价格"]
    assert "in the future" in rejected[6].messages[0]
    assert "category 'boat' unknown" in rejected[7].messages[0]
    assert "status 'lost' unknown" in rejected[8].messages[0]
    assert "already on row 2" in rejected[11].messages[0] and rejected[11].vin == good1
    assert len(rejected[13].messages) == 2
    assert rejected[5].vin == vin(13)
    warned = {w.row: w for w in report.warned}
    assert sorted(warned) == [10, 12]
    assert "check digit" in warned[10].messages[0]
    assert "no category, taken as new_car" in warned[12].messages[0]
    assert report.imported == 3
    items = inventory(store)
    assert set(items) == {good1, good2, checked}
    assert items[good1].list_price == Money.of("119800")  # the first row, not the repeat
    json = report.to_json()
    assert json["imported"] == 3 and [r["row"] for r in json["rejected"]][:2] == [3, 4]


def test_a_reimport_updates_the_vehicles_already_in_stock(desk, tmp_path: Path) -> None:
    service, user, store = desk
    header = ["车架号", "品牌", "车型", "指导价", "入库日期", "状态"]
    first = write_csv(tmp_path / "a.csv", [
        header,
        [vin(20), "吉利", "星越L", "15.98万", "2026/3/1", "在库"],
        [vin(21), "吉利", "博越", "11.98万", "2026/3/1", "在库"]])
    assert service.import_file(user, first, TODAY).imported == 2
    second = write_csv(tmp_path / "b.csv", [
        header,
        [vin(20), "吉利", "星越L", "14.98万", "2026/3/1", "已售"],
        [vin(22), "吉利", "帝豪", "7.98万", "2026/5/2", "在库"]])
    report = service.import_file(user, second, TODAY)
    assert (report.imported, report.updated) == (1, 1)
    items = inventory(store)
    assert len(items) == 3
    assert items[vin(20)].list_price == Money.of("149800")
    assert items[vin(20)].status is InventoryStatus.SOLD
    assert items[vin(21)].list_price == Money.of("119800")


def test_a_mapping_file_maps_odd_headers_and_is_remembered(desk, tmp_path: Path) -> None:
    service, user, store = desk
    header = ["识别码", "厂家", "车名", "开票价", "到货日"]
    mapping_path = tmp_path / "mapping.yaml"
    mapping_path.write_text("vin: 识别码\nmake: 厂家\nmodel: 车名\nprice: 开票价\n"
                            "stock_in_date: 到货日\n", encoding="utf-8")
    first = write_csv(tmp_path / "odd.csv", [header, [vin(30), "奇瑞", "瑞虎8", "12万",
                                                      "2026-01-05"]])
    with pytest.raises(StockImportError, match="no column for vin, make, model, price"):
        service.import_file(user, first, TODAY)
    mapping = load_mapping_file(mapping_path)
    report = service.import_file(user, first, TODAY, mapping=mapping)
    assert report.imported == 1 and report.mapping["price"] == "开票价"
    assert service.remembered_mapping() == report.mapping
    # Next time, no mapping given: the remembered one is used.
    second = write_csv(tmp_path / "odd2.csv", [header, [vin(31), "奇瑞", "瑞虎7", "9.5万",
                                                        "2026-02-05"]])
    assert service.preview(second)[1]["vin"] == "识别码"
    assert service.import_file(user, second, TODAY).imported == 1
    assert set(inventory(store)) == {vin(30), vin(31)}


def test_a_mapping_is_not_remembered_when_asked_not_to(desk, tmp_path: Path) -> None:
    service, user, _ = desk
    path = write_csv(tmp_path / "a.csv", [["vin", "make", "model", "price", "入库日期"],
                                          [vin(32), "a", "b", "1000", "2026-01-01"]])
    service.import_file(user, path, TODAY, remember=False)
    assert service.remembered_mapping() == {}


@pytest.mark.parametrize(("text", "words"), [
    ("vin: [a, b]\n", "field: column header"),
    ("colour: 颜色\n", "unknown field 'colour'"),
    ("vin: [", "cannot read the mapping"),
])
def test_a_bad_mapping_file_is_refused(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StockImportError, match=words.replace("[", r"\[")):
        load_mapping_file(path)


def test_a_missing_required_column_is_named(desk, tmp_path: Path) -> None:
    service, user, store = desk
    path = write_csv(tmp_path / "noprice.csv", [["车架号", "品牌", "车型", "入库日期"],
                                                [vin(40), "a", "b", "2026-01-01"]])
    with pytest.raises(StockImportError) as err:
        service.import_file(user, path, TODAY)
    assert "no column for price" in str(err.value)
    assert "车架号" in str(err.value)  # the headers found, to map them
    assert inventory(store) == {}


def test_unreadable_empty_and_foreign_files_are_refused(desk, tmp_path: Path) -> None:
    service, user, _ = desk
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = write_csv(tmp_path / "blank.csv", [[], ["", ""]])
    pdf = tmp_path / "stock.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    missing = tmp_path / "missing.csv"
    for path, words in ((empty, "is empty"), (blank, "is empty"), (pdf, "a .csv or .xlsx"),
                        (broken, "cannot be read"), (missing, "cannot be read")):
        with pytest.raises(StockImportError, match=words):
            service.import_file(user, path, TODAY)


def test_read_table_skips_leading_blank_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["", ""], ["VIN", "Make"], ["x", "y"]])
    assert read_table(path) == (["VIN", "Make"], [["x", "y"]])


# --- by hand ---------------------------------------------------------------------------

CELLS = {"vin": vin(50), "make": "比亚迪", "model": "海豚", "category": "nev",
         "price": "9.98万", "stock_in_date": "2026/4/1", "model_year": "2025"}


def test_a_vehicle_is_added_and_edited_by_hand_with_the_same_checks(desk) -> None:
    service, user, store = desk
    item, warnings = service.save_vehicle(user, CELLS, TODAY)
    assert warnings == [] and item.vin == vin(50) and item.is_nev
    assert item.list_price == Money.of("99800")
    edited, _ = service.save_vehicle(user, CELLS | {"price": "8.98万", "status": "已订"}, TODAY,
                                     item_id=item.id)
    assert edited.id == item.id and edited.list_price == Money.of("89800")
    assert edited.status is InventoryStatus.RESERVED
    assert len(inventory(store)) == 1
    _, warnings = service.save_vehicle(user, CELLS | {"vin": wrong_check(vin(51))}, TODAY)
    assert "check digit" in warnings[0]


def test_hand_entry_refuses_bad_values_and_duplicate_vins(desk) -> None:
    service, user, _ = desk
    first, _ = service.save_vehicle(user, CELLS, TODAY)
    with pytest.raises(ValidationError, match="already in stock"):
        service.save_vehicle(user, CELLS, TODAY)
    other, _ = service.save_vehicle(user, CELLS | {"vin": vin(52)}, TODAY)
    with pytest.raises(ValidationError, match="belongs to another vehicle"):
        service.save_vehicle(user, CELLS, TODAY, item_id=other.id)
    with pytest.raises(ValidationError) as err:
        service.save_vehicle(user, CELLS | {"vin": "LGXQ", "price": "", "stock_in_date":
                                            "2027-01-01"}, TODAY)
    text = str(err.value)
    assert "17 characters" in text and "price missing" in text and "future" in text
    with pytest.raises(ValidationError, match="no longer exists"):
        service.save_vehicle(user, CELLS | {"vin": vin(53)}, TODAY, item_id="gone")
    assert first.vin == vin(50)


def test_an_exact_mapping_leaves_out_what_the_dialog_left_out(desk, tmp_path: Path) -> None:
    service, user, store = desk
    path = write_csv(tmp_path / "库存.csv", [
        ZH_HEADER,
        [vin(7), "比亚迪", "秦PLUS", "DM-i 55km", "二手车", "2025款", "是", "12.98万",
         "2026/5/1", "在库"],
    ])
    _header, detected, _rows = service.preview(path)
    assert detected["category"] == "类别"
    # The consultant deliberately leaves the category column out...
    chosen = {f: h for f, h in detected.items() if f != "category"}
    report = service.import_file(user, path, TODAY, mapping=chosen, exact=True)
    item = inventory(store)[vin(7)]
    # ...so the category comes from the new-energy flag, with a warning, not from the file.
    assert item.category is VehicleCategory.NEV
    assert report.warned and "no category" in report.warned[0].messages[0]
    # Without exact, the known header fills the field in again.
    service.import_file(user, path, TODAY, mapping=chosen)
    assert inventory(store)[vin(7)].category is VehicleCategory.USED_CAR
    with pytest.raises(StockImportError, match="no column"):
        service.import_file(user, path, TODAY, mapping={**chosen, "trim": "不存在"},
                            exact=True)
