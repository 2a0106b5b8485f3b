"""Shared fixtures. Tests use real SQLite files in tmp folders and never the user's keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never read or write the developer's real keyring from a test.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ.pop("SHOWROOM_PASSPHRASE", None)

import gc

from local_store.db import Store, open_store
from local_store.keys import FileKeyStore

TEST_PASSPHRASE = "correct horse battery staple"

# Python's cyclic collector runs whenever allocations pass a threshold, which in a Qt
# test is often inside a Python callback Qt is running (an event filter, a slot): if it
# then frees the wrapper of a Qt object from an earlier test, PySide6 can crash there
# (seen: a segfault collecting inside the idle filter's eventFilter). Collect only at a
# safe point instead: after each test, once its windows are closed and its events run.
gc.disable()


@pytest.fixture(autouse=True)
def _collect_between_tests() -> Iterator[None]:
    yield
    # Generation by generation with Python's own thresholds: a full collection after
    # every test costs minutes over the suite's large heap.
    from ui.app import collect_due_generations

    collect_due_generations()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    s = open_store(
        data_dir / "showroom.sqlite3", FileKeyStore(data_dir / "keys" / "datakey.json",
                                                    TEST_PASSPHRASE)
    )
    yield s
    s.close()


# --- the reference central service, over real HTTP on 127.0.0.1 --------------------


class CentralServer:
    """uvicorn in a thread, on a free port, with its own SQLite file."""

    def __init__(self, db_path: Path) -> None:
        import socket
        import threading

        import uvicorn

        from central.app import create_app
        from central.db import Database

        self.db = Database(f"sqlite:///{db_path}")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(self.db), host="127.0.0.1", port=self.port,
                                log_level="warning", limit_concurrency=200)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        import time

        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("central did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def dealer_token(self, code: str = "DEMO001", name: str = "示范汽车金融展厅") -> str:
        from central import auth, seed
        from central.db import utcnow

        with self.db.session() as s:
            dealer = seed.ensure_dealer(s, code, name)
            seed.ensure_catalog(s)
            seed.ensure_campaigns(s, utcnow().date())
            return auth.new_device(s, dealer, "pytest").access_token

    def activation_code(self, code: str = "DEMO001") -> str:
        from central import auth, seed

        with self.db.session() as s:
            return auth.new_activation_code(s, seed.ensure_dealer(s, code, code))

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.db.close()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralServer]:
    server = CentralServer(tmp_path / "central.sqlite3")
    yield server
    server.stop()


# --- leaving ------------------------------------------------------------------------------

_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Every test has run and every report is written: leave without the interpreter's
    final garbage collection. PySide6 can crash there, freeing Qt objects of finished
    tests in an order Qt does not expect ("bool_dealloc" aborts were seen after a
    complete, green run), and that would turn a green run into a failed command."""
    if _exit_status is None or os.environ.get("SHOWROOM_TEST_NORMAL_EXIT"):
        return
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)
