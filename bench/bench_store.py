"""Local store figures that decide how the desk feels on an old PC.

Prints: opening a store (guard + migrations check + key unlock), seeding,
the Desk page summary with many applications, and a sign-in (scrypt).
Run: .venv/bin/python bench/bench_store.py [--applications 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from local_store.db import open_store
from local_store.keys import FileKeyStore
from showroom_app.services.auth import AuthService
from showroom_app.services.demo import DEMO_USERS, seed_demo
from showroom_app.services.desk import DeskService


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(name: str, ms: list[float]) -> None:
    print(f"{name:<44} median {statistics.median(ms):8.1f} ms   max {max(ms):8.1f} ms"
          f"   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="showroom-bench-"))
    db, keys = folder / "showroom.sqlite3", folder / "keys" / "datakey.json"

    store = open_store(db, FileKeyStore(keys, "bench passphrase"))
    start = time.perf_counter()
    batch = 200
    for _ in range(args.applications // batch):
        seed_demo(store, batch)
    seconds = time.perf_counter() - start
    print(f"seed {args.applications} applications with documents: {seconds:.1f} s "
          f"({args.applications / seconds:.0f}/s)")
    store.close()

    def reopen() -> None:
        open_store(db, FileKeyStore(keys, "bench passphrase")).close()

    show("open store (guard, migrate check, unlock)", timed(reopen, 5))
    store = open_store(db, FileKeyStore(keys, "bench passphrase"))
    manager = next(u for u in DEMO_USERS if u.role.value == "manager")
    auth = AuthService(store)
    user = auth.sign_in(manager.username, manager.password)
    desk = DeskService(store)
    show(f"desk summary, {args.applications} applications", timed(lambda: desk.summary(user), 20))
    show("sign-in (scrypt N=2^15)", timed(lambda: auth.sign_in(manager.username,
                                                              manager.password), 5))
    size = sum(p.stat().st_size for p in folder.glob("showroom.sqlite3*"))
    print(f"database size: {size / 1e6:.1f} MB ({size / args.applications / 1e3:.1f} kB per "
          "application incl. two document images)")
    store.close()


if __name__ == "__main__":
    main()
