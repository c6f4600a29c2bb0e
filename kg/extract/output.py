"""Exchange records from analysed candidates: entities with aliases and mentions, triples with evidence.

Offsets are mapped back from the cleaned view to the document's ``text``, so
that ``text[start:end]`` holds each mention and each evidence sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.clean import CleanText
from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand, normalise_name
from kg.extract.segment import Sentence
from kg.models import Document, Entity, EntityRef, Evidence, Span, Triple


def entity_records(doc: Document, ct: CleanText, cands: Iterable[Cand]) -> list[Entity]:
    """One entity per (type, name) of *cands*, in first-seen order, with its aliases and mention spans."""
    groups: dict[tuple[str, str], dict] = {}
    for c in cands:
        if not c.name.strip():
            continue
        g = groups.setdefault((c.type, c.name), {"aliases": [], "mentions": set()})
        alias = c.extra.get("alias") or ""
        for a in (alias, c.surface):
            a = a.strip()
            if a and a != c.name and not c.extra.get("context") and a not in g["aliases"] and _alias_ok(a, c):
                g["aliases"].append(a)
        start, end = ct.span(c.start, c.end)
        if end > start:
            g["mentions"].add((start, end))
    return [
        Entity(
            doc_id=doc.doc_id,
            type=etype,
            name=name,
            aliases=tuple(g["aliases"]),
            mentions=tuple(Span(start=a, end=b) for a, b in sorted(g["mentions"])),
        )
        for (etype, name), g in groups.items()
    ]


def triple_record(
    doc: Document,
    ct: CleanText,
    *,
    s: Cand,
    p: str,
    o: Cand,
    sent: Sentence,
    attrs: dict[str, str],
    confidence: float,
    extractor: str,
) -> Triple:
    """A triple whose evidence is *sent*, mapped back to the original text."""
    start, end = ct.span(sent.start, sent.end)
    return Triple(
        doc_id=doc.doc_id,
        subject=EntityRef(type=s.type, name=s.name),
        predicate=p,
        object=EntityRef(type=o.type, name=o.name),
        attrs=attrs,
        evidence=Evidence(sentence=doc.text[start:end], start=start, end=end),
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        extractor=extractor,
    )


def _alias_ok(alias: str, c: Cand) -> bool:
    a = normalise_name(alias)
    return bool(a) and a != c.name and a[:1] not in "省市区县" and a not in lexicon().head_type
