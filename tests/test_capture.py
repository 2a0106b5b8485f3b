"""Capture stage on synthetic webcam frames whose true corners are known.

Frames: an ID-card-like 1012×638 image (pale guilloche, black text bars and text, a photo
box, rounded corners) projected with a pinhole camera after turning it by 0/90/180/270°
± 12° and tilting it up to 20°, over a dark wood-grain desk or a pale grainy desk (card
paper ~230 vs desk ~185 grey), with uneven light and sensor noise.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from showroom_app.documents.capture import (
    ASPECT,
    BRIGHTNESS_MIN,
    CAPTURE_VIEWS,
    GLARE_MAX,
    SHARPNESS_MIN,
    AutoCapture,
    Refusal,
    UnreadableImage,
    assess,
    average_views,
    brightness,
    estimate_aspect,
    find_document,
    flatten_glare,
    glare_fraction,
    load_image,
    order_corners,
    rectify,
    rotate,
    rotations,
    sharpness,
    view_alignment,
)

CW, CH = 1012, 638
FW, FH = 1280, 720
DIAG = math.hypot(FW, FH)
CARD_SRC = np.float32([[0, 0], [CW, 0], [CW, CH], [0, CH]])


# --- synthetic frames ----------------------------------------------------------------------


def make_card() -> np.ndarray:
    yy, xx = np.mgrid[0:CH, 0:CW].astype(np.float32)
    pattern = 6 * np.sin(xx / 9.0 + 4 * np.sin(yy / 40.0)) + 4 * np.sin((xx + yy) / 23.0)
    card = np.array([236, 232, 226], np.float32) + pattern[..., None] * np.float32([1, 0.6, 0.2])
    card = np.clip(card, 0, 255).astype(np.uint8)
    cv2.rectangle(card, (700, 120), (940, 440), (150, 160, 170), -1)
    cv2.circle(card, (820, 240), 60, (110, 120, 135), -1)
    widths = [430, 250, 480, 330, 210, 390, 300, 460]
    for y, w in zip(range(90, 560, 62), widths, strict=False):
        cv2.rectangle(card, (60, y), (150, y + 24), (90, 90, 90), -1)
        cv2.rectangle(card, (180, y), (180 + w, y + 26), (20, 20, 20), -1)
    cv2.putText(card, "ID 110101199003077", (60, 600), cv2.FONT_HERSHEY_SIMPLEX, 1.3,
                (10, 10, 10), 3, cv2.LINE_AA)
    cv2.putText(card, "SHOWROOM", (60, 60), cv2.FONT_HERSHEY_DUPLEX, 1.4, (60, 40, 140), 3,
                cv2.LINE_AA)
    return card


def desk(kind: str, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
    blotches = rng.normal(0, 1, (FH // 8, FW // 8)).astype(np.float32)
    blotches = cv2.resize(cv2.GaussianBlur(blotches, (0, 0), 2), (FW, FH))
    if kind == "dark":
        grain = np.sin(yy / 7.0 + 3 * np.sin(xx / 150.0)) * 10
        return np.float32([55, 75, 105]) + (grain + blotches * 12)[..., None]
    gradient = (xx / FW - 0.5) * 30 + (yy / FH - 0.5) * 20
    fine = cv2.resize(rng.normal(0, 1, (FH // 3, FW // 3)).astype(np.float32), (FW, FH)) * 5
    return np.float32([178, 186, 192]) + (gradient + blotches * 8 + fine)[..., None]


def light_falloff() -> np.ndarray:
    yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
    return 1.0 - 0.12 * (((xx - FW * 0.4) / FW) ** 2 + ((yy - FH * 0.3) / FH) ** 2)


def placement(rng: np.random.Generator, quarter: int, area: tuple[float, float] = (0.14, 0.5),
              tilt: float = 20.0, jitter: float = 12.0) -> np.ndarray:
    """The card's corners (its own TL, TR, BR, BL) in the frame, fully inside it."""
    rz = math.radians(quarter * 90 + rng.uniform(-jitter, jitter))
    rx, ry = np.radians(rng.uniform(-tilt, tilt, 2))
    rot_z = np.array([[math.cos(rz), -math.sin(rz), 0], [math.sin(rz), math.cos(rz), 0],
                      [0, 0, 1]])
    rot_x = np.array([[1, 0, 0], [0, math.cos(rx), -math.sin(rx)],
                      [0, math.sin(rx), math.cos(rx)]])
    rot_y = np.array([[math.cos(ry), 0, math.sin(ry)], [0, 1, 0],
                      [-math.sin(ry), 0, math.cos(ry)]])
    corners = np.array([[-CW / 2, -CH / 2, 0], [CW / 2, -CH / 2, 0], [CW / 2, CH / 2, 0],
                        [-CW / 2, CH / 2, 0]]) @ (rot_x @ rot_y @ rot_z).T
    corners[:, 2] += 1500.0
    uv = corners[:, :2] / corners[:, 2:3] * 1000.0
    uv *= math.sqrt(rng.uniform(*area) * FW * FH / cv2.contourArea(uv.astype(np.float32)))
    margin = 0.04 * np.array([FW, FH])
    room = np.array([FW, FH]) - 2 * margin
    span = uv.max(0) - uv.min(0)
    if np.any(span > room):
        uv *= 0.98 * float(np.min(room / span))
        span = uv.max(0) - uv.min(0)
    offset = margin + rng.uniform(0, 1, 2) * (room - span) - uv.min(0)
    return (uv + offset).astype(np.float32)


