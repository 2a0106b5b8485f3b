"""Starting the desk: application object, language, data key, first run, sign-in."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from showroom_app import APP_NAME
from showroom_app.domain.errors import ShowroomError
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from ui.dialogs.crash import install_excepthook
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.passphrase import ask_passphrase
from ui.dialogs.sign_in import SignInDialog
from ui.errors import describe
from ui.i18n import Translations
from ui.main_window import MainWindow
from ui.style import apply_style

log = logging.getLogger(__name__)

OpenServices = Callable[[Callable[[bool, str | None], str | None]], DeskServices]


_app: QApplication | None = None
_collector: GarbageCollector | None = None


class GarbageCollector(QObject):
    """Python's cyclic collector, run from the UI thread's event loop only.

    Left automatic, it runs wherever allocations cross a threshold: inside a callback Qt
    is running (an event filter, a slot) or on a worker thread, and freeing a Qt object
    there can crash PySide6 (seen in the tests: a collection inside the idle filter's
    eventFilter). Here it runs between events, generation by generation with Python's
    own thresholds, so a collection costs what the automatic one would."""

    def __init__(self, interval_ms: int = 1000) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> None:
        collect_due_generations()


def collect_due_generations() -> None:
    """What Python's automatic collector would do now: each generation past its
    threshold, youngest first (the tests call it between tests too)."""
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c0 > t0:
        gc.collect(0)
        if c1 > t1:
            gc.collect(1)
            if c2 > t2:
                gc.collect(2)


def create_application(language: str) -> tuple[QApplication, Translations]:
    # Held at module level: the QApplication must outlive every widget and QObject,
    # or interpreter shutdown deletes it first and Qt crashes on the way out.
    global _app  # noqa: PLW0603
    _app = QApplication.instance() or QApplication(sys.argv)
    app = _app
    global _collector  # noqa: PLW0603 - one per process, with the application
    if _collector is None:
        _collector = GarbageCollector()
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Showroom")
    apply_style(app)
    translations = Translations()
    translations.set_language(language)
    return app, translations


def sign_in(services: DeskServices, translations: Translations) -> User | None:
    """First run creates the administrator (who is then signed in); later runs sign in."""
    if services.auth.needs_first_run():
        first = FirstRunDialog(services)
        return first.user if first.exec() == QDialog.DialogCode.Accepted else None
    def choose_language(language: str) -> None:
        services.update_settings(None, language=language)
        translations.set_language(language)

    dialog = SignInDialog(services, on_language=choose_language)
    return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_desk(
    language: str, log_file: Path, ui_state_file: Path, open_services: OpenServices
) -> int:
    app, translations = create_application(language)
    install_excepthook(log_file)
    try:
        services = open_services(ask_passphrase)
    except ShowroomError as exc:
        log.error("desk not opened: %s", exc)
        QMessageBox.critical(
            None,
            QCoreApplication.translate("Startup", "The desk cannot open"),
            QCoreApplication.translate("Startup", "{0}\n\nNothing was changed. Details are in the log file:\n{1}").format(describe(exc), log_file),
        )
        return 2
    user = sign_in(services, translations)
    if user is None:
        return 0
    window = MainWindow(services, user, translations, ui_state_file)
    window.show_at_start()
    code = app.exec()
    # Let background reads finish before the caller closes the database under them.
    QThreadPool.globalInstance().waitForDone(5000)
    return code
