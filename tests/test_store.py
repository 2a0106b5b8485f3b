"""The local store: migrations, schema parity, pragmas, version guard, unlock, audit log."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from local_store import repositories as repo
from local_store.db import (
    DB_FILENAME,
    MIGRATIONS_DIR,
    Store,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    open_store,
    stored_revision,
)
from local_store.keys import FileKeyStore
from local_store.orm import AuditLogRow, Base, Meta
from showroom_app.domain.enums import AuditAction, CustomerType
from showroom_app.domain.errors import (
    DatabaseCorruptError,
    DatabaseTooNewError,
    KeyStorageError,
    PassphraseRequiredError,
    ShowroomError,
    WrongPassphraseError,
)
from showroom_app.domain.models import CustomerPII

PASSPHRASE = "correct horse battery staple"

EXPECTED_TABLES = {
    "dealer",
    "user",
    "customer",
    "inventory_item",
    "application",
    "document",
    "outbox",
    "audit_log",
    "meta",
    "prescore_bin_count",
    "promotion_rule",
    "alembic_version",
}
AUDIT_TRIGGERS = {"audit_log_no_update", "audit_log_no_delete"}

PII = CustomerPII(
    name="张三丰",
    id_number="11010519491231002X",
    phone="13812345678",
    address="北京市朝阳区建国路88号",
    bank_card="6222021234567890123",
)


def _key_store(data_dir: Path, passphrase: str | None = PASSPHRASE) -> FileKeyStore:
    return FileKeyStore(data_dir / "keys" / "datakey.json", passphrase)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _trigger_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
        return {r[0] for r in rows}


def _alembic_cfg() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _add_customer(store: Store, pii: CustomerPII = PII) -> str:
    with store.transaction() as s:
        dealer = repo.first_dealer(s) or repo.add_dealer(s, "D001", "Test Motors", "Beijing")
        return repo.add_customer(s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, pii).id


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated database without the key machinery (no scrypt: fast)."""
    eng = make_engine(tmp_path / "schema.sqlite3")
    migrate(eng)
    yield eng
    eng.dispose()


# --- migrations and schema ----------------------------------------------------------


def test_fresh_store_creates_every_table_at_head(data_dir: Path) -> None:
    path = data_dir / DB_FILENAME
    assert not path.exists()
    store = open_store(path, _key_store(data_dir))
    try:
        assert _table_names(store.engine) == EXPECTED_TABLES
        assert current_revision(store.engine) == head_revision()
        assert _trigger_names(store.engine) == AUDIT_TRIGGERS
        with store.transaction() as s:
            meta = {m.key: m.value for m in s.scalars(select(Meta))}
        assert set(meta) == {"key_id", "key_check"}
        assert meta["key_check"] == store.cipher.key_check()
    finally:
        store.close()
    assert stored_revision(path) == head_revision()


