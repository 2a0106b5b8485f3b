"""The applications page: list and search (masked, audited blind-index lookups), the
detail with its timeline and the lessor's word, withdrawal, and contract signing on
screen with the PDF shown and the signature queued through the outbox."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import test_ui
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_ui import WAIT_MS, open_window, sign_in

from local_store import repositories as repo
from local_store.orm import ApplicationRow, AuditLogRow, CustomerRow, OutboxRow
from showroom_app.domain.enums import ApplicationStatus, DocumentType

desk = test_ui.desk  # the demo desk fixture of the UI tests


def open_applications(qtbot, desk, tmp_path: Path, who: str = "manager"):
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, who), translations,
                         tmp_path / "ui-state.ini")
    window.go("applications")
    page = window.applications_page
    assert window.current_page_key() == "applications"
    qtbot.waitUntil(lambda: page.loaded and not page.loading, timeout=WAIT_MS)
    return window, page


def search(qtbot, page, **filters) -> None:
    if "text" in filters:
        page.search.setText(filters["text"])
    if "status" in filters:
        page.status_filter.setCurrentIndex(page.status_filter.findData(filters["status"]))
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded and not page.loading and not page.pending_search,
                    timeout=WAIT_MS)


def choose(qtbot, page, app_id: str) -> None:
    page.select_application(app_id)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.id == app_id,
                    timeout=WAIT_MS)


def a_customer_application(services, status: ApplicationStatus | None = None):
    store = services.applications._store
    with store.read() as s:
        stmt = select(ApplicationRow).where(ApplicationRow.customer_id.is_not(None))
        if status is not None:
            stmt = stmt.where(ApplicationRow.status == status.value)
        app = s.scalars(stmt.order_by(ApplicationRow.reference)).first()
        pii = repo.get_customer(s, store.cipher, app.customer_id).pii
        return app.id, app.reference, pii


def outbox(services, kind: str) -> list[OutboxRow]:
    store = services.applications._store
    with store.read() as s:
        rows = list(s.scalars(select(OutboxRow).where(OutboxRow.kind == kind)))
        s.expunge_all()
    return rows


def test_lists_masked_applications_and_searches(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    window, page = open_applications(qtbot, desk, tmp_path)
    assert page.table.rowCount() == len(page.rows) == 15
    names = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    assert all("*" in n for n in names if len(n) > 1), names
    money = page.table.item(0, 3)
    assert money.text().startswith("¥") and "." in money.text()
    assert money.textAlignment() & Qt.AlignmentFlag.AlignRight

    # Ctrl+F from another page lands in the search box.
    window.go("desk")
    find = next(s for s in window.findChildren(QShortcut)
                if s.key() == QKeySequence("Ctrl+F"))
    find.activated.emit()
    assert window.current_page_key() == "applications"
    assert QApplication.focusWidget() is page.search or not window.isActiveWindow()

    status = page.rows[0].status
    search(qtbot, page, status=status.value)
    assert page.rows and all(a.status is status for a in page.rows)
    search(qtbot, page, status=None)

    app_id, reference, pii = a_customer_application(services)
    store = services.applications._store
    with store.read() as s:
        before = s.scalar(select(AuditLogRow.id).order_by(AuditLogRow.id.desc()))
    search(qtbot, page, text=pii.id_number)
    assert [a.id for a in page.rows] == [app_id]
    assert page.table.item(0, 0).text() == reference
    with store.read() as s:
        details = [r.detail for r in s.scalars(select(AuditLogRow).where(
            AuditLogRow.id > before))]
    assert any(d.startswith("application search id_number=") for d in details), details
    assert all(pii.id_number not in (d or "") for d in details)
    window.close()


def test_detail_shows_timeline_and_reveals_on_a_click(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    window, page = open_applications(qtbot, desk, tmp_path)
    app_id, _, pii = a_customer_application(services, ApplicationStatus.FUNDED)
    store = services.applications._store
    with store.transaction() as s:
        s.get(ApplicationRow, app_id).central_detail = json.dumps({
            "status": "funded", "seq": 9, "at": datetime.now(UTC).isoformat(),
            "reasons": [{"code": "R1", "zh": "收入稳定", "en": "Stable income"}],
            "conditions": []}, ensure_ascii=False)
    choose(qtbot, page, app_id)
    steps = page.timeline_steps()
    assert len(steps) == 8 and steps[0] == "草稿" and steps[-1] == "已放款", steps
    assert any(step.startswith("审批") or "批准" in step for step in steps), steps
    assert "收入稳定" in page.central_text.text()
    assert pii.id_number not in page.facts.text()
    assert page.reveal_id.isVisible()
    page.reveal_id.click()
    assert pii.id_number in page.facts.text()
    with store.read() as s:
        assert s.scalar(select(AuditLogRow).where(
            AuditLogRow.detail == "field=id_number")) is not None
    window.close()


def test_withdraw_queues_an_outbox_row(qtbot, desk, tmp_path, monkeypatch) -> None:
    services, _ = desk
    window, page = open_applications(qtbot, desk, tmp_path)
    with services.applications._store.read() as s:
        app_id = s.scalar(select(ApplicationRow.id).where(ApplicationRow.status.in_(
            ["submitted", "in_review", "approved"])))
    choose(qtbot, page, app_id)
    assert page.withdraw_button.isVisible()
    monkeypatch.setattr(page, "ask_withdraw_reason", lambda: "客户改买全款")
    page.withdraw_button.click()
    qtbot.waitUntil(lambda: page.detail.status is ApplicationStatus.WITHDRAWN, timeout=WAIT_MS)
    rows = outbox(services, "withdraw_application")
    assert [r.aggregate_id for r in rows] == [app_id]
    assert not page.withdraw_button.isVisible()
    assert "已撤回" in page.timeline_steps()[-1] or "撤回" in page.timeline_steps()[-1]
    window.close()


def small_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Finance contract HT-TEST-1")
    pdf.showPage()
    pdf.drawString(72, 720, "Page two")
    pdf.save()
    return out.getvalue()


def test_signing_a_contract_queues_the_signature(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    store = services.applications._store
    app_id, _, _ = a_customer_application(services, ApplicationStatus.APPROVED)
    with store.transaction() as s:
        row = s.get(ApplicationRow, app_id)
        row.status = ApplicationStatus.CONTRACT_READY.value
        row.central_id = "c-test-1"
        # Where ContractPuller puts it: a contract document and the meta record.
        repo.add_document(s, store.cipher, DocumentType.CONTRACT, small_pdf(),
                          "application/pdf", application_id=app_id)
        repo.set_meta(s, f"contract:{app_id}", json.dumps(
            {"number": "HT-TEST-1", "pdf_sha256": "x", "signed_sha256": None}))
    window, page = open_applications(qtbot, desk, tmp_path)
    choose(qtbot, page, app_id)
    assert page.sign_button.isVisible() and page.sign_button.isEnabled()
    page.sign_button.click()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.signing, timeout=WAIT_MS)
    view = page.signing
    assert view.pages() == 2
    top = view.terms_label.text()
    assert ("贷款" in top or "租赁" in top) and "%" in top
    assert "HT-TEST-1" in view.heading.text()

    # An empty pad is refused, in words.
    page.confirm_signature()
    assert view.problem_label.isVisible() and not outbox(services, "sign_contract")
    pad = view.pad
    for stroke in ((QPoint(30, 60), QPoint(120, 90), QPoint(200, 50)),
                   (QPoint(60, 120), QPoint(180, 110))):
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=stroke[0])
        for p in stroke[1:]:
            qtbot.mouseMove(pad, p)
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=stroke[-1])
    assert len(pad.strokes) == 2
    pad.undo()
    assert len(pad.strokes) == 1
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    qtbot.mouseMove(pad, QPoint(150, 70))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(150, 70))
    assert len(pad.strokes) == 2
    view.signer.setText("王小明")
    view.confirm.click()
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 0, timeout=WAIT_MS)
    rows = outbox(services, "sign_contract")
    assert [r.aggregate_id for r in rows] == [app_id]
    body = repo.outbox_payload(store.cipher, rows[0])
    assert body["signer_name"] == "王小明"
    assert base64.b64decode(body["image_png_base64"]).startswith(b"\x89PNG")
    assert len(body["strokes"]) == 2 and {"x", "y", "t"} <= set(body["strokes"][0][0])
    qtbot.waitUntil(lambda: page.detail.signature_queued, timeout=WAIT_MS)
    assert not page.sign_button.isEnabled()
    assert page.message.isVisible()
    window.close()


def test_conditional_offers_a_requote(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    store = services.applications._store
    app_id, _, _ = a_customer_application(services, ApplicationStatus.APPROVED)
    with store.transaction() as s:
        row = s.get(ApplicationRow, app_id)
        row.status = ApplicationStatus.CONDITIONAL.value
        row.central_detail = json.dumps({
            "status": "conditional", "seq": 4, "at": datetime.now(UTC).isoformat(),
            "reasons": [{"code": "DTI", "zh": "负债收入比偏高", "en": "High debt to income"}],
            "conditions": [{"code": "DOWN", "zh": "首付不低于30%", "en": "Down payment ≥ 30%",
                            "value": "30%"}]}, ensure_ascii=False)
        s.flush()
        assert s.get(CustomerRow, row.customer_id) is not None
    window, page = open_applications(qtbot, desk, tmp_path)
    choose(qtbot, page, app_id)
    assert "首付不低于30%" in page.central_text.text()
    assert page.requote_button.isVisible() and page.requote_button.isEnabled()
    seen: dict[str, str] = {}

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if w.objectName() == "requoteDialog" and w.isVisible())
        seen["conditions"] = dialog.conditions.text()
        price = dialog.detail.vehicle_price.fen
        dialog.down.setText(f"{price * 0.35 / 100:.2f}")
        seen["result"] = dialog.result.text()
        dialog.note.setText("首付提高到35%")
        dialog.resubmit.click()

    QTimer.singleShot(100, answer)
    page.requote_button.click()  # modal until answered
    assert "首付不低于30%" in seen["conditions"] and "月供" in seen["result"]
    rows = outbox(services, "requote_application")
    assert [r.aggregate_id for r in rows] == [app_id]
    body = repo.outbox_payload(store.cipher, rows[0])
    assert body["note"] == "首付提高到35%"
    assert body["quote"]["down_payment_fen"] * 100 // page.detail.vehicle_price.fen in (34, 35)
    # Still conditional until the lessor decides again; no second requote meanwhile.
    qtbot.waitUntil(lambda: not page.detail.requotable, timeout=WAIT_MS)
    assert page.detail.status is ApplicationStatus.CONDITIONAL
    assert not page.requote_button.isEnabled() and "重新审批" in page.message.text()
    assert window.current_page_key() == "applications"
    window.close()
