"""People: a name after a title or descriptor, before a speech verb, in bylines, in
enumerations of names and as the leaders of a studio (以…为领头人).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, tokenizer, word_freq
from kg.extract.mentions.base import PUNCT, Cand, Token
from kg.extract.segment import Sentence

_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern[str]:
    lex = lexicon()
    words = sorted(set(lex.titles) | set(lex.raw["lists"]["descriptors"]), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def speech_re() -> re.Pattern[str]:
    words = set(_SPEECH) | set(lexicon().titles) | {"被授予", "被评为", "为领头人", "为带头人", "牵头"}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=65536)
def looks_like_name(w: str, strict: bool = True) -> bool:
    lex = lexicon()
    if _DOTTED.fullmatch(w):
        # a transliterated name is no string of common words (“办实事·送清凉” is a slogan)
        parts = re.split(r"[·•]", w)
        return len(w) <= 16 and not any(
            len(t) >= 2 and word_freq(t) >= 50 and pos_tags().get(t, "nr")[:2] != "nr"
            for part in parts for t in tokenizer().lcut(part, HMM=False))
    if not _CJK_NAME.match(w) and not (len(w) == 4 and w[:2] in lex.surnames and re.match(r"^[\u4e00-\u9fff]{4}$", w)):
        return False
    if w[0] not in lex.surnames and w[:2] not in lex.surnames:
        return False
    tag = pos_tags().get(w)
    if tag is not None and tag not in ("nr", "nrfg", "nrt") and word_freq(w) > 3:
        return False
    if any(w.endswith(t) for t in ("主席", "书记", "主任", "部长", "领导", "同志", "先生", "女士", "师傅", "老师", "阿姨", "大姐",
                                    "大哥", "叔叔", "奶奶", "爷爷", "大爷", "大妈")) or (len(w) == 2 and w[1:2] in ("阿", "老", "小")):
        return False
    if tag in ("nr", "nrfg", "nrt"):
        return True
    if strict and len(w) == 3 and word_freq(w[1:]) >= 100 and pos_tags().get(w[1:], "nr")[:2] != "nr":
        return False  # “全周期”, “康乃馨”: a common word after a surname-like character
    return True


# Characters that end a name when they follow it (verbs, particles): “周海介绍”, “王建当选”.
_AFTER_NAME = set("出表在说等和与为带介指强讲致同先女一的领来对到参代率陪向作是也还走深调看慰了将现当亲分共首要已就又坐刚接获被任主")
_AFTER_DESCRIBED = set("感告笑激高开坦兴深动家")
# Words that go on after a name (so a character before them belongs to the name).
_GOES_ON = {"出席", "陪同", "分别", "一行", "带队", "表示", "介绍", "指出", "讲话", "主持", "参加", "等人", "等领", "同志", "先后",
            "带领", "率领", "率队", "走访", "慰问", "看望", "调研", "深入", "前往", "来到"}
_SPEECH = ("说", "表示", "介绍", "感慨", "感慨道", "指出", "强调", "讲话", "致辞", "坦言", "告诉", "带队", "一行", "同志",
           "先生", "女士", "领导", "为领头人", "等", "出席", "当选", "担任", "获评", "荣获", "分享", "带领", "主持")


_DOTTED = re.compile(r"[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8}(?:[·•][\u4e00-\u9fff]{1,8})?")


def _name_at(text: str, p: int, limit: int) -> str:
    """The 2- or 3-character name starting at *p* (after a title), or ''; names of the
    minorities written with a middle dot (艾力·买买提) are taken whole."""
    lex = lexicon()
    dotted = _DOTTED.match(text, p, limit)
    if dotted:
        # the part after the dot ends where a verb or particle follows (“艾力·买买提向记者介绍”)
        name = dotted.group(0)
        dot = max(name.rfind("·"), name.rfind("•"))
        k = dot + 1
        while k < len(name) and k - dot <= 5 and name[k] not in _AFTER_NAME:
            k += 1
        return name[:k] if k - dot > 2 else ""
    size = 3 if text[p : p + 2] in lex.surnames else 2  # compound surname
    cand = text[p : min(limit, p + size + 1)]
    if len(cand) < size or not re.match(r"^[\u4e00-\u9fff]+$", cand[:size]):
        return ""
    if len(cand) == size + 1 and re.match(r"[\u4e00-\u9fff]", cand[-1]):
        third = cand[-1]
        nxt2 = text[p + size : p + size + 2]
        if third not in _AFTER_NAME and not (len(nxt2) == 2 and word_freq(nxt2) >= 30):
            return cand
        after = text[p + size + 1 : p + size + 3]
        if third not in "等的了和与及说讲道们来去" and (PUNCT.match(after[:1] or "。") or after in _GOES_ON):
            return cand  # “书记张晓刚，”, “主席王常青出席”: the third character is no verb, the clause goes on after it
    return cand[:size]


def person_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """People: a name right after a title or descriptor, before a speech verb, in bylines and enumerations."""
    lex = lexicon()
    out: list[Cand] = []
    seen: set[int] = set()
    s, base = sent.text, sent.start

    def staff_before(a: int) -> bool:
        # only the last 17 characters matter: a line that starts earlier is cut at a - 16 (a search
        # back to the line start crossed a whole one-line document every time)
        lo = max(0, a - 17)
        nl = text.rfind("\n", lo, a)
        line_start = nl + 1 if nl >= 0 else lo
        seg = text[max(line_start, a - 16) : a]
        cut = max(seg.rfind("("), seg.rfind("（"), seg.rfind("■"))
        if cut >= 0:
            seg = seg[cut + 1 :]
        elif a - line_start > 16:
            seg = seg[-6:]
        return any(w in seg for w in lex.staff)

    def add(a: int, name: str, title: str, rule: str, strict: bool = True) -> bool:
        if a in seen or not looks_like_name(name, strict) or staff_before(a):
            return False
        seen.add(a)
        out.append(Cand("Person", a, a + len(name), name, rule, sentence=base, extra={"title": title}))
        return True

    def enum_after(b: int, title: str) -> None:
        # “周海平、王建、李春华等” — names chained with 、 after a detected one
        while text[b : b + 1] == "、":
            nm = _name_at(text, b + 1, sent.end)
            nxt = text[b + 1 + len(nm) : b + 2 + len(nm)]
            if nxt and not (nxt in _AFTER_NAME or PUNCT.match(nxt) or text.startswith("以及", b + 1 + len(nm))):
                return  # “张三、东方红机械集团…”: the next item is no name
            if not nm or not add(b + 1, nm, title, "person:enum"):
                return
            b = b + 1 + len(nm)

    # 1. title or descriptor, then a name
    titles = set(lex.titles)
    for m in _title_re().finditer(s):
        a = base + m.end()
        is_title = m.group(0) in titles
        if not is_title and text[a : a + 1] in "”\"":
            a += 1  # “齐鲁工匠”张三: a quoted honour before the name
        nm = _name_at(text, a, sent.end)
        if nm and not is_title:
            # after a descriptor (职工, 骑手) the name must end where a clause goes on:
            # “环卫工人周海感慨道” yes, “女职工月季花服务计划” no
            nxt_ch = text[a + len(nm) : a + len(nm) + 1]
            if nxt_ch and not (nxt_ch in _AFTER_NAME or nxt_ch in _AFTER_DESCRIBED or PUNCT.match(nxt_ch)):
                continue
        # a position title is strong evidence; a descriptor needs a name-like name
        if nm and add(a, nm, m.group(0), "person:title", strict=not is_title):
            enum_after(a + len(nm), m.group(0))
    # 1a. a byline: “…总工会 周海平” at the end of a line
    for m in re.finditer(r"(?<=[\u4e00-\u9fff]) ([\u4e00-\u9fff]{2,3})(?=\n|$)", s):
        a = base + m.start(1)
        if text[a + len(m.group(1)) : a + len(m.group(1)) + 1] in ("\n", ""):
            add(a, m.group(1), "", "person:byline")
    # 1b. “以远航机床周明远、远帆新材料李春华为领头人”: the last 2-3 characters before 、 / 为领头人
    for m in re.finditer(r"以([^，。；]{2,60}?)为(?:领头人|带头人|牵头人|领衔人)", s):
        for part in m.group(1).split("、"):
            part_end = base + m.start(1) + m.group(1).find(part) + len(part)
            for size in (3, 2):
                nm = text[part_end - size : part_end]
                if len(part) > size and looks_like_name(nm, False) and (not word_freq(nm) or pos_tags().get(nm, '')[:2] == 'nr'):
                    add(part_end - size, nm, "", "person:leads", strict=False)
                    break
    # 1c. a profile that opens with the name: “张三，某某有限公司锻造车间班长、高级技师，…”
    opener = _PROFILE.match(s)
    if opener and lex.head_re.search(opener.group(2)) and (
            opener.group(2).endswith(tuple(titles)) or opener.group(2)[-1] in _OCCUPATION_END):
        add(base + opener.start(1), opener.group(1), "", "person:profile")
    # 1d. an employee named by where they come from: “来自某某有限公司的张三”
    for m in re.finditer(r"来自([^，,。；;、的]{4,30})的", s):
        if lex.head_re.search(m.group(1)):
            a = base + m.end()
            nm = _name_at(text, a, sent.end)
            nxt = text[a + len(nm) : a + len(nm) + 1]
            if nm and (nxt in _AFTER_NAME or PUNCT.match(nxt or "。")):
                add(a, nm, "", "person:from")
    # 2. a name (token) followed by a speech verb / 领导 / 等 / a title
    for i, tk in enumerate(tokens):
        w = tk.text
        if not looks_like_name(w):
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
            title = ""  # byline: “…总工会 周海平”
        else:
            continue
        if add(tk.start, w, title, "person:verb"):
            # names before it in the same enumeration: “张甲、李乙领导”
            j = i - 1
            while j >= 1 and tokens[j].text == "、" and looks_like_name(tokens[j - 1].text):
                add(tokens[j - 1].start, tokens[j - 1].text, title, "person:enum")
                j -= 2
    # 3. lists of names: “张三、李四、王五共三人”, “张三、李四等10名”
    for a, nm in _listed_names(s):
        add(base + a, nm, "", "person:list", strict=False)
    # 4. a name after an occupation, ending an item of a list: “某公司数控车工张三、”
    listed = sum(1 for c in out if re.match(r"[、，,；;等]", text[c.end : c.end + 1]))
    for a, nm in _names_after_occupation(s, listed):
        add(base + a, nm, "", "person:occupation", strict=False)
    # 5. the person a studio is named after: “张三劳模创新工作室”
    for a, nm in _studio_names(s):
        if add(base + a, nm, "", "person:studio", strict=False):
            out[-1].extra["studio"] = True
    return out


# What may follow the last name of a list: a count (等10人, 共十人), a verb of honour or a break.
_LIST_END = re.compile(r"(等[\d一二三四五六七八九十百]*(名|位|人|同志)|共[\d一二三四五六七八九十百]+(名|位|人)|[（(]女[）)]|"
                       r"[，。；：,;]|被|获|荣获|分别|当选|$)")
_COUNTED_END = re.compile(r"(等[\d一二三四五六七八九十百]+(名|位|人)|共[\d一二三四五六七八九十百]+(名|位|人)|等同志)")


_NOT_IN_NAME = set("了的是在和与及着过等")


def _name_before(s: str, end: int, strict: bool = False) -> str:
    """The 3- or 2-character name that ends at *end*, or ''."""
    lex = lexicon()
    for size in (3, 2):
        nm = s[end - size : end]
        if len(nm) < size or not re.fullmatch(r"[\u4e00-\u9fff]+", nm) or _NOT_IN_NAME.intersection(nm):
            continue
        if size == 3 and nm[0] not in lex.surnames and nm[:2] not in lex.surnames:
            continue
        if looks_like_name(nm, strict) and (not word_freq(nm) or pos_tags().get(nm, "")[:2] == "nr"):
            return nm
    return ""


def _listed_names(s: str) -> list[tuple[int, str]]:
    """Names in a list of bare names: every inner item of a 、-list is a name and the last
    one ends where the list does (等N人, 共N人, a comma, 获…); a list of two needs a count."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3}", s):
        items = m.group(0).split("、")
        starts = []
        pos = m.start()
        for it in items:
            starts.append(pos)
            pos += len(it) + 1
        tail = s[m.end() :]
        # the first item may carry words before the name (“展示了张三”); the last must end the list
        first = _name_before(s, m.start() + len(items[0]))
        if not first or not all(looks_like_name(it, False) and (not word_freq(it) or pos_tags().get(it, "")[:2] == "nr")
                                for it in items[1:]):
            continue
        if not _LIST_END.match(tail):
            continue
        if len(items) < 3 and not _COUNTED_END.match(tail):
            continue
        out.append((starts[0] + len(items[0]) - len(first), first))
        out.extend((a, it) for a, it in zip(starts[1:], items[1:]))
    # a single name before a count: “李四等79人”, “王五等同志”
    for m in _COUNTED_END.finditer(s):
        nm = _name_before(s, m.start(), strict=True)
        if nm and (m.start() - len(nm) == 0 or not re.match(r"[\u4e00-\u9fff]", s[m.start() - len(nm) - 1])
                   or lexicon().head_re.search(s[max(0, m.start() - len(nm) - 6) : m.start() - len(nm)])):
            out.append((m.start() - len(nm), nm))
    return out


