"""What the recogniser saw, kept and used: CTC likelihoods (checked against brute force),
character positions, the whole-picture orientation vote, closed-list readings (region
names, sex, ethnicity) and the layout fixes that use character positions. The engine
tests render their lines with a real font and run the real bundled models."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from models.ocr.base import UNREAD_SCORE, TextLine
from models.ocr.ctc import CtcPosteriors
from models.ocr.rapid import VOTERS, RapidOcrEngine, shares, upside_down_vote
from models.training.doc_corpus import photograph, render
from showroom_app.documents import pipeline
from showroom_app.documents.fields import LOW_CONFIDENCE, DocKind, FieldValue
from showroom_app.documents.parsers import (
    NUMBER_COLUMN,
    id_front_label,
    id_front_label_box,
    parse,
    regions,
)
from showroom_app.documents.parsers.address_names import read_address_names, words
from showroom_app.documents.parsers.address_words import read_address_words
from showroom_app.documents.parsers.authorities import read_authority
from showroom_app.documents.parsers.given_names import read_given_name
from showroom_app.documents.parsers.regions import (
    candidates,
    number_region_starts,
    read_region_start,
    read_wrapped_region_start,
    region_start_end,
    region_tree,
)
from showroom_app.documents.parsers.surnames import han_named, read_surname

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="needs the WenQuanYi Micro Hei font")
TODAY = date(2025, 7, 1)


# --- CTC likelihood on hand-made posteriors ---------------------------------------------------


def posteriors(rows: list[dict[str, float]], alphabet: str) -> CtcPosteriors:
    """Frames given as {char: probability}; the rest of each frame's mass is blank."""
    classes = {ch: i + 1 for i, ch in enumerate(alphabet)}
    probs = np.zeros((len(rows), len(alphabet) + 1), np.float32)
    for t, row in enumerate(rows):
        for ch, p in row.items():
            probs[t, classes[ch]] = p
        probs[t, 0] = 1.0 - sum(row.values())
    return CtcPosteriors(probs, float(len(rows)), classes, ["", *alphabet])


def brute_force(post: CtcPosteriors, text: str, alphabet: str) -> float:
    """Sum over every frame labelling that CTC-collapses to `text`."""
    symbols = ["", *alphabet]
    total = 0.0
    for path in itertools.product(range(len(symbols)), repeat=post.frames):
        collapsed, prev = [], None
        for s in path:
            if s not in (prev, 0):
                collapsed.append(symbols[s])
            prev = s
        if "".join(collapsed) == text:
            total += math.prod(float(post.probs[t, s]) for t, s in enumerate(path))
    return math.log(total)


@pytest.mark.parametrize("text", ["ab", "aa", "a", "ba", "aba"])
def test_log_likelihood_sums_every_alignment(text: str) -> None:
    post = posteriors([{"a": 0.6, "b": 0.1}, {"a": 0.3, "b": 0.3}, {"b": 0.5, "a": 0.2},
                       {"a": 0.4}], "ab")
    assert post.log_likelihood(text) == pytest.approx(brute_force(post, text, "ab"), abs=1e-5)


def test_a_character_the_recogniser_cannot_emit_is_impossible() -> None:
    post = posteriors([{"a": 0.9}], "a")
    assert post.log_likelihood("z") == -math.inf


def test_best_path_and_character_centres() -> None:
    # a a - b - - : "ab"; a at frames 0-1, b at frame 3; the crop covers all 6 frames.
    post = posteriors([{"a": 0.9}, {"a": 0.9}, {}, {"b": 0.8}, {}, {}], "ab")
    assert [(a, b) for _c, a, b in post.best_path()] == [(0, 1), (3, 3)]
    assert post.char_centres() == pytest.approx([1 / 6, 3.5 / 6])


def brute_force_best(post: CtcPosteriors, text: str, alphabet: str) -> list[tuple[int, int]]:
    """Frame spans of each character on the single likeliest labelling of `text`."""
    symbols = ["", *alphabet]
    best, spans = -1.0, []
    for path in itertools.product(range(len(symbols)), repeat=post.frames):
        collapsed, prev, where = [], None, []
        for t, s in enumerate(path):
            if s not in (prev, 0):
                collapsed.append(symbols[s])
                where.append([t, t])
            elif s != 0 and s == prev:
                where[-1][1] = t
            prev = s
        p = math.prod(float(post.probs[t, s]) for t, s in enumerate(path))
        if "".join(collapsed) == text and p > best:
            best, spans = p, [tuple(w) for w in where]
    return spans


@pytest.mark.parametrize("text", ["ab", "b", "ba", "bab", "aa"])
def test_alignment_of_another_text_is_the_likeliest_labelling(text: str) -> None:
    post = posteriors([{"a": 0.7, "b": 0.1}, {"a": 0.2, "b": 0.3}, {"b": 0.6},
                       {"a": 0.3, "b": 0.2}, {"a": 0.1}], "ab")
    assert post.align(text) == brute_force_best(post, text, "ab")


def test_centres_of_a_text_chosen_for_the_line_sit_where_its_characters_were_seen() -> None:
    # Read "xab" (a misread label "x" glued in front); a caller reads it "ab" instead:
    # a and b keep their own frames rather than inheriting x's and a's.
    post = posteriors([{"x": 0.9}, {}, {"a": 0.9}, {}, {"b": 0.9}, {}], "xab")
    assert post.char_centres() == pytest.approx([0.5 / 6, 2.5 / 6, 4.5 / 6])
    assert post.char_centres("xab") == post.char_centres()
    assert post.char_centres("ab") == pytest.approx([2.5 / 6, 4.5 / 6])
    assert post.char_centres("a?") == []  # a character the recogniser cannot emit


# --- orientation vote ------------------------------------------------------------------------


def test_upside_down_vote_weighs_long_lines_over_short_ones() -> None:
    # A long line surely upright outweighs two short ones the classifier turned.
    assert not upside_down_vote([("0", 0.99), ("180", 0.95), ("180", 0.95)], [600, 60, 60])
    assert upside_down_vote([("180", 0.99), ("0", 0.6)], [500, 500])
    assert not upside_down_vote([], [])
    # A lone line the classifier is unsure of does not turn the picture.
    assert not upside_down_vote([("180", 0.7)], [300])


# --- region names ----------------------------------------------------------------------------


def test_region_table_has_provinces_prefectures_and_districts() -> None:
    tree = region_tree()
    assert "浙江省" in tree and "内蒙古自治区" in tree
    assert "西湖区" in tree["浙江省"].children["杭州市"].children
    assert "寿光市" in tree["山东省"].children  # county-level city right after the province
    assert "朝阳区" in tree["北京市"].children  # municipality district


def test_region_candidates() -> None:
    assert "浙江省杭州市西湖区人民大街" in candidates("浙江省杭州市西区人民大街")
    assert "甘肃省兰州市城关区东风东路" in candidates("甘肃省兰州市城美区东风东路")
    # A start that already is an entry, or no address at all: nothing to choose from.
    assert candidates("浙江省杭州市西湖区人民大街") == []
    assert candidates("110105198803151232") == []
    # A province name alone (a road named after one) is no address start.
    assert candidates("海南路985号3号楼") == []


