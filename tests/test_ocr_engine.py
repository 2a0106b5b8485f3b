"""The OCR engines: reading a rendered ID-card-like image, recognising crops, never
touching the network, reading order, background warm-up, the optional PaddleOCR engine."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from models.ocr.base import TextLine
from models.ocr.factory import (
    BackgroundWarmUp,
    OcrEngineUnavailable,
    available_engines,
    create_engine,
)
from models.ocr.rapid import FRAME_PX, PACK_GAP, RapidOcrEngine, batches, pack, reading_order

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NAME = "张伟"
ID_NUMBER = "110105198803151232"

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="needs the WenQuanYi Micro Hei font")


def render_card() -> np.ndarray:
    """A 1012×638 BGR image laid out like the front of a PRC ID card."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1012, 638), (236, 240, 236))
    draw = ImageDraw.Draw(img)
    label, value = ImageFont.truetype(str(FONT), 30), ImageFont.truetype(str(FONT), 36)
    number = ImageFont.truetype(str(FONT), 40)
    blue, black = (40, 90, 150), (20, 20, 20)
    for x, y, text, font, colour in [
        (60, 60, "姓名", label, blue), (160, 60, NAME, value, black),
        (60, 140, "性别", label, blue), (160, 140, "男", value, black),
        (300, 140, "民族", label, blue), (400, 140, "汉", value, black),
        (60, 220, "出生", label, blue), (160, 220, "1988年3月15日", value, black),
        (60, 300, "住址", label, blue), (160, 300, "北京市朝阳区建国路88号", value, black),
        (60, 520, "公民身份号码", label, blue), (300, 520, ID_NUMBER, number, black),
    ]:
        draw.text((x, y), text, font=font, fill=colour)
    draw.rectangle((720, 60, 960, 360), outline=(180, 180, 180), width=3)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def render_line(text: str, size: int = 36) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("RGB", (right - left + 16, bottom - top + 16), (255, 255, 255))
    ImageDraw.Draw(img).text((8 - left, 8 - top), text, font=font, fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    eng = RapidOcrEngine()
    eng.warm_up()
    return eng


@pytest.fixture(scope="module")
def card_lines(engine: RapidOcrEngine) -> list[TextLine]:
    return engine.read(render_card())


def test_reads_name_and_id_number_exactly(card_lines: list[TextLine]) -> None:
    texts = [line.text for line in card_lines]
    assert ID_NUMBER in texts
    assert NAME in texts
    for line in card_lines:
        assert 0.5 <= line.score <= 1.0
        assert len(line.box) == 4


def test_card_lines_come_in_reading_order(card_lines: list[TextLine]) -> None:
    texts = [line.text for line in card_lines]
    order = [texts.index(t) for t in ("姓名", NAME, "1988年3月15日", ID_NUMBER)]
    assert order == sorted(order)
    id_line = card_lines[texts.index(ID_NUMBER)]
    assert 290 <= id_line.left <= 320 and 510 <= id_line.top <= 540


def test_detect_returns_boxes_only(engine: RapidOcrEngine, card_lines: list[TextLine]) -> None:
    boxes = engine.detect(render_card())
    assert len(boxes) >= len(card_lines) - 1
    # A detect call must not leave the engine in detection-only mode.
    assert [ln.text for ln in engine.read(render_card())] == [ln.text for ln in card_lines]


def test_recognize_crops_in_one_batch(engine: RapidOcrEngine) -> None:
    texts = [NAME, ID_NUMBER, "1988年3月15日", "北京市朝阳区建国路88号", "公民身份号码", "汉"]
    results = engine.recognize([render_line(t) for t in texts])
    assert [text for text, _ in results] == texts
    assert all(0.5 < score <= 1.0 for _, score in results)
    assert engine.recognize([]) == []


def test_recognize_accepts_grayscale(engine: RapidOcrEngine) -> None:
    gray = render_line(ID_NUMBER)[:, :, 0]
    assert engine.recognize([gray])[0][0] == ID_NUMBER


def test_short_crops_share_a_row_with_a_gap_on_frame_boundaries() -> None:
    # Widths at the recogniser's 48 px height: a name, "男", a date, an address line.
    rows = pack([82, 48, 298, 420, 139, 197], 320, PACK_GAP)
    assert sorted(i for row in rows for i, _x in row) == list(range(6))
    assert [(3, 0)] in rows and [(2, 0)] in rows  # too wide to share
    widths = [82, 48, 298, 420, 139, 197]
    for row in rows:
        ends = [x + widths[i] for i, x in row]
        assert all(x % FRAME_PX == 0 for _i, x in row)
        assert all(nxt[1] >= end + PACK_GAP for nxt, end in zip(row[1:], ends, strict=False))
        assert len(row) == 1 or ends[-1] <= 320
    # The four short crops take three rows instead of four.
    assert len([row for row in rows if widths[row[0][0]] < 298]) == 3
    assert pack([], 320, PACK_GAP) == []


def test_batches_group_rows_of_like_width() -> None:
    # Four rows at the narrowest width and two long lines: the long lines are not
    # batched with the short ones (which would pad four rows to 10.7).
    assert batches([6.67, 6.67, 6.67, 6.67, 8.6, 10.7], 6) == [(0, 4), (4, 5), (5, 6)]
    # Alike widths share one batch, at most `most` to a batch.
    assert batches([6.67] * 8, 6) in ([(0, 2), (2, 8)], [(0, 6), (6, 8)], [(0, 4), (4, 8)])
    assert all(stop - start <= 6 for start, stop in batches([6.67] * 8, 6))
    assert batches([], 6) == []


def test_packed_lines_read_as_each_alone(engine: RapidOcrEngine) -> None:
    # A card's short lines share input rows; each reads as it does alone, and its
    # posteriors place its characters within its own crop.
    texts = [NAME, "男", "汉", "1988年3月15日", "北京市朝阳区建国路88号", "107号", ID_NUMBER]
    crops = [render_line(t) for t in texts]
    with engine._lock:
        alone = [engine._recognize([c])[0] for c in crops]
        together = engine._recognize(crops, packed=True)
    assert [t for t, _s, _c in together] == [t for t, _s, _c in alone] == texts
    for (_t, score, ctc), (_t2, score_alone, _c2), text in zip(together, alone, texts,
                                                                strict=True):
        assert abs(score - score_alone) < 0.05
        centres = ctc.char_centres()
        assert len(centres) == len(text) and centres == sorted(centres)
        assert 0.0 < centres[0] < 0.5 < centres[-1] <= 1.0 or len(text) == 1
        assert ctc.log_likelihood(text) > -1.0


def test_unpacked_recognition_is_rapidocrs_own(engine: RapidOcrEngine) -> None:
    # Probes and the documents read one line a row get exactly RapidOCR's recogniser
    # step (its batches, padding and decoding): what every figure before packing was
    # measured with.
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    texts = [NAME, "男", "1988年3月15日", "北京市朝阳区建国路88号华贸中心3号楼", ID_NUMBER,
             "汉", "107号", "公民身份号码"]
    crops = [render_line(t) for t in texts]
    ours = engine.recognize(crops)
    with engine._lock:
        theirs = engine._rec(TextRecInput(img=crops))
    assert [t for t, _s in ours] == list(theirs.txts) == texts
    assert [s for _t, s in ours] == pytest.approx(list(theirs.scores), abs=1e-6)


def test_the_desk_recogniser_is_the_base_graph_with_its_own_weights() -> None:
    """resources/models/ocr holds the wheel's recogniser fine-tuned (MODEL_CARD.md):
    the same inputs, outputs and embedded dictionary (RapidOCR decodes with it, and
    would download one without it), other weights."""
    import onnxruntime as ort

    from models.ocr.rapid import RapidModelFiles
    from resources import ocr_models

    files = RapidModelFiles.bundled()
    assert files.rec.parent == ocr_models() and not files.missing()
    desk, base = (ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
                  for path in (files.rec, RapidModelFiles.base_recogniser()))
    assert (desk.get_modelmeta().custom_metadata_map["character"]
            == base.get_modelmeta().custom_metadata_map["character"])
    for a, b in ((desk.get_inputs(), base.get_inputs()), (desk.get_outputs(), base.get_outputs())):
        assert [(t.name, t.shape) for t in a] == [(t.name, t.shape) for t in b]
    # The same operators and tensor shapes serialise to the same number of bytes.
    assert files.rec.stat().st_size == RapidModelFiles.base_recogniser().stat().st_size
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 48, 320)).astype(np.float32)
    assert not np.allclose(desk.run(None, {"x": x})[0], base.run(None, {"x": x})[0])


