"""Linux: a smaller libicudata for the bundle's Qt, with the ICU data the desk can use.

    python build/trim_icu.py SRC/libicudata.so.73 OUT/libicudata.so.73  # the trimmed copy
    python build/trim_icu.py --probe                  # what Qt does with ICU, as JSON

Why: PySide6's Qt links ICU, whose data library is 31 MB: collation, locale names,
currencies, units, time-zone names, transliterators and break dictionaries for some 800
locales, and 190 legacy character-set converters. Qt uses ICU for locale-aware comparison
(QCollator, sorting), case mapping and the character sets QStringConverter does not know
itself; its own number/date formats come from CLDR tables compiled into QtCore. The desk
speaks zh_CN and English, so the trimmed data keeps:
  * every other non-locale item (Unicode properties, normalization, collation root UCA data,
    break rules, names, time-zone rules, supplemental data),
  * the root, `en*` and `zh*` bundles of every locale tree (plus each tree's pool),
  * the CJK break dictionary (cjdict), and not the Thai/Lao/Khmer/Burmese ones,
  * no transliterators (Qt has no API that uses them),
  * the single-byte converters and the Chinese multi-byte ones (GB18030, GBK, GB2312,
    EUC-CN, Big5, HKSCS), not the Japanese, Korean and EBCDIC double-byte ones.
A locale outside the list falls back to root, as ICU does for any locale it lacks.

The data is ICU's common-data package ("CmnD": a header, a sorted table of contents and
16-byte-aligned items) in one exported symbol (`icudt73_dat`); the new library exports the
same symbol under the same SONAME. build.sh runs `--probe` against the original and the
trimmed library (LD_PRELOAD) and refuses the trimmed one when anything differs.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# <lang>[_Script|_REGION|_variant…].res: a locale bundle (root, pool and res_index are not).
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")
KEEP_LANGUAGES = ("en", "zh")
DROP_DICTIONARIES = ("burmesedict.dict", "khmerdict.dict", "laodict.dict", "thaidict.dict")
# Multi-byte converters worth keeping: the Chinese ones. Single-byte tables are small.
KEEP_CONVERTERS = ("gb18030", "ibm-1386_", "windows-936-", "ibm-1383_", "ibm-5478_",
                   "icu-internal-25546", "windows-950-", "ibm-950_", "ibm-1373_", "ibm-1375_",
                   "ibm-5471_")
SMALL_CONVERTER = 40_000


def _elf_symbol_offset(lib: bytes, vaddr: int) -> int:
    """File offset of a virtual address, from the ELF64 program headers."""
    phoff = struct.unpack_from("<Q", lib, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", lib, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", lib, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= vaddr < p_vaddr + p_filesz:  # PT_LOAD
            return p_offset + vaddr - p_vaddr
    raise ValueError(f"address {vaddr:#x} is in no loaded segment")


def _symbol(lib_path: Path) -> tuple[str, int]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib_path)], check=True,
                         capture_output=True, text=True).stdout
    found = [(line.split()[2], int(line.split()[0], 16)) for line in out.splitlines()
             if re.search(r"\bicudt\d+_dat$", line)]
    if len(found) != 1:
        raise ValueError(f"{lib_path}: expected one icudtNN_dat symbol, found {found}")
    return found[0]


def read_package(lib_path: Path) -> tuple[bytes, list[tuple[str, bytes]], str]:
    lib = lib_path.read_bytes()
    symbol, vaddr = _symbol(lib_path)
    start = _elf_symbol_offset(lib, vaddr)
    header_size, magic1, magic2 = struct.unpack_from("<HBB", lib, start)
    if (magic1, magic2) != (0xDA, 0x27) or lib[start + 12:start + 16] != b"CmnD":
        raise ValueError(f"{lib_path}: {symbol} is not an ICU common data package")
    if lib[start + 8] != 0:  # isBigEndian
        raise ValueError("big-endian ICU data is not handled")
    header = lib[start:start + header_size]
    toc = start + header_size
    count = struct.unpack_from("<I", lib, toc)[0]
    entries = [struct.unpack_from("<II", lib, toc + 4 + 8 * i) for i in range(count)]
    # The last item's length is not stored: it runs to the end of the symbol, which `nm -S`
    # would tell; the ELF section end is a safe upper bound and the extra bytes are padding.
    end = len(lib)
    out = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib_path)], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == symbol:
            end = start + int(parts[1], 16)
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        name = lib[toc + name_off:lib.index(b"\0", toc + name_off)].decode("ascii")
        stop = toc + entries[i + 1][1] if i + 1 < count else end
        items.append((name, lib[toc + data_off:stop]))
    return header, items, symbol


def keep(name: str, size: int) -> bool:
    _package, _, rest = name.partition("/")
    tree, _, leaf = rest.rpartition("/")
    if leaf in DROP_DICTIONARIES:
        return False
    if leaf.endswith(".cnv"):
        return size <= SMALL_CONVERTER or leaf.startswith(KEEP_CONVERTERS)
    if _LOCALE.match(leaf) and leaf != "res_index.res":
        return leaf.split("_")[0].removesuffix(".res") in KEEP_LANGUAGES
    # Transliteration rules (1 MB): Qt never transliterates.
    return tree != "translit"


def build_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    items = sorted(items, key=lambda item: item[0].encode("ascii"))  # ICU binary-searches
    count = len(items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * count
    data_start = (toc_size + len(names) + 15) & ~15
    offsets, blobs, pos = [], [], data_start
    name_pos = toc_size
    for name, data in items:
        offsets.append((name_pos, pos))
        name_pos += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        blobs.append(padded)
        pos += len(padded)
    toc = struct.pack("<I", count) + b"".join(struct.pack("<II", n, d) for n, d in offsets)
    body = toc + names
    body += b"\0" * (data_start - len(body))
    return header + body + b"".join(blobs)


def write_library(package: bytes, symbol: str, soname: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="icu-") as tmp:
        blob = Path(tmp) / "data.bin"
        blob.write_bytes(package)
        asm = Path(tmp) / "data.S"
        asm.write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n'
            f'{symbol}:\n.incbin "{blob}"\n.size {symbol}, . - {symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cc", "-shared", "-nostdlib", "-Wl,--build-id", f"-Wl,-soname,{soname}",
                        "-o", str(out), str(asm)], check=True)
        subprocess.run(["strip", "--strip-unneeded", str(out)], check=True)


def trim(src: Path, out: Path) -> tuple[int, int, int, int]:
    header, items, symbol = read_package(src)
    kept = [(name, data) for name, data in items if keep(name, len(data))]
    write_library(build_package(header, kept), symbol, src.name, out)
    # Round trip: the new library must parse back to exactly the kept items.
    _, again, _ = read_package(out)
    if [(n, d.rstrip(b"\0")) for n, d in again] != sorted(
            ((n, d.rstrip(b"\0")) for n, d in kept), key=lambda x: x[0].encode()):
        raise RuntimeError("the trimmed ICU package does not read back as written")
    return len(items), len(kept), src.stat().st_size, out.stat().st_size


def probe() -> dict:
    """What the desk's Qt does through ICU: zh_CN/en collation, case mapping, Chinese
    character sets. Run once per library; the results must be equal."""
    import functools

    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QStringEncoder

    names = ["张三", "李四", "王五", "赵六", "阿明", "欧阳修", "长城汽车", "重庆", "中国",
             "比亚迪", "吉利", "Émile", "apple", "Zebra", "item10", "item9", "Ångström",
             "ｆｕｌｌ", "13800138000", "SR-20261129-0001"]
    result: dict = {}
    for code in ("zh_CN", "en_US", "en_GB", "zh_TW", "zh_HK", "C"):
        collator = QCollator(QLocale(code))
        result[f"sort {code}"] = sorted(names, key=functools.cmp_to_key(collator.compare))
        collator.setNumericMode(True)
        collator.setCaseSensitivity(collator.caseSensitivity().CaseInsensitive)
        result[f"numeric {code}"] = sorted(names, key=functools.cmp_to_key(collator.compare))
        result[f"case {code}"] = [QLocale(code).toUpper("straße ǆ ﬃ éa"),
                                  QLocale(code).toLower("ΣΑΣ İSTANBUL")]
    # PySide6 exposes no encode/decode call on these, only whether Qt can open them.
    for codec in ("GB18030", "GBK", "GB2312", "Big5", "Big5-HKSCS", "windows-1252",
                  "ISO-8859-15", "KOI8-R"):
        result[f"codec {codec}"] = [QStringEncoder(codec).isValid(),
                                    QStringDecoder(codec).isValid()]
    return result


def main(argv: list[str]) -> int:
    if argv == ["--probe"]:
        print(json.dumps(probe(), ensure_ascii=False, sort_keys=True))
        return 0
    if len(argv) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    total, kept, before, after = trim(Path(argv[0]), Path(argv[1]))
    print(f"ICU data: {kept} of {total} items kept, {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
