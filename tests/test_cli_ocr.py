"""`showroom ocr`: the real console script in a subprocess, on synthetic document
frames written to tmp. It needs no data folder and never touches the network."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import pytest

from models.training.doc_corpus import FIELD_KEYS, photograph, render

TIMEOUT = 120
TRACEBACK = "Traceback (most recent call last)"
_SCRIPT = Path(sys.executable).parent / "showroom"
SHOWROOM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "showroom_app.cli"]
ID_KEYS = FIELD_KEYS["id_front"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


def showroom(*args: str | Path, home: Path, prefix: tuple[str, ...] = ()) -> Run:
    """The console script with stdin closed, HOME and the XDG folders under tmp (and never
    created by this command), the offscreen Qt platform and no usable keyring."""
    env = os.environ.copy()
    env.pop("SHOWROOM_PASSPHRASE", None)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "xdg-data"),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
    })
    proc = subprocess.run([*prefix, *SHOWROOM, *map(str, args)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, str]]]:
    """A clean photographed ID front and bank card (seed 0) as PNG files, with their truth."""
    folder = tmp_path_factory.mktemp("frames")
    out = {}
    for kind in ("id_front", "bank_card"):
        rng = random.Random(0)
        doc, truth = render(kind, rng)
        frame, _corners = photograph(doc, rng, "clean")
        path = folder / f"{kind} 扫描.png"
        ok, buf = cv2.imencode(".png", frame)
        assert ok
        buf.tofile(path)
        out[kind] = (path, truth)
    return out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    d = tmp_path / "home"
    d.mkdir()
    return d


def assert_no_data_folder(home: Path) -> None:
    """Nothing of ours was written: no data or config folder. onnxruntime itself keeps a
    device id under ~/.cache/Microsoft; that is the only thing allowed to appear."""
    made = list(home.rglob("*"))
    assert {p.relative_to(home).parts[0] for p in made} <= {".cache"}, made
    assert not any("showroom" in str(p).lower() for p in made), made


def assert_read(entry: dict, path: Path, kind: str, truth: dict[str, str]) -> None:
    assert entry["file"] == str(path)
    assert entry["doc_type"] == kind
    assert entry["elapsed_ms"] > 0
    fields = entry["fields"]
    assert list(fields) == list(FIELD_KEYS[kind])
    for key, field in fields.items():
        assert set(field) == {"value", "confidence", "problems"}, key
        assert 0.0 <= field["confidence"] <= 1.0
        assert isinstance(field["problems"], list)
    assert {k: f["value"] for k, f in fields.items()} == {k: truth[k] for k in fields}


def test_one_image_gives_a_dict(frames, home: Path) -> None:
    path, truth = frames["id_front"]
    run = showroom("ocr", path, "--doc-type", "id_front", "--json", home=home)
    assert run.returncode == 0, run.stderr
    assert TRACEBACK not in run.stderr
    data = run.json()
    assert isinstance(data, dict)
    assert set(data) == {"file", "doc_type", "fields", "elapsed_ms"}
    assert_read(data, path, "id_front", truth)
    birth = data["fields"]["birth_date"]["value"]
    assert date.fromisoformat(birth).isoformat() == birth
    assert all(not f["problems"] for f in data["fields"].values())
    assert_no_data_folder(home)


def test_text_output(frames, home: Path) -> None:
    path, truth = frames["bank_card"]
    run = showroom("ocr", path, "--doc-type", "bank_card", home=home)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{path}: bank_card in ")
    assert truth["card_number"] in run.stdout
    assert truth["bank"] in run.stdout


def test_two_images_auto_kind_give_a_list(frames, home: Path) -> None:
    (id_path, id_truth), (card_path, card_truth) = frames["id_front"], frames["bank_card"]
    run = showroom("ocr", id_path, card_path, "--doc-type", "auto", "--json", home=home)
    assert run.returncode == 0, run.stderr
    data = run.json()
    assert isinstance(data, list) and len(data) == 2
    assert_read(data[0], id_path, "id_front", id_truth)
    assert_read(data[1], card_path, "bank_card", card_truth)


def test_a_missing_file_fails_but_the_others_are_read(frames, home: Path,
                                                       tmp_path: Path) -> None:
    card_path, card_truth = frames["bank_card"]
    missing = tmp_path / "没有这个文件.jpg"
    run = showroom("ocr", missing, card_path, "--json", home=home)
    assert run.returncode == 1
    assert TRACEBACK not in run.stderr
    data = run.json()
    assert isinstance(data, list) and len(data) == 2
    assert set(data[0]) == {"file", "error"}
    assert data[0]["file"] == str(missing)
    assert "cannot be read" in data[0]["error"]
    assert_read(data[1], card_path, "bank_card", card_truth)


def _can_unshare_net() -> str | None:
    if shutil.which("unshare") is None:
        return "the unshare tool is not installed"
    try:
        proc = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True,
                              timeout=30, check=False)
    except OSError as exc:
        return f"unshare -n could not run: {exc}"
    if proc.returncode != 0:
        return (f"`unshare -n true` failed here (needs root or user namespaces): "
                f"{proc.stderr.strip()}")
    return None


def test_ocr_works_with_the_network_cut_off(frames, home: Path) -> None:
    reason = _can_unshare_net()
    if reason:
        pytest.skip(f"cannot cut the network off: {reason}")
    offline = ("unshare", "-n")
    probe = subprocess.run(
        [*offline, sys.executable, "-c",
         "import socket\n"
         "try:\n"
         "    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
         "except OSError as exc:\n"
         "    print('offline', exc.errno)\n"
         "else:\n"
         "    print('connected')\n"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert probe.stdout.startswith("offline"), probe.stdout + probe.stderr
    path, truth = frames["id_front"]
    run = showroom("ocr", path, "--doc-type", "id_front", "--json", home=home, prefix=offline)
    assert run.returncode == 0, run.stderr
    assert TRACEBACK not in run.stderr
    assert_read(run.json(), path, "id_front", truth)
    assert_no_data_folder(home)
