"""Context resolution: canonical names for mentions, per article.

A context-bound form (县总工会, 区委, 市人社局, 自治区总工会, 镇总工会) takes the place
it belongs to: the one named right before it in its sentence (“某某县人大常委会
副主任、县总工会主席” is that county's union), else the one the article states —
on its own, in its title or dateline, or in the name of the body it is about —
else the one the document states. A place named only inside other bodies'
names does not count, and a form with no place stays as written. Named short
forms become the article's full union (云溪区总工会 → 岳阳市云溪区总工会, alias
kept); a short company name joins its long form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.mentions.base import Cand, longest_prefix_in
from kg.extract.regions import Division, chain, divisions, region_prefix

_LEVEL_CHAR = {"省": 1, "市": 2, "区": 3, "县": 3}
_UNION_HEAD = re.compile(r"(总工会|工会联合会|联合工会|工会)$")
_BODIES = ("Union", "Organization", "Enterprise", "Facility")
# How far back in its sentence a context form looks for the place it belongs to
# (“某某县政协副主席、县总工会主席”).
_NEAR = 40


class ArticleContext:
    """What an article says about itself: its bodies and regions."""

    def __init__(self, cands: list[Cand]) -> None:
        self.unions = [c for c in cands if c.type == "Union" and not c.extra.get("context")]
        self.full_unions: list[str] = []
        seen: set[str] = set()
        for c in self.unions:
            if c.name.endswith(("总工会", "工会联合会")) and len(c.name) >= 5 and c.name not in seen \
                    and c.name[:1] not in _LEVEL_CHAR:
                seen.add(c.name)
                self.full_unions.append(c.name)
        self.divisions: list[Division] = []
        for name in self.full_unions:
            _, _, div = region_prefix(name)
            if div is not None:
                self.divisions.append(div)

    def division_at(self, level_char: str) -> Division | None:
        """The article's division at the level of 省/市/区/县, as its named unions write it
        (岳阳市云溪区总工会 answers 市 and 区; 云溪区总工会 answers 区 only)."""
        want = _LEVEL_CHAR[level_char]
        for name in self.full_unions:
            written, _, d = region_prefix(name)
            if d is None:
                continue
            for x in chain(d):
                if x is not d and x.name not in written and x.short not in written:
                    continue  # a level the name does not write is not stated
                if x.level == want and x.name.endswith(level_char):
                    return x
                if want == 3 and x.level == 3:
                    return x
            if want == 2 and d.level == 3 and d.name.endswith("市"):
                return d  # a county-level city answers “市”
        return None

    def union_at(self, level_char: str) -> str | None:
        """The article's named union at the level of 省/市/区/县 (云峰县总工会 answers 县总工会)."""
        for name in self.full_unions:
            if name.endswith(level_char + "总工会"):
                return name
        for name in self.full_unions:
            _, _, div = region_prefix(name)
            if div is not None and div.name.endswith(level_char):
                return name
        return None


@dataclass(frozen=True)
class _Place:
    """A place the text names: its divisions (a chain names each), or the unit it is (某某镇)."""

    start: int
    end: int
    sentence: int
    article: int
    divisions: tuple[Division, ...]
    unit: str
    in_body: bool  # named only inside another body's name (not the body the article is about)


def _fits(place: _Place, level: str) -> tuple[str, ...]:
    """The names in *place* at the level of a context form (省, 自治区, 市, 州, 区, 县, 旗, 镇, 乡, 街道)."""
    if level in ("镇", "乡", "街道"):
        return (place.unit,) if place.unit.endswith(level) else ()
    out = []
    for d in place.divisions:
        if level == "省" and d.level == 1 and d.name.endswith("省") \
                or level == "自治区" and d.level == 1 and d.name.endswith("自治区") \
                or level == "市" and d.name.endswith("市") \
                or level == "州" and d.level == 2 and d.name.endswith("州") \
                or level in ("区", "县", "旗") and d.level == 3 and d.name.endswith(level) \
                or level == "区" and d.level == 1 and d.name.endswith("自治区"):  # 区总工会 of an autonomous region
            out.append(d.name)
    return tuple(out)


