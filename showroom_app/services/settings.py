"""User-editable settings, kept as JSON in the data folder."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")


@dataclass(frozen=True)
class Settings:
    language: str = "zh_CN"
    idle_lock_minutes: int = 10
    central_url: str | None = None
    key_storage: str = "auto"

    def validated(self) -> Settings:
        language = self.language if self.language in LANGUAGES else "zh_CN"
        minutes = min(max(int(self.idle_lock_minutes), 1), 240)
        return replace(self, language=language, idle_lock_minutes=minutes)


class SettingsService:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Settings:
        """A missing or damaged file gives the defaults; a damaged one is kept aside."""
        if not self.path.exists():
            return Settings()
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(Settings)}
            return Settings(**{k: v for k, v in raw.items() if k in known}).validated()
        except (OSError, ValueError, TypeError) as exc:
            aside = self.path.with_suffix(".damaged.json")
            log.warning("settings file unreadable (%s); defaults used, old file kept as %s",
                        exc, aside.name)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return Settings()

    def save(self, settings: Settings) -> None:
        settings = settings.validated()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
        os.replace(tmp, self.path)
