"""kg.export.graph_files and kg.export.centrality: the graph files streamed from the records, betweenness.

The reference is networkx itself: its GraphML writer and ``json.dump`` of its
node-link data, over the ``MultiDiGraph`` of :func:`to_networkx` with
networkx's own ``betweenness_centrality`` (what ``kg build`` wrote before the
files were streamed).
"""

from __future__ import annotations

import doctest
import json
import random
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

import kg.export.centrality
import kg.export.graph_files
from helpers_graph import dev_graph, fixture_graph
from kg.export.centrality import BETWEENNESS_EXACT_LIMIT, BETWEENNESS_SAMPLE, betweenness, graph_shape
from kg.export.graph import to_networkx, write_graphml, write_node_link
from kg.export.graph_files import graph_facts, stream_graphml, stream_node_link
from kg.models import Document, EntityRef, EvidenceRecord, GraphData, NodeRecord, RelRecord


def ref(kind: str, name: str) -> EntityRef:
    return EntityRef(type=kind, name=name)


def ev(doc: str, sentence: str, start: int = 0, confidence: float = 0.8) -> EvidenceRecord:
    return EvidenceRecord(doc_id=doc, sentence=sentence, start=start, end=start + len(sentence), extractor="rules",
                          confidence=confidence)


def tricky_graph() -> GraphData:
    """Every case where the order or content of networkx's graph differs from the records' own."""
    a, b, c = ref("Union", "甲省总工会"), ref("Union", "乙市总工会 & <分会>"), ref("Program", '丙"暖心"行动')
    d, e = ref("Region", "丁县"), ref("Person", "戊\t某")  # e: named by a relationship only
    rels = (
        RelRecord(subject=b, predicate="PART_OF", object=a, confidence=0.9,
                  evidence=(ev("n1", "乙市总工会是甲省总工会的下级。"), ev("n2", "又见乙市\n总工会。", 5)),
                  first_date="2024-01-02", last_date="2024-03"),
        RelRecord(subject=a, predicate="RUNS", object=c, confidence=0.7, attrs={"status": "进行中", "amount": "5万元"},
                  evidence=(ev("n1", "甲省总工会开展丙行动。"),)),
        RelRecord(subject=b, predicate="IN_REGION", object=d, confidence=0.5, evidence=(ev("n3", "在丁县。"),)),
        RelRecord(subject=a, predicate="SUPPORTS", object=b, confidence=0.6, evidence=()),  # reverse of the first
        RelRecord(subject=b, predicate="PARTNERS_WITH", object=a, confidence=0.4, evidence=(ev("n2", "合作。"),),
                  provenance="curated"),  # a second predicate between the same ends
        RelRecord(subject=e, predicate="HOLDS_POSITION", object=b, confidence=1.0, evidence=(ev("n3", "戊某任职。"),)),
        RelRecord(subject=d, predicate="PART_OF", object=d, confidence=0.3, evidence=(ev("n3", "丁县。"),)),  # loop
        RelRecord(subject=b, predicate="IN_REGION", object=d, confidence=0.55,  # the same fact again: it wins
                  evidence=(ev("n3", "在丁县。"), ev("n4", "仍在丁县。")), first_date="2023", last_date="2024"),
    )
    nodes = (
        NodeRecord(type="Union", name="甲省总工会", aliases=("甲总",), doc_ids=("n1", "n2")),
        NodeRecord(type="Region", name="丁县", province="某省", city="某市", district="丁县", doc_ids=("n3",)),
        NodeRecord(type="Union", name="乙市总工会 & <分会>", doc_ids=("n1",), unresolved=True, scope="n1"),
        NodeRecord(type="Award", name="己奖", doc_ids=("n4",)),  # in no relationship
        NodeRecord(type="Union", name="甲省总工会", aliases=("甲总", "省总"), doc_ids=("n1", "n2", "n4"),
                   provenance="curated"),  # the same node again: its last record counts
    )
    documents = (
        Document(doc_id="n1", text="", title="一", date="2024-01-02", source="某报", path="/x/n1.txt"),
        Document(doc_id="n2", text="", title='二 "引号"'),
        Document(doc_id="n1", text="", title="一（更正）", date="2024-01-02", path="/x/n1.txt"),
    )
    return GraphData(documents=documents, nodes=nodes, rels=rels)


def networkx_reference(graph: GraphData) -> nx.MultiDiGraph:
    """``to_networkx`` with networkx's own betweenness: what the files were written from before they were streamed."""
    G = to_networkx(graph, centrality=False)
    simple = nx.Graph(G)
    if simple.number_of_nodes() > BETWEENNESS_EXACT_LIMIT:
        bc = nx.betweenness_centrality(simple, k=BETWEENNESS_SAMPLE, seed=0)
    else:
        bc = nx.betweenness_centrality(simple)
    for v in G.nodes:
        G.nodes[v]["betweenness"] = round(bc.get(v, 0.0), 6)
    return G


GRAPHS = {"tricky": tricky_graph, "empty": GraphData, "fixture": fixture_graph}


