"""Train a pre-score model on any tabular credit data with a target column.

The same code trains the bundled models (on the synthetic portfolio) and a lessor's
own (on its portfolio): read the CSV, detect or take the column types, hold out 20 %
(seeded, stratified), fit LightGBM with the schema's monotone constraints and early
stopping on a validation slice of the training part, calibrate on that slice (Platt),
measure on the holdout, and write the model with its card.

The holdout is touched once, at the end: every choice (trees, calibration) is made on
the training part. A plain LightGBM baseline (library defaults, 100 trees, the same
split) is measured beside it so the card says what the tuning and constraints cost or
bought.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

from models.prescore.model import BOOSTER, CARD, FORMAT, README, encode
from models.prescore.spec import BAND_NAMES, Schema, band_of
from models.prescore.stability import categorical_distribution, numeric_distribution

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
HOLDOUT_SHARE = 0.2
FOLDS = 5  # cross-validation on the training part: early stopping and calibration
MAX_ROUNDS = 2000
EARLY_STOPPING = 100


class TrainingError(ValueError):
    pass


@dataclass(frozen=True)
class TrainResult:
    out: Path
    card: dict[str, Any]


def _missing(text: str) -> bool:
    return text.strip().lower() in MISSING_TOKENS


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows and the file's sha256."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TrainingError(f"cannot read {path}: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # Excel on a Chinese Windows saves CSV as GBK
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise TrainingError(f"{path} has no header row")
    rows = list(reader)
    if not rows:
        raise TrainingError(f"{path} has no data rows")
    return list(reader.fieldnames), rows, hashlib.sha256(data).hexdigest()


def stratified_split(y: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(kept, taken) index arrays; `taken` holds `share` of each class."""
    rng = np.random.default_rng(seed)
    taken = []
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        taken.append(idx[: round(len(idx) * share)])
    taken_idx = np.sort(np.concatenate(taken))
    mask = np.ones(len(y), bool)
    mask[taken_idx] = False
    return np.flatnonzero(mask), taken_idx


