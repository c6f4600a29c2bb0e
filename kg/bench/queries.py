"""``kg bench queries``: every saved query timed on a generated graph, embedded and on Neo4j.

The graph is :func:`kg.bench.synth.synthetic_graph`; the parameters are picked
from it (:func:`params_from_graph`). Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.bench.synth import synthetic_graph
from kg.errors import ConnectionFailed, CredentialsRejected
from kg.models import SavedQuery
from kg.store.embedded import build_embedded, open_embedded, run_saved
from kg.store.neo4j_loader import count_graph, load_graph, wipe
from kg.store.queries import list_queries, run_on_neo4j

__all__ = ["bench_queries", "params_from_graph"]


def params_from_graph(graph: Any) -> dict[str, dict[str, Any]]:
    """Parameters for the saved queries that take some, picked from *graph* itself.

    The entities are those of the middle SUPPORTS relationship (with the skewed
    degrees of real news, often a busy body) and the first region's city.
    """
    supports = [r for r in graph.rels if r.predicate == "SUPPORTS"] or list(graph.rels)
    rel = supports[len(supports) // 2] if supports else None
    region = next((n for n in graph.nodes if n.type == "Region"), None)
    region_value = (region.city or region.name) if region else ""
    helper = rel.subject.name if rel else ""
    target = rel.object.name if rel else ""
    return {
        "who_helped_whom": {"region": region_value},
        "helpers_of": {"name": target},
        "beneficiaries_of": {"name": helper},
        "awards_by_region": {"region": region_value},
        "neighbourhood": {"name": helper, "depth": 2},
        "evidence_for": {"subject": helper, "object": target},
    }


def bench_queries(
    *,
    n_rels: int = 100_000,
    repeat: int = 15,
    seed: int = 0,
    neo4j: Any = None,
    database: str | None = None,
    wipe_neo4j: bool = False,
    on_note: Any = None,
) -> dict[str, Any]:
    """Generate a graph, load it into the embedded database (and Neo4j), time every saved query.

    *neo4j* is a callable returning a driver (or None to skip Neo4j); when no
    server answers Neo4j is skipped with a note, a refused password raises
    :class:`~kg.errors.CredentialsRejected`. Neo4j is
    only used when its database is empty (or *wipe_neo4j* empties it first,
    and again afterwards), so a benchmark never mixes its synthetic graph into
    real data. Returns ``{"summary": [...], "columns": [...], "rows": [...]}``;
    nothing here asserts a time.
    """
    note = on_note or (lambda _m: None)
    driver = None
    skipped = ""
    if neo4j is not None:
        # Before any work: no server is a reason to skip Neo4j, a refused password is an error.
        try:
            driver = neo4j()
        except CredentialsRejected:
            raise
        except ConnectionFailed as exc:
            skipped = f"Neo4j skipped: {exc}"
    try:
        return _bench(n_rels=n_rels, repeat=repeat, seed=seed, driver=driver, skipped=skipped, database=database,
                      wipe_neo4j=wipe_neo4j, note=note)
    finally:
        if driver is not None:
            driver.close()


def _bench(*, n_rels: int, repeat: int, seed: int, driver: Any, skipped: str, database: str | None,
           wipe_neo4j: bool, note: Any) -> dict[str, Any]:
    source = "kg.bench.synth.synthetic_graph"
    t0 = time.perf_counter()
    graph = synthetic_graph(n_rels, seed=seed)
    gen_s = time.perf_counter() - t0
    params = params_from_graph(graph)
    saved = list_queries()
    summary = [f"graph: {len(graph.nodes)} nodes, {len(graph.rels)} relationships, "
               f"{len(graph.documents)} documents from {source} in {gen_s:.1f} s"]

    def p50(run: Any) -> float:
        run()  # warm-up: compile, caches
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    results: dict[str, dict[str, Any]] = {q.name: {"query": q.name} for q in saved}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        note(f"{summary[0]}; building the embedded database …")
        report = build_embedded(graph, Path(tmp) / "graph.db")
        summary.append(f"embedded load (ladybug): {report.seconds:.2f} s for {report.relationships} relationships "
                       f"and {report.mentions} MENTIONED_IN links")
        note("timing the saved queries on the embedded database …")
        with open_embedded(Path(tmp) / "graph.db") as db:
            for q in saved:
                p = params.get(q.name, {})
                rows = run_saved(db, q, p).rows
                results[q.name]["rows"] = len(rows)
                results[q.name]["embedded_p50_ms"] = round(p50(lambda q=q, p=p: run_saved(db, q, p)), 2)
    if skipped:
        summary.append(skipped)
    if driver is not None:
        _bench_neo4j(driver, graph, saved, params, results, summary, p50, database=database, note=note,
                     wipe_neo4j=wipe_neo4j)
    columns = ["query", "rows", "embedded_p50_ms"]
    if any("neo4j_p50_ms" in r for r in results.values()):
        columns += ["neo4j_p50_ms", "neo4j_rows"]
    return {"summary": summary, "columns": columns, "rows": [results[q.name] for q in saved]}


def _bench_neo4j(driver: Any, graph: Any, saved: list[SavedQuery], params: dict, results: dict,
                 summary: list[str], p50: Any, *, database: str | None, note: Any, wipe_neo4j: bool) -> None:
    if wipe_neo4j:
        wipe(driver, database=database)
    nodes, _ = count_graph(driver, database=database)
    if nodes:
        summary.append(f"Neo4j skipped: its database holds {nodes} nodes; benchmark on a scratch "
                       "server and pass --wipe-neo4j to empty it first")
        return
    note("loading Neo4j with kg.store.neo4j_loader.load_graph …")
    t = time.perf_counter()
    load_graph(driver, graph, database=database)
    secs = time.perf_counter() - t
    summary.append(f"Neo4j load (kg.store.neo4j_loader.load_graph): {secs:.2f} s for the same graph")
    note("timing the saved queries on Neo4j …")
    for q in saved:
        p = params.get(q.name, {})
        results[q.name]["neo4j_rows"] = len(run_on_neo4j(driver, q, p, database=database).rows)
        results[q.name]["neo4j_p50_ms"] = round(
            p50(lambda q=q, p=p: run_on_neo4j(driver, q, p, database=database)), 2)
    if wipe_neo4j:  # leave the scratch server as empty as we found it
        wipe(driver, database=database)
