"""Entity mentions: head-word patterns, quoted names, titles next to names,
award triggers, beneficiary classes and administrative divisions.

Works on the cleaned view (:mod:`kg.extract.clean`) sentence by sentence; offsets are
in the cleaned view and mapped back by the pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, tokenizer, word_freq
from kg.extract.regions import divisions, lookup
from kg.extract.segment import Sentence

# POS tags that end a name when walking left from a head.
_STOP_TAGS = {"p", "c", "u", "d", "r", "q", "t", "y", "e", "o", "uj", "ul", "uz", "ug", "uv", "ud", "f", "ad"}
# Verbs that may stand inside an organisation's name.
_NAME_VERBS = {"开发", "保障", "互助", "包装", "制造", "加工", "建设", "发展", "服务", "管理", "投资", "教育", "旅游",
               "建筑", "运输", "设计", "研究", "生产", "贸易", "物流", "研发", "检测", "维修", "销售", "经营", "培训",
               "创新", "创意", "交流", "合作", "融合", "共享", "装备", "制药", "印刷", "环保", "能源"}
_IN_NAME_TAGS = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "j", "l", "i", "eng", "x", "an", "s", "g", "k", "h", "nz"}
_PUNCT = re.compile(r"[\s，。、；：！？,.;:!?（）()“”‘’\"'《》〈〉【】\[\]—…·•/]")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
_QUOTE = re.compile(r"[“「『\"]([^“”「」『』\"\n]{1,40})[”」』\"]")
_PROGRAM_HEADS = ("专项行动", "系列主题活动", "主题活动", "系列活动", "专项活动", "联欢晚会", "晚会", "行动", "活动", "工程", "计划", "品牌",
                  "竞赛", "大赛", "挑战赛", "比赛", "夏令营", "项目", "服务", "工作", "行")
_RUN_VERBS = ("开展", "实施", "举办", "启动", "推出", "发布", "打造", "推进", "深化", "持续开展", "组织开展", "组织",
              "举行", "承办", "主办", "参加", "常态化开展", "创新开展", "开展了", "发布推广", "推广", "做实")
_AWARD_TRIGGERS = ("被评为", "被授予", "荣获", "获评", "获得", "评为", "创成", "获颁", "获")
_AWARD_HEADS = ("单位", "称号", "集体", "奖", "奖状", "奖章", "工作者", "模范", "示范点", "示范单位", "小家", "书屋", "标兵", "能手", "工匠", "劳模", "导师",
                "班组", "企业", "项目", "状元", "导师", "站点", "基地", "之家", "先进个人", "先锋", "岗", "号")
_AWARD_RE = re.compile("|".join(sorted(_AWARD_TRIGGERS, key=len, reverse=True)))
def _title_re() -> re.Pattern[str]:
    lex = lexicon()
    words = sorted(set(lex.titles) | set(lex.raw["lists"]["descriptors"]), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))




@dataclass(slots=True)
class Cand:
    """A mention candidate in the cleaned view."""

    type: str
    start: int
    end: int
    surface: str
    rule: str
    name: str = ""
    head: str = ""
    sentence: int = -1
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name:
            self.name = normalise_name(self.surface)


def normalise_name(s: str) -> str:
    """Canonical spelling: half-width letters/digits, no quotes or spaces; full-width brackets kept.

    >>> normalise_name("“求学圆梦”Ａ１")
    '求学圆梦A1'
    """
    out = []
    for ch in s:
        if ch in "“”‘’\"'「」『』《》〈〉 \u3000\n\t":
            continue
        if ch in "（）":
            out.append(ch)
            continue
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def tag(self) -> str:
        return pos_tags().get(self.text, "")


def tokens_of(text: str, offset: int) -> list[Token]:
    """jieba tokens of *text* with offsets (shifted by *offset*)."""
    out = []
    pos = offset
    for w in tokenizer().lcut(text, HMM=True):
        out.append(Token(w, pos, pos + len(w)))
        pos += len(w)
    return out


# Left context a head needs: the name-walk limit (22) plus a margin for the token it starts in.
_WINDOW = 28


def sentence_tokens(sent: Sentence) -> list[Token]:
    """jieba tokens of the parts of a sentence that the rules read, in text order.

    Only the left context of head words, the words around speech verbs and
    titles, and enumerations are segmented (about a third of the text); the
    rest is never looked at by a rule that needs words. Windows that overlap
    are merged and segmented once.
    """
    s = sent.text
    spans: list[tuple[int, int]] = []
    for m in lexicon().head_re.finditer(s):
        spans.append((max(0, m.start() - _WINDOW), m.end()))
    for m in _speech_re().finditer(s):
        spans.append((max(0, m.start() - 12), m.end()))  # a name, or an enumeration of names, before it
    for m in _ENUM.finditer(s):
        spans.append((m.start(), m.end()))
    if not spans:
        return []
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[Token] = []
    for a, b in merged:
        out.extend(tokens_of(s[a:b], sent.start + a))
    return out


@lru_cache(maxsize=1)
def _speech_re() -> re.Pattern[str]:
    words = set(_SPEECH) | set(lexicon().titles) | {"被授予", "被评为", "为领头人", "为带头人", "牵头"}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _region_automaton():
    import ahocorasick

    a = ahocorasick.Automaton()
    for d in divisions().values():
        if len(d.name) >= 2:
            a.add_word(d.name, d.name)
    a.make_automaton()
    return a


@lru_cache(maxsize=1)
def _group_automaton():
    import ahocorasick

    a = ahocorasick.Automaton()
    for g in lexicon().groups:
        a.add_word(g, g)
    a.make_automaton()
    return a


_TIME_CHARS = set("年月日时期今去明近前后当季春夏秋冬午晚早周节旬初末代世纪秒分刻")


def _is_stop(tok: Token) -> bool:
    t = tok.text
    if _PUNCT.search(t) or any(ch.isdigit() for ch in t):
        return True
    if t in lexicon().boundary_words:
        return True
    tag = tok.tag
    if tag == "t":
        # jieba tags some place names as time words (隆中); a time word has a time character
        return bool(_TIME_CHARS.intersection(t)) or t in lexicon().boundary_words
    if tag == "m":
        # a quantity (三家, 第一届, 每月) ends a name; “多元”, “大千” are words that happen to be tagged m
        return t[:1] in "第每" or all(ch in "一二三四五六七八九十两几数多百千万亿余个家名位项次届" for ch in t)
    if tag == "vn":
        return False  # a nominal verb (劳动, 服务, 建设) stands in names; verbs proper end them
    if tag.startswith("v"):
        return t not in _NAME_VERBS
    if tag in _STOP_TAGS:
        return t not in _NAME_VERBS
    return False


def _left_extend(tokens: list[Token], head_start: int, limit: int = 22) -> int:
    """Start offset of the name whose head begins at *head_start*: walk left over name-like tokens."""
    # the token that ends at, or contains, head_start (tokens are sorted and contiguous)
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].end < head_start:
            lo = mid + 1
        else:
            hi = mid
    if lo == len(tokens):
        return head_start
    tk = tokens[lo]
    if tk.end == head_start:
        return _left_extend_from(tokens, lo, tk.end, head_start, limit)
    if tk.start < head_start < tk.end:
        # the head starts inside a token: split there (the token's left part is name-like)
        return _left_extend_from(tokens, lo - 1, tk.start, head_start, limit)
    return head_start


def _left_extend_from(tokens: list[Token], idx: int, cur: int, head_start: int, limit: int) -> int:
    start = cur if cur < head_start else head_start
    i = idx
    fchars = lexicon().function_chars
    while i >= 0:
        tk = tokens[i]
        if _is_stop(tk) or head_start - tk.start > limit or tk.end < start:
            break  # a stop word, too far, or the edge of a segmented window
        if not tk.tag and len(tk.text) > 1:
            # an unknown token (HMM): a function character at its left edge is no part of the name
            k = 0
            while k < len(tk.text) - 1 and tk.text[k] in fchars:
                k += 1
            if k:
                start = tk.start + k
                break
        start = tk.start
        i -= 1
    return start


_BRACKET = re.compile(r"[（(]([\u4e00-\u9fff]{2,6})[）)]$")


def _over_bracket(text: str, tokens: list[Token], start: int, head_start: int) -> int:
    """Extend a name over a bracketed place: 风帆（扬州）有限责任公司, 瑞丰（宁川）电子科技有限公司."""
    m = _BRACKET.search(text, max(0, start - 9), start)
    if m is None or m.end() != start:
        return start
    before = _left_extend(tokens, m.start())
    return before if before < m.start() else start


def _cut_at_region(text: str, start: int, head_start: int) -> int:
    """Names that contain a division start at it: “促发展高邮经济开发区总工会” → “高邮…”."""
    span = text[start:head_start]
    if _division_prefix(span[:3]) or _division_prefix(span[:2]):
        return start
    for k in range(1, len(span) - 1):
        if span[k - 1] in "（(":
            continue  # a place in brackets belongs to the name: 风帆（扬州）
        piece2 = span[k : k + 2]
        piece3 = span[k : k + 3]
        if _division_prefix(piece3) or _division_prefix(piece2):
            before = span[:k]
            if not lexicon().head_re.search(before):
                return start + k
            break
    return start


def _division_prefix(piece: str) -> bool:
    if len(piece) < 2:
        return False
    cands = lookup(piece)
    if not cands:
        return False
    tag = pos_tags().get(piece)
    return piece.endswith(("省", "市", "区", "县")) or tag == "ns" or tag is None


def _is_generic_prefix(tokens: list[Token], start: int, head_start: int) -> bool:
    """True when the words before a head are all common dictionary words of two or more characters."""
    words = [t for t in tokens if start <= t.start and t.end <= head_start]
    if not words:
        whole = next((t for t in tokens if t.start <= start and t.end > head_start), None)
        return whole is not None and word_freq(whole.text) >= 1 and whole.tag in ("n", "vn") and whole.start == start
    if sum(len(t.text) for t in words) != head_start - start:
        return False
    if len(words) == 1 and words[0].text[:1] in "省市区县" and len(words[0].text) <= 3:
        return False  # “区委”, “市人社局”: a context form, resolved later
    for t in words:
        if len(t.text) < 2 or not t.tag or t.tag in ("nr", "ns", "nz", "nt", "nrt", "nrfg", "j", "eng", "x"):
            return False
        if word_freq(t.text) < 50:
            return False
    return True


_UNION_HOST = re.compile(r"(公司|集团|厂|店|局|院|校|中心|街道|社区|村|镇|乡|园区|开发区|协会|委员会|部|站|队|商场|酒店|医院|诊所)$")


def _union_prefix_ok(prefix: str) -> bool:
    """A bare “工会” names a body only after a host (立章公司工会) or a locality."""
    if _UNION_HOST.search(prefix):
        return True
    w, canon, div = _region_prefix_lazy(prefix + "工会")
    return div is not None and w == prefix


def _region_prefix_lazy(name: str):
    from kg.extract.resolve import region_prefix

    return region_prefix(name)


def _strip_generic(name_prefix: str) -> bool:
    lex = lexicon()
    return name_prefix in lex.generic_prefixes or len(name_prefix) < 2


def head_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """Organisations, facilities, unions and zones found by their head word."""
    lex = lexicon()
    out: list[Cand] = []
    s = sent.text
    for m in lex.head_re.finditer(s):
        head = m.group(0)
        hs, he = sent.start + m.start(), sent.start + m.end()
        etype = lex.head_type[head]
        start = _left_extend(tokens, hs)
        # a single-char head inside a longer word (“格局”, “大局”, “瓦房店市”) is no head
        if len(head) == 1 and (start == hs or not any(t.start == hs and t.end == he for t in tokens)):
            continue
        if etype != "Facility":  # 风帆（扬州）有限责任公司, 南湖新区(东栅街道)总工会 — but not 劳模（工匠）工作室
            start = _over_bracket(text, tokens, start, hs)
        start = _cut_at_region(text, start, hs)
        if etype == "Facility":
            # “在X建设工会驿站”: the verb is no part of the facility's name
            for tk in tokens:
                if start <= tk.start < hs and tk.text in ("建设", "新建", "建成", "打造", "设立", "设置", "建立", "成立"):
                    start = tk.end
        surface = text[start:he]
        prefix = text[start:hs]
        if head in ("工会", "总工会") and prefix.endswith("总"):
            continue
        if re.search(r"(省市|市县|县区|区县|市区|省区)$", prefix):
            continue  # “试点省市总工会”: several bodies, none named
        if not prefix and head in ("市委", "县委", "区委", "省委") and etype == "Organization":
            out.append(Cand(etype, hs, he, head, f"head:{etype}", head=head, sentence=sent.start,
                            extra={"level_prefix": True}))
            continue
        if prefix in ("省", "市", "区", "县") and etype in ("Organization", "Facility"):
            # “区开放大学”, “市旅游局”: named after the article's own division, resolved later
            out.append(Cand(etype, start, he, surface, f"head:{etype}", head=head, sentence=sent.start,
                            extra={"level_prefix": True}))
            continue
        if _strip_generic(prefix):
            # context-bound union forms are kept for resolution
            for cu in lex.context_unions:
                if text.endswith(cu, 0, he) and he - len(cu) >= sent.start and cu.endswith(head):
                    out.append(Cand("Union", he - len(cu), he, cu, "context", head=head, sentence=sent.start,
                                    extra={"context": True}))
                    break
            continue
        if prefix in lex.generic_prefixes or _is_generic_prefix(tokens, start, hs):
            # “物业公司”, “服务大局”: common words only, no proper part — a bare mention
            if etype == "Union" and re.search(r"(公司|集团)$", prefix):
                # “港务集团工会”, “公司工会”: the union of a company the article names; resolved later
                out.append(Cand("Union", start, he, surface, "company-union", head=head, sentence=sent.start,
                                extra={"company_short": prefix}))
                continue
            for cu in lex.context_unions:
                if surface.endswith(cu):
                    out.append(Cand("Union", he - len(cu), he, cu, "context", head=head, sentence=sent.start,
                                    extra={"context": True}))
                    break
            continue
        if head == "工会" and not _union_prefix_ok(prefix):
            continue
        out.append(Cand(etype, start, he, surface, f"head:{etype}", head=head, sentence=sent.start))
    # short context forms that have no head match of their own (“市总”, “区总”)
    for cu in ("省总", "市总", "区总", "县总"):
        for m in re.finditer(cu + r"(?!工会)", s):
            a = sent.start + m.start()
            if a > 0 and text[a - 1] in "省市区县":
                continue
            prev = text[a - 2 : a]
            if prev and re.search(r"[\u4e00-\u9fff]{2}$", prev) and cu[0] in "区县市":
                # “秦淮区总” → a named short form: X区总 = X区总工会
                name_start = _left_extend(tokens, a)
                if name_start < a:
                    out.append(Cand("Union", name_start, a + 2, text[name_start : a + 2], "short-union",
                                    name=text[name_start : a + 1] + "总工会", sentence=sent.start))
                    continue
            out.append(Cand("Union", a, a + 2, cu, "context", name=cu, sentence=sent.start, extra={"context": True}))
    return out


_ENUM = re.compile(r"((?:[\u4e00-\u9fff（）()A-Za-z]{2,20}、)+?[\u4e00-\u9fff（）()A-Za-z]{2,20}?)"
                   r"(等?[0-9一二三四五六七八九十两]+(?:家|个|所)|等)")


def enumeration_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“新建欧西盾、智慧谷2家职工之家” → two hosts and two facilities; “为A、B、C三家企业” → three companies."""
    lex = lexicon()
    out: list[Cand] = []
    s = sent.text
    for m in _ENUM.finditer(s):
        after = s[m.end() : m.end() + 16]
        fac_head = ""
        counted = bool(re.search(r"[0-9一二三四五六七八九十两]", m.group(2)))
        for k in range(0, 7 if counted else 1):
            fac_head = next((after[:k] + h for h, t in lex.heads if t == "Facility" and after[k:].startswith(h)), "")
            if fac_head or (k < len(after) and not re.match(r"[\u4e00-\u9fff]", after[k : k + 1])):
                break
        company = after.startswith(("企业", "公司", "单位"))
        if not fac_head and not company:
            continue
        items_start = sent.start + m.start(1)
        pos = items_start
        parts = m.group(1).split("、")
        for k, part in enumerate(parts):
            a = pos
            pos += len(part) + 1
            end_ = a + len(part)
            headed = lex.head_re.search(part)
            if headed and headed.end() == len(part):
                cut = max(a, _left_extend(tokens, a + headed.start()))  # a named body: from its head
            else:
                cut = _name_tail_start(tokens, a, end_)  # keep the name-like tail after a verb or time word
            part = text[cut:end_]
            a = cut
            if len(part) < 2 or part in lex.generic_prefixes or _PUNCT.search(part) \
                    or re.search(r"(联合|和|与|及)", lex.head_re.sub("", part)):
                continue
            if lookup(part) or re.search(r"(开发区|示范区|新区|园区|街道|社区|镇|乡|村|县|区|市|省)$", part):
                continue  # a place in the list, not a company
            headed = lex.head_re.search(part)
            if headed and not (fac_head and headed.end() == len(part)):
                continue  # a named body is found by its head; here only as the host of a facility
            host = Cand("Enterprise", a, a + len(part), part, "enum", sentence=sent.start, extra={"enum": True})
            if not headed:
                out.append(host)
            if fac_head:
                hs = sent.start + m.end()
                out.append(Cand("Facility", a, a + len(part), part + fac_head, "enum-facility",
                                name=normalise_name(part) + fac_head, sentence=sent.start,
                                extra={"host": host.name, "head_at": hs}))
    return out


