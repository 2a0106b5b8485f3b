"""Repayment schedules in integer fen.

One engine serves every plan the desk offers: equal instalment 等额本息, equal principal
等额本金, balloon 尾款 (and a lease's residual value, which is the same cash flow), interest-
only months, seasonal plans and step-up / step-down plans.

Conventions (they are part of what a customer signs, so they are fixed here once):

* Rates are nominal annual ``Decimal`` fractions; the monthly rate is ``annual / 12``.
* The start date is the contract (signing) date. Instalment ``k`` falls ``k`` months after
  it, on the start date's day, clamped to the month's last day: start 31 Jan → 28/29 Feb →
  31 Mar. Every date is computed from the start date, never from the previous due date,
  or one short month would pull every later date forward.
* Interest of a row = outstanding principal × monthly rate × months since the previous
  payment, rounded half up to the fen. Between two payments interest accrues on the
  principal only (it is not compounded), and all of it is paid at the next payment.
* The level payment is rounded half up to the fen; the last instalment takes whatever
  principal is left (balloon included), so it absorbs every rounding difference: the
  principal parts sum exactly to the principal, the payments exactly to principal +
  interest, and the balance ends at exactly 0.
* A balloon (or lease residual) is paid together with the last instalment.
* Interest-only months: during the first ``interest_only_months`` months every payment is
  exactly the interest; the principal is then amortized over the remaining payments.
* Seasonal plans (farm machinery): payments fall only in the chosen calendar months. The
  term must end in a payment month (we never move the end of a contract silently).
  Interest for the months in between accrues (not compounded) and is paid with the next
  payment; equal instalment levels the payments over the payment dates with that simple
  interest, equal principal splits the principal equally over them. Because the IRR
  compounds monthly while this interest does not, a seasonal plan's annualized rate can
  come out slightly below its nominal rate.
* Step plans (construction machinery): every ``every`` amortizing payments the payment
  level is multiplied by ``factor`` (> 1 steps up, < 1 steps down). A plan whose payment
  would not cover the interest due (negative amortization) is refused, not adjusted.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

from showroom_app.domain.money import Money

__all__ = [
    "MAX_TERM_MONTHS",
    "Method",
    "NegativeAmortizationError",
    "Row",
    "Schedule",
    "StepPlan",
    "add_months",
    "build_schedule",
]

MAX_TERM_MONTHS = 600  # a sanity bound on input; products set the real maximum terms
# 40 significant digits: the level payment must be right to the fen for amounts up to
# 10^11 fen after up to 600 compounding factors; floats would not be.
_CTX = Context(prec=40, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)


class Method(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    BALLOON = "balloon"  # 尾款: equal instalments with a balloon paid with the last one


class NegativeAmortizationError(ValueError):
    """A payment of the plan would not cover the interest due at that date."""


@dataclass(frozen=True, slots=True)
class StepPlan:
    """The payment level is multiplied by ``factor`` every ``every`` amortizing payments."""

    every: int
    factor: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.every, bool) or not isinstance(self.every, int) or self.every < 1:
            raise ValueError("a step plan's interval must be a positive number of payments")
        if not isinstance(self.factor, Decimal) or not self.factor.is_finite():
            raise TypeError("a step plan's factor must be a finite Decimal, e.g. Decimal('1.1')")
        if not Decimal("0.1") <= self.factor <= Decimal(10):
            raise ValueError("a step plan's factor must be between 0.1 and 10")


@dataclass(frozen=True, slots=True)
class Row:
    period: int  # instalment number, 1-based and contiguous (also in seasonal plans)
    month: int  # months after the start date: the IRR's time axis
    due_date: date
    payment_fen: int
    principal_fen: int
    interest_fen: int
    balance_fen: int  # principal outstanding after this payment

    @property
    def payment(self) -> Money:
        return Money(self.payment_fen)

    @property
    def principal(self) -> Money:
        return Money(self.principal_fen)

    @property
    def interest(self) -> Money:
        return Money(self.interest_fen)

    @property
    def balance(self) -> Money:
        return Money(self.balance_fen)


@dataclass(frozen=True, slots=True)
class Schedule:
    principal_fen: int
    annual_rate: Decimal
    term_months: int
    start: date
    method: Method
    balloon_fen: int
    rows: tuple[Row, ...]

    @property
    def total_payment_fen(self) -> int:
        return sum(r.payment_fen for r in self.rows)

    @property
    def total_interest_fen(self) -> int:
        return sum(r.interest_fen for r in self.rows)

    @property
    def total_payment(self) -> Money:
        return Money(self.total_payment_fen)

    @property
    def total_interest(self) -> Money:
        return Money(self.total_interest_fen)


def add_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` months on its own day, clamped to the month's end."""
    index = start.year * 12 + start.month - 1 + months
    year, month0 = divmod(index, 12)
    day = start.day
    if day > 28:
        day = min(day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    return value


def build_schedule(
    principal_fen: int,
    annual_rate: Decimal,
    term_months: int,
    start: date,
    method: Method | str = Method.EQUAL_INSTALLMENT,
    *,
    balloon_fen: int = 0,
    interest_only_months: int = 0,
    payment_months: Collection[int] | None = None,
    step: StepPlan | None = None,
) -> Schedule:
    """The repayment schedule of ``principal_fen`` (see the module's conventions).

    ``balloon_fen`` is paid with the last instalment; ``Method.BALLOON`` requires one, the
    other methods accept one (a lease's residual value). ``payment_months`` (calendar
    months 1-12) makes a seasonal plan; ``step`` a step-up / step-down plan (equal
    instalment and balloon only).
    """
    method = Method(method)
    _check_int("principal_fen", principal_fen)
    _check_int("balloon_fen", balloon_fen)
    _check_int("term_months", term_months)
    _check_int("interest_only_months", interest_only_months)
    if not isinstance(annual_rate, Decimal):
        raise TypeError("annual_rate must be a Decimal fraction, e.g. Decimal('0.0499')")
    if not isinstance(start, date):
        raise TypeError("start must be a date")
    if principal_fen <= 0:
        raise ValueError("the principal must be positive")
    if not annual_rate.is_finite() or not 0 <= annual_rate <= 1:
        raise ValueError("the annual rate must be a fraction between 0 and 1 (0.0499 = 4.99 %)")
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise ValueError(f"the term must be between 1 and {MAX_TERM_MONTHS} months")
    if not 0 <= balloon_fen <= principal_fen:
        raise ValueError("the balloon must be between 0 and the principal")
    if method is Method.BALLOON and balloon_fen == 0:
        raise ValueError("the balloon method needs a balloon amount")
    if not 0 <= interest_only_months < term_months:
        raise ValueError("interest-only months must be fewer than the term")
    if step is not None and method is Method.EQUAL_PRINCIPAL:
        raise ValueError("step plans apply to equal instalment and balloon plans only")

    if payment_months is None:
        months = list(range(1, term_months + 1))
        dates = [add_months(start, m) for m in months]
    else:
        chosen = frozenset(payment_months)
        if not chosen or not chosen <= frozenset(range(1, 13)):
            raise ValueError("seasonal payment months must be calendar months 1-12")
        months, dates = [], []
        for m in range(1, term_months + 1):
            due = add_months(start, m)
            if due.month in chosen:
                months.append(m)
                dates.append(due)
        if not months or months[-1] != term_months:
            raise ValueError(
                "a seasonal plan's term must end in one of its payment months; "
                "choose a term that ends in a payment month"
            )

    count = len(months)
    gaps = [m - p for m, p in zip(months, [0, *months[:-1]], strict=True)]
    first_amortizing = next(i for i, m in enumerate(months) if m > interest_only_months)
    amortizing = count - first_amortizing
    num, den = annual_rate.as_integer_ratio()
    den12 = 12 * den  # interest of k months on B fen = B·num·k / den12

    if method is Method.EQUAL_PRINCIPAL:
        level: list[int] = []
        base_principal = (principal_fen - balloon_fen) // amortizing
    else:
        level = _level_payments(
            principal_fen, balloon_fen, num, den12, gaps[first_amortizing:], step
        )
        base_principal = 0

    rows: list[Row] = []
    balance = principal_fen
    last = count - 1
    for i in range(count):
        # Half up on a non-negative integer ratio, exact.
        interest = (2 * balance * num * gaps[i] + den12) // (2 * den12)
        if i < first_amortizing:
            principal = 0
        elif i == last:
            principal = balance
        else:
            principal = (
                base_principal if not level else level[i - first_amortizing] - interest
            )
            if principal < 0:
                raise NegativeAmortizationError(
                    f"payment {i + 1} would not cover the interest due "
                    f"({Money(interest)}); choose more payment months, a smaller step-up "
                    "or equal principal"
                )
            # Rounding can overshoot by a few fen near the end of long, tiny plans.
            principal = min(principal, balance - balloon_fen)
        balance -= principal
        rows.append(
            Row(
                period=i + 1,
                month=months[i],
                due_date=dates[i],
                payment_fen=principal + interest,
                principal_fen=principal,
                interest_fen=interest,
                balance_fen=balance,
            )
        )
    return Schedule(
        principal_fen=principal_fen,
        annual_rate=annual_rate,
        term_months=term_months,
        start=start,
        method=method,
        balloon_fen=balloon_fen,
        rows=tuple(rows),
    )


def _level_payments(
    principal_fen: int,
    balloon_fen: int,
    num: int,
    den12: int,
    gaps: Sequence[int],
    step: StepPlan | None,
) -> list[int]:
    """The amortizing payments, rounded half up to the fen.

    With ``f_j = 1 + r·gap_j`` and weights ``w_j`` (all 1 without a step plan) the balance
    runs ``B_j = B_{j-1}·f_j − A·w_j`` down to the balloon, hence
    ``A = (P·∏f − balloon) / Σ_j w_j·∏_{l>j} f_l``: the textbook
    ``P·r(1+r)^n / ((1+r)^n − 1)`` when every gap is one month and there is no balloon.
    """
    ctx = _CTX
    r = ctx.divide(Decimal(num), Decimal(den12))
    weights = [
        _ONE if step is None else ctx.power(step.factor, j // step.every)
        for j in range(len(gaps))
    ]
    tail = _ONE
    denominator = Decimal(0)
    for gap, weight in zip(reversed(gaps), reversed(weights), strict=True):
        denominator = ctx.add(denominator, ctx.multiply(weight, tail))
        tail = ctx.multiply(tail, ctx.add(_ONE, ctx.multiply(r, Decimal(gap))))
    amount = ctx.divide(
        ctx.subtract(ctx.multiply(Decimal(principal_fen), tail), Decimal(balloon_fen)),
        denominator,
    )
    return [
        int(ctx.multiply(amount, w).quantize(_ONE, rounding=ROUND_HALF_UP)) for w in weights
    ]
