"""The bundled pre-score models, for real (LightGBM, no mocks): monotone constraints,
calibration on a fresh synthetic portfolio, reasons that are exactly `pred_contrib`,
every policy rule and the decision's precedence, `Facts` validation, population
stability and damaged model directories."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import resources
from models.prescore.features import CATEGORICAL, SEGMENTS, Facts, FactsError, features
from models.prescore.features import facts_from_dict as _facts_from_dict
from models.prescore.model import ModelError, SegmentModel, encode
from models.prescore.policy import DECLINE, REFER, PolicyConfig, after_model, before_model
from models.prescore.reasons import MAX_LOWERING, MAX_RAISING, MIN_EFFECT, describe
from models.prescore.scorer import (
    LIKELY_APPROVE,
    LIKELY_DECLINE,
    REFER_TO_PERSON,
    PreScorer,
)
from models.prescore.spec import BAND_NAMES, FeatureSpec, band_of
from models.prescore.stability import (
    EPSILON,
    MISSING,
    OTHER,
    SHIFTED,
    STABLE,
    population_stability,
    psi,
    verdict,
)
from models.training import portfolio

MODELS = resources.prescore_models()
SCHEMA = yaml.safe_load((MODELS / "schema.yaml").read_text(encoding="utf-8"))["features"]
AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def scorer() -> PreScorer:
    return PreScorer(MODELS)


def applicants(segment: str, n: int, seed: int) -> list[Facts]:
    """Realistic applicants: the synthetic portfolio's own applicant generator, with a
    seed the bundled models never saw."""
    rng = random.Random(f"test:{segment}:{seed}")
    return [portfolio._applicant(rng, segment) for _ in range(n)]


def good_applicant(**changes: Any) -> Facts:
    """An ordinary, clean individual applicant: no policy rule fires for them."""
    base = Facts(
        segment="individual", as_of=AS_OF, vehicle_category="new_car",
        vehicle_price_fen=15_000_000, down_payment_fen=5_000_000, term_months=36,
        monthly_payment_fen=300_000, birth_date=date(1988, 3, 15),
        id_valid_until=date(2031, 5, 20), id_number_valid=True,
        monthly_income_fen=1_500_000, income_proven=True, employment_type="salaried",
        employment_years=6.0, residence_years=5.0, existing_debt_monthly_fen=0,
        inquiries_3m=0, inquiries_6m=1, overdue_months_24m=0, max_overdue_days=0)
    return dataclasses.replace(base, **changes)


def years_before(day: date, years: int, days: int = 0) -> date:
    return day.replace(year=day.year - years) - timedelta(days=days)


# --- monotonicity --------------------------------------------------------------------


def grid(model: SegmentModel, name: str) -> list[float]:
    """Values of a feature from below its training range to well above it."""
    if name == "income_proven":
        return [0.0, 1.0]
    edges = model.card["training_distribution"][name]["edges"]
    top = max(edges) if edges else 1.0
    return sorted({0.0, *edges, top * 1.5, top * 3 + 1})


@pytest.mark.parametrize("segment", SEGMENTS)
def test_every_constrained_feature_is_monotone_in_the_model(scorer: PreScorer,
                                                            segment: str) -> None:
    model = scorer.models[segment]
    constraints = model.card["constraints"]
    assert constraints, "the bundled models must carry monotone constraints"
    # The economics the issue demands, at least these.
    assert constraints["down_payment_ratio"] == -1
    assert constraints["inquiries_3m"] == 1 and constraints["inquiries_6m"] == 1
    assert constraints["overdue_months_24m"] == 1 and constraints["income_proven"] == -1
    # The schema's constraints are the card's, feature by feature.
    for name in model.features:
        assert constraints.get(name, 0) == SCHEMA[name].get("monotone", 0), name
    rows = [features(f) for f in applicants(segment, 150, seed=1)]
    checked = 0
    for name, direction in constraints.items():
        values = grid(model, name)
        batch = [dict(row, **{name: v}) for row in rows for v in values]
        pds = model.score_rows(batch).reshape(len(rows), len(values))
        steps = direction * np.diff(pds, axis=1)  # >= 0 when the constraint holds
        worst = float(steps.min())
        assert worst >= -1e-12, (name, direction, worst)
        # The feature matters somewhere, so the check is not vacuous.
        assert float(np.abs(np.diff(pds, axis=1)).max()) > 0, name
        checked += 1
    assert checked == len(constraints)


def with_down_payment(facts: Facts, down_fen: int) -> Facts:
    """The same deal with another down payment: the financed amount (fees kept) and the
    payment (same rate and term, so proportional to what is financed) follow."""
    fees = facts.financed_fen - (facts.vehicle_price_fen - facts.down_payment_fen)
    financed = facts.vehicle_price_fen - down_fen + fees
    payment = None if facts.monthly_payment_fen is None else round(
        facts.monthly_payment_fen * financed / facts.financed_fen)
    return dataclasses.replace(facts, down_payment_fen=down_fen,
                               financed_amount_fen=financed, monthly_payment_fen=payment)


@pytest.mark.parametrize("segment", SEGMENTS)
def test_a_higher_down_payment_never_raises_the_pd(scorer: PreScorer, segment: str) -> None:
    model = scorer.models[segment]
    rng = random.Random(11)
    moved = 0
    for facts in applicants(segment, 120, seed=2):
        downs = sorted({facts.down_payment_fen,
                        *(round(facts.vehicle_price_fen * rng.uniform(0, 0.9))
                          for _ in range(6))})
        variants = [with_down_payment(facts, d) for d in downs]
        rows = [features(v) for v in variants]
        for a, b in itertools.pairwise(variants):
            assert b.ltv < a.ltv  # LTV is recomputed through Facts
        pds = model.score_rows(rows)
        assert np.all(np.diff(pds) <= 1e-12), (facts, pds)
        moved += int(pds[0] > pds[-1])
        # Without a financed amount, Facts derives it from the price and down payment.
        plain = [dataclasses.replace(v, financed_amount_fen=None) for v in variants]
        assert np.all(np.diff(model.score_rows([features(v) for v in plain])) <= 1e-12)
    assert moved > 60, "raising the down payment should lower most PDs"


@pytest.mark.parametrize("segment", SEGMENTS)
def test_bureau_and_income_facts_move_the_pd_the_right_way(scorer: PreScorer,
                                                           segment: str) -> None:
    model = scorer.models[segment]
    facts_list = [f for f in applicants(segment, 200, seed=3) if f.inquiries_3m is not None]
    assert len(facts_list) > 100
    worse: list[tuple[str, Facts, list[Facts]]] = []
    better: list[tuple[str, Facts, list[Facts]]] = []
    for f in facts_list:
        i3, i6 = f.inquiries_3m or 0, f.inquiries_6m or 0
        worse.append(("inquiries_3m", f, [dataclasses.replace(
            f, inquiries_3m=i3 + k, inquiries_6m=i6 + k) for k in range(1, 6)]))
        worse.append(("inquiries_6m", f, [dataclasses.replace(f, inquiries_6m=i6 + k)
                                          for k in range(1, 6)]))
        worse.append(("overdue_months_24m", f, [dataclasses.replace(
            f, overdue_months_24m=(f.overdue_months_24m or 0) + k) for k in range(1, 6)]))
        worse.append(("max_overdue_days", f, [dataclasses.replace(
            f, max_overdue_days=(f.max_overdue_days or 0) + k) for k in (15, 30, 60, 90)]))
        better.append(("income_proven", dataclasses.replace(f, income_proven=False),
                       [dataclasses.replace(f, income_proven=True)]))
        if f.monthly_income_fen:  # more income: also a lower payment-to-income
            better.append(("monthly_income", f, [dataclasses.replace(
                f, monthly_income_fen=round(f.monthly_income_fen * m))
                for m in (1.2, 1.5, 2, 4)]))
    for sign, cases in ((1, worse), (-1, better)):
        for name, start, steps in cases:
            pds = model.score_rows([features(v) for v in [start, *steps]])
            assert np.all(sign * np.diff(pds) >= -1e-12), (name, pds)


# --- calibration ---------------------------------------------------------------------


def portfolio_rows(model: SegmentModel, header: list[str],
                   cells: list[list[str]]) -> tuple[list[dict[str, Any]], np.ndarray]:
    index = {name: i for i, name in enumerate(header)}
    rows = []
    for line in cells:
        row: dict[str, Any] = {}
        for name in model.features:
            text = line[index[name]]
            row[name] = None if text == "" else (text if name in CATEGORICAL
                                                 else float(text))
        rows.append(row)
    y = np.array([line[index[portfolio.TARGET]] == "1" for line in cells], dtype=float)
    return rows, y


def within(predicted: float, observed: float, band: str) -> bool:
    if band in ("A", "B", "C"):
        return abs(predicted - observed) <= 0.03
    return abs(predicted - observed) <= 0.25 * observed


@pytest.mark.parametrize("segment", SEGMENTS)
def test_predicted_pd_matches_the_observed_bad_rate_by_band(scorer: PreScorer,
                                                            segment: str) -> None:
    model = scorer.models[segment]
    assert model.card["seed"] != 4242
    header, cells = portfolio.generate(segment, 20_000, seed=4242)
    rows, y = portfolio_rows(model, header, cells)
    pd = model.score_rows(rows)
    bands = np.array([band_of(p, model.bands) for p in pd])
    assert abs(pd.mean() - y.mean()) <= 0.1 * y.mean()  # calibrated in the large
    card_bands = {b["band"]: b for b in model.card["calibration_by_band"]}
    assert list(card_bands) == list(BAND_NAMES)
    assert sum(b["n"] for b in card_bands.values()) == model.card["n_holdout"]
    checked = []
    for name in BAND_NAMES:
        sel = bands == name
        if sel.sum() < 300:
            continue
        predicted, observed = float(pd[sel].mean()), float(y[sel].mean())
        assert within(predicted, observed, name), (name, predicted, observed, int(sel.sum()))
        card = card_bands[name]
        if card["n"] >= 300:
            # The card's holdout figures tell the same story as the fresh portfolio.
            assert within(card["predicted_pd"], card["observed_bad_rate"], name), card
            assert within(card["predicted_pd"], predicted, name), (card, predicted)
            assert within(card["observed_bad_rate"], observed, name), (card, observed)
        checked.append(name)
    assert len(checked) >= 4, checked
    # Bands rank risk: each band's bad rate is above the one before.
    rates = [float(y[bands == b].mean()) for b in checked]
    assert rates == sorted(rates)


# --- reasons -------------------------------------------------------------------------


def expected_words(name: str, value: Any, effect: float, median: float | None
                   ) -> tuple[str, dict[str, str]]:
    """The wording rule, from the schema file: missing → its `missing` text; a category
    → label and value name; a constrained number → the side that explains the effect's
    sign; a free number → above or below the training median."""
    spec = SCHEMA[name]
    label = spec["label"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing", spec.get("missing") or {"zh": f"{label['zh']}未知",
                                                  "en": f"{label['en']} unknown"}
    if spec.get("type") == "categorical":
        shown = spec["values"][value]
        return value, {"zh": f"{label['zh']}：{shown['zh']}",
                       "en": f"{label['en']}: {shown['en']}"}
    monotone = spec.get("monotone", 0)
    if monotone:
        # a raised risk from a risk-raising (+1) feature means its value is high
        side = "high" if (effect > 0) == (monotone > 0) else "low"
    else:
        side = "high" if median is None or value >= median else "low"
    return side, spec[side]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


@pytest.mark.parametrize("segment", SEGMENTS)
def test_reasons_are_the_models_own_contributions(scorer: PreScorer, segment: str) -> None:
    model = scorer.models[segment]
    seen_missing = 0
    for facts in applicants(segment, 150, seed=5):
        row = features(facts)
        x = encode([row], model.features, model.categories)
        contrib = model.booster.predict(x, pred_contrib=True)[0]
        raw = float(model.booster.predict(x, raw_score=True)[0])
        assert contrib.sum() == pytest.approx(raw, abs=1e-9)
        result = scorer.score(facts)
        assert result.pd == pytest.approx(sigmoid(model.a * raw + model.b), rel=1e-9)
        assert result.band == band_of(result.pd, model.bands)
        assert result.model_version == model.version

        effects = {name: model.a * float(c)
                   for name, c in zip(model.features, contrib[:-1], strict=True)}
        raising = sorted((n for n, e in effects.items() if e >= MIN_EFFECT),
                         key=lambda n: -effects[n])[:MAX_RAISING]
        lowering = sorted((n for n, e in effects.items() if e <= -MIN_EFFECT),
                          key=lambda n: effects[n])[:MAX_LOWERING]
        assert [r.feature for r in result.reasons] == raising + lowering
        for reason in result.reasons:
            assert reason.effect == pytest.approx(effects[reason.feature], abs=1e-9)
            assert reason.direction == ("raises" if reason.effect > 0 else "lowers")
            side, words = expected_words(reason.feature, row[reason.feature], reason.effect,
                                         model.medians.get(reason.feature))
            assert reason.code == f"{reason.feature}.{side}"
            assert (reason.zh, reason.en) == (words["zh"], words["en"]), reason
            seen_missing += side == "missing"
            as_json = reason.to_json()
            assert as_json["effect"] == round(reason.effect, 4)
            json.dumps(as_json, allow_nan=False)  # NaN values are written as null
    assert seen_missing, "some applicants should have a reason for a missing value"


def test_a_low_down_payment_is_named_as_such(scorer: PreScorer) -> None:
    facts = with_down_payment(good_applicant(), 1_500_000)  # 10 % down
    result = scorer.score(facts)
    by_feature = {r.feature: r for r in result.reasons}
    assert "down_payment_ratio" in by_feature, result.reasons
    reason = by_feature["down_payment_ratio"]
    assert reason.direction == "raises"
    assert (reason.zh, reason.en) == ("首付比例偏低", "Down payment ratio is low")
    assert reason.code == "down_payment_ratio.low"
    # A generous down payment lowers the risk and is named for that.
    high = scorer.score(with_down_payment(good_applicant(), 9_000_000))
    lowered = {r.feature: r for r in high.reasons}.get("down_payment_ratio")
    assert lowered is not None and lowered.direction == "lowers"
    assert (lowered.zh, lowered.en) == ("首付比例较高", "Down payment ratio is high")


def test_missing_values_are_described_with_the_schemas_words(scorer: PreScorer) -> None:
    model = scorer.models["individual"]
    for name in ("inquiries_3m", "inquiries_6m", "overdue_months_24m", "max_overdue_days"):
        for contribution in (0.3, -0.3):
            side, words = describe(model.specs[name], float("nan"), contribution,
                                   model.medians.get(name))
            assert side == "missing"
            assert words == SCHEMA[name]["missing"]
            assert words == {"zh": "无征信摘要", "en": "No credit bureau summary"}
    # No `missing` text in the schema (age): the generic words.
    assert describe(model.specs["age"], None, 0.5, 38.0) == (
        "missing", {"zh": "年龄未知", "en": "Age unknown"})
    # A feature no schema describes: its name, high or low against the median.
    bare = FeatureSpec(name="x_score")
    assert describe(bare, 3.0, 0.4, 2.0) == ("high", {"zh": "x_score较高",
                                                      "en": "x_score is high"})
    assert describe(bare, 1.0, 0.4, 2.0) == ("low", {"zh": "x_score较低",
                                                     "en": "x_score is low"})


# --- policy rules --------------------------------------------------------------------


def codes(facts: Facts, config: PolicyConfig | None = None) -> dict[str, str]:
    return {h.code: h.action for h in before_model(facts, config or PolicyConfig())}


def test_a_clean_applicant_hits_no_rule(scorer: PreScorer) -> None:
    facts = good_applicant()
    assert codes(facts) == {}
    result = scorer.score(facts)
    assert result.policy_hits == [] and result.decision == LIKELY_APPROVE
    assert result.pd < PolicyConfig().grey_zone_pd


def test_age_rules() -> None:
    assert codes(good_applicant(birth_date=years_before(AS_OF, 18, days=-1))) == {
        "age_under_min": DECLINE}  # 18 tomorrow
    assert codes(good_applicant(birth_date=years_before(AS_OF, 18))) == {}  # 18 today
    assert codes(good_applicant(birth_date=years_before(AS_OF, 62), term_months=48)) == {
        "age_over_max_at_term_end": DECLINE}  # 66 at the end
    assert codes(good_applicant(birth_date=years_before(AS_OF, 62), term_months=24)) == {}
    assert codes(good_applicant(birth_date=years_before(AS_OF, 64, days=-30),
                                term_months=12)) == {}  # just under 65 at the end
    assert codes(good_applicant(birth_date=None)) == {"age_unknown": REFER}
    older = PolicyConfig(max_age_at_term_end=70)
    assert codes(good_applicant(birth_date=years_before(AS_OF, 62), term_months=48),
                 older) == {}


def test_id_rules() -> None:
    assert codes(good_applicant(id_valid_until=AS_OF - timedelta(days=1))) == {
        "id_expired": DECLINE}
    assert codes(good_applicant(id_valid_until=AS_OF)) == {}  # valid through today
    assert codes(good_applicant(id_valid_until=None)) == {}
    long_term = _facts_from_dict({"segment": "individual", "vehicle_category": "new_car",
                                  "vehicle_price_fen": 10_000_000,
                                  "down_payment_fen": 3_000_000, "term_months": 36,
                                  "birth_date": "1980-01-01",
                                  "id_valid_until": "长期"}, AS_OF)
    assert long_term.id_valid_until == date.max and codes(long_term) == {}
    assert codes(good_applicant(id_number_valid=False)) == {"id_check_failed": DECLINE}
    assert codes(good_applicant(id_number_valid=None)) == {}


def test_ltv_cap_rule() -> None:
    # price 150,000, down 50,000: LTV 2/3; with 3,000 of fees financed a bit more
    facts = good_applicant()
    assert codes(dataclasses.replace(facts, ltv_cap=0.6)) == {"ltv_above_cap": DECLINE}
    assert codes(dataclasses.replace(facts, ltv_cap=facts.ltv)) == {}  # at the cap
    assert codes(dataclasses.replace(facts, ltv_cap=0.8)) == {}
    fees = dataclasses.replace(facts, financed_amount_fen=facts.financed_fen + 300_000,
                               ltv_cap=facts.ltv)
    assert codes(fees) == {"ltv_above_cap": DECLINE}  # financed fees count


def test_multi_lender_rule() -> None:
    assert codes(good_applicant(inquiries_3m=4, inquiries_6m=4)) == {"multi_lender": REFER}
    assert codes(good_applicant(inquiries_3m=9, inquiries_6m=12)) == {"multi_lender": REFER}
    assert codes(good_applicant(inquiries_3m=3, inquiries_6m=8)) == {}
    assert codes(good_applicant(inquiries_3m=None, inquiries_6m=None)) == {}
    assert codes(good_applicant(inquiries_3m=3, inquiries_6m=3),
                 PolicyConfig(multi_lender_inquiries_3m=3)) == {"multi_lender": REFER}


def test_unproven_income_rule() -> None:
    limit = PolicyConfig().unproven_income_limit_fen
    assert codes(good_applicant(monthly_income_fen=limit, income_proven=False)) == {
        "unproven_income_high": REFER}
    assert codes(good_applicant(monthly_income_fen=limit * 3, income_proven=False)) == {
        "unproven_income_high": REFER}
    assert codes(good_applicant(monthly_income_fen=limit - 1, income_proven=False)) == {}
    assert codes(good_applicant(monthly_income_fen=limit * 3, income_proven=True)) == {}
    assert codes(good_applicant(monthly_income_fen=None, income_proven=False)) == {}


def test_rules_after_the_model(scorer: PreScorer) -> None:
    config = PolicyConfig()
    assert after_model(config.grey_zone_pd - 1e-6, config) == []
    grey = after_model(config.grey_zone_pd, config)
    assert [(h.code, h.action, h.stage) for h in grey] == [("score_grey_zone", REFER,
                                                            "after")]
    high = after_model(config.decline_pd, config)
    assert [(h.code, h.action, h.stage) for h in high] == [("score_high_risk", DECLINE,
                                                            "after")]
    facts = good_applicant()
    pd = scorer.score(facts).pd
    greyed = PreScorer(MODELS, PolicyConfig(grey_zone_pd=pd / 2, decline_pd=pd * 2))
    result = greyed.score(facts)
    assert [h.code for h in result.policy_hits] == ["score_grey_zone"]
    assert result.decision == REFER_TO_PERSON
    declined = PreScorer(MODELS, PolicyConfig(grey_zone_pd=pd / 4, decline_pd=pd / 2))
    result = declined.score(facts)
    assert [h.code for h in result.policy_hits] == ["score_high_risk"]
    assert result.decision == LIKELY_DECLINE


def test_every_hit_has_words_in_both_languages(scorer: PreScorer) -> None:
    facts = good_applicant(birth_date=None, id_valid_until=AS_OF - timedelta(days=3),
                           id_number_valid=False, ltv_cap=0.5, inquiries_3m=5,
                           inquiries_6m=6, monthly_income_fen=3_000_000, income_proven=False)
    strict = PreScorer(MODELS, PolicyConfig(grey_zone_pd=1e-9, decline_pd=2e-9))
    hits = strict.score(facts).policy_hits
    assert {h.code for h in hits} == {"age_unknown", "id_expired", "id_check_failed",
                                      "ltv_above_cap", "multi_lender",
                                      "unproven_income_high", "score_high_risk"}
    for hit in hits:
        assert hit.zh and hit.en and hit.zh != hit.en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in hit.zh)
        assert hit.stage == ("after" if hit.code.startswith("score_") else "before")
        assert set(hit.to_json()) == {"code", "stage", "action", "zh", "en"}
    under = before_model(good_applicant(birth_date=years_before(AS_OF, 16)), PolicyConfig())
    assert "16" in under[0].en and "18" in under[0].en and "16岁" in under[0].zh


@pytest.mark.parametrize(("changes", "config", "decision"), [
    ({}, {}, LIKELY_APPROVE),
    ({"inquiries_3m": 5, "inquiries_6m": 5}, {}, REFER_TO_PERSON),
    ({"birth_date": None}, {}, REFER_TO_PERSON),
    ({"id_number_valid": False}, {}, LIKELY_DECLINE),
    # decline beats refer, before and after the model
    ({"id_number_valid": False, "inquiries_3m": 5, "inquiries_6m": 5}, {}, LIKELY_DECLINE),
    ({"inquiries_3m": 5, "inquiries_6m": 5}, {"grey_zone_pd": 1e-9, "decline_pd": 2e-9},
     LIKELY_DECLINE),
    ({"id_valid_until": date(2020, 1, 1)}, {"grey_zone_pd": 1e-9, "decline_pd": 0.99},
     LIKELY_DECLINE),
    # refer beats approve: a clean score does not clear a referral
    ({"monthly_income_fen": 5_000_000, "income_proven": False}, {}, REFER_TO_PERSON),
    ({}, {"grey_zone_pd": 1e-9, "decline_pd": 0.99}, REFER_TO_PERSON),
])
def test_decision_precedence(changes: dict[str, Any], config: dict[str, float],
                             decision: str) -> None:
    result = PreScorer(MODELS, PolicyConfig(**config)).score(good_applicant(**changes))
    assert result.decision == decision, result.policy_hits
    assert result.hint["en"] and result.hint["zh"]
    out = result.to_json()
    assert out["decision"] == decision
    assert {"decision", "pd", "band", "reasons", "policy_hits", "model_version"} <= set(out)


# --- Facts validation ----------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field"), [
    ({"vehicle_price_fen": 0}, "vehicle_price_fen"),
    ({"vehicle_price_fen": -100}, "vehicle_price_fen"),
    ({"down_payment_fen": -1}, "down_payment_fen"),
    ({"down_payment_fen": 15_000_001}, "down_payment_fen"),  # above the price
    ({"monthly_income_fen": -1}, "monthly_income_fen"),
    ({"monthly_payment_fen": -5}, "monthly_payment_fen"),
    ({"existing_debt_monthly_fen": -5}, "existing_debt_monthly_fen"),
    ({"financed_amount_fen": -5}, "financed_amount_fen"),
    ({"inquiries_3m": -1, "inquiries_6m": 0}, "inquiries_3m"),
    ({"inquiries_3m": 4, "inquiries_6m": 3}, "inquiries_6m"),
    ({"vehicle_category": "spaceship"}, "vehicle_category"),
    ({"employment_type": "astronaut"}, "employment_type"),
    ({"segment": "corporate"}, "segment"),
    ({"term_months": 0}, "term_months"),
    ({"term_months": 121}, "term_months"),
    ({"vehicle_price_fen": 1_000.5}, "vehicle_price_fen"),
    ({"inquiries_3m": True}, "inquiries_3m"),
    ({"employment_years": -1.0}, "employment_years"),
    ({"residence_years": float("nan")}, "residence_years"),
    ({"ltv_cap": float("inf")}, "ltv_cap"),
    ({"income_proven": "false"}, "income_proven"),
    ({"employment_years": "6"}, "employment_years"),
    ({"birth_date": AS_OF + timedelta(days=1)}, "birth_date"),
])
def test_facts_refuse_what_cannot_describe_an_application(changes: dict[str, Any],
                                                          field: str) -> None:
    with pytest.raises(FactsError) as info:
        good_applicant(**changes)
    assert info.value.field == field
    assert str(info.value)


APPLICATION = {"segment": "individual", "vehicle_category": "nev",
               "vehicle_price_fen": 12_980_000, "down_payment_fen": 3_894_000,
               "term_months": 36}


@pytest.mark.parametrize(("changes", "field"), [
    ({"birth_date": "1988-02-30"}, "birth_date"),
    ({"birth_date": "15/03/1988"}, "birth_date"),
    ({"id_valid_until": "soon"}, "id_valid_until"),
    ({"as_of": "2026-13-01"}, "as_of"),
    ({"vehicle_first_registration": "yesterday"}, "vehicle_first_registration"),
    ({"birth_date": "长期"}, "birth_date"),  # "valid for life" is for ID cards only
    ({"monthly_incom_fen": 100}, "monthly_incom_fen"),  # a typo never becomes missing
    ({"zzz": 1, "aaa": 2}, "aaa"),
    ({"term_months": None}, "term_months"),
    ({"segment": None}, "segment"),
])
def test_facts_from_dict_errors_name_the_field(changes: dict[str, Any], field: str) -> None:
    data = {k: v for k, v in {**APPLICATION, **changes}.items() if v is not None}
    with pytest.raises(FactsError) as info:
        _facts_from_dict(data, AS_OF)
    assert info.value.field == field


def test_facts_from_dict_reads_dates_and_defaults_the_day() -> None:
    facts = _facts_from_dict({**APPLICATION, "birth_date": "1988-03-15",
                              "id_valid_until": "2031-05-20"}, AS_OF)
    assert facts.as_of == AS_OF and facts.birth_date == date(1988, 3, 15)
    assert facts.age == 38
    assert facts.ltv == pytest.approx((12_980_000 - 3_894_000) / 12_980_000)
    row = features(facts)
    assert math.isnan(row["inquiries_3m"]) and math.isnan(row["payment_to_income"])
    assert row["down_payment_ratio"] == pytest.approx(0.3)


# --- population stability ------------------------------------------------------------


def test_psi_by_hand() -> None:
    expected = {"a": 0.5, "b": 0.5}
    by_hand = (0.75 - 0.5) * math.log(0.75 / 0.5) + (0.25 - 0.5) * math.log(0.25 / 0.5)
    assert psi(expected, {"a": 3, "b": 1}) == pytest.approx(by_hand)
    assert psi(expected, {"a": 5, "b": 5}) == pytest.approx(0.0)
    # a bin the training data never had counts as EPSILON, not as zero
    with_new = (0.5 - 1.0) * math.log(0.5 / 1.0) + (0.5 - EPSILON) * math.log(0.5 / EPSILON)
    assert psi({"a": 1.0}, {"a": 1, "b": 1}) == pytest.approx(with_new)
    assert math.isnan(psi(expected, {}))
    assert [verdict(v) for v in (0.0, STABLE - 1e-9, STABLE, SHIFTED - 1e-9, SHIFTED,
                                 float("nan"))] == [
        "stable", "stable", "watch", "watch", "shifted", "no_data"]


def stability(scorer: PreScorer, facts: list[Facts]) -> dict[str, float]:
    model = scorer.models[facts[0].segment]
    binned = [scorer.score(f).bins for f in facts]
    lines = population_stability(model.card["training_distribution"], binned)
    assert {line.name for line in lines} == set(model.card["training_distribution"])
    assert all(line.n == len(facts) for line in lines)
    return {line.name: line.psi for line in lines}


@pytest.mark.parametrize("segment", SEGMENTS)
def test_applicants_like_the_training_data_are_stable(scorer: PreScorer,
                                                      segment: str) -> None:
    values = stability(scorer, applicants(segment, 1500, seed=8))
    assert "score" in values and "down_payment_ratio" in values
    assert max(values.values()) < 0.05, values


def test_shifted_applicants_are_flagged(scorer: PreScorer) -> None:
    sample = applicants("individual", 1500, seed=9)
    poorer = [dataclasses.replace(f, monthly_income_fen=None if f.monthly_income_fen is None
                                  else f.monthly_income_fen // 2) for f in sample]
    values = stability(scorer, poorer)
    assert verdict(values["monthly_income"]) == "shifted", values
    assert verdict(values["payment_to_income"]) == "shifted", values
    assert values["vehicle_category"] < STABLE  # what did not change stays put
    assert values["down_payment_ratio"] < STABLE

    shopping = [dataclasses.replace(f, inquiries_3m=6, inquiries_6m=9) for f in sample]
    values = stability(scorer, shopping)
    assert verdict(values["inquiries_3m"]) == "shifted", values
    assert verdict(values["inquiries_6m"]) == "shifted", values
    assert values["score"] > STABLE  # riskier applicants: the band mix moves too
    assert values["monthly_income"] < STABLE


def test_unseen_categories_and_missing_values_have_their_own_bins(scorer: PreScorer) -> None:
    facts = good_applicant(vehicle_category="tractor", residence_years=None)
    bins = scorer.score(facts).bins
    assert bins["vehicle_category"] == OTHER  # no tractor in the individual portfolio
    assert bins["residence_years"] == MISSING
    # A category called "other" is that category, not the unseen bin.
    assert scorer.score(good_applicant(employment_type="other")).bins[
        "employment_type"] == "other"
    assert bins["score"] in BAND_NAMES
    assert all(b.isdigit() for n, b in bins.items()
               if n in ("age", "down_payment_ratio", "term_months"))


# --- damaged model directories -------------------------------------------------------


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "prescore"
    shutil.copytree(MODELS, target)
    return target


def test_a_copied_model_directory_loads(model_copy: Path) -> None:
    scorer = PreScorer(model_copy)
    assert scorer.versions == PreScorer(MODELS).versions
    assert set(scorer.versions) == set(SEGMENTS)


@pytest.mark.parametrize("damage", [
    "truncate", "garbage", "empty", "swap_model", "delete_card", "delete_model",
    "card_not_json", "card_format", "card_features",
])
def test_a_damaged_model_directory_raises_model_error(model_copy: Path, damage: str) -> None:
    directory = model_copy / "farmer"
    booster, card = directory / "model.txt", directory / "model_card.json"
    text = booster.read_text(encoding="utf-8")
    data = json.loads(card.read_text(encoding="utf-8"))
    if damage == "truncate":  # LightGBM's own parser would crash on this one
        booster.write_text(text[: len(text) // 3], encoding="utf-8")
    elif damage == "garbage":
        booster.write_text("this is not a LightGBM model\n", encoding="utf-8")
    elif damage == "empty":
        booster.write_text("", encoding="utf-8")
    elif damage == "swap_model":
        shutil.copy(model_copy / "fleet" / "model.txt", booster)
    elif damage == "delete_card":
        card.unlink()
    elif damage == "delete_model":
        booster.unlink()
    elif damage == "card_not_json":
        card.write_text("{not json", encoding="utf-8")
    elif damage == "card_format":
        card.write_text(json.dumps(data | {"format": 99}), encoding="utf-8")
    elif damage == "card_features":
        features_ = data["features"]
        card.write_text(json.dumps(data | {"features": features_[1:] + features_[:1]}),
                        encoding="utf-8")
    with pytest.raises(ModelError):
        SegmentModel(directory)
    with pytest.raises(ModelError):
        PreScorer(model_copy)


def test_a_missing_segment_raises_model_error(model_copy: Path) -> None:
    shutil.rmtree(model_copy / "fleet")
    with pytest.raises(ModelError, match="fleet"):
        PreScorer(model_copy)
