"""Toasts: routine news (a decision arrived) in the window's bottom-right corner.

Never a modal: a toast is a small frameless panel inside the main window that fades
and slides in, stays a few seconds (longer while the mouse rests on it), and goes
away by itself. Clicking it opens what it is about. At most three are stacked; a
fourth pushes the oldest out.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QEnterEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import ApplicationStatus
from ui.style import STATUS_STYLE, status_text
from ui.widgets import Retranslatable

TOAST_MS = 6_000
MAX_TOASTS = 3
MARGIN = 16
# Above the pages' own bottom-right row, where each page keeps its main action.
ACTION_ROW = 64
GAP = 8
WIDTH = 340

# The statuses a consultant is told about as they arrive; the others (submitted,
# in review, signed by the consultant themselves) change nothing at the desk.
NOTIFY_STATUSES = (
    ApplicationStatus.APPROVED, ApplicationStatus.CONDITIONAL, ApplicationStatus.DECLINED,
    ApplicationStatus.CONTRACT_READY, ApplicationStatus.FUNDED,
)


class Toast(Retranslatable, QFrame):
    """One decision: "SR-20261129-0003：✔ 已批准", coloured as the status is everywhere."""

    clicked = Signal(str)  # the application id
    gone = Signal()

    def __init__(self, application_id: str, reference: str, status: ApplicationStatus,
                 timeout_ms: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.application_id, self.reference, self.status = application_id, reference, status
        self.closing = False
        colour = STATUS_STYLE[status][0]
        self.setObjectName("toast")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(WIDTH)
        self.setStyleSheet(
            f"QFrame#toast {{ background: white; border: 1px solid #d0d7de;"
            f" border-left: 5px solid {colour}; border-radius: 8px; }}"
            f" QLabel#toastText {{ color: {colour}; font-size: 14px; font-weight: 600; }}"
            " QLabel#toastHint { color: #57606a; font-size: 12px; }"
            " QToolButton { border: none; color: #57606a; }")
        self.text = QLabel()
        self.text.setObjectName("toastText")
        self.text.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("toastHint")
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.clicked.connect(self.dismiss)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.text)
        words.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 8, 10)
        row.addLayout(words, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        # No fade or slide animation: a graphics effect and property animations on a
        # widget that deletes itself crashed Qt at teardown (seen in CI); a toast that
        # simply appears reads as well.
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.dismiss)
        self.retranslate()
        self.adjustSize()

    def retranslate(self) -> None:
        self.text.setText(self.tr("{0}: {1}").format(self.reference, status_text(self.status)))
        self.hint.setText(self.tr("The lessor's decision arrived. Click to open the application."))
        self.close_button.setToolTip(self.tr("Close"))

    def appear(self, at: QPoint) -> None:
        """Show at `at`, then start the clock."""
        self.move(at)
        self.show()
        self.raise_()
        self.timer.start()

    def place(self, at: QPoint) -> None:
        self.move(at)

    def dismiss(self) -> None:
        """Go; safe to call more than once."""
        if self.closing:
            return
        self.closing = True
        self.timer.stop()
        self.hide()
        self.gone.emit()
        self.deleteLater()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.closing:
            self.clicked.emit(self.application_id)
            self.dismiss()
        super().mouseReleaseEvent(event)

    # The mouse resting on a toast keeps it: it is being read.
    def enterEvent(self, event: QEnterEvent) -> None:
        self.timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if not self.closing:
            self.timer.start()
        super().leaveEvent(event)


class ToastStack(QObject):
    """The toasts of one window, newest at the bottom, in its bottom-right corner."""

    open_application = Signal(str)

    def __init__(self, host: QWidget, timeout_ms: int = TOAST_MS,
                 max_shown: int = MAX_TOASTS) -> None:
        super().__init__(host)
        self.host, self.timeout_ms, self.max_shown = host, timeout_ms, max_shown
        self.toasts: list[Toast] = []

    def show_decision(self, application_id: str, reference: str,
                      status: ApplicationStatus) -> Toast:
        toast = Toast(application_id, reference, status, self.timeout_ms, self.host)
        toast.clicked.connect(self.open_application)
        toast.gone.connect(self._forget)
        self.toasts.append(toast)
        for old in self.shown()[:-self.max_shown]:
            old.dismiss()
        self._layout(toast)
        return toast

    def shown(self) -> list[Toast]:
        """The toasts on screen and not on their way out, oldest first."""
        self.toasts = [t for t in self.toasts if shiboken6.isValid(t)]
        return [t for t in self.toasts if not t.closing]

    def clear(self) -> None:
        for toast in self.shown():
            toast.dismiss()

    def _forget(self) -> None:
        toast = self.sender()
        self.toasts = [t for t in self.toasts if t is not toast and shiboken6.isValid(t)]
        self._layout()

    def _corner(self) -> QPoint:
        """Bottom-right of the host, above its status bar if it has one."""
        bottom = self.host.height() - MARGIN - ACTION_ROW
        status_bar = getattr(self.host, "statusBar", None)
        if callable(status_bar) and status_bar().isVisible():
            bottom -= status_bar().height()
        return QPoint(self.host.width() - MARGIN - WIDTH, bottom)

    def _layout(self, new: Toast | None = None) -> None:
        corner = self._corner()
        y = corner.y()
        for toast in reversed(self.shown()):
            y -= toast.sizeHint().height()
            at = QPoint(corner.x(), y)
            if toast is new:
                toast.adjustSize()
                toast.appear(at)
            else:
                toast.place(at)
            toast.raise_()
            y -= GAP

    def relayout(self) -> None:
        """The host was resized: keep the stack in its corner. The host calls this from
        its resizeEvent — an event filter in Python on the window could be called while
        the window is being torn down, after this object's Python side is gone."""
        self._layout()
