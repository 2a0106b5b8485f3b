"""A synthetic credit portfolio for the bundled pre-score models.

No dealer's real loan book ships with an open-source product, so the bundled models
learn from applicants drawn here: for each segment, plausible applications (who buys,
what they buy, how they finance it, what their bureau summary says) and a default
outcome drawn from a written-down risk model (`EFFECTS`). The assumptions are the
text of `notes()`, which the trainer copies into every bundled model card. They are
a reasonable starting point, not a measurement of any market: a lessor retrains on its
own portfolio with `showroom-train` and the same schema.

Applications are built as `Facts` and turned into columns by the desk's own
`features()`, so the model learns exactly the features it is later given.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from models.prescore.features import FEATURE_NAMES, SEGMENTS, Facts, features

AS_OF = date(2026, 6, 30)  # the portfolio's reference day; fixed so files are identical
TARGET = "bad"
SEGMENT_ONLY = {"fleet_size": "fleet", "farm_area_mu": "farmer"}


@dataclass(frozen=True)
class Effect:
    words: str  # how the assumption reads in the model card
    log_odds: Callable[[Facts, dict], float]


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _bureau_known(f: Facts) -> bool:
    return f.inquiries_3m is not None


EMPLOYMENT_RISK = {"salaried": 0.0, "civil_servant": -0.5, "self_employed": 0.3,
                   "business_owner": 0.15, "farmer": 0.2, "driver": 0.25, "retired": 0.1,
                   "other": 0.4}
CATEGORY_RISK = {"new_car": 0.0, "nev": 0.05, "used_car": 0.25, "commercial": 0.2,
                 "tractor": 0.1, "construction": 0.35}
BASE = {"individual": -5.0, "fleet": -3.5, "farmer": -5.3}

EFFECTS = (
    Effect("Down payment: −0.4 per 10 points of down payment above 30 % (and +0.4 per 10 "
           "below).", lambda f, x: -4.0 * (x["down_payment_ratio"] - 0.30)),
    Effect("Term: +0.15 per year beyond three years, −0.15 per year below.",
           lambda f, x: 0.0125 * (f.term_months - 36)),
    Effect("Payment-to-income (new payment plus existing debt payments over income): "
           "+1.0 per unit, and +2.5 per unit above 45 %; unknown income +0.5.",
           lambda f, x: 0.5 if math.isnan(x["payment_to_income"]) else
           1.0 * x["payment_to_income"] + 2.5 * max(x["payment_to_income"] - 0.45, 0)),
    Effect("Income: −0.35 per doubling of the monthly income over 8,000 yuan (none when "
           "unknown).", lambda f, x: 0.0 if math.isnan(x["monthly_income"]) else
           -0.35 * math.log2(max(x["monthly_income"], 500) / 8000)),
    Effect("Documented income: −0.35.", lambda f, x: -0.35 if f.income_proven else 0.0),
    Effect("Employment: civil servant −0.5, salaried 0, retired +0.1, business owner +0.15, "
           "farmer +0.2, professional driver +0.25, self-employed +0.3, other +0.4.",
           lambda f, x: EMPLOYMENT_RISK.get(f.employment_type or "other", 0.4)),
    Effect("Years in work or business: −0.06 a year up to ten; unknown +0.15.",
           lambda f, x: 0.15 if f.employment_years is None else
           -0.06 * min(f.employment_years, 10)),
    Effect("Years at the address: −0.04 a year up to ten; unknown +0.1.",
           lambda f, x: 0.1 if f.residence_years is None else
           -0.04 * min(f.residence_years, 10)),
    Effect("Age: +0.06 a year under 25 and +0.05 a year over 55.",
           lambda f, x: 0.06 * max(25 - x["age"], 0) + 0.05 * max(x["age"] - 55, 0)),
    Effect("Existing debt payments: +0.12 per doubling above 1,000 yuan a month.",
           lambda f, x: 0.12 * math.log2(1 + (f.existing_debt_monthly_fen or 0) / 100_000)),
    Effect("Inquiries at other lenders: +0.25 each in the last 3 months (up to 10), +0.08 "
           "each in months 4–6.",
           lambda f, x: 0.0 if not _bureau_known(f) else
           0.25 * min(f.inquiries_3m or 0, 10)
           + 0.08 * min((f.inquiries_6m or 0) - (f.inquiries_3m or 0), 10)),
    Effect("Overdue history: +0.3 per month with an overdue in 24 months (up to 8), +0.6 "
           "more from 30 days, +1.2 more from 90 days; no bureau record (thin file) +0.3.",
           lambda f, x: 0.3 if not _bureau_known(f) else
           0.3 * min(f.overdue_months_24m or 0, 8)
           + (0.6 if (f.max_overdue_days or 0) >= 30 else 0.0)
           + (1.2 if (f.max_overdue_days or 0) >= 90 else 0.0)),
    Effect("Vehicle: used car +0.25, new-energy +0.05, commercial +0.2, tractor +0.1, "
           "construction machinery +0.35; +0.05 per year of vehicle age.",
           lambda f, x: CATEGORY_RISK[f.vehicle_category]
           + 0.05 * (0 if math.isnan(x["vehicle_age_years"]) else x["vehicle_age_years"])),
    Effect("Fleet size (fleet segment): −0.25 per unit of ln(1 + vehicles).",
           lambda f, x: 0.0 if f.fleet_size is None else -0.25 * math.log1p(f.fleet_size)),
    Effect("Farmed land (farmer segment): −0.2 per doubling above 50 mu, +0.2 per halving below.",
           lambda f, x: 0.0 if f.farm_area_mu is None else
           -0.2 * math.log2(max(f.farm_area_mu, 5) / 50)),
)
NOISE_SD = 0.6  # what no application form shows: luck, health, the harvest


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def _annuity_fen(principal_fen: int, annual_rate: float, months: int) -> int:
    r = annual_rate / 12
    return round(principal_fen * r / (1 - (1 + r) ** -months))


def _bureau(rng: random.Random) -> dict:
    if rng.random() < 0.15:  # thin file: no record at the bureau
        return {}
    if rng.random() < 0.08:  # the multi-lender pattern
        i3 = 4 + int(rng.expovariate(1 / 3))
    else:
        i3 = min(int(rng.expovariate(1 / 0.8)), 6)
    i6 = i3 + int(rng.expovariate(1 / 0.8))
    overdue = 0 if rng.random() < 0.82 else 1 + int(rng.expovariate(1 / 1.8))
    worst = 0 if overdue == 0 else rng.choice((5, 15, 25, 35, 45, 60, 95, 120))
    return {"inquiries_3m": i3, "inquiries_6m": i6, "overdue_months_24m": min(overdue, 24),
            "max_overdue_days": worst}


def _applicant(rng: random.Random, segment: str) -> Facts:
    if segment == "individual":
        age = int(_clip(rng.triangular(19, 66, 33), 18, 66))
        category = rng.choices(("new_car", "nev", "used_car"), (50, 30, 20))[0]
        price_median = {"new_car": 150_000, "nev": 160_000, "used_car": 80_000}[category]
        income = _lognormal(rng, 9_000, 0.5)
        employment = rng.choices(("salaried", "civil_servant", "self_employed",
                                  "business_owner", "driver", "retired", "other"),
                                 (50, 10, 18, 8, 5, 3, 6))[0]
        proven = rng.random() < 0.6
        terms, down_range = (12, 24, 36, 48, 60), (0.15, 0.5)
        extra: dict = {}
    elif segment == "fleet":
        age = int(_clip(rng.triangular(24, 62, 40), 22, 62))
        category = rng.choices(("commercial", "construction", "new_car"), (60, 30, 10))[0]
        price_median = {"commercial": 300_000, "construction": 450_000,
                        "new_car": 180_000}[category]
        income = _lognormal(rng, 30_000, 0.6)
        employment = rng.choices(("business_owner", "driver", "self_employed"),
                                 (50, 30, 20))[0]
        proven = rng.random() < 0.7
        terms, down_range = (12, 24, 36, 48), (0.2, 0.5)
        extra = {"fleet_size": max(1, round(_lognormal(rng, 4, 1.0)))}
    else:
        age = int(_clip(rng.triangular(25, 64, 45), 22, 64))
        category = rng.choices(("tractor", "commercial", "used_car"), (80, 10, 10))[0]
        price_median = {"tractor": 120_000, "commercial": 150_000, "used_car": 60_000}[category]
        income = _lognormal(rng, 6_000, 0.6)
        employment = rng.choices(("farmer", "self_employed", "other"), (85, 10, 5))[0]
        proven = rng.random() < 0.3
        terms, down_range = (12, 24, 36), (0.2, 0.5)
        extra = {"farm_area_mu": round(_lognormal(rng, 80, 0.8), 1)}
    price_fen = round(_lognormal(rng, price_median, 0.35)) * 100
    down_fen = round(price_fen * rng.uniform(*down_range) / 10_000) * 10_000
    down_fen = min(down_fen, price_fen - 100_000)
    fees_fen = 0 if rng.random() < 0.6 else round(price_fen * rng.uniform(0.005, 0.02))
    financed = price_fen - down_fen + fees_fen
    rate = rng.uniform(0.04, 0.09)
    debt = 0 if rng.random() < 0.5 else round(_lognormal(rng, 2_000, 0.8)) * 100
    term = rng.choice(terms)
    # Most buyers stretch the term until the payment fits; some cannot or will not.
    while (term != terms[-1] and rng.random() < 0.85
           and (_annuity_fen(financed, rate, term) + debt) > 0.45 * income * 100):
        term = terms[terms.index(term) + 1]
    payment = _annuity_fen(financed, rate, term)
    birth = AS_OF - timedelta(days=round((age + rng.random()) * 365.25))
    model_year = None
    registered = None
    if category == "used_car":
        registered = AS_OF - timedelta(days=rng.randint(180, 365 * 8))
    elif rng.random() < 0.2:
        model_year = AS_OF.year - 1
    return Facts(
        segment=segment, as_of=AS_OF, vehicle_category=category,
        vehicle_price_fen=price_fen, down_payment_fen=down_fen, term_months=term,
        financed_amount_fen=financed, monthly_payment_fen=payment, birth_date=birth,
        monthly_income_fen=None if rng.random() < 0.05 else round(income) * 100,
        income_proven=proven, employment_type=employment,
        employment_years=None if rng.random() < 0.1 else round(rng.expovariate(1 / 6), 1),
        residence_years=None if rng.random() < 0.15 else round(rng.expovariate(1 / 7), 1),
        existing_debt_monthly_fen=None if rng.random() < 0.1 else debt,
        vehicle_model_year=model_year, vehicle_first_registration=registered,
        **_bureau(rng), **extra)


def true_log_odds(facts: Facts) -> float:
    """The portfolio's risk model without its noise: what the bundled models try to learn."""
    x = features(facts)
    return BASE[facts.segment] + sum(e.log_odds(facts, x) for e in EFFECTS)


