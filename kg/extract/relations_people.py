"""Relations about people and honours: positions (HOLDS_POSITION) and awards (AWARDED).

Rules of :data:`kg.extract.relations.RULES`, kept apart from the rules about
what bodies do.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.relations_base import BODY, Doc, RawTriple, sent_cands

_sent_cands = sent_cands
_TITLE_SEP = "、"


def rule_positions(doc: Doc) -> list[RawTriple]:
    """“区总工会主席刘筠”, “广东省人大常委会副主任、省总工会主席黄宁生”, “刘潇、赵漪领导”, bylines."""
    lex = lexicon()
    titles = tuple(sorted(set(lex.titles) | set(lex.raw["lists"]["descriptors"]), key=len, reverse=True))
    out = []
    for sent in doc.sentences:
        cs = _sent_cands(doc, sent)
        for p in (c for c in cs if c.type == "Person"):
            bodies = [b for b in cs if b.type in BODY and b.end <= p.start]
            pos = p.start
            found: list[tuple[Cand, str]] = []
            # Org Title(、Title) Name, repeated with 、
            while True:
                txt = doc.text[sent.start : pos].rstrip(" ")
                tl = []
                body_ends = {b.end - sent.start for b in bodies}
                while True:
                    fits = [t for t in titles if txt.endswith(t)]
                    # prefer the title that leaves a body right before it (“党工委书记” vs “书记”)
                    t = next((t for t in fits if len(txt) - len(t) in body_ends), fits[0] if fits else None)
                    if not t:
                        break
                    tl.insert(0, t)
                    txt = txt[: -len(t)]
                    if txt.endswith(_TITLE_SEP) and any(txt[:-1].endswith(t2) for t2 in titles):
                        txt = txt[:-1]
                        continue
                    break
                end = sent.start + len(txt)
                org = next((b for b in reversed(bodies) if b.end == end), None)
                if org is None and tl:
                    # “玖龙纸业（太仓）有限公司焊工班长王阵锋”: a short occupation before the title
                    for k in (1, 2, 3):
                        occ = txt[-k:] if len(txt) > k else ""
                        if occ and re.fullmatch(r"[\u4e00-\u9fff]+", occ):
                            org = next((b for b in reversed(bodies) if b.end == end - k), None)
                            if org is not None:
                                tl[0] = occ + tl[0]
                                end -= k
                                break
                if org is None or (not tl and end != pos):
                    break
                found.append((org, "、".join(tl)))
                pos = org.start
                if doc.text[pos - 1 : pos] == _TITLE_SEP:
                    pos -= 1
                    continue
                break
            if not found:
                # Org Name 领导 / Org Name (byline) / Org、Name、Name 领导
                title = p.extra.get("title", "")
                gap_ok = {"", " ", "、"}
                prev_person_chain = p.start
                for q in reversed([c for c in cs if c.type == "Person" and c.end <= p.start]):
                    if doc.text[q.end : prev_person_chain] in ("、", "和"):
                        prev_person_chain = q.start
                org = next((b for b in reversed(bodies) if doc.text[b.end : prev_person_chain] in gap_ok), None)
                if org is not None and (title in ("领导", "") or title in titles):
                    line_tail = doc.text[p.end : p.end + 2]
                    if title or line_tail[:1] in ("\n", "") or line_tail.startswith(("领导", "等")):
                        found.append((org, title if title in titles or title == "领导" else ""))
            if not found:
                # “蒋华当选为开发区总工会第一届委员会主席”, “张三担任X公司总经理”
                m = re.match(r"(当选为|当选|担任|出任|任)", doc.text[p.end : p.end + 3])
                if m:
                    after = p.end + m.end()
                    org = next((b for b in cs if b.type in BODY and b.start == after), None)
                    if org is not None:
                        rest = doc.text[org.end : org.end + 16]
                        tm = re.match(r"((?:第[一二三四五六七八九十0-9]+届[\u4e00-\u9fff]{0,5})?)(" + "|".join(map(re.escape, titles)) + ")", rest)
                        if tm:
                            found.append((org, tm.group(1) + tm.group(2)))
            for org, title in found:
                attrs = {"title": title} if title else {}
                out.append(RawTriple(p, "HOLDS_POSITION", org, sent, "pattern:position", 0.85, attrs))
    return out


def rule_awarded(doc: Doc) -> list[RawTriple]:
    out = []
    for sent in doc.sentences:
        cs = _sent_cands(doc, sent)
        for a in (c for c in cs if c.type == "Award"):
            span = a.extra.get("recipients")
            if span:
                # “授予A公司、B公司“全国五一劳动奖状””: the recipients stand between 授予 and the award
                for c in cs:
                    if c.type in (*BODY, "Facility", "Person") and span[0] <= c.start and c.end <= span[1] \
                            and not c.extra.get("inside"):
                        out.append(RawTriple(c, "AWARDED", a, sent, "pattern:awarded", 0.8))
                continue
            trig_start = a.start - len(a.extra.get("trigger", ""))
            subjects = []
            limit = trig_start
            for c in reversed([c for c in cs if c.end <= trig_start and c.type in (*BODY, "Facility", "Person")
                               and not c.extra.get("inside")]):
                gap = doc.text[c.end : limit]
                if subjects and subjects[-1].type == "Person" and gap != "、":
                    break  # “公司张惠艳被授予”: the person is the one honoured
                if gap in ("", "成功", "先后", "已", "均", "分别", "曾", "曾经", "还", "也", "再次") or (subjects and gap == "、") \
                        or (not subjects and c.type == "Person" and re.fullmatch(r"等[0-9一二三四五六七八九十]+[位名个][\u4e00-\u9fff]{0,4}", gap)):
                    subjects.append(c)
                    limit = c.start
                    continue
                break
            if not subjects and doc.text[a.end : a.end + 1] == "的":
                # “获评全国劳模的李永、李印旺”
                pos = a.end + 1
                for p in sorted((c for c in cs if c.type == "Person" and c.start >= pos), key=lambda c: c.start):
                    if doc.text[pos : p.start] not in ("", "、", "和"):
                        break
                    subjects.append(p)
                    pos = p.end
            for s in subjects:
                out.append(RawTriple(s, "AWARDED", a, sent, "pattern:awarded", 0.85))
    return out
