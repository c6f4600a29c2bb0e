"""kg.export.graph: networkx conversion, centrality, GraphML / node-link writers, subgraphs."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import networkx as nx
import pytest

import kg.export.diagram
import kg.export.graph
import kg.export.inventory
import kg.export.vis_bundle
from kg.errors import InputError, OutputError
from kg.export.graph import (
    connected_part,
    find_nodes,
    subgraph,
    to_networkx,
    top_nodes,
    write_graphml,
    write_node_link,
)
from kg.extract.assemble import assemble_dirs
from kg.models import GraphData, NodeRecord

YUNXI = "Union:岳阳市云溪区总工会"
ANYUAN = "Union:安远县总工会"
PROGRAM = "Program:匠心助企行"


@pytest.fixture(scope="module")
def graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


@pytest.fixture(scope="module")
def G(graph: GraphData) -> nx.MultiDiGraph:
    return to_networkx(graph)


@pytest.mark.parametrize("module", [kg.export.graph, kg.export.diagram, kg.export.vis_bundle, kg.export.inventory])
def test_graph_doctests_pass(module) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_graph_to_networkx_nodes_carry_entity_attributes(graph: GraphData, G: nx.MultiDiGraph) -> None:
    assert G.number_of_nodes() == len(graph.nodes)
    yunxi = G.nodes[YUNXI]
    assert yunxi["type"] == "Union" and yunxi["name"] == "岳阳市云溪区总工会"
    assert yunxi["aliases"] == ["云溪区总工会"]
    assert yunxi["doc_count"] == 2
    region = G.nodes["Region:岳阳市云溪区"]
    assert (region["province"], region["city"], region["district"]) == ("湖南省", "岳阳市", "云溪区")
    assert G.graph["documents"]["fx002"]["title"] == "安远县总工会启动“匠心助企行”"


def test_graph_to_networkx_edges_keyed_by_predicate_with_all_evidence(G: nx.MultiDiGraph) -> None:
    edge = G.edges[YUNXI, PROGRAM, "RUNS"]
    assert edge["predicate"] == "RUNS"
    assert edge["evidence_count"] == 2
    assert {e["doc_id"] for e in edge["evidence"]} == {"fx001", "fx002"}
    assert all("匠心助企行" in e["sentence"] for e in edge["evidence"])
    supports = G.edges[ANYUAN, "Group:困难职工", "SUPPORTS"]
    assert supports["attrs"] == {"program": "匠心助企行", "amount": "30万元", "count": "1600余人"}
    # two relationships between the same pair stay two edges
    assert set(G["Union:岳阳市云溪区总工会"]["Enterprise:明远机械有限公司"]) == {"SUPPORTS", "VISITS"}


def test_graph_centrality_marks_the_bridging_union(G: nx.MultiDiGraph) -> None:
    degree = dict(G.nodes(data="degree"))
    betweenness = dict(G.nodes(data="betweenness"))
    assert degree[YUNXI] == G.degree(YUNXI) == 9
    assert max(betweenness, key=betweenness.get) == YUNXI
    assert betweenness["Person:李春华"] == 0.0


def test_graph_graphml_opens_with_scalar_attributes(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_graphml(G, tmp_path / "graph.graphml")
    back = nx.read_graphml(path)
    node = back.nodes[YUNXI]
    assert node["type"] == "Union" and node["name"] == node["label"] == "岳阳市云溪区总工会"
    assert node["aliases"] == "云溪区总工会"
    assert node["degree"] == 9 and node["betweenness"] > 0
    (edge,) = back[YUNXI][PROGRAM].values()
    assert edge["evidence_count"] == 2 and edge["predicate"] == edge["label"] == "RUNS"
    assert edge["ev_doc_ids"] == "fx001 | fx002"
    (supports,) = back[ANYUAN]["Group:困难职工"].values()
    assert supports["attr_amount"] == "30万元"
    assert {p for *_e, p in back.edges(data="predicate")} == {p for *_e, p in G.edges(data="predicate")}
    ids = re.findall(r'<edge [^>]*id="([^"]+)"', path.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)) == G.number_of_edges()  # unique edge ids, as Gephi expects
    assert not list(tmp_path.glob(".*tmp"))


def test_graph_node_link_json_keeps_chinese_readable(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_node_link(G, tmp_path / "graph.json")
    text = path.read_text(encoding="utf-8")
    assert "匠心助企行" in text and "\\u" not in text
    back = nx.node_link_graph(json.loads(text), edges="links")
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize("name", ["岳阳市云溪区总工会", "云溪区总工会", YUNXI])
def test_graph_find_nodes_by_name_alias_or_id(graph: GraphData, name: str) -> None:
    assert find_nodes(graph, name) == [YUNXI]


@pytest.mark.parametrize(
    ("depth", "inside", "outside"),
    [
        (0, {"岳阳市云溪区总工会"}, {"匠心助企行"}),
        (1, {"匠心助企行", "明远机械有限公司", "王志远"}, {"安远县总工会", "李春华"}),
        (2, {"安远县总工会", "李春华"}, set()),
    ],
)
def test_graph_subgraph_focus_follows_depth(graph: GraphData, depth: int, inside: set[str], outside: set[str]) -> None:
    part = subgraph(graph, focus="云溪区总工会", depth=depth)
    names = {n.name for n in part.nodes}
    assert inside <= names and not (outside & names)
    kept = {(n.type, n.name) for n in part.nodes}
    assert all((r.subject.type, r.subject.name) in kept and (r.object.type, r.object.name) in kept for r in part.rels)


def test_graph_subgraph_region_keeps_bodies_in_region(graph: GraphData) -> None:
    anyuan = {n.name for n in subgraph(graph, region="安远县").nodes}
    assert {"安远县总工会", "江西省安远县", "匠心助企行", "困难职工"} <= anyuan
    assert "岳阳市云溪区总工会" not in anyuan
    yueyang = {n.name for n in subgraph(graph, region="岳阳市").nodes}
    assert {"岳阳市云溪区总工会", "岳阳县总工会", "岳阳市人社局"} <= yueyang
    assert "安远县总工会" not in yueyang
    # by province, from the admin-division data of the region node
    assert "安远县总工会" in {n.name for n in subgraph(graph, region="江西省").nodes}


def test_graph_subgraph_focus_and_region_together(graph: GraphData) -> None:
    part = subgraph(graph, focus="匠心助企行", depth=1, region="安远县")
    assert {n.name for n in part.nodes} == {"匠心助企行", "安远县总工会"}


def test_graph_subgraph_unknown_focus_names_close_matches(graph: GraphData) -> None:
    with pytest.raises(InputError) as exc:
        subgraph(graph, focus="云溪总工会")
    message = str(exc.value)
    assert "not in the graph" in message and "岳阳市云溪区总工会" in message
    assert "\n" not in message


def test_graph_subgraph_unknown_region_is_an_error(graph: GraphData) -> None:
    with pytest.raises(InputError, match="region '南京市' is not in the graph"):
        subgraph(graph, region="南京市")


def test_graph_connected_part_drops_entities_without_relationships(graph: GraphData) -> None:
    lonely = NodeRecord(type="Person", name="孤立者")
    with_lonely = graph.model_copy(update={"nodes": (*graph.nodes, lonely)})
    assert {n.name for n in connected_part(with_lonely).nodes} == {n.name for n in graph.nodes}
    only_nodes = GraphData(nodes=(lonely,))
    assert connected_part(only_nodes) == only_nodes


def test_graph_top_nodes_keeps_the_best_connected(graph: GraphData) -> None:
    top = top_nodes(graph, 3)
    assert len(top.nodes) == 3
    assert "岳阳市云溪区总工会" in {n.name for n in top.nodes}
    assert top_nodes(graph, 1000) is graph
