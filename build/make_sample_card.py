"""Render the self-test's sample ID card once: `python build/make_sample_card.py`.

The card is synthetic (every detail invented) and photographed as a webcam would see it,
so the self-test runs the real path: find the card, rectify, OCR, parse, validate. The
output is committed under resources/samples/; the bundle ships it, the self-test reads it,
and `--demo` shows it as the camera's picture. So it must be one the live capture takes by
itself (no reflection its gates refuse): the first such photograph from SEED on is kept.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "samples"
SEED = 20261129
JPEG_QUALITY = 80  # ~75 KB; PNG would be 1.2 MB for the same frame


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import cv2

    from models.training.doc_corpus import photograph, render
    from showroom_app.documents import capture

    for seed in range(SEED, SEED + 200):
        rng = random.Random(seed)
        doc, truth = render("id_front", rng)
        frame, _corners = photograph(doc, rng, "clean")
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise SystemExit("could not encode the sample card")
        # What the camera page does with a still picture: the same frame, again and again.
        still = cv2.imdecode(data, cv2.IMREAD_COLOR)
        auto = capture.AutoCapture(aspect_hint=capture.ASPECT["card"])
        if any(auto.feed(still).captured is not None for _ in range(8)):
            break
    else:
        raise SystemExit("no photograph from SEED on passes the capture gates")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "id_card_front.jpg").write_bytes(data.tobytes())
    expected = {"doc_type": "id_front", "seed": seed, "id_number": truth["id_number"],
                "name": truth["name"], "synthetic": True}
    (OUT / "id_card_front.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{OUT / 'id_card_front.jpg'}: {len(data)} bytes, id {truth['id_number']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
