"""The manager's reports: which a user may run, running them, and exporting them.

Managers and admins (`VIEW_ALL_REPORTS`) see every report over the whole store. A
consultant sees the reports that have a consultant dimension, always narrowed to
their own applications (whatever filter they asked for), and the stock.

Exports (CSV, XLSX, PDF) mask personal data (a column marked `personal`: consultants'
names) unless the caller deliberately includes it, and every export is audited.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import AuditAction, Permission
from showroom_app.domain.errors import PermissionDeniedError, ValidationError
from showroom_app.domain.masking import mask_name
from showroom_app.domain.models import User
from showroom_app.reports import (
    CHINA,
    OWN,
    REPORTS,
    SHARED,
    Column,
    Kind,
    Label,
    Note,
    ReportFilters,
    Table,
)

if TYPE_CHECKING:
    from showroom_app.services.prescore import PreScoreService

__all__ = ["FORMATS", "ReportFilters", "ReportInfo", "ReportService", "Table", "cell_text",
           "to_csv", "to_pdf", "to_xlsx"]

FORMATS = ("json", "csv", "xlsx", "pdf")
AGED_DAYS = 90  # the stock page's "aged" filter and the demo's first aged-stock rule


def _offer_words(offer: Any) -> tuple[str, str]:
    """The combined offer in a few words, both languages."""
    zh: list[str] = []
    en: list[str] = []
    if offer.down_payment_ratio is not None:
        pct = f"{offer.down_payment_ratio * 100:.0f}%"
        zh.append(f"首付低至{pct}")
        en.append(f"down payment from {pct}")
    if offer.rate is not None:
        pct = f"{offer.rate * 100:.2f}%"
        zh.append(f"贴息利率{pct}")
        en.append(f"rate {pct}")
    if offer.max_term_months is not None:
        zh.append(f"期限最长{offer.max_term_months}个月")
        en.append(f"terms up to {offer.max_term_months} months")
    if offer.waived:
        codes = "、".join(code for code, _ in offer.waived)
        zh.append(f"免{codes}费")
        en.append("waives " + ", ".join(code for code, _ in offer.waived))
    for gift_zh, gift_en, _value, _rule in offer.gifts:
        zh.append(f"赠{gift_zh}")
        en.append(f"gift: {gift_en}")
    return "；".join(zh) or "无", "; ".join(en) or "none"


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title_zh: str
    title_en: str
    scope: str


class ReportService:
    def __init__(self, store: Store, prescore: PreScoreService | None = None) -> None:
        self._store = store
        self._prescore = prescore

    @staticmethod
    def list_all() -> list[ReportInfo]:
        """Every report, without opening the store (`showroom report --list`)."""
        return [ReportInfo(s.name, s.title_zh, s.title_en, s.scope) for s in REPORTS.values()]

    def list(self, actor: User | None = None) -> list[ReportInfo]:
        """The reports `actor` may run (all of them without an actor)."""
        return [ReportInfo(s.name, s.title_zh, s.title_en, s.scope) for s in REPORTS.values()
                if actor is None or self._allowed(actor, s.scope)]

    @staticmethod
    def _allowed(actor: User, scope: str) -> bool:
        return actor.can(Permission.VIEW_ALL_REPORTS) or scope in (OWN, SHARED)

    def consultants(self, actor: User) -> list[User]:
        """The people a manager may filter the reports on: every active user of the desk
        (whoever works applications). A consultant sees only their own numbers."""
        if not actor.can(Permission.VIEW_ALL_REPORTS):
            return [actor]
        with self._store.read() as s:
            return [u for u in repo.list_users(s) if u.active
                    and u.can(Permission.WORK_APPLICATIONS)]

    def effective_filters(self, actor: User, filters: ReportFilters) -> ReportFilters:
        """A consultant's numbers are their own: the consultant filter is forced."""
        if actor.can(Permission.VIEW_ALL_REPORTS):
            return filters
        return filters.with_consultant(actor.id)

    def run(self, actor: User, name: str, filters: ReportFilters | None = None) -> Table:
        spec = REPORTS.get(name)
        if spec is None:
            raise ValidationError(f"unknown report {name!r}; known: {', '.join(REPORTS)}")
        if not self._allowed(actor, spec.scope):
            raise PermissionDeniedError(f"permission_denied:{Permission.VIEW_ALL_REPORTS}")
        f = self.effective_filters(actor, filters or ReportFilters())
        with self._store.read() as s:
            if spec.run is not None:
                table = spec.run(s, f)
            elif name == "aged_offers":
                table = self._aged_offers(f)
            else:
                table = self._stability(f)
            consultant = None
            if f.consultant_id:
                user = repo.get_user(s, f.consultant_id)
                consultant = user.display_name if user else None
        table.filters = f.describe(consultant)
        return table

    def _aged_offers(self, f: ReportFilters) -> Table:
        """Each vehicle 90+ days in stock with the best financing its promotions allow —
        the list a manager works through to move the slow sellers."""
        from showroom_app.services.promotions import PromotionService

        table = Table(
            "aged_offers", "库龄车辆的最优促销", "Best offer per aged vehicle",
            (Column("vin", "车架号", "VIN"), Column("vehicle", "车辆", "Vehicle"),
             Column("category", "类别", "Category"),
             Column("days", "库龄（天）", "Days in stock", Kind.INT),
             Column("price", "指导价", "List price", Kind.MONEY),
             Column("offers", "适用促销数", "Promotions", Kind.INT),
             Column("best_zh", "最优条件", "Best terms (zh)"),
             Column("best_en", "Best terms", "Best terms (en)")),
            notes=[Note(f"截至 {f.today()}（北京时间）库龄 ≥ {AGED_DAYS} 天的未售车辆，"
                        "按库龄从长到短；条件为各促销叠加后的结果（未计入额度上限的修正）。",
                        f"Unsold vehicles {AGED_DAYS}+ days in stock on {f.today()} (China "
                        "time), longest first; terms as the promotions combine, before the "
                        "guardrails of a particular product.")])
        for o in PromotionService(self._store).offers(f.today()):
            item = o.item
            if o.days_in_stock < AGED_DAYS or any(
                    value and getattr(item, attr) != value
                    for attr, value in (("make", f.make), ("model", f.model))) or (
                    f.category and item.category.value != f.category):
                continue
            zh, en = _offer_words(o.offer)
            table.rows.append((item.vin, " ".join(p for p in (item.make, item.model, item.trim)
                                                   if p), item.category.value,
                               o.days_in_stock, item.list_price.fen, len(o.matched), zh, en))
        return table

    def _stability(self, f: ReportFilters) -> Table:
        """PSI of the recent pre-scores against each model's training data: needs the
        bundled models (through PreScoreService), which the report layer may not load."""
        from showroom_app.services.prescore import PreScoreService, PreScoreUnavailable

        service = self._prescore or PreScoreService(self._store)
        start, end = f.created_bounds()
        table = Table(
            "prescore_stability", "评分人群稳定性（PSI）", "Population stability (PSI)",
            (Column("model", "模型版本", "Model version"), Column("segment", "客群", "Segment"),
             Column("feature", "特征", "Feature"),
             Column("applications", "申请数", "Applications", Kind.INT),
             Column("psi", "PSI", "PSI", Kind.TEXT), Column("verdict", "结论", "Verdict")),
            notes=[Note("PSI < 0.10 稳定，0.10–0.25 需关注，> 0.25 已偏移（应重新训练）。"
                        "只受日期筛选影响。",
                        "PSI below 0.10 stable, 0.10–0.25 watch, above 0.25 shifted (retrain). "
                        "Only the date range applies.")],
            labels={"stable": Label("稳定", "stable"), "watch": Label("需关注", "watch"),
                    "shifted": Label("已偏移", "shifted"), "no_data": Label("无数据", "no data")},
        )
        try:
            reports = service.stability(start, end)
        except PreScoreUnavailable as exc:
            table.notes.append(Note(f"评分模型不可用：{exc}",
                                    f"Pre-score models unavailable: {exc}"))
            return table
        for r in reports:
            for line in r.lines:
                # PSI is a statistic, not money: shown to three places as text.
                psi = "" if math.isnan(line.psi) else f"{line.psi:.3f}"
                table.rows.append((r.model_version, r.segment, line.name, line.n, psi,
                                   line.verdict))
        return table

    def export(self, actor: User, table: Table, fmt: str, path: Path | None = None,
               include_personal: bool = False, lang: str = "zh") -> str | None:
        """Write `table` as `fmt` to `path` (JSON may go to the returned text instead),
        audited. Personal columns are masked unless `include_personal`; only a manager
        may include them."""
        if fmt not in FORMATS:
            raise ValidationError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
        if include_personal and not actor.can(Permission.VIEW_ALL_REPORTS):
            raise PermissionDeniedError(f"permission_denied:{Permission.VIEW_ALL_REPORTS}")
        text: str | None = None
        if fmt == "json":
            text = json.dumps(masked(table, include_personal).to_json(), ensure_ascii=False,
                              indent=2)
            if path is not None:
                path.write_text(text + "\n", encoding="utf-8")
        elif path is None:
            raise ValidationError(f"{fmt} needs a file to write to")
        elif fmt == "csv":
            to_csv(table, path, include_personal, lang)
        elif fmt == "xlsx":
            to_xlsx(table, path, include_personal, lang)
        else:
            to_pdf(table, path, include_personal, lang)
        with self._store.transaction() as s:
            repo.audit(s, AuditAction.EXPORT, "report", table.name, actor,
                       f"format={fmt} rows={len(table.rows)} "
                       f"personal={'included' if include_personal else 'masked'} "
                       f"file={path.name if path else '-'} "
                       f"filters={'; '.join(f'{k}={v}' for k, v in table.filters) or '-'}")
        return text


