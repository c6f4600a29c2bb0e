"""kg.build and ``kg build``: every product, the summary, exit codes, nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

import kg.build
from kg.build import OUTPUTS, build_from_extraction
from kg.cli import app
from kg.errors import OutputError
from kg.extract.assemble import read_extraction
from kg.extract.identity import context_bound, identity_key
from kg.extract.regions import region_prefix
from kg.models import ExtractionResult, InputProblem

from helpers_graph import no_database

PRODUCTS = ("graph.graphml", "graph.json", "inventory.csv", "inventory.xlsx", "overview.html")


@pytest.fixture(scope="module")
def extraction(graph_fixture_dir: Path) -> ExtractionResult:
    return read_extraction(graph_fixture_dir)


@pytest.fixture(autouse=True)
def _fast_embedded_database(request, monkeypatch) -> None:
    """The embedded database takes a second to build and has its own tests (test_embedded.py):
    except in the tests named ``*real_database*``, an empty marked folder stands in for it."""
    if "real_database" in request.node.name:
        return
    monkeypatch.setattr(kg.build, "stage_embedded", no_database)


def test_build_from_extraction_writes_every_product_with_a_real_database(
    extraction: ExtractionResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = build_from_extraction(extraction, out)
    for name in (*PRODUCTS, "documents.jsonl", "entities.jsonl", "triples.jsonl"):
        assert (out / name).is_file(), name
    assert report.files["graphml"] == str(out / "graph.graphml")
    assert all(Path(p).exists() for p in report.files.values())
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging left behind"
    G = nx.read_graphml(out / "graph.graphml")
    assert G.number_of_nodes() == 19 and G.number_of_edges() == 22
    rows = list(csv.reader(io.StringIO((out / "inventory.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == "匠心助企行"
    assert "vis.Network" in (out / "overview.html").read_text(encoding="utf-8")
    assert report.files["database"] == str(out / "graph.db")
    from kg.store.embedded import open_embedded

    with open_embedded(out / "graph.db") as db:
        assert db.marker["nodes"] == 19 and db.marker["relationships"] == 22


def test_build_report_counts_documents_entities_and_triples(extraction: ExtractionResult, tmp_path: Path) -> None:
    report = build_from_extraction(extraction, tmp_path / "out")
    assert report.documents == 2
    assert report.nodes["Union"] == 4 and sum(report.nodes.values()) == 19
    assert report.relationships["SUPPORTS"] == 3 and sum(report.relationships.values()) == 22
    assert report.problems == () and report.skipped_files == ()


def test_build_products_get_a_graph_without_texts_and_no_remembered_names(
    extraction: ExtractionResult, tmp_path: Path, monkeypatch
) -> None:
    """Assembling fills the name caches and reads the texts; neither is kept while the products are made."""
    seen: dict[str, object] = {}
    real = kg.build._write_outputs

    def spy(held, folder, **kw):
        seen["texts"] = {d.text for d in held[0].documents}
        seen["names"] = (identity_key.cache_info().currsize, context_bound.cache_info().currsize,
                         region_prefix.cache_info().currsize)
        return real(held, folder, **kw)

    monkeypatch.setattr(kg.build, "_write_outputs", spy)
    report = build_from_extraction(extraction, tmp_path / "out")
    assert all(d.text for d in extraction.documents)
    assert seen == {"texts": {""}, "names": (0, 0, 0)}
    assert report.documents == 2 and sum(report.nodes.values()) == 19


def test_build_overview_svg_only_with_graphviz(extraction: ExtractionResult, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kg.build, "graphviz_available", lambda: False)
    report = build_from_extraction(extraction, tmp_path / "out")
    assert "diagram_svg" not in report.files and not (tmp_path / "out" / "overview.svg").exists()
    assert any("apt-get install graphviz" in n for n in report.notes)


def test_build_graphviz_failure_skips_the_svg_and_keeps_every_other_product(
    extraction: ExtractionResult, tmp_path: Path, failing_graphviz: None
) -> None:
    out = tmp_path / "out"
    report = build_from_extraction(extraction, out)
    assert "diagram_svg" not in report.files and not (out / "overview.svg").exists()
    assert any(n.startswith("overview.svg skipped:") and "layout did not finish" in n for n in report.notes)
    for name in PRODUCTS:
        assert (out / name).is_file(), name


def test_build_output_under_a_file_is_output_error(extraction: ExtractionResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=r"choose a writable output folder \(--out\)"):
        build_from_extraction(extraction, blocker / "out")
    with pytest.raises(OutputError, match="is a file"):
        build_from_extraction(extraction, blocker)
    assert blocker.read_text() == "not a folder"


def test_build_failure_leaves_no_new_folder(extraction: ExtractionResult, tmp_path: Path, monkeypatch) -> None:
    def boom(*_a, **_k):
        raise OutputError("simulated failure")

    monkeypatch.setattr(kg.build, "write_inventory_xlsx", boom)
    with pytest.raises(OutputError):
        build_from_extraction(extraction, tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


def test_build_failure_keeps_the_previous_build(extraction: ExtractionResult, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    build_from_extraction(extraction, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def boom(*_a, **_k):
        raise OutputError("simulated failure")

    monkeypatch.setattr(kg.build, "render", boom)
    smaller = extraction.model_copy(update={"triples": extraction.triples[:3]})
    with pytest.raises(OutputError):
        build_from_extraction(smaller, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_build_rebuild_replaces_products_and_keeps_other_files(extraction: ExtractionResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "overview.svg").write_text("stale")
    build_from_extraction(extraction, out)
    smaller = extraction.model_copy(update={"triples": extraction.triples[:3]})
    report = build_from_extraction(smaller, out, on_stage=lambda _s: None)
    assert (out / "notes.txt").read_text() == "mine"
    assert sum(report.relationships.values()) == 3
    assert len(read_extraction(out).triples) == 3
    # the stale overview.svg is replaced by this build's, or removed when graphviz is missing
    assert not (out / "overview.svg").exists() or "stale" not in (out / "overview.svg").read_text(encoding="utf-8")
    assert (out / "overview.svg").exists() == ("diagram_svg" in report.files)


# --------------------------------------------------------------------------- CLI


@pytest.fixture()
def fake_extract(extraction: ExtractionResult, monkeypatch):
    """Let ``kg build`` run on the fixture extraction, whatever the extractor does today."""
    from kg.extract.pipeline import write_extraction
    from kg.models import ExtractionSummary

    calls: list[list[Path]] = []

    def extract(paths, folder, *, on_document=None, on_documents=None, exclude=(), cache=None, **_options):
        calls.append((list(paths), list(exclude)))
        write_extraction(extraction, folder)
        if on_documents:
            on_documents(len(extraction.documents))
        for doc in extraction.documents:
            if on_document:
                on_document(doc)
        return ExtractionSummary(documents=len(extraction.documents), problems=extraction.problems)

    monkeypatch.setattr(kg.build, "stream_extract", extract)
    return calls


def test_build_cli_prints_where_the_products_are(fake_extract, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert fake_extract == [([tmp_path], [out])]  # the output folder is never read as input
    stdout = result.stdout
    for name in ("graph.graphml", "graph.json", "overview.html", "inventory.csv", "inventory.xlsx"):
        assert str(out / name) in stdout
    assert "diagram (interactive):" in stdout and "inventory (CSV):" in stdout
    assert "documents:     2" in result.stderr
    assert "Union 4" in result.stderr and "RUNS 2" in result.stderr
    assert "skipped files: 0" in result.stderr
    assert "identity:      " in result.stderr and "names merged into" in result.stderr


def test_build_cli_json_report_on_stdout(fake_extract, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "o"), "--json", "--quiet"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["documents"] == 2 and report["files"]["inventory_csv"].endswith("inventory.csv")
    assert result.stderr == ""


def test_build_cli_exit_1_when_input_was_skipped(fake_extract, tmp_path: Path, monkeypatch) -> None:
    fake = kg.build.stream_extract
    problem = InputProblem(path="broken.txt", message="cannot decode")

    def extract(paths, folder, *, on_problem=None, **options):
        if on_problem:
            on_problem(problem)
        return fake(paths, folder, **options).model_copy(update={"problems": (problem,)})

    monkeypatch.setattr(kg.build, "stream_extract", extract)
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "warning: broken.txt: cannot decode" in result.stderr
    assert "skipped files: 1" in result.stderr
    assert str(tmp_path / "o" / "graph.graphml") in result.stdout  # the rest is still built


def test_build_cli_unwritable_out_is_one_line_exit_1(fake_extract, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(blocker / "out"), "-q"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "--out" in lines[0]


def test_build_cli_missing_input_is_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    assert not (tmp_path / "o").exists()


def test_build_cli_without_paths_is_usage_error() -> None:
    assert CliRunner().invoke(app, ["build"]).exit_code == 2


@pytest.mark.parametrize("command", ["build", "diagram", "inventory"])
def test_build_cli_commands_have_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "--out" in result.stdout


def test_build_cli_runs_the_real_pipeline_on_a_text_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "云溪区总工会开展“匠心助企行”活动\n\n本报讯 岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司。",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert len(read_extraction(out).documents) == 1
    for name in PRODUCTS:
        assert (out / name).is_file(), name
    assert set(OUTPUTS) >= {"graphml", "diagram_html", "inventory_csv"}


# --------------------------------------------------------------------------- one publish step, one error path


def _fail_moving(monkeypatch, target: Path) -> None:
    """Make moving a new product from a build's staging folder onto *target* fail (as an I/O error would)."""
    import os

    real_replace, real_rename = os.replace, os.rename

    def replace(src, dst, *a, **k):
        if Path(dst) == target and ".kg-build-" in str(src):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst, *a, **k)

    def rename(src, dst, *a, **k):
        if Path(dst) == target and ".kg-build-" in str(src):
            raise OSError(5, "Input/output error")
        return real_rename(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", rename)


def test_build_publish_failure_part_way_keeps_every_previous_product(
    extraction: ExtractionResult, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    build_from_extraction(extraction, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    _fail_moving(monkeypatch, out / "inventory.csv")  # products before it in OUTPUTS have been moved by then
    smaller = extraction.model_copy(update={"triples": extraction.triples[:3]})
    with pytest.raises(OutputError, match="previous outputs are kept"):
        build_from_extraction(smaller, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # not a mix of old and new
    assert (out / "graph.db").is_dir()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_build_database_engine_that_cannot_load_is_an_error_not_a_skip_real_database(
    fake_extract, tmp_path: Path, monkeypatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ladybug", None)  # `import ladybug` now fails, as on a broken install
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(out), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "ladybug" in lines[0] and "pip install" in lines[0]
    assert not out.exists()


def test_build_extractor_exception_is_an_error_with_the_traceback_under_debug(
    broken_extractor: Path, tmp_path: Path
) -> None:
    corpus = broken_extractor
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: extraction failed on document"), result.stderr
    assert "ZeroDivisionError: a bug in a rule" in lines[0] and "--debug" in lines[0]
    assert "warning" not in result.stderr and not out.exists()  # not an input problem, nothing half-built

    result = CliRunner().invoke(app, ["--debug", "build", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "in broken" in result.stderr
