"""The extraction pipeline: documents → entities and evidence-carrying triples.

Stages, one module each in ``kg/extract/``: ``reader`` (files → documents),
``clean`` (cleaned view + offset map), ``segment`` (articles, sentences),
``mentions/`` (entity mentions, one module per family), ``resolve`` (context
resolution, canonical names), ``relations`` (triples); ``extractors`` runs
them on one document. :func:`analyse` is that run, a plain, picklable
function, so that ``--workers`` can run it in processes (:mod:`kg.extract.parallel`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kg.errors import OutputError
from kg.extract import parallel
from kg.extract.extractors import DEFAULT_EXTRACTOR, extractor as chosen_extractor, run_extractors
from kg.models import Document, Entity, ExtractionResult, ReaderOptions, Triple, to_json_line


def analyse(doc: Document) -> tuple[list[Entity], list[Triple]]:
    """Entities and triples of one document (all offsets into ``doc.text``)."""
    return run_extractors(doc)


def extract(
    paths: Sequence[Path],
    *,
    on_document: Callable[[Document], None] | None = None,
    reader_options: ReaderOptions | None = None,
    workers: int = 1,
    extractor: str = DEFAULT_EXTRACTOR,
) -> ExtractionResult:
    """Read every input path (files or folders) and extract from each document with *extractor*.

    Unreadable input never stops the run: it is reported in ``problems``.
    With ``workers > 1`` documents are analysed in a process pool
    (:mod:`kg.extract.parallel`); the result is the same, in input order.
    """
    return parallel.extract(paths, workers=workers, reader_options=reader_options, on_document=on_document,
                            analyse=chosen_extractor(extractor))


def write_extraction(result: ExtractionResult, out_dir: Path) -> dict[str, Path]:
    """Write ``documents.jsonl``, ``entities.jsonl`` and ``triples.jsonl`` into *out_dir*.

    Each file is written to a temporary name and renamed, so a failure never
    leaves a half-written file behind.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out_dir}: {exc.strerror}; choose a writable --out") from exc
    written: dict[str, Path] = {}
    for name, items in (
        ("documents", result.documents),
        ("entities", result.entities),
        ("triples", result.triples),
    ):
        path = out_dir / f"{name}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                for item in items:
                    fh.write(to_json_line(item))
                    fh.write("\n")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write {path}: {exc.strerror}; choose a writable --out") from exc
        written[name] = path
    return written
