"""One trained segment model: the LightGBM booster, its calibration and its card.

A model directory holds `model.txt` (LightGBM's text format), `model_card.json` (what
it was trained on, how well it does, how to explain it) and `MODEL_CARD.md`. The
booster gives a raw score in log-odds; Platt calibration (an affine map of the log-odds,
fitted on data the trees never saw) turns it into a probability of default. Because
the map is affine, LightGBM's `pred_contrib` — which splits the raw score exactly into
one contribution per feature plus the expected value — still explains the calibrated
score: each contribution moves the log-odds of default by `a` times itself.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from models.prescore.spec import FeatureSpec, band_of

CARD = "model_card.json"
BOOSTER = "model.txt"
README = "MODEL_CARD.md"
FORMAT = 1


class ModelError(RuntimeError):
    """A model directory that is missing, damaged or does not fit the desk."""


def encode(rows: Sequence[Mapping[str, Any]], features: Sequence[str],
           categories: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Rows of named values → the float matrix LightGBM reads: categories by their code
    in the training order, unknown or unseen values as NaN."""
    codes = {name: {value: float(i) for i, value in enumerate(values)}
             for name, values in categories.items()}
    out = np.full((len(rows), len(features)), np.nan)
    for j, name in enumerate(features):
        lookup = codes.get(name)
        for i, row in enumerate(rows):
            value = row.get(name)
            if value is None:
                continue
            if lookup is not None:
                out[i, j] = lookup.get(str(value), np.nan)
            else:
                out[i, j] = float(value)
    return out


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Scored:
    pd: float
    band: str
    raw: float  # booster log-odds
    expected: float  # the booster's expected log-odds (pred_contrib's last column)
    contributions: dict[str, float]  # per feature, in booster log-odds, sum + expected = raw


class SegmentModel:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        try:
            self.card: dict[str, Any] = json.loads(
                (self.directory / CARD).read_text(encoding="utf-8"))
            model_text = (self.directory / BOOSTER).read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the model in {self.directory}: {exc}") from exc
        if self.card.get("format") != FORMAT:
            raise ModelError(f"{self.directory / CARD}: unknown card format "
                             f"{self.card.get('format')!r}")
        # The version ends with the first 10 hex digits of the booster text's sha256
        # (models/training/train.py). Check it before LightGBM parses the text: a
        # truncated model file crashes LightGBM's parser (a segfault, not an exception).
        digest = str(self.card.get("model_version", "")).rsplit("-", 1)[-1]
        if len(digest) != 10 or not hashlib.sha256(
                model_text.encode("utf-8")).hexdigest().startswith(digest):
            raise ModelError(f"{self.directory / BOOSTER} is damaged or does not belong to "
                             f"its card (model version {self.card.get('model_version')!r})")
        try:
            self.booster = lgb.Booster(model_str=model_text)
        except lgb.basic.LightGBMError as exc:
            raise ModelError(f"{self.directory / BOOSTER} is damaged: {exc}") from exc
        self.features: list[str] = list(self.card["features"])
        if self.booster.feature_name() != self.features:
            raise ModelError(f"{self.directory}: the card and the booster list different "
                             "features")
        self.categories: dict[str, list[str]] = self.card.get("categories", {})
        self.specs = {name: FeatureSpec.from_json(name, self.card["schema"][name])
                      for name in self.features}
        cal = self.card["calibration"]
        self.a, self.b = float(cal["a"]), float(cal["b"])
        self.bands: dict[str, float] = self.card["bands"]
        self.medians: dict[str, float] = self.card.get("medians", {})

    @property
    def version(self) -> str:
        return str(self.card["model_version"])

    @property
    def segment(self) -> str:
        return str(self.card.get("segment") or self.card.get("name"))

    def pd_from_raw(self, raw: float) -> float:
        return sigmoid(self.a * raw + self.b)

    def score_rows(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Calibrated PDs of many rows at once (batches, monitoring, training checks)."""
        raw = self.booster.predict(encode(rows, self.features, self.categories),
                                   raw_score=True)
        z = self.a * np.asarray(raw) + self.b
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, row: Mapping[str, Any]) -> Scored:
        x = encode([row], self.features, self.categories)
        # One row gains nothing from OpenMP threads, and when the CPU is busy (the UI,
        # a sync) waiting for them costs ten times the work: 3 ms instead of 0.3 ms.
        contrib = self.booster.predict(x, pred_contrib=True, num_threads=1)[0]
        expected = float(contrib[-1])
        raw = float(contrib.sum())
        pd = self.pd_from_raw(raw)
        return Scored(pd=pd, band=band_of(pd, self.bands), raw=raw, expected=expected,
                      contributions={name: float(c) for name, c in
                                     zip(self.features, contrib[:-1], strict=True)})
