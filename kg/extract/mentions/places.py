"""Regions: administrative divisions written in full (宿迁市, 宿豫区) or short (江苏,
张掖), chains of them (甘肃兰州安宁区 → 甘肃省兰州市安宁区), and the named units
below a county or beside it — streets, towns, townships, communities, villages
(某某街道, 某某镇, 某某社区) and zones (某某高新区, 某某保税区) — from the divisions of
:mod:`kg.extract.regions` and the words around a unit's head.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import lexicon, pos_tags, word_freq
from kg.extract.mentions.base import Cand, Token, tokens_of
from kg.extract.regions import (
    Division,
    chain,
    division_automaton,
    division_of,
    lookup,
    region_prefix,
    short_automaton,
)
from kg.extract.segment import Sentence

# Heads of the units below a county (a street office, a town, a township, a community, a village).
_UNIT = "街道|镇|乡|社区|村"
# Heads of development zones; the qualifiers before them are no name of their own.
_ZONE = ("综合保税区|保税港区|保税区|经济技术开发区|高新技术产业开发区|高新技术产业园区|经济开发区|高新区|开发区|"
         "工业集中区|产业园区|工业园区|新区|经济区|示范区|科技城|产业新城")
# Heads that name a zone only after a division (某某台创园区); alone they are slogans (零碳园区).
_ANCHORED = "园区|工业园|产业园|新城"
_HEAD = re.compile(f"(?:{_ZONE}|{_ANCHORED}|{_UNIT})")
_ZONE_AFTER = re.compile(f"(?:{_ZONE})")  # 某某新区: a short form that names a zone, not its county
_ZONE_WORDS = re.compile(r"(?:国家级|省级|经济技术|高新技术|经济|技术|高新|综合|产业|工业|现代|农业|科技|物流|一体化|"
                         r"临港|国际|生态|文化|旅游)+$")
# A name part that is a common word (美丽乡村, 和谐社区, 全镇) names no place.
_COMMON = 1000
_UNIT_PART_MAX = 5
_ZONE_PART_MAX = 8
# Characters that end a name inside an unknown word, beside the lexicon's function characters.
_CONJUNCTIONS = set("但并且还也又再就都亦即另其该本各每此这那")
# Tags that end a name walking left (verbs, prepositions, pronouns, numbers, time words …).
_STOP_TAGS = re.compile(r"^(v.?|p|c|u.*|d|r|q|m|mq|f|t|tg|y|e|o|ad)$")


def region_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Divisions (full, short, chained) and the units and zones named in a sentence."""
    divs = _division_mentions(sent, text)
    return divs + _unit_mentions(sent, text, divs)


def _division_mentions(sent: Sentence, text: str) -> list[Cand]:
    s = sent.text
    hits: list[tuple[int, int, str]] = []
    for end_idx, name in division_automaton().iter(s):
        a = end_idx - len(name) + 1
        if len(name) == 2 and (not _is_word(s, a, a + 2) or (pos_tags().get(name) != "ns" and word_freq(name) >= 500)):
            continue  # “中区” in 集中区, “城区” in 老城区 or as a word
        hits.append((a, end_idx + 1, name))
    for end_idx, form in short_automaton().iter(s):
        a = end_idx - len(form) + 1
        d = division_of(form)
        if d is not None and not _ZONE_AFTER.match(s, a + len(form)) and _short_ok(s, a, a + len(form), d, text):
            hits.append((a, a + len(form), form))
    # keep longest, non-overlapping
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str]] = []
    for h in hits:
        if kept and h[0] < kept[-1][1]:
            continue
        kept.append(h)
    full_names = {h[2] for h in hits if division_automaton().exists(h[2])}
    # chains of adjacent divisions become one mention, named by the chain with suffixes restored
    out: list[Cand] = []
    i = 0
    while i < len(kept):
        a = kept[i][0]
        j = i
        while j + 1 < len(kept) and kept[j + 1][0] == kept[j][1]:
            j += 1
        b = kept[j][1]
        if j > i and _starts_name(s, b) and any(h[2] not in full_names for h in kept[i : j + 1]):
            # 甘肃平凉市某某公司: a chain written short starts a body's name; each division is a region of its own
            out.extend(_division_cand(sent, text, h[0], h[1]) for h in kept[i : j + 1])
        else:
            out.append(_division_cand(sent, text, a, b))
        i = j + 1
    return out


