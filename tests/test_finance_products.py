"""Products (bundled default and central's catalog), limits, and the quote built on them."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from central.schemas import Catalog as CentralCatalog
from central.seed import default_catalog as central_seed_catalog
from showroom_app.domain.enums import VehicleCategory
from showroom_app.domain.money import Money
from showroom_app.finance.limits import QuoteLimitError, find_violations
from showroom_app.finance.products import (
    LEASE_END_OPTIONS,
    CatalogError,
    Fee,
    catalog_from_json,
    default_catalog,
    default_catalog_json,
    load_catalog,
)
from showroom_app.finance.quote import quote
from showroom_app.finance.schedule import Method

START = date(2026, 3, 31)
CATALOG = default_catalog()
LOAN = CATALOG.product("auto_loan")
# The loan without its minimum down payment: the LTV caps alone decide.
CAPS_ONLY = dataclasses.replace(LOAN, min_down_payment_ratio=Decimal(0))
LEASE = CATALOG.product("direct_lease")
LEASEBACK = CATALOG.product("sale_leaseback")


def synced_json(version: int = 7) -> dict:
    """The catalog exactly as central serves it: its seed through its response model."""
    return CentralCatalog(version=version, **central_seed_catalog()).model_dump(mode="json")


# --- catalog ---------------------------------------------------------------------------


def test_default_catalog_has_the_three_products():
    assert set(CATALOG.products) == {"auto_loan", "direct_lease", "sale_leaseback"}
    assert (LOAN.kind, LEASE.kind, LEASEBACK.kind) == ("loan", "lease", "lease")
    assert CATALOG.version == 0


def test_default_rate_grid_covers_every_category_and_term():
    for category in VehicleCategory:
        for term in LOAN.terms:
            rate = LOAN.rate_for(category, term)
            if category is VehicleCategory.USED_CAR and term > 36:
                assert rate is None
            else:
                assert isinstance(rate, Decimal)
                assert Decimal("0.01") < rate < Decimal("0.2")
    assert LOAN.rate_for("new_car", 36) == Decimal("0.0539")
    assert LEASE.rate_for("new_car", 36) == Decimal("0.0639")


def test_default_caps_and_terms_follow_domain_md():
    assert LOAN.ltv_cap("used_car") == Decimal("0.70")
    assert LOAN.ltv_cap("commercial") == Decimal("0.70")
    assert LOAN.ltv_cap("commercial", is_nev=True) == Decimal("0.75")
    assert LOAN.max_term("new_car") == 60
    assert LOAN.max_term("used_car") == 36
    # The lender's own policy: 30 % down, above the 20 % the new-car cap allows, which
    # leaves promotions room to lower it (showroom_app.promotions).
    assert LOAN.min_down_payment_ratio == Decimal("0.30")


def test_default_fees_cover_handling_gps_service_and_optional_insurance():
    codes = {f.code: f for f in LOAN.fees}
    assert set(codes) == {"handling", "gps", "service", "insurance"}
    assert codes["insurance"].optional and codes["insurance"].financed_allowed
    assert not codes["service"].financed_allowed
    assert {f.code for f in LOAN.default_fees()} == {"handling", "gps", "service"}
    assert all(not f.financed for f in LOAN.default_fees())


def test_lease_products_offer_every_end_of_term_option():
    assert LEASE.end_of_term_options == tuple(LEASE_END_OPTIONS)
    assert LOAN.end_of_term_options == ()


def test_synced_central_catalog_replaces_the_default():
    catalog = load_catalog(synced_json(7))
    assert catalog.version == 7
    loan = catalog.product("auto_loan")
    # Central's shape lacks the desk's extras: the loader supplies the defaults.
    assert loan.max_term("used_car") == 36
    assert loan.methods == frozenset(Method)
    assert catalog.product("direct_lease").end_of_term_options == tuple(LEASE_END_OPTIONS)
    assert {f.code for f in loan.fees} == {"gps", "handling"}
    # The bundled catalog quotes the same figures central seeds.
    for (category, term), rate in loan.rates.items():
        assert LOAN.rate_for(category, term) == rate


def test_changed_synced_rates_are_what_quotes_use():
    body = synced_json()
    for cell in body["products"][0]["rates"]:
        cell["annual_rate"] = "0.0199"
    loan = load_catalog(body).product("auto_loan")
    q = quote(price=Money.of(100_000), down_payment=Money.of(30_000), term_months=36,
              product=loan, start=START, fees=[])
    assert q.annual_rate == Decimal("0.0199")


def test_load_catalog_without_a_synced_one_is_the_default():
    assert load_catalog(None) == default_catalog()


def test_default_catalog_json_has_central_shape():
    body = default_catalog_json()
    parsed = CentralCatalog.model_validate(body)  # extras are ignored by central's model
    assert [p.code for p in parsed.products] == ["auto_loan", "direct_lease", "sale_leaseback"]


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda b: b["products"][0]["rates"][0].update(annual_rate=0.0499), "decimal string"),
    (lambda b: b["products"][0]["rates"][0].update(annual_rate="abc"), "not a decimal"),
    (lambda b: b["products"][0].update(min_down_payment_ratio="1.5"), "between 0 and 1"),
    (lambda b: b["products"][0].pop("ltv_caps"), "lacks 'ltv_caps'"),
    (lambda b: b["products"][0].update(kind="mortgage"), "kind"),
    (lambda b: b["products"].append(copy.deepcopy(b["products"][0])), "twice"),
    (lambda b: b["products"][0]["fees"][0].update(amount_fen=-1), "integer"),
    (lambda b: b.update(products="none"), "products"),
])
def test_malformed_catalogs_are_refused_with_a_reason(mutate, message):
    body = synced_json()
    mutate(body)
    with pytest.raises(CatalogError, match=message):
        catalog_from_json(body)


# --- limits: each one, all at once, never clamped ----------------------------------------


def loan_quote(**overrides):
    args = {"price": Money.of(200_000), "down_payment": Money.of(60_000), "term_months": 36,
            "product": LOAN, "category": "new_car", "start": START} | overrides
    return quote(**args)


def test_a_quote_within_every_limit_passes():
    q = loan_quote()
    assert q.kind == "loan"
    assert q.annual_rate == Decimal("0.0539")
    assert q.upfront_fees == Money.of(4_000)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"down_payment": Money.of(30_000)}, "min_down_payment"),
    ({"term_months": 30}, "term_not_offered"),
    ({"term_months": 48, "category": "used_car", "down_payment": Money.of(70_000)},
     "max_term"),
    ({"method": "balloon", "balloon": Money.of(70_000)}, "residual_cap"),
    ({"fees": [Fee("service", Money.of(800), financed=True)]}, "fee_not_financeable"),
])
def test_each_limit_is_enforced(overrides, code):
    with pytest.raises(QuoteLimitError) as info:
        loan_quote(**overrides)
    assert code in info.value.codes
    assert isinstance(info.value, ValueError)
    assert info.value.code == "quote_limit_exceeded"
    assert "auto_loan" in str(info.value)


def test_ltv_cap_counts_financed_fees():
    # 20 % down is exactly the 80 % cap; financing the GPS fee on top pushes the loan
    # over the cap.
    loan_quote(down_payment=Money.of(40_000), fees=[], product=CAPS_ONLY)
    with pytest.raises(QuoteLimitError) as info:
        loan_quote(down_payment=Money.of(40_000), product=CAPS_ONLY,
                   fees=[Fee("gps", Money.of(1_200), financed=True)])
    assert info.value.codes == ("ltv_cap",)
    assert "80.00 % cap for new_car" in str(info.value)


def test_used_car_ltv_cap_is_70_percent():
    with pytest.raises(QuoteLimitError) as info:
        loan_quote(category="used_car", down_payment=Money.of(50_000), product=CAPS_ONLY)
    assert info.value.codes == ("ltv_cap",)


def test_commercial_new_energy_cap_is_75_percent():
    kwargs = {"category": "commercial", "down_payment": Money.of(50_000), "fees": [],
              "product": CAPS_ONLY}
    with pytest.raises(QuoteLimitError):
        loan_quote(**kwargs)
    assert loan_quote(is_nev=True, **kwargs).financed_amount == Money.of(150_000)


def test_missing_rate_is_a_violation_unless_a_rate_is_given():
    with pytest.raises(QuoteLimitError) as info:
        loan_quote(category="used_car", term_months=48, down_payment=Money.of(70_000))
    assert set(info.value.codes) == {"max_term", "no_rate"}


def test_every_broken_limit_is_listed_at_once():
    with pytest.raises(QuoteLimitError) as info:
        loan_quote(category="used_car", term_months=72, down_payment=Money.of(10_000),
                   method="balloon", balloon=Money.of(90_000))
    assert info.value.codes == ("term_not_offered", "max_term", "no_rate",
                                "min_down_payment", "ltv_cap", "residual_cap")
    message = str(info.value)
    assert message.startswith("the quote breaks 6 limits of product auto_loan")
    for v in info.value.violations:
        assert v.message in message


def test_limits_are_never_clamped():
    with pytest.raises(QuoteLimitError):
        loan_quote(down_payment=Money.of(10_000))
    # The same figures without a product: a plain calculator, no product limits.
    q = quote(price=Money.of(200_000), down_payment=Money.of(10_000), term_months=72,
              annual_rate=Decimal("0.0539"), start=START)
    assert q.financed_amount == Money.of(190_000)
    assert q.term_months == 72


def test_find_violations_is_empty_for_a_good_quote():
    assert find_violations(
        LOAN, category="new_car", price=Money.of(100_000), down_payment=Money.of(30_000),
        financed_amount=Money.of(70_000), term_months=60, method=Method.EQUAL_PRINCIPAL,
    ) == []


def test_an_explicit_rate_overrides_the_grid():
    assert loan_quote(annual_rate=Decimal("0.0199")).annual_rate == Decimal("0.0199")


# --- leases and plain words ------------------------------------------------------------


def test_direct_lease_says_it_is_a_lease_not_a_loan():
    q = quote(price=Money.of(200_000), down_payment=Money.of(40_000), term_months=36,
              product=LEASE, balloon=Money.of(50_000), start=START)
    assert q.kind == "lease"
    assert q.summary_zh.startswith("这是融资租赁，不是贷款（直租")
    assert q.summary_en.startswith("This is a finance lease, not a loan (direct lease")
    assert "¥50,000.00" in q.summary_en
    options = {o.code: o for o in q.end_of_term_options}
    assert set(options) == {"buy_out", "return", "renew", "swap"}
    assert options["buy_out"].amount == Money.of(50_000)
    assert options["return"].amount == Money(0)
    # The residual is paid with the last rent (the buy-out assumption of the APR).
    assert q.rows[-1].payment_fen > 5_000_000
    assert q.rows[-1].balance_fen == 0


def test_sale_and_leaseback_says_so():
    # The customer's vehicle is valued at 100,000; the lessor pays out at most 75 % of it
    # (the lease cap for used cars): the rest stands where a down payment would.
    q = quote(price=Money.of(100_000), down_payment=Money.of(25_000), term_months=24,
              product=LEASEBACK, category="used_car", start=START)
    assert q.kind == "lease"
    assert "售后回租" in q.summary_zh
    assert "sale-and-leaseback" in q.summary_en


def test_a_loan_says_it_is_a_loan():
    q = loan_quote()
    assert q.summary_zh.startswith("这是一笔贷款")
    assert q.summary_en.startswith("This is a loan")
    assert q.end_of_term_options == ()


def test_quote_totals_add_up():
    q = loan_quote(fees=[Fee("gps", Money.of(1_200), financed=True),
                         Fee("handling", Money.of(2_000))])
    assert q.financed_amount == Money.of(141_200)
    assert q.total_payment == q.financed_amount + q.total_interest
    assert q.total_cost == q.total_interest + Money.of(3_200)
    assert q.apr_nominal > q.annual_rate


def test_seasonal_tractor_quote():
    # Signed at the October harvest, so a 24-month term ends in a payment month.
    tractor = quote(price=Money.of(300_000), down_payment=Money.of(90_000), term_months=24,
                    product=LOAN, category="tractor", start=date(2026, 10, 15),
                    payment_months={7, 10})
    assert [r.due_date for r in tractor.rows] == [
        date(2027, 7, 15), date(2027, 10, 15), date(2028, 7, 15), date(2028, 10, 15)]
    assert tractor.annual_rate == Decimal("0.0619")


def test_quote_refuses_nonsense():
    with pytest.raises(ValueError, match="annual rate"):
        quote(price=Money.of(100), down_payment=Money(0), term_months=12, start=START)
    with pytest.raises(ValueError, match="down payment"):
        quote(price=Money.of(100), down_payment=Money.of(100), term_months=12,
              annual_rate=Decimal("0.05"), start=START)
    with pytest.raises(ValueError, match="balloon"):
        quote(price=Money.of(100), down_payment=Money(0), term_months=12,
              annual_rate=Decimal("0.05"), balloon=Money.of(100), start=START)
    with pytest.raises(ValueError, match="fees"):
        quote(price=Money.of(100), down_payment=Money(0), term_months=12,
              annual_rate=Decimal("0.05"), fees=[Fee("x", Money.of(100))], start=START)
    with pytest.raises(TypeError):
        quote(price=100, down_payment=Money(0), term_months=12,  # type: ignore[arg-type]
              annual_rate=Decimal("0.05"))
