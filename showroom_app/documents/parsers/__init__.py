"""Field parsers: OCR lines of a rectified document → fields with value, confidence
and problems. `parse()` is the entry point; `detect_kind()` guesses the document and
`upright()` turns the layout of a card read upside down (the recogniser already
reads each line the right way up; only the positions are flipped)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from datetime import date

from models.ocr.base import Box, SkipLine, TextLine
from showroom_app.documents import validators as v
from showroom_app.documents.fields import (
    FIELD_KEYS,
    LOW_CONFIDENCE,
    DocKind,
    FieldValue,
    ParsedDocument,
    Problem,
)
from showroom_app.documents.parsers.authorities import bureau_in
from showroom_app.documents.parsers.common import (
    as_digits,
    digits_only,
    find_date,
    group_rows,
    iso,
    normalize,
    strip_any_label,
)
from showroom_app.documents.parsers.forms import Found, label_of, same_row, value_after
from showroom_app.documents.parsers.regions import region_tree, starts_like_province
from showroom_app.documents.parsers.rereading import reread

# --- orientation and kind ------------------------------------------------------------


def flip(lines: list[TextLine], width: float, height: float) -> list[TextLine]:
    """The same lines with positions turned 180° (text kept as read)."""
    out = []
    for ln in lines:
        p = [(width - x, height - y) for x, y in ln.box]
        out.append(TextLine(ln.text, ln.score, (p[2], p[3], p[0], p[1]), ctc=ln.ctc))
    return out


_ID_NUMBER = re.compile(r"\d{17}[\dXx×]")


def _anchor_y(kind: DocKind, lines: list[TextLine]) -> tuple[float, bool] | None:
    """(vertical centre of the kind's anchor line, whether the anchor belongs in the
    lower half when the document is upright)."""
    for ln in lines:
        t = normalize(ln.text)
        if kind is DocKind.ID_FRONT and len(digits_only_keep_x(t)) >= 14:
            return ln.center[1], True
        if kind is DocKind.ID_BACK and ("共和国" in t or "身份证" in t):
            return ln.center[1], False
        if kind in (DocKind.DRIVING_LICENSE, DocKind.VEHICLE_LICENSE) and (
                "Republic" in ln.text or ("License" in ln.text and len(t) > 20)
                # The Chinese title above it: read when the small English one is not.
                or "共和国" in t or "驾驶证" in t or "行驶证" in t):
            return ln.center[1], False
        if kind is DocKind.BUSINESS_LICENSE and ("营业执照" in t or "执照" in t):
            return ln.center[1], False
        if kind is DocKind.BANK_CARD and "银行" in t:
            return ln.center[1], False
    return None


def digits_only_keep_x(text: str) -> str:
    return re.sub(r"[^\dXx×]", "", text)


_LEFT_LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码", "签发机关", "有效期限",
                "证号", "准驾车型", "号牌号码", "所有人", "车辆识别代号", "发动机号", "注册日期",
                "法定代表人", "注册资本", "成立日期", "营业期限", "经营范围")


def upright(kind: DocKind, lines: list[TextLine], width: float, height: float
            ) -> tuple[list[TextLine], bool]:
    anchor = _anchor_y(kind, lines)
    if anchor is None:
        # No anchor read: labels stand left of their values on an upright document (a
        # line left unread is a label by its place on the document as the engine
        # turned it).
        labels = [ln for ln in lines if ln.unread or normalize(ln.text) in _LEFT_LABELS]
        if labels and sum(ln.center[0] for ln in labels) / len(labels) > 0.6 * width:
            return flip(lines, width, height), True
        return lines, False
    y, belongs_low = anchor
    if (y > height / 2) != belongs_low:
        return flip(lines, width, height), True
    return lines, False


_KIND_WORDS: list[tuple[DocKind, tuple[str, ...]]] = [
    (DocKind.BUSINESS_LICENSE, ("营业执照", "统一社会信用代码", "法定代表人", "注册资本")),
    (DocKind.DRIVING_LICENSE, ("驾驶证", "准驾车型", "初次领证", "Driving")),
    (DocKind.VEHICLE_LICENSE, ("行驶证", "号牌号码", "车辆识别代号", "发动机号", "Vehicle")),
    (DocKind.ID_BACK, ("签发机关", "有效期限", "居民身份证")),
    (DocKind.ID_FRONT, ("公民身份号码", "民族", "住址", "出生")),
    (DocKind.BANK_CARD, ("银联", "UnionPay", "借记卡", "信用卡", "银行")),
]


def detect_kind(lines: list[TextLine]) -> DocKind | None:
    text = "".join(normalize(ln.text) for ln in lines)
    best, hits = None, 0
    for kind, words in _KIND_WORDS:
        n = sum(1 for w in words if normalize(w) in text)
        if n > hits:
            best, hits = kind, n
    return best


# --- per kind ---------------------------------------------------------------------------


def _field(text: str | None, score: float) -> FieldValue:
    return FieldValue(text or None, score if text else 0.0)


def _char_xs(line: TextLine) -> list[float]:
    """Where in the picture each character of the line's text stands: where the
    recogniser saw it, else spread evenly over the box."""
    text = line.text
    shares = line.ctc.char_centres(text) if line.ctc is not None else []
    if len(shares) != len(text):
        shares = [(i + 0.5) / len(text) for i in range(len(text))]
    return [line.left + share * (line.right - line.left) for share in shares]


def _piece(text: str, score: float, line: TextLine, x0: float, x1: float) -> TextLine:
    """`text` as a box of its own: the part of `line`'s box from x0 to x1."""
    return TextLine(text, score, ((x0, line.top), (x1, line.top), (x1, line.bottom),
                                  (x0, line.bottom)))


def _under_review(score: float) -> float:
    """The confidence of a value a list, a table or the layout decided: under the review
    threshold, so the consultant checks it."""
    return min(score, LOW_CONFIDENCE - 0.01)


def _id_number_from(lines: list[TextLine]) -> tuple[str | None, float, TextLine | None]:
    best = _best_number(lines)
    if best[0] is not None:
        return best
    # A number the detector cut in two boxes ("3" | "20583199603211426") is read whole,
    # when no box holds it alone, and only when it checks out: two boxes of digits
    # joined by mistake (a stray digit beside a number read short, one box detected
    # twice) must not show a number where none was read.
    return _best_number([ln for ln in _number_pieces_joined(lines)
                         if _checks_out(_id_number_candidate(ln.text))])


def _checks_out(number: str) -> bool:
    return len(number) == 18 and number[17] == v.id_check_character(number[:17])


def _best_number(lines: list[TextLine]) -> tuple[str | None, float, TextLine | None]:
    best: tuple[str | None, float, TextLine | None] = (None, 0.0, None)
    for ln in lines:
        candidate = _id_number_candidate(ln.text)
        if len(candidate) == 18 and (best[0] is None or ln.score > best[1]):
            best = (candidate, ln.score, ln)
    return best


def _id_number_candidate(text: str) -> str:
    raw = normalize(text).upper().replace("×", "X")
    raw = re.sub(r"^[^\d]*", "", raw)  # a merged label in front
    return digits_only(raw[:-1]) + (raw[-1] if raw[-1:] == "X" else digits_only(raw[-1:]))


