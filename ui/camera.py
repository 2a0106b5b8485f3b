"""The desk camera on its own thread: open it, step the capture stage at a steady
pace, hand preview frames (and captured cards) to the UI thread.

Everything that touches pixels runs here or in the services; the UI thread only turns
the RGB bytes of a frame into a QImage and paints it.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QCoreApplication, QThread, Signal

from showroom_app.services.intake import (
    CameraUnavailable,
    DocKind,
    IntakeService,
    UnreadableImage,
    UnrecognizedDocument,
)
from ui.errors import describe

log = logging.getLogger(__name__)

FPS = 15
FRAME_SECONDS = 1.0 / FPS


# What the capture stage says about a file it cannot read (its message, without the
# file's name), in the desk's language. Anything else gets the generic sentence.
def _file_reason(message: str) -> str | None:
    translate = QCoreApplication.translate
    reasons = (
        ("The file is empty", translate("Camera", "the file is empty")),
        ("Not an image file", translate("Camera", "it is not an image, or the image is damaged")),
        ("The file cannot be read", translate("Camera", "the file cannot be opened (moved, deleted or not allowed)")),
        ("The PDF is password-protected", translate("Camera", "the PDF is password-protected")),
        ("The PDF has no pages", translate("Camera", "the PDF has no pages")),
        ("Not a readable PDF", translate("Camera", "it is not a readable PDF")),
        ("The PDF's first page has no embedded image", translate("Camera", "the PDF holds text or drawings, not a scan: scan the document, or save it as JPG or PNG")),
        ("The PDF's page image cannot be decoded", translate("Camera", "the scan inside the PDF is damaged")),
    )
    return next((text for prefix, text in reasons if message.startswith(prefix)), None)


def intake_problem(error: BaseException) -> str:
    """A sentence for what went wrong with the camera, a file or a read: what happened
    and what to do next. Safe to call on any thread (translation is thread-safe)."""
    translate = QCoreApplication.translate
    if isinstance(error, CameraUnavailable):
        return translate("Camera", "The camera cannot be opened or stopped sending pictures. Check that it is plugged in and not used by another program, or choose another source. You can still import a file.")
    if isinstance(error, UnreadableImage):
        path = getattr(error, "path", None)
        reason = _file_reason(str(error)) or translate("Camera", "it is not an image or a PDF scan the desk can read")
        if path is not None:
            return translate("Camera", "{0} cannot be used: {1}. Nothing was saved; choose another file.").format(
                path.name, reason)
        return translate("Camera", "The picture cannot be used: {0}. Nothing was saved; choose another file or source.").format(reason)
    if isinstance(error, UnrecognizedDocument):
        return translate("Camera", "No known document was recognised in the picture. Lay it flat and fully in view, choose its kind, and try again.")
    if isinstance(error, TimeoutError):
        return translate("Camera", "The OCR models are still loading. Try again in a moment.")
    if isinstance(error, OSError):
        return translate("Camera", "The file or device cannot be read: {0}").format(error.strerror or str(error))
    return describe(error)  # type: ignore[arg-type]


class CameraWorker(QThread):
    """Owns one CameraSession for as long as it runs.

    Emits `frame(PreviewFrame)` at most FPS times a second, `captured((card, views) or
    None)` after `request_capture()`, and `failed(message)` once if the camera cannot be
    opened or read (then it ends). Requests from the UI thread are flags read by the loop.
    """

    frame = Signal(object)
    captured = Signal(object)
    failed = Signal(str)

    def __init__(self, intake: IntakeService, source: str | int, kind: DocKind | None,
                 parent=None) -> None:
        super().__init__(parent)
        self.intake = intake
        self.source = source
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._capture = False
        self._kind = kind
        self._reset = False
        self.frames = 0

    # --- from the UI thread ------------------------------------------------------------

    def request_capture(self) -> None:
        """The next loop captures whatever document is in view, gates or not."""
        with self._lock:
            self._capture = True

    def set_kind(self, kind: DocKind | None) -> None:
        with self._lock:
            self._kind = kind
            self._reset = True

    def rearm(self) -> None:
        """Start auto capture afresh: the document in view may be captured again."""
        with self._lock:
            self._reset = True

    def stop(self, wait_ms: int | None = None) -> bool:
        """Ask the loop to end; wait for it (forever by default). True when it ended."""
        self._stop.set()
        if wait_ms is None:
            return self.wait()
        return self.wait(wait_ms)

    # --- on the camera thread ------------------------------------------------------------

    def run(self) -> None:
        try:
            session = self.intake.open_camera(self.source, self._kind)
        except Exception as exc:  # shown on the page, never a crash
            self._fail(exc)
            return
        try:
            while not self._stop.is_set():
                started = time.monotonic()
                with self._lock:
                    capture, self._capture = self._capture, False
                    reset, self._reset = self._reset, False
                    kind = self._kind
                if reset:
                    session.set_kind(kind)
                preview = session.step()
                self.frames += 1
                self.frame.emit(preview)
                if capture:
                    self.captured.emit(session.capture_now())
                rest = FRAME_SECONDS - (time.monotonic() - started)
                if rest > 0:
                    self._stop.wait(rest)
        except Exception as exc:
            self._fail(exc)
        finally:
            session.close()

    def _fail(self, error: BaseException) -> None:
        log.warning("camera %r: %s: %s", self.source if isinstance(self.source, int)
                    or str(self.source).isdigit() else "file", type(error).__name__, error)
        self.error = error
        self.failed.emit(intake_problem(error))
