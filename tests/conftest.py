"""Shared fixtures. Store-specific fixtures live in fixtures_*.py plugins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED_DIR", REPO.parent / "shared"))

pytest_plugins = ["fixtures_neo4j", "fixtures_embedded"]


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    """``../shared/dev`` (corpus + gold); tests that need it skip when it is absent locally."""
    d = SHARED / "dev"
    if not (d / "gold.jsonl").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"dev set not found at {d}; CI must have ../shared beside the checkout")
        pytest.skip(f"dev set not found at {d}")
    return d


@pytest.fixture(scope="session")
def graph_fixture_dir() -> Path:
    """A tiny fictional extraction output (documents/entities/triples.jsonl)."""
    return REPO / "tests" / "data" / "graph_fixture"


@pytest.fixture()
def broken_extractor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An extractor that raises (a bug in a rule), and a one-article corpus folder to run it on."""
    import kg.extract.extractors
    import kg.extract.parallel

    def broken(_doc: object) -> None:
        raise ZeroDivisionError("a bug in a rule")

    monkeypatch.setattr(kg.extract.parallel, "run_extractors", broken)
    monkeypatch.setitem(kg.extract.extractors.EXTRACTORS, "learned", broken)
    monkeypatch.setitem(kg.extract.extractors.EXTRACTORS, "rules", broken)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("甲市总工会开展“乙丙行动”。", encoding="utf-8")
    return corpus


@pytest.fixture()
def failing_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A graphviz whose layouts fail (as when one runs out of time): ``dot`` and ``sfdp`` alone on the PATH."""
    bin_dir = tmp_path / "failing-graphviz"
    bin_dir.mkdir()
    for engine in ("dot", "sfdp"):
        exe = bin_dir / engine
        exe.write_text("#!/bin/sh\necho 'Error: layout did not finish' >&2\nexit 1\n", encoding="utf-8")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
