"""The quote sheet a consultant hands the customer: every plan side by side, in Chinese.

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (as the contract does,
see ``central/contract_pdf.py``): nothing to ship, every PDF viewer has it. The "¥" sign
and all-Latin figures use Helvetica, because STSong-Light sets "¥" full-width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from showroom_app.finance import Method, Quote

__all__ = ["write_quote_sheet"]

FONT = "STSong-Light"
LATIN = "Helvetica"
METHOD_ZH = {Method.EQUAL_INSTALLMENT: "等额本息", Method.EQUAL_PRINCIPAL: "等额本金",
             Method.BALLOON: "尾款（气球贷）"}
KIND_ZH = {"loan": "贷款", "lease": "融资租赁"}
PLAN_NAMES = ("方案A", "方案B", "方案C", "方案D", "方案E")


def _fonts() -> None:
    try:
        pdfmetrics.getFont(FONT)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def money(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _m(fen: int) -> str:
    return f'<font name="{LATIN}">{escape(money(fen))}</font>'


def write_quote_sheet(
    quotes: Sequence[Quote],
    dealer_name: str,
    path: Path,
    vehicle: str = "",
    product_names: Mapping[str, str] | None = None,
    promotions: Sequence[Sequence[Mapping] | None] | None = None,
) -> Path:
    """`promotions`, one entry per quote: the applied offer's summary
    (PromotionService.summary) or None; the sheet names each promotion, who funds it,
    what it saves the customer and what it costs the dealer."""
    if not quotes:
        raise ValueError("nothing to export: no plan makes a valid quote")
    _fonts()
    names = product_names or {}
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    right_small = ParagraphStyle("rs", parent=small, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=base, fontSize=12, leading=16,
                             spaceBefore=10, spaceAfter=4)

    today = datetime.now(UTC).astimezone().date().isoformat()
    story: list = [
        Paragraph(escape(dealer_name or "经销商"), heading),
        Paragraph("购车金融报价单", title),
        Paragraph(f"报价日期：{today}　　车辆：{escape(vehicle or '—')}"
                  f"　　车价：{_m(quotes[0].price.fen)}", base),
        Spacer(1, 4 * mm),
    ]

    header = [Paragraph("项目", base)] + [
        Paragraph(PLAN_NAMES[i] if i < len(PLAN_NAMES) else f"方案{i + 1}", base)
        for i in range(len(quotes))]

    def row(label: str, cells: list[str], align_right: bool = True) -> list:
        style = right if align_right else small
        return [Paragraph(label, base), *(Paragraph(c, style) for c in cells)]

    def monthly(q: Quote) -> str:
        first, last = q.rows[0].payment_fen, q.rows[-1].payment_fen
        if q.method is Method.EQUAL_PRINCIPAL:
            return f"{_m(first)} → {_m(last)}"
        return _m(first)

    def fees(q: Quote) -> str:
        parts = [f"{escape(f.name_zh or f.code)} {_m(f.amount.fen)}"
                 f"（{'融资' if f.financed else '签约时付'}）" for f in q.fees]
        return "<br/>".join(parts) or "无"

    data = [
        header,
        row("产品", [escape(names.get(q.product_code or "", q.product_code or "")) +
                   f"（{KIND_ZH[q.kind]}）" for q in quotes], False),
        row("还款方式", [METHOD_ZH[q.method] for q in quotes], False),
        row("首付", [_m(q.down_payment.fen) for q in quotes]),
        row("融资金额", [_m(q.financed_amount.fen) for q in quotes]),
        row("期限", [f'<font name="{LATIN}">{q.term_months}</font> 个月' for q in quotes]),
        row("月供", [monthly(q) for q in quotes]),
        row("尾款/残值", [_m(q.balloon.fen) for q in quotes]),
        row("合同年利率（名义）", [f'<font name="{LATIN}">{percent(q.annual_rate)}</font>'
                           for q in quotes]),
        row("年化利率（含费用，名义）", [f'<font name="{LATIN}">{percent(q.apr_nominal)}</font>'
                             for q in quotes]),
        row("年化利率（实际）", [f'<font name="{LATIN}">{percent(q.apr_effective)}</font>'
                          for q in quotes]),
        row("利息合计", [_m(q.total_interest.fen) for q in quotes]),
        row("费用合计", [_m(q.upfront_fees.fen + q.financed_fees.fen) for q in quotes]),
        row("总成本（利息+费用）", [_m(q.total_cost.fen) for q in quotes]),
        row("还款总额", [_m(q.total_payment.fen) for q in quotes]),
        row("费用明细", [fees(q) for q in quotes], False),
        row("这是什么", [escape(q.summary_zh) for q in quotes], False),
    ]
    promos = list(promotions or [])
    promos += [None] * (len(quotes) - len(promos))
    if any(promos):
        funder = {"dealer": "经销商", "oem": "厂家", "lessor": "出租人"}

        def offered(summary: Sequence[Mapping] | None) -> str:
            rules = [r for r in summary or () if r.get("code") != "_total"]
            return "<br/>".join(
                f"{escape(r['name_zh'])}（{funder.get(r['funded_by'], r['funded_by'])}承担"
                f"{_m(r['cost_fen'])}）" for r in rules) or "无"

        def saved(summary: Sequence[Mapping] | None) -> str:
            total = next((r for r in summary or () if r.get("code") == "_total"), None)
            if total is None:
                return "—"
            return (f"月供 {_m(total['monthly_saving_fen'])}<br/>利息 "
                    f"{_m(total['interest_saving_fen'])}<br/>费用 {_m(total['fee_saving_fen'])}")

        def dealer(summary: Sequence[Mapping] | None) -> str:
            total = next((r for r in summary or () if r.get("code") == "_total"), None)
            return _m(total["dealer_cost_fen"]) if total else "—"

        data += [row("适用优惠", [offered(p) for p in promos], False),
                 row("客户节省", [saved(p) for p in promos]),
                 row("经销商承担", [dealer(p) for p in promos])]
    width = A4[0] - 36 * mm
    label_width = 34 * mm
    plan_width = (width - label_width) / len(quotes)
    table = Table(data, colWidths=[label_width] + [plan_width] * len(quotes), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#d0d7de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)

    first = quotes[0]
    story.append(Paragraph(
        f"{PLAN_NAMES[0]}还款计划（{METHOD_ZH[first.method]}，{KIND_ZH[first.kind]}）", heading))
    heads = ("期数", "还款日", "月供", "本金", "利息", "剩余本金")
    schedule = [[Paragraph(h, base) for h in heads]]
    schedule += [
        [Paragraph(f'<font name="{LATIN}">{r.period}</font>', right_small),
         Paragraph(f'<font name="{LATIN}">{r.due_date.isoformat()}</font>', small),
         Paragraph(_m(r.payment_fen), right_small), Paragraph(_m(r.principal_fen), right_small),
         Paragraph(_m(r.interest_fen), right_small), Paragraph(_m(r.balance_fen), right_small)]
        for r in first.rows
    ]
    sched = Table(schedule, colWidths=[14 * mm, 26 * mm] + [(width - 40 * mm) / 4] * 4,
                  repeatRows=1)
    sched.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d7de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    story.append(sched)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(
        "本报价单仅供参考，最终以出租人或贷款机构审批结果及所签合同为准。年化利率按中国人民银行"
        "〔2021〕第3号公告口径计算，已包含全部费用。", small))

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title="购车金融报价单",
                            author=dealer_name)
    doc.build(story)
    return path
