"""Bulk first load: ``kg export neo4j-import`` files and ``kg neo4j import`` against real Neo4j servers.

The files are checked without a server (cells, fix-ups, manifest, refusals).
The Neo4j tests start a second `kg neo4j start` server of their own (a free
port beside the test server's, in the same home, removed at the end), because
an import replaces a database: the dev corpus is imported there and loaded with
``kg load`` into the (wiped) test database, and both must then hold the same
nodes, relationships, properties and schema, give the same rows for every
saved query, and take a later ``kg load`` of another folder the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import DatabaseNotEmpty, InputError, OutputError, StoreError
from kg.extract.assemble import assemble_dirs
from kg.models import (Document, EntityRef, EvidenceRecord, GraphData, MentionRecord, Neo4jServerConfig, NodeRecord,
                       RelRecord)
from kg.store.import_csv import read_manifest, write_import_csv
from kg.store.queries import get_query, list_queries, run_on_neo4j

from helpers_graph import FIXTURE_DIR, dev_graph, normalise_rows

# --------------------------------------------------------------------------- files, no server


def _graph(sentence: str = "甲乙工会为丙丁职工送去慰问。", aliases: tuple[str, ...] = ()) -> GraphData:
    union = NodeRecord(type="Union", name="甲乙工会", aliases=aliases, doc_ids=("d1",))
    group = NodeRecord(type="Group", name="丙丁职工", doc_ids=("d1",), province="某省")
    ev = EvidenceRecord(doc_id="d1", sentence=sentence, start=0, end=len(sentence), extractor="test", confidence=0.8)
    rel = RelRecord(subject=EntityRef(type="Union", name=union.name), predicate="SUPPORTS",
                    object=EntityRef(type="Group", name=group.name), confidence=0.8, evidence=(ev,),
                    attrs={"program": "送温暖"}, first_date="2025-01-02", last_date="2025-01-02")
    return GraphData(documents=(Document(doc_id="d1", text=sentence, title='标题"引号"', date="2025-01-02"),),
                     nodes=(union, group), rels=(rel,),
                     mentions=(MentionRecord(type="Union", name=union.name, doc_id="d1", mentions=2),
                               MentionRecord(type="Group", name=group.name, doc_id="d9", mentions=1)))


def test_import_csv_cells_headers_and_fixups(tmp_path: Path) -> None:
    files = write_import_csv(_graph(sentence="第一行，\n第二行；含;分号"), tmp_path / "out")
    docs = (tmp_path / "out" / "documents.csv").read_text(encoding="utf-8")
    assert docs.splitlines()[0] == ":ID,id,title,date,source,path"
    # strings always quoted, quotes doubled; an empty string stays a (quoted) empty string
    assert docs.splitlines()[1] == '0,"d1","标题""引号""","2025-01-02","",""'
    rels = (tmp_path / "out" / "rels_SUPPORTS.csv").read_text(encoding="utf-8")
    assert rels.startswith(":START_ID,:END_ID,predicate,confidence:double,ev_keys:string[]")
    assert ",amount," in rels.splitlines()[0] and ",,," in rels  # attrs not given: empty cells, no property
    data = files.data
    assert data["multiline"] == ["rels_SUPPORTS.csv"]  # the sentence has a line break
    assert data["array_delimiter"] == "\x1f"
    assert files.counts == {"documents": 1, "nodes": 2, "mentions": 1, "mentions_skipped": 1, "relationships": 1,
                            "evidence": 1, "fixups": 0}
    assert files.empty_aliases == {"Group": 1, "Union": 1}  # set per label after the import
    assert (tmp_path / "out" / "fixups.jsonl").read_text(encoding="utf-8") == ""
    # a list of one empty string reads back as no property too: it is set from fixups.jsonl
    odd = write_import_csv(_graph(aliases=("",)), tmp_path / "odd")
    assert [json.loads(line) for line in (tmp_path / "odd" / "fixups.jsonl").read_text(encoding="utf-8").splitlines()] \
        == [["node", "Union", "甲乙工会", {"aliases": [""]}]]
    assert odd.empty_aliases == {"Group": 1}
    args = files.admin_args()
    assert "--id-type=integer" in args and "--array-delimiter=U+001F" in args
    assert "--multiline-fields=rels_SUPPORTS.csv" in args and "--nodes=Union=nodes_Union.csv" in args
    assert "--relationships=MENTIONED_IN=mentioned_in.csv" in args


