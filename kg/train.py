"""Train the learned extractor (:mod:`kg.extract.learn`) on gold annotations: one deterministic function behind ``kg train``.

1. Span tagger: a character CRF on the gold names projected onto each
   document (:mod:`kg.extract.learn.spans`). The boosters must learn how far
   to trust it on text it has *not* seen, so the spans their training rows
   read come from taggers trained on the other inner folds (stacking); the
   shipped tagger is trained on every document.
2. Boosters: LightGBM on the entity candidates and relation instances of every
   document, labelled by the gold (a candidate is right when its type and name
   match a gold entity or alias; an instance when its fact is a gold triple).
3. Thresholds: per type and per predicate, from the inner folds' out-of-fold
   probabilities: the best F1 whose precision stays at or above
   :attr:`TrainConfig.precision_floor`.
4. Scored predicates: where every rule fact stands, the predicates whose
   out-of-fold added facts (no rule states them) raise their F1; the extractor
   scores the instances of those only (:func:`choose_scored`).

Same gold, corpus and code give the same files, byte for byte: inputs are
sorted, folds are hashes of document ids, and LightGBM runs deterministic on
one thread.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.evaluate import GoldIndex
from kg.extract.analysis import analyse, segment_document
from kg.extract.learn.decide import RELATION_CUTS
from kg.extract.learn.features import MIN_FEATURE_DOCS, entity_features, prepare_relations, relation_features, spells_text
from kg.extract.learn.instances import DocView, view_of
from kg.extract.learn.model import FORMAT, META_FILE, SPANS_FILE, Scorer, extractor_fingerprint
from kg.extract.learn.spans import SpanTagger, project_gold, train_tagger
from kg.models import Document, GoldRecord
from kg.ontology import load_ontology

__all__ = ["TrainConfig", "TrainReport", "choose_scored", "fold_of", "pair_gold_with_documents", "train"]

Row = tuple[str, str, dict[str, float], int, tuple]  # doc id, label (type/predicate), features, y, key


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of training (recorded in meta.json)."""

    inner_folds: int = 4
    crf_iterations: int = 100
    rounds: int = 150
    learning_rate: float = 0.1
    num_leaves: int = 15
    min_data_in_leaf: int = 10
    feature_fraction: float = 0.5
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    seed: int = 1
    # Decisions (measured by 5-fold CV on the dev set, see README): an entity is kept at probability
    # >= default_threshold (entity types keep what the rules state as well where that is better out of
    # fold, within precision_floor); every fact a rule states stands (rule_facts_stand) and the
    # relation model adds the facts it scores >= relation_threshold. Alternatives measured: one
    # cut of 0.5 for facts too (triple F1 0.641 against 0.654), rule facts passed per predicate
    # where better out of fold (0.646, precision 0.795), thresholds chosen on inner folds
    # (learn_thresholds: the best F1 at precision >= precision_floor, shared or per label; 0.642).
    learn_thresholds: bool = False
    precision_floor: float = 0.82
    per_label_thresholds: bool = False  # one threshold per type/predicate (noisy on small data), or one for all
    rule_passthrough: bool = True  # let a label keep what the rules state, where that pays
    rule_facts_stand: bool = True  # every fact a rule states is kept; the relation model adds to them
    default_threshold: float = 0.5
    relation_threshold: float = 0.7

    def lgb_params(self) -> dict:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "lambda_l2": self.lambda_l2,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbose": -1,
        }


@dataclass
class TrainReport:
    documents: int
    entity_rows: int
    entity_positives: int
    relation_rows: int
    relation_positives: int
    thresholds: dict[str, dict[str, float]]
    rule_passthrough: dict[str, list[str]]
    seconds: float
    folder: str
    files: list[str] = field(default_factory=list)
    default_thresholds: dict[str, float] = field(default_factory=dict)  # the cut of labels without their own
    scored_predicates: list[str] = field(default_factory=list)  # the predicates whose instances are scored


