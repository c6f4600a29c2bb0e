"""Organisers of a program: “由A、B和C主办，D承办”, “主办单位为A、B”.

A rule of :data:`kg.extract.relations.RULES`. Every body that 主办 (hosts) or
承办 (undertakes) a program runs it (ONTOLOGY: Organisers); 协办 and 支持 give
no triple. The program is the one the sentence names after the list
(“…主办的‘某某杯’竞赛”), else the one it names before (“‘某某’活动由…主办”), else
— when the sentence only refers back to it (本次比赛由…主办) — the program
named last before it in the same article.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand
from kg.extract.relations_base import BODY, Doc, RawTriple, sent_cands
from kg.extract.segment import Sentence

__all__ = ["co_subjects_of", "rule_organisers"]

# what joins the bodies of a list; one unnamed short item may stand between two (A、某某联盟、B)
_JOIN = re.compile(r"(?:、|和|与|及|以及)(?:[\u4e00-\u9fff]{2,8}(?:、|和|及))?")
# what follows the last body of a list: up to two items without a name (、某某联盟、某某局), 等(3家)单位,
# 联合/共同, then the role
_ROLE_AFTER = re.compile(r"(?:、[\u4e00-\u9fff]{2,16}){0,2}(?:等(?:\d+|[一二三四五六七八九十]+)?(?:家|个)?(?:部门|单位|机构)?)?(?:联合|共同|携手)?(主办|承办|举办)(?!方|单位)")
# a role word before the list: 主办单位为/是/：A、B
_ROLE_BEFORE = re.compile(r"(主办|承办)(?:单位|方)(?:为|是|有|：|:)$")
# what may open a list that a role follows: the clause start, or 由 after a few words (本次比赛由)
_LIST_LEAD = re.compile(r"(?:^|[，,；;：:])[^，,；;：:]{0,16}?由$|(?:^|[，,；;])$")
# between the role and the program it names: 主办的“某某”, 举办了2024年某某赛, 承办，某某协办的“某某”
_TO_PROGRAM = re.compile(r"(?:[，,][^，,。；;“\"]{2,30}?(?:协办|支持))?(?:的|了)?(?:\d{4}年(?:度)?)?[“\"「《]?")


def _chains(doc: Doc, cs: list[Cand]) -> list[list[Cand]]:
    """Runs of bodies written one after another, joined by 、/和/与/及."""
    out: list[list[Cand]] = []
    chain: list[Cand] = []
    for c in cs:
        if c.type not in BODY or c.extra.get("inside"):
            continue
        if chain and c.start >= chain[-1].end and _JOIN.fullmatch(doc.text[chain[-1].end : c.start]):
            chain.append(c)
            continue
        if chain:
            out.append(chain)
        chain = [c]
    if chain:
        out.append(chain)
    return out


def _organiser_lists(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[list[tuple[list[Cand], int]]]:
    """The lists of organisers of a sentence with where their role ends, grouped where one follows the
    other after a comma (由A、B主办，C承办)."""
    groups: list[list[tuple[list[Cand], int]]] = []
    last_end = -1
    for chain in _chains(doc, cs):
        lo, hi = chain[0].start, chain[-1].end
        lead = doc.text[sent.start : lo]
        role = _ROLE_AFTER.match(doc.text, hi)
        if role is not None and role.end() <= sent.end and _LIST_LEAD.search(lead):
            end = role.end()
        elif _ROLE_BEFORE.search(lead) and re.match(r"[。；;，,]|$", doc.text[hi : hi + 1]):
            end = hi
        else:
            continue
        if groups and re.fullmatch(r"[，,；;]", doc.text[last_end:lo]):
            groups[-1].append((chain, end))
        else:
            groups.append([(chain, end)])
        last_end = end
    return groups


def _program_for(doc: Doc, sent: Sentence, cs: list[Cand], group: list[tuple[list[Cand], int]],
                 earlier: list[Cand], headline: list[Cand]) -> Cand | None:
    """The program a group of organisers runs: named right after a role (主办的X), before the lists in the
    sentence, or, when the sentence names none, the one it refers back to."""
    progs = [c for c in cs if c.type == "Program" and not c.extra.get("inside")]
    for _, end in group:
        after = next((p for p in progs if p.start >= end and _TO_PROGRAM.fullmatch(doc.text[end : p.start])), None)
        if after is not None:
            return after
    lo = group[0][0][0].start
    before = [p for p in progs if p.end <= lo]
    if before:
        return before[-1]
    if progs:
        return None  # the sentence names a program but not as what they organise
    return _referent(doc.text[sent.start : lo], earlier, headline)


def _referent(lead: str, earlier: list[Cand], headline: list[Cand]) -> Cand | None:
    """The program a clause refers back to (本次比赛由…): among those named before, the ones whose name holds
    the noun of the reference (比赛, 活动) if any; of them the headline's, else the last; a longer name
    ending in it is preferred (the full name written first, a shortened one later). Without a word before
    由 to refer back with, nothing."""
    noun = re.search(r"([\u4e00-\u9fff]{2})$", re.split(r"[，,；;：:]", lead)[-1].removesuffix("由"))
    if not earlier or noun is None:
        return None  # no word to refer back with (“，由A主办”): the clause is about something else
    pool = [p for p in earlier if noun.group(1) in p.name] or earlier
    top = [p for p in pool if any(p is h for h in headline)]
    pick = (top or pool)[-1]
    return next((p for p in earlier if len(p.name) > len(pick.name) and p.name.endswith(pick.name)), pick)


def rule_organisers(doc: Doc) -> list[RawTriple]:
    """RUNS from every host (主办) and undertaker (承办) of a program."""
    out: list[RawTriple] = []
    earlier: list[Cand] = []  # programs named so far in the article
    headline: list[Cand] = []  # programs its first sentence (the title) names
    article = None
    for sent in doc.sentences:
        cs = sent_cands(doc, sent)
        if sent.article != article:
            article, earlier = sent.article, []
            headline = [c for c in cs if c.type == "Program" and not c.extra.get("inside")]
        if "办" in sent.text:
            for group in _organiser_lists(doc, sent, cs):
                prog = _program_for(doc, sent, cs, group, earlier, headline)
                for chain, _ in group if prog is not None else ():
                    for body in chain:
                        if body.name != prog.name:
                            out.append(RawTriple(body, "RUNS", prog, sent, "pattern:organisers", 0.75))
        earlier += [c for c in cs if c.type == "Program" and not c.extra.get("inside")]
    return out


def co_subjects_of(doc: Doc, cs: list[Cand], subject: Cand) -> list[Cand]:
    """The subject and the bodies listed with it (“A、B以及C一直坚持开展…”: each of them acts)."""
    chain = next((ch for ch in _chains(doc, cs) if ch[0] is subject), [subject])
    return chain if all(doc.text[a.end : b.start] in ("、", "和", "与", "及", "以及") for a, b in zip(chain, chain[1:])) \
        else [subject]
