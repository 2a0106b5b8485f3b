"""The key-file passphrase, on machines without an OS keyring."""

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

MIN_PASSPHRASE = 8


class PassphraseDialog(QDialog):
    def __init__(self, is_new: bool, problem: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.is_new = is_new
        self.setWindowTitle(self.tr("Data key — Showroom Finance Desk"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr("This computer has no system keyring, so customer data is protected by a key file with a passphrase. Choose a passphrase and keep it safe: without it the data cannot be read.")
            if is_new
            else self.tr("Customer data on this desk is protected by a passphrase. Enter it to open the desk.")
        )
        intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Passphrase"), self.passphrase)
        if is_new:
            form.addRow(self.tr("Repeat passphrase"), self.repeat)
        self.error = QLabel(problem or "")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.setVisible(bool(problem))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if self.is_new and len(self.passphrase.text()) < MIN_PASSPHRASE:
            self._show(self.tr("Use at least 8 characters."))
        elif self.is_new and self.passphrase.text() != self.repeat.text():
            self._show(self.tr("The two passphrases differ."))
        elif not self.passphrase.text():
            self._show(self.tr("Enter the passphrase."))
        else:
            self.accept()

    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


def ask_passphrase(is_new: bool, problem: str | None) -> str | None:
    dialog = PassphraseDialog(is_new, problem)
    return dialog.passphrase.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