def test_import_csv_delimiter_avoids_text_and_lists_keep_their_elements(tmp_path: Path) -> None:
    files = write_import_csv(_graph(aliases=("别名\x1f一", "别名二")), tmp_path / "out")
    assert files.data["array_delimiter"] == "\x1e"
    union = (tmp_path / "out" / "nodes_Union.csv").read_text(encoding="utf-8")
    assert '"别名\x1f一\x1e别名二"' in union
    assert files.counts["fixups"] == 0 and files.empty_aliases == {"Group": 1}


def test_import_csv_fast_relationship_lines_are_the_general_ones(tmp_path: Path, monkeypatch: Any) -> None:
    # the relationship lines are built directly for speed; they must be what the general cell writer gives
    from kg.bench.synth import synthetic_graph
    from kg.store import import_csv

    g = synthetic_graph(600, seed=3)
    odd = [r.model_copy(update={"evidence": (r.evidence[0].model_copy(update={"sentence": s}),) + r.evidence[1:],
                                "attrs": {"program": '名"称'}})
           for r, s in zip(g.rels[:4], ("", '含"引号"', "两行\r\n文本", "分;号"))]
    g = g.model_copy(update={"rels": tuple(odd) + g.rels[4:]})
    assert any(len(r.evidence) > 1 for r in g.rels) and any(len(r.evidence) == 1 for r in g.rels)
    fast = write_import_csv(g, tmp_path / "fast")
    monkeypatch.setattr(import_csv._Writer, "rel_line", lambda self, r, sid, oid: None)
    general = write_import_csv(g, tmp_path / "general")
    assert fast.data == general.data and fast.data["multiline"]
    for name in fast.files():
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "general" / name).read_bytes(), name


def test_bench_repeat_graph_multiplies_documents_and_evidence_not_facts(tmp_path: Path) -> None:
    from kg.bench.load import repeat_graph

    once = assemble_dirs([FIXTURE_DIR], discover=False)
    thrice = repeat_graph(once, 3)
    assert len(thrice.documents) == 3 * len(once.documents)
    assert len(thrice.mentions) == 3 * len(once.mentions)
    assert sum(len(r.evidence) for r in thrice.rels) == 3 * sum(len(r.evidence) for r in once.rels)
    assert [r.key for r in thrice.rels] == [r.key for r in once.rels]
    assert [len(n.doc_ids) for n in thrice.nodes] == [3 * len(n.doc_ids) for n in once.nodes]
    ids = {d.doc_id for d in thrice.documents}
    assert len(ids) == len(thrice.documents)
    assert all({d.doc_id, f"{d.doc_id}-1", f"{d.doc_id}-2"} <= ids for d in once.documents)
    assert {e.doc_id for r in thrice.rels for e in r.evidence} <= ids and {m.doc_id for m in thrice.mentions} <= ids
    files = write_import_csv(thrice, tmp_path / "csv")  # a graph the bulk path takes
    assert files.counts["evidence"] == sum(len(r.evidence) for r in thrice.rels)
    assert repeat_graph(once, 1) is once


