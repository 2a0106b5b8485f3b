"""Sizes are bounded even when the client declares no length (chunked encoding)."""

from __future__ import annotations

import requests


def test_a_chunked_body_over_the_limit_is_refused_with_the_error_model(central) -> None:
    token = central.dealer_token()

    def stream():
        for _ in range(5):
            yield b"x" * (1024 * 1024)

    r = requests.post(f"{central.url}/v1/applications", data=stream(), timeout=30,
                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key":
                               "limit-test-0001", "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "too_large"
    assert set(r.json()["message"]) == {"zh", "en"}
