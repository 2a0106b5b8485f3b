"""Settings: per-run overrides never outlive the run; the auto-lock is a manager's call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from showroom_app.config import RunOptions
from showroom_app.domain.enums import Role
from showroom_app.domain.errors import PermissionDeniedError
from showroom_app.domain.models import User
from showroom_app.main import build_services, open_local_store, prepare


def user(role: Role) -> User:
    return User(id=role.value, username=role.value, display_name=role.value, role=role)


@pytest.fixture
def services(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOWROOM_PASSPHRASE", "settings passphrase 1")
    options = RunOptions(data_dir=data_dir, central_url="http://127.0.0.1:9", language="en")
    runtime = prepare(options)
    store = open_local_store(runtime, options)
    yield build_services(runtime, store, options)
    store.close()


def test_command_line_overrides_are_not_saved(services, data_dir: Path) -> None:
    assert services.settings.central_url == "http://127.0.0.1:9"
    assert services.settings.language == "en"
    services.update_settings(user(Role.MANAGER), idle_lock_minutes=7)
    stored = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert stored["idle_lock_minutes"] == 7
    assert stored["central_url"] is None and stored["language"] == "zh_CN"
    # This run keeps its overrides and sees the change.
    assert services.settings.central_url == "http://127.0.0.1:9"
    assert services.settings.idle_lock_minutes == 7


def test_anyone_may_pick_a_language_but_only_managers_the_auto_lock(services) -> None:
    services.update_settings(None, language="zh_CN")
    services.update_settings(user(Role.CONSULTANT), language="en")
    assert services.settings_service.load().language == "en"
    with pytest.raises(PermissionDeniedError):
        services.update_settings(user(Role.CONSULTANT), idle_lock_minutes=240)
    with pytest.raises(PermissionDeniedError):
        services.update_settings(None, idle_lock_minutes=240)
    assert services.settings_service.load().idle_lock_minutes == 10


def test_a_damaged_settings_file_gives_defaults_and_is_kept_aside(data_dir: Path) -> None:
    from showroom_app.services.settings import Settings, SettingsService

    path = data_dir / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    assert SettingsService(path).load() == Settings()
    assert (data_dir / "settings.damaged.json").read_text(encoding="utf-8") == "{ not json"
