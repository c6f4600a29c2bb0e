"""Shared plumbing of the CLI: printing for people, progress bars, the one error path.

Everything printed here is plain text: entity names, paths, URIs and
parameters come from users and articles, so nothing is ever read as Rich
markup (``[bold]``) or an emoji code (``:smile:``). Styles are applied to
whole messages, never spelled inside them.

Errors take one path (:func:`guard`): a :class:`KgError` becomes one line
``error: …`` and exit 1; any other exception is a bug in kg and becomes one
line naming it and asking for ``kg --debug``. With ``--debug`` (or
``KG_DEBUG=1``) the full traceback follows the line, including the
traceback from a worker process.
"""

from __future__ import annotations

import functools
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from kg.errors import KgError
from kg.models import CurationReport, IdentityReport

#: Messages for people go to stderr; stdout is reserved for data. Markup and
#: emoji codes are off: a message is printed as the characters it holds.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

#: Whether this run shows tracebacks (``kg --debug``), set by the root callback.
_DEBUG: ContextVar[bool] = ContextVar("kg_debug", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str, *, style: str = "") -> None:
    """Print *message* for people (stderr) as plain text, in one *style* if given."""
    err.print(Text(message, style=style))


def plain(value: object) -> Text:
    """A value as a Rich renderable that is never parsed as markup (table cells, headers)."""
    return Text("" if value is None else str(value))


def warn(message: str) -> None:
    """``warning: <message>`` on stderr."""
    err.print(Text.assemble(("warning: ", "bold yellow"), message))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    err.print(Text.assemble(("error: ", "bold red"), message))
    return typer.Exit(code)


def set_debug(debug: bool) -> None:
    """Show tracebacks with errors for the rest of this run (``kg --debug``)."""
    _DEBUG.set(debug)


def error_exit(exc: BaseException, code: int = 1) -> typer.Exit:
    """Report *exc* on one line (its traceback too with ``--debug``); return the Exit to raise.

    A :class:`KgError` is an error kg expected: its message says what to do.
    Anything else is a bug in kg.
    """
    if _DEBUG.get():
        err.print(Text("".join(traceback.format_exception(exc)), style="dim"))
    if isinstance(exc, KgError):
        return fail(str(exc), code)
    hint = "" if _DEBUG.get() else "; rerun with `kg --debug …` for the traceback"
    return fail(f"internal error: {type(exc).__name__}: {exc} (a bug in kg, please report it{hint})", code)


def guard(command: F) -> F:
    """Wrap a command so that every error leaves through :func:`error_exit` (usage errors and exits pass)."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            raise interrupted_exit() from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith(("typer", "click")):  # usage errors: typer reports them
                raise
            raise error_exit(exc) from None

    return guarded  # type: ignore[return-value]


def guard_all(app: typer.Typer) -> None:
    """Put :func:`guard` around every command of *app* and of its sub-apps."""
    for info in app.registered_commands:
        if info.callback is not None and not getattr(info.callback, "__wrapped__", None):
            info.callback = guard(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            guard_all(group.typer_instance)


@contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[Progress]:
    """A rich progress bar on stderr, disabled with ``--quiet`` or when stderr is not a TTY."""
    progress = Progress(
        TextColumn("{task.description}", markup=False),
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


#: What an interrupted command has left behind, said when Ctrl-C or SIGTERM stops it (:func:`on_interrupt`).
_INTERRUPT_NOTE: ContextVar[str] = ContextVar(
    "kg_interrupt_note", default="outputs are published only when complete, so nothing half-written is left"
)
#: the signal that stopped the run (SIGINT unless SIGTERM was received)
_STOPPED_BY: list[int] = []


def on_interrupt(note: str) -> None:
    """Say *note* (what is written, what is kept) if the command is interrupted from now on."""
    _INTERRUPT_NOTE.set(note)


def interrupted_exit() -> typer.Exit:
    """The one line said when Ctrl-C or SIGTERM stops a command; exit 130 (SIGINT) or 143 (SIGTERM)."""
    sig = _STOPPED_BY[-1] if _STOPPED_BY else signal.SIGINT
    name = "SIGTERM" if sig == signal.SIGTERM else "Ctrl-C"
    err.print(Text.assemble(("interrupted ", "bold red"), f"({name}): {_INTERRUPT_NOTE.get()}; run the same command again"))
    return typer.Exit(128 + int(sig))


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM stops a run the way Ctrl-C does: every cleanup (staging folders, worker
    # processes, open transactions) runs on the way out, instead of an abrupt death.
    _STOPPED_BY.append(signum)
    raise KeyboardInterrupt


def run_app(app: typer.Typer) -> None:
    """Run the typer app (errors are reported by the guarded commands); SIGTERM is handled like Ctrl-C."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        app(standalone_mode=True)
    except KgError as exc:  # pragma: no cover - a command that is not guarded
        raise SystemExit(error_exit(exc).exit_code) from None


