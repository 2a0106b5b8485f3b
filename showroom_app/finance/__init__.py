"""Finance engine: products, payment schedules, APR by IRR, lease structures, limits.

Pure and fast: money in integer fen (``showroom_app.domain.money.Money``), rates as
``Decimal`` fractions, no I/O. ``quote()`` is the entry point the services call.
"""

from showroom_app.finance.apr import AnnualRate, annualized_rate, monthly_irr
from showroom_app.finance.limits import QuoteLimitError, Violation, find_violations
from showroom_app.finance.products import (
    Catalog,
    CatalogError,
    Fee,
    FeeSpec,
    Product,
    catalog_from_json,
    default_catalog,
    load_catalog,
)
from showroom_app.finance.quote import LeaseEndOption, Quote, quote
from showroom_app.finance.schedule import (
    Method,
    NegativeAmortizationError,
    Row,
    Schedule,
    StepPlan,
    add_months,
    build_schedule,
)

__all__ = [
    "AnnualRate",
    "Catalog",
    "CatalogError",
    "Fee",
    "FeeSpec",
    "LeaseEndOption",
    "Method",
    "NegativeAmortizationError",
    "Product",
    "Quote",
    "QuoteLimitError",
    "Row",
    "Schedule",
    "StepPlan",
    "Violation",
    "add_months",
    "annualized_rate",
    "build_schedule",
    "catalog_from_json",
    "default_catalog",
    "find_violations",
    "load_catalog",
    "monthly_irr",
    "quote",
]
