"""Reading documents end to end: synthetic frames → the real OCR engine → parsed and
validated fields; the parsers on hand-built OCR lines; document intake (files, PDF,
camera stand-in, scanner folder, confirmation and the accuracy counts).

Frames come from models.training.doc_corpus with fixed seeds, so every read here is
deterministic. No part of our code is mocked.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import date
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import DocumentRow
from models.ocr.base import UNREAD_SCORE, OcrEngine, TextLine
from models.ocr.factory import BackgroundWarmUp, create_engine
from models.training.doc_corpus import photograph, photograph_burst, render
from showroom_app.documents import capture, pipeline
from showroom_app.documents import validators as v
from showroom_app.documents.fields import (
    FIELD_KEYS,
    LOW_CONFIDENCE,
    DocKind,
    FieldValue,
    Problem,
)
from showroom_app.documents.parsers import (
    flip,
    id_front_address_gap,
    id_front_label_box,
    parse,
    upright,
)
from showroom_app.documents.parsers.common import (
    find_date,
    group_rows,
    normalize,
    strip_any_label,
    strip_label,
)
from showroom_app.documents.pipeline import (
    ASPECT_OF,
    ReadResult,
    UnrecognizedDocument,
    read_document,
    read_views,
)
from showroom_app.domain.enums import AuditAction, DocumentType, Role
from showroom_app.domain.errors import ShowroomError
from showroom_app.domain.models import User
from showroom_app.services.intake import (
    PREVIEW_WIDTH,
    CameraSession,
    CameraUnavailable,
    IntakeService,
    PreviewFrame,
    ScannerFolder,
)

# Documents are drawn around 2025-06-30; a fixed "today" keeps validity checks stable.
TODAY = date(2025, 7, 1)

# Fields each kind's clean frames must read exactly. Driving and vehicle licences: the
# check-bearing field and the dates.
RELIABLE: dict[DocKind, tuple[str, ...]] = {
    DocKind.ID_FRONT: FIELD_KEYS[DocKind.ID_FRONT],
    DocKind.ID_BACK: FIELD_KEYS[DocKind.ID_BACK],
    DocKind.BANK_CARD: FIELD_KEYS[DocKind.BANK_CARD],
    DocKind.DRIVING_LICENSE: ("license_number", "first_issue_date", "valid_from", "valid_to"),
    DocKind.VEHICLE_LICENSE: ("vin", "registration_date"),
    DocKind.BUSINESS_LICENSE: FIELD_KEYS[DocKind.BUSINESS_LICENSE],
}
# Seeds whose clean frames read all RELIABLE fields today. ID front seed 2 is left out
# on purpose: its address ends in "号", read as "吾" (flagged low_confidence, see
# test_a_misread_address_is_flagged_not_passed_as_read).
SEEDS: dict[DocKind, tuple[int, ...]] = {kind: (0, 1, 2) for kind in DocKind}
SEEDS[DocKind.ID_FRONT] = (0, 1, 3)
CASES = [(kind, seed) for kind in DocKind for seed in SEEDS[kind]]


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return create_engine("rapidocr")


@cache
def sample(kind: DocKind, seed: int, invalid_check: bool = False
           ) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """(flat document, clean 1280x720 frame, truth) for a seed: the same every time."""
    rng = random.Random(seed)
    doc, truth = render(kind.value, rng, invalid_check=invalid_check)
    frame, _corners = photograph(doc, rng, "clean")
    return doc, frame, truth


def values(result: ReadResult) -> dict[str, str | None]:
    return {key: f.value for key, f in result.document.fields.items()}


def line(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99
         ) -> TextLine:
    return TextLine(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def corners_of(lines: list[TextLine]) -> list[float]:
    return [c for ln in lines for point in ln.box for c in point]


# --- whole documents through the real engine -----------------------------------------------


@pytest.mark.parametrize(("kind", "seed"), CASES, ids=[f"{k.value}-{s}" for k, s in CASES])
def test_clean_frames_read_the_truth(engine: OcrEngine, kind: DocKind, seed: int) -> None:
    _doc, frame, truth = sample(kind, seed)
    result = read_document(engine, frame, kind, today=TODAY)
    assert result.document.doc_type is kind
    assert list(result.document.fields) == list(FIELD_KEYS[kind])
    got = values(result)
    assert {k: got[k] for k in RELIABLE[kind]} == {k: truth[k] for k in RELIABLE[kind]}


@pytest.mark.parametrize("seed", [111, 126])
def test_the_still_frames_of_a_card_read_together_what_one_of_them_misreads(
        engine: OcrEngine, seed: int) -> None:
    rng = random.Random(seed)
    doc, truth = render("id_front", rng)
    frames, _corners = photograph_burst(doc, rng, "degraded", 5)
    wanted = {k: want for k, want in truth.items() if not k.startswith("_")}
    # (Its first frame alone misreads the address and, for 111, the name: what the
    # mean gains over single frames is bench/ocr.py --burst's to measure.)
    together = read_views(engine, frames, DocKind.ID_FRONT, today=TODAY)
    assert together.views == 5
    assert {k: values(together)[k] for k in wanted} == wanted


def test_one_view_reads_as_the_picture_alone(engine: OcrEngine) -> None:
    _doc, frame, _truth = sample(DocKind.ID_FRONT, 0)
    alone = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY)
    viewed = read_views(engine, [frame], DocKind.ID_FRONT, today=TODAY)
    assert viewed.views == 1
    assert viewed.document.to_dict() == alone.document.to_dict()


def test_a_misread_address_is_flagged_not_passed_as_read(engine: OcrEngine) -> None:
    """ID front seed 2: the recogniser reads the last character of the address badly.
    Whatever it reads, a wrong address must carry a problem for the consultant."""
    _doc, frame, truth = sample(DocKind.ID_FRONT, 2)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    for key in ("name", "sex", "ethnicity", "birth_date", "id_number"):
        assert fields[key].value == truth[key], key
    address = fields["address"]
    assert address.value == truth["address"] or address.problems, address


@pytest.mark.parametrize("kind", list(DocKind), ids=[k.value for k in DocKind])
def test_auto_kind_finds_the_document(engine: OcrEngine, kind: DocKind) -> None:
    _doc, frame, truth = sample(kind, SEEDS[kind][-1])
    result = read_document(engine, frame, today=TODAY)
    assert result.document.doc_type is kind
    key = RELIABLE[kind][0]
    assert result.document.fields[key].value == truth[key]


@pytest.mark.parametrize("kind", list(DocKind), ids=[k.value for k in DocKind])
def test_upside_down_document_reads_the_same(engine: OcrEngine, kind: DocKind) -> None:
    doc, _frame, truth = sample(kind, 0)
    upright_read = read_document(engine, doc, kind, today=TODAY, find=False)
    turned = np.ascontiguousarray(np.rot90(doc, 2))
    turned_read = read_document(engine, turned, kind, today=TODAY, find=False)
    assert values(turned_read) == values(upright_read)
    # The picture kept (shown and stored) is turned the way it reads, as the upright one.
    assert turned_read.card.shape == upright_read.card.shape
    assert np.array_equal(turned_read.card, upright_read.card)
    got = values(turned_read)
    assert {k: got[k] for k in RELIABLE[kind]} == {k: truth[k] for k in RELIABLE[kind]}


@pytest.mark.parametrize(("kind", "key", "problem"), [
    (DocKind.ID_FRONT, "id_number", Problem.CHECK_CHARACTER),
    (DocKind.BANK_CARD, "card_number", Problem.LUHN),
    (DocKind.VEHICLE_LICENSE, "vin", Problem.CHECK_CHARACTER),
    (DocKind.BUSINESS_LICENSE, "uscc", Problem.CHECK_CHARACTER),
], ids=["id_front", "bank_card", "vehicle_license", "business_license"])
def test_a_wrong_check_character_is_reported_never_fixed(
        engine: OcrEngine, kind: DocKind, key: str, problem: Problem) -> None:
    _doc, frame, truth = sample(kind, 0, invalid_check=True)
    assert truth["_check_valid"] == "no"
    field = read_document(engine, frame, kind, today=TODAY).document.fields[key]
    assert field.value == truth[key]  # the printed (wrong) value, unchanged
    assert problem.value in field.problems


BLANK = np.full((720, 1280, 3), 200, np.uint8)


def test_blank_picture_is_no_document(engine: OcrEngine) -> None:
    with pytest.raises(UnrecognizedDocument, match="no known document"):
        read_document(engine, BLANK, today=TODAY)


def test_blank_picture_as_id_front_has_every_field_missing(engine: OcrEngine) -> None:
    result = read_document(engine, BLANK, DocKind.ID_FRONT, today=TODAY)
    assert list(result.document.fields) == list(FIELD_KEYS[DocKind.ID_FRONT])
    for key, field in result.document.fields.items():
        assert field.value is None, key
        assert Problem.MISSING.value in field.problems, key


def test_read_result_has_timings(engine: OcrEngine) -> None:
    _doc, frame, _truth = sample(DocKind.BANK_CARD, 0)
    result = read_document(engine, frame, DocKind.BANK_CARD, today=TODAY)
    assert result.elapsed_ms > 0
    assert {"capture_ms", "ocr_ms", "parse_ms"} <= set(result.timings)
    assert all(t >= 0 for t in result.timings.values())
    assert result.timings["ocr_ms"] > 0
    assert sum(result.timings[k] for k in ("capture_ms", "ocr_ms", "parse_ms")) \
        <= result.elapsed_ms + 1e-6
    # The card is the rectified document, landscape and smaller than the frame.
    h, w = result.card.shape[:2]
    assert w > h and w <= frame.shape[1]


# --- parsers on hand-built lines ----------------------------------------------------------

NUMBER = "110105198803151232"  # 1988-03-15, male (17th digit odd), valid check character
CARD_W, CARD_H = 800, 504


def id_front_lines(name: str = "张伟", sex: str = "男", birth: str = "1988年3月15日",
                   number: str = NUMBER) -> list[TextLine]:
    """An upright ID front as the recogniser returns it: labels in their own boxes."""
    return [
        line("姓名", 60, 40, 110, 65), line(name, 130, 38, 200, 68),
        line("性别", 60, 100, 110, 125), line(sex, 130, 98, 160, 128),
        line("民族", 220, 100, 270, 125), line("汉", 290, 98, 320, 128),
        line("出生", 60, 160, 110, 185), line(birth, 130, 158, 330, 188),
        line("住址", 60, 220, 110, 245), line("北京市朝阳区建国路88号", 130, 218, 450, 248),
        line("公民身份号码", 60, 420, 200, 445), line(number, 250, 415, 600, 450),
    ]


def test_hand_built_id_front_parses() -> None:
    assert v.id_number_problems(NUMBER, TODAY) == []
    doc = parse(DocKind.ID_FRONT, id_front_lines(), CARD_W, CARD_H, TODAY)
    assert {k: f.value for k, f in doc.fields.items()} == {
        "name": "张伟", "sex": "男", "ethnicity": "汉", "birth_date": "1988-03-15",
        "address": "北京市朝阳区建国路88号", "id_number": NUMBER}
    assert all(not f.problems for f in doc.fields.values())


def test_printed_birth_date_and_sex_that_disagree_with_the_number() -> None:
    lines = id_front_lines(sex="女", birth="1990年1月2日")
    doc = parse(DocKind.ID_FRONT, lines, CARD_W, CARD_H, TODAY)
    birth, sex, number = (doc.fields[k] for k in ("birth_date", "sex", "id_number"))
    assert birth.value == "1990-01-02"  # what is printed, not what the number says
    assert Problem.BIRTH_DATE_MISMATCH.value in birth.problems
    assert sex.value == "女"
    assert Problem.SEX_MISMATCH.value in sex.problems
    assert number.value == NUMBER and number.problems == []


def test_flip_twice_is_identity() -> None:
    lines = id_front_lines()
    again = flip(flip(lines, CARD_W, CARD_H), CARD_W, CARD_H)
    assert [ln.text for ln in again] == [ln.text for ln in lines]
    assert [ln.score for ln in again] == [ln.score for ln in lines]
    assert corners_of(again) == pytest.approx(corners_of(lines))
    once = flip(lines, CARD_W, CARD_H)
    # Clockwise from the top-left still: the flipped box of the number is near the top.
    number_box = once[-1]
    assert number_box.box[0][0] <= number_box.box[1][0]
    assert number_box.box[0][1] <= number_box.box[3][1]
    assert number_box.bottom < CARD_H / 2


def test_upright_turns_an_id_front_read_upside_down() -> None:
    lines = id_front_lines()
    same, flipped = upright(DocKind.ID_FRONT, lines, CARD_W, CARD_H)
    assert not flipped and same == lines
    turned = flip(lines, CARD_W, CARD_H)  # the number line now sits at the top
    back, flipped = upright(DocKind.ID_FRONT, turned, CARD_W, CARD_H)
    assert flipped
    assert corners_of(back) == pytest.approx(corners_of(lines))
    doc = parse(DocKind.ID_FRONT, turned, CARD_W, CARD_H, TODAY)  # parse turns it too
    assert doc.fields["name"].value == "张伟"
    assert doc.fields["id_number"].value == NUMBER
    assert doc.fields["address"].value == "北京市朝阳区建国路88号"


def test_an_id_front_upside_down_with_no_number_is_turned_by_its_unread_labels() -> None:
    # No number read (a reflection over its row), 民族 read into its value: the labels
    # left unread tell the way up by their place (the engine left the label column of
    # the card as it turned it unread).
    labels = {"姓名", "性别", "出生", "住址"}
    lines = [TextLine("", UNREAD_SCORE, ln.box) if ln.text in labels else ln
             for ln in id_front_lines()[:-2] if ln.text != "民族"]
    turned = flip(lines, CARD_W, CARD_H)
    back, flipped = upright(DocKind.ID_FRONT, turned, CARD_W, CARD_H)
    assert flipped
    assert corners_of(back) == pytest.approx(corners_of(lines))
    assert upright(DocKind.ID_FRONT, lines, CARD_W, CARD_H) == (lines, False)


def test_the_gap_below_the_address_is_found_when_the_date_is_misread() -> None:
    lines = id_front_lines()
    gap = id_front_address_gap(lines, CARD_W, CARD_H)
    assert gap is not None
    x0, y0, x1, _y1 = gap
    assert y0 >= 248 and x0 <= 130 and x1 <= 0.62 * CARD_W
    # Its 日 read as a letter that the date reading takes for a digit ("11g"): the
    # year in the card's upper half still marks the birth row.
    lines = id_front_lines(birth="19924月11g")
    assert id_front_address_gap(lines, CARD_W, CARD_H) == gap
    # A first address line read short of its start (a reflection on 北京): the next
    # line still starts at the value column.
    lines = [ln if not ln.text.startswith("北京") else line("市朝阳区建国路88", 180, 218, 450, 248)
             for ln in id_front_lines()]
    moved = id_front_address_gap(lines, CARD_W, CARD_H)
    assert moved is not None and moved[0] <= 0.165 * CARD_W
    # An address line holding a year-like number is never taken for the birth row.
    lines = [ln if not ln.text.startswith("北京") else line("北京市朝阳区建国路2008", 130, 218,
                                                            450, 248)
             for ln in id_front_lines(birth="19924月11g")]
    assert id_front_address_gap(lines, CARD_W, CARD_H) == gap


def test_the_gap_below_the_address_holds_a_whole_line() -> None:
    # A soft picture shrinks the last line's box to its ink (30 px where the card's
    # lines are 54 / 638 of its height, ~43 px, apart): the gap is where the next
    # line is, all of it, not a box's height below.
    lines = [ln if not ln.text.startswith("北京") else line("北京市朝阳区建国路2", 130, 248,
                                                            450, 278)
             for ln in id_front_lines()]
    _x0, y0, _x1, y1 = id_front_address_gap(lines, CARD_W, CARD_H)
    next_top, next_bottom = 248 + 54 / 638 * CARD_H, 278 + 54 / 638 * CARD_H
    assert y0 < next_top and y1 > next_bottom
    assert y1 < next_bottom + 0.2 * 30  # nor into the line after it
    # A last line too close above the number leaves no room for another.
    lines = [ln if not ln.text.startswith("北京") else line("北京市朝阳区建国路2", 130, 340,
                                                            450, 370)
             for ln in id_front_lines()]
    assert id_front_address_gap(lines, CARD_W, CARD_H) is None


def degraded_id_front(seed: int, index: int) -> tuple[np.ndarray, dict]:
    """Frame `index` of bench/ocr.py's degraded ID-front run with `seed`, and its truth."""
    rng = random.Random(f"{seed}:degraded")
    for _ in range(index + 1):
        doc, truth = render("id_front", rng, invalid_check=rng.random() < 0.2)
        frame, _corners = photograph(doc, rng, "degraded")
    return frame, truth


