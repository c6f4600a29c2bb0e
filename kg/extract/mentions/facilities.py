"""Facility patterns beyond the head word: studios named after their leaders' companies
(以A公司张三为领头人，成立…工作室), facilities built at a host (在X建设工会驿站) and
bare heads after 、 that take the place of the facility before them.

A facility named by its own head (XX职工之家) is found with the other bodies,
by :func:`kg.extract.mentions.organisations.head_candidates`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, word_freq
from kg.extract.mentions.base import Cand, Token, normalise_name
from kg.extract.mentions.people import looks_like_name
from kg.extract.regions import lookup
from kg.extract.segment import Sentence

_LEADER_FACILITY = re.compile(r"以([^，。；]{2,60}?)为(?:领头人|带头人|牵头人|领衔人)[，,]?(?:成立|建立|组建|创建|挂牌)了?"
                              r"([\u4e00-\u9fff（）()]{0,8}?(?:创新工作室|工作室))")


def leader_facility_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“以A公司张三、B公司李四为领头人，成立劳模创新工作室” → one studio per host, led by its person."""
    out: list[Cand] = []
    for m in _LEADER_FACILITY.finditer(sent.text):
        head = m.group(2)
        base = sent.start + m.start(1)
        pos = base
        for part in m.group(1).split("、"):
            a, b = pos, pos + len(part)
            pos = b + 1
            for size in (3, 2):
                nm = text[b - size : b]
                host = text[a : b - size]
                if len(host) >= 2 and looks_like_name(nm, False) and (not word_freq(nm) or pos_tags().get(nm, '')[:2] == 'nr'):
                    fac = Cand("Facility", a, b, normalise_name(host) + head, "leader-facility",
                               name=normalise_name(host) + head,
                               sentence=sent.start, extra={"host": normalise_name(host), "leader": nm,
                                                           "alias": nm + head})
                    out.append(fac)
                    out.append(Cand("Enterprise", a, b - size, host, "enum", sentence=sent.start, extra={"enum": True}))
                    break
    return out


_AT_HOST = re.compile(r"在([^，。；在]{2,20}?)(建设|新建|建成|设立|打造|挂牌成立|成立|建立)了?"
                      r"(职工之家|职工小家|职工书屋|工会驿站|爱心驿站|劳模创新工作室|创新工作室|爱心妈妈小屋|母婴室|服务站点|服务站)")


def host_facility_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“在禾丰纺织集团建设工会驿站” → the facility 禾丰纺织集团工会驿站 at its host."""
    out: list[Cand] = []
    for m in _AT_HOST.finditer(sent.text):
        a = sent.start + m.start(1)
        b = sent.start + m.end(1)
        host = text[a:b]
        if not lexicon().head_re.search(host[-6:]) and not re.search(r"[\u4e00-\u9fff]{2}", host):
            continue
        hs = sent.start + m.start(3)
        out.append(Cand("Facility", hs, sent.start + m.end(3), normalise_name(host) + m.group(3), "host-facility",
                        name=normalise_name(host) + m.group(3), sentence=sent.start, extra={"host": normalise_name(host)}))
    return out


@lru_cache(maxsize=1)
def _fac_sibling_re() -> re.Pattern[str]:
    return re.compile(r"、(" + "|".join(map(re.escape, lexicon().facility_heads)) + r")(?=[，。；、和及]|$)")


def sibling_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“青川工匠学院、工匠课堂” → 青川工匠课堂: a bare facility head after 、 takes the place of the one before."""
    lex = lexicon()
    out: list[Cand] = []
    facs = [c for c in cands if c.sentence == sent.start and c.type == "Facility" and c.head]
    for m in _fac_sibling_re().finditer(sent.text):
        a = sent.start + m.start(1)
        prev = [c for c in facs if c.end == a - 1]
        if not prev:
            continue
        p = prev[-1]
        place = p.name[: -len(p.head)]
        # the place part is a place or a body (青川, 宿豫区), not a generic word
        if len(place) < 2 or place in lex.generic_prefixes:
            continue
        head = m.group(1)
        out.append(Cand("Facility", a, a + len(head), head, "sibling-facility", name=place + head, head=head,
                        sentence=sent.start, extra={"alias": ""}))
        facs.append(out[-1])
    return out


