"""What reading a document produces: each field's value, confidence and problems.

Values are what is printed. A check that fails is reported as a problem on the
field, never "fixed" silently; the consultant confirms or corrects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DocKind(StrEnum):
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    DRIVING_LICENSE = "driving_license"
    VEHICLE_LICENSE = "vehicle_license"
    BUSINESS_LICENSE = "business_license"
    BANK_CARD = "bank_card"


# Field keys per document, in the order a form shows them. Dates are ISO YYYY-MM-DD.
FIELD_KEYS: dict[DocKind, tuple[str, ...]] = {
    DocKind.ID_FRONT: ("name", "sex", "ethnicity", "birth_date", "address", "id_number"),
    # valid_to is an ISO date or "长期" (long-term).
    DocKind.ID_BACK: ("issuing_authority", "valid_from", "valid_to"),
    DocKind.DRIVING_LICENSE: ("license_number", "name", "sex", "vehicle_class",
                              "first_issue_date", "valid_from", "valid_to"),
    DocKind.VEHICLE_LICENSE: ("plate", "vehicle_type", "owner", "vin", "engine_number",
                              "registration_date"),
    DocKind.BUSINESS_LICENSE: ("name", "uscc", "legal_representative", "address",
                               "registered_capital"),
    DocKind.BANK_CARD: ("card_number", "bank"),
}


class Problem(StrEnum):
    """Why a field needs a person's eye. Kept separate on purpose: a retired region
    code on a valid card is not a wrong check character."""

    MISSING = "missing"
    LOW_CONFIDENCE = "low_confidence"
    FORMAT = "format"  # not the shape this field has (length, characters)
    CHECK_CHARACTER = "check_character"  # ID / USCC check character or VIN check digit
    LUHN = "luhn"
    BIRTH_DATE_IMPOSSIBLE = "birth_date_impossible"
    REGION_UNKNOWN = "region_unknown"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"  # printed date vs the ID number
    SEX_MISMATCH = "sex_mismatch"  # printed sex vs the ID number
    DATE_INVALID = "date_invalid"
    # Not legible on the card: the value shown is the one the (valid) ID number encodes,
    # for the consultant to compare with the card and confirm.
    FROM_ID_NUMBER = "from_id_number"
    # Unclear on the card, and read as the date the valid ID number encodes because the
    # recogniser's evidence allowed it: a specimen or forgery would print another date.
    READ_WITH_ID_NUMBER = "read_with_id_number"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    VIN_LETTERS = "vin_letters"  # I, O or Q in a VIN
    # An address that ends on a bare number: its unit (号, 室) or last characters were
    # most likely lost to a reflection or the detector's box ("…4单元17" for …1704室).
    CUT_SHORT = "cut_short"


@dataclass
class FieldValue:
    value: str | None
    confidence: float = 0.0
    problems: list[str] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if problem.value not in self.problems:
            self.problems.append(problem.value)

    @property
    def needs_review(self) -> bool:
        return bool(self.problems)

    def to_dict(self) -> dict:
        return {"value": self.value, "confidence": round(self.confidence, 3),
                "problems": list(self.problems)}


# Below this recogniser confidence a field is highlighted until a person confirms it.
LOW_CONFIDENCE = 0.80


@dataclass
class ParsedDocument:
    doc_type: DocKind
    fields: dict[str, FieldValue]

    def to_dict(self) -> dict:
        return {"doc_type": self.doc_type.value,
                "fields": {k: v.to_dict() for k, v in self.fields.items()}}
