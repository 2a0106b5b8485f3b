"""Upgrades: a data folder made by an older release is kept and migrated by this one, and
the older release then refuses the migrated folder with a clear message, untouched.

The older release is the real code of an older commit (`git archive`, no working-tree
change), run with the same virtual environment; this one is the console script. Both go
through the real CLI, the real key file and the Alembic migrations.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import test_cli

from local_store.db import head_revision, stored_revision

ROOT = Path(__file__).resolve().parents[1]
# "Pre-score service" (migration 0004 is its head): the newer desk must add 0005 (promotion
# rules), 0006 (milestones) and 0007 (pre-score columns, backfilled from stored pre-scores).
OLD_COMMIT = "d63a01c40787549ec84aec6712e41832cb94f13f"
OLD_SCHEMA = "0004"


def _old_tree(target: Path) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history of the project (a clone, not an export)")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", OLD_COMMIT],
                             capture_output=True, check=False, timeout=120)
    if archive.returncode != 0:
        shallow = subprocess.run(["git", "-C", str(ROOT), "rev-parse",
                                  "--is-shallow-repository"], capture_output=True, text=True,
                                 check=False).stdout.strip() == "true"
        if shallow:  # a CI checkout of depth 1 has no older code to upgrade from
            pytest.skip(f"a shallow clone lacks {OLD_COMMIT[:8]}: `git fetch --unshallow`")
        pytest.fail(f"git archive {OLD_COMMIT[:8]} failed (shallow clone? fetch the history): "
                    + archive.stderr.decode(errors="replace"))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def _run_old(tree: Path, home: Path, *args: str | Path) -> test_cli.Run:
    env = test_cli.cli_env(home, test_cli.PASSPHRASE)
    # The old tree comes first on the path, ahead of this checkout's editable install.
    env["PYTHONPATH"] = str(tree)
    env.pop("PYTHONSAFEPATH", None)
    proc = subprocess.run([sys.executable, "-m", "showroom_app.cli", *map(str, args)],
                          cwd=tree, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=test_cli.TIMEOUT, check=False)
    return test_cli.Run(proc.returncode, proc.stdout, proc.stderr)


def _run_new(home: Path, *args: str | Path) -> test_cli.Run:
    return test_cli.showroom(*args, home=home, passphrase=test_cli.PASSPHRASE)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_older_data_folder_is_migrated_and_the_older_desk_refuses_it(tmp_path: Path) -> None:
    tree = _old_tree(tmp_path / "old")
    home, data_dir = tmp_path, tmp_path / "data"

    # 1. The older desk makes a folder with customers, applications and an outbox.
    seeded = _run_old(tree, home, "--data-dir", data_dir, "demo-seed", "--applications", "4",
                      "--submit", "--json")
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.json()["applications_created"] == 4
    assert stored_revision(data_dir / "showroom.sqlite3") == OLD_SCHEMA
    old_info = _run_old(tree, home, "--data-dir", data_dir, "info", "--json").json()
    old_apps = _run_old(tree, home, "--data-dir", data_dir, "apps", "list", "--json").json()
    assert old_info["schema"] == old_info["schema_head"] == OLD_SCHEMA != head_revision()
    assert len(old_apps) == 4

    # 2. This desk opens it: migrated to head, everything kept (the customers' names,
    # masked in the list, come from fields decrypted with the same key).
    info = _run_new(home, "--data-dir", data_dir, "info", "--json")
    assert info.returncode == 0, info.stderr
    new_info = info.json()
    assert new_info["schema"] == head_revision()
    for key in ("users", "applications", "stock_in", "outbox_pending", "outbox_dead",
                "key_storage", "language"):
        assert new_info[key] == old_info[key], key
    new_apps = _run_new(home, "--data-dir", data_dir, "apps", "list", "--json").json()
    assert new_apps == old_apps
    check = _run_new(home, "--data-dir", data_dir, "self-test", "--json")
    data_folder = {c["name"]: c for c in check.json()["checks"]}["data folder"]
    assert data_folder["ok"] and "readable by this version" in data_folder["detail"]
    # … and keeps working on it: same dealer, users and stock, same data key.
    more = _run_new(home, "--data-dir", data_dir, "demo-seed", "--applications", "2",
                    "--submit", "--json")
    assert more.returncode == 0, more.stderr
    assert (more.json()["users_created"], more.json()["vehicles_created"]) == (0, 0)
    after = _run_new(home, "--data-dir", data_dir, "info", "--json").json()
    assert (after["applications"], after["outbox_pending"]) == (6, 6)

    # 3. The older desk refuses the migrated folder, says why, and changes nothing.
    database = data_dir / "showroom.sqlite3"
    files_before = {p.name: _sha(p) for p in data_dir.iterdir() if p.is_file()}
    refused = _run_old(tree, home, "--data-dir", data_dir, "info", "--json")
    assert refused.returncode == 1
    assert test_cli.TRACEBACK not in refused.stderr
    assert "written by a newer version of Showroom Finance Desk" in refused.stderr
    assert f"(schema {head_revision()})" in refused.stderr
    assert "left it untouched" in refused.stderr
    assert {p.name: _sha(p) for p in data_dir.iterdir() if p.is_file()} == files_before
    assert stored_revision(database) == head_revision()
