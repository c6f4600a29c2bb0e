"""Extractors: plain functions from a document to its entities and triples, in one table.

``rules`` is the rule pipeline of :func:`kg.extract.analysis.analyse` (head
words, triggers, context); ``learned`` scores the same candidates, plus the
spans a tagger trained on gold proposes, with models trained on gold
(:mod:`kg.extract.learn`). :data:`EXTRACTORS` lists them by name;
:func:`run_extractors` runs the default one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from kg.extract.analysis import DEFAULT_RULES, Analysis, analyse
from kg.extract.learn.decide import run_learned
from kg.extract.learn.model import load_models
from kg.extract.output import entity_records, triple_record
from kg.models import Document, Entity, Triple

__all__ = ["DEFAULT_EXTRACTOR", "EXTRACTORS", "extractor", "run_extractors", "run_rules", "rule_output"]

Extractor = Callable[[Document], tuple[list[Entity], list[Triple]]]


def run_rules(doc: Document, rules: tuple[str, ...] = DEFAULT_RULES) -> tuple[list[Entity], list[Triple]]:
    """The rules alone: every candidate they keep and every fact a relation rule states."""
    if not doc.text.strip():
        return [], []
    return rule_output(analyse(doc, rules=rules))


def rule_output(a: Analysis) -> tuple[list[Entity], list[Triple]]:
    """Entities and triples as the rules decide them."""
    triples = [
        triple_record(a.doc, a.ct, s=rt.s, p=rt.p, o=rt.o, sent=rt.sent, attrs=rt.attrs,
                      confidence=rt.confidence, extractor=rt.extractor)
        for rt in a.raw
    ]
    return entity_records(a.doc, a.ct, a.rule_entities()), triples


#: every extractor by name
EXTRACTORS: dict[str, Extractor] = {"learned": run_learned, "rules": run_rules}
DEFAULT_EXTRACTOR = "learned"  # with the models shipped in kg/data/models


def run_extractors(doc: Document, name: str = DEFAULT_EXTRACTOR) -> tuple[list[Entity], list[Triple]]:
    """Run the named extractor (by default the learned one) on one document."""
    return EXTRACTORS[name](doc)


def _learned_from(folder: Path, doc: Document) -> tuple[list[Entity], list[Triple]]:
    return run_learned(doc, load_models(folder))


def extractor(name: str = DEFAULT_EXTRACTOR, *, models: Path | None = None) -> Extractor:
    """The extractor called *name*, checked and ready: its models are loaded here, so that a
    missing or mismatched model folder is a :class:`~kg.errors.ModelError` before any document is read.
    The result is picklable (it can run in worker processes)."""
    if name not in EXTRACTORS:
        raise ValueError(f"unknown extractor {name!r}; choose one of {', '.join(EXTRACTORS)}")
    if name == "learned":
        load_models(models)
        if models is not None:
            return functools.partial(_learned_from, Path(models))
    elif models is not None:
        raise ValueError("models belong to the learned extractor; drop --models or choose --extractor learned")
    return EXTRACTORS[name]
