"""Awards: honours after 获评/荣获/被评为/创成/获颁 …, conferred with 授予…“…”, titles
confirmed by 通过…验收, and honours named anywhere by a level and an honour head
(某省五一劳动奖章, 省劳模, 青山市劳动奖状), in quotes (“某某工匠”) or as a title before a
name (某省劳动模范张三).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.mentions.base import Cand, normalise_name
from kg.extract.regions import lookup
from kg.extract.segment import Sentence

_AWARD_TRIGGERS = ("被评为", "被授予", "荣获", "获评", "获得", "评为", "创成", "获颁", "获", "被命名为", "命名为",
                   "被认定为", "认定为", "成功创建", "入选", "授予")
# Heads an honour's name ends with, once a trigger has announced it.
_AWARD_HEADS = ("单位", "称号", "集体", "奖", "奖状", "奖章", "工作者", "模范", "示范点", "示范单位", "小家", "书屋", "标兵", "能手", "工匠", "劳模", "导师",
                "班组", "企业", "项目", "状元", "站点", "基地", "之家", "先进个人", "先锋", "岗", "号", "之星", "人物",
                "红旗手", "驿站", "积极分子", "干部", "工作室")
# Heads that make an honour wherever a level (全国, 省, a province…) stands before them.
_HONOUR_HEADS = ("五一劳动奖章", "五一劳动奖状", "五一劳动奖", "劳动奖章", "劳动奖状", "工人先锋号", "劳动模范", "劳模",
                 "先进工作者", "技术能手", "岗位能手", "三八红旗手", "巾帼建功标兵", "学雷锋标兵", "大工匠", "工匠",
                 "年度人物")
# … and the classes of model union homes and union workers (模范职工之家, 先进职工小家, 优秀工会工作者)
_HONOUR_RE = re.compile("|".join(sorted(_HONOUR_HEADS, key=len, reverse=True))
                        + r"|(?:模范|先进)职工(?:之家|小家)|优秀工会(?:工作者|干部|积极分子)")
_HONOUR_END = re.compile(f"(?:{_HONOUR_RE.pattern})$")
# What may not follow an honour head for it to end an honour's name (劳模精神, 劳模创新工作室, 工匠学院).
_NOT_AFTER = re.compile(r"(精神|工作室|创新|工匠|人才|队伍|学院|协会|联合会|服务|事迹|风采|宣讲|代表|评选|表彰|大会|选树|培育|"
                        r"示范|文化|志愿|爱心|之家|驿站|公园|主题|园|馆|室|站|中心|基地|书屋|小屋|先进|和工匠|和先进|库|团|"
                        r"宣传|疗休养|座谈|故事|身边|家庭|家属|子女|慰问|帮扶|引领|作用|队|班|群体|们|式|人选|讲师|建设|工程|行动|计划|技能|"
                        r"活动|评审|推荐|申报|培养|选拔|[（(][^）)]{1,6}[）)]|[A-Za-z])")
# Words that never stand between a level and an honour head.
_BAD_MODIFIER = re.compile(r"(看望|慰问|走访|表彰|重视|领导|关心|关爱|学习|弘扬|宣传|争当|尊重|困难|以上|系统|各级|高度|选树|培育|"
                           r"创建|成功|命名|评选|发布|了|还|和|与|及|等|获|评|的|在)")
# Levels that open an honour's name.
_LEVELS = ("全国", "大国", "首都", "中国", "省部级", "省级", "市级", "区级", "县级", "州级", "自治区", "省", "市", "区", "县", "州")
# A one-character level stands alone only after these (not “社区”, “城市”).
_BEFORE_SHORT_LEVEL = set("年届批获评为的是和及名位个与、，,：:（(“ ")
_GRADE = re.compile(r"(特等奖|一等奖|二等奖|三等奖|优秀奖|金奖|银奖|铜奖)$")
_CONFERRING_BODY = re.compile(r"^.*(总工会|人民政府|政府|人社厅|人社局|党委)(?=.)")


def _award_span(rest: str) -> str:
    m = re.match(r"[^，。；！？,;（(的\s]{2,40}", rest)
    if not m:
        return ""
    span = re.split(r"(验收|荣誉|称号|等荣誉|的称号|聘书|证书|牌匾|，)", m.group(0))[0]
    return span


_CONFERRED = re.compile(r"(?<!被)授予([^，。；“”]{2,40}?)“([^”]{2,24})”")
_PASSED = re.compile(r"通过([^，。；、]{4,30}?(?:单位|示范点|示范单位|集体|企业|班组))(?:的)?(?:验收|评估|认定|复核|考核)")
_AWARD_RE = re.compile("|".join(sorted(_AWARD_TRIGGERS, key=len, reverse=True)))
# “A公司等9家单位”, “100名职工”: a count, no honour's name
_COUNTED = re.compile(r"等[\d一二三四五六七八九十百]|[\d一二三四五六七八九十百]+(个|名|位|家|人|项|批)|、")
_QUOTED = re.compile(r"“([^“”]{2,30})”")
# The list of an honour made public: “公布了全国某某创新工作室名单”, “发布2024年度某省工人先锋号拟命名名单”.
_LIST_OF = re.compile(r"(?:公布|发布|公示|揭晓|印发|下发)了?(?:\d{4}(?:-\d{4})?年度?)?([^，。；、“”《》的]{4,24}?)"
                      r"(?:拟命名|拟表彰|表彰|推荐|候选|获奖)?(?:人选|对象)?名单")


def is_honour_name(name: str) -> bool:
    """Whether *name* names an honour by its head (某省劳动模范, 某某年度人物, 某某工人先锋号)."""
    return bool(_HONOUR_END.search(name)) and len(name) >= 4


@lru_cache(maxsize=4096)
def _level_at(s: str) -> int:
    """Length of the level (全国, 省级, a province or city) that *s* starts with, or 0."""
    for lv in _LEVELS:
        if s.startswith(lv):
            return len(lv)
    for size in (7, 6, 5, 4, 3, 2):
        piece = s[:size]
        if len(piece) == size and any(d.level <= 2 or piece == d.name for d in lookup(piece)):
            return size
    return 0


def _honour_start(s: str, head_start: int) -> int:
    """Start of the honour whose head begins at *head_start*: the leftmost level within a few
    characters before it, with nothing but plain words in between; -1 when there is none."""
    lo = head_start
    while lo > 0 and head_start - lo < 12 and re.match(r"[\u4e00-\u9fff“”]", s[lo - 1]) \
            and s[lo - 1] not in "的和及与获评为在是被等届批":
        lo -= 1
    window = s[lo:head_start]
    cut = _CONFERRING_BODY.match(window)
    if cut:
        lo += cut.end()
    for i in range(lo, head_start + 1):
        n = _level_at(s[i:head_start + 1]) if i < head_start else 0
        if not n:
            continue
        if n == 1 and i > 0 and s[i - 1] not in _BEFORE_SHORT_LEVEL and re.match(r"[\u4e00-\u9fff]", s[i - 1]):
            continue
        modifier = s[i + n : head_start]
        if _HONOUR_RE.search(modifier) or len(modifier) > 8 or _BAD_MODIFIER.search(modifier):
            continue  # “全国劳模工匠”: two heads; “某市看望慰问困难劳模”: a verb phrase, no honour
        return i
    return -1


def _named_honours(sent: Sentence) -> list[Cand]:
    """Honours named by a level and an honour head, anywhere: 某省五一劳动奖章, 某省劳模, 青山市劳动奖状."""
    s = sent.text
    out: list[Cand] = []
    last_end = -1
    for m in _HONOUR_RE.finditer(s):
        if m.start() < last_end or s.rfind("《", 0, m.start()) > s.rfind("》", 0, m.start()):
            continue  # inside the title of a document (《某市工匠人才培养方案》)
        end = m.end()
        if s[end : end + 1] == "”":
            end += 1
        if _NOT_AFTER.match(s, end):
            continue
        a = _honour_start(s, m.start())
        if a < 0:
            continue
        surface = s[a:end]
        name = normalise_name(surface)
        if len(name) < 4 or "：" in surface:
            continue
        out.append(Cand("Award", sent.start + a, sent.start + end, surface, "award", name=name, sentence=sent.start,
                        extra={"trigger": "", "named": True}))
        last_end = end
    return out


def _quoted_honours(sent: Sentence) -> list[Cand]:
    """Quoted honours: “某某工匠”, 全国“最美…站点”, and weaker heads when 称号/荣誉 or a count
    (10名“…”) marks them as honours."""
    s = sent.text
    out: list[Cand] = []
    for m in _QUOTED.finditer(s):
        inner = normalise_name(m.group(1))
        if re.search(r"[，。；、！？,;]", inner):
            continue
        after = s[m.end() : m.end() + 4]
        before = s[max(0, m.start() - 6) : m.start()]
        hm = _HONOUR_END.search(inner)
        head = hm.group(0) if hm else ""
        strong = bool(head) and len(inner) >= 4 and not _NOT_AFTER.match(s, m.end()) \
            and not _HONOUR_RE.search(inner[: -len(head)])
        marked = after.startswith(("称号", "荣誉", "荣誉称号", "等荣誉", "等称号")) or \
            bool(re.search(r"(\d+|[一二三四五六七八九十百]+)(名|位|个|人)$", before))
        weak = inner.endswith(_AWARD_HEADS) and marked
        if not (strong or weak):
            continue
        a = m.start()
        lv = re.search(r"(全国|首都|省级|市级|区级|县级)$", before)
        if lv:
            a -= len(lv.group(1))
        name = normalise_name(s[a : m.end()])
        out.append(Cand("Award", sent.start + a, sent.start + m.end(), s[a : m.end()], "award", name=name,
                        sentence=sent.start, extra={"trigger": "", "named": True}))
    return out


def _split_honours(span: str) -> list[tuple[int, str, str]]:
    """The honours of a span after a trigger: “某市劳动模范和省五一劳动奖章”, “市和省劳动模范”,
    each as (offset in the span, text written, honour meant); a bare level borrows the head of the next one."""
    parts: list[tuple[int, str]] = []
    pos = 0
    for m in re.finditer(r"和|及|、|以及", span):
        left, right = span[pos : m.start()], span[m.end() :]
        if m.group(0) != "、" and not (right[:1] == "“" or _level_at(right) or re.match(r"(第|首届|首批)", right)):
            continue  # “劳模工匠技能创新工作室”: one honour
        if normalise_name(left).endswith(_AWARD_HEADS) or left in _LEVELS:
            parts.append((pos, left))
            pos = m.end()
    parts.append((pos, span[pos:]))
    out = []
    for i, (off, part) in enumerate(parts):
        if part in _LEVELS and i + 1 < len(parts):
            nxt = normalise_name(parts[i + 1][1])
            n = _level_at(nxt)
            out.append((off, part, part + nxt[n:]))
            continue
        out.append((off, part, part))
    return out


def _clean_honour(part: str) -> str:
    """An honour's canonical name: no leading year or edition, no conferring body, no grade."""
    name = normalise_name(part)
    name = re.sub(r"^(\d{4}年度?|\d{4}-\d{4}年度)", "", name)
    m = re.search(r"(首届|第[一二三四五六七八九十\d]+(届|批)|首批)", name)
    if m:
        name = name[m.end() :]
    cut = _CONFERRING_BODY.match(name)
    if cut and cut.group(0) not in ("省总工会", "市总工会", "区总工会", "县总工会"):
        name = name[cut.end() :]  # “某某总工会模范职工小家”: the body that confers is no part of the name
    g = _GRADE.search(name)
    if g and name[: g.start()].endswith("奖"):
        name = name[: g.start()]
    return name