def test_stored_revision_of_missing_or_empty_file_is_none(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert stored_revision(missing) is None
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert stored_revision(empty) is None


def test_orm_metadata_matches_migrated_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_schema_comparison_would_notice_a_drift(engine: Engine) -> None:
    """Guards the parity test itself: a column the migrations lack is reported."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE dealer ADD COLUMN stray TEXT")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert any(d[0] == "remove_column" and d[2] == "dealer" and d[3].name == "stray" for d in diff)


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    cfg = _alembic_cfg()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert _table_names(engine) <= {"alembic_version"}
    assert _trigger_names(engine) == set()
    assert current_revision(engine) is None

    cfg = _alembic_cfg()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert _table_names(engine) == EXPECTED_TABLES
    assert _trigger_names(engine) == AUDIT_TRIGGERS
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migrate_is_idempotent(engine: Engine) -> None:
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert _table_names(engine) == EXPECTED_TABLES


# --- pragmas ------------------------------------------------------------------------


def _pragmas(conn: object) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # type: ignore[attr-defined]
        for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
    }


EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "busy_timeout": 5000,
}


def test_pragmas_on_store_connections(store: Store) -> None:
    # Two connections open at once: both are new DBAPI connections, both get the pragmas.
    with store.engine.connect() as first, store.engine.connect() as second:
        assert _pragmas(first) == EXPECTED_PRAGMAS
        assert _pragmas(second) == EXPECTED_PRAGMAS
    with store.transaction() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.transaction() as s:
        repo.add_customer(
            s, store.cipher, "no-such-dealer", CustomerType.INDIVIDUAL, CustomerPII(name="x")
        )


# --- refusing a newer database --------------------------------------------------------


def _future_database(data_dir: Path) -> Path:
    path = data_dir / DB_FILENAME
    store = open_store(path, _key_store(data_dir))
    _add_customer(store)
    store.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.commit()
    finally:
        conn.close()  # the last connection checkpoints and removes the -wal file
    assert _listing(data_dir) == ["keys", DB_FILENAME]
    return path


def test_refuses_a_database_from_a_newer_version_and_leaves_it_untouched(
    data_dir: Path,
) -> None:
    path = _future_database(data_dir)
    key_file = data_dir / "keys" / "datakey.json"
    digest, mtime = _sha256(path), path.stat().st_mtime_ns
    key_digest = _sha256(key_file)

    with pytest.raises(DatabaseTooNewError) as info:
        open_store(path, _key_store(data_dir))

    message = str(info.value)
    assert "newer version" in message
    assert "untouched" in message
    assert "9999_future" in message
    assert _sha256(path) == digest
    assert path.stat().st_mtime_ns == mtime
    assert _sha256(key_file) == key_digest
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999_future",
        )
    finally:
        conn.close()


def test_refusing_a_newer_database_creates_no_side_files(data_dir: Path) -> None:
    path = _future_database(data_dir)
    before = _listing(data_dir)
    with pytest.raises(DatabaseTooNewError):
        open_store(path, _key_store(data_dir))
    assert _listing(data_dir) == before
    assert not (data_dir / f"{DB_FILENAME}-wal").exists()


# --- a corrupt file ---------------------------------------------------------------------


def test_corrupt_file_is_reported_and_left_unchanged(data_dir: Path) -> None:
    path = data_dir / DB_FILENAME
    junk = random.Random(1234).randbytes(16 * 1024)
    assert not junk.startswith(b"SQLite format 3")
    path.write_bytes(junk)
    mtime = path.stat().st_mtime_ns

    with pytest.raises(DatabaseCorruptError) as info:
        open_store(path, _key_store(data_dir))

    message = str(info.value)
    assert isinstance(info.value, ShowroomError)
    assert "not a readable Showroom database" in message
    assert "untouched" in message
    assert "backup" in message
    assert path.read_bytes() == junk
    assert path.stat().st_mtime_ns == mtime
    assert _listing(data_dir) == [DB_FILENAME]


# --- unlocking: key file and passphrase ------------------------------------------------------


def test_reopen_with_same_key_file_reads_back_encrypted_data(data_dir: Path) -> None:
    path = data_dir / DB_FILENAME
    store = open_store(path, _key_store(data_dir))
    customer_id = _add_customer(store)
    store.close()

    raw = path.read_bytes()
    assert not (data_dir / f"{DB_FILENAME}-wal").exists()
    for secret in (PII.name, PII.id_number, PII.phone, PII.address, PII.bank_card):
        assert secret is not None
        assert secret.encode("utf-8") not in raw

    reopened = open_store(path, _key_store(data_dir))
    try:
        with reopened.transaction() as s:
            customer = repo.get_customer(s, reopened.cipher, customer_id)
        assert customer is not None
        assert customer.pii == PII
    finally:
        reopened.close()


@pytest.fixture
def closed_store(data_dir: Path) -> tuple[Path, str]:
    """A store created, given one customer, and closed; returns (path, customer id)."""
    path = data_dir / DB_FILENAME
    store = open_store(path, _key_store(data_dir))
    customer_id = _add_customer(store)
    store.close()
    return path, customer_id


def test_wrong_passphrase_is_refused(data_dir: Path, closed_store: tuple[Path, str]) -> None:
    path, _ = closed_store
    with pytest.raises(WrongPassphraseError, match="passphrase"):
        open_store(path, _key_store(data_dir, "not the passphrase"))


@pytest.mark.parametrize("passphrase", [None, ""])
def test_missing_passphrase_is_asked_for(
    data_dir: Path, closed_store: tuple[Path, str], passphrase: str | None
) -> None:
    path, _ = closed_store
    with pytest.raises(PassphraseRequiredError, match="passphrase"):
        open_store(path, _key_store(data_dir, passphrase))


def test_fresh_store_without_passphrase_is_refused_then_opens_with_one(data_dir: Path) -> None:
    path = data_dir / DB_FILENAME
    with pytest.raises(PassphraseRequiredError):
        open_store(path, _key_store(data_dir, None))
    assert not (data_dir / "keys" / "datakey.json").exists()
    store = open_store(path, _key_store(data_dir))
    try:
        _add_customer(store)
    finally:
        store.close()


def test_deleted_key_file_is_reported(data_dir: Path, closed_store: tuple[Path, str]) -> None:
    path, _ = closed_store
    (data_dir / "keys" / "datakey.json").unlink()
    digest = _sha256(path)
    with pytest.raises(KeyStorageError) as info:
        open_store(path, _key_store(data_dir))
    assert not isinstance(info.value, (WrongPassphraseError, PassphraseRequiredError))
    assert "data key" in str(info.value)
    assert "Restore the key" in str(info.value)
    assert _sha256(path) == digest


def test_a_different_key_under_the_same_id_is_refused(
    data_dir: Path, closed_store: tuple[Path, str]
) -> None:
    path, _ = closed_store
    conn = sqlite3.connect(path)
    try:
        key_id = conn.execute("SELECT value FROM meta WHERE key = 'key_id'").fetchone()[0]
    finally:
        conn.close()
    _key_store(data_dir).save(key_id, bytes(32))
    with pytest.raises(KeyStorageError, match="does not match"):
        open_store(path, _key_store(data_dir))


# --- the audit log ---------------------------------------------------------------------------


def _audit_one(store: Store, detail: str = "viewed the customer card") -> int:
    with store.transaction() as s:
        repo.audit(s, AuditAction.VIEW, "customer", "c1", None, detail)
    with store.transaction() as s:
        return s.scalars(select(AuditLogRow.id).order_by(AuditLogRow.id.desc())).first()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET detail = 'rewritten'", "DELETE FROM audit_log"],
    ids=["update", "delete"],
)
def test_audit_log_is_append_only(store: Store, statement: str) -> None:
    row_id = _audit_one(store)
    with (
        pytest.raises((IntegrityError, OperationalError), match="append-only"),
        store.transaction() as s,
    ):
        s.execute(text(statement))
    with store.transaction() as s:
        rows = list(s.scalars(select(AuditLogRow)))
    assert [(r.id, r.detail) for r in rows] == [(row_id, "viewed the customer card")]


def test_audit_log_refuses_orm_edits(store: Store) -> None:
    row_id = _audit_one(store)
    with (
        pytest.raises((IntegrityError, OperationalError), match="append-only"),
        store.transaction() as s,
    ):
        row = s.get(AuditLogRow, row_id)
        assert row is not None
        row.action = AuditAction.EXPORT.value
    with (
        pytest.raises((IntegrityError, OperationalError), match="append-only"),
        store.transaction() as s,
    ):
        s.delete(s.get(AuditLogRow, row_id))
    with store.transaction() as s:
        row = s.get(AuditLogRow, row_id)
        assert row is not None
        assert row.action == AuditAction.VIEW.value


def test_audit_detail_is_scrubbed(store: Store) -> None:
    row_id = _audit_one(
        store, "looked up ID 11010519491231002X, phone 13812345678, card 6222021234567890123"
    )
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT detail FROM audit_log WHERE id = ?", (row_id,)
        ).scalar_one()
    assert "11010519491231002X" not in stored
    assert "13812345678" not in stored
    assert "6222021234567890123" not in stored
    assert "110105********002X" in stored
    assert "138****5678" in stored
    assert "**** 0123" in stored
    assert stored.startswith("looked up ID ")
