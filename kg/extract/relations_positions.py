"""Positions (HOLDS_POSITION): a person tied to a body by a title, a byline or an occupation.

A rule of :data:`kg.extract.relations.RULES` (re-exported by :mod:`kg.extract.relations_people`).
"""

from __future__ import annotations

import re

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.relations_base import (
    BODY,
    Doc,
    RawTriple,
    previous_sentence,
    sent_cands,
)
from kg.extract.segment import Sentence

_sent_cands = sent_cands
_TITLE_SEP = "、"


def rule_positions(doc: Doc) -> list[RawTriple]:
    """“区总工会主席张三”, “某省政协副主席、省总工会主席李四”, “王五、赵六领导”, bylines."""
    lex = lexicon()
    titles = tuple(sorted(set(lex.titles) | set(lex.raw["lists"]["descriptors"]), key=len, reverse=True))
    out = []
    for sent in doc.sentences:
        cs = _sent_cands(doc, sent)
        held: dict[int, tuple[Cand, str]] = {}  # person → the first body and title found for them
        for p in (c for c in cs if c.type == "Person"):
            bodies = [b for b in cs if b.type in BODY and b.end <= p.start]
            pos = p.start
            found: list[tuple[Cand, str]] = []
            pending: tuple[int, int, str] | None = None  # a bare 总工会 whose place the body before it names
            after_comma = False
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
                    dept = _dept(txt, t) if len(txt) not in body_ends else None
                    if dept and (len(txt) - len(dept.group(0)) in body_ends or _after_title(txt[: dept.start()], titles)):
                        # “总工会党组成员、机关纪委书记”, “某公司工会办公室主任”: a department before the title
                        tl[0] = dept.group(0) + tl[0]
                        txt = txt[: dept.start()]
                    if txt.endswith(_TITLE_SEP) and any(txt[:-1].endswith(t2) for t2 in titles):
                        txt = txt[:-1]
                        continue
                    break
                end = sent.start + len(txt)
                org = next((b for b in reversed(bodies) if b.end == end), None)
                bare = _BARE_UNION.search(txt) if org is None and tl and pending is None and not after_comma else None
                if bare is not None:
                    # “某镇党委委员、总工会副主席张三”: the union of the place the body before names
                    pending = (sent.start + bare.start(1), sent.start + bare.end(1), "、".join(tl))
                    pos = sent.start + bare.start(1) - 1
                    continue
                alias = re.search(r"[（(][^（）()，,。、]{1,12}[）)]$", txt) if org is None and tl else None
                if alias is not None:
                    # “某某科技有限公司（某某出行）司机张三”: a brand in brackets after the body
                    org = next((b for b in reversed(bodies) if b.end == end - len(alias.group(0))), None)
                if org is None and tl:
                    # “某某电器（某地）有限公司钳工组长张三”: a short occupation before the title
                    for k in (1, 2, 3):
                        occ = txt[-k:] if len(txt) > k else ""
                        if occ and re.fullmatch(r"[\u4e00-\u9fff]+", occ):
                            org = next((b for b in reversed(bodies) if b.end == end - k), None)
                            if org is not None:
                                tl[0] = occ + tl[0]
                                end -= k
                                break
                if org is None and tl and not found and not after_comma:
                    # “…赴某某有限公司调研，公司董事长张三陪同”: the company just named
                    ref = _company_referent(doc, sent, cs, txt)
                    if ref is not None:
                        found.append((ref, "、".join(tl)))
                        break
                if org is None or (not tl and (end != pos or after_comma)):
                    break
                found.append((org, "、".join(tl)))
                if pending is not None:
                    union = _union_of_place(doc, sent, org, pending[0], pending[1])
                    if union is not None:
                        found.insert(len(found) - 1, (union, pending[2]))
                    pending = None
                pos = org.start
                if doc.text[pos - 1 : pos] == _TITLE_SEP:
                    pos -= 1
                    continue
                if doc.text[pos - 1 : pos] in ("，", ",") and pos - 1 > sent.start:
                    # “某区人大常委会副主任，区总工会主席张三”: a post without a name goes with the next one's
                    pos -= 1
                    after_comma = True
                    continue
                break
            if not found and not p.extra.get("studio"):
                # Org Name 领导 / Org Name (byline) / Org、Name、Name 领导
                title = p.extra.get("title", "")
                gap_ok = {"", " ", "、"}
                prev_person_chain = p.start
                for q in reversed([c for c in cs if c.type == "Person" and c.end <= p.start]):
                    if doc.text[q.end : prev_person_chain] in ("、", "和"):
                        prev_person_chain = q.start
                org = next((b for b in reversed(bodies) if doc.text[b.end : prev_person_chain] in gap_ok), None)
                led = next((b for b in reversed(bodies) if doc.text[b.end : p.start] == "领导"), None)
                if org is None and led is not None:
                    org, title = led, "领导"  # “某市总工会领导张三一行”
                if org is not None and (title in ("领导", "") or title in titles):
                    line_tail = doc.text[p.end : p.end + 2]
                    if title or line_tail[:1] in ("\n", "") or line_tail.startswith(("领导", "等")):
                        found.append((org, title if title in titles or title == "领导" else ""))
            if not found:
                found = _carried(doc, cs, p, held, titles) or _occupied(doc, sent, p, bodies) \
                    or _profiled(doc, sent, cs, p, titles) or _from(doc, bodies, p)
            found += _government(doc, p, found)
            # “张三当选为某镇总工会主席”, “张三、李四当选新一届某总工会副主席”, “张三担任X公司总经理”
            last = p
            while doc.text[last.end : last.end + 1] == "、":
                nxt = next((q for q in cs if q.type == "Person" and q.start == last.end + 1), None)
                if nxt is None:
                    break
                last = nxt
            m = re.match(r"(当选为|当选|担任|出任|任)(新一届|新一任|新任)?", doc.text[last.end : last.end + 6])
            org = next((b for b in cs if b.type in BODY and b.start == last.end + m.end()), None) if m else None
            if org is not None:
                rest = doc.text[org.end : org.end + 16]
                tm = re.match(r"((?:第[一二三四五六七八九十0-9]+届[\u4e00-\u9fff]{0,5})?)(" + "|".join(map(re.escape, titles)) + ")", rest)
                if tm and all(o is not org for o, _ in found):
                    found.append((org, tm.group(1) + tm.group(2)))
            found = [_employer(doc, cs, org, title) for org, title in found]
            if found:
                held[id(p)] = found[0]
            for org, title in found:
                attrs = {"title": title} if title else {}
                out.append(RawTriple(p, "HOLDS_POSITION", org, sent, "pattern:position", 0.85, attrs))
    return out


