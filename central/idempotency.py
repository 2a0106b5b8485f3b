"""Idempotent operations: a key stores what was asked and what was answered.

Two phases. The first claims the key (a committed `in_flight` row) so that a
replay arriving meanwhile can tell "still working" from "never seen". The second
does the work and stores the answer in the same transaction as the work itself:
there is never an application without its stored answer, nor an answer without
its application. Replays get the stored bytes; a different body under the same key
is refused; a key whose first request died mid-way is taken over after a while.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.db import Database, IdempotencyRecord, utcnow
from central.errors import ApiError

KEEP_FOR = timedelta(days=7)
# A replay waits this long for the first request to finish before answering 409:
# concurrent retries of one submission then all receive the same final answer.
WAIT_FOR_FIRST = 10.0
ABANDONED_AFTER = timedelta(minutes=2)


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


def check_key(key: str | None) -> str:
    if key is None or not (8 <= len(key) <= 128) or not key.isascii() or not key.isprintable():
        raise ApiError(422, "idempotency_key_required",
                       "请求头 Idempotency-Key 必填（8 至 128 个可打印 ASCII 字符）。",
                       "The Idempotency-Key header is required (8 to 128 printable ASCII).")
    return key


def run_once(
    db: Database,
    dealer_id: str,
    key: str,
    operation: str,
    payload_hash: str,
    work: Callable[[Session], tuple[int, bytes, str]],
) -> Stored:
    """Run `work` at most once per (dealer, key); `work` returns (status, body, media type)."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        claimed, existing = _claim(db, dealer_id, key, operation, payload_hash)
        if claimed:
            break
        assert existing is not None
        if existing.request_hash != payload_hash or existing.operation != operation:
            raise ApiError(422, "idempotency_key_reused",
                           "同一个 Idempotency-Key 已用于不同的请求内容。",
                           "This Idempotency-Key was already used with a different request.")
        if existing.state == "done":
            assert existing.status_code is not None and existing.response_body is not None
            return Stored(existing.status_code, existing.response_body,
                          existing.response_type or "application/json", True)
        if time.monotonic() >= deadline:
            raise ApiError(409, "in_flight", "相同的请求仍在处理中，请稍后重试。",
                           "The same request is still being processed; retry later.",
                           headers={"Retry-After": "2"})
        time.sleep(0.05)

    try:
        with db.session() as s:
            status, body, media_type = work(s)
            record = s.get(IdempotencyRecord, (dealer_id, key))
            assert record is not None
            record.state, record.status_code = "done", status
            record.response_body, record.response_type = body, media_type
            record.completed_at = utcnow()
    except ApiError as exc:
        # A refusal decided by the rules (4xx) is an answer too: store it for replays.
        if exc.status >= 500:
            _release(db, dealer_id, key)
            raise
        body = exc.body().model_dump_json().encode()
        with db.session() as s:
            record = s.get(IdempotencyRecord, (dealer_id, key))
            assert record is not None
            record.state, record.status_code = "done", exc.status
            record.response_body, record.response_type = body, "application/json"
            record.completed_at = utcnow()
        return Stored(exc.status, body, "application/json", False)
    except BaseException:
        _release(db, dealer_id, key)
        raise
    return Stored(status, body, media_type, False)


def _claim(db: Database, dealer_id: str, key: str, operation: str, payload_hash: str
           ) -> tuple[bool, IdempotencyRecord | None]:
    try:
        with db.session() as s:
            record = s.get(IdempotencyRecord, (dealer_id, key))
            now = utcnow()
            if record is None:
                s.add(IdempotencyRecord(dealer_id=dealer_id, key=key, operation=operation,
                                        request_hash=payload_hash, state="in_flight",
                                        created_at=now))
                return True, None
            if (record.state == "in_flight" and record.request_hash == payload_hash
                    and now - record.created_at > ABANDONED_AFTER):
                record.created_at = now  # the first attempt died: take the key over
                return True, None
            s.expunge(record)
            return False, record
    except IntegrityError:
        # Another server process claimed the same key at the same instant (PostgreSQL).
        return False, _load(db, dealer_id, key)


def _load(db: Database, dealer_id: str, key: str) -> IdempotencyRecord | None:
    with db.session() as s:
        record = s.get(IdempotencyRecord, (dealer_id, key))
        if record is not None:
            s.expunge(record)
        return record


def _release(db: Database, dealer_id: str, key: str) -> None:
    with db.session() as s:
        record = s.get(IdempotencyRecord, (dealer_id, key))
        if record is not None and record.state == "in_flight":
            s.delete(record)


def purge_expired(db: Database) -> int:
    """Keys are kept for at least KEEP_FOR; older finished ones are dropped."""
    with db.session() as s:
        old = s.query(IdempotencyRecord).filter(
            IdempotencyRecord.state == "done",
            IdempotencyRecord.created_at < utcnow() - KEEP_FOR,
        )
        return old.delete(synchronize_session=False)
