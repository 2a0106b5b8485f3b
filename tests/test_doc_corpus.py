"""The synthetic document corpus: truth formats, check characters, frames and the manifest.

Check characters are verified with python-stdnum (ID number, USCC, Luhn) and an
independent GB 16735 VIN implementation, never with the generator's own functions.
"""

from __future__ import annotations

import json
import random
import re
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from models.training import doc_corpus as dc
from showroom_app.documents.fields import FIELD_KEYS

SEEDS = range(6)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
BANK_BY_BIN = {"622202": "中国工商银行", "621700": "中国建设银行", "622848": "中国农业银行",
               "621661": "中国银行", "622588": "招商银行", "621799": "中国邮政储蓄银行",
               "622262": "交通银行"}
CARD_SIZE = (638, 1012)


def vin_is_valid(vin: str) -> bool:
    values = dict(zip("0123456789", range(10), strict=True))
    for letters, start in (("ABCDEFGH", 1), ("JKLMN", 1), ("P", 7), ("R", 9), ("STUVWXYZ", 2)):
        values.update({c: start + i for i, c in enumerate(letters)})
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    if len(vin) != 17 or any(c not in values for c in vin):
        return False
    remainder = sum(values[c] * w for c, w in zip(vin, weights, strict=True)) % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def check_is_valid(kind: str, truth: dict[str, str]) -> bool:
    if kind in ("id_front", "driving_license"):
        return ric.is_valid(truth[dc.CHECKED_FIELD[kind]])
    if kind == "business_license":
        return uscc.is_valid(truth["uscc"])
    if kind == "vehicle_license":
        return vin_is_valid(truth["vin"])
    if kind == "bank_card":
        return luhn.is_valid(truth["card_number"])
    return True


def rendered(kind: str, seed: int, invalid: bool = False) -> tuple[np.ndarray, dict[str, str]]:
    return dc.render(kind, random.Random(seed), invalid_check=invalid)


