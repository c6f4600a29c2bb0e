"""Extraction quality on the development set (../shared/dev).

The guard of quality is :func:`test_dev_scores_cross_validated`: 5-fold
document-level cross-validation of the learned extractor over all 165 dev
files (each fold trains every model on the other four and extracts the held
one), held at the issue's bar (entity F1 >= 0.78, triple F1 >= 0.62,
precision >= 0.80) and at per-predicate recall floors.

The seed-set floors below are a regression guard of the rules alone on the 21
files they were first written on (:data:`SEED`), not a quality claim: the rules
were developed on those files.
"""

from __future__ import annotations

import json

import pytest

from kg.evaluate import score
from kg.extract.pipeline import extract
from kg.models import GoldRecord

HELD_OUT = ("060", "064", "068", "072", "076", "080")
#: the dev set the floors were set on: the seed page and articles 004, 008, … 080
SEED = ("000_e77eee010d6da99f", *(f"{n:03d}" for n in range(4, 81, 4)))


@pytest.fixture(scope="module")
def dev_result(dev_dir):
    gold = [GoldRecord.model_validate(json.loads(line)) for line in (dev_dir / "gold.jsonl").open(encoding="utf-8")]
    return gold, extract([dev_dir / "corpus"], extractor="rules")


def test_dev_scores_seed_set_floors(dev_result):
    gold, result = dev_result
    assert len(SEED) == 21
    report = score(gold, result.entities, result.triples, docs=SEED)
    assert not report.unpredicted_docs
    # the quality bar
    assert report.entities.precision >= 0.80 and report.triples.precision >= 0.80
    assert report.entities.f1 >= 0.80
    assert report.triples.f1 >= 0.60
    # floors a little under what the rules reach now (P .93/.91, F1 .87/.82): a regression guard
    # of the rules on the files they were first written on, not a quality claim (see the CV test)
    assert report.entities.precision >= 0.90
    assert report.entities.f1 >= 0.84
    assert report.triples.precision >= 0.89
    assert report.triples.f1 >= 0.80


def test_dev_scores_every_document_read(dev_result):
    gold, result = dev_result
    assert {d.doc_id for d in result.documents} == {g.doc_id for g in gold}
    assert not result.problems


def test_dev_scores_held_out_part_is_scored(dev_result):
    gold, result = dev_result
    report = score(gold, result.entities, result.triples, docs=HELD_OUT)
    assert report.entities.precision >= 0.80
    assert report.triples.precision >= 0.85


# --------------------------------------------------------------------------- cross-validated scores

#: predicates whose recall the issue names, with the floors they reach in 5-fold CV (see README)
RECALL_FLOORS = {"AWARDED": 0.55, "HOLDS_POSITION": 0.65, "VISITS": 0.50, "SUPPORTS": 0.48, "RUNS": 0.55}


@pytest.fixture(scope="module")
def dev_cv(dev_dir):
    from kg.evaluate_cv import cross_validate
    from kg.extract.reader import read_documents
    from kg.models import Document

    gold = [GoldRecord.model_validate(json.loads(line)) for line in (dev_dir / "gold.jsonl").open(encoding="utf-8")]
    docs = [d for d in read_documents([dev_dir / "corpus"]) if isinstance(d, Document)]
    return cross_validate(gold, docs, k=5, workers=2)


@pytest.mark.slow
def test_dev_scores_cross_validated(dev_cv):
    """5-fold document-level CV over all 165 dev files: what the extractor does on articles it was not trained on."""
    learned, rules = dev_cv.learned, dev_cv.rules
    assert dev_cv.documents == 165 and not learned.unpredicted_docs
    assert learned.entities.precision >= 0.80 and learned.triples.precision >= 0.80
    assert learned.entities.f1 >= 0.78
    assert learned.triples.f1 >= 0.62
    for predicate, floor in RECALL_FLOORS.items():
        assert learned.by_predicate[predicate].recall >= floor, predicate
    # the learned decisions beat the rules they start from
    assert learned.entities.f1 >= rules.entities.f1 + 0.01
    assert learned.triples.f1 >= rules.triples.f1