_REGION_ENUM = re.compile(r"((?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6}?)等?(?:[0-9一二三四五六七八九十]+个)?(?:试点)?(?:省市|省区市|省|市|县|区)?总工会")


def region_enum_candidates(sent: Sentence, text: str) -> list[Cand]:
    """“上海、江苏、福建等5个试点省市总工会” → one 总工会 per region named."""
    out: list[Cand] = []
    for m in _REGION_ENUM.finditer(sent.text):
        parts = m.group(1).split("、")
        divs = []
        for part in parts:
            cands = [d for d in lookup(part) if d.level <= 2]
            if cands and all(c.adcode[:2] == cands[0].adcode[:2] for c in cands):
                cands = [min(cands, key=lambda c: c.level)]  # 上海 → the municipality, not its city entry
            if len(cands) != 1:
                break
            divs.append(cands[0])
        if len(divs) != len(parts) or len(divs) < 2:
            continue
        pos = sent.start + m.start(1)
        for part, d in zip(parts, divs):
            out.append(Cand("Union", pos, pos + len(part), part, "region-enum", name=d.name + "总工会",
                            sentence=sent.start, extra={"enum": True}))
            pos += len(part) + 1
    return out


_DEPT = re.compile(r"总工会((?:[\u4e00-\u9fff]{2,8}?工作部|[\u4e00-\u9fff]{1,4}?(?:部|处|室)|女职工委员会|经费审查委员会))")