def plain_card(h: int = CARD_SIZE[0], w: int = CARD_SIZE[1]) -> np.ndarray:
    """A cheap stand-in document: light grey, its own top-left quarter pure blue."""
    doc = np.full((h, w, 3), 225, np.uint8)
    doc[: h // 3, : w // 4] = (255, 0, 0)
    return doc


def test_field_keys_are_the_apps() -> None:
    assert {k.value: v for k, v in FIELD_KEYS.items()} == dc.FIELD_KEYS
    assert set(dc.KINDS) == set(dc.FIELD_KEYS)


@pytest.mark.parametrize("kind", dc.KINDS)
def test_render_is_deterministic_for_a_seed(kind: str) -> None:
    a_img, a_truth = rendered(kind, 11)
    b_img, b_truth = rendered(kind, 11)
    assert a_truth == b_truth
    assert np.array_equal(a_img, b_img)
    assert rendered(kind, 12)[1] != a_truth


@pytest.mark.parametrize("kind", dc.KINDS)
def test_rendered_document_is_a_bgr_image_of_the_real_proportions(kind: str) -> None:
    img, _ = rendered(kind, 0)
    assert img.dtype == np.uint8
    assert img.ndim == 3
    assert img.shape[2] == 3
    expected = {"business_license": (990, 1400)}.get(
        kind, CARD_SIZE if kind in ("id_front", "id_back", "bank_card") else (709, 1040))
    assert img.shape[:2] == expected
    # printed, not blank: dark ink on a light ground
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    assert (grey < 80).mean() > 0.01
    assert np.median(grey) > 150 or kind == "bank_card"


@pytest.mark.parametrize("kind", dc.KINDS)
@pytest.mark.parametrize("invalid", [False, True])
def test_check_characters_are_valid_unless_asked_otherwise(kind: str, invalid: bool) -> None:
    for seed in SEEDS:
        _, truth = rendered(kind, seed, invalid)
        if kind == "id_back":
            assert truth[dc.CHECK_VALID_KEY] == "yes"
            continue
        assert check_is_valid(kind, truth) is (not invalid), truth
        assert truth[dc.CHECK_VALID_KEY] == ("no" if invalid else "yes")


def test_a_wrong_check_character_changes_only_the_check_character() -> None:
    for seed in SEEDS:
        _, truth = rendered("id_front", seed, invalid=True)
        number = truth["id_number"]
        assert re.fullmatch(r"\d{17}[\dX]", number)
        assert ric.calc_check_digit(number) != number[-1]
        assert ric.get_birth_date(number).isoformat() == truth["birth_date"]
        assert ric.get_birth_place(number)  # the region code is still a real one


@pytest.mark.parametrize("kind", dc.KINDS)
def test_truth_has_exactly_the_field_keys_in_their_formats(kind: str) -> None:
    for seed in SEEDS:
        _, t = rendered(kind, seed)
        assert set(t) == {*dc.FIELD_KEYS[kind], dc.CHECK_VALID_KEY}
        assert all(isinstance(v, str) and v == v.strip() and v for v in t.values())
        if kind == "id_front":
            assert CJK.match(t["name"])
            assert 2 <= len(t["name"]) <= 3
            assert t["sex"] in ("男", "女")
            assert CJK.match(t["ethnicity"])
            assert ISO.match(t["birth_date"])
            assert 10 <= len(t["address"]) <= 30
        elif kind == "id_back":
            assert t["issuing_authority"].endswith(("公安局", "分局"))
            start = date.fromisoformat(t["valid_from"])
            if t["valid_to"] != "长期":
                end = date.fromisoformat(t["valid_to"])
                assert (end.month, end.day) == (start.month, start.day)
                assert end.year - start.year in (5, 10, 20)
        elif kind == "driving_license":
            assert t["vehicle_class"] in ("A1", "A2", "A3", "B1", "B2", "C1", "C2")
            first = date.fromisoformat(t["first_issue_date"])
            start = date.fromisoformat(t["valid_from"])
            assert first <= start
            if t["valid_to"] != "长期":
                end = date.fromisoformat(t["valid_to"])
                assert end.year - start.year in (6, 10)
            birth = ric.get_birth_date(t["license_number"])
            assert (first - birth).days >= 18 * 365
        elif kind == "vehicle_license":
            assert re.fullmatch(r"[\u4e00-\u9fff][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}", t["plate"])
            assert not set("IOQ") & set(t["vin"])
            assert re.fullmatch(r"[A-Z0-9]{6,16}", t["engine_number"])
            assert ISO.match(t["registration_date"])
            assert CJK.match(t["vehicle_type"])
        elif kind == "business_license":
            assert t["name"].endswith(("公司", "合作社"))
            assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟]+万元整", t["registered_capital"])
            assert 10 <= len(t["address"]) <= 30
            assert CJK.match(t["legal_representative"])
        elif kind == "bank_card":
            assert len(t["card_number"]) in (16, 19)
            assert BANK_BY_BIN[t["card_number"][:6]] == t["bank"]


def test_id_front_birth_date_and_sex_agree_with_the_number() -> None:
    for seed in range(12):
        _, t = rendered("id_front", seed)
        number = t["id_number"]
        assert ric.get_birth_date(number).isoformat() == t["birth_date"]
        assert t["sex"] == ("男" if int(number[16]) % 2 else "女")


def test_driving_license_number_is_an_id_number_of_the_holder_sex() -> None:
    for seed in SEEDS:
        _, t = rendered("driving_license", seed)
        assert t["sex"] == ("男" if int(t["license_number"][16]) % 2 else "女")


def test_registered_capital_in_capital_numerals() -> None:
    words = dc._capital_words
    assert words(500) == "伍佰万元整"
    assert words(10) == "壹拾万元整"
    assert words(1050) == "壹仟零伍拾万元整"
    assert words(1200) == "壹仟贰佰万元整"
    assert words(3005) == "叁仟零伍万元整"


def signed_area(corners: np.ndarray) -> float:
    x, y = corners[:, 0], corners[:, 1]
    return float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y) / 2)


@pytest.mark.parametrize("degrade", ["clean", "degraded"])
def test_photograph_gives_a_720p_frame_with_the_corners_inside(degrade: str) -> None:
    for seed in range(8):
        frame, corners = dc.photograph(plain_card(), random.Random(seed), degrade)
        assert frame.shape == (720, 1280, 3)
        assert frame.dtype == np.uint8
        assert corners.shape == (4, 2)
        assert corners.dtype == np.float32
        assert (corners[:, 0] >= 0).all() and (corners[:, 0] <= 1279).all()
        assert (corners[:, 1] >= 0).all() and (corners[:, 1] <= 719).all()
        assert signed_area(corners) > 0  # clockwise on screen (y grows downwards)
        long_edge = max(float(np.linalg.norm(corners[i] - corners[i - 1])) for i in range(4))
        assert 0.28 * 1280 <= long_edge <= 0.75 * 1280


