"""Quote: a vehicle, up to three finance plans side by side, the schedule of one of them,
and the quote sheet as a PDF for the customer to take home.

Every figure is recomputed as the consultant types (debounced); a plan that breaks a
product limit says which and why under the plan, it is never clamped silently.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.app import DeskServices
from showroom_app.services.quoting import (
    Method,
    NegativeAmortizationError,
    Pattern,
    Product,
    Quote,
    QuoteInput,
    QuoteLimitError,
    StockVehicle,
)
from ui.errors import describe
from ui.pages.offer_words import (
    CATEGORIES,
    category_name,
    fee_names,
    funder_name,
    offer_words,
    rule_name,
    skipped_words,
)
from ui.widgets import Retranslatable, run_in_background

MAX_PLANS = 3
DEBOUNCE_MS = 150
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
HARVEST_MONTHS = (6, 10)  # a seasonal plan's default payment months: the harvests


def money(amount: Money | int) -> str:
    return (amount if isinstance(amount, Money) else Money(amount)).format()


def percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


def _money_box(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setDecimals(2)
    box.setRange(0, 100_000_000)
    box.setSingleStep(1000)
    box.setGroupSeparatorShown(True)
    box.setAlignment(RIGHT)
    box.setPrefix("¥")
    box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    box.setKeyboardTracking(True)
    return box


def _money_of(box: QDoubleSpinBox) -> Money:
    # The spin box holds at most two decimals: round through text, never through float fen.
    return Money.of(Decimal(f"{box.value():.2f}"))


class PlanColumn(Retranslatable, QGroupBox):
    """One plan: product, down payment, term, method, fees, and what it costs."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, products: list[Product], english: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.products = products
        self.english = english
        self.index = 0
        self.quote: Quote | None = None
        self.fee_boxes: list[QCheckBox] = []

        self.product = QComboBox()
        self.product.setObjectName("productCombo")
        self.down = _money_box("downEdit")
        self.down_mode = QComboBox()
        self.down_mode.setObjectName("downMode")
        self.down_mode.addItems(["¥", "%"])
        self.term = QComboBox()
        self.term.setObjectName("termCombo")
        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.balloon = _money_box("balloonEdit")
        self.balloon_label = QLabel()
        self.fees_label = QLabel()
        self.fees_label.setObjectName("feeList")
        self.fees_label.setWordWrap(True)
        self.fees_label.setStyleSheet("color: #57606a;")
        self.fee_area = QVBoxLayout()
        self.fee_area.setSpacing(2)
        self.finance_fees = QCheckBox()
        self.finance_fees.setObjectName("financeFees")
        self._build_pattern()

        down_row = QHBoxLayout()
        down_row.setSpacing(4)
        down_row.addWidget(self.down, 1)
        down_row.addWidget(self.down_mode)
        self.form = QFormLayout()
        self.form.setSpacing(6)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels = [QLabel() for _ in range(5)]
        self.form.addRow(self.labels[0], self.product)
        self.form.addRow(self.labels[1], down_row)
        self.form.addRow(self.labels[2], self.term)
        self.form.addRow(self.labels[3], self.method)
        self.form.addRow(self.balloon_label, self.balloon)
        self.form.addRow(self.pattern_label, self.pattern_row)
        self.form.addRow(self.months_label, self.months_strip)
        fees_box = QVBoxLayout()
        fees_box.setSpacing(2)
        fees_box.addWidget(self.fees_label)
        fees_box.addLayout(self.fee_area)
        self.form.addRow(self.labels[4], fees_box)

        self.monthly_title = QLabel()
        self.monthly_title.setStyleSheet("color: #57606a;")
        self.monthly = QLabel("–")
        self.monthly.setObjectName("monthlyLabel")
        self.monthly.setAlignment(RIGHT)
        self.monthly.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.apr_title = QLabel()
        self.apr_title.setStyleSheet("color: #57606a;")
        self.apr = QLabel("–")
        self.apr.setObjectName("aprLabel")
        self.apr.setAlignment(RIGHT)
        self.apr.setStyleSheet("font-size: 14px; font-weight: 600;")
        self.figure_titles = [QLabel() for _ in range(3)]
        self.interest = QLabel("–")
        self.interest.setObjectName("interestLabel")
        self.cost = QLabel("–")
        self.cost.setObjectName("costLabel")
        self.fees_total = QLabel("–")
        self.fees_total.setObjectName("feesTotalLabel")
        figures = QGridLayout()
        figures.setHorizontalSpacing(10)
        figures.setVerticalSpacing(2)
        figures.addWidget(self.monthly_title, 0, 0)
        figures.addWidget(self.apr_title, 0, 1)
        figures.addWidget(self.monthly, 1, 0)
        figures.addWidget(self.apr, 1, 1)
        for row, (title, value) in enumerate(zip(
                self.figure_titles, (self.interest, self.fees_total, self.cost), strict=True)):
            value.setAlignment(RIGHT)
            figures.addWidget(title, 2 + row, 0)
            figures.addWidget(value, 2 + row, 1)
        figures.setColumnStretch(0, 1)
        figures.setColumnStretch(1, 1)

        self.summary = QLabel()
        self.summary.setObjectName("summaryLabel")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #24292f; background: #f6f8fa; padding: 6px;")
        self.violations = QLabel()
        self.violations.setObjectName("violationsLabel")
        self.violations.setWordWrap(True)
        self.violations.setStyleSheet("color: #cf222e; font-weight: 600;")
        self.violations.hide()
        self.promoted: Any = None  # the PromotedQuote when an offer applies to this plan
        self.offers_box = QFrame()
        self.offers_box.setObjectName("offersBox")
        self.offers_box.setStyleSheet(
            "QFrame#offersBox { background: #dafbe1; border: 1px solid #4ac26b; "
            "border-radius: 6px; }")
        self.offers_text = QLabel()
        self.offers_text.setObjectName("offersLabel")
        self.offers_text.setWordWrap(True)
        self.offers_text.setTextFormat(Qt.TextFormat.RichText)
        self.offers_text.setStyleSheet("background: transparent; color: #1f2328;")
        offers_layout = QVBoxLayout(self.offers_box)
        offers_layout.setContentsMargins(8, 6, 8, 6)
        offers_layout.addWidget(self.offers_text)
        self.offers_box.hide()
        self.remove = QPushButton()
        self.remove.setObjectName("removePlan")
        self.remove.clicked.connect(self._remove_clicked)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d0d7de;")
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        bottom = QHBoxLayout()
        bottom.addWidget(self.finance_fees, 1)
        bottom.addWidget(self.remove)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(self.form)
        layout.addLayout(bottom)
        layout.addWidget(line)
        # The figures and the offers side by side when the plan is wide (one plan on the
        # screen), one above the other when three plans share it.
        self.result_row = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.result_row.setSpacing(10)
        self.result_row.addLayout(figures, 1)
        self.result_row.addWidget(self.offers_box, 1)
        layout.addLayout(self.result_row)
        layout.addWidget(self.violations)
        layout.addWidget(self.summary)
        layout.addStretch(1)

        self.down_percent = Decimal(30)
        self._fill_products()
        self.product.currentIndexChanged.connect(self._product_changed)
        self.down.valueChanged.connect(self.changed)
        self.down_mode.currentIndexChanged.connect(self._down_mode_changed)
        self.term.currentIndexChanged.connect(self.changed)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.balloon.valueChanged.connect(self.changed)
        self.finance_fees.toggled.connect(self.changed)
        self.pattern.currentIndexChanged.connect(self._pattern_changed)
        self.step_every.valueChanged.connect(self.changed)
        self.step_factor.valueChanged.connect(self.changed)
        self.io_months.valueChanged.connect(self.changed)
        self.start_date.dateChanged.connect(self.changed)
        for box in self.month_boxes.values():
            box.toggled.connect(self.changed)
        self._pattern_changed()
        self.down_mode.setCurrentIndex(1)
        self._product_changed()

    def _build_pattern(self) -> None:
        """The payment pattern: one row, whose extra inputs follow the chosen pattern."""
        self.pattern_label = QLabel()
        self.pattern = QComboBox()
        self.pattern.setObjectName("pattern")
        # Compact: the long English names elide a little rather than widen the plan.
        self.pattern.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pattern.setMinimumContentsLength(15)
        for p in Pattern:
            self.pattern.addItem("", p.value)
        self.step_every = QSpinBox()
        self.step_every.setObjectName("stepEvery")
        self.step_every.setRange(1, 120)
        self.step_every.setValue(12)
        self.step_factor = QDoubleSpinBox()
        self.step_factor.setObjectName("stepFactor")
        self.step_factor.setDecimals(2)
        self.step_factor.setRange(0.10, 10.00)
        self.step_factor.setSingleStep(0.05)
        self.step_factor.setValue(1.10)
        self.step_factor.setPrefix("× ")
        self.io_months = QSpinBox()
        self.io_months.setObjectName("interestOnlyMonths")
        self.io_months.setRange(1, 120)
        self.io_months.setValue(6)
        self.start_label = QLabel()
        self.start_date = QDateEdit(QDate.currentDate())
        self.start_date.setObjectName("startDate")
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("yyyy-MM-dd")
        self.month_boxes: dict[int, QCheckBox] = {}
        months = QHBoxLayout()
        months.setContentsMargins(0, 0, 0, 0)
        months.setSpacing(0)
        for m in range(1, 13):
            box = QCheckBox(str(m))
            box.setObjectName(f"month_{m}")
            box.setChecked(m in HARVEST_MONTHS)
            months.addWidget(box)
            self.month_boxes[m] = box
        months.addStretch(1)
        self.months_strip = QWidget()
        self.months_strip.setObjectName("paymentMonths")
        self.months_strip.setLayout(months)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for widget in (self.pattern, self.step_every, self.step_factor, self.io_months,
                       self.start_label, self.start_date):
            row.addWidget(widget)
        row.addStretch(1)
        self.pattern_row = row
        self.months_label = QLabel()

    def current_pattern(self) -> Pattern:
        return Pattern(self.pattern.currentData() or Pattern.MONTHLY.value)

    def set_pattern(self, pattern: Pattern | str) -> None:
        self.pattern.setCurrentIndex(max(0, self.pattern.findData(Pattern(pattern).value)))

    def _pattern_changed(self) -> None:
        pattern = self.current_pattern()
        seasonal = pattern is Pattern.SEASONAL
        step = pattern is Pattern.STEP
        self.months_strip.setVisible(seasonal)
        self.months_label.setVisible(seasonal)
        self.start_label.setVisible(seasonal)
        self.start_date.setVisible(seasonal)
        self.step_every.setVisible(step)
        self.step_factor.setVisible(step)
        self.io_months.setVisible(pattern is Pattern.INTEREST_ONLY)
        self.changed.emit()

    def _pattern_text(self, pattern: Pattern) -> str:
        return {
            Pattern.MONTHLY: self.tr("Monthly"),
            Pattern.SEASONAL: self.tr("Seasonal (farm machinery)"),
            Pattern.STEP: self.tr("Step-up / step-down"),
            Pattern.INTEREST_ONLY: self.tr("Interest-only first"),
        }[pattern]

    # --- inputs ----------------------------------------------------------------------

    def current_product(self) -> Product:
        return self.products[max(0, self.product.currentIndex())]

    def _fill_products(self) -> None:
        current = self.product.currentIndex()
        self.product.blockSignals(True)
        self.product.clear()
        for p in self.products:
            self.product.addItem(p.name_en if self.english else p.name_zh, p.code)
        self.product.setCurrentIndex(max(0, current))
        self.product.blockSignals(False)

    def _product_changed(self) -> None:
        product = self.current_product()
        term = self.term.currentData()
        self.term.blockSignals(True)
        self.term.clear()
        for t in product.terms:
            self.term.addItem(self.tr("{0} months").format(t), t)
        wanted = term if term in product.terms else (36 if 36 in product.terms else product.terms[-1])
        self.term.setCurrentIndex(self.term.findData(wanted))
        self.term.blockSignals(False)
        method = self.method.currentData()
        self.method.blockSignals(True)
        self.method.clear()
        for m in Method:
            if m in product.methods:
                self.method.addItem(self._method_text(m), m.value)
        found = self.method.findData(method)
        self.method.setCurrentIndex(found if found >= 0 else 0)
        self.method.blockSignals(False)
        self._fill_fees()
        self._method_changed()

    def _fill_fees(self) -> None:
        product = self.current_product()
        chosen = {box.property("code") for box in self.fee_boxes if box.isChecked()}
        for box in self.fee_boxes:
            self.fee_area.removeWidget(box)
            box.hide()
            box.deleteLater()
        self.fee_boxes = []
        standard = [f for f in product.fees if not f.optional]
        name = (lambda f: f.name_en) if self.english else (lambda f: f.name_zh)
        self.fees_label.setText("  ·  ".join(f"{name(f)} {money(f.amount_fen)}" for f in standard)
                                or self.tr("none"))
        for spec in product.fees:
            if spec.optional:
                box = QCheckBox(f"{name(spec)}  {money(spec.amount_fen)}")
                box.setObjectName(f"fee_{spec.code}")
                box.setProperty("code", spec.code)
                box.setChecked(spec.code in chosen)
                box.toggled.connect(self.changed)
                self.fee_area.addWidget(box)
                self.fee_boxes.append(box)

    def _method_changed(self) -> None:
        balloon = self.method.currentData() == Method.BALLOON.value
        self.balloon.setVisible(balloon)
        self.balloon_label.setVisible(balloon)
        self.changed.emit()

    def _down_mode_changed(self) -> None:
        """Switching ¥ ↔ % keeps the same down payment, expressed the other way."""
        price = getattr(self, "price", None)
        self.down.blockSignals(True)
        if self.down_mode.currentIndex() == 1:
            self.down.setPrefix("")
            self.down.setSuffix(" %")
            self.down.setRange(0, 100)
            self.down.setSingleStep(5)
            if price and price.fen:
                ratio = Decimal(_money_of(self.down).fen) / price.fen * 100
                self.down.setValue(float(round(ratio, 2)))
            else:
                self.down.setValue(float(self.down_percent))
        else:
            amount = self.down_payment()
            self.down.setSuffix("")
            self.down.setPrefix("¥")
            self.down.setRange(0, 100_000_000)
            self.down.setSingleStep(1000)
            self.down.setValue(float(amount.yuan))
        self.down.blockSignals(False)
        self.changed.emit()

    def set_price(self, price: Money) -> None:
        self.price = price

    def down_payment(self) -> Money:
        price = getattr(self, "price", Money(0))
        if self.down_mode.currentIndex() == 1 and self.down.suffix():
            pct = Decimal(f"{self.down.value():.2f}")
            return Money.of(Decimal(price.fen) * pct / 10000)
        return _money_of(self.down)

    def set_down_payment(self, amount: Money) -> None:
        """Type an amount (switches the field to ¥)."""
        self.down_mode.setCurrentIndex(0)
        self.down.setValue(float(amount.yuan))

    def set_down_percent(self, pct: int | float) -> None:
        self.down_mode.setCurrentIndex(1)
        self.down.setValue(float(pct))

    def input(self, price: Money, category: str, is_nev: bool) -> QuoteInput:
        pattern = self.current_pattern()
        seasonal = pattern is Pattern.SEASONAL
        return QuoteInput(
            product_code=self.current_product().code,
            price=price,
            down_payment=self.down_payment(),
            term_months=int(self.term.currentData()),
            method=Method(self.method.currentData()),
            balloon=_money_of(self.balloon),
            category=category,
            is_nev=is_nev,
            optional_fees=tuple(b.property("code") for b in self.fee_boxes if b.isChecked()),
            finance_fees=self.finance_fees.isChecked(),
            start=self.start_date.date().toPython() if seasonal else None,
            pattern=pattern,
            payment_months=tuple(m for m, b in self.month_boxes.items() if b.isChecked()),
            step_every=self.step_every.value(),
            step_factor=Decimal(f"{self.step_factor.value():.2f}"),
            interest_only_months=self.io_months.value(),
        )

    def _remove_clicked(self) -> None:
        self.remove_requested.emit(self)

    # --- results ---------------------------------------------------------------------

    def show_quote(self, quote: Quote) -> None:
        self.quote = quote
        first, last = quote.rows[0].payment, quote.rows[-1].payment
        if quote.method is Method.EQUAL_PRINCIPAL or self.current_pattern() in (
                Pattern.STEP, Pattern.INTEREST_ONLY):
            self.monthly.setText(f"{money(first)} → {money(last)}")
        else:
            self.monthly.setText(money(first))
        self.apr.setText(self.tr("{0} nominal\n{1} effective").format(
            percent(quote.apr_nominal), percent(quote.apr_effective)))
        self.interest.setText(money(quote.total_interest))
        self.cost.setText(money(quote.total_cost))
        self.fees_total.setText(money(quote.upfront_fees + quote.financed_fees))
        summary = quote.summary_en if self.english else quote.summary_zh
        if quote.method is Method.BALLOON and quote.balloon.fen:
            summary += "\n" + self.tr("The last payment includes the balloon of {0}.").format(
                money(quote.balloon))
        self.summary.setText(summary)
        self.summary.show()
        self.violations.hide()
        self.violations.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= 760
        self.result_row.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                     else QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)

    def show_offer(self, pq: Any, fees: dict[str, str]) -> None:
        """The promotions applied to this plan: what they save the customer, what they
        cost the dealer (and any other funder), the guardrails' notes."""
        self.promoted = pq
        english = self.english
        offer = pq.terms.offer
        std = pq.standard
        heading = self.tr("Offers on this vehicle ({0})").format(len(offer.applied))
        lines = [f"<b>{heading}</b>"]
        for rule in offer.applied:
            lines.append(f"✔ {rule_name(rule, english)}")
        words = offer_words(offer, english, fees)
        if words:
            lines.append(f"<span style='color:#1a7f37'>{('; ' if english else '；').join(words)}</span>")
        lines.append(self.tr("Standard: {0} a month, APR {1}").format(
            money(std.rows[0].payment), percent(std.apr_effective)))
        lines.append("<b>" + self.tr("Customer saves {0} a month, {1} interest, {2} fees").format(
            money(pq.monthly_saving), money(pq.interest_saving), money(pq.fee_saving)) + "</b>")
        costs = pq.cost_by_funder()
        dealer = costs.pop("dealer", Money(0))
        cost = self.tr("Cost to the dealer: {0}").format(money(dealer))
        for funder, amount in costs.items():
            cost += " · " + self.tr("paid by {0}: {1}").format(funder_name(funder), money(amount))
        lines.append(cost)
        for note in pq.terms.notes:
            lines.append(f"<span style='color:#9a6700'>⚠ {note.en if english else note.zh}</span>")
        for skipped in offer.skipped:
            lines.append(f"<span style='color:#57606a'>✖ {skipped_words(skipped, english)}</span>")
        self.offers_text.setText("<br>".join(lines))
        self.offers_box.show()

    def show_offer_names(self, offer: Any) -> None:
        """An offer applies but the plan is not a quote: name it, so the consultant
        knows what the vehicle allows."""
        self.promoted = None
        english = self.english
        heading = self.tr("Offers on this vehicle ({0})").format(len(offer.applied))
        lines = [f"<b>{heading}</b>"]
        lines += [f"✔ {rule_name(rule, english)}" for rule in offer.applied]
        self.offers_text.setText("<br>".join(lines))
        self.offers_box.show()

    def hide_offer(self) -> None:
        self.promoted = None
        self.offers_box.hide()
        self.offers_text.clear()

    def show_problems(self, sentences: list[str]) -> None:
        self.quote = None
        for label in (self.monthly, self.apr, self.interest, self.cost, self.fees_total):
            label.setText("–")
        self.summary.hide()
        self.violations.setText("\n".join(f"• {s}" for s in sentences))
        self.violations.show()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Plan {0}").format("ABC"[self.index] if self.index < 3 else self.index + 1))
        for label, text in zip(self.labels, (
                self.tr("Product"), self.tr("Down payment"), self.tr("Term"),
                self.tr("Repayment"), self.tr("Fees")), strict=True):
            label.setText(text)
        self.balloon_label.setText(self.tr("Balloon"))
        self.pattern_label.setText(self.tr("Payment pattern"))
        for i in range(self.pattern.count()):
            self.pattern.setItemText(i, self._pattern_text(Pattern(self.pattern.itemData(i))))
        self.step_every.setPrefix(self.tr("every "))
        self.step_every.setSuffix(self.tr(" payments"))
        self.step_factor.setToolTip(self.tr("Payment factor at each step: above 1 steps up (e.g. 1.10), below 1 steps down (e.g. 0.90)"))
        self.io_months.setSuffix(self.tr(" months interest only"))
        self.months_label.setText(self.tr("Pay in"))
        self.start_label.setText(self.tr("Signed"))
        self.start_date.setToolTip(self.tr("Contract date: the term ends in its calendar month, which must be a payment month"))
        self.months_strip.setToolTip(self.tr("Calendar months with a payment (e.g. after the harvests)"))
        self.down_mode.setToolTip(self.tr("Down payment as an amount (¥) or as a share of the price (%)"))
        self.finance_fees.setText(self.tr("Finance the fees (where allowed)"))
        self.monthly_title.setText(self.tr("Monthly payment"))
        self.apr_title.setText(self.tr("Annualized rate (APR)"))
        for label, text in zip(self.figure_titles, (
                self.tr("Total interest"), self.tr("Fees total"),
                self.tr("Total cost (interest + fees)")), strict=True):
            label.setText(text)
        self.remove.setText(self.tr("Remove"))
        self.remove.setToolTip(self.tr("Remove this plan"))

    def set_language(self, english: bool) -> None:
        self.english = english
        self._fill_products()
        for i in range(self.term.count()):
            self.term.setItemText(i, self.tr("{0} months").format(self.term.itemData(i)))
        for i in range(self.method.count()):
            self.method.setItemText(i, self._method_text(Method(self.method.itemData(i))))
        self._fill_fees()

    def _method_text(self, method: Method) -> str:
        return {
            Method.EQUAL_INSTALLMENT: self.tr("Equal instalment"),
            Method.EQUAL_PRINCIPAL: self.tr("Equal principal"),
            Method.BALLOON: self.tr("Balloon"),
        }[method]


