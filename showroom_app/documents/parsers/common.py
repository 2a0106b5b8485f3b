"""Reading fields out of OCR lines by layout and pattern, not by exact label text.

Real cards come back from OCR with labels merged into values ("姓名张伟"), misread
(娃名 for 姓名, 性剂 for 性别) or split into several boxes. So the parsers group
lines into rows by position, find each field by the shape of its value (a date, an
18-character number, 男/女) and strip whatever label-like prefix sits in front.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from models.ocr.base import TextLine


def normalize(text: str) -> str:
    """Full-width forms to ASCII, spaces dropped: OCR gives either for the same print."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


# Letters the recogniser reads for digits inside a field that can only hold digits.
# Mapping them is reading the print correctly, not changing what is printed.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1",
                                   "|": "1", "Z": "2", "S": "5", "B": "8", "b": "6",
                                   "q": "9", "g": "9"})


def as_digits(text: str) -> str:
    """Letters read where digits are printed turned back into those digits."""
    return text.translate(_DIGIT_LOOKALIKES)


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", as_digits(text))


@dataclass
class Row:
    """Lines whose vertical centres fall together, left to right."""

    lines: list[TextLine]

    @property
    def text(self) -> str:
        return "".join(normalize(line.text) for line in self.lines)

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def left(self) -> float:
        return min(line.left for line in self.lines)

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def score(self) -> float:
        """The weakest line decides: one bad box makes the whole value doubtful."""
        return min(line.score for line in self.lines) if self.lines else 0.0


def group_rows(lines: list[TextLine], tolerance: float = 0.5) -> list[Row]:
    """Rows top to bottom. Two lines share a row when their vertical centres are
    closer than `tolerance` × the smaller line height."""
    rows: list[Row] = []
    for line in sorted(lines, key=lambda ln: ln.center[1]):
        for row in rows:
            ref = min(line.height, *(ln.height for ln in row.lines)) or 1.0
            if abs(line.center[1] - row.center_y) < tolerance * ref:
                row.lines.append(line)
                break
        else:
            rows.append(Row([line]))
    for row in rows:
        row.lines.sort(key=lambda ln: ln.left)
    return sorted(rows, key=lambda r: r.center_y)


def strip_label(text: str, label: str) -> str:
    """Drop a leading label even when misread: the prefix of the label's length is a
    label when at least half of its characters match the label's, in place."""
    n = len(label)
    if len(text) > n:
        head = text[:n]
        same = sum(1 for a, b in zip(head, label, strict=True) if a == b)
        if same * 2 >= n:
            return text[n:].lstrip(":：")
    return text


def strip_any_label(text: str, labels: tuple[str, ...]) -> str:
    for label in labels:
        stripped = strip_label(text, label)
        if stripped != text:
            return stripped
    return text


def find_date(text: str) -> tuple[int, int, int] | None:
    """Year, month, day from printed forms: 1988年3月15日, 1988.03.15, 1988-3-15,
    19880315; OCR may drop the 年/月 characters, or read the last 日 as a letter
    ("1998年8月11B": no day 118, the letter is what is left of 日)."""
    found = _find_date(text)
    if (found is None or not _names_a_day(found)) and re.search(r"\d[A-Za-z]$",
                                                                  normalize(text)):
        # ("1998年12月3B" is no day 38 either.)
        without = _find_date(normalize(text)[:-1])
        if without is not None and (found is None or _names_a_day(without)):
            found = without
    return found


def _names_a_day(ymd: tuple[int, int, int]) -> bool:
    try:
        date(*ymd)
    except ValueError:
        return False
    return True


def _find_date(text: str) -> tuple[int, int, int] | None:
    t = as_digits(normalize(text))
    m = re.search(r"((?:19|20)\d{2})\D{0,2}?(\d{1,2})\D{1,2}?(\d{1,2})(?!\d)", t)
    if m is None:
        m = re.search(r"((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)", t)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def iso(ymd: tuple[int, int, int] | None) -> str | None:
    return f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}" if ymd else None
