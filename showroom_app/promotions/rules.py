"""Promotion rules: declarative conditions on the vehicle, the stock, the customer and the
product, and effects on the financing. Managers write them (UI or YAML), central's
campaigns arrive in the same shape.

A rule's conditions all have to hold (an empty list means "any"). Effects:

- ``lower_down_payment``: the minimum down payment falls to ``down_payment_ratio``;
- ``subsidised_rate``: the customer pays ``rate``; whoever funds it (贴息) pays the lessor
  the difference, computed per quote (see ``engine.subsidy_cost``);
- ``fee_waiver``: the fees ``fee_codes`` are not charged; the funder bears them;
- ``longer_term``: terms up to ``max_term_months`` are offered;
- ``gift``: something given with the vehicle (``gift_zh`` / ``gift_en``, worth ``gift_value``).

Guardrails and stacking live in ``engine``: a rule may ask for anything, the engine
never lets it break a product or regulatory limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import yaml

from showroom_app.domain.enums import VehicleCategory
from showroom_app.domain.money import Money

SEGMENTS = ("individual", "fleet", "farmer")
FUNDERS = ("dealer", "oem", "lessor")


class RuleError(ValueError):
    """A rule that cannot be used; the message names the rule and the field."""


class EffectKind(StrEnum):
    LOWER_DOWN_PAYMENT = "lower_down_payment"
    SUBSIDISED_RATE = "subsidised_rate"
    FEE_WAIVER = "fee_waiver"
    LONGER_TERM = "longer_term"
    GIFT = "gift"


@dataclass(frozen=True, slots=True)
class VehicleFacts:
    """What the conditions read of one vehicle and its place in the stock."""

    vin: str
    make: str
    model: str
    category: str
    is_nev: bool
    model_year: int | None
    price: Money
    days_in_stock: int
    units_same_model: int  # vehicles of this make and model in stock, itself included


@dataclass(frozen=True, slots=True)
class Conditions:
    makes: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    nev: bool | None = None  # True: new-energy only; False: never new-energy
    model_year_min: int | None = None
    model_year_max: int | None = None
    price_min: Money | None = None
    price_max: Money | None = None
    min_days_in_stock: int | None = None
    min_units_same_model: int | None = None
    segments: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive

    def holds(self, v: VehicleFacts, segment: str | None, product: str | None,
              today: date) -> bool:
        """`not failures(...)`, stopping at the first condition that fails: the stock
        page matches every rule against thousands of vehicles."""
        return not (
            (self.min_days_in_stock is not None and v.days_in_stock < self.min_days_in_stock)
            or (self.categories and v.category not in self.categories)
            or (self.nev is not None and v.is_nev != self.nev)
            or (self.makes and v.make not in self.makes)
            or (self.models and v.model not in self.models)
            or (self.valid_from is not None and today < self.valid_from)
            or (self.valid_to is not None and today > self.valid_to)
            or (self.segments and segment is not None and segment not in self.segments)
            or (self.products and product is not None and product not in self.products)
            or (self.min_units_same_model is not None
                and v.units_same_model < self.min_units_same_model)
            or (self.price_min is not None and v.price < self.price_min)
            or (self.price_max is not None and v.price > self.price_max)
            or (self.model_year_min is not None and (v.model_year or 0) < self.model_year_min)
            or (self.model_year_max is not None
                and (v.model_year is None or v.model_year > self.model_year_max)))

    def failures(self, v: VehicleFacts, segment: str | None, product: str | None,
                 today: date) -> list[str]:
        """The conditions that do not hold, as codes (the rule tester shows them).
        `segment` or `product` None means "not chosen yet": those conditions pass."""
        out = []
        if self.makes and v.make not in self.makes:
            out.append("make")
        if self.models and v.model not in self.models:
            out.append("model")
        if self.categories and v.category not in self.categories:
            out.append("category")
        if self.nev is not None and v.is_nev != self.nev:
            out.append("nev")
        if self.model_year_min is not None and (v.model_year or 0) < self.model_year_min:
            out.append("model_year_min")
        if self.model_year_max is not None and (
                v.model_year is None or v.model_year > self.model_year_max):
            out.append("model_year_max")
        if self.price_min is not None and v.price < self.price_min:
            out.append("price_min")
        if self.price_max is not None and v.price > self.price_max:
            out.append("price_max")
        if self.min_days_in_stock is not None and v.days_in_stock < self.min_days_in_stock:
            out.append("min_days_in_stock")
        if self.min_units_same_model is not None and \
                v.units_same_model < self.min_units_same_model:
            out.append("min_units_same_model")
        if self.segments and segment is not None and segment not in self.segments:
            out.append("segment")
        if self.products and product is not None and product not in self.products:
            out.append("product")
        if self.valid_from is not None and today < self.valid_from:
            out.append("valid_from")
        if self.valid_to is not None and today > self.valid_to:
            out.append("valid_to")
        return out


@dataclass(frozen=True, slots=True)
class Effect:
    kind: EffectKind
    down_payment_ratio: Decimal | None = None
    rate: Decimal | None = None
    fee_codes: tuple[str, ...] = ()
    max_term_months: int | None = None
    gift_zh: str = ""
    gift_en: str = ""
    gift_value: Money = field(default_factory=Money.zero)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name_zh: str
    name_en: str
    effects: tuple[Effect, ...]
    conditions: Conditions = field(default_factory=Conditions)
    funded_by: str = "dealer"  # dealer | oem | lessor: who bears the cost
    priority: int = 0  # higher first; see engine for stacking
    stackable: bool = True  # False: applies alone, never with another rule
    active: bool = True
    source: str = "dealer"  # dealer (edited here) | central (campaign feed)


# --- reading and writing -------------------------------------------------------------

_CONDITION_LISTS = ("makes", "models", "categories", "segments", "products")


def _ratio(value: Any, where: str, low: Decimal = Decimal(0),
           high: Decimal = Decimal(1)) -> Decimal:
    """A fraction: 0.15, "0.15" or "15%". YAML reads 0.15 as a float; its repr is the
    text the manager wrote, so no binary noise gets in."""
    if value is None or isinstance(value, bool):
        raise RuleError(f"{where}: a number is required")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    percent = text.endswith("%")
    try:
        d = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise RuleError(f"{where}: {value!r} is not a number") from None
    if percent:
        d /= 100
    if not d.is_finite() or not low <= d <= high:
        raise RuleError(f"{where}: {value!r} must be between {low} and {high}")
    return d


def _money(value: Any, where: str) -> Money:
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Money.of(str(value))
    except (ValueError, TypeError):
        raise RuleError(f"{where}: {value!r} is not an amount in yuan") from None
    if amount.fen < 0:
        raise RuleError(f"{where}: an amount cannot be negative")
    return amount


def _int(value: Any, where: str, low: int = 0, high: int = 10**6) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(f"{where}: a whole number from {low} to {high}, not {value!r}")
    return value


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"{where}: a date YYYY-MM-DD, not {value!r}") from None


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RuleError(f"{where}: a list of names")
    return tuple(str(v).strip() for v in value if str(v).strip())


def conditions_from_dict(raw: dict[str, Any], where: str) -> Conditions:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: conditions must be a mapping")
    known = {f.name for f in fields(Conditions)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RuleError(f"{where}: unknown condition {unknown[0]!r}")
    values: dict[str, Any] = {}
    for name in _CONDITION_LISTS:
        values[name] = _text_list(raw.get(name), f"{where}.{name}")
    for cat in values["categories"]:
        if cat not in {c.value for c in VehicleCategory}:
            raise RuleError(f"{where}.categories: unknown category {cat!r}")
    for seg in values["segments"]:
        if seg not in SEGMENTS:
            raise RuleError(f"{where}.segments: unknown segment {seg!r}")
    if raw.get("nev") is not None:
        if not isinstance(raw["nev"], bool):
            raise RuleError(f"{where}.nev: true or false")
        values["nev"] = raw["nev"]
    for name in ("model_year_min", "model_year_max"):
        if raw.get(name) is not None:
            values[name] = _int(raw[name], f"{where}.{name}", 1980, 2100)
    for name in ("min_days_in_stock", "min_units_same_model"):
        if raw.get(name) is not None:
            values[name] = _int(raw[name], f"{where}.{name}", 0, 100_000)
    for name in ("price_min", "price_max"):
        if raw.get(name) is not None:
            values[name] = _money(raw[name], f"{where}.{name}")
    for name in ("valid_from", "valid_to"):
        if raw.get(name) is not None:
            values[name] = _date(raw[name], f"{where}.{name}")
    c = Conditions(**values)
    if c.valid_from and c.valid_to and c.valid_to < c.valid_from:
        raise RuleError(f"{where}: valid_to is before valid_from")
    if c.price_min and c.price_max and c.price_max < c.price_min:
        raise RuleError(f"{where}: price_max is below price_min")
    return c


def effect_from_dict(raw: dict[str, Any], where: str) -> Effect:
    if not isinstance(raw, dict) or "kind" not in raw:
        raise RuleError(f"{where}: an effect needs a kind")
    try:
        kind = EffectKind(raw["kind"])
    except ValueError:
        raise RuleError(f"{where}: unknown effect {raw['kind']!r} "
                        f"({', '.join(k.value for k in EffectKind)})") from None
    allowed = {"kind", *{
        EffectKind.LOWER_DOWN_PAYMENT: ("down_payment_ratio",),
        EffectKind.SUBSIDISED_RATE: ("rate",),
        EffectKind.FEE_WAIVER: ("fee_codes",),
        EffectKind.LONGER_TERM: ("max_term_months",),
        EffectKind.GIFT: ("gift_zh", "gift_en", "gift_value"),
    }[kind]}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise RuleError(f"{where}: {kind.value} takes no {extra[0]!r}")
    if kind is EffectKind.LOWER_DOWN_PAYMENT:
        return Effect(kind, down_payment_ratio=_ratio(
            raw.get("down_payment_ratio"), f"{where}.down_payment_ratio"))
    if kind is EffectKind.SUBSIDISED_RATE:
        return Effect(kind, rate=_ratio(raw.get("rate"), f"{where}.rate", high=Decimal("0.36")))
    if kind is EffectKind.FEE_WAIVER:
        codes = _text_list(raw.get("fee_codes"), f"{where}.fee_codes")
        if not codes:
            raise RuleError(f"{where}.fee_codes: name at least one fee")
        return Effect(kind, fee_codes=codes)
    if kind is EffectKind.LONGER_TERM:
        return Effect(kind, max_term_months=_int(raw.get("max_term_months"),
                                                 f"{where}.max_term_months", 6, 120))
    zh, en = str(raw.get("gift_zh") or "").strip(), str(raw.get("gift_en") or "").strip()
    if not zh and not en:
        raise RuleError(f"{where}: a gift needs a name (gift_zh / gift_en)")
    return Effect(kind, gift_zh=zh or en, gift_en=en or zh,
                  gift_value=_money(raw.get("gift_value", 0), f"{where}.gift_value"))


def rule_from_dict(raw: dict[str, Any], source: str = "dealer") -> Rule:
    if not isinstance(raw, dict):
        raise RuleError("a rule must be a mapping")
    code = str(raw.get("code") or "").strip()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_." for c in code):
        raise RuleError(f"rule {code or '?'}: a code of 1 to 40 letters, digits, - _ .")
    where = f"rule {code}"
    known = {"code", "name_zh", "name_en", "conditions", "effects", "funded_by", "priority",
             "stackable", "active"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RuleError(f"{where}: unknown key {unknown[0]!r}")
    name_zh = str(raw.get("name_zh") or "").strip()
    name_en = str(raw.get("name_en") or "").strip()
    if not name_zh and not name_en:
        raise RuleError(f"{where}: give a name (name_zh / name_en)")
    effects_raw = raw.get("effects")
    if not isinstance(effects_raw, list) or not effects_raw:
        raise RuleError(f"{where}: at least one effect")
    effects = tuple(effect_from_dict(e, f"{where}.effects[{i}]")
                    for i, e in enumerate(effects_raw))
    kinds = [e.kind for e in effects if e.kind is not EffectKind.GIFT]
    if len(kinds) != len(set(kinds)):
        raise RuleError(f"{where}: one effect of each kind")
    funded_by = str(raw.get("funded_by", "dealer"))
    if funded_by not in FUNDERS:
        raise RuleError(f"{where}.funded_by: one of {', '.join(FUNDERS)}")
    for name in ("stackable", "active"):
        if name in raw and not isinstance(raw[name], bool):
            raise RuleError(f"{where}.{name}: true or false")
    return Rule(
        code=code, name_zh=name_zh or name_en, name_en=name_en or name_zh, effects=effects,
        conditions=conditions_from_dict(raw.get("conditions") or {}, f"{where}.conditions"),
        funded_by=funded_by, priority=_int(raw.get("priority", 0), f"{where}.priority",
                                            -1000, 1000),
        stackable=raw.get("stackable", True), active=raw.get("active", True), source=source)


def _plain(value: Any) -> Any:
    if isinstance(value, Money):
        return str(value.yuan)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    conditions = {f.name: _plain(getattr(rule.conditions, f.name))
                  for f in fields(Conditions)
                  if getattr(rule.conditions, f.name) not in (None, ())}
    effects = []
    for e in rule.effects:
        out: dict[str, Any] = {"kind": e.kind.value}
        if e.kind is EffectKind.LOWER_DOWN_PAYMENT:
            out["down_payment_ratio"] = _plain(e.down_payment_ratio)
        elif e.kind is EffectKind.SUBSIDISED_RATE:
            out["rate"] = _plain(e.rate)
        elif e.kind is EffectKind.FEE_WAIVER:
            out["fee_codes"] = list(e.fee_codes)
        elif e.kind is EffectKind.LONGER_TERM:
            out["max_term_months"] = e.max_term_months
        else:
            out.update(gift_zh=e.gift_zh, gift_en=e.gift_en, gift_value=_plain(e.gift_value))
        effects.append(out)
    return {"code": rule.code, "name_zh": rule.name_zh, "name_en": rule.name_en,
            "funded_by": rule.funded_by, "priority": rule.priority,
            "stackable": rule.stackable, "active": rule.active,
            "conditions": conditions, "effects": effects}


def rules_from_yaml(text: str) -> list[Rule]:
    """`rules:` a list of rules. Every rule is checked; the first problem is raised with
    the rule's code, and nothing is half-imported."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"not valid YAML: {exc}") from None
    if isinstance(raw, dict):
        raw = raw.get("rules")
    if not isinstance(raw, list):
        raise RuleError("expected `rules:` with a list of rules")
    rules = [rule_from_dict(r) for r in raw]
    codes = [r.code for r in rules]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise RuleError(f"rule {duplicate}: the code appears twice")
    return rules


