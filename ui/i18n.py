"""Run-time language switching. English is the source language; zh_CN comes from a .qm."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from showroom_app.services.settings import LANGUAGES as SETTINGS_LANGUAGES

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
_NAMES = {"zh_CN": "中文", "en": "English"}
# The codes come from the settings, so the two can never disagree.
LANGUAGES = {code: _NAMES[code] for code in SETTINGS_LANGUAGES}
DEFAULT_LANGUAGE = "zh_CN"


def qm_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"showroom_{language}.qm"


class Translations:
    """Owns the installed translators; Qt sends LanguageChange to every widget on switch."""

    def __init__(self) -> None:
        self._translators: list[QTranslator] = []
        self.language = "en"

    def set_language(self, language: str) -> bool:
        """Returns False (and stays on English) when the compiled translation is missing."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication first")
        for old in self._translators:
            app.removeTranslator(old)
        self._translators.clear()
        self.language = "en"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        if language == "en":
            return True
        translator = QTranslator(app)
        if not translator.load(str(qm_path(language))):
            log.error("translation %s missing at %s; run the setup command", language,
                      qm_path(language))
            return False
        app.installTranslator(translator)
        self._translators.append(translator)
        # Qt's own texts: dialog buttons (OK, Cancel), context menus, message boxes.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_translator = QTranslator(app)
        if qt_translator.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(qt_translator)
            self._translators.append(qt_translator)
        else:
            log.warning("Qt's own %s translation not found in %s", language, qt_dir)
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return True
