"""Relations by trigger patterns over sentences; subjectless sentences take the article's union.

Each rule is a plain function from the analysed document to raw triples; the
table :data:`RULES` lists them by extractor name. The helper is always the
subject; a program the help came under goes to ``attrs.program``; planned
actions (将, 拟, 计划, 力争) get ``attrs.status = "planned"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand, longest_prefix_in
from kg.extract.mentions.subunits import regional_branch
from kg.extract.regions import after_region, branch_place, lookup, region_prefix
from kg.extract.relations_base import (
    BODY,
    Doc,
    RawTriple,
    bodies,
    cands_starting,
    people_named,
    sent_cands,
    sentence_at,
    subject_for,
    subject_in,
)
from kg.extract.relations_people import rule_awarded, rule_positions
from kg.extract.relations_runs import co_subjects_of, rule_organisers
from kg.extract.relations_support import SUPPORT_VERBS, acting_helper, beneficiaries
from kg.extract.relations_visits import rule_visits
from kg.extract.segment import Sentence

__all__ = ["BODY", "RULES", "Doc", "RawTriple"]
AMOUNT = re.compile(r"(\d+(?:\.\d+)?(?:余|多)?(?:万|亿)?元)")
COUNT = re.compile(r"(\d+(?:\.\d+)?(?:余|多)?(?:万)?(?:名|人次|人|户|家|套|册|份))")
PLANNED = re.compile(
    r"(拟|计划|力争|准备|下一步|今后|明年|下阶段|还将|"
    r"将(?:在|继续|进一步|持续|全面|开展|启动|举办|组织|实施|推动|推出|建设|建立|成立|加大|加强|重点|着力|陆续|于))"
)
_ESTABLISH = re.compile(r"(成立|新建|建成|组建|挂牌|设立|建立|揭牌|创建|建设|打造)")
_VISIT = re.compile(r"(走访|调研|深入|看望)")
_SUPPORT_VERBS = SUPPORT_VERBS
_PARTNER = re.compile(r"(联合(?!会)|携手|会同|与|同)([^，。；]{2,80}?)(合作|共同|联合|携手|开展|举办|签订|制定|印发|召开|推出|启动|等单位|等部门)")
# Bodies named together as the subject (A、B和C), then how they act: 联合/共同/携手, 主办/承办/举办.
_CO_VERB = re.compile(r"[^，。；,;]{0,8}?(联合|共同|携手|联手|主办|承办|举办)")
_RUN = re.compile(r"(开展|实施|举办|启动|推出|发布|打造|推进|深化|组织|举行|承办|主办|做实|持续)")


_sent_cands = sent_cands
_bodies = bodies
_subject_in = subject_in
_subject_for = subject_for


def _status(doc: Doc, sent: Sentence, upto: int) -> dict[str, str]:
    """Planned when a marker (将, 拟, 计划, 下一步 …) stands before the verb in its sentence."""
    head = doc.text[sent.start : upto]
    return {"status": "planned"} if PLANNED.search(head) else {}


def rule_in_region(doc: Doc) -> list[RawTriple]:
    out = []
    seen = set()
    canon_of = doc.region_canon
    for c in doc.cands:
        if c.type not in BODY or c.name[:1] in "省市区县" or c.rule == "union-dept":
            continue  # a context form left as written has no place; a union's department is in its union
        if c.rule == "sub-unit" and not c.extra.get("standalone") \
                and branch_place(c.name, doc.known_divisions) is None:
            continue  # a department lies in its parent's region (a branch, plant or mine is a body of its own)
        bracket = re.search(r"[（(]([\u4e00-\u9fff]{2,4})[）)]", c.name) if c.type == "Enterprise" else None
        if bracket and not region_prefix(c.name)[2]:
            divs = [d for d in lookup(bracket.group(1)) if d.level <= 2 or d.name in doc.known_divisions]
            if len({d.name for d in divs}) == 1:  # 重庆 is one name (the municipality and its city level)
                sent = sentence_at(doc, c.sentence)
                region = Cand("Region", c.start, c.end, bracket.group(1), "region-of-name", name=divs[0].name,
                              sentence=c.sentence)
                out.append(RawTriple(c, "IN_REGION", region, sent, "name:region", 0.85))
            continue
        branch = branch_place(c.name, doc.known_divisions)
        if branch is not None:  # 某某公司西林分公司 is in 西林县, wherever its parent company is
            a, b, d = branch
            region = Cand("Region", c.start + a, c.start + b, c.name[a:b], "region-of-name",
                          name=canon_of.get(d.name, region_prefix(c.name[a:b] + "·")[1] or d.name),
                          sentence=c.sentence)
            out.append(RawTriple(c, "IN_REGION", region, sentence_at(doc, c.sentence),
                                 "name:region", 0.85))
            continue
        written, canon, div = region_prefix(c.name, doc.known_divisions)
        zone = _ZONE.match(c.name[len(written):]) if div is not None or _ZONE.match(c.name) else None
        if zone is not None and lexicon().head_re.search(zone.group(1)):
            zone = None  # 某市公安局某某经济区检查站: a body's unit in a zone, not the zone's own name
        if div is None and zone is None:
            inner = _inner_region(doc, c)
            if inner is not None and (c.name, inner.name) not in seen:
                seen.add((c.name, inner.name))
                region = Cand("Region", inner.start, inner.end, inner.surface, "region-of-name",
                              name=canon_of.get(inner.name, inner.name), sentence=c.sentence)
                out.append(RawTriple(c, "IN_REGION", region, sentence_at(doc, c.sentence), "name:region", 0.8))
            continue
        if div is not None:
            canon = canon_of.get(div.name, canon)
        if zone is not None and len(re.sub(_ZONE_WORDS, "", zone.group(1))) < 2 and not div:
            continue  # “经济开发区(某某镇)总工会”: a zone with no name of its own
        if zone is not None and len(written) + zone.end() < len(c.name):
            z = zone.group(0)
            rest = c.name[len(written) + len(z) :]
            if z.count("(") + z.count("（") > z.count(")") + z.count("）") and rest[:1] in ")）":
                z += rest[0]  # 南湖新区(东栅街道) keeps its closing bracket
            written = written + z
            canon = written  # a zone is named as written (宁川经济开发区, not 宁川区经济开发区)
        if not canon or (c.name, canon) in seen:
            continue
        seen.add((c.name, canon))
        region = Cand("Region", c.start, c.start + len(written), written, "region-of-name", name=canon,
                      sentence=c.sentence)
        sent = sentence_at(doc, c.sentence)
        out.append(RawTriple(c, "IN_REGION", region, sent, "name:region", 0.9))
    return out


def _inner_region(doc: Doc, c: Cand) -> Cand | None:
    """The division a body's name holds after its first word (远帆宁川电机有限公司, 某大宁川研究院): the
    first region mention inside the name that the place finder took for a division, not at its start."""
    if c.type not in ("Enterprise", "Organization", "Union") or c.extra.get("context"):
        return None
    for r in sent_cands(doc, sentence_at(doc, c.sentence)):
        if r.type == "Region" and c.start + 2 <= r.start and r.end < c.end and r.extra.get("division") \
                and lookup(r.name):
            return r
    return None


_ZONE = re.compile(r"^([\u4e00-\u9fff()（）]{2,12}?)(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|开发区|新区|示范区|"
                   r"产业园区|工业园区|保税港区|保税区|经济区|工业集中区|镇街道|街道|社区|镇|乡)(?:[\u4e00-\u9fff]{2,6}?(?:社区|村))?")
_ZONE_WORDS = r"^(?:国家级|省级|经济技术|高新技术|经济|技术|高新|综合|产业|工业)+"
# A program named without quotes is run where a verb of running stands next to it.
_RUN_BEFORE = re.compile(r"(开展|举办|启动|举行|组织|实施|推出|发布|打造|上线|承办|主办|召开|推进|持续推进|做实|常态化开展)(了)?"
                         r"[^，。；,;！？]{0,12}$")
_RUN_AFTER = re.compile(r"(正式)?(启动|举行|开幕|开赛|拉开帷幕|上线|开班|落幕|闭幕|决赛|总决赛|在[^，。；,;]{2,12}举行)")


def _run_cue(doc: Doc, sent: Sentence, prog: Cand) -> bool:
    return bool(_RUN_BEFORE.search(doc.text[sent.start : prog.start]) or _RUN_AFTER.match(doc.text, prog.end))


def _co_subjects(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[tuple[list[Cand], str]]:
    """Chains of two or more bodies at the start of a clause (after a date, 由 or 近日), each with
    the verb of acting together or organising that follows it."""
    out = []
    chain: list[Cand] = []
    for c in _bodies(cs):
        if chain and doc.text[chain[-1].end : c.start] in ("、", "和", "与", "及", "以及"):
            chain.append(c)
            continue
        if len(chain) >= 2:
            out.append(chain)
        chain = [c]
    if len(chain) >= 2:
        out.append(chain)
    found = []
    for ch in out:
        lead = doc.text[sent.start : ch[0].start]
        lead = re.split(r"[，,；;：:]", lead)[-1]
        if not re.fullmatch(r"(本报讯|近日|日前|今年|[\d年月日至—\-]+|上午|下午)*(由)?", lead):
            continue
        m = _CO_VERB.match(doc.text, ch[-1].end)
        if m is not None and m.end() <= sent.end:
            found.append((ch, m.group(1)))
    return found


def _acts_and_runs(doc: Doc, sent: Sentence, chain: list[Cand]) -> bool:
    """“A、B共同主办…”: the verb of acting together is followed by one of organising."""
    return bool(re.match(r"[^，。；,;]{0,8}?(联合|共同|携手|联手)[^，。；,;]{0,4}?(主办|承办|举办|开展|启动|推出)",
                         doc.text[chain[-1].end : sent.end]))


def rule_runs_supports(doc: Doc) -> list[RawTriple]:
    """RUNS of programs, SUPPORTS of groups and enterprises, PARTNERS_WITH, ESTABLISHES (VISITS: relations_visits)."""
    out: list[RawTriple] = []
    for sent in doc.sentences:
        cs = _sent_cands(doc, sent)
        programs = [c for c in cs if c.type == "Program"]
        for prog in programs:
            subj, conf = _subject_for(doc, sent, prog.start)
            if subj is None or subj is prog or prog.extra.get("named") and not _run_cue(doc, sent, prog):
                continue
            for s in co_subjects_of(doc, cs, subj) if conf >= 0.8 else [subj]:  # “A、B和C开展X”: each runs it
                if s is subj or s.end <= prog.start:
                    out.append(RawTriple(s, "RUNS", prog, sent, "pattern:runs", conf, _status(doc, sent, prog.start)))
        # SUPPORTS: beneficiaries after a help cue; a preposition cue (为/向/给) needs a help verb in the sentence
        m = _SUPPORT_VERBS.search(sent.text)
        objs, cue_at = beneficiaries(doc, sent, cs)
        if objs:
            vpos = min(sent.start + m.start(), cue_at) if m else cue_at
            subj, conf = _subject_for(doc, sent, min([o.start for o in objs] + [vpos]))
            subj = acting_helper(cs, subj, vpos)
            if subj is not None:
                attrs = {}
                if programs:
                    attrs["program"] = programs[0].name
                am = AMOUNT.search(sent.text)
                if am:
                    attrs["amount"] = am.group(1)
                cm = COUNT.search(sent.text)
                if cm:
                    attrs["count"] = cm.group(1)
                attrs.update(_status(doc, sent, vpos))
                for o in objs:
                    if o.name != subj.name:
                        out.append(RawTriple(subj, "SUPPORTS", o, sent, "pattern:supports", conf - 0.05, dict(attrs)))
        # PARTNERS_WITH: “A、B（还将）联合开展…”, “由A、B共同主办的…” — co-subjects partner, and all run what follows
        for chain, verb in _co_subjects(doc, sent, cs):
            together = verb in ("联合", "共同", "携手", "联手")
            if together:
                for other in chain[1:]:
                    out.append(RawTriple(chain[0], "PARTNERS_WITH", other, sent, "pattern:partners", 0.75))
            for body in chain[1:] if together and not _acts_and_runs(doc, sent, chain) else chain:
                for prog in programs:
                    if prog.start > chain[-1].end:
                        out.append(RawTriple(body, "RUNS", prog, sent, "pattern:runs", 0.75, _status(doc, sent, prog.start)))
        for pm in _PARTNER.finditer(sent.text):
            a, b = sent.start + pm.start(2), sent.start + pm.end(2)
            objs = [c for c in cs if c.type in BODY and a <= c.start and c.end <= b and not c.extra.get("inside")]
            subj, conf = _subject_for(doc, sent, a)
            if subj is not None:
                for o in objs:
                    if o.name != subj.name:
                        out.append(RawTriple(subj, "PARTNERS_WITH", o, sent, "pattern:partners", conf - 0.05))
        out.extend(_establishes(doc, sent, cs))
    return out


# a facility or body, then (when) it was opened: 某某驿站近日揭牌, 某某工会联合会挂牌成立
_OPENED = re.compile(r"(?:日前|近日|正式|顺利|已|今天|当天|于[^，。；]{0,12}?)?(?:挂牌成立|揭牌成立|揭牌|挂牌|成立|建成|落成|投用|启用|投入使用|开馆)"
                     r"(?![于以之后时0-9一二三四五六七八九十百]|周年)")  # not 成立于2013年, 成立100周年
# what may stand between an establishing verb and a facility: 建成了面积500平方米的“职工之家”
_MODIFIER = re.compile(r"了?[^，。；、]{1,16}?的[“\"]?")


def _establishes(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[RawTriple]:
    """ESTABLISHES: the facilities (or new unions / bodies) right after the trigger, and their enumeration;
    a facility or union opened (某某驿站近日揭牌) by the body in subject position or the article's body."""
    out: list[RawTriple] = []
    for em in _ESTABLISH.finditer(sent.text):
        epos = sent.start + em.end()
        objs = _chain_after(doc, cs, epos, ("Facility", "Union", "Organization"), max_gap=4)
        objs += [c for c in cs if c.rule == "host-facility" and c.start == epos and c not in objs]
        objs = [o for o in objs if o.type == "Facility" or doc.text[epos : o.start] in ("", "了")]
        if not objs:
            far = next((c for c in cs if c.type == "Facility" and c.start > epos and not c.extra.get("inside")), None)
            if far is not None and _MODIFIER.fullmatch(doc.text, epos, far.start) \
                    and _subject_in(doc, sent, epos) is not None:
                objs = [far]
        if em.group(0) in ("建设", "打造"):
            objs = [o for o in objs if o.type == "Facility"]
        subj, conf = _subject_for(doc, sent, epos)
        if subj is not None:
            for o in objs:
                out.append(RawTriple(subj, "ESTABLISHES", o, sent, "pattern:establish", conf - 0.05,
                                     _status(doc, sent, epos)))
    for last in cs:
        if last.type not in ("Facility", "Union") or last.extra.get("inside") or not _OPENED.match(doc.text, last.end, sent.end):
            continue
        opened = [last]  # and the ones listed before it: A、B职工法律援助站日前揭牌
        while True:
            prev = next((c for c in cs if c.type == last.type and c.end == opened[-1].start - 1 and c not in opened
                         and doc.text[c.end] in "、和及"), None)
            if prev is None:
                break
            opened.append(prev)
        subj, conf = _subject_for(doc, sent, opened[-1].start)
        for o in opened:
            if subj is not None and subj.name != o.name and not o.name.startswith(subj.name):
                out.append(RawTriple(subj, "ESTABLISHES", o, sent, "pattern:opened", conf - 0.1,
                                     _status(doc, sent, o.start)))
    return out


