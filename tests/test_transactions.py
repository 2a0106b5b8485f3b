"""SQLite transactions: writers lock up front, migrations are all-or-nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from local_store import db
from local_store.db import Store, open_store
from local_store.keys import FileKeyStore
from showroom_app.domain.errors import StoreBusyError

BOOM = '''
import sqlalchemy as sa
from alembic import op

revision = "0999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    raise RuntimeError("power cut in the middle of a migration")


def downgrade() -> None:
    pass
'''


def test_a_write_transaction_holds_the_write_lock_from_its_start(store: Store) -> None:
    other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    try:
        with store.transaction() as s:
            # The first statement, even a read, opens BEGIN IMMEDIATE: a read-then-write
            # (the failed sign-in counter) cannot interleave with another writer.
            s.execute(db.select(db.Meta)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_reads_do_not_take_the_write_lock(store: Store) -> None:
    other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    try:
        with store.read() as s:
            s.execute(db.select(db.Meta)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_failed_migration_leaves_nothing_behind(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "0999_boom.py").write_text(
        BOOM.format(head=db.head_revision()), encoding="utf-8"
    )
    monkeypatch.setattr(db, "MIGRATIONS_DIR", migrations)
    path = data_dir / "showroom.sqlite3"
    with pytest.raises(RuntimeError, match="power cut"):
        open_store(path, FileKeyStore(data_dir / "key.json", "passphrase 123"))
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == set(), "the first migration must roll back with the failing one"
    finally:
        conn.close()
    monkeypatch.undo()
    store = open_store(path, FileKeyStore(data_dir / "key.json", "passphrase 123"))
    assert db.current_revision(store.engine) == db.head_revision()
    store.close()


def test_a_busy_database_is_a_clear_error() -> None:
    with pytest.raises(StoreBusyError, match="Nothing was lost"), db._busy_as_error():
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
