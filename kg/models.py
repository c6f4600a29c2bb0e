"""All data models of union-kg, in one place.

Stages pass these frozen models, never loose dicts. The exchange formats of
ONTOLOGY.md (``documents.jsonl``, ``entities.jsonl``, ``triples.jsonl``,
``gold.jsonl``) are these models serialised with :func:`to_json_line`.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from pydantic import BaseModel, Field, computed_field, model_validator

from kg.models_base import Frozen
from kg.models_curation import (  # noqa: F401 - part of kg.models' surface
    CurationAdd,
    CurationFile,
    CurationMerge,
    CurationProblem,
    CurationReject,
    CurationRename,
    CurationReport,
)
from kg.models_store import ImportReport, Neo4jConfig, Neo4jServerConfig, Neo4jServerStatus  # noqa: F401 - part of kg.models
from kg.models_stream import ExtractionSummary, RebuildBench, StreamBench  # noqa: F401 - part of kg.models




# --------------------------------------------------------------------------- exchange formats


class Document(Frozen):
    """One input document; ``text`` is exactly what every offset refers to."""

    doc_id: str
    text: str
    title: str = ""
    date: str = ""
    source: str = ""
    path: str = ""


class Span(Frozen):
    """A half-open character range ``[start, end)`` in a document's ``text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class Entity(Frozen):
    """One entity as found in one document (a line of ``entities.jsonl``)."""

    doc_id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


class EntityRef(Frozen):
    """The (type, canonical name) pair that identifies an entity across documents."""

    type: str
    name: str


class Evidence(Frozen):
    """The sentence stating a triple, with its offsets in the document ``text``."""

    sentence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Triple(Frozen):
    """One extracted fact (a line of ``triples.jsonl``)."""

    doc_id: str
    subject: EntityRef
    predicate: str
    object: EntityRef
    attrs: dict[str, str] = Field(default_factory=dict)
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)
    extractor: str


class InputProblem(Frozen):
    """Something in the input that was skipped; the run goes on without it."""

    path: str
    line: int | None = None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


ExtractionSummary.model_rebuild(_types_namespace={"InputProblem": InputProblem})


class ExtractionResult(Frozen):
    """Everything one extraction run produced."""

    documents: tuple[Document, ...] = ()
    entities: tuple[Entity, ...] = ()
    triples: tuple[Triple, ...] = ()
    problems: tuple[InputProblem, ...] = ()


# --------------------------------------------------------------------------- gold annotations


class GoldEntity(Frozen):
    type: str
    name: str
    aliases: tuple[str, ...] = ()


class GoldTriple(Frozen):
    s: str
    p: str
    o: str
    attrs: dict[str, str] = Field(default_factory=dict)


class GoldRecord(Frozen):
    """One annotated file of ``gold.jsonl``."""

    doc_id: str
    entities: tuple[GoldEntity, ...] = ()
    triples: tuple[GoldTriple, ...] = ()


# --------------------------------------------------------------------------- analysis (internal)


class Article(Frozen):
    """One article of a document (a newspaper page holds several)."""

    doc_id: str
    index: int
    start: int
    end: int
    title: str = ""


class Mention(Frozen):
    """An entity mention found in a document, before merging into :class:`Entity`."""

    type: str
    surface: str
    name: str
    start: int
    end: int
    rule: str = ""


# --------------------------------------------------------------------------- serialisation


def to_json_line(model: BaseModel) -> str:
    """Serialise a model as one JSON line, Chinese kept readable.

    >>> to_json_line(EntityRef(type="Person", name="张三"))
    '{"type": "Person", "name": "张三"}'
    """
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False)


def from_json_line(cls: type[BaseModel], line: str) -> Any:
    """Parse one JSON line into *cls* (raises ``ValueError`` on bad input)."""
    return cls.model_validate_json(line)


# --------------------------------------------------------------------------- assembled graph


class EvidenceRecord(Frozen):
    """One evidence entry of a relationship (see schemas/GRAPH.md)."""

    doc_id: str
    sentence: str
    start: int
    end: int
    extractor: str
    confidence: float

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.start}:{self.end}"


class NodeRecord(Frozen):
    """An entity merged over all documents: one node of the graph (``scope``, ``unresolved``: kg.extract.identity)."""

    type: str
    name: str
    aliases: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    province: str | None = None
    city: str | None = None
    district: str | None = None
    scope: str | None = None
    unresolved: bool = False
    #: "curated" when curation (kg.extract.curation) renamed, retyped or merged it
    provenance: str = "extracted"

    @property
    def ref(self) -> EntityRef:
        return EntityRef(type=self.type, name=self.name)


class MentionRecord(NamedTuple):
    """An entity is mentioned *mentions* times in a document.

    A named tuple, not a model: a graph holds one per (entity, document), well
    over a million for 100k articles, and a tuple is a quarter of a model's
    memory and much quicker to make. Immutable all the same, and
    ``GraphData`` still checks its fields.
    """

    type: str
    name: str
    doc_id: str
    mentions: int


