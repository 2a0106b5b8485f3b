"""Promotion rules: every condition, every effect, YAML round trips, refusals.

Money and ratios never go through floats: a YAML 0.15, "0.15" and "15%" all become
Decimal("0.15"), amounts become Money in fen.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
import yaml

from central.seed import default_campaigns
from showroom_app.domain.money import Money
from showroom_app.promotions.rules import (
    Conditions,
    Effect,
    EffectKind,
    Rule,
    RuleError,
    VehicleFacts,
    rule_from_campaign,
    rule_from_dict,
    rule_to_dict,
    rules_from_yaml,
    rules_to_yaml,
)

TODAY = date(2026, 5, 20)

CAR = VehicleFacts(
    vin="LSVAM4187C2184847", make="比亚迪", model="秦PLUS", category="nev", is_nev=True,
    model_year=2025, price=Money.of("129800"), days_in_stock=95, units_same_model=3)


def facts(**changes) -> VehicleFacts:
    return dataclasses.replace(CAR, **changes)


def fails(conditions: Conditions, vehicle: VehicleFacts = CAR, segment: str | None = None,
          product: str | None = None, today: date = TODAY) -> list[str]:
    return conditions.failures(vehicle, segment, product, today)


def base(**extra) -> dict:
    return {"code": "R1", "name_zh": "测试", "name_en": "Test",
            "effects": [{"kind": "gift", "gift_zh": "脚垫"}]} | extra


# --- conditions ------------------------------------------------------------------------


def test_no_condition_means_any_vehicle() -> None:
    assert fails(Conditions()) == []
    assert fails(Conditions(), facts(model_year=None, make="x", days_in_stock=0)) == []


@pytest.mark.parametrize(("conditions", "good", "bad", "code"), [
    (Conditions(makes=("比亚迪", "吉利")), {}, {"make": "大众"}, "make"),
    (Conditions(models=("秦PLUS",)), {}, {"model": "汉"}, "model"),
    (Conditions(categories=("nev", "new_car")), {}, {"category": "used_car"}, "category"),
    (Conditions(nev=True), {}, {"is_nev": False}, "nev"),
    (Conditions(nev=False), {"is_nev": False}, {"is_nev": True}, "nev"),
    (Conditions(model_year_min=2025), {"model_year": 2025}, {"model_year": 2024},
     "model_year_min"),
    (Conditions(model_year_min=2020), {}, {"model_year": None}, "model_year_min"),
    (Conditions(model_year_max=2025), {"model_year": 2025}, {"model_year": 2026},
     "model_year_max"),
    (Conditions(model_year_max=2025), {}, {"model_year": None}, "model_year_max"),
    (Conditions(price_min=Money.of("129800")), {"price": Money.of("129800")},
     {"price": Money.of("129799.99")}, "price_min"),
    (Conditions(price_max=Money.of("129800")), {"price": Money.of("129800")},
     {"price": Money.of("129800.01")}, "price_max"),
    (Conditions(min_days_in_stock=90), {"days_in_stock": 90}, {"days_in_stock": 89},
     "min_days_in_stock"),
    (Conditions(min_units_same_model=3), {"units_same_model": 3}, {"units_same_model": 2},
     "min_units_same_model"),
])
def test_each_vehicle_condition_holds_at_its_bound_and_fails_past_it(
        conditions: Conditions, good: dict, bad: dict, code: str) -> None:
    assert fails(conditions, facts(**good)) == []
    assert fails(conditions, facts(**bad)) == [code]


def test_segment_and_product_pass_while_not_chosen() -> None:
    c = Conditions(segments=("farmer",), products=("auto_loan",))
    assert fails(c) == []  # neither chosen yet
    assert fails(c, segment="farmer", product="auto_loan") == []
    assert fails(c, segment="fleet") == ["segment"]
    assert fails(c, product="direct_lease") == ["product"]
    assert fails(c, segment="individual", product="sale_leaseback") == ["segment", "product"]


def test_the_date_window_is_inclusive_at_both_ends() -> None:
    c = Conditions(valid_from=date(2026, 5, 1), valid_to=date(2026, 5, 31))
    assert fails(c, today=date(2026, 5, 1)) == []
    assert fails(c, today=date(2026, 5, 31)) == []
    assert fails(c, today=date(2026, 4, 30)) == ["valid_from"]
    assert fails(c, today=date(2026, 6, 1)) == ["valid_to"]


def test_every_failing_condition_is_listed() -> None:
    c = Conditions(makes=("吉利",), nev=False, min_days_in_stock=100)
    assert fails(c) == ["make", "nev", "min_days_in_stock"]


def test_conditions_parse_from_a_mapping() -> None:
    rule = rule_from_dict(base(conditions={
        "makes": ["比亚迪"], "models": "秦PLUS", "categories": ["nev"], "nev": True,
        "model_year_min": 2024, "model_year_max": 2026, "price_min": 100000,
        "price_max": "150000.50", "min_days_in_stock": 60, "min_units_same_model": 2,
        "segments": ["individual"], "products": ["auto_loan"],
        "valid_from": date(2026, 5, 1), "valid_to": "2026-06-30"}))
    c = rule.conditions
    assert c.makes == ("比亚迪",) and c.models == ("秦PLUS",) and c.categories == ("nev",)
    assert c.nev is True and (c.model_year_min, c.model_year_max) == (2024, 2026)
    assert c.price_min == Money(10_000_000) and c.price_max == Money(15_000_050)
    assert (c.min_days_in_stock, c.min_units_same_model) == (60, 2)
    assert c.segments == ("individual",) and c.products == ("auto_loan",)
    assert (c.valid_from, c.valid_to) == (date(2026, 5, 1), date(2026, 6, 30))
    assert fails(c, segment="individual", product="auto_loan",
                 today=date(2026, 6, 30)) == []


# --- effects ---------------------------------------------------------------------------

EVERY_EFFECT = [
    {"kind": "lower_down_payment", "down_payment_ratio": "0.15"},
    {"kind": "subsidised_rate", "rate": "0.0199"},
    {"kind": "fee_waiver", "fee_codes": ["gps", "handling"]},
    {"kind": "longer_term", "max_term_months": 72},
    {"kind": "gift", "gift_zh": "首年保养", "gift_en": "First year of servicing",
     "gift_value": "1500"},
    {"kind": "gift", "gift_zh": "脚垫"},
]


def test_every_effect_kind_parses() -> None:
    rule = rule_from_dict(base(effects=EVERY_EFFECT))
    assert {e.kind for e in rule.effects} == set(EffectKind)
    by_kind = {e.kind: e for e in rule.effects}
    assert by_kind[EffectKind.LOWER_DOWN_PAYMENT].down_payment_ratio == Decimal("0.15")
    assert by_kind[EffectKind.SUBSIDISED_RATE].rate == Decimal("0.0199")
    assert by_kind[EffectKind.FEE_WAIVER].fee_codes == ("gps", "handling")
    assert by_kind[EffectKind.LONGER_TERM].max_term_months == 72
    gifts = [e for e in rule.effects if e.kind is EffectKind.GIFT]
    assert gifts[0] == Effect(EffectKind.GIFT, gift_zh="首年保养",
                              gift_en="First year of servicing", gift_value=Money(150_000))
    # One name is enough: it stands for both languages, worth nothing unless said.
    assert (gifts[1].gift_zh, gifts[1].gift_en, gifts[1].gift_value) == ("脚垫", "脚垫",
                                                                         Money(0))


@pytest.mark.parametrize("written", ["0.15", "15%", " 15 % ", "0.150"])
def test_ratios_are_decimals_however_written(written: str) -> None:
    text = f"rules:\n- {{code: R1, name_zh: x, effects: [{{kind: lower_down_payment, " \
           f"down_payment_ratio: {written!r}}}]}}\n"
    ratio = rules_from_yaml(text)[0].effects[0].down_payment_ratio
    assert ratio == Decimal("0.15") and isinstance(ratio, Decimal)


def test_a_yaml_float_never_brings_binary_noise() -> None:
    text = ("rules:\n- code: R1\n  name_zh: x\n  effects:\n"
            "  - {kind: lower_down_payment, down_payment_ratio: 0.15}\n"
            "  - {kind: subsidised_rate, rate: 0.0299}\n"
            "  - {kind: gift, gift_zh: 礼, gift_value: 1500.1}\n")
    effects = rules_from_yaml(text)[0].effects
    assert isinstance(effects[0].down_payment_ratio, Decimal)
    assert str(effects[0].down_payment_ratio) == "0.15"
    assert str(effects[1].rate) == "0.0299"
    assert effects[2].gift_value == Money(150_010)


def test_rules_round_trip_through_yaml() -> None:
    rules = [
        rule_from_dict(base(code="ALL", effects=EVERY_EFFECT, funded_by="oem", priority=-5,
                            stackable=False, active=False, conditions={
                                "makes": ["比亚迪"], "models": ["秦PLUS", "汉"],
                                "categories": ["nev", "new_car"], "nev": False,
                                "model_year_min": 2024, "model_year_max": 2026,
                                "price_min": "99999.99", "price_max": 300000,
                                "min_days_in_stock": 0, "min_units_same_model": 2,
                                "segments": ["farmer", "fleet"],
                                "products": ["auto_loan"], "valid_from": "2026-01-01",
                                "valid_to": "2026-12-31"})),
        rule_from_dict(base(code="PLAIN", effects=[{"kind": "subsidised_rate",
                                                    "rate": "2.99%"}])),
    ]
    text = rules_to_yaml(rules)
    back = rules_from_yaml(text)
    assert back == rules
    assert back[0].conditions.nev is False  # a False condition is not dropped
    assert back[0].conditions.min_days_in_stock == 0
    assert "比亚迪" in text  # written readable, not escaped
    assert rules_from_yaml(rules_to_yaml(back)) == rules


def test_rule_to_dict_writes_decimals_as_text() -> None:
    rule = rule_from_dict(base(effects=[{"kind": "subsidised_rate", "rate": 0.0199}],
                               conditions={"price_min": 80000}))
    out = rule_to_dict(rule)
    assert out["effects"] == [{"kind": "subsidised_rate", "rate": "0.0199"}]
    assert out["conditions"] == {"price_min": "80000.00"}
    assert rule_from_dict(out) == rule


def test_demo_rules_round_trip() -> None:
    from resources import demo_promotions

    rules = rules_from_yaml(demo_promotions().read_text(encoding="utf-8"))
    assert len(rules) >= 3
    assert rules_from_yaml(rules_to_yaml(rules)) == rules


# --- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "words"), [
    (base(code="BAD-KEY", colour="red"), "unknown key 'colour'"),
    (base(code="BAD-COND", conditions={"mileage_max": 10}), "unknown condition 'mileage_max'"),
    (base(code="BAD-EFFECT", effects=[{"kind": "cashback"}]), "unknown effect 'cashback'"),
    (base(code="BIG-RATIO", effects=[{"kind": "lower_down_payment",
                                      "down_payment_ratio": "1.2"}]), "between 0 and 1"),
    (base(code="BIG-PCT", effects=[{"kind": "lower_down_payment",
                                    "down_payment_ratio": "120%"}]), "between 0 and 1"),
    (base(code="NEG", effects=[{"kind": "subsidised_rate", "rate": "-0.01"}]), "between"),
    (base(code="NAN", effects=[{"kind": "subsidised_rate", "rate": "abc"}]), "not a number"),
    (base(code="NO-RATE", effects=[{"kind": "subsidised_rate"}]), "a number is required"),
    (base(code="GIFT", effects=[{"kind": "gift", "gift_value": 100}]), "a gift needs a name"),
    (base(code="DATES", conditions={"valid_from": "2026-06-01", "valid_to": "2026-05-31"}),
     "valid_to is before valid_from"),
    (base(code="PRICES", conditions={"price_min": 200000, "price_max": 100000}),
     "price_max is below price_min"),
    (base(code="TWICE", effects=[{"kind": "subsidised_rate", "rate": "0.01"},
                                 {"kind": "subsidised_rate", "rate": "0.02"}]),
     "one effect of each kind"),
    (base(code="EXTRA", effects=[{"kind": "fee_waiver", "fee_codes": ["gps"],
                                  "rate": "0.01"}]), "takes no 'rate'"),
    (base(code="NOFEE", effects=[{"kind": "fee_waiver", "fee_codes": []}]),
     "name at least one fee"),
    (base(code="TERM", effects=[{"kind": "longer_term", "max_term_months": 200}]),
     "max_term_months"),
    (base(code="NOEFF", effects=[]), "at least one effect"),
    (base(code="FUNDER", funded_by="bank"), "funded_by"),
    (base(code="CAT", conditions={"categories": ["boat"]}), "unknown category 'boat'"),
    (base(code="SEG", conditions={"segments": ["vip"]}), "unknown segment 'vip'"),
    (base(code="NEVX", conditions={"nev": "yes"}), "nev: true or false"),
    (base(code="YEAR", conditions={"model_year_min": 1900}), "model_year_min"),
    (base(code="DAYS", conditions={"min_days_in_stock": 2.5}), "min_days_in_stock"),
    (base(code="DATE", conditions={"valid_from": "1 May"}), "a date YYYY-MM-DD"),
    (base(code="STACK", stackable="no"), "stackable: true or false"),
    (base(code="NONAME", name_zh="", name_en=""), "give a name"),
])
def test_a_bad_rule_is_refused_naming_the_rule(raw: dict, words: str) -> None:
    with pytest.raises(RuleError) as err:
        rule_from_dict(raw)
    assert f"rule {raw['code']}" in str(err.value)
    assert words in str(err.value)


def test_a_bad_code_is_refused() -> None:
    for code in ("", "has space", "x" * 41, "a/b"):
        with pytest.raises(RuleError, match="a code of 1 to 40"):
            rule_from_dict(base(code=code))


def test_one_bad_rule_refuses_the_whole_file_naming_it() -> None:
    good = rule_to_dict(rule_from_dict(base(code="GOOD")))
    bad = base(code="BROKEN", effects=[{"kind": "subsidised_rate", "rate": "2"}])
    with pytest.raises(RuleError, match="rule BROKEN"):
        rules_from_yaml(yaml.safe_dump({"rules": [good, bad]}, allow_unicode=True))
    assert [r.code for r in rules_from_yaml(yaml.safe_dump({"rules": [good]}))] == ["GOOD"]


def test_a_duplicate_code_in_a_file_is_refused() -> None:
    rules = [rule_from_dict(base(code="SAME")), rule_from_dict(base(code="OTHER")),
             rule_from_dict(base(code="SAME", priority=3))]
    with pytest.raises(RuleError, match="rule SAME: the code appears twice"):
        rules_from_yaml(rules_to_yaml(rules))


@pytest.mark.parametrize("text", ["rules: [", "just text", "rules: {a: 1}", "- 3"])
def test_a_file_that_is_not_a_list_of_rules_is_refused(text: str) -> None:
    with pytest.raises(RuleError):
        rules_from_yaml(text)


def test_a_bare_list_is_accepted_too() -> None:
    text = rules_to_yaml([rule_from_dict(base())]).split("\n", 1)[1]  # drop "rules:"
    assert [r.code for r in rules_from_yaml(text)] == ["R1"]


def test_defaults() -> None:
    rule = rule_from_dict(base())
    assert (rule.funded_by, rule.priority, rule.stackable, rule.active, rule.source) == (
        "dealer", 0, True, True, "dealer")
    assert rule.conditions == Conditions()
    assert rule_from_dict(base(name_zh="", name_en="Only English")).name_zh == "Only English"


# --- central's campaigns ---------------------------------------------------------------


def test_central_campaigns_become_rules_with_source_central() -> None:
    campaigns = default_campaigns(TODAY)
    rules = {r.code: r for r in map(rule_from_campaign, campaigns)}
    assert set(rules) == {c["code"] for c in campaigns}
    for raw in campaigns:
        rule = rules[raw["code"]]
        assert rule.source == "central"
        assert rule.funded_by == raw["funded_by"]
        assert rule.conditions.makes == tuple(raw["makes"])
        assert rule.conditions.categories == tuple(raw["categories"])
        assert rule.conditions.products == tuple(raw["products"])
        assert rule.conditions.valid_from == date.fromisoformat(raw["valid_from"])
        assert rule.conditions.valid_to == date.fromisoformat(raw["valid_to"])
        assert rule.conditions.valid_from <= TODAY <= rule.conditions.valid_to
        (effect,) = rule.effects
        assert effect.kind.value == raw["effect"]
        value = {EffectKind.SUBSIDISED_RATE: effect.rate,
                 EffectKind.LOWER_DOWN_PAYMENT: effect.down_payment_ratio,
                 EffectKind.FEE_WAIVER: effect.fee_codes and effect.fee_codes[0]}[effect.kind]
        assert value == (raw["value"] if effect.kind is EffectKind.FEE_WAIVER
                         else Decimal(raw["value"]))
    assert rules["BYD-NEV-199"].effects[0].rate == Decimal("0.0199")


def test_a_campaign_with_an_unknown_effect_or_bad_value_is_refused() -> None:
    raw = default_campaigns(TODAY)[0]
    with pytest.raises(RuleError, match=f"campaign {raw['code']}"):
        rule_from_campaign(raw | {"effect": "cashback"})
    with pytest.raises(RuleError, match=f"rule {raw['code']}"):
        rule_from_campaign(raw | {"value": "1.5"})
    assert rule_from_campaign(raw | {"active": False}).active is False


def test_rules_are_plain_values() -> None:
    a, b = rule_from_dict(base()), rule_from_dict(base())
    assert a == b and isinstance(a, Rule)
    assert rule_from_dict(base(priority=1)) != a
