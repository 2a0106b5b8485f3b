"""Document intake: the desk camera (or a file, or a scanner folder) → checked fields
→ what the consultant confirms. The UI runs `CameraSession.step()` and the reads on
workers; nothing here touches Qt."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

import resources
from local_store import repositories as repo
from local_store.db import Store
from models.ocr.base import OcrEngine
from models.ocr.factory import BackgroundWarmUp
from showroom_app.documents import capture
from showroom_app.documents.capture import UnreadableImage
from showroom_app.documents.fields import FIELD_KEYS, DocKind, ParsedDocument, Problem
from showroom_app.documents.parsers import address_names, regions
from showroom_app.documents.pipeline import (
    ASPECT_OF,
    ReadResult,
    UnrecognizedDocument,
    locate_by_text,
    read_document,
    read_views,
)
from showroom_app.domain.enums import AuditAction, DocumentType, Permission
from showroom_app.domain.errors import ShowroomError
from showroom_app.domain.models import User
from showroom_app.services.auth import require

log = logging.getLogger(__name__)

# What the UI may use of the document layer, through this service.
__all__ = ["FIELD_KEYS", "CameraSession", "CameraUnavailable", "DocKind", "IntakeService",
           "ParsedDocument", "PreviewFrame", "Problem", "ScannerFolder", "UnreadableImage",
           "UnrecognizedDocument"]

# How the stored document is typed, per OCR kind.
STORED_AS: dict[DocKind, DocumentType] = {
    DocKind.ID_FRONT: DocumentType.ID_CARD_FRONT,
    DocKind.ID_BACK: DocumentType.ID_CARD_BACK,
    DocKind.DRIVING_LICENSE: DocumentType.DRIVING_LICENCE,
    DocKind.VEHICLE_LICENSE: DocumentType.VEHICLE_LICENCE,
    DocKind.BUSINESS_LICENSE: DocumentType.BUSINESS_LICENCE,
    DocKind.BANK_CARD: DocumentType.BANK_CARD,
}
PREVIEW_WIDTH = 640
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pdf")


class CameraUnavailable(ShowroomError):
    """The camera (or the video file standing in for it) cannot be opened or read."""


@dataclass(frozen=True)
class PreviewFrame:
    """One preview image for the screen (RGB bytes, already scaled down) with what the
    capture stage saw in it."""

    rgb: bytes
    width: int
    height: int
    corners: list[tuple[float, float]] | None  # in preview pixels
    hint: str | None  # a capture.Refusal value
    captured: np.ndarray | None  # the rectified document, on the frame it was captured
    # The same document cut from the still frames before it, newest first: averaged
    # with it into the picture that is read (read_card).
    views: tuple[np.ndarray, ...] = ()


class CameraSession:
    """A device index ("0") or a video / image file. An image file repeats its single
    frame, so a dealer without a camera (and the tests) can use the same screen."""

    def __init__(self, source: str | int, kind: DocKind | None = None,
                 engine: Callable[[], OcrEngine | None] | None = None) -> None:
        self.source = source
        self.kind = kind
        # The OCR engine once it is ready (None until then: the camera thread never
        # waits for it), for placing a document by its print when the manual capture
        # finds no outline (see capture_now). No callable: the outline only.
        self._engine = engine
        device = int(source) if isinstance(source, int) or str(source).isdigit() else None
        self._still: np.ndarray | None = None
        self._capture = None
        if device is None and Path(str(source)).suffix.lower() in IMAGE_SUFFIXES:
            self._still = capture.load_image(Path(str(source)))
        else:
            cap = cv2.VideoCapture(device if device is not None else str(source))
            if not cap.isOpened():
                raise CameraUnavailable("the camera cannot be opened: check that it is "
                                        "plugged in and not used by another program")
            self._capture = cap
        self._file = device is None and self._still is None
        self.auto = capture.AutoCapture(aspect_hint=ASPECT_OF[kind] if kind else None)
        self.last_frame: np.ndarray | None = None

    def set_kind(self, kind: DocKind | None) -> None:
        self.kind = kind
        self.auto = capture.AutoCapture(aspect_hint=ASPECT_OF[kind] if kind else None)

    def read(self) -> np.ndarray:
        if self._still is not None:
            return self._still
        assert self._capture is not None
        ok, frame = self._capture.read()
        if not ok and self._file:  # a video file loops, like a camera that never ends
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
        if not ok or frame is None:
            raise CameraUnavailable("the camera stopped sending pictures")
        return frame

    def step(self) -> PreviewFrame:
        frame = self.read()
        self.last_frame = frame
        found = self.auto.feed(frame)
        rgb, scale = _preview_rgb(frame)
        corners = None if found.corners is None else [
            (float(x) * scale, float(y) * scale) for x, y in found.corners]
        return PreviewFrame(rgb.tobytes(), rgb.shape[1], rgb.shape[0], corners,
                            found.hint.value if found.hint else None, found.captured,
                            tuple(found.views))


    def capture_now(self) -> tuple[np.ndarray, tuple[np.ndarray, ...]] | None:
        """The document in view, with the views of it to average (read_card), or None
        when none is found."""
        frame = self.last_frame if self.last_frame is not None else self.read()
        found = self.auto.capture_now(frame)
        if found is not None:
            return found[0], tuple(found[1])
        engine = self._engine() if self._engine is not None else None
        if engine is not None and self.kind is not None:
            # The consultant pressed capture on a card whose outline does not show
            # (pale card on white paper): its print still places it. A failure here is
            # only "no document found", never the end of the camera.
            try:
                corners = locate_by_text(engine, frame, self.kind)
            except Exception:
                log.exception("placing the document by its print failed")
                corners = None
            if corners is not None:
                # (Feeding this frame found no outline, which let the earlier frames go.)
                return capture.rectify(frame, corners, ASPECT_OF[self.kind]), ()
        return None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def _preview_rgb(picture: np.ndarray) -> tuple[np.ndarray, float]:
    """`picture` (BGR) at the preview's width, as RGB, and the scale it took."""
    h, w = picture.shape[:2]
    scale = PREVIEW_WIDTH / w
    small = cv2.resize(picture, (PREVIEW_WIDTH, max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB), scale


def still_preview(picture: np.ndarray) -> PreviewFrame:
    """A preview of a document read from a file (the part that was read, cut out and
    set upright), shown in place of the camera's picture while its fields are
    checked: the form must not sit beside a live picture of something else."""
    rgb, _scale = _preview_rgb(capture.to_bgr(picture))
    return PreviewFrame(rgb.tobytes(), rgb.shape[1], rgb.shape[0], None, None, None)


class ScannerFolder:
    """A folder a scanner saves into: new image files are picked up once each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen = {p.name for p in self._files()}

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted((p for p in self.folder.iterdir()
                       if p.suffix.lower() in IMAGE_SUFFIXES), key=lambda p: p.stat().st_mtime)

    def new_files(self, settle_seconds: float = 1.0) -> list[Path]:
        """Files that appeared since the last call and stopped growing (a scanner
        writes for a while)."""
        fresh = []
        for p in self._files():
            if p.name in self._seen:
                continue
            if time.time() - p.stat().st_mtime < settle_seconds:
                continue
            self._seen.add(p.name)
            fresh.append(p)
        return fresh


def _warm_address_tables() -> None:
    regions.warm()
    address_names.words()


class IntakeService:
    """Reads documents with the bundled OCR engine (warmed up in the background at
    start) and keeps what the consultant confirmed, encrypted, with correction counts
    for the accuracy report."""

    def __init__(self, store: Store, warm_up: BackgroundWarmUp | None = None) -> None:
        self._store = store
        self._warm = warm_up
        self._lock = threading.Lock()

    @staticmethod
    def engine_description() -> str:
        """The OCR engine and its runtime versions, for Settings → About."""
        from importlib.metadata import PackageNotFoundError, version

        def of(package: str) -> str:
            try:
                return version(package)
            except PackageNotFoundError:
                return "?"

        return f"RapidOCR {of('rapidocr')} (PP-OCRv6) · ONNX Runtime {of('onnxruntime')}"

    def start_engine(self) -> None:
        with self._lock:
            if self._warm is None:
                self._warm = BackgroundWarmUp("rapidocr")
                # The place-name tables and the word list the address parser reads
                # against (~70 ms to build): built now, not on the first card read.
                threading.Thread(target=_warm_address_tables, name="address-tables",
                                 daemon=True).start()

    @property
    def engine_ready(self) -> bool:
        return self._warm is not None and self._warm.ready

    def _ready_engine(self) -> OcrEngine | None:
        """The engine if it has loaded; None while it warms up or when it failed."""
        if self._warm is None or not self._warm.ready:
            return None
        return self._warm.engine()  # ready: built, warm, no error to raise

    def _engine(self):
        self.start_engine()
        assert self._warm is not None
        return self._warm.engine()

    def open_camera(self, source: str | int, kind: DocKind | None = None) -> CameraSession:
        return CameraSession(source, kind, engine=self._ready_engine)

    def read_card(self, card: np.ndarray, kind: DocKind | None,
                  views: Sequence[np.ndarray] = ()) -> ReadResult:
        """A document already cut out (auto or manual capture); `views`: the same
        document cut from other frames it lay still in, averaged with it into the
        picture that is read (pipeline.read_views)."""
        return read_views(self._engine(), [card, *views], kind, find=False)

    def read_image(self, image: np.ndarray, kind: DocKind | None) -> ReadResult:
        """A whole frame or a scan: the document is found in it first."""
        return read_document(self._engine(), image, kind, find=True)

    def read_file(self, path: Path, kind: DocKind | None) -> ReadResult:
        return self.read_image(capture.load_image(path), kind)

    def read_file_shown(self, path: Path, kind: DocKind | None
                        ) -> tuple[ReadResult, PreviewFrame]:
        """read_file, with the preview of the part that was read (still_preview)."""
        result = self.read_file(path, kind)
        return result, still_preview(result.card)

    def confirm(self, actor: User, document: ParsedDocument, card: np.ndarray,
                confirmed: dict[str, str], application_id: str | None = None,
                customer_id: str | None = None) -> str:
        """Store the image and the values the consultant confirmed (their corrections
        included); count, per field, what OCR got right and what was corrected."""
        require(actor, Permission.WORK_APPLICATIONS)
        ok, png = cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise ShowroomError("the captured image could not be encoded")
        with self._store.transaction() as s:
            final = {key: confirmed.get(key, read.value)
                     for key, read in document.fields.items()}
            doc = repo.add_document(s, self._store.cipher, STORED_AS[document.doc_type],
                                    png.tobytes(), "image/jpeg",
                                    application_id=application_id, customer_id=customer_id,
                                    fields={"kind": document.doc_type.value, **final})
            counts = json.loads(repo.get_meta(s, "ocr:accuracy") or "{}")
            per_kind = counts.setdefault(document.doc_type.value, {})
            for key, read in document.fields.items():
                final = confirmed.get(key, read.value)
                tally = per_kind.setdefault(key, {"confirmed": 0, "corrected": 0})
                tally["confirmed" if final == read.value else "corrected"] += 1
            repo.set_meta(s, "ocr:accuracy", json.dumps(counts))
            repo.audit(s, AuditAction.CREATE, "document", doc.id, actor,
                       f"{document.doc_type.value} captured and confirmed")
        return doc.id

    def accuracy(self) -> dict[str, dict[str, dict[str, int]]]:
        """Per kind and field: how often OCR was confirmed as read, or corrected."""
        with self._store.read() as s:
            return json.loads(repo.get_meta(s, "ocr:accuracy") or "{}")


def demo_camera_frame(folder: Path) -> Path:
    """A synthetic ID card lying on a desk, as a camera would see it, for `--demo` and
    screenshots on machines without a camera. Every detail on it is invented. The
    picture ships with the desk (drawing it needs CJK fonts a dealer's PC may lack);
    it is copied into the demo's own folder, which goes away with the demo."""
    import shutil

    path = Path(folder) / "demo-camera-id-card.jpg"
    try:
        shutil.copyfile(resources.sample_id_card(), path)
    except OSError as exc:
        raise ShowroomError(f"the demo camera picture could not be written: {exc}") from exc
    return path
