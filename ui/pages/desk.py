"""Desk: the consultant's day at a glance."""

from __future__ import annotations

import functools

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import ApplicationStatus
from showroom_app.domain.models import DeskSummary, User
from showroom_app.services.app import DeskServices
from ui.errors import describe
from ui.style import STATUS_STYLE, status_color, status_text
from ui.widgets import Retranslatable, StatCard, run_in_background

IN_FLIGHT = (ApplicationStatus.QUEUED, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)
TO_SIGN = (ApplicationStatus.APPROVED, ApplicationStatus.CONDITIONAL,
           ApplicationStatus.CONTRACT_READY)


NEEDS_ACTION = ("conditional", "contract_ready", "dead_letters")


class DeskPage(Retranslatable, QWidget):
    new_application = Signal()
    open_application = Signal(str)  # an application id: show it on the Applications page
    open_applications = Signal()  # the whole list
    open_sync = Signal()  # refused items are handled on the Sync page

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.summary: DeskSummary | None = None
        self.problem: str | None = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")

        self.cards = {key: StatCard() for key in ("today", "flight", "sign", "stock", "outbox")}
        cards = QGridLayout()
        cards.setSpacing(12)
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)

        # What needs the consultant now: one row per kind, a count and the first few
        # references, each a button that opens it.
        self.action_box = QFrame()
        self.action_box.setObjectName("card")
        self.action_title = QLabel()
        self.action_title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.action_none = QLabel()
        self.action_none.setObjectName("hintText")
        self.action_rows: dict[str, tuple[QWidget, QLabel, QHBoxLayout]] = {}
        box = QVBoxLayout(self.action_box)
        box.setContentsMargins(16, 10, 16, 10)
        box.setSpacing(6)
        box.addWidget(self.action_title)
        box.addWidget(self.action_none)
        for key in NEEDS_ACTION:
            row_widget = QWidget()
            row_widget.setObjectName(f"needsAction_{key}")
            label = QLabel()
            label.setMinimumWidth(220)
            links = QHBoxLayout()
            links.setSpacing(6)
            row = QHBoxLayout(row_widget)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(label)
            row.addLayout(links)
            row.addStretch(1)
            box.addWidget(row_widget)
            self.action_rows[key] = (row_widget, label, links)
        self.action_links: list[QPushButton] = []

        self.recent_title = QLabel()
        self.recent_title.setStyleSheet("font-size: 16px; font-weight: 600; margin-top: 8px;")
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("recentApplications")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.new_button = QPushButton()
        self.new_button.setObjectName("primary")
        self.new_button.setMinimumHeight(40)
        self.new_button.setStyleSheet("font-size: 15px; padding: 8px 22px;")
        self.new_button.clicked.connect(self.new_application)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.new_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(cards)
        layout.addWidget(self.action_box)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.retranslate()

    def refresh(self) -> None:
        """Counts come from SQLite on a worker: the window never waits for the disk."""
        desk, user = self.services.desk, self.user
        run_in_background(functools.partial(desk.summary, user), self._show_summary,
                          self._summary_failed)

    def _show_summary(self, summary: DeskSummary) -> None:
        self.summary = summary
        self.problem = None
        self.retranslate()

    def _summary_failed(self, error: Exception) -> None:
        self.problem = describe(error)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Desk"))
        self.subtitle.setText(self.tr("Hello, {0}. Here is the day at a glance.").format(self.user.display_name))
        if self.problem:
            self.subtitle.setText(self.tr("The figures could not be read: {0}").format(self.problem))
        self.recent_title.setText(self.tr("Recent applications"))
        self.new_button.setText(self.tr("New application (Ctrl+N)"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Reference"), self.tr("Customer"), self.tr("Vehicle"),
            self.tr("Financed"), self.tr("Term"), self.tr("Status"), self.tr("Updated"),
        ])
        s = self.summary
        locale = QLocale()

        def n(value: int) -> str:
            return locale.toString(value) if s else "–"

        by = s.applications_by_status if s else {}
        self.cards["today"].set(n(s.applications_today if s else 0), self.tr("New applications today"))
        self.cards["flight"].set(n(sum(by.get(x, 0) for x in IN_FLIGHT)), self.tr("Waiting for the lessor"))
        self.cards["sign"].set(n(sum(by.get(x, 0) for x in TO_SIGN)), self.tr("Approved, to be signed"))
        self.cards["stock"].set(
            n(s.stock_in if s else 0),
            self.tr("Vehicles in stock, {0} over {1} days").format(
                s.aged_stock if s else "–", s.aged_days if s else 90),
        )
        self.cards["outbox"].set(
            n(s.outbox_pending if s else 0),
            self.tr("Waiting to be sent") if not (s and s.outbox_dead)
            else self.tr("Waiting to be sent, {0} need attention").format(s.outbox_dead),
        )
        self._fill_needs_action()
        self._fill_table()

    def _fill_needs_action(self) -> None:
        s = self.summary
        self.action_title.setText(self.tr("Needs action"))
        for button in self.action_links:
            button.deleteLater()
        self.action_links = []
        texts = {
            "conditional": (self.tr("Conditional approvals to requote: {0}"),
                            STATUS_STYLE[ApplicationStatus.CONDITIONAL][0]),
            "contract_ready": (self.tr("Contracts ready to sign: {0}"),
                               STATUS_STYLE[ApplicationStatus.CONTRACT_READY][0]),
            "dead_letters": (self.tr("Refused by the lessor, see Sync: {0}"), "#cf222e"),
        }
        anything = False
        for key, (row_widget, label, links) in self.action_rows.items():
            count, refs = getattr(s, key) if s else (0, [])
            row_widget.setVisible(bool(count))
            anything = anything or bool(count)
            text, colour = texts[key]
            label.setText(text.format(QLocale().toString(count)))
            label.setStyleSheet(f"color: {colour}; font-weight: 600;")
            for app_id, reference in refs:
                button = QPushButton(reference)
                button.setObjectName("needsActionLink")
                button.setFlat(True)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setStyleSheet(f"color: {colour}; text-decoration: underline;"
                                     " border: none; padding: 2px 4px;")
                button.setProperty("application_id", app_id)
                button.setProperty("kind", key)
                button.clicked.connect(self._action_clicked)
                links.addWidget(button)
                # Added to a page already on screen: shown now, not at the next event loop
                # turn (a screenshot or a quick click would find the row empty).
                button.show()
                self.action_links.append(button)
            if count > len(refs):
                more = QPushButton(self.tr("… all {0}").format(count))
                more.setObjectName("needsActionLink")
                more.setFlat(True)
                more.setProperty("kind", key)
                more.clicked.connect(self._action_clicked)
                links.addWidget(more)
                more.show()
                self.action_links.append(more)
        self.action_none.setVisible(not anything)
        self.action_none.setText(self.tr("Nothing is waiting for you.") if s else "…")

    def _action_clicked(self) -> None:
        button = self.sender()
        if button.property("kind") == "dead_letters":
            self.open_sync.emit()
        elif button.property("application_id"):
            self.open_application.emit(button.property("application_id"))
        else:
            self.open_applications.emit()

    def _fill_table(self) -> None:
        rows = self.summary.recent if self.summary else []
        locale = QLocale()
        self.table.setRowCount(len(rows))
        for r, app in enumerate(rows):
            money = QTableWidgetItem(app.financed_amount.format())
            money.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            term = QTableWidgetItem(self.tr("{0} months").format(app.term_months))
            term.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            status = QTableWidgetItem(status_text(app.status))
            status.setForeground(QBrush(status_color(app.status)))
            updated = QTableWidgetItem(
                locale.toString(app.updated_at.astimezone().replace(tzinfo=None), QLocale.FormatType.ShortFormat)
            )
            cells = [QTableWidgetItem(app.reference), QTableWidgetItem(app.customer_masked_name),
                     QTableWidgetItem(app.vehicle), money, term, status, updated]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