# A name opening a sentence, a comma, and a body with a post or an occupation (up to the next break).
_PROFILE = re.compile(r"\s*([\u4e00-\u9fff]{2,3})[，,]([^，,。；;：:、]{4,30})")
# The last character of an occupation that may stand before a name (钳工, 技术员, 工程师, 班长, 总监, 行政总厨).
_OCCUPATION_END = set("工员师长手监厨任理记席")


def _names_after_occupation(s: str, listed: int = 0) -> list[tuple[int, str]]:
    """Names that end an item of a list (、，；等N人) right after an occupation: “数控车工张三、”;
    *listed* names of the sentence already end such an item."""
    found: list[tuple[int, str]] = []
    for m in re.finditer(r"(?=([、，；。,;]|等?[\d一二三四五六七八九十百]+(名|位|人)|[（(]女[）)]))", s):
        end = m.start()
        for size in (3, 2):
            nm = s[end - size : end]
            if len(nm) < size or end - size < 2 or s[end - size - 1] not in _OCCUPATION_END:
                continue
            if word_freq(s[end - size - 1 : end - size + 1]) >= 50 or _title_re().search(s[end - size - 2 : end]):
                continue  # “工程师”: the name would cut a word or a title in two
            if _name_before(s, end) == nm:
                found.append((end - size, nm))
                break
    # one such name alone could be chance; a list has two or more (with the names found by their titles)
    return found if len(found) + listed >= 2 else []


_STUDIO = re.compile(r"(?:劳模和工匠人才|劳模工匠|工匠人才|技能大师|劳模|工匠|职工|技师)?(?:[（(](?:职工|工匠|劳模)[）)])?(?:创新)?工作室")


def _studio_names(s: str) -> list[tuple[int, str]]:
    """The person a studio is named after: a name right before the studio head, after a break
    or a body (“某公司张三创新工作室”)."""
    out: list[tuple[int, str]] = []
    for m in _STUDIO.finditer(s):
        nm = _name_before(s, m.start())
        if not nm:
            continue
        a = m.start() - len(nm)
        before = s[max(0, a - 6) : a]
        if a == 0 or PUNCT.match(s[a - 1]) or s[a - 1] in "的在到了为是和与及家" \
                or re.search(r"(公司|集团|厂|院|校|局|所|站|队|部|矿|中心|车间|分会|工会)$", before):
            out.append((a, nm))
    return out