def union_department_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“全国总工会劳动和经济工作部” → a union department (PART_OF its union)."""
    out: list[Cand] = []
    for m in _DEPT.finditer(sent.text):
        hs = sent.start + m.start()
        dept = m.group(1)
        if any(w in dept for w in lexicon().boundary_words if len(w) >= 2) or re.search(r"(相关|有关|各|等)", dept):
            continue
        start = _left_extend(tokens, hs)
        if hs - start < 2:
            continue
        end = sent.start + m.end()
        out.append(Cand("Union", start, end, text[start:end], "union-dept", sentence=sent.start,
                        extra={"parent_end": hs + 3}))
    return out


_TAIL_STOP_TAGS = ("v", "p", "c", "u", "d", "r", "t")


def _name_tail_start(tokens: list[Token], a: int, end: int) -> int:
    """Start of the name-like tail of ``[a, end)``: walk left from *end* until a verb, particle or body head."""
    lex = lexicon()
    start = end
    for tk in reversed(tokens):
        if tk.start >= end:
            continue
        if tk.end <= a:
            break
        t = tk.text
        if (t in lex.boundary_words or (tk.tag[:1] in _TAIL_STOP_TAGS and t not in _NAME_VERBS)
                or _PUNCT.search(t) or lex.head_re.fullmatch(t) or tk.start < a):
            break
        start = tk.start
    return start


_LEADER_FACILITY = re.compile(r"以([^，。；]{2,60}?)为(?:领头人|带头人|牵头人|领衔人)[，,]?(?:成立|建立|组建|创建|挂牌)了?"
                              r"([\u4e00-\u9fff（）()]{0,8}?(?:创新工作室|工作室))")


def leader_facility_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“以A公司张三、B公司李四为领头人，成立劳模创新工作室” → one studio per host, led by its person."""
    out: list[Cand] = []
    for m in _LEADER_FACILITY.finditer(sent.text):
        head = m.group(2)
        base = sent.start + m.start(1)
        pos = base
        for part in m.group(1).split("、"):
            a, b = pos, pos + len(part)
            pos = b + 1
            for size in (3, 2):
                nm = text[b - size : b]
                host = text[a : b - size]
                if len(host) >= 2 and _looks_like_name(nm, False) and (not word_freq(nm) or pos_tags().get(nm, '')[:2] == 'nr'):
                    fac = Cand("Facility", a, b, normalise_name(host) + head, "leader-facility",
                               name=normalise_name(host) + head,
                               sentence=sent.start, extra={"host": normalise_name(host), "leader": nm,
                                                           "alias": nm + head})
                    out.append(fac)
                    out.append(Cand("Enterprise", a, b - size, host, "enum", sentence=sent.start, extra={"enum": True}))
                    break
    return out