class Places:
    """The places a document states, for context forms (县总工会, 区委, 市人社局, 镇总工会).

    A place counts when the text names it on its own or in the name of the body
    an article is about; one named only inside another body's name (某某县某某公司)
    does not, except for a form right after it in the same sentence.
    """

    def __init__(self, cands: list[Cand], article_of: dict[int, int]) -> None:
        bodies = [c for c in cands if c.type in _BODIES and not c.extra.get("context")
                  and not c.extra.get("level_prefix")]
        main: dict[int, Cand] = {}
        for c in sorted(bodies, key=lambda c: c.start):
            if c.type == "Union" and not c.extra.get("inside") and c.rule != "region-enum":
                main.setdefault(article_of.get(c.sentence, 0), c)
        self.places: list[_Place] = []
        by_start = _SpanIndex(bodies)
        for c in cands:
            if c.type != "Region":
                continue
            art = article_of.get(c.sentence, 0)
            host = by_start.first(lambda b, c=c: b.start <= c.start and c.end <= b.end
                                  and b.end - b.start > c.end - c.start, c.start - by_start.longest, c.start)
            in_body = host is not None and host is not main.get(art)
            self.places.append(_Place(c.start, c.end, c.sentence, art, _stated(c), c.name if c.extra.get("unit") else "",
                                      in_body))
        # per sentence, and answers of stated() remembered: each query looks only at what it needs
        self._in_sentence: dict[int, list[_Place]] = {}
        for p in self.places:
            self._in_sentence.setdefault(p.sentence, []).append(p)
        self._stated: dict[tuple[str, int | None], str | None] = {}

    def near(self, c: Cand, level: str) -> str | None:
        """The place of *level* named last before *c* in its sentence, if close (inside bodies too)."""
        best = None
        for p in self._in_sentence.get(c.sentence, ()):
            if p.end <= c.start and c.start - p.end <= _NEAR and _fits(p, level) \
                    and (best is None or p.end > best.end):
                best = p
        return _fits(best, level)[-1] if best is not None else None

    def stated(self, level: str, article: int | None) -> str | None:
        """The one place of *level* the article (or, with None, the document) states, or the one it states most."""
        key = (level, article)
        if key not in self._stated:
            self._stated[key] = self._count_stated(level, article)
        return self._stated[key]

    def _count_stated(self, level: str, article: int | None) -> str | None:
        counts: dict[str, int] = {}
        for p in self.places:
            if p.in_body or (article is not None and p.article != article):
                continue
            for name in _fits(p, level):
                counts[name] = counts.get(name, 0) + 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])
        if top and (len(top) == 1 or top[1][1] < top[0][1]):
            return top[0][0]
        return None

    def place_for(self, c: Cand, level: str, article: int) -> str | None:
        """Proximity first, then the article, then the document."""
        return self.near(c, level) or self.stated(level, article) or self.stated(level, None)


def _stated(c: Cand) -> tuple[Division, ...]:
    """The divisions a Region mention names: the deepest and every level written before it (湖北通山县: both)."""
    code = c.extra.get("division")
    div = divisions().get(code) if code else region_prefix(c.name + "·")[2]
    if div is None:
        written, _, div = region_prefix(c.name)  # a unit after its county (某某县某某镇)
        if div is None:
            return ()
        surface = written
    else:
        surface = c.surface
    return tuple(d for d in chain(div) if d is div or d.name in surface or d.short in surface)


def resolve_names(cands: list[Cand], article_of: dict[int, int], text: str = "") -> None:
    """Set each candidate's canonical ``name`` in place (per article, then per document)."""
    by_article: dict[int, list[Cand]] = {}
    for c in cands:
        by_article.setdefault(article_of.get(c.sentence, 0), []).append(c)
    for c in cands:
        if c.type == "Union" and _CONTEXT_FORM.fullmatch(c.name):
            c.extra["context"] = True  # a bare 省总工会 from another source (a tagger's span) is a context form too
    _glue_divisions(cands, text)
    places = Places(cands, article_of)
    doc_ctx = ArticleContext(cands)
    # named short forms first (宿豫区总工会 → 宿迁市宿豫区总工会), then context forms against the result
    for art, art_cands in by_article.items():
        ctx = ArticleContext(art_cands)
        for c in art_cands:
            if c.type == "Union" and not c.extra.get("context"):
                _resolve_one(c, ctx, doc_ctx, places, art, text)
    doc_ctx2 = ArticleContext(cands)
    for art, art_cands in by_article.items():
        ctx = ArticleContext(art_cands)
        for c in art_cands:
            if not (c.type == "Union" and not c.extra.get("context")):
                _resolve_one(c, ctx, doc_ctx2, places, art, text)
    _merge_short_long(cands)
    _company_unions(cands)
    _units_of_context_bodies(cands)


