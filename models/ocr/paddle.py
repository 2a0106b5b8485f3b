"""Optional PaddleOCR engine, for machines where `paddleocr` (3.x) is installed and its
inference models have been copied into a local folder beforehand.

Layout expected under `model_dir`: one folder per model, named after the model
(`PP-OCRv5_mobile_det/`, `PP-OCRv5_mobile_rec/`), each holding the exported inference
files. Both the model name and the folder are passed to PaddleOCR: with a folder alone
it assumes its default model name, which may not match the files.

Written against the PaddleOCR 3.x API (`PaddleOCR(text_detection_model_dir=...,
text_recognition_model_dir=...).predict(img)` giving `rec_texts` / `rec_scores` /
`rec_polys`, and `TextRecognition(model_dir=...).predict(...)` giving `rec_text` /
`rec_score`). paddleocr is not installed on the development machine, so only the
"unavailable" path is tested here; treat the rest as unverified until it runs on a
machine with paddleocr.
"""

from __future__ import annotations

import os
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from models.ocr.base import SkipLine, TextLine
from models.ocr.errors import OcrEngineUnavailable
from models.ocr.rapid import as_bgr, physical_cores, quad, reading_order

DEFAULT_DET_MODEL = "PP-OCRv5_mobile_det"
DEFAULT_REC_MODEL = "PP-OCRv5_mobile_rec"


def _paddleocr_installed() -> bool:
    return find_spec("paddleocr") is not None


def paddle_available(model_dir: Path | None, det_model: str = DEFAULT_DET_MODEL,
                     rec_model: str = DEFAULT_REC_MODEL) -> bool:
    """True when paddleocr is importable and both model folders exist."""
    return (model_dir is not None and _paddleocr_installed()
            and (model_dir / det_model).is_dir() and (model_dir / rec_model).is_dir())


class PaddleOcrEngine:
    """`OcrEngine` on PaddleOCR 3.x, from local model folders only."""

    name = "paddleocr"

    def __init__(
        self,
        model_dir: Path,
        *,
        det_model: str = DEFAULT_DET_MODEL,
        rec_model: str = DEFAULT_REC_MODEL,
        threads: int | None = None,
        det_limit_side_len: int = 736,
        det_limit_type: str = "max",
        text_score: float = 0.5,
    ) -> None:
        if not _paddleocr_installed():
            raise OcrEngineUnavailable("paddleocr is not installed")
        model_dir = Path(model_dir)
        self._det_dir = model_dir / det_model
        self._rec_dir = model_dir / rec_model
        missing = [p for p in (self._det_dir, self._rec_dir) if not p.is_dir()]
        if missing:
            raise OcrEngineUnavailable(
                "PaddleOCR model folders not found: " + ", ".join(str(p) for p in missing)
            )
        # PaddleX probes the model hosters (HuggingFace, ModelScope, ...) at import time
        # unless told not to; the flag was renamed once, so set both spellings.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        os.environ.setdefault("DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:
            raise OcrEngineUnavailable(f"paddleocr cannot be imported: {exc}") from exc

        self._rec_model = rec_model
        self._threads = threads or physical_cores() or 2
        self._lock = threading.Lock()
        self._text_rec: Any = None
        self._ocr = PaddleOCR(
            text_detection_model_name=det_model,
            text_detection_model_dir=str(self._det_dir),
            text_recognition_model_name=rec_model,
            text_recognition_model_dir=str(self._rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_det_limit_side_len=det_limit_side_len,
            text_det_limit_type=det_limit_type,
            text_rec_score_thresh=text_score,
            device="cpu",
            cpu_threads=self._threads,
        )

    def read(self, image: np.ndarray, skip: SkipLine | None = None,
             pack: bool = False) -> list[TextLine]:
        """Every line read, one at a time: PaddleOCR detects and recognises in one call
        (`skip` and `pack` are advice, see OcrEngine.read)."""
        img = as_bgr(image)
        with self._lock:
            results = self._ocr.predict(img)
        lines: list[TextLine] = []
        for res in results:
            for text, score, poly in zip(res["rec_texts"], res["rec_scores"],
                                         res["rec_polys"], strict=True):
                lines.append(TextLine(text=str(text), score=float(score), box=quad(poly)))
        return reading_order(lines)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        images = [as_bgr(c) for c in crops]
        with self._lock:
            if self._text_rec is None:
                from paddleocr import TextRecognition

                self._text_rec = TextRecognition(
                    model_name=self._rec_model, model_dir=str(self._rec_dir), device="cpu",
                    cpu_threads=self._threads,
                )
            results = self._text_rec.predict(images, batch_size=len(images))
        return [(str(r["rec_text"]), float(r["rec_score"])) for r in results]

    def warm_up(self) -> None:
        img = np.full((64, 480, 3), 255, np.uint8)
        cv2.putText(img, "WARM UP 0123456789", (12, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.1,
                    (0, 0, 0), 2, cv2.LINE_AA)
        self.read(img)
        self.recognize([img[8:56, :]])
