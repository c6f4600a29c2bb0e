"""``kg bench load``: what the batched loader is compared against on the same graph.

:func:`load_row_by_row` is the naive loader (one auto-commit ``MERGE`` per
relationship); :func:`bench_bare_relationships` is the server's own ceiling
for the relationship step (bare ``CREATE``, no evidence, no checks).
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

__all__ = ["bench_bare_relationships", "load_row_by_row"]


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