def _units_of_context_bodies(cands: list[Cand]) -> None:
    """“区总工会宣讲团” → 某某区总工会宣讲团: a unit written after a context-bound body takes its resolved name."""
    parents = {(c.start, c.end): c for c in cands if c.extra.get("context") and c.type == "Union"}
    for c in cands:
        if not c.extra.get("context_parent"):
            continue
        p = parents.get((c.start, c.extra["parent_end"]))
        if p is not None:
            c.name = p.name + c.surface[p.end - p.start :]


def _glue_divisions(cands: list[Cand], text: str) -> None:
    """A body whose name starts inside a division (“宁县总工会” in 某宁县总工会, “区总工会” in 某某区总工会)
    starts at the division: the finder cut it at a word boundary the division runs over."""
    if not text:
        return
    regions = _SpanIndex([c for c in cands if c.type == "Region" and not c.extra.get("unit")])
    for c in cands:
        if c.type not in _BODIES or c.extra.get("inside") or text[c.start : c.end] != c.surface:
            continue
        r = regions.first(lambda r, c=c: r.start < c.start < r.end <= c.end, c.start - regions.longest, c.start - 1)
        if r is None or not re.fullmatch(r"[\u4e00-\u9fff]+", text[r.start : c.start]):
            continue
        head = text[r.start : c.start]
        c.start = r.start
        c.surface = text[c.start : c.end]
        c.name = head + c.name
        if c.extra.pop("context", None):
            c.rule = "head:Union"
            if c.name.endswith("总"):
                c.name += "工会"  # 某某省总 is 某某省总工会
        c.extra.pop("level_prefix", None)


_CONTEXT_FORM = re.compile(r"(自治区|街道|开发区|[省市州区县旗镇乡])总(工会)?")
_LEVEL_WORD = re.compile(r"^(自治区|街道|[省市州区县旗镇乡])")


def _level_of(c: Cand, text: str) -> str:
    """The level a context-bound name starts with; “区总工会” after “自治” is 自治区 (the span grows to hold it)."""
    m = _LEVEL_WORD.match(c.name)
    if m is None:
        return ""
    if m.group(0) == "区" and text and c.start >= 2 and text[c.start - 2 : c.start] == "自治" \
            and text[c.start : c.end] == c.surface:
        c.start -= 2
        c.surface = text[c.start : c.end]
        c.name = "自治" + c.name
        return "自治区"
    return m.group(0)


def _place(c: Cand, level: str, ctx: ArticleContext, doc_ctx: ArticleContext, places: Places, art: int) -> str | None:
    """The place a context-bound name of *level* belongs to: the one named right before it, the article's
    union's, the one the article (or document) states, or the one the document names most often."""
    near = places.near(c, level)
    if near:
        return near
    if level in _LEVEL_CHAR:
        div = ctx.division_at(level) or doc_ctx.division_at(level)
        if div is not None and div.name.endswith(level):
            return div.name
    return places.stated(level, art) or places.stated(level, None)


