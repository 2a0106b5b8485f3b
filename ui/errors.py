"""Turning errors from the services into sentences a person can act on, in the desk's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from showroom_app.domain.errors import (
    AccountLockedError,
    ApplicationLockedError,
    DatabaseCorruptError,
    DatabaseTooNewError,
    InvalidStateError,
    KeyStorageError,
    NotADemoFolderError,
    PassphraseRequiredError,
    ShowroomError,
    StoreBusyError,
    WrongPassphraseError,
)


def describe(error: Exception) -> str:
    translate = QCoreApplication.translate
    code = str(error)
    known = {
        "bad_credentials": translate("Errors", "User name or password is wrong. Check both and try again."),
        "username_invalid": translate("Errors", "Enter a user name without spaces (at most 64 characters)."),
        "username_taken": translate("Errors", "This user name is already taken: choose another one."),
        "password_too_short": translate("Errors", "The password needs at least 8 characters."),
        "password_letters_and_digits": translate("Errors", "The password needs both letters and digits."),
    }
    # Most specific first: several of these are subclasses of KeyStorageError.
    by_class: list[tuple[type[Exception], str, bool]] = [
        (AccountLockedError, translate("Errors", "Too many wrong passwords: this account is locked for 5 minutes. A manager can help if you forgot the password."), False),
        (WrongPassphraseError, translate("Errors", "The passphrase does not open the key file. Check it and try again."), False),
        (PassphraseRequiredError, translate("Errors", "Enter the passphrase of the key file that protects the customer data."), False),
        (DatabaseTooNewError, translate("Errors", "This database was written by a newer version of Showroom Finance Desk. This version cannot open it and left it untouched: install the newer version again."), True),
        (DatabaseCorruptError, translate("Errors", "The database file cannot be read. It was left untouched: restore it from a backup, or move it away to start a new one."), True),
        (KeyStorageError, translate("Errors", "The key that protects the customer data could not be loaded or stored. Nothing was changed."), True),
        (StoreBusyError, translate("Errors", "The database is busy with another task. Nothing was lost; try again in a moment."), False),
        (ApplicationLockedError, translate("Errors", "This application has already gone to the lessor, so it can no longer be changed here. Its status comes from the lessor; withdraw it and make a new one if something is wrong."), True),
        (InvalidStateError, translate("Errors", "This cannot be done in the item's current state. Refresh the page and try again."), True),
        (NotADemoFolderError, translate("Errors", "This data folder belongs to a real desk, so no demo data was added."), False),
    ]
    for cls, sentence, with_detail in by_class:
        if isinstance(error, cls):
            if with_detail:
                return sentence + "\n\n" + translate("Errors", "Details: {0}").format(code)
            return sentence
    if code in known:
        return known[code]
    if code.startswith("permission_denied"):
        return translate("Errors", "Your role does not allow this. Ask a manager or an administrator.")
    if isinstance(error, ShowroomError):
        return code
    return translate("Errors", "Unexpected error: {0}").format(f"{type(error).__name__}: {error}")
