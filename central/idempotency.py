"""Idempotent operations: a key stores what was asked and what was answered.

The key is claimed in the same transaction as the work and its stored answer: a
crash (or a killed server) rolls all three back together, so a retry after a
restart simply runs again, and there is never an application without its stored
answer. Concurrent requests with one key queue on the key's row (SQLite: the write
lock; PostgreSQL: the primary key) and, once the first commits, replay its answer
byte for byte. A request that cannot get its turn in time gets 409 "in flight".
A different body under a used key is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from central.db import Database, IdempotencyRecord, utcnow
from central.errors import ApiError

KEEP_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: bytes
    media_type: str
    replayed: bool


def request_hash(operation: str, payload: object) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


KEY_PATTERN = r"^[!-~][ -~]{6,126}[!-~]$"


def key_required() -> ApiError:
    return ApiError(422, "idempotency_key_required",
                    "请求头 Idempotency-Key 必填（8 至 128 个可打印 ASCII 字符）。",
                    "The Idempotency-Key header is required (8 to 128 printable ASCII).")


def check_key(key: str | None) -> str:
    if key is None or not (8 <= len(key) <= 128) or not key.isascii() or not key.isprintable():
        raise key_required()
    return key


def _in_flight() -> ApiError:
    return ApiError(409, "in_flight", "相同的请求仍在处理中，请稍后重试。",
                    "The same request is still being processed; retry later.",
                    headers={"Retry-After": "2"})


def _replay(record: IdempotencyRecord, payload_hash: str, operation: str) -> Stored:
    if record.request_hash != payload_hash or record.operation != operation:
        raise ApiError(422, "idempotency_key_reused",
                       "同一个 Idempotency-Key 已用于不同的请求内容。",
                       "This Idempotency-Key was already used with a different request.")
    assert record.status_code is not None and record.response_body is not None
    return Stored(record.status_code, record.response_body,
                  record.response_type or "application/json", True)


def run_once(
    db: Database,
    dealer_id: str,
    key: str,
    operation: str,
    payload_hash: str,
    work: Callable[[Session], tuple[int, bytes, str]],
) -> Stored:
    """Run `work` at most once per (dealer, key); `work` returns (status, body, media type)."""
    try:
        with db.session() as s:
            record = s.get(IdempotencyRecord, (dealer_id, key))
            if record is not None and record.state != "done":
                # Left by a version that claimed keys in a separate transaction.
                s.delete(record)
                s.flush()
                record = None
            if record is not None:
                return _replay(record, payload_hash, operation)
            record = IdempotencyRecord(dealer_id=dealer_id, key=key, operation=operation,
                                       request_hash=payload_hash, state="in_flight",
                                       created_at=utcnow())
            s.add(record)
            s.flush()
            try:
                with s.begin_nested():
                    status, body, media_type = work(s)
            except ApiError as exc:
                # A refusal by the rules (4xx) is an answer too: its side effects are
                # rolled back to the savepoint, the answer is kept for replays.
                if exc.status >= 500:
                    raise
                status, media_type = exc.status, "application/json"
                body = exc.body().model_dump_json().encode()
            record.state, record.status_code = "done", status
            record.response_body, record.response_type = body, media_type
            record.completed_at = utcnow()
            return Stored(status, body, media_type, False)
    except IntegrityError:
        # Another worker committed the same key first (PostgreSQL): replay its answer.
        with db.read() as s:
            record = s.get(IdempotencyRecord, (dealer_id, key))
            if record is None:
                raise _in_flight() from None
            return _replay(record, payload_hash, operation)
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _in_flight() from exc
        raise


def purge_expired(db: Database) -> int:
    """Keys are kept for at least KEEP_FOR; older finished ones are dropped."""
    with db.session() as s:
        old = s.query(IdempotencyRecord).filter(
            IdempotencyRecord.state == "done",
            IdempotencyRecord.created_at < utcnow() - KEEP_FOR,
        )
        return old.delete(synchronize_session=False)
