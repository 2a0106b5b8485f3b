"""Sign-in, and unlocking after the idle timeout."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from ui.errors import describe
from ui.i18n import LANGUAGES
from ui.style import role_label
from ui.widgets import Retranslatable, run_in_background

if TYPE_CHECKING:  # the demo module pulls in OpenCV: not at every start
    from showroom_app.services.demo import DemoUser


class SignInDialog(Retranslatable, QDialog):
    """With `locked_user`, only that user's password (or a switch of user) unlocks."""

    def __init__(
        self,
        services: DeskServices,
        locked_user: User | None = None,
        on_language: object | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.locked_user = locked_user
        self.user: User | None = None
        self._on_language = on_language
        self.setModal(True)
        self.setMinimumWidth(420)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        if locked_user is not None:
            self.username.setText(locked_user.username)
            self.username.setReadOnly(True)
        form = QFormLayout()
        self.username_label = QLabel()
        self.password_label = QLabel()
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)

        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()

        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(services.settings.language))
        self.language.currentIndexChanged.connect(self._language_changed)

        self.switch_user = QPushButton()
        self.switch_user.setVisible(locked_user is not None)
        self.switch_user.clicked.connect(self._switch_user)
        # On the lock screen Esc or a stray click must not end the session: quitting
        # takes this explicit button.
        self.quit_button = QPushButton()
        self.quit_button.setObjectName("quitButton")
        self.quit_button.setVisible(locked_user is not None)
        self.quit_button.clicked.connect(self._quit)
        self.sign_in = QPushButton()
        self.sign_in.setObjectName("primary")
        self.sign_in.setDefault(True)
        self.sign_in.clicked.connect(self._try_sign_in)

        buttons = QHBoxLayout()
        buttons.addWidget(self.language)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.switch_user)
        buttons.addWidget(self.sign_in)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.demo_box = self._demo_box() if services.demo_users else None
        if self.demo_box is not None:
            layout.addWidget(self.demo_box)
        layout.addLayout(buttons)
        self.retranslate()
        (self.password if locked_user or self.username.text() else self.username).setFocus()

    def _demo_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("demoBox")
        rows = QVBoxLayout(box)
        self.demo_title = QLabel()
        rows.addWidget(self.demo_title)
        self.demo_rows: list[tuple[QLabel, QPushButton, DemoUser]] = []
        for demo_user in self.services.demo_users:
            text = QLabel()
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            fill = QPushButton()
            fill.setObjectName(f"demo_{demo_user.username}")
            fill.setProperty("demoUsername", demo_user.username)
            fill.clicked.connect(self._fill_from_button)
            line = QHBoxLayout()
            line.addWidget(text, 1)
            line.addWidget(fill)
            rows.addLayout(line)
            self.demo_rows.append((text, fill, demo_user))
        return box

    def _fill_from_button(self) -> None:
        name = self.sender().property("demoUsername")
        self._fill(next(u for u in self.services.demo_users if u.username == name))

    def _fill(self, demo_user: DemoUser) -> None:
        self.username.setText(demo_user.username)
        self.password.setText(demo_user.password)
        self.sign_in.setFocus()

    def retranslate(self) -> None:
        if self.locked_user is None:
            self.setWindowTitle(self.tr("Sign in — Showroom Finance Desk"))
            self.title.setText(self.tr("Sign in"))
            self.subtitle.setText(self.tr("Use your desk account. Ask an administrator for one."))
        else:
            self.setWindowTitle(self.tr("Locked — Showroom Finance Desk"))
            self.title.setText(self.tr("Desk locked"))
            self.subtitle.setText(
                self.tr("Locked after a period of inactivity. Your work is kept; enter your password to continue.")
            )
        self.username_label.setText(self.tr("User name"))
        self.password_label.setText(self.tr("Password"))
        self.sign_in.setText(self.tr("Sign in") if self.locked_user is None else self.tr("Unlock"))
        self.switch_user.setText(self.tr("Switch user"))
        self.quit_button.setText(self.tr("Quit"))
        if self.demo_box is not None:
            self.demo_title.setText(self.tr("Demo mode — sample accounts (synthetic data):"))
            for text, fill, demo_user in self.demo_rows:
                role = role_label(demo_user.role)
                text.setText(f"{role}: {demo_user.username} / {demo_user.password}")
                fill.setText(self.tr("Use"))

    def reject(self) -> None:
        if self.quit_button.isVisible():
            return  # locked: only an explicit Quit leaves
        super().reject()

    def _quit(self) -> None:
        super().reject()

    def _language_changed(self) -> None:
        if callable(self._on_language):
            self._on_language(self.language.currentData())

    def _switch_user(self) -> None:
        self.locked_user = None
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.switch_user.hide()
        self.retranslate()
        self.username.setFocus()

    def _try_sign_in(self) -> None:
        """The password check is a deliberately slow KDF: run it off the UI thread."""
        if not self.sign_in.isEnabled():
            return
        self._set_busy(True)
        check = functools.partial(
            self.services.auth.sign_in, self.username.text(), self.password.text()
        )
        run_in_background(check, self._signed_in, self._refused)

    def _set_busy(self, busy: bool) -> None:
        self.sign_in.setEnabled(not busy)
        self.switch_user.setEnabled(not busy)
        if busy:
            self.sign_in.setText(self.tr("Checking…"))
        else:
            self.retranslate()

    def _signed_in(self, user: User) -> None:
        self._set_busy(False)
        self.user = user
        self.password.clear()
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        self.error.setText(describe(error))
        self.error.show()
        self.password.selectAll()
        self.password.setFocus()