def fold_of(doc_id: str, k: int, salt: str = "") -> int:
    """The fold of a document: a hash of its id, so a document never changes fold when others are added.

    >>> fold_of("a", 5) == fold_of("a", 5)
    True
    """
    return int(hashlib.sha1((salt + doc_id).encode("utf-8")).hexdigest(), 16) % k


def pair_gold_with_documents(gold: Sequence[GoldRecord], docs: Sequence[Document]) -> list[tuple[GoldRecord, Document]]:
    by_id = {d.doc_id: d for d in docs}
    missing = [g.doc_id for g in gold if g.doc_id not in by_id]
    if missing:
        raise InputError(f"no document for gold record(s) {', '.join(missing[:5])}"
                         f"{' …' if len(missing) > 5 else ''}; give the corpus folder the gold was annotated on")
    return sorted(((g, by_id[g.doc_id]) for g in gold), key=lambda p: p[0].doc_id)


def _tagger_examples(pairs: Sequence[tuple[GoldRecord, Document]]) -> list[tuple[str, list, list[str]]]:
    out = []
    for g, d in pairs:
        ct, sentences = segment_document(d)
        out.append((ct.text, sentences, project_gold(ct.text, g.entities)))
    return out


def _gold_names(pairs: Sequence[tuple[GoldRecord, Document]]) -> frozenset[str]:
    """Names a written model must never spell: the gold's people, and its long names of any type."""
    return frozenset(f for g, _ in pairs for e in g.entities for f in (e.name, *e.aliases)
                     if (e.type == "Person" and len(f) >= 2) or len(f) >= 6)


def _person_names(pairs: Sequence[tuple[GoldRecord, Document]]) -> set[str]:
    return {f for g, _ in pairs for e in g.entities if e.type == "Person" for f in (e.name, *e.aliases)}


def _views(pairs: Sequence[tuple[GoldRecord, Document]], taggers: dict[str, SpanTagger | None]) -> list[tuple[GoldRecord, DocView]]:
    """The analysed view of every non-empty document, its spans from *taggers*[doc id]."""
    return [(g, view_of(analyse(d, spans=taggers.get(g.doc_id)))) for g, d in pairs if d.text.strip()]


def entity_rows(views: Sequence[tuple[GoldRecord, DocView]]) -> list[Row]:
    """Labelled entity rows: right when type and name match a gold entity or alias."""
    rows: list[Row] = []
    for g, view in views:
        index = GoldIndex.build(g.entities)
        for e in view.entity_candidates():
            y = int(index.entity(e.type, e.name) is not None)
            rows.append((g.doc_id, e.type, entity_features(view, e), y, (e.type, e.name)))
    return rows


def relation_rows(views: Sequence[tuple[GoldRecord, DocView]], entity_probability: dict[str, dict]) -> list[Row]:
    """Labelled relation rows (right when the fact is a gold triple), given each document's entity probabilities."""
    rows: list[Row] = []
    for g, view in views:
        index = GoldIndex.build(g.entities)
        gold_facts = {(t.s, t.p, t.o) for t in g.triples}
        instances = view.relation_instances()
        prepare_relations(view, instances, entity_probability.get(g.doc_id, {}))
        for r in instances:
            fact = (index.node(r.s.type, r.s.name), r.p, index.node(r.o.type, r.o.name))
            key = (r.s.type, r.s.name, r.p, r.o.type, r.o.name)
            rows.append((g.doc_id, r.p, relation_features(view, r), int(fact in gold_facts), key))
    return rows


def out_of_fold(rows: Sequence[Row], fold: dict[str, int], k: int, config: TrainConfig,
                step: Callable[[str], None], name: str) -> list[float]:
    """Each row's probability from a booster trained on the other folds."""
    probs = [0.0] * len(rows)
    for f in range(k):
        step(f"{name}: inner fold {f + 1}/{k}")
        held = [i for i, r in enumerate(rows) if fold[r[0]] == f]
        scorer = _fit([r for r in rows if fold[r[0]] != f], config)
        for i, p in zip(held, scorer.probabilities([rows[i][2] for i in held]), strict=True):
            probs[i] = float(p)
    return probs


