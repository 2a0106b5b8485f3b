"""Doubtful characters of a line read again against a set of likelier ones: the search
that parsers.address_words and parsers.given_names share.

A character is doubtful where the recogniser's greedy reading gave it less than SURE
and also saw, in the same frames, characters of the set. Each substitution is scored
on the line's whole CTC likelihood plus the set's prior odds per character changed, and
taken while it scores at least as well as the reading before it. A character the
recogniser saw but dropped for a blank is put back the same way (reread_gaps).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable

import numpy as np

from models.ocr.ctc import BLANK, CtcPosteriors

SURE = 0.95  # a character the recogniser gave at least this is not doubted
MIN_SEEN = 1e-3  # a character seen less than this where another was read was not seen
MAX_CHANGES = 2  # characters of one line that may be read otherwise


def reread(text: str, ctc: CtcPosteriors | None, positions: Iterable[int],
           likelier: Collection[str] | None, prior_nats: float,
           fits: Callable[[str, int, str], bool] | None = None,
           tail_of_greedy: bool = False) -> str | None:
    """`text` with up to MAX_CHANGES of its characters at `positions` read as characters
    of `likelier` (each with `prior_nats` prior odds) where the evidence supports it;
    None when nothing changes. `likelier` None: any character the recogniser saw there,
    for `fits` to choose from. Only characters of the greedy reading are reread (the
    line's others may have been read otherwise already). `fits(current, i, c)`: whether
    `c` may stand at `i` of the text as it stands. `tail_of_greedy`: where the line's
    start was read otherwise (a region name read against the table, a label dropped),
    its characters after the last one that differs from the greedy reading are still
    reread."""
    if ctc is None:
        return None
    path = ctc.best_path()
    offset = len(path) - len(text)
    if offset:
        if not tail_of_greedy:
            return None
        tail = 0
        while (tail < min(len(text), len(path))
               and ctc.classes.get(text[-1 - tail]) == path[-1 - tail][0]):
            tail += 1
        positions = [i for i in positions if i >= len(text) - tail]
    doubtful: list[tuple[int, list[str]]] = []
    for i in positions:
        cls, first, last = path[i + offset]
        if ((likelier is not None and text[i] in likelier)
                or ctc.classes.get(text[i]) != cls
                or float(ctc.probs[first:last + 1, cls].max()) >= SURE):
            continue
        span = ctc.probs[max(0, first - 1):last + 2]
        if likelier is None:
            seen = sorted(c for c in _seen(ctc, span) if c != text[i])
        else:
            seen = sorted(c for c in likelier if (k := ctc.classes.get(c)) is not None
                          and float(span[:, k].max()) >= MIN_SEEN)
        if seen:
            doubtful.append((i, seen))
    if not doubtful:
        return None
    score = ctc.log_likelihood(text)
    if score == -math.inf:
        return None
    current, changes = text, 0
    while changes < MAX_CHANGES:
        options = [(ctc.log_likelihood(option) + prior_nats * (changes + 1), option)
                   for i, seen in doubtful if current[i] == text[i]
                   for c in seen if fits is None or fits(current, i, c)
                   for option in [current[:i] + c + current[i + 1:]]]
        if not options:
            break
        best, option = max(options)
        if best < score:
            break
        score, current, changes = best, option, changes + 1
    return current if changes else None


def _seen(ctc: CtcPosteriors, span: np.ndarray) -> list[str]:
    """The characters the recogniser gave at least MIN_SEEN in any of `span`'s frames."""
    return [ctc.characters[k] for k in np.flatnonzero(span.max(axis=0) >= MIN_SEEN).tolist()
            if k != BLANK and k < len(ctc.characters)]


def reread_gaps(text: str, ctc: CtcPosteriors | None, gaps: Iterable[int],
                likelier: Collection[str], prior_nats: float,
                fits: Callable[[str, int, str], bool]) -> str | None:
    """`text` with one character of `likelier` put in at one of `gaps` (an index of
    `text`: before that character; len(text): at the end) where the recogniser saw it
    between the characters it read there (in the frames between them, and their own
    frames next to the gap, which a soft character's evidence often shares) but dropped
    it for a blank, and the evidence with `prior_nats` supports it; None when nothing is
    put in. Only the greedy reading's characters are read between. `fits(new_text, i,
    c)`: whether `c` may stand at `i` of the text it was put in."""
    if ctc is None:
        return None
    path = ctc.best_path()
    if len(path) != len(text):
        return None
    end = max(1, min(ctc.frames, math.ceil(ctc.frames_in_crop)))
    options: list[str] = []
    for p in gaps:
        if any(ctc.classes.get(text[j]) != path[j][0] for j in (p - 1, p)
               if 0 <= j < len(text)):
            continue  # (a neighbour read otherwise already: its frames say nothing)
        first = path[p - 1][2] if p > 0 else 0
        last = path[p][1] if p < len(path) else end - 1
        span = ctc.probs[first:last + 1]
        if span.size == 0:
            continue
        options += [option for c in likelier
                    if (k := ctc.classes.get(c)) is not None
                    and float(span[:, k].max()) >= MIN_SEEN
                    for option in [text[:p] + c + text[p:]] if fits(option, p, c)]
    if not options:
        return None
    score = ctc.log_likelihood(text)
    if score == -math.inf:
        return None
    best, option = max((ctc.log_likelihood(o) + prior_nats, o) for o in options)
    return option if best >= score else None