def _division_cand(sent: Sentence, text: str, a: int, b: int) -> Cand:
    """A Region mention of ``sent.text[a:b]``, named by its divisions with their suffixes restored."""
    surface = sent.text[a:b]
    known = frozenset(d.name for _, form in short_automaton().iter(surface) if (d := division_of(form)) is not None)
    known |= frozenset(name for _, name in division_automaton().iter(surface))
    written, canon, div = region_prefix(surface + "·", known)
    name = canon if div is not None and written == surface else surface
    if div is None and len(lookup(surface)) > 1:
        # a name several divisions share (永宁县): the one whose city or province the document names
        inside = [d for d in lookup(surface) if any(p.name in text or p.short in text for p in chain(d)[:-1])]
        if len(inside) == 1:
            div = inside[0]
            name = div.name
    return Cand("Region", sent.start + a, sent.start + b, text[sent.start + a : sent.start + b], "region",
                name=name, sentence=sent.start, extra={"division": div.adcode} if div is not None else {})


def _starts_name(s: str, b: int) -> bool:
    """The text after a chain of divisions goes on with a name (某某公司, 某某总工会), not a word of the sentence."""
    if b >= len(s) or not re.match(r"[\u4e00-\u9fff]", s[b]) or s[b] in lexicon().function_chars or s[b] in "的地得了":
        return False
    first = tokens_of(s[b : b + 6], b)[0]
    return not _STOP_TAGS.match(pos_tags().get(first.text, ""))


def _short_ok(s: str, a: int, b: int, d: Division, text: str) -> bool:
    """A short form (张掖, 崇信) is a place when it is a word of its own and, below a city, when the
    document names the city or province it lies in (or the county in full)."""
    people = d.name.endswith("自治州") and s[a:b].endswith("州")
    if not _is_word(s, a, b) and not (people and _is_word(s, a, b - 1)):  # 某某州委: 某某 + 州委
        return False
    form = s[a:b]
    if d.level == 1 or (d.level == 2 and pos_tags().get(form) in ("ns", None)):
        return True
    if _names(text, d.name):
        return True  # the document names it in full
    if d.level == 3 and pos_tags().get(form) != "ns" and word_freq(form) >= 500:
        return False  # “光明”, “东方”: a common word first
    return any(_names(text, p.name) or (p.short != p.name and _names(text, p.short)) for p in chain(d)[:-1])


def _names(text: str, name: str) -> bool:
    """``name in text``, remembered for the current document: asked for every short place form,
    a search of the whole document each time made a long document quadratic."""
    if _FOUND[0] is not text:
        _FOUND[:] = [text, {}]
    found: dict[str, bool] = _FOUND[1]  # type: ignore[assignment]
    if name not in found:
        found[name] = name in text
    return found[name]


#: the document the answers of :func:`_names` are for, and those answers (one document at a time)
_FOUND: list[object] = [None, {}]


def _is_word(s: str, a: int, b: int) -> bool:
    """``s[a:b]`` is a word of its own: “长治久安”, “南京路”, “集中区” hold no place; a word that is
    the form followed by another division (甘肃兰州) or by an unknown tail still is one."""
    toks = tokens_of(s[max(0, a - 6) : b + 6], max(0, a - 6))
    inner = next((t for t in toks if t.start <= a < t.end), None)
    if inner is None or (inner.start < a and not lookup(s[inner.start : a])):
        return False  # a form inside a word, unless after a division (甘肃兰州: 兰州)
    if any(t.end == b for t in toks):
        return True
    if inner.end < b:
        return False
    rest = s[b : inner.end]
    return pos_tags().get(inner.text) is None or bool(lookup(rest)) or bool(region_prefix(rest + "·")[2])


def _unit_mentions(sent: Sentence, text: str, divs: list[Cand]) -> list[Cand]:
    """Streets, towns, communities, villages and zones, chained with the divisions and units before them."""
    s = sent.text
    div_end = {c.end - sent.start: c for c in divs}
    out: list[Cand] = []
    for m in _HEAD.finditer(s):
        hs, he = m.start(), m.end()
        head = m.group(0)
        unit = bool(re.fullmatch(_UNIT, head))
        lo = max(0, hs - 16)
        toks = tokens_of(s[lo : he + 2], lo)
        start = _glued_start(toks, hs, he, unit)
        if start is None:
            continue
        if start == hs:
            start = _name_start(toks, hs, _UNIT_PART_MAX if unit else _ZONE_PART_MAX)
        start = _division_start(s, start, hs)
        # a division right before the name anchors it (临泽县沙河镇, 临泽高新区) …
        anchor = next((div_end[k] for k in range(hs, max(0, start - 2) - 1, -1)
                       if k in div_end and re.fullmatch(r"[\u4e00-\u9fff]*", s[k:start])), None)
        # … and so does a unit right before it (某某街道某某社区) or before its bracket (某某新区(某某街道))
        prev = None if anchor is not None else next(
            (c for c in out if start <= c.end - sent.start <= hs
             or (c.end - sent.start == start - 1 and s[start - 1] in "(（")), None)
        left = anchor or prev
        part = s[left.end - sent.start if left is not None else start : hs].lstrip("(（")
        core = part if unit else _ZONE_WORDS.sub("", part)
        if left is None:
            if re.fullmatch(_ANCHORED, head) or not _standalone_ok(toks, start, hs, core, unit):
                continue
        elif unit and len(core) < 2 and head != "街道":
            continue  # “某某县镇” is no town; “某某镇街道” is a street office named after its town
        else:
            start = left.start - sent.start
            if prev is not None:
                out.remove(prev)
        a, b = sent.start + start, sent.start + he
        opened = s[start:hs].count("(") + s[start:hs].count("（") - s[start:hs].count(")") - s[start:hs].count("）")
        if opened > 0:
            if s[he : he + 1] not in (")", "）"):
                continue
            b += 1  # 某某新区(某某街道) keeps its closing bracket
        # named as written: a zone or a town is not renamed after its county (某某县镇 is no name)
        out.append(Cand("Region", a, b, text[a:b], "region", sentence=sent.start, extra={"unit": head}))
    return out


