"""Checks on what a document says: ID numbers, USCC, VIN, bank cards, dates.

Pure functions: no I/O beyond python-stdnum's bundled region table, no clock unless a
caller leaves ``today`` out. Each failed check is its own ``Problem`` so the consultant
sees *why* a field needs a look; nothing here ever rewrites a value (see ``fields``).

Inputs are taken as printed/recognised: callers normalise OCR noise (spaces, lowercase
``x``) before asking, so a stray character is reported as ``FORMAT`` rather than guessed
away.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from stdnum import luhn, numdb
from stdnum.cn import uscc

from showroom_app.documents.fields import (
    FIELD_KEYS,
    LOW_CONFIDENCE,
    DocKind,
    FieldValue,
    Problem,
)

__all__ = [
    "BIN_TO_BANK",
    "LONG_TERM",
    "bank_from_bin",
    "check_id_front",
    "flag_confidence_and_missing",
    "id_birth_date",
    "id_check_character",
    "id_number_problems",
    "id_sex",
    "luhn_problems",
    "parse_date",
    "uscc_problems",
    "validity_problems",
    "vin_check_digit",
    "vin_problems",
]

# What the back of an ID card (and some licences) prints instead of an end date.
LONG_TERM = "长期"

# China has had no daylight saving since 1991, so a fixed offset is exact and avoids
# depending on a tz database being installed on the showroom PC.
_CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def _china_today() -> date:
    return datetime.now(_CHINA_TZ).date()


# --- Resident ID number (GB 11643-1999) ------------------------------------------------

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_MAP = "10X98765432"  # index = weighted sum mod 11 (ISO 7064 MOD 11-2)
# Nobody alive holds a card with an earlier birth date; an earlier one is a misread digit.
_EARLIEST_BIRTH = date(1900, 1, 1)


def id_check_character(first17: str) -> str:
    """The check character ("0"-"9" or "X") for the first 17 digits of an ID number.

    Raises ``ValueError`` unless given exactly 17 ASCII digits.
    """
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("an ID number's check character needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_MAP[total % 11]


def _id_shape_ok(number: str) -> bool:
    return bool(_ID_RE.fullmatch(number))


def id_birth_date(number: str) -> date | None:
    """The birth date encoded in an ID number, or None if it has no real date there.

    Returned even when the check character is wrong or the date is out of range: the
    caller compares it with the printed date, and the problems are reported separately.
    """
    if not _id_shape_ok(number):
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_sex(number: str) -> str | None:
    """"男" or "女" from the 17th digit (odd = male), or None for a malformed number."""
    if not _id_shape_ok(number):
        return None
    return "男" if int(number[16]) % 2 else "女"


def _region_known(code: str) -> bool:
    """Whether a 6-digit administrative code appears in stdnum's GB/T 2260 table.

    Deliberately era-blind: stdnum's ``get_birth_place`` rejects a code that was created
    after the holder's birth year, but people born before a county was (re)formed carry
    its new code on cards issued later (e.g. 420106 武昌区, dated 1983). Retired codes
    are still in the table, so they pass too, as they must.
    """
    try:
        results = numdb.get("cn/loc").info(code)
    except (ImportError, OSError):
        # Without the table we cannot tell; flagging every card would only be noise.
        return True
    return any("county" in props for _part, props in results)


def id_number_problems(number: str, today: date | None = None) -> list[Problem]:
    """Every problem with a resident ID number; an empty list means it looks genuine.

    ``FORMAT`` (not 17 digits + digit/"X") is reported alone, since nothing else can be
    read from a malformed number. Otherwise the check character, birth date (a real
    date, 1900 or later, not after ``today``) and region code are judged independently:
    a retired region code on an otherwise valid card yields only ``REGION_UNKNOWN``.
    """
    if not _id_shape_ok(number):
        return [Problem.FORMAT]
    problems: list[Problem] = []
    if number[17] != id_check_character(number[:17]):
        problems.append(Problem.CHECK_CHARACTER)
    born = id_birth_date(number)
    if born is None or born < _EARLIEST_BIRTH or born > (today or _china_today()):
        problems.append(Problem.BIRTH_DATE_IMPOSSIBLE)
    if not _region_known(number[:6]):
        problems.append(Problem.REGION_UNKNOWN)
    return problems


# --- Unified social credit code (GB 32100-2015) ----------------------------------------

# The standard leaves out I, O, S, V and Z so they cannot be confused with 1, 0, 5, U, 2.
_USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def uscc_problems(code: str) -> list[Problem]:
    """``FORMAT`` or ``CHECK_CHARACTER`` for a unified social credit code.

    Positions 3-8 are the registering authority's region code and must be digits. The
    first two positions are not restricted to digits (unlike ``stdnum.cn.uscc.validate``)
    because some registering authorities use letters there (e.g. ``N`` for agriculture).
    """
    if not _USCC_RE.fullmatch(code):
        return [Problem.FORMAT]
    if code[17] != uscc.calc_check_digit(code[:17]):
        return [Problem.CHECK_CHARACTER]
    return []


# --- VIN (GB 16735 / ISO 3779) ---------------------------------------------------------

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The check digit (position 9, "0"-"9" or "X") a 17-character VIN should carry.

    Raises ``ValueError`` if the VIN is not 17 characters without I, O and Q, since those
    letters have no transliteration value.
    """
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        raise ValueError("a VIN check digit needs 17 characters from 0-9, A-Z without I/O/Q")
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_problems(vin: str, imported: bool = False) -> list[Problem]:
    """``FORMAT``, ``VIN_LETTERS`` or ``CHECK_CHARACTER`` for a vehicle identification number.

    ``imported`` does not change the result: a wrong check digit is reported for every
    vehicle. Outside China and North America the check digit is not compulsory, so the
    caller should *warn* rather than block on ``CHECK_CHARACTER`` when ``imported`` is
    true; the flag is accepted here so call sites state which case they are in.
    """
    del imported  # see docstring: the policy lives with the caller
    if not re.fullmatch(r"[A-Z0-9]{17}", vin):
        return [Problem.FORMAT]
    if any(c in "IOQ" for c in vin):
        # Without a value for I/O/Q the check digit cannot be computed; usually an OCR
        # misread of 1/0, which the consultant must correct first.
        return [Problem.VIN_LETTERS]
    if vin[8] != vin_check_digit(vin):
        return [Problem.CHECK_CHARACTER]
    return []


