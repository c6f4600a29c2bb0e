"""Curation and time through every product: `kg curate`, `kg build`, the embedded database, exports,
`kg diagram --since/--until`, the inventory's per-year counts, and `kg load` into a real Neo4j
(what curation rejects is deleted from a database an earlier load filled; both engines agree).
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.extract.assemble import assemble_dirs
from kg.extract.curation_file import APPLIED_FILE, CURATION_FILE
from kg.store.embedded import build_embedded, open_embedded, run_query
from kg.store.queries import get_query, run_on_neo4j
from test_curation import CURATION

from helpers_graph import normalise_rows

runner = CliRunner()
REJECTED = ("岳阳市云溪区总工会", "明远机械有限公司")
ADDED = ("安远县总工会", "禾丰纺织集团")


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pairs(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["helper"], r["beneficiary"]) for r in rows}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, graph_fixture_dir: Path) -> Path:
    """The fixture's two articles as a JSONL corpus (for `kg build`, which extracts them)."""
    folder = tmp_path_factory.mktemp("corpus")
    docs = [json.loads(line) for line in (graph_fixture_dir / "documents.jsonl").read_text("utf-8").splitlines()]
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            body = d["text"].split("\n\n", 1)[1]
            fh.write(json.dumps({"id": d["doc_id"], "title": d["title"], "date": d["date"], "text": body},
                                ensure_ascii=False) + "\n")
    return folder


def _build(corpus: Path, out: Path, *extra: str) -> Any:
    res = runner.invoke(app, ["build", str(corpus), "--out", str(out), *extra])
    assert res.exit_code == 0, res.output
    return res


def test_curation_cli_curate_writes_the_file_build_applies_it(corpus: Path, tmp_path: Path) -> None:
    # The entries are chosen from what the extractor found, so that the test holds whatever it finds.
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    _build(work, tmp_path / "before", "-q")
    with open_embedded(tmp_path / "before" / "graph.db") as db:
        rows = run_query(db, "who_helped_whom", {})
    before = _pairs(rows)
    assert len(before) >= 2, "the extractor finds too little in the fixture articles for this test"
    rejected = sorted(before)[0]
    types = {r["helper"]: r["helper_type"] for r in rows} | {r["beneficiary"]: r["beneficiary_type"] for r in rows}
    added = next((h, b) for h in sorted({h for h, _ in before}) for b in sorted({b for _, b in before})
                 if (h, b) not in before and h != b)
    file = work / CURATION_FILE
    for args in (["reject", rejected[0], "SUPPORTS", rejected[1], "--reason", "a visit, not support"],
                 ["add", added[0], "SUPPORTS", added[1], "--subject-type", types[added[0]],
                  "--object-type", types[added[1]], "--source", "interview, 2025-07-01", "--date", "2025-07-01"],
                 ["reject", "某某不存在的公司", "--reason", "stale on purpose"]):
        res = runner.invoke(app, ["curate", *args, "--file", str(file)])
        assert res.exit_code == 0, res.output
        assert f"`kg build` of the articles in {work} applies it" in res.stderr  # where it takes effect
    res = runner.invoke(app, ["curate", "reject", "甲", "--reason", "x", "--file", str(tmp_path / "fixes.toml")])
    assert f"`kg build --curation {tmp_path / 'fixes.toml'}` applies it" in res.stderr  # not found by name
    res = _build(work, tmp_path / "after")
    assert "2 of 3 entries applied" in res.stderr and "warning: curation:" in res.stderr and "stale" in res.stderr
    with open_embedded(tmp_path / "after" / "graph.db") as db:
        after = _pairs(run_query(db, "who_helped_whom", {}))
        curated = db.execute("MATCH (a)-[r:SUPPORTS]->(b) WHERE r.provenance = $p RETURN a.name AS a, b.name AS b, "
                             "r.first_date AS d", {"p": "curated"}).rows
    assert after == (before - {rejected}) | {added}
    assert [(r["a"], r["b"], r["d"]) for r in curated] == [(*added, "2025-07-01")]
    assert (tmp_path / "after" / APPLIED_FILE).read_text("utf-8") == file.read_text("utf-8")


def test_curation_cli_usage_errors(tmp_path: Path) -> None:
    file = tmp_path / CURATION_FILE
    for args in (["reject", "甲", "SUPPORTS"], ["reject", "甲"],  # three words or one; a reason is required
                 ["add", "甲", "RUNS", "乙", "--subject-type", "Union", "--object-type", "Program"]):  # no citation
        res = runner.invoke(app, ["curate", *args, "--file", str(file)])
        assert res.exit_code == 2 and "error:" in res.stderr, (args, res.output)
    assert not file.exists()