# A bare union in a run of posts (“某镇党委委员、总工会副主席”): the union of the place named before.
_BARE_UNION = re.compile(r"[、，,](总工会|工会)$")
# The organs of a place whose name leaves the place when they are cut off.
_ORGAN = re.compile(r"(?:党工委|党委|人大常委会|人大|人民政府|政府|政协|委员会|办事处|管委会)$")
_PLACE_END = ("街道", "镇", "乡", "区", "县", "市", "省", "旗", "州", "自治区")


def _union_of_place(doc: Doc, sent: Sentence, org: Cand, start: int, end: int) -> Cand | None:
    """The union of the place *org* is an organ of (某街道党工委 → 某街道总工会), for a bare 总工会
    written at *start*..*end*; None when *org* is no organ of a place."""
    organ = _ORGAN.search(org.name)
    place = org.name[: organ.start()] if organ else ""
    if len(place) < 2 or not place.endswith(_PLACE_END):
        return None
    return Cand("Union", start, end, doc.text[start:end], "context", name=place + "总工会", sentence=sent.start,
                extra={"context": True, "resolved_from": doc.text[start:end]})


# A company referred to by a bare word before a post: “公司董事长”, “该企业负责人”.
_COMPANY_WORD = re.compile(r"(?:^|(?<=[，,、；;：:\s了]))(?:该公司|公司|该企业|企业)(工会)?$")


