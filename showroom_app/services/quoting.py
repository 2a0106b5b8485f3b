"""Quoting at the desk: the finance engine, the product catalog and the dealer's stock.

The UI talks to the finance engine only through this service (the import contracts keep
``ui`` away from ``showroom_app.finance``), so what it needs of the engine is re-exported
here: ``Method``, ``NegativeAmortizationError``, ``Product``, ``Quote``,
``QuoteLimitError``, ``Violation`` and the repayment ``Pattern``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import InventoryStatus, VehicleCategory
from showroom_app.domain.money import Money
from showroom_app.finance import (
    Catalog,
    CatalogError,
    Fee,
    Method,
    NegativeAmortizationError,
    Product,
    Quote,
    QuoteLimitError,
    StepPlan,
    Violation,
    default_catalog,
    load_catalog,
    quote,
)
from sync.pullers import local_catalog

__all__ = [
    "Method",
    "NegativeAmortizationError",
    "Pattern",
    "Product",
    "Quote",
    "QuoteInput",
    "QuoteLimitError",
    "QuotingService",
    "StockVehicle",
    "Violation",
]

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class StockVehicle:
    id: str
    label: str  # "make model trim"
    price: Money
    category: str
    is_nev: bool
    days_in_stock: int
    vin: str = ""


class Pattern(StrEnum):
    """How the repayments fall (see ``showroom_app.finance.schedule``)."""

    MONTHLY = "monthly"
    SEASONAL = "seasonal"  # payments only in the chosen calendar months (farm machinery)
    STEP = "step"  # the payment level × factor every N payments
    INTEREST_ONLY = "interest_only"  # interest only for the first months


@dataclass(frozen=True)
class QuoteInput:
    """One plan as the consultant set it up."""

    product_code: str
    price: Money
    down_payment: Money
    term_months: int
    method: Method | str = Method.EQUAL_INSTALLMENT
    balloon: Money | None = None
    category: str = VehicleCategory.NEW_CAR.value
    is_nev: bool = False
    optional_fees: tuple[str, ...] = ()  # codes of the optional fees the customer takes
    finance_fees: bool = False  # finance every fee the product allows to be financed
    start: date | None = None
    pattern: Pattern | str = Pattern.MONTHLY
    payment_months: tuple[int, ...] = ()  # seasonal: calendar months 1-12
    step_every: int = 12  # step: payments between two steps
    step_factor: Decimal = Decimal("1.10")  # step: > 1 up, < 1 down
    interest_only_months: int = 0  # interest only: months of interest only


class QuotingService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def catalog(self) -> Catalog:
        """The catalog pulled from central when there is one, else the bundled default."""
        synced = local_catalog(self.store)
        try:
            return load_catalog(synced)
        except CatalogError:
            # The puller stores only what it could read; should that ever fail, quoting
            # from the bundled catalog beats no quoting at all, and the log says so.
            log.exception("the synced catalog cannot be read; quoting from the bundled one")
            return default_catalog()

    def products(self) -> list[Product]:
        return list(self.catalog().products.values())

    def stock(self, limit: int = 500) -> list[StockVehicle]:
        """In-stock vehicles, longest in stock first (those are the ones to sell)."""
        today = datetime.now(UTC).astimezone().date()
        with self.store.read() as s:
            items = repo.list_inventory(s, InventoryStatus.IN_STOCK)
        out = [
            StockVehicle(
                id=i.id,
                label=" ".join(p for p in (i.make, i.model, i.trim) if p),
                price=i.list_price,
                category=str(i.category),
                is_nev=i.is_nev,
                days_in_stock=i.days_in_stock(today),
                vin=i.vin,
            )
            for i in items
        ]
        return out[:limit]

    def dealer_name(self) -> str:
        with self.store.read() as s:
            dealer = repo.first_dealer(s)
        return dealer.name if dealer is not None else ""

    @staticmethod
    def fees_for(product: Product, optional: Sequence[str] = (),
                 financed: bool = False) -> list[Fee]:
        return [
            spec.fee(financed=financed and spec.financed_allowed)
            for spec in product.fees
            if not spec.optional or spec.code in optional
        ]

    def quote(self, terms: QuoteInput, catalog: Catalog | None = None) -> Quote:
        """The finance quote; ``QuoteLimitError`` names every limit broken, ``ValueError``
        says why the figures cannot make a quote at all (e.g. down payment ≥ price)."""
        product = (catalog or self.catalog()).product(terms.product_code)
        # Only the chosen pattern's inputs count; the engine refuses (``ValueError``) a
        # pattern that does not make a plan, e.g. a seasonal term not ending in a
        # payment month, or negative amortization (``NegativeAmortizationError``).
        return quote(
            price=terms.price,
            down_payment=terms.down_payment,
            term_months=terms.term_months,
            method=terms.method,
            balloon=terms.balloon if Method(terms.method) is Method.BALLOON else None,
            product=product,
            category=terms.category,
            is_nev=terms.is_nev,
            fees=self.fees_for(product, terms.optional_fees, terms.finance_fees),
            start=terms.start,
            **self.schedule_options(terms),
        )

    @staticmethod
    def schedule_options(terms: QuoteInput) -> dict[str, Any]:
        """The chosen pattern's schedule inputs (only those count), as `quote()` and
        promoted quotes take them."""
        pattern = Pattern(terms.pattern)
        return {
            "interest_only_months": (terms.interest_only_months
                                     if pattern is Pattern.INTEREST_ONLY else 0),
            "payment_months": (frozenset(terms.payment_months)
                               if pattern is Pattern.SEASONAL else None),
            "step": (StepPlan(terms.step_every, Decimal(terms.step_factor))
                     if pattern is Pattern.STEP else None),
        }

    def export_pdf(
        self,
        quotes: Sequence[Quote],
        dealer_name: str,
        path: Path | str,
        vehicle: str = "",
        promotions: Sequence[Sequence[Mapping] | None] | None = None,
    ) -> Path:
        """Write the Chinese quote sheet of ``quotes`` (the first one's schedule in full),
        with each plan's applied promotions (PromotionService.summary) when given."""
        from showroom_app.services.quote_sheet import write_quote_sheet  # reportlab: lazily

        catalog = self.catalog()
        names = {code: p.name_zh for code, p in catalog.products.items()}
        written = write_quote_sheet(quotes, dealer_name, Path(path), vehicle, names, promotions)
        # A sheet in the customer's hands is a quote that used its promotions: counted
        # for the manager's promotion uptake report (codes only, nothing personal).
        for summary in promotions or ():
            codes = [r["code"] for r in summary or () if r.get("code") != "_total"]
            if codes:
                with self.store.transaction() as s:
                    repo.record_promotion_quotes(
                        s, datetime.now(UTC).astimezone(CHINA).date(), codes)
        return written
