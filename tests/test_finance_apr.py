"""Annualized rate by IRR (PBoC 〔2021〕 No. 3): DOMAIN.md's worked example, a high-precision
reference, numpy-financial's irr, and "fees never make the rate look lower"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showroom_app.domain.money import Money
from showroom_app.finance.apr import annualized_rate, monthly_irr
from showroom_app.finance.products import Fee
from showroom_app.finance.quote import quote
from showroom_app.finance.schedule import Method, build_schedule

START = date(2026, 1, 31)


def reference_irr(flows: list[tuple[int, int]]) -> Decimal:
    """Bisection in 50-digit Decimal: slow, simple, and obviously right."""
    with localcontext() as ctx:
        ctx.prec = 50

        def npv(rate: Decimal) -> Decimal:
            return sum((Decimal(a) / (1 + rate) ** m for m, a in flows), Decimal(0))

        low, high = Decimal("-0.5"), Decimal(2)
        for _ in range(120):
            mid = (low + high) / 2
            if (npv(mid) > 0) == (npv(low) > 0):
                low = mid
            else:
                high = mid
        return (low + high) / 2


# --- DOMAIN.md's worked check -----------------------------------------------------------


def test_domain_worked_example():
    # 100,000 lent, 1,000 fee at signing, 12 monthly payments of 8,833.30.
    apr = annualized_rate(10_000_000 - 100_000, [(m, 883_330) for m in range(1, 13)])
    assert f"{apr.nominal * 100:.2f}" == "12.80"
    assert f"{apr.effective * 100:.2f}" == "13.58"
    assert apr.nominal == Decimal("0.128038")
    assert apr.effective == Decimal("0.135826")


def test_a_fee_at_signing_is_the_same_as_a_fee_deducted():
    paid = annualized_rate(10_000_000, [(0, 100_000), *((m, 883_330) for m in range(1, 13))])
    deducted = annualized_rate(9_900_000, [(m, 883_330) for m in range(1, 13)])
    assert paid == deducted


def test_domain_worked_example_through_a_quote():
    # 0.108957 is the nominal rate whose level payment on 100,000 over 12 months is
    # 8,833.30; the last instalment absorbs the rounding.
    q = quote(price=Money.of(100_000), down_payment=Money(0), term_months=12,
              annual_rate=Decimal("0.108957"), fees=[Fee("handling", Money.of(1_000))],
              start=START)
    assert [r.payment_fen for r in q.rows[:-1]] == [883_330] * 11
    assert abs(q.rows[-1].payment_fen - 883_330) <= 12
    assert (f"{q.apr_nominal * 100:.2f}", f"{q.apr_effective * 100:.2f}") == ("12.80", "13.58")
    assert q.amount_in_hand == Money.of(99_000)


def test_the_same_fee_financed_is_the_same_cost():
    upfront = quote(price=Money.of(100_000), down_payment=Money(0), term_months=12,
                    annual_rate=Decimal("0.06"), fees=[Fee("gps", Money.of(1_000))],
                    start=START)
    financed = quote(price=Money.of(100_000), down_payment=Money(0), term_months=12,
                     annual_rate=Decimal("0.06"),
                     fees=[Fee("gps", Money.of(1_000), financed=True)], start=START)
    assert financed.financed_amount == Money.of(101_000)
    # Net money reaching the customer at signing, after every fee.
    assert financed.amount_in_hand == Money.of(100_000)
    assert upfront.amount_in_hand == Money.of(99_000)
    # Financing the fee costs interest on it too, so the rate is higher, not hidden.
    assert financed.apr_nominal > Decimal("0.06")
    assert upfront.apr_nominal > Decimal("0.06")


# --- solver accuracy ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(principal=st.integers(100_000, 10**10),
       rate=st.integers(0, 600_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(1, 84), fee_share=st.integers(0, 20))
def test_solver_agrees_with_a_50_digit_reference(principal, rate, n, fee_share):
    rows = build_schedule(principal, rate, n, START).rows
    fee = principal * fee_share // 100
    flows = [(0, principal - fee), *((r.month, -r.payment_fen) for r in rows)]
    ours = monthly_irr(flows)
    assert abs(Decimal(repr(ours)) - reference_irr(flows)) < Decimal("1e-12")


@settings(max_examples=100)
@given(principal=st.integers(1_000_000, 10**10),
       rate=st.integers(1_000, 360_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(2, 84), fee_share=st.integers(0, 10))
def test_matches_numpy_financial_irr(principal, rate, n, fee_share):
    rows = build_schedule(principal, rate, n, START).rows
    in_hand = principal - principal * fee_share // 100
    apr = annualized_rate(in_hand, [(r.month, r.payment_fen) for r in rows])
    values = [in_hand] + [-r.payment_fen for r in rows]
    theirs = float(npf.irr(values))
    assert abs(float(apr.monthly) - theirs) < 1e-9
    assert abs(apr.nominal - Decimal(repr(12 * theirs))) <= Decimal("0.000001")


@pytest.mark.parametrize(("flows", "monthly"), [
    ([(0, 100), (1, -200)], 1.0),  # doubled in a month
    ([(0, 100), (60, -1_000)], 10 ** (1 / 60) - 1),  # one payment five years on
    ([(0, 100), (1, -100)], 0.0),
    ([(0, -100), (12, 50), (24, 80)], None),  # the lender's side: same rate, signs swapped
    ([(0, 1_000_000), (1, -1), (600, -2_000_000)], None),  # far-off flow, Newton overshoots
])
def test_solver_handles_awkward_flows(flows, monthly):
    rate = monthly_irr(flows)
    npv = sum(a / (1 + rate) ** m for m, a in flows)
    assert abs(npv) < 1e-6 * max(abs(a) for _, a in flows)
    if monthly is not None:
        assert rate == pytest.approx(monthly, abs=1e-12)


@pytest.mark.parametrize("flows", [
    [(0, 100), (1, 100)],  # nothing paid
    [(0, -100), (1, -100)],  # nothing received
    [(0, 100), (1, -10**12)],  # beyond any sensible rate
])
def test_solver_refuses_flows_without_a_sensible_rate(flows):
    with pytest.raises(ValueError):
        monthly_irr(flows)


def test_annualized_rate_refuses_bad_input():
    with pytest.raises(ValueError):
        annualized_rate(0, [(1, 100)])
    with pytest.raises(ValueError):
        annualized_rate(100, [(1, -100)])
    with pytest.raises(TypeError):
        annualized_rate(100.0, [(1, 100)])  # type: ignore[arg-type]


# --- fees never make the rate look lower ----------------------------------------------


@settings(max_examples=150)
@given(price=st.integers(1_000_000, 10**10),
       rate=st.integers(0, 360_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(1, 84),
       method=st.sampled_from(list(Method)),
       fees=st.lists(st.tuples(st.integers(0, 50), st.booleans()), min_size=1, max_size=4),
       balloon_share=st.integers(1, 50), io=st.integers(0, 12))
def test_apr_is_at_least_the_nominal_rate_whenever_there_are_fees(
        price, rate, n, method, fees, balloon_share, io):
    # Each interest rounding moves the payments' value by at most ½ fen; a fee of at least
    # 1 yuan outweighs 84 of them, so the rate including fees can never come out lower.
    balloon = Money(price * balloon_share // 100) if method is Method.BALLOON else None
    q = quote(price=Money(price), down_payment=Money(0), term_months=n, method=method,
              balloon=balloon, annual_rate=rate, start=START,
              fees=[Fee(f"f{i}", Money(max(100, price * permille // 1000)), fin)
                    for i, (permille, fin) in enumerate(fees)],
              interest_only_months=min(io, n - 1))
    assert q.apr_nominal >= rate
    assert q.apr_effective >= q.apr_nominal


@settings(max_examples=100)
@given(price=st.integers(10_000_000, 10**10),
       rate=st.integers(0, 360_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(1, 84))
def test_without_fees_the_apr_is_the_nominal_rate(price, rate, n):
    q = quote(price=Money(price), down_payment=Money(0), term_months=n, annual_rate=rate,
              start=START)
    assert abs(q.apr_nominal - rate) <= Decimal("0.000001")


def test_seasonal_simple_interest_rates_a_little_below_nominal_by_irr():
    # Documented convention: interest between seasonal payments is not compounded, while
    # the IRR compounds monthly, so the annualized rate is a little lower.
    q = quote(price=Money.of(200_000), down_payment=Money.of(60_000), term_months=31,
              method=Method.EQUAL_PRINCIPAL, annual_rate=Decimal("0.0599"),
              start=date(2026, 3, 15), payment_months={7, 10})
    assert Decimal("0.0590") < q.apr_nominal < Decimal("0.0599")
