"""The Neo4j loader against a real server (never a mock): constraints, counts,
idempotency, evidence merging, merging folders, dry runs, faults, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ConnectionFailed, CredentialsRejected, OntologyError, StoreError
from kg.extract.assemble import assemble_dirs
from kg.models import (
    Document,
    EntityRef,
    EvidenceRecord,
    GraphData,
    MentionRecord,
    Neo4jConfig,
    NodeRecord,
    RelRecord,
)
from kg.store.load_plan import NEW_REL_ATTRS
from kg.store.loader_cypher import render
from kg.store.neo4j_loader import connect, count_graph, load_graph

runner = CliRunner()

# fixture: 19 entities + 2 documents; 22 relationships + 22 MENTIONED_IN links
FIXTURE_NODES = 19 + 2
FIXTURE_RELS = 22 + 22
HELPER, HELPED = "岳阳市云溪区总工会", "明远机械有限公司"
NO_SERVER = "bolt://127.0.0.1:9"  # discard port: nothing listens there


@pytest.fixture(scope="module")
def fixture_graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


def _write_folder(folder: Path, docs: list[dict], entities: list[dict], triples: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("documents", docs), ("entities", entities), ("triples", triples)):
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return folder


def _third_report(tmp_path: Path) -> Path:
    """A third article reporting the fixture's SUPPORTS fact, plus a new entity."""
    sentence = "岳阳市云溪区总工会再次走进明远机械有限公司，送去技术服务。"
    text = "标题\n\n" + sentence + "安远县总工会慰问环卫工人。"
    return _write_folder(
        tmp_path / "third",
        [{"doc_id": "fx003", "text": text, "title": "标题", "date": "2025-07-01", "source": "岳阳日报", "path": "fx003"}],
        [
            {"doc_id": "fx003", "type": "Union", "name": HELPER, "aliases": ["云溪区总"], "mentions": [{"start": 4, "end": 13}]},
            {"doc_id": "fx003", "type": "Enterprise", "name": HELPED, "aliases": [], "mentions": [{"start": 17, "end": 25}]},
            {"doc_id": "fx003", "type": "Union", "name": "安远县总工会", "aliases": [], "mentions": [{"start": 34, "end": 40}]},
            {"doc_id": "fx003", "type": "Group", "name": "环卫工人", "aliases": [], "mentions": [{"start": 42, "end": 46}]},
        ],
        [
            {"doc_id": "fx003", "subject": {"type": "Union", "name": HELPER}, "predicate": "SUPPORTS",
             "object": {"type": "Enterprise", "name": HELPED}, "attrs": {"program": "另一个项目", "amount": "5万元"},
             "evidence": {"sentence": sentence, "start": 4, "end": 4 + len(sentence)}, "confidence": 0.95,
             "extractor": "pattern:supports"},
            {"doc_id": "fx003", "subject": {"type": "Union", "name": "安远县总工会"}, "predicate": "SUPPORTS",
             "object": {"type": "Group", "name": "环卫工人"}, "attrs": {},
             "evidence": {"sentence": "安远县总工会慰问环卫工人。", "start": 34, "end": 47}, "confidence": 0.9,
             "extractor": "pattern:supports"},
        ],
    )


def _snapshot(driver: Any) -> tuple[list, list]:
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY coalesce(n.name, n.id)"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN coalesce(a.name, a.id) AS a, type(r) AS t, coalesce(b.name, b.id) AS b, "
        "properties(r) AS props ORDER BY a, t, b"
    )
    return [r.data() for r in nodes], [r.data() for r in rels]


def _supports(driver: Any) -> dict:
    records, _, _ = driver.execute_query(
        "MATCH (:`Union` {name: $s})-[r:SUPPORTS]->(:Enterprise {name: $o}) RETURN properties(r) AS p",
        s=HELPER, o=HELPED,
    )
    assert len(records) == 1, "one relationship per (subject, predicate, object)"
    return records[0]["p"]


# --------------------------------------------------------------------------- no server needed


