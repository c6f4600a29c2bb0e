"""Load a :class:`~kg.models.GraphData` into Neo4j, idempotently and with its evidence.

The graph model is ``schemas/GRAPH.md``. The Cypher lives in ``loaders/*.cypher``
and is always parameterised; labels and relationship types cannot be
parameters, so a template holds ``{{label}}``-style placeholders that
:func:`kg.store.loader_cypher.render` fills only with names the ontology knows.
What a load writes is validated and grouped first (:mod:`kg.store.load_plan`);
batches go through :mod:`kg.store.neo4j_writer`.

Order of a load: uniqueness constraints, ``Document`` nodes, entity nodes
(per label), ``MENTIONED_IN`` links and relationships (per predicate). Each
step first looks up what the database already has (``*_lookup.cypher``, index
seeks) and then writes in ``UNWIND $rows`` batches inside managed transactions
(``execute_write``, retried on transient errors):

- what is new is CREATEd whole, with no per-row comparison (``*_new.cypher``,
  rows sent as lists: no map keys to decode): a new node together with its
  ``MENTIONED_IN`` links in one statement, and every relationship with a new
  end node, which cannot exist yet;
- what was already there is merged (``documents``, ``nodes``, ``mentions``,
  ``relationships``.cypher): a property is written only when its value
  changes, evidence is appended only when its key is new, so loading the same
  data twice leaves the server's counters at zero and a second folder merges in.

Later steps find nodes by the elementIds that earlier steps returned (and check
their names), so there is one statement per predicate, not per pair of labels:
Neo4j compiles each distinct statement, and on a small machine that costs more
than writing a small corpus. Rows of the next batch are built in a thread while
Neo4j writes the current one (:func:`kg.store.neo4j_writer.prefetch`).

A re-load after a crash finds the nodes that were committed (with their links)
and merges the rest. Two loads of the same new data must not run at the same
time: the second stops at the uniqueness constraint (re-run it afterwards).

Errors::

    StoreError                 Neo4j refused a statement (names the step)
     └── ConnectionFailed      no server, wrong password, connection lost mid-load

Nothing here prints, exits or reads the environment.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, LiteralString, cast

from kg.errors import ConnectionFailed, CredentialsRejected, StoreError
from kg.models import GraphData, LoadReport, Neo4jConfig
from kg.ontology import load_ontology
from kg.store.load_plan import LoadPlan, chunks, new_node_row, new_rel_row, node_row, rel_row
from kg.store.loader_cypher import render
from kg.store.neo4j_writer import Batch, BatchWriter, Progress, batches_of

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "apply_schema",
    "connect",
    "count_graph",
    "dry_run_offline",
    "load_graph",
    "wipe",
]

DEFAULT_BATCH_SIZE = 5000


# --------------------------------------------------------------------------- connection


def connect(uri: str, user: str, password: str, *, max_retry_time: float = 15.0) -> Any:
    """Open a driver to Neo4j and check the address and the credentials.

    Raises :class:`ConnectionFailed` with what to do: start the server, fix the
    URI or the password. *max_retry_time* bounds how long a managed transaction
    retries when the server goes away.
    """
    import neo4j  # lazy: the driver loads only when something talks to Neo4j
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
        raise CredentialsRejected(
            f"Neo4j at {uri} refused user {user!r}: wrong user or password; "
            "pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD "
            "(a `kg neo4j start` server keeps its password in <home>/<port>/password, which kg reads "
            "when no password is given: pass --neo4j-home or set KG_NEO4J_HOME if its home is not .neo4j)"
        ) from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise ConnectionFailed(
            f"no Neo4j answers at {uri} ({first_line(exc)}); start one with `kg neo4j start`, "
            "or point --uri / NEO4J_URI at your Neo4j 5.x"
        ) from None
    except Neo4jError as exc:
        driver.close()
        raise ConnectionFailed(f"Neo4j at {uri} refused the connection: {exc.message or exc}") from None
    return driver


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _constraint_queries(labels: Iterable[str]) -> list[tuple[str, LiteralString]]:
    queries: list[tuple[str, LiteralString]] = [("Document", render("constraint_document"))]
    queries += [(label, render("constraint_entity", label=label)) for label in labels]
    return queries


def _index_queries() -> list[LiteralString]:
    """The statements of ``loaders/indexes.cypher`` (indexes the saved queries use), one by one."""
    text = "\n".join(line for line in render("indexes").splitlines() if not line.lstrip().startswith("//"))
    return [cast(LiteralString, stmt.strip()) for stmt in text.split(";") if stmt.strip()]


def apply_schema(session: Any, labels: Iterable[str]) -> int:
    """Create the uniqueness constraints and the indexes a load needs (``loaders/constraint_*``, ``indexes``)
    where they are missing; return how many constraints were created."""
    constraints = 0
    for _, query in _constraint_queries(labels):
        constraints += session.run(query).consume().counters.constraints_added
    for query in _index_queries():
        session.run(query).consume()
    return constraints


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
    plan = LoadPlan(graph)  # validates every label and type before anything is written
    own_driver = not hasattr(driver_or_config, "session")
    if own_driver:
        config = driver_or_config if isinstance(driver_or_config, Neo4jConfig) else Neo4jConfig(**driver_or_config)
        try:
            driver = connect(config.uri, config.user, config.password)
        except CredentialsRejected:
            raise  # the server answers: a preview against nothing would hide the wrong password
        except ConnectionFailed as exc:
            if dry_run:
                return dry_run_offline(graph, uri=config.uri, database=database, reason=str(exc))
            raise
    else:
        driver = driver_or_config
    uri = driver_uri(driver)
    try:
        with _gc_paused():
            report = _load(driver, plan, uri=uri, database=database, batch_size=batch_size, dry_run=dry_run,
                           progress=progress)
            return report.model_copy(update={"identity": graph.identity, "curation": graph.curation})
    finally:
        if own_driver:
            driver.close()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off the caller's objects while rows are built and sent.

    A load allocates a few lists per row; each allocation burst triggers full
    collections that walk every object of the caller's graph (millions for 10^5
    relationships), which took more time than building the rows. Freezing
    moves the objects that exist now out of the collector's sight
    (``gc.freeze``); the collector itself stays on for everything else in the
    process, and the objects are handed back afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def driver_uri(driver: Any) -> str:
    try:
        address = driver.get_server_info().address
        return f"bolt://{address[0]}:{address[1]}"
    except Exception:  # noqa: BLE001 - only used in messages
        return "Neo4j"


class _Load:
    """The steps of one load and what they learn: elementIds found or created, what is new, counts.

    A document or node that this load creates has no links yet, so its links are
    created without looking (the ``*_new`` statements); only links of what was
    already there are merged with what the database holds (``nodes``,
    ``mentions``, ``relationships``.cypher). Later steps find nodes by the
    elementIds that earlier steps returned, so they need one statement per
    predicate rather than one per pair of labels.
    """

    def __init__(self, writer: BatchWriter, plan: LoadPlan, batch_size: int) -> None:
        self.w = writer
        self.plan = plan
        self.size = batch_size
        self.counts: dict[str, int] = {}
        self.doc_ids: dict[str, str] = {}  # document id -> elementId
        self.new_docs: set[str] = set()  # document ids this load created
        self.ids: dict[tuple[str, str], str] = {}  # (label, name) -> elementId
        self.new_nodes: set[str] = set()  # elementIds of nodes this load created ...
        self.inlined: set[str] = set()  # ... with their links, by nodes_new.cypher
        self.skipped = 0
        self.evidence = 0

    def _add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def _merged(self, prefix: str, values: dict[str, Any]) -> None:
        self._add(f"{prefix}_created", values.get("created", 0))
        self._add(f"{prefix}_updated", values.get("updated", 0))

    def documents(self) -> None:
        stage, docs = "documents", self.plan.documents
        self.doc_ids = self.w.lookup(render("documents_lookup"), list(docs), self.size)
        fresh = [{k: v for k, v in d.items() if v is not None} for i, d in docs.items() if i not in self.doc_ids]
        known = [d for i, d in docs.items() if i in self.doc_ids]
        batches = chain(batches_of("new", "", render("documents_new"), fresh, self.size),
                        batches_of("merge", "", render("documents"), known, self.size))
        for kind, _, _, values in self.w.write_all(stage, batches):
            if kind == "merge":
                self._merged("documents", values)
                continue
            self._add("documents_created", values.get("rows", 0))
            for doc_id, eid in values.get("ids", []):
                self.doc_ids[doc_id] = eid
                self.new_docs.add(doc_id)
        # documents of earlier loads that this load's entities are mentioned in
        older = {doc_id for links in self.plan.links.values() for doc_id in links} - self.doc_ids.keys()
        self.doc_ids.update(self.w.lookup(render("documents_lookup"), sorted(older), self.size))

    def nodes(self) -> None:
        stage, links = "nodes", self.plan.links
        found = {label: self.w.lookup(render("nodes_lookup", label=label), [n.name for n in nodes], self.size)
                 for label, nodes in self.plan.nodes.items()}
        for label, names in found.items():
            self.ids.update(((label, name), eid) for name, eid in names.items())

        def batches() -> Iterator[Batch]:
            for label, nodes in self.plan.nodes.items():
                fresh: list[list[Any]] = []
                known: list[dict[str, Any]] = []
                seen: set[str] = set()
                for n in nodes:
                    if n.name in found[label] or n.name in seen:  # there already, or a repeat: merge
                        known.append(node_row(n))
                        continue
                    seen.add(n.name)
                    node_links = [[self.doc_ids[doc_id], doc_id, mentions]
                                  for doc_id, mentions in links.get((label, n.name), {}).items()
                                  if doc_id in self.doc_ids]
                    fresh.append(new_node_row(n, node_links))
                yield from batches_of("new", label, render("nodes_new", label=label), fresh, self.size)
                yield from batches_of("merge", label, render("nodes", label=label), known, self.size)

        for kind, label, rows, values in self.w.write_all(stage, batches()):
            if kind == "merge":
                self._merged("nodes", values)
                for name, eid, created in values.get("ids", []):
                    self.ids[(label, name)] = eid
                    if created:  # a node that another load removed meanwhile
                        self.new_nodes.add(eid)
                continue
            self._add("nodes_created", values.get("rows", 0))
            created = values.get("links", 0)
            self._add("mentions_created", created)
            # links to documents that are not in the database, or that vanished meanwhile
            self.skipped += sum(len(links.get((label, row[0]["name"]), {})) for row in rows) - created
            for name, eid in values.get("ids", []):
                self.ids[(label, name)] = eid
                self.new_nodes.add(eid)
                self.inlined.add(eid)

    def mentions(self) -> None:
        stage = "mentions"
        fresh: list[list[Any]] = []
        known: list[dict[str, Any]] = []
        done = 0
        for (label, name), links in self.plan.links.items():
            nid = self.ids.get((label, name))
            if nid is None or nid in self.inlined:  # no such node; or linked when it was created
                done += len(links)
                self.skipped += len(links) if nid is None else 0
                continue
            for doc_id, mentions in links.items():
                did = self.doc_ids.get(doc_id)
                if did is None:  # the document is not in the database
                    done += 1
                    self.skipped += 1
                elif nid in self.new_nodes or doc_id in self.new_docs:
                    fresh.append([nid, name, did, doc_id, mentions])
                else:
                    known.append({"nid": nid, "name": name, "doc_id": doc_id, "mentions": mentions})
        self.w.advance(stage, done)
        batches = chain(batches_of("new", "", render("mentions_new"), fresh, self.size),
                        batches_of("merge", "", render("mentions"), known, self.size))
        for kind, _, rows, values in self.w.write_all(stage, batches):
            if kind == "merge":
                self._merged("mentions", values)
            else:
                self._add("mentions_created", values.get("rows", 0))
            self.skipped += len(rows) - values.get("rows", 0)

    def relationships(self) -> None:
        stage = "relationships"

        def batches() -> Iterator[Batch]:
            for pred, rels in self.plan.rels.items():
                fresh: list[list[Any]] = []
                known: list[dict[str, Any]] = []
                pairs: set[tuple[str, str]] = set()
                for r in rels:
                    sid = self.ids.get((r.subject.type, r.subject.name))
                    oid = self.ids.get((r.object.type, r.object.name))
                    if sid is None or oid is None:
                        raise StoreError(
                            f"relationship {r.subject.name} {pred} {r.object.name} names an entity that is not "
                            "among the graph's nodes; assemble the graph with kg.extract.assemble (it adds every endpoint)"
                        )
                    if (sid in self.new_nodes or oid in self.new_nodes) and (sid, oid) not in pairs:
                        pairs.add((sid, oid))
                        fresh.append(new_rel_row(r, sid, oid))
                    else:  # both ends were there before (or the same triple twice): merge
                        known.append(rel_row(r, sid, oid))
                # Batches that touch nodes in one order lock them in one order, and
                # neighbouring rows hit the same store pages.
                fresh.sort(key=lambda row: (row[0], row[2]))
                known.sort(key=lambda row: (row["sid"], row["oid"]))
                yield from batches_of("new", pred, render("relationships_new", type=pred), fresh, self.size)
                yield from batches_of("merge", pred, render("relationships", type=pred), known, self.size)

        for kind, pred, rows, values in self.w.write_all(stage, batches()):
            if values.get("rows", 0) != len(rows):
                raise StoreError(
                    f"{len(rows) - values.get('rows', 0)} {pred} relationships lost an end node "
                    "during the load (was the database changed meanwhile?); re-run the same `kg load`"
                )
            if kind == "merge":
                self._merged("rels", values)
                self.evidence += values.get("evidence_added", 0)
            else:  # every row created, with all its evidence
                self._add("rels_created", len(rows))
                self.evidence += sum(len(row[6]) for row in rows)



    def retract(self) -> None:
        """Delete what curation removed (rejected facts and entities, names merged away), where the database has it."""
        for (st, pred, ot), rows in self.plan.retract_rels.items():
            query = render("retract_rels", subject_label=st, type=pred, object_label=ot)
            for batch in chunks(rows, self.size):
                self._add("rels_retracted", self.w.write("retract", query, batch).get("deleted", 0))
        for label, names in self.plan.retract_nodes.items():
            for batch in chunks(names, self.size):
                self._add("nodes_retracted", self.w.write("retract", render("retract_nodes", label=label), batch)
                          .get("deleted", 0))

    def derive(self) -> None:
        """Recompute the derived properties the saved queries read (``loaders/derive_*.cypher``).

        They depend on the whole graph (a merged folder can change a program it
        does not name), so each file recomputes everything and writes only what differs.
        """
        for name in self.plan.derive:
            values = self.w.write("derive", render(name), [])
            self._add("derived_updated", values.get("written", 0))
            self.w.advance("derive", 1)

def _load(driver: Any, plan: LoadPlan, *, uri: str, database: str | None, batch_size: int, dry_run: bool,
          progress: Progress | None) -> LoadReport:
    # lazy: as in connect()
    from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    started = time.perf_counter()
    stage = "constraints"
    writer: BatchWriter | None = None
    load: _Load | None = None
    try:
        with driver.session(database=database) as session:
            constraints = 0
            if dry_run:
                have = _existing_constraints(session)
                constraints = sum(1 for label, _ in _constraint_queries(plan.labels) if label not in have)
            else:
                constraints = apply_schema(session, plan.labels)
            tx = session.begin_transaction() if dry_run else None
            try:
                writer = BatchWriter(session, tx, progress, plan.total)
                load = _Load(writer, plan, batch_size)
                steps = [("retract", load.retract), ("documents", load.documents), ("nodes", load.nodes),
                         ("mentions", load.mentions), ("relationships", load.relationships)]
                if not dry_run:  # derived from what is written; a preview has nothing to derive from
                    steps.append(("derive", load.derive))
                for stage, step in steps:
                    with writer.timed(stage):
                        step()
            finally:
                if tx is not None:
                    tx.rollback()
                    tx.close()

    except AuthError:
        raise CredentialsRejected(
            f"Neo4j at {uri} refused the credentials; pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, SessionExpired) as exc:
        done = f"{writer.batches} batches written" if writer else "before the first batch"
        raise ConnectionFailed(
            f"lost the connection to Neo4j at {uri} while loading {stage} ({done}; {first_line(exc)}); "
            "start the server again (`kg neo4j start`) and re-run the same `kg load`: "
            "loading is idempotent, so nothing is duplicated"
        ) from None
    except Neo4jError as exc:
        code = exc.code or ""
        if code.endswith("ConstraintValidationFailed"):
            raise StoreError(
                f"another load wrote the same {stage} into {uri} meanwhile ({exc.message or code}); "
                "run loads one after another: re-run this `kg load` now, nothing is duplicated"
            ) from None
        if code.endswith("DatabaseNotFound"):
            raise StoreError(
                f"database {database!r} does not exist on {uri}; create it or omit --database "
                "(Neo4j Community has only 'neo4j')"
            ) from None
        raise StoreError(f"Neo4j refused the {stage} step: {exc.message or exc} ({code})") from None
    except DriverError as exc:
        raise ConnectionFailed(
            f"Neo4j at {uri} failed while loading {stage} ({first_line(exc)}); "
            "check the server and re-run the same `kg load` (it is idempotent)"
        ) from None
    assert writer is not None and load is not None
    counts = load.counts
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
        evidence_added=load.evidence,
        derived_updated=counts.get("derived_updated", 0),
        nodes_retracted=counts.get("nodes_retracted", 0),
        rels_retracted=counts.get("rels_retracted", 0),
        mentions_skipped=load.skipped,
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
        identity=graph.identity,
    )


def wipe(driver: Any, *, database: str | None = None) -> None:
    """Delete everything in the database (tests and benchmarks on a scratch server only)."""
    with driver.session(database=database) as session:
        session.run(render("wipe")).consume()


def count_graph(driver: Any, *, database: str | None = None) -> tuple[int, int]:
    """(nodes, relationships) in the whole database."""
    with driver.session(database=database) as session:
        record = session.run(render("counts")).single()
    return (int(record["nodes"]), int(record["relationships"])) if record else (0, 0)
