"""Password hashing with scrypt (memory-hard, in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# OWASP's scrypt minimum: 2**17 * 8 * 128 B = 128 MiB per hash, ~0.3 s here.
# The cost is stored in each hash, so raising it later keeps old hashes valid.
_N, _R, _P = 2**17, 8, 1
MIN_PASSWORD_LENGTH = 8


def _kdf(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _kdf(password, salt, _N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _kdf(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. English text; the UI translates by code."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.isdigit() or password.isalpha():
        return "letters_and_digits"
    return None