def _columns(rows: Sequence[Row], banned: frozenset[str] = frozenset()) -> dict[str, int]:
    """Feature columns: every feature, except text-spelling ones seen in fewer than MIN_FEATURE_DOCS
    documents or spelling a *banned* name (the gold's people and long names: never memorised)."""
    docs: dict[str, set[str]] = defaultdict(set)
    for doc_id, _, feats, _, _ in rows:
        for name in feats:
            docs[name].add(doc_id)
    names = sorted(n for n, ds in docs.items()
                   if not spells_text(n) or (len(ds) >= MIN_FEATURE_DOCS and not any(b in n for b in banned)))
    return {n: i for i, n in enumerate(names)}


def _fit(rows: Sequence[Row], config: TrainConfig, banned: frozenset[str] = frozenset()) -> Scorer:
    import lightgbm  # lazy: only training needs it here
    import numpy as np

    columns = _columns(rows, banned)
    scorer = Scorer(columns=columns, booster=None, thresholds={}, default_threshold=config.default_threshold)
    data, indices, indptr = [], [], [0]
    for _, _, feats, _, _ in rows:
        for name, value in sorted(feats.items()):
            col = columns.get(name)
            if col is not None:
                indices.append(col)
                data.append(value)
        indptr.append(len(indices))
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                         np.asarray(indptr, dtype=np.int64)), shape=(len(rows), len(columns)))
    labels = np.asarray([r[3] for r in rows], dtype=np.float64)
    dataset = lightgbm.Dataset(matrix, labels, params={"verbose": -1}, free_raw_data=True)
    scorer.booster = lightgbm.train(config.lgb_params(), dataset, num_boost_round=config.rounds)
    return scorer


_GRID = tuple(round(step * 0.05, 2) for step in range(2, 20))  # 0.10 … 0.95


Decision = tuple[dict[str, float], list[str]]  # thresholds per label, labels whose rule decisions pass as they are


def _kept(scored: Sequence[tuple[float, int, bool]], threshold: float, rules: bool) -> tuple[int, int]:
    """(right, wrong) among the (probability, right, stated by a rule) facts kept at *threshold*
    (and every rule fact too, with *rules*)."""
    kept = [y for p, y, r in scored if p >= threshold or (rules and r)]
    return sum(kept), len(kept) - sum(kept)


def _f1(tp: int, fp: int, positives: int) -> float:
    return 2 * tp / (tp + fp + positives) if tp else 0.0


