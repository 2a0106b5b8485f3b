"""Region names an ID-card address starts with (GB/T 2260, as python-stdnum ships them in
`stdnum/cn/loc.dat`, retired names included: older cards print them), and the reading
of an address line's start as one of them.

An address on the card is printed as province + prefecture + county ("浙江省杭州市西湖区"),
province + county-level city ("山东省寿光市"), or municipality + district
("北京市朝阳区"). These names are a closed list, so a soft picture's "浙江省杭州市西区"
can be read against it: each near entry is scored on the recogniser's own evidence for
the line (the CTC likelihood of the line's text with that start), and taken only when
that evidence supports it nearly as well as the free reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from models.ocr.ctc import CtcPosteriors

# Placeholder rows of the code table, never printed in an address.
_PLACEHOLDERS = ("市辖区", "市区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划",
                 "省直辖县级行政单位", "自治区直辖县级行政单位")
# Last characters of region names: an address continues with a street or a town, so a
# reading left with one of these right after its region start has lost part of a name.
_SUFFIXES = frozenset("区县市旗盟州")
# How many nats less likely than the free reading a closed-list start may be and still
# be taken: the log prior odds against a printed start that is not in the table (a name
# newer than the table, ~1e-4). Real misreads needed 0-7.3 nats on the bench's degraded
# frames; deleting a character the recogniser saw clearly costs ~12.
REGION_PRIOR_NATS = 9.0
# How much likelier the county an ID number names is, as the start of the holder's
# address, than any one other county: about half of holders still live where their
# number was issued, against one of ~3,000 counties (ln 1,500 ≈ 7.3).
NUMBER_REGION_NATS = 7.0
# A number failing its check still names its county unless the wrong character is one
# of the county's six (6 times in 18 if it is one of the 18: ln 18/12 ≈ 0.4 less).
UNSURE_NUMBER_REGION_NATS = NUMBER_REGION_NATS - 0.4
# The start is looked for this many characters into the line at most (a label merged
# in front: "住址").
MAX_OFFSET = 3


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)


def _names(raw: str) -> list[str]:
    """The names one table row has held, without their [from-to] years."""
    return [re.sub(r"\[[^\]]*\]", "", part).strip() for part in raw.split(",")
            if re.sub(r"\[[^\]]*\]", "", part).strip()]


@cache
def _loc_text() -> str:
    """python-stdnum's GB/T 2260 table, read once for both views of it below."""
    return (resources.files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")


def warm() -> None:
    """Build both views of the table (~50 ms) before the first card is read."""
    region_tree()
    _code_table()


@cache
def region_tree() -> dict[str, _Node]:
    """Province → (prefecture or county-level city) → county, by name."""
    text = _loc_text()
    tree: dict[str, _Node] = {}
    provinces: list[str] = []
    prefectures: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r'^(\d{2}) province="([^"]*)"', line)
        if m:
            provinces = _names(m.group(2))
            for p in provinces:
                tree.setdefault(p, _Node())
            prefectures = {}
            continue
        m = re.match(r'^\s+(\d{2})(\d{2}) county="([^"]*)"', line)
        if not m or not provinces:
            continue
        pref, county, names = m.group(1), m.group(2), _names(m.group(3))
        names = [n for n in names if n not in _PLACEHOLDERS and "直辖" not in n]
        if pref == "00":
            continue
        if county == "00":
            prefectures[pref] = names
            for p in provinces:
                for n in names:
                    tree[p].children.setdefault(n, _Node())
            continue
        parents = prefectures.get(pref) or []
        for p in provinces:
            for n in names:
                if not parents or n.endswith("市"):
                    # Municipality districts and county-level cities follow the
                    # province directly ("北京市朝阳区", "山东省寿光市").
                    tree[p].children.setdefault(n, _Node())
                for parent in parents:
                    tree[p].children.setdefault(parent, _Node()).children.setdefault(
                        n, _Node())
    return tree


@cache
def _code_table() -> dict[str, list[str]]:
    """Six-digit code → every name the row has held (GB/T 2260, retired names too)."""
    text = _loc_text()
    table: dict[str, list[str]] = {}
    province = ""
    for line in text.splitlines():
        m = re.match(r'^(\d{2}) province="([^"]*)"', line)
        if m:
            province = m.group(1)
            table[province + "0000"] = _names(m.group(2))
            continue
        m = re.match(r'^\s+(\d{4}) county="([^"]*)"', line)
        if m and province:
            table.setdefault(province + m.group(1), []).extend(_names(m.group(2)))
    return table