# --- Bank cards -------------------------------------------------------------------------


def luhn_problems(number: str) -> list[Problem]:
    """``FORMAT`` (not 12-19 digits) or ``LUHN`` for a bank card number."""
    if not re.fullmatch(r"[0-9]{12,19}", number):
        return [Problem.FORMAT]
    if not luhn.is_valid(number):
        return [Problem.LUHN]
    return []


# Partial on purpose: only widely published 6-digit BINs of the major banks, cross-checked
# against public BIN lists. Prefixes that public lists attribute to more than one bank, and
# the many per-province rural credit cooperative (农村信用社) BINs, are left out; an
# unknown BIN gives None and the consultant types the bank's name.
_BANK_BINS: dict[str, tuple[str, ...]] = {
    "中国工商银行": (
        "622200", "622202", "622203", "622208", "621225", "621226", "621227", "621281",
        "621288", "621558", "621559", "621721", "621722", "621723",
    ),
    "中国建设银行": (
        "621700", "622700", "622280", "436742", "436745", "621284", "622166", "622168",
        "622708",
    ),
    "中国农业银行": (
        "622821", "622822", "622823", "622824", "622825", "622826", "622827", "622828",
        "622840", "622841", "622843", "622844", "622845", "622846", "622847", "622848",
        "622849",
    ),
    "中国银行": (
        "621660", "621661", "621662", "621663", "621665", "621666", "621667", "621668",
        "621669", "456351", "601382", "621283", "621785", "621786", "621787", "621788",
        "621789", "621790",
    ),
    "交通银行": (
        "622250", "622251", "622252", "622253", "622254", "622255", "622256", "622257",
        "622258", "622259", "622260", "622261", "622262", "405512", "601428", "621002",
        "621069", "621335",
    ),
    "招商银行": (
        "622588", "622580", "621483", "621485", "621486", "621286", "621299", "410062",
        "468203", "690755", "622575", "622576", "622577", "622578", "622579", "622581",
        "622582", "622598", "622609",
    ),
    "中国邮政储蓄银行": (
        "621799", "621798", "621797", "622188", "622150", "622151", "622199", "621095",
        "621096", "621098", "622810", "622811", "622812", "621285", "621599", "955100",
    ),
    "中信银行": (
        "622690", "622691", "622692", "622696", "622698", "621767", "621768", "621770",
        "621771", "621772", "621773", "442729", "442730", "433670", "433671", "433680",
    ),
    "兴业银行": ("622908", "622909", "622901", "622922", "438588", "438589", "966666"),
    "上海浦东发展银行": (
        "622516", "622518", "622519", "622520", "622521", "622522", "622523", "621351",
        "621352", "621390", "621791", "621792", "621793", "621795", "621796",
    ),
    "中国民生银行": (
        "622600", "622601", "622602", "622603", "622615", "622616", "622617", "622618",
        "622619", "622620", "622621", "622622", "622623", "415599", "421393", "421865",
        "427570", "427571", "472067", "472068", "407405", "464580", "464581",
    ),
    "中国光大银行": (
        "622650", "622655", "622657", "622658", "622659", "622660", "622661", "622662",
        "622663", "622664", "622665", "622666", "622667", "622668", "622669", "622670",
        "622671", "622672", "622673", "622674", "621489", "621492", "406252", "406254",
        "425862", "481699",
    ),
    "平安银行": (
        "621626", "623058", "622155", "622156", "622157", "622525", "622526", "622535",
        "622536", "622538", "622539", "622983", "622986", "622989", "602907", "998801",
        "998802", "412962", "412963", "415752", "415753",
    ),
}

