"""Read an extraction output folder and merge it into one graph (pure Python).

Which written names across documents are one node is decided first, by
:func:`kg.extract.identity.resolve_identity`; entities then merge on their
node, triples on (subject, predicate, object), keeping every evidence entry.
Every store (Neo4j, the embedded database, networkx) and every export is fed
from the same :class:`GraphData`, so all of them agree on identity.
"""

from __future__ import annotations

import codecs
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from kg.dates import iso_date
from kg.errors import InputError
from kg.extract.assemble_evidence import EvidenceSpill
from kg.extract.assemble_evidence import record as _record
from kg.extract.curation import apply_curation, fact_dates
from kg.extract.curation_file import find_curation, read_curation
from kg.extract.identity import resolve_identity
from kg.extract.regions import region_levels
from kg.models import (
    CurationFile,
    Document,
    Entity,
    EntityRef,
    Evidence,
    EvidenceRecord,
    ExtractionResult,
    GraphData,
    InputProblem,
    MentionRecord,
    NodeRecord,
    RelRecord,
    Span,
    Triple,
)
from kg.ontology import load_ontology

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")

FILES = {"documents": "documents.jsonl", "entities": "entities.jsonl", "triples": "triples.jsonl"}


def read_jsonl(path: Path, cls: type[M]) -> tuple[list[M], list[InputProblem]]:
    """Parse a JSONL file of *cls*; bad lines become problems naming file and line."""
    problems: list[InputProblem] = []
    return list(iter_jsonl(path, cls, problems)), problems


def read_extraction(out_dir: Path) -> ExtractionResult:
    """Read ``documents/entities/triples.jsonl`` written by ``kg extract``."""
    out_dir = _extraction_dir(out_dir)
    docs, p1 = read_jsonl(out_dir / FILES["documents"], Document)
    ents, p2 = read_jsonl(out_dir / FILES["entities"], Entity)
    triples, p3 = read_jsonl(out_dir / FILES["triples"], Triple)
    return ExtractionResult(
        documents=tuple(docs), entities=tuple(ents), triples=tuple(triples), problems=tuple(p1 + p2 + p3)
    )


def _extraction_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    missing = [n for n in FILES.values() if not (out_dir / n).is_file()]
    if missing:
        raise InputError(
            f"{out_dir}: not an extraction folder (missing {', '.join(missing)}); "
            "run `kg extract PATH --out DIR` first"
        )
    return out_dir


def iter_jsonl(path: Path, cls: type[M], problems: list[InputProblem] | None = None) -> Iterator[M]:
    """The records of a JSONL file of *cls*, one at a time; bad lines go to *problems* (when given)."""
    with _open(path, encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = _validated(cls, line, path, lineno, problems)
            if record is not None:
                yield record


def _open(path: Path, *args: str, **kwargs: str) -> IO[Any]:
    """*path* opened (text or binary, as asked), or an error that names it."""
    try:
        return path.open(*args, **kwargs)
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror}); check the path") from exc


def _validated(cls: type[M], line: str, path: Path, lineno: int, problems: list[InputProblem] | None) -> M | None:
    """The record of one JSONL line, or None with the reason in *problems* (when given)."""
    try:
        return cls.model_validate_json(line)
    except (ValidationError, ValueError) as exc:
        if problems is not None:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(InputProblem(path=str(path), line=lineno, message=f"skipped: {msg}"))
        return None


class _Ref(NamedTuple):
    type: str
    name: str


class _Ent(NamedTuple):
    """What assembly reads of an entity line (identity reads ``doc_id, type, name, aliases``)."""

    doc_id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    mentions: int


class _Fact(NamedTuple):
    """What assembly reads of a triple line (identity reads ``doc_id, subject, predicate, object``)."""

    doc_id: str
    subject: _Ref
    predicate: str
    object: _Ref
    attrs: dict[str, str]
    sentence: str
    start: int
    end: int
    confidence: float
    extractor: str


_ENTITY_KEYS = frozenset(Entity.model_fields)
_TRIPLE_KEYS = frozenset(Triple.model_fields)
_SPAN_KEYS = frozenset(Span.model_fields)
_EVIDENCE_KEYS = frozenset(Evidence.model_fields)
_REF_KEYS = frozenset(EntityRef.model_fields)