def _resolve_one(c: Cand, ctx: ArticleContext, doc_ctx: ArticleContext, places: Places, art: int,
                 text: str) -> None:
    n = c.name
    if n[1:2] == "级" and n[:1] in _LEVEL_CHAR and len(n) >= 5 and c.type in ("Union", "Organization", "Facility"):
        place = _place(c, n[0], ctx, doc_ctx, places, art)
        if place is not None:
            c.name = place + n[2:]
            return
    if c.type == "Union":
        if c.extra.get("context"):
            level = _level_of(c, text)
            n = c.name
            form = n if n.endswith("总工会") else n + "工会"
            target = None
            if form in ("开发区总工会", "街道总工会", "镇总工会"):
                target = next((u for u in ctx.full_unions if u.endswith(form)), None)
            if not target and level:
                near = places.near(c, level)
                target = _union_named(near, form[len(level) :], ctx, doc_ctx) if near else None
                if not target and level in _LEVEL_CHAR:
                    target = ctx.union_at(level)
                if not target:
                    place = _place(c, level, ctx, doc_ctx, places, art)
                    target = _union_named(place, form[len(level) :], ctx, doc_ctx) if place else None
            if target:
                c.extra["resolved_from"] = c.surface
                c.name = target
            else:
                c.name = form
            return
        # named short forms: 宿豫区总工会 → 宿迁市宿豫区总工会; 宁川开发区总工会 → 宁川经济开发区总工会
        for full in ctx.full_unions + doc_ctx.full_unions:
            if full != n and _is_short_of(n, full):
                c.extra["alias"] = n
                c.name = full
                return
        w, canon, div = region_prefix(n)
        if div is not None and w + "工会" == n:
            if w == canon and div.level <= 2:
                # “平凉市工会”: a province or city names its federation 总工会
                c.extra["alias"] = n
                c.name = canon + "总工会"
            elif w != canon and div.level <= 2:
                c.extra["drop"] = True  # “甘肃工会”, “平凉工会” (an app, a slogan, a movement)
            # a county's union written in full (“崇信县工会”) or short (“崇信工会”) stays as written
            return
        if "总工会" in n or not _LEVEL_WORD.match(n):
            return
    elif "总工会" in n:
        return
    if _LEVEL_WORD.match(n) and c.type in _BODIES and (len(n) >= 3 or c.extra.get("level_prefix")):
        # “区税务局” → “宿豫区税务局”; “省职工帮扶互助会” → “江苏省职工帮扶互助会”; “县交通运输局工会”
        level = _level_of(c, text)
        place = _place(c, level, ctx, doc_ctx, places, art)
        if place is not None:
            c.extra["alias"] = c.name
            c.name = place + c.name[len(level) :]
        # else kept as written (省交通厅 where no province is stated)


def _union_named(place: str, tail: str, ctx: ArticleContext, doc_ctx: ArticleContext) -> str:
    """The union of *place* with head *tail* (总工会): as the article names it, else place + tail."""
    for full in ctx.full_unions + doc_ctx.full_unions:
        if full.endswith(place + tail) or (full.endswith(tail) and region_prefix(full)[1] == place):
            return full
    return place + tail


@lru_cache(maxsize=65536)
def _is_short_of(short: str, full: str) -> bool:
    """True when *short* names the same union as *full*: same head, its characters in order, same start."""
    hs = _UNION_HEAD.search(short)
    hf = _UNION_HEAD.search(full)
    if not hs or not hf:
        return False
    if hs.group(0) == "工会" and hf.group(0) == "总工会":
        # “平凉市工会”, “甘肃工会” name the federation of that city or province the article names
        ws, _, ds = region_prefix(short)
        wf, _, df = region_prefix(full)
        return ds is not None and df is not None and ds.adcode == df.adcode \
            and short == ws + "工会" and full == wf + "总工会"
    if hs.group(0) != hf.group(0):
        return False
    ds, df = region_prefix(short)[2], region_prefix(full)[2]
    if ds is not None and df is not None and ds.adcode != df.adcode:
        return False  # 徐州市总工会 is not 徐州市鼓楼区总工会
    if full.endswith(short):
        return len(short) - len(hs.group(0)) >= 2
    # subsequence with the same first two characters (宁川开发区总工会 ⊂ 宁川经济开发区总工会)
    if short[:2] != full[:2]:
        return False
    it = iter(full)
    return all(ch in it for ch in short) and len(short) >= 5


class _SpanIndex:
    """Candidates by start offset, to find the first (in list order) of those starting in a range.

    A candidate containing an offset starts at most :attr:`longest` characters before it, so the
    few that start there are all a lookup reads (scanning every candidate made resolution
    quadratic in the length of a document).
    """

    def __init__(self, cands: list[Cand]) -> None:
        self._at: dict[int, list[tuple[int, Cand]]] = {}
        for i, c in enumerate(cands):
            self._at.setdefault(c.start, []).append((i, c))
        self.longest = max((c.end - c.start for c in cands), default=0)

    def first(self, test: Callable[[Cand], bool], lo: int, hi: int) -> Cand | None:
        """The first candidate (in the order given) that starts in ``[lo, hi]`` and passes *test*."""
        found: tuple[int, Cand] | None = None
        if hi - lo + 1 > len(self._at):
            starts = [s for s in self._at if lo <= s <= hi]
        else:
            starts = [s for s in range(lo, hi + 1) if s in self._at]
        for s in starts:
            for i, c in self._at[s]:
                if (found is None or i < found[0]) and test(c):
                    found = (i, c)
                    break
        return found[1] if found is not None else None