def _both(graph: GraphData, ours: Callable[..., Path], theirs: Callable[..., Path], tmp_path: Path,
          suffix: str) -> tuple[Path, Path]:
    """The file streamed from *graph* and networkx's file of it, checked byte for byte."""
    mine, reference = ours(graph, tmp_path / f"ours{suffix}"), theirs(networkx_reference(graph), tmp_path / f"nx{suffix}")
    assert mine.read_bytes() == reference.read_bytes()
    return mine, reference


@pytest.mark.parametrize("name", GRAPHS)
def test_graph_files_graphml_is_networkx_file_byte_for_byte(name: str, tmp_path: Path) -> None:
    ours, theirs = _both(GRAPHS[name](), stream_graphml, write_graphml, tmp_path, ".graphml")
    back, expected = nx.read_graphml(ours), nx.read_graphml(theirs)
    assert list(back.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(back.edges(data=True)) == list(expected.edges(data=True))


@pytest.mark.parametrize("name", GRAPHS)
def test_graph_files_node_link_is_networkx_file_byte_for_byte(name: str, tmp_path: Path) -> None:
    ours, _theirs = _both(GRAPHS[name](), stream_node_link, write_node_link, tmp_path, ".json")
    back = nx.node_link_graph(json.loads(ours.read_text("utf-8")), edges="links")
    G = networkx_reference(GRAPHS[name]())
    assert back.graph == G.graph and dict(back.nodes(data=True)) == dict(G.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))


def test_graph_files_tricky_graph_keeps_every_case(tmp_path: Path) -> None:
    back = nx.read_graphml(stream_graphml(tricky_graph(), tmp_path / "g.graphml"))
    union, branch = "Union:甲省总工会", "Union:乙市总工会 & <分会>"
    assert back.nodes[union]["aliases"] == "甲总 | 省总" and back.nodes[union]["provenance"] == "curated"
    assert "Person:戊\t某" in back and "Award:己奖" in back and back.has_edge("Region:丁县", "Region:丁县")
    fact = next(d for _u, _v, d in back.edges(branch, data=True) if d["predicate"] == "IN_REGION")
    assert fact["evidence_count"] == 2 and fact["confidence"] == 0.55 and fact["first_date"] == "2023"
    assert back.number_of_edges() == 7  # the repeated fact is one edge
    data = json.loads(stream_node_link(tricky_graph(), tmp_path / "g.json").read_text("utf-8"))
    assert list(data["graph"]["documents"]) == ["n1", "n2"] and data["graph"]["documents"]["n1"]["title"] == "一（更正）"


def random_graph(nodes: int, rels: int, seed: int) -> GraphData:
    rng = random.Random(seed)
    names = [ref(rng.choice(("Union", "Enterprise", "Person")), f"实体{i}") for i in range(nodes)]
    facts = tuple(RelRecord(subject=rng.choice(names), predicate=rng.choice(("PART_OF", "SUPPORTS", "RUNS")),
                            object=rng.choice(names), confidence=0.5) for _ in range(rels))
    known = tuple(NodeRecord(type=n.type, name=n.name) for n in names[: nodes // 2])  # the rest: named by rels only
    return GraphData(nodes=known, rels=facts)


def _networkx_betweenness(graph: GraphData, **options: object) -> list[float]:
    simple = nx.Graph(to_networkx(graph, centrality=False))
    bc = nx.betweenness_centrality(simple, **options)  # type: ignore[arg-type]
    return [round(bc[v], 6) for v in simple]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_centrality_betweenness_is_networkx_exact_and_sampled(seed: int) -> None:
    graph = random_graph(300, 420, seed)
    shape = graph_shape(graph)
    assert shape.ids == list(to_networkx(graph, centrality=False))
    assert betweenness(shape) == _networkx_betweenness(graph)
    # above the limit: a fixed sample of sources, as networkx's k-sample estimate with seed 0
    sampled = betweenness(shape, exact_limit=100, sample=25)
    assert sampled == _networkx_betweenness(graph, k=25, seed=0)
    assert sampled != betweenness(shape)  # really an estimate
    assert betweenness(graph_shape(random_graph(300, 420, seed)), exact_limit=100, sample=25) == sampled  # repeatable


def test_centrality_big_graph_path_matches_networkx_on_the_dev_corpus(dev_dir: Path, tmp_path: Path) -> None:
    graph = dev_graph(dev_dir)
    facts = graph_facts(graph)
    G = networkx_reference(graph)
    assert len(facts.shape.ids) > kg.export.centrality.BETWEENNESS_EXACT_LIMIT  # the sampled path
    assert facts.centrality() == dict(G.nodes(data="betweenness"))
    assert stream_node_link(graph, tmp_path / "a.json", facts=facts).read_bytes() == \
        write_node_link(G, tmp_path / "b.json").read_bytes()


def test_centrality_to_networkx_degree_and_betweenness_are_networkx(tmp_path: Path) -> None:
    graph = random_graph(120, 200, 7)
    ours, theirs = to_networkx(graph), networkx_reference(graph)
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))


@pytest.mark.parametrize("module", [kg.export.centrality, kg.export.graph_files])
def test_graph_files_doctests_pass(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0