def _number_pieces_joined(lines: list[TextLine]) -> list[TextLine]:
    """Two boxes of digits side by side on one row, each short of a number, as one box
    (their texts joined left to right, the lower score)."""
    pieces = [ln for ln in lines if 0 < len(_id_number_candidate(ln.text)) < 18]
    out = []
    for a in pieces:
        for b in pieces:
            if (a is not b and same_row(a, b) and a.left < b.left
                    and -min(a.height, b.height) < b.left - a.right
                    < 1.5 * min(a.height, b.height)):
                box = ((a.left, min(a.top, b.top)), (b.right, min(a.top, b.top)),
                       (b.right, max(a.bottom, b.bottom)), (a.left, max(a.bottom, b.bottom)))
                out.append(TextLine(a.text + b.text, min(a.score, b.score), box))
    return out


def id_number_line(lines: list[TextLine]) -> TextLine | None:
    """The line the ID front's number is read from (look-alikes mapped), if any."""
    return _id_number_from(lines)[2]


_ID_LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
_EXACT_LABELS = ("姓名", "性别", "出生", "住址")


def parse_id_front(lines: list[TextLine], width: float, height: float,
                   today: date) -> dict[str, FieldValue]:
    number, number_score, number_line = _id_number_from(lines)
    fields = {"id_number": _field(number, number_score)}
    rest = [ln for ln in lines if ln is not number_line
            and not (number_line is not None and ln.top > number_line.top - 0.5 * ln.height)]
    # The photo sits right of ~62 % of the width and holds no text worth reading.
    rest = [ln for ln in rest if ln.left < 0.62 * width]
    rows = group_rows(rest)

    def value_text(row) -> str:
        # Labels sit in their own column at the left (values start at ~17 % of the
        # width). A label box is dropped; a label merged into its value loses its two
        # characters, however they were misread (娃名, 建条 for 姓名).
        parts = []
        for ln in row.lines:
            text = normalize(ln.text)
            if ln.left < LABEL_COLUMN * width:
                # A two-character box is the label alone, unless it reaches a character
                # width into the value column ("性女": label and a one-character value).
                if id_front_label(ln.left / width, ln.right / width) or (
                        len(text) <= 2 and ln.right < (VALUE_COLUMN + 0.04) * width):
                    continue
                text = _drop_label(text, ln, width)
            parts.append(text)
        # A label read exactly is dropped wherever the row starts (a card cut with the
        # desk at its left puts the labels right of their column); one misread is
        # dropped by position only (_drop_label), since names and addresses hold its
        # characters ("王生辉" is no 出生 label and 辉, "人" | "民大道354号" no 民族
        # label). 民族 itself starts roads ("民族大道"): the ethnicity reading drops it.
        text = "".join(parts)
        text = next((text[len(label):] for label in _EXACT_LABELS
                     if text.startswith(label) and len(text) > len(label)), text)
        # The colon after a label ("姓名：") is the label's, not the value's.
        return text.lstrip(":：;；,，.。、")

    sex_row = next((i for i, r in enumerate(rows) if re.search(r"[男女]", r.text)
                    and _row_date(r) is None), None)
    birth_row = next((i for i, r in enumerate(rows) if _row_date(r)), None)
    if sex_row is not None:
        row = rows[sex_row]
        text = value_text(row)
        sex = re.search(r"[男女]", text)
        fields["sex"] = _field(sex.group(0) if sex else None, row.score)
        after = text[sex.end():] if sex else text
        fields["ethnicity"] = _field(_ethnicity(after), row.score)
        name_rows = rows[:sex_row]
    else:
        # The first row, unless the detector lost the name row too and the first row
        # is the sex row misread ("文参汉") or the birth row: told by its place, above
        # the birth row by more than the sex row is (the card's outline may be off by a
        # few per cent), else in the name's band.
        below = (rows[birth_row].center_y - NAME_ABOVE_BIRTH * height
                 if birth_row is not None else NAME_ROW_Y[1] * height)
        name_rows = [r for r in rows[:1] if r.center_y < below]
    if name_rows:
        row = name_rows[-1]
        # Letters or digits beside the name are the pattern read ("卢华NM"): no name
        # holds any.
        text = re.sub(r"^[A-Za-z0-9]+(?=[\u3400-\u9fff]{2})|(?<=[\u3400-\u9fff]{2})[A-Za-z0-9]+$",
                      "", value_text(row))
        if _name_like(text):
            fields["name"] = _field(text, row.score)
    placed = False  # the address found by its start alone, no row above it read
    if birth_row is not None:
        row = rows[birth_row]
        fields["birth_date"] = _field(iso(_row_date(row)), row.score)
        address_rows = rows[birth_row + 1:]
    elif (year_row := next((i for i, r in enumerate(rows) if r.center_y < 0.5 * height
                            and re.search(r"(?:19|20)\d{2}|\d月\d{1,2}日", r.text)
                            and not re.search(ADDRESS_ELEMENTS, r.text)), None)) is not None:
        # The birth row read as no date ("2003 = 3 = 21 8", "993=1月4日" with the year's
        # first digit lost): its year or its month and day still mark it, and the
        # address follows it.
        address_rows = rows[year_row + 1:]
    elif (start := next((i for i, r in enumerate(rows)
                         if i > (-1 if sex_row is None else sex_row)
                         and r.center_y > NAME_ROW_Y[1] * height
                         and _PROVINCE_START.match(value_text(r))), None)) is not None:
        # Neither the birth row nor its year read (a reflection over the card's upper
        # half): the address is where a line starts with a province, below the name.
        address_rows = rows[start:]
        placed = True
    else:
        address_rows = rows[(sex_row or 0) + 2:]
    if address_rows:
        text = "".join(value_text(r) for r in address_rows)
        score = min(r.score for r in address_rows)
        fields["address"] = _field(text or None, _under_review(score) if placed else score)
    return fields


def _name_like(text: str) -> bool:
    """Whether a row's value could be the name at all. When the detector loses the name,
    the row taken for it is the birth row, an address line or the label alone
    ("1996214", "东省济南市历下区花园", "姓名"); no name is mostly digits, a run of
    region names or a label."""
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    digits = len(re.findall(r"\d", text))
    return (han >= 1 and digits < han and text not in _ID_LABELS
            and not (han >= 7 and re.search(r"[省市区县]", text)))


def _row_date(row) -> tuple[int, int, int] | None:
    """The date a row holds. Year, month and day often come back as separate boxes
    when the small 年/月 between them is lost ("1986", "4", "18"): the gap between two
    boxes separates numbers as the characters would."""
    return (find_date(row.text)
            or find_date("/".join(normalize(ln.text) for ln in row.lines))
            or find_date("/".join(_spaced_text(ln) for ln in row.lines)))


