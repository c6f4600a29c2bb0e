"""``kg bench load`` and ``kg bench import``: what the loaders are compared against, and on which graph.

:func:`load_row_by_row` is the naive loader (one auto-commit ``MERGE`` per
relationship); :func:`bench_bare_relationships` is the server's own ceiling
for the relationship step (bare ``CREATE``, no evidence, no checks).
:func:`repeat_graph` makes a bigger graph of a real one (its documents again
under new ids) for ``kg bench import --graph DIR --copies K``.
"""

from __future__ import annotations

import time
from typing import Any

from kg.errors import StoreError
from kg.models import GraphData, LoadReport
from kg.ontology import load_ontology
from kg.store.load_plan import LoadPlan, chunks
from kg.store.loader_cypher import render
from kg.store.neo4j_loader import DEFAULT_BATCH_SIZE, driver_uri, first_line
from kg.store.neo4j_writer import BatchWriter, run_batch

__all__ = ["bench_bare_relationships", "load_row_by_row", "repeat_graph"]

def repeat_graph(graph: GraphData, copies: int) -> GraphData:
    """*graph* with every document *copies* times, copy k > 0 under the id ``<id>-k``.

    What the same articles published again under new ids would add to an
    assembled graph: *copies* times the documents, the (entity, document)
    mentions and the evidence entries, with the same nodes and facts (for
    ``kg bench import --graph DIR --copies K``: a bigger graph of a real
    extraction without assembling the bigger extraction).
    """
    if copies <= 1:
        return graph
    suffixes = [""] + [f"-{k}" for k in range(1, copies)]
    documents = tuple(d if not sfx else d.model_copy(update={"doc_id": d.doc_id + sfx})
                      for sfx in suffixes for d in graph.documents)
    mentions = tuple(m if not sfx else m._replace(doc_id=m.doc_id + sfx)  # MentionRecord is a named tuple
                     for sfx in suffixes for m in graph.mentions)
    nodes = tuple(n.model_copy(update={"doc_ids": tuple(i + sfx for sfx in suffixes for i in n.doc_ids)})
                  for n in graph.nodes)
    rels = tuple(r.model_copy(update={"evidence": tuple(
        e if not sfx else e.model_copy(update={"doc_id": e.doc_id + sfx}) for sfx in suffixes for e in r.evidence)})
        for r in graph.rels)
    return graph.model_copy(update={"documents": documents, "mentions": mentions, "nodes": nodes, "rels": rels})


def load_row_by_row(driver: Any, graph: GraphData, *, database: str | None = None) -> LoadReport:
    """The naive loader the benchmark compares against: one auto-commit MERGE per relationship."""
    from neo4j.exceptions import DriverError, Neo4jError  # lazy: the driver loads only when a benchmark runs

    onto = load_ontology()
    started = time.perf_counter()
    created = 0
    try:
        with driver.session(database=database) as session:
            for r in graph.rels:
                query = render("row_by_row", subject_label=onto.check_type(r.subject.type),
                               type=onto.check_predicate(r.predicate), object_label=onto.check_type(r.object.type))
                ev = r.evidence
                summary = session.run(
                    query, s=r.subject.name, s_type=r.subject.type, o=r.object.name, o_type=r.object.type,
                    predicate=r.predicate, confidence=r.confidence, attrs=dict(r.attrs),
                    ev_keys=[e.key for e in ev], ev_doc_ids=[e.doc_id for e in ev],
                    ev_sentences=[e.sentence for e in ev], ev_starts=[e.start for e in ev],
                    ev_ends=[e.end for e in ev], ev_extractors=[e.extractor for e in ev],
                ).consume()
                created += summary.counters.relationships_created
    except (Neo4jError, DriverError) as exc:
        raise StoreError(f"row-by-row load failed: {first_line(exc)}") from None
    return LoadReport(uri=driver_uri(driver), database=database, rels_created=created,
                      batches=len(graph.rels), seconds=round(time.perf_counter() - started, 3))


def bench_bare_relationships(driver: Any, graph: GraphData, *, database: str | None = None,
                             batch_size: int = DEFAULT_BATCH_SIZE) -> float:
    """Seconds to CREATE *graph*'s relationships again with no properties (benchmarks only).

    The ends must be loaded already. This is the server's ceiling for the
    relationship step on this machine: the same number of relationships, the
    same batches, without evidence, attrs or checks. Adds relationships: wipe afterwards.
    """
    from neo4j.exceptions import DriverError, Neo4jError  # lazy: the driver loads only when a benchmark runs

    plan = LoadPlan(graph)
    try:
        with driver.session(database=database) as session:
            writer = BatchWriter(session, None, None, {})
            ids: dict[tuple[str, str], str] = {}
            for label, nodes in plan.nodes.items():
                found = writer.lookup(render("nodes_lookup", label=label), [n.name for n in nodes], batch_size)
                ids.update(((label, name), eid) for name, eid in found.items())
            rows = {pred: sorted([ids[(r.subject.type, r.subject.name)], ids[(r.object.type, r.object.name)]]
                                 for r in rels)
                    for pred, rels in plan.rels.items()}
            started = time.perf_counter()
            for pred, pairs in rows.items():
                query = render("bench_bare", type=pred)
                for batch in chunks(pairs, batch_size):
                    session.execute_write(run_batch, query, {"rows": batch})
            return time.perf_counter() - started
    except KeyError as exc:
        raise StoreError(f"bench: entity {exc.args[0]} is not loaded; load the graph first") from None
    except (Neo4jError, DriverError) as exc:
        raise StoreError(f"bare-create benchmark failed: {first_line(exc)}") from None
