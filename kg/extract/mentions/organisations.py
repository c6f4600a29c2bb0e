"""Bodies found by their head word (总工会, 有限公司, 人民政府, 职工之家 …):
organisations, enterprises, unions and the facilities the lexicon gives a head;
bodies any article may mention (中华全国总工会), union departments and sibling
organs (…党工委副书记、管委会副主任).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, word_freq
from kg.extract.mentions.base import PUNCT, Cand, Token, is_stop, left_extend
from kg.extract.regions import lookup, region_prefix
from kg.extract.segment import Sentence

_BRACKET = re.compile(r"[（(]([\u4e00-\u9fff]{2,6})[）)]$")


def _over_bracket(text: str, tokens: list[Token], start: int, head_start: int) -> int:
    """Extend a name over a bracketed place: 远帆（宿迁）有限责任公司, 瑞丰（宁川）电子科技有限公司."""
    m = _BRACKET.search(text, max(0, start - 9), start)
    if m is None or m.end() != start:
        return start
    before = left_extend(tokens, m.start())
    return before if before < m.start() else start


def _cut_at_region(text: str, tokens: list[Token], start: int, head_start: int) -> int:
    """Names that contain a division start at it: “助发展宁川经济开发区总工会” → “宁川…”.

    The division must begin a word (“公路桥梁” holds no 路桥), and a short
    abbreviation before it belongs to the name (国网某某供电公司).
    """
    span = text[start:head_start]
    if lookup(span[:3]) or lookup(span[:2]):
        return start  # the name itself starts with a place (jieba may tag it a person name)
    word_starts = {t.start for t in tokens}
    for k in range(1, len(span) - 1):
        if span[k - 1] in "（(":
            continue  # a place in brackets belongs to the name: 风帆（扬州）
        if start + k not in word_starts:
            continue
        piece2 = span[k : k + 2]
        piece3 = span[k : k + 3]
        if _division_prefix(piece3) or _division_prefix(piece2):
            before = span[:k]
            if not lexicon().head_re.search(before) and not _abbreviation(tokens, start, start + k) \
                    and not _proper_prefix(tokens, start, start + k):
                return start + k
            break
    return start


def _whole_division_start(text: str, lo: int, start: int) -> int:
    """A name that starts with a division whose name ends another one (宁川县 in 东宁川县) starts at the
    longer division when it is written: the walk left may stop inside it (来源|东/宁川县总工会)."""
    for m in (2, 3, 4):
        tail = text[start : start + m]
        if not any(d.name == tail for d in lookup(tail)):
            continue
        for k in (2, 1):
            whole = text[start - k : start + m]
            if start - k >= lo and re.fullmatch(r"[\u4e00-\u9fff]+", text[start - k : start]) \
                    and any(d.name == whole for d in lookup(whole)):
                return start - k
    return start


def _abbreviation(tokens: list[Token], a: int, b: int) -> bool:
    """``text[a:b]`` is one short word jieba does not know as a common word (国网, 中铁): part of a name."""
    words = [t for t in tokens if a <= t.start and t.end <= b]
    return len(words) == 1 and words[0].start == a and words[0].end == b and len(words[0].text) <= 3 \
        and words[0].tag in ("", "j", "nz", "nt")


def _proper_prefix(tokens: list[Token], a: int, b: int) -> bool:
    """``text[a:b]`` is brand words only (大唐华电, 中石油): the name of a group before its regional company."""
    words = [t for t in tokens if a <= t.start and t.end <= b]
    if not words or words[0].start != a or words[-1].end != b:
        return False
    if all(t.tag in ("nz", "j", "nt", "eng") for t in words):
        return True
    # a central enterprise's short name: 中 + its trade (中石油, 中建, 中交)
    return b - a <= 3 and words[0].text == "中" and all(t.tag in ("f", "n", "j", "nz", "") for t in words)


# single characters and short words jieba splits off inside names (李记醉, 中亿, 公斤, 鑫顺万通)
_ODD_TAGS = ("v", "m", "a", "q", "vg", "ag", "mq", "zg", "f", "ng")
_NOT_ODD = set("一二三四五六七八九十百千两几数多是有在到来去让使给被把将对向为从与和及或等的了着过也都就还又"
               "任进赴至访入驻回于获由经")
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百零〇]+$")
_NAME_TAGS = ("ns", "nz", "nt", "j", "eng", "")


_COMPANY_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司)")


def _text_of(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _token_ending_at(tokens: list[Token], pos: int) -> int:
    """Index of the token that ends at *pos* (tokens are sorted and contiguous), else -1."""
    i = bisect_left(tokens, pos, key=lambda t: t.end)
    return i if i < len(tokens) and tokens[i].end == pos else -1


def _odd(t: Token) -> bool:
    if t.text in lexicon().boundary_words or PUNCT.search(t.text):
        return False
    if len(t.text) == 1:
        return t.tag in _ODD_TAGS and t.text not in _NOT_ODD
    return len(t.text) == 2 and t.tag == "q" and not set(t.text) & _NOT_ODD  # 公斤 (a measure word inside a name)


def _bridge_odd(tokens: list[Token], start: int, sent_start: int, *, ordinal_only: bool = False) -> int:
    """Walk on left over what ended the walk inside a name: one or two odd characters between
    name words (吉安李记醉食品, 鑫顺万通物流, 青海公斤镁业), an ordinal after a place (某市第二人民医院),
    or a two-character short name at the start of a clause (，中亿电缆集团)."""
    for _ in range(3):
        i = _token_ending_at(tokens, start)
        if i < 0:
            return start
        t = tokens[i]
        if _ORDINAL.match(t.text):
            k = i - 1
            if k >= 0 and tokens[k].end == t.start and tokens[k].text in ("省", "市", "区", "县"):
                # “市第一人民医院”: a context form, resolved later; “某某县第二人民医院”: the county's
                before = k - 1
                if before >= 0 and tokens[before].end == tokens[k].start and not is_stop(tokens[before]) \
                        and lookup(tokens[before].text + tokens[k].text):
                    return left_extend(tokens, tokens[before].end)
                return tokens[k].start
            if k < 0 or tokens[k].end != t.start or tokens[k].tag not in ("ns", "nz", "nt", "j") or is_stop(tokens[k]):
                return start
            new = left_extend(tokens, t.start)
        elif t.tag.startswith("v") and len(t.text) == 2 and _COMPANY_FORM.match(_text_of(tokens, i + 1)) \
                and t.text not in lexicon().boundary_words and i >= 1 and tokens[i - 1].end == t.start \
                and len(tokens[i - 1].text) >= 2 and not is_stop(tokens[i - 1]) \
                and tokens[i - 1].text not in lexicon().generic_prefixes:
            # a trade jieba tags a verb, right before the legal form: 某某快递有限公司, 某某速运公司
            new = left_extend(tokens, tokens[i - 1].end)
            if new >= tokens[i - 1].end:
                return start
        elif ordinal_only:
            return start
        else:
            j = i
            while j >= 0 and i - j < 2 and _odd(tokens[j]) and (j == i or tokens[j].end == tokens[j + 1].start):
                j -= 1
            if j == i:
                return start
            run = "".join(x.text for x in tokens[j + 1 : i + 1])
            if j < 0 or tokens[j].end <= sent_start or PUNCT.search(tokens[j].text) \
                    or len(tokens[j].text) == 1 and tokens[j].tag in ("p", "c"):
                if len(run) >= 2 or run == "中":
                    return tokens[j + 1].start  # the whole short name: 中亿, 中(石油)
                return start
            left = tokens[j]
            if left.tag not in _NAME_TAGS or len(left.text) < 2 or is_stop(left) \
                    or left.text in lexicon().boundary_words or left.text in lexicon().head_type:
                return start
            new = left_extend(tokens, left.end)
            if new >= left.end:
                return start
        if new >= start:
            return start
        start = new
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
    if len(words) == 1 and words[0].text[:1] in "省市区县" and len(words[0].text) <= 3 \
            or words[0].text in ("省级", "市级", "区级", "县级"):
        return False  # “区委”, “市人社局”, “区级某某工会”: a context form, resolved later
    lex = lexicon()
    for t in words:
        if t.text in lex.generic_prefixes or t.text in lex.groups or (t.text[:1] in "各每" and len(t.text) >= 2) \
                or (len(t.text) == 1 and t.tag == "a"):
            continue  # a class of people (户外劳动者), a generic word, 各乡镇, 小
        if len(t.text) < 2 or not t.tag or t.tag in ("nr", "ns", "nz", "nt", "nrt", "nrfg", "j", "eng", "x"):
            return False
        if word_freq(t.text) < 50:
            return False
    return True


_UNION_HOST = re.compile(r"(公司|集团|厂|店|局|院|校|中心|街道|社区|村|镇|乡|园区|开发区|协会|委员会|部|站|队|商场|酒店|医院|诊所"
                         r"|室|所|科|处|班组|段|矿|支行|分行|馆|宫|机关)$")


def _union_prefix_ok(prefix: str, tokens: list[Token], start: int) -> bool:
    """A bare “工会” names a body only after a host (明远公司工会), a locality, or a locality
    (or 中国) and the industries of an industry union (某省教科文卫体工会, 中国某某化学工会)."""
    host = _UNION_HOST.search(prefix)
    if host and host.start() > 0:
        return True  # a named host (某某研究室工会), not the bare word (班组工会)
    w, canon, div = region_prefix(prefix + "工会")
    if div is None and prefix.startswith("中国"):
        w = "中国"
    elif div is None:
        return False
    if w == prefix:
        return w != "中国"
    industry = [t for t in tokens if start + len(w) <= t.start and t.end <= start + len(prefix)]
    return sum(len(t.text) for t in industry) == len(prefix) - len(w) and prefix[len(w):] not in lexicon().generic_prefixes \
        and all(t.tag in ("n", "nz", "j") and t.text not in lexicon().generic_prefixes for t in industry)


# a troupe or team is named by what it does (职工权益律师团, 职工书画团): common words name it
_TROUPE = re.compile(r"(?<!集)(团|队)$")
_BUREAU = re.compile(r"(?:分|([一二三四五六七八九十]公?))局$")
_FOUNDED_BEFORE = re.compile(r"(?:建成|成立|新建|组建|创建|建立)了?(?:全市|全省|全区|全县|首家|首个|一个|一家|一批)*$")
_HONOUR = re.compile(r"先进|模范|示范|最美|优秀|星级|百优")
_COMPANY_END = re.compile(r"(公司|集团|股份)$")
_BODY_END = re.compile(r"(公司|集团|局|厅|学院|学校|大学|医院|研究院|机关|分公司|厂|矿)$")
_MEDIA = ("日报", "晚报", "报社", "日报社", "晚报社", "卫视", "电视台", "广播电视台", "总台")
# after a paper's name: its news-flash mark, or a reporter's credit (记者 张三) rather than a reporter acting
_CREDIT_AFTER = re.compile(r"[^，。；\n]{0,14}?讯|/|[^，。；\n]{0,8}?记者\s*[\u4e00-\u9fff]{2,3}(?:[\s）)、，,]|$)")


def _credit(text: str, start: int, end: int) -> bool:
    """The paper named at ``text[start:end]`` is the source of the story, not a body acting in it."""
    if _CREDIT_AFTER.match(text, end):
        return True
    before = text[max(0, start - 4) : start]
    if re.search(r"来源[：:]?《?$", before) or re.search(r"[（(]$", before) and re.match(r"[^，。]{0,20}?[）)]", text[end : end + 24]):
        return True
    return False


_PROPER_TAGS = ("ns", "nr", "nz", "nt", "nrt", "nrfg", "j", "eng", "x", "")


def _proper_word(tokens: list[Token], start: int, end: int) -> bool:
    """Some word of ``[start, end)`` is a proper name (place, person, brand, unknown word): 江河化肥厂, not 三分厂."""
    return any(start <= t.start and t.end <= end and len(t.text) >= 2 and t.tag in _PROPER_TAGS for t in tokens)


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
        start = left_extend(tokens, hs)
        if etype != "Facility":
            start = _bridge_odd(tokens, start, sent.start, ordinal_only=start == hs)
        # a single-char head inside a longer word (“格局”, “大局”, “李店镇”) is no head; but a factory
        # word ends in its head (卷烟厂, 化肥厂), and so do a branch bureau (公安分局) and a numbered
        # engineering bureau (某冶十局, 某某二公局: a company)
        in_word = head == "厂" or head == "局" and bool(_BUREAU.search(text, max(sent.start, hs - 2), he))
        if len(head) == 1 and in_word and start == hs:
            word = next((t for t in tokens if t.start < hs and t.end == he and len(t.text) >= 3), None)
            start = left_extend(tokens, word.start) if word is not None else start
        if len(head) == 1 and (start == hs or not any(t.end == he and (t.start == hs or in_word) for t in tokens)
                               or not _proper_word(tokens, start, hs)):
            continue
        bureau = _BUREAU.search(text, max(sent.start, hs - 2), he) if head == "局" else None
        if bureau is not None and bureau.group(1):
            etype = "Enterprise"
        if etype != "Facility":  # 远帆（宿迁）有限责任公司, 青峰新区(东湖街道)总工会 — but not 劳模（工匠）工作室
            start = _over_bracket(text, tokens, start, hs)
        start = _cut_at_region(text, tokens, start, hs)
        start = _whole_division_start(text, sent.start, start)
        if etype == "Facility" and _HONOUR.search(text, start, hs):
            continue  # “先进职工小家”, “模范职工之家”: an honour, found by the award family
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
        if prefix in ("省", "市", "区", "县", "自治区") and etype in ("Organization", "Facility"):
            # “区开放大学”, “市旅游局”, “自治区人社厅”: named after the article's own division, resolved later
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
        if (prefix in lex.generic_prefixes or _is_generic_prefix(tokens, start, hs)) \
                and not (etype == "Facility" and _FOUNDED_BEFORE.search(text, max(sent.start, start - 12), start)) \
                and not (_TROUPE.search(head) and len(prefix) >= 2 and prefix not in lex.generic_prefixes):
            # “物业公司”, “服务大局”: common words only, no proper part — a bare mention (but the
            # facility a body sets up is named so: 建成全市首家劳模精神宣传阵地)
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
        if head == "工会" and not _union_prefix_ok(prefix, tokens, start):
            continue
        if head in _MEDIA and _credit(text, start, he):
            continue  # the paper a story comes from (来源：某某日报, 某某日报讯, （某某日报记者 张三）)
        if head in ("人大", "政协") and text.startswith(("代表", "委员"), he):
            continue  # 人大代表, 政协委员: people, not the body
        if head in ("党委", "纪委") and (_COMPANY_END.search(prefix) and any(text.startswith(t, he) for t in lex.titles)
                                       or _BODY_END.search(prefix)):
            continue  # 某某有限公司党委副书记, 某某局机关党委: the party organ of a body, not a body of the story
        if head in ("政府", "人民政府") and re.search(r"党和?$|党委$", prefix):
            continue  # 党和政府, 党委政府: the state in general
        out.append(Cand(etype, start, he, surface, f"head:{etype}", head=head, sentence=sent.start))
    # short context forms that have no head match of their own (“市总”, “区总”)
    for cu in ("省总", "市总", "区总", "县总"):
        for m in re.finditer(cu + r"(?!工会)", s):
            a = sent.start + m.start()
            if a > 0 and text[a - 1] in "省市区县":
                continue
            prev = text[a - 2 : a]
            if prev and re.search(r"[\u4e00-\u9fff]{2}$", prev) and cu[0] in "区县市":
                # “宿豫区总” → a named short form: X区总 = X区总工会
                name_start = left_extend(tokens, a)
                if name_start < a:
                    out.append(Cand("Union", name_start, a + 2, text[name_start : a + 2], "short-union",
                                    name=text[name_start : a + 1] + "总工会", sentence=sent.start))
                    continue
            out.append(Cand("Union", a, a + 2, cu, "context", name=cu, sentence=sent.start, extra={"context": True}))
    return out


_DEPT = re.compile(r"(?:总工会|(?<=[省市区县])总(?!工会))((?:[\u4e00-\u9fff]{2,8}?工作部|[\u4e00-\u9fff]{1,4}?(?:部|处|室)|女职工委员会|经费审查委员会))")


def union_department_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“全国总工会职工服务部” → a union department (PART_OF its union)."""
    out: list[Cand] = []
    for m in _DEPT.finditer(sent.text):
        hs = sent.start + m.start()
        dept = m.group(1)
        if any(w in dept for w in lexicon().boundary_words if len(w) >= 2) or re.search(r"(相关|有关|各|等)", dept) \
                or dept[0] in "对向为在和与及将把被等从由" or dept.endswith(("干部", "全部", "内部")):
            continue  # not 总工会干部, 总工会对部…
        start = left_extend(tokens, hs)
        parent_end = sent.start + m.start(1)
        extra = {"parent_end": parent_end}
        if hs - start < 2:
            # “区总工会权益保障部”, “市总女职工部”: the department of a context-bound union,
            # named after it once it is resolved (kg.extract.resolve)
            level = re.search(r"(自治区|[省市区县])$", text[max(sent.start, hs - 3) : hs])
            if level is None:
                continue
            start = hs - len(level.group(1))
            extra["context_parent"] = True
        end = sent.start + m.end()
        out.append(Cand("Union", start, end, text[start:end], "union-dept", sentence=sent.start, extra=extra))
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


_ORGANS = ("人大常委会", "人民政府", "管委会", "党工委", "党委", "政府", "政协", "纪委")
_SIBLING = re.compile(r"[、和]((?:" + "|".join(_ORGANS) + r"))")


def sibling_organ_candidates(sent: Sentence, text: str, cands: list[Cand]) -> list[Cand]:
    """“青峰开发区党工委副书记、管委会副主任” → the 管委会 of the same place as the 党工委 before it."""
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
