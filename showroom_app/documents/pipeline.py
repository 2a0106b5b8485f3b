"""From a picture to checked fields: find and rectify the document, read it, parse
it by layout and pattern, validate every field."""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import cv2
import numpy as np

from models.ocr.base import OcrEngine, TextLine
from models.ocr.ctc import CtcPosteriors
from showroom_app.documents import capture, locate
from showroom_app.documents.fields import (
    LOW_CONFIDENCE,
    DocKind,
    FieldValue,
    ParsedDocument,
    Problem,
)
from showroom_app.documents.parsers import (
    ADDRESS_ELEMENTS,
    ETHNICITIES,
    LABELS_BY_PLACE,
    NAME_ROW_Y,
    VALUE_COLUMN,
    detect_kind,
    id_front_address_gap,
    id_front_address_lines,
    id_front_label_text,
    id_number_line,
    parse,
    upright,
)
from showroom_app.documents.parsers.address_names import read_address_names
from showroom_app.documents.parsers.address_words import read_address_words
from showroom_app.documents.parsers.authorities import read_authority
from showroom_app.documents.parsers.common import find_date, normalize
from showroom_app.documents.parsers.forms import same_row
from showroom_app.documents.parsers.given_names import read_given_name
from showroom_app.documents.parsers.regions import (
    NUMBER_REGION_NATS,
    UNSURE_NUMBER_REGION_NATS,
    number_region_starts,
    read_region_start,
    read_wrapped_region_start,
)
from showroom_app.documents.parsers.surnames import han_named, read_surname
from showroom_app.documents.validators import id_birth_date
from showroom_app.domain.errors import ShowroomError

ASPECT_OF: dict[DocKind, float] = {
    DocKind.ID_FRONT: capture.ASPECT["card"],
    DocKind.ID_BACK: capture.ASPECT["card"],
    DocKind.BANK_CARD: capture.ASPECT["card"],
    DocKind.DRIVING_LICENSE: capture.ASPECT["license_page"],
    DocKind.VEHICLE_LICENSE: capture.ASPECT["license_page"],
    DocKind.BUSINESS_LICENSE: capture.ASPECT["a4_landscape"],
}
# Cards are read at this width: their smallest print (labels, the ID number) stays
# well above the recogniser's 48 px line height while detection costs a third of the
# full-resolution time. A business licence keeps more pixels for its small print.
READ_WIDTH = {DocKind.BUSINESS_LICENSE: 1400}
CARD_READ_WIDTH = 800
CST = timezone(timedelta(hours=8))


class UnrecognizedDocument(ShowroomError):
    """Nothing in the picture reads like a document this desk knows."""


@dataclass
class ReadResult:
    document: ParsedDocument
    card: np.ndarray  # the rectified document image, turned the way it reads (BGR)
    elapsed_ms: float  # decoded image → validated fields
    timings: dict[str, float] = field(default_factory=dict)
    views: int = 1  # the still frames averaged into the picture read (read_views)


def today_in_china() -> date:
    return datetime.now(CST).date()


# The detector looks for a document's lines on the frame shrunk to this long side when
# its outline was not found (the engine shrinks further to its own limit).
LOCATE_SIDE = 960
MIN_LOCATE_SIDE = 64  # a picture narrower than this holds no card to place
TEXT_MARGINS = {DocKind.ID_FRONT: locate.ID_FRONT_MARGINS,
                DocKind.ID_BACK: locate.ID_BACK_MARGINS}


