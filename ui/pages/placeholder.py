"""Pages that are not built yet say what they will do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.widgets import Retranslatable


class PlannedPage(Retranslatable, QWidget):
    """`texts` returns (title, what the page is for, what it will offer) in the current language."""

    def __init__(
        self, texts: Callable[[], tuple[str, str, list[str]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.texts = texts
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.purpose = QLabel()
        self.purpose.setObjectName("pageSubtitle")
        self.purpose.setWordWrap(True)
        self.planned_heading = QLabel()
        self.planned_heading.setStyleSheet("font-weight: 600; margin-top: 12px;")
        self.planned = QLabel()
        self.planned.setWordWrap(True)
        self.planned.setTextFormat(Qt.TextFormat.RichText)
        self.planned.setObjectName("plannedList")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addWidget(self.title)
        layout.addWidget(self.purpose)
        layout.addWidget(self.planned_heading)
        layout.addWidget(self.planned)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        title, purpose, items = self.texts()
        self.title.setText(title)
        self.purpose.setText(purpose)
        self.planned_heading.setText(self.tr("Coming to this page:"))
        self.planned.setText("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
