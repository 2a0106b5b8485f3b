"""Label → value reading for documents laid out as forms (licences, the ID back).

A label is found by its text, misreads allowed; its value is the rest of the same box
(label and value merged), else the boxes to its right on the same row up to the next
label, plus continuation rows below in the value's column.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.ocr.base import TextLine
from showroom_app.documents.parsers.common import normalize


@dataclass
class Found:
    text: str
    score: float
    label: TextLine | None = None
    boxes: tuple[TextLine, ...] = ()


def _similar_prefix(text: str, label: str) -> bool:
    n = len(label)
    if len(text) < n:
        return False
    if text.startswith(label):
        return True
    same = sum(1 for a, b in zip(text[:n], label, strict=True) if a == b)
    # Two-character labels need one right character; longer ones two thirds.
    return same * 3 >= n * 2 if n > 2 else same >= 1 and n == 2 and len(text) >= 2


def label_of(line: TextLine, labels: tuple[str, ...], exact: bool = False) -> str | None:
    text = normalize(line.text)
    for label in labels:
        if text.startswith(label) if exact else _similar_prefix(text, label):
            return label
    return None


def _is_label(line: TextLine, labels: tuple[str, ...], labels_end: float) -> bool:
    """A label read as printed, or misread where labels stand (left of `labels_end`): a
    value line may start like one (住宅楼 like 住所)."""
    return bool(label_of(line, labels, exact=True)
                or (line.left < labels_end and label_of(line, labels)))


def same_row(a: TextLine, b: TextLine) -> bool:
    ref = min(a.height, b.height) or 1.0
    return abs(a.center[1] - b.center[1]) < 0.6 * ref


def value_after(lines: list[TextLine], labels: tuple[str, ...], all_labels: tuple[str, ...],
                continuation: bool = False,
                column: tuple[float, float] | None = None) -> Found | None:
    """The value printed after the first box labelled with one of `labels`: read exactly
    if any is, else misread. A value can look like a misread label ("张名扬" like 姓名,
    "李别" like 性别): the label read as printed is preferred, and the first box right
    of a label is always its value. `continuation`: the value wraps onto the rows below
    it, in its own column, up to the next labelled row. `column`: only the boxes whose
    middle lies in this x range (left inclusive) belong to the form the label is in (a
    licence prints two side by side)."""
    if column is not None:
        lines = [ln for ln in lines if column[0] <= ln.center[0] < column[1]]
    ordered = sorted(lines, key=lambda ln: (ln.top, ln.left))
    exact = [ln for ln in ordered if label_of(ln, labels, exact=True) is not None]
    for line in exact or ordered:
        label = label_of(line, labels, exact=bool(exact))
        if label is None:
            continue
        rest = normalize(line.text)[len(label):].lstrip(":：")
        parts: list[TextLine] = [line] if rest else []
        texts = [rest] if rest else []
        # Right of the label's middle: detected boxes may overlap the label a little.
        middle = (line.left + line.right) / 2
        right = [ln for ln in lines if ln is not line and same_row(ln, line)
                 and ln.left > middle]
        for ln in sorted(right, key=lambda x: x.left):
            if (parts or label_of(ln, all_labels, exact=True)) and label_of(ln, all_labels):
                break  # the next label (a label right after its own is read exactly)
            parts.append(ln)
            texts.append(normalize(ln.text))
        if continuation and parts:
            others = [p for p in parts if p is not line]
            # Merged with its label, the value starts about a label's width in.
            column_left = min(p.left for p in others) if others else (
                line.left + len(label) * line.height * 0.95)
            bottom = max(p.bottom for p in parts)
            height = max(p.height for p in parts)
            below = sorted((ln for ln in lines if ln.top > bottom - 0.3 * height
                            and ln not in parts), key=lambda x: x.top)
            labels_end = column_left - height
            # A line runs on below only when it is full: it reaches as far right as the
            # form's lines near it do.
            full = max(ln.right for ln in lines if line.top - 0.5 * line.height <= ln.top
                       <= line.bottom + 6 * line.height)
            for ln in below:
                if max(p.right for p in parts if same_row(p, parts[-1])) < full - 1.5 * height:
                    break
                # Wrapped lines follow each other closer than the form's rows do (about
                # 1.1 line heights against 1.5 from top to top).
                if ln.top - parts[-1].top > 1.3 * parts[-1].height or any(
                        _is_label(o, all_labels, labels_end) for o in lines if o is ln or (
                            same_row(o, ln) and o.right <= ln.left + 0.5 * o.height
                            # (With no column given, a label of another form to the left
                            # does not end this one's value.)
                            and (column is not None or o.left > line.left - height))):
                    break  # a gap, or the next field's row
                if abs(ln.left - column_left) > 1.5 * height:
                    continue
                parts.append(ln)
                texts.append(normalize(ln.text))
        if texts:
            return Found("".join(texts), min(p.score for p in parts), line, tuple(parts))
        return Found("", line.score * 0.5, line, ())
    return None
