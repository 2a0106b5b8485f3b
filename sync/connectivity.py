"""A cheap health probe of the central service."""

from __future__ import annotations

import requests

HEALTH_PATH = "/v1/health"
# Short on purpose: the probe runs in the background and must answer quickly on
# a dead network rather than hang for the OS default of minutes.
PROBE_TIMEOUT = (2.0, 3.0)


def probe(base_url: str, session: requests.Session | None = None) -> bool:
    """True when central answers its health endpoint with a 2xx."""
    http = session or requests
    try:
        response = http.get(base_url.rstrip("/") + HEALTH_PATH, timeout=PROBE_TIMEOUT)
    except requests.RequestException:
        return False
    return response.ok
