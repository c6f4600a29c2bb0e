"""Programs: names in quotes with their heads (“匠心筑梦”行动), and unquoted programs
after a run verb (开展普惠观影活动) or in the list it opens.
"""

from __future__ import annotations

import re

from kg.extract.mentions.awards import is_honour_name
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
    and later items of the list a run verb opens: 举办A挑战赛、骑手温暖季主题活动等;
    named yearly campaigns (春节送温暖, 夏送清凉, 金秋助学), competitions and platforms by their heads."""
    out: list[Cand] = campaign_candidates(sent) + named_event_candidates(sent)
    for m in _ENUM_PROGRAM.finditer(sent.text):
        before = sent.text[max(0, m.start() - 40) : m.start()]
        if not re.search(r"(开展|举办|实施|启动|推出|组织)[^，。；]*$", before):
            continue
        body, head = m.group(1), m.group(2)
        if PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) or "等" in body:
            continue
        keep_head = head not in ("行动", "专项行动", "系列活动", "主题活动") or needs_head(body)
        name = body + head if keep_head else body
        a = sent.start + m.start(1)
        out.append(Cand("Program", a, sent.start + m.end(2), text[a : sent.start + m.end(2)], "program-head",
                        name=name, sentence=sent.start, extra={"alias": "" if keep_head else body + head}))
    for m in [*_UNQUOTED_PROGRAM.finditer(sent.text), *_UNION_PROGRAM.finditer(sent.text)]:
        body, head = m.group(2), m.group(3)
        body = body.lstrip("了")
        if not body or PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) \
                or re.search(r"(开展|组织|举办|实施|启动|推进|推出|系列)", body) or "的" in body \
                or _KIND_OF_WORK.fullmatch(body):
            continue  # 形式多样的慰问活动, 走访慰问活动: a description or a kind of work, not a name
        keep_head = head not in ("活动", "行动", "专项行动", "系列活动", "主题活动", "专项活动") or needs_head(body)
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


# kinds of work that make no program name by themselves (走访慰问活动, 帮扶救助行动)
_KIND_OF_WORK = re.compile(r"(?:走访|慰问|看望|帮扶|救助|宣讲|宣传|培训|学习|调研|座谈|交流|志愿服务|义诊|检查)+")
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
        organised = bool(re.search(r"(?:主办|承办|协办|举办)的$", before))  # 由某某主办的“某某”…: what they organise
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
            event = _HONOUR_EVENT.match(tail) if m is last and not etc and is_honour_name(name) else None
            if not (head or (verb_before and free_after and len(chain_) == 1) or inner_head or long_tail or generic_tail
                    or (organised and len(chain_) == 1) or event):
                continue
            if re.match(r"[一二三四五六七八九十两]", name) and len(name) <= 2:
                continue  # “五小”, “五一”: a numbered slogan or a holiday, not a program
            if len(chain_) > 1 and not head:
                continue
            if not name or len(name) < 2 or len(name) > 30 or re.search(r"[，。；！？+]", inner):
                continue
            if not (head or long_tail or generic_tail) and "、" in inner:
                continue  # “甲、乙”: a list, unless a head names it as one program (“甲、乙”主题劳动竞赛)
            alias = ""
            if inner_head in _GENERIC_PROGRAM_HEADS and not needs_head(name[: -len(inner_head)]):
                alias, name = name, name[: -len(inner_head)]
            qs, qe = sent.start + m.start(), sent.start + m.end()
            if event:
                # “某某工匠”选树活动: the event named after its award keeps its head, the award keeps the bare name
                out.append(Cand("Program", qs, qe + event.end(), text[qs : qe + event.end()], "quoted",
                                name=name + event.group(0), sentence=sent.start))
                continue
            if m is last and long_tail and not long_tail.startswith("主题"):  # “甲”主题劳动竞赛: the quotes name it
                full = name + long_tail
                out.append(Cand("Program", qs, qe + len(long_tail), text[qs : qe + len(long_tail)], "quoted",
                                name=full, sentence=sent.start, extra={"alias": name}))
                continue
            own_head = head if m is last and not etc else ""
            if own_head and not alias:
                alias = name + own_head
            if m is last and generic_tail and not alias:
                alias = name + generic_tail
            if m is last and long_tail and not alias:
                alias = name + long_tail
            out.append(Cand("Program", qs, qe + len(own_head), text[qs : qe + len(own_head)], "quoted", name=name,
                            sentence=sent.start, extra={"alias": alias}))
    return out


# What follows an honour's name to make the event that confers it: “某某工匠”选树活动, “某某人物”发布活动.
_HONOUR_EVENT = re.compile(r"(?:年度)?(?:(?:评选|选树|评比|选拔|推选|寻访)(?:表彰)?(?:活动|工作)?|(?:发布|命名)(?:表彰)?活动)")

# Heads that stay part of a program's name (“新双12工程”); the generic ones are dropped (“四心关爱行动” → 四心关爱).
_NAME_HEADS = ("工程", "计划", "行动", "活动", "大赛", "竞赛", "挑战赛", "杯", "夏令营")
_GENERIC_PROGRAM_HEADS = ("行动", "活动")


_NOT_A_NAME = re.compile(r"^(\d{4}|[一二三四五六七八九十两百千万\d]+[项大个])|暨|——|(慰问|授牌|集中|发布|选树|评选|宣讲|攀登|救助|帮扶)$")


def needs_head(body: str) -> bool:
    """Whether a program keeps its generic head (活动, 行动) because what comes before it is no name by
    itself: a year or a count first (六项行动, 2025年某某活动), joined events (甲暨乙活动), or a verb last
    (某某慰问活动, 某某工匠发布活动).

    >>> needs_head("四心关爱"), needs_head("六项"), needs_head("高温慰问")
    (False, True, True)
    """
    return bool(_NOT_A_NAME.search(body))


def _generic_program_tail(tail: str) -> str:
    """“匠心筑梦”技能提升行动: a few words and a generic head after the quotes."""
    m = re.match(r"([\u4e00-\u9fff]{2,10}?)(专项行动|行动|主题活动|系列活动|活动)(?!室|中心|站|家|阵地|场所|方案)", tail) or \
        re.match(r"([\u4e00-\u9fff]{2,14}?)(主题慰问活动|慰问活动|主题活动|系列活动|专项行动)(?!室|中心|站|家|阵地|场所|方案)", tail)
    return m.group(0) if m else ""


def _long_program_tail(tail: str) -> str:
    m = re.match(r"([\u4e00-\u9fff]{2,16}?)(夏令营|挑战赛|大赛|竞赛|训练营)", tail)
    return m.group(0) if m else ""


# Yearly campaigns every union runs, named without quotes: 两节送温暖, 夏送清凉, 金秋助学.
_CAMPAIGN = re.compile(r"(?<![·•])(?:(?:元旦春节|元旦|春节|两节|中秋|夏日|夏季|冬日|冬季|夏|冬)[”\"]?)?(?:送温暖|送清凉|金秋助学)(?:行动)?"
                       r"(?![·•]|资金|慰问金|物资|款|礼包|对象|金)")


def campaign_candidates(sent: Sentence) -> list[Cand]:
    """Named yearly campaigns: “两节”送温暖, 冬季送温暖行动, 夏送清凉, 金秋助学."""
    out = []
    for m in _CAMPAIGN.finditer(sent.text):
        if re.search(r"[·•][\u4e00-\u9fff]{0,4}$", sent.text[: m.start()]):
            continue  # “春送岗位·夏送清凉·…”: a part of a program named as a whole
        a = sent.start + m.start()
        out.append(Cand("Program", a, sent.start + m.end(), m.group(0), "program-head", sentence=sent.start,
                        extra={"named": True}))
    return out


# Heads of competitions, shows and platforms named without quotes.
_EVENT_HEAD = re.compile(r"(劳动和技能竞赛|劳动竞赛|技能竞赛|职业技能大赛|技能大赛|职业技能比赛|技能比赛|职业技能运动会|运动会|成果展|团拜会|"
                         r"信息系统|管理系统|服务平台|信息平台|小程序)(?![\u4e00-\u9fff]{0,2}(?:委员会|办公室|组委会))")
_EVENT_STOP = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z（）()“”‘’\"·]|[的在了暨于与及对为由把将从等是]")
_EVENT_CUT = re.compile(r"(开展|举办|启动|举行|组织|参加|承办|主办|推进|深化|做好|获得|荣获|获|登录|上线|发布|印发|打造|建立|依托|通过|围绕|"
                        r"全面|持续|积极|深入|广泛|扎实|进一步|一年一度|一年|一次|一场|一届|年度|升级|搭建|建设|开发|构建|完善|优化|"
                        r"各类|各项|多场|系列)")
_EVENT_GENERIC = re.compile(r"^(本次|此次|这次|该|各类|各项|相关|系列|一系列|多项|重点|全年|年度|首届|本届|今年|去年|明年|全区|全市|全县)")


def named_event_candidates(sent: Sentence) -> list[Cand]:
    """Competitions, shows and platforms named by their head: 某省十万职工技能比武竞赛,
    某市第五届职工技能运动会, 某省职工服务信息系统 (a leading year or edition dropped)."""
    s = sent.text
    out = []
    for m in _EVENT_HEAD.finditer(s):
        lo = m.start()
        while lo > 0 and m.start() - lo < 24 and not _EVENT_STOP.match(s[lo - 1]):
            lo -= 1
        cut = None
        for c in _EVENT_CUT.finditer(s, lo, m.start()):
            cut = c
        if cut is not None:
            lo = cut.end()
        lead = re.match(r"(?:\d{4}(?:-\d{4})?年(?:度)?)?(?:第[一二三四五六七八九十\d]+届)?", s[lo : m.start()])
        if lead:
            lo += lead.end()
        mod, end = s[lo : m.start()], m.end()
        if mod.count("“") == mod.count("”") + 1 and s[end : end + 1] == "”":
            end += 1  # “某某管理系统”
        if "”" in mod or s.rfind("“", 0, lo) > s.rfind("”", 0, lo):
            continue  # “某某杯”技能大赛, “…、…劳动竞赛”: the quoted name is the program
        if len(normalise_name(mod)) < 3 or _EVENT_GENERIC.match(normalise_name(mod)) or re.match(r"[（）()]", mod) \
                or s[lo:end].count("“") != s[lo:end].count("”"):
            continue
        a = sent.start + lo
        out.append(Cand("Program", a, sent.start + end, s[lo:end], "program-head", sentence=sent.start,
                        extra={"named": True}))
    return out



_QUOTED_ANY = re.compile(r"[“「『\"《]([^“”「」『』\"《》\n]{1,40})[”」』\"》]")


def quoted_proposals(sent: Sentence, text: str) -> list[Cand]:
    """Every short quoted phrase of a sentence as a possible Program, for a learned model to judge.

    The rules keep a quoted phrase only beside a program head or a run verb (:func:`quoted_candidates`);
    campaigns and slogans are often quoted with neither (助其实现“某某心愿”, 打响“某某战”).
    """
    out: list[Cand] = []
    for m in _QUOTED_ANY.finditer(sent.text):
        inner = m.group(1)
        name = normalise_name(inner)
        if not 2 <= len(name) <= 30 or re.search(r"[，。；！？,;!?]", inner):
            continue
        a = sent.start + m.start(1)
        out.append(Cand("Program", a, a + len(inner), text[a : a + len(inner)], "quoted-any", sentence=sent.start))
    return out


# Heads that end a program's name written without quotes, and what starts a ceremony after one (某某启动仪式).
_HEAD_WORDS = "(专项行动|行动|系列活动|主题活动|活动|工程|计划|劳动竞赛|技能竞赛|竞赛|大赛|比赛|评选|服务月|项目|夏令营)"
_PROPOSAL_HEAD = re.compile(_HEAD_WORDS + r"(?!态|室|中心|阵地|场所|师|部|方案|经费|资金|款|基地|站|负责人|组)"
                            r"|(?=(?:正式)?启动(?:仪式|[，。；,;\s]|$))")
_ENDS_IN_HEAD = re.compile(_HEAD_WORDS + "$")
_PROPOSAL_CHAR = re.compile(r"[\u4e00-\u9fff0-9A-Za-z·+]")
# words a name does not span: verbs that run or join a program, function words
_PROPOSAL_VERB = re.compile(r"(开展|举办|举行|启动|组织|实施|推进|推出|参加|参与|承办|主办|落实|贯彻|深化|做好|持续|积极|深入|广泛|扎实|"
                            r"全面|进一步|通过|围绕|依托|结合|聚焦|打造|发布|印发|制定|制订|纳入|列入|获得|荣获|获|开启|拉开|正式|"
                            r"一年一度|首次|已经|已|正在|不断|最终|真正|出席|将|了|的|在|于|是|为|对|把|由|从|以|向|给|和|与|及|等)")
_PROPOSAL_GENERIC = re.compile(r"^(本次|此次|这次|这项|这一|实际|该|各类|各项|相关|系列|一系列|多项|多种|多场|重点|主题|专项|这些|此项|上述|"
                               r"[一二三四五六七八九十两几多\d]+[项场次个大批届])")


def head_proposals(sent: Sentence, text: str) -> list[Cand]:
    """Programs named by a head without quotes or a run verb next to them, for a learned model to judge:
    某区暖心护航行动顺利启动, 第二届某某工匠发布活动, 某某工程建设, 某某启动仪式.

    The name runs left from the head over letters and digits, up to punctuation or a verb or function
    word that cannot stand inside a name (the longest such name, and the one after the last verb).
    """
    s = sent.text
    out: list[Cand] = []
    seen: set[tuple[int, int]] = set()
    for m in _PROPOSAL_HEAD.finditer(s):
        head_at = m.start()
        if not m.group(1):  # before 启动: the name ends where an adverb or a head does
            head_at -= len(re.search(r"(顺利|正式|隆重|全面|再次|)$", s[:head_at]).group(1))
            if _ENDS_IN_HEAD.search(s, 0, head_at):
                continue  # 某某行动启动: the head already names it
        end = m.end() if m.group(1) else head_at
        lo = head_at
        while lo > 0 and head_at - lo < 20 and _PROPOSAL_CHAR.match(s[lo - 1]):
            lo -= 1
        first = lo
        for c in _PROPOSAL_VERB.finditer(s, lo, head_at):
            if c.end() < head_at or c.group() != "发布":  # 某某工匠发布活动: the release is the event
                first = c.end()
        starts = [first]
        lead = re.match(r"(?:\d{4}(?:-\d{4})?年(?:度)?)?(?:第[一二三四五六七八九十\d]+届)?", s[first:head_at])
        if lead and lead.end():
            starts.append(first + lead.end())
        for a in starts:
            body = s[a:head_at]
            if len(body) < 2 or _PROPOSAL_GENERIC.match(body) or (a, end) in seen:
                continue
            seen.add((a, end))
            out.append(Cand("Program", sent.start + a, sent.start + end, text[sent.start + a : sent.start + end],
                            "head-proposal", sentence=sent.start))
    return out
