"""schemathesis against the running central service (issue 3), over real HTTP.

The committed contract `sync/openapi.yaml` drives generation. Every operation gets a
bounded number of schema-valid (positive) and schema-violating (negative) requests, and
short stateful scenarios chain operations through the links schemathesis infers
(submit, then upload, sign, fetch...). Everything goes with a valid bearer token to
uvicorn on 127.0.0.1, and every answer goes through schemathesis's default checks: never
a 5xx, documented status codes, content types, headers and bodies that conform to the
contract, invalid input refused with a 4xx, valid input not refused, auth enforced, a
created resource actually reachable. Zero failures is the bar.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import CentralServer
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

CONTRACT = Path(__file__).resolve().parent.parent / "sync" / "openapi.yaml"
# Per operation; bounded so that the whole file runs in well under three minutes.
MAX_EXAMPLES = 30
# Stateful: scenarios, and calls per scenario.
SCENARIOS = 25
SCENARIO_STEPS = 6
# Long-poll on `GET /v1/decisions`: any `wait` is valid, but holding every example for
# up to 30 s would only measure the clock.
MAX_WAIT = 1
REQUEST_TIMEOUT = 45
# A well-formed Idempotency-Key (8–128 printable ASCII). The contract makes the client
# responsible for a fresh key per submission; generated keys repeat across examples and
# would turn distinct bodies into "same key, different body" (422, by design).
VALID_KEY = re.compile(r"[ -~]{8,128}")
# Rules that no schema can state (one field against another, or the bytes inside a
# field): a schema-valid request that breaks one is refused with 422 and this code, by
# design. Any other 422 to schema-valid input means the contract says too little.
BUSINESS_RULES = {
    # Down payment >= vehicle price; or a residual, fees and price that no schedule or APR
    # can be computed from.
    "POST /v1/applications": {"nothing_to_finance", "quote_inconsistent"},
    # Not a PNG inside the base64; a signing time outside 2000–2100.
    "POST /v1/applications/{application_id}/contract/signature": {"signature_unreadable",
                                                                  "signed_at_out_of_range"},
    "POST /v1/uploads/{upload_id}/complete": {"checksum_mismatch"},
}
REVOKE = "POST /v1/devices/revoke"
# Undeclared headers are part of negative testing, but these frame the HTTP message
# itself: a bad one is refused by uvicorn (plain-text 400) before the service sees it.
FRAMING_HEADERS = {"content-length", "transfer-encoding", "host", "connection", "expect",
                   "te", "trailer", "upgrade"}

schema = schemathesis.openapi.from_path(CONTRACT)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    # The bearer token is sent by the test itself (a fresh one for `revoke`); missing and
    # wrong tokens are still probed by the `ignored_auth` check.
    with_security_parameters=False,
)


@pytest.fixture(scope="module")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """One server for every generated test (the `central` fixture is per test)."""
    server = CentralServer(tmp_path_factory.mktemp("central-schemathesis") / "central.sqlite3")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dealer_token(central_server: CentralServer) -> str:
    return central_server.dealer_token()


def prepare(case: schemathesis.Case, server: CentralServer, token: str) -> dict[str, Any]:
    """Make the case what a real desk would send; return the transport arguments."""
    if case.operation.label == REVOKE:
        # Revoking kills the token it is called with: each revoke gets its own device.
        token = server.dealer_token()
    wait = (case.query or {}).get("wait")
    if isinstance(wait, int | str) and str(wait).isdigit() and int(wait) > MAX_WAIT:
        case.query["wait"] = MAX_WAIT
    for name, value in list((case.headers or {}).items()):
        if name.lower() in FRAMING_HEADERS:
            del case.headers[name]
        elif (name.lower() == "idempotency-key" and isinstance(value, str)
              and VALID_KEY.fullmatch(value)):
            case.headers[name] = f"schemathesis-{uuid.uuid4().hex}"
    return {"base_url": server.url, "headers": {"Authorization": f"Bearer {token}"},
            "timeout": REQUEST_TIMEOUT}


def validate(case: schemathesis.Case, response: Any, transport: dict[str, Any],
             **kwargs: Any) -> None:
    """All default checks; a documented business-rule 422 is not "valid data rejected"."""
    __tracebackhide__ = True
    excluded = []
    if response.status_code == 422 and _error_code(response) in BUSINESS_RULES.get(
            case.operation.label, ()):
        excluded.append(positive_data_acceptance)
    case.validate_response(response, headers=transport["headers"], excluded_checks=excluded,
                           transport_kwargs=transport, **kwargs)


def _error_code(response: Any) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)
def test_every_operation_conforms_to_the_contract(
    case: schemathesis.Case, central_server: CentralServer, dealer_token: str
) -> None:
    transport = prepare(case, central_server, dealer_token)
    response = case.call(**transport)
    validate(case, response, transport)


def test_workflows_conform_to_the_contract(central_server: CentralServer) -> None:
    class Workflows(schema.as_state_machine()):
        def setup(self) -> None:
            # Each scenario is a new dealer: what one scenario created cannot change what
            # the next one sees, so Hypothesis can replay a scenario and get the same run.
            self.token = central_server.dealer_token(f"ST-{uuid.uuid4().hex[:12]}", "schemathesis")

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return prepare(case, central_server, self.token)

        def validate_response(self, response: schemathesis.Response, case: schemathesis.Case,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            __tracebackhide__ = True
            validate(case, response, kwargs, recorder=self.recorder)

    Workflows.run(settings=settings(
        max_examples=SCENARIOS,
        stateful_step_count=SCENARIO_STEPS,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    ))