def locate_by_text(engine: OcrEngine | None, image: np.ndarray, kind: DocKind | None
                   ) -> np.ndarray | None:
    """The document's corners placed from its printed lines (see documents.locate),
    for a frame whose outline alone did not show it: a pale card on white paper, a dim
    card lying sideways. None without an engine that detects lines on their own."""
    detect = getattr(engine, "detect", None)
    h, w = image.shape[:2]
    if detect is None or kind is None or min(h, w) < MIN_LOCATE_SIDE:
        return None
    f = min(1.0, LOCATE_SIDE / max(h, w))
    small = image if f >= 1.0 else cv2.resize(
        image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    boxes = [np.asarray(b, np.float32) / f for b in detect(small)]
    return locate.card_from_text(image, boxes, ASPECT_OF[kind], TEXT_MARGINS.get(kind))


def rectified(image: np.ndarray, kind: DocKind | None, engine: OcrEngine | None = None
              ) -> np.ndarray:
    """The document cut out of a frame and squared; a scan or a crop that already is
    the document comes back as it is. With `engine`, a document whose outline is not
    found is placed from its text."""
    return _rectified(image, kind, engine)[0]


def _rectified(image: np.ndarray, kind: DocKind | None, engine: OcrEngine | None
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """`rectified`, with the corners it cut along when they came from the outline."""
    hint = ASPECT_OF[kind] if kind else None
    corners = capture.find_document(image, aspect_hint=hint)
    from_outline = corners is not None
    if corners is None:
        corners = locate_by_text(engine, image, kind)
    if corners is None:
        return image, None
    h, w = image.shape[:2]
    area = cv2.contourArea(corners.astype(np.float32))
    if area > 0.9 * w * h:  # the document is the whole picture
        return image, None
    aspect = hint or capture.estimate_aspect(corners)
    return capture.rectify(image, corners, aspect), corners if from_outline else None


# Outline and text disagreeing by more than this share of the card's long side (worst
# corner; ~12 px for a card across half a 1280 px frame) means the outline followed
# something else: a shadow, the paper under the card, the desk's grain.
OUTLINE_TEXT_DISAGREE = 0.02
# Fewer lines than this read inside an outline (its labels left unread not counted: a
# box read as nothing is dropped, one left unread is not): it was no document's (every
# kind prints more), and the document is looked for by its print instead.
MIN_LINES_ON_CARD = 3


def _text_corners(image: np.ndarray, kind: DocKind, corners: np.ndarray, card: np.ndarray,
                  small: np.ndarray, lines: list[TextLine]) -> np.ndarray | None:
    """Where the lines read on the cut-out card place the card in the frame, when that
    differs from the outline it was cut along; None when they agree (or cannot tell)."""
    if kind not in TEXT_MARGINS or len(lines) < 3:
        return None
    matrix, _size = capture.rectify_transform(corners, ASPECT_OF[kind], card.shape[1])
    scale = card.shape[1] / small.shape[1]
    pts = np.float32([ln.box for ln in lines]).reshape(-1, 1, 2) * scale
    boxes = cv2.perspectiveTransform(pts, np.linalg.inv(matrix)).reshape(-1, 4, 2)
    text = locate.card_from_text(image, list(boxes), ASPECT_OF[kind], TEXT_MARGINS[kind])
    if text is None:
        return None
    apart = min(float(np.abs(np.roll(text, k, axis=0) - corners).max()) for k in range(4))
    long_side = max(float(np.linalg.norm(corners[i] - corners[(i + 1) % 4])) for i in range(4))
    return text if apart > OUTLINE_TEXT_DISAGREE * long_side else None


def read_document(engine: OcrEngine, image: np.ndarray, kind: DocKind | None = None,
                  today: date | None = None, find: bool = True) -> ReadResult:
    """`image` is a camera frame or a scan (`find=True`), or an already rectified
    document (`find=False`). Raises UnrecognizedDocument when `kind` is not given and
    cannot be told from the text."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    image = capture.to_bgr(image)
    card, corners = _rectified(image, kind, engine) if find else (image, None)
    timings["capture_ms"] = (time.perf_counter() - started) * 1000
    width = READ_WIDTH.get(kind, CARD_READ_WIDTH) if kind else CARD_READ_WIDTH
    if find and card is image:
        # No document outline found: its text is a part of the picture, so keep every
        # pixel rather than shrinking the whole frame to a card's reading width.
        width = max(width, image.shape[1])
    t = time.perf_counter()
    # (A whole frame is no card: its desk and paper would read as a reflection.)
    flatten = kind in FLATTEN_GLARE and not (find and card is image)

    def prepared(card: np.ndarray, kind: DocKind | None = kind
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The document at its reading size, and that as it is read."""
        as_taken = _reading_size(card, width)
        if kind in RED_SEALED:
            as_taken = capture.without_red_ink(as_taken)
        return as_taken, capture.flatten_glare(as_taken) if flatten else as_taken

    as_taken, small = prepared(card)
    # On a document cut out and squared, its labels are known by their place: left
    # unread, they cost the recogniser nothing (on an ID front ~5 of its ~13 lines).
    # Their boxes still mark the print's extent for _text_corners.
    skip = LABELS_BY_PLACE.get(kind) if kind and not (find and card is image) else None
    pack = kind in PACKED
    lines = engine.read(small, skip=skip, pack=pack)
    if kind is not None and corners is not None:
        # The print read on the cut-out card checks the outline it was cut along; when
        # they disagree the text is right far more often (an outline off by 15 px or
        # more moves the label column under the values), so the card is cut again.
        better = _text_corners(image, kind, corners, card, small, lines)
        if better is None and sum(not ln.unread for ln in lines) < MIN_LINES_ON_CARD:
            # Next to no print where the outline was (a dark desk edge, the photo's
            # frame, a shadow taken for the card): the card is where its print is.
            better = locate_by_text(engine, image, kind)
        if better is not None:
            card = capture.rectify(image, better, ASPECT_OF[kind])
            as_taken, small = prepared(card)
            lines = engine.read(small, skip=skip, pack=pack)
    timings["ocr_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    found_kind = kind or detect_kind(lines)
    if found_kind is None:
        raise UnrecognizedDocument(
            "no known document was recognised in the picture: lay it flat, fully in view")
    if kind is None and found_kind in RED_SEALED:
        # Told by its text, the document is read again without its seal.
        again = prepared(card, found_kind)
        if again[0] is not as_taken:
            as_taken, small = again
            lines = engine.read(small)
    height, width_px = small.shape[:2]
    lines, flipped = upright(found_kind, lines, width_px, height)
    image_up = cv2.rotate(small, cv2.ROTATE_180) if flipped else small
    if flipped and not (find and card is image) and not _orients_whole_image(engine):
        # (An unrectified picture has no single "way up" to turn its lines to.)
        lines = _reread(engine, image_up, lines)
    if found_kind not in OWN_SECOND_LOOK or skip is None:
        lines = _second_look(engine, image_up, lines)
    raw_up = None
    if small is not as_taken:  # a reflection's veil was taken off
        raw_up = cv2.rotate(as_taken, cv2.ROTATE_180) if flipped else as_taken
    if found_kind is DocKind.ID_BACK:
        lines = [_authority(ln) for ln in lines]
    if found_kind is DocKind.ID_FRONT:
        lines = _address_line_starts(engine, image_up, lines)
        probed = _probe_address_tail(engine, image_up, lines)
        if probed is lines and raw_up is not None:
            # Taking a reflection's veil off multiplies the sensor noise under it into
            # dark specks that hide a faint last character: the picture as taken.
            probed = _probe_address_tail(engine, raw_up, lines)
        lines = probed
        lines = _region_starts(lines)
    day = today or today_in_china()
    document = parse(found_kind, lines, width_px, height, day, is_upright=True)
    if found_kind in (DocKind.DRIVING_LICENSE, DocKind.VEHICLE_LICENSE):
        document = _licence_names(lines, document, width_px, height, day)
    if found_kind is DocKind.ID_FRONT:
        document = _id_front_checked(engine, image_up, raw_up, lines, document, day)
    timings["parse_ms"] = (time.perf_counter() - t) * 1000
    elapsed = (time.perf_counter() - started) * 1000
    if flipped:  # kept, shown and stored the way it reads, a card laid upside down too
        card = cv2.rotate(card, cv2.ROTATE_180)
    return ReadResult(document, card, elapsed, timings)


def read_views(engine: OcrEngine, images: Sequence[np.ndarray], kind: DocKind | None = None,
               today: date | None = None, find: bool = True) -> ReadResult:
    """Several pictures of one document held still (the frames the auto capture waited
    through, or the manual capture's recent frames, cut along one outline), the newest
    first, read as one: their mean, each laid onto the first (capture.average_views),
    in which the noise of single frames has faded. One reading, whatever the number of
    pictures. The card kept and shown is that mean: the document as the camera saw it
    over those frames, as a camera's own noise reduction would give it."""
    started = time.perf_counter()
    image, used = capture.average_views(images)
    averaging_ms = (time.perf_counter() - started) * 1000
    result = read_document(engine, image, kind, today=today, find=find)
    return ReadResult(result.document, result.card, result.elapsed_ms + averaging_ms,
                      {**result.timings, "averaging_ms": averaging_ms}, views=used)


def _id_front_checked(engine: OcrEngine, image_up: np.ndarray, raw_up: np.ndarray | None,
                      lines: list[TextLine], document: ParsedDocument, day: date
                      ) -> ParsedDocument:
    """The ID front's fields read again where the first reading failed or is doubtful,
    each on the recogniser's evidence: the ID number from the picture as taken
    (`raw_up`, before the reflection's veil came off `image_up`), then the address
    start and birth date against what a valid number allows, the name where the layout
    puts it, its characters and the address's elements against the closed lists, the
    address unit, and sex and ethnicity where the layout puts them.
    `raw_up` is None when the picture as taken is `image_up`.
    A value the lists or the number decided stays highlighted."""
    height, width = image_up.shape[:2]

    def reparse(new_lines: list[TextLine], **kw) -> ParsedDocument:
        return parse(DocKind.ID_FRONT, new_lines, width, height, day, is_upright=True, **kw)

    if _number_unsure(document) and raw_up is not None:
        # Taking a reflection's veil off multiplies the sensor noise under it: an ID
        # number that does not check out is read once more from the picture as taken.
        lines, document = _number_as_taken(engine, raw_up, lines, document, day)
    if document.fields["id_number"].value:
        starts = number_region_starts(document.fields["id_number"].value[:6])
        nats = (UNSURE_NUMBER_REGION_NATS if _number_unsure(document)
                else NUMBER_REGION_NATS)
        again = _region_starts(lines, starts, nats)
        if any(a is not b for a, b in zip(again, lines, strict=True)):
            lines, document = again, reparse(again)
    before = lines
    lines, document = _birth_date_of_number(lines, document, width, height, day)
    birth_by_number = lines is not before
    if _unread(document.fields["name"]):
        extra = _probe_name(engine, image_up, lines)
        if extra:
            lines = lines + extra
            document = reparse(lines)
    named = lines
    lines, document = _names_read(lines, document, width, height, day)
    # The name's lines as read before the lists, should the ethnicity read later say
    # the lists do not speak for the name.
    as_read = {id(new): old for old, new in zip(named, lines, strict=True) if old is not new}
    lines, document = _address_words(lines, document, width, height, day)
    lines, document = _address_unit(engine, image_up, lines, document, day)
    if _unread(document.fields["sex"]) or _unread(document.fields["ethnicity"]):
        extra = _probe_sex_row(engine, image_up, lines)
        if extra:
            lines = lines + extra
            document = reparse(lines)
    unsure = {key for key, lexicon in (("sex", SEXES), ("ethnicity", ETHNICITIES))
              if _unread(document.fields[key]) or document.fields[key].value not in lexicon}
    chosen = _lexicon_probe(engine, image_up, lines, unsure) if unsure else {}
    document = reparse(lines, chosen=chosen) if chosen else document
    if as_read and not han_named(document.fields["name"].value or "",
                                 document.fields["ethnicity"].value):
        lines = [as_read.get(id(ln), ln) for ln in lines]
        document = reparse(lines, chosen=chosen)
    if birth_by_number and (
            Problem.FROM_ID_NUMBER.value not in document.fields["birth_date"].problems):
        # Said apart from a plain unsure reading: the number decided between readings.
        document.fields["birth_date"].add(Problem.READ_WITH_ID_NUMBER)
    return document


# Prior odds, in nats, of the printed birth date being the one the card's own valid
# number encodes, against any one other date: every genuine card prints it from the
# number; only specimens and forgeries differ (and a clear print of another date costs
# far more than this, so the mismatch is still reported for those).
BIRTH_PRIOR_NATS = 9.0
# The same when the number fails its check but the date read is no date at all: one of
# its 18 characters is wrong, outside the 8 of the date 10 times in 18 (ln 18/10 ≈ 0.6).
BIRTH_PRIOR_UNSURE_NUMBER_NATS = BIRTH_PRIOR_NATS - 0.6
# A birth line's year: the date's digits follow it, whatever the small 年/月/日 were
# read as ("2004428日" for 2004 年 12 月 8 日, "1991±668" for 1991 年 6 月 6 日), and
# whatever the label 出生 was read as before it ("≥21991…").
_BIRTH_SPAN = re.compile(r"(?:19|20)\d{2}(?:\D{0,2}\d+)*(?:日)?")


def _birth_date_of_number(lines: list[TextLine], document: ParsedDocument, width: float,
                          height: float, day: date
                          ) -> tuple[list[TextLine], ParsedDocument]:
    """A birth date read as no date (or not found), or as another than the valid
    number's, read again against the number's date on the recogniser's own evidence
    for the line. A number that fails its check still speaks for a date read as none
    at all, a little less."""
    birth = document.fields["birth_date"]
    number = document.fields["id_number"].value
    # No date read at all: none found on the line, one that is no date, or (with a
    # valid number) the number's date filled in for an illegible one.
    no_date = {Problem.DATE_INVALID.value, Problem.MISSING.value, Problem.FROM_ID_NUMBER.value}
    if _number_unsure(document):
        wrong, prior = no_date, BIRTH_PRIOR_UNSURE_NUMBER_NATS
    else:
        wrong = no_date | {Problem.BIRTH_DATE_MISMATCH.value}
        prior = BIRTH_PRIOR_NATS
    if not number or not wrong & set(birth.problems):
        return lines, document
    encoded = id_birth_date(number)
    if encoded is None:
        return lines, document
    for k, ln in enumerate(lines):
        # The birth row is in the card's upper half, above the address: never the ID
        # number's run of digits (it holds a "date" too), nor an address line, whose
        # house or room number may start like a year.
        if (ln.ctc is None or re.search(r"\d{15}", ln.text)
                or re.search(ADDRESS_ELEMENTS, ln.text) or ln.center[1] >= 0.5 * height
                or not (find_date(ln.text) or _BIRTH_SPAN.search(ln.text))):
            continue
        free = ln.ctc.log_likelihood(ln.text)
        options = _date_readings(ln.text, encoded)
        if not options or free == -math.inf:
            continue
        score, text = max((ln.ctc.log_likelihood(o), o) for o in options)
        if score + prior < free:
            continue
        again = [*lines[:k], _decided(ln, text), *lines[k + 1:]]
        redone = parse(DocKind.ID_FRONT, again, width, height, day,
                       is_upright=True)
        # Kept only when the parser reads the number's date back from the line: a run
        # of digits it cannot split would leave the field empty instead.
        if redone.fields["birth_date"].value == encoded.isoformat() and (
                Problem.FROM_ID_NUMBER.value not in redone.fields["birth_date"].problems):
            return again, redone
    return lines, document


def _date_readings(text: str, born: date) -> list[str]:
    """`text` with its date replaced by `born` as the card prints it (1985 年 11 月 4 日,
    no leading zeros): group for group when year, month and day were read apart, as one
    run when the small 年/月 between them were lost, and as the whole printed date, each
    of 年, 月 and 日 present or lost, over the span from the year on (where those small
    characters were read as digits or as something else)."""
    runs = list(re.finditer(r"\d+", text))
    parts = [str(born.year), str(born.month), str(born.day)]
    out = set()
    if len(runs) >= 3:
        first = next((i for i, m in enumerate(runs) if len(m.group()) >= 3), 0)
        chosen = runs[first:first + 3]
        if len(chosen) == 3:
            pieces, end = [], 0
            for m, part in zip(chosen, parts, strict=True):
                pieces += [text[end:m.start()], part]
                end = m.end()
            out.add("".join(pieces) + text[end:])
    for m in runs:
        if len(m.group()) >= 5:  # year, month and day run together
            out.add(text[:m.start()] + "".join(parts) + text[m.end():])
    span = _BIRTH_SPAN.search(text)
    if span is not None:
        for marks in itertools.product(("年", ""), ("月", ""), ("日", "")):
            printed = "".join(p + m for p, m in zip(parts, marks, strict=True))
            out.add(text[:span.start()] + printed + text[span.end():])
    out.discard(text)
    return sorted(out)


def _licence_names(lines: list[TextLine], document: ParsedDocument, width: float,
                   height: float, day: date) -> ParsedDocument:
    """A licence's person's name read against the lists as the ID front's is: the
    driving licence's holder, the vehicle licence's owner when a person (a company's
    name is longer and ends as one does)."""
    if document.doc_type is DocKind.DRIVING_LICENSE:
        return _names_read(lines, document, width, height, day)[1]
    owner = document.fields["owner"].value
    if owner and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", owner):
        return _names_read(lines, document, width, height, day, "owner")[1]
    return document


def _names_read(lines: list[TextLine], document: ParsedDocument, width: float,
                height: float, day: date, key: str = "name"
                ) -> tuple[list[TextLine], ParsedDocument]:
    """The person's name in field `key`: its surname and given-name characters read
    against their lists, for a name the lists speak for (parsers.surnames.han_named): a
    Tibetan or Uyghur name starts with no surname ("扎西顿珠" is no 孔西顿珠). A licence
    prints no ethnicity: only a name written with "·" is known to take no Han surname
    there."""
    ethnicity = document.fields.get("ethnicity")
    if not han_named(document.fields[key].value or "",
                     ethnicity.value if ethnicity is not None else None):
        return lines, document
    lines, document = _name_read(read_surname, lines, document, width, height, day, key)
    return _name_read(read_given_name, lines, document, width, height, day, key)


def _name_read(read: Callable[[str, str, CtcPosteriors | None], str | None],
               lines: list[TextLine], document: ParsedDocument, width: float,
               height: float, day: date, key: str = "name"
               ) -> tuple[list[TextLine], ParsedDocument]:
    """The name read again by `read` (parsers.surnames.read_surname: its first
    character against the surnames when it is none or a rare one;
    parsers.given_names.read_given_name: doubtful given-name characters against the
    common ones) on the line it was read from; the list deciding keeps the field under
    the review threshold."""
    name = document.fields[key].value
    if not name:
        return lines, document
    for k, ln in enumerate(lines):
        chosen = read(ln.text, name, ln.ctc)
        if chosen is None:
            continue
        text = ln.text[:len(ln.text) - len(name)] + chosen
        lines = [*lines[:k], _decided(ln, text), *lines[k + 1:]]
        return lines, parse(document.doc_type, lines, width, height, day, is_upright=True)
    return lines, document


def _address_words(lines: list[TextLine], document: ParsedDocument, width: float,
                   height: float, day: date) -> tuple[list[TextLine], ParsedDocument]:
    """The address's lines with doubtful characters read as the elements addresses are
    built of (parsers.address_words); a line so read stays under the review threshold."""
    address = document.fields["address"].value
    if not address:
        return lines, document
    changed = False
    out = list(lines)
    held = [k for k, ln in enumerate(lines)
            if len(tail := normalize(ln.text)[-3:]) >= 2 and tail in address
            and not re.search(r"\d{15}", ln.text)]
    for k in held:
        ln = lines[k]
        # What the address's lines above hold: the line's first characters may end a
        # name the line before began.
        before = "".join(normalize(lines[j].text) for j in sorted(
            held, key=lambda j: lines[j].top) if lines[j].bottom <= ln.top + 0.3 * ln.height)
        # And what follows it (a last line of one character, "村", is not held).
        after = _address_after(address, normalize(ln.text), len(before))
        text = read_address_words(ln.text, ln.ctc, before)
        text = read_address_names(text or ln.text, ln.ctc, before, after) or text
        if text is not None:
            out[k] = _decided(ln, text)
            changed = True
    if not changed:
        return lines, document
    return out, parse(DocKind.ID_FRONT, out, width, height, day, is_upright=True)


# How many characters of the lines before an address line may be no part of the
# address: its label 住址 and the strays a soft label is read with ("址址").
_LABEL_SLACK = 4


def _address_after(address: str, line: str, before: int) -> str:
    """What of the address follows `line`, one of its lines (its label, if it has one,
    left out of the address), which `before` characters of lines (labels included) come
    before; "" when the line is not found there."""
    start = max(0, before - _LABEL_SLACK)
    for cut in range(max(0, len(line) - 1)):
        if (at := address.find(line[cut:], start)) >= 0:
            return address[at + len(line) - cut:]
    return ""


# An address's house number is followed by its unit (号, 室): one that ends on a digit
# most often lost that character to the detector's box, cut short on a soft picture.
ADDRESS_UNIT = re.compile(r"[号室楼栋层]{1,2}")
ADDRESS_RIGHT = 0.64  # the address column ends before the photo (share of the width)


def _address_unit(engine: OcrEngine, image: np.ndarray, lines: list[TextLine],
                  document: ParsedDocument, day: date
                  ) -> tuple[list[TextLine], ParsedDocument]:
    """Read on past the end of an address that ends on a digit; keep a unit found there."""
    address = document.fields["address"].value
    if not address or not address[-1].isdigit():
        return lines, document
    height, width = image.shape[:2]
    # The address's last line is the lowest one left of the photo that ends it (a birth
    # date's day box "8" may end it too, higher up).
    for k, ln in sorted(enumerate(lines), key=lambda kl: -kl[1].top):
        text_read = normalize(ln.text)
        if (len(text_read) < 2 or ln.left > ADDRESS_RIGHT * width
                or not address.endswith(text_read[-4:])):
            continue
        x1 = min(ln.right + 2.5 * ln.height, ADDRESS_RIGHT * width)
        if x1 <= ln.right + 0.6 * ln.height:
            return lines, document
        box = ((ln.left, ln.top), (x1, ln.top), (x1, ln.bottom), (ln.left, ln.bottom))
        wider = TextLine(ln.text, ln.score, box)
        text, score, ctc = _recognize(engine, [crop_line(image, wider)])[0]
        text = normalize(text)
        if score < 0.6 or not text.startswith(normalize(ln.text)) or not ADDRESS_UNIT.fullmatch(
                text[len(normalize(ln.text)):]):
            return lines, document
        lines = [*lines[:k], TextLine(text, min(ln.score, score), box, ctc=ctc),
                 *lines[k + 1:]]
        return lines, parse(DocKind.ID_FRONT, lines, width, height,
                            day, is_upright=True)
    return lines, document


# Documents whose reading gained from taking a reflection's veil off (bench/ocr.py,
# degraded frames): the ID card. On the A4 business licence, whose paper shades
# unevenly over its size, it cost readings; on the licences and bank cards it was even.
FLATTEN_GLARE = frozenset({DocKind.ID_FRONT, DocKind.ID_BACK})
# Documents whose lines are read packed, several short ones to a recogniser input
# (OcrEngine.read's `pack`): on 2,000 degraded ID fronts of bench/ocr.py they read as
# well as one a row, ~22 ms a card faster. On 40 of each other document a few fields
# moved either way (two more wrong, one more right): those are read one line a row.
PACKED = frozenset({DocKind.ID_FRONT})
# Documents with a red seal printed over their fields.
RED_SEALED = frozenset({DocKind.BUSINESS_LICENSE})


def _reading_size(card: np.ndarray, width: int) -> np.ndarray:
    """The card at the width it is read at."""
    if card.shape[1] <= width:
        return card
    scale = width / card.shape[1]
    return cv2.resize(card, (width, round(card.shape[0] * scale)), interpolation=cv2.INTER_AREA)


def _number_unsure(document: ParsedDocument) -> bool:
    return bool(set(document.fields["id_number"].problems) - {Problem.LOW_CONFIDENCE.value})


def _number_as_taken(engine: OcrEngine, raw: np.ndarray, lines: list[TextLine],
                     document: ParsedDocument, day: date
                     ) -> tuple[list[TextLine], ParsedDocument]:
    """The ID number line read again from `raw`; kept only when that reading checks out."""
    line = id_number_line(lines)
    if line is None:
        return lines, document
    text, score, ctc = _recognize(engine, [crop_line(raw, line)])[0]
    again = [TextLine(text, score, line.box, ctc=ctc) if ln is line else ln for ln in lines]
    height, width = raw.shape[:2]
    redone = parse(DocKind.ID_FRONT, again, width, height, day,
                   is_upright=True)
    return (lines, document) if _number_unsure(redone) else (again, redone)


def _unread(fv: FieldValue) -> bool:
    """Nothing legible was read for the field (a value the validation took from the ID
    number is not a reading)."""
    return fv.value is None or Problem.FROM_ID_NUMBER.value in fv.problems


def crop_line(image: np.ndarray, line: TextLine) -> np.ndarray:
    """The line's quad warped flat, as the engine cuts it for its recogniser."""
    pts = np.float32(line.box)
    w = max(1, int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3]))))
    h = max(1, int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2]))))
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    crop = cv2.warpPerspective(image, cv2.getPerspectiveTransform(pts, dst), (w, h),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    # A box much taller than wide is a line running down the picture (a card lying
    # sideways that was not found): the engine turns those a quarter turn too.
    return np.rot90(crop) if h >= 1.5 * w else crop


def _reread(engine: OcrEngine, image_up: np.ndarray, lines: list[TextLine]
            ) -> list[TextLine]:
    """Recognise every line again from the card turned upright. The engine's line
    classifier decides 0°/180° per line and gets short lines wrong on a soft picture
    ("961" read upside down as "196", 女 as "4"); once the layout has told which way
    up the whole card lies, no line needs that guess."""
    if not lines:
        return lines
    reads = _recognize(engine, [crop_line(image_up, ln) for ln in lines])
    return [TextLine(text, score, ln.box, ctc=ctc) if text.strip() else ln
            for ln, (text, score, ctc) in zip(lines, reads, strict=True)]


def _orients_whole_image(engine: OcrEngine) -> bool:
    """Whether the engine already turns every line of a picture the same way (see
    RapidOcrEngine.read); then a card found upside down reads right already."""
    return bool(getattr(engine, "orients_whole_image", False))


def _recognize(engine: OcrEngine, crops: list[np.ndarray]
               ) -> list[tuple[str, float, CtcPosteriors | None]]:
    """The engine's reading of each crop, with what its recogniser saw when the engine
    keeps that (RapidOCR does)."""
    recognize_ctc = getattr(engine, "recognize_ctc", None)
    if recognize_ctc is not None:
        return list(recognize_ctc(crops))
    return [(text, score, None) for text, score in engine.recognize(crops)]


def _authority(line: TextLine) -> TextLine:
    """An ID back's line naming its issuing bureau, read against the bureaus the region
    table implies (parsers.authorities)."""
    read = read_authority(line.text, line.ctc)
    return line if read is None else _decided(line, read)


def _decided(line: TextLine, text: str) -> TextLine:
    """`line` read as `text` where a list or the ID number decided between readings: its
    confidence stays under the review threshold, so the consultant checks the field."""
    return TextLine(text, min(line.score, LOW_CONFIDENCE - 0.01), line.box, ctc=line.ctc)


def _region_starts(lines: list[TextLine], preferred: Sequence[str] = (),
                   number_nats: float = NUMBER_REGION_NATS) -> list[TextLine]:
    """Every line's address start read against the GB/T 2260 names, on its own and, where
    the next line continues it, across the break."""
    out = [_region_start(ln, preferred, number_nats) for ln in lines]
    for k, (first, second) in enumerate(itertools.pairwise(out)):
        if first is not lines[k] or not _continues(first, second):
            continue  # (the line's own start was decided already)
        texts = read_wrapped_region_start(first.text, first.ctc, second.text, second.ctc,
                                          preferred, number_nats)
        if texts is None:
            continue
        out[k], out[k + 1] = _decided(first, texts[0]), _decided(second, texts[1])
        break  # one address per card
    return out


def _continues(first: TextLine, second: TextLine) -> bool:
    """`second` is the line `first` wraps on to: right below it, starting where it does
    (the ID front's address column is left-aligned), or up to a label's width further
    right when the first line holds the label "住址" too."""
    pitch = first.height
    return (0 <= second.top - first.bottom + 0.3 * pitch <= pitch
            and -1.5 * pitch < second.left - first.left < 3 * pitch)


def _region_start(line: TextLine, preferred: Sequence[str] = (),
                  number_nats: float = NUMBER_REGION_NATS) -> TextLine:
    """The line with the start of an address read against the GB/T 2260 names (see
    parsers.regions). When the list decided, the confidence stays under the review
    threshold: the consultant confirms what the picture alone did not show."""
    text, decided = read_region_start(line.text, line.ctc, preferred, number_nats)
    if not decided:
        return line
    return _decided(line, text)


# The widest a printed character's ink runs, in line heights (CJK ~1 with the margins
# of the cut, digits about 0.6 of that): what the probe reads in the gap below the
# address must fill its ink.
PROBE_INK_PER_CHAR = 1.6
HALF_WIDTH_EM = 0.6  # a digit or a Latin letter, as a share of a CJK character's width
# How far right of the address column's edge (in character heights) a line below the
# address may start: its first character's ink, with the margins of a soft print.
LINE_START_MAX_EM = 1.5


# What a part of an address the detector missed can hold: Chinese characters and digits
# (a Latin letter or a sign found there is the pattern or a speck read as one).
ADDRESS_TEXT = re.compile(r"[\u4e00-\u9fff0-9]+")
# An address line below the first starts at the value column's edge; one whose box
# starts this many character heights further in lost its first characters to the
# detector (faint under a reflection: "幸" | "里小区16号楼903室" for 幸福里小区…).
LINE_START_LATE_EM = 0.5
# Where the values start is taken only from boxes that start between the value
# column's edge and this share of the card's width (a box run together with its label
# starts left of it; the sex row's 民族 further right).
VALUE_START_MAX = 0.3


def _address_line_starts(engine: OcrEngine, image: np.ndarray, lines: list[TextLine]
                         ) -> list[TextLine]:
    """The address's lines below its first read again from the value column's edge
    when their box starts further in; the characters read there are kept when the rest
    reads as before. Not the first line: its label stands left of it, and its start is
    the region's, which the region table reads (_region_starts)."""
    height, width = image.shape[:2]
    found = id_front_address_lines(lines, width, height)
    if found is None or len(found[0]) < 2:
        return lines
    address = {id(ln) for ln in found[0]}
    first = min(found[0], key=lambda ln: ln.top)
    # Labels read on a card cut a little off stand in that band too: they do not count.
    starts = sorted(ln.left for ln in lines if ln.text and not id_front_label_text(ln.text)
                    and VALUE_COLUMN * width <= ln.left < VALUE_START_MAX * width)
    if not starts:
        return lines
    # Most values start there (name, birth date, address); with two starts the later,
    # which leaves a late line alone rather than reading it from too far left.
    edge = starts[len(starts) // 2]
    char_height = _char_height(lines)
    out = list(lines)
    for k, ln in enumerate(lines):
        if (id(ln) not in address or ln.top < first.bottom - 0.3 * ln.height or not ln.text
                or ln.left - edge <= LINE_START_LATE_EM * char_height):
            continue
        if any(other is not ln and same_row(other, ln) and other.left < ln.left
               and other.right > edge for other in lines):
            continue  # the row's start is in another box: this one is its right part
        x0 = max(0.0, edge - 0.15 * char_height)
        box = ((x0, ln.top), (ln.right, ln.top), (ln.right, ln.bottom), (x0, ln.bottom))
        text, score, ctc = _recognize(engine, [crop_line(image, TextLine(ln.text, 1.0, box))])[0]
        was, read = normalize(ln.text), normalize(text)
        added = read[:len(read) - len(was)]
        # The box reached about (ln.left - edge) / char_height characters further (a
        # character is about as wide as it is high): one more is allowed for the
        # rounding, and for digits, half as wide.
        if (score < 0.6 or not read.endswith(was) or not added
                or len(added) > math.ceil((ln.left - edge) / char_height) + 1
                or not ADDRESS_TEXT.fullmatch(added)
                or set(added) == {"一"}):  # the card's pattern reads as a stroke
            continue
        # The detector did not see those characters: faint print, for the consultant to
        # compare with the card, as the address tail's probe does.
        out[k] = TextLine(text, min(ln.score, score, LOW_CONFIDENCE - 0.01), box, ctc=ctc)
    return out


def _probe_address_tail(engine: OcrEngine, image: np.ndarray, lines: list[TextLine]
                        ) -> list[TextLine]:
    """Recognise the region where the address would continue, if the detector found
    nothing there; keep what reads as text. The print is found as dark ink, or, under
    a reflection or on a dim card where nothing is that dark, as the glyphs that stand
    out from their own paper (a wrapped "号" or "村" alone on the line)."""
    height, width = image.shape[:2]
    gap = id_front_address_gap(lines, width, height)
    if gap is None:
        return lines
    x0, y0, x1, y1 = gap
    x0, y0 = max(0, x0), max(0, y0)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return lines
    # Only the ink: a single character in a line-wide crop reads badly.
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    cols = np.where(gray.min(axis=0) < 110)[0]
    char_height = _char_height(lines)
    # A line of the address starts at its column's left edge: ink that starts further
    # in is the pattern, a shadow or a blot ("乡" read off the pattern right of "385号").
    if cols.size and cols[0] < LINE_START_MAX_EM * char_height:
        # All the dark columns, then only the first group of them: the line's text
        # starts at the column's left edge, and something dark further right (the
        # photo's shadow, a blot) is not part of it.
        gaps = np.where(np.diff(cols) > 0.6 * char_height)[0]
        spans = [(cols[0], cols[-1])]
        if gaps.size:
            spans.append((cols[0], cols[gaps[0]]))
        # A soft line is dark only in its boldest strokes ("6" of a blurred "67号"):
        # each span runs on through the ink next to it, relative to the crop's paper.
        ink_cols = _ink_columns(crop)
        spans = list(dict.fromkeys(_run_through(ink_cols, first, last, 0.6 * char_height)
                                   for first, last in spans))
        for first, last in spans:
            # A soft line reads differently with a little more or less paper around it
            # ("67号", "6研7号", "号"): read with three margins, the reading most of them
            # agree on is taken.
            pads = sorted({6, round(0.3 * char_height), round(0.6 * char_height)})
            cuts = list(dict.fromkeys((max(0, first - pad), min(crop.shape[1], last + pad + 1))
                                      for pad in pads))
            found = _probe_text(engine, [crop[:, a:b] for a, b in cuts], y1 - y0)
            if found is not None:
                text, score, k = found
                left, right = cuts[k]
                return [*lines, _box_line(text, score, x0 + left, y0, x0 + right, y1)]
    glyph = _glyph_box(crop, char_height)
    if glyph is None or glyph[0] > LINE_START_MAX_EM * char_height:
        return lines
    a, c, b, d = glyph
    found = _probe_text(engine, [crop[c:d, a:b]], d - c)
    if found is None or not ADDRESS_TEXT.fullmatch(found[0]):
        return lines
    # Found by relative contrast alone: the consultant compares it with the card.
    text, score, _k = found
    return [*lines, _box_line(text, min(score, LOW_CONFIDENCE - 0.01),
                              x0 + a, y0 + c, x0 + b, y0 + d)]


def _print_mask(crop: np.ndarray) -> np.ndarray | None:
    """Where `crop` holds print: dark relative to the crop's own paper in its brightest
    channel (print is dark in all three, the tinted pattern is not); None when nothing
    stands out from the paper."""
    light = crop.max(axis=2) if crop.ndim == 3 else crop
    paper, darkest = np.percentile(light, (90, 1))
    if paper - darkest < MIN_INK_CONTRAST:
        return None
    return light < paper - ROW_INK_SHARE * (paper - darkest)


def _ink_columns(crop: np.ndarray) -> np.ndarray:
    """The columns of `crop` holding print (see _print_mask)."""
    ink = _print_mask(crop)
    return np.zeros(0, np.int64) if ink is None else np.where(ink.sum(axis=0) >= 2)[0]


def _run_through(cols: np.ndarray, first: int, last: int, max_gap: float
                 ) -> tuple[int, int]:
    """(first, last) widened along `cols` on both sides while the next column is within
    `max_gap`."""
    for c in cols[np.searchsorted(cols, last, side="right"):]:
        if c - last > max_gap:
            break
        last = int(c)
    for c in cols[:np.searchsorted(cols, first, side="left")][::-1]:
        if first - c > max_gap:
            break
        first = int(c)
    return first, last


def _probe_text(engine: OcrEngine, crops: list[np.ndarray], line_height: float
                ) -> tuple[str, float, int] | None:
    """What the recogniser reads in a probe's crop, cut with one or more margins (the
    narrowest first), when it reads as print: the reading most cuts give, the likelier
    on a tie, with its best score and the cut that gave that."""
    votes: dict[str, list[tuple[float, int]]] = {}
    for k, (text, score) in enumerate(engine.recognize(crops)):
        if text.strip():
            votes.setdefault(text.strip(), []).append((score, k))
    if not votes:
        return None
    text, reads = max(votes.items(), key=lambda kv: (len(kv[1]), max(kv[1])))
    score, k = max(reads)
    crop = crops[0]
    if score < 0.6 or len(text) > 14:
        return None
    if re.search(r"(.)\1{4}", text):
        return None  # the card's periodic pattern read as a run ("0000000", "一一一一一")
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None  # an address ends on its unit (号, 室, 村…): digits alone are no end
    ems = sum(1.0 if ord(ch) > 0x2e80 else HALF_WIDTH_EM for ch in text)
    if crop.shape[1] > PROBE_INK_PER_CHAR * line_height * ems:
        # Dark across the whole gap (a dim picture, the photo's shadow, the pattern)
        # and read as a stray "一" or "m": printed characters fill their width.
        return None
    return text, score, k


def _box_line(text: str, score: float, x0: float, y0: float, x1: float, y1: float
              ) -> TextLine:
    return TextLine(text, score, ((float(x0), float(y0)), (float(x1), float(y0)),
                                  (float(x1), float(y1)), (float(x0), float(y1))))


SECOND_LOOK_BELOW = 0.9  # recognition score under which a line is read again in parts
# Documents whose doubtful rows their own probes read again (the ID front: its labels
# left unread by their place, the sex row, the name, the address's ends), when their
# labels were left unread: on 1,000 degraded ID fronts of bench/ocr.py the second look
# changed one card's reading there, for the worse (a birth row cut at its gaps), at ~15
# ms a card. A picture read whole keeps it (a label and its value read as one box).
OWN_SECOND_LOOK = frozenset({DocKind.ID_FRONT})


def _second_look(engine: OcrEngine, image: np.ndarray, lines: list[TextLine]
                 ) -> list[TextLine]:
    """A doubtful line is often a label and its value read as one ("性别男民族汉" with
    a poor score): cut it at the blank gaps between words and read each word alone;
    keep the parts when they read with more confidence than the whole."""
    doubtful = [ln for ln in lines if ln.score < SECOND_LOOK_BELOW and ln.height > 0
                and (ln.right - ln.left) > 2.5 * ln.height]
    if not doubtful:
        return lines
    crops: list[np.ndarray] = []
    plans: list[tuple[TextLine, list[tuple[int, int, int, int]]]] = []
    for ln in doubtful:
        pieces = _split_at_gaps(image, ln)
        if len(pieces) < 2:
            continue
        plans.append((ln, pieces))
        crops += [image[y0:y1, x0:x1] for x0, y0, x1, y1 in pieces]
    if not crops:
        return lines
    reads = iter(_recognize(engine, crops))
    replaced: dict[int, list[TextLine]] = {}
    for ln, pieces in plans:
        parts = [(next(reads), piece) for piece in pieces]
        kept = [(read, p) for read, p in parts if read[0].strip()]
        if kept and min(read[1] for read, _p in kept) > ln.score:
            replaced[id(ln)] = [
                TextLine(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), ctc=ctc)
                for (text, score, ctc), (x0, y0, x1, y1) in kept]
    out: list[TextLine] = []
    for ln in lines:
        out += replaced.get(id(ln), [ln])
    return out


def _split_at_gaps(image: np.ndarray, line: TextLine) -> list[tuple[int, int, int, int]]:
    """Word boxes inside a line box: runs of ink separated by blank columns at least
    0.6 line heights wide."""
    h, w = image.shape[:2]
    x0, x1 = max(0, int(line.left)), min(w, int(line.right) + 1)
    y0, y1 = max(0, int(line.top)), min(h, int(line.bottom) + 1)
    crop = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    if crop.size == 0:
        return []
    # Ink: clearly darker than the line's own background.
    ink = crop < (np.percentile(crop, 90) - 40)
    columns = ink.sum(axis=0) > 0
    gap = max(3, int(0.6 * (y1 - y0)))
    pieces, start, blank = [], None, 0
    for x, has_ink in enumerate(columns):
        if has_ink:
            if start is None:
                start = x
            blank = 0
        elif start is not None:
            blank += 1
            if blank >= gap:
                pieces.append((start, x - blank + 1))
                start, blank = None, 0
    if start is not None:
        pieces.append((start, len(columns) - blank))
    pad = max(2, (y1 - y0) // 6)
    return [(max(0, x0 + a - pad), y0, min(w, x0 + b + pad), y1) for a, b in pieces
            if b - a > 2]


# Where the ID front prints its sex and ethnicity values, as shares of the card width
# (GB 19617 layout: labels at the left, 性别 value, then 民族 and its value).
SEX_VALUE_X = (0.165, 0.32)
# Print must stand this many grey levels above the paper to be cut out; ink is what is
# darker than the paper by this share of the crop's contrast.
MIN_INK_CONTRAST = 25.0
INK_SHARE = 0.4
ETHNICITY_VALUE_X = (0.40, 0.62)


def _sex_row_crops(image: np.ndarray, lines: list[TextLine]
                   ) -> list[tuple[str, np.ndarray, tuple[int, int, int, int]]]:
    """(field, crop, box) for the sex and ethnicity values where the layout puts them,
    each cut to its ink."""
    height, width = image.shape[:2]
    name = [ln for ln in lines if ln.bottom < 0.30 * height and ln.left < 0.62 * width]
    birth = [ln for ln in lines if find_date_line(ln) and ln.top > 0.25 * height]
    top = max((ln.bottom for ln in name), default=0.20 * height)
    bottom = min((ln.top for ln in birth), default=0.38 * height)
    if bottom - top < 0.05 * height:
        return []
    y0, y1 = int(top), int(bottom)
    out = []
    for key, x_share in (("sex", SEX_VALUE_X), ("ethnicity", ETHNICITY_VALUE_X)):
        x0, x1 = int(x_share[0] * width), int(x_share[1] * width)
        cut = _cut_to_ink(image, (x0, y0, x1, y1))
        if cut is not None:
            out.append((key, *cut))
    return out


def _cut_to_ink(image: np.ndarray, box: tuple[int, int, int, int]
                ) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The part of `box` (x0, y0, x1, y1) that holds print, with a margin, and its box;
    None when nothing in it stands out from the paper."""
    x0, y0, x1, y1 = box
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    paper, darkest = np.percentile(gray, (90, 1))
    if paper - darkest < MIN_INK_CONTRAST:
        return None
    # Ink relative to the crop's own contrast: a fixed step cut a dim, soft character
    # to its darkest core, half a glyph the recogniser cannot read.
    ink = gray < paper - INK_SHARE * (paper - darkest)
    cols, rows = np.where(ink.any(axis=0))[0], np.where(ink.any(axis=1))[0]
    if cols.size == 0 or rows.size == 0:
        return None
    pad = max(4, round(0.12 * (y1 - y0)))
    a, b = max(0, cols[0] - pad), min(crop.shape[1], cols[-1] + pad + 1)
    c, d = max(0, rows[0] - pad), min(crop.shape[0], rows[-1] + pad + 1)
    return crop[c:d, a:b], (x0 + a, y0 + c, x0 + b, y0 + d)


# Where the name is printed on the ID front, as shares of the card: right of the label
# column (the rows as parsers.NAME_ROW_Y), left of the photo.
NAME_VALUE_X = (0.16, 0.62)
# A row of print in a probe's band: pixels this share of the way from the paper to the
# darkest, on rows holding at least this share of the inkiest row's ink.
ROW_INK_SHARE = 0.55
ROW_SHARE_OF_PEAK = 0.35


def _probe_name(engine: OcrEngine, image: np.ndarray, lines: list[TextLine]
                ) -> list[TextLine]:
    """Read the name where the layout puts it when the detector found no line there (a
    short, soft line is what it misses first)."""
    height, width = image.shape[:2]
    y0, y1 = int(NAME_ROW_Y[0] * height), int(NAME_ROW_Y[1] * height)
    below = [ln.top for ln in lines if y0 < ln.top and ln.center[1] > y1 - 0.02 * height
             and ln.left < NAME_VALUE_X[1] * width]
    y1 = int(min([y1, *below]))
    if y1 - y0 < 0.06 * height:
        return []
    cut = _cut_to_ink(image, (int(NAME_VALUE_X[0] * width), y0,
                              int(NAME_VALUE_X[1] * width), y1))
    if cut is None:
        return []
    crop, (a, b, c, d) = cut
    found = _name_probe_read(engine, crop)
    if found is None:
        # The band also holds the top of the sex row or the pattern's darker swirls,
        # and the whole of it reads as nothing: its inkiest row of print alone.
        row = _inkiest_row(crop)
        if row is None:
            return []
        ra, rb, rc, rd = row
        found = _name_probe_read(engine, crop[rb:rd, ra:rc])
        if found is None:
            return []
        a, b, c, d = a + ra, b + rb, a + rc, b + rd
        # Found by its ink alone: the consultant compares it with the card.
        found = found[0], min(found[1], LOW_CONFIDENCE - 0.01), found[2]
    text, score, ctc = found
    return [TextLine(text, score, ((a, b), (c, b), (c, d), (a, d)), ctc=ctc)]


def _inkiest_row(crop: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) in `crop` around its row of print: the rows around the one with
    the most ink, and the columns of ink on them up to the first gap wider than a
    character, padded. None when that is no smaller than the crop."""
    ink = _print_mask(crop)
    if ink is None:
        return None
    per_row = np.convolve(ink.sum(axis=1), np.ones(3) / 3, mode="same")
    peak = int(np.argmax(per_row))
    on = per_row >= ROW_SHARE_OF_PEAK * per_row[peak]
    y0 = peak
    while y0 > 0 and on[y0 - 1]:
        y0 -= 1
    y1 = peak + 1
    while y1 < len(on) and on[y1]:
        y1 += 1
    band = y1 - y0
    cols = np.where(ink[y0:y1].sum(axis=0) >= max(2, 0.1 * band))[0]
    if cols.size == 0:
        return None
    breaks = np.where(np.diff(cols) > band)[0]
    last = cols[breaks[0]] if breaks.size else cols[-1]
    # The recogniser reads a word best with some paper around it.
    pad_x, pad_y = max(4, round(0.6 * band)), max(3, round(0.3 * band))
    h, w = crop.shape[:2]
    box = (max(0, int(cols[0]) - pad_x), max(0, y0 - pad_y),
           min(w, int(last) + pad_x + 1), min(h, y1 + pad_y))
    if (box[3] - box[1]) >= 0.9 * h and (box[2] - box[0]) >= 0.9 * w:
        return None
    return box


def _name_probe_read(engine: OcrEngine, crop: np.ndarray
                     ) -> tuple[str, float, CtcPosteriors | None] | None:
    text, score, ctc = _recognize(engine, [crop])[0]
    # Latin letters or digits at either end are the pattern beside the name ("卢华NM"):
    # no name holds any. The line's text stays as read, for its posteriors.
    name = re.fullmatch(r"[A-Za-z0-9 ]*([\u3400-\u9fff·]{2,6})[A-Za-z0-9 ]*", text.strip())
    if score < 0.5 or name is None:
        return None
    return text.strip(), score, ctc


def _probe_sex_row(engine: OcrEngine, image: np.ndarray, lines: list[TextLine]
                   ) -> list[TextLine]:
    """Read the sex and ethnicity values where the layout puts them. They are one or
    two characters each, which the detector misses most easily on a soft picture."""
    found = _sex_row_crops(image, lines)
    reads = engine.recognize([crop for _k, crop, _b in found]) if found else []
    out = []
    for (text, score), (_key, _crop, (x0, y0_, x1, y1_)) in zip(reads, found, strict=True):
        if text.strip() and score >= 0.5:
            out.append(TextLine(text.strip(), score,
                                ((x0, y0_), (x1, y0_), (x1, y1_), (x0, y1_))))
    # Only what the first read did not already hold.
    return [ln for ln in out if not any(abs(ln.center[0] - old.center[0]) < old.height
                                        and abs(ln.center[1] - old.center[1]) < old.height
                                        for old in lines)]


SEXES = ("男", "女")
# A crop cut to the ink can keep the end of the label before the value.
_LABEL_TAILS = {"sex": ("", "别", "性别"), "ethnicity": ("", "族", "民族")}
# How much likelier (natural log) the chosen entry must be than the next one, and how
# likely at all (ln P of the whole crop reading as it): below either, nothing is chosen.
LEXICON_MARGIN = 2.0
LEXICON_MIN_LOG_LIKELIHOOD = -12.0


def _lexicon_probe(engine: OcrEngine, image: np.ndarray, lines: list[TextLine],
                   keys: set[str]) -> dict[str, FieldValue]:
    """Sex and ethnicity read as the entry of their closed list (男/女, the 56 groups)
    that the recogniser finds likeliest in the value's crop. This is still reading the
    print: each entry is scored on the recogniser's own evidence for the crop. When the
    free reading was not that entry, the list decided, so the confidence stays under
    the review threshold and the field is highlighted for the consultant."""
    recognize_ctc = getattr(engine, "recognize_ctc", None)
    if recognize_ctc is None:
        return {}
    found = [f for f in _sex_row_crops(image, lines) if f[0] in keys]
    if not found:
        return {}
    out: dict[str, FieldValue] = {}
    undecided = []
    char_height = _char_height(lines)
    for (key, crop, _box), reading in zip(
            found, recognize_ctc([crop for _k, crop, _b in found]), strict=True):
        chosen = _lexicon_choice(key, *reading)
        if chosen is not None:
            out[key] = chosen
            continue
        # The value's crop may still hold mostly paper, pattern or glare around a small
        # soft glyph (the ink cut found "ink" everywhere): the glyph alone reads better.
        glyph = _glyph_crop(crop, char_height)
        if glyph is not None:
            undecided.append((key, glyph))
    if undecided:
        for (key, _glyph), reading in zip(
                undecided, recognize_ctc([g for _k, g in undecided]), strict=True):
            chosen = _lexicon_choice(key, *reading)
            if chosen is not None:
                out[key] = chosen
    return out


def _lexicon_choice(key: str, text: str, score: float, ctc: CtcPosteriors
                    ) -> FieldValue | None:
    """The entry of the key's closed list the recogniser finds likeliest in a crop, when
    it stands out from the next one; None otherwise."""
    lexicon = SEXES if key == "sex" else ETHNICITIES
    best: dict[str, float] = {}
    for entry in lexicon:
        best[entry] = max(ctc.log_likelihood(tail + entry) for tail in _LABEL_TAILS[key])
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    (entry, ll), (_other, ll2) = ranked[0], ranked[1]
    if ll < LEXICON_MIN_LOG_LIKELIHOOD or ll - ll2 < LEXICON_MARGIN:
        return None
    read = text.strip()
    # The chosen entry's share of the likelihood over the whole list.
    share = 1.0 / sum(math.exp(other - ll) for _e, other in ranked)
    confidence = min(score, share)
    if not any(read == tail + entry for tail in _LABEL_TAILS[key]):
        confidence = min(confidence, LOW_CONFIDENCE - 0.01)
    return FieldValue(entry, confidence)


def _char_height(lines: list[TextLine]) -> float:
    """A printed character's height on the card: ~3/4 of a detected line's box (a line
    left unread stands where the labels of two characters and more print)."""
    heights = sorted(ln.height for ln in lines if len(ln.text) >= 2 or ln.unread)
    return 0.75 * heights[len(heights) // 2] if heights else 30.0


# The glyph is found as the darkest blob of the crop blurred at this share of a
# character's height (strokes merge into one blob, single noisy pixels do not count),
# taken down to this share of its darkness below the paper.
GLYPH_BLUR = 0.15
GLYPH_DEPTH = 0.45


def _glyph_crop(crop: np.ndarray, char_height: float) -> np.ndarray | None:
    """The part of `crop` around its darkest glyph (see _glyph_box)."""
    box = _glyph_box(crop, char_height)
    if box is None:
        return None
    a, c, b, d = box
    return crop[c:d, a:b]


def _glyph_box(crop: np.ndarray, char_height: float) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) in `crop` around its darkest glyph, with the glyphs beside it on
    the same row (a two- or three-character group: 蒙古, 维吾尔), padded; None when the
    crop shows no darker blob or the blob is the crop itself."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32)
    blurred = cv2.GaussianBlur(gray, (0, 0), max(1.0, GLYPH_BLUR * char_height))
    paper = float(np.percentile(blurred, 75))
    y, x = np.unravel_index(int(np.argmin(blurred)), blurred.shape)
    darkest = float(blurred[y, x])
    if paper - darkest < 0.5 * MIN_INK_CONTRAST:
        return None
    mask = (blurred < paper - GLYPH_DEPTH * (paper - darkest)).astype(np.uint8)
    _n, labels, stats, _centres = cv2.connectedComponentsWithStats(mask)
    seed = stats[labels[y, x]]
    top, bottom = seed[1], seed[1] + seed[3]
    x0, x1, y0, y1 = seed[0], seed[0] + seed[2], top, bottom
    for sx, sy, sw, sh, area in stats[1:]:
        centre = sy + sh / 2
        if top <= centre <= bottom and area >= 0.3 * seed[4]:
            x0, x1 = min(x0, sx), max(x1, sx + sw)
            y0, y1 = min(y0, sy), max(y1, sy + sh)
    pad = round(0.35 * char_height)
    h, w = crop.shape[:2]
    a, b = max(0, x0 - pad), min(w, x1 + pad)
    c, d = max(0, y0 - pad), min(h, y1 + pad)
    if (b - a) * (d - c) >= 0.9 * w * h:
        return None  # no smaller than the crop: nothing new to read
    return a, c, b, d


def find_date_line(line: TextLine) -> bool:
    return find_date(line.text) is not None
