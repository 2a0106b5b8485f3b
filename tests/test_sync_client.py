"""The desk's central client against the reference service, over real HTTP."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import update

from central.db import Token, utcnow
from central.schemas import APPLICATION_EXAMPLE
from sync.client import (
    CentralAuthError,
    CentralClient,
    CentralRejected,
    CentralServerError,
    CentralUnavailable,
    Tokens,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body(ref: str) -> dict:
    return {**APPLICATION_EXAMPLE, "client_reference": ref}


@pytest.fixture
def client(central):
    saved: list[Tokens] = []
    central.dealer_token()  # the dealer with its catalog and campaigns
    c = CentralClient(central.url, on_tokens=saved.append)
    c.enroll("DEMO001", central.activation_code("DEMO001"), "前台电脑")
    c.saved = saved  # type: ignore[attr-defined]
    yield c
    c.close()


def test_enrollment_hands_the_tokens_to_the_desk_to_keep(client) -> None:
    assert client.tokens is not None and client.tokens.dealer_code == "DEMO001"
    assert client.saved == [client.tokens]
    assert client.health() is True and client.version()["api_version"] == "1.0"


def test_a_wrong_activation_code_is_refused_with_the_servers_words(central) -> None:
    c = CentralClient(central.url)
    with pytest.raises(CentralRejected) as err:
        c.enroll("DEMO001", "WRONG-CODE-1234", "pc")
    assert err.value.status == 403 and err.value.code == "enrollment_refused"
    assert err.value.zh and "激活码" in err.value.zh


def test_submit_replay_and_a_reused_key(client) -> None:
    key = uuid.uuid4().hex
    first = client.submit_application(body("CL-1"), key)
    again = client.submit_application(body("CL-1"), key)
    assert not first.replayed and again.replayed and again.application == first.application
    assert first.application.status == "contract_ready"
    assert all(r.zh and r.en for r in first.application.reasons)
    with pytest.raises(CentralRejected) as err:
        client.submit_application(body("CL-2"), key)
    assert err.value.code == "idempotency_key_reused" and not err.value.retryable
    assert [a.client_reference for a in client.iter_applications(limit=1)] == ["CL-1"]


def test_an_expired_access_token_is_refreshed_once_and_persisted(client, central) -> None:
    with central.db.session() as s:
        s.execute(update(Token).where(Token.kind == "access")
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    old = client.tokens
    submitted = client.submit_application(body("CL-R"), uuid.uuid4().hex)
    assert submitted.application.client_reference == "CL-R"
    assert client.tokens != old and client.saved[-1] == client.tokens
    # A revoked device cannot refresh its way back in.
    with central.db.session() as s:
        s.execute(update(Token).values(revoked_at=utcnow()))
    with pytest.raises(CentralAuthError):
        client.get_application(submitted.application.id)


def test_decisions_documents_contract_catalog_campaigns(client) -> None:
    app = client.submit_application(body("CL-D"), uuid.uuid4().hex).application
    page = client.decisions("0")
    assert [e.status for e in page.events][-1] == "contract_ready"
    assert client.decisions(page.next_cursor).events == ()

    data = os.urandom(2 * 1024 * 1024 + 123)
    upload = client.start_upload(app.id, "id_card_front", "image/jpeg", data)
    client.put_chunk(upload.upload_id, 0, data[:1024 * 1024])  # then the line goes down
    done = client.resume_upload(upload.upload_id, data)  # ...and later resumes
    assert done.complete and done.document_id and done.received_bytes == len(data)

    info = client.contract_info(app.id)
    pdf = client.contract_pdf(app.id)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == info.pdf_sha256

    first = client.catalog()
    assert first.catalog is not None and first.etag
    assert client.catalog(first.etag).catalog is None  # 304: the copy we hold is current
    campaigns = client.campaigns()
    assert campaigns.items and client.campaigns(campaigns.next_cursor).items == ()


def test_no_server_is_a_retryable_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    c = CentralClient(f"http://127.0.0.1:{free_port()}", timeout=(1.0, 1.0))
    assert c.health() is False
    with pytest.raises(CentralUnavailable) as err:
        c.enroll("DEMO001", "ABCD-EFGH-JKLM", "pc")
    assert err.value.retryable


def test_a_server_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts the connection, never reads nor answers
    try:
        c = CentralClient(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=(1.0, 0.5))
        with pytest.raises(CentralUnavailable, match="in time"):
            c.version()
    finally:
        listener.close()


def test_a_proxys_html_error_page_is_a_retryable_server_error() -> None:
    class Gateway(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = b"<html><body>502 Bad Gateway</body></html>"
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        c = CentralClient(f"http://127.0.0.1:{server.server_port}")
        with pytest.raises(CentralServerError) as err:
            c.version()
        assert err.value.retryable and err.value.status == 502
    finally:
        server.shutdown()


def test_proxies_from_the_environment_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = free_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    # The target itself is reachable only through the (dead) proxy: the error names it.
    c = CentralClient("http://central.example.invalid", timeout=(1.0, 1.0))
    with pytest.raises(CentralUnavailable, match=r"(?i)proxy"):
        c.version()
