"""New application: a light step strip over the steps, each a page of its own.

Step 1 takes the documents (webcam, files or a scanner folder, read by OCR); step 2
takes the applicant's facts and shows the pre-score. An ID card confirmed in step 1
fills what it says in step 2.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from ui.pages.capture import CapturePage
from ui.pages.prescore import ApplicantPage, QuoteSource
from ui.style import ACCENT
from ui.widgets import Retranslatable

STEP_STYLE = f"""
QPushButton#stepButton {{ border: 1px solid #d0d7de; border-radius: 14px; padding: 4px 14px;
    background: white; color: #24292f; }}
QPushButton#stepButton:checked {{ background: {ACCENT}; border-color: {ACCENT}; color: white;
    font-weight: 600; }}
"""


class NewApplicationPage(Retranslatable, QWidget):
    def __init__(self, services: DeskServices, user: User, quote_source: QuoteSource | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capture_page = CapturePage(services, user)
        self.applicant_page = ApplicantPage(services, user, quote_source)
        self.capture_page.document_confirmed.connect(self.applicant_page.take_document)

        self.steps = QButtonGroup(self)
        self.steps.setExclusive(True)
        strip = QHBoxLayout()
        strip.setContentsMargins(24, 10, 24, 0)
        strip.setSpacing(8)
        self.step_buttons: list[QPushButton] = []
        for i in range(2):
            button = QPushButton()
            button.setObjectName("stepButton")
            button.setProperty("step", i)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setStyleSheet(STEP_STYLE)
            self.steps.addButton(button, i)
            self.step_buttons.append(button)
            strip.addWidget(button)
            if i == 0:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #57606a;")
                strip.addWidget(arrow)
        strip.addStretch(1)
        self.steps.idClicked.connect(self.show_step)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.capture_page)
        self.stack.addWidget(self.applicant_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(strip)
        layout.addWidget(self.stack, 1)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for sequence, name in (("Ctrl+PgDown", "next"), ("Ctrl+PgUp", "previous"),
                               ("Alt+1", "0"), ("Alt+2", "1")):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(context)
            shortcut.setObjectName(f"step:{name}")
            shortcut.activated.connect(self._shortcut)
        self.show_step(0)
        self.retranslate()

    def current_step(self) -> int:
        return self.stack.currentIndex()

    def show_step(self, index: int) -> None:
        index = max(0, min(self.stack.count() - 1, index))
        self.stack.setCurrentIndex(index)
        self.step_buttons[index].setChecked(True)

    def _shortcut(self) -> None:
        name = self.sender().objectName().removeprefix("step:")
        if name == "next":
            self.show_step(self.current_step() + 1)
        elif name == "previous":
            self.show_step(self.current_step() - 1)
        else:
            self.show_step(int(name))

    def shutdown(self) -> None:
        self.capture_page.shutdown()

    def retranslate(self) -> None:
        # "&&": a button would take a lone "&" for a mnemonic and hide it.
        self.step_buttons[0].setText(self.tr("1  Documents").replace("&", "&&"))
        self.step_buttons[1].setText(self.tr("2  Applicant & pre-score").replace("&", "&&"))
        tip = self.tr("Alt+1 / Alt+2 or Ctrl+PgUp / Ctrl+PgDown switch steps")
        for button in self.step_buttons:
            button.setToolTip(tip)
