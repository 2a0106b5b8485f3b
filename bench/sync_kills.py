"""Long mode of the kill suite: an offline day of N applications (each with a
document) drained through the fault proxy while the desk process is SIGKILLed at
random moments and restarted; then every exactly-once check of tests/killrun.py.

Run: .venv/bin/python bench/sync_kills.py [--applications 500] [--kills 20]
     [--faults 0.3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultproxy import FaultProxy  # noqa: E402
from killrun import drain_with_kills, make_offline_day, verify  # noqa: E402
from sync_drain import start_central  # noqa: E402

from central.db import Database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--faults", type=float, default=0.3)
    parser.add_argument("--document-bytes", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="showroom-bench-kills-"))
    central, url, code = start_central(folder)
    proxy = FaultProxy(int(url.rsplit(":", 1)[1]), args.faults, args.seed, stall_seconds=1.5)
    try:
        desk = make_offline_day(folder / "desk", url, code, args.applications,
                                args.document_bytes, args.seed)
        report = drain_with_kills(desk, proxy.url, args.kills, args.seed,
                                  kill_window=(0.5, 4.0), drain_timeout=1800)
        central_db = Database(f"sqlite:///{folder / 'central.sqlite3'}")
        try:
            verify(desk, central_db)
        finally:
            central_db.close()
    finally:
        proxy.close()
        central.terminate()
        central.wait(timeout=30)
    print(f"{args.applications} applications + {args.applications} documents of "
          f"{args.document_bytes // 1000} kB, faults {args.faults:.0%}: drained in "
          f"{report.seconds:.1f} s over {report.runs} desk runs with {report.kills} "
          f"SIGKILLs (at {report.kill_times} s after start); injected {dict(proxy.counts)}; "
          f"all checks passed: every application once with identical content, every "
          f"document once and intact, outbox empty, no dead letters, integrity_check ok")


if __name__ == "__main__":
    main()
