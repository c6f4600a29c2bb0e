"""kg.extract.parallel: input order, same results with 1 and 2 workers, an extractor that raises is an error
naming the document (with the worker's traceback as its cause), never a skipped "input problem"."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.parallel import ParallelAnalyser, analyse_documents, extract
from kg.models import Document, Entity, EntityRef, Evidence, Triple


def fake_analyse(doc: Document) -> tuple[list[Entity], list[Triple]]:
    """One entity per document and a triple for documents with an even number (module level: picklable)."""
    if "boom" in doc.text:
        raise RuntimeError("cannot cope")
    ent = Entity(doc_id=doc.doc_id, type="Union", name=doc.text[:4])
    trips = []
    if int(doc.doc_id[1:]) % 2 == 0:
        ref = EntityRef(type="Union", name=ent.name)
        trips.append(
            Triple(
                doc_id=doc.doc_id,
                subject=ref,
                predicate="PART_OF",
                object=ref,
                evidence=Evidence(sentence=doc.text[:4], start=0, end=4),
                confidence=0.5,
                extractor="fake",
            )
        )
    return [ent], trips


def docs(n: int) -> list[Document]:
    return [Document(doc_id=f"d{i}", text=f"第{i:03d}号总工会" * (1 + i % 7)) for i in range(n)]


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_keeps_input_order(workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.extract.parallel

    monkeypatch.setattr(kg.extract.parallel, "CHUNK_DOCS", 3)  # many chunks (read in this process only)
    with ParallelAnalyser(workers, analyse=fake_analyse) as pool:
        results = list(pool.map(docs(50)))
    assert [d.doc_id for d, *_ in results] == [f"d{i}" for i in range(50)]
    assert all(len(ents) == 1 and problem is None for _, ents, _, problem in results)


def test_parallel_one_and_two_workers_agree() -> None:
    with ParallelAnalyser(1, analyse=fake_analyse) as one, ParallelAnalyser(2, analyse=fake_analyse) as two:
        assert list(one.map(docs(30))) == list(two.map(docs(30)))


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_failing_document_is_an_error_with_its_traceback(workers: int) -> None:
    import traceback

    from kg.errors import ExtractionFailed

    items = docs(5) + [Document(doc_id="d99", text="boom", path="x/boom.txt")] + docs(3)
    with ParallelAnalyser(workers, analyse=fake_analyse) as pool:
        with pytest.raises(ExtractionFailed) as info:
            list(pool.map(items))
    message = str(info.value)
    assert "'d99'" in message and "x/boom.txt" in message and "RuntimeError: cannot cope" in message
    assert "bug in kg" in message and "\n" not in message
    full = "".join(traceback.format_exception(info.value))
    assert "in fake_analyse" in full and 'raise RuntimeError("cannot cope")' in full  # from the worker too


def test_parallel_rejects_zero_workers() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ParallelAnalyser(0)


def test_parallel_analyse_documents_with_real_pipeline() -> None:
    seen: list[str] = []
    entities, triples, problems = analyse_documents(docs(4), workers=1, on_document=lambda d: seen.append(d.doc_id))
    assert seen == ["d0", "d1", "d2", "d3"] and problems == []


def test_parallel_extract_reports_problems_as_found(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("区总工会开展活动。", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    found: list[str] = []
    counts: list[int] = []
    result = extract([tmp_path], on_problem=lambda p: found.append(p.path), on_documents=counts.append)
    assert found == [str(tmp_path / "b.txt")] and counts == [1]
    assert [d.doc_id for d in result.documents] == ["a"] and len(result.problems) == 1
