"""Fallback for `capture.find_document`: the document's corners from its text lines.

When the outline alone is ambiguous (a pale card on or next to white paper, a dim card
turned sideways) the OCR detector still finds the card's print. The text lines say which
way the card lies and roughly where it is; its sides are then the straight brightness
steps just outside the text block, which are looked for along rays cast outwards from it
and voted for as lines (a Hough transform over the ray hits). The best set of four sides
that makes a card of the right aspect around the text is then placed exactly on the full
frame by capture's own side fitting.

No OCR engine here: the caller runs the detector and passes its line boxes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from showroom_app.documents.capture import (
    ASPECT_TOLERANCE,
    MAX_DOCUMENT_AREA,
    MIN_DOCUMENT_AREA,
    order_corners,
    refine_sides,
    side_support,
)

__all__ = ["ID_BACK_MARGINS", "ID_FRONT_MARGINS", "TextMargins", "card_from_text"]


@dataclass(frozen=True, slots=True)
class TextMargins:
    """How close a document type's detected text comes to each of its sides, the document
    upright: the gap as a share of its width (left, right) or height (top, bottom)."""

    left: float
    right: float
    top: float
    bottom: float


# Measured with the bundled detector on 80 flat synthetic cards each (doc_corpus, which
# follows the real cards' layout), the smallest gap seen, rounded down: medians were
# 0.01-0.02 larger, except on the back's left, where the emblem's gate is often taken for
# a line (0.14 without it).
ID_FRONT_MARGINS = TextMargins(left=0.05, right=0.11, top=0.09, bottom=0.09)
ID_BACK_MARGINS = TextMargins(left=0.09, right=0.17, top=0.11, bottom=0.09)

# Boxes more than this far from the dominant line direction are not lines of the document.
MAX_LINE_ANGLE = math.radians(20.0)
# Boxes thicker than this many times the median line are not text lines.
MAX_THICKNESS = 3.0
# A card has several lines; one or two boxes are a label or a sticker, not a document.
MIN_LINES = 3
# A picture narrower than this (pixels) holds no card whose sides could be found.
MIN_FRAME_SIDE = 32
# Boxes join one text block when the gap between them is within these many line heights.
JOIN_ACROSS = 5.0
JOIN_ALONG = 5.0
# Sides are looked for at half resolution: noise averages out and rays are half as long.
WORK_SCALE = 0.5
# How far a side may lie beyond the text block, relative to the block's extent across it
# (its height for the top and bottom sides, its width for the others): an ID card's
# margins are 10-20 % of it, but lines the detector missed widen them.
REACH_ACROSS = 0.8
REACH_ALONG = 0.7
RAYS = 28
# Perspective up to ~22° slants a card's side by up to ~20° against the mean direction
# of its print (the near side looks longer, so the sides between converge).
MAX_SIDE_SLANT = math.radians(24.0)
SLANTS = 25
PEAKS_PER_RAY = 3
CANDIDATES_PER_SIDE = 6
# A step counts when it is this many times the side's median step (the print and noise
# level) and at least this many grey levels.
PEAK_OVER_MEDIAN = 2.5
PEAK_MIN = 3.0
# Share of rays that must hit a line for it to be a candidate side (a side half along
# white paper is only seen where it runs along the desk); weaker lines only serve to
# place a side that the other three and the aspect already fix.
MIN_SIDE_HITS = 0.3
MIN_WEAK_HITS = 0.15
# The sides' scores (share of rays hit, see _side_scores) less the penalties must add up
# to this for four seen sides; with one side placed from the aspect, the other three must
# reach MIN_SCORE_THREE.
MIN_SCORE = 2.0
MIN_SCORE_THREE = 1.8
# Score lost per unit of log aspect error (about 0.1 at 5 % off).
ASPECT_PENALTY = 2.0
# On 600 synthetic placements with up to 22° of perspective opposite sides met at up to
# 17°, and the quad's aspect stayed within 7 % of the card's.
MAX_CONVERGENCE = math.radians(18.0)
# Text may stick out of a candidate side by this share of a line's height: the detector
# pads its boxes.
CONTAIN_SLACK = 0.3
# The text block's rectangle covers more of a document than this: a bigger quad around it
# is a sheet of paper or a patch of desk.
MIN_TEXT_SHARE = 0.15
# How far (share of the card) the text may reach past the document's known margins, and
# the score lost per share beyond: a side placed on the photo's edge or on print is
# closer to the text than the real margin.
MARGIN_SLACK = 0.04
MARGIN_PENALTY = 8.0
# The final check of every side (capture.side_support): the work image must differ by
# SUPPORT_CONTRAST grey levels SUPPORT_STEP work pixels either side of it at MIN_SUPPORT
# of its points. A lower contrast than capture's own (6 levels), which is why capture
# missed these cards, but asked of more points: on the tuning frames every correct quad
# had ≥ 0.75, and two thirds of the quads found around text put where no card was failed.
SUPPORT_STEP = 2.0
SUPPORT_CONTRAST = 3.0
MIN_SUPPORT = 0.7
# Full-resolution side fitting (capture.refine_sides) first looks this far (px) either side.
REFINE_REACH = 6.0
# The drop shadow's rim lies up to this far (work pixels) outside the card's edge.
SHADOW_GAP = 14.0
# How far (share of the frame's short side) a corner may lie outside the frame.
OUTSIDE_FRAME = 0.03
# A side placed from the aspect snaps to a weak line this close (work pixels).
SNAP_DISTANCE = 8.0


def _long_axes(quads: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direction (unit), length and thickness of each box's long axis."""
    e01 = quads[:, 1] - quads[:, 0]
    e32 = quads[:, 2] - quads[:, 3]
    e12 = quads[:, 2] - quads[:, 1]
    e03 = quads[:, 3] - quads[:, 0]
    along_a = (e01 + e32) / 2
    along_b = (e12 + e03) / 2
    la = np.hypot(along_a[:, 0], along_a[:, 1])
    lb = np.hypot(along_b[:, 0], along_b[:, 1])
    wide = la >= lb
    direction = np.where(wide[:, None], along_a, along_b)
    length = np.where(wide, la, lb)
    thick = np.where(wide, lb, la)
    return direction / np.maximum(length, 1e-6)[:, None], length, thick


