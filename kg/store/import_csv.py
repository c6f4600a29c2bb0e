"""CSV files for ``neo4j-admin database import full``: a first load of an empty database in bulk.

What goes in is exactly what ``kg load`` writes into an empty database: the
rows come from :mod:`kg.store.load_plan` (the ``*_new`` rows of
``loaders/*_new.cypher``), so the two cannot drift apart. One folder holds::

    documents.csv              Document nodes (id, title, date, source, path)
    nodes_<Label>.csv          entity nodes of one label (the properties of nodes_new.cypher)
    mentioned_in.csv           (entity)-[:MENTIONED_IN {mentions}]->(Document)
    rels_<PREDICATE>.csv       one relationship per fact with its evidence (relationships_new.cypher)
    fixups.jsonl               values CSV cannot carry (an empty list, or a list of one empty string),
                               set over Bolt after the import (empty aliases: per label, in import.json)
    import.json                the manifest: files, array delimiter, multi-line files, counts

Every node gets an integer import id (``:ID``, not stored); strings are always
quoted (a quoted empty string stays an empty string, an empty cell is no
property, as a null is for Cypher); list elements are joined by a control
character that no value of the graph contains (chosen per export). The
indexes, constraints and derived properties that ``kg load`` writes are not
in the files: :mod:`kg.store.neo4j_import` creates them once the server runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from kg.errors import InputError, OutputError, StoreError
from kg.models import GraphData, RelRecord
from kg.publish import publish, staging
from kg.store.load_plan import NEW_REL_ATTRS, LoadPlan, new_node_row, new_rel_row

__all__ = ["MANIFEST", "ImportFiles", "read_manifest", "write_import_csv"]

MANIFEST = "import.json"
FIXUPS = "fixups.jsonl"
_KIND = "union-kg neo4j-import"
_VERSION = 1

#: candidates for the array delimiter: the first one no list element contains is used
_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "\ue000", "\ue001", "\ue002")
#: lines written at once
_BATCH = 4096
#: the importer reads a value whole into a buffer of this size (its default); bigger values raise it
_MIN_BUFFER = 4 * 1024 * 1024

#: Document properties (documents_new.cypher sets the row of LoadPlan.documents)
_DOC_COLUMNS = (("id", "string"), ("title", "string"), ("date", "string"), ("source", "string"), ("path", "string"))
#: entity properties: the keys of kg.store.load_plan.new_node_row's props
_NODE_COLUMNS = (("name", "string"), ("type", "string"), ("aliases", "string[]"), ("doc_count", "long"),
                 ("unresolved", "boolean"), ("provenance", "string"), ("province", "string"), ("city", "string"),
                 ("district", "string"), ("scope", "string"))
#: relationship properties and where relationships_new.cypher takes each from a new_rel_row (None: computed)
_REL_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("predicate", "string", 4), ("confidence", "double", 5),
    ("ev_keys", "string[]", 6), ("ev_doc_ids", "string[]", 7), ("ev_sentences", "string[]", 8),
    ("ev_starts", "long[]", 9), ("ev_ends", "long[]", 10), ("ev_extractors", "string[]", 11),
    ("evidence_count", "long", None),
    *((attr, "string", 12 + i) for i, attr in enumerate(NEW_REL_ATTRS)),
    ("first_date", "string", 18), ("last_date", "string", 19), ("provenance", "string", 20),
)

_NODE_LISTS = tuple(name for name, kind in _NODE_COLUMNS if kind.endswith("[]"))
_REL_LISTS = tuple(name for name, kind, _ in _REL_COLUMNS if kind.endswith("[]"))


class _Collision(Exception):
    """A list element contains the array delimiter: the export starts again with the next one."""


class ImportFiles:
    """The manifest of one export folder (``import.json``), as :func:`write_import_csv` wrote it."""

    def __init__(self, folder: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.data = data

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.data["counts"])

    @property
    def empty_aliases(self) -> dict[str, int]:
        """Label -> entity nodes whose aliases are an empty list (a CSV cell cannot hold one)."""
        return dict(self.data["empty_aliases"])

    @property
    def labels(self) -> list[str]:
        return list(self.data["labels"])

    def files(self) -> list[str]:
        """Every file of the export (manifest included)."""
        names = [e["file"] for e in self.data["nodes"]] + [e["file"] for e in self.data["relationships"]]
        return [*names, FIXUPS, MANIFEST]

    def admin_args(self) -> list[str]:
        """The options of ``neo4j-admin database import full`` for these files (paths relative to the folder)."""
        args = ["--id-type=integer", f"--array-delimiter=U+{ord(self.data['array_delimiter']):04X}",
                f"--read-buffer-size={self.data['read_buffer_size']}"]
        args += [f"--nodes={e['label']}={e['file']}" for e in self.data["nodes"]]
        args += [f"--relationships={e['type']}={e['file']}" for e in self.data["relationships"]]
        if self.data["multiline"]:
            args += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(self.data['multiline'])}"]
        return args

    def fixups(self) -> Iterator[list[Any]]:
        """Rows of ``fixups.jsonl``: ``["node", label, name, props]`` or
        ``["rel", subject label, subject name, predicate, object label, object name, props]``."""
        path = self.folder / FIXUPS
        try:
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        yield json.loads(line)
        except (OSError, ValueError) as exc:
            raise InputError(f"{path} cannot be read ({exc}); export the folder again with "
                             "`kg export neo4j-import`") from None


def read_manifest(folder: Path) -> ImportFiles:
    """The export in *folder*; :class:`InputError` says what to do when it is not one."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder} has no {MANIFEST}: it is not an export of `kg export neo4j-import`; "
                         f"run `kg export neo4j-import EXTRACTION_DIR --out {folder}` first") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} cannot be read ({exc}); export the folder again with "
                         "`kg export neo4j-import`") from None
    if not isinstance(data, dict) or data.get("kind") != _KIND or data.get("version") != _VERSION:
        raise InputError(f"{path} is not a manifest this kg writes; export the folder again with "
                         "`kg export neo4j-import`")
    return ImportFiles(Path(folder), data)


