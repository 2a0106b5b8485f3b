"""New application: the wizard from the customer's ID card to the submission.

Customer type → documents (webcam, files or a scanner folder, read by OCR) → contact →
vehicle and quote → income and pre-score → consent signed on screen → review and
submit. Keyboard first: Ctrl+PgDown / Ctrl+PgUp or Alt+1…7 move between steps. Every
step is saved as the consultant leaves it (on the thread pool, one save after another),
so a crash or a power cut loses at most the step on screen; the first step offers the
unfinished drafts back.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from showroom_app.domain.enums import CustomerType, DocumentType
from showroom_app.domain.errors import ValidationError
from showroom_app.domain.masking import mask_id_number, mask_name, mask_phone
from showroom_app.domain.models import User
from showroom_app.services.app import DeskServices
from showroom_app.services.intake import DocKind
from showroom_app.services.submission import (
    REQUIRED_DOCUMENTS,
    STEPS,
    Contact,
    Duplicate,
    Missing,
    Resumed,
    Submitted,
)
from ui.errors import describe
from ui.pages.capture import CapturePage
from ui.pages.prescore import AMBER, GREEN, GREY, RED, ApplicantPage, today
from ui.pages.wizard_steps import (
    ConsentStep,
    ContactStep,
    CustomerStep,
    QuoteStep,
    ReviewStep,
    document_name,
    money_or_dash,
)
from ui.style import ACCENT
from ui.widgets import Retranslatable, run_in_background

log = logging.getLogger(__name__)

STEP_STYLE = f"""
QPushButton#stepButton {{ border: 1px solid #d0d7de; border-radius: 14px; padding: 4px 12px;
    background: white; color: #24292f; }}
QPushButton#stepButton:checked {{ background: {ACCENT}; border-color: {ACCENT}; color: white;
    font-weight: 600; }}
