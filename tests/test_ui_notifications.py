"""Decisions reaching the consultant: a toast (never a modal), the tray, the Desk page's
"needs action"; and the sync pass that carries them from central's decision feed."""

from __future__ import annotations

from pathlib import Path

import test_ui
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select
from test_outbox_service import APPROVE_ID, DECLINE_ID, enroll_desk, queue_apps, status_of, steer
from test_ui import WAIT_MS, open_window, sign_in, wait_for_summary

from local_store.db import Store
from local_store.orm import ApplicationRow
from showroom_app.domain.enums import ApplicationStatus
from showroom_app.services.sync import AppliedDecision, SyncService, SyncState
from ui.toast import Toast

desk = test_ui.desk  # the demo desk fixture of the UI tests


def an_application(services, status: ApplicationStatus | None = None) -> tuple[str, str]:
    store = services.applications._store
    with store.read() as s:
        stmt = select(ApplicationRow).where(ApplicationRow.customer_id.is_not(None))
        if status is not None:
            stmt = stmt.where(ApplicationRow.status == status.value)
        app = s.scalars(stmt.order_by(ApplicationRow.reference)).first()
        return app.id, app.reference


def set_status(services, app_id: str, status: ApplicationStatus) -> None:
    store = services.applications._store
    with store.transaction() as s:
        s.get(ApplicationRow, app_id).status = status.value


def decided_state(*decisions: AppliedDecision) -> SyncState:
    return SyncState(configured=True, enrolled=True, online=True, pending=0, dead=0,
                     changed=len(decisions), decisions=decisions)


def shown_toasts(window) -> list[Toast]:
    return [t for t in window.toasts.shown() if t.isVisible()]


def test_a_decision_shows_a_toast_not_a_modal_and_it_goes_by_itself(
        qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    window.toasts.timeout_ms = 400
    app_id, reference = an_application(services)
    window._synced(decided_state(AppliedDecision(app_id, reference, ApplicationStatus.APPROVED)))

    qtbot.waitUntil(lambda: len(shown_toasts(window)) == 1, timeout=WAIT_MS)
    (toast,) = shown_toasts(window)
    assert reference in toast.text.text() and "已批准" in toast.text.text()
    assert "#1a7f37" in toast.styleSheet()  # the status colour of STATUS_STYLE
    assert QApplication.activeModalWidget() is None
    # Bottom-right of the window, inside it.
    at = toast.mapTo(window, QPoint(0, 0))
    assert at.x() + toast.width() <= window.width() and at.x() > window.width() // 2
    assert at.y() + toast.height() <= window.height() and at.y() > window.height() // 2
    qtbot.waitUntil(lambda: shown_toasts(window) == [], timeout=WAIT_MS)
    assert window.toasts.toasts == [] or all(t.closing for t in window.toasts.toasts)


def test_toasts_stack_three_at_most_and_skip_routine_statuses(
        qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    statuses = [ApplicationStatus.APPROVED, ApplicationStatus.DECLINED,
                ApplicationStatus.CONDITIONAL, ApplicationStatus.CONTRACT_READY,
                ApplicationStatus.IN_REVIEW]
    window._synced(decided_state(*(AppliedDecision(f"id{i}", f"SR-TEST-{i}", st)
                                   for i, st in enumerate(statuses))))
    qtbot.waitUntil(lambda: len(shown_toasts(window)) == 3, timeout=WAIT_MS)
    texts = [t.text.text() for t in shown_toasts(window)]
    assert [t.split("：")[0] for t in texts] == ["SR-TEST-1", "SR-TEST-2", "SR-TEST-3"]
    assert QApplication.activeModalWidget() is None
    window._synced(decided_state(AppliedDecision("id9", "SR-TEST-9", ApplicationStatus.FUNDED)))
    qtbot.waitUntil(lambda: [t.reference for t in window.toasts.shown()]
                    == ["SR-TEST-2", "SR-TEST-3", "SR-TEST-9"], timeout=WAIT_MS)
    tops = [t.y() for t in window.toasts.shown()]
    assert tops == sorted(tops)  # newest at the bottom


def test_clicking_a_toast_opens_the_application(qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    app_id, reference = an_application(services, ApplicationStatus.APPROVED)
    window._synced(decided_state(AppliedDecision(app_id, reference,
                                                 ApplicationStatus.CONTRACT_READY)))
    qtbot.waitUntil(lambda: len(shown_toasts(window)) == 1, timeout=WAIT_MS)
    (toast,) = shown_toasts(window)
    assert window.current_page_key() == "desk"
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "applications"
    page = window.applications_page
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.id == app_id,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown_toasts(window) == [], timeout=WAIT_MS)
    assert QApplication.activeModalWidget() is None


def test_desk_lists_what_needs_action(qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    app_id, reference = an_application(services, ApplicationStatus.APPROVED)
    set_status(services, app_id, ApplicationStatus.CONTRACT_READY)
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    wait_for_summary(qtbot, window)
    page = window.desk_page
    count, refs = page.summary.contract_ready
    assert count >= 1 and (app_id, reference) in refs
    row = page.action_rows["contract_ready"][0]
    assert test_ui.visible(row)
    links = [b for b in row.findChildren(QPushButton) if b.text() == reference]
    assert len(links) == 1
    qtbot.waitUntil(lambda: test_ui.visible(links[0]), timeout=WAIT_MS)
    assert "待签" in page.action_rows["contract_ready"][1].text()
    assert test_ui.visible(page.new_button) and "Ctrl+N" in page.new_button.text()

    qtbot.mouseClick(links[0], Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "applications"
    applications = window.applications_page
    qtbot.waitUntil(lambda: applications.detail is not None
                    and applications.detail.id == app_id, timeout=WAIT_MS)


def test_a_pulled_decision_reaches_the_sync_state(store: Store, central) -> None:
    client = enroll_desk(store, central)
    try:
        approve, decline = queue_apps(store, 2, seed=909)
        steer(store, approve, APPROVE_ID)
        steer(store, decline, DECLINE_ID)
        service = SyncService(store, central.url)
        seen: dict[str, AppliedDecision] = {}
        for _ in range(10):
            state = service.cycle()
            assert state.online and state.error is None
            seen.update({d.application_id: d for d in state.decisions})
            if not state.pending and not state.changed:
                break
        with store.read() as s:
            refs = {a.id: a.reference for a in s.scalars(
                select(ApplicationRow).where(ApplicationRow.id.in_([approve, decline])))}
        assert seen[approve] == AppliedDecision(approve, refs[approve],
                                                ApplicationStatus(status_of(store, approve)))
        assert seen[approve].status is ApplicationStatus.CONTRACT_READY
        assert seen[decline] == AppliedDecision(decline, refs[decline],
                                                ApplicationStatus.DECLINED)
        # Nothing personal travels with a decision: ids, references and statuses only.
        assert set(AppliedDecision.__slots__) == {"application_id", "reference", "status"}
        # Pulled once: the next cycle reports nothing again.
        assert service.cycle().decisions == ()
    finally:
        client.close()
