"""`showroom quote`, run as the real console script in subprocesses (as tests/test_cli.py
does): JSON shape and formats, DOMAIN.md's worked example, limits and usage errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

_SCRIPT = Path(sys.executable).parent / "showroom"
SHOWROOM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "showroom_app.cli"]
TRACEBACK = "Traceback (most recent call last)"
MONEY = re.compile(r"^\d+\.\d{2}$")
RATE = re.compile(r"^\d\.\d{6}$")
KEYS = {"financed_amount", "schedule", "total_payment", "total_interest", "apr_nominal",
        "apr_effective", "kind"}
ROW_KEYS = {"period", "date", "payment", "principal", "interest", "balance"}


def showroom(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    env.pop("SHOWROOM_PASSPHRASE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    env["HOME"] = str(home)
    proc = subprocess.run([*SHOWROOM, *args], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, check=False)
    assert TRACEBACK not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def quote_json(home: Path, *args: str) -> dict:
    proc = showroom(home, "quote", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_shape(data: dict, term: int) -> None:
    assert set(data) == KEYS
    assert data["kind"] in ("loan", "lease")
    for key in ("financed_amount", "total_payment", "total_interest"):
        assert MONEY.match(data[key]), data[key]
    for key in ("apr_nominal", "apr_effective"):
        assert RATE.match(data[key]), data[key]
    rows = data["schedule"]
    assert [r["period"] for r in rows] == list(range(1, term + 1))
    for r in rows:
        assert set(r) == ROW_KEYS
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", r["date"])
        for key in ("payment", "principal", "interest", "balance"):
            assert MONEY.match(r[key]), r
    # Exact sums, in decimal strings.
    total = sum(Decimal(r["payment"]) for r in rows)
    assert total == Decimal(data["total_payment"])
    assert sum(Decimal(r["interest"]) for r in rows) == Decimal(data["total_interest"])
    assert sum(Decimal(r["principal"]) for r in rows) == Decimal(data["financed_amount"])
    assert total == Decimal(data["financed_amount"]) + Decimal(data["total_interest"])
    assert rows[-1]["balance"] == "0.00"


def test_domain_worked_example(home):
    data = quote_json(home, "--price", "100000", "--down", "0", "--term", "12",
                      "--method", "equal_installment", "--rate", "0.108957",
                      "--fee", "1000", "--start", "2026-01-31")
    check_shape(data, 12)
    assert data["financed_amount"] == "100000.00"
    assert [r["payment"] for r in data["schedule"][:11]] == ["8833.30"] * 11
    assert data["apr_nominal"] == "0.128038"  # 12.80 %
    assert data["apr_effective"] == "0.135826"  # 13.58 %
    assert data["kind"] == "loan"
    assert [r["date"] for r in data["schedule"][:4]] == [
        "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]


def test_without_fees_the_annualized_rate_is_the_rate(home):
    data = quote_json(home, "--price", "250000", "--down", "50000", "--term", "60",
                      "--rate", "0.0579", "--start", "2024-01-31")
    check_shape(data, 60)
    assert data["apr_nominal"] == "0.057900"
    assert data["schedule"][0]["date"] == "2024-02-29"


def test_fees_repeat_and_raise_the_annualized_rate(home):
    data = quote_json(home, "--price", "250000", "--down", "50000", "--term", "36",
                      "--rate", "0.0579", "--fee", "2000", "--fee", "1200",
                      "--start", "2026-05-31")
    check_shape(data, 36)
    assert Decimal(data["apr_nominal"]) > Decimal("0.0579")
    assert Decimal(data["apr_effective"]) > Decimal(data["apr_nominal"])


def test_equal_principal(home):
    data = quote_json(home, "--price", "120000", "--down", "0", "--term", "12",
                      "--method", "equal_principal", "--rate", "0.06", "--start", "2026-01-15")
    check_shape(data, 12)
    assert {r["principal"] for r in data["schedule"]} == {"10000.00"}
    assert data["schedule"][0]["payment"] == "10600.00"
    assert data["schedule"][-1]["payment"] == "10050.00"


def test_balloon(home):
    data = quote_json(home, "--price", "200000", "--down", "40000", "--term", "36",
                      "--method", "balloon", "--balloon", "50000", "--rate", "0.0539",
                      "--start", "2026-01-15")
    check_shape(data, 36)
    rows = data["schedule"]
    assert Decimal(rows[-1]["payment"]) > Decimal("50000")
    assert Decimal(rows[-2]["balance"]) > Decimal("50000")


def test_product_lease_applies_grid_fees_and_says_lease(home):
    data = quote_json(home, "--price", "200000", "--down", "40000", "--term", "36",
                      "--product", "direct_lease", "--start", "2026-01-15")
    check_shape(data, 36)
    assert data["kind"] == "lease"
    # The product's fees (paid at signing) push the rate above the grid's 6.39 %.
    assert Decimal(data["apr_nominal"]) > Decimal("0.0639")


def test_text_output_starts_with_loan_or_lease_in_plain_words(home):
    proc = showroom(home, "quote", "--price", "200000", "--down", "40000", "--term", "36",
                    "--product", "direct_lease", "--start", "2026-01-15")
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()[:2]
    assert first.startswith("这是融资租赁，不是贷款")
    assert second.startswith("This is a finance lease, not a loan")


def test_limit_violation_exits_1_naming_every_limit(home):
    proc = showroom(home, "quote", "--price", "200000", "--down", "10000", "--term", "72",
                    "--product", "auto_loan", "--category", "used_car", "--json")
    assert proc.returncode == 1
    assert proc.stdout == ""
    for words in ("down payment", "cap for used_car", "maximum for used_car",
                  "not 72"):
        assert words in proc.stderr


def test_no_product_means_no_product_limits(home):
    data = quote_json(home, "--price", "200000", "--down", "0", "--term", "72",
                      "--rate", "0.05", "--start", "2026-01-15")
    assert data["financed_amount"] == "200000.00"


@pytest.mark.parametrize("args", [
    ["--price", "100000", "--down", "0", "--term", "12"],  # no rate, no product
    ["--price", "abc", "--down", "0", "--term", "12", "--rate", "0.05"],
    ["--price", "100.001", "--down", "0", "--term", "12", "--rate", "0.05"],
    ["--price", "1e400", "--down", "0", "--term", "12", "--rate", "0.05"],
    ["--price", "100000", "--down", "-5", "--term", "12", "--rate", "0.05"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "abc"],
    ["--price", "100000", "--down", "0", "--term", "601", "--rate", "0.05"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "0.05",
     "--fee", "100000"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "5.99"],
    ["--price", "100000", "--down", "0", "--term", "0", "--rate", "0.05"],
    ["--price", "100000", "--down", "100000", "--term", "12", "--rate", "0.05"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "0.05",
     "--method", "balloon"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "0.05",
     "--method", "annuity"],
    ["--price", "100000", "--down", "0", "--term", "12", "--product", "mortgage"],
    ["--price", "100000", "--down", "0", "--term", "12", "--rate", "0.05",
     "--start", "2026-02-30"],
    ["--down", "0", "--term", "12", "--rate", "0.05"],
])
def test_bad_usage_exits_2_with_a_message(home, args):
    proc = showroom(home, "quote", *args, "--json")
    assert proc.returncode == 2, proc.stdout
    assert "error" in proc.stderr
    assert proc.stdout == ""


def test_needs_no_data_folder(home):
    quote_json(home, "--price", "100000", "--down", "0", "--term", "12", "--rate", "0.05")
    assert list(home.iterdir()) == []
