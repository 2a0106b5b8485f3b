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

from local_store.db import Store, open_store
from local_store.keys import FileKeyStore

TEST_PASSPHRASE = "correct horse battery staple"


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