def test_the_character_height_counts_the_labels_left_unread() -> None:
    # The probes measure the print by its two-character lines, the labels first: when
    # their boxes were left out of that measure, the address tail probe of bench seed
    # 7's frame 186 read the card's pattern as a stray "一".
    def line(text: str, x: float, y: float, w: float, h: float) -> TextLine:
        return TextLine(text, 1.0, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))

    labels = [line(text, 55, 64 + 64 * k, 65, 36)
              for k, text in enumerate(("姓名", "性别", "出生", "住址"))]
    values = [line("董建", 148, 60, 84, 42), line("1994年4月9日", 152, 188, 227, 42),
              line("四川省成都市武侯区人民", 151, 252, 356, 42)]
    unread = [TextLine("", UNREAD_SCORE, ln.box) for ln in labels]
    assert pipeline._char_height(unread + values) == pipeline._char_height(labels + values)
    assert pipeline._char_height(unread + values) < pipeline._char_height(values)


class _ReadsEveryLine:
    """The real engine, made to read the lines it is told it may leave unread too."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.told: list[object] = []
        self.packed: list[bool] = []

    def read(self, image: np.ndarray, skip=None, pack=False) -> list[TextLine]:
        self.told.append(skip)
        self.packed.append(pack)
        return self._engine.read(image, pack=pack)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


def test_an_id_fronts_labels_left_unread_change_no_value(engine: OcrEngine) -> None:
    # The labels are known by their place on the squared card: the parser drops them
    # unread.
    every = _ReadsEveryLine(engine)
    for index in range(4):
        frame, _truth = degraded_id_front(7, index)
        fewer = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document
        read = read_document(every, frame, DocKind.ID_FRONT, today=TODAY).document
        assert {k: f.value for k, f in fewer.fields.items()} == {
            k: f.value for k, f in read.fields.items()}, index
    assert set(every.told) == {id_front_label_box}
    # An ID front's short lines share recogniser rows (measured on ID fronts only).
    assert set(every.packed) == {True}
    # A document told by its text is read whole: its labels say what it is.
    every.told.clear()
    every.packed.clear()
    _doc, frame, _truth = sample(DocKind.ID_FRONT, 0)
    read_document(every, frame, None, today=TODAY)
    assert every.told and set(every.told) == {None}
    assert set(every.packed) == {False}


def test_the_probe_below_the_address_reads_print_not_the_pattern(engine: OcrEngine) -> None:
    # The pattern under a complete address, read as "0000000" by the probe once.
    frame, truth = degraded_id_front(7, 67)
    address = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"].value
    assert address == truth["address"] == "陕西省西安市雁塔区胜利大道179号"
    # A wrapped 村, faint, alone on the address's second line, is read.
    frame, truth = degraded_id_front(11, 51)
    address = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"]
    assert address.value == truth["address"] == "江苏省昆山市王庄镇东王村"
    assert address.confidence < LOW_CONFIDENCE  # found by contrast alone: to be checked
    # A last 号 under the reflection: taking the veil off turned the noise around it into
    # dark specks; the picture as taken shows it.
    frame, truth = degraded_id_front(23, 185)
    address = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"].value
    assert address == truth["address"] == "新疆维吾尔自治区乌鲁木齐市天山区建设南路694号"
    # Ink right of the address column's edge below a complete address (the pattern
    # beside "385号", read as 乡 on the mean of a still card's frames) is no line of it.
    rng = random.Random("7:degraded")
    for _ in range(138):
        doc, truth = render("id_front", rng, invalid_check=rng.random() < 0.2)
        photograph(doc, rng, "degraded")
    doc, truth = render("id_front", rng, invalid_check=rng.random() < 0.2)
    frames, _corners = photograph_burst(doc, rng, "degraded", 5)
    address = read_views(engine, frames, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"].value
    assert address == truth["address"] == "湖北省武汉市武昌区长安街道长江南路385号"


def _card_with_a_wrapped_address(first: str, second: str
                                 ) -> tuple[np.ndarray, list[TextLine]]:
    """An upright 800×504 ID front drawn in the corpus's font, its lines boxed exactly
    around their print."""
    from PIL import Image, ImageDraw, ImageFont

    from models.training.doc_corpus import _font_path

    img = Image.new("RGB", (CARD_W, CARD_H), (236, 240, 236))
    draw = ImageDraw.Draw(img)
    label = ImageFont.truetype(_font_path("cjk"), 22)
    value = ImageFont.truetype(_font_path("cjk"), 28)
    lines = []
    for x, y, text, font, colour in [
        (50, 40, "姓名", label, (40, 90, 150)), (140, 38, "张伟", value, (20, 20, 20)),
        (50, 160, "出生", label, (40, 90, 150)), (140, 158, "1988年3月15日", value, (20, 20, 20)),
        (50, 220, "住址", label, (40, 90, 150)), (140, 218, first, value, (20, 20, 20)),
        (140, 262, second, value, (20, 20, 20)),
        (50, 420, "公民身份号码", label, (40, 90, 150)), (250, 415, NUMBER, value, (20, 20, 20)),
    ]:
        draw.text((x, y), text, font=font, fill=colour)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        lines.append(TextLine(text, 0.99, ((x0 - 2, y0 - 3), (x1 + 2, y0 - 3),
                                           (x1 + 2, y1 + 3), (x0 - 2, y1 + 3))))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1]), lines


def _box_starting_after(line: TextLine, chars: int) -> TextLine:
    """`line` as a detector that missed its first `chars` characters boxes it."""
    (x0, y0), (x1, _), (_, y1), _ = line.box
    x = x0 + 2 + 28 * chars
    return TextLine(line.text[chars:], line.score, ((x, y0), (x1, y0), (x1, y1), (x, y1)))


class _CountsRecognitions:
    """The real engine, counting the crops it is asked to recognise alone."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.crops = 0

    def recognize_ctc(self, crops):
        self.crops += len(crops)
        return self._engine.recognize_ctc(crops)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


