"""Write the desk's list of common two-character Chinese words
(resources/lexicon/common_words.txt) from jieba's dictionary.

    .venv/bin/pip download jieba==0.42.1 --no-deps -d /tmp/jieba
    .venv/bin/python scripts/make_word_list.py /tmp/jieba/jieba-0.42.1.tar.gz

jieba's dict.txt (MIT licence) holds 349,046 words with their counts in a large body of
modern Chinese text. The desk keeps its two-character words of Chinese characters only
that were counted at least MIN_COUNT times: the rarest entries are mostly names and
fragments, which would make a word of almost any pair. The desk reads no text with
jieba and does not depend on it; this script runs only when the list is remade.
"""

from __future__ import annotations

import argparse
import io
import tarfile
from pathlib import Path

MIN_COUNT = 10
MEMBER = "jieba-0.42.1/jieba/dict.txt"
OUT = Path(__file__).resolve().parents[1] / "resources" / "lexicon" / "common_words.txt"


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def words(dictionary: io.TextIOBase) -> list[str]:
    out: set[str] = set()
    for line in dictionary:
        parts = line.split()
        if (len(parts) >= 2 and len(parts[0]) == 2 and all(map(is_han, parts[0]))
                and int(parts[1]) >= MIN_COUNT):
            out.add(parts[0])
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="jieba's sdist (.tar.gz) or its dict.txt")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.source.suffixes[-2:] == [".tar", ".gz"]:
        with tarfile.open(args.source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{args.source} holds no {MEMBER}")
            found = words(io.TextIOWrapper(member, encoding="utf-8"))
    else:
        with args.source.open(encoding="utf-8") as f:
            found = words(f)
    if len(found) < 10_000:
        raise SystemExit(f"only {len(found)} words found in {args.source}: not jieba's dict")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} words -> {args.out}")


if __name__ == "__main__":
    main()
