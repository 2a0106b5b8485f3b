"""What every OCR engine gives the document pipeline: text lines with their boxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from models.ocr.ctc import CtcPosteriors


Box = tuple[tuple[float, float], tuple[float, float], tuple[float, float],
            tuple[float, float]]
# Told a detected line's box as shares (0..1) of the picture's width and height, the
# picture turned the way its text reads: True when the line need not be recognised.
SkipLine = Callable[[Box], bool]
# The score of a line left unread: what a label reads as does not make the value beside
# it any more or less doubtful, so an unread line never lowers a row's confidence.
UNREAD_SCORE = 1.0


@dataclass(frozen=True, slots=True)
class TextLine:
    """One recognised line. `box` is its four corners (x, y) in the pixels of the
    image that was read, clockwise from top-left; `score` is the recogniser's
    confidence in 0..1. `ctc`, when the engine keeps it, is what the recogniser saw
    in the line (see models.ocr.ctc); it is not part of the line's identity.
    A line detected but left unread (`OcrEngine.read`'s `skip`) has empty text and
    UNREAD_SCORE: its box still says where print is."""

    text: str
    score: float
    box: Box
    ctc: CtcPosteriors | None = field(default=None, compare=False, repr=False)

    @property
    def unread(self) -> bool:
        return not self.text

    @property
    def left(self) -> float:
        return min(p[0] for p in self.box)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.box)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.box)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.box)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    @property
    def height(self) -> float:
        return self.bottom - self.top


class OcrEngine(Protocol):
    """Reads text from a BGR uint8 image. Implementations load their models from local
    files only: no call ever touches the network."""

    name: str

    def read(self, image: np.ndarray, skip: SkipLine | None = None,
             pack: bool = False) -> list[TextLine]:
        """Detect and recognise every text line of `image`, top to bottom. The lines
        `skip` picks (a layout's labels, whose place alone says what they are) may be
        left unread: they come back with their boxes and no text. An engine that
        cannot leave a line out reads it. `pack`: short lines may be recognised side by
        side, several to one input of the recogniser (faster; a reading may differ a
        little from the line's read alone)."""
        ...

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise single-line crops (no detection): (text, score) per crop."""
        ...

    def warm_up(self) -> None:
        """Load the models and run them once, so the first real read is fast."""
        ...