_AT_HOST = re.compile(r"在([^，。；在]{2,20}?)(建设|新建|建成|设立|打造|挂牌成立|成立|建立)了?"
                      r"(职工之家|职工小家|职工书屋|工会驿站|爱心驿站|劳模创新工作室|创新工作室|爱心妈妈小屋|母婴室|服务站点|服务站)")


def host_facility_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“在禾丰纺织集团建设工会驿站” → the facility 禾丰纺织集团工会驿站 at its host."""
    out: list[Cand] = []
    for m in _AT_HOST.finditer(sent.text):
        a = sent.start + m.start(1)
        b = sent.start + m.end(1)
        host = text[a:b]
        if not lexicon().head_re.search(host[-6:]) and not re.search(r"[\u4e00-\u9fff]{2}", host):
            continue
        hs = sent.start + m.start(3)
        out.append(Cand("Facility", hs, sent.start + m.end(3), normalise_name(host) + m.group(3), "host-facility",
                        name=normalise_name(host) + m.group(3), sentence=sent.start, extra={"host": normalise_name(host)}))
    return out


_ENUM_PROGRAM = re.compile(r"、([\u4e00-\u9fff·]{2,10}?)(主题活动|系列活动|专项行动|行动|计划|工程)(?=[，。；、等]|$)")


def program_head_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Unquoted programs right after a run verb: 推进女职工康乃馨服务计划, 开展普惠观影活动;
    and later items of the list a run verb opens: 举办A挑战赛、蓝骑士暖心季主题活动等."""
    out: list[Cand] = []
    for m in _ENUM_PROGRAM.finditer(sent.text):
        before = sent.text[max(0, m.start() - 40) : m.start()]
        if not re.search(r"(开展|举办|实施|启动|推出|组织)[^，。；]*$", before):
            continue
        body, head = m.group(1), m.group(2)
        if _PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) or "等" in body:
            continue
        keep_head = head not in ("行动", "专项行动", "系列活动", "主题活动")
        name = body + head if keep_head else body
        a = sent.start + m.start(1)
        out.append(Cand("Program", a, sent.start + m.end(2), text[a : sent.start + m.end(2)], "program-head",
                        name=name, sentence=sent.start, extra={"alias": "" if keep_head else body + head}))
    for m in [*_UNQUOTED_PROGRAM.finditer(sent.text), *_UNION_PROGRAM.finditer(sent.text)]:
        body, head = m.group(2), m.group(3)
        body = body.lstrip("了")
        if not body or _PUNCT.search(body) or re.match(r"[0-9一二三四五六七八九十两多各全本该]", body) \
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
    """Programs named in quotes: “求学圆梦”行动, 开展“四季送”活动, “A”“B”等行动."""
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
        # “墨舞油乡·童心逐梦”书画成长夏令营: a few words, then a program head that belongs to the name
        long_tail = "" if head or etc else _long_program_tail(tail)
        generic_tail = "" if head or etc or long_tail else _generic_program_tail(tail)
        verb_before = any(before.endswith(v) for v in _RUN_VERBS)
        free_after = not after or bool(re.match(r"[，。；、！？,;]", after))
        numbered = re.match(r"[一二三四五六七八九十两]+大(工程|行动|任务|活动|计划)", tail)
        if len(chain_) > 1 and numbered:
            # “思想引领”“产改提质”…五大工程: the named whole is the program
            a = sent.start + last.end()
            out.append(Cand("Program", a, a + numbered.end(), numbered.group(0), "quoted-whole", sentence=sent.start))
            continue
        for m in chain_:
            inner = m.group(1)
            name = normalise_name(inner)
            own_head = ""
            inner_head = next((h for h in _NAME_HEADS if name.endswith(h) and len(name) > len(h) + 1), "")
            if inner_head in ("杯",):
                long_tail = ""  # “秦淮能工巧匠杯”技能大赛: the cup is the name
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


