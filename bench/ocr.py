"""Document OCR on synthetic webcam frames: accuracy per field, latency, memory.

Frames come from models/training/doc_corpus.py (realistic synthetic documents
photographed into 1280x720 frames), "clean" and "degraded" (blur, noise, glare, JPEG,
low light, 90/180/270°). Each frame goes through the desk's pipeline exactly as a
capture does: find and rectify the document, OCR with the bundled PP-OCR models,
parse, validate. Prints per kind and field the exact-match accuracy, the ID-number
accuracy, how many wrong ID numbers were presented as valid (must be 0), p50 / p95
latency frame → validated fields, and peak memory.

With --burst N each document is photographed as N frames of one still scene (only the
sensor noise and its compression differ) and read as the live auto capture reads the
frames it waited through: their mean, each laid onto the first (pipeline.read_views).
The bench averages the whole frames and then finds the card in the mean, where the
live capture averages the card cut from each frame along one outline.

Run: .venv/bin/python bench/ocr.py [--per-kind 40] [--degrade clean degraded]
     [--kinds id_front ...] [--seed 7] [--burst 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.ocr.factory import create_engine  # noqa: E402
from models.training.doc_corpus import KINDS, photograph, photograph_burst, render  # noqa: E402
from showroom_app.documents import capture  # noqa: E402
from showroom_app.documents.fields import DocKind  # noqa: E402
from showroom_app.documents.pipeline import (  # noqa: E402
    ASPECT_OF,
    read_views,
    today_in_china,
)

INVALID_SHARE = 0.2  # frames whose check character is printed wrong on purpose


def run(kinds: list[str], per_kind: int, degrade: str, seed: int, engine,
        show_misses: int, burst: int = 1) -> dict:
    rng = random.Random(f"{seed}:{degrade}")
    today = today_in_china()
    exact: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    # Whole-document success on the frames the live capture would take (found, sharp,
    # no glare, not dark): auto-capture waits for such a frame and says why until then.
    gated: dict[str, list[bool]] = defaultdict(list)
    latencies: dict[str, list[float]] = defaultdict(list)
    wrong_presented_valid = 0
    invalid_flagged = invalid_total = 0
    # Fields not legible on the card, shown as the valid ID number encodes them and
    # highlighted for the consultant: counted apart so the reading itself stays visible.
    from_number: dict[str, int] = defaultdict(int)
    read_every: dict[str, list[bool]] = defaultdict(list)
    # Wrong values the form shows without a highlight: what only the consultant's own
    # reading of the card can still catch.
    wrong: dict[str, list[bool]] = defaultdict(list)  # per wrong field: highlighted?
    misses: list[str] = []
    for kind in kinds:
        for _ in range(per_kind):
            doc, truth = render(kind, rng, invalid_check=rng.random() < INVALID_SHARE)
            frames = (photograph_burst(doc, rng, degrade, burst)[0] if burst > 1
                      else [photograph(doc, rng, degrade)[0]])
            frame = frames[0]
            started = time.perf_counter()
            try:
                # (One picture reads exactly as read_document reads it.)
                result = read_views(engine, frames, DocKind(kind), today=today)
                fields = result.document.fields
            except Exception as exc:  # a frame the pipeline gives up on counts as wrong
                fields = {}
                misses.append(f"{kind}: {type(exc).__name__}: {exc}")
            latencies[kind].append((time.perf_counter() - started) * 1000)
            corners = capture.find_document(frame, ASPECT_OF[DocKind(kind)])
            accepted = corners is not None and not capture.assess(frame, corners)
            every = all(fields.get(k) is not None and fields[k].value == want
                        for k, want in truth.items() if not k.startswith("_"))
            if accepted:
                gated[kind].append(every)
            filled = {k for k, fv in fields.items() if "from_id_number" in fv.problems}
            read_every[kind].append(every and not filled)
            for key in filled:
                from_number[key] += fields[key].value == truth.get(key)
            for key, want in truth.items():
                if key.startswith("_"):
                    continue
                got = fields.get(key)
                ok = got is not None and got.value == want
                exact[kind][key].append(ok)
                if not ok and fields:  # (a read that failed shows an error, no values)
                    wrong[kind].append(got is not None and got.needs_review)
                if not ok and len(misses) < show_misses:
                    misses.append(f"{kind}.{key}: want {want!r} got "
                                  f"{got.value if got else None!r}")
            if kind == "id_front":
                number = fields.get("id_number")
                problems = number.problems if number else ["missing"]
                if truth["_check_valid"] == "no":
                    invalid_total += 1
                    invalid_flagged += "check_character" in problems
                if number is not None and number.value != truth["id_number"] and not problems:
                    wrong_presented_valid += 1
    return {"exact": exact, "latencies": latencies, "misses": misses, "gated": gated,
            "wrong_presented_valid": wrong_presented_valid, "from_number": from_number,
            "read_every": read_every, "wrong": wrong,
            "invalid_flagged": (invalid_flagged, invalid_total)}


def pct(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.1f} %" if values else "–"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--degrade", nargs="+", default=["clean", "degraded"])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--burst", type=int, default=1,
                        help="frames of each document held still (the same scene, each "
                        "frame with its own sensor noise), read as the live capture "
                        "reads the frames it waited through (pipeline.read_views)")
    args = parser.parse_args()
    started = time.perf_counter()
    engine = create_engine("rapidocr")
    engine.warm_up()
    print(f"engine ready in {time.perf_counter() - started:.2f} s")
    for degrade in args.degrade:
        out = run(args.kinds, args.per_kind, degrade, args.seed, engine, args.show_misses,
                  args.burst)
        shots = (f"bursts of {args.burst} frames" if args.burst > 1 else "frames")
        print(f"\n== {degrade}: {args.per_kind} {shots} per kind, 1280x720 ==")
        for kind in args.kinds:
            fields = out["exact"][kind]
            every = [all(x) for x in zip(*fields.values(), strict=True)]
            lat = out["latencies"][kind]
            gate = out["gated"][kind]
            print(f"{kind:<17} all fields {pct(every):>8} (frames passing the capture gates: "
                  f"{len(gate)}, all fields {pct(gate)}) | p50 {statistics.median(lat):4.0f} ms"
                  f" p95 {quantile(lat, 0.95):4.0f} ms | "
                  + ", ".join(f"{k} {pct(v)}" for k, v in fields.items()))
            shown = out["wrong"][kind]
            print(f"{'':<17} wrong values {len(shown)}, shown without a highlight "
                  f"{len(shown) - sum(shown)}")
        if "id_front" in args.kinds:
            flagged, total = out["invalid_flagged"]
            filled = out["from_number"]
            print(f"all fields exact without any value filled from the ID number "
                  f"{pct(out['read_every']['id_front'])}; exact values filled from the "
                  f"number (illegible, highlighted): "
                  + (", ".join(f"{k} {n}" for k, n in sorted(filled.items())) or "none"))
            print(f"ID number exact {pct(out['exact']['id_front']['id_number'])}; printed "
                  f"wrong check character flagged {flagged}/{total}; misread numbers "
                  f"presented as valid: {out['wrong_presented_valid']}")
        for miss in out["misses"]:
            print("  miss:", miss)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS) {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
