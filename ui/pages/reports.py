"""Reports: the manager reads the day in a few minutes, offline, from the local data.

The reports this user may run on the left; a date range and filters on top, applied
as they change (debounced) and computed off the UI thread; each report as a chart
with its table, headline figures above and notes under it; exports at the bottom
right. Consultants see their own applications only (the service enforces it).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QPainter, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import Permission
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.reports import ReportFilters
from ui.errors import describe
from ui.pages.offer_words import CATEGORIES, category_name
from ui.pages.report_charts import ReportModel, build_chart, is_empty, segment_label, value_text
from ui.widgets import Retranslatable, StatCard, run_in_background

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8), "CST")  # the reports count days in Beijing time
DEBOUNCE_MS = 350
SEGMENTS = ("individual", "fleet", "farmer")
FORMATS = (("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"))
# Reports whose numbers do not depend on the date range or the filters.
STATE_REPORTS = ("ocr_quality", "sync_health")
WIDE = 1400  # from this page width on, the table sits beside the chart


def china_today() -> date:
    return datetime.now(CHINA).date()


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class ReportsPage(Retranslatable, QWidget):
    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.sees_all = user.can(Permission.VIEW_ALL_REPORTS)
        self.reports = services.reports.list(user)
        self.products: dict[str, tuple[str, str]] = {}  # code → (zh, en)
        self.consultants: list[tuple[str, str]] = []  # (id, display name)
        self.table_data: Any = None  # the report table on screen
        self.filters_used: ReportFilters | None = None
        self.seq = 0  # the latest run asked for; older results are dropped
        self.done_seq = 0
        self.runs = 0  # completed runs (tests wait on it)
        self.loaded = False
        self.error: str | None = None
        self.exporting = False
        self.exported: Path | None = None
        self.personal_dialog: QMessageBox | None = None
        self.figure_cards: list[StatCard] = []

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        # --- date range
        today = china_today()
        self.from_label, self.to_label = QLabel(), QLabel()
        self.date_from = QDateEdit(qdate(today - timedelta(days=29)))
        self.date_from.setObjectName("reportFrom")
        self.date_to = QDateEdit(qdate(today))
        self.date_to.setObjectName("reportTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.schedule)
        self.from_label.setBuddy(self.date_from)
        self.to_label.setBuddy(self.date_to)
        self.quick: dict[str, QPushButton] = {}
        dates = QHBoxLayout()
        dates.setSpacing(6)
        dates.addWidget(self.from_label)
        dates.addWidget(self.date_from)
        dates.addWidget(self.to_label)
        dates.addWidget(self.date_to)
        dates.addSpacing(8)
        for key in ("today", "7", "30", "month"):
            button = QPushButton()
            button.setObjectName(f"range:{key}")
            button.setFlat(False)
            button.setStyleSheet("padding: 3px 10px;")
            button.clicked.connect(self._quick_range)
            self.quick[key] = button
            dates.addWidget(button)
        dates.addStretch(1)
        self.busy = QLabel()
        self.busy.setObjectName("reportBusy")
        self.busy.setStyleSheet("color: #57606a;")
        dates.addWidget(self.busy)

        # --- filters
        self.consultant = QComboBox()
        self.consultant.setObjectName("filterConsultant")
        self.segment = QComboBox()
        self.segment.setObjectName("filterSegment")
        self.product = QComboBox()
        self.product.setObjectName("filterProduct")
        self.category = QComboBox()
        self.category.setObjectName("filterCategory")
        for combo in (self.consultant, self.segment, self.product, self.category):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self.schedule)
        self.make = QLineEdit()
        self.make.setObjectName("filterMake")
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("filterModel")
        for edit in (self.make, self.model_edit):
            edit.setClearButtonEnabled(True)
            edit.setMaximumWidth(150)
            edit.textChanged.connect(self.schedule)
        if not self.sees_all:  # a consultant's numbers are their own
            self.consultant.hide()
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for w in (self.consultant, self.segment, self.product, self.category, self.make,
                  self.model_edit):
            filters.addWidget(w)
        filters.addStretch(1)

        # --- report list
        self.report_list = QListWidget()
        self.report_list.setObjectName("reportList")
        self.report_list.setFixedWidth(230)
        self.report_list.setWordWrap(True)
        self.report_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.report_list.setStyleSheet(
            "QListWidget { background: white; border: 1px solid #d0d7de; border-radius: 6px; }"
            "QListWidget::item { padding: 5px 8px; }"
            "QListWidget::item:selected { background: #ddf4ff; color: #0969da; }")
        for info in self.reports:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            self.report_list.addItem(item)
        self.report_list.currentRowChanged.connect(self._report_chosen)

        # --- the report
        self.report_title = QLabel()
        self.report_title.setObjectName("reportTitle")
        self.report_title.setStyleSheet("font-size: 16px; font-weight: 600; color: #1f2328;")
        self.report_scope = QLabel()
        self.report_scope.setObjectName("reportScope")
        self.report_scope.setStyleSheet("color: #57606a;")
        heading = QHBoxLayout()
        heading.addWidget(self.report_title)
        heading.addStretch(1)
        heading.addWidget(self.report_scope)
        self.figures = QHBoxLayout()
        self.figures.setSpacing(8)
        self.figures_box = QWidget()
        self.figures_box.setObjectName("reportFigures")
        self.figures_box.setLayout(self.figures)
        self.figures.setContentsMargins(0, 0, 0, 0)
        self.figures.addStretch(1)

        self.chart_view = QChartView()
        self.chart_view.setObjectName("reportChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(170)
        self.chart_view.setMinimumWidth(280)
        self.model = ReportModel(self)
        self.table = QTableView()
        self.table.setObjectName("reportTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(120)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setStyleSheet("QTableView { background: white; border: 1px solid #d0d7de; "
                                 "border-radius: 6px; gridline-color: #eaeef2; }")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("reportSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.chart_view)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        self.empty = QLabel()
        self.empty.setObjectName("reportEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("font-size: 16px; color: #57606a; background: white; "
                                 "border: 1px dashed #d0d7de; border-radius: 8px; padding: 24px;")
        self.body = QStackedWidget()
        self.body.addWidget(self.splitter)
        self.body.addWidget(self.empty)

        self.notes = QLabel()
        self.notes.setObjectName("reportNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #57606a; font-size: 11px;")

        # --- exports
        self.include_personal = QCheckBox()
        self.include_personal.setObjectName("includePersonal")
        if not self.sees_all:
            self.include_personal.hide()
        self.include_personal.toggled.connect(self._personal_toggled)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.export_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        actions.addWidget(self.include_personal)
        actions.addWidget(self.status, 1)
        for fmt, _name in FORMATS:
            button = QPushButton()
            button.setObjectName("primary" if fmt == "xlsx" else f"export_{fmt}")
            button.setProperty("format", fmt)
            button.clicked.connect(self._export_clicked)
            self.export_buttons[fmt] = button
        # The main action (Excel, what a manager opens) bottom-right.
        for fmt in ("csv", "pdf", "xlsx"):
            actions.addWidget(self.export_buttons[fmt])
        self.export_buttons["xlsx"].setShortcut(QKeySequence("Ctrl+E"))

        right = QVBoxLayout()
        right.setSpacing(6)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(heading)
        right.addWidget(self.figures_box)
        right.addWidget(self.body, 1)
        right.addWidget(self.notes)
        right.addLayout(actions)
        right_box = QWidget()
        right_box.setLayout(right)

        main = QHBoxLayout()
        main.setSpacing(12)
        main.addWidget(self.report_list)
        main.addWidget(right_box, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 10)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.subtitle, 1)
        layout.addLayout(top)
        layout.addLayout(dates)
        layout.addLayout(filters)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d0d7de;")
        layout.addWidget(line)
        layout.addLayout(main, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_report)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.run_report)
        self._fill_choices()
        self.retranslate()
        if self.reports:
            self.report_list.blockSignals(True)
            self.report_list.setCurrentRow(0)
            self.report_list.blockSignals(False)

    # --- language ---------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return "zh" if self.services.settings.language.startswith("zh") else "en"

    def retranslate(self) -> None:
        self.title.setText(self.tr("Reports"))
        self.subtitle.setText(
            self.tr("The whole showroom, computed on this desk from the local data.")
            if self.sees_all else
            self.tr("Your own applications, computed on this desk from the local data."))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to"))
        self.quick["today"].setText(self.tr("Today"))
        self.quick["7"].setText(self.tr("7 days"))
        self.quick["30"].setText(self.tr("30 days"))
        self.quick["month"].setText(self.tr("This month"))
        self.make.setPlaceholderText(self.tr("Make, e.g. 大众"))
        self.model_edit.setPlaceholderText(self.tr("Model, e.g. 朗逸"))
        self.make.setToolTip(self.tr("The exact make, as in the stock list"))
        self.model_edit.setToolTip(self.tr("The exact model, as in the stock list"))
        self._label_choices()
        for i, info in enumerate(self.reports):
            item = self.report_list.item(i)
            item.setText(info.title_en if self.lang == "en" else info.title_zh)
        self.include_personal.setText(self.tr("Include personal data"))
        self.include_personal.setToolTip(self.tr(
            "Consultants' names are masked in exports unless you include them. "
            "Every export is recorded in the audit log."))
        self.export_buttons["csv"].setText(self.tr("Export CSV…"))
        self.export_buttons["pdf"].setText(self.tr("Export PDF…"))
        self.export_buttons["xlsx"].setText(self.tr("Export Excel… (Ctrl+E)"))
        if self.busy.text():
            self.busy.setText(self.tr("Refreshing…"))
        self._show_table()

    def _fill_choices(self) -> None:
        for combo in (self.consultant, self.segment, self.product, self.category):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", None)
        for code in SEGMENTS:
            self.segment.addItem("", code)
        for code in CATEGORIES:
            self.category.addItem("", code)
        for combo in (self.consultant, self.segment, self.product, self.category):
            combo.blockSignals(False)

    def _label_choices(self) -> None:
        en = self.lang == "en"
        self.consultant.setItemText(0, self.tr("All consultants"))
        self.segment.setItemText(0, self.tr("All segments"))
        self.product.setItemText(0, self.tr("All products"))
        self.category.setItemText(0, self.tr("All vehicle categories"))
        for i in range(1, self.segment.count()):
            self.segment.setItemText(i, segment_label(self.segment.itemData(i)))
        for i in range(1, self.category.count()):
            self.category.setItemText(i, category_name(self.category.itemData(i)))
        for i in range(1, self.product.count()):
            zh, en_name = self.products.get(self.product.itemData(i), ("", ""))
            self.product.setItemText(i, (en_name if en else zh) or self.product.itemData(i))
        for i in range(1, self.consultant.count()):
            uid = self.consultant.itemData(i)
            name = dict(self.consultants).get(uid, uid)
            self.consultant.setItemText(
                i, self.tr("{0} (me)").format(name) if uid == self.user.id else name)
        self.consultant.setToolTip(self.tr("Whose applications"))
        self.segment.setToolTip(self.tr("Customer segment"))
        self.product.setToolTip(self.tr("Financial product"))
        self.category.setToolTip(self.tr("Vehicle category"))

    # --- loading ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.loaded = True
            self._load_choices()
            self.run_report()

    def _load_choices(self) -> None:
        services, user, sees_all = self.services, self.user, self.sees_all

        def job() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
            catalog = services.quoting.catalog()
            products = {code: (p.name_zh, p.name_en) for code, p in catalog.products.items()}
            people: list[tuple[str, str]] = []
            if sees_all:
                people = consultants_for(services, user)
            return products, people

        run_in_background(job, self._choices_loaded, self._choices_failed)

    def _choices_loaded(self, result: tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]) -> None:
        self.products, self.consultants = result
        for combo, values in ((self.product, list(self.products)),
                              (self.consultant, [uid for uid, _ in self.consultants])):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem("", value)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._label_choices()
        if self.table_data is not None:
            self._show_table()  # product codes in words

    def _choices_failed(self, error: Exception) -> None:
        log.warning("report filter choices could not be loaded: %r", error)

    def current_report(self) -> str | None:
        item = self.report_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def filters(self) -> ReportFilters:
        start, end = pydate(self.date_from.date()), pydate(self.date_to.date())
        return ReportFilters(
            date_from=start, date_to=end,
            consultant_id=self.consultant.currentData() if self.sees_all else None,
            segment=self.segment.currentData(), product_code=self.product.currentData(),
            category=self.category.currentData(),
            make=self.make.text().strip() or None, model=self.model_edit.text().strip() or None)

    def _quick_range(self) -> None:
        key = self.sender().objectName().removeprefix("range:")
        self.set_range(key)

    def set_range(self, key: str) -> None:
        today = china_today()
        start = {"today": today, "7": today - timedelta(days=6),
                 "30": today - timedelta(days=29), "month": today.replace(day=1)}[key]
        for edit, day in ((self.date_from, start), (self.date_to, today)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)
        self.schedule()

    def schedule(self) -> None:
        """A filter changed: run once the user stops changing things."""
        self.timer.start()

    def _report_chosen(self, _row: int) -> None:
        self.timer.stop()
        self.run_report()

    def run_report(self) -> None:
        self.timer.stop()
        name = self.current_report()
        if name is None:
            return
        f = self.filters()
        if f.date_from and f.date_to and f.date_from > f.date_to:
            self._set_status(self.tr("The start of the range is after its end: choose dates "
                                     "in order."), "#cf222e")
            return
        self.seq += 1
        seq = self.seq
        self.busy.setText(self.tr("Refreshing…"))
        reports, user = self.services.reports, self.user

        def job() -> tuple[int, Any, ReportFilters, Exception | None]:
            try:
                return seq, reports.run(user, name, f), f, None
            except Exception as exc:  # shown on the page, in words
                return seq, None, f, exc

        run_in_background(job, self._ran)

    @property
    def running(self) -> bool:
        return self.done_seq != self.seq

    def _ran(self, result: tuple[int, Any, ReportFilters, Exception | None]) -> None:
        seq, table, f, error = result
        if seq != self.seq:
            return  # a newer run is on its way
        self.done_seq = seq
        self.runs += 1
        self.busy.setText("")
        if error is not None:
            log.error("report failed: %r", error)
            self.error = describe(error)
            self._set_status(self.tr("The report could not be computed: {0} Nothing was "
                                     "changed; try again or pick other filters.").format(
                self.error), "#cf222e")
            return
        self.error = None
        if self.status.property("kind") != "export":
            self._set_status("", None)
        self.table_data, self.filters_used = table, f
        self._show_table()

    # --- showing ----------------------------------------------------------------------

    def _show_table(self) -> None:
        table = self.table_data
        lang = self.lang
        for info in self.reports:
            if info.name == self.current_report():
                self.report_title.setText(info.title_en if lang == "en" else info.title_zh)
        if table is None:
            return
        self.report_scope.setText(self._scope_text(table))
        products = {code: (en if lang == "en" else zh) for code, (zh, en) in self.products.items()}
        self.model.set_table(table, lang, products)
        header = self.table.horizontalHeader()
        if self.model.columnCount():
            # The label column takes the spare width; the numbers stay together at the right.
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for card in self.figure_cards:
            self.figures.removeWidget(card)
            card.deleteLater()
        self.figure_cards = []
        empty = is_empty(table)
        for figure in table.figures if not empty else []:
            card = StatCard()
            card.setObjectName("card")
            card.value.setStyleSheet("font-size: 20px;")
            card.layout().setContentsMargins(12, 6, 12, 6)
            card.set(value_text(str(figure.kind), figure.value),
                     figure.en if lang == "en" else figure.zh)
            self.figures.insertWidget(self.figures.count() - 1, card)
            self.figure_cards.append(card)
        self.figures_box.setVisible(bool(self.figure_cards))
        notes = [n.en if lang == "en" else n.zh for n in table.notes]
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        if empty:
            self.empty.setText(self._empty_text(table))
            self.body.setCurrentWidget(self.empty)
            old = self.chart_view.chart()
            self.chart_view.setChart(_blank_chart())
            old.deleteLater()
        else:
            self.body.setCurrentWidget(self.splitter)
            chart = build_chart(table, lang, products)
            old = self.chart_view.chart()
            self.chart_view.setChart(chart if chart is not None else _blank_chart())
            old.deleteLater()
            self.chart_view.setVisible(chart is not None)
        has_personal = any(c.personal for c in table.columns)
        self.include_personal.setEnabled(has_personal)
        if not has_personal and self.include_personal.isChecked():
            self.include_personal.blockSignals(True)
            self.include_personal.setChecked(False)
            self.include_personal.blockSignals(False)
        for button in self.export_buttons.values():
            button.setEnabled(not self.exporting)
        QTimer.singleShot(0, self._balance)

    def _balance(self) -> None:
        """Stacked: the table as tall as its rows (at most half), the chart the rest."""
        if self.splitter.orientation() != Qt.Orientation.Vertical or self.model.table is None:
            return
        total = self.splitter.height() - self.splitter.handleWidth()
        rows = (self.table.horizontalHeader().sizeHint().height()
                + self.table.verticalHeader().length() + 2 * self.table.frameWidth() + 2)
        table_h = max(min(rows, total // 2), self.table.minimumHeight())
        self.splitter.setSizes([total - table_h, table_h])

    def _scope_text(self, table: Any) -> str:
        if table.name == "stock_aging":
            return self.tr("Vehicles in stock today; the date range does not apply")
        if table.name in STATE_REPORTS or table.name == "prescore_stability":
            return self.tr("State of this desk")
        if not self.sees_all:
            return self.tr("Your own applications")
        if self.consultant.currentData():
            return self.tr("Applications of {0}").format(self.consultant.currentText())
        return self.tr("All applications of the showroom")

    def _empty_text(self, table: Any) -> str:
        f = self.filters_used
        span = f"{f.date_from} – {f.date_to}" if f else ""
        if table.name in ("funnel", "timing", "promotions") or table.name.startswith(
                ("approval_by_", "prescore_agreement", "prescore_bands")):
            if not self.sees_all:
                return self.tr("None of your applications is in this range ({0}).\nChoose "
                               "a longer range or fewer filters.").format(span)
            return self.tr("No applications in this range ({0}).\nChoose a longer range "
                           "or fewer filters.").format(span)
        return self.tr("Nothing to show for these filters yet.")

    def _set_status(self, text: str, color: str | None, kind: str = "") -> None:
        self.status.setStyleSheet(f"color: {color};" if color else "")
        self.status.setText(text)
        self.status.setProperty("kind", kind)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = self.width() >= WIDE
        self.splitter.setOrientation(Qt.Orientation.Horizontal if wide
                                     else Qt.Orientation.Vertical)
        self._balance()

    # --- personal data and exports ----------------------------------------------------

    def _personal_toggled(self, checked: bool) -> None:
        if not checked:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Include personal data?"),
                          self.tr("The file will contain consultants' names unmasked. "
                                  "The export is recorded in the audit log under your name. "
                                  "Include them?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._personal_answered)
        self.personal_dialog = box
        box.open()

    def _personal_answered(self, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes:
            self.include_personal.blockSignals(True)
            self.include_personal.setChecked(False)
            self.include_personal.blockSignals(False)
        if self.personal_dialog is not None:
            self.personal_dialog.deleteLater()
            self.personal_dialog = None

    def _export_clicked(self) -> None:
        fmt = self.sender().property("format")
        if self.table_data is None:
            return
        f = self.filters_used
        suffix = f"_{f.date_from}_{f.date_to}" if f and f.date_from else ""
        name = f"{self.table_data.name}{suffix}.{fmt}"
        filters = {"csv": self.tr("CSV files (*.csv)"), "xlsx": self.tr("Excel files (*.xlsx)"),
                   "pdf": self.tr("PDF files (*.pdf)")}[fmt]
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"),
                                              str(Path.home() / name), filters)
        if path:
            target = Path(path)
            if target.suffix.lower() != f".{fmt}":
                target = target.with_name(target.name + f".{fmt}")
            self.export_to(fmt, target)

    def export_to(self, fmt: str, path: Path) -> None:
        """Write the report on screen to `path`, off the UI thread, audited."""
        table = self.table_data
        if table is None or self.exporting:
            return
        self.exporting = True
        self.exported = None
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self._set_status(self.tr("Writing {0}…").format(path.name), "#57606a", "export")
        reports, user, lang = self.services.reports, self.user, self.lang
        personal = self.sees_all and self.include_personal.isChecked()

        def job() -> Path:
            reports.export(user, table, fmt, path, include_personal=personal, lang=lang)
            return path

        run_in_background(job, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        self.exporting = False
        self.exported = path
        for button in self.export_buttons.values():
            button.setEnabled(True)
        masked = not self.include_personal.isChecked()
        text = self.tr("Saved to {0}.").format(str(path))
        if any(c.personal for c in self.table_data.columns):
            text += " " + (self.tr("Names are masked.") if masked else
                           self.tr("Names included; the export was recorded in the audit log."))
        self._set_status(text, "#1a7f37", "export")

    def _export_failed(self, error: Exception) -> None:
        self.exporting = False
        for button in self.export_buttons.values():
            button.setEnabled(True)
        detail = (self.tr("the file could not be written ({0}).").format(
            error.strerror or error) if isinstance(error, OSError) else describe(error))
        self._set_status(self.tr("The report was not exported: {0} The report on screen is "
                                 "unchanged; close the file if it is open in another "
                                 "program, or choose another folder, and export again.").format(
            detail), "#cf222e", "export")


def _blank_chart() -> QChart:
    return QChart()


def consultants_for(services: DeskServices, user: User) -> list[tuple[str, str]]:
    """(id, name) of the people whose applications this user may filter on."""
    return [(u.id, u.display_name) for u in services.reports.consultants(user)]

