"""Small building blocks shared by the pages."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def list_table(columns: int, name: str, rows: int = 0) -> QTableWidget:
    """A read-only list: whole rows selected one at a time, alternating colours, no row
    numbers — how every list of the desk behaves."""
    table = QTableWidget(rows, columns)
    table.setObjectName(name)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    return table


class Retranslatable:
    """Mixin: calls `retranslate()` whenever the application language changes.

    Put it first in the bases (`class Page(Retranslatable, QWidget)`).
    """

    def retranslate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


class StatCard(QFrame):
    """A big number with a label under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.label = QLabel()
        self.label.setObjectName("cardLabel")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.value)
        layout.addWidget(self.label)

    def set(self, value: str, label: str) -> None:
        self.value.setText(value)
        self.label.setText(label)


class _Dispatcher(QObject):
    """Lives on the UI thread for the whole run: workers report through its signal.

    Worker results never travel through an object that a worker owns, so nothing
    can be deleted while a worker thread is still emitting from it.
    """

    finished = Signal(int, object, object)

    def __init__(self) -> None:
        super().__init__()
        self.callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None] | None]] = {}
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _deliver(self, task_id: int, result: object, error: object) -> None:
        on_done, on_failed = self.callbacks.pop(task_id)
        callback = on_done if error is None else on_failed
        if callback is None:
            if error is not None:
                log.error("background task failed: %r", error)
            return
        # The page that asked may have been closed meanwhile: then nobody is listening.
        target = getattr(callback, "__self__", None)
        if isinstance(target, QObject) and not shiboken6.isValid(target):
            return
        callback(result if error is None else error)


_dispatcher: _Dispatcher | None = None
_ids = itertools.count(1)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None] | None = None,
) -> int:
    """Run `fn` on the thread pool; `on_done(result)` or `on_failed(error)` runs on the UI thread."""
    global _dispatcher  # noqa: PLW0603 - one dispatcher per process, created on the UI thread
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    dispatcher = _dispatcher
    task_id = next(_ids)
    dispatcher.callbacks[task_id] = (on_done, on_failed)

    def job() -> None:
        try:
            result = fn()
        except Exception as exc:
            dispatcher.finished.emit(task_id, None, exc)
        else:
            dispatcher.finished.emit(task_id, result, None)

    QThreadPool.globalInstance().start(job)
    return task_id
