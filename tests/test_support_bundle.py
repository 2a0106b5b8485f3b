"""The support bundle (Settings → About, `showroom support-bundle`): logs and the self-test
in one zip, with personal data masked even where a log line was not."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import test_cli
import test_ui
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from local_store.db import head_revision
from showroom_app import __version__
from showroom_app.services.support import write_support_bundle

desk = test_ui.desk  # the pytest-qt fixture: demo-seeded services, UI in zh_CN

# Shaped like the real thing (the ID number's check digit is right, the card passes Luhn)
# but made up. Written straight into the log files, as an older version or a line added
# by hand would leave them: the bundle must mask them itself.
FAKE_ID = "110105199003070025"
FAKE_PHONE = "13912345678"
FAKE_PHONE_WRITTEN = "+86 139-1234-5678"
FAKE_CARD = "6222 0212 3456 7890 128"
RAW = (FAKE_ID, FAKE_PHONE, FAKE_PHONE_WRITTEN, FAKE_CARD, "19900307", "1234-5678",
       "3456 7890")


def _leaky_logs(data_dir: Path, home: Path) -> None:
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "showroom.log").write_text(
        "2026-11-29 10:00:00 INFO intake read id_number=" + FAKE_ID + "\n"
        "2026-11-29 10:00:01 INFO customer phone " + FAKE_PHONE + " saved\n"
        "2026-11-29 10:00:02 ERROR sync failed: quota exceeded for bank card " + FAKE_CARD
        + "\n2026-11-29 10:00:03 INFO opened " + str(home / "扫描" / "身份证.jpg") + "\n",
        encoding="utf-8")
    (logs / "showroom.log.1").write_text(
        "2026-11-28 09:00:00 WARNING callback to " + FAKE_PHONE_WRITTEN + " failed\n",
        encoding="utf-8")


def _zip_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def _assert_masked(texts: dict[str, str]) -> None:
    for name, text in texts.items():
        for raw in RAW:
            assert raw not in text, f"{raw!r} left in {name}"


def test_bundle_masks_what_the_logs_did_not(tmp_path: Path) -> None:
    home = tmp_path / "home" / "zhangsan"
    data_dir = home / ".local" / "share" / "showroom-finance-desk"
    _leaky_logs(data_dir, home)
    (data_dir / "settings.json").write_text('{"language": "en", "idle_lock_minutes": 7}',
                                            encoding="utf-8")
    # What must never travel: the database and the key file.
    (data_dir / "showroom.sqlite3").write_bytes(b"")
    (data_dir / "keys").mkdir()
    (data_dir / "keys" / "datakey.json").write_text('{"secret": 1}', encoding="utf-8")

    bundle = write_support_bundle(tmp_path / "out" / "support.zip", data_dir=data_dir,
                                  version=__version__, self_test=False, home=home)

    texts = _zip_texts(bundle.path)
    assert set(texts) == set(bundle.files) == {
        "README.txt", "info.json", "selftest.txt", "selftest.json", "settings.json",
        "logs/showroom.log", "logs/showroom.log.1"}
    _assert_masked(texts)
    log = texts["logs/showroom.log"]
    assert "id_number=110105********0025" in log
    assert "customer phone 139****5678 saved" in log
    assert "bank card **** 0128" in log
    # The home folder (often the person's name) goes; the rest of the path stays useful.
    assert "opened ~/扫描/身份证.jpg" in log and "zhangsan" not in json.dumps(texts)
    assert "139****5678 failed" in texts["logs/showroom.log.1"]
    info = json.loads(texts["info.json"])
    assert info["version"] == __version__
    assert info["data_dir"] == "~/.local/share/showroom-finance-desk"
    assert info["log_files"] == ["showroom.log", "showroom.log.1"]
    assert info["database_schema"] == {"stored": None, "this_version": head_revision()}
    assert json.loads(texts["settings.json"])["idle_lock_minutes"] == 7
    assert not (bundle.path.parent / "support.zip.partial").exists()


def test_cli_support_bundle_runs_the_self_test(tmp_path: Path) -> None:
    home = tmp_path
    data_dir = tmp_path / "data"
    _leaky_logs(data_dir, home)
    run = test_cli.showroom("--data-dir", data_dir, "support-bundle", "--out",
                            tmp_path / "bundle", "--json", home=home)
    assert run.returncode == 0, run.stderr
    report = run.json()
    path = Path(report["path"])
    assert path == tmp_path / "bundle.zip" and report["self_test_ok"] is True
    texts = _zip_texts(path)
    _assert_masked(texts)
    checks = {c["name"]: c for c in json.loads(texts["selftest.json"])}
    assert set(checks) == test_cli.CHECK_NAMES
    assert all(c["ok"] for c in checks.values()), checks
    assert "ID number read correctly" in checks["ocr sample"]["detail"]
    assert texts["selftest.txt"].rstrip().endswith("all checks passed")
    assert "110105********0025" in texts["logs/showroom.log"]


def test_cli_support_bundle_reports_a_failing_self_test(tmp_path: Path) -> None:
    """A database the desk cannot read is when support is called: the bundle is still made,
    and says what failed."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "showroom.sqlite3").write_bytes(b"not a database, " * 64)
    run = test_cli.showroom("--data-dir", data_dir, "support-bundle", "--out",
                            tmp_path / "b.zip", "--json", home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.json()["self_test_ok"] is False
    texts = _zip_texts(tmp_path / "b.zip")
    checks = {c["name"]: c for c in json.loads(texts["selftest.json"])}
    assert not checks["data folder"]["ok"]
    assert "not a readable Showroom database" in checks["data folder"]["detail"]
    assert json.loads(texts["info.json"])["database_schema"]["stored"].startswith("unreadable")
    assert "SOME CHECKS FAILED" in texts["selftest.txt"]


def test_about_saves_a_support_bundle(qtbot, desk, tmp_path: Path, monkeypatch) -> None:
    services, translations = desk
    window = test_ui.open_window(qtbot, services, test_ui.sign_in(services, "consultant"),
                                 translations, tmp_path / "ui-state.ini")
    window.go("settings")
    QCoreApplication.processEvents()
    page = window.settings_page
    assert page.support_button.isVisible() and page.support_button.isEnabled()
    # The desk logs through the scrubbing formatter; this line bypasses it.
    logging.getLogger("test").info("support bundle test line")
    log = services.log_file
    with log.open("a", encoding="utf-8") as f:
        f.write(f"INFO raw line from an old version: {FAKE_ID} {FAKE_PHONE}\n")
    target = tmp_path / "支持" / "bundle"
    target.parent.mkdir()
    asked: list[str] = []

    def save(_parent, _title, default, _filter, *args):
        asked.append(default)
        return str(target), "Zip"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    page.support_button.click()
    assert not page.support_button.isEnabled()  # one bundle at a time
    qtbot.waitUntil(lambda: page.support_bundle is not None, timeout=60_000)
    assert Path(asked[0]).name.startswith("showroom-support-") and asked[0].endswith(".zip")
    zipped = target.with_name("bundle.zip")
    assert page.support_bundle.path == zipped and page.support_button.isEnabled()
    assert str(zipped) in page.support_status.text()
    texts = _zip_texts(zipped)
    _assert_masked(texts)
    log_text = texts[f"logs/{log.name}"]
    assert "support bundle test line" in log_text
    assert "old version: 110105********0025 139****5678" in log_text
    checks = {c["name"]: c for c in json.loads(texts["selftest.json"])}
    assert set(checks) == test_cli.CHECK_NAMES
    assert checks["qt"]["ok"] and checks["translations"]["ok"]
    assert checks["ocr sample"]["ok"], checks["ocr sample"]
    window.close()


def test_about_says_when_the_bundle_cannot_be_written(qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    window = test_ui.open_window(qtbot, services, test_ui.sign_in(services, "consultant"),
                                 translations, tmp_path / "ui-state.ini")
    window.go("settings")
    page = window.settings_page
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    page.save_support_bundle(blocker / "bundle.zip")
    qtbot.waitUntil(page.support_button.isEnabled, timeout=60_000)
    assert page.support_bundle is None
    assert page.support_status.text().startswith("支持包未能保存")  # the desk is in zh_CN
    assert not list(tmp_path.rglob("*.zip*"))
    window.close()