def test_an_address_line_boxed_short_of_the_column_edge_is_read_from_it(
        engine: OcrEngine) -> None:
    image, lines = _card_with_a_wrapped_address("河北省石家庄市长安区幸", "福里小区16号楼903室")
    second = lines[6]
    late = _box_starting_after(second, 1)
    assert late.text == "里小区16号楼903室"
    read = pipeline._address_line_starts(engine, image, [*lines[:6], late, *lines[7:]])
    assert read[6].text == "福里小区16号楼903室"
    assert read[6].left < late.left
    assert read[6].score < LOW_CONFIDENCE  # the detector did not see it: to be checked
    assert read[:6] + read[7:] == lines[:6] + lines[7:]
    # A box that starts at the edge is not read again.
    counting = _CountsRecognitions(engine)
    assert pipeline._address_line_starts(counting, image, lines) == lines
    assert counting.crops == 0
    # Nor the right part of a row the detector cut in two: its start is in the other box.
    (x0, y0), (x1, _), (_, y1), _ = second.box
    cut = x0 + 2 + 28 * 4
    split = [TextLine("福里小区", 0.99, ((x0, y0), (cut, y0), (cut, y1), (x0, y1))),
             TextLine("16号楼903室", 0.99, ((cut, y0), (x1, y0), (x1, y1), (cut, y1)))]
    assert pipeline._address_line_starts(counting, image, [*lines[:6], *split, *lines[7:]]
                                         ) == [*lines[:6], *split, *lines[7:]]
    assert counting.crops == 0
    # Nor the first line: its label stands left of it, and its start is the region's.
    first = _box_starting_after(lines[5], 1)
    assert pipeline._address_line_starts(engine, image, [*lines[:5], first, *lines[6:]]) == [
        *lines[:5], first, *lines[6:]]
    # On a bench frame: "幸" | "里小区…" where the reflection took 福's box off.
    frame, truth = degraded_id_front(11, 189)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert truth["address"] == "河北省石家庄市长安区幸福里小区16号楼903室"
    assert fields["address"].value == truth["address"]


def test_an_id_front_told_by_place_gets_no_second_look(engine: OcrEngine, monkeypatch
                                                     ) -> None:
    looked: list[int] = []
    second_look = pipeline._second_look

    def spy(engine_: OcrEngine, image: np.ndarray, lines: list[TextLine]) -> list[TextLine]:
        looked.append(len(lines))
        return second_look(engine_, image, lines)

    monkeypatch.setattr(pipeline, "_second_look", spy)
    _doc, frame, truth = sample(DocKind.ID_FRONT, 0)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert {k: f.value for k, f in fields.items()} == {
        k: v for k, v in truth.items() if not k.startswith("_")}
    assert looked == []
    # Read without being told its kind, its labels are read too: they may run into
    # their values, which the second look cuts apart.
    read_document(engine, frame, None, today=TODAY)
    assert len(looked) == 1
    _doc, frame, _truth = sample(DocKind.ID_BACK, 0)
    read_document(engine, frame, DocKind.ID_BACK, today=TODAY)
    assert len(looked) == 2


