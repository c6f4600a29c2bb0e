"""Shared plumbing of the CLI: stderr console, progress bars, error → exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.errors import KgError
from kg.models import IdentityReport

#: Messages for people go to stderr; stdout is reserved for data.
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


@contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[Progress]:
    """A rich progress bar on stderr, disabled with ``--quiet`` or when stderr is not a TTY."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=False,
    )
    with progress:
        yield progress


def stage_progress(progress: Progress) -> Callable[[str, int, int], None]:
    """A ``(stage, done, total)`` callback that shows one bar per stage of a staged job (e.g. a load)."""
    tasks: dict[str, Any] = {}

    def on_batch(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done)

    return on_batch


def run_app(app: typer.Typer) -> None:
    """Run the typer app, turning :class:`KgError` into a one-line message and exit 1."""
    try:
        app(standalone_mode=True)
    except KgError as exc:  # pragma: no cover - exercised through CliRunner in tests
        err.print(f"[bold red]error:[/] {exc}", markup=True)
        sys.exit(1)


@contextmanager
def kg_errors() -> Iterator[None]:
    """Inside a command: map library errors to a one-line message and exit code 1."""
    try:
        yield
    except KgError as exc:
        raise fail(str(exc)) from None


def identity_line(report: IdentityReport) -> str:
    """What the identity step did, in one line for people (``kg build`` and ``kg load`` summaries).

    >>> identity_line(IdentityReport(names=5, entities=3, merged_names=3, merged_entities=1))
    '5 names -> 3 entities; 3 names merged into 1; 0 article-scoped nodes (0 names); 0 person names kept apart'
    """
    return (
        f"{report.names} names -> {report.entities} entities; {report.merged_names} names merged into "
        f"{report.merged_entities}; {report.article_scoped} article-scoped nodes ({report.article_scoped_names} names); "
        f"{report.people_apart} person names kept apart"
    )
