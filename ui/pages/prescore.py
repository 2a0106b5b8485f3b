"""Step 2 of a new application: the applicant's facts (left) and the pre-score (right).

The form checks every field as the consultant types and says what is wrong next to
the field. Missing is explicit: an empty field is "unknown" and reaches the model as
None, never as 0. The pre-score is recomputed after a pause in the typing (it takes
well under a millisecond once the models are loaded, which happens off the UI thread
when the page is built). It is advisory only: the lessor makes the decision.

The ID number read from a confirmed ID card stays in this page's memory: only whether
its check character holds goes into the pre-score and the draft.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import CustomerType
from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.app import DeskServices
from showroom_app.services.prescore import (
    EMPLOYMENT_TYPES,
    LIKELY_APPROVE,
    LIKELY_DECLINE,
    SEGMENTS,
    VEHICLE_CATEGORIES,
    FactsError,
    PreScoreUnavailable,
)
from showroom_app.services.quoting import Quote
from ui.pages.offer_words import category_name
from ui.widgets import Retranslatable, run_in_background

DEBOUNCE_MS = 150
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RED, AMBER, GREEN, GREY = "#cf222e", "#9a6700", "#1a7f37", "#57606a"
BAND_COLOURS = {"A": GREEN, "B": GREEN, "C": AMBER, "D": RED, "E": RED}
CUSTOMER_TYPES = {"individual": CustomerType.INDIVIDUAL, "fleet": CustomerType.COMPANY,
                  "farmer": CustomerType.FARMER}
MONEY_FIELDS = ("monthly_income", "existing_debt_monthly", "vehicle_price", "down_payment",
                "monthly_payment")
YEAR_FIELDS = ("employment_years", "residence_years")
BUREAU_FIELDS = ("inquiries_3m", "inquiries_6m", "overdue_months_24m", "max_overdue_days")
REQUIRED = ("vehicle_price", "down_payment")


class QuoteSource(Protocol):
    """What the applicant step reads from the Quote page."""

    def valid_quotes(self) -> list[Quote]: ...

    def vehicle_terms(self) -> tuple[Money, str, bool, str]: ...


def today() -> date:
    """The desk's local day."""
    return datetime.now(UTC).astimezone().date()


def money_text(amount: Money) -> str:
    return amount.format()


