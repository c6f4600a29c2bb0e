"""SUPPORTS: who a help sentence helps. Beneficiaries stand after a help verb (慰问我区部分困难
职工, 看望了某公司下岗职工张三), after 为/向/给/对 with the help verb later in the sentence
(为奋战在一线的环卫工人、快递员送去清凉), or in a list with one that does.

Used by :func:`kg.extract.relations.rule_runs_supports`, which finds the helper.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand
from kg.extract.relations_base import Doc
from kg.extract.segment import Sentence

SUPPORT_VERBS = re.compile(r"(送去|送来|送上|送出|送到|送给|提供|赠送|捐赠|捐助|补贴|发放|慰问|帮助|帮扶|救助|资助|配送|解决|惠及|"
                           r"打造|建设|开设|增设)")
_HELP_CUE = re.compile(r"(为|向|给|慰问|帮助|帮扶|关爱|惠及|服务|资助|救助|补贴|赠送|送给|覆盖)$")
_HELP_VERB_CUE = re.compile(r"(慰问|帮助|帮扶|关爱|惠及|资助|救助|补贴|赠送|送给|走进|助力|推动)$")
_ENTERPRISE_CUE = re.compile(r"(为|向|给|走进|帮助|助力|推动|帮扶|慰问|支持)$")
# A help verb a beneficiary may follow, a few words apart (慰问了我区部分困难职工).
_VERB_BEFORE = re.compile(r"(慰问|看望|探望|帮扶|关爱|关心|资助|救助|帮助|补贴|惠及|送到|送给)了?(?!中心|站|组|团|队|活动|行动|品|金)")
# What makes a person named after a help verb one helped: a class before the name (困难职工张三, 劳模李四).
_NAMED_WORKER = re.compile(r"(职工|劳模|工人|员工|家属|骑手|司机|快递员|环卫工|农民工|劳动模范|老党员|老干部)$")
# After 为/向/给/对 + beneficiaries, the help itself.
_HELP_AFTER = re.compile(r"(送去|送来|送上|送出|送到|提供|赠送|捐赠|捐助|补贴|发放|慰问|帮扶|救助|资助|配送|解决|开展|举办|进行|"
                         r"免费|定制|购买|办理|体检|义诊|服务|培训|送清凉|送温暖|传递|带去|表示|增设|设立|建设|打造|开设)")
# 为 of purpose (为进一步…, 为做好…), not of benefit.
_PURPOSE = re.compile(r"为(进一步|深入|做好|使|更好|切实|全面|推动|加强|确保|保障|让|帮助|营造|弘扬|庆祝|迎接|贯彻|落实|了|此|"
                      r"提升|提高|促进|助力|丰富|满足|缓解|加快|持续|充分|发挥|着力|真正|有效|扎实|打造|积极|不断|大力|"
                      r"保证|维护|关心|关爱|服务|进|全力|大家|广大职工|职工群众)")
_BENEFICIARY = ("Group", "Person")


def beneficiaries(doc: Doc, sent: Sentence, cs: list[Cand]) -> tuple[list[Cand], int]:
    """The groups, people and companies a help sentence helps, and where the help is first
    stated (the helper stands before it)."""
    objs = [c for c in cs if c.type == "Group" and _helped(doc, sent, c, cs)]
    objs += [c for c in cs if c.type == "Enterprise" and not c.extra.get("inside")
             and _helped(doc, sent, c, cs, _ENTERPRISE_CUE)]
    if not SUPPORT_VERBS.search(sent.text) and len(sent.text) > 12:
        objs = [o for o in objs if _helped(doc, sent, o, cs, _HELP_VERB_CUE)]
    first = min((o.start for o in objs), default=sent.end)
    listed, cue_at = _listed_beneficiaries(doc, sent, cs)
    for c in listed:
        if all(c is not o for o in objs):
            objs.append(c)
    # a class named by its head alone (侨胞职工) is a beneficiary only as often as not: left to learned scoring;
    # an example before 等<class> is none of its own
    objs = [o for o in objs if not o.extra.get("class") and not _example(doc, cs, o) and not _describes(cs, o)]
    return sorted(objs, key=lambda c: c.start), min(first, cue_at)


def _describes(cs: list[Cand], o: Cand) -> bool:
    """*o* is the class of the person named right after it (困难职工张三): the person is the one helped."""
    return o.type == "Group" and any(c.type == "Person" and c.start == o.end for c in cs)


# Party and government bodies: in a help sentence they name an official's post beside the union's
# (某市政协副主席、市总工会主席张三带队看望…, 某区党委书记…、区总工会主席…看望): the union helps.
_POLITICAL = re.compile(r"(党委|党工委|党组|人大常委会|人民政府|政府|政协|纪委)$")


def acting_helper(cs: list[Cand], subj: Cand | None, before: int) -> Cand | None:
    """The helper of a help sentence: *subj*, or the union named before the help when *subj* is a
    party or government body."""
    if subj is None or subj.type == "Union" or not _POLITICAL.search(subj.name):
        return subj
    union = next((c for c in cs if c.type == "Union" and not c.extra.get("inside") and c.end <= before), None)
    return union or subj


def _helped(doc: Doc, sent: Sentence, g: Cand, cs: list[Cand], cue: re.Pattern[str] | None = None) -> bool:
    """A beneficiary has a help cue right before it (or before the enumeration it stands in)."""
    start = g.start
    # walk back over an enumeration “A、B、C” of the same type
    while True:
        prev = [c for c in cs if c.end <= start and c.type == g.type and not c.extra.get("inside")]
        if prev and re.fullmatch(r"(家庭|群体|代表)?(、|和|及|以及|与)(困难|生活困难的|广大)?", doc.text[prev[-1].end : start]):
            start = prev[-1].start
            continue
        break
    if cue is None and _in_helped_list(doc, sent, g):
        return True
    before = doc.text[max(sent.start, start - 10) : start]
    while True:
        stripped = re.sub(r"(全区|全市|全县|全省|广大|全体|一线|生活困难的|困难|的|各类|广大的)$", "", before)
        if stripped == before:
            break
        before = stripped
    m = (cue or _HELP_CUE).search(before)
    # 作为/成为/因为…: 为 of being, not of benefit (作为一名快递员, 成为骑手们信赖的…)
    return m is not None and not (m.group(0) == "为" and _NOT_FOR.search(before, 0, m.start()))


_NOT_FOR = re.compile(r"(以|认|作|成|因|称|更|最|行|较)$")


# “为全县困难职工家庭、技术工人、生产一线职工、农民工等群体，发放…”: a clause that
# opens with a help cue and lists its beneficiaries, each item with a short modifier
_LIST_OPEN = re.compile(r"^(?:并|还|也|同时|积极|主动|重点)?(?:为|向|给|慰问|帮扶|关爱|惠及|资助|救助)")
_LIST_SEP = re.compile(r"、|和|及|以及|与")


def _in_helped_list(doc: Doc, sent: Sentence, g: Cand) -> bool:
    """*g* is an item of a list of beneficiaries that a help cue opens (the clause before it)."""
    head = doc.text[sent.start : g.start]
    cut = max(head.rfind(p) for p in "，,；;：:。！？\n")
    head = head[cut + 1 :]
    m = _LIST_OPEN.match(head)
    if not m or not re.search(r"(、|和|及)[\u4e00-\u9fff]{0,4}$", head):
        return False  # not opened by a cue, or g is the first item (the plain cue check covers that)
    if not re.match(r"(、|和|及|以及|与|等)", doc.text[g.end : g.end + 2]) and \
            not re.match(r"[，,。；;]", doc.text[g.end : g.end + 1]):
        return False
    items = _LIST_SEP.split(head[m.end() :])[:-1]
    return bool(items) and all(0 < len(i) <= 14 and not re.search(r"[“”\"（）()]", i) for i in items)


def _linked(doc: Doc, a: Cand, b: Cand) -> bool:
    """*a* and *b* stand in one list: separators and short items between them (、交警、环卫工等)."""
    between = doc.text[a.end : b.start]
    return len(between) <= 16 and not re.search(r"[，。；,;：:！？“”]", between) \
        and bool(re.search(r"、|和|及|与|或|等", between))


def _listed_beneficiaries(doc: Doc, sent: Sentence, cs: list[Cand]) -> list[Cand]:
    """Groups and people after a help verb a few words back, or after 为/向/给/对 with the help
    after them, and the other members of their lists."""
    items = [c for c in cs if c.type in _BENEFICIARY and not c.extra.get("inside")]
    chains: list[list[Cand]] = []
    for c in items:
        if chains and _linked(doc, chains[-1][-1], c):
            chains[-1].append(c)
        else:
            chains.append([c])
    out: list[Cand] = []
    cue_at = sent.end
    for chain in chains:
        first = chain[0]
        at = _verb_before(doc, sent, first)
        if at < 0 and first.type == "Group":
            at = _cue_before(doc, sent, first, chain[-1])
        if at >= 0:
            out.extend(c for c in _without_examples(doc, chain)
                       if c.type == "Group" or _NAMED_WORKER.search(doc.text[max(at, c.start - 6) : c.start]))
            cue_at = min(cue_at, at)
    return out, cue_at


def _example(doc: Doc, cs: list[Cand], o: Cand) -> bool:
    """*o* is listed before 等 and the class it exemplifies (网约车司机、环卫工人等户外劳动者)."""
    if o.type != "Group":
        return False
    for g in cs:
        if g.type == "Group" and g.start > o.end and g.start - o.end <= 24:
            between = doc.text[o.end : g.start]
            if not re.search(r"[，。；,;：:！？]", between) and re.search(r"等[\u4e00-\u9fff]{0,6}$", between):
                return True
    return False


def _without_examples(doc: Doc, chain: list[Cand]) -> list[Cand]:
    """“环卫工人、快递员等户外劳动者”: occupations named as examples of the class after 等 are
    no beneficiaries of their own."""
    out: list[Cand] = []
    pending: list[Cand] = []
    for c in chain:
        if re.search(r"等[\u4e00-\u9fff]{0,4}$", doc.text[max(0, c.start - 5) : c.start]) and c.type == "Group":
            pending = []
        out.extend(pending)
        pending = [c]
    return out + pending


def _verb_before(doc: Doc, sent: Sentence, c: Cand) -> int:
    """Where a help verb stands a few words before *c*, in its clause (看望了某公司下岗职工张三); -1."""
    lo = max(sent.start, c.start - 20)
    head = doc.text[lo : c.start]
    cut = max(head.rfind(ch) for ch in "，。；,;：:！？“”")
    m = None
    for m in _VERB_BEFORE.finditer(head, cut + 1):
        pass
    return lo + m.start() if m is not None and len(head) - m.end() <= (16 if c.type == "Person" else 10) else -1


def _cue_before(doc: Doc, sent: Sentence, first: Cand, last: Cand) -> int:
    """Where 为/向/给/对 opens the clause of *first* when the help follows *last*; -1."""
    lo = max(sent.start, first.start - 24)
    head = doc.text[lo : first.start]
    cut = max(head.rfind(ch) for ch in "，。；,;：:！？“”")
    cue = None
    for cue in re.finditer(r"为|向|给|对", head[cut + 1 :]):
        pass
    if cue is None:
        return -1
    at = cut + 1 + cue.start()
    if _PURPOSE.match(head, at) or re.search(r"(以|认|作|成|因|称|更|最|行|较)$", head[:at]):
        return -1
    tail = doc.text[last.end : sent.end]
    return lo + at if _HELP_AFTER.search(tail[:30]) else -1
