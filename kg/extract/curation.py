"""Curation: a researcher's corrections, applied to the assembled graph on every run.

The corrections live in a plain, reviewable file, ``curation.toml`` (next to
the corpus, or given with ``--curation``); ``kg curate merge|rename|reject|add``
append to it (:mod:`kg.extract.curation_file`). :func:`apply_curation` runs right
after the identity step, inside :func:`kg.extract.assemble.assemble`, so
``kg build``, the embedded database, ``kg load`` and every export see the same
corrected graph. In this order:

1. ``[[merge]]`` — several entities are one (the others' names become aliases);
2. ``[[rename]]`` — another name and/or type (the old name becomes an alias);
3. ``[[reject]]`` — an entity (with all its facts) or a fact that must not appear;
4. ``[[add]]`` — a fact with a citation: a sentence of a loaded document, or a
   free-text source.

Names are found by canonical name first, then by alias, and only when they
fit one entity. An entry that matches nothing (stale: the extractor changed,
or the name is wrong) or more than one entity is reported, never applied by
guess. Facts that curation added, and entities it renamed or merged, carry
``provenance = "curated"``; what it removed is listed in
``GraphData.retracted_*`` so that ``kg load`` deletes it from a database that
already holds it: a rejected fact never reappears.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.dates import iso_date
from kg.extract.regions import region_levels
from kg.models import (
    CurationAdd,
    CurationFile,
    CurationProblem,
    CurationReport,
    EntityRef,
    EvidenceRecord,
    GraphData,
    MentionRecord,
    NodeRecord,
    RelKey,
    RelRecord,
)
from kg.ontology import load_ontology

__all__ = ["CURATED", "apply_curation", "fact_dates"]

#: ``provenance`` of what curation made, and the ``extractor`` of its evidence
CURATED = "curated"

Key = tuple[str, str]  # (type, name)
RKey = tuple[str, str, str, str, str]  # (subject type, subject name, predicate, object type, object name)


def fact_dates(evidence: tuple[EvidenceRecord, ...], doc_dates: dict[str, str],
               extra: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """First and last ISO date of a fact's evidence (documents' dates; *extra* by evidence key).

    >>> ev = EvidenceRecord(doc_id="a", sentence="s", start=0, end=1, extractor="x", confidence=1.0)
    >>> fact_dates((ev,), {"a": "2024-05-01"})
    ('2024-05-01', '2024-05-01')
    """
    dates = sorted(d for d in ((extra or {}).get(e.key) or doc_dates.get(e.doc_id, "") for e in evidence) if d)
    return (dates[0], dates[-1]) if dates else (None, None)


@dataclass
class _Graph:
    """The graph being curated, mutable: nodes and relationships by key."""

    nodes: dict[Key, dict]
    rels: dict[RKey, dict]
    mentions: dict[tuple[str, str, str], int]
    doc_text: dict[str, str]
    doc_dates: dict[str, str]
    extra_dates: dict[str, str] = field(default_factory=dict)
    retracted_nodes: set[Key] = field(default_factory=set)
    retracted_rels: set[RKey] = field(default_factory=set)

    def find(self, name: str, type_: str | None) -> list[Key]:
        """Nodes named *name* (canonical first, else by alias), of *type_* if given."""
        exact = [k for k in self.nodes if k[1] == name and (type_ is None or k[0] == type_)]
        if exact:
            return exact
        return sorted(k for k, n in self.nodes.items()
                      if name in n["aliases"] and (type_ is None or k[0] == type_))

    def move(self, src: Key, dst: Key, onto, problems: list[str]) -> None:
        """Fold node *src* into *dst* (created if missing): names, documents, mentions, relationships."""
        s = self.nodes.pop(src)
        d = self.nodes.get(dst)
        if d is None:
            d = self.nodes[dst] = {**s, "type": dst[0], "name": dst[1], "aliases": [], "doc_ids": [],
                                   "unresolved": False}
            if dst[0] == "Region":
                d["province"], d["city"], d["district"] = region_levels(dst[1])
            elif src[0] == "Region":
                d["province"] = d["city"] = d["district"] = None
        for a in (src[1], *s["aliases"]):
            if a != dst[1] and a not in d["aliases"]:
                d["aliases"].append(a)
        d["doc_ids"] += [x for x in s["doc_ids"] if x not in d["doc_ids"]]
        d["provenance"] = CURATED
        if d["scope"] != s["scope"]:
            d["scope"] = None  # now spans the documents of both
        self.retracted_nodes.add(src)
        self.retracted_nodes.discard(dst)
        for (t, n, doc), count in list(self.mentions.items()):
            if (t, n) == src:
                del self.mentions[(t, n, doc)]
                self.mentions[(*dst, doc)] = self.mentions.get((*dst, doc), 0) + count
        for key in [k for k in self.rels if (k[0], k[1]) == src or (k[3], k[4]) == src]:
            r = self.rels.pop(key)
            self.retracted_rels.add(key)
            subj = dst if (key[0], key[1]) == src else (key[0], key[1])
            obj = dst if (key[3], key[4]) == src else (key[3], key[4])
            if subj == obj:
                problems.append(f"{key[1]} {key[2]} {key[4]}: both ends are now {dst[1]}; dropped")
                continue
            if not onto.allows(subj[0], key[2], obj[0]):
                problems.append(f"{subj[1]} {key[2]} {obj[1]}: {subj[0]}→{obj[0]} is outside the ontology; dropped")
                continue
            self.put_rel((*subj, key[2], *obj), r)

    def put_rel(self, key: RKey, r: dict) -> None:
        """Add relationship *r* under *key*, merged with one already there."""
        self.retracted_rels.discard(key)
        have = self.rels.get(key)
        if have is None:
            self.rels[key] = {**r, "evidence": dict(r["evidence"]), "attrs": dict(r["attrs"])}
            return
        for k, ev in r["evidence"].items():
            have["evidence"].setdefault(k, ev)
        for k, v in r["attrs"].items():
            have["attrs"].setdefault(k, v)
        if r["provenance"] == CURATED:
            have["provenance"] = CURATED


def _start(graph: GraphData) -> _Graph:
    nodes = {(n.type, n.name): {**n.model_dump(), "aliases": list(n.aliases), "doc_ids": list(n.doc_ids)}
             for n in graph.nodes}
    rels = {r.key: {"attrs": dict(r.attrs), "evidence": {e.key: e for e in r.evidence}, "provenance": r.provenance}
            for r in graph.rels}
    return _Graph(
        nodes=nodes, rels=rels,
        mentions={(m.type, m.name, m.doc_id): m.mentions for m in graph.mentions},
        doc_text={d.doc_id: d.text for d in graph.documents},
        doc_dates={d.doc_id: iso_date(d.date) for d in graph.documents},
    )


class _Run:
    """One application of a curation file: the entries, in order, and what became of each."""

    def __init__(self, g: _Graph, cur: CurationFile) -> None:
        self.g, self.cur, self.onto = g, cur, load_ontology()
        self.problems: list[CurationProblem] = []
        self.counts = {"applied": 0, "merged": 0, "renamed": 0, "rejected_entities": 0, "rejected_facts": 0,
                       "added_facts": 0}

    def problem(self, kind: str, i: int, entry: str, message: str) -> None:
        self.problems.append(CurationProblem(path=self.cur.path, line=self.cur.lines.get(f"{kind}:{i}"),
                                             entry=entry, message=message))

    def one(self, kind: str, i: int, entry: str, name: str, type_: str | None) -> Key | None:
        """The one node *name* names, or None with a problem (stale or ambiguous)."""
        found = self.g.find(name, type_)
        if len(found) == 1:
            return found[0]
        what = f"{type_} {name!r}" if type_ else repr(name)
        if not found:
            self.problem(kind, i, entry, f"stale: no entity {what} in the graph any more; fix or remove the entry")
        else:
            options = ", ".join(f"{t}:{n}" for t, n in found)
            self.problem(kind, i, entry, f"{what} fits several entities ({options}); add its type to the entry")
        return None

    def notes(self, kind: str, i: int, entry: str, notes: list[str]) -> None:
        for note in notes:
            self.problem(kind, i, entry, note)

    def merge(self) -> None:
        for i, m in enumerate(self.cur.merge):
            entry = f"merge {m.into} <- {', '.join(m.names)}"
            dst = self.one("merge", i, entry, m.into, m.type)
            if dst is None:
                continue
            done = 0
            for name in m.names:
                found = [k for k in self.g.find(name, m.type or None) if k != dst]
                if not found:
                    if name not in self.g.nodes[dst]["aliases"]:
                        self.problem("merge", i, entry, f"stale: no entity {name!r} to merge; fix or remove the name")
                    continue
                if len(found) > 1:
                    options = ", ".join(f"{t}:{n}" for t, n in found)
                    self.problem("merge", i, entry, f"{name!r} fits several entities ({options}); add type = ...")
                    continue
                notes: list[str] = []
                self.g.move(found[0], dst, self.onto, notes)
                self.notes("merge", i, entry, notes)
                done += 1
            if done:
                self.counts["merged"] += done
                self.counts["applied"] += 1

    def rename(self) -> None:
        for i, r in enumerate(self.cur.rename):
            entry = f"rename {r.name} -> {r.new_type or ''}:{r.new_name or ''}".replace(" -> :", " -> ")
            if r.new_type and r.new_type not in self.onto.types:
                self.problem("rename", i, entry, f"unknown type {r.new_type}; one of {', '.join(self.onto.types)}")
                continue
            src = self.one("rename", i, entry, r.name, r.type)
            if src is None:
                continue
            dst = (r.new_type or src[0], r.new_name or src[1])
            if dst == src:
                self.problem("rename", i, entry, "stale: the entity already has this name and type")
                continue
            notes: list[str] = []
            self.g.move(src, dst, self.onto, notes)
            self.notes("rename", i, entry, notes)
            self.counts["renamed"] += 1
            self.counts["applied"] += 1

    def reject(self) -> None:
        for i, r in enumerate(self.cur.reject):
            if r.entity:
                key = self.one("reject", i, r.label, r.entity, r.type)
                if key is None:
                    continue
                del self.g.nodes[key]
                self.g.retracted_nodes.add(key)
                for m in [m for m in self.g.mentions if (m[0], m[1]) == key]:
                    del self.g.mentions[m]
                for k in [k for k in self.g.rels if key in ((k[0], k[1]), (k[3], k[4]))]:
                    del self.g.rels[k]
                self.counts["rejected_entities"] += 1
                self.counts["applied"] += 1
                continue
            s = self.one("reject", i, r.label, r.subject or "", r.subject_type)
            o = self.one("reject", i, r.label, r.object or "", r.object_type)
            if s is None or o is None:
                continue
            key = (*s, r.predicate or "", *o)
            if key not in self.g.rels:
                self.problem("reject", i, r.label, "stale: the graph has no such fact any more; remove the entry")
                continue
            del self.g.rels[key]
            self.g.retracted_rels.add(key)
            self.counts["rejected_facts"] += 1
            self.counts["applied"] += 1

    def _end(self, i: int, a: CurationAdd, name: str, type_: str) -> Key | None:
        found = self.g.find(name, type_)
        if len(found) > 1:
            self.problem("add", i, a.label, f"{type_} {name!r} fits several entities; use the canonical name")
            return None
        if found:
            return found[0]
        key = (type_, name)  # a new entity, made by curation
        prov, city, dist = region_levels(name) if type_ == "Region" else (None, None, None)
        self.g.nodes[key] = {"type": type_, "name": name, "aliases": [], "doc_ids": [], "province": prov,
                             "city": city, "district": dist, "scope": None, "unresolved": False,
                             "provenance": CURATED}
        self.g.retracted_nodes.discard(key)
        return key

    def add(self) -> None:
        for i, a in enumerate(self.cur.add):
            if not self.onto.allows(a.subject_type, a.predicate, a.object_type):
                self.problem("add", i, a.label, f"{a.subject_type} {a.predicate} {a.object_type} is outside the "
                             "ontology (schemas/ontology.toml); fix the types or the predicate")
                continue
            if a.doc_id:
                text = self.g.doc_text.get(a.doc_id)
                if text is None:
                    self.problem("add", i, a.label, f"stale: document {a.doc_id!r} is not in the graph")
                    continue
                start = text.find(a.sentence)
                if start < 0:
                    self.problem("add", i, a.label, f"the sentence is not in document {a.doc_id!r}; copy it exactly")
                    continue
                ev = EvidenceRecord(doc_id=a.doc_id, sentence=a.sentence, start=start, end=start + len(a.sentence),
                                    extractor=CURATED, confidence=1.0)
            else:
                ev = EvidenceRecord(doc_id="", sentence=a.source, start=0, end=len(a.source), extractor=CURATED,
                                    confidence=1.0)
                if iso_date(a.date):
                    self.g.extra_dates[ev.key] = iso_date(a.date)
            s, o = self._end(i, a, a.subject, a.subject_type), self._end(i, a, a.object, a.object_type)
            if s is None or o is None:
                continue
            for end in (s, o):
                if a.doc_id:
                    node = self.g.nodes[end]
                    if a.doc_id not in node["doc_ids"]:
                        node["doc_ids"].append(a.doc_id)
                    self.g.mentions.setdefault((*end, a.doc_id), 1)
            attrs = {k: v for k, v in a.attrs.items() if k in self.onto.attrs}
            self.g.put_rel((*s, a.predicate, *o), {"attrs": attrs, "evidence": {ev.key: ev}, "provenance": CURATED})
            self.counts["added_facts"] += 1
            self.counts["applied"] += 1


def apply_curation(graph: GraphData, cur: CurationFile) -> GraphData:
    """*graph* with the entries of *cur* applied, ``curation`` reporting what happened.

    Pure: the same graph and file give the same result, so loads stay idempotent.
    """
    g = _start(graph)
    run = _Run(g, cur)
    run.merge()
    run.rename()
    run.reject()
    run.add()
    nodes = tuple(NodeRecord(**{**n, "aliases": tuple(n["aliases"]), "doc_ids": tuple(n["doc_ids"])})
                  for _, n in sorted(g.nodes.items()))
    rels = []
    for key, r in sorted(g.rels.items()):
        evidence = tuple(r["evidence"].values())
        first, last = fact_dates(evidence, g.doc_dates, g.extra_dates)
        rels.append(RelRecord(
            subject=EntityRef(type=key[0], name=key[1]), predicate=key[2], object=EntityRef(type=key[3], name=key[4]),
            confidence=max(e.confidence for e in evidence), attrs=r["attrs"], evidence=evidence,
            first_date=first, last_date=last, provenance=r["provenance"],
        ))
    report = CurationReport(path=cur.path, entries=cur.entries, problems=(*cur.problems, *run.problems),
                            **run.counts)
    return graph.model_copy(update={
        "nodes": nodes,
        "rels": tuple(rels),
        "mentions": tuple(MentionRecord(type=t, name=n, doc_id=d, mentions=c)
                          for (t, n, d), c in sorted(g.mentions.items())),
        "curation": report,
        "retracted_nodes": tuple(EntityRef(type=t, name=n) for t, n in sorted(g.retracted_nodes - g.nodes.keys())),
        "retracted_rels": tuple(RelKey(subject=EntityRef(type=k[0], name=k[1]), predicate=k[2],
                                       object=EntityRef(type=k[3], name=k[4]))
                                for k in sorted(g.retracted_rels - g.rels.keys())),
    })
