"""Features of help instances (SUPPORTS): what makes a body named in a visit the one helped.

A help article (慰问, 送温暖, 送清凉, 帮扶) names its beneficiaries where the
organiser goes (来到某公司, 走访了甲公司、乙公司) and states the help in the
same clause, later in the sentence, in the next sentence or only in the title.
These features read those cues at clause, sentence and article level, the
object's type against them, whether the subject is the article's organiser or
a union at all (an official's party or government post names no helper), and
who a group or person is to the help (an example before 等 and its class, a
person named by a class or visited at home, an official)
— trigger words, types and structure, never names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from kg.extract.learn.instances import HELP_WORDS, DocView, Mention, RelationInstance
from kg.extract.lexicon import lexicon

__all__ = ["help_features"]

#: words that bring the organiser to the object (来到某公司, 走访了…, 深入…, 在某公司)
_GO = re.compile(r"(来到|走访|走进|深入|前往|上门|先后到|到|赴|在|看望|探望|慰问)(了)?[^，,；;。：:！？]{0,16}$")
_CLAUSE_END = "，,；;：:。！？\n"
_PREDICATES = frozenset({"SUPPORTS"})


def _clause(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end) within the sentence [lo, hi)."""
    a = max([text.rfind(c, lo, start) for c in _CLAUSE_END] + [lo - 1]) + 1
    found = [i for i in (text.find(c, end, hi) for c in _CLAUSE_END) if i >= 0]
    return a, min(found, default=hi)


def _article(v: DocView, si: int) -> tuple[int, int, bool]:
    """(help sentences in the article, first sentence index, title states help) of sentence *si*'s article."""
    art = v.a.sentences[si].article
    key = ("help_article", art)
    found = v.memo.get(key)
    if found is None:
        idx = [i for i, s in enumerate(v.a.sentences) if s.article == art]
        n = sum(1 for i in idx if HELP_WORDS.search(v.a.sentences[i].text))
        found = v.memo[key] = (n, idx[0], bool(HELP_WORDS.search(v.a.sentences[idx[0]].text)))
    return found


def _main_actor(v: DocView, si: int) -> str:
    """The body the article is about, or else its most mentioned union."""
    art = v.a.sentences[si].article
    key = ("help_actor", art)
    found = v.memo.get(key)
    if found is None:
        body = v.a.rules_doc.main_body.get(art)
        if body is not None:
            found = body.name
        else:
            counts: dict[str, int] = {}
            for m in v.mentions:
                if m.type == "Union" and not m.inside and v.a.sentences[m.sent].article == art:
                    counts[m.name] = counts.get(m.name, 0) + 1
            found = max(sorted(counts), key=counts.__getitem__, default="")
        v.memo[key] = found
    return found


Span = Callable[[DocView, Mention], tuple[int, int, int, int]]


def _object(v: DocView, o: Mention, span: Span) -> list[str]:
    """Help cues around the object (around the enumeration it stands in): its clause, its sentence
    after it, the next sentence."""
    key = ("help_object", id(o))
    found = v.memo.get(key)
    if found is not None:
        return found
    text = v.a.ct.text
    sents = v.a.sentences
    sent = sents[o.sent]
    start, end = span(v, o)[:2]
    lo, hi = _clause(text, sent.start, sent.end, start, end)
    names = []
    if HELP_WORDS.search(text[lo : start]):
        names.append("help_clause_before")
    if HELP_WORDS.search(text[end : hi]):
        names.append("help_clause_after")
    if HELP_WORDS.search(text[hi : sent.end]):
        names.append("help_sentence_after")
    if HELP_WORDS.search(text[sent.start : lo]):
        names.append("help_sentence_before")
    if o.sent > 0 and sents[o.sent - 1].article == sent.article and HELP_WORDS.search(sents[o.sent - 1].text):
        names.append("help_prev_sentence")
    if o.sent + 1 < len(sents) and sents[o.sent + 1].article == sent.article and HELP_WORDS.search(sents[o.sent + 1].text):
        names.append("help_next_sentence")
    if _GO.search(text[lo : start]):
        names.append("go_before")
    if text[end : end + 1] == "的":
        # 走访了甲公司、乙公司的困难职工: the companies own the beneficiaries, they are none themselves
        names.append("then_de")
        if any(m.type in ("Group", "Person") and end < m.start <= end + 12 for m in v.by_sentence.get(o.sent, ())):
            names.append("owns_beneficiary")
    n, first, title = _article(v, o.sent)
    if title:
        names.append("help_title")
    if n >= 3:
        names.append("help_article")
    local = any(x.startswith("help_clause") or x == "help_sentence_after" for x in names)
    if "go_before" in names and (local or "help_next_sentence" in names or title):
        names.append("go_help")
    names += _class_cues(v, o)
    v.memo[key] = names
    return names


