"""Drain an offline day's outbox to central over loopback, with and without faults.

N applications, each with a 200 kB document, are made offline (queued), then the
dispatcher drains them to the reference service, once directly (0 % faults) and once
through the fault proxy (30 %: resets, stalls, lost and cut replies, latency).
Prints applications per second and the p50 / p95 time per application (the time
between one application being fully delivered and the next: the dispatcher sends in
queue order, so this is the service time of one application).

Run: .venv/bin/python bench/sync_drain.py [--applications 200] [--faults 0 0.3]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from faultproxy import FaultProxy  # noqa: E402

from central.db import Application, Document  # noqa: E402
from local_store import repositories as repo  # noqa: E402
from local_store.db import open_store  # noqa: E402
from local_store.keys import FileKeyStore  # noqa: E402
from local_store.orm import OutboxRow  # noqa: E402
from showroom_app.domain.enums import DocumentType  # noqa: E402
from showroom_app.main import EmbeddedCentral  # noqa: E402
from showroom_app.services.demo import seed_demo  # noqa: E402
from showroom_app.services.enrollment import enroll, load_tokens, save_tokens  # noqa: E402
from sync.client import CentralClient  # noqa: E402
from sync.dispatcher import Dispatcher  # noqa: E402


def run(n: int, fault_rate: float, seed: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="showroom-bench-sync-"))
    store = open_store(folder / "showroom.sqlite3", FileKeyStore(folder / "k.json", "bench pw 1"))
    sandbox = EmbeddedCentral(folder)
    from central import auth
    from central.seed import DEMO_DEALER, ensure_dealer

    with sandbox.db.session() as s:
        code = auth.new_activation_code(s, ensure_dealer(s, *DEMO_DEALER))
    enroll(store, sandbox.url, "DEMO001", code, "bench")
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
    port = int(sandbox.url.rsplit(":", 1)[1])
    proxy = FaultProxy(port, fault_rate, seed, stall_seconds=1.5) if fault_rate else None
    url = proxy.url if proxy else sandbox.url
    timeout = (1.0, 1.0) if proxy else (5.0, 30.0)
    client = CentralClient(url, tokens=load_tokens(store), timeout=timeout,
                           on_tokens=lambda t: save_tokens(store, t))
    start = time.perf_counter()
    report = Dispatcher(store, client, rng=random.Random(seed),
                        backoff=(0.02, 0.5)).drain(timeout=3600)
    seconds = time.perf_counter() - start
    with store.read() as s:
        done = sorted(max(times) for times in _sent_by_app(s).values())
    gaps = [(b - a).total_seconds() * 1000 for a, b in itertools.pairwise(done)]
    with sandbox.db.read() as s:
        apps = s.scalar(select(func.count()).select_from(Application))
        docs = s.scalar(select(func.count()).select_from(Document))
    faults = dict(proxy.counts) if proxy else {}
    print(f"faults {fault_rate:.0%}: {n} applications + {n} documents of 200 kB in "
          f"{seconds:.1f} s = {n / seconds:.1f} applications/s; per application p50 "
          f"{statistics.median(gaps):.0f} ms, p95 {statistics.quantiles(gaps, n=20)[18]:.0f} "
          f"ms; delivered {apps} applications / {docs} documents exactly once: "
          f"{apps == n and docs == n}; remaining {report.remaining}, dead {report.dead}"
          + (f"; injected {faults}" if faults else ""))
    client.close()
    if proxy:
        proxy.close()
    sandbox.stop()
    store.close()


def _sent_by_app(s) -> dict:
    out: dict = {}
    for row in s.scalars(select(OutboxRow)):
        out.setdefault(row.aggregate_id, []).append(row.sent_at)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--faults", type=float, nargs="+", default=[0.0, 0.3])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for rate in args.faults:
        run(args.applications, rate, args.seed)


if __name__ == "__main__":
    main()
