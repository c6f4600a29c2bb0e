"""The learned extractor: span tagger, instances, model files, training and cross-validation.

Training runs on a small invented corpus (tests/data/learn: ten articles about
fictional bodies, with gold written for this test), so it is quick and
holds no development text. The shipped models are exercised on the bundled
example corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import ModelError
from kg.evaluate_cv import cross_validate, format_cv
from kg.extract.analysis import analyse
from kg.extract.extractors import extractor, run_extractors
from kg.extract.learn.decide import run_learned
from kg.extract.learn.features import (
    entity_features,
    list_span,
    prepare_relations,
    relation_columns,
    relation_features,
    relation_row,
    spells_text,
)
from kg.extract.learn.instances import view_of
from kg.extract.learn.model import META_FILE, check_meta, default_model_dir, load_models, read_meta
from kg.extract.learn.spans import char_features, decode, project_gold
from kg.extract.reader import read_documents
from kg.models import Document, GoldEntity, GoldRecord
from kg.ontology import load_ontology
from kg.train import TrainConfig, choose_thresholds, fold_of, train

LEARN = Path(__file__).parent / "data" / "learn"


@pytest.fixture(scope="module")
def learn_set() -> tuple[list[GoldRecord], list[Document]]:
    gold = [GoldRecord.model_validate(json.loads(line)) for line in (LEARN / "gold.jsonl").open(encoding="utf-8")]
    docs = [d for d in read_documents([LEARN / "corpus"]) if isinstance(d, Document)]
    return gold, docs


@pytest.fixture(scope="module")
def trained(learn_set, tmp_path_factory) -> Path:
    gold, docs = learn_set
    folder = tmp_path_factory.mktemp("models")
    train(gold, docs, folder, config=TrainConfig(inner_folds=2, rounds=40, crf_iterations=30))
    return folder


def test_learn_project_gold_prefers_the_longest_name():
    labels = project_gold("青峰市总工会主席", [GoldEntity(type="Union", name="青峰市总工会"),
                                              GoldEntity(type="Region", name="青峰市")])
    assert labels[:6] == ["B-Union"] + ["I-Union"] * 5
    assert labels[6:] == ["O", "O"]


def test_learn_decode_spans():
    assert decode(["B-Person", "I-Person", "O", "B-Award", "I-Award", "I-Person"]) == [("Person", 0, 2), ("Award", 3, 5)]


def test_learn_char_features_one_row_per_character():
    rows = char_features("溪口县总工会为环卫工人送清凉。")
    assert len(rows) == 15
    assert all(row[0] == "c=" + ch for row, ch in zip(rows, "溪口县总工会为环卫工人送清凉。", strict=True))
    assert "gp=G" in rows[7]  # 环卫工人: a beneficiary class of the lexicon


def test_learn_text_spelling_features_are_the_filtered_ones():
    assert spells_text("l2=工会") and spells_text("SUPPORTS|between_is=为")
    assert not spells_text("type=Union") and not spells_text("SUPPORTS|between=为")


def test_learn_features_read_no_names(learn_set, trained):
    """Only the text-spelling features can spell an entity name, and a trained model has no column of those:
    a model cannot memorise a name."""
    gold, docs = learn_set
    names = {e.name for g in gold for e in g.entities if len(e.name) >= 2}
    columns = {c for name in ("entities", "relations")
               for c in json.loads((trained / f"{name}.features.json").read_text(encoding="utf-8"))}
    for doc in docs:
        view = view_of(analyse(doc))
        feats = set()
        for e in view.entity_candidates():
            feats |= set(entity_features(view, e))
        for r in view.relation_instances():
            feats |= set(relation_features(view, r))
        spelled = {f for f in feats if any(n in f for n in names)}
        assert all(spells_text(f) for f in spelled), spelled
        assert not spelled & columns
    assert not {c for c in columns if any(n in c for n in names)}


def test_learn_relation_rows_name_each_feature_once(learn_set):
    """Run-time scoring reads relation features as (name, value) pairs without a mapping: they must be the
    features training sees, each name once."""
    _, docs = learn_set
    seen = 0
    for doc in docs:
        view = view_of(analyse(doc))
        for r in view.relation_instances():
            pairs = list(relation_row(view, r))
            names = [k for k, _ in pairs]
            assert len(names) == len(set(names)), [k for k in names if names.count(k) > 1]
            assert dict(pairs) == relation_features(view, r) and all(x for _, x in pairs)
            seen += 1
    assert seen > 100


def test_learn_quoted_phrases_are_proposed_to_the_model_only():
    """A quoted campaign with neither a program head nor a run verb: the rules keep nothing, the learned
    extractor's analysis offers it to the entity model as a Program (quotes and book-title marks)."""
    doc = Document(doc_id="q", text="溪口县总工会为环卫工人圆了“青禾小心愿”，并印发《溪口县职工书屋建设方案》。")
    rules = analyse(doc)
    assert not [c for c in rules.cands + rules.alternatives if c.rule == "quoted-any"]
    learned = analyse(doc, spans=lambda text, sentences: [])
    proposed = {c.name for c in learned.alternatives if c.rule == "quoted-any"}
    assert proposed == {"青禾小心愿", "溪口县职工书屋建设方案"}
    assert all(c.type == "Program" for c in learned.alternatives if c.rule == "quoted-any")