def _company_referent(doc: Doc, sent: Sentence, cs: list[Cand], txt: str) -> Cand | None:
    """The company a bare 公司/该企业 at the end of *txt* (the sentence up to a post) refers to: the
    last one the sentence names before it, else the last one the sentence before names; for
    “公司工会主席” the union of that company (某某有限公司工会)."""
    word = _COMPANY_WORD.search(txt)
    if word is None:
        return None
    at = sent.start + word.start()
    named = [c for c in cs if c.type == "Enterprise" and c.end <= at]
    prev = previous_sentence(doc, sent)
    if not named and prev is not None and prev.article == sent.article:
        named = [c for c in sent_cands(doc, prev) if c.type == "Enterprise"]
    if not named:
        return None
    company = named[-1]
    if not word.group(1):
        return company
    a, b = at, sent.start + word.end()
    return Cand("Union", a, b, doc.text[a:b], "context", name=company.name + "工会", sentence=sent.start,
                extra={"context": True, "resolved_from": doc.text[a:b]})


# The head of a government (县长, 常务副市长): a post in the government of that level the article names.
_GOVERNMENT_HEAD = re.compile(r"(?:常务)?副?(省|市|区|县|州|镇|乡)长")
_GOVERNMENT = re.compile(r"(省|市|区|县|州|镇|乡)(?:人民)?政府$")


def _government(doc: Doc, p: Cand, found: list[tuple[Cand, str]]) -> list[tuple[Cand, str]]:
    """“县委副书记、县长张三” → the one county government the article names (某某县政府)."""
    posts = [t for _, title in found for t in title.split(_TITLE_SEP)] + [p.extra.get("title", "")]
    head = next((m for m in map(_GOVERNMENT_HEAD.fullmatch, posts) if m), None)
    if head is None:
        return []
    govs = {}
    for c in doc.cands:
        g = _GOVERNMENT.search(c.name) if c.type == "Organization" and not c.extra.get("inside") else None
        if g and g.group(1) == head.group(1):
            govs.setdefault(c.name, c)
    if len(govs) != 1 or any(o.name in govs for o, _ in found):
        return []
    return [(next(iter(govs.values())), head.group(0))]


def _profiled(doc: Doc, sent: Sentence, cs: list[Cand], p: Cand, titles: tuple[str, ...]) -> list[tuple[Cand, str]]:
    """A profile that opens with the name: “张三，某某有限公司锻造车间班长、高级技师，…”."""
    if doc.text[sent.start : p.start].strip() or doc.text[p.end : p.end + 1] not in ("，", ","):
        return []
    b = max((c for c in cs if c.type in BODY and c.start == p.end + 1 and not c.extra.get("inside")),
            key=lambda c: c.end, default=None)
    if b is None:
        return []
    post = re.match(r"[^，,。；;：:]{1,24}", doc.text[b.end : sent.end])
    if post is None or not re.search(r"[，,。；;]", doc.text[b.end + post.end() : b.end + post.end() + 1] or "。"):
        return []
    first = re.sub(r"[0-9０-９A-Za-z]", "", post.group(0).split(_TITLE_SEP)[0])  # “锻9班班长”
    if not first or _NOT_OCCUPATION.search(first) or not (first.endswith(titles) or first[-1] in "工员师长手监厨任理记席"):
        return []
    return [(b, post.group(0))]


def _from(doc: Doc, bodies: list[Cand], p: Cand) -> list[tuple[Cand, str]]:
    """“来自某某有限公司的张三”: an employee of the company."""
    if doc.text[p.start - 1 : p.start] != "的":
        return []
    b = next((b for b in reversed(bodies) if b.end == p.start - 1 and doc.text[b.start - 2 : b.start] == "来自"), None)
    return [(b, "")] if b is not None else []


# A body that employs people, whose own units (workshops, departments, teams, branches) hold posts in it.
_EMPLOYER = re.compile(r"(?:公司|厂|医院|研究院)$")
# A group (集团, 集团有限公司): its member companies, plants and institutes are bodies of their own.
_GROUP = re.compile(r"集团(?:股份有限公司|有限责任公司|有限公司|公司)?$")
# A unit of an employer, written between its name and a post (研发中心, 三分厂装配二班, 某某作业分公司).
_INNER_UNIT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{0,24}?"
                         r"(?:车间|作业区|工区|工段|分厂|厂|中心|事业部|项目部|部|研究室|研究所|室|班组|班|组|科|处|分公司)")


