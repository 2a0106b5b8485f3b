"""Stock-driven promotions at the desk: the rules (the dealer's and central's campaigns),
the offers on each vehicle, promoted quotes, the best plan for a vehicle and the rule
tester. The UI reaches ``showroom_app.promotions`` only through here; what it needs is
re-exported.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import AuditAction, InventoryStatus, Permission
from showroom_app.domain.errors import ValidationError
from showroom_app.domain.models import InventoryItem, User
from showroom_app.domain.money import Money
from showroom_app.finance import Catalog, Fee, Method, Product, QuoteLimitError
from showroom_app.promotions.engine import (
    STANDARD_TERMS,
    Guardrails,
    Offer,
    PromotedQuote,
    combine,
    matching,
    promoted_quote,
)
from showroom_app.promotions.rules import (
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
from showroom_app.services.auth import require
from sync.pullers import local_campaigns

__all__ = [
    "BestPlan",
    "EffectKind",
    "Offer",
    "PromotedQuote",
    "PromotionService",
    "Rule",
    "RuleError",
    "RuleTest",
    "VehicleOffer",
    "rule_to_dict",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VehicleOffer:
    item: InventoryItem
    facts: VehicleFacts
    matched: tuple[Rule, ...]  # every rule whose conditions hold (any product, any segment)
    offer: Offer  # how they combine

    @property
    def days_in_stock(self) -> int:
        return self.facts.days_in_stock


@dataclass(frozen=True)
class BestPlan:
    product: Product
    term_months: int
    down_payment: Money
    quote: PromotedQuote


@dataclass(frozen=True)
class RuleTest:
    rule: Rule
    hits: tuple[VehicleOffer, ...]  # the in-stock vehicles the rule's conditions match
    sample: PromotedQuote | None  # the rule alone on the first hit's standard plan
    sample_vehicle: VehicleOffer | None
    problem: str | None = None  # why no sample could be quoted


def vehicle_facts(items: list[InventoryItem], today: date) -> list[VehicleFacts]:
    """Facts of each vehicle; `units_same_model` counts the vehicles still in stock."""
    units = Counter((i.make, i.model) for i in items if i.status is InventoryStatus.IN_STOCK)
    return [VehicleFacts(vin=i.vin, make=i.make, model=i.model, category=i.category.value,
                         is_nev=i.is_nev, model_year=i.model_year, price=i.list_price,
                         days_in_stock=i.days_in_stock(today),
                         units_same_model=units.get((i.make, i.model), 0))
            for i in items]


def _lowest_down(product: Product, offer: Offer, item: InventoryItem) -> Money:
    """The lowest down payment the product allows with the offer, to the hundred yuan
    above: the product's minimum (lowered by the offer) but never under 1 − the LTV cap,
    which also binds products whose own minimum is lower (sale-and-leaseback: 0 %)."""
    ratio = product.min_down_payment_ratio
    if offer.down_payment_ratio is not None:
        ratio = min(ratio, offer.down_payment_ratio)
    cap = product.ltv_cap(item.category.value, item.is_nev)
    ratio = max(ratio, Decimal(1) - cap if cap is not None else Decimal(0))
    return Money(math.ceil(ratio * item.list_price.fen / 10_000) * 10_000)


class PromotionService:
    def __init__(self, store: Store, guard: Guardrails | None = None) -> None:
        self._store = store
        self.guard = guard or Guardrails()

    # --- rules -------------------------------------------------------------------------

    def dealer_rules(self) -> list[Rule]:
        with self._store.read() as s:
            dealer = repo.first_dealer(s)
            bodies = repo.list_promotion_rules(s, dealer.id) if dealer else []
        rules = []
        for body in bodies:
            try:
                rules.append(rule_from_dict(body))
            except RuleError as exc:  # stored by an older version with other rules
                log.warning("promotion rule skipped: %s", exc)
        return rules

    def central_rules(self) -> list[Rule]:
        rules = []
        for raw in local_campaigns(self._store):
            try:
                rules.append(rule_from_campaign(raw))
            except RuleError as exc:
                log.warning("campaign skipped: %s", exc)
        return rules

    def rules(self) -> list[Rule]:
        return self.central_rules() + self.dealer_rules()

    def save_rule(self, actor: User, raw: dict[str, Any]) -> Rule:
        """Check and store one rule (new or replacing the one with its code)."""
        require(actor, Permission.MANAGE_PROMOTIONS)
        rule = rule_from_dict(raw)
        if rule.code in {r.code for r in self.central_rules()}:
            raise RuleError(f"rule {rule.code}: the code belongs to a central campaign")
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise ValidationError("this desk has no dealer yet")
            created = repo.save_promotion_rule(s, dealer.id, rule_to_dict(rule),
                                               actor.username)
            repo.audit(s, AuditAction.CREATE if created else AuditAction.CHANGE,
                       "promotion_rule", None, actor, f"rule {rule.code} saved")
        return rule

    def delete_rule(self, actor: User, code: str) -> bool:
        require(actor, Permission.MANAGE_PROMOTIONS)
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            gone = dealer is not None and repo.delete_promotion_rule(s, dealer.id, code)
            if gone:
                repo.audit(s, AuditAction.CHANGE, "promotion_rule", None, actor,
                           f"rule {code} deleted")
        return gone

    def import_yaml(self, actor: User, text: str) -> list[Rule]:
        """All the file's rules or none: one bad rule refuses the file, naming it."""
        require(actor, Permission.MANAGE_PROMOTIONS)
        rules = rules_from_yaml(text)
        central = {r.code for r in self.central_rules()}
        clash = next((r.code for r in rules if r.code in central), None)
        if clash:
            raise RuleError(f"rule {clash}: the code belongs to a central campaign")
        with self._store.transaction() as s:
            dealer = repo.first_dealer(s)
            if dealer is None:
                raise ValidationError("this desk has no dealer yet")
            for rule in rules:
                repo.save_promotion_rule(s, dealer.id, rule_to_dict(rule), actor.username)
            repo.audit(s, AuditAction.CHANGE, "promotion_rule", None, actor,
                       f"{len(rules)} rules imported")
        return rules

    def export_yaml(self) -> str:
        return rules_to_yaml(self.dealer_rules())

    # --- offers ------------------------------------------------------------------------

    def stock(self, today: date, include_sold: bool = False) -> list[tuple[InventoryItem,
                                                                          VehicleFacts]]:
        with self._store.read() as s:
            items = repo.list_inventory(s)
        facts = vehicle_facts(items, today)
        pairs = list(zip(items, facts, strict=True))
        if not include_sold:
            pairs = [p for p in pairs if p[0].status is not InventoryStatus.SOLD]
        return pairs

    def offers(self, today: date, segment: str | None = None, product: str | None = None,
               rules: list[Rule] | None = None) -> list[VehicleOffer]:
        """Every vehicle not sold, oldest in stock first, with the rules that apply."""
        rules = self.rules() if rules is None else rules
        out = []
        for item, facts in self.stock(today):
            matched = tuple(matching(rules, facts, segment, product, today))
            out.append(VehicleOffer(item, facts, matched, combine(matched)))
        out.sort(key=lambda o: (-o.days_in_stock, o.item.vin))
        return out

    def offer_for(self, vin: str, today: date, segment: str | None,
                  product: str | None) -> VehicleOffer | None:
        """One vehicle's offer, read without loading the whole stock (the quote page asks
        on every change of vehicle or product)."""
        with self._store.read() as s:
            item = repo.inventory_item_by_vin(s, vin)
            if item is None:
                return None
            units = repo.count_in_stock_same_model(s, item.dealer_id, item.make, item.model)
        facts = VehicleFacts(vin=item.vin, make=item.make, model=item.model,
                             category=item.category.value, is_nev=item.is_nev,
                             model_year=item.model_year, price=item.list_price,
                             days_in_stock=item.days_in_stock(today), units_same_model=units)
        matched = tuple(matching(self.rules(), facts, segment, product, today))
        return VehicleOffer(item, facts, matched, combine(matched))

    def promote(self, offer: Offer, product: Product, *, price: Money, down_payment: Money,
                term_months: int, category: str, is_nev: bool = False,
                method: Method | str = Method.EQUAL_INSTALLMENT,
                fees: list[Fee] | None = None, start: date | None = None,
                balloon: Money | None = None, **pattern: Any) -> PromotedQuote:
        """`pattern`: interest_only_months, payment_months or step, as for a quote."""
        return promoted_quote(offer, product, price=price, down_payment=down_payment,
                              term_months=term_months, category=category, is_nev=is_nev,
                              method=method, fees=fees, start=start, balloon=balloon,
                              guard=self.guard, **pattern)

    def best_plan(self, vin: str, catalog: Catalog, today: date,
                  segment: str | None = None) -> BestPlan | None:
        """The plan that costs the customer least a year (lowest effective APR, then the
        lowest monthly payment) at the lowest down payment any applicable offer allows,
        over every product and term."""
        best: tuple[tuple[Decimal, int], BestPlan] | None = None
        for product in catalog.products.values():
            found = self.offer_for(vin, today, segment, product.code)
            if found is None:
                return None
            item, offer = found.item, found.offer
            category = item.category.value
            down = _lowest_down(product, offer, item)
            terms = set(product.terms)
            if offer.max_term_months:  # what promoted_terms may add; the rest is refused
                terms |= {t for t in STANDARD_TERMS if t <= offer.max_term_months}
            for term in sorted(terms):
                try:
                    pq = self.promote(offer, product, price=item.list_price,
                                      down_payment=down, term_months=term, category=category,
                                      is_nev=item.is_nev, start=today)
                except (QuoteLimitError, ValueError):
                    continue
                key = (pq.promoted.apr.effective, pq.promoted.schedule.rows[0].payment_fen)
                if best is None or key < best[0]:
                    best = (key, BestPlan(product, term, down, pq))
        return best[1] if best else None

    def test_rule(self, rule: Rule, catalog: Catalog, today: date) -> RuleTest:
        """Which vehicles `rule` hits, and what it alone does to the first hit's plan
        (the product's minimum down payment, 36 months or its nearest term)."""
        # A draft (inactive) rule is tested as if it were switched on.
        trial = dataclasses.replace(rule, active=True)
        hits = tuple(o for o in self.offers(today, rules=[trial]) if o.matched)
        if not hits:
            return RuleTest(rule, hits, None, None, "no vehicle in stock meets the conditions")
        first = hits[0]
        products = [p for code, p in catalog.products.items()
                    if not rule.conditions.products or code in rule.conditions.products]
        if not products:
            return RuleTest(rule, hits, None, first, "no product of the catalog is named")
        product = products[0]
        term = min(product.terms, key=lambda t: abs(t - 36))
        offer = combine([trial])
        down = _lowest_down(product, offer, first.item)
        try:
            sample = self.promote(offer, product, price=first.item.list_price,
                                  down_payment=down, term_months=term,
                                  category=first.item.category.value,
                                  is_nev=first.item.is_nev, start=today)
        except (QuoteLimitError, ValueError) as exc:
            return RuleTest(rule, hits, None, first, str(exc))
        return RuleTest(rule, hits, sample, first)

    # --- recording ---------------------------------------------------------------------

    @staticmethod
    def summary(pq: PromotedQuote) -> list[dict[str, Any]]:
        """What an applied offer did, per rule: for the quote sheet and the application."""
        costs: dict[str, int] = {}
        for c in pq.costs:
            costs[c.rule.code] = costs.get(c.rule.code, 0) + c.amount.fen
        return [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en,
                 "source": r.source, "funded_by": r.funded_by,
                 "cost_fen": costs.get(r.code, 0),
                 "effects": [e.kind.value for e in r.effects]}
                for r in pq.terms.offer.applied] + [{
                    "code": "_total", "monthly_saving_fen": pq.monthly_saving.fen,
                    "interest_saving_fen": pq.interest_saving.fen,
                    "fee_saving_fen": pq.fee_saving.fen,
                    "dealer_cost_fen": pq.dealer_cost.fen}]

    def clear(self, actor: User, application_id: str) -> None:
        """The draft's plan no longer carries a promotion: none is recorded with it."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            repo.set_application_promotions(s, application_id, [])

    def record(self, actor: User, application_id: str, pq: PromotedQuote) -> None:
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            repo.set_application_promotions(s, application_id, self.summary(pq))
            repo.audit(s, AuditAction.CHANGE, "application", application_id, actor,
                       "promotions: " + ", ".join(r.code for r in pq.terms.offer.applied))