def _strs(items: object) -> bool:
    return type(items) is list and all(type(x) is str for x in items)


def _ref(d: object) -> _Ref | None:
    if type(d) is dict and d.keys() == _REF_KEYS and type(d["type"]) is str and type(d["name"]) is str:
        return _Ref(d["type"], d["name"])
    return None


def _fast_entity(d: object) -> _Ent | None:
    """The entity of a parsed line when it is plainly valid (what pydantic would accept unchanged), else None."""
    if type(d) is not dict or not d.keys() <= _ENTITY_KEYS:
        return None
    doc_id, etype, name = d.get("doc_id"), d.get("type"), d.get("name")
    aliases, spans = d.get("aliases", []), d.get("mentions", [])
    if type(doc_id) is not str or type(etype) is not str or type(name) is not str or not _strs(aliases):
        return None
    if type(spans) is not list:
        return None
    for m in spans:
        if type(m) is not dict or m.keys() != _SPAN_KEYS:
            return None
        a, b = m["start"], m["end"]
        if type(a) is not int or type(b) is not int or not 0 <= a <= b:
            return None
    return _Ent(doc_id, etype, name, tuple(aliases), len(spans))


def _fast_triple(d: object) -> _Fact | None:
    """The triple of a parsed line when it is plainly valid (what pydantic would accept unchanged), else None."""
    if type(d) is not dict or not _TRIPLE_KEYS - {"attrs"} <= d.keys() <= _TRIPLE_KEYS:
        return None
    doc_id, predicate, extractor, conf = d["doc_id"], d["predicate"], d["extractor"], d["confidence"]
    attrs, ev = d.get("attrs", {}), d["evidence"]
    subject, obj = _ref(d["subject"]), _ref(d["object"])
    if (subject is None or obj is None or type(doc_id) is not str or type(predicate) is not str
            or type(extractor) is not str or type(conf) is not float or not 0.0 <= conf <= 1.0):
        return None
    if type(attrs) is not dict or not all(type(v) is str for v in attrs.values()):
        return None
    if type(ev) is not dict or ev.keys() != _EVIDENCE_KEYS:
        return None
    sentence, start, end = ev["sentence"], ev["start"], ev["end"]
    if type(sentence) is not str or type(start) is not int or type(end) is not int or start < 0 or end < 0:
        return None
    return _Fact(doc_id, subject, predicate, obj, attrs, sentence, start, end, conf, extractor)


def _as_ent(e: Entity) -> _Ent:
    return _Ent(e.doc_id, e.type, e.name, e.aliases, len(e.mentions))


def _as_fact(t: Triple) -> _Fact:
    ev = t.evidence
    return _Fact(t.doc_id, _Ref(t.subject.type, t.subject.name), t.predicate, _Ref(t.object.type, t.object.name),
                 t.attrs, ev.sentence, ev.start, ev.end, t.confidence, t.extractor)


