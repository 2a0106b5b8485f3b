"""Fine-tune the PP-OCR recogniser on ID-card fronts photographed badly, and write the
desk's recogniser (resources/models/ocr/) with the base model's graph unchanged.

Two steps, each its own command (the first is slow; run it once per seed, in parallel):

    .venv/bin/python scripts/finetune_ocr_rec.py crops --seed 101 --cards 1200 --out d101.zip
    .venv/bin/python scripts/finetune_ocr_rec.py train --data 'd*.zip' --minutes 40 \
        --out resources/models/ocr/PP-OCRv6_rec_small_desk.onnx

`crops` renders documents (ID fronts unless `--kinds` says others) with
models/training/doc_corpus.py, photographs them (80 % degraded, 20 % clean) and reads
each frame with the desk's own pipeline, so the line crops are the ones the recogniser
sees at the desk: the detector's boxes on the rectified card. Each crop is labelled
from where the renderer drew its text, only when the box covers whole printed items,
and only when the base recogniser's reading of it is similar (see AGREE). Only a
frame's last read is kept (an earlier one may be of an outline the pipeline went on to
reject). On documents read whole (WHOLE_PICTURE), a detector box that touches no
printed item is labelled empty, and some cards add a line-sized patch of their
picture where nothing is printed, labelled empty too (BACKGROUND_SHARE). A known
weakness: the picture's way up is guessed from which mapping covers more text.
`--cjk-font` renders in another face than the bench's (Noto Sans CJK SC, say), so that
the model learns print rather than one font.

Names, streets, villages, estates and place names are drawn at random from the 3,755
most common characters (GB 2312 level 1) instead of the corpus's short lists: the bench
draws its ID fronts from those lists, so a model that learnt them would overstate its
gain. (The licences' company names, business scopes, vehicle models and banks still
come from the corpus's lists.)
The address forms (省/市/区, 路/号/单元/室, 镇/村) stay: every real card has them.

`train` needs torch, onnx and onnx2torch (`pip install torch onnx onnx2torch`; none of
them is a dependency of the desk). It converts the ONNX graph to torch, trains every
weight with CTC, and writes the trained weights back into a copy of the base ONNX file,
so the desk runs the same graph, at the same speed, with its dictionary embedded.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import functools
import glob
import math
import os
import random
import re
import sys
import time
import zipfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.ocr import rapid  # noqa: E402
from models.training import doc_corpus as dc  # noqa: E402

# Label crops that say the same on every card: most are left out, so that the values
# (what the consultant needs read) make most of the training.
LABELS = {"姓名", "性别", "出生", "住址", "公民身份号码"}
LABEL_SHARE = 0.15
DEGRADED_SHARE = 0.8
INVALID_SHARE = 0.2
# A drawn item is in a box when this share of its width is; between the two, the box
# cuts it and the crop is not labelled.
COVERED, CUT = 0.85, 0.1
# A label is kept when the base recogniser's reading of the crop is this similar to it
# (difflib's ratio): a misread character or two, not another line.
AGREE = 0.5
# "Nothing printed here" is only as right as the picture's mapping onto the flat card,
# and no reading check can confirm an empty label. So it is given only on documents
# the desk reads whole (a business licence is read from part of its page, whose boxes
# map wrongly: its widely spaced 名 and 类 came out "empty" when this allowed them),
# at a distance from every item larger than a cut's error, and where the base
# recogniser reads nothing at all.
WHOLE_PICTURE = {"id_front", "id_back", "bank_card"}
MARGIN = 24.0  # flat card pixels; the pipeline accepts outlines ~20 px off
# Patches to teach "read nothing" without crowding out the text: ~1 % of ID-front crops.
BACKGROUND_SHARE = 0.3
LABELS_FILE = "labels.tsv"


def common_characters() -> str:
    """GB 2312 level 1: the 3,755 characters of everyday Chinese text."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # the table's unused cells
                out.append(bytes([hi, lo]).decode("gb2312"))
    return "".join(out)


PLATES = dict(dc._PLATE_PREFIX)


