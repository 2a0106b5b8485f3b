"""How long after the network comes back the lessor's decision shows in the desk.

The real desk window (offscreen Qt) with its sync worker, the demo central service in
this process over real HTTP on 127.0.0.1, behind a switch that cuts every connection
while "offline". Each round: an application complete in every step is submitted while
offline (it waits in the outbox), then the network comes back and the OS says so (what
QNetworkInformation's reachability signal does: `MainWindow._reachability_changed`);
the clock runs until the decision's toast is on screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/decision_latency.py --rounds 10

Target (issue 9): the decision shows ≤ 1 s after the network comes back.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from faultproxy import FaultProxy  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402

from local_store import repositories as repo  # noqa: E402
from showroom_app.config import PASSPHRASE_ENV, RunOptions  # noqa: E402
from showroom_app.domain.enums import CustomerType, DocumentType  # noqa: E402
from showroom_app.domain.money import Money  # noqa: E402
from showroom_app.main import EmbeddedCentral, build_services, open_local_store, prepare  # noqa: E402
from showroom_app.services.demo import DEMO_USERS  # noqa: E402
from showroom_app.services.quoting import QuoteInput  # noqa: E402
from showroom_app.services.submission import Contact, quote_terms  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

APPROVE_ID = "110105198803151232"  # central's sandbox: a clean bureau file


class Switch(FaultProxy):
    online = False

    def _draw(self) -> str:
        return "ok" if self.online else "reset"


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), (210, 215, 225)).save(out, format="PNG" if kind == "png"
                                                        else "JPEG")
    return out.getvalue()


def ready_application(services, user) -> str:
    """Every step of the wizard done, through the same service the wizard uses."""
    submission = services.submission
    app_id, _ = submission.start(user, CustomerType.INDIVIDUAL, datetime.now(UTC).date())
    store = services.applications._store
    with store.transaction() as s:
        for kind in (DocumentType.ID_CARD_FRONT, DocumentType.ID_CARD_BACK):
            repo.add_document(s, store.cipher, kind, image("jpeg"), "image/jpeg",
                              application_id=app_id, fields={"kind": kind.value})
    submission.save_contact(user, app_id, Contact(
        name="张伟", id_number=APPROVE_ID, phone="13812345678", address="北京市朝阳区建国路88号"))
    vehicle = next(v for v in services.quoting.stock() if v.category == "new_car")
    quote = services.quoting.quote(QuoteInput(
        product_code="auto_loan", price=vehicle.price,
        down_payment=Money(vehicle.price.fen * 30 // 100), term_months=36,
        category=vehicle.category, is_nev=vehicle.is_nev))
    make, _, model = vehicle.label.partition(" ")
    submission.save_quote(user, app_id, quote_terms(quote, vehicle.id, vehicle.vin, make,
                                                    model or make, vehicle.is_nev))
    submission.save_step(user, app_id, "applicant", {"applicant": {
        "monthly_income_fen": 3_000_000, "income_proven": True}})
    strokes = [[{"x": 0.1, "y": 0.5, "t": 0}, {"x": 0.6, "y": 0.4, "t": 120}]]
    submission.record_consent(user, app_id, "张伟", image("png"), strokes,
                              datetime.now().astimezone())
    submission.submit(user, app_id, datetime.now().astimezone())
    return app_id


def pump_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if predicate():
            return True
        time.sleep(0.002)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="showroom-latency-"))
    os.environ[PASSPHRASE_ENV] = "bench passphrase"
    sandbox = EmbeddedCentral(data_dir)
    switch = Switch(int(sandbox.url.rsplit(":", 1)[1]), 0.0, 1)
    options = RunOptions(data_dir=data_dir, demo=True, central_url=switch.url)
    runtime = prepare(options)
    store = open_local_store(runtime, options)
    services = build_services(runtime, store, options, sandbox)
    _app, translations = create_application("zh_CN")
    consultant = next(u for u in DEMO_USERS if u.role.value == "consultant")
    user = services.auth.sign_in(consultant.username, consultant.password)
    window = MainWindow(services, user, translations, data_dir / "ui-state.ini")
    window.show()
    # The demo's own queued applications go first, so that each round has only its own.
    switch.online = True
    window.sync_worker.wake()
    pump_until(lambda: services.outbox.counts()["pending"] == 0, 60)

    figures = []
    for _round in range(args.rounds):
        switch.online = False
        pump_until(lambda: not window.sync_worker.busy, 10)
        app_id = ready_application(services, user)
        window.sync_worker.wake()  # the desk tries, finds no network: still queued
        pump_until(lambda: window.sync_worker.busy, 2)
        pump_until(lambda: not window.sync_worker.busy, 10)
        window.toasts.clear()
        start = time.perf_counter()
        switch.online = True
        window._reachability_changed(None)  # the OS: the network is back
        shown = pump_until(lambda a=app_id: any(t.application_id == a
                                                for t in window.toasts.shown()), 30)
        elapsed = time.perf_counter() - start
        if not shown:
            print(f"round {_round}: no decision within 30 s", file=sys.stderr)
            return 1
        figures.append(elapsed * 1000)
        print(f"round {_round + 1}: decision on screen {elapsed * 1000:.0f} ms after the "
              "network came back")
    window.close()
    switch.close()
    figures.sort()
    print(f"\n{len(figures)} rounds: p50 {statistics.median(figures):.0f} ms, "
          f"max {figures[-1]:.0f} ms (target ≤ 1000 ms)")
    return 0 if figures[-1] <= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
