"""Field-level encryption for personal data.

Every protected value is sealed with AES-256-GCM under a key derived from the
data key. The associated data binds the ciphertext to its table, column and
row id, so a value copied into another row or column fails to open instead of
silently showing someone else's data. Equality lookups (ID number, phone) go
through an HMAC blind index, never through the clear value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from showroom_app.domain.errors import DecryptionError

DATA_KEY_BYTES = 32
_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12


def _derive(data_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


class FieldCipher:
    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != DATA_KEY_BYTES:
            raise ValueError("data key must be 32 bytes")
        self._aead = AESGCM(_derive(data_key, b"showroom/field-encryption/v1"))
        self._index_key = _derive(data_key, b"showroom/blind-index/v1")
        self._check_key = _derive(data_key, b"showroom/key-check/v1")

    @staticmethod
    def _aad(table: str, column: str, row_id: str) -> bytes:
        # The format byte is bound too, so a value cannot be replayed under another format.
        return _FORMAT_V1 + f"{table}\x1f{column}\x1f{row_id}".encode()

    def seal(self, table: str, column: str, row_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, self._aad(table, column, row_id))
        return _FORMAT_V1 + nonce + sealed

    def open(self, table: str, column: str, row_id: str, blob: bytes) -> bytes:
        if not blob or blob[:1] != _FORMAT_V1 or len(blob) < 1 + _NONCE_BYTES + 16:
            raise DecryptionError(f"{table}.{column}: not a protected value")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, self._aad(table, column, row_id))
        except InvalidTag as exc:
            raise DecryptionError(
                f"{table}.{column} of row {row_id} failed its integrity check "
                "(wrong key, or the value was altered or moved)"
            ) from exc

    def seal_text(self, table: str, column: str, row_id: str, text: str | None) -> bytes | None:
        return None if text is None else self.seal(table, column, row_id, text.encode("utf-8"))

    def open_text(self, table: str, column: str, row_id: str, blob: bytes | None) -> str | None:
        return None if blob is None else self.open(table, column, row_id, blob).decode("utf-8")

    def blind_index(self, kind: str, value: str | None) -> str | None:
        """Deterministic keyed hash for equality search; `kind` keeps domains apart."""
        if value is None:
            return None
        normal = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
        if kind == "phone":
            # +86 138-1234-5678, 86 13812345678 and 13812345678 are one number.
            normal = "".join(c for c in normal if c.isdigit())
            if len(normal) == 13 and normal.startswith("86"):
                normal = normal[2:]
        return hmac.new(self._index_key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()

    def key_check(self) -> str:
        """A value stored beside the data that tells a wrong key from a corrupt row."""
        return hmac.new(self._check_key, b"showroom key check", hashlib.sha256).hexdigest()[:32]
