"""Sub-units of a named body, written right after it: departments, branches, workshops,
teams and offices (某某有限公司技术研发部, 某某公安局某某派出所, 某某集团某某分公司某某车间).

The sub-unit is an entity of its own, named parent + unit and of the parent's
kind (an ensemble or a volunteer team is an organisation under any parent);
:func:`kg.extract.relations.rule_hosts` makes it ``PART_OF`` the parent. The
unit heads are the ``[sub_units]`` of ``schemas/lexicon.toml``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand, is_stop, tokens_of
from kg.extract.regions import after_region
from kg.extract.segment import Sentence

_PARENT_TYPES = ("Enterprise", "Organization", "Union")
_MAX_LEVELS = 3
# A unit name is a company's legal form, a party or youth organ, or a union: not a sub-unit of this kind.
_NOT_UNIT = re.compile(r"(有限公司|有限责任公司|股份公司|集团公司|党委|党支部|党总支|党组|纪委|团委|妇委会|工会)$")
_NUMBERED = re.compile(r"^第?[一二三四五六七八九十百零〇0-9]+$")
# What may follow the last unit of a chain that names the collective itself (A公司B部C组等30个集体).
_PHRASE_END = re.compile(r"^(?:$|[，。、；：,;:！？）)]|等|和|与|及|获|荣获|被|成功|先后|分别|均|在|的)")


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    sub = lexicon().raw["sub_units"]
    heads = sorted({*sub["heads"], *sub["organization_heads"]}, key=len, reverse=True)
    return re.compile(r"([\u4e00-\u9fffA-Za-z0-9（）()]{0,12}?)(" + "|".join(map(re.escape, heads)) + ")")


@lru_cache(maxsize=1)
def _organization_heads() -> frozenset[str]:
    return frozenset(lexicon().raw["sub_units"]["organization_heads"])


def _unit_at(text: str, pos: int, end: int) -> tuple[int, str] | None:
    """End and head of the unit that starts at *pos* (``text[pos:end]``), else None."""
    m = _unit_re().match(text, pos, end)
    if m is None:
        return None
    chunk, head = m.group(1), m.group(2)
    unit_end = m.end()
    if len(chunk) < 2 and not _NUMBERED.match(chunk) and head not in _organization_heads():
        return None  # “内部”, “此处”, “副中心”, “公司办公室”: a word, or no name of its own
    # “技术部长”: a title; but “生产技术部长输维护队” is a unit of a unit
    continued = text[unit_end : unit_end + 1] == "长" and head in "部处科室"
    if continued and _unit_at(text, unit_end, end) is None:
        return None
    if _NOT_UNIT.search(chunk + head) or lexicon().head_re.search(chunk) \
            or chunk.count("（") + chunk.count("(") != chunk.count("）") + chunk.count(")"):
        return None
    longer = next((h for h, t in lexicon().heads if len(h) > len(head) and (chunk + head).endswith(h)), None)
    if longer is not None and lexicon().head_type[longer] in ("Facility", "Union"):
        return None  # “某某劳模工作室”, “职工服务中心”: a facility, found by its own head
    # every word of the unit is name-like, and the head ends a word (not 部署, 队伍, 所在)
    window = tokens_of(text[pos : min(end, unit_end + 2)], pos)
    if not continued and not any(t.end == unit_end for t in window):
        return None
    titles = lexicon().titles
    for t in window:
        if t.end > unit_end - len(head):
            break
        if t.text in ("(", ")", "（", "）"):
            continue  # 某某集团钒钛(钢铁)研究院: a bracket inside the unit's name
        if t.text in titles or (is_stop(t) and not _NUMBERED.match(t.text)
                                and not (t.tag.startswith("v") and t.text not in lexicon().boundary_words)):
            return None  # verbs stand in unit names (设备维护队, 装配车间); particles, adverbs, titles do not
    return unit_end, head


# Units that are bodies in their own right: a title after them is a post there (某某派出所所长);
# with the branches, they are the host of a facility or union named after them (某某支行职工驿站).
_STANDALONE = ("所", "厂", "站", "段", "矿", "院")
_BRANCH = ("公司", "支行", "分行", "营业部", "校区", "分校")
# A company with its legal form ends a chain of units: …集团有限公司第六研究院某某发动机有限公司.
_COMPANY_HEAD = re.compile(r"(股份有限公司|有限责任公司|有限公司)")
_GROUP = ("集团", "集团公司", "集团有限公司", "集团股份有限公司")  # a group's subsidiaries are units of it
_COMPANY = re.compile(r"[\u4e00-\u9fff（）()]{2,12}?" + "(" + _COMPANY_HEAD.pattern + ")")


def regional_branch(unit: str) -> bool:
    """*unit* is a place and a branch head (宁川市分行, 安远分公司, 某县支行): a company's regional branch."""
    return after_region(unit) in ("分公司", "分行", "支行", "公司")


