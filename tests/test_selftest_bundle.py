"""The bundle's manifest (build/bundle_data.py, read by build/showroom.spec) lists files
that exist, and the self-test's sample card is what the self-test expects. Fast: nothing
is built or frozen here."""

from __future__ import annotations

import importlib.util
import json
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
