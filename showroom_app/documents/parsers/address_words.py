"""The words every Chinese street address is built of, and the reading of an address
line's doubtful characters against them.

Below its region (parsers.regions) an address is a road and a number ("东风西路 846 号"),
a building, unit and room ("2 号楼 4 单元 1704 室"), or a town, village and number
("马头镇东王村 106 号"). The few characters that build these elements make up a large
share of every address, while the names between them are drawn from thousands. So a
doubtful character the recogniser also saw as one of them ("东风踏" where 路 was soft,
"李集清" for 镇) is read as that element when the line's evidence, with those prior
odds, supports it; a clear print of any other character stays. So is a Latin letter
where a number stands ("S单元", "路S04号"): the house, unit and room numbers of an
address written out from the household register are digits.
"""

from __future__ import annotations

from models.ocr.ctc import CtcPosteriors
from showroom_app.documents.parsers.regions import region_start_end
from showroom_app.documents.parsers.rereading import reread, reread_gaps

# Address elements (GB/T 23705: road, lane, number, building, unit, floor, room; town,
# township, village, group). Not the directions or 大 of a road's section (东路, 大道):
# names use them as often ("人民" is no "大民").
ELEMENTS = "路街道巷弄号楼栋幢单元层室村组镇乡"
# Prior odds, in nats, of one of these against one other given character, where the
# address's grammar allows it: together they are about a quarter of an address's
# characters, ~1.5 % each, against ~1 / 3,000 for a character of a name (ln 45 ≈ 3.8,
# taken a little lower).
ELEMENT_NATS = 3.4
# A road's end against a number, right after a name at a line's start: the name is
# followed by its road element about twice as often as by its number (ln 2 ≈ 0.7).
WRAPPED_DIGIT_NATS = 0.7
# An element the recogniser saw between two characters but dropped for a blank, where
# the address cannot do without one (_wants_element), against nothing there: such spots
# almost always had their element printed, and the recogniser's own odds of having
# dropped it are in the likelihood.
GAP_ELEMENT_NATS = 2.0
# A digit against a Latin letter where a house, building, unit or room number stands:
# the household register writes such numbers in digits far more often than in letters
# (A座, B栋 are most of those); the figure is the elements'.
LETTER_DIGIT_NATS = 3.4
DIGITS = "0123456789"
_AFTER_NUMBER = frozenset("号室单栋幢层组")  # "846号", "1704室", "4单元", "3组"
_NAME_ENDS = frozenset("路街巷弄镇乡村")  # end a road's, town's or village's name
_REGION_ENDS = frozenset("省市区县旗盟州")  # what a region name ends with
_ROAD_ENDS = frozenset("路街道巷弄")  # a house number follows: "东风西路" | "504号"


def read_address_words(text: str, ctc: CtcPosteriors | None, before: str = ""
                       ) -> str | None:
    """The line's text with doubtful characters read as address elements where the
    evidence supports it and the grammar allows, or None when nothing changes; never
    its region start, which the region table reads (its names are no elements), nor a
    digit of a number (the house and room numbers are what the address is for, and a
    unit in their middle would make no sense of them). One exception: a wrapped line's
    first digit right after a name, where a road's end read as a digit ("…工业" |
    "527号" for 工业街27号) is about as likely as a number right after the name
    (和平里 | 15号); only the evidence decides there. A letter where a number stands
    is read as the digit the recogniser also saw (S for 5), on the evidence.
    `before`: the address up to this line."""
    fits = lambda current, i, c: _fits(before + current, len(before) + i, c)  # noqa: E731
    start = region_start_end(text)
    words = reread(text, ctc, [i for i in range(start, len(text)) if not text[i].isdigit()],
                   ELEMENTS, ELEMENT_NATS, fits)
    if text[:1].isdigit() and _after_name(before, len(before)):
        first = reread(words or text, ctc, [0], ELEMENTS, WRAPPED_DIGIT_NATS, fits)
        words = first or words
    letters = [i for i in range(start, len(text)) if text[i].isascii() and text[i].isalpha()]
    if letters:
        numbers = reread(words or text, ctc, letters, DIGITS, LETTER_DIGIT_NATS,
                         lambda current, i, c: _in_number(before + current, len(before) + i))
        words = numbers or words
    current = words or text
    gaps = [p for p in range(region_start_end(current), len(current))
            if _wants_element(before + current, len(before) + p)]
    put_in = reread_gaps(current, ctc, gaps, ELEMENTS, GAP_ELEMENT_NATS, fits)
    return put_in or words


def _wants_element(text: str, i: int) -> bool:
    """Whether the address cannot do without an element before text[i]: a name runs
    into a number ("银海" | "376号" for 银海街376号, "光明大471号" for 光明大街471号), or a
    number into 元 ("4元" for 4单元). Nowhere else is one put in on a blank's evidence:
    a road may be named 新华道 or 中山东, a village 东王."""
    if i >= len(text):
        return False
    if text[i].isdigit():
        return _after_name(text, i)
    return text[i] == "元" and i > 0 and text[i - 1].isdigit()


def _in_number(text: str, i: int) -> bool:
    """Whether text[i] stands where a number does: next to a digit, before 单 of a unit,
    or ending a line right after a road's element ("S单元", "路S" | "04号"). Not before
    a building's or floor's unit (B栋, A号楼, A座) nor after 楼: letters name those."""
    prev = text[i - 1] if i else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return (prev.isdigit() or nxt.isdigit() or nxt == "单"
            or (nxt == "" and prev != "" and prev in _ROAD_ENDS))


def _after_name(text: str, i: int) -> bool:
    """Whether text[i] follows a name of two characters or more (no digit, no element,
    no region's end)."""
    return i >= 2 and all(not c.isdigit() and c not in ELEMENTS and c not in _REGION_ENDS
                          for c in text[i - 2:i])


def _fits(text: str, i: int, element: str) -> bool:
    """Whether the address's grammar allows `element` in place of text[i]:
    - a number's unit after a digit, 楼 after 号 or a digit, 元 after 单, 道 after 街 or 大;
    - a road's, town's or village's name end after a name of two characters or more (no
      digit, no element, no region's end);
    - a road then followed by its number, 道 (街道), a section (东路) or the line's end,
      a village by its number or the line's end, a town by its village's name."""
    prev = text[i - 1] if i else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if element in _AFTER_NUMBER:
        return prev.isdigit()
    if element == "楼":
        return prev == "号" or prev.isdigit()
    if element == "元":
        return prev == "单"
    if element == "道":
        return prev in ("街", "大")
    if not _after_name(text, i) or element not in _NAME_ENDS:
        return False
    if element in "路街巷弄":
        return nxt == "" or nxt.isdigit() or nxt in "道东西南北"
    if element == "村":
        return nxt == "" or nxt.isdigit()
    return not nxt.isdigit()  # a town or township: its village's name follows
