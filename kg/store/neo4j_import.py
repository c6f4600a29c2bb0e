"""``kg neo4j import``: bulk first load of a `kg neo4j start` server with ``neo4j-admin database import full``.

The files come from :mod:`kg.store.import_csv`. The admin tool is Neo4j's own
(``org.neo4j.cli.AdminTool`` of ``org.neo4j:neo4j-command-line`` with
``org.neo4j:neo4j-import-tool``), run from the classpath Maven resolved for the
server (:func:`kg.store.neo4j_server.resolve_classpath`), in a JVM of its own,
on the server's store (``<home>/<port>/data/databases/neo4j``). It needs the
server stopped, so :func:`import_folder`:

1. checks that the database is empty (a running server is asked over Bolt; a
   stopped one with a database is started to be asked) and refuses with
   :class:`~kg.errors.DatabaseNotEmpty` unless *overwrite* is given;
2. stops the server, runs the import, and starts the server again (a failed
   import leaves an empty database, never a broken one);
3. over Bolt: creates the constraints and indexes of ``kg load``
   (:func:`kg.store.neo4j_loader.apply_schema`) and waits until they are
   online, sets the values CSV cannot carry (``fixups.jsonl``) and recomputes
   the derived properties (``loaders/derive_*.cypher``), as every load does.

Afterwards the database holds what ``kg load`` of the same graph writes into an
empty database, and later ``kg load`` runs merge into it. Nothing here prints,
exits or reads the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import DatabaseNotEmpty, StoreError
from kg.models import ImportReport, Neo4jServerConfig
from kg.store.import_csv import ImportFiles
from kg.store.load_plan import chunks, derive_statements
from kg.store.loader_cypher import render
from kg.store.neo4j_loader import apply_schema, connect, count_graph, first_line
from kg.store.neo4j_server import (
    admin_command,
    instance_dir,
    password_file,
    resolve_classpath,
    start,
    status,
    stop,
    write_conf,
)
from kg.store.neo4j_writer import run_batch

__all__ = ["DATABASE", "import_folder"]

#: the database the import fills: the default (and, in Community, the only user) database
DATABASE = "neo4j"
_FIXUP_BATCH = 5000
_INDEX_WAIT_SECONDS = 600
#: importer options for kg's files: they are written by kg, so they are fault-free and need no logging of bad
#: entries; the store is on a local disk (parallel reads and writes pay off even on one SSD)
_TUNING = ("--high-parallel-io=on", "--skip-bad-entries-logging=true", "--bad-tolerance=0")


def _store_dirs(config: Neo4jServerConfig) -> list[Path]:
    data = instance_dir(config) / "data"
    return [data / "databases" / DATABASE, data / "transactions" / DATABASE]


@contextmanager
def _driver(config: Neo4jServerConfig) -> Iterator[Any]:
    driver = connect(config.uri, config.user, str(config.password))
    try:
        yield driver
    finally:
        driver.close()


def _nodes_in(config: Neo4jServerConfig) -> int:
    with _driver(config) as driver:
        return count_graph(driver, database=DATABASE)[0]


def import_folder(
    config: Neo4jServerConfig,
    files: ImportFiles,
    *,
    overwrite: bool = False,
    max_memory: str = "1g",
    threads: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> ImportReport:
    """Replace the (empty) database of the `kg neo4j start` server of *config* by the import of *files*.

    Returns once the server runs again with the schema, fixups and derived
    properties in place. Raises :class:`DatabaseNotEmpty` when the database
    holds nodes and *overwrite* is False, :class:`StoreError` when Maven, Java
    or the import fail (the database is then left empty).
    """
    from neo4j.exceptions import DriverError, Neo4jError  # lazy: as in kg.store.neo4j_loader

    started = time.perf_counter()
    seconds: dict[str, float] = {}
    tell = on_stage or (lambda _stage: None)

    def stage(name: str, t0: float) -> None:
        seconds[name] = round(time.perf_counter() - t0, 3)

    t0 = time.perf_counter()
    running = status(config).running
    nodes = 0
    if running or _store_dirs(config)[0].is_dir():
        tell("check" if running else "start to check")
        start(config)  # nothing to do when it runs
        config = _with_stored_password(config)
        nodes = _nodes_in(config)
    if nodes and not overwrite:
        if not running:  # leave it as it was
            stop(config)
        raise DatabaseNotEmpty(
            f"the database {DATABASE!r} of the Neo4j on {config.uri} (home {instance_dir(config)}) holds {nodes} nodes; "
            "a bulk import replaces a database: merge into it with `kg load` instead, import into a new server "
            "(another --port or --home), or pass --overwrite to delete what it holds"
        )
    stage("check", t0)
    t0 = time.perf_counter()
    tell("stop")
    stop(config)
    stage("stop", t0)
    t0 = time.perf_counter()
    tell("import")
    report_file = _run_admin_import(config, files, max_memory=max_memory, threads=threads)
    import_s = time.perf_counter() - t0
    stage("import", t0)
    t0 = time.perf_counter()
    tell("start")
    start(config)  # a new server gets its password here
    config = _with_stored_password(config)
    stage("start", t0)
    try:
        with _driver(config) as driver:
            t0 = time.perf_counter()
            tell("schema")
            with driver.session(database=DATABASE) as session:
                constraints = apply_schema(session, files.labels)
                session.run(render("await_indexes"), seconds=_INDEX_WAIT_SECONDS).consume()
            stage("schema", t0)
            t0 = time.perf_counter()
            tell("fixups")
            _apply_fixups(driver, files)
            stage("fixups", t0)
            t0 = time.perf_counter()
            tell("derive")
            with driver.session(database=DATABASE) as session:
                for name in derive_statements():
                    session.execute_write(run_batch, render(name), {})
            stage("derive", t0)
    except (Neo4jError, DriverError) as exc:
        raise StoreError(
            f"the import is in, but Neo4j at {config.uri} failed while adding the schema, fix-ups or derived "
            f"properties ({first_line(exc)}); check the server's logs/debug.log and run the same "
            "`kg neo4j import --overwrite` again"
        ) from None
    counts = files.counts
    return ImportReport(
        uri=config.uri, folder=str(files.folder), documents=counts["documents"], nodes=counts["nodes"],
        mentions=counts["mentions"], relationships=counts["relationships"], evidence=counts["evidence"],
        fixups=counts["fixups"], constraints_created=constraints, replaced_nodes=nodes,
        import_seconds=round(import_s, 3), seconds=round(time.perf_counter() - started, 3),
        stage_seconds=seconds, report_file=str(report_file),
    )


def _with_stored_password(config: Neo4jServerConfig) -> Neo4jServerConfig:
    """*config* with the password its server uses (the one given, else the one stored beside its data)."""
    if config.password:
        return config
    try:
        stored = password_file(config).read_text(encoding="utf-8").strip()
    except OSError:
        return config
    return config.model_copy(update={"password": stored or None})


def _run_admin_import(config: Neo4jServerConfig, files: ImportFiles, *, max_memory: str, threads: int | None) -> Path:
    """Run ``neo4j-admin database import full`` on the stopped server's store; return the report file."""
    classpath = resolve_classpath(config)
    inst = instance_dir(config)
    write_conf(config)
    (inst / "logs").mkdir(parents=True, exist_ok=True)
    report = inst / "logs" / "import.report"
    log = inst / "import.out"
    cmd = [*admin_command(config, classpath), "database", "import", "full", DATABASE,
           "--overwrite-destination=true", f"--report-file={report}", f"--max-off-heap-memory={max_memory}",
           *_TUNING, *([f"--threads={threads}"] if threads else []), *files.admin_args()]
    env = {**os.environ, "NEO4J_HOME": str(inst), "NEO4J_CONF": str(inst)}
    env.pop("NEO4J_PASSWORD", None)  # the admin tool needs none
    try:
        with log.open("wb") as out:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                  cwd=files.folder)
    except FileNotFoundError:
        raise StoreError(f"`{config.java}` not found: install Java 17 (apt-get install openjdk-17-jre-headless)") from None
    except BaseException:
        _clear_store(config)
        raise
    if proc.returncode != 0:
        _clear_store(config)
        raise StoreError(
            f"neo4j-admin import failed (exit code {proc.returncode}): {_failure(log)}; the database is empty again; "
            f"see {log} and {report}, export the folder again with `kg export neo4j-import`, or load it with `kg load`"
        )
    return report


