"""The words every Chinese street address is built of, and the reading of an address
line's doubtful characters against them.

Below its region (parsers.regions) an address is a road and a number ("东风西路 846 号"),
a building, unit and room ("2 号楼 4 单元 1704 室"), or a town, village and number
("马头镇东王村 106 号"). The few characters that build these elements make up a large
share of every address, while the names between them are drawn from thousands. So a
doubtful character the recogniser also saw as one of them ("东风踏" where 路 was soft,
"李集清" for 镇) is read as that element when the line's evidence, with those prior
odds, supports it; a clear print of any other character stays.
"""

from __future__ import annotations

import math

from models.ocr.ctc import CtcPosteriors
from showroom_app.documents.parsers.regions import region_start_end

# Address elements (GB/T 23705: road, lane, number, building, unit, floor, room; town,
# township, village, group). Not the directions or 大 of a road's section (东路, 大道):
# names use them as often ("人民" is no "大民").
ELEMENTS = "路街道巷弄号楼栋幢单元层室村组镇乡"
# Prior odds, in nats, of one of these against one other given character, where the
# address's grammar allows it: together they are about a quarter of an address's
# characters, ~1.5 % each, against ~1 / 3,000 for a character of a name (ln 45 ≈ 3.8,
# taken a little lower).
ELEMENT_NATS = 3.4
_AFTER_NUMBER = frozenset("号室单栋幢层组")  # "846号", "1704室", "4单元", "3组"
_NAME_ENDS = frozenset("路街巷弄镇乡村")  # end a road's, town's or village's name
_REGION_ENDS = frozenset("省市区县旗盟州")  # what a region name ends with
# A character the recogniser gave at least this is not doubted.
SURE = 0.95
# An element the recogniser gave less than this where the character was read is not
# considered: it saw nothing of it there.
MIN_SEEN = 1e-3
# At most this many characters of one line are read as elements.
MAX_CHANGES = 2


def read_address_words(text: str, ctc: CtcPosteriors | None) -> str | None:
    """The line's text with doubtful characters read as address elements where the
    evidence supports it, or None when nothing changes. Only characters of the greedy
    reading are reread (the line's others may have been read otherwise already, its
    region start say), and never its region start, which the region table reads (its
    names are no elements)."""
    if ctc is None:
        return None
    path = ctc.best_path()
    if len(path) != len(text):
        return None
    region_end = region_start_end(text)
    doubtful: list[tuple[int, list[str]]] = []
    for i, (cls, first, last) in enumerate(path):
        # (A digit is never made an element: the house and room numbers are what the
        # address is for, and a unit in their middle would make no sense of them.)
        if (i < region_end or text[i] in ELEMENTS or text[i].isdigit()
                or ctc.classes.get(text[i]) != cls
                or float(ctc.probs[first:last + 1, cls].max()) >= SURE):
            continue
        span = ctc.probs[max(0, first - 1):last + 2]
        seen = [e for e in ELEMENTS if (k := ctc.classes.get(e)) is not None
                and float(span[:, k].max()) >= MIN_SEEN]
        if seen:
            doubtful.append((i, seen))
    if not doubtful:
        return None
    # Each element taken pays for itself with its prior odds: the score of a reading is
    # its likelihood plus ELEMENT_NATS per character changed.
    current, changes = text, 0
    score = ctc.log_likelihood(text)
    if score == -math.inf:
        return None
    while changes < MAX_CHANGES:
        options = [(ctc.log_likelihood(option) + ELEMENT_NATS * (changes + 1), option)
                   for i, seen in doubtful if current[i] == text[i]
                   for e in seen if _fits(current, i, e)
                   for option in [current[:i] + e + current[i + 1:]]]
        if not options:
            break
        best, option = max(options)
        if best < score:
            break
        score, current, changes = best, option, changes + 1
    return current if changes else None




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
    named = i >= 2 and all(not c.isdigit() and c not in ELEMENTS and c not in _REGION_ENDS
                           for c in text[i - 2:i])
    if not named or element not in _NAME_ENDS:
        return False
    if element in "路街巷弄":
        return nxt == "" or nxt.isdigit() or nxt in "道东西南北"
    if element == "村":
        return nxt == "" or nxt.isdigit()
    return not nxt.isdigit()  # a town or township: its village's name follows
