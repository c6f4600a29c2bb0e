"""What every relation rule shares: the analysed document it reads and the raw triple it writes.

:mod:`kg.extract.relations` holds the rule table; the rules of one family of
predicates may live in a module of their own (:mod:`kg.extract.relations_people`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
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
    region_canon: dict[str, str]  # deepest division name → fullest chain written in the document (not from short chains inside names)
    known_divisions: frozenset[str] = frozenset()  # divisions the document names in full
    #: lookups built on first use (:func:`sentence_at`, :func:`cands_starting`, :func:`people_named`)
    _index: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)  # type: ignore[type-arg]


def _sentences(doc: Doc) -> dict[int, Sentence]:
    index = doc._index.get("sentence")
    if index is None:
        index = doc._index["sentence"] = {}
        for s in doc.sentences:
            index.setdefault(s.start, s)
    return index


def sentence_at(doc: Doc, start: int) -> Sentence:
    """The sentence that starts at *start* (a candidate's ``sentence``); looked up, not searched,
    so that rules stay linear in the length of the document."""
    return _sentences(doc)[start]


def sentence_or_none(doc: Doc, start: int) -> Sentence | None:
    """The sentence that starts at *start*, if one does."""
    return _sentences(doc).get(start)


def previous_sentence(doc: Doc, sent: Sentence) -> Sentence | None:
    """The sentence before *sent* in the document, if there is one (looked up, like :func:`sentence_at`)."""
    order = doc._index.get("order")
    if order is None:
        order = doc._index["order"] = {}
        for i, s in enumerate(doc.sentences):
            order.setdefault(s.start, i)
    i = order.get(sent.start, 0)
    return _sentences(doc)[doc.sentences[i - 1].start] if i > 0 else None


def cands_starting(doc: Doc, start: int) -> list[Cand]:
    """The candidates that start at *start*, in the order of ``doc.cands``."""
    index = doc._index.get("start")
    if index is None:
        index = doc._index["start"] = {}
        for c in doc.cands:
            index.setdefault(c.start, []).append(c)
    return index.get(start, [])


def people_named(doc: Doc, name: str) -> list[Cand]:
    """The Person candidates named *name*, in the order of ``doc.cands``."""
    index = doc._index.get("person")
    if index is None:
        index = doc._index["person"] = {}
        for c in doc.cands:
            if c.type == "Person":
                index.setdefault(c.name, []).append(c)
    return index.get(name, [])


def awards_ending_by(doc: Doc, at: int) -> Iterator[Cand]:
    """The Award candidates that end at or before *at*, the latest end first (ties in the order of
    ``doc.cands``): sorted once per document, entered by bisection."""
    index = doc._index.get("awards")
    if index is None:
        awards = sorted((c for c in doc.cands if c.type == "Award"), key=lambda c: -c.end)
        index = doc._index["awards"] = {"cands": awards, "keys": [-c.end for c in awards]}
    awards = index["cands"]
    return iter(awards[bisect_left(index["keys"], -at):])


def sent_cands(doc: Doc, sent: Sentence) -> list[Cand]:
    """The candidates of a sentence in text order (sorted once, by the pipeline)."""
    return doc.by_sentence.get(sent.start, [])


def bodies(cs: list[Cand]) -> list[Cand]:
    return [c for c in cs if c.type in BODY and not c.extra.get("inside")]


def subject_in(doc: Doc, sent: Sentence, before: int) -> Cand | None:
    """The body in subject position: near the sentence start, at most one comma before it."""
    for c in bodies(sent_cands(doc, sent)):
        if c.end > before or c.type not in ("Union", "Organization", "Enterprise"):
            continue
        lead = doc.text[sent.start : c.start]
        if re.match(r"在[^，,]*$", lead):
            continue  # “在A公司、B公司，…”: where something happens, not who does it
        if len(lead) <= 12 and lead.count("，") <= 1 and not re.search(r"(和|与|及|在|向|为|对|给|以|由|成立|组建|新建|建立|区级|市级|来到|走进|深入|走访|到|赴|前往|慰问|看望)$", lead):
            return c
    return None


def subject_for(doc: Doc, sent: Sentence, before: int) -> tuple[Cand | None, float]:
    c = subject_in(doc, sent, before)
    if c is not None:
        return c, 0.8
    s = doc.main_body.get(sent.article)
    return s, 0.65