def render(card: np.ndarray, corners: np.ndarray | None, kind: str = "dark", seed: int = 0,
           radius: int = 20) -> np.ndarray:
    rng = np.random.default_rng(seed + 1000)
    out = desk(kind, rng)
    if corners is not None:
        matrix = cv2.getPerspectiveTransform(CARD_SRC, np.float32(corners))
        shape = np.zeros((CH, CW), np.uint8)  # the card with rounded corners
        cv2.rectangle(shape, (radius, 0), (CW - radius, CH), 255, -1)
        cv2.rectangle(shape, (0, radius), (CW, CH - radius), 255, -1)
        for cx, cy in [(radius, radius), (CW - radius, radius), (CW - radius, CH - radius),
                       (radius, CH - radius)]:
            cv2.circle(shape, (cx, cy), radius, 255, -1, cv2.LINE_AA)
        warped = cv2.warpPerspective(card, matrix, (FW, FH)).astype(np.float32)
        alpha = cv2.warpPerspective(shape, matrix, (FW, FH)).astype(np.float32)[..., None] / 255
        out = out * (1 - alpha) + warped * alpha
    out = out * light_falloff()[..., None] + rng.normal(0, 2.5, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def add_glare(frame: np.ndarray, corners: np.ndarray, share: float = 0.12) -> np.ndarray:
    """A blown-out white ellipse covering `share` of the card."""
    ax = math.sqrt(share * CW * CH / math.pi / 0.6)
    spot = np.zeros((CH, CW), np.float32)
    cv2.ellipse(spot, (CW // 2, CH // 2), (int(ax), int(0.6 * ax)), 30.0, 0, 360, 1.0, -1)
    matrix = cv2.getPerspectiveTransform(CARD_SRC, np.float32(corners))
    spot = cv2.GaussianBlur(cv2.warpPerspective(spot, matrix, (FW, FH)), (0, 0), 6)
    spot = np.clip(spot * 1.6, 0, 1)[..., None]
    return np.clip(frame * (1 - spot) + 255 * spot, 0, 255).astype(np.uint8)


def corner_error(found: np.ndarray | None, truth: np.ndarray) -> float:
    """Worst corner distance as a share of the frame diagonal (order included)."""
    if found is None:
        return math.inf
    return float(np.linalg.norm(found - order_corners(truth), axis=1).max() / DIAG)


def ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised correlation of two images at a coarse size (tolerates 1–2 px shifts)."""
    size = (253, 160)
    ga = cv2.resize(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA)
    gb = cv2.resize(cv2.cvtColor(b, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA)
    ga = ga.astype(np.float64) - ga.mean()
    gb = gb.astype(np.float64) - gb.mean()
    return float((ga * gb).sum() / math.sqrt((ga * ga).sum() * (gb * gb).sum()))


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    return make_card()


@pytest.fixture(scope="module")
def good(card: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    corners = placement(np.random.default_rng(7), quarter=0, area=(0.3, 0.3), tilt=10)
    return render(card, corners, "dark", 7), corners


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dark", "light"])
def test_find_document_accuracy(card: np.ndarray, kind: str) -> None:
    errors, times = [], []
    for seed in range(40):
        truth = placement(np.random.default_rng(seed), quarter=seed % 4, area=(0.08, 0.5))
        frame = render(card, truth, kind, seed)
        start = time.perf_counter()
        found = find_document(frame)
        times.append(time.perf_counter() - start)
        if found is not None:
            assert found.shape == (4, 2)
            assert found.dtype == np.float32
        errors.append(corner_error(found, truth))
    errors_arr = np.array(errors)
    good_share = float((errors_arr <= 0.02).mean())
    print(f"\n{kind} desk: {good_share:.0%} within 2 % of the diagonal, median error "
          f"{np.median(errors_arr) * DIAG:.1f} px, find_document p50 "
          f"{np.median(times) * 1000:.1f} ms")
    assert good_share >= 0.95


@pytest.mark.parametrize("kind", ["dark", "light"])
def test_empty_desk_is_no_document(kind: str) -> None:
    for seed in range(6):
        assert find_document(render(make_card(), None, kind, seed)) is None


def test_aspect_hint_rejects_other_shapes(card: np.ndarray,
                                          good: tuple[np.ndarray, np.ndarray]) -> None:
    frame, truth = good
    assert corner_error(find_document(frame, ASPECT["card"]), truth) <= 0.02
    assert find_document(frame, aspect_hint=4.0) is None


def test_order_corners_is_clockwise_from_top_left() -> None:
    quad = np.float32([[500, 400], [100, 80], [100, 400], [500, 80]])
    ordered = order_corners(quad)
    assert ordered.tolist() == [[100, 80], [500, 80], [500, 400], [100, 400]]
    # Clockwise on screen (y down) is a positive shoelace sum.
    x, y = ordered[:, 0], ordered[:, 1]
    assert float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) > 0


# --- rectification -------------------------------------------------------------------------


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_rectify_is_landscape_and_upright_or_turned(card: np.ndarray, quarter: int) -> None:
    truth = placement(np.random.default_rng(quarter), quarter=quarter, area=(0.3, 0.35),
                      tilt=15)
    frame = render(card, truth, "light", quarter)
    found = find_document(frame)
    assert found is not None
    flat = rectify(frame, found, ASPECT["card"])
    assert flat.shape == (round(1012 / ASPECT["card"]), 1012, 3)
    assert rectify(frame, found, ASPECT["card"], width=800).shape == (505, 800, 3)
    scores = [ncc(candidate, card) for candidate in rotations(flat)]
    assert max(scores) > 0.9, scores
    if quarter in (0, 2):
        # A card lying upside down comes out upside down: its 180° turn is the original.
        assert int(np.argmax(scores)) == quarter // 2, scores


def test_rotate() -> None:
    image = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert rotate(image, 90).shape == (3, 2, 3)
    assert np.array_equal(rotate(rotate(image, 90), 270), image)
    assert np.array_equal(rotate(image, 180), image[::-1, ::-1])
    assert np.array_equal(rotate(image, 360), image)
    assert np.array_equal(rotations(image)[1], image[::-1, ::-1])
    with pytest.raises(ValueError, match="multiple of 90"):
        rotate(image, 45)


def test_estimate_aspect_snaps_to_known_documents(good: tuple[np.ndarray, np.ndarray]) -> None:
    _, truth = good
    assert estimate_aspect(truth) == ASPECT["card"]
    assert estimate_aspect(np.float32([[0, 0], [300, 0], [300, 100], [0, 100]])) == 3.0


# --- quality -------------------------------------------------------------------------------


def variants(card: np.ndarray, seed: int, kind: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    truth = placement(rng, quarter=seed % 4, area=(0.2, 0.45))
    frame = render(card, truth, kind, seed)
    small = placement(np.random.default_rng(seed), quarter=seed % 4, area=(0.06, 0.09))
    # Pushed off the frame's left edge by a fifth of the card.
    cut = truth - np.float32([truth[:, 0].min() + 0.2 * np.ptp(truth[:, 0]), 0])
    return {
        "good": (frame, truth),
        "blurry": (cv2.GaussianBlur(frame, (0, 0), 3), truth),
        "glare": (add_glare(frame, truth), truth),
        "dark": ((frame * 0.25).astype(np.uint8), truth),
        "small": (render(card, small, kind, seed), small),
        "cut_off": (render(card, cut, kind, seed), cut),
    }


EXPECTED = {"good": set(), "blurry": {Refusal.BLURRY}, "glare": {Refusal.GLARE},
            "dark": {Refusal.TOO_DARK}, "small": {Refusal.TOO_SMALL},
            "cut_off": {Refusal.CUT_OFF}}


@pytest.mark.parametrize(("seed", "kind"), [(1, "dark"), (2, "light"), (3, "dark"), (4, "light")])
def test_assess_says_why(card: np.ndarray, seed: int, kind: str) -> None:
    for name, (frame, truth) in variants(card, seed, kind).items():
        found = find_document(frame)
        assert found is not None, name
        if name != "cut_off":
            assert corner_error(found, truth) <= 0.02, name
        assert set(assess(frame, found)) == EXPECTED[name], name


def test_quality_measures_match_their_thresholds(card: np.ndarray,
                                                 good: tuple[np.ndarray, np.ndarray]) -> None:
    frame, truth = good
    flat = rectify(frame, truth, ASPECT["card"], width=400)
    blurred = rectify(cv2.GaussianBlur(frame, (0, 0), 3), truth, ASPECT["card"], width=400)
    glared = rectify(add_glare(frame, truth, 0.10), truth, ASPECT["card"], width=400)
    assert sharpness(flat) > 2 * SHARPNESS_MIN > 2 * sharpness(blurred)
    assert glare_fraction(flat) == 0.0
    assert glare_fraction(glared) > 2 * GLARE_MAX
    assert brightness(flat) > 2 * BRIGHTNESS_MIN > 2 * brightness((flat * 0.25).astype(np.uint8))
    # A half-exposed but sharp card is dim, not blurry.
    assert sharpness((flat * 0.5).astype(np.uint8)) > SHARPNESS_MIN


# --- auto capture --------------------------------------------------------------------------


def test_autocapture_captures_once_when_still(good: tuple[np.ndarray, np.ndarray],
                                              card: np.ndarray) -> None:
    frame, _ = good
    auto = AutoCapture(stable_frames=4, aspect_hint=ASPECT["card"])
    steps = [auto.feed(frame) for _ in range(10)]
    captured = [i for i, step in enumerate(steps) if step.captured is not None]
    assert captured == [3]
    shot = steps[3].captured
    assert shot is not None
    assert shot.shape == (638, 1012, 3)
    assert max(ncc(c, card) for c in rotations(shot)) > 0.9
    assert all(step.refusals == [] and step.hint is None for step in steps)
    assert all(step.corners is not None for step in steps)


def still_frames(frame: np.ndarray, seed: int, count: int) -> list[np.ndarray]:
    """A camera's still frames: the same picture, each with its own noise."""
    noisy = np.random.default_rng(seed)
    return [cv2.add(frame, noisy.integers(0, 4, frame.shape, dtype=np.uint8))
            for _ in range(count)]


def test_autocapture_hands_on_the_still_frames_it_waited_through(
        good: tuple[np.ndarray, np.ndarray], card: np.ndarray) -> None:
    frame, _ = good
    frames = still_frames(frame, 3, CAPTURE_VIEWS + 2)
    auto = AutoCapture(aspect_hint=ASPECT["card"])
    steps = [auto.feed(f) for f in frames]
    at = CAPTURE_VIEWS - 1  # it waits for as many still frames as it hands on
    step = steps[at]
    assert step.captured is not None and step.corners is not None
    # The frames before the captured one, newest first, cut along the captured one's
    # outline so that they stay aligned.
    assert len(step.views) == CAPTURE_VIEWS - 1
    for view, source in zip(step.views, frames[at - 1::-1], strict=True):
        assert np.array_equal(view, rectify(source, step.corners, ASPECT["card"]))
    assert all(not s.views for i, s in enumerate(steps) if i != at)
    # A picture file repeats one frame: nothing more to read than the card.
    auto = AutoCapture(aspect_hint=ASPECT["card"])
    captured = [s for s in (auto.feed(frame) for _ in range(CAPTURE_VIEWS))
                if s.captured is not None]
    assert len(captured) == 1 and captured[0].views == []


def noisy_shot(card: np.ndarray, noisy: np.random.Generator, dx: float = 0.0,
               dy: float = 0.0, turn: float = 0.0) -> np.ndarray:
    """The card moved by (dx, dy) and turned by `turn` degrees about its centre, with
    the sensor noise of one frame."""
    h, w = card.shape[:2]
    move = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
    move[:, 2] += (dx, dy)
    moved = cv2.warpAffine(card, move, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return np.clip(moved + noisy.normal(0, 12, card.shape), 0, 255).astype(np.uint8)


def test_a_view_is_laid_on_the_first_when_a_small_turn_and_shift_do_it(
        card: np.ndarray) -> None:
    noisy = np.random.default_rng(9)
    first = noisy_shot(card, noisy)
    h, w = card.shape[:2]
    for dx, dy, turn in ((0.0, 0.0, 0.0), (2.6, -1.2, 0.0), (-0.7, 1.9, 0.0), (0.3, 0.4, 0.2)):
        moved = view_alignment(first, noisy_shot(card, noisy, dx, dy, turn))
        assert moved is not None, (dx, dy, turn)
        # Where the view shows the first's points: the turn and shift it was given.
        truth = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
        truth[:, 2] += (dx, dy)
        points = np.float32([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1], [w / 2, h / 2, 1]])
        error = np.linalg.norm(points @ moved.T - points @ truth.T, axis=1).max()
        assert error < 0.5, (dx, dy, turn, moved)
    # Moved or turned further than a card held still does (a corner more than
    # VIEW_MAX_SHIFT_PX away), another size, nothing to place it by: not laid on it.
    assert view_alignment(first, noisy_shot(card, noisy, 4.5, 0)) is None
    assert view_alignment(first, noisy_shot(card, noisy, 9, 0)) is None
    assert view_alignment(first, noisy_shot(card, noisy, turn=0.5)) is None
    # Come 2 % closer to the lens (its corners 12 px out): no turn and shift would show it.
    closer = cv2.warpAffine(card, cv2.getRotationMatrix2D((w / 2, h / 2), 0, 1.02), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)
    assert view_alignment(first, noisy_shot(closer, noisy)) is None
    assert view_alignment(first, noisy_shot(card, noisy)[:-2]) is None
    assert view_alignment(first, np.full_like(first, 128)) is None


def test_averaged_views_fade_the_noise_and_keep_the_print(card: np.ndarray) -> None:
    noisy = np.random.default_rng(5)

    def error(image: np.ndarray) -> float:
        inner = (slice(20, -20), slice(20, -20))  # (the borders a shift replicates)
        return float(np.abs(image[inner].astype(np.float32) - card[inner]).mean())

    views = [noisy_shot(card, noisy, dx, dy, turn)
             for dx, dy, turn in ((0, 0, 0), (1.4, -0.6, 0), (-0.8, 0.9, 0.15), (2.6, -1.2, 0))]
    mean, used = average_views(views)
    assert used == 4
    assert mean.shape == card.shape and mean.dtype == np.uint8
    # Noise of 4 frames falls by about half (the mean left unaligned: by a third only,
    # the print blurred).
    assert error(mean) < 0.55 * error(views[0])
    # A card that moved or turned, a picture of another size: left out.
    mean, used = average_views([views[0], noisy_shot(card, noisy, 4.5, 0), views[1][:-2],
                                noisy_shot(card, noisy, turn=0.5), views[2]])
    assert used == 2
    alone, used = average_views([views[0]])
    assert used == 1 and alone is views[0]
    # Grey and BGRA pictures (a scanner's, a screenshot's) are averaged as BGR.
    grey = [cv2.cvtColor(v, cv2.COLOR_BGR2GRAY) for v in views[:2]]
    mean, used = average_views(grey)
    assert used == 2 and mean.shape == card.shape
    mean, used = average_views([cv2.cvtColor(v, cv2.COLOR_BGR2BGRA) for v in views[:2]])
    assert used == 2 and mean.shape == card.shape


def test_autocapture_hands_on_only_the_still_frames_since_the_last_refusal(
        good: tuple[np.ndarray, np.ndarray], card: np.ndarray) -> None:
    frame, _ = good
    still = still_frames(frame, 4, CAPTURE_VIEWS + 2)
    blurred = cv2.GaussianBlur(frame, (0, 0), 6)
    # (Waiting for fewer still frames than it keeps, so the frames before the refusal
    # would still be kept had the refusal not let them go.)
    auto = AutoCapture(stable_frames=3, aspect_hint=ASPECT["card"])
    steps = [auto.feed(f) for f in [still[0], still[1], blurred, *still[2:5]]]
    assert steps[2].refusals  # the blurred frame is refused, and the run starts again
    at = [i for i, s in enumerate(steps) if s.captured is not None]
    assert at == [5]
    captured = [steps[at[0]]]
    # None of the frames before the refusal is among its views.
    corners = captured[0].corners
    assert corners is not None
    early = [rectify(f, corners, ASPECT["card"]) for f in still[:2]]
    assert not any(np.array_equal(v, e) for v in captured[0].views for e in early)
    assert len(captured[0].views) == 2


def test_manual_capture_hands_on_the_recent_frames_refused_or_not(
        good: tuple[np.ndarray, np.ndarray]) -> None:
    """The manual button is pressed on a refused card (here a soft one): the frames it
    was seen in before are its views all the same, cut along its outline; a frame with
    no document in it lets them go."""
    frame, _ = good
    soft = [cv2.GaussianBlur(f, (0, 0), 6) for f in still_frames(frame, 6, CAPTURE_VIEWS + 2)]
    auto = AutoCapture(aspect_hint=ASPECT["card"])
    steps = [auto.feed(f) for f in soft]
    assert all(s.refusals and s.captured is None for s in steps)
    found = auto.capture_now(soft[-1])
    assert found is not None
    card, views = found
    corners = steps[-1].corners
    assert corners is not None
    assert np.array_equal(card, rectify(soft[-1], corners, ASPECT["card"]))
    # The newest frames before it, newest first, as many as a capture averages.
    assert len(views) == CAPTURE_VIEWS - 1
    for view, source in zip(views, reversed(soft[-CAPTURE_VIEWS:-1]), strict=True):
        assert np.array_equal(view, rectify(source, corners, ASPECT["card"]))
    # A frame refused for what the one pressed on is not (a reflection since tilted
    # away) is left out of the views: its reflection would be in the mean.
    glare = add_glare(soft[0], steps[0].corners)
    auto = AutoCapture(aspect_hint=ASPECT["card"])
    glared = [auto.feed(f) for f in (soft[0], glare, soft[1], soft[2])]
    assert Refusal.GLARE in glared[1].refusals
    found = auto.capture_now(soft[2])
    assert found is not None and len(found[1]) == 2
    at = glared[3].corners
    assert at is not None
    kept = [rectify(f, at, ASPECT["card"]) for f in (soft[1], soft[0])]
    assert all(np.array_equal(v, k) for v, k in zip(found[1], kept, strict=True))
    # Pressed once the card came into focus: the soft frames before would blur the mean.
    auto = AutoCapture(aspect_hint=ASPECT["card"])
    assert [auto.feed(f).refusals for f in (soft[0], soft[1], frame)][-1] == []
    found = auto.capture_now(frame)
    assert found is not None and found[1] == []
    # The card taken away: nothing kept from before it.
    auto.feed(np.full_like(frame, 90))
    auto.feed(soft[0])
    found = auto.capture_now(soft[0])
    assert found is not None and found[1] == []


def test_autocapture_waits_while_moving(card: np.ndarray) -> None:
    base = placement(np.random.default_rng(11), quarter=0, area=(0.25, 0.25), tilt=5)
    base = base - np.float32([base[:, 0].min() - 40, 0])  # start at the left
    auto = AutoCapture(stable_frames=4)
    steps = [auto.feed(render(card, base + np.float32([0.03 * FW * i, 0]), "dark", 5))
             for i in range(10)]
    assert all(step.captured is None for step in steps)
    assert all(step.corners is not None for step in steps)
    assert all(step.hint is Refusal.MOVING for step in steps[1:])


def test_autocapture_rearms_after_the_document_leaves(good: tuple[np.ndarray, np.ndarray],
                                                      card: np.ndarray) -> None:
    frame, _ = good
    empty = render(card, None, "dark", 7)
    auto = AutoCapture(stable_frames=3)
    sequence = [frame] * 6 + [empty] * 3 + [frame] * 6
    steps = [auto.feed(f) for f in sequence]
    assert [i for i, s in enumerate(steps) if s.captured is not None] == [2, 11]
    assert all(s.hint is Refusal.NO_DOCUMENT and s.corners is None for s in steps[6:9])
    # reset() re-arms without the card leaving.
    assert all(auto.feed(frame).captured is None for _ in range(4))
    auto.reset()
    assert [auto.feed(frame).captured is not None for _ in range(3)] == [False, False, True]


def test_autocapture_hints_most_useful_first(card: np.ndarray) -> None:
    frames = variants(card, 3, "dark")
    auto = AutoCapture()
    assert auto.feed(frames["cut_off"][0]).hint is Refusal.CUT_OFF
    auto.reset()
    assert auto.feed(frames["dark"][0]).hint is Refusal.TOO_DARK
    auto.reset()
    step = auto.feed(frames["blurry"][0])
    assert step.hint is Refusal.BLURRY and step.captured is None
    # The manual button rectifies what it sees, refusals or not.
    manual = auto.capture_now(frames["blurry"][0])
    assert manual is not None and manual[0].shape[1] == 1012
    assert manual[1] == []  # the frame itself is no view of its own
    assert auto.capture_now(render(card, None, "light", 1)) is None


# --- files ---------------------------------------------------------------------------------


def test_load_png_and_jpg_with_chinese_name(tmp_path: Path,
                                            good: tuple[np.ndarray, np.ndarray]) -> None:
    frame, _ = good
    png = tmp_path / "scan.png"
    cv2.imencode(".png", frame)[1].tofile(png)
    assert np.array_equal(load_image(png), frame)
    jpg = tmp_path / "客户资料" / "身份证 正面.jpg"
    jpg.parent.mkdir()
    cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tofile(jpg)
    loaded = load_image(jpg)
    assert loaded.shape == frame.shape
    assert float(np.abs(loaded.astype(int) - frame.astype(int)).mean()) < 3


def test_load_pdf_with_embedded_jpeg(tmp_path: Path, card: np.ndarray) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    jpg = tmp_path / "page.jpg"
    cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tofile(jpg)
    pdf = tmp_path / "扫描件.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    page.drawImage(str(jpg), 40, 400, width=CW * 0.5, height=CH * 0.5)
    page.showPage()
    page.save()
    loaded = load_image(pdf)
    assert loaded.shape == card.shape
    assert ncc(loaded, card) > 0.99


def test_pdf_without_image_is_refused_clearly(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "contract.pdf"
    page = canvas.Canvas(str(pdf))
    page.drawString(100, 700, "Text only, no scan")
    page.save()
    with pytest.raises(UnreadableImage, match="no embedded image"):
        load_image(pdf)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("张三 broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg" * 20, "damaged"),
    ("random.png", bytes(range(256)) * 8, "damaged"),
    ("notes.txt", b"hello", "Not an image"),
    ("empty.jpg", b"", "empty"),
    ("cut.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "Not a readable PDF"),
    ("gone.jpg", None, "cannot be read"),
])
def test_unreadable_files_raise(tmp_path: Path, name: str, content: bytes | None,
                                reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableImage, match=reason) as caught:
        load_image(path)
    assert caught.value.path == path
    # The message goes to logs: a file named after the customer must not leak into it.
    assert "张三" not in str(caught.value)


def _printed_card() -> np.ndarray:
    card = np.full((252, 400, 3), (196, 200, 204), np.uint8)  # a card in a dim room
    for row in range(4):
        cv2.putText(card, "ZHANG 1988 0315", (20, 50 + 55 * row), cv2.FONT_HERSHEY_SIMPLEX,
                    1.0, (40, 40, 40), 2, cv2.LINE_AA)
    return card


def test_flatten_glare_takes_a_reflections_veil_off_the_print() -> None:
    card = _printed_card()
    yy, xx = np.mgrid[:252, :400]
    veil = 0.7 * np.exp(-(((xx - 200) / 90.0) ** 2 + ((yy - 120) / 60.0) ** 2))[..., None]
    veiled = np.clip(card * (1 - veil) + 255 * veil, 0, 255).astype(np.uint8)
    flat = flatten_glare(veiled)
    under = veil[..., 0] > 0.6
    contrast = lambda img: float(np.ptp(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[under]))  # noqa: E731
    assert contrast(veiled) < 0.55 * contrast(card)
    assert contrast(flat) > 0.85 * contrast(card)
    error = np.abs(flat.astype(int) - card.astype(int))[under].mean()
    assert error < 0.35 * np.abs(veiled.astype(int) - card.astype(int))[under].mean()


def test_flatten_glare_leaves_an_evenly_lit_card_alone() -> None:
    card = _printed_card()
    assert flatten_glare(card) is card
