"""Assembly's lean records: what pydantic would make, value for value, and identity's lean map answers as before."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.extract.assemble import assemble_folders
from kg.extract.identity import resolve_identity
from kg.models import (
    Entity,
    EntityRef,
    Evidence,
    EvidenceRecord,
    GraphData,
    NodeRecord,
    RelRecord,
    Triple,
)

DOCS = [
    {"doc_id": "p1", "text": "x", "title": "一", "date": "2024-03-01"},
    {"doc_id": "p2", "text": "x", "date": "2024-06-15"},
    {"doc_id": "p3", "text": "x"},
]


def _triple(doc: str, subject: tuple[str, str], predicate: str, obj: tuple[str, str], start: int,
            confidence: float, **attrs: str) -> dict:
    return {"doc_id": doc, "subject": {"type": subject[0], "name": subject[1]}, "predicate": predicate,
            "object": {"type": obj[0], "name": obj[1]}, "attrs": attrs,
            "evidence": {"sentence": f"句子{start}", "start": start, "end": start + 1000},
            "confidence": confidence, "extractor": "rules"}


def _folder(tmp_path: Path) -> Path:
    union, company = ("Union", "青川市临江区总工会"), ("Enterprise", "青川远帆精工有限公司")
    entities = [
        {"doc_id": "p1", "type": "Union", "name": union[1], "aliases": ["临江总工会"],
         "mentions": [{"start": 0, "end": 9}, {"start": 40, "end": 49}]},
        {"doc_id": "p2", "type": "Union", "name": "临江总工会", "aliases": [], "mentions": []},
        {"doc_id": "p2", "type": "Union", "name": "市总工会", "aliases": [], "mentions": [{"start": 3, "end": 7}]},
        {"doc_id": "p3", "type": "Enterprise", "name": company[1], "aliases": ["远帆精工"], "mentions": []},
        {"doc_id": "p3", "type": "Person", "name": "林晓舟", "aliases": [], "mentions": [{"start": 1, "end": 4}]},
    ]
    triples = [
        _triple("p1", union, "SUPPORTS", company, 500, 0.75, amount="3万元"),
        _triple("p2", union, "SUPPORTS", company, 500, 1.0),  # same fact, other article
        _triple("p2", union, "SUPPORTS", company, 500, 0.5),  # same evidence again: kept once
        _triple("p3", ("Person", "林晓舟"), "HOLDS_POSITION", company, 7, 0.0),
        _triple("p2", ("Union", "市总工会"), "SUPPORTS", company, 300, 0.9),
    ]
    for name, rows in (("documents", DOCS), ("entities", entities), ("triples", triples)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (tmp_path / f"{name}.jsonl").write_text(text, encoding="utf-8")
    return tmp_path


def test_assembled_records_are_what_pydantic_makes(tmp_path: Path) -> None:
    graph = assemble_folders([_folder(tmp_path)])
    assert graph.rels and graph.nodes and graph.mentions
    # every record, validated anew from its own values, is equal and dumps the same
    again = GraphData.model_validate_json(graph.model_dump_json())
    assert again == graph and again.model_dump_json() == graph.model_dump_json()
    assert repr(again) == repr(graph)
    for n in graph.nodes:
        assert NodeRecord(**n.model_dump()) == n and type(n.aliases) is tuple
    for r in graph.rels:
        assert RelRecord(**r.model_dump()) == r and type(r.confidence) is float
        for e in r.evidence:
            assert EvidenceRecord(**e.model_dump()) == e
    assert pickle.loads(pickle.dumps(graph)) == graph
    # one fields-set is shared by the records of a type; a copy gets its own, so a changed copy changes no other
    e1, e2 = graph.rels[0].evidence[0], graph.rels[-1].evidence[0]
    changed = e1.model_copy(update={"doc_id": "p9"})
    assert changed.doc_id == "p9" and e1.doc_id != "p9"
    assert e1.model_fields_set == e2.model_fields_set == set(EvidenceRecord.model_fields)
    assert graph.model_fields_set == set(GraphData.model_fields)
    supports = next(r for r in graph.rels if r.predicate == "SUPPORTS" and "[" not in r.subject.name)
    assert [(e.doc_id, e.confidence) for e in supports.evidence] == [("p1", 0.75), ("p2", 1.0)]
    assert (supports.confidence, supports.attrs, supports.first_date, supports.last_date) == (
        1.0, {"amount": "3万元"}, "2024-03-01", "2024-06-15")
    works = next(r for r in graph.rels if r.predicate == "HOLDS_POSITION")
    assert works.evidence[0].confidence == 0.0 and type(works.evidence[0].confidence) is float
    assert list(graph.mentions) == sorted(graph.mentions) and ("Union", "市总工会 [p2]", "p2", 1) in graph.mentions


def test_evidence_kept_on_disk_reads_back_the_same_records(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    folder = _folder(tmp_path / "x")
    in_memory = assemble_folders([folder])
    spill = tmp_path / "spill"
    spill.mkdir()
    on_disk = assemble_folders([folder], evidence_dir=spill)
    assert not list(spill.iterdir()), "the evidence files have no name"
    assert [r.key for r in on_disk.rels] == [r.key for r in in_memory.rels]
    for a, b in zip(on_disk.rels, in_memory.rels):
        assert type(a.evidence) is not tuple and len(a.evidence) == len(b.evidence)
        assert tuple(a.evidence) == b.evidence and a.evidence == b.evidence
        assert a.evidence[:1] == b.evidence[:1] and a.evidence[-1] == b.evidence[-1]
        assert [e.model_dump() for e in a.evidence] == [e.model_dump() for e in b.evidence]
        assert (a.confidence, a.first_date, a.last_date, a.attrs) == (b.confidence, b.first_date, b.last_date, b.attrs)
        assert a.evidence + () == b.evidence  # as curation extends it
    assert (on_disk.nodes, on_disk.mentions, on_disk.documents) == (in_memory.nodes, in_memory.mentions,
                                                                   in_memory.documents)

    with pytest.raises(OutputError, match="cannot write the evidence file in .*choose another output folder"):
        assemble_folders([folder], evidence_dir=tmp_path / "missing")


def test_identity_lean_map_answers_as_the_full_one() -> None:
    def ent(doc: str, etype: str, name: str, *aliases: str) -> Entity:
        return Entity(doc_id=doc, type=etype, name=name, aliases=aliases)

    entities = [ent("a", "Union", "青川市临江区总工会", "临江总工会"), ent("b", "Union", "临江总工会"),
                ent("b", "Union", "市总工会"), ent("c", "Union", "市总工会"), ent("c", "Person", "林晓舟"),
                ent("d", "Person", "林晓舟"), ent("d", "Enterprise", "远帆精工"),
                ent("e", "Enterprise", "青川远帆精工有限公司", "远帆精工")]
    ev = Evidence(sentence="s", start=0, end=1)
    triples = [Triple(doc_id="c", subject=EntityRef(type="Person", name="林晓舟"), predicate="HOLDS_POSITION",
                      object=EntityRef(type="Enterprise", name="远帆精工"), evidence=ev, confidence=0.5,
                      extractor="rules")]
    full = resolve_identity(entities, triples)
    items = list(full.nodes)
    answers = {item: full.node(*item) for item in items}
    report = full.report
    lean = copy.deepcopy(full).lean()
    assert {item: lean.node(*item) for item in items} == answers
    assert len(lean.nodes) < len(items) and all(node != item[2] for item, node in lean.nodes.items())
    assert (lean.scope, lean.unresolved, lean.report) == (full.scope, full.unresolved, report)
    assert any(node != item[2] for item, node in answers.items())  # the example does merge and scope names
