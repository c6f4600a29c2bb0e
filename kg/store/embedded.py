"""The embedded graph database: the graph of schemas/GRAPH.md in ``ladybug``, no server.

Why ladybug (the maintained fork of Kùzu): it runs in-process from the wheel
(nothing to start or stop), bulk-loads from files with ``COPY`` (100k
relationships in about a second here) and answers the saved queries with the
same Cypher text as Neo4j once ``Union`` is back-quoted. FalkorDB would need a
redis-server process to manage and collapses parallel relationships unless
the query binds and counts them.

A database is a folder we own entirely::

    DIR/graph.lbug          the ladybug database file
    DIR/kg-embedded.json    the version marker (format, schema, engine, ontology)

It is built into a unique sibling temporary folder and swapped into place
(:mod:`kg.publish`): a failed build never leaves a half-written database
behind, a failed swap puts the old one back, and two builds of one path never
share a temporary name.

ladybug needs a schema: one node table per entity type (key ``name``), a
``Document`` table (key ``id``), one relationship table per predicate with a
FROM/TO pair for each (domain, range) pair of the ontology, and
``MENTIONED_IN`` from every entity type to ``Document``. The DDL and COPY
statements below are generated from ontology names only; every query that
reads the graph is a saved query of ``queries/``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.version import __version__
from kg.errors import IncompatibleStore, OutputError, StoreError
from kg.models import EmbeddedBuildReport, GraphData, QueryRows, SavedQuery
from kg.ontology import Ontology, load_ontology
from kg.publish import publish, staging
from kg.store.embedded_csv import (
    DOC_COLUMNS,
    MENTION_COLUMNS,
    Staged,
    node_columns,
    quoted,
    rel_columns,
    stage_graph,
)
from kg.store.queries import bind_params, get_query

__all__ = [
    "DB_FILE",
    "ENGINE",
    "MARKER_FILE",
    "SCHEMA_VERSION",
    "EmbeddedDB",
    "StagedDatabase",
    "build_embedded",
    "find_database",
    "open_embedded",
    "read_marker",
    "run_query",
    "run_saved",
    "schema_statements",
    "stage_embedded",
]

ENGINE = "ladybug"
FORMAT = "union-kg-embedded"
#: Bump whenever the layout of the embedded database changes: older databases
#: then raise IncompatibleStore and must be rebuilt.
SCHEMA_VERSION = 4  # 4: provenance on nodes and relationships, first_date/last_date on relationships
DB_FILE = "graph.lbug"
MARKER_FILE = "kg-embedded.json"

_BUILD_BUFFER_POOL = 2 << 30  # bytes; address space, only used as pages are written
_CHECKPOINT_ROWS = 1_000_000  # a build checkpoints after about this many loaded rows


# --------------------------------------------------------------------------- schema


def _columns_ddl(columns: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{quoted(c)} {t}" for c, t in columns)


def schema_statements(onto: Ontology | None = None) -> list[str]:
    """The DDL that creates an empty graph of *onto* (generated from its names only)."""
    onto = onto or load_ontology()
    stmts = [
        f"CREATE NODE TABLE {quoted(t)}({_columns_ddl(node_columns(t))}, PRIMARY KEY (name))" for t in onto.types
    ]
    stmts.append(f"CREATE NODE TABLE Document({_columns_ddl(DOC_COLUMNS)}, PRIMARY KEY (id))")
    for p in onto.predicates.values():
        pairs = ", ".join(f"FROM {quoted(s)} TO {quoted(o)}" for s in p.domain for o in p.range)
        stmts.append(f"CREATE REL TABLE {quoted(p.name)}({pairs}, {_columns_ddl(rel_columns(onto))})")
    pairs = ", ".join(f"FROM {quoted(t)} TO Document" for t in onto.types)
    stmts.append(f"CREATE REL TABLE MENTIONED_IN({pairs}, {_columns_ddl(MENTION_COLUMNS)})")
    return stmts


def _ontology_fingerprint(onto: Ontology) -> str:
    """A hash of what shapes the schema (types, predicates with domain/range, attrs)."""
    shape = {
        "types": sorted(onto.types),
        "predicates": {p.name: [sorted(p.domain), sorted(p.range)] for p in onto.predicates.values()},
        "attrs": list(onto.attrs),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def _ladybug() -> Any:
    """The ladybug module, imported on first use (a native engine, loaded only when a database is built or opened)."""
    try:
        import ladybug
    except ImportError as exc:
        raise StoreError(
            f"the embedded database engine ladybug cannot be loaded ({exc}); "
            "reinstall it with `pip install 'ladybug==0.22.0'` (see pyproject.toml)"
        ) from exc
    return ladybug


def _marker(onto: Ontology) -> dict[str, Any]:
    ladybug = _ladybug()
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "engine": ENGINE,
        "engine_version": ladybug.__version__,
        "storage_version": ladybug.storage_version,
        "ontology": _ontology_fingerprint(onto),
        "kg_version": __version__,
    }


# --------------------------------------------------------------------------- build


def _db_options(read_only: bool) -> dict[str, Any]:
    """ladybug settings: a build checkpoints once at the end, not after every COPY, on one thread.

    Checkpointing after each of the ~80 COPY statements of a build costs more than the data itself; with it off,
    dirty pages stay in the buffer pool, so that must be sized explicitly (ladybug's default pool filled up here).
    One thread: as fast beside `kg build`'s other work, and 0.04 GB less at 20k articles.
    """
    if read_only:
        return {}
    return {"auto_checkpoint": False, "buffer_pool_size": _BUILD_BUFFER_POOL, "max_num_threads": 1}


#: What ladybug says when the file is damaged, missing or of another storage
#: version: a rebuild fixes these, nothing else does.
_DAMAGED = ("not a valid", "cannot create an empty database under read only", "cannot be a directory",
            "storage version", "corrupt", "checksum", "wal file")


def _open_error(db_path: Path, exc: RuntimeError) -> StoreError:
    """The error to raise when ladybug cannot open *db_path*: say what it is, not always "rebuild"."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = msg.lower()
    if "lock" in low:
        return StoreError(
            f"{db_path.parent}: the embedded database is open in another process; close that kg command and retry"
        )
    if any(word in low for word in _DAMAGED):
        return IncompatibleStore(
            f"{db_path.parent}: the embedded database is damaged or incomplete ({msg}); rebuild it with `kg build`"
        )
    return StoreError(
        f"{db_path.parent}: the embedded database engine cannot open it ({msg}); "
        "check free memory and disk space and that the folder is readable"
    )


@contextmanager
def _connection(db_path: Path, *, read_only: bool) -> Iterator[Any]:
    ladybug = _ladybug()
    try:
        db = ladybug.Database(str(db_path), read_only=read_only, **_db_options(read_only))
        conn = ladybug.Connection(db)
    except RuntimeError as exc:
        raise _open_error(db_path, exc) from exc
    try:
        yield conn
    finally:
        conn.close()
        db.close()


def build_embedded(graph: GraphData, db_dir: Path) -> EmbeddedBuildReport:
    """Write *graph* into a new embedded database at *db_dir* (replacing an older one).

    *db_dir* must be missing, empty, or an embedded database built by kg
    (any version); anything else is refused rather than deleted. Nodes of
    unknown types and relationships outside the ontology's domain/range are
    skipped (``kg.extract.assemble`` has already dropped them with a problem entry).
    """
    with stage_embedded(graph, db_dir) as staged:
        return staged.load()


@contextmanager
def stage_embedded(graph: GraphData, db_dir: Path) -> Iterator[StagedDatabase]:
    """:func:`build_embedded` in two steps: *graph* written as CSV files here, the database made by
    ``load()`` of what this yields, from those files alone.

    The files hold all the database needs and nothing of *graph* is kept, so a caller can let the
    graph go before ladybug's copy, which takes about 0.6 GB at 100k articles. Leaving the block
    removes the files, and the database when ``load()`` was not called or failed.
    """
    started = time.perf_counter()
    db_dir = Path(db_dir)
    onto = load_ontology()
    if db_dir.exists() and not _replaceable(db_dir):
        raise OutputError(
            f"{db_dir} exists and is not a kg embedded database; choose another folder or remove it"
        )
    with staging(db_dir.parent, prefix=f".{db_dir.name}.building-") as tmp:
        stage = tmp / db_dir.name / "_stage"
        try:
            stage.mkdir(parents=True)
            staged = stage_graph(graph, stage, onto)
        except OSError as exc:
            raise OutputError(f"cannot write {db_dir}: {exc.strerror or exc}; choose a writable folder") from exc
        del graph  # (this frame lives as long as the block)
        yield StagedDatabase(db_dir, tmp, staged, onto, started)


class StagedDatabase:
    """A graph staged by :func:`stage_embedded`, to :meth:`load` into its database once."""

    def __init__(self, db_dir: Path, tmp: Path, staged: Staged, onto: Ontology, started: float) -> None:
        self.db_dir, self._tmp, self._staged, self._onto, self._started = db_dir, tmp, staged, onto, started

    def load(self) -> EmbeddedBuildReport:
        """Make the database from the staged files and swap it into place (the old one is kept on failure)."""
        db_dir, counts = self.db_dir, self._staged.counts
        try:
            _copy(self._staged.statements, self._tmp / db_dir.name, self._onto)
            marker = json.dumps(_marker(self._onto) | counts, ensure_ascii=False, indent=1)
            (self._tmp / db_dir.name / MARKER_FILE).write_text(marker, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {db_dir}: {exc.strerror or exc}; choose a writable folder") from exc
        publish(self._tmp, db_dir.parent, [db_dir.name])
        return EmbeddedBuildReport(
            db_dir=str(db_dir),
            engine=ENGINE,
            engine_version=_ladybug().__version__,
            seconds=round(time.perf_counter() - self._started, 3),
            **counts,
        )


def _replaceable(db_dir: Path) -> bool:
    if not db_dir.is_dir():
        return False
    entries = {p.name for p in db_dir.iterdir()}
    return not entries or MARKER_FILE in entries


def _copy(statements: list[tuple[str, int]], folder: Path, onto: Ontology) -> None:
    """Create the schema in *folder*'s database and run the ``COPY`` statements, then drop the staged files."""
    with _connection(folder / DB_FILE, read_only=False) as conn:
        since_checkpoint = 0
        try:
            # the schema in one transaction: a commit per table costs about three times as much
            conn.execute("BEGIN TRANSACTION")
            for ddl in schema_statements(onto):
                conn.execute(ddl)
            conn.execute("COMMIT")
        except RuntimeError as exc:
            raise StoreError(f"embedded schema failed ({str(exc).splitlines()[0]}); report this as a bug") from exc
        for stmt, rows in statements:
            try:
                conn.execute(stmt)
                since_checkpoint += rows
                if since_checkpoint >= _CHECKPOINT_ROWS:  # keeps the buffer pool from filling up
                    conn.execute("CHECKPOINT")
                    since_checkpoint = 0
            except RuntimeError as exc:
                raise StoreError(f"embedded load failed ({str(exc).splitlines()[0]}); report this as a bug") from exc
        conn.execute("CHECKPOINT")
    shutil.rmtree(folder / "_stage", ignore_errors=True)


# --------------------------------------------------------------------------- open and query


def find_database(path: Path) -> Path:
    """The database folder *path* names: itself, or the one database inside it (a ``kg build`` folder's ``graph.db``).

    Anything else is returned as given, for :func:`read_marker` to say what is wrong with it.
    """
    path = Path(path)
    if (path / MARKER_FILE).is_file() or not path.is_dir():
        return path
    inside = [p for p in sorted(path.iterdir()) if (p / MARKER_FILE).is_file()]
    return inside[0] if len(inside) == 1 else path


def read_marker(db_dir: Path) -> dict[str, Any]:
    """The version marker of the database at *db_dir*; raises when it is missing or from another version."""
    db_dir = Path(db_dir)
    marker_path = db_dir / MARKER_FILE
    if not db_dir.is_dir():
        raise StoreError(f"no embedded database at {db_dir}; build one with `kg build PATH --out DIR`")
    try:
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IncompatibleStore(
            f"{db_dir} is not a kg embedded database (no {MARKER_FILE}); rebuild with `kg build`"
        ) from None
    except ValueError as exc:
        raise IncompatibleStore(f"{marker_path}: damaged version marker ({exc}); rebuild with `kg build`") from exc
    except OSError as exc:
        raise StoreError(f"{marker_path}: cannot read the version marker ({exc.strerror or exc}); "
                         "check that the folder is readable") from exc
    expected = _marker(load_ontology())
    for key, what in (
        ("format", "format"),
        ("schema_version", "schema version"),
        ("storage_version", "ladybug storage version"),
        ("ontology", "ontology"),
    ):
        if marker.get(key) != expected[key]:
            raise IncompatibleStore(
                f"{db_dir} was built by another version of kg ({what} {marker.get(key)!r}, "
                f"this kg needs {expected[key]!r}); rebuild with `kg build`"
            )
    return marker


class EmbeddedDB:
    """An open embedded database (read-only). Use :func:`open_embedded`; close it when done."""

    engine = ENGINE

    def __init__(self, db_dir: Path) -> None:
        self.db_dir = Path(db_dir)
        self.marker = read_marker(self.db_dir)
        self._cm = _connection(self.db_dir / DB_FILE, read_only=True)
        self._conn = self._cm.__enter__()

    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryRows:
        """Run Cypher with ``$parameters``; rows keep the query's column names."""
        try:
            result = self._conn.execute(cypher, dict(params or {}))
            columns = tuple(result.get_column_names())
            rows = tuple(dict(zip(columns, row)) for row in result.get_all())
        except RuntimeError as exc:
            raise StoreError(f"embedded query failed: {str(exc).splitlines()[0]}") from exc
        return QueryRows(columns=columns, rows=rows)

    def close(self) -> None:
        if self._cm is not None:
            self._cm.__exit__(None, None, None)
            self._cm = None

    def __enter__(self) -> EmbeddedDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_embedded(db_dir: Path) -> EmbeddedDB:
    """Open the embedded database at *db_dir* read-only, after checking its version marker."""
    return EmbeddedDB(db_dir)


def run_saved(db: EmbeddedDB, query: SavedQuery, params: Mapping[str, Any] | None = None) -> QueryRows:
    """Run a saved query (validated parameters, the ladybug variant if there is one)."""
    return db.execute(query.text_for(ENGINE), bind_params(query, params))


def run_query(db: EmbeddedDB, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run the saved query *name* and return its rows as dicts (column names as on Neo4j)."""
    return [dict(r) for r in run_saved(db, get_query(name), params).rows]