def number_region_starts(code: str) -> list[str]:
    """How an address in the county an ID number's region code names starts
    ("130681" → "河北省涿州市", "110105" → "北京市朝阳区"), every former name
    included; empty for a code the table does not hold."""
    table = _code_table()
    counties = [n for n in table.get(code, []) if n not in _PLACEHOLDERS]
    if not counties or code.endswith("0000"):
        return []
    provinces = table.get(code[:2] + "0000", [])
    if code.endswith("00"):  # a city with no counties under it: "广东省东莞市"
        return sorted({p + c for p in provinces for c in counties})
    prefectures = [n for n in table.get(code[:4] + "00", [])
                   if n not in _PLACEHOLDERS and "直辖" not in n]
    starts = set()
    for p in provinces:
        for c in counties:
            if c.endswith("市") or not prefectures:
                starts.add(p + c)  # county-level city, or a municipality's district
            else:
                starts.update(p + f + c for f in prefectures)
    return sorted(starts)


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _allowed(name: str) -> int:
    """Edits a read may be from a name to make it a candidate."""
    return 1 if len(name) <= 3 else 2


def _matches(level: dict[str, _Node], text: str, start: int
             ) -> list[tuple[str, _Node, int, int]]:
    """(name, node, characters of `text` it covers, edits) for the names at this level
    that `text[start:]` begins with, give or take a few edits."""
    out = []
    for name, node in level.items():
        allowed = _allowed(name)
        window = set(text[start:start + len(name) + 1])
        if len(set(name) - window) > allowed:
            continue  # more characters missing than edits allowed
        for used in (len(name) - 1, len(name), len(name) + 1):
            if used <= 0 or start + used > len(text):
                continue
            d = edit_distance(name, text[start:start + used])
            if d <= allowed:
                out.append((name, node, used, d))
    return out


def candidates(text: str) -> list[str]:
    """Readings of `text` whose region start is an entry of the table, each within a
    few edits of what was read; `text` itself is never among them."""
    tree = region_tree()
    found: set[str] = set()
    for offset in range(min(MAX_OFFSET, len(text)) + 1):
        # After a merged label ("住址"), only a province read exactly starts the address.
        provinces = _matches(tree, text, 0) if offset == 0 else [
            (p, node, len(p), 0) for p, node in tree.items() if text.startswith(p, offset)]
        for p, pnode, pu, pd in provinces:
            rest = offset + pu
            # A province alone is no evidence of an address start (a road may be called
            # 海南路): a second level must follow.
            for f, fnode, fu, fd in _matches(pnode.children, text, rest):
                thirds = _matches(fnode.children, text, rest + fu) or [("", _Node(), 0, 0)]
                for c, _cnode, cu, cd in thirds:
                    if pd + fd + cd == 0:
                        # The start as read already is an entry: nothing to choose.
                        return []
                    used = rest + fu + cu
                    if text[used:used + 1] in _SUFFIXES:
                        continue  # what follows is the end of a region name, mangled
                    found.add(text[:offset] + p + f + c + text[used:])
    found.discard(text)
    return sorted(found)


def _preferred_candidates(text: str, starts: Sequence[str]) -> list[str]:
    """Readings of `text` that start with one of `starts` in place of what was read,
    a few edits from it; none when `text` already starts with one."""
    if any(text.startswith(start) for start in starts):
        return []
    found = set()
    for start in starts:
        allowed = _allowed(start) + 1
        for used in range(max(1, len(start) - allowed), len(start) + allowed + 1):
            if used <= len(text) and edit_distance(start, text[:used]) <= allowed:
                found.add(start + text[used:])
    found.discard(text)
    return sorted(found)


