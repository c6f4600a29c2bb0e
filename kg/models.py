"""All data models of union-kg, in one place.

Stages pass these frozen models, never loose dicts. The exchange formats of
ONTOLOGY.md (``documents.jsonl``, ``entities.jsonl``, ``triples.jsonl``,
``gold.jsonl``) are these models serialised with :func:`to_json_line`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    """Base of every model: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


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
    """An entity merged over all documents: one node of the graph."""

    type: str
    name: str
    aliases: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    province: str | None = None
    city: str | None = None
    district: str | None = None

    @property
    def ref(self) -> EntityRef:
        return EntityRef(type=self.type, name=self.name)


class MentionRecord(Frozen):
    """An entity is mentioned *mentions* times in a document."""

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


class GraphData(Frozen):
    """The graph assembled from one or more extraction outputs, ready for any store."""

    documents: tuple[Document, ...] = ()
    nodes: tuple[NodeRecord, ...] = ()
    mentions: tuple[MentionRecord, ...] = ()
    rels: tuple[RelRecord, ...] = ()
    problems: tuple[InputProblem, ...] = ()
