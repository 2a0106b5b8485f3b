"""The central service's own finance math: repayment schedules and the annualized rate.

Independent of the desk's finance engine on purpose (the central service shares only the API
contract with the client). Money is integer fen; rates are ``Decimal`` fractions (0.0480 for
4.80 %). Floats never touch money; the IRR solver uses floats internally because its result
is a rate, which is then quantized.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "Instalment",
    "add_months",
    "annual_percentage_rate",
    "equal_instalment_schedule",
]

_FEN = Decimal(1)
_RATE_QUANTUM = Decimal("0.0001")
_MAX_TERM_MONTHS = 600


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    payment_fen: int
    principal_fen: int
    interest_fen: int
    balance_fen: int  # outstanding principal after this instalment


def add_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` months, keeping its day and clamping to month end.

    Always computed from the original date, so 31 Jan → 28 Feb → 31 Mar (not 28 Mar).
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def _round_fen(value: Decimal) -> int:
    return int(value.quantize(_FEN, rounding=ROUND_HALF_UP))


def equal_instalment_schedule(
    principal_fen: int,
    annual_rate: Decimal,
    term_months: int,
    first_due: date,
    balloon_fen: int = 0,
) -> list[Instalment]:
    """等额本息 schedule: equal payments ``P·r(1+r)^n / ((1+r)^n − 1)`` with ``r = rate/12``.

    With a balloon (尾款) only ``principal − PV(balloon)`` is amortized by the equal payments
    and the balloon is paid with the last instalment. Payments are rounded half-up to the fen;
    interest each month is the outstanding balance × r, rounded half-up; the last instalment
    absorbs every rounding difference, so the principal parts sum to ``principal_fen`` exactly
    and the balance ends at 0. A zero rate splits the principal equally.
    """
    if isinstance(principal_fen, bool) or not isinstance(principal_fen, int):
        raise TypeError("principal_fen must be an int (fen)")
    if isinstance(balloon_fen, bool) or not isinstance(balloon_fen, int):
        raise TypeError("balloon_fen must be an int (fen)")
    if not isinstance(annual_rate, Decimal):
        raise TypeError("annual_rate must be a decimal.Decimal fraction, e.g. Decimal('0.048')")
    if principal_fen <= 0:
        raise ValueError("principal_fen must be positive")
    if not annual_rate.is_finite() or annual_rate < 0:
        raise ValueError("annual_rate must be a finite, non-negative fraction")
    if not 1 <= term_months <= _MAX_TERM_MONTHS:
        raise ValueError(f"term_months must be between 1 and {_MAX_TERM_MONTHS}")
    if not 0 <= balloon_fen <= principal_fen:
        raise ValueError("balloon_fen must be between 0 and principal_fen")

    with localcontext() as ctx:
        ctx.prec = 50
        r = annual_rate / 12
        n = term_months
        if r == 0:
            level = Decimal(principal_fen - balloon_fen) / n
        else:
            growth = (1 + r) ** n
            amortized = Decimal(principal_fen) - Decimal(balloon_fen) / growth
            level = amortized * r * growth / (growth - 1)
        payment = _round_fen(level)

        schedule: list[Instalment] = []
        balance = principal_fen
        for number in range(1, n + 1):
            interest = _round_fen(Decimal(balance) * r)
            # The last instalment clears whatever is left (balloon plus every rounding
            # difference). Earlier principal parts are clamped so rounding can never make one
            # negative or overshoot the balance (tiny amounts over long terms).
            principal_part = (
                balance if number == n else min(max(payment - interest, 0), balance)
            )
            balance -= principal_part
            schedule.append(
                Instalment(
                    number=number,
                    due_date=add_months(first_due, number - 1),
                    payment_fen=principal_part + interest,
                    principal_fen=principal_part,
                    interest_fen=interest,
                    balance_fen=balance,
                )
            )
    return schedule


def _npv(rate: float, received: int, payments: list[tuple[int, int]]) -> float:
    # (1 + rate) ** -month underflows quietly to 0.0 instead of overflowing.
    return -received + sum(amount * (1.0 + rate) ** -month for month, amount in payments)


def annual_percentage_rate(
    amount_received_fen: int, payments: list[tuple[int, int]]
) -> tuple[Decimal, Decimal]:
    """Annualized rate per PBoC announcement 〔2021〕 No. 3 (IRR method).

    ``amount_received_fen`` is what is actually in the customer's hands at month 0 (financed
    amount minus fees paid or deducted at signing); ``payments`` are ``(month_index,
    amount_fen)`` for everything the customer pays afterwards, fees included. Returns
    ``(nominal, effective)``: nominal = 12 × monthly IRR, effective = (1 + monthly)^12 − 1,
    both ``Decimal`` fractions quantized to 0.0001 (``Decimal('0.1280')`` is 12.80 %).
    """
    if amount_received_fen <= 0:
        raise ValueError("amount_received_fen must be positive")
    if not payments:
        raise ValueError("payments must not be empty")
    for month, amount in payments:
        if not 0 <= month <= _MAX_TERM_MONTHS:
            raise ValueError(f"payment month indices must be between 0 and {_MAX_TERM_MONTHS}")
        if amount < 0:
            raise ValueError("payment amounts must be >= 0")
    if sum(amount for month, amount in payments if month > 0) <= 0:
        raise ValueError("at least one payment after month 0 is required")
    if sum(amount for month, amount in payments if month == 0) >= amount_received_fen:
        raise ValueError("payments at month 0 must be smaller than the amount received")

    # NPV falls strictly as the rate rises (all later flows are inflows to the lender), so
    # there is exactly one root in (-1, ∞): bracket it, then bisect to float precision.
    low, high = -0.5, 0.1
    if _npv(low, amount_received_fen, payments) <= 0:
        raise ValueError("annualized rate is below -50 % a month; check the cash flows")
    while _npv(high, amount_received_fen, payments) > 0:
        high *= 2
        if high > 1e6:
            raise ValueError("annualized rate is unreasonably high; check the cash flows")
    for _ in range(200):
        mid = (low + high) / 2
        if _npv(mid, amount_received_fen, payments) > 0:
            low = mid
        else:
            high = mid
        if high - low < 1e-15:
            break
    monthly = Decimal(repr((low + high) / 2))
    with localcontext() as ctx:
        ctx.prec = 40
        nominal = monthly * 12
        effective = (1 + monthly) ** 12 - 1
    return (
        nominal.quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP),
        effective.quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP),
    )
