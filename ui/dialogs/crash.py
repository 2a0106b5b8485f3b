"""What a person sees when something unexpected breaks."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from showroom_app.domain.masking import scrub

log = logging.getLogger("showroom.crash")
_showing: list[bool] = []


def install_excepthook(log_file: Path) -> None:
    """Log every unhandled exception and tell the person, without closing the desk.

    Everything already saved is in the database (each action commits on its own),
    so the dialog can truthfully say nothing saved is lost.
    """

    def hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unhandled exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        # One dialog at a time: an error in a paint event or a timer would otherwise
        # stack dialogs faster than anyone can close them.
        if QApplication.instance() is not None and not _showing:
            _showing.append(True)
            try:
                show_crash_dialog(scrub(f"{exc_type.__name__}: {exc}"), log_file)
            finally:
                _showing.clear()

    sys.excepthook = hook


def show_crash_dialog(what: str, log_file: Path) -> None:
    translate = QCoreApplication.translate
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(translate("Crash", "Something went wrong"))
    box.setText(translate("Crash", "An unexpected error stopped this action. Everything saved before it is kept."))
    box.setInformativeText(
        translate("Crash", "What happened: {0}\n\nThe details are in the log file:\n{1}\n\nSend that file to support if it happens again.").format(what, log_file)
    )
    box.exec()
