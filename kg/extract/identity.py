"""Identity across articles: which written names are one body, one person, one node.

Extraction names every entity per document; this step, run by
:func:`kg.extract.assemble.assemble` before anything is stored or exported,
decides which of those names across documents are the same node. The rules
(general words in ``schemas/identity.toml``):

- a **context-bound form** the article did not resolve (市总工会, 区委, 公司工会,
  a district name that several cities have, 邮政公司) is scoped to its
  document: its own node ``"<name> [<doc_id>]"``, marked ``unresolved``, never
  merged across documents;
- **bodies** (and regions, programs, awards, groups) merge by canonical name,
  by the administrative-division chain (a county or district that is unique in
  the division data joins its fuller form: 鸠江区总工会 = 芜湖市鸠江区总工会), by
  the national bodies' aliases of ``lexicon.toml`` (全总 = 中华全国总工会), by the
  aliases an article gives, and by short/long company forms (瑞丰精工 =
  瑞丰精工有限公司); an alias or short form joins only when it fits exactly one
  entity of the corpus, otherwise it stays apart and is listed as ambiguous;
- **people** merge across documents only when the name and a body, studio or
  award they are tied to (``person_ties``) match; a name left with several
  nodes shows its context: ``"张伟 [某某公司]"`` or ``"张伟 [<doc_id>]"``.

Everything is a pure function of the input: the same extraction gives the
same node names, so ``kg load`` stays idempotent.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from kg.extract.lexicon import lexicon
from kg.extract.regions import Division, chain, lookup, region_prefix
from kg.models import Entity, IdentityReport, Triple
from kg.resources import data_dir

__all__ = ["IdentityMap", "Item", "Rules", "context_bound", "identity_key", "resolve_identity", "rules"]

Item = tuple[str, str, str]  # (doc_id, type, name as the document writes it)
Key = tuple[str, str]  # (type, identity key)


@dataclass(frozen=True)
class Rules:
    """``schemas/identity.toml``, with the national bodies of ``lexicon.toml``."""

    raw: dict

    @cached_property
    def body_types(self) -> frozenset[str]:
        return frozenset(self.raw["body_types"])

    @cached_property
    def levels(self) -> tuple[str, ...]:
        return tuple(sorted(self.raw["context_levels"], key=len, reverse=True))

    @cached_property
    def bound_tail(self) -> re.Pattern[str]:
        levels = "|".join(sorted(self.raw["data_levels"], key=len, reverse=True))
        tails = "|".join(sorted(self.raw["context_tails"], key=len, reverse=True))
        return re.compile(rf"^(?P<pre>.+?)(?P<level>{levels})(?:{tails})$")

    @cached_property
    def generic_names(self) -> frozenset[str]:
        return frozenset(self.raw["generic_names"])

    @cached_property
    def generic_industries(self) -> frozenset[str]:
        return frozenset(self.raw["generic_industries"])

    @cached_property
    def company_suffixes(self) -> tuple[str, ...]:
        return tuple(sorted(self.raw["company_suffixes"], key=len, reverse=True))

    @cached_property
    def edition(self) -> re.Pattern[str]:
        return re.compile(self.raw["edition_prefix"])

    @cached_property
    def program_heads(self) -> tuple[str, ...]:
        return tuple(sorted(self.raw["program_heads"], key=len, reverse=True))

    @cached_property
    def person_ties(self) -> frozenset[str]:
        return frozenset(self.raw["person_ties"])

    @cached_property
    def national(self) -> dict[tuple[str, str], str]:
        """(type, alias or name) → canonical name of the bodies every article may mention."""
        out: dict[tuple[str, str], str] = {}
        for name, info in lexicon().known_bodies.items():
            for form in (name, *info.get("aliases", ())):
                out[(info["type"], _norm(form))] = _norm(name)
        return out


@lru_cache(maxsize=1)
def rules() -> Rules:
    path = data_dir("schemas") / "identity.toml"
    return Rules(raw=tomllib.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- names


def _norm(name: str) -> str:
    """Width and white space do not make two names (（集团） = (集团))."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _chain_name(d: Division) -> str:
    """The full division chain of *d* (上海市's city and province count once)."""
    names: list[str] = []
    for x in chain(d):
        if not names or names[-1] != x.name:
            names.append(x.name)
    return "".join(names)


def _region_chain(name: str) -> str | None:
    """The full chain when all of *name* is a chain of divisions (长沙 → 湖南省长沙市), else None."""
    written, _, best = region_prefix(name + "\x00")
    return _chain_name(best) if best is not None and written == name else None


