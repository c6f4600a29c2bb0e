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

import csv
import hashlib
import json
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.version import __version__
from kg.errors import IncompatibleStore, OutputError, StoreError
from kg.models import EmbeddedBuildReport, GraphData, QueryRows, RelRecord, SavedQuery
from kg.ontology import Ontology, load_ontology
from kg.publish import publish, staging
from kg.store.queries import bind_params, get_query

__all__ = [
    "DB_FILE",
    "ENGINE",
    "MARKER_FILE",
    "SCHEMA_VERSION",
    "EmbeddedDB",
    "build_embedded",
    "find_database",
    "open_embedded",
    "read_marker",
    "run_query",
    "run_saved",
    "schema_statements",
]

ENGINE = "ladybug"
FORMAT = "union-kg-embedded"
#: Bump whenever the layout of the embedded database changes: older databases
#: then raise IncompatibleStore and must be rebuilt.
SCHEMA_VERSION = 4  # 4: provenance on nodes and relationships, first_date/last_date on relationships
DB_FILE = "graph.lbug"
MARKER_FILE = "kg-embedded.json"

# Lists travel through CSV as one field: items joined by the unit separator,
# each item prefixed with "i" so that empty items survive (ladybug's
# string_split drops empty pieces). The separator is removed from the data.
_SEP = "\x1f"
_BUILD_BUFFER_POOL = 2 << 30  # bytes; address space, only used as pages are written
_CHECKPOINT_ROWS = 1_000_000  # a build checkpoints after about this many loaded rows
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_NODE_COLUMNS = (
    ("name", "STRING"),
    ("type", "STRING"),
    ("aliases", "STRING[]"),
    ("doc_count", "INT64"),
    ("province", "STRING"),
    ("city", "STRING"),
    ("district", "STRING"),
    ("scope", "STRING"),
    ("unresolved", "BOOLEAN"),
    ("provenance", "STRING"),
)
#: Derived node properties that saved queries read instead of joining at query
#: time; Neo4j gets the same from loaders/derive_<what>.cypher after a load.
_DERIVED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    # programs_across_regions (loaders/derive_program_regions.cypher)
    "Program": (("region_count", "INT64"), ("regions", "STRING[]"), ("region_organisers", "STRING[]")),
}
_DOC_COLUMNS = (("id", "STRING"), ("title", "STRING"), ("date", "STRING"), ("source", "STRING"), ("path", "STRING"))
_REL_COLUMNS = (
    ("predicate", "STRING"),
    ("confidence", "DOUBLE"),
    ("evidence_count", "INT64"),
    ("ev_keys", "STRING[]"),
    ("ev_doc_ids", "STRING[]"),
    ("ev_sentences", "STRING[]"),
    ("ev_starts", "INT64[]"),
    ("ev_ends", "INT64[]"),
    ("ev_extractors", "STRING[]"),
    ("first_date", "STRING"),
    ("last_date", "STRING"),
    ("provenance", "STRING"),
)
_MENTION_COLUMNS = (("mentions", "INT64"),)


# --------------------------------------------------------------------------- schema


def _q(name: str) -> str:
    """Back-quote an ontology name (``Union`` is reserved in ladybug)."""
    if not _IDENT.match(name):
        raise StoreError(f"ontology name {name!r} cannot be a table name; use letters, digits and _")
    return f"`{name}`"


def _rel_columns(onto: Ontology) -> tuple[tuple[str, str], ...]:
    return _REL_COLUMNS + tuple((a, "STRING") for a in onto.attrs)


def _node_columns(type_: str) -> tuple[tuple[str, str], ...]:
    return _NODE_COLUMNS + _DERIVED_COLUMNS.get(type_, ())


