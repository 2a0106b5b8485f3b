"""A signature pad: mouse, pen or touch strokes on a white card, with clear and undo.

It keeps each stroke as a list of points {x, y, t} (x and y in 0..1 of the pad, t in
seconds since the first touch) and exports the drawing as a PNG on white."""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

Point = dict[str, float]
INK = QColor("#0b1f4d")


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.strokes: list[list[Point]] = []
        self._drawing = False
        self._t0: float | None = None
        self.placeholder = ""
        self.setMinimumSize(QSize(280, 140))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # --- what callers use -------------------------------------------------------------

    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self.strokes)

    def clear(self) -> None:
        self.strokes.clear()
        self._drawing = False
        self._t0 = None
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._drawing = False
            self.update()
            self.changed.emit()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.update()

    def to_png(self, size: QSize | None = None) -> bytes:
        """The strokes on white, anti-aliased, as PNG bytes (default 600×240)."""
        size = size or QSize(600, 240)
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        self._paint_strokes(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    # --- drawing in -------------------------------------------------------------------

    def _point(self, pos: QPointF) -> Point:
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        w, h = max(1, self.width()), max(1, self.height())
        return {"x": round(min(max(pos.x() / w, 0.0), 1.0), 4),
                "y": round(min(max(pos.y() / h, 0.0), 1.0), 4),
                "t": round(now - self._t0, 3)}

    def begin_stroke(self, pos: QPointF) -> None:
        self._drawing = True
        self.strokes.append([self._point(pos)])
        self.update()

    def extend_stroke(self, pos: QPointF) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append(self._point(pos))
            self.update()

    def end_stroke(self, pos: QPointF | None = None) -> None:
        if not self._drawing:
            return
        if pos is not None:
            self.extend_stroke(pos)
        self._drawing = False
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self.begin_stroke(event.position())
        elif kind == QTabletEvent.Type.TabletMove:
            self.extend_stroke(event.position())
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke(event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QTouchEvent) and event.points():
            pos = event.points()[0].position()
            if event.type() == QTouchEvent.Type.TouchBegin:
                self.begin_stroke(pos)
            elif event.type() == QTouchEvent.Type.TouchUpdate:
                self.extend_stroke(pos)
            else:
                self.end_stroke(pos)
            event.accept()
            return True
        return super().event(event)

    # --- drawing out ------------------------------------------------------------------

    def _paint_strokes(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(INK, max(2.0, rect.height() / 80), Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self.strokes:
            points = [QPointF(rect.x() + p["x"] * rect.width(), rect.y() + p["y"] * rect.height())
                      for p in stroke]
            if len(points) == 1:
                painter.drawPoint(points[0])
                continue
            path = QPainterPath(points[0])
            for p in points[1:]:
                path.lineTo(p)
            painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(rect, Qt.GlobalColor.white)
        painter.setPen(QPen(QColor("#8c959f"), 1, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(rect, 6, 6)
        base = rect.height() * 0.75
        painter.setPen(QPen(QColor("#d0d7de"), 1))
        painter.drawLine(QPointF(rect.x() + 24, base), QPointF(rect.right() - 24, base))
        if not self.strokes and self.placeholder:
            painter.setPen(QColor("#8c959f"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.placeholder)
        self._paint_strokes(painter, QRectF(self.rect()))
        painter.end()