def line_posteriors(chars: str, doubtful: dict[int, tuple[str, float]]) -> CtcPosteriors:
    """Two frames per printed character: the character, then blank. At `doubtful`
    positions the recogniser gives the printed character only `p` and blank the rest,
    so the free reading loses it."""
    alphabet = "".join(sorted(set(chars)))
    rows: list[dict[str, float]] = []
    for i, ch in enumerate(chars):
        if i in doubtful:
            shown, p = doubtful[i]
            rows += [{shown: p} if p else {}, {}]
        else:
            rows += [{ch: 0.97}, {}]
    return posteriors(rows, alphabet)


def test_a_region_name_is_read_against_the_table_when_the_picture_supports_it() -> None:
    printed = "浙江省杭州市西湖区人民大街"
    post = line_posteriors(printed, {7: ("湖", 0.3)})
    assert "湖" not in (read := "浙江省杭州市西区人民大街")
    assert read_region_start(read, post) == (printed, True)


def test_a_region_name_is_not_invented_without_evidence() -> None:
    printed = "浙江省杭州市西湖区人民大街"
    post = line_posteriors(printed, {7: ("湖", 0.0)})  # nothing at all where 湖 would be
    read = "浙江省杭州市西区人民大街"
    assert read_region_start(read, post) == (read, False)


def confusable(chars: str, at: int, seen: str, p_seen: float, p_printed: float,
               extra: str = "") -> CtcPosteriors:
    """Two frames per printed character; at `at` the recogniser gives `seen` p_seen and
    the printed character p_printed."""
    alphabet = "".join(sorted(set(chars + seen + extra)))
    rows: list[dict[str, float]] = []
    for i, ch in enumerate(chars):
        rows += [{seen: p_seen, ch: p_printed} if i == at else {ch: 0.97}, {}]
    return posteriors(rows, alphabet)


@pytest.mark.parametrize(("printed", "at", "seen"), [
    ("慈溪市公安局", 0, "禁"),  # a county-level city's bureau
    ("天津市公安局和平分局", 5, "翔"),  # a municipality district's branch
    ("杭州市公安局西湖分局", 7, "潮"),  # a city district's branch
    ("重庆市公安局渝中区分局", 7, "偷"),  # printed with its 区
    ("上海市公安局浦东分局", 6, "蒲"),  # a 新区 by its name alone
    ("签发机关淇县公安局", 4, "湛"),  # the label read with it
])
def test_an_issuing_bureau_is_read_against_the_region_table(printed: str, at: int,
                                                             seen: str) -> None:
    read = printed[:at] + seen + printed[at + 1:]
    assert read_authority(read, confusable(printed, at, seen, 0.6, 0.3)) == printed
    # Without the recogniser having seen it, the table invents nothing.
    assert read_authority(read, confusable(printed, at, seen, 0.97, 1e-5)) is None
    # A bureau read as one of the table's is left alone.
    assert read_authority(printed, confusable(printed, at, seen, 0.3, 0.6)) is None


def test_a_registered_capital_is_read_in_the_financial_numerals() -> None:
    printed = "注册资本叁佰万元整"
    post = confusable(printed, 4, "参", 0.6, 0.3)
    lines = [TextLine("名称武汉市远航物流有限公司", 0.99, box(58, 317, 432, 345)),
             TextLine("注册资本参佰万元整", 0.95, box(528, 317, 808, 345), ctc=post),
             TextLine("成立日期2024年06月08日", 0.99, box(527, 361, 815, 394))]
    capital = parse(DocKind.BUSINESS_LICENSE, lines, 1012, 716, date(2025, 7, 1),
                    is_upright=True).fields["registered_capital"]
    assert capital.value == "叁佰万元整"
    assert capital.confidence < LOW_CONFIDENCE  # the list decided: highlighted
    # Read clearly, a character of the capital stays as read (and is shown as such).
    lines[1] = TextLine("注册资本参佰万元整", 0.95, lines[1].box,
                        ctc=confusable(printed, 4, "参", 0.97, 1e-5))
    capital = parse(DocKind.BUSINESS_LICENSE, lines, 1012, 716, date(2025, 7, 1),
                    is_upright=True).fields["registered_capital"]
    assert capital.value == "参佰万元整"
    assert "format" in capital.problems  # no amount is written with 参
    # What prints around the amount in words is not reread ("人民币", figures).
    printed = "注册资本人民币壹佰万元"
    lines[1] = TextLine(printed, 0.95, lines[1].box,
                        ctc=confusable(printed, 4, "万", 0.002, 0.9))
    assert parse(DocKind.BUSINESS_LICENSE, lines, 1012, 716, date(2025, 7, 1),
                 is_upright=True).fields["registered_capital"].value == "人民币壹佰万元"


def test_number_region_starts_follow_the_code_table() -> None:
    assert number_region_starts("130681") == ["河北省涿州市"]  # county-level city
    assert number_region_starts("110105") == ["北京市朝阳区"]  # municipality district
    assert number_region_starts("650102") == ["新疆维吾尔自治区乌鲁木齐市天山区"]
    assert number_region_starts("441900") == ["广东省东莞市"]  # a city without counties
    assert number_region_starts("999999") == []
    assert number_region_starts("130000") == []  # a province is no address start


def test_the_number_county_wins_over_a_look_alike_county_only_on_evidence() -> None:
    printed = "河北省涿州市马头镇王家村"
    # 深州 is a real county of the same province: the table alone keeps it.
    post = confusable(printed, 3, "深", 0.7, 0.25)
    assert read_region_start("河北省深州市马头镇王家村", post) == ("河北省深州市马头镇王家村",
                                                                 False)
    assert read_region_start("河北省深州市马头镇王家村", post, ["河北省涿州市"]) == (
        printed, True)
    # Read clearly, another county stays what it is: the holder moved.
    clear = confusable("河北省深州市马头镇王家村", 3, "涿", 0.0001, 0.9998)
    assert read_region_start("河北省深州市马头镇王家村", clear, ["河北省涿州市"]) == (
        "河北省深州市马头镇王家村", False)


def test_a_name_starting_with_no_surname_is_read_against_the_surnames() -> None:
    post = confusable("雷丹红", 0, "靠", 0.7, 0.25)
    assert read_surname("靠丹红", "靠丹红", post) == "雷丹红"
    # A label merged in front is kept out of the name.
    post = confusable("姓名雷丹红", 2, "靠", 0.7, 0.25)
    assert read_surname("姓名靠丹红", "靠丹红", post) == "雷丹红"
    # Nothing where a surname would be: no name is made up.
    post = confusable("雷丹红", 0, "靠", 0.97, 0.0, extra="王李张")
    assert read_surname("靠丹红", "靠丹红", post) is None
    # A name the list lacks, printed clearly, is not turned into a listed one.
    post = confusable("买买提", 0, "贾", 5e-5, 0.99)
    assert read_surname("买买提", "买买提", post) is None
    # A name that starts with a common surname is never touched.
    assert read_surname("王丹红", "王丹红", confusable("王丹红", 0, "玉", 0.4, 0.5)) is None


@pytest.mark.parametrize(("ethnicity", "name"), [("汉", "孔西顿珠"), ("藏", "扎西顿珠")])
def test_names_of_peoples_without_han_surnames_are_read_as_printed(ethnicity: str,
                                                                   name: str) -> None:
    # 扎 is no surname; the recogniser also saw 孔 there. On a Han card the surname
    # list reads it as 孔; a Tibetan name starts with none, and is kept as read.
    post = confusable("扎西顿珠", 0, "孔", 0.2, 0.75, extra="")
    lines = [TextLine("扎西顿珠", 0.9, box(150, 50, 330, 95), ctc=post),
             TextLine("性别男民族" + ethnicity, 0.99, box(50, 120, 400, 160)),
             TextLine("出生1988年3月15日", 0.99, box(50, 180, 396, 220)),
             TextLine("住址西藏自治区拉萨市城关区北京中路8号", 0.99, box(50, 245, 500, 285)),
             TextLine("540102198803151235", 0.99, box(265, 405, 710, 450))]
    doc = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True)
    _lines, doc = pipeline._names_read(lines, doc, W, H, TODAY)
    assert doc.fields["name"].value == name
    assert han_named("阿依古丽·买买提", None) is False  # a transliterated name


