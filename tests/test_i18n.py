"""Every visible string is translatable, and the Chinese translation is complete and current."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "ui" / "translations" / "showroom_zh_CN.ts"
BIN = Path(sys.executable).parent


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    out = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out[(name, message.findtext("source") or "")] = message.find("translation")
    return out


def test_committed_translation_matches_the_code(tmp_path: Path) -> None:
    """lupdate over the code today must find exactly the messages the .ts holds."""
    lupdate = BIN / "pyside6-lupdate"
    if not lupdate.exists():
        lupdate = Path(shutil.which("pyside6-lupdate") or "pyside6-lupdate")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-no-obsolete", "-ts", str(fresh)],
                   check=True, capture_output=True)
    in_code = set(messages(fresh))
    in_ts = set(messages(TS))
    assert in_code - in_ts == set(), "strings missing from the .ts: run ./dev.sh i18n"
    assert in_ts - in_code == set(), "obsolete strings in the .ts: run ./dev.sh i18n"
    assert len(in_code) > 100


def test_chinese_translation_is_complete() -> None:
    unfinished = [
        (ctx, src) for (ctx, src), tr in messages(TS).items()
        if tr is None or tr.get("type") in {"unfinished", "vanished", "obsolete"}
        or not (tr.text or "").strip()
    ]
    assert unfinished == []


def test_placeholders_survive_translation() -> None:
    """`{0}` in a source must be in its translation, or .format() drops data silently."""
    import re

    for (ctx, src), tr in messages(TS).items():
        want = sorted(re.findall(r"\{\d\}", src))
        got = sorted(re.findall(r"\{\d\}", tr.text or ""))
        assert want == got, (ctx, src)


def test_compiled_translation_loads_and_translates() -> None:
    from PySide6.QtCore import QTranslator

    from ui.i18n import qm_path

    translator = QTranslator()
    if not qm_path("zh_CN").exists():
        pytest.fail("showroom_zh_CN.qm missing: the setup command compiles it (./dev.sh setup)")
    assert translator.load(str(qm_path("zh_CN")))
    assert translator.translate("MainWindow", "Desk") == "工作台"
    assert translator.translate("Status", "In review") == "审核中"


def test_committed_qm_is_compiled_from_the_committed_ts(tmp_path: Path) -> None:
    """The .qm ships in the repository so that any wheel built from a clone is complete."""
    from ui.i18n import qm_path

    lrelease = BIN / "pyside6-lrelease"
    fresh = tmp_path / "fresh.qm"
    subprocess.run([str(lrelease), "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == qm_path("zh_CN").read_bytes(), "run ./dev.sh i18n and commit"