class RelRecord(Frozen):
    """One relationship per (subject, predicate, object), with all its evidence."""

    subject: EntityRef
    predicate: str
    object: EntityRef
    confidence: float
    attrs: dict[str, str] = Field(default_factory=dict)
    evidence: tuple[EvidenceRecord, ...] = ()
    #: ISO dates (YYYY-MM-DD, or shorter when the article says less) of its earliest and latest evidence article
    first_date: str | None = None
    last_date: str | None = None
    #: "curated" when a curation entry added it (or added evidence to it), else "extracted"
    provenance: str = "extracted"

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.subject.type, self.subject.name, self.predicate, self.object.type, self.object.name)


class RelKey(Frozen):
    """A relationship by its ends: what a load must delete (a rejected fact)."""

    subject: EntityRef
    predicate: str
    object: EntityRef


class IdentityReport(Frozen):
    """What the identity step (:mod:`kg.extract.identity`) made of the written (type, name) pairs.

    ``merged_names`` went into ``merged_entities`` nodes of two or more written
    names; ``article_scoped`` nodes are unresolved context-bound forms
    (``article_scoped_names`` distinct names); ``people_apart`` person names
    became several nodes; ``ambiguous`` short forms fit several entities.
    """

    names: int = 0
    entities: int = 0
    merged_names: int = 0
    merged_entities: int = 0
    cross_article: int = 0
    article_scoped: int = 0
    article_scoped_names: int = 0
    people_apart: int = 0
    ambiguous: tuple[str, ...] = ()


