"""A finance quote: financed amount, schedule, annualized rate and what kind of deal it is.

Customers confuse leases with loans, so every quote says in plain words, in Chinese and
English, which one it is. The annualized rate follows PBoC 〔2021〕 No. 3: the money that
actually reaches the customer (the financed amount less every fee, financed or paid at
signing) against every payment. For a lease the residual value is in the last instalment,
so the rate assumes the customer buys the vehicle out; returning it instead only changes
the end of the contract, and the options say so.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from showroom_app.domain.enums import VehicleCategory
from showroom_app.domain.money import Money
from showroom_app.finance.apr import AnnualRate, annualized_rate
from showroom_app.finance.limits import check_limits
from showroom_app.finance.products import LEASE_END_OPTIONS, Fee, Product
from showroom_app.finance.schedule import Method, Row, Schedule, StepPlan, build_schedule

__all__ = ["LeaseEndOption", "Quote", "quote"]

_RATE_PLACES = Decimal("0.000001")
_END_WORDS = {"buy_out": ("留购", "buy it out"), "return": ("退还", "return it"),
              "renew": ("续租", "renew the lease"), "swap": ("置换", "swap it for another")}


@dataclass(frozen=True, slots=True)
class LeaseEndOption:
    code: str  # buy_out | return | renew | swap
    amount: Money  # what the option is about: the residual (0 when there is none)
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Quote:
    kind: str  # "loan" | "lease"
    product_code: str | None
    method: Method
    category: str
    price: Money
    down_payment: Money
    fees: tuple[Fee, ...]
    financed_amount: Money  # price − down payment + financed fees
    annual_rate: Decimal  # the nominal contract rate the schedule runs on
    term_months: int
    start: date
    balloon: Money  # balloon or lease residual, paid with the last instalment
    schedule: Schedule
    apr: AnnualRate
    end_of_term_options: tuple[LeaseEndOption, ...]
    summary_zh: str
    summary_en: str

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.schedule.rows

    @property
    def total_payment(self) -> Money:
        return self.schedule.total_payment

    @property
    def total_interest(self) -> Money:
        return self.schedule.total_interest

    @property
    def upfront_fees(self) -> Money:
        return Money(sum(f.amount.fen for f in self.fees if not f.financed))

    @property
    def financed_fees(self) -> Money:
        return Money(sum(f.amount.fen for f in self.fees if f.financed))

    @property
    def amount_in_hand(self) -> Money:
        """Net money reaching the customer at signing: the financed amount less every fee,
        financed or paid at signing (the base of the annualized rate)."""
        return self.financed_amount - self.financed_fees - self.upfront_fees

    @property
    def total_cost(self) -> Money:
        """Interest plus every fee: all the customer pays beyond the vehicle."""
        return self.total_interest + self.financed_fees + self.upfront_fees

    @property
    def apr_nominal(self) -> Decimal:
        return self.apr.nominal

    @property
    def apr_effective(self) -> Decimal:
        return self.apr.effective

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``showroom quote --json``: money as "1234.50", rates as
        fractions with six decimals."""
        return {
            "financed_amount": _money(self.financed_amount.fen),
            "schedule": [
                {"period": r.period, "date": r.due_date.isoformat(),
                 "payment": _money(r.payment_fen), "principal": _money(r.principal_fen),
                 "interest": _money(r.interest_fen), "balance": _money(r.balance_fen)}
                for r in self.schedule.rows
            ],
            "total_payment": _money(self.schedule.total_payment_fen),
            "total_interest": _money(self.schedule.total_interest_fen),
            "apr_nominal": _rate(self.apr.nominal),
            "apr_effective": _rate(self.apr.effective),
            "kind": self.kind,
        }