def _post_follows(text: str, end: int, head: str) -> bool:
    """A position title follows the unit that ends at *end* (…研发中心主任, …特警支队副支队长)."""
    after = text[end : end + 6]
    if head.endswith(_STANDALONE):
        return False
    return any(after.startswith(t) for t in lexicon().titles) or bool(re.match(r"副?[\u4e00-\u9fff]{0,2}长", after))


def subunit_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“某某有限公司技术研发部” → the department, of the company's kind, part of the company.

    A chain of units (公司 → 分公司 → 车间) names the deepest unit when the
    chain ends the phrase (a collective honoured, listed), else the first unit
    (the rest is someone's post: …锻造厂锻工班班长张三); the other levels are
    alternatives (``extra["alt"]``).
    """
    out: list[Cand] = []
    parents = sorted((c for c in cands if c.sentence == sent.start and c.type in _PARENT_TYPES
                      and (c.rule.startswith("head:") or c.rule == "known"
                           or c.rule == "context" and c.type == "Union")), key=lambda c: (c.start, c.end))
    unit_spans: set[tuple[int, int]] = set()
    for p in parents:
        if (p.start, p.end) in unit_spans:
            continue  # itself a unit of a shorter parent (某油田勘探开发研究院 under 某油田)
        levels: list[tuple[int, str]] = []
        pos = p.end
        while len(levels) < _MAX_LEVELS:
            unit = _unit_at(text, pos, sent.end)
            if unit is None:
                company = _COMPANY.match(text, pos, sent.end)
                if company and (levels or p.type == "Enterprise" and p.name.endswith(_GROUP)):
                    levels.append((company.end(), company.group(1)))  # …集团第六研究院某某有限公司
                break
            levels.append(unit)
            pos = unit[0]
        if not levels:
            continue
        if regional_branch(text[p.end : levels[0][0]]) and len(levels) == 1:
            continue  # 某某银行宁川市分行: a branch named after its place, one body (no PART_OF)
        unit_spans.update((p.start, end) for end, _ in levels)
        if p.type == "Union" and levels[0][1] not in _organization_heads():
            continue  # a union's departments are found by union_department_candidates
        last_end, last_head = levels[-1]
        chosen = len(levels) - 1 if _PHRASE_END.match(text[last_end : last_end + 2]) \
            or _COMPANY_HEAD.fullmatch(last_head) else 0
        if _post_follows(text, *levels[chosen]):
            continue  # “某公司研发中心主任张三”: the department is part of the person's title
        for k, (end, head) in enumerate(levels):
            etype = "Organization" if head in _organization_heads() or p.type == "Union" else p.type
            extra = {"parent_end": p.end, "standalone": head.endswith(_STANDALONE) or head.endswith(_BRANCH)}
            if p.rule == "context":
                extra["context_parent"] = True  # 区总工会宣讲团: named after the union once it is resolved
            if k != chosen:
                extra["alt"] = True
            out.append(Cand(etype, p.start, end, text[p.start : end], "sub-unit", head=head, sentence=sent.start,
                            extra=extra))
    return out
