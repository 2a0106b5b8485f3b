"""Settings: language, auto-lock, users (administrators), about."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import Permission, Role
from showroom_app.domain.errors import ShowroomError
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.selftest import run_check
from showroom_app.services.support import SupportBundle, write_support_bundle
from ui.errors import describe
from ui.i18n import LANGUAGES
from ui.selftest import qt_checks
from ui.style import role_label
from ui.widgets import Retranslatable, run_in_background


class SettingsPage(Retranslatable, QWidget):
    language_chosen = Signal(str)
    idle_minutes_changed = Signal(int)

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.title = QLabel()
        self.title.setObjectName("pageTitle")

        self.general = QGroupBox()
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(services.settings.language))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setValue(services.settings.idle_lock_minutes)
        # Desk-wide security setting: managers and administrators only.
        self.idle.setEnabled(user.can(Permission.CHANGE_SETTINGS))
        self.idle.editingFinished.connect(self._idle_changed)
        self.language_label, self.idle_label = QLabel(), QLabel()
        self.language.setMaximumWidth(260)
        self.idle.setMaximumWidth(120)
        general = QFormLayout(self.general)
        general.addRow(self.language_label, self.language)
        general.addRow(self.idle_label, self.idle)

        self.users_box = QGroupBox()
        self.users_box.setObjectName("usersBox")
        self.users = QTableWidget(0, 3)
        self.users.verticalHeader().setVisible(False)
        self.users.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.users.setMaximumHeight(170)
        self.new_username = QLineEdit()
        self.new_display = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_role = QComboBox()
        for role in Role:
            # Qt hands enum item data back as a plain str: store the value, rebuild the Role.
            self.new_role.addItem("", role.value)
        self.add_user = QPushButton()
        self.add_user.clicked.connect(self._add_user)
        self.user_message = QLabel()
        self.user_message.setWordWrap(True)
        add_row = QHBoxLayout()
        for w in (self.new_username, self.new_display, self.new_password, self.new_role,
                  self.add_user):
            add_row.addWidget(w)
        users_layout = QVBoxLayout(self.users_box)
        users_layout.addWidget(self.users)
        users_layout.addLayout(add_row)
        users_layout.addWidget(self.user_message)

        self.about = QGroupBox()
        self.about_text = QLabel()
        self.about_text.setWordWrap(True)
        self.about_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Support bundle: logs + self-test in one zip, personal data masked.
        self.support_button = QPushButton()
        self.support_button.setObjectName("supportBundleButton")
        self.support_button.clicked.connect(self._support_clicked)
        self.support_status = QLabel()
        self.support_status.setWordWrap(True)
        self.support_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.support_bundle: SupportBundle | None = None
        support_row = QHBoxLayout()
        support_row.addWidget(self.support_button)
        support_row.addWidget(self.support_status, 1)
        about_layout = QVBoxLayout(self.about)
        about_layout.addWidget(self.about_text)
        about_layout.addLayout(support_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.general)
        layout.addWidget(self.users_box)
        layout.addWidget(self.about)
        layout.addStretch(1)
        # Only once it has a parent: a parentless widget made visible is a window.
        self.users_box.setVisible(user.can(Permission.MANAGE_USERS))
        self._load_users()
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        # The language may have been switched elsewhere (sign-in dialog, lock screen).
        self.language.blockSignals(True)
        self.language.setCurrentIndex(self.language.findData(self.services.settings.language))
        self.language.blockSignals(False)
        self.general.setTitle(self.tr("This desk"))
        self.language_label.setText(self.tr("Language"))
        self.idle_label.setText(self.tr("Lock after idle (minutes)"))
        self.users_box.setTitle(self.tr("Users"))
        self.users.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Name"), self.tr("Role")])
        self.new_username.setPlaceholderText(self.tr("User name"))
        self.new_display.setPlaceholderText(self.tr("Name"))
        self.new_password.setPlaceholderText(self.tr("Initial password"))
        for i in range(self.new_role.count()):
            self.new_role.setItemText(i, role_label(Role(self.new_role.itemData(i))))
        self.add_user.setText(self.tr("Add user"))
        self._load_users()
        self.about.setTitle(self.tr("About"))
        s = self.services
        models = ", ".join(s.prescore.bundled_versions().values())
        self.about_text.setText(
            self.tr("Showroom Finance Desk {0} · Qt {1}\nData folder: {2}\nLog file: {3}\nData key: {4}").format(
                s.version, pyside_version, s.data_dir, s.log_file, self._key_storage_text())
            + "\n" + self.tr("Pre-score models: {0}").format(models)
            + "\n" + self.tr("OCR engine: {0}").format(s.intake.engine_description())
        )
        self.support_button.setText(self.tr("Save support bundle…"))
        self.support_button.setToolTip(self.tr(
            "A zip for support staff: the log files and a self-test, with ID, phone and bank "
            "card numbers masked. It holds no customer data or documents."))

    def _support_clicked(self) -> None:
        name = f"showroom-support-{datetime.now().astimezone():%Y%m%d-%H%M}.zip"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save support bundle"), str(Path.home() / name),
            self.tr("Zip files (*.zip)"))
        if path:
            target = Path(path)
            if target.suffix.lower() != ".zip":
                target = target.with_name(target.name + ".zip")
            self.save_support_bundle(target)

    def save_support_bundle(self, path: Path) -> None:
        """Write the support bundle to `path` off the UI thread (the self-test reads the
        sample card with the OCR engine: seconds)."""
        if not self.support_button.isEnabled():
            return
        self.support_button.setEnabled(False)
        self.support_bundle = None
        self.support_status.setStyleSheet("color: #57606a;")
        self.support_status.setText(self.tr("Writing {0}… (runs the self-test)").format(path.name))
        # Qt's checks need the UI thread; the rest runs in the background.
        qt_results = [run_check(name, fn) for name, fn in qt_checks()]
        data_dir, version = self.services.data_dir, self.services.version

        def job() -> SupportBundle:
            return write_support_bundle(path, data_dir=data_dir, version=version,
                                        qt_results=qt_results)

        run_in_background(job, self._support_saved, self._support_failed)

    def _support_saved(self, bundle: SupportBundle) -> None:
        self.support_button.setEnabled(True)
        self.support_bundle = bundle
        if bundle.checks_ok:
            self.support_status.setStyleSheet("color: #1a7f37;")
            text = self.tr("Saved to {0}. The self-test passed.")
        else:
            self.support_status.setStyleSheet("color: #9a6700;")
            text = self.tr("Saved to {0}. Some self-test checks failed: the bundle says which.")
        self.support_status.setText(text.format(str(bundle.path)))

    def _support_failed(self, error: Exception) -> None:
        self.support_button.setEnabled(True)
        self.support_status.setStyleSheet("color: #cf222e;")
        # A folder not writable or a full disk: the system's own words say it best.
        reason = (error.strerror or str(error)) if isinstance(error, OSError) else describe(error)
        self.support_status.setText(
            self.tr("The support bundle could not be saved: {0}").format(reason))

    def _key_storage_text(self) -> str:
        if self.services.key_storage == "keyring":
            return self.tr("in the system keyring")
        return self.tr("in a key file protected by a passphrase")

    def _language_changed(self) -> None:
        code = self.language.currentData()
        self.services.update_settings(self.user, language=code)
        self.language_chosen.emit(code)

    def _idle_changed(self) -> None:
        minutes = self.idle.value()
        if minutes != self.services.settings.idle_lock_minutes:
            self.services.update_settings(self.user, idle_lock_minutes=minutes)
            self.idle_minutes_changed.emit(minutes)

    def _load_users(self) -> None:
        if not self.user.can(Permission.MANAGE_USERS):
            return
        users = self.services.auth.list_users(self.user)
        self.users.setRowCount(len(users))
        for r, u in enumerate(users):
            for c, text in enumerate((u.username, u.display_name, role_label(u.role))):
                self.users.setItem(r, c, QTableWidgetItem(text))

    def _add_user(self) -> None:
        try:
            created = self.services.auth.create_user(
                self.user, self.new_username.text(), self.new_display.text(),
                Role(self.new_role.currentData()), self.new_password.text(),
            )
        except ShowroomError as exc:
            self.user_message.setObjectName("errorText")
            self.user_message.setStyleSheet("color: #cf222e;")
            self.user_message.setText(describe(exc))
            return
        self.user_message.setStyleSheet("color: #1a7f37;")
        self.user_message.setText(self.tr("User {0} added.").format(created.username))
        for w in (self.new_username, self.new_display, self.new_password):
            w.clear()
        self._load_users()
