"""Capture stage: webcam frame → the document's corners → a flat, landscape card image.

Everything here runs on every preview frame in a worker thread, so detection works on a
copy scaled down to `DETECT_WIDTH`; full-resolution pixels are only read along the found
sides (to place them exactly) and by the final warp. Quality gates return *reasons*
(`Refusal`) rather than a score so the UI can tell the consultant what to change.
"""

from __future__ import annotations

import collections
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

from showroom_app.domain.errors import ShowroomError

__all__ = [
    "ASPECT",
    "HINT_ORDER",
    "AutoCapture",
    "CaptureStep",
    "Refusal",
    "UnreadableImage",
    "assess",
    "brightness",
    "estimate_aspect",
    "find_document",
    "first_hint",
    "glare_fraction",
    "load_image",
    "order_corners",
    "rectify",
    "rotate",
    "rotations",
    "sharpness",
]


class Refusal(StrEnum):
    """Why a frame is not captured. Values are stable keys for the UI's translated hints."""

    NO_DOCUMENT = "no_document"
    TOO_SMALL = "too_small"  # 移近一点 move closer
    CUT_OFF = "cut_off"  # a corner outside or touching the frame edge
    BLURRY = "blurry"
    GLARE = "glare"  # 减少反光
    MOVING = "moving"  # 保持稳定
    TOO_DARK = "too_dark"


# Most useful first: there is no point saying "blurry" about a card that is half out
# of the picture, and fixing position/light often fixes focus and glare too.
HINT_ORDER: tuple[Refusal, ...] = (
    Refusal.NO_DOCUMENT, Refusal.CUT_OFF, Refusal.TOO_SMALL, Refusal.TOO_DARK,
    Refusal.GLARE, Refusal.BLURRY, Refusal.MOVING,
)

# Width / height of the documents the desk reads, always landscape.
ASPECT: dict[str, float] = {
    # ISO/IEC 7810 ID-1: resident ID card, bank cards.
    "card": 85.6 / 54.0,
    # Driving licence and vehicle licence (驾驶证 / 行驶证) pages.
    "license_page": 88.0 / 60.0,
    # Business licence (营业执照) and other A-series sheets share the √2 ratio.
    "a4_landscape": 297.0 / 210.0,
}
# A measured quad aspect within this relative distance of a known one is snapped to it:
# perspective makes the measured ratio wobble by up to ~6 %, known ratios do not. "card" and
# "license_page" are only 8 % apart, so a caller that knows what it expects passes the hint.
ASPECT_SNAP = 0.12


