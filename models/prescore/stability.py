"""Population stability: are today's applicants still the people the model learned from?

The trainer stores, per feature, the bins of the training data (deciles for numbers,
one bin per category, one for missing) with each bin's share, and the share of each
band. A scored application keeps only its bin per feature (no values: a decile is not
personal data in any useful sense), so the manager's report counts bins and compares:

    PSI = Σ (actual − expected) · ln(actual / expected)

Below 0.10 the population is stable, 0.10–0.25 worth watching, above 0.25 shifted:
the model's figures no longer describe these applicants and it should be retrained.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Bracketed so that no category can share their bin: an employment type is "other".
MISSING = "(missing)"
OTHER = "(unseen)"
EPSILON = 1e-4  # an empty bin counts as this share: ln(0) has no PSI
STABLE = 0.10
SHIFTED = 0.25


def numeric_distribution(values: np.ndarray) -> dict[str, Any]:
    present = values[~np.isnan(values)]
    n = len(values)
    if len(present):
        edges = sorted(set(np.quantile(present, np.linspace(0.1, 0.9, 9)).round(6).tolist()))
    else:
        edges = []
    counts = np.bincount(np.searchsorted(edges, present, side="right"),
                         minlength=len(edges) + 1) if len(present) else np.zeros(1, int)
    return {"edges": edges, "shares": (counts / max(n, 1)).round(6).tolist(),
            "missing": round((n - len(present)) / max(n, 1), 6)}


def categorical_distribution(values: Sequence[Any]) -> dict[str, Any]:
    n = len(values)
    counts: dict[str, int] = {}
    missing = 0
    for v in values:
        if v is None:
            missing += 1
        else:
            counts[str(v)] = counts.get(str(v), 0) + 1
    return {"categories": {k: round(c / max(n, 1), 6) for k, c in sorted(counts.items())},
            "missing": round(missing / max(n, 1), 6)}


def bin_of(value: Any, dist: Mapping[str, Any]) -> str:
    """The bin of one value, as a short string: "0".."9", a category, MISSING or
    OTHER (a category the training data never had)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if "categories" in dist:
        return str(value) if str(value) in dist["categories"] else OTHER
    return str(int(np.searchsorted(dist["edges"], float(value), side="right")))


def expected_shares(dist: Mapping[str, Any]) -> dict[str, float]:
    if "categories" in dist:
        shares = dict(dist["categories"])
        shares[OTHER] = 0.0
    else:
        shares = {str(i): s for i, s in enumerate(dist["shares"])}
    shares[MISSING] = dist["missing"]
    return shares


def psi(expected: Mapping[str, float], actual_counts: Mapping[str, int]) -> float:
    total = sum(actual_counts.values())
    if total == 0:
        return float("nan")
    keys = set(expected) | set(actual_counts)
    value = 0.0
    for key in keys:
        e = max(expected.get(key, 0.0), EPSILON)
        a = max(actual_counts.get(key, 0) / total, EPSILON)
        value += (a - e) * math.log(a / e)
    return value


def verdict(value: float) -> str:
    if math.isnan(value):
        return "no_data"
    if value < STABLE:
        return "stable"
    return "watch" if value < SHIFTED else "shifted"


@dataclass(frozen=True)
class StabilityLine:
    name: str  # a feature, or "score" for the band mix
    psi: float
    verdict: str
    n: int


def population_stability(training: Mapping[str, Any],
                         binned: Iterable[Mapping[str, str]]) -> list[StabilityLine]:
    """`training` is a model card's "training_distribution"; `binned` the stored bins of
    the recent applications scored by that model ("score" holds the band)."""
    counts: dict[str, dict[str, int]] = {name: {} for name in training}
    n = 0
    for row in binned:
        n += 1
        for name, tally in counts.items():
            key = row.get(name, MISSING)
            tally[key] = tally.get(key, 0) + 1
    return stability_from_counts(training, counts, n)


def stability_from_counts(training: Mapping[str, Any],
                          counts: Mapping[str, Mapping[str, int]],
                          n: int) -> list[StabilityLine]:
    """The same from counts already made (feature → bin → applications), e.g. the desk's
    daily counts summed over a date range; `n` applications in all. A feature a count
    leaves out is counted as missing for all `n`."""
    lines = []
    for name, dist in training.items():
        tally = dict(counts.get(name) or {})
        if n and not tally:
            tally = {MISSING: n}
        expected = dist["bands"] if name == "score" else expected_shares(dist)
        value = psi(expected, tally) if n else float("nan")
        lines.append(StabilityLine(name, value, verdict(value), n))
    return lines