def _chain_after(doc: Doc, cs: list[Cand], pos: int, types: tuple[str, ...], *, max_gap: int) -> list[Cand]:
    """Candidates of *types* starting within *max_gap* characters after *pos*, then chained by 、/和/及."""
    out: list[Cand] = []
    cur = pos
    gap = max_gap
    for c in sorted((c for c in cs if c.type in types and not c.extra.get("inside")),
                    key=lambda c: (c.start, c.type != types[0])):
        if c.start < cur:
            continue
        between = doc.text[cur : c.start]
        if len(between) > gap or re.search(r"[，。；：]", between):
            break
        if out and between not in ("、", "和", "及", "与", "以及", "，"):
            break
        out.append(c)
        cur = c.end
        gap = 2
    return out


_OWNED = re.compile(r"(?:与|和)?(?:所属|下属|旗下)(?:的)?")


def _regional_office(rest: str) -> bool:
    """“…总局” + “宁川省税务局”: the office of a national body in a place (PART_OF it)."""
    office = after_region(rest)
    return office is not None and bool(re.fullmatch(r"[\u4e00-\u9fff]{0,6}(局|厅|委|院|署|办)", office))


def rule_hosts(doc: Doc) -> list[RawTriple]:
    """Facilities and unions named after their host (LOCATED_AT), departments of a body (PART_OF)."""
    out = []
    bodies = {c.name: c for c in doc.cands if c.type in ("Enterprise", "Organization") and not c.extra.get("context")}
    for c in doc.cands:
        host = c.extra.get("host")
        if c.type == "Facility" and host and host not in bodies and not re.search(r"(工会|工会联合会|委员会)$", host):
            bodies[host] = Cand("Enterprise", c.start, c.start + len(host), host, "host", sentence=c.sentence)
    unions = {c.name: c for c in doc.cands if c.type == "Union" and c.name.endswith("总工会")}
    seen = set()
    for c in doc.cands:
        if c.type not in ("Facility", "Union", "Enterprise", "Organization"):
            continue
        # the most specific host named: 广百股份广百百货店的小屋 is at 广百股份广百百货店, not at 广百股份
        # (its longest proper prefix that names a body: looked up by prefix, in linear time)
        named = longest_prefix_in(c.name, bodies, shortest=2, proper=True)
        for host_name, host in [(named, bodies[named])] if named is not None else []:
            rest = c.name[len(host_name) :]
            if c.type == "Organization" and (re.search(r"(校区|分校|分院)$", rest) or _regional_office(rest)):
                key = (c.name, "PART_OF", host_name)
                pred = "PART_OF"
            elif c.type == "Organization":
                continue
            elif c.type == "Enterprise":
                if re.search(r"(部|车间|项目部|分公司|店)$", rest) and len(rest) >= 2 \
                        and rest not in ("车间", "分公司") and not regional_branch(rest):
                    key = (c.name, "PART_OF", host_name)
                    pred = "PART_OF"
                else:
                    continue
            else:
                pred = "LOCATED_AT"
                key = (c.name, pred, host_name)
            if key in seen:
                continue
            seen.add(key)
            sent = sentence_at(doc, c.sentence)
            out.append(RawTriple(c, pred, host, sent, "pattern:host", 0.85))
        if c.type == "Union":
            for uname, u in unions.items():
                if uname != c.name and c.name.startswith(uname) and re.search(r"(委员会|部)$", c.name):
                    key = (c.name, "PART_OF", uname)
                    if key not in seen:
                        seen.add(key)
                        sent = sentence_at(doc, c.sentence)
                        out.append(RawTriple(c, "PART_OF", u, sent, "pattern:department", 0.85))
    # “某社区工会驿站”: a facility named by its neighbourhood (社区, 街道, 村) alone is at it
    places = [c for c in doc.cands if c.type == "Region" and re.search(r"(社区|街道|村)$", c.name)]
    for c in (c for c in doc.cands if c.type == "Facility" and c.head and not c.extra.get("host")) if places else ():
        inside = [p for p in places if c.start <= p.start and p.end <= c.end - len(c.head)]
        place = max(inside, key=lambda p: (p.end, p.start == c.start, p.end - p.start), default=None)
        if place is not None and not lexicon().head_re.search(doc.text[place.end : c.end - len(c.head)] or "-"):
            out.append(RawTriple(c, "LOCATED_AT", place, sentence_at(doc, c.sentence), "pattern:host", 0.75))
    for c in doc.cands:
        if c.rule not in ("person-facility", "host-facility"):
            continue
        # “某某公司张三劳模工作室”: the studio is at the host written before the name; 某社区的驿站: at the place
        sent = sentence_at(doc, c.sentence)
        if c.extra.get("host") in bodies and c.rule == "person-facility":
            out.append(RawTriple(c, "LOCATED_AT", bodies[c.extra["host"]], sent, "pattern:host", 0.8))
        elif c.extra.get("host_region"):
            name = c.extra["host_region"]
            region = Cand("Region", c.start - len(name), c.start, name, "host-region", sentence=c.sentence)
            out.append(RawTriple(c, "LOCATED_AT", region, sent, "pattern:host", 0.75))
    for c in doc.cands:
        if c.rule == "sub-unit":
            # “某某有限公司技术研发部”: the unit is part of the body named at its start
            parent = next((p for p in cands_starting(doc, c.start) if p.end == c.extra["parent_end"]
                           and p.type in BODY and p.name != c.name), None)
            key = (c.name, "PART_OF", parent.name if parent is not None else "")
            if parent is not None and key not in seen:
                seen.add(key)
                sent = sentence_at(doc, c.sentence)
                out.append(RawTriple(c, "PART_OF", parent, sent, "pattern:sub-unit", 0.85))
    for c in doc.cands:
        if c.rule == "union-dept":
            parent = next((u for u in cands_starting(doc, c.start) if u.type == "Union"
                           and u.end == c.extra["parent_end"]), None)
            if parent is not None and parent.name != c.name:
                sent = sentence_at(doc, c.sentence)
                out.append(RawTriple(c, "PART_OF", parent, sent, "pattern:department", 0.85))
    # “A所属B”, “A旗下的B”, “A与所属B”: B is part of A
    for sent in doc.sentences:
        cs = [c for c in _sent_cands(doc, sent) if c.type in BODY and not c.extra.get("inside")]
        for a in cs:
            m = _OWNED.match(doc.text, a.end, sent.end)
            b = next((c for c in cs if m and c.start == m.end() and c.name != a.name), None)
            if b is not None:
                out.append(RawTriple(b, "PART_OF", a, sent, "pattern:owned", 0.8))
    # “在X的（正确）领导下”
    for sent in doc.sentences:
        for m in re.finditer(r"在(.{2,40}?)的(?:正确)?领导下", sent.text):
            a, b = sent.start + m.start(1), sent.start + m.end(1)
            cs = _sent_cands(doc, sent)
            subj = next((c for c in cs if c.type == "Union" and c.end <= a), None)
            for o in cs:
                if o.type == "Union" and a <= o.start and o.end <= b and subj is not None and o.name != subj.name:
                    out.append(RawTriple(subj, "PART_OF", o, sent, "pattern:led-by", 0.8))
    return out


