"""Composition root: builds the object graph for the GUI and the CLI."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from local_store.db import Store, open_store
from local_store.keys import FileKeyStore, choose_key_store
from showroom_app import __version__
from showroom_app.config import Paths, RunOptions, effective_settings, env_passphrase, resolve_paths
from showroom_app.domain.errors import (
    KeyringUnavailableError,
    PassphraseRequiredError,
    WrongPassphraseError,
)
from showroom_app.logs import setup_logging
from showroom_app.services.app import DeskServices
from showroom_app.services.applications import ApplicationService
from showroom_app.services.auth import AuthService
from showroom_app.services.customers import CustomerService
from showroom_app.services.desk import DeskService
from showroom_app.services.outbox import OutboxService
from showroom_app.services.prescore import PreScoreService
from showroom_app.services.promotions import PromotionService
from showroom_app.services.quoting import QuotingService
from showroom_app.services.reports import ReportService
from showroom_app.services.settings import Settings, SettingsService
from showroom_app.services.status import StatusService
from showroom_app.services.stock import StockService
from showroom_app.services.submission import SubmissionService
from showroom_app.services.sync import SyncService

log = logging.getLogger(__name__)

CAMERA_ENV = "SHOWROOM_CAMERA"  # a device index or a video / image file

# (is_new_key_file, problem shown to the person or None) -> passphrase, or None to give up
AskPassphrase = Callable[[bool, str | None], str | None]

DEMO_APPLICATIONS = 36
DEMO_QUEUED = 4


@dataclass
class Runtime:
    paths: Paths
    settings_service: SettingsService
    settings: Settings
    log_file: Path


def prepare(options: RunOptions, console_level: int = logging.WARNING) -> Runtime:
    paths = resolve_paths(options)
    log_file = setup_logging(paths.logs, console_level)
    service, settings = effective_settings(paths, options)
    log.info("Showroom %s starting; data folder %s", __version__, paths.data_dir)
    return Runtime(paths, service, settings, log_file)


def open_local_store(
    runtime: Runtime, options: RunOptions, ask: AskPassphrase | None = None
) -> Store:
    """Open the database, asking for the key-file passphrase only when it is needed."""
    passphrase = env_passphrase(options)
    problem: str | None = None
    storage = runtime.settings.key_storage
    while True:
        key_store = choose_key_store(runtime.paths.data_dir, storage, passphrase)
        try:
            return open_store(runtime.paths.database, key_store)
        except KeyringUnavailableError as exc:
            if storage != "auto":
                raise
            # A keyring that is present but refuses (locked, no daemon) must not keep a
            # new desk from starting: fall back to the key file, which `auto` then keeps.
            log.warning("keyring unusable (%s); using a passphrase-protected key file", exc)
            storage = "file"
        except (PassphraseRequiredError, WrongPassphraseError) as exc:
            if ask is None:
                raise
            problem = None if isinstance(exc, PassphraseRequiredError) else str(exc)
            is_new = isinstance(key_store, FileKeyStore) and not key_store.exists()
            passphrase = ask(is_new, problem)
            if passphrase is None:
                raise


def build_services(runtime: Runtime, store: Store, options: RunOptions,
                   sandbox: EmbeddedCentral | None = None) -> DeskServices:
    # OpenCV and the OCR pipeline load here, not at import: CLI commands that never
    # build the desk's services start without them.
    from showroom_app.services.intake import IntakeService

    demo_users: tuple = ()
    if options.demo:
        from showroom_app.services.demo import DEMO_USERS, seed_demo

        demo_users = DEMO_USERS
        if AuthService(store).needs_first_run():
            report = seed_demo(store, applications=DEMO_APPLICATIONS)
            # A few applications wait in the outbox: the demo shows them travel to
            # central and come back decided.
            queued = seed_demo(store, applications=DEMO_QUEUED, submit=True)
            log.info("demo data seeded: %s + %s", report.to_dict(), queued.to_dict())
    if sandbox is not None:
        from showroom_app.services.enrollment import enroll, load_tokens

        if load_tokens(store) is None:
            enroll(store, sandbox.url, "DEMO001", sandbox.activation_code(), "demo desk")
    prescore = PreScoreService(store)
    return DeskServices(
        auth=AuthService(store),
        desk=DeskService(store),
        customers=CustomerService(store),
        settings_service=runtime.settings_service,
        settings=runtime.settings,
        status=StatusService(runtime.settings.central_url),
        sync=SyncService(store, runtime.settings.central_url),
        applications=ApplicationService(store),
        submission=SubmissionService(store),
        outbox=OutboxService(store),
        intake=IntakeService(store),
        quoting=QuotingService(store),
        prescore=prescore,
        stock=StockService(store),
        promotions=PromotionService(store),
        reports=ReportService(store, prescore=prescore),
        data_dir=runtime.paths.data_dir,
        log_file=runtime.log_file,
        key_storage=store.key_store_kind,
        version=__version__,
        demo_users=demo_users,
    )


class EmbeddedCentral:
    """The reference central service inside the demo process, on 127.0.0.1.

    `--demo` must run end to end on one machine with no network: the desk talks to
    this sandbox over real HTTP, exactly as it would to a lessor's service.
    """

    def __init__(self, data_dir: Path) -> None:
        import socket
        import threading
        import time

        import uvicorn

        from central import seed
        from central.app import create_app
        from central.db import Database, utcnow

        self.db = Database(f"sqlite:///{data_dir / 'central-sandbox.sqlite3'}")
        with self.db.session() as s:
            seed.seed_demo(s, utcnow().date())
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(
            create_app(self.db), host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="central-sandbox",
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        log.info("embedded central sandbox at %s", self.url)

    def activation_code(self) -> str:
        from central import auth
        from central.seed import DEMO_DEALER, ensure_dealer

        with self.db.session() as s:
            return auth.new_activation_code(s, ensure_dealer(s, *DEMO_DEALER))

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.db.close()


def run_gui(options: RunOptions) -> int:
    own_folder = options.demo and options.data_dir is None
    sandbox = None
    if options.demo:
        # Fix the (temporary) folder once: the sandbox and the desk share it.
        options = replace(options, data_dir=resolve_paths(options).data_dir)
        if not options.central_url:
            sandbox = EmbeddedCentral(options.data_dir)
            options = replace(options, central_url=sandbox.url)
        if not os.environ.get(CAMERA_ENV):
            # No camera needed to try the demo: the capture page shows a synthetic
            # card on a desk (set SHOWROOM_CAMERA=0 to use a real camera).
            from showroom_app.services.intake import demo_camera_frame

            os.environ[CAMERA_ENV] = str(demo_camera_frame(options.data_dir))
    try:
        return _run_gui(options, own_folder, sandbox)
    finally:
        if sandbox is not None:
            sandbox.stop()


def _run_gui(options: RunOptions, own_folder: bool, sandbox: EmbeddedCentral | None) -> int:
    runtime = prepare(options)
    from ui.app import run_desk

    opened: list[Store] = []

    def open_services(ask: AskPassphrase) -> DeskServices:
        store = open_local_store(runtime, options, ask)
        opened.append(store)
        services = build_services(runtime, store, options, sandbox)
        # Load and warm the OCR models while the consultant signs in: the first
        # capture must not wait for them.
        services.intake.start_engine()
        # LightGBM and the three segment models (~0.3 s) load before the first score.
        threading.Thread(target=services.prescore.warm_up, name="prescore-warm-up",
                         daemon=False).start()
        return services

    code = run_desk(
        language=runtime.settings.language,
        log_file=runtime.log_file,
        ui_state_file=runtime.paths.ui_state,
        open_services=open_services,
    )
    for store in opened:
        store.close()
    if own_folder and code == 0:
        # The demo's own temporary folder goes away with it; after a failure it stays,
        # so that its log can be read.
        logging.shutdown()
        shutil.rmtree(runtime.paths.data_dir, ignore_errors=True)
    return code
