"""The one shape every report returns: a plain table that the Reports page, the CLI
and the exporters all render the same way. No Qt, no SQL, no formatting decisions
beyond what each column holds (its kind)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # integer fen, never float
    PERCENT = "percent"  # Decimal fraction (0.6667 = 66.67 %), None when undefined (0/0)
    DURATION = "duration"  # whole seconds (int), None when nothing was measured


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: Kind = Kind.TEXT
    # Personal data (a person's name): exporters mask it unless deliberately included.
    personal: bool = False


@dataclass(frozen=True)
class Figure:
    """A single headline figure printed above or below the table (overall conversion,
    agreement rate, finance penetration…)."""

    key: str
    zh: str
    en: str
    kind: Kind
    value: Any


@dataclass(frozen=True)
class Note:
    zh: str
    en: str


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Table:
    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # The filters the rows were computed with, as (label, value) text pairs.
    filters: list[tuple[str, str]] = field(default_factory=list)
    # Text cells that are stable keys (a funnel step, a band, a document type) are shown
    # in the reader's language through this mapping; the rows keep the key.
    labels: dict[str, Label] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def text(self, value: object, lang: str) -> str:
        label = self.labels.get(value) if isinstance(value, str) else None
        return label.text(lang) if label else ("" if value is None else str(value))

    def index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def column_values(self, key: str) -> list[Any]:
        i = self.index(key)
        return [r[i] for r in self.rows]

    def row_by(self, key: str, value: Any) -> dict[str, Any]:
        """The first row whose `key` column equals `value`, as a mapping (tests, UI)."""
        i = self.index(key)
        for r in self.rows:
            if r[i] == value:
                return dict(zip((c.key for c in self.columns), r, strict=True))
        raise KeyError(value)

    def figure(self, key: str) -> Any:
        for f in self.figures:
            if f.key == key:
                return f.value
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe: Decimals as strings, so a fraction is never rounded by a float."""
        def plain(v: Any) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        return {
            "name": self.name, "title_zh": self.title_zh, "title_en": self.title_en,
            "columns": [{"key": c.key, "zh": c.zh, "en": c.en, "kind": c.kind.value,
                         "personal": c.personal} for c in self.columns],
            "rows": [[plain(v) for v in r] for r in self.rows],
            "figures": [{"key": f.key, "zh": f.zh, "en": f.en, "kind": f.kind.value,
                         "value": plain(f.value)} for f in self.figures],
            "notes": [{"zh": n.zh, "en": n.en} for n in self.notes],
            "filters": [list(p) for p in self.filters],
            "labels": {k: {"zh": v.zh, "en": v.en} for k, v in self.labels.items()},
        }


_PLACES = Decimal("0.0001")


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole as a Decimal fraction to four places (0.01 %), half up; None for 0/0
    (an empty range has no rate, which is not the same as a rate of zero)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def nearest_rank(sorted_values: list[int], p: int) -> int | None:
    """The p-th percentile (p in 1..100) by nearest rank: always a value that was
    observed, no interpolation. The median of 4 values is the 2nd (the lower one)."""
    n = len(sorted_values)
    if n == 0:
        return None
    rank = -(-p * n // 100)  # ceil(p·n / 100) in integers: no float rounding at the edges
    return sorted_values[max(rank, 1) - 1]
