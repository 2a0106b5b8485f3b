"""Files the desk ships with: pre-score and OCR models and their cards, sample data.

A package (not a loose folder) so that the wheel and the frozen bundle carry it and
code finds it the same way in a checkout, an install or a bundle.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def prescore_models() -> Path:
    """One sub-folder per segment (individual, fleet, farmer) and the feature schema."""
    return ROOT / "models" / "prescore"


def ocr_models() -> Path:
    """The desk's own OCR model files (the recogniser fine-tuned for ID cards) and their
    model card; the detector and classifier come with the `rapidocr` package."""
    return ROOT / "models" / "ocr"


def common_words() -> Path:
    """Two-character words of modern Chinese, one per line (see lexicon/README.md)."""
    return ROOT / "lexicon" / "common_words.txt"


def demo_promotions() -> Path:
    """The demo dealer's promotion rules (YAML)."""
    return ROOT / "demo" / "promotions.yaml"


def sample_id_card() -> Path:
    """A synthetic ID card front photographed on a desk at 1280×720 (every detail
    invented; made by build/make_sample_card.py): the demo camera and the self-test."""
    return ROOT / "samples" / "id_card_front.jpg"
