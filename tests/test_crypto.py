"""Field encryption, tamper detection, blind index and the key file."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from local_store import repositories as repo
from local_store.crypto import FieldCipher, new_data_key
from local_store.db import Store
from local_store.keys import FileKeyStore
from showroom_app.domain.enums import CustomerType
from showroom_app.domain.errors import DecryptionError
from showroom_app.domain.models import CustomerPII

KEY = new_data_key()
CIPHER = FieldCipher(KEY)
AAD = ("customer", "name", "row-1")


# --- round trip ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["张三丰", "Li Wei", "", "北京市朝阳区建国路88号 🚗\u200d" * 500, "\x00\x1f控制"],
    ids=["chinese", "latin", "empty", "long-unicode", "control-chars"],
)
def test_text_round_trip(value: str) -> None:
    blob = CIPHER.seal_text(*AAD, value)
    assert isinstance(blob, bytes)
    assert value.encode("utf-8") not in blob or value == ""
    assert CIPHER.open_text(*AAD, blob) == value


@pytest.mark.parametrize(
    "value", [b"", b"\x00", bytes(range(256)) * 64], ids=["empty", "nul", "16k"]
)
def test_bytes_round_trip(value: bytes) -> None:
    blob = CIPHER.seal(*AAD, value)
    assert CIPHER.open(*AAD, blob) == value
    # format byte + 12-byte nonce + ciphertext + 16-byte tag
    assert len(blob) == 1 + 12 + len(value) + 16


def test_none_stays_none() -> None:
    assert CIPHER.seal_text(*AAD, None) is None
    assert CIPHER.open_text(*AAD, None) is None
    assert CIPHER.blind_index("id_number", None) is None


@settings(max_examples=150, deadline=None)
@given(
    plaintext=st.binary(max_size=4096),
    table=st.text(min_size=1, max_size=20),
    column=st.text(min_size=1, max_size=20),
    row_id=st.text(max_size=40),
)
def test_round_trip_property(plaintext: bytes, table: str, column: str, row_id: str) -> None:
    blob = CIPHER.seal(table, column, row_id, plaintext)
    assert CIPHER.open(table, column, row_id, blob) == plaintext


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_text_round_trip_property(value: str) -> None:
    assert CIPHER.open_text(*AAD, CIPHER.seal_text(*AAD, value)) == value


def test_data_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher(b"short")
    assert len(new_data_key()) == 32
    assert new_data_key() != new_data_key()


# --- tamper detection ----------------------------------------------------------------------


@pytest.fixture
def sealed() -> bytes:
    return CIPHER.seal(*AAD, "张三丰".encode())


@pytest.mark.parametrize(
    "where",
    [
        ("customer", "name", "row-2"),
        ("customer", "address", "row-1"),
        ("document", "name", "row-1"),
        ("customer", "name", "row-1 "),
        ("customer", "name", ""),
    ],
    ids=["other-row", "other-column", "other-table", "row-id-suffix", "empty-row-id"],
)
def test_open_elsewhere_fails(sealed: bytes, where: tuple[str, str, str]) -> None:
    with pytest.raises(DecryptionError):
        CIPHER.open(*where, sealed)
    assert CIPHER.open(*AAD, sealed) == "张三丰".encode()


def test_every_flipped_byte_is_detected(sealed: bytes) -> None:
    for i in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[i] ^= 0x01
        with pytest.raises(DecryptionError):
            CIPHER.open(*AAD, bytes(tampered))


@pytest.mark.parametrize("cut", [0, 1, 13, 28], ids=["empty", "format-only", "no-tag", "short"])
def test_truncated_blob_is_refused(sealed: bytes, cut: int) -> None:
    with pytest.raises(DecryptionError):
        CIPHER.open(*AAD, sealed[:cut])


def test_truncated_tag_is_refused(sealed: bytes) -> None:
    with pytest.raises(DecryptionError):
        CIPHER.open(*AAD, sealed[:-1])


def test_another_key_fails(sealed: bytes) -> None:
    other = FieldCipher(new_data_key())
    with pytest.raises(DecryptionError, match="integrity"):
        other.open(*AAD, sealed)
    assert other.key_check() != CIPHER.key_check()


def test_same_key_in_a_new_instance_opens(sealed: bytes) -> None:
    again = FieldCipher(KEY)
    assert again.open(*AAD, sealed) == "张三丰".encode()
    assert again.key_check() == CIPHER.key_check()


def test_decryption_error_names_no_plaintext(sealed: bytes) -> None:
    with pytest.raises(DecryptionError) as info:
        CIPHER.open("customer", "name", "row-2", sealed)
    assert "张三丰" not in str(info.value)
    assert "customer.name" in str(info.value)


# --- tamper in the real database ---------------------------------------------------------------

PII_A = CustomerPII(
    name="张三丰",
    id_number="11010519491231002X",
    phone="13812345678",
    bank_card="6222021234567890123",
)
PII_B = CustomerPII(name="李四", id_number="310101198001011234", phone="13987654321")


def _two_customers(store: Store) -> tuple[str, str]:
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D001", "Test Motors")
        a = repo.add_customer(s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, PII_A)
        b = repo.add_customer(s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, PII_B)
    return a.id, b.id


def _copy_column(store: Store, src_id: str, src_col: str, dst_id: str, dst_col: str) -> None:
    with store.transaction() as s:
        s.execute(
            text(
                f"UPDATE customer SET {dst_col} = "
                f"(SELECT {src_col} FROM customer WHERE id = :src) WHERE id = :dst"
            ),
            {"src": src_id, "dst": dst_id},
        )


def test_customers_read_back_before_tampering(store: Store) -> None:
    a, b = _two_customers(store)
    with store.transaction() as s:
        ca = repo.get_customer(s, store.cipher, a)
        cb = repo.get_customer(s, store.cipher, b)
    assert ca is not None and ca.pii == PII_A
    assert cb is not None and cb.pii == PII_B


@pytest.mark.parametrize(
    ("src_col", "dst_col"),
    [("name_enc", "name_enc"), ("id_number_enc", "phone_enc"), ("phone_enc", "phone_enc")],
)
def test_ciphertext_moved_to_another_customer_fails(
    store: Store, src_col: str, dst_col: str
) -> None:
    a, b = _two_customers(store)
    _copy_column(store, a, src_col, b, dst_col)
    with pytest.raises(DecryptionError), store.transaction() as s:
        repo.get_customer(s, store.cipher, b)
    # The source row is intact and still reads back.
    with store.transaction() as s:
        ca = repo.get_customer(s, store.cipher, a)
    assert ca is not None and ca.pii == PII_A


def test_ciphertext_moved_to_another_column_of_the_same_row_fails(store: Store) -> None:
    _, b = _two_customers(store)
    _copy_column(store, b, "id_number_enc", b, "phone_enc")
    with pytest.raises(DecryptionError), store.transaction() as s:
        repo.get_customer(s, store.cipher, b)


def test_moved_ciphertext_never_shows_in_a_list(store: Store) -> None:
    a, b = _two_customers(store)
    _copy_column(store, a, "id_number_enc", b, "id_number_enc")
    _copy_column(store, a, "id_number_bidx", b, "id_number_bidx")
    with pytest.raises(DecryptionError), store.transaction() as s:
        repo.find_customers_by_id_number(s, store.cipher, PII_A.id_number or "")


# --- randomness and the blind index --------------------------------------------------------------


def test_same_plaintext_seals_differently_each_time() -> None:
    first = CIPHER.seal(*AAD, b"11010519491231002X")
    second = CIPHER.seal(*AAD, b"11010519491231002X")
    assert first != second
    assert first[1:13] != second[1:13]  # the nonces differ
    assert CIPHER.open(*AAD, first) == CIPHER.open(*AAD, second) == b"11010519491231002X"


def test_blind_index_is_deterministic_and_keyed() -> None:
    value = "11010519491231002X"
    index = CIPHER.blind_index("id_number", value)
    assert index == CIPHER.blind_index("id_number", value)
    assert index == FieldCipher(KEY).blind_index("id_number", value)
    assert index != FieldCipher(new_data_key()).blind_index("id_number", value)
    assert index is not None and len(index) == 64
    assert value not in index and value.lower() not in index


@pytest.mark.parametrize(
    "variant",
    [
        "11010519491231002x",
        " 11010519491231002X ",
        "110105 19491231 002X",
        "１１０１０５19491231002X",
    ],
    ids=["lowercase-x", "padded", "inner-spaces", "fullwidth-digits"],
)
def test_blind_index_normalizes(variant: str) -> None:
    assert CIPHER.blind_index("id_number", variant) == CIPHER.blind_index(
        "id_number", "11010519491231002X"
    )


def test_blind_index_tells_values_and_kinds_apart() -> None:
    assert CIPHER.blind_index("id_number", "11010519491231002X") != CIPHER.blind_index(
        "id_number", "110105194912310028"
    )
    assert CIPHER.blind_index("id_number", "13812345678") != CIPHER.blind_index(
        "phone", "13812345678"
    )


def test_find_customers_by_id_number_uses_the_blind_index(store: Store) -> None:
    a, b = _two_customers(store)
    with store.engine.connect() as conn:
        stored = dict(
            conn.exec_driver_sql("SELECT id, id_number_bidx FROM customer").fetchall()
        )
    assert stored[a] == store.cipher.blind_index("id_number", PII_A.id_number)
    assert PII_A.id_number not in stored.values()

    with store.transaction() as s:
        found = repo.find_customers_by_id_number(s, store.cipher, "11010519491231002x")
        found_b = repo.find_customers_by_id_number(s, store.cipher, " 310101198001011234 ")
        none = repo.find_customers_by_id_number(s, store.cipher, "110105194912310028")
        by_phone = repo.find_customers_by_phone(s, store.cipher, "13987654321")
        phone_as_id = repo.find_customers_by_id_number(s, store.cipher, "13987654321")
    assert [c.id for c in found] == [a]
    assert found[0].pii == PII_A
    assert [c.id for c in found_b] == [b]
    assert none == []
    assert [c.id for c in by_phone] == [b]
    assert phone_as_id == []


# --- the key file ----------------------------------------------------------------------


def _forms(key: bytes) -> list[bytes]:
    return [key, base64.b64encode(key), key.hex().encode(), key.hex().upper().encode()]


def test_key_file_is_private_and_holds_no_clear_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "datakey.json"
    store = FileKeyStore(path, "a long passphrase 42")
    key = new_data_key()
    store.save("key-1", key)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    for form in _forms(key):
        assert form not in raw
    assert b"a long passphrase 42" not in raw
    doc = json.loads(raw)
    assert doc["keys"]["key-1"]["kdf"]["name"] == "scrypt"
    assert FileKeyStore(path, "a long passphrase 42").load("key-1") == key
    assert FileKeyStore(path, "a long passphrase 42").load("unknown") is None
    assert not path.with_suffix(".tmp").exists()


def test_key_file_written_by_the_store_is_private(store: Store, data_dir: Path) -> None:
    path = data_dir / "keys" / "datakey.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with store.transaction() as s:
        key_id = repo.get_meta(s, "key_id")
    assert key_id is not None
    key = FileKeyStore(path, "correct horse battery staple").load(key_id)
    assert key is not None and FieldCipher(key).key_check() == store.cipher.key_check()
    raw = path.read_bytes()
    for form in _forms(key):
        assert form not in raw


def test_key_file_stays_private_when_replaced(tmp_path: Path) -> None:
    path = tmp_path / "datakey.json"
    path.write_text('{"format": 1, "keys": {}}', encoding="utf-8")
    path.chmod(0o644)
    FileKeyStore(path, "a long passphrase 42").save("key-1", new_data_key())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_phone_blind_index_ignores_country_code_and_separators() -> None:
    cipher = FieldCipher(b"k" * 32)
    forms = ["13812345678", "+86 138-1234-5678", "86 13812345678", "138 1234 5678"]
    assert len({cipher.blind_index("phone", f) for f in forms}) == 1
    assert cipher.blind_index("phone", "13812345679") != cipher.blind_index("phone", forms[0])
