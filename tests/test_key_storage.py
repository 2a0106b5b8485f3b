"""Choosing where the data key lives, as the desk does at start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError

from showroom_app.config import RunOptions
from showroom_app.domain.errors import KeyStorageError
from showroom_app.main import open_local_store, prepare


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring (outside this process), kept in memory."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class RefusingKeyring(MemoryKeyring):
    """A keyring that is installed but locked: it refuses to store anything."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the keyring is locked")


@pytest.fixture
def use_keyring() -> Iterator[type]:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def test_keyring_holds_the_key_and_nothing_key_like_is_in_the_data_folder(
    data_dir: Path, use_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = use_keyring(MemoryKeyring())
    options = RunOptions(data_dir=data_dir)
    store = open_local_store(prepare(options), options)
    assert store.key_store_kind == "keyring"
    store.close()
    assert len(backend.items) == 1
    assert not (data_dir / "keys").exists()
    # Reopening finds the key again; losing it is a clear error, not silent new data.
    store = open_local_store(prepare(options), options)
    store.close()
    backend.items.clear()
    with pytest.raises(KeyStorageError, match="not in the OS keyring"):
        open_local_store(prepare(options), options)


def test_a_locked_keyring_falls_back_to_the_key_file(
    data_dir: Path, use_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keyring(RefusingKeyring())
    monkeypatch.setenv("SHOWROOM_PASSPHRASE", "fallback passphrase 1")
    options = RunOptions(data_dir=data_dir)
    store = open_local_store(prepare(options), options)
    assert store.key_store_kind == "file"
    store.close()
    assert (data_dir / "keys" / "datakey.json").exists()
    # The next start keeps using the key file even though a keyring is present.
    store = open_local_store(prepare(options), options)
    assert store.key_store_kind == "file"
    store.close()


def test_asking_for_the_passphrase_until_it_is_right(data_dir: Path) -> None:
    options = RunOptions(data_dir=data_dir)
    answers = iter(["first passphrase 1"])
    asked: list[tuple[bool, str | None]] = []

    def ask(is_new: bool, problem: str | None) -> str | None:
        asked.append((is_new, problem))
        return next(answers, None)

    open_local_store(prepare(options), options, ask).close()
    assert asked == [(True, None)]

    answers = iter(["wrong passphrase 1", "first passphrase 1"])
    asked.clear()
    open_local_store(prepare(options), options, ask).close()
    assert [is_new for is_new, _ in asked] == [False, False]
    assert asked[0][1] is None and "passphrase" in (asked[1][1] or "")

    # Giving up (cancel) ends with the error, nothing half-open.
    answers = iter([])
    with pytest.raises(KeyStorageError):
        open_local_store(prepare(options), options, ask)


def test_a_tampered_key_file_is_a_clear_error_not_a_hang(data_dir: Path) -> None:
    import json

    from local_store.keys import FileKeyStore

    path = data_dir / "keys" / "datakey.json"
    FileKeyStore(path, "tamper passphrase 1").save("k1", b"k" * 32)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["keys"]["k1"]["kdf"]["n"] = 2**30  # would need 128 GiB of memory
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(KeyStorageError, match="implausible"):
        FileKeyStore(path, "tamper passphrase 1").load("k1")
    doc["keys"]["k1"]["kdf"] = "garbage"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(KeyStorageError, match="damaged"):
        FileKeyStore(path, "tamper passphrase 1").load("k1")
