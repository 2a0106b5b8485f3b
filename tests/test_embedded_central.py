"""`showroom --demo` carries the reference central service: the desk sees it online."""

from __future__ import annotations

from pathlib import Path

from showroom_app.main import EmbeddedCentral
from showroom_app.services.status import CentralState, StatusService


def test_the_demo_sandbox_serves_the_contract_and_the_desk_sees_it_online(data_dir: Path
                                                                           ) -> None:
    import requests

    sandbox = EmbeddedCentral(data_dir)
    try:
        assert StatusService(sandbox.url).central_state() is CentralState.ONLINE
        catalog = requests.get(sandbox.url + "/v1/catalog", timeout=5)
        assert catalog.status_code == 401  # real auth, even in the sandbox
        docs = requests.get(sandbox.url + "/docs", timeout=5)
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        assert "cdn" not in docs.text.lower()  # the docs work offline
    finally:
        sandbox.stop()
    assert StatusService(sandbox.url).central_state() is CentralState.OFFLINE
