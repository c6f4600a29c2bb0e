"""Throughput of the extraction pipeline against bare ``jieba.lcut``, measured in one run.

The corpus is the development articles repeated until it reaches the wanted
size. jieba runs in this process on its own :class:`jieba.Tokenizer`,
initialised before the clock starts; the pipeline runs
:func:`kg.extract.pipeline.analyse` per document with 1, 2, … worker processes, each
warmed up before timing. Measurements alternate in rounds over slices of
the corpus, so a shared machine's changing load affects all of them alike. The ratio pipeline/jieba is what the speed bar of
issue 2 asks for (target ≥ 0.5). With ``--scheduler`` the pipeline runs on a
Dask cluster, on its first 1, 2, … workers in the same rounds; the line
"2 workers / 1" is the scaling issue 9 asks for (target ≥ 1.6). Nothing here
asserts a time.
"""

from __future__ import annotations

import functools
import resource
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path

from kg.errors import ClusterError, InputError
from kg.extract.cluster import ClusterAnalyser
from kg.extract.parallel import AnalyseFn, ParallelAnalyser, analyser
from kg.extract.reader import read_documents
from kg.models import BenchReport, BenchRun, Document, InputProblem
from kg.resources import package_data

__all__ = ["bench_extract", "bench_scaling", "build_corpus", "default_corpus_dir", "format_bench", "format_scaling",
           "one_line_document"]

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
    scheduler: str | None = None,
) -> BenchReport:
    """Measure jieba.lcut and the pipeline on the same ≥ *size_mb* corpus.

    With a Dask *scheduler* (an address, or ``local`` for a cluster of
    ``max(workers)`` processes here) the pipeline runs on that cluster's
    workers: with *n* workers means on the first *n* of them (by address), the
    others idle, all in one cluster, one connection and the same rounds.
    """
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
        if scheduler is None:
            pools = _local_pools(stack, workers, analyse, docs, step)
        else:
            pools = _cluster_pools(stack, scheduler, workers, analyse, step)
        for i, part in enumerate(slices, 1):
            step(f"measuring round {i}/{ROUNDS}: jieba.lcut and the pipeline on {_kb(part):,.0f} KB")
            t0 = time.perf_counter()
            for doc in part:
                tokenizer.lcut(doc.text)
            seconds["jieba"] += time.perf_counter() - t0
            for n, run in pools.items():
                t0 = time.perf_counter()
                for _ in run(part):
                    pass
                seconds[f"pipeline{n}"] += time.perf_counter() - t0

    def rate(s: float) -> float:
        return kb / s if s else float("inf")

    jieba_rate = rate(seconds["jieba"])
    runs = [BenchRun(what="jieba.lcut", workers=1, seconds=seconds["jieba"], kb_per_s=jieba_rate)]
    for n in workers:
        s_n = seconds[f"pipeline{n}"]
        runs.append(
            BenchRun(what="pipeline" if scheduler is None else "dask", workers=n, seconds=s_n, kb_per_s=rate(s_n), ratio_to_jieba=rate(s_n) / jieba_rate)
        )
    return BenchReport(corpus=str(corpus_dir), documents=len(docs), size_kb=kb, runs=tuple(runs))


Runner = Callable[[Sequence[Document]], Iterable[object]]


def _local_pools(stack: ExitStack, workers: Sequence[int], analyse: AnalyseFn | None, docs: list[Document],
                 step: Callable[[str], None]) -> dict[int, Runner]:
    """A process pool of each size in *workers*, started and warmed up."""
    pools = {n: stack.enter_context(ParallelAnalyser(n, analyse=analyse)) for n in workers}
    for n, pool in pools.items():
        step(f"starting the pipeline with {n} worker{'s' if n > 1 else ''}")
        if n == 1:
            list(pool.map(docs[:1]))  # load the extractor's lazy resources
        else:
            pool.wait_ready()
    return {n: pool.map for n, pool in pools.items()}


def _cluster_pools(stack: ExitStack, scheduler: str, workers: Sequence[int], analyse: AnalyseFn | None,
                   step: Callable[[str], None]) -> dict[int, Runner]:
    """One connection to the cluster; for each n of *workers*, a run on its first n workers."""
    step(f"connecting to the Dask cluster {scheduler}" if scheduler != "local"
         else f"starting a Dask cluster of {max(workers)} worker processes here")
    pool = stack.enter_context(analyser(max(workers), analyse=analyse, scheduler=scheduler))
    assert isinstance(pool, ClusterAnalyser)
    addresses = list(pool.worker_threads())
    if max(workers) > len(addresses):
        raise ClusterError(f"the Dask cluster at {scheduler} has {len(addresses)} worker(s), --workers asks for "
                           f"{max(workers)}; start more with `dask worker {scheduler}` or ask for fewer")
    step(f"loading the extractor on {len(addresses)} Dask worker(s)")
    pool.wait_ready(addresses)
    return {n: functools.partial(pool.map, on=addresses[:n]) for n in workers}


def format_bench(report: BenchReport) -> str:
    """The benchmark as a small plain-text table."""
    lines = [
        f"corpus: {report.corpus} repeated to {report.documents} documents, {report.size_kb:,.0f} KB",
        f"{'what':<12} {'workers':>7} {'seconds':>9} {'KB/s':>9} {'ratio':>7}",
    ]
    for run in report.runs:
        ratio = f"{run.ratio_to_jieba:7.2f}" if run.ratio_to_jieba is not None else f"{'':>7}"
        lines.append(f"{run.what:<12} {run.workers:>7} {run.seconds:9.2f} {run.kb_per_s:9.1f} {ratio}")
    measured = [r for r in report.runs if r.what != "jieba.lcut"]
    for run in measured[1:]:
        lines.append(f"{run.workers} workers / {measured[0].workers}: {run.kb_per_s / measured[0].kb_per_s:.2f}x "
                     "the throughput" + (" (goal >= 1.6 for 2 / 1)" if run.what == "dask" else ""))
    return "\n".join(lines)


