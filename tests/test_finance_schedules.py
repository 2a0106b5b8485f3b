"""Repayment schedules: exact sums, month-end dates, and the textbook formulas.

numpy-financial is the outside reference for pmt / ipmt / ppmt. When it is not installed
the same formulas (numpy-financial 1.0's, written out with numpy) stand in for it.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from showroom_app.finance.schedule import (
    Method,
    NegativeAmortizationError,
    Row,
    StepPlan,
    add_months,
    build_schedule,
)

START = date(2026, 1, 15)

principals = st.integers(min_value=1, max_value=10**11)
rates = st.integers(min_value=0, max_value=500_000).map(lambda k: Decimal(k) / 1_000_000)
terms = st.integers(min_value=1, max_value=120)
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def check_invariants(rows: tuple[Row, ...], principal: int) -> None:
    assert rows, "a schedule has rows"
    assert sum(r.principal_fen for r in rows) == principal
    assert sum(r.payment_fen for r in rows) == principal + sum(r.interest_fen for r in rows)
    assert rows[-1].balance_fen == 0
    balance = principal
    for r in rows:
        assert r.payment_fen == r.principal_fen + r.interest_fen
        assert min(r.payment_fen, r.principal_fen, r.interest_fen, r.balance_fen) >= 0
        balance -= r.principal_fen
        assert r.balance_fen == balance
    assert [r.period for r in rows] == list(range(1, len(rows) + 1))
    assert all(a.due_date < b.due_date for a, b in itertools.pairwise(rows))


def contract_day(start: date, due: date) -> bool:
    return due.day == min(start.day, calendar.monthrange(due.year, due.month)[1])


def textbook_payment(principal: int, rate: Decimal, n: int, balloon: int = 0) -> int:
    with localcontext() as ctx:
        ctx.prec = 60
        r = rate / 12
        if r == 0:
            exact = Decimal(principal - balloon) / n
        else:
            growth = (1 + r) ** n
            exact = (principal * growth - balloon) * r / (growth - 1)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- properties -------------------------------------------------------------------------


@settings(max_examples=300)
@given(principal=principals, rate=rates, n=terms, start=starts,
       method=st.sampled_from([Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL]),
       data=st.data())
def test_every_schedule_sums_exactly_and_ends_at_zero(principal, rate, n, start, method, data):
    balloon = data.draw(st.integers(0, principal), label="balloon")
    io = data.draw(st.integers(0, n - 1), label="interest_only_months")
    s = build_schedule(principal, rate, n, start, method, balloon_fen=balloon,
                       interest_only_months=io)
    check_invariants(s.rows, principal)
    assert len(s.rows) == n
    assert [r.month for r in s.rows] == list(range(1, n + 1))
    for r in s.rows:
        assert r.due_date == add_months(start, r.period)
        assert contract_day(start, r.due_date)
    for r in s.rows[:io]:
        assert r.principal_fen == 0
        assert r.balance_fen == principal
    assert s.rows[-1].payment_fen >= balloon
    amortizing = s.rows[io:-1]
    if method is Method.EQUAL_INSTALLMENT and amortizing:
        assert len({r.payment_fen for r in amortizing}) == 1 or any(
            r.balance_fen == balloon for r in amortizing)  # tiny amounts run out early
    if method is Method.EQUAL_PRINCIPAL and amortizing:
        assert len({r.principal_fen for r in amortizing}) <= 2  # the last clamp aside


@given(principal=principals, rate=rates, n=terms, start=starts)
def test_interest_is_balance_times_monthly_rate_rounded_half_up(principal, rate, n, start):
    s = build_schedule(principal, rate, n, start)
    balance = principal
    for r in s.rows:
        exact = Decimal(balance) * rate / 12
        assert r.interest_fen == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        balance = r.balance_fen


@given(principal=st.integers(10_000, 10**10), rate=rates, n=terms)
def test_level_payment_is_the_textbook_formula(principal, rate, n):
    s = build_schedule(principal, rate, n, START)
    if n > 1 and s.rows[0].principal_fen < principal:
        assert s.rows[0].payment_fen == textbook_payment(principal, rate, n)


@settings(max_examples=200)
@given(principal=st.integers(10_000, 10**10), rate=rates, start=starts, data=st.data())
def test_seasonal_plans_pay_only_in_the_chosen_months(principal, rate, start, data):
    months = data.draw(st.sets(st.integers(1, 12), min_size=1, max_size=4), label="months")
    valid = [k for k in range(1, 61) if add_months(start, k).month in months]
    n = data.draw(st.sampled_from(valid), label="term")
    method = data.draw(st.sampled_from([Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL]))
    try:
        s = build_schedule(principal, rate, n, start, method, payment_months=months)
    except NegativeAmortizationError:
        assume(False)
    check_invariants(s.rows, principal)
    previous = 0
    balance = principal
    for r in s.rows:
        assert r.due_date.month in months
        assert r.due_date == add_months(start, r.month)
        gap = r.month - previous
        # Simple interest for the months since the previous payment, paid in full now.
        exact = Decimal(balance) * rate * gap / 12
        assert r.interest_fen == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        previous, balance = r.month, r.balance_fen
    assert s.rows[-1].month == n


@given(principal=st.integers(10_000, 10**10), rate=rates, n=st.integers(12, 96),
       every=st.integers(3, 24),
       factor=st.sampled_from(["0.8", "0.9", "0.95", "1.05", "1.1", "1.2"]))
def test_step_plans_change_the_payment_every_step(principal, rate, n, every, factor):
    step = StepPlan(every, Decimal(factor))
    try:
        s = build_schedule(principal, rate, n, START, step=step)
    except NegativeAmortizationError:
        assume(False)
    check_invariants(s.rows, principal)
    stages: dict[int, set[int]] = {}
    for r in s.rows[:-1]:
        stages.setdefault((r.period - 1) // every, set()).add(r.payment_fen)
    levels = [min(v) for _, v in sorted(stages.items()) if len(v) == 1]
    if Decimal(factor) > 1:
        assert levels == sorted(levels)
    else:
        assert levels == sorted(levels, reverse=True)


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "expected"), [
    (date(2024, 1, 31), [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                         date(2024, 5, 31)]),
    (date(2025, 1, 31), [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]),
    (date(2025, 1, 30), [date(2025, 2, 28), date(2025, 3, 30), date(2025, 4, 30)]),
    (date(2025, 12, 31), [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]),
    (date(2025, 3, 15), [date(2025, 4, 15), date(2025, 5, 15), date(2025, 6, 15)]),
])
def test_due_dates_keep_the_contract_day_and_clamp_to_month_end(start, expected):
    rows = build_schedule(1_000_000, Decimal("0.06"), len(expected), start).rows
    assert [r.due_date for r in rows] == expected


def test_leap_day_contract_comes_back_on_the_29th():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert add_months(date(2024, 1, 31), -2) == date(2023, 11, 30)


@given(start=starts, k=st.integers(0, 600))
def test_add_months_uses_the_start_day_every_month(start, k):
    due = add_months(start, k)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == k
    assert contract_day(start, due)


# --- cross-checks against numpy-financial --------------------------------------------------


@settings(max_examples=200)
@given(principal=st.integers(100_000, 10**9),
       rate=st.integers(1_000, 360_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(2, 84))
def test_matches_numpy_financial_pmt_ipmt_ppmt(principal, rate, n):
    rows = build_schedule(principal, rate, n, START).rows
    r = float(rate) / 12
    # pmt: the level payment is numpy-financial's, rounded to the fen.
    assert abs(rows[0].payment_fen + float(npf.pmt(r, n, principal))) <= 0.5 + 1e-6
    # First period: interest and principal to the fen.
    assert abs(rows[0].interest_fen + float(npf.ipmt(r, 1, n, principal))) <= 0.5 + 1e-6
    assert abs(rows[0].principal_fen + float(npf.ppmt(r, 1, n, principal))) <= 1 + 1e-6
    # Later periods: ours run on the fen-rounded balance, numpy-financial's on the exact
    # one. Each rounding (≤ ½ fen for the payment, ≤ ½ fen for each interest) compounds at
    # r, so the gap after k−1 periods is at most s(k−1) = ((1+r)^(k−1) − 1)/r fen.
    for row in rows:
        k = row.period
        drift = ((1 + r) ** (k - 1) - 1) / r
        ipmt = -float(npf.ipmt(r, k, n, principal))
        ppmt = -float(npf.ppmt(r, k, n, principal))
        assert abs(row.interest_fen - ipmt) <= r * drift + 0.5 + 1e-6
        bound = drift if k == n else 1 + r * drift
        assert abs(row.principal_fen - ppmt) <= bound + 1e-6
    # Over the whole loan numpy-financial's principal parts sum to the principal, ours
    # exactly so.
    total = -sum(float(npf.ppmt(r, k, n, principal)) for k in range(1, n + 1))
    assert total == pytest.approx(principal, rel=1e-9, abs=0.5)
    assert sum(row.principal_fen for row in rows) == principal


@pytest.mark.parametrize(("principal", "rate", "n"), [
    (10_000_000, "0.0499", 36), (25_000_000, "0.0579", 60), (100_000, "0.2400", 12),
    (300_000_000, "0.0399", 24),
])
def test_typical_loans_match_numpy_financial_to_the_fen(principal, rate, n):
    rows = build_schedule(principal, Decimal(rate), n, START).rows
    r = float(Decimal(rate)) / 12
    assert rows[0].payment_fen == round(-float(npf.pmt(r, n, principal)))
    for row in rows[:-1]:
        assert abs(row.interest_fen + float(npf.ipmt(r, row.period, n, principal))) <= 1.5
        assert abs(row.principal_fen + float(npf.ppmt(r, row.period, n, principal))) <= 1.5


# Rates from 0.1 %: below that numpy-financial's float (1+r)^n − 1 loses the digits.
@given(principal=st.integers(1_000_000, 10**9),
       rate=st.integers(1_000, 360_000).map(lambda k: Decimal(k) / 1_000_000),
       n=st.integers(2, 84), share=st.integers(1, 60))
def test_balloon_payment_matches_numpy_financial_with_a_future_value(principal, rate, n,
                                                                     share):
    balloon = principal * share // 100
    rows = build_schedule(principal, rate, n, START, Method.BALLOON, balloon_fen=balloon).rows
    r = float(rate) / 12
    assert abs(rows[0].payment_fen + float(npf.pmt(r, n, principal, -balloon))) <= 0.5 + 1e-6
    assert rows[0].payment_fen == textbook_payment(principal, rate, n, balloon)
    assert rows[-1].payment_fen >= balloon
    assert rows[-2].balance_fen >= balloon


def test_equal_principal_is_p_over_n_plus_remaining_times_r():
    rows = build_schedule(12_000_000, Decimal("0.06"), 12, START, Method.EQUAL_PRINCIPAL).rows
    assert [r.principal_fen for r in rows] == [1_000_000] * 12
    assert [r.interest_fen for r in rows] == [
        (12 - k) * 1_000_000 // 200 for k in range(12)  # remaining × 0.5 %
    ]
    assert rows[0].payment_fen == 1_060_000
    assert rows[-1].payment_fen == 1_005_000


def test_rounding_goes_to_the_last_instalment():
    rows = build_schedule(10_000_000, Decimal("0.0499"), 36, START).rows
    level = textbook_payment(10_000_000, Decimal("0.0499"), 36)
    assert {r.payment_fen for r in rows[:-1]} == {level}
    assert rows[-1].payment_fen != level  # absorbs the rounding
    assert abs(rows[-1].payment_fen - level) < 36


def test_zero_rate_splits_the_principal():
    rows = build_schedule(100_001, Decimal(0), 3, START).rows
    assert [r.payment_fen for r in rows] == [33_334, 33_334, 33_333]
    assert all(r.interest_fen == 0 for r in rows)


# --- interest-only, seasonal, step and lease plans -------------------------------------


def test_interest_only_months_then_amortize():
    s = build_schedule(12_000_000, Decimal("0.06"), 24, START, interest_only_months=6)
    assert [r.payment_fen for r in s.rows[:6]] == [60_000] * 6
    assert s.rows[6].payment_fen == textbook_payment(12_000_000, Decimal("0.06"), 18)


def test_seasonal_plan_for_a_tractor_pays_after_the_harvests():
    # Signed 15 March 2026; payments in July and October only; two years.
    s = build_schedule(20_000_000, Decimal("0.0599"), 31, date(2026, 3, 15),
                       Method.EQUAL_PRINCIPAL, payment_months={7, 10})
    assert [r.due_date for r in s.rows] == [
        date(2026, 7, 15), date(2026, 10, 15), date(2027, 7, 15), date(2027, 10, 15),
        date(2028, 7, 15), date(2028, 10, 15)]
    assert [r.month for r in s.rows] == [4, 7, 16, 19, 28, 31]
    # Four months of interest at the first payment, simple (not compounded).
    assert s.rows[0].interest_fen == 20_000_000 * 599 * 4 // 120_000
    assert s.rows[0].principal_fen == 20_000_000 // 6


def test_seasonal_plan_must_end_in_a_payment_month():
    with pytest.raises(ValueError, match="payment month"):
        build_schedule(1_000_000, Decimal("0.06"), 24, date(2026, 3, 15),
                       payment_months={7, 10})


def test_step_up_plan_for_construction_machinery():
    s = build_schedule(50_000_000, Decimal("0.0749"), 36, START,
                       step=StepPlan(12, Decimal("1.1")))
    first, second, third = (s.rows[i].payment_fen for i in (0, 12, 24))
    # Each level is rounded from the exact one, so it is within a fen of first × factor.
    assert abs(second - first * Decimal("1.1")) <= 1
    assert abs(third - first * Decimal("1.21")) <= 1
    check_invariants(s.rows, 50_000_000)


def test_steep_step_up_is_refused_not_capitalized():
    with pytest.raises(NegativeAmortizationError, match="interest"):
        build_schedule(50_000_000, Decimal("0.30"), 120, START,
                       step=StepPlan(6, Decimal("2")))


def test_lease_residual_is_paid_with_the_last_rent():
    s = build_schedule(16_000_000, Decimal("0.0639"), 36, START, balloon_fen=5_000_000)
    assert s.rows[-2].balance_fen > 5_000_000
    assert s.rows[-1].principal_fen == s.rows[-2].balance_fen
    check_invariants(s.rows, 16_000_000)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"principal_fen": 0}, "principal"),
    ({"annual_rate": Decimal("1.5")}, "between 0 and 1"),
    ({"term_months": 0}, "term"),
    ({"balloon_fen": 2_000_000}, "balloon"),
    ({"method": Method.BALLOON}, "balloon amount"),
    ({"interest_only_months": 12}, "interest-only"),
    ({"payment_months": {13}}, "calendar months"),
    ({"method": Method.EQUAL_PRINCIPAL, "step": StepPlan(6, Decimal("1.1"))}, "step plans"),
])
def test_bad_input_is_refused(kwargs, message):
    args = {"principal_fen": 1_000_000, "annual_rate": Decimal("0.06"), "term_months": 12,
            "start": START} | kwargs
    with pytest.raises(ValueError, match=message):
        build_schedule(**args)


def test_float_rates_are_refused():
    with pytest.raises(TypeError):
        build_schedule(1_000_000, 0.06, 12, START)  # type: ignore[arg-type]
