"""Withdrawing an application at the reference central service, over real HTTP.

A dealer may call an application off until its contract is signed; the withdrawal is
idempotent by key like submissions and signatures, and shows in the decision feed.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from test_central_api import (
    APPROVE_ID,
    CONDITIONAL_ID,
    DECLINE_ID,
    REVIEW_ID,
    STANDARD_DOWN,
    application,
    assert_error,
    feed,
    get,
    post,
    sign,
    signature,
    statuses_of,
    submitted,
)

from central import service
from central.db import Application
from central.errors import ApiError


def withdraw(base: str, token: str, app_id: str, reason: str = "客户改为全款购车",
             key: str | None = None) -> requests.Response:
    return post(f"{base}/v1/applications/{app_id}/withdrawal", token,
                json={"reason": reason},
                headers={"Idempotency-Key": key or "wd-" + uuid.uuid4().hex})


def test_withdraw_a_contract_ready_application(central) -> None:
    base, token = central.url, central.dealer_token()
    app = submitted(base, token, application("WD-READY"))
    assert app["status"] == "contract_ready"

    key = "wd-" + uuid.uuid4().hex
    first = withdraw(base, token, app["id"], "客户改为全款购车", key)
    assert first.status_code == 200, first.text
    assert first.headers["Idempotency-Replayed"] == "false"
    body = first.json()
    assert body["id"] == app["id"] and body["status"] == "withdrawn"
    assert body["reasons"][-1] == {"code": "withdrawn_by_dealer",
                                   "zh": "经销商撤回：客户改为全款购车",
                                   "en": "Withdrawn by the dealer: 客户改为全款购车"}
    # The decision's own reasons stay: the feed still tells why it was approved.
    assert body["reasons"][:-1] == app["reasons"]
    assert get(f"{base}/v1/applications/{app['id']}", token).json()["status"] == "withdrawn"

    events = feed(base, token)["events"]
    assert statuses_of(events, app["id"]) == [
        "submitted", "in_review", "approved", "contract_ready", "withdrawn"]
    last = events[-1]
    assert last["status"] == "withdrawn" and last["client_reference"] == "WD-READY"
    assert last["reasons"][-1]["code"] == "withdrawn_by_dealer"
    assert "客户改为全款购车" in last["reasons"][-1]["zh"]

    replay = withdraw(base, token, app["id"], "客户改为全款购车", key)
    assert replay.status_code == 200
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert replay.content == first.content
    assert_error(withdraw(base, token, app["id"], "另一个原因", key), 422,
                 "idempotency_key_reused")
    assert_error(withdraw(base, token, app["id"]), 409, "already_withdrawn")
    # Refusals add nothing to the feed.
    assert len(statuses_of(feed(base, token)["events"], app["id"])) == 5


@pytest.mark.parametrize("id_number, down_fen, status", [
    (REVIEW_ID, STANDARD_DOWN, "manual_review"),
    (CONDITIONAL_ID, STANDARD_DOWN, "conditional"),
])
def test_withdraw_before_a_final_decision(central, id_number: str, down_fen: int,
                                          status: str) -> None:
    base, token = central.url, central.dealer_token()
    app = submitted(base, token, application(f"WD-{status}", id_number, down_fen))
    assert app["status"] == status
    r = withdraw(base, token, app["id"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"


def test_a_withdrawn_application_is_never_reviewed_signed_or_funded(central) -> None:
    base, token = central.url, central.dealer_token()
    ready = submitted(base, token, application("WD-NOSIGN"))
    assert withdraw(base, token, ready["id"]).status_code == 200
    err = assert_error(sign(base, token, ready["id"], signature(), "sig-" + uuid.uuid4().hex),
                       409, "contract_not_ready")
    assert "withdrawn" in err["message"]["en"]
    assert get(f"{base}/v1/applications/{ready['id']}/contract", token).json()["signed"] is False

    review = submitted(base, token, application("WD-NOREVIEW", REVIEW_ID, STANDARD_DOWN))
    assert withdraw(base, token, review["id"]).status_code == 200
    with central.db.session() as s:
        for app_id in (ready["id"], review["id"]):
            row = s.get(Application, app_id)
            with pytest.raises(ApiError) as review_refused:
                service.complete_review(s, row, "approved", "通过", "Approved")
            assert review_refused.value.code == "not_in_manual_review"
            with pytest.raises(ApiError) as fund_refused:
                service.fund(s, row)
            assert fund_refused.value.code == "not_signed"
    for app_id in (ready["id"], review["id"]):
        assert get(f"{base}/v1/applications/{app_id}", token).json()["status"] == "withdrawn"


def test_declined_signed_and_funded_cannot_be_withdrawn(central) -> None:
    base, token = central.url, central.dealer_token()
    declined = submitted(base, token, application("WD-DECLINED", DECLINE_ID, STANDARD_DOWN))
    assert declined["status"] == "declined"
    assert_error(withdraw(base, token, declined["id"]), 409, "cannot_withdraw")

    signed = submitted(base, token, application("WD-SIGNED", APPROVE_ID))
    r = sign(base, token, signed["id"], signature(), "sig-" + uuid.uuid4().hex)
    assert r.status_code == 201, r.text
    err = assert_error(withdraw(base, token, signed["id"]), 409, "cannot_withdraw")
    assert err["message"]["zh"] == "合同已签署，不能撤回申请。"

    with central.db.session() as s:
        service.fund(s, s.get(Application, signed["id"]))
    assert_error(withdraw(base, token, signed["id"]), 409, "cannot_withdraw")

    for app, status in ((declined, "declined"), (signed, "funded")):
        assert get(f"{base}/v1/applications/{app['id']}", token).json()["status"] == status
        assert "withdrawn" not in statuses_of(feed(base, token)["events"], app["id"])


def test_withdrawal_is_per_dealer_and_validated(central) -> None:
    base, one = central.url, central.dealer_token()
    two = central.dealer_token("D2", "二号车行")
    app = submitted(base, one, application("WD-ISO"))

    assert_error(withdraw(base, two, app["id"]), 404, "not_found")
    assert_error(withdraw(base, one, "f" * 32), 404, "not_found")
    url = f"{base}/v1/applications/{app['id']}/withdrawal"
    assert_error(post(url, json={"reason": "x"}, headers={"Idempotency-Key": "wd-no-token"}),
                 401)
    assert_error(post(url, one, json={"reason": "x"}), 422, "idempotency_key_required")
    assert_error(post(url, one, json={"reason": "x"}, headers={"Idempotency-Key": "short"}),
                 422, "idempotency_key_required")
    for bad in ({}, {"reason": ""}, {"reason": "x" * 501}, {"reason": 5},
                {"reason": "x", "extra": 1}):
        assert_error(withdraw_raw(url, one, bad), 422, "validation_error")
    assert get(f"{base}/v1/applications/{app['id']}", one).json()["status"] == "contract_ready"

    ok = withdraw(base, one, app["id"], "x" * 500)
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "withdrawn"


def withdraw_raw(url: str, token: str, body: object) -> requests.Response:
    return post(url, token, json=body, headers={"Idempotency-Key": "wd-" + uuid.uuid4().hex})
