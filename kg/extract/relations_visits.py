"""VISITS: who goes to which body. The people who lead a visit (张三带队走访, 李四一行来到)
and the bodies they hold positions in; the body in subject position when no person leads;
never the people who only accompany (陪同).

A rule of :data:`kg.extract.relations.RULES`.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand
from kg.extract.relations_base import Doc, RawTriple, people_named, sent_cands, sentence_or_none, subject_for
from kg.extract.segment import Sentence

# Verbs after which the bodies visited are listed.
_VISIT_VERB = re.compile(r"(走访慰问|走访|看望慰问|看望|来到|前往|赴|深入|莅临|到访|慰问了|调研了|调研|考察了|走进)")
# “到X调研”, “赴X开展慰问”: the body visited stands between the verb of going and the purpose.
_GO_TO = re.compile(r"(?:到|赴|来到|前往|深入|莅临|对)([^，。；,;]{2,60}?)(?:等单位|等企业)?(?:的[^，。；,;]{0,10}?)?"
                    r"(?:开展|进行)?(?:调研|走访|慰问|考察|检查|看望|视察|指导|督导)")
# “在X、Y，张三一行看望慰问…”: the bodies a visit took place at, named first.
_AT_FIRST = re.compile(r"^在([^，。；,;]{2,60})[，,]")
# What stands between the people who lead a visit and its verb: 一行, 带队, adverbs, a date — no other verb.
_OTHER_VERB = re.compile(r"(陪同|说|表示|介绍|指出|强调|讲话|出席|参加|主持|会见|听取|[。；;“])")
_OBJECT_TYPES = ("Enterprise", "Organization")


def rule_visits(doc: Doc) -> list[RawTriple]:
    """“张三带队走访A公司、B公司”, “李四一行来到A公司”, “到A集团调研”, “在A公司，王五一行看望…”."""
    out: list[RawTriple] = []
    for sent in doc.sentences:
        cs = sent_cands(doc, sent)
        visited: list[tuple[int, list[Cand], bool]] = []  # (where the verb stands, bodies visited, people only)
        for m in _VISIT_VERB.finditer(sent.text):
            objs = _chain(doc, cs, sent.start + m.end(), tight=m.group(0) == "调研")
            if objs:
                # “某活动走进A公司”: a program goes to a company to help it (SUPPORTS); people visit it
                visited.append((sent.start + m.start(), objs, m.group(0) == "走进"))
        for m in _GO_TO.finditer(sent.text):
            a, b = sent.start + m.start(1), sent.start + m.end(1)
            purpose = re.search(r"开展|进行", m.group(1))
            if purpose:
                b = a + purpose.start()  # “到A公司开展“某某”慰问活动”
            objs = [c for c in cs if c.type in _OBJECT_TYPES and a <= c.start and c.end <= b and not c.extra.get("inside")]
            if m.group(0)[0] == "到" and not _covered(doc, cs, a, b):
                continue  # “统一到某市委主要领导调研…上来”: a bare 到 must be followed by the places alone
            if objs:
                visited.append((sent.start + m.start(), objs, False))
        at = _AT_FIRST.match(sent.text)
        if at and _VISIT_VERB.search(sent.text, at.end()) or at and "一行" in sent.text[at.end() :]:
            a, b = sent.start + at.start(1), sent.start + at.end(1)
            objs = [c for c in cs if c.type in _OBJECT_TYPES and a <= c.start and c.end <= b and not c.extra.get("inside")
                    and not _modifies_person(doc, cs, c)]
            if objs:
                verb = _VISIT_VERB.search(sent.text, at.end())
                visited.append((sent.start + (verb.start() if verb else len(sent.text)), objs, False))
        seen: set[tuple[str, str]] = set()
        for vpos, objs, people_only in visited:
            subjects = _visitors(doc, sent, cs, vpos)
            if people_only and not any(sub.type == "Person" for sub, _ in subjects):
                continue
            for s, conf in subjects:
                for o in objs:
                    if (s.name, o.name) not in seen and s.name != o.name:
                        seen.add((s.name, o.name))
                        out.append(RawTriple(s, "VISITS", o, sent, "pattern:visits", conf))
    return out


def _chain(doc: Doc, cs: list[Cand], pos: int, *, tight: bool = False) -> list[Cand]:
    """The bodies listed after a visit verb, up to the end of its clause (“走访了A公司、某项目工地和
    B局”, “走访企业（A公司、B公司）”); *tight*: the first one right after the verb (调研A公司)."""
    m = re.compile(r"[^，。；,;！？]*").match(doc.text, pos)
    end = m.end() if m else pos
    objs = [c for c in cs if c.type in _OBJECT_TYPES and pos <= c.start and c.end <= end and not c.extra.get("inside")]
    if not objs or (tight and not re.fullmatch(r"了?", doc.text[pos : objs[0].start])):
        return []
    return [c for c in objs if not _modifies_person(doc, cs, c)]


def _covered(doc: Doc, cs: list[Cand], a: int, b: int) -> bool:
    """*a*..*b* holds nothing but named places and bodies and the separators between them."""
    rest = doc.text[a:b]
    for c in cs:
        if a <= c.start and c.end <= b and not c.extra.get("inside"):
            rest = rest.replace(doc.text[c.start : c.end], "")
    return not re.sub(r"[、和及与]|等(?:单位|企业|地)?", "", rest)


def _modifies_person(doc: Doc, cs: list[Cand], c: Cand) -> bool:
    """“看望了A公司下岗职工张三”: the body only says where the person visited works."""
    if re.match(r"[^、，,；;。和及]{0,6}?(职工|员工|工人|家属)(?:[\u4e00-\u9fff]{2,3}(家中|家里)|家中|家里|[、，,；;。])",
                doc.text[c.end : c.end + 16]):
        return True
    nxt = next((d for d in cs if d.start >= c.end and d.type not in ("Group", "Region")), None)
    return nxt is not None and nxt.type == "Person" and not re.search(r"[、，,；;。和及]", doc.text[c.end : nxt.start]) \
        and nxt.start - c.end <= 10


def _visitors(doc: Doc, sent: Sentence, cs: list[Cand], vpos: int) -> list[tuple[Cand, float]]:
    """Who visits: the people listed before the verb (…等一行, 带队) — the first one of each body,
    with that body — else the body in subject position, or the body the article is about."""
    people = [c for c in cs if c.type == "Person" and c.end <= vpos and not c.extra.get("inside")
              and not re.search(r"(邀请|邀|请)[^，,。；;]*$", doc.text[sent.start : c.start])]  # guests invited go nowhere
    leaders: list[Cand] = []
    limit = vpos
    for p in reversed(people):
        gap = doc.text[p.end : limit]
        if len(gap) > (24 if not leaders else 40) or _OTHER_VERB.search(gap) or _VISIT_VERB.search(gap) \
                or doc.text.startswith("陪同", p.end) or re.search(r"在[^，,]*$", doc.text[sent.start : p.start]) and \
                "陪同" in doc.text[p.end : vpos]:
            break
        leaders.append(p)
        limit = p.start
    if not leaders:
        subj, conf = subject_for(doc, sent, vpos)
        return [(subj, conf - 0.05)] if subj is not None else []
    # each body's first person leads its part of the visit; those listed after them (副主席…) accompany
    out: list[tuple[Cand, float]] = []
    lo = sent.start
    for i, p in enumerate(reversed(leaders)):
        body = next((b for b in reversed(cs) if b.type in ("Union", "Organization") and lo <= b.start and b.end <= p.start
                     and not b.extra.get("inside") and not re.search(r"[，,；;]", doc.text[b.end : p.start])),
                    None)
        lo = p.end
        if body is None and i > 0 or body is not None and any(body.name == o.name for o, _ in out):
            continue
        out.append((p, 0.8))
        if body is None:
            # the body the leader was named with before in the article, else the body the article is about
            body = _named_with(doc, p, sent) or doc.main_body.get(sent.article)
            if body is not None and body.type in ("Union", "Organization"):
                out.append((body, 0.7))
        else:
            out.append((body, 0.75))
    return out


def _named_with(doc: Doc, p: Cand, sent: Sentence) -> Cand | None:
    """The body right before an earlier mention of the same person, in the same article (某总工会主席张三)."""
    # only the sentences that name the person can hold an earlier mention (linear time: no walk
    # over every sentence before this one)
    starts = sorted({q.sentence for q in people_named(doc, p.name)})
    for s in (sentence_or_none(doc, start) for start in starts):
        if s is None:
            continue
        if s.start >= sent.start:
            break
        if s.article != sent.article:
            continue
        cs = sent_cands(doc, s)
        for q in (c for c in cs if c.type == "Person" and c.name == p.name):
            body = next((b for b in reversed(cs) if b.type in ("Union", "Organization") and b.end <= q.start
                         and q.start - b.end <= 16 and not b.extra.get("inside")
                         and not re.search(r"[，,；;。]", doc.text[b.end : q.start])), None)
            if body is not None:
                return body
    return None
