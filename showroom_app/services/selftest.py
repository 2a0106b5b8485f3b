"""Install checks that need no network and touch no user data.

Each check returns one line; the composition root adds the Qt checks, which
this layer may not import.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from local_store import repositories as repo
from local_store.db import check_not_newer, head_revision, open_store
from local_store.keys import FileKeyStore, KeyringKeyStore
from showroom_app.domain.enums import CustomerType
from showroom_app.domain.models import CustomerPII


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def run_check(name: str, fn: Callable[[], str]) -> CheckResult:
    """A check passes when `fn` returns its detail line, fails when it raises."""
    start = time.perf_counter()
    try:
        detail = fn()
        ok = True
    except Exception as exc:
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return CheckResult(name, ok, detail, round(time.perf_counter() - start, 3))


def check_python() -> str:
    return f"Python {sys.version.split()[0]} ({sys.platform})"


def check_database() -> str:
    """Migrate a scratch database to head and round-trip one protected row."""
    with tempfile.TemporaryDirectory(prefix="showroom-selftest-") as tmp:
        folder = Path(tmp)
        store = open_store(folder / "check.sqlite3", FileKeyStore(folder / "key.json", "self-test"))
        try:
            with store.transaction() as s:
                dealer = repo.add_dealer(s, "SELFTEST", "self-test")
                cust = repo.add_customer(
                    s, store.cipher, dealer.id, CustomerType.INDIVIDUAL, CustomerPII(name="测试")
                )
            with store.transaction() as s:
                back = repo.get_customer(s, store.cipher, cust.id)
            if back is None or back.pii.name != "测试":
                raise RuntimeError("encrypted round trip returned something else")
            with store.engine.connect() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        finally:
            store.close()
    return f"SQLite migrations to {head_revision()}, WAL ({mode}), AES-GCM round trip ok"


def check_data_folder(db_path: Path) -> Callable[[], str]:
    def check() -> str:
        if not db_path.exists():
            return f"{db_path.parent}: no database yet (created at first start)"
        check_not_newer(db_path)
        return f"{db_path}: schema readable by this version"

    return check


def check_key_storage() -> str:
    keyring_state = (
        "OS keyring available" if KeyringKeyStore.available() else
        "no OS keyring: key file with passphrase is used"
    )
    with tempfile.TemporaryDirectory(prefix="showroom-selftest-") as tmp:
        store = FileKeyStore(Path(tmp) / "key.json", "self-test")
        store.save("probe", b"k" * 32)
        if store.load("probe") != b"k" * 32:
            raise RuntimeError("key file round trip failed")
    return f"{keyring_state}; scrypt key file round trip ok"


def check_modules(*names: str) -> Callable[[], str]:
    def check() -> str:
        versions = []
        for name in names:
            module = importlib.import_module(name)
            versions.append(f"{name} {getattr(module, '__version__', '?')}")
        return ", ".join(versions)

    return check


def check_ocr_models() -> str:
    """The PP-OCR ONNX files ship inside the rapidocr wheel: no download at run time."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("rapidocr is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    models = sorted(p.name for p in root.rglob("*.onnx"))
    if not models:
        raise RuntimeError(f"no ONNX models inside {root}")
    import onnxruntime

    return f"onnxruntime {onnxruntime.__version__}; bundled OCR models: {', '.join(models)}"


def core_checks(db_path: Path) -> list[tuple[str, Callable[[], str]]]:
    return [
        ("python", check_python),
        ("database", check_database),
        ("data folder", check_data_folder(db_path)),
        ("key storage", check_key_storage),
        ("ocr runtime", check_ocr_models),
        ("ml runtime", check_modules("lightgbm", "numpy", "cv2")),
    ]