def test_a_driving_licence_name_is_read_against_the_surnames() -> None:
    # Degraded driving licence 1 of bench/ocr.py --kinds driving_license --seed 9: 龚 read
    # as 装, which no surname is; the recogniser also saw 龚 there.
    post = confusable("龚艳雪", 0, "装", 0.6, 0.35)
    lines = [TextLine("中华人民共和国机动车驾驶证", 1.0, box(155, 15, 654, 66)),
             TextLine("650102198811207802", 1.0, box(154, 104, 522, 145)),
             TextLine("姓名", 0.9, box(45, 165, 92, 199)),
             TextLine("装艳雪", 0.9, box(129, 159, 234, 203), ctc=post)]
    doc = parse(DocKind.DRIVING_LICENSE, lines, 800, 545, TODAY, is_upright=True)
    assert doc.fields["name"].value == "装艳雪"
    _lines, doc = pipeline._names_read(lines, doc, 800, 545, TODAY)
    assert doc.fields["name"].value == "龚艳雪"
    assert doc.fields["name"].confidence < LOW_CONFIDENCE  # the list decided


def test_a_vehicle_owner_who_is_a_person_is_read_against_the_surnames() -> None:
    post = confusable("夏倩丽", 0, "要", 0.6, 0.35)
    lines = [TextLine("中华人民共和国机动车行驶证", 1.0, box(149, 20, 643, 63)),
             TextLine("号牌号码", 1.0, box(34, 119, 114, 146)),
             TextLine("蒙C08234", 0.96, box(147, 110, 290, 146)),
             TextLine("所有人", 1.0, box(31, 171, 98, 205)),
             TextLine("要倩丽", 0.9, box(141, 162, 229, 202), ctc=post)]
    doc = parse(DocKind.VEHICLE_LICENSE, lines, 800, 545, TODAY, is_upright=True)
    _lines, doc = pipeline._names_read(lines, doc, 800, 545, TODAY, "owner")
    assert doc.fields["owner"].value == "夏倩丽"
    assert doc.fields["owner"].confidence < LOW_CONFIDENCE


def test_a_doubtful_given_name_character_is_read_against_the_common_ones() -> None:
    post = doubting("钟燕萍", {1: ("蒸", 0.6, 0.37)})
    assert read_given_name("钟蒸萍", "钟蒸萍", post) == "钟燕萍"
    # The line's surname read otherwise before (the recogniser saw 特): the given
    # name is still read.
    post = doubting("特燕萍", {1: ("蒸", 0.6, 0.37)}, extra="钟")
    assert read_given_name("钟蒸萍", "钟蒸萍", post) == "钟燕萍"
    # A label merged in front is kept out of it.
    post = doubting("姓名钟燕萍", {3: ("蒸", 0.6, 0.37)})
    assert read_given_name("姓名钟蒸萍", "钟蒸萍", post) == "钟燕萍"
    # A character names use that the list lacks, read with some confidence, stays
    # (雨 at 0.8 against the listed 丽).
    post = doubting("钟雨萍", {1: ("丽", 0.15, 0.8)})
    assert read_given_name("钟雨萍", "钟雨萍", post) is None
    # Printed clearly, a rare character stays; the surname is never touched here.
    assert read_given_name("钟蒸萍", "钟蒸萍", doubting("钟燕萍", {1: ("蒸", 0.96, 0.01)})) is None
    assert read_given_name("蒸燕萍", "蒸燕萍", doubting("钟燕萍", {0: ("蒸", 0.6, 0.37)})) is None


def test_a_rare_surname_is_read_against_the_common_ones_on_evidence() -> None:
    # 昌 is a surname, but a hundred times rarer than 吕, which the recogniser also saw.
    post = confusable("吕婷", 0, "昌", 0.6, 0.37)
    assert read_surname("昌婷", "昌婷", post) == "吕婷"
    # Printed clearly, the rare surname stays.
    post = confusable("吕婷", 0, "昌", 0.96, 0.01)
    assert read_surname("昌婷", "昌婷", post) is None
    # Only common surnames are weighed against a rare one read: 昌 seen for the rare
    # 闻 keeps the reading as it is.
    post = confusable("闻婷", 0, "昌", 0.6, 0.37)
    assert read_surname("昌婷", "昌婷", post) is None


def doubting(printed: str, doubts: dict[int, tuple[str, float, float]], extra: str = ""
             ) -> CtcPosteriors:
    """Two frames per printed character; at each doubted position the recogniser gives
    (seen, p_seen, p_printed). `extra`: more characters it can emit."""
    alphabet = "".join(sorted(set(printed + extra) | {d[0] for d in doubts.values()}))
    rows: list[dict[str, float]] = []
    for i, ch in enumerate(printed):
        if i in doubts:
            seen, p_seen, p_printed = doubts[i]
            rows += [{seen: p_seen, ch: p_printed}, {}]
        else:
            rows += [{ch: 0.97}, {}]
    return posteriors(rows, alphabet)


def test_doubtful_characters_are_read_as_the_elements_addresses_are_built_of() -> None:
    post = doubting("东风路603号", {2: ("踏", 0.6, 0.37)})
    assert read_address_words("东风踏603号", post) == "东风路603号"
    post = doubting("李集镇东关村26号", {2: ("清", 0.6, 0.37)})
    assert read_address_words("李集清东关村26号", post) == "李集镇东关村26号"
    # A clear print of another character stays.
    post = doubting("东风路603号", {2: ("踏", 0.96, 0.01)})
    assert read_address_words("东风踏603号", post) is None
    # An element the recogniser did not see there is never put in.
    post = doubting("东风踏603号", {2: ("踏", 0.6, 0.0)})
    assert read_address_words("东风踏603号", post) is None
    # Nor is a digit of a house or room number ever made one, however soft.
    post = doubting("东风路6号3号", {4: ("0", 0.9, 0.05)})
    assert read_address_words("东风路603号", post) is None
    # Two elements in a row, the second allowed by the first: 单元.
    post = doubting("4单元1704室", {1: ("革", 0.6, 0.37), 2: ("无", 0.6, 0.37)})
    assert read_address_words("4革无1704室", post) == "4单元1704室"


def test_a_letter_where_a_number_stands_is_read_as_the_digit_seen() -> None:
    # "S单元": a unit's number; "…东风西路S" | "04号": a house number's first digit.
    post = doubting("5单元504室", {0: ("S", 0.6, 0.37)})
    assert read_address_words("S单元504室", post) == "5单元504室"
    post = doubting("东风西路5", {4: ("S", 0.6, 0.37)})
    assert read_address_words("东风西路S", post, before="北京市朝阳区") == "东风西路5"
    # A clear print of a letter stays, and so does a letter where no number stands.
    post = doubting("5单元504室", {0: ("S", 0.96, 0.01)})
    assert read_address_words("S单元504室", post) is None
    post = doubting("名仕5座", {2: ("A", 0.6, 0.37)})
    assert read_address_words("名仕A座", post, before="四川省成都市武侯区") is None
    # Letters name buildings and their parts: B栋, A号楼, 3号楼B座 stay, however soft.
    for read, at, digit in (("阳光小区B栋", 4, "8"), ("幸福花园A号楼", 4, "4"),
                            ("3号楼B座", 3, "8")):
        post = doubting(read[:at] + digit + read[at + 1:], {at: (read[at], 0.75, 0.2)})
        assert read_address_words(read, post, before="四川省成都市武侯区") is None, read