BIN_TO_BANK: dict[str, str] = {
    prefix: bank for bank, prefixes in _BANK_BINS.items() for prefix in prefixes
}


def bank_from_bin(card_number: str) -> str | None:
    """The issuing bank's Chinese name from the card's first six digits, if known.

    Spaces and hyphens as printed on cards are ignored. The table is partial (see above),
    so None means "not in our table", not "not a real card".
    """
    digits = re.sub(r"[\s-]", "", card_number)
    if not re.fullmatch(r"[0-9]{6,}", digits):
        return None
    return BIN_TO_BANK.get(digits[:6])


# --- Dates ------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})(?:"
    r"\s*年\s*(?P<m1>[0-9]{1,2})\s*月\s*(?P<d1>[0-9]{1,2})\s*日?"
    r"|(?P<sep>[./-])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2})"
    r"|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2})"
    r")"
)


def parse_date(text: str) -> date | None:
    """A date from its printed form, or None if it is not one or not a real date.

    Accepts ``1988年3月15日``, ``1988年03月15日``, ``1988.03.15``, ``1988-03-15``,
    ``1988/3/15`` and ``19880315``. Full-width digits and punctuation, common in OCR
    output of Chinese documents, are folded to ASCII first.
    """
    if not text:
        return None
    match = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    g = match.groupdict()
    month = g["m1"] or g["m2"] or g["m3"]
    day = g["d1"] or g["d2"] or g["d3"]
    try:
        return date(int(g["y"]), int(month), int(day))
    except ValueError:
        return None


