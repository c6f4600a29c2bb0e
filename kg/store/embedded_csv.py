"""The CSV files the embedded database is loaded from (:mod:`kg.store.embedded`), and their ``COPY`` statements.

Staging is pure Python over the graph's records and writes one file per node
type, per (predicate, subject type, object type) and per mentioned type, row
by row: nothing of the graph is held once the files are written, so
``kg build`` can let the graph go before ladybug copies them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import StoreError
from kg.models import GraphData, RelRecord
from kg.ontology import Ontology

# Lists travel through CSV as one field: items joined by the unit separator,
# each item prefixed with "i" so that empty items survive (ladybug's
# string_split drops empty pieces). The separator is removed from the data.
_SEP = "\x1f"
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
DOC_COLUMNS = (("id", "STRING"), ("title", "STRING"), ("date", "STRING"), ("source", "STRING"), ("path", "STRING"))
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
MENTION_COLUMNS = (("mentions", "INT64"),)


def quoted(name: str) -> str:
    """Back-quote an ontology name (``Union`` is reserved in ladybug)."""
    if not _IDENT.match(name):
        raise StoreError(f"ontology name {name!r} cannot be a table name; use letters, digits and _")
    return f"`{name}`"


def rel_columns(onto: Ontology) -> tuple[tuple[str, str], ...]:
    return _REL_COLUMNS + tuple((a, "STRING") for a in onto.attrs)


def node_columns(type_: str) -> tuple[tuple[str, str], ...]:
    return _NODE_COLUMNS + _DERIVED_COLUMNS.get(type_, ())


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
        f"COPY {quoted(table)} FROM (LOAD WITH HEADERS ({', '.join(load_cols)}) FROM '{literal}' "
        f"(header=false, parallel=false) RETURN {', '.join(exprs)})"
    )
    if endpoints is not None:
        stmt += f" (from='{endpoints[0]}', to='{endpoints[1]}')"
    return stmt



class Staged(NamedTuple):
    """The staged CSV files of a graph: the ``COPY`` statements in load order, with rows each, and the counts."""

    statements: list[tuple[str, int]]
    counts: dict[str, int]


def stage_graph(graph: GraphData, stage: Path, onto: Ontology) -> Staged:
    """Write the CSV files of *graph* into the folder *stage* (which must exist)."""
    keys = {(n.type, n.name) for n in graph.nodes if n.type in onto.types}
    columns = rel_columns(onto)
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
        statements.append((_copy_statement(t, node_columns(t), by_type.path(t), endpoints=None), n_rows))

    docs = {d.doc_id: d for d in graph.documents}
    if docs:
        path = stage / "documents.csv"
        n = _write_csv(path, ((_str(d.doc_id), _str(d.title), _str(d.date), _str(d.source), _str(d.path))
                              for d in docs.values()))
        statements.append((_copy_statement("Document", DOC_COLUMNS, path, endpoints=None), n))

    groups = _Tables(stage, "rel_{}_{}_{}.csv")
    skipped = 0
    for r in graph.rels:
        if not _loadable(r, onto, keys):
            skipped += 1
            continue
        s, o = r.subject, r.object
        ev = tuple(r.evidence)  # (read once: it may be on disk, kg.extract.assemble_evidence)
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
        statements.append((_copy_statement(p, columns, groups.path((p, st, ot)), endpoints=(st, ot)), n))

    mention_groups = _Tables(stage, "mentioned_{}.csv")
    for m in graph.mentions:
        if (m.type, m.name) in keys and m.doc_id in docs:
            mention_groups.add(m.type, (_str(m.name), _str(m.doc_id), m.mentions))
    n_mentions = 0
    for t, n in sorted(mention_groups.close().items()):
        n_mentions += n
        statements.append((_copy_statement("MENTIONED_IN", MENTION_COLUMNS, mention_groups.path(t),
                                            endpoints=(t, "Document")), n))
    return Staged(statements, {
        "nodes": sum(by_type.counts.values()),
        "relationships": n_rels,
        "documents": len(docs),
        "mentions": n_mentions,
        "skipped": skipped,
    })


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

