"""The issuing authority on an ID card's back, read against the public security bureaus
the GB/T 2260 region table implies.

A card is issued by a city's or county's bureau ("淇县公安局", "慈溪市公安局") or by a
city district's branch of it ("杭州市公安局西湖分局", "重庆市公安局渝中区分局"). A doubtful
character of such a line ("禁溪市公安局", "天津市公安翔和平分局") is read as the bureau
within a few edits of what was read when the recogniser's own evidence, with the prior
odds of a name in the table against one outside it, supports it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache

from models.ocr.ctc import CtcPosteriors
from showroom_app.documents.parsers.regions import REGION_PRIOR_NATS, edit_distance, region_tree

# A label read with the value ("签发机关天津市…", "警发教美…"): the bureau is looked for
# this many characters into the line at most.
MAX_OFFSET = 4


@cache
def _bureaus() -> dict[int, list[str]]:
    """Every bureau the table implies, by length."""
    names: set[str] = set()
    for province, pnode in region_tree().items():
        if province.endswith("市"):  # a municipality: its districts have branches
            names.add(province + "公安局")
            for district in pnode.children:
                if district.endswith("区"):
                    names.update(_branches(province, district))
                else:
                    names.add(district + "公安局")
            continue
        for city, cnode in pnode.children.items():
            names.add(city + "公安局")
            for county in cnode.children:
                if county.endswith("区") and city.endswith("市"):
                    names.update(_branches(city, county))
                else:
                    names.add(county + "公安局")
    by_length: dict[int, list[str]] = defaultdict(list)
    # (A place is named by two characters at least: 淇县; the table's few one-character
    # rows are not places.)
    for name in (n for n in names if n.index("公安局") >= 2):
        by_length[len(name)].append(name)
    return dict(by_length)


def _branches(city: str, district: str) -> set[str]:
    """The names a district's branch of the city's bureau is printed with: the district
    with or without its 区 (和平分局, 渝中区分局), a 新区 by its name alone (浦东分局)."""
    stem = district[:-2] if district.endswith("新区") else district[:-1]
    return {f"{city}公安局{stem}分局", f"{city}公安局{district}分局"}


def _near(text: str) -> list[str]:
    """The bureaus within a few edits of `text` (one for a short name, two otherwise)."""
    allowed = 1 if len(text) <= 6 else 2
    chars = set(text)
    return [name for length in range(len(text) - 1, len(text) + 2)
            for name in _bureaus().get(length, ())
            if len(set(name) - chars) <= allowed and edit_distance(name, text) <= allowed]


def read_authority(text: str, ctc: CtcPosteriors | None) -> str | None:
    """The line's `text` with the bureau it names read against the table; None when
    nothing changes: the bureau as read already is one, none is near it, or the
    recogniser's evidence does not support one."""
    if ctc is None or ("公安" not in text and "局" not in text):
        return None
    free = ctc.log_likelihood(text)
    if free == -math.inf:
        return None
    best: tuple[float, str] | None = None
    for offset in range(min(MAX_OFFSET, len(text) - 1) + 1):
        rest = text[offset:]
        if rest in _bureaus().get(len(rest), ()):
            return None
        for name in _near(rest):
            option = text[:offset] + name
            score = ctc.log_likelihood(option) + REGION_PRIOR_NATS
            if best is None or score > best[0]:
                best = (score, option)
    return best[1] if best is not None and best[0] >= free else None


def bureau_in(text: str) -> str | None:
    """The bureau of the table that `text` ends with, up to MAX_OFFSET characters in
    (what stands before it is a label read with it); None when there is none."""
    for offset in range(min(MAX_OFFSET, len(text) - 1) + 1):
        rest = text[offset:]
        if rest in _bureaus().get(len(rest), ()):
            return rest
    return None