def test_store_neo4j_render_fills_only_ontology_names() -> None:
    text = render("relationships", type="SUPPORTS")
    assert "`SUPPORTS`" in text and "{{" not in text
    assert "`Union`" in render("nodes", label="Union")
    with pytest.raises(OntologyError):
        render("nodes", label="Union`) DETACH DELETE n //")
    with pytest.raises(OntologyError):
        render("relationships", type="DROP")


def test_store_neo4j_loader_cypher_is_parameterised() -> None:
    from kg.resources import data_dir

    # Values reach the server only as $parameters: the only literals are '' and schema keywords.
    allowed = {"''", "'UNIQUENESS'", "'NODE_PROPERTY_UNIQUENESS'", "'NODE'"}
    for path in sorted(data_dir("loaders").glob("*.cypher")):
        code = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines()
                         if not ln.lstrip().startswith("//"))
        assert set(re.findall(r"'[^']*'", code)) <= allowed, path
        assert '"' not in code, path
        if "UNWIND" in code:
            assert "UNWIND $rows AS row" in code, path


def test_store_neo4j_relationship_cypher_covers_ontology_attrs() -> None:
    from kg.ontology import load_ontology

    text = render("relationships", type="SUPPORTS")
    for attr in load_ontology().attrs:
        assert f"row.attrs.{attr}" in text, f"relationships.cypher does not write attr {attr}"
    # relationships_new.cypher takes the attrs as columns 12.. of a row list, in NEW_REL_ATTRS order
    assert set(NEW_REL_ATTRS) == set(load_ontology().attrs)
    text = render("relationships_new", type="SUPPORTS")
    for i, attr in enumerate(NEW_REL_ATTRS, start=12):
        assert f"{attr}: row[{i}]" in text, f"relationships_new.cypher does not write attr {attr}"


def test_store_neo4j_no_server_is_connection_failed() -> None:
    with pytest.raises(ConnectionFailed, match="kg neo4j start"):
        connect(NO_SERVER, "neo4j", "whatever-password")


def test_store_neo4j_dry_run_without_server_counts_against_nothing(fixture_graph: GraphData) -> None:
    report = load_graph(Neo4jConfig(uri=NO_SERVER), fixture_graph, dry_run=True)
    assert report.dry_run and not report.compared_to_database
    assert "not reachable" in report.note and "empty database" in report.note and "kg neo4j start" in report.note
    assert report.uri == NO_SERVER and report.database is None
    # against an empty database everything in the fixture is new and nothing is updated
    assert (report.documents_created, report.nodes_created, report.mentions_created) == (2, 19, 22)
    assert (report.rels_created, report.evidence_added) == (22, 24)
    assert (report.nodes_updated, report.rels_updated, report.mentions_updated) == (0, 0, 0)


