"""Turning error codes from the services into sentences a person can act on."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from showroom_app.domain.errors import AccountLockedError, ShowroomError


def describe(error: Exception) -> str:
    translate = QCoreApplication.translate
    code = str(error)
    known = {
        "bad_credentials": translate("Errors", "User name or password is wrong. Check both and try again."),
        "username_invalid": translate("Errors", "Enter a user name without spaces (at most 64 characters)."),
        "username_taken": translate("Errors", "This user name is already taken: choose another one."),
        "password_too_short": translate("Errors", "The password needs at least 8 characters."),
        "password_letters_and_digits": translate(
            "Errors", "The password needs both letters and digits."
        ),
    }
    if isinstance(error, AccountLockedError):
        return translate(
            "Errors",
            "Too many wrong passwords: this account is locked for 5 minutes. A manager can help if you forgot the password.",
        )
    if code in known:
        return known[code]
    if code.startswith("permission_denied"):
        return translate("Errors", "Your role does not allow this. Ask a manager or an administrator.")
    if isinstance(error, ShowroomError):
        return code
    return translate("Errors", "Unexpected error: {0}").format(f"{type(error).__name__}: {error}")