# --------------------------------------------------------------------------- cells


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class _Writer:
    """Lines of one export: the array delimiter, whether a file has line breaks, the longest line."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.longest = 0
        self.multiline = False
        self._cell = {"string": lambda v: _quote(str(v)), "boolean": lambda v: "true" if v else "false",
                      "long": lambda v: str(int(v)), "double": lambda v: repr(float(v)),
                      "string[]": self._strings, "long[]": lambda v: delimiter.join(str(int(x)) for x in v)}

    def _strings(self, value: list[str]) -> str:
        joined = self.delimiter.join(value)
        if joined.count(self.delimiter) != len(value) - 1:  # an element holds the delimiter
            raise _Collision
        return _quote(joined)

    def rel_line(self, r: RelRecord, sid: int, oid: int) -> str | None:
        """The line of :meth:`line` for a relationship (the columns of ``_REL_COLUMNS``), built directly:
        the export spends most of its time here. None when a list might need a fix-up (no evidence, or one
        entry with an empty string): the caller then takes the general path."""
        ev = r.evidence
        n = len(ev)
        d = self.delimiter
        if n == 1:
            e = ev[0]
            if not (e.doc_id and e.sentence and e.extractor):
                return None
            keys, docs, sents, extrs = f"{e.doc_id}:{e.start}:{e.end}", e.doc_id, e.sentence, e.extractor
            starts, ends, best = str(e.start), str(e.end), max(0.0, e.confidence)
            if d in keys or d in sents or d in extrs:
                raise _Collision
        elif n == 0:
            return None
        else:
            keys = d.join([f"{e.doc_id}:{e.start}:{e.end}" for e in ev])
            docs = d.join([e.doc_id for e in ev])
            sents = d.join([e.sentence for e in ev])
            extrs = d.join([e.extractor for e in ev])
            if keys.count(d) != n - 1 or sents.count(d) != n - 1 or extrs.count(d) != n - 1:
                raise _Collision
            starts = d.join([str(e.start) for e in ev])
            ends = d.join([str(e.end) for e in ev])
            best = max(0.0, *(e.confidence for e in ev))
        attrs = r.attrs
        cells = [f"{sid},{oid}", _quote(r.predicate), repr(float(best)), _quote(keys), _quote(docs), _quote(sents),
                 starts, ends, _quote(extrs), str(n)]
        for a in NEW_REL_ATTRS:
            v = attrs.get(a)
            cells.append("" if v is None else _quote(str(v)))
        for v in (r.first_date, r.last_date, r.provenance):
            cells.append("" if v is None else _quote(str(v)))
        text = ",".join(cells)
        if "\n" in text or "\r" in text:
            self.multiline = True
        if len(text) > self.longest:
            self.longest = len(text)
        return text + "\n"

    def formats(self, columns: Iterable[tuple[str, str]]) -> list[Any]:
        return [self._cell[kind] for _, kind in columns]

    def line(self, start: str, values: Iterable[Any], formats: list[Any]) -> str:
        """One CSV line: *start* (the ids), then a cell per value; None is an empty cell (no property),
        as a null is in Cypher."""
        text = ",".join([start, *("" if v is None else f(v) for f, v in zip(formats, values))])
        if "\n" in text or "\r" in text:
            self.multiline = True
        self.longest = max(self.longest, len(text))
        return text + "\n"


def _unrepresentable(value: Any) -> bool:
    """A list that a CSV cell cannot hold: an empty one, or one empty string (both read back as no property)."""
    return len(value) == 0 or (len(value) == 1 and value[0] == "")


def _header(first: str, columns: Iterable[tuple[str, str]]) -> str:
    return ",".join([first, *(name if kind == "string" else f"{name}:{kind}" for name, kind in columns)]) + "\n"


# --------------------------------------------------------------------------- export


def write_import_csv(graph: GraphData, out: Path) -> ImportFiles:
    """Write the import files of *graph* into the folder *out*, all or none (a previous export is replaced).

    Raises :class:`StoreError` for a graph that ``kg load`` would merge within
    itself (a node or fact twice, a fact whose end is not among the nodes):
    assemble it with :mod:`kg.extract.assemble`. Raises :class:`OutputError`
    when *out* holds other files than an export.
    """
    plan = LoadPlan(graph)  # validates every label and type, as a load does
    out = Path(out)
    old: list[str] = []
    if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".kg-")):
        try:
            old = read_manifest(out).files()
        except InputError:
            raise OutputError(f"{out} holds files that are not an export of `kg export neo4j-import`; "
                              "choose a new or empty folder (--out)") from None
    for delimiter in _DELIMITERS:
        with staging(out) as stage:
            try:
                data = _write(plan, stage, _Writer(delimiter))
            except _Collision:
                continue
            except OSError as exc:
                raise OutputError(f"cannot write the import files into {out} ({exc.strerror or exc}); "
                                  "choose a writable folder with free space (--out)") from None
            files = ImportFiles(out, data)
            publish(stage, out, [*old, *files.files()])
            return files
    raise StoreError("every array delimiter kg can use occurs in the graph's text; "
                     "load this graph with `kg load` instead")


def _write(plan: LoadPlan, stage: Path, w: _Writer) -> dict[str, Any]:
    ids: dict[tuple[str, str], int] = {}
    doc_ids: dict[str, int] = {}
    multiline: list[str] = []
    empty_aliases: dict[str, int] = {}  # label -> entity nodes without aliases
    counts = {"documents": 0, "nodes": 0, "mentions": 0, "mentions_skipped": 0, "relationships": 0,
              "evidence": 0, "fixups": 0}

    def done(name: str) -> None:  # the file is written: did it have a line break in a value?
        if w.multiline:
            multiline.append(name)
        w.multiline = False

    doc_formats, node_formats = w.formats(_DOC_COLUMNS), w.formats(_NODE_COLUMNS)
    with (stage / "documents.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(_header(":ID", _DOC_COLUMNS))
        for doc_id, doc in plan.documents.items():
            doc_ids[doc_id] = len(doc_ids)
            f.write(w.line(str(doc_ids[doc_id]), [doc.get(key) for key, _ in _DOC_COLUMNS], doc_formats))
    done("documents.csv")
    counts["documents"] = len(doc_ids)
    nodes: list[dict[str, str]] = [{"label": "Document", "file": "documents.csv"}]
    rels: list[dict[str, str]] = []
    with (stage / FIXUPS).open("w", encoding="utf-8") as fixups:
        for label, records in plan.nodes.items():
            name = f"nodes_{label}.csv"
            with (stage / name).open("w", encoding="utf-8", newline="") as f:
                f.write(_header(":ID", _NODE_COLUMNS))
                for n in records:
                    if (label, n.name) in ids:
                        raise StoreError(f"the graph has the {label} {n.name!r} twice; assemble it with "
                                         "kg.extract.assemble (one node per name), or load it with `kg load`")
                    ids[(label, n.name)] = nid = len(doc_ids) + len(ids)
                    props, _ = new_node_row(n, [])
                    if not props["aliases"]:  # the common case: set for the whole label at once afterwards
                        props["aliases"] = None
                        empty_aliases[label] = empty_aliases.get(label, 0) + 1
                    counts["fixups"] += _fixup(fixups, ["node", label, n.name], props, _NODE_LISTS)
                    f.write(w.line(str(nid), [props.get(key) for key, _ in _NODE_COLUMNS], node_formats))
            done(name)
            nodes.append({"label": label, "file": name})
        counts["nodes"] = len(ids)
        with (stage / "mentioned_in.csv").open("w", encoding="utf-8", newline="") as f:
            f.write(":START_ID,:END_ID,mentions:long\n")
            buf = []
            for key, links in plan.links.items():
                nid = ids.get(key)
                for doc_id, mentions in links.items():
                    did = doc_ids.get(doc_id)
                    if nid is None or did is None:  # as a load: no such node, or the document is not loaded
                        counts["mentions_skipped"] += 1
                        continue
                    buf.append(f"{nid},{did},{int(mentions)}\n")
                    counts["mentions"] += 1
                if len(buf) >= _BATCH:
                    f.write("".join(buf))
                    buf.clear()
            f.write("".join(buf))
        rels.append({"type": "MENTIONED_IN", "file": "mentioned_in.csv"})
        columns = [(name, kind) for name, kind, _ in _REL_COLUMNS]
        rel_formats = w.formats(columns)
        fast = w.rel_line
        for pred, records in plan.rels.items():
            name = f"rels_{pred}.csv"
            seen: set[tuple[int, int]] = set()
            buf: list[str] = []
            with (stage / name).open("w", encoding="utf-8", newline="") as f:
                f.write(_header(":START_ID,:END_ID", columns))
                for r in records:
                    sid, oid = ids.get((r.subject.type, r.subject.name)), ids.get((r.object.type, r.object.name))
                    if sid is None or oid is None:
                        raise StoreError(f"relationship {r.subject.name} {pred} {r.object.name} names an entity that "
                                         "is not among the graph's nodes; assemble the graph with kg.extract.assemble "
                                         "(it adds every endpoint)")
                    if (sid, oid) in seen:
                        raise StoreError(f"the graph has {r.subject.name} {pred} {r.object.name} twice; assemble it "
                                         "with kg.extract.assemble (one relationship per fact), or load it with "
                                         "`kg load`")
                    seen.add((sid, oid))
                    text = fast(r, sid, oid)
                    if text is None:  # a list a CSV cell cannot hold, maybe: the general path, with fix-ups
                        row = new_rel_row(r, "", "")
                        values = [len(row[6]) if i is None else row[i] for _, _, i in _REL_COLUMNS]
                        props = dict(zip((key for key, _, _ in _REL_COLUMNS), values))
                        ref = ["rel", r.subject.type, r.subject.name, pred, r.object.type, r.object.name]
                        if _fixup(fixups, ref, props, _REL_LISTS):
                            counts["fixups"] += 1
                            values = [props[key] for key, _, _ in _REL_COLUMNS]
                        text = w.line(f"{sid},{oid}", values, rel_formats)
                    buf.append(text)
                    if len(buf) >= _BATCH:
                        f.write("".join(buf))
                        buf.clear()
                    counts["relationships"] += 1
                    counts["evidence"] += len(r.evidence)
                f.write("".join(buf))
                buf.clear()
            done(name)
            rels.append({"type": pred, "file": name})
    data = {
        "kind": _KIND, "version": _VERSION, "array_delimiter": w.delimiter,
        # a value is read whole, in UTF-8 (up to 4 bytes a character), into a buffer twice its size at least
        "read_buffer_size": max(_MIN_BUFFER, 8 * w.longest + 1024),
        "multiline": multiline, "labels": plan.labels, "nodes": nodes, "relationships": rels,
        "derive": plan.derive, "empty_aliases": empty_aliases, "counts": counts,
    }
    (stage / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


def _fixup(out: TextIO, ref: list[str], props: dict[str, Any], lists: Iterable[str]) -> int:
    """Move the lists a CSV cell cannot hold from *props* to a line of fixups.jsonl (1 if there was one)."""
    bad = {key: props[key] for key in lists if props.get(key) is not None and _unrepresentable(props[key])}
    if not bad:
        return 0
    for key in bad:
        props[key] = None
    out.write(json.dumps([*ref, bad], ensure_ascii=False) + "\n")
    return 1
