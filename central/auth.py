"""Devices, activation codes and bearer tokens. Secrets are stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.db import ActivationCode, Dealer, Device, Token, utcnow
from central.errors import ApiError

ACCESS_TTL = timedelta(hours=24)
REFRESH_TTL = timedelta(days=90)
ACTIVATION_TTL = timedelta(days=7)
# Unambiguous letters and digits (no 0/O, 1/I/L): read aloud over the phone to a dealer.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_activation_code(s: Session, dealer: Dealer) -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    s.add(ActivationCode(dealer_id=dealer.id, code_hash=digest(_normal(code)),
                         expires_at=utcnow() + ACTIVATION_TTL))
    return code


def _normal(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


@dataclass(frozen=True)
class Issued:
    device_id: str
    dealer_code: str
    access_token: str
    access_expires_at: object
    refresh_token: str
    refresh_expires_at: object


def _issue(s: Session, device: Device, dealer: Dealer) -> Issued:
    now = utcnow()
    access, refresh = "a1." + secrets.token_urlsafe(32), "r1." + secrets.token_urlsafe(32)
    s.add(Token(device_id=device.id, kind="access", token_hash=digest(access),
                expires_at=now + ACCESS_TTL))
    s.add(Token(device_id=device.id, kind="refresh", token_hash=digest(refresh),
                expires_at=now + REFRESH_TTL))
    return Issued(device.id, dealer.code, access, now + ACCESS_TTL, refresh, now + REFRESH_TTL)


def new_device(s: Session, dealer: Dealer, name: str) -> Issued:
    device = Device(id=uuid.uuid4().hex, dealer_id=dealer.id, name=name)
    s.add(device)
    s.flush()
    return _issue(s, device, dealer)


def enroll(s: Session, dealer_code: str, activation_code: str, device_name: str) -> Issued:
    dealer = s.scalars(select(Dealer).where(Dealer.code == dealer_code.upper())).first()
    code = s.scalars(select(ActivationCode).where(
        ActivationCode.code_hash == digest(_normal(activation_code)))).first()
    now = utcnow()
    # One answer for every failure: the caller learns nothing about which part was wrong.
    if (dealer is None or code is None or code.dealer_id != dealer.id
            or code.used_at is not None or code.expires_at < now):
        raise ApiError(403, "enrollment_refused",
                       "经销商代码或激活码不正确、已使用或已过期。",
                       "Dealer code or activation code is wrong, used or expired.")
    code.used_at = now
    return new_device(s, dealer, device_name)


def refresh(s: Session, refresh_token: str) -> Issued:
    token = s.scalars(select(Token).where(Token.token_hash == digest(refresh_token),
                                          Token.kind == "refresh")).first()
    now = utcnow()
    device = s.get(Device, token.device_id) if token else None
    if (token is None or device is None or token.revoked_at is not None
            or token.expires_at < now or device.revoked_at is not None):
        raise ApiError(401, "refresh_refused", "刷新令牌无效、已过期或已吊销，请重新激活设备。",
                       "The refresh token is invalid, expired or revoked: enroll the device again.")
    token.revoked_at = now  # rotation: a refresh token works once
    dealer = s.get(Dealer, device.dealer_id)
    assert dealer is not None
    return _issue(s, device, dealer)


@dataclass(frozen=True)
class Caller:
    device_id: str
    dealer_id: str
    dealer_code: str


def authenticate(s: Session, authorization: str | None) -> Caller:
    unauthorized = ApiError(401, "unauthorized", "需要有效的访问令牌。",
                            "A valid bearer token is required.",
                            headers={"WWW-Authenticate": "Bearer"})
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthorized
    token = s.scalars(select(Token).where(Token.token_hash == digest(authorization[7:].strip()),
                                          Token.kind == "access")).first()
    if token is None or token.revoked_at is not None or token.expires_at < utcnow():
        raise unauthorized
    device = s.get(Device, token.device_id)
    if device is None or device.revoked_at is not None:
        raise unauthorized
    dealer = s.get(Dealer, device.dealer_id)
    assert dealer is not None
    return Caller(device.id, dealer.id, dealer.code)


def revoke_device(s: Session, device_id: str) -> None:
    device = s.get(Device, device_id)
    if device is None:
        raise ApiError(404, "not_found", "找不到该设备。", "No such device.")
    now = utcnow()
    device.revoked_at = now
    for token in s.scalars(select(Token).where(Token.device_id == device_id)):
        token.revoked_at = token.revoked_at or now
