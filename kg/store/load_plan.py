"""What one Neo4j load writes, validated and grouped before anything is written.

:class:`LoadPlan` checks every label and relationship type against the
ontology and groups documents, nodes (per label), ``MENTIONED_IN`` links and
relationships (per predicate); the ``*_row`` functions turn records into the
rows of ``loaders/*.cypher`` (maps for the statements that merge, lists for the
``*_new`` statements that create). Pure Python: no driver, no server.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kg.models import GraphData, NodeRecord, RelRecord
from kg.ontology import load_ontology
from kg.resources import data_dir

#: the provenance that sticks once written (kg.extract.curation.CURATED; the store does not import extract)
CURATED = "curated"

__all__ = ["NEW_REL_ATTRS", "LoadPlan", "chunks", "derive_statements", "new_node_row", "new_rel_row", "node_row",
           "rel_row"]


class _Rows(list):  # type: ignore[type-arg]
    """A batch of rows whose repr is short.

    The driver logs every RUN at debug level and builds that message, the repr
    of all the parameters, even when debug logging is off: for a 5000-row batch
    of evidence that took as long as packing it for the wire.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def chunks(rows: Sequence[Any], size: int) -> Iterator[list[Any]]:
    """*rows* in batches of at most *size* (lists with a short repr, see :class:`_Rows`)."""
    for i in range(0, len(rows), size):
        yield _Rows(rows[i : i + size])


def rel_row(r: RelRecord, sid: str, oid: str) -> dict[str, Any]:
    """A row of relationships.cypher (merged with what the database holds)."""
    return {
        "sid": sid,
        "s": r.subject.name,
        "oid": oid,
        "o": r.object.name,
        "predicate": r.predicate,
        "attrs": dict(r.attrs),
        "evidence": [
            {"key": e.key, "doc_id": e.doc_id, "sentence": e.sentence, "start": e.start, "end": e.end,
             "extractor": e.extractor, "confidence": e.confidence}
            for e in r.evidence
        ],
        "first_date": r.first_date,
        "last_date": r.last_date,
        "provenance": r.provenance,
        "curated": r.provenance == CURATED,
    }


#: the attrs columns of relationships_new.cypher, in its order (a test checks them against the ontology)
NEW_REL_ATTRS = ("program", "amount", "count", "title", "date", "status")


def new_rel_row(r: RelRecord, sid: str, oid: str) -> list[Any]:
    """A row of relationships_new.cypher: what relationships.cypher writes for a relationship it creates.

    As there, the best confidence starts from 0.0 and every attr takes the record's value.
    """
    ev = r.evidence
    return [
        sid, r.subject.name, oid, r.object.name, r.predicate,
        max([0.0, *(e.confidence for e in ev)]),
        [e.key for e in ev], [e.doc_id for e in ev], [e.sentence for e in ev],
        [e.start for e in ev], [e.end for e in ev], [e.extractor for e in ev],
        *(r.attrs.get(a) for a in NEW_REL_ATTRS),
        r.first_date, r.last_date, r.provenance,
    ]


class LoadPlan:
    """What one load writes, validated before anything is written (labels and types from the ontology)."""

    def __init__(self, graph: GraphData) -> None:
        onto = load_ontology()
        # A repeated document id, node or link: the last one wins, as successive MERGEs would have it.
        self.documents: dict[str, dict[str, Any]] = {
            d.doc_id: {"id": d.doc_id, "title": d.title, "date": d.date, "source": d.source, "path": d.path}
            for d in graph.documents
        }
        self.nodes: dict[str, list[NodeRecord]] = {}
        for n in graph.nodes:
            self.nodes.setdefault(onto.check_type(n.type), []).append(n)
        #: (label, name) -> {document id: mentions}
        self.links: dict[tuple[str, str], dict[str, int]] = {}
        for m in graph.mentions:
            self.links.setdefault((m.type, m.name), {})[m.doc_id] = m.mentions
        for label, _ in self.links:
            onto.check_type(label)
        self.rels: dict[str, list[RelRecord]] = {}
        for r in graph.rels:
            onto.check_type(r.subject.type)
            onto.check_type(r.object.type)
            self.rels.setdefault(onto.check_predicate(r.predicate), []).append(r)
        # what curation removed: deleted first, so that the load writes the curated graph in its place
        self.retract_nodes: dict[str, list[str]] = {}
        for ref in graph.retracted_nodes:
            self.retract_nodes.setdefault(onto.check_type(ref.type), []).append(ref.name)
        self.retract_rels: dict[tuple[str, str, str], list[list[str]]] = {}
        for k in graph.retracted_rels:
            key = (onto.check_type(k.subject.type), onto.check_predicate(k.predicate), onto.check_type(k.object.type))
            self.retract_rels.setdefault(key, []).append([k.subject.name, k.object.name])
        self.labels = sorted(onto.types)
        self.derive = derive_statements()
        self.total = {
            "documents": len(self.documents),
            "nodes": len(graph.nodes),
            "mentions": sum(map(len, self.links.values())),
            "relationships": len(graph.rels),
            "derive": len(self.derive),
            "retract": len(graph.retracted_nodes) + len(graph.retracted_rels),
        }


def node_row(n: NodeRecord) -> dict[str, Any]:
    """A row of nodes.cypher (merged with what the database holds)."""
    return {"name": n.name, "type": n.type, "aliases": list(n.aliases), "doc_ids": list(n.doc_ids),
            "province": n.province, "city": n.city, "district": n.district, "scope": n.scope,
            "unresolved": n.unresolved, "provenance": n.provenance, "curated": n.provenance == CURATED}


def new_node_row(n: NodeRecord, links: list[list[Any]]) -> list[Any]:
    """A row of nodes_new.cypher: what nodes.cypher writes on a node it creates, and the node's links.

    As there, a new node counts the documents of its record (it has no links yet).
    """
    props: dict[str, Any] = {"name": n.name, "type": n.type, "aliases": list(n.aliases), "doc_count": len(n.doc_ids),
                             "unresolved": n.unresolved, "provenance": n.provenance}
    for key in ("province", "city", "district", "scope"):
        value = getattr(n, key)
        if value is not None:
            props[key] = value
    return [props, links]


def derive_statements() -> list[str]:
    """Names of the ``loaders/derive_*.cypher`` files, in order: derived properties run after every load."""
    return sorted(path.stem for path in data_dir("loaders").glob("derive_*.cypher"))
