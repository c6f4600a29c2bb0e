"""Context resolution: canonical names for mentions, per article.

“区总工会” in an article by 淮安市洪泽区总工会 is that union; “洪泽区总工会”
is its alias; “区税务局” is “洪泽区税务局”; “三联新材料” is the
“三联新材料有限公司” named elsewhere in the document; a region is named by the
fullest chain the document writes (“甘肃兰州安宁区” → 甘肃省兰州市安宁区).
Forms that cannot be resolved stay as written.
"""

from __future__ import annotations

import re

from kg.extract.mentions.base import Cand
from kg.extract.regions import Division, chain, division_automaton, lookup, region_prefix

_LEVEL_CHAR = {"省": 1, "市": 2, "区": 3, "县": 3}
_UNION_HEAD = re.compile(r"(总工会|工会联合会|联合工会|工会)$")


class ArticleContext:
    """What an article says about itself: its bodies and regions."""

    def __init__(self, cands: list[Cand]) -> None:
        self.dominant: dict[str, str] = {}
        self.unions = [c for c in cands if c.type == "Union" and not c.extra.get("context")]
        self.full_unions: list[str] = []
        for c in self.unions:
            if c.name.endswith(("总工会", "工会联合会")) and len(c.name) >= 5 and c.name not in self.full_unions \
                    and c.name[:1] not in _LEVEL_CHAR:
                self.full_unions.append(c.name)
        self.divisions: list[Division] = []
        for name in self.full_unions:
            _, _, div = region_prefix(name)
            if div is not None:
                self.divisions.append(div)

    def division_at(self, level_char: str) -> Division | None:
        """The article's division at the level of 省/市/区/县 (from its main union, else the one it is about)."""
        found = self._division_at(level_char)
        if found is None and self.dominant.get(level_char):
            divs = lookup(self.dominant[level_char])
            found = divs[0] if len(divs) == 1 else None
        return found

    def _division_at(self, level_char: str) -> Division | None:
        want = _LEVEL_CHAR[level_char]
        for d in self.divisions:
            for x in chain(d):
                if x.level == want and x.name.endswith(level_char if level_char != "区" else ("区",)):
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


def dominant_divisions(text: str) -> dict[str, str]:
    """The division a document is about, per level character: mentioned at least twice, most often.

    >>> dominant_divisions("昆山举行活动。昆山市总工会…")["市"]
    '昆山市'
    """
    counts: dict[str, int] = {}
    for _, name in division_automaton().iter(text):  # full names
        counts[name] = counts.get(name, 0) + 1
    # short forms of divisions already seen in full
    for name in list(counts):
        for d in lookup(name):
            if d.short != d.name:
                counts[name] += text.count(d.short) - text.count(d.name)
    out: dict[str, str] = {}
    for ch in "省市区县":
        best = sorted(((n, k) for n, k in counts.items() if n.endswith(ch)), key=lambda x: -x[1])
        if best and best[0][1] >= 2 and (len(best) == 1 or best[1][1] < best[0][1]):
            out[ch] = best[0][0]
    return out


def resolve_names(cands: list[Cand], article_of: dict[int, int], text: str = "") -> None:
    """Set each candidate's canonical ``name`` in place (per article, then per document)."""
    by_article: dict[int, list[Cand]] = {}
    for c in cands:
        by_article.setdefault(article_of.get(c.sentence, 0), []).append(c)
    doc_ctx = ArticleContext(cands)
    doc_ctx.dominant = dominant_divisions(text) if text else {}
    # named short forms first (洪泽区总工会 → 淮安市洪泽区总工会), then context forms against the result
    for art_cands in by_article.values():
        ctx = ArticleContext(art_cands)
        for c in art_cands:
            if c.type == "Union" and not c.extra.get("context"):
                _resolve_one(c, ctx, doc_ctx)
    doc_ctx2 = ArticleContext(cands)
    doc_ctx2.dominant = doc_ctx.dominant
    for art_cands in by_article.values():
        ctx = ArticleContext(art_cands)
        for c in art_cands:
            if not (c.type == "Union" and not c.extra.get("context")):
                _resolve_one(c, ctx, doc_ctx2)
    _merge_short_long(cands)
    _company_unions(cands)


