"""The learned extractor: the rules' analysis, the span tagger's proposals, and learned decisions.

1. :func:`kg.extract.analysis.analyse` with the trained span tagger as an
   extra span source: every rule candidate, every alternative, every tagged
   span, resolved in context.
2. Entity candidates and relation instances (:mod:`kg.extract.learn.instances`)
   are scored by the trained boosters on the features of
   :mod:`kg.extract.learn.features`.
3. A fact is kept when the best of its instances clears its predicate's
   threshold; an entity when it clears its type's threshold or a kept fact
   uses it. Evidence is the sentence of that best instance. Only the
   instances that may add a fact are scored (:func:`score_document`): a rule
   fact that stands keeps the rule's confidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.analysis import Analysis, analyse
from kg.extract.learn.features import entity_features, prepare_relations, relation_columns
from kg.extract.learn.instances import DocView, EntityCandidate, RelationInstance, view_of
from kg.extract.learn.model import Models, load_models
from kg.extract.lexicon import lexicon
from kg.extract.output import entity_records, triple_record
from kg.extract.relations import AMOUNT, COUNT, PLANNED
from kg.models import Document, Entity, Span, Triple
from kg.ontology import load_ontology

__all__ = ["PIECE_CHARS", "RELATION_CUTS", "SCORED_PREDICATES", "Scored", "decide", "relation_threshold", "run_learned",
           "score_document", "scored_predicates", "text_pieces"]

# (entity candidates with probabilities, relation instances with probabilities)
Scored = tuple[list[tuple[EntityCandidate, float]], list[tuple[RelationInstance, float]]]


#: a longer document is decided in pieces of about this many characters (cut at a line or sentence end),
#: so that time and memory stay proportional to its length (a newspaper issue pasted as one line)
PIECE_CHARS = 100_000
_PIECE_ENDS = "\n。！？!?"


def run_learned(doc: Document, models: Models | None = None) -> tuple[list[Entity], list[Triple]]:
    """Entities and triples of *doc* as the learned models decide them."""
    if not doc.text.strip():
        return [], []
    models = models or load_models()
    if len(doc.text) <= PIECE_CHARS:
        return _run_one(doc, models)
    entities: dict[tuple[str, str], Entity] = {}
    facts: dict[tuple[str, str, str, str, str], Triple] = {}
    for offset, piece in text_pieces(doc.text, PIECE_CHARS):
        if not piece.strip():
            continue
        ents, trips = _run_one(doc.model_copy(update={"text": piece}), models)
        for e in ents:
            e = e.model_copy(update={"mentions": tuple(Span(start=m.start + offset, end=m.end + offset)
                                                      for m in e.mentions)})
            seen = entities.get((e.type, e.name))
            entities[(e.type, e.name)] = e if seen is None else seen.model_copy(update={
                "aliases": tuple(dict.fromkeys(seen.aliases + e.aliases)), "mentions": seen.mentions + e.mentions})
        for t in trips:
            t = t.model_copy(update={"evidence": t.evidence.model_copy(update={
                "start": t.evidence.start + offset, "end": t.evidence.end + offset})})
            key = (t.subject.type, t.subject.name, t.predicate, t.object.type, t.object.name)
            if key not in facts or t.confidence > facts[key].confidence:
                facts[key] = t
    return list(entities.values()), list(facts.values())


def text_pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) of *text* cut into pieces of at most *size* characters, each ending at the last
    line or sentence end before the bound when there is one in its second half.

    >>> text_pieces("甲乙。丙丁戊。己", size=4)
    [(0, '甲乙。'), (3, '丙丁戊。'), (7, '己')]
    """
    out = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind(c, start + size // 2, end) for c in _PIECE_ENDS)
            if cut >= 0:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def _run_one(doc: Document, models: Models) -> tuple[list[Entity], list[Triple]]:
    a = analyse(doc, spans=models.spans)
    view = view_of(a)
    return decide(view, score_document(view, models), models)


def score_document(view: DocView, models: Models) -> Scored:
    """The probability of every entity candidate and relation instance of one document.

    Only the instances that can add a fact are scored: those of the predicates of :func:`scored_predicates`
    whose fact no rule states (or whose rule facts do not stand as they are). An instance of a fact a rule
    states that stands whatever its score has the rule's confidence; of the other predicates, only those
    instances are generated.
    """
    ents = view.entity_candidates()
    pe = models.entities.probabilities([entity_features(view, e) for e in ents])
    scored = scored_predicates(models)
    rels = view.relation_instances(scored)
    prepare_relations(view, rels, {(e.type, e.name): float(p) for e, p in zip(ents, pe, strict=True)})
    facts, stand = view.rule_facts, models.relations.passthrough
    stated = [r.p in stand and (r.s.name, r.p, r.o.name) in facts for r in rels]
    live = [r for r, known in zip(rels, stated, strict=True) if not known]
    probs = iter(models.relations.predict_rows(*relation_columns(view, live, models.relations.live_columns)).tolist())
    pr = [facts[(r.s.name, r.p, r.o.name)].confidence if known else next(probs)
          for r, known in zip(rels, stated, strict=True)]
    return list(zip(ents, map(float, pe), strict=True)), list(zip(rels, pr, strict=True))


#: the predicates the relation model scores when its meta names none (models trained before
#: ``scored_predicates``): those whose added facts (no rule states them) raised their F1 in the 5-fold CV of
#: the dev set's tune documents (HOLDS_POSITION 8 right added, IN_REGION 5 right 1 wrong, RUNS 1 right,
#: SUPPORTS 33 right 46 wrong at its cut of 0.4: F1 0.457 -> 0.538). The model added no fact of any other
#: predicate but one wrong visit: for those it only rescored the rules' own facts, which stand all the same.
SCORED_PREDICATES = frozenset({"HOLDS_POSITION", "IN_REGION", "RUNS", "SUPPORTS"})


def scored_predicates(models: Models) -> frozenset[str]:
    """The predicates whose relation instances are scored: those the model may add facts to (meta
    ``scored_predicates``, else :data:`SCORED_PREDICATES`), and every predicate whose rule facts do not
    stand as they are (they need a score to be kept)."""
    chosen = models.meta.get("scored_predicates")
    chosen = SCORED_PREDICATES if chosen is None else frozenset(chosen)
    return frozenset(p for p in load_ontology().predicates if p in chosen or p not in models.relations.passthrough)


#: a predicate's own cut where it lies below the model's shared relation threshold (chosen on the 5-fold
#: CV of the dev set: help facts at 0.4 give SUPPORTS recall 0.47 at precision 0.60, at 0.5 0.42 at 0.64,
#: at 0.7 0.36; overall triple precision stays above 0.80)
RELATION_CUTS = {"SUPPORTS": 0.4}


def relation_threshold(models: Models, p: str) -> float:
    """The probability a fact of predicate *p* must reach: the model's own cut for *p* if it has one,
    else the lower of its shared cut and :data:`RELATION_CUTS`."""
    scorer = models.relations
    if p in scorer.thresholds:
        return scorer.thresholds[p]
    return min(scorer.default_threshold, RELATION_CUTS.get(p, scorer.default_threshold))


def best_facts(rels: Sequence[tuple[RelationInstance, float]]) -> dict[tuple[str, str, str, str, str], tuple[RelationInstance, float]]:
    """The most probable instance of every (subject, predicate, object) fact."""
    best: dict[tuple[str, str, str, str, str], tuple[RelationInstance, float]] = {}
    for r, prob in rels:
        key = (r.s.type, r.s.name, r.p, r.o.type, r.o.name)
        if key not in best or prob > best[key][1]:
            best[key] = (r, prob)
    return best


def decide(view: DocView, scored: Scored, models: Models) -> tuple[list[Entity], list[Triple]]:
    """Keep what clears its threshold, and build the exchange records."""
    a = view.a
    ents, rels = scored
    triples: list[Triple] = []
    used: set[tuple[str, str]] = set()
    for (st, sn, p, ot, on), (r, prob) in sorted(best_facts(rels).items()):
        fact = view.rule_facts.get((sn, p, on))
        if prob < relation_threshold(models, p) and not (fact is not None and p in models.relations.passthrough):
            continue
        sent = fact.sent if fact is not None else a.sentences[r.o.sent]
        triples.append(triple_record(a.doc, a.ct, s=r.s.cand, p=p, o=r.o.cand, sent=sent,
                                     attrs=fact.attrs if fact is not None else _attrs(a, r),
                                     confidence=prob,
                                     extractor="learned" + (f"+{fact.extractor}" if fact is not None else "")))
        used.add((st, sn))
        used.add((ot, on))
    keep = [e for e, prob in ents if prob >= models.entities.threshold(e.type) or (e.type, e.name) in used
            or (e.type in models.entities.passthrough and (e.type, e.name) in view.rule_entities)]
    kept_keys = {(e.type, e.name) for e in keep}
    # a fact's end that no candidate names (a rule's derived region) is an entity too
    extra = [r.o.cand for r, _ in rels if (r.o.type, r.o.name) in used - kept_keys]
    extra += [r.s.cand for r, _ in rels if (r.s.type, r.s.name) in used - kept_keys]
    cands = [m.cand for e in keep for m in e.mentions if not m.virtual] + extra
    return entity_records(a.doc, a.ct, cands), triples


def _attrs(a: Analysis, r: RelationInstance) -> dict[str, str]:
    """Attributes of a fact no rule stated: a position's title, a help's program, amount and count."""
    text = a.ct.text
    sent = a.sentences[r.o.sent]
    attrs: dict[str, str] = {}
    if r.p == "HOLDS_POSITION" and not r.s.virtual:
        lo, hi = sorted((r.s.end, r.o.start)) if r.s.start < r.o.start else sorted((r.o.end, r.s.start))
        between = text[lo:hi]
        title = next((t for t in lexicon().titles if t in between), "")
        if title:
            attrs["title"] = title
    if r.p in ("SUPPORTS", "VISITS"):
        sentence = text[sent.start : sent.end]
        for m in (AMOUNT, COUNT):
            found = m.search(sentence)
            if found:
                attrs["amount" if m is AMOUNT else "count"] = found.group(1)
    if PLANNED.search(text[sent.start : max(sent.start, r.o.start)]):
        attrs["status"] = "planned"
    return attrs