def _spaced_text(line: TextLine) -> str:
    """The line's text with "/" wherever the recogniser placed two characters much
    further apart than the line's usual pitch: on the ID front that gap is the small
    年 or 月 between numbers, which a soft picture loses ("198468" is 1984 年 6 月 8)."""
    centres = line.ctc.char_centres(line.text) if line.ctc is not None else []
    if len(centres) < 3 or len(centres) != len(line.text):
        return normalize(line.text)
    steps = [b - a for a, b in itertools.pairwise(centres)]
    pitch = sorted(steps)[len(steps) // 2]
    out = line.text[0]
    for ch, step in zip(line.text[1:], steps, strict=True):
        out += ("/" if step > 1.6 * pitch else "") + ch
    return normalize(out)


def id_front_address_lines(lines: list[TextLine], width: float, height: float
                           ) -> tuple[list[TextLine], TextLine] | None:
    """The boxes in the address's column between the birth row and the ID number, and
    the number's line; None when either row or every such box is missing."""
    _number, _score, number_line = _id_number_from(lines)
    if number_line is None:
        return None
    # The birth row: a date, or (its 日 or 月 misread into a letter the date reading
    # cannot place) a year in the card's upper half, where no address line is.
    above = [ln for ln in lines if ln.top < number_line.top and ln is not number_line]
    birth = [ln for ln in above if find_date(ln.text)] or [
        ln for ln in above if ln.center[1] < 0.5 * height
        and re.search(r"(?:19|20)\d{2}", normalize(ln.text))
        and not re.search(ADDRESS_ELEMENTS, ln.text)]
    if not birth:
        return None
    birth_line = max(birth, key=lambda ln: ln.top)
    address = [ln for ln in lines if ln.top > birth_line.bottom - 0.3 * ln.height
               and ln.bottom < number_line.top and 0.14 * width < ln.left < 0.62 * width]
    return (address, number_line) if address else None


def id_front_address_gap(lines: list[TextLine], width: float, height: float
                         ) -> tuple[int, int, int, int] | None:
    """Where one more address line would be, when there is room for it above the ID
    number: (x0, y0, x1, y1). A line holding a single character ("号", "室") is easily
    missed by the detector; recognising this region alone finds it."""
    found = id_front_address_lines(lines, width, height)
    if found is None:
        return None
    address, number_line = found
    last = max(address, key=lambda ln: ln.bottom)
    first = min(address, key=lambda ln: ln.top)
    # The next line sits one line pitch below the last: the card's own (54 / 638 of
    # its height), not the last box's height, which a soft picture shrinks to the ink
    # so that the gap cut off the next line's lower part ("67号" read as "订号").
    pitch = max(ADDRESS_LINE_PITCH * height, last.height)
    margin = 0.1 * last.height
    y0 = int(max(last.bottom + 0.02 * pitch, last.top + pitch - margin))
    if last.bottom + pitch > number_line.top - 0.3 * number_line.height:
        return None  # no room for another line
    y1 = int(min(last.bottom + pitch + margin, number_line.top))
    # From the value column's edge: a first line read short of its start (a reflection
    # on its first characters) does not move where the next line starts.
    x0 = min(first.left, VALUE_COLUMN * width) - 0.1 * pitch
    return int(x0), y0, int(min(first.right, 0.62 * width)), y1


# The ID front's address lines follow each other at this share of the card's height.
ADDRESS_LINE_PITCH = 54 / 638
_ID_LABEL_CHARS = set("".join(_ID_LABELS))
# Characters only an address line holds among the ID front's rows ("2008栋", "1999号").
ADDRESS_ELEMENTS = r"[省市区县路街道巷弄号楼栋幢单元层室村组镇乡]"


def id_front_label_text(text: str) -> bool:
    """Whether `text` is made of the ID front's label characters alone (姓名, 住址, or
    a misread mix of them: a label read, not a value)."""
    return bool(text) and set(text) <= _ID_LABEL_CHARS


def _drop_label(text: str, line: TextLine, width: float) -> str:
    """Remove the label glued in front of a value. Characters that belong to a label
    go (however many of them were read); when the label was misread into other
    characters, as many as fit in the label column go."""
    brushes = line.left > LABEL_START * width  # only brushes the label column
    centres = (line.ctc.char_centres(line.text) if line.ctc is not None and not brushes
               else [])
    if centres and len(centres) == len(line.text):
        # Where the recogniser put each character: those in the label column belong
        # to the label, whether it was read, misread or read as nothing at all.
        span = line.right - line.left
        kept = "".join(ch for ch, c in zip(line.text, centres, strict=True)
                       if line.left + c * span >= VALUE_COLUMN * width)
        if normalize(kept):
            return normalize(kept)
    n = 0
    while n < min(2, len(text) - 1) and text[n] in _ID_LABEL_CHARS:
        n += 1
    if n:
        return text[n:]
    if brushes:
        return text  # no label characters were read
    per_char = (line.right - line.left) / max(len(text), 1)
    in_column = round((VALUE_COLUMN * width - line.left) / per_char) if per_char else 0
    return text[max(0, min(2, in_column, len(text) - 1)):]


# The 56 recognised ethnic groups, as cards print them: the value is one of these,
# so a misread label glued in front ("民汉", "桃汉") is told apart from the value.
ETHNICITIES = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯",
    "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京",
    "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
LABEL_COLUMN, VALUE_COLUMN = 0.135, 0.165  # share of the card width
# The number's row: its label ends by ~24 % of the width and its top lies at ~87 % of
# the height; the number starts at ~33 % of the width. Nothing else starts in the
# label column below the 住址 label (~55 %).
NUMBER_COLUMN = 0.30
NUMBER_ROW_TOP = 0.78
# The name row's band, as shares of the card height (GB 19617 layout): above the sex
# row, whose centre lies ~0.33 of the way down (its glyphs' tops ~0.30).
NAME_ROW_Y = (0.08, 0.27)
# The name row's centre lies ~0.245 of the card height above the birth row's, the sex
# row's ~0.125: a row above the birth row by more than the midway is the name's.
NAME_ABOVE_BIRTH = 0.185
LABEL_START = 0.10  # labels begin at ~6.5 % of the width; a box starting right of this holds none


def id_front_label(left: float, right: float) -> bool:
    """Whether a line running from `left` to `right` (shares of the upright card's
    width) is a label of the ID front's label column, which the parser drops by its
    place alone, whatever it reads as."""
    return left < LABEL_COLUMN and right < VALUE_COLUMN


def id_front_label_box(box: Box) -> bool:
    """`id_front_label` for a box given as shares of the upright card (an
    OcrEngine.read `skip`): such a line need not be read at all. So is the label of the
    number's row (公民身份号码): everything from the number's top down is left out of
    the fields by the parser, and it reaches past the label column."""
    xs, ys = [x for x, _y in box], [y for _x, y in box]
    return id_front_label(min(xs), max(xs)) or (
        min(xs) < LABEL_COLUMN and max(xs) < NUMBER_COLUMN and min(ys) > NUMBER_ROW_TOP)


def _ethnicity(text: str) -> str | None:
    """The ethnic group printed after 民族: the longest known name the text ends with;
    otherwise what follows the label, as read (a person will look at it)."""
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    for name in sorted(ETHNICITIES, key=len, reverse=True):
        if text.endswith(name):
            return name
    # No group's name starts with 民 or 族: either one left in front is the label's.
    rest = re.sub(r"^民?族?", "", strip_any_label(text, ("民族",)))
    return rest or None


_BACK_LABELS = ("签发机关", "有效期限")
# Where the ID back's values start, as a share of its width (its labels end before it).
BACK_VALUE_COLUMN = 0.31


def _right_of(line: TextLine, x: float) -> str:
    """The characters of `line` the recogniser saw right of `x`."""
    return normalize("".join(c for c, cx in zip(line.text, _char_xs(line), strict=True)
                             if cx >= x))


def _boxes_text(found: Found) -> str:
    """A period's whole boxes, its label's too: a label read short ("有效期" for 有效期限)
    had its value cut a character late ("022.05.08-2032…"), and no label holds a digit."""
    return "".join(normalize(ln.text) for ln in found.boxes) if found.boxes else found.text


def _validity(text: str) -> tuple[str | None, str | None]:
    t = normalize(text)
    dates = re.findall(r"((?:19|20)\d{2})\D?(\d{1,2})\D?(\d{1,2})", as_digits(t))
    start = iso(tuple(map(int, dates[0]))) if dates else None  # type: ignore[arg-type]
    if "长期" in t or "长" in t[-3:]:
        return start, v.LONG_TERM
    end = iso(tuple(map(int, dates[1]))) if len(dates) > 1 else None  # type: ignore[arg-type]
    return start, end


def parse_id_back(lines: list[TextLine], width: float, height: float,
                  today: date) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    authority = value_after(lines, ("签发机关",), _BACK_LABELS)
    if authority is None or not authority.text:
        # The label misread beyond knowing ("警发教美乌鲁木齐市公安局…"): the bureau's
        # line, from where a bureau of the region table starts, else less what stands
        # in the label column.
        bureau = next((ln for ln in lines if "公安" in ln.text), None)
        if bureau is not None:
            text = bureau_in(normalize(bureau.text)) or _right_of(
                bureau, BACK_VALUE_COLUMN * width)
            authority = Found(text, _under_review(bureau.score), None,
                              (bureau,)) if text else None
    # A bureau's name ends in a character: letters or digits after it are the card's
    # pattern read as a box of its own ("寿光市公安局" | "00X").
    text = re.sub(r"[^\u4e00-\u9fff]+$", "", authority.text) if authority else ""
    score = authority.score if authority else 0.0
    if authority is not None and text != authority.text and authority.boxes:
        # (The pattern's box does not speak for the bureau's own.)
        kept = [b for b in authority.boxes if re.search(r"[\u4e00-\u9fff]", b.text)]
        score = min((b.score for b in kept), default=score)
    fields["issuing_authority"] = _field(text or None, score)
    validity = value_after(lines, ("有效期限",), _BACK_LABELS)
    if validity is None:  # the label lost: any line holding two dates
        line = next((ln for ln in lines if len(re.findall(r"\d{4}", ln.text)) >= 1
                     and ("-" in ln.text or "长期" in ln.text)), None)
        validity = None if line is None else Found(normalize(line.text), line.score)
    start, end = _validity(_boxes_text(validity)) if validity else (None, None)
    score = validity.score if validity else 0.0
    fields["valid_from"] = _field(start, score)
    fields["valid_to"] = _field(end, score)
    return fields


_DL_LABELS = ("证号", "姓名", "性别", "国籍", "住址", "出生日期", "初次领证日期", "准驾车型",
              "有效期限", "有效起始日期", "有效期至")


_DL_CLASS = re.compile(r"(?:A[1-3]|B[12]|C[1-6]|D|E|F|M|N|P)+")


def parse_driving_license(lines: list[TextLine], width: float, height: float,
                          today: date) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    number, score, number_line = _id_number_from(lines)
    fields["license_number"] = _field(number, score)
    name = _first_box(value_after(lines, ("姓名",), _DL_LABELS))
    name_row = _dl_name_row(lines, number_line, width)
    if (name is None or not name.text) and name_row and (
            name_row[0].center[0] < DL_SEX_COLUMN * width
            and not re.fullmatch(r"[男女]|中国|性别.*|国籍.*", normalize(name_row[0].text))):
        # Label lost or misread (外名, 姓): the name is the row's first value, left of
        # where the sex prints.
        name = _placed(name_row[:1])
    # The English labels print on the same row ("Sex", "Nationality"): only the
    # Chinese run is the name.
    name_text = re.match(r"[\u4e00-\u9fff·]+", name.text) if name else None
    # A long name's box runs into the row's next label, its first character often lost
    # ("买买提·艾力别女国籍"): the name ends where the label starts.
    name_value = re.sub(r"(?<=..)(?:性别|别[男女]|国籍).*", "", name_text.group(0)
                        ) if name_text else None
    fields["name"] = _field(name_value, name.score if name else 0)
    sex = value_after(lines, ("性别",), _DL_LABELS)
    if sex is None or not re.search(r"[男女]", sex.text):
        # The sex's box on the name's row, its label lost or merged ("性女", "女").
        named = name.boxes if name is not None else ()
        marked = [ln for ln in name_row if ln not in named
                  and re.search(r"[男女]$", normalize(ln.text))]
        if marked:
            sex = _placed(marked[:1])
    sex_value = re.search(r"[男女]", sex.text).group(0) if sex and re.search(
        r"[男女]", sex.text) else None
    fields["sex"] = _field(sex_value, sex.score if sex else 0)
    values = [ln for ln in lines if ln.left >= DL_VALUE_COLUMN * width and (
        number_line is None or ln.top > number_line.bottom)]
    klass = value_after(lines, ("准驾车型",), _DL_LABELS)
    if klass is None:  # label lost: the one value shaped like a class
        shaped = [ln for ln in values if _DL_CLASS.fullmatch(normalize(ln.text).upper())]
        if len(shaped) == 1:
            klass = _placed(shaped)
    klass_value = re.sub(r"[^A-Z0-9]", "", klass.text.upper()) if klass else ""
    fields["vehicle_class"] = _field(klass_value or None, klass.score if klass else 0)
    periods = [ln for ln in values if _validity(ln.text)[1]]
    first = value_after(lines, ("初次领证日期",), _DL_LABELS)
    if first is None or find_date(first.text) is None:
        first = _first_issue_by_place(values, periods, number)
    fields["first_issue_date"] = _field(iso(find_date(first.text)) if first else None,
                                        first.score if first else 0)
    validity = value_after(lines, ("有效期限",), _DL_LABELS)
    if (validity is None or _validity(_boxes_text(validity))[0] is None) and len(periods) == 1:
        validity = _placed(periods)
    start, end = _validity(_boxes_text(validity)) if validity else (None, None)
    fields["valid_from"] = _field(start, validity.score if validity else 0)
    fields["valid_to"] = _field(end, validity.score if validity else 0)
    return fields


# Where a driving licence's values start, and where its sex prints, as shares of its
# width (the labels end before the first; the name ends before the second).
DL_VALUE_COLUMN = 0.14
DL_SEX_COLUMN = 0.34


def _placed(boxes: list[TextLine] | tuple[TextLine, ...]) -> Found:
    """A value found by where it prints and its shape, its label not read: kept under
    the review threshold, since a box lost from the layout would put another in its
    place."""
    return Found("".join(normalize(ln.text) for ln in boxes),
                 _under_review(min(ln.score for ln in boxes)), None, tuple(boxes))


def _first_issue_by_place(values: list[TextLine], periods: list[TextLine],
                          number: str | None) -> Found | None:
    """The first issue date where its label was not read: the licence prints the birth
    date (the one its number encodes), then the first issue date on a row of its own
    below it; None unless exactly that was read."""
    if number is None or len(number) != 18:
        return None
    single = sorted((ln for ln in values if find_date(ln.text) and "至" not in ln.text
                     and ln not in periods), key=lambda ln: ln.top)
    if len(single) != 2:
        return None
    birth, first = single
    if iso(find_date(birth.text)) != iso((int(number[6:10]), int(number[10:12]),
                                          int(number[12:14]))):
        return None
    if same_row(birth, first) or any(same_row(ln, first) for ln in values
                                     if ln is not first and find_date(ln.text)):
        return None
    return _placed([first])


def _first_box(found: Found | None) -> Found | None:
    """A value printed in one place: the first box right of its label, when the label is
    a box of its own, with the boxes that follow it closely (a name the detector cut in
    two, "欧阳" | "娜娜"); the boxes further on are other fields whose labels were lost
    ("装艳雪" | "女" | "中国")."""
    if found is None or not found.boxes or found.boxes[0] is found.label:
        return found
    kept = [found.boxes[0]]
    for box in found.boxes[1:]:
        if box.left - kept[-1].right > 0.5 * kept[-1].height:
            break
        kept.append(box)
    return Found("".join(normalize(b.text) for b in kept), min(b.score for b in kept),
                 found.label, tuple(kept))


def _dl_name_row(lines: list[TextLine], number_line: TextLine | None, width: float
                 ) -> list[TextLine]:
    """The values on the row under the licence number (name, sex, nationality), left to
    right; empty when the number or the row was not read."""
    if number_line is None:
        return []
    below = [ln for ln in lines if ln.top > number_line.bottom - 0.2 * number_line.height
             and ln.left >= DL_VALUE_COLUMN * width
             and re.search(r"[\u4e00-\u9fff]", ln.text)]
    if not below:
        return []
    first = min(below, key=lambda ln: ln.top)
    if first.top > number_line.bottom + number_line.height:
        return []  # the name's row lost: the next one down is the address
    return sorted((ln for ln in below if same_row(ln, first)), key=lambda ln: ln.left)


# Where a vehicle licence's values start, as a share of its width (its labels start
# near the left edge).
VL_VALUE_COLUMN = 0.12
_VL_LABELS = ("号牌号码", "车辆类型", "所有人", "住址", "使用性质", "品牌型号", "车辆识别代号",
              "发动机号码", "发动机号", "发动机", "注册日期", "发证日期")
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_PROVINCE_SIMPLIFIED = str.maketrans("粵蘇貴遼寧陝魯晉滬瓊雲閩贛黑", "粤苏贵辽宁陕鲁晋沪琼云闽赣黑")
_PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}")
# A kind of vehicle, as the licence names it (小型轿车, 重型半挂牵引车, 轮式拖拉机).
_VEHICLE_TYPE = re.compile(r"[\u4e00-\u9fff]{1,10}车|[\u4e00-\u9fff]{0,8}拖拉机")


