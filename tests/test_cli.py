"""The `showroom` command line, run as a real console script in subprocesses.

Every run gets its own `--data-dir` under tmp, the offscreen Qt platform and the
failing keyring backend, so no test reads or writes the developer's keyring or
data folder. Personal-data checks open the store in-process only after the CLI
has exited, to learn which values to look for in the raw files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import head_revision, open_store
from local_store.keys import FileKeyStore
from local_store.orm import CustomerRow
from showroom_app import __version__

PASSPHRASE = "cli test passphrase 7"
TIMEOUT = 120
TRACEBACK = "Traceback (most recent call last)"
CHECK_NAMES = {
    "qt", "translations", "database", "key storage", "ocr runtime", "ml runtime", "python",
    "data folder", "ocr sample", "prescore",
}

_SCRIPT = Path(sys.executable).parent / "showroom"
SHOWROOM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "showroom_app.cli"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def cli_env(home: Path, passphrase: str | None = None) -> dict[str, str]:
    env = os.environ.copy()
    env.pop("SHOWROOM_PASSPHRASE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    # Safety net: should a run ever miss --data-dir, it lands under tmp, not in the user's data.
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    if passphrase is not None:
        env["SHOWROOM_PASSPHRASE"] = passphrase
    return env


def showroom(
    *args: str | Path,
    home: Path,
    passphrase: str | None = None,
    prefix: tuple[str, ...] = (),
) -> Run:
    """Run the console script with stdin closed (never a TTY), so it can never prompt."""
    proc = subprocess.run(
        [*prefix, *SHOWROOM, *map(str, args)],
        env=cli_env(home, passphrase),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def db_files(data_dir: Path) -> list[Path]:
    base = data_dir / "showroom.sqlite3"
    return [p for p in (base, base.with_name(base.name + "-wal"),
                        base.with_name(base.name + "-shm")) if p.exists()]


def read_pii(data_dir: Path, passphrase: str) -> list:
    store = open_store(
        data_dir / "showroom.sqlite3",
        FileKeyStore(data_dir / "keys" / "datakey.json", passphrase),
    )
    try:
        with store.transaction() as s:
            ids = s.scalars(select(CustomerRow.id)).all()
            customers = [repo.get_customer(s, store.cipher, cid) for cid in ids]
    finally:
        store.close()
    return [c.pii for c in customers if c is not None]


def needles_of(pii_list: list) -> tuple[dict[bytes, str], dict[str, int]]:
    """Byte strings that must not appear in clear, with what each one is."""
    needles: dict[bytes, str] = {}
    counts = {"name": 0, "id_number": 0, "phone": 0}
    for pii in pii_list:
        needles[pii.name.encode("utf-8")] = "name"
        counts["name"] += 1
        if pii.id_number:
            needles[pii.id_number.encode("ascii")] = "id_number"
            needles[pii.id_number.lower().encode("ascii")] = "id_number"
            counts["id_number"] += 1
        if pii.phone:
            needles[pii.phone.encode("ascii")] = "phone"
            counts["phone"] += 1
    return needles, counts


def found_in(blobs: dict[str, bytes], needles: dict[bytes, str]) -> list[str]:
    return [
        f"{kind} ({len(needle)} bytes) in {where}"
        for where, blob in blobs.items()
        for needle, kind in needles.items()
        if needle in blob
    ]


# --- fixtures -----------------------------------------------------------------


@dataclass
class Seeded:
    home: Path
    data_dir: Path
    report: dict
    run: Run
    raw_after_cli: dict[str, bytes]  # the database files exactly as the CLI left them


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """One data folder after `showroom demo-seed --applications 50 --json`, shared read-only."""
    home = tmp_path_factory.mktemp("seeded")
    data_dir = home / "data"
    run = showroom("--data-dir", data_dir, "demo-seed", "--applications", "50", "--json",
                   home=home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    raw = {p.name: p.read_bytes() for p in db_files(data_dir)}
    return Seeded(home, data_dir, run.json(), run, raw)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


# --- self-test ----------------------------------------------------------------


def test_self_test_passes_with_one_line_per_check(home: Path) -> None:
    run = showroom("--data-dir", home / "data", "self-test", home=home)

    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "all checks passed"
    check_lines = lines[:-1]
    assert len(check_lines) == len(CHECK_NAMES)
    seen = set()
    for line in check_lines:
        assert line.startswith("PASS  "), line
        name = next(n for n in CHECK_NAMES if line[6:].startswith(n + " "))
        seen.add(name)
    assert seen == CHECK_NAMES
    assert "FAIL" not in run.stdout
    assert TRACEBACK not in run.stderr


def test_self_test_json(home: Path) -> None:
    run = showroom("--data-dir", home / "data", "self-test", "--json", home=home)

    assert run.returncode == 0, run.stdout + run.stderr
    data = run.json()
    assert data["ok"] is True
    assert data["version"] == __version__
    assert {c["name"] for c in data["checks"]} == CHECK_NAMES
    for check in data["checks"]:
        assert {"name", "ok", "detail"} <= check.keys(), check
        assert check["ok"] is True, check
        assert isinstance(check["detail"], str) and check["detail"], check


def _can_unshare_net() -> str | None:
    if shutil.which("unshare") is None:
        return "the unshare tool is not installed"
    try:
        proc = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True,
                              timeout=30, check=False)
    except OSError as exc:
        return f"unshare -n could not run: {exc}"
    if proc.returncode != 0:
        return (f"`unshare -n true` failed here (needs root or user namespaces): "
                f"{proc.stderr.strip()}")
    return None


def test_self_test_passes_with_the_network_cut_off(home: Path) -> None:
    reason = _can_unshare_net()
    if reason:
        pytest.skip(f"cannot cut the network off: {reason}")
    offline = ("unshare", "-n")
    # The namespace really has no route out: a connection attempt fails at once.
    probe = subprocess.run(
        [*offline, sys.executable, "-c",
         "import socket\n"
         "try:\n"
         "    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
         "except OSError as exc:\n"
         "    print('offline', exc.errno)\n"
         "else:\n"
         "    print('connected')\n"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert probe.stdout.startswith("offline"), probe.stdout + probe.stderr

    run = showroom("--data-dir", home / "data", "self-test", home=home, prefix=offline)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("all checks passed")

    run = showroom("--data-dir", home / "data", "self-test", "--json", home=home, prefix=offline)
    assert run.returncode == 0, run.stdout + run.stderr
    data = run.json()
    assert data["ok"] is True
    assert {c["name"] for c in data["checks"]} == CHECK_NAMES
    for check in data["checks"]:
        assert check["ok"] is True, check
        detail = check["detail"].lower()
        for word in ("error", "unreachable", "timed out", "timeout", "network", "download",
                     "connection"):
            assert word not in detail, check


def _newer_database(data_dir: Path) -> Path:
    path = data_dir / "showroom.sqlite3"
    store = open_store(path, FileKeyStore(data_dir / "keys" / "datakey.json", PASSPHRASE))
    store.close()
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    assert db_files(data_dir) == [path]
    return path


def test_self_test_fails_on_a_database_from_a_newer_version(home: Path) -> None:
    data_dir = home / "data"
    path = _newer_database(data_dir)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    run = showroom("--data-dir", data_dir, "self-test", home=home)

    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "SOME CHECKS FAILED"
    failed = [line for line in lines if line.startswith("FAIL")]
    assert len(failed) == 1, run.stdout
    assert failed[0].startswith("FAIL  data folder "), failed[0]
    assert "newer version" in failed[0]
    assert "9999_future" in failed[0]
    # The other checks are unaffected.
    assert sum(line.startswith("PASS") for line in lines) == len(CHECK_NAMES) - 1
    assert TRACEBACK not in run.stdout + run.stderr

    data = showroom("--data-dir", data_dir, "self-test", "--json", home=home)
    assert data.returncode == 1
    by_name = {c["name"]: c for c in data.json()["checks"]}
    assert data.json()["ok"] is False
    assert by_name["data folder"]["ok"] is False
    assert "newer version" in by_name["data folder"]["detail"]

    # Refused and left untouched: same bytes, no -wal/-shm created beside it.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert db_files(data_dir) == [path]


def test_info_refuses_a_database_from_a_newer_version(home: Path) -> None:
    data_dir = home / "data"
    path = _newer_database(data_dir)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    run = showroom("--data-dir", data_dir, "info", home=home, passphrase=PASSPHRASE)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "error:" in run.stderr
    assert "newer version" in run.stderr
    assert TRACEBACK not in run.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert db_files(data_dir) == [path]


# --- demo-seed and info -----------------------------------------------------------


def test_demo_seed_json_then_info(seeded: Seeded) -> None:
    report = seeded.report
    assert report["applications_created"] == 50
    assert report["customers_created"] == 50
    assert report["queued"] == 0
    assert Path(report["data_dir"]) == seeded.data_dir.resolve()

    run = showroom("--data-dir", seeded.data_dir, "info", "--json",
                   home=seeded.home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    info = run.json()
    assert info["applications"] == 50
    assert info["schema"] == info["schema_head"] == head_revision()
    assert info["outbox_pending"] == 0
    assert info["outbox_dead"] == 0
    assert info["users"] == 3
    assert info["version"] == __version__
    assert info["key_storage"] == "key file protected by a passphrase"
    assert Path(info["data_dir"]) == seeded.data_dir.resolve()
    assert (seeded.data_dir / "keys" / "datakey.json").exists()


def test_info_text_and_global_options(seeded: Seeded) -> None:
    run = showroom("--data-dir", seeded.data_dir, "--lang", "en",
                   "--central", "http://127.0.0.1:9", "info",
                   home=seeded.home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.strip().splitlines())
    assert lines["applications"] == "50"
    assert lines["language"] == "en"
    assert lines["central_url"] == "http://127.0.0.1:9"


def test_demo_seed_submit_queues_every_new_application(home: Path) -> None:
    data_dir = home / "data"
    run = showroom("--data-dir", data_dir, "demo-seed", "--applications", "5", "--submit",
                   "--json", home=home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    assert run.json()["applications_created"] == 5

    info = showroom("--data-dir", data_dir, "info", "--json", home=home, passphrase=PASSPHRASE)
    assert info.returncode == 0, info.stderr
    assert info.json()["applications"] == 5
    assert run.json()["queued"] == 5
    assert info.json()["outbox_pending"] == 5


def test_demo_seed_submit_outbox_matches_report_and_holds_no_clear_pii(home: Path) -> None:
    """What --submit does today stays consistent, and outbox payloads are not in clear."""
    data_dir = home / "data"
    run = showroom("--data-dir", data_dir, "demo-seed", "--applications", "20", "--submit",
                   "--json", home=home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    report = run.json()
    assert report["applications_created"] == 20
    assert report["queued"] >= 1  # so the payload scan below is not vacuous

    info = showroom("--data-dir", data_dir, "info", "--json", home=home, passphrase=PASSPHRASE)
    assert info.returncode == 0, info.stderr
    assert info.json()["outbox_pending"] == report["queued"]

    raw = {p.name: p.read_bytes() for p in db_files(data_dir)}
    needles, counts = needles_of(read_pii(data_dir, PASSPHRASE))
    assert counts["id_number"] >= 10
    assert found_in(raw, needles) == []


# --- THE acceptance check: no personal data in clear ------------------------------


def test_no_id_number_name_or_phone_in_clear_in_the_database_files(seeded: Seeded) -> None:
    needles, counts = needles_of(read_pii(seeded.data_dir, PASSPHRASE))
    # Not vacuous: the store really holds these values.
    assert counts["name"] == 50
    assert counts["id_number"] >= 40, counts
    assert counts["phone"] >= 40, counts

    # The files as the CLI left them, and again after the in-process read closed the store.
    after_read = {p.name: p.read_bytes() for p in db_files(seeded.data_dir)}
    assert "showroom.sqlite3" in seeded.raw_after_cli
    assert len(seeded.raw_after_cli["showroom.sqlite3"]) > 100_000
    leaks = found_in(seeded.raw_after_cli, needles) + found_in(after_read, needles)
    assert leaks == [], leaks[:10]


def test_the_scan_would_see_a_value_in_clear(seeded: Seeded, tmp_path: Path) -> None:
    """Guards the acceptance check itself: a plaintext copy of one ID number is found."""
    pii = next(p for p in read_pii(seeded.data_dir, PASSPHRASE) if p.id_number)
    path = tmp_path / "leaky.sqlite3"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.execute("INSERT INTO t VALUES (?), (?)", (pii.id_number, pii.name))
    conn.close()
    needles, _ = needles_of([pii])
    leaks = found_in({path.name: path.read_bytes()}, needles)
    assert any(leak.startswith("id_number") for leak in leaks)
    assert any(leak.startswith("name") for leak in leaks)


def test_no_personal_data_in_logs_or_output(seeded: Seeded) -> None:
    info = showroom("--data-dir", seeded.data_dir, "info", "--json",
                    home=seeded.home, passphrase=PASSPHRASE)
    assert info.returncode == 0
    needles, counts = needles_of(read_pii(seeded.data_dir, PASSPHRASE))
    assert counts["id_number"] >= 40

    logs = sorted((seeded.data_dir / "logs").glob("showroom.log*"))
    assert logs, "no log file written"
    texts = {p.name: p.read_bytes() for p in logs}
    texts["demo-seed stdout+stderr"] = (seeded.run.stdout + seeded.run.stderr).encode()
    texts["info stdout+stderr"] = (info.stdout + info.stderr).encode()
    leaks = found_in(texts, needles)
    assert leaks == [], leaks[:10]


def test_log_file_written_without_traceback_on_success(seeded: Seeded) -> None:
    log = seeded.data_dir / "logs" / "showroom.log"
    assert log.is_file()
    text = log.read_text(encoding="utf-8")
    assert "starting; data folder" in text
    assert "demo seed" in text
    assert TRACEBACK not in text
    assert " ERROR " not in text


# --- passphrase errors ---------------------------------------------------------------


def _assert_clean_failure(run: Run) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    assert TRACEBACK not in run.stdout + run.stderr
    assert run.stdout == ""
    assert any(line.startswith("error: ") for line in run.stderr.splitlines()), run.stderr


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "existing-key-file"])
def test_missing_passphrase_is_a_clear_error(home: Path, existing: bool) -> None:
    data_dir = home / "data"
    if existing:
        first = showroom("--data-dir", data_dir, "info", home=home, passphrase=PASSPHRASE)
        assert first.returncode == 0, first.stderr

    run = showroom("--data-dir", data_dir, "info", home=home)

    _assert_clean_failure(run)
    error = next(line for line in run.stderr.splitlines() if line.startswith("error: "))
    assert "passphrase" in error
    assert "SHOWROOM_PASSPHRASE" in error
    log = (data_dir / "logs" / "showroom.log").read_text(encoding="utf-8")
    assert "info failed" in log
    assert TRACEBACK not in log


def test_wrong_passphrase_is_a_clear_error(home: Path) -> None:
    data_dir = home / "data"
    first = showroom("--data-dir", data_dir, "info", home=home, passphrase=PASSPHRASE)
    assert first.returncode == 0, first.stderr
    key_file = data_dir / "keys" / "datakey.json"
    key_before = key_file.read_bytes()

    run = showroom("--data-dir", data_dir, "info", home=home, passphrase="not the passphrase")

    _assert_clean_failure(run)
    assert "passphrase does not open the key file" in run.stderr
    assert key_file.read_bytes() == key_before
    # The right passphrase still works afterwards.
    again = showroom("--data-dir", data_dir, "info", "--json", home=home, passphrase=PASSPHRASE)
    assert again.returncode == 0, again.stderr


# --- demo mode and usage errors ---------------------------------------------------------


def test_demo_flag_seeds_without_a_passphrase(home: Path) -> None:
    data_dir = home / "demo-data"
    run = showroom("--demo", "--data-dir", data_dir, "demo-seed", "--applications", "3",
                   "--json", home=home)

    assert run.returncode == 0, run.stderr
    report = run.json()
    assert report["applications_created"] == 3
    assert Path(report["data_dir"]) == data_dir.resolve()
    assert (data_dir / "showroom.sqlite3").exists()
    assert (data_dir / "keys" / "datakey.json").exists()
    assert (data_dir / "logs" / "showroom.log").exists()


def test_version(home: Path) -> None:
    run = showroom("--version", home=home)
    assert run.returncode == 0
    assert run.stdout.strip() == f"showroom {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-command",),
        ("--lang", "xx", "info"),
        ("demo-seed", "--applications", "-1"),
        ("demo-seed",),
        ("demo-seed", "--applications", "many"),
    ],
    ids=["unknown-command", "bad-lang", "negative-applications", "no-applications",
         "non-numeric-applications"],
)
def test_usage_errors_exit_2(home: Path, args: tuple[str, ...]) -> None:
    data_dir = home / "data"
    run = showroom("--data-dir", data_dir, *args, home=home, passphrase=PASSPHRASE)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip(), "a usage error says what is wrong"
    assert TRACEBACK not in run.stderr
    # Rejected before anything was written.
    assert not (data_dir / "showroom.sqlite3").exists()


def test_the_ocr_check_names_a_missing_word_list(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import resources
    from showroom_app.services import selftest

    assert "OCR models" in selftest.check_ocr_models()
    monkeypatch.setattr(resources, "common_words", lambda: tmp_path / "common_words.txt")
    with pytest.raises(RuntimeError, match=r"OCR files missing: .*common_words\.txt"):
        selftest.check_ocr_models()
