#!/usr/bin/env bash
# Rebuild the bundled pre-score models in resources/models/prescore/ with the very
# command a lessor uses on its own portfolio: `showroom-train`. The synthetic
# portfolios are deterministic (fixed seed), so the same files come out every time
# (tests/test_prescore_training.py checks the cards against a fresh portfolio).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT=resources/models/prescore
for segment in individual fleet farmer; do
    "$BIN/showroom-train" --make-portfolio "$segment" --rows 40000 --seed 20261129 \
        --out "$WORK/$segment.csv"
    "$BIN/showroom-train" --data "$WORK/$segment.csv" --target bad --segment "$segment" \
        --schema "$OUT/schema.yaml" --seed 20261129 --out "$OUT/$segment"
done
