"""Requote a conditional approval: the lessor's conditions, the application's figures,
new ones worked out as they are typed (same engine as the quote page), and Resubmit,
which queues the new figures for the lessor to decide again."""

from __future__ import annotations

import functools
from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.app import DeskServices
from showroom_app.services.applications import ApplicationDetail
from showroom_app.services.quoting import QuoteInput
from showroom_app.services.submission import quote_terms
from ui.errors import describe
from ui.pages.prescore import AMBER, GREEN, GREY, RED, money_text, parse_money, today
from ui.widgets import Retranslatable, run_in_background


class RequoteDialog(Retranslatable, QDialog):
    def __init__(self, services: DeskServices, user: User, detail: ApplicationDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requoteDialog")
        self.services, self.user, self.detail = services, user, detail
        self.catalog = services.quoting.catalog()
        self.product = self.catalog.products.get(detail.product_code or "")
        self.quote: Any = None
        self.busy = False
        # The repayment method and fees the application was submitted with stay as they
        # were; so do its vehicle and the vehicle's promotion where it still applies.
        submitted = services.applications.draft(user, detail.id).get("quote") or {}
        self.vehicle = dict(submitted.get("vehicle") or {})
        self.method = str(submitted.get("method") or "equal_installment")
        fees = submitted.get("fees") or []
        self.optional_fees = tuple(str(f["code"]) for f in fees)
        self.finance_fees = any(f.get("financed") for f in fees)
        self.offer = None
        if detail.vin and self.product is not None:
            found = services.promotions.offer_for(detail.vin, today(), None, self.product.code)
            self.offer = found.offer if found is not None and found.offer.applied else None
        english = not services.settings.language.startswith("zh")
        self.english = english

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.conditions = QLabel()
        self.conditions.setObjectName("requoteConditions")
        self.conditions.setWordWrap(True)
        self.conditions.setStyleSheet(
            "QLabel { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; "
            "padding: 8px; }")
        self.current = QLabel()
        self.current.setStyleSheet(f"color: {GREY};")
        self.down = QLineEdit(money_text(detail.down_payment))
        self.down.setObjectName("requoteDown")
        self.down.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.down_share = QLabel()
        self.term = QComboBox()
        self.term.setObjectName("requoteTerm")
        for months in (self.product.terms if self.product else (detail.term_months,)):
            self.term.addItem("", months)
        self.term.setCurrentIndex(max(0, self.term.findData(detail.term_months)))
        self.note = QLineEdit()
        self.note.setObjectName("requoteNote")
        self.note.setMaxLength(500)
        self.result = QLabel()
        self.result.setObjectName("requoteResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.down_label, self.term_label, self.note_label = QLabel(), QLabel(), QLabel()
        self.down_label.setBuddy(self.down)
        self.term_label.setBuddy(self.term)
        self.note_label.setBuddy(self.note)
        form = QFormLayout()
        form.addRow(self.down_label, self.down)
        form.addRow(QLabel(), self.down_share)
        form.addRow(self.term_label, self.term)
        form.addRow(self.note_label, self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.resubmit = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.resubmit.setObjectName("primary")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.conditions)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.down.textChanged.connect(self.recompute)
        self.term.currentIndexChanged.connect(self.recompute)
        self.setMinimumWidth(520)
        self.retranslate()
        self.down.selectAll()
        self.down.setFocus()

    def _words(self, item: dict[str, Any]) -> str:
        return str(item.get("en" if self.english else "zh") or item.get("zh") or "")

    def min_down_ratio(self) -> Decimal | None:
        """The lessor's down-payment condition, when it set one."""
        for c in self.detail.conditions:
            if c.get("code") == "min_down_payment_ratio":
                try:
                    return Decimal(str(c.get("value")).rstrip("%")) / (
                        100 if "%" in str(c.get("value")) else 1)
                except ArithmeticError:
                    return None
        return None

    def recompute(self) -> None:
        self.quote = None
        d = self.detail
        try:
            amount = parse_money(self.down.text())
        except ValueError:
            amount = None
        if amount is None or self.product is None:
            self._show(self.tr("Write the new down payment in yuan, e.g. 45,000."), RED)
            return
        down = Money.of(amount)
        share = Decimal(down.fen) / Decimal(max(1, d.vehicle_price.fen))
        self.down_share.setText(self.tr("{0:.1f} % of the price {1}").format(
            share * 100, money_text(d.vehicle_price)))
        quoting = self.services.quoting
        try:
            if self.offer is not None:
                self.quote = self.services.promotions.promote(
                    self.offer, self.product, price=d.vehicle_price, down_payment=down,
                    term_months=int(self.term.currentData()), category=d.category or "new_car",
                    is_nev=d.is_nev, method=self.method,
                    fees=quoting.fees_for(self.product, self.optional_fees,
                                          self.finance_fees)).promoted
            else:
                self.quote = quoting.quote(QuoteInput(
                    product_code=self.product.code, price=d.vehicle_price, down_payment=down,
                    term_months=int(self.term.currentData()), method=self.method,
                    category=d.category or "new_car", is_nev=d.is_nev,
                    optional_fees=self.optional_fees, finance_fees=self.finance_fees),
                    self.catalog)
        except ValueError as exc:
            self._show(self.tr("These figures make no plan: {0}").format(exc), RED)
            return
        q = self.quote
        lines = [self.tr("Monthly payment {0}, APR {1:.2f} % (all fees), financed {2}").format(
            money_text(q.rows[0].payment), q.apr.nominal * 100, money_text(q.financed_amount))]
        ratio = self.min_down_ratio()
        colour = GREEN
        if ratio is not None and share < ratio:
            lines.append("✖ " + self.tr("Below the lessor's condition of {0:.0f} % down: "
                                        "it will not be met.").format(ratio * 100))
            colour = AMBER
        elif ratio is not None:
            lines.append("✔ " + self.tr("Meets the lessor's condition of {0:.0f} % down.")
                         .format(ratio * 100))
        self._show("<br>".join(lines), colour)

    def _show(self, text: str, colour: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {colour};")
        self.resubmit.setEnabled(self.quote is not None and not self.busy)

    def submit(self) -> None:
        if self.quote is None or self.busy:
            return
        d = self.detail
        make, _, model = d.vehicle.partition(" ")
        v = self.vehicle
        terms = quote_terms(self.quote, v.get("inventory_item_id"), v.get("vin") or d.vin,
                            v.get("make") or make, v.get("model") or model or make, d.is_nev)
        self.busy = True
        self.resubmit.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        run_in_background(functools.partial(self.services.applications.requote, self.user,
                                            d.id, terms, self.note.text()),
                          self._done, self._failed)

    def reject(self) -> None:
        # The requote is already on its way into the outbox: it cannot be called back.
        if not self.busy:
            super().reject()

    def _done(self, _key: str) -> None:
        self.busy = False
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self._show(self.tr("Not resubmitted: {0} The figures are still here.").format(
            describe(error)), RED)

    def retranslate(self) -> None:
        d = self.detail
        self.setWindowTitle(self.tr("Requote {0}").format(d.reference))
        self.heading.setText(self.tr("The lessor approves {0} on conditions").format(
            d.reference))
        items = "".join(f"<li>{escape(self._words(c))}</li>" for c in d.conditions) or \
            f"<li>{escape(self.tr('(no condition given)'))}</li>"
        self.conditions.setText(f"<ul style='margin:0'>{items}</ul>")
        self.current.setText(self.tr("Now: price {0}, down payment {1}, {2} months").format(
            money_text(d.vehicle_price), money_text(d.down_payment), d.term_months))
        self.down_label.setText(self.tr("New down payment"))
        self.term_label.setText(self.tr("Term"))
        self.note_label.setText(self.tr("Note to the lessor"))
        self.note.setPlaceholderText(self.tr("e.g. the customer puts 30 % down"))
        for i in range(self.term.count()):
            self.term.setItemText(i, self.tr("{0} months").format(self.term.itemData(i)))
        self.resubmit.setText(self.tr("Resubmit to the lessor"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.recompute()
