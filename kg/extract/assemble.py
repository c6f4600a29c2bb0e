"""Read an extraction output folder and merge it into one graph (pure Python).

Which written names across documents are one node is decided first, by
:func:`kg.extract.identity.resolve_identity`; entities then merge on their
node, triples on (subject, predicate, object), keeping every evidence entry.
Every store (Neo4j, the embedded database, networkx) and every export is fed
from the same :class:`GraphData`, so all of them agree on identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kg.dates import iso_date
from kg.errors import InputError
from kg.extract.curation import apply_curation, fact_dates
from kg.extract.curation_file import find_curation, read_curation
from kg.extract.identity import resolve_identity
from kg.extract.regions import region_levels
from kg.models import (
    CurationFile,
    Document,
    Entity,
    EntityRef,
    EvidenceRecord,
    ExtractionResult,
    GraphData,
    InputProblem,
    MentionRecord,
    NodeRecord,
    RelRecord,
    Triple,
)
from kg.ontology import load_ontology

M = TypeVar("M", bound=BaseModel)

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
    try:
        fh = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror}); check the path") from exc
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield cls.model_validate_json(line)
            except (ValidationError, ValueError) as exc:
                if problems is not None:
                    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    problems.append(InputProblem(path=str(path), line=lineno, message=f"skipped: {msg}"))


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

    def _records(self, name: str, cls: type[M]) -> Iterator[M]:
        if self.result is not None:
            yield from getattr(self.result, name)
            return
        first = name in self._first
        self._first.discard(name)
        yield from iter_jsonl(self.folder / FILES[name], cls, self.problems if first else None)

    def entities(self) -> Iterator[Entity]:
        return self._records("entities", Entity)

    def triples(self) -> Iterator[Triple]:
        return self._records("triples", Triple)


def assemble(results: Iterable[ExtractionResult], *, curation: CurationFile | None = None) -> GraphData:
    """Merge extraction results into one graph, then apply *curation* (:mod:`kg.extract.curation`).

    Triples whose subject/predicate/object types break the ontology's domain
    and range are dropped with a problem entry, never loaded. Each fact
    carries the ISO dates of its first and last evidence article.
    """
    return _assemble([_Part(r) for r in results], curation)


def assemble_folders(folders: Iterable[Path], *, curation: CurationFile | None = None,
                     problems: Sequence[InputProblem] = ()) -> GraphData:
    """:func:`assemble` of extraction folders, read record by record from their files (twice).

    Memory holds the graph (and the documents), never every entity and triple
    of the corpus at once. *problems* (of the extraction that wrote the
    folders) come first in the graph's problems, as with :func:`assemble`.
    """
    parts = [_Part(folder=f) for f in folders]
    if parts:
        parts[0].problems[:0] = problems
    return _assemble(parts, curation)


def _assemble(results: list[_Part], curation: CurationFile | None) -> GraphData:
    onto = load_ontology()
    identity = resolve_identity(
        (e for r in results for e in r.entities() if e.name.strip() and e.type in onto.types),
        (t for r in results for t in r.triples() if t.subject.name.strip() and t.object.name.strip()),
    )
    documents: dict[str, Document] = {}
    nodes: dict[tuple[str, str], dict] = {}
    mentions: dict[tuple[str, str, str], int] = {}
    rels: dict[tuple[str, str, str, str, str], dict] = {}
    problems: list[InputProblem] = []

    def node(ref: EntityRef, doc_id: str, aliases: Iterable[str] = ()) -> EntityRef:
        """The node of *ref* as *doc_id* writes it, with its aliases and document noted."""
        written = ref.name
        ref = EntityRef(type=ref.type, name=identity.node(doc_id, ref.type, ref.name))
        n = nodes.setdefault((ref.type, ref.name), {"aliases": [], "doc_ids": []})
        for a in (written, *aliases):
            if a != ref.name and a not in n["aliases"]:
                n["aliases"].append(a)
        if doc_id not in n["doc_ids"]:
            n["doc_ids"].append(doc_id)
        return ref

    for result in results:
        problems.extend(result.problems)
        for d in result.documents:
            documents.setdefault(d.doc_id, d)
        for e in result.entities():
            if not e.name.strip():
                problems.append(InputProblem(path=e.doc_id, message=f"{e.type} entity with an empty name; dropped"))
                continue
            if e.type not in onto.types:
                problems.append(InputProblem(path=e.doc_id, message=f"entity {e.name!r}: unknown type {e.type}"))
                continue
            ref = node(EntityRef(type=e.type, name=e.name), e.doc_id, e.aliases)
            key = (ref.type, ref.name, e.doc_id)
            mentions[key] = mentions.get(key, 0) + max(1, len(e.mentions))
        for t in result.triples():
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
            subject, obj = node(t.subject, t.doc_id), node(t.object, t.doc_id)
            if subject == obj:
                problems.append(
                    InputProblem(
                        path=t.doc_id,
                        message=f"triple {t.subject.name} {t.predicate} {t.object.name}: both ends are one entity "
                        f"({subject.name}); dropped",
                    )
                )
                continue
            key = (subject.type, subject.name, t.predicate, obj.type, obj.name)
            r = rels.setdefault(key, {"attrs": {}, "evidence": {}, "subject": subject, "object": obj, "triple": t})
            ev = EvidenceRecord(
                doc_id=t.doc_id,
                sentence=t.evidence.sentence,
                start=t.evidence.start,
                end=t.evidence.end,
                extractor=t.extractor,
                confidence=t.confidence,
            )
            r["evidence"].setdefault(ev.key, ev)
            for k, v in t.attrs.items():
                r["attrs"].setdefault(k, v)

    node_records = []
    for (etype, name), n in sorted(nodes.items()):
        prov = city = dist = None
        if etype == "Region":
            prov, city, dist = region_levels(name)
        node_records.append(
            NodeRecord(
                type=etype, name=name, aliases=tuple(n["aliases"]), doc_ids=tuple(n["doc_ids"]),
                province=prov, city=city, district=dist,
                scope=identity.scope.get((etype, name)), unresolved=(etype, name) in identity.unresolved,
            )
        )
    rel_records = []
    doc_dates = {d.doc_id: iso_date(d.date) for d in documents.values()}
    for key, r in sorted(rels.items()):
        t: Triple = r["triple"]
        evidence = tuple(r["evidence"].values())
        first, last = fact_dates(evidence, doc_dates)
        rel_records.append(
            RelRecord(
                subject=r["subject"], predicate=t.predicate, object=r["object"],
                confidence=max(e.confidence for e in evidence), attrs=r["attrs"], evidence=evidence,
                first_date=first, last_date=last,
            )
        )
    graph = GraphData(
        documents=tuple(documents.values()),
        nodes=tuple(node_records),
        mentions=tuple(MentionRecord(type=k[0], name=k[1], doc_id=k[2], mentions=v) for k, v in sorted(mentions.items())),
        rels=tuple(rel_records),
        problems=tuple(problems),
        identity=identity.report,
    )
    return graph if curation is None else apply_curation(graph, curation)


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
