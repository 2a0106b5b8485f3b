"""What the frozen bundle carries besides the modules PyInstaller finds by itself.

Plain Python (no PyInstaller import) so that tests/test_selftest_bundle.py can check,
without building, that every file listed here exists. `showroom.spec` reads it.
"""

from __future__ import annotations

import importlib.util
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_NOT_DATA = (".py", ".pyc", ".pyo", ".pyi")
_NOT_DATA_NAMES = ("py.typed", ".gitkeep")


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def package_data(name: str, *patterns: str, python_files: bool = False) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for a package's files matching `patterns`
    (relative paths, fnmatch), like PyInstaller's collect_data_files."""
    base = package_dir(name)
    dest_root = Path(*name.split("."))
    pairs = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if not path.is_file() or "__pycache__" in rel.parts or path.name in _NOT_DATA_NAMES:
            continue
        if path.suffix in _NOT_DATA and not (python_files and path.suffix == ".py"):
            continue
        if patterns and not any(fnmatch(rel.as_posix(), p) for p in patterns):
            continue
        pairs.append((str(path), str(dest_root / rel.parent)))
    return pairs


def datas() -> list[tuple[str, str]]:
    return [
        # PP-OCR's detector and line classifier, RapidOCR's own configuration (not collected
        # automatically). Not the wheel's recogniser: the desk runs its own (resources).
        *package_data("rapidocr", "models/PP-OCRv6_det_small.onnx",
                      "models/ch_ppocr_mobile_v2.0_cls_mobile.onnx", "*.yaml"),
        # The desk's recogniser, pre-score models and model cards, demo promotions, the
        # self-test's sample card.
        *package_data("resources"),
        # Compiled translations of the desk (Qt's own come with the PySide6 hooks).
        *package_data("ui", "translations/*.qm"),
        # Alembic reads env.py and the revision scripts from files: ship the sources.
        *package_data("local_store", "migrations/*.py", "migrations/*.mako",
                      "migrations/versions/*.py", python_files=True),
        # The embedded central's offline API docs (`--demo`).
        *package_data("fastapi_offline", "static/*"),
        # LightGBM reads its version from this file (the self-test reports it).
        *package_data("lightgbm", "VERSION.txt"),
        # Standard PDF fonts and their metrics (contract and report PDFs).
        *package_data("reportlab", "fonts/*"),
    ]


# Files the bundle must hold, relative to the package root they are collected from; the
# test checks each one is in datas() (not only that datas() is not empty).
REQUIRED = [
    "rapidocr/models/PP-OCRv6_det_small.onnx",
    "resources/models/ocr/PP-OCRv6_rec_small_desk.onnx",
    "resources/lexicon/common_words.txt",
    "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "rapidocr/config.yaml",
    "resources/models/prescore/schema.yaml",
    "resources/models/prescore/individual/model.txt",
    "resources/models/prescore/fleet/model.txt",
    "resources/models/prescore/farmer/model.txt",
    "resources/demo/promotions.yaml",
    "resources/samples/id_card_front.jpg",
    "resources/samples/id_card_front.json",
    "ui/translations/showroom_zh_CN.qm",
    "local_store/migrations/env.py",
    "local_store/migrations/versions/0001_initial_schema.py",
]

HIDDEN_IMPORTS = [
    # `from rapidocr import RapidOCR` is a lazy __getattr__; the engine module is found
    # by name at run time.
    "rapidocr.main",
    "rapidocr.inference_engine.onnxruntime",
    # Imported only by the migration scripts, which are data files.
    "alembic.op",
    "alembic.context",
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "sqlalchemy.dialects.sqlite",
    "local_store.orm",
    # The embedded central for `--demo` (imported inside functions).
    "central.app",
    "central.seed",
    "central.db",
    "central.auth",
    # The Applications page shows the contract with QtPdf when it is installed (its own
    # wheel, pyside6-pdf): imported inside a try.
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    # The signed contract is printed from the Applications page (imported on Print).
    "PySide6.QtPrintSupport",
]

