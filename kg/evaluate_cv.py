"""Document-level K-fold cross-validation of the learned extractor, beside the rules alone.

Each fold trains every model (:func:`kg.train.train`, with its
own inner folds) on the other K−1 folds and extracts the held-out documents
with them; no document is ever in both. The rules-only extractor runs on the
same documents as the baseline column. Scores are those of
:func:`kg.evaluate.score`, micro-averaged over every held-out document.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kg.evaluate import score
from kg.extract.extractors import run_rules
from kg.extract.learn.decide import run_learned
from kg.extract.learn.model import load_models
from kg.train import TrainConfig, pair_gold_with_documents, fold_of, train
from kg.models import Document, Entity, EvalReport, GoldRecord, Score, Triple

__all__ = ["CVReport", "cross_validate", "format_cv"]


@dataclass
class CVReport:
    folds: int
    documents: int
    learned: EvalReport
    rules: EvalReport
    fold_sizes: list[int]


def _run_fold(
    f: int, k: int, gold: Sequence[GoldRecord], docs: Sequence[Document], config: TrainConfig
) -> tuple[list[Entity], list[Triple]]:
    train_gold = [g for g in gold if fold_of(g.doc_id, k) != f]
    held = [d for d in docs if fold_of(d.doc_id, k) == f]
    with tempfile.TemporaryDirectory(prefix=f"kg-cv-{f}-") as tmp:
        train(train_gold, docs, Path(tmp), config=config)
        models = load_models(Path(tmp))
        entities: list[Entity] = []
        triples: list[Triple] = []
        for d in held:
            e, t = run_learned(d, models)
            entities += e
            triples += t
    return entities, triples


def cross_validate(
    gold: Sequence[GoldRecord],
    docs: Sequence[Document],
    *,
    k: int = 5,
    config: TrainConfig = TrainConfig(),
    workers: int = 1,
    on_step: Callable[[str], None] | None = None,
) -> CVReport:
    """Score the learned extractor by K-fold cross-validation over documents, and the rules on the same documents."""
    step = on_step or (lambda _msg: None)
    pairs = pair_gold_with_documents(gold, docs)
    gold = [g for g, _ in pairs]
    docs = [d for _, d in pairs]
    entities: list[Entity] = []
    triples: list[Triple] = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_fold, f, k, gold, docs, config) for f in range(k)]
            for f, fut in enumerate(futures):
                step(f"fold {f + 1}/{k}: training on the other folds and extracting")
                e, t = fut.result()
                entities += e
                triples += t
    else:
        for f in range(k):
            step(f"fold {f + 1}/{k}: training on the other folds and extracting")
            e, t = _run_fold(f, k, gold, docs, config)
            entities += e
            triples += t
    step("rules alone on the same documents")
    rule_entities: list[Entity] = []
    rule_triples: list[Triple] = []
    for d in docs:
        e, t = run_rules(d)
        rule_entities += e
        rule_triples += t
    return CVReport(
        folds=k,
        documents=len(docs),
        learned=score(gold, entities, triples),
        rules=score(gold, rule_entities, rule_triples),
        fold_sizes=[sum(1 for d in docs if fold_of(d.doc_id, k) == f) for f in range(k)],
    )


def _cells(s: Score) -> str:
    return f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"


def format_cv(report: CVReport) -> str:
    """The cross-validation as a plain-text table: learned and rules-only side by side."""
    head = f"{'':16}{'learned P':>10} {'R':>6} {'F1':>6} |{'rules P':>8} {'R':>6} {'F1':>6} | {'gold':>5}"
    lines = [
        f"{report.folds}-fold cross-validation over {report.documents} documents "
        f"(folds of {', '.join(map(str, report.fold_sizes))}); the rules need no training",
        "",
        head,
        "-" * len(head),
    ]

    def row(label: str, a: Score, b: Score) -> str:
        return f"{label:16}{_cells(a):>24} |{_cells(b):>22} | {a.tp + a.fn:5d}"

    lines.append(row("entities", report.learned.entities, report.rules.entities))
    lines.append(row("triples", report.learned.triples, report.rules.triples))
    for title, learned, rules in (
        ("entity type", report.learned.by_type, report.rules.by_type),
        ("predicate", report.learned.by_predicate, report.rules.by_predicate),
    ):
        lines += ["", title, "-" * len(head)]
        for label in sorted(set(learned) | set(rules)):
            lines.append(row(label, learned.get(label, Score()), rules.get(label, Score())))
    return "\n".join(lines)
