"""Load a :class:`~kg.models.GraphData` into Neo4j, idempotently and with its evidence.

The graph model is ``schemas/GRAPH.md``. The Cypher lives in ``loaders/*.cypher``
and is always parameterised; labels and relationship types cannot be
parameters, so a template holds ``{{label}}``-style placeholders that
:func:`render` fills only with names the ontology knows (``kg.ontology``).

Order of a load: uniqueness constraints, ``Document`` nodes, entity nodes
(per label; each returns its elementId), ``MENTIONED_IN`` links and
relationships (per predicate), which find their end nodes by those ids and
check their names. Few distinct statements matter: Neo4j compiles each one,
and on a small machine that costs more than writing a small corpus.

A link (``MENTIONED_IN`` or relationship) with an end node that this load
created cannot exist yet, so it is CREATEd whole (``*_new.cypher``, rows sent
as lists: no per-row lookup or comparison, no map keys to decode); only links
between nodes that were already there are merged with what the database holds.
On a first load that is every link; a re-load after a crash merges them all,
because its nodes exist by then. (So two loads of the same data must not run
at the same time; one after the other is always safe.) Each step
writes ``UNWIND $rows`` batches in managed transactions (``execute_write``,
retried on transient errors). Every statement writes a property only when its
value changes, so loading the same data twice leaves the server's counters at
zero, and a second folder merges in.

Errors::

    StoreError                 Neo4j refused a statement (names the step)
     └── ConnectionFailed      no server, wrong password, connection lost mid-load

Nothing here prints, exits or reads the environment.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, LiteralString, cast

from kg.errors import ConnectionFailed, StoreError
from kg.models import GraphData, LoadReport, Neo4jConfig, RelRecord
from kg.ontology import load_ontology
from kg.resources import data_dir

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "connect",
    "count_graph",
    "dry_run_offline",
    "load_graph",
    "load_row_by_row",
    "render",
    "wipe",
]

DEFAULT_BATCH_SIZE = 5000

#: progress(stage, rows_done, rows_total) after each batch; stages: documents, nodes, mentions, relationships
Progress = Callable[[str, int, int], None]

_COUNTERS = (
    "nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set",
    "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added",
    "constraints_removed",
)

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# --------------------------------------------------------------------------- Cypher templates


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    path = data_dir("loaders") / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"loader Cypher {path} is missing ({exc.strerror}); reinstall union-kg") from exc


def render(name: str, **names: str) -> LiteralString:
    """Return ``loaders/<name>.cypher`` with its placeholders filled by ontology names.

    ``label``, ``subject_label`` and ``object_label`` must be node types and
    ``type`` a predicate of the ontology; anything else raises
    :class:`~kg.errors.OntologyError`, so no outside text reaches the Cypher.

    >>> "`Union`" in render("constraint_entity", label="Union")
    True
    """
    onto = load_ontology()
    checked: dict[str, str] = {}
    for key, value in names.items():
        if key in ("label", "subject_label", "object_label"):
            checked[key] = onto.check_type(value)
        elif key == "type":
            checked[key] = onto.check_predicate(value)
        else:
            raise StoreError(f"unknown placeholder {{{{{key}}}}} for loaders/{name}.cypher")
        if not _NAME.fullmatch(checked[key]):  # belt and braces: names are plain identifiers
            raise StoreError(f"ontology name {value!r} is not a plain identifier; fix schemas/ontology.toml")
    text = _template(name)
    missing = set(_PLACEHOLDER.findall(text)) - checked.keys()
    if missing:
        raise StoreError(f"loaders/{name}.cypher needs {', '.join(sorted(missing))}")
    # Safe to treat as a literal: every substituted value is an ontology identifier.
    return cast(LiteralString, _PLACEHOLDER.sub(lambda m: checked[m.group(1)], text))


# --------------------------------------------------------------------------- connection


def connect(uri: str, user: str, password: str, *, max_retry_time: float = 15.0) -> Any:
    """Open a driver to Neo4j and check the address and the credentials.

    Raises :class:`ConnectionFailed` with what to do: start the server, fix the
    URI or the password. *max_retry_time* bounds how long a managed transaction
    retries when the server goes away.
    """
    import neo4j
    from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

    try:
        driver = neo4j.GraphDatabase.driver(
            uri, auth=(user, password), max_transaction_retry_time=max_retry_time,
            connection_timeout=10.0, notifications_min_severity="OFF",
        )
    except (ConfigurationError, ValueError) as exc:
        raise ConnectionFailed(
            f"invalid Neo4j URI {uri!r} ({exc}); use bolt://HOST:7687 or neo4j://HOST:7687"
        ) from None
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise ConnectionFailed(
            f"Neo4j at {uri} refused user {user!r}: wrong user or password; "
            "pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD "
            "(the `kg neo4j start` server uses neo4j / unionkg-test unless started with another)"
        ) from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise ConnectionFailed(
            f"no Neo4j answers at {uri} ({_first_line(exc)}); start one with `kg neo4j start`, "
            "or point --uri / NEO4J_URI at your Neo4j 5.x"
        ) from None
    except Neo4jError as exc:
        driver.close()
        raise ConnectionFailed(f"Neo4j at {uri} refused the connection: {exc.message or exc}") from None
    return driver


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


# --------------------------------------------------------------------------- rows


class _Rows(list):  # type: ignore[type-arg]
    """A batch of rows whose repr is short.

    The driver logs every RUN at debug level and builds that message, the repr
    of all the parameters, even when debug logging is off: for a 5000-row batch
    of evidence that took as long as packing it for the wire.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _chunks(rows: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield _Rows(rows[i : i + size])


def _rel_row(r: RelRecord, sid: str, oid: str) -> dict[str, Any]:
    """A row of relationships.cypher (merged with what the database holds)."""
    return {
        "sid": sid,
        "s": r.subject.name,
        "oid": oid,
        "o": r.object.name,
        "predicate": r.predicate,
        "attrs": dict(r.attrs),
        "evidence": [
            {"key": e.key, "doc_id": e.doc_id, "sentence": e.sentence, "start": e.start, "end": e.end,
             "extractor": e.extractor, "confidence": e.confidence}
            for e in r.evidence
        ],
    }


#: the attrs columns of relationships_new.cypher, in its order (a test checks them against the ontology)
NEW_REL_ATTRS = ("program", "amount", "count", "title", "date", "status")


def _new_rel_row(r: RelRecord, sid: str, oid: str) -> list[Any]:
    """A row of relationships_new.cypher: what relationships.cypher writes for a relationship it creates.

    As there, the best confidence starts from 0.0 and every attr takes the record's value.
    """
    ev = r.evidence
    return [
        sid, r.subject.name, oid, r.object.name, r.predicate,
        max([0.0, *(e.confidence for e in ev)]),
        [e.key for e in ev], [e.doc_id for e in ev], [e.sentence for e in ev],
        [e.start for e in ev], [e.end for e in ev], [e.extractor for e in ev],
        *(r.attrs.get(a) for a in NEW_REL_ATTRS),
    ]


class _Plan:
    """The batches of one load, grouped by statement (one template per label or type triple)."""

    def __init__(self, graph: GraphData) -> None:
        onto = load_ontology()
        self.documents = [
            {"id": d.doc_id, "title": d.title, "date": d.date, "source": d.source, "path": d.path}
            for d in graph.documents
        ]
        self.nodes: dict[str, list[dict]] = {}
        for n in graph.nodes:
            onto.check_type(n.type)
            self.nodes.setdefault(n.type, []).append(
                {"name": n.name, "type": n.type, "aliases": list(n.aliases), "doc_ids": list(n.doc_ids),
                 "province": n.province, "city": n.city, "district": n.district}
            )
        self.mentions = [
            {"type": onto.check_type(m.type), "name": m.name, "doc_id": m.doc_id, "mentions": m.mentions}
            for m in graph.mentions
        ]
        self.rels: dict[str, list[RelRecord]] = {}
        for r in graph.rels:
            onto.check_type(r.subject.type)
            onto.check_type(r.object.type)
            self.rels.setdefault(onto.check_predicate(r.predicate), []).append(r)
        self.labels = sorted(onto.types)


# --------------------------------------------------------------------------- load


def _run(tx: Any, query: LiteralString, rows: list[dict]) -> tuple[dict[str, Any], dict[str, int]]:
    result = tx.run(query, rows=rows)
    record = result.single()
    summary = result.consume()
    values = {k: (v if isinstance(v, list) else int(v or 0)) for k, v in (record.data() if record else {}).items()}
    return values, {k: int(getattr(summary.counters, k, 0)) for k in _COUNTERS}


class _Writer:
    """Runs batches either in managed write transactions or in one transaction to roll back."""

    def __init__(self, session: Any, tx: Any | None, progress: Progress | None, total: dict[str, int]) -> None:
        self.session = session
        self.tx = tx
        self.progress = progress
        self.total = total
        self.done: dict[str, int] = {}
        self.counters: dict[str, int] = {k: 0 for k in _COUNTERS}
        self.batches = 0
        self.seconds: dict[str, float] = {}

    def write(self, stage: str, query: LiteralString, rows: list[dict]) -> dict[str, Any]:
        started = time.perf_counter()
        if self.tx is not None:
            values, counters = _run(self.tx, query, rows)
        else:
            values, counters = self.session.execute_write(_run, query, rows)
        self.batches += 1
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
        for k, v in counters.items():
            self.counters[k] += v
        self.done[stage] = self.done.get(stage, 0) + len(rows)
        if self.progress is not None:
            self.progress(stage, self.done[stage], self.total[stage])
        return values


def _constraint_queries(labels: Iterable[str]) -> list[tuple[str, LiteralString]]:
    queries: list[tuple[str, LiteralString]] = [("Document", render("constraint_document"))]
    queries += [(label, render("constraint_entity", label=label)) for label in labels]
    return queries


def _index_queries() -> list[LiteralString]:
    """The statements of ``loaders/indexes.cypher`` (indexes the saved queries use), one by one."""
    text = "\n".join(line for line in render("indexes").splitlines() if not line.lstrip().startswith("//"))
    return [cast(LiteralString, stmt.strip()) for stmt in text.split(";") if stmt.strip()]


def _existing_constraints(session: Any) -> set[str]:
    result = session.run(render("show_constraints"))
    return {r["label"] for r in result if r["property"] in ("name", "id")}


def load_graph(
    driver_or_config: Any,
    graph: GraphData,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Load *graph* into Neo4j and report what was created or changed.

    *driver_or_config* is an open ``neo4j.Driver`` (left open) or a
    :class:`~kg.models.Neo4jConfig` (connected and closed here). Loading the
    same graph twice reports nothing created or updated. With *dry_run* the
    same statements run in one transaction that is rolled back, so the counts
    compare against what the database holds; when it cannot be reached, the
    counts assume an empty database (``compared_to_database=False``).
    """
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, not {batch_size}")
    plan = _Plan(graph)  # validates every label and type before anything is written
    own_driver = not hasattr(driver_or_config, "session")
    if own_driver:
        config = driver_or_config if isinstance(driver_or_config, Neo4jConfig) else Neo4jConfig(**driver_or_config)
        try:
            driver = connect(config.uri, config.user, config.password)
        except ConnectionFailed as exc:
            if dry_run:
                return dry_run_offline(graph, uri=config.uri, database=database, reason=str(exc))
            raise
    else:
        driver = driver_or_config
    uri = _driver_uri(driver)
    try:
        with _gc_paused():
            return _load(driver, plan, uri=uri, database=database, batch_size=batch_size, dry_run=dry_run,
                         progress=progress)
    finally:
        if own_driver:
            driver.close()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows are built and sent.

    A load allocates a few lists per row; each allocation burst triggers full
    collections that walk every object of the caller's graph (millions for 10^5
    relationships), which took more time than building the rows. The rows hold
    no cycles, so nothing waits for the collector; it is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _driver_uri(driver: Any) -> str:
    try:
        address = driver.get_server_info().address
        return f"bolt://{address[0]}:{address[1]}"
    except Exception:  # noqa: BLE001 - only used in messages
        return "Neo4j"


def _load(driver: Any, plan: _Plan, *, uri: str, database: str | None, batch_size: int, dry_run: bool,
          progress: Progress | None) -> LoadReport:
    from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    started = time.perf_counter()
    total = {
        "documents": len(plan.documents),
        "nodes": sum(map(len, plan.nodes.values())),
        "mentions": len(plan.mentions),
        "relationships": sum(map(len, plan.rels.values())),
    }
    counts: dict[str, int] = {}
    stage = "constraints"
    writer: _Writer | None = None

    def add(prefix: str, values: dict[str, int]) -> None:
        counts[f"{prefix}_created"] = counts.get(f"{prefix}_created", 0) + values.get("created", 0)
        counts[f"{prefix}_updated"] = counts.get(f"{prefix}_updated", 0) + values.get("updated", 0)

    try:
        with driver.session(database=database) as session:
            constraints = 0
            if dry_run:
                have = _existing_constraints(session)
                constraints = sum(1 for label, _ in _constraint_queries(plan.labels) if label not in have)
            else:
                for _, query in _constraint_queries(plan.labels):
                    constraints += session.run(query).consume().counters.constraints_added
                for query in _index_queries():
                    session.run(query).consume()
            tx = session.begin_transaction() if dry_run else None
            try:
                writer = _Writer(session, tx, progress, total)
                stage = "documents"
                # Links of a document or node this load created cannot exist yet: they are
                # created without looking (the *_new statements); only the others are merged.
                doc_ids: dict[str, str] = {}  # document id -> elementId
                new_docs: set[str] = set()
                for rows in _chunks(plan.documents, batch_size):
                    values = writer.write(stage, render("documents"), rows)
                    add("documents", values)
                    for doc_id, eid, created in values.get("ids", []):
                        doc_ids[doc_id] = eid
                        if created:
                            new_docs.add(doc_id)
                stage = "nodes"
                # elementIds of this load's nodes: the later steps find nodes by id, so
                # they need one statement per predicate, not per pair of labels.
                ids: dict[tuple[str, str], str] = {}
                new_nodes: set[str] = set()
                for label, node_rows in plan.nodes.items():
                    query = render("nodes", label=label)
                    for rows in _chunks(node_rows, batch_size):
                        values = writer.write(stage, query, rows)
                        add("nodes", values)
                        for name, eid, created in values.get("ids", []):
                            ids[(label, name)] = eid
                            if created:
                                new_nodes.add(eid)
                stage = "mentions"
                create_mentions: list[list[Any]] = []
                merge_mentions: list[dict[str, Any]] = []
                linked: set[tuple[str, str]] = set()
                skipped = 0
                for m in plan.mentions:
                    nid, did = ids.get((m["type"], m["name"])), doc_ids.get(m["doc_id"])
                    if nid is None:
                        skipped += 1
                    elif (did is not None and (nid in new_nodes or m["doc_id"] in new_docs)
                          and (nid, did) not in linked):
                        linked.add((nid, did))
                        create_mentions.append([nid, m["name"], did, m["doc_id"], m["mentions"]])
                    else:  # an older link, a document of an earlier load (or none), a repeat: merge
                        merge_mentions.append({"nid": nid, "name": m["name"], "doc_id": m["doc_id"],
                                               "mentions": m["mentions"]})
                query = render("mentions_new")
                for rows in _chunks(create_mentions, batch_size):
                    values = writer.write(stage, query, rows)
                    counts["mentions_created"] = counts.get("mentions_created", 0) + values.get("rows", 0)
                    skipped += len(rows) - values.get("rows", 0)
                query = render("mentions")
                for rows in _chunks(merge_mentions, batch_size):
                    values = writer.write(stage, query, rows)
                    add("mentions", values)
                    skipped += len(rows) - values.get("rows", 0)
                stage = "relationships"
                evidence = 0
                for pred, rels in plan.rels.items():
                    create_rows: list[list[Any]] = []
                    merge_rows: list[dict[str, Any]] = []
                    pairs: set[tuple[str, str]] = set()
                    for r in rels:
                        sid, oid = ids.get((r.subject.type, r.subject.name)), ids.get((r.object.type, r.object.name))
                        if sid is None or oid is None:
                            raise StoreError(
                                f"relationship {r.subject.name} {pred} {r.object.name} names an entity that is not "
                                "among the graph's nodes; assemble the graph with kg.assemble (it adds every endpoint)"
                            )
                        if (sid in new_nodes or oid in new_nodes) and (sid, oid) not in pairs:
                            pairs.add((sid, oid))
                            create_rows.append(_new_rel_row(r, sid, oid))
                        else:  # both ends were there before (or the same triple twice): merge
                            merge_rows.append(_rel_row(r, sid, oid))
                    # Batches that touch nodes in one order lock them in one order, and
                    # neighbouring rows hit the same store pages.
                    create_rows.sort(key=lambda row: (row[0], row[2]))
                    merge_rows.sort(key=lambda row: (row["sid"], row["oid"]))
                    batches = [(render("relationships_new", type=pred), rows)
                               for rows in _chunks(create_rows, batch_size)]
                    batches += [(render("relationships", type=pred), rows)
                                for rows in _chunks(merge_rows, batch_size)]
                    for query, rows in batches:
                        values = writer.write(stage, query, rows)
                        if values.get("rows", 0) != len(rows):
                            raise StoreError(
                                f"{len(rows) - values.get('rows', 0)} {pred} relationships lost an end node "
                                "during the load (was the database changed meanwhile?); re-run the same `kg load`"
                            )
                        if "created" in values:
                            add("rels", values)
                            evidence += values.get("evidence_added", 0)
                        else:  # relationships_new: every row created, with all its evidence
                            counts["rels_created"] = counts.get("rels_created", 0) + len(rows)
                            evidence += sum(len(row[6]) for row in rows)
            finally:
                if tx is not None:
                    tx.rollback()
                    tx.close()
    except AuthError:
        raise ConnectionFailed(
            f"Neo4j at {uri} refused the credentials; pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, SessionExpired) as exc:
        done = f"{writer.batches} batches written" if writer else "before the first batch"
        raise ConnectionFailed(
            f"lost the connection to Neo4j at {uri} while loading {stage} ({done}; {_first_line(exc)}); "
            "start the server again (`kg neo4j start`) and re-run the same `kg load`: "
            "loading is idempotent, so nothing is duplicated"
        ) from None
    except Neo4jError as exc:
        code = exc.code or ""
        if code.endswith("DatabaseNotFound"):
            raise StoreError(
                f"database {database!r} does not exist on {uri}; create it or omit --database "
                "(Neo4j Community has only 'neo4j')"
            ) from None
        raise StoreError(f"Neo4j refused the {stage} step: {exc.message or exc} ({code})") from None
    except DriverError as exc:
        raise ConnectionFailed(
            f"Neo4j at {uri} failed while loading {stage} ({_first_line(exc)}); "
            "check the server and re-run the same `kg load` (it is idempotent)"
        ) from None
    assert writer is not None
    return LoadReport(
        uri=uri,
        database=database,
        dry_run=dry_run,
        compared_to_database=True,
        note="dry run: every statement ran in one transaction that was rolled back" if dry_run else "",
        constraints_created=constraints,
        documents_created=counts.get("documents_created", 0),
        documents_updated=counts.get("documents_updated", 0),
        nodes_created=counts.get("nodes_created", 0),
        nodes_updated=counts.get("nodes_updated", 0),
        mentions_created=counts.get("mentions_created", 0),
        mentions_updated=counts.get("mentions_updated", 0),
        rels_created=counts.get("rels_created", 0),
        rels_updated=counts.get("rels_updated", 0),
        evidence_added=evidence,
        mentions_skipped=skipped,
        batches=writer.batches,
        seconds=round(time.perf_counter() - started, 3),
        counters={} if dry_run else writer.counters,
        stage_seconds={k: round(v, 3) for k, v in writer.seconds.items()},
    )


def dry_run_offline(graph: GraphData, *, uri: str = "", database: str | None = None, reason: str = "") -> LoadReport:
    """What a load of *graph* would create in an empty database (no server needed)."""
    doc_ids = {d.doc_id for d in graph.documents}
    skipped = sum(1 for m in graph.mentions if m.doc_id not in doc_ids)
    note = "counts assume an empty database"
    if reason:
        note = f"database not reachable ({reason}); {note}"
    return LoadReport(
        uri=uri,
        database=database,
        dry_run=True,
        compared_to_database=False,
        note=note,
        constraints_created=len(load_ontology().types) + 1,
        documents_created=len(graph.documents),
        nodes_created=len(graph.nodes),
        mentions_created=len(graph.mentions) - skipped,
        rels_created=len(graph.rels),
        evidence_added=sum(len(r.evidence) for r in graph.rels),
        mentions_skipped=skipped,
    )


# --------------------------------------------------------------------------- benchmark and test helpers


def load_row_by_row(driver: Any, graph: GraphData, *, database: str | None = None) -> LoadReport:
    """The naive loader the benchmark compares against: one auto-commit MERGE per relationship."""
    from neo4j.exceptions import DriverError, Neo4jError

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
        raise StoreError(f"row-by-row load failed: {_first_line(exc)}") from None
    return LoadReport(uri=_driver_uri(driver), database=database, rels_created=created,
                      batches=len(graph.rels), seconds=round(time.perf_counter() - started, 3))


def wipe(driver: Any, *, database: str | None = None) -> None:
    """Delete everything in the database (tests and benchmarks on a scratch server only)."""
    with driver.session(database=database) as session:
        session.run(render("wipe")).consume()


def count_graph(driver: Any, *, database: str | None = None) -> tuple[int, int]:
    """(nodes, relationships) in the whole database."""
    with driver.session(database=database) as session:
        record = session.run(render("counts")).single()
    return (int(record["nodes"]), int(record["relationships"])) if record else (0, 0)
