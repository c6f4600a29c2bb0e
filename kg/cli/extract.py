"""``kg extract`` (articles → documents/entities/triples.jsonl) and ``kg bench extract``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import (
    ExtractorOption,
    ModelsOption,
    SchedulerOption,
    chosen_extractor,
    fail,
    kg_errors,
    on_interrupt,
    progress_bar,
    say,
)
from kg.cli.common import warn as warn_line
from kg.models import ExtractionSummary, InputProblem, ReaderOptions

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).


def warn(problem: InputProblem) -> None:
    """One warning line on stderr naming the file (and line)."""
    warn_line(str(problem))


def summary(result: ExtractionSummary, out: Path) -> list[str]:
    """Lines of the end-of-run summary."""

    def breakdown(counts: dict[str, int]) -> str:
        return f" ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})" if counts else ""

    return [
        f"documents: {result.documents}",
        f"entities:  {result.entities}{breakdown(result.entity_types)}",
        f"triples:   {result.triples}{breakdown(result.predicates)}",
        f"warnings:  {len(result.problems)}" + (" (see above: what each skipped or changed)" if result.problems else ""),
        f"written to {out}/documents.jsonl, entities.jsonl, triples.jsonl",
    ]


def extract_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files (.txt, .md, .jsonl, .csv) or folders, read recursively.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for documents/entities/triples.jsonl.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for the analysis.")] = 1,
    id_field: Annotated[str, typer.Option(help="Record field (JSONL) or column (CSV) holding the id.")] = "id",
    title_field: Annotated[str, typer.Option(help="Record field or column holding the title.")] = "title",
    date_field: Annotated[str, typer.Option(help="Record field or column holding the date.")] = "date",
    source_field: Annotated[str, typer.Option(help="Record field or column holding the source.")] = "source",
    text_field: Annotated[str, typer.Option(help="Record field or column holding the article text.")] = "text",
    encoding: Annotated[
        Optional[str], typer.Option(help="Read every file in this encoding (e.g. gb18030) instead of detecting it.")
    ] = None,
    extractor: Annotated[str, ExtractorOption] = "learned",
    models: Annotated[Optional[Path], ModelsOption] = None,
    scheduler: Annotated[Optional[str], SchedulerOption] = None,
) -> None:
    """Extract entities and evidence-carrying triples from Chinese trade-union articles.

    Writes documents.jsonl, entities.jsonl and triples.jsonl into --out. Input
    that cannot be read is skipped with a warning naming the file and line; the
    exit code is then 1, else 0.
    """
    from kg.errors import OutputError
    from kg.extract.stream import EXTRACTION_FILES, stream_extract
    from kg.publish import publish, staging

    options = ReaderOptions(
        id_field=id_field,
        title_field=title_field,
        date_field=date_field,
        source_field=source_field,
        text_field=text_field,
        encoding=encoding,
    )
    with kg_errors():
        analyse = chosen_extractor(extractor, models)
    on_interrupt(f"nothing was written to {out}: its previous outputs, if any, are kept as they were")
    with kg_errors(), progress_bar(quiet=quiet) as progress:
        task = progress.add_task("extracting", total=None)  # the total is known when reading ends
        try:
            # each document's records are written into the staging folder as soon as it is analysed;
            # the three files are published together at the end
            with staging(out, prefix=".kg-extract-") as folder:
                result = stream_extract(
                    paths,
                    folder,
                    workers=workers,
                    reader_options=options,
                    exclude=[out],  # a rerun must not read its own output as input
                    on_problem=warn,
                    on_documents=lambda n: progress.update(task, total=n),
                    on_document=lambda _doc: progress.advance(task),
                    analyse=analyse,
                    scheduler=scheduler,
                )
                publish(folder, out, EXTRACTION_FILES)
        except OutputError as exc:  # a full disk, a read-only folder: say that nothing half-written is left
            raise OutputError(f"{exc}; nothing was written to {out}, its previous outputs are kept") from exc
        on_interrupt(f"the outputs in {out} were complete and are published")
    if not quiet:
        for line in summary(result, out):
            say(line)
    if result.problems:
        raise typer.Exit(1)


def bench_extract_command(
    corpus: Annotated[
        Optional[Path],
        typer.Option(help="Folder of articles to repeat (default: ../shared/dev/corpus, else the example corpus)."),
    ] = None,
    size_mb: Annotated[float, typer.Option(min=0.01, help="Corpus size to build, in MB.")] = 5.0,
    workers: Annotated[str, typer.Option(help="Comma-separated worker counts to measure.")] = "1,2",
    extractor: Annotated[str, ExtractorOption] = "learned",
    models: Annotated[Optional[Path], ModelsOption] = None,
    scaling: Annotated[
        bool,
        typer.Option("--scaling", help="Instead: seconds per MB of one single-line document of each of --sizes, "
                     "and of the largest cut into articles."),
    ] = False,
    sizes: Annotated[str, typer.Option(help="Comma-separated document sizes in MB for --scaling.")] = "1,2,4,8",
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", help="Measure on this Dask cluster (tcp://HOST:PORT) with the first N of its "
                     "workers for each N of --workers; `local` starts max(--workers) Dask worker processes here."),
    ] = None,
) -> None:
    """Throughput of the pipeline in KB/s and as a ratio to bare jieba.lcut on the same text.

    With --scaling: how the time grows with the size of one document (the
    ratio of the largest to the smallest seconds per MB; 1.0 is linear).
    Prints only; the numbers vary with the machine and its load.
    """
    from kg.bench.extract import bench_extract, bench_scaling, default_corpus_dir, format_bench, format_scaling

    try:
        counts = [int(w) for w in workers.split(",") if w.strip()]
    except ValueError:
        raise fail(f"--workers must be numbers separated by commas, not {workers!r}", 2) from None
    if not counts or min(counts) < 1:
        raise fail("--workers needs at least one count of 1 or more (e.g. 1,2)", 2)
    corpus_dir = corpus or default_corpus_dir()
    if not corpus_dir.is_dir():
        raise fail(f"{corpus_dir}: not a folder; give --corpus a folder of articles", 2)
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG
    if scaling:
        if scheduler is not None:
            raise fail("--scaling measures one document in this process; drop --scheduler", 2)
        try:
            sizes_mb = [float(s) for s in sizes.split(",") if s.strip()]
        except ValueError:
            raise fail(f"--sizes must be numbers of MB separated by commas, not {sizes!r}", 2) from None
        if not sizes_mb or min(sizes_mb) <= 0:
            raise fail("--sizes needs at least one size above 0 (e.g. 1,2,4,8)", 2)
        with kg_errors():
            analyse = chosen_extractor(extractor, models)
            report = bench_scaling(corpus_dir, sizes_mb=sizes_mb, analyse=analyse,
                                   on_step=lambda msg: say(f"{msg} …"))
        typer.echo(format_scaling(report))
        return
    with kg_errors():
        analyse = chosen_extractor(extractor, models)
        report = bench_extract(
            corpus_dir,
            size_mb=size_mb,
            workers=counts,
            on_step=lambda msg: say(f"{msg} …"),
            analyse=analyse,
            scheduler=scheduler,
        )
    typer.echo(format_bench(report))


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("extract")(extract_command)
    bench_app.command("extract")(bench_extract_command)
