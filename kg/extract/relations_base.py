"""What every relation rule shares: the analysed document it reads and the raw triple it writes.

:mod:`kg.extract.relations` holds the rule table; the rules of one family of
predicates may live in a module of their own (:mod:`kg.extract.relations_people`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.extract.mentions.base import Cand
from kg.extract.segment import Sentence

BODY = ("Union", "Organization", "Enterprise")


@dataclass(slots=True)
class RawTriple:
    s: Cand
    p: str
    o: Cand
    sent: Sentence
    extractor: str
    confidence: float
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Doc:
    """The analysed document the rules read."""

    text: str
    sentences: list[Sentence]
    cands: list[Cand]
    by_sentence: dict[int, list[Cand]]
    main_body: dict[int, Cand | None]  # article → the body the article is about
    region_canon: dict[str, str]  # deepest division name → fullest chain written in the document
    known_divisions: frozenset[str] = frozenset()  # divisions the document names in full


def sent_cands(doc: Doc, sent: Sentence) -> list[Cand]:
    """The candidates of a sentence in text order (sorted once, by the pipeline)."""
    return doc.by_sentence.get(sent.start, [])
