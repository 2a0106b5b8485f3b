"""From an application's facts to the model's features.

`Facts` is what the desk knows when it asks for a pre-score: plain values, money in
integer fen, nothing personal beyond what the score needs (no name, no ID number:
the caller says whether the ID number's check character holds). `features(facts)`
turns them into the named numbers and categories the segment models were trained on.

Missing is explicit: an unknown value is None in `Facts` and NaN in the features, and
the models were trained with missing values (LightGBM learns where they go), so
"no bureau summary" is a situation the model knows, not a zero. Ratios that cannot be
computed (payment-to-income with no income) are missing, never 0 or infinite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

SEGMENTS = ("individual", "fleet", "farmer")
EMPLOYMENT_TYPES = ("salaried", "civil_servant", "self_employed", "business_owner", "farmer",
                    "driver", "retired", "other")
VEHICLE_CATEGORIES = ("new_car", "used_car", "nev", "commercial", "tractor", "construction")

FEATURE_NAMES = (
    "age", "monthly_income", "income_proven", "employment_type", "employment_years",
    "residence_years", "down_payment_ratio", "ltv", "term_months", "payment_to_income",
    "existing_debt_monthly", "vehicle_category", "vehicle_age_years", "vehicle_price",
    "inquiries_3m", "inquiries_6m", "overdue_months_24m", "max_overdue_days",
    "fleet_size", "farm_area_mu",
)
CATEGORICAL = frozenset({"employment_type", "vehicle_category"})


class FactsError(ValueError):
    """Facts that cannot describe an application; `field` names the culprit."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Facts:
    segment: str  # individual | fleet | farmer
    as_of: date  # the day of the score: ages and validity are counted to it
    vehicle_category: str
    vehicle_price_fen: int
    down_payment_fen: int
    term_months: int
    # What is financed; None: the price less the down payment (fees financed raise it).
    financed_amount_fen: int | None = None
    monthly_payment_fen: int | None = None
    birth_date: date | None = None
    # The ID card's printed validity end; None when unknown, date.max for 长期.
    id_valid_until: date | None = None
    id_number_valid: bool | None = None  # the check character holds (None: not read)
    monthly_income_fen: int | None = None
    income_proven: bool = False
    employment_type: str | None = None
    employment_years: float | None = None
    residence_years: float | None = None
    existing_debt_monthly_fen: int | None = None
    vehicle_model_year: int | None = None
    vehicle_first_registration: date | None = None  # used vehicles
    is_nev: bool = False
    ltv_cap: float | None = None  # the product's cap for this vehicle, if any
    # Bureau summary, when the customer's report is known at the desk.
    inquiries_3m: int | None = None
    inquiries_6m: int | None = None
    overdue_months_24m: int | None = None
    max_overdue_days: int | None = None
    fleet_size: int | None = None
    farm_area_mu: float | None = None

    def __post_init__(self) -> None:
        if self.segment not in SEGMENTS:
            raise FactsError(f"segment must be one of {', '.join(SEGMENTS)}", "segment")
        if self.vehicle_category not in VEHICLE_CATEGORIES:
            raise FactsError("unknown vehicle category: "
                             f"{self.vehicle_category!r} ({', '.join(VEHICLE_CATEGORIES)})",
                             "vehicle_category")
        if self.employment_type is not None and self.employment_type not in EMPLOYMENT_TYPES:
            raise FactsError(f"unknown employment type: {self.employment_type!r} "
                             f"({', '.join(EMPLOYMENT_TYPES)})", "employment_type")
        for name in ("vehicle_price_fen", "down_payment_fen", "term_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise FactsError(f"{name} must be a whole number", name)
        if self.vehicle_price_fen <= 0:
            raise FactsError("the vehicle price must be above zero", "vehicle_price_fen")
        if not 0 <= self.down_payment_fen <= self.vehicle_price_fen:
            raise FactsError("the down payment must be between zero and the price",
                             "down_payment_fen")
        if not 1 <= self.term_months <= 120:
            raise FactsError("the term must be 1 to 120 months", "term_months")
        for name in ("financed_amount_fen", "monthly_payment_fen", "monthly_income_fen",
                     "existing_debt_monthly_fen", "inquiries_3m", "inquiries_6m",
                     "overdue_months_24m", "max_overdue_days", "fleet_size"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise FactsError(f"{name} must be a whole number", name)
            if value < 0:
                raise FactsError(f"{name} cannot be negative", name)
        for name in ("employment_years", "residence_years", "farm_area_mu", "ltv_cap"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)
                                      or not math.isfinite(value) or value < 0):
                raise FactsError(f"{name} must be a number of zero or more", name)
        # JSON "false" or "no" is a true-ish string: only true or false can say it.
        for name in ("income_proven", "is_nev", "id_number_valid"):
            value = getattr(self, name)
            if not isinstance(value, bool) and not (value is None
                                                    and name == "id_number_valid"):
                raise FactsError(f"{name} must be true or false", name)
        if self.birth_date is not None and self.birth_date > self.as_of:
            raise FactsError("the birth date is after the day of the score", "birth_date")
        if (self.inquiries_3m is not None and self.inquiries_6m is not None
                and self.inquiries_6m < self.inquiries_3m):
            raise FactsError("inquiries in 6 months include those of the last 3",
                             "inquiries_6m")

    @property
    def financed_fen(self) -> int:
        if self.financed_amount_fen is not None:
            return self.financed_amount_fen
        return self.vehicle_price_fen - self.down_payment_fen

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on(self.as_of)

    @property
    def age_at_term_end(self) -> float | None:
        if self.birth_date is None:
            return None
        return (self.as_of - self.birth_date).days / 365.25 + self.term_months / 12

    @property
    def ltv(self) -> float:
        return self.financed_fen / self.vehicle_price_fen


NAN = float("nan")


def _num(value: float | None) -> float:
    return NAN if value is None else float(value)


def _yuan(fen: int | None) -> float:
    return NAN if fen is None else fen / 100


def vehicle_age_years(facts: Facts) -> float:
    if facts.vehicle_first_registration is not None:
        return max(0.0, (facts.as_of - facts.vehicle_first_registration).days / 365.25)
    if facts.vehicle_model_year is not None:
        return float(max(0, facts.as_of.year - facts.vehicle_model_year))
    # New vehicles from stock: the category says so.
    return NAN if facts.vehicle_category == "used_car" else 0.0


def features(facts: Facts) -> dict[str, float | str | None]:
    """Every desk feature by name: floats (NaN when unknown) and category names (None
    when unknown). Model inputs, not money: amounts are in yuan as floats here."""
    income = facts.monthly_income_fen
    debt = facts.existing_debt_monthly_fen
    payment = facts.monthly_payment_fen
    pti = (payment + (debt or 0)) / income if income and payment is not None else NAN
    age = facts.age
    return {
        "age": _num(age),
        "monthly_income": _yuan(income),
        "income_proven": 1.0 if facts.income_proven else 0.0,
        "employment_type": facts.employment_type,
        "employment_years": _num(facts.employment_years),
        "residence_years": _num(facts.residence_years),
        "down_payment_ratio": facts.down_payment_fen / facts.vehicle_price_fen,
        "ltv": facts.ltv,
        "term_months": float(facts.term_months),
        "payment_to_income": pti,
        "existing_debt_monthly": _yuan(debt),
        "vehicle_category": facts.vehicle_category,
        "vehicle_age_years": vehicle_age_years(facts),
        "vehicle_price": facts.vehicle_price_fen / 100,
        "inquiries_3m": _num(facts.inquiries_3m),
        "inquiries_6m": _num(facts.inquiries_6m),
        "overdue_months_24m": _num(facts.overdue_months_24m),
        "max_overdue_days": _num(facts.max_overdue_days),
        "fleet_size": _num(facts.fleet_size),
        "farm_area_mu": _num(facts.farm_area_mu),
    }


def _date(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip() in ("长期", "long_term", "long-term"):
        return date.max
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FactsError(f"{name} must be a date YYYY-MM-DD", name) from None


_DATES = frozenset({"as_of", "birth_date", "id_valid_until", "vehicle_first_registration"})


def facts_from_dict(data: dict[str, Any], today: date) -> Facts:
    """`Facts` from a JSON object with the same names (dates as YYYY-MM-DD, 长期 for a
    card valid for life); `as_of` defaults to today. Unknown names are refused so that
    a typo never silently becomes a missing value."""
    known = {f.name for f in fields(Facts)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise FactsError(f"unknown field(s): {', '.join(unknown)}", unknown[0])
    values: dict[str, Any] = {}
    for name, value in data.items():
        values[name] = _date(value, name) if name in _DATES else value
    if values.get("as_of") is None:
        values["as_of"] = today
    for required in ("segment", "vehicle_category", "vehicle_price_fen", "down_payment_fen",
                     "term_months"):
        if values.get(required) is None:
            raise FactsError(f"{required} is required", required)
    try:
        return Facts(**values)
    except TypeError as exc:
        raise FactsError(str(exc), "facts") from None
