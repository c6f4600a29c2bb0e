"""Assembly from extraction folders: the fast reader gives what the pydantic reader gives, line for line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from kg.extract.assemble import assemble, assemble_folders, read_extraction
from kg.models import Document, GraphData, MentionRecord

DOCS = [
    {"doc_id": "n1", "text": "青川市总工会开展“暖冬行动”，慰问环卫工人。", "title": "暖冬", "date": "2025-01-03"},
    {"doc_id": "n2", "text": "青川市总工会在白沙区开展“暖冬行动”。", "date": "2025-02-10"},
]


def _entity(doc: str, name: str, etype: str = "Union", **extra: object) -> dict:
    return {"doc_id": doc, "type": etype, "name": name, "aliases": [], "mentions": [{"start": 0, "end": 6}], **extra}


def _triple(doc: str, **extra: object) -> dict:
    return {"doc_id": doc, "subject": {"type": "Union", "name": "青川市总工会"}, "predicate": "RUNS",
            "object": {"type": "Program", "name": "暖冬行动"}, "attrs": {},
            "evidence": {"sentence": "青川市总工会开展“暖冬行动”", "start": 0, "end": 14},
            "confidence": 0.8, "extractor": "rules", **extra}


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def _folder(tmp_path: Path, entities: list[str], triples: list[str]) -> Path:
    (tmp_path / "documents.jsonl").write_text("".join(_line(d) + "\n" for d in DOCS), encoding="utf-8")
    (tmp_path / "entities.jsonl").write_bytes(b"\xef\xbb\xbf" + "\n".join(entities).encode("utf-8") + b"\n")
    (tmp_path / "triples.jsonl").write_bytes("\n".join(triples).encode("utf-8") + b"\r\n")
    return tmp_path


ENTITIES = [
    _line(_entity("n1", "青川市总工会", aliases=["青川总工会"])),
    _line(_entity("n1", "暖冬行动", "Program")),
    _line(_entity("n2", "青川市总工会", mentions=[{"start": "3", "end": 9}])),  # pydantic turns "3" into 3
    _line(_entity("n2", "白沙区", "Region", mentions=[])),
    _line(_entity("n2", "暖冬行动", "Program", mentions=[{"start": 5, "end": 2}])),  # end before start: refused
    _line(_entity("n2", "某公司", "Enterprise", colour="red")),  # an unknown field: refused
    "",
    "   ",
    '{"doc_id": "n2", "type": "Union"',  # broken JSON
    _line({"doc_id": "n2", "type": "Union"}),  # no name
    _line(_entity("n2", "   ")),  # an empty name: dropped by assembly
    _line(_entity("n2", "无名", "Spaceship")),  # an unknown type: dropped by assembly
    _line(_entity("n2", "青川市总工会", aliases=[7])),  # pydantic refuses a number as a string
]
TRIPLES = [
    _line(_triple("n1")),
    _line(_triple("n2", confidence=1)),  # an integer confidence becomes 1.0
    _line({k: v for k, v in _triple("n2").items() if k != "attrs"}),  # attrs may be left out
    _line(_triple("n2", evidence={"sentence": "在白沙区开展", "start": 20, "end": 12})),  # evidence end is not checked
    _line(_triple("n2", confidence=1.5)),  # out of range: refused
    _line(_triple("n2", attrs={"amount": 5})),  # a number as an attr value: refused
    _line(_triple("n2", object={"type": "Region", "name": "白沙区"})),  # outside the ontology: dropped by assembly
    _line(_triple("n1", subject={"type": "Union", "name": "青川市总工会", "x": 1})),  # an unknown field: refused
    "[1, 2]",
]


def test_assemble_folders_reads_as_the_model_reader_does(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ENTITIES, TRIPLES)
    fast = assemble_folders([folder])
    slow = assemble([read_extraction(folder)])
    assert fast == slow
    lines = sorted((Path(p.path).name, p.line) for p in fast.problems if p.line is not None)
    assert lines == [("entities.jsonl", 5), ("entities.jsonl", 6), ("entities.jsonl", 9), ("entities.jsonl", 10),
                     ("entities.jsonl", 13), ("triples.jsonl", 5), ("triples.jsonl", 6), ("triples.jsonl", 8),
                     ("triples.jsonl", 9)]
    program = next(n for n in fast.nodes if n.type == "Program")
    assert program.doc_ids == ("n1", "n2")
    union = next(n for n in fast.nodes if n.type == "Union" and n.scope == "n1")  # a city no division data knows
    assert union.aliases == ("青川市总工会", "青川总工会")
    runs = next(r for r in fast.rels if r.predicate == "RUNS" and r.subject.name.endswith("[n2]"))
    assert [e.confidence for e in runs.evidence] == [1.0, 0.8]
    assert ("Union", "青川市总工会 [n2]", "n2", 1) in fast.mentions  # from the line pydantic converted


def test_assemble_folders_reports_undecodable_lines(tmp_path: Path) -> None:
    folder = _folder(tmp_path, [_line(_entity("n1", "青川市总工会"))], [_line(_triple("n1"))])
    with (folder / "entities.jsonl").open("ab") as fh:
        fh.write(b'{"doc_id": "n1", "type": "Union", "name": "\xff\xfe"}\n')
    graph = assemble_folders([folder])
    assert [n.name for n in graph.nodes] == ["暖冬行动", "青川市总工会 [n1]"]
    (problem,) = [p for p in graph.problems if p.line is not None]
    assert problem.path.endswith("entities.jsonl") and problem.line == 2


def test_assemble_mentions_are_checked_named_tuples() -> None:
    graph = assemble([])
    assert graph.mentions == ()
    m = MentionRecord(type="Union", name="青川市总工会", doc_id="n1", mentions=2)
    assert GraphData(mentions=(m,)).mentions[0].mentions == 2
    with pytest.raises(ValidationError):
        GraphData(mentions=(("Union", "青川市总工会", "n1", "many"),))
    with pytest.raises(AttributeError):
        m.mentions = 3  # type: ignore[misc]
    assert Document(doc_id="n1", text="x").doc_id == "n1"


def test_assemble_folders_bare_cr_line_ends_read_line_by_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ENTITIES, TRIPLES)
    for name in ("entities.jsonl", "triples.jsonl"):  # an old Mac editor's line ends: bare \r
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    fast = assemble_folders([folder])
    assert fast == assemble([read_extraction(folder)])
    assert sorted((Path(p.path).name, p.line) for p in fast.problems if p.line is not None)[:3] == [
        ("entities.jsonl", 5), ("entities.jsonl", 6), ("entities.jsonl", 9)]
    assert len(fast.nodes) > 0