def randomise_corpus(rng: random.Random, chars: str, regions: tuple) -> None:
    """Replaces the corpus's name, street, village, estate and place lists with random
    words (see the module docstring)."""
    def word(n: int) -> str:
        return "".join(rng.choice(chars) for _ in range(n))

    dc._SURNAMES = word(60)
    dc._GIVEN_MALE = word(60)
    dc._GIVEN_FEMALE = word(60)
    dc._ROADS = tuple(word(rng.choice((2, 2, 3))) for _ in range(30))
    dc._SUBDISTRICTS = tuple(word(2) for _ in range(14))
    dc._TOWNS = tuple(word(rng.choice((2, 3))) for _ in range(14))
    dc._VILLAGES = tuple(word(2) for _ in range(14))
    dc._COMMUNITIES = tuple(
        word(rng.choice((2, 3, 4)))
        + rng.choice(("花园", "家园", "小区", "苑", "嘉园", "华庭", "湾", ""))
        for _ in range(10))
    dc._REGIONS = tuple(
        (code, (word(rng.choice((2, 3))) + province[-1]) if province else "",
         word(2) + prefecture[-1], (word(2) + county[-1]) if county else "", year)
        for code, province, prefecture, county, year in regions)
    # A plate starts with its province's (or municipality's) one-character name.
    dc._PLATE_PREFIX = {(new[1] or new[2]): PLATES[old[1] or old[2]]
                        for new, old in zip(dc._REGIONS, regions, strict=True)}


def _spaced(text: str) -> str:
    """The spaces a reader gives back: between Latin words, not inside Chinese (the
    labels' "姓 名" is letter spacing)."""
    return re.sub(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])", "", text).strip()


