"""What the CLI prints: user text stays text, and every error takes one path.

Entity names, paths and parameters come from users and articles: Rich markup
(``[bold]``, ``[/x]``) and emoji codes (``:smile:``) in them are printed as
written, never interpreted. A library error is one line ``error: …`` and exit
1; any other exception is reported as a bug in one line; ``kg --debug`` adds
the traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.export.inventory
from kg.cli import app
from kg.models import EntityRef, EvidenceRecord, GraphData, NodeRecord, RelRecord
from kg.store.embedded import build_embedded

runner = CliRunner()
MARKUP = ["乙[/x]公司", "[bold]甲[/bold]工会", "丙:smile:协会", "[red]", "a[link=http://x]b[/link]"]


@pytest.mark.parametrize("name", MARKUP)
def test_cli_output_markup_in_a_focus_name_is_a_one_line_error(graph_fixture_dir: Path, tmp_path: Path,
                                                               name: str) -> None:
    result = runner.invoke(app, ["diagram", "--from", str(graph_fixture_dir), "--focus", name,
                                 "--out", str(tmp_path / "x.svg")])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: entity ") and name in lines[0]
    assert "not in the graph" in lines[0]


@pytest.mark.parametrize("folder", ["[bold]out", "out[red]x", "e:smile:"])
def test_cli_output_markup_in_a_path_is_printed_as_written(graph_fixture_dir: Path, tmp_path: Path,
                                                           folder: str) -> None:
    out = tmp_path / folder / "inv.csv"
    blocker = tmp_path / folder
    blocker.write_text("a file where a folder should be")
    result = runner.invoke(app, ["inventory", "--db", str(graph_fixture_dir), "--out", str(out)])
    assert result.exit_code == 1
    assert str(blocker) in result.stderr


@pytest.fixture(scope="module")
def markup_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded database whose names hold markup: 甲 helps each of them."""
    helper = EntityRef(type="Union", name="甲市总工会")
    nodes = [NodeRecord(type="Union", name=helper.name)]
    rels = []
    for i, name in enumerate(MARKUP):
        nodes.append(NodeRecord(type="Enterprise", name=name))
        ev = EvidenceRecord(doc_id="d1", sentence=f"甲市总工会走访{name}", start=0, end=7 + len(name),
                            extractor="t", confidence=0.9)
        rels.append(RelRecord(subject=helper, predicate="SUPPORTS", object=EntityRef(type="Enterprise", name=name),
                              confidence=0.9, evidence=(ev,)))
    db = tmp_path_factory.mktemp("markup") / "graph.db"
    build_embedded(GraphData(nodes=tuple(nodes), rels=tuple(rels)), db)
    return db


def test_cli_output_markup_in_names_stays_in_query_tables(markup_db: Path) -> None:
    result = runner.invoke(app, ["query", "beneficiaries_of", "-p", "name=甲市总工会", "--db", str(markup_db)])
    assert result.exit_code == 0, result.output
    for name in MARKUP:
        assert name in result.stdout, name
    assert "😄" not in result.stdout


def test_cli_output_markup_in_a_parameter_stays_in_the_error(markup_db: Path) -> None:
    result = runner.invoke(app, ["query", "neighbourhood", "-p", "name=x", "-p", "depth=[bold]2", "--db",
                                 str(markup_db)])
    assert result.exit_code == 2
    assert "'[bold]2'" in result.stderr


def test_cli_output_unexpected_exception_is_one_line_and_a_traceback_with_debug(
    graph_fixture_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    def broken(_graph):
        raise ValueError("inventory [bold]bug[/bold]")

    monkeypatch.setattr(kg.export.inventory, "build_inventory", broken)
    args = ["inventory", "--db", str(graph_fixture_dir), "--out", str(tmp_path / "inv.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: internal error: ValueError: inventory [bold]bug[/bold]")
    assert "kg --debug" in lines[0]

    result = runner.invoke(app, ["--debug", *args])
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr and "in broken" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: internal error: ValueError")


def test_cli_output_library_error_with_debug_keeps_its_traceback(graph_fixture_dir: Path, tmp_path: Path) -> None:
    args = ["diagram", "--from", str(graph_fixture_dir), "--focus", "无此实体", "--out", str(tmp_path / "x.svg")]
    assert "Traceback" not in runner.invoke(app, args).stderr
    result = runner.invoke(app, ["--debug", *args], env={})
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "InputError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: entity '无此实体' is not in the graph")
    assert runner.invoke(app, args, env={"KG_DEBUG": "1"}).stderr.count("Traceback") == 1


def test_cli_output_extractor_exception_is_not_an_input_warning(broken_extractor: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(broken_extractor), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: extraction failed on document") and "ZeroDivisionError" in result.stderr
    assert "warning" not in result.stderr and not (tmp_path / "o" / "documents.jsonl").exists()


def test_cli_output_embedded_engine_missing_is_named(embedded_db_dir: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ladybug", None)
    result = runner.invoke(app, ["query", "union_hierarchy", "--db", str(embedded_db_dir)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ladybug" in lines[0] and "pip install" in lines[0] and "rebuild" not in lines[0]
