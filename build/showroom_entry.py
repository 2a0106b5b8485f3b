"""Entry point of the frozen desk (both executables): `showroom_app.cli:main`."""

from __future__ import annotations

import multiprocessing
import os
import sys


def _ensure_streams() -> None:
    # A windowed executable (Windows `showroom-desk.exe`, the macOS .app) starts with no
    # console: sys.stdout / sys.stderr are None, and print() or a logging StreamHandler
    # would raise. Send them to the null device; the log file keeps everything.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _ensure_streams()
    from showroom_app.cli import main

    sys.exit(main())