def test_photograph_is_deterministic() -> None:
    doc, _ = rendered("bank_card", 3)
    for degrade in ("clean", "degraded"):
        a, ca = dc.photograph(doc, random.Random(5), degrade)
        b, cb = dc.photograph(doc, random.Random(5), degrade)
        assert np.array_equal(a, b)
        assert np.array_equal(ca, cb)


def edge_angle(corners: np.ndarray) -> float:
    dx, dy = corners[1] - corners[0]
    return float(np.degrees(np.arctan2(dy, dx)))


def test_clean_frames_are_upright_or_turned_by_180_and_cards_fill_a_realistic_share() -> None:
    angles = []
    for seed in range(30):
        _, corners = dc.photograph(plain_card(), random.Random(seed), "clean")
        angle = edge_angle(corners)
        angles.append(angle)
        assert min(abs(angle), 180 - abs(angle)) <= 14
        top_edge = float(np.linalg.norm(corners[1] - corners[0]))
        assert 0.3 * 1280 <= top_edge <= 0.72 * 1280
    assert any(abs(a) > 150 for a in angles)  # some are upside down
    assert any(abs(a) < 30 for a in angles)


def test_degraded_frames_include_cards_turned_sideways() -> None:
    sideways = 0
    for seed in range(30):
        _, corners = dc.photograph(plain_card(), random.Random(seed), "degraded")
        sideways += 60 <= abs(edge_angle(corners)) <= 120
    assert 0 < sideways < 30


@pytest.mark.parametrize("degrade", ["clean", "degraded"])
def test_corner_zero_is_the_documents_own_top_left(degrade: str) -> None:
    for seed in range(10):
        frame, corners = dc.photograph(plain_card(), random.Random(seed), degrade)
        inward = corners[0] + 0.1 * (corners.mean(axis=0) - corners[0])
        b, g, r = frame[round(float(inward[1])), round(float(inward[0]))].astype(int)
        assert b > r + 30 and b > g + 30, (seed, (b, g, r))


def test_make_corpus_writes_frames_and_a_manifest(tmp_path: Path) -> None:
    manifest = dc.make_corpus(tmp_path / "deg", per_kind=1, seed=7, degrade="degraded")
    assert len(manifest) == len(dc.KINDS)
    assert json.loads((tmp_path / "deg" / "manifest.json").read_text("utf-8")) == manifest
    assert {e["kind"] for e in manifest} == set(dc.KINDS)
    for entry in manifest:
        assert set(entry) == {"file", "kind", "truth", "corners"}
        assert entry["file"].endswith(".jpg")
        frame = cv2.imread(str(tmp_path / "deg" / entry["file"]))
        assert frame.shape == (720, 1280, 3)
        assert set(entry["truth"]) == {*dc.FIELD_KEYS[entry["kind"]], dc.CHECK_VALID_KEY}
        assert np.array(entry["corners"]).shape == (4, 2)


def test_make_corpus_is_deterministic_and_the_cli_writes_it(tmp_path: Path) -> None:
    assert dc.main(["--out", str(tmp_path / "a"), "--per-kind", "1", "--seed", "3",
                    "--degrade", "clean"]) == 0
    again = dc.make_corpus(tmp_path / "b", per_kind=1, seed=3, degrade="clean")
    first = json.loads((tmp_path / "a" / "manifest.json").read_text("utf-8"))
    assert first == again
    for entry in first:
        assert entry["file"].endswith(".png")
        assert ((tmp_path / "a" / entry["file"]).read_bytes()
                == (tmp_path / "b" / entry["file"]).read_bytes())


def test_rendering_and_photographing_is_fast() -> None:
    dc.render("id_front", random.Random(0))  # fonts and the noise tile load once
    dc.photograph(plain_card(), random.Random(0))
    start = time.process_time()
    for i, kind in enumerate(dc.KINDS):
        rng = random.Random(i)
        doc, _ = dc.render(kind, rng)
        dc.photograph(doc, rng, "degraded" if i % 2 else "clean")
    per_document = (time.process_time() - start) / len(dc.KINDS)
    # about 40-70 ms of CPU on one core; generous for loaded CI machines and OpenCV threads
    assert per_document < 0.5
