"""The reference central service over real HTTP (uvicorn on 127.0.0.1, `requests`).

Every endpoint, bad input, dealers isolated from each other, idempotency (20 concurrent
replays), resumable uploads, contracts and signatures, catalog and campaigns, the CLI on
the same database, and a server killed in the middle of a submission burst.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from central.schemas import APPLICATION_EXAMPLE, CHUNK_BYTES

BIN = Path(sys.executable).parent
CLI = str(BIN / "showroom-central")
TIMEOUT = 30

# Test identities (central/decision.py docstring).
APPROVE_ID = "110105198803151232"
DECLINE_ID = "310104197906222044"
REVIEW_ID = "440305199009083158"
MULTI_LENDER_ID = "510107199101274264"
CONDITIONAL_ID = "330106199211115379"

PRICE = APPLICATION_EXAMPLE["vehicle"]["price_fen"]
STANDARD_DOWN = PRICE * 20 // 100  # the documented standard application: 20 % down


# --------------------------------------------------------------------------- helpers


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(url: str, token: str | None = None, **kw: Any) -> requests.Response:
    headers = {**(bearer(token) if token else {}), **kw.pop("headers", {})}
    return requests.get(url, headers=headers, timeout=TIMEOUT, **kw)


def post(url: str, token: str | None = None, **kw: Any) -> requests.Response:
    headers = {**(bearer(token) if token else {}), **kw.pop("headers", {})}
    return requests.post(url, headers=headers, timeout=TIMEOUT, **kw)


def put(url: str, token: str | None = None, **kw: Any) -> requests.Response:
    headers = {**(bearer(token) if token else {}), **kw.pop("headers", {})}
    return requests.put(url, headers=headers, timeout=TIMEOUT, **kw)


def application(ref: str, id_number: str = APPROVE_ID, down_fen: int | None = None,
                product: str | None = None) -> dict:
    body = copy.deepcopy(APPLICATION_EXAMPLE)
    body["client_reference"] = ref
    body["applicant"]["id_number"] = id_number
    if down_fen is not None:
        body["quote"]["down_payment_fen"] = down_fen
    if product is not None:
        body["quote"]["product_code"] = product
    return body


def submit(base: str, token: str, body: dict, key: str | None = None) -> requests.Response:
    return post(f"{base}/v1/applications", token, json=body,
                headers={"Idempotency-Key": key or uuid.uuid4().hex})


def submitted(base: str, token: str, body: dict) -> dict:
    r = submit(base, token, body)
    assert r.status_code == 201, r.text
    return r.json()


def assert_error(r: requests.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"]["zh"], str) and body["message"]["zh"]
    assert isinstance(body["message"]["en"], str) and body["message"]["en"]
    assert isinstance(body.get("field_errors", []), list)
    if code is not None:
        assert body["code"] == code, body
    return body


def feed(base: str, token: str, cursor: str = "0", **params: Any) -> dict:
    r = get(f"{base}/v1/decisions", token, params={"cursor": cursor, **params})
    assert r.status_code == 200, r.text
    return r.json()


def statuses_of(events: list[dict], application_id: str) -> list[str]:
    return [e["status"] for e in events if e["application_id"] == application_id]


def png(width: int = 120, height: int = 40) -> bytes:
    """A real grayscale PNG: a white field with a dark diagonal stroke."""
    rows = []
    for y in range(height):
        line = bytearray([255] * width)
        x = y * width // height
        for dx in range(max(0, x - 1), min(width, x + 2)):
            line[dx] = 0x10
        rows.append(b"\x00" + bytes(line))  # filter type 0, then the pixels
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def signature(name: str = "张伟") -> dict:
    return {"signer_name": name, "consultant": "李顾问",
            "signed_at": "2026-11-29T11:02:00+08:00",
            "image_png_base64": base64.b64encode(png()).decode(),
            "strokes": [[{"x": 10, "y": 12, "t": 0}, {"x": 40, "y": 30, "t": 120},
                         {"x": 90, "y": 35, "t": 260}]]}


def sign(base: str, token: str, app_id: str, body: dict, key: str | None
         ) -> requests.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return post(f"{base}/v1/applications/{app_id}/contract/signature", token, json=body,
                headers=headers)


def first_page_text(pdf: bytes) -> str:
    return PdfReader(BytesIO(pdf)).pages[0].extract_text(extraction_mode="layout")


def cli(*args: str, db: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([CLI, *args, "--db", db], capture_output=True, text=True,
                            timeout=60, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1].strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- health, auth


def test_health_and_version_need_no_token(central) -> None:
    r = get(f"{central.url}/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["time"]
    r = get(f"{central.url}/v1/version")
    assert r.status_code == 200
    body = r.json()
    assert body["service"] == "showroom-central"
    assert body["version"] and body["api_version"] == "1.0"


def protected_calls(app_id: str = "0" * 32, upload_id: str = "0" * 32
                    ) -> list[tuple[str, str, dict]]:
    """Every endpoint that needs a token, with a body that would otherwise be valid."""
    upload = {"doc_type": "id_card_front", "mime_type": "image/jpeg", "size_bytes": 10,
              "sha256": "0" * 64}
    return [
        ("POST", "/v1/devices/revoke", {}),
        ("POST", "/v1/applications",
         {"json": application("AUTH-1"), "headers": {"Idempotency-Key": "auth-key-0001"}}),
        ("GET", "/v1/applications", {}),
        ("GET", f"/v1/applications/{app_id}", {}),
        ("GET", "/v1/decisions", {}),
        ("POST", f"/v1/applications/{app_id}/documents", {"json": upload}),
        ("GET", f"/v1/uploads/{upload_id}", {}),
        ("PUT", f"/v1/uploads/{upload_id}/chunks/0",
         {"data": b"0123456789", "headers": {"Content-Type": "application/octet-stream"}}),
        ("POST", f"/v1/uploads/{upload_id}/complete", {}),
        ("GET", f"/v1/applications/{app_id}/contract", {}),
        ("GET", f"/v1/applications/{app_id}/contract/pdf", {}),
        ("GET", f"/v1/applications/{app_id}/contract/signed.pdf", {}),
        ("POST", f"/v1/applications/{app_id}/contract/signature",
         {"json": signature(), "headers": {"Idempotency-Key": "auth-key-0002"}}),
        ("GET", "/v1/catalog", {}),
        ("GET", "/v1/campaigns", {}),
    ]


def assert_all_unauthorized(base: str, authorization: str | None, calls: list) -> None:
    for method, path, kw in calls:
        headers = dict(kw.get("headers", {}))
        if authorization is not None:
            headers["Authorization"] = authorization
        r = requests.request(method, base + path, timeout=TIMEOUT,
                             **{**kw, "headers": headers})
        assert r.status_code == 401, (method, path, authorization, r.status_code, r.text)
        assert_error(r, 401)


def test_every_protected_endpoint_answers_401(central) -> None:
    token = central.dealer_token()
    app = submitted(central.url, token, application("AUTH-REAL"))
    start = post(f"{central.url}/v1/applications/{app['id']}/documents", token,
                 json={"doc_type": "id_card_front", "mime_type": "image/jpeg",
                       "size_bytes": 10, "sha256": "0" * 64})
    assert start.status_code == 201, start.text
    # Real ids: the 401 must not depend on whether the resource exists.
    calls = protected_calls(app["id"], start.json()["upload_id"])

    assert_all_unauthorized(central.url, None, calls)
    assert_all_unauthorized(central.url, "Bearer a1.garbage-token-that-was-never-issued", calls)
    assert_all_unauthorized(central.url, "Basic dXNlcjpwYXNz", calls)
    assert_all_unauthorized(central.url, f"Bearer {token}x", calls)

    doomed = central.dealer_token()
    assert get(f"{central.url}/v1/applications", doomed).status_code == 200
    r = post(f"{central.url}/v1/devices/revoke", doomed)
    assert r.status_code == 204, r.text
    assert_all_unauthorized(central.url, f"Bearer {doomed}", calls)

    # Another device of the same dealer is unaffected, and nothing was created meanwhile.
    listing = get(f"{central.url}/v1/applications", token).json()
    assert [a["client_reference"] for a in listing["items"]] == ["AUTH-REAL"]


# --------------------------------------------------------------------------- enrollment


def test_enrollment_is_one_time_and_refresh_rotates(central) -> None:
    central.dealer_token()  # creates DEMO001
    central.dealer_token("D2", "二号车行")
    code = central.activation_code("DEMO001")
    enroll = f"{central.url}/v1/devices/enroll"

    wrong_dealer = post(enroll, json={"dealer_code": "D2", "activation_code": code,
                                      "device_name": "前台电脑 1"})
    assert_error(wrong_dealer, 403, "enrollment_refused")

    r = post(enroll, json={"dealer_code": "DEMO001", "activation_code": code,
                           "device_name": "前台电脑 1"})
    assert r.status_code == 201, r.text
    pair = r.json()
    assert pair["dealer_code"] == "DEMO001" and pair["token_type"] == "Bearer"
    assert pair["device_id"] and pair["access_token"] != pair["refresh_token"]
    assert get(f"{central.url}/v1/applications", pair["access_token"]).status_code == 200

    again = post(enroll, json={"dealer_code": "DEMO001", "activation_code": code,
                               "device_name": "前台电脑 2"})
    assert_error(again, 403, "enrollment_refused")
    garbage = post(enroll, json={"dealer_code": "DEMO001", "activation_code": "AAAA-BBBB-CCCC",
                                 "device_name": "x"})
    assert_error(garbage, 403, "enrollment_refused")
    unknown = post(enroll, json={"dealer_code": "NOPE42", "activation_code": code,
                                 "device_name": "x"})
    assert_error(unknown, 403, "enrollment_refused")
    extra = post(enroll, json={"dealer_code": "DEMO001", "activation_code": code,
                               "device_name": "x", "admin": True})
    body = assert_error(extra, 422, "validation_error")
    assert any(f["field"].endswith("admin") for f in body["field_errors"])

    refresh = f"{central.url}/v1/devices/refresh"
    r = post(refresh, json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["device_id"] == pair["device_id"]
    assert rotated["refresh_token"] != pair["refresh_token"]
    assert rotated["access_token"] != pair["access_token"]
    assert get(f"{central.url}/v1/applications", rotated["access_token"]).status_code == 200
    assert_error(post(refresh, json={"refresh_token": pair["refresh_token"]}), 401)

    # A revoked device can neither call nor refresh.
    assert post(f"{central.url}/v1/devices/revoke", rotated["access_token"]).status_code == 204
    assert_error(get(f"{central.url}/v1/applications", rotated["access_token"]), 401)
    assert_error(post(refresh, json={"refresh_token": rotated["refresh_token"]}), 401)


# --------------------------------------------------------------------------- idempotency


def test_submission_idempotency(central) -> None:
    token = central.dealer_token()
    base = central.url
    body = application("IDEM-0001")

    missing = post(f"{base}/v1/applications", token, json=body)
    assert_error(missing, 422, "idempotency_key_required")
    short = submit(base, token, body, key="short")
    assert_error(short, 422, "idempotency_key_required")
    assert get(f"{base}/v1/applications", token).json()["items"] == []

    key = "idem-" + uuid.uuid4().hex
    first = submit(base, token, body, key)
    assert first.status_code == 201, first.text
    assert first.headers["Idempotency-Replayed"] == "false"
    created = first.json()
    assert created["id"] and created["client_reference"] == "IDEM-0001"
    assert created["status"] == "contract_ready"

    replay = submit(base, token, body, key)
    assert replay.status_code == 201
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert replay.content == first.content

    changed = copy.deepcopy(body)
    changed["vehicle"]["price_fen"] += 100
    assert_error(submit(base, token, changed, key), 422, "idempotency_key_reused")
    # The refusal does not poison the key: the original body still replays.
    assert submit(base, token, body, key).content == first.content

    dup = submit(base, token, body, "idem-other-" + uuid.uuid4().hex)
    err = assert_error(dup, 409, "duplicate_client_reference")
    assert created["id"] in err["message"]["en"]

    items = get(f"{base}/v1/applications", token).json()["items"]
    assert [a["id"] for a in items] == [created["id"]]
    r = get(f"{base}/v1/applications/{created['id']}", token)
    assert r.status_code == 200 and r.json()["client_reference"] == "IDEM-0001"
    assert_error(get(f"{base}/v1/applications/{'f' * 32}", token), 404, "not_found")


def test_twenty_concurrent_replays_make_one_application(central) -> None:
    """THE acceptance test: 20 simultaneous copies of one new submission under one key."""
    token = central.dealer_token()
    body, key = application("CONC-0001"), "conc-" + uuid.uuid4().hex
    barrier = threading.Barrier(20)

    def one(_: int) -> tuple[int, bytes, str]:
        with requests.Session() as session:
            session.get(f"{central.url}/v1/health", timeout=TIMEOUT)  # connect first
            barrier.wait(timeout=30)
            r = session.post(f"{central.url}/v1/applications", json=body, timeout=60,
                             headers={**bearer(token), "Idempotency-Key": key})
            return r.status_code, r.content, r.headers.get("Idempotency-Replayed", "")

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one, range(20)))

    assert [status for status, _, _ in answers] == [201] * 20, answers
    assert len({content for _, content, _ in answers}) == 1
    assert sorted(flag for _, _, flag in answers) == ["false"] + ["true"] * 19
    items = get(f"{central.url}/v1/applications", token).json()["items"]
    assert [a["client_reference"] for a in items] == ["CONC-0001"]
    assert items[0]["id"] == json.loads(answers[0][1])["id"]
    events = feed(central.url, token)["events"]
    assert statuses_of(events, items[0]["id"]) == [
        "submitted", "in_review", "approved", "contract_ready"]


def test_bad_application_bodies_are_clear_4xx_never_500(central) -> None:
    token = central.dealer_token()
    base = central.url

    extra = application("BAD-0001")
    extra["nickname"] = "小张"
    body = assert_error(submit(base, token, extra), 422, "validation_error")
    assert [f["field"] for f in body["field_errors"]] == ["body.nickname"]
    assert all(f["message"]["zh"] and f["message"]["en"] for f in body["field_errors"])

    nested = application("BAD-0002")
    nested["applicant"]["wechat"] = "zw88"
    body = assert_error(submit(base, token, nested), 422, "validation_error")
    assert "body.applicant.wechat" in [f["field"] for f in body["field_errors"]]

    wrong_type = application("BAD-0003")
    wrong_type["vehicle"]["price_fen"] = "a lot"
    body = assert_error(submit(base, token, wrong_type), 422, "validation_error")
    assert "body.vehicle.price_fen" in [f["field"] for f in body["field_errors"]]

    no_consent = application("BAD-0004")
    no_consent["consents"]["credit_inquiry"] = False
    assert_error(submit(base, token, no_consent), 422, "validation_error")

    nothing = application("BAD-0005", down_fen=PRICE)
    assert_error(submit(base, token, nothing), 422, "nothing_to_finance")

    broken = post(f"{base}/v1/applications", token, data=b'{"client_reference": ',
                  headers={"Idempotency-Key": "broken-json-1", "Content-Type":
                           "application/json"})
    assert_error(broken, 422)

    big = b'{"client_reference": "' + b"x" * (4 * 1024 * 1024 + 16) + b'"}'
    too_large = post(f"{base}/v1/applications", token, data=big,
                     headers={"Idempotency-Key": "too-large-001",
                              "Content-Type": "application/json"})
    assert_error(too_large, 413, "too_large")

    # Nothing of the above was stored.
    assert get(f"{base}/v1/applications", token).json()["items"] == []


# --------------------------------------------------------------------------- decisions


@pytest.mark.parametrize(("id_number", "down_fen", "outcome", "final"), [
    (APPROVE_ID, STANDARD_DOWN, "approved", "contract_ready"),
    (DECLINE_ID, STANDARD_DOWN, "declined", "declined"),
    (REVIEW_ID, STANDARD_DOWN, "manual_review", "manual_review"),
    (MULTI_LENDER_ID, STANDARD_DOWN, "manual_review", "manual_review"),
    (CONDITIONAL_ID, STANDARD_DOWN, "conditional", "conditional"),
    (CONDITIONAL_ID, PRICE * 30 // 100, "approved", "contract_ready"),
], ids=["approve", "decline", "manual-review", "multi-lender", "conditional",
        "conditional-with-30pct-down"])
def test_decision_outcomes_for_test_identities(central, id_number: str, down_fen: int,
                                               outcome: str, final: str) -> None:
    token = central.dealer_token()
    app = submitted(central.url, token, application("DEC-" + id_number[-6:], id_number,
                                                    down_fen))
    assert app["status"] == final
    assert app["reasons"], app
    assert all(r["code"] and r["zh"] and r["en"] for r in app["reasons"])
    if outcome == "conditional":
        assert len(app["conditions"]) >= 1
        cond = {c["code"]: c for c in app["conditions"]}
        assert cond["min_down_payment_ratio"]["value"] == "0.30"
        assert all(c["zh"] and c["en"] for c in app["conditions"])
    else:
        assert app["conditions"] == []
    if id_number == MULTI_LENDER_ID:
        assert "many_recent_inquiries" in [r["code"] for r in app["reasons"]]

    events = feed(central.url, token)["events"]
    expected = ["submitted", "in_review", outcome]
    if final == "contract_ready":
        expected.append("contract_ready")
    assert statuses_of(events, app["id"]) == expected
    decided = next(e for e in events if e["status"] == outcome)
    assert decided["reasons"] and all(r["zh"] and r["en"] for r in decided["reasons"])
    contract = get(f"{central.url}/v1/applications/{app['id']}/contract", token)
    if final == "contract_ready":
        assert contract.status_code == 200
    else:
        assert_error(contract, 409, "contract_not_ready")


def test_decision_feed_order_cursor_and_bad_cursor(central) -> None:
    token = central.dealer_token()
    base = central.url
    approved = submitted(base, token, application("FEED-1"))
    declined = submitted(base, token, application("FEED-2", DECLINE_ID, STANDARD_DOWN))

    page = feed(base, token, "0")
    events = page["events"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert [(e["client_reference"], e["status"]) for e in events] == [
        ("FEED-1", "submitted"), ("FEED-1", "in_review"), ("FEED-1", "approved"),
        ("FEED-1", "contract_ready"),
        ("FEED-2", "submitted"), ("FEED-2", "in_review"), ("FEED-2", "declined")]
    assert {e["application_id"] for e in events} == {approved["id"], declined["id"]}
    assert page["next_cursor"] == str(seqs[-1])
    assert feed(base, token, "")["events"] == events  # empty cursor: from the start

    later = feed(base, token, page["next_cursor"])
    assert later["events"] == [] and later["next_cursor"] == page["next_cursor"]

    middle = feed(base, token, str(seqs[2]))
    assert [e["seq"] for e in middle["events"]] == seqs[3:]
    limited = feed(base, token, "0", limit=2)
    assert [e["seq"] for e in limited["events"]] == seqs[:2]
    assert limited["next_cursor"] == str(seqs[1])

    for bad in ("abc", "-1", "1.5", "9" * 19):
        assert_error(get(f"{base}/v1/decisions", token, params={"cursor": bad}), 422)
    assert_error(get(f"{base}/v1/decisions", token, params={"wait": 31}), 422)
    assert_error(get(f"{base}/v1/decisions", token, params={"limit": 0}), 422)


def test_decision_feed_long_poll_wakes_up_on_a_submission(central) -> None:
    token = central.dealer_token()
    base = central.url
    submitted(base, token, application("POLL-0"))
    cursor = feed(base, token)["next_cursor"]

    result: dict[str, Any] = {}

    def poll() -> None:
        started = time.monotonic()
        r = get(f"{base}/v1/decisions", token, params={"cursor": cursor, "wait": 5})
        result["elapsed"], result["response"] = time.monotonic() - started, r

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)  # the long-poll is waiting on the server
    new = submitted(base, token, application("POLL-1"))
    poller.join(timeout=15)
    assert not poller.is_alive()

    r = result["response"]
    assert r.status_code == 200, r.text
    assert 0.4 <= result["elapsed"] < 3.0, result["elapsed"]  # held, then woken early
    events = r.json()["events"]
    assert events and all(e["seq"] > int(cursor) for e in events)
    assert {e["application_id"] for e in events} == {new["id"]}
    assert events[0]["status"] == "submitted"

    # Nothing happening: the long-poll answers empty when its wait is over.
    started = time.monotonic()
    quiet = feed(base, token, r.json()["next_cursor"], wait=1)
    assert quiet["events"] == [] and time.monotonic() - started >= 0.9


# --------------------------------------------------------------------------- isolation


def test_dealers_are_isolated(central) -> None:
    base = central.url
    one = central.dealer_token()
    two = central.dealer_token("D2", "二号车行")

    key = "shared-key-" + uuid.uuid4().hex
    app = submit(base, one, application("ISO-1"), key).json()
    app_id = app["id"]
    data = os.urandom(1000)
    start = post(f"{base}/v1/applications/{app_id}/documents", one,
                 json={"doc_type": "id_card_front", "mime_type": "image/jpeg",
                       "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    upload_id = start.json()["upload_id"]
    assert sign(base, one, app_id, signature(), "sig-" + uuid.uuid4().hex).status_code == 201

    assert get(f"{base}/v1/applications", two).json() == {"items": [], "next_cursor": None}
    assert feed(base, two)["events"] == []
    octets = {"Content-Type": "application/octet-stream"}
    for r in (
        get(f"{base}/v1/applications/{app_id}", two),
        get(f"{base}/v1/applications/{app_id}/contract", two),
        get(f"{base}/v1/applications/{app_id}/contract/pdf", two),
        get(f"{base}/v1/applications/{app_id}/contract/signed.pdf", two),
        sign(base, two, app_id, signature(), "sig-" + uuid.uuid4().hex),
        post(f"{base}/v1/applications/{app_id}/documents", two,
             json={"doc_type": "id_card_back", "mime_type": "image/jpeg", "size_bytes": 5,
                   "sha256": "0" * 64}),
        get(f"{base}/v1/uploads/{upload_id}", two),
        put(f"{base}/v1/uploads/{upload_id}/chunks/0", two, data=data, headers=octets),
        post(f"{base}/v1/uploads/{upload_id}/complete", two),
    ):
        assert_error(r, 404)

    # Dealer 2's attempts changed nothing of dealer 1's.
    state = get(f"{base}/v1/uploads/{upload_id}", one).json()
    assert state["received_bytes"] == 0 and not state["complete"]

    # Client references and idempotency keys are per dealer.
    mine = submit(base, two, application("ISO-1", DECLINE_ID, STANDARD_DOWN), key)
    assert mine.status_code == 201, mine.text
    assert mine.headers["Idempotency-Replayed"] == "false"
    assert mine.json()["id"] != app_id
    assert [a["id"] for a in get(f"{base}/v1/applications", two).json()["items"]] == [
        mine.json()["id"]]
    assert {e["application_id"] for e in feed(base, two)["events"]} == {mine.json()["id"]}
    assert [a["id"] for a in get(f"{base}/v1/applications", one).json()["items"]] == [app_id]
    assert {e["application_id"] for e in feed(base, one)["events"]} == {app_id}


# --------------------------------------------------------------------------- paging


def test_application_paging(central) -> None:
    token = central.dealer_token()
    refs = [f"PAGE-{i}" for i in range(7)]
    for ref in refs:
        submitted(central.url, token, application(ref, DECLINE_ID, STANDARD_DOWN))

    seen: list[str] = []
    sizes = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        r = get(f"{central.url}/v1/applications", token, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        sizes.append(len(page["items"]))
        seen.extend(a["client_reference"] for a in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert seen == refs  # oldest first, no duplicates, none missing


def test_application_paging_bounds(central) -> None:
    token = central.dealer_token()
    for ref in ("BOUND-1", "BOUND-2"):
        submitted(central.url, token, application(ref, DECLINE_ID, STANDARD_DOWN))
    url = f"{central.url}/v1/applications"
    whole = get(url, token, params={"limit": 500}).json()
    assert [a["client_reference"] for a in whole["items"]] == ["BOUND-1", "BOUND-2"]
    assert whole["next_cursor"] is None
    assert_error(get(url, token, params={"limit": 501}), 422, "validation_error")
    assert_error(get(url, token, params={"limit": 0}), 422, "validation_error")
    for bad in ("!!!", "bm90LWEtY3Vyc29y", base64.urlsafe_b64encode(b"yesterday|abc").decode()):
        assert_error(get(url, token, params={"cursor": bad}), 422, "bad_cursor")


# --------------------------------------------------------------------------- documents


def test_resumable_chunked_upload(central) -> None:
    token = central.dealer_token()
    base = central.url
    app = submitted(base, token, application("DOC-1"))
    data = os.urandom(CHUNK_BYTES * 5 // 2)  # 2.5 MiB
    start = post(f"{base}/v1/applications/{app['id']}/documents", token,
                 json={"doc_type": "id_card_front", "mime_type": "image/jpeg",
                       "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    assert start.status_code == 201, start.text
    state = start.json()
    assert state["received_bytes"] == 0 and state["chunk_bytes"] == CHUNK_BYTES
    assert not state["complete"] and state["document_id"] is None
    upload = f"{base}/v1/uploads/{state['upload_id']}"
    octets = {"Content-Type": "application/octet-stream"}

    def send(offset: int) -> requests.Response:
        return put(f"{upload}/chunks/{offset}", token,
                   data=data[offset:offset + CHUNK_BYTES], headers=octets)

    r = send(0)
    assert r.status_code == 200, r.text
    assert r.json()["received_bytes"] == CHUNK_BYTES
    again = send(0)  # the reply was lost: the client sends the same chunk again
    assert again.status_code == 200 and again.json()["received_bytes"] == CHUNK_BYTES

    skipped = send(2 * CHUNK_BYTES)
    err = assert_error(skipped, 409, "offset_mismatch")
    assert str(CHUNK_BYTES) in err["message"]["en"] and str(CHUNK_BYTES) in err["message"]["zh"]

    resume = get(upload, token).json()["received_bytes"]
    assert resume == CHUNK_BYTES
    while resume < len(data):
        r = send(resume)
        assert r.status_code == 200, r.text
        resume = r.json()["received_bytes"]
    assert resume == len(data)

    done = post(f"{upload}/complete", token)
    assert done.status_code == 200, done.text
    assert done.json()["complete"] and done.json()["document_id"]
    assert post(f"{upload}/complete", token).json()["document_id"] == done.json()["document_id"]
    assert get(upload, token).json()["document_id"] == done.json()["document_id"]


def test_upload_checksum_mismatch_and_bad_chunks(central) -> None:
    token = central.dealer_token()
    base = central.url
    app = submitted(base, token, application("DOC-2"))
    data = os.urandom(CHUNK_BYTES + 4096)
    start = post(f"{base}/v1/applications/{app['id']}/documents", token,
                 json={"doc_type": "income_proof", "mime_type": "application/pdf",
                       "size_bytes": len(data),
                       "sha256": hashlib.sha256(b"something else").hexdigest()})
    upload = f"{base}/v1/uploads/{start.json()['upload_id']}"
    octets = {"Content-Type": "application/octet-stream"}

    too_big = put(f"{upload}/chunks/0", token, data=os.urandom(CHUNK_BYTES + 1), headers=octets)
    assert_error(too_big, 422, "bad_chunk")
    empty = put(f"{upload}/chunks/0", token, data=b"", headers=octets)
    assert_error(empty, 422, "bad_chunk")
    assert get(upload, token).json()["received_bytes"] == 0

    first = put(f"{upload}/chunks/0", token, data=data[:CHUNK_BYTES], headers=octets)
    assert first.status_code == 200 and first.json()["received_bytes"] == CHUNK_BYTES
    beyond = put(f"{upload}/chunks/{len(data)}", token, data=b"x", headers=octets)
    assert_error(beyond, 409, "offset_mismatch")
    # The chunk that reaches the announced size checks the sha256 at once.
    last = put(f"{upload}/chunks/{CHUNK_BYTES}", token, data=data[CHUNK_BYTES:], headers=octets)
    assert_error(last, 422, "checksum_mismatch")
    state = get(upload, token).json()
    assert state["received_bytes"] == 0 and not state["complete"]
    assert state["document_id"] is None
    assert_error(post(f"{upload}/complete", token), 422, "checksum_mismatch")
    restart = put(f"{upload}/chunks/0", token, data=data[:CHUNK_BYTES], headers=octets)
    assert restart.status_code == 200 and restart.json()["received_bytes"] == CHUNK_BYTES

    bad_start = post(f"{base}/v1/applications/{app['id']}/documents", token,
                     json={"doc_type": "selfie", "mime_type": "image/gif",
                           "size_bytes": 21 * 1024 * 1024, "sha256": "XYZ"})
    fields = {f["field"] for f in assert_error(bad_start, 422)["field_errors"]}
    assert {"body.doc_type", "body.mime_type", "body.size_bytes", "body.sha256"} <= fields
    assert_error(get(f"{base}/v1/uploads/{'0' * 32}", token), 404)


# --------------------------------------------------------------------------- contracts


def test_contract_pdf_signature_and_immutability(central) -> None:
    token = central.dealer_token()
    base = central.url
    app = submitted(base, token, application("SIGN-1"))
    assert app["status"] == "contract_ready"
    contract_url = f"{base}/v1/applications/{app['id']}/contract"

    info = get(contract_url, token)
    assert info.status_code == 200, info.text
    info = info.json()
    assert info["product_code"] == "auto_loan" and info["number"]
    assert info["signed"] is False and info["signed_sha256"] is None

    pdf = get(f"{contract_url}/pdf", token)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == info["pdf_sha256"]
    text = first_page_text(pdf.content)
    assert "汽车贷款合同" in text and "融资租赁合同" not in text
    assert_error(get(f"{contract_url}/signed.pdf", token), 409, "not_signed")

    sig = signature()
    assert_error(sign(base, token, app["id"], sig, None), 422, "idempotency_key_required")
    unknown = {**sig, "stamp": "公章"}
    assert_error(sign(base, token, app["id"], unknown, "sig-unknown-1"), 422)
    not_png = {**sig, "image_png_base64": "R0lGODlhAQABAAAAACw="}
    assert_error(sign(base, token, app["id"], not_png, "sig-not-png-1"), 422,
                 "signature_unreadable")

    key = "sig-" + uuid.uuid4().hex
    signed = sign(base, token, app["id"], sig, key)
    assert signed.status_code == 201, signed.text
    assert signed.headers["Idempotency-Replayed"] == "false"
    result = signed.json()
    assert result["signed"] is True and result["signer_name"] == "张伟"
    assert result["pdf_sha256"] == info["pdf_sha256"]

    signed_pdf = get(f"{contract_url}/signed.pdf", token)
    assert signed_pdf.status_code == 200
    assert signed_pdf.headers["content-type"] == "application/pdf"
    assert signed_pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(signed_pdf.content).hexdigest() == result["signed_sha256"]
    assert signed_pdf.content != pdf.content
    assert "张伟" in PdfReader(BytesIO(signed_pdf.content)).pages[-1].extract_text()

    replay = sign(base, token, app["id"], sig, key)
    assert replay.status_code == 201 and replay.content == signed.content
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert_error(sign(base, token, app["id"], signature("王芳"), key), 422,
                 "idempotency_key_reused")
    second = sign(base, token, app["id"], signature("王芳"), "sig-" + uuid.uuid4().hex)
    assert_error(second, 409, "already_signed")

    assert get(f"{contract_url}/signed.pdf", token).content == signed_pdf.content
    assert get(f"{contract_url}/pdf", token).content == pdf.content
    after = get(contract_url, token).json()
    assert after["signed_sha256"] == result["signed_sha256"] and after["signer_name"] == "张伟"

    assert get(f"{base}/v1/applications/{app['id']}", token).json()["status"] == "signed"
    assert statuses_of(feed(base, token)["events"], app["id"]) == [
        "submitted", "in_review", "approved", "contract_ready", "signed"]


def test_direct_lease_contract_is_a_finance_lease(central) -> None:
    token = central.dealer_token()
    app = submitted(central.url, token, application("LEASE-1", product="direct_lease"))
    assert app["status"] == "contract_ready"
    url = f"{central.url}/v1/applications/{app['id']}/contract"
    assert get(url, token).json()["product_code"] == "direct_lease"
    pdf = get(f"{url}/pdf", token)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "融资租赁合同" in first_page_text(pdf.content)


def test_signature_before_a_contract_exists_is_refused(central) -> None:
    token = central.dealer_token()
    base = central.url
    declined = submitted(base, token, application("NOSIGN-1", DECLINE_ID, STANDARD_DOWN))
    review = submitted(base, token, application("NOSIGN-2", REVIEW_ID, STANDARD_DOWN))
    for app in (declined, review):
        r = sign(base, token, app["id"], signature(), "sig-" + uuid.uuid4().hex)
        assert r.status_code in (404, 409), r.text
        assert_error(r, r.status_code)
        assert_error(get(f"{base}/v1/applications/{app['id']}/contract/pdf", token), 409)
    assert_error(sign(base, token, "f" * 32, signature(), "sig-nowhere-1"), 404)
    assert "signed" not in {e["status"] for e in feed(base, token)["events"]}


# --------------------------------------------------------------------------- catalog


def test_catalog_etag(central) -> None:
    token = central.dealer_token()
    r = get(f"{central.url}/v1/catalog", token)
    assert r.status_code == 200, r.text
    etag = r.headers["ETag"]
    assert etag
    catalog = r.json()
    assert isinstance(catalog["version"], int)
    products = {p["code"]: p for p in catalog["products"]}
    assert set(products) == {"auto_loan", "direct_lease", "sale_leaseback"}
    for product in products.values():
        assert product["terms"] and product["rates"] and product["ltv_caps"]
        for cell in product["rates"]:
            assert cell["vehicle_category"] and cell["term_months"] > 0
            assert 0 < float(cell["annual_rate"]) < 1
    assert products["auto_loan"]["kind"] == "loan"
    assert products["direct_lease"]["kind"] == products["sale_leaseback"]["kind"] == "lease"

    unchanged = get(f"{central.url}/v1/catalog", token, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    stale = get(f"{central.url}/v1/catalog", token, headers={"If-None-Match": '"catalog-0"'})
    assert stale.status_code == 200 and stale.json() == catalog


def test_catalog_rate_grid_only_has_offered_terms(central) -> None:
    token = central.dealer_token()
    for product in get(f"{central.url}/v1/catalog", token).json()["products"]:
        grid_terms = {cell["term_months"] for cell in product["rates"]}
        assert grid_terms <= set(product["terms"]), (product["code"], sorted(grid_terms))


def test_campaigns_cursor(central) -> None:
    token = central.dealer_token()
    url = f"{central.url}/v1/campaigns"
    r = get(url, token, params={"cursor": ""})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["items"] and page["next_cursor"]
    effects = {c["effect"] for c in page["items"]}
    assert effects == {"subsidised_rate", "lower_down_payment", "fee_waiver"}
    for c in page["items"]:
        assert c["valid_from"] <= c["valid_to"] and c["products"]
    assert get(url, token).json() == page

    later = get(url, token, params={"cursor": page["next_cursor"]}).json()
    assert later == {"items": [], "next_cursor": page["next_cursor"]}
    assert_error(get(url, token, params={"cursor": "x"}), 422, "bad_cursor")


# --------------------------------------------------------------------------- CLI


def test_cli_activation_code_and_token_work_over_http(central) -> None:
    central.dealer_token()  # DEMO001 exists
    db = central.db.url
    code = last_line(cli("activation-code", "--dealer", "DEMO001", db=db).stdout)
    r = post(f"{central.url}/v1/devices/enroll",
             json={"dealer_code": "DEMO001", "activation_code": code, "device_name": "CLI"})
    assert r.status_code == 201, r.text
    assert get(f"{central.url}/v1/catalog", r.json()["access_token"]).status_code == 200

    token = last_line(cli("issue-token", "--dealer", "DEMO001", db=db).stdout)
    assert get(f"{central.url}/v1/applications", token).status_code == 200
    assert get(f"{central.url}/v1/applications", token + "x").status_code == 401
    assert cli("issue-token", "--dealer", "NOBODY", db=db, check=False).returncode != 0


def test_cli_review_and_fund(central) -> None:
    token = central.dealer_token()
    db, base = central.db.url, central.url
    app = submitted(base, token, application("CLI-REV-1", REVIEW_ID, STANDARD_DOWN))
    other = submitted(base, token, application("CLI-REV-2"))
    assert app["status"] == "manual_review"

    listing = cli("review", db=db).stdout
    assert app["id"] in listing and "CLI-REV-1" in listing and other["id"] not in listing
    as_json = json.loads(cli("review", "--json", db=db).stdout)
    assert [item["id"] for item in as_json] == [app["id"]]

    early = cli("review", "--application", app["id"], "--fund", db=db, check=False)
    assert early.returncode != 0

    out = cli("review", "--application", app["id"], "--outcome", "approved", db=db).stdout
    assert last_line(out) == f"{app['id']} contract_ready"
    assert get(f"{base}/v1/applications/{app['id']}", token).json()["status"] == \
        "contract_ready"
    assert statuses_of(feed(base, token)["events"], app["id"]) == [
        "submitted", "in_review", "manual_review", "approved", "contract_ready"]
    assert json.loads(cli("review", "--json", db=db).stdout) == []
    again = cli("review", "--application", app["id"], "--outcome", "declined", db=db,
                check=False)
    assert again.returncode != 0

    assert sign(base, token, app["id"], signature(), "sig-" + uuid.uuid4().hex
                ).status_code == 201
    out = cli("review", "--application", app["id"], "--fund", db=db).stdout
    assert last_line(out) == f"{app['id']} funded"
    assert get(f"{base}/v1/applications/{app['id']}", token).json()["status"] == "funded"
    assert statuses_of(feed(base, token)["events"], app["id"])[-2:] == ["signed", "funded"]
    assert get(f"{base}/v1/applications/{app['id']}/contract/signed.pdf",
               token).status_code == 200


# --------------------------------------------------------------------------- restart


class ServerProcess:
    """`showroom-central serve` as a real process that can be SIGKILLed and restarted."""

    def __init__(self, db: str, port: int, log: Path) -> None:
        self.db, self.port, self.log = db, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [CLI, "serve", "--db", self.db, "--port", str(self.port),
                 "--log-level", "warning"],
                stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            try:
                if requests.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError("central did not start: " + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    db_file = tmp_path / "restart.sqlite3"
    server = ServerProcess(f"sqlite:///{db_file}", free_port(), tmp_path / "serve.log")
    yield server
    server.stop()


def in_flight_keys(db_url: str) -> int:
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(
            "SELECT count(*) FROM idempotency_record WHERE state = 'in_flight'").fetchone()[0]


def test_server_killed_mid_burst_loses_nothing(server_process: ServerProcess) -> None:
    server = server_process
    cli("add-dealer", "--dealer", "RST001", "--name", "重启车行", db=server.db)
    token = last_line(cli("issue-token", "--dealer", "RST001", db=server.db).stdout)
    server.start()

    total, workers = 40, 8
    todo = list(range(total))
    lock = threading.Lock()
    results: dict[int, tuple[str, dict, int, bytes]] = {}
    done = threading.Event()
    outstanding = [0]  # requests on the wire right now

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                n = todo.pop(0)
            body = application(f"RST-{n:03d}", DECLINE_ID if n % 3 else APPROVE_ID,
                               STANDARD_DOWN if n % 3 else None)
            key = f"restart-{n:03d}-{uuid.uuid4().hex}"
            deadline = time.monotonic() + 30
            status, content = 0, b""
            while time.monotonic() < deadline:
                with lock:
                    outstanding[0] += 1
                try:
                    r = requests.post(f"{server.url}/v1/applications", json=body, timeout=20,
                                      headers={**bearer(token), "Idempotency-Key": key})
                    status, content = r.status_code, r.content
                except requests.RequestException:
                    status, content = -1, b""
                finally:
                    with lock:
                        outstanding[0] -= 1
                if status == 201 or (0 < status < 500 and status != 409):
                    break
                time.sleep(random.uniform(0.1, 0.3))
            with lock:
                results[n] = (key, body, status, content)
                if len(results) >= 10:
                    done.set()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    assert done.wait(timeout=60)
    # Kill in the middle of the burst, while submissions are on the wire.
    deadline = time.monotonic() + 3
    while outstanding[0] < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    cut_short = outstanding[0]
    server.kill()
    with lock:
        killed_after = len(results)
    assert killed_after < total, "the burst was over before the kill"
    assert cut_short >= 1, "no submission was on the wire when the server died"
    # A killed transaction leaves nothing behind: no half-claimed key blocks a retry.
    assert in_flight_keys(server.db) == 0
    server.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    failed = {n: (status, content[:200]) for n, (_, _, status, content) in results.items()
              if status != 201}
    assert len(results) == total and not failed, (
        f"killed after {killed_after} answers, {cut_short} submissions cut short", failed)

    items = get(f"{server.url}/v1/applications", token, params={"limit": 500}).json()["items"]
    refs = [a["client_reference"] for a in items]
    assert len(refs) == total and set(refs) == {f"RST-{n:03d}" for n in range(total)}

    for n, (key, body, _, content) in sorted(results.items()):
        replay = requests.post(f"{server.url}/v1/applications", json=body, timeout=TIMEOUT,
                               headers={**bearer(token), "Idempotency-Key": key})
        assert replay.status_code == 201, (n, replay.text)
        assert replay.headers["Idempotency-Replayed"] == "true"
        assert replay.content == content, n
    events = feed(server.url, token)["events"]
    assert sum(e["status"] == "submitted" for e in events) == total