def _company_unions(cands: list[Cand]) -> None:
    """“港务集团工会” → 临汀港务集团有限公司工会; “公司工会” → the union of the one company the document is about."""
    companies = [c for c in cands if c.type == "Enterprise" and not c.extra.get("inside")]
    counts: dict[str, int] = {}
    for c in companies:
        counts[c.name] = counts.get(c.name, 0) + 1
    for c in cands:
        short = c.extra.get("company_short")
        if not short:
            continue
        target = None
        if short in ("公司", "集团", "该公司", "本公司"):
            top = sorted(counts.items(), key=lambda kv: -kv[1])
            if top and top[0][1] >= 2 and (len(top) == 1 or top[1][1] < top[0][1]):
                target = top[0][0]
        else:
            fits = {n for n in counts if short in n and len(n) > len(short)}
            if len(fits) == 1:
                target = fits.pop()
        if target is None:
            c.extra["drop"] = True
            continue
        c.extra["alias"] = ""
        c.name = target + c.name[len(short) :]
        c.extra["host"] = target


_COMPANY_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司)$")


def _merge_short_long(cands: list[Cand]) -> None:
    """A company named short and long is one entity: the long form is canonical.

    Facilities named after a host follow the host's canonical name
    (远帆新材料劳模工匠创新工作室 → 远帆新材料有限公司劳模工匠创新工作室).
    """
    longs = sorted({c.name for c in cands if c.type == "Enterprise"}, key=len, reverse=True)
    renamed: dict[str, str] = {}
    long_of: dict[str, str | None] = {}  # a name's long form depends on the name only: found once per name
    for c in cands:
        if c.type != "Enterprise":
            continue
        if c.name not in long_of:
            long_of[c.name] = _long_form(c.name, longs)
        L = long_of[c.name]
        if L is not None:
            renamed[c.name] = L
            c.extra["alias"] = c.name
            c.name = L
    finals = sorted({c.name for c in cands if c.type == "Enterprise"
                     and re.search(r"(有限公司|有限责任公司|股份有限公司|集团)$", c.name)}, key=len, reverse=True)
    final_set = set(finals)
    # each core name (its suffix removed) → the first final name with that core, looked up by prefix
    core_of: dict[str, tuple[int, str]] = {}
    for i, L in enumerate(finals):
        core = _COMPANY_SUFFIX.sub("", L)
        if len(core) >= 2 and core != L:
            core_of.setdefault(core, (i, L))
    for c in cands:
        if c.type not in ("Facility", "Union"):
            continue
        # prefixes of the name looked up, not every renamed or final name tried (linear time)
        host = c.extra.get("host") or longest_prefix_in(c.name, renamed)
        if host is None and longest_prefix_in(c.name, final_set) is None:
            # “碧川新材料职工之家” next to 碧川新材料有限公司: the host is the company's core name
            found = [core_of[c.name[:k]] + (c.name[:k],) for k in range(2, len(c.name) + 1)
                     if c.type == "Facility" and c.name[:k] in core_of]
            if found:
                _, L, core = min(found)  # the first of the final names, longest first, as before
                renamed.setdefault(core, L)
                host = core
        if host in renamed and c.name.startswith(host) and not c.name.startswith(renamed[host]):
            c.extra["alias"] = c.name
            c.name = renamed[host] + c.name[len(host) :]
            c.extra["host"] = renamed[host]


def _long_form(name: str, longs: list[str]) -> str | None:
    """The long form of company *name* among *longs* (longest first), if it has one."""
    core = _COMPANY_SUFFIX.sub("", name)
    for L in longs:
        if L == name or len(core) < 2 or not re.search(r"(有限公司|有限责任公司|股份有限公司|集团)$", L):
            continue
        l_core = _COMPANY_SUFFIX.sub("", L)
        if (L.startswith(name) and not re.search(r"(公司|集团)$", name)) \
                or (name.endswith("公司") and l_core == core and len(L) > len(name)) \
                or (l_core == name and len(L) > len(name)):
            return L
    return None

