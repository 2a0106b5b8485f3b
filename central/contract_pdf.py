"""Contract PDFs of the central service: render in Chinese, place the customer's signature.

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1, encoding
UniGB-UCS2-H). It needs no font file: the PDF references the font by name and the viewer
supplies the glyphs (Acrobat's Asian font pack, pdf.js, Preview and poppler all do), and the
text stays extractable because every glyph is written as its Unicode code point.

Output is deterministic (reportlab ``invariant=1``: fixed dates and document id), so the same
input renders byte-identical PDFs and the sha256 the service records stays meaningful.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from central.finance import Instalment

__all__ = [
    "SIGNATURE_BOX",
    "ContractData",
    "Fee",
    "format_money",
    "format_percent",
    "pdf_sha256",
    "render_contract",
    "sign_contract",
]

FONT = "STSong-Light"
# STSong-Light maps U+00A5 "¥" to a full-width glyph whose advance does not match what
# viewers substitute (a visible gap after the sign): the sign and all-Latin cells (dates,
# amounts, VIN) use Helvetica, which has ¥ in WinAnsi.
LATIN = "Helvetica"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

# Signature area, absolute coordinates on the LAST page (points from the bottom-left corner).
# render_contract pushes the signature block to the bottom of the last page's frame so this
# box is always at the same place; sign_contract draws into it.
_BLOCK_HEIGHT = 190.0
_BLOCK_BOTTOM = MARGIN_BOTTOM
_COLUMN_GAP = 16.0
_RIGHT_X = MARGIN_X + CONTENT_WIDTH / 2 + _COLUMN_GAP / 2
SIGNATURE_BOX = (_RIGHT_X, _BLOCK_BOTTOM + 44.0, PAGE_WIDTH - MARGIN_X - _RIGHT_X, 76.0)
_SIGNER_LINE_Y = SIGNATURE_BOX[1] - 15.0
_SIGNED_AT_LINE_Y = SIGNATURE_BOX[1] - 31.0
_SIGNER_LABEL = "签署人："
_SIGNED_AT_LABEL = "签署时间："
_LABEL_SIZE = 9.0

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_MAX_SIGNATURE_BYTES = 10 * 1024 * 1024
_MAX_SIGNATURE_PIXELS = 25_000_000
_SIGNED_MARK = "/ShowroomSignedAt"
_MAX_SIGNER_NAME = 100

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        _SHANGHAI: tzinfo = ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # no tz database on this host: China has no DST since 1991
        _SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
except ImportError:  # pragma: no cover - zoneinfo is stdlib on 3.9+
    _SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True)
class Fee:
    name_zh: str
    name_en: str
    amount_fen: int
    financed: bool  # True: added to the financed amount; False: paid upfront at signing


@dataclass(frozen=True)
class ContractData:
    contract_number: str
    product_code: str  # "auto_loan" | "direct_lease" | "sale_leaseback"
    lessor_name: str
    dealer_name: str
    customer_name: str
    customer_id_number: str
    customer_phone: str
    customer_address: str
    vehicle_make: str
    vehicle_model: str
    vehicle_vin: str
    vehicle_price_fen: int
    down_payment_fen: int
    financed_fen: int
    term_months: int
    annual_rate: Decimal
    apr_nominal: Decimal
    apr_effective: Decimal
    fees: tuple[Fee, ...]
    schedule: tuple[Instalment, ...]
    residual_fen: int  # balloon / residual (尾款 / 残值), included in the last instalment
    issued_on: date


@dataclass(frozen=True)
class _Product:
    title: str
    subtitle: str | None
    is_lease: bool
    provider: str  # 出租人 / 贷款人
    customer: str  # 承租人 / 借款人
    nature: str
    ownership: str


_PRODUCTS: dict[str, _Product] = {
    "auto_loan": _Product(
        title="汽车贷款合同",
        subtitle=None,
        is_lease=False,
        provider="贷款人",
        customer="借款人",
        nature="本合同是贷款合同，不是租赁合同。",
        ownership=(
            "贷款人借钱给您购买车辆。车辆自交付起归您所有、登记在您名下，"
            "并抵押给贷款人作为还款担保；您还清全部本金、利息和费用后，办理解除抵押。"
        ),
    ),
    "direct_lease": _Product(
        title="融资租赁合同",
        subtitle="直租（直接融资租赁）",
        is_lease=True,
        provider="出租人",
        customer="承租人",
        nature="本合同是融资租赁合同（直租），不是贷款合同。",
        ownership=(
            "出租人按您选定的车辆出资购买并拥有该车，您按期支付租金使用车辆。"
            "租赁期内车辆所有权属于出租人，不属于您；租期届满并付清全部租金后，您可以选择"
            "留购（取得所有权），或退还、续租、置换车辆。"
        ),
    ),
    "sale_leaseback": _Product(
        title="融资租赁合同",
        subtitle="回租（售后回租）",
        is_lease=True,
        provider="出租人",
        customer="承租人",
        nature="本合同是融资租赁合同（售后回租），不是贷款合同。",
        ownership=(
            "您将自己的车辆出售给出租人，再从出租人处租回继续使用。签约后车辆所有权转移给"
            "出租人，租赁期内不属于您；租期届满并付清全部租金后，您可以选择留购，所有权"
            "转回给您，也可以退还、续租或置换。"
        ),
    ),
}


# --------------------------------------------------------------------------- formatting


def format_money(fen: int) -> str:
    """``123456`` → ``"¥1,234.56"`` (integer arithmetic, no float)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def format_percent(rate: Decimal) -> str:
    """``Decimal("0.128")`` → ``"12.80%"``."""
    value = (rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _money_markup(fen: int) -> str:
    return format_money(fen).replace("¥", _latin("¥"))


def _latin(text: str) -> str:
    """Markup drawing ``text`` in Helvetica (characters STSong-Light lacks or sets too wide)."""
    return f'<font name="{LATIN}">{text}</font>'


def _gap(count: int) -> str:
    # Paragraphs collapse ordinary spaces, and STSong-Light has no U+00A0 glyph.
    return _latin("&nbsp;" * count)


_SEPARATOR = _latin("&nbsp;&nbsp;&nbsp;|&nbsp;&nbsp;&nbsp;")


def _x(text: str) -> str:
    """Escape user-supplied text for reportlab's paragraph mini-markup."""
    return escape(text)


# --------------------------------------------------------------------------- fonts and bold


def _ensure_fonts() -> None:
    try:
        pdfmetrics.getFont(FONT)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _draw_fake_bold(
    canv: rl_canvas.Canvas, x: float, y: float, text: str, size: float, font: str = FONT
) -> None:
    """Draw ``text`` in a simulated bold face.

    reportlab's CID fonts (STSong-Light and the other Adobe Asian fonts) come in one weight
    only and there is no bold face to switch to. Text render mode 2 (fill, then stroke the
    glyph outlines) with a thin line thickens every stroke like a bold face would, and unlike
    drawing the text twice with an offset it keeps a single copy of the text in the content
    stream, so copy-paste and text extraction still see each character once.
    """
    canv.saveState()
    canv.setLineWidth(size * 0.04)
    canv.setLineJoin(1)
    text_object = canv.beginText(x, y)
    text_object.setFont(font, size)
    text_object.setTextRenderMode(2)
    text_object.textOut(text)
    canv.drawText(text_object)
    canv.restoreState()


class _BoldLine(Flowable):
    """One line of simulated-bold text (titles and section headings)."""

    def __init__(
        self, text: str, size: float, align: str = "left", space_before: float = 0,
        space_after: float = 0,
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.align = align
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        return availWidth, self.size * 1.35

    def draw(self) -> None:
        text_width = pdfmetrics.stringWidth(self.text, FONT, self.size)
        if self.align == "center":
            x = (self._width - text_width) / 2
        elif self.align == "right":
            x = self._width - text_width
        else:
            x = 0.0
        _draw_fake_bold(self.canv, x, self.size * 0.3, self.text, self.size)


class _SignatureBlock(Flowable):
    """The signature area, always at the bottom of the last page (see ``SIGNATURE_BOX``)."""

    def __init__(self, data: ContractData, product: _Product, heading: str) -> None:
        super().__init__()
        self.data = data
        self.product = product
        self.heading = heading

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Take all the room left on the page so the block lands on the frame's bottom edge;
        # if there is not enough room, report the full height and platypus starts a new page.
        return availWidth, max(availHeight, _BLOCK_HEIGHT)

    def draw(self) -> None:
        canv = self.canv
        origin_x, origin_y = canv.absolutePosition(0, 0)
        canv.saveState()
        canv.translate(-origin_x, -origin_y)  # draw in absolute page coordinates
        top = _BLOCK_BOTTOM + _BLOCK_HEIGHT
        _draw_fake_bold(canv, MARGIN_X, top - 14, self.heading, 12)

        statement = Paragraph(
            f"{self.product.customer}确认：已阅读并理解本合同全部条款，特别是首页说明的合同性质"
            f"（{'融资租赁' if self.product.is_lease else '贷款'}）、车辆所有权归属、"
            "年化利率、还款计划及全部费用。",
            _STYLES["body"],
        )
        _, height = statement.wrap(CONTENT_WIDTH, 60)
        statement.drawOn(canv, MARGIN_X, top - 24 - height)

        box_x, box_y, box_w, box_h = SIGNATURE_BOX
        left_w = box_w  # the two columns mirror each other
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.8)

        # Left: the lessor / lender and its seal.
        canv.setFont(FONT, _LABEL_SIZE)
        canv.drawString(MARGIN_X, box_y + box_h + 6, f"{self.product.provider}（盖章）：")
        canv.rect(MARGIN_X, box_y, left_w, box_h)
        name = Paragraph(_x(self.data.lessor_name), _STYLES["small"])
        _, name_h = name.wrap(left_w - 8, box_h)
        name.drawOn(canv, MARGIN_X + 4, box_y + box_h - 4 - name_h)
        canv.setFont(FONT, _LABEL_SIZE)
        canv.drawString(MARGIN_X, _SIGNER_LINE_Y, "授权代表：")
        canv.drawString(MARGIN_X, _SIGNED_AT_LINE_Y, "日期：")

        # Right: the customer's signature box, filled in by sign_contract.
        canv.drawString(box_x, box_y + box_h + 6, f"{self.product.customer}签字：")
        canv.rect(box_x, box_y, box_w, box_h)
        canv.setFont(FONT, _LABEL_SIZE)
        canv.drawString(box_x, _SIGNER_LINE_Y, _SIGNER_LABEL)
        canv.drawString(box_x, _SIGNED_AT_LINE_Y, _SIGNED_AT_LABEL)
        canv.setLineWidth(0.4)
        for line_y, label in ((_SIGNER_LINE_Y, _SIGNER_LABEL), (_SIGNED_AT_LINE_Y,
                                                                _SIGNED_AT_LABEL)):
            start = box_x + pdfmetrics.stringWidth(label, FONT, _LABEL_SIZE)
            canv.line(start, line_y - 2, box_x + box_w, line_y - 2)
        for line_y in (_SIGNER_LINE_Y, _SIGNED_AT_LINE_Y):
            start = MARGIN_X + pdfmetrics.stringWidth("授权代表：", FONT, _LABEL_SIZE)
            canv.line(start, line_y - 2, MARGIN_X + left_w, line_y - 2)
        canv.restoreState()


# --------------------------------------------------------------------------- styles


def _make_styles() -> dict[str, ParagraphStyle]:
    _ensure_fonts()
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK", alignment=TA_LEFT,
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#444444"),
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "key": ParagraphStyle("key", parent=base, fontSize=11.5, leading=17),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8.5, leading=11.5, alignment=TA_RIGHT,
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, alignment=TA_CENTER),
    }


