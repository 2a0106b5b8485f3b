"""Render the self-test's sample ID card once: `python build/make_sample_card.py`.

The card is synthetic (every detail invented) and photographed as a webcam would see it,
so the self-test runs the real path: find the card, rectify, OCR, parse, validate. The
output is committed under resources/samples/; the bundle ships it, the self-test reads it.
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

    rng = random.Random(SEED)
    doc, truth = render("id_front", rng)
    frame, _corners = photograph(doc, rng, "clean")
    OUT.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise SystemExit("could not encode the sample card")
    (OUT / "id_card_front.jpg").write_bytes(data.tobytes())
    expected = {"doc_type": "id_front", "seed": SEED, "id_number": truth["id_number"],
                "name": truth["name"], "synthetic": True}
    (OUT / "id_card_front.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{OUT / 'id_card_front.jpg'}: {len(data)} bytes, id {truth['id_number']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
