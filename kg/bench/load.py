"""``kg bench load`` and ``kg bench import``: what the loaders are compared against, and on which graph.

:func:`load_row_by_row` is the naive loader (one auto-commit ``MERGE`` per
relationship); :func:`bench_bare_relationships` is the server's own ceiling
for the relationship step (bare ``CREATE``, no evidence, no checks).
:func:`repeat_extraction` makes a bigger extraction output from a real one
(its documents again under new ids) for ``kg bench import --graph DIR --copies K``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.models import GraphData, LoadReport
from kg.ontology import load_ontology
from kg.store.load_plan import LoadPlan, chunks
from kg.store.loader_cypher import render
from kg.store.neo4j_loader import DEFAULT_BATCH_SIZE, driver_uri, first_line
from kg.store.neo4j_writer import BatchWriter, run_batch

__all__ = ["bench_bare_relationships", "load_row_by_row", "repeat_extraction"]

#: the files of an extraction output folder (kg.extract.assemble.FILES; the store does not import extract)
_EXTRACTION_FILES = ("documents.jsonl", "entities.jsonl", "triples.jsonl")
#: the document id at the start of a record as kg extract writes it (other lines are parsed as JSON)
_LEADING_ID = re.compile(r'^\{"doc_id": "((?:[^"\\]|\\.)*)"')


def repeat_extraction(dirs: Iterable[Path], out: Path, copies: int) -> int:
    """Write the records of the extraction folders *dirs* *copies* times into *out*, copy k > 0 under
    document ids ending in ``-k``; return the documents written.

    Copy k is what extracting the same articles again under new ids gives, so the
    assembled graph has *copies* times the documents, mentions and evidence
    entries of the real extraction, with the same facts and names (names that
    identity scopes to one document are new in every copy, as they would be).
    """
    out.mkdir(parents=True, exist_ok=True)
    documents = 0
    handles = {name: (out / name).open("w", encoding="utf-8") for name in _EXTRACTION_FILES}
    try:
        for k in range(copies):
            suffix = f"-{k}" if k else ""
            for folder in dirs:
                for name in _EXTRACTION_FILES:
                    path = Path(folder) / name
                    if not path.is_file():
                        continue
                    fh = handles[name]
                    with path.open(encoding="utf-8") as f:
                        for line in f:
                            if not line.strip():
                                continue
                            if suffix:
                                line = _renamed(line, suffix)
                            fh.write(line if line.endswith("\n") else line + "\n")
                            documents += name == "documents.jsonl"
    finally:
        for fh in handles.values():
            fh.close()
    return documents


def _renamed(line: str, suffix: str) -> str:
    m = _LEADING_ID.match(line)
    if m:
        return f'{{"doc_id": "{m.group(1)}{suffix}"' + line[m.end():]
    record = json.loads(line)
    record["doc_id"] = f"{record['doc_id']}{suffix}"
    return json.dumps(record, ensure_ascii=False) + "\n"


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
