"""Support bundle: one zip a dealer can send to support staff when the desk misbehaves.

It holds the log files, a self-test report and a short description of the installation,
never the database, the keys or captured documents. The logs are already scrubbed when
written (showroom_app.logs), but a log written by an older version, a line added by hand
or a crash text may not be: every text that goes in is scrubbed again here, and the
user's home folder is replaced by `~` (its name is often the person's name).
"""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from local_store.db import head_revision, stored_revision
from showroom_app.domain.masking import scrub
from showroom_app.logs import LOG_FILENAME
from showroom_app.services.selftest import CheckResult, core_checks, run_check

# The rotating handler keeps showroom.log and showroom.log.1 … .5 (1 MB each).
_LOG_GLOB = f"{LOG_FILENAME}*"
_SETTINGS_FILE = "settings.json"
_DATABASE_FILE = "showroom.sqlite3"  # config.Paths.database, which services may not import
_README = """Showroom Finance Desk support bundle

info.json        version, platform, data folder layout, database schema
selftest.txt     the self-test, as `showroom self-test` prints it (selftest.json: the same)
logs/            the desk's log files
settings.json    the desk's settings (language, idle lock, central URL, key storage)

ID numbers, mobile numbers and bank card numbers are masked in every file, and the user's
home folder is shown as ~. The bundle holds no database, keys or document images.
"""


@dataclass(frozen=True)
class SupportBundle:
    path: Path
    files: tuple[str, ...]
    checks_ok: bool
    size_bytes: int


def mask_text(text: str, home: Path | None = None) -> str:
    """Personal data out of free text: ID, phone and card numbers, and the home folder."""
    home = Path.home() if home is None else home
    home_text = str(home)
    # A bare "/" or a one-letter home would mask every path separator.
    if len(home_text) > 3:
        text = text.replace(home_text, "~")
    return scrub(text)


def _selftest_text(results: Sequence[CheckResult]) -> str:
    ok = all(r.ok for r in results)
    lines = [f"{'PASS' if r.ok else 'FAIL'}  {r.name:<13} {r.detail}" for r in results]
    lines.append("all checks passed" if ok else "SOME CHECKS FAILED")
    return "\n".join(lines) + "\n"


def _schema(database: Path) -> dict[str, str | None]:
    try:
        stored = stored_revision(database)
    except Exception as exc:  # a damaged database is exactly what support must hear of
        stored = f"unreadable: {type(exc).__name__}: {exc}"
    return {"stored": stored, "this_version": head_revision()}


def write_support_bundle(
    out: Path,
    *,
    data_dir: Path,
    version: str,
    qt_results: Sequence[CheckResult] = (),
    self_test: bool = True,
    home: Path | None = None,
) -> SupportBundle:
    """Write the zip to `out` (replaced if it exists) and describe it.

    With `self_test`, the core self-test runs here (OCR of the sample card, pre-score,
    database, keys: a few seconds, so call this off the UI thread). `qt_results` are the
    Qt checks, which the caller runs where Qt allows (the UI thread). The bundle is
    written even when checks fail: that is when it is needed.
    """
    data_dir = Path(data_dir)
    checks = core_checks(data_dir / _DATABASE_FILE) if self_test else []
    results = [*(run_check(name, fn) for name, fn in checks), *qt_results]
    logs = sorted((data_dir / "logs").glob(_LOG_GLOB))
    info = {
        "version": version,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "data_dir": str(data_dir),
        "database_schema": _schema(data_dir / _DATABASE_FILE),
        "log_files": [p.name for p in logs],
    }
    entries: dict[str, str] = {
        "README.txt": _README,
        "info.json": json.dumps(info, ensure_ascii=False, indent=2),
        "selftest.txt": _selftest_text(results),
        "selftest.json": json.dumps([r.to_dict() for r in results], ensure_ascii=False,
                                    indent=2),
    }
    for log in logs:
        # errors="replace": a log cut mid-character by a crash must not lose the bundle.
        entries[f"logs/{log.name}"] = log.read_text(encoding="utf-8", errors="replace")
    settings = data_dir / _SETTINGS_FILE
    if settings.is_file():
        entries[_SETTINGS_FILE] = settings.read_text(encoding="utf-8", errors="replace")

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries.items():
            zf.writestr(name, mask_text(text, home))
    # A half-written zip never takes the name the user chose.
    partial.replace(out)
    return SupportBundle(out, tuple(entries), all(r.ok for r in results), out.stat().st_size)