def test_learn_programs_named_by_a_head_are_proposed_to_the_model_only():
    """A campaign with a head but no quotes, and one named before 启动仪式: offered to the entity model
    (with and without a leading year), never kept by the rules on their own."""
    doc = Document(doc_id="h", text="溪口县总工会开展2024年度困难职工重病专项救助行动。青禾读书漂流启动仪式在县文化宫举行。")
    rules = analyse(doc)
    assert not [c for c in rules.cands + rules.alternatives if c.rule == "head-proposal"]
    learned = analyse(doc, spans=lambda text, sentences: [])
    proposed = {c.name for c in learned.alternatives if c.rule == "head-proposal"}
    assert proposed == {"2024年度困难职工重病专项救助行动", "困难职工重病专项救助行动", "青禾读书漂流"}
    assert all(c.type == "Program" for c in learned.alternatives if c.rule == "head-proposal")


def test_learn_list_span_covers_an_enumeration():
    doc = Document(doc_id="x", text="溪口县总工会走访了明远机械有限公司、宏达电子有限公司和禾丰纺织有限公司。")
    view = view_of(analyse(doc))
    firms = sorted((m for m in view.mentions if m.type == "Enterprise" and not m.inside), key=lambda m: m.start)
    assert len(firms) == 3
    start, end, size, position = list_span(view, firms[1])
    assert (start, end, size, position) == (firms[0].start, firms[2].end, 3, 1)


def test_learn_help_features_read_the_visit_list_and_its_help():
    """Every company of a visit list gets the help cue of the list (not only the one next to it), and a
    company that only owns the beneficiaries (甲公司的困难职工) says so."""
    doc = Document(doc_id="h", text="溪口县总工会开展送温暖活动。溪口县总工会走访了明远机械有限公司、宏达电子有限公司和"
                                    "禾丰纺织有限公司，为职工送上慰问品。溪口县总工会还慰问了青禾食品有限公司的困难职工。")
    view = view_of(analyse(doc))
    rows = {(r.o.name, r.s.virtual): relation_features(view, r) for r in view.relation_instances()
            if r.p == "SUPPORTS" and r.o.type == "Enterprise" and r.s.type == "Union"}
    for firm in ("明远机械有限公司", "宏达电子有限公司", "禾丰纺织有限公司"):
        row = rows[(firm, False)]
        assert row["SUPPORTS|go_before"] and row["SUPPORTS|help_sentence_after"] and row["SUPPORTS|go_help"]
        assert row["SUPPORTS|help_title"] and row["SUPPORTS|s_main_actor"] and "SUPPORTS|then_de" not in row
    owner = rows[("青禾食品有限公司", False)]
    assert owner["SUPPORTS|then_de"] and owner["SUPPORTS|owns_beneficiary"]


def test_learn_help_sentence_pairs_the_body_with_the_next_sentence():
    """Whom a help sentence is about may be named in the sentence after it, with no help word of its own."""
    doc = Document(doc_id="n", text="溪口县总工会对困难职工进行慰问。明远机械有限公司职工张建平患有重病。")
    view = view_of(analyse(doc))
    later = [r for r in view.relation_instances() if r.p == "SUPPORTS" and r.o.name == "明远机械有限公司"]
    assert later and all(r.s.virtual and r.s.name == "溪口县总工会" for r in later)
    assert relation_features(view, later[0])["SUPPORTS|help_prev_sentence"]
    quiet = view_of(analyse(Document(doc_id="q", text="溪口县总工会召开全委会议。明远机械有限公司职工张建平患有重病。")))
    assert not [r for r in quiet.relation_instances() if r.p == "SUPPORTS"]


