"""An unhandled exception is logged (masked) and shown with the log's location."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from showroom_app.logs import setup_logging
from ui.dialogs.crash import install_excepthook


@pytest.fixture
def log_file(tmp_path: Path):
    path = setup_logging(tmp_path / "logs", console_level=logging.CRITICAL)
    previous = sys.excepthook
    yield path
    sys.excepthook = previous
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_showroom", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_unhandled_exception_shows_dialog_and_logs_without_personal_data(
    qtbot, log_file: Path
) -> None:
    install_excepthook(log_file)
    seen: dict[str, str] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen["text"] = box.text()
        seen["info"] = box.informativeText()
        box.accept()

    QTimer.singleShot(0, answer)
    try:
        raise RuntimeError("could not load customer 110105194912310021, phone 13812345678")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())

    assert str(log_file) in seen["info"]
    assert "RuntimeError" in seen["info"]
    assert "110105********0021" in seen["info"] and "110105194912310021" not in seen["info"]
    assert "kept" in seen["text"]
    logged = log_file.read_text(encoding="utf-8")
    assert "unhandled exception" in logged and "Traceback" in logged
    assert "110105194912310021" not in logged and "13812345678" not in logged
    assert "110105********0021" in logged