# Heads that stay part of a program's name (“新双15工程”); the generic ones are dropped (“五心呵护行动” → 五心呵护).
_NAME_HEADS = ("工程", "计划", "行动", "活动", "大赛", "竞赛", "挑战赛", "杯", "夏令营")
_GENERIC_PROGRAM_HEADS = ("行动", "活动")


def _generic_program_tail(tail: str) -> str:
    """“求学圆梦”学历提升行动: a few words and a generic head after the quotes."""
    m = re.match(r"([\u4e00-\u9fff]{2,6}?)(专项行动|行动|主题活动|系列活动|活动)(?!室|中心|站|家|阵地|场所|方案)", tail)
    return m.group(0) if m else ""


def _long_program_tail(tail: str) -> str:
    m = re.match(r"([\u4e00-\u9fff]{2,16}?)(夏令营|挑战赛|大赛|竞赛|训练营)", tail)
    return m.group(0) if m else ""


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


def region_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Full administrative division names (淮安市, 洪泽区) and chains of them (淮安市洪泽区)."""
    out: list[Cand] = []
    hits = []
    for end_idx, name in _region_automaton().iter(sent.text):
        a = sent.start + end_idx - len(name) + 1
        hits.append((a, a + len(name), name))
    # keep longest, non-overlapping
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str]] = []
    for h in hits:
        if kept and h[0] < kept[-1][1]:
            continue
        kept.append(h)
    # chains of adjacent divisions become one mention
    i = 0
    while i < len(kept):
        a, b, _ = kept[i]
        j = i
        while j + 1 < len(kept) and kept[j + 1][0] == kept[j][1]:
            j += 1
        b = kept[j][1]
        out.append(Cand("Region", a, b, text[a:b], "region", sentence=sent.start))
        i = j + 1
    return out


def group_candidates(sent: Sentence, text: str) -> list[Cand]:
    out = []
    for end_idx, g in _group_automaton().iter(sent.text):
        a = sent.start + end_idx - len(g) + 1
        out.append(Cand("Group", a, a + len(g), g, "group", sentence=sent.start))
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    for c in out:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept


@lru_cache(maxsize=65536)
def _looks_like_name(w: str, strict: bool = True) -> bool:
    lex = lexicon()
    if not _CJK_NAME.match(w) and not (len(w) == 4 and w[:2] in lex.surnames and re.match(r"^[\u4e00-\u9fff]{4}$", w)):
        return False
    if w[0] not in lex.surnames and w[:2] not in lex.surnames:
        return False
    tag = pos_tags().get(w)
    if tag is not None and tag not in ("nr", "nrfg", "nrt") and word_freq(w) > 3:
        return False
    if any(w.endswith(t) for t in ("主席", "书记", "主任", "部长", "领导", "同志", "先生", "女士", "师傅", "老师", "阿姨", "大姐",
                                    "大哥", "叔叔", "奶奶", "爷爷", "大爷", "大妈")) or w[1:2] in ("阿", "老", "小"):
        return False
    if tag in ("nr", "nrfg", "nrt"):
        return True
    if strict and len(w) == 3 and word_freq(w[1:]) >= 100 and pos_tags().get(w[1:], "nr")[:2] != "nr":
        return False  # “全周期”, “康乃馨”: a common word after a surname-like character
    return True


# Characters that end a name when they follow it (verbs, particles): “顾锐介绍”, “蒋华当选”.
_AFTER_NAME = set("出表在说等和与为带介指强讲致同先女一的领来对到参代率陪向作是也还走深调看慰了将现当亲分共首要已就又坐刚接获被任主")
_AFTER_DESCRIBED = set("感告笑激高开坦兴深动")
_SPEECH = ("说", "表示", "介绍", "感慨", "感慨道", "指出", "强调", "讲话", "致辞", "坦言", "告诉", "带队", "一行", "同志",
           "先生", "女士", "领导", "为领头人", "等", "出席", "当选", "担任", "获评", "荣获", "分享", "带领", "主持")


def _name_at(text: str, p: int, limit: int) -> str:
    """The 2- or 3-character name starting at *p* (after a title), or ''."""
    lex = lexicon()
    size = 3 if text[p : p + 2] in lex.surnames else 2  # compound surname
    cand = text[p : min(limit, p + size + 1)]
    if len(cand) < size or not re.match(r"^[\u4e00-\u9fff]+$", cand[:size]):
        return ""
    if len(cand) == size + 1 and re.match(r"[\u4e00-\u9fff]", cand[-1]):
        third = cand[-1]
        nxt2 = text[p + size : p + size + 2]
        if third not in _AFTER_NAME and not (len(nxt2) == 2 and word_freq(nxt2) >= 30):
            return cand
    return cand[:size]


def person_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """People: a name right after a title or descriptor, before a speech verb, in bylines and enumerations."""
    lex = lexicon()
    out: list[Cand] = []
    seen: set[int] = set()
    s, base = sent.text, sent.start

    def staff_before(a: int) -> bool:
        line_start = text.rfind("\n", 0, a) + 1
        seg = text[max(line_start, a - 16) : a]
        cut = max(seg.rfind("("), seg.rfind("（"), seg.rfind("■"))
        if cut >= 0:
            seg = seg[cut + 1 :]
        elif a - line_start > 16:
            seg = seg[-6:]
        return any(w in seg for w in lex.staff)

    def add(a: int, name: str, title: str, rule: str, strict: bool = True) -> bool:
        if a in seen or not _looks_like_name(name, strict) or staff_before(a):
            return False
        seen.add(a)
        out.append(Cand("Person", a, a + len(name), name, rule, sentence=base, extra={"title": title}))
        return True

    def enum_after(b: int, title: str) -> None:
        # “徐维贵、李永、李印旺等” — names chained with 、 after a detected one
        while text[b : b + 1] == "、":
            nm = _name_at(text, b + 1, sent.end)
            if not nm or not add(b + 1, nm, title, "person:enum"):
                return
            b = b + 1 + len(nm)

    # 1. title or descriptor, then a name
    titles = set(lex.titles)
    for m in _TITLE_RE.finditer(s):
        a = base + m.end()
        nm = _name_at(text, a, sent.end)
        is_title = m.group(0) in titles
        if nm and not is_title:
            # after a descriptor (职工, 骑手) the name must end where a clause goes on:
            # “环卫工人冯伟感慨道” yes, “女职工康乃馨服务计划” no
            nxt_ch = text[a + len(nm) : a + len(nm) + 1]
            if nxt_ch and not (nxt_ch in _AFTER_NAME or nxt_ch in _AFTER_DESCRIBED or _PUNCT.match(nxt_ch)):
                continue
        # a position title is strong evidence; a descriptor needs a name-like name
        if nm and add(a, nm, m.group(0), "person:title", strict=not is_title):
            enum_after(a + len(nm), m.group(0))
    # 1a. a byline: “…总工会 张国庆” at the end of a line
    for m in re.finditer(r"(?<=[\u4e00-\u9fff]) ([\u4e00-\u9fff]{2,3})(?=\n|$)", s):
        a = base + m.start(1)
        if text[a + len(m.group(1)) : a + len(m.group(1)) + 1] in ("\n", ""):
            add(a, m.group(1), "", "person:byline")
    # 1b. “以华晨气缸套曾惠敏、三联新材料杨兆珍为领头人”: the last 2-3 characters before 、 / 为领头人
    for m in re.finditer(r"以([^，。；]{2,60}?)为(?:领头人|带头人|牵头人|领衔人)", s):
        for part in m.group(1).split("、"):
            part_end = base + m.start(1) + m.group(1).find(part) + len(part)
            for size in (3, 2):
                nm = text[part_end - size : part_end]
                if len(part) > size and _looks_like_name(nm, False) and (not word_freq(nm) or pos_tags().get(nm, '')[:2] == 'nr'):
                    add(part_end - size, nm, "", "person:leads", strict=False)
                    break
    # 2. a name (token) followed by a speech verb / 领导 / 等 / a title
    for i, tk in enumerate(tokens):
        w = tk.text
        if not _looks_like_name(w):
            continue
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        after = text[tk.end : tk.end + 4]
        title = ""
        if after.startswith(("被授予", "被评为", "为领头人", "为带头人", "牵头")):
            title = ""
        elif nxt == "等" and not (i > 0 and (tokens[i - 1].text in ("、", " ") or tokens[i - 1].text in lex.titles)):
            continue  # “在校高中生等”: 等 alone is weak evidence; in a list of names it is fine
        elif nxt in _SPEECH or nxt in lex.titles:
            title = nxt if nxt in lex.titles or nxt == "领导" else ""
        elif text[tk.start - 1 : tk.start] == " " and text[tk.end : tk.end + 1] in ("\n", ""):
            title = ""  # byline: “…总工会 张国庆”
        else:
            continue
        if add(tk.start, w, title, "person:verb"):
            # names before it in the same enumeration: “刘潇、赵漪领导”
            j = i - 1
            while j >= 1 and tokens[j].text == "、" and _looks_like_name(tokens[j - 1].text):
                add(tokens[j - 1].start, tokens[j - 1].text, title, "person:enum")
                j -= 2
    return out


@lru_cache(maxsize=1)
def _known_body_re() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    forms: dict[str, tuple[str, str]] = {}
    for name, info in lexicon().known_bodies.items():
        for form in (name, *info.get("aliases", ())):
            forms[form] = (name, info["type"])
    pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(f"(?:{pattern})(?!门)"), forms


def known_body_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Bodies any article may mention (中华全国总工会 and its short forms)."""
    rx, forms = _known_body_re()
    out = []
    for m in rx.finditer(sent.text):
        form = m.group(0)
        name, etype = forms[form]
        a = sent.start + m.start()
        out.append(Cand(etype, a, a + len(form), form, "known", name=name, sentence=sent.start,
                        extra={"alias": form if form != name else ""}))
    return out