class UnreadableImage(ShowroomError):
    """A file given as a document image cannot be turned into pixels; the message says why.

    The message leaves the file name out (customers' files are often named after them, and
    `str()` of a ShowroomError goes to logs); `path` is there for the UI to show."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


# --- detection -----------------------------------------------------------------------------

# 480 px wide keeps a card's outline several pixels long on every side (a card at 5 % of the
# frame is ~75 px wide there) while contour work stays at a few milliseconds. The sides are
# then re-placed on the full-resolution frame, so this does not limit corner accuracy.
DETECT_WIDTH = 480
# Smaller than this (share of the frame) is not a document, it is a sticker or a text block.
MIN_DOCUMENT_AREA = 0.05
# A region bigger than this is the desk itself (or the whole frame), never the document.
MAX_DOCUMENT_AREA = 0.97
# How far (relative) the measured quad aspect may be from the hint. On 400 synthetic
# placements tilted up to 20° the measured ratio stayed within ±6 % of the true one; 20 %
# leaves room for steeper tilts and lens distortion.
ASPECT_TOLERANCE = 0.20

# Canny's upper threshold is this share of the frame's 5–95 % brightness spread (two looks:
# faint and clear outlines), never below CANNY_FLOOR (Sobel units on the blurred image).
CANNY_SHARES = (0.25, 0.5)
CANNY_FLOOR = 20.0

# Checking a candidate's sides: pixels this far (small-image px) inside and outside each side
# must differ by MIN_SIDE_CONTRAST grey levels (any channel) at MIN_SIDE_SUPPORT of the
# points of every side. 6 is above what sensor noise does after the blur (σ < 2 levels) and
# below a pale card on a pale desk in a quarter-exposed frame (~10 levels).
SIDE_STEP = 3.0
MIN_SIDE_CONTRAST = 6.0
MIN_SIDE_SUPPORT = 0.6

# Full-resolution refinement: samples per side, and the smallest brightness step (grey
# levels over 2 px) that counts as the document's edge rather than noise.
REFINE_SAMPLES = 24
REFINE_MIN_STEP = 4.0

_APPROX_N = getattr(cv2, "approxPolyN", None)  # OpenCV ≥ 4.11


def to_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points clockwise (as seen on screen, y down) starting from the top-left one."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -start, axis=0).astype(np.float32)


def _side_lengths(quad: np.ndarray) -> tuple[float, float]:
    """(mean of top and bottom, mean of left and right) of an ordered quad."""
    d = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    return float((d[0] + d[2]) / 2), float((d[1] + d[3]) / 2)


def estimate_aspect(corners: np.ndarray) -> float:
    """Long side over short side of the quad, snapped to a known document when close."""
    a, b = _side_lengths(order_corners(corners))
    ratio = max(a, b) / max(min(a, b), 1e-6)
    best = min(ASPECT.values(), key=lambda k: abs(math.log(ratio / k)))
    return best if abs(ratio / best - 1) <= ASPECT_SNAP else ratio


def _quad_of(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    if _APPROX_N is not None:
        # Vertices at the intersections of the fitted sides: the true corner of a card with
        # rounded corners, not a point on the arc as approxPolyDP would give.
        quad = _APPROX_N(hull, 4)
        if quad is None or quad.size != 8:
            return None
        return quad.reshape(4, 2).astype(np.float32)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    return None


@dataclass(slots=True)
class _Candidate:
    quad: np.ndarray  # in full-frame pixels
    score: float
    scale: float  # of the image it was found in, relative to the frame
    clear: bool  # sides and shape leave no doubt: no need to look at the coarser scale


def side_support(quad: np.ndarray, image: np.ndarray, step: float, min_contrast: float) -> float:
    """Share of points along the quad's weakest side where the image differs across it.

    A card's sides separate card from desk all along; a region that leaked into the desk
    or a lighting gradient cut by a threshold has a side with the same desk on both sides.
    Points falling outside the frame count as supported so that a cut-off card is still
    found (and then refused as CUT_OFF)."""
    h, w = image.shape[:2]
    a = quad
    b = np.roll(quad, -1, axis=0)
    direction = b - a
    length = np.hypot(direction[:, 0], direction[:, 1])
    if float(length.min()) < 1e-3:
        return 0.0
    # Which way the normal points does not matter: the difference is taken as a magnitude.
    normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1) / length[:, None]
    t = np.linspace(0.15, 0.85, 16, dtype=np.float32)
    pts = a[:, None, :] + direction[:, None, :] * t[None, :, None]  # (4, 16, 2)
    inner = np.rint(pts - normal[:, None, :] * step).astype(np.int32)
    outer = np.rint(pts + normal[:, None, :] * step).astype(np.int32)

    def visible(p: np.ndarray) -> np.ndarray:
        return (p[..., 0] >= 0) & (p[..., 0] < w) & (p[..., 1] >= 0) & (p[..., 1] < h)

    seen = visible(inner) & visible(outer)
    ix, iy = np.clip(inner[..., 0], 0, w - 1), np.clip(inner[..., 1], 0, h - 1)
    ox, oy = np.clip(outer[..., 0], 0, w - 1), np.clip(outer[..., 1], 0, h - 1)
    diff = np.abs(image[iy, ix].astype(np.int16) - image[oy, ox].astype(np.int16))
    if diff.ndim == 3:
        diff = diff.max(axis=2)
    ok = ~seen | (diff >= min_contrast)
    return float(ok.mean(axis=1).min())


def _touches_opposite_sides(quad: np.ndarray, w: int, h: int) -> bool:
    """True for a quad reaching both the left and right (or top and bottom) frame edges:
    that is the desk, or a document too close to find its outline, never a capture."""
    x, y = quad[:, 0], quad[:, 1]
    m = 2.0
    return bool((x.min() <= m and x.max() >= w - 1 - m) or (y.min() <= m and y.max() >= h - 1 - m))


def _border_share(contour: np.ndarray, w: int, h: int) -> float:
    """Share of the outline's length that runs along the frame border."""
    pts = contour.reshape(-1, 2).astype(np.float32)
    nxt = np.roll(pts, -1, axis=0)
    seg = np.hypot(*(nxt - pts).T)
    total = float(seg.sum())
    if total <= 0:
        return 1.0

    def at_border(p: np.ndarray) -> np.ndarray:
        return (p[:, 0] <= 1) | (p[:, 0] >= w - 2) | (p[:, 1] <= 1) | (p[:, 1] >= h - 2)

    along = at_border(pts) & at_border(nxt)
    return float(seg[along].sum() / total)


def _score(contour: np.ndarray, smooth: np.ndarray, aspect_hint: float | None,
           out: list[_Candidate]) -> None:
    h, w = smooth.shape[:2]
    frame_area = float(h * w)
    area = cv2.contourArea(contour)
    if area < MIN_DOCUMENT_AREA * frame_area * 0.8:
        return
    hull = cv2.convexHull(contour)
    hull_area = cv2.contourArea(hull)
    if hull_area <= 0 or hull_area > MAX_DOCUMENT_AREA * frame_area:
        return
    # A cut-off card has one stretch of its outline on the frame border; a patch of desk or
    # a lighting gradient cut out by a threshold is mostly bounded by the frame.
    bx, by, bw, bh = cv2.boundingRect(contour)
    at_edge = bx <= 1 or by <= 1 or bx + bw >= w - 1 or by + bh >= h - 1
    if at_edge and _border_share(contour, w, h) > 0.35:
        return
    quad = _quad_of(contour)
    fitted = True
    if quad is None or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        quad = cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32)
        fitted = False
    quad_area = abs(cv2.contourArea(quad))
    if quad_area < MIN_DOCUMENT_AREA * frame_area:
        return
    # How much of the quad the region's hull fills: ~0.99 for a card (rounded corners), lower
    # for a blob that only has four-ish extreme points. Measured on the hull because print
    # touching the card's edge can bite into an outline traced from edges.
    fill = hull_area / quad_area
    solidity = area / hull_area
    if fill < 0.85 or solidity < 0.6:
        return
    quad = order_corners(quad)
    if _touches_opposite_sides(quad, w, h):
        return
    a, b = _side_lengths(quad)
    ratio = max(a, b) / max(min(a, b), 1e-6)
    if ratio > 4.0:
        return
    aspect_factor = 1.0
    if aspect_hint is not None:
        off = abs(math.log(ratio / aspect_hint))
        if off > math.log1p(ASPECT_TOLERANCE):
            return
        aspect_factor = 1.0 - 0.5 * off / math.log1p(ASPECT_TOLERANCE)
    support = side_support(quad, smooth, SIDE_STEP, MIN_SIDE_CONTRAST)
    if support < MIN_SIDE_SUPPORT:
        return
    score = (quad_area / frame_area) * fill**2 * solidity * support**2 * aspect_factor
    if not fitted:
        score *= 0.7
    clear = fitted and fill >= 0.93 and support >= 0.9
    out.append(_Candidate(quad, score, 1.0, clear))


