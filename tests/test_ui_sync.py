"""The Sync page: the queue with state, attempts, error and next try; refused items
resolved by a manager (audited); last answer per feed."""

from __future__ import annotations

from pathlib import Path

import test_ui
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableWidget
from sqlalchemy import select
from test_ui import WAIT_MS, open_window, sign_in

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import OutboxKind, OutboxStatus

desk = test_ui.desk  # the demo desk fixture of the UI tests


def refused_submission(store: Store) -> int:
    """A queued submission central refused (no central here: nothing gets sent)."""
    with store.transaction() as s:
        app = s.scalars(select(ApplicationRow)).first()
        repo.enqueue(s, store.cipher, "application", app.id, OutboxKind.SUBMIT_APPLICATION,
                     {"client_reference": app.reference})
        row = s.scalars(select(OutboxRow).order_by(OutboxRow.id.desc())).first()
        row.status, row.attempts = OutboxStatus.DEAD.value, 1
        row.last_error = "422 nothing_to_finance: 首付不低于车价 / nothing to finance"
        return row.id


def table_rows(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_a_manager_sends_a_refused_item_again_and_it_is_audited(
    qtbot, desk, store: Store, tmp_path: Path, monkeypatch
) -> None:
    services, translations = desk
    row_id = refused_submission(store)
    with store.read() as s:
        old_key = s.get(OutboxRow, row_id).idempotency_key
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    window.go("sync")
    page = window.sync_page
    table = page.findChild(QTableWidget, "outboxTable")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    cells = table_rows(table)[0]
    assert cells[2] == "被拒绝" and "nothing_to_finance" in cells[5]
    assert cells[4] == "待经理处理"
    resend = page.findChild(QPushButton, "resendButton")
    assert resend.isVisible() and not resend.isEnabled()  # nothing selected yet
    table.selectRow(0)
    assert resend.isEnabled()
    asked: list[str] = []

    def yes(_parent, _title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    resend.click()
    qtbot.waitUntil(lambda: table.rowCount() == 1 and table.item(0, 2).text() == "等待中",
                    timeout=WAIT_MS)
    assert "nothing_to_finance" in asked[0]  # the manager saw why it was refused
    with store.read() as s:
        row = s.get(OutboxRow, row_id)
        assert row.status == OutboxStatus.PENDING.value and row.idempotency_key != old_key
        entry = repo.audit_entries(s, limit=5)[0]
    assert (entry.action, entry.entity, entry.entity_id, entry.username) == (
        "resend", "outbox", str(row_id), "manager")


def test_a_manager_discards_a_refused_submission_which_returns_to_draft(
    qtbot, desk, store: Store, tmp_path: Path, monkeypatch
) -> None:
    services, translations = desk
    row_id = refused_submission(store)
    window = open_window(qtbot, services, sign_in(services, "manager"), translations,
                         tmp_path / "ui-state.ini")
    window.go("sync")
    page = window.sync_page
    table = page.findChild(QTableWidget, "outboxTable")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a: QMessageBox.StandardButton.Yes)
    page.findChild(QPushButton, "discardButton").click()
    empty = page.findChild(QLabel, "outboxEmpty")
    qtbot.waitUntil(lambda: table.rowCount() == 0 and empty.isVisible(), timeout=WAIT_MS)
    with store.read() as s:
        row = s.get(OutboxRow, row_id)
        assert row.status == OutboxStatus.DISCARDED.value
        assert s.get(ApplicationRow, row.aggregate_id).status == "draft"
        assert repo.audit_entries(s, limit=1)[0].action == "discard"


def test_a_consultant_sees_refusals_but_cannot_resolve_them(
    qtbot, desk, store: Store, tmp_path: Path
) -> None:
    services, translations = desk
    refused_submission(store)
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("sync")
    page = window.sync_page
    table = page.findChild(QTableWidget, "outboxTable")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    assert not page.findChild(QPushButton, "resendButton").isVisible()
    assert not page.findChild(QPushButton, "discardButton").isVisible()
    assert "经理" in page.manager_note.text()
    # The status bar says a person must look, in red.
    qtbot.waitUntil(lambda: "需要处理" in window.outbox_label.text(), timeout=WAIT_MS)
    attention = page.findChild(QLabel, "syncAttention")
    qtbot.waitUntil(lambda: attention.isVisible() and "1" in attention.text(),
                    timeout=WAIT_MS)
    feeds = [label.text() for label in page.findChildren(QLabel, "feedValue")]
    assert feeds == ["尚未"] * 4  # never pulled: said, not hidden
