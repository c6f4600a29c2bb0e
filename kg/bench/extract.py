"""Throughput of the extraction pipeline against bare ``jieba.lcut``, measured in one run.

The corpus is the development articles repeated until it reaches the wanted
size. jieba runs in this process on its own :class:`jieba.Tokenizer`,
initialised before the clock starts; the pipeline runs
:func:`kg.extract.pipeline.analyse` per document with 1, 2, … worker processes, each
warmed up before timing. Measurements alternate in rounds over slices of
the corpus, so a shared machine's changing load affects all of them alike. The ratio pipeline/jieba is what the speed bar of
issue 2 asks for (target ≥ 0.5). Nothing here asserts a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from kg.errors import InputError
from kg.extract.parallel import AnalyseFn, ParallelAnalyser
from kg.extract.reader import read_documents
from kg.models import BenchReport, BenchRun, Document, InputProblem
from kg.resources import package_data

__all__ = ["default_corpus_dir", "build_corpus", "bench_extract", "format_bench"]

#: the corpus is measured in this many interleaved rounds
ROUNDS = 5


def default_corpus_dir() -> Path:
    """``../shared/dev/corpus`` beside a source checkout, else the bundled example corpus."""
    # kg/bench/extract.py -> the checkout's parent folder, where ../shared lives
    dev = Path(__file__).resolve().parents[3] / "shared" / "dev" / "corpus"
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
    analyse: AnalyseFn | None = None,
) -> BenchReport:
    """Measure jieba.lcut and the pipeline on the same ≥ *size_mb* corpus."""
    sources = [d for d in read_documents([corpus_dir]) if not isinstance(d, InputProblem)]
    docs = build_corpus(sources, size_bytes=int(size_mb * 1024 * 1024))
    kb = _kb(docs)
    step = on_step or (lambda _msg: None)

    import jieba  # lazy: loads its dictionary machinery; only the benchmark needs a Tokenizer of its own

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # load the dictionary before the clock starts

    # The machine may be shared: measure in interleaved rounds (jieba, then the
    # pipeline with each worker count, on the same slice of the corpus) so that
    # a change of load hits every measurement alike and the ratios stay fair.
    slices = [docs[i::ROUNDS] for i in range(ROUNDS)]
    seconds: dict[str, float] = {"jieba": 0.0, **{f"pipeline{n}": 0.0 for n in workers}}
    with ExitStack() as stack:
        pools = {n: stack.enter_context(ParallelAnalyser(n, analyse=analyse)) for n in workers}
        for n, pool in pools.items():
            step(f"starting the pipeline with {n} worker{'s' if n > 1 else ''}")
            if n == 1:
                list(pool.map(docs[:1]))  # load the extractor's lazy resources
            else:
                pool.wait_ready()
        for i, part in enumerate(slices, 1):
            step(f"measuring round {i}/{ROUNDS}: jieba.lcut and the pipeline on {_kb(part):,.0f} KB")
            t0 = time.perf_counter()
            for doc in part:
                tokenizer.lcut(doc.text)
            seconds["jieba"] += time.perf_counter() - t0
            for n, pool in pools.items():
                t0 = time.perf_counter()
                for _ in pool.map(part):
                    pass
                seconds[f"pipeline{n}"] += time.perf_counter() - t0

    def rate(s: float) -> float:
        return kb / s if s else float("inf")

    jieba_rate = rate(seconds["jieba"])
    runs = [BenchRun(what="jieba.lcut", workers=1, seconds=seconds["jieba"], kb_per_s=jieba_rate)]
    for n in workers:
        s_n = seconds[f"pipeline{n}"]
        runs.append(
            BenchRun(what="pipeline", workers=n, seconds=s_n, kb_per_s=rate(s_n), ratio_to_jieba=rate(s_n) / jieba_rate)
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