def test_degraded_frames_whose_name_or_address_layout_was_misread(engine: OcrEngine) -> None:
    # The detector found only the label 姓名: the name is read in its band, the pattern
    # beside it ("卢华NM") left out.
    frame, truth = degraded_id_front(31, 17)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert fields["name"].value == truth["name"] == "卢华"
    # The address's second line, "67号", blurred: its detector box is lost, and a gap
    # one box high below the first cut its lower part off ("订号"). Cut a line pitch
    # high, the line reads whole; its blurred "67" reads as "67" or "6研7" with a pixel
    # more or less of margin around the glyphs (the margin follows the character
    # height, which the labels' boxes set), so a reading that is not sure is highlighted.
    frame, truth = degraded_id_front(23, 189)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    address = fields["address"]
    assert truth["address"] == "山东省曲阜市泰山北路267号"
    assert address.value is not None
    assert address.value.startswith("山东省曲阜市泰山北路26") and address.value.endswith("7号")
    assert address.value == truth["address"] or address.needs_review
    # 街 at the start of the address's second line, read as a digit: "工业527号".
    frame, truth = degraded_id_front(31, 158)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert fields["address"].value == truth["address"] == "山东省青岛市崂山区工业街27号"
    assert fields["address"].confidence < LOW_CONFIDENCE  # the grammar decided: to check
    # "人" | "民大道354号": the second line's 民 is no 民族 label.
    frame, truth = degraded_id_front(11, 153)
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert fields["address"].value == truth["address"] == "天津市和平区开元街道人民大道354号"


# Names the corpus does not draw: characters of the forms' labels (生 of 出生, 名 of
# 姓名, 别 of 性别), Tibetan and Dai names with no surname, a transliterated Uyghur one.
UNUSUAL_NAMES = (("王生辉", "汉"), ("张名扬", "汉"), ("扎西顿珠", "藏"), ("买买提·艾力", "维吾尔"),
                 ("李别", "汉"), ("玉香", "傣"))


