"""The assembled graph as networkx: conversion, centrality, GraphML / node-link writers, subgraphs.

Pure functions over :class:`~kg.models.GraphData`. Node ids are ``"Type:name"``
(names are unique per type, not across types); edges of the
``MultiDiGraph`` are keyed by predicate, one per (subject, predicate, object).
"""

from __future__ import annotations

import difflib
import io
import json
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import networkx as nx

from kg.dates import in_period as fact_in_period
from kg.errors import InputError
from kg.export.centrality import BETWEENNESS_EXACT_LIMIT, BETWEENNESS_SAMPLE, betweenness, graph_shape, node_id
from kg.models import GraphData, NodeRecord
from kg.publish import atomic_write

__all__ = [
    "BETWEENNESS_EXACT_LIMIT",
    "BETWEENNESS_SAMPLE",
    "close_names",
    "connected_part",
    "find_nodes",
    "in_period",
    "node_id",
    "region_anchors",
    "subgraph",
    "to_networkx",
    "top_nodes",
    "write_graphml",
    "write_node_link",
]

def to_networkx(graph: GraphData, *, centrality: bool = True, evidence_limit: int | None = None) -> nx.MultiDiGraph:
    """Build a ``MultiDiGraph`` with entity attributes, evidence on edges and centrality.

    Node attributes: ``type, name, aliases, doc_count, doc_ids, province, city,
    district, scope, unresolved, degree`` (relationships in and out) and, with *centrality*,
    ``betweenness`` (normalised, on the undirected simple graph: who bridges whom
    matters more here than the direction of a verb; estimated from a seeded
    sample of sources above :data:`BETWEENNESS_EXACT_LIMIT` nodes, see
    :func:`kg.export.centrality.betweenness`). Edge attributes:
    ``predicate, confidence, evidence_count, attrs, evidence`` (a list of
    ``{doc_id, sentence, start, end, extractor, confidence}``), ``first_date``,
    ``last_date`` (of the evidence articles) and ``provenance`` (``curated`` for
    facts curation added; nodes carry it too). ``G.graph["documents"]``
    maps doc ids to ``{title, date, source, path}``. With *evidence_limit*, an
    edge's ``evidence`` holds its first that many entries only (``evidence_count``
    still counts them all).

    >>> from kg.models import EntityRef, RelRecord, EvidenceRecord
    >>> a, b = EntityRef(type="Union", name="甲工会"), EntityRef(type="Program", name="乙行动")
    >>> ev = EvidenceRecord(doc_id="d", sentence="甲工会开展乙行动", start=0, end=8, extractor="x", confidence=0.9)
    >>> g = GraphData(nodes=(NodeRecord(type="Union", name="甲工会"), NodeRecord(type="Program", name="乙行动")),
    ...               rels=(RelRecord(subject=a, predicate="RUNS", object=b, confidence=0.9, evidence=(ev,)),))
    >>> G = to_networkx(g)
    >>> G.edges["Union:甲工会", "Program:乙行动", "RUNS"]["evidence_count"], G.nodes["Union:甲工会"]["degree"]
    (1, 1)
    """
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        d.doc_id: {"title": d.title, "date": d.date, "source": d.source, "path": d.path} for d in graph.documents
    }
    for n in graph.nodes:
        G.add_node(node_id(n), **_node_attrs(n))
    for r in graph.rels:
        for ref in (r.subject, r.object):
            if node_id(ref) not in G:  # a rel whose entity line is missing still gets its node
                G.add_node(node_id(ref), **_node_attrs(NodeRecord(type=ref.type, name=ref.name)))
        G.add_edge(
            node_id(r.subject),
            node_id(r.object),
            key=r.predicate,
            predicate=r.predicate,
            confidence=r.confidence,
            evidence_count=len(r.evidence),
            attrs=dict(r.attrs),
            evidence=[e.model_dump() for e in r.evidence[:evidence_limit]],
            first_date=r.first_date,
            last_date=r.last_date,
            provenance=r.provenance,
        )
    for v in G.nodes:
        G.nodes[v]["degree"] = G.degree(v)
    if centrality:  # networkx's betweenness values, from the records (a fraction of its time)
        shape = graph_shape(graph)
        for v, value in zip(shape.ids, betweenness(shape)):
            G.nodes[v]["betweenness"] = value
    return G


def _node_attrs(n: NodeRecord) -> dict[str, Any]:
    return {
        "type": n.type,
        "name": n.name,
        "aliases": list(n.aliases),
        "doc_count": len(n.doc_ids),
        "doc_ids": list(n.doc_ids),
        "province": n.province,
        "city": n.city,
        "district": n.district,
        "scope": n.scope,
        "unresolved": n.unresolved,
        "provenance": n.provenance,
    }


# --------------------------------------------------------------------------- writers


