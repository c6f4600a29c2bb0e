"""kg.evaluate: the matching rule of ONTOLOGY.md and the micro-averaged scores."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.evaluate import format_errors, format_report, normalize_name, score, split_docs
from kg.models import Entity, EntityRef, Evidence, GoldEntity, GoldRecord, GoldTriple, Score, Triple


def ent(name: str, type_: str = "Union", doc: str = "d1") -> Entity:
    return Entity(doc_id=doc, type=type_, name=name)


def trip(s: str, p: str, o: str, *, st: str = "Union", ot: str = "Program", doc: str = "d1") -> Triple:
    return Triple(
        doc_id=doc,
        subject=EntityRef(type=st, name=s),
        predicate=p,
        object=EntityRef(type=ot, name=o),
        evidence=Evidence(sentence=f"{s}{o}", start=0, end=2),
        confidence=0.9,
        extractor="test",
    )


# A small hand-made gold: two documents, fictional bodies.
GOLD = [
    GoldRecord(
        doc_id="d1",
        entities=(
            GoldEntity(type="Union", name="常州市澄湖区总工会", aliases=("澄湖区总工会",)),
            GoldEntity(type="Program", name="夏送清凉", aliases=("夏送清凉活动",)),
            GoldEntity(type="Person", name="陈海燕"),
            GoldEntity(type="Enterprise", name="恒锐（常州）精密机械有限公司", aliases=("恒锐精密",)),
            GoldEntity(type="Program", name="青春同行·逐梦而来"),
        ),
        triples=(
            GoldTriple(s="常州市澄湖区总工会", p="RUNS", o="夏送清凉"),
            GoldTriple(s="陈海燕", p="HOLDS_POSITION", o="常州市澄湖区总工会", attrs={"title": "主席"}),
            GoldTriple(s="常州市澄湖区总工会", p="VISITS", o="恒锐（常州）精密机械有限公司"),
        ),
    ),
    GoldRecord(
        doc_id="d2",
        entities=(
            GoldEntity(type="Union", name="临汀市总工会"),
            GoldEntity(type="Group", name="困难职工"),
        ),
        triples=(GoldTriple(s="临汀市总工会", p="SUPPORTS", o="困难职工"),),
    ),
]


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("“匠心筑梦”", "匠心筑梦"),
        ("‘聚’力量", "聚力量"),
        ("「工会」『驿站』", "工会驿站"),
        ("《劳动法》", "劳动法"),
        ("〈职工〉", "职工"),
        ('"双引号"\'单\'', "双引号单"),
        ("青春同行·逐梦而来", "青春同行逐梦而来"),
        ("青春同行•逐梦而来", "青春同行逐梦而来"),
        ("青春同行‧逐梦而来", "青春同行逐梦而来"),
        ("青春同行・逐梦而来", "青春同行逐梦而来"),
        ("青春同行･逐梦而来", "青春同行逐梦而来"),  # half-width katakana middle dot
        ("ＡＢＣ１２３", "ABC123"),  # NFKC: full-width letters and digits
        ("新双１２工程", "新双12工程"),
        ("区 总\u3000工会\n", "区总工会"),
        ("远帆（宁川）有限责任公司", "远帆(宁川)有限责任公司"),
    ],
)
def test_evaluate_normalize_name(raw: str, normal: str) -> None:
    assert normalize_name(raw) == normal


# --------------------------------------------------------------------------- entities


@pytest.mark.parametrize(
    "name",
    [
        "常州市澄湖区总工会",
        "澄湖区总工会",  # alias
        "常州市澄湖区 总工会",  # white space
        "恒锐(常州)精密机械有限公司",  # NFKC brackets
        "“夏送清凉”活动",  # quotes + alias with head
        "青春同行・逐梦而来",  # middle dot variant
        "青春同行逐梦而来",  # no dot at all
    ],
)
def test_evaluate_entity_name_matches(name: str) -> None:
    type_ = next(
        g.type
        for g in GOLD[0].entities
        if normalize_name(name) in {normalize_name(g.name), *map(normalize_name, g.aliases)}
    )
    report = score(GOLD, [ent(name, type_)], [], docs=["d1"])
    assert report.entities.tp == 1 and report.entities.fp == 0


@pytest.mark.parametrize("name", ["区总工会", "澄湖区", "常州市澄湖区总工会工会", "陈海"])
def test_evaluate_entity_name_does_not_match(name: str) -> None:
    report = score(GOLD, [ent(name)], [], docs=["d1"])
    assert (report.entities.tp, report.entities.fp) == (0, 1)


def test_evaluate_entity_type_must_match() -> None:
    report = score(GOLD, [ent("陈海燕", "Organization")], [], docs=["d1"])
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (0, 1, 5)
    [fp] = report.documents[0].false_positives
    assert fp.note == "gold has it as Person 陈海燕"
    fn = next(e for e in report.documents[0].false_negatives if e.item == "Person 陈海燕")
    assert fn.note == "predicted as Organization 陈海燕"


def test_evaluate_duplicates_count_once() -> None:
    preds = [ent("常州市澄湖区总工会"), ent("澄湖区总工会"), ent("“澄湖区总工会”"), ent("多余工会"), ent("多余 工会")]
    report = score(GOLD, preds, [], docs=["d1"])
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (1, 1, 4)


def test_evaluate_alias_does_not_steal_another_name() -> None:
    gold = [
        GoldRecord(
            doc_id="x",
            entities=(
                GoldEntity(type="Union", name="甲市总工会", aliases=("乙市总工会",)),
                GoldEntity(type="Union", name="乙市总工会"),
            ),
        )
    ]
    report = score(gold, [ent("乙市总工会", doc="x")], [])
    assert report.by_type["Union"] == Score(tp=1, fp=0, fn=1)
    assert report.documents[0].false_negatives[0].item == "Union 甲市总工会"


# --------------------------------------------------------------------------- triples


def test_evaluate_triples_map_to_canonical_names() -> None:
    preds = [
        trip("澄湖区总工会", "RUNS", "“夏送清凉”活动"),  # aliases on both ends
        trip("陈海燕", "HOLDS_POSITION", "澄湖区总工会", st="Person", ot="Union"),
        trip("常州市澄湖区总工会", "RUNS", "夏送清凉"),  # duplicate after mapping
    ]
    report = score(GOLD, [], preds, docs=["d1"])
    assert (report.triples.tp, report.triples.fp, report.triples.fn) == (2, 0, 1)
    assert report.by_predicate["RUNS"] == Score(tp=1)
    assert report.by_predicate["VISITS"] == Score(fn=1)


def test_evaluate_triple_prefers_gold_entity_of_predicted_type() -> None:
    gold = [
        GoldRecord(
            doc_id="x",
            entities=(
                GoldEntity(type="Region", name="海川市", aliases=("海川",)),
                GoldEntity(type="Enterprise", name="海川集团有限公司", aliases=("海川",)),
                GoldEntity(type="Union", name="海川市总工会"),
            ),
            triples=(GoldTriple(s="海川市总工会", p="VISITS", o="海川集团有限公司"),),
        )
    ]
    good = trip("海川市总工会", "VISITS", "海川", ot="Enterprise", doc="x")
    bad = trip("海川市总工会", "VISITS", "海川", ot="Region", doc="x")
    assert score(gold, [], [good]).triples.tp == 1
    assert score(gold, [], [bad]).triples.tp == 0


def test_evaluate_triple_error_notes() -> None:
    preds = [
        trip("常州市澄湖区总工会", "SUPPORTS", "夏送清凉"),  # wrong predicate
        trip("恒锐精密", "VISITS", "澄湖区总工会", st="Enterprise", ot="Union"),  # inverted
    ]
    report = score(GOLD, [], preds, docs=["d1"])
    notes = {e.item: e.note for e in report.documents[0].false_positives}
    assert notes["常州市澄湖区总工会 -SUPPORTS-> 夏送清凉"] == "gold predicate RUNS"
    assert notes["恒锐精密 -VISITS-> 澄湖区总工会"] == "gold has it the other way round"
    missed = {e.item: e.note for e in report.documents[0].false_negatives}
    assert missed["常州市澄湖区总工会 -RUNS-> 夏送清凉"] == "predicted SUPPORTS"
    text = format_errors(report)
    assert "+ 常州市澄湖区总工会 -SUPPORTS-> 夏送清凉   [gold predicate RUNS]" in text
    assert "« 常州市澄湖区总工会夏送清凉 »" in text  # the evidence of a false positive


# --------------------------------------------------------------------------- averaging, subsets


def test_evaluate_micro_average_over_files() -> None:
    preds_e = [ent("常州市澄湖区总工会"), ent("临汀市总工会", doc="d2"), ent("困难职工", "Group", doc="d2"), ent("错", doc="d2")]
    report = score(GOLD, preds_e, [])
    assert report.entities == Score(tp=3, fp=1, fn=4)
    assert [d.doc_id for d in report.documents] == ["d1", "d2"]
    assert report.documents[1].entities == Score(tp=2, fp=1, fn=0)
    assert report.entities.precision == pytest.approx(0.75)
    assert report.entities.recall == pytest.approx(3 / 7)
    assert report.by_type["Union"] == Score(tp=2, fp=1, fn=0)
    assert report.by_type["Person"] == Score(fn=1)


def test_evaluate_same_name_in_two_files_counts_twice() -> None:
    gold = [GoldRecord(doc_id=d, entities=(GoldEntity(type="Union", name="临汀市总工会"),)) for d in ("a", "b")]
    report = score(gold, [ent("临汀市总工会", doc="a")], [])
    assert report.entities == Score(tp=1, fn=1)


def test_evaluate_unpredicted_and_ignored_docs() -> None:
    report = score(GOLD, [ent("临汀市总工会", doc="d2"), ent("某工会", doc="zz")], [])
    assert report.unpredicted_docs == ("d1",)
    assert report.ignored_docs == ("zz",)
    assert report.entities.fp == 0  # predictions without gold are not scored
    assert report.entities.fn == 6


def test_evaluate_docs_subset() -> None:
    report = score(GOLD, [ent("临汀市总工会", doc="d2")], [], docs=["d2"])
    assert [d.doc_id for d in report.documents] == ["d2"]
    assert report.entities == Score(tp=1, fn=1)
    with pytest.raises(InputError, match="no gold annotations for nope"):
        score(GOLD, [], [], docs=["nope"])


def test_evaluate_split_is_a_stable_partition() -> None:
    ids = [f"{i:03d}" for i in range(40)]
    tune, held = split_docs(ids, "tune"), split_docs(ids, "heldout")
    assert sorted(tune + held) == ids and not set(tune) & set(held)
    assert 4 <= len(held) <= 16
    assert split_docs(ids[:20], "heldout") == [d for d in held if d in ids[:20]]  # stable per id
    with pytest.raises(InputError, match="unknown split"):
        split_docs(ids, "train")


def test_evaluate_perfect_and_empty_scores() -> None:
    perfect = score(
        GOLD,
        [ent(g.name, g.type, doc=r.doc_id) for r in GOLD for g in r.entities],
        [trip(t.s, t.p, t.o, doc=r.doc_id) for r in GOLD for t in r.triples],
    )
    assert perfect.entities.f1 == 1.0 and perfect.triples.f1 == 1.0
    empty = score(GOLD, [], [])
    assert (empty.entities.precision, empty.entities.recall, empty.entities.f1) == (0.0, 0.0, 0.0)


def test_evaluate_format_report_has_every_section() -> None:
    text = format_report(score(GOLD, [ent("临汀市总工会", doc="d2")], []))
    for heading in ("overall", "entity type", "predicate", "document"):
        assert heading in text
    assert "no predictions for 1 gold documents: d1" in text


def test_evaluate_dev_gold_scores_itself_perfectly(dev_dir) -> None:  # type: ignore[no-untyped-def]
    from kg.extract.assemble import read_jsonl

    gold, problems = read_jsonl(dev_dir / "gold.jsonl", GoldRecord)
    assert problems == []
    types = {(r.doc_id, g.name): g.type for r in gold for g in r.entities}
    ents = [ent(g.name, g.type, doc=r.doc_id) for r in gold for g in r.entities]
    trips = [
        trip(t.s, t.p, t.o, st=types[(r.doc_id, t.s)], ot=types[(r.doc_id, t.o)], doc=r.doc_id)
        for r in gold
        for t in r.triples
    ]
    report = score(gold, ents, trips)
    assert report.entities.f1 == 1.0 and report.triples.f1 == 1.0


def test_evaluate_triple_note_names_gold_arguments() -> None:
    preds = [
        trip("常州市澄湖区总工会", "VISITS", "恒锐公司", ot="Enterprise"),  # object boundary wrong
        trip("区总工会", "RUNS", "夏送清凉"),  # subject unresolved
    ]
    notes = {e.item: e.note for e in score(GOLD, [], preds, docs=["d1"]).documents[0].false_positives}
    assert notes["常州市澄湖区总工会 -VISITS-> 恒锐公司"] == "gold objects: 恒锐（常州）精密机械有限公司"
    assert notes["区总工会 -RUNS-> 夏送清凉"] == "gold subjects: 常州市澄湖区总工会"