def test_learn_relation_instances_include_the_article_body(learn_set):
    _, docs = learn_set
    view = view_of(analyse(next(d for d in docs if d.doc_id == "a02")))
    virtual = [r for r in view.relation_instances() if r.s.virtual]
    assert virtual and all(r.s.name == "溪口县总工会" for r in virtual)


def test_learn_choose_thresholds_reaches_the_precision_floor():
    scored = {"A": [(0.9, 1, False)] * 30 + [(0.6, 0, False)] * 10 + [(0.3, 0, False)] * 10}
    thresholds, passthrough = choose_thresholds(scored, TrainConfig(precision_floor=0.9))
    assert 0.6 < thresholds["A"] <= 0.9 and passthrough == []


def test_learn_folds_are_stable():
    assert [fold_of(d, 5) for d in ("a", "b", "c")] == [fold_of(d, 5) for d in ("a", "b", "c")]
    assert {fold_of(f"d{i}", 3) for i in range(30)} == {0, 1, 2}


def test_learn_training_is_deterministic(learn_set, trained, tmp_path):
    gold, docs = learn_set
    again = tmp_path / "again"
    train(gold, docs, again, config=TrainConfig(inner_folds=2, rounds=40, crf_iterations=30))
    for name in json.loads((trained / META_FILE).read_text(encoding="utf-8"))["files"] + [META_FILE]:
        assert (trained / name).read_bytes() == (again / name).read_bytes(), name


def test_learn_thresholds_learned_on_inner_folds(learn_set, tmp_path):
    gold, docs = learn_set
    train(gold, docs, tmp_path, config=TrainConfig(inner_folds=2, rounds=30, crf_iterations=20, learn_thresholds=True))
    thresholds = read_meta(tmp_path)["thresholds"]
    assert read_meta(tmp_path)["scored_predicates"] == sorted(load_ontology().predicates)
    for part in ("entities", "relations"):
        assert thresholds[part] and all(0.0 < t < 1.0 for t in thresholds[part].values())
    default = tmp_path / "default"
    train(gold, docs, default, config=TrainConfig(inner_folds=2, rounds=30, crf_iterations=20))
    meta = read_meta(default)
    assert meta["thresholds"]["entities"] == meta["thresholds"]["relations"] == {}
    assert (meta["thresholds"]["entity_default"], meta["thresholds"]["relation_default"]) == (0.5, 0.7)
    # every fact a rule states stands; the relation model adds to them
    assert meta["rule_passthrough"]["relations"] == sorted(load_ontology().predicates)
    # the relation model scores the predicates whose out-of-fold added facts paid
    assert set(meta["scored_predicates"]) <= set(load_ontology().predicates)


def test_learn_trained_models_extract_with_evidence(learn_set, trained):
    gold, docs = learn_set
    models = load_models(trained)
    for doc in docs:
        entities, triples = run_learned(doc, models)
        for t in triples:
            assert doc.text[t.evidence.start : t.evidence.end] == t.evidence.sentence
            assert 0.0 <= t.confidence <= 1.0 and t.extractor.startswith("learned")
        for e in entities:
            for m in e.mentions:
                assert 0 <= m.start < m.end <= len(doc.text)


def test_learn_models_of_another_lexicon_are_refused(trained, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained, copy)
    meta = json.loads((copy / META_FILE).read_text(encoding="utf-8"))
    meta["extractor"]["lexicon"] = "0" * 16
    (copy / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="kg train"):
        load_models(copy)


def test_learn_missing_models_say_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="run `kg train`.*--extractor rules"):
        extractor("learned", models=tmp_path)


def test_learn_cross_validation_reports_both_columns(learn_set):
    gold, docs = learn_set
    report = cross_validate(gold, docs, k=3, config=TrainConfig(inner_folds=2, rounds=30, crf_iterations=20))
    assert report.documents == 10 and sum(report.fold_sizes) == 10
    assert report.rules.entities.tp > 0
    text = format_cv(report)
    assert "learned P" in text and "rules P" in text and "HOLDS_POSITION" in text


