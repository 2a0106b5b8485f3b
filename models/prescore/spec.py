"""The feature schema: types, monotone constraints and the words that explain them.

One YAML file (resources/models/prescore/schema.yaml for the desk) is read by the
trainer; each trained model card carries the part it used, so a model directory alone
is enough to score and explain. Texts are {zh, en} pairs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Text = dict[str, str]  # {"zh": ..., "en": ...}

DEFAULT_BANDS = {"A": 0.02, "B": 0.05, "C": 0.10, "D": 0.20}
BAND_NAMES = ("A", "B", "C", "D", "E")


class SchemaError(ValueError):
    pass


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    type: str = "numeric"  # numeric | categorical
    monotone: int = 0
    label: Text = field(default_factory=dict)
    high: Text = field(default_factory=dict)
    low: Text = field(default_factory=dict)
    missing: Text = field(default_factory=dict)
    values: dict[str, Text] = field(default_factory=dict)

    def text_label(self) -> Text:
        return self.label or {"zh": self.name, "en": self.name}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "monotone": self.monotone,
                               "label": self.text_label()}
        for key in ("high", "low", "missing", "values"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_json(cls, name: str, raw: dict[str, Any]) -> FeatureSpec:
        if not isinstance(raw, dict):
            raise SchemaError(f"feature {name}: expected a mapping")
        kind = raw.get("type", "numeric")
        if kind not in ("numeric", "categorical"):
            raise SchemaError(f"feature {name}: type must be numeric or categorical")
        monotone = raw.get("monotone", 0)
        if monotone not in (-1, 0, 1):
            raise SchemaError(f"feature {name}: monotone must be -1, 0 or 1")
        if kind == "categorical" and monotone:
            raise SchemaError(f"feature {name}: a categorical feature cannot be monotone")
        texts = {}
        for key in ("label", "high", "low", "missing"):
            texts[key] = _text(raw.get(key), f"feature {name}: {key}")
        values = raw.get("values") or {}
        if not isinstance(values, dict):
            raise SchemaError(f"feature {name}: values must be a mapping")
        return cls(name=name, type=kind, monotone=monotone,
                   values={str(k): _text(v, f"feature {name}: value {k}")
                           for k, v in values.items()}, **texts)


def _text(raw: Any, where: str) -> Text:
    if raw is None:
        return {}
    if isinstance(raw, str):
        return {"zh": raw, "en": raw}
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("zh", "en")):
        raise SchemaError(f"{where}: expected {{zh: ..., en: ...}}")
    return {"zh": raw["zh"], "en": raw["en"]}


@dataclass(frozen=True)
class Schema:
    features: dict[str, FeatureSpec] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    bands: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_BANDS))

    def spec(self, name: str) -> FeatureSpec:
        return self.features.get(name) or FeatureSpec(name=name)


def check_bands(bands: dict[str, float]) -> dict[str, float]:
    if list(bands) != list(BAND_NAMES[:-1]):
        raise SchemaError("bands: give the upper PD bounds of A, B, C and D, in order")
    cuts = [float(bands[b]) for b in BAND_NAMES[:-1]]
    if not all(0 < a < b < 1 for a, b in itertools.pairwise(cuts)):
        raise SchemaError("bands: the bounds must rise strictly between 0 and 1")
    return dict(zip(BAND_NAMES[:-1], cuts, strict=True))


def schema_from_dict(raw: dict[str, Any]) -> Schema:
    if not isinstance(raw, dict):
        raise SchemaError("the schema must be a mapping")
    unknown = set(raw) - {"features", "drop", "bands"}
    if unknown:
        raise SchemaError(f"unknown schema keys: {', '.join(sorted(unknown))}")
    feats = raw.get("features") or {}
    if not isinstance(feats, dict):
        raise SchemaError("features must be a mapping of column name to its description")
    drop = raw.get("drop") or []
    if not isinstance(drop, list):
        raise SchemaError("drop must be a list of column names")
    return Schema(
        features={str(n): FeatureSpec.from_json(str(n), f or {}) for n, f in feats.items()},
        drop=tuple(str(d) for d in drop),
        bands=check_bands(raw.get("bands") or dict(DEFAULT_BANDS)),
    )


def load_schema(path: Path | None) -> Schema:
    if path is None:
        return Schema()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"cannot read the schema {path}: {exc}") from exc
    return schema_from_dict(raw or {})


def band_of(pd: float, bands: dict[str, float]) -> str:
    for name in BAND_NAMES[:-1]:
        if pd < bands[name]:
            return name
    return BAND_NAMES[-1]
