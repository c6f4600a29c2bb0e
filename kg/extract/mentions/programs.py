"""Programs: names in quotes with their heads (“匠心筑梦”行动), and unquoted programs
after a run verb (开展普惠观影活动) or in the list it opens.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import PUNCT, Cand, normalise_name
from kg.extract.segment import Sentence

_QUOTE = re.compile(r"[“「『\"]([^“”「」『』\"\n]{1,40})[”」』\"]")
_PROGRAM_HEADS = ("专项行动", "系列主题活动", "主题活动", "系列活动", "专项活动", "联欢晚会", "晚会", "行动", "活动", "工程", "计划", "品牌",
                  "竞赛", "大赛", "挑战赛", "比赛", "夏令营", "项目", "服务", "工作", "行")
_RUN_VERBS = ("开展", "实施", "举办", "启动", "推出", "发布", "打造", "推进", "深化", "持续开展", "组织开展", "组织",
              "举行", "承办", "主办", "参加", "常态化开展", "创新开展", "开展了", "发布推广", "推广", "做实")

_ENUM_PROGRAM = re.compile(r"、([\u4e00-\u9fff·]{2,10}?)(主题活动|系列活动|专项行动|行动|计划|工程)(?=[，。；、等]|$)")


def program_head_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Unquoted programs right after a run verb: 推进女职工月季花服务计划, 开展普惠观影活动;
    and later items of the list a run verb opens: 举办A挑战赛、骑手温暖季主题活动等."""
    out: list[Cand] = []
    for m in _ENUM_PROGRAM.finditer(sent.text):
        before = sent.text[max(0, m.start() - 40) : m.start()]
        if not re.search(r"(开展|举办|实施|启动|推出|组织)[^，。；]*$", before):
            continue
        body, head = m.group(1), m.group(2)
        if PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) or "等" in body:
            continue
        keep_head = head not in ("行动", "专项行动", "系列活动", "主题活动")
        name = body + head if keep_head else body
        a = sent.start + m.start(1)
        out.append(Cand("Program", a, sent.start + m.end(2), text[a : sent.start + m.end(2)], "program-head",
                        name=name, sentence=sent.start, extra={"alias": "" if keep_head else body + head}))
    for m in [*_UNQUOTED_PROGRAM.finditer(sent.text), *_UNION_PROGRAM.finditer(sent.text)]:
        body, head = m.group(2), m.group(3)
        body = body.lstrip("了")
        if not body or PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) \
                or re.search(r"(开展|组织|举办|实施|启动|推进|推出|系列)", body):
            continue
        keep_head = head not in ("活动", "行动", "专项行动", "系列活动", "主题活动", "专项活动")
        name = body + head if keep_head else body
        if not keep_head and len(body) > (12 if head in ("专项行动", "行动") else 8):
            continue
        if not keep_head and re.search(r"(关爱|培训|宣传|慰问|竞赛|比赛|讨论|学习|检查|调研|座谈|服务|健康|交流|文体|普法)", body):
            continue  # “女职工健康关爱活动”: a kind of activity, not a named program
        if len(name) < 3:
            continue
        a = sent.start + m.start(2) + (len(m.group(2)) - len(body))
        b = sent.start + m.end(3)
        out.append(Cand("Program", a, b, text[a:b], "program-head", name=name, sentence=sent.start,
                        extra={"alias": body + head if not keep_head else ""}))
    return out


_UNION_PROGRAM = re.compile(r"(总工会|工会)([\u4e00-\u9fff·]{2,10}?)(系列活动|专项行动|主题活动)(?=[，。；、等,;\s]|$)")
_UNQUOTED_PROGRAM = re.compile(
    r"(开展|实施|启动|推进|举办|开办|推出|组织开展|持续推进|持续开展)([\u4e00-\u9fff·]{2,14}?)"
    r"(服务计划|计划|工程|夏令营|暑托班|挑战赛|专项行动|系列活动|主题活动|专项活动|活动|行动)(?=[，。；、等,;\s]|$)"
)


