"""Score extracted entities and triples against gold annotations (ONTOLOGY.md rule).

A predicted name matches a gold entity when, after NFKC normalisation and
removing white space, quotation and book-title marks and the middle dot, it
equals the gold name or one of its aliases. Entities are scored as
``(type, name)``, triples as ``(subject, predicate, object)`` after mapping
both ends to gold canonical names; per file, micro-averaged over the gold files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.models import (
    DocScore,
    Entity,
    EvalError,
    EvalReport,
    GoldEntity,
    GoldRecord,
    Score,
    Triple,
)

__all__ = ["GoldIndex", "normalize_name", "score", "split_docs", "format_report", "format_errors", "SPLITS"]

# Quotation marks, book-title marks and middle dots (with their look-alikes)
# carry no identity: “匠心筑梦” and 匠心筑梦 are one program, 青春同行·逐梦而来
# and 青春同行逐梦而来 one name. Applied after NFKC, which already folds the
# full-width forms (＂＇｢｣) onto these.
_IGNORED = re.compile(r"[\s\"'“”‘’„‟「」『』《》〈〉〈〉«»‹›·•‧・∙⋅･]")

#: named subsets of the gold documents (see :func:`split_docs`)
SPLITS = ("tune", "heldout")
# One in _HELDOUT_EVERY documents is held out, chosen by a hash of its id so
# that the split is stable whatever other documents the gold holds.
_HELDOUT_EVERY = 4


def normalize_name(name: str) -> str:
    """The form names are compared in.

    >>> normalize_name("“匠心筑梦” 行动")
    '匠心筑梦行动'
    >>> normalize_name("青春同行・逐梦而来")
    '青春同行逐梦而来'
    >>> normalize_name("远帆（宁川）有限责任公司")
    '远帆(宁川)有限责任公司'
    """
    return _IGNORED.sub("", unicodedata.normalize("NFKC", name))


def split_docs(doc_ids: Iterable[str], part: str) -> list[str]:
    """The documents of a named split: ``"heldout"`` (one in four, by hash of the id) or ``"tune"`` (the rest).

    >>> ids = [f"{i:03d}" for i in range(8)]
    >>> sorted(split_docs(ids, "tune") + split_docs(ids, "heldout")) == ids
    True
    """
    if part not in SPLITS:
        raise InputError(f"unknown split {part!r}; choose one of {', '.join(SPLITS)}")
    held = [d for d in doc_ids if int(hashlib.sha1(d.encode("utf-8")).hexdigest(), 16) % _HELDOUT_EVERY == 0]
    if part == "heldout":
        return held
    held_set = set(held)
    return [d for d in doc_ids if d not in held_set]


# --------------------------------------------------------------------------- matching


@dataclass
class GoldIndex:
    """Normalised names and aliases of one document's gold entities."""

    by_type: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, key) -> canonical
    any_type: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (type, canonical)

    @classmethod
    def build(cls, entities: Sequence[GoldEntity]) -> "GoldIndex":
        index = cls()
        # Names first, aliases second: an alias never takes a key that is
        # another entity's own name.
        for use_aliases in (False, True):
            for ent in entities:
                for surface in ent.aliases if use_aliases else (ent.name,):
                    key = normalize_name(surface)
                    if key:
                        index.by_type.setdefault((ent.type, key), ent.name)
                        index.any_type.setdefault(key, (ent.type, ent.name))
        return index

    def entity(self, type_: str, name: str) -> str | None:
        """Canonical gold name of the entity of this type that *name* matches."""
        return self.by_type.get((type_, normalize_name(name)))

    def node(self, type_: str, name: str) -> str:
        """A triple end mapped to a gold canonical name (same type preferred), else its own key."""
        key = normalize_name(name)
        if (type_, key) in self.by_type:
            return self.by_type[(type_, key)]
        if key in self.any_type:
            return self.any_type[key][1]
        return key


# --------------------------------------------------------------------------- scoring


