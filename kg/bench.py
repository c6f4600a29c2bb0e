"""Throughput of the extraction pipeline against bare ``jieba.lcut``, measured in one run.

The corpus is the development articles repeated until it reaches the wanted
size. jieba runs in this process on its own :class:`jieba.Tokenizer`,
initialised before the clock starts; the pipeline runs
:func:`kg.pipeline.analyse` per document with 1, 2, … worker processes, each
warmed up before timing. The ratio pipeline/jieba is what the speed bar of
issue 2 asks for (target ≥ 0.5). Nothing here asserts a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.errors import InputError
from kg.models import BenchReport, BenchRun, Document, InputProblem
from kg.parallel import ParallelAnalyser
from kg.resources import package_data

__all__ = ["default_corpus_dir", "build_corpus", "bench_extract", "format_bench"]


def default_corpus_dir() -> Path:
    """``../shared/dev/corpus`` beside a source checkout, else the bundled example corpus."""
    dev = Path(__file__).resolve().parent.parent.parent / "shared" / "dev" / "corpus"
    return dev if dev.is_dir() else package_data("example")


def build_corpus(sources: Sequence[Document], *, size_bytes: int) -> list[Document]:
    """Repeat *sources* (with fresh ids) until their UTF-8 text reaches *size_bytes*.

    >>> docs = build_corpus([Document(doc_id="a", text="工会" * 10)], size_bytes=100)
    >>> len(docs), docs[-1].doc_id
    (2, 'a~1')
    """
    if not sources or not any(d.text for d in sources):
        raise InputError("no documents to build the benchmark corpus from; give --corpus a folder of articles")
    corpus: list[Document] = []
    total = 0
    round_ = 0
    while total < size_bytes:
        for doc in sources:
            corpus.append(doc.model_copy(update={"doc_id": f"{doc.doc_id}~{round_}"}))
            total += len(doc.text.encode("utf-8"))
            if total >= size_bytes:
                break
        round_ += 1
    return corpus


def _kb(docs: Sequence[Document]) -> float:
    return sum(len(d.text.encode("utf-8")) for d in docs) / 1024


def bench_extract(
    corpus_dir: Path,
    *,
    size_mb: float = 5.0,
    workers: Sequence[int] = (1, 2),
    on_step: Callable[[str], None] | None = None,
) -> BenchReport:
    """Measure jieba.lcut and the pipeline on the same ≥ *size_mb* corpus."""
    from kg.reader import read_documents

    sources = [d for d in read_documents([corpus_dir]) if not isinstance(d, InputProblem)]
    docs = build_corpus(sources, size_bytes=int(size_mb * 1024 * 1024))
    kb = _kb(docs)
    step = on_step or (lambda _msg: None)

    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # load the dictionary before the clock starts
    step(f"jieba.lcut on {kb:,.0f} KB")
    t0 = time.perf_counter()
    for doc in docs:
        tokenizer.lcut(doc.text)
    jieba_s = time.perf_counter() - t0
    jieba_rate = kb / jieba_s if jieba_s else float("inf")
    runs = [BenchRun(what="jieba.lcut", workers=1, seconds=jieba_s, kb_per_s=jieba_rate)]

    for n in workers:
        step(f"pipeline with {n} worker{'s' if n > 1 else ''}")
        with ParallelAnalyser(n) as pool:
            if n == 1:
                list(pool.map(docs[:1]))  # load the extractor's lazy resources
            else:
                pool.wait_ready()
            t0 = time.perf_counter()
            for _ in pool.map(docs):
                pass
            seconds = time.perf_counter() - t0
        rate = kb / seconds if seconds else float("inf")
        runs.append(
            BenchRun(what="pipeline", workers=n, seconds=seconds, kb_per_s=rate, ratio_to_jieba=rate / jieba_rate)
        )
    return BenchReport(corpus=str(corpus_dir), documents=len(docs), size_kb=kb, runs=tuple(runs))


def format_bench(report: BenchReport) -> str:
    """The benchmark as a small plain-text table."""
    lines = [
        f"corpus: {report.corpus} repeated to {report.documents} documents, {report.size_kb:,.0f} KB",
        f"{'what':<12} {'workers':>7} {'seconds':>9} {'KB/s':>9} {'ratio':>7}",
    ]
    for run in report.runs:
        ratio = f"{run.ratio_to_jieba:7.2f}" if run.ratio_to_jieba is not None else f"{'':>7}"
        lines.append(f"{run.what:<12} {run.workers:>7} {run.seconds:9.2f} {run.kb_per_s:9.1f} {ratio}")
    return "\n".join(lines)
