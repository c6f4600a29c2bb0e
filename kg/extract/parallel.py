"""Run the one-document pipeline over many documents, in this process or in a process pool.

The default function is :func:`kg.extract.extractors.run_extractors` (what
:func:`kg.extract.pipeline.analyse` runs); :class:`ParallelAnalyser` takes any other.

Results come back in input order whatever the number of workers, so the
output of ``kg extract --workers 2`` is byte-identical to ``--workers 1``.
Documents travel to the workers in chunks (pickling one small document at a
time costs more than analysing it), and at most a few chunks per worker are
in flight, so memory stays bounded on big corpora.

A document whose analysis raises is a bug in an extractor, not bad input: the
run stops with :class:`~kg.errors.ExtractionFailed` naming the document, and
the original exception (with the worker's traceback) as its cause, which
``kg --debug`` prints.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from kg.errors import ExtractionFailed
from kg.extract.cluster import ClusterAnalyser
from kg.extract.extractors import run_extractors
from kg.extract.reader import read_documents
from kg.models import Document, Entity, ExtractionResult, InputProblem, ReaderOptions, Triple

__all__ = ["Analysed", "ParallelAnalyser", "analyse_documents", "analyser", "extract"]

#: a document's result: its entities and triples, or the problem that stopped it
Analysed = tuple[Document, list[Entity], list[Triple], InputProblem | None]
AnalyseFn = Callable[[Document], tuple[list[Entity], list[Triple]]]

#: a chunk closes after this many characters of text or this many documents
CHUNK_CHARS = 20_000
CHUNK_DOCS = 32
#: chunks in flight per worker
_IN_FLIGHT = 3


def _default_analyse(doc: Document) -> tuple[list[Entity], list[Triple]]:
    return run_extractors(doc)


#: documents at least this long are analysed with the cyclic garbage collector paused
GC_PAUSE_CHARS = 200_000


#: whether this process has moved the extractor's loaded resources out of the collector's sight
_settled = False


def _settle() -> None:
    # After the first document the extractor's lazy resources are loaded: jieba's dictionary, the
    # lexicon automata, the models — millions of long-lived objects that the cyclic collector would
    # otherwise walk again in every full collection (about 7% of the learned extractor's time).
    # gc.freeze() moves what exists now to the permanent generation; reference counting frees it as usual.
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


def _analyse_one(fn: AnalyseFn, doc: Document) -> Analysed:
    # The analysis of a long document keeps hundreds of thousands of objects alive until it ends
    # (candidates, sentences, their dicts): the cyclic collector walks them again and again and
    # finds nothing to free, which cost a 30 MB one-line document half its time. Reference
    # counting still frees everything as usual; the collector runs again after the document.
    paused = len(doc.text) >= GC_PAUSE_CHARS and gc.isenabled()
    if paused:
        gc.disable()
    try:
        entities, triples = fn(doc)
    except Exception as exc:
        where = f" ({doc.path})" if doc.path and doc.path != doc.doc_id else ""
        raise ExtractionFailed(
            f"extraction failed on document {doc.doc_id!r}{where}: {type(exc).__name__}: {exc}; "
            "this is a bug in kg, not in the input: rerun with `kg --debug …` and report the traceback with the file"
        ) from exc
    finally:
        if paused:
            gc.enable()
    _settle()
    return doc, list(entities), list(triples), None


def _analyse_chunk(fn: AnalyseFn, docs: list[Document]) -> list[Analysed]:
    return [_analyse_one(fn, doc) for doc in docs]


def _start_worker(fn: AnalyseFn, warm_up: bool) -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent stops the
    # run and ends the workers, which must not each print a KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm_up:
        _warm_up(fn)


def _warm_up(fn: AnalyseFn) -> None:
    # Load the extractor's lazy resources (jieba dictionary, lexicons) once per
    # worker, before the first real chunk arrives.
    # A failure here is not reported: a broken extractor fails on the first real
    # document, with that document's name.
    try:
        fn(Document(doc_id="warm-up", text="本报讯 某市总工会开展“送清凉”活动。"))
    except Exception:  # noqa: BLE001
        pass


def _chunks(docs: Iterable[Document]) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    size = 0
    for doc in docs:
        chunk.append(doc)
        size += len(doc.text)
        if size >= CHUNK_CHARS or len(chunk) >= CHUNK_DOCS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class ParallelAnalyser:
    """A reusable pool that analyses documents and yields results in input order.

    With ``workers=1`` everything runs in this process (no pool). Use it as a
    context manager so the worker processes are shut down::

        with ParallelAnalyser(workers=2) as pool:
            for doc, entities, triples, problem in pool.map(docs):
                ...
    """

    def __init__(self, workers: int = 1, *, analyse: AnalyseFn | None = None, warm_up: bool = True) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._fn: AnalyseFn = analyse or _default_analyse
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            # forkserver (POSIX) / spawn: workers start from a clean process, not
            # a fork of one that runs a progress-bar thread and may hold its locks.
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_start_worker,
                initargs=(self._fn, warm_up),
            )

    def __enter__(self) -> "ParallelAnalyser":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(interrupted=exc_type is not None and issubclass(exc_type, KeyboardInterrupt))

    def close(self, *, interrupted: bool = False) -> None:
        """Shut the workers down; when the run was *interrupted* (Ctrl-C, SIGTERM) end them at once."""
        if self._pool is not None:
            if interrupted:
                # the executor has no public way to stop work in progress: end the processes
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def wait_ready(self) -> None:
        """Start every worker and let it warm up (for benchmarks: keep start-up out of the timing)."""
        if self._pool is not None:
            futures = [self._pool.submit(_analyse_chunk, self._fn, []) for _ in range(self.workers * 2)]
            for f in futures:
                f.result()

    def map(self, docs: Iterable[Document]) -> Iterator[Analysed]:
        """Analyse *docs*; results come in input order."""
        if self._pool is None:
            for doc in docs:
                yield _analyse_one(self._fn, doc)
            return
        pending: deque[Future[list[Analysed]]] = deque()
        limit = self.workers * _IN_FLIGHT
        for chunk in _chunks(docs):
            pending.append(self._pool.submit(_analyse_chunk, self._fn, chunk))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def analyser(
    workers: int = 1, *, analyse: AnalyseFn | None = None, scheduler: str | None = None
) -> ParallelAnalyser | ClusterAnalyser:
    """A :class:`ParallelAnalyser` with *workers* processes here, or with a Dask *scheduler* address
    (``tcp://HOST:8786``, or ``local`` for a cluster of *workers* processes here) a
    :class:`~kg.extract.cluster.ClusterAnalyser`: the same chunks, the same ordered results."""
    if scheduler is None:
        return ParallelAnalyser(workers, analyse=analyse)
    fn = analyse or _default_analyse
    return ClusterAnalyser(scheduler, run_chunk=functools.partial(_analyse_chunk, fn), chunks=_chunks, workers=workers)


def analyse_documents(
    docs: Iterable[Document],
    *,
    workers: int = 1,
    on_document: Callable[[Document], None] | None = None,
) -> tuple[list[Entity], list[Triple], list[InputProblem]]:
    """Entities, triples and per-document failures of *docs*, in input order."""
    entities: list[Entity] = []
    triples: list[Triple] = []
    problems: list[InputProblem] = []
    with ParallelAnalyser(workers) as pool:
        for doc, ents, trips, problem in pool.map(docs):
            entities.extend(ents)
            triples.extend(trips)
            if problem is not None:
                problems.append(problem)
            if on_document is not None:
                on_document(doc)
    return entities, triples, problems


def extract(
    paths: Sequence[Path | str],
    *,
    workers: int = 1,
    reader_options: ReaderOptions | None = None,
    exclude: Sequence[Path | str] = (),
    on_problem: Callable[[InputProblem], None] | None = None,
    on_documents: Callable[[int], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    analyse: AnalyseFn | None = None,
    scheduler: str | None = None,
) -> ExtractionResult:
    """Read *paths* and analyse every document with *workers* processes.

    The same result as :func:`kg.extract.pipeline.extract`, plus callbacks for a
    user interface (and *exclude*, folders not to read, e.g. the output
    folder): *on_problem* for each skipped input as soon as it is
    found, *on_documents* with the number of documents once reading is done,
    *on_document* after each analysed document. *analyse* is the extractor
    (default: :func:`kg.extract.extractors.run_extractors`); it must be picklable
    for ``workers > 1`` (a module-level function or a ``functools.partial`` of one).
    With a Dask *scheduler* address the documents are analysed on that cluster
    (:func:`analyser`); the result is the same.
    """
    documents: list[Document] = []
    problems: list[InputProblem] = []
    for item in read_documents(paths, options=reader_options, exclude=exclude):
        if isinstance(item, InputProblem):
            problems.append(item)
            if on_problem is not None:
                on_problem(item)
        else:
            documents.append(item)
    if on_documents is not None:
        on_documents(len(documents))

    failed: set[str] = set()

    def _failed(problem: InputProblem) -> None:
        problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    entities: list[Entity] = []
    triples: list[Triple] = []
    with analyser(workers, analyse=analyse, scheduler=scheduler) as pool:
        for doc, ents, trips, problem in pool.map(documents):
            if problem is not None:
                failed.add(doc.doc_id)
                _failed(problem)
            entities.extend(ents)
            triples.extend(trips)
            if on_document is not None:
                on_document(doc)
    return ExtractionResult(
        documents=tuple(d for d in documents if d.doc_id not in failed),
        entities=tuple(entities),
        triples=tuple(triples),
        problems=tuple(problems),
    )
