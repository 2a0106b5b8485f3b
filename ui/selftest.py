"""Self-test checks that need Qt: the offscreen platform and the translations."""

from __future__ import annotations

import os
from collections.abc import Callable

from ui.i18n import LANGUAGES, qm_path


def check_qt() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication, QLabel

    if QApplication.instance() is None:
        # A self-test must work with no display (CI, a support shell).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    else:
        app = QApplication.instance()
    label = QLabel("工作台 Desk")
    label.adjustSize()
    image = label.grab()
    if image.isNull():
        raise RuntimeError("Qt could not render a widget")
    return f"PySide6 {pyside_version}, platform {app.platformName()}, rendering ok"


def check_translations() -> str:
    from PySide6.QtCore import QTranslator

    found = []
    for language in LANGUAGES:
        if language == "en":
            continue  # English is the source language
        translator = QTranslator()
        if not translator.load(str(qm_path(language))):
            raise RuntimeError(f"{qm_path(language)} missing or unreadable: run the setup command")
        if not translator.translate("MainWindow", "Desk"):
            raise RuntimeError(f"{qm_path(language).name} does not translate the navigation")
        found.append(language)
    return "languages: en (source), " + ", ".join(found)


def qt_checks() -> list[tuple[str, Callable[[], str]]]:
    return [("qt", check_qt), ("translations", check_translations)]
