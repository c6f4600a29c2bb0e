"""kg.extract.stream: the streamed files are byte for byte those of the in-memory extraction, records are
written as documents finish, and memory does not grow with the number of documents."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from kg.extract import parallel
from kg.extract.assemble import assemble, assemble_folders, read_extraction
from kg.extract.extractors import run_rules
from kg.extract.pipeline import write_extraction
from kg.extract.stream import EXTRACTION_FILES, stream_extract
from kg.models import Document, Entity, EntityRef, Evidence, Triple, to_json_line
from kg.resources import package_data


def bulky_analyse(doc: Document) -> tuple[list[Entity], list[Triple]]:
    """Forty entities and a triple of about 8 KB per document (module level: picklable)."""
    ents = [Entity(doc_id=doc.doc_id, type="Union", name=f"{doc.doc_id}第{i}工会") for i in range(40)]
    ref = EntityRef(type="Union", name=ents[0].name)
    sentence = "某某" * 2000
    triple = Triple(doc_id=doc.doc_id, subject=ref, predicate="PART_OF", object=EntityRef(type="Union", name=ents[1].name),
                    evidence=Evidence(sentence=sentence, start=0, end=len(sentence)), confidence=0.5, extractor="fake")
    return ents, [triple]


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "records.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i:05d}", "text": f"第{i}号新闻。"}, ensure_ascii=False) + "\n")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_stream_files_are_those_of_the_in_memory_extraction(workers: int, tmp_path: Path) -> None:
    example = package_data("example")
    before = write_extraction(parallel.extract([example], analyse=run_rules), tmp_path / "before")
    (tmp_path / "after").mkdir()
    summary = stream_extract([example], tmp_path / "after", workers=workers, analyse=run_rules)
    for name in EXTRACTION_FILES:
        assert (tmp_path / "after" / name).read_bytes() == (tmp_path / "before" / name).read_bytes(), name
    result = read_extraction(tmp_path / "before")
    assert summary.documents == len(result.documents) > 5
    assert summary.entities == len(result.entities) and summary.triples == len(result.triples)
    assert sum(summary.entity_types.values()) == summary.entities
    assert summary.extracted == summary.documents and summary.reused == 0
    assert before["documents"].stat().st_size > 0


def test_stream_assembled_graph_is_that_of_the_in_memory_results(tmp_path: Path) -> None:
    example = package_data("example")
    result = parallel.extract([example], analyse=run_rules)
    write_extraction(result, tmp_path)
    assert assemble_folders([tmp_path]) == assemble([result])


def test_stream_writes_each_document_before_the_run_ends(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 300)
    out = tmp_path / "out"
    out.mkdir()
    seen: list[int] = []

    def on_document(doc: Document) -> None:
        if doc.doc_id == "d00250":  # well before the end: the earlier documents are on disk already
            seen.append((out / "entities.jsonl").stat().st_size)

    stream_extract([corpus], out, analyse=bulky_analyse, on_document=on_document)
    one_document = len("".join(to_json_line(e) + "\n" for e in bulky_analyse(Document(doc_id="d00000", text="x"))[0]))
    assert seen and seen[0] >= 200 * one_document


def _peak_bytes(tmp_path: Path, n: int) -> int:
    corpus = write_corpus(tmp_path / f"corpus{n}", n)
    out = tmp_path / f"out{n}"
    out.mkdir()
    tracemalloc.start()
    try:
        summary = stream_extract([corpus], out, analyse=bulky_analyse)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.documents == n and summary.entities == 40 * n
    return peak


def test_stream_memory_does_not_grow_with_the_documents(tmp_path: Path) -> None:
    # 1000 documents write about 9 MB of triples and 3 MB of entities: held in memory, the peak would be
    # ten times that of 100 documents; streamed, it is about the same
    small, big = _peak_bytes(tmp_path, 100), _peak_bytes(tmp_path, 1000)
    assert (tmp_path / "out1000" / "triples.jsonl").stat().st_size > 8_000_000
    assert big < small * 1.5 + 1_000_000, (small, big)


def test_stream_bench_rebuild_report_shows_elapsed_and_cpu_seconds_per_stage() -> None:
    from kg.bench.stream import format_rebuild
    from kg.models import RebuildBench

    b = RebuildBench(articles=100, new_articles=1, extractor="rules", first_seconds=50.0, rerun_seconds=5.0, reused=100,
                     extracted=1, rerun_stages={"start": 0.0, "extracting": 1.5, "assembling": 3.5},
                     rerun_stages_cpu={"start": 0.0, "extracting": 0.25, "assembling": 0.75})
    text = format_rebuild(b)
    assert "re-run stages:   extracting 1.50, assembling 3.50 (s)" in text
    assert "of which CPU:  extracting 0.25, assembling 0.75" in text
    assert "start" not in text and "10.0x" in text
