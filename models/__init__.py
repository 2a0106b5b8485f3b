"""Bundled ML: OCR engines, the pre-score models, training."""