def rules_to_yaml(rules: list[Rule]) -> str:
    return yaml.safe_dump({"rules": [rule_to_dict(r) for r in rules]}, allow_unicode=True,
                          sort_keys=False)


def rule_from_campaign(raw: dict[str, Any]) -> Rule:
    """Central's campaign feed item (sync/openapi.yaml `Campaign`) as a rule."""
    kind = raw.get("effect")
    value = raw.get("value")
    effect: dict[str, Any] = {"kind": kind}
    if kind == "subsidised_rate":
        effect["rate"] = value
    elif kind == "lower_down_payment":
        effect["down_payment_ratio"] = value
    elif kind == "fee_waiver":
        effect["fee_codes"] = [value]
    else:
        raise RuleError(f"campaign {raw.get('code')}: unknown effect {kind!r}")
    return rule_from_dict({
        "code": raw.get("code"), "name_zh": raw.get("name_zh"), "name_en": raw.get("name_en"),
        # Neutral priority: a campaign stacks with the dealer's rules, and a dealer's
        # exclusive clearance rule can still outrank it (ties go to the campaign).
        "funded_by": raw.get("funded_by", "lessor"), "priority": 0,
        "active": bool(raw.get("active", True)),
        "conditions": {"makes": raw.get("makes") or [],
                       "categories": raw.get("categories") or [],
                       "products": raw.get("products") or [],
                       "valid_from": raw.get("valid_from"), "valid_to": raw.get("valid_to")},
        "effects": [effect]}, source="central")
