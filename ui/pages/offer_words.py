"""Promotions in words: the offers, rules, conditions and effects as a consultant reads
them, in the desk's language. Shared by the stock page, the rules view and the quote page.

Duck-typed on purpose: the UI reaches the promotion types only through the services,
so these helpers read attributes and never import the rule classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication

from showroom_app.domain.money import Money

CATEGORIES = ("new_car", "used_car", "nev", "commercial", "tractor", "construction")
STATUSES = ("in_stock", "reserved", "sold")


def pct(rate: Decimal | float) -> str:
    return f"{Decimal(str(rate)) * 100:.2f}%"


def money(amount: Money | int) -> str:
    return (amount if isinstance(amount, Money) else Money(amount)).format()


def category_name(code: str) -> str:
    translate = QCoreApplication.translate
    return {
        "new_car": translate("Offers", "New car"), "used_car": translate("Offers", "Used car"),
        "nev": translate("Offers", "New-energy vehicle"), "commercial": translate("Offers", "Commercial vehicle"),
        "tractor": translate("Offers", "Tractor"), "construction": translate("Offers", "Construction machinery"),
    }.get(str(code), str(code))


def status_name(code: str) -> str:
    translate = QCoreApplication.translate
    return {"in_stock": translate("Offers", "In stock"), "reserved": translate("Offers", "Reserved"),
            "sold": translate("Offers", "Sold")}.get(str(code), str(code))


def segment_name(code: str) -> str:
    translate = QCoreApplication.translate
    return {"individual": translate("Offers", "individuals"), "fleet": translate("Offers", "fleets"),
            "farmer": translate("Offers", "farmers")}.get(code, code)


def funder_name(code: str) -> str:
    translate = QCoreApplication.translate
    return {"dealer": translate("Offers", "the dealer"), "oem": translate("Offers", "the manufacturer"),
            "lessor": translate("Offers", "the lessor")}.get(code, code)


def source_name(code: str) -> str:
    translate = QCoreApplication.translate
    return {"dealer": translate("Offers", "Dealer"), "central": translate("Offers", "Central campaign")}.get(
        code, code)


def one_language(message: str, english: bool) -> str:
    """The services write row problems as "English / 中文": keep the desk's language."""
    parts = []
    for piece in str(message).split("; "):
        en, sep, zh = piece.rpartition(" / ")
        parts.append((en if english else zh) if sep else piece)
    return "；".join(parts) if not english else "; ".join(parts)


def rule_name(rule: Any, english: bool) -> str:
    return (rule.name_en if english else rule.name_zh) or rule.code


def _join(items: Iterable[str], english: bool) -> str:
    return (", " if english else "、").join(items)


def effect_words(effect: Any, english: bool, fee_names: Mapping[str, str]) -> str:
    translate = QCoreApplication.translate
    kind = str(getattr(effect.kind, "value", effect.kind))
    if kind == "lower_down_payment":
        return translate("Offers", "down payment from {0}").format(pct(effect.down_payment_ratio))
    if kind == "subsidised_rate":
        return translate("Offers", "subsidised rate {0}").format(pct(effect.rate))
    if kind == "fee_waiver":
        return translate("Offers", "{0} waived").format(
            _join((fee_names.get(c, c) for c in effect.fee_codes), english))
    if kind == "longer_term":
        return translate("Offers", "terms up to {0} months").format(effect.max_term_months)
    gift = effect.gift_en if english else effect.gift_zh
    if effect.gift_value.fen:
        return translate("Offers", "gift: {0} (worth {1})").format(gift, money(effect.gift_value))
    return translate("Offers", "gift: {0}").format(gift)


def effects_words(rule: Any, english: bool, fee_names: Mapping[str, str]) -> str:
    return ("; " if english else "；").join(effect_words(e, english, fee_names)
                                            for e in rule.effects)


def conditions_words(conditions: Any, english: bool,
                     product_names: Mapping[str, str]) -> str:
    translate = QCoreApplication.translate
    c = conditions
    out: list[str] = []
    if c.makes:
        out.append(translate("Offers", "make {0}").format(_join(c.makes, english)))
    if c.models:
        out.append(translate("Offers", "model {0}").format(_join(c.models, english)))
    if c.categories:
        out.append(_join((category_name(x) for x in c.categories), english))
    if c.nev is True:
        out.append(translate("Offers", "new-energy only"))
    elif c.nev is False:
        out.append(translate("Offers", "no new-energy vehicles"))
    if c.model_year_min is not None and c.model_year_max is not None:
        out.append(translate("Offers", "model year {0}–{1}").format(c.model_year_min, c.model_year_max))
    elif c.model_year_min is not None:
        out.append(translate("Offers", "model year {0} or later").format(c.model_year_min))
    elif c.model_year_max is not None:
        out.append(translate("Offers", "model year {0} or earlier").format(c.model_year_max))
    if c.price_min is not None:
        out.append(translate("Offers", "price from {0}").format(money(c.price_min)))
    if c.price_max is not None:
        out.append(translate("Offers", "price up to {0}").format(money(c.price_max)))
    if c.min_days_in_stock is not None:
        out.append(translate("Offers", "in stock {0}+ days").format(c.min_days_in_stock))
    if c.min_units_same_model is not None:
        out.append(translate("Offers", "{0}+ of the same model in stock").format(c.min_units_same_model))
    if c.segments:
        out.append(translate("Offers", "for {0}").format(_join((segment_name(s) for s in c.segments),
                                                       english)))
    if c.products:
        out.append(translate("Offers", "with {0}").format(
            _join((product_names.get(p, p) for p in c.products), english)))
    if c.valid_from is not None or c.valid_to is not None:
        start = c.valid_from.isoformat() if c.valid_from else "…"
        end = c.valid_to.isoformat() if c.valid_to else "…"
        out.append(translate("Offers", "valid {0} to {1}").format(start, end))
    return ("; " if english else "；").join(out) if out else translate("Offers", "every vehicle")


def offer_words(offer: Any, english: bool, fee_names: Mapping[str, str]) -> list[str]:
    """The best financing an offer gives, one phrase per kind of effect."""
    translate = QCoreApplication.translate
    out: list[str] = []
    if offer.rate is not None:
        out.append(translate("Offers", "rate from {0}").format(pct(offer.rate)))
    if offer.down_payment_ratio is not None:
        out.append(translate("Offers", "down payment from {0}").format(pct(offer.down_payment_ratio)))
    if offer.waived:
        out.append(translate("Offers", "{0} waived").format(
            _join((fee_names.get(code, code) for code, _rule in offer.waived), english)))
    if offer.max_term_months is not None:
        out.append(translate("Offers", "terms up to {0} months").format(offer.max_term_months))
    for zh, en, _value, _rule in offer.gifts:
        out.append(translate("Offers", "gift: {0}").format(en if english else zh))
    return out


def skipped_words(skipped: Any, english: bool) -> str:
    translate = QCoreApplication.translate
    why = {
        "exclusive_outranked": translate("Offers", "not combined with a higher-priority offer"),
        "exclusive_other": translate("Offers", "another offer applies alone"),
        "outranked": translate("Offers", "another offer gives more"),
    }.get(skipped.why, skipped.why)
    return f"{rule_name(skipped.rule, english)}: {why}"


def fee_names(catalog: Any, english: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for product in catalog.products.values():
        for spec in product.fees:
            out.setdefault(spec.code, spec.name_en if english else spec.name_zh)
    return out


def product_names(catalog: Any, english: bool) -> dict[str, str]:
    return {code: (p.name_en if english else p.name_zh) for code, p in catalog.products.items()}