def _masks(small: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, int]]]:
    """The smoothed image, and binary images whose contours may outline the document, each
    with its contour retrieval mode."""
    smooth = cv2.GaussianBlur(small, (5, 5), 0)
    blur = cv2.cvtColor(smooth, cv2.COLOR_BGR2GRAY)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    masks: list[tuple[np.ndarray, int]] = []

    # Edges: the card's outline is a closed loop whose inner contour is the card, however
    # busy the desk is around it. Thresholds follow the frame's contrast so that a dim
    # frame still produces the outline.
    cdf = np.cumsum(np.bincount(blur.ravel(), minlength=256)) / blur.size
    spread = float(np.searchsorted(cdf, 0.95) - np.searchsorted(cdf, 0.05))
    # The floor keeps a plain desk's grain (a few levels) from tracing thousands of contours.
    for hi in sorted({max(CANNY_FLOOR, k * spread) for k in CANNY_SHARES}):
        edges = cv2.Canny(blur, hi * 0.5, hi)
        edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel)
        edges = cv2.dilate(edges, kernel)
        masks.append((edges, cv2.RETR_LIST))

    # Brightness: a pale document on a darker desk.
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Colour difference from the desk (its colour taken from the frame's border): works
    # when the card is not the brightest thing in view but differs in tone.
    border = np.concatenate([smooth[:4].reshape(-1, 3), smooth[-4:].reshape(-1, 3),
                             smooth[:, :4].reshape(-1, 3), smooth[:, -4:].reshape(-1, 3)])
    desk = np.median(border, axis=0)
    diff = cv2.absdiff(smooth, (float(desk[0]), float(desk[1]), float(desk[2]), 0.0))
    diff = cv2.transform(diff, np.full((1, 3), 0.5, dtype=np.float32))
    _, differs = cv2.threshold(diff, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    close = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    for region in (bright, differs):
        # Open drops desk speckle; close fills the card's dark print so it stays one blob.
        opened = cv2.morphologyEx(region, cv2.MORPH_OPEN, kernel)
        masks.append((cv2.morphologyEx(opened, cv2.MORPH_CLOSE, close), cv2.RETR_EXTERNAL))
    return smooth, masks


def refine_sides(frame: np.ndarray, quad: np.ndarray, reach: float) -> np.ndarray:
    """Move each side onto the strongest brightness step within `reach` full-resolution
    pixels, then intersect the sides again.

    The small image places corners to about ±1 of its pixels (~2.7 px at 1280 wide) and an
    outline traced around an edge band sits on one side of it; fitting lines to the steepest
    step across each side removes that bias at the cost of a few hundred pixel reads."""
    h, w = frame.shape[:2]
    offsets = np.arange(-reach, reach + 1.0, 1.0, dtype=np.float32)
    t = np.linspace(0.1, 0.9, REFINE_SAMPLES, dtype=np.float32)
    centre = quad.mean(axis=0)
    lines: list[tuple[np.ndarray, np.ndarray] | None] = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = b - a
        length = float(np.hypot(*direction))
        if length < 4 * reach:
            return quad
        unit = direction / length
        normal = np.array([-unit[1], unit[0]], dtype=np.float32)
        if float(np.dot(normal, (a + b) / 2 - centre)) < 0:
            normal = -normal
        base = a[None, :] + direction[None, :] * t[:, None]
        grid = base[:, None, :] + offsets[None, :, None] * normal[None, None, :]
        inside = ((grid[..., 0] >= 0) & (grid[..., 0] <= w - 1) & (grid[..., 1] >= 0)
                  & (grid[..., 1] <= h - 1)).all(axis=1)
        if inside.sum() < REFINE_SAMPLES // 3:
            lines.append(None)
            continue
        grid = grid[inside]
        patch = cv2.remap(frame, grid[..., 0].copy(), grid[..., 1].copy(), cv2.INTER_LINEAR)
        profile = (patch.astype(np.float32).reshape(len(grid), len(offsets), -1)
                   .mean(axis=2))
        step = profile[:, 2:] - profile[:, :-2]
        # Card and desk keep the same order along a side: use one sign for all samples.
        sign = 1.0 if float(np.median(step.max(axis=1) + step.min(axis=1))) >= 0 else -1.0
        step *= sign
        k = step.argmax(axis=1)
        peak = step[np.arange(len(k)), k]
        strong = peak >= max(REFINE_MIN_STEP, 0.5 * float(np.median(peak)))
        if strong.sum() < REFINE_SAMPLES // 3:
            lines.append(None)
            continue
        # Parabola through the peak and its neighbours for a sub-pixel position.
        left = step[np.arange(len(k)), np.maximum(k - 1, 0)]
        right = step[np.arange(len(k)), np.minimum(k + 1, step.shape[1] - 1)]
        denom = left - 2 * peak + right
        frac = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(
            np.abs(denom) > 1e-6, denom, 1.0), 0.0)
        shift = offsets[0] + 1 + k + np.clip(frac, -0.5, 0.5)
        pts = base[inside] + shift[:, None] * normal[None, :]
        fit = cv2.fitLine(pts[strong].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        vx, vy, x0, y0 = (float(v) for v in fit.reshape(-1))
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    refined = quad.copy()
    for i in range(4):
        before, after = lines[(i - 1) % 4], lines[i]
        if before is None or after is None:
            continue
        (p1, d1), (p2, d2) = before, after
        cross = d1[0] * d2[1] - d1[1] * d2[0]
        if abs(cross) < 1e-6:
            continue
        s1 = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / cross
        corner = p1 + s1 * d1
        if float(np.hypot(*(corner - quad[i]))) <= 2 * reach:
            refined[i] = corner
    return refined.astype(np.float32)


def _candidates(small: np.ndarray, scale: float, aspect_hint: float | None) -> list[_Candidate]:
    smooth, masks = _masks(small)
    found: list[_Candidate] = []
    for mask, mode in masks:
        contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            _score(c, smooth, aspect_hint, found)
    for cand in found:
        # Small pixel i covers full pixels [i/scale, (i+1)/scale): map centres to centres.
        cand.quad = (cand.quad + 0.5) / scale - 0.5
        cand.scale = scale
    return found


def find_document(frame: np.ndarray, aspect_hint: float | None = None) -> np.ndarray | None:
    """The document's 4 corners in `frame` pixels (float32, shape (4, 2)), clockwise from the
    top-left corner as it lies in the frame; None when no document-like quad is visible."""
    if frame is None or frame.ndim < 2 or frame.size == 0:
        return None
    frame = to_bgr(frame)
    h, w = frame.shape[:2]
    scale = min(1.0, DETECT_WIDTH / w)
    small = frame
    # Halving first takes INTER_AREA's fast integer path: 1 ms instead of 2.5 for 1280→480.
    while small.shape[1] >= 2 * DETECT_WIDTH:
        small = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2),
                           interpolation=cv2.INTER_AREA)
    if scale < 1.0:
        small = cv2.resize(small, (round(w * scale), round(h * scale)),
                           interpolation=cv2.INTER_AREA)
    candidates = _candidates(small, scale, aspect_hint)
    if not any(c.clear for c in candidates):
        # A second look at half that size: desk texture and the card's own print average
        # out while its outline stays, which finds a pale card on a pale, grainy desk.
        coarse = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2),
                            interpolation=cv2.INTER_AREA)
        candidates += _candidates(coarse, scale * coarse.shape[1] / small.shape[1],
                                  aspect_hint)
    if not candidates:
        return None
    best = max(candidates, key=lambda c: c.score)
    quad = best.quad
    if best.scale < 1.0:
        quad = refine_sides(frame, quad, reach=math.ceil(3.0 / best.scale))
    return order_corners(quad)


