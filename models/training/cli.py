"""`showroom-train`: train a pre-score model on any tabular credit data.

    showroom-train --data CSV --target COLUMN [--bad-value V] [--segment S]
                   [--schema YAML] --out DIR
    showroom-train --make-portfolio SEGMENT [--rows N] [--seed N] --out CSV

The second form writes the synthetic portfolio the bundled models are trained on
(with its assumptions beside it, which the first form copies into the model card).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.prescore.features import SEGMENTS
from models.prescore.spec import SchemaError, load_schema
from models.training import portfolio
from models.training.train import TrainingError, train


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="showroom-train",
        description="Train a pre-score model (LightGBM, calibrated, with its model card) on "
                    "a CSV with a target column; or write the synthetic portfolio the "
                    "bundled models learn from.",
    )
    parser.add_argument("--data", type=Path, help="training data, CSV with a header row")
    parser.add_argument("--target", help="the column that says whether a loan went bad")
    parser.add_argument("--bad-value", default="1",
                        help="the target's value for a bad loan (default 1)")
    parser.add_argument("--segment", choices=SEGMENTS,
                        help="the segment this model serves; with a `segment` column, "
                             "only its rows are used")
    parser.add_argument("--schema", type=Path,
                        help="YAML: column types, monotone constraints, the words of reasons")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, required=True,
                        help="model directory (training) or CSV file (--make-portfolio)")
    parser.add_argument("--make-portfolio", choices=SEGMENTS, metavar="SEGMENT",
                        help="write a synthetic portfolio of this segment instead of training")
    parser.add_argument("--rows", type=int, default=40_000,
                        help="applications in the synthetic portfolio (default 40,000)")
    parser.add_argument("--json", action="store_true", help="print the model card as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.make_portfolio:
        if args.rows < 100:
            parser.error("--rows: at least 100")
        path = portfolio.write(args.make_portfolio, args.rows, args.seed, args.out)
        print(f"wrote {args.rows:,} {args.make_portfolio} applications to {path}")
        return 0
    if args.data is None or args.target is None:
        parser.error("--data and --target are required to train")
    try:
        schema = load_schema(args.schema)
        result = train(args.data, args.target, args.out, bad_value=args.bad_value,
                       segment=args.segment, schema=schema, seed=args.seed)
    except (SchemaError, TrainingError) as exc:
        print(f"showroom-train: {exc}", file=sys.stderr)
        return 1
    card = result.card
    if args.json:
        print(json.dumps(card, ensure_ascii=False, indent=1))
    else:
        print(f"{card['model_version']}: AUC {card['auc']:.3f} (baseline "
              f"{card['baseline']['auc']:.3f}), KS {card['ks']:.3f}, Brier "
              f"{card['brier']:.4f}; {card['n_train']:,} training / {card['n_holdout']:,} "
              f"holdout rows; written to {result.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
