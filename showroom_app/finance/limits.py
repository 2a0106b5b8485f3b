"""Product and regulatory limits on a quote: checked all at once, never clamped.

A quote that breaks a limit is refused with every broken limit named, so the consultant
can fix them in one go; the desk never quietly lowers a loan or shortens a term, because
the customer would then sign for something other than what was discussed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from showroom_app.domain.money import Money
from showroom_app.finance.products import Fee, Product
from showroom_app.finance.schedule import Method

__all__ = ["QuoteLimitError", "Violation", "check_limits", "find_violations"]


@dataclass(frozen=True, slots=True)
class Violation:
    code: str  # ltv_cap, max_term, term_not_offered, min_down_payment, residual_cap, ...
    message: str  # English, safe to show and to log


class QuoteLimitError(ValueError):
    """The quote breaks one or more limits; ``violations`` lists every one of them."""

    code = "quote_limit_exceeded"

    def __init__(self, product_code: str, violations: Iterable[Violation]) -> None:
        self.product_code = product_code
        self.violations = tuple(violations)
        count = len(self.violations)
        detail = "; ".join(v.message for v in self.violations)
        super().__init__(
            f"the quote breaks {count} limit{'s' if count != 1 else ''} of product "
            f"{product_code}: {detail}"
        )

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.violations)


def _pct(ratio: Decimal) -> str:
    return f"{ratio * 100:.2f} %"


def find_violations(
    product: Product,
    *,
    category: str,
    price: Money,
    down_payment: Money,
    financed_amount: Money,
    term_months: int,
    method: Method | str,
    balloon: Money = Money(0),
    fees: Iterable[Fee] = (),
    is_nev: bool = False,
    rate_given: bool = False,
) -> list[Violation]:
    """Every limit of ``product`` the quote breaks, in a stable order (empty when none)."""
    found: list[Violation] = []
    category = str(category)
    price_fen = price.fen

    if term_months not in product.terms:
        offered = ", ".join(str(t) for t in product.terms)
        found.append(Violation(
            "term_not_offered",
            f"{product.code} is offered for {offered} months, not {term_months}"))
    maximum = product.max_term(category)
    if term_months > maximum:
        found.append(Violation(
            "max_term",
            f"term {term_months} months exceeds the {maximum}-month maximum for {category}"))
    if not rate_given and product.rate_for(category, term_months) is None:
        found.append(Violation(
            "no_rate",
            f"{product.code} has no rate for {category} over {term_months} months"))
    if Method(method) not in product.methods:
        found.append(Violation(
            "method_not_offered", f"{product.code} does not offer {Method(method).value}"))

    # Exact comparisons: a ratio times integer fen is an exact Decimal.
    minimum_down = product.min_down_payment_ratio * price_fen
    if down_payment.fen < minimum_down:
        found.append(Violation(
            "min_down_payment",
            f"down payment {down_payment} is below the minimum "
            f"{_pct(product.min_down_payment_ratio)} of the price "
            f"({Money.of(minimum_down / 100)})"))
    cap = product.ltv_cap(category, is_nev)
    if cap is not None and financed_amount.fen > cap * price_fen:
        ratio = Decimal(financed_amount.fen) / price_fen
        found.append(Violation(
            "ltv_cap",
            f"financed amount {financed_amount} is {_pct(ratio)} of the price, above the "
            f"{_pct(cap)} cap for {category}{' (new energy)' if is_nev else ''}"))
    if balloon.fen > product.max_residual_ratio * price_fen:
        what = "residual value" if product.kind == "lease" else "balloon"
        found.append(Violation(
            "residual_cap",
            f"{what} {balloon} exceeds {_pct(product.max_residual_ratio)} of the price"))
    for fee in fees:
        spec = product.fee_spec(fee.code)
        if fee.financed and spec is not None and not spec.financed_allowed:
            found.append(Violation(
                "fee_not_financeable",
                f"fee {fee.code} must be paid at signing; {product.code} does not finance it"))
    return found


def check_limits(product: Product, **quote_terms: object) -> None:
    """Raise ``QuoteLimitError`` listing every limit broken (see ``find_violations``)."""
    found = find_violations(product, **quote_terms)  # type: ignore[arg-type]
    if found:
        raise QuoteLimitError(product.code, found)
