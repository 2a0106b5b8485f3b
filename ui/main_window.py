"""The desk shell: navigation rail, pages, status bar, shortcuts, auto-lock."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

from showroom_app.domain.enums import AuditAction
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.status import CentralState
from showroom_app.services.sync import AppliedDecision, SyncState, SyncWorker
from ui.dialogs.sign_in import SignInDialog
from ui.i18n import Translations
from ui.idle import IdleWatcher
from ui.pages.applications import ApplicationsPage
from ui.pages.desk import DeskPage
from ui.pages.new_application import NewApplicationPage
from ui.pages.quote import QuotePage
from ui.pages.reports import ReportsPage
from ui.pages.settings import SettingsPage
from ui.pages.stock import StockPage
from ui.pages.sync import SyncPage
from ui.style import role_label, status_text
from ui.toast import NOTIFY_STATUSES, ToastStack
from ui.widgets import Retranslatable, run_in_background

log = logging.getLogger(__name__)

PAGE_KEYS = ("desk", "new", "quote", "applications", "stock", "reports", "sync", "settings")


class MainWindow(Retranslatable, QMainWindow):
    # Emitted on the sync worker's thread; Qt delivers it on the UI thread.
    sync_state = Signal(object)

    def __init__(
        self,
        services: DeskServices,
        user: User,
        translations: Translations,
        ui_state_file: Path,
    ) -> None:
        super().__init__()
        self.services = services
        self.user = user
        self.translations = translations
        self.ui_state = QSettings(str(ui_state_file), QSettings.Format.IniFormat)
        self.setMinimumSize(QSize(900, 560))
        self.central_state: CentralState | None = None
        self.outbox: tuple[int, int] | None = None
        self.last_sync: SyncState | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("navRail")
        self.nav.setFixedWidth(200)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.nav.setIconSize(QSize(20, 20))
        icons = (
            QStyle.StandardPixmap.SP_ComputerIcon,
            QStyle.StandardPixmap.SP_FileDialogNewFolder,
            QStyle.StandardPixmap.SP_FileDialogListView,
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            QStyle.StandardPixmap.SP_DriveHDIcon,
            QStyle.StandardPixmap.SP_FileDialogInfoView,
            QStyle.StandardPixmap.SP_BrowserReload,
            QStyle.StandardPixmap.SP_FileDialogContentsView,
        )
        for key, icon in zip(PAGE_KEYS, icons, strict=True):
            item = QListWidgetItem(self.style().standardIcon(icon), "")
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.pages = QStackedWidget()
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(body)

        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.central_label = QLabel()
        self.central_label.setObjectName("centralLabel")
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outboxLabel")
        self.sync_now = QToolButton()
        self.sync_now.setObjectName("syncNow")
        self.sync_now.setAutoRaise(True)
        self.sync_now.clicked.connect(self.sync_everything_now)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.outbox_label)
        self.statusBar().addPermanentWidget(self.central_label)
        self.statusBar().addPermanentWidget(self.sync_now)

        # Decisions arriving: toasts in the corner, the tray when the window is not in
        # front. Never a modal.
        self.toasts = ToastStack(self)
        self.toasts.open_application.connect(self.open_application)
        self.tray: QSystemTrayIcon | None = None
        self._tray_application: str | None = None

        self.idle = IdleWatcher(services.settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        self._build_pages()
        self._shortcuts()
        QApplication.instance().installEventFilter(self.idle)

        self.enrolled = False
        # One long-lived sync thread: a cycle every few seconds, at once when woken.
        self.sync_state.connect(self._synced)
        self.sync_worker = SyncWorker(services.sync, self.sync_state.emit)
        self._watch_network()

        self._restore_geometry()
        self.retranslate()
        self.nav.setCurrentRow(0)
        self.refresh_outbox()
        self.sync_worker.start()

    # --- pages ---------------------------------------------------------------

    def _build_pages(self) -> None:
        if getattr(self, "new_page", None) is not None:
            self.new_page.shutdown()  # the step on screen is saved first
        while self.pages.count():
            page = self.pages.widget(0)
            self.pages.removeWidget(page)
            page.deleteLater()
        self.desk_page = DeskPage(self.services, self.user)
        self.desk_page.new_application.connect(self._go_new)
        self.desk_page.open_application.connect(self.open_application)
        self.desk_page.open_sync.connect(self._go_sync)
        self.desk_page.open_applications.connect(self._go_applications)
        self.sync_page = SyncPage(self.services, self.user)
        self.sync_page.sync_now_requested.connect(self.sync_everything_now)
        self.settings_page = SettingsPage(self.services, self.user)
        self.settings_page.language_chosen.connect(self.set_language)
        self.settings_page.idle_minutes_changed.connect(self.idle.set_minutes)
        self.quote_page = QuotePage(self.services, self.user)
        self.stock_page = StockPage(self.services, self.user)
        self.new_page = self._new_application_page()
        self.applications_page = ApplicationsPage(self.services, self.user)
        self.applications_page.requote_requested.connect(self._requote)
        self.applications_page.resume_requested.connect(self.restart_new_application)
        for key in PAGE_KEYS:
            if key == "desk":
                page: QWidget = self.desk_page
            elif key == "new":
                page = self.new_page
            elif key == "quote":
                page = self.quote_page
            elif key == "settings":
                page = self.settings_page
            elif key == "sync":
                page = self.sync_page
            elif key == "stock":
                page = self.stock_page
            elif key == "reports":
                page = self.reports_page = ReportsPage(self.services, self.user)
            else:
                page = self.applications_page
            page.setObjectName(f"page_{key}")
            self.pages.addWidget(page)
        self.desk_page.refresh()

    def go(self, key: str) -> None:
        self.nav.setCurrentRow(PAGE_KEYS.index(key))

    def current_page_key(self) -> str:
        return PAGE_KEYS[self.pages.currentIndex()]

    def _shortcuts(self) -> None:
        # Bound methods only: PySide holds them weakly, while a lambda over `self`
        # would keep a closed window alive until Qt's own teardown, and crash it.
        keys = [("Ctrl+N", "new"), ("Ctrl+F", "applications")]
        keys += [(f"Ctrl+{i}", key) for i, key in enumerate(PAGE_KEYS, start=1)]
        for sequence, key in keys:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setObjectName(f"go:{key}")
            shortcut.activated.connect(self._shortcut_activated)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)

    def _shortcut_activated(self) -> None:
        shortcut = self.sender()
        self.go(shortcut.objectName().removeprefix("go:"))
        if shortcut.key() == QKeySequence("Ctrl+F"):
            self.applications_page.focus_search()

    def _requote(self, _application_id: str) -> None:
        # New figures for a conditional approval are queued: send them now.
        self.sync_worker.wake()

    def _new_application_page(self, resume_id: str | None = None) -> NewApplicationPage:
        page = NewApplicationPage(self.services, self.user, resume_id)
        page.submitted.connect(self._application_submitted)
        page.open_application.connect(self.open_application)
        page.restart_requested.connect(self.restart_new_application)
        self.capture_page = page.capture_page
        self.applicant_page = page.applicant_page
        return page

    def restart_new_application(self, resume_id: str = "") -> None:
        """A fresh wizard for the next customer, or a draft reopened where it was left
        (the unfinished drafts on its first step, Continue on the Applications page)."""
        old = self.new_page
        index = self.pages.indexOf(old)
        old.shutdown()
        self.new_page = self._new_application_page(resume_id or None)
        self.new_page.setObjectName("page_new")
        self.pages.insertWidget(index, self.new_page)
        self.pages.removeWidget(old)
        old.deleteLater()
        self.go("new")
        self.pages.setCurrentWidget(self.new_page)

    def _application_submitted(self, _application_id: str) -> None:
        # Send it now if the network is there; the desk page shows it queued meanwhile.
        self.sync_worker.wake()
        self.desk_page.refresh()

    def _go_new(self) -> None:
        self.go("new")

    def _go_sync(self) -> None:
        self.go("sync")

    def _go_applications(self) -> None:
        self.go("applications")

    def open_application(self, application_id: str) -> None:
        """The Applications page, showing one application (from a toast or the Desk)."""
        self.go("applications")
        self.applications_page.select_application(application_id)
        self.applications_page.show_application(application_id)

    # --- notifications -----------------------------------------------------------

    def notify_decisions(self, decisions: tuple[AppliedDecision, ...]) -> None:
        """Central decided: a toast per decision, and the tray when the consultant is
        looking elsewhere. Routine news, so never a modal dialog."""
        news = [d for d in decisions if d.status in NOTIFY_STATUSES]
        if not news or not self.centralWidget().isVisible():  # locked: nothing on screen
            return
        for d in news[-self.toasts.max_shown:]:
            self.toasts.show_decision(d.application_id, d.reference, d.status)
        if not self.isActiveWindow() and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_message(news)

    def _tray_message(self, news: list[AppliedDecision]) -> None:
        if self.tray is None:
            icon = self.windowIcon()
            if icon.isNull():
                icon = self.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.messageClicked.connect(self._tray_clicked)
        self.tray.setToolTip(self.tr("Showroom Finance Desk"))
        self.tray.show()
        self._tray_application = news[-1].application_id
        if len(news) == 1:
            title = self.tr("The lessor's decision arrived")
        else:
            title = self.tr("{0} decisions arrived").format(len(news))
        body = "\n".join(self.tr("{0}: {1}").format(d.reference, status_text(d.status))
                         for d in news[-5:])
        self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8_000)

    def _tray_clicked(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if self._tray_application is not None:
            self.open_application(self._tray_application)

    # --- language --------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language != self.services.settings.language:
            self.services.update_settings(self.user, language=language)
        self.translations.set_language(language)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Showroom Finance Desk"))
        labels = {
            "desk": self.tr("Desk"),
            "new": self.tr("New application"),
            "quote": self.tr("Quote"),
            "applications": self.tr("Applications"),
            "stock": self.tr("Stock & promotions"),
            "reports": self.tr("Reports"),
            "sync": self.tr("Sync"),
            "settings": self.tr("Settings"),
        }
        for i, key in enumerate(PAGE_KEYS):
            self.nav.item(i).setText(labels[key])
        self.user_label.setText(self.tr("Signed in: {0} ({1})").format(self.user.display_name, role_label(self.user.role)))
        self.sync_now.setText(self.tr("Sync now"))
        self.sync_now.setToolTip(self.tr("Send what is waiting and fetch the lessor's decisions now"))
        self._show_central()
        self._show_outbox()

    # --- status bar -------------------------------------------------------------

    def refresh_outbox(self) -> None:
        """Once at start, before the sync worker's first report (which may wait for a
        slow health probe); from then on every sync cycle reports the counts."""
        run_in_background(self.services.desk.outbox_counts, self._outbox_counted)

    def _outbox_counted(self, counts: tuple[int, int]) -> None:
        self.outbox = counts
        self._show_outbox()

    def _show_outbox(self) -> None:
        if self.outbox is None:
            self.outbox_label.setText(self.tr("Outbox: …"))
            return
        pending, dead = self.outbox
        if pending and self.central_state is CentralState.ONLINE and self.enrolled:
            text = self.tr("Syncing: {0} to send").format(pending)
        else:
            text = self.tr("Outbox: {0} waiting").format(pending)
        stuck = self.last_sync.stuck if self.last_sync else 0
        if dead:
            text += " · " + self.tr("{0} need attention").format(dead)
        if stuck:
            text += " · " + self.tr("not getting through: see Sync")
        self.outbox_label.setText(text)
        self.outbox_label.setStyleSheet("color: #cf222e;" if dead or stuck else "")

    @property
    def syncing(self) -> bool:
        return self.sync_worker.busy

    def sync_everything_now(self) -> None:
        """"Sync now": send, and fetch every feed including catalog and campaigns."""
        self.sync_worker.wake(everything=True)

    def _watch_network(self) -> None:
        # The OS says when the network comes back: sync at once instead of at the next
        # tick. Where no backend exists (some Linux desktops, CI) the tick still works.
        self.network = None
        if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            self.network = QNetworkInformation.instance()
            if self.network is not None:
                self.network.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, _reachability: object) -> None:
        self.sync_worker.wake()

    def _synced(self, state: SyncState) -> None:
        self.last_sync = state
        if not state.configured:
            self.central_state = CentralState.NOT_CONFIGURED
        else:
            self.central_state = CentralState.ONLINE if state.online else CentralState.OFFLINE
        self.outbox = (state.pending, state.dead)
        self.enrolled = state.enrolled
        self._show_central()
        self._show_outbox()
        self.sync_page.show_state(state)
        if state.changed:
            self.desk_page.refresh()
        if state.decisions:
            self.notify_decisions(state.decisions)

    def _show_central(self) -> None:
        texts = {
            None: (self.tr("Central: checking…"), "#57606a"),
            CentralState.NOT_CONFIGURED: (self.tr("Central: not configured"), "#57606a"),
            CentralState.ONLINE: (self.tr("● Central: online"), "#1a7f37"),
            CentralState.OFFLINE: (self.tr("● Central: offline — work is kept and sent later"), "#9a6700"),
        }
        text, colour = texts[self.central_state]
        self.central_label.setText(text)
        self.central_label.setStyleSheet(f"color: {colour};")

    # --- lock, geometry ------------------------------------------------------------

    def lock(self) -> None:
        """Hide everything on screen until the user (or another user) signs in again."""
        self.idle.pause()
        self.new_page.flush()  # the wizard's step on screen is saved before the lock
        self.capture_page.shutdown()  # no camera runs behind the lock screen
        self.toasts.clear()  # references are not left on a locked screen
        self.centralWidget().hide()
        self.services.auth.record(self.user, AuditAction.LOCK)
        dialog = SignInDialog(self.services, locked_user=self.user,
                              on_language=self.set_language, parent=self)
        dialog.setObjectName("lockDialog")
        accepted = dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None
        new_user = dialog.user
        # Nothing of the typed password may linger in a hidden dialog.
        dialog.password.clear()
        dialog.deleteLater()
        if not accepted or new_user is None:
            self.close()
            return
        if new_user.id != self.user.id:
            self.user = new_user
            self._build_pages()
            self.retranslate()
            self.go("desk")
        self.centralWidget().show()
        self.idle.resume()

    def _restore_geometry(self) -> None:
        self.start_maximized = False
        geometry = self.ui_state.value("main/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        screen = QApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        if available is not None and (available.width() < 1400 or available.height() < 860):
            # 1366×768 with a taskbar: a 1280×800 window plus its title bar would hang
            # below the screen; use all of it instead.
            self.start_maximized = True
            self.resize(available.size())
        else:
            self.resize(1280, 800)

    def show_at_start(self) -> None:
        if self.start_maximized:
            self.showMaximized()
        else:
            self.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        toasts = getattr(self, "toasts", None)
        if toasts is not None:
            toasts.relayout()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_state.setValue("main/geometry", self.saveGeometry())
        self.ui_state.sync()
        QApplication.instance().removeEventFilter(self.idle)
        self.new_page.shutdown()  # saves the wizard's step on screen, stops the camera
        self.sync_worker.stop()
        self.toasts.clear()
        if self.tray is not None:
            self.tray.hide()
        if self.network is not None:
            self.network.reachabilityChanged.disconnect(self._reachability_changed)
        super().closeEvent(event)