def test_a_doubtful_character_of_a_road_name_is_read_as_one_making_a_word() -> None:
    assert {"幸福", "解放", "迎宾", "人民", "花园"} <= words()
    assert not {"车福", "努放", "迎灾"} & words()
    post = doubting("幸福路191号", {0: ("车", 0.6, 0.37)})
    assert read_address_names("车福路191号", post, before="广东省东莞市") == "幸福路191号"
    # A line whose region start was read otherwise (广东东莞市 → 广东省东莞市) is still
    # read after it; not before a character that differs from the greedy reading.
    post = doubting("广东东莞市幸福路191号", {5: ("车", 0.6, 0.37)}, extra="省")
    assert read_address_names("广东省东莞市车福路191号", post) == "广东省东莞市幸福路191号"
    assert read_address_names("广东省东莞市车福路191室", post) is None
    # Its neighbour on the line above counts.
    post = doubting("福路191号", {0: ("褪", 0.6, 0.37)})
    assert read_address_names("褪路191号", post, before="广东省东莞市幸") == "福路191号"
    # A clear print stays; so does a pair that is a word already (建议, not 建设).
    post = doubting("幸福路191号", {0: ("车", 0.96, 0.01)})
    assert read_address_names("车福路191号", post, before="广东省东莞市") is None
    post = doubting("建设北路414号", {1: ("议", 0.6, 0.37)})
    assert read_address_names("建议北路414号", post, before="贵州省贵阳市南明区") is None
    # A road's section is no part of its name: 北 is not read as 出 of 放出.
    post = doubting("解放出路733号", {2: ("北", 0.6, 0.37)})
    assert read_address_names("解放北路733号", post, before="贵州省贵阳市南明区") is None
    # Nor is a town's or a village's name, even when its 村 is on the next line: 王寨
    # and 西李 are villages' names as good as 王家 and 西学.
    post = doubting("王家村364号", {1: ("寨", 0.6, 0.37)})
    assert read_address_names("王寨村364号", post, before="江苏省昆山市孙庄乡") is None
    post = doubting("西学", {1: ("李", 0.6, 0.37)})
    assert read_address_names("西李", post, before="北京市海淀区", after="村364号") is None
    assert read_address_names("西李", post, before="北京市海淀区") == "西学"  # (a road's?)
    # Nor a section of a road (人民中路 is no 人民主路), an estate's kind before its
    # building (锦绣苑5栋), a village named after its township with no 村, or a kind of
    # village (后李庄).
    for read, printed, at, before in (
            ("人民中路12号", "人民主路12号", 2, "贵州省贵阳市南明区"),
            ("锦绣苑5栋", "锦绣花5栋", 2, "四川省成都市武侯区"),
            ("王寨364号", "王家364号", 1, "江苏省昆山市孙庄乡"),
            ("后李庄45号", "后山庄45号", 1, "山东省济南市长清区孝里镇")):
        post = doubting(printed, {at: (read[at], 0.75, 0.2)})
        assert read_address_names(read, post, before=before) is None, read
    # A road named after its town's name is a road's all the same.
    post = doubting("幸福路7号", {0: ("车", 0.6, 0.37)})
    assert read_address_names("车福路7号", post, before="江苏省昆山市孙庄乡") == "幸福路7号"
    # Nor a region's name, even one the region table did not know: "簿塔区" of 西安 is
    # no 宝塔区 (a district of 延安).
    post = doubting("陕西省西安市宝塔区民主路835号", {6: ("簿", 0.6, 0.37)})
    assert read_address_names("陕西省西安市簿塔区民主路835号", post) is None


def test_without_its_word_list_an_address_is_read_as_recognised(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from showroom_app.documents.parsers import address_names

    monkeypatch.setattr(address_names, "common_words", lambda: tmp_path / "gone.txt")
    address_names.words.cache_clear()
    try:
        post = doubting("幸福路191号", {0: ("车", 0.6, 0.37)})
        assert read_address_names("车福路191号", post, before="广东省东莞市") is None
        assert "word list cannot be read" in caplog.text
    finally:
        address_names.words.cache_clear()  # (the list is read again once restored)


def test_a_road_end_starting_a_line_is_read_with_the_line_before() -> None:
    # "…东风" | "踏603号": the road's 路 starts the address's second line.
    post = doubting("路603号", {0: ("踏", 0.68, 0.31)})
    assert read_address_words("踏603号", post) is None  # alone: no name before it
    assert read_address_words("踏603号", post, before="广东省深圳市南山区东风") == "路603号"
    # "…工业" | "527号": 街 read as a digit; after a name no number starts without one.
    post = doubting("街27号", {0: ("5", 0.41, 0.32)})
    assert read_address_words("527号", post) is None
    assert read_address_words("527号", post, before="山东省青岛市崂山区工业") == "街27号"
    # A digit after a road's number or its element stays a digit.
    post = doubting("路27号", {1: ("5", 0.41, 0.32)})
    assert read_address_words("路57号", post, before="山东省青岛市崂山区工业") is None
    # So does a number right after a name, mid-line or wrapped, read with confidence.
    post = doubting("和平里15号", {3: ("路", 0.05, 0.9)})
    assert read_address_words("和平里15号", post) is None
    post = doubting("15号", {0: ("路", 0.05, 0.9)})
    assert read_address_words("15号", post, before="北京市东城区和平里") is None
    post = doubting("花园16号楼", {2: ("路", 0.05, 0.9)})
    assert read_address_words("花园16号楼", post, before="北京市海淀区") is None


def dropping(printed: str, dropped: dict[int, float], extra: str = "") -> CtcPosteriors:
    """Two frames per printed character; the ones at `dropped` were seen at the given
    probability only, the rest of their frame blank, so the greedy reading drops them."""
    alphabet = "".join(sorted(set(printed + extra)))
    rows: list[dict[str, float]] = []
    for i, ch in enumerate(printed):
        rows += [{ch: dropped.get(i, 0.97)}, {}]
    return posteriors(rows, alphabet)


def test_an_element_the_recogniser_dropped_is_put_back_where_the_grammar_wants_it() -> None:
    # "…银海" | "街376号": a road's 街, soft at the wrapped line's start.
    post = dropping("街376号", {0: 0.3})
    assert post.best_path() and len(post.best_path()) == len("376号")
    assert read_address_words("376号", post, before="吉林省长春市南关区银海") == "街376号"
    # 单 of 单元, mid-line.
    post = dropping("4单元1704室", {1: 0.3})
    assert read_address_words("4元1704室", post) == "4单元1704室"
    # Only where the grammar wants it: a line that starts the address has no name
    # before it, and no unit goes between two digits of a number.
    assert read_address_words("376号", dropping("街376号", {0: 0.3})) is None
    post = dropping("37号6号", {2: 0.3})
    assert read_address_words("376号", post, before="吉林省长春市南关区银海街") is None
    # Nor where the recogniser all but saw nothing.
    post = dropping("街376号", {0: 0.01})
    assert read_address_words("376号", post, before="吉林省长春市南关区银海") is None
    post = dropping("4单元1704室", {1: 0.0})
    assert read_address_words("4元1704室", post) is None
    # Nor where the address does without one: a road's name and its section, the
    # line's end (the unit after a last number is read on for, not guessed), the
    # region start (the region table reads it).
    post = dropping("文化镇南路427号", {2: 0.12})
    assert read_address_words("文化南路427号", post, before="山东省青岛市崂山区") is None
    post = dropping("文化路454号", {6: 0.3})
    assert read_address_words("文化路454", post, before="北京市海淀区") is None
    post = dropping("北京市海淀区路文化路4号", {6: 0.3})
    assert read_address_words("北京市海淀区文化路4号", post) is None


def test_the_region_start_is_left_to_the_region_table() -> None:
    printed = "山东省临沂市兰山区民主大道322号"
    # 临 read, doubtfully, with 镇 (an element) seen too: a region name is never made
    # an element (the region table reads it); the road's doubtful 谱 is read as 道.
    post = doubting(printed, {3: ("镇", 0.37, 0.6), 12: ("谱", 0.6, 0.37)})
    assert read_address_words("山东省临沂市兰山区民主大谱322号", post) == printed
    assert region_start_end(printed) == len("山东省临沂市兰山区")
    assert region_start_end("住址北京市朝阳区建国路88号") == len("住址北京市朝阳区")
    # A province whose second level runs on to the next line: the whole line is region.
    assert region_start_end("新疆维吾尔自治区乌鲁木") == len("新疆维吾尔自治区乌鲁木")
    assert region_start_end("东风路603号") == 0


# --- layout fixes from character positions ---------------------------------------------------

W, H = 800, 504


def box(x0: float, y0: float, x1: float, y1: float):
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def spaced(text: str, centres: list[float]) -> CtcPosteriors:
    """Posteriors putting each character of `text` at the given share of the crop."""
    frames = 40
    rows: list[dict[str, float]] = [{} for _ in range(frames)]
    for ch, c in zip(text, centres, strict=True):
        rows[int(c * frames)] = {ch: 0.95}
    return posteriors(rows, "".join(sorted(set(text))))


def id_front(name_line: TextLine, birth_line: TextLine) -> dict[str, str | None]:
    lines = [name_line, TextLine("性别", 0.99, box(50, 120, 110, 160)),
             TextLine("男", 0.99, box(150, 120, 185, 160)),
             TextLine("民族汉", 0.99, box(265, 115, 395, 160)), birth_line,
             TextLine("北京市朝阳区建国路88号", 0.99, box(148, 245, 500, 285)),
             TextLine("110105198803151232", 0.99, box(265, 405, 710, 450))]
    doc = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True)
    return {k: v.value for k, v in doc.fields.items()}