def auc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    _, first, counts = np.unique(sorted_p, return_index=True, return_counts=True)
    ranks = np.empty(len(p))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)  # average rank of ties
    n1 = float(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def ks(y: np.ndarray, p: np.ndarray) -> float:
    thresholds = np.unique(p)
    bad = np.sort(p[y == 1])
    good = np.sort(p[y == 0])
    if not len(bad) or not len(good):
        return float("nan")
    cdf_bad = np.searchsorted(bad, thresholds, side="right") / len(bad)
    cdf_good = np.searchsorted(good, thresholds, side="right") / len(good)
    return float(np.max(np.abs(cdf_good - cdf_bad)))


def platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit PD = sigmoid(a·raw + b) by Newton's method on the log-loss (two parameters,
    a few iterations; a tiny ridge keeps it defined on separable data)."""
    a, b = 1.0, 0.0
    x = np.column_stack([raw, np.ones_like(raw)])
    for _ in range(50):
        z = np.clip(a * raw + b, -35, 35)
        p = 1 / (1 + np.exp(-z))
        grad = x.T @ (p - y) + 1e-6 * np.array([a - 1, b])
        w = p * (1 - p)
        hess = (x * w[:, None]).T @ x + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-9:
            break
    if not a > 0:
        raise TrainingError("calibration failed: the model ranks no better than chance on "
                            "the validation slice; more data or other columns are needed")
    return float(a), float(b)


def _feature_columns(header: Sequence[str], target: str, schema: Schema,
                     segment: str | None) -> list[str]:
    skip = {target, *schema.drop}
    if segment is not None:
        skip.add("segment")  # one value once filtered: nothing to learn from it
    return [c for c in header if c not in skip]


def _column_types(columns: Sequence[str], rows: Sequence[dict[str, str]],
                  schema: Schema) -> dict[str, str]:
    types = {}
    for name in columns:
        declared = schema.features.get(name)
        present = [r[name] for r in rows if r.get(name) is not None and not _missing(r[name])]
        numeric = all(_is_number(v) for v in present)
        if declared is not None and declared.type == "numeric" and not numeric:
            bad = next(v for v in present if not _is_number(v))
            raise TrainingError(f"column {name} is declared numeric but holds {bad!r}")
        types[name] = declared.type if declared is not None else (
            "numeric" if numeric else "categorical")
    return types


def _values(rows: Sequence[dict[str, str]], columns: Sequence[str],
            types: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for name in columns:
            text = r.get(name)
            if text is None or _missing(text):
                row[name] = None
            elif types[name] == "numeric":
                row[name] = float(text)
            else:
                row[name] = text.strip()
        out.append(row)
    return out


def stratified_folds(y: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(y), int)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % k
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def _params(seed: int, monotone: list[int], n: int) -> dict[str, Any]:
    # Leaves need enough rows to mean something, but a small portfolio cannot afford
    # forty per leaf: scale with the data between 10 and 40.
    min_leaf = int(min(40, max(20, n // 200)))
    return {
        "objective": "binary", "metric": "binary_logloss",
        "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": min_leaf,
        "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1,
        "lambda_l2": 1.0, "cat_smooth": 10, "min_data_per_group": min_leaf,
        # Not "advanced": its trees break the constraints they are given (LightGBM
        # issues #5358, #6155; here a higher income raised some PDs). "intermediate"
        # keeps them, at the same AUC.
        "monotone_constraints": monotone, "monotone_constraints_method": "intermediate",
        "seed": seed, "deterministic": True, "force_row_wise": True, "num_threads": 2,
        "verbose": -1,
    }


def _dataset(x: np.ndarray, y: np.ndarray, columns: list[str], categorical: list[int],
             reference: lgb.Dataset | None = None) -> lgb.Dataset:
    return lgb.Dataset(x, label=y, feature_name=columns, categorical_feature=categorical,
                       reference=reference, free_raw_data=False)


def train(data: Path, target: str, out: Path, *, bad_value: str = "1",
          segment: str | None = None, schema: Schema | None = None,
          seed: int = 20261129) -> TrainResult:
    schema = schema or Schema()
    header, rows, sha = read_csv(data)
    if target not in header:
        raise TrainingError(f"no column {target!r} in {data} (columns: {', '.join(header)})")
    if segment is not None and "segment" in header:
        rows = [r for r in rows if (r.get("segment") or "").strip() == segment]
        if not rows:
            raise TrainingError(f"no rows of segment {segment!r} in {data}")
    unlabelled = sum(1 for r in rows if _missing(r.get(target) or ""))
    rows = [r for r in rows if not _missing(r.get(target) or "")]
    y = np.array([1 if r[target].strip() == str(bad_value) else 0 for r in rows], dtype=float)
    n_bad = int(y.sum())
    if n_bad == 0 or n_bad == len(y):
        seen = sorted({r[target].strip() for r in rows})[:10]
        raise TrainingError(f"the target {target!r} has one class only with bad value "
                            f"{bad_value!r} (values seen: {', '.join(seen)}); pass --bad-value")
    if min(n_bad, len(y) - n_bad) < 20:
        raise TrainingError(f"too few examples of one class ({min(n_bad, len(y) - n_bad)}): "
                            "at least 20 bad and 20 good are needed")

    columns = _feature_columns(header, target, schema, segment)
    if not columns:
        raise TrainingError("no feature columns left after dropping the target and `drop`")
    types = _column_types(columns, rows, schema)
    values = _values(rows, columns, types)
    categories = {}
    for name in columns:
        if types[name] == "categorical":
            counts: dict[str, int] = {}
            for row in values:
                if row[name] is not None:
                    counts[row[name]] = counts.get(row[name], 0) + 1
            categories[name] = sorted(counts, key=lambda v: (-counts[v], v))
    x = encode(values, columns, categories)
    categorical = [j for j, c in enumerate(columns) if c in categories]
    monotone = [schema.spec(c).monotone if types[c] == "numeric" else 0 for c in columns]

    train_idx, holdout_idx = stratified_split(y, HOLDOUT_SHARE, seed)
    x_train, y_train = x[train_idx], y[train_idx]
    folds = stratified_folds(y_train, FOLDS, seed + 1)
    params = _params(seed, monotone, len(train_idx))
    train_set = _dataset(x_train, y_train, columns, categorical)
    cv = lgb.cv(params, train_set, num_boost_round=MAX_ROUNDS, folds=folds,
                callbacks=[lgb.early_stopping(EARLY_STOPPING, verbose=False)],
                return_cvbooster=True)
    rounds = len(cv["valid binary_logloss-mean"])
    # Out-of-fold scores: every training row scored by trees that never saw it. They
    # calibrate the final model, which is refitted on the whole training part.
    oof = np.empty(len(train_idx))
    for (_fit, held), fold_booster in zip(folds, cv["cvbooster"].boosters, strict=True):
        oof[held] = fold_booster.predict(x_train[held], raw_score=True, num_iteration=rounds)
    a, b = platt(oof, y_train)
    booster = lgb.train(params, _dataset(x_train, y_train, columns, categorical),
                        num_boost_round=rounds)
    model_text = booster.model_to_string()
    booster = lgb.Booster(model_str=model_text)

    def pd_of(idx: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(a * booster.predict(x[idx], raw_score=True) + b)))

    p_hold, y_hold = pd_of(holdout_idx), y[holdout_idx]
    p_train = pd_of(train_idx)
    bands = schema.bands

    baseline = lgb.train({"objective": "binary", "seed": seed, "deterministic": True,
                          "num_threads": 2, "verbose": -1, "force_row_wise": True},
                         _dataset(x[train_idx], y[train_idx], columns, categorical),
                         num_boost_round=100)
    baseline_auc = auc(y_hold, baseline.predict(x[holdout_idx]))

    by_band = []
    hold_bands = np.array([band_of(p, bands) for p in p_hold])
    for name in BAND_NAMES:
        sel = hold_bands == name
        n = int(sel.sum())
        by_band.append({
            "band": name, "n": n,
            "predicted_pd": round(float(p_hold[sel].mean()), 4) if n else None,
            "observed_bad_rate": round(float(y_hold[sel].mean()), 4) if n else None,
        })
    gains = booster.feature_importance(importance_type="gain")
    total_gain = float(gains.sum()) or 1.0
    importance = {c: round(float(g) / total_gain, 4) for c, g in
                  sorted(zip(columns, gains, strict=True), key=lambda cg: -cg[1])}
    train_rows = [values[i] for i in train_idx]
    distribution: dict[str, Any] = {}
    medians = {}
    for j, name in enumerate(columns):
        if name in categories:
            distribution[name] = categorical_distribution([r[name] for r in train_rows])
        else:
            col = x[train_idx, j]
            distribution[name] = numeric_distribution(col)
            present = col[~np.isnan(col)]
            if len(present):
                medians[name] = round(float(np.median(present)), 6)
    train_bands = [band_of(p, bands) for p in p_train]
    distribution["score"] = {"bands": {
        name: round(train_bands.count(name) / len(train_bands), 6) for name in BAND_NAMES}}

    name = segment or Path(data).stem
    version = f"{name}-{hashlib.sha256(model_text.encode()).hexdigest()[:10]}"
    card = {
        "format": FORMAT,
        "name": name,
        "segment": segment,
        "model_version": version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lightgbm": lgb.__version__,
        "data": Path(data).name,
        "data_sha256": sha,
        "target": {"column": target, "bad_value": str(bad_value), "unlabelled_rows": unlabelled},
        "seed": seed,
        "n_train": len(train_idx),
        "n_holdout": len(holdout_idx),
        "bad_rate_train": round(float(y[train_idx].mean()), 4),
        "bad_rate_holdout": round(float(y_hold.mean()), 4),
        "rounds": rounds,
        "auc": round(auc(y_hold, p_hold), 4),
        "ks": round(ks(y_hold, p_hold), 4),
        "brier": round(float(np.mean((p_hold - y_hold) ** 2)), 5),
        "baseline": {"description": "LightGBM defaults, 100 trees, no constraints, same split",
                     "auc": round(baseline_auc, 4)},
        "calibration": {"method": "platt", "a": a, "b": b,
                        "fitted_on": f"out-of-fold scores, {FOLDS}-fold cross-validation "
                                     "of the training part"},
        "bands": bands,
        "calibration_by_band": by_band,
        "feature_importance": importance,
        "constraints": {c: m for c, m in zip(columns, monotone, strict=True) if m},
        "params": {k: v for k, v in params.items()
                   if k != "monotone_constraints"},
        "features": columns,
        "categories": categories,
        "schema": {c: schema.spec(c).to_json() | {"type": types[c]} for c in columns},
        "medians": medians,
        "training_distribution": distribution,
    }
    notes_path = Path(str(data) + ".notes.md")
    notes = notes_path.read_text(encoding="utf-8") if notes_path.exists() else None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / BOOSTER).write_text(model_text, encoding="utf-8")
    (out / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    (out / README).write_text(readable_card(card, notes), encoding="utf-8")
    return TrainResult(out=out, card=card)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def readable_card(card: dict[str, Any], notes: str | None) -> str:
    label = {c: card["schema"][c]["label"]["en"] for c in card["features"]}
    lines = [
        f"# Pre-score model card: {card['name']}",
        "",
        f"Version `{card['model_version']}`, trained {card['trained_at']} with LightGBM "
        f"{card['lightgbm']} on `{card['data']}` (sha256 `{card['data_sha256'][:16]}…`).",
        "",
        "Advisory only: it estimates a probability of default (PD) for the desk's "
        "pre-score. The lessor's decision is made by the lessor, and a customer may ask "
        "for a person to decide (PIPL Art. 24).",
        "",
        "## Performance on the holdout",
        "",
        f"- Training rows {card['n_train']:,}, holdout rows {card['n_holdout']:,} (20 %, "
        f"seeded, stratified); bad rate {_pct(card['bad_rate_train'])} / "
        f"{_pct(card['bad_rate_holdout'])}.",
        f"- AUC **{card['auc']:.3f}** (plain LightGBM baseline on the same split: "
        f"{card['baseline']['auc']:.3f}), KS {card['ks']:.3f}, Brier {card['brier']:.4f}.",
        f"- {card['rounds']} trees (early stopping by 5-fold cross-validation of the training "
        "part), calibrated by Platt scaling on the out-of-fold scores.",
        "",
        "## Calibration by band (holdout)",
        "",
        "| band | PD range | applications | predicted PD | observed bad rate |",
        "|---|---|---:|---:|---:|",
    ]
    cuts = [0.0, *card["bands"].values(), 1.0]
    for i, row in enumerate(card["calibration_by_band"]):
        lines.append(f"| {row['band']} | {cuts[i]:.0%}–{cuts[i + 1]:.0%} | {row['n']:,} | "
                     f"{_pct(row['predicted_pd'])} | {_pct(row['observed_bad_rate'])} |")
    lines += ["", "## Features", "", "| feature | share of gain | constraint |", "|---|---:|---|"]
    for c, share in card["feature_importance"].items():
        m = card["constraints"].get(c, 0)
        words = {1: "higher never lowers risk", -1: "higher never raises risk"}.get(m, "")
        lines.append(f"| {label[c]} (`{c}`) | {share:.1%} | {words} |")
    if notes:
        lines += ["", "## About the data", "", notes.strip()]
    return "\n".join(lines) + "\n"
