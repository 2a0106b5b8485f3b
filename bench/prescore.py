"""Pre-score speed: one application → policy rules, segment model, reasons (target p99 ≤ 5 ms).

Times `PreScorer.score()` in-process, end to end (features, LightGBM `pred_contrib`,
calibration, reasons, policy rules, stability bins) on applicants of all three segments
drawn by the synthetic portfolio's generator with a seed the models never saw, so
applications vary as at a desk (missing bureau summaries, multi-lender, old vehicles,
unproven incomes). Prints p50 / p95 / p99 / max per segment and overall, the time to
load the three models, and peak memory. The garbage collector stays on: its pauses are
part of what the desk sees.

Run: .venv/bin/python bench/prescore.py [--calls 6000] [--warm-up 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lightgbm as lgb  # noqa: E402

import resources  # noqa: E402
from models.prescore.features import SEGMENTS, Facts  # noqa: E402
from models.prescore.scorer import PreScorer  # noqa: E402
from models.training import portfolio  # noqa: E402

TARGET_MS = 5.0


def percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(p / 100 * len(sorted_ms)))]


def applicants(n: int, seed: int) -> list[Facts]:
    """n applicants, the three segments in turn."""
    rngs = {s: random.Random(f"bench:{s}:{seed}") for s in SEGMENTS}
    return [portfolio._applicant(rngs[SEGMENTS[i % len(SEGMENTS)]], SEGMENTS[i % len(SEGMENTS)])
            for i in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=6000)
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.calls < 5000:
        parser.error("--calls: at least 5,000 for a p99")
    directory = resources.prescore_models()

    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        scorer = PreScorer(directory)
        loads.append((time.perf_counter() - t0) * 1000)
    people = applicants(args.calls + args.warm_up, args.seed)
    for facts in people[: args.warm_up]:
        scorer.score(facts)

    timings: dict[str, list[float]] = {s: [] for s in SEGMENTS}
    decisions: dict[str, int] = {}
    reasons = 0
    for facts in people[args.warm_up:]:
        t0 = time.perf_counter()
        result = scorer.score(facts)
        timings[facts.segment].append((time.perf_counter() - t0) * 1000)
        decisions[result.decision] = decisions.get(result.decision, 0) + 1
        reasons += len(result.reasons)

    print("command: " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]))
    print(f"pre-score with reasons, in-process: {args.calls:,} calls after {args.warm_up} "
          f"warm-up (python {sys.version.split()[0]}, LightGBM {lgb.__version__}, "
          f"{os.cpu_count()} CPUs)")
    print("models: " + ", ".join(scorer.versions.values()))
    print(f"model load (three segments): first {loads[0]:.1f} ms, then "
          f"{min(loads[1:]):.1f} ms")
    print(f"{'segment':<12} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    every: list[float] = []
    for segment, ts in timings.items():
        ts.sort()
        every += ts
        print(f"{segment:<12} {len(ts):>6} {percentile(ts, 50):>8.3f} "
              f"{percentile(ts, 95):>8.3f} {percentile(ts, 99):>8.3f} {ts[-1]:>8.3f}")
    every.sort()
    p99 = percentile(every, 99)
    print(f"{'all':<12} {len(every):>6} {percentile(every, 50):>8.3f} "
          f"{percentile(every, 95):>8.3f} {p99:>8.3f} {every[-1]:>8.3f}")
    print(f"mean {statistics.fmean(every):.3f} ms; {reasons / len(every):.1f} reasons per "
          "call; decisions " + ", ".join(f"{k} {v}" for k, v in sorted(decisions.items())))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak_mb:.0f} MB")
    print(f"target p99 <= {TARGET_MS} ms: {'met' if p99 <= TARGET_MS else 'NOT MET'}")
    return 0 if p99 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