def score(
    gold: Sequence[GoldRecord],
    entities: Iterable[Entity],
    triples: Iterable[Triple],
    *,
    docs: Iterable[str] | None = None,
) -> EvalReport:
    """Score predictions against gold, per file and micro-averaged over the gold files.

    *docs* restricts scoring to these gold documents (e.g. a held-out part).
    Predictions for documents without gold are ignored and listed in
    ``ignored_docs``; gold documents without predictions count all their gold
    as misses and are listed in ``unpredicted_docs``.

    >>> from kg.models import EntityRef, Evidence
    >>> g = GoldRecord(doc_id="d", entities=[GoldEntity(type="Program", name="匠心筑梦", aliases=["匠心筑梦行动"])])
    >>> e = Entity(doc_id="d", type="Program", name="“匠心筑梦”行动")
    >>> score([g], [e], []).entities.f1
    1.0
    """
    gold_by_doc: dict[str, GoldRecord] = {}
    for rec in gold:
        gold_by_doc.setdefault(rec.doc_id, rec)
    if docs is None:
        selected = list(gold_by_doc)
    else:
        selected = list(dict.fromkeys(docs))
        unknown = [d for d in selected if d not in gold_by_doc]
        if unknown:
            raise InputError(
                f"no gold annotations for {', '.join(unknown)}; check the document ids against the gold file"
            )

    ents_by_doc: dict[str, list[Entity]] = defaultdict(list)
    for ent in entities:
        ents_by_doc[ent.doc_id].append(ent)
    trips_by_doc: dict[str, list[Triple]] = defaultdict(list)
    for trip in triples:
        trips_by_doc[trip.doc_id].append(trip)

    doc_scores: list[DocScore] = []
    by_type: dict[str, Score] = defaultdict(Score)
    by_predicate: dict[str, Score] = defaultdict(Score)
    for doc_id in selected:
        doc_score, types, predicates = _score_document(
            gold_by_doc[doc_id], ents_by_doc.get(doc_id, []), trips_by_doc.get(doc_id, [])
        )
        doc_scores.append(doc_score)
        for k, v in types.items():
            by_type[k] += v
        for k, v in predicates.items():
            by_predicate[k] += v

    predicted = set(ents_by_doc) | set(trips_by_doc)
    return EvalReport(
        entities=sum((d.entities for d in doc_scores), Score()),
        triples=sum((d.triples for d in doc_scores), Score()),
        by_type=dict(sorted(by_type.items())),
        by_predicate=dict(sorted(by_predicate.items())),
        documents=tuple(doc_scores),
        unpredicted_docs=tuple(d for d in selected if d not in predicted),
        ignored_docs=tuple(sorted(predicted - set(gold_by_doc))),
    )


def _counts(pred: set, gold: set, label) -> dict[str, Score]:  # type: ignore[type-arg]
    out: dict[str, Score] = defaultdict(Score)
    for item in pred | gold:
        out[label(item)] += Score(tp=int(item in pred and item in gold), fp=int(item not in gold), fn=int(item not in pred))
    return out


def _score_document(
    gold: GoldRecord, entities: list[Entity], triples: list[Triple]
) -> tuple[DocScore, dict[str, Score], dict[str, Score]]:
    index = GoldIndex.build(gold.entities)
    fps: list[EvalError] = []
    fns: list[EvalError] = []

    # --- entities: (type, gold canonical name) or (type, normalised own name)
    gold_ents = {(e.type, e.name) for e in gold.entities}
    pred_ents: dict[tuple[str, str], Entity] = {}
    for ent in entities:
        canonical = index.entity(ent.type, ent.name)
        pred_ents.setdefault((ent.type, canonical if canonical is not None else normalize_name(ent.name)), ent)
    for key in sorted(set(pred_ents) - gold_ents):
        ent = pred_ents[key]
        note = ""
        other = index.any_type.get(normalize_name(ent.name))
        if other is not None:
            note = f"gold has it as {other[0]} {other[1]}"
        fps.append(EvalError(kind="entity", label=ent.type, item=f"{ent.type} {ent.name}", note=note))
    pred_names = {normalize_name(e.name): e for e in entities}
    for type_, name in sorted(gold_ents - set(pred_ents)):
        note = ""
        keys = [normalize_name(name)] + [normalize_name(a) for g in gold.entities if g.name == name for a in g.aliases]
        near = next((pred_names[k] for k in keys if k in pred_names), None)
        if near is not None:
            note = f"predicted as {near.type} {near.name}"
        fns.append(EvalError(kind="entity", label=type_, item=f"{type_} {name}", note=note))
    by_type = _counts(set(pred_ents), gold_ents, lambda k: k[0])

    # --- triples: both ends mapped to gold canonical names
    gold_trips: set[tuple[str, str, str]] = set()
    for t in gold.triples:
        gold_trips.add((index.node("", t.s), t.p, index.node("", t.o)))
    pred_trips: dict[tuple[str, str, str], Triple] = {}
    for t in triples:
        key = (index.node(t.subject.type, t.subject.name), t.predicate, index.node(t.object.type, t.object.name))
        pred_trips.setdefault(key, t)
    gold_pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p, o in gold_trips:
        gold_pairs[(s, o)].append(p)
    for key in sorted(set(pred_trips) - gold_trips):
        t = pred_trips[key]
        s, p, o = key
        note = ""
        if gold_pairs.get((s, o)):
            note = f"gold predicate {'/'.join(sorted(gold_pairs[(s, o)]))}"
        elif gold_pairs.get((o, s)):
            note = "gold has it the other way round"
        else:
            # same subject and predicate, other object (or the reverse): the
            # usual sign of a wrong argument boundary or a missed resolution
            objects = sorted(go for gs, gp, go in gold_trips if (gs, gp) == (s, p))
            subjects = sorted(gs for gs, gp, go in gold_trips if (gp, go) == (p, o))
            if objects:
                note = f"gold objects: {'、'.join(objects[:3])}{' …' if len(objects) > 3 else ''}"
            elif subjects:
                note = f"gold subjects: {'、'.join(subjects[:3])}{' …' if len(subjects) > 3 else ''}"
        fps.append(
            EvalError(
                kind="triple",
                label=p,
                item=f"{t.subject.name} -{p}-> {t.object.name}",
                evidence=t.evidence.sentence,
                note=note,
            )
        )
    pred_pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p, o in pred_trips:
        pred_pairs[(s, o)].append(p)
    for s, p, o in sorted(gold_trips - set(pred_trips)):
        note = f"predicted {'/'.join(sorted(pred_pairs[(s, o)]))}" if pred_pairs.get((s, o)) else ""
        fns.append(EvalError(kind="triple", label=p, item=f"{s} -{p}-> {o}", note=note))
    by_predicate = _counts(set(pred_trips), gold_trips, lambda k: k[1])

    doc = DocScore(
        doc_id=gold.doc_id,
        entities=sum(by_type.values(), Score()),
        triples=sum(by_predicate.values(), Score()),
        false_positives=tuple(fps),
        false_negatives=tuple(fns),
    )
    return doc, by_type, by_predicate


