"""Stock & promotions: the dealer's vehicles, longest in stock first, each with the
financing its stock situation allows; the import from the DMS; and (second tab) the
promotion rules with their tester.

Offers over thousands of vehicles and imports run off the UI thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from ui.dialogs.stock_dialogs import ColumnMappingDialog, ImportReportDialog, VehicleDialog
from ui.errors import describe
from ui.pages.offer_words import (
    category_name,
    fee_names,
    money,
    offer_words,
    one_language,
    status_name,
)
from ui.pages.promotion_rules import RulesView
from ui.widgets import Retranslatable, run_in_background

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
AGED_DAYS = 90
COLUMNS = 8
COL_VIN, COL_VEHICLE, COL_CATEGORY, COL_PRICE, COL_DAYS, COL_STATUS, COL_OFFERS, COL_BEST = \
    range(COLUMNS)
CHIP_ROLE = Qt.ItemDataRole.UserRole + 1


def today():
    return datetime.now(UTC).astimezone().date()


class ChipDelegate(QStyledItemDelegate):
    """Paints the offers count as a coloured, rounded chip ("2 项优惠")."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        count = index.data(CHIP_ROLE) or 0
        if not count:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        if style is not None:  # selection background, no text
            text = option.text
            option.text = ""
            style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
            option.text = text
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(option.text) + 16
        height = metrics.height() + 4
        rect = QRect(option.rect.left() + 6, option.rect.center().y() - height // 2 + 1,
                     width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1a7f37"))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, option.text)
        painter.restore()


    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 28, size.height())


