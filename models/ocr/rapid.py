"""RapidOCR engine: PP-OCR ONNX models on ONNX Runtime, loaded only from local files.

The detector and line classifier are the ones shipped inside the `rapidocr` wheel
(`rapidocr/models/`); the recogniser is the wheel's, fine-tuned on ID cards photographed
badly, shipped in `resources/models/ocr/` (same graph, same embedded dictionary). We
open the ONNX Runtime sessions ourselves from those explicit paths and hand them to
RapidOCR, so its download code (model files, recogniser dictionary, fonts) is never
reached. The recogniser's character dictionary is embedded in the rec ONNX metadata;
the constructor checks that it is there, since without it RapidOCR would fetch a
dictionary file.

Three traps in RapidOCR 3.x that this wrapper avoids:
* `RapidOCR.__call__` accepts a str and fetches it with `requests` when it looks like a
  URL: `read` only takes arrays.
* Per-call overrides (`use_cls=...`, `use_rec=...`, `text_score=...`) are stored on the
  instance and stick for later calls: every call here passes all of them explicitly,
  under a lock.
* The default `Det.limit_type: min` *upscales* an image whose short side is below
  `limit_side_len` (a 1012×638 card becomes 1168×736): the default here is `max`.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files as package_files
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from models.ocr.base import UNREAD_SCORE, Box, SkipLine, TextLine
from models.ocr.ctc import CtcPosteriors
from models.ocr.errors import OcrEngineUnavailable
from resources import ocr_models

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
# The recogniser the desk runs: REC_MODEL's graph with its weights fine-tuned on ID
# fronts photographed badly (resources/models/ocr/MODEL_CARD.md).
DESK_REC_MODEL = "PP-OCRv6_rec_small_desk.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"

# Tuned for a rectified ID card (~1012×638): the long side goes to the detector at 736.
DEFAULT_DET_LIMIT_SIDE_LEN = 736
DEFAULT_DET_LIMIT_TYPE = "max"


@dataclass(frozen=True, slots=True)
class RapidModelFiles:
    """The three ONNX files the engine runs: detector, recogniser, orientation classifier."""

    det: Path
    rec: Path
    cls: Path

    @classmethod
    def bundled(cls, rec: Path | None = None) -> RapidModelFiles:
        """The detector and classifier inside the installed `rapidocr` package, and the
        desk's recogniser (`rec` instead, when given)."""
        root = _wheel_models()
        return cls(det=root / DET_MODEL,
                   rec=rec or ocr_models() / DESK_REC_MODEL,
                   cls=root / CLS_MODEL)

    @staticmethod
    def base_recogniser() -> Path:
        """The recogniser as PaddleOCR trained it, in the `rapidocr` package: what the
        desk's was fine-tuned from (scripts/finetune_ocr_rec.py)."""
        return _wheel_models() / REC_MODEL

    def missing(self) -> list[Path]:
        return [p for p in (self.det, self.rec, self.cls) if not p.is_file()]


def _wheel_models() -> Path:
    try:
        return Path(str(package_files("rapidocr") / "models"))
    except ModuleNotFoundError as exc:
        raise OcrEngineUnavailable("rapidocr is not installed") from exc


def bundled_models_present() -> bool:
    """True when rapidocr and onnxruntime are installed and the three model files are on
    disk (the wheel's detector and classifier, the desk's recogniser)."""
    try:
        files = RapidModelFiles.bundled()
    except OcrEngineUnavailable:
        return False
    return find_spec("onnxruntime") is not None and not files.missing()