def _dominant_angle(direction: np.ndarray, weight: np.ndarray) -> float | None:
    # Angles are axial (a line at 10° is the same as at 190°): average the doubled angle.
    theta = np.arctan2(direction[:, 1], direction[:, 0])
    c = float((weight * np.cos(2 * theta)).sum())
    s = float((weight * np.sin(2 * theta)).sum())
    if math.hypot(c, s) <= 1e-6:
        return None
    return 0.5 * math.atan2(s, c)


def _main_block(uv: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Indices of the largest group of boxes that lie close together (text of one
    document); `uv` is (n, 4, 2) in text-aligned coordinates."""
    lo, hi = uv.min(axis=1), uv.max(axis=1)
    height = float(np.median(hi[:, 1] - lo[:, 1]))
    n = len(uv)
    gap = np.maximum(lo[:, None, :] - hi[None, :, :], lo[None, :, :] - hi[:, None, :])
    gap = np.maximum(gap, 0.0)
    linked = (gap[..., 0] <= JOIN_ALONG * height) & (gap[..., 1] <= JOIN_ACROSS * height)
    group = np.arange(n)
    # Union-find by repeated relabelling: a few dozen boxes at most.
    for _ in range(n):
        merged = np.where(linked, group[None, :], n).min(axis=1)
        merged = np.minimum(merged, group)
        if np.array_equal(merged, group):
            break
        group = merged[merged]
    totals = np.bincount(group, weights=length, minlength=n)
    return np.flatnonzero(group == int(totals.argmax()))


@dataclass(slots=True)
class _Line:
    # across = offset + slope * (along - centre), in text-aligned work pixels: `across` is
    # measured outwards from the text block's side, `along` along that side.
    offset: float
    slope: float
    hits: float  # share of rays with a step on this line
    strength: float  # mean step on it, grey levels


@dataclass(slots=True)
class _Side:
    along_dir: np.ndarray
    out_dir: np.ndarray
    edge: float  # outward coordinate of the text block's side
    centre: float  # along coordinate the lines' offsets refer to
    half_span: float  # half the length along the side that rays covered
    reach: float  # how far beyond `edge` lines were looked for
    lines: list[_Line]

    def line(self, ln: _Line) -> tuple[np.ndarray, np.ndarray]:
        point = self.centre * self.along_dir + (self.edge + ln.offset) * self.out_dir
        return point.astype(np.float64), (self.along_dir + ln.slope * self.out_dir).astype(
            np.float64)


def _side_lines(image: np.ndarray, along_dir: np.ndarray, out_dir: np.ndarray,
                along: np.ndarray, text_end: np.ndarray, edge: float, inner: float,
                reach: float) -> list[_Line]:
    """Candidate straight edges beyond one side of the text block.

    Rays run at `along` positions from `inner` work pixels inside the block's side
    (`edge`, outward coordinate) to `reach` beyond it; each ray only counts steps past the
    text it crosses (`text_end`), so a side slanted by perspective against the text,
    which cuts the corner of the block's rectangle, is still seen whole."""
    h, w = image.shape[:2]
    outward = np.arange(edge - inner, edge + reach + 1.0, 1.0, dtype=np.float32)
    if len(outward) < 6:
        return []
    pts = (along[:, None, None] * along_dir[None, None, :]
           + outward[None, :, None] * out_dir[None, None, :])
    mx, my = pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32)
    inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
    profile = cv2.remap(image, mx, my, cv2.INTER_LINEAR).astype(np.float32)
    if profile.ndim == 2:
        profile = profile[..., None]
    # A card against white paper is darker than it, against the desk brighter: the sign of
    # the step may change along one side, so magnitudes are voted; colour differences
    # count too (a pastel card on white paper differs more in hue than in brightness).
    step = np.abs(profile[:, 2:] - profile[:, :-2]).max(axis=2)
    valid = inside[:, 2:] & inside[:, :-2]
    level = float(np.median(step[valid])) if valid.any() else 0.0
    valid &= outward[None, 1:-1] > text_end[:, None] + 1.0
    step[~valid] = 0.0
    if not valid.any():
        return []
    threshold = max(PEAK_MIN, PEAK_OVER_MEDIAN * level)
    local = (step[:, 1:-1] >= step[:, :-2]) & (step[:, 1:-1] > step[:, 2:])
    local &= step[:, 1:-1] >= threshold
    peak = np.where(local, step[:, 1:-1], 0.0)
    n_rays = len(along)
    order = np.argsort(-peak, axis=1)[:, :PEAKS_PER_RAY]
    ray = np.repeat(np.arange(n_rays), order.shape[1])
    idx = order.ravel()
    value = peak[ray, idx]
    keep = value > 0
    ray, idx, value = ray[keep], idx[keep], value[keep]
    if len(ray) == 0:
        return []
    dist = outward[idx + 2] - edge
    centre = float(along.mean())
    pos = along[ray] - centre
    slopes = np.tan(np.linspace(-MAX_SIDE_SLANT, MAX_SIDE_SLANT, SLANTS))
    offsets = dist[None, :] - slopes[:, None] * pos[None, :]
    bins = np.rint(offsets).astype(np.int32)
    lo = int(bins.min()) - 1
    span = int(bins.max()) - lo + 2
    # A ray's peaks are apart, so each ray votes at most about once per line; votes spill
    # into the neighbouring bins so that a side lying between two bins is not split.
    cells = (np.arange(SLANTS)[:, None] * span + (bins - lo)).ravel()
    votes = np.bincount(cells, minlength=SLANTS * span).reshape(SLANTS, span).astype(np.float32)
    votes[:, 1:-1] += 0.5 * (votes[:, :-2] + votes[:, 2:])
    lines: list[_Line] = []
    for _ in range(CANDIDATES_PER_SIDE):
        k = int(votes.argmax())
        si, bi = divmod(k, span)
        if votes[si, bi] <= 0:
            break
        offset, slope = float(bi + lo), float(slopes[si])
        near = np.abs(offsets[si] - offset) <= 1.5
        hits = len(np.unique(ray[near])) / n_rays
        if hits < MIN_WEAK_HITS:
            break
        # Least squares through the hits: a slant between the voting grid's steps.
        x, y = pos[near], dist[near]
        if len(x) >= 3:
            xm, ym = float(x.sum()) / len(x), float(y.sum()) / len(y)
            spread = float(np.dot(x - xm, x - xm))
            if spread > 1e-6:
                slope = float(np.dot(x - xm, y - ym)) / spread
                offset = ym - slope * xm
        lines.append(_Line(offset, slope, hits, float(value[near].mean())))
        # Suppress every line through about the same place, whatever its slant.
        votes[:, max(0, bi - 2):bi + 3] = 0.0
    return lines


