"""``kg export neo4j-import``, ``kg neo4j import`` and ``kg bench import``: bulk first load of Neo4j.

Thin adapters over :mod:`kg.store.import_csv` (the CSV files of
``neo4j-admin database import full``) and :mod:`kg.store.neo4j_import` (running
it against a `kg neo4j start` server). Exit codes: 0 ok, 1 operational error
(including a database that is not empty), 2 usage error.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from kg.cli.common import NoCuration, curation_lines, curation_warnings, fail, kg_errors, say
from kg.cli.neo4j import (
    DEFAULT_BATCH_SIZE,
    AsJson,
    Home,
    Host,
    HttpPort,
    LoadCuration,
    Port,
    _assemble,
    _server_config,
    neo4j_app,
)
from kg.models import ImportReport

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).

export_app = typer.Typer(help="Write the graph in formats other tools read.", no_args_is_help=True)

Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace a database that holds data (deletes it).")]
MaxMemory = Annotated[str, typer.Option("--max-memory", help="Off-heap memory of the import tool (e.g. 1g, 4g, 50%).")]
Heap = Annotated[str, typer.Option("--heap", help="JVM heap (-Xmx) of the import tool and of the server it restarts.")]
PageCache = Annotated[str, typer.Option("--pagecache", help="Page cache of the server it restarts.")]
Threads = Annotated[Optional[int], typer.Option("--threads", min=1, help="Worker threads of the import tool "
                                                "(default: the processors Java sees).")]
Timeout = Annotated[float, typer.Option("--timeout", help="Seconds to wait for Bolt after each start.")]


@export_app.command("neo4j-import")
def export_neo4j_import_cmd(
    dirs: Annotated[list[Path], typer.Argument(help="Output folders of `kg extract` or `kg build`, as `kg load` takes.",
                                               exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files and import.json into.")],
    curation: LoadCuration = None,
    no_curation: NoCuration = False,
) -> None:
    """CSV files for `neo4j-admin database import full`: what `kg load` would write into an empty database.

    Load them with `kg neo4j import OUT` (a `kg neo4j start` server), or with your own
    neo4j-admin using the options that import.json lists.
    """
    from kg.store.import_csv import write_import_csv

    with kg_errors():
        graph = _assemble(dirs, None if no_curation else curation, discover=not no_curation)
        curation_warnings(graph.curation)
        for line in curation_lines(graph.curation):
            say(line)
        files = write_import_csv(graph, out)
    c = files.counts
    say(f"wrote {c['documents']} documents, {c['nodes']} entities, {c['mentions']} document links and "
        f"{c['relationships']} relationships ({c['evidence']} evidence entries) to {out}")
    if c["mentions_skipped"]:
        say(f"  {c['mentions_skipped']} mentions name a document that is not in the input; skipped", style="yellow")
    say(f"next: `kg neo4j import {out}` (replaces the empty database of a `kg neo4j start` server)")


@neo4j_app.command("import")
def neo4j_import_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder written by `kg export neo4j-import`.", exists=True,
                                           file_okay=False)],
    home: Home = Path(".neo4j"),
    host: Host = "127.0.0.1",
    port: Port = 7687,
    http_port: HttpPort = None,
    heap: Heap = "1g",
    pagecache: PageCache = "256m",
    max_memory: MaxMemory = "1g",
    threads: Threads = None,
    timeout: Timeout = 300.0,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Bulk first load: stop the server, import the folder into its empty database, start it, add the schema.

    Refuses a database that holds data unless --overwrite is given; `kg load` merges into the result.
    """
    from kg.store.import_csv import read_manifest
    from kg.store.neo4j_import import import_folder

    config = _server_config(home, host, port, None, http_port=http_port, heap=heap, pagecache=pagecache,
                            start_timeout=timeout)
    with kg_errors():
        files = read_manifest(folder)
        report = import_folder(config, files, overwrite=overwrite, max_memory=max_memory, threads=threads,
                               on_stage=lambda stage: say(f"  {stage}...") if not as_json else None)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
        return
    _render(report)