def parse_vehicle_license(lines: list[TextLine], width: float, height: float,
                          today: date) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    plate = value_after(lines, ("号牌号码",), _VL_LABELS)
    if plate is not None and plate.boxes and plate.boxes[0] is not plate.label:
        # A box further right on the plate's row that holds what no plate does (the
        # English title of a card lying tilted, "Vehicle License…") ends the plate: it
        # had lent it a seventh character. A plate read in two boxes stays whole.
        kept = tuple(itertools.takewhile(
            lambda ln: re.fullmatch(r"[\u4e00-\u9fffA-Z0-9·.•\-]+", normalize(ln.text)),
            plate.boxes))
        if kept:
            plate = Found("".join(normalize(ln.text) for ln in kept),
                          min(ln.score for ln in kept), plate.label, kept)
    values = [ln for ln in lines if ln.left >= VL_VALUE_COLUMN * width]
    if plate is None or not plate.text:  # label lost or misread: its shape
        shaped = [ln for ln in values if _PLATE.fullmatch(
            re.sub(r"[·.•\-]", "", normalize(ln.text).upper()))]
        if shaped:
            plate = _placed([min(shaped, key=lambda ln: ln.top)])
    plate_box = plate.boxes[0] if plate is not None and plate.boxes else None
    if plate_box is None:
        # The plate not read either: its row is the first under the title.
        title = next((ln for ln in lines if "行驶证" in ln.text or "共和国" in ln.text), None)
        under = [ln for ln in values if title is not None and ln.top > title.bottom
                 and not re.search(r"[a-z]", ln.text)]
        if under:
            top = min(under, key=lambda ln: ln.top)
            row = sorted((ln for ln in under if same_row(ln, top)), key=lambda ln: ln.left)
            # Only the plate's row: it holds the vehicle's type (a row lost would put the
            # owner's in its place, and the address under it).
            if any(_VEHICLE_TYPE.fullmatch(normalize(ln.text)) for ln in row[1:]):
                plate_box = row[0]
    plate_text = re.sub(r"[·.•\-]", "", plate.text.upper()) if plate else ""
    # The recogniser sometimes answers a province abbreviation in its traditional form;
    # plates are printed simplified.
    plate_text = plate_text[:1].translate(_PROVINCE_SIMPLIFIED) + plate_text[1:]
    m = _PLATE.search(plate_text)
    fields["plate"] = _field(m.group(0) if m else plate_text or None,
                             plate.score if plate else 0)
    kind = value_after(lines, ("车辆类型",), _VL_LABELS)
    if (kind is None or not kind.text) and plate_box is not None:
        # Label lost: the type stands right of the plate, a kind of vehicle by its end.
        typed = [ln for ln in values if same_row(ln, plate_box) and ln.left > plate_box.right
                 and _VEHICLE_TYPE.fullmatch(normalize(ln.text))]
        if typed:
            kind = _placed(typed[:1])
    fields["vehicle_type"] = _field(kind.text if kind else None, kind.score if kind else 0)
    owner = value_after(lines, ("所有人",), _VL_LABELS)
    if (owner is None or not owner.text) and plate_box is not None:
        # Label lost: the owner is the first value of the row under the plate's.
        under = [ln for ln in values if plate_box.bottom - 0.2 * plate_box.height < ln.top
                 < plate_box.bottom + plate_box.height and ln.left < plate_box.right
                 and re.search(r"[\u4e00-\u9fff]", ln.text)]
        if under:
            owner = _placed([min(under, key=lambda ln: ln.left)])
    fields["owner"] = _field(owner.text if owner else None, owner.score if owner else 0)
    vin = value_after(lines, ("车辆识别代号",), _VL_LABELS)
    vin_text = re.sub(r"[^A-Z0-9]", "", vin.text.upper()) if vin else ""
    if len(vin_text) != 17:  # label lost or merged: the 17-character shape
        for ln in lines:
            m = _VIN.search(re.sub(r"[^A-Z0-9]", "", normalize(ln.text).upper()))
            if m:
                vin_text, vin = m.group(0), Found(m.group(0), ln.score)
                break
    fields["vin"] = _field(vin_text or None, vin.score if vin else 0)
    engine = value_after(lines, ("发动机号码", "发动机号", "发动机"), _VL_LABELS)
    if engine is None:  # the label read short ("发动"): match it exactly, not fuzzily
        label = next((ln for ln in lines if normalize(ln.text).startswith("发动")), None)
        if label is not None:
            engine = value_after(lines, (normalize(label.text)[:2],), _VL_LABELS)
    if (engine is None or not engine.text) and vin_text:
        engine = _engine_number_below_vin(lines, vin_text)
    fields["engine_number"] = _field(
        re.sub(r"[^A-Z0-9]", "", engine.text.upper()) if engine else None,
        engine.score if engine else 0)
    reg = value_after(lines, ("注册日期",), _VL_LABELS)
    if reg is None or find_date(reg.text) is None:
        # Label lost: the registration date is the date left of 发证日期 on its row.
        issue = next((ln for ln in lines if normalize(ln.text).startswith("发证")), None)
        if issue is not None:
            left = [ln for ln in lines if ln.right <= issue.left and find_date(ln.text)
                    and abs(ln.center[1] - issue.center[1]) < 0.6 * issue.height]
            if left:
                pick = max(left, key=lambda ln: ln.right)
                reg = Found(normalize(pick.text), pick.score)
        else:
            # Both labels lost: the registration date is the last row's date in the
            # card's left half (the issue date prints in the right half).
            dated = [ln for ln in values if find_date(ln.text)]
            if dated:
                last = max(dated, key=lambda ln: ln.top)
                pick = min((ln for ln in dated if same_row(ln, last)), key=lambda ln: ln.left)
                if pick.center[0] < width / 2:
                    reg = _placed([pick])
    fields["registration_date"] = _field(iso(find_date(reg.text)) if reg else None,
                                         reg.score if reg else 0)
    return fields