def shared_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“甲律师事务所、乙仲裁院职工法律援助站” → 甲律师事务所职工法律援助站 too: listed hosts share the facility head."""
    out: list[Cand] = []
    here = [c for c in cands if c.sentence == sent.start]
    bodies = [c for c in here if c.type in ("Enterprise", "Organization") and c.rule.startswith("head:")]
    for f in (c for c in here if c.type == "Facility" and c.rule.startswith("head:")):
        host = max((b for b in bodies if b.start == f.start and b.end < f.end), key=lambda b: b.end, default=None)
        if host is None or f.end - host.end < 3:
            continue
        tail = text[host.end : f.end]
        pos = f.start
        while pos - 1 >= sent.start and text[pos - 1] in "、和及与":
            prev = max((b for b in bodies if b.end == pos - 1), key=lambda b: b.end - b.start, default=None)
            if prev is None:
                break
            name = normalise_name(text[prev.start : prev.end]) + normalise_name(tail)
            out.append(Cand("Facility", prev.start, prev.end, text[prev.start : prev.end], "shared-facility", name=name,
                            head=f.head, sentence=sent.start, extra={"host": normalise_name(text[prev.start : prev.end]),
                                                                     "alias": ""}))
            pos = prev.start
    return out


# Words that may stand between a person's name and a studio head: 张三劳模工匠人才创新工作室, 李四(职工)创新工作室.
_STUDIO_WORDS = re.compile(r"(?:劳模|工匠|人才|技能|大师|职工|名师|技师|首席|高技能|巾帼|青年|党员|[（(][\u4e00-\u9fff]{1,4}[）)])*")


# what may stand before a studio's person without naming a host: 继, 一公司, 二分厂
_NO_HOST = re.compile(r"[继由和及与在是为的]|[一二三四五六七八九十]{0,3}(?:公司|分公司|分厂|厂|车间|工区|项目部)")
_STUDIO_HEAD = re.compile(_STUDIO_WORDS.pattern + r"((?:创新)?工作室)")


def person_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“某某有限公司张三劳模工作室” → 张三劳模工作室, at its host: a studio named after a person starts at the name.

    The host written before the name (a named body, or a village or
    community) becomes the studio's ``host`` (or ``host_region``); the longer
    candidate is set aside (``extra["alt"]``).
    """
    out: list[Cand] = []
    lex = lexicon()
    for f in [c for c in cands if c.sentence == sent.start and c.type == "Facility" and c.rule.startswith("head:")
              and c.head.endswith("工作室")]:
        hs = f.end - len(f.head)
        for p in range(f.start, hs - 1):  # the leftmost name that reaches the head (李江海, not 江海)
            size = next((k for k in (3, 2) if p + k <= hs and looks_like_name(text[p : p + k])
                         and not lookup(text[p : p + k]) and _STUDIO_WORDS.fullmatch(text, p + k, hs)), None)
            if size is None:
                continue
            if p == f.start:
                break  # the name already starts the studio's name
            host = normalise_name(text[f.start : p])
            extra: dict = {"alias": ""}
            head = next((m for m in lex.head_re.finditer(host) if m.end() == len(host)), None)
            if head is not None and head.start() >= 2 and host not in lex.generic_prefixes:
                extra["host"] = host  # a named body (not “一公司”, “公司”)
            elif len(host) >= 3 and (lookup(host) or re.search(r"(街道|社区|村|镇|乡)$", host)):
                extra["host_region"] = host
            elif not _NO_HOST.fullmatch(host):
                break  # an unknown word before the name may be part of the studio's name: keep it as found
            # else no host, only a function word or a numbered unit (继张三…, 一公司张三…): the studio starts at the name
            f.extra["alt"] = True
            out.append(Cand("Facility", p, f.end, text[p : f.end], "person-facility", head=f.head, sentence=sent.start,
                            extra=extra))
            break
    # a studio the head words did not find (张三劳模(职工)创新工作室): it starts at the person named before its head
    ends = {c.end for c in cands if c.sentence == sent.start and c.type == "Facility"}
    for p in [c for c in cands if c.sentence == sent.start and c.type == "Person"]:
        m = _STUDIO_HEAD.match(text, p.end, sent.end)
        if m is not None and m.end() not in ends:
            ends.add(m.end())
            out.append(Cand("Facility", p.start, m.end(), text[p.start : m.end()], "person-facility",
                            head=m.group(1), sentence=sent.start, extra={"alias": ""}))
    return out