def test_blank_image_reads_nothing(engine: RapidOcrEngine) -> None:
    assert engine.read(np.full((200, 300, 3), 255, np.uint8)) == []


def test_read_refuses_paths_and_urls(engine: RapidOcrEngine) -> None:
    # RapidOCR itself would fetch a URL string with requests.
    with pytest.raises(TypeError):
        engine.read("https://example.com/card.png")  # type: ignore[arg-type]


def test_no_socket_is_opened_while_loading_and_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during OCR")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    eng = RapidOcrEngine(det_limit_side_len=640)
    eng.warm_up()
    texts = [line.text for line in eng.read(render_card())]
    eng.recognize([render_line(NAME)])
    assert ID_NUMBER in texts
    assert attempts == []


def _line(text: str, left: float, top: float, width: float, height: float) -> TextLine:
    r, b = left + width, top + height
    return TextLine(text, 1.0, ((left, top), (r, top), (r, b), (left, b)))


def test_reading_order_groups_rows_then_sorts_left_to_right() -> None:
    lines = [
        _line("id", 300, 520, 400, 44), _line("id-label", 60, 524, 180, 34),
        _line("汉", 400, 138, 40, 42), _line("民族", 300, 142, 60, 34),
        _line("性别", 60, 142, 60, 34), _line("男", 160, 138, 40, 42),
        _line("张伟", 160, 58, 80, 42), _line("姓名", 60, 62, 60, 34),
        _line("address-2", 160, 360, 400, 42), _line("address-1", 160, 300, 400, 42),
    ]
    assert [ln.text for ln in reading_order(lines)] == [
        "姓名", "张伟", "性别", "男", "民族", "汉", "address-1", "address-2", "id-label", "id",
    ]
    assert reading_order([]) == []


