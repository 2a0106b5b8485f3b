"""Which promotions apply, how they combine, and what they do to a quote — safely.

Stacking and priority (the documented policy):

1. Only active rules whose every condition holds are considered ("matched").
2. An exclusive rule (``stackable: false``) applies alone. Among the matched rules, the
   one with the highest priority decides: if it is exclusive, it alone applies; if it is
   stackable, all stackable rules apply together and every exclusive rule is skipped.
   Equal priorities: central's campaigns before the dealer's rules, then by code.
3. Within a stack, each kind of effect has one winner — the best for the customer:
   the lowest down payment, the lowest rate, the longest term; fee waivers add up (one
   funder per fee: the highest-priority rule's); gifts all apply.
4. Every rule that matched but did not apply is listed with why (outranked, exclusive,
   or no better than another), so the consultant can explain the price.

Guardrails: a promotion may lower the product's minimum down payment but never below
what the product's LTV cap for the vehicle allows; it may lower the rate but never
below the lessor's minimum rate (``Guardrails.min_rate``) and never raises it; it may
offer longer terms but never beyond the product's or the regulation's maximum for the
category. When a guardrail trims an effect, the result says so in words. The finance
engine's own limit check still runs on the promoted quote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from showroom_app.domain.money import Money
from showroom_app.finance.products import DEFAULT_MAX_TERM_MONTHS, Fee, Product
from showroom_app.finance.quote import Quote, quote
from showroom_app.finance.schedule import Method, StepPlan
from showroom_app.promotions.rules import EffectKind, Rule, VehicleFacts

STANDARD_TERMS = (6, 12, 18, 24, 36, 48, 60, 72, 84)


@dataclass(frozen=True)
class Skipped:
    rule: Rule
    # "excluded" (an exclusive rule above applies alone), "exclusive_outranked" (an
    # exclusive rule under a stackable one) or "outranked" (another rule gives more of
    # the same effect)
    why: str


@dataclass(frozen=True)
class Offer:
    """The combined effect of the rules that apply to one vehicle (and product)."""

    applied: tuple[Rule, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    down_payment_ratio: Decimal | None = None
    down_rule: Rule | None = None
    rate: Decimal | None = None
    rate_rule: Rule | None = None
    waived: tuple[tuple[str, Rule], ...] = ()  # (fee code, the rule that waives it)
    max_term_months: int | None = None
    term_rule: Rule | None = None
    gifts: tuple[tuple[str, str, Money, Rule], ...] = ()  # zh, en, value, rule

    @property
    def empty(self) -> bool:
        return not self.applied


def _rank(rule: Rule) -> tuple[int, int, str]:
    return (-rule.priority, 0 if rule.source == "central" else 1, rule.code)


def matching(rules: Iterable[Rule], vehicle: VehicleFacts, segment: str | None,
             product: str | None, today: date) -> list[Rule]:
    return sorted((r for r in rules
                   if r.active and r.conditions.holds(vehicle, segment, product, today)),
                  key=_rank)


def combine(matched: Sequence[Rule]) -> Offer:
    """Apply the stacking policy to rules already known to match (any order)."""
    ranked = sorted(matched, key=_rank)
    if not ranked:
        return Offer()
    top = ranked[0]
    skipped: list[Skipped] = []
    if not top.stackable:
        stack = [top]
        skipped += [Skipped(r, "excluded") for r in ranked[1:]]
    else:
        stack = [r for r in ranked if r.stackable]
        skipped += [Skipped(r, "exclusive_outranked") for r in ranked if not r.stackable]

    down: tuple[Decimal, Rule] | None = None
    rate: tuple[Decimal, Rule] | None = None
    term: tuple[int, Rule] | None = None
    waived: dict[str, Rule] = {}
    gifts: list[tuple[str, str, Money, Rule]] = []
    for rule in stack:  # best first within ties, thanks to the ranking
        for e in rule.effects:
            if e.kind is EffectKind.LOWER_DOWN_PAYMENT and e.down_payment_ratio is not None:
                if down is None or e.down_payment_ratio < down[0]:
                    down = (e.down_payment_ratio, rule)
            elif e.kind is EffectKind.SUBSIDISED_RATE and e.rate is not None:
                if rate is None or e.rate < rate[0]:
                    rate = (e.rate, rule)
            elif e.kind is EffectKind.LONGER_TERM and e.max_term_months is not None:
                if term is None or e.max_term_months > term[0]:
                    term = (e.max_term_months, rule)
            elif e.kind is EffectKind.FEE_WAIVER:
                for code in e.fee_codes:
                    waived.setdefault(code, rule)
            elif e.kind is EffectKind.GIFT:
                gifts.append((e.gift_zh, e.gift_en, e.gift_value, rule))
    winners = {id(x[1]) for x in (down, rate, term) if x} | {id(r) for r in waived.values()} \
        | {id(g[3]) for g in gifts}
    applied = tuple(r for r in stack if id(r) in winners)
    skipped += [Skipped(r, "outranked") for r in stack if id(r) not in winners]
    return Offer(
        applied=applied, skipped=tuple(skipped),
        down_payment_ratio=down[0] if down else None, down_rule=down[1] if down else None,
        rate=rate[0] if rate else None, rate_rule=rate[1] if rate else None,
        waived=tuple(sorted(waived.items())),
        max_term_months=term[0] if term else None, term_rule=term[1] if term else None,
        gifts=tuple(gifts))


@dataclass(frozen=True)
class Guardrails:
    # The lowest rate the lessor lets a customer pay, subsidy or not (0 allows 0 % deals).
    min_rate: Decimal = Decimal("0")


@dataclass(frozen=True)
class Note:
    code: str  # down_payment_capped | rate_floored | rate_not_lower | term_capped | ...
    zh: str
    en: str


def _pct(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


@dataclass(frozen=True)
class PromotedTerms:
    """The product as the offer makes it, within every guardrail."""

    product: Product
    rate: Decimal | None  # the customer's rate if subsidised, else None (the grid's)
    waived: tuple[tuple[str, Rule], ...]
    notes: tuple[Note, ...]
    offer: Offer

    def fees(self, fees: Sequence[Fee]) -> tuple[Fee, ...]:
        gone = {code for code, _ in self.waived}
        return tuple(f for f in fees if f.code not in gone)


def promoted_terms(offer: Offer, product: Product, category: str, is_nev: bool,
                   standard_rate: Decimal | None,
                   guard: Guardrails = Guardrails()) -> PromotedTerms:
    notes: list[Note] = []
    changes: dict = {}
    if offer.down_payment_ratio is not None:
        wanted = offer.down_payment_ratio
        cap = product.ltv_cap(category, is_nev)
        floor = Decimal(1) - cap if cap is not None else Decimal(0)
        allowed = max(wanted, floor)
        if allowed > wanted:
            notes.append(Note("down_payment_capped",
                              f"首付最低{_pct(allowed)}：不得超过贷款价值比上限{_pct(cap)}",
                              f"Down payment from {_pct(allowed)}, not {_pct(wanted)}: the "
                              f"{_pct(cap)} loan-to-value cap still applies"))
        if allowed < product.min_down_payment_ratio:
            changes["min_down_payment_ratio"] = allowed
    rate = None
    if offer.rate is not None:
        floored = max(offer.rate, guard.min_rate)
        if floored > offer.rate:
            notes.append(Note("rate_floored",
                              f"利率不低于出租人最低利率{_pct(guard.min_rate)}",
                              f"The rate stays at the lessor's minimum of "
                              f"{_pct(guard.min_rate)}"))
        if standard_rate is not None and floored >= standard_rate:
            notes.append(Note("rate_not_lower", "该期限的标准利率已不高于贴息利率",
                              "The standard rate for this term is already as low"))
        else:
            rate = floored
    if offer.max_term_months is not None:
        regulatory = DEFAULT_MAX_TERM_MONTHS.get(category, 60)
        # Never beyond the product's maximum for the category either (see the docstring).
        longest = min(offer.max_term_months, regulatory, product.max_term(category))
        if longest < offer.max_term_months:
            by_product = product.max_term(category) < regulatory
            limit_zh = "产品上限" if by_product else "监管上限"
            notes.append(Note("term_capped", f"期限最长{longest}个月（{limit_zh}）",
                              f"Terms up to {longest} months (the "
                              f"{'product' if by_product else 'regulatory'} maximum)"))
        extra = tuple(t for t in STANDARD_TERMS
                      if max(product.terms) < t <= longest and t not in product.terms)
        if extra:
            changes["terms"] = tuple(sorted((*product.terms, *extra)))
            # The grid has no rate for a new term: it takes the longest term's rate.
            grid = dict(product.rates)
            base_term = max(t for t in product.terms if (category, t) in grid) \
                if any((category, t) in grid for t in product.terms) else None
            if base_term is not None:
                for t in extra:
                    grid.setdefault((category, t), grid[(category, base_term)])
                changes["rates"] = grid
    if changes:
        product = dataclasses.replace(product, **changes)
    return PromotedTerms(product=product, rate=rate, waived=offer.waived,
                         notes=tuple(notes), offer=offer)


def present_value_fen(payments: Iterable[tuple[int, int]], annual_rate: Decimal) -> Decimal:
    """Σ payment / (1 + r/12)^month, exact in Decimal."""
    monthly = Decimal(1) + annual_rate / 12
    return sum((Decimal(fen) / monthly ** month for month, fen in payments), Decimal(0))


def subsidy_cost(promoted: Quote, standard_rate: Decimal) -> Money:
    """What the funder of a subsidised rate (贴息) pays the lessor at signing: the
    financed amount less the customer's payments discounted at the standard rate. The
    lessor then earns its standard rate on the same cash flows."""
    pv = present_value_fen(((r.month, r.payment_fen) for r in promoted.schedule.rows),
                           standard_rate)
    cost = Decimal(promoted.financed_amount.fen) - pv
    return Money(max(0, int(cost.quantize(Decimal(1)))))


@dataclass(frozen=True)
class Cost:
    rule: Rule
    what: str  # "rate" | "fee:CODE" | "gift"
    amount: Money


@dataclass(frozen=True)
class PromotedQuote:
    standard: Quote  # the same plan at the standard rate and fees
    promoted: Quote
    terms: PromotedTerms
    costs: tuple[Cost, ...] = field(default_factory=tuple)

    @property
    def monthly_saving(self) -> Money:
        return Money(self.standard.schedule.rows[0].payment_fen
                     - self.promoted.schedule.rows[0].payment_fen)

    @property
    def interest_saving(self) -> Money:
        return self.standard.schedule.total_interest - self.promoted.schedule.total_interest

    @property
    def fee_saving(self) -> Money:
        return Money(sum(f.amount.fen for f in self.standard.fees)
                     - sum(f.amount.fen for f in self.promoted.fees))

    def cost_by_funder(self) -> dict[str, Money]:
        out: dict[str, Money] = {}
        for c in self.costs:
            out[c.rule.funded_by] = out.get(c.rule.funded_by, Money(0)) + c.amount
        return out

    @property
    def dealer_cost(self) -> Money:
        return self.cost_by_funder().get("dealer", Money(0))


def promoted_quote(offer: Offer, product: Product, *, price: Money, down_payment: Money,
                   term_months: int, category: str, is_nev: bool = False,
                   method: Method | str = Method.EQUAL_INSTALLMENT,
                   fees: Sequence[Fee] | None = None, start: date | None = None,
                   balloon: Money | None = None,
                   guard: Guardrails = Guardrails(), interest_only_months: int = 0,
                   payment_months: Collection[int] | None = None,
                   step: StepPlan | None = None) -> PromotedQuote:
    """The plan with and without the offer. The promoted quote goes through the finance
    engine's limits (raises ``QuoteLimitError`` like any quote); the standard one is the
    same cash plan at the grid rate and full fees, for the comparison only."""
    fees = tuple(product.default_fees() if fees is None else fees)
    grid_rate = product.rate_for(category, term_months)
    terms = promoted_terms(offer, product, category, is_nev, grid_rate, guard)
    standard_rate = grid_rate if grid_rate is not None else terms.product.rate_for(
        category, term_months)
    if standard_rate is None:
        raise ValueError(f"{product.code} has no rate for {category} over {term_months} "
                         "months")
    # Seasonal, step and interest-only plans: the same pattern with and without the offer.
    pattern = {"interest_only_months": interest_only_months,
               "payment_months": payment_months, "step": step}
    promoted = quote(price=price, down_payment=down_payment, term_months=term_months,
                     method=method, balloon=balloon, annual_rate=terms.rate,
                     product=terms.product, category=category, is_nev=is_nev,
                     fees=terms.fees(fees), start=start, **pattern)
    standard = quote(price=price, down_payment=down_payment, term_months=term_months,
                     method=method, balloon=balloon, annual_rate=standard_rate,
                     category=category, is_nev=is_nev, fees=fees, start=promoted.start,
                     **pattern)
    costs: list[Cost] = []
    if terms.rate is not None and offer.rate_rule is not None:
        costs.append(Cost(offer.rate_rule, "rate", subsidy_cost(promoted, standard_rate)))
    charged = {f.code for f in promoted.fees}
    for fee in fees:
        rule = dict(terms.waived).get(fee.code)
        if rule is not None and fee.code not in charged:
            costs.append(Cost(rule, f"fee:{fee.code}", fee.amount))
    for _zh, _en, value, rule in offer.gifts:
        costs.append(Cost(rule, "gift", value))
    return PromotedQuote(standard=standard, promoted=promoted, terms=terms,
                         costs=tuple(costs))
