"""Choosing and starting an OCR engine.

    warm = BackgroundWarmUp("rapidocr")      # at desk start: load + warm in a thread
    ...
    engine = warm.engine(timeout=10)         # at first capture: usually already ready
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.ocr.base import OcrEngine
from models.ocr.errors import OcrEngineUnavailable

__all__ = [
    "ENGINE_NAMES",
    "BackgroundWarmUp",
    "OcrEngineUnavailable",
    "available_engines",
    "create_engine",
]

ENGINE_NAMES = ("rapidocr", "paddleocr")


def create_engine(name: str = "rapidocr", **options: Any) -> OcrEngine:
    """Build the named engine. `options` go to its constructor (see RapidOcrEngine /
    PaddleOcrEngine). Raises OcrEngineUnavailable when it cannot run here."""
    key = name.strip().lower()
    if key == "rapidocr":
        from models.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(**options)
    if key == "paddleocr":
        from models.ocr.paddle import PaddleOcrEngine

        return PaddleOcrEngine(**options)
    raise ValueError(f"unknown OCR engine {name!r}; known: {', '.join(ENGINE_NAMES)}")


def available_engines(paddle_model_dir: Path | None = None) -> list[str]:
    """Engines whose package is installed and whose model files are on disk, best first.
    Cheap: imports no inference runtime."""
    from models.ocr.paddle import paddle_available
    from models.ocr.rapid import bundled_models_present

    names = []
    if bundled_models_present():
        names.append("rapidocr")
    if paddle_available(paddle_model_dir):
        names.append("paddleocr")
    return names


class BackgroundWarmUp:
    """Builds and warms an engine on its own thread, started at once.

    `BackgroundWarmUp("rapidocr", threads=2)` uses `create_engine`; pass `factory=` to
    build the engine some other way. `engine()` waits and returns it, or re-raises what
    went wrong while building or warming it."""

    def __init__(self, name: str = "rapidocr", *,
                 factory: Callable[[], OcrEngine] | None = None, **options: Any) -> None:
        if factory is not None and options:
            raise TypeError("pass either factory or engine options, not both")
        self._factory = factory or (lambda: create_engine(name, **options))
        self._done = threading.Event()
        self._engine: OcrEngine | None = None
        self._error: BaseException | None = None
        self.seconds: float | None = None  # build + warm-up time, once done
        # Not a daemon: killed inside an ONNX Runtime call at exit, the process aborts
        # ("terminate called without an active exception"); a warm-up ends in ~1 s.
        self._thread = threading.Thread(target=self._run, name="ocr-warm-up", daemon=False)
        self._thread.start()

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            engine = self._factory()
            engine.warm_up()
            self._engine = engine
        except BaseException as exc:  # handed to whoever asks for the engine
            self._error = exc
        finally:
            self.seconds = time.perf_counter() - start
            self._done.set()

    @property
    def ready(self) -> bool:
        """The engine is built and warm."""
        return self._done.is_set() and self._engine is not None

    @property
    def done(self) -> bool:
        """Building has finished, successfully or not."""
        return self._done.is_set()

    def engine(self, timeout: float | None = None) -> OcrEngine:
        """Wait for the engine (at most `timeout` seconds; None = as long as it takes).
        Raises TimeoutError if it is still loading, or the error that stopped it."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"OCR engine still loading after {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._engine is not None
        return self._engine
