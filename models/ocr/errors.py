"""Errors shared by the OCR engines."""

from __future__ import annotations


class OcrEngineUnavailable(RuntimeError):
    """The engine cannot run on this machine: its package is not installed or its
    local model files are missing. Engines never fall back to downloading."""
