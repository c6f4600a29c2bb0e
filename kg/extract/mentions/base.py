"""What every mention family shares: the candidate type, canonical spelling, jieba
tokens with offsets, and the walk left from a head word to the start of a name.

Works on the cleaned view (:mod:`kg.extract.clean`) sentence by sentence;
offsets are in the cleaned view and mapped back by :mod:`kg.extract.extractors`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.lexicon import lexicon, pos_tags, tokenizer
from kg.extract.regions import lookup

# POS tags that end a name when walking left from a head.
_STOP_TAGS = {"p", "c", "u", "d", "r", "q", "t", "y", "e", "o", "uj", "ul", "uz", "ug", "uv", "ud", "f", "ad"}
# Verbs that may stand inside an organisation's name.
NAME_VERBS = {"开发", "保障", "互助", "包装", "制造", "加工", "建设", "发展", "服务", "管理", "投资", "教育", "旅游",
              "建筑", "运输", "设计", "研究", "生产", "贸易", "物流", "研发", "检测", "维修", "销售", "经营", "培训",
              "创新", "创意", "交流", "合作", "融合", "共享", "装备", "制药", "印刷", "环保", "能源"}
_IN_NAME_TAGS = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "j", "l", "i", "eng", "x", "an", "s", "g", "k", "h", "nz"}
PUNCT = re.compile(r"[\s，。、；：！？,.;:!?（）()“”‘’\"'《》〈〉【】\[\]—…·•/]")


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

    >>> normalise_name("“匠心筑梦”Ａ１")
    '匠心筑梦A1'
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


_TIME_CHARS = set("年月日时期今去明近前后当季春夏秋冬午晚早周节旬初末代世纪秒分刻")


def is_stop(tok: Token) -> bool:
    """True when *tok* cannot stand inside a name (punctuation, a number, a verb proper, a particle …)."""
    t = tok.text
    if PUNCT.search(t) or any(ch.isdigit() for ch in t):
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
    if tag == "vn" or t in _unit_words():
        return False  # a nominal verb (劳动, 服务, 建设) or a unit (支行, tagged v) stands in names; verbs proper end them
    if tag.startswith("v"):
        return t not in NAME_VERBS
    if tag in _STOP_TAGS:
        return t not in NAME_VERBS
    return False


@lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    """Heads of bodies and their sub-units of two or more characters (words of a name, whatever jieba tags them)."""
    sub = lexicon().raw["sub_units"]
    return frozenset(h for h in (*sub["heads"], *sub["organization_heads"]) if len(h) >= 2)


def left_extend(tokens: list[Token], head_start: int, limit: int = 22) -> int:
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
        if is_stop(tk) or head_start - tk.start > limit or tk.end < start:
            break  # a stop word, too far, or the edge of a segmented window
        if not tk.tag and len(tk.text) > 1 and tk.text[-1] in "及和与对向" and tk.end < head_start:
            break  # an unknown token (HMM) that ends in a conjunction (某某及): the name starts after it
        if not tk.tag and len(tk.text) > 1 and tk.text not in lexicon().head_type and tk.text not in _unit_words():
            # an unknown token (HMM): a function character at its left edge is no part of the name
            k = 0
            while k < len(tk.text) - 1 and tk.text[k] in fchars:
                k += 1
            if k:
                start = tk.start + k
                break
        start = tk.start
        i -= 1
    if i >= 1 and start < head_start:
        j = _over_odd_characters(tokens, i, start)
        if j is not None:
            return _left_extend_from(tokens, j, tokens[j].end, head_start, limit)
    return start


# Single characters that jieba tags as verbs or numbers but that stand inside names
# after a place (江西省旺亿茶业有限公司); function words and numerals are not among them.
_ODD_TAGS = ("v", "m", "a", "q", "vg", "ag", "mq", "zg")
_NOT_ODD = set("一二三四五六七八九十百千万两几数多是有在到来去让使给被把将对向为从与和及或等的了着过也都就还又")


def _over_odd_characters(tokens: list[Token], i: int, start: int) -> int | None:
    """Index of a division token just before one or two odd single characters that ended the walk, else None."""
    k = i
    while k >= 0 and i - k < 2 and tokens[k].end == (tokens[k + 1].start if k + 1 < len(tokens) else start) \
            and len(tokens[k].text) == 1 and tokens[k].tag in _ODD_TAGS and tokens[k].text not in _NOT_ODD \
            and tokens[k].text not in lexicon().boundary_words:
        k -= 1
    if k == i or k < 0 or tokens[k + 1].start != tokens[k].end:
        return None
    div = tokens[k]
    if not lookup(div.text) or not (div.tag == "ns" or div.text[-1:] in "省市区县"):
        return None
    return k


def longest_prefix_in(name: str, names: Container[str], *, shortest: int = 1, proper: bool = False) -> str | None:
    """The longest prefix of *name* (at least *shortest* characters; shorter than *name* when
    *proper*) that is in *names*.

    >>> longest_prefix_in("某某公司职工之家", {"某某", "某某公司"})
    '某某公司'
    """
    for k in range(len(name) - 1 if proper else len(name), shortest - 1, -1):
        if name[:k] in names:
            return name[:k]
    return None