def _failure(log: Path) -> str:
    try:
        lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no output"
    causes = [ln for ln in lines if ln.startswith(("Caused by:", "org.neo4j", "java.")) or "Exception" in ln]
    return " | ".join((causes or lines)[-3:]) or "no output"


def _clear_store(config: Neo4jServerConfig) -> None:
    """Remove what a failed import left, so that the server starts on an empty database."""
    for path in _store_dirs(config):
        shutil.rmtree(path, ignore_errors=True)


def _apply_fixups(driver: Any, files: ImportFiles) -> None:
    from neo4j.exceptions import DriverError, Neo4jError  # lazy: as in kg.store.neo4j_loader

    nodes: dict[str, list[list[Any]]] = {}
    rels: dict[tuple[str, str, str], list[list[Any]]] = {}
    for row in files.fixups():
        if row[0] == "node":
            nodes.setdefault(row[1], []).append([row[2], row[3]])
        else:
            rels.setdefault((row[1], row[3], row[4]), []).append([row[2], row[5], row[6]])
    statements = [(render("import_fixup_nodes", label=label), rows) for label, rows in nodes.items()]
    statements += [(render("import_fixup_rels", subject_label=s, type=t, object_label=o), rows)
                   for (s, t, o), rows in rels.items()]
    try:
        with driver.session(database=DATABASE) as session:
            if files.empty_aliases:  # first: a list of one empty string comes from fixups.jsonl
                session.run(render("import_empty_aliases"), labels=sorted(files.empty_aliases)).consume()
            for query, rows in statements:
                for batch in chunks(rows, _FIXUP_BATCH):
                    session.execute_write(run_batch, query, {"rows": batch})
    except (Neo4jError, DriverError) as exc:
        raise StoreError(f"setting the values CSV cannot hold failed ({first_line(exc)}); "
                         "run `kg neo4j import --overwrite` again") from None