#: the class a list of examples stands for: “环卫工、快递员等户外劳动者”
_EXAMPLES_OF = re.compile(r"(?:(?!以及)[^，,；;。：:！？“”]){0,20}?等[\u4e00-\u9fff]{0,4}$")
#: a person named by a class (困难职工张三, 劳模李四), or visited at home (在张三家中, 来到李四家里)
_CLASS_BEFORE = re.compile(r"(职工|劳模|工人|员工|家属|骑手|司机|快递员|环卫工|农民工|劳动模范|老党员|老干部|会员)$")
_AT_HOME = re.compile(r"的?家|一家")


def _class_cues(v: DocView, o: Mention) -> list[str]:
    """Who a group or person is to the help: an example of the class after 等 (no beneficiary of its own;
    the class is), a person named by a class or visited at home, or an official."""
    if o.type not in ("Group", "Person"):
        return []
    text = v.a.ct.text
    names = []
    sent = v.a.sentences[o.sent]
    for m in v.by_sentence.get(o.sent, ()):
        if m.type == "Group" and not m.inside and m.start >= o.end and m.start - o.end <= 26 \
                and _EXAMPLES_OF.fullmatch(text, o.end, m.start):
            names.append("example_of_class")
            break
    if o.type == "Person":
        if _CLASS_BEFORE.search(text[max(sent.start, o.start - 6) : o.start]):
            names.append("person_of_class")
        if _AT_HOME.match(text, o.end):
            names.append("person_at_home")
        if o.name in _officials(v):
            names.append("person_official")  # one who holds a post acts for a body, no beneficiary
    if o.type == "Group" and re.search(r"等[\u4e00-\u9fff]{0,4}$", text[max(sent.start, o.start - 5) : o.start]):
        names.append("class_after_examples")
    return names


def _officials(v: DocView) -> frozenset[str]:
    """The people a rule ties to a body by a position."""
    found = v.memo.get("help_officials")
    if found is None:
        found = v.memo["help_officials"] = frozenset(s for s, p, _o in v.rule_facts if p == "HOLDS_POSITION")
    return found


def _subject(v: DocView, s: Mention, o: Mention) -> list[str]:
    """What the helper is: a union, or a body that only names an official's other post
    (某市政协副主席、市总工会主席张三带队看望…: the union helps, not the other body)."""
    names = ["s_union" if s.type == "Union" else "s_not_union"]
    free = [m for m in v.by_sentence.get(o.sent, ()) if not m.inside and m.type == "Union" and m.name != s.name]
    if free and s.type != "Union":
        names.append("other_union_in_sentence")
    if s.virtual:
        return names
    text = v.a.ct.text
    after = text[s.end : s.end + 16]
    title = next((t for t in _titles() if after.startswith(t)), "")
    if title and any(m.type == "Union" and s.end < m.start <= s.end + len(title) + 3 for m in free):
        names.append("s_dual_post")  # the body's title, then a union's: the official acts for the union
    return names


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    return lexicon().titles


def help_features(v: DocView, r: RelationInstance, span: Span):
    """Help cues of a SUPPORTS instance, alone and crossed with the object's type; *span* gives the
    (start, end, size, position) of the enumeration a mention stands in."""
    if r.p not in _PREDICATES:
        return
    p = r.p
    names = _object(v, r.o, span)
    n, _first, _title = _article(v, r.o.sent)
    yield p + "|help_article_sentences", min(n, 10)
    for name in names:
        yield f"{p}|{name}", 1.0
        yield f"{p}|ot={r.o.type}|{name}", 1.0
    for name in _subject(v, r.s, r.o):
        yield f"{p}|{name}", 1.0
        yield f"{p}|ot={r.o.type}|{name}", 1.0
    actor = _main_actor(v, r.o.sent)
    main = float(bool(actor) and r.s.name == actor)
    yield p + "|s_main_actor", main
    if main:
        for name in names:
            yield f"{p}|main|{name}", 1.0
