"""OCR engine figures for the ID-card capture budget (front end-to-end <= 300 ms p50).

For each engine configuration, in a fresh process (one engine per process, as in the
desk): import + construction, warm_up(), the first read after warm-up, read() p50/p90/min
on a rendered 1012x638 ID-card-like image (8 text lines, 13 boxes), recognize() on 6
crops, whether the name and ID number come back exactly, and peak RSS. The sweep over
configurations runs twice and the timings are pooled, so a burst of load from other
processes does not land on one row only; the load average is printed too.

Run: .venv/bin/python bench/ocr_engine_probe.py [--repeat 10] [--sweeps 2]
     unshare -n .venv/bin/python bench/ocr_engine_probe.py   # no network at all
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NAME, ID_NUMBER = "张伟", "110105198803151232"
CROP_TEXTS = [NAME, "1988年3月15日", "北京市朝阳区建国路88号", "华贸中心3号楼1单元502室",
              ID_NUMBER, "男"]

# label, card width fed to read(), RapidOcrEngine options
CONFIGS: list[tuple[str, int, dict[str, Any]]] = [
    ("det 736 max (engine default)", 1012, {}),
    ("det 736 min (RapidOCR's default)", 1012, {"det_limit_side_len": 736,
                                                "det_limit_type": "min"}),
    ("det 640 max", 1012, {"det_limit_side_len": 640}),
    ("det 960 max", 1012, {"det_limit_side_len": 960}),
    ("card scaled to 640 wide, det 640 max", 640, {"det_limit_side_len": 640}),
    ("det 736 max, no cls", 1012, {"use_cls": False}),
    ("card scaled to 640 wide, no cls", 640, {"det_limit_side_len": 640, "use_cls": False}),
    ("det 736 max, no memory arena", 1012, {"mem_arena": False}),
    ("det 736 max, thread spinning", 1012, {"allow_spinning": True}),
    ("det 736 max, 1 thread", 1012, {"threads": 1}),
]


def render_card() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    """1012x638 BGR, laid out like the front of a PRC ID card, and each text's box
    (left, top, right, bottom) with a 4 px margin."""
    img = Image.new("RGB", (1012, 638), (236, 240, 236))
    draw = ImageDraw.Draw(img)
    label, value = ImageFont.truetype(FONT, 30), ImageFont.truetype(FONT, 36)
    number = ImageFont.truetype(FONT, 40)
    blue, black = (40, 90, 150), (20, 20, 20)
    boxes = {}
    for x, y, text, font, colour in [
        (60, 60, "姓名", label, blue), (160, 60, NAME, value, black),
        (60, 140, "性别", label, blue), (160, 140, "男", value, black),
        (300, 140, "民族", label, blue), (400, 140, "汉", value, black),
        (60, 220, "出生", label, blue), (160, 220, "1988年3月15日", value, black),
        (60, 300, "住址", label, blue), (160, 300, "北京市朝阳区建国路88号", value, black),
        (160, 360, "华贸中心3号楼1单元502室", value, black),
        (60, 520, "公民身份号码", label, blue), (300, 520, ID_NUMBER, number, black),
    ]:
        draw.text((x, y), text, font=font, fill=colour)
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        boxes[text] = (left - 4, top - 4, right + 4, bottom + 4)
    draw.rectangle((720, 60, 960, 360), outline=(180, 180, 180), width=3)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1]), boxes


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def peak_rss_mb() -> float:
    """VmHWM: unlike ru_maxrss it is not inherited from the parent across exec."""
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(index: int, repeat: int) -> dict[str, Any]:
    """One configuration, in this (fresh) process."""
    _, width, options = CONFIGS[index]
    card, boxes = render_card()
    image = card if width == card.shape[1] else cv2.resize(
        card, (width, round(card.shape[0] * width / card.shape[1])),
        interpolation=cv2.INTER_AREA)

    start = time.perf_counter()
    from models.ocr.rapid import RapidOcrEngine

    engine = RapidOcrEngine(**options)
    construct = (time.perf_counter() - start) * 1000
    warm = timed(engine.warm_up)[0]
    first = timed(lambda: engine.read(image))[0]
    reads = timed(lambda: engine.read(image), repeat)
    crops = [card[t:b, left:r] for left, t, r, b in (boxes[text] for text in CROP_TEXTS)]
    got = [text for text, _ in engine.recognize(crops)]
    texts = [ln.text for ln in engine.read(image)]
    return {
        "construct": construct, "warm": warm, "first": first, "reads": reads,
        "recognize": timed(lambda: engine.recognize(crops), repeat),
        "recognize_exact": sum(a == b for a, b in zip(got, CROP_TEXTS, strict=True)),
        "found": NAME in texts and ID_NUMBER in texts, "lines": len(texts),
        "threads": engine.threads, "rss": peak_rss_mb(),
    }


def p(ms: list[float], q: float) -> float:
    return float(np.percentile(ms, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="reads per config per sweep")
    parser.add_argument("--sweeps", type=int, default=2)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"{args.sweeps} sweeps x {args.repeat} reads per configuration")
    runs: list[list[dict[str, Any]]] = [[] for _ in CONFIGS]
    for _ in range(args.sweeps):
        for i in range(len(CONFIGS)):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(i), "--repeat", str(args.repeat)],
                capture_output=True, text=True, check=True, timeout=300)
            runs[i].append(json.loads(out.stdout.splitlines()[-1]))

    print(f"\n{'read() of the card':38s} {'p50':>5s} {'p90':>5s} {'min':>5s}  name+ID  "
          f"lines  {'RSS MB':>6s}  {'first':>5s}")
    for (label, _, _), results in zip(CONFIGS, runs, strict=True):
        reads = [ms for r in results for ms in r["reads"]]
        found = "ok" if all(r["found"] for r in results) else "MISS"
        print(f"{label:38s} {p(reads, 50):5.0f} {p(reads, 90):5.0f} {min(reads):5.0f}  "
              f"{found:7s}  {results[0]['lines']:5d}  {max(r['rss'] for r in results):6.0f}  "
              f"{statistics.median(r['first'] for r in results):5.0f}")

    default = runs[0]
    rec = [ms for r in default for ms in r["recognize"]]
    print(f"\nengine default ({default[0]['threads']} threads): import + construct "
          f"{statistics.median(r['construct'] for r in default):.0f} ms, warm_up "
          f"{statistics.median(r['warm'] for r in default):.0f} ms, first read after warm-up "
          f"{statistics.median(r['first'] for r in default):.0f} ms")
    print(f"recognize() 6 crops: p50 {p(rec, 50):.0f}  p90 {p(rec, 90):.0f}  min {min(rec):.0f}"
          f" ms; exact {min(r['recognize_exact'] for r in default)}/6")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
