"""Central connection state for the status bar."""

from __future__ import annotations

from enum import StrEnum

from sync import connectivity


class CentralState(StrEnum):
    NOT_CONFIGURED = "not_configured"
    ONLINE = "online"
    OFFLINE = "offline"


class StatusService:
    def __init__(self, central_url: str | None) -> None:
        self.central_url = central_url

    def central_state(self) -> CentralState:
        """Blocking network call: run it in a worker, never on the UI thread."""
        if not self.central_url:
            return CentralState.NOT_CONFIGURED
        return CentralState.ONLINE if connectivity.probe(self.central_url) else CentralState.OFFLINE