def test_a_name_whose_box_covers_the_unread_label_keeps_its_surname() -> None:
    # The box starts in the label column (the label was not read); every character the
    # recogniser placed sits in the value column.
    name = TextLine("陶成国", 0.99, box(42, 50, 263, 99),
                    ctc=spaced("陶成国", [0.55, 0.72, 0.9]))
    birth = TextLine("1988年3月15日", 0.99, box(145, 180, 390, 222))
    assert id_front(name, birth)["name"] == "陶成国"


def test_a_misread_label_in_the_name_box_is_dropped_by_position() -> None:
    name = TextLine("多刘英", 0.99, box(45, 50, 230, 99), ctc=spaced("多刘英", [0.2, 0.62, 0.85]))
    birth = TextLine("1988年3月15日", 0.99, box(145, 180, 390, 222))
    assert id_front(name, birth)["name"] == "刘英"


def front_without_sex_row(*first: TextLine, birth: bool = True) -> str | None:
    """The name parsed from an ID front whose sex row the detector lost."""
    lines = [*first,
             *([TextLine("1988年3月15日", 0.99, box(150, 180, 396, 220))] if birth else []),
             TextLine("北京市朝阳区建国路88号", 0.99, box(148, 245, 500, 285)),
             TextLine("110105198803151232", 0.99, box(265, 405, 710, 450))]
    return parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True).fields["name"].value


def test_a_row_that_cannot_be_the_name_is_not_taken_for_it() -> None:
    # The name row lost too: the birth row is no name, nor is the sex row misread with
    # no 男/女 in it ("文参汉" one row above the birth row), nor a date read as digits.
    assert front_without_sex_row() is None
    assert front_without_sex_row(TextLine("文参汉", 0.8, box(139, 115, 402, 160))) is None
    assert front_without_sex_row(TextLine("1996214", 0.6, box(141, 181, 400, 230)),
                                 birth=False) is None
    # The name row itself is kept, without the pattern read beside it.
    assert front_without_sex_row(TextLine("张伟", 0.95, box(150, 50, 260, 95))) == "张伟"
    assert front_without_sex_row(TextLine("卢华NM", 0.8, box(150, 50, 330, 95))) == "卢华"


@pytest.mark.parametrize("merged", [False, True])
def test_values_holding_a_labels_characters_keep_them(merged: bool) -> None:
    # 生 of 出生, 名 of 姓名, 民 of 民族: a name or a wrapped address line holding one
    # where a label's would be is no label ("王生辉" was read as "辉", "人" | "民大道"
    # as "人道").
    for name in ("王生辉", "张名扬", "民大伟"):
        first = ([TextLine("姓名" + name, 0.99, box(50, 50, 300, 95))] if merged else
                 [TextLine("姓名", 0.99, box(50, 50, 110, 95)),
                  TextLine(name, 0.99, box(150, 50, 300, 95))])
        lines = [*first, TextLine("性别男", 0.99, box(50, 120, 185, 160)),
                 TextLine("民族汉", 0.99, box(265, 115, 395, 160)),
                 TextLine("出生1988年3月15日", 0.99, box(50, 180, 396, 220)),
                 TextLine("住址天津市和平区开元街道人", 0.99, box(50, 245, 500, 285)),
                 TextLine("民大道354号", 0.99, box(148, 285, 330, 325)),
                 TextLine("120101198803151237", 0.99, box(265, 405, 710, 450))]
        fields = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True).fields
        assert fields["name"].value == name
        assert fields["address"].value == "天津市和平区开元街道人民大道354号"


def front(*rows: tuple[str, float, float, float, float, float]) -> dict[str, FieldValue]:
    """The fields parsed from an upright ID front's lines, each (text, score, x0, y0,
    x1, y1)."""
    lines = [TextLine(text, score, box(*corners)) for text, score, *corners in rows]
    return parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True).fields


def test_labels_read_exactly_are_dropped_wherever_the_row_starts() -> None:
    # The card cut with desk at its left: label and value merged start in the value
    # column, where no misread label is looked for.
    fields = front(("姓名肖春", 0.99, 150, 50, 330, 95), ("性别女民族汉", 0.99, 150, 120, 400, 160),
                   ("出生1998年9月14日", 0.99, 150, 180, 420, 220),
                   ("住址福建省厦门市思明区新华", 0.99, 150, 245, 500, 285),
                   ("街502号", 0.99, 230, 285, 330, 325),
                   ("350203199809148244", 0.99, 265, 405, 710, 450))
    assert fields["name"].value == "肖春"
    assert fields["address"].value == "福建省厦门市思明区新华街502号"


