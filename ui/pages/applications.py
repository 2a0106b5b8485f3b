"""Applications: every application of the desk, searchable, with its status timeline,
the lessor's reasons and conditions, and the actions it allows (withdraw, requote,
sign the contract on screen)."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import ApplicationStatus
from showroom_app.domain.models import ApplicationSummary, User
from showroom_app.domain.money import Money
from showroom_app.services.app import DeskServices
from showroom_app.services.applications import ApplicationDetail, ContractTerms
from showroom_app.services.customers import PiiField
from ui.errors import describe
from ui.signature_pad import SignaturePad
from ui.style import STATUS_STYLE, status_color, status_label, status_text
from ui.widgets import Retranslatable, list_table, run_in_background

try:  # QtPdf ships in its own wheel (pyside6-pdf); without it the contract is described
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the installation
    QPdfDocument = None  # type: ignore[assignment,misc]
    QPdfView = None  # type: ignore[assignment,misc]

S = ApplicationStatus
# The timeline's steps; "decision" stands for approved, conditional or declined.
STEPS = ("draft", "queued", "submitted", "in_review", "decision", "contract_ready", "signed",
         "funded")
DECISIONS = (S.APPROVED, S.CONDITIONAL, S.DECLINED)
REACHED = {S.DRAFT: 0, S.QUEUED: 1, S.SUBMITTED: 2, S.IN_REVIEW: 3, S.APPROVED: 4,
           S.CONDITIONAL: 4, S.DECLINED: 4, S.CONTRACT_READY: 5, S.SIGNED: 6, S.FUNDED: 7}
GREY = "#8c959f"
ANY_DAY = QDate(2000, 1, 1)  # the date boxes' "any" value


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return QLocale().toString(moment.astimezone().replace(tzinfo=None),
                              QLocale.FormatType.ShortFormat)


def percent(rate: Decimal | None) -> str:
    return "–" if rate is None else f"{rate * 100:.2f}%"


class ApplicationsPage(Retranslatable, QWidget):
    # A conditional approval was answered with new figures: the main window sends them.
    requote_requested = Signal(str)
    # A draft goes on in the new-application wizard, where it was left.
    resume_requested = Signal(str)

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.rows: list[ApplicationSummary] = []
        self.detail: ApplicationDetail | None = None
        self.terms: ContractTerms | None = None
        self.revealed: dict[str, str] = {}
        self.loaded = False
        self.loading = False
        self.pending_search = False
        self.problem: str | None = None
        self.notice: str | None = None
        self.signing_busy = False

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)

        # --- filters
        self.search = QLineEdit()
        self.search.setObjectName("applicationSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(300)
        self.debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.debounce.start)
        self.search.returnPressed.connect(self.refresh)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("", None)
        for status in ApplicationStatus:
            self.status_filter.addItem("", status.value)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.date_from = self._date_box("dateFrom")
        self.date_to = self._date_box("dateTo")
        self.from_label = QLabel()
        self.to_label = QLabel()
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("hintText")
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.from_label)
        filters.addWidget(self.date_from)
        filters.addWidget(self.to_label)
        filters.addWidget(self.date_to)
        filters.addWidget(self.reset_button)

        # --- the list
        self.table = list_table(6, "applicationsTable")
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.count_label)

        # --- the detail
        self.detail_box = QWidget()
        self.detail_box.setObjectName("applicationDetail")
        d = QVBoxLayout(self.detail_box)
        d.setContentsMargins(14, 10, 14, 10)
        d.setSpacing(8)
        self.head = QLabel()
        self.head.setObjectName("detailHead")
        self.head.setWordWrap(True)
        self.head.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setObjectName("detailFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.reveal_id = QPushButton()
        self.reveal_id.setObjectName("revealIdNumber")
        self.reveal_id.clicked.connect(self._reveal_clicked)
        self.reveal_phone = QPushButton()
        self.reveal_phone.setObjectName("revealPhone")
        self.reveal_phone.clicked.connect(self._reveal_clicked)
        reveal_row = QHBoxLayout()
        reveal_row.addWidget(self.reveal_id)
        reveal_row.addWidget(self.reveal_phone)
        reveal_row.addStretch(1)
        self.timeline_title = QLabel()
        self.timeline_title.setObjectName("sectionTitle")
        self.timeline = QFrame()
        self.timeline.setObjectName("timeline")
        self.timeline_grid = QGridLayout(self.timeline)
        self.timeline_grid.setContentsMargins(0, 0, 0, 0)
        self.timeline_grid.setHorizontalSpacing(10)
        self.timeline_grid.setVerticalSpacing(2)
        self.central_text = QLabel()
        self.central_text.setObjectName("centralWord")
        self.central_text.setWordWrap(True)
        self.central_text.setTextFormat(Qt.TextFormat.RichText)
        self.prescore_text = QLabel()
        self.prescore_text.setObjectName("storedPrescore")
        self.prescore_text.setWordWrap(True)
        self.prescore_text.setTextFormat(Qt.TextFormat.RichText)
        self.promotions_text = QLabel()
        self.promotions_text.setObjectName("appliedPromotions")
        self.promotions_text.setWordWrap(True)
        self.promotions_text.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel()
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)
        self.withdraw_button = QPushButton()
        self.withdraw_button.setObjectName("withdrawButton")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.requote_button = QPushButton()
        self.requote_button.setObjectName("requoteButton")
        self.requote_button.clicked.connect(self._requote)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.clicked.connect(self._resume)
        self.signed_button = QPushButton()
        self.signed_button.setObjectName("signedContractButton")
        self.signed_button.clicked.connect(self.open_signed_contract)
        self.sign_button = QPushButton()
        self.sign_button.setObjectName("primary")
        self.sign_button.setAccessibleName("signContract")
        self.sign_button.clicked.connect(self.open_signing)
        actions = QHBoxLayout()
        actions.addWidget(self.withdraw_button)
        actions.addStretch(1)
        actions.addWidget(self.requote_button)
        actions.addWidget(self.resume_button)
        actions.addWidget(self.signed_button)
        actions.addWidget(self.sign_button)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("hintText")
        self.empty_hint.setWordWrap(True)
        d.addWidget(self.empty_hint)
        d.addWidget(self.head)
        d.addWidget(self.facts)
        d.addLayout(reveal_row)
        d.addWidget(self.timeline_title)
        d.addWidget(self.timeline)
        d.addWidget(self.central_text)
        d.addWidget(self.prescore_text)
        d.addWidget(self.promotions_text)
        d.addStretch(1)
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail_scroll.setWidget(self.detail_box)
        self.detail_scroll.setMinimumWidth(380)
        detail_pane = QWidget()
        dp = QVBoxLayout(detail_pane)
        dp.setContentsMargins(0, 0, 0, 0)
        dp.addWidget(self.detail_scroll, 1)
        dp.addWidget(self.message)
        dp.addLayout(actions)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(detail_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([640, 440])  # the list gets the room; the detail scrolls

        browse = QWidget()
        b = QVBoxLayout(browse)
        b.setContentsMargins(0, 0, 0, 0)
        b.addLayout(filters)
        b.addWidget(self.splitter, 1)

        self.signing = SigningView(self)
        self.stack = QStackedWidget()
        self.stack.addWidget(browse)
        self.stack.addWidget(self.signing)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.stack, 1)

        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.close_signing)
        self.retranslate()

    def _date_box(self, name: str) -> QDateEdit:
        box = QDateEdit()
        box.setObjectName(name)
        box.setCalendarPopup(True)
        box.setMinimumDate(ANY_DAY)
        box.setDate(ANY_DAY)
        box.setDisplayFormat("yyyy-MM-dd")
        box.dateChanged.connect(self.refresh)
        return box

    # --- the list -----------------------------------------------------------------------

    def focus_search(self) -> None:
        """Ctrl+F: back to the list, the search box selected to type over."""
        self.close_signing()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def reset_filters(self) -> None:
        for widget in (self.search, self.status_filter, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.search.clear()
        self.status_filter.setCurrentIndex(0)
        self.date_from.setDate(ANY_DAY)
        self.date_to.setDate(ANY_DAY)
        for widget in (self.search, self.status_filter, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loading:
            self.refresh()

    def filters(self) -> dict[str, Any]:
        status = self.status_filter.currentData()
        start, end = self.date_from.date(), self.date_to.date()
        return {
            "text": self.search.text().strip(),
            "statuses": (ApplicationStatus(status),) if status else None,
            "date_from": None if start == ANY_DAY else start.toPython(),
            "date_to": None if end == ANY_DAY else end.toPython(),
        }

    def refresh(self) -> None:
        """The search runs on a worker (names are opened to compare); one at a time, the
        latest filters win."""
        self.debounce.stop()
        if self.loading:
            self.pending_search = True
            return
        self.loading = True
        self.pending_search = False
        job = functools.partial(self.services.applications.search, self.user, **self.filters())
        run_in_background(job, self._found, self._search_failed)

    def _found(self, rows: list[ApplicationSummary]) -> None:
        self.loading = False
        self.loaded = True
        self.problem = None
        self.rows = rows
        self._fill_table()
        self._show_count()
        if self.pending_search:
            self.refresh()

    def _search_failed(self, error: Exception) -> None:
        self.loading = False
        self.problem = describe(error)
        self._show_count()
        if self.pending_search:
            self.refresh()

    def _show_count(self) -> None:
        if self.problem:
            self.count_label.setText(self.tr("The search failed: {0}").format(self.problem))
        elif not self.loaded:
            self.count_label.setText(self.tr("Loading…"))
        elif not self.rows:
            self.count_label.setText(self.tr("No application matches."))
        else:
            self.count_label.setText(self.tr("{0} applications").format(len(self.rows)))

    def _fill_table(self) -> None:
        selected = self.detail.id if self.detail else None
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        select_row = -1
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, app in enumerate(self.rows):
            reference = QTableWidgetItem(app.reference)
            reference.setData(Qt.ItemDataRole.UserRole, app.id)
            money = QTableWidgetItem(app.financed_amount.format())
            money.setTextAlignment(right)
            status = QTableWidgetItem(status_text(app.status))
            status.setForeground(QBrush(status_color(app.status)))
            cells = [reference, QTableWidgetItem(app.customer_masked_name),
                     QTableWidgetItem(app.vehicle), money, status,
                     QTableWidgetItem(when(app.updated_at))]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
            if app.id == selected:
                select_row = r
        if select_row >= 0:
            self.table.selectRow(select_row)
        self.table.blockSignals(False)

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        app_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self.show_application(app_id)

    def select_application(self, app_id: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == app_id:
                self.table.selectRow(r)
                return

    # --- the detail -----------------------------------------------------------------------

    def show_application(self, app_id: str) -> None:
        if self.detail is None or self.detail.id != app_id:
            self.revealed.clear()
            self.notice = None
        job = functools.partial(self.services.applications.detail, self.user, app_id)
        run_in_background(job, self._detail_loaded, self._action_failed)

    def _detail_loaded(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        self._show_detail()

    @property
    def english(self) -> bool:
        return not self.services.settings.language.startswith("zh")

    def _words(self, item: dict[str, Any]) -> str:
        return str(item.get("en" if self.english else "zh") or item.get("code") or "")

    def _show_detail(self) -> None:
        d = self.detail
        shown = d is not None
        for widget in (self.head, self.facts, self.timeline_title, self.timeline,
                       self.reveal_id, self.reveal_phone):
            widget.setVisible(shown)
        self.empty_hint.setVisible(not shown)
        if d is None:
            for widget in (self.central_text, self.prescore_text, self.promotions_text,
                           self.withdraw_button, self.requote_button, self.sign_button):
                widget.hide()
            self._show_message()
            return
        colour, glyph = STATUS_STYLE[d.status]
        self.head.setText(
            f"<span style='font-size:17px;font-weight:600'>{escape(d.reference)}</span>"
            f"&nbsp;&nbsp;<span style='color:{colour};font-size:15px;font-weight:600'>"
            f"{glyph} {escape(status_label(d.status))}</span>")
        c = d.customer
        id_number = self.revealed.get(PiiField.ID_NUMBER.value) or (c.id_number if c else "")
        phone = self.revealed.get(PiiField.PHONE.value) or (c.phone if c else "")
        rows = [
            (self.tr("Customer"), c.name if c else "–"),
            (self.tr("ID number"), id_number or "–"),
            (self.tr("Phone"), phone or "–"),
            (self.tr("Vehicle"), d.vehicle or "–"),
            (self.tr("VIN"), d.vin or "–"),
            (self.tr("Price"), d.vehicle_price.format()),
            (self.tr("Down payment"), d.down_payment.format()),
            (self.tr("Financed"), d.financed_amount.format()),
            (self.tr("Term"), self.tr("{0} months").format(d.term_months)),
            (self.tr("Consultant"), d.consultant),
        ]
        money_rows = {self.tr("Price"), self.tr("Down payment"), self.tr("Financed")}
        cells = "".join(
            f"<tr><td style='color:#57606a;padding-right:12px'>{escape(k)}</td>"
            f"<td align='{'right' if k in money_rows else 'left'}'>{escape(str(v))}</td></tr>"
            for k, v in rows)
        self.facts.setText(f"<table cellspacing='0' cellpadding='1'>{cells}</table>")
        has_customer = c is not None
        self.reveal_id.setVisible(has_customer and PiiField.ID_NUMBER.value not in self.revealed
                                  and bool(c and c.id_number))
        self.reveal_phone.setVisible(has_customer and PiiField.PHONE.value not in self.revealed
                                     and bool(c and c.phone))
        self._show_timeline(d)
        self._show_central(d)
        self._show_prescore(d)
        self._show_promotions(d)
        self.withdraw_button.setVisible(d.withdrawable)
        self.requote_button.setVisible(d.status is S.CONDITIONAL)
        self.requote_button.setEnabled(d.requotable)
        self.resume_button.setVisible(d.status is S.DRAFT)
        self.signed_button.setVisible(d.has_signed_pdf)
        self.sign_button.setVisible(d.status is S.CONTRACT_READY)
        self.sign_button.setEnabled(d.signable and d.has_contract_pdf)
        self._show_message()

    def _show_message(self) -> None:
        d = self.detail
        text, colour = self.notice or "", "#1a7f37"
        if d is not None and not text:
            if d.status is S.CONDITIONAL and not d.requotable:
                text = self.tr("The new figures are queued: they leave with the next sync "
                               "and the lessor decides again.")
            elif d.status is S.CONTRACT_READY and d.signature_queued:
                text = self.tr("The signature is queued: it leaves with the next sync, and "
                               "the signed contract comes back by itself.")
            elif d.status is S.CONTRACT_READY and not d.has_contract_pdf:
                text = self.tr("The contract is ready at the lessor but not yet on this "
                               "desk: it arrives with the next sync.")
                colour = "#9a6700"
            elif "withdraw_application" in d.pending_outbox:
                text = self.tr("The withdrawal is queued and leaves with the next sync.")
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setVisible(bool(text))

    def _step_label(self, step: str, d: ApplicationDetail) -> tuple[str, str, str]:
        """(glyph, words, colour) of one timeline step."""
        if step == "decision":
            if d.status in DECISIONS:
                status = d.status
            elif REACHED.get(d.status, -1) > 4:
                status = S.APPROVED
            else:
                return "◇", self.tr("Decision"), GREY
            colour, glyph = STATUS_STYLE[status]
            return glyph, self.tr("Decision: {0}").format(status_label(status)), colour
        status = ApplicationStatus(step)
        colour, glyph = STATUS_STYLE[status]
        return glyph, status_label(status), colour

    def _show_timeline(self, d: ApplicationDetail) -> None:
        while self.timeline_grid.count():
            item = self.timeline_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        reached = REACHED.get(d.status, -1)
        if d.status is S.WITHDRAWN:
            reached = 1 if d.submitted_at else 0
        central_at = None
        if d.central and d.central.get("at"):
            try:
                central_at = datetime.fromisoformat(str(d.central["at"]))
            except ValueError:
                central_at = None
        dates: dict[str, datetime | None] = {
            "draft": d.created_at, "queued": d.submitted_at, "decision": d.decided_at,
            "signed": d.signed_at, "funded": d.funded_at,
        }
        if central_at is not None and STEPS[reached] in ("submitted", "in_review",
                                                          "contract_ready"):
            dates[STEPS[reached]] = central_at
        stopped = d.status in (S.DECLINED, S.WITHDRAWN)
        row = 0
        for i, step in enumerate(STEPS):
            glyph, words, colour = self._step_label(step, d)
            done = i <= reached
            if not done:
                colour = GREY
            icon = QLabel(glyph)
            icon.setFixedWidth(22)
            icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
            icon.setStyleSheet(f"color:{colour}; font-size:15px; font-weight:700;")
            name = QLabel(words)
            weight = "600" if i == reached else "400"
            name.setStyleSheet(f"color:{colour if done else GREY}; font-weight:{weight};")
            date = QLabel(when(dates.get(step)) if done else "")
            date.setObjectName("hintText")
            date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.timeline_grid.addWidget(icon, row, 0)
            self.timeline_grid.addWidget(name, row, 1)
            self.timeline_grid.addWidget(date, row, 2)
            row += 1
            if stopped and i == reached:
                break
        if d.status is S.WITHDRAWN:
            colour, glyph = STATUS_STYLE[S.WITHDRAWN]
            icon = QLabel(glyph)
            icon.setFixedWidth(22)
            icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
            icon.setStyleSheet(f"color:{colour}; font-size:15px; font-weight:700;")
            name = QLabel(status_label(S.WITHDRAWN))
            name.setStyleSheet(f"color:{colour}; font-weight:600;")
            date = QLabel(when(d.updated_at))
            date.setObjectName("hintText")
            date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.timeline_grid.addWidget(icon, row, 0)
            self.timeline_grid.addWidget(name, row, 1)
            self.timeline_grid.addWidget(date, row, 2)
        self.timeline_grid.setColumnStretch(1, 1)

    def timeline_steps(self) -> list[str]:
        """The timeline's words, top to bottom (for tests and screen readers)."""
        out = []
        for r in range(self.timeline_grid.rowCount()):
            item = self.timeline_grid.itemAtPosition(r, 1)
            if item is not None and item.widget() is not None:
                out.append(item.widget().text())
        return out

    def _show_central(self, d: ApplicationDetail) -> None:
        parts = []
        says, conditions = self.tr("The lessor says"), self.tr("Conditions")
        if d.reasons:
            parts.append(f"<b>{escape(says)}</b><ul style='margin:0'>"
                         + "".join(f"<li>{escape(self._words(r))}</li>" for r in d.reasons)
                         + "</ul>")
        if d.conditions:
            items = []
            for c in d.conditions:
                value = str(c.get("value") or "")
                text = escape(self._words(c)) + (f" ({escape(value)})" if value else "")
                items.append(f"<li>{text}</li>")
            parts.append(f"<b style='color:#bc4c00'>{escape(conditions)}</b>"
                         f"<ul style='margin:0'>{''.join(items)}</ul>")
        if d.status is S.CONDITIONAL:
            parts.append(escape(self.tr("Requote to meet the conditions (e.g. a higher down "
                                        "payment), then submit again.")))
        self.central_text.setText("".join(parts))
        self.central_text.setVisible(bool(parts))

    def _show_prescore(self, d: ApplicationDetail) -> None:
        p = d.prescore
        if not p:
            self.prescore_text.hide()
            return
        verdicts = {"likely_approve": self.tr("Likely approve"),
                    "likely_decline": self.tr("Likely decline")}
        verdict = verdicts.get(str(p.get("decision")), self.tr("Refer to a person"))
        pd = p.get("pd")
        line = self.tr("Pre-score at the desk: band {0}, {1}").format(p.get("band", "?"), verdict)
        if pd is not None:
            line += " · " + self.tr("PD {0}").format(f"{float(pd) * 100:.1f}%")
        advisory = self.tr("Advisory only: the lessor decides.")
        reasons = [r for r in p.get("reasons") or [] if isinstance(r, dict)][:3]
        extra = "".join(f"<li>{escape(self._words(r))}</li>" for r in reasons)
        self.prescore_text.setText(f"<b>{escape(line)}</b>"
                                   + (f"<ul style='margin:0'>{extra}</ul>" if extra else "")
                                   + f"<span style='color:#57606a'>"
                                     f"{escape(advisory)}"
                                     f"</span>")
        self.prescore_text.show()

    def _show_promotions(self, d: ApplicationDetail) -> None:
        if not d.promotions:
            self.promotions_text.hide()
            return
        items = []
        for p in d.promotions:
            name = p.get("name_en" if self.english else "name_zh") or p.get("code", "")
            cost = int(p.get("cost_fen") or 0)
            suffix = ""
            if cost:
                suffix = " · " + self.tr("costs the funder {0}").format(Money(cost).format())
            items.append(f"<li>{escape(str(name))}{escape(suffix)}</li>")
        applied = self.tr("Promotions applied")
        self.promotions_text.setText(f"<b>{escape(applied)}</b>"
                                     f"<ul style='margin:0'>{''.join(items)}</ul>")
        self.promotions_text.show()

    # --- actions ------------------------------------------------------------------------

    def _reveal_clicked(self) -> None:
        field = PiiField.ID_NUMBER if self.sender() is self.reveal_id else PiiField.PHONE
        self.reveal(field)

    def reveal(self, field: PiiField) -> None:
        """A deliberate click shows one field in clear; the audit log says who saw it."""
        d = self.detail
        if d is None or d.customer is None:
            return
        try:
            value = self.services.customers.reveal(self.user, d.customer.id, field)
        except Exception as exc:
            self._action_failed(exc)
            return
        self.revealed[field.value] = value or ""
        self._show_detail()

    def ask_withdraw_reason(self) -> str | None:
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("Withdraw the application"),
            self.tr("Why is the application withdrawn? The lessor sees this reason."))
        return text.strip() if ok and text.strip() else None

    def withdraw(self) -> None:
        d = self.detail
        if d is None or not d.withdrawable:
            return
        reason = self.ask_withdraw_reason()
        if not reason:
            return
        job = functools.partial(self.services.applications.withdraw, self.user, d.id, reason)
        run_in_background(job, self._withdrawn, self._action_failed)

    def _withdrawn(self, _key: str) -> None:
        self.notice = self.tr("Withdrawn. The withdrawal leaves with the next sync.")
        self._after_action()

    def _after_action(self) -> None:
        if self.detail is not None:
            self.show_application(self.detail.id)
        self.refresh()

    def _action_failed(self, error: Exception) -> None:
        self.message.setText(describe(error))
        self.message.setStyleSheet("color: #cf222e;")
        self.message.show()

    def _requote(self) -> None:
        """A conditional approval answered with new figures, in a dialog; the lessor
        decides again when they arrive."""
        d = self.detail
        if d is None or not d.requotable:
            return
        from ui.dialogs.requote import RequoteDialog

        dialog = RequoteDialog(self.services, self.user, d, self)
        if dialog.exec() == RequoteDialog.DialogCode.Accepted:
            self.notice = self.tr("Resubmitted with the new figures: the lessor decides "
                                  "again as soon as they arrive.")
            self.requote_requested.emit(d.id)
            self._after_action()
        dialog.deleteLater()

    def _resume(self) -> None:
        if self.detail is not None and self.detail.status is S.DRAFT:
            self.resume_requested.emit(self.detail.id)

    def open_signed_contract(self) -> None:
        d = self.detail
        if d is None or not d.has_signed_pdf:
            return
        job = functools.partial(self.services.applications.contract_pdf, self.user, d.id,
                                True)
        run_in_background(job, self._signed_loaded, self._action_failed)

    def _signed_loaded(self, pdf: bytes | None) -> None:
        d = self.detail
        if pdf is None or d is None:
            self._action_failed(RuntimeError(self.tr("The signed contract is not on this "
                                                     "desk yet.")))
            return
        from ui.dialogs.contract_view import ContractViewDialog

        self.contract_dialog = ContractViewDialog(d.reference, pdf, self,
                                                  self._contract_exported)
        self.contract_dialog.finished.connect(self._contract_closed)
        self.contract_dialog.open()

    def _contract_exported(self, how: str) -> None:
        d = self.detail
        if d is not None:
            run_in_background(functools.partial(self.services.applications.contract_exported,
                                                self.user, d.id, how),
                              self._export_recorded, self._action_failed)

    def _export_recorded(self, _result: object) -> None:
        """Nothing to show: the audit log has it."""

    def _contract_closed(self, _result: int) -> None:
        dialog = getattr(self, "contract_dialog", None)
        self.contract_dialog = None
        if dialog is not None:
            dialog.deleteLater()

    # --- signing ------------------------------------------------------------------------

    def open_signing(self) -> None:
        d = self.detail
        if d is None or not d.signable:
            return
        apps = self.services.applications
        user = self.user

        def job() -> tuple[bytes | None, ContractTerms]:
            return apps.contract_pdf(user, d.id), apps.contract_terms(user, d)

        run_in_background(job, self._contract_loaded, self._action_failed)

    def _contract_loaded(self, result: tuple[bytes | None, ContractTerms]) -> None:
        pdf, terms = result
        if pdf is None or self.detail is None:
            self._action_failed(RuntimeError(self.tr("The contract is not on this desk yet.")))
            return
        self.terms = terms
        self.signing.start(self.detail, terms, pdf)
        self.stack.setCurrentWidget(self.signing)

    def close_signing(self) -> None:
        if self.stack.currentWidget() is self.signing and not self.signing_busy:
            self.signing.finish()
            self.stack.setCurrentIndex(0)

    def confirm_signature(self) -> None:
        d = self.detail
        pad = self.signing.pad
        name = self.signing.signer.text().strip()
        if d is None or self.signing_busy:
            return
        if pad.is_empty():
            self.signing.problem(self.tr("The customer has not signed yet: sign in the white "
                                         "box."))
            return
        if not name:
            self.signing.problem(self.tr("Type the signer's name as on the ID card."))
            self.signing.signer.setFocus()
            return
        png = pad.to_png()
        strokes = [list(s) for s in pad.strokes]
        signed_at = datetime.now().astimezone()
        job = functools.partial(self.services.applications.sign, self.user, d.id, name, png,
                                strokes, signed_at)
        self.signing_busy = True
        self.signing.confirm.setEnabled(False)
        run_in_background(job, self._signed, self._sign_failed)

    def _signed(self, _key: str) -> None:
        self.signing_busy = False
        self.close_signing()
        self.notice = self.tr("Signed on screen. The signature leaves with the next sync; "
                              "the signed contract comes back by itself.")
        self._after_action()

    def _sign_failed(self, error: Exception) -> None:
        self.signing_busy = False
        self.signing.confirm.setEnabled(True)
        self.signing.problem(self.tr("The signature was not kept: {0}").format(describe(error)))

    # --- language -----------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("Applications"))
        self.subtitle.setText(self.tr("Every application of this desk. Personal data is "
                                      "masked; showing it is recorded."))
        self.search.setPlaceholderText(
            self.tr("Search: name, phone tail, ID number, VIN or reference (Ctrl+F)"))
        self.status_filter.setItemText(0, self.tr("All statuses"))
        for i, status in enumerate(ApplicationStatus, start=1):
            self.status_filter.setItemText(i, status_text(status))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to"))
        for box in (self.date_from, self.date_to):
            box.setSpecialValueText(self.tr("any day"))
        self.reset_button.setText(self.tr("Reset"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Reference"), self.tr("Customer"), self.tr("Vehicle"),
            self.tr("Financed"), self.tr("Status"), self.tr("Updated")])
        self.empty_hint.setText(self.tr("Choose an application in the list to see its "
                                        "timeline and what the lessor said."))
        self.timeline_title.setText(self.tr("Timeline"))
        self.reveal_id.setText(self.tr("Show ID number"))
        self.reveal_id.setToolTip(self.tr("Shows the full number; this is recorded in the "
                                          "audit log"))
        self.reveal_phone.setText(self.tr("Show phone"))
        self.reveal_phone.setToolTip(self.reveal_id.toolTip())
        self.withdraw_button.setText(self.tr("Withdraw…"))
        self.requote_button.setText(self.tr("Requote"))
        self.resume_button.setText(self.tr("Continue the draft"))
        self.signed_button.setText(self.tr("Signed contract…"))
        self.sign_button.setText(self.tr("Sign the contract"))
        self._fill_table()
        self._show_count()
        self._show_detail()
        self.signing.retranslate()


