"""The shape of the assembled graph without its evidence: node order, edge order, degree, betweenness.

What the graph files and the overview need besides the records themselves,
computed from :class:`~kg.models.GraphData` in the order a networkx
``MultiDiGraph`` built from it (:func:`kg.export.graph.to_networkx`) would
have, so the streamed files are those networkx would write. Nodes are
numbered; no evidence, attribute or networkx object is held.

Betweenness is Brandes' algorithm over plain lists, the same arithmetic in
the same order as ``networkx.betweenness_centrality`` (so the very same
values) at a fraction of its time; above :data:`BETWEENNESS_EXACT_LIMIT` nodes
it is estimated from :data:`BETWEENNESS_SAMPLE` seeded sources, as
``networkx.betweenness_centrality(G, k=..., seed=0)`` does.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence

from kg.models import EntityRef, GraphData, NodeRecord

__all__ = ["BETWEENNESS_EXACT_LIMIT", "BETWEENNESS_SAMPLE", "GraphShape", "betweenness", "graph_shape", "node_id"]

#: Above this many nodes betweenness is estimated from a fixed sample of
#: sources (exact betweenness is O(V·E): minutes on a corpus-sized graph).
BETWEENNESS_EXACT_LIMIT = 2000
BETWEENNESS_SAMPLE = 100


def node_id(ref: EntityRef | NodeRecord) -> str:
    """The networkx node id of an entity.

    >>> node_id(EntityRef(type="Person", name="张三"))
    'Person:张三'
    """
    return f"{ref.type}:{ref.name}"


class GraphShape:
    """Nodes and relationships of a :class:`GraphData` by number, in networkx's order.

    ``ids[i]`` / ``nodes[i]``: node *i*'s id and record (the last record of a
    repeated id; a bare ``NodeRecord(type, name)`` for an entity only a
    relationship names), in the order ``MultiDiGraph.nodes`` has.
    ``edges``: indices into ``graph.rels`` in the order of
    ``MultiDiGraph.edges(keys=True)`` (by subject, then object, then
    predicate, each in order of first appearance; of a repeated
    (subject, predicate, object) the last record). ``ends[j]``: the node
    numbers of ``graph.rels[edges[j]]``. ``degree[i]``: relationships in and out.
    """

    __slots__ = ("degree", "edges", "ends", "ids", "index", "nodes")

    def __init__(self, ids: list[str], nodes: list[NodeRecord], edges: list[int], ends: list[tuple[int, int]]):
        self.ids, self.nodes, self.edges, self.ends = ids, nodes, edges, ends
        self.index = {v: i for i, v in enumerate(ids)}
        self.degree = [0] * len(ids)
        for u, v in ends:
            self.degree[u] += 1
            self.degree[v] += 1

    def adjacency(self) -> list[list[int]]:
        """Neighbours of each node, in the order of ``networkx.Graph(MultiDiGraph)``'s adjacency."""
        adj: list[list[int]] = [[] for _ in self.ids]
        seen: set[tuple[int, int]] = set()
        for u, v in self.ends:
            pair = (u, v) if u <= v else (v, u)
            if pair not in seen:
                seen.add(pair)
                adj[u].append(v)
                if u != v:
                    adj[v].append(u)
        return adj


