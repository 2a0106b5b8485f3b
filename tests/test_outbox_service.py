"""Refused outbox items as people handle them, and what a consultant does after an
application left the desk (withdraw, sign), against the reference central over HTTP.

The helpers at the top are shared with test_sync_pullers.py and test_sync_worker.py.
"""

from __future__ import annotations

import copy
import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from central.db import Application as CentralApplication
from central.db import Contract as CentralContract
from central.db import StatusEvent
from central.schemas import APPLICATION_EXAMPLE
from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, OutboxRow
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    OutboxKind,
    OutboxStatus,
)
from showroom_app.domain.errors import (
    ApplicationLockedError,
    InvalidStateError,
    PermissionDeniedError,
    ValidationError,
)
from showroom_app.domain.models import User
from showroom_app.domain.money import Money
from showroom_app.services.applications import ApplicationService
from showroom_app.services.demo import seed_demo
from showroom_app.services.enrollment import enroll, load_tokens, save_tokens
from showroom_app.services.outbox import OutboxService
from sync.client import CentralClient
from sync.dispatcher import Dispatcher

# Test identities of the sandbox bureau (central/decision.py docstring).
APPROVE_ID = "110105198803151232"
DECLINE_ID = "310104197906222044"


# --- shared helpers ---------------------------------------------------------------------


def enroll_desk(store: Store, central) -> CentralClient:
    """Enroll the desk as DEMO001 (the dealer, its catalog and campaigns are seeded
    at central first) and return a client that keeps rotated tokens in the store."""
    central.dealer_token()
    enroll(store, central.url, "DEMO001", central.activation_code("DEMO001"), "pytest")
    return CentralClient(central.url, tokens=load_tokens(store),
                         on_tokens=lambda t: save_tokens(store, t))


def user(store: Store, username: str) -> User:
    """A demo account (DEMO_USERS): 'consultant', 'manager' or 'admin'."""
    with store.read() as s:
        row = repo.user_row_by_username(s, username)
        assert row is not None, username
        return repo.to_user(row)


def queue_apps(store: Store, n: int, seed: int) -> list[str]:
    """Seed `n` demo applications queued for central; their ids in queue order."""
    assert seed_demo(store, n, submit=True, seed=seed).queued == n
    with store.read() as s:
        rows = s.scalars(select(OutboxRow).where(
            OutboxRow.kind == OutboxKind.SUBMIT_APPLICATION.value,
            OutboxRow.status == OutboxStatus.PENDING.value).order_by(OutboxRow.id)).all()
        return [r.aggregate_id for r in rows][-n:]


def outbox_rows(store: Store, app_id: str) -> list[OutboxRow]:
    with store.read() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.aggregate_id == app_id)
                              .order_by(OutboxRow.id)).all())


def outbox_row(store: Store, row_id: int) -> OutboxRow:
    with store.read() as s:
        row = s.get(OutboxRow, row_id)
        assert row is not None
        return row


def payload_of(store: Store, row_id: int) -> dict:
    with store.read() as s:
        row = s.get(OutboxRow, row_id)
        assert row is not None
        return repo.outbox_payload(store.cipher, row)


def rewrite_submission(store: Store, app_id: str, change) -> dict:
    """Change the queued submission body of an application in place (same row, same
    key), resealed as the store seals it. `change(body)` edits the body."""
    with store.transaction() as s:
        row = s.scalars(select(OutboxRow).where(
            OutboxRow.aggregate_id == app_id,
            OutboxRow.kind == OutboxKind.SUBMIT_APPLICATION.value)).one()
        body = repo.outbox_payload(store.cipher, row)
        change(body)
        binding = f"{row.idempotency_key}/{row.aggregate_type}/{row.aggregate_id}"
        row.payload_enc = store.cipher.seal("outbox", "payload", binding,
                                            json.dumps(body, ensure_ascii=False).encode())
        return body


