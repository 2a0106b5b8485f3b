"""The promotion rules (the dealer's and central's campaigns) in words, edited by managers
as YAML with validation on save, and the rule tester: which vehicles a rule hits and what
it does to a sample quote."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import Permission
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.promotions import RuleError
from ui.errors import describe
from ui.pages.offer_words import (
    conditions_words,
    effects_words,
    fee_names,
    funder_name,
    money,
    pct,
    product_names,
    rule_name,
    source_name,
)
from ui.widgets import Retranslatable, list_table, run_in_background

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

NEW_RULE = """\
code: NEW-RULE
name_zh: 新优惠
name_en: New offer
funded_by: dealer        # dealer | oem | lessor
priority: 10             # higher first
stackable: true          # false: applies alone
active: true
conditions:              # all must hold; leave out what does not matter
  min_days_in_stock: 90
  # categories: [new_car, nev, used_car, commercial, tractor, construction]
  # nev: true
  # makes: [比亚迪]
  # price_min: 100000
  # min_units_same_model: 3
  # segments: [individual, fleet, farmer]
  # products: [auto_loan]
  # valid_from: 2026-01-01
  # valid_to: 2026-12-31
effects:
- {kind: lower_down_payment, down_payment_ratio: "0.20"}
# - {kind: subsidised_rate, rate: "0.0299"}
# - {kind: fee_waiver, fee_codes: [handling]}
# - {kind: longer_term, max_term_months: 72}
# - {kind: gift, gift_zh: 首年保养, gift_en: First year of servicing, gift_value: "1500"}
"""


def today():
    return datetime.now(UTC).astimezone().date()


class RuleEditorDialog(Retranslatable, QDialog):
    """One rule as YAML; Save checks it (the service's RuleError, in words, next to the
    text) and stores it."""

    def __init__(self, services: DeskServices, user: User, text: str, new: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.services, self.user, self.new = services, user, new
        self.saved: Any = None
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hintText")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("ruleYaml")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText(text)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New promotion rule") if self.new
                            else self.tr("Edit promotion rule"))
        self.hint.setText(self.tr(
            "The rule in YAML: conditions that must all hold, and its effects. Rates and "
            "ratios as fractions (\"0.0299\") or percentages (\"2.99%\"). Save checks it."))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save (Ctrl+S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setShortcut(
            QKeySequence("Ctrl+S"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    def save(self) -> None:
        try:
            raw = yaml.safe_load(self.editor.toPlainText())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = self.tr(" (line {0})").format(mark.line + 1) if mark else ""
            self._fail(self.tr("This is not valid YAML{0}: check the indentation and the colons.").format(where))
            return
        if not isinstance(raw, dict):
            self._fail(self.tr("A rule is a mapping: code, names, conditions and effects."))
            return
        try:
            self.saved = self.services.promotions.save_rule(self.user, raw)
        except RuleError as exc:
            self._fail(self.tr("Not saved: {0}").format(exc))
            return
        except Exception as exc:  # permission, store busy: said in words
            self._fail(describe(exc))
            return
        self.accept()

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class RulesView(Retranslatable, QWidget):
    """The rules table, its actions and the tester under it."""

    rules_changed = Signal()

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulesView")
        self.services, self.user = services, user
        self.can_edit = user.can(Permission.MANAGE_PROMOTIONS)
        self.catalog: Any = None
        self.rules: list[Any] = []
        self.editor: RuleEditorDialog | None = None
        self.test_result: Any = None
        self.testing = False

        self.rules_label = QLabel()
        self.rules_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.read_only = QLabel()
        self.read_only.setObjectName("hintText")
        self.read_only.setVisible(not self.can_edit)
        self.table = list_table(8, "rulesTable")
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for c in range(8):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 240)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._double_clicked)

        self.new_button = QPushButton()
        self.new_button.setObjectName("newRule")
        self.new_button.clicked.connect(self.new_rule)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editRule")
        self.edit_button.clicked.connect(self.edit_rule)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteRule")
        self.delete_button.clicked.connect(self.delete_rule)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importRules")
        self.import_button.clicked.connect(self.import_rules)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportRules")
        self.export_button.clicked.connect(self.export_rules)
        self.test_button = QPushButton()
        self.test_button.setObjectName("primary")
        self.test_button.setShortcut(QKeySequence("Ctrl+T"))
        self.test_button.clicked.connect(self.test_selected)
        self.message = QLabel()
        self.message.setObjectName("rulesMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button, self.import_button,
                  self.export_button):
            buttons.addWidget(b)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.test_button)

        top = QWidget()
        t = QVBoxLayout(top)
        t.setContentsMargins(0, 8, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.rules_label)
        head.addWidget(self.read_only, 1)
        t.addLayout(head)
        t.addWidget(self.table, 1)
        t.addLayout(buttons)

        # --- tester
        self.tester_label = QLabel()
        self.tester_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.hits_label = QLabel()
        self.hits_label.setObjectName("hitsLabel")
        self.hits_label.setWordWrap(True)
        self.hits = QTableWidget(0, 4)
        self.hits.setObjectName("hitsTable")
        self.hits.verticalHeader().setVisible(False)
        self.hits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hits.setAlternatingRowColors(True)
        hh = self.hits.horizontalHeader()
        for c in range(4):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.sample = QLabel()
        self.sample.setObjectName("sampleLabel")
        self.sample.setWordWrap(True)
        self.sample.setTextFormat(Qt.TextFormat.RichText)
        self.sample.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sample.setStyleSheet("background: white; border: 1px solid #d0d7de; "
                                  "border-radius: 6px; padding: 8px;")
        tester_row = QHBoxLayout()
        tester_row.addWidget(self.hits, 1)
        tester_row.addWidget(self.sample, 1)
        bottom = QWidget()
        b = QVBoxLayout(bottom)
        b.setContentsMargins(0, 4, 0, 0)
        b.addWidget(self.tester_label)
        b.addWidget(self.hits_label)
        b.addLayout(tester_row, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([330, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        for button in (self.new_button, self.edit_button, self.delete_button,
                       self.import_button):
            button.setEnabled(self.can_edit)
        self.retranslate()
        self.load_rules()

    @property
    def english(self) -> bool:
        return not self.services.settings.language.startswith("zh")

    def retranslate(self) -> None:
        self.rules_label.setText(self.tr("Promotion rules"))
        self.read_only.setText(self.tr("Only managers and administrators change the rules; you can see and test them."))
        self.table.setHorizontalHeaderLabels([
            self.tr("Source"), self.tr("Code"), self.tr("Name"), self.tr("Priority"),
            self.tr("Stacks"), self.tr("Active"), self.tr("Conditions"), self.tr("Effects")])
        self.new_button.setText(self.tr("New"))
        self.edit_button.setText(self.tr("Edit"))
        self.delete_button.setText(self.tr("Delete"))
        self.import_button.setText(self.tr("Import YAML…"))
        self.export_button.setText(self.tr("Export YAML…"))
        self.test_button.setText(self.tr("Test rule (Ctrl+T)"))
        self.tester_label.setText(self.tr("Rule tester"))
        self.hits.setHorizontalHeaderLabels([self.tr("VIN"), self.tr("Vehicle"),
                                             self.tr("Days in stock"), self.tr("Price")])
        self._fill_rules()
        self._show_test()

    def set_catalog(self, catalog: Any) -> None:
        self.catalog = catalog
        self._fill_rules()

    # --- rules -------------------------------------------------------------------------

    def load_rules(self) -> None:
        self.rules = self.services.promotions.rules()
        self._fill_rules()

    def _fill_rules(self) -> None:
        english = self.english
        fees = fee_names(self.catalog, english) if self.catalog else {}
        products = product_names(self.catalog, english) if self.catalog else {}
        selected = self.selected_rule()
        self.table.setRowCount(len(self.rules))
        yes, no = self.tr("yes"), self.tr("no")
        for r, rule in enumerate(self.rules):
            cells = [source_name(rule.source), rule.code, rule_name(rule, english),
                     str(rule.priority), yes if rule.stackable else self.tr("alone"),
                     yes if rule.active else no,
                     conditions_words(rule.conditions, english, products),
                     effects_words(rule, english, fees) + " · "
                     + self.tr("paid by {0}").format(funder_name(rule.funded_by))]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 3:
                    item.setTextAlignment(RIGHT)
                if not rule.active:
                    item.setForeground(QColor("#8c959f"))
                if c == 0 and rule.source == "central":
                    item.setForeground(QColor("#0969da"))
                item.setData(Qt.ItemDataRole.UserRole, rule.code)
                self.table.setItem(r, c, item)
        if selected is not None:
            self.select(selected.code)
        self._selection_changed()

    def select(self, code: str) -> None:
        for r, rule in enumerate(self.rules):
            if rule.code == code:
                self.table.selectRow(r)
                return

    def selected_rule(self) -> Any:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or rows[0].row() >= len(self.rules):
            return None
        return self.rules[rows[0].row()]

    def _selection_changed(self) -> None:
        rule = self.selected_rule()
        dealer = rule is not None and rule.source == "dealer"
        self.edit_button.setEnabled(self.can_edit and dealer)
        self.delete_button.setEnabled(self.can_edit and dealer)
        self.test_button.setEnabled(rule is not None and not self.testing)

    def _double_clicked(self) -> None:
        if self.can_edit and self.edit_button.isEnabled():
            self.edit_rule()
        else:
            self.test_selected()

    def _rule_yaml(self, code: str) -> str:
        raw = yaml.safe_load(self.services.promotions.export_yaml()) or {}
        for body in raw.get("rules") or []:
            if body.get("code") == code:
                return yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
        return NEW_RULE

    def new_rule(self) -> None:
        if self.can_edit:
            self._open_editor(NEW_RULE, new=True)

    def edit_rule(self) -> None:
        rule = self.selected_rule()
        if self.can_edit and rule is not None and rule.source == "dealer":
            self._open_editor(self._rule_yaml(rule.code), new=False)

    def _open_editor(self, text: str, new: bool) -> None:
        dialog = RuleEditorDialog(self.services, self.user, text, new, self)
        dialog.accepted.connect(self._rule_saved)
        self.editor = dialog
        dialog.open()

    def _rule_saved(self) -> None:
        dialog = self.editor
        if dialog is None or dialog.saved is None:
            return
        code = dialog.saved.code
        dialog.deleteLater()
        self.editor = None
        self._say(self.tr("Rule {0} saved.").format(code))
        self._changed(code)

    def _changed(self, code: str | None = None) -> None:
        self.load_rules()
        if code:
            self.select(code)
        self.rules_changed.emit()

    def delete_rule(self) -> None:
        rule = self.selected_rule()
        if not self.can_edit or rule is None or rule.source != "dealer":
            return
        answer = QMessageBox.question(
            self, self.tr("Delete the rule"),
            self.tr("Delete the rule {0} ({1})? Quotes already made keep it.").format(
                rule.code, rule_name(rule, self.english)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.services.promotions.delete_rule(self.user, rule.code)
        except Exception as exc:
            self._say(describe(exc), error=True)
            return
        self._say(self.tr("Rule {0} deleted.").format(rule.code))
        self._changed()

    def import_rules(self) -> None:
        if not self.can_edit:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import promotion rules"),
                                              str(Path.home()), self.tr("YAML files (*.yaml *.yml)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            rules = self.services.promotions.import_yaml(
                self.user, path.read_text(encoding="utf-8"))
        except RuleError as exc:
            self._say(self.tr("Nothing imported: {0}").format(exc), error=True)
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._say(self.tr("The file cannot be read: {0}").format(exc), error=True)
            return
        except Exception as exc:
            self._say(describe(exc), error=True)
            return
        self._say(self.tr("{0} rules imported.").format(len(rules)))
        self._changed()

    def export_rules(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export promotion rules"), str(Path.home() / "promotions.yaml"),
            self.tr("YAML files (*.yaml *.yml)"))
        if not path:
            return
        try:
            Path(path).write_text(self.services.promotions.export_yaml(), encoding="utf-8")
        except OSError as exc:
            self._say(self.tr("Not exported: {0}").format(exc), error=True)
            return
        self._say(self.tr("The dealer's rules were exported to {0}.").format(path))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #cf222e;" if error else "color: #1a7f37;")
        self.message.setText(text)

    # --- tester ------------------------------------------------------------------------

    def test_selected(self) -> None:
        rule = self.selected_rule()
        if rule is None or self.testing:
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self.hits_label.setText(self.tr("Testing {0} on the stock…").format(rule.code))
        promotions, quoting, day = self.services.promotions, self.services.quoting, today()
        catalog = self.catalog

        def job() -> Any:
            return promotions.test_rule(rule, catalog or quoting.catalog(), day)

        run_in_background(job, self._tested, self._test_failed)

    def _tested(self, result: Any) -> None:
        self.testing = False
        self.test_result = result
        self._selection_changed()
        self._show_test()

    def _test_failed(self, error: Exception) -> None:
        self.testing = False
        self._selection_changed()
        self.hits_label.setText(self.tr("The test failed: {0}").format(describe(error)))

    def _show_test(self) -> None:
        result = self.test_result
        if result is None:
            self.hits_label.setText(self.tr(
                "Choose a rule and press Test rule: the vehicles it hits and what it does to a sample quote."))
            self.hits.setRowCount(0)
            self.sample.setText("")
            self.sample.hide()
            return
        english = self.english
        self.hits_label.setText(self.tr("{0} — {1}: hits {2} vehicles in stock.").format(
            result.rule.code, rule_name(result.rule, english), len(result.hits)))
        self.hits.setRowCount(len(result.hits))
        for r, vo in enumerate(result.hits):
            item = vo.item
            cells = [item.vin, " ".join(p for p in (item.make, item.model, item.trim) if p),
                     str(vo.days_in_stock), money(item.list_price)]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c in (2, 3):
                    cell.setTextAlignment(RIGHT)
                self.hits.setItem(r, c, cell)
        self.sample.show()
        self.sample.setText(self._sample_html(result))

    def _sample_html(self, result: Any) -> str:
        english = self.english
        pq = result.sample
        if pq is None:
            reason = {
                "no vehicle in stock meets the conditions": self.tr("No vehicle in stock meets the conditions."),
                "no product of the catalog is named": self.tr("None of the products it names is in the catalog."),
            }.get(result.problem or "", result.problem or "")
            return self.tr("<b>No sample quote.</b> {0}").format(reason)
        vehicle = result.sample_vehicle.item
        products = product_names(self.catalog, english) if self.catalog else {}
        std, pro = pq.standard, pq.promoted
        apr = self.tr("APR")
        rows = [
            (self.tr("Vehicle"), f"{vehicle.make} {vehicle.model} {vehicle.trim} · {vehicle.vin}"),
            (self.tr("Plan"), self.tr("{0}, {1} down, {2} months").format(
                products.get(pro.product_code, pro.product_code), money(pro.down_payment),
                pro.term_months)),
            (self.tr("Standard monthly payment"),
             f"{money(std.rows[0].payment)} · {apr} {pct(std.apr.effective)}"),
            (self.tr("With the rule"),
             f"<b>{money(pro.rows[0].payment)}</b> · {apr} {pct(pro.apr.effective)}"),
            (self.tr("Customer saves"), self.tr("{0} a month, {1} interest, {2} fees").format(
                money(pq.monthly_saving), money(pq.interest_saving), money(pq.fee_saving))),
        ]
        for funder, amount in pq.cost_by_funder().items():
            rows.append((self.tr("Cost to {0}").format(funder_name(funder)), money(amount)))
        if not pq.costs:
            rows.append((self.tr("Cost to the dealer"), money(0)))
        html = "<table cellspacing='0' cellpadding='3'>" + "".join(
            f"<tr><td style='color:#57606a'>{k}</td><td>{v}</td></tr>" for k, v in rows) + "</table>"
        notes = [n.en if english else n.zh for n in pq.terms.notes]
        if notes:
            html += "<p style='color:#9a6700'>" + "<br>".join(f"⚠ {n}" for n in notes) + "</p>"
        return html