def validity_problems(valid_from: date | None, valid_to: date | str | None,
                      today: date) -> list[Problem]:
    """``EXPIRED``, ``NOT_YET_VALID`` or ``DATE_INVALID`` for a validity period.

    ``valid_to`` may be ``"长期"`` (long-term: never expires) or a printed date string; a
    string that is neither is ``DATE_INVALID``. A missing end is left to the MISSING check.
    """
    problems: list[Problem] = []
    end: date | None
    if isinstance(valid_to, str):
        if valid_to.strip() == LONG_TERM:
            end = None
        else:
            end = parse_date(valid_to)
            if end is None:
                problems.append(Problem.DATE_INVALID)
    else:
        end = valid_to
    if valid_from is not None and end is not None and end < valid_from:
        problems.append(Problem.DATE_INVALID)
    if end is not None and end < today:
        problems.append(Problem.EXPIRED)
    if valid_from is not None and valid_from > today:
        problems.append(Problem.NOT_YET_VALID)
    return problems


# --- Whole documents ----------------------------------------------------------------------


def _empty(fv: FieldValue) -> bool:
    return fv.value is None or not fv.value.strip()


def flag_confidence_and_missing(fields: dict[str, FieldValue],
                                keys: Iterable[str] | None = None) -> None:
    """Add ``MISSING`` to empty fields and ``LOW_CONFIDENCE`` to uncertain non-empty ones.

    With ``keys`` (e.g. ``FIELD_KEYS[kind]``), a key absent from ``fields`` is added as an
    empty, ``MISSING`` field so the form still shows it. Values are never changed.
    """
    for key in keys or ():
        if key not in fields:
            fields[key] = FieldValue(None)
    for fv in fields.values():
        if _empty(fv):
            fv.add(Problem.MISSING)
        elif fv.confidence < LOW_CONFIDENCE and Problem.FROM_ID_NUMBER not in fv.problems:
            fv.add(Problem.LOW_CONFIDENCE)


def check_id_front(fields: dict[str, FieldValue], today: date) -> None:
    """Annotate the fields read from an ID card's front with every problem found.

    The number is checked on its own; the printed birth date (ISO) and sex are compared
    with what the number encodes. Specimen and misprinted cards disagree with their own
    numbers, so a disagreement is reported on the printed field and nothing is "fixed".
    """
    flag_confidence_and_missing(fields, FIELD_KEYS[DocKind.ID_FRONT])
    id_fv = fields["id_number"]
    number = None if _empty(id_fv) else (id_fv.value or "").strip()
    if number is not None:
        for problem in id_number_problems(number, today):
            id_fv.add(problem)

    _fill_from_number(fields, number, id_fv)
    birth_fv = fields["birth_date"]
    if not _empty(birth_fv) and Problem.FROM_ID_NUMBER not in birth_fv.problems:
        printed = parse_date(birth_fv.value or "")
        if printed is None:
            birth_fv.add(Problem.DATE_INVALID)
        else:
            encoded = id_birth_date(number) if number else None
            if encoded is not None and encoded != printed:
                birth_fv.add(Problem.BIRTH_DATE_MISMATCH)

    sex_fv = fields["sex"]
    if not _empty(sex_fv) and Problem.FROM_ID_NUMBER not in sex_fv.problems:
        printed_sex = (sex_fv.value or "").strip()
        if printed_sex not in ("男", "女"):
            sex_fv.add(Problem.FORMAT)
        else:
            encoded_sex = id_sex(number) if number else None
            if encoded_sex is not None and encoded_sex != printed_sex:
                sex_fv.add(Problem.SEX_MISMATCH)


def _fill_from_number(fields: dict[str, FieldValue], number: str | None,
                      id_fv: FieldValue) -> None:
    """An illegible birth date or sex (glare, blur) is shown as the ID number encodes
    it, when the number itself holds (check character, real birth date): on a genuine
    card both are printed from the number. Confidence 0 and FROM_ID_NUMBER keep the
    field highlighted until the consultant has compared it with the card; the printed
    value, when one was read, always wins and is compared instead."""
    if number is None or set(id_fv.problems) - {Problem.LOW_CONFIDENCE.value}:
        return
    born = id_birth_date(number)
    encoded = {"birth_date": born.isoformat() if born else None, "sex": id_sex(number)}
    for key, value in encoded.items():
        fv = fields[key]
        if _empty(fv) and value:
            fields[key] = FieldValue(value, 0.0, [Problem.FROM_ID_NUMBER.value])