def steer(store: Store, app_id: str, id_number: str) -> dict:
    """Make a queued demo application the documented standard application of a test
    identity, so central's decision is known in advance (approved -> contract_ready,
    declined, ...). Its client reference stays."""
    def change(body: dict) -> None:
        for part in ("applicant", "vehicle", "quote"):
            body[part] = copy.deepcopy(APPLICATION_EXAMPLE[part])
        body["applicant"]["id_number"] = id_number
    return rewrite_submission(store, app_id, change)


def status_of(store: Store, app_id: str) -> str:
    with store.read() as s:
        return repo.application_state(s, app_id)[1]


def central_id_of(store: Store, app_id: str) -> str:
    with store.read() as s:
        central_id = repo.application_state(s, app_id)[2]
    assert central_id is not None
    return central_id


def dispatcher(store: Store, client: CentralClient) -> Dispatcher:
    return Dispatcher(store, client, rng=random.Random(3))


def decided(store: Store, client: CentralClient, id_numbers: list[str],
            seed: int) -> list[str]:
    """Queue one application per test identity and send them: central decides each."""
    apps = queue_apps(store, len(id_numbers), seed)
    for app_id, id_number in zip(apps, id_numbers, strict=True):
        steer(store, app_id, id_number)
    report = dispatcher(store, client).drain(timeout=30)
    assert (report.sent, report.dead, report.remaining) == (len(apps), 0, 0), report
    return apps