def _engine_number_below_vin(lines: list[TextLine], vin: str) -> Found | None:
    """The engine number where its label was not detected: the letters and digits
    printed on the row under the VIN, in the VIN's column."""
    vin_line = next((ln for ln in lines if vin in re.sub(r"[^A-Z0-9]", "",
                                                         normalize(ln.text).upper())), None)
    if vin_line is None:
        return None
    below = [ln for ln in lines if ln.center[1] > vin_line.bottom - 0.3 * vin_line.height
             and ln.top < vin_line.bottom + vin_line.height
             and abs(ln.left - vin_line.left) < 1.5 * vin_line.height
             and re.fullmatch(r"[A-Z0-9]{6,20}", normalize(ln.text).upper())
             and vin not in normalize(ln.text).upper()]
    pick = min(below, key=lambda ln: ln.top, default=None)
    return _placed([pick]) if pick else None


_BL_LABELS = ("统一社会信用代码", "名称", "类型", "法定代表人", "负责人", "经营范围", "注册资本",
              "成员出资总额", "成立日期", "营业期限", "住所", "主要经营场所", "登记机关")
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def _spaced_label_merge(lines: list[TextLine]) -> list[TextLine]:
    """Licences print short labels spaced out ("名　　称", "住　　所"): OCR returns the
    first character alone and glues the second to the value. Rejoin them."""
    out = list(lines)
    for first in [ln for ln in lines if len(normalize(ln.text)) == 1]:
        c = normalize(first.text)
        for label in ("名称", "类型", "住所"):
            if c != label[0]:
                continue
            nxt = min((ln for ln in lines if ln is not first and ln.left > first.right
                       and abs(ln.center[1] - first.center[1]) < 0.6 * first.height),
                      key=lambda ln: ln.left, default=None)
            nxt_text = normalize(nxt.text) if nxt is not None else ""
            if nxt is not None and nxt_text.startswith(label[1]):
                # Split "所<value>" into the label's second character and the value,
                # so the value keeps its own column (continuation lines align to it).
                char_w = (nxt.right - nxt.left) / max(len(nxt_text), 1)
                cut = nxt.left + char_w
                pieces = [_piece(label, min(first.score, nxt.score), first, first.left, cut)]
                if len(nxt_text) > 1:
                    pieces.append(_piece(nxt_text[1:], nxt.score, nxt, cut, nxt.right))
                out = [ln for ln in out if ln is not first and ln is not nxt] + pieces
            else:
                # The second character was not detected at all (a lone character is
                # easily missed): the first one alone still marks the label.
                out = [ln for ln in out if ln is not first] + [
                    TextLine(label, first.score, first.box)]
    return out


