"""Finance products: the bundled default catalog and the loader for central's catalog.

The catalog central publishes (``sync/openapi.yaml`` ``Catalog``) replaces the bundled one
as soon as it has been pulled. The bundled catalog is written in the same JSON shape and
read through the same loader, so first start, demo and synced desks share one code path.

Central's ``Product`` carries terms, a rate grid by vehicle category and term, fees,
minimum down payment, maximum residual and LTV caps. The desk also needs maximum terms by
category, the repayment methods offered, optional fees and the lease-end options; the
loader reads them when present (extra keys) and otherwise applies the defaults below.

Defaults, from DOMAIN.md: LTV caps commercial petrol/diesel 70 %, commercial new-energy
75 %, used car 70 % (PBoC/CBRC 2018); private-use caps were left to lenders in 2024, so
80 % for new cars is a lender's choice; tractors and construction machinery follow the
commercial cap. Leases are not formally bound by the loan caps (*unverified*): lease
products carry their own caps. Maximum terms: new car 5 years, used car 3 years, other
categories 5 years. All of these are data, configurable per product and category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from showroom_app.domain.enums import VehicleCategory
from showroom_app.domain.money import Money
from showroom_app.finance.schedule import Method

__all__ = [
    "DEFAULT_MAX_TERM_MONTHS",
    "LEASE_END_OPTIONS",
    "Catalog",
    "CatalogError",
    "Fee",
    "FeeSpec",
    "Product",
    "catalog_from_json",
    "default_catalog",
    "default_catalog_json",
    "load_catalog",
]

Kind = Literal["loan", "lease"]

# DOMAIN.md: new car 5 years, used car 3 years; others follow the new-car rule.
DEFAULT_MAX_TERM_MONTHS: dict[str, int] = {
    "new_car": 60,
    "used_car": 36,
    "nev": 60,
    "commercial": 60,
    "tractor": 60,
    "construction": 60,
}
_FALLBACK_MAX_TERM_MONTHS = 60

# code → (Chinese, English): what happens to the vehicle at the end of a lease.
LEASE_END_OPTIONS: dict[str, tuple[str, str]] = {
    "buy_out": ("留购：付清尾款（残值）后取得车辆所有权",
                "Buy out: pay the residual and own the vehicle"),
    "return": ("退还：将车辆交还出租人，无需支付残值",
               "Return: hand the vehicle back instead of paying the residual"),
    "renew": ("续租：以残值为本金签订新的租赁合同",
              "Renew: the residual is leased again under a new contract"),
    "swap": ("置换：以残值抵扣，换租新车",
             "Swap: the residual is settled against a new vehicle"),
}


class CatalogError(ValueError):
    """The catalog JSON does not have the shape or values the desk needs."""


@dataclass(frozen=True, slots=True)
class Fee:
    """A one-off fee at signing: paid upfront in cash, or financed (added to the credit).

    Either way it is a cost the customer bears, so it counts in the annualized rate.
    """

    code: str
    amount: Money
    financed: bool = False
    name_zh: str = ""
    name_en: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Money):
            raise TypeError("a fee's amount must be Money")
        if self.amount.fen < 0:
            raise ValueError(f"fee {self.code!r} must not be negative")


@dataclass(frozen=True, slots=True)
class FeeSpec:
    code: str
    name_zh: str
    name_en: str
    amount_fen: int
    financed_allowed: bool
    optional: bool = False  # offered (e.g. financed insurance), charged only when chosen

    def fee(self, financed: bool = False) -> Fee:
        return Fee(self.code, Money(self.amount_fen), financed, self.name_zh, self.name_en)


@dataclass(frozen=True)
class Product:
    code: str
    name_zh: str
    name_en: str
    kind: Kind
    terms: tuple[int, ...]
    rates: Mapping[tuple[str, int], Decimal]  # (vehicle category, term months) → rate
    fees: tuple[FeeSpec, ...]
    min_down_payment_ratio: Decimal
    max_residual_ratio: Decimal  # balloon / residual as a share of the price
    ltv_caps: Mapping[str, Decimal]  # category (or "commercial_nev") → cap
    max_term_months: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_MAX_TERM_MONTHS)
    )
    methods: frozenset[Method] = frozenset(Method)
    end_of_term_options: tuple[str, ...] = ()  # leases only

    def rate_for(self, category: str, term_months: int) -> Decimal | None:
        return self.rates.get((str(category), term_months))

    def ltv_cap(self, category: str, is_nev: bool = False) -> Decimal | None:
        if is_nev and str(category) == VehicleCategory.COMMERCIAL:
            cap = self.ltv_caps.get("commercial_nev")
            if cap is not None:
                return cap
        return self.ltv_caps.get(str(category))

    def max_term(self, category: str) -> int:
        return self.max_term_months.get(str(category), _FALLBACK_MAX_TERM_MONTHS)

    def fee_spec(self, code: str) -> FeeSpec | None:
        return next((f for f in self.fees if f.code == code), None)

    def default_fees(self) -> tuple[Fee, ...]:
        """Every fee the product charges (optional ones left out), paid upfront."""
        return tuple(f.fee() for f in self.fees if not f.optional)


@dataclass(frozen=True)
class Catalog:
    version: int
    products: Mapping[str, Product]

    def product(self, code: str) -> Product:
        try:
            return self.products[code]
        except KeyError:
            known = ", ".join(sorted(self.products)) or "none"
            raise KeyError(f"no product {code!r} in the catalog (known: {known})") from None


# --- the bundled default catalog ----------------------------------------------------------
# The same figures as central's seed catalog, so a desk quotes the same before and after
# its first sync; plus the desk-side extras central's schema does not carry.

_CATEGORIES = tuple(c.value for c in VehicleCategory)
_BASE_RATE = {"new_car": "0.0499", "nev": "0.0399", "used_car": "0.0799",
              "commercial": "0.0699", "tractor": "0.0599", "construction": "0.0749"}
_TERMS = (12, 24, 36, 48, 60)
_TERM_STEP = {12: "0", 24: "0.002", 36: "0.004", 48: "0.006", 60: "0.008"}
_LOAN_LTV = {"new_car": "0.80", "nev": "0.80", "used_car": "0.70", "commercial": "0.70",
             "commercial_nev": "0.75", "tractor": "0.70", "construction": "0.70"}
_LEASE_LTV = {"new_car": "0.85", "nev": "0.85", "used_car": "0.75", "commercial": "0.75",
              "tractor": "0.80", "construction": "0.75"}


def _rate_grid(extra: str, terms: tuple[int, ...] = _TERMS) -> list[dict[str, Any]]:
    return [
        {"vehicle_category": c, "term_months": t,
         "annual_rate": str(Decimal(_BASE_RATE[c]) + Decimal(_TERM_STEP[t]) + Decimal(extra))}
        for c in _CATEGORIES for t in terms
        if not (c == "used_car" and t > DEFAULT_MAX_TERM_MONTHS["used_car"])
    ]


def default_catalog_json() -> dict[str, Any]:
    """The bundled catalog in central's ``Catalog`` shape (version 0: never synced)."""
    fees = [
        {"code": "handling", "name_zh": "手续费", "name_en": "Handling fee",
         "amount_fen": 200_000, "financed_allowed": True},
        {"code": "gps", "name_zh": "GPS安装费", "name_en": "GPS installation",
         "amount_fen": 120_000, "financed_allowed": True},
        {"code": "service", "name_zh": "服务费", "name_en": "Service fee",
         "amount_fen": 80_000, "financed_allowed": False},
        {"code": "insurance", "name_zh": "首年保险（可融资）",
         "name_en": "First-year insurance (may be financed)",
         "amount_fen": 450_000, "financed_allowed": True, "optional": True},
    ]
    ends = list(LEASE_END_OPTIONS)
    return {"version": 0, "products": [
        {"code": "auto_loan", "name_zh": "汽车贷款", "name_en": "Auto loan", "kind": "loan",
         "terms": list(_TERMS), "min_down_payment_ratio": "0.30", "max_residual_ratio": "0.30",
         "ltv_caps": _LOAN_LTV, "rates": _rate_grid("0"), "fees": fees,
         "max_term_months": DEFAULT_MAX_TERM_MONTHS},
        {"code": "direct_lease", "name_zh": "直租", "name_en": "Direct lease", "kind": "lease",
         "terms": list(_TERMS), "min_down_payment_ratio": "0.15", "max_residual_ratio": "0.40",
         "ltv_caps": _LEASE_LTV, "rates": _rate_grid("0.01"), "fees": fees,
         "max_term_months": DEFAULT_MAX_TERM_MONTHS, "end_of_term_options": ends},
        {"code": "sale_leaseback", "name_zh": "售后回租", "name_en": "Sale-and-leaseback",
         "kind": "lease", "terms": [12, 24, 36], "min_down_payment_ratio": "0.00",
         "max_residual_ratio": "0.10", "ltv_caps": _LEASE_LTV,
         "rates": _rate_grid("0.02", (12, 24, 36)), "fees": fees,
         "max_term_months": DEFAULT_MAX_TERM_MONTHS, "end_of_term_options": ends},
    ]}


