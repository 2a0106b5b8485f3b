"""Where things live and what this run was asked to do."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from showroom_app import APP_ID
from showroom_app.services.settings import LANGUAGES, Settings, SettingsService

# Demo data is synthetic; its key file passphrase is public so that `--demo`
# starts without questions. Real installs use the keyring or their own passphrase.
DEMO_PASSPHRASE = "showroom-demo"  # noqa: S105 - public by design, see above
PASSPHRASE_ENV = "SHOWROOM_PASSPHRASE"  # noqa: S105 - a variable name


@dataclass(frozen=True)
class RunOptions:
    """What the command line asked for; None means "use the setting"."""

    data_dir: Path | None = None
    central_url: str | None = None
    language: str | None = None
    demo: bool = False


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "showroom.sqlite3"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def ui_state(self) -> Path:
        return self.data_dir / "ui-state.ini"


def resolve_paths(options: RunOptions) -> Paths:
    # Everything the desk writes (database, keys, logs, settings) is for this user only.
    os.umask(0o077)
    if options.data_dir is not None:
        folder = options.data_dir.expanduser().resolve()
    elif options.demo:
        # A fresh folder per demo run, so a demo never mixes with real data.
        folder = Path(tempfile.mkdtemp(prefix="showroom-demo-"))
    else:
        folder = Path(user_data_dir(APP_ID, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return Paths(folder)


def effective_settings(paths: Paths, options: RunOptions) -> tuple[SettingsService, Settings]:
    service = SettingsService(paths.settings)
    settings = service.load()
    overrides: dict = {}
    if options.language:
        if options.language not in LANGUAGES:
            raise ValueError(f"--lang must be one of {', '.join(LANGUAGES)}")
        overrides["language"] = options.language
    if options.central_url:
        overrides["central_url"] = options.central_url
    if options.demo:
        overrides["key_storage"] = "file"
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    return service, settings


def env_passphrase(options: RunOptions) -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or (DEMO_PASSPHRASE if options.demo else None)