def read_region_start(text: str, ctc: CtcPosteriors | None,
                      preferred: Sequence[str] = (),
                      number_nats: float = NUMBER_REGION_NATS) -> tuple[str, bool]:
    """The line's text with its region start read against the table: (text, whether
    the table decided). Unchanged when the read start already is an entry, when nothing
    near it is, or when the recogniser's evidence does not support the entry.

    `preferred`: the starts of the county the card's own ID number names
    (`number_region_starts`). Most holders still live where their number was issued,
    so that county is also weighed when the start as read is another table entry one
    or two characters away ("河北省深州市" read for "河北省涿州市" on a card numbered
    130681); a start read clearly differs by far more than the same allowance."""
    if ctc is None or len(text) < 6:
        return text, False
    options = _options(text, preferred, number_nats)
    if not options:
        return text, False
    free = ctc.log_likelihood(text)
    if free == -math.inf:
        return text, False
    scored = max((ctc.log_likelihood(o) + prior, o) for o, prior in options)
    if scored[0] >= free:
        return scored[1], True
    return text, False


def read_wrapped_region_start(first: str, first_ctc: CtcPosteriors | None, second: str,
                              second_ctc: CtcPosteriors | None,
                              preferred: Sequence[str] = (),
                              number_nats: float = NUMBER_REGION_NATS
                              ) -> tuple[str, str] | None:
    """The same reading for a start that runs on to the address's second line (the
    card wraps after ~11 characters: "新疆维吾尔自治区乌鲁木" + "齐市天山区…"): each
    option is split between the two lines where their recognisers' evidence places
    the break best. The two lines' new texts, or None when the table does not decide."""
    if (first_ctc is None or second_ctc is None or len(first) < 4 or not second
            or not starts_like_province(first)):
        return None  # (a name over its sex row, a date over the address: no region start)
    joined = first + second
    options = _options(joined, preferred, number_nats)
    if not options:
        return None
    free = first_ctc.log_likelihood(first) + second_ctc.log_likelihood(second)
    if free == -math.inf:
        return None
    best: tuple[float, str, str] | None = None
    for option, prior in options:
        for k in range(max(1, len(first) - 2), min(len(option) - 1, len(first) + 2) + 1):
            score = (first_ctc.log_likelihood(option[:k])
                     + second_ctc.log_likelihood(option[k:]) + prior)
            if best is None or score > best[0]:
                best = (score, option[:k], option[k:])
    if best is None or best[0] < free:
        return None
    return best[1], best[2]


def starts_like_province(text: str) -> bool:
    """Whether `text` starts with a province name, give or take the edits a candidate
    may be from it, or exactly after a merged label (as candidates() reads starts)."""
    tree = region_tree()
    return bool(_matches(tree, text, 0)) or any(
        text.startswith(p, offset) for offset in range(1, min(MAX_OFFSET, len(text)) + 1)
        for p in tree)


def _options(text: str, preferred: Sequence[str], number_nats: float
             ) -> list[tuple[str, float]]:
    """Readings of `text` with a table start, each with its prior odds in nats against
    the free reading: a table start against one outside the table; the number's own
    county on top of that, or alone against a free reading that already starts with
    another table entry."""
    own_prior = number_nats + (0.0 if _starts_with_entry(text) else REGION_PRIOR_NATS)
    return ([(o, REGION_PRIOR_NATS) for o in candidates(text)]
            + [(o, own_prior) for o in _preferred_candidates(text, preferred)])


def _starts_with_entry(text: str) -> bool:
    """Whether `text` starts, as read, with a province and a second level of the table."""
    tree = region_tree()
    for p, node in tree.items():
        if text.startswith(p):
            rest = text[len(p):]
            return any(rest.startswith(name) for name in node.children)
    return False


def region_start_end(text: str, max_offset: int = MAX_OFFSET) -> int:
    """Where the table's region start read in `text` ends (province, second level and a
    county under it when there is one), looked for up to `max_offset` characters in;
    0 when there is none. A province followed by no name of its second level is a
    start that runs on past this text (wrapped to the next line, or misread): all of
    `text` is region then."""
    tree = region_tree()
    for offset in range(min(max_offset, len(text)) + 1):
        for p, node in tree.items():
            if not text.startswith(p, offset):
                continue
            at = offset + len(p)
            for name, child in node.children.items():
                if text.startswith(name, at):
                    end = at + len(name)
                    third = max((len(c) for c in child.children if text.startswith(c, end)),
                                default=0)
                    return end + third
            return len(text)
    return 0
