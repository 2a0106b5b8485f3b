"""The dealer's stock: import from a DMS export (CSV or XLSX), add and edit by hand.

A DMS export is whatever the dealer's system writes: Chinese or English headers, prices
as "129,800" or "12.98万", dates as 2026/5/1 or Excel dates. Columns are matched to our
fields by known header names, or by a mapping the dealer gives once (a dialog, or a
YAML file for the CLI) and that is remembered per dealer. Every row is judged on its
own: a bad row is reported with its row number and reason and the good rows are kept.

VIN checks: 17 characters from 0-9 and A-Z without I, O, Q (a hard error); the check
digit (position 9) is a warning only — vehicles built for other markets may not carry
one; a VIN twice in the file is refused the second time; a VIN already in stock is
updated (a re-import brings new prices and statuses).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import InventoryItemRow
from showroom_app.documents.validators import vin_check_digit
from showroom_app.domain.enums import AuditAction, InventoryStatus, Permission, VehicleCategory
from showroom_app.domain.errors import ValidationError
from showroom_app.domain.models import InventoryItem, User
from showroom_app.domain.money import Money
from showroom_app.services.auth import require

FIELDS = ("vin", "make", "model", "trim", "category", "model_year", "is_nev", "price",
          "stock_in_date", "status")
REQUIRED = ("vin", "make", "model", "price", "stock_in_date")

# Header names seen in Chinese DMS exports and English ones, compared without case,
# spaces or punctuation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "vin": ("vin", "vin码", "车架号", "车辆识别代号", "车辆识别号", "底盘号", "chassisno"),
    "make": ("make", "brand", "品牌", "厂牌", "厂商"),
    "model": ("model", "series", "车型", "车系"),
    "trim": ("trim", "version", "配置", "版本", "款型", "车款"),
    "category": ("category", "type", "vehicletype", "类别", "车辆类别", "车辆类型", "类型"),
    "model_year": ("modelyear", "year", "年款", "车型年份", "年份"),
    "is_nev": ("nev", "isnev", "energy", "fueltype", "新能源", "能源类型", "燃料类型"),
    "price": ("price", "listprice", "msrp", "retailprice", "指导价", "售价", "价格", "标价",
              "零售价"),
    "stock_in_date": ("stockindate", "instockdate", "arrivaldate", "入库日期", "入库时间",
                      "到店日期", "到库日期"),
    "status": ("status", "stockstatus", "状态", "库存状态", "车辆状态"),
}
_CATEGORY_WORDS = {
    "new_car": ("new_car", "newcar", "new", "新车", "乘用车"),
    "used_car": ("used_car", "usedcar", "used", "二手车", "二手"),
    "nev": ("nev", "ev", "新能源", "新能源车", "电动车"),
    "commercial": ("commercial", "truck", "商用车", "货车", "卡车", "轻卡", "重卡"),
    "tractor": ("tractor", "farm", "农机", "拖拉机", "农用机械"),
    "construction": ("construction", "excavator", "工程机械", "挖掘机", "装载机"),
}
_STATUS_WORDS = {
    "in_stock": ("in_stock", "instock", "available", "在库", "在售", "库存"),
    "reserved": ("reserved", "booked", "已预订", "预订", "已订"),
    "sold": ("sold", "已售", "售出", "已销售"),
}
_YES = ("1", "y", "yes", "true", "是", "新能源", "纯电", "插混", "增程", "ev", "phev", "bev")
_NO = ("0", "n", "no", "false", "否", "汽油", "柴油", "燃油", "混动", "hev", "")
_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def _key(text: object) -> str:
    return re.sub(r"[\s_\-./()（）:：]", "", str(text or "")).lower()


class StockImportError(ValueError):
    """The file as a whole cannot be read (not a single row was kept)."""


@dataclass
class RowIssue:
    row: int  # the spreadsheet's row number (header = 1)
    vin: str
    messages: list[str]


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    warned: list[RowIssue] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated,
                "warned": [vars(w) for w in self.warned],
                "rejected": [vars(r) for r in self.rejected], "mapping": self.mapping}


def read_table(path: Path) -> tuple[list[str], list[list[object]]]:
    """Header and data rows of a CSV (UTF-8 or GBK) or the first sheet of an XLSX."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
            finally:
                book.close()
        elif suffix in (".csv", ".txt"):
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            rows = [list(r) for r in csv.reader(io.StringIO(text))]
        else:
            raise StockImportError(f"{path.name}: a .csv or .xlsx file is needed")
    except StockImportError:
        raise
    except Exception as exc:  # a damaged workbook raises many kinds of errors
        raise StockImportError(f"{path.name} cannot be read: {exc}") from exc
    while rows and all(c in (None, "") for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise StockImportError(f"{path.name} is empty")
    header = [str(c or "").strip() for c in rows[0]]
    return header, rows[1:]


def detect_mapping(header: Iterable[str],
                   remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """field → header. A remembered mapping wins for the headers still present."""
    header = list(header)
    present = set(header)
    mapping = {f: h for f, h in (remembered or {}).items() if h in present and f in FIELDS}
    taken = set(mapping.values())
    by_key = {_key(h): h for h in header}
    for name, aliases in HEADER_ALIASES.items():
        if name in mapping:
            continue
        for alias in aliases:
            h = by_key.get(_key(alias))
            if h is not None and h not in taken:
                mapping[name] = h
                taken.add(h)
                break
    return mapping


def load_mapping_file(path: Path) -> dict[str, str]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StockImportError(f"cannot read the mapping {path}: {exc}") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise StockImportError("the mapping must be `field: column header` lines")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise StockImportError(f"unknown field {unknown[0]!r} in the mapping "
                               f"(fields: {', '.join(FIELDS)})")
    return {str(k): str(v) for k, v in raw.items()}


def _word(value: object, table: Mapping[str, tuple[str, ...]]) -> str | None:
    k = _key(value)
    for code, words in table.items():
        if k in (_key(w) for w in words):
            return code
    return None


def parse_price(value: object) -> Money:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return Money.of(value)
    if isinstance(value, float):
        return Money.of(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "") \
        .replace("￥", "").replace("元", "").strip()
    factor = Decimal(1)
    if text.endswith("万"):
        factor, text = Decimal(10_000), text[:-1]
    try:
        amount = Decimal(text) * factor
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite():
        raise ValueError
    return Money.of(amount)


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?", text) or \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        raise ValueError
    return date(int(m[1]), int(m[2]), int(m[3]))


@dataclass(frozen=True)
class StockRow:
    vin: str
    make: str
    model: str
    trim: str
    category: VehicleCategory
    model_year: int | None
    is_nev: bool
    price: Money
    stock_in_date: date
    status: InventoryStatus


def parse_row(cells: Mapping[str, object], today: date) -> tuple[StockRow | None, list[str],
                                                                   list[str]]:
    """(row or None, errors, warnings) for one row's cells by field name."""
    errors: list[str] = []
    warnings: list[str] = []

    def text(name: str) -> str:
        value = cells.get(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    vin = re.sub(r"[\s-]", "", text("vin")).upper()
    if not vin:
        errors.append("VIN missing / 缺少车架号")
    elif not _VIN_CHARS.match(vin):
        errors.append(f"VIN {vin!r} must be 17 characters 0-9, A-Z without I, O, Q / "
                      "车架号须为17位，且不含I、O、Q")
    elif vin_check_digit(vin) != vin[8]:
        warnings.append(f"VIN check digit is {vin[8]}, expected {vin_check_digit(vin)} "
                        "(imported vehicles may lack it) / 车架号第9位校验位不符")
    make, model = text("make"), text("model")
    if not make:
        errors.append("make missing / 缺少品牌")
    if not model:
        errors.append("model missing / 缺少车型")
    raw_nev = text("is_nev")
    is_nev = _key(raw_nev) in (_key(w) for w in _YES)
    if raw_nev and not is_nev and _key(raw_nev) not in (_key(w) for w in _NO):
        warnings.append(f"new-energy {raw_nev!r} not understood, taken as no / "
                        "新能源标识无法识别，按否处理")
    raw_cat = text("category")
    category_code = _word(raw_cat, _CATEGORY_WORDS) if raw_cat else None
    if raw_cat and category_code is None:
        errors.append(f"category {raw_cat!r} unknown (new car, used car, NEV, commercial, "
                      "tractor, construction) / 车辆类别无法识别")
    if category_code is None and not raw_cat:
        category_code = "nev" if is_nev else "new_car"
        warnings.append(f"no category, taken as {category_code} / 未填类别")
    if category_code == "nev":
        is_nev = True
    price = None
    if not text("price"):
        errors.append("price missing / 缺少价格")
    else:
        try:
            price = parse_price(cells.get("price"))
            if not 0 < price.fen <= 100_000_000_00:
                errors.append(f"price {text('price')} out of range / 价格超出范围")
                price = None
        except (ValueError, TypeError):
            errors.append(f"price {text('price')!r} is not an amount / 价格格式不正确")
    stocked = None
    if not text("stock_in_date"):
        errors.append("stock-in date missing / 缺少入库日期")
    else:
        try:
            stocked = parse_date(cells.get("stock_in_date"))
            if stocked > today:
                errors.append(f"stock-in date {stocked} is in the future / 入库日期晚于今天")
                stocked = None
        except (ValueError, TypeError):
            errors.append(f"stock-in date {text('stock_in_date')!r} is not a date / "
                          "入库日期格式不正确")
    year = None
    if text("model_year"):
        try:
            year = int(Decimal(text("model_year").rstrip("款年")))
            if not 1980 <= year <= today.year + 1:
                raise ValueError
        except (ValueError, InvalidOperation):
            errors.append(f"model year {text('model_year')!r} is not a year / 年款不正确")
    status = InventoryStatus.IN_STOCK
    if text("status"):
        code = _word(text("status"), _STATUS_WORDS)
        if code is None:
            errors.append(f"status {text('status')!r} unknown (in stock, reserved, sold) / "
                          "库存状态无法识别")
        else:
            status = InventoryStatus(code)
    if errors or price is None or stocked is None or category_code is None:
        return None, errors, warnings
    return StockRow(vin=vin, make=make, model=model, trim=text("trim"),
                    category=VehicleCategory(category_code), model_year=year, is_nev=is_nev,
                    price=price, stock_in_date=stocked, status=status), errors, warnings


def _mapping_key(dealer_id: str) -> str:
    return f"stock_mapping:{dealer_id}"


class StockService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def remembered_mapping(self) -> dict[str, str]:
        with self._store.read() as s:
            dealer = repo.first_dealer(s)
            raw = repo.get_meta(s, _mapping_key(dealer.id)) if dealer else None
        return json.loads(raw) if raw else {}

    def preview(self, path: Path) -> tuple[list[str], dict[str, str], list[list[object]]]:
        """Header, the mapping the import would use, and the first rows (for the
        mapping dialog)."""
        header, rows = read_table(path)
        return header, detect_mapping(header, self.remembered_mapping()), rows[:5]

    def import_file(self, actor: User, path: Path, today: date,
                    mapping: Mapping[str, str] | None = None,
                    remember: bool = True, exact: bool = False) -> ImportReport:
        """`mapping` field → header; the file's known headers fill in the fields it does
        not name, unless `exact` (the mapping dialog: a field left out stays out)."""
        require(actor, Permission.WORK_APPLICATIONS)
        header, rows = read_table(path)
        if exact and mapping is not None:
            unknown = sorted(h for h in mapping.values() if h not in header)
            if unknown:
                raise StockImportError(f"no column {unknown[0]!r} in {path.name}")
            used = {f: h for f, h in mapping.items() if f in FIELDS}
        else:
            used = detect_mapping(header, mapping if mapping is not None
                                  else self.remembered_mapping())
        missing = [f for f in REQUIRED if f not in used]
        if missing:
            raise StockImportError(
                "no column for " + ", ".join(missing) + " — map them to the file's headers "
                f"(headers: {', '.join(h for h in header if h)})")
        index = {f: header.index(h) for f, h in used.items()}
        report = ImportReport(mapping=used)
        seen: dict[str, int] = {}
        good: list[StockRow] = []
        for number, cells in enumerate(rows, start=2):
            if all(c in (None, "") for c in cells):
                continue
            by_field = {f: (cells[i] if i < len(cells) else None) for f, i in index.items()}
            row, errors, warnings = parse_row(by_field, today)
            vin = row.vin if row else str(by_field.get("vin") or "").strip().upper()
            if row is not None and row.vin in seen:
                errors = [f"VIN already on row {seen[row.vin]} of this file / "
                          "文件中车架号重复"]
                row = None
            if row is None:
                report.rejected.append(RowIssue(number, vin, errors))
                continue
            seen[row.vin] = number
            if warnings:
                report.warned.append(RowIssue(number, vin, warnings))
            good.append(row)
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise ValidationError("this desk has no dealer yet")
            existing = {r.vin: r for r in s.scalars(select(InventoryItemRow).where(
                InventoryItemRow.dealer_id == dealer.id))}
            for row in good:
                current = existing.get(row.vin)
                if current is None:
                    repo.add_inventory_item(
                        s, dealer.id, row.vin, row.make, row.model, row.category, row.price,
                        row.stock_in_date, trim=row.trim, model_year=row.model_year,
                        is_nev=row.is_nev, status=row.status)
                    report.imported += 1
                else:
                    _update(current, row)
                    report.updated += 1
            if remember:
                repo.set_meta(s, _mapping_key(dealer.id), json.dumps(used, ensure_ascii=False))
            repo.audit(s, AuditAction.CHANGE, "inventory_item", None, actor,
                       f"stock import {path.name}: {report.imported} new, {report.updated} "
                       f"updated, {len(report.rejected)} rejected")
        return report

    def save_vehicle(self, actor: User, cells: Mapping[str, object], today: date,
                     item_id: str | None = None) -> tuple[InventoryItem, list[str]]:
        """Add (or edit) one vehicle by hand: the same checks as an import. Returns the
        vehicle and the warnings; raises ValidationError with every error."""
        require(actor, Permission.WORK_APPLICATIONS)
        row, errors, warnings = parse_row(cells, today)
        if row is None:
            raise ValidationError("; ".join(errors), field="vehicle")
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise ValidationError("this desk has no dealer yet")
            same = s.scalars(select(InventoryItemRow).where(
                InventoryItemRow.dealer_id == dealer.id,
                InventoryItemRow.vin == row.vin)).first()
            if item_id is None:
                if same is not None:
                    raise ValidationError(f"VIN {row.vin} is already in stock / 车架号已在库存中",
                                          field="vin")
                item = repo.add_inventory_item(
                    s, dealer.id, row.vin, row.make, row.model, row.category, row.price,
                    row.stock_in_date, trim=row.trim, model_year=row.model_year,
                    is_nev=row.is_nev, status=row.status)
            else:
                target = s.get(InventoryItemRow, item_id)
                if target is None:
                    raise ValidationError("this vehicle no longer exists", field="vehicle")
                if same is not None and same.id != item_id:
                    raise ValidationError(f"VIN {row.vin} belongs to another vehicle / "
                                          "车架号已被其他车辆使用", field="vin")
                _update(target, row)
                target.vin = row.vin
                s.flush()
                item = repo.get_inventory_item(s, item_id)
            repo.audit(s, AuditAction.CHANGE, "inventory_item", item.id, actor,
                       f"vehicle {row.vin[-6:]} saved by hand")
        return item, warnings


def _update(target: InventoryItemRow, row: StockRow) -> None:
    target.make, target.model, target.trim = row.make, row.model, row.trim
    target.category = row.category.value
    target.model_year, target.is_nev = row.model_year, row.is_nev
    target.list_price_fen = row.price.fen
    target.stock_in_date = row.stock_in_date
    target.status = row.status.value
