"""Enumerations: hosts and facilities of a counted list (新建远航、青禾2家职工之家),
companies of a list (为A、B、C三家企业) and one union per region named
(吉林、辽宁、甘肃等3个试点省总工会).
"""

from __future__ import annotations

import re

from kg.extract.lexicon import lexicon, pos_tags, word_freq
from kg.extract.mentions.base import NAME_VERBS, PUNCT, Cand, Token, left_extend, normalise_name
from kg.extract.regions import lookup
from kg.extract.segment import Sentence

ENUM = re.compile(r"((?:[\u4e00-\u9fff（）()A-Za-z]{2,20}、)+?[\u4e00-\u9fff（）()A-Za-z]{2,20}?)"
                  r"(等?[0-9一二三四五六七八九十两]+(?:家|个|所)|等)")


def enumeration_candidates(sent: Sentence, tokens: list[Token], text: str) -> list[Cand]:
    """“新建远航、青禾2家职工之家” → two hosts and two facilities; “为A、B、C三家企业” → three companies."""
    lex = lexicon()
    out: list[Cand] = []
    s = sent.text
    for m in ENUM.finditer(s):
        after = s[m.end() : m.end() + 16]
        fac_head = ""
        counted = bool(re.search(r"[0-9一二三四五六七八九十两]", m.group(2)))
        for k in range(0, 7 if counted else 1):
            fac_head = next((after[:k] + h for h in lex.facility_heads if after[k:].startswith(h)), "")
            if fac_head or (k < len(after) and not re.match(r"[\u4e00-\u9fff]", after[k : k + 1])):
                break
        company = bool(_COMPANIES.match(after)) if counted else after.startswith(("企业", "公司", "单位"))
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
                cut = max(a, left_extend(tokens, a + headed.start()))  # a named body: from its head
            else:
                cut = _name_tail_start(tokens, a, end_)  # keep the name-like tail after a verb or time word
            part = text[cut:end_]
            a = cut
            if len(part) < 2 or part in lex.generic_prefixes or PUNCT.search(part) \
                    or re.search(r"(联合|和|与|及)", lex.head_re.sub("", part)):
                continue
            if lookup(part) or re.search(r"(开发区|示范区|新区|园区|街道|社区|镇|乡|村|县|区|市|省)$", part):
                continue  # a place in the list, not a company
            if part.endswith("属") or (pos_tags().get(part, "")[:1] in ("n", "v", "a") and pos_tags().get(part) != "nz"
                                        and word_freq(part) >= 100):
                continue  # a kind (区属, 市属) or a common word (项目), not a company's name
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


# after a count, the kind of the bodies listed: 企业, 公司, 单位, or a trade before it (快递公司, 物流企业)
_COMPANIES = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:企业|公司|单位)")
_REGION_ENUM = re.compile(r"((?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6}?)等?(?:[0-9一二三四五六七八九十]+个)?(?:试点)?(?:省市|省区市|省|市|县|区)?总工会")


def region_enum_candidates(sent: Sentence, text: str) -> list[Cand]:
    """“吉林、辽宁、甘肃等3个试点省总工会” → one 总工会 per region named; so “某市、某县总工会” → 某市总工会."""
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
    taken = {c.start for c in out}
    for m in _DIVISION_LIST.finditer(sent.text):
        pos = sent.start + m.start(1)
        for part in m.group(1).split("、")[:-1]:
            if pos not in taken and any(d.name == part for d in lookup(part)):
                out.append(Cand("Union", pos, pos + len(part), part, "region-enum", name=part + "总工会",
                                sentence=sent.start, extra={"enum": True}))
            pos += len(part) + 1
    return out


# “某市、某县总工会”: cities and counties written in full share the head of the last one
_DIVISION_LIST = re.compile(r"(?<![\u4e00-\u9fff])((?:[\u4e00-\u9fff]{1,8}?[市县区旗]、)+[\u4e00-\u9fff]{1,8}?[市县区旗])总工会")

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
        if (t in lex.boundary_words or (tk.tag[:1] in _TAIL_STOP_TAGS and t not in NAME_VERBS)
                or PUNCT.search(t) or lex.head_re.fullmatch(t) or tk.start < a):
            break
        start = tk.start
    return start
