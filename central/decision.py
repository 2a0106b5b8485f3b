"""Decision engine of the reference central service, with a simulated credit bureau.

Deterministic rules over an application's facts plus a credit-bureau simulator keyed by the
applicant's resident ID number, so that the same application always gets the same decision
and demos repeat. Pure Python: no I/O, no clock (the decision date comes in with the facts).
Money is integer fen; ratios are ``Decimal``. Every decision carries reasons in Chinese and
English (PIPL Art. 24: a person may ask for an explanation of an automated decision), and
conditional approvals carry machine-readable conditions.

Test identities
===============

The sandbox bureau returns a fixed report for these numbers (every other valid number gets a
report derived from a SHA-256 of the number; ``None`` or an invalid number is a thin file).
They are syntactically valid resident ID numbers with correct check characters (region codes
existed in the birth year, adults in 2026); being valid, they may coincide with real people's
numbers, so use them only against this sandbox, never against a real bureau.

Standard application (the tests and the demo): individual, new car priced 150,000 yuan, 20 %
down (120,000 yuan financed: the 80 % loan-to-value cap), auto loan over 36 months, quoted
payment 3,651 yuan/month, proven income 20,000 yuan/month, decided on 2026-03-01.

====================  ==============  =====================================================
ID number             Outcome         Why
====================  ==============  =====================================================
110105198803151232    approved        Clean bureau: no overdue, no recent inquiries, one
                                      loan. Policy rules still apply (a minor, a term or
                                      LTV above the cap, a payment too high is declined).
310104197906222044    declined        Serious overdue history: 9 overdue months in 24,
                                      150 days at worst. Declined for any application.
440305199009083158    manual_review   Overdue in 4 of the last 24 months, 45 days at worst:
                                      neither clean nor disqualifying, a person looks.
510107199101274264    manual_review   Multi-lender pattern (多头借贷): 9 inquiries at other
                                      lenders in 3 months, 14 in 6. Referred to a person.
330106199211115379    conditional     Minor overdue (2 months, 18 days at worst): approval
                                      requires a down payment of at least 30 % (condition
                                      ``min_down_payment_ratio`` = ``0.30``). Approved when
                                      the application already puts 30 % or more down.
42010619980430648X    approved        Thin file (no bureau record): approved for amounts up
                                      to 300,000 yuan financed, manual review above.
====================  ==============  =====================================================

Unless a hard rule (decline) or a review rule of the application itself fires first, each
identity gives the outcome above; a decline always wins over a review, a review over a
condition. Rules, thresholds and their reasons are documented where they are applied, in
``decide``.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

from stdnum.cn import ric

__all__ = [
    "LTV_CAPS",
    "MAX_TERM_MONTHS",
    "OUTCOMES",
    "TEST_IDENTITIES",
    "ApplicationFacts",
    "BureauReport",
    "Condition",
    "Decision",
    "Reason",
    "bureau_report",
    "decide",
]

APPROVED = "approved"
CONDITIONAL = "conditional"
DECLINED = "declined"
MANUAL_REVIEW = "manual_review"
OUTCOMES = (APPROVED, CONDITIONAL, DECLINED, MANUAL_REVIEW)

CUSTOMER_TYPES = ("individual", "company", "farmer")
VEHICLE_CATEGORIES = ("new_car", "used_car", "nev", "commercial", "tractor", "construction")
PRODUCT_CODES = ("auto_loan", "direct_lease", "sale_leaseback")


# --- public data types ----------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code plus a plain sentence in zh and en."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Condition:
    """What a conditional approval requires; ``value`` is machine-readable (e.g. "0.30")."""

    code: str
    zh: str
    en: str
    value: str


@dataclass(frozen=True)
class BureauReport:
    hit: bool  # False = thin file / no record
    inquiries_3m: int  # inquiries at other lenders, last 3 months
    inquiries_6m: int
    overdue_months_24m: int  # months with any overdue in the last 24
    max_overdue_days: int
    open_loans: int
    monthly_debt_fen: int  # existing monthly debt payments


@dataclass(frozen=True)
class ApplicationFacts:
    customer_type: str  # "individual" | "company" | "farmer"
    id_number: str | None  # applicant (or legal representative) resident ID number, 18 chars
    birth_date: date | None  # if None and id_number valid, derived from the ID number
    monthly_income_fen: int | None
    income_proven: bool
    vehicle_category: str  # "new_car" | "used_car" | "nev" | "commercial" | "tractor" | ...
    vehicle_price_fen: int
    down_payment_fen: int
    term_months: int
    product_code: str  # "auto_loan" | "direct_lease" | "sale_leaseback"
    monthly_payment_fen: int | None
    decision_date: date
    # A commercial vehicle with a new-energy powertrain has its own LTV cap (75 %); the
    # category alone cannot tell, so the API's ``vehicle.is_nev`` comes in here.
    is_nev: bool = False


@dataclass(frozen=True)
class Decision:
    outcome: str  # "approved" | "conditional" | "declined" | "manual_review"
    reasons: tuple[Reason, ...]  # never empty, for every outcome
    conditions: tuple[Condition, ...]  # non-empty only for "conditional"
    bureau: BureauReport
    score: int  # 0..1000, higher is better; for display and ordering only


# --- policy parameters ------------------------------------------------------------------

# Loan-to-value caps for loans (auto_loan), by vehicle category. PBoC/CBRC 2018 (with the
# 2017 auto loan rules): commercial petrol/diesel 70 %, commercial new-energy 75 %, used car
# 70 %. Private-use caps were left to lenders in April 2024 (PBoC/NFRA), so new car and
# private NEV default to 80 %, a lender's choice. Tractor and construction machinery default
# to 70 % by analogy with commercial vehicles. These are DEFAULTS, configurable (pass
# ``ltv_caps`` to ``decide`` or take them from the catalog), and partly UNVERIFIED: the
# private-use, machinery and lease figures are policy choices, not sourced regulation.
# Leases are not loans and the caps do not formally bind them (unverified), so ``decide``
# applies these to auto_loan only.
LTV_CAPS: dict[str, Decimal] = {
    "new_car": Decimal("0.80"),
    "used_car": Decimal("0.70"),
    "nev": Decimal("0.80"),
    "commercial": Decimal("0.70"),
    "commercial_nev": Decimal("0.75"),  # category "commercial" with is_nev=True
    "tractor": Decimal("0.70"),
    "construction": Decimal("0.70"),
}

# Maximum terms: new car 5 years and used car 3 years (auto loan rules); everything else
# 5 years by default (configurable: pass ``max_term_months`` to ``decide``). Applied to every
# product, so a lease cannot be used to stretch a term the loan rules forbid.
MAX_TERM_MONTHS: dict[str, int] = {
    "new_car": 60,
    "used_car": 36,
    "nev": 60,
    "commercial": 60,
    "tractor": 60,
    "construction": 60,
}
_DEFAULT_MAX_TERM_MONTHS = 60

_MIN_AGE = 18  # contracts need full civil capacity
_MAX_AGE_AT_TERM_END = 65  # common lender rule: the last instalment is due by age 65

_SERIOUS_OVERDUE_DAYS = 90  # 90+ days past due is a default in every bureau's language
_SERIOUS_OVERDUE_MONTHS = 6  # overdue in a quarter of the last 24 months: a habit
_REVIEW_OVERDUE_MONTHS = 3  # 3-5 months: neither clean nor disqualifying
_REVIEW_OVERDUE_DAYS = 30  # 30-89 days (M2/M3): more than a forgotten payment
_MULTI_LENDER_INQUIRIES_3M = 4  # multi-lender pattern (多头借贷) → refer to a person

_UNPROVEN_INCOME_LIMIT_FEN = 20_000_000  # 200,000 yuan financed on a stated income
_THIN_FILE_LIMIT_FEN = 30_000_000  # 300,000 yuan financed without any bureau record
_COMPANY_REVIEW_LIMIT_FEN = 100_000_000  # 1,000,000 yuan financed for a company

_PTI_CONDITIONAL = Decimal("0.40")  # above: approve only with a lower payment
_PTI_REVIEW = Decimal("0.50")  # above: a person looks at the budget
_PTI_DECLINE = Decimal("0.70")  # above: the payment is unaffordable
_MIN_DOWN_RATIO = Decimal("0.30")  # down payment that offsets a minor overdue history
_DOWN_RATIO_STEP = Decimal("0.05")  # required down payments are rounded up to 5 %

# When no quoted payment comes in, it is estimated as an equal instalment at this nominal
# annual rate (configurable; roughly a mid-market auto finance rate).
REFERENCE_ANNUAL_RATE = Decimal("0.08")
_MAX_ESTIMATED_TERM = 600

# All ratio arithmetic runs in this context, whatever the caller's decimal context is.
_CTX = Context(prec=28, rounding=ROUND_HALF_UP)


# --- identity numbers -------------------------------------------------------------------


def _normalize_id(number: str) -> str:
    """Whitespace removed, check character uppercased (x → X)."""
    return "".join(number.split()).upper()


def _id_problem(number: str) -> str | None:
    """None if valid, else "malformed", "check_char" or "birth_date" (kept apart, DOMAIN.md).

    The region code is deliberately not checked: retired region codes exist on valid cards.
    """
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return "malformed"
    if number[17] not in "0123456789X":
        return "malformed"
    if ric.calc_check_digit(number) != number[17]:
        return "check_char"
    if _id_birth_date(number) is None:
        return "birth_date"
    return None


def _id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


# --- the simulated bureau ---------------------------------------------------------------

_APPROVE_ID = "110105198803151232"
_DECLINE_ID = "310104197906222044"
_REVIEW_ID = "440305199009083158"
_MULTI_LENDER_ID = "510107199101274264"
_CONDITIONAL_ID = "330106199211115379"
_THIN_FILE_ID = "42010619980430648X"

TEST_IDENTITIES: dict[str, tuple[str, str]] = {
    _APPROVE_ID: (APPROVED, "Always approves: clean bureau (no overdue, no recent inquiries)."),
    _DECLINE_ID: (DECLINED, "Always declines: 9 overdue months in 24, 150 days overdue at worst."),
    _REVIEW_ID: (MANUAL_REVIEW, "Always manual review: overdue in 4 of 24 months, 45 days max."),
    _MULTI_LENDER_ID: (
        MANUAL_REVIEW,
        "Multi-lender pattern: 9 inquiries at other lenders in 3 months → manual review.",
    ),
    _CONDITIONAL_ID: (
        CONDITIONAL,
        "Minor overdue (2 months): conditional on a down payment of at least 30 %; "
        "approved when the application already has 30 % down.",
    ),
    _THIN_FILE_ID: (
        APPROVED,
        "Thin file (no bureau record): approved up to 300,000 yuan financed, manual review above.",
    ),
}

_THIN_FILE = BureauReport(
    hit=False, inquiries_3m=0, inquiries_6m=0, overdue_months_24m=0, max_overdue_days=0,
    open_loans=0, monthly_debt_fen=0,
)

_FIXED_REPORTS: dict[str, BureauReport] = {
    _APPROVE_ID: BureauReport(True, 0, 0, 0, 0, 1, 120_000),
    _DECLINE_ID: BureauReport(True, 1, 2, 9, 150, 3, 300_000),
    _REVIEW_ID: BureauReport(True, 1, 2, 4, 45, 2, 260_000),
    _MULTI_LENDER_ID: BureauReport(True, 9, 14, 0, 0, 4, 350_000),
    _CONDITIONAL_ID: BureauReport(True, 1, 1, 2, 18, 1, 150_000),
    _THIN_FILE_ID: _THIN_FILE,
}

# Versioned salt: changing the simulator means a new salt, and the pinned values in the tests
# fail, because demos and integrators' test suites rely on the reports staying put.
_SIM_SALT = b"showroom-central/bureau-simulator/v1\x00"

# Distributions as (weight out of 10,000, value), cumulative in order of listing.
_P_THIN_FILE = 400  # 4 % of valid numbers have no record (young people, first credit)
_INQUIRIES_3M = ((4400, 0), (2900, 1), (1500, 2), (650, 3), (300, 4), (130, 5), (60, 6),
                 (30, 7), (20, 8), (10, 9))  # 88 % have 0-2
_EXTRA_INQUIRIES_4_6M = ((5000, 0), (3000, 1), (1400, 2), (600, 3))
_OVERDUE_MONTHS = ((8800, 0), (600, 1), (300, 2), (120, 3), (70, 4), (40, 5), (30, 6),
                   (20, 8), (20, 12))  # 88 % never overdue, 0.7 % serious
_OPEN_LOANS = ((2800, 0), (3400, 1), (2200, 2), (1000, 3), (400, 4), (200, 5))


def _pick(u16: int, table: tuple[tuple[int, int], ...]) -> int:
    x = u16 * 10_000 // 65_536
    for weight, value in table:
        if x < weight:
            return value
        x -= weight
    return table[-1][1]


def _simulated_report(number: str) -> BureauReport:
    digest = hashlib.sha256(_SIM_SALT + number.encode("ascii")).digest()
    u = [int.from_bytes(digest[i:i + 2], "big") for i in range(0, 32, 2)]  # 16 draws

    if u[0] * 10_000 // 65_536 < _P_THIN_FILE:
        return _THIN_FILE
    inquiries_3m = _pick(u[1], _INQUIRIES_3M)
    inquiries_6m = inquiries_3m + _pick(u[2], _EXTRA_INQUIRIES_4_6M)
    overdue_months = _pick(u[3], _OVERDUE_MONTHS)
    # Worst overdue grows with how often: a slip (1-29 days), a pattern (15-89), a default.
    if overdue_months == 0:
        max_days = 0
    elif overdue_months <= 2:
        max_days = 1 + u[4] % 29
    elif overdue_months < _SERIOUS_OVERDUE_MONTHS:
        max_days = 15 + u[4] % 75
    else:
        max_days = 60 + u[4] % 121
    open_loans = _pick(u[5], _OPEN_LOANS)
    # 300-4,500 yuan a month per open loan, whole yuan.
    monthly_debt = sum((300 + u[6 + k] % 4_201) * 100 for k in range(open_loans))
    return BureauReport(
        hit=True, inquiries_3m=inquiries_3m, inquiries_6m=inquiries_6m,
        overdue_months_24m=overdue_months, max_overdue_days=max_days,
        open_loans=open_loans, monthly_debt_fen=monthly_debt,
    )


def bureau_report(id_number: str | None) -> BureauReport:
    """The simulated bureau's report for a resident ID number (deterministic).

    Test identities get their fixed report; any other valid number gets one derived from a
    SHA-256 of the normalized number; ``None`` or an invalid number is a thin file.
    """
    if id_number is None:
        return _THIN_FILE
    number = _normalize_id(id_number)
    fixed = _FIXED_REPORTS.get(number)
    if fixed is not None:
        return fixed
    if _id_problem(number) is not None:
        return _THIN_FILE
    return _simulated_report(number)


# --- small helpers ----------------------------------------------------------------------


def _add_months(start: date, months: int) -> date:
    total = start.year * 12 + start.month - 1 + months
    year, month0 = divmod(total, 12)
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _anniversary(born: date, years: int) -> date:
    """The date someone born on ``born`` turns ``years``; 29 February → 1 March."""
    year = born.year + years
    if year > MAXYEAR:
        return date.max
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def _pct(ratio: Decimal) -> str:
    text = f"{ratio * 100:.1f}"  # unlike quantize, never fails on the context's precision
    return text.removesuffix(".0") + "%"


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}" + (f".{cents:02d}" if cents else "")


def _ratio_value(ratio: Decimal) -> str:
    return str(ratio.quantize(Decimal("0.01"), rounding=ROUND_CEILING))


def _estimate_payment(financed_fen: int, term_months: int) -> int | None:
    """Equal instalment at REFERENCE_ANNUAL_RATE, rounded up to the fen."""
    if financed_fen <= 0 or not 1 <= term_months <= _MAX_ESTIMATED_TERM:
        return None
    r = REFERENCE_ANNUAL_RATE / 12
    growth = (1 + r) ** term_months
    payment = Decimal(financed_fen) * r * growth / (growth - 1)
    return int(payment.to_integral_value(rounding=ROUND_CEILING))


@dataclass
class _Findings:
    declines: list[Reason] = field(default_factory=list)
    reviews: list[Reason] = field(default_factory=list)
    conditionals: list[Reason] = field(default_factory=list)
    positives: list[Reason] = field(default_factory=list)
    min_down_ratio: Decimal | None = None

    def require_down_ratio(self, ratio: Decimal) -> None:
        if self.min_down_ratio is None or ratio > self.min_down_ratio:
            self.min_down_ratio = ratio


# --- the engine -------------------------------------------------------------------------


def decide(
    facts: ApplicationFacts,
    *,
    ltv_caps: Mapping[str, Decimal] | None = None,
    max_term_months: Mapping[str, int] | None = None,
) -> Decision:
    """Decide an application. Deterministic: the same facts always give the same decision.

    ``ltv_caps`` and ``max_term_months`` override the module defaults (e.g. from the catalog).
    """
    caps = LTV_CAPS if ltv_caps is None else ltv_caps
    terms = MAX_TERM_MONTHS if max_term_months is None else max_term_months
    bureau = bureau_report(facts.id_number)
    with localcontext(_CTX):
        return _decide(facts, bureau, caps, terms)


def _decide(
    facts: ApplicationFacts,
    bureau: BureauReport,
    caps: Mapping[str, Decimal],
    terms: Mapping[str, int],
) -> Decision:
    f = _Findings()
    person = facts.customer_type in ("individual", "farmer")

    # Amounts that make no sense cannot be decided on (and would divide by zero below). The
    # API validates first; this is the engine's own guard.
    problems = _amount_problems(facts)
    if problems:
        zh, en = "；".join(p[0] for p in problems), "; ".join(p[1] for p in problems)
        f.declines.append(Reason("invalid_amounts", f"申请金额或期限无效：{zh}。",
                                 f"The application's amounts or term are invalid: {en}."))
        return _finish(f, bureau, facts, None, None)

    price, down = facts.vehicle_price_fen, facts.down_payment_fen
    financed = price - down
    down_ratio = Decimal(down) / Decimal(price)
    ltv = Decimal(financed) / Decimal(price)

    # Unknown codes: the engine has no rule for them, so a person decides.
    if facts.customer_type not in CUSTOMER_TYPES:
        f.reviews.append(Reason(
            "unknown_customer_type", f"客户类型“{facts.customer_type}”无对应审批规则，需人工审核。",
            f"Customer type '{facts.customer_type}' has no decision rules; a person reviews it."))
    if facts.vehicle_category not in VEHICLE_CATEGORIES:
        f.reviews.append(Reason(
            "unknown_vehicle_category",
            f"车辆类别“{facts.vehicle_category}”无对应审批规则，需人工审核。",
            f"Vehicle category '{facts.vehicle_category}' has no decision rules; "
            "a person reviews it."))
    if facts.product_code not in PRODUCT_CODES:
        f.reviews.append(Reason(
            "unknown_product", f"金融产品“{facts.product_code}”无对应审批规则，需人工审核。",
            f"Product '{facts.product_code}' has no decision rules; a person reviews it."))

    id_birth = _check_identity(facts, person, f)
    _check_age(facts, person, id_birth, f)
    _check_term(facts, terms, f)
    _check_ltv(facts, ltv, caps, f)
    _check_bureau(bureau, down_ratio, f)
    _check_amounts(facts, bureau, financed, f)
    pti = _check_affordability(facts, bureau, financed, f)
    return _finish(f, bureau, facts, pti, down_ratio)


def _amount_problems(facts: ApplicationFacts) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if facts.vehicle_price_fen <= 0:
        problems.append(("车辆价格必须大于零", "the vehicle price must be above zero"))
    if facts.down_payment_fen < 0:
        problems.append(("首付不能为负数", "the down payment cannot be negative"))
    elif facts.vehicle_price_fen > 0 and facts.down_payment_fen >= facts.vehicle_price_fen:
        problems.append(("首付不低于车价，无需融资", "the down payment covers the whole price, "
                                               "nothing is financed"))
    if facts.term_months <= 0:
        problems.append(("期限必须至少一个月", "the term must be at least one month"))
    if facts.monthly_payment_fen is not None and facts.monthly_payment_fen < 0:
        problems.append(("月供不能为负数", "the monthly payment cannot be negative"))
    if facts.monthly_income_fen is not None and facts.monthly_income_fen < 0:
        problems.append(("月收入不能为负数", "the monthly income cannot be negative"))
    return problems


def _check_identity(facts: ApplicationFacts, person: bool, f: _Findings) -> date | None:
    """Validate the ID number; return the birth date it encodes, if valid."""
    if facts.id_number is None:
        if person:
            # No ID number: the bureau cannot be queried and identity is unverified.
            f.reviews.append(Reason(
                "id_number_missing", "未提供身份证号码，无法核验身份和查询征信，需人工审核。",
                "No ID number was given, so identity and credit cannot be checked; "
                "a person reviews it."))
        return None
    number = _normalize_id(facts.id_number)
    problem = _id_problem(number)
    if problem is None:
        return _id_birth_date(number)
    if not person:
        # A company's legal representative: the company is the borrower, so a bad number is
        # a data problem for a person to resolve, not a reason to decline the company.
        f.reviews.append(Reason(
            "legal_rep_id_invalid", "法定代表人身份证号码无效，需人工核实。",
            "The legal representative's ID number is invalid; a person verifies it."))
    elif problem == "check_char":
        # GB 11643 check character wrong: mistyped, misread or forged; never "fixed".
        f.declines.append(Reason(
            "id_check_char_invalid", "身份证号码校验位不正确，号码无效。",
            "The ID number's check character is wrong, so the number is invalid."))
    elif problem == "birth_date":
        f.declines.append(Reason(
            "id_birth_date_invalid", "身份证号码中的出生日期不存在，号码无效。",
            "The birth date inside the ID number does not exist, so the number is invalid."))
    else:
        f.declines.append(Reason(
            "id_number_malformed", "身份证号码格式不正确（应为17位数字加1位校验位）。",
            "The ID number is malformed (it must be 17 digits and a check character)."))
    return None


def _check_age(facts: ApplicationFacts, person: bool, id_birth: date | None,
               f: _Findings) -> None:
    birth = facts.birth_date if facts.birth_date is not None else id_birth
    if facts.birth_date is not None and id_birth is not None and facts.birth_date != id_birth:
        # Printed and encoded birth dates can differ: report it, never "fix" it.
        f.reviews.append(Reason(
            "birth_date_mismatch",
            f"填写的出生日期（{facts.birth_date.isoformat()}）与身份证号码中的"
            f"（{id_birth.isoformat()}）不一致，需人工核实。",
            f"The stated birth date ({facts.birth_date.isoformat()}) differs from the one in "
            f"the ID number ({id_birth.isoformat()}); a person verifies it."))
    if not person:
        return  # a company has no age
    if birth is None:
        if facts.id_number is not None:
            return  # the invalid ID number already declines
        f.reviews.append(Reason(
            "age_unknown", "无法确定申请人年龄，需人工审核。",
            "The applicant's age cannot be determined; a person reviews it."))
        return
    # A minor lacks full civil capacity and cannot sign the contract alone.
    if facts.decision_date < _anniversary(birth, _MIN_AGE):
        f.declines.append(Reason(
            "applicant_under_18", "申请人未满18周岁。", "The applicant is under 18."))
    # The last instalment must fall due by the 65th birthday.
    term_end = _add_months(facts.decision_date, facts.term_months)
    if term_end > _anniversary(birth, _MAX_AGE_AT_TERM_END):
        f.declines.append(Reason(
            "over_65_at_term_end",
            f"到期日（{term_end.isoformat()}）申请人将超过65周岁。",
            f"The applicant would be over 65 at the end of the term ({term_end.isoformat()})."))


def _check_term(facts: ApplicationFacts, terms: Mapping[str, int], f: _Findings) -> None:
    # New car 5 years, used car 3 years (auto loan rules); others 5 years by default.
    limit = terms.get(facts.vehicle_category, _DEFAULT_MAX_TERM_MONTHS)
    if facts.term_months > limit:
        f.declines.append(Reason(
            "term_above_max", f"期限{facts.term_months}个月超过该类车辆上限{limit}个月。",
            f"The term of {facts.term_months} months exceeds the {limit}-month maximum for "
            "this vehicle category."))
    else:
        f.positives.append(Reason(
            "term_within_limit", f"期限{facts.term_months}个月在上限{limit}个月以内。",
            f"The term of {facts.term_months} months is within the {limit}-month maximum."))


def _check_ltv(facts: ApplicationFacts, ltv: Decimal, caps: Mapping[str, Decimal],
               f: _Findings) -> None:
    # Loan-to-value caps bind loans; leases are not loans (see LTV_CAPS).
    if facts.product_code != "auto_loan":
        return
    key = facts.vehicle_category
    if key == "commercial" and facts.is_nev:
        key = "commercial_nev"
    cap = caps.get(key)
    if cap is None:
        return  # unknown category: already referred to a person
    if ltv > cap:
        f.declines.append(Reason(
            "ltv_above_cap",
            f"贷款金额占车价{_pct(ltv)}，超过该类车辆{_pct(cap)}的上限，请提高首付。",
            f"The loan is {_pct(ltv)} of the vehicle price, above the {_pct(cap)} cap for "
            "this category; a larger down payment is needed."))
    else:
        f.positives.append(Reason(
            "ltv_within_cap", f"贷款金额占车价{_pct(ltv)}，未超过{_pct(cap)}的上限。",
            f"The loan is {_pct(ltv)} of the vehicle price, within the {_pct(cap)} cap."))


def _check_bureau(bureau: BureauReport, down_ratio: Decimal, f: _Findings) -> None:
    months, days = bureau.overdue_months_24m, bureau.max_overdue_days
    # 90+ days past due is a default; overdue in 6+ of 24 months is a habit: both decline.
    if days >= _SERIOUS_OVERDUE_DAYS:
        f.declines.append(Reason(
            "overdue_90_days_plus", f"征信显示曾逾期{days}天（90天及以上）。",
            f"The credit report shows a payment {days} days overdue (90 days or more)."))
    if months >= _SERIOUS_OVERDUE_MONTHS:
        f.declines.append(Reason(
            "overdue_months_6_plus", f"近24个月内有{months}个月逾期（6个月及以上）。",
            f"Payments were overdue in {months} of the last 24 months (6 or more)."))
    serious = months >= _SERIOUS_OVERDUE_MONTHS or days >= _SERIOUS_OVERDUE_DAYS
    if serious:
        pass  # declined above; the overdue history is not counted twice
    elif months >= _REVIEW_OVERDUE_MONTHS or days >= _REVIEW_OVERDUE_DAYS:
        # Between a slip and a default: a person weighs the circumstances.
        f.reviews.append(Reason(
            "overdue_history_review",
            f"近24个月内有{months}个月逾期，最长{days}天，需人工审核。",
            f"Payments were overdue in {months} of the last 24 months, {days} days at worst; "
            "a person reviews it."))
    elif months > 0:
        # A minor slip (1-2 months, under 30 days) is offset by a solid down payment.
        if down_ratio < _MIN_DOWN_RATIO:
            f.conditionals.append(Reason(
                "minor_overdue_low_down_payment",
                f"近24个月内有{months}个月轻微逾期，且首付比例{_pct(down_ratio)}低于30%。",
                f"Minor overdue payments in {months} of the last 24 months with a down "
                f"payment of {_pct(down_ratio)}, below 30%."))
            f.require_down_ratio(_MIN_DOWN_RATIO)
        else:
            f.positives.append(Reason(
                "minor_overdue_offset_by_down_payment",
                f"近24个月内有{months}个月轻微逾期，但首付比例{_pct(down_ratio)}充足。",
                f"Minor overdue payments in {months} of the last 24 months, offset by a "
                f"down payment of {_pct(down_ratio)}."))
    elif bureau.hit:
        f.positives.append(Reason(
            "clean_credit_history", "征信记录良好，近24个月无逾期。",
            "Clean credit history: no overdue payments in the last 24 months."))

    # Many recent inquiries at other lenders: the multi-lender pattern (多头借贷).
    if bureau.inquiries_3m >= _MULTI_LENDER_INQUIRIES_3M:
        f.reviews.append(Reason(
            "many_recent_inquiries",
            f"近3个月在其他机构有{bureau.inquiries_3m}次征信查询，疑似多头借贷，需人工审核。",
            f"{bureau.inquiries_3m} credit inquiries at other lenders in the last 3 months "
            "suggest borrowing from many lenders at once; a person reviews it."))


def _check_amounts(facts: ApplicationFacts, bureau: BureauReport, financed: int,
                   f: _Findings) -> None:
    # A large amount on a stated income alone needs a person to look at the evidence.
    if not (facts.income_proven and facts.monthly_income_fen) and \
            financed > _UNPROVEN_INCOME_LIMIT_FEN:
        f.reviews.append(Reason(
            "income_unproven_large_amount",
            f"融资金额{_yuan(financed)}元超过20万元且收入未经证明，需人工审核。",
            f"{_yuan(financed)} yuan financed, above 200,000 yuan, on an unproven income; "
            "a person reviews it."))
    elif facts.income_proven and facts.monthly_income_fen:
        f.positives.append(Reason(
            "income_proven", "收入已提供证明。", "The income is documented."))
    # No bureau record says nothing either way: fine for small amounts, not for large ones.
    if not bureau.hit:
        if financed > _THIN_FILE_LIMIT_FEN:
            f.reviews.append(Reason(
                "thin_file_large_amount",
                f"无征信记录且融资金额{_yuan(financed)}元超过30万元，需人工审核。",
                f"No credit record and {_yuan(financed)} yuan financed, above 300,000 yuan; "
                "a person reviews it."))
        else:
            f.positives.append(Reason(
                "thin_file_small_amount", "无征信记录，但融资金额不超过30万元。",
                "No credit record, but the amount financed is at most 300,000 yuan."))
    # Large company deals go to a credit officer (the engine has no company financials).
    if facts.customer_type == "company" and financed > _COMPANY_REVIEW_LIMIT_FEN:
        f.reviews.append(Reason(
            "company_large_amount",
            f"企业客户融资金额{_yuan(financed)}元超过100万元，需人工审核。",
            f"A company financing {_yuan(financed)} yuan, above 1,000,000 yuan; "
            "a person reviews it."))


def _check_affordability(facts: ApplicationFacts, bureau: BureauReport, financed: int,
                         f: _Findings) -> Decimal | None:
    """Payment-to-income: (new payment + existing debt payments) / monthly income."""
    income = facts.monthly_income_fen
    if not income:  # unknown (or zero, e.g. a farmer paid at harvest): no ratio to judge
        return None
    payment = facts.monthly_payment_fen
    estimated = payment is None
    if payment is None:
        payment = _estimate_payment(financed, facts.term_months)
        if payment is None:
            return None
    pti = Decimal(payment + bureau.monthly_debt_fen) / Decimal(income)
    basis_zh = "（月供按参考利率估算）" if estimated else ""
    basis_en = " (payment estimated at a reference rate)" if estimated else ""
    if pti > _PTI_DECLINE:
        # Above 70 % of income goes to debt: unaffordable whatever else is true.
        f.declines.append(Reason(
            "payment_to_income_too_high",
            f"月供及现有负债占月收入{_pct(pti)}，超过70%{basis_zh}。",
            f"Payments including existing debts take {_pct(pti)} of monthly income, "
            f"above 70%{basis_en}."))
    elif pti > _PTI_REVIEW:
        # 50-70 %: possible for some budgets; a person looks.
        f.reviews.append(Reason(
            "payment_to_income_high",
            f"月供及现有负债占月收入{_pct(pti)}，在50%至70%之间，需人工审核{basis_zh}。",
            f"Payments including existing debts take {_pct(pti)} of monthly income, between "
            f"50% and 70%; a person reviews it{basis_en}."))
    elif pti > _PTI_CONDITIONAL:
        # 40-50 %: approve with a larger down payment that brings the ratio back to 40 %.
        # Payment is taken as proportional to the amount financed.
        allowed = _PTI_CONDITIONAL * income - bureau.monthly_debt_fen
        required = None
        if payment > 0 and allowed > 0:
            max_financed = Decimal(financed) * allowed / Decimal(payment)
            ratio = 1 - max_financed / Decimal(facts.vehicle_price_fen)
            ratio = (ratio / _DOWN_RATIO_STEP).to_integral_value(rounding=ROUND_CEILING)
            ratio *= _DOWN_RATIO_STEP
            if ratio < 1:
                required = ratio
        if required is None:
            # Existing debts alone take 40 % or more: no down payment fixes that.
            f.reviews.append(Reason(
                "existing_debt_high",
                f"现有负债已占月收入{_pct(Decimal(bureau.monthly_debt_fen) / income)}，"
                f"月供及负债合计{_pct(pti)}，需人工审核。",
                f"Existing debts alone take "
                f"{_pct(Decimal(bureau.monthly_debt_fen) / income)} of monthly income "
                f"({_pct(pti)} with the new payment); a person reviews it."))
        else:
            f.conditionals.append(Reason(
                "payment_to_income_elevated",
                f"月供及现有负债占月收入{_pct(pti)}，在40%至50%之间{basis_zh}。",
                f"Payments including existing debts take {_pct(pti)} of monthly income, "
                f"between 40% and 50%{basis_en}."))
            f.require_down_ratio(required)
    else:
        f.positives.append(Reason(
            "payment_to_income_ok",
            f"月供及现有负债占月收入{_pct(pti)}，不超过40%{basis_zh}。",
            f"Payments including existing debts take {_pct(pti)} of monthly income, "
            f"at most 40%{basis_en}."))
    return pti


def _finish(f: _Findings, bureau: BureauReport, facts: ApplicationFacts,
            pti: Decimal | None, down_ratio: Decimal | None) -> Decision:
    score = _score(bureau, pti, down_ratio)
    # Severity decides: a decline beats a review beats a condition. Every adverse finding is
    # listed (most severe first), so the explanation is complete.
    adverse = (*f.declines, *f.reviews, *f.conditionals)
    if f.declines:
        return Decision(DECLINED, adverse, (), bureau, score)
    if f.reviews:
        return Decision(MANUAL_REVIEW, adverse, (), bureau, score)
    if f.conditionals and f.min_down_ratio is not None:
        conditions = [Condition(
            "min_down_payment_ratio",
            f"首付比例不低于{_pct(f.min_down_ratio)}。",
            f"Down payment of at least {_pct(f.min_down_ratio)} of the vehicle price.",
            _ratio_value(f.min_down_ratio))]
        # An approval that rests on a stated income needs the proof before funding.
        if not facts.income_proven:
            conditions.append(Condition(
                "proof_of_income", "放款前提供收入证明（如近6个月银行流水）。",
                "Proof of income (e.g. 6 months of bank statements) before funding.",
                "required"))
        return Decision(CONDITIONAL, adverse, tuple(conditions), bureau, score)
    if f.conditionals:  # a condition without a remedy: defensive, cannot happen today
        return Decision(MANUAL_REVIEW, adverse, (), bureau, score)
    positives = list(f.positives)
    if down_ratio is not None and down_ratio >= _MIN_DOWN_RATIO:
        positives.append(Reason(
            "down_payment_sufficient", f"首付比例{_pct(down_ratio)}充足。",
            f"The down payment ratio of {_pct(down_ratio)} is sufficient."))
    positives.append(Reason(
        "policy_rules_passed", "符合全部审批规则。", "The application meets every policy rule."))
    return Decision(APPROVED, tuple(positives), (), bureau, score)


def _score(bureau: BureauReport, pti: Decimal | None, down_ratio: Decimal | None) -> int:
    """0..1000, higher is better: bureau signals plus affordability and down payment."""
    points = Decimal(700 if bureau.hit else 550)
    points -= 30 * min(max(bureau.inquiries_3m - 1, 0), 8)
    points -= 8 * min(max(bureau.inquiries_6m - bureau.inquiries_3m, 0), 10)
    points -= 45 * min(bureau.overdue_months_24m, 12)
    points -= min(bureau.max_overdue_days, 180)
    points -= 15 * min(max(bureau.open_loans - 2, 0), 10)
    if pti is not None:
        points += max(min((_PTI_CONDITIONAL - pti) * 500, Decimal(200)), Decimal(-300))
    if down_ratio is not None:
        points += max(min((down_ratio - Decimal("0.20")) * 400, Decimal(150)), Decimal(-100))
    value = int(points.to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(1000, value))