# The labels of a business licence's two forms (the 2019 layout prints them side by
# side; older licences print one form): where the right-hand labels stand, the left-hand
# form ends.
_BL_LEFT_LABELS = ("名称", "类型", "法定代表人", "负责人", "经营范围")
_BL_RIGHT_LABELS = ("注册资本", "成员出资总额", "成立日期", "营业期限", "住所", "主要经营场所")


def _bl_right_form(lines: list[TextLine]) -> tuple[float, float] | None:
    """x where the right-hand form starts (a little left of its labels) and the top of
    the forms' first row; None when the licence prints one form, or no label was read
    to tell."""
    right = [ln for ln in lines if label_of(ln, _BL_RIGHT_LABELS)]
    if not right:
        return None
    lefts = sorted(ln.left for ln in right)
    height = sorted(ln.height for ln in right)[len(right) // 2]
    x = lefts[len(lefts) // 2] - 0.4 * height
    left = [ln for ln in lines if label_of(ln, _BL_LEFT_LABELS) and ln.left < x - 3 * height]
    if not left:
        return None
    return x, min(ln.top for ln in right + left) - height


def _split_at(lines: list[TextLine], x: float, top: float) -> list[TextLine]:
    """Boxes below `top` that run across `x` cut in two there, between the characters
    the recogniser saw either side: a left-hand value read on together with the
    right-hand label beside it ("…批准的项目，住" | "所 内蒙古…")."""
    out: list[TextLine] = []
    for ln in lines:
        text = ln.text
        if ln.top < top or len(text) < 2 or not (
                ln.left < x - 0.5 * ln.height and ln.right > x + 0.5 * ln.height):
            out.append(ln)
            continue
        k = sum(1 for cx in _char_xs(ln) if cx < x)
        if not 0 < k < len(text):
            out.append(ln)
            continue
        out += [_piece(text[:k], ln.score, ln, ln.left, x),
                _piece(text[k:], ln.score, ln, x, ln.right)]
    return out


def _address_without_first_label_character(lines: list[TextLine], x: float
                                           ) -> list[TextLine]:
    """The right-hand form's 所 with the address after it ("所广东省深圳市…", or 所 and
    the address in boxes of their own), its 住 not detected at all: the label and the
    address it starts, as when both label characters are read."""
    out = list(lines)
    for ln in lines:
        text = normalize(ln.text)
        if ln.left < x or not text.startswith("所"):
            continue
        if text == "所":
            after = min((o for o in lines if o.left > ln.right - 0.5 * ln.height
                         and same_row(o, ln)), key=lambda o: o.left, default=None)
            if after is not None and starts_like_province(normalize(after.text)):
                out[out.index(ln)] = TextLine("住所", ln.score, ln.box)
        elif starts_like_province(text[1:]):
            cut = ln.left + (ln.right - ln.left) / len(text)
            out.remove(ln)
            out += [_piece("住所", ln.score, ln, ln.left, cut),
                    _piece(text[1:], ln.score, ln, cut, ln.right)]
    return out


def parse_business_license(lines: list[TextLine], width: float, height: float,
                           today: date) -> dict[str, FieldValue]:
    lines = _spaced_label_merge(lines)
    right_form = _bl_right_form(lines)
    if right_form is not None:
        # (Cut pieces may be a spaced label's first character: merged again.)
        lines = _spaced_label_merge(_split_at(lines, *right_form))
    fields: dict[str, FieldValue] = {}
    code, code_score = None, 0.0
    for ln in lines:
        text = re.sub(r"[^0-9A-Z]", "", normalize(ln.text).upper())
        m = _USCC.search(text)
        if m and not text.isdigit():
            code, code_score = m.group(0), ln.score
            break
    if code is None:
        found = value_after(lines, ("统一社会信用代码",), _BL_LABELS)
        if found:
            code, code_score = re.sub(r"[^0-9A-Z]", "", found.text.upper()), found.score
    fields["uscc"] = _field(code, code_score)
    left = right = None
    if right_form is not None:
        left, right = (-math.inf, right_form[0]), (right_form[0], math.inf)
    for key, labels, column, more in (
            ("name", ("名称",), left, True),
            ("legal_representative", ("法定代表人", "负责人"), left, False),
            ("address", ("住所", "主要经营场所"), right, True),
            ("registered_capital", ("注册资本", "成员出资总额"), right, False)):
        found = value_after(lines, labels, _BL_LABELS, continuation=more, column=column)
        if found is None and key == "address" and right_form is not None:
            found = value_after(_address_without_first_label_character(lines, right_form[0]),
                                labels, _BL_LABELS, continuation=True, column=column)
        if key == "registered_capital":
            found = _capital(lines, found)
        if key == "name" and (found is None or not found.text) and right_form is not None:
            found = _name_on_first_row(lines, right_form[0])
        if key == "legal_representative" and column is None:
            # With the forms' boundary unknown, the boxes further along the row may be
            # the other form's values: a person's name is one box.
            found = _first_box(found)
        if key == "address" and (found is None or not found.text):
            found = _address_by_its_start(lines, width)
        fields[key] = _field(found.text if found else None, found.score if found else 0)
    return fields


def _address_by_its_start(lines: list[TextLine], width: float) -> Found | None:
    """The address where its label was not read: the line in the licence's right half
    that starts with a province, maybe after what is left of the label ("所", "住所"),
    with its wrapped lines; highlighted."""
    provinces = region_tree()
    starts = []
    for ln in lines:
        text = normalize(ln.text)
        if ln.center[0] < 0.45 * width:
            continue
        at = next((o for o in range(4) for p in provinces if text.startswith(p, o)), None)
        if at is not None and len(text) > at + 4:
            starts.append((ln, at))
    if not starts:
        return None
    ln, at = min(starts, key=lambda pair: pair[0].top)
    text = normalize(ln.text)
    cut = ln.left + (ln.right - ln.left) * at / len(text)
    value = _piece(text[at:], ln.score, ln, cut, ln.right)
    # The label it lost, put back where it prints, so the value reads as any other.
    label = _piece("住所", ln.score, ln, cut - 3 * ln.height, cut - ln.height)
    others = [o for o in lines if o is not ln and o.center[0] >= 0.45 * width]
    found = value_after([label, value, *others], ("住所",), _BL_LABELS, continuation=True)
    if found is None or not found.text:
        return None
    return Found(found.text, _under_review(found.score), None, found.boxes)


# How the names of businesses end, and the company types printed under them (which a
# name is not).
_BUSINESS_END = re.compile(r".*(?:公司|合作社|厂|店|中心|部|行|社|场|站|所)")
_COMPANY_TYPE = re.compile(
    r"类?型.*|(?:其他)?(?:有限责任|股份有限)公司.*|农民专业合作社|个人独资企业")


def _name_on_first_row(lines: list[TextLine], x: float) -> Found | None:
    """The name where its label 名称 was not read: the left-hand form's value on the
    forms' first row (beside 注册资本), less a 称 read with it, when it ends as the
    names of businesses do."""
    right = [ln for ln in lines if ln.center[0] >= x and label_of(ln, _BL_RIGHT_LABELS)]
    if not right:
        return None
    first = min(right, key=lambda ln: ln.top)
    if not label_of(first, ("注册资本", "成员出资总额")):
        return None  # the first row's own label lost: the row under it is the type's
    for ln in sorted((ln for ln in lines if ln.center[0] < x and same_row(ln, first)),
                     key=lambda ln: ln.left):
        text = re.sub(r"^名?称", "", normalize(ln.text))
        if len(text) >= 4 and _BUSINESS_END.fullmatch(text) and not _COMPANY_TYPE.fullmatch(
                text):
            return Found(text, _under_review(ln.score), None, (ln,))
    return None


# Registered capital is written in the financial numerals, in 万元 (壹仟零伍拾万元整).
CAPITAL_CHARACTERS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整"
_CAPITAL = re.compile(r"[零壹贰叁参肆伍陆柒捌玖拾佰仟亿][零壹贰叁参肆伍陆柒捌玖拾佰仟万亿]*元整?")
# Prior odds, in nats, of a character inside the amount in words being one of those
# against any other: nothing else is written there (as for a region name against the
# table).
CAPITAL_NATS = 9.0


def _capital(lines: list[TextLine], found: Found | None) -> Found | None:
    """The registered capital: where its label was misread beyond knowing, the value
    shaped like one ("注质资本叁佰万元整"); its doubtful characters read against the
    financial numerals on the recogniser's evidence ("参佰" → 叁佰, "万元型" → 万元整),
    then highlighted."""
    if found is None or not found.text:
        shaped = [(ln, m) for ln in lines if (m := _CAPITAL.search(normalize(ln.text)))]
        if not shaped:
            return found
        ln, m = min(shaped, key=lambda pair: pair[0].top)
        found = Found(m.group(0), _under_review(ln.score), None, (ln,))
    box = found.boxes[-1] if found.boxes else None
    if box is None or box.ctc is None or not box.text.endswith(found.text):
        return found
    start = len(box.text) - len(found.text)
    # Only an amount in words is reread: one written with a currency (人民币, 美元) or
    # in figures is read as it is.
    if re.search(r"[0-9]|币|美|港|欧|日", found.text) or "元" not in found.text:
        return found
    read = reread(box.text, box.ctc, range(start, len(box.text)), CAPITAL_CHARACTERS,
                  CAPITAL_NATS)
    if read is None:
        return found
    return Found(read[start:], _under_review(found.score), found.label,
                 found.boxes)


def parse_bank_card(lines: list[TextLine], width: float, height: float,
                    today: date) -> dict[str, FieldValue]:
    groups = [ln for ln in lines if re.fullmatch(r"[\dOoIlSB ]{3,}", ln.text.strip())
              and len(digits_only(ln.text)) >= 3]
    best: tuple[str, float] = ("", 0.0)
    for seed in sorted(groups, key=lambda ln: -ln.height):
        # The number's groups share one baseline band; join them left to right.
        band = [ln for ln in groups if abs(ln.center[1] - seed.center[1]) < 0.8 * seed.height]
        number = "".join(digits_only(ln.text) for ln in sorted(band, key=lambda ln: ln.left))
        if 16 <= len(number) <= 19 and len(number) > len(best[0]):
            best = (number, min(ln.score for ln in band))
    number, score = best
    fields = {"card_number": _field(number or None, score)}
    bank_line = next((ln for ln in sorted(lines, key=lambda ln: ln.top)
                      if "银行" in normalize(ln.text) or "信用社" in normalize(ln.text)), None)
    bank = None
    if bank_line is not None:
        m = re.search(r"[\u4e00-\u9fff]*(?:银行|信用社)", normalize(bank_line.text))
        bank = m.group(0) if m else None
    if bank is None and number:
        bank = v.bank_from_bin(number)
    fields["bank"] = _field(bank, bank_line.score if bank_line is not None else 0.9)
    return fields


PARSERS: dict[DocKind, Callable[[list[TextLine], float, float, date], dict[str, FieldValue]]] = {
    DocKind.ID_FRONT: parse_id_front,
    DocKind.ID_BACK: parse_id_back,
    DocKind.DRIVING_LICENSE: parse_driving_license,
    DocKind.VEHICLE_LICENSE: parse_vehicle_license,
    DocKind.BUSINESS_LICENSE: parse_business_license,
    DocKind.BANK_CARD: parse_bank_card,
}


# --- validation -------------------------------------------------------------------------


def _date_of(field: FieldValue | None) -> date | None:
    return date.fromisoformat(field.value) if field and field.value and \
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", field.value) and v.parse_date(field.value) else None


def validate(kind: DocKind, fields: dict[str, FieldValue], today: date) -> None:
    """Add every check's problems to the fields; values are never changed."""
    for key in FIELD_KEYS[kind]:
        fields.setdefault(key, FieldValue(None))
    if kind is DocKind.ID_FRONT:
        v.check_id_front(fields, today)
        _plausible_id_front(fields)
        return
    v.flag_confidence_and_missing(fields)
    for key in ("first_issue_date", "registration_date", "valid_from", "valid_to"):
        # A date read with a digit wrong can name no day at all ("2029-48-47").
        read = fields.get(key)
        if read is not None and read.value and read.value != v.LONG_TERM and (
                _date_of(read) is None):
            read.add(Problem.DATE_INVALID)
    if kind in (DocKind.ID_BACK, DocKind.DRIVING_LICENSE):
        valid_to = fields["valid_to"].value
        end: date | str | None = valid_to if valid_to == v.LONG_TERM else _date_of(
            fields["valid_to"])
        for problem in v.validity_problems(_date_of(fields["valid_from"]), end, today):
            fields["valid_to"].add(problem)
    if kind is DocKind.DRIVING_LICENSE and fields["license_number"].value:
        for problem in v.id_number_problems(fields["license_number"].value, today):
            fields["license_number"].add(problem)
    if kind is DocKind.VEHICLE_LICENSE and fields["vin"].value:
        for problem in v.vin_problems(fields["vin"].value):
            fields["vin"].add(problem)
    capital = fields.get("registered_capital")
    if kind is DocKind.BUSINESS_LICENSE and capital is not None and capital.value and (
            re.search(r"[^0-9.,零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整人民币美港澳欧日英镑()（）]",
                      capital.value)):
        capital.add(Problem.FORMAT)  # a character no amount is written with ("参佰万元")
    if kind is DocKind.BUSINESS_LICENSE and fields["uscc"].value:
        for problem in v.uscc_problems(fields["uscc"].value):
            fields["uscc"].add(problem)
    if kind is DocKind.BANK_CARD and fields["card_number"].value:
        for problem in v.luhn_problems(fields["card_number"].value):
            fields["card_number"].add(problem)


PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
             "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
             "宁夏", "新疆", "香港", "澳门")


# A province in its full form (山东省, 北京市, 新疆维吾尔自治区): roads are named after
# provinces too (四川北路, 湖南路), and a wrapped line may start with one.
_PROVINCE_START = re.compile(f"(?:{'|'.join(PROVINCES)})(?:壮族|回族|维吾尔)?(?:省|市|自治区)")


# Cards print an address's number with its unit (846号, 1704室, 3组), so one ending on a
# bare number most often lost its last characters. Dashed numbers (21-1号4-3-2, 附3号2-1)
# end on a digit after their dash and are left alone; an address that ends on the dash
# itself was cut. A rare real form with neither (A座1203) is highlighted for one look.
# (normalize has made a full-width dash "-".)
_ENDS_ON_BARE_NUMBER = re.compile(r"(?:(?<![\d-])\d+|\d-)$")


# A house or building number stands before its 号 (846号, 13号楼, 三号院, 壹号院, A号楼):
# a 号 straight after a road, estate or building lost its number ("幸福路号"). (甲1号's
# 号 follows its digit; a 甲号 lost it. Full-width digits are ASCII by now: normalize.)
_NUMBERLESS_HAO = re.compile(
    r"[^\dA-Za-z零〇一二两三四五六七八九十廿卅百千万壹贰叁肆伍陆柒捌玖拾佰仟]号")


def _plausible_id_front(fields: dict[str, FieldValue]) -> None:
    """Shapes every real card has. A value read with confidence but of the wrong shape
    (a name with a digit, an address not starting with a province, an ethnic group
    that does not exist) is a misread a person must look at."""
    name, ethnicity, address = fields["name"], fields["ethnicity"], fields["address"]
    if name.value and not re.fullmatch(r"[\u4e00-\u9fff·]{2,6}", name.value):
        name.add(Problem.FORMAT)
    if ethnicity.value and ethnicity.value not in ETHNICITIES:
        ethnicity.add(Problem.FORMAT)
    if address.value and not address.value.startswith(PROVINCES):
        address.add(Problem.FORMAT)
    if address.value and _ENDS_ON_BARE_NUMBER.search(address.value):
        address.add(Problem.CUT_SHORT)
    if address.value and re.search(r"\d元", address.value):
        address.add(Problem.FORMAT)  # a unit is a 单元: its 单 was lost ("4元2203室")
    if address.value and _NUMBERLESS_HAO.search(address.value):
        address.add(Problem.FORMAT)


# The lines each kind's parser drops by their place on the upright document: an engine
# need not read them (OcrEngine.read's `skip`).
LABELS_BY_PLACE: dict[DocKind, SkipLine] = {DocKind.ID_FRONT: id_front_label_box}


def parse(kind: DocKind, lines: list[TextLine], width: float, height: float,
          today: date, is_upright: bool = False,
          chosen: dict[str, FieldValue] | None = None) -> ParsedDocument:
    """`chosen`: fields read some other way than from `lines` (a closed-list reading
    of a value's crop); they replace the parsed ones before validation."""
    if not is_upright:
        lines, _flipped = upright(kind, lines, width, height)
    fields = PARSERS[kind](lines, width, height, today)
    fields.update(chosen or {})
    validate(kind, fields, today)
    ordered = {key: fields[key] for key in FIELD_KEYS[kind]}
    return ParsedDocument(kind, ordered)


__all__ = ["ETHNICITIES", "LABELS_BY_PLACE", "NAME_ROW_Y", "PARSERS", "Problem", "detect_kind",
           "flip", "id_front_address_gap", "id_front_address_lines",
           "id_front_label_text", "parse", "upright", "validate"]