class _Recorder:
    """What the renderer drew (boxes on the flat card) and what the engine cut (boxes on
    the picture it read), by wrapping the two functions that do it."""

    def __init__(self) -> None:
        self.items: list[tuple[float, float, float, float, str]] = []
        self.crops: list[list] = []
        self.picture: np.ndarray | None = None  # the last picture read
        pen_text, line_crop, upside_down, read = dc._Pen.text, rapid.line_crop, \
            rapid.RapidOcrEngine._upside_down, rapid.RapidOcrEngine.read
        recorder, self.cut = self, line_crop

        def text(pen, x, y, s, size, fill=dc._INK, role="cjk", spacing=0.0, stroke=0):
            end = pen_text(pen, x, y, s, size, fill, role, spacing, stroke)
            recorder.items.append((x + pen.dx, y + pen.dy - 0.9 * size, end + pen.dx,
                                   y + pen.dy + 0.15 * size, s))
            return end

        def crop(image, box):
            out = line_crop(image, box)
            recorder.picture = image
            recorder.crops.append([image.shape[:2], np.asarray(box, np.float32).reshape(4, 2),
                                   out, False])
            return out

        def turned(engine, crops):
            answer = upside_down(engine, crops)
            if answer:
                for record in recorder.crops[-len(crops):]:
                    record[3] = True
            return answer

        def whole_read(engine, image, skip=None):
            # Only the frame's last read is kept: an earlier one may be of an outline the
            # pipeline went on to reject, whose boxes map onto the wrong printed items.
            recorder.crops.clear()
            return read(engine, image, skip)

        dc._Pen.text, rapid.line_crop = text, crop
        rapid.RapidOcrEngine._upside_down, rapid.RapidOcrEngine.read = turned, whole_read

    def background(self, rng: random.Random, doc_size: tuple[int, int]
                   ) -> list[tuple[np.ndarray, str]]:
        """A line-sized patch of the picture read where nothing is printed, labelled "":
        the detector seldom boxes the guilloche or the portrait's edge, but when it does
        the reader should read nothing there (crops of text alone teach it otherwise)."""
        shape, turned = self.crops[-1][0], self.crops[-1][3]  # one read: one way up
        heights = sorted(float(np.ptp(b[:, 1])) for _s, b, _c, _t in self.crops)
        high = heights[len(heights) // 2] * rng.uniform(0.8, 1.3)
        wide = high * rng.uniform(1.0, 6.0)
        if self.picture is None or wide >= shape[1] or high >= shape[0]:
            return []
        for _ in range(20):
            x, y = rng.uniform(0, shape[1] - wide), rng.uniform(0, shape[0] - high)
            patch = np.array([[x, y], [x + wide, y], [x + wide, y + high], [x, y + high]],
                             np.float32)
            if self.label(shape, patch, doc_size) == "":
                image = self.cut(self.picture, patch)
                return [(cv2.rotate(image, cv2.ROTATE_180) if turned else image, "")]
        return []

    def clear(self) -> None:
        self.items.clear()
        self.crops.clear()

    def label(self, shape: tuple[int, int], box: np.ndarray, doc_size: tuple[int, int]
              ) -> str | None:
        """The printed text a box covers, read on the flat card (the picture read is the
        rectified card, upright or turned by 180°: both are tried); "" when the box
        touches no printed item either way (guilloche, the portrait's edge: the reader
        should read nothing there); None when it covers nothing whole or cuts an item."""
        h, w = shape
        sx, sy = doc_size[0] / w, doc_size[1] / h
        best, touched = None, False
        for flip in (False, True):
            b = np.stack([w - box[:, 0], h - box[:, 1]], 1) if flip else box
            x0, y0 = b[:, 0].min() * sx, b[:, 1].min() * sy
            x1, y1 = b[:, 0].max() * sx, b[:, 1].max() * sy
            touched = touched or any(
                min(x1, ix1) > max(x0, ix0) - MARGIN and min(y1, iy1) > max(y0, iy0) - MARGIN
                for ix0, iy0, ix1, iy1, _s in self.items)
            inside, cut = [], False
            for ix0, iy0, ix1, iy1, s in self.items:
                if not y0 <= (iy0 + iy1) / 2 <= y1:
                    continue
                share = max(0.0, min(x1, ix1) - max(x0, ix0)) / max(ix1 - ix0, 1.0)
                if share >= COVERED:
                    inside.append((ix0, s))
                elif share > CUT:
                    cut = True
            if inside and not cut:
                kept: list[tuple[float, str]] = []
                for x, s in sorted(inside):  # embossed print is drawn thrice, a pixel apart
                    if not (kept and kept[-1][1] == s and x - kept[-1][0] < 6):
                        kept.append((x, s))
                text = _spaced("".join(s for _, s in kept))
                if best is None or len(text) > len(best):
                    best = text
        return "" if best is None and not touched and self.items else best


def use_cjk_font(path: Path, index: int) -> None:
    """Renders Chinese in another face: a collection's `index`th (Noto Sans CJK's
    simplified-Chinese face is its third, 2; the corpus itself opens the first)."""
    from PIL import ImageFont

    if not path.is_file():  # the corpus would quietly fall back on its own face
        raise SystemExit(f"{path}: no such font file")
    os.environ["DOC_CORPUS_CJK_FONT"] = str(path)
    dc._font_path.cache_clear()
    opened = dc._font

    @functools.cache
    def font(role: str, size: int) -> ImageFont.FreeTypeFont:
        if dc._font_path(role) == str(path):
            return ImageFont.truetype(str(path), size, index=index)
        return opened(role, size)

    dc._font = font


def make_crops(seed: int, cards: int, out: Path, kinds: list[str]) -> None:
    from models.ocr.factory import create_engine
    from showroom_app.documents.fields import DocKind
    from showroom_app.documents.pipeline import read_views

    rng = random.Random(f"finetune:{seed}")
    chars, regions = common_characters(), dc._REGIONS
    recorder = _Recorder()
    # Labels are checked against what the base recogniser reads: a document the desk
    # reads from a part of its page (the business licence's fields) would otherwise
    # map its boxes onto the wrong printed items.
    engine = create_engine(model_files=rapid.RapidModelFiles.bundled(
        rec=rapid.RapidModelFiles.base_recogniser()))
    samples: list[tuple[bytes, str]] = []
    doubtful = 0
    for i in range(cards):
        kind = kinds[i % len(kinds)]
        randomise_corpus(rng, chars, regions)
        recorder.clear()
        doc, _truth = dc.render(kind, rng, rng.random() < INVALID_SHARE)
        frame, _corners = dc.photograph(
            doc, rng, "degraded" if rng.random() < DEGRADED_SHARE else "clean")
        read_views(engine, [frame], DocKind(kind))
        labelled = []
        for shape, box, crop, turned in recorder.crops:
            text = recorder.label(shape, box, (doc.shape[1], doc.shape[0]))
            if text == "" and kind not in WHOLE_PICTURE:
                continue
            if text is not None:
                labelled.append((cv2.rotate(crop, cv2.ROTATE_180) if turned else crop, text))
        if recorder.crops and kind in WHOLE_PICTURE and rng.random() < BACKGROUND_SHARE:
            labelled += recorder.background(rng, (doc.shape[1], doc.shape[0]))
        for (image, text), (read, _score) in zip(
                labelled, engine.recognize([image for image, _ in labelled]), strict=True):
            if (read.strip() if not text else
                    difflib.SequenceMatcher(None, read.replace(" ", ""), text).ratio() < AGREE):
                doubtful += 1
                continue
            samples.append((cv2.imencode(".png", image)[1].tobytes(), text))
        if i % 100 == 0:
            print(f"{i} cards, {len(samples)} crops ({sum(not t for _, t in samples)} "
                  f"background), {doubtful} left out", flush=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # PNG is compressed
        for n, (png, _text) in enumerate(samples):
            archive.writestr(f"{n:06d}.png", png)
        archive.writestr(LABELS_FILE, "".join(f"{n:06d}.png\t{text}\n"
                                              for n, (_png, text) in enumerate(samples)))
    print(f"{len(samples)} crops from {cards} cards -> {out}")


def read_crops(path: Path) -> list[tuple[bytes, str]]:
    """A `crops` archive: PNG files and a tab-separated list of their labels."""
    with zipfile.ZipFile(path) as archive:
        rows = archive.read(LABELS_FILE).decode("utf-8").splitlines()
        return [(archive.read(name), text) for name, text in (r.split("\t", 1) for r in rows)]


def train(data: list[str], minutes: float, lr: float, out: Path, batch: int, threads: int,
          start: Path | None = None, steps: int | None = None) -> None:
    import onnx
    import onnxruntime as ort
    import torch
    from onnx import numpy_helper
    from onnx2torch import convert

    from models.ocr.factory import create_engine

    torch.manual_seed(0)
    torch.set_num_threads(threads)
    base = rapid.RapidModelFiles.base_recogniser()
    rec = create_engine(model_files=rapid.RapidModelFiles.bundled(rec=base))._rec
    chars = list(rec.postprocess_op.character)
    index = {c: i for i, c in enumerate(chars) if i}  # 0 is CTC's blank

    # `start`: an earlier run's output (same graph), trained on from its weights.
    graph = onnx.load(start or base)
    for node in graph.graph.node:  # onnx2torch cannot pad "SAME_UPPER": its 2×2 kernels
        for attr in list(node.attribute):
            if attr.name == "auto_pad" and attr.s == b"SAME_UPPER":
                node.attribute.remove(attr)
                node.attribute.append(onnx.helper.make_attribute("pads", [0, 0, 1, 1]))
    softmax = graph.graph.node[-1]
    assert softmax.op_type == "Softmax"
    graph.graph.node.remove(softmax)  # CTC wants the logits
    graph.graph.output[0].name = softmax.input[0]
    net = convert(graph)
    net.eval()  # batch norm keeps its statistics; every weight still learns
    for name, buf in list(net.initializers.named_buffers(recurse=False)):
        if buf.dtype == torch.float32 and buf.numel() > 1:  # MatMul weights, the head
            delattr(net.initializers, name)
            net.initializers.register_parameter(name, torch.nn.Parameter(buf.clone()))
    params = list(net.parameters())
    initial = {i.name: numpy_helper.to_array(i)
               for i in onnx.load(start or base).graph.initializer}
    where = {}
    for name, p in net.named_parameters():
        a = p.detach().numpy()
        where[name] = [k for k, v in initial.items()
                       if v.size == a.size and np.array_equal(v.reshape(-1), a.reshape(-1))]
        if len(where[name]) != 1:  # a tensor written back to two places, or to none
            raise SystemExit(f"{name}: {len(where[name])} initialisers of the model hold it")
    claimed = [k for keys in where.values() for k in keys]
    if len(claimed) != len(set(claimed)):
        raise SystemExit("two trained tensors would be written to one initialiser")

    samples = []
    for path in sorted({p for pattern in data for p in glob.glob(pattern)}):
        samples += read_crops(Path(path))
    rng = random.Random(0)
    samples = [(png, t) for png, t in samples
               if all(c in index for c in t) and (t not in LABELS or rng.random() < LABEL_SHARE)]
    rng.shuffle(samples)
    held = min(400, len(samples) // 5)
    held_out, train_set = samples[:held], samples[held:]
    print(f"{len(train_set)} crops to train on, {len(held_out)} held out", flush=True)

    def tensor(group):
        images = [cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_COLOR) for p, _ in group]
        widest = max([320 / 48] + [i.shape[1] / i.shape[0] for i in images])
        return torch.from_numpy(np.stack([rec.resize_norm_img(i, widest)
                                          for i in images]).astype(np.float32))

    def groups(items, size, shuffle):  # similar lengths together: less padding
        items = sorted(items, key=lambda it: len(it[1]))
        out = [items[i:i + size] for i in range(0, len(items), size)]
        if shuffle:
            rng.shuffle(out)
        return out

    def line_accuracy():
        right = 0
        with torch.no_grad():
            for group in groups(held_out, 32, False):
                for row, (_png, truth) in zip(net(tensor(group)).argmax(-1).numpy(), group,
                                              strict=True):
                    text, prev = [], 0
                    for k in row:
                        if k != prev and k:
                            text.append(chars[k])
                        prev = k
                    right += "".join(text) == truth
        return right / max(len(held_out), 1)

    print(f"held-out lines read right before: {line_accuracy():.3f}", flush=True)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    # The schedule runs over `steps`; without it, over as many as `minutes` allow at
    # ~2 s a step of 24 on two cores. Training stops at whichever comes first.
    steps = steps or max(1, int(minutes * 60 / 2.0))
    print(f"{steps} steps planned, at most {minutes:g} min", flush=True)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 30)
        * max(0.05, 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))))
    started, step, losses = time.time(), 0, []
    while time.time() - started < minutes * 60 and step < steps:
        for group in groups(train_set, batch, True):
            log_probs = net(tensor(group)).log_softmax(-1).permute(1, 0, 2)
            # A batch of background crops alone has no target at all: torch would make
            # an empty float tensor of it, which CTC refuses.
            targets = torch.tensor([index[c] for _, t in group for c in t], dtype=torch.long)
            loss = ctc(log_probs, targets,
                       torch.full((len(group),), log_probs.shape[0], dtype=torch.long),
                       torch.tensor([len(t) for _, t in group]))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            step += 1
            losses.append(loss.item())
            if step % 50 == 0:
                print(f"step {step} {time.time() - started:.0f} s loss "
                      f"{np.mean(losses[-50:]):.3f}", flush=True)
            if time.time() - started > minutes * 60 or step >= steps:
                break
    if step < steps:
        print(f"the clock stopped training at {step} of {steps} steps, before the "
              f"learning rate had decayed", flush=True)
    print(f"held-out lines read right after: {line_accuracy():.3f} ({step} steps)")

    model = onnx.load(start or base)
    by_name = {i.name: i for i in model.graph.initializer}
    for name, p in net.named_parameters():
        for key in where[name]:
            old = numpy_helper.to_array(by_name[key])
            by_name[key].CopyFrom(numpy_helper.from_array(
                p.detach().numpy().reshape(old.shape).astype(old.dtype), key))
    out.parent.mkdir(parents=True, exist_ok=True)
    written = out.with_name(out.name + ".new")
    onnx.save(model, written)
    # The written file must compute what was trained (a wrong write-back would not fail
    # loudly otherwise), before it takes the place of the model the desk runs.
    x = tensor(held_out[:8])
    with torch.no_grad():
        want = net(x).softmax(-1).numpy()
    got = ort.InferenceSession(str(written)).run(None, {"x": x.numpy()})[0]
    if np.abs(want - got).max() > 1e-4:
        raise SystemExit(f"the written model differs from the trained one: "
                         f"{np.abs(want - got).max()} ({written} kept)")
    os.replace(written, out)
    print(f"-> {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    crops = sub.add_parser("crops", help="labelled line crops from photographed ID fronts")
    crops.add_argument("--seed", type=int, required=True)
    crops.add_argument("--cards", type=int, default=1200)
    crops.add_argument("--kinds", nargs="+", default=["id_front"], choices=dc.KINDS,
                       help="documents to render, in turn")
    crops.add_argument("--out", type=Path, required=True)
    crops.add_argument("--cjk-font", type=Path, help="a CJK face to render in instead "
                       "(the bench renders in WenQuanYi Micro Hei)")
    crops.add_argument("--cjk-font-index", type=int, default=0,
                       help="the face's index in a collection (.ttc)")
    fit = sub.add_parser("train", help="fine-tune on the crops; write the ONNX model")
    fit.add_argument("--data", required=True, nargs="+", help="globs of the crops files")
    fit.add_argument("--minutes", type=float, default=40)
    fit.add_argument("--lr", type=float, default=5e-5)
    fit.add_argument("--batch", type=int, default=24)
    fit.add_argument("--threads", type=int, default=2)
    fit.add_argument("--steps", type=int,
                     help="steps the learning rate decays over, and the most taken")
    fit.add_argument("--start", type=Path,
                     help="an earlier output to train on from (default: the base model)")
    fit.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.step == "train" and args.steps is not None and args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.step == "crops":
        if args.cjk_font:
            use_cjk_font(args.cjk_font, args.cjk_font_index)
        elif args.cjk_font_index:
            parser.error("--cjk-font-index needs --cjk-font")
        make_crops(args.seed, args.cards, args.out, args.kinds)
    else:
        train(args.data, args.minutes, args.lr, args.out, args.batch, args.threads,
              args.start, args.steps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
