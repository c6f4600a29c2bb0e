"""``kg eval --identity``: pairwise merge precision and recall of the identity step.

Two kinds of expected clusters:

- the **cross-document test set** shipped in ``kg/data/identity/``: invented
  articles (``articles/``) and the clusters their names form
  (``clusters.jsonl``, one ``{"cluster", "members": [[doc_id, type, name]…]}``
  a line). The articles are extracted for real and the identity step runs on
  the result; only the members the extraction produced are scored (the rest
  counts against ``covered``, an extraction miss, not an identity one);
- the **alias links of a gold file** (``gold.jsonl``): every alias of a gold
  entity is written alone in an article of its own, so it must find its full
  name across articles; a canonical name and its aliases are one entity over
  all gold documents, except a context-bound form (one of ``lexicon.toml``,
  or a name that starts with a level: 市文明办…), which is one per document. People are left out: gold does not
  say which namesakes are one person.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.errors import InputError
from kg.extract import parallel
from kg.extract.identity import Item, resolve_identity
from kg.extract.lexicon import lexicon
from kg.models import Entity, ExtractionResult, GoldRecord, IdentityScore, Score
from kg.resources import package_data

__all__ = ["TEST_SET", "gold_alias_set", "pairwise", "read_clusters", "score_gold", "score_test_set"]

#: The cross-document test set that ships with kg.
TEST_SET = package_data("identity")
#: How many wrong and missed merges a score lists (the counts cover all).
EXAMPLES = 20
#: Gold names kept as written because the article did not say which body (ONTOLOGY.md): one per document.
_AS_WRITTEN = re.compile(r"^(?:省|市|区|县|自治区|自治州|镇|乡|街道)")


def read_clusters(path: Path) -> list[list[Item]]:
    """The expected clusters of ``clusters.jsonl``; a bad line raises :class:`InputError` naming it."""
    clusters: list[list[Item]] = []
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); give the folder of an identity test set") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            members = json.loads(line)["members"]
            clusters.append([(str(d), str(t), str(n)) for d, t, n in members])
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path}:{lineno}: not a cluster ({exc}); write {{\"cluster\": ..., \"members\": [[doc_id, type, name], ...]}}"
            ) from exc
    return clusters


def pairwise(name: str, nodes: dict[Item, str], clusters: Sequence[Sequence[Item]]) -> IdentityScore:
    """Score predicted *nodes* (item → node name) against expected *clusters*.

    >>> a, b, c = ("d1", "Union", "甲"), ("d2", "Union", "甲"), ("d3", "Union", "乙")
    >>> s = pairwise("t", {a: "甲", b: "甲", c: "甲"}, [[a, b], [c]])
    >>> (s.pairs.tp, s.pairs.fp, s.pairs.fn)
    (1, 2, 0)
    """
    cluster_of = {item: i for i, members in enumerate(clusters) for item in members}
    covered = [item for item in cluster_of if item in nodes]
    both = Counter((cluster_of[i], i[1], nodes[i]) for i in covered)
    predicted = Counter((i[1], nodes[i]) for i in covered)
    expected = Counter(cluster_of[i] for i in covered)

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    wrong: list[str] = []
    by_node: dict[tuple[str, str], set[int]] = {}
    for c, t, node in both:
        by_node.setdefault((t, node), set()).add(c)
    for (t, node), cs in sorted(by_node.items()):
        if len(cs) > 1:
            names = sorted({i[2] + "@" + i[0] for i in covered if (i[1], nodes[i]) == (t, node)})
            wrong.append(f"{t} {node}: " + ", ".join(names))
    missed: list[str] = []
    for c in sorted(expected):
        split = sorted({nodes[i] for i in covered if cluster_of[i] == c})
        if len(split) > 1:
            missed.append(f"{clusters[c][0][1]}: " + " / ".join(split))
    correct = pairs(both.values())
    return IdentityScore(
        name=name,
        items=len(cluster_of),
        covered=len(covered),
        pairs=Score(tp=correct, fp=pairs(predicted.values()) - correct, fn=pairs(expected.values()) - correct),
        wrong_merges=tuple(wrong[:EXAMPLES]),
        missed_merges=tuple(missed[:EXAMPLES]),
    )


def score_test_set(folder: Path = TEST_SET, *, workers: int = 1) -> IdentityScore:
    """Extract the test set's articles, run the identity step and score it against ``clusters.jsonl``."""
    folder = Path(folder)
    clusters = read_clusters(folder / "clusters.jsonl")
    if not (folder / "articles").is_dir():
        raise InputError(f"{folder}: no articles/ folder; an identity test set holds articles/ and clusters.jsonl")
    result: ExtractionResult = parallel.extract([folder / "articles"], workers=workers)
    identity = resolve_identity(result.entities, result.triples)
    return pairwise("cross-document test set", identity.nodes, clusters)


def gold_alias_set(records: Iterable[GoldRecord], *, give_aliases: bool) -> tuple[list[Entity], list[list[Item]]]:
    """Entities and expected clusters built from gold: each alias alone in an article of its own.

    The expected clusters join a canonical name and its aliases, over all
    gold documents (gold writing 上海 in one and 上海市, alias 上海, in another
    says they are one). With *give_aliases* the full name's entity carries its
    aliases (as an extractor writes them); without, only the division,
    company and program rules can link them.
    """
    context_bound = set(lexicon().context_unions)
    entities: list[Entity] = []
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x] = parent[parent[x]]
        return x

    placed: list[tuple[Item, tuple[str, str]]] = []  # item, the name it is filed under
    singles: list[list[Item]] = []
    for rec in records:
        for e in rec.entities:
            if e.type == "Person":
                continue
            aliases = tuple(a for a in e.aliases if a != e.name)
            entities.append(Entity(doc_id=rec.doc_id, type=e.type, name=e.name, aliases=aliases if give_aliases else ()))
            members = [(rec.doc_id, e.type, e.name)]
            for k, a in enumerate(aliases):
                alias_doc = f"{rec.doc_id}~alias{k}"
                entities.append(Entity(doc_id=alias_doc, type=e.type, name=a))
                members.append((alias_doc, e.type, a))
            if e.name in context_bound or _AS_WRITTEN.match(e.name):
                singles.append(members)
                continue
            for a in aliases:
                parent[find((e.type, a))] = find((e.type, e.name))
            placed.extend((m, (e.type, e.name)) for m in members)
    clusters: dict[tuple[str, str], list[Item]] = {}
    for item, name in placed:
        clusters.setdefault(find(name), []).append(item)
    return entities, [*clusters.values(), *singles]


def score_gold(records: Sequence[GoldRecord], *, give_aliases: bool) -> IdentityScore:
    """Score the identity step on the alias links of gold records (see :func:`gold_alias_set`)."""
    entities, clusters = gold_alias_set(records, give_aliases=give_aliases)
    identity = resolve_identity(entities, ())
    what = "gold alias links, aliases given" if give_aliases else "gold alias links, aliases withheld"
    return pairwise(what, identity.nodes, clusters)