def quoted_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Programs named in quotes: “匠心筑梦”行动, 开展“四季送”活动, “A”“B”等行动."""
    out: list[Cand] = []
    s = sent.text
    ms = list(_QUOTE.finditer(s))
    # chains of adjacent quotes share what follows the last one
    chains: list[list[re.Match[str]]] = []
    for m in ms:
        if chains and chains[-1][-1].end() == m.start():
            chains[-1].append(m)
        else:
            chains.append([m])
    for chain_ in chains:
        last = chain_[-1]
        after = s[last.end() : last.end() + 24]
        before = s[max(0, chain_[0].start() - 6) : chain_[0].start()]
        etc = after.startswith("等")
        tail = after[1:] if etc else after
        head = next((h for h in _PROGRAM_HEADS if tail.startswith(h)), "")
        if head in ("服务", "工作", "行"):
            head = ""
        # “青苗·童心”书法成长夏令营: a few words, then a program head that belongs to the name
        long_tail = "" if head or etc else _long_program_tail(tail)
        generic_tail = "" if head or etc or long_tail else _generic_program_tail(tail)
        verb_before = any(before.endswith(v) for v in _RUN_VERBS)
        free_after = not after or bool(re.match(r"[，。；、！？,;]", after))
        numbered = re.match(r"[一二三四五六七八九十两]+大(工程|行动|任务|活动|计划)", tail)
        if len(chain_) > 1 and numbered:
            # “技能提升”“服务提质”…两大工程: the named whole is the program
            a = sent.start + last.end()
            out.append(Cand("Program", a, a + numbered.end(), numbered.group(0), "quoted-whole", sentence=sent.start))
            continue
        for m in chain_:
            inner = m.group(1)
            name = normalise_name(inner)
            own_head = ""
            inner_head = next((h for h in _NAME_HEADS if name.endswith(h) and len(name) > len(h) + 1), "")
            if inner_head in ("杯",):
                long_tail = ""  # “宿豫巧匠杯”技能大赛: the cup is the name
            if not (head or (verb_before and free_after and len(chain_) == 1) or inner_head or long_tail or generic_tail):
                continue
            if re.match(r"[一二三四五六七八九十两]", name) and len(name) <= 2:
                continue  # “五小”, “五一”: a numbered slogan or a holiday, not a program
            if len(chain_) > 1 and not head:
                continue
            if not name or len(name) < 2 or len(name) > 30 or re.search(r"[，。；！？+]", inner):
                continue
            if not head and "、" in inner:
                continue
            alias = ""
            if inner_head in _GENERIC_PROGRAM_HEADS:
                alias, name = name, name[: -len(inner_head)]
            qs, qe = sent.start + m.start(), sent.start + m.end()
            if m is last and long_tail:
                full = name + long_tail
                out.append(Cand("Program", qs, qe + len(long_tail), text[qs : qe + len(long_tail)], "quoted",
                                name=full, sentence=sent.start, extra={"alias": name}))
                continue
            own_head = head if m is last and not etc else ""
            if own_head and not alias:
                alias = name + own_head
            if m is last and generic_tail and not alias:
                alias = name + generic_tail
            out.append(Cand("Program", qs, qe + len(own_head), text[qs : qe + len(own_head)], "quoted", name=name,
                            sentence=sent.start, extra={"alias": alias}))
    return out


# Heads that stay part of a program's name (“新双12工程”); the generic ones are dropped (“四心关爱行动” → 四心关爱).
_NAME_HEADS = ("工程", "计划", "行动", "活动", "大赛", "竞赛", "挑战赛", "杯", "夏令营")
_GENERIC_PROGRAM_HEADS = ("行动", "活动")


def _generic_program_tail(tail: str) -> str:
    """“匠心筑梦”技能提升行动: a few words and a generic head after the quotes."""
    m = re.match(r"([\u4e00-\u9fff]{2,6}?)(专项行动|行动|主题活动|系列活动|活动)(?!室|中心|站|家|阵地|场所|方案)", tail)
    return m.group(0) if m else ""


def _long_program_tail(tail: str) -> str:
    m = re.match(r"([\u4e00-\u9fff]{2,16}?)(夏令营|挑战赛|大赛|竞赛|训练营)", tail)
    return m.group(0) if m else ""