def award_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Honours after 获评/荣获/被评为/创成/获颁 …, conferred with 授予, confirmed by 通过…验收,
    named by a level and an honour head, or quoted."""
    out: list[Cand] = []
    s = sent.text
    for m in _CONFERRED.finditer(s):
        a = sent.start + m.start(2)
        name = normalise_name(m.group(2))
        if name.endswith(_AWARD_HEADS) and len(name) >= 4:
            out.append(Cand("Award", a, a + len(m.group(2)), m.group(2), "award", name=name, sentence=sent.start,
                            extra={"trigger": "授予", "recipients": (sent.start + m.start(1), sent.start + m.end(1))}))
    for m in _PASSED.finditer(s):
        a = sent.start + m.start(1)
        out.append(Cand("Award", a, a + len(m.group(1)), m.group(1), "award", name=normalise_name(m.group(1)),
                        sentence=sent.start, extra={"trigger": "通过"}))
    for m in _AWARD_RE.finditer(s):
        trig = m.group(0)
        if trig == "授予" and s[m.end() : m.end() + 1] != "“" and not re.search(r"被[\u4e00-\u9fff]{0,14}$", s[: m.start()]):
            continue  # “授予A公司…”: the recipients come first, the honour is found by its head
        span = _award_span(s[m.end() :])
        for off, part, meant in _split_honours(span):
            name = _clean_honour(meant)
            if not name.endswith(_AWARD_HEADS) or len(name) < 4 or _COUNTED.search(name):
                continue
            a = sent.start + m.end() + off
            out.append(Cand("Award", a, a + len(part), part, "award", name=name, sentence=sent.start,
                            extra={"trigger": trig, "trigger_at": sent.start + m.start()}))
    for m in _LIST_OF.finditer(s):
        name = _clean_honour(m.group(1))
        two = any(ch in "和及" and _level_at(name[i + 1 :]) for i, ch in enumerate(name))  # X和全国Y: two lists
        if _level_at(name) and name.endswith(_AWARD_HEADS) and len(name) >= 6 and not _COUNTED.search(name) and not two:
            a = sent.start + m.start(1)
            out.append(Cand("Award", a, a + len(m.group(1)), m.group(1), "award", name=name, sentence=sent.start,
                            extra={"trigger": "", "named": True}))
    taken = [(c.start, c.end) for c in out]
    for c in _named_honours(sent) + _quoted_honours(sent):
        if any(a <= c.start and c.end <= b for a, b in taken):
            continue  # already the honour a trigger announces
        taken.append((c.start, c.end))
        out.append(c)
    return out