# --------------------------------------------------------------------------- scaling with document size


def one_line_document(sources: Sequence[Document], *, size_bytes: int, doc_id: str = "one-line") -> Document:
    """One document of about *size_bytes*: the texts of *sources*, line breaks removed, back to back, repeated.

    No line break means no article or headline edge: the whole text is one article, the worst case
    for any stage that scans an article per sentence.

    >>> one_line_document([Document(doc_id="a", text="工会\\n慰问。")], size_bytes=30).text
    '工会慰问。工会慰问。'
    """
    pieces = [d.text.replace("\r", "").replace("\n", "") for d in sources]
    pieces = [p for p in pieces if p]
    if not pieces:
        raise InputError("no text to build the benchmark document from; give --corpus a folder of articles")
    out: list[str] = []
    total = 0
    while total < size_bytes:
        for p in pieces:
            out.append(p)
            total += len(p.encode("utf-8"))
            if total >= size_bytes:
                break
    return Document(doc_id=doc_id, text="".join(out))


def _articles_of(doc: Document, sources: Sequence[Document]) -> list[Document]:
    """The text of *doc* cut back into the articles it was made of (same characters, many documents)."""
    lengths = [len(d.text.replace("\r", "").replace("\n", "")) for d in sources]
    lengths = [n for n in lengths if n]
    out: list[Document] = []
    pos = 0
    while pos < len(doc.text):
        n = lengths[len(out) % len(lengths)]
        out.append(Document(doc_id=f"article-{len(out)}", text=doc.text[pos : pos + n]))
        pos += n
    return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def bench_scaling(
    corpus_dir: Path,
    *,
    sizes_mb: Sequence[float] = (1, 2, 4, 8),
    split: bool = True,
    on_step: Callable[[str], None] | None = None,
    analyse: AnalyseFn | None = None,
) -> BenchReport:
    """Seconds per MB of one single-line document of each size in *sizes_mb*, in this process.

    With *split*, the largest document's text is also analysed cut into the
    articles it was made of: the per-MB speed a corpus of articles gets, to
    compare the one long document with. Times are CPU seconds of this process (the
    analysis runs here, workers=1). Peak memory is the process's, after each run.
    """
    sources = [d for d in read_documents([corpus_dir]) if not isinstance(d, InputProblem)]
    step = on_step or (lambda _msg: None)
    with ParallelAnalyser(1, analyse=analyse) as pool:
        list(pool.map(sources[:1]))  # load the extractor's lazy resources before the clock starts
        runs: list[BenchRun] = []
        doc = None
        for mb in sorted(sizes_mb):
            doc = one_line_document(sources, size_bytes=int(mb * 1024 * 1024))
            step(f"one document of {mb:g} MB on one line")
            runs.append(_timed(pool, [doc], f"one line {mb:g} MB"))
        if split and doc is not None:
            articles = _articles_of(doc, sources)
            step(f"the same {sorted(sizes_mb)[-1]:g} MB as {len(articles)} articles")
            runs.append(_timed(pool, articles, f"articles {sorted(sizes_mb)[-1]:g} MB"))
    size_kb = _kb([doc]) if doc is not None else 0.0
    return BenchReport(corpus=str(corpus_dir), documents=1, size_kb=size_kb, runs=tuple(runs))


def _timed(pool: ParallelAnalyser, docs: list[Document], what: str) -> BenchRun:
    """One run, timed in this process's CPU seconds: on a shared machine other jobs change the
    wall-clock time of a long run a lot more than they change its CPU time."""
    kb = _kb(docs)
    t0 = time.process_time()
    for _ in pool.map(docs):
        pass
    seconds = time.process_time() - t0
    return BenchRun(what=what, seconds=seconds, kb_per_s=kb / seconds if seconds else float("inf"),
                    peak_rss_mb=_peak_rss_mb())


def format_scaling(report: BenchReport) -> str:
    """The scaling benchmark as a table: seconds per MB of each size, and the ratios the issue asks for."""
    lines = [
        f"corpus: {report.corpus}, line breaks removed, repeated to one document of each size",
        f"{'what':<22} {'CPU s':>9} {'s/MB':>7} {'peak RSS MB':>12}",
    ]
    per_mb: dict[str, float] = {}
    for run in report.runs:
        s_mb = 1024 / run.kb_per_s if run.kb_per_s else 0.0
        per_mb[run.what] = s_mb
        lines.append(f"{run.what:<22} {run.seconds:9.2f} {s_mb:7.2f} {run.peak_rss_mb or 0:12.0f}")
    one_line = [r for r in report.runs if r.what.startswith("one line")]
    if len(one_line) >= 2:
        small, large = per_mb[one_line[0].what], per_mb[one_line[-1].what]
        lines.append(f"largest/smallest seconds per MB: {large / small:.2f} (goal <= 1.3)")
    articles = [r for r in report.runs if r.what.startswith("articles")]
    if articles and one_line:
        ratio = per_mb[one_line[-1].what] / per_mb[articles[0].what]
        lines.append(f"one line / articles seconds per MB at {one_line[-1].what[len('one line '):]}: "
                     f"{ratio:.2f} (goal <= 2)")
    return "\n".join(lines)