def _scalar(value: Any) -> Any:
    """GraphML holds scalars only: lists are joined, None is dropped by the caller."""
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def graphml_ready(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of *G* with scalar attributes only, as GraphML (and Gephi) require.

    Lists become ``" | "``-joined strings; relation attrs become ``attr_<name>``;
    evidence becomes ``ev_sentences`` / ``ev_doc_ids`` (joined) next to ``evidence_count``.
    """
    H = nx.MultiDiGraph()
    for v, data in G.nodes(data=True):
        H.add_node(v, label=data.get("name", v), **{k: _scalar(x) for k, x in data.items() if x is not None})
    for i, (u, v, k, data) in enumerate(G.edges(keys=True, data=True)):
        flat: dict[str, Any] = {"label": data.get("predicate", k)}
        for name, x in data.items():
            if name == "attrs":
                flat.update({f"attr_{a}": str(b) for a, b in x.items()})
            elif name == "evidence":
                flat["ev_sentences"] = " | ".join(e["sentence"] for e in x)
                flat["ev_doc_ids"] = " | ".join(dict.fromkeys(e["doc_id"] for e in x))
            elif x is not None:
                flat[name] = _scalar(x)
        # GraphML edge ids must be unique in the file; the predicate stays in `predicate`/`label`
        # (numbered here: H.number_of_edges() walks every edge, which made the file quadratic in the edges)
        H.add_edge(u, v, key=f"e{i}", **flat)
    return H


def write_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write *G* as GraphML (opens in Gephi with types, names, evidence counts, centrality)."""
    H = graphml_ready(G)
    return atomic_write(Path(path), lambda fh: nx.write_graphml(H, fh, encoding="utf-8"))


def write_node_link(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write *G* as networkx node-link JSON (UTF-8, Chinese kept readable)."""
    data = nx.node_link_data(G, edges="links")

    def write(fh: BinaryIO) -> None:  # encoded piece by piece: a big graph's text is never in memory whole
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        json.dump(data, text, ensure_ascii=False, indent=1)
        text.flush()
        text.detach()  # the caller closes fh

    return atomic_write(Path(path), write)


# --------------------------------------------------------------------------- subgraphs


def _nodes_by_id(graph: GraphData) -> dict[str, NodeRecord]:
    nodes = {node_id(n): n for n in graph.nodes}
    for r in graph.rels:
        for ref in (r.subject, r.object):
            nodes.setdefault(node_id(ref), NodeRecord(type=ref.type, name=ref.name))
    return nodes


def find_nodes(graph: GraphData, name: str) -> list[str]:
    """Ids of the nodes called *name*: ``Type:name``, a canonical name or an alias.

    >>> g = GraphData(nodes=(NodeRecord(type="Union", name="甲市总工会", aliases=("甲总",)),))
    >>> find_nodes(g, "甲总"), find_nodes(g, "Union:甲市总工会"), find_nodes(g, "乙")
    (['Union:甲市总工会'], ['Union:甲市总工会'], [])
    """
    name = name.strip()
    nodes = _nodes_by_id(graph)
    if name in nodes:
        return [name]
    exact = [i for i, n in nodes.items() if n.name == name]
    return exact or [i for i, n in nodes.items() if name in n.aliases]


def close_names(candidates: Iterable[str], name: str, *, limit: int = 5) -> list[str]:
    """Names that look like *name*: containing it or contained in it first, then by similarity.

    >>> close_names(["岳阳市云溪区总工会", "安远县总工会", "困难职工"], "云溪区总工会")
    ['岳阳市云溪区总工会', '安远县总工会']
    """
    pool = list(dict.fromkeys(candidates))
    within = [c for c in pool if name and (name in c or c in name)]
    similar = difflib.get_close_matches(name, pool, n=limit, cutoff=0.4)
    return list(dict.fromkeys(within + similar))[:limit]


def _all_names(graph: GraphData) -> list[str]:
    names = [n.name for n in graph.nodes]
    for n in graph.nodes:
        names.extend(n.aliases)
    return names


def _matches_region(n: NodeRecord, region: str) -> bool:
    values = [v for v in (n.province, n.city, n.district) if v]
    return region == n.name or region in values or region in n.name or any(v.startswith(region) for v in values)


def region_anchors(graph: GraphData, region: str) -> set[str]:
    """Region nodes matching *region*, with the bodies IN_REGION and facilities LOCATED_AT them.

    A region matches when *region* is its name, part of its name, or its
    province / city / district (``岳阳`` matches ``岳阳市云溪区``).
    """
    region = region.strip()
    regions = {node_id(n) for n in graph.nodes if n.type == "Region" and _matches_region(n, region)}
    anchors = set(regions)
    for r in graph.rels:
        if r.predicate in ("IN_REGION", "LOCATED_AT") and node_id(r.object) in regions:
            anchors.add(node_id(r.subject))
    return anchors


def in_period(graph: GraphData, *, since: str = "", until: str = "") -> GraphData:
    """The facts of *graph* reported in [since, until] (full-day ISO bounds, :func:`kg.dates.period_bound`).

    A fact is kept when its evidence articles, from the first to the last,
    reach into the period (:func:`kg.dates.in_period`); every node is kept
    (drawings drop those left without a relationship).
    """
    if not since and not until:
        return graph
    return graph.model_copy(update={"rels": tuple(
        r for r in graph.rels if fact_in_period(r.first_date, r.last_date, since, until))})


def subgraph(
    graph: GraphData,
    *,
    focus: str | None = None,
    depth: int = 1,
    region: str | None = None,
) -> GraphData:
    """The part of *graph* around *focus* (up to *depth* hops) and/or inside *region*.

    With *focus*: the entity (canonical name, alias or ``Type:name``) and
    everything within *depth* relationships, in either direction. With *region*:
    the bodies IN_REGION and facilities LOCATED_AT a matching region, and what
    lies within *depth* of them. With both: the focus neighbourhood, kept to the
    region's part. Relationships are kept when both ends are kept.

    Raises :class:`InputError` naming close names when *focus* or *region* is
    not in the graph.
    """
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    if focus is None and region is None:
        return graph
    adjacency: dict[str, set[str]] = {}
    for r in graph.rels:
        s, o = node_id(r.subject), node_id(r.object)
        adjacency.setdefault(s, set()).add(o)
        adjacency.setdefault(o, set()).add(s)

    keep_region: set[str] | None = None
    if region is not None:
        anchors = region_anchors(graph, region)
        if not anchors:
            regions = [n.name for n in graph.nodes if n.type == "Region"]
            hint = ", ".join(close_names(regions, region) or regions[:5]) or "none in this graph"
            raise InputError(f"region {region!r} is not in the graph; regions like it: {hint}")
        keep_region = _within(anchors, adjacency, depth if focus is None else max(depth, 1))
    if focus is not None:
        seeds = find_nodes(graph, focus)
        if not seeds:
            hint = ", ".join(close_names(_all_names(graph), focus)) or "no similar name"
            raise InputError(f"entity {focus!r} is not in the graph; close names: {hint}")
        keep = _within(set(seeds), adjacency, depth)
        if keep_region is not None:
            keep = {v for v in keep if v in keep_region or v in seeds}
    else:
        assert keep_region is not None
        keep = keep_region
    return _restrict(graph, keep)


def _within(seeds: set[str], adjacency: dict[str, set[str]], depth: int) -> set[str]:
    seen = set(seeds)
    queue = deque((s, 0) for s in seeds)
    while queue:
        v, d = queue.popleft()
        if d == depth:
            continue
        for w in adjacency.get(v, ()):
            if w not in seen:
                seen.add(w)
                queue.append((w, d + 1))
    return seen


def _restrict(graph: GraphData, keep: set[str]) -> GraphData:
    rels = tuple(r for r in graph.rels if node_id(r.subject) in keep and node_id(r.object) in keep)
    nodes = tuple(n for n in graph.nodes if node_id(n) in keep)
    doc_ids = {e.doc_id for r in rels for e in r.evidence} | {d for n in nodes for d in n.doc_ids}
    # GraphData(...) with these records, without validating each again: pydantic would copy every
    # mention (a million at 100k articles) for a part of the graph that lives as long as the build
    return graph.model_copy(update={
        "documents": tuple(d for d in graph.documents if d.doc_id in doc_ids),
        "nodes": nodes,
        "mentions": tuple(m for m in graph.mentions if f"{m.type}:{m.name}" in keep),
        "rels": rels,
        "problems": graph.problems,
        **{k: f.get_default(call_default_factory=True) for k, f in GraphData.model_fields.items()
           if k not in ("documents", "nodes", "mentions", "rels", "problems")},
    })


def top_nodes(graph: GraphData, limit: int) -> GraphData:
    """The *limit* best-connected entities and the relationships among them (for overviews).

    Ties are broken by name so the drawing is the same on every run.
    """
    nodes = _nodes_by_id(graph)
    if len(nodes) <= limit:
        return graph
    degree = dict.fromkeys(nodes, 0)
    for r in graph.rels:
        degree[node_id(r.subject)] += 1
        degree[node_id(r.object)] += 1
    keep = set(sorted(nodes, key=lambda v: (-degree[v], v))[:limit])
    return _restrict(graph, keep)


def connected_part(graph: GraphData) -> GraphData:
    """The entities that take part in at least one relationship (all of them when there is none).

    Entities found in the text but in no triple only clutter a relationship diagram.
    """
    if not graph.rels:
        return graph
    keep = {node_id(r.subject) for r in graph.rels} | {node_id(r.object) for r in graph.rels}
    return _restrict(graph, keep)
