"""The quoting service: stock, catalog, quotes with limits, the PDF quote sheet."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.money import Money
from showroom_app.finance.products import default_catalog_json
from showroom_app.services.demo import seed_demo
from showroom_app.services.quoting import (
    Method,
    NegativeAmortizationError,
    Pattern,
    QuoteInput,
    QuoteLimitError,
    QuotingService,
)


@pytest.fixture
def service(store: Store) -> QuotingService:
    seed_demo(store, applications=2)
    return QuotingService(store)


def test_stock_lists_in_stock_vehicles_with_price_and_days(service: QuotingService) -> None:
    stock = service.stock()
    assert stock
    first = stock[0]
    assert first.label and isinstance(first.price, Money) and first.price.fen > 0
    assert first.days_in_stock >= 0 and first.category
    # Longest in stock first.
    assert [v.days_in_stock for v in stock] == sorted((v.days_in_stock for v in stock),
                                                       reverse=True)
    assert len(service.stock(limit=2)) == min(2, len(stock))


def test_catalog_is_the_default_until_one_is_synced(service: QuotingService,
                                                     store: Store) -> None:
    assert service.catalog().version == 0
    assert {p.code for p in service.products()} == {"auto_loan", "direct_lease",
                                                    "sale_leaseback"}
    synced = default_catalog_json()
    synced["version"] = 7
    synced["products"] = synced["products"][:1]
    with store.transaction() as s:
        repo.set_meta(s, "catalog:body", json.dumps(synced))
    assert service.catalog().version == 7
    assert [p.code for p in service.products()] == ["auto_loan"]


def test_a_quote_with_a_product(service: QuotingService) -> None:
    q = service.quote(QuoteInput(
        product_code="auto_loan", price=Money.of(200_000), down_payment=Money.of(60_000),
        term_months=36, start=date(2026, 1, 15)))
    assert q.kind == "loan" and len(q.rows) == 36
    assert q.rows[0].payment.fen > 0
    assert q.apr_effective > q.apr_nominal > q.annual_rate  # fees raise the rate
    assert {f.code for f in q.fees} == {"handling", "gps", "service"}  # no optional fee
    with_insurance = service.quote(QuoteInput(
        product_code="auto_loan", price=Money.of(200_000), down_payment=Money.of(60_000),
        term_months=36, optional_fees=("insurance",), finance_fees=True))
    assert "insurance" in {f.code for f in with_insurance.fees}
    assert with_insurance.financed_fees.fen > 0
    # "service" may not be financed: it stays upfront instead of breaking a limit.
    assert [f.code for f in with_insurance.fees if not f.financed] == ["service"]


def test_every_broken_limit_is_named(service: QuotingService) -> None:
    with pytest.raises(QuoteLimitError) as info:
        service.quote(QuoteInput(
            product_code="auto_loan", price=Money.of(100_000), down_payment=Money.of(5_000),
            term_months=48, category="used_car"))
    assert {"min_down_payment", "ltv_cap", "max_term", "no_rate"} <= set(info.value.codes)


def test_pdf_quote_sheet(service: QuotingService, tmp_path: Path) -> None:
    loan = service.quote(QuoteInput(
        product_code="auto_loan", price=Money.of(200_000), down_payment=Money.of(60_000),
        term_months=24))
    lease = service.quote(QuoteInput(
        product_code="direct_lease", price=Money.of(200_000), down_payment=Money.of(40_000),
        term_months=36, method=Method.BALLOON, balloon=Money.of(50_000)))
    path = service.export_pdf([loan, lease], "星辰汽车销售服务有限公司",
                              tmp_path / "out" / "报价单.pdf", vehicle="比亚迪 汉 EV")
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "星辰汽车销售服务有限公司" in compact
    assert "等额本息" in compact and "融资租赁" in compact
    assert "比亚迪" in compact
    assert "2,000.00" in compact  # the handling fee, thousands separator, two decimals
    with pytest.raises(ValueError):
        service.export_pdf([], "x", tmp_path / "none.pdf")


def test_quote_input_carries_the_payment_pattern(service: QuotingService) -> None:
    base = {"product_code": "auto_loan", "price": Money.of(200_000),
            "down_payment": Money.of(60_000), "term_months": 36, "category": "tractor",
            "start": date(2026, 10, 15)}
    seasonal = service.quote(QuoteInput(**base, pattern=Pattern.SEASONAL,
                                        payment_months=(6, 10)))
    assert {r.due_date.month for r in seasonal.rows} == {6, 10} and len(seasonal.rows) == 6
    # Only the chosen pattern's inputs count: months are ignored for a monthly plan.
    monthly = service.quote(QuoteInput(**base, payment_months=(6, 10)))
    assert len(monthly.rows) == 36
    step = service.quote(QuoteInput(**base, pattern="step", step_every=12,
                                    step_factor=Decimal("1.10")))
    assert step.rows[12].payment > step.rows[0].payment
    down = service.quote(QuoteInput(**base, pattern="step", step_factor=Decimal("0.90")))
    assert down.rows[12].payment < down.rows[0].payment
    io = service.quote(QuoteInput(**base, pattern=Pattern.INTEREST_ONLY,
                                  interest_only_months=6))
    assert all(r.payment == r.interest for r in io.rows[:6]) and io.rows[6].principal.fen > 0

    # The engine's refusals come through as ValueError, never a clamp.
    with pytest.raises(ValueError, match="payment month"):
        service.quote(QuoteInput(**base | {"start": date(2026, 11, 15)},
                                 pattern="seasonal", payment_months=(6, 10)))
    with pytest.raises(ValueError, match="calendar months"):
        service.quote(QuoteInput(**base, pattern="seasonal", payment_months=()))
    with pytest.raises(ValueError, match="step plans"):
        service.quote(QuoteInput(**base, pattern="step", method=Method.EQUAL_PRINCIPAL))
    with pytest.raises(NegativeAmortizationError):
        service.quote(QuoteInput(**base, pattern="step", step_every=1,
                                 step_factor=Decimal("3")))  # step-up too steep