def _ambiguous_place(name: str) -> bool:
    """*name* starts with a county or district that several parents have (鼓楼区…), written alone."""
    m = re.match(r"^(.{1,6}?(?:区|县|市|旗))", name)
    if not m:
        return False
    divisions = lookup(m.group(1))
    parents = {d.adcode[:4] for d in divisions if d.level == 3}
    return len(parents) > 1


def clear_name_caches() -> None:
    """Forget the names :func:`context_bound`, :func:`identity_key` and the region split have seen.

    They are filled while a graph is assembled and would outlive it: at 100k articles their entries
    hold freed heap pages that the process could otherwise give back (``kg build`` calls this after assembling).
    """
    context_bound.cache_clear()
    identity_key.cache_clear()
    region_prefix.cache_clear()


@lru_cache(maxsize=1 << 16)  # pure; a corpus writes the same names in many documents
def context_bound(etype: str, name: str) -> bool:
    """True when *name* depends on its article: its own node there, never merged across articles.

    >>> context_bound("Union", "市总工会"), context_bound("Union", "芜湖市鸠江区总工会")
    (True, False)
    >>> context_bound("Union", "鼓楼区总工会"), context_bound("Enterprise", "邮政公司")
    (True, True)
    """
    r = rules()
    if etype not in r.body_types and etype != "Region":
        return False
    n = _norm(name)
    if n in r.generic_names:
        return True
    written, _, _ = region_prefix(n)
    if written:
        return False  # a place (unique in the division data) leads the name
    if etype == "Region":
        return _region_chain(n) is None and _ambiguous_place(n)
    if _ambiguous_place(n):
        return True
    if any(n.startswith(level) and len(n) > len(level) for level in r.levels):
        return True  # no place before the level: 市总工会, 区委, 公司工会
    m = r.bound_tail.match(n)
    if m and not _place_before(m.group("pre"), m.group("level")):
        return True  # words that are no place before 省总工会/市委…
    if etype == "Enterprise":
        _, core, _ = _company_parts(n)
        return core in r.generic_industries
    return False


def _place_before(pre: str, level: str) -> bool:
    """Some ending of *pre* plus *level* is a division (苏州 + 市), or *pre* is a zone's name."""
    return any(lookup(pre[-k:] + level) for k in range(1, min(len(pre), 8) + 1))


@lru_cache(maxsize=1 << 16)  # pure; a corpus writes the same names in many documents
def identity_key(etype: str, name: str) -> str:
    """The key two written names of one (non-person) entity share.

    >>> identity_key("Union", "鸠江区总工会") == identity_key("Union", "芜湖市鸠江区总工会")
    True
    >>> identity_key("Union", "全总")
    '中华全国总工会'
    >>> identity_key("Program", "2025年四季送活动")
    '四季送'
    """
    r = rules()
    n = _norm(name)
    national = r.national.get((etype, n))
    if national is not None:
        return national
    if etype == "Region":
        return _region_chain(n) or n
    if etype in r.body_types:
        written, _, best = region_prefix(n)
        if best is not None:
            return _chain_name(best) + n[len(written) :]
        return n
    if etype in ("Program", "Award"):
        core = r.edition.sub("", n)
        if etype == "Program":
            for head in r.program_heads:
                if core.endswith(head) and len(core) - len(head) >= 2:
                    core = core[: -len(head)]
                    break
        return core if len(core) >= 2 else n
    return n


def _company_parts(key: str) -> tuple[str, str, str]:
    """(region chain, core, legal suffix) of a company name or key.

    >>> _company_parts("安徽省瑞丰精工有限公司")
    ('安徽省', '瑞丰精工', '有限公司')
    """
    written, _, best = region_prefix(key)
    region = _chain_name(best) if best is not None else ""
    rest = key[len(written) :]
    if rest.endswith("分公司"):
        return region, rest, ""  # a branch is its own body
    for suffix in rules().company_suffixes:
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return region, rest[: -len(suffix)], suffix
    return region, rest, ""


def _short_of(short: tuple[str, str, str], long: tuple[str, str, str]) -> bool:
    """*short* writes the same company as *long* with less: a shorter place or none, no legal form."""
    (rs, cs, ss), (rl, cl, sl) = short, long
    if (rs, cs, ss) == (rl, cl, sl) or not rl.startswith(rs) or ss not in ("", sl):
        return False  # a place that is the long form's or above it (绍兴 ⊂ 绍兴市柯桥区), a legal form or none
    return cs == cl  # a longer core is another body as often as not (广百股份 / 广百股份广百百货)


