"""Reasons: the factors that actually moved this applicant's score, in words.

Each feature's LightGBM `pred_contrib` is its share of the log-odds of default relative
to the model's average applicant. The reasons are the largest of those shares: the
ones that raised the risk first, then the ones that lowered it. Nothing is invented:
a factor is named only if its contribution is at least `MIN_EFFECT`, and its words are
chosen from the value and the model's constraint — a low down payment is named as such
only when the down payment is what raised the risk.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from models.prescore.spec import FeatureSpec

MIN_EFFECT = 0.10  # calibrated log-odds: about a 10 % relative change of the odds
MAX_RAISING = 4
MAX_LOWERING = 3


@dataclass(frozen=True)
class Reason:
    code: str  # feature.side: e.g. "down_payment_ratio.low", "inquiries_3m.missing"
    feature: str
    direction: str  # "raises" | "lowers" the risk
    zh: str
    en: str
    effect: float  # calibrated log-odds this factor added (+) or removed (-)
    value: float | str | None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["effect"] = round(self.effect, 4)
        if isinstance(self.value, float):
            out["value"] = None if math.isnan(self.value) else round(self.value, 4)
        return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def describe(spec: FeatureSpec, value: Any, contribution: float,
             median: float | None) -> tuple[str, dict[str, str]]:
    """(side, {zh, en}) for one factor of one applicant."""
    label = spec.text_label()
    if _missing(value):
        return "missing", spec.missing or {"zh": f"{label['zh']}未知",
                                           "en": f"{label['en']} unknown"}
    if spec.type == "categorical":
        shown = spec.values.get(str(value), {"zh": str(value), "en": str(value)})
        return "is", {"zh": f"{label['zh']}：{shown['zh']}",
                      "en": f"{label['en']}: {shown['en']}"}
    if spec.monotone:
        raises = contribution > 0
        side = "high" if raises == (spec.monotone > 0) else "low"
    else:
        side = "high" if median is None or float(value) >= median else "low"
    words = getattr(spec, side) or {
        "zh": f"{label['zh']}{'较高' if side == 'high' else '较低'}",
        "en": f"{label['en']} is {side}"}
    return side, words


def explain(contributions: dict[str, float], row: dict[str, Any],
            specs: dict[str, FeatureSpec], medians: dict[str, float],
            scale: float) -> list[Reason]:
    """`scale` is the calibration's slope: booster log-odds → calibrated log-odds."""
    effects = sorted(((name, scale * c) for name, c in contributions.items()),
                     key=lambda item: -abs(item[1]))
    raising = [(n, e) for n, e in effects if e >= MIN_EFFECT][:MAX_RAISING]
    lowering = [(n, e) for n, e in effects if e <= -MIN_EFFECT][:MAX_LOWERING]
    reasons = []
    for name, effect in raising + lowering:
        spec = specs[name]
        value = row.get(name)
        side, words = describe(spec, value, effect, medians.get(name))
        code = f"{name}.{side}" if side != "is" else f"{name}.{value}"
        reasons.append(Reason(code=code, feature=name,
                              direction="raises" if effect > 0 else "lowers",
                              zh=words["zh"], en=words["en"], effect=effect, value=value))
    return reasons
