"""Errors the core raises. Each carries a message a person can act on."""


class ShowroomError(Exception):
    """Base class: `str(error)` is safe to show and to log (no personal data)."""


class DatabaseTooNewError(ShowroomError):
    """The database was written by a newer version of the app; it is left untouched."""


class DatabaseCorruptError(ShowroomError):
    """The database file cannot be read as a Showroom database."""


class StoreBusyError(ShowroomError):
    """Another process holds the database's write lock for longer than we wait."""


class KeyStorageError(ShowroomError):
    """The data key cannot be loaded or stored."""


class KeyringUnavailableError(KeyStorageError):
    """The OS keyring refused to store a new data key (locked, no service running)."""


class WrongPassphraseError(KeyStorageError):
    """The key file passphrase does not open the key file."""


class PassphraseRequiredError(KeyStorageError):
    """No keyring is available and no passphrase was given for the key file."""


class DecryptionError(ShowroomError):
    """A protected field failed authentication: wrong key, or moved or altered ciphertext."""


class AuthenticationError(ShowroomError):
    """Sign-in refused."""


class AccountLockedError(AuthenticationError):
    """Too many failed sign-ins; the account is locked for a while."""


class PermissionDeniedError(ShowroomError):
    """The signed-in user's role does not allow this action."""


class NotADemoFolderError(ShowroomError):
    """Demo data is only ever written into a data folder that was created as a demo."""


class ValidationError(ShowroomError):
    """Input that breaks a rule; `field` names the input when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ApplicationLockedError(ShowroomError):
    """The application has left the desk (queued or at central): it can no longer be
    edited here; central's state wins."""


class InvalidStateError(ShowroomError):
    """The action does not fit the item's current state (e.g. signing before the
    contract exists, resending what is not refused)."""
