"""Field validators for identity documents, business licences, VINs and bank cards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from showroom_app.documents.fields import FieldValue, Problem
from showroom_app.documents.validators import (
    _BANK_BINS,
    BIN_TO_BANK,
    bank_from_bin,
    check_id_front,
    flag_confidence_and_missing,
    id_birth_date,
    id_check_character,
    id_number_problems,
    id_sex,
    luhn_problems,
    parse_date,
    uscc_problems,
    validity_problems,
    vin_check_digit,
    vin_problems,
)

TODAY = date(2026, 3, 1)

# The sandbox bureau's test identities (central/decision.py's docstring).
TEST_IDS = [
    "110105198803151232",
    "310104197906222044",
    "440305199009083158",
    "510107199101274264",
    "330106199211115379",
    "42010619980430648X",
]


def _with_check(first17: str) -> str:
    return first17 + id_check_character(first17)


# --- resident ID number --------------------------------------------------------------


@pytest.mark.parametrize("number", TEST_IDS)
def test_test_identities_are_valid(number: str) -> None:
    assert id_number_problems(number, TODAY) == []


def test_birth_date_and_sex_from_number() -> None:
    assert id_birth_date("110105198803151232") == date(1988, 3, 15)
    assert id_sex("110105198803151232") == "男"  # 123: odd
    assert id_birth_date("42010619980430648X") == date(1998, 4, 30)
    assert id_sex("42010619980430648X") == "女"  # 648: even
    assert id_birth_date("11010519880230123X") is None
    assert id_birth_date("1101051988") is None
    assert id_sex("not a number") is None


def test_check_character_matches_stdnum() -> None:
    for number in TEST_IDS:
        assert id_check_character(number[:17]) == number[17]
        assert id_check_character(number[:17]) == ric.calc_check_digit(number)
    with pytest.raises(ValueError):
        id_check_character("1234")


def test_wrong_check_character() -> None:
    assert id_number_problems("110105198803151233", TODAY) == [Problem.CHECK_CHARACTER]
    assert id_number_problems("420106199804306481", TODAY) == [Problem.CHECK_CHARACTER]


@pytest.mark.parametrize("number", [
    "11010519880315123",      # 17 characters
    "1101051988031512321",    # 19 characters
    "42010619980430648x",     # lowercase x: the caller normalises
    "1101051988031512A2",     # letter inside the digits
    "11010519880315123Y",
    "",
])
def test_format(number: str) -> None:
    assert id_number_problems(number, TODAY) == [Problem.FORMAT]


def test_impossible_birth_date_reported_separately_from_check_character() -> None:
    number = _with_check("11010519880230123")  # 30 February
    assert id_number_problems(number, TODAY) == [Problem.BIRTH_DATE_IMPOSSIBLE]
    assert id_birth_date(number) is None


def test_future_and_pre_1900_birth_dates() -> None:
    future = _with_check("11010520260302123")
    assert id_number_problems(future, TODAY) == [Problem.BIRTH_DATE_IMPOSSIBLE]
    assert id_number_problems(_with_check("11010520260301123"), TODAY) == []  # born today
    old = _with_check("11010518991231123")
    assert id_number_problems(old, TODAY) == [Problem.BIRTH_DATE_IMPOSSIBLE]


def test_several_problems_at_once() -> None:
    first17 = "99999919880230123"
    wrong = "1" if id_check_character(first17) != "1" else "2"
    number = first17 + wrong
    assert id_number_problems(number, TODAY) == [
        Problem.CHECK_CHARACTER, Problem.BIRTH_DATE_IMPOSSIBLE, Problem.REGION_UNKNOWN]


def test_unknown_region_with_correct_check_is_only_region_unknown() -> None:
    number = _with_check("99999919900101123")
    assert id_number_problems(number, TODAY) == [Problem.REGION_UNKNOWN]


def test_retired_and_later_created_regions_are_not_unknown() -> None:
    # 110103 崇文区 was merged away in 2010; its holders keep their numbers.
    assert id_number_problems(_with_check("11010319750601123"), TODAY) == []
    # 420106 武昌区 is dated from 1983 in stdnum's table, yet someone born in 1970 and
    # registered there carries it: stdnum's is_valid says no, we must not.
    number = _with_check("42010619700101001")
    assert not ric.is_valid(number)
    assert id_number_problems(number, TODAY) == []


def test_default_today_is_used() -> None:
    assert id_number_problems(_with_check("11010529991231123")) == [
        Problem.BIRTH_DATE_IMPOSSIBLE]


_REGIONS = ["110105", "310104", "440305", "510107", "330106", "420106"]


@st.composite
def _valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(_REGIONS))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(min_value=0, max_value=999))
    return _with_check(f"{region}{born:%Y%m%d}{seq:03d}")


@given(_valid_ids())
def test_computed_check_character_validates(number: str) -> None:
    assert id_number_problems(number, TODAY) == []
    assert ric.calc_check_digit(number) == number[17]


@given(_valid_ids(), st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_any_single_character_change_is_detected(number: str, pos: int, shift: int) -> None:
    # MOD 11-2 weights are all non-zero mod 11, so every single substitution shows up.
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    current = alphabet.index(number[pos])
    replacement = alphabet[(current + shift) % len(alphabet)]
    if replacement == number[pos]:
        return  # shift of 10 on a digit position wraps to itself
    changed = number[:pos] + replacement + number[pos + 1:]
    assert Problem.CHECK_CHARACTER in id_number_problems(changed, TODAY)


# --- unified social credit code ------------------------------------------------------


def test_uscc_valid_and_corrupted() -> None:
    assert uscc_problems("91110000600037341L") == []
    body = "91110108MA01ABCD1"
    code = body + uscc.calc_check_digit(body)
    assert uscc_problems(code) == []
    corrupted = code[:10] + ("2" if code[10] != "2" else "3") + code[11:]
    assert uscc_problems(corrupted) == [Problem.CHECK_CHARACTER]
    assert uscc_problems("91110000600037341K") == [Problem.CHECK_CHARACTER]


def test_uscc_letter_in_authority_position_is_allowed() -> None:
    body = "N2110108MA01ABCD1"
    assert uscc_problems(body + uscc.calc_check_digit(body)) == []


@pytest.mark.parametrize("code", [
    "91110000600037341",       # 17 characters
    "91110000600037341LL",
    "9111000060003734IL",      # I is not in the alphabet
    "91110000600O37341L",      # O neither
    "911100S0600037341L",      # region code must be digits
    "91110000600037341l",
])
def test_uscc_format(code: str) -> None:
    assert uscc_problems(code) == [Problem.FORMAT]


# --- VIN -----------------------------------------------------------------------------


@pytest.mark.parametrize("vin", [
    "1M8GDM9AXKP042788",  # check digit X
    "11111111111111111",
    "1HGCM82633A004352",
    "LSVAM4187C2184847",
])
def test_valid_vins(vin: str) -> None:
    assert vin_problems(vin) == []
    assert vin_check_digit(vin) == vin[8]


def test_vin_wrong_check_digit_even_when_imported() -> None:
    vin = "1M8GDM9A1KP042788"
    assert vin_problems(vin) == [Problem.CHECK_CHARACTER]
    assert vin_problems(vin, imported=True) == [Problem.CHECK_CHARACTER]


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278I", "1M8GDMOAXKP042788", "QM8GDM9AXKP042788"])
def test_vin_letters(vin: str) -> None:
    assert vin_problems(vin) == [Problem.VIN_LETTERS]
    with pytest.raises(ValueError):
        vin_check_digit(vin)


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "1m8gdm9axkp042788",
                                 "1M8GDM9AXKP04278-"])
def test_vin_format(vin: str) -> None:
    assert vin_problems(vin) == [Problem.FORMAT]


# --- bank cards ----------------------------------------------------------------------


def test_luhn() -> None:
    assert luhn_problems("4111111111111111") == []
    number = "622202123456789012"
    number += luhn.calc_check_digit(number)
    assert luhn_problems(number) == []
    assert luhn_problems("4111111111111112") == [Problem.LUHN]
    assert luhn_problems("41111111111") == [Problem.FORMAT]         # 11 digits
    assert luhn_problems("41111111111111111111") == [Problem.FORMAT]  # 20 digits
    assert luhn_problems("4111 1111 1111 1111") == [Problem.FORMAT]


def test_bank_from_bin() -> None:
    assert bank_from_bin("6222021234567890123") == "中国工商银行"
    assert bank_from_bin("6217 0012 3456 7890") == "中国建设银行"
    assert bank_from_bin("6228481234567890") == "中国农业银行"
    assert bank_from_bin("6216611234567890") == "中国银行"
    assert bank_from_bin("6222601234567890") == "交通银行"
    assert bank_from_bin("6225881234567890") == "招商银行"
    assert bank_from_bin("6217991234567890") == "中国邮政储蓄银行"
    assert bank_from_bin("4111111111111111") is None
    assert bank_from_bin("622") is None
    assert bank_from_bin("") is None


def test_bin_table_is_unambiguous() -> None:
    all_prefixes = [p for prefixes in _BANK_BINS.values() for p in prefixes]
    assert len(all_prefixes) == len(set(all_prefixes)) == len(BIN_TO_BANK)
    assert all(len(p) == 6 and p.isdigit() for p in all_prefixes)


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "1988年3月15日", "1988年03月15日", "1988.03.15", "1988-03-15", "19880315", "1988/3/15",
    " 1988 年 3 月 15 日 ", "１９８８．０３．１５",
])
def test_parse_date_printed_forms(text: str) -> None:
    assert parse_date(text) == date(1988, 3, 15)


@pytest.mark.parametrize("text", [
    "2023年2月29日", "2023-02-29", "1988-13-01", "19880230", "1988.03-15", "长期", "", "1988",
    "88-03-15",
])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_leap_day() -> None:
    assert parse_date("2024年2月29日") == date(2024, 2, 29)


def test_validity_problems() -> None:
    start, end = date(2015, 3, 1), date(2035, 3, 1)
    assert validity_problems(start, end, TODAY) == []
    assert validity_problems(start, "长期", TODAY) == []
    assert validity_problems(date(2000, 1, 1), "长期", TODAY) == []
    assert validity_problems(start, date(2025, 3, 1), TODAY) == [Problem.EXPIRED]
    assert validity_problems(start, TODAY, TODAY) == []  # valid through its last day
    assert validity_problems(TODAY + timedelta(days=1), end, TODAY) == [Problem.NOT_YET_VALID]
    assert validity_problems(date(2035, 3, 1), date(2015, 3, 1), TODAY) == [
        Problem.DATE_INVALID, Problem.EXPIRED, Problem.NOT_YET_VALID]
    assert validity_problems(start, "2035.03.01", TODAY) == []
    assert validity_problems(start, "永久", TODAY) == [Problem.DATE_INVALID]
    assert validity_problems(None, None, TODAY) == []


# --- whole documents -----------------------------------------------------------------


def _id_front(**overrides: str | None) -> dict[str, FieldValue]:
    values: dict[str, str | None] = {
        "name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1988-03-15",
        "address": "北京市朝阳区某某路1号", "id_number": "110105198803151232",
    }
    values.update(overrides)
    return {k: FieldValue(v, 0.95) for k, v in values.items()}


def test_check_id_front_clean_card() -> None:
    fields = _id_front()
    check_id_front(fields, TODAY)
    assert {k: fv.problems for k, fv in fields.items() if fv.problems} == {}


def test_check_id_front_reports_mismatches_without_changing_values() -> None:
    fields = _id_front(birth_date="1988-03-16", sex="女")
    before = {k: fv.value for k, fv in fields.items()}
    check_id_front(fields, TODAY)
    assert fields["birth_date"].problems == [Problem.BIRTH_DATE_MISMATCH]
    assert fields["sex"].problems == [Problem.SEX_MISMATCH]
    assert fields["id_number"].problems == []
    assert {k: fv.value for k, fv in fields.items()} == before


def test_check_id_front_specimen_card() -> None:
    # Specimens: a failing check character and a printed date unlike the number's.
    fields = _id_front(id_number="110105198803151233", birth_date="1990-01-01")
    check_id_front(fields, TODAY)
    assert fields["id_number"].problems == [Problem.CHECK_CHARACTER]
    assert fields["birth_date"].problems == [Problem.BIRTH_DATE_MISMATCH]
    assert fields["id_number"].value == "110105198803151233"


def test_check_id_front_missing_low_confidence_and_bad_printed_values() -> None:
    fields = _id_front(name="", address=None, birth_date="1988-02-30", sex="M")
    fields["ethnicity"].confidence = 0.5
    del fields["id_number"]
    check_id_front(fields, TODAY)
    assert fields["name"].problems == [Problem.MISSING]
    assert fields["address"].problems == [Problem.MISSING]
    assert fields["ethnicity"].problems == [Problem.LOW_CONFIDENCE]
    assert fields["birth_date"].problems == [Problem.DATE_INVALID]
    assert fields["sex"].problems == [Problem.FORMAT]
    assert fields["id_number"].value is None
    assert fields["id_number"].problems == [Problem.MISSING]


def test_check_id_front_is_idempotent() -> None:
    fields = _id_front(sex="女")
    check_id_front(fields, TODAY)
    check_id_front(fields, TODAY)
    assert fields["sex"].problems == [Problem.SEX_MISMATCH]


def test_flag_confidence_and_missing() -> None:
    fields = {"card_number": FieldValue("6222021234567890", 0.5),
              "bank": FieldValue("  ", 0.99), "other": FieldValue("x", 0.8)}
    flag_confidence_and_missing(fields)
    assert fields["card_number"].problems == [Problem.LOW_CONFIDENCE]
    assert fields["bank"].problems == [Problem.MISSING]
    assert fields["other"].problems == []
    assert fields["card_number"].value == "6222021234567890"


def test_check_id_front_fills_an_illegible_birth_date_and_sex_from_a_valid_number() -> None:
    fields = _id_front(sex=None, birth_date="")
    check_id_front(fields, TODAY)
    assert fields["birth_date"].value == "1988-03-15"
    assert fields["sex"].value == "男"
    for key in ("birth_date", "sex"):
        assert fields[key].problems == [Problem.FROM_ID_NUMBER]
        assert fields[key].needs_review and fields[key].confidence == 0.0
    check_id_front(fields, TODAY)  # idempotent: no MISSING or LOW_CONFIDENCE added later
    assert fields["sex"].problems == [Problem.FROM_ID_NUMBER]


def test_check_id_front_never_fills_from_a_number_that_fails_its_check() -> None:
    fields = _id_front(sex=None, birth_date=None, id_number="110105198803151233")
    check_id_front(fields, TODAY)
    assert fields["sex"].value is None and fields["sex"].problems == [Problem.MISSING]
    assert fields["birth_date"].value is None
    assert fields["birth_date"].problems == [Problem.MISSING]


def test_check_id_front_keeps_a_printed_value_that_disagrees_with_the_number() -> None:
    fields = _id_front(sex="女")
    check_id_front(fields, TODAY)
    assert fields["sex"].value == "女"
    assert fields["sex"].problems == [Problem.SEX_MISMATCH]
