"""PromotionService over a real store: rules (the dealer's and central's), offers on the
stock, the best plan, the rule tester, recording on an application, and the demo."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml

from central.seed import default_campaigns
from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow
from showroom_app.documents.validators import vin_check_digit
from showroom_app.domain.enums import (
    ApplicationStatus,
    CustomerType,
    InventoryStatus,
    Role,
    VehicleCategory,
)
from showroom_app.domain.errors import ApplicationLockedError, PermissionDeniedError
from showroom_app.domain.money import Money
from showroom_app.finance import Catalog, QuoteLimitError, default_catalog
from showroom_app.promotions.engine import promoted_terms
from showroom_app.promotions.rules import RuleError, rule_from_dict, rule_to_dict
from showroom_app.services.promotions import PromotionService

TODAY = date(2026, 5, 20)


def vin(serial: int) -> str:
    draft = f"LSVCE4CB0R{serial:07d}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def catalog() -> Catalog:
    base = default_catalog()
    products = dict(base.products)
    products["auto_loan"] = dataclasses.replace(products["auto_loan"],
                                                min_down_payment_ratio=Decimal("0.30"))
    return Catalog(version=0, products=products)


RULES = {
    "AGED90": {"code": "AGED90", "name_zh": "库龄90天", "priority": 10,
               "conditions": {"min_days_in_stock": 90, "nev": True},
               "effects": [{"kind": "lower_down_payment", "down_payment_ratio": "0.20"},
                           {"kind": "subsidised_rate", "rate": "0.0299"}]},
    "OVER3": {"code": "OVER3", "name_zh": "同款3台", "priority": 5,
              "conditions": {"min_units_same_model": 3},
              "effects": [{"kind": "fee_waiver", "fee_codes": ["handling"]}]},
    "LEASE60": {"code": "LEASE60", "name_zh": "回租延长", "priority": 1,
                "conditions": {"products": ["sale_leaseback"], "min_days_in_stock": 30},
                "effects": [{"kind": "longer_term", "max_term_months": 60}]},
}


@pytest.fixture
def desk(store: Store):
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        consultant = repo.add_user(s, "desk", "李顾问", Role.CONSULTANT, "x", dealer.id)
        manager = repo.add_user(s, "boss", "王经理", Role.MANAGER, "x", dealer.id)
        stock = [  # serial, make, model, category, nev, price, days, status
            (1, "比亚迪", "海豹", "nev", True, "189800", 150, InventoryStatus.IN_STOCK),
            (2, "比亚迪", "海豹", "nev", True, "189800", 20, InventoryStatus.IN_STOCK),
            (3, "比亚迪", "海豹", "nev", True, "189800", 95, InventoryStatus.RESERVED),
            (4, "比亚迪", "海豹", "nev", True, "189800", 300, InventoryStatus.SOLD),
            (5, "大众", "朗逸", "new_car", False, "119800", 100, InventoryStatus.IN_STOCK),
            (6, "大众", "朗逸", "new_car", False, "119800", 40, InventoryStatus.IN_STOCK),
            (7, "大众", "朗逸", "new_car", False, "119800", 10, InventoryStatus.IN_STOCK),
            (8, "丰田", "卡罗拉", "used_car", False, "79800", 70, InventoryStatus.IN_STOCK),
        ]
        for serial, make, model, cat, nev, price, days, status in stock:
            repo.add_inventory_item(s, dealer.id, vin(serial), make, model,
                                    VehicleCategory(cat), Money.of(price),
                                    TODAY - timedelta(days=days), model_year=2025,
                                    is_nev=nev, status=status)
        for raw in RULES.values():
            repo.save_promotion_rule(s, dealer.id, rule_to_dict(rule_from_dict(raw)), "t")
    return PromotionService(store), consultant, manager, store, dealer


def put_campaigns(store: Store, campaigns: list[dict]) -> None:
    with store.transaction() as s:
        repo.set_meta(s, "campaigns", json.dumps({c["code"]: c for c in campaigns},
                                                 ensure_ascii=False))


# --- rules -----------------------------------------------------------------------------


def test_managers_save_delete_import_and_export_rules(desk) -> None:
    service, _, manager, _, _ = desk
    saved = service.save_rule(manager, {"code": "GIFT", "name_zh": "送脚垫",
                                        "effects": [{"kind": "gift", "gift_zh": "脚垫"}]})
    assert saved.code in {r.code for r in service.dealer_rules()}
    changed = service.save_rule(manager, rule_to_dict(saved) | {"priority": 7})
    assert next(r for r in service.dealer_rules() if r.code == "GIFT") == changed
    assert service.delete_rule(manager, "GIFT") is True
    assert service.delete_rule(manager, "GIFT") is False
    exported = service.export_yaml()
    assert sorted(r["code"] for r in yaml.safe_load(exported)["rules"]) == sorted(RULES)
    for code in RULES:
        service.delete_rule(manager, code)
    assert service.dealer_rules() == []
    imported = service.import_yaml(manager, exported)
    assert sorted(r.code for r in imported) == sorted(RULES)
    assert sorted(r.code for r in service.dealer_rules()) == sorted(RULES)
    assert service.export_yaml() == exported


def test_a_consultant_cannot_change_rules(desk) -> None:
    service, consultant, _, _, _ = desk
    with pytest.raises(PermissionDeniedError):
        service.save_rule(consultant, RULES["OVER3"] | {"code": "NEW"})
    with pytest.raises(PermissionDeniedError):
        service.delete_rule(consultant, "OVER3")
    with pytest.raises(PermissionDeniedError):
        service.import_yaml(consultant, service.export_yaml())
    assert len(service.dealer_rules()) == len(RULES)


def test_a_bad_rule_in_an_imported_file_leaves_nothing_imported(desk) -> None:
    service, _, manager, _, _ = desk
    before = service.export_yaml()
    text = yaml.safe_dump({"rules": [
        {"code": "FINE", "name_zh": "好", "effects": [{"kind": "gift", "gift_zh": "礼"}]},
        RULES["OVER3"] | {"priority": 99},
        {"code": "BROKEN", "name_zh": "坏", "effects": [{"kind": "subsidised_rate",
                                                        "rate": "0.5"}]},
    ]}, allow_unicode=True)
    with pytest.raises(RuleError, match="rule BROKEN"):
        service.import_yaml(manager, text)
    assert service.export_yaml() == before


def test_central_campaigns_join_the_rules_and_their_codes_are_reserved(desk) -> None:
    service, _, manager, store, _ = desk
    campaigns = default_campaigns(TODAY)
    put_campaigns(store, [*campaigns, dict(campaigns[0], code="BROKEN", effect="cashback")])
    central = service.central_rules()
    assert sorted(r.code for r in central) == sorted(c["code"] for c in campaigns)
    assert all(r.source == "central" for r in central)
    assert {r.code for r in service.rules()} == {c["code"] for c in campaigns} | set(RULES)
    with pytest.raises(RuleError, match="belongs to a central campaign"):
        service.save_rule(manager, RULES["OVER3"] | {"code": campaigns[0]["code"]})
    text = yaml.safe_dump({"rules": [RULES["OVER3"] | {"code": campaigns[1]["code"]}]})
    with pytest.raises(RuleError, match="belongs to a central campaign"):
        service.import_yaml(manager, text)
    # The export holds the dealer's own rules only.
    assert {r["code"] for r in yaml.safe_load(service.export_yaml())["rules"]} == set(RULES)


# --- offers ----------------------------------------------------------------------------


def test_offers_are_sorted_by_days_in_stock_with_their_rules(desk) -> None:
    service, *_ = desk
    offers = service.offers(TODAY)
    assert [o.item.vin for o in offers] == [vin(n) for n in (1, 5, 3, 8, 6, 2, 7)]  # not sold
    days = [o.days_in_stock for o in offers]
    assert days == sorted(days, reverse=True)
    by_vin = {o.item.vin: o for o in offers}
    assert {r.code for r in by_vin[vin(1)].matched} == {"AGED90", "LEASE60"}
    assert {r.code for r in by_vin[vin(2)].matched} == set()  # 20 days
    assert {r.code for r in by_vin[vin(5)].matched} == {"OVER3", "LEASE60"}
    assert by_vin[vin(1)].offer.rate == Decimal("0.0299")
    # A product chosen: the sale-and-leaseback rule no longer applies to a loan.
    loan = {o.item.vin: o for o in service.offers(TODAY, product="auto_loan")}
    assert {r.code for r in loan[vin(1)].matched} == {"AGED90"}


def test_units_of_the_same_model_count_only_vehicles_in_stock(desk) -> None:
    service, *_ = desk
    facts = {o.item.vin: o.facts for o in service.offers(TODAY)}
    # Four 海豹: one reserved, one sold → two in stock; three 朗逸 in stock.
    assert facts[vin(1)].units_same_model == 2
    assert facts[vin(5)].units_same_model == 3
    assert "OVER3" not in {r.code for o in service.offers(TODAY)
                           if o.item.make == "比亚迪" for r in o.matched}


def test_offer_for_finds_one_vehicle(desk) -> None:
    service, *_ = desk
    found = service.offer_for(vin(1), TODAY, "individual", "auto_loan")
    assert found is not None and [r.code for r in found.offer.applied] == ["AGED90"]
    assert service.offer_for("LSVCE4CB0R9999999", TODAY, None, None) is None


def test_the_best_plan_is_as_cheap_as_any_other_plan(desk) -> None:
    service, *_ = desk
    cat = catalog()
    for number in (1, 5, 8):
        best = service.best_plan(vin(number), cat, TODAY)
        assert best is not None
        tried = []
        for product in cat.products.values():
            found = service.offer_for(vin(number), TODAY, None, product.code)
            item = found.item
            terms = promoted_terms(found.offer, product, item.category.value, item.is_nev,
                                   None)
            cap = product.ltv_cap(item.category.value, item.is_nev)
            ratio = max(terms.product.min_down_payment_ratio, 1 - cap)
            down = Money(math.ceil(ratio * item.list_price.fen / 10_000) * 10_000)
            for term in terms.product.terms:
                try:
                    pq = service.promote(found.offer, product, price=item.list_price,
                                         down_payment=down, term_months=term,
                                         category=item.category.value, is_nev=item.is_nev,
                                         start=TODAY)
                except (QuoteLimitError, ValueError):
                    continue
                tried.append((pq.promoted.apr.effective, product.code, term))
        assert {code for _, code, _ in tried} == set(cat.products)  # every product quotes
        cheapest = min(tried)
        assert best.quote.promoted.apr.effective <= cheapest[0], (number, best.product.code,
                                                                  best.term_months, cheapest)
        assert best.quote.promoted.down_payment == best.down_payment
    assert service.best_plan("LSVCE4CB0R9999999", cat, TODAY) is None


def test_the_best_plan_of_a_product_without_a_minimum_respects_its_ltv_cap(desk) -> None:
    service, *_ = desk
    leaseback = catalog().products["sale_leaseback"]
    assert leaseback.min_down_payment_ratio == 0 and max(leaseback.terms) == 36
    best = service.best_plan(vin(1), Catalog(0, {"sale_leaseback": leaseback}), TODAY)
    assert best is not None
    cap = leaseback.ltv_cap("nev", True)
    assert best.down_payment.fen >= (1 - cap) * Money.of("189800").fen
    # LEASE60 stretches the product to 60 months at the 36-month rate: cheapest a year.
    assert best.term_months == 60


def test_the_best_plan_uses_the_lowered_down_payment(desk) -> None:
    service, *_ = desk
    cat = Catalog(version=0, products={"auto_loan": catalog().products["auto_loan"]})
    aged = service.best_plan(vin(1), cat, TODAY)  # AGED90: 20 % down instead of 30 %
    fresh = service.best_plan(vin(2), cat, TODAY)
    # The price's share, rounded up to the hundred yuan.
    assert aged.down_payment == Money.of("38000")  # 20 % of 189,800 = 37,960
    assert fresh.down_payment == Money.of("57000")  # 30 % = 56,940
    assert aged.quote.promoted.annual_rate == Decimal("0.0299")


def test_the_rule_tester_lists_hits_and_a_sample_quote(desk) -> None:
    service, *_ = desk
    rule = rule_from_dict(RULES["AGED90"])
    result = service.test_rule(rule, catalog(), TODAY)
    assert [h.item.vin for h in result.hits] == [vin(1), vin(3)]  # NEVs 90+ days, not sold
    assert result.sample is not None and result.problem is None
    assert result.sample_vehicle.item.vin == vin(1)
    assert result.sample.promoted.annual_rate == Decimal("0.0299")
    assert result.sample.interest_saving.fen > 0
    assert result.sample.cost_by_funder()["dealer"].fen > 0
    nobody = rule_from_dict(RULES["AGED90"] | {"conditions": {"min_days_in_stock": 1000}})
    empty = service.test_rule(nobody, catalog(), TODAY)
    assert empty.hits == () and empty.sample is None and empty.problem
    unknown = rule_from_dict(RULES["OVER3"] | {"conditions": {"products": ["nope"]}})
    assert service.test_rule(unknown, catalog(), TODAY).problem == \
        "no product of the catalog is named"


# --- recording -------------------------------------------------------------------------


def _application(store: Store, dealer, user) -> str:
    with store.transaction() as s:
        return repo.add_application(s, store.cipher, reference="SR-20260520-0001",
                                    dealer_id=dealer.id, consultant_id=user.id,
                                    customer_type=CustomerType.INDIVIDUAL)


def test_record_stores_the_summary_on_a_draft_and_not_after_it_left(desk) -> None:
    service, consultant, _, store, dealer = desk
    aid = _application(store, dealer, consultant)
    best = service.best_plan(vin(1), catalog(), TODAY)
    service.record(consultant, aid, best.quote)
    with store.read() as s:
        stored = json.loads(s.get(ApplicationRow, aid).promotions)
    assert stored == service.summary(best.quote)
    total = stored[-1]
    assert total["code"] == "_total"
    assert total["interest_saving_fen"] == best.quote.interest_saving.fen
    assert total["dealer_cost_fen"] == best.quote.dealer_cost.fen > 0
    applied = {e["code"]: e for e in stored[:-1]}
    assert "AGED90" in applied
    assert sum(e["cost_fen"] for e in stored[:-1]) == sum(
        c.amount.fen for c in best.quote.costs)
    with store.transaction() as s:
        repo.set_application_status(s, aid, ApplicationStatus.SUBMITTED)
    with pytest.raises(ApplicationLockedError):
        service.record(consultant, aid, best.quote)
    with store.read() as s:
        assert json.loads(s.get(ApplicationRow, aid).promotions) == stored


def test_the_quote_sheet_names_the_promotions_and_their_cost(desk, tmp_path) -> None:
    from pypdf import PdfReader

    from showroom_app.services.quoting import QuotingService

    service, _, _, store, _ = desk
    best = service.best_plan(vin(1), catalog(), TODAY)
    plain = best.quote.standard
    path = QuotingService(store).export_pdf(
        [best.quote.promoted, plain], "测试车行", tmp_path / "sheet.pdf", "比亚迪 海豹",
        [service.summary(best.quote), None])
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "适用优惠" in text and "库龄90天" in text and "经销商承担" in text
    assert f"{best.quote.dealer_cost.yuan:,.2f}" in text
    assert f"{best.quote.interest_saving.yuan:,.2f}" in text
    # The sheet handed out counts as a quote that used those promotions.
    with store.read() as s:
        quoted = repo.promotion_quotes(s)
    assert quoted == {r.code: 1 for r in best.quote.terms.offer.applied}


# --- the demo --------------------------------------------------------------------------


def test_the_demo_rules_fire_on_the_demo_stock(store: Store) -> None:
    from showroom_app.services.demo import seed_demo

    seed_demo(store, 0, today=TODAY)
    service = PromotionService(store)
    assert len(service.dealer_rules()) >= 3
    offers = service.offers(TODAY)
    fired = {r.code for o in offers for r in o.offer.applied}
    aged = [o for o in offers if o.days_in_stock >= 90]
    assert aged and any(not o.offer.empty for o in aged)
    assert fired & {"AGED90-NEV", "AGED180-CLEAR"}
    # The stock-driven ones fire on aged or overstocked vehicles only.
    for o in offers:
        for r in o.matched:
            if r.conditions.min_days_in_stock:
                assert o.days_in_stock >= r.conditions.min_days_in_stock
            if r.conditions.min_units_same_model:
                assert o.facts.units_same_model >= r.conditions.min_units_same_model
