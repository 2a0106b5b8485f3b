"""Where the data key lives: the OS keyring, or a passphrase-protected key file.

The key file holds the data key wrapped with AES-GCM under a key derived from
the passphrase by scrypt (memory-hard), so a copied data folder is useless
without the passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from showroom_app.domain.errors import (
    KeyringUnavailableError,
    KeyStorageError,
    PassphraseRequiredError,
    WrongPassphraseError,
)

log = logging.getLogger(__name__)

KEYRING_SERVICE = "showroom-finance-desk"
# scrypt cost: 2**15 * 8 * 128 B = 32 MiB and ~0.1 s per unlock on an old PC.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class KeyStore(Protocol):
    kind: str  # "keyring" or "file"
    description: str

    def load(self, key_id: str) -> bytes | None: ...

    def save(self, key_id: str, data_key: bytes) -> None: ...


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable: the database commits the key id right after."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class KeyringKeyStore:
    kind = "keyring"
    description = "OS keyring"

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    @staticmethod
    def available() -> bool:
        """True when a real, persistent keyring backend is present (not the fail/null ones)."""
        try:
            import keyring
            from keyring.backends import fail
        except Exception:
            return False
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return False
        name = type(backend).__module__ + "." + type(backend).__name__
        if "null" in name.lower() or ("chainer" in name.lower() and not backend.backends):
            return False
        try:
            return float(backend.priority) >= 1
        except Exception:
            return False

    def load(self, key_id: str) -> bytes | None:
        import keyring

        try:
            value = keyring.get_password(self.service, key_id)
        except Exception as exc:
            raise KeyStorageError(f"The OS keyring could not be read: {exc}") from exc
        return None if value is None else _unb64(value)

    def save(self, key_id: str, data_key: bytes) -> None:
        import keyring

        try:
            keyring.set_password(self.service, key_id, _b64(data_key))
        except Exception as exc:
            raise KeyringUnavailableError(
                f"The OS keyring could not store the data key: {exc}"
            ) from exc


class FileKeyStore:
    kind = "file"
    description = "key file protected by a passphrase"

    def __init__(self, path: Path, passphrase: str | None) -> None:
        self.path = path
        self.passphrase = passphrase

    def _need_passphrase(self) -> str:
        if not self.passphrase:
            raise PassphraseRequiredError(
                "No OS keyring is available, so the data key is kept in a key file protected "
                "by a passphrase. Enter the passphrase (scripts: set SHOWROOM_PASSPHRASE)."
            )
        return self.passphrase

    def exists(self) -> bool:
        return self.path.exists()

    def load(self, key_id: str) -> bytes | None:
        if not self.path.exists():
            return None
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            entry = doc["keys"].get(key_id)
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            raise KeyStorageError(f"The key file {self.path} is unreadable: {exc}") from exc
        if entry is None:
            return None
        passphrase = self._need_passphrase()
        try:
            kdf = entry["kdf"]
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            salt, nonce, wrapped = (_unb64(kdf["salt"]), _unb64(entry["nonce"]),
                                    _unb64(entry["wrapped"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyStorageError(f"The key file {self.path} is damaged: {exc}") from exc
        # A tampered file must not make us burn gigabytes or hours in scrypt.
        if not (2**14 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
            raise KeyStorageError(f"The key file {self.path} has implausible scrypt settings.")
        kek = _scrypt(passphrase, salt, n, r, p)
        try:
            return AESGCM(kek).decrypt(nonce, wrapped, key_id.encode())
        except InvalidTag as exc:
            raise WrongPassphraseError(
                "The passphrase does not open the key file. Check it and try again."
            ) from exc

    def save(self, key_id: str, data_key: bytes) -> None:
        passphrase = self._need_passphrase()
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        entry = {
            "kdf": {"name": "scrypt", "salt": _b64(salt), "n": SCRYPT_N, "r": SCRYPT_R,
                    "p": SCRYPT_P},
            "cipher": "AES-256-GCM",
            "nonce": _b64(nonce),
            "wrapped": _b64(AESGCM(kek).encrypt(nonce, data_key, key_id.encode())),
        }
        doc: dict = {"format": 1, "keys": {}}
        if self.path.exists():
            # Never overwrite a key file we cannot read: it may hold other databases' keys.
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                doc["keys"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise KeyStorageError(
                    f"The key file {self.path} is unreadable ({exc}); it was left as it is."
                ) from exc
        doc["keys"][key_id] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.parent.chmod(0o700)
        tmp = self.path.with_suffix(".tmp")
        # Written then renamed: a power cut leaves the old file or the new one, never half.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply to a stale file left behind
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)


def choose_key_store(
    data_dir: Path, storage: str = "auto", passphrase: str | None = None
) -> KeyringKeyStore | FileKeyStore:
    """`auto` prefers the keyring, but a data folder that already has a key file keeps it."""
    key_file = FileKeyStore(data_dir / "keys" / "datakey.json", passphrase)
    if storage == "file":
        return key_file
    if storage == "keyring":
        if not KeyringKeyStore.available():
            raise KeyStorageError("No OS keyring is available on this machine.")
        return KeyringKeyStore()
    if storage != "auto":
        raise KeyStorageError(f"Unknown key storage {storage!r}: use auto, keyring or file.")
    if key_file.exists() or not KeyringKeyStore.available():
        return key_file
    return KeyringKeyStore()
