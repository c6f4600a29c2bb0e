"""Awards: honours after 获评/荣获/被评为/创成/获颁 …, conferred with 授予…“…”, and
titles confirmed by 通过…验收.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand, normalise_name
from kg.extract.segment import Sentence

_AWARD_TRIGGERS = ("被评为", "被授予", "荣获", "获评", "获得", "评为", "创成", "获颁", "获")
_AWARD_HEADS = ("单位", "称号", "集体", "奖", "奖状", "奖章", "工作者", "模范", "示范点", "示范单位", "小家", "书屋", "标兵", "能手", "工匠", "劳模", "导师",
                "班组", "企业", "项目", "状元", "导师", "站点", "基地", "之家", "先进个人", "先锋", "岗", "号")
_AWARD_RE = re.compile("|".join(sorted(_AWARD_TRIGGERS, key=len, reverse=True)))


def _award_span(rest: str) -> str:
    m = re.match(r"[^，。；、！？,;（(的]{2,30}", rest)
    if not m:
        return ""
    span = re.split(r"(验收|荣誉|称号|等荣誉|的称号|聘书|证书|牌匾|，)", m.group(0))[0]
    return span


_CONFERRED = re.compile(r"(?<!被)授予([^，。；“”]{2,40}?)“([^”]{2,24})”")
_PASSED = re.compile(r"通过([^，。；、]{4,30}?(?:单位|示范点|示范单位|集体|企业|班组))(?:的)?(?:验收|评估|认定|复核|考核)")


def award_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Honours after 获评/荣获/被评为/创成/获颁 …, and titles confirmed by 通过…验收."""
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
        span = _award_span(s[m.end() :])
        name = normalise_name(span)
        if not name.endswith(_AWARD_HEADS) or len(name) < 4:
            continue
        a = sent.start + m.end()
        out.append(Cand("Award", a, a + len(span), span, "award", name=name, sentence=sent.start,
                        extra={"trigger": trig}))
    return out