def choose_thresholds(by_label: dict[str, list[tuple[float, int, bool]]], config: TrainConfig) -> Decision:
    """Per-label decisions from out-of-fold (probability, right, stated by a rule) triples.

    A label keeps what clears the threshold — one shared threshold (the best
    F1 of all labels together at precision ≥ the floor), or one per label
    with :attr:`TrainConfig.per_label_thresholds` — and, where that pays,
    everything the rules state as well ("rules stay where they are
    precise"). Decisions are then made stricter where that costs the fewest
    right answers, until the precision of all labels together reaches the floor.

    >>> choose_thresholds({"A": [(0.9, 1, False)] * 20 + [(0.3, 0, False)] * 5,
    ...                    "B": [(0.6, 0, False)] * 3 + [(0.8, 1, False)] * 2 + [(0.1, 1, True)] * 4}, TrainConfig())
    ({'A': 0.75, 'B': 0.75}, ['B'])
    """
    rule_options = (False, True) if config.rule_passthrough else (False,)
    counts: dict[tuple[str, int, bool], tuple[int, int]] = {}
    for label, scored in by_label.items():
        for i, t in enumerate(_GRID):
            for rules in rule_options:
                counts[(label, i, rules)] = _kept(scored, t, rules)
    positives = {label: sum(y for _, y, _ in scored) for label, scored in by_label.items()}

    if config.per_label_thresholds:
        indices = {label: list(range(len(_GRID))) for label in by_label}
    else:
        total = sum(positives.values())

        def overall(i: int) -> tuple[float, float]:
            tp = sum(counts[(label, i, False)][0] for label in by_label)
            fp = sum(counts[(label, i, False)][1] for label in by_label)
            return (tp / (tp + fp) if tp + fp else 0.0), _f1(tp, fp, total)

        fine = [i for i in range(len(_GRID)) if overall(i)[0] >= config.precision_floor]
        if fine:
            top = max(overall(i)[1] for i in fine)
            plateau = [i for i in fine if overall(i)[1] == top]
            shared = plateau[len(plateau) // 2]
        else:
            shared = max(range(len(_GRID)), key=lambda i: overall(i)[0])
        indices = {label: [shared] for label in by_label}
    pick: dict[str, tuple[int, bool]] = {}
    for label in by_label:
        options = [(i, rules) for rules in rule_options for i in indices[label]]
        best = max(_f1(*counts[(label, i, r)], positives[label]) for i, r in options)
        ties = [o for o in options if _f1(*counts[(label, *o)], positives[label]) == best]
        plain = [o for o in ties if not o[1]]
        ties = plain or ties  # the rules pass only when that is strictly better
        pick[label] = ties[len(ties) // 2]  # the middle of a plateau is the safest cut
    while True:
        tp = sum(counts[(label, *o)][0] for label, o in pick.items())
        fp = sum(counts[(label, *o)][1] for label, o in pick.items())
        if tp + fp == 0 or tp / (tp + fp) >= config.precision_floor:
            break
        moves = [(label, (i + 1, r)) for label, (i, r) in pick.items() if i + 1 in indices[label]]
        moves += [(label, (i, False)) for label, (i, r) in pick.items() if r]
        if not moves:
            break

        def gain(move: tuple[str, tuple[int, bool]]) -> tuple[float, str]:
            label, o = move
            (tp0, fp0), (tp1, fp1) = counts[(label, *pick[label])], counts[(label, *o)]
            return ((fp0 - fp1) / (tp0 - tp1 + 0.5), label)

        label, o = max(moves, key=gain)
        pick[label] = o
    return ({label: _GRID[i] for label, (i, _) in sorted(pick.items())},
            sorted(label for label, (_, rules) in pick.items() if rules))


def choose_passthrough(by_label: dict[str, list[tuple[float, int, bool]]], threshold: float,
                       precision_floor: float = 0.0) -> list[str]:
    """The labels whose rule decisions should stand beside the learned cut *threshold*.

    A label is a candidate when keeping what the rules state as well gives it a
    strictly better out-of-fold F1; candidates are taken, the most precise
    increment first, while the precision of all labels together stays at or
    above *precision_floor*.

    >>> scored = {"A": [(0.9, 1, True), (0.2, 1, True), (0.1, 0, False)],
    ...           "B": [(0.9, 1, True), (0.2, 0, True)],
    ...           "C": [(0.9, 1, False), (0.3, 1, True), (0.3, 1, True), (0.2, 0, True), (0.2, 0, True)]}
    >>> choose_passthrough(scored, 0.5), choose_passthrough(scored, 0.5, precision_floor=0.8)
    (['A', 'C'], ['A'])
    """
    plain = {label: _kept(scored, threshold, False) for label, scored in by_label.items()}
    ruled = {label: _kept(scored, threshold, True) for label, scored in by_label.items()}
    positives = {label: sum(y for _, y, _ in scored) for label, scored in by_label.items()}
    better = [label for label in by_label if _f1(*ruled[label], positives[label]) > _f1(*plain[label], positives[label])]
    better.sort(key=lambda label: (-(ruled[label][0] - plain[label][0] + 0.5) / (ruled[label][1] - plain[label][1] + 0.5),
                                   label))
    tp = sum(t for t, _ in plain.values())
    fp = sum(f for _, f in plain.values())
    chosen = []
    for label in better:
        dtp, dfp = ruled[label][0] - plain[label][0], ruled[label][1] - plain[label][1]
        if tp + dtp + fp + dfp and (tp + dtp) / (tp + dtp + fp + dfp) >= precision_floor:
            chosen.append(label)
            tp, fp = tp + dtp, fp + dfp
    return sorted(chosen)


def choose_scored(by_label: dict[str, list[tuple[float, int, bool]]], cut: Callable[[str], float]) -> list[str]:
    """The labels whose facts no rule states, kept at probability >= ``cut(label)``, give a strictly better
    out-of-fold F1 than what the rules state alone (every rule fact stands either way).

    >>> scored = {"A": [(0.9, 1, False), (0.8, 1, True), (0.1, 0, False)],
    ...           "B": [(0.9, 0, False), (0.2, 1, True)], "C": [(0.9, 1, True), (0.3, 1, False)]}
    >>> choose_scored(scored, lambda label: 0.5)
    ['A']
    """
    positives = {label: sum(y for _, y, _ in facts) for label, facts in by_label.items()}
    return sorted(label for label, facts in by_label.items()
                  if _f1(*_kept(facts, cut(label), True), positives[label]) > _f1(*_kept(facts, 2.0, True), positives[label]))


def _fact_scores(rows: Sequence[Row], probs: Sequence[float], rule_feature: str) -> dict[str, list[tuple[float, int, bool]]]:
    """Rows aggregated into facts: per label, (best probability, right, stated by a rule) per key and document."""
    best: dict[tuple[str, tuple], tuple[float, int, str, bool]] = {}
    for (doc_id, label, feats, y, key), p in zip(rows, probs, strict=True):
        k = (doc_id, key)
        rule = bool(feats.get(rule_feature)) or (k in best and best[k][3])
        if k not in best or p > best[k][0]:
            best[k] = (p, y, label, rule)
        elif rule:
            best[k] = (*best[k][:3], True)
    by_label: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)
    for p, y, label, rule in best.values():
        by_label[label].append((p, y, rule))
    return dict(by_label)


def _decisions(rows: Sequence[Row], probs: Sequence[float], config: TrainConfig, rule_feature: str) -> Decision:
    """Thresholds and rule passthrough of one model, from its out-of-fold probabilities."""
    by_label = _fact_scores(rows, probs, rule_feature)
    if config.learn_thresholds:
        return choose_thresholds(by_label, config)
    return {}, (choose_passthrough(by_label, config.default_threshold, config.precision_floor)
                 if config.rule_passthrough else [])


def fingerprint(pairs: Sequence[tuple[GoldRecord, Document]]) -> str:
    """A hash of the gold and the texts it annotates."""
    h = hashlib.sha256()
    for g, d in pairs:
        h.update(g.model_dump_json().encode("utf-8"))
        h.update(hashlib.sha256(d.text.encode("utf-8")).digest())
    return h.hexdigest()[:16]


def train(
    gold: Sequence[GoldRecord],
    docs: Sequence[Document],
    out_dir: Path,
    *,
    config: TrainConfig = TrainConfig(),
    on_step: Callable[[str], None] | None = None,
) -> TrainReport:
    """Train every model on *gold* (and the *docs* it annotates) and write the model folder *out_dir*."""
    step = on_step or (lambda _msg: None)
    started = time.perf_counter()
    pairs = pair_gold_with_documents(gold, docs)
    if len(pairs) < 2 * config.inner_folds:
        raise InputError(f"{len(pairs)} annotated documents are too few to train on; "
                         f"give at least {2 * config.inner_folds}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    examples = dict(zip((g.doc_id for g, _ in pairs), _tagger_examples(pairs), strict=True))
    names = _person_names(pairs)
    k = config.inner_folds
    inner = {g.doc_id: fold_of(g.doc_id, k, salt="inner:") for g, _ in pairs}

    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        taggers: dict[str, SpanTagger | None] = {}
        for f in range(k):
            step(f"span tagger for inner fold {f + 1}/{k}")
            path = Path(tmp) / f"spans-{f}.crfsuite"
            train_tagger([examples[d] for d in sorted(examples) if inner[d] != f], path,
                         person_names=names, iterations=config.crf_iterations)
            tagger = SpanTagger(path)
            taggers.update({d: tagger for d in examples if inner[d] == f})
        step("span tagger on every document")
        train_tagger([examples[d] for d in sorted(examples)], out_dir / SPANS_FILE,
                     person_names=names, iterations=config.crf_iterations)
        step("analysing every document")
        views = _views(pairs, taggers)

    thresholds: dict[str, dict[str, float]] = {}
    passthrough: dict[str, list[str]] = {}
    ent_rows = entity_rows(views)
    ent_probs = out_of_fold(ent_rows, inner, k, config, step, "entities")
    thresholds["entities"], passthrough["entities"] = _decisions(ent_rows, ent_probs, config, "rule_entity")
    step("entities: every document")
    banned = _gold_names(pairs)
    _fit(ent_rows, config, banned).write(out_dir, "entities")
    # the relation booster reads each end's entity probability as it will at run time: out of fold
    probability: dict[str, dict] = defaultdict(dict)
    for row, p in zip(ent_rows, ent_probs, strict=True):
        probability[row[0]][row[4]] = p
    rel_rows = relation_rows(views, probability)
    thresholds["relations"], passthrough["relations"] = {}, []
    scored = sorted(load_ontology().predicates)
    if config.rule_facts_stand and not config.learn_thresholds:
        passthrough["relations"] = sorted(load_ontology().predicates)
        rel_probs = out_of_fold(rel_rows, inner, k, config, step, "relations")
        scored = choose_scored(_fact_scores(rel_rows, rel_probs, "rule"),
                               lambda p: min(config.relation_threshold, RELATION_CUTS.get(p, config.relation_threshold)))
    elif config.learn_thresholds or config.rule_passthrough:
        rel_probs = out_of_fold(rel_rows, inner, k, config, step, "relations")
        thresholds["relations"], passthrough["relations"] = _decisions(rel_rows, rel_probs, config, "rule")
    step("relations: every document")
    _fit(rel_rows, config, banned).write(out_dir, "relations")

    meta = {
        "format": FORMAT,
        "extractor": extractor_fingerprint(),
        "training": {"documents": len(pairs), "data": fingerprint(pairs), "config": asdict(config)},
        "thresholds": {"entities": thresholds["entities"], "relations": thresholds["relations"],
                       "entity_default": config.default_threshold, "relation_default": config.relation_threshold if config.rule_facts_stand and not config.learn_thresholds
                       else config.default_threshold},
        "rule_passthrough": passthrough,
        "scored_predicates": scored,
        "files": [SPANS_FILE, "entities.lgb", "entities.features.json", "relations.lgb", "relations.features.json"],
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")
    return TrainReport(
        documents=len(pairs),
        entity_rows=len(ent_rows),
        entity_positives=sum(r[3] for r in ent_rows),
        relation_rows=len(rel_rows),
        relation_positives=sum(r[3] for r in rel_rows),
        thresholds=thresholds,
        rule_passthrough=passthrough,
        default_thresholds={"entities": meta["thresholds"]["entity_default"],
                            "relations": meta["thresholds"]["relation_default"]},
        scored_predicates=scored,
        seconds=time.perf_counter() - started,
        folder=str(out_dir),
        files=[*meta["files"], META_FILE],
    )