def _side_scores(lines: list[_Line], half_span: float) -> np.ndarray:
    """Each candidate's share of rays, halved when it runs just outside a stronger one
    all along: that is the rim of the card's drop shadow, as long and straight as the
    card's edge but softer."""
    score = np.array([ln.hits for ln in lines], np.float64)
    for j, outer in enumerate(lines):
        for inner in lines:
            gaps = [outer.offset - inner.offset + e * (outer.slope - inner.slope) * half_span
                    for e in (-1.0, 1.0)]
            if (all(0 < g <= SHADOW_GAP for g in gaps) and inner.strength > outer.strength
                    and inner.hits >= 0.5 * outer.hits):
                score[j] *= 0.5
                break
    return score


def _crossings(p1: np.ndarray, d1: np.ndarray, p2: np.ndarray, d2: np.ndarray
               ) -> np.ndarray:
    """Intersections of every line (p1, d1) with every line (p2, d2): (k1, k2, 2), NaN
    where two lines are parallel."""
    k1, k2 = len(p1), len(p2)
    met = _meet(np.repeat(p1, k2, axis=0), np.repeat(d1, k2, axis=0), np.tile(p2, (k1, 1)),
                np.tile(d2, (k1, 1)))
    return met.reshape(k1, k2, 2)


def _quad_checks(quad: np.ndarray, aspect: float, shape: tuple[int, ...]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For quads (n, 4, 2) in text order (top-left, top-right, bottom-right, bottom-left)
    in an image of `shape`: which are plausible cards, their aspect error (log), width and
    height."""
    h, w = shape[:2]
    image_area = float(h * w)
    edges = np.roll(quad, -1, axis=1) - quad
    nxt = np.roll(edges, -1, axis=1)
    turn = edges[..., 0] * nxt[..., 1] - edges[..., 1] * nxt[..., 0]
    with np.errstate(invalid="ignore"):
        convex = np.all(turn > 0, axis=1) | np.all(turn < 0, axis=1)
    x, y = quad[..., 0], quad[..., 1]
    area = 0.5 * np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1))
    length = np.hypot(edges[..., 0], edges[..., 1])
    width = (length[:, 0] + length[:, 2]) / 2
    height = (length[:, 1] + length[:, 3]) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.maximum(width, height) / np.maximum(np.minimum(width, height), 1e-6)
        skew = np.abs(np.log(ratio / aspect))

        def angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            cos = np.abs((a * b).sum(axis=-1)) / np.maximum(
                np.hypot(a[..., 0], a[..., 1]) * np.hypot(b[..., 0], b[..., 1]), 1e-9)
            return np.arccos(np.clip(cos, 0.0, 1.0))

        converge = np.maximum(angle(edges[:, 0], edges[:, 2]), angle(edges[:, 1], edges[:, 3]))
        ok = (convex & (skew <= math.log1p(ASPECT_TOLERANCE)) & (converge <= MAX_CONVERGENCE)
              & (area >= MIN_DOCUMENT_AREA * image_area) & (area <= MAX_DOCUMENT_AREA * image_area))
    ok &= np.isfinite(quad).all(axis=(1, 2))
    # A corner may be cut off a little, but a side beyond the frame was never seen: the
    # final side check cannot refute it there.
    m = OUTSIDE_FRAME * min(h, w)
    with np.errstate(invalid="ignore"):
        ok &= ((quad[..., 0] >= -m) & (quad[..., 0] <= w - 1 + m) & (quad[..., 1] >= -m)
               & (quad[..., 1] <= h - 1 + m)).all(axis=1)
    return ok, skew, width, height


def _margin_excess(margins: np.ndarray, width: np.ndarray, height: np.ndarray,
                   layout: TextMargins | None) -> np.ndarray:
    """How far (share of the card) the text reaches into the document's known margins,
    for the better of the two ways up; `margins` (n, 4) are the text's distances from the
    top, right, bottom and left side in work pixels."""
    if layout is None:
        return np.zeros(len(margins))
    share = margins / np.stack([height, width, height, width], axis=1)
    best = np.full(len(margins), np.inf)
    for want in ((layout.top, layout.right, layout.bottom, layout.left),
                 (layout.bottom, layout.left, layout.top, layout.right)):
        over = np.maximum(0.0, np.asarray(want) - MARGIN_SLACK - share).sum(axis=1)
        best = np.minimum(best, over)
    return best


def card_from_text(frame: np.ndarray, boxes: Sequence[Sequence[Sequence[float]]],
                   aspect: float, layout: TextMargins | None = None) -> np.ndarray | None:
    """The document's 4 corners in `frame` pixels (float32 (4, 2), clockwise from the
    top-left as it lies, like `capture.find_document`), found around the text lines
    `boxes` (4 points each, frame pixels); None when the text is not one document of
    long/short side ratio `aspect` with visible sides.

    `layout`, when the document type is known, says how close its text comes to its sides
    (both ways up are tried); without it any margins are accepted.

    The boxes are what `RapidOcrEngine.detect` returns; detecting on the frame scaled down
    (long side 960) and dividing the boxes by the scale is as good and much faster. A few
    milliseconds on a 1280x720 frame: only rays next to the text are read."""
    if (frame is None or frame.ndim < 2 or min(frame.shape[:2]) < MIN_FRAME_SIDE
            or len(boxes) < MIN_LINES):
        return None
    quads = np.asarray(boxes, dtype=np.float32).reshape(-1, 4, 2)
    if aspect < 1.0:
        aspect = 1.0 / aspect
    direction, length, thick = _long_axes(quads)
    # Short boxes (one or two characters) hardly say which way the text runs.
    weight = np.maximum(length - thick, 0.0)
    angle = _dominant_angle(direction, weight)
    if angle is None:
        return None
    theta = np.arctan2(direction[:, 1], direction[:, 0])
    off = np.abs((theta - angle + math.pi / 2) % math.pi - math.pi / 2)
    keep = (off <= MAX_LINE_ANGLE) | (weight <= 0.5 * thick)
    # A box much thicker than the lines is a picture (the emblem on the ID back) or
    # several lines run together: either way not where the text block ends.
    keep &= thick <= MAX_THICKNESS * float(np.median(thick))
    quads, length, thick = quads[keep], length[keep], thick[keep]
    if len(quads) < MIN_LINES:
        return None

    s = WORK_SCALE
    image = cv2.resize(frame, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    image = cv2.GaussianBlur(image, (0, 0), 1.0)
    u_dir = np.array([math.cos(angle), math.sin(angle)], np.float32)
    v_dir = np.array([-u_dir[1], u_dir[0]], np.float32)
    work = (quads + 0.5) * s - 0.5
    uv = np.stack([work @ u_dir, work @ v_dir], axis=-1)
    block = _main_block(uv, length)
    if len(block) < MIN_LINES:
        return None
    text = work[block]
    line_height = float(np.median(thick[block])) * s
    extent_u = float(np.ptp(uv[block][..., 0]))
    extent_v = float(np.ptp(uv[block][..., 1]))
    if extent_u < 20 or extent_v < 10:
        return None

    sides: list[_Side] = []
    # Top, right, bottom, left of the text as it runs (it may still be upside down).
    for out_dir, along_dir, across, along_extent, share in (
            (-v_dir, u_dir, extent_v, extent_u, REACH_ACROSS),
            (u_dir, v_dir, extent_u, extent_v, REACH_ALONG),
            (v_dir, u_dir, extent_v, extent_u, REACH_ACROSS),
            (-u_dir, v_dir, extent_u, extent_v, REACH_ALONG)):
        c = text @ out_dir  # (m, 4)
        a = text @ along_dir
        edge = float(c.max())
        a_lo, a_hi = float(a.min()), float(a.max())
        inset = 0.03 * (a_hi - a_lo)
        along = np.linspace(a_lo + inset, a_hi - inset, RAYS, dtype=np.float32)
        pad = 0.5 * line_height
        over = ((along[:, None] >= a.min(axis=1)[None, :] - pad)
                & (along[:, None] <= a.max(axis=1)[None, :] + pad))
        text_end = np.where(over, c.max(axis=1)[None, :], -np.inf).max(axis=1)
        text_end[~over.any(axis=1)] = edge
        inner = min(0.3 * across, math.tan(MAX_SIDE_SLANT) * along_extent / 2)
        reach = share * across + 8
        lines = _side_lines(image, along_dir, out_dir, along, text_end.astype(np.float32),
                            edge, inner, reach)
        sides.append(_Side(along_dir, out_dir, edge, float(along.mean()),
                           float(along[-1] - along[0]) / 2, reach, lines))
    if sum(not side.lines for side in sides) > 1:
        return None

    flat_text = text.reshape(-1, 2).astype(np.float64)
    text_area = extent_u * extent_v
    slack = CONTAIN_SLACK * line_height
    # Per side and candidate: the line, its score and the text's distance from it.
    lines_p: list[np.ndarray] = []
    lines_d: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    gaps: list[np.ndarray] = []
    for side in sides:
        geo = [side.line(ln) for ln in side.lines]
        pts = np.array([g[0] for g in geo]).reshape(-1, 2)
        dirs = np.array([g[1] for g in geo]).reshape(-1, 2)
        normal = np.stack([-dirs[:, 1], dirs[:, 0]], axis=1)
        normal /= np.hypot(normal[:, 0], normal[:, 1])[:, None]
        # Orient each normal inwards (against the side's outward direction).
        normal *= -np.sign(normal @ side.out_dir.astype(np.float64))[:, None]
        gap = ((flat_text[None, :, :] - pts[:, None, :]) * normal[:, None, :]).sum(axis=2)
        lines_p.append(pts)
        lines_d.append(dirs)
        scores.append(_side_scores(side.lines, side.half_span))
        gaps.append(gap.min(axis=1) if len(gap) else np.zeros(0))
    strong = [(g >= -slack) & np.array([ln.hits >= MIN_SIDE_HITS for ln in side.lines], bool)
              for g, side in zip(gaps, sides, strict=True)]
    found = _four_sides(lines_p, lines_d, scores, gaps, strong, aspect, image.shape, text_area,
                        layout)
    if found is None:
        found = _three_sides(sides, lines_p, lines_d, scores, gaps, strong, aspect, image.shape,
                             text_area, layout)
    if found is None:
        return None
    # The same check capture makes of its candidates: the image must differ across every
    # side along most of its length, which a quad pieced together from desk grain and
    # the edges of other things seldom does.
    if side_support(found[1].astype(np.float32), image, SUPPORT_STEP, SUPPORT_CONTRAST) < (
            MIN_SUPPORT):
        return None
    quad = (found[1] + 0.5) / s - 0.5
    quad = refine_sides(frame, quad.astype(np.float32), reach=REFINE_REACH)
    quad = refine_sides(frame, quad, reach=3.0)
    return order_corners(quad)


def _four_sides(lines_p: list[np.ndarray], lines_d: list[np.ndarray],
                scores: list[np.ndarray], gaps: list[np.ndarray], usable: list[np.ndarray],
                aspect: float, shape: tuple[int, ...], text_area: float,
                layout: TextMargins | None) -> tuple[float, np.ndarray] | None:
    """The best card (score, quad) whose four sides are all seen, or None."""
    keep = [np.flatnonzero(u) for u in usable]
    if any(len(k) == 0 for k in keep):
        return None
    p = [lp[k] for lp, k in zip(lines_p, keep, strict=True)]
    d = [ld[k] for ld, k in zip(lines_d, keep, strict=True)]
    idx = np.indices([len(k) for k in keep]).reshape(4, -1)
    corners = [_crossings(p[(i - 1) % 4], d[(i - 1) % 4], p[i], d[i])[idx[(i - 1) % 4], idx[i]]
               for i in range(4)]
    quad = np.stack(corners, axis=1)
    ok, skew, width, height = _quad_checks(quad, aspect, shape)
    ok &= width * height * MIN_TEXT_SHARE <= text_area
    if not ok.any():
        return None
    score = sum(sc[k][idx[i]] for i, (sc, k) in enumerate(zip(scores, keep, strict=True)))
    margins = np.stack([g[k][idx[i]] for i, (g, k) in enumerate(zip(gaps, keep, strict=True))],
                       axis=1)
    score = score - ASPECT_PENALTY * skew - MARGIN_PENALTY * _margin_excess(
        margins, width, height, layout)
    score = np.where(ok, score, -np.inf)
    best = int(np.argmax(score))
    if score[best] < MIN_SCORE:
        return None
    return float(score[best]), quad[best]


def _three_sides(sides: list[_Side], lines_p: list[np.ndarray], lines_d: list[np.ndarray],
                 scores: list[np.ndarray], gaps: list[np.ndarray], usable: list[np.ndarray],
                 aspect: float, shape: tuple[int, ...], text_area: float,
                 layout: TextMargins | None) -> tuple[float, np.ndarray] | None:
    """The best card (score, quad) with one side not seen well (a pale card on white paper,
    a side in a lamp's reflection): that side is placed where the card gets its aspect,
    parallel to the opposite one, and moved onto a weak line found there if there is one."""
    best: tuple[float, np.ndarray] | None = None
    for missing in range(4):
        nxt, opp, prev = ((missing + k) % 4 for k in (1, 2, 3))
        keep = {i: np.flatnonzero(usable[i]) for i in (nxt, opp, prev)}
        if any(len(k) == 0 for k in keep.values()):
            continue
        grid = np.indices([len(keep[i]) for i in (nxt, opp, prev)]).reshape(3, -1)
        pick = {i: keep[i][g] for i, g in zip((nxt, opp, prev), grid, strict=True)}
        side = sides[missing]
        offsets = np.arange(0.0, side.reach + 1.0, 1.0)
        n, o = len(grid[0]), len(offsets)
        # The missing side's line for every combination and offset (n * o of them).
        anchor = side.centre * side.along_dir + side.edge * side.out_dir
        vp = np.tile(anchor[None, :] + offsets[:, None] * side.out_dir[None, :], (n, 1))
        vd = np.repeat(lines_d[opp][pick[opp]], o, axis=0)

        def line(i: int, pick: dict[int, np.ndarray] = pick, o: int = o
                 ) -> tuple[np.ndarray, np.ndarray]:
            return (np.repeat(lines_p[i][pick[i]], o, axis=0),
                    np.repeat(lines_d[i][pick[i]], o, axis=0))

        corner = {missing: _meet(*line(prev), vp, vd), nxt: _meet(vp, vd, *line(nxt)),
                  opp: _meet(*line(nxt), *line(opp)), prev: _meet(*line(opp), *line(prev))}
        quad = np.stack([corner[k] for k in range(4)], axis=1)
        ok, skew, width, height = _quad_checks(quad, aspect, shape)
        ok &= width * height * MIN_TEXT_SHARE <= text_area
        if not ok.any():
            continue
        score = sum(np.repeat(scores[i][pick[i]], o) for i in (nxt, opp, prev))
        margins = np.zeros((n * o, 4))
        for i in (nxt, opp, prev):
            margins[:, i] = np.repeat(gaps[i][pick[i]], o)
        margins[:, missing] = np.tile(offsets, n)
        # Nothing but the aspect holds this side: it must fit it closely.
        score = score - 2 * ASPECT_PENALTY * skew - MARGIN_PENALTY * _margin_excess(
            margins, width, height, layout)
        score = np.where(ok, score, -np.inf)
        k = int(np.argmax(score))
        if score[k] < MIN_SCORE_THREE or (best is not None and score[k] <= best[0]):
            continue
        chosen = quad[k].copy()
        # A weak line close to where the aspect puts the side is the side itself.
        guess = float(offsets[k % o])
        for j, ln in enumerate(side.lines):
            if abs(ln.offset - guess) <= SNAP_DISTANCE and gaps[missing][j] >= 0:
                lp, ld = lines_p[missing][j:j + 1], lines_d[missing][j:j + 1]
                pp, pd = (x[k:k + 1] for x in line(prev))
                np_, nd = (x[k:k + 1] for x in line(nxt))
                chosen[missing] = _meet(pp, pd, lp, ld)[0]
                chosen[nxt] = _meet(lp, ld, np_, nd)[0]
                break
        best = (float(score[k]), chosen)
    return best


def _meet(p1: np.ndarray, d1: np.ndarray, p2: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Intersections of lines (p1[i], d1[i]) and (p2[i], d2[i]); NaN for parallel ones."""
    cross = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
    dp = p2 - p1
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (dp[:, 0] * d2[:, 1] - dp[:, 1] * d2[:, 0]) / np.where(
            np.abs(cross) > 1e-9, cross, np.nan)
    return p1 + t[:, None] * d1