def test_a_birth_row_read_as_no_date_still_ends_where_the_address_starts() -> None:
    fields = front(("沈慧晶", 0.8, 142, 58, 275, 105),
                   ("文土家", 0.7, 41, 116, 426, 171),  # the sex row, 女 misread
                   ("2003 = 3 = 21 8", 0.8, 47, 181, 397, 233),
                   ("山东省临沂市兰山区泰山", 0.8, 135, 250, 502, 290),
                   ("路485号", 0.99, 145, 292, 300, 334),
                   ("371302200303213266", 0.99, 263, 411, 708, 458))
    assert fields["address"].value == "山东省临沂市兰山区泰山路485号"
    assert fields["name"].value == "沈慧晶"
    # The year's first digit lost ("993=1月4日"): its month and day still mark the row.
    fields = front(("汤志斌", 0.8, 138, 50, 262, 98), ("男", 0.9, 140, 115, 190, 163),
                   ("993=1月4日", 0.75, 163, 182, 368, 224),
                   ("辽宁省沈阳市和平区金色", 0.79, 138, 246, 500, 287),
                   ("家园13号楼2501室", 0.9, 143, 288, 417, 328),
                   ("210102199301046335", 0.94, 263, 410, 703, 447))
    assert fields["address"].value == "辽宁省沈阳市和平区金色家园13号楼2501室"
    assert fields["birth_date"].value == "1993-01-04"  # (taken from the valid number)
    assert "from_id_number" in fields["birth_date"].problems


def test_a_colon_after_a_label_is_not_the_value() -> None:
    fields = front(("姓名", 0.99, 50, 60, 115, 98), (":余建永", 0.9, 128, 52, 265, 99),
                   ("男", 0.9, 140, 115, 190, 160), ("1991年4月21日", 0.95, 148, 181, 396, 219),
                   ("住址：北京市海淀区文化路454号", 0.95, 50, 242, 502, 284),
                   ("110108199104216844", 1.0, 266, 407, 711, 448))
    assert fields["name"].value == "余建永"
    assert fields["address"].value == "北京市海淀区文化路454号"


def test_a_birth_date_whose_last_character_was_read_as_a_letter_is_read() -> None:
    # 日 read as "B": as a digit it would make the day 118.
    fields = front(("韩晶秀", 0.99, 140, 51, 266, 97), ("女", 0.9, 140, 115, 190, 160),
                   ("1998年8月11B", 0.95, 148, 181, 396, 219),
                   ("西藏自治区拉萨市城关区", 1.0, 148, 242, 502, 284),
                   ("团结大街107号", 1.0, 146, 286, 368, 327),
                   ("540102199808116547", 1.0, 266, 407, 711, 448))
    assert fields["birth_date"].value == "1998-08-11"
    assert not fields["birth_date"].problems


def test_an_id_number_the_detector_cut_in_two_is_read_whole() -> None:
    fields = front(("钟娟", 0.99, 138, 49, 224, 99), ("女", 1.0, 140, 118, 184, 158),
                   ("1996年3月21日", 1.0, 141, 179, 358, 224),
                   ("江苏省昆山市城关街道银", 1.0, 143, 244, 497, 286),
                   ("海街33号", 1.0, 139, 285, 279, 332),
                   ("公民身份号码", 0.95, 50, 415, 195, 450),
                   ("3", 1.0, 262, 411, 296, 449), ("20583199603211426", 1.0, 276, 406, 703, 452))
    assert fields["id_number"].value == "320583199603211426"
    assert not fields["id_number"].problems
    assert fields["address"].value == "江苏省昆山市城关街道银海街33号"
    # Joined, they must check out: two boxes joined by mistake show no number.
    fields = front(("钟娟", 0.99, 138, 49, 224, 99), ("女", 1.0, 140, 118, 184, 158),
                   ("1996年3月21日", 1.0, 141, 179, 358, 224),
                   ("江苏省昆山市城关街道银海街33号", 1.0, 143, 244, 497, 286),
                   ("3", 1.0, 262, 411, 296, 449), ("20583199603211427", 1.0, 276, 406, 703, 452))
    assert fields["id_number"].value is None


def test_a_number_failing_its_check_still_names_its_county() -> None:
    # 省 and 州 misread, 市 lost: two edits from 杭州市 is more than the table alone
    # allows, so only the number's county reads it.
    printed = "浙江省杭州市西湖区幸福"
    rows: list[dict[str, float]] = []
    for i, ch in enumerate(printed):
        rows += [{2: {"镇": 0.6, ch: 0.37}, 4: {"师": 0.6, ch: 0.37}, 5: {ch: 0.3}}.get(
            i, {ch: 0.97}), {}]
    post = posteriors(rows, "".join(sorted(set(printed + "镇师"))))
    read = "浙江镇杭师西湖区幸福"
    assert post.log_likelihood(read) > post.log_likelihood(printed)
    starts = number_region_starts("330106")
    assert read_region_start(read, post) == (read, False)
    assert read_region_start(read, post, starts, regions.UNSURE_NUMBER_REGION_NATS) == (
        printed, True)


def test_a_birth_date_whose_small_characters_were_lost() -> None:
    # "1984 年 6 月 8 日" read as "198468": the gaps where 年 and 月 were tell the parts.
    birth = TextLine("198468", 0.99, box(144, 180, 376, 224),
                     ctc=spaced("198468", [0.05, 0.12, 0.19, 0.26, 0.55, 0.85]))
    name = TextLine("张伟", 0.99, box(145, 50, 230, 99))
    assert id_front(name, birth)["birth_date"] == "1984-06-08"


def test_date_readings_put_the_numbers_date_in_place_of_the_digits() -> None:
    born = date(1985, 11, 4)
    assert "1985年11月4日" in pipeline._date_readings("1985年11月84日", born)
    assert "出生1985114" in pipeline._date_readings("出生19851184", born)
    assert pipeline._date_readings("1985年11月4日", born) == [
        "1985114", "1985114日", "198511月4", "198511月4日", "1985年114", "1985年114日",
        "1985年11月4"]  # the other printed forms only; the text as read is no option
    # The small 年/月/日 read as digits or as other characters: the whole printed date,
    # each of them present or lost, goes in place of the span from the year on.
    assert "2004年12月8日" in pipeline._date_readings("2004428日", date(2004, 12, 8))
    assert "≥21991年6月6日" in pipeline._date_readings("≥21991±668", date(1991, 6, 6))
    assert "1991年4月8日" in pipeline._date_readings("199144月8日", date(1991, 4, 8))


def birth_row_front(birth: TextLine, number: str) -> list[TextLine]:
    """An upright ID front's lines around the birth row `birth`, numbered `number`."""
    return [TextLine("张伟", 0.99, box(145, 50, 230, 99)),
            TextLine("男", 0.99, box(150, 120, 185, 160)),
            birth,
            TextLine("北京市朝阳区建国路88号", 0.99, box(148, 245, 500, 285)),
            TextLine(number, 0.99, box(265, 405, 710, 450))]


def _birth_checked(read: str, printed: str, p_seen: float) -> tuple[str | None, list[str]]:
    """The birth date field after reading `read` for a line that printed `printed`, the
    recogniser giving the differing character p_seen (the printed one the rest)."""
    at = next(i for i, (a, b) in enumerate(zip(read, printed, strict=True)) if a != b)
    post = confusable(printed, at, read[at], p_seen, 0.97 - p_seen)
    lines = birth_row_front(TextLine(read, 0.99, box(145, 180, 390, 222), ctc=post),
                            "110105198803151232")
    doc = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True)
    _lines, doc = pipeline._birth_date_of_number(lines, doc, W, H, TODAY)
    return doc.fields["birth_date"].value, doc.fields["birth_date"].problems