_TITLE_RE = None  # built on first use


_ORGANS = ("人大常委会", "人民政府", "管委会", "党工委", "党委", "政府", "政协", "纪委")
_SIBLING = re.compile(r"[、和]((?:" + "|".join(_ORGANS) + r"))")


def sibling_organ_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“夷陵经济开发区党工委书记、管委会主任” → the 管委会 of the same place as the 党工委 before it."""
    out: list[Cand] = []
    orgs = [c for c in cands if c.sentence == sent.start and c.type == "Organization" and c.head in _ORGANS]
    for m in _SIBLING.finditer(sent.text):
        a = sent.start + m.start(1)
        prev = [c for c in orgs if c.end <= a and a - c.end <= 12]
        if not prev:
            continue
        p = prev[-1]
        place = p.name[: -len(p.head)]
        if len(place) < 2:
            continue
        organ = m.group(1)
        out.append(Cand("Organization", a, a + len(organ), organ, "sibling-organ", name=place + organ,
                        head=organ, sentence=sent.start, extra={"alias": ""}))
    return out


_FAC_SIBLING = None


def sibling_facility_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“秦淮工匠学院、工匠课堂” → 秦淮工匠课堂: a bare facility head after 、 takes the place of the one before."""
    global _FAC_SIBLING
    lex = lexicon()
    if _FAC_SIBLING is None:
        heads = sorted((h for h, t in lex.heads if t == "Facility"), key=len, reverse=True)
        _FAC_SIBLING = re.compile(r"、(" + "|".join(map(re.escape, heads)) + r")(?=[，。；、和及]|$)")
    out: list[Cand] = []
    facs = [c for c in cands if c.sentence == sent.start and c.type == "Facility" and c.head]
    for m in _FAC_SIBLING.finditer(sent.text):
        a = sent.start + m.start(1)
        prev = [c for c in facs if c.end == a - 1]
        if not prev:
            continue
        p = prev[-1]
        place = p.name[: -len(p.head)]
        # the place part is a place or a body (秦淮, 洪泽区), not a generic word
        if len(place) < 2 or place in lex.generic_prefixes:
            continue
        head = m.group(1)
        out.append(Cand("Facility", a, a + len(head), head, "sibling-facility", name=place + head, head=head,
                        sentence=sent.start, extra={"alias": ""}))
        facs.append(out[-1])
    return out


