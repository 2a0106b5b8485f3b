"""Check that an OpenCV build has everything the desk and RapidOCR call, by calling it.

    python build/check_cv2.py            # the cv2 of this interpreter
    .cache/slim/venv/bin/python build/check_cv2.py   # the slim build (build.sh --slim runs it)

Why: the release bundle carries a slim OpenCV (build/slim_wheels.sh: core, imgproc,
geometry, imgcodecs, videoio only). A function that is missing there fails only when a
consultant reaches the screen that calls it. So the check reads every `cv2.NAME` in the
desk's code and in the installed RapidOCR, fails on a name the build lacks, and calls every
function among them on small synthetic data. A function the code calls but this file does
not is an error too ("add a call"), so the list cannot fall behind the code.
Also: JPEG/PNG/BMP/TIFF/WebP round trips, a video file written and read back through
FFmpeg (MP4) and OpenCV's own MJPEG reader (AVI), and a camera index that does not exist.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUR_CODE = ("showroom_app", "models", "ui")
# Looked up with getattr by documents/capture.py (rounded card corners, OpenCV >= 4.11).
BY_NAME = {"approxPolyN"}
_NAME = re.compile(r"\bcv2\.([A-Za-z_][A-Za-z0-9_]*)")


def _rapidocr_dir() -> Path | None:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def used_names() -> dict[str, set[str]]:
    """cv2 attribute -> the files that use it."""
    roots = [ROOT / d for d in OUR_CODE]
    rapid = _rapidocr_dir()
    if rapid is not None:
        roots.append(rapid)
    found: dict[str, set[str]] = {name: {"showroom_app/documents/capture.py"}
                                  for name in BY_NAME}
    for root in roots:
        for path in root.rglob("*.py"):
            for name in _NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
                found.setdefault(name, set()).add(str(path))
    return found


def _image() -> np.ndarray:
    img = np.full((120, 160, 3), 40, np.uint8)
    cv2.rectangle(img, (30, 20), (130, 100), (220, 210, 200), -1)
    cv2.circle(img, (80, 60), 12, (10, 20, 200), 2)
    return img


def _calls() -> dict[str, Callable[[], object]]:
    img = _image()
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea)
    quad = np.float32([[30, 20], [130, 20], [130, 100], [30, 100]])
    square = np.float32([[0, 0], [99, 0], [99, 79], [0, 79]])
    m = cv2.getPerspectiveTransform(quad, square)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    f32 = img.astype(np.float32)
    ok_jpg, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok_jpg
    grid = np.dstack(np.meshgrid(np.arange(50, dtype=np.float32),
                                 np.arange(40, dtype=np.float32)))
    return {
        "cvtColor": lambda: cv2.cvtColor(img, cv2.COLOR_BGR2HSV),
        "threshold": lambda: cv2.threshold(gray, 127, 255, cv2.THRESH_BINARY),
        "findContours": lambda: cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE),
        "contourArea": lambda: cv2.contourArea(contour),
        "arcLength": lambda: cv2.arcLength(contour, True),
        "approxPolyDP": lambda: cv2.approxPolyDP(contour, 3.0, True),
        "approxPolyN": lambda: cv2.approxPolyN(cv2.convexHull(contour), 4),
        "convexHull": lambda: cv2.convexHull(contour),
        "isContourConvex": lambda: cv2.isContourConvex(quad.reshape(-1, 1, 2)),
        "boundingRect": lambda: cv2.boundingRect(contour),
        "minAreaRect": lambda: cv2.minAreaRect(contour),
        "boxPoints": lambda: cv2.boxPoints(cv2.minAreaRect(contour)),
        "fitLine": lambda: cv2.fitLine(quad, cv2.DIST_HUBER, 0, 0.01, 0.01),
        "getPerspectiveTransform": lambda: m,
        "warpPerspective": lambda: cv2.warpPerspective(img, m, (100, 80),
                                                       flags=cv2.INTER_CUBIC,
                                                       borderMode=cv2.BORDER_REPLICATE),
        "transform": lambda: cv2.transform(f32, np.full((1, 3), 0.5, np.float32)),
        # The still frames of a card laid on each other (capture.average_views).
        "findTransformECC": lambda: cv2.findTransformECC(
            gray.astype(np.float32),
            cv2.warpAffine(gray, np.float32([[1, 0, 1.5], [0, 1, -1]]), (160, 120)).astype(
                np.float32),
            np.eye(2, 3, dtype=np.float32), cv2.MOTION_AFFINE,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-4), None, 5),
        "warpAffine": lambda: cv2.warpAffine(img, np.float32([[1, 0, -1.5], [0, 1, 1]]),
                                             (160, 120),
                                             flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                             borderMode=cv2.BORDER_REPLICATE),
        "invert": lambda: cv2.invert(m),
        "perspectiveTransform": lambda: cv2.perspectiveTransform(quad.reshape(-1, 1, 2), m),
        "remap": lambda: cv2.remap(img, grid[..., 0].copy(), grid[..., 1].copy(),
                                   cv2.INTER_LINEAR),
        "resize": lambda: [cv2.resize(img, (80, 60), interpolation=i) for i in
                           (cv2.INTER_AREA, cv2.INTER_LINEAR, cv2.INTER_CUBIC,
                            cv2.INTER_NEAREST)],
        "rotate": lambda: [cv2.rotate(img, r) for r in
                           (cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE,
                            cv2.ROTATE_90_COUNTERCLOCKWISE)],
        "GaussianBlur": lambda: cv2.GaussianBlur(img, (5, 5), 0),
        "Canny": lambda: cv2.Canny(gray, 50, 150),
        "Laplacian": lambda: cv2.Laplacian(gray, cv2.CV_32F),
        "filter2D": lambda: cv2.filter2D(img, -1, np.ones((3, 3), np.float32) / 9),
        "morphologyEx": lambda: [cv2.morphologyEx(binary, op, kernel)
                                 for op in (cv2.MORPH_CLOSE, cv2.MORPH_OPEN)],
        "getStructuringElement": lambda: cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)),
        "dilate": lambda: cv2.dilate(binary, kernel),
        "connectedComponentsWithStats": lambda: cv2.connectedComponentsWithStats(
            binary, connectivity=8)[2][:, cv2.CC_STAT_AREA],
        "absdiff": lambda: cv2.absdiff(img, cv2.GaussianBlur(img, (3, 3), 0)),
        "add": lambda: cv2.add(img, img),
        "multiply": lambda: cv2.multiply(f32, f32),
        "scaleAdd": lambda: cv2.scaleAdd(f32, 0.5, f32),
        "convertScaleAbs": lambda: cv2.convertScaleAbs(f32, alpha=0.5),
        "merge": lambda: cv2.merge((gray, gray, gray)),
        "LUT": lambda: cv2.LUT(img, np.arange(256, dtype=np.uint8).reshape(256, 1)),
        "mean": lambda: cv2.mean(gray, binary),
        "bitwise_and": lambda: cv2.bitwise_and(binary, binary),
        "bitwise_not": lambda: cv2.bitwise_not(binary),
        "copyMakeBorder": lambda: cv2.copyMakeBorder(img, 2, 2, 2, 2, cv2.BORDER_CONSTANT,
                                                     value=(0, 0, 0)),
        "fillPoly": lambda: cv2.fillPoly(img.copy(), [quad.astype(np.int32)], (1, 2, 3)),
        "polylines": lambda: cv2.polylines(img.copy(), [quad.astype(np.int32)], True,
                                           (0, 255, 0), 1, cv2.LINE_AA),
        "line": lambda: cv2.line(img.copy(), (0, 0), (50, 50), (255, 0, 0), 1, cv2.LINE_AA),
        "rectangle": lambda: cv2.rectangle(img.copy(), (1, 1), (9, 9), (0, 0, 255), 1),
        "circle": lambda: cv2.circle(img.copy(), (10, 10), 5, (0, 0, 255), -1, cv2.LINE_AA),
        "ellipse": lambda: cv2.ellipse(img.copy(), (40, 40), (20, 10), 0, 0, 360, (9, 9, 9), 1),
        "putText": lambda: cv2.putText(img.copy(), "ID 123", (5, 30),
                                       cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA),
        "imencode": lambda: jpg,
        "imdecode": lambda: cv2.imdecode(jpg, cv2.IMREAD_COLOR),
        "imwrite": None,  # with imread, below (a file)
        "imread": None,
        "VideoCapture": None,  # below (a video file, a missing camera)
    }


def check_functions(used: dict[str, set[str]]) -> list[str]:
    problems = [f"cv2.{name} is missing (used in {', '.join(sorted(files))})"
                for name, files in sorted(used.items()) if not hasattr(cv2, name)]
    calls = _calls()
    for name in sorted(used):
        attr = getattr(cv2, name, None)
        # Constants, cv2.error and submodules need no call; functions and classes do.
        if attr is None or isinstance(attr, int | float | type(cv2)) or name == "error":
            continue
        if name not in calls:
            problems.append(f"cv2.{name} is used but build/check_cv2.py does not call it: "
                            "add a call")
    for name, call in calls.items():
        if call is None:
            continue
        try:
            result = call()
        except Exception as exc:
            problems.append(f"cv2.{name}: {type(exc).__name__}: {exc}")
            continue
        if result is None:
            problems.append(f"cv2.{name} returned None")
    return problems


def check_codecs(folder: Path) -> list[str]:
    img = _image()
    problems = []
    for ext in (".jpg", ".png", ".bmp", ".tiff", ".webp"):
        ok, data = cv2.imencode(ext, img)
        back = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if back is None or back.shape != img.shape:
            problems.append(f"{ext}: no round trip through imencode/imdecode")
        elif ext in (".png", ".bmp", ".tiff") and not np.array_equal(back, img):
            problems.append(f"{ext}: lossless round trip changed pixels")
    path = folder / "card.png"
    if not cv2.imwrite(str(path), img) or cv2.imread(str(path)) is None:
        problems.append("imwrite/imread of a PNG file failed")
    return problems


def _frames(n: int) -> list[np.ndarray]:
    out = []
    for i in range(n):
        frame = np.full((96, 128, 3), 30, np.uint8)
        cv2.rectangle(frame, (8 + 4 * i, 20), (60 + 4 * i, 70), (200, 200, 200), -1)
        out.append(frame)
    return out


def check_video(folder: Path) -> list[str]:
    problems = []
    frames = _frames(12)
    for name, fourcc, writer_api, reader_api in (
        ("clip.mp4", "mp4v", cv2.CAP_FFMPEG, cv2.CAP_FFMPEG),
        ("clip.avi", "MJPG", cv2.CAP_OPENCV_MJPEG, cv2.CAP_ANY),
    ):
        path = folder / name
        writer = cv2.VideoWriter(str(path), writer_api, cv2.VideoWriter_fourcc(*fourcc), 10,
                                 (128, 96))
        if not writer.isOpened():
            problems.append(f"{name}: VideoWriter cannot write it ({fourcc})")
            continue
        for frame in frames:
            writer.write(frame)
        writer.release()
        # The desk opens files with the default backend choice, as CameraSession does.
        for api in {reader_api, cv2.CAP_ANY}:
            cap = cv2.VideoCapture(str(path), api)
            read = 0
            while cap.isOpened():
                ok, frame = cap.read()
                if not ok:
                    break
                read += 1
            # Looping a clip, as CameraSession.read does at the end of a file.
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            again, _ = cap.read()
            backend = cap.getBackendName() if cap.isOpened() else "none"
            cap.release()
            if read != len(frames) or not again:
                problems.append(f"{name} via {backend}: read {read} of {len(frames)} frames, "
                                f"rewound: {again}")
    missing = cv2.VideoCapture(97)  # an index no machine has: refused, not a crash
    if missing.isOpened():
        problems.append("camera index 97 opened")
    missing.release()
    backends = {cv2.videoio_registry.getBackendName(b)
                for b in cv2.videoio_registry.getCameraBackends()}
    if sys.platform.startswith("linux") and "V4L2" not in backends:
        problems.append(f"no V4L2 camera backend (camera backends: {sorted(backends)})")
    return problems


def main() -> int:
    used = used_names()
    with tempfile.TemporaryDirectory(prefix="check-cv2-") as tmp:
        folder = Path(tmp)
        problems = check_functions(used) + check_codecs(folder) + check_video(folder)
    functions = sum(1 for n in used if callable(getattr(cv2, n, None)))
    print(f"cv2 {cv2.__version__} from {Path(cv2.__file__).parent}: {len(used)} names used "
          f"({functions} functions), codecs and video checked")
    for problem in problems:
        print("FAIL", problem)
    print("cv2 check passed" if not problems else f"cv2 check FAILED ({len(problems)})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
