"""What a CTC recogniser saw in one line, kept after decoding: the class posteriors of
every output frame. With it a caller can ask how likely *another* text is for the same
line (the likelihood the recogniser gives that exact sequence, summed over every
alignment) and where each read character sits, without running the model again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Posteriors are clipped here before the log: one impossible frame must not make a
# whole reading -inf, only very unlikely.
FLOOR = 1e-6
BLANK = 0  # CTC blank is class 0 in PP-OCR recognisers


@dataclass(frozen=True, eq=False)
class CtcPosteriors:
    """probs: (frames, classes) posteriors, a view into the recogniser's batch output
    (nothing is copied: most lines are never asked). frames_in_crop: how many frames
    cover the crop itself (the rest is padding), to turn a frame into an x position.
    classes: character → class index of the recogniser; characters: class index →
    character, the recogniser's own list ("" or a placeholder at the blank's index)."""

    probs: np.ndarray
    frames_in_crop: float
    classes: Mapping[str, int]
    characters: Sequence[str]

    @property
    def frames(self) -> int:
        return int(self.probs.shape[0])

    def log_likelihood(self, text: str) -> float:
        """ln P(text | line) under CTC: every alignment of `text` to the frames. A
        character the recogniser cannot emit at all gives -inf."""
        ids = [self.classes.get(ch) for ch in text]
        if any(i is None for i in ids):
            return -math.inf
        n = len(ids)
        # Extended label: blank, c1, blank, c2, ..., cn, blank.
        ext = np.full(2 * n + 1, BLANK, dtype=np.int64)
        ext[1::2] = ids
        emit = np.log(np.maximum(self.probs[:, ext], FLOOR))
        if n == 0:
            return float(emit[:, 0].sum())
        # A skip over a blank is allowed between two different characters only.
        skip = np.zeros(2 * n + 1, dtype=bool)
        skip[3::2] = ext[3::2] != ext[1:-2:2]
        alpha = np.full(2 * n + 1, -np.inf)
        alpha[0], alpha[1] = emit[0, 0], emit[0, 1]
        shifted = np.empty_like(alpha)
        jumped = np.empty_like(alpha)
        for t in range(1, self.frames):
            shifted[0], shifted[1:] = -np.inf, alpha[:-1]
            jumped[:2], jumped[2:] = -np.inf, alpha[:-2]
            jumped[~skip] = -np.inf
            alpha = np.logaddexp(np.logaddexp(alpha, shifted), jumped) + emit[t]
        return float(np.logaddexp(alpha[-1], alpha[-2]))

    def best_path(self) -> list[tuple[int, int, int]]:
        """The greedy reading as (class id, first frame, last frame) per character, the
        way the decoder reads it (repeats merged, blanks dropped)."""
        top = self.probs.argmax(axis=1)
        out: list[tuple[int, int, int]] = []
        prev = BLANK
        for t, c in enumerate(top.tolist()):
            if c != BLANK and c == prev and out:
                out[-1] = (c, out[-1][1], t)
            elif c != BLANK:
                out.append((c, t, t))
            prev = c
        return out

    def char_centres(self, text: str | None = None) -> list[float]:
        """Each character's centre as a share of the crop width: of the greedy reading,
        or of `text` where the recogniser's frames place it best (another reading of
        the same line, chosen by a caller, has its own positions: "山东省" put in place
        of a misread "20山东省" sits where those three characters were seen). Empty when
        `text` holds a character the recogniser cannot emit."""
        path = self.best_path()
        if text is not None and [self.classes.get(ch) for ch in text] != [c for c, _a, _b in path]:
            spans = self.align(text)
            if spans is None:
                return []
            path = [(0, a, b) for a, b in spans]
        return [min(1.0, (a + b + 1) / 2 / self.frames_in_crop) for _c, a, b in path]

    def align(self, text: str) -> list[tuple[int, int]] | None:
        """First and last frame of each character of `text` on its most likely CTC
        alignment (Viterbi); None for a text the recogniser cannot emit or an empty one."""
        ids = [self.classes.get(ch) for ch in text]
        if not ids or any(i is None for i in ids) or self.frames < len(ids):
            return None
        n = len(ids)
        ext = np.full(2 * n + 1, BLANK, dtype=np.int64)
        ext[1::2] = ids
        emit = np.log(np.maximum(self.probs[:, ext], FLOOR))
        skip = np.zeros(2 * n + 1, dtype=bool)
        skip[3::2] = ext[3::2] != ext[1:-2:2]
        score = np.full(2 * n + 1, -np.inf)
        score[0], score[1] = emit[0, 0], emit[0, 1]
        # back[t, s]: how state s was reached at frame t (0 stayed, 1 or 2 states back).
        back = np.zeros((self.frames, 2 * n + 1), dtype=np.int8)
        for t in range(1, self.frames):
            stay = score
            step = np.concatenate(([-np.inf], score[:-1]))
            jump = np.concatenate(([-np.inf, -np.inf], score[:-2]))
            jump[~skip] = -np.inf
            options = np.stack((stay, step, jump))
            back[t] = options.argmax(axis=0)
            score = options.max(axis=0) + emit[t]
        state = 2 * n if score[2 * n] >= score[2 * n - 1] else 2 * n - 1
        if not np.isfinite(score[state]):
            return None
        first = [self.frames] * n
        last = [-1] * n
        for t in range(self.frames - 1, -1, -1):
            if state % 2 == 1:
                k = state // 2
                first[k], last[k] = min(first[k], t), max(last[k], t)
            state -= int(back[t, state])
        return list(zip(first, last, strict=True))
