"""The set of services one running desk uses, built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from showroom_app.domain.enums import Permission
from showroom_app.domain.errors import PermissionDeniedError
from showroom_app.domain.models import User
from showroom_app.services.applications import ApplicationService
from showroom_app.services.auth import AuthService, require
from showroom_app.services.customers import CustomerService
from showroom_app.services.desk import DeskService
from showroom_app.services.outbox import OutboxService
from showroom_app.services.prescore import PreScoreService
from showroom_app.services.promotions import PromotionService
from showroom_app.services.quoting import QuotingService
from showroom_app.services.reports import ReportService
from showroom_app.services.settings import Settings, SettingsService
from showroom_app.services.status import StatusService
from showroom_app.services.stock import StockService
from showroom_app.services.submission import SubmissionService
from showroom_app.services.sync import SyncService

if TYPE_CHECKING:  # both pull in OpenCV: not at every start
    from showroom_app.services.demo import DemoUser
    from showroom_app.services.intake import IntakeService


@dataclass
class DeskServices:
    auth: AuthService
    desk: DeskService
    customers: CustomerService
    settings_service: SettingsService
    settings: Settings
    status: StatusService
    sync: SyncService
    applications: ApplicationService
    submission: SubmissionService
    outbox: OutboxService
    intake: IntakeService
    quoting: QuotingService
    prescore: PreScoreService
    stock: StockService
    promotions: PromotionService
    reports: ReportService
    data_dir: Path
    log_file: Path
    key_storage: str  # "keyring" or "file"
    version: str
    demo_users: tuple[DemoUser, ...] = ()

    def update_settings(self, actor: User | None, **changes: object) -> Settings:
        """Save `changes` on top of what is stored (not on top of this run's command-line
        overrides such as --central, which must not outlive the run)."""
        if set(changes) - _ANYONE_MAY_CHANGE:
            if actor is None:
                raise PermissionDeniedError(f"permission_denied:{Permission.CHANGE_SETTINGS}")
            require(actor, Permission.CHANGE_SETTINGS)
        stored = replace(self.settings_service.load(), **changes).validated()
        self.settings_service.save(stored)
        self.settings = replace(self.settings, **changes).validated()
        return self.settings


# The interface language is each person's own choice, even before signing in.
_ANYONE_MAY_CHANGE = frozenset({"language"})