# --------------------------------------------------------------------------- the shipped models


def test_learn_shipped_models_match_this_extractor():
    folder = default_model_dir()
    check_meta(read_meta(folder), folder)
    models = load_models()
    assert models.meta["training"]["documents"] >= 100


def test_learn_shipped_models_extract_the_example(repo_dir):
    docs = [d for d in read_documents([repo_dir / "kg" / "data" / "example"]) if isinstance(d, Document)]
    found = 0
    for doc in docs:
        entities, triples = run_extractors(doc)
        found += len(triples)
        for t in triples:
            assert doc.text[t.evidence.start : t.evidence.end] == t.evidence.sentence
    assert found > 0


def test_learn_loading_the_models_imports_no_lightgbm_front_end(repo_dir):
    """A process that extracts loads lightgbm without scikit-learn or pandas (seconds of start-up it never
    uses: kg predicts from scipy matrices), and can still import both afterwards."""
    code = ("import sys; from kg.extract.learn.model import load_models; load_models(); "
            "print(sorted(m for m in ('sklearn', 'pandas') if m in sys.modules)); import pandas; print('ok')")
    env = {**os.environ, "PYTHONPATH": str(repo_dir)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "ok"], out.stdout + out.stderr


def test_learn_scoring_over_live_columns_changes_no_probability(repo_dir):
    """Run-time scoring looks up only the columns some tree splits on: every probability must be the one
    of the full rows (the columns are fewer, so the test can fail if a needed one were dropped)."""
    models = load_models()
    docs = [d for d in read_documents([repo_dir / "kg" / "data" / "example"]) if isinstance(d, Document)]
    seen = 0
    for scorer in (models.entities, models.relations):
        assert 0 < len(scorer.live_columns) < len(scorer.columns)
    for doc in docs:
        view = view_of(analyse(doc, spans=models.spans))
        ents = view.entity_candidates()
        rows = [entity_features(view, e) for e in ents]
        live = models.entities.probabilities(rows)
        full = models.entities.predict_rows(*_csr(rows, models.entities.columns))
        assert list(live) == list(full)
        rels = view.relation_instances()
        prepare_relations(view, rels, {(e.type, e.name): float(p) for e, p in zip(ents, live, strict=True)})
        live = models.relations.predict_rows(*relation_columns(view, rels, models.relations.live_columns))
        full = models.relations.predict_rows(*_csr([relation_features(view, r) for r in rels],
                                                   models.relations.columns))
        assert list(live) == list(full)
        seen += len(rels)
    assert seen > 50


def _csr(rows, columns):
    data, indices, indptr = [], [], [0]
    for row in rows:
        for name, value in row.items():
            if name in columns:
                indices.append(columns[name])
                data.append(value)
        indptr.append(len(indices))
    return data, indices, indptr


def test_learn_shipped_models_hold_no_dev_names(dev_dir):
    """The model files name features, never people or bodies of the development set."""
    names = set()
    for line in (dev_dir / "gold.jsonl").open(encoding="utf-8"):
        for e in json.loads(line)["entities"]:
            if (e["type"] == "Person" and len(e["name"]) >= 2) or len(e["name"]) >= 6:
                names.add(e["name"])
    folder = default_model_dir()
    for path in folder.iterdir():
        text = path.read_bytes().decode("utf-8", errors="ignore")
        hits = sorted(n for n in names if n in text)
        assert not hits, f"{path.name}: {hits[:10]}"


def test_learn_long_document_is_decided_in_pieces_with_exact_offsets(learn_set, monkeypatch):
    """A document longer than PIECE_CHARS is decided piece by piece; offsets still point into its text."""
    import kg.extract.learn.decide as decide_module

    _, docs = learn_set
    text = "\n".join(d.text for d in docs)
    whole = Document(doc_id="long", text=text)
    monkeypatch.setattr(decide_module, "PIECE_CHARS", 200)
    entities, triples = run_learned(whole)
    assert len(decide_module.text_pieces(text, 200)) >= 3
    assert triples and entities
    for t in triples:
        assert text[t.evidence.start : t.evidence.end] == t.evidence.sentence
    for e in entities:
        assert all(text[m.start : m.end] for m in e.mentions)
    assert len({(e.type, e.name) for e in entities}) == len(entities)