def _money(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _rate(rate: Decimal) -> str:
    return format(rate.quantize(_RATE_PLACES), "f")


def _today() -> date:
    return datetime.now(UTC).astimezone().date()


def quote(
    *,
    price: Money,
    down_payment: Money,
    term_months: int,
    method: Method | str = Method.EQUAL_INSTALLMENT,
    balloon: Money | None = None,
    annual_rate: Decimal | None = None,
    product: Product | None = None,
    category: VehicleCategory | str = VehicleCategory.NEW_CAR,
    is_nev: bool = False,
    fees: Sequence[Fee] | None = None,
    start: date | None = None,
    interest_only_months: int = 0,
    payment_months: Collection[int] | None = None,
    step: StepPlan | None = None,
) -> Quote:
    """Quote financing ``price`` less ``down_payment`` over ``term_months``.

    ``annual_rate`` is the nominal annual rate; with a ``product`` it overrides the
    product's rate grid (a subsidised campaign rate), without one it is required.
    ``fees`` are one-off fees at signing, each paid upfront or financed; ``None`` means
    the product's standard fees (paid upfront), or none without a product. With a
    product every limit is checked and ``QuoteLimitError`` names all that are broken;
    without one this is a plain calculator. ``start`` is the contract date (default:
    today); the first instalment falls one month later.
    """
    for name, value in (("price", price), ("down_payment", down_payment)):
        if not isinstance(value, Money):
            raise TypeError(f"{name} must be Money")
    if balloon is not None and not isinstance(balloon, Money):
        raise TypeError("balloon must be Money")
    method = Method(method)
    category = VehicleCategory(category)
    if price.fen <= 0:
        raise ValueError("the price must be positive")
    if not 0 <= down_payment.fen < price.fen:
        raise ValueError("the down payment must be at least 0 and below the price")
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 1:
        raise ValueError("the term must be a positive number of months")
    if annual_rate is not None and not isinstance(annual_rate, Decimal):
        raise TypeError("annual_rate must be a Decimal fraction, e.g. Decimal('0.0499')")

    fee_list = tuple(fees) if fees is not None else (
        product.default_fees() if product is not None else ())
    financed_fees = sum(f.amount.fen for f in fee_list if f.financed)
    upfront_fees = sum(f.amount.fen for f in fee_list if not f.financed)
    financed = Money(price.fen - down_payment.fen + financed_fees)
    balloon = balloon or Money(0)
    if balloon.fen < 0:
        raise ValueError("the balloon must not be negative")

    if product is not None:
        check_limits(
            product, category=category, price=price, down_payment=down_payment,
            financed_amount=financed, term_months=term_months, method=method,
            balloon=balloon, fees=fee_list, is_nev=is_nev, rate_given=annual_rate is not None,
        )
        rate = annual_rate if annual_rate is not None else product.rate_for(category, term_months)
        kind = product.kind
    else:
        rate = annual_rate
        kind = "loan"
    if rate is None:
        raise ValueError("give an annual rate, or a product whose rate grid has one")
    if balloon.fen >= financed.fen:
        raise ValueError("the balloon must be smaller than the financed amount")

    start = start or _today()
    schedule = build_schedule(
        financed.fen, rate, term_months, start, method,
        balloon_fen=balloon.fen, interest_only_months=interest_only_months,
        payment_months=payment_months, step=step,
    )
    in_hand = financed.fen - financed_fees - upfront_fees
    if in_hand <= 0:
        raise ValueError("the fees take up the whole credit: nothing reaches the customer")
    payments = [(r.month, r.payment_fen) for r in schedule.rows]
    # Fees paid at signing count as a payment at month 0; financed fees are already in
    # the instalments, and neither reaches the customer's hands.
    apr = annualized_rate(financed.fen - financed_fees, [(0, upfront_fees), *payments])

    options = tuple(
        LeaseEndOption(code, balloon if code != "return" else Money(0), *LEASE_END_OPTIONS[code])
        for code in (product.end_of_term_options if product is not None and kind == "lease"
                     else ())
    )
    zh, en = _summaries(kind, product, financed, term_months, apr, balloon, options)
    return Quote(
        kind=kind,
        product_code=product.code if product is not None else None,
        method=method,
        category=category.value,
        price=price,
        down_payment=down_payment,
        fees=fee_list,
        financed_amount=financed,
        annual_rate=rate,
        term_months=term_months,
        start=start,
        balloon=balloon,
        schedule=schedule,
        apr=apr,
        end_of_term_options=options,
        summary_zh=zh,
        summary_en=en,
    )


def _summaries(
    kind: str,
    product: Product | None,
    financed: Money,
    term: int,
    apr: AnnualRate,
    balloon: Money,
    options: Sequence[LeaseEndOption],
) -> tuple[str, str]:
    rate_pct = f"{apr.nominal * 100:.2f}%"
    if kind == "loan":
        zh = (f"这是一笔贷款：车辆归您所有（抵押给贷款机构直至还清），您借款{financed}，"
              f"分{term}期还本付息；含全部费用的年化利率为{rate_pct}。")
        en = (f"This is a loan: the vehicle is yours (pledged to the lender until repaid); "
              f"you borrow {financed} and repay it with interest over {term} months; the "
              f"annualized rate including every fee is {rate_pct}.")
        return zh, en
    leaseback = product is not None and product.code == "sale_leaseback"
    what_zh = ("售后回租：您把自有车辆卖给出租人再租回使用"
               if leaseback else "直租：出租人按您的选择购买车辆并租给您")
    what_en = ("sale-and-leaseback: you sell a vehicle you own to the lessor and lease it "
               "back" if leaseback else
               "direct lease: the lessor buys the vehicle you chose and leases it to you")
    residual_zh = f"，期末残值{balloon}" if balloon.fen else ""
    residual_en = f"; the residual value is {balloon}" if balloon.fen else ""
    ends_zh = "、".join(_END_WORDS[o.code][0] for o in options) or "按合同约定处理"
    ends_en = ", ".join(_END_WORDS[o.code][1] for o in options) or "follow the contract"
    zh = (f"这是融资租赁，不是贷款（{what_zh}）：租期内车辆归出租人所有，您分{term}期支付租金"
          f"{residual_zh}；租期结束可选择{ends_zh}；含全部费用的年化利率为{rate_pct}。")
    en = (f"This is a finance lease, not a loan ({what_en}): the lessor owns the vehicle "
          f"during the lease; you pay rent over {term} months{residual_en}; at the end you "
          f"may choose: {ends_en}; the annualized rate including every fee is {rate_pct}.")
    return zh, en
