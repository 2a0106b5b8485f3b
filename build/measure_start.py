"""Time from process start to the first desk window (sign-in, first-run or data-key
dialog) of a desk executable, under a private Xvfb display. Linux only; needs Xvfb and
xwininfo (x11-utils). The desk has no "exit after the sign-in window" switch, so this
watches the X server for the window and then ends the process.

    python build/measure_start.py [--runs 5] [--fresh] -- dist/showroom/showroom [--demo]

Prints one line per run and the median; exits 1 when no window appeared in time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Every desk dialog's title ends with it ("Sign in — …", "First start — …"); a bare
# "Showroom Finance Desk" is Qt's hidden client-leader window, there from QApplication on.
MARKER = " — Showroom Finance Desk"
PASSPHRASE = "measure-start-passphrase"  # noqa: S105 - a scratch folder's key file


def _windows(display: str) -> str:
    proc = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          env={**os.environ, "DISPLAY": display}, check=False)
    return proc.stdout


def _one_run(exe: list[str], display: str, data_dir: Path, timeout: float) -> tuple[float, str]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "SHOWROOM_PASSPHRASE": PASSPHRASE}
    started = time.perf_counter()
    proc = subprocess.Popen([*exe, "--data-dir", str(data_dir), "--lang", "en"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        while time.perf_counter() - started < timeout:
            tree = _windows(display)
            for line in tree.splitlines():
                if MARKER in line and '"' in line:
                    title = line.split('"')[1]
                    return time.perf_counter() - started, title
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode}: {proc.stderr.read()[-2000:]}")
            time.sleep(0.01)
        raise RuntimeError(f"no desk window within {timeout} s")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("exe", nargs="+", help="the executable (and leading arguments)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--fresh", action="store_true",
                        help="a new data folder every run (first start: migrations, "
                             "first-run dialog); default: one folder, first run discarded")
    parser.add_argument("--users", action="store_true",
                        help="seed the folder's users first (`demo-seed --applications 0`): "
                             "the desk opens on the sign-in window")
    args = parser.parse_args()
    for tool in ("Xvfb", "xwininfo"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 1
    display = f":{90 + os.getpid() % 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if subprocess.run(["xwininfo", "-root"], capture_output=True, check=False,
                              env={**os.environ, "DISPLAY": display}).returncode == 0:
                break
            time.sleep(0.05)
        times = []
        with tempfile.TemporaryDirectory(prefix="showroom-start-") as tmp:
            if args.users and not args.fresh:
                subprocess.run([*args.exe, "--data-dir", str(Path(tmp) / "data"), "demo-seed",
                                "--applications", "0"], check=True, capture_output=True,
                               env={**os.environ, "SHOWROOM_PASSPHRASE": PASSPHRASE})
            for i in range(args.runs + (0 if args.fresh else 1)):
                folder = Path(tmp) / (f"data{i}" if args.fresh else "data")
                seconds, title = _one_run(args.exe, display, folder, args.timeout)
                label = "first start (discarded)" if not args.fresh and i == 0 else "run"
                print(f"{label:<24} {seconds:6.2f} s  window: {title}")
                if args.fresh or i > 0:
                    times.append(seconds)
        print(f"median {statistics.median(times):.2f} s over {len(times)} run(s)")
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == "__main__":
    sys.exit(main())
