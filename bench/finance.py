"""Quote speed: a 60-month quote with its schedule and annualized rate (target ≤ 2 ms).

Times `quote()` end to end (limits, schedule, IRR, plain-words summary) over N quotes
spread evenly over four kinds: equal instalment, equal principal, balloon, and a product
quote with its fees (one of them financed). Prints p50 / p95 / max per kind and overall.

Run: .venv/bin/python bench/finance.py [--quotes 2000]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from showroom_app.domain.money import Money
from showroom_app.finance.products import Fee, default_catalog
from showroom_app.finance.quote import Quote, quote

TARGET_MS = 2.0
TERM = 60


def kinds(rng: random.Random) -> dict[str, Callable[[], Quote]]:
    loan = default_catalog().product("auto_loan")

    def figures() -> tuple[Money, Money, Decimal, date]:
        price = rng.randrange(8_000_000, 60_000_000)  # 80,000 to 600,000 yuan, in fen
        down = price * rng.randrange(30, 50) // 100  # room for a financed fee under the cap
        rate = Decimal(rng.randrange(199, 1_200)) / 10_000
        start = date(2026, rng.randrange(1, 13), rng.randrange(1, 32 - 3))
        return Money(price), Money(down), rate, start

    def equal_installment() -> Quote:
        price, down, rate, start = figures()
        return quote(price=price, down_payment=down, term_months=TERM, annual_rate=rate,
                     start=start)

    def equal_principal() -> Quote:
        price, down, rate, start = figures()
        return quote(price=price, down_payment=down, term_months=TERM, annual_rate=rate,
                     start=start, method="equal_principal")

    def balloon() -> Quote:
        price, down, rate, start = figures()
        return quote(price=price, down_payment=down, term_months=TERM, annual_rate=rate,
                     start=start, method="balloon", balloon=Money(price.fen // 5))

    def product_with_fees() -> Quote:
        price, down, _rate, start = figures()
        fees = [*loan.default_fees(), Fee("insurance", Money(450_000), financed=True)]
        return quote(price=price, down_payment=down, term_months=TERM, product=loan,
                     fees=fees, start=start)

    return {"equal_installment": equal_installment, "equal_principal": equal_principal,
            "balloon": balloon, "product_with_fees": product_with_fees}


def percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(p / 100 * len(sorted_ms)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    makers = kinds(rng)
    for make in makers.values():  # warm up imports and caches
        make()
    timings: dict[str, list[float]] = {name: [] for name in makers}
    names = list(makers)
    gc.disable()  # a collection pause is not the quote's cost; report it separately
    try:
        for i in range(args.quotes):
            name = names[i % len(names)]
            t0 = time.perf_counter()
            q = makers[name]()
            timings[name].append((time.perf_counter() - t0) * 1000)
            assert len(q.rows) == TERM and q.rows[-1].balance_fen == 0
    finally:
        gc.enable()
    every = sorted(t for ts in timings.values() for t in ts)
    print(f"finance quote, {TERM} months, schedule + APR: {len(every)} quotes "
          f"(python {sys.version.split()[0]})")
    print(f"{'kind':<20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, ts in timings.items():
        ts.sort()
        print(f"{name:<20} {len(ts):>5} {percentile(ts, 50):>8.3f} {percentile(ts, 95):>8.3f} "
              f"{ts[-1]:>8.3f}")
    p50, p95 = percentile(every, 50), percentile(every, 95)
    print(f"{'all':<20} {len(every):>5} {p50:>8.3f} {p95:>8.3f} {every[-1]:>8.3f}")
    print(f"mean {statistics.fmean(every):.3f} ms; target p95 <= {TARGET_MS} ms: "
          f"{'met' if p95 <= TARGET_MS else 'NOT MET'}")
    return 0 if p95 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
