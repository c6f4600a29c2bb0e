"""Models of the curation file (part of :mod:`kg.models`, which re-exports them).

A researcher's corrections, applied after extraction on every run by
:mod:`kg.extract.curation`: see ``curation.toml`` in the README.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kg.models_base import Frozen

__all__ = ["CurationAdd", "CurationFile", "CurationMerge", "CurationProblem", "CurationReject", "CurationRename",
           "CurationReport"]


class CurationMerge(Frozen):
    """``[[merge]]``: the entities named *names* are the entity *into* (which keeps its name)."""

    into: str = Field(min_length=1)
    names: tuple[str, ...] = Field(min_length=1)
    type: str | None = None  # only entities of this type (else any type; an ambiguous name is reported)
    reason: str = ""


class CurationRename(Frozen):
    """``[[rename]]``: give an entity another name and/or type (the old name becomes an alias)."""

    name: str = Field(min_length=1)
    type: str | None = None
    new_name: str | None = None
    new_type: str | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _changes_something(self) -> "CurationRename":
        if not self.new_name and not self.new_type:
            raise ValueError("give new_name, new_type or both")
        return self


class CurationReject(Frozen):
    """``[[reject]]``: a fact (subject, predicate, object) or an entity never to appear, with a reason."""

    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    subject_type: str | None = None
    object_type: str | None = None
    entity: str | None = None
    type: str | None = None  # of the entity
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _fact_or_entity(self) -> "CurationReject":
        fact = (self.subject, self.predicate, self.object)
        if self.entity and any(fact):
            raise ValueError("reject either an entity or a fact (subject, predicate, object), not both")
        if not self.entity and not all(fact):
            raise ValueError("give entity = NAME, or subject, predicate and object")
        return self

    @property
    def label(self) -> str:
        return f"reject {self.entity}" if self.entity else f"reject {self.subject} {self.predicate} {self.object}"


class CurationAdd(Frozen):
    """``[[add]]``: a fact the extractor missed, with its citation.

    The citation is a sentence of a loaded document (``doc_id`` + ``sentence``,
    found in its text for the offsets) or a free-text ``source`` (with an
    optional ``date``).
    """

    subject: str = Field(min_length=1)
    subject_type: str = Field(min_length=1)
    predicate: str = Field(min_length=1)
    object: str = Field(min_length=1)
    object_type: str = Field(min_length=1)
    doc_id: str = ""
    sentence: str = ""
    source: str = ""
    date: str = ""
    attrs: dict[str, str] = Field(default_factory=dict)
    reason: str = ""

    @model_validator(mode="after")
    def _cited(self) -> "CurationAdd":
        if not ((self.doc_id and self.sentence) or self.source):
            raise ValueError("cite it: doc_id and sentence, or source")
        return self

    @property
    def label(self) -> str:
        return f"add {self.subject} {self.predicate} {self.object}"


class CurationProblem(Frozen):
    """A curation entry that was not applied: bad, or stale (it matches nothing any more)."""

    path: str
    line: int | None = None
    entry: str  # e.g. "reject 甲 SUPPORTS 乙"
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.entry}: {self.message}"


class CurationFile(Frozen):
    """A parsed curation file; ``lines`` gives each entry's line ("merge:0" → 12) for messages,
    ``problems`` the entries that could not be read (skipped)."""

    path: str = ""
    merge: tuple[CurationMerge, ...] = ()
    rename: tuple[CurationRename, ...] = ()
    reject: tuple[CurationReject, ...] = ()
    add: tuple[CurationAdd, ...] = ()
    lines: dict[str, int] = Field(default_factory=dict)
    problems: tuple[CurationProblem, ...] = ()

    @property
    def entries(self) -> int:
        return len(self.merge) + len(self.rename) + len(self.reject) + len(self.add)


class CurationReport(Frozen):
    """What the curation file did to the graph."""

    path: str = ""
    entries: int = 0
    applied: int = 0
    merged: int = 0
    renamed: int = 0
    rejected_entities: int = 0
    rejected_facts: int = 0
    added_facts: int = 0
    problems: tuple[CurationProblem, ...] = ()