def _division_start(s: str, start: int, hs: int) -> int:
    """A name that holds a division starts at it: “获批某某综合保税区” → “某某综合保税区”."""
    span = s[start:hs]
    found = [end - len(f) + 1 for end, f in short_automaton().iter(span) if division_of(f) is not None]
    found += [end - len(f) + 1 for end, f in division_automaton().iter(span)]
    first = min(found, default=0)
    return start + first if first > 0 else start


def _glued_start(toks: list[Token], hs: int, he: int, unit: bool) -> int | None:
    """Where the name of a head starts when a word holds both (柳泉镇: the word's start), *hs* when the
    head stands alone, None when it heads nothing (乡 in 乡村, 镇 in 城镇 or 乡镇, 社区 in 和谐社区)."""
    for t in toks:
        if t.start < he < t.end:
            # the head runs on into a word (乡村, 村民, 镇长) — unless the HMM glued a town to what follows
            glued = unit and pos_tags().get(t.text) is None and t.start >= hs
            return hs if glued else None
        if t.start < hs and t.end == he:
            tag = pos_tags().get(t.text)
            return t.start if tag is None or tag == "ns" else None
    return hs


def _name_start(toks: list[Token], hs: int, limit: int) -> int:
    """Walk left from the head over name-like tokens, at most *limit* characters."""
    start = hs
    for t in reversed(toks):
        if t.end > start:
            continue
        if t.end < start:
            break
        tag = pos_tags().get(t.text, "")
        if re.search(r"[^\u4e00-\u9fff]", t.text) or hs - t.start > limit or t.text in lexicon().boundary_words:
            break
        if tag == "nt" or lexicon().head_re.search(t.text):
            break  # a body (公安局) before a zone: the zone's name starts after it
        if not tag:
            # an unknown word: a function character in it ends the name (为某某新区, 另有某某港区)
            cut = max((k for k, ch in enumerate(t.text) if ch in _CONJUNCTIONS or ch in lexicon().function_chars),
                      default=-1)
            if cut >= 0 and not lookup(t.text):  # 和林格尔 is a place, not 和 + 林格尔
                start = t.start + cut + 1
                break
        if _STOP_TAGS.match(tag) or (tag == "a" and len(t.text) > 1):
            break  # a verb, a particle …, or an adjective word (成功, 美丽); 小 in 小北街 stays
        if tag == "n" and word_freq(t.text) >= _COMMON and len(t.text) > 1 and start < hs \
                and not (hs - start == 1 and s_at(toks, start) in "路街巷门桥"):
            break  # a common noun before a name (服务…社区) is no part of it; a road's name is (石油路街道)
        start = t.start
    return start


def s_at(toks: list[Token], pos: int) -> str:
    """The text of the token that starts at *pos*."""
    return next((t.text for t in toks if t.start == pos), "")


def _standalone_ok(toks: list[Token], start: int, hs: int, core: str, unit: bool) -> bool:
    """A unit with no division before it: its name is a rare word, a road (某某路街道) or several words."""
    if len(core) < 2 or core[0] in "全各该本每某这那其我":
        return False
    words = [t for t in toks if start <= t.start and t.end <= hs]
    if not words:
        return True  # the head was glued to its name (柳泉镇)
    if not unit and pos_tags().get(words[0].text) not in ("ns", "nr", "nz", "nrt", "j", None):
        return False  # a zone's name is a place's (某某新区), not a word (智能产业园区)
    if len(words) >= 2 and len(words[-1].text) == 1 and words[-1].text in "路街巷门桥":
        return True
    if len(words) == 1 or all(len(w.text) == 1 for w in words[1:]):
        w = words[0]
        tag = pos_tags().get(w.text)
        return not (tag and tag != "ns" and word_freq(w.text) >= _COMMON)
    return True