def _columns_ddl(columns: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{_q(c)} {t}" for c, t in columns)


def schema_statements(onto: Ontology | None = None) -> list[str]:
    """The DDL that creates an empty graph of *onto* (generated from its names only)."""
    onto = onto or load_ontology()
    stmts = [
        f"CREATE NODE TABLE {_q(t)}({_columns_ddl(_node_columns(t))}, PRIMARY KEY (name))" for t in onto.types
    ]
    stmts.append(f"CREATE NODE TABLE Document({_columns_ddl(_DOC_COLUMNS)}, PRIMARY KEY (id))")
    for p in onto.predicates.values():
        pairs = ", ".join(f"FROM {_q(s)} TO {_q(o)}" for s in p.domain for o in p.range)
        stmts.append(f"CREATE REL TABLE {_q(p.name)}({pairs}, {_columns_ddl(_rel_columns(onto))})")
    pairs = ", ".join(f"FROM {_q(t)} TO Document" for t in onto.types)
    stmts.append(f"CREATE REL TABLE MENTIONED_IN({pairs}, {_columns_ddl(_MENTION_COLUMNS)})")
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


# --------------------------------------------------------------------------- CSV staging


def _str(value: str | None) -> str | None:
    return value if value is None or _SEP not in value else value.replace(_SEP, " ")


def _list(items: Iterable[Any]) -> str | None:
    """A list as one CSV field (None for an empty list); see ``_SEP``.

    >>> _list(["a", "", "b"]) == "ia\x1fi\x1fib"
    True
    """
    items = [str(v) for v in items]
    if not items:
        return None
    joined = "\x1fi".join(items)
    if joined.count(_SEP) != len(items) - 1:  # the data itself holds a separator
        joined = "\x1fi".join(v.replace(_SEP, " ") for v in items)
    return "i" + joined


def _write_csv(path: Path, rows: Iterable[Iterable[Any]]) -> int:
    """Write rows (already encoded with :func:`_list`/:func:`_str`); None and "" both load as null."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        n = 0
        for row in rows:
            w.writerow(row)
            n += 1
    return n


class _Tables:
    """Staged CSV files, one per key, written row by row as :func:`_write_csv` writes them: no row is
    held in memory (the facts' rows carry every evidence sentence of the corpus once more)."""

    def __init__(self, stage: Path, name: str) -> None:
        self.stage, self.name = stage, name
        self.counts: dict[Any, int] = {}
        self._files: dict[Any, Any] = {}
        self._writers: dict[Any, Any] = {}

    def path(self, key: Any) -> Path:
        return self.stage / self.name.format(*(key if isinstance(key, tuple) else (key,)))

    def add(self, key: Any, row: Iterable[Any]) -> None:
        w = self._writers.get(key)
        if w is None:
            fh = self._files[key] = self.path(key).open("w", encoding="utf-8", newline="")
            w = self._writers[key] = csv.writer(fh, lineterminator="\n")
            self.counts[key] = 0
        w.writerow(row)
        self.counts[key] += 1

    def close(self) -> dict[Any, int]:
        """Rows written per key, in the order the keys came; every file closed."""
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        self._writers.clear()
        return self.counts


def _copy_statement(
    table: str, columns: tuple[tuple[str, str], ...], path: Path, *, endpoints: tuple[str, str] | None
) -> str:
    """``COPY table FROM (LOAD ... RETURN ...)`` for a staged CSV (names from the ontology only)."""
    load_cols = []
    exprs = []
    if endpoints is not None:
        load_cols += ["`_from` STRING", "`_to` STRING"]
        exprs += ["`_from`", "`_to`"]
    for i, (_, typ) in enumerate(columns):
        c = f"c{i}"
        if typ.endswith("[]"):
            load_cols.append(f"{c} STRING")
            # substring(x, 2, size(x)) inside the lambda returns '' on some rows in
            # ladybug 0.22 (size() in a lambda misbehaves across vectors); a constant
            # length longer than any field avoids it.
            item = "substring(x, 2, 1000000000)"
            if typ == "INT64[]":
                item = f"CAST({item} AS INT64)"
            exprs.append(
                f"CASE WHEN {c} IS NULL THEN CAST([] AS {typ}) "
                f"ELSE list_transform(string_split({c}, '{_SEP}'), x -> {item}) END"
            )
        else:
            load_cols.append(f"{c} {typ}")
            exprs.append(c)
    literal = str(path).replace("\\", "\\\\").replace("'", "\\'")
    stmt = (
        f"COPY {_q(table)} FROM (LOAD WITH HEADERS ({', '.join(load_cols)}) FROM '{literal}' "
        f"(header=false, parallel=false) RETURN {', '.join(exprs)})"
    )
    if endpoints is not None:
        stmt += f" (from='{endpoints[0]}', to='{endpoints[1]}')"
    return stmt


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
    started = time.perf_counter()
    db_dir = Path(db_dir)
    onto = load_ontology()
    if db_dir.exists() and not _replaceable(db_dir):
        raise OutputError(
            f"{db_dir} exists and is not a kg embedded database; choose another folder or remove it"
        )
    with staging(db_dir.parent, prefix=f".{db_dir.name}.building-") as tmp:
        try:
            counts = _load(graph, tmp / db_dir.name, onto)
            marker = json.dumps(_marker(onto) | counts, ensure_ascii=False, indent=1)
            (tmp / db_dir.name / MARKER_FILE).write_text(marker, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {db_dir}: {exc.strerror or exc}; choose a writable folder") from exc
        publish(tmp, db_dir.parent, [db_dir.name])  # the old database is swapped out, or kept on failure
    return EmbeddedBuildReport(
        db_dir=str(db_dir),
        engine=ENGINE,
        engine_version=_ladybug().__version__,
        seconds=round(time.perf_counter() - started, 3),
        **counts,
    )


def _replaceable(db_dir: Path) -> bool:
    if not db_dir.is_dir():
        return False
    entries = {p.name for p in db_dir.iterdir()}
    return not entries or MARKER_FILE in entries


def _load(graph: GraphData, folder: Path, onto: Ontology) -> dict[str, int]:
    stage = folder / "_stage"
    try:
        stage.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"cannot write {folder}: {exc.strerror or exc}; choose a writable folder") from exc
    keys = {(n.type, n.name) for n in graph.nodes if n.type in onto.types}
    rel_columns = _rel_columns(onto)
    statements: list[tuple[str, int]] = []  # (COPY statement, rows it loads)

    program_regions = _derived_program_regions(graph, onto, keys) if "Program" in onto.types else {}
    by_type = _Tables(stage, "node_{}.csv")
    for n in graph.nodes:
        if n.type in onto.types:
            row: tuple = (_str(n.name), n.type, _list(a for a in n.aliases if a), len(n.doc_ids),
                          _str(n.province), _str(n.city), _str(n.district), _str(n.scope),
                          "true" if n.unresolved else "false", n.provenance)
            if n.type == "Program":
                regions, organisers = program_regions.get(n.name, ((), ()))
                row += (len(regions), _list(_str(r) for r in regions), _list(_str(o) for o in organisers))
            by_type.add(n.type, row)
    for t, n_rows in by_type.close().items():
        statements.append((_copy_statement(t, _node_columns(t), by_type.path(t), endpoints=None), n_rows))

    docs = {d.doc_id: d for d in graph.documents}
    if docs:
        path = stage / "documents.csv"
        n = _write_csv(path, ((_str(d.doc_id), _str(d.title), _str(d.date), _str(d.source), _str(d.path))
                              for d in docs.values()))
        statements.append((_copy_statement("Document", _DOC_COLUMNS, path, endpoints=None), n))

    groups = _Tables(stage, "rel_{}_{}_{}.csv")
    skipped = 0
    for r in graph.rels:
        if not _loadable(r, onto, keys):
            skipped += 1
            continue
        s, o = r.subject, r.object
        ev = r.evidence
        row = (
            _str(s.name), _str(o.name), r.predicate, float(r.confidence), len(ev),
            _list(f"{e.doc_id}:{e.start}:{e.end}" for e in ev), _list(e.doc_id for e in ev),
            _list(e.sentence for e in ev), _list(e.start for e in ev), _list(e.end for e in ev),
            _list(e.extractor for e in ev), r.first_date, r.last_date, r.provenance,
            *(_str(r.attrs.get(a)) for a in onto.attrs),
        )
        groups.add((r.predicate, s.type, o.type), row)
    n_rels = 0
    for (p, st, ot), n in sorted(groups.close().items()):
        n_rels += n
        statements.append((_copy_statement(p, rel_columns, groups.path((p, st, ot)), endpoints=(st, ot)), n))

    mention_groups = _Tables(stage, "mentioned_{}.csv")
    for m in graph.mentions:
        if (m.type, m.name) in keys and m.doc_id in docs:
            mention_groups.add(m.type, (_str(m.name), _str(m.doc_id), m.mentions))
    n_mentions = 0
    for t, n in sorted(mention_groups.close().items()):
        n_mentions += n
        statements.append((_copy_statement("MENTIONED_IN", _MENTION_COLUMNS, mention_groups.path(t),
                                            endpoints=(t, "Document")), n))

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
    shutil.rmtree(stage, ignore_errors=True)
    return {
        "nodes": sum(by_type.counts.values()),
        "relationships": n_rels,
        "documents": len(docs),
        "mentions": n_mentions,
        "skipped": skipped,
    }


def _loadable(r: RelRecord, onto: Ontology, keys: set[tuple[str, str]]) -> bool:
    """A relationship the build loads: the ontology allows it and both ends are loaded nodes."""
    s, o = r.subject, r.object
    return onto.allows(s.type, r.predicate, o.type) and (s.type, s.name) in keys and (o.type, o.name) in keys


def _derived_program_regions(
    graph: GraphData, onto: Ontology, keys: set[tuple[str, str]]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per program name: (regions, region_organisers), both sorted, as loaders/derive_program_regions.cypher.

    Regions are the Region nodes its organisers (subjects of RUNS into it) are
    IN_REGION of; region_organisers the names of the organisers with at least
    one. Only relationships the build loads count (in the ontology, both ends
    loaded).
    """
    regions_of: dict[tuple[str, str], set[str]] = {}
    organisers_of: dict[str, set[tuple[str, str]]] = {}
    for r in graph.rels:
        if r.predicate == "IN_REGION" and r.object.type == "Region" and _loadable(r, onto, keys):
            regions_of.setdefault((r.subject.type, r.subject.name), set()).add(r.object.name)
        elif r.predicate == "RUNS" and r.object.type == "Program" and _loadable(r, onto, keys):
            organisers_of.setdefault(r.object.name, set()).add((r.subject.type, r.subject.name))
    out: dict[str, tuple[list[str], list[str]]] = {}
    for program, organisers in organisers_of.items():
        regions: set[str] = set()
        names: set[str] = set()
        for o in organisers:
            if regions_of.get(o):
                regions |= regions_of[o]
                names.add(o[1])
        out[program] = (sorted(regions), sorted(names))
    return out


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
