"""The central service's decision engine and its simulated credit bureau."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from central.decision import (
    LTV_CAPS,
    MAX_TERM_MONTHS,
    OUTCOMES,
    TEST_IDENTITIES,
    ApplicationFacts,
    BureauReport,
    Decision,
    bureau_report,
    decide,
)

APPROVE = "110105198803151232"
DECLINE = "310104197906222044"
REVIEW = "440305199009083158"
MULTI_LENDER = "510107199101274264"
CONDITIONAL = "330106199211115379"
THIN_FILE = "42010619980430648X"

YUAN = 100  # fen
TODAY = date(2026, 3, 1)

# The standard application of the module docstring: 150,000 yuan new car, 20 % down (the
# 80 % LTV cap), 36-month auto loan, 3,651 yuan/month, proven income of 20,000 yuan/month.
STANDARD = ApplicationFacts(
    customer_type="individual",
    id_number=APPROVE,
    birth_date=None,
    monthly_income_fen=20_000 * YUAN,
    income_proven=True,
    vehicle_category="new_car",
    vehicle_price_fen=150_000 * YUAN,
    down_payment_fen=30_000 * YUAN,
    term_months=36,
    product_code="auto_loan",
    monthly_payment_fen=3_651 * YUAN,
    decision_date=TODAY,
)


def make_id(region: str, born: date, sequence: str) -> str:
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def codes(decision: Decision) -> set[str]:
    return {r.code for r in decision.reasons}


def condition_values(decision: Decision) -> dict[str, str]:
    return {c.code: c.value for c in decision.conditions}


# --- test identities --------------------------------------------------------------------


def test_test_identities_are_the_documented_ones() -> None:
    assert set(TEST_IDENTITIES) == {APPROVE, DECLINE, REVIEW, MULTI_LENDER, CONDITIONAL,
                                    THIN_FILE}
    outcomes = {outcome for outcome, _ in TEST_IDENTITIES.values()}
    assert {"approved", "declined", "manual_review", "conditional"} <= outcomes
    import central.decision as module

    for number, (outcome, why) in TEST_IDENTITIES.items():
        assert number in module.__doc__
        assert outcome in OUTCOMES
        assert why


@pytest.mark.parametrize("number", sorted(TEST_IDENTITIES))
def test_test_identity_numbers_are_valid(number: str) -> None:
    assert len(number) == 18
    assert ric.calc_check_digit(number[:17] + "0") == number[17]
    assert ric.is_valid(number)  # region existed in the birth year, date is real
    age = TODAY.year - ric.get_birth_date(number).year
    assert 18 < age < 60


@pytest.mark.parametrize("number", sorted(TEST_IDENTITIES))
@pytest.mark.parametrize("down_ratio", [20, 30])
def test_test_identity_gives_its_documented_outcome(number: str, down_ratio: int) -> None:
    facts = replace(STANDARD, id_number=number,
                    down_payment_fen=1_500 * YUAN * down_ratio)
    decision = decide(facts)
    expected = TEST_IDENTITIES[number][0]
    if number == CONDITIONAL and down_ratio >= 30:
        expected = "approved"  # the condition is already met
    assert decision.outcome == expected, decision


def test_approve_identity_reasons_are_positive() -> None:
    decision = decide(STANDARD)
    assert decision.outcome == "approved"
    assert {"clean_credit_history", "ltv_within_cap", "payment_to_income_ok",
            "income_proven"} <= codes(decision)
    decision = decide(replace(STANDARD, down_payment_fen=45_000 * YUAN))
    assert "down_payment_sufficient" in codes(decision)


def test_decline_identity_declines_for_any_application() -> None:
    for facts in (STANDARD, replace(STANDARD, down_payment_fen=100_000 * YUAN),
                  replace(STANDARD, product_code="direct_lease", term_months=12),
                  replace(STANDARD, customer_type="company", vehicle_category="commercial",
                          down_payment_fen=60_000 * YUAN)):
        decision = decide(replace(facts, id_number=DECLINE))
        assert decision.outcome == "declined"
        assert {"overdue_90_days_plus", "overdue_months_6_plus"} <= codes(decision)


def test_review_identity_goes_to_a_person() -> None:
    decision = decide(replace(STANDARD, id_number=REVIEW, down_payment_fen=90_000 * YUAN))
    assert decision.outcome == "manual_review"
    assert "overdue_history_review" in codes(decision)


def test_multi_lender_identity_shows_many_inquiries() -> None:
    report = bureau_report(MULTI_LENDER)
    assert report.inquiries_3m >= 6
    assert report.inquiries_6m >= report.inquiries_3m
    decision = decide(replace(STANDARD, id_number=MULTI_LENDER))
    assert decision.outcome == "manual_review"
    assert "many_recent_inquiries" in codes(decision)
    reason = next(r for r in decision.reasons if r.code == "many_recent_inquiries")
    assert "多头借贷" in reason.zh


def test_conditional_identity_requires_30_percent_down() -> None:
    decision = decide(replace(STANDARD, id_number=CONDITIONAL))
    assert decision.outcome == "conditional"
    assert condition_values(decision) == {"min_down_payment_ratio": "0.30"}
    assert "minor_overdue_low_down_payment" in codes(decision)
    # Unproven income adds the proof as a second condition.
    decision = decide(replace(STANDARD, id_number=CONDITIONAL, income_proven=False))
    assert condition_values(decision) == {"min_down_payment_ratio": "0.30",
                                          "proof_of_income": "required"}
    # Meeting the condition gets an approval.
    decision = decide(replace(STANDARD, id_number=CONDITIONAL,
                              down_payment_fen=45_000 * YUAN))
    assert decision.outcome == "approved"
    assert "minor_overdue_offset_by_down_payment" in codes(decision)


def test_thin_file_identity() -> None:
    assert bureau_report(THIN_FILE).hit is False
    assert bureau_report(THIN_FILE.lower()) == bureau_report(THIN_FILE)  # x → X
    decision = decide(replace(STANDARD, id_number=THIN_FILE.lower()))
    assert decision.outcome == "approved"
    assert "thin_file_small_amount" in codes(decision)
    big = replace(STANDARD, id_number=THIN_FILE, vehicle_price_fen=500_000 * YUAN,
                  down_payment_fen=150_000 * YUAN, monthly_payment_fen=10_600 * YUAN,
                  monthly_income_fen=60_000 * YUAN)
    decision = decide(big)
    assert decision.outcome == "manual_review"
    assert "thin_file_large_amount" in codes(decision)


def test_policy_rules_still_apply_to_the_approve_identity() -> None:
    minor = decide(replace(STANDARD, decision_date=date(2005, 6, 1)))
    assert minor.outcome == "declined"
    assert "applicant_under_18" in codes(minor)
    too_long = decide(replace(STANDARD, term_months=72))
    assert too_long.outcome == "declined"


# --- hard rules -------------------------------------------------------------------------


def test_under_18_is_declined_at_the_birthday_boundary() -> None:
    born = date(2008, 3, 2)
    number = make_id("440305", born, "012")
    facts = replace(STANDARD, id_number=number, term_months=12)
    assert "applicant_under_18" in codes(decide(facts))  # turns 18 tomorrow
    assert decide(facts).outcome == "declined"
    adult = decide(replace(facts, decision_date=date(2026, 3, 2)))
    assert "applicant_under_18" not in codes(adult)


def test_stated_birth_date_is_used_and_a_mismatch_is_reported() -> None:
    decision = decide(replace(STANDARD, birth_date=date(2010, 1, 1)))
    assert decision.outcome == "declined"
    assert {"applicant_under_18", "birth_date_mismatch"} <= codes(decision)
    mismatch = decide(replace(STANDARD, birth_date=date(1988, 3, 16)))
    assert mismatch.outcome == "manual_review"
    assert codes(mismatch) == {"birth_date_mismatch"}


def test_over_65_at_term_end_is_declined() -> None:
    # 36 months from 2026-03-01 ends 2029-03-01.
    over = make_id("110105", date(1964, 2, 28), "021")
    decision = decide(replace(STANDARD, id_number=over))
    assert decision.outcome == "declined"
    assert "over_65_at_term_end" in codes(decision)
    exactly = make_id("110105", date(1964, 3, 1), "021")
    assert "over_65_at_term_end" not in codes(decide(replace(STANDARD, id_number=exactly)))
    farmer = decide(replace(STANDARD, id_number=over, customer_type="farmer",
                            vehicle_category="tractor", down_payment_fen=50_000 * YUAN))
    assert "over_65_at_term_end" in codes(farmer)
    # A company has no age: the legal representative's is not the borrower's.
    company = decide(replace(STANDARD, id_number=over, customer_type="company",
                             down_payment_fen=50_000 * YUAN))
    assert "over_65_at_term_end" not in codes(company)


@pytest.mark.parametrize("customer_type", ["individual", "farmer"])
def test_wrong_check_character_is_declined(customer_type: str) -> None:
    bad = APPROVE[:17] + ("3" if APPROVE[17] != "3" else "4")
    decision = decide(replace(STANDARD, id_number=bad, customer_type=customer_type))
    assert decision.outcome == "declined"
    assert "id_check_char_invalid" in codes(decision)
    assert bureau_report(bad).hit is False  # an invalid number is a thin file


def test_wrong_check_character_of_a_legal_representative_is_reviewed() -> None:
    bad = APPROVE[:17] + "3"
    decision = decide(replace(STANDARD, id_number=bad, customer_type="company"))
    assert decision.outcome == "manual_review"
    assert "legal_rep_id_invalid" in codes(decision)


def test_malformed_and_impossible_id_numbers_are_separate_problems() -> None:
    malformed = decide(replace(STANDARD, id_number="11010519880315"))
    assert "id_number_malformed" in codes(malformed)
    body = "11010519880230123"  # 30 February
    impossible = decide(replace(STANDARD, id_number=body + ric.calc_check_digit(body + "0")))
    assert impossible.outcome == "declined"
    assert "id_birth_date_invalid" in codes(impossible)
    # A retired region code on a valid card is not a problem (Pudong before 1993).
    retired = make_id("310115", date(1979, 6, 22), "204")
    assert not ric.is_valid(retired)
    assert not {"id_check_char_invalid", "id_birth_date_invalid",
                "id_number_malformed"} & codes(decide(replace(STANDARD, id_number=retired)))


def test_missing_id_number_of_a_person_goes_to_review() -> None:
    decision = decide(replace(STANDARD, id_number=None))
    assert decision.outcome == "manual_review"
    assert "id_number_missing" in codes(decision)


@pytest.mark.parametrize(
    ("category", "is_nev", "cap"),
    [("new_car", False, "0.80"), ("nev", True, "0.80"), ("used_car", False, "0.70"),
     ("commercial", False, "0.70"), ("commercial", True, "0.75"), ("tractor", False, "0.70"),
     ("construction", False, "0.70")],
)
def test_ltv_above_the_cap_declines_loans(category: str, is_nev: bool, cap: str) -> None:
    price = 100_000 * YUAN
    at_cap = replace(STANDARD, vehicle_category=category, is_nev=is_nev,
                     vehicle_price_fen=price, term_months=36,
                     down_payment_fen=int(price * (1 - Decimal(cap))),
                     monthly_payment_fen=2_000 * YUAN)
    assert "ltv_above_cap" not in codes(decide(at_cap))
    above = replace(at_cap, down_payment_fen=at_cap.down_payment_fen - 1)
    decision = decide(above)
    assert decision.outcome == "declined"
    assert "ltv_above_cap" in codes(decision)
    # Leases are not loans: the cap does not bind them.
    for product in ("direct_lease", "sale_leaseback"):
        assert "ltv_above_cap" not in codes(decide(replace(above, product_code=product)))


def test_ltv_caps_default_values_and_override() -> None:
    assert LTV_CAPS["commercial"] == Decimal("0.70")
    assert LTV_CAPS["used_car"] == Decimal("0.70")
    assert LTV_CAPS["commercial_nev"] == Decimal("0.75")
    assert LTV_CAPS["new_car"] == LTV_CAPS["nev"] == Decimal("0.80")
    assert all(isinstance(v, Decimal) for v in LTV_CAPS.values())
    stricter = decide(STANDARD, ltv_caps={**LTV_CAPS, "new_car": Decimal("0.70")})
    assert "ltv_above_cap" in codes(stricter)


@pytest.mark.parametrize(("category", "limit"),
                         [("new_car", 60), ("used_car", 36), ("nev", 60), ("commercial", 60),
                          ("tractor", 60), ("construction", 60)])
def test_term_above_the_maximum_is_declined(category: str, limit: int) -> None:
    assert MAX_TERM_MONTHS[category] == limit
    facts = replace(STANDARD, vehicle_category=category, down_payment_fen=50_000 * YUAN,
                    monthly_payment_fen=2_000 * YUAN)
    assert "term_above_max" not in codes(decide(replace(facts, term_months=limit)))
    for product in ("auto_loan", "direct_lease"):
        decision = decide(replace(facts, term_months=limit + 1, product_code=product))
        assert decision.outcome == "declined"
        assert "term_above_max" in codes(decision)


def test_serious_overdue_declines() -> None:
    report = bureau_report(DECLINE)
    assert report.max_overdue_days >= 90
    assert report.overdue_months_24m >= 6


@pytest.mark.parametrize(
    ("payment_yuan", "outcome", "code"),
    [(6_000, "approved", "payment_to_income_ok"),
     (8_000, "conditional", "payment_to_income_elevated"),
     (8_700, "conditional", "payment_to_income_elevated"),
     (12_000, "manual_review", "payment_to_income_high"),
     (15_000, "declined", "payment_to_income_too_high")],
)
def test_payment_to_income(payment_yuan: int, outcome: str, code: str) -> None:
    # The approve identity has 1,200 yuan of existing monthly debt; income 20,000.
    facts = replace(STANDARD, monthly_payment_fen=payment_yuan * YUAN)
    decision = decide(facts)
    assert decision.outcome == outcome
    assert code in codes(decision)
    if outcome == "conditional":
        required = Decimal(condition_values(decision)["min_down_payment_ratio"])
        assert required > Decimal(facts.down_payment_fen) / facts.vehicle_price_fen
        assert required * 20 == int(required * 20)  # rounded up to 5 %


def test_payment_to_income_counts_existing_debt() -> None:
    debt = bureau_report(APPROVE).monthly_debt_fen
    assert debt > 0
    edge = 8_000 * YUAN - debt  # exactly 40 % with the existing debt
    assert decide(replace(STANDARD, monthly_payment_fen=edge)).outcome == "approved"
    assert decide(replace(STANDARD, monthly_payment_fen=edge + 1)).outcome == "conditional"


def test_missing_payment_is_estimated() -> None:
    decision = decide(replace(STANDARD, monthly_payment_fen=None))
    assert decision.outcome == "approved"
    reason = next(r for r in decision.reasons if r.code == "payment_to_income_ok")
    assert "estimated" in reason.en


def test_unproven_income_on_a_large_amount_goes_to_review() -> None:
    facts = replace(STANDARD, vehicle_price_fen=300_000 * YUAN,
                    down_payment_fen=90_000 * YUAN, monthly_payment_fen=6_000 * YUAN,
                    income_proven=False)
    decision = decide(facts)
    assert decision.outcome == "manual_review"
    assert "income_unproven_large_amount" in codes(decision)
    assert decide(replace(facts, income_proven=True)).outcome == "approved"
    small = decide(replace(STANDARD, income_proven=False))
    assert "income_unproven_large_amount" not in codes(small)


def test_company_large_amount_goes_to_review() -> None:
    facts = replace(STANDARD, customer_type="company", vehicle_category="commercial",
                    vehicle_price_fen=1_600_000 * YUAN, down_payment_fen=480_000 * YUAN,
                    monthly_payment_fen=34_000 * YUAN, monthly_income_fen=500_000 * YUAN)
    decision = decide(facts)
    assert decision.outcome == "manual_review"
    assert "company_large_amount" in codes(decision)
    smaller = replace(facts, vehicle_price_fen=1_400_000 * YUAN,
                      down_payment_fen=420_000 * YUAN)
    assert decide(smaller).outcome == "approved"


def test_invalid_amounts_are_declined_without_raising() -> None:
    for facts in (replace(STANDARD, vehicle_price_fen=0),
                  replace(STANDARD, down_payment_fen=STANDARD.vehicle_price_fen),
                  replace(STANDARD, down_payment_fen=-1),
                  replace(STANDARD, term_months=0),
                  replace(STANDARD, monthly_income_fen=-5)):
        decision = decide(facts)
        assert decision.outcome == "declined"
        assert "invalid_amounts" in codes(decision)


def test_unknown_codes_go_to_review() -> None:
    for facts in (replace(STANDARD, customer_type="trust"),
                  replace(STANDARD, vehicle_category="boat"),
                  replace(STANDARD, product_code="mortgage")):
        assert decide(facts).outcome == "manual_review"


# --- determinism and the simulator ------------------------------------------------------


def test_decisions_are_deterministic() -> None:
    for number in [*TEST_IDENTITIES, "110105199001010037", None]:
        facts = replace(STANDARD, id_number=number)
        assert decide(facts) == decide(replace(facts))
        assert bureau_report(number) == bureau_report(number)


def test_simulated_reports_are_pinned() -> None:
    # Demos and integrators' suites rely on these staying put; change the salt deliberately.
    assert bureau_report("110105199001010037") == bureau_report(" 110105199001010037 ")
    pinned = {number: bureau_report(number) for number in
              ("110105199001010037", "440305198512240013", "510107199306061238")}
    assert pinned == PINNED


PINNED = {
    "110105199001010037": BureauReport(True, 0, 0, 0, 0, 1, 154_600),
    "440305198512240013": BureauReport(True, 1, 1, 0, 0, 2, 458_900),
    "510107199306061238": BureauReport(True, 3, 5, 0, 0, 4, 1_245_500),
}


def test_thin_file_for_none_and_invalid_numbers() -> None:
    empty = BureauReport(False, 0, 0, 0, 0, 0, 0)
    for number in (None, "", "123", APPROVE[:17] + "0", "11010519880230123X"):
        assert bureau_report(number) == empty


def test_simulated_distribution_is_plausible() -> None:
    numbers = [make_id("110105", date(1970 + i % 35, 1 + i % 12, 1 + i % 28), f"{i % 1000:03d}")
               for i in range(3000)]
    reports = [bureau_report(n) for n in numbers]
    hits = [r for r in reports if r.hit]
    assert 0.90 < len(hits) / len(reports) < 0.99
    assert sum(r.inquiries_3m <= 2 for r in hits) / len(hits) > 0.80
    assert sum(r.overdue_months_24m == 0 for r in hits) / len(hits) > 0.80
    assert 0 < sum(r.overdue_months_24m >= 6 for r in hits) / len(hits) < 0.03
    assert any(r.inquiries_3m >= 6 for r in hits)
    for r in hits:
        assert r.inquiries_6m >= r.inquiries_3m
        assert (r.max_overdue_days == 0) == (r.overdue_months_24m == 0)
        assert (r.monthly_debt_fen == 0) == (r.open_loans == 0)


# --- shape of every decision ------------------------------------------------------------


def assert_well_formed(decision: Decision) -> None:
    assert decision.outcome in OUTCOMES
    assert decision.reasons
    for reason in decision.reasons:
        assert reason.code and reason.zh.strip() and reason.en.strip()
    if decision.outcome == "conditional":
        assert decision.conditions
        for condition in decision.conditions:
            assert condition.code and condition.zh and condition.en and condition.value
    else:
        assert decision.conditions == ()
    assert type(decision.score) is int
    assert 0 <= decision.score <= 1000
    assert_no_floats(decision)
    for f in dataclasses.fields(BureauReport):
        value = getattr(decision.bureau, f.name)
        assert type(value) is (bool if f.name == "hit" else int), f.name


def assert_no_floats(value: object) -> None:
    assert not isinstance(value, float)
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            assert_no_floats(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            assert_no_floats(item)


@pytest.mark.parametrize("number", [*sorted(TEST_IDENTITIES), None])
def test_every_decision_is_well_formed(number: str | None) -> None:
    for facts in (STANDARD, replace(STANDARD, monthly_payment_fen=9_000 * YUAN),
                  replace(STANDARD, term_months=99), replace(STANDARD, income_proven=False)):
        assert_well_formed(decide(replace(facts, id_number=number)))


def test_score_orders_identities() -> None:
    scores = {n: decide(replace(STANDARD, id_number=n)).score for n in TEST_IDENTITIES}
    assert scores[APPROVE] > scores[CONDITIONAL] > scores[REVIEW] > scores[DECLINE]
    assert scores[APPROVE] > scores[MULTI_LENDER]


REGIONS = ("110105", "310104", "440305", "510107", "330106", "420106", "999999")


@st.composite
def id_numbers(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(["valid", "identity", "bad_check", "garbage", "none"]))
    if kind == "none":
        return None
    if kind == "identity":
        return draw(st.sampled_from(sorted(TEST_IDENTITIES)))
    if kind == "garbage":
        return draw(st.text(max_size=20))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
    number = make_id(draw(st.sampled_from(REGIONS)), born,
                     f"{draw(st.integers(0, 999)):03d}")
    if kind == "bad_check":
        number = number[:17] + ("0" if number[17] != "0" else "1")
    return number


@st.composite
def plausible_facts(draw: st.DrawFn) -> ApplicationFacts:
    price = draw(st.integers(-1, 5_000_000 * YUAN))
    return ApplicationFacts(
        customer_type=draw(st.sampled_from(["individual", "company", "farmer", "other"])),
        id_number=draw(id_numbers()),
        birth_date=draw(st.none() | st.dates(min_value=date(1900, 1, 1),
                                             max_value=date(2030, 12, 31))),
        monthly_income_fen=draw(st.none() | st.integers(-1, 2_000_000 * YUAN)),
        income_proven=draw(st.booleans()),
        vehicle_category=draw(st.sampled_from([*MAX_TERM_MONTHS, "other"])),
        vehicle_price_fen=price,
        down_payment_fen=draw(st.integers(-1, max(price, 0) + 1)),
        term_months=draw(st.integers(-1, 1_200)),
        product_code=draw(st.sampled_from(["auto_loan", "direct_lease", "sale_leaseback",
                                           "other"])),
        monthly_payment_fen=draw(st.none() | st.integers(-1, 500_000 * YUAN)),
        decision_date=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))),
        is_nev=draw(st.booleans()),
    )


@settings(max_examples=400, deadline=None)
@given(plausible_facts())
def test_decide_never_raises_and_is_well_formed(facts: ApplicationFacts) -> None:
    decision = decide(facts)
    assert_well_formed(decision)
    assert decision == decide(facts)


@settings(max_examples=200, deadline=None)
@given(id_numbers())
def test_bureau_report_fields_are_ints(number: str | None) -> None:
    report = bureau_report(number)
    assert type(report.hit) is bool
    for name in ("inquiries_3m", "inquiries_6m", "overdue_months_24m", "max_overdue_days",
                 "open_loans", "monthly_debt_fen"):
        value = getattr(report, name)
        assert type(value) is int
        assert value >= 0