class SigningView(Retranslatable, QWidget):
    """The contract on the left, loan-or-lease and APR above it, the pad on the right."""

    def __init__(self, page: ApplicationsPage) -> None:
        super().__init__(page)
        self.page = page
        self.detail: ApplicationDetail | None = None
        self.terms: ContractTerms | None = None
        self.document: Any = None
        self.buffer: QBuffer | None = None

        self.heading = QLabel()
        self.heading.setObjectName("signingHeading")
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.terms_label = QLabel()
        self.terms_label.setObjectName("contractTerms")
        self.terms_label.setWordWrap(True)
        self.terms_label.setTextFormat(Qt.TextFormat.RichText)
        self.terms_label.setStyleSheet("background: #ddf4ff; border: 1px solid #54aeff;"
                                       " border-radius: 6px; padding: 6px 10px;")
        if QPdfView is not None:
            self.viewer: QWidget = QPdfView()
            self.viewer.setPageMode(QPdfView.PageMode.MultiPage)
            self.viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:  # pragma: no cover - depends on the installation
            self.viewer = QLabel()
            self.viewer.setWordWrap(True)
        self.viewer.setObjectName("contractView")
        self.instructions = QLabel()
        self.instructions.setWordWrap(True)
        self.pad = SignaturePad()
        self.pad.setMinimumHeight(160)
        self.pad.changed.connect(self._pad_changed)
        self.undo = QPushButton()
        self.undo.clicked.connect(self.pad.undo)
        self.clear = QPushButton()
        self.clear.clicked.connect(self.pad.clear)
        pad_buttons = QHBoxLayout()
        pad_buttons.addStretch(1)
        pad_buttons.addWidget(self.undo)
        pad_buttons.addWidget(self.clear)
        self.signer_label = QLabel()
        self.signer = QLineEdit()
        self.signer.setObjectName("signerName")
        self.consultant = QLabel()
        self.consultant.setObjectName("hintText")
        self.consultant.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("errorText")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.back = QPushButton()
        self.back.clicked.connect(page.close_signing)
        self.confirm = QPushButton()
        self.confirm.setObjectName("primary")
        self.confirm.clicked.connect(page.confirm_signature)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)

        side = QWidget()
        side.setMinimumWidth(330)
        side.setMaximumWidth(460)
        s = QVBoxLayout(side)
        s.setContentsMargins(12, 0, 0, 0)
        s.addWidget(self.instructions)
        s.addWidget(self.pad, 1)
        s.addLayout(pad_buttons)
        s.addWidget(self.signer_label)
        s.addWidget(self.signer)
        s.addWidget(self.consultant)
        s.addWidget(self.problem_label)
        s.addStretch(0)
        s.addLayout(buttons)

        body = QHBoxLayout()
        body.addWidget(self.viewer, 3)
        body.addWidget(side, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.terms_label)
        layout.addLayout(body, 1)
        self.retranslate()

    def start(self, detail: ApplicationDetail, terms: ContractTerms, pdf: bytes) -> None:
        self.detail, self.terms = detail, terms
        self.pad.clear()
        self.signer.clear()
        self.problem_label.hide()
        self.confirm.setEnabled(True)
        if QPdfDocument is not None:
            self.document = QPdfDocument(self)
            self.buffer = QBuffer(self)
            self.buffer.setData(QByteArray(pdf))
            self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self.buffer)
            self.viewer.setDocument(self.document)
        self.retranslate()
        self.pad.setFocus()

    def finish(self) -> None:
        """Nothing of the contract or the signature stays in memory after leaving."""
        self.pad.clear()
        self.signer.clear()
        if QPdfView is not None:
            self.viewer.setDocument(None)
        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
            self.document = None
        if self.buffer is not None:
            self.buffer.close()
            self.buffer.deleteLater()
            self.buffer = None

    def pages(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()

    def _pad_changed(self) -> None:
        self.problem_label.hide()

    def retranslate(self) -> None:
        d, t = self.detail, self.terms
        english = self.page.english
        number = d.contract_number if d and d.contract_number else "–"
        self.heading.setText(self.tr("Contract {0} · application {1}").format(
            number, d.reference if d else "–"))
        if t is not None:
            kind = {"loan": self.tr("Loan"), "lease": self.tr("Lease")}.get(
                t.kind or "", self.tr("Financing"))
            product = t.product_en if english else t.product_zh
            payment = ""
            if t.first_payment is not None and t.last_payment is not None:
                payment = t.first_payment.format()
                # Rounding moves the last instalment by fen: only a real change shows.
                if abs(t.last_payment.fen - t.first_payment.fen) * 100 > t.first_payment.fen:
                    payment += " → " + t.last_payment.format()
            parts = [f"<b>{escape(kind)}</b> · {escape(product)}",
                     escape(self.tr("APR {0} (nominal {1})").format(
                         percent(t.apr_effective), percent(t.apr_nominal)))]
            if payment:
                parts.append(escape(self.tr("Monthly {0}").format(payment)))
            if d is not None:
                parts.append(escape(self.tr("Financed {0} over {1} months").format(
                    d.financed_amount.format(), d.term_months)))
            self.terms_label.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts))
        if QPdfView is None:  # pragma: no cover - depends on the installation
            self.viewer.setText(self.tr("The PDF viewer is not installed on this desk "
                                        "(pyside6-pdf); print the contract to read it."))
        self.instructions.setText(self.tr("Let the customer read the contract, then sign "
                                          "below with the mouse, a pen or a finger."))
        self.pad.set_placeholder(self.tr("Sign here"))
        self.undo.setText(self.tr("Undo stroke"))
        self.clear.setText(self.tr("Clear"))
        self.signer_label.setText(self.tr("Signer's name (as on the ID card)"))
        self.consultant.setText(self.tr("Witnessed by {0}; the time is recorded when you "
                                        "confirm.").format(self.page.user.display_name))
        self.back.setText(self.tr("Back (Esc)"))
        self.confirm.setText(self.tr("Confirm signature"))