def physical_cores() -> int | None:
    """Physical cores this process may use, from /proc/cpuinfo; None where that is not
    available (ONNX Runtime's own default is then the physical core count too)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return None
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cores: set[tuple[str, str]] = set()
    for block in text.split("\n\n"):
        fields = dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition(":") for line in block.splitlines())
        )
        if "processor" not in fields or "core id" not in fields:
            continue
        if allowed is not None and int(fields["processor"]) not in allowed:
            continue
        cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores) or None


def reading_order(lines: Sequence[TextLine]) -> list[TextLine]:
    """Top to bottom, then left to right. Lines whose vertical centres are within half a
    line height of a row's centre belong to that row (a small label and a larger value
    on one baseline stay together)."""
    rows: list[list[TextLine]] = []
    row_centre = 0.0
    for line in sorted(lines, key=lambda ln: (ln.center[1], ln.left)):
        if rows:
            row_height = min(ln.height for ln in rows[-1])
            if abs(line.center[1] - row_centre) <= 0.5 * max(min(line.height, row_height), 1.0):
                rows[-1].append(line)
                row_centre = sum(ln.center[1] for ln in rows[-1]) / len(rows[-1])
                continue
        rows.append([line])
        row_centre = line.center[1]
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.left)]


def as_bgr(image: Any) -> np.ndarray:
    """The image as 3-channel BGR uint8; only arrays are accepted (never paths or URLs)."""
    if not isinstance(image, np.ndarray):
        raise TypeError(f"expected a BGR uint8 numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise TypeError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f"unsupported image shape {image.shape}")


def quad(points: Any) -> Box:
    """Four (x, y) float corners from a 4x2 array-like."""
    p = [(float(x), float(y)) for x, y in np.asarray(points, dtype=float).reshape(4, 2)]
    return p[0], p[1], p[2], p[3]


def shares(box: np.ndarray, width: float, height: float, turned: bool = False) -> Box:
    """A box's corners as shares of the picture's width and height, clockwise from the
    top-left; `turned`: in the picture turned 180° (its text read upside down)."""
    p = [(float(x) / width, float(y) / height) for x, y in np.asarray(box).reshape(4, 2)]
    if not turned:
        return p[0], p[1], p[2], p[3]
    q = [(1.0 - x, 1.0 - y) for x, y in p]
    return q[2], q[3], q[0], q[1]


def line_crop(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """A detected quad warped flat, as RapidOCR cuts lines for its classifier and
    recogniser; a box much taller than wide (a line running down the picture) is turned
    a quarter turn to read along."""
    pts = np.asarray(box, dtype=np.float32).reshape(4, 2)
    w = max(1, int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3]))))
    h = max(1, int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2]))))
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    crop = cv2.warpPerspective(image, cv2.getPerspectiveTransform(pts, dst), (w, h),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(np.rot90(crop)) if h >= 1.5 * w else crop


# A line votes only when the classifier is this sure of it (RapidOCR's own threshold for
# turning a line): an unsure line does not turn the picture.
VOTE_MIN_SCORE = 0.9
# The longest lines of a picture vote on its way up: RapidOCR's classifier batch size.
VOTERS = 6


def upside_down_vote(labels: Sequence[tuple[str, float]], weights: Sequence[float]) -> bool:
    """True when the classifier's sure per-line answers, weighted (by line length), say
    the text is upside down."""
    total = 0.0
    for (label, score), weight in zip(labels, weights, strict=True):
        if score >= VOTE_MIN_SCORE:
            total += weight if "180" in str(label) else -weight
    return total > 0


# Every recogniser input row is at least 320 px wide (RapidOCR pads to it: what the
# recogniser was trained on), and it costs in proportion to its width: a name of two
# characters or a lone "男" costs as much as a line of text. Crops that fit share a row,
# each starting on a frame of the recogniser's output (8 px of input each) and read from
# its own frames plus PACK_TAIL px after it. The recogniser looks across its whole row:
# with a gap of one line height (48 px), the next crop leaked into this one's last
# frames ("北路134号" beside "男" read "北路134号公"); at two line heights no such leak
# was found on 2,000 of the bench's ID fronts (docs/benchmarks.md, ninth session).
PACK_GAP = 96
PACK_TAIL = 16
FRAME_PX = 8
# A batch's fixed cost, in rows of 48 px of input width (~2 ms a call, ~2.1 ms a 48 px
# column of one row here): what makes one batch of unlike widths worth more than two.
BATCH_COST = 1.0


def pack(widths: Sequence[int], row_width: int, gap: int) -> list[list[tuple[int, int]]]:
    """Crops (by their width at the recogniser's height) put into rows: each row a list
    of (crop index, x offset). A crop that leaves room for a gap and another crop shares
    a row (first fit, widest first); the others have one to themselves, as wide as they
    are. Offsets fall on FRAME_PX."""
    rows: list[list[tuple[int, int]]] = []
    ends: list[int] = []
    for i in sorted(range(len(widths)), key=lambda i: -widths[i]):
        if widths[i] + gap < row_width:
            for r, end in enumerate(ends):
                x = -(-(end + gap) // FRAME_PX) * FRAME_PX
                if x + widths[i] <= row_width:
                    rows[r].append((i, x))
                    ends[r] = x + widths[i]
                    break
            else:
                rows.append([(i, 0)])
                ends.append(widths[i])
        else:
            rows.append([(i, 0)])
            ends.append(row_width)  # nothing else goes there
    return rows


def batches(widths: Sequence[float], most: int) -> list[tuple[int, int]]:
    """(start, stop) of each batch of rows whose padded widths are `widths`, in ascending
    order: each batch is padded to its widest row, so the split is the one of least
    total width (plus BATCH_COST a batch), at most `most` rows a batch."""
    n = len(widths)
    cost = [0.0] + [math.inf] * n
    cut = [0] * (n + 1)
    for stop in range(1, n + 1):
        for start in range(max(0, stop - most), stop):
            total = cost[start] + BATCH_COST + (stop - start) * widths[stop - 1]
            if total < cost[stop]:
                cost[stop], cut[stop] = total, start
    out = []
    while n:
        out.append((cut[n], n))
        n = cut[n]
    return out[::-1]


def _normalized(crop: np.ndarray, width: int, height: int) -> np.ndarray:
    """`crop` as the recogniser takes it (RapidOCR's resize_norm_img without its
    padding): resized to width × height, CHW, scaled to [-1, 1]."""
    resized = cv2.resize(crop, (width, height)).astype(np.float32)
    return (resized.transpose((2, 0, 1)) / 255 - 0.5) / 0.5


class RapidOcrEngine:
    """`OcrEngine` on RapidOCR. Thread-safe (one call at a time); build it once and reuse.

    threads: ONNX Runtime intra-op threads per model; None = physical cores.
    det_limit_side_len / det_limit_type: the detector input size. "max" shrinks the long
        side to the limit (never enlarges); "min" enlarges the short side to the limit.
    use_cls: run the 0°/180° line classifier (useless on a rectified card: ~6 ms).
    text_score: lines whose recognition score is below it are dropped by `read`.
    rec_batch_num: most recogniser input rows in one batch (a batch is padded to its
        widest row).
    allow_spinning: let ONNX Runtime worker threads busy-wait between ops.
    mem_arena: ONNX Runtime's CPU memory arena (RapidOCR turns it off): ~25 % faster
        recognition batches, at the price of keeping the peak working memory.
    """

    name = "rapidocr"
    # `read` turns all lines of a picture the way most of its text lies (see there).
    orients_whole_image = True

    def __init__(
        self,
        threads: int | None = None,
        *,
        det_limit_side_len: int = DEFAULT_DET_LIMIT_SIDE_LEN,
        det_limit_type: str = DEFAULT_DET_LIMIT_TYPE,
        use_cls: bool = True,
        text_score: float = 0.5,
        rec_batch_num: int = 6,
        allow_spinning: bool = False,
        mem_arena: bool = True,
        model_files: RapidModelFiles | None = None,
    ) -> None:
        if det_limit_type not in ("max", "min"):
            raise ValueError(f"det_limit_type must be 'max' or 'min', not {det_limit_type!r}")
        if rec_batch_num < 1:
            raise ValueError(f"rec_batch_num must be at least 1, not {rec_batch_num}")
        files = model_files or RapidModelFiles.bundled()
        missing = files.missing()
        if missing:
            raise OcrEngineUnavailable(
                "RapidOCR model files not found: " + ", ".join(str(p) for p in missing)
            )
        try:
            import onnxruntime as ort
            from omegaconf import flag_override
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise OcrEngineUnavailable(f"RapidOCR cannot be imported: {exc}") from exc

        self.threads = threads if threads is not None else physical_cores()
        self.use_cls = use_cls
        self.text_score = text_score
        self.det_limit_side_len = det_limit_side_len
        self.det_limit_type = det_limit_type
        self.model_files = files
        self._lock = threading.Lock()

        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.enable_cpu_mem_arena = mem_arena
        options.inter_op_num_threads = 1
        if self.threads:
            options.intra_op_num_threads = self.threads
        options.add_session_config_entry(
            "session.intra_op.allow_spinning", "1" if allow_spinning else "0"
        )

        def session(path: Path) -> Any:
            return ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )

        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Global.text_score": text_score,
            "Global.use_cls": use_cls,
            # Explicit paths as a second guard: RapidOCR only resolves (and downloads) a
            # default model when model_path is None.
            "Det.model_path": str(files.det),
            "Rec.model_path": str(files.rec),
            "Cls.model_path": str(files.cls),
            "Det.limit_side_len": det_limit_side_len,
            "Det.limit_type": det_limit_type,
            "Rec.rec_batch_num": rec_batch_num,
        }
        try:
            self._ocr = RapidOCR(params=params)  # sets the "RapidOCR" logger to WARNING
            det, rec, cls = session(files.det), session(files.rec), session(files.cls)
            if "character" not in rec.get_modelmeta().custom_metadata_map:
                raise OcrEngineUnavailable(
                    f"{files.rec} has no embedded character dictionary; RapidOCR would "
                    "try to download one"
                )
            # RapidOCR's supported custom-session hook: OrtInferSession uses cfg.session
            # when present and never looks at model files or URLs.
            with flag_override(self._ocr.cfg, "allow_objects", True):
                self._ocr.cfg.Det.session = det
                self._ocr.cfg.Rec.session = rec
                self._ocr.cfg.Cls.session = cls
            # RapidOCR loads each model lazily on first use; load them now.
            self._ocr._load_det_model()
            self._ocr._load_cls_model()
            self._rec = self._ocr._load_rec_model()
            self._characters = tuple(self._rec.postprocess_op.character)
            self._classes = {ch: i for i, ch in enumerate(self._characters) if i}
        except OcrEngineUnavailable:
            raise
        except Exception as exc:
            raise OcrEngineUnavailable(f"RapidOCR failed to load its models: {exc}") from exc

    def read(self, image: np.ndarray, skip: SkipLine | None = None,
             pack: bool = False) -> list[TextLine]:
        """Detect, classify (if `use_cls`) and recognise every line, but those `skip`
        picks (see OcrEngine.read); reading order.

        The classifier's 0°/180° answers on the picture's longest lines are pooled, and
        every line is turned the way most of that text (weighted by length) says: one picture
        holds one document, which lies one way. RapidOCR's own per-line decision turns
        single lines of a soft picture the wrong way ("邵飞" upside down scores < 0.5 and
        is dropped; "961" comes back as "196"). `skip` is asked about each box turned
        that way too (without `use_cls`, as the picture lies). A line left unread is
        kept whatever it would have read as: its box is print the detector found. With
        `pack`, short lines share recogniser rows (`_recognize`)."""
        img = as_bgr(image)
        with self._lock:
            det = self._ocr(img, use_det=True, use_cls=False, use_rec=False)
            boxes = getattr(det, "boxes", None)
            if boxes is None or len(boxes) == 0:
                return []
            boxes = [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in boxes]
            crops = [line_crop(img, b) for b in boxes]
            turned = self.use_cls and self._upside_down(crops)
            if turned:
                crops = [cv2.rotate(c, cv2.ROTATE_180) for c in crops]
            height, width = img.shape[:2]
            # Every recogniser input row is at least 320 px wide (RapidOCR pads to it):
            # a label of two characters alone in one costs as much as a name.
            unread = [skip is not None and skip(shares(b, width, height, turned))
                      for b in boxes]
            reads = iter(self._recognize([c for c, u in zip(crops, unread, strict=True)
                                          if not u], packed=pack))
        lines = []
        for box, left_out in zip(boxes, unread, strict=True):
            if left_out:
                lines.append(TextLine("", UNREAD_SCORE, quad(box)))
                continue
            text, score, ctc = next(reads)
            if text.strip() and score >= self.text_score:
                lines.append(TextLine(text=text, score=score, box=quad(box), ctc=ctc))
        return reading_order(lines)

    def _upside_down(self, crops: list[np.ndarray]) -> bool:
        """The classifier's vote (`upside_down_vote`) over the VOTERS longest lines:
        weighted by length, they carry the vote anyway, and one classifier batch reads
        them (an ID front has ~14 lines, a business licence ~40). Caller holds the lock."""
        voters = sorted(crops, key=lambda c: c.shape[1], reverse=True)[:VOTERS]
        return upside_down_vote(self._ocr.text_cls(voters).cls_res or [],
                                [c.shape[1] for c in voters])

    def _recognize(self, crops: list[np.ndarray], packed: bool = False
                   ) -> list[tuple[str, float, CtcPosteriors]]:
        """RapidOCR's recogniser step (same resizing, normalisation and greedy decoding),
        keeping each line's frame posteriors. With `packed`, short crops share one input
        row (`pack`) and rows are batched with others of their width (`batches`);
        without, one crop a row in RapidOCR's batches (of `rec_batch_num` in ascending
        width). Only the lines of one picture may be packed: the recogniser reads across
        its whole row, and the cuts of one place that a probe compares (`recognize`),
        side by side, look to it like a line of print (a "生" or "公" read after an
        address's end where there is none). Caller holds the lock."""
        rec = self._rec
        _channels, img_h, img_w = rec.rec_image_shape[:3]
        ratios = [c.shape[1] / float(c.shape[0]) for c in crops]
        widths = [math.ceil(img_h * r) for r in ratios]
        if packed:
            rows = pack(widths, img_w, PACK_GAP)
            # Crops packed together fill exactly the recogniser's narrowest input.
            row_ratio = [ratios[row[0][0]] if len(row) == 1 else img_w / img_h
                         for row in rows]
            order = sorted(range(len(rows)), key=lambda k: row_ratio[k])
        else:
            rows = [[(i, 0)] for i in range(len(crops))]
            row_ratio = ratios
            order = [int(k) for k in np.argsort(np.array(ratios))]
        fed = [max(img_w / img_h, row_ratio[k]) for k in order]
        spans = (batches(fed, rec.rec_batch_num) if packed
                 else [(start, min(start + rec.rec_batch_num, len(rows)))
                       for start in range(0, len(rows), rec.rec_batch_num)])
        out: list[tuple[str, float, CtcPosteriors] | None] = [None] * len(crops)
        for start, stop in spans:
            batch = [rows[k] for k in order[start:stop]]
            max_ratio = fed[stop - 1]
            padded_w = int(img_h * max_ratio)
            norm = np.zeros((len(batch), 3, img_h, padded_w), np.float32)
            for b, row in enumerate(batch):
                if len(row) == 1:
                    norm[b] = rec.resize_norm_img(crops[row[0][0]], max_ratio)
                    continue
                for i, x in row:
                    norm[b, :, :, x:x + widths[i]] = _normalized(crops[i], widths[i], img_h)
            preds = rec.session(norm)
            px_per_frame = padded_w / preds.shape[1]
            for b, row in enumerate(batch):
                for k, (i, x) in enumerate(row):
                    # The last crop of a row has the row's end after it, as it would
                    # alone.
                    right = padded_w if k + 1 == len(row) else x + widths[i] + PACK_TAIL
                    probs = preds[b, round(x / px_per_frame):round(right / px_per_frame)]
                    text, score = rec.postprocess_op(probs[np.newaxis], False)[0][0]
                    shown = min(widths[i], padded_w - x) / px_per_frame
                    out[i] = (str(text), float(score),
                              CtcPosteriors(probs, shown, self._classes, self._characters))
        # Every crop is read once: `read` pairs the readings with its boxes in order.
        assert all(r is not None for r in out)
        return [r for r in out if r is not None]

    def detect(self, image: np.ndarray) -> list[Box]:
        """Text line boxes only (four corners, clockwise from top-left), reading order."""
        img = as_bgr(image)
        with self._lock:
            out = self._ocr(img, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None:
            return []
        lines = [TextLine("", 1.0, quad(b)) for b in boxes]
        return [line.box for line in reading_order(lines)]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise single-line crops in batches (no detection, no score filter)."""
        if not crops:
            return []
        return [(text, score) for text, score, _ctc in self.recognize_ctc(crops)]

    def recognize_ctc(self, crops: list[np.ndarray]
                      ) -> list[tuple[str, float, CtcPosteriors]]:
        """`recognize`, with what the recogniser saw in each crop (models.ocr.ctc)."""
        if not crops:
            return []
        images = [as_bgr(c) for c in crops]
        with self._lock:
            return self._recognize(images)

    def warm_up(self) -> None:
        """Run det, cls and rec once on a synthetic card-sized image with a few lines of
        text. Card-sized rather than tiny: the memory arena then already holds what a
        real card needs, which takes ~30 ms off the first capture (~300 ms more here)."""
        img = np.full((638, 1012, 3), 235, np.uint8)
        for row, text in enumerate(("NAME ZHANG WEI", "SEX M   NATION HAN", "BORN 1988 3 15",
                                    "ADDRESS CHAOYANG JIANGUO ROAD 88", "110105198803151232")):
            cv2.putText(img, text, (60, 100 + 110 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.3,
                        (20, 20, 20), 2, cv2.LINE_AA)
        self.read(img)
        self.recognize([img[60:120, 40:420]])
