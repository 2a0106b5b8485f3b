"""`showroom prescore APPLICATION.json [--json]`: the documented example, the JSON keys,
usage errors (exit 2, a clear message, no traceback) and a multi-lender referral."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import resources
from models.prescore.spec import BAND_NAMES, band_of
from showroom_app.cli import main as showroom_main
from showroom_app.finance.products import default_catalog
from showroom_app.services.prescore import PreScoreService

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "application.json"
_SCRIPT = Path(sys.executable).parent / "showroom"
SHOWROOM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "showroom_app.cli"]
KEYS = {"decision", "pd", "band", "reasons", "policy_hits", "model_version"}
DECISIONS = {"likely_approve", "refer", "likely_decline"}


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def bundled_card(segment: str) -> dict[str, Any]:
    return json.loads((resources.prescore_models() / segment / "model_card.json")
                      .read_text(encoding="utf-8"))


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = showroom_main(["prescore", str(path), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def write(tmp_path: Path, data: Any, name: str = "application.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_example_parses_into_facts() -> None:
    data = example()
    facts = PreScoreService(None).facts_from_application(data, date(2026, 11, 29),
                                                         default_catalog())
    assert facts.segment == data["segment"]
    assert facts.as_of == date.fromisoformat(data["as_of"])
    assert facts.birth_date == date(1988, 3, 15)  # read from the ID number
    assert facts.id_number_valid is True
    assert facts.ltv_cap is not None  # the product's cap applies
    assert facts.monthly_income_fen == data["monthly_income_fen"]


def test_the_console_script_prints_the_documented_json(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    proc = subprocess.run([*SHOWROOM, "prescore", str(EXAMPLE), "--json"], env=env,
                          capture_output=True, text=True, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= KEYS
    card = bundled_card("individual")
    assert out["model_version"] == card["model_version"]
    assert out["decision"] in DECISIONS
    assert 0 < out["pd"] < 1 and out["band"] in BAND_NAMES
    assert out["band"] == band_of(out["pd"], card["bands"])
    assert isinstance(out["reasons"], list) and isinstance(out["policy_hits"], list)
    for reason in out["reasons"]:
        assert {"code", "feature", "direction", "zh", "en", "effect"} <= set(reason)
        assert reason["direction"] in ("raises", "lowers")
        assert (reason["effect"] > 0) == (reason["direction"] == "raises")


def test_the_example_is_a_clean_application(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, EXAMPLE, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["policy_hits"] == []
    assert result["decision"] == "likely_approve"
    code, text, _ = run(capsys, EXAMPLE)
    assert code == 0
    assert text.startswith("likely approve: band ")
    assert result["model_version"] in text and "Advisory only" in text


def test_many_inquiries_refer_to_a_person(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, example() | {"inquiries_3m": 6, "inquiries_6m": 7})
    code, out, _ = run(capsys, path, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["decision"] == "refer"
    hits = {h["code"]: h for h in result["policy_hits"]}
    assert "multi_lender" in hits
    assert hits["multi_lender"]["action"] == "refer" and "6" in hits["multi_lender"]["en"]
    codes = [r["code"] for r in result["reasons"]]
    assert "inquiries_3m.high" in codes  # and the model says why it rose
    baseline = json.loads(run(capsys, EXAMPLE, "--json")[1])
    assert result["pd"] > baseline["pd"]


def test_a_short_id_card_and_an_invalid_id_number_decline(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example() | {"id_valid_until": "2026-01-01", "id_number": "110105198803151233"}
    code, out, _ = run(capsys, write(tmp_path, data), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["decision"] == "likely_decline"
    assert {"id_expired", "id_check_failed"} <= {h["code"] for h in result["policy_hits"]}


@pytest.mark.parametrize(("content", "words"), [
    (lambda d: d | {"monthly_incom_fen": 100}, "monthly_incom_fen"),
    (lambda d: {k: v for k, v in d.items() if k != "term_months"}, "term_months"),
    (lambda d: d | {"vehicle_category": "hovercraft"}, "vehicle_category"),
    (lambda d: d | {"birth_date": "1988-02-30"}, "birth_date"),
    (lambda d: d | {"inquiries_6m": 0}, "inquiries_6m"),
    (lambda d: d | {"product_code": "no_such_product"}, "product_code"),
    (lambda d: d | {"income_proven": "no"}, "income_proven"),
    (lambda d: [d], "expected a JSON object"),
])
def test_bad_applications_are_usage_errors(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           content: Any, words: str) -> None:
    code, out, err = run(capsys, write(tmp_path, content(example())), "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and words in err


def test_unreadable_files_are_usage_errors(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"segment": "individual",', encoding="utf-8")
    code, _, err = run(capsys, broken, "--json")
    assert code == 2 and "cannot read" in err and "broken.json" in err
    code, _, err = run(capsys, tmp_path / "missing.json", "--json")
    assert code == 2 and "cannot read" in err