# --------------------------------------------------------------------------- union-find


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}

    def find(self, x: Key) -> Key:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # deterministic root


# --------------------------------------------------------------------------- the step


@dataclass
class IdentityMap:
    """Where every written name of every document goes: its node, and what kind of node that is."""

    nodes: dict[Item, str] = field(default_factory=dict)
    #: (type, node name) → the one document an article-scoped node belongs to
    scope: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (type, node name) of context-bound forms the article did not resolve
    unresolved: set[tuple[str, str]] = field(default_factory=set)
    #: (type, node name) → every written name that went into it
    written: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    report: IdentityReport = field(default_factory=IdentityReport)

    def node(self, doc_id: str, etype: str, name: str) -> str:
        """The node name of *name* as document *doc_id* writes it (the name itself when unknown)."""
        return self.nodes.get((doc_id, etype, name), name)

    def lean(self) -> IdentityMap:
        """This map without what :meth:`node` does not need: the names that are their own node, and ``written``.

        ``nodes`` then lists only the names that go to another node; :meth:`node`
        answers as before. Assembly keeps the map for its whole run, and a corpus
        writes most names as their node: at 100k articles a million entries less.
        """
        self.nodes = {item: node for item, node in self.nodes.items() if node != item[2]}
        self.written = {}
        return self


_NO_ALIASES: frozenset[str] = frozenset()


def resolve_identity(entities: Iterable[Entity], triples: Iterable[Triple]) -> IdentityMap:
    """Decide the node of every (document, type, name) of an extraction; see the module docstring."""
    r = rules()
    aliases: dict[Item, set[str] | frozenset[str]] = {}
    for e in entities:
        item = (e.doc_id, e.type, e.name)
        if not e.aliases:
            aliases.setdefault(item, _NO_ALIASES)  # most names have none: one shared empty set, not one each
            continue
        known = aliases.get(item, _NO_ALIASES)
        if known is _NO_ALIASES:
            aliases[item] = set(e.aliases)
        else:
            known.update(e.aliases)  # type: ignore[union-attr]
    tie_triples: list[Triple] = []  # only these are needed again: the triples are read once (they may stream from a file)
    for t in triples:
        for ref in (t.subject, t.object):
            aliases.setdefault((t.doc_id, ref.type, ref.name), _NO_ALIASES)
        if t.predicate in r.person_ties and t.subject.type == "Person":
            tie_triples.append(t)
    out = IdentityMap()
    ambiguous: set[str] = set()

    # 1. context-bound forms: one node per document
    bodies: list[Item] = []
    people: list[Item] = []
    for item in sorted(aliases):
        doc_id, etype, name = item
        if context_bound(etype, name):
            node = f"{name} [{doc_id}]"
            out.nodes[item] = node
            out.scope[(etype, node)] = doc_id
            out.unresolved.add((etype, node))
            out.written.setdefault((etype, node), set()).add(name)
        elif etype == "Person":
            people.append(item)
        else:
            bodies.append(item)

    # 2. bodies and the rest: equal keys, then aliases, then short company forms
    uf = _UnionFind()
    key_of: dict[Item, Key] = {}
    for item in bodies:
        key_of[item] = (item[1], identity_key(item[1], item[2]))
        uf.find(key_of[item])
    present = set(key_of.values())
    alias_targets: dict[Key, set[Key]] = {}
    for item in bodies:
        for a in aliases[item]:
            if context_bound(item[1], a):
                continue
            ka = (item[1], identity_key(item[1], a))
            if ka != key_of[item] and ka in present:
                alias_targets.setdefault(ka, set()).add(key_of[item])
    for ka in sorted(alias_targets, key=lambda k: (-len(k[1]), k)):
        targets = {uf.find(t) for t in alias_targets[ka]} - {uf.find(ka)}
        if len(targets) == 1:
            uf.union(ka, targets.pop())
        elif targets:
            ambiguous.add(ka[1])
    companies = sorted((k for k in present if k[0] == "Enterprise"), key=lambda k: (-len(k[1]), k))
    parts = {k: _company_parts(k[1]) for k in companies}
    by_core: dict[str, list[Key]] = {}
    for k in companies:
        by_core.setdefault(parts[k][1], []).append(k)
    for k in companies:
        core = parts[k][1]
        if len(core) < 2 or core in r.generic_industries:
            continue
        targets = {uf.find(x) for x in by_core[core] if _short_of(parts[k], parts[x])} - {uf.find(k)}
        if len(targets) == 1:
            uf.union(k, targets.pop())
        elif targets:
            ambiguous.add(k[1])

    members: dict[Key, list[Item]] = {}
    for item in bodies:
        members.setdefault(uf.find(key_of[item]), []).append(item)
    for root, items in members.items():
        node = _display_name(items)
        for item in items:
            out.nodes[item] = node
        out.written.setdefault((root[0], node), set()).update(i[2] for i in items)

    # 3. people: the same name and a tie (position, studio, award) to the same entity
    ties = _person_ties(people, tie_triples, out, aliases)
    by_name: dict[str, list[Item]] = {}
    for item in people:
        by_name.setdefault(item[2], []).append(item)
    people_apart = 0
    for name, items in sorted(by_name.items()):
        groups = _tie_groups(items, ties)
        if len(groups) > 1:
            people_apart += 1
        used: set[str] = set()
        for group in groups:
            node = name
            if len(groups) > 1:
                tied = sorted({t for item in group for t in ties[item] if t not in out.scope})
                qualifier = tied[0][1] if tied else group[0][0]
                if qualifier in used:
                    qualifier = f"{qualifier}, {group[0][0]}"
                used.add(qualifier)
                node = f"{name} [{qualifier}]"
            for item in group:
                out.nodes[item] = node
            out.written.setdefault(("Person", node), set()).add(name)

    out.report = _report(out, ambiguous, people_apart)
    return out


