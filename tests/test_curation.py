"""Curation (kg.extract.curation, kg.extract.curation_file): a researcher's corrections survive every rebuild.

On the fictional graph fixture: merge, rename/retype, reject a fact or an
entity, add a fact with a citation; stale and ambiguous entries are reported;
what curation removed is listed for the loaders; the file format reads and
writes back. The stores and exports are checked in test_curation_stores.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.assemble import assemble_dirs
from kg.extract.curation import CURATED, apply_curation
from kg.extract.curation_file import APPLIED_FILE, CURATION_FILE, append_entry, find_curation, read_curation
from kg.models import CurationAdd, CurationFile, CurationMerge, CurationReject, CurationRename, EntityRef, GraphData

CURATION = """\
# a researcher's corrections (fictional)
[[merge]]
into = "岳阳市云溪区总工会"
names = ["岳阳县总工会"]
reason = "one body"

[[rename]]
name = "岳阳市人社局"
new_name = "岳阳市人力资源和社会保障局"

[[rename]]
name = "明远机械有限公司工会小组"
new_type = "Organization"

[[reject]]
subject = "岳阳市云溪区总工会"
predicate = "SUPPORTS"
object = "明远机械有限公司"
reason = "a service visit, not support"

[[reject]]
entity = "王志远"
type = "Person"
reason = "not in the article's body"

[[add]]
subject = "安远县总工会"
subject_type = "Union"
predicate = "SUPPORTS"
object = "禾丰纺织集团"
object_type = "Enterprise"
doc_id = "fx002"
sentence = "县总工会副主席赵晓梅表示，将在禾丰纺织集团新建职工之家。"
attrs = {program = "匠心助企行"}

[[add]]
subject = "安远县总工会"
subject_type = "Union"
predicate = "RUNS"
object = "金秋助学"
object_type = "Program"
source = "union yearbook, p. 12"
date = "2024-09-01"

