"""Read the graph that ``kg load`` wrote into Neo4j back as :class:`~kg.models.GraphData`.

The inverse of the loader for what the exports need (``kg.export.graph.to_networkx``):
documents, entity nodes with their properties and the documents that mention
them, and every fact with its evidence lists and attrs (``loaders/read_*.cypher``,
schemas/GRAPH.md). Neo4j keeps one confidence per fact, not per evidence entry:
each evidence entry read back carries the fact's confidence.
"""

from __future__ import annotations

from typing import Any

from kg.models import Document, EntityRef, EvidenceRecord, GraphData, NodeRecord, RelRecord
from kg.store.load_plan import NEW_REL_ATTRS
from kg.store.loader_cypher import render
from kg.store.queries import read_on_neo4j

__all__ = ["read_graph"]


def _read(driver: Any, loader: str, database: str | None) -> list[dict[str, Any]]:
    records, _ = read_on_neo4j(driver, render(loader), database=database, what=f"loaders/{loader}.cypher")
    return [r.data() for r in records]


def _evidence(row: dict[str, Any]) -> tuple[EvidenceRecord, ...]:
    lists = [row.get(k) or [] for k in ("ev_doc_ids", "ev_sentences", "ev_starts", "ev_ends", "ev_extractors")]
    return tuple(
        EvidenceRecord(doc_id=d or "", sentence=s or "", start=a or 0, end=b or 0, extractor=x or "",
                       confidence=row["confidence"] or 0.0)
        for d, s, a, b, x in zip(*lists)
    )


def read_graph(driver: Any, *, database: str | None = None) -> GraphData:
    """The whole graph of the Neo4j database *driver* reaches (read transactions only)."""
    documents = tuple(
        Document(doc_id=r["id"], text="", title=r["title"] or "", date=r["date"] or "", source=r["source"] or "",
                 path=r["path"] or "")
        for r in _read(driver, "read_documents", database)
    )
    nodes = tuple(
        NodeRecord(type=r["type"], name=r["name"], aliases=tuple(r["aliases"] or ()), doc_ids=tuple(r["doc_ids"]),
                   province=r["province"], city=r["city"], district=r["district"], scope=r["scope"],
                   unresolved=bool(r["unresolved"]), provenance=r["provenance"] or "extracted")
        for r in _read(driver, "read_nodes", database)
    )
    rels = tuple(
        RelRecord(
            subject=EntityRef(type=r["subject_type"], name=r["subject"]), predicate=r["predicate"],
            object=EntityRef(type=r["object_type"], name=r["object"]), confidence=r["confidence"] or 0.0,
            attrs={a: r[a] for a in NEW_REL_ATTRS if r.get(a) is not None}, evidence=_evidence(r),
            first_date=r["first_date"], last_date=r["last_date"], provenance=r["provenance"] or "extracted",
        )
        for r in _read(driver, "read_relationships", database)
    )
    return GraphData(documents=documents, nodes=nodes, rels=rels)
