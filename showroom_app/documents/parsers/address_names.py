"""The names in an address (its road, estate, town or village) read as words of the
language where the recogniser was unsure.

Names of roads and estates are nearly all words (人民, 解放, 幸福, 阳光, 花园); those of
villages less often (西李, 葛堡). A misread character of a soft or glared print mostly
makes a pair that is no word ("车福" for 幸福, "努放" for 解放, "迎灾" for 迎宾). So a
doubtful character of a name that makes a word with neither neighbour, where the
recogniser also saw one that makes a word with one of them, is read as that one when
the line's evidence, with WORD_NATS prior odds, supports it. A clear print stays, and a
pair that is already a word is never changed (建议 stays 建议 even where 建设 was printed).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache

from models.ocr.ctc import CtcPosteriors
from resources import common_words
from showroom_app.documents.parsers.address_words import ELEMENTS
from showroom_app.documents.parsers.regions import region_start_end
from showroom_app.documents.parsers.rereading import reread

log = logging.getLogger(__name__)

# Prior odds, in nats, of a character that makes a word with its neighbour against one
# that makes none. Most neighbouring pairs of a road's or estate's name are words, few
# of the pairs a misreading makes are (an estimate, not a count: ln 20 ≈ 3.0); taken
# lower because real names that are no words must stay when printed clearly: at 4 nats
# a soft 桥 of 高桥乡 and 北 of 解放北路 were read as words (docs/benchmarks.md).
WORD_NATS = 2.5
# A road's section or kind before its element (北路, 中路, 二路, 东大街, 大道): part of
# the road's element, not of its name ("解放北路" is no "解放出路", "人民中路" no 人民主路).
_SECTION = re.compile("(?:[东西南北中]|[一二三四五六七八九十]+)?大?[路街道]")
# What a town's, village's or region's name runs on to (see _place): 镇, 乡, 村 and 组,
# the kinds of village (王庄, 李集, 后李庄), the regions' ends.
_PLACE_ENDS = frozenset("镇乡村组庄屯寨营堡集店省市区县旗盟州")
# What follows an estate's or building's name: its last character before them is most
# often the estate's kind (锦绣苑5栋, 阳光花园12号楼), no part of a word with its
# neighbour.
_NUMBER_OR_BUILDING = re.compile(r"[\d栋幢座号]")


@cache
def words() -> frozenset[str]:
    """The two-character words (resources/lexicon); none when the file cannot be read (an
    installation the self-test reports as incomplete): names are then read as
    recognised, and ID cards still read."""
    try:
        return frozenset(common_words().read_text(encoding="utf-8").split())
    except (OSError, UnicodeDecodeError) as exc:
        log.error("The word list cannot be read (%s): road names are read as recognised",
                  exc)
        return frozenset()


def read_address_names(text: str, ctc: CtcPosteriors | None, before: str = "",
                       after: str = "") -> str | None:
    """The line's text with doubtful characters of its names read as characters that
    make words, where the evidence supports it; None when nothing changes. Never the
    region start (the region table reads it), a digit or an address element
    (parsers.address_words reads those). `before`, `after`: the address's lines above
    and below this one."""
    full = before + text + after
    floor = region_start_end(full)
    vocabulary = words()

    def name_at(s: str, j: int) -> bool:
        return (floor <= j < len(s) and _is_han(s[j]) and s[j] not in ELEMENTS
                and s[j] not in _PLACE_ENDS and not _SECTION.match(s, j))

    def makes_word(s: str, j: int, c: str) -> bool:
        return ((name_at(s, j - 1) and s[j - 1] + c in vocabulary)
                or (name_at(s, j + 1) and c + s[j + 1] in vocabulary))

    def fits(current: str, i: int, c: str) -> bool:
        s, j = before + current + after, len(before) + i
        return (_is_han(c) and c not in ELEMENTS and c not in _PLACE_ENDS
                and makes_word(s, j, c)
                and not makes_word(s, j, s[j]))

    positions = [i for i in range(max(0, floor - len(before)), len(text))
                 if name_at(full, len(before) + i)
                 and not _NUMBER_OR_BUILDING.match(full, len(before) + i + 1)
                 and not _place(full, len(before) + i, name_at)]
    return reread(text, ctc, positions, None, WORD_NATS, fits, tail_of_greedy=True)


def _place(text: str, j: int, name_at: Callable[[str, int], bool]) -> bool:
    """Whether text[j] is in the name of a town, a village or a region: the name runs on
    to 镇, 乡, 村, 庄… or to 区, 县, 市…, or follows 镇 or 乡 and is no road's. A town's
    or village's name is as often a surname with a direction or a kind of place (西李,
    王庄, 李集) as a word, and a clear print of one must not become a word; a region's
    name the table did not know is no word to be made either ("簿塔区" is not 宝塔区 of
    another city)."""
    start = j
    while name_at(text, start - 1):
        start -= 1
    while name_at(text, j):
        j += 1
    if j < len(text) and text[j] in _PLACE_ENDS:
        return True
    # A village named right after its town or township, with no 村 ("孙庄乡王寨364号"),
    # unless the name is a road's (it reaches a road's element).
    return start > 0 and text[start - 1] in "镇乡" and not _SECTION.match(text, j)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