_STYLES = _make_styles()
_GRID = colors.HexColor("#999999")
_HEADER_BG = colors.HexColor("#E8E8E8")
_LABEL_BG = colors.HexColor("#F3F3F3")


# --------------------------------------------------------------------------- page furniture


class _NumberedCanvas(rl_canvas.Canvas):
    """Defers pages until the end so each footer can say 第 i 页 / 共 n 页."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._deferred_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._deferred_pages)
        for state in self._deferred_pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawRightString(
                PAGE_WIDTH - MARGIN_X, 10 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页"
            )
            self.restoreState()
            super().showPage()
        super().save()


def _page_decorations(
    data: ContractData, product: _Product
) -> Callable[[rl_canvas.Canvas, SimpleDocTemplate], None]:
    def on_page(canv: rl_canvas.Canvas, doc: SimpleDocTemplate) -> None:
        canv.saveState()
        canv.setFont(FONT, 8)
        canv.setFillColor(colors.HexColor("#555555"))
        canv.drawString(
            MARGIN_X, 10 * mm, f"{product.title}  |  合同编号 {data.contract_number}"
        )
        canv.setStrokeColor(_GRID)
        canv.setLineWidth(0.4)
        canv.line(MARGIN_X, 10 * mm + 11, PAGE_WIDTH - MARGIN_X, 10 * mm + 11)
        canv.restoreState()

    return on_page


# --------------------------------------------------------------------------- sections


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(text, _STYLES[style])


def _kv_table(rows: list[tuple[str, str, str, str]]) -> Table:
    """Four columns: label, value, label, value (values are paragraph markup)."""
    label_w = 31 * mm
    value_w = CONTENT_WIDTH / 2 - label_w
    table = Table(
        [[_p(a), _p(b), _p(c), _p(d)] for a, b, c, d in rows],
        colWidths=[label_w, value_w, label_w, value_w],
    )
    table.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
            ("BACKGROUND", (0, 0), (0, -1), _LABEL_BG),
            ("BACKGROUND", (2, 0), (2, -1), _LABEL_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ])
    )
    return table


def _plain_words_box(data: ContractData, product: _Product) -> Table:
    schedule = data.schedule
    regular = schedule[0].payment_fen
    payment_word = "每期租金" if product.is_lease else "每月还款"
    key_line = (
        f"{payment_word}：{_money_markup(regular)}"
        f"{_SEPARATOR}年化利率（APR）：名义 {format_percent(data.apr_nominal)}"
        f"{_gap(2)}实际 {format_percent(data.apr_effective)}"
    )
    details = [
        f"共 {data.term_months} 期，首期 {schedule[0].due_date.isoformat()}，"
        f"末期 {schedule[-1].due_date.isoformat()}"
    ]
    if schedule[-1].payment_fen != regular:
        details.append(f"最后一期 {_money_markup(schedule[-1].payment_fen)}")
    details.append(f"合同约定年利率 {format_percent(data.annual_rate)}")
    notes = (
        "；".join(details) + "。年化利率按中国人民银行公告〔2021〕第3号，以内部收益率（IRR）法"
        "计算，已计入利息和第四节列出的全部费用，以您实际得到的金额为基数；"
        f"名义利率 = 月利率 {_latin('×')} 12，实际利率为按月复利折算的年利率。"
    )
    content = [
        _BoldLine(product.nature, 12),
        Spacer(1, 2),
        _p(product.ownership, "body"),
        Spacer(1, 4),
        _p(key_line, "key"),
        _p(notes, "note"),
    ]
    box = Table([[content]], colWidths=[CONTENT_WIDTH])
    box.setStyle(
        TableStyle([
            ("BOX", (0, 0), (-1, -1), 1.4, colors.HexColor("#B03A2E")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FFF7E6")),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ])
    )
    return box


def _fee_table(data: ContractData) -> Table:
    rows: list[list[Any]] = [[_p("费用项目"), _p("金额", "cell_right"), _p("支付方式")]]
    for fee in data.fees:
        how = "计入融资金额，随各期分摊" if fee.financed else "签约时一次性支付（不计入融资金额）"
        rows.append([
            _p(f"{_x(fee.name_zh)}（{_x(fee.name_en)}）"),
            _p(_money_markup(fee.amount_fen), "cell_right"),
            _p(how),
        ])
    if not data.fees:
        rows.append([_p("无任何费用"), _p(_money_markup(0), "cell_right"), _p("—")])
    total = sum(fee.amount_fen for fee in data.fees)
    rows.append([_p("费用合计"), _p(_money_markup(total), "cell_right"), _p("")])
    table = Table(
        rows, colWidths=[CONTENT_WIDTH * 0.42, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.38],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
            ("BACKGROUND", (0, -1), (-1, -1), _LABEL_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ])
    )
    return table


def _schedule_table(data: ContractData, product: _Product) -> Table:
    payment_word = "应付租金" if product.is_lease else "应还金额"
    header = ["期数", "应付日期", payment_word, "其中本金", "其中利息", "剩余本金"]
    rows: list[list[str]] = [header]
    for item in data.schedule:
        rows.append([
            str(item.number),
            item.due_date.isoformat(),
            format_money(item.payment_fen),
            format_money(item.principal_fen),
            format_money(item.interest_fen),
            format_money(item.balance_fen),
        ])
    rows.append([
        "合计",
        "",
        format_money(sum(i.payment_fen for i in data.schedule)),
        format_money(sum(i.principal_fen for i in data.schedule)),
        format_money(sum(i.interest_fen for i in data.schedule)),
        "",
    ])
    widths = [0.08, 0.17, 0.1875, 0.1875, 0.1875, 0.1875]
    table = Table(rows, colWidths=[CONTENT_WIDTH * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle([
            ("FONT", (0, 0), (-1, 0), FONT, 8.5),
            ("FONT", (0, 1), (-1, -2), LATIN, 8),
            ("FONT", (0, -1), (0, -1), FONT, 8.5),
            ("FONT", (1, -1), (-1, -1), LATIN, 8),
            ("ALIGN", (0, 0), (1, -1), "CENTER"),
            ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.3, _GRID),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
            ("BACKGROUND", (0, -1), (-1, -1), _LABEL_BG),
            ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#FAFAFA")]),
            ("TOPPADDING", (0, 0), (-1, -1), 1.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.4),
        ])
    )
    return table


def _validate(data: ContractData) -> _Product:
    product = _PRODUCTS.get(data.product_code)
    if product is None:
        raise ValueError(
            f"unknown product_code {data.product_code!r}; expected one of {sorted(_PRODUCTS)}"
        )
    if data.term_months < 1 or len(data.schedule) != data.term_months:
        raise ValueError(
            f"schedule has {len(data.schedule)} instalments but term_months is "
            f"{data.term_months}"
        )
    for name in ("vehicle_price_fen", "down_payment_fen", "financed_fen", "residual_fen"):
        if getattr(data, name) < 0:
            raise ValueError(f"{name} must not be negative")
    if any(fee.amount_fen < 0 for fee in data.fees):
        raise ValueError("fee amounts must not be negative")
    return product


def render_contract(data: ContractData) -> bytes:
    """The contract as an A4 PDF in Chinese; byte-identical for identical ``data``."""
    product = _validate(data)
    n = 1
    numerals = "一二三四五六七八九十"

    def heading(text: str) -> _BoldLine:
        nonlocal n
        line = _BoldLine(f"{numerals[n - 1]}、{text}", 12, space_before=10, space_after=4)
        n += 1
        return line

    story: list[Flowable] = [
        _BoldLine(product.title, 24, align="center"),
    ]
    if product.subtitle:
        story.append(_BoldLine(product.subtitle, 13, align="center", space_before=2))
    story += [
        Spacer(1, 4),
        _p(
            f"合同编号：{_x(data.contract_number)}{_SEPARATOR}"
            f"签发日期：{data.issued_on.isoformat()}",
            "meta",
        ),
        Spacer(1, 8),
        _plain_words_box(data, product),
    ]

    provider, customer = product.provider, product.customer
    story += [
        heading("合同各方"),
        _kv_table([
            (f"{provider}", _x(data.lessor_name), "经销商", _x(data.dealer_name)),
            (f"{customer}", _x(data.customer_name), "身份证号", _x(data.customer_id_number)),
            ("联系电话", _x(data.customer_phone), "住址", _x(data.customer_address)),
        ]),
        heading("车辆信息"),
        _kv_table([
            ("品牌", _x(data.vehicle_make), "车型", _x(data.vehicle_model)),
            ("车架号（VIN）", _x(data.vehicle_vin), "车辆价格",
             _money_markup(data.vehicle_price_fen)),
        ]),
    ]
    residual_label = "残值（含在末期租金中）" if product.is_lease else "尾款（随末期支付）"
    story += [
        heading("金额与期限"),
        _kv_table([
            ("车辆价格", _money_markup(data.vehicle_price_fen), "首付款",
             _money_markup(data.down_payment_fen)),
            ("融资金额", _money_markup(data.financed_fen), residual_label,
             _money_markup(data.residual_fen)),
            ("期限", f"{data.term_months} 个月", "合同年利率", format_percent(data.annual_rate)),
            ("年化利率（名义）", format_percent(data.apr_nominal), "年化利率（实际）",
             format_percent(data.apr_effective)),
        ]),
        heading("费用明细（全部费用，均已计入年化利率）"),
        _fee_table(data),
        heading("租金支付计划" if product.is_lease else "还款计划"),
        _schedule_table(data, product),
    ]
    if product.is_lease:
        if data.residual_fen:
            residual = _money_markup(data.residual_fen)
            buy_out = (
                f"（1）留购：付清全部租金（最后一期已含残值 {residual}）后，"
                "车辆所有权转移给承租人；"
            )
            give_back = (
                "（2）退还：按合同约定的车况标准将车辆交还出租人，车辆评估价值用于抵偿最后一期"
                "中的残值部分，多退少补，结清后合同终止；"
            )
        else:
            buy_out = "（1）留购：付清全部租金后，车辆所有权转移给承租人；"
            give_back = "（2）退还：按合同约定的车况标准将车辆交还出租人，结清应付款项后合同终止；"
        options = [
            buy_out,
            give_back,
            "（3）续租：双方另行约定租期和租金，继续租用该车辆；",
            "（4）置换：退还该车辆，并以新的融资租赁合同租用另一辆车。",
        ]
        story += [
            heading("租赁期满选择"),
            KeepTogether([
                _p("租赁期届满且承租人已履行全部义务时，承租人可以选择：", "body"),
                *[_p(text, "body") for text in options],
                _p("租赁期内车辆所有权属于出租人，承租人不得出售、转让或抵押该车辆。", "body"),
            ]),
        ]
    else:
        story += [
            heading("车辆所有权与抵押"),
            _p(
                "车辆所有权自交付起归借款人所有，并登记在借款人名下；借款期间车辆抵押给"
                "贷款人。借款人结清全部本金、利息和费用后，贷款人配合办理解除抵押登记。",
                "body",
            ),
        ]
    story.append(Spacer(1, 6))
    story.append(_SignatureBlock(data, product, f"{numerals[n - 1]}、签署"))

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{product.title} {data.contract_number}",
        author=data.lessor_name,
        subject=data.contract_number,
        creator="showroom-central",
        invariant=1,
    )
    decorate = _page_decorations(data, product)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


# --------------------------------------------------------------------------- signing


def _read_signature(signature_png: bytes) -> ImageReader:
    if not signature_png:
        raise ValueError("signature image is empty")
    if len(signature_png) > _MAX_SIGNATURE_BYTES:
        raise ValueError("signature image is larger than 10 MB")
    if not signature_png.startswith(_PNG_MAGIC):
        raise ValueError("signature image is not a PNG file (bad signature bytes)")
    try:
        with Image.open(BytesIO(signature_png)) as probe:
            width, height = probe.size
            if width * height > _MAX_SIGNATURE_PIXELS:
                raise ValueError(f"signature image is too large ({width}×{height} pixels)")
            probe.load()  # decodes every chunk: catches truncated or corrupt data
    except ValueError:
        raise
    except (OSError, UnidentifiedImageError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"signature image is not a readable PNG: {exc}") from exc
    if width < 1 or height < 1:
        raise ValueError("signature image has no pixels")
    return ImageReader(BytesIO(signature_png))


def _read_pdf(pdf: bytes) -> PdfReader:
    if not pdf:
        raise ValueError("contract PDF is empty")
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise ValueError("contract is not a PDF file (missing %PDF- header)")
    try:
        reader = PdfReader(BytesIO(pdf), strict=True)
        if len(reader.pages) == 0:
            raise ValueError("contract PDF has no pages")
        _ = reader.pages[-1].mediabox
    except ValueError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise ValueError(f"contract PDF is corrupt or unreadable: {exc}") from exc
    return reader


def _fit(img_w: float, img_h: float, box_w: float, box_h: float) -> tuple[float, float]:
    scale = min(box_w / img_w, box_h / img_h)
    return img_w * scale, img_h * scale


def sign_contract(
    pdf: bytes, signature_png: bytes, signer_name: str, signed_at: datetime
) -> bytes:
    """The contract with the signature placed in the last page's signature box.

    The signer's name and the signing time (Asia/Shanghai) are printed under the box. The
    overlay is drawn with reportlab and merged with pypdf; output is deterministic for
    identical inputs. Raises ``ValueError`` for an unreadable PNG, an empty or corrupt PDF,
    a naive ``signed_at``, an empty signer name or an already signed contract.
    """
    if not signer_name or not signer_name.strip():
        raise ValueError("signer_name must not be empty")
    if len(signer_name) > _MAX_SIGNER_NAME:
        raise ValueError(f"signer_name is longer than {_MAX_SIGNER_NAME} characters")
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise ValueError("signed_at must be timezone-aware")
    image = _read_signature(signature_png)
    reader = _read_pdf(pdf)
    metadata = reader.metadata or {}
    if _SIGNED_MARK in metadata:
        raise ValueError("contract is already signed; a signed contract never changes")
    _ensure_fonts()

    last = reader.pages[-1]
    box = last.mediabox
    page_w, page_h = float(box.width), float(box.height)
    left, bottom = float(box.left), float(box.bottom)
    local_time = signed_at.astimezone(_SHANGHAI)
    time_text = f"{local_time:%Y-%m-%d %H:%M:%S}（北京时间 UTC+08:00）"

    overlay_buffer = BytesIO()
    overlay = rl_canvas.Canvas(overlay_buffer, pagesize=(page_w, page_h), invariant=1)
    overlay.translate(left, bottom)
    box_x, box_y, box_w, box_h = SIGNATURE_BOX
    pad = 4.0
    img_w, img_h = image.getSize()
    draw_w, draw_h = _fit(img_w, img_h, box_w - 2 * pad, box_h - 2 * pad)
    overlay.drawImage(
        image,
        box_x + (box_w - draw_w) / 2,
        box_y + (box_h - draw_h) / 2,
        width=draw_w,
        height=draw_h,
        mask="auto",
    )
    overlay.setFillColor(colors.HexColor("#0B3D91"))
    name = " ".join(signer_name.split())
    for label, line_y, text in (
        (_SIGNER_LABEL, _SIGNER_LINE_Y, name),
        (_SIGNED_AT_LABEL, _SIGNED_AT_LINE_Y, time_text),
    ):
        x = box_x + pdfmetrics.stringWidth(label, FONT, _LABEL_SIZE) + 2
        room = box_x + box_w - x
        # A long company name must stay on its line: shrink it rather than run off the page.
        size = min(_LABEL_SIZE, _LABEL_SIZE * room / pdfmetrics.stringWidth(text, FONT,
                                                                            _LABEL_SIZE))
        overlay.setFont(FONT, max(size, 4.0))
        overlay.drawString(x, line_y, text)
    overlay.showPage()
    overlay.save()

    try:
        overlay_page = PdfReader(BytesIO(overlay_buffer.getvalue())).pages[0]
        writer = PdfWriter(clone_from=reader)
        writer.pages[-1].merge_page(overlay_page)
        info = {str(key): value for key, value in metadata.items()}
        info[_SIGNED_MARK] = TextStringObject(local_time.isoformat())
        info["/ShowroomSigner"] = TextStringObject(name)
        info["/ShowroomUnsignedSHA256"] = TextStringObject(pdf_sha256(pdf))
        writer.add_metadata({NameObject(key): value for key, value in info.items()})
        out = BytesIO()
        writer.write(out)
    except Exception as exc:  # damage that only shows while copying the pages
        raise ValueError(f"contract PDF is corrupt or unreadable: {exc}") from exc
    return out.getvalue()


def pdf_sha256(pdf: bytes) -> str:
    """Hex sha256 of the document bytes (what the service records for a signed contract)."""
    return hashlib.sha256(pdf).hexdigest()