@pytest.fixture(scope="module")
def curated_build(graph_fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kg build`'s products of the fixture's extraction, curated by CURATION (no extractor involved)."""
    from kg.build import build_from_extraction
    from kg.extract.assemble import read_extraction

    work = tmp_path_factory.mktemp("work")
    (work / CURATION_FILE).write_text(CURATION, encoding="utf-8")
    report = build_from_extraction(read_extraction(graph_fixture_dir), work / "out", curation=work / CURATION_FILE)
    assert report.curation is not None and [p for p in report.curation.problems if "stale" in p.message]
    return work / "out"


def test_curation_exports_carry_provenance_and_dates(curated_build: Path) -> None:
    data = json.loads((curated_build / "graph.json").read_text("utf-8"))
    links = {(e["source"], e["target"]): e for e in data["links"] if e["predicate"] == "SUPPORTS"}
    added = links[("Union:安远县总工会", "Enterprise:禾丰纺织集团")]
    assert added["provenance"] == "curated" and added["first_date"] == "2025-06-03"
    assert ("Union:岳阳市云溪区总工会", "Enterprise:明远机械有限公司") not in links
    assert {e["provenance"] for e in data["links"]} == {"curated", "extracted"}
    assert "provenance" in (curated_build / "graph.graphml").read_text("utf-8")


def test_curation_diagram_shows_curated_facts(curated_build: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["diagram", "--from", str(curated_build), "--out", str(tmp_path / "d.html")])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "d.html").read_text("utf-8")
    assert '"curated": true' in page and "legend-curated" in page
    res = runner.invoke(app, ["diagram", "--from", str(curated_build), "--out", str(tmp_path / "d.mmd")])
    assert res.exit_code == 0 and "-.->" in (tmp_path / "d.mmd").read_text("utf-8")


def test_curation_no_curation_brings_the_extraction_back(graph_fixture_dir: Path, tmp_path: Path) -> None:
    from kg.build import build_from_extraction
    from kg.extract.assemble import read_extraction

    (tmp_path / CURATION_FILE).write_text(CURATION, encoding="utf-8")
    result = read_extraction(graph_fixture_dir)
    build_from_extraction(result, tmp_path / "out", curation=tmp_path / CURATION_FILE)
    assert (tmp_path / "out" / APPLIED_FILE).exists()
    with open_embedded(tmp_path / "out" / "graph.db") as db:
        assert REJECTED not in _pairs(run_query(db, "who_helped_whom", {}))
    build_from_extraction(result, tmp_path / "out")  # the file is gone: the next build is uncurated
    assert not (tmp_path / "out" / APPLIED_FILE).exists()
    with open_embedded(tmp_path / "out" / "graph.db") as db:
        assert REJECTED in _pairs(run_query(db, "who_helped_whom", {}))


def test_time_diagram_draws_one_period(curated_build: Path, tmp_path: Path) -> None:
    counts = {}
    for period in ((), ("--since", "2025-06"), ("--until", "2025-05"), ("--since", "2030")):
        res = runner.invoke(app, ["diagram", "--from", str(curated_build), "--out", str(tmp_path / "p.mmd"), *period])
        assert res.exit_code == 0, res.output
        counts[period] = int(res.stderr.split(" entities, ")[1].split()[0])
    assert counts[()] > counts[("--since", "2025-06")] > 0 and counts[()] > counts[("--until", "2025-05")] > 0
    assert counts[("--since", "2030")] == 0
    res = runner.invoke(app, ["diagram", "--from", str(curated_build), "--out", str(tmp_path / "p.mmd"),
                              "--since", "June"])
    assert res.exit_code == 2 and "not a date" in res.stderr


def test_time_inventory_counts_articles_per_year(curated_build: Path) -> None:
    res = runner.invoke(app, ["inventory", "--db", str(curated_build), "--out", "-"])
    assert res.exit_code == 0, res.output
    assert "各年报道篇数" in res.stdout and "2025: 2" in res.stdout
    # the program added with a free-text source: no article, but its date
    row = next(r for r in csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))) if r["项目"] == "金秋助学")
    assert (row["报道篇数"], row["各年报道篇数"], row["首次报道日期"], row["最近报道日期"]) == ("0", "", "2024-09-01", "2024-09-01")


def test_time_query_bad_date_is_a_usage_error(curated_build: Path) -> None:
    res = runner.invoke(app, ["query", "who_helped_whom", "--db", str(curated_build), "-p", "since=2025-13"])
    assert res.exit_code == 2 and "not a date" in res.stderr


def test_queries_listing_fits_80_columns_when_piped() -> None:
    res = runner.invoke(app, ["queries"])
    assert res.exit_code == 0
    assert max(_cells(line) for line in res.stdout.splitlines()) <= 80
    assert "who_helped_whom" in res.stdout and "[since]" in res.stdout
    one = runner.invoke(app, ["queries", "who_helped_whom"])
    assert one.exit_code == 0 and "until (date, optional)" in one.stdout
    assert max(_cells(line) for line in one.stdout.splitlines()) <= 80
    assert json.loads(runner.invoke(app, ["queries", "who_helped_whom", "-f", "json"]).stdout)["name"] == "who_helped_whom"
    assert runner.invoke(app, ["queries", "nope"]).exit_code == 2


# --------------------------------------------------------------------------- Neo4j


@pytest.mark.neo4j
def test_curation_load_deletes_what_an_earlier_load_put_there(
    neo4j_empty: Any, graph_fixture_dir: Path, tmp_path: Path
) -> None:
    from kg.store.neo4j_loader import load_graph

    (tmp_path / CURATION_FILE).write_text(CURATION, encoding="utf-8")
    plain = assemble_dirs([graph_fixture_dir])
    load_graph(neo4j_empty, plain)
    q = get_query("who_helped_whom")
    assert REJECTED in _pairs([dict(r) for r in run_on_neo4j(neo4j_empty, q).rows])
    curated = assemble_dirs([graph_fixture_dir], curation=tmp_path / CURATION_FILE)
    report = load_graph(neo4j_empty, curated)
    assert report.rels_retracted >= 1 and report.nodes_retracted >= 3  # merged, renamed, retyped and rejected away
    assert report.curation is not None and report.curation.applied == 7
    neo = [dict(r) for r in run_on_neo4j(neo4j_empty, q).rows]
    assert REJECTED not in _pairs(neo) and ADDED in _pairs(neo)
    # the database now holds what the embedded database built from the same curated graph holds
    build_embedded(curated, tmp_path / "graph.db")
    everything = ("MATCH (a)-[r]->(b) WHERE r.predicate IS NOT NULL RETURN a.name AS a, r.predicate AS p, b.name AS b, "
                  "r.provenance AS provenance, r.first_date AS first, r.last_date AS last")
    nodes = "MATCH (n) WHERE n.type IS NOT NULL RETURN n.type AS type, n.name AS name, n.provenance AS provenance"
    with open_embedded(tmp_path / "graph.db") as db:
        assert normalise_rows(neo) == normalise_rows(run_query(db, "who_helped_whom", {}))
        for cypher in (everything, nodes):
            records, _, _ = neo4j_empty.execute_query(cypher)
            assert normalise_rows([dict(r) for r in records]) == normalise_rows([dict(r) for r in db.execute(cypher).rows])
    again = load_graph(neo4j_empty, curated)
    assert not again.changed  # idempotent: nothing left to delete, nothing new


#: the columns of a worked-example table cell (" · "-separated) per saved query
_WORKED_COLUMNS = {"who_helped_whom": ("helper", "beneficiary", "program"), "facilities_at_companies": ("facility", "company")}


def _worked_example(readme: str) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    """The README's worked example: its `kg curate` commands (as argument lists) and its table rows."""
    section = readme.split("## Curation", 1)[1].split("\n## ", 1)[0]
    block = next(b for b in section.split("```bash\n")[1:] if "kg curate merge" in b).split("```", 1)[0]
    commands = [shlex.split(line)[1:] for line in block.replace("\\\n", " ").splitlines()
                if line.startswith("kg curate ")]
    table = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()
             if line.startswith("| ") and line.split("|")[1].strip() in _WORKED_COLUMNS]
    return commands, [(q, before, after) for q, before, after in table]


def test_curation_readme_worked_example_is_true(tmp_path: Path, repo_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's worked example as written: its `kg curate` lines run in the corpus folder, then
    `kg build corpus`; the rows of its table are the rows before (--no-curation) and after."""
    commands, table = _worked_example((repo_dir / "README.md").read_text(encoding="utf-8"))
    assert [c[1] for c in commands] == ["merge", "rename", "reject", "add"] and len(table) >= 4
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_dir / "kg" / "data" / "example", corpus)

    def rows(name: str) -> set[str]:
        with open_embedded(tmp_path / "out" / "graph.db") as db:
            return {" · ".join(r[c] for c in _WORKED_COLUMNS[name] if r[c]) for r in run_query(db, name, {})}

    _build(corpus, tmp_path / "out", "-q", "--no-curation")
    before = {name: rows(name) for name in _WORKED_COLUMNS}
    if not all(b in before[q] for q, b, _ in table if b):
        pytest.fail("the extractor no longer finds the README example's facts: update the README's worked example")
    monkeypatch.chdir(corpus)  # `cd corpus`: each command appends to ./curation.toml
    for args in commands:
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
    monkeypatch.chdir(tmp_path)
    assert "4 of 4 entries applied" in _build(corpus, tmp_path / "out").output
    after = {name: rows(name) for name in _WORKED_COLUMNS}
    for name in _WORKED_COLUMNS:
        gone = {b for q, b, _ in table if q == name and b}
        new = {a.removesuffix(" *(curated)*") for q, _, a in table if q == name and a != "*(rejected)*"}
        assert after[name] == (before[name] - gone) | new, name
