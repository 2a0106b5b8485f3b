"""Masks for personal data, the free-text scrubber, and Money."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from showroom_app.domain.masking import (
    mask_address,
    mask_bank_card,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub,
)
from showroom_app.domain.money import Money

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
CARD = "6222021234567890123"

# --- masks ------------------------------------------------------------------------------


def test_mask_id_number() -> None:
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_id_number(" 11010519491231002x ") == "110105********002x"
    assert mask_id_number("110105194912310028") == "110105********0028"
    assert mask_id_number(None) == ""
    assert mask_id_number("") == ""
    assert mask_id_number("1234") == "****"
    assert mask_id_number("12345678") == "****5678"


def test_mask_phone() -> None:
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("123456") == "******"
    assert mask_phone(None) == ""


def test_mask_bank_card_shows_the_last_four_only() -> None:
    masked = mask_bank_card(CARD)
    assert masked == "**** 0123"
    assert re.sub(r"\D", "", masked) == "0123"
    assert mask_bank_card("6222 0212 3456 7890") == "**** 7890"
    assert mask_bank_card("123") == "****"
    assert mask_bank_card(None) == ""


def test_mask_name() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_name("Li Wei") == "L*****"
    assert mask_name(" 王 ") == "王"
    assert mask_name(None) == ""
    assert mask_name("") == ""


def test_mask_address_keeps_province_and_city() -> None:
    masked = mask_address("北京市朝阳区建国路88号院3号楼")
    assert masked.startswith("北京市朝阳区")
    assert "建国路" not in masked and "88" not in masked
    assert mask_address("北京") == "**"


# --- scrub -------------------------------------------------------------------------------


def test_scrub_masks_id_phone_and_card_in_free_text() -> None:
    text = (
        f"客户身份证{ID_NUMBER}，电话{PHONE}，卡号 {CARD}；"
        "amount 120000 on 20261129, term 36, VIN LSVAU2180N2123456"
    )
    out = scrub(text)
    for secret in (ID_NUMBER, PHONE, CARD, "19491231", "12345678"):
        assert secret not in out
    assert "110105********002X" in out
    assert "138****5678" in out
    assert "**** 0123" in out
    # Ordinary numbers stay as they were.
    assert "amount 120000 on 20261129, term 36, VIN LSVAU2180N2123456" in out
    assert out.startswith("客户身份证")


@pytest.mark.parametrize(
    "text",
    [
        "amount 120000",
        "date 20261129",
        "2026-11-29 08:38:02",
        "order 1234567890",
        "price 1,234,567.89",
        "VIN LSVAU2180N2123456",
        "ref APP-2026-000123",
        "code 12345678901",  # 11 digits but not a mobile prefix
    ],
)
def test_scrub_leaves_ordinary_text_alone(text: str) -> None:
    assert scrub(text) == text


def test_scrub_is_idempotent_and_handles_lowercase_x() -> None:
    once = scrub(f"id {ID_NUMBER.lower()} phone {PHONE}")
    assert once == "id 110105********002x phone 138****5678"
    assert scrub(once) == once


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("tel +8613812345678", "12345678"),
        ("tel 138-1234-5678", "1234-5678"),
        ("card 6222 0212 3456 7890 123", "3456 7890"),
    ],
    ids=["plus86", "dashed-phone", "grouped-card"],
)
def test_scrub_catches_common_written_forms(text: str, secret: str) -> None:
    assert secret not in scrub(text)


# --- Money -------------------------------------------------------------------------------


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        Money.of(1234.56)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)


def test_money_of_rounds_half_up_to_the_fen() -> None:
    assert Money.of("1234.565").fen == 123457
    assert Money.of("1234.564").fen == 123456
    assert Money.of("0.005").fen == 1
    assert Money.of("-1234.565").fen == -123457
    assert Money.of(Decimal("0.10")).fen == 10
    assert Money.of(120000).fen == 12_000_000
    assert Money.of("1234.565").yuan == Decimal("1234.57")


def test_money_of_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        Money.of("12o.00")


def test_money_format() -> None:
    assert Money.of("1234.565").format() == "¥1,234.57"
    assert Money(123456789).format() == "¥1,234,567.89"
    assert Money(5).format() == "¥0.05"
    assert Money(0).format() == "¥0.00"
    assert Money(-123457).format() == "-¥1,234.57"
    assert Money(-5).format() == "-¥0.05"
    assert (-Money.of("99.9")).format("CNY ") == "-CNY 99.90"
    assert str(Money(100)) == "¥1.00"


def test_money_arithmetic_is_exact() -> None:
    total = Money.zero()
    for _ in range(10):
        total = total + Money.of("0.10")
    assert total == Money.of("1.00")
    assert Money.of("0.30") - Money.of("0.10") == Money(20)
    assert Money(1) < Money(2)
