"""The signed contract as it came back from the lessor: read in the app, printed for the
customer, or saved as a copy. Nothing of it stays in memory after the dialog closes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.pages.prescore import GREEN, GREY, RED

try:  # QtPdf ships in its own wheel (pyside6-pdf)
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the installation
    QPdfDocument = None  # type: ignore[assignment,misc]
    QPdfView = None  # type: ignore[assignment,misc]

PRINT_DPI = 200  # sharp on paper, light enough for an old PC's printer driver


class ContractViewDialog(QDialog):
    def __init__(self, reference: str, pdf: bytes, parent: QWidget | None = None,
                 record_export: Callable[[str], None] | None = None) -> None:
        """`record_export("print" | "save")` is called once the contract left the app
        (the caller audits it)."""
        super().__init__(parent)
        self.record_export = record_export
        self.setObjectName("contractView")
        self.reference = reference
        self.pdf = pdf
        self.setWindowTitle(self.tr("Signed contract {0}").format(reference))
        self.document = None
        self.buffer: QBuffer | None = None
        if QPdfDocument is not None:
            self.document = QPdfDocument(self)
            self.buffer = QBuffer(self)
            self.buffer.setData(QByteArray(pdf))
            self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self.buffer)
            viewer: QWidget = QPdfView(self)
            viewer.setPageMode(QPdfView.PageMode.MultiPage)
            viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            viewer.setDocument(self.document)
        else:  # pragma: no cover - without QtPdf: save and print elsewhere
            viewer = QLabel(self.tr("This desk cannot show PDF files: save a copy and open it."))
        self.status = QLabel()
        self.status.setObjectName("contractViewStatus")
        self.status.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Print… (Ctrl+P)"))
        self.print_button.setObjectName("primary")
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self.print_contract)
        self.print_button.setEnabled(self.document is not None)
        self.save_button = QPushButton(self.tr("Save a copy…"))
        self.save_button.clicked.connect(self.save_copy)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(viewer, 1)
        layout.addLayout(buttons)
        self.resize(860, 900)

    def pages(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def print_to(self, printer) -> int:
        """Draw every page onto `printer` at PRINT_DPI; returns the pages printed."""
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(self.tr("the printer could not be opened"))
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for page in range(self.pages()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                size = QSize(round(points.width() / 72 * PRINT_DPI),
                             round(points.height() / 72 * PRINT_DPI))
                image = self.document.render(page, size)
                scaled = image.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
                painter.drawImage(0, 0, scaled)
        finally:
            painter.end()
        return self.pages()

    def print_contract(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{self.reference}.pdf")
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pages = self.print_to(printer)
        except OSError as exc:
            self._say(self.tr("Not printed: {0}").format(describe(exc)), RED)
            return
        self._say(self.tr("{0} page(s) sent to the printer.").format(pages), GREEN)
        if self.record_export is not None:
            self.record_export("print")

    def save_copy(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save a copy of the signed contract"), f"{self.reference}.pdf",
            self.tr("PDF files (*.pdf)"))
        if not path:
            return
        try:
            Path(path).write_bytes(self.pdf)
        except OSError as exc:
            self._say(self.tr("Not saved: {0} Choose another folder.").format(exc.strerror
                                                                             or exc), RED)
            return
        self._say(self.tr("Saved to {0}.").format(path), GREY)
        if self.record_export is not None:
            self.record_export("save")

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def done(self, result: int) -> None:
        if self.document is not None:
            self.document.close()
        if self.buffer is not None:
            self.buffer.close()
        self.pdf = b""
        super().done(result)
