"""People: a name after a title or descriptor, before a speech verb, in bylines, in
enumerations of names and as the leaders of a studio (以…为领头人).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, word_freq
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


# Characters that end a name when they follow it (verbs, particles): “周海介绍”, “王建当选”.
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
        if a in seen or not looks_like_name(name, strict) or staff_before(a):
            return False
        seen.add(a)
        out.append(Cand("Person", a, a + len(name), name, rule, sentence=base, extra={"title": title}))
        return True

    def enum_after(b: int, title: str) -> None:
        # “周海平、王建、李春华等” — names chained with 、 after a detected one
        while text[b : b + 1] == "、":
            nm = _name_at(text, b + 1, sent.end)
            if not nm or not add(b + 1, nm, title, "person:enum"):
                return
            b = b + 1 + len(nm)

    # 1. title or descriptor, then a name
    titles = set(lex.titles)
    for m in _title_re().finditer(s):
        a = base + m.end()
        nm = _name_at(text, a, sent.end)
        is_title = m.group(0) in titles
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
    return out
