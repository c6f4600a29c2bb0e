"""The extraction pipeline for one document, as an explicit table of stages.

clean (:mod:`kg.extract.clean`) → segment (:mod:`kg.extract.segment`) →
entity candidates (:func:`kg.extract.mentions.find.find_candidates`) →
context resolution (:mod:`kg.extract.resolve`) → relation rules
(:data:`kg.extract.relations.RULES`) → entities and triples with offsets into
the original text.
"""

from __future__ import annotations

import re

from kg.extract.clean import clean
from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand, normalise_name
from kg.extract.mentions.find import find_candidates
from kg.extract.regions import lookup, region_prefix
from kg.extract.relations import RULES, Doc, RawTriple
from kg.extract.resolve import resolve_names
from kg.extract.segment import split_articles, split_sentences
from kg.models import Document, Entity, EntityRef, Evidence, Span, Triple
from kg.ontology import load_ontology

#: The default pipeline: relation rules by name, in order.
DEFAULT_RULES: tuple[str, ...] = tuple(RULES)

# Types kept as entities only when a triple uses them (bare class words, regions, quoted phrases).
_ONLY_IF_USED = {"Group", "Region", "Program"}


def run_extractors(doc: Document, rules: tuple[str, ...] = DEFAULT_RULES) -> tuple[list[Entity], list[Triple]]:
    """Run the default pipeline of extractors on one document."""
    if not doc.text.strip():
        return [], []
    ct = clean(doc.text)
    sections = [s for s in split_articles(ct.text, wrapped=ct.wrapped) if not s.masthead]
    sentences = split_sentences(ct.text, sections)
    cands = find_candidates(ct.text, sentences)
    article_of = {s.start: s.article for s in sentences}
    resolve_names(cands, article_of, ct.text)
    cands = [c for c in cands if not c.extra.get("drop")]

    by_sentence: dict[int, list[Cand]] = {}
    for c in sorted(cands, key=lambda c: c.start):
        by_sentence.setdefault(c.sentence, []).append(c)
    main_body: dict[int, Cand | None] = {}
    for s in sentences:
        if s.article in main_body:
            continue
        arts = sorted((c for c in cands if article_of.get(c.sentence) == s.article), key=lambda c: c.start)
        # the body an article is about is the first union it names (its title or first sentence)
        unions = [c for c in arts if c.type == "Union" and not c.extra.get("inside") and c.rule != "region-enum"]
        if unions:
            main_body[s.article] = unions[0]
        else:
            # no union: the organisation the article names most often (first on ties)
            orgs = [c for c in arts if c.type == "Organization" and not c.extra.get("context")]
            counts: dict[str, int] = {}
            for c in orgs:
                counts[c.name] = counts.get(c.name, 0) + 1
            main_body[s.article] = max(orgs, key=lambda c: counts[c.name], default=None)
    region_canon = _region_canon(cands)
    known = frozenset(c.name for c in cands if c.type == "Region" and lookup(c.name))
    adoc = Doc(text=ct.text, sentences=sentences, cands=cands, by_sentence=by_sentence,
               main_body=main_body, region_canon=region_canon, known_divisions=known)

    onto = load_ontology()
    best: dict[tuple[str, str, str, str, str], RawTriple] = {}
    for name in rules:
        for rt in RULES[name](adoc):
            if not rt.s.name.strip() or not rt.o.name.strip():
                continue
            if rt.s.name == rt.o.name or not onto.allows(rt.s.type, rt.p, rt.o.type):
                continue
            key = (rt.s.type, rt.s.name, rt.p, rt.o.type, rt.o.name)
            if key not in best or rt.confidence > best[key].confidence:
                best[key] = rt

    used: set[tuple[str, str]] = set()
    triples: list[Triple] = []
    for rt in best.values():
        start, end = ct.span(rt.sent.start, rt.sent.end)
        triples.append(
            Triple(
                doc_id=doc.doc_id,
                subject=EntityRef(type=rt.s.type, name=rt.s.name),
                predicate=rt.p,
                object=EntityRef(type=rt.o.type, name=rt.o.name),
                attrs=rt.attrs,
                evidence=Evidence(sentence=doc.text[start:end], start=start, end=end),
                confidence=round(min(1.0, max(0.0, rt.confidence)), 3),
                extractor=rt.extractor,
            )
        )
        used.add((rt.s.type, rt.s.name))
        used.add((rt.o.type, rt.o.name))

    # region objects of IN_REGION that came from names count as mentions too
    extra_cands = [rt.o for rt in best.values() if rt.o.rule == "region-of-name"]
    entities = _entities(doc, ct, cands + extra_cands, used)
    return entities, triples


def _region_canon(cands: list[Cand]) -> dict[str, str]:
    """Deepest division → the fullest chain the document writes for it (suffixes restored)."""
    canon: dict[str, str] = {}
    for c in cands:
        if c.type == "Region":
            written, full, div = region_prefix(c.name + "·")
        else:
            written, full, div = region_prefix(c.name)
        if div is None:
            continue
        if re.match(r"[\u4e00-\u9fff]{0,8}?(开发区|园区|新区|示范区|产业园|街道|社区|镇)", c.name[len(written):]):
            continue  # “吉林青峰高新技术产业园区”: a zone's name does not name the county
        if len(full) > len(canon.get(div.name, "")):
            canon[div.name] = full
    return canon


def _entities(doc: Document, ct, cands: list[Cand], used: set[tuple[str, str]]) -> list[Entity]:
    groups: dict[tuple[str, str], dict] = {}
    for c in cands:
        key = (c.type, c.name)
        if not c.name.strip():
            continue
        if c.type in _ONLY_IF_USED and key not in used:
            continue
        if c.type == "Region" and not lookup(c.name) and key not in used:
            continue
        g = groups.setdefault(key, {"aliases": [], "mentions": set()})
        alias = c.extra.get("alias") or ""
        for a in (alias, c.surface):
            a = a.strip()
            if a and a != c.name and not c.extra.get("context") and a not in g["aliases"] and _alias_ok(a, c):
                g["aliases"].append(a)
        start, end = ct.span(c.start, c.end)
        if end > start:
            g["mentions"].add((start, end))
    out = []
    for (etype, name), g in groups.items():
        out.append(
            Entity(
                doc_id=doc.doc_id,
                type=etype,
                name=name,
                aliases=tuple(g["aliases"]),
                mentions=tuple(Span(start=a, end=b) for a, b in sorted(g["mentions"])),
            )
        )
    return out


def _alias_ok(alias: str, c: Cand) -> bool:
    a = normalise_name(alias)
    return bool(a) and a != c.name and a[:1] not in "省市区县" and a not in lexicon().head_type