def _display_name(items: list[Item]) -> str:
    """The name of a node: the fullest written name (longest, then most documents, then first in
    order); for programs and awards one without edition or head first (四季送 before 2025年四季送活动)."""
    docs: dict[str, set[str]] = {}
    for doc_id, etype, name in items:
        docs.setdefault(name, set()).add(doc_id)
    etype = items[0][1]
    if etype not in ("Program", "Award"):  # a body's fullest name is its canonical one (ONTOLOGY.md)
        return min(docs, key=lambda n: (-len(n), -len(docs[n]), n))
    return min(docs, key=lambda n: (_norm(n) != identity_key(etype, n), -len(n), -len(docs[n]), n))


def _person_ties(
    people: list[Item], triples: list[Triple], out: IdentityMap, aliases: dict[Item, set[str] | frozenset[str]]
) -> dict[Item, set[tuple[str, str]]]:
    """Per person item: the (type, node) of what the document ties it to (tie predicates, studios named after it)."""
    r = rules()
    ties: dict[Item, set[tuple[str, str]]] = {item: set() for item in people}
    for t in triples:
        if t.predicate in r.person_ties and t.subject.type == "Person":
            item = (t.doc_id, "Person", t.subject.name)
            if item in ties:
                ties[item].add((t.object.type, out.node(t.doc_id, t.object.type, t.object.name)))
    studios: dict[str, list[tuple[str, str]]] = {}
    for doc_id, etype, name in aliases:
        if etype == "Facility":
            studios.setdefault(doc_id, []).append((name, out.node(doc_id, etype, name)))
    for item in people:
        for written, node in studios.get(item[0], ()):
            if len(item[2]) >= 2 and item[2] in written:
                ties[item].add(("Facility", node))
    return ties


def _tie_groups(items: list[Item], ties: dict[Item, set[tuple[str, str]]]) -> list[list[Item]]:
    """The documents of one person name, grouped where they share a tie (in document order)."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        for tie in sorted(ties[item]):
            if tie in owner:
                a, b = find(i), find(owner[tie])
                parent[max(a, b)] = min(a, b)
            else:
                owner[tie] = i
    groups: dict[int, list[Item]] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), []).append(item)
    return [groups[k] for k in sorted(groups)]


def _report(out: IdentityMap, ambiguous: set[str], people_apart: int) -> IdentityReport:
    names = {(etype, name) for _, etype, name in out.nodes}
    node_docs: dict[tuple[str, str], set[str]] = {}
    for (doc_id, etype, _), node in out.nodes.items():
        node_docs.setdefault((etype, node), set()).add(doc_id)
    merged = {k: v for k, v in out.written.items() if len(v) > 1}
    return IdentityReport(
        names=len(names),
        entities=len(node_docs),
        merged_names=sum(len(v) for v in merged.values()),
        merged_entities=len(merged),
        cross_article=sum(1 for k, v in node_docs.items() if len(v) > 1),
        article_scoped=len(out.unresolved),
        article_scoped_names=len({n for k in out.unresolved for n in out.written[k]}),
        people_apart=people_apart,
        ambiguous=tuple(sorted(ambiguous)),
    )