class StockPage(Retranslatable, QWidget):
    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.offers: list[Any] = []
        self.loading = False
        self.pending_refresh = False
        self.loaded = False
        self.mapping_dialog: ColumnMappingDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.vehicle_dialog: VehicleDialog | None = None
        self.import_path: Path | None = None
        self.last_report: Any = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        # --- vehicles tab
        self.search = QLineEdit()
        self.search.setObjectName("stockSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.only_offers = QCheckBox()
        self.only_offers.setObjectName("onlyOffers")
        self.only_offers.toggled.connect(self.apply_filter)
        self.only_aged = QCheckBox()
        self.only_aged.setObjectName("onlyAged")
        self.only_aged.toggled.connect(self.apply_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("stockCount")
        self.count_label.setStyleSheet("color: #57606a;")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.only_offers)
        filters.addWidget(self.only_aged)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("stockTable")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(COL_OFFERS, ChipDelegate(self.table))
        header = self.table.horizontalHeader()
        for c in range(COLUMNS):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_VEHICLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_BEST, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_VEHICLE, 250)
        self.table.doubleClicked.connect(self.edit_vehicle)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.status = QLabel()
        self.status.setObjectName("stockStatus")
        self.status.setWordWrap(True)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addVehicle")
        self.add_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_button.clicked.connect(self.add_vehicle)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editVehicle")
        self.edit_button.setShortcut(QKeySequence("F2"))
        self.edit_button.clicked.connect(self.edit_vehicle)
        self.edit_button.setEnabled(False)
        self.import_button = QPushButton()
        self.import_button.setObjectName("primary")
        self.import_button.setShortcut(QKeySequence("Ctrl+I"))
        self.import_button.clicked.connect(self.choose_import_file)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.add_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.import_button)

        vehicles = QWidget()
        vehicles.setObjectName("vehiclesTab")
        v = QVBoxLayout(vehicles)
        v.setContentsMargins(0, 8, 0, 0)
        v.addLayout(filters)
        v.addWidget(self.table, 1)
        v.addLayout(actions)

        # --- rules tab
        self.rules_view = RulesView(services, user)
        self.rules_view.rules_changed.connect(self.refresh)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("stockTabs")
        self.tabs.addTab(vehicles, "")
        self.tabs.addTab(self.rules_view, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.tabs, 1)
        find = QShortcut(QKeySequence("Ctrl+Shift+F"), self)
        find.activated.connect(self._focus_search)
        self.retranslate()

    @property
    def english(self) -> bool:
        return not self.services.settings.language.startswith("zh")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Stock & promotions"))
        self.subtitle.setText(self.tr(
            "The vehicles longest in stock first, each with the best financing its "
            "promotions allow. Import the DMS export or add vehicles by hand."))
        self.tabs.setTabText(0, self.tr("Vehicles"))
        self.tabs.setTabText(1, self.tr("Promotion rules"))
        self.search.setPlaceholderText(self.tr("Search VIN, make, model… (Ctrl+Shift+F)"))
        self.only_offers.setText(self.tr("Only with offers"))
        self.only_aged.setText(self.tr("In stock {0}+ days").format(AGED_DAYS))
        self.table.setHorizontalHeaderLabels([
            self.tr("VIN"), self.tr("Vehicle"), self.tr("Category"), self.tr("Price"),
            self.tr("Days in stock"), self.tr("Status"), self.tr("Offers"),
            self.tr("Best financing offer")])
        self.add_button.setText(self.tr("Add vehicle (Ctrl+Shift+N)"))
        self.edit_button.setText(self.tr("Edit (F2)"))
        self.import_button.setText(self.tr("Import… (Ctrl+I)"))
        if self.loaded:
            self._fill()

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    # --- loading ---------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.loaded and not self.loading:
            self.refresh()

    def refresh(self) -> None:
        if self.loading:
            self.pending_refresh = True
            return
        self.pending_refresh = False
        self.loading = True
        self.status.setStyleSheet("color: #57606a;")
        self.busy_text = self.tr("Working out the offers on every vehicle…")
        self.status.setText(self.busy_text)
        promotions, quoting, day = self.services.promotions, self.services.quoting, today()

        def job() -> tuple[list[Any], Any]:
            return promotions.offers(day), quoting.catalog()

        run_in_background(job, self._loaded, self._load_failed)

    def _loaded(self, result: tuple[list[Any], Any]) -> None:
        self.offers, self.catalog = result
        self.loading = False
        if self.pending_refresh:  # the stock changed while this was loading
            self.refresh()
        self.loaded = True
        self._fill()
        if self.status.text() == getattr(self, "busy_text", None):
            self.status.setText("")
        self.rules_view.set_catalog(self.catalog)
        self.rules_view.load_rules()  # central's campaigns may have arrived by sync

    def _load_failed(self, error: Exception) -> None:
        self.loading = False
        self.status.setStyleSheet("color: #cf222e;")
        self.status.setText(self.tr("The stock could not be loaded: {0}").format(describe(error)))

    def _fill(self) -> None:
        english = self.english
        fees = fee_names(self.catalog, english)
        self.table.setUpdatesEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(self.offers))
        for r, vo in enumerate(self.offers):
            item = vo.item
            count = len(vo.offer.applied)
            words = offer_words(vo.offer, english, fees)
            cells = [
                item.vin,
                " ".join(p for p in (item.make, item.model, item.trim) if p)
                + (f" · {item.model_year}" if item.model_year else ""),
                category_name(str(item.category)),
                money(item.list_price),
                str(vo.days_in_stock),
                status_name(str(item.status)),
                (self.tr("1 offer") if count == 1 else self.tr("{0} offers").format(count))
                if count else "",
                ("; " if english else "；").join(words),
            ]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c in (COL_PRICE, COL_DAYS):
                    cell.setTextAlignment(RIGHT)
                if c == COL_DAYS and vo.days_in_stock >= AGED_DAYS:
                    cell.setForeground(QColor("#bc4c00"))
                if c == COL_OFFERS:
                    cell.setData(CHIP_ROLE, count)
                    cell.setToolTip("\n".join(
                        (rule.name_en if english else rule.name_zh) for rule in vo.offer.applied))
                if c == COL_BEST and words:
                    cell.setForeground(QColor("#1a7f37"))
                    cell.setToolTip(cell.text())
                cell.setData(Qt.ItemDataRole.UserRole, r)
                self.table.setItem(r, c, cell)
        self.table.setUpdatesEnabled(True)
        self.apply_filter()

    def apply_filter(self) -> None:
        words = self.search.text().strip().lower().split()
        offers_only, aged_only = self.only_offers.isChecked(), self.only_aged.isChecked()
        shown = 0
        for r, vo in enumerate(self.offers):
            item = vo.item
            hay = " ".join((item.vin, item.make, item.model, item.trim,
                            str(item.model_year or ""))).lower()
            visible = all(w in hay for w in words) \
                and (not offers_only or bool(vo.offer.applied)) \
                and (not aged_only or vo.days_in_stock >= AGED_DAYS)
            self.table.setRowHidden(r, not visible)
            shown += visible
        with_offers = sum(1 for vo in self.offers if vo.offer.applied)
        self.count_label.setText(self.tr("{0} of {1} vehicles · {2} with offers").format(
            shown, len(self.offers), with_offers))

    def visible_rows(self) -> list[Any]:
        return [vo for r, vo in enumerate(self.offers) if not self.table.isRowHidden(r)]

    def _selection_changed(self) -> None:
        self.edit_button.setEnabled(self.selected_offer() is not None)

    def selected_offer(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        index = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return self.offers[index] if index is not None and index < len(self.offers) else None

    # --- add / edit --------------------------------------------------------------------

    def add_vehicle(self) -> None:
        self._open_vehicle(None)

    def edit_vehicle(self) -> None:
        chosen = self.selected_offer()
        if chosen is not None:
            self._open_vehicle(chosen.item)

    def _open_vehicle(self, item: Any) -> None:
        dialog = VehicleDialog(self.services, self.user, today(), item, self.english, self)
        dialog.accepted.connect(self._vehicle_saved)
        self.vehicle_dialog = dialog
        dialog.open()

    def _vehicle_saved(self) -> None:
        dialog = self.vehicle_dialog
        if dialog is None or dialog.saved is None:
            return
        vin = dialog.saved.vin
        if dialog.warnings:
            self.status.setStyleSheet("color: #9a6700;")
            self.status.setText(self.tr("Vehicle {0} saved, please check: {1}").format(
                vin, " ".join(dialog.warnings)))
        else:
            self.status.setStyleSheet("color: #1a7f37;")
            self.status.setText(self.tr("Vehicle {0} saved.").format(vin))
        dialog.deleteLater()
        self.vehicle_dialog = None
        message = self.status.text()
        self.refresh()
        self.status.setText(message)

    # --- import ----------------------------------------------------------------------

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import the stock"), str(Path.home()),
            self.tr("DMS exports (*.csv *.xlsx *.xlsm);;All files (*)"))
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Read the file's header and first rows off the UI thread, then ask for the
        columns."""
        self.import_path = path
        self.import_button.setEnabled(False)
        self.status.setStyleSheet("color: #57606a;")
        self.status.setText(self.tr("Reading {0}…").format(path.name))
        stock = self.services.stock

        def job() -> tuple[list[str], dict[str, str], list[list[object]]]:
            return stock.preview(path)

        run_in_background(job, self._previewed, self._import_failed)

    def _previewed(self, result: tuple[list[str], dict[str, str], list[list[object]]]) -> None:
        header, mapping, rows = result
        self.status.setText("")
        path = self.import_path
        dialog = ColumnMappingDialog(path.name if path else "", header, mapping, rows, self)
        dialog.accepted.connect(self._mapping_chosen)
        dialog.rejected.connect(self._mapping_cancelled)
        self.mapping_dialog = dialog
        dialog.open()

    def _mapping_cancelled(self) -> None:
        self.import_button.setEnabled(True)
        if self.mapping_dialog is not None:
            self.mapping_dialog.deleteLater()
            self.mapping_dialog = None

    def _mapping_chosen(self) -> None:
        dialog = self.mapping_dialog
        path = self.import_path
        if dialog is None or path is None:
            return
        mapping, remember = dialog.mapping(), dialog.remember.isChecked()
        dialog.deleteLater()
        self.mapping_dialog = None
        self.status.setStyleSheet("color: #57606a;")
        self.status.setText(self.tr("Importing {0}…").format(path.name))
        stock, user, day = self.services.stock, self.user, today()

        def job() -> Any:
            return stock.import_file(user, path, day, mapping=mapping, remember=remember,
                                     exact=True)

        run_in_background(job, self._imported, self._import_failed)

    def _imported(self, report: Any) -> None:
        self.last_report = report
        self.import_button.setEnabled(True)
        self.status.setStyleSheet("color: #1a7f37;" if not report.rejected else "color: #9a6700;")
        self.status.setText(self.tr(
            "Import done: {0} added, {1} updated, {2} not imported.").format(
            report.imported, report.updated, len(report.rejected)))
        message = self.status.text()
        dialog = ImportReportDialog(report, self.english, self)
        self.report_dialog = dialog
        dialog.open()
        self.refresh()
        self.status.setText(message)

    def _import_failed(self, error: Exception) -> None:
        self.import_button.setEnabled(True)
        self.status.setStyleSheet("color: #cf222e;")
        detail = one_language(str(error), self.english) if isinstance(error, ValueError) \
            else describe(error)
        self.status.setText(self.tr(
            "The file was not imported: {0} Nothing was changed; fix the file or the columns "
            "and import again.").format(detail))