def test_a_misread_birth_date_is_read_against_the_valid_numbers_date() -> None:
    value, problems = _birth_checked("1988年3月17日", "1988年3月15日", 0.6)
    assert value == "1988-03-15" and problems == ["low_confidence"]
    # A date printed clearly otherwise (a specimen, a forgery) stays, and is reported.
    value, problems = _birth_checked("1988年3月17日", "1988年3月15日", 0.96999)
    assert value == "1988-03-17" and "birth_date_mismatch" in problems


def test_a_date_read_as_no_date_is_read_against_a_number_failing_its_check_too() -> None:
    # "1988年3月75日" is no date; the number's check character is wrong, but its date
    # digits still say which date the blurred 1 was.
    printed, read = "1988年3月15日", "1988年3月75日"
    post = confusable(printed, 7, "7", 0.6, 0.37)
    lines = birth_row_front(TextLine(read, 0.99, box(145, 180, 390, 222), ctc=post),
                            "110105198803151233")
    doc = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True)
    assert "check_character" in doc.fields["id_number"].problems
    assert "date_invalid" in doc.fields["birth_date"].problems
    _lines, doc = pipeline._birth_date_of_number(lines, doc, W, H, TODAY)
    assert doc.fields["birth_date"].value == "1988-03-15"
    assert "check_character" in doc.fields["id_number"].problems  # still reported
    # A valid date that differs from such a number is left as read and reported.
    lines[2] = TextLine("1988年3月17日", 0.99, box(145, 180, 390, 222),
                        ctc=confusable(printed, 7, "7", 0.6, 0.37))
    doc = parse(DocKind.ID_FRONT, lines, W, H, TODAY, is_upright=True)
    _lines, doc = pipeline._birth_date_of_number(lines, doc, W, H, TODAY)
    assert doc.fields["birth_date"].value == "1988-03-17"


def test_a_region_start_wrapped_on_to_the_next_line_is_read_across_the_break() -> None:
    first_printed, second_printed = "新疆维吾尔自治区乌鲁木", "齐市天山区长江路172号"
    first = confusable(first_printed, 8, "鸟", 0.6, 0.37)
    second = confusable(second_printed, 0, "晋", 0.6, 0.37)
    first_read, second_read = "新疆维吾尔自治区鸟鲁木", "晋市天山区长江路172号"
    # Neither line alone holds a name of the table to read it against.
    assert read_region_start(first_read, first) == (first_read, False)
    assert read_wrapped_region_start(first_read, first, second_read, second) == (
        first_printed, second_printed)
    # Only a line starting like a province is an address's first line (not a name over
    # its sex row, nor a date over the address), give or take a misread character or a
    # merged label.
    assert regions.starts_like_province("新疆线春尔自治区乌鲁木")
    assert regions.starts_like_province("住址北京市朝阳区")
    assert not regions.starts_like_province("张伟男汉")
    assert not regions.starts_like_province("1988年3月15日")
    # Printed clearly so: not rewritten.
    sure_first = confusable(first_printed, 8, "鸟", 0.96, 0.01)
    sure_second = confusable(second_printed, 0, "晋", 0.96, 0.01)
    assert read_wrapped_region_start(first_read, sure_first, second_read, sure_second) is None


def test_a_start_read_in_place_of_a_misread_label_keeps_its_first_characters() -> None:
    # "住址" misread as "20" in the address box; the number's county replaces
    # "20山东省寿光市". The label column is dropped by where the recogniser saw each
    # character of the new text, not by the old text's positions.
    text = "20山东省寿光市马头乡南刘"
    centres = [0.026, 0.082] + [0.214 + 0.07 * k for k in range(11)]
    address = TextLine(text, 0.9, box(53, 245, 507, 288), ctc=spaced(text, centres))
    lines = [TextLine("贺勇亮", 0.99, box(145, 50, 270, 99)),
             TextLine("男", 0.99, box(150, 120, 185, 160)),
             TextLine("2005年11月12日", 0.99, box(145, 180, 410, 222)), address,
             TextLine("村871号", 0.99, box(147, 287, 275, 333)),
             TextLine("370783200511126991", 0.99, box(265, 405, 710, 450))]
    again = pipeline._region_starts(lines, number_region_starts("370783"))
    assert again[3].text == "山东省寿光市马头乡南刘"
    doc = parse(DocKind.ID_FRONT, again, W, H, TODAY, is_upright=True)
    assert doc.fields["address"].value == "山东省寿光市马头乡南刘村871号"


# --- the real engine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    eng = RapidOcrEngine()
    eng.warm_up()
    return eng


def render_text(text: str, size: int = 40) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("RGB", (right - left + 16, bottom - top + 16), (245, 245, 240))
    ImageDraw.Draw(img).text((8 - left, 8 - top), text, font=font, fill=(20, 20, 20))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


@needs_font
def test_engine_keeps_what_the_recogniser_saw(engine: RapidOcrEngine) -> None:
    text, _score, post = engine.recognize_ctc([render_text("北京市朝阳区")])[0]
    assert text == "北京市朝阳区"
    assert post.log_likelihood(text) > math.log(0.5)
    assert post.log_likelihood("北京市朝阳区") > post.log_likelihood("北京市潮阳区") + 5
    centres = post.char_centres()
    assert len(centres) == len(text)
    assert centres == sorted(centres) and 0 < centres[0] < 0.2 and 0.8 < centres[-1] <= 1


@needs_font
def test_read_lines_carry_their_posteriors(engine: RapidOcrEngine) -> None:
    lines = engine.read(render_text("姓名 张伟   性别 男"))
    assert lines and all(ln.ctc is not None for ln in lines)
    assert engine.recognize([render_text("男")]) == [
        (t, s) for t, s, _p in engine.recognize_ctc([render_text("男")])]


@needs_font
def test_sex_row_values_are_read_from_their_closed_lists(engine: RapidOcrEngine) -> None:
    doc, truth = render("id_front", random.Random(5))
    lines = engine.read(doc)
    chosen = pipeline._lexicon_probe(engine, doc, lines, {"sex", "ethnicity"})
    assert chosen["sex"].value == truth["sex"]
    assert chosen["ethnicity"].value == truth["ethnicity"]
    # A clean print read as itself: the list did not have to decide.
    assert chosen["sex"].confidence >= LOW_CONFIDENCE


@needs_font
def test_a_crop_the_list_does_not_explain_is_not_forced_into_it(
        engine: RapidOcrEngine) -> None:
    doc, _truth = render("id_front", random.Random(5))
    lines = engine.read(doc)
    h, w = doc.shape[:2]
    # Print something that is no sex value where the sex value goes.
    crop = render_text("文", 40)
    y0, x0 = int(0.30 * h), int(0.19 * w)
    patched = doc.copy()
    patched[y0 - 20:y0 + 80, x0 - 10:x0 + 70] = 235
    patched[y0:y0 + crop.shape[0], x0:x0 + crop.shape[1]] = crop
    chosen = pipeline._lexicon_probe(engine, patched, lines, {"sex"})
    assert "sex" not in chosen or chosen["sex"].confidence < LOW_CONFIDENCE