# --- rectification -------------------------------------------------------------------------


def rectify(frame: np.ndarray, corners: np.ndarray, aspect: float,
            width: int = 1012) -> np.ndarray:
    """Warp the quad to a `width` × round(width / aspect) landscape image (BGR).

    A quad taller than wide is a card lying turned by 90°: its long side becomes the
    width, so the result is upright or upside down, never sideways (see `rotations`).
    """
    matrix, size = rectify_transform(corners, aspect, width)
    return cv2.warpPerspective(to_bgr(frame), matrix, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def rectify_transform(corners: np.ndarray, aspect: float, width: int = 1012
                      ) -> tuple[np.ndarray, tuple[int, int]]:
    """The frame → document homography `rectify` warps with, and the output size."""
    if aspect < 1.0:
        aspect = 1.0 / aspect
    quad = order_corners(corners)
    across, down = _side_lengths(quad)
    if down > across:
        # Start from the frame's top-right corner: the quad's right side becomes the top.
        quad = np.roll(quad, -1, axis=0)
    height = max(1, round(width / aspect))
    dst = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    return cv2.getPerspectiveTransform(quad, dst), (width, height)


# Still frames of one card are averaged only when each lies on the first once moved by
# a small turn, shift or change of size (a card held in the hand drifts a pixel or two,
# turns a fraction of a degree and comes a little closer between frames), with no corner
# moved more than this many pixels: a card moved further was moving while the frame was
# taken, and its print is smeared. The match (ECC's correlation) must be close, or it is
# not the same picture.
VIEW_MAX_SHIFT_PX = 4.0
VIEW_MIN_MATCH = 0.9
VIEW_MATCH_SCALE = 4  # matched at a quarter of the size: enough to place it to 0.1 px


def average_views(views: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """The mean of the 8-bit pictures of one still document, each laid onto the first
    (view_alignment), and how many went into it: the sensor noise of single webcam
    frames differs from frame to frame, so it fades in the mean while the print stays
    (the noise of N frames falls by √N; what the frames share, a reflection or a blur,
    stays). A picture of another size, or one that does not lie on the first, is left
    out."""
    first = to_bgr(views[0])
    if len(views) == 1:
        return first, 1
    height, width = first.shape[:2]
    reference = _matching_gray(first)
    total = first.astype(np.float32)
    used = 1
    for view in map(to_bgr, views[1:]):
        if view.shape != first.shape:
            continue
        moved = _alignment(reference, _matching_gray(view), width, height)
        if moved is None:
            continue
        total += cv2.warpAffine(view, moved, (width, height),
                                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
        used += 1
    return np.clip(total / used + 0.5, 0, 255).astype(np.uint8), used


def view_alignment(first: np.ndarray, view: np.ndarray) -> np.ndarray | None:
    """Where `view`, a picture of the same document as `first` and of its size, shows
    each point of `first`: a 2×3 affine matrix (x, y of first → of view); None when it
    does not lie on it so (moved too far, not the same picture)."""
    if first.shape[:2] != view.shape[:2]:
        return None
    height, width = first.shape[:2]
    return _alignment(_matching_gray(to_bgr(first)), _matching_gray(to_bgr(view)),
                      width, height)


def _alignment(reference: np.ndarray, view: np.ndarray, width: int, height: int
               ) -> np.ndarray | None:
    """view_alignment on the pictures as matched (_matching_gray), scaled back to the
    pictures' own `width` × `height`."""
    if min(reference.shape[:2]) < 16:
        return None
    moved = np.eye(2, 3, dtype=np.float32)
    try:
        # Affine, not only a turn and shift: a card drifting toward the lens is
        # bigger in the next frame, which a turn and shift would fit as no move at all.
        match, moved = cv2.findTransformECC(
            reference, view, moved, cv2.MOTION_AFFINE,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-4), None, 5)
    except cv2.error:
        return None  # no alignment found (a blank picture, a different one)
    if not match >= VIEW_MIN_MATCH:
        return None
    moved[:, 2] *= VIEW_MATCH_SCALE
    corners = np.float32([[0, 0, 1], [width, 0, 1], [width, height, 1], [0, height, 1]])
    if np.linalg.norm(corners @ moved.T - corners[:, :2], axis=1).max() > VIEW_MAX_SHIFT_PX:
        return None
    return moved


def _matching_gray(image: np.ndarray) -> np.ndarray:
    """The picture as matched: grey, at VIEW_MATCH_SCALE times smaller (a sixteenth of
    the work, its noise smoothed away)."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (max(1, gray.shape[1] // VIEW_MATCH_SCALE),
                             max(1, gray.shape[0] // VIEW_MATCH_SCALE)),
                      interpolation=cv2.INTER_AREA).astype(np.float32)


_ROTATE_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate(card: np.ndarray, degrees: int) -> np.ndarray:
    """The image turned clockwise by 0, 90, 180 or 270 degrees."""
    degrees %= 360
    if degrees == 0:
        return card.copy()
    if degrees not in _ROTATE_CODES:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {degrees}")
    return cv2.rotate(card, _ROTATE_CODES[degrees])


def rotations(card: np.ndarray) -> list[np.ndarray]:
    """The card and its 180° turn: `rectify` cannot tell which way up the card lies."""
    return [card, rotate(card, 180)]


# --- quality -------------------------------------------------------------------------------

# Quality is measured on the card rectified to this width so that numbers do not depend on
# how close the card is. It is below the width of an ID card that passes TOO_SMALL in a
# 1280×720 frame (~420 px), so the warp only shrinks and never invents softness; of the
# widths tried (400–800) it also separated soft-but-readable from blurred cards best.
QUALITY_WIDTH = 400

# Thresholds were calibrated on synthetic frames built like the ones in tests/test_capture.py:
# an ID-card-like 1012×638 image (pale guilloche, black text bars, a photo box, rounded
# corners) warped into a 1280×720 frame over a wood-grain (dark) or grainy grey (light) desk,
# 12–60 % of the frame, turned by 0/90/180/270° ± 12° and tilted up to 20°, with uneven light
# and sensor noise; 40 placements per variant, measured on the card rectified to
# QUALITY_WIDTH from the true corners and again from find_document's (same ranges).
#
# Sharpness (contrast-stretched, σ=0.8-smoothed variance of the Laplacian), min … max:
#   sharp frames 352 … 463, webcam-soft (blur σ 1) 124 … 313, the same at half exposure
#   124 … 306, blurred σ 3: 14 … 75 whatever the noise (σ 0 … 5) or JPEG q70, σ 5: ≤ 29.
# 95 sits between the softest readable card and the sharpest σ-3 card (a large card, whose
# blur shrinks with the warp to QUALITY_WIDTH) with ~1.3× margin on each side. Without the
# smoothing, σ-5 sensor noise lifted blurred cards above webcam-soft ones; without the
# stretch, a half-exposed sharp card read as blurry.
SHARPNESS_SMOOTHING = 0.8
SHARPNESS_MAX_GAIN = 4.0
SHARPNESS_MIN = 95.0
# Glare share: 0.000 on every clean card; a blown-out ellipse over 5 % of the card reads
# 0.048–0.052, over 10 % 0.098–0.103. 0.04 refuses anything from ~4 % of the card up, with
# 2.5× margin below the 10 % case. A card exposed so bright that its paper clips (×1.08 on
# these frames) reads 0.07–0.44 and is refused too, rightly: faint print is lost there.
GLARE_MAX = 0.04
# Clipped, not merely bright: on the synthetic corpus's well-exposed frames white paper
# reaches 248–253 with its print perfectly readable (248 refused 21 of 30 good frames);
# a lamp's reflection on a laminated card clips to 255.
GLARE_VALUE = 254  # V in HSV
GLARE_SATURATION = 40  # colourless: white light, not a light-coloured print
GLARE_MIN_BLOB = 0.004  # of the card; smaller white specks are print, not reflections
# Brightness (90th percentile of luma): well-lit cards 225–232, half exposure 113–116,
# quarter exposure (the "dark" variant) 56–58. 80 is the geometric middle of 58 and 113:
# a dim but legible card passes, the quarter-exposure one does not.
BRIGHTNESS_MIN = 80.0
# Share of the frame the quad must cover: below it text is too few pixels for OCR.
MIN_CAPTURE_AREA = 0.12
# Corners closer than this (share of the frame's shorter side) to an edge count as cut off.
EDGE_MARGIN = 0.01


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(to_bgr(image), cv2.COLOR_BGR2GRAY)


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian: falls steeply as focus or motion blur softens the print.

    Contrast is stretched first (1st–99th percentile to the full range, at most
    `SHARPNESS_MAX_GAIN`×) so that a dim exposure is reported as TOO_DARK, not as blur; a
    light smoothing then takes sensor noise out, which otherwise reads as detail. Only
    comparable between images of the same size: `assess` measures the card rectified to
    `QUALITY_WIDTH`, which is what `SHARPNESS_MIN` is calibrated for."""
    g = _gray(gray)
    lo, hi = np.percentile(g, (1, 99))
    gain = min(SHARPNESS_MAX_GAIN, 255.0 / float(hi - lo)) if hi > lo else 1.0
    smooth = cv2.GaussianBlur(g.astype(np.float32) * gain, (0, 0), SHARPNESS_SMOOTHING)
    return float(cv2.Laplacian(smooth, cv2.CV_32F).var())


def glare_fraction(card: np.ndarray) -> float:
    """Share of the card's pixels that sit in large near-saturated, colourless blobs."""
    hsv = cv2.cvtColor(to_bgr(card), cv2.COLOR_BGR2HSV)
    mask = ((hsv[..., 2] >= GLARE_VALUE) & (hsv[..., 1] <= GLARE_SATURATION)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN,
                            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    total = float(mask.shape[0] * mask.shape[1])
    areas = stats[1:n, cv2.CC_STAT_AREA]
    return float(areas[areas >= GLARE_MIN_BLOB * total].sum() / total)


# Glare is taken out where the paper's light rises this many levels over its median (on
# a pale card a smaller rise is more often the paper's own shading than a reflection:
# taking those out too cost more readings than it gained), never past the last share,
# where the sensor noise, multiplied back, would read as print.
GLARE_RISE = 20.0
GLARE_MAX_VEIL = 0.85


def flatten_glare(card: np.ndarray) -> np.ndarray:
    """The card with the veil of a reflection taken off its print.

    A reflection adds the lamp's light on top of what the card sends back: where it lies
    a share `a` of white covers the print, pixel = (1 - a) · print + a · 255, so text under
    it keeps its shape but loses contrast until the recogniser drops it. `a` follows from
    how much brighter the paper is there than elsewhere (the paper's light, print closed
    away, on a quarter-size image), and the print is recovered as (pixel - 255 a) / (1 - a).
    A card without such a rise comes back unchanged (the same array)."""
    img = to_bgr(card)
    h, w = img.shape[:2]
    small = cv2.resize(img, (max(1, w // 4), max(1, h // 4)),
                       interpolation=cv2.INTER_AREA).astype(np.float32)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    level = np.median(paper.reshape(-1, 3), axis=0)
    rise = (paper - level).max(axis=2)
    veil = np.clip(((paper - level) / np.maximum(255.0 - level, 1.0)).max(axis=2),
                   0.0, GLARE_MAX_VEIL)
    if float(rise.max()) < GLARE_RISE:
        return card
    # Only the part of the card under the reflection is recomputed.
    ys, xs = np.nonzero(veil > 0.02)
    y0, y1 = max(0, 4 * int(ys.min()) - 4), min(h, 4 * int(ys.max()) + 8)
    x0, x1 = max(0, 4 * int(xs.min()) - 4), min(w, 4 * int(xs.max()) + 8)
    veil = cv2.resize(veil, (w, h), interpolation=cv2.INTER_LINEAR)[y0:y1, x0:x1, None]
    out = img.copy()
    patch = (img[y0:y1, x0:x1].astype(np.float32) - 255.0 * veil) / (1.0 - veil)
    out[y0:y1, x0:x1] = np.clip(patch, 0, 255).astype(np.uint8)
    return out


# How much redder than green and blue a pixel must be, as a share of the paper's
# brightness, to be a seal's red ink; and how bright in the red channel (black print
# seen through a red cast is dark there too).
RED_INK_MARGIN = 0.1
RED_INK_BRIGHT = 0.6


def without_red_ink(document: np.ndarray) -> np.ndarray:
    """The document with its red ink (the issuing authority's seal, a red border) turned
    to the colour of its paper, black print kept. The seal is printed over the last lines
    of the address, and the recogniser reads its characters into them ("…2304室市").

    Colours are taken against the paper's (its median, the paper being most of a
    document), so a colour cast or a dim lamp does not make the paper or the print red.
    Red ink is about as bright as the paper in the red channel and far darker in green
    and blue; black print is dark in all three. A document without red ink comes back
    unchanged (the same array)."""
    img = to_bgr(document)
    paper = np.median(img[::4, ::4].reshape(-1, 3), axis=0).astype(np.float32)
    level = float(paper.max())
    if level < 1.0:
        return document
    balanced = img.astype(np.float32) * (level / np.maximum(paper, 1.0))
    redness = balanced[..., 2] - np.maximum(balanced[..., 0], balanced[..., 1])
    red = (redness > RED_INK_MARGIN * level) & (balanced[..., 2] > RED_INK_BRIGHT * level)
    if not red.any():
        return document
    out = img.copy()
    out[red] = paper.astype(np.uint8)
    return out


def brightness(card: np.ndarray) -> float:
    """90th percentile of luma (0–255): how bright the card's paper is. A percentile, not the
    mean, so dark print, photos or a dark card design do not read as bad light."""
    return float(np.percentile(_gray(card), 90))


def _corner_cut_off(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    h, w = shape[:2]
    m = EDGE_MARGIN * min(h, w)
    x, y = corners[:, 0], corners[:, 1]
    return bool(np.any((x < m) | (y < m) | (x > w - 1 - m) | (y > h - 1 - m)))


def assess(frame: np.ndarray, corners: np.ndarray) -> list[Refusal]:
    """Reasons to refuse the document at `corners` in `frame`; empty means good to capture."""
    quad = order_corners(corners)
    h, w = frame.shape[:2]
    refusals: list[Refusal] = []
    if _corner_cut_off(quad, frame.shape):
        refusals.append(Refusal.CUT_OFF)
    if abs(cv2.contourArea(quad)) < MIN_CAPTURE_AREA * h * w:
        refusals.append(Refusal.TOO_SMALL)
    card = rectify(frame, quad, estimate_aspect(quad), width=QUALITY_WIDTH)
    if brightness(card) < BRIGHTNESS_MIN:
        refusals.append(Refusal.TOO_DARK)
    if glare_fraction(card) > GLARE_MAX:
        refusals.append(Refusal.GLARE)
    if sharpness(card) < SHARPNESS_MIN:
        refusals.append(Refusal.BLURRY)
    return refusals


def first_hint(refusals: Sequence[Refusal]) -> Refusal | None:
    """The one refusal to show: the first of `HINT_ORDER` that is present."""
    return next((r for r in HINT_ORDER if r in refusals), None)


# --- auto capture --------------------------------------------------------------------------

# Consecutive frames without a document before a new capture is allowed: one frame where
# detection blinks must not capture the same card again.
REARM_EMPTY_FRAMES = 2


# Frames of the still document a capture hands on, the captured one included: they are
# averaged into the picture that is read (average_views, pipeline.read_views).
CAPTURE_VIEWS = 5


@dataclass
class CaptureStep:
    """What one preview frame produced: where the document is, why it is not captured yet,
    the hint to show, and the rectified card on the frame it is captured, with the
    same card cut from the still frames before it (newest first)."""

    corners: np.ndarray | None
    refusals: list[Refusal] = field(default_factory=list)
    hint: Refusal | None = None
    captured: np.ndarray | None = None
    views: list[np.ndarray] = field(default_factory=list)


# What an earlier frame would bring into the manual capture's mean. (Not MOVING: a
# soft card's outline jitters by more than a still card's, and average_views leaves out
# a card that did move.)
SPOILS_A_MEAN = frozenset({Refusal.GLARE, Refusal.BLURRY})


class AutoCapture:
    """Captures a document once it is found, passes every gate and holds still.

    Feed it every preview frame. After a capture it stays quiet until the document has left
    the frame (or `reset()`), so one card on the desk is captured once, not 30 times.
    """

    def __init__(self, stable_frames: int = CAPTURE_VIEWS, max_shift: float = 0.015,
                 aspect_hint: float | None = None) -> None:
        self.stable_frames = max(1, stable_frames)
        self.max_shift = max_shift
        self.aspect_hint = aspect_hint
        self.reset()

    def reset(self) -> None:
        self._previous: np.ndarray | None = None
        self._still = 0
        self._armed = True
        self._empty = 0
        # The still frames counted in _still, newest last.
        self._frames: collections.deque[np.ndarray] = collections.deque(
            maxlen=CAPTURE_VIEWS)
        # The last frames a document was found in, refused or not, with why, newest
        # last: what the manual capture averages (views_along).
        self._recent: collections.deque[tuple[np.ndarray, frozenset[Refusal]]] = (
            collections.deque(maxlen=CAPTURE_VIEWS))

    @property
    def armed(self) -> bool:
        """False between a capture and the document leaving the frame."""
        return self._armed

    def _aspect(self, corners: np.ndarray) -> float:
        return self.aspect_hint if self.aspect_hint is not None else estimate_aspect(corners)

    def feed(self, frame: np.ndarray) -> CaptureStep:
        corners = find_document(frame, self.aspect_hint)
        if corners is None:
            self._previous = None
            self._still = 0
            self._frames.clear()
            self._recent.clear()
            self._empty += 1
            if self._empty >= REARM_EMPTY_FRAMES:
                self._armed = True
            return CaptureStep(None, [Refusal.NO_DOCUMENT], Refusal.NO_DOCUMENT)
        self._empty = 0
        refusals = assess(frame, corners)
        h, w = frame.shape[:2]
        if self._previous is not None:
            shift = float(np.linalg.norm(corners - self._previous, axis=1).max())
            moving = shift >= self.max_shift * math.hypot(w, h)
        else:
            moving = False
        self._previous = corners
        if moving:
            refusals.append(Refusal.MOVING)
        self._recent.append((frame, frozenset(refusals) & SPOILS_A_MEAN))
        self._still = 0 if refusals else self._still + 1
        if refusals or not self._armed:
            # (Kept only on the way to a capture: a card left lying after it holds none.)
            self._frames.clear()
        else:
            self._frames.append(frame)
        captured = None
        views: list[np.ndarray] = []
        if self._armed and self._still >= self.stable_frames:
            aspect = self._aspect(corners)
            captured = rectify(frame, corners, aspect)
            # Cut along the captured frame's outline: the card has barely moved (what
            # it has, average_views lays back or leaves out), and one outline keeps the
            # views aligned where each frame's own outline would jitter. (A picture
            # file repeats one frame: nothing to add.)
            views = [rectify(f, corners, aspect) for f in reversed(self._frames)
                     if f is not frame]
            self._armed = False
            self._still = 0
            self._frames.clear()
        return CaptureStep(corners, refusals, first_hint(refusals), captured, views)

    def capture_now(self, frame: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]] | None:
        """The manual button: rectify whatever document is visible, refusals or not,
        with the views of it in the frames before (views_along)."""
        corners = find_document(frame, self.aspect_hint)
        if corners is None:
            return None
        aspect = self._aspect(corners)
        return rectify(frame, corners, aspect), self.views_along(frame, corners, aspect)

    def views_along(self, frame: np.ndarray, corners: np.ndarray, aspect: float
                    ) -> list[np.ndarray]:
        """The document cut along `frame`'s outline from the last frames it was seen in,
        newest first, `frame` itself left out. The manual capture is pressed when a
        frame is refused (a soft focus, a reflection): its sensor noise fades in the mean
        all the same. A frame with a reflection or a blur that `frame` has not (tilted
        away, come into focus) would bring it into the mean, and is left out;
        average_views lays back or leaves out a view whose card moved."""
        own = next((why for f, why in self._recent if f is frame), None)
        if own is None:
            own = frozenset(assess(frame, corners)) & SPOILS_A_MEAN
        return [rectify(f, corners, aspect) for f, why in reversed(self._recent)
                if f is not frame and why <= own]


# --- files ---------------------------------------------------------------------------------


def _decode(data: bytes | np.ndarray) -> np.ndarray | None:
    buf = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else data
    if buf.size == 0:
        return None
    try:
        image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    return image if image is not None and image.size else None


def _load_pdf(path: Path, data: np.ndarray) -> np.ndarray:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data.tobytes()))
        if reader.is_encrypted:
            raise UnreadableImage("The PDF is password-protected.", path)
        if not reader.pages:
            raise UnreadableImage("The PDF has no pages.", path)
        page = reader.pages[0]
        images = list(page.images)
        turn = int(page.rotation) % 360
    except UnreadableImage:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise UnreadableImage(f"Not a readable PDF ({type(exc).__name__}).", path) from exc
    if not images:
        raise UnreadableImage(
            "The PDF's first page has no embedded image (a text or drawn PDF, not a scan): "
            "scan the document, or save it as a JPG or PNG.", path)
    try:
        # Scanners put one image per page; when there are more, the scan is the biggest.
        chosen = max(images, key=lambda im: len(im.data))
        image = _decode(chosen.data)
        if image is None:
            # A stream cv2 cannot decode (CCITT, JBIG2, raw CMYK): pypdf's own decoding.
            image = cv2.cvtColor(np.asarray(chosen.image.convert("RGB")), cv2.COLOR_RGB2BGR)
    except Exception as exc:
        raise UnreadableImage(
            f"The PDF's page image cannot be decoded ({type(exc).__name__}).", path) from exc
    # /Rotate turns the page for display; the embedded scan itself is stored unturned.
    return rotate(image, turn) if turn in (90, 180, 270) else image


def load_image(path: Path) -> np.ndarray:
    """A document image file as BGR pixels: JPG/PNG/BMP/TIFF/WebP, or the scan on the first
    page of a PDF. Raises `UnreadableImage` with a message to show for anything else."""
    path = Path(path)
    try:
        # np.fromfile + imdecode, not cv2.imread: imread cannot open non-ASCII paths on
        # Windows, and customers' files are named 身份证.jpg.
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UnreadableImage(f"The file cannot be read ({reason}).", path) from exc
    if data.size == 0:
        raise UnreadableImage("The file is empty.", path)
    if data[:5].tobytes() == b"%PDF-" or path.suffix.lower() == ".pdf":
        return _load_pdf(path, data)
    image = _decode(data)
    if image is None:
        raise UnreadableImage("Not an image file, or the image is damaged.", path)
    return image