def signature_png() -> bytes:
    """A small real PNG: a dark stroke on white, drawn with Pillow."""
    image = Image.new("L", (160, 48), 255)
    ImageDraw.Draw(image).line([(8, 40), (60, 8), (100, 36), (150, 10)], fill=16, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


STROKES = [[{"x": 8.0, "y": 40.0, "t": 0}, {"x": 60.0, "y": 8.0, "t": 120},
            {"x": 150.0, "y": 10.0, "t": 300}]]


def audit_for(store: Store, action: AuditAction, entity_id: str) -> list:
    with store.read() as s:
        return [e for e in repo.audit_entries(s, limit=500)
                if e.action == action.value and e.entity_id == entity_id]


@pytest.fixture
def client(store: Store, central) -> Iterator[CentralClient]:
    c = enroll_desk(store, central)
    yield c
    c.close()


# --- refused items: resend and discard ------------------------------------------------------


def test_a_refused_row_blocks_its_application_until_a_manager_resends_it(
    store: Store, client: CentralClient
) -> None:
    (app_id,) = decided(store, client, [DECLINE_ID], seed=101)
    assert status_of(store, app_id) == ApplicationStatus.DECLINED
    # Central refuses to withdraw a declined application (409 cannot_withdraw).
    with store.transaction() as s:
        repo.enqueue(s, store.cipher, "application", app_id,
                     OutboxKind.WITHDRAW_APPLICATION, {"reason": "客户改为全款购车"})
        repo.enqueue(s, store.cipher, "application", app_id,
                     OutboxKind.WITHDRAW_APPLICATION, {"reason": "第二次撤回"})
    _submit, refused, behind = outbox_rows(store, app_id)
    d = dispatcher(store, client)
    report = d.drain(timeout=10)
    assert (report.sent, report.dead, report.remaining) == (0, 1, 1)
    dead = outbox_row(store, refused.id)
    assert dead.status == OutboxStatus.DEAD and dead.attempts == 1
    assert "cannot_withdraw" in (dead.last_error or "")
    # The next row of the application waits behind the refusal, untouched.
    waiting = outbox_row(store, behind.id)
    assert waiting.status == OutboxStatus.PENDING and waiting.attempts == 0
    assert d.due() == [] and d.seconds_until_next() is None

    outbox = OutboxService(store)
    consultant, manager = user(store, "consultant"), user(store, "manager")
    assert outbox.counts() == {"pending": 1, "dead": 1, "stuck": 0}
    items = outbox.items(consultant)
    assert [(i.id, i.status) for i in items] == [(refused.id, "dead"), (behind.id, "pending")]
    with store.read() as s:
        reference = repo.application_state(s, app_id)[0]
    assert all(i.application_reference == reference for i in items)

    # A consultant may look, not decide.
    with pytest.raises(PermissionDeniedError):
        outbox.resend(consultant, refused.id)
    with pytest.raises(PermissionDeniedError):
        outbox.discard(consultant, refused.id)
    unchanged = outbox_row(store, refused.id)
    assert (unchanged.status, unchanged.idempotency_key) == ("dead", dead.idempotency_key)
    assert audit_for(store, AuditAction.RESEND, str(refused.id)) == []

    before = payload_of(store, refused.id)
    outbox.resend(manager, refused.id)
    again = outbox_row(store, refused.id)
    assert again.id == refused.id  # its place in the queue
    assert again.idempotency_key != dead.idempotency_key
    assert again.status == OutboxStatus.PENDING and again.attempts == 0
    assert again.next_attempt_at is None
    assert payload_of(store, refused.id) == before == {"reason": "客户改为全款购车"}
    (entry,) = audit_for(store, AuditAction.RESEND, str(refused.id))
    assert entry.username == "manager" and entry.entity == "outbox"
    assert "cannot_withdraw" in entry.detail
    assert outbox.counts() == {"pending": 2, "dead": 0, "stuck": 0}
    # The resent row goes first again; the one behind it still waits.
    assert d.due() == [refused.id]
    with pytest.raises(InvalidStateError):
        outbox.resend(manager, refused.id)  # only a refused row can be resent

    # Still declined at central: refused again, under the new key.
    assert d.drain(timeout=10).dead == 1
    assert outbox_row(store, refused.id).status == OutboxStatus.DEAD
    # Discarding a refused withdrawal lets the rows behind it go; the application
    # keeps central's status (only a refused submission goes back to draft).
    outbox.discard(manager, refused.id)
    assert outbox_row(store, refused.id).status == OutboxStatus.DISCARDED
    assert outbox_row(store, behind.id).status == OutboxStatus.PENDING
    assert status_of(store, app_id) == ApplicationStatus.DECLINED
    assert d.due() == [behind.id]
    (entry,) = audit_for(store, AuditAction.DISCARD, str(refused.id))
    assert entry.username == "manager"


def test_discarding_a_refused_submission_returns_the_application_to_draft(
    store: Store, client: CentralClient
) -> None:
    broken, fine = queue_apps(store, 2, seed=202)
    steer(store, fine, APPROVE_ID)

    def nothing_to_finance(body: dict) -> None:
        body["quote"]["down_payment_fen"] = body["vehicle"]["price_fen"]
    rewrite_submission(store, broken, nothing_to_finance)
    with store.transaction() as s:
        document = repo.list_documents(s, broken)[0]
        repo.enqueue(s, store.cipher, "application", broken, OutboxKind.UPLOAD_DOCUMENT,
                     {"document_id": document.id})
    submission, upload = outbox_rows(store, broken)

    d = dispatcher(store, client)
    report = d.drain(timeout=20)
    assert (report.sent, report.dead, report.remaining) == (1, 1, 1)
    refused = outbox_row(store, submission.id)
    assert refused.status == OutboxStatus.DEAD
    assert "nothing_to_finance" in (refused.last_error or "")
    assert status_of(store, broken) == ApplicationStatus.QUEUED
    assert status_of(store, fine) == ApplicationStatus.CONTRACT_READY
    outbox = OutboxService(store)
    assert outbox.counts() == {"pending": 1, "dead": 1, "stuck": 0}

    manager = user(store, "manager")
    outbox.discard(manager, submission.id)
    assert outbox_row(store, submission.id).status == OutboxStatus.DISCARDED
    assert outbox_row(store, upload.id).status == OutboxStatus.DISCARDED
    assert status_of(store, broken) == ApplicationStatus.DRAFT
    (entry,) = audit_for(store, AuditAction.DISCARD, str(submission.id))
    assert entry.username == "manager" and "nothing_to_finance" in entry.detail
    assert d.due() == [] and d.run_once().sent == 0
    assert outbox.counts() == {"pending": 0, "dead": 0, "stuck": 0}
    assert outbox.items(manager) == []
    kept = {i.id: i.status for i in outbox.items(manager, include_sent=True)}
    assert kept[submission.id] == kept[upload.id] == OutboxStatus.DISCARDED
    with pytest.raises(InvalidStateError):
        outbox.discard(manager, submission.id)
    with pytest.raises(InvalidStateError):
        outbox.resend(manager, submission.id)
    # Nothing of it reached central; back at the desk it can be corrected.
    with store.read() as s:
        reference = repo.application_state(s, broken)[0]
    assert reference not in {a.client_reference for a in client.iter_applications()}
    ApplicationService(store).save_draft(user(store, "consultant"), broken, {"step": "quote"},
                                         down_payment=Money(1_000_000))
    with store.read() as s:
        assert repo.get_application_draft(s, store.cipher, broken) == {"step": "quote"}
        row = s.get(ApplicationRow, broken)
        assert row is not None and row.down_payment_fen == 1_000_000


# --- drafts -------------------------------------------------------------------------------------


def test_only_a_draft_can_be_edited(store: Store, client: CentralClient) -> None:
    (app_id,) = queue_apps(store, 1, seed=303)
    service, consultant = ApplicationService(store), user(store, "consultant")

    def snapshot() -> tuple:
        with store.read() as s:
            row = s.get(ApplicationRow, app_id)
            assert row is not None
            return (row.status, row.draft_enc, row.product_code, row.vehicle_price_fen,
                    row.down_payment_fen, row.financed_amount_fen, row.term_months,
                    row.updated_at)

    before = snapshot()
    assert before[0] == ApplicationStatus.QUEUED
    with pytest.raises(ApplicationLockedError):
        service.save_draft(consultant, app_id, {"step": "quote"}, term_months=12,
                           down_payment=Money(1))
    assert snapshot() == before

    steer(store, app_id, APPROVE_ID)
    dispatcher(store, client).drain(timeout=20)
    sent = snapshot()
    assert sent[0] == ApplicationStatus.CONTRACT_READY
    with pytest.raises(ApplicationLockedError):
        service.save_draft(consultant, app_id, {"step": "quote"}, product_code="direct_lease")
    assert snapshot() == sent
    assert audit_for(store, AuditAction.CHANGE, app_id) == []  # refused: nothing recorded

    with store.transaction() as s:
        app = s.get(ApplicationRow, app_id)
        assert app is not None
        draft_id = repo.add_application(
            s, store.cipher, reference="SR-PYTEST-DRAFT", dealer_id=app.dealer_id,
            consultant_id=consultant.id, customer_type=CustomerType(app.customer_type),
            vehicle_price=Money(10_000_000), down_payment=Money(2_000_000), term_months=36,
            draft={"step": "vehicle"})
    service.save_draft(consultant, draft_id, {"step": "quote", "term_months": 24},
                       product_code="auto_loan", down_payment=Money(3_000_000),
                       term_months=24)
    with store.read() as s:
        row = s.get(ApplicationRow, draft_id)
        assert row is not None
        assert row.status == ApplicationStatus.DRAFT
        assert (row.product_code, row.term_months) == ("auto_loan", 24)
        assert (row.down_payment_fen, row.financed_amount_fen) == (3_000_000, 7_000_000)
        assert repo.get_application_draft(s, store.cipher, draft_id) == {
            "step": "quote", "term_months": 24}
    assert [e.username for e in audit_for(store, AuditAction.CHANGE, draft_id)] == [
        "consultant"]


# --- withdraw and sign, end to end ----------------------------------------------------------


def test_withdrawal_shows_at_once_and_reaches_central_exactly_once(
    store: Store, client: CentralClient, central
) -> None:
    ready, declined = decided(store, client, [APPROVE_ID, DECLINE_ID], seed=404)
    assert status_of(store, ready) == ApplicationStatus.CONTRACT_READY
    assert status_of(store, declined) == ApplicationStatus.DECLINED
    service, consultant = ApplicationService(store), user(store, "consultant")

    for reason in ("", "   ", "x" * 501):
        with pytest.raises(ValidationError):
            service.withdraw(consultant, ready, reason)
    with pytest.raises(InvalidStateError):
        service.withdraw(consultant, declined, "客户改为全款购车")
    assert status_of(store, ready) == ApplicationStatus.CONTRACT_READY
    assert len(outbox_rows(store, ready)) == 1 and len(outbox_rows(store, declined)) == 1

    key = service.withdraw(consultant, ready, "  客户改为全款购车  ")
    assert status_of(store, ready) == ApplicationStatus.WITHDRAWN  # at once, offline too
    row = outbox_rows(store, ready)[-1]
    assert (row.kind, row.status, row.idempotency_key) == (
        OutboxKind.WITHDRAW_APPLICATION, OutboxStatus.PENDING, key)
    assert payload_of(store, row.id) == {"reason": "客户改为全款购车"}
    with pytest.raises(InvalidStateError):
        service.withdraw(consultant, ready, "again")  # already withdrawn here

    central_id = central_id_of(store, ready)
    d = dispatcher(store, client)
    report = d.drain(timeout=20)
    assert (report.sent, report.dead, report.remaining) == (1, 0, 0)
    assert d.drain(timeout=5).sent == 0
    assert outbox_row(store, row.id).status == OutboxStatus.SENT
    assert status_of(store, ready) == ApplicationStatus.WITHDRAWN
    with central.db.read() as s:
        remote = s.get(CentralApplication, central_id)
        assert remote is not None and remote.status == "withdrawn"
        assert remote.reasons[-1]["code"] == "withdrawn_by_dealer"
        assert "客户改为全款购车" in remote.reasons[-1]["zh"]
        assert s.scalar(select(func.count()).select_from(StatusEvent).where(
            StatusEvent.application_id == central_id,
            StatusEvent.status == "withdrawn")) == 1


def _sign_and_drain(store: Store, client: CentralClient, app_id: str) -> str:
    key = ApplicationService(store).sign(
        user(store, "consultant"), app_id, "张伟", signature_png(), STROKES,
        datetime(2026, 3, 1, 10, 30, tzinfo=UTC))
    report = dispatcher(store, client).drain(timeout=20)
    assert report.dead == 0, outbox_rows(store, app_id)[-1].last_error
    return key


def test_signing_reaches_central_once_and_the_application_turns_signed(
    store: Store, client: CentralClient, central
) -> None:
    (app_id,) = decided(store, client, [APPROVE_ID], seed=505)
    assert status_of(store, app_id) == ApplicationStatus.CONTRACT_READY
    _sign_and_drain(store, client, app_id)
    assert status_of(store, app_id) == ApplicationStatus.SIGNED
    central_id = central_id_of(store, app_id)
    with central.db.read() as s:
        contract = s.scalars(select(CentralContract).where(
            CentralContract.application_id == central_id)).one()
        assert contract.signed_pdf and contract.signer_name == "张伟"
        assert contract.signature_png == signature_png()
    assert dispatcher(store, client).drain(timeout=5).sent == 0


def test_sign_refuses_what_cannot_be_signed(store: Store, client: CentralClient) -> None:
    ready, declined = decided(store, client, [APPROVE_ID, DECLINE_ID], seed=606)
    service, consultant = ApplicationService(store), user(store, "consultant")
    at = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    with pytest.raises(ValidationError):
        service.sign(consultant, ready, "张伟", b"GIF89a...", STROKES, at)
    with pytest.raises(ValidationError):
        service.sign(consultant, ready, "  ", signature_png(), STROKES, at)
    with pytest.raises(ValidationError):
        service.sign(consultant, ready, "张伟", signature_png(), STROKES,
                     at.replace(tzinfo=None))
    with pytest.raises(InvalidStateError):
        service.sign(consultant, declined, "张伟", signature_png(), STROKES, at)
    assert len(outbox_rows(store, ready)) == 1  # nothing was queued
    key = service.sign(consultant, ready, " 张伟 ", signature_png(), STROKES, at)
    row = outbox_rows(store, ready)[-1]
    assert (row.kind, row.idempotency_key) == (OutboxKind.SIGN_CONTRACT, key)
    body = payload_of(store, row.id)
    assert body["signer_name"] == "张伟" and body["strokes"] == STROKES
    assert body["signed_at"] == at.isoformat()
    # Signed only once central has placed the signature in the PDF.
    assert status_of(store, ready) == ApplicationStatus.CONTRACT_READY
