"""Masks for personal data. Every view and every log line shows these, never the raw value."""

from __future__ import annotations

import re


def mask_id_number(value: str | None) -> str:
    """`110105199001010023` → `110105********0023`: region kept, birth date hidden."""
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 4:
        return "*" * len(v)
    if len(v) < 10:
        return "*" * (len(v) - 4) + v[-4:]
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str | None) -> str:
    """`13812345678` → `138****5678`."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_card(value: str | None) -> str:
    """`6222021234567890123` → `**** 0123`: only the last four digits."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    return "**** " + digits[-4:] if len(digits) >= 4 else "****"


def mask_name(value: str | None) -> str:
    """`张三丰` → `张**`; `Li Wei` → `L*****`: the first character only."""
    if not value:
        return ""
    v = value.strip()
    return v[0] + "*" * (len(v) - 1)


def mask_address(value: str | None) -> str:
    """Keep the first six characters (province and city), hide the rest."""
    if not value:
        return ""
    v = value.strip()
    return v[:6] + "*" * min(len(v) - 6, 8) if len(v) > 6 else "*" * len(v)


# Safety net for log lines: anything that looks like an ID number, a mobile
# number or a bank card is masked even if a caller forgot to. Written forms with
# +86, spaces or dashes count too.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(
    r"(?<![\d+])(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![\d])"
)
_CARD_RE = re.compile(r"(?<![\d*])\d(?:[ -]?\d){11,18}(?![\d])")


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "**** " + digits[-4:]


def scrub(text: str) -> str:
    """Mask every ID-, phone- or card-shaped number inside free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)
    text = _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _CARD_RE.sub(_mask_card, text)