def _resolve_one(c: Cand, ctx: ArticleContext, doc_ctx: ArticleContext) -> None:
    n = c.name
    if n[1:2] == "级" and n[:1] in _LEVEL_CHAR and len(n) >= 5 and c.type in ("Union", "Organization", "Facility"):
        div = ctx.division_at(n[0]) or doc_ctx.division_at(n[0])
        if div is not None and div.name.endswith(n[0]):
            c.name = div.name + n[2:]
            return
    if c.type == "Union":
        if c.extra.get("context"):
            form = n if n.endswith("总工会") else n + "工会"
            level = form[0] if form[0] in _LEVEL_CHAR else ""
            target = None
            if form == "开发区总工会" or form == "街道总工会":
                target = next((u for u in ctx.full_unions if u.endswith(form)), None)
            elif level:
                target = ctx.union_at(level) or None
            if not target and level and doc_ctx.dominant.get(level):
                target = doc_ctx.dominant[level] + form[1:]
            if target:
                c.extra["resolved_from"] = c.surface
                c.name = target
            else:
                c.name = form
            return
        # named short forms: 洪泽区总工会 → 淮安市洪泽区总工会; 高邮开发区总工会 → 高邮经济开发区总工会
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
    if "总工会" in n:
        return
    if n[:1] in _LEVEL_CHAR and c.type in ("Organization", "Facility", "Enterprise") and (len(n) >= 3 or c.extra.get("level_prefix")):
        # “区税务局” → “洪泽区税务局”; “省职工保障互助会” → “广东省职工保障互助会”
        div = ctx.division_at(n[0]) or doc_ctx.division_at(n[0])
        if div is not None and div.name.endswith(n[0]):
            c.extra["alias"] = n
            c.name = div.name + n[1:]
        elif c.extra.get("level_prefix"):
            c.extra["drop"] = True


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
        return False  # 南京市总工会 is not 南京市秦淮区总工会
    if full.endswith(short):
        return len(short) - len(hs.group(0)) >= 2
    # subsequence with the same first two characters (高邮开发区总工会 ⊂ 高邮经济开发区总工会)
    if short[:2] != full[:2]:
        return False
    it = iter(full)
    return all(ch in it for ch in short) and len(short) >= 5


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
    (三联新材料劳模工匠创新工作室 → 三联新材料有限公司劳模工匠创新工作室).
    """
    longs = sorted({c.name for c in cands if c.type == "Enterprise"}, key=len, reverse=True)
    renamed: dict[str, str] = {}
    for c in cands:
        if c.type != "Enterprise":
            continue
        core = _COMPANY_SUFFIX.sub("", c.name)
        for L in longs:
            if L == c.name or len(core) < 2 or not re.search(r"(有限公司|有限责任公司|股份有限公司|集团)$", L):
                continue
            l_core = _COMPANY_SUFFIX.sub("", L)
            if (L.startswith(c.name) and not re.search(r"(公司|集团)$", c.name)) \
                    or (c.name.endswith("公司") and l_core == core and len(L) > len(c.name)) \
                    or (l_core == c.name and len(L) > len(c.name)):
                renamed[c.name] = L
                c.extra["alias"] = c.name
                c.name = L
                break
    finals = sorted({c.name for c in cands if c.type == "Enterprise"
                     and re.search(r"(有限公司|有限责任公司|股份有限公司|集团)$", c.name)}, key=len, reverse=True)
    for c in cands:
        if c.type not in ("Facility", "Union"):
            continue
        host = c.extra.get("host") or next((s for s in sorted(renamed, key=len, reverse=True) if c.name.startswith(s)), None)
        if host is None and not any(c.name.startswith(e) for e in finals):
            # “碧川新材料职工之家” next to 碧川新材料有限公司: the host is the company's core name
            for L in finals:
                core = _COMPANY_SUFFIX.sub("", L)
                if len(core) >= 2 and core != L and c.name.startswith(core) and c.type == "Facility":
                    renamed.setdefault(core, L)
                    host = core
                    break
        if host in renamed and c.name.startswith(host) and not c.name.startswith(renamed[host]):
            c.extra["alias"] = c.name
            c.name = renamed[host] + c.name[len(host) :]
            c.extra["host"] = renamed[host]