def _employer(doc: Doc, cs: list[Cand], org: Cand, title: str) -> tuple[Cand, str]:
    """A post in a unit of a company is a post in the company, the unit written into the title:
    “某某有限公司研发中心主任张三” → 某某有限公司 {title: 研发中心主任}; “某某集团某某厂厂长” stays with the plant."""
    if not title:
        return org, title
    inner = sorted((c for c in cs if c.type in BODY and c.start == org.start and c.end < org.end
                    and _EMPLOYER.search(c.name) and not _GROUP.search(c.name)), key=lambda c: -c.end)
    for c in inner:
        unit = doc.text[c.end : org.end]
        if _INNER_UNIT.fullmatch(unit) and "集团" not in unit:
            return c, unit + title
    return org, title


# A department between a body and a title: 机关党委, 党组, 经审委, 组织部, 办公室.
_DEPT = re.compile(r"(?:机关党委|党委|党组|党总支|机关|[\u4e00-\u9fff]{1,6}?(?:部|委|办|办公室|处|科|室|组|中心))$")


def _dept(txt: str, title: str) -> re.Match[str] | None:
    """The department written before *title* at the end of *txt* (组织部长: 组织 before 部长)."""
    if title.lstrip("副") in ("部长", "处长", "科长"):
        return re.search(r"[\u4e00-\u9fff]{2}$", txt)
    return _DEPT.search(txt)
# What a title run may follow when it takes the body of the person before it: “，副主席”, “以及党组成员、”.
_CARRY_GAP = re.compile(r"^(?:[，,、；;]?(?:以及|和|及)?|[，,、；;])$")
# The head of a government (副市长, 县长) belongs to no body named before.
_HEAD_OF_DIVISION = re.compile(r"(省|市|区|县|州|镇|乡)长$")
# Characters that end a clause or mark it as more than an occupation.
_NOT_OCCUPATION = re.compile(r"[^\u4e00-\u9fff]|[的在和与及为是了等被把将从向对由]")


def _after_title(txt: str, titles: tuple[str, ...]) -> bool:
    return txt.endswith(_TITLE_SEP) and any(txt[:-1].endswith(t) for t in titles)


def _carried(doc: Doc, cs: list[Cand], p: Cand, held: dict[int, tuple[Cand, str]],
             titles: tuple[str, ...]) -> list[tuple[Cand, str]]:
    """The body of the person listed before: “某总工会副主席张三、李四”, “某总工会主席张三，副主席李四”,
    “…以及党组成员、三级调研员王五”, “某总工会副主席张三、经审委主任李四”."""
    prev = next((q for q in reversed(cs) if q.type == "Person" and q.end <= p.start), None)
    if prev is None or id(prev) not in held:
        return []
    org, title = held[id(prev)]
    gap = doc.text[prev.end : p.start]
    if gap == "、":
        return [(org, title)]
    # a run of titles (each perhaps after a department) right before the name
    rest, tl = gap, []
    while True:
        t = next((t for t in titles if rest.endswith(t)), None)
        if t is None:
            break
        rest = rest[: -len(t)]
        dept = _dept(rest, t)
        if dept and (_CARRY_GAP.match(rest[: dept.start()]) or _after_title(rest[: dept.start()], titles)):
            t = dept.group(0) + t
            rest = rest[: dept.start()]
        tl.insert(0, t)
        if _after_title(rest, titles):
            rest = rest[:-1]
            continue
        break
    if tl and _CARRY_GAP.match(rest) and not _HEAD_OF_DIVISION.search(tl[-1]) \
            and not any(b.type in BODY for b in cs if prev.end <= b.start < p.start):
        return [(org, "、".join(tl))]
    return []


def _occupied(doc: Doc, sent: Sentence, p: Cand, bodies: list[Cand]) -> list[tuple[Cand, str]]:
    """A body, an occupation and a name, in one item: “某有限公司数控铣工张三”, “某医院护士长李四”."""
    near = [b for b in bodies if 0 < p.start - b.end <= 10]
    if not near:
        return []
    b = max(near, key=lambda b: (b.end, b.end - b.start))
    gap = doc.text[b.end : p.start]
    if _NOT_OCCUPATION.search(gap) or gap[-1] not in "工员师长手监厨任理记席官" \
            or any(c.type == "Person" and b.end <= c.start < p.start for c in doc.by_sentence.get(sent.start, [])):
        return []
    return [(b, gap)]