def default_catalog() -> Catalog:
    return catalog_from_json(default_catalog_json())


def load_catalog(synced: Mapping[str, Any] | None) -> Catalog:
    """The synced catalog when there is one (it replaces the default), else the default.

    A malformed synced catalog raises ``CatalogError``: quoting from a half-read catalog
    would be worse than saying so.
    """
    return default_catalog() if synced is None else catalog_from_json(synced)


# --- the loader -----------------------------------------------------------------------


def _ratio(value: Any, where: str) -> Decimal:
    # Floats are refused: central publishes rates as strings, and 0.1 is not 0.1 in binary.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CatalogError(f"{where}: a rate must be a decimal string, got {value!r}")
    try:
        ratio = Decimal(value)
    except InvalidOperation:
        raise CatalogError(f"{where}: not a decimal: {value!r}") from None
    if not ratio.is_finite() or not 0 <= ratio <= 1:
        raise CatalogError(f"{where}: a ratio must be between 0 and 1, got {value!r}")
    return ratio


def _int(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CatalogError(f"{where}: expected an integer >= {minimum}, got {value!r}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise CatalogError(f"{where}: expected text, got {value!r}")
    return value


def _product(raw: Any, index: int) -> Product:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"products[{index}] is not an object")
    try:
        code = _text(raw["code"], f"products[{index}].code")
        where = f"product {code}"
        kind = raw["kind"]
        if kind not in ("loan", "lease"):
            raise CatalogError(f"{where}: kind must be 'loan' or 'lease', got {kind!r}")
        terms = tuple(_int(t, f"{where}: terms", 1) for t in raw["terms"])
        rates: dict[tuple[str, int], Decimal] = {}
        for cell in raw["rates"]:
            category = _text(cell["vehicle_category"], f"{where}: rates")
            term = _int(cell["term_months"], f"{where}: rates", 1)
            rates[(category, term)] = _ratio(
                cell["annual_rate"], f"{where}: rate {category}/{term}")
        fees = tuple(
            FeeSpec(
                code=_text(f["code"], f"{where}: fee code"),
                name_zh=_text(f["name_zh"], f"{where}: fee name"),
                name_en=_text(f.get("name_en") or f["code"], f"{where}: fee name"),
                amount_fen=_int(f["amount_fen"], f"{where}: fee {f['code']}"),
                financed_allowed=bool(f.get("financed_allowed", False)),
                optional=bool(f.get("optional", False)),
            )
            for f in raw["fees"]
        )
        ltv_caps = {str(k): _ratio(v, f"{where}: LTV cap {k}") for k, v in raw["ltv_caps"].items()}
        max_terms = dict(DEFAULT_MAX_TERM_MONTHS)
        for k, v in (raw.get("max_term_months") or {}).items():
            max_terms[str(k)] = _int(v, f"{where}: maximum term {k}", 1)
        try:
            methods = frozenset(Method(m) for m in raw.get("methods") or list(Method))
        except ValueError as exc:
            raise CatalogError(f"{where}: {exc}") from None
        ends_raw = raw.get("end_of_term_options")
        ends = tuple(ends_raw) if ends_raw is not None else (
            tuple(LEASE_END_OPTIONS) if kind == "lease" else ())
        unknown = [e for e in ends if e not in LEASE_END_OPTIONS]
        if unknown:
            raise CatalogError(f"{where}: unknown lease-end options {unknown}")
        return Product(
            code=code,
            name_zh=_text(raw["name_zh"], f"{where}: name_zh"),
            name_en=_text(raw.get("name_en") or code, f"{where}: name_en"),
            kind=kind,
            terms=terms,
            rates=rates,
            fees=fees,
            min_down_payment_ratio=_ratio(
                raw["min_down_payment_ratio"], f"{where}: minimum down payment"),
            max_residual_ratio=_ratio(
                raw.get("max_residual_ratio", "0"), f"{where}: maximum residual"),
            ltv_caps=ltv_caps,
            max_term_months=max_terms,
            methods=methods,
            end_of_term_options=ends,
        )
    except KeyError as exc:
        raise CatalogError(f"products[{index}] lacks {exc.args[0]!r}") from None
    except (TypeError, AttributeError) as exc:
        raise CatalogError(f"products[{index}] is malformed: {exc}") from None


def catalog_from_json(data: Mapping[str, Any]) -> Catalog:
    """Products from central's ``Catalog`` JSON (``{"version", "products": [...]}``)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("products"), list):
        raise CatalogError("a catalog is an object with a 'products' list")
    version = data.get("version", 0)
    products: dict[str, Product] = {}
    for i, raw in enumerate(data["products"]):
        product = _product(raw, i)
        if product.code in products:
            raise CatalogError(f"product {product.code} appears twice")
        products[product.code] = product
    return Catalog(version=_int(version, "version"), products=products)
