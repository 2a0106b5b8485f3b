"""The bundle's manifest (build/bundle_data.py, read by build/showroom.spec) lists files
that exist, and the self-test's sample card is what the self-test expects. Fast: nothing
is built or frozen here (./dev.sh test builds and self-tests the bundle after the suite)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bundle_data():
    spec = importlib.util.spec_from_file_location("bundle_data", ROOT / "build" / "bundle_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bundle_paths(pairs):
    return {(Path(dest) / Path(src).name).as_posix() for src, dest in pairs}


def test_every_collected_file_exists(bundle_data):
    pairs = bundle_data.datas()
    assert pairs
    missing = [src for src, _dest in pairs if not Path(src).is_file()]
    assert not missing


def test_required_files_are_collected(bundle_data):
    collected = _bundle_paths(bundle_data.datas())
    missing = [path for path in bundle_data.REQUIRED if path not in collected]
    assert not missing, f"not in the bundle's data: {missing}"


def test_every_migration_script_travels(bundle_data):
    collected = _bundle_paths(bundle_data.datas())
    scripts = sorted((ROOT / "local_store" / "migrations" / "versions").glob("*.py"))
    assert scripts
    for script in scripts:
        assert f"local_store/migrations/versions/{script.name}" in collected


def test_no_bytecode_or_caches_collected(bundle_data):
    for src, _dest in bundle_data.datas():
        assert "__pycache__" not in Path(src).parts
        assert not src.endswith((".pyc", ".pyo"))


def test_spec_uses_the_manifest_and_the_cli_entry():
    spec = (ROOT / "build" / "showroom.spec").read_text(encoding="utf-8")
    assert "bundle_data.datas()" in spec
    assert "bundle_data.HIDDEN_IMPORTS" in spec
    assert "bundle_data.EXCLUDES" in spec
    entry = (ROOT / "build" / "showroom_entry.py").read_text(encoding="utf-8")
    assert "from showroom_app.cli import main" in entry


def test_hidden_imports_exist(bundle_data):
    for name in bundle_data.HIDDEN_IMPORTS:
        assert importlib.util.find_spec(name) is not None, name


def test_excludes_spare_what_the_desk_imports(bundle_data):
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtCharts",
            "PySide6.QtNetwork", "scipy.sparse", "models.training.doc_corpus", "onnxruntime",
            "cv2", "lightgbm", "rapidocr", "central", "uvicorn"}
    assert not used & set(bundle_data.EXCLUDES)


def test_qt_filter_keeps_the_needed_plugins(bundle_data):
    keep = ["PySide6/Qt/plugins/platforms/libqxcb.so",
            "PySide6/Qt/plugins/platforms/libqoffscreen.so",
            "PySide6/Qt/plugins/platforms/libqwayland.so",
            "PySide6/plugins/platforms/qwindows.dll",  # the Windows wheel's layout
            "PySide6/translations/qtbase_zh_CN.qm",
            "PySide6/Qt/plugins/imageformats/libqjpeg.so",
            "PySide6/Qt/translations/qtbase_zh_CN.qm",
            "PySide6/Qt/lib/libQt6Charts.so.6"]
    drop = ["PySide6/Qt/plugins/imageformats/libqpdf.so",
            "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libcairo.so.2",
            "PySide6/Qt/translations/qtbase_de.qm",
            "PySide6/translations/qtwebengine_zh_CN.qm",
            "PySide6/Qt/lib/libQt6WebEngineCore.so.6"]
    assert not [p for p in keep if bundle_data.dropped(p)]
    assert all(bundle_data.dropped(p) for p in drop)
    assert not bundle_data.dropped(drop[0], naive=True)


def test_sample_card_matches_its_truth():
    folder = ROOT / "resources" / "samples"
    truth = json.loads((folder / "id_card_front.json").read_text(encoding="utf-8"))
    assert truth["doc_type"] == "id_front"
    assert len(truth["id_number"]) == 18
    image = folder / "id_card_front.jpg"
    assert image.is_file()
    assert image.stat().st_size < 200_000  # the bundle and the repository stay small


# --- the release bundle's slim OpenCV and trimmed ICU data -----------------------------


def _build_module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "build" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cv2_check_covers_every_call_and_passes_on_the_installed_opencv():
    """build/check_cv2.py vets the slim OpenCV build; here it runs against the normal wheel,
    so a cv2 function newly called by the desk or RapidOCR but missing from the check (or
    a check that is wrong) fails the suite, not only the next release build."""
    run = subprocess.run([sys.executable, str(ROOT / "build" / "check_cv2.py")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "cv2 check passed" in run.stdout
    check = _build_module("check_cv2")
    used = check.used_names()
    # The ones whose absence would hurt most: the card finder, the warp, the codecs, video.
    for name in ("approxPolyN", "minAreaRect", "warpPerspective", "imdecode", "VideoCapture",
                 "invert", "fillPoly"):
        assert name in used


def test_cv2_check_fails_on_a_call_it_does_not_make():
    check = _build_module("check_cv2")
    used = check.used_names() | {"medianBlur": {"ui/new_feature.py"}}
    problems = check.check_functions(used)
    assert any("cv2.medianBlur is used but build/check_cv2.py does not call it" in p
               for p in problems), problems


def test_icu_trim_rules():
    trim = _build_module("trim_icu")
    keep = ["icudt73l/coll/zh.res", "icudt73l/coll/root.res", "icudt73l/coll/ucadata.icu",
            "icudt73l/zh_Hans_CN.res", "icudt73l/en_US_POSIX.res", "icudt73l/unit/en_GB.res",
            "icudt73l/curr/pool.res", "icudt73l/res_index.res", "icudt73l/supplementalData.res",
            "icudt73l/brkitr/cjdict.dict", "icudt73l/brkitr/line.brk", "icudt73l/nfkc.nrm",
            "icudt73l/zone/tzdbNames.res"]
    drop = ["icudt73l/coll/de.res", "icudt73l/ja.res", "icudt73l/unit/fr_CA.res",
            "icudt73l/brkitr/thaidict.dict", "icudt73l/translit/root.res"]
    assert [n for n in keep if not trim.keep(n, 1000)] == []
    assert [n for n in drop if trim.keep(n, 1000)] == []
    assert trim.keep("icudt73l/gb18030.cnv", 233_000)
    assert not trim.keep("icudt73l/ibm-930_P120-1999.cnv", 100_000)  # EBCDIC Japanese
    assert trim.keep("icudt73l/ibm-850_P100-1995.cnv", 10_000)  # single-byte: small


def _icu_data() -> Path:
    found = sorted(Path(_build_module("bundle_data").package_dir("PySide6")).glob(
        "Qt/lib/libicudata.so.*"))
    if sys.platform != "linux" or not found:
        pytest.skip("the Linux PySide6 wheel's ICU only")
    if not (shutil.which("cc") and shutil.which("nm") and shutil.which("strip")):
        pytest.skip("needs cc, nm and strip (build-essential)")
    return found[0]


def test_trimmed_icu_reads_back_and_qt_answers_the_same(tmp_path: Path):
    trim = _build_module("trim_icu")
    out = tmp_path / "lib" / _icu_data().name
    total, kept, before, after = trim.trim(_icu_data(), out)
    assert kept < total / 2 and after < before / 2
    _, items, symbol = trim.read_package(out)
    names = [name for name, _ in items]
    assert names == sorted(names, key=str.encode) and symbol.startswith("icudt")
    assert "icudt73l/coll/zh.res".replace("73", symbol[5:7]) in names

    def probe(preload: Path | None) -> dict:
        env = dict(os.environ)
        if preload is not None:
            env["LD_PRELOAD"] = str(preload)
        run = subprocess.run([sys.executable, str(ROOT / "build" / "trim_icu.py"), "--probe"],
                             capture_output=True, text=True, env=env, timeout=120, check=True)
        return json.loads(run.stdout)

    full = probe(None)
    assert probe(out) == full
    # The probe can tell: without the Chinese collation, zh_CN sorts differently.
    header, items, symbol = trim.read_package(out)
    poorer = tmp_path / "poorer" / out.name
    trim.write_library(trim.build_package(
        header, [(n, d) for n, d in items if "/coll/zh" not in n]), symbol, out.name, poorer)
    assert probe(poorer)["sort zh_CN"] != full["sort zh_CN"]
