"""Drain an offline day's outbox to central over loopback, with and without faults.

N applications, each with a 200 kB document, are made offline (queued), then the
dispatcher drains them to the reference service, once directly (0 % faults) and once
through the fault proxy (30 %: resets, stalls, lost and cut replies, latency).
Central runs in its own process, as it would on its own machine. Prints applications
per second and the p50 / p95 latency per application: from the first byte the
dispatcher sends for it to its last row marked sent (retries and backoff included).

Run: .venv/bin/python bench/sync_drain.py [--applications 200] [--faults 0 0.3]
     [--workers 4]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from faultproxy import FaultProxy  # noqa: E402

from central.db import Application, Database, Document  # noqa: E402
from local_store import repositories as repo  # noqa: E402
from local_store.db import open_store  # noqa: E402
from local_store.keys import FileKeyStore  # noqa: E402
from local_store.orm import OutboxRow  # noqa: E402
from showroom_app.domain.enums import DocumentType  # noqa: E402
from showroom_app.services.demo import seed_demo  # noqa: E402
from showroom_app.services.enrollment import enroll, load_tokens, save_tokens  # noqa: E402
from sync.client import CentralClient  # noqa: E402
from sync.dispatcher import WORKERS, Dispatcher  # noqa: E402


def start_central(folder: Path) -> tuple[subprocess.Popen, str, str]:
    """The reference service in its own process, as it is in life (another machine):
    sharing the desk's interpreter would charge the desk for central's work."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "serve", "--demo", "--port", str(port),
         "--db", f"sqlite:///{folder / 'central.sqlite3'}", "--log-level", "warning"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    code = ""
    for line in proc.stdout:
        if line.startswith("Activation code"):
            code = line.rsplit(":", 1)[1].strip()
        if line.startswith("Interactive API docs"):
            break
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    return proc, url, code


def run(n: int, fault_rate: float, seed: int, workers: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="showroom-bench-sync-"))
    store = open_store(folder / "showroom.sqlite3", FileKeyStore(folder / "k.json", "bench pw 1"))
    central, central_url, code = start_central(folder)
    enroll(store, central_url, "DEMO001", code, "bench")
    seed_demo(store, n, submit=True, seed=seed)
    rng = random.Random(seed)
    with store.transaction() as s:
        for row in s.scalars(select(OutboxRow).where(OutboxRow.kind == "submit_application")
                             ).all():
            doc = repo.add_document(s, store.cipher, DocumentType.INCOME_PROOF,
                                    rng.randbytes(200_000), "image/jpeg",
                                    application_id=row.aggregate_id)
            repo.enqueue(s, store.cipher, "application", row.aggregate_id, "upload_document",
                         {"document_id": doc.id})
    port = int(central_url.rsplit(":", 1)[1])
    proxy = FaultProxy(port, fault_rate, seed, stall_seconds=1.5) if fault_rate else None
    url = proxy.url if proxy else central_url
    timeout = (1.0, 1.0) if proxy else (5.0, 30.0)
    client = CentralClient(url, tokens=load_tokens(store), timeout=timeout,
                           on_tokens=lambda t: save_tokens(store, t))
    start = time.perf_counter()
    dispatcher = TimedDispatcher(store, client, rng=random.Random(seed),
                                 backoff=(0.02, 0.5), workers=workers)
    report = dispatcher.drain(timeout=3600)
    seconds = time.perf_counter() - start
    latencies = sorted((dispatcher.finished[a] - dispatcher.started[a]) * 1000
                       for a in dispatcher.finished)
    central_db = Database(f"sqlite:///{folder / 'central.sqlite3'}")
    with central_db.read() as s:
        apps = s.scalar(select(func.count()).select_from(Application))
        docs = s.scalar(select(func.count()).select_from(Document))
    central_db.close()
    faults = dict(proxy.counts) if proxy else {}
    print(f"faults {fault_rate:.0%}: {n} applications + {n} documents of 200 kB in "
          f"{seconds:.1f} s = {n / seconds:.1f} applications/s; per application p50 "
          f"{statistics.median(latencies):.0f} ms, p95 "
          f"{statistics.quantiles(latencies, n=20)[18]:.0f} ms over {workers} workers"
          f"; delivered {apps} applications / {docs} documents exactly once: "
          f"{apps == n and docs == n}; remaining {report.remaining}, dead {report.dead}"
          + (f"; injected {faults}" if faults else ""))
    client.close()
    if proxy:
        proxy.close()
    central.terminate()
    central.wait(timeout=30)
    store.close()


class TimedDispatcher(Dispatcher):
    """Notes when each application's first exchange starts and its last row is sent."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.started: dict[str, float] = {}
        self.finished: dict[str, float] = {}

    def _send(self, row_id: int) -> str:
        with self.store.read() as s:
            aggregate = s.get(OutboxRow, row_id).aggregate_id
        self.started.setdefault(aggregate, time.perf_counter())
        outcome = super()._send(row_id)
        if outcome == "sent":
            self.finished[aggregate] = time.perf_counter()
        return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--faults", type=float, nargs="+", default=[0.0, 0.3])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help="applications in flight at once")
    args = parser.parse_args()
    for rate in args.faults:
        run(args.applications, rate, args.seed, args.workers)


if __name__ == "__main__":
    main()