def find_candidates(text: str, sentences: list[Sentence]) -> list[Cand]:
    """All mention candidates of the cleaned text, overlaps resolved."""
    global _TITLE_RE
    if _TITLE_RE is None:
        _TITLE_RE = _title_re()
    cands: list[Cand] = []
    for sent in sentences:
        toks = sentence_tokens(sent)
        cands.extend(known_body_candidates(sent, text))
        cands.extend(head_candidates(sent, toks, text))
        cands.extend(quoted_candidates(sent, text))
        cands.extend(program_head_candidates(sent, text))
        cands.extend(region_enum_candidates(sent, text))
        cands.extend(union_department_candidates(sent, toks, text))
        cands.extend(enumeration_candidates(sent, toks, text))
        cands.extend(leader_facility_candidates(sent, toks, text))
        cands.extend(host_facility_candidates(sent, toks, text))
        cands.extend(award_candidates(sent, text))
        cands.extend(region_candidates(sent, text))
        cands.extend(group_candidates(sent, text))
        cands.extend(person_candidates(sent, toks, text))
        cands.extend(sibling_organ_candidates(sent, text, cands))
        cands.extend(sibling_facility_candidates(sent, text, cands))
    special_rules = ("enum", "enum-facility", "region-enum", "leader-facility")
    special = [c for c in cands if c.rule in special_rules]
    kept = _resolve_overlaps([c for c in cands if c.rule not in special_rules])
    spans = {(c.start, c.end, c.type) for c in kept}
    return kept + [c for c in special if (c.start, c.end, c.type) not in spans]


