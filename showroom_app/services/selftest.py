"""Install checks that need no network and touch no user data.

Each check returns one line; the composition root adds the Qt checks, which
this layer may not import.
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import resources
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
    """The files the OCR engine opens, by their explicit paths: the detector and line
    classifier inside the rapidocr wheel, the desk's recogniser in `resources`; and the
    word list the ID front's address is read with. None is downloaded at run time, so
    each must be there."""
    from models.ocr.rapid import RapidModelFiles

    files = RapidModelFiles.bundled()
    words = resources.common_words()
    missing = [*files.missing(), *([] if words.is_file() else [words])]
    if missing:
        raise RuntimeError(f"OCR files missing: {', '.join(map(str, missing))}")
    import onnxruntime

    names = ", ".join(p.name for p in (files.det, files.cls, files.rec))
    return f"onnxruntime {onnxruntime.__version__}; OCR models: {names}"


SAMPLE_CARD = "id_card_front.jpg"
SAMPLE_CARD_TRUTH = "id_card_front.json"


def sample_card() -> tuple[Path, dict]:
    """The bundled synthetic ID card photo (resources/samples/) and what it says."""
    folder = resources.ROOT / "samples"
    image, truth = folder / SAMPLE_CARD, folder / SAMPLE_CARD_TRUTH
    for path in (image, truth):
        if not path.is_file():
            raise RuntimeError(f"{path} is missing: the installation is incomplete")
    return image, json.loads(truth.read_text(encoding="utf-8"))


def check_ocr_reads_sample() -> str:
    """Load the OCR engine and read the bundled sample card end to end (find the card,
    rectify, OCR, parse, validate): the ID number must come out exactly."""
    from models.ocr.factory import create_engine
    from showroom_app.documents.capture import load_image
    from showroom_app.documents.fields import DocKind
    from showroom_app.documents.pipeline import read_document

    image_path, truth = sample_card()
    started = time.perf_counter()
    engine = create_engine("rapidocr")
    loaded = time.perf_counter() - started
    result = read_document(engine, load_image(image_path), DocKind(truth["doc_type"]))
    field = result.document.fields.get("id_number")
    got = field.value if field is not None else None
    if got != truth["id_number"]:
        raise RuntimeError(
            f"{image_path.name}: ID number read as {got!r}, expected {truth['id_number']!r}"
        )
    return (f"{image_path.name}: ID number read correctly (engine loaded in {loaded:.1f} s, "
            f"read in {result.elapsed_ms:.0f} ms)")


SAMPLE_APPLICATION = {
    "segment": "individual", "as_of": "2026-11-29", "id_valid_until": "2031-05-20",
    "birth_date": "1988-03-15", "monthly_income_fen": 1800000, "income_proven": True,
    "employment_type": "salaried", "employment_years": 6, "residence_years": 4,
    "existing_debt_monthly_fen": 150000, "vehicle_category": "nev", "is_nev": True,
    "vehicle_price_fen": 12980000, "down_payment_fen": 3894000, "term_months": 36,
    "monthly_payment_fen": 276400, "inquiries_3m": 1, "inquiries_6m": 2,
    "overdue_months_24m": 0, "max_overdue_days": 0,
}


def check_prescore_model() -> str:
    """Load the bundled LightGBM models (every segment) and score one sample application."""
    from datetime import date

    from showroom_app.services.prescore import PreScoreService

    service = PreScoreService(None)
    versions = service.versions()
    facts = service.facts_from_application(dict(SAMPLE_APPLICATION), date(2026, 11, 29))
    result = service.score(facts)
    if not 0.0 <= result.pd <= 1.0:
        raise RuntimeError(f"the sample application scored PD {result.pd!r}")
    models = ", ".join(f"{segment} {version}" for segment, version in sorted(versions.items()))
    return f"models: {models}; sample scored band {result.band}"


def core_checks(db_path: Path) -> list[tuple[str, Callable[[], str]]]:
    return [
        ("python", check_python),
        ("database", check_database),
        ("data folder", check_data_folder(db_path)),
        ("key storage", check_key_storage),
        ("ocr runtime", check_ocr_models),
        ("ml runtime", check_modules("lightgbm", "numpy", "cv2")),
        ("ocr sample", check_ocr_reads_sample),
        ("prescore", check_prescore_model),
    ]
