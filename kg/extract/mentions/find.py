"""All mention candidates of a document: every family's finder, sentence by sentence,
then overlaps resolved by rule priority.

A new family is a module of ``kg/extract/mentions/`` with a
``*_candidates(sent, ...)`` function, called from :func:`find_candidates`
and given a priority in :data:`_PRIORITY`.
"""

from __future__ import annotations

from kg.extract.lexicon import lexicon
from kg.extract.mentions.awards import award_candidates
from kg.extract.mentions.base import Cand, Token, tokens_of
from kg.extract.mentions.coref import coref_candidates
from kg.extract.mentions.enumerations import ENUM, enumeration_candidates, region_enum_candidates
from kg.extract.mentions.facilities import (
    branch_facility_candidates,
    host_facility_candidates,
    leader_facility_candidates,
    owned_facility_candidates,
    person_facility_candidates,
    shared_facility_candidates,
    sibling_facility_candidates,
    visited_facility_candidates,
)
from kg.extract.mentions.groups import group_candidates
from kg.extract.mentions.organisations import (
    head_candidates,
    known_body_candidates,
    sibling_organ_candidates,
    union_department_candidates,
)
from kg.extract.mentions.people import person_candidates, speech_re
from kg.extract.mentions.places import region_candidates
from kg.extract.mentions.programs import program_head_candidates, quoted_candidates
from kg.extract.mentions.subunits import subunit_candidates
from kg.extract.segment import Sentence

# Left context a head needs: the name-walk limit (22) plus a margin for the token it starts in.
_WINDOW = 28


def sentence_tokens(sent: Sentence) -> list[Token]:
    """jieba tokens of the parts of a sentence that the rules read, in text order.

    Only the left context of head words, the words around speech verbs and
    titles, and enumerations are segmented (about a third of the text); the
    rest is never looked at by a rule that needs words. Windows that overlap
    are merged and segmented once.
    """
    s = sent.text
    spans: list[tuple[int, int]] = []
    for m in lexicon().head_re.finditer(s):
        spans.append((max(0, m.start() - _WINDOW), m.end()))
    for m in speech_re().finditer(s):
        spans.append((max(0, m.start() - 12), m.end()))  # a name, or an enumeration of names, before it
    for m in ENUM.finditer(s):
        spans.append((m.start(), m.end()))
    if not spans:
        return []
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[Token] = []
    for a, b in merged:
        out.extend(tokens_of(s[a:b], sent.start + a))
    return out


def find_candidates(text: str, sentences: list[Sentence], *, alternatives: list[Cand] | None = None) -> list[Cand]:
    """All mention candidates of the cleaned text, overlaps resolved.

    The candidates that lose an overlap are appended to *alternatives* when it
    is given (learned extraction scores them too).
    """
    cands: list[Cand] = []
    for sent in sentences:
        # The families that read other candidates read only this sentence's: handing them
        # this sentence's list (not the document's) keeps the time linear in the document.
        here: list[Cand] = []
        _sentence_candidates(sent, text, here)
        cands.extend(here)
    cands.extend(coref_candidates(text, sentences, cands))
    cands.extend(visited_facility_candidates(text, sentences, cands))
    # a sub-unit replaces the candidates of its exact span (it knows its parent); its other levels are alternatives
    units = {(c.start, c.end) for c in cands if c.rule == "sub-unit" and not c.extra.get("alt")}
    aside = [c for c in cands if c.extra.get("alt") or (c.rule != "sub-unit" and (c.start, c.end) in units)]
    cands_in = [c for c in cands if not (c.extra.get("alt") or (c.rule != "sub-unit" and (c.start, c.end) in units))]
    special_rules = ("enum", "enum-facility", "region-enum", "leader-facility", "shared-facility")
    special = [c for c in cands_in if c.rule in special_rules]
    plain = [c for c in cands_in if c.rule not in special_rules]
    kept = _resolve_overlaps(plain)
    _mark_parents_inside(kept)
    spans = {(c.start, c.end, c.type) for c in kept}
    out = kept + [c for c in special if (c.start, c.end, c.type) not in spans]
    if alternatives is not None:
        chosen = {id(c) for c in out}
        alternatives.extend(c for c in cands if id(c) not in chosen)
    return out


def _sentence_candidates(sent: Sentence, text: str, cands: list[Cand]) -> None:
    """Append every family's candidates of one sentence to *cands* (which starts empty)."""
    toks = sentence_tokens(sent)
    cands.extend(known_body_candidates(sent, text))
    cands.extend(head_candidates(sent, toks, text))
    cands.extend(quoted_candidates(sent, text))
    cands.extend(program_head_candidates(sent, text))
    cands.extend(region_enum_candidates(sent, text))
    cands.extend(union_department_candidates(sent, toks, text))
    cands.extend(enumeration_candidates(sent, toks, text))
    cands.extend(leader_facility_candidates(sent, toks, text))
    cands.extend(host_facility_candidates(sent, toks, text))
    cands.extend(award_candidates(sent, text))
    cands.extend(region_candidates(sent, text))
    cands.extend(group_candidates(sent, text))
    cands.extend(person_candidates(sent, toks, text))
    cands.extend(sibling_organ_candidates(sent, text, cands))
    cands.extend(sibling_facility_candidates(sent, text, cands))
    cands.extend(subunit_candidates(sent, text, cands))
    cands.extend(shared_facility_candidates(sent, text, cands))
    cands.extend(person_facility_candidates(sent, text, cands))
    cands.extend(owned_facility_candidates(sent, text, cands))
    cands.extend(branch_facility_candidates(sent, text, cands))