def _render(report: ImportReport) -> None:
    if report.replaced_nodes:
        say(f"replaced a database of {report.replaced_nodes} nodes (--overwrite)", style="yellow")
    say(f"imported into {report.uri}: {report.documents} documents, {report.nodes} entities, "
        f"{report.mentions} document links, {report.relationships} relationships ({report.evidence} evidence entries)")
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.stage_seconds.items())
    say(f"neo4j-admin import {report.import_seconds:.2f} s; all {report.seconds:.2f} s ({stages}); "
        f"{report.constraints_created} constraints created; report {report.report_file}")


# --------------------------------------------------------------------------- kg bench import


def bench_import_cmd(
    rels: Annotated[int, typer.Option("--rels", min=1, help="Relationships in the synthetic graph.")] = 100_000,
    graph_dirs: Annotated[Optional[list[Path]], typer.Option(
        "--graph", help="Measure on the graph of these output folders (of `kg extract`/`kg build`, as `kg load` "
                        "takes; repeat the option) instead of a synthetic one, e.g. the build of "
                        "`kg bench stream --articles 100000 --dir D` (D/out).",
        exists=True, file_okay=False)] = None,
    copies: Annotated[int, typer.Option("--copies", min=1, help="With --graph: every document of its graph this "
                                                                "many times, each copy under new ids (more documents, "
                                                                "mentions and evidence; the same nodes and facts).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic graph.")] = 0,
    home: Annotated[Optional[Path], typer.Option("--home", help="State folder of the scratch server (default: a new "
                                                                "temporary one, removed afterwards).")] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Bolt port of the scratch server.")] = 7689,
    heap: Heap = "2g",
    pagecache: PageCache = "1g",
    max_memory: MaxMemory = "2g",
    threads: Threads = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per UNWIND batch of kg load.")]
    = DEFAULT_BATCH_SIZE,
    as_json: AsJson = False,
) -> None:
    """Bulk import vs `kg load` on one graph, in one run on one scratch server.

    Starts its own server (--port, in --home or a temporary folder; --heap and --pagecache
    for both paths), loads a small warm-up graph with kg load and wipes it, loads the graph
    with kg load (measured), then imports the same graph the bulk way (measured: kg export
    neo4j-import, then kg neo4j import --overwrite: stop, neo4j-admin, start, schema, fix-ups,
    derived properties) and checks that both wrote the same numbers of nodes and
    relationships. Prints each phase, facts (relationships) per second of both, their
    ratio, and stops the server.
    """
    from kg.bench.load import repeat_graph
    from kg.bench.synth import synthetic_graph
    from kg.store.import_csv import write_import_csv
    from kg.store.neo4j_import import import_folder
    from kg.store.neo4j_loader import connect, count_graph, load_graph, wipe
    from kg.store.neo4j_server import start, stop

    if copies > 1 and not graph_dirs:
        raise fail("--copies repeats the records of --graph DIR; give --graph too", 2)
    scratch = Path(tempfile.mkdtemp(prefix="kg-bench-import-"))
    config = _server_config(home or scratch / "neo4j", "127.0.0.1", port, None, http_port=0,
                            heap=heap, pagecache=pagecache)
    try:
        with kg_errors():
            t0 = time.perf_counter()
            graph = (repeat_graph(_assemble(graph_dirs, None, discover=False), copies) if graph_dirs
                     else synthetic_graph(rels, seed=seed))
            say(f"graph ({'folders' if graph_dirs else 'synthetic'}, made in {time.perf_counter() - t0:.0f} s): "
                f"{len(graph.documents)} documents, {len(graph.nodes)} entities, {len(graph.mentions)} mentions, "
                f"{len(graph.rels)} relationships with {sum(len(r.evidence) for r in graph.rels)} evidence entries")
            st = start(config)
            driver = connect(st.uri, config.user, Path(st.password_file).read_text(encoding="utf-8").strip())
            try:
                say("kg load (a warm-up graph, wiped, then the graph, measured)...")
                load_graph(driver, synthetic_graph(_WARMUP_RELS, seed=seed + 1), batch_size=batch_size)
                wipe(driver)
                loaded = load_graph(driver, graph, batch_size=batch_size)
                counted = count_graph(driver)
            finally:
                driver.close()
            say("bulk: export, then import...")
            t0 = time.perf_counter()
            files = write_import_csv(graph, scratch / "csv")
            export_s = time.perf_counter() - t0
            report = import_folder(config, files, overwrite=True, max_memory=max_memory, threads=threads)
            driver = connect(config.uri, config.user, Path(st.password_file).read_text(encoding="utf-8").strip())
            try:
                imported = count_graph(driver)
            finally:
                driver.close()
            if imported != counted:
                raise fail(f"bulk import and kg load wrote different graphs: {imported} vs {counted} "
                           "(nodes, relationships); this is a bug in kg", 1)
    finally:
        with kg_errors():
            stop(config)
        shutil.rmtree(scratch, ignore_errors=True)
    evidence = sum(len(r.evidence) for r in graph.rels)
    _print_bench(len(graph.rels), evidence, export_s, report, loaded.seconds, loaded.stage_seconds, as_json)