@contextmanager
def kg_errors() -> Iterator[None]:
    """Inside a command: map library errors to a one-line message (traceback with --debug) and exit 1."""
    try:
        yield
    except KgError as exc:
        raise error_exit(exc) from None


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


#: ``--neo4j-home``: where `kg neo4j start` keeps its servers (and their passwords)
Neo4jHomeOption = typer.Option(
    "--neo4j-home", envvar="KG_NEO4J_HOME",
    help="Where `kg neo4j start` keeps its servers: without a password, the one stored there for the server "
    "on --uri's port is used.",
)


def neo4j_password(password: str | None, uri: str, home: Any) -> str:
    """The password given (--password, NEO4J_PASSWORD), else the one `kg neo4j start` stored for *uri*."""
    if password:
        return password
    from kg.store.neo4j_server import local_password  # lazy: keeps `kg --help` fast

    return local_password(uri, home) or ""


#: ``--extractor``: which extractor runs (kg/extract/extractors.py)
ExtractorOption = typer.Option(
    "--extractor",
    help="learned (default: the rules' candidates decided by models trained on gold) or rules (the rules alone).",
)
#: ``--models``: a model folder written by `kg train` (default: the models shipped with kg)
ModelsOption = typer.Option("--models", help="Model folder written by `kg train` (default: the shipped models).")
#: ``--scheduler``: run the per-document work on a Dask cluster (kg/extract/cluster.py)
SchedulerOption = typer.Option(
    "--scheduler",
    help="Dask scheduler (tcp://HOST:8786) whose workers analyse the documents; `local` starts --workers "
         "Dask worker processes here. Workers need kg installed (pip install 'union-kg[cluster]'), not the files.",
)


def chosen_extractor(name: str, models: Any) -> Any:
    """The extractor function for ``--extractor``/``--models``, checked before any document is read."""
    from kg.extract.extractors import extractor  # lazy: keeps `kg --help` fast

    try:
        return extractor(name, models=models)
    except ValueError as exc:  # an unknown name, or --models for the rules: a usage error
        raise fail(str(exc), 2) from exc


def curation_option(default: str) -> Any:
    """The ``--curation FILE`` option of ``kg build`` and ``kg load`` (*default* says where it is found)."""
    return Annotated[
        Optional[Path],
        typer.Option("--curation", exists=True, dir_okay=False, help=f"Curation file to apply (default: {default}).")
    ]


#: ``--no-curation``: build or load the graph as extracted
NoCuration = Annotated[bool, typer.Option("--no-curation", help="Apply no curation file.")]


def curation_lines(report: CurationReport | None) -> list[str]:
    """What curation did, in one line for people (entries not applied are warnings: :func:`curation_warnings`).

    >>> curation_lines(CurationReport(path="c.toml", entries=2, applied=1, rejected_facts=1))
    ['curation:     c.toml: 1 of 2 entries applied (0 merged, 0 renamed, 0 entities and 1 facts rejected, 0 facts added)']
    """
    if report is None:
        return []
    lines = [
        f"curation:     {report.path}: {report.applied} of {report.entries} entries applied ({report.merged} merged, "
        f"{report.renamed} renamed, {report.rejected_entities} entities and {report.rejected_facts} facts rejected, "
        f"{report.added_facts} facts added)" + (" (see the warnings above)" if report.problems else "")
    ]
    return lines


def curation_warnings(report: CurationReport | None) -> None:
    """Each curation entry that was not applied (stale, ambiguous, bad), as a warning: never silent."""
    for problem in report.problems if report else ():
        warn(f"curation: {problem}")