_PRIORITY = {"known": 6, "award": 5, "quoted": 4, "head:Union": 3, "head:Facility": 3, "head:Enterprise": 3,
             "head:Organization": 3, "short-union": 3, "context": 2, "person:title": 2, "person:verb": 2,
             "person:enum": 2, "person:leads": 2, "person:byline": 2, "enum": 3, "enum-facility": 3, "program-head": 3, "quoted-whole": 4, "union-dept": 4, "company-union": 3, "sibling-organ": 3, "sibling-facility": 3, "host-facility": 4, "region": 1, "group": 1}


def _resolve_overlaps(cands: list[Cand]) -> list[Cand]:
    """Drop candidates inside a better one; nested organisation names (host of a facility) stay."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    for c in cands:
        drop = False
        for k in kept:
            if k.end <= c.start or c.end <= k.start:
                continue
            if k.start <= c.start and c.end <= k.end and (k.start, k.end) != (c.start, c.end):
                # c inside k
                if c.type == "Person" and k.type == "Person":
                    drop = True  # “卫东” inside “梁卫东”
                    break
                if c.type == "Region" or c.type == "Group":
                    drop = False  # regions/groups inside names are kept as separate mentions
                    c.extra["inside"] = True
                    continue
                if c.rule.startswith("head:") and k.rule.startswith("head:") and len(c.head) >= 2 \
                        and c.end <= k.end - len(k.head) and c.type in ("Enterprise", "Organization", "Union") \
                        and not (c.type == "Union" and k.type == "Facility") \
                        and k.head not in ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "公司"):
                    c.extra["inside"] = True
                    continue  # a host inside a longer name: 华晨气缸套 … 工作室
                if c.rule.startswith("head:") and k.rule == "award":
                    drop = True
                    break
                if k.rule in ("quoted", "award") or k.rule.startswith("head:"):
                    drop = True
                    break
                continue
            if (k.start, k.end) == (c.start, c.end):
                if _PRIORITY.get(c.rule, 0) <= _PRIORITY.get(k.rule, 0):
                    drop = True
                    break
                continue
            # crossing spans: keep the earlier, longer one unless c has higher priority
            if _PRIORITY.get(c.rule, 0) <= _PRIORITY.get(k.rule, 0):
                drop = True
                break
        if not drop:
            kept.append(c)
    return kept