def test_import_csv_refuses_foreign_folder_and_replaces_an_export(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not an export"):
        write_import_csv(_graph(), tmp_path / "mine")
    out = tmp_path / "out"
    write_import_csv(_graph(), out)
    (out / "rels_VISITS.csv").write_text("stale", encoding="utf-8")
    files = read_manifest(out)
    files.data["relationships"].append({"type": "VISITS", "file": "rels_VISITS.csv"})
    (out / "import.json").write_text(json.dumps(files.data), encoding="utf-8")
    write_import_csv(_graph(), out)  # a file of the previous export that this one does not write goes
    assert not (out / "rels_VISITS.csv").exists() and (out / "rels_SUPPORTS.csv").is_file()
    with pytest.raises(InputError, match="kg export neo4j-import"):
        read_manifest(tmp_path / "mine")


def test_import_csv_refuses_a_graph_kg_load_would_merge_within_itself(tmp_path: Path) -> None:
    g = _graph()
    with pytest.raises(StoreError, match="twice"):
        write_import_csv(g.model_copy(update={"nodes": g.nodes + g.nodes[:1]}), tmp_path / "a")
    with pytest.raises(StoreError, match="twice"):
        write_import_csv(g.model_copy(update={"rels": g.rels + g.rels}), tmp_path / "b")


def test_cli_export_neo4j_import_of_the_fixture(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["export", "neo4j-import", str(FIXTURE_DIR), "--out", str(tmp_path / "csv")])
    assert res.exit_code == 0, res.output
    assert "kg neo4j import" in res.stderr
    files = read_manifest(tmp_path / "csv")
    graph = assemble_dirs([FIXTURE_DIR])
    assert files.counts["relationships"] == len(graph.rels) and files.counts["nodes"] == len(graph.nodes)
    res = CliRunner().invoke(app, ["neo4j", "import", str(FIXTURE_DIR), "--port", "1"])
    assert res.exit_code == 1 and "kg export neo4j-import" in res.stderr  # not an export folder


# --------------------------------------------------------------------------- against real servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dump(driver: Any) -> tuple[list[str], list[str], list[str]]:
    """Every node, relationship (with its ends' keys) and index, with all properties, in a canonical order."""
    nodes = driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").records
    rels = driver.execute_query("MATCH (a)-[r]->(b) RETURN type(r) AS t, coalesce(a.name, a.id) AS s, "
                                "coalesce(b.name, b.id) AS o, properties(r) AS p").records
    indexes = driver.execute_query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state").records

    def canon(rows: Any) -> list[str]:
        return sorted(json.dumps(list(r.values()), ensure_ascii=False, sort_keys=True) for r in rows)

    return canon(nodes), canon(rels), canon(indexes)


#: list queries whose ORDER BY decides every row's place (the others order by hops or counts, ties by storage)
ORDERED = {"who_helped_whom", "people_positions", "program_inventory", "programs_across_regions",
           "facilities_at_companies", "union_hierarchy", "awards_by_region"}


def _order(rows: Any) -> list[list[Any]]:
    # the rows' scalar columns in order (collect() lists have no defined order in Neo4j)
    return [[v for v in dict(r).values() if not isinstance(v, list)] for r in rows]


@pytest.fixture(scope="module")
def imported_server(java_and_maven: None, neo4j_settings: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[tuple[Neo4jServerConfig, Any]]:
    """A server of its own (same home as the test server, so the same Maven classpath; another port) that
    holds nothing yet; stopped and removed afterwards."""
    from kg.store.neo4j_server import instance_dir, stop

    home = os.environ.get("KG_NEO4J_HOME") or str(Path(__file__).resolve().parents[1] / ".neo4j")
    config = Neo4jServerConfig(home=home, port=_free_port(), http_port=0, heap="1g", pagecache="256m")
    inst = instance_dir(config)
    assert not inst.exists()
    holder: dict[str, Any] = {}
    try:
        yield config, holder
    finally:
        if "driver" in holder:
            holder["driver"].close()
        stop(config)
        shutil.rmtree(inst, ignore_errors=True)


@pytest.mark.neo4j
def test_neo4j_import_of_the_dev_corpus_is_what_kg_load_writes(
    dev_dir: Path, neo4j_empty: Any, imported_server: tuple[Neo4jServerConfig, Any], tmp_path: Path
) -> None:
    from kg.bench.queries import params_from_graph
    from kg.store.neo4j_import import import_folder
    from kg.store.neo4j_loader import connect, count_graph, load_graph
    from kg.store.neo4j_server import password_file

    config, holder = imported_server
    graph = dev_graph(dev_dir)
    files = write_import_csv(graph, tmp_path / "csv")
    report = import_folder(config, files)  # a new server: no database yet, nothing to check
    assert report.relationships == len(graph.rels) and report.replaced_nodes == 0
    assert report.constraints_created == len(files.labels) + 1  # one per entity label, one for Document
    imported = holder["driver"] = connect(config.uri, config.user, password_file(config).read_text().strip())
    loaded = neo4j_empty
    load_graph(loaded, graph)

    n_nodes, n_rels = count_graph(imported)
    assert n_nodes == len(graph.documents) + len(graph.nodes) and n_rels > len(graph.rels) > 100
    dump_imported, dump_loaded = _dump(imported), _dump(loaded)
    assert dump_imported[0] == dump_loaded[0]  # nodes: labels and every property
    assert dump_imported[1] == dump_loaded[1]  # relationships: type, ends, evidence and every property
    assert dump_imported[2] == dump_loaded[2]  # constraints' and query indexes, online

    # every saved query: default parameters, parameters from the graph, and every row (no page limit)
    params = params_from_graph(graph)
    checked = 0
    for q in list_queries():
        takes = {p.name for p in q.params}
        variants = [params.get(q.name, {})]
        if "limit" in takes:
            variants.append({**params.get(q.name, {}), "limit": 100_000})
        if not any(p.required for p in q.params):
            variants.append({})
        for p in variants:
            a, b = run_on_neo4j(imported, get_query(q.name), p), run_on_neo4j(loaded, get_query(q.name), p)
            assert a.columns == b.columns
            assert normalise_rows([dict(r) for r in a.rows]) == normalise_rows([dict(r) for r in b.rows]), (q.name, p)
            if q.name in ORDERED:
                assert _order(a.rows) == _order(b.rows), (q.name, p)  # and in the same order
            checked += bool(a.rows)
    assert checked >= len(list_queries())  # not a comparison of empty results

    # the same graph loaded again changes nothing; a new folder merges in as it does after kg load
    assert not load_graph(imported, graph).changed
    fixture = assemble_dirs([FIXTURE_DIR])
    merged_imported, merged_loaded = load_graph(imported, fixture), load_graph(loaded, fixture)
    assert merged_imported.changed and merged_imported.rels_created == merged_loaded.rels_created > 0
    assert _dump(imported) == _dump(loaded)
    assert count_graph(imported)[0] == n_nodes + merged_imported.nodes_created + merged_imported.documents_created
    names = imported.execute_query("MATCH (n) WHERE n.name IS NOT NULL WITH n.name AS name, labels(n) AS l, "
                                   "count(*) AS c WHERE c > 1 RETURN count(*) AS dup").records
    assert names[0]["dup"] == 0  # no node twice
    q = get_query("who_helped_whom")
    assert run_on_neo4j(imported, q, {"limit": 100_000}).rows == run_on_neo4j(loaded, q, {"limit": 100_000}).rows


@pytest.mark.neo4j
def test_neo4j_import_refuses_a_database_that_holds_data(
    imported_server: tuple[Neo4jServerConfig, Any], tmp_path: Path
) -> None:
    from kg.store.neo4j_import import import_folder

    config, holder = imported_server
    if "driver" not in holder:
        pytest.skip("runs after the import test, on the database it filled")
    files = write_import_csv(assemble_dirs([FIXTURE_DIR]), tmp_path / "csv")
    with pytest.raises(DatabaseNotEmpty, match="--overwrite"):
        import_folder(config, files)
    res = CliRunner().invoke(app, ["neo4j", "import", str(tmp_path / "csv"), "--home", config.home,
                                   "--port", str(config.port), "--http-port", "0"])
    assert res.exit_code == 1 and "kg load" in res.stderr and "--overwrite" in res.stderr
    assert holder["driver"].execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"] > 0  # left alone


@pytest.mark.neo4j
def test_neo4j_import_overwrite_with_values_csv_cannot_hold(
    neo4j_empty: Any, imported_server: tuple[Neo4jServerConfig, Any], tmp_path: Path
) -> None:
    # --overwrite replaces the database; a list of one empty string, empty lists and a line break in a value
    # arrive as kg load writes them
    from kg.store.neo4j_loader import connect, load_graph
    from kg.store.neo4j_server import password_file

    config, holder = imported_server
    if "driver" not in holder:
        pytest.skip("runs after the import test, with the driver it opened")
    g = _graph(sentence="", aliases=("",))
    ev = EvidenceRecord(doc_id="d1", sentence="上一行\n下一行", start=1, end=7, extractor="test", confidence=0.5)
    extra = RelRecord(subject=EntityRef(type="Group", name="丙丁职工"), predicate="PART_OF",
                      object=EntityRef(type="Union", name="甲乙工会"), confidence=0.5, evidence=(ev,))
    g = g.model_copy(update={"rels": (*g.rels, extra)})
    files = write_import_csv(g, tmp_path / "csv")
    assert files.counts["fixups"] == 2 and files.data["multiline"] == ["rels_PART_OF.csv"]
    res = CliRunner().invoke(app, ["neo4j", "import", str(tmp_path / "csv"), "--home", config.home,
                                   "--port", str(config.port), "--http-port", "0", "--overwrite", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["replaced_nodes"] > 100 and report["relationships"] == 2 and report["fixups"] == 2
    load_graph(neo4j_empty, g)
    # a new database: a driver of the old one holds bookmarks of transactions it never had
    holder["driver"].close()
    driver = holder["driver"] = connect(config.uri, config.user, password_file(config).read_text().strip())
    assert _dump(driver) == _dump(neo4j_empty)
    aliases = driver.execute_query("MATCH (n:Union) RETURN n.aliases AS a").records
    assert [r["a"] for r in aliases] == [[""]]