[[reject]]
subject = "禾丰纺织集团职工之家"
predicate = "LEADS"
object = "安远县总工会"
reason = "stale on purpose"
"""


@pytest.fixture(scope="module")
def graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


@pytest.fixture()
def curation_file(tmp_path: Path) -> Path:
    path = tmp_path / CURATION_FILE
    path.write_text(CURATION, encoding="utf-8")
    return path


@pytest.fixture()
def curated(graph: GraphData, curation_file: Path) -> GraphData:
    return apply_curation(graph, read_curation(curation_file))


def _facts(g: GraphData) -> dict[tuple[str, str, str], object]:
    return {(r.subject.name, r.predicate, r.object.name): r for r in g.rels}


def _nodes(g: GraphData) -> dict[tuple[str, str], object]:
    return {(n.type, n.name): n for n in g.nodes}


def test_curation_merge_keeps_one_node_with_the_other_as_alias(curated: GraphData) -> None:
    nodes = _nodes(curated)
    assert ("Union", "岳阳县总工会") not in nodes
    kept = nodes[("Union", "岳阳市云溪区总工会")]
    assert "岳阳县总工会" in kept.aliases and kept.provenance == CURATED
    facts = _facts(curated)
    assert ("岳阳市云溪区总工会", "IN_REGION", "岳阳市") in facts  # moved from the merged node
    assert ("岳阳市云溪区总工会", "PART_OF", "岳阳县总工会") not in facts  # became a loop: dropped, reported
    assert any("both ends" in p.message for p in curated.curation.problems)
    assert EntityRef(type="Union", name="岳阳县总工会") in curated.retracted_nodes


def test_curation_rename_and_retype(curated: GraphData) -> None:
    nodes, facts = _nodes(curated), _facts(curated)
    renamed = nodes[("Organization", "岳阳市人力资源和社会保障局")]
    assert "岳阳市人社局" in renamed.aliases and renamed.provenance == CURATED
    assert ("岳阳市云溪区总工会", "PARTNERS_WITH", "岳阳市人力资源和社会保障局") in facts
    retyped = nodes[("Organization", "明远机械有限公司工会小组")]
    assert retyped.type == "Organization" and ("Union", "明远机械有限公司工会小组") not in nodes
    assert facts[("明远机械有限公司工会小组", "AWARDED", "全省模范职工小家")].subject.type == "Organization"
    # Organization LOCATED_AT Enterprise is outside the ontology: dropped, and said so
    assert ("明远机械有限公司工会小组", "LOCATED_AT", "明远机械有限公司") not in facts
    assert any("outside the ontology" in p.message for p in curated.curation.problems)


def test_curation_reject_fact_and_entity(curated: GraphData) -> None:
    facts = _facts(curated)
    assert ("岳阳市云溪区总工会", "SUPPORTS", "明远机械有限公司") not in facts
    assert ("岳阳市云溪区总工会", "VISITS", "明远机械有限公司") in facts  # only the rejected predicate
    assert not any("王志远" in (s, o) for s, _, o in facts)
    assert ("Person", "王志远") not in _nodes(curated)
    assert not any(m.name == "王志远" for m in curated.mentions)
    assert [(k.subject.name, k.predicate, k.object.name) for k in curated.retracted_rels
            if k.predicate == "SUPPORTS"] == [("岳阳市云溪区总工会", "SUPPORTS", "明远机械有限公司")]
    assert EntityRef(type="Person", name="王志远") in curated.retracted_nodes


def test_curation_add_with_a_sentence_or_a_source(curated: GraphData, graph: GraphData) -> None:
    facts = _facts(curated)
    cited = facts[("安远县总工会", "SUPPORTS", "禾丰纺织集团")]
    assert cited.provenance == CURATED and cited.attrs == {"program": "匠心助企行"}
    (ev,) = cited.evidence
    text = next(d.text for d in graph.documents if d.doc_id == "fx002")
    assert text[ev.start:ev.end] == ev.sentence and ev.extractor == CURATED
    assert cited.first_date == cited.last_date == "2025-06-03"  # the article's date
    sourced = facts[("安远县总工会", "RUNS", "金秋助学")]
    assert sourced.evidence[0].sentence == "union yearbook, p. 12" and sourced.first_date == "2024-09-01"
    assert _nodes(curated)[("Program", "金秋助学")].provenance == CURATED  # a new entity
    assert sorted(k for k, r in facts.items() if r.provenance == CURATED) == [
        ("安远县总工会", "RUNS", "金秋助学"), ("安远县总工会", "SUPPORTS", "禾丰纺织集团")]


def test_curation_reports_stale_entries_and_counts(curated: GraphData) -> None:
    report = curated.curation
    assert report.entries == 8
    assert (report.merged, report.renamed, report.rejected_entities, report.rejected_facts, report.added_facts) == (
        1, 2, 1, 1, 2)
    stale = [p for p in report.problems if p.message.startswith("stale")]
    assert [p.entry for p in stale] == ["reject 禾丰纺织集团职工之家 LEADS 安远县总工会"]
    assert stale[0].line == CURATION.splitlines().index("[[reject]]", 30) + 1  # names the entry's line


def test_curation_is_pure_and_idempotent(graph: GraphData, curation_file: Path) -> None:
    cur = read_curation(curation_file)
    assert apply_curation(graph, cur) == apply_curation(graph, cur)
    empty = apply_curation(graph, CurationFile())
    assert empty.nodes == graph.nodes and empty.rels == graph.rels and not empty.retracted_nodes


def test_curation_ambiguous_name_is_reported_not_guessed(graph: GraphData) -> None:
    g = apply_curation(graph, CurationFile(merge=(CurationMerge(into="安远县总工会", names=("匠心助企行专项行动",)),),
                                           reject=(CurationReject(entity="明远机械", reason="x"),)))
    # an alias finds its entity when it fits one
    assert ("Program", "匠心助企行") not in _nodes(g) and ("Enterprise", "明远机械有限公司") not in _nodes(g)
    twice = graph.model_copy(update={"nodes": (*graph.nodes, graph.nodes[0].model_copy(update={"type": "Group"}))})
    name = graph.nodes[0].name
    g2 = apply_curation(twice, CurationFile(reject=(CurationReject(entity=name, reason="x"),)))
    assert len([n for n in g2.nodes if n.name == name]) == 2
    assert "fits several entities" in g2.curation.problems[0].message


def test_curation_file_bad_entries_are_skipped_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / CURATION_FILE
    path.write_text('[[reject]]\nsubject = "甲"\n\n[[reject]]\nentity = "乙"\nreason = "r"\n[[oops]]\nx = 1\n',
                    encoding="utf-8")
    cur = read_curation(path)
    assert len(cur.reject) == 1 and cur.reject[0].entity == "乙" and cur.lines["reject:0"] == 4
    assert [(p.line, p.entry) for p in cur.problems] == [(None, "oops"), (1, "reject")]
    path.write_text("[[reject]\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        read_curation(path)


def test_curation_file_append_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "c" / CURATION_FILE
    entries = [
        ("merge", CurationMerge(into='甲"引号"', names=("乙\\丙",))),
        ("rename", CurationRename(name="丁", new_type="Organization")),
        ("reject", CurationReject(subject="甲", predicate="SUPPORTS", object="乙", reason="换行\n也行")),
        ("add", CurationAdd(subject="甲", subject_type="Union", predicate="RUNS", object="戊", object_type="Program",
                            source="s", attrs={"program": "戊"})),
    ]
    for kind, entry in entries:
        append_entry(path, kind, entry)
    cur = read_curation(path)
    assert (cur.merge[0], cur.rename[0], cur.reject[0], cur.add[0]) == tuple(e for _, e in entries)
    assert not cur.problems and path.read_text(encoding="utf-8").startswith("# Curation")


def test_curation_file_is_found_next_to_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("x", encoding="utf-8")
    assert find_curation([corpus]) is None
    (corpus / CURATION_FILE).write_text("", encoding="utf-8")
    assert find_curation([corpus / "a.txt"]) == corpus / CURATION_FILE == find_curation([corpus])
    (corpus / APPLIED_FILE).write_text("", encoding="utf-8")
    assert find_curation([corpus]) == corpus / APPLIED_FILE  # a build folder's copy first
