"""The new-application wizard's own steps: who applies, their contact details, the
vehicle and plan taken, the separate consent signed on screen, and the review before
submitting. Documents and the pre-score are pages of their own (capture.py,
prescore.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import CustomerType, DocumentType
from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.app import DeskServices
from showroom_app.services.quoting import Quote
from showroom_app.services.submission import (
    Contact,
    Duplicate,
    Missing,
    quote_terms,
)
from ui.pages.prescore import AMBER, GREEN, GREY, RED, money_text
from ui.pages.quote import QuotePage
from ui.signature_pad import SignaturePad
from ui.style import status_text
from ui.widgets import Retranslatable

_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def _title() -> tuple[QLabel, QLabel]:
    title = QLabel()
    title.setObjectName("pageTitle")
    subtitle = QLabel()
    subtitle.setObjectName("pageSubtitle")
    subtitle.setWordWrap(True)
    return title, subtitle


def document_name(kind: DocumentType) -> str:
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    return {
        DocumentType.ID_CARD_FRONT: translate("Wizard", "ID card, photo side"),
        DocumentType.ID_CARD_BACK: translate("Wizard", "ID card, emblem side"),
        DocumentType.BUSINESS_LICENCE: translate("Wizard", "Business licence"),
        DocumentType.DRIVING_LICENCE: translate("Wizard", "Driving licence"),
        DocumentType.VEHICLE_LICENCE: translate("Wizard", "Vehicle licence"),
        DocumentType.BANK_CARD: translate("Wizard", "Bank card"),
        DocumentType.INCOME_PROOF: translate("Wizard", "Proof of income"),
        DocumentType.CONSENT: translate("Wizard", "Signed consent"),
    }.get(kind, kind.value)


# --- 1. customer type -------------------------------------------------------------------


class CustomerStep(Retranslatable, QWidget):
    """Individual, company or farmer; and the consultant's unfinished drafts, which a
    crash or a power cut may have interrupted."""

    resume_requested = Signal(str)
    chosen = Signal()

    TYPES = (CustomerType.INDIVIDUAL, CustomerType.COMPANY, CustomerType.FARMER)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.subtitle = _title()
        self.group = QButtonGroup(self)
        self.buttons: dict[CustomerType, QRadioButton] = {}
        self.notes: dict[CustomerType, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for row, kind in enumerate(self.TYPES):
            button = QRadioButton()
            button.setObjectName(f"customer_{kind.value}")
            button.setStyleSheet("QRadioButton { font-size: 15px; font-weight: 600; }")
            self.group.addButton(button, row)
            note = QLabel()
            note.setStyleSheet(f"color: {GREY};")
            note.setWordWrap(True)
            self.buttons[kind], self.notes[kind] = button, note
            grid.addWidget(button, row * 2, 0)
            grid.addWidget(note, row * 2 + 1, 0)
            grid.setRowMinimumHeight(row * 2 + 1, 28)
        self.buttons[CustomerType.INDIVIDUAL].setChecked(True)
        self.group.idToggled.connect(self._toggled)

        self.drafts_label = QLabel()
        self.drafts_label.setStyleSheet("font-weight: 600;")
        self.drafts = QListWidget()
        self.drafts.setObjectName("unfinishedDrafts")
        self.drafts.setMaximumHeight(120)
        self.drafts.itemActivated.connect(self._activated)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("resumeDraft")
        self.resume_button.clicked.connect(self._resume_clicked)
        drafts_row = QHBoxLayout()
        drafts_row.addWidget(self.drafts, 1)
        drafts_row.addWidget(self.resume_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(self.drafts_label)
        layout.addLayout(drafts_row)
        layout.addStretch(1)
        for i in range(3):
            shortcut = QShortcut(QKeySequence(str(i + 1)), self)
            shortcut.setObjectName(f"type:{i}")
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._key)
        self.show_drafts([])
        self.retranslate()

    def customer_type(self) -> CustomerType:
        return self.TYPES[max(0, self.group.checkedId())]

    def set_customer_type(self, kind: CustomerType) -> None:
        self.buttons[kind].setChecked(True)

    def _toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.chosen.emit()

    def _key(self) -> None:
        self.group.button(int(self.sender().objectName().removeprefix("type:"))).setChecked(True)

    def show_drafts(self, drafts: list[tuple[str, str, datetime]]) -> None:
        self.drafts.clear()
        for app_id, reference, changed in drafts:
            item = QListWidgetItem(f"{reference}   {changed.astimezone():%m-%d %H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, app_id)
            self.drafts.addItem(item)
        for widget in (self.drafts_label, self.drafts, self.resume_button):
            widget.setVisible(bool(drafts))
        if drafts:
            self.drafts.setCurrentRow(0)

    def _activated(self, item: QListWidgetItem) -> None:
        self.resume_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def _resume_clicked(self) -> None:
        item = self.drafts.currentItem()
        if item is not None:
            self._activated(item)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Who is applying?"))
        self.subtitle.setText(self.tr("Keys 1, 2, 3 choose; Ctrl+PgDown goes on. The documents "
                                      "to capture follow from the choice."))
        words = {
            CustomerType.INDIVIDUAL: (self.tr("1  Individual"),
                                      self.tr("A private buyer: ID card, both sides.")),
            CustomerType.COMPANY: (self.tr("2  Company or fleet"),
                                   self.tr("Business licence, and the legal representative's "
                                           "ID card.")),
            CustomerType.FARMER: (self.tr("3  Farmer"),
                                  self.tr("ID card, both sides; seasonal plans for farm "
                                          "machinery.")),
        }
        for kind, (name, note) in words.items():
            self.buttons[kind].setText(name)
            self.notes[kind].setText(note)
        self.drafts_label.setText(self.tr("Unfinished drafts (a crash or a power cut loses "
                                          "nothing): continue one?"))
        self.resume_button.setText(self.tr("Continue"))


# --- 3. contact ----------------------------------------------------------------------------


class ContactStep(Retranslatable, QWidget):
    """The applicant's name, ID number, address and mobile: the ID card fills the first
    three (checked against the card by the consultant in step 2), the mobile is typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customer_type = CustomerType.INDIVIDUAL
        self.title, self.subtitle = _title()
        self.name = QLineEdit()
        self.name.setObjectName("contactName")
        self.id_number = QLineEdit()
        self.id_number.setObjectName("contactIdNumber")
        self.id_number.setMaxLength(18)
        self.phone = QLineEdit()
        self.phone.setObjectName("contactPhone")
        self.phone.setMaxLength(13)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.address = QLineEdit()
        self.address.setObjectName("contactAddress")
        self.company_name = QLineEdit()
        self.company_name.setObjectName("contactCompany")
        self.uscc = QLineEdit()
        self.uscc.setObjectName("contactUscc")
        self.uscc.setMaxLength(18)
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors = {"company_name": self.company_name, "uscc": self.uscc,
                        "name": self.name, "id_number": self.id_number,
                        "phone": self.phone, "address": self.address}
        for key, editor in self.editors.items():
            label = QLabel()
            label.setBuddy(editor)
            message = QLabel()
            message.setObjectName(f"contactMessage_{key}")
            message.setWordWrap(True)
            message.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(message)
            form.addRow(label, box)
            self.labels[key], self.messages[key], self.rows[key] = label, message, box
            editor.textEdited.connect(self._edited)
        self.form = form
        holder = QWidget()
        holder.setLayout(form)
        holder.setMaximumWidth(720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(holder)
        layout.addStretch(1)
        self.set_customer_type(CustomerType.INDIVIDUAL)
        self.retranslate()

    def set_customer_type(self, kind: CustomerType) -> None:
        self.customer_type = kind
        company = kind is CustomerType.COMPANY
        for key in ("company_name", "uscc"):
            self.form.setRowVisible(self.rows[key], company)
        self.retranslate()

    def take_document(self, kind: str, values: dict) -> None:
        """A confirmed document fills what it prints; what the consultant typed over
        stays typed."""
        if kind == "id_front":
            for key in ("name", "id_number", "address"):
                value = str(values.get(key) or "").strip()
                if value:
                    self.editors[key].setText(value.upper() if key == "id_number" else value)
        elif kind == "business_license":
            for key, source in (("company_name", "name"), ("uscc", "uscc")):
                value = str(values.get(source) or "").strip()
                if value:
                    self.editors[key].setText(value)
            rep = str(values.get("legal_representative") or "").strip()
            if rep and not self.name.text().strip():
                self.name.setText(rep)
        self._check()

    def fill(self, contact: Contact) -> None:
        for key in self.editors:
            self.editors[key].setText(getattr(contact, key) or "")
        self._check()

    def contact(self) -> Contact:
        def text(key: str) -> str | None:
            return "".join(self.editors[key].text().split()) if key in (
                "id_number", "phone", "uscc") else self.editors[key].text().strip()

        return Contact(name=text("name") or "", id_number=(text("id_number") or "").upper()
                       or None, phone=text("phone") or None, address=text("address") or None,
                       company_name=text("company_name") or None,
                       uscc=(text("uscc") or "").upper() or None)

    def say(self, key: str, text: str, colour: str = RED) -> None:
        message = self.messages.get(key)
        if message is None:
            return
        message.setText(text)
        message.setStyleSheet(f"color: {colour};")
        message.setVisible(bool(text))

    def _edited(self, _text: str) -> None:
        self._check()

    def _check(self) -> None:
        """Say at once what central would refuse; the service checks again on saving."""
        c = self.contact()
        self.say("name", "" if c.name else self.tr("Required."), AMBER)
        phone = c.phone or ""
        if not phone:
            self.say("phone", self.tr("Required: the lessor calls the customer on it."), AMBER)
        elif not re.fullmatch(r"1[3-9]\d{9}", phone):
            self.say("phone", self.tr("A mobile number has 11 digits and starts with 13–19."))
        else:
            self.say("phone", "")
        number = c.id_number or ""
        if not number:
            self.say("id_number", self.tr("Required: confirm the ID card in step 2, or type "
                                          "it."), AMBER)
        elif not re.fullmatch(r"\d{17}[\dX]", number):
            self.say("id_number", self.tr("17 digits and a last digit or X."))
        elif not _id_check_ok(number):
            self.say("id_number", "✖ " + self.tr("The check character is wrong: compare the "
                                                 "number with the card."))
        else:
            self.say("id_number", "✔ " + self.tr("Check character correct."), GREEN)
        if self.customer_type is CustomerType.COMPANY:
            self.say("uscc", "" if re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", c.uscc or "")
                     else self.tr("18 characters, from the business licence."), AMBER)
            self.say("company_name", "" if c.company_name else self.tr("Required."), AMBER)

    def refusal(self, key: str) -> str:
        """What the service refused in a field, in the consultant's language."""
        return {
            "name": self.tr("Required (at most 100 characters)."),
            "phone": self.tr("A mobile number has 11 digits and starts with 13–19."),
            "id_number": self.tr("17 digits and a last digit or X."),
            "uscc": self.tr("18 characters, from the business licence."),
            "company_name": self.tr("At most 200 characters."),
        }.get(key, "")

    def problems(self) -> list[str]:
        """Malformed values, which keep the consultant on the step (a required field
        may stay empty for now: the review lists it)."""
        c = self.contact()
        out = []
        if c.phone and not re.fullmatch(r"1[3-9]\d{9}", c.phone):
            out.append("phone")
        if c.id_number and not re.fullmatch(r"\d{17}[\dX]", c.id_number):
            out.append("id_number")
        if c.uscc and not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", c.uscc):
            out.append("uscc")
        return out

    def retranslate(self) -> None:
        company = self.customer_type is CustomerType.COMPANY
        self.title.setText(self.tr("Contact"))
        self.subtitle.setText(
            self.tr("Filled from the confirmed documents; type the mobile number. For a "
                    "company, name and ID number are the legal representative's.")
            if company else
            self.tr("Filled from the confirmed ID card; type the mobile number."))
        words = {"company_name": self.tr("Company name"),
                 "uscc": self.tr("Unified social credit code"),
                 "name": self.tr("Legal representative") if company else self.tr("Name"),
                 "id_number": self.tr("ID number"), "phone": self.tr("Mobile"),
                 "address": self.tr("Address")}
        for key, word in words.items():
            self.labels[key].setText(word)
        self.phone.setPlaceholderText(self.tr("e.g. 13812345678"))
        if hasattr(self, "editors"):
            self._check()


def _id_check_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


# --- 4. vehicle and quote --------------------------------------------------------------------


class QuoteStep(Retranslatable, QWidget):
    """The quote page (plans side by side, with offers) plus what an application needs
    of a vehicle not in stock, and which plan the customer takes."""

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = QuotePage(services, user)
        self.page.setObjectName("wizardQuote")
        self.vin = QLineEdit()
        self.vin.setObjectName("typedVin")
        self.vin.setMaxLength(17)
        self.make = QLineEdit()
        self.make.setObjectName("typedMake")
        self.model = QLineEdit()
        self.model.setObjectName("typedModel")
        self.vin_label, self.make_label, self.model_label = QLabel(), QLabel(), QLabel()
        self.vin_label.setBuddy(self.vin)
        self.make_label.setBuddy(self.make)
        self.model_label.setBuddy(self.model)
        self.stock_note = QLabel()
        self.stock_note.setObjectName("stockNote")
        self.stock_note.setStyleSheet(f"color: {GREY};")
        self.plan_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("chosenPlan")
        self.plan_label.setBuddy(self.plan_combo)
        # A company may finance several vehicles in one application: the ones added
        # here, and the one on the page.
        self.fleet: list[dict[str, Any]] = []
        self.fleet_box = QWidget()
        self.fleet_box.setObjectName("fleetBox")
        self.fleet_label = QLabel()
        self.fleet_list = QListWidget()
        self.fleet_list.setObjectName("fleetList")
        self.fleet_list.setMaximumHeight(72)
        self.add_vehicle = QPushButton()
        self.add_vehicle.setObjectName("addFleetVehicle")
        self.add_vehicle.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.add_vehicle.clicked.connect(self.add_to_fleet)
        self.remove_vehicle = QPushButton()
        self.remove_vehicle.setObjectName("removeFleetVehicle")
        self.remove_vehicle.clicked.connect(self.remove_from_fleet)
        self.fleet_note = QLabel()
        self.fleet_note.setObjectName("fleetNote")
        self.fleet_note.setWordWrap(True)
        fleet_buttons = QVBoxLayout()
        fleet_buttons.addWidget(self.add_vehicle)
        fleet_buttons.addWidget(self.remove_vehicle)
        fleet_row = QHBoxLayout(self.fleet_box)
        fleet_row.setContentsMargins(24, 0, 24, 4)
        fleet_left = QVBoxLayout()
        fleet_left.addWidget(self.fleet_label)
        fleet_left.addWidget(self.fleet_list)
        fleet_left.addWidget(self.fleet_note)
        fleet_row.addLayout(fleet_left, 1)
        fleet_row.addLayout(fleet_buttons)
        self.fleet_box.hide()
        self.typed = QWidget()
        typed = QHBoxLayout(self.typed)
        typed.setContentsMargins(0, 0, 0, 0)
        for label, editor, stretch in ((self.vin_label, self.vin, 3),
                                       (self.make_label, self.make, 2),
                                       (self.model_label, self.model, 2)):
            typed.addWidget(label)
            typed.addWidget(editor, stretch)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(24, 0, 24, 6)
        bottom.addWidget(self.typed, 1)
        bottom.addWidget(self.stock_note, 1)
        bottom.addSpacing(16)
        bottom.addWidget(self.plan_label)
        bottom.addWidget(self.plan_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.page, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.fleet_box)
        self.page.vehicle.currentIndexChanged.connect(self._vehicle_changed)
        self.vin.textEdited.connect(self._vin_edited)
        self._vehicle_changed()
        self.retranslate()

    def set_customer_type(self, kind: CustomerType) -> None:
        self.fleet_box.setVisible(kind is CustomerType.COMPANY)

    def add_to_fleet(self) -> None:
        """The vehicle and plan on the page join the application; the page is free for
        the next vehicle."""
        terms = self.terms()
        wrong = self.problems()
        if terms is None or wrong:
            self._fleet_say(self.tr("Make a valid plan with the vehicle's VIN first."), RED)
            return
        vin = terms["vehicle"]["vin"]
        if any(v["vehicle"]["vin"] == vin for v in self.fleet):
            self._fleet_say(self.tr("This vehicle is already in the application."), RED)
            return
        self.fleet.append(terms)
        self.show_fleet()
        self._fleet_say(self.tr("Added. Choose the next vehicle, or go on: the vehicle on the "
                                "page goes with them."), GREEN)

    def remove_from_fleet(self) -> None:
        row = self.fleet_list.currentRow()
        if 0 <= row < len(self.fleet):
            del self.fleet[row]
            self.show_fleet()

    def show_fleet(self) -> None:
        self.fleet_list.clear()
        for i, terms in enumerate(self.fleet, start=2):
            v = terms["vehicle"]
            self.fleet_list.addItem(self.tr("{0}. {1} {2} · VIN {3} · {4} down, {5} months")
                                    .format(i, v["make"], v["model"], v["vin"],
                                            money_or_dash(terms["down_payment_fen"]),
                                            terms["term_months"]))
        self.remove_vehicle.setEnabled(bool(self.fleet))
        self.fleet_label.setText(self.tr("Other vehicles in this application: {0}").format(
            len(self.fleet)) if self.fleet else self.tr("One vehicle so far: add more for a "
                                                        "fleet."))

    def _fleet_say(self, text: str, colour: str) -> None:
        self.fleet_note.setText(text)
        self.fleet_note.setStyleSheet(f"color: {colour};")

    # QuoteSource for the pre-score step: the plan the customer takes comes first.
    @property
    def plans(self) -> list[Any]:
        return self.page.plans

    def vehicle_terms(self) -> tuple[Money, str, bool, str]:
        return self.page.vehicle_terms()

    def valid_quotes(self) -> list[Quote]:
        quotes = self.page.valid_quotes()
        chosen = self.chosen_quote()
        if chosen is not None:
            quotes = [chosen] + [q for q in quotes if q is not chosen]
        return quotes

    def chosen_plan(self) -> Any:
        self.refresh_plans()
        index = self.plan_combo.currentData()
        if index is None or index >= len(self.page.plans):
            return None
        return self.page.plans[index]

    def chosen_quote(self) -> Quote | None:
        plan = self.chosen_plan()
        return getattr(plan, "quote", None) if plan is not None else None

    def refresh_plans(self) -> None:
        current = self.plan_combo.currentData()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for i, plan in enumerate(self.page.plans):
            if getattr(plan, "quote", None) is not None:
                self.plan_combo.addItem(self.tr("Plan {0}").format("ABC"[i]), i)
        found = self.plan_combo.findData(current)
        self.plan_combo.setCurrentIndex(max(0, found))
        self.plan_combo.blockSignals(False)

    def _vehicle_changed(self, _index: int = 0) -> None:
        vehicle = self.page.selected_vehicle()
        # A stock record without its VIN (typed in by hand, say) needs it typed here.
        needs_vin = vehicle is None or not vehicle.vin
        self.typed.setVisible(needs_vin)
        self.stock_note.setVisible(not needs_vin)
        if vehicle is not None and not vehicle.vin:
            make, _, model = vehicle.label.partition(" ")
            self.make.setText(self.make.text() or make)
            self.model.setText(self.model.text() or model or make)
        if vehicle is not None and vehicle.vin:
            self.stock_note.setText(self.tr("From stock: {0}, VIN {1}").format(
                vehicle.label, vehicle.vin))

    def _vin_edited(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            position = self.vin.cursorPosition()
            self.vin.setText(upper)
            self.vin.setCursorPosition(position)

    def terms(self) -> dict[str, Any] | None:
        """The chosen plan's figures and vehicle as the draft keeps them."""
        plan = self.chosen_plan()
        quote = getattr(plan, "quote", None) if plan is not None else None
        if quote is None:
            return None
        vehicle = self.page.selected_vehicle()
        if vehicle is not None:
            make, _, model = vehicle.label.partition(" ")
            return quote_terms(quote, vehicle.id, vehicle.vin or self.vin.text(), make,
                               model or make, vehicle.is_nev)
        return quote_terms(quote, None, self.vin.text(), self.make.text(), self.model.text(),
                           quote.category == "nev")

    def chosen_promotion(self) -> Any:
        """The chosen plan's PromotedQuote while the plan shows the promoted figures."""
        plan = self.chosen_plan()
        promoted = getattr(plan, "promoted", None) if plan is not None else None
        if promoted is not None and promoted.promoted is getattr(plan, "quote", None):
            return promoted
        return None

    def plan_settings(self) -> dict[str, Any]:
        """Enough of the page to put it back on resume: the vehicle, and per plan its
        product, down payment and term."""
        vehicle = self.page.selected_vehicle()
        plans = []
        for plan in self.page.plans:
            plans.append({"product": plan.current_product().code,
                          "down_fen": plan.down_payment().fen,
                          "term": plan.term.currentData()})
        return {"inventory_item_id": vehicle.id if vehicle else None,
                "price_text": self.page.price.text(), "plans": plans,
                "chosen": self.plan_combo.currentData() or 0,
                "vin": self.vin.text(), "make": self.make.text(), "model": self.model.text()}

    def restore(self, settings: dict[str, Any]) -> None:
        page = self.page
        wanted = settings.get("inventory_item_id")
        for i in range(page.vehicle.count()):
            data = page.vehicle.itemData(i)
            if (wanted is None and data is None) or (wanted and data == wanted):
                page.vehicle.setCurrentIndex(i)
                break
        if wanted is None and settings.get("price_text"):
            page.price.setText(settings["price_text"])
        for _ in range(len(settings.get("plans") or []) - len(page.plans)):
            page.add_plan()
        for plan, saved in zip(page.plans, settings.get("plans") or [], strict=False):
            index = plan.product.findData(saved.get("product"))
            if index >= 0:
                plan.product.setCurrentIndex(index)
            term = plan.term.findData(saved.get("term"))
            if term >= 0:
                plan.term.setCurrentIndex(term)
            plan.set_down_payment(Money(int(saved.get("down_fen") or 0)))
        self.vin.setText(settings.get("vin") or "")
        self.make.setText(settings.get("make") or "")
        self.model.setText(settings.get("model") or "")
        page.recompute()
        self.refresh_plans()
        chosen = self.plan_combo.findData(settings.get("chosen") or 0)
        if chosen >= 0:
            self.plan_combo.setCurrentIndex(chosen)

    def problems(self) -> list[str]:
        out = []
        if self.chosen_quote() is None:
            out.append("quote")
        vehicle = self.page.selected_vehicle()
        if vehicle is None or not vehicle.vin:
            if not _VIN.match(self.vin.text().strip().upper()):
                out.append("vin")
            if not self.make.text().strip() or not self.model.text().strip():
                out.append("make_model")
        return out

    def retranslate(self) -> None:
        self.vin_label.setText(self.tr("VIN"))
        self.make_label.setText(self.tr("Make"))
        self.model_label.setText(self.tr("Model"))
        self.vin.setPlaceholderText(self.tr("17 characters, no I, O or Q"))
        self.plan_label.setText(self.tr("The customer takes"))
        self.add_vehicle.setText(self.tr("Add this vehicle (Ctrl+Shift+A)"))
        self.remove_vehicle.setText(self.tr("Remove"))
        self.refresh_plans()
        self._vehicle_changed()
        self.show_fleet()


# --- 6. consent ----------------------------------------------------------------------------


class ConsentStep(Retranslatable, QWidget):
    """PIPL Art. 29: a separate consent for sensitive personal information, and the
    authorisation of the credit inquiry, each ticked, then signed by the customer."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.subtitle = _title()
        self.text = QLabel()
        self.text.setObjectName("consentText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setStyleSheet("QLabel { background: white; border: 1px solid #d0d7de; "
                                "border-radius: 6px; padding: 10px; }")
        self.sensitive = QCheckBox()
        self.sensitive.setObjectName("consentSensitive")
        self.credit = QCheckBox()
        self.credit.setObjectName("consentCredit")
        self.pad = SignaturePad()
        self.pad.setObjectName("consentPad")
        self.pad.setMinimumHeight(150)
        self.signer_label = QLabel()
        self.signer = QLineEdit()
        self.signer.setObjectName("consentSigner")
        self.signer_label.setBuddy(self.signer)
        self.undo = QPushButton()
        self.undo.setObjectName("consentUndo")
        self.undo.clicked.connect(self.pad.undo)
        self.clear = QPushButton()
        self.clear.setObjectName("consentClear")
        self.clear.clicked.connect(self.pad.clear)
        self.state = QLabel()
        self.state.setObjectName("consentState")
        self.state.setWordWrap(True)
        self.recorded_key: tuple | None = None  # what was stored last, to store changes only
        self.kept_at: str | None = None  # when a consent was stored (a reopened draft's too)
        signer_row = QHBoxLayout()
        signer_row.addWidget(self.signer_label)
        signer_row.addWidget(self.signer, 1)
        signer_row.addSpacing(16)
        signer_row.addWidget(self.undo)
        signer_row.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.text)
        layout.addWidget(self.sensitive)
        layout.addWidget(self.credit)
        layout.addWidget(self.pad, 1)
        layout.addLayout(signer_row)
        layout.addWidget(self.state)
        for signal in (self.sensitive.toggled, self.credit.toggled):
            signal.connect(self._changed)
        self.pad.changed.connect(self._changed)
        self.signer.textEdited.connect(self._changed)
        self.retranslate()

    def _changed(self, *_args: object) -> None:
        self.show_state()
        self.changed.emit()

    def complete(self) -> bool:
        return (self.sensitive.isChecked() and self.credit.isChecked()
                and not self.pad.is_empty() and bool(self.signer.text().strip()))

    def key(self) -> tuple:
        return (self.signer.text().strip(), tuple(tuple((p["x"], p["y"]) for p in s)
                                                  for s in self.pad.strokes))

    def show_state(self, recorded: bool | None = None) -> None:
        if recorded:
            self.recorded_key = self.key()
        done = self.recorded_key is not None and self.recorded_key == self.key() \
            and self.complete()
        if self.kept_at and self.pad.is_empty() and not done:
            # A reopened draft: the signature is stored, not redrawn on the pad.
            self.state.setText("✔ " + self.tr("Consent signed on {0} and kept; the customer "
                                              "may sign again to replace it.").format(
                                                  self.kept_at[:16].replace("T", " ")))
            self.state.setStyleSheet(f"color: {GREEN};")
        elif done:
            self.state.setText("✔ " + self.tr("Consent signed and kept with the application."))
            self.state.setStyleSheet(f"color: {GREEN};")
        elif not (self.sensitive.isChecked() and self.credit.isChecked()):
            self.state.setText(self.tr("The customer ticks both consents, then signs."))
            self.state.setStyleSheet(f"color: {AMBER};")
        elif self.pad.is_empty():
            self.state.setText(self.tr("Waiting for the customer's signature in the white box."))
            self.state.setStyleSheet(f"color: {AMBER};")
        elif not self.signer.text().strip():
            self.state.setText(self.tr("Type the signer's name as on the ID card."))
            self.state.setStyleSheet(f"color: {AMBER};")
        else:
            self.state.setText(self.tr("Signed: it is kept when you go on."))
            self.state.setStyleSheet(f"color: {GREY};")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Consent"))
        self.subtitle.setText(self.tr("Turn the screen to the customer. Each consent is "
                                      "separate, and the customer may refuse either; "
                                      "without both the lessor cannot decide."))
        self.text.setText(self.tr(
            "<b>Consent to the processing of sensitive personal information</b> (Personal "
            "Information Protection Law, Art. 29): I agree that my ID number, ID card "
            "images, financial accounts and income are processed by the dealer and the "
            "lessor only to assess and manage this finance application, kept no longer "
            "than the law requires, and not used for anything else.<br><br>"
            "<b>Credit inquiry authorisation</b>: I authorise the lessor to query my credit "
            "report at the credit reference centre for this application."))
        self.sensitive.setText(self.tr("I consent to the processing of my sensitive "
                                       "personal information"))
        self.credit.setText(self.tr("I authorise the credit inquiry"))
        self.pad.set_placeholder(self.tr("Customer signs here (mouse, pen or finger)"))
        self.signer_label.setText(self.tr("Signer"))
        self.undo.setText(self.tr("Undo stroke"))
        self.clear.setText(self.tr("Clear"))
        self.show_state()


# --- 7. review ----------------------------------------------------------------------------


class ReviewStep(Retranslatable, QWidget):
    """Everything at a glance, what is still missing (each a link to its step), other
    applications of the same person, and Submit."""

    go_to_step = Signal(str)
    open_application = Signal(str)
    submit_requested = Signal()
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.subtitle = _title()
        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.missing_box = QLabel()
        self.missing_box.setObjectName("reviewMissing")
        self.missing_box.setWordWrap(True)
        self.missing_box.setTextFormat(Qt.TextFormat.RichText)
        self.missing_box.linkActivated.connect(self._missing_link)
        self.duplicates_box = QLabel()
        self.duplicates_box.setObjectName("reviewDuplicates")
        self.duplicates_box.setWordWrap(True)
        self.duplicates_box.setTextFormat(Qt.TextFormat.RichText)
        self.duplicates_box.setStyleSheet(
            "QLabel { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; "
            "padding: 8px; }")
        self.duplicates_box.linkActivated.connect(self._duplicate_link)
        self.duplicates_box.hide()
        self.result = QLabel()
        self.result.setObjectName("submitResult")
        self.result.setWordWrap(True)
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit_requested)
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextApplication")
        self.next_button.clicked.connect(self.next_requested)
        self.next_button.hide()
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.summary)
        column.addWidget(self.duplicates_box)
        column.addWidget(self.missing_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inside)
        actions = QHBoxLayout()
        actions.addWidget(self.result, 1)
        actions.addWidget(self.next_button)
        actions.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(scroll, 1)
        layout.addLayout(actions)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit_requested)
        self.retranslate()

    def show_summary(self, rows: list[tuple[str, str]]) -> None:
        cells = "".join(
            f"<tr><td style='color:{GREY}; padding-right:14px'>{_html(k)}</td>"
            f"<td>{_html(v)}</td></tr>" for k, v in rows)
        self.summary.setText(f"<table cellspacing='3'>{cells}</table>")

    def show_missing(self, missing: list[Missing], words: dict[str, str]) -> None:
        if not missing:
            self.missing_box.setText(f"<span style='color:{GREEN}'>✔ "
                                     + _html(self.tr("Complete: ready to submit.")) + "</span>")
            return
        items = "".join(f"<li><a href='{m.step}'>{_html(words.get(m.code, m.code))}</a></li>"
                        for m in missing)
        self.missing_box.setText(f"<span style='color:{AMBER}'><b>"
                                 + _html(self.tr("Still missing (click to go there):"))
                                 + f"</b></span><ul style='margin-top:2px'>{items}</ul>")

    def show_duplicates(self, found: list[Duplicate]) -> None:
        if not found:
            self.duplicates_box.hide()
            return
        lines = []
        for d in found:
            why = (self.tr("still open") if d.open else self.tr("submitted in the last 30 days"))
            lines.append(f"<li><a href='{d.id}'>{_html(d.reference)}</a> — "
                         f"{_html(status_text(d.status))}, {_html(why)}, {_html(d.consultant)}</li>")
        self.duplicates_box.setText(
            "<b>" + _html(self.tr("The same ID number has other applications at this "
                                  "dealer:")) + f"</b><ul style='margin-top:2px'>{''.join(lines)}</ul>"
            + _html(self.tr("Check it is not a second application by mistake; you may still "
                            "submit.")))
        self.duplicates_box.show()

    def _missing_link(self, step: str) -> None:
        self.go_to_step.emit(step)

    def _duplicate_link(self, application_id: str) -> None:
        self.open_application.emit(application_id)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Review and submit"))
        self.subtitle.setText(self.tr("Check the figures with the customer. Submitting works "
                                      "offline too: the application leaves as soon as the "
                                      "network allows, exactly once."))
        self.submit_button.setText(self.tr("Submit to the lessor (Ctrl+Enter)"))
        self.next_button.setText(self.tr("Next customer"))


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;"))


def money_or_dash(fen: int | None) -> str:
    return "—" if fen is None else money_text(Money(int(fen)))

