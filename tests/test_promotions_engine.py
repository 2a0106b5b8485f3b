"""The promotion engine: matching, the stacking and priority policy, guardrails, promoted
quotes and what they cost whom.

Products are pinned here (minimum down payment, LTV caps) so the tests say what they
mean whatever the bundled catalog's figures are.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from showroom_app.domain.money import Money
from showroom_app.finance import Product, QuoteLimitError, default_catalog, quote
from showroom_app.promotions.engine import (
    Guardrails,
    Offer,
    combine,
    matching,
    present_value_fen,
    promoted_quote,
    promoted_terms,
    subsidy_cost,
)
from showroom_app.promotions.rules import Conditions, Effect, EffectKind, Rule, VehicleFacts

TODAY = date(2026, 5, 20)
K = EffectKind


def product(code: str = "auto_loan", **changes) -> Product:
    return dataclasses.replace(default_catalog().product(code), **changes)


LOAN = product("auto_loan", min_down_payment_ratio=Decimal("0.20"),
               ltv_caps={"new_car": Decimal("0.80"), "nev": Decimal("0.80"),
                         "used_car": Decimal("0.70")})
LOAN30 = dataclasses.replace(LOAN, min_down_payment_ratio=Decimal("0.30"))


def rule(code: str, *effects: Effect, priority: int = 0, stackable: bool = True,
         source: str = "dealer", funded_by: str = "dealer", active: bool = True,
         conditions: Conditions = Conditions()) -> Rule:
    return Rule(code=code, name_zh=code, name_en=code, effects=effects,
                conditions=conditions, funded_by=funded_by, priority=priority,
                stackable=stackable, active=active, source=source)


def down(ratio: str) -> Effect:
    return Effect(K.LOWER_DOWN_PAYMENT, down_payment_ratio=Decimal(ratio))


def rate(value: str) -> Effect:
    return Effect(K.SUBSIDISED_RATE, rate=Decimal(value))


def waive(*codes: str) -> Effect:
    return Effect(K.FEE_WAIVER, fee_codes=codes)


def term(months: int) -> Effect:
    return Effect(K.LONGER_TERM, max_term_months=months)


def gift(name: str, yuan: str = "0") -> Effect:
    return Effect(K.GIFT, gift_zh=name, gift_en=name, gift_value=Money.of(yuan))


def codes(rules) -> list[str]:
    return [r.code for r in rules]


def why(offer: Offer) -> dict[str, str]:
    return {s.rule.code: s.why for s in offer.skipped}


CAR = VehicleFacts(vin="LSVAM4187C2184847", make="比亚迪", model="秦PLUS", category="nev",
                   is_nev=True, model_year=2025, price=Money.of("129800"),
                   days_in_stock=120, units_same_model=4)


# --- matching --------------------------------------------------------------------------


def test_matching_keeps_active_rules_whose_every_condition_holds_best_first() -> None:
    rules = [
        rule("LOW", rate("0.02"), priority=1),
        rule("HIGH", rate("0.03"), priority=9),
        rule("OFF", rate("0.01"), priority=50, active=False),
        rule("OLD", rate("0.01"), priority=50,
             conditions=Conditions(min_days_in_stock=180)),
        rule("FLEET", rate("0.01"), priority=50, conditions=Conditions(segments=("fleet",))),
    ]
    assert codes(matching(rules, CAR, None, None, TODAY)) == ["FLEET", "HIGH", "LOW"]
    assert codes(matching(rules, CAR, "individual", None, TODAY)) == ["HIGH", "LOW"]
    assert matching([], CAR, None, None, TODAY) == []


# --- stacking and priority ----------------------------------------------------------------


def test_nothing_matched_is_an_empty_offer() -> None:
    offer = combine([])
    assert offer.empty and offer.rate is None and offer.skipped == ()


def test_an_exclusive_rule_at_the_top_applies_alone() -> None:
    clear = rule("CLEAR", rate("0.0099"), priority=20, stackable=False)
    other_exclusive = rule("EXCL2", down("0.10"), priority=5, stackable=False)
    stackable = rule("STACK", down("0.15"), waive("gps"), priority=10)
    offer = combine([stackable, other_exclusive, clear])
    assert codes(offer.applied) == ["CLEAR"]
    assert offer.rate == Decimal("0.0099") and offer.rate_rule is clear
    assert offer.down_payment_ratio is None and offer.waived == ()
    assert why(offer) == {"STACK": "excluded", "EXCL2": "excluded"}


def test_a_stackable_rule_at_the_top_skips_every_exclusive_one() -> None:
    top = rule("TOP", down("0.15"), priority=20)
    exclusive = rule("EXCL", rate("0.0099"), priority=10, stackable=False)
    low = rule("LOW", rate("0.03"), priority=1)
    offer = combine([low, exclusive, top])
    assert codes(offer.applied) == ["TOP", "LOW"]
    assert offer.rate == Decimal("0.03")  # the exclusive rule's better rate is not taken
    assert why(offer) == {"EXCL": "exclusive_outranked"}


def test_within_a_stack_each_effect_takes_the_best_for_the_customer() -> None:
    a = rule("A", down("0.25"), rate("0.02"), term(48), priority=30, funded_by="oem")
    b = rule("B", down("0.15"), rate("0.035"), priority=20)
    c = rule("C", rate("0.0199"), term(72), priority=10, funded_by="lessor")
    offer = combine([c, b, a])
    assert (offer.down_payment_ratio, offer.down_rule) == (Decimal("0.15"), b)
    assert (offer.rate, offer.rate_rule) == (Decimal("0.0199"), c)
    assert (offer.max_term_months, offer.term_rule) == (72, c)
    # A wins nothing: listed as outranked with the reason.
    assert codes(offer.applied) == ["B", "C"]
    assert why(offer) == {"A": "outranked"}


def test_fee_waivers_add_up_with_the_highest_priority_rule_as_funder() -> None:
    high = rule("HIGH", waive("gps"), priority=9, funded_by="oem")
    low = rule("LOW", waive("gps", "handling"), priority=1)
    offer = combine([low, high])
    assert offer.waived == (("gps", high), ("handling", low))
    assert codes(offer.applied) == ["HIGH", "LOW"]


def test_gifts_all_apply() -> None:
    one = rule("ONE", gift("脚垫", "300"), priority=5)
    two = rule("TWO", gift("首年保养", "1500"), rate("0.05"), priority=1)
    better = rule("BETTER", rate("0.03"))
    offer = combine([one, two, better])
    assert [(g[0], g[2], g[3].code) for g in offer.gifts] == [
        ("脚垫", Money.of("300"), "ONE"), ("首年保养", Money.of("1500"), "TWO")]
    assert offer.rate_rule is better
    assert set(codes(offer.applied)) == {"ONE", "TWO", "BETTER"} and offer.skipped == ()


def test_equal_priority_central_before_dealer_then_by_code() -> None:
    dealer_a = rule("A-DEALER", rate("0.02"), priority=5)
    central_z = rule("Z-CENTRAL", rate("0.02"), priority=5, source="central",
                     funded_by="oem")
    dealer_b = rule("B-DEALER", down("0.15"), priority=5)
    dealer_c = rule("C-DEALER", down("0.15"), priority=5)
    for order in ([dealer_a, central_z, dealer_b, dealer_c],
                  [dealer_c, dealer_b, central_z, dealer_a]):
        offer = combine(order)
        assert offer.rate_rule is central_z  # the tie goes to central
        assert offer.down_rule is dealer_b  # then to the code first in order
        assert why(offer) == {"A-DEALER": "outranked", "C-DEALER": "outranked"}
    assert codes(matching([dealer_a, central_z, dealer_c, dealer_b], CAR, None, None,
                          TODAY)) == ["Z-CENTRAL", "A-DEALER", "B-DEALER", "C-DEALER"]


def test_equal_priority_exclusive_central_campaign_wins_the_tie() -> None:
    central = rule("CAMPAIGN", rate("0.0199"), priority=10, stackable=False,
                   source="central")
    dealer = rule("AAA", down("0.10"), priority=10)
    offer = combine([dealer, central])
    assert codes(offer.applied) == ["CAMPAIGN"]
    assert why(offer) == {"AAA": "excluded"}


def test_every_matched_rule_is_either_applied_or_skipped() -> None:
    rules = [rule("R1", rate("0.03"), priority=3), rule("R2", rate("0.04"), priority=2),
             rule("R3", down("0.1"), stackable=False, priority=1), rule("R4", gift("x"))]
    offer = combine(rules)
    assert sorted(codes(offer.applied) + list(why(offer))) == ["R1", "R2", "R3", "R4"]
    assert not set(codes(offer.applied)) & set(why(offer))


# --- guardrails --------------------------------------------------------------------------


def test_the_down_payment_never_falls_below_what_the_ltv_cap_allows() -> None:
    offer = combine([rule("DP", down("0.10"))])
    terms = promoted_terms(offer, LOAN, "nev", True, Decimal("0.0399"))
    # The product's 20 % minimum is already 1 − the 80 % cap: nothing to lower.
    assert terms.product.min_down_payment_ratio == Decimal("0.20")
    (note,) = terms.notes
    assert note.code == "down_payment_capped"
    assert "20%" in note.en and "80%" in note.en and "10%" in note.en and "20%" in note.zh
    # ...and the quote engine still refuses a plan under it.
    with pytest.raises(QuoteLimitError) as err:
        promoted_quote(offer, LOAN, price=Money.of("100000"), down_payment=Money.of("15000"),
                       term_months=36, category="nev", is_nev=True, start=TODAY)
    assert {"min_down_payment", "ltv_cap"} <= set(err.value.codes)


def test_a_lower_down_payment_really_lowers_a_higher_minimum() -> None:
    offer = combine([rule("DP", down("0.20"))])
    terms = promoted_terms(offer, LOAN30, "nev", True, Decimal("0.0399"))
    assert terms.product.min_down_payment_ratio == Decimal("0.20")
    assert terms.notes == ()
    price, dp = Money.of("100000"), Money.of("20000")
    with pytest.raises(QuoteLimitError, match="min"):
        quote(price=price, down_payment=dp, term_months=36, product=LOAN30, category="nev",
              is_nev=True, start=TODAY)
    pq = promoted_quote(offer, LOAN30, price=price, down_payment=dp, term_months=36,
                        category="nev", is_nev=True, start=TODAY)
    assert pq.promoted.financed_amount == Money.of("80000")
    # Lowered part-way: asks 10 %, the 80 % cap allows 20 %.
    partial = promoted_terms(combine([rule("DP", down("0.10"))]), LOAN30, "nev", True, None)
    assert partial.product.min_down_payment_ratio == Decimal("0.20")
    assert [n.code for n in partial.notes] == ["down_payment_capped"]


def test_a_down_payment_rule_never_raises_the_minimum() -> None:
    terms = promoted_terms(combine([rule("DP", down("0.40"))]), LOAN30, "nev", True, None)
    assert terms.product.min_down_payment_ratio == Decimal("0.30")


def test_the_rate_never_falls_below_the_lessors_minimum() -> None:
    offer = combine([rule("R", rate("0.0099"))])
    terms = promoted_terms(offer, LOAN, "new_car", False, Decimal("0.0539"),
                           Guardrails(min_rate=Decimal("0.02")))
    assert terms.rate == Decimal("0.02")
    assert [n.code for n in terms.notes] == ["rate_floored"]
    assert "2%" in terms.notes[0].en
    unguarded = promoted_terms(offer, LOAN, "new_car", False, Decimal("0.0539"))
    assert unguarded.rate == Decimal("0.0099") and unguarded.notes == ()


def test_a_subsidised_rate_never_raises_the_rate() -> None:
    standard = LOAN.rate_for("new_car", 36)
    offer = combine([rule("R", rate(str(standard + Decimal("0.01"))))])
    terms = promoted_terms(offer, LOAN, "new_car", False, standard)
    assert terms.rate is None
    assert [n.code for n in terms.notes] == ["rate_not_lower"]
    pq = promoted_quote(offer, LOAN, price=Money.of("200000"), down_payment=Money.of("60000"),
                        term_months=36, category="new_car", start=TODAY)
    assert pq.promoted.annual_rate == standard
    assert pq.interest_saving == Money(0) and pq.costs == ()
    # The floor above the standard rate is no lowering either.
    floored = promoted_terms(combine([rule("R", rate("0.01"))]), LOAN, "new_car", False,
                             standard, Guardrails(min_rate=Decimal("0.06")))
    assert floored.rate is None
    assert [n.code for n in floored.notes] == ["rate_floored", "rate_not_lower"]


def test_a_longer_term_is_capped_at_the_regulatory_maximum() -> None:
    offer = combine([rule("T", term(60))])
    terms = promoted_terms(offer, LOAN, "used_car", False, None)
    assert [n.code for n in terms.notes] == ["term_capped"]
    assert "36" in terms.notes[0].en and "regulatory" in terms.notes[0].en
    assert terms.product.max_term("used_car") == 36
    # Even a product whose grid prices used cars over 48 months cannot quote them.
    priced = dataclasses.replace(LOAN, rates=dict(LOAN.rates) | {
        ("used_car", 48): Decimal("0.09")})
    with pytest.raises(QuoteLimitError) as err:
        promoted_quote(offer, priced, price=Money.of("80000"),
                       down_payment=Money.of("30000"), term_months=48, category="used_car",
                       start=TODAY)
    assert "max_term" in err.value.codes


def test_a_longer_term_never_passes_the_products_maximum() -> None:
    short = dataclasses.replace(LOAN, max_term_months=dict(LOAN.max_term_months,
                                                           new_car=36))
    terms = promoted_terms(combine([rule("T", term(60))]), short, "new_car", False, None)
    assert terms.product.max_term("new_car") == 36
    assert [n.code for n in terms.notes] == ["term_capped"]
    assert "product" in terms.notes[0].en


def test_extended_terms_take_the_longest_grid_terms_rate() -> None:
    leaseback = product("sale_leaseback", min_down_payment_ratio=Decimal("0"))
    assert max(leaseback.terms) == 36
    offer = combine([rule("T", term(60))])
    terms = promoted_terms(offer, leaseback, "new_car", False, None)
    assert terms.product.terms == (12, 24, 36, 48, 60)
    rate36 = leaseback.rate_for("new_car", 36)
    assert terms.product.rate_for("new_car", 48) == rate36
    assert terms.product.rate_for("new_car", 60) == rate36
    assert terms.notes == ()
    pq = promoted_quote(offer, leaseback, price=Money.of("150000"),
                        down_payment=Money.of("30000"), term_months=60, category="new_car",
                        start=TODAY)
    assert len(pq.promoted.rows) == 60 and pq.promoted.annual_rate == rate36
    assert pq.standard.annual_rate == rate36
    with pytest.raises(QuoteLimitError):  # without the offer, no 60 months
        quote(price=Money.of("150000"), down_payment=Money.of("30000"), term_months=60,
              product=leaseback, category="new_car", start=TODAY)


def test_an_empty_offer_changes_nothing() -> None:
    terms = promoted_terms(Offer(), LOAN30, "nev", True, Decimal("0.04"))
    assert terms.product is LOAN30 and terms.rate is None and terms.notes == ()


# --- promoted quotes ---------------------------------------------------------------------

PRICE, DOWN = Money.of("200000"), Money.of("60000")


def test_savings_are_against_the_standard_plan_and_costs_go_to_each_funder() -> None:
    oem = rule("OEM-RATE", rate("0.0199"), funded_by="oem", priority=5)
    dealer = rule("DEALER-GPS", waive("gps"), gift("脚垫", "300"), priority=1)
    offer = combine([oem, dealer])
    fees = LOAN.default_fees()
    pq = promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=36,
                        category="new_car", start=TODAY)
    grid = LOAN.rate_for("new_car", 36)
    standard = quote(price=PRICE, down_payment=DOWN, term_months=36, annual_rate=grid,
                     product=LOAN, category="new_car", fees=fees, start=TODAY)
    plain = quote(price=PRICE, down_payment=DOWN, term_months=36, annual_rate=Decimal("0.0199"),
                  category="new_car", start=TODAY)
    assert pq.standard.annual_rate == grid
    assert pq.promoted.annual_rate == Decimal("0.0199")
    assert pq.monthly_saving == Money(standard.rows[0].payment_fen - plain.rows[0].payment_fen)
    assert pq.monthly_saving.fen > 0
    assert pq.interest_saving == standard.total_interest - plain.total_interest
    gps = next(f for f in fees if f.code == "gps")
    assert pq.fee_saving == gps.amount
    assert "gps" not in {f.code for f in pq.promoted.fees}
    by_funder = pq.cost_by_funder()
    assert by_funder["oem"] == subsidy_cost(pq.promoted, grid)
    assert by_funder["oem"].fen > 0
    assert by_funder["dealer"] == gps.amount + Money.of("300")
    assert pq.dealer_cost == by_funder["dealer"]
    assert {c.what for c in pq.costs} == {"rate", "fee:gps", "gift"}


def test_subsidy_cost_is_financed_less_the_present_value_at_the_standard_rate() -> None:
    offer = combine([rule("R", rate("0.0199"))])
    pq = promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=36,
                        category="new_car", fees=[], start=TODAY)
    standard = LOAN.rate_for("new_car", 36)
    rows = pq.promoted.rows
    pv = present_value_fen(((r.month, r.payment_fen) for r in rows), standard)
    cost = subsidy_cost(pq.promoted, standard)
    assert cost == Money(int((Decimal(pq.promoted.financed_amount.fen) - pv).quantize(1)))
    # numpy_financial on the equal instalment, for a second opinion within a few fen.
    average = pq.promoted.schedule.total_payment_fen / len(rows)  # rounding spread evenly
    reference = -npf.pv(float(standard) / 12, len(rows), average)
    expected = pq.promoted.financed_amount.fen - reference
    assert abs(cost.fen - expected) <= 5, (cost.fen, expected)
    # Sanity: the subsidy is a real share of the interest the customer no longer pays.
    assert 0 < cost.fen < pq.interest_saving.fen
    assert pq.cost_by_funder() == {"dealer": cost}


def test_present_value_at_zero_is_the_sum() -> None:
    payments = [(1, 1000), (2, 1000), (12, 5000)]
    assert present_value_fen(payments, Decimal(0)) == Decimal(7000)
    assert present_value_fen(payments, Decimal("0.12")) < Decimal(7000)


def test_a_zero_percent_deal_works_with_a_zero_minimum_rate() -> None:
    offer = combine([rule("ZERO", rate("0"), funded_by="oem")])
    pq = promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=24,
                        category="new_car", fees=[], start=TODAY,
                        guard=Guardrails(min_rate=Decimal(0)))
    assert pq.promoted.annual_rate == Decimal(0)
    assert pq.promoted.total_interest == Money(0)
    assert pq.promoted.schedule.total_payment == Money.of("140000")
    standard = LOAN.rate_for("new_car", 24)
    reference = 140_000_00 + npf.pv(float(standard) / 12, 24, 140_000_00 / 24)
    assert abs(pq.cost_by_funder()["oem"].fen - reference) <= 5
    assert pq.dealer_cost == Money(0)
    assert pq.terms.notes == ()


def test_the_finance_engine_still_refuses_a_quote_past_its_limits() -> None:
    offer = combine([rule("R", rate("0.0199"), waive("gps"))])
    with pytest.raises(QuoteLimitError) as err:  # 90 % financed: above the 80 % cap
        promoted_quote(offer, LOAN, price=PRICE, down_payment=Money.of("20000"),
                       term_months=36, category="new_car", start=TODAY)
    assert "ltv_cap" in err.value.codes
    with pytest.raises(QuoteLimitError) as err:  # balloon above the residual cap
        promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=36,
                       category="new_car", method="balloon", balloon=Money.of("100000"),
                       start=TODAY)
    assert "residual_cap" in err.value.codes
    with pytest.raises(ValueError, match="no rate"):  # a term the grid does not price
        promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=30,
                       category="new_car", start=TODAY)


def test_a_waived_fee_that_the_plan_does_not_charge_costs_nothing() -> None:
    offer = combine([rule("W", waive("gps", "no_such_fee"))])
    pq = promoted_quote(offer, LOAN, price=PRICE, down_payment=DOWN, term_months=36,
                        category="new_car", fees=[], start=TODAY)
    assert pq.costs == () and pq.fee_saving == Money(0) and pq.monthly_saving == Money(0)


def test_a_seasonal_plan_is_promoted_with_its_payment_months() -> None:
    # A farmer paid at harvest: payments in July and October only, with and without the
    # subsidised rate, on the same pattern.
    offer = combine([rule("FARM", rate("0.0199"), waive("gps"))])
    pq = promoted_quote(offer, product(), price=Money.of(150_000),
                        down_payment=Money.of(45_000), term_months=36, category="tractor",
                        start=date(2026, 10, 15), payment_months={7, 10})
    for q in (pq.promoted, pq.standard):
        assert {r.due_date.month for r in q.schedule.rows} == {7, 10}
        assert len(q.schedule.rows) == 6
    assert pq.promoted.annual_rate == Decimal("0.0199")
    assert pq.interest_saving.fen > 0 and pq.monthly_saving.fen > 0
    assert pq.fee_saving == Money.of(1_200)
    # The subsidy still prices the lessor's standard rate over the seasonal cash flows.
    standard = pq.standard.annual_rate
    pv = sum(Decimal(r.payment_fen) / (1 + standard / 12) ** r.month
             for r in pq.promoted.schedule.rows)
    expected = int((Decimal(pq.promoted.financed_amount.fen) - pv).quantize(Decimal(1)))
    assert [c.amount.fen for c in pq.costs if c.what == "rate"] == [expected]
