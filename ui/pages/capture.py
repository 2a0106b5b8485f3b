"""New application, step 1: the customer's documents.

The desk camera (or a video / image file standing in for it, an imported file, or a
scanner's folder) → the document captured when it is found, sharp and still → OCR on
a worker → every field with its confidence and, in words, what looks wrong → the
consultant corrects or confirms each doubtful field → the document is stored.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QPointF,
    QRectF,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.intake import DocKind, PreviewFrame, ScannerFolder
from ui.camera import CameraWorker, intake_problem
from ui.widgets import Retranslatable, run_in_background

log = logging.getLogger(__name__)

CAMERA_ENV = "SHOWROOM_CAMERA"
SCANNER_POLL_MS = 2_000
CHOOSE_FILE = "<choose-file>"
GREEN, AMBER, RED = "#1a7f37", "#9a6700", "#cf222e"
BACKGROUND = QColor("#1f2328")
GREEN_LINE, AMBER_LINE = QColor("#2da44e"), QColor("#d4a72c")
GREEN_PEN, AMBER_PEN = QPen(GREEN_LINE, 3), QPen(AMBER_LINE, 3)
HIGHLIGHT = "QLineEdit { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 4px; padding: 3px; }"
# A wrong check character (or Luhn digit) means the number is wrong or misread. The
# desk cannot recheck an edited value here, so only the explicit ✓ clears these.
HARD_PROBLEMS = frozenset({"check_character", "luhn"})
IMAGE_FILTER_SUFFIXES = "*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp *.pdf"
VIDEO_FILTER_SUFFIXES = "*.mp4 *.avi *.mov *.mkv *.wmv " + IMAGE_FILTER_SUFFIXES


# --- words ------------------------------------------------------------------------------


def kind_text(kind: DocKind) -> str:
    translate = QCoreApplication.translate
    return {
        DocKind.ID_FRONT: translate("CapturePage", "ID card (photo side)"),
        DocKind.ID_BACK: translate("CapturePage", "ID card (emblem side)"),
        DocKind.DRIVING_LICENSE: translate("CapturePage", "Driving licence"),
        DocKind.VEHICLE_LICENSE: translate("CapturePage", "Vehicle licence"),
        DocKind.BUSINESS_LICENSE: translate("CapturePage", "Business licence"),
        DocKind.BANK_CARD: translate("CapturePage", "Bank card"),
    }[kind]


def field_label(key: str) -> str:
    translate = QCoreApplication.translate
    labels = {
        "name": translate("CapturePage", "Name"),
        "sex": translate("CapturePage", "Sex"),
        "ethnicity": translate("CapturePage", "Ethnicity"),
        "birth_date": translate("CapturePage", "Date of birth"),
        "address": translate("CapturePage", "Address"),
        "id_number": translate("CapturePage", "ID number"),
        "issuing_authority": translate("CapturePage", "Issuing authority"),
        "valid_from": translate("CapturePage", "Valid from"),
        "valid_to": translate("CapturePage", "Valid until"),
        "license_number": translate("CapturePage", "Licence number"),
        "vehicle_class": translate("CapturePage", "Vehicle class"),
        "first_issue_date": translate("CapturePage", "First issued"),
        "plate": translate("CapturePage", "Plate number"),
        "vehicle_type": translate("CapturePage", "Vehicle type"),
        "owner": translate("CapturePage", "Owner"),
        "vin": translate("CapturePage", "VIN"),
        "engine_number": translate("CapturePage", "Engine number"),
        "registration_date": translate("CapturePage", "Registration date"),
        "uscc": translate("CapturePage", "Unified social credit code"),
        "legal_representative": translate("CapturePage", "Legal representative"),
        "registered_capital": translate("CapturePage", "Registered capital"),
        "card_number": translate("CapturePage", "Card number"),
        "bank": translate("CapturePage", "Bank"),
    }
    return labels.get(key, key)


def problem_text(problem: str) -> str:
    translate = QCoreApplication.translate
    texts = {
        "missing": translate("CapturePage", "Not found on the document"),
        "low_confidence": translate("CapturePage", "Not read with certainty: please check"),
        "format": translate("CapturePage", "Wrong format"),
        "check_character": translate("CapturePage", "Check character does not match: the number is wrong or was misread"),
        "luhn": translate("CapturePage", "Card number check failed"),
        "birth_date_impossible": translate("CapturePage", "This date of birth does not exist"),
        "region_unknown": translate("CapturePage", "Unknown region code (possible on old cards)"),
        "birth_date_mismatch": translate("CapturePage", "Does not match the date of birth in the ID number"),
        "sex_mismatch": translate("CapturePage", "Does not match the sex in the ID number"),
        "date_invalid": translate("CapturePage", "Invalid date"),
        "read_with_id_number": translate("CapturePage", "Unclear on the card: read as the date in the ID number, compare with the card"),
        "from_id_number": translate("CapturePage", "Not legible on the card: taken from the ID number, compare with the card"),
        "expired": translate("CapturePage", "The document has expired"),
        "not_yet_valid": translate("CapturePage", "The document is not valid yet"),
        "vin_letters": translate("CapturePage", "A VIN never contains I, O or Q"),
        "cut_short": translate("CapturePage", "Ends on a bare number: its last characters may be missing, compare with the card"),
    }
    return texts.get(problem, problem)


def hint_text(hint: str | None) -> str:
    translate = QCoreApplication.translate
    if hint is None:
        return translate("CapturePage", "Document found: hold still")
    texts = {
        "no_document": translate("CapturePage", "Place the document under the camera"),
        "too_small": translate("CapturePage", "Move closer"),
        "cut_off": translate("CapturePage", "Keep the whole document in view"),
        "blurry": translate("CapturePage", "Out of focus: hold still"),
        "glare": translate("CapturePage", "Reduce glare"),
        "moving": translate("CapturePage", "Hold still"),
        "too_dark": translate("CapturePage", "Too dark: add light"),
    }
    return texts.get(hint, hint)


# --- the preview ------------------------------------------------------------------------


class CameraPreview(QWidget):
    """The latest camera frame scaled to fit, the document's outline, and a banner.

    The frame's pixels arrive ready (RGB, preview size) from the camera thread; here
    they are only wrapped in a QImage and painted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraPreview")
        self.setMinimumSize(280, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.image: QImage | None = None
        self.corners: list[tuple[float, float]] | None = None
        self.hint: str | None = None
        self.banner = ""
        self.warn = False
        self.message = ""  # shown instead of the picture (starting, camera problem)
        self.frames = 0
        self._banner_image: QImage | None = None
        self._banner_key: tuple[str, bool] | None = None

    def show_frame(self, frame: PreviewFrame, banner: str) -> None:
        self.image = QImage(frame.rgb, frame.width, frame.height, 3 * frame.width,
                            QImage.Format.Format_RGB888).copy()
        self.corners = frame.corners
        self.hint = frame.hint
        self.warn = frame.hint is not None
        if banner != self.banner:
            self.banner = banner
            self._banner_image = None
        self.message = ""
        self.frames += 1
        self.update()

    def show_message(self, message: str) -> None:
        self.message = message
        self.image = None
        self.corners = None
        self.update()

    def _target(self) -> QRectF:
        assert self.image is not None
        w, h = self.image.width(), self.image.height()
        scale = min(self.width() / w, self.height() / h)
        tw, th = w * scale, h * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th)

    def set_banner(self, banner: str) -> None:
        if banner != self.banner:
            self.banner = banner
            self._banner_image = None
        self.update()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._banner_image = None
        super().changeEvent(event)

    def _banner_picture(self) -> QImage:
        """The banner's text on its dark plate, drawn once per text (and colour): each
        frame then costs one image draw, not a dozen font and path calls."""
        key = (self.banner, self.warn)
        if self._banner_image is not None and self._banner_key == key:
            return self._banner_image
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        metrics = QFontMetricsF(font)
        ratio = self.devicePixelRatioF()
        width = metrics.horizontalAdvance(self.banner) + 40
        height = metrics.height() + 16
        image = QImage(round(width * ratio), round(height * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(13, 17, 23, 200))
        box = QRectF(0, 0, width, height)
        painter.drawRoundedRect(box, 8, 8)
        painter.fillRect(QRectF(0, 8, 5, height - 16), AMBER_LINE if self.warn else GREEN_LINE)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.banner)
        painter.end()
        self._banner_image, self._banner_key = image, key
        return image

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self.image is None or self.message:
            painter.setPen(QColor("#d0d7de"))
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.15)
            painter.setFont(font)
            painter.drawText(self.rect().adjusted(32, 24, -32, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
            return
        # Few calls per frame: each one lets the camera and OCR threads take the GIL.
        painter.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform
                               | QPainter.RenderHint.Antialiasing)
        target = self._target()
        painter.drawImage(target, self.image)
        if self.corners:
            scale = target.width() / self.image.width()
            x0, y0 = target.x(), target.y()
            painter.setPen(AMBER_PEN if self.warn else GREEN_PEN)
            painter.drawPolygon(QPolygonF([QPointF(x0 + x * scale, y0 + y * scale)
                                           for x, y in self.corners]))
        if self.banner:
            banner = self._banner_picture()
            ratio = banner.devicePixelRatio()
            width, height = banner.width() / ratio, banner.height() / ratio
            painter.drawImage(QPointF(target.center().x() - width / 2,
                                      target.bottom() - height - 14), banner)


# --- one field of the form ----------------------------------------------------------------


class FieldRow:
    """A read field: its editor, confidence, problems in words and the ✓ button."""

    def __init__(self, key: str, value: str | None, confidence: float,
                 problems: list[str], on_change) -> None:
        self.key = key
        self.read_value = value
        self.confidence = confidence
        self.problems = list(problems)
        self.edited = False
        # Children get their parent at once: a parentless widget made visible would
        # flash up as a window of its own (and take the focus from the desk).
        self.widget = QWidget()
        self.label = QLabel(self.widget)
        self.label.setObjectName(f"label_{key}")
        self.edit = QLineEdit(value or "", self.widget)
        self.edit.setObjectName(f"field_{key}")
        self.edit.setMinimumWidth(120)
        self.label.setBuddy(self.edit)
        self.confidence_label = QLabel("–" if value is None else f"{round(confidence * 100)}%",
                                       self.widget)
        self.confidence_label.setObjectName(f"confidence_{key}")
        self.confidence_label.setMinimumWidth(40)
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tick = QToolButton(self.widget)
        self.tick.setObjectName(f"confirm_{key}")
        self.tick.setText("✓")
        self.tick.setCheckable(True)
        self.tick.setFixedWidth(34)
        policy = self.tick.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.tick.setSizePolicy(policy)
        self.tick.setVisible(bool(self.problems))
        self.problem_label = QLabel(self.widget)
        self.problem_label.setObjectName(f"problems_{key}")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {RED};")
        self.problem_label.setVisible(bool(self.problems))

        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        line = QHBoxLayout()
        line.setSpacing(6)
        line.addWidget(self.edit, 1)
        line.addWidget(self.confidence_label)
        line.addWidget(self.tick)
        column.addLayout(line)
        column.addWidget(self.problem_label)

        self.edit.textEdited.connect(self._edited)
        self.tick.toggled.connect(self._ticked)
        self._on_change = on_change
        self.retranslate()
        self._restyle()

    @property
    def hard(self) -> bool:
        return any(p in HARD_PROBLEMS for p in self.problems)

    @property
    def highlighted(self) -> bool:
        """Still needs the consultant: a problem neither edited away nor confirmed."""
        if not self.problems or self.tick.isChecked():
            return False
        return self.hard or not self.edited

    def value(self) -> str:
        return self.edit.text().strip()

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.tick.setEnabled(not read_only)

    def retranslate(self) -> None:
        translate = QCoreApplication.translate
        self.label.setText(translate("CapturePage", "{0}:").format(field_label(self.key)))
        lines = [problem_text(p) for p in self.problems]
        if self.hard:
            lines.append(translate("CapturePage", "Compare it with the document character by character, correct it if needed, then click ✓."))
        self.problem_label.setText("\n".join(lines))
        self.tick.setToolTip(translate("CapturePage", "I checked this value against the document"))
        self.confidence_label.setToolTip(translate("CapturePage", "How sure the reading is"))

    def _edited(self, _text: str) -> None:
        self.edited = True
        self._restyle()
        self._on_change()

    def _ticked(self, _checked: bool) -> None:
        self._restyle()
        self._on_change()

    def _restyle(self) -> None:
        self.edit.setStyleSheet(HIGHLIGHT if self.highlighted else "")
        if self.problems and self.tick.isChecked():
            self.tick.setStyleSheet(f"QToolButton {{ color: white; background: {GREEN}; border-radius: 4px; }}")
        else:
            self.tick.setStyleSheet("")


# --- the page ------------------------------------------------------------------------------


class CapturePage(Retranslatable, QWidget):
    """Emits `document_saved(document_id)` once the consultant confirmed a document."""

    document_saved = Signal(str)
    # (document kind value, {field key: confirmed value}): for the applicant step.
    document_confirmed = Signal(str, dict)

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.worker: CameraWorker | None = None
        self.camera_error: BaseException | None = None
        self.armed = True  # captured frames are read; off while one is read or reviewed
        # A document read from a file, shown in place of the camera until it is
        # confirmed or retaken (a PreviewFrame), or None: the camera's picture.
        self.still = None
        self.busy = False
        self.busy_loading = False
        self.result = None  # the ReadResult on screen, until confirmed or retaken
        self.rows: dict[str, FieldRow] = {}
        self.shown_kind: DocKind | None = None
        self.status_kind = ""  # what the status line says: see _show_status
        self.status_args: tuple = ()
        self.problem: BaseException | None = None
        self.scanner: ScannerFolder | None = None
        self.scanner_folder: Path | None = None
        self.scan_queue: list[Path] = []
        self.polling = False
        self.reads = 0
        self._source_index = 0
        # The draft confirmed documents belong to (the wizard sets it); None: loose.
        self.application_id: str | None = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        self.kind_label = QLabel()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("docKind")
        for kind in DocKind:
            self.kind_combo.addItem("", kind)
        self.kind_label.setBuddy(self.kind_combo)
        self.source_label = QLabel()
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("cameraSource")
        self.source_combo.setMinimumContentsLength(14)
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source_combo.addItem("", 0)
        self.source_combo.addItem("", 1)
        self.source_combo.addItem("", CHOOSE_FILE)
        self.source_label.setBuddy(self.source_combo)
        self._preselect_source(os.environ.get(CAMERA_ENV, "").strip())
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.scanner_button = QPushButton()
        self.scanner_button.setObjectName("scannerFolder")
        self.scanner_button.clicked.connect(self.choose_scanner_folder)
        choices = QHBoxLayout()
        choices.setSpacing(8)
        choices.addWidget(self.kind_label)
        choices.addWidget(self.kind_combo)
        choices.addSpacing(16)
        choices.addWidget(self.source_label)
        choices.addWidget(self.source_combo)
        choices.addSpacing(16)
        choices.addWidget(self.scanner_button)
        choices.addStretch(1)

        # Left: the camera and the ways to get a document in.
        self.preview = CameraPreview()
        self.camera_problem = QLabel()
        self.camera_problem.setObjectName("cameraProblem")
        self.camera_problem.setWordWrap(True)
        self.camera_problem.setStyleSheet(f"color: {RED};")
        self.camera_problem.hide()
        self.capture_button = QPushButton()
        self.capture_button.setObjectName("captureNow")
        self.capture_button.clicked.connect(self.capture_now)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importFile")
        self.import_button.clicked.connect(self.import_file)
        self.scanner_label = QLabel()
        self.scanner_label.setObjectName("scannerLabel")
        self.scanner_label.setWordWrap(True)
        self.scanner_label.setStyleSheet("color: #57606a;")
        self.scanner_label.hide()
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.capture_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.preview, 1)
        left.addWidget(self.camera_problem)
        left.addLayout(buttons)
        left.addWidget(self.scanner_label)

        # Right: what was read, and the decision.
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("readBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedSize(90, 10)
        self.busy_bar.hide()
        self.status = QLabel()
        self.status.setObjectName("readStatus")
        self.status.setWordWrap(True)
        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        status_row.addWidget(self.busy_bar, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.status, 1)

        self.result_box = QGroupBox()
        self.result_box.setObjectName("resultBox")
        self.result_kind = QLabel()
        self.result_kind.setObjectName("resultKind")
        self.result_kind.setStyleSheet("font-weight: 600;")
        self.empty_form = QLabel()
        self.empty_form.setObjectName("emptyForm")
        self.empty_form.setWordWrap(True)
        self.empty_form.setStyleSheet("color: #57606a;")
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(8)
        inside = QWidget()
        inside_layout = QVBoxLayout(inside)
        inside_layout.setContentsMargins(0, 0, 4, 0)
        inside_layout.addWidget(self.result_kind)
        inside_layout.addWidget(self.empty_form)
        inside_layout.addLayout(self.form)
        inside_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inside)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        box_layout = QVBoxLayout(self.result_box)
        box_layout.addWidget(scroll)

        self.attention = QLabel()
        self.attention.setObjectName("reviewAttention")
        self.attention.setWordWrap(True)
        self.attention.setStyleSheet(f"color: {AMBER};")
        self.retake_button = QPushButton()
        self.retake_button.setObjectName("retake")
        self.retake_button.clicked.connect(self.retake)
        self.confirm_button = QPushButton()
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.confirm)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addStretch(1)
        actions.addWidget(self.retake_button)
        actions.addWidget(self.confirm_button)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addLayout(status_row)
        right.addWidget(self.result_box, 1)
        right.addWidget(self.attention)
        right.addLayout(actions)
        right_widget = QWidget()
        right_widget.setLayout(right)
        right_widget.setMaximumWidth(560)
        right.setContentsMargins(0, 0, 0, 0)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(left, 3)
        body.addWidget(right_widget, 2)

        layout = QVBoxLayout(self)
        # Slightly narrower side margins than other pages: the two columns must keep
        # their buttons whole down to the window's minimum width (900 px).
        layout.setContentsMargins(24, 24, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(choices)
        layout.addLayout(body, 1)

        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.scanner_timer = QTimer(self)
        self.scanner_timer.setInterval(SCANNER_POLL_MS)
        self.scanner_timer.timeout.connect(self._poll_scanner)
        self._shortcuts()
        self.retranslate()
        self._update_actions()

    def _shortcuts(self) -> None:
        # Window-wide, but only while this page is visible (Qt ignores shortcuts of hidden
        # widgets). A line edit keeps Space for typing. Bound methods only.
        for keys, slot in (("Space", self.capture_now), ("Ctrl+O", self.import_file),
                           ("Ctrl+Return", self.confirm), ("Ctrl+Enter", self.confirm),
                           ("Escape", self.retake)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setObjectName(f"capture:{keys}")
            shortcut.activated.connect(slot)

    # --- choices ---------------------------------------------------------------------------

    def kind(self) -> DocKind:
        return DocKind(self.kind_combo.currentData())

    def set_kind(self, kind: DocKind) -> None:
        """The next document to read (the wizard moves on from the ID card's photo side
        to its emblem side by itself)."""
        index = self.kind_combo.findData(kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def source(self) -> str | int:
        return self.source_combo.currentData()

    def _preselect_source(self, wanted: str) -> None:
        if not wanted:
            return
        if wanted.isdigit():
            device = int(wanted)
            index = self.source_combo.findData(device)
            if index < 0:
                index = self.source_combo.count() - 1
                self.source_combo.insertItem(index, "", device)
        else:
            index = self._add_file_source(wanted)
        self.source_combo.setCurrentIndex(index)
        self._source_index = index

    def _add_file_source(self, path: str) -> int:
        index = self.source_combo.findData(path)
        if index < 0:
            index = self.source_combo.count() - 1
            self.source_combo.insertItem(index, Path(path).name, path)
            self.source_combo.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        return index

    def _kind_changed(self, _index: int) -> None:
        if self.worker is not None:
            self.worker.set_kind(self.kind())

    def _source_changed(self, index: int) -> None:
        if self.source_combo.itemData(index) == CHOOSE_FILE:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Video or image standing in for the camera"), "",
                self.tr("Videos and images ({0})").format(VIDEO_FILTER_SUFFIXES))
            self.source_combo.blockSignals(True)
            index = self._add_file_source(path) if path else self._source_index
            self.source_combo.setCurrentIndex(index)
            self.source_combo.blockSignals(False)
            if not path:
                return
        self._source_index = index
        if self.isVisible():
            self.stop_camera()
            self.start_camera()

    # --- camera ----------------------------------------------------------------------------

    def start_camera(self) -> None:
        if self.worker is not None:
            return
        self.camera_error = None
        self.camera_problem.hide()
        self._preview_message(self.tr("Starting the camera…"))
        worker = CameraWorker(self.services.intake, self.source(), self.kind(), self)
        worker.frame.connect(self._frame)
        worker.captured.connect(self._captured)
        worker.failed.connect(self._camera_failed)
        self.worker = worker
        # Below the UI thread where the OS honours it (Windows): the window comes first.
        worker.start(QThread.Priority.LowPriority)
        self._update_actions()

    def stop_camera(self) -> None:
        worker, self.worker = self.worker, None
        if worker is None:
            return
        worker.stop()
        self._update_actions()
        # Frames it queued before ending are ignored: they come from a worker that is
        # no longer `self.worker` (Qt's sender() is None once it is deleted).
        worker.deleteLater()

    def shutdown(self) -> None:
        """The window closes or locks: no thread, no polling survives it."""
        self.stop_camera()
        self.scanner_timer.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start_camera()
        if self.scanner is not None:
            self.scanner_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def _from_current_worker(self) -> bool:
        return self.worker is not None and self.sender() is self.worker

    def _frame(self, frame: PreviewFrame) -> None:
        if not self._from_current_worker():
            return
        if self.still is not None:
            return  # a file's document is on screen until it is confirmed or retaken
        self.preview.show_frame(frame, self._banner(frame.hint))
        if frame.captured is not None and self.armed and not self.busy:
            self._read(functools.partial(self.services.intake.read_card, frame.captured,
                                         self.kind(), frame.views))

    def _banner(self, hint: str | None) -> str:
        if self.busy:
            return self.tr("Captured: reading…")
        if not self.armed:
            return self.tr("Captured: check the fields")
        return hint_text(hint)

    def _captured(self, found: object) -> None:
        """The manual capture's (card, views) from CameraSession.capture_now, or None."""
        if not self._from_current_worker() or self.busy:
            return
        if found is None:
            self._show_status("no_document")
            return
        card, views = found
        self._read(functools.partial(self.services.intake.read_card, card, self.kind(),
                                     views))

    def _camera_failed(self, message: str) -> None:
        worker = self.sender()
        if not self._from_current_worker():
            return
        self.camera_error = getattr(worker, "error", None)
        self._preview_message(self.tr("No picture from the camera"))
        self.camera_problem.setText(message)
        self.camera_problem.show()
        self.stop_camera()
        self._update_actions()

    # --- reading ---------------------------------------------------------------------------

    def capture_now(self) -> None:
        if self.busy or self.worker is None:
            return
        self.worker.request_capture()

    def import_file(self) -> None:
        if self.busy:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a document image or scan"), "",
            self.tr("Images and PDF scans ({0})").format(IMAGE_FILTER_SUFFIXES))
        if path:
            self.read_file(Path(path))

    def read_file(self, path: Path) -> None:
        self._read(functools.partial(self.services.intake.read_file_shown, path, self.kind()))

    def _read(self, fn) -> None:
        self.armed = False
        self.busy = True
        self.busy_loading = not self.services.intake.engine_ready
        self.problem = None
        self._show_status("loading" if self.busy_loading else "reading")
        self.preview.set_banner(self._banner(None))
        self._update_actions()
        run_in_background(fn, self._read_done, self._read_failed)

    def _read_done(self, result) -> None:
        self.busy = False
        if isinstance(result, tuple):  # read from a file: its picture replaces the camera's
            result, self.still = result
            self.preview.show_frame(self.still, "")
        else:  # read from the camera: its picture again
            self._leave_still()
        self.result = result
        self.reads += 1
        self._fill(result)
        self._show_status("read", round(result.elapsed_ms))
        self.preview.set_banner(self._banner(None))
        self._update_actions()

    def _leave_still(self) -> None:
        """Back to the camera's picture after a file's document; with no camera running,
        to what the preview says without one."""
        if self.still is None:
            return
        self.still = None
        if self.worker is None:
            self.preview.show_message(self.tr("No picture from the camera")
                                      if self.camera_error is not None else "")

    def _preview_message(self, message: str) -> None:
        """A message in the preview, unless a file's document is on show there: the
        document stays (the camera's state is said beside it, in the camera line)."""
        if self.still is not None:
            self.preview.show_frame(self.still, self._banner(None))
        else:
            self.preview.show_message(message)

    def _read_failed(self, error: Exception) -> None:
        log.warning("document read failed: %s", type(error).__name__)
        self.busy = False
        self.armed = True
        self.problem = error
        self._show_status("problem")
        self._update_actions()

    # --- the form --------------------------------------------------------------------------

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.rows = {}

    def _fill(self, result) -> None:
        self._clear_form()
        document = result.document
        for key, read in document.fields.items():
            row = FieldRow(key, read.value, read.confidence, read.problems, self._update_actions)
            self.rows[key] = row
            self.form.addRow(row.label, row.widget)
        self.shown_kind = document.doc_type
        self.result_kind.setText(kind_text(document.doc_type))
        self.empty_form.hide()
        first = next((r for r in self.rows.values() if r.highlighted), None)
        if first is not None and self.isVisible():
            first.edit.setFocus()

    def unresolved(self) -> list[str]:
        return [key for key, row in self.rows.items() if row.highlighted]

    def _update_actions(self) -> None:
        waiting = self.unresolved() if self.result is not None else []
        self.confirm_button.setEnabled(self.result is not None and not self.busy and not waiting)
        self.retake_button.setEnabled(not self.busy)
        self.capture_button.setEnabled(not self.busy and self.worker is not None)
        self.import_button.setEnabled(not self.busy)
        if waiting:
            self.attention.setText(self.tr("{0} field(s) to check against the document: correct them or click ✓.").format(len(waiting)))
        self.attention.setVisible(bool(waiting))

    # --- decisions -------------------------------------------------------------------------

    def confirm(self) -> None:
        if self.result is None or self.busy or self.unresolved():
            return
        result = self.result
        values: dict[str, str] = {}
        for key, row in self.rows.items():
            text = row.value()
            if row.read_value is None and not text:
                continue  # nothing read, nothing typed: leave it unset
            values[key] = text
        self.confirming = (str(result.document.doc_type.value), dict(values))
        self.busy = True
        self.busy_loading = False
        if self.confirm_button.hasFocus():
            self.setFocus()  # keep the keyboard on this page while the button is disabled
        self._show_status("saving")
        self._update_actions()
        run_in_background(
            functools.partial(self.services.intake.confirm, self.user, result.document,
                              result.card, values, application_id=self.application_id),
            self._confirmed, self._confirm_failed)

    def _confirmed(self, document_id: str) -> None:
        self.busy = False
        self.result = None
        for row in self.rows.values():
            row.set_read_only(True)
        self._show_status("saved")
        self.armed = True  # the next document is captured as soon as it is in view
        self._leave_still()
        self._update_actions()
        self.document_saved.emit(document_id)
        kind, values = getattr(self, "confirming", ("", {}))
        self.document_confirmed.emit(kind, values)
        self._next_scan()

    def _confirm_failed(self, error: Exception) -> None:
        self.busy = False
        self.problem = error
        self._show_status("not_saved")
        self._update_actions()

    def retake(self) -> None:
        """Drop what was read (nothing is saved) and capture again."""
        if self.busy:
            return
        self.result = None
        self._clear_form()
        self.shown_kind = None
        self.result_kind.setText("")
        self.empty_form.show()
        self.problem = None
        self._show_status("")
        self.armed = True
        self._leave_still()
        if self.worker is not None:
            self.worker.rearm()
        self._update_actions()
        self._next_scan()

    # --- scanner folder ----------------------------------------------------------------------

    def choose_scanner_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Folder the scanner saves into"),
            str(self.scanner_folder or ""))
        if not folder:
            return
        self.scanner_folder = Path(folder)
        self.scanner = None
        self.scan_queue.clear()
        self._show_scanner()
        # Listing the folder (maybe on a network share) happens on a worker.
        run_in_background(functools.partial(ScannerFolder, Path(folder)), self._scanner_ready,
                          self._scanner_failed)

    def _scanner_ready(self, scanner: ScannerFolder) -> None:
        if scanner.folder != self.scanner_folder:
            return  # another folder was chosen meanwhile
        self.scanner = scanner
        if self.isVisible():
            self.scanner_timer.start()

    def _scanner_failed(self, error: Exception) -> None:
        self.problem = error
        self._show_status("problem")

    def _poll_scanner(self) -> None:
        if self.scanner is None or self.polling:
            return
        self.polling = True
        run_in_background(self.scanner.new_files, self._scanned, self._scan_poll_failed)

    def _scanned(self, files: list[Path]) -> None:
        self.polling = False
        self.scan_queue.extend(files)
        self._show_scanner()
        self._next_scan()

    def _scan_poll_failed(self, error: Exception) -> None:
        self.polling = False
        log.warning("scanner folder not readable: %s", type(error).__name__)

    def _next_scan(self) -> None:
        if self.scan_queue and not self.busy and self.result is None:
            self.read_file(self.scan_queue.pop(0))
            self._show_scanner()

    def _show_scanner(self) -> None:
        if self.scanner_folder is None:
            self.scanner_label.hide()
            return
        text = self.tr("Scanner folder: {0}. New scans are read one by one.").format(str(self.scanner_folder))
        if self.scan_queue:
            text += " " + self.tr("{0} waiting.").format(len(self.scan_queue))
        self.scanner_label.setText(text)
        self.scanner_label.show()

    # --- text ----------------------------------------------------------------------------------

    def _show_status(self, kind: str, *args) -> None:
        self.status_kind, self.status_args = kind, args
        texts = {
            "": ("", "#57606a"),
            "loading": (self.tr("Loading the OCR models…"), "#57606a"),
            "reading": (self.tr("Reading…"), "#57606a"),
            "saving": (self.tr("Saving…"), "#57606a"),
            "no_document": (self.tr("No document found in the picture: lay it flat, fully in view, and try again."), RED),
        }
        if kind in texts:
            text, colour = texts[kind]
        elif kind == "read":
            text, colour = self.tr("Read in {0} ms").format(args[0]), "#57606a"
        elif kind == "saved":
            text, colour = self.tr("Saved. Lay the next document under the camera."), GREEN
        elif kind == "not_saved":
            text = self.tr("Not saved: {0}").format(intake_problem(self.problem)) if self.problem else ""
            colour = RED
        else:  # "problem"
            text, colour = (intake_problem(self.problem) if self.problem else ""), RED
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setVisible(bool(text))
        self.busy_bar.setVisible(kind in ("loading", "reading", "saving"))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Documents"))
        self.subtitle.setText(self.tr("Lay the document under the camera: it is taken as soon as it is sharp and still. Check what was read, then confirm (Ctrl+Enter); the next document the customer needs comes up by itself."))
        self.kind_label.setText(self.tr("Document:"))
        self.source_label.setText(self.tr("Source:"))
        for i in range(self.kind_combo.count()):
            self.kind_combo.setItemText(i, kind_text(DocKind(self.kind_combo.itemData(i))))
        for i in range(self.source_combo.count()):
            data = self.source_combo.itemData(i)
            if data == CHOOSE_FILE:
                self.source_combo.setItemText(i, self.tr("Video or image file…"))
            elif isinstance(data, int):
                self.source_combo.setItemText(i, self.tr("Camera {0}").format(data + 1))
        self.capture_button.setText(self.tr("Capture now (Space)"))
        self.import_button.setText(self.tr("Import file… (Ctrl+O)"))
        self.scanner_button.setText(self.tr("Scanner folder…"))
        self.retake_button.setText(self.tr("Retake (Esc)"))
        self.confirm_button.setText(self.tr("Confirm document (Ctrl+Enter)"))
        self.result_box.setTitle(self.tr("Read from the document"))
        self.empty_form.setText(self.tr("What is read from the document appears here, field by field, with how sure the reading is. Doubtful fields are highlighted until you correct or confirm them."))
        self.result_kind.setText(kind_text(self.shown_kind) if self.shown_kind else "")
        for row in self.rows.values():
            row.retranslate()
        if self.camera_error is not None:
            self.camera_problem.setText(intake_problem(self.camera_error))
            self._preview_message(self.tr("No picture from the camera"))
        elif self.worker is not None and self.preview.image is None:
            self._preview_message(self.tr("Starting the camera…"))
        self.preview.set_banner(self._banner(self.preview.hint))
        self._show_status(self.status_kind, *self.status_args)
        self._show_scanner()
        self._update_actions()
