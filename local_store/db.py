"""Opening the database: version guard, migrations, pragmas, data key."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from local_store.crypto import FieldCipher, new_data_key
from local_store.keys import FileKeyStore, KeyringKeyStore
from local_store.orm import Meta
from showroom_app.domain.errors import (
    DatabaseCorruptError,
    DatabaseTooNewError,
    KeyStorageError,
    StoreBusyError,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DB_FILENAME = "showroom.sqlite3"


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in the file, read without writing a byte to it."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    # Without a WAL file, `immutable=1` reads without creating -wal/-shm beside a
    # file we may be about to refuse; with one, the WAL may hold the newest schema.
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
        try:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if not has_table:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorruptError(
            f"{path} is not a readable Showroom database ({exc}). It was left untouched; "
            "restore it from a backup or move it away to start a new one."
        ) from exc


def check_not_newer(path: Path) -> None:
    revision = stored_revision(path)
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(
            f"The database {path} was written by a newer version of Showroom Finance Desk "
            f"(schema {revision}). This version cannot open it and has left it untouched: "
            "install the newer version again."
        )


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Python's sqlite3 only opens a transaction before DML, so DDL (migrations) and
    # reads would run outside one. Take BEGIN into our own hands (see _begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # Customer data, the outbox and decisions all live in this file: a committed
    # transaction must survive a power cut, so FULL rather than WAL's usual NORMAL.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _begin(conn: Connection) -> None:
    # Writers take the write lock up front (IMMEDIATE): a read-then-write such as a
    # failed-sign-in counter is then atomic across the GUI and CLI processes, and a
    # busy database waits busy_timeout instead of failing half-way.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def migrate(engine: Engine) -> None:
    """All migration steps in one transaction: a crash leaves the old schema, whole."""
    cfg = _alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # Table rebuilds (batch migrations) must not cascade; the pragma is ignored
        # inside a transaction, so it is set before BEGIN and checked before COMMIT.
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseCorruptError(
                        f"Migration left {len(broken)} broken references; nothing was changed."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass
class Store:
    """An open, migrated database with its field cipher."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    cipher: FieldCipher
    key_store_kind: str
    key_store_description: str

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work that may write: committed together, or not at all."""
        with _busy_as_error(), self.sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent read-only snapshot; never blocks writers (WAL)."""
        with _busy_as_error(), self.read_sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _busy_as_error() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreBusyError(
                "The database is busy with another task (another window or a command). "
                "Nothing was lost; try again in a moment."
            ) from exc
        raise


def open_store(path: Path, key_store: KeyringKeyStore | FileKeyStore) -> Store:
    """Guard, migrate, then unlock. Raises a ShowroomError subclass with a clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check_not_newer(path)
    engine = make_engine(path)
    try:
        migrate(engine)
        sessions = sessionmaker(
            engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        read_sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions.begin() as session:
            meta = {m.key: m.value for m in session.scalars(select(Meta))}
            key_id = meta.get("key_id")
            if key_id is None:
                key_id = uuid.uuid4().hex
                data_key = new_data_key()
                key_store.save(key_id, data_key)
                cipher = FieldCipher(data_key)
                session.add(Meta(key="key_id", value=key_id))
                session.add(Meta(key="key_check", value=cipher.key_check()))
            else:
                data_key = key_store.load(key_id)
                if data_key is None:
                    raise KeyStorageError(
                        f"The data key {key_id[:8]}… for {path.name} is not in the "
                        f"{key_store.description}. Without it the customer data cannot be "
                        "read. Restore the key (keyring or keys/datakey.json) from a backup."
                    )
                cipher = FieldCipher(data_key)
                if cipher.key_check() != meta.get("key_check"):
                    raise KeyStorageError(
                        "The data key does not match this database; the data was left untouched."
                    )
    except Exception:
        engine.dispose()
        raise
    return Store(
        path, engine, sessions, read_sessions, cipher, key_store.kind, key_store.description
    )
