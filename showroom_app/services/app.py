"""The set of services one running desk uses, built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from showroom_app.services.auth import AuthService
from showroom_app.services.desk import DeskService
from showroom_app.services.settings import Settings, SettingsService
from showroom_app.services.status import StatusService

if TYPE_CHECKING:  # the demo module pulls in OpenCV: not at every start
    from showroom_app.services.demo import DemoUser


@dataclass
class DeskServices:
    auth: AuthService
    desk: DeskService
    settings_service: SettingsService
    settings: Settings
    status: StatusService
    data_dir: Path
    log_file: Path
    key_storage: str  # "keyring" or "file"
    version: str
    demo_users: tuple[DemoUser, ...] = ()

    def save_settings(self, settings: Settings) -> Settings:
        self.settings_service.save(settings)
        self.settings = settings.validated()
        return self.settings
