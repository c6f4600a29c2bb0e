"""``kg bench stream`` and ``kg bench rebuild``: a build of generated articles, its memory, and a re-run from the cache.

The articles come from :func:`kg.bench.synth.synthetic_articles`, written as
JSONL files of a thousand records (the generator and the writer keep one
article at a time), then built by :func:`kg.build.build` like ``kg build``
does. ``stream`` reports the peak resident memory of this process (and of
the largest worker process with ``workers > 1``): with streaming it stays
flat as the number of articles grows. ``rebuild`` builds once, adds a share
of new articles and builds again into the same folder, and reports both
times, their ratio and the re-run's time per stage (elapsed and CPU time of
this process, which a busy machine inflates less). Nothing here asserts a
time or a size.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

from kg.bench.synth import synthetic_articles
from kg.build import build
from kg.extract.parallel import AnalyseFn
from kg.models import RebuildBench, StreamBench

__all__ = ["bench_rebuild", "bench_stream", "format_rebuild", "format_stream", "write_articles"]

#: records per generated JSONL file
PER_FILE = 1000


def write_articles(folder: Path, n: int, *, start: int = 0, seed: int = 0, prefix: str = "part") -> int:
    """Write *n* generated articles (from number *start*) into JSONL files in *folder*; returns their bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    fh = None
    try:
        for i, doc in enumerate(synthetic_articles(n, seed=seed, start=start)):
            if i % PER_FILE == 0:
                if fh is not None:
                    fh.close()
                fh = (folder / f"{prefix}-{(start + i) // PER_FILE:05d}.jsonl").open("w", encoding="utf-8")
            record = {"id": doc.doc_id, "title": doc.title, "date": doc.date, "source": doc.source, "text": doc.text}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
    finally:
        if fh is not None:
            fh.close()
    return size


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


class _Stages:
    """An ``on_stage`` callback noting each stage's seconds (elapsed and this process's CPU) and its peak memory when it ended."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}
        self._mark = (time.perf_counter(), time.process_time(), "start")

    def __call__(self, name: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        self.seconds[self._mark[2]] = round(now - self._mark[0], 2)
        self.cpu[self._mark[2]] = round(now_cpu - self._mark[1], 2)
        self.peak_mb[self._mark[2]] = round(_rss_mb(resource.RUSAGE_SELF), 1)
        self._mark = (now, now_cpu, name)


def bench_stream(workdir: Path, *, articles: int, analyse: AnalyseFn, extractor: str, workers: int = 1,
                 on_step: Callable[[str], None] | None = None) -> StreamBench:
    """Build *articles* generated articles (no cache) in *workdir*; time and peak memory, per stage too."""
    step = on_step or (lambda _s: None)
    step(f"writing {articles} articles")
    size = write_articles(workdir / "corpus", articles)
    step("building")
    stages = _Stages()
    start = time.perf_counter()
    report = build([workdir / "corpus"], workdir / "out", workers=workers, analyse=analyse, cache=False,
                   on_stage=stages)
    stages("end")
    seconds = time.perf_counter() - start
    return StreamBench(
        articles=articles, extractor=extractor, workers=workers, size_mb=round(size / 2**20, 1),
        seconds=round(seconds, 1), peak_rss_mb=round(_rss_mb(resource.RUSAGE_SELF), 1),
        worker_peak_rss_mb=round(_rss_mb(resource.RUSAGE_CHILDREN), 1) if workers > 1 else 0.0,
        documents=report.documents, nodes=sum(report.nodes.values()),
        relationships=sum(report.relationships.values()), stages=stages.seconds, stage_peak_rss_mb=stages.peak_mb,
    )


def format_stream(b: StreamBench) -> str:
    lines = [
        f"articles:        {b.articles} generated ({b.size_mb} MB of JSONL), extractor {b.extractor}, "
        f"{b.workers} worker(s)",
        f"build:           {b.seconds:.1f} s ({b.articles / b.seconds if b.seconds else 0:.0f} articles/s), "
        f"{b.documents} documents, {b.nodes} entities, {b.relationships} relationships",
        f"peak RSS:        {b.peak_rss_mb:.0f} MB (this process)",
    ]
    if b.workers > 1:
        lines.append(f"peak RSS:        {b.worker_peak_rss_mb:.0f} MB (largest worker process)")
    if b.stages:
        lines.append("stages:          " + ", ".join(
            f"{k} {v:.1f} s (peak {b.stage_peak_rss_mb.get(k, 0):.0f} MB)" for k, v in b.stages.items()))
    return "\n".join(lines)


def bench_rebuild(workdir: Path, *, articles: int, analyse: AnalyseFn, extractor: str, new_share: float = 0.01,
                  workers: int = 1, on_step: Callable[[str], None] | None = None) -> RebuildBench:
    """Build *articles* articles, add ``new_share`` of new ones, build again into the same folder (from the cache)."""
    step = on_step or (lambda _s: None)
    corpus, out = workdir / "corpus", workdir / "out"
    step(f"writing {articles} articles")
    write_articles(corpus, articles)
    step("first build")
    start = time.perf_counter()
    build([corpus], out, workers=workers, analyse=analyse)
    first = time.perf_counter() - start
    new = max(1, round(articles * new_share))
    write_articles(corpus, new, start=articles, prefix="new")
    step(f"re-run with {new} new articles")
    stages = _Stages()
    start = time.perf_counter()
    report = build([corpus], out, workers=workers, analyse=analyse, on_stage=stages)
    stages("end")
    rerun = time.perf_counter() - start
    return RebuildBench(
        articles=articles, new_articles=new, extractor=extractor, workers=workers,
        first_seconds=round(first, 2), rerun_seconds=round(rerun, 2), reused=report.reused or 0,
        extracted=report.documents - (report.reused or 0), rerun_stages=stages.seconds, rerun_stages_cpu=stages.cpu,
    )


def format_rebuild(b: RebuildBench) -> str:
    stages = ", ".join(f"{k} {v:.2f}" for k, v in b.rerun_stages.items() if k != "start")
    cpu = ", ".join(f"{k} {v:.2f}" for k, v in b.rerun_stages_cpu.items() if k != "start")
    return "\n".join([
        f"articles:        {b.articles} generated, then {b.new_articles} new; extractor {b.extractor}, "
        f"{b.workers} worker(s)",
        f"first build:     {b.first_seconds:.1f} s",
        f"re-run:          {b.rerun_seconds:.1f} s ({b.reused} documents reused from the cache, {b.extracted} extracted)",
        f"re-run stages:   {stages} (s)",
        f"  of which CPU:  {cpu} (s of this process's CPU time: on a busy machine the stages wait for a core)",
        f"speed-up:        {b.speedup:.1f}x (first build / re-run)",
    ])