def test_store_neo4j_cli_no_server_exits_1(graph_fixture_dir: Path) -> None:
    result = runner.invoke(app, ["load", str(graph_fixture_dir), "--uri", NO_SERVER, "-q"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "kg neo4j start" in lines[0]


# --------------------------------------------------------------------------- real server


@pytest.mark.neo4j
def test_store_neo4j_constraints_exist(neo4j_empty: Any) -> None:
    load_graph(neo4j_empty, GraphData())
    records, _, _ = neo4j_empty.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties RETURN labelsOrTypes[0] AS label, properties AS props"
    )
    have = {r["label"]: r["props"] for r in records}
    from kg.ontology import load_ontology

    for label in load_ontology().types:
        assert have.get(label) == ["name"], label
    assert have.get("Document") == ["id"]


@pytest.mark.neo4j
def test_store_neo4j_load_fixture_counts(neo4j_empty: Any, fixture_graph: GraphData) -> None:
    report = load_graph(neo4j_empty, fixture_graph, batch_size=3)
    assert count_graph(neo4j_empty) == (FIXTURE_NODES, FIXTURE_RELS)
    assert (report.documents_created, report.nodes_created, report.mentions_created, report.rels_created) == (
        2, 19, 22, 22)
    assert report.evidence_added == 24 and report.changed
    records, _, _ = neo4j_empty.execute_query(
        "MATCH (n:`Union` {name: $name}) RETURN n.type AS type, n.aliases AS aliases, n.doc_count AS docs",
        name=HELPER,
    )
    assert records[0].data() == {"type": "Union", "aliases": ["云溪区总工会"], "docs": 2}
    region = neo4j_empty.execute_query("MATCH (r:Region {name: '岳阳市云溪区'}) RETURN r.type AS t").records
    assert region[0]["t"] == "Region"
    doc = neo4j_empty.execute_query("MATCH (d:Document {id: 'fx002'}) RETURN properties(d) AS p").records[0]["p"]
    assert doc == {"id": "fx002", "title": "安远县总工会启动“匠心助企行”", "date": "2025-06-03",
                   "source": "江西工人报", "path": "fx002.jsonl"}
    mention = neo4j_empty.execute_query(
        "MATCH (:`Union` {name: $n})-[m:MENTIONED_IN]->(:Document {id: 'fx001'}) RETURN m.mentions AS k", n=HELPER
    ).records
    assert mention[0]["k"] == 13


@pytest.mark.neo4j
def test_store_neo4j_load_twice_changes_nothing(neo4j_empty: Any, fixture_graph: GraphData) -> None:
    load_graph(neo4j_empty, fixture_graph)
    before = _snapshot(neo4j_empty)
    again = load_graph(neo4j_empty, fixture_graph, batch_size=5)
    assert _snapshot(neo4j_empty) == before
    assert not again.changed
    assert again.counters and all(v == 0 for v in again.counters.values()), again.counters
    assert count_graph(neo4j_empty) == (FIXTURE_NODES, FIXTURE_RELS)


@pytest.mark.neo4j
def test_store_neo4j_evidence_merges_into_one_relationship(
    neo4j_empty: Any, fixture_graph: GraphData, graph_fixture_dir: Path, tmp_path: Path
) -> None:
    load_graph(neo4j_empty, fixture_graph)
    rel = _supports(neo4j_empty)
    assert rel["evidence_count"] == 2 and rel["ev_doc_ids"] == ["fx001", "fx002"]
    assert rel["ev_keys"] == ["fx001:28:70", "fx002:95:137"]
    assert rel["ev_starts"] == [28, 95] and rel["ev_ends"] == [70, 137]
    assert rel["program"] == "匠心助企行" and rel["confidence"] == 0.9

    third = assemble_dirs([_third_report(tmp_path)])
    report = load_graph(neo4j_empty, third)
    assert report.evidence_added == 2 and report.rels_updated == 1 and report.rels_created == 1
    rel = _supports(neo4j_empty)
    assert rel["evidence_count"] == 3 and rel["ev_doc_ids"] == ["fx001", "fx002", "fx003"]
    assert len(rel["ev_sentences"]) == len(rel["ev_extractors"]) == 3
    assert rel["confidence"] == 0.95  # the best confidence wins
    assert rel["program"] == "匠心助企行" and rel["amount"] == "5万元"  # first value kept; new attrs added

    again = load_graph(neo4j_empty, third)  # the same report again appends nothing
    assert not again.changed and _supports(neo4j_empty)["evidence_count"] == 3


@pytest.mark.neo4j
def test_store_neo4j_second_folder_merges(
    neo4j_empty: Any, fixture_graph: GraphData, tmp_path: Path
) -> None:
    load_graph(neo4j_empty, fixture_graph)
    report = load_graph(neo4j_empty, assemble_dirs([_third_report(tmp_path)]))
    # new: document fx003, entity 环卫工人, its SUPPORTS, four MENTIONED_IN links
    assert (report.documents_created, report.nodes_created, report.mentions_created) == (1, 1, 4)
    assert report.nodes_updated == 3  # doc_count (and an alias) of the three known entities
    assert count_graph(neo4j_empty) == (FIXTURE_NODES + 2, FIXTURE_RELS + 1 + 4)
    records, _, _ = neo4j_empty.execute_query(
        "MATCH (n:`Union` {name: $name}) RETURN n.aliases AS aliases, n.doc_count AS docs", name=HELPER
    )
    assert records[0].data() == {"aliases": ["云溪区总工会", "云溪区总"], "docs": 3}


@pytest.mark.neo4j
def test_store_neo4j_dry_run_touches_nothing(
    neo4j_empty: Any, fixture_graph: GraphData, tmp_path: Path
) -> None:
    load_graph(neo4j_empty, GraphData())  # constraints only
    report = load_graph(neo4j_empty, fixture_graph, dry_run=True)
    assert report.dry_run and report.compared_to_database
    assert (report.nodes_created, report.rels_created, report.evidence_added) == (19, 22, 24)
    assert count_graph(neo4j_empty) == (0, 0)

    load_graph(neo4j_empty, fixture_graph)
    before = _snapshot(neo4j_empty)
    preview = load_graph(neo4j_empty, assemble_dirs([_third_report(tmp_path)]), dry_run=True)
    assert (preview.nodes_created, preview.rels_created, preview.rels_updated, preview.evidence_added) == (1, 1, 1, 2)
    assert _snapshot(neo4j_empty) == before
    assert not load_graph(neo4j_empty, fixture_graph, dry_run=True).changed


@pytest.mark.neo4j
def test_store_neo4j_cypher_in_a_name_is_data(neo4j_empty: Any) -> None:
    evil = "') DETACH DELETE n //"
    evil2 = "`}) MATCH (m) DETACH DELETE m //"
    graph = GraphData(
        documents=(Document(doc_id="d1' OR 1=1 //", text="x"),),
        nodes=(
            NodeRecord(type="Union", name=evil, aliases=(evil2,), doc_ids=("d1' OR 1=1 //",)),
            NodeRecord(type="Enterprise", name=evil2),
        ),
        mentions=(MentionRecord(type="Union", name=evil, doc_id="d1' OR 1=1 //", mentions=1),),
        rels=(RelRecord(
            subject=EntityRef(type="Union", name=evil), predicate="SUPPORTS",
            object=EntityRef(type="Enterprise", name=evil2), confidence=0.5, attrs={"program": evil},
            evidence=(EvidenceRecord(doc_id="d1' OR 1=1 //", sentence=evil, start=0, end=1, extractor="x",
                                     confidence=0.5),),
        ),),
    )
    load_graph(neo4j_empty, graph)
    assert count_graph(neo4j_empty) == (3, 2)
    records, _, _ = neo4j_empty.execute_query(
        "MATCH (a:`Union`)-[r:SUPPORTS]->(b:Enterprise) RETURN a.name AS a, b.name AS b, r.program AS p"
    )
    assert records[0].data() == {"a": evil, "b": evil2, "p": evil}


@pytest.mark.neo4j
def test_store_neo4j_wrong_password_is_connection_failed(neo4j_driver: Any, neo4j_settings: dict) -> None:
    with pytest.raises(ConnectionFailed) as info:
        connect(neo4j_settings["uri"], neo4j_settings["user"], "not-the-password")
    message = str(info.value)
    assert "password" in message and "NEO4J_PASSWORD" in message and "\n" not in message


@pytest.mark.neo4j
def test_store_neo4j_cli_load(neo4j_empty: Any, graph_fixture_dir: Path, neo4j_settings: dict) -> None:
    env = {"NEO4J_URI": neo4j_settings["uri"], "NEO4J_USER": neo4j_settings["user"],
           "NEO4J_PASSWORD": neo4j_settings["password"]}
    result = runner.invoke(app, ["load", str(graph_fixture_dir), "--json", "-q", "--batch-size", "4"], env=env)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rels_created"] == 22 and report["evidence_added"] == 24

    result = runner.invoke(app, ["load", str(graph_fixture_dir)], env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # people's messages go to stderr
    assert "unchanged" in result.stderr

    result = runner.invoke(app, ["load", str(graph_fixture_dir), "--dry-run", "--json", "-q"], env=env)
    assert result.exit_code == 0 and json.loads(result.stdout)["dry_run"] is True


@pytest.mark.neo4j
def test_store_neo4j_cli_wrong_password_exits_1(neo4j_driver: Any, graph_fixture_dir: Path,
                                                 neo4j_settings: dict) -> None:
    result = runner.invoke(app, ["load", str(graph_fixture_dir), "-q", "--uri", neo4j_settings["uri"]],
                           env={"NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "password" in errors[0]


def test_store_neo4j_cli_missing_folder_is_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_synth_graph_fits_the_ontology() -> None:
    from kg.bench.synth import synthetic_graph
    from kg.ontology import load_ontology

    onto = load_ontology()
    g = synthetic_graph(500, seed=3)
    assert len(g.rels) == 500 and g == synthetic_graph(500, seed=3)
    assert {n.type for n in g.nodes} == set(onto.types)
    assert {r.predicate for r in g.rels} == set(onto.predicates)
    assert all(onto.allows(r.subject.type, r.predicate, r.object.type) for r in g.rels)
    assert len({(r.subject, r.predicate, r.object) for r in g.rels}) == 500
    refs = {(n.type, n.name) for n in g.nodes}
    assert all((r.subject.type, r.subject.name) in refs and (r.object.type, r.object.name) in refs for r in g.rels)
    docs = {d.doc_id for d in g.documents}
    assert all(e.doc_id in docs and e.end > e.start for r in g.rels for e in r.evidence)
    assert all(m.doc_id in docs for m in g.mentions)


@pytest.mark.neo4j
def test_store_neo4j_synthetic_graph_loads_completely(neo4j_empty: Any) -> None:
    from kg.bench.synth import synthetic_graph

    g = synthetic_graph(400, seed=5)
    report = load_graph(neo4j_empty, g, batch_size=97)
    assert (report.nodes_created, report.rels_created, report.mentions_created) == (
        len(g.nodes), len(g.rels), len(g.mentions))
    assert report.evidence_added == sum(len(r.evidence) for r in g.rels)
    assert count_graph(neo4j_empty) == (len(g.nodes) + len(g.documents), len(g.rels) + len(g.mentions))
    assert not load_graph(neo4j_empty, g, batch_size=1000).changed


@pytest.mark.neo4j
def test_store_neo4j_created_links_equal_merged_ones(neo4j_empty: Any, fixture_graph: GraphData) -> None:
    """Links of new nodes are CREATEd without looking (the fast path); links between
    nodes already there are MERGEd. Both must write the same properties."""
    load_graph(neo4j_empty, fixture_graph)  # every link has a new end: all created
    created = _snapshot(neo4j_empty)
    neo4j_empty.execute_query("MATCH ()-[r]->() DELETE r")
    report = load_graph(neo4j_empty, fixture_graph, batch_size=4)  # nodes and documents known: all merged
    assert (report.nodes_created, report.documents_created) == (0, 0)
    assert (report.rels_created, report.mentions_created, report.evidence_added) == (22, 22, 24)
    assert _snapshot(neo4j_empty) == created


@pytest.mark.neo4j
def test_store_neo4j_same_link_twice_in_one_load_is_one(neo4j_empty: Any) -> None:
    """A triple or mention listed twice among new nodes: created once, the second merged into it."""
    def ev(start: int, confidence: float) -> EvidenceRecord:
        return EvidenceRecord(doc_id="d1", sentence="s", start=start, end=start + 2, extractor="x",
                              confidence=confidence)

    def rel(evidence: tuple[EvidenceRecord, ...], attrs: dict[str, str]) -> RelRecord:
        return RelRecord(subject=EntityRef(type="Union", name="甲工会"), predicate="SUPPORTS",
                         object=EntityRef(type="Enterprise", name="乙公司"), confidence=0.5, attrs=attrs,
                         evidence=evidence)

    mention = MentionRecord(type="Union", name="甲工会", doc_id="d1", mentions=2)
    graph = GraphData(
        documents=(Document(doc_id="d1", text="x"),),
        nodes=(NodeRecord(type="Union", name="甲工会", doc_ids=("d1",)), NodeRecord(type="Enterprise", name="乙公司")),
        mentions=(mention, mention),
        rels=(rel((ev(0, 0.5),), {"program": "第一"}), rel((ev(0, 0.5), ev(4, 0.8)), {"program": "第二", "amount": "1"})),
    )
    report = load_graph(neo4j_empty, graph)
    assert (report.rels_created, report.mentions_created, report.evidence_added) == (1, 1, 2)
    assert count_graph(neo4j_empty) == (3, 2)
    records, _, _ = neo4j_empty.execute_query("MATCH ()-[r:SUPPORTS]->() RETURN properties(r) AS p")
    p = records[0]["p"]
    assert p["ev_keys"] == ["d1:0:2", "d1:4:6"] and p["evidence_count"] == 2 and p["confidence"] == 0.8
    assert p["program"] == "第一" and p["amount"] == "1"
    again = load_graph(neo4j_empty, graph)
    assert not again.changed and all(v == 0 for v in again.counters.values())


@pytest.mark.neo4j
def test_store_neo4j_created_nodes_equal_merged_ones(neo4j_empty: Any, fixture_graph: GraphData) -> None:
    """New documents and nodes are CREATEd whole (documents_new, nodes_new); known ones
    go through the MERGE statements. Both must leave the same graph."""
    load_graph(neo4j_empty, fixture_graph)  # every document and node new: all created
    created = _snapshot(neo4j_empty)
    neo4j_empty.execute_query("MATCH (n) DETACH DELETE n")
    # bare keys only: the lookups find every node, so the MERGE statements write the rest
    for d in fixture_graph.documents:
        neo4j_empty.execute_query("CREATE (:Document {id: $id})", id=d.doc_id)
    for n in fixture_graph.nodes:
        neo4j_empty.execute_query(f"CREATE (:`{n.type}` {{name: $name}})", name=n.name)
    report = load_graph(neo4j_empty, fixture_graph, batch_size=3)
    assert (report.documents_created, report.nodes_created) == (2, 19)  # MERGE saw only keys: "created"
    assert _snapshot(neo4j_empty) == created


@pytest.mark.neo4j
def test_store_neo4j_new_node_links_to_a_document_of_an_earlier_load(neo4j_empty: Any) -> None:
    first = GraphData(documents=(Document(doc_id="d1", text="x"),),
                      nodes=(NodeRecord(type="Union", name="甲工会", doc_ids=("d1",)),),
                      mentions=(MentionRecord(type="Union", name="甲工会", doc_id="d1", mentions=1),))
    load_graph(neo4j_empty, first)
    # a later folder names d1 without carrying it: its new entity still links to it
    later = GraphData(nodes=(NodeRecord(type="Enterprise", name="乙公司", doc_ids=("d1", "d9")),),
                      mentions=(MentionRecord(type="Enterprise", name="乙公司", doc_id="d1", mentions=3),
                                MentionRecord(type="Enterprise", name="乙公司", doc_id="d9", mentions=1)))
    report = load_graph(neo4j_empty, later)
    assert (report.nodes_created, report.mentions_created, report.mentions_skipped) == (1, 1, 1)
    records, _, _ = neo4j_empty.execute_query(
        "MATCH (:Enterprise {name: $name})-[m:MENTIONED_IN]->(d:Document) RETURN d.id AS id, m.mentions AS n",
        name="乙公司")
    assert [r.data() for r in records] == [{"id": "d1", "n": 3}]
    assert not load_graph(neo4j_empty, later).changed


@pytest.mark.neo4j
def test_store_neo4j_bench_load_smoke(neo4j_empty: Any, neo4j_settings: dict) -> None:
    env = {"NEO4J_URI": neo4j_settings["uri"], "NEO4J_USER": neo4j_settings["user"],
           "NEO4J_PASSWORD": neo4j_settings["password"]}
    result = runner.invoke(app, ["bench", "load", "--rels", "300", "--subset", "20", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["relationships"] == 300 and report["relationships_written"] == 300 + report["mentions"]
    assert report["reload_changed"] is False
    assert report["batched_rels_per_s"] > 0 and report["bare_create_rels_per_s"] > 0 and report["ratio"] > 0
    assert count_graph(neo4j_empty) == (0, 0)  # the benchmark leaves the database empty


def test_store_neo4j_prefetch_keeps_order_raises_and_stops() -> None:
    import threading

    from kg.store.neo4j_writer import prefetch

    assert list(prefetch(iter(range(50)), depth=2)) == list(range(50))

    def failing():
        yield 1
        raise StoreError("bad row")

    out = []
    with pytest.raises(StoreError, match="bad row"):
        for item in prefetch(failing()):
            out.append(item)
    assert out == [1]  # what came before the error was handed over

    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    stream = prefetch(endless(), depth=2)
    assert next(stream) == 0
    stream.close()  # the consumer leaves early: the producer stops
    assert not any(t.name == "kg-load-rows" for t in threading.enumerate())
    assert len(produced) <= 5


# --------------------------------------------------------------------------- errors say what they are


class _LostSessionDriver:
    """Stands in for a driver whose routed session ends under a query; raises the driver's own exception."""

    def execute_query(self, *_args, **_kwargs):
        from neo4j.exceptions import SessionExpired

        raise SessionExpired("Failed to read from defunct connection")


def test_store_neo4j_session_expired_is_connection_failed() -> None:
    # A server lost in the middle of a routed query: a one-line ConnectionFailed, not a traceback.
    from kg.store.queries import get_query, run_on_neo4j

    with pytest.raises(ConnectionFailed, match="stopped answering"):
        run_on_neo4j(_LostSessionDriver(), get_query("union_hierarchy"), {})


@pytest.mark.neo4j
def test_store_neo4j_wrong_password_is_credentials_rejected_even_for_a_dry_run(
    neo4j_driver: Any, neo4j_settings: dict, fixture_graph: GraphData, graph_fixture_dir: Path
) -> None:
    # A server that answers and refuses the password is not "not reachable": a preview must not hide it.
    config = Neo4jConfig(uri=neo4j_settings["uri"], user=neo4j_settings["user"], password="not-the-password")
    with pytest.raises(CredentialsRejected, match="password"):
        load_graph(config, fixture_graph, dry_run=True)
    result = runner.invoke(app, ["load", str(graph_fixture_dir), "--dry-run", "-q", "--uri", neo4j_settings["uri"]],
                           env={"NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code == 1 and "password" in result.stderr, result.stderr


@pytest.mark.neo4j
def test_store_neo4j_bench_queries_wrong_password_exits_1(neo4j_driver: Any, neo4j_settings: dict) -> None:
    result = runner.invoke(app, ["bench", "queries", "--rels", "200", "--repeat", "1", "--uri", neo4j_settings["uri"]],
                           env={"NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code == 1, result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "password" in errors[0]
    assert "skipped" not in result.stderr


def test_store_neo4j_bench_queries_without_a_server_skips_neo4j() -> None:
    result = runner.invoke(app, ["bench", "queries", "--rels", "200", "--repeat", "1", "--uri", NO_SERVER,
                                 "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "Neo4j skipped: no Neo4j answers" in result.stderr
    assert all("neo4j_p50_ms" not in row for row in json.loads(result.stdout))


@pytest.mark.neo4j
def test_store_neo4j_load_keeps_the_garbage_collector_on(neo4j_empty: Any, fixture_graph: GraphData) -> None:
    # The loader spares the caller's objects from collection; it must not switch the collector off
    # for the whole process (other threads, later code) while it runs.
    import gc

    seen: list[bool] = []
    load_graph(neo4j_empty, fixture_graph, batch_size=3, progress=lambda *_a: seen.append(gc.isenabled()))
    assert seen and all(seen)
    assert gc.isenabled()
