"""`showroom stock import / stock list / promotions list` end to end, as console scripts on a
temporary data folder."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from local_store import repositories as repo
from local_store.db import open_store
from local_store.keys import FileKeyStore
from showroom_app.documents.validators import vin_check_digit
from tests.test_cli import PASSPHRASE, TRACEBACK, showroom


def vin(serial: int) -> str:
    draft = f"LFVCE4CB0R{serial:07d}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder with a dealer (as enrollment leaves it), the store closed again."""
    data_dir = tmp_path / "data"
    store = open_store(data_dir / "showroom.sqlite3",
                       FileKeyStore(data_dir / "keys" / "datakey.json", PASSPHRASE))
    try:
        with store.transaction() as s:
            repo.add_dealer(s, "D1", "测试车行")
    finally:
        store.close()
    return tmp_path, data_dir


def test_stock_import_list_and_promotions_end_to_end(desk, tmp_path: Path) -> None:
    home, data_dir = desk
    today = datetime.now(timezone(timedelta(hours=8))).date()
    old = (today - timedelta(days=120)).strftime("%Y/%m/%d")
    new = (today - timedelta(days=3)).strftime("%Y%m%d")
    wrong = vin(3)[:8] + ("0" if vin(3)[8] != "0" else "1") + vin(3)[9:]
    path = tmp_path / "库存.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([
            ["车架号", "品牌", "车型", "类别", "指导价", "入库日期", "状态"],
            [vin(1), "比亚迪", "海豹", "新能源", "18.98万", old, "在库"],
            [vin(2), "大众", "朗逸", "新车", "119,800", new, "在库"],
            [wrong, "大众", "朗逸", "新车", "¥119800", new, "在库"],
            ["LFV123", "大众", "朗逸", "新车", "119800", new, "在库"],
        ])
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n- code: AGED90\n  name_zh: 库龄90天\n  conditions: {min_days_in_stock: 90}\n"
        "  effects: [{kind: subsidised_rate, rate: '0.0199'}]\n", encoding="utf-8")

    run = showroom("--data-dir", data_dir, "stock", "import", path, "--json", home=home,
                   passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    report = run.json()
    assert report["imported"] == 3 and report["updated"] == 0
    assert [(r["row"], r["vin"]) for r in report["rejected"]] == [(5, "LFV123")]
    assert "17 characters" in report["rejected"][0]["messages"][0]
    assert [(w["row"], w["vin"]) for w in report["warned"]] == [(4, wrong)]
    assert report["mapping"]["vin"] == "车架号"

    run = showroom("--data-dir", data_dir, "promotions", "import", rules, home=home,
                   passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    assert "AGED90" in run.stdout

    run = showroom("--data-dir", data_dir, "stock", "list", "--json", home=home,
                   passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    items = run.json()
    assert items[0]["vin"] == vin(1)  # longest in stock first
    by_vin = {i["vin"]: i for i in items}
    assert set(by_vin) == {vin(1), vin(2), wrong}
    assert by_vin[vin(1)]["days_in_stock"] == 120 and by_vin[vin(1)]["offers"] == 1
    assert by_vin[vin(1)]["rules"] == ["AGED90"]
    assert by_vin[vin(2)]["days_in_stock"] == 3 and by_vin[vin(2)]["offers"] == 0

    run = showroom("--data-dir", data_dir, "promotions", "list", "--vehicle", vin(1).lower(),
                   "--json", home=home, passphrase=PASSPHRASE)
    assert run.returncode == 0, run.stderr
    (rule,) = run.json()
    assert rule["code"] == "AGED90" and rule["applies"] is True
    assert rule["source"] == "dealer"
    assert rule["effects"] == [{"kind": "subsidised_rate", "rate": "0.0199"}]

    run = showroom("--data-dir", data_dir, "promotions", "list", "--vehicle", vin(2),
                   "--json", home=home, passphrase=PASSPHRASE)
    assert run.returncode == 0 and run.json() == []

    run = showroom("--data-dir", data_dir, "promotions", "list", "--vehicle", "NOPE", "--json",
                   home=home, passphrase=PASSPHRASE)
    assert run.returncode != 0 and "no vehicle NOPE" in run.stderr
    assert TRACEBACK not in run.stderr


def test_stock_import_of_an_unreadable_file_fails_cleanly(desk, tmp_path: Path) -> None:
    home, data_dir = desk
    pdf = tmp_path / "stock.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    run = showroom("--data-dir", data_dir, "stock", "import", pdf, "--json", home=home,
                   passphrase=PASSPHRASE)
    assert run.returncode != 0
    assert "a .csv or .xlsx file is needed" in run.stderr and TRACEBACK not in run.stderr