@lru_cache(maxsize=1)
def _owned_re() -> re.Pattern[str]:
    """A host's unnamed facility: 某公司建设的职工之家, 某社区的“惠工小站”."""
    heads = lexicon().facility_heads
    return re.compile(r"((?:建设|建成|新建|打造|设立|创建|组建)?的)?([“\"]?)([\u4e00-\u9fff]{0,6}?(?:" + "|".join(map(re.escape, heads)) + r"))[”\"]?"
                      r"(?![\u4e00-\u9fff]{0,2}(?:站|店|点|室|馆|所)(?:[，,。；;、]|$))")


_AT_PLACE = re.compile(r"位于([^，。；、的]{2,12})的")
_OWNER_TYPES = ("Enterprise", "Organization", "Region")


def owned_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“位于某广场的工会驿站”, “某社区的惠工小站”, “某公司建设的职工之家” → host + facility, at its host.

    The host is a place written right before 的, a body before 建设的 (建成的,
    打造的 …), or any short name after 位于. The facility keeps the span of its
    own words; the host goes to ``host`` (a body) or ``host_region``. A host
    quoted facility without 的 (某公司“妈咪小屋”) was tried: it cost precision.
    """
    out: list[Cand] = []
    here = [c for c in cands if c.sentence == sent.start]
    bare = {c.start: c for c in here if c.type == "Facility" and normalise_name(c.name) == normalise_name(text[c.start : c.end])}
    taken = {c.start for c in here if c.type == "Facility" and c.start not in bare}
    hosts = [(c.end, c) for c in here if c.type in _OWNER_TYPES and not c.extra.get("context")]
    for m in _AT_PLACE.finditer(sent.text):
        a, b = sent.start + m.start(1), sent.start + m.end(1)
        if not any(c.end == b for _, c in hosts):
            hosts.append((b, Cand("Region" if lookup(text[a:b]) else "Enterprise", a, b, text[a:b], "at-place")))
    for end, host in hosts:
        m = _owned_re().match(text, end, sent.end)
        if m is None or not m.group(1) or m.start(3) in taken:
            continue
        if m.group(1) == "的" and host.type != "Region" and host.rule != "at-place":
            continue  # 某公司的职工小家 is often any of its many: only a place's (某社区的驿站) or one it built
        phrase = m.group(3)
        if lexicon().head_re.search(phrase[: -len(_fac_head(phrase))] or "-") or "的" in phrase:
            continue  # another body's name inside (某公司的某协会驿站): not a bare facility
        name = normalise_name(host.name) + phrase
        extra: dict = {"host": normalise_name(host.name)} if host.type != "Region" else {"host_region": host.name}
        extra["alias"] = ""
        taken.add(m.start(3))
        if m.start(3) in bare and bare[m.start(3)].end == m.end(3):
            bare[m.start(3)].extra["alt"] = True  # the bare head found alone: the host's facility instead
        elif m.start(3) in bare:
            continue
        out.append(Cand("Facility", m.start(3), m.end(3), phrase, "host-facility", name=name, head=_fac_head(phrase),
                        sentence=sent.start, extra=extra))
    return out


def _fac_head(phrase: str) -> str:
    """The longest facility head *phrase* ends with (it ends with one)."""
    return next(h for h in lexicon().facility_heads if phrase.endswith(h))


# a visit to a body or place, then what the visitors saw there: 来到某公司…参观了职工书屋、职工之家
_VISIT_TO = re.compile(r"(?:来到|走进|前往|深入|走访|到|赴|在)$")
_SAW = re.compile(r"(?:参观|察看|查看|考察|观摩|走进)了?")


@lru_cache(maxsize=1)
def _bare_list_re() -> re.Pattern[str]:
    heads = lexicon().facility_heads
    return re.compile(r"[“\"]?([\u4e00-\u9fff]{0,8}?(?:" + "|".join(map(re.escape, heads)) + r"))[”\"]?(?=[、，,。；;和及等后]|$)")


def visited_facility_candidates(text: str, sentences: list[Sentence], cands: list[Cand]) -> list[Cand]:
    """“来到某公司调研。…参观了职工书屋、职工之家” → 某公司职工书屋, 某公司职工之家: bare facilities seen on a visit
    are the visited host's (named in the sentence or the one before); a place's own prefix is not repeated
    (在某镇…参观了镇服务驿站 → 某镇服务驿站)."""
    out: list[Cand] = []
    lex = lexicon()
    by_sent: dict[int, list[Cand]] = {}
    for c in cands:
        by_sent.setdefault(c.sentence, []).append(c)
    prev: Sentence | None = None
    for sent in sentences:
        here = by_sent.get(sent.start, [])
        for sm in _SAW.finditer(sent.text):
            pos = sent.start + sm.end()
            scope = [c for c in here if c.end <= sent.start + sm.start()]
            if prev is not None and prev.article == sent.article:
                scope = by_sent.get(prev.start, []) + scope
            host = max((c for c in scope if c.type in _OWNER_TYPES and not c.extra.get("context") and not c.extra.get("alt")
                        and _VISIT_TO.search(text, max(0, c.start - 2), c.start)), key=lambda c: (c.start, c.end), default=None)
            if host is None:
                continue
            while True:
                m = _bare_list_re().match(text, pos, sent.end)
                if m is None:
                    break
                phrase = m.group(1)
                bare = [c for c in here if c.type == "Facility" and (c.start, c.end) == m.span(1)
                        and normalise_name(c.name) == phrase]
                if phrase.startswith(("企业", "公司", "单位")):
                    phrase = phrase[2:]  # 企业职工服务点: the visited company's
                rest = phrase[: -len(_fac_head(phrase))]
                if lex.head_re.search(rest or "-") or any(c.type != "Group" and c not in bare and c.start < m.end(1)
                                                          and c.end > m.start(1) for c in here):
                    break  # a name of its own, or another body's
                for c in bare:
                    c.extra["alt"] = True  # the bare words found alone: the host's facility instead
                name = normalise_name(host.name)
                if phrase[0] == name[-1] and phrase[0] in "省市区县镇乡村":
                    phrase = phrase[1:]  # 镇服务驿站 of 某镇
                extra: dict = {"host": name} if host.type != "Region" else {}
                extra["alias"] = ""
                out.append(Cand("Facility", m.start(1), m.end(1), m.group(1), "host-facility", name=name + phrase,
                                head=_fac_head(phrase), sentence=sent.start, extra=extra))
                pos = m.end()
                if pos < sent.end and text[pos] in "、和及":
                    pos += 1
                else:
                    break
        prev = sent
    return out


_BRANCH_SUFFIX = re.compile(r"[（(]([\u4e00-\u9fff0-9]{1,8}(?:站|店|点|分站|分部|分中心))[）)]")


def branch_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“某区职工驿站（东门站）” → the whole, bracketed branch included: one of a facility's sites."""
    out: list[Cand] = []
    for f in [c for c in cands if c.sentence == sent.start and c.type == "Facility" and not c.extra.get("alt")]:
        m = _BRANCH_SUFFIX.match(text, f.end, sent.end)
        if m is None:
            continue
        f.extra["alt"] = True
        extra = {k: v for k, v in f.extra.items() if k != "alt"}
        out.append(Cand("Facility", f.start, m.end(), text[f.start : m.end()], f.rule, name=f.name + "(" + m.group(1) + ")",
                        head=f.head, sentence=sent.start, extra=extra))
    return out