# --------------------------------------------------------------------------- rendering


def _cells(text: str) -> int:
    """Terminal width of *text* (CJK characters take two cells)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row(label: str, s: Score, width: int) -> str:
    pad = " " * max(0, width - _cells(label))
    return f"{label}{pad}  {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp:5d} {s.fp:5d} {s.fn:5d}"


def _table(title: str, rows: list[tuple[str, Score]]) -> list[str]:
    width = max([_cells(r[0]) for r in rows] + [_cells(title)])
    head = f"{title}{' ' * (width - _cells(title))}       P      R     F1     tp    fp    fn"
    return [head, "-" * _cells(head)] + [_row(label, s, width) for label, s in rows]


def format_report(report: EvalReport) -> str:
    """The report as plain-text tables: overall, per type, per predicate, per document."""
    lines = _table("overall", [("entities", report.entities), ("triples", report.triples)])
    lines += [""] + _table("entity type", list(report.by_type.items()))
    lines += [""] + _table("predicate", list(report.by_predicate.items()))
    width = max([_cells(d.doc_id) for d in report.documents] + [8])
    head = f"{'document':<{width}}   entities P      R     F1 |  triples P      R     F1"
    lines += ["", head, "-" * len(head)]
    for d in report.documents:
        e, t = d.entities, d.triples
        lines.append(
            f"{d.doc_id}{' ' * (width - _cells(d.doc_id))}   {e.precision:10.3f} {e.recall:6.3f} {e.f1:6.3f} |"
            f" {t.precision:9.3f} {t.recall:6.3f} {t.f1:6.3f}"
        )
    if report.unpredicted_docs:
        lines += ["", f"no predictions for {len(report.unpredicted_docs)} gold documents: " + ", ".join(report.unpredicted_docs)]
    if report.ignored_docs:
        lines += ["", f"ignored predictions for {len(report.ignored_docs)} documents without gold: " + ", ".join(report.ignored_docs)]
    return "\n".join(lines)


def format_errors(report: EvalReport) -> str:
    """False positives and negatives per document, grouped so a rule's mistakes stand together.

    ``+`` marks a false positive (predicted, not in gold), ``-`` a false
    negative (in gold, missed); a note in brackets says why it nearly matched.
    """
    lines: list[str] = []
    for doc in report.documents:
        if not doc.false_positives and not doc.false_negatives:
            continue
        lines.append(
            f"=== {doc.doc_id}   entities P {doc.entities.precision:.2f} R {doc.entities.recall:.2f}"
            f" | triples P {doc.triples.precision:.2f} R {doc.triples.recall:.2f}"
        )
        for kind in ("entity", "triple"):
            fp = sorted((e for e in doc.false_positives if e.kind == kind), key=lambda e: (e.label, e.item))
            fn = sorted((e for e in doc.false_negatives if e.kind == kind), key=lambda e: (e.label, e.item))
            if not fp and not fn:
                continue
            lines.append(f"  {kind} errors: {len(fp)} false positives, {len(fn)} false negatives")
            for sign, errors in (("+", fp), ("-", fn)):
                for e in errors:
                    note = f"   [{e.note}]" if e.note else ""
                    lines.append(f"    {sign} {e.item}{note}")
                    if e.evidence:
                        lines.append(f"        « {e.evidence.strip()[:160]} »")
        lines.append("")
    return "\n".join(lines) if lines else "no errors"
