"""Extraction streamed to disk: each document's records are written as soon as it is analysed.

:func:`stream_extract` reads the inputs lazily, hands the documents to an
analyser (:class:`kg.extract.parallel.ParallelAnalyser`, or any object with
its ``map``: documents in, per-document results out, in input order) and
appends each result to ``documents.jsonl``, ``entities.jsonl`` and
``triples.jsonl`` in the folder it is given (a staging folder of
:mod:`kg.publish`: the files are published together when the run is done).
Nothing is kept per document but counts, so memory does not grow with the
corpus; the files are byte for byte those of
:func:`kg.extract.pipeline.write_extraction` over :func:`kg.extract.parallel.extract`.

With an :class:`~kg.extract.cache.ExtractionCache`, a document whose entry is
there is not analysed: its lines are copied from the cache, in their place
in the input order.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Protocol, TextIO

from kg.errors import OutputError
from kg.extract.cache import ExtractionCache
from kg.extract.parallel import Analysed, AnalyseFn, analyser as make_analyser
from kg.extract.reader import read_documents
from kg.models import (
    Document,
    Entity,
    ExtractionSummary,
    InputProblem,
    ReaderOptions,
    Triple,
    to_json_line,
)

__all__ = ["EXTRACTION_FILES", "Analyser", "stream_extract"]

#: the three files of an extraction, in the order their lines are written per document
EXTRACTION_FILES = ("documents.jsonl", "entities.jsonl", "triples.jsonl")

Counts = dict[str, dict[str, int]]


class Analyser(Protocol):
    """What analyses documents: results in input order (:class:`~kg.extract.parallel.ParallelAnalyser`)."""

    def map(self, docs: Iterable[Document]) -> Iterator[Analysed]: ...


def _lines(items: Iterable[Entity | Triple]) -> str:
    return "".join(to_json_line(x) + "\n" for x in items)


def _counts(entities: Sequence[Entity], triples: Sequence[Triple]) -> Counts:
    return {"entities": dict(Counter(e.type for e in entities)), "triples": dict(Counter(t.predicate for t in triples))}


class _Writer:
    """The three files, appended to one document at a time, and what was written to them."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        self.folder = folder
        self.files: list[TextIO] = []
        stack.callback(self._close)
        try:
            for name in EXTRACTION_FILES:
                self.files.append((folder / name).open("w", encoding="utf-8"))
        except OSError as exc:
            raise self._error(exc) from exc
        self.documents = self.reused = self.extracted = 0
        self.types: Counter[str] = Counter()
        self.predicates: Counter[str] = Counter()

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write the extraction into {self.folder}: {exc.strerror or exc}; "
                           "choose a writable output folder (--out) with free space")

    def _close(self) -> None:
        # closing writes what is buffered: a full disk may show only here
        failed: OSError | None = None
        for fh in self.files:
            try:
                fh.close()
            except OSError as exc:
                failed = failed or exc
        if failed is not None:
            raise self._error(failed) from failed

    def write(self, document_line: str | None, entities: str, triples: str, counts: Counts) -> None:
        try:
            if document_line is not None:
                self.files[0].write(document_line + "\n")
                self.documents += 1
            self.files[1].write(entities)
            self.files[2].write(triples)
        except OSError as exc:
            raise self._error(exc) from exc
        self.types.update(counts.get("entities", {}))
        self.predicates.update(counts.get("triples", {}))


def stream_extract(
    paths: Sequence[Path | str],
    folder: Path,
    *,
    workers: int = 1,
    reader_options: ReaderOptions | None = None,
    exclude: Sequence[Path | str] = (),
    on_problem: Callable[[InputProblem], None] | None = None,
    on_documents: Callable[[int], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    analyse: AnalyseFn | None = None,
    cache: ExtractionCache | None = None,
    analyser: Analyser | None = None,
    scheduler: str | None = None,
) -> ExtractionSummary:
    """Read *paths*, analyse every document and write its records into *folder* as soon as it is done.

    The callbacks are those of :func:`kg.extract.parallel.extract`, except that
    *on_documents* comes when reading ends (documents are read as the analysis
    goes). The documents are analysed by *analyser* if given, else by *workers* processes running
    *analyse* here or, with a Dask *scheduler* address, on that cluster (:func:`kg.extract.parallel.analyser`);
    *cache* supplies the results of documents analysed before.
    """
    folder = Path(folder)
    problems: list[InputProblem] = []

    def problem(p: InputProblem) -> None:
        problems.append(p)
        if on_problem is not None:
            on_problem(p)

    def documents() -> Iterator[Document]:
        count = 0
        for item in read_documents(paths, options=reader_options, exclude=exclude):
            if isinstance(item, InputProblem):
                problem(item)
            else:
                count += 1
                yield item
        if on_documents is not None:
            on_documents(count)

    with ExitStack() as stack:
        out = _Writer(folder, stack)
        if analyser is None:
            analyser = stack.enter_context(make_analyser(workers, analyse=analyse, scheduler=scheduler))
        # Documents waiting for their turn: (document, its line, cache key, found in the cache). A
        # document found in the cache is written at once unless an earlier one is still being analysed.
        waiting: deque[tuple[Document, str, str, bool]] = deque()

        def reuse(doc: Document, line: str, key: str) -> None:
            assert cache is not None
            out.write(line, *cache.get(key))
            out.reused += 1
            if on_document is not None:
                on_document(doc)

        def reuse_waiting() -> None:
            while waiting and waiting[0][3]:
                reuse(*waiting.popleft()[:3])

        def to_analyse() -> Iterator[Document]:
            for doc in documents():
                line = to_json_line(doc)
                key = cache.key(line) if cache is not None else ""
                if cache is not None and cache.lookup(key):
                    if waiting:
                        waiting.append((doc, line, key, True))
                    else:
                        reuse(doc, line, key)
                    continue
                waiting.append((doc, line, key, False))
                yield doc

        for _doc, entities, triples, failure in analyser.map(to_analyse()):
            reuse_waiting()
            doc, line, key, _ = waiting.popleft()
            counts = _counts(entities, triples)
            ents, trips = _lines(entities), _lines(triples)
            if failure is not None:
                problem(failure)
            elif cache is not None:
                cache.put(key, ents, trips, counts)
            out.write(None if failure is not None else line, ents, trips, counts)
            out.extracted += 1
            if on_document is not None:
                on_document(doc)
            reuse_waiting()
        reuse_waiting()
    return ExtractionSummary(
        documents=out.documents,
        entities=sum(out.types.values()),
        triples=sum(out.predicates.values()),
        entity_types=dict(sorted(out.types.items())),
        predicates=dict(sorted(out.predicates.items())),
        reused=out.reused,
        extracted=out.extracted,
        problems=tuple(problems),
    )
