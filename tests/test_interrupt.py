"""An interrupted `kg extract` (SIGTERM, Ctrl-C, a full disk) leaves no half-written output,
says what was written, and runs again (issue 8). Real processes and real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "本报讯 某县总工会主席林晓带队走访青禾机械有限公司，为一线职工送去防暑降温物资，慰问环卫工人。"


def corpus(folder: Path, records: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "news.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(records):
            fh.write(json.dumps({"id": f"n{i}", "title": f"第{i}期", "text": ARTICLE * 20}, ensure_ascii=False) + "\n")
    return folder


def _as_from_a_terminal() -> None:
    # A job a shell starts in the background (pytest run with `&`, some CI runners) has Ctrl-C
    # ignored, and a child inherits that: give the child the default, as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kg(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, preexec_fn=_as_from_a_terminal, **kwargs,  # type: ignore[call-overload]
    )


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize(("how", "workers"), [("SIGTERM", "1"), ("SIGINT", "2")])
def test_interrupted_extract_keeps_previous_outputs_and_reruns(tmp_path: Path, how: str, workers: str) -> None:
    out = tmp_path / "out"
    small = corpus(tmp_path / "small", 2)
    first = kg("extract", str(small), "--out", str(out), "--extractor", "rules", "--quiet")
    assert first.wait(120) == 0, first.communicate()[1]
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    big = corpus(tmp_path / "big", 1500)  # about 40 s of work: the signal comes long before the end
    run = kg("extract", str(big), "--out", str(out), "--extractor", "rules", "--workers", workers,
             start_new_session=True)
    time.sleep(6)  # jieba loaded, documents being analysed
    assert run.poll() is None, "the run ended before it could be interrupted"
    if how == "SIGTERM":
        run.send_signal(signal.SIGTERM)
    else:
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, workers too
    _, stderr = run.communicate(timeout=60)
    sig = getattr(signal, how)
    assert run.returncode == 128 + sig, stderr
    name = "SIGTERM" if how == "SIGTERM" else "Ctrl-C"
    assert f"interrupted ({name}): nothing was written to {out}" in stderr
    assert "run the same command again" in stderr
    assert "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous outputs, whole
    assert leftovers(out) == []

    again = kg("extract", str(small), "--out", str(out), "--extractor", "rules", "--quiet")
    assert again.wait(120) == 0, again.communicate()[1]


def test_full_disk_keeps_previous_outputs(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root in a privileged container)")
    try:
        out = disk / "out"
        first = kg("extract", str(corpus(tmp_path / "small", 2)), "--out", str(out), "--extractor", "rules", "--quiet")
        assert first.wait(120) == 0, first.communicate()[1]
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        run = kg("extract", str(corpus(tmp_path / "big", 150)), "--out", str(out), "--extractor", "rules", "--quiet")
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 1
        assert stderr.startswith("error: ") and "No space left on device" in stderr and "previous outputs are kept" in stderr and "Traceback" not in stderr
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)
