"""kg.extract.cache and ``kg build``'s reuse of it: hits counted, changed and new documents analysed, deleted
ones gone, the same output with and without the cache, and a changed extractor misses every entry."""

from __future__ import annotations

import functools
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.build
from kg.bench.synth import synthetic_articles
from kg.build import build
from kg.cli import app
from kg.extract.cache import CACHE_DIR, CACHE_FILE, extractor_version
from kg.extract.extractors import _learned_from, run_learned, run_rules
from kg.extract.learn.model import default_model_dir

from helpers_graph import no_database

COMPARED = ("documents.jsonl", "entities.jsonl", "triples.jsonl", "graph.json", "graph.graphml", "inventory.csv")


@pytest.fixture(autouse=True)
def _fast_products(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded database and the SVG drawing have their own tests; here a marked folder stands in."""
    monkeypatch.setattr(kg.build, "stage_embedded", no_database)
    monkeypatch.setattr(kg.build, "graphviz_available", lambda: False)


def corpus(folder: Path, n: int, *, start: int = 0) -> Path:
    """One generated article per file, ``artNNNNNNN.txt``."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in synthetic_articles(n, start=start):
        (folder / f"{doc.doc_id}.txt").write_text(doc.text, encoding="utf-8")
    return folder


def entries(out: Path) -> int:
    with sqlite3.connect(out / CACHE_DIR / CACHE_FILE) as db:
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]


def same_outputs(a: Path, b: Path) -> None:
    for name in COMPARED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_cache_second_build_reuses_every_document_with_the_same_output(tmp_path: Path) -> None:
    src = corpus(tmp_path / "corpus", 12)
    first = build([src], tmp_path / "out", analyse=run_rules)
    assert first.reused == 0 and first.documents == 12
    assert entries(tmp_path / "out") == 12
    again = build([src], tmp_path / "out", analyse=run_rules)
    assert again.reused == 12
    plain = build([src], tmp_path / "plain", analyse=run_rules, cache=False)
    assert plain.reused is None and not (tmp_path / "plain" / CACHE_DIR).exists()
    same_outputs(tmp_path / "out", tmp_path / "plain")


def test_cache_new_changed_and_deleted_documents(tmp_path: Path) -> None:
    src = corpus(tmp_path / "corpus", 10)
    out = tmp_path / "out"
    build([src], out, analyse=run_rules)
    corpus(src, 2, start=10)  # two new articles
    changed = src / "art0000003.txt"
    changed.write_text("明远机械有限公司工会成立禾丰职工书屋。", encoding="utf-8")
    (src / "art0000005.txt").unlink()
    report = build([src], out, analyse=run_rules)
    assert report.documents == 11
    assert report.reused == 8  # 10 - the changed one - the deleted one
    assert entries(out) == 11  # the entries of the old art0000003 and of art0000005 are gone
    entities = (out / "entities.jsonl").read_text(encoding="utf-8")
    assert "art0000005" not in entities and "art0000005" not in (out / "documents.jsonl").read_text(encoding="utf-8")
    assert "禾丰职工书屋" in entities
    build([src], tmp_path / "plain", analyse=run_rules, cache=False)
    same_outputs(out, tmp_path / "plain")


def test_cache_another_extractor_misses_every_entry(tmp_path: Path) -> None:
    src = corpus(tmp_path / "corpus", 3)
    out = tmp_path / "out"
    build([src], out, analyse=run_rules)
    report = build([src], out, analyse=run_learned)
    assert report.reused == 0
    assert entries(out) == 3  # the rules' entries are dropped
    assert build([src], out, analyse=run_learned).reused == 3


def test_cache_version_follows_the_extractor_and_its_models(tmp_path: Path) -> None:
    assert extractor_version(run_rules) != extractor_version(run_learned)
    assert extractor_version(run_rules) == extractor_version(run_rules)
    models = tmp_path / "models"
    shutil.copytree(default_model_dir(), models)
    copied = extractor_version(functools.partial(_learned_from, models))
    assert copied == extractor_version(functools.partial(_learned_from, models))
    thresholds = models / "meta.json"
    thresholds.write_text(thresholds.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # any byte of a model
    assert extractor_version(functools.partial(_learned_from, models)) != copied


def test_cache_failed_build_into_a_new_folder_leaves_no_folder(tmp_path: Path, monkeypatch) -> None:
    src = corpus(tmp_path / "corpus", 2)

    def broken(_held: object, _folder: Path, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.build, "_write_outputs", broken)
    with pytest.raises(OSError):
        build([src], tmp_path / "new", analyse=run_rules)
    assert not (tmp_path / "new").exists()


def test_cache_cli_says_how_many_documents_were_reused(tmp_path: Path) -> None:
    src = corpus(tmp_path / "corpus", 4)
    out = tmp_path / "out"
    args = ["build", str(src), "--out", str(out), "--extractor", "rules"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "documents:     4 (0 reused from the cache)" in first.stderr
    again = CliRunner().invoke(app, args)
    assert "documents:     4 (4 reused from the cache)" in again.stderr
    plain = CliRunner().invoke(app, [*args, "--no-cache"])
    assert plain.exit_code == 0 and "documents:     4\n" in plain.stderr
    assert entries(out) == 4  # --no-cache neither used nor changed it