def _mark_parents_inside(kept: list[Cand]) -> None:
    """The parent named at the start of a kept sub-unit stands inside it (relations read the sub-unit)."""
    ends = {(c.start, c.extra["parent_end"]) for c in kept if c.rule == "sub-unit"}
    for c in kept:
        if (c.start, c.end) in ends and c.rule != "sub-unit":
            c.extra["inside"] = True


_PRIORITY = {"known": 6, "award": 5, "quoted": 4, "head:Union": 3, "head:Facility": 3, "head:Enterprise": 3,
             "head:Organization": 3, "short-union": 3, "context": 2, "person:title": 2, "person:verb": 2,
             "person:enum": 2, "person:leads": 2, "person:list": 2, "person:occupation": 2, "person:studio": 2, "person:byline": 2, "enum": 3, "enum-facility": 3, "program-head": 3, "quoted-whole": 4, "union-dept": 4, "company-union": 3, "sibling-organ": 3, "sibling-facility": 3, "host-facility": 4, "sub-unit": 4, "coref": 2, "coref-facility": 3, "shared-facility": 3, "person-facility": 4,
             "region": 1, "group": 1}


def _resolve_overlaps(cands: list[Cand]) -> list[Cand]:
    """Drop candidates inside a better one; nested organisation names (host of a facility) stay.

    Of two candidates on the same span, or on crossing spans, only one is
    kept: the one with the higher :data:`_PRIORITY`, else the earlier, longer one.

    >>> low = Cand("Organization", 0, 5, "甲乙丙丁戊", "context")
    >>> high = Cand("Union", 3, 8, "丁戊己庚辛", "known")
    >>> [c.rule for c in _resolve_overlaps([low, high])]
    ['known']
    >>> [c.rule for c in _resolve_overlaps([Cand("Group", 0, 4, "某某职工", "group"),
    ...                                      Cand("Award", 0, 4, "某某职工", "award")])]
    ['award']
    """
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    # The kept candidates that still reach the current start, in the order of *kept*: candidates
    # come by start, so one that ends before the current start never overlaps a later one.
    # Looking only at these keeps the time linear in the number of candidates.
    active: list[Cand] = []
    removed: set[int] = set()
    for c in cands:
        active = [k for k in active if k.end > c.start]
        drop = False
        beaten: list[Cand] = []  # kept candidates that c outranks on the same or a crossing span
        for k in active:
            if k.end <= c.start or c.end <= k.start:
                continue
            if k.start <= c.start and c.end <= k.end and (k.start, k.end) != (c.start, c.end):
                # c inside k
                if c.type == "Person" and k.type == "Person":
                    drop = True  # “卫东” inside “梁卫东”
                    break
                if c.type == "Region" or c.type == "Group" or c.rule == "person:studio":
                    drop = False  # regions/groups/a studio's namesake inside names are kept as separate mentions
                    c.extra["inside"] = True
                    continue
                if c.rule.startswith("head:") and k.rule.startswith("head:") and len(c.head) >= 2 \
                        and c.end <= k.end - len(k.head) and c.type in ("Enterprise", "Organization", "Union") \
                        and not (c.type == "Union" and k.type == "Facility") \
                        and k.head not in ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "公司"):
                    c.extra["inside"] = True
                    continue  # a host inside a longer name: 华晨气缸套 … 工作室
                if c.rule == "sub-unit" and c.extra.get("standalone") and k.type in ("Facility", "Union") \
                        and k.rule.startswith("head:"):
                    c.extra["inside"] = True
                    continue  # the host of a facility or union: 某银行某支行职工驿站, 某公司某分公司工会
                if k.rule == "coref-facility":
                    c.extra["inside"] = True
                    continue  # the body the pronoun stands for, host of the facility: 该公司职工书屋
                if c.rule.startswith("head:") and k.rule == "award":
                    drop = True
                    break
                if k.rule in ("quoted", "award") or k.rule.startswith("head:"):
                    drop = True
                    break
                continue
            # the same span, or crossing spans: keep the earlier, longer one unless c has
            # higher priority, and then c replaces it (never both)
            if _PRIORITY.get(c.rule, 0) <= _PRIORITY.get(k.rule, 0):
                drop = True
                break
            beaten.append(k)
        if not drop:
            if beaten:
                removed.update(id(b) for b in beaten)
                active = [k for k in active if id(k) not in removed]
            kept.append(c)
            active.append(c)
    return [k for k in kept if id(k) not in removed]
