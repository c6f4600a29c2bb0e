"""The relation model scores only the predicates it may add facts to; the rest keep their rule facts as they are."""

from __future__ import annotations

import dataclasses

from kg.extract.analysis import analyse
from kg.extract.learn.decide import (
    SCORED_PREDICATES,
    decide,
    score_document,
    scored_predicates,
)
from kg.extract.learn.instances import view_of
from kg.extract.learn.model import load_models
from kg.extract.reader import read_documents
from kg.models import Document
from kg.ontology import load_ontology
from kg.train import choose_scored


def _with(models, scored=None, passthrough=None):
    meta = {k: v for k, v in models.meta.items() if k != "scored_predicates"}
    if scored is not None:
        meta["scored_predicates"] = scored
    relations = models.relations if passthrough is None else dataclasses.replace(models.relations, passthrough=passthrough)
    return dataclasses.replace(models, meta=meta, relations=relations)


def test_learn_scored_predicates_read_from_meta():
    models = load_models()
    every = frozenset(load_ontology().predicates)
    assert scored_predicates(_with(models, ["RUNS"], every)) == {"RUNS"}
    # models trained before the field (the key absent) score the documented default set
    assert scored_predicates(_with(models, None, every)) == SCORED_PREDICATES
    # a predicate whose rule facts do not stand needs its score to keep them
    assert scored_predicates(_with(models, ["RUNS"], every - {"VISITS"})) == {"RUNS", "VISITS"}
    assert scored_predicates(_with(models, sorted(every), every)) == every


def test_learn_only_instances_that_may_add_a_fact_are_scored(repo_dir):
    models = load_models()
    every = frozenset(load_ontology().predicates)
    full_models, some_models = _with(models, sorted(every), every), _with(models, ["RUNS", "SUPPORTS"], every)
    docs = [d for d in read_documents([repo_dir / "kg" / "data" / "example"]) if isinstance(d, Document)]
    compared = unscored = 0
    for doc in docs:
        full_view, some_view = view_of(analyse(doc, spans=models.spans)), view_of(analyse(doc, spans=models.spans))
        full, some = score_document(full_view, full_models), score_document(some_view, some_models)
        assert [(e.type, e.name, p) for e, p in full[0]] == [(e.type, e.name, p) for e, p in some[0]]

        def key(r):
            return (r.p, r.s.type, r.s.name, r.o.type, r.o.name, r.s.start, r.o.start, r.s.virtual)

        probs = {key(r): p for r, p in full[1]}
        for r, p in some[1]:
            fact = some_view.rule_facts.get((r.s.name, r.p, r.o.name))
            if fact is not None:
                assert p == fact.confidence and key(r) in probs  # a rule fact stands whatever its score
                unscored += 1
            else:
                assert r.p in ("RUNS", "SUPPORTS")
                assert probs[key(r)] == p  # the same instance, the same features, the same probability
                compared += 1
        # every instance of a scored predicate, and every rule fact's, is still there
        kept = {key(r) for r, _ in some[1]}
        assert {key(r) for r, _ in full[1] if r.p in ("RUNS", "SUPPORTS")
                or (r.s.name, r.p, r.o.name) in full_view.rule_facts} == kept
        # the rule facts of the other predicates stand
        _, triples = decide(some_view, some, some_models)
        stated = {(t.subject.name, t.predicate, t.object.name) for t in triples if t.predicate not in ("RUNS", "SUPPORTS")}
        assert stated == {k for k in some_view.rule_facts if k[1] not in ("RUNS", "SUPPORTS")}
    assert compared > 20 and unscored > 5


def test_learn_choose_scored_takes_the_predicates_whose_added_facts_pay():
    facts = {
        "GAIN": [(0.9, 1, False), (0.8, 1, True), (0.2, 0, False)],  # a right fact no rule states, and a wrong one
        "LOSS": [(0.9, 0, False), (0.95, 1, True)],  # a wrong fact added
        "LOW": [(0.6, 1, False), (0.9, 1, True)],  # a right fact, added at a cut of 0.5 but not of 0.7
    }
    assert choose_scored(facts, lambda p: 0.5) == ["GAIN", "LOW"]
    assert choose_scored(facts, lambda p: 0.7) == ["GAIN"]