"""
SEGMENT_OF = {CustomerType.INDIVIDUAL: "individual", CustomerType.COMPANY: "fleet",
              CustomerType.FARMER: "farmer"}
# The document the camera should expect next, per required document.
DOC_KIND_OF = {DocumentType.ID_CARD_FRONT: DocKind.ID_FRONT,
               DocumentType.ID_CARD_BACK: DocKind.ID_BACK,
               DocumentType.BUSINESS_LICENCE: DocKind.BUSINESS_LICENSE}
STORED_AS = {"id_front": DocumentType.ID_CARD_FRONT, "id_back": DocumentType.ID_CARD_BACK,
             "business_license": DocumentType.BUSINESS_LICENCE,
             "driving_license": DocumentType.DRIVING_LICENCE,
             "vehicle_license": DocumentType.VEHICLE_LICENCE,
             "bank_card": DocumentType.BANK_CARD}


class NewApplicationPage(Retranslatable, QWidget):
    submitted = Signal(str)  # application id: the desk wakes the sync worker
    open_application = Signal(str)  # a duplicate's link
    restart_requested = Signal(str)  # "" = a fresh wizard; an id = resume that draft

    def __init__(self, services: DeskServices, user: User, resume_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.application_id: str | None = None
        self.reference: str | None = None
        self.customer_type = CustomerType.INDIVIDUAL
        self.documents: dict[DocumentType, int] = {}
        self.contact_saved: Contact | None = None
        self.quote_saved: dict[str, Any] | None = None
        self.applicant_saved: dict[str, Any] | None = None
        self.prescore_saved: Any = None
        self.fleet_saved: list[dict[str, Any]] = []
        self.consent_kept_at: str | None = None
        self.done: Submitted | None = None
        self.jobs: deque[tuple[Callable[[], Any], Callable[[Any], None] | None, str]] = deque()
        self.job_running = False
        self.current_marker = ""
        self.submitting = False
        self.closed = False
        self.review_wanted = False
        self.error: str | None = None

        self.customer_step = CustomerStep()
        self.capture_page = CapturePage(services, user)
        self.contact_step = ContactStep()
        self.quote_step = QuoteStep(services, user)
        self.applicant_page = ApplicantPage(services, user, self.quote_step)
        self.consent_step = ConsentStep()
        self.review_step = ReviewStep()
        self.step_pages: list[QWidget] = [
            self.customer_step, self.capture_page, self.contact_step, self.quote_step,
            self.applicant_page, self.consent_step, self.review_step]

        self.steps = QButtonGroup(self)
        self.steps.setExclusive(True)
        strip = QHBoxLayout()
        strip.setContentsMargins(24, 10, 24, 0)
        strip.setSpacing(4)
        self.step_buttons: list[QPushButton] = []
        for i in range(len(STEPS)):
            button = QPushButton()
            button.setObjectName("stepButton")
            button.setProperty("step", i)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setStyleSheet(STEP_STYLE)
            self.steps.addButton(button, i)
            self.step_buttons.append(button)
            strip.addWidget(button)
        strip.addStretch(1)
        self.reference_label = QLabel()
        self.reference_label.setObjectName("draftReference")
        self.reference_label.setStyleSheet(f"color: {GREY};")
        strip.addWidget(self.reference_label)
        self.steps.idClicked.connect(self.show_step)

        self.stack = QStackedWidget()
        for page in self.step_pages:
            self.stack.addWidget(page)

        self.back_button = QPushButton()
        self.back_button.setObjectName("wizardBack")
        self.back_button.clicked.connect(self.previous_step)
        self.next_button = QPushButton()
        self.next_button.setObjectName("wizardNext")
        self.next_button.clicked.connect(self.next_step)
        self.status = QLabel()
        self.status.setObjectName("wizardStatus")
        self.status.setWordWrap(True)
        self.checklist = QLabel()
        self.checklist.setObjectName("documentChecklist")
        footer = QHBoxLayout()
        footer.setContentsMargins(24, 4, 24, 10)
        footer.addWidget(self.back_button)
        footer.addWidget(self.status, 1)
        footer.addWidget(self.checklist)
        footer.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(strip)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

        self.capture_page.document_confirmed.connect(self._document_confirmed)
        self.applicant_page.attach_proof.clicked.connect(self.attach_proof)
        self.customer_step.resume_requested.connect(self.restart_requested)
        self.customer_step.chosen.connect(self._type_chosen)
        self.consent_step.changed.connect(self._update_footer)
        self.review_step.go_to_step.connect(self._go_to_named_step)
        self.review_step.open_application.connect(self.open_application)
        self.review_step.submit_requested.connect(self.submit)
        self.review_step.next_requested.connect(self._next_customer)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        keys = [("Ctrl+PgDown", "next"), ("Ctrl+PgUp", "previous")]
        keys += [(f"Alt+{i + 1}", str(i)) for i in range(len(STEPS))]
        for sequence, name in keys:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(context)
            shortcut.setObjectName(f"step:{name}")
            shortcut.activated.connect(self._shortcut)

        self.stack.setCurrentIndex(0)
        self.step_buttons[0].setChecked(True)
        if resume_id:
            self._resume(resume_id)
        else:
            self._load_unfinished()
        self.retranslate()

    # --- steps ---------------------------------------------------------------------------

    def current_step(self) -> int:
        return self.stack.currentIndex()

    def step_name(self) -> str:
        return STEPS[self.current_step()]

    def show_step(self, index: int) -> None:
        index = max(0, min(len(STEPS) - 1, index))
        current = self.current_step()
        if index != current and not self._leave(STEPS[current], index):
            self.step_buttons[current].setChecked(True)
            return
        self.stack.setCurrentIndex(index)
        self.step_buttons[index].setChecked(True)
        self._enter(STEPS[index])
        self._update_footer()

    def next_step(self) -> None:
        self.show_step(self.current_step() + 1)

    def previous_step(self) -> None:
        self.show_step(self.current_step() - 1)

    def _go_to_named_step(self, name: str) -> None:
        if name in STEPS:
            self.show_step(STEPS.index(name))

    def _shortcut(self) -> None:
        name = self.sender().objectName().removeprefix("step:")
        if name == "next":
            self.next_step()
        elif name == "previous":
            self.previous_step()
        else:
            self.show_step(int(name))

    def _leave(self, step: str, target: int) -> bool:
        """Save the step being left. False keeps the consultant on it (a malformed
        value they must correct first; what they typed stays)."""
        if self.done is not None:
            return True
        if step == "customer":
            return self._ensure_draft(target)
        if self.application_id is None:
            return True
        app_id = self.application_id
        submission = self.services.submission
        if step == "contact":
            wrong = self.contact_step.problems()
            if wrong and target > self.current_step():
                self._say(self.tr("Correct the marked field first: {0}.").format(
                    ", ".join(self.contact_step.labels[k].text() for k in wrong)), RED)
                self.contact_step.editors[wrong[0]].setFocus()
                return False
            contact = self.contact_step.contact()
            # Going back with a malformed value: kept on screen, saved once corrected.
            if not wrong and contact.name and contact != self.contact_saved:
                self._queue(functools.partial(submission.save_contact, self.user, app_id,
                                              contact),
                            functools.partial(self._contact_kept, contact), "contact")
            self.applicant_page.set_id_number(contact.id_number)
        elif step == "quote":
            terms = self.quote_step.terms()
            settings = self.quote_step.plan_settings()
            if terms is None and self.quote_saved is not None:
                # No valid plan on screen: the draft keeps none, nor its promotions.
                self._queue(functools.partial(submission.clear_quote, self.user, app_id,
                                              settings), None, "quote")
                self._queue(functools.partial(self.services.promotions.clear, self.user,
                                              app_id), None)
                self.quote_saved = None
            elif terms is not None and terms != self.quote_saved:
                self._queue(functools.partial(submission.save_quote, self.user, app_id, terms,
                                              settings), None, "quote")
                promoted = self.quote_step.chosen_promotion()
                if promoted is not None:
                    self._queue(functools.partial(self.services.promotions.record, self.user,
                                                  app_id, promoted), None, "quote")
                else:
                    self._queue(functools.partial(self.services.promotions.clear, self.user,
                                                  app_id), None, "quote")
                self.quote_saved = terms
            fleet = list(self.quote_step.fleet)
            if fleet != self.fleet_saved:
                self._queue(functools.partial(submission.save_fleet, self.user, app_id, fleet),
                            None, "fleet")
                self.fleet_saved = fleet
        elif step == "applicant":
            self.applicant_page.recompute()
            data, _problems = self.applicant_page.collect()
            data.pop("id_number", None)  # memory only: the customer record has it
            result = self.applicant_page.result
            if data != self.applicant_saved:
                self._queue(functools.partial(submission.save_step, self.user, app_id,
                                              "applicant", {"applicant": data}), None,
                            "applicant")
                self.applicant_saved = data
            if result is not None and result is not self.prescore_saved:
                self._queue(functools.partial(self.services.prescore.save, self.user, app_id,
                                              result, scored_at=datetime.now(UTC)), None,
                            "prescore")
                self.prescore_saved = result
        elif step == "consent":
            consent = self.consent_step
            if consent.complete() and consent.recorded_key != consent.key():
                job = functools.partial(
                    submission.record_consent, self.user, app_id, consent.signer.text().strip(),
                    consent.pad.to_png(), [list(s) for s in consent.pad.strokes],
                    datetime.now().astimezone())
                consent.recorded_key = consent.key()
                self._queue(job, self._consent_kept, "consent")
        # Where the consultant is, so that a reopened draft starts there.
        self._queue(functools.partial(submission.save_step, self.user, app_id,
                                      STEPS[target]), None)
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._focus_step()

    def _focus_step(self) -> None:
        """Keyboard first: the keys work as soon as a step shows."""
        step = self.step_name()
        target: QWidget | None = {
            "customer": self.customer_step.buttons[self.customer_step.customer_type()],
            "documents": self.capture_page,
            "quote": self.quote_step.page.vehicle,
            "applicant": self.applicant_page.monthly_income,
            "consent": self.consent_step.sensitive,
            "review": self.review_step.submit_button,
        }.get(step)
        if target is not None and self.isVisible():
            target.setFocus()

    def _enter(self, step: str) -> None:
        self._focus_step()
        if step == "documents":
            self.capture_page.application_id = self.application_id
            self._expect_next_document()
        elif step == "contact":
            first = next((e for k, e in self.contact_step.editors.items()
                          if e.isVisible() and not e.text().strip()), None)
            (first or self.contact_step.phone).setFocus()
        elif step == "applicant":
            self.applicant_page.set_segment(SEGMENT_OF[self.customer_type])
            self.applicant_page.take_from_quote()
        elif step == "consent":
            if not self.consent_step.signer.text().strip():
                self.consent_step.signer.setText(self.contact_step.name.text().strip())
            self.consent_step.show_state()
        elif step == "review":
            self.review_wanted = True
            self._refresh_review()

    # --- the draft -----------------------------------------------------------------------

    def _ensure_draft(self, target: int) -> bool:
        kind = self.customer_step.customer_type()
        if self.application_id is None:
            # On the UI thread: one small insert, and the capture step needs the id
            # before the first document is confirmed.
            try:
                self.application_id, self.reference = self.services.submission.start(
                    self.user, kind, today())
            except Exception as exc:
                log.warning("draft not started: %s", type(exc).__name__)
                self._say(self.tr("The draft could not be started: {0}").format(describe(exc)),
                          RED)
                return False
            self.customer_type = kind
        elif kind is not self.customer_type:
            self.customer_type = kind
            self._queue(functools.partial(self.services.submission.set_customer_type,
                                          self.user, self.application_id, kind), None)
        self.contact_step.set_customer_type(kind)
        self.quote_step.set_customer_type(kind)
        self.applicant_page.set_segment(SEGMENT_OF[kind])
        self.capture_page.application_id = self.application_id
        self._queue(functools.partial(self.services.submission.save_step, self.user,
                                      self.application_id, STEPS[target]), None)
        self.retranslate_reference()
        return True

    def _type_chosen(self) -> None:
        self._update_footer()

    def _load_unfinished(self) -> None:
        try:
            drafts = self.services.submission.unfinished(self.user, datetime.now(UTC))
        except Exception as exc:
            log.warning("unfinished drafts not listed: %s", type(exc).__name__)
            drafts = []
        self.customer_step.show_drafts(drafts)

    def _resume(self, application_id: str) -> None:
        try:
            resumed: Resumed = self.services.submission.resume(self.user, application_id)
        except Exception as exc:
            self._say(self.tr("The draft could not be reopened: {0}").format(describe(exc)), RED)
            self._load_unfinished()
            return
        self.application_id, self.reference = resumed.id, resumed.reference
        self.customer_type = resumed.customer_type
        self.customer_step.set_customer_type(resumed.customer_type)
        self.contact_step.set_customer_type(resumed.customer_type)
        self.quote_step.set_customer_type(resumed.customer_type)
        self.applicant_page.set_segment(SEGMENT_OF[resumed.customer_type])
        self.capture_page.application_id = resumed.id
        self.documents = dict(resumed.documents)
        self.applicant_page.show_proofs(self.documents.get(DocumentType.INCOME_PROOF, 0))
        draft = resumed.draft
        if resumed.contact is not None:
            self.contact_step.fill(resumed.contact)
            self.contact_saved = resumed.contact
            self.applicant_page.set_id_number(resumed.contact.id_number)
        if draft.get("plan"):
            self.quote_step.restore(draft["plan"])
            self.quote_saved = draft.get("quote")
        self.quote_step.fleet = list(draft.get("fleet") or [])
        self.fleet_saved = list(self.quote_step.fleet)
        self.quote_step.show_fleet()
        if draft.get("applicant"):
            self.applicant_page.restore(draft["applicant"])
            self.applicant_saved = draft["applicant"]
        consent = draft.get("consent") or {}
        if consent.get("signed_at") and self.documents.get(DocumentType.CONSENT):
            self.consent_kept_at = consent["signed_at"]
            self.consent_step.kept_at = consent["signed_at"]
            self.consent_step.sensitive.setChecked(True)
            self.consent_step.credit.setChecked(True)
        step = draft.get("step") if draft.get("step") in STEPS else "documents"
        index = STEPS.index(step)
        self.stack.setCurrentIndex(index)
        self.step_buttons[index].setChecked(True)
        self._enter(step)
        self._say(self.tr("Draft {0} reopened where it was left.").format(resumed.reference),
                  GREEN)
        self.retranslate_reference()

    # --- documents -----------------------------------------------------------------------

    def _document_confirmed(self, kind: str, values: dict) -> None:
        stored = STORED_AS.get(kind)
        if stored is not None:
            self.documents[stored] = self.documents.get(stored, 0) + 1
        self.contact_step.take_document(kind, values)
        self.applicant_page.take_document(kind, values)
        if kind == "id_front":
            self.applicant_page.set_id_number(str(values.get("id_number") or ""))
        self._expect_next_document()
        self._update_footer()
        if stored in REQUIRED_DOCUMENTS[self.customer_type] and not self.missing_documents() \
                and self.step_name() == "documents":
            # Every document this customer needs is in: on to the contact step, where
            # the mobile number is all that is left to type.
            self.show_step(STEPS.index("contact"))

    def attach_proof(self) -> None:
        """A proof of income from a file (photo, scan or PDF), kept with the draft."""
        if self.application_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Attach a proof of income"), "",
            self.tr("Photos, scans and PDF files (*.jpg *.jpeg *.png *.pdf)"))
        if path:
            self.attach_proof_file(Path(path))

    def attach_proof_file(self, path: Path) -> None:
        app_id = self.application_id
        if app_id is None:
            return

        def job() -> str:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"the file cannot be read ({exc.strerror or exc})",
                                      field="proof") from exc
            return self.services.submission.attach_proof(self.user, app_id, data, path.name)

        self._queue(job, self._proof_attached)

    def _proof_attached(self, _document_id: str) -> None:
        count = self.documents.get(DocumentType.INCOME_PROOF, 0) + 1
        self.documents[DocumentType.INCOME_PROOF] = count
        self.applicant_page.show_proofs(count)
        self.applicant_page.income_proven.setChecked(True)

    def missing_documents(self) -> list[DocumentType]:
        return [d for d in REQUIRED_DOCUMENTS[self.customer_type] if not self.documents.get(d)]

    def _expect_next_document(self) -> None:
        missing = self.missing_documents()
        if missing and missing[0] in DOC_KIND_OF:
            self.capture_page.set_kind(DOC_KIND_OF[missing[0]])

    # --- saving, one job after another -----------------------------------------------------

    def _queue(self, fn: Callable[[], Any], done: Callable[[Any], None] | None,
               marker: str = "") -> None:
        """`marker`: what the page takes as saved once queued; forgotten if the save
        fails, so that leaving the step again saves it again."""
        self.jobs.append((fn, done, marker))
        self._run_next()

    def _run_next(self) -> None:
        if self.job_running or not self.jobs or self.closed:
            return
        fn, done, marker = self.jobs.popleft()
        self.job_running = True
        self.current_done, self.current_marker = done, marker
        self._update_footer()
        run_in_background(fn, self._job_done, self._job_failed)

    def _forget(self, marker: str) -> None:
        if marker == "contact":
            self.contact_saved = None
        elif marker == "quote":
            self.quote_saved = None
        elif marker == "applicant":
            self.applicant_saved = None
        elif marker == "prescore":
            self.prescore_saved = None
        elif marker == "fleet":
            self.fleet_saved = []
        elif marker == "consent":
            self.consent_step.recorded_key = None
            self.consent_step.show_state()

    def _job_done(self, result: Any) -> None:
        if self.closed:
            return
        self.job_running = False
        done = self.current_done
        if done is not None:
            done(result)
        self.error = None
        self._after_jobs()

    def _job_failed(self, error: Exception) -> None:
        if self.closed:
            return
        self.job_running = False
        self._forget(self.current_marker)
        log.warning("wizard save failed: %s", type(error).__name__)
        self.error = self.tr("Not saved: {0} What you entered is still on screen; go back "
                             "to the step and on again to retry.").format(describe(error))
        field_name = getattr(error, "field", None)
        if field_name in self.contact_step.editors:
            self.contact_step.say(field_name, self.contact_step.refusal(field_name)
                                  or describe(error))
        self._after_jobs()

    def _after_jobs(self) -> None:
        if self.jobs:
            self._run_next()
            return
        if self.review_wanted and self.step_name() == "review":
            self._refresh_review()
        self._update_footer()

    def _contact_kept(self, contact: Contact, _customer_id: str) -> None:
        self.contact_saved = contact

    def _consent_kept(self, _document_id: str) -> None:
        self.documents[DocumentType.CONSENT] = self.documents.get(DocumentType.CONSENT, 0) + 1
        self.consent_kept_at = datetime.now().astimezone().isoformat()
        self.consent_step.kept_at = self.consent_kept_at
        self.consent_step.show_state(recorded=True)

    # --- review and submit ---------------------------------------------------------------

    def _refresh_review(self) -> None:
        if self.application_id is None:
            self.review_step.show_summary([])
            return
        if self.job_running or self.jobs:
            return  # after the saves: _after_jobs comes back here
        app_id = self.application_id
        submission = self.services.submission

        def check() -> tuple[list[Missing], list[Duplicate]]:
            now = datetime.now(UTC)
            return (submission.missing(self.user, app_id, today()),
                    submission.duplicates(self.user, app_id, now))

        self.review_wanted = False
        run_in_background(check, self._review_checked, self._review_failed)
        self._show_summary()

    def _review_failed(self, error: Exception) -> None:
        if self.closed:
            return
        log.warning("review check failed: %s", type(error).__name__)
        self._say(self.tr("The check before submitting failed: {0} Open the step again to "
                          "retry.").format(describe(error)), RED)

    def _review_checked(self, outcome: tuple[list[Missing], list[Duplicate]]) -> None:
        if self.closed:
            return
        missing, duplicates = outcome
        self.last_missing = missing
        self.review_step.show_missing(missing, self.missing_words())
        self.review_step.show_duplicates(duplicates)
        self._update_footer()

    def _show_summary(self) -> None:
        kind = self.customer_step.buttons[self.customer_type].text().split("  ", 1)[-1]
        rows = [(self.tr("Application"), self.reference or "—"),
                (self.tr("Customer type"), kind)]
        contact = self.contact_saved or self.contact_step.contact()
        if contact.company_name:
            rows.append((self.tr("Company"), contact.company_name))
        rows += [(self.tr("Applicant"), mask_name(contact.name) or "—"),
                 (self.tr("ID number"), mask_id_number(contact.id_number) or "—"),
                 (self.tr("Mobile"), mask_phone(contact.phone) or "—")]
        terms = self.quote_saved
        if terms:
            vehicle = terms["vehicle"]
            rows.append((self.tr("Vehicle"), f"{vehicle['make']} {vehicle['model']} · "
                                             f"{vehicle['vin'] or '—'}"))
            rows.append((self.tr("Price / down payment"),
                         f"{money_or_dash(terms['price_fen'])} / "
                         f"{money_or_dash(terms['down_payment_fen'])}"))
            rows.append((self.tr("Term / monthly payment"), self.tr("{0} months / {1}").format(
                terms["term_months"], money_or_dash(terms["monthly_payment_fen"]))))
            rows.append((self.tr("APR (all fees)"),
                         f"{Decimal(terms['apr_nominal']) * 100:.2f} %"))
        for number, extra in enumerate(self.fleet_saved, start=2):
            v = extra["vehicle"]
            rows.append((self.tr("Vehicle {0}").format(number),
                         self.tr("{0} {1} · {2} · {3} down, {4} months, {5} a month").format(
                             v["make"], v["model"], v["vin"],
                             money_or_dash(extra["down_payment_fen"]), extra["term_months"],
                             money_or_dash(extra["monthly_payment_fen"]))))
        result = self.prescore_saved
        if result is not None:
            rows.append((self.tr("Pre-score (advisory)"),
                         f"{result.band} · {self.applicant_page.panel.band_words(result.band)}"))
        documents = ", ".join(f"{document_name(k)} ✓" for k in self.documents) or "—"
        rows.append((self.tr("Documents"), documents))
        rows.append((self.tr("Consent"), self.tr("signed") if self.consent_kept_at
                     else self.tr("not yet")))
        self.review_step.show_summary(rows)

    def missing_words(self) -> dict[str, str]:
        words = {f"document:{k.value}": self.tr("Capture: {0}").format(document_name(k))
                 for k in DocumentType}
        words.update({
            "contact": self.tr("The applicant's name and ID number"),
            "id_number": self.tr("The ID number"),
            "id_number_check": self.tr("The ID number's check character is wrong: compare "
                                       "it with the card"),
            "phone": self.tr("The mobile number"),
            "company_name": self.tr("The company's name"),
            "uscc": self.tr("The unified social credit code"),
            "quote": self.tr("A valid plan on the quote step"),
            "vin": self.tr("The vehicle's VIN (17 characters)"),
            "make_model": self.tr("The vehicle's make and model"),
            "income": self.tr("The monthly income"),
            "consent": self.tr("The customer's signed consent"),
            "fleet_vin": self.tr("A VIN among the other vehicles"),
            "fleet_same_vehicle": self.tr("The same vehicle twice in the application"),
            "fleet_company_only": self.tr("Several vehicles: only for a company"),
        })
        return words

    def submit(self) -> None:
        if self.step_name() != "review" or self.done is not None or self.submitting \
                or self.application_id is None:
            return
        if self.job_running or self.jobs:
            self._say(self.tr("Saving… submit again in a moment."), GREY)
            return
        app_id = self.application_id
        self.submitting = True
        self.review_step.submit_button.setEnabled(False)
        self._say(self.tr("Submitting…"), GREY)
        run_in_background(functools.partial(self.services.submission.submit, self.user, app_id,
                                            datetime.now().astimezone()),
                          self._submitted, self._submit_failed)

    def _submitted(self, outcome: Submitted) -> None:
        self.submitting = False
        if self.closed:
            return
        self.done = outcome
        text = self.tr(
            "{0} is queued: it goes to the lessor as soon as the network allows, with {1} "
            "document(s). The decision shows on the Desk and the Applications page.").format(
                outcome.reference, outcome.uploads)
        if outcome.fleet:
            text += " " + self.tr("The other vehicles go as {0}, each decided on its own.") \
                .format(", ".join(outcome.fleet))
        self.review_step.result.setText(text)
        self.review_step.result.setStyleSheet(f"color: {GREEN};")
        self.review_step.submit_button.hide()
        self.review_step.next_button.show()
        self.review_step.next_button.setFocus()
        self._say("", GREY)
        self._update_footer()
        self.submitted.emit(self.application_id or "")

    def _submit_failed(self, error: Exception) -> None:
        self.submitting = False
        if self.closed or self.done is not None:
            return
        self.review_step.submit_button.setEnabled(True)
        if isinstance(error, ValidationError) and str(error).startswith("not ready"):
            # The service lists codes; the review lists them in words, with links.
            self._say(self.tr("Not submitted: something is still missing (listed above, "
                              "each with a link to its step). Nothing was lost."), RED)
        else:
            self._say(self.tr("Not submitted: {0} Nothing was lost; correct it and submit "
                              "again.").format(describe(error)), RED)
        self.review_wanted = True
        self._refresh_review()

    def _next_customer(self) -> None:
        self.restart_requested.emit("")

    # --- footer --------------------------------------------------------------------------

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def _update_footer(self) -> None:
        index = self.current_step()
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < len(STEPS) - 1)
        if self.error:
            self._say(self.error, RED)
        elif self.job_running or self.jobs:
            self._say(self.tr("Saving the draft…"), GREY)
        elif self.status.text() == self.tr("Saving the draft…"):
            self._say(self.tr("Draft saved."), GREY)
        if STEPS[index] == "documents":
            marks = [("✓ " if self.documents.get(d) else "○ ") + document_name(d)
                     for d in REQUIRED_DOCUMENTS[self.customer_type]]
            self.checklist.setText("   ".join(marks))
            complete = not self.missing_documents()
            self.checklist.setStyleSheet(f"color: {GREEN if complete else AMBER};")
            self.checklist.show()
        else:
            self.checklist.hide()

    def retranslate_reference(self) -> None:
        self.reference_label.setText(self.tr("Draft {0}").format(self.reference)
                                     if self.reference else self.tr("New draft"))

    def flush(self, timeout: float = 10.0) -> None:
        """Save the step on screen and wait for every queued save: before the page is
        replaced (next customer, a draft reopened) or the window closes."""
        if self.closed:
            return
        if self.application_id is not None and self.done is None:
            self._leave(self.step_name(), self.current_step())
        deadline = time.monotonic() + timeout
        while (self.job_running or self.jobs) and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)

    def shutdown(self) -> None:
        self.flush()
        self.closed = True
        self.capture_page.shutdown()

    def retranslate(self) -> None:
        names = (self.tr("Customer"), self.tr("Documents"), self.tr("Contact"),
                 self.tr("Vehicle & quote"), self.tr("Income & pre-score"),
                 self.tr("Consent"), self.tr("Review & submit"))
        # "&&": a button would take a lone "&" for a mnemonic and hide it.
        for i, (button, name) in enumerate(zip(self.step_buttons, names, strict=True)):
            button.setText(f"{i + 1}  {name}".replace("&", "&&"))
            button.setToolTip(self.tr("Alt+{0}; Ctrl+PgUp / Ctrl+PgDown move between "
                                      "steps").format(i + 1))
        self.back_button.setText(self.tr("◂ Back"))
        self.next_button.setText(self.tr("Next ▸ (Ctrl+PgDn)"))
        self.retranslate_reference()
        self._update_footer()
