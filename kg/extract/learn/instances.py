"""What the learned models score: mentions, entity candidates and relation instances of one document.

A *mention* is one candidate span with every source that proposed it (rule
families, the span tagger), whether the rules kept it, and its canonical
name. An *entity candidate* is every mention of one (type, name) in the
document. A *relation instance* is a predicate between two mentions that the
ontology allows: every ordered pair within a sentence, the body an article
is about (a *virtual* subject, for sentences that leave their subject out)
with every mention of each of its sentences, and every fact a rule states.
A pair stands for a predicate only where the sentence holds one of its
trigger words (``schemas/ontology.toml``), the two names touch or nest, or a
rule states the fact.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.analysis import Analysis
from kg.extract.mentions.base import Cand
from kg.extract.relations import RawTriple
from kg.ontology import load_ontology

__all__ = ["HELP_WORDS", "DocView", "EntityCandidate", "Mention", "RelationInstance", "UNGATED", "cued_predicates", "view_of"]

BODY = frozenset({"Union", "Organization", "Enterprise"})


@dataclass(slots=True, eq=False)
class Mention:
    """One candidate span (cleaned-view offsets) and what proposed it."""

    type: str
    name: str
    surface: str
    start: int
    end: int
    sent: int  # sentence index
    cand: Cand  # a representative candidate (for aliases and output)
    rules: set[str] = field(default_factory=set)
    kept: bool = False  # kept by the rules' overlap resolution
    inside: bool = False  # inside a longer name (a host, a region)
    context: bool = False  # a context-bound form (市总工会) resolved or kept as written
    virtual: bool = False  # the article's body standing for a left-out subject


@dataclass(slots=True)
class EntityCandidate:
    type: str
    name: str
    mentions: list[Mention]


@dataclass(slots=True)
class RelationInstance:
    p: str
    s: Mention
    o: Mention


@dataclass
class DocView:
    """One analysed document as the feature functions read it."""

    a: Analysis
    mentions: list[Mention]
    by_sentence: dict[int, list[Mention]]
    rule_entities: frozenset[tuple[str, str]]
    rule_roles: dict[tuple[str, str], set[tuple[str, str]]]
    rule_facts: dict[tuple[str, str, str], RawTriple]
    rule_pairs: frozenset[tuple[str, str]]
    rule_objects: frozenset[str]
    title_end: int
    memo: dict = field(default_factory=dict)  # per-document cache of the feature functions

    def entity_candidates(self) -> list[EntityCandidate]:
        groups: dict[tuple[str, str], list[Mention]] = {}
        for m in self.mentions:
            groups.setdefault((m.type, m.name), []).append(m)
        return [EntityCandidate(t, n, ms) for (t, n), ms in groups.items()]

    def relation_instances(self, predicates: frozenset[str] | None = None) -> list[RelationInstance]:
        """Every relation instance of the document (computed once: the feature caches key on its mentions).

        With *predicates*, the instances of those predicates and, of the others, only those of the facts a
        rule states (by name, as :attr:`rule_facts`): each kept instance stands as among all instances, in
        the same order.
        """
        key = "instances" if predicates is None else ("instances", predicates)
        cached = self.memo.get(key)
        if cached is None:
            cached = self.memo[key] = self._relation_instances(predicates)
        return cached

    def _relation_instances(self, predicates: frozenset[str] | None) -> list[RelationInstance]:
        allowed = _allowed()
        seen: set[tuple] = set()
        out: list[RelationInstance] = []
        facts = self.rule_facts

        def add(p: str, s: Mention, o: Mention) -> None:
            if predicates is not None and p not in predicates and (s.name, p, o.name) not in facts:
                return
            key = (s.name, p, o.name, s.start, o.start, s.virtual)
            if key not in seen and s.name != o.name and s.name.strip() and o.name.strip():
                seen.add(key)
                out.append(RelationInstance(p, s, o))

        a = self.a
        for si, ms in sorted(self.by_sentence.items()):
            cued = cued_predicates(a.sentences[si].text)
            # a help sentence's beneficiaries may stand in the next one (…慰问困难职工。家住某地的张三…)
            helped = si > 0 and a.sentences[si - 1].article == a.sentences[si].article \
                and HELP_WORDS.search(a.sentences[si - 1].text) is not None
            for s in ms:
                for o in ms:
                    # a mention inside a longer name pairs only with the name that holds it
                    if s is o or (s.inside or o.inside) and not _nested(s, o):
                        continue
                    close = _nested(s, o) or s.end == o.start or o.end == s.start
                    for p in allowed.get((s.type, o.type), ()):
                        if close or p in cued:
                            add(p, s, o)
            body = a.rules_doc.main_body.get(a.sentences[si].article)
            if body is not None:
                v = Mention(body.type, body.name, body.surface, -1, -1, si, body, {body.rule}, virtual=True)
                for o in ms:
                    if not o.inside:
                        for p in allowed.get((v.type, o.type), ()):
                            if p in cued or helped and p == "SUPPORTS" and o.type in _HELPED_LATER:
                                add(p, v, o)
        for rt in a.raw:
            o = _mention(a, rt.o)
            s = _mention(a, rt.s)
            if a.sentence_at(rt.s.start) != o.sent and rt.s is a.rules_doc.main_body.get(a.sentences[o.sent].article):
                s = Mention(s.type, s.name, s.surface, -1, -1, o.sent, rt.s, s.rules, virtual=True)
            add(rt.p, s, o)
        return out


#: words that state help itself, not only presence (慰问, 送温暖, 帮扶, 发放 …)
HELP_WORDS = re.compile(r"慰问|送温暖|送清凉|送凉爽|看望|探望|帮扶|关爱|救助|资助|送去|送上|送来|送到|发放|赠送|捐赠|捐助|"
                        r"补助|补贴|为.{1,12}(提供|解决)")
#: beneficiaries a help sentence may name in the sentence after it
_HELPED_LATER = frozenset({"Person", "Group", "Enterprise", "Organization"})


@lru_cache(maxsize=1)
def _allowed() -> dict[tuple[str, str], tuple[str, ...]]:
    """(subject type, object type) → the predicates the ontology allows between them."""
    onto = load_ontology()
    out: dict[tuple[str, str], list[str]] = {}
    for s in onto.types:
        for o in onto.types:
            ps = [p for p in onto.predicates if onto.allows(s, p, o)]
            if ps:
                out[(s, o)] = ps
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _trigger_automaton():
    import ahocorasick  # lazy: only the learned extractor needs it

    auto = ahocorasick.Automaton()
    words: dict[str, set[str]] = {}
    for name, pred in load_ontology().predicates.items():
        for w in pred.triggers:
            words.setdefault(w, set()).add(name)
    for w, preds in words.items():
        auto.add_word(w, frozenset(preds))
    auto.make_automaton()
    return auto


#: predicates that need no trigger word in the sentence: a position, a program and a region are
#: stated by the shape of the names (某总工会主席张三, “某某”活动, 某省某公司)
UNGATED = frozenset({"HOLDS_POSITION", "RUNS", "IN_REGION"})


def cued_predicates(sentence: str) -> frozenset[str]:
    """The predicates a sentence may state: those with a trigger word (ontology) in it, and the ungated ones.

    >>> sorted(cued_predicates("甲工会走访乙公司")) == sorted(UNGATED | {"VISITS"})
    True
    """
    found = set(UNGATED)
    for _, preds in _trigger_automaton().iter(sentence):
        found |= preds
    return frozenset(found)


def _nested(x: Mention, y: Mention) -> bool:
    return (x.start <= y.start and y.end <= x.end) or (y.start <= x.start and x.end <= y.end)


def _mention(a: Analysis, c: Cand) -> Mention:
    return Mention(c.type, c.name, c.surface, c.start, c.end, a.sentence_at(c.start), c, {c.rule},
                   inside=bool(c.extra.get("inside")), context=bool(c.extra.get("context") or c.extra.get("resolved_from")))


def view_of(a: Analysis) -> DocView:
    """Merge the candidates of *a* into mentions and index what the rules decided."""
    merged: dict[tuple[str, int, int, str], Mention] = {}

    def add(c: Cand, kept: bool, inside: bool = False) -> None:
        key = (c.type, c.start, c.end, c.name)
        m = merged.get(key)
        if m is None:
            m = merged[key] = _mention(a, c)
            m.rules.clear()
        m.rules.add(c.rule)
        m.kept |= kept
        m.inside |= inside or bool(c.extra.get("inside"))
        m.context |= bool(c.extra.get("context") or c.extra.get("resolved_from"))

    for c in a.cands:
        add(c, True)
    for c in a.alternatives:
        add(c, False)
    for rt in a.raw:
        if rt.o.rule == "region-of-name":
            add(rt.o, False, inside=True)  # the region a body's own name states
    mentions = sorted(merged.values(), key=lambda m: (m.start, -m.end, m.type, m.name))
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_sentence[m.sent].append(m)

    roles: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    facts: dict[tuple[str, str, str], RawTriple] = {}
    for rt in a.raw:
        roles[(rt.s.type, rt.s.name)].add(("s", rt.p))
        roles[(rt.o.type, rt.o.name)].add(("o", rt.p))
        facts[(rt.s.name, rt.p, rt.o.name)] = rt
    return DocView(
        a=a,
        mentions=mentions,
        by_sentence=dict(by_sentence),
        rule_entities=frozenset((c.type, c.name) for c in a.rule_entities()),
        rule_roles=dict(roles),
        rule_facts=facts,
        rule_pairs=frozenset((rt.s.name, rt.o.name) for rt in a.raw),
        rule_objects=frozenset(rt.o.name for rt in a.raw),
        title_end=a.sentences[0].end if a.sentences else 0,
    )
