"""Small building blocks shared by the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


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


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """Runs `fn` on the thread pool; results come back to the UI thread by queued signals."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None] | None = None,
) -> Task:
    task = Task(fn)
    task.setAutoDelete(False)
    # Python must keep the runnable and its signal object alive until it reports.
    _running.add(task)
    task.signals.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
    if on_failed is not None:
        task.signals.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
    task.signals.done.connect(lambda _r: _running.discard(task))
    task.signals.failed.connect(lambda _e: _running.discard(task))
    QThreadPool.globalInstance().start(task)
    return task


_running: set[Task] = set()
