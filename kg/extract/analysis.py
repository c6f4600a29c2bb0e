"""One document analysed by the rules: the shared ground of rule and learned extraction.

clean (:mod:`kg.extract.clean`) → segment (:mod:`kg.extract.segment`) →
mention candidates (:mod:`kg.extract.mentions`) → context resolution
(:mod:`kg.extract.resolve`) → relation rules (:data:`kg.extract.relations.RULES`).

:func:`analyse` keeps everything a later stage may read: the candidates the
rules keep, the *alternatives* they drop when spans overlap (and any extra
spans a learned tagger proposes), the article each sentence belongs to, the
body each article is about, and the best raw triple of every rule fact.
:mod:`kg.extract.extractors` turns it into rule output;
:mod:`kg.extract.learn` scores it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.extract.clean import CleanText, clean
from kg.extract.mentions.base import Cand
from kg.extract.mentions.find import find_candidates
from kg.extract.mentions.programs import head_proposals, quoted_proposals
from kg.extract.regions import fullest_chains, lookup, region_prefix
from kg.extract.relations import RULES, Doc, RawTriple
from kg.extract.resolve import resolve_names
from kg.extract.segment import Sentence, split_articles, split_sentences
from kg.models import Document
from kg.ontology import load_ontology

#: The default pipeline: relation rules by name, in order.
DEFAULT_RULES: tuple[str, ...] = tuple(RULES)

# Types the rules keep as entities only when a triple uses them (bare class words, regions, quoted phrases).
_ONLY_IF_USED = {"Group", "Region", "Program"}

#: proposes extra mention candidates (cleaned-view offsets) for a cleaned text and its sentences
SpanSource = Callable[[str, list[Sentence]], list[Cand]]


@dataclass
class Analysis:
    """Everything the rules computed for one document (offsets in the cleaned view ``ct``)."""

    doc: Document
    ct: CleanText
    sentences: list[Sentence]
    article_of: dict[int, int]  # sentence start → article index
    cands: list[Cand]  # kept by the rules, resolved
    alternatives: list[Cand]  # dropped by overlap resolution or proposed by a span source, resolved
    rules_doc: Doc
    raw: list[RawTriple]  # the most confident raw triple of every rule fact

    def rule_entities(self) -> list[Cand]:
        """The candidates the rules emit as entities: every kept one, but groups, regions and
        programs only when a rule triple uses them (and the region objects of IN_REGION facts)."""
        used = {(rt.s.type, rt.s.name) for rt in self.raw} | {(rt.o.type, rt.o.name) for rt in self.raw}
        out = []
        for c in self.cands + [rt.o for rt in self.raw if rt.o.rule == "region-of-name"]:
            key = (c.type, c.name)
            if c.type in _ONLY_IF_USED and key not in used:
                continue
            if c.type == "Region" and not lookup(c.name) and key not in used:
                continue
            out.append(c)
        return out

    def sentence_at(self, pos: int) -> int:
        """Index of the sentence that holds cleaned offset *pos* (the nearest one before it)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].start <= pos:
                lo = mid + 1
            else:
                hi = mid
        return max(lo - 1, 0)


def analyse(
    doc: Document, *, rules: tuple[str, ...] = DEFAULT_RULES, spans: SpanSource | None = None
) -> Analysis:
    """Run the rules on *doc*, keeping their alternatives (and *spans*' proposals) beside their choices."""
    ct, sentences = segment_document(doc)
    dropped: list[Cand] = []
    cands = find_candidates(ct.text, sentences, alternatives=dropped)
    article_of = {s.start: s.article for s in sentences}
    alternatives = dropped + (spans(ct.text, sentences) if spans is not None and sentences else [])
    if spans is not None:
        alternatives += [c for s in sentences for c in (*quoted_proposals(s, ct.text), *head_proposals(s, ct.text))]
    if alternatives:
        # Alternatives are resolved in the context of the kept candidates (copies,
        # so that the rules' own resolution below stays exactly what it was).
        resolve_names([_clone(c) for c in cands] + alternatives, article_of, ct.text)
        alternatives = [c for c in alternatives if not c.extra.get("drop")]
    resolve_names(cands, article_of, ct.text)
    cands = [c for c in cands if not c.extra.get("drop")]

    by_sentence: dict[int, list[Cand]] = {}
    for c in sorted(cands, key=lambda c: c.start):
        by_sentence.setdefault(c.sentence, []).append(c)
    known = frozenset(c.name for c in cands if c.type == "Region" and lookup(c.name))
    rules_doc = Doc(text=ct.text, sentences=sentences, cands=cands, by_sentence=by_sentence,
                    main_body=_main_bodies(cands, sentences, article_of), region_canon=_region_canon(cands),
                    known_divisions=known)

    onto = load_ontology()
    best: dict[tuple[str, str, str, str, str], RawTriple] = {}
    for name in rules:
        for rt in RULES[name](rules_doc):
            if not rt.s.name.strip() or not rt.o.name.strip():
                continue
            if rt.s.name == rt.o.name or not onto.allows(rt.s.type, rt.p, rt.o.type):
                continue
            key = (rt.s.type, rt.s.name, rt.p, rt.o.type, rt.o.name)
            if key not in best or rt.confidence > best[key].confidence:
                best[key] = rt
    return Analysis(doc=doc, ct=ct, sentences=sentences, article_of=article_of, cands=cands,
                    alternatives=alternatives, rules_doc=rules_doc, raw=list(best.values()))


def _clone(c: Cand) -> Cand:
    """A copy of *c* that resolution may change without touching *c* (a deep copy costs ten times more)."""
    return Cand(c.type, c.start, c.end, c.surface, c.rule, c.name, c.head, c.sentence,
                {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                 for k, v in c.extra.items()})


def segment_document(doc: Document) -> tuple[CleanText, list[Sentence]]:
    """The cleaned view of *doc* and its sentences (mastheads left out)."""
    ct = clean(doc.text)
    sections = [s for s in split_articles(ct.text, wrapped=ct.wrapped) if not s.masthead]
    return ct, split_sentences(ct.text, sections)


def _main_bodies(cands: list[Cand], sentences: list[Sentence], article_of: dict[int, int]) -> dict[int, Cand | None]:
    """Article → the body it is about: its first union, else the organisation it names most often."""
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
    return main_body


def _region_canon(cands: list[Cand]) -> dict[str, str]:
    """Deepest division → the fullest chain the document writes for it (suffixes restored); a chain
    written short inside a body's name (某某公司甘泉宁川分公司, 甘泉宁川市某某公司) names each division on its
    own: it does not lengthen the name of the place elsewhere."""
    return fullest_chains((c.name, c.type == "Region") for c in cands if not _short_chain_in_name(c))


def _short_chain_in_name(c: Cand) -> bool:
    """*c* writes a chain of divisions short (甘泉宁川) inside or at the start of a body's name."""
    if c.type == "Region":
        written, full, _ = region_prefix(c.name + "·")
        return bool(c.extra.get("inside")) and c.surface[: len(written)] != full
    written, full, _ = region_prefix(c.name)
    return written != full
