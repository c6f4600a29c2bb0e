"""Relations about people and honours: awards (AWARDED) here, positions (HOLDS_POSITION) in
:mod:`kg.extract.relations_positions` (re-exported).

Rules of :data:`kg.extract.relations.RULES`, kept apart from the rules about
what bodies do.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand
from kg.extract.relations_base import (
    BODY,
    Doc,
    RawTriple,
    awards_ending_by,
    people_named,
    previous_sentence,
    sent_cands,
    sentence_at,
    sentence_or_none,
)
from kg.extract.relations_positions import rule_positions
from kg.extract.segment import Sentence

__all__ = ["recipients_before", "rule_awarded", "rule_positions"]

_sent_cands = sent_cands


# Words between the recipients and the verb of an honour: “A公司先后荣获”, “A、B均被评为”.
_ADVERBS = re.compile(r"(先后|分别|均|都|成功|已|已经|曾|曾经|还|也|再次|同时|又|首次|一举|相继|共同|今年|近日|日前|此前|"
                      r"[\d]{4}年(?:度)?|[\d]{1,2}月)+$")
# A count that closes a list of recipients: “等9家单位”, “等43人”, “共十人”, “等同志”.
_COUNT_TAIL = re.compile(r"(?:等|共)[\d一二三四五六七八九十百]+(?:名|位|人|个|家|项)[\u4e00-\u9fff]{0,6}$|等(?:单位|集体|同志|人)$|"
                         r"(?<=[\u4e00-\u9fff])\d+(?:名|位|人)$|[，,]$|"
                         r"(?<=[\u4e00-\u9fff])(?:\d+|[两二三四五六七八九十]+)(?:个|家)(?:集体|单位|班组|企业|部门)$")
_GRANTOR = re.compile(r"被[^，。；、]{0,16}$")  # “被全国总工会授予”
_RECIPIENT = ("Person", *BODY, "Facility")
_ITEM_SEP = ("、", "和", "及", "以及", "与")


def _ends_at(cs: list[Cand], pos: int, types: tuple[str, ...]) -> Cand | None:
    """The longest candidate of *types* that ends at *pos* (not one inside a longer name)."""
    hits = [c for c in cs if c.end == pos and c.type in types and not c.extra.get("inside")]
    return min(hits, key=lambda c: c.start) if hits else None


def _strip_before(text: str, lo: int, pos: int) -> int:
    """Move *pos* left over adverbs, the granting body (被…) and a closing count."""
    while True:
        head = text[lo:pos]
        m = _ADVERBS.search(head) or _COUNT_TAIL.search(head) or re.search(r"[（(]女[）)]$", head)
        if m is None and pos - lo > 1 and text[pos - 1] == "被":
            pos -= 1
            continue
        if m is None:
            g = _GRANTOR.search(head)
            if g is None or not re.match(r"被([\u4e00-\u9fff]{2,16})?$", g.group(0)):
                return pos
            m = g
        if m.start() == len(head):
            return pos
        pos = lo + m.start()


def recipients_before(doc: Doc, cs: list[Cand], lo: int, pos: int) -> list[Cand]:
    """The recipients of an honour whose verb (or count) starts at *pos*: the list that ends
    there, item by item (“A公司、B公司和C工会”, “某公司钳工张三、某厂班长李四等8人”).

    A list of people may be separated by commas when every item ends with a name; an item
    of a list of people may hold a body and a title before the name.
    """
    pos = _strip_before(doc.text, lo, pos)
    first = _ends_at(cs, pos, _RECIPIENT)
    if first is None:
        return []
    people = first.type == "Person"
    types = ("Person",) if people else (*BODY, "Facility")
    out = [first]
    cur = first
    while True:
        if people:
            # the item runs back to the previous separator; names joined by 和 inside it count too
            seg = doc.text[lo : cur.start]
            cut = max(seg.rfind(ch) for ch in "、，,；;：:")
            item_start = lo + cut + 1 if cut >= 0 else lo
            for q in reversed([c for c in cs if c.type == "Person" and item_start <= c.start and c.end < cur.start
                               and not c.extra.get("inside")]):
                if doc.text[q.end : q.end + 2].startswith(("和", "及", "与")):
                    out.append(q)
            if cut < 0:
                break
            sep_at = item_start - 1
            prev = _ends_at(cs, sep_at, types)
            if prev is None or doc.text[sep_at] not in "、，,":
                break
        else:
            sep = next((s for s in _ITEM_SEP if doc.text[max(lo, cur.start - len(s)) : cur.start] == s), "")
            if not sep:
                break
            end = cur.start - len(sep)
            paren = re.search(r"[（(][^（）()、，,]{1,20}[）)]$", doc.text[max(lo, end - 22) : end])
            prev = _ends_at(cs, end, types) or (_ends_at(cs, end - len(paren.group(0)), types) if paren else None)
            if prev is None:
                break  # “A研究所（B研究院）、C公司”: an alias in brackets closes an item
        out.append(prev)
        cur = prev
    return out


def rule_awarded(doc: Doc) -> list[RawTriple]:
    """Honours and who holds them: after a trigger (A、B获评X), conferred (授予A、B X; 授予A为“X”),
    as a title before a name (某省劳动模范张三), with a count (张三等10名“X”), or listed after
    the honour (荣获X称号的6名职工分别是：…)."""
    out = []
    for sent in doc.sentences:
        cs = _sent_cands(doc, sent)
        for a in (c for c in cs if c.type == "Award"):
            clause = _clause_start(doc, sent, a.start)
            span = a.extra.get("recipients")
            if span:
                # “授予A公司、B公司“X五一劳动奖状””: the recipients stand between 授予 and the award
                for c in cs:
                    if c.type in _RECIPIENT and span[0] <= c.start and c.end <= span[1] and not c.extra.get("inside"):
                        out.append(RawTriple(c, "AWARDED", a, sent, "pattern:awarded", 0.8))
                continue
            subjects: list[Cand] = []
            conf = 0.85
            conferred = _conferred_to(doc, sent, a)
            if conferred is not None:
                subjects = recipients_before(doc, cs, conferred, a.start - (doc.text[a.start - 1] == "为"))
            elif a.extra.get("trigger"):
                at = a.extra.get("trigger_at", a.start - len(a.extra["trigger"]))
                subjects = recipients_before(doc, cs, clause, at)
                if not subjects:
                    subjects = _sentence_subject(doc, sent, cs, at) or _paragraph_subject(doc, sent, at)
            else:
                # a count before the honour: “张三、李四等10名“X””
                head = doc.text[clause : a.start]
                if re.search(r"(等|共)[\d一二三四五六七八九十百]+(名|位|人|个)[\u4e00-\u9fff]{0,4}$", head):
                    subjects = recipients_before(doc, cs, clause, a.start)
                # a title before the name: “某市劳动模范张三”, “某省五一劳动奖章获得者李四”
                subjects += _titled(doc, cs, a)
                conf = 0.8
            if not subjects and doc.text[a.end : a.end + 1] == "的":
                # “获评全国劳模的张三、李四”
                pos = a.end + 1
                for p in sorted((c for c in cs if c.type == "Person" and c.start >= pos), key=lambda c: c.start):
                    if doc.text[pos : p.start] not in ("", "、", "和"):
                        break
                    subjects.append(p)
                    pos = p.end
            subjects += _listed_after(doc, sent, cs, a)
            for s in subjects:
                out.append(RawTriple(s, "AWARDED", a, sent, "pattern:awarded", conf))
        out.extend(_graded(doc, sent, cs))
        out.extend(_joined_list(doc, sent, cs))
        out.extend(_roll_call(doc, sent, cs))
    out.extend(_honour_roll(doc))
    return out


_GRADE_ONLY = re.compile(r"(获得|荣获|获评|获)(特等奖|一等奖|二等奖|三等奖|优秀奖|金奖|银奖|铜奖)")


def _graded(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[RawTriple]:
    """“A工会获得某某创新奖一等奖，B、C获得二等奖”: a bare grade collapses onto the prize named
    before it in the article, and its winners hold that prize."""
    out = []
    for m in _GRADE_ONLY.finditer(sent.text):
        at = sent.start + m.start(2)
        if any(c.type == "Award" and c.start <= at < c.end for c in cs):
            continue
        prize = next((c for c in awards_ending_by(doc, at) if c.name.endswith("奖") and _same_article(doc, c, sent)),
                     None)
        if prize is None:
            continue
        grade = Cand("Award", at, sent.start + m.end(2), m.group(2), "award", name=prize.name, sentence=sent.start)
        for r in recipients_before(doc, cs, _clause_start(doc, sent, at), sent.start + m.start()):
            out.append(RawTriple(r, "AWARDED", grade, sent, "pattern:awarded", 0.75))
    return out


def _same_article(doc: Doc, c: Cand, sent: Sentence) -> bool:
    s = sentence_or_none(doc, c.sentence)
    return s is not None and s.article == sent.article


_SPEECH_OR_PREP = re.compile(r"(介绍|说|表示|指出|认为|强调|“|在|和|与|向|为|对|给|以|由|经|据|从|来自)")


def _sentence_subject(doc: Doc, sent: Sentence, cs: list[Cand], at: int) -> list[Cand]:
    """The subject a sentence opens with, when a later clause of it is honoured:
    “某公司认真落实…，先后荣获X”. Nothing when another candidate or a speech verb stands between."""
    before = [c for c in cs if c.end <= at and c.type in _RECIPIENT and not c.extra.get("inside")]
    if not before:
        return []
    c = before[0]
    lead = doc.text[sent.start : c.start]
    if len(lead) > 12 or lead.count("，") + lead.count(",") > 1 or _SPEECH_OR_PREP.search(lead):
        return []
    between = doc.text[c.end : at]
    if between[:1] == "的" or not re.search(r"[，,]", between) or len(before) > 1 or re.search(r"[。；;：:]", between) or _SPEECH_OR_PREP.match(between) \
            or re.search(r"(介绍|说|表示|指出|认为|强调|“)", between):
        return []
    return [c]


def _clause_start(doc: Doc, sent: Sentence, pos: int) -> int:
    """Where the clause of *pos* starts: after the last ；/：/。 before it (commas stay inside)."""
    head = doc.text[sent.start : pos]
    cut = max(head.rfind(ch) for ch in "；;：:")
    return sent.start + cut + 1 if cut >= 0 else sent.start


def _conferred_to(doc: Doc, sent: Sentence, a: Cand) -> int | None:
    """Where the recipients start when 授予 confers *a* on them: “授予A、B（为）X”, and the next
    clause of the same sentence, “，C等79人为“Y””; None when nothing confers it."""
    head = doc.text[sent.start : a.start]
    g = head.rfind("授予")
    if g < 0 or re.search(r"被[^，。；,;]{0,16}$", head[:g]) or re.search(r"[。；;]", head[g:]):
        return None  # “A被某总工会授予X”: the recipients come before 被
    comma = max(head.rfind("，"), head.rfind(","))
    if comma > g:
        # a later clause of the list: only “…为X”
        return sent.start + comma + 1 if head.endswith("为") else None
    return sent.start + g + 2


def _titled(doc: Doc, cs: list[Cand], a: Cand) -> list[Cand]:
    """The people an honour stands before as a title: “大国工匠、全国劳模张三、李四”."""
    pos = a.end
    # the honours of a chain share the name: “某市劳动模范、某省五一劳动奖章获得者李四”
    while True:
        nxt = next((c for c in cs if c.type == "Award" and c.start == pos + 1 and doc.text[pos] == "、"), None)
        if nxt is None:
            break
        pos = nxt.end
    if doc.text.startswith("获得者", pos):
        pos += 3
    out = []
    for p in sorted((c for c in cs if c.type == "Person" and c.start >= pos), key=lambda c: c.start):
        if p.start != pos or p.extra.get("inside"):
            break
        out.append(p)
        pos = p.end + 1
        if doc.text[p.end : pos] != "、":
            break
    return out


_LISTED = re.compile(r"[^。；]{0,24}?(?:分别是|分别为|名单如下|是)[：:]")


def _listed_after(doc: Doc, sent: Sentence, cs: list[Cand], a: Cand) -> list[Cand]:
    """The people listed after an honour: “荣获X称号的6名职工分别是：A、B…”."""
    m = _LISTED.match(doc.text, a.end, sent.end)
    if m is None:
        return []
    return [c for c in cs if c.type == "Person" and c.start >= m.end() and not c.extra.get("inside")
            and re.match(r"[、，,；;。（(等]|$", doc.text[c.end : c.end + 1])]


# A clause about the person a paragraph opens with (“张三，某厂高级技师。…先后荣获X”): adverbs and dates only.
_BARE_CLAUSE = re.compile(r"(?:先后|分别|曾|曾经|还|也|再次|同时|又|首次|一举|相继|多次|并|更|已|已经|均|"
                          r"[\d]{4}年(?:度)?|[\d]{1,2}月(?:份)?|[\d]{1,2}日|他|她|本人)*")


def _paragraph_subject(doc: Doc, sent: Sentence, at: int) -> list[Cand]:
    """The person a profile paragraph opens with (“张三，男，某公司高级工程师，曾荣获X”), when the
    honoured clause has no subject of its own and no other person is named in between."""
    head = doc.text[sent.start : at]
    clause = head[max(head.rfind(ch) for ch in "，,；;：:") + 1 :]
    if not _BARE_CLAUSE.fullmatch(clause):
        return []
    para = doc.text.rfind("\n", 0, sent.start) + 1
    para += len(doc.text[para:at]) - len(doc.text[para:at].lstrip(" \u3000\t"))
    # the opening name, also when only another mention of it is a candidate (“张三，” opens no title)
    name = re.match(r"([\u4e00-\u9fff·]{2,4})[，,]", doc.text[para:at])
    opener = people_named(doc, name.group(1)) if name else []
    if not opener or any(c.type == "Person" and c.name != name.group(1)
                         for c in doc.cands if para + name.end() <= c.start < at):
        return []
    return [next((c for c in opener if c.start == para), opener[0])]


# Joining a named list: “某总工会公布了X名单，A、B、C成功入选”, “此外，A、B等单位纷纷上榜”.
_JOINED = re.compile(r"(?:成功|顺利|光荣|均|分别|全部|纷纷|同时)?(?:入选|上榜|榜上有名)(?=[，。；,;！!]|$)")


def _joined_list(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[RawTriple]:
    """Recipients who join a list without the honour after the verb: the honour is the one the
    sentence names before (X名单), else the only one the sentence before it names."""
    out = []
    for m in _JOINED.finditer(sent.text):
        at = sent.start + m.start()
        named = [c for c in cs if c.type == "Award" and c.end <= at]
        if not named:
            prev = previous_sentence(doc, sent)
            if prev is None or prev.article != sent.article:
                continue
            named = [c for c in sent_cands(doc, prev) if c.type == "Award"]
            if len({c.name for c in named}) != 1:
                continue
        award = named[-1]
        lo = max(_clause_start(doc, sent, at), award.end)
        for r in recipients_before(doc, cs, lo, at):
            out.append(RawTriple(r, "AWARDED", award, sent, "pattern:awarded", 0.75))
    return out


# What may close the line of an honour roll's heading: 获得者, 名单, a count, a colon.
_ROLL_HEAD_TAIL = re.compile(r"(?:获得者|获奖者)?(?:名单)?(?:[（(][\d一二三四五六七八九十]+[个名人家项][）)])?[：:]?")
_ROLL_NUMBER = re.compile(r"(?:[一二三四五六七八九十\d]+[、.．]|[（(][一二三四五六七八九十\d]+[）)])?")


def _on_own_line(doc: Doc, sent: Sentence) -> str | None:
    """The line of *sent* when the sentence is the whole line, else None."""
    a = doc.text.rfind("\n", 0, sent.start) + 1
    b = doc.text.find("\n", sent.end)
    b = len(doc.text) if b < 0 else b
    line = doc.text[a:b]
    return line if line.strip() == sent.text.strip() else None


def _honour_roll(doc: Doc) -> list[RawTriple]:
    """An honour roll: a line that is only an honour's name, then one line per recipient (or a list
    of them): “某某劳动奖状⏎A公司⏎B公司⏎某某劳动奖章⏎某医院主任张三”. A line of prose ends it."""
    out = []
    award: Cand | None = None
    for sent in doc.sentences:
        line = _on_own_line(doc, sent)
        if line is None or len(line.strip()) > 60 or re.search(r"[。！？!?；;]", line):
            award = None
            continue
        cs = sent_cands(doc, sent)
        lead = sent.start + len(sent.text) - len(sent.text.lstrip())
        lead = _ROLL_NUMBER.match(doc.text, lead).end()
        head = next((c for c in cs if c.type == "Award" and c.start == lead
                     and _ROLL_HEAD_TAIL.fullmatch(doc.text, c.end, sent.start + len(sent.text.rstrip()))), None)
        if head is not None:
            award = head
            continue
        if award is None or sent.article != sentence_at(doc, award.sentence).article:
            continue
        for piece in re.finditer(r"[^、，,\s\u3000]+", sent.text):
            end = sent.start + piece.end()
            paren = re.search(r"[（(][^（）()]{1,12}[）)]$", piece.group(0))
            r = _ends_at(cs, end, _RECIPIENT) or (_ends_at(cs, end - len(paren.group(0)), _RECIPIENT) if paren else None)
            if r is not None and r.start >= sent.start + piece.start():
                out.append(RawTriple(r, "AWARDED", award, sent, "pattern:awarded", 0.75))
    return out


# “我市上榜的7人分别是：A公司经理张三；B厂技师李四…”: the people who won the honour the article is about
_ROLL_CALL = re.compile(r"(?:上榜|入选|获评|获奖|获此殊荣|受到表彰|受表彰)的[^，。；：:]{0,12}(?:分别是|分别为|名单如下|是)[：:]")


def _roll_call(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[RawTriple]:
    """The people listed after “上榜的N人分别是：”, up to the end of the paragraph's sentence (items may be
    split by ；), holding the only honour the article's headline names."""
    m = _ROLL_CALL.search(sent.text)
    if m is None or any(c.type == "Award" and c.start < sent.start + m.start() for c in cs):
        return []  # an honour named in the clause itself is for _listed_after
    first = next((s for s in doc.sentences if s.article == sent.article), None)
    awards = [c for c in sent_cands(doc, first) if c.type == "Award"] if first is not None else []
    if len({c.name for c in awards}) != 1:
        return []
    lo = sent.start + m.end()
    hi = min(x for x in (doc.text.find("。", lo), doc.text.find("\n", lo), len(doc.text)) if x >= 0)
    return [RawTriple(c, "AWARDED", awards[0], sentence_at(doc, c.sentence), "pattern:awarded", 0.75)
            for c in doc.cands if c.type == "Person" and lo <= c.start < hi and not c.extra.get("inside")
            and re.match(r"[；;，,、。（(]|$", doc.text[c.end : c.end + 1])]
