"""Annualized rate by IRR, as PBoC announcement 〔2021〕 No. 3 asks.

The rate is computed over every cash flow the customer has: what actually reaches the
customer's hands (the financed amount less every fee, financed or paid at signing) against
everything the customer pays afterwards. Nominal = 12 × monthly IRR; effective =
(1 + monthly IRR)^12 − 1; both ``Decimal`` fractions quantized to six places
(``Decimal('0.128038')`` is 12.8038 %).

The solver works in floats on integer-fen cash flows: its output is a rate, not money,
float arithmetic is exact for fen amounts below 2^53, and the answer is then quantized far
above float resolution. Speed matters: a quote must be ready in well under 2 ms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["RATE_QUANTUM", "AnnualRate", "annualized_rate", "monthly_irr"]

RATE_QUANTUM = Decimal("0.000001")
_LOW = -0.5  # −50 % a month: below it nobody is lending; also keeps 2^600 in float range
_HIGH_LIMIT = 1e3  # 100,000 % a month: a rate above this is a data error
_TOLERANCE = 1e-15
_MAX_ITERATIONS = 200
# At the root the NPV is float noise: a few ulps of the flows' total present value.
_RESIDUAL = 1e-9


@dataclass(frozen=True, slots=True)
class AnnualRate:
    monthly: Decimal  # the monthly IRR, unquantized
    nominal: Decimal  # 12 × monthly, quantized to RATE_QUANTUM
    effective: Decimal  # (1 + monthly)^12 − 1, quantized to RATE_QUANTUM


def _npv_and_slope(coefficients: list[float], rate: float) -> tuple[float, float, float]:
    """NPV at ``rate``, its derivative and the sum of the flows' absolute present values
    (the scale float rounding works on), by Horner's rule in v = 1/(1+rate)."""
    v = 1.0 / (1.0 + rate)
    value = 0.0
    slope_v = 0.0
    scale = 0.0
    for c in reversed(coefficients):
        slope_v = slope_v * v + value
        value = value * v + c
        scale = scale * v + abs(c)
    # d/d(rate) = d/dv · dv/d(rate), dv/d(rate) = −v²
    return value, -slope_v * v * v, scale


def monthly_irr(flows: Iterable[tuple[int, int]]) -> float:
    """The monthly rate at which ``(month, amount)`` flows have zero net present value.

    Newton's method kept inside a sign-changing bracket; a step that would leave the
    bracket or does not shrink fast enough is replaced by bisection, so the solver
    converges on any flows whose NPV changes sign between −50 % and +100,000 % a month,
    and says so otherwise.
    """
    coefficients: list[float] = []
    for month, amount in flows:
        if isinstance(month, bool) or not isinstance(month, int) or month < 0:
            raise ValueError("cash flow months must be non-negative integers")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("cash flow amounts must be integer fen")
        if month >= len(coefficients):
            coefficients.extend([0.0] * (month + 1 - len(coefficients)))
        coefficients[month] += amount
    if not any(c > 0 for c in coefficients) or not any(c < 0 for c in coefficients):
        raise ValueError("an IRR needs money both received and paid")

    low, high = _LOW, 0.1
    f_low = _npv_and_slope(coefficients, low)[0]
    f_high = _npv_and_slope(coefficients, high)[0]
    while f_low * f_high > 0:
        high *= 4
        if high > _HIGH_LIMIT:
            raise ValueError("no annualized rate in a sensible range: check the cash flows")
        f_high = _npv_and_slope(coefficients, high)[0]
    if f_low == 0:
        return low
    low_is_negative = f_low < 0

    rate = 0.01 if low < 0.01 < high else (low + high) / 2
    last_step = high - low
    for _ in range(_MAX_ITERATIONS):
        value, slope, scale = _npv_and_slope(coefficients, rate)
        if value == 0:
            return rate
        if (value < 0) == low_is_negative:
            low = rate
        else:
            high = rate
        tolerance = _TOLERANCE * max(1.0, abs(rate))
        # Newton only while it lands inside the bracket and at least halves the step
        # (Numerical Recipes' rtsafe); far from the root the slope can be astronomically
        # steep (2^600 at −50 % a month), where a tiny Newton step means nothing.
        step = value / slope if slope else 0.0
        if slope and abs(2 * value) <= abs(last_step * slope) and low < rate - step < high:
            if abs(step) <= tolerance and abs(value) <= _RESIDUAL * scale:
                return rate - step
            rate -= step
            last_step = step
        else:
            last_step = (high - low) / 2
            rate = low + last_step
        if high - low <= tolerance:
            return (low + high) / 2
    return rate


def annualized_rate(
    amount_in_hand_fen: int, payments: Iterable[tuple[int, int]]
) -> AnnualRate:
    """Annualized rate of ``amount_in_hand_fen`` received at month 0 against ``payments``.

    ``payments`` are ``(month, fen)`` the customer pays: fees at signing are month 0 (or
    already deducted from the amount in hand: the result is the same), instalments at
    their month after the start date.
    """
    if isinstance(amount_in_hand_fen, bool) or not isinstance(amount_in_hand_fen, int):
        raise TypeError("the amount in hand must be integer fen")
    if amount_in_hand_fen <= 0:
        raise ValueError("the amount in the customer's hands must be positive")
    flows: list[tuple[int, int]] = [(0, amount_in_hand_fen)]
    for month, amount in payments:
        if amount < 0:
            raise ValueError("payments must not be negative")
        flows.append((month, -amount))
    monthly = Decimal(repr(monthly_irr(flows)))
    with localcontext() as ctx:
        ctx.prec = 40
        nominal = monthly * 12
        effective = (1 + monthly) ** 12 - 1
        return AnnualRate(
            monthly=monthly,
            nominal=nominal.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP),
            effective=effective.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP),
        )