class QuotePage(Retranslatable, QWidget):
    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.catalog = services.quoting.catalog()
        self.products = list(self.catalog.products.values())
        self.stock: list[StockVehicle] = services.quoting.stock()
        self.plans: list[PlanColumn] = []
        self.exporting = False
        self.last_export: Path | None = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        self.vehicle_label = QLabel()
        self.vehicle = QComboBox()
        self.vehicle.setObjectName("vehicleCombo")
        self.vehicle.setMinimumContentsLength(28)
        self.vehicle.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.price_label = QLabel()
        self.price = _money_box("priceEdit")
        self.price.setValue(150_000)
        self.price.setMinimumWidth(140)
        self.category_label = QLabel()
        self.category = QComboBox()
        self.category.setObjectName("categoryCombo")
        self.add_button = QPushButton()
        self.add_button.setObjectName("addPlan")
        self.add_button.clicked.connect(self.add_plan)
        self.best_button = QPushButton()
        self.best_button.setObjectName("bestPlan")
        self.best_button.setShortcut(QKeySequence("Ctrl+B"))
        self.best_button.clicked.connect(self.find_best_plan)
        self.best: Any = None  # the last BestPlan found
        self.finding_best = False
        self.offer_cache: dict[tuple[str, str], Any] = {}
        vehicle_row = QHBoxLayout()
        vehicle_row.setSpacing(8)
        vehicle_row.addWidget(self.vehicle_label)
        vehicle_row.addWidget(self.vehicle, 2)
        vehicle_row.addWidget(self.price_label)
        vehicle_row.addWidget(self.price, 1)
        vehicle_row.addWidget(self.category_label)
        vehicle_row.addWidget(self.category)
        vehicle_row.addStretch(1)
        vehicle_row.addWidget(self.best_button)
        vehicle_row.addWidget(self.add_button)

        self.plans_row = QHBoxLayout()
        self.plans_row.setSpacing(10)
        plans_widget = QWidget()
        plans_widget.setLayout(self.plans_row)
        self.plans_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("plansScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(plans_widget)

        self.schedule_label = QLabel()
        self.schedule_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.schedule_plan = QComboBox()
        self.schedule_plan.setObjectName("schedulePlan")
        self.schedule_plan.currentIndexChanged.connect(self.show_schedule)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("scheduleTable")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        schedule_head = QHBoxLayout()
        schedule_head.addWidget(self.schedule_label)
        schedule_head.addWidget(self.schedule_plan)
        schedule_head.addStretch(1)
        schedule_box = QWidget()
        schedule_layout = QVBoxLayout(schedule_box)
        schedule_layout.setContentsMargins(0, 4, 0, 0)
        schedule_layout.addLayout(schedule_head)
        schedule_layout.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("quoteSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(schedule_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        schedule_box.setMinimumHeight(110)
        # The plans first: the schedule gets a few rows and can be dragged taller.
        self.splitter.setSizes([520, 140])

        self.export_status = QLabel()
        self.export_status.setObjectName("exportStatus")
        self.export_status.setWordWrap(True)
        self.export_button = QPushButton()
        self.export_button.setObjectName("primary")
        self.export_button.setShortcut(QKeySequence("Ctrl+P"))
        self.export_button.clicked.connect(self.export_pdf)
        actions = QHBoxLayout()
        actions.addWidget(self.export_status, 1)
        actions.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(vehicle_row)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(actions)

        # The engine quotes in well under a millisecond, so recomputing on the UI thread
        # is fine; the timer only waits for a pause in the typing (debounce).
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.recompute)

        self._fill_vehicles()
        self._fill_categories()
        self.vehicle.currentIndexChanged.connect(self._vehicle_changed)
        self.price.valueChanged.connect(self.schedule_recompute)
        self.category.currentIndexChanged.connect(self.schedule_recompute)
        self.add_plan()
        self.retranslate()
        self._vehicle_changed()
        self.recompute()

    # --- language --------------------------------------------------------------------

    @property
    def english(self) -> bool:
        return not self.services.settings.language.startswith("zh")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Quote"))
        self.subtitle.setText(self.tr(
            "Compare up to three plans for the customer. The annualized rate includes every fee."))
        self.vehicle_label.setText(self.tr("Vehicle"))
        self.price_label.setText(self.tr("Price"))
        self.category_label.setText(self.tr("Category"))
        self.add_button.setText(self.tr("Add plan"))
        self.best_button.setText(self.tr("Best plan for this vehicle (Ctrl+B)"))
        self.best_button.setToolTip(self.tr("The plan that costs the customer least with the offers this vehicle has, over every product and term"))
        self.schedule_label.setText(self.tr("Repayment schedule"))
        self.export_button.setText(self.tr("Export PDF… (Ctrl+P)"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Period"), self.tr("Date"), self.tr("Payment"), self.tr("Principal"),
            self.tr("Interest"), self.tr("Balance")])
        if self.vehicle.count():
            self.vehicle.setItemText(0, self.tr("Type a price"))
        for i, code in enumerate(CATEGORIES):
            if i < self.category.count():
                self.category.setItemText(i, category_name(code))
        english = self.english
        for plan in self.plans:
            plan.set_language(english)
            # The plans get their own LanguageChange after this page: retitle them now,
            # or the schedule picker keeps the old language's names.
            plan.retranslate()
        self._fill_schedule_choices()
        self.recompute()

    # --- vehicle ---------------------------------------------------------------------

    def _fill_vehicles(self) -> None:
        self.vehicle.addItem("", None)
        for v in self.stock:
            self.vehicle.addItem(f"{v.label} · {money(v.price)}", v.id)
        if self.stock:
            self.vehicle.setCurrentIndex(1)

    def _fill_categories(self) -> None:
        for code in CATEGORIES:
            self.category.addItem(category_name(code), code)

    def selected_vehicle(self) -> StockVehicle | None:
        index = self.vehicle.currentIndex()
        return self.stock[index - 1] if index > 0 else None

    def _vehicle_changed(self) -> None:
        vehicle = self.selected_vehicle()
        typed = vehicle is None
        self.offer_cache.clear()  # rules or stock may have changed meanwhile
        self.best_button.setEnabled(not typed and bool(vehicle.vin) and not self.finding_best)
        self.price.setReadOnly(not typed)
        self.category.setEnabled(typed)
        if vehicle is not None:
            self.price.blockSignals(True)
            self.price.setValue(float(vehicle.price.yuan))
            self.price.blockSignals(False)
            self.category.setCurrentIndex(max(0, self.category.findData(vehicle.category)))
        self.schedule_recompute()

    def vehicle_terms(self) -> tuple[Money, str, bool, str]:
        vehicle = self.selected_vehicle()
        if vehicle is not None:
            return vehicle.price, vehicle.category, vehicle.is_nev, vehicle.label
        category = self.category.currentData() or "new_car"
        return _money_of(self.price), category, category == "nev", ""

    # --- plans -----------------------------------------------------------------------

    def add_plan(self) -> None:
        if len(self.plans) >= MAX_PLANS:
            return
        plan = PlanColumn(self.products, self.english)
        plan.setObjectName(f"plan_{len(self.plans)}")
        if self.plans:  # a new plan compares the next product on the same terms
            previous = self.plans[-1]
            plan.product.setCurrentIndex((previous.product.currentIndex() + 1) % len(self.products))
            found = plan.term.findData(previous.term.currentData())
            if found >= 0:
                plan.term.setCurrentIndex(found)
            plan.set_down_percent(float(previous.down_payment().fen * 100 / max(1, previous.price.fen))
                                  if getattr(previous, "price", None) else 30)
        plan.changed.connect(self.schedule_recompute)
        plan.remove_requested.connect(self.remove_plan)
        self.plans.append(plan)
        self.plans_row.addWidget(plan, 1)
        self._renumber()
        self.recompute()

    def remove_plan(self, plan: PlanColumn) -> None:
        if len(self.plans) <= 1 or plan not in self.plans:
            return
        self.plans.remove(plan)
        self.plans_row.removeWidget(plan)
        plan.hide()
        plan.deleteLater()
        self._renumber()
        self.recompute()

    def _renumber(self) -> None:
        for i, plan in enumerate(self.plans):
            plan.index = i
            plan.setObjectName(f"plan_{i}")
            plan.retranslate()
            plan.remove.setVisible(len(self.plans) > 1)
        self.add_button.setEnabled(len(self.plans) < MAX_PLANS)
        self._fill_schedule_choices()

    def _fill_schedule_choices(self) -> None:
        current = max(0, self.schedule_plan.currentIndex())
        self.schedule_plan.blockSignals(True)
        self.schedule_plan.clear()
        for plan in self.plans:
            self.schedule_plan.addItem(plan.title())
        self.schedule_plan.setCurrentIndex(min(current, len(self.plans) - 1))
        self.schedule_plan.blockSignals(False)

    # --- computing -------------------------------------------------------------------

    def schedule_recompute(self) -> None:
        self.timer.start()

    def recompute(self) -> None:
        self.timer.stop()
        price, category, is_nev, _ = self.vehicle_terms()
        for plan in self.plans:
            plan.set_price(price)
            if price.fen <= 0:
                plan.show_problems([self.tr("Enter the vehicle's price.")])
                continue
            terms = plan.input(price, category, is_nev)
            offer = self.vehicle_offer(plan)
            product = plan.current_product()
            try:
                if offer is not None:
                    pq = self.promote(offer, plan, terms)
                    plan.show_quote(pq.promoted)
                    plan.show_offer(pq, fee_names(self.catalog, self.english))
                else:
                    plan.hide_offer()
                    plan.show_quote(self.services.quoting.quote(terms, self.catalog))
            except QuoteLimitError as exc:
                if offer is not None:
                    plan.show_offer_names(offer)
                    product = self._offer_product(product, offer, terms)
                plan.show_problems([self.explain(v.code, product, terms)
                                    for v in exc.violations])
            except ValueError as exc:
                if offer is not None:
                    plan.show_offer_names(offer)
                plan.show_problems([self.explain_pattern_error(exc, terms)
                                    or self.explain_error(str(exc))])
        self.export_button.setEnabled(not self.exporting and any(p.quote for p in self.plans))
        self.show_schedule()

    # --- offers ------------------------------------------------------------------------

    @staticmethod
    def today() -> date:
        return datetime.now(UTC).astimezone().date()

    def vehicle_offer(self, plan: PlanColumn) -> Any:
        """The combined offer of the selected stock vehicle for the plan's product, or
        None (typed vehicle, or no rule applies)."""
        vehicle = self.selected_vehicle()
        if vehicle is None or not vehicle.vin:
            return None
        key = (vehicle.vin, plan.current_product().code)
        if key not in self.offer_cache:
            found = self.services.promotions.offer_for(vehicle.vin, self.today(), None, key[1])
            self.offer_cache[key] = found.offer if found is not None and found.offer.applied \
                else None
        return self.offer_cache[key]

    def promote(self, offer: Any, plan: PlanColumn, terms: QuoteInput) -> Any:
        product = plan.current_product()
        quoting = self.services.quoting
        return self.services.promotions.promote(
            offer, product, price=terms.price, down_payment=terms.down_payment,
            term_months=terms.term_months, category=terms.category, is_nev=terms.is_nev,
            method=terms.method,
            fees=quoting.fees_for(product, terms.optional_fees, terms.finance_fees),
            start=terms.start,
            balloon=terms.balloon if Method(terms.method) is Method.BALLOON else None,
            **quoting.schedule_options(terms))

    @staticmethod
    def _offer_product(product: Product, offer: Any, terms: QuoteInput) -> Product:
        """The product's minimum down payment as the offer lowers it (within the LTV
        cap), so a refusal quotes the minimum that really applies."""
        ratio = getattr(offer, "down_payment_ratio", None)
        if ratio is None or ratio >= product.min_down_payment_ratio:
            return product
        cap = product.ltv_cap(terms.category, terms.is_nev)
        ratio = max(ratio, Decimal(1) - cap if cap is not None else Decimal(0))
        return dataclasses.replace(product, min_down_payment_ratio=ratio)

    def find_best_plan(self) -> None:
        vehicle = self.selected_vehicle()
        if vehicle is None or not vehicle.vin or self.finding_best:
            return
        self.finding_best = True
        self.best_button.setEnabled(False)
        self.export_status.setStyleSheet("color: #57606a;")
        self.export_status.setText(self.tr("Looking for the best plan for {0}…").format(vehicle.label))
        promotions, catalog, vin, day = self.services.promotions, self.catalog, vehicle.vin, self.today()

        def job() -> Any:
            return promotions.best_plan(vin, catalog, day)

        run_in_background(job, self._best_found, self._best_failed)

    def _best_found(self, best: Any) -> None:
        self.finding_best = False
        vehicle = self.selected_vehicle()
        self.best_button.setEnabled(vehicle is not None and bool(vehicle.vin))
        if best is None:
            self.export_status.setStyleSheet("color: #9a6700;")
            self.export_status.setText(self.tr("No product of the catalog makes a plan for this vehicle."))
            return
        plan = self.plans[0]
        plan.product.setCurrentIndex(max(0, plan.product.findData(best.product.code)))
        found = plan.term.findData(best.term_months)
        if found < 0:  # a longer term the offer adds
            plan.term.addItem(self.tr("{0} months").format(best.term_months), best.term_months)
            found = plan.term.count() - 1
        plan.term.setCurrentIndex(found)
        plan.set_pattern(Pattern.MONTHLY)
        plan.set_down_payment(best.down_payment)
        self.best = best
        english = self.english
        pro = best.quote.promoted
        self.export_status.setStyleSheet("color: #1a7f37;")
        self.export_status.setText(self.tr(
            "Best plan: {0}, {1} down, {2} months — {3} a month, APR {4}.").format(
            best.product.name_en if english else best.product.name_zh,
            money(best.down_payment), best.term_months, money(pro.rows[0].payment),
            percent(pro.apr_effective)))
        self.recompute()

    def _best_failed(self, error: Exception) -> None:
        self.finding_best = False
        self.best_button.setEnabled(self.selected_vehicle() is not None)
        self.export_status.setStyleSheet("color: #cf222e;")
        self.export_status.setText(self.tr("The best plan could not be worked out: {0}").format(describe(error)))

    def explain(self, code: str, product: Product, terms: QuoteInput) -> str:
        """A broken limit in words a consultant can act on."""
        price = terms.price
        cap = product.ltv_cap(terms.category, terms.is_nev) or Decimal(0)
        minimum = Money.of(Decimal(price.fen) * product.min_down_payment_ratio / 100)
        offered = ", ".join(str(t) for t in product.terms)
        texts = {
            "ltv_cap": self.tr("The financed share is above the cap: this product finances at most {0} of the price for this vehicle. Raise the down payment or pay the fees at signing.").format(percent(cap)),
            "min_down_payment": self.tr("The down payment is below the product's minimum of {0} ({1} of the price).").format(money(minimum), percent(product.min_down_payment_ratio)),
            "max_term": self.tr("The term is longer than allowed for this vehicle: at most {0} months.").format(product.max_term(terms.category)),
            "term_not_offered": self.tr("This product is not offered for {0} months (offered: {1}).").format(terms.term_months, offered),
            "method_not_offered": self.tr("This product does not offer this repayment method."),
            "residual_cap": self.tr("The balloon is too large: at most {0} of the price ({1}).").format(percent(product.max_residual_ratio), money(Money.of(Decimal(price.fen) * product.max_residual_ratio / 100))),
            "fee_not_financeable": self.tr("A fee that must be paid at signing was set to be financed."),
            "no_rate": self.tr("The product has no rate for this vehicle category and term: choose another term or product."),
        }
        return texts.get(code, self.tr("The quote breaks a limit of the product ({0}).").format(code))

    def explain_pattern_error(self, error: ValueError, terms: QuoteInput) -> str | None:
        """The engine's refusal of a payment pattern, in words; None for other errors."""
        message = str(error)
        if isinstance(error, NegativeAmortizationError):
            return self.tr("A payment would not cover the interest due (negative amortization): tick more payment months, choose a smaller step-up or equal principal.")
        if "seasonal payment months" in message:
            return self.tr("Tick at least one payment month for a seasonal plan.")
        if "must end in one of its payment months" in message:
            start = terms.start or datetime.now(UTC).astimezone().date()
            end = (start.month - 1 + terms.term_months) % 12 + 1
            return self.tr("A seasonal plan must end in a payment month: signed on {0}, this {1}-month term ends in month {2}. Tick month {2}, choose another term or change the signing date.").format(start.isoformat(), terms.term_months, end)
        if "step plans apply" in message:
            return self.tr("Step-up / step-down plans work with equal instalments or a balloon only: choose one of those methods.")
        if "interest-only months must be" in message:
            return self.tr("The interest-only months must be fewer than the term ({0} months).").format(terms.term_months)
        if "step plan's" in message:
            return self.tr("The step factor must be between 0.10 and 10.")
        return None

    def explain_error(self, message: str) -> str:
        if "down payment must be" in message:
            return self.tr("The down payment must be less than the price.")
        if "balloon" in message:
            return self.tr("The balloon must be smaller than the amount financed.")
        if "fees take up" in message:
            return self.tr("The fees would take up the whole credit.")
        if "interest due" in message or "cover the interest" in message:
            return self.tr("The payments would not cover the interest: change the plan.")
        return self.tr("These figures do not make a quote: {0}").format(message)

    def show_schedule(self) -> None:
        index = self.schedule_plan.currentIndex()
        plan = self.plans[index] if 0 <= index < len(self.plans) else None
        quote = plan.quote if plan is not None else None
        rows = quote.rows if quote is not None else ()
        self.table.setRowCount(len(rows))
        locale = QLocale()
        for r, row in enumerate(rows):
            cells = [str(row.period), locale.toString(row.due_date, QLocale.FormatType.ShortFormat),
                     money(row.payment), money(row.principal), money(row.interest),
                     money(Money(row.balance_fen))]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c != 1:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(r, c, item)

    # --- export ----------------------------------------------------------------------

    def valid_quotes(self) -> list[Quote]:
        return [p.quote for p in self.plans if p.quote is not None]

    def export_pdf(self) -> None:
        self.recompute()
        quotes = self.valid_quotes()
        if not quotes or self.exporting:
            return
        default = Path.home() / self.tr("Quote-{0}.pdf").format(
            datetime.now(UTC).astimezone().date().isoformat())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the quote sheet"), str(default), self.tr("PDF files (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        _, _, _, label = self.vehicle_terms()
        quoting = self.services.quoting
        # The sheet names each plan's applied promotions and their cost to the dealer.
        summarize = self.services.promotions.summary
        promotions = [summarize(p.promoted) if p.promoted is not None else None
                      for p in self.plans if p.quote is not None]
        self.exporting = True
        self.export_button.setEnabled(False)
        self.export_status.setStyleSheet("color: #57606a;")
        self.export_status.setText(self.tr("Writing the quote sheet…"))

        def job() -> Path:
            return quoting.export_pdf(quotes, quoting.dealer_name(), path, label, promotions)

        run_in_background(job, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        self.exporting = False
        self.last_export = path
        self.export_status.setStyleSheet("color: #1a7f37;")
        self.export_status.setText(self.tr("Quote sheet saved: {0}").format(path))
        self.recompute()

    def _export_failed(self, error: Exception) -> None:
        self.exporting = False
        self.export_status.setStyleSheet("color: #cf222e;")
        self.export_status.setText(self.tr("The quote sheet could not be saved: {0} The quote is still here; try another folder.").format(describe(error)))
        self.recompute()