class GraphData(Frozen):
    """The graph assembled from one or more extraction outputs, ready for any store."""

    documents: tuple[Document, ...] = ()
    nodes: tuple[NodeRecord, ...] = ()
    mentions: tuple[MentionRecord, ...] = ()
    rels: tuple[RelRecord, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    identity: IdentityReport = IdentityReport()
    #: curation applied to it (None: no curation file)
    curation: CurationReport | None = None
    #: nodes and relationships curation removed: a load deletes them from a database that has them
    retracted_nodes: tuple[EntityRef, ...] = ()
    retracted_rels: tuple[RelKey, ...] = ()


# --------------------------------------------------------------------------- reader


class ReaderOptions(Frozen):
    """How :func:`kg.extract.reader.read_documents` reads records (``.jsonl``/``.csv``) and decodes files.

    The ``*_field`` options name the record fields; ``encoding`` overrides the
    detection for every file (e.g. ``"gb18030"``).
    """

    id_field: str = "id"
    title_field: str = "title"
    date_field: str = "date"
    source_field: str = "source"
    text_field: str = "text"
    encoding: str | None = None


# --------------------------------------------------------------------------- evaluation


class Score(Frozen):
    """Counts of true positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class EvalError(Frozen):
    """One false positive or false negative, written for the person tuning the extractor.

    ``item`` is ``"Type name"`` for an entity and ``"s -PREDICATE-> o"`` for a
    triple; ``note`` says why it nearly matched (wrong type, other predicate...).
    """

    kind: str  # "entity" | "triple"
    label: str  # entity type or predicate
    item: str
    evidence: str = ""
    note: str = ""


class DocScore(Frozen):
    """Scores of one gold document, with its false positives and negatives."""

    doc_id: str
    entities: Score = Score()
    triples: Score = Score()
    false_positives: tuple[EvalError, ...] = ()
    false_negatives: tuple[EvalError, ...] = ()


class EvalReport(Frozen):
    """Result of :func:`kg.evaluate.score`: micro-averaged over the gold documents scored."""

    entities: Score = Score()
    triples: Score = Score()
    by_type: dict[str, Score] = Field(default_factory=dict)
    by_predicate: dict[str, Score] = Field(default_factory=dict)
    documents: tuple[DocScore, ...] = ()
    #: gold documents without a single prediction (all their gold counts as misses)
    unpredicted_docs: tuple[str, ...] = ()
    #: documents with predictions but no gold record (not scored)
    ignored_docs: tuple[str, ...] = ()


class IdentityScore(Frozen):
    """Pairwise merge precision/recall on expected clusters of (document, type, written name) items.

    ``pairs``: tp = pairs merged and expected, fp = merged but not expected, fn =
    expected but not merged. Only the ``covered`` items (extracted) of ``items`` count.
    """

    name: str
    items: int = 0
    covered: int = 0
    pairs: Score = Score()
    wrong_merges: tuple[str, ...] = ()
    missed_merges: tuple[str, ...] = ()


# --------------------------------------------------------------------------- benchmark


class BenchRun(Frozen):
    """Throughput of one measured run (``what`` is ``"jieba.lcut"`` or ``"pipeline"``)."""

    what: str
    workers: int = 1
    seconds: float
    kb_per_s: float
    ratio_to_jieba: float | None = None
    peak_rss_mb: float | None = None  # the process's peak resident memory after this run (scaling benchmark)


class BenchReport(Frozen):
    """What ``kg bench extract`` measured, all in one run on one corpus."""

    corpus: str
    documents: int
    size_kb: float
    runs: tuple[BenchRun, ...] = ()


# --- build / diagram / inventory


class InventoryRow(Frozen):
    """One program and one organiser of the program inventory (``kg inventory``)."""

    program: str
    organiser: str
    organiser_type: str
    organiser_level: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    beneficiaries: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    first_date: str = ""
    last_date: str = ""
    article_count: int = 0
    #: articles per year, e.g. "2024: 3; 2025: 1" (years of dated articles only)
    per_year: str = ""
    evidence: str = ""
    evidence_doc_id: str = ""

    @property
    def region(self) -> str:
        """``province/city/district`` with the known levels only (``""`` when none)."""
        return "/".join(x for x in (self.province, self.city, self.district) if x)


class MultiRegionProgram(Frozen):
    """A program whose organisers sit in more than one region."""

    program: str
    regions: tuple[str, ...]
    organisers: tuple[str, ...]
    article_count: int = 0
    first_date: str = ""
    last_date: str = ""


class Inventory(Frozen):
    """The program inventory: one row per (program, organiser), plus cross-region programs."""

    rows: tuple[InventoryRow, ...] = ()
    multi_region: tuple[MultiRegionProgram, ...] = ()


class BuildReport(Frozen):
    """What ``kg build`` produced: counts, written files, skipped input and notes."""

    out_dir: str
    documents: int = 0
    nodes: dict[str, int] = Field(default_factory=dict)
    relationships: dict[str, int] = Field(default_factory=dict)
    files: dict[str, str] = Field(default_factory=dict)
    problems: tuple[InputProblem, ...] = ()  # input that was skipped: exit code 1
    dropped: tuple[InputProblem, ...] = ()  # triples the ontology rejected while assembling
    notes: tuple[str, ...] = ()
    identity: IdentityReport = IdentityReport()
    curation: CurationReport | None = None
    reused: int | None = None  # documents whose extraction came from the cache (kg.extract.cache); None: no cache

    @property
    def skipped_files(self) -> tuple[str, ...]:
        """Input paths that had a problem, each once, in order."""
        return tuple(dict.fromkeys(p.path for p in self.problems))


# --- queries / embedded


class QueryParam(Frozen):
    """One declared ``$parameter`` of a saved query (from its header)."""

    name: str
    type: str  # "string" | "int" | "float" | "bool" | "date"
    required: bool = True
    default: str | int | float | bool | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    description: str = ""
    example: str = ""
    period_end: bool = False  # a date that ends a period: YYYY / YYYY-MM mean its last day


class SavedQuery(Frozen):
    """A saved Cypher query of ``queries/``: header metadata, text, per-engine variants."""

    name: str
    description: str
    params: tuple[QueryParam, ...] = ()
    text: str
    path: str
    #: engine name → text of ``queries/<name>.<engine>.cypher`` (only where unavoidable)
    variants: dict[str, str] = Field(default_factory=dict)

    def text_for(self, engine: str) -> str:
        """The Cypher to send to *engine* (its variant if there is one)."""
        return self.variants.get(engine, self.text)


class QueryRows(Frozen):
    """Rows of one query run: column names in order, one dict per row."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


class EmbeddedBuildReport(Frozen):
    """What :func:`kg.store.embedded.build_embedded` wrote."""

    db_dir: str
    engine: str
    engine_version: str
    nodes: int
    relationships: int
    documents: int
    mentions: int
    skipped: int = 0
    seconds: float


# --- neo4j store


class LoadReport(Frozen):
    """What one ``kg load`` created or changed (or, with ``dry_run``, would have)."""

    uri: str = ""
    database: str | None = None
    dry_run: bool = False
    #: False for a dry run that could not reach the database (counts assume an empty one)
    compared_to_database: bool = True
    note: str = ""
    constraints_created: int = 0
    documents_created: int = 0
    documents_updated: int = 0
    nodes_created: int = 0
    nodes_updated: int = 0
    mentions_created: int = 0
    mentions_updated: int = 0
    rels_created: int = 0
    rels_updated: int = 0
    evidence_added: int = 0
    #: nodes whose derived properties (loaders/derive_*.cypher, e.g. a program's regions) were rewritten
    derived_updated: int = 0
    #: MENTIONED_IN rows whose document is in no documents.jsonl (not linked)
    mentions_skipped: int = 0
    batches: int = 0
    seconds: float = 0.0
    #: the server's own update counters, summed over all batches
    counters: dict[str, int] = Field(default_factory=dict)
    #: seconds spent in each step (documents, nodes, mentions, relationships, derive)
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    #: what the identity step made of the loaded folders' names
    identity: IdentityReport = IdentityReport()
    #: what curation did (None: no curation file)
    curation: CurationReport | None = None
    #: nodes and relationships deleted because curation rejected or merged them away
    nodes_retracted: int = 0
    rels_retracted: int = 0

    @property
    def changed(self) -> bool:
        """True when anything was (or would be) created or updated."""
        return any(
            (self.constraints_created, self.documents_created, self.documents_updated, self.nodes_created,
             self.nodes_updated, self.mentions_created, self.mentions_updated, self.rels_created,
             self.rels_updated, self.evidence_added, self.derived_updated, self.nodes_retracted,
             self.rels_retracted)
        )
