"""``kg neo4j start|stop|status``, ``kg load DIR...`` and ``kg bench load``.

stdout carries data (``--json`` reports); stderr carries messages and the
progress bar. Exit codes: 0 ok, 1 operational error (no server, wrong
password, connection lost), 2 usage error.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from kg.cli.common import (
    Neo4jHomeOption,
    NoCuration,
    curation_lines,
    curation_option,
    curation_warnings,
    fail,
    identity_line,
    kg_errors,
    neo4j_password,
    on_interrupt,
    progress_bar,
    say,
    stage_progress,
)
from kg.models import GraphData, LoadReport, Neo4jServerConfig, Neo4jServerStatus

LoadCuration = curation_option("the one in the folders, if any")

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_BATCH_SIZE = 5000  # kg.store.neo4j_loader.DEFAULT_BATCH_SIZE, without importing the driver for --help

neo4j_app = typer.Typer(
    help="Run a local Neo4j 5.26 (fetched from Maven Central) for development and CI.",
    no_args_is_help=True,
)

# --------------------------------------------------------------------------- shared options

Uri = Annotated[str, typer.Option("--uri", envvar="NEO4J_URI", help="Bolt URI of Neo4j.")]
User = Annotated[str, typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user.")]
Password = Annotated[
    str | None,
    typer.Option("--password", envvar="NEO4J_PASSWORD", show_default=False,
                 help="Neo4j password (prefer the env var; default: the one `kg neo4j start` stored)."),
]
NewPassword = Annotated[
    str | None,
    typer.Option("--password", envvar="NEO4J_PASSWORD", show_default=False,
                 help="Password to set (prefer the env var; default: the one stored beside the server's data, "
                 "else a new random one, stored there)."),
]
Neo4jHome = Annotated[Path, Neo4jHomeOption]
Database = Annotated[
    str | None,
    typer.Option("--database", envvar="NEO4J_DATABASE", help="Database name (default: the server's default)."),
]
Home = Annotated[
    Path,
    typer.Option("--home", envvar="KG_NEO4J_HOME",
                 help="State folder: classpath cache and one sub-folder per port (data, logs, pid)."),
]
Port = Annotated[int, typer.Option("--port", min=1, max=65535, help="Bolt port on the loopback interface.")]
HttpPort = Annotated[
    Optional[int],
    typer.Option("--http-port", min=0, max=65535, show_default=False,
                 help="HTTP port of Neo4j Browser (default: 7474 with Bolt on 7687, else the Bolt port + 1; 0: none)."),
]
Host = Annotated[str, typer.Option("--host", help="Address Bolt listens on (keep it on loopback).")]
AsJson = Annotated[bool, typer.Option("--json", help="Write the result as JSON on stdout.")]


def _server_config(home: Path, host: str, port: int, password: str | None, **extra: Any) -> Neo4jServerConfig:
    from pydantic import ValidationError

    try:
        return Neo4jServerConfig(home=str(home), host=host, port=port, password=password, **extra)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        raise fail(f"invalid --{field}: {first['msg']}", 2) from None


def _print_status(st: Neo4jServerStatus, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(st.model_dump(mode="json"), ensure_ascii=False))
        return
    if st.running:
        verb = "started" if st.started else "running"
        say(f"Neo4j {verb}: {st.uri} (pid {st.pid}, {st.version or 'version unknown'}); "
            f"data and logs in {st.instance_dir}")
        if st.browser_url:
            say(f"Neo4j Browser: {st.browser_url} (log in with the Bolt URL above; the saved-query guide opens itself)")
        if st.password_file:
            say(f"password stored in {st.password_file} (readable only by you); "
                "kg load and kg query read it from there")
    else:
        say(f"Neo4j not running on {st.uri} (state folder {st.instance_dir})")


# --------------------------------------------------------------------------- kg neo4j ...


@neo4j_app.command("start")
def start_cmd(
    home: Home = Path(".neo4j"),
    host: Host = "127.0.0.1",
    port: Port = 7687,
    http_port: HttpPort = None,
    password: NewPassword = None,
    heap: Annotated[str, typer.Option(help="JVM heap (-Xmx).")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Neo4j page cache size.")] = "256m",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt (the first start also downloads).")] = 300.0,
    as_json: AsJson = False,
) -> None:
    """Start Neo4j (or find it running) and wait until Bolt accepts the password.

    Neo4j Browser is served on the HTTP port (loopback only, same password),
    with a guide of the saved queries. The first start downloads Neo4j with
    Maven into ~/.m2 (about 150 MB).
    """
    from kg.store.neo4j_server import start

    config = _server_config(home, host, port, password, http_port=http_port, heap=heap, pagecache=pagecache,
                            start_timeout=timeout)
    with kg_errors():
        if not as_json:
            say(f"starting Neo4j on {config.uri} (first run downloads it with Maven)...")
        st = start(config)
    _print_status(st, as_json)


@neo4j_app.command("stop")
def stop_cmd(
    home: Home = Path(".neo4j"),
    host: Host = "127.0.0.1",
    port: Port = 7687,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a clean shutdown before killing it.")] = 60.0,
) -> None:
    """Stop the Neo4j that `kg neo4j start` started on this port (clean shutdown)."""
    from kg.store.neo4j_server import stop

    config = _server_config(home, host, port, None)
    with kg_errors():
        stopped = stop(config, timeout=timeout)
    say(f"Neo4j on {config.uri} stopped" if stopped else f"no `kg neo4j` server was running on {config.uri}")


@neo4j_app.command("status")
def status_cmd(
    home: Home = Path(".neo4j"),
    host: Host = "127.0.0.1",
    port: Port = 7687,
    password: Password = None,
    as_json: AsJson = False,
) -> None:
    """Say whether the server runs; exit code 0 if it does, 1 if not."""
    from kg.store.neo4j_server import status

    config = _server_config(home, host, port, password)
    with kg_errors():
        st = status(config)
    _print_status(st, as_json)
    if not st.running:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- kg load


def _render_report(report: LoadReport) -> None:
    if report.dry_run:
        where = f"{report.uri}" + (f" database {report.database}" if report.database else "")
        if report.compared_to_database:
            say(f"dry run against {where}: nothing was written (changes rolled back)")
        else:
            say(f"dry run, {report.note}: nothing was written")
        verb = "would be"
    else:
        verb = "were"
    rows = [
        ("constraints", report.constraints_created, None),
        ("documents", report.documents_created, report.documents_updated),
        ("entity nodes", report.nodes_created, report.nodes_updated),
        ("MENTIONED_IN links", report.mentions_created, report.mentions_updated),
        ("relationships", report.rels_created, report.rels_updated),
    ]
    for what, created, updated in rows:
        line = f"  {what}: {created} {verb} created"
        if updated is not None:
            line += f", {updated} {verb} updated"
        say(line)
    say(f"  evidence entries: {report.evidence_added} {verb} added")
    if report.nodes_retracted or report.rels_retracted:
        say(f"  removed by curation: {report.nodes_retracted} entity nodes, {report.rels_retracted} relationships")
    if report.mentions_skipped:
        say(f"  {report.mentions_skipped} mentions name a document that is not loaded; skipped", style="yellow")
    if not report.dry_run:
        state = "changed" if report.changed else "unchanged (already loaded)"
        say(f"database {state}; {report.batches} batches in {report.seconds:.2f} s")


def _assemble(dirs: list[Path], curation: Path | None = None, discover: bool = True) -> GraphData:
    from kg.extract.assemble import assemble_dirs

    graph = assemble_dirs(dirs, curation=curation, discover=discover)
    if graph.problems:
        say(f"{len(graph.problems)} input problems (skipped):", style="yellow")
        for p in graph.problems[:10]:
            say(f"  {p}")
        if len(graph.problems) > 10:
            say(f"  ... and {len(graph.problems) - 10} more")
    return graph


def load_cmd(
    dirs: Annotated[list[Path], typer.Argument(help="Output folders of `kg extract` (documents/entities/triples.jsonl).",
                                               exists=True, file_okay=False)],
    uri: Uri = DEFAULT_URI,
    user: User = DEFAULT_USER,
    password: Password = None,
    neo4j_home: Neo4jHome = Path(".neo4j"),
    database: Database = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per UNWIND batch.")] = DEFAULT_BATCH_SIZE,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: AsJson = False,
    curation: LoadCuration = None,
    no_curation: NoCuration = False,
) -> None:
    """Load extraction folders into Neo4j: idempotent, one relationship per fact with all its evidence.

    A curation file (given, or the one `kg build` left in the folder) is applied first; what it
    rejects or merges away is deleted from the database if an earlier load put it there.
    """
    from kg.errors import ConnectionFailed, CredentialsRejected
    from kg.store.neo4j_loader import connect, dry_run_offline, load_graph

    on_interrupt("the database may hold part of this load; a load is idempotent, so running it again completes it"
                 " without duplicating anything")

    with kg_errors():
        graph = _assemble(dirs, None if no_curation else curation, discover=not no_curation)
        curation_warnings(graph.curation)
        if not quiet:
            say(f"{len(graph.documents)} documents, {len(graph.nodes)} entities, "
                f"{len(graph.rels)} relationships from {len(dirs)} folder(s)")
            say(f"identity: {identity_line(graph.identity)}")
            for line in curation_lines(graph.curation):
                say(line)
        try:
            driver = connect(uri, user, neo4j_password(password, uri, neo4j_home))
        except CredentialsRejected:
            raise  # the server answers: a preview against nothing would hide the wrong password
        except ConnectionFailed as exc:
            if not dry_run:
                raise
            report = dry_run_offline(graph, uri=uri, database=database, reason=str(exc))
        else:
            try:
                with progress_bar(quiet=quiet) as bar:
                    report = load_graph(driver, graph, database=database, batch_size=batch_size,
                                        dry_run=dry_run, progress=stage_progress(bar))
            finally:
                driver.close()
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
    if not quiet or not as_json:
        _render_report(report)


# --------------------------------------------------------------------------- kg bench load


def bench_load_cmd(
    rels: Annotated[int, typer.Option("--rels", min=1, help="Relationships in the synthetic graph.")] = 100_000,
    subset: Annotated[int, typer.Option("--subset", min=1, help="Relationships for the row-by-row loader.")] = 2_000,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per UNWIND batch.")] = DEFAULT_BATCH_SIZE,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic graph.")] = 0,
    uri: Uri = DEFAULT_URI,
    user: User = DEFAULT_USER,
    password: Password = None,
    neo4j_home: Neo4jHome = Path(".neo4j"),
    database: Database = None,
    wipe_db: Annotated[bool, typer.Option("--wipe", help="Empty a non-empty database first (scratch servers only).")] = False,
    as_json: AsJson = False,
) -> None:
    """Batched loader vs row-by-row MERGE on a synthetic graph, measured in one run.

    Steps: load the small graph (cold: Neo4j compiles every statement), wipe;
    load the big graph once to warm the JVM up, wipe; load it (measured) and
    load it again (a no-op); wipe; load
    its nodes and documents only and create its relationships bare, with no
    properties (the server's ceiling on this machine), wipe; load the small
    graph row by row. Needs an empty database (or --wipe), and
    leaves it empty. The numbers quoted in issue 3 come from a server started
    with `kg neo4j start --port 7688 --heap 4g --pagecache 2g` (the defaults,
    1g and 256m, are sized for the tests).
    """
    from kg.bench.load import bench_bare_relationships, load_row_by_row
    from kg.bench.synth import synthetic_graph
    from kg.store.neo4j_loader import connect, count_graph, load_graph, wipe

    with kg_errors():
        driver = connect(uri, user, neo4j_password(password, uri, neo4j_home))
        try:
            nodes, _ = count_graph(driver, database=database)
            if nodes and not wipe_db:
                raise fail(f"the database at {uri} holds {nodes} nodes; benchmark on a scratch server "
                           "(e.g. `kg neo4j start --port 7688`) or pass --wipe to empty it", 1)
            if nodes:
                wipe(driver, database=database)
            t0 = time.perf_counter()
            graph = synthetic_graph(rels, seed=seed)
            small = synthetic_graph(subset, seed=seed + 1)
            gen_s = time.perf_counter() - t0
            evidence = sum(len(r.evidence) for r in graph.rels)
            say(f"synthetic graph: {len(graph.nodes)} nodes, {len(graph.rels)} relationships, "
                f"{evidence} evidence entries, {len(graph.mentions)} mentions, {len(graph.documents)} documents "
                f"({gen_s:.1f} s to generate)")
            cold = load_graph(driver, small, database=database, batch_size=batch_size)
            wipe(driver, database=database)
            # a first big load warms the JVM's JIT up (a fresh server runs it at about half speed)
            warmup = load_graph(driver, graph, database=database, batch_size=batch_size)
            wipe(driver, database=database)
            with progress_bar(quiet=False) as bar:
                batched = load_graph(driver, graph, database=database, batch_size=batch_size,
                                     progress=stage_progress(bar))
            again = load_graph(driver, graph, database=database, batch_size=batch_size)
            wipe(driver, database=database)
            # the server's ceiling: the same relationships between the same (loaded, unlinked) nodes, bare
            load_graph(driver, graph.model_copy(update={"rels": ()}), database=database, batch_size=batch_size)
            bare_s = bench_bare_relationships(driver, graph, database=database, batch_size=batch_size)
            wipe(driver, database=database)
            naive = load_row_by_row(driver, small, database=database)
            wipe(driver, database=database)
        finally:
            driver.close()
    rel_stage = batched.stage_seconds.get("relationships", 0.0)

    def rate(n: int, seconds: float) -> float:
        return round(n / seconds, 1) if seconds else float("inf")

    batched_rate = rate(len(graph.rels), batched.seconds)
    written = len(graph.rels) + batched.mentions_created  # every relationship the load wrote
    all_rate = rate(written, batched.seconds)
    same_work_rate = rate(len(graph.rels), batched.stage_seconds.get("nodes", 0.0) + rel_stage)
    naive_rate = rate(len(small.rels), naive.seconds)
    result = {
        "relationships": len(graph.rels),
        "nodes": len(graph.nodes),
        "mentions": len(graph.mentions),
        "evidence": evidence,
        "batch_size": batch_size,
        "cold_small_load_seconds": cold.seconds,
        "warmup_seconds": warmup.seconds,
        "batched_seconds": batched.seconds,
        "batched_stage_seconds": batched.stage_seconds,
        "batched_rels_per_s": batched_rate,
        "relationships_written": written,
        "batched_all_rels_per_s": all_rate,
        "relationship_step_rels_per_s": rate(len(graph.rels), rel_stage),
        "bare_create_seconds": round(bare_s, 3),
        "bare_create_rels_per_s": rate(len(graph.rels), bare_s),
        "reload_seconds": again.seconds,
        "reload_changed": again.changed,
        "row_by_row_relationships": len(small.rels),
        "row_by_row_seconds": naive.seconds,
        "row_by_row_rels_per_s": naive_rate,
        "ratio": round(batched_rate / naive_rate, 1) if naive_rate else None,
        # the row-by-row loader writes only nodes and relationships: compare like with like too
        "same_work_rels_per_s": same_work_rate,
        "same_work_ratio": round(same_work_rate / naive_rate, 1) if naive_rate else None,
    }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in batched.stage_seconds.items())
    typer.echo(f"first load ({len(small.rels)} relationships; compiles statements the server has not cached): "
               f"{cold.seconds:.2f} s")
    typer.echo(f"warm-up load:     the big graph once, to warm the server's JIT up: {warmup.seconds:.2f} s "
               f"({rate(len(graph.rels), warmup.seconds):,.0f} fact rel/s); then wiped")
    typer.echo(f"batched loader:   {len(graph.rels)} fact relationships, {batched.mentions_created} document links "
               f"(MENTIONED_IN), {len(graph.nodes)} nodes and {len(graph.documents)} documents in "
               f"{batched.seconds:.2f} s (batch size {batch_size}; {stages})")
    typer.echo(f"                  = {batched_rate:,.0f} fact rel/s overall; {all_rate:,.0f} rel/s counting all "
               f"{written} relationships written")
    typer.echo(f"                  relationship step alone: {result['relationship_step_rels_per_s']:,.0f} rel/s; "
               f"nodes (with their document links) + relationships steps: {same_work_rate:,.0f} rel/s")
    typer.echo(f"server ceiling:   the same {len(graph.rels)} relationships created bare (no properties, no checks) "
               f"in {bare_s:.2f} s = {result['bare_create_rels_per_s']:,.0f} rel/s")
    typer.echo(f"re-load (no-op):  {again.seconds:.2f} s, changed: {again.changed}")
    typer.echo(f"row-by-row MERGE: {len(small.rels)} relationships in {naive.seconds:.2f} s = {naive_rate:,.0f} rel/s "
               "(one auto-commit transaction each)")
    typer.echo(f"ratio:            {result['ratio']}x (batched overall / row by row); "
               f"{result['same_work_ratio']}x for the same work (nodes + relationships)")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add ``kg neo4j``, ``kg load`` and ``kg bench load`` to the app."""
    app.add_typer(neo4j_app, name="neo4j")
    app.command("load")(load_cmd)
    bench_app.command("load")(bench_load_cmd)
