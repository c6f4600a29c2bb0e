"""``kg build``, ``kg diagram`` and ``kg inventory``: thin adapters over kg.build / kg.export.diagram / kg.export.inventory.

stdout carries data (the paths written, or CSV with ``--out -``); the summary,
warnings and errors go to stderr.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import (
    ExtractorOption,
    ModelsOption,
    NoCuration,
    SchedulerOption,
    chosen_extractor,
    curation_lines,
    curation_option,
    curation_warnings,
    fail,
    identity_line,
    kg_errors,
    progress_bar,
    say,
    warn,
)
from kg.models import BuildReport, InputProblem

BuildCuration = curation_option("curation.toml next to the inputs, if any")

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).

#: Label printed in front of each product path, in this order.
_WHERE = (
    ("graphml", "graph (GraphML, Gephi)"),
    ("graph_json", "graph (node-link JSON)"),
    ("database", "embedded database"),
    ("diagram_html", "diagram (interactive)"),
    ("diagram_svg", "diagram (static)"),
    ("inventory_csv", "inventory (CSV)"),
    ("inventory_xlsx", "inventory (Excel)"),
)


def _warn(problem: InputProblem) -> None:
    warn(str(problem))


def _breakdown(counts: dict[str, int]) -> str:
    return f" ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})" if counts else ""


def summary_lines(report: BuildReport) -> list[str]:
    """The end-of-build summary for people (stderr)."""
    lines = [
        f"documents:     {report.documents}" + (f" ({report.reused} reused from the cache)" if report.reused is not None else ""),
        f"entities:      {sum(report.nodes.values())}{_breakdown(report.nodes)}",
        f"relationships: {sum(report.relationships.values())}{_breakdown(report.relationships)}",
        f"identity:      {identity_line(report.identity)}",
        f"skipped files: {len(report.skipped_files)}" + (" (see the warnings above)" if report.problems else ""),
    ]
    if report.dropped:
        lines.append(f"dropped:       {len(report.dropped)} triples outside the ontology")
    lines.extend(curation_lines(report.curation))
    lines.extend(f"note: {n}" for n in report.notes)
    return lines


def where_lines(report: BuildReport) -> list[str]:
    """Where each product is, one ``label: path`` per line (stdout)."""
    return [f"{label}: {report.files[k]}" for k, label in _WHERE if k in report.files]


def build_command(
    paths: Annotated[list[Path], typer.Argument(help="Article files (.txt, .md, .jsonl, .csv) or folders, read recursively.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the graph, database, inventory and diagram.")] = Path("out"),
    title: Annotated[str, typer.Option(help="Title of the overview diagram.")] = "union-kg",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for the extraction.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the build report as JSON on stdout instead of the paths.")] = False,
    extractor: Annotated[str, ExtractorOption] = "learned",
    models: Annotated[Optional[Path], ModelsOption] = None,
    curation: BuildCuration = None,
    no_curation: NoCuration = False,
    scheduler: Annotated[Optional[str], SchedulerOption] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Analyse every document again: do not use or "
                                           "update the extraction cache (OUT/.kg-cache).")] = False,
) -> None:
    """Build everything from a folder of articles: extraction files, graph.graphml, graph.json,
    the embedded database, inventory.csv/.xlsx and an overview diagram.

    Documents analysed by an earlier build into --out with the same extractor
    are reused from its cache (OUT/.kg-cache) unless --no-cache. Prints where
    each product is. Exit code 1 when some input was skipped
    (warnings name the files) or the output folder cannot be written.
    """
    from kg.build import build

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}; check the PATH arguments", 2)
    warned: list[InputProblem] = []

    def warn(problem: InputProblem) -> None:
        warned.append(problem)
        _warn(problem)

    with kg_errors():
        analyse = chosen_extractor(extractor, models)
    with kg_errors(), progress_bar(quiet=quiet) as progress:
        task = progress.add_task("extracting", total=None)  # the total is known when reading ends
        report = build(
            paths,
            out,
            workers=workers,
            scheduler=scheduler,
            analyse=analyse,
            on_problem=warn,
            on_documents=lambda n: progress.update(task, total=n),
            on_document=lambda _doc: progress.advance(task),
            on_stage=lambda stage: progress.update(task, description=stage),
            title=title,
            curation=None if no_curation else curation,
            find_curation_file=not no_curation,
            cache=not no_cache,
        )
        progress.update(task, description="done")
    for problem in report.problems:
        if problem not in warned:
            _warn(problem)
    curation_warnings(report.curation)
    if not quiet:
        for line in summary_lines(report):
            say(line)
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1))
    else:
        for line in where_lines(report):
            typer.echo(line)
    if report.problems:
        raise typer.Exit(1)


def _check_suffix(out: Path, allowed: tuple[str, ...], option: str = "--out") -> None:
    if out.suffix.lower() not in allowed:
        raise fail(f"{option} {out}: the file name must end in {', '.join(allowed)} (the suffix picks the format)", 2)


def diagram_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Diagram file: .html (interactive), .svg / .png (graphviz) or .mmd (Mermaid).")],
    source: Annotated[Path, typer.Option("--from", help="Output folder of `kg build` or `kg extract`.")] = Path("out"),
    focus: Annotated[Optional[str], typer.Option(help="Draw only around this entity (name, alias or Type:name).")] = None,
    depth: Annotated[int, typer.Option(min=0, help="With --focus/--region: relationships to follow from it.")] = 1,
    region: Annotated[Optional[str], typer.Option(help="Draw only bodies in this region (e.g. 岳阳市, 云溪区) and their neighbours.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only facts reported on or after this date (YYYY, YYYY-MM, YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only facts reported on or before this date (a year or month: its last day).")] = None,
    title: Annotated[Optional[str], typer.Option(help="Title of the diagram.")] = None,
    all_entities: Annotated[
        bool, typer.Option("--all-entities", help="Also draw entities that take part in no relationship.")
    ] = False,
) -> None:
    """Draw the relationships of a built graph; the suffix of --out picks the format."""
    from kg.export.diagram import FORMATS, render
    from kg.dates import period_bound
    from kg.export.graph import connected_part, in_period, subgraph
    from kg.export.inventory import load_build

    _check_suffix(out, FORMATS)
    try:
        start, end = period_bound(since, end=False), period_bound(until, end=True)
    except ValueError as exc:
        raise fail(f"--since/--until: {exc}", 2) from None
    with kg_errors():
        graph = in_period(load_build(source), since=start, until=end)
        part = subgraph(graph, focus=focus, depth=depth, region=region)
        if not all_entities:
            part = connected_part(part)
        period = f"{since or '…'} – {until or '…'}" if since or until else None
        label = title or " · ".join(x for x in ("union-kg", focus, region, period) if x)
        path = render(part, out, title=label)
    say(f"{len(part.nodes)} entities, {len(part.rels)} relationships drawn")
    typer.echo(str(path))


def inventory_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Inventory file: .csv (UTF-8 with BOM) or .xlsx; - writes CSV to stdout.")],
    db: Annotated[Path, typer.Option("--db", help="Output folder of `kg build` (its graph.db folder works too).")] = Path("out"),
) -> None:
    """The program inventory: one row per program and organiser, plus programs run in more than one region."""
    from kg.export.inventory import build_inventory, inventory_csv, load_build, write_inventory

    if str(out) != "-":
        _check_suffix(out, (".csv", ".xlsx"))
    with kg_errors():
        inv = build_inventory(load_build(db))
        if str(out) == "-":
            typer.echo(inventory_csv(inv), nl=False)
        else:
            typer.echo(str(write_inventory(inv, out)))
    say(f"{len(inv.rows)} program/organiser rows, {len(inv.multi_region)} program(s) run in more than one region")


ArticlesOption = Annotated[int, typer.Option("--articles", "-n", min=1, help="Generated articles to build.")]
WorkDirOption = Annotated[
    Optional[Path],
    typer.Option("--dir", help="Folder for the generated corpus and the build, kept afterwards (default: a "
                 "temporary folder, removed)."),
]


def bench_stream_command(
    articles: ArticlesOption = 10_000,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for the extraction.")] = 1,
    extractor: Annotated[str, ExtractorOption] = "learned",
    models: Annotated[Optional[Path], ModelsOption] = None,
    workdir: WorkDirOption = None,
) -> None:
    """Peak memory of `kg build` on generated articles: with streaming it does not grow with their number.

    Prints the build time and the peak resident memory of the building process
    (and of the largest worker). Prints only; the numbers vary with the machine.
    """
    from kg.bench.stream import bench_stream, format_stream

    with kg_errors():
        analyse = chosen_extractor(extractor, models)
        with _work_folder(workdir) as folder:
            report = bench_stream(folder, articles=articles, analyse=analyse, extractor=extractor, workers=workers,
                                  on_step=lambda msg: say(f"{msg} …"))
    typer.echo(format_stream(report))


def bench_rebuild_command(
    articles: ArticlesOption = 2_000,
    new: Annotated[float, typer.Option("--new", min=0.0001, max=1.0, help="Share of new articles in the re-run.")] = 0.01,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes for the extraction.")] = 1,
    extractor: Annotated[str, ExtractorOption] = "learned",
    models: Annotated[Optional[Path], ModelsOption] = None,
    workdir: WorkDirOption = None,
) -> None:
    """A first `kg build` of generated articles, then a re-run with a share of new ones: both times and the speed-up.

    The re-run reuses the cache in the output folder for every article it has
    seen. Prints only; the numbers vary with the machine and its load.
    """
    from kg.bench.stream import bench_rebuild, format_rebuild

    with kg_errors():
        analyse = chosen_extractor(extractor, models)
        with _work_folder(workdir) as folder:
            report = bench_rebuild(folder, articles=articles, analyse=analyse, extractor=extractor, new_share=new,
                                   workers=workers, on_step=lambda msg: say(f"{msg} …"))
    typer.echo(format_rebuild(report))


@contextlib.contextmanager
def _work_folder(workdir: Optional[Path]) -> Iterator[Path]:
    """*workdir* (new or empty, kept), else a temporary folder removed afterwards."""
    if workdir is not None:
        if workdir.exists() and (not workdir.is_dir() or any(workdir.iterdir())):
            raise fail(f"--dir {workdir}: not an empty folder; give a new or empty one", 2)
        yield workdir
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        yield Path(tmp)


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    bench_app.command("stream")(bench_stream_command)
    bench_app.command("rebuild")(bench_rebuild_command)
    app.command("build")(build_command)
    app.command("diagram")(diagram_command)
    app.command("inventory")(inventory_command)