@pytest.mark.parametrize("kind", [DocKind.ID_FRONT, DocKind.DRIVING_LICENSE])
def test_unusual_names_are_read_as_printed(engine: OcrEngine, kind: DocKind,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The corpus's own renderer draws the documents; only its choice of person is set.
    import dataclasses

    from models.training import doc_corpus

    people = iter(UNUSUAL_NAMES)
    person = doc_corpus._person

    def chosen(rng: random.Random, invalid_check: bool = False):
        name, ethnicity = next(people)
        return dataclasses.replace(person(rng, invalid_check), name=name, ethnicity=ethnicity)

    monkeypatch.setattr(doc_corpus, "_person", chosen)
    rng = random.Random("unusual names")
    for name, _ethnicity in UNUSUAL_NAMES:
        doc, truth = doc_corpus.render(kind.value, rng)
        frame, _corners = photograph(doc, rng, "clean")
        fields = read_document(engine, frame, kind, today=TODAY).document.fields
        assert truth["name"] == name
        assert fields["name"].value == name


def test_a_card_whose_outline_was_found_elsewhere_is_placed_by_its_print(
        engine: OcrEngine) -> None:
    # The outline search takes a dark stretch of desk at the frame's left edge for the
    # card (nothing is printed there); the card is found where its print is.
    frame, truth = degraded_id_front(53, 106)
    found = capture.find_document(frame, ASPECT_OF[DocKind.ID_FRONT])
    assert found is not None and found[:, 0].max() < 300  # the outline: far from the card
    fields = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields
    assert fields["id_number"].value == truth["id_number"]
    assert fields["name"].value == truth["name"]


def test_business_licence_address_keeps_its_second_line() -> None:
    lines = [line("住", 534, 464, 558, 488, 0.997),
             line("所广东省东莞市柳河镇后张村688", 612, 463, 931, 491, 1.0),
             line("号", 652, 492, 676, 517, 1.0)]
    doc = parse(DocKind.BUSINESS_LICENSE, lines, 1012, 716, TODAY, is_upright=True)
    address = doc.fields["address"]
    assert address.value == "广东省东莞市柳河镇后张村688号" or address.problems


def licence(*boxes: tuple) -> dict[str, str | None]:
    """The business licence's fields parsed from lines read off a 1012×716 licence."""
    doc = parse(DocKind.BUSINESS_LICENSE, [line(*box) for box in boxes], 1012, 716, TODAY,
                is_upright=True)
    return {key: field.value for key, field in doc.fields.items()}


# The right-hand form's labels of the licences below, read as printed.
RIGHT_FORM = (("成立日期 2024年06月08日", 527, 361, 815, 394),
              ("营业期限 2024年06月08日至2044年06月", 528, 411, 960, 439))


def test_business_licence_forms_side_by_side_keep_their_own_values() -> None:
    # Clean frame 50 of bench/ocr.py --kinds business_license --seed 5: the name wraps
    # onto a second line, and the legal representative's row sits so close to the
    # address's first line that the address had been read into the representative.
    got = licence(("名", 74, 320, 99, 347),
                  ("称 哈尔滨市宏图汽车销售服务有限公", 154, 319, 499, 347),
                  ("注册资本伍佰万元整", 524, 319, 759, 347), ("司", 188, 348, 217, 379),
                  ("成立日期 2009年03月08日", 522, 361, 811, 394), ("类", 74, 394, 98, 422),
                  ("型其他有限责任公司", 154, 392, 359, 424),
                  ("营业期限2009年03月08日至长期", 525, 408, 888, 436),
                  ("法定代表人 李龙斌", 70, 435, 258, 467), ("住", 527, 456, 553, 481),
                  ("所", 608, 456, 650, 481), ("黑龙江省哈尔滨市道里区新华", 638, 453, 932, 481),
                  ("经营范围汽车租赁；农业机械服务；二手车", 73, 481, 499, 509),
                  ("街道文化大道493号", 646, 485, 839, 513),
                  ("经纪。（依法须经批准的项目，经", 191, 513, 498, 537),
                  ("登记机关", 645, 573, 733, 601))
    assert got["name"] == "哈尔滨市宏图汽车销售服务有限公司"
    assert got["legal_representative"] == "李龙斌"
    assert got["address"] == "黑龙江省哈尔滨市道里区新华街道文化大道493号"
    assert got["registered_capital"] == "伍佰万元整"


def test_business_licence_name_does_not_run_into_the_type_row() -> None:
    # A name that does not fill its line ends there, even when the type's label is lost
    # and its value stands right under the name.
    got = licence(("名", 58, 319, 81, 347), ("称武汉市远航物流有限公司", 140, 317, 432, 345),
                  ("型有限责任公司(自然人独资)", 142, 347, 446, 375),
                  ("经营范围信息咨询服务；农业机械租赁；", 55, 461, 488, 489), *RIGHT_FORM)
    assert got["name"] == "武汉市远航物流有限公司"


@pytest.mark.parametrize("address_row", [
    # Frame 2: 住 read at the end of the business scope's line beside it.
    (("汽车租赁。（依法须经批准的项目，住", 194, 480, 558, 508),
     ("所 内蒙古自治区呼和浩特市新城区", 613, 481, 940, 509)),
    # Frame 17: 住 not detected, 所 read with the address.
    (("所内蒙古自治区呼和浩特市新城区", 610, 481, 940, 509),),
    # Frame 22: 住 not detected, 所 a box of its own.
    (("所", 612, 485, 642, 508), ("内蒙古自治区呼和浩特市新城区", 648, 484, 940, 508)),
], ids=["label-in-the-scope-line", "second-character-only", "second-character-alone"])
def test_business_licence_address_whose_label_was_read_badly(address_row: tuple) -> None:
    got = licence(("法定代表人陶欣红", 80, 406, 263, 434), *RIGHT_FORM, *address_row,
                  ("经相关部门批准后方可开展经营活", 195, 512, 506, 540),
                  ("新华街道朝阳西路66号", 652, 512, 858, 540), ("登记机", 653, 576, 730, 601))
    assert got["address"] == "内蒙古自治区呼和浩特市新城区新华街道朝阳西路66号"
    assert got["legal_representative"] == "陶欣红"


def test_business_licence_printed_as_one_form() -> None:
    # Older licences print every label in one column: there is no right-hand form.
    got = licence(("名称 武汉市远航物流有限公司", 100, 300, 420, 330),
                  ("类型 有限责任公司(自然人独资)", 100, 345, 460, 375),
                  ("住所 湖北省武汉市武昌区幸福里小区10号楼", 100, 390, 560, 420),
                  ("法定代表人 张三", 100, 435, 300, 465),
                  ("注册资本 叁佰万元整", 100, 480, 340, 510),
                  ("成立日期 2024年06月08日", 100, 525, 400, 555))
    assert got["name"] == "武汉市远航物流有限公司"
    assert got["legal_representative"] == "张三"
    assert got["address"] == "湖北省武汉市武昌区幸福里小区10号楼"
    assert got["registered_capital"] == "叁佰万元整"


def test_business_licence_address_wraps_beside_the_scope_with_no_right_label_read() -> None:
    got = licence(("名称 呼和浩特市东岳机械设备有限公司", 80, 320, 506, 348),
                  ("法定代表人陶欣红", 80, 406, 263, 434), ("住", 527, 456, 553, 481),
                  ("所 内蒙古自治区呼和浩特市新城区", 608, 456, 940, 481),
                  ("经营范围 机动车修理和维护；信息咨询服务；", 80, 485, 506, 513),
                  ("新华街道朝阳西路66号", 652, 487, 858, 513))
    assert got["address"] == "内蒙古自治区呼和浩特市新城区新华街道朝阳西路66号"


def test_business_licence_name_and_capital_whose_labels_were_misread() -> None:
    # Degraded frame 1 of bench/ocr.py --kinds business_license --seed 9: 名 not read
    # (its 称 read with the name).
    got = licence(("称广州市天成农机服务专业合作社", 158, 316, 505, 348),
                  ("成员出资总额叁仟万元整", 529, 317, 766, 350), ("类", 80, 365, 103, 392),
                  ("型 农民专业合作社", 160, 361, 352, 394),
                  ("成立日期2015年02月20日", 529, 362, 815, 394),
                  ("法定代表人 钱娟燕", 77, 404, 265, 438),
                  ("营业期限2015年02月20日至长期", 529, 407, 894, 439))
    assert got["name"] == "广州市天成农机服务专业合作社"
    assert got["registered_capital"] == "叁仟万元整"
    assert got["legal_representative"] == "钱娟燕"


def test_business_licence_address_whose_labels_were_all_lost() -> None:
    # No label of the right-hand form read (住 as 生): the address is the line there that
    # starts with a province, with its wrapped line, and is highlighted.
    lines = [line("称 寿光市永盛运输有限公司", 160, 313, 422, 341),
             line("生", 529, 484, 557, 508), line("山东省寿光市阳光花园15", 649, 484, 938, 508),
             line("经相关部门批准后方可开展经营活", 195, 512, 506, 540),
             line("号楼1601室", 650, 512, 756, 540)]
    address = parse(DocKind.BUSINESS_LICENSE, lines, 1012, 716, TODAY,
                    is_upright=True).fields["address"]
    assert address.value == "山东省寿光市阳光花园15号楼1601室"
    assert address.confidence < LOW_CONFIDENCE


def test_red_ink_is_taken_off_and_black_print_kept() -> None:
    paper = np.full((120, 200, 3), (205, 225, 240), np.uint8)  # cream paper, BGR
    cv2.putText(paper, "88", (10, 90), cv2.FONT_HERSHEY_SIMPLEX, 3, (25, 25, 25), 8)
    cv2.circle(paper, (140, 60), 45, (40, 40, 215), 6)  # the seal's ring
    out = capture.without_red_ink(paper)
    ring = np.zeros(paper.shape[:2], np.uint8)
    cv2.circle(ring, (140, 60), 45, 255, 2)
    assert np.abs(out[ring > 0].astype(int) - (205, 225, 240)).max() <= 2
    ink = paper.max(axis=2) < 60
    assert (out[ink] == paper[ink]).all()
    # Under a warm colour cast and a dim lamp the print stays print.
    cast = (paper * np.array([0.45, 0.55, 0.8])).astype(np.uint8)
    out = capture.without_red_ink(cast)
    ink = paper.max(axis=2) < 60
    assert (out[ink] == cast[ink]).all()
    assert np.abs(out[ring > 0].astype(int) - np.median(cast.reshape(-1, 3), axis=0)).max() <= 3
    # A document without red ink is the same array.
    grey = np.full((50, 50, 3), 200, np.uint8)
    assert capture.without_red_ink(grey) is grey


def test_business_licence_seal_is_not_read_into_the_address(engine: OcrEngine) -> None:
    # Clean frame 1 of bench/ocr.py --kinds business_license --seed 5: the seal's 市
    # printed right after the address's last line was read as part of it ("…2304室市").
    rng = random.Random("5:clean")
    for _ in range(2):
        doc, truth = render("business_license", rng, invalid_check=rng.random() < 0.2)
        frame, _corners = photograph(doc, rng, "clean")
    fields = read_document(engine, frame, DocKind.BUSINESS_LICENSE, today=TODAY).document.fields
    assert truth["address"] == "湖北省武汉市武昌区幸福里小区10号楼2304室"
    assert fields["address"].value == truth["address"]


def vehicle_licence(*boxes: tuple) -> dict[str, str | None]:
    doc = parse(DocKind.VEHICLE_LICENSE, [line(*box) for box in boxes], 800, 545, TODAY,
                is_upright=True)
    return {key: field.value for key, field in doc.fields.items()}


def test_vehicle_licence_engine_number_whose_label_was_not_detected() -> None:
    # Clean frame 78 of bench/ocr.py --kinds vehicle_license --seed 5: no 发动机号码 box.
    got = vehicle_licence(("车辆识别代号", 33, 268, 134, 301), ("VIN", 36, 288, 58, 304),
                          ("L6TGAYYM4DG453103", 195, 276, 513, 331),
                          ("BHE1569392776", 194, 321, 415, 371), ("注册日期", 35, 353, 108, 386),
                          ("2013-07-06", 156, 364, 284, 405), ("发证日期", 379, 388, 462, 421),
                          ("2024-12-16", 500, 399, 650, 443))
    assert got["vin"] == "L6TGAYYM4DG453103"
    assert got["engine_number"] == "BHE1569392776"
    assert got["registration_date"] == "2013-07-06"


def test_vehicle_licence_engine_number_off_its_labels_row() -> None:
    # Clean frame 22 of the vehicle licences in bench/ocr.py --per-kind 40 (seed 7): a
    # card cut out sheared, the small 发动机 label below its value's row.
    got = vehicle_licence(("车辆识别代号", 238, 359, 336, 387),
                          ("LFW4S0469A9728766", 387, 342, 635, 380),
                          ("CA6DM231502832", 404, 384, 588, 421), ("发动机", 265, 406, 314, 425),
                          ("2010-02-14", 388, 427, 494, 459), ("注册日期", 291, 440, 349, 462))
    assert got["engine_number"] == "CA6DM231502832"


def test_vehicle_licence_plate_is_its_own_box() -> None:
    # Clean frame 34 (seed 5): the card lies tilted in its cut-out, so the English title
    # shares the plate's row and its V had been read as the plate's seventh character.
    got = vehicle_licence(("中华人民共和国机动车行驶证", 149, 43, 593, 140),
                          ("Vehicle License of the People's Republic of China", 206, 91, 549, 155),
                          ("号牌号码", 30, 115, 121, 155), ("Plate No.", 32, 139, 87, 165),
                          ("鲁B086C1", 150, 127, 296, 176))
    assert got["plate"] == "鲁B086C1"


def test_vehicle_licence_values_whose_labels_were_lost() -> None:
    # Degraded frame 17 of bench/ocr.py --kinds vehicle_license --seed 9: no label of the
    # plate's, the type's or the owner's row read; the plate is known by its shape.
    got = vehicle_licence(("中华人民共和国机动车行驶证", 149, 20, 643, 63),
                          ("蒙C08234", 147, 110, 290, 146), ("小型桥车", 509, 110, 628, 147),
                          ("入", 26, 166, 137, 203), ("要信", 141, 162, 209, 202),
                          ("注址", 28, 220, 84, 258),
                          ("内莱古民治区呼和范特市新城区民主街109号", 146, 220, 608, 258),
                          ("2020-05-02", 175, 433, 318, 472), ("发证日题", 423, 439, 509, 468),
                          ("2020-05-02", 543, 435, 685, 468))
    assert (got["plate"], got["vehicle_type"], got["owner"]) == ("蒙C08234", "小型桥车", "要信")
    assert got["registration_date"] == "2020-05-02"


def test_vehicle_licence_rows_placed_under_the_title() -> None:
    # Degraded frame 27 (seed 9): the plate's province lost and its label misread; the
    # type and owner are on the first rows under the title, the registration date the
    # left date of the last row, every date label lost.
    got = vehicle_licence(("中华人民共和国机动车行驶证", 154, 21, 649, 64),
                          ("号路时码", 37, 114, 117, 144), ("E19313", 152, 110, 293, 146),
                          ("小型越野客车", 510, 112, 684, 148),
                          ("青岛市兴隆物流有限公司", 151, 164, 448, 201),
                          ("山东海南岛市岭山区和平路482号", 150, 222, 495, 254),
                          ("LGWE744K4A9208480", 225, 324, 559, 361),
                          ("GW4G154066526", 229, 382, 461, 414),
                          ("2010-01-23", 180, 437, 322, 469), ("2011-05-30", 547, 437, 689, 469))
    assert got["vehicle_type"] == "小型越野客车"
    assert got["owner"] == "青岛市兴隆物流有限公司"
    assert got["registration_date"] == "2010-01-23"


def test_vehicle_licence_owner_row_is_not_taken_for_the_plate_row() -> None:
    # The plate's whole row lost: the first row under the title is the owner's, and the
    # address under it is no owner.
    got = vehicle_licence(("中华人民共和国机动车行驶证", 154, 21, 649, 64),
                          ("青岛市兴隆物流有限公司", 151, 164, 448, 201),
                          ("山东省青岛市崂山区和平路482号", 150, 222, 495, 254),
                          ("2010-01-23", 180, 437, 322, 469), ("2011-05-30", 547, 437, 689, 469))
    assert got["owner"] is None
    assert got["registration_date"] == "2010-01-23"


@pytest.mark.parametrize("boxes", [(("鲁B", 150, 127, 200, 166), ("086C1", 205, 127, 296, 166)),
                                   (("鲁", 150, 127, 175, 166), ("B086C1", 180, 127, 296, 166))])
def test_vehicle_licence_plate_read_in_two_boxes(boxes: tuple) -> None:
    assert vehicle_licence(("号牌号码", 30, 127, 121, 166), *boxes)["plate"] == "鲁B086C1"


def driving_licence(*boxes: tuple) -> dict[str, FieldValue]:
    lines = [line(*box) for box in boxes]
    lines, _flipped = upright(DocKind.DRIVING_LICENSE, lines, 800, 545)
    return parse(DocKind.DRIVING_LICENSE, lines, 800, 545, TODAY, is_upright=True).fields


def test_driving_licence_values_whose_labels_were_lost_or_misread() -> None:
    # Degraded frame 1 of bench/ocr.py --kinds driving_license --seed 9: 姓名 read as
    # 外名, the sex and nationality labels lost (the name had been read as "装艳雪女中国"),
    # the first issue date's and the validity's labels lost.
    got = driving_licence(("中华人民共和国机动车驾驶证", 155, 15, 654, 66),
                          ("650102198811207802", 154, 104, 522, 145), ("外名", 45, 165, 92, 199),
                          ("装艳雪", 129, 159, 234, 203), ("女", 283, 165, 384, 202),
                          ("中国", 505, 164, 571, 203),
                          ("新疆维喜尔自海区乌集木卉市天山区楼", 129, 218, 560, 257),
                          ("海大街999号", 132, 251, 279, 287), ("生", 43, 309, 132, 352),
                          ("1988-11-20", 230, 309, 374, 348), ("2019-08-27", 230, 361, 374, 400),
                          ("B2", 229, 411, 278, 452), ("2019-0827至2025-0827", 229, 465, 559, 506))
    assert {key: field.value for key, field in got.items()} == {
        "license_number": "650102198811207802", "name": "装艳雪", "sex": "女",
        "vehicle_class": "B2", "first_issue_date": "2019-08-27", "valid_from": "2019-08-27",
        "valid_to": "2025-08-27"}


def test_driving_licence_upside_down_told_by_its_chinese_title() -> None:
    # Degraded frame 22 (seed 9): lying upside down, its small English title unread.
    got = driving_licence(("2023-12-07 至 2029-12-07", 248, 43, 574, 78), ("B2", 527, 95, 575, 134),
                          ("2023-12-07", 432, 146, 574, 182), ("2004-12-24", 429, 197, 576, 236),
                          ("出生日斯", 674, 197, 761, 234), ("65号", 611, 260, 674, 295),
                          ("甘常省兰州市城关区城北街道中山北路", 246, 290, 673, 325),
                          ("中国", 236, 345, 315, 380), ("性粉男", 414, 344, 522, 380),
                          ("段胜", 602, 342, 676, 385), ("620102200412240570", 285, 403, 647, 435),
                          ("中华人民共和国机动车驾驶证", 151, 483, 647, 526))
    assert {key: field.value for key, field in got.items()} == {
        "license_number": "620102200412240570", "name": "段胜", "sex": "男",
        "vehicle_class": "B2", "first_issue_date": "2023-12-07", "valid_from": "2023-12-07",
        "valid_to": "2029-12-07"}


def test_driving_licence_layout_does_not_put_another_box_in_a_lost_value() -> None:
    title = ("中华人民共和国机动车驾驶证", 155, 15, 654, 66)
    number = ("650102198811207802", 154, 104, 522, 145)
    # The name's box lost: the sex, its label or the nationality is no name.
    got = driving_licence(title, number, ("性别", 296, 165, 330, 190),
                          ("女", 360, 165, 384, 190), ("国籍", 410, 165, 455, 190),
                          ("中国", 505, 164, 571, 203))
    assert got["name"].value is None
    assert got["sex"].value == "女"
    # The first issue date lost, the period read in pieces: no date is taken for it.
    got = driving_licence(title, number, ("出生日期1988-11-20", 40, 309, 374, 348),
                          ("初次领证日期", 40, 361, 160, 400), ("2019-08-27", 229, 465, 374, 506),
                          ("至", 380, 465, 400, 506), ("2029-08-27", 410, 465, 559, 506))
    assert got["first_issue_date"].value is None
    # A value found by its place alone is highlighted.
    got = driving_licence(title, number, ("装艳雪", 129, 159, 234, 203))
    assert got["name"].value == "装艳雪"
    assert got["name"].confidence < LOW_CONFIDENCE


def test_a_licence_date_that_names_no_day_is_flagged() -> None:
    got = driving_licence(("中华人民共和国机动车驾驶证", 155, 15, 654, 66),
                          ("初次领证日期", 40, 361, 160, 400), ("2029-48-47", 230, 361, 374, 400))
    assert got["first_issue_date"].value == "2029-48-47"
    assert Problem.DATE_INVALID.value in got["first_issue_date"].problems


def test_id_back_values_whose_labels_were_misread() -> None:
    # Degraded frames 18 and 23 of bench/ocr.py --kinds id_back --seed 9: 签发机关 read
    # as 警发教美 with the bureau, 有效期限 read short with its period.
    lines = [line("有效期2022.05.08-2032.05.08", 115, 412, 557, 450, 1.0),
             line("警发教美乌鲁木齐市公安局天山分局", 118, 354, 612, 394, 0.86),
             line("居民身份证", 236, 148, 661, 224, 1.0), line("中华人民共和国", 236, 66, 576, 111)]
    fields = parse(DocKind.ID_BACK, lines, 800, 504, TODAY, is_upright=True).fields
    assert fields["issuing_authority"].value == "乌鲁木齐市公安局天山分局"
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2022-05-08", "2032-05-08")


def test_id_back_bureau_cut_from_a_misread_label_is_highlighted() -> None:
    lines = [line("警发教美重庆市公安局渝中区分局", 118, 354, 612, 394, 0.95),
             line("有效期限2022.05.08-2032.05.08", 115, 412, 557, 450, 1.0)]
    fields = parse(DocKind.ID_BACK, lines, 800, 504, TODAY, is_upright=True).fields
    assert fields["issuing_authority"].value == "重庆市公安局渝中区分局"
    assert fields["issuing_authority"].confidence < LOW_CONFIDENCE


def test_id_back_authority_leaves_the_pattern_read_beside_it() -> None:
    # Clean frame 42 of bench/ocr.py --kinds id_back --seed 5.
    lines = [line("签发机关", 117, 359, 232, 390, 1.0),
             line("寿光市公安局", 258, 356, 442, 393, 1.0),
             line("00X", 437, 362, 483, 388, 0.51),
             line("有效期限", 117, 422, 232, 453, 1.0),
             line("2017.02.03-2027.02.03", 253, 421, 559, 454, 1.0)]
    fields = parse(DocKind.ID_BACK, lines, 800, 504, TODAY, is_upright=True).fields
    assert fields["issuing_authority"].value == "寿光市公安局"


def test_id_back_authority_whose_box_overlaps_the_label() -> None:
    # The lines of render('id_back', Random(2)) turned 180° at 800 px, after upright().
    lines = [line("有效期限2023.01.10-长期", 118, 416, 473, 450, 1.0),
             line("天津市公安局和平分局", 216, 353, 549, 387, 1.0),
             line("签发机关", 117, 353, 233, 385, 1.0),
             line("居民身份证", 234, 148, 657, 220, 1.0),
             line("中华人民共和国", 238, 66, 572, 107, 0.988)]
    doc = parse(DocKind.ID_BACK, lines, 800, 504, TODAY, is_upright=True)
    assert doc.fields["valid_from"].value == "2023-01-10"
    assert doc.fields["valid_to"].value == "长期"
    assert doc.fields["issuing_authority"].value == "天津市公安局和平分局"


# --- parsers.common ----------------------------------------------------------------------


def test_normalize_full_width_and_spaces() -> None:
    assert normalize("１９８８年３月１５日") == "1988年3月15日"
    assert normalize("ＡＢＣ　１２３ ４") == "ABC1234"
    assert normalize("姓名：张伟") == "姓名:张伟"


@pytest.mark.parametrize("text", [
    "1988年3月15日", "1988.03.15", "19880315", "1988 年 3 月 15 日", "1988-3-15",
    "出生1988年3月15日", "１９８８年０３月１５日", "1988年O3月15日",
])
def test_find_date(text: str) -> None:
    assert find_date(text) == (1988, 3, 15)


@pytest.mark.parametrize("text", ["张伟", "男", "12345", ""])
def test_find_date_none(text: str) -> None:
    assert find_date(text) is None


@pytest.mark.parametrize(("text", "want"), [
    ("1998年12月3B", (1998, 12, 3)),   # 日 read as a letter: no day 38
    ("1998年8月11B", (1998, 8, 11)),   # no day 118
    ("1998年12月31日", (1998, 12, 31)),
    ("1998年13月3B", (1998, 13, 38)),  # no day either way: as read (validation flags it)
])
def test_find_date_takes_the_letter_for_the_lost_day_mark_when_it_names_no_day(
        text: str, want: tuple[int, int, int]) -> None:
    assert find_date(text) == want


def test_id_front_address_found_by_its_province_when_the_rows_above_it_are_lost() -> None:
    """A reflection over the card's upper half: no name, sex or birth row read, only the
    address lines and the number. The address is the line that starts with a province,
    highlighted since no row above placed it."""
    lines = [line("山东省济南市历下区花园", 130, 218, 450, 248),
             line("西路156号", 130, 262, 260, 292),
             line("公民身份号码", 60, 420, 200, 445), line(NUMBER, 250, 415, 600, 450)]
    doc = parse(DocKind.ID_FRONT, lines, CARD_W, CARD_H, TODAY)
    address = doc.fields["address"]
    assert address.value == "山东省济南市历下区花园西路156号"
    assert Problem.LOW_CONFIDENCE.value in address.problems
    assert doc.fields["name"].value is None


def test_id_front_address_start_is_a_province_not_a_road_named_after_one() -> None:
    """四川北路 (Shanghai) starts with a province's name: a line that starts so is an
    address's first line only with the province's full form (四川省)."""
    lines = [line("海市虹口区", 130, 218, 450, 248), line("四川北路156号", 130, 262, 300, 292),
             line("公民身份号码", 60, 420, 200, 445), line(NUMBER, 250, 415, 600, 450)]
    doc = parse(DocKind.ID_FRONT, lines, CARD_W, CARD_H, TODAY)
    assert doc.fields["address"].value is None


def address_with_second_line(second_line: str):
    """The address parsed from a card whose address runs on to `second_line`."""
    lines = [line("陕西省西安市雁塔区东风", 130, 218, 450, 248),
             line(second_line, 130, 262, 450, 292),
             line("公民身份号码", 60, 420, 200, 445), line(NUMBER, 250, 415, 600, 450)]
    return parse(DocKind.ID_FRONT, lines, CARD_W, CARD_H, TODAY).fields["address"]


@pytest.mark.parametrize(("second_line", "cut_short"), [
    ("东路107号2号楼4单元17", True),      # …1704室 with its last line lost to a reflection
    ("东路107号", False),
    ("东路21-1号4-3-2", False),           # the north-east's building-unit-room
    ("东路3组", False),
    ("东路附3号2-1", False),
    ("东路21-1号4-", True),              # cut after the dash
])
def test_id_front_address_ending_on_a_bare_number_is_highlighted(
        second_line: str, cut_short: bool) -> None:
    address = address_with_second_line(second_line)
    assert address.value == "陕西省西安市雁塔区东风" + second_line
    assert (Problem.CUT_SHORT.value in address.problems) is cut_short
    assert Problem.FORMAT.value not in address.problems


def test_id_front_address_with_a_unit_that_lost_its_dan_is_highlighted() -> None:
    for second_line, misread in (("东路107号2号楼4元1704室", True),
                                 ("东路107号2号楼4单元1704室", False)):
        address = address_with_second_line(second_line)
        assert (Problem.FORMAT.value in address.problems) is misread, second_line


@pytest.mark.parametrize(("second_line", "misread"), [
    ("幸福路号", True),                  # the house number lost (seed 31 card 51's "幸榴路号")
    ("东路107号2号楼号", True),
    ("东路甲号", True),                  # 甲1号 without its digit
    ("东路107号", False),
    ("东路三号院2号楼", False),           # numbers in words
    ("东路十号", False),
    ("东路二十一号", False),
    ("东路〇号", False),
    ("东路中海壹号院", False),            # capital numerals: an estate's brand
    ("东路甲1号", False),
    ("东区A号楼", False),                 # buildings named by letter
    ("东路21-1号4-3-2", False),
])
def test_id_front_address_with_a_hao_and_no_number_before_it_is_highlighted(
        second_line: str, misread: bool) -> None:
    address = address_with_second_line(second_line)
    assert address.value == "陕西省西安市雁塔区东风" + second_line
    assert (Problem.FORMAT.value in address.problems) is misread


def test_id_front_address_not_taken_from_the_name_band() -> None:
    """A line starting with a province in the name's band is no address line; with
    every row above lost, the address stays unread rather than guessed."""
    lines = [line("山东", 130, 38, 200, 68),
             line("公民身份号码", 60, 420, 200, 445), line(NUMBER, 250, 415, 600, 450)]
    doc = parse(DocKind.ID_FRONT, lines, CARD_W, CARD_H, TODAY)
    assert doc.fields["address"].value is None


def test_strip_label_with_misread_labels() -> None:
    assert strip_label("娃名张伟", "姓名") == "张伟"
    assert strip_label("性剂男", "性别") == "男"
    assert strip_label("姓名:张伟", "姓名") == "张伟"
    assert strip_label("张伟", "姓名") == "张伟"  # no label: unchanged
    assert strip_label("姓名", "姓名") == "姓名"  # nothing after it: kept
    assert strip_any_label("性剂男", ("姓名", "性别")) == "男"


def test_group_rows_by_vertical_centre() -> None:
    a = line("出生", 60, 160, 110, 185)
    b = line("1988年", 130, 158, 200, 190)
    c = line("3月15日", 210, 162, 300, 186)
    d = line("住址", 60, 220, 110, 245)
    e = line("姓名", 60, 40, 110, 65)
    rows = group_rows([d, c, a, e, b])
    assert [[ln.text for ln in r.lines] for r in rows] == [
        ["姓名"], ["出生", "1988年", "3月15日"], ["住址"]]
    assert rows[1].text == "出生1988年3月15日"
    assert rows[1].score == pytest.approx(0.99)
    assert group_rows([]) == []


# --- intake ------------------------------------------------------------------------------


@pytest.fixture
def intake(store: Store, engine: OcrEngine) -> IntakeService:
    return IntakeService(store, BackgroundWarmUp(factory=lambda: engine))


@pytest.fixture
def consultant(store: Store) -> User:
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        return repo.add_user(s, "desk", "李顾问", Role.CONSULTANT, "x", dealer.id)


def write_png(path: Path, image: np.ndarray) -> Path:
    ok, buf = cv2.imencode(".png", image)
    assert ok
    buf.tofile(path)
    return path


def write_pdf(path: Path, image: np.ndarray, tmp: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    jpg = tmp / "page.jpg"
    cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tofile(jpg)
    page = canvas.Canvas(str(path), pagesize=A4)
    h, w = image.shape[:2]
    page.drawImage(str(jpg), 40, 400, width=w * 0.4, height=h * 0.4)
    page.showPage()
    page.save()
    return path


def test_intake_reads_png_and_pdf_and_confirms(tmp_path: Path, store: Store,
                                               intake: IntakeService,
                                               consultant: User) -> None:
    _doc, frame, truth = sample(DocKind.ID_FRONT, 0)
    expected = {k: truth[k] for k in FIELD_KEYS[DocKind.ID_FRONT]}
    png = write_png(tmp_path / "身份证.png", frame)
    pdf = write_pdf(tmp_path / "扫描件.pdf", frame, tmp_path)
    from_png = intake.read_file(png, DocKind.ID_FRONT)
    from_pdf = intake.read_file(pdf, None)
    assert values(from_png) == expected
    assert from_pdf.document.doc_type is DocKind.ID_FRONT
    assert values(from_pdf) == expected
    assert intake.engine_ready

    assert intake.accuracy() == {}
    first = intake.confirm(consultant, from_png.document, from_png.card, dict(expected))
    second = intake.confirm(consultant, from_pdf.document, from_pdf.card,
                            {"name": "王小明"})  # one field corrected, the rest as read
    with store.read() as s:
        rows = {r.id: r for r in s.scalars(select(DocumentRow))}
        assert set(rows) == {first, second}
        for doc_id in (first, second):
            row = rows[doc_id]
            assert row.doc_type == DocumentType.ID_CARD_FRONT.value
            assert row.mime_type == "image/jpeg"
            image = repo.get_document_image(s, store.cipher, doc_id)
            assert cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR) is not None
        stored = json.loads(store.cipher.open("document", "fields", f"{second}/-/-",
                                              rows[second].fields_enc))
        audits = [e for e in repo.audit_entries(s) if e.entity == "document"]
    assert stored == {"kind": "id_front", **expected, "name": "王小明"}
    assert {(e.entity_id, e.action, e.username) for e in audits} == {
        (first, AuditAction.CREATE, "desk"), (second, AuditAction.CREATE, "desk")}

    counts = intake.accuracy()["id_front"]
    assert set(counts) == set(FIELD_KEYS[DocKind.ID_FRONT])
    assert counts["name"] == {"confirmed": 1, "corrected": 1}
    for key in FIELD_KEYS[DocKind.ID_FRONT]:
        if key != "name":
            assert counts[key] == {"confirmed": 2, "corrected": 0}, key


def test_intake_refuses_a_corrupt_file(tmp_path: Path, intake: IntakeService) -> None:
    bad = tmp_path / "扫描.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 20)
    with pytest.raises(ShowroomError) as caught:
        intake.read_file(bad, DocKind.ID_FRONT)
    assert str(caught.value)
    assert "扫描" not in str(caught.value)
    broken_pdf = tmp_path / "scan.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    with pytest.raises(ShowroomError, match="PDF"):
        intake.read_file(broken_pdf, None)


def test_camera_session_on_an_image_captures_the_card(tmp_path: Path) -> None:
    # Seed 4: most clean ID-front frames (0-3, 6, 7) are refused for glare because the
    # near-white card saturates under the photograph's lighting (see the report).
    _doc, frame, _truth = sample(DocKind.ID_FRONT, 4)
    camera = CameraSession(str(write_png(tmp_path / "desk.png", frame)), DocKind.ID_FRONT)
    try:
        steps: list[PreviewFrame] = []
        for _ in range(8):
            steps.append(camera.step())
            if steps[-1].captured is not None:
                break
    finally:
        camera.close()
    first = steps[0]
    assert isinstance(first, PreviewFrame)
    assert first.width == PREVIEW_WIDTH
    assert first.height == round(720 * PREVIEW_WIDTH / 1280)
    assert len(first.rgb) == first.width * first.height * 3
    assert first.corners is not None and len(first.corners) == 4
    for x, y in first.corners:
        assert 0 <= x <= first.width and 0 <= y <= first.height
    assert first.captured is None  # not on the first frame: it must hold still first
    captured = steps[-1].captured
    assert captured is not None, [s.hint for s in steps]
    h, w = captured.shape[:2]
    assert w > h and abs(w / h - 85.6 / 54) < 0.05


def camera_clip(folder: Path, frames: list[np.ndarray]) -> Path:
    """The webcam, stood in for by a video clip of `frames`."""
    clip = folder / "desk.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 15, (1280, 720))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return clip


def test_a_card_captured_by_hand_is_read_from_the_frames_before_it_too(
        tmp_path: Path, intake: IntakeService) -> None:
    # Out of focus: every frame refused, so the consultant presses capture.
    rng = random.Random(4)
    doc, _truth = render("id_front", rng)
    frames, _corners = photograph_burst(doc, rng, "clean", capture.CAPTURE_VIEWS + 2)
    soft = [cv2.GaussianBlur(f, (0, 0), 2.5) for f in frames]
    camera = CameraSession(str(camera_clip(tmp_path, soft)), DocKind.ID_FRONT)
    try:
        steps = [camera.step() for _ in range(len(soft))]
        found = camera.capture_now()
    finally:
        camera.close()
    assert all(step.captured is None and step.hint for step in steps)
    assert found is not None
    card, views = found
    assert len(views) == capture.CAPTURE_VIEWS - 1
    result = intake.read_card(card, DocKind.ID_FRONT, views)
    assert result.views == capture.CAPTURE_VIEWS


def test_a_camera_video_of_a_still_card_is_read_from_the_frames_it_held_still(
        tmp_path: Path, intake: IntakeService) -> None:
    # The webcam, stood in for by a clip: a card held still, each frame its own noise.
    rng = random.Random(4)
    doc, truth = render("id_front", rng)
    frames, _corners = photograph_burst(doc, rng, "clean", capture.CAPTURE_VIEWS + 3)
    camera = CameraSession(str(camera_clip(tmp_path, frames)), DocKind.ID_FRONT)
    try:
        steps = [camera.step() for _ in range(len(frames))]
    finally:
        camera.close()
    shots = [step for step in steps if step.captured is not None]
    assert len(shots) == 1, [step.hint for step in steps]
    shot = shots[0]
    assert len(shot.views) == capture.CAPTURE_VIEWS - 1
    assert all(view.shape == shot.captured.shape for view in shot.views)
    result = intake.read_card(shot.captured, DocKind.ID_FRONT, shot.views)
    assert result.views == capture.CAPTURE_VIEWS
    assert {k: values(result)[k] for k in RELIABLE[DocKind.ID_FRONT]} == {
        k: truth[k] for k in RELIABLE[DocKind.ID_FRONT]}


def test_camera_session_on_a_missing_video(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable, match="cannot be opened"):
        CameraSession(str(tmp_path / "no such clip.mp4"))


def test_scanner_folder_reports_settled_files_once(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "old.png").write_bytes(b"x")
    scanner = ScannerFolder(folder)
    assert scanner.new_files(settle_seconds=0) == []  # there before: not new

    now = time.time()
    (folder / "a.jpg").write_bytes(b"x")
    (folder / "notes.txt").write_bytes(b"x")  # not an image
    (folder / "b.PDF").write_bytes(b"x")
    os.utime(folder / "b.PDF", (now + 60, now + 60))  # still being written
    assert [p.name for p in scanner.new_files(settle_seconds=0)] == ["a.jpg"]
    assert scanner.new_files(settle_seconds=0) == []  # once only

    (folder / "c.png").write_bytes(b"x")
    assert scanner.new_files(settle_seconds=30) == []  # just written: not settled
    os.utime(folder / "c.png", (now - 60, now - 60))
    os.utime(folder / "b.PDF", (now - 30, now - 30))
    assert [p.name for p in scanner.new_files(settle_seconds=10)] == ["c.png", "b.PDF"]
    assert scanner.new_files(settle_seconds=0) == []


def test_scanner_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    scanner = ScannerFolder(folder)
    assert scanner.new_files(settle_seconds=0) == []
    folder.mkdir()
    write_png(folder / "scan.png", BLANK)
    assert [p.name for p in scanner.new_files(settle_seconds=0)] == ["scan.png"]


def test_bench_frames_read_with_road_names_and_house_numbers(engine: OcrEngine) -> None:
    # Bench seed 31, frame 51: glare over "幸福路191号" left "幸榴路" and part of the
    # number. 榴 makes no word with 幸, 福 (seen too) does: read as 幸福, and the number
    # read short keeps the address highlighted.
    frame, truth = degraded_id_front(31, 51)
    address = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"]
    assert truth["address"] == "广东省东莞市幸福路191号"
    assert address.value == "广东省东莞市幸福路31号"
    assert address.needs_review
    # Seed 7, frame 8: the house number's 5 was read as a letter, S04号.
    frame, truth = degraded_id_front(7, 8)
    address = read_document(engine, frame, DocKind.ID_FRONT, today=TODAY).document.fields[
        "address"]
    assert address.value == truth["address"] == "北京市朝阳区东风西路504号"
    assert address.needs_review  # read otherwise than the recogniser's greedy reading


def test_the_address_after_a_line_is_found_after_the_lines_before_it() -> None:
    address = "广东省东莞市幸福路1号院1号"
    # The label is no part of the address; a text repeated later is found in its place.
    assert pipeline._address_after(address, "住址广东省东莞市幸福路1号", 0) == "院1号"
    assert pipeline._address_after(address, "院1号", len("住址广东省东莞市幸福路1号")) == ""
    assert pipeline._address_after(address, "1号", len("住址广东省东莞市幸福路1号院")) == ""
    assert pipeline._address_after(address, "北京市", 0) == ""