def graph_shape(graph: GraphData) -> GraphShape:
    """The :class:`GraphShape` of *graph*.

    >>> from kg.models import RelRecord
    >>> a, b = EntityRef(type="Union", name="甲工会"), EntityRef(type="Program", name="乙行动")
    >>> g = GraphData(nodes=(NodeRecord(type="Program", name="乙行动"),),
    ...               rels=(RelRecord(subject=a, predicate="RUNS", object=b, confidence=0.9),))
    >>> s = graph_shape(g)
    >>> s.ids, s.edges, s.ends, s.degree
    (['Program:乙行动', 'Union:甲工会'], [0], [(1, 0)], [1, 1])
    """
    index: dict[str, int] = {}
    ids: list[str] = []
    nodes: list[NodeRecord] = []

    def number(ref: EntityRef | NodeRecord, record: NodeRecord | None) -> int:
        v = node_id(ref)
        i = index.get(v)
        if i is None:
            i = index[v] = len(ids)
            ids.append(v)
            nodes.append(record or NodeRecord(type=ref.type, name=ref.name))
        elif record is not None:
            nodes[i] = record  # networkx's add_node updates: the last record's attributes
        return i

    for n in graph.nodes:
        number(n, n)
    first_pair: dict[tuple[int, int], int] = {}
    slot: dict[tuple[int, int, str], int] = {}  # (subject, object, predicate) → its entry
    rels: list[int] = []
    order: list[tuple[int, int, int, int]] = []  # (subject, its first edge to object, first record, object)
    for i, r in enumerate(graph.rels):
        u, v = number(r.subject, None), number(r.object, None)
        key = (u, v, r.predicate)
        j = slot.get(key)
        if j is None:
            slot[key] = len(rels)
            rels.append(i)
            order.append((u, first_pair.setdefault((u, v), i), i, v))
        else:
            rels[j] = i  # networkx's add_edge with a known key keeps its place, takes the new data
    del slot, first_pair
    ranked = sorted(range(len(rels)), key=order.__getitem__)
    return GraphShape(ids, nodes, [rels[j] for j in ranked], [(order[j][0], order[j][3]) for j in ranked])


def betweenness(shape: GraphShape, *, exact_limit: int = BETWEENNESS_EXACT_LIMIT,
                sample: int = BETWEENNESS_SAMPLE) -> list[float]:
    """Normalised betweenness of each node on the undirected simple graph, rounded to 6 places.

    Who bridges whom matters more here than the direction of a verb. Above
    *exact_limit* nodes it is estimated from *sample* source nodes drawn with
    a fixed seed, so a build is repeatable. Equal to
    ``networkx.betweenness_centrality(networkx.Graph(G))`` (with ``k=sample,
    seed=0`` above the limit) for the ``MultiDiGraph`` G of the same graph.

    >>> from kg.models import RelRecord
    >>> r = lambda s, o: RelRecord(subject=EntityRef(type="Union", name=s), predicate="PART_OF",
    ...                            object=EntityRef(type="Union", name=o), confidence=1.0)
    >>> betweenness(graph_shape(GraphData(rels=(r("甲", "乙"), r("乙", "丙")))))
    [0.0, 1.0, 0.0]
    """
    adj = shape.adjacency()
    n = len(adj)
    sources: Sequence[int] = range(n)
    sampled = n > exact_limit and sample < n
    if sampled:
        sources = random.Random(0).sample(range(n), sample)
    bc = _brandes(adj, sources)
    # networkx's rescaling (normalized, endpoints excluded), multiplied the same way
    N = n - 1
    if N >= 2:
        if sampled:
            k = len(sources)
            scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else float("nan")
            scale_other = 1 / (k * (N - 1))
            chosen = set(sources)
            bc = [b * (scale_source if v in chosen else scale_other) for v, b in enumerate(bc)]
        else:
            scale = 1 / (N * (N - 1))
            if scale != 1:
                bc = [b * scale for b in bc]
    return [round(b, 6) for b in bc]


def _brandes(adj: list[list[int]], sources: Sequence[int]) -> list[float]:
    """Unnormalised betweenness from *sources*: networkx's BFS and accumulation, over lists."""
    n = len(adj)
    bc = [0.0] * n
    for s in sources:
        order: list[int] = []
        preds: list[list[int] | None] = [None] * n
        sigma = [0.0] * n
        dist = [-1] * n
        sigma[s] = 1.0
        dist[s] = 0
        preds[s] = []
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            dv = dist[v] + 1
            sv = sigma[v]
            for w in adj[v]:
                dw = dist[w]
                if dw < 0:
                    queue.append(w)
                    dist[w] = dw = dv
                    preds[w] = [v]
                    sigma[w] += sv
                elif dw == dv:
                    sigma[w] += sv
                    preds[w].append(v)  # type: ignore[union-attr]
        delta = dict.fromkeys(order, 0.0)
        while order:
            w = order.pop()
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds[w]:  # type: ignore[union-attr]
                delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += delta[w]
    return bc