_LEAD_WORD = re.compile(r"领头人|带头人|牵头人|领衔人|领衔")


def _leaders(doc: Doc, people: list[Cand], trig: list[int], fac: Cand) -> list[Cand]:
    """The people the lead word is about: right after it (领衔人张三), right before it (以张三、李四为带头人),
    or the one the facility is named after (张三创新工作室…其领衔人); not others in the sentence (visitors)."""
    out = []
    for p in sorted(people, key=lambda c: -c.start):
        after = any(0 <= p.start - (t + 3) <= 2 or 0 <= p.start - (t + 2) <= 1 for t in trig)
        before = any(0 <= t - p.end <= 1 for t in trig)
        listed = any(doc.text[p.end : q.start] == "、" for q in out)
        if after or before or listed or fac.name.startswith(p.name):
            out.append(p)
    return out


def rule_leads(doc: Doc) -> list[RawTriple]:
    """“以A、B为领头人，成立…工作室”: each leader leads the studio at their host, and works there."""
    out = []
    for f in (c for c in doc.cands if c.rule == "leader-facility"):
        sent = sentence_at(doc, f.sentence)
        person = next((p for p in people_named(doc, f.extra["leader"]) if f.start <= p.start < f.end), None)
        host = next((h for h in cands_starting(doc, f.start) if h.rule == "enum"), None)
        if person is not None:
            out.append(RawTriple(person, "LEADS", f, sent, "pattern:leads", 0.8))
            if host is not None:
                out.append(RawTriple(person, "HOLDS_POSITION", host, sent, "pattern:leads", 0.75))
        subj = _subject_in(doc, sent, f.start)
        if subj is None or subj.type not in ("Union", "Organization"):
            subj = doc.main_body.get(sent.article)
        if subj is not None:
            out.append(RawTriple(subj, "ESTABLISHES", f, sent, "pattern:establish", 0.75))
    if any(c.rule == "leader-facility" for c in doc.cands):
        return out
    for sent in doc.sentences:
        trig = [sent.start + m.start() for m in _LEAD_WORD.finditer(sent.text)]
        if not trig:
            continue
        cs = _sent_cands(doc, sent)
        facs = [c for c in cs if c.type in ("Facility", "Program")]
        if len({c.name for c in facs}) == 1:  # one facility, named once or more
            for p in _leaders(doc, [c for c in cs if c.type == "Person"], trig, facs[0]):
                out.append(RawTriple(p, "LEADS", facs[0], sent, "pattern:leads", 0.75))
    return out


RULES: dict[str, Callable[[Doc], list[RawTriple]]] = {
    "name:region": rule_in_region,
    "pattern:position": rule_positions,
    "pattern:awarded": rule_awarded,
    "pattern:actions": rule_runs_supports,
    "pattern:organisers": rule_organisers,
    "pattern:visits": rule_visits,
    "pattern:hosts": rule_hosts,
    "pattern:leads": rule_leads,
}