# --- rendering ------------------------------------------------------------------------


def masked(table: Table, include_personal: bool) -> Table:
    """A copy whose personal columns are masked (the table itself when there is none or
    they are deliberately included)."""
    personal = [i for i, c in enumerate(table.columns) if c.personal]
    if include_personal or not personal:
        return table
    rows = [tuple(mask_name(v) if i in personal and isinstance(v, str) else v
                  for i, v in enumerate(r)) for r in table.rows]
    return replace(table, rows=rows)


def yuan(fen: int) -> str:
    """Exact: integer fen → "1234.56", no float on the way."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def duration_text(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m"


def cell_text(table: Table, column: Column, value: Any, lang: str = "zh") -> str:
    """How one cell reads in CSV, PDF and the CLI."""
    if value is None:
        return ""
    if column.kind is Kind.MONEY:
        return yuan(value)
    if column.kind is Kind.PERCENT:
        return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"
    if column.kind is Kind.DURATION:
        return duration_text(value)
    if column.kind is Kind.INT:
        return str(int(value))
    return table.text(value, lang)


def _header(column: Column, lang: str) -> str:
    text = column.en if lang == "en" else column.zh
    if column.kind is Kind.MONEY:
        text += "（元）" if lang != "en" else " (yuan)"
    return text


def to_csv(table: Table, path: Path, include_personal: bool = False, lang: str = "zh") -> Path:
    """One header row, then the rows; UTF-8 with a BOM so Excel on a Chinese Windows
    opens it right. Money as exact yuan, percentages as "66.67%"."""
    t = masked(table, include_personal)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_header(c, lang) for c in t.columns])
    for r in t.rows:
        w.writerow([cell_text(t, c, v, lang) for c, v in zip(t.columns, r, strict=True)])
    path.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    return path


def _generated() -> str:
    return datetime.now(UTC).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def to_xlsx(table: Table, path: Path, include_personal: bool = False,
            lang: str = "zh") -> Path:
    """A header block (title, time, filters, headline figures), then the table with a
    bold header row and number formats: money in yuan (exact Decimal), percentages,
    durations as [h]:mm."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = masked(table, include_personal)
    wb = Workbook()
    ws = wb.active
    ws.title = t.name[:31]
    ws.append([t.title(lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["生成时间 / Generated (China time)", _generated()])
    for label, value in t.filters or [("筛选 / Filters", "—")]:
        ws.append([label, value])
    for fig in t.figures:
        cell_value, fmt = _xlsx_value(t, fig.kind, fig.value, lang)
        ws.append([fig.en if lang == "en" else fig.zh, cell_value])
        if fmt:
            ws.cell(ws.max_row, 2).number_format = fmt
    ws.append([])
    ws.append([_header(c, lang) for c in t.columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for r in t.rows:
        ws.append([_xlsx_value(t, c.kind, v, lang)[0] for c, v in zip(t.columns, r,
                                                                        strict=True)])
        for i, c in enumerate(t.columns, 1):
            fmt = _xlsx_value(t, c.kind, 0, lang)[1]
            if fmt:
                ws.cell(ws.max_row, i).number_format = fmt
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    for i, c in enumerate(t.columns, 1):
        ws.column_dimensions[ws.cell(header_row, i).column_letter].width = \
            max(12, len(_header(c, lang)) * 2)
    if t.notes:
        ws.append([])
        for n in t.notes:
            ws.append([n.en if lang == "en" else n.zh])
    wb.save(path)
    return path


def _xlsx_value(t: Table, kind: Kind, value: Any, lang: str) -> tuple[Any, str | None]:
    if kind is Kind.MONEY:
        # Decimal(fen) / 100 is exact; openpyxl writes Decimals as numbers.
        return (None if value is None else Decimal(int(value)) / 100), "#,##0.00"
    if kind is Kind.PERCENT:
        return value, "0.00%"
    if kind is Kind.DURATION:
        return (None if value is None else Decimal(int(value)) / 86400), "[h]:mm"
    if kind is Kind.INT:
        return value, "0"
    return (t.text(value, lang) if value is not None else None), None


def to_pdf(table: Table, path: Path, include_personal: bool = False, lang: str = "zh") -> Path:
    """A printable page: title, time, filters, headline figures, the table, the notes.
    Chinese in reportlab's built-in CID font STSong-Light, as the quote sheet does."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from showroom_app.services.quote_sheet import FONT, _fonts

    t = masked(table, include_personal)
    _fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=4)
    story: list[Any] = [Paragraph(escape(f"{t.title_zh} / {t.title_en}"), title),
                        Paragraph(escape(f"生成时间 / Generated: {_generated()}"), base)]
    for label, value in t.filters:
        story.append(Paragraph(escape(f"{label}: {value}"), base))
    for fig in t.figures:
        col = Column(fig.key, fig.zh, fig.en, fig.kind)
        story.append(Paragraph(escape(f"{fig.zh} / {fig.en}: "
                                      f"{cell_text(t, col, fig.value, lang) or '—'}"), base))
    story.append(Spacer(1, 4 * mm))
    data = [[Paragraph(escape(_header(c, lang)), base) for c in t.columns]]
    data += [[Paragraph(escape(cell_text(t, c, v, lang)), base)
              for c, v in zip(t.columns, r, strict=True)] for r in t.rows]
    if not t.rows:
        data.append([Paragraph("无数据 / No data", base)] + [""] * (len(t.columns) - 1))
    page = landscape(A4)
    width = page[0] - 30 * mm
    grid = PdfTable(data, colWidths=[width / len(t.columns)] * len(t.columns), repeatRows=1)
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d0d7de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(grid)
    story.append(Spacer(1, 4 * mm))
    for n in t.notes:
        story.append(Paragraph(escape(n.zh), base))
        story.append(Paragraph(escape(n.en), base))
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=14 * mm, bottomMargin=14 * mm,
                      title=f"{t.title_zh} / {t.title_en}").build(story)
    return path
