"""The stock page's dialogs: the column mapping of a DMS export, the import report, and
adding or editing one vehicle by hand."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.errors import ValidationError
from showroom_app.services.stock import FIELDS, REQUIRED
from ui.pages.offer_words import CATEGORIES, STATUSES, category_name, one_language, status_name
from ui.widgets import Retranslatable

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]*$")


def field_name(name: str) -> str:
    translate = QCoreApplication.translate
    return {
        "vin": translate("StockFields", "VIN"), "make": translate("StockFields", "Make"),
        "model": translate("StockFields", "Model"), "trim": translate("StockFields", "Trim"),
        "category": translate("StockFields", "Category"), "model_year": translate("StockFields", "Model year"),
        "is_nev": translate("StockFields", "New-energy"), "price": translate("StockFields", "Price"),
        "stock_in_date": translate("StockFields", "Stock-in date"), "status": translate("StockFields", "Status"),
    }[name]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class ColumnMappingDialog(Retranslatable, QDialog):
    """The file's headers, a combo per field preselected from the remembered or detected
    mapping, the first rows; OK only when every required field has a column."""

    def __init__(self, file_name: str, header: list[str], mapping: dict[str, str],
                 rows: list[list[object]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.file_name = file_name
        self.header = header
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.combos: dict[str, QComboBox] = {}
        self.field_labels: dict[str, QLabel] = {}
        for i, name in enumerate(FIELDS):
            label = QLabel()
            combo = QComboBox()
            combo.setObjectName(f"map_{name}")
            combo.addItem("", None)
            for h in header:
                if h:
                    combo.addItem(h, h)
            found = combo.findData(mapping.get(name)) if mapping.get(name) else 0
            combo.setCurrentIndex(max(0, found))
            combo.currentIndexChanged.connect(self._check)
            self.combos[name] = combo
            self.field_labels[name] = label
            row, col = divmod(i, 2)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(combo, row, col * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.preview_label = QLabel()
        self.preview = QTableWidget(len(rows), len(header))
        self.preview.setObjectName("mappingPreview")
        self.preview.setHorizontalHeaderLabels(header)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(True)
        self.preview.setVerticalHeaderLabels([str(n) for n in range(2, 2 + len(rows))])
        for r, cells in enumerate(rows):
            for c in range(len(header)):
                self.preview.setItem(r, c, QTableWidgetItem(_cell(cells[c]) if c < len(cells)
                                                            else ""))
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.preview.setMinimumHeight(150)
        self.remember = QCheckBox()
        self.remember.setObjectName("rememberMapping")
        self.remember.setChecked(True)
        self.problem = QLabel()
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(grid)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.remember)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(860, 560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import stock: match the columns"))
        self.intro.setText(self.tr(
            "Choose which column of {0} holds each field. Fields marked * are required; "
            "the others may stay empty.").format(self.file_name))
        for name, label in self.field_labels.items():
            label.setText(field_name(name) + (" *" if name in REQUIRED else ""))
            self.combos[name].setItemText(0, self.tr("(not in the file)"))
        self.preview_label.setText(self.tr("The first rows of the file (row numbers as in the spreadsheet):"))
        self.remember.setText(self.tr("Remember these columns for the next import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self._check()

    def set_column(self, name: str, header: str | None) -> None:
        combo = self.combos[name]
        combo.setCurrentIndex(max(0, combo.findData(header)) if header else 0)

    def mapping(self) -> dict[str, str]:
        return {name: combo.currentData() for name, combo in self.combos.items()
                if combo.currentData()}

    def _check(self) -> None:
        chosen = self.mapping()
        missing = [field_name(f) for f in REQUIRED if f not in chosen]
        used: dict[str, str] = {}
        twice = []
        for name, header in chosen.items():
            if header in used:
                twice.append(header)
            used[header] = name
        texts = []
        if missing:
            texts.append(self.tr("Choose a column for: {0}.").format(", ".join(missing)))
        if twice:
            texts.append(self.tr("The column {0} is chosen for two fields.").format(twice[0]))
        self.problem.setText(" ".join(texts))
        self.problem.setVisible(bool(texts))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            not missing and not twice)


class ImportReportDialog(Retranslatable, QDialog):
    """What an import did: counts, then each warned or rejected row with its number."""

    def __init__(self, report: Any, english: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.report = report
        self.english = english
        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 15px; font-weight: 600;")
        issues = [("rejected", i) for i in report.rejected] + [
            ("warned", i) for i in report.warned]
        issues.sort(key=lambda x: x[1].row)
        self.issues = issues
        self.table = QTableWidget(len(issues), 4)
        self.table.setObjectName("reportTable")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for c in range(3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.table.setVisible(bool(issues))
        self.resize(820, 460 if issues else 160)
        self.retranslate()

    def retranslate(self) -> None:
        r = self.report
        self.setWindowTitle(self.tr("Stock import"))
        self.summary.setText(self.tr(
            "{0} vehicles added, {1} updated. {2} rows with a warning (kept), {3} rows "
            "not imported.").format(r.imported, r.updated, len(r.warned), len(r.rejected)))
        self.table.setHorizontalHeaderLabels([self.tr("Row"), self.tr("VIN"),
                                              self.tr("Result"), self.tr("Reason")])
        for i, (kind, issue) in enumerate(self.issues):
            rejected = kind == "rejected"
            cells = [str(issue.row), issue.vin or "–",
                     self.tr("Not imported") if rejected else self.tr("Imported, check"),
                     "\n".join(one_language(m, self.english) for m in issue.messages)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setTextAlignment(RIGHT)
                if c == 2:
                    item.setForeground(Qt.GlobalColor.red if rejected else Qt.GlobalColor.darkYellow)
                item.setToolTip("\n".join(issue.messages))
                self.table.setItem(i, c, item)
        self.table.resizeRowsToContents()

    def text(self) -> str:
        """Everything the dialog says (for tests and the clipboard)."""
        lines = [self.summary.text()]
        for r in range(self.table.rowCount()):
            lines.append(" | ".join(self.table.item(r, c).text() for c in range(4)))
        return "\n".join(lines)


class VehicleDialog(Retranslatable, QDialog):
    """Add or edit one vehicle: the same checks as an import, said next to the form."""

    def __init__(self, services: Any, user: Any, today: date, item: Any = None,
                 english: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vehicleDialog")
        self.services, self.user, self.today, self.item = services, user, today, item
        self.english = english
        self.saved: Any = None
        self.warnings: list[str] = []
        self.vin = QLineEdit()
        self.vin.setObjectName("vinEdit")
        self.vin.setMaxLength(20)
        self.vin.textEdited.connect(self._vin_edited)
        self.vin_hint = QLabel()
        self.vin_hint.setObjectName("errorText")
        self.vin_hint.setWordWrap(True)
        self.make = QLineEdit()
        self.make.setObjectName("makeEdit")
        self.model = QLineEdit()
        self.model.setObjectName("modelEdit")
        self.trim = QLineEdit()
        self.trim.setObjectName("trimEdit")
        self.category = QComboBox()
        self.category.setObjectName("categoryCombo")
        for code in CATEGORIES:
            self.category.addItem("", code)
        self.year = QSpinBox()
        self.year.setObjectName("yearEdit")
        self.year.setRange(1979, today.year + 1)
        self.year.setSpecialValueText("–")
        self.year.setValue(today.year)
        self.nev = QCheckBox()
        self.nev.setObjectName("nevCheck")
        self.price = QDoubleSpinBox()
        self.price.setObjectName("priceEdit")
        self.price.setDecimals(2)
        self.price.setRange(0, 100_000_000)
        self.price.setGroupSeparatorShown(True)
        self.price.setPrefix("¥")
        self.price.setAlignment(RIGHT)
        self.price.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        self.stocked = QDateEdit(QDate(today))
        self.stocked.setObjectName("stockInDate")
        self.stocked.setCalendarPopup(True)
        self.stocked.setDisplayFormat("yyyy-MM-dd")
        self.stocked.setMaximumDate(QDate(today))
        self.status = QComboBox()
        self.status.setObjectName("statusCombo")
        for code in STATUSES:
            self.status.addItem("", code)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.form = QFormLayout()
        self.labels = {name: QLabel() for name in FIELDS}
        vin_box = QVBoxLayout()
        vin_box.setSpacing(2)
        vin_box.addWidget(self.vin)
        vin_box.addWidget(self.vin_hint)
        self.form.addRow(self.labels["vin"], vin_box)
        for name, widget in (("make", self.make), ("model", self.model), ("trim", self.trim),
                             ("category", self.category), ("model_year", self.year),
                             ("is_nev", self.nev), ("price", self.price),
                             ("stock_in_date", self.stocked), ("status", self.status)):
            self.form.addRow(self.labels[name], widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if item is not None:
            self.vin.setText(item.vin)
            self.make.setText(item.make)
            self.model.setText(item.model)
            self.trim.setText(item.trim)
            self.category.setCurrentIndex(max(0, self.category.findData(str(item.category))))
            self.year.setValue(item.model_year or self.year.minimum())
            self.nev.setChecked(item.is_nev)
            self.price.setValue(float(item.list_price.yuan))
            self.stocked.setDate(QDate(item.stock_in_date))
            self.status.setCurrentIndex(max(0, self.status.findData(str(item.status))))
        self.vin_hint.hide()
        self.setMinimumWidth(460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Edit vehicle") if self.item is not None
                            else self.tr("Add a vehicle"))
        for name, label in self.labels.items():
            label.setText(field_name(name) + (" *" if name in REQUIRED else ""))
        for i in range(self.category.count()):
            self.category.setItemText(i, category_name(self.category.itemData(i)))
        for i in range(self.status.count()):
            self.status.setItemText(i, status_name(self.status.itemData(i)))
        self.nev.setText(self.tr("Battery-electric, plug-in or range-extended"))
        self.vin.setPlaceholderText(self.tr("17 characters, e.g. LSVAU2A37N2183294"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self._vin_edited()

    def _vin_edited(self) -> None:
        text = self.vin.text().strip().upper().replace(" ", "")
        if text != self.vin.text():
            pos = self.vin.cursorPosition()
            self.vin.setText(text)
            self.vin.setCursorPosition(min(pos, len(text)))
        hint = ""
        if text and not _VIN_CHARS.match(text):
            hint = self.tr("A VIN has only digits and the letters A–Z without I, O and Q.")
        elif text and len(text) != 17:
            hint = self.tr("A VIN has 17 characters; this one has {0}.").format(len(text))
        self.vin_hint.setText(hint)
        self.vin_hint.setVisible(bool(hint))

    def cells(self) -> dict[str, object]:
        year = self.year.value()
        return {
            "vin": self.vin.text(), "make": self.make.text(), "model": self.model.text(),
            "trim": self.trim.text(), "category": self.category.currentData(),
            "model_year": "" if year == self.year.minimum() else str(year),
            "is_nev": "yes" if self.nev.isChecked() else "no",
            "price": str(Decimal(f"{self.price.value():.2f}")),
            "stock_in_date": self.stocked.date().toPython(),
            "status": self.status.currentData(),
        }

    def save(self) -> None:
        try:
            item, warnings = self.services.stock.save_vehicle(
                self.user, self.cells(), self.today,
                item_id=self.item.id if self.item is not None else None)
        except ValidationError as exc:
            self.error.setText(self.tr("Not saved: {0}").format(one_language(str(exc), self.english)))
            self.error.show()
            return
        self.saved = item
        self.warnings = [one_language(w, self.english) for w in warnings]
        self.accept()