def test_degraded_id_fronts_read_better_than_before(engine: RapidOcrEngine) -> None:
    """A fixed sample of degraded frames (the bench's generator, seed 3): before the
    orientation vote, closed lists and character positions, 6 of these 12 read every
    field exactly; a misread ID number is never presented as valid."""
    rng = random.Random("3:degraded")
    exact = 0
    for _ in range(12):
        doc, truth = render("id_front", rng, invalid_check=rng.random() < 0.2)
        frame, _corners = photograph(doc, rng, "degraded")
        fields = pipeline.read_document(engine, frame, DocKind.ID_FRONT,
                                        today=TODAY).document.fields
        keys = [k for k in truth if not k.startswith("_")]
        exact += all(fields[k].value == truth[k] for k in keys)
        number = fields["id_number"]
        assert number.value == truth["id_number"] or number.value is None or number.problems
    assert exact >= 8


def test_a_label_character_left_before_the_ethnicity_is_not_its_value() -> None:
    from showroom_app.documents.parsers import _ethnicity

    assert _ethnicity("民") is None  # the label's first character, the value lost
    assert _ethnicity("民舜") == "舜"  # shown as read, without the label's character
    assert _ethnicity("民族汉") == "汉"
    assert _ethnicity("维吾尔") == "维吾尔"


def _soft_value_crop(text: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A sex-row value crop as a dim, soft picture gives it: mostly paper with a smooth
    shade and sensor noise, the value small, low in contrast and blurred. Returns the
    crop and where the value's ink is (x0, y0, x1, y1)."""
    glyph = cv2.cvtColor(render_text(text, 30), cv2.COLOR_BGR2GRAY).astype(np.float32)
    h, w = 88, 176
    ys, xs = np.mgrid[0:h, 0:w]
    paper = 150 + 25 * xs / w + 10 * ys / h  # uneven light across the crop
    ink = np.zeros((h, w), np.float32)
    gy, gx = 22, 58
    ink[gy:gy + glyph.shape[0], gx:gx + glyph.shape[1]] = (245 - glyph) / 225
    picture = paper - 70 * cv2.GaussianBlur(ink, (0, 0), 1.2)
    picture += np.random.default_rng(3).normal(0, 6, (h, w))
    crop = cv2.cvtColor(np.clip(picture, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    rows, cols = np.where(ink > 0.3)
    return crop, (int(cols.min()), int(rows.min()), int(cols.max()), int(rows.max()))


@needs_font
@pytest.mark.parametrize("value", ["彝", "蒙古"])
def test_a_small_soft_value_is_cut_to_its_glyphs(engine: RapidOcrEngine, value: str) -> None:
    crop, (x0, y0, x1, y1) = _soft_value_crop(value)
    glyph = pipeline._glyph_crop(crop, 30.0)
    assert glyph is not None
    gh, gw = glyph.shape[:2]
    assert gh < 0.8 * crop.shape[0] and gw < 0.8 * crop.shape[1]
    # Every glyph of the value is inside the cut (both characters of 蒙古), with room.
    assert gw >= (x1 - x0) and gh >= (y1 - y0)
    chosen = pipeline._lexicon_choice("ethnicity", *engine.recognize_ctc([glyph])[0])
    assert chosen is not None and chosen.value == value


def test_a_crop_of_plain_paper_has_no_glyph() -> None:
    noise = np.random.default_rng(4).normal(0, 3, (88, 176))
    crop = cv2.cvtColor(np.clip(170 + noise, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    assert pipeline._glyph_crop(crop, 30.0) is None


def test_only_the_longest_lines_vote_on_the_way_up(engine: RapidOcrEngine) -> None:
    # A business licence has ~40 lines: the classifier reads the VOTERS longest (one
    # batch), and their vote still turns the whole page, short lines included.
    doc, truth = render("business_license", random.Random(5))
    seen: list[list[int]] = []
    classify = engine._ocr.text_cls

    def spy(crops):
        seen.append([c.shape[1] for c in crops])
        return classify(crops)

    engine._ocr.text_cls = spy
    try:
        upright = engine.read(doc)
        turned = engine.read(np.ascontiguousarray(np.rot90(doc, 2)))
    finally:
        engine._ocr.text_cls = classify
    assert len(upright) > 2 * VOTERS
    assert [len(widths) for widths in seen] == [VOTERS, VOTERS]
    # (Detection splits a turned page's lines a little otherwise: compare what matters.)
    assert truth["uscc"] in {ln.text for ln in upright}
    assert truth["uscc"] in {ln.text for ln in turned}
    assert truth["name"] in "".join(ln.text for ln in turned)


def _card_at_reading_width(doc: np.ndarray) -> np.ndarray:
    scale = pipeline.CARD_READ_WIDTH / doc.shape[1]
    return cv2.resize(doc, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def test_labels_known_by_their_place_are_left_unread(engine: RapidOcrEngine) -> None:
    # The recogniser pads every crop to 320 px: a two-character label costs as much as
    # a name. Left unread, the labels keep their boxes (the print's extent) and every
    # value reads as it did, upright or laid upside down.
    card = _card_at_reading_width(render("id_front", random.Random(8))[0])
    width = card.shape[1]
    crops_read: list[int] = []
    recognize = engine._recognize

    def spy(crops, packed=False):
        crops_read.append(len(crops))
        return recognize(crops, packed)

    engine._recognize = spy  # type: ignore[method-assign]
    try:
        every = engine.read(card)
        fewer = engine.read(card, skip=id_front_label_box)
        turned = engine.read(np.ascontiguousarray(np.rot90(card, 2)), skip=id_front_label_box)
    finally:
        del engine._recognize
    height = card.shape[0]
    labels = [ln for ln in every if id_front_label_box(
        tuple((x / width, y / height) for x, y in ln.box))]
    # The number's label too: it reaches past the label column, but not to the number.
    assert {ln.text for ln in labels} >= {"姓名", "性别", "出生", "住址", "公民身份号码"}
    assert not any(id_front_label(ln.left / width, ln.right / width)
                   for ln in labels if ln.text == "公民身份号码")
    unread = [ln for ln in fewer if ln.unread]
    assert len(unread) == len(labels) and crops_read[:2] == [len(every), len(every) - len(labels)]
    assert all(ln.score == UNREAD_SCORE and ln.ctc is None for ln in unread)
    assert [ln.box for ln in unread] == [ln.box for ln in labels]
    assert [ln.text for ln in fewer if not ln.unread] == [
        ln.text for ln in every if ln not in labels]
    # Turned, the labels lie at the picture's right: asked about as the text reads.
    turned_unread = [ln for ln in turned if ln.unread]
    assert len(turned_unread) == len(labels)
    assert all(ln.left > (1 - NUMBER_COLUMN) * width for ln in turned_unread)
    # (Detection splits a turned card's lines a little otherwise: compare characters.
    # It also boxes a patch of the guilloche there, which the desk's recogniser reads
    # as "N" at 0.78: below LOW_CONFIDENCE, so a field built on it is highlighted.)
    stray = [ln for ln in turned if not ln.unread and ln.score < LOW_CONFIDENCE]
    assert len(stray) <= 1 and all(len(ln.text) == 1 for ln in stray)
    assert sorted("".join(ln.text for ln in turned if ln not in stray)) == sorted(
        "".join(ln.text for ln in every if ln not in labels))


def test_the_upright_shares_of_a_box() -> None:
    box = np.float32([[10, 20], [50, 20], [50, 40], [10, 40]])
    assert shares(box, 100, 80) == ((0.1, 0.25), (0.5, 0.25), (0.5, 0.5), (0.1, 0.5))
    # Turned 180°: still clockwise from the top-left of the text as it reads.
    assert shares(box, 100, 80, turned=True) == (
        (0.5, 0.5), (0.9, 0.5), (0.9, 0.75), (0.5, 0.75))