def columns(segment: str) -> list[str]:
    return [n for n in FEATURE_NAMES if SEGMENT_ONLY.get(n, segment) == segment]


def generate(segment: str, rows: int, seed: int) -> tuple[list[str], list[list[str]]]:
    if segment not in SEGMENTS:
        raise ValueError(f"segment must be one of {', '.join(SEGMENTS)}")
    rng = random.Random(f"{segment}:{seed}")
    names = columns(segment)
    out = []
    for _ in range(rows):
        facts = _applicant(rng, segment)
        x = features(facts)
        logit = true_log_odds(facts) + rng.gauss(0, NOISE_SD)
        bad = rng.random() < 1 / (1 + math.exp(-logit))
        out.append([_cell(x[n]) for n in names] + [segment, "1" if bad else "0"])
    return [*names, "segment", TARGET], out


def _cell(value: float | str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def notes(segment: str, rows: int, seed: int) -> str:
    lines = [
        f"Synthetic portfolio, segment **{segment}**: {rows:,} applications drawn by "
        f"`models/training/portfolio.py` (seed {seed}, reference day {AS_OF}). No real "
        "customer is in it. Outcomes are drawn from this assumed risk model (log-odds of "
        f"default; base {BASE[segment]:+.1f}, plus unobserved noise with a standard "
        f"deviation of {NOISE_SD}):",
        "",
    ]
    lines += [f"- {e.words}" for e in EFFECTS]
    lines += [
        "",
        "Applicants: ages, incomes (log-normal), vehicles and prices per segment; 15 % "
        "have no bureau record, 8 % show the multi-lender pattern; 5 % give no income, "
        "10 % no years in work, 15 % no years at the address. A lessor should retrain on "
        "its own booked loans: `showroom-train --data PORTFOLIO.csv --target bad "
        "--schema resources/models/prescore/schema.yaml --segment SEGMENT --out DIR`.",
    ]
    return "\n".join(lines) + "\n"


def write(segment: str, rows: int, seed: int, out: Path) -> Path:
    header, data = generate(segment, rows, seed)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(data)
    Path(str(out) + ".notes.md").write_text(notes(segment, rows, seed), encoding="utf-8")
    return out
