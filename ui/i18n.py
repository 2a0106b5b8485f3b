"""Run-time language switching. English is the source language; zh_CN comes from a .qm."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
LANGUAGES = {"zh_CN": "中文", "en": "English"}
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
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return True