def parse_money(text: str) -> Decimal | None:
    """Yuan typed at the desk ("¥8,500", "8500.00", "8 500元"); None when empty.
    Raises ValueError with a code: "format", "decimals" or "negative"."""
    plain = re.sub(r"[¥￥,，\s元]", "", text)
    if not plain:
        return None
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValueError("format") from None
    if not value.is_finite():
        raise ValueError("format")
    if value < 0:
        raise ValueError("negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("decimals")
    return value


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (also with / or . or none); None when empty; ValueError otherwise."""
    plain = text.strip()
    if not plain:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", plain)
    if match is None:
        raise ValueError("format")
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)  # ValueError for 2023-02-30


def _line(name: str, placeholder_right: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setClearButtonEnabled(False)
    if placeholder_right:
        edit.setAlignment(RIGHT)
    return edit


class FormField:
    """One row of the form: its label, its editor (in a row with extras) and the message
    under it, which says in words what is wrong or worth knowing."""

    def __init__(self, key: str, editor: QWidget, *extras: QWidget) -> None:
        self.key = key
        self.editor = editor
        self.label = QLabel()
        self.label.setBuddy(editor)
        self.message = QLabel()
        self.message.setObjectName(f"{key}Message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.container = QWidget()
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(editor, 1)
        for extra in extras:
            row.addWidget(extra)
        column.addLayout(row)
        column.addWidget(self.message)
        self.level = ""

    def say(self, text: str = "", level: str = "error") -> None:
        """level "error" keeps the score from being computed; "note" only informs."""
        self.level = level if text else ""
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {RED if level == 'error' else AMBER};")
        self.message.setVisible(bool(text))
        self.editor.setProperty("invalid", level == "error" and bool(text))
        self.editor.setStyleSheet(f"border: 1px solid {RED};" if level == "error" and text
                                  else "")


class PreScorePanel(Retranslatable, QFrame):
    """The result: band, PD, verdict, hint, policy hits, reasons, model version, and the
    permanent reminder that the pre-score is advisory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preScorePanel")
        self.setStyleSheet("QFrame#preScorePanel { background: #f6f8fa; border: 1px solid #d0d7de;"
                           " border-radius: 6px; }")
        self.english = False
        self.state: tuple[str, Any] = ("loading", None)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.band = QLabel()
        self.band.setObjectName("bandLetter")
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.band.setFixedSize(64, 64)
        self.band_text = QLabel()
        self.band_text.setObjectName("bandText")
        self.band_text.setWordWrap(True)
        self.band_text.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.pd = QLabel()
        self.pd.setObjectName("pdLabel")
        self.pd.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdictLabel")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size: 15px; font-weight: 600;")
        head = _PanelHead(self.band, self.band_text, self.pd, self.verdict)

        self.hint = QLabel()
        self.hint.setObjectName("hintLabel")
        self.hint.setWordWrap(True)
        self.hits = QLabel()
        self.hits.setObjectName("policyHits")
        self.hits.setWordWrap(True)
        self.hits.setTextFormat(Qt.TextFormat.RichText)
        self.raises_title = QLabel()
        self.raises_title.setStyleSheet("font-weight: 600;")
        self.raises = QLabel()
        self.raises.setObjectName("raisesList")
        self.raises.setWordWrap(True)
        self.lowers_title = QLabel()
        self.lowers_title.setStyleSheet("font-weight: 600;")
        self.lowers = QLabel()
        self.lowers.setObjectName("lowersList")
        self.lowers.setWordWrap(True)
        self.version = QLabel()
        self.version.setObjectName("modelVersion")
        self.version.setWordWrap(True)
        self.version.setStyleSheet(f"color: {GREY}; font-size: 11px;")
        self.message = QLabel()
        self.message.setObjectName("panelMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.advisory = QLabel()
        self.advisory.setObjectName("advisoryLine")
        self.advisory.setWordWrap(True)
        self.advisory.setStyleSheet(f"color: {GREY}; border-top: 1px solid #d0d7de;"
                                    " padding-top: 4px;")

        self.result_box = QWidget()
        box = QVBoxLayout(self.result_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(head)
        box.addWidget(self.hint)
        box.addWidget(self.hits)
        box.addWidget(self.raises_title)
        box.addWidget(self.raises)
        box.addWidget(self.lowers_title)
        box.addWidget(self.lowers)
        box.addWidget(self.version)

        inner = QWidget()
        inner.setObjectName("panelInner")
        inner.setStyleSheet("QWidget#panelInner { background: transparent; }")
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.message)
        column.addWidget(self.result_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        scroll.viewport().setStyleSheet("background: transparent;")
        scroll.setWidget(inner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.advisory)
        self.retranslate()

    # --- states ----------------------------------------------------------------------

    def show_loading(self) -> None:
        self._set("loading", None)

    def show_missing(self, items: list[str]) -> None:
        self._set("missing", list(items))

    def show_unavailable(self, detail: str) -> None:
        self._set("unavailable", detail)

    def show_result(self, result: Any) -> None:
        self._set("result", result)

    def _set(self, state: str, payload: Any) -> None:
        self.state = (state, payload)
        self._render()

    def set_language(self, english: bool) -> None:
        self.english = english
        self._render()

    def _words(self, item: Any) -> str:
        return item.en if self.english else item.zh

    def _render(self) -> None:
        state, payload = self.state
        showing = state == "result"
        self.result_box.setVisible(showing)
        self.message.setVisible(not showing)
        if state == "loading":
            self.message.setStyleSheet(f"color: {GREY};")
            self.message.setText(self.tr("Loading the pre-score models…"))
        elif state == "missing":
            self.message.setStyleSheet("color: #24292f;")
            items = "".join(f"<li>{_escape(i)}</li>" for i in payload)
            self.message.setText(
                "<b>" + _escape(self.tr("No pre-score yet. To get one:")) + "</b>"
                f"<ul style='margin-left: -20px;'>{items}</ul>")
        elif state == "unavailable":
            self.message.setStyleSheet(f"color: {AMBER};")
            self.message.setText(_escape(self.tr(
                "The pre-score is not available on this desk ({0}). You can still save and "
                "submit the application: the lessor decides every application.").format(payload)))
        if not showing:
            return
        result = payload
        colour = BAND_COLOURS.get(result.band, GREY)
        self.band.setText(result.band)
        self.band.setStyleSheet(f"background: {colour}; color: white; font-size: 36px;"
                                " font-weight: 700; border-radius: 8px;")
        self.band_text.setText(self.tr("Band {0}: {1}").format(result.band, self.band_words(result.band)))
        self.band_text.setStyleSheet(f"font-size: 15px; font-weight: 600; color: {colour};")
        self.pd.setText(self.tr("Estimated probability of default: {0}").format(f"{result.pd * 100:.1f}%"))
        verdicts = {
            LIKELY_APPROVE: ("✔ " + self.tr("Likely approve"), GREEN),
            LIKELY_DECLINE: ("✖ " + self.tr("Likely decline"), RED),
        }
        text, vcolour = verdicts.get(result.decision, ("⚑ " + self.tr("Refer to a person"), AMBER))
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"font-size: 15px; font-weight: 600; color: {vcolour};")
        self.hint.setText(result.hint["en" if self.english else "zh"])
        hits = result.policy_hits
        if hits:
            rows = []
            for hit in hits:
                decline = hit.action == "decline"
                tag = self.tr("Declines") if decline else self.tr("Refers")
                c = RED if decline else AMBER
                rows.append(f"<p style='margin: 2px 0; color: {c};'><b>{'✖' if decline else '⚑'} "
                            f"{_escape(tag)}:</b> {_escape(self._words(hit))}</p>")
            self.hits.setText("<b>" + _escape(self.tr("Policy rules")) + "</b>" + "".join(rows))
            border = RED if any(h.action == "decline" for h in hits) else AMBER
            self.hits.setStyleSheet(f"background: white; border: 2px solid {border};"
                                    " border-radius: 4px; padding: 6px;")
            self.hits.show()
        else:
            self.hits.hide()
            self.hits.clear()
        raising = [r for r in result.reasons if r.direction == "raises"]
        lowering = [r for r in result.reasons if r.direction != "raises"]
        self.raises.setText("\n".join(f"▲ {self._words(r)}" for r in raising) or self.tr("nothing notable"))
        self.lowers.setText("\n".join(f"▼ {self._words(r)}" for r in lowering) or self.tr("nothing notable"))
        self.raises.setStyleSheet(f"color: {RED};" if raising else f"color: {GREY};")
        self.lowers.setStyleSheet(f"color: {GREEN};" if lowering else f"color: {GREY};")
        self.version.setText(self.tr("Model {0}").format(result.model_version))

    def band_words(self, band: str) -> str:
        return {
            "A": self.tr("very low risk"), "B": self.tr("low risk"), "C": self.tr("medium risk"),
            "D": self.tr("high risk"), "E": self.tr("very high risk"),
        }.get(band, band)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Pre-score"))
        self.raises_title.setText(self.tr("What raised the risk"))
        self.lowers_title.setText(self.tr("What lowered the risk"))
        self.advisory.setText(self.tr("Advisory only: the lessor makes the decision."))
        self._render()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _PanelHead(QWidget):
    """The panel's head: the band letter beside its words, the PD and the verdict."""

    def __init__(self, band: QLabel, band_text: QLabel, pd: QLabel, verdict: QLabel) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(band, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(band_text)
        words.addWidget(pd)
        words.addWidget(verdict)
        row.addLayout(words, 1)


class ApplicantPage(Retranslatable, QWidget):
    """The applicant's facts and their pre-score; saves both with a new draft."""

    def __init__(self, services: DeskServices, user: User, quote_source: QuoteSource | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.quote_source = quote_source
        self.catalog = services.quoting.catalog()
        self.ready = False  # the models are loaded (or known to be unavailable)
        self.result: Any = None
        self.unavailable: str | None = None
        self.facts_data: dict[str, Any] | None = None
        self.id_number: str | None = None  # memory only
        self.product_code: str | None = None
        self.is_nev = False  # the quoted vehicle's, when the plan came from the Quote page
        self.fields: dict[str, FormField] = {}

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        self._build_form()
        self.panel = PreScorePanel()
        self.panel.setMinimumWidth(330)
        self.panel.setMaximumWidth(420)

        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.form_scroll, 1)
        body.addWidget(self.panel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(body, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.recompute)
        self._connect_inputs()
        self.retranslate()
        self._segment_changed()
        # LightGBM loads on the first score (~0.3 s): do it off the UI thread now.
        run_in_background(services.prescore.warm_up, self._warmed, self._warm_failed)

    # --- building ------------------------------------------------------------------------

    def _add(self, form: QFormLayout, key: str, editor: QWidget, *extras: QWidget) -> FormField:
        field = FormField(key, editor, *extras)
        self.fields[key] = field
        form.addRow(field.label, field.container)
        return field

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    def _build_form(self) -> None:
        # Customer.
        self.customer_box = QGroupBox()
        self.customer_form = form = self._form()
        self.customer_box.setLayout(form)
        self.segment = QComboBox()
        self.segment.setObjectName("segmentCombo")
        for code in SEGMENTS:
            self.segment.addItem("", code)
        self._add(form, "segment", self.segment)
        self.birth_date = _line("birthDate")
        self._add(form, "birth_date", self.birth_date)
        self.id_valid_until = _line("idValidUntil")
        self.id_long_term = QCheckBox()
        self.id_long_term.setObjectName("idLongTerm")
        self._add(form, "id_valid_until", self.id_valid_until, self.id_long_term)
        self.id_check = QLabel()
        self.id_check.setObjectName("idCheck")
        self.id_check.setWordWrap(True)
        self.id_check_label = QLabel()
        self.id_check_label.setWordWrap(True)
        form.addRow(self.id_check_label, self.id_check)
        self.monthly_income = _line("monthlyIncome", True)
        self.income_proven = QCheckBox()
        self.income_proven.setObjectName("incomeProven")
        # The wizard takes the file: the page only offers the button and counts.
        self.attach_proof = QPushButton()
        self.attach_proof.setObjectName("attachProof")
        self.attach_proof.setShortcut(QKeySequence("Ctrl+I"))
        self.proof_note = QLabel()
        self.proof_note.setObjectName("proofNote")
        self.proof_note.setStyleSheet(f"color: {GREY};")
        self._add(form, "monthly_income", self.monthly_income, self.income_proven)
        self.attach_proof.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._add(form, "income_proof", self.attach_proof, self.proof_note)
        self.employment_type = QComboBox()
        self.employment_type.setObjectName("employmentType")
        self.employment_type.addItem("", None)
        for code in EMPLOYMENT_TYPES:
            self.employment_type.addItem("", code)
        self._add(form, "employment_type", self.employment_type)
        self.employment_years = _line("employmentYears", True)
        self._add(form, "employment_years", self.employment_years)
        self.residence_years = _line("residenceYears", True)
        self._add(form, "residence_years", self.residence_years)
        self.existing_debt_monthly = _line("existingDebt", True)
        self._add(form, "existing_debt_monthly", self.existing_debt_monthly)
        self.fleet_size = _line("fleetSize", True)
        self._add(form, "fleet_size", self.fleet_size)
        self.farm_area_mu = _line("farmArea", True)
        self._add(form, "farm_area_mu", self.farm_area_mu)

        # Vehicle and plan.
        self.vehicle_box = QGroupBox()
        self.vehicle_form = form = self._form()
        self.vehicle_box.setLayout(form)
        self.take_quote = QPushButton()
        self.take_quote.setObjectName("takeFromQuote")
        self.take_quote.clicked.connect(self.take_from_quote)
        self.take_note = QLabel()
        self.take_note.setObjectName("takeNote")
        self.take_note.setWordWrap(True)
        self.take_note.setStyleSheet(f"color: {GREY};")
        take = QVBoxLayout()
        take.setSpacing(2)
        take.addWidget(self.take_quote)
        take.addWidget(self.take_note)
        form.addRow(take)
        self.vehicle_category = QComboBox()
        self.vehicle_category.setObjectName("vehicleCategory")
        for code in VEHICLE_CATEGORIES:
            self.vehicle_category.addItem("", code)
        self._add(form, "vehicle_category", self.vehicle_category)
        self.vehicle_price = _line("vehiclePrice", True)
        self._add(form, "vehicle_price", self.vehicle_price)
        self.down_payment = _line("downPayment", True)
        self._add(form, "down_payment", self.down_payment)
        self.term_months = QSpinBox()
        self.term_months.setObjectName("termMonths")
        self.term_months.setRange(1, 120)
        self.term_months.setValue(36)
        self.term_months.setAlignment(RIGHT)
        self._add(form, "term_months", self.term_months)
        self.monthly_payment = _line("monthlyPayment", True)
        self._add(form, "monthly_payment", self.monthly_payment)

        # Credit report summary.
        self.bureau_box = QGroupBox()
        self.bureau_form = form = self._form()
        self.bureau_box.setLayout(form)
        self.bureau_unknown = QCheckBox()
        self.bureau_unknown.setObjectName("bureauUnknown")
        self.bureau_unknown.setChecked(True)
        form.addRow(self.bureau_unknown)
        self.inquiries_3m = _line("inquiries3m", True)
        self._add(form, "inquiries_3m", self.inquiries_3m)
        self.inquiries_6m = _line("inquiries6m", True)
        self._add(form, "inquiries_6m", self.inquiries_6m)
        self.overdue_months_24m = _line("overdueMonths24m", True)
        self._add(form, "overdue_months_24m", self.overdue_months_24m)
        self.max_overdue_days = _line("maxOverdueDays", True)
        self._add(form, "max_overdue_days", self.max_overdue_days)

        left = QVBoxLayout()
        left.addWidget(self.customer_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.vehicle_box)
        right.addWidget(self.bureau_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 4, 0)
        columns.setSpacing(10)
        columns.addLayout(left, 6)
        columns.addLayout(right, 5)
        inner = QWidget()
        inner.setObjectName("applicantForm")
        inner.setStyleSheet("QWidget#applicantForm { background: transparent; }")
        inner.setLayout(columns)
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("applicantFormScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll.viewport().setAutoFillBackground(False)
        self.form_scroll.setWidget(inner)
        for edit in (self.birth_date, self.id_valid_until):
            edit.setMinimumWidth(112)

        # Tab order follows the form: customer column, then vehicle and plan, then bureau.
        chain: list[QWidget] = [
            self.segment, self.birth_date, self.id_valid_until, self.id_long_term,
            self.monthly_income, self.income_proven, self.employment_type,
            self.employment_years, self.residence_years, self.existing_debt_monthly,
            self.fleet_size, self.farm_area_mu, self.take_quote, self.vehicle_category,
            self.vehicle_price, self.down_payment, self.term_months, self.monthly_payment,
            self.bureau_unknown, self.inquiries_3m, self.inquiries_6m,
            self.overdue_months_24m, self.max_overdue_days,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect_inputs(self) -> None:
        for edit in self.findChildren(QLineEdit):
            if edit.parent() is not None and isinstance(edit.parent(), QSpinBox):
                continue  # a spin box's own line edit
            edit.textChanged.connect(self.schedule_recompute)
            edit.returnPressed.connect(self._enter_pressed)
        for key in MONEY_FIELDS:
            self.fields[key].editor.editingFinished.connect(self._format_money)
        for combo in (self.segment, self.employment_type, self.vehicle_category):
            combo.currentIndexChanged.connect(self.schedule_recompute)
        self.segment.currentIndexChanged.connect(self._segment_changed)
        for box in (self.income_proven, self.id_long_term, self.bureau_unknown):
            box.toggled.connect(self.schedule_recompute)
        self.id_long_term.toggled.connect(self._long_term_toggled)
        self.bureau_unknown.toggled.connect(self._bureau_toggled)
        self.term_months.valueChanged.connect(self.schedule_recompute)
        self._bureau_toggled()

    def _enter_pressed(self) -> None:
        """Enter = next field, as everywhere at the desk."""
        self.focusNextChild()

    def _format_money(self) -> None:
        edit = self.sender()
        if not isinstance(edit, QLineEdit):
            return
        try:
            value = parse_money(edit.text())
        except ValueError:
            return
        if value is not None:
            edit.blockSignals(True)
            edit.setText(money_text(Money.of(value)))
            edit.blockSignals(False)

    def _segment_changed(self) -> None:
        segment = self.segment.currentData()
        self.customer_form.setRowVisible(self.fields["fleet_size"].container, segment == "fleet")
        self.customer_form.setRowVisible(self.fields["farm_area_mu"].container, segment == "farmer")

    def _long_term_toggled(self) -> None:
        self.id_valid_until.setEnabled(not self.id_long_term.isChecked())

    def _bureau_toggled(self) -> None:
        known = not self.bureau_unknown.isChecked()
        for key in BUREAU_FIELDS:
            self.fields[key].editor.setEnabled(known)

    # --- language --------------------------------------------------------------------

    @property
    def english(self) -> bool:
        return not self.services.settings.language.startswith("zh")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Income & pre-score"))
        self.subtitle.setText(self.tr(
            "Type what the customer tells you; leave a field empty when it is not known. "
            "The pre-score follows as you type."))
        self.customer_box.setTitle(self.tr("Customer"))
        self.vehicle_box.setTitle(self.tr("Vehicle and plan"))
        self.bureau_box.setTitle(self.tr("Credit report summary (if known)"))
        labels = {
            "segment": self.tr("Customer type"),
            "birth_date": self.tr("Birth date"),
            "id_valid_until": self.tr("ID card valid until"),
            "monthly_income": self.tr("Monthly income"),
            "income_proof": self.tr("Proof of income"),
            "employment_type": self.tr("Employment"),
            "employment_years": self.tr("Years in this work"),
            "residence_years": self.tr("Years at this address"),
            "existing_debt_monthly": self.tr("Other loans, monthly"),
            "fleet_size": self.tr("Fleet size (vehicles)"),
            "farm_area_mu": self.tr("Farmed area (mu)"),
            "vehicle_category": self.tr("Vehicle category"),
            "vehicle_price": self.tr("Vehicle price"),
            "down_payment": self.tr("Down payment"),
            "term_months": self.tr("Term"),
            "monthly_payment": self.tr("Monthly payment"),
            "inquiries_3m": self.tr("Inquiries (3 months)"),
            "inquiries_6m": self.tr("Inquiries (6 months)"),
            "overdue_months_24m": self.tr("Months overdue (24 months)"),
            "max_overdue_days": self.tr("Longest overdue (days)"),
        }
        self.labels = labels
        for key, text in labels.items():
            self.fields[key].label.setText(text)
        self.id_check_label.setText(self.tr("ID number"))
        segments = {"individual": self.tr("Individual consumer"),
                    "fleet": self.tr("Fleet / logistics company"),
                    "farmer": self.tr("Farmer / farm machinery")}
        for i in range(self.segment.count()):
            self.segment.setItemText(i, segments[self.segment.itemData(i)])
        jobs = {
            "salaried": self.tr("Salaried"), "civil_servant": self.tr("Civil servant / public institution"),
            "self_employed": self.tr("Self-employed"), "business_owner": self.tr("Business owner"),
            "farmer": self.tr("Farmer"), "driver": self.tr("Driver"), "retired": self.tr("Retired"),
            "other": self.tr("Other"),
        }
        self.employment_type.setItemText(0, self.tr("Not given"))
        for i in range(1, self.employment_type.count()):
            self.employment_type.setItemText(i, jobs[self.employment_type.itemData(i)])
        for i in range(self.vehicle_category.count()):
            self.vehicle_category.setItemText(i, category_name(self.vehicle_category.itemData(i)))
        self.term_months.setSuffix(self.tr(" months"))
        self.id_long_term.setText(self.tr("Long-term"))
        self.income_proven.setText(self.tr("Proven"))
        self.income_proven.setToolTip(self.tr("Proof of income seen: payslips, bank statements or a tax record"))
        self.bureau_unknown.setText(self.tr("Not known (the customer's credit report has not been seen)"))
        date_hint = self.tr("YYYY-MM-DD")
        self.birth_date.setPlaceholderText(date_hint)
        self.id_valid_until.setPlaceholderText(date_hint)
        unknown = self.tr("unknown")
        for key in MONEY_FIELDS:
            editor = self.fields[key].editor
            if isinstance(editor, QLineEdit):
                editor.setPlaceholderText("¥ " + (self.tr("required") if key in REQUIRED else unknown))
        for key in (*YEAR_FIELDS, *BUREAU_FIELDS, "fleet_size", "farm_area_mu"):
            editor = self.fields[key].editor
            if isinstance(editor, QLineEdit):
                editor.setPlaceholderText(unknown)
        self.attach_proof.setText(self.tr("Attach proof… (Ctrl+I)"))
        self.attach_proof.setToolTip(self.tr("A payslip, bank statement or tax record: a photo, scan or PDF; it goes to the lessor with the application"))
        self.show_proofs(getattr(self, "proofs", 0))
        self.take_quote.setText(self.tr("Take from the quote step"))
        self.take_quote.setToolTip(self.tr("Copy the category, price, down payment, term and monthly payment of the plan the customer takes (step 4)"))
        self._show_take_note()
        self._show_id_check()
        self.panel.set_language(self.english)
        self.recompute()

    # --- the ID card ---------------------------------------------------------------------

    def take_document(self, kind: str, values: dict) -> None:
        """A document was confirmed in step 2: an ID card fills what it says."""
        if kind == "id_front":
            born = str(values.get("birth_date") or "").strip()
            if born:
                self.birth_date.setText(born)
            number = str(values.get("id_number") or "").strip().upper()
            self.id_number = number or None
            self._show_id_check()
        elif kind == "id_back":
            valid_to = str(values.get("valid_to") or "").strip()
            if valid_to in ("长期", "long-term", "long_term"):
                self.id_long_term.setChecked(True)
                self.id_valid_until.clear()
            elif valid_to:
                self.id_long_term.setChecked(False)
                self.id_valid_until.setText(valid_to)
        self.schedule_recompute()

    def show_proofs(self, count: int) -> None:
        self.proofs = count
        self.proof_note.setText(self.tr("{0} proof(s) attached").format(count) if count else "")

    def set_segment(self, segment: str) -> None:
        index = self.segment.findData(segment)
        if index >= 0:
            self.segment.setCurrentIndex(index)

    def set_id_number(self, number: str | None) -> None:
        self.id_number = (number or "").strip().upper() or None
        self._show_id_check()
        self.schedule_recompute()

    def restore(self, data: dict[str, Any]) -> None:
        """Put back a form saved with a draft (`collect`'s shape)."""
        def put(edit: QLineEdit, value: object, money: bool = False) -> None:
            if value is None or value == "":
                edit.clear()
            elif money:
                edit.setText(money_text(Money(int(value))))
            else:
                edit.setText(str(value))

        self.set_segment(str(data.get("segment") or self.segment.currentData()))
        put(self.birth_date, data.get("birth_date"))
        valid = data.get("id_valid_until")
        self.id_long_term.setChecked(valid == "长期")
        put(self.id_valid_until, None if valid == "长期" else valid)
        put(self.monthly_income, data.get("monthly_income_fen"), money=True)
        self.income_proven.setChecked(bool(data.get("income_proven")))
        index = self.employment_type.findData(data.get("employment_type"))
        if index >= 0:
            self.employment_type.setCurrentIndex(index)
        for key in ("employment_years", "residence_years", "fleet_size", "farm_area_mu"):
            put(self.fields[key].editor, data.get(key))
        put(self.existing_debt_monthly, data.get("existing_debt_monthly_fen"), money=True)
        known = any(data.get(key) is not None for key in BUREAU_FIELDS)
        self.bureau_unknown.setChecked(not known)
        for key in BUREAU_FIELDS:
            put(self.fields[key].editor, data.get(key))
        self.schedule_recompute()

    def id_number_valid(self) -> bool | None:
        number = self.id_number
        if number is None:
            return None
        data = {"segment": "individual", "vehicle_category": "new_car",
                "vehicle_price_fen": 1, "down_payment_fen": 0, "term_months": 1,
                "id_number": number}
        facts = self.services.prescore.facts_from_application(data, today())
        return facts.id_number_valid

    def _show_id_check(self) -> None:
        valid = self.id_number_valid()
        if valid is None:
            self.id_check.setText(self.tr("Not read yet: confirm the ID card in step 2 (Alt+2)."))
            self.id_check.setStyleSheet(f"color: {GREY};")
        elif valid:
            self.id_check.setText("✔ " + self.tr("Read from the confirmed card; its check character is correct."))
            self.id_check.setStyleSheet(f"color: {GREEN};")
        else:
            self.id_check.setText("✖ " + self.tr("The check character of the confirmed ID number is wrong: check the 18th character on the card."))
            self.id_check.setStyleSheet(f"color: {RED};")

    # --- the quote page --------------------------------------------------------------------

    def take_from_quote(self) -> None:
        quotes = self.quote_source.valid_quotes() if self.quote_source is not None else []
        if not quotes:
            self.product_code = None
            self.take_note.setText(self.tr("The quote step has no valid plan yet: make one there first (Alt+4)."))
            self.take_note.setStyleSheet(f"color: {AMBER};")
            return
        quote = quotes[0]
        self.product_code = quote.product_code
        self.is_nev = self.quote_source.vehicle_terms()[2] if self.quote_source else False
        self.vehicle_category.setCurrentIndex(max(0, self.vehicle_category.findData(quote.category)))
        self.vehicle_price.setText(money_text(quote.price))
        self.down_payment.setText(money_text(quote.down_payment))
        self.term_months.setValue(quote.term_months)
        self.monthly_payment.setText(money_text(quote.rows[0].payment) if quote.rows else "")
        self.take_note.setStyleSheet(f"color: {GREY};")
        self._show_take_note()
        self.recompute()

    def _show_take_note(self) -> None:
        if self.product_code is None:
            self.take_note.setText(self.tr("Or type the figures below."))
            return
        product = self.catalog.products.get(self.product_code)
        name = (product.name_en if self.english else product.name_zh) if product else self.product_code
        self.take_note.setText(self.tr("From the plan the customer takes: {0}. Its loan-to-value cap applies.").format(name))

    # --- checking and scoring -----------------------------------------------------------

    def schedule_recompute(self) -> None:
        self.timer.start()

    def _money(self, key: str, problems: list[str], required: bool = False) -> int | None:
        field = self.fields[key]
        editor = field.editor
        assert isinstance(editor, QLineEdit)
        try:
            value = parse_money(editor.text())
        except ValueError as exc:
            field.say({
                "negative": self.tr("An amount cannot be negative."),
                "decimals": self.tr("At most two decimals (fen)."),
            }.get(str(exc), self.tr("Write an amount in yuan, e.g. 8,500 or 8500.00.")))
            problems.append(self.tr("correct “{0}”").format(self.labels[key]))
            return None
        if value is None and required:
            field.say(self.tr("Required for a pre-score."), "note")
            problems.append(self.tr("enter “{0}”").format(self.labels[key]))
            return None
        field.say()
        return None if value is None else Money.of(value).fen

    def _number(self, key: str, problems: list[str], whole: bool, most: float) -> float | int | None:
        field = self.fields[key]
        editor = field.editor
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip().replace(",", "")
        if not text or not editor.isEnabled():
            field.say()
            return None
        try:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = None
        if value is None or (whole and value != value.to_integral_value()):
            field.say(self.tr("Write a whole number, e.g. 0 or 2.") if whole
                      else self.tr("Write a number, e.g. 3 or 2.5."))
        elif value < 0:
            field.say(self.tr("Cannot be negative."))
        elif value > most:
            field.say(self.tr("At most {0}: check the figure.").format(f"{most:,.0f}"))
        else:
            field.say()
            return int(value) if whole else float(value)
        problems.append(self.tr("correct “{0}”").format(self.labels[key]))
        return None

    def _date(self, key: str, problems: list[str]) -> date | None:
        field = self.fields[key]
        editor = field.editor
        assert isinstance(editor, QLineEdit)
        try:
            value = parse_date(editor.text())
        except ValueError:
            field.say(self.tr("Write the date as YYYY-MM-DD, e.g. 1985-03-12."))
            problems.append(self.tr("correct “{0}”").format(self.labels[key]))
            return None
        field.say()
        return value

    def collect(self) -> tuple[dict[str, Any], list[str]]:
        """The form as Facts-shaped data (money in fen, dates ISO, unknown = None), and
        what keeps it from being scored, in words."""
        problems: list[str] = []
        day = today()
        segment = self.segment.currentData()
        data: dict[str, Any] = {"segment": segment,
                                "vehicle_category": self.vehicle_category.currentData()}

        born = self._date("birth_date", problems)
        if born is not None:
            if born > day:
                self.fields["birth_date"].say(self.tr("This date is in the future."))
                problems.append(self.tr("correct “{0}”").format(self.labels["birth_date"]))
                born = None
            else:
                age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
                if age < 18:
                    self.fields["birth_date"].say(self.tr("The applicant is {0}: under 18.").format(age), "note")
        elif not self.birth_date.text().strip():
            self.fields["birth_date"].say(self.tr("Unknown: a person will have to check the age."), "note")
        data["birth_date"] = born.isoformat() if born else None

        if self.id_long_term.isChecked():
            self.fields["id_valid_until"].say()
            data["id_valid_until"] = "长期"
        else:
            valid = self._date("id_valid_until", problems)
            if valid is not None and valid < day:
                self.fields["id_valid_until"].say(self.tr("The card expired on {0}.").format(valid.isoformat()), "note")
            data["id_valid_until"] = valid.isoformat() if valid else None

        data["monthly_income_fen"] = self._money("monthly_income", problems)
        data["income_proven"] = self.income_proven.isChecked()
        data["employment_type"] = self.employment_type.currentData()
        data["employment_years"] = self._number("employment_years", problems, False, 80)
        data["residence_years"] = self._number("residence_years", problems, False, 100)
        data["existing_debt_monthly_fen"] = self._money("existing_debt_monthly", problems)
        price = self._money("vehicle_price", problems, required=True)
        down = self._money("down_payment", problems, required=True)
        if price is not None and price <= 0:
            self.fields["vehicle_price"].say(self.tr("The price must be above zero."))
            problems.append(self.tr("correct “{0}”").format(self.labels["vehicle_price"]))
        elif price is not None and down is not None and down > price:
            self.fields["down_payment"].say(self.tr("The down payment cannot be more than the price ({0}).").format(money_text(Money(price))))
            problems.append(self.tr("correct “{0}”").format(self.labels["down_payment"]))
        data["vehicle_price_fen"] = price
        data["down_payment_fen"] = down
        data["term_months"] = self.term_months.value()
        data["monthly_payment_fen"] = self._money("monthly_payment", problems)
        category = data["vehicle_category"]
        data["is_nev"] = category == "nev" or (self.product_code is not None and getattr(self, "is_nev", False))

        for key in BUREAU_FIELDS:
            data[key] = self._number(key, problems, True, 999 if key != "max_overdue_days" else 3650)
        if data["inquiries_3m"] is not None and data["inquiries_6m"] is not None \
                and data["inquiries_6m"] < data["inquiries_3m"]:
            self.fields["inquiries_6m"].say(self.tr("The last 6 months include the last 3: at least {0}.").format(data["inquiries_3m"]))
            problems.append(self.tr("correct “{0}”").format(self.labels["inquiries_6m"]))
        data["fleet_size"] = self._number("fleet_size", problems, True, 100_000) if segment == "fleet" else None
        data["farm_area_mu"] = self._number("farm_area_mu", problems, False, 1_000_000) if segment == "farmer" else None
        if segment != "fleet":
            self.fields["fleet_size"].say()
        if segment != "farmer":
            self.fields["farm_area_mu"].say()
        if self.product_code is not None and self.product_code in self.catalog.products:
            data["product_code"] = self.product_code
        return data, problems

    def recompute(self) -> None:
        self.timer.stop()
        data, problems = self.collect()
        self.result = None
        self.facts_data = None
        if problems:
            self.panel.show_missing(problems)
        elif not self.ready:
            self.panel.show_loading()
        else:
            self._score(data)

    def _score(self, data: dict[str, Any]) -> None:
        prescore = self.services.prescore
        asked = dict(data)
        if self.id_number is not None:
            asked["id_number"] = self.id_number
        try:
            facts = prescore.facts_from_application(asked, today(), self.catalog)
        except FactsError as exc:
            key = exc.field.removesuffix("_fen")
            field = self.fields.get(key)
            label = self.labels.get(key, exc.field)
            if field is not None:
                field.say(self.tr("Not accepted: {0}").format(str(exc)))
            self.panel.show_missing([self.tr("correct “{0}”").format(label)])
            return
        self.facts_data = data | {"id_number_valid": facts.id_number_valid}
        try:
            self.result = prescore.score(facts)
        except PreScoreUnavailable as exc:
            self.unavailable = str(exc)
            self.panel.show_unavailable(str(exc))
            return
        self.panel.show_result(self.result)

    def _warmed(self, _: object) -> None:
        self.ready = True
        self.recompute()

    def _warm_failed(self, error: Exception) -> None:
        self.ready = True
        self.recompute()