# Modules the desk never imports at run time (checked with `python -X importtime` and
# sys.modules after the GUI, --demo and the self-test). Excluding them keeps PyInstaller
# from following optional imports into them.
EXCLUDES = [
    # Qt modules the desk does not use (it uses QtCore, QtGui, QtWidgets, QtCharts,
    # QtPdf/QtPdfWidgets for the contract, QtPrintSupport to print the signed one and
    # QtNetwork's QNetworkInformation only).
    *(f"PySide6.{m}" for m in (
        "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel",
        "QtWebSockets", "QtWebView", "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic",
        "Qt3DAnimation", "Qt3DExtras", "QtQuick", "QtQuick3D", "QtQuickControls2",
        "QtQuickWidgets", "QtQuickTest", "QtQml", "QtMultimedia", "QtMultimediaWidgets",
        "QtSpatialAudio", "QtDesigner", "QtUiTools", "QtHelp", "QtTest", "QtSql",
        "QtBluetooth", "QtNfc", "QtPositioning", "QtLocation", "QtSensors", "QtSerialBus",
        "QtSerialPort", "QtDataVisualization", "QtGraphs",
        "QtGraphsWidgets", "QtScxml", "QtStateMachine", "QtTextToSpeech",
        "QtRemoteObjects", "QtHttpServer", "QtCanvasPainter", "QtAxContainer",
        "QtConcurrent", "QtDBus", "QtXml", "QtNetworkAuth",
        # QtCharts' libraries link Qt's OpenGL libraries (collected as binaries), but the
        # Python bindings (10 MB) are never imported.
        "QtOpenGL", "QtOpenGLWidgets",
    )),
    "tkinter", "_tkinter", "IPython", "matplotlib", "pandas", "pyarrow", "sklearn", "dask",
    "torch", "paddle", "paddleocr", "paddlex", "openvino", "tensorrt", "MNN",
    "pytest", "_pytest", "hypothesis", "schemathesis", "numpy_financial", "pip",
    "setuptools", "pkg_resources", "docutils", "sphinx",
    # Pillow's AVIF codec (5 MB of libavif) and Tk glue: the desk reads JPEG and PNG.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt",
    # RapidOCR engines other than ONNX Runtime; its visualisation helpers.
    "rapidocr.inference_engine.pytorch", "rapidocr.inference_engine.paddle",
    "rapidocr.inference_engine.openvino", "rapidocr.inference_engine.tensorrt",
    "rapidocr.inference_engine.mnn",
    # ONNX Runtime's offline tooling.
    "onnxruntime.tools", "onnxruntime.transformers", "onnxruntime.quantization",
    # LightGBM needs only scipy.sparse (its matrix types) at run time.
    *(f"scipy.{m}" for m in (
        "linalg", "special", "optimize", "stats", "signal", "interpolate", "integrate",
        "spatial", "ndimage", "io", "fft", "fftpack", "odr", "cluster", "datasets", "misc",
        "constants", "differentiate", "sparse.linalg", "sparse.csgraph",
    )),
    # Training code (the desk's --demo imports models.training.doc_corpus, kept).
    "models.training.train", "models.training.portfolio", "models.training.cli",
]

# Qt files (paths inside the bundle, fnmatch; `*` spans folders: the wheels keep Qt in
# PySide6/Qt/ on Linux and macOS, in PySide6/ on Windows) dropped after analysis. Plugins
# and translations are collected per Qt module by the hooks, for every platform
# variant and language; the desk needs few of them.
QT_DROP = [
    # Platforms: keep xcb, wayland, offscreen (Linux), windows, cocoa, minimal.
    "PySide6/*plugins/platforms/*eglfs*", "PySide6/*plugins/platforms/*linuxfb*",
    "PySide6/*plugins/platforms/*vnc*", "PySide6/*plugins/platforms/*minimalegl*",
    "PySide6/*plugins/platforms/*vkkhrdisplay*", "PySide6/*plugins/platforms/*direct2d*",
    "PySide6/*plugins/egldeviceintegrations/*",
    # Image formats: keep png (built in), jpeg, gif, ico, svg; the pdf plugin needs QtPdf.
    "PySide6/*plugins/imageformats/*qpdf*", "PySide6/*plugins/imageformats/*qwebp*",
    "PySide6/*plugins/imageformats/*qtiff*", "PySide6/*plugins/imageformats/*qtga*",
    "PySide6/*plugins/imageformats/*qwbmp*", "PySide6/*plugins/imageformats/*qicns*",
    "PySide6/*plugins/platforminputcontexts/*virtualkeyboard*",
    # The GTK3 theme: the desk draws with Fusion and its own style sheet, and Qt's own file
    # dialogs (translated) replace GTK's. It would drag in cairo, pango, gdk-pixbuf, ATK…
    # (5 MB, LIB_DROP) to run against whatever GTK the desktop has.
    "PySide6/*plugins/platformthemes/*gtk3*",
    # Translations: only the languages of the desk (zh_CN; English is built in).
    "PySide6/*translations/*",
]
QT_KEEP = [
    "PySide6/*translations/qtbase_zh_CN.qm",
    "PySide6/*translations/qt_zh_CN.qm",
]
# Shared libraries that must not travel even when a plugin drags them in.
LIB_DROP = [
    "*Qt6WebEngine*", "*Qt6Quick*", "*Qt6Qml*", "*Qt6VirtualKeyboard*",
    "*Qt6Multimedia*", "*Qt63D*", "*Qt6Designer*", "*QtWebEngineProcess*",
    # Linked by the GTK3 theme plugin only (checked with readelf over the bundle).
    "libcairo.so.*", "libcairo-gobject.so.*", "libpango-1.0.so.*", "libpangoft2-1.0.so.*",
    "libpangocairo-1.0.so.*", "libgdk_pixbuf-2.0.so.*", "libatk-1.0.so.*", "libpixman-1.so.*",
    "libgraphite2.so.*", "libharfbuzz.so.*", "libfribidi.so.*", "libthai.so.*",
    "libdatrie.so.*", "libXrender.so.*", "libXext.so.*", "libjpeg.so.62*",
    # CUPS and what only it links (checked with readelf over the bundle): Qt's CUPS
    # print plugin uses the desktop's own libcups, which every Linux desktop that prints
    # has, configured for its printers; without it Qt prints to PDF files only.
    "libcups.so.*", "libgnutls.so.*", "libavahi-client.so.*", "libavahi-common.so.*",
    "libnettle.so.*", "libhogweed.so.*", "libp11-kit.so.*", "libtasn1.so.*",
    "libidn2.so.*", "libunistring.so.*", "libgmp.so.*",
]


def dropped(dest: str, naive: bool = False) -> bool:
    """True when the bundle does not need the file at `dest` (a path inside the bundle)."""
    if naive:
        return False
    dest = dest.replace("\\", "/")
    if any(fnmatch(dest, p) for p in QT_KEEP):
        return False
    name = dest.rsplit("/", 1)[-1]
    return any(fnmatch(dest, p) for p in QT_DROP) or any(fnmatch(name, p) for p in LIB_DROP)
