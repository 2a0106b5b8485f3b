"""First start: create the administrator account."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.errors import ShowroomError
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from ui.errors import describe
from ui.widgets import Retranslatable


class FirstRunDialog(Retranslatable, QDialog):
    def __init__(self, services: DeskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user: User | None = None
        self.setModal(True)
        self.setMinimumWidth(460)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("pageSubtitle")
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(
            self.labels, (self.username, self.display_name, self.password, self.repeat),
            strict=True,
        ):
            form.addRow(label, field)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.display_name.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("First start — Showroom Finance Desk"))
        self.title.setText(self.tr("Welcome"))
        self.intro.setText(self.tr("Create the administrator account for this desk. The administrator adds consultants and managers later, in Settings."))
        for label, text in zip(
            self.labels,
            (self.tr("User name"), self.tr("Your name"), self.tr("Password"),
             self.tr("Repeat password")),
            strict=True,
        ):
            label.setText(text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create administrator"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))

    def _create(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show(self.tr("The two passwords differ. Type them again."))
            self.repeat.clear()
            self.password.setFocus()
            return
        try:
            self.user = self.services.auth.create_first_admin(
                self.username.text(), self.display_name.text(), self.password.text()
            )
        except ShowroomError as exc:
            self._show(describe(exc))
            return
        self.accept()

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
