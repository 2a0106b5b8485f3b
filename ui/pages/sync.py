"""Sync: what waits to reach the lessor, what it refused, and when each feed last
answered. Managers resolve refusals here (send again after fixing, or discard)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import OutboxKind, OutboxStatus, Permission
from showroom_app.domain.models import OutboxItem, User
from showroom_app.services.app import DeskServices
from showroom_app.services.outbox import FEEDS, STUCK_AFTER_ATTEMPTS
from showroom_app.services.sync import SyncState
from ui.errors import describe
from ui.widgets import Retranslatable, list_table, run_in_background

RED, AMBER = QColor("#cf222e"), QColor("#9a6700")


@dataclass(frozen=True)
class SyncView:
    items: list[OutboxItem]
    pulls: dict[str, str | None]


class SyncPage(Retranslatable, QWidget):
    sync_now_requested = Signal()

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.view: SyncView | None = None
        self.state: SyncState | None = None
        self.problem: str | None = None
        self.may_resolve = user.can(Permission.RESOLVE_DEAD_LETTERS)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        self.attention = QLabel()
        self.attention.setObjectName("syncAttention")
        self.attention.setWordWrap(True)
        self.attention.setStyleSheet("color: #cf222e; font-weight: 600;")

        self.feeds_title = QLabel()
        self.feeds_title.setStyleSheet("font-size: 16px; font-weight: 600; margin-top: 8px;")
        self.feed_labels = {feed: (QLabel(), QLabel()) for feed in FEEDS}
        feeds = QFormLayout()
        feeds.setHorizontalSpacing(16)
        for name, value in self.feed_labels.values():
            value.setObjectName("feedValue")
            feeds.addRow(name, value)

        self.queue_title = QLabel()
        self.queue_title.setStyleSheet("font-size: 16px; font-weight: 600; margin-top: 8px;")
        self.table = list_table(7, "outboxTable")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = QLabel()
        self.empty.setObjectName("outboxEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setStyleSheet("color: #1a7f37; font-size: 15px; padding: 24px;")

        self.resend_button = QPushButton()
        self.resend_button.setObjectName("resendButton")
        self.resend_button.clicked.connect(self.resend_selected)
        self.discard_button = QPushButton()
        self.discard_button.setObjectName("discardButton")
        self.discard_button.clicked.connect(self.discard_selected)
        self.manager_note = QLabel()
        self.manager_note.setStyleSheet("color: #57606a;")
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("primary")
        self.sync_button.clicked.connect(self.sync_now_requested)
        actions = QHBoxLayout()
        actions.addWidget(self.manager_note)
        actions.addStretch(1)
        actions.addWidget(self.resend_button)
        actions.addWidget(self.discard_button)
        actions.addWidget(self.sync_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.attention)
        layout.addWidget(self.feeds_title)
        layout.addLayout(feeds)
        layout.addWidget(self.queue_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(actions)
        self.retranslate()

    # --- data ------------------------------------------------------------------

    def refresh(self) -> None:
        run_in_background(functools.partial(_load, self.services, self.user), self._loaded,
                          self._failed)

    def show_state(self, state: SyncState) -> None:
        self.state = state
        self._show_header()
        self.refresh()

    def _loaded(self, view: SyncView) -> None:
        self.view, self.problem = view, None
        self.retranslate()

    def _failed(self, error: Exception) -> None:
        self.problem = describe(error)
        self.retranslate()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    # --- actions ---------------------------------------------------------------

    def selected_item(self) -> OutboxItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or self.view is None:
            return None
        return self.view.items[rows[0].row()]

    def resend_selected(self) -> None:
        item = self.selected_item()
        if item is None or item.status != OutboxStatus.DEAD:
            return
        answer = QMessageBox.question(
            self, self.tr("Send again"),
            self.tr("Send {0} of application {1} again?\n\nThe lessor refused it with: {2}\n\nSend it again only once the cause is fixed; otherwise it will be refused again.").format(
                kind_text(item.kind), item.application_reference or "–", item.last_error or "–"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._act(functools.partial(self.services.outbox.resend, self.user, item.id))

    def discard_selected(self) -> None:
        item = self.selected_item()
        if item is None or item.status != OutboxStatus.DEAD:
            return
        extra = ""
        if item.kind == OutboxKind.SUBMIT_APPLICATION:
            extra = "\n\n" + self.tr("The application goes back to the desk as a draft, with the documents queued after it.")
        answer = QMessageBox.question(
            self, self.tr("Discard"),
            self.tr("Discard {0} of application {1}? It will not be sent. This is recorded in the audit log.").format(
                kind_text(item.kind), item.application_reference or "–") + extra,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._act(functools.partial(self.services.outbox.discard, self.user, item.id))

    def _act(self, fn) -> None:
        self.resend_button.setEnabled(False)
        self.discard_button.setEnabled(False)
        run_in_background(fn, self._acted, self._act_failed)

    def _acted(self, _result: object) -> None:
        self.refresh()
        self.sync_now_requested.emit()

    def _act_failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("Sync"), describe(error))
        self.refresh()

    def _selection_changed(self) -> None:
        item = self.selected_item()
        dead = item is not None and item.status == OutboxStatus.DEAD
        self.resend_button.setEnabled(self.may_resolve and dead)
        self.discard_button.setEnabled(self.may_resolve and dead)

    # --- text ------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sync"))
        self.feeds_title.setText(self.tr("Last answer from the lessor"))
        self.queue_title.setText(self.tr("Waiting to be sent"))
        self.resend_button.setText(self.tr("Send again…"))
        self.discard_button.setText(self.tr("Discard…"))
        self.sync_button.setText(self.tr("Sync now"))
        self.manager_note.setText("" if self.may_resolve else self.tr("A manager can send refused items again or discard them."))
        self.resend_button.setVisible(self.may_resolve)
        self.discard_button.setVisible(self.may_resolve)
        self.table.setHorizontalHeaderLabels([
            self.tr("Application"), self.tr("What"), self.tr("State"), self.tr("Attempts"),
            self.tr("Next try"), self.tr("Last error"), self.tr("Queued"),
        ])
        names = {"decisions": self.tr("Decisions"), "contracts": self.tr("Contracts"),
                 "catalog": self.tr("Products and rates"), "campaigns": self.tr("Campaigns")}
        pulls = self.view.pulls if self.view else {}
        for feed, (name, value) in self.feed_labels.items():
            name.setText(self.tr("{0}:").format(names[feed]))
            at = pulls.get(feed)
            value.setText(_local(datetime.fromisoformat(at)) if at else self.tr("not yet"))
        self._show_header()
        self._fill()

    def _show_header(self) -> None:
        st = self.state
        if self.problem:
            self.subtitle.setText(self.tr("The outbox could not be read: {0}").format(self.problem))
        elif st is None:
            self.subtitle.setText(self.tr("Checking the connection to the lessor…"))
        elif not st.configured:
            self.subtitle.setText(self.tr("No lessor address is set: work is kept on this PC until one is configured in Settings."))
        elif not st.online:
            self.subtitle.setText(self.tr("Offline: {0} item(s) are kept on this PC and sent when the connection returns.").format(st.pending))
        elif not st.enrolled:
            self.subtitle.setText(self.tr("The lessor does not accept this desk's credentials: an administrator must enroll it again. Nothing is lost."))
        elif st.pending:
            self.subtitle.setText(self.tr("Online: sending {0} item(s).").format(st.pending))
        else:
            self.subtitle.setText(self.tr("Online: everything has been sent."))
        notes = []
        if st is not None and st.dead:
            notes.append(self.tr("{0} item(s) were refused by the lessor and wait for a manager.").format(st.dead))
        if st is not None and st.stuck:
            notes.append(self.tr("{0} item(s) failed {1} times or more: the queue is not draining. Check the network or call support; nothing is lost.").format(st.stuck, STUCK_AFTER_ATTEMPTS))
        self.attention.setText("\n".join(notes))
        self.attention.setVisible(bool(notes))

    def _fill(self) -> None:
        items = self.view.items if self.view else []
        self.table.setRowCount(len(items))
        self.empty.setText(self.tr("Nothing is waiting: everything made at this desk has reached the lessor."))
        nothing = self.view is not None and not items
        self.empty.setVisible(nothing)
        self.table.setVisible(not nothing)
        now = datetime.now(UTC)
        for r, item in enumerate(items):
            state, colour = self._state(item)
            cells = [
                QTableWidgetItem(item.application_reference or "–"),
                QTableWidgetItem(kind_text(item.kind)),
                QTableWidgetItem(state),
                QTableWidgetItem(QLocale().toString(item.attempts)),
                QTableWidgetItem(self._next_try(item, now)),
                QTableWidgetItem(item.last_error or ""),
                QTableWidgetItem(_local(item.created_at)),
            ]
            cells[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colour is not None:
                cells[2].setForeground(QBrush(colour))
            cells[5].setToolTip(item.last_error or "")
            for c, cell in enumerate(cells):
                self.table.setItem(r, c, cell)
        self._selection_changed()

    def _state(self, item: OutboxItem) -> tuple[str, QColor | None]:
        if item.status == OutboxStatus.DEAD:
            return self.tr("Refused"), RED
        if item.attempts >= STUCK_AFTER_ATTEMPTS:
            return self.tr("Not getting through"), RED
        if item.attempts:
            return self.tr("Retrying"), AMBER
        return self.tr("Waiting"), None

    def _next_try(self, item: OutboxItem, now: datetime) -> str:
        if item.status == OutboxStatus.DEAD:
            return self.tr("after a manager acts")
        if item.next_attempt_at is None or item.next_attempt_at <= now:
            return self.tr("now")
        seconds = int((item.next_attempt_at - now).total_seconds())
        if seconds < 60:
            return self.tr("in {0} s").format(seconds)
        return self.tr("in {0} min").format(seconds // 60)


def kind_text(kind: str) -> str:
    translate = QCoreApplication.translate
    return {
        OutboxKind.SUBMIT_APPLICATION: translate("SyncPage", "Submission"),
        OutboxKind.REQUOTE_APPLICATION: translate("SyncPage", "Requote"),
        OutboxKind.UPLOAD_DOCUMENT: translate("SyncPage", "Document"),
        OutboxKind.SIGN_CONTRACT: translate("SyncPage", "Signature"),
        OutboxKind.WITHDRAW_APPLICATION: translate("SyncPage", "Withdrawal"),
    }.get(kind, kind)


def _local(at: datetime) -> str:
    return QLocale().toString(at.astimezone().replace(tzinfo=None), QLocale.FormatType.ShortFormat)


def _load(services: DeskServices, user: User) -> SyncView:
    return SyncView(services.outbox.items(user), services.outbox.last_pulls())