def _lines(fh: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a binary file as text mode reads them: ``\\n``, ``\\r\\n`` and a bare ``\\r`` each end one
    (JSON never holds a raw ``\\r`` inside a record, so no record is cut).

    >>> list(_lines([b'{"a": 1}\\r{"b": 2}\\r\\n', b'{"c": 3}']))
    [b'{"a": 1}\\r', b'{"b": 2}\\r\\n', b'{"c": 3}']
    """
    for raw in fh:
        if b"\r" in raw:
            yield from raw.splitlines(keepends=True)
        else:
            yield raw


def _iter_rows(path: Path, cls: type[M], fast: Callable[[object], R | None], slow: Callable[[M], R],
               problems: list[InputProblem] | None) -> Iterator[R]:
    """The rows of a JSONL file of *cls*: parsed by orjson, checked by *fast*, and by pydantic when in doubt.

    A line *fast* declines (an error, an unusual type pydantic would convert)
    goes through ``cls`` exactly as :func:`iter_jsonl` reads it, so what is
    accepted, and its values, do not depend on the path taken: orjson and the
    plain checks only make the common line about ten times cheaper.
    """
    with _open(path, "rb") as fh:
        for lineno, raw in enumerate(_lines(fh), 1):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                row = fast(orjson.loads(raw))
            except (orjson.JSONDecodeError, KeyError):
                row = None
            if row is not None:
                yield row
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                if problems is not None:
                    problems.append(InputProblem(path=str(path), line=lineno, message=f"skipped: {exc}"))
                continue
            if not line.strip():
                continue
            record = _validated(cls, line, path, lineno, problems)
            if record is not None:
                yield slow(record)


class _Part:
    """One extraction to merge: read twice (identity, then the merge), from memory or from its files."""

    def __init__(self, result: ExtractionResult | None = None, *, folder: Path | None = None) -> None:
        self.result, self.folder = result, folder
        if result is not None:
            self.documents, self.problems = result.documents, list(result.problems)
            return
        assert folder is not None
        folder = _extraction_dir(folder)
        self.problems: list[InputProblem] = []
        self.documents = tuple(iter_jsonl(folder / FILES["documents"], Document, self.problems))
        self._first: set[str] = {"entities", "triples"}  # bad lines are reported on the first reading only

    def _rows(self, name: str, cls: type[M], fast: Callable[[object], R | None], slow: Callable[[M], R]) -> Iterator[R]:
        if self.result is not None:
            yield from map(slow, getattr(self.result, name))
            return
        first = name in self._first
        self._first.discard(name)
        yield from _iter_rows(self.folder / FILES[name], cls, fast, slow, self.problems if first else None)

    def entities(self) -> Iterator[_Ent]:
        return self._rows("entities", Entity, _fast_entity, _as_ent)

    def triples(self) -> Iterator[_Fact]:
        return self._rows("triples", Triple, _fast_triple, _as_fact)


def assemble(results: Iterable[ExtractionResult], *, curation: CurationFile | None = None) -> GraphData:
    """Merge extraction results into one graph, then apply *curation* (:mod:`kg.extract.curation`).

    Triples whose subject/predicate/object types break the ontology's domain
    and range are dropped with a problem entry, never loaded. Each fact
    carries the ISO dates of its first and last evidence article.
    """
    return _assemble([_Part(r) for r in results], curation)


def assemble_folders(folders: Iterable[Path], *, curation: CurationFile | None = None,
                     problems: Sequence[InputProblem] = (), evidence_dir: Path | None = None) -> GraphData:
    """:func:`assemble` of extraction folders, read record by record from their files (twice).

    Memory holds the graph (and the documents), never every entity and triple
    of the corpus at once. *problems* (of the extraction that wrote the
    folders) come first in the graph's problems, as with :func:`assemble`.
    With *evidence_dir*, the facts' evidence stays in an unnamed file there
    (:mod:`kg.extract.assemble_evidence`), read back each time it is walked:
    the same records, a third less memory at 100k articles.
    """
    parts = [_Part(folder=f) for f in folders]
    if parts:
        parts[0].problems[:0] = problems
    return _assemble(parts, curation, None if evidence_dir is None else EvidenceSpill(evidence_dir))


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cycle collector paused: assembly makes millions of objects and no cycles, and each of the
    collector's full passes walks every object of the process (a build's models included): 30 % of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _assemble(results: list[_Part], curation: CurationFile | None, spill: EvidenceSpill | None = None) -> GraphData:
    with _no_gc():
        return _assemble_parts(results, curation, spill)


class _Strings(dict[str, str]):
    """One string object for each distinct id, type, name and evidence sentence: parsing gives every
    record its own copies, identity keeps an entry per (document, type, name) of the corpus, and one
    sentence is the evidence of every fact it states. Likewise one object for each evidence offset and
    confidence (ints and floats apart: 1 == 1.0 in a dict; 0.0 is left alone, -0.0 == 0.0)."""

    def __init__(self, *args: Any, sentences: bool = True) -> None:
        super().__init__(*args)
        self.sentences = sentences  # (not when the evidence goes to a file: each is written once there)
        self.ints: dict[int, int] = {}
        self.floats: dict[float, float] = {}

    def entities(self, results: list[_Part]) -> Iterator[_Ent]:
        s = self.setdefault
        for r in results:
            for e in r.entities():
                yield _Ent(s(e.doc_id, e.doc_id), s(e.type, e.type), s(e.name, e.name), e.aliases, e.mentions)

    def triples(self, results: list[_Part]) -> Iterator[_Fact]:
        s, i, f = self.setdefault, self.ints.setdefault, self.floats.setdefault
        sentence = s if self.sentences else _same
        for r in results:
            for t in r.triples():
                (st, sn), (ot, on), c = t.subject, t.object, t.confidence
                yield _Fact(s(t.doc_id, t.doc_id), _Ref(s(st, st), s(sn, sn)), s(t.predicate, t.predicate),
                            _Ref(s(ot, ot), s(on, on)), t.attrs, sentence(t.sentence, t.sentence), i(t.start, t.start),
                            i(t.end, t.end), f(c, c) if c else c, s(t.extractor, t.extractor))


def _same(value: str, _default: str) -> str:
    return value


def _assemble_parts(results: list[_Part], curation: CurationFile | None, spill: EvidenceSpill | None) -> GraphData:
    onto = load_ontology()
    # the documents' own id strings
    strings = _Strings(((d.doc_id, d.doc_id) for r in results for d in r.documents), sentences=spill is None)
    identity = resolve_identity(
        (e for e in strings.entities(results) if e.name.strip() and e.type in onto.types),  # type: ignore[misc]
        (t for t in strings.triples(results) if t.subject.name.strip() and t.object.name.strip()),  # type: ignore[misc]
    ).lean()
    documents: dict[str, Document] = {}
    # per node: its aliases and documents, as insertion-ordered dicts (a list's `in` is quadratic on a
    # node that thousands of documents name)
    nodes: dict[tuple[str, str], tuple[dict[str, None], dict[str, None]]] = {}
    refs: dict[tuple[str, str], EntityRef] = {}
    mentions: dict[tuple[str, str, str], int] = {}
    # per fact: attrs, evidence by (doc_id, start, end) (what EvidenceRecord.key writes), ends, predicate
    # (with a spill, the evidence is its place in the spill's file)
    rels: dict[tuple[str, str, str, str, str], tuple[dict[str, str], dict[tuple[str, int, int], EvidenceRecord | int],
                                                       EntityRef, EntityRef, str]] = {}
    problems: list[InputProblem] = []

    def node(etype: str, written: str, doc_id: str, aliases: Iterable[str] = ()) -> EntityRef:
        """The node of *written* as *doc_id* writes it, with its aliases and document noted."""
        key = (etype, identity.node(doc_id, etype, written))
        n = nodes.get(key)
        if n is None:
            n = nodes[key] = ({}, {})
            refs[key] = _record(EntityRef, {"type": etype, "name": key[1]})  # one per node
        names, docs = n
        for a in (written, *aliases):
            if a != key[1]:
                names[a] = None
        docs[doc_id] = None
        return refs[key]

    for result in results:
        for d in result.documents:
            documents.setdefault(d.doc_id, d)
    for result in results:
        problems.extend(result.problems)
        for e in strings.entities([result]):
            if not e.name.strip():
                problems.append(InputProblem(path=e.doc_id, message=f"{e.type} entity with an empty name; dropped"))
                continue
            if e.type not in onto.types:
                problems.append(InputProblem(path=e.doc_id, message=f"entity {e.name!r}: unknown type {e.type}"))
                continue
            doc_id = e.doc_id
            ref = node(e.type, e.name, doc_id, e.aliases)
            key = (ref.type, ref.name, doc_id)
            mentions[key] = mentions.get(key, 0) + max(1, e.mentions)
        for t in strings.triples([result]):
            if not t.subject.name.strip() or not t.object.name.strip():
                problems.append(InputProblem(path=t.doc_id, message=f"{t.predicate} triple with an empty name; dropped"))
                continue
            if not onto.allows(t.subject.type, t.predicate, t.object.type):
                problems.append(
                    InputProblem(
                        path=t.doc_id,
                        message=f"triple {t.subject.name} {t.predicate} {t.object.name}: "
                        f"{t.subject.type}→{t.object.type} is outside the ontology; dropped",
                    )
                )
                continue
            doc_id = t.doc_id
            subject, obj = node(*t.subject, doc_id), node(*t.object, doc_id)
            if subject is obj:
                problems.append(
                    InputProblem(
                        path=t.doc_id,
                        message=f"triple {t.subject.name} {t.predicate} {t.object.name}: both ends are one entity "
                        f"({subject.name}); dropped",
                    )
                )
                continue
            key = (subject.type, subject.name, t.predicate, obj.type, obj.name)
            r = rels.get(key)
            if r is None:
                r = rels[key] = ({}, {}, subject, obj, t.predicate)
            attrs, evidence = r[0], r[1]
            ev_key = (doc_id, t.start, t.end)
            if ev_key not in evidence:
                if spill is not None:
                    evidence[ev_key] = spill.put((doc_id, t.sentence, t.start, t.end, t.extractor, t.confidence))
                else:
                    evidence[ev_key] = _record(EvidenceRecord, {
                        "doc_id": doc_id, "sentence": t.sentence, "start": t.start, "end": t.end,
                        "extractor": t.extractor, "confidence": t.confidence,
                    })
            for k, v in t.attrs.items():
                attrs.setdefault(k, v)

    # the records are made from what the loop above checked, without pydantic's copy of each
    # (:func:`_record`), and each node's and fact's working entry goes as soon as its record is made
    node_records = []
    for key in sorted(nodes):
        names, docs = nodes.pop(key)
        etype, name = key
        prov = city = dist = None
        if etype == "Region":
            prov, city, dist = region_levels(name)
        node_records.append(_record(NodeRecord, {
            "type": etype, "name": name, "aliases": tuple(names), "doc_ids": tuple(docs),
            "province": prov, "city": city, "district": dist,
            "scope": identity.scope.get(key), "unresolved": key in identity.unresolved, "provenance": "extracted",
        }))
    refs.clear()  # (nodes is empty now)
    rel_records = []
    doc_dates = {d.doc_id: iso_date(d.date) for d in documents.values()}
    for rkey in sorted(rels):
        attrs, by_key, subject, obj, predicate = rels.pop(rkey)
        evidence = tuple(by_key.values()) if spill is None else spill.records(by_key.values())  # type: ignore[arg-type]
        first, last = fact_dates(evidence, doc_dates)  # type: ignore[arg-type]
        rel_records.append(_record(RelRecord, {
            "subject": subject, "predicate": predicate, "object": obj,
            "confidence": max(e.confidence for e in evidence),  # type: ignore[union-attr]
            "attrs": attrs, "evidence": evidence if spill is None else spill.keep(evidence),  # type: ignore[arg-type]
            "first_date": first, "last_date": last, "provenance": "extracted",
        }))
    del rels
    if spill is not None:
        spill.done()
    graph = _record(GraphData, {
        "documents": tuple(documents.values()),
        "nodes": tuple(node_records),
        "mentions": _mention_records(mentions),
        "rels": tuple(rel_records),
        "problems": tuple(problems),
        "identity": identity.report,
        "curation": None,
        "retracted_nodes": (),
        "retracted_rels": (),
    })
    return graph if curation is None else apply_curation(graph, curation)


def _mention_records(mentions: dict[tuple[str, str, str], int]) -> tuple[MentionRecord, ...]:
    """The mention counts in order, as records; *mentions* is emptied on the way (two copies of a
    million entries at once is what a build's memory peaks on otherwise)."""
    items = sorted(mentions.items(), reverse=True)
    mentions.clear()
    out = []
    while items:
        k, v = items.pop()
        out.append(MentionRecord(*k, v))
    return tuple(out)


def assemble_dirs(dirs: Iterable[Path], *, curation: Path | None = None, discover: bool = True) -> GraphData:
    """Read and merge several extraction output folders, curated by the file *curation*.

    Without *curation*, the first of the folders that holds one (``kg build``'s
    ``curation.applied.toml``, else a ``curation.toml``) is used, unless
    *discover* is false.
    """
    dirs = [Path(d) for d in dirs]
    if curation is None and discover:
        curation = find_curation(dirs)
    return assemble_folders(dirs, curation=read_curation(curation) if curation else None)


def graph_summary(g: GraphData) -> dict[str, object]:
    """Counts by type and predicate, for summaries."""
    by_type: dict[str, int] = {}
    for n in g.nodes:
        by_type[n.type] = by_type.get(n.type, 0) + 1
    by_pred: dict[str, int] = {}
    for r in g.rels:
        by_pred[r.predicate] = by_pred.get(r.predicate, 0) + 1
    return {"documents": len(g.documents), "nodes": by_type, "relationships": by_pred}