class _FakeEngine:
    name = "fake"

    def __init__(self) -> None:
        self.warmed = False

    def read(self, image: np.ndarray, skip=None, pack=False) -> list[TextLine]:
        return []

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return []

    def warm_up(self) -> None:
        self.warmed = True


def test_background_warm_up_hands_over_the_warm_engine() -> None:
    fake = _FakeEngine()
    warm = BackgroundWarmUp(factory=lambda: fake)
    assert warm.engine(timeout=5) is fake
    assert warm.ready and warm.done and fake.warmed
    assert warm.seconds is not None


def test_background_warm_up_with_the_real_engine() -> None:
    warm = BackgroundWarmUp("rapidocr", det_limit_side_len=640, use_cls=False)
    engine = warm.engine(timeout=60)
    assert isinstance(engine, RapidOcrEngine) and warm.ready
    assert engine.recognize([render_line(NAME)])[0][0] == NAME


def test_background_warm_up_surfaces_errors() -> None:
    def broken() -> _FakeEngine:
        raise OcrEngineUnavailable("no models here")

    warm = BackgroundWarmUp(factory=broken)
    with pytest.raises(OcrEngineUnavailable, match="no models here"):
        warm.engine(timeout=5)
    assert warm.done and not warm.ready


def test_background_warm_up_times_out_while_loading() -> None:
    release = threading.Event()

    def slow() -> _FakeEngine:
        release.wait(5)
        return _FakeEngine()

    warm = BackgroundWarmUp(factory=slow)
    with pytest.raises(TimeoutError):
        warm.engine(timeout=0.01)
    assert not warm.ready
    release.set()
    assert isinstance(warm.engine(timeout=5), _FakeEngine)


def test_factory_names() -> None:
    assert "rapidocr" in available_engines()
    with pytest.raises(ValueError, match="unknown OCR engine"):
        create_engine("tesseract")
    with pytest.raises(TypeError):
        BackgroundWarmUp(factory=_FakeEngine, threads=2)


def test_paddle_engine_unavailable_without_paddleocr(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("paddleocr") is not None:
        pytest.skip("paddleocr is installed here")
    from models.ocr.paddle import DEFAULT_DET_MODEL, DEFAULT_REC_MODEL, PaddleOcrEngine

    (tmp_path / DEFAULT_DET_MODEL).mkdir()
    (tmp_path / DEFAULT_REC_MODEL).mkdir()
    with pytest.raises(OcrEngineUnavailable, match="paddleocr is not installed"):
        PaddleOcrEngine(tmp_path)
    with pytest.raises(OcrEngineUnavailable):
        create_engine("paddleocr", model_dir=tmp_path)
    assert "paddleocr" not in available_engines(paddle_model_dir=tmp_path)


def test_paddle_engine_unavailable_without_model_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.ocr import paddle

    monkeypatch.setattr(paddle, "_paddleocr_installed", lambda: True)
    with pytest.raises(OcrEngineUnavailable, match="model folders not found"):
        paddle.PaddleOcrEngine(tmp_path)
    assert not paddle.paddle_available(tmp_path)