#: relationships of the synthetic graph kg load warms the server with (then wiped)
_WARMUP_RELS = 20_000


def _print_bench(facts: int, evidence: int, export_s: float, report: ImportReport, load_s: float,
                 load_stages: dict[str, float], as_json: bool) -> None:
    def rate(n: int, seconds: float) -> float:
        return round(n / seconds, 1) if seconds else float("inf")

    def ratio(seconds: float) -> float | None:
        return round(load_s / seconds, 2) if seconds else None

    phases = {"export": round(export_s, 3), **{k: v for k, v in report.stage_seconds.items() if k != "check"}}
    bulk = sum(phases.values())
    restart = phases.get("stop", 0.0) + phases.get("start", 0.0)
    result: dict[str, Any] = {
        "relationships": facts,
        "evidence": evidence,
        "kg_load_seconds": load_s,
        "kg_load_stage_seconds": load_stages,
        "bulk_phase_seconds": phases,
        "bulk_seconds": round(bulk, 3),
        "kg_load_rels_per_s": rate(facts, load_s),
        "kg_load_evidence_per_s": rate(evidence, load_s),
        "bulk_rels_per_s": rate(facts, bulk),
        "bulk_evidence_per_s": rate(evidence, bulk),
        "admin_import_rels_per_s": rate(facts, report.import_seconds),
        "ratio": ratio(bulk),
        "ratio_without_restart": ratio(bulk - restart),
        "ratio_admin_import": ratio(report.import_seconds),
    }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in load_stages.items())
    typer.echo(f"kg load:     {load_s:.2f} s = {result['kg_load_rels_per_s']:,.0f} fact relationships/s, "
               f"{result['kg_load_evidence_per_s']:,.0f} evidence entries/s ({stages})")
    typer.echo(f"bulk path:   {bulk:.2f} s = {result['bulk_rels_per_s']:,.0f} fact relationships/s, "
               f"{result['bulk_evidence_per_s']:,.0f} evidence entries/s")
    typer.echo("  " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    typer.echo(f"ratio:       {result['ratio']}x (bulk path / kg load); {result['ratio_without_restart']}x without "
               f"the server's restart ({restart:.1f} s); {result['ratio_admin_import']}x neo4j-admin alone")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add ``kg export`` and ``kg bench import`` (``kg neo4j import`` is on kg.cli.neo4j's group)."""
    app.add_typer(export_app, name="export")
    bench_app.command("import")(bench_import_cmd)
