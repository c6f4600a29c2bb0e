"""``kg queries``, ``kg query NAME`` and ``kg bench queries``.

stdout carries the rows (table, JSON or CSV, Chinese kept readable); stderr
carries messages for people. Exit codes: 1 operational error (no database, no
server), 2 usage error (unknown query, missing or wrong-typed parameter).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli.common import Neo4jHomeOption, error_exit, fail, neo4j_password, plain, say
from kg.errors import ConnectionFailed, KgError, QueryError
from kg.models import QueryRows, SavedQuery

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).

DEFAULT_URI = "bolt://127.0.0.1:7687"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# --------------------------------------------------------------------------- rendering


def _cell(value: Any) -> str:
    """A value as text for tables and CSV: lists joined with ' | ', null as empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " | ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_rows(result: QueryRows, fmt: Format) -> str:
    """The rows as JSON (a list of objects) or CSV (header + rows)."""
    if fmt is Format.json:
        return json.dumps([dict(r) for r in result.rows], ensure_ascii=False, indent=1, default=str)
    if fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(result.columns)
        for r in result.rows:
            w.writerow([_cell(r.get(c)) for c in result.columns])
        return buf.getvalue().rstrip("\n")
    return ""  # tables are printed by print_rows (rich needs the real console)


def print_rows(result: QueryRows, fmt: Format) -> None:
    """Write the rows to stdout; a table goes through rich, which measures CJK as two cells."""
    if fmt is not Format.table:
        typer.echo(render_rows(result, fmt))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for c in result.columns:
        table.add_column(plain(c), overflow="fold")
    for r in result.rows:
        table.add_row(*(plain(_cell(r.get(c))) for c in result.columns))  # names are text, never markup
    # On a terminal rich folds cells to its width; into a pipe or file a table
    # keeps its natural width instead of being folded at 80 columns.
    console = Console(highlight=False, markup=False, emoji=False)
    if not console.is_terminal:
        console = Console(highlight=False, markup=False, emoji=False, width=100_000)
    console.print(table, crop=False)


# --------------------------------------------------------------------------- engines


def _parse_params(raw: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in raw or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {item!r} is not KEY=VALUE; write e.g. --param region=岳阳市")
        out[key.strip()] = value
    return out


def _run_embedded(db_dir: Path, query: SavedQuery, params: dict[str, Any]) -> QueryRows:
    from kg.store.embedded import find_database, open_embedded, run_saved

    with open_embedded(find_database(db_dir)) as db:
        return run_saved(db, query, params)


def _neo4j_driver(uri: str, user: str, password: str) -> Any:
    from kg.store.neo4j_loader import connect

    return connect(uri, user, password)


def _run_neo4j(
    uri: str, user: str, password: str, database: str | None, query: SavedQuery, params: dict[str, Any]
) -> QueryRows:
    from kg.store.queries import run_on_neo4j

    driver = _neo4j_driver(uri, user, password)
    try:
        return run_on_neo4j(driver, query, params, database=database)
    finally:
        driver.close()


# --------------------------------------------------------------------------- commands

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Embedded database: the --out folder of `kg build` (or its graph.db). "
                 "Without --db the query runs on Neo4j."),
]
UriOpt = Annotated[str, typer.Option("--uri", envvar="NEO4J_URI", help="Neo4j Bolt URI.")]
UserOpt = Annotated[str, typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user.")]
PasswordOpt = Annotated[
    str,
    typer.Option("--password", envvar="NEO4J_PASSWORD", show_default=False,
                 help="Neo4j password (default: the one `kg neo4j start` stored for --uri's port)."),
]
Neo4jHomeOpt = Annotated[Path, Neo4jHomeOption]
DatabaseOpt = Annotated[str | None, typer.Option("--database", envvar="NEO4J_DATABASE", help="Neo4j database name.")]


def _cells(text: str) -> int:
    """Terminal columns of *text* (CJK and full-width characters take two).

    >>> _cells("ab"), _cells("岳阳")
    (2, 4)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int, indent: str = "", first: str = "") -> list[str]:
    """*text* wrapped to *width* terminal columns; the first line starts with *first*, the rest with *indent*.

    >>> wrap("one two three", 9, indent="  ")
    ['one two', '  three']
    """
    lines: list[str] = []
    line = first
    for token in re.findall(r"\S+\s*", text):
        while _cells(line) + _cells(token.rstrip()) > width and line.strip():
            room = width - _cells(line)
            if _cells(token.rstrip()) > width - _cells(indent) and room > 0:  # longer than a line: split it
                cut = 0
                while cut < len(token) and _cells(token[: cut + 1]) <= room:
                    cut += 1
                line, token = line + token[:cut], token[cut:]
            lines.append(line.rstrip())
            line = indent
        line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _list_width() -> int:
    """Columns for listings: the terminal's (at most 100), 80 into a pipe or file."""
    import shutil
    import sys

    if not sys.stdout.isatty():
        return 80
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def _summary(description: str) -> str:
    """The first sentence of a description (up to its first full stop or semicolon)."""
    m = re.match(r"(.+?(?<!e\.g)(?<!i\.e)[.;])(\s|$)", description)
    return (m.group(1) if m else description).rstrip(".;")


def query_listing(saved: list[SavedQuery], width: int = 80) -> list[str]:
    """``kg queries``: one entry per query, name then its first sentence, wrapped to *width*."""
    pad = max(len(q.name) for q in saved) + 2 if saved else 2
    lines: list[str] = []
    for q in saved:
        params = ", ".join(p.name if p.required else f"[{p.name}]" for p in q.params)
        text = _summary(q.description) + (f" (params: {params})" if params else "")
        if pad + 20 <= width:
            lines += wrap(text, width, indent=" " * pad, first=q.name.ljust(pad))
        else:  # too narrow for two columns
            lines += [q.name, *wrap(text, width, indent="  ", first="  ")]
    lines += ["", *wrap("`kg queries NAME` shows a query's parameters in full; `kg query NAME -p key=value` runs it.",
                        width)]
    return lines


def query_detail(q: SavedQuery, width: int = 80) -> list[str]:
    """``kg queries NAME``: the description and every parameter, wrapped to *width*."""
    lines = [q.name, *wrap(q.description, width, indent="  ", first="  "), "", "parameters:"]
    if not q.params:
        lines.append("  none")
    for p in q.params:
        head = f"{p.name} ({p.type}" + ("" if p.required else ", optional")
        head += (f", default {p.default}" if not p.required and p.default not in ("", None) else "") + ")"
        lines += wrap(p.description, width, indent="      ", first=f"  {head}: ")
        if p.example:
            lines += wrap(p.example, width, indent="      ", first="      e.g. ")
    example = " ".join(f"-p {p.name}={p.example}" for p in q.params if p.required or p.type == "date")
    lines += ["", "run it:", *wrap(f"kg query {q.name} {example} --db out".replace("  ", " "), width,
                                   indent="    ", first="  ")]
    if q.variants:
        lines.append(f"engine variants: {', '.join(sorted(q.variants))}")
    return lines


def queries_command(
    name: Annotated[str | None, typer.Argument(help="Show this query in full (parameters, examples).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table (text for people) or json.")] = Format.table,
) -> None:
    """List the saved queries (readable in 80 columns and in a pipe); NAME shows one in full."""
    from kg.store.queries import get_query, list_queries

    try:
        saved = [get_query(name)] if name else list_queries()
    except QueryError as exc:
        raise error_exit(exc, code=2) from None
    except KgError as exc:
        raise error_exit(exc) from None
    if fmt is Format.json:
        items = [{"name": q.name, "description": q.description,
                  "params": [p.model_dump() for p in q.params],
                  "engine_variants": sorted(q.variants)} for q in saved]
        typer.echo(json.dumps(items[0] if name else items, ensure_ascii=False, indent=1))
        return
    if fmt is Format.csv:
        raise fail("kg queries writes table (text) or json; csv is for `kg query` rows", 2)
    width = _list_width()
    typer.echo("\n".join(query_detail(saved[0], width) if name else query_listing(saved, width)))


def query_command(
    name: Annotated[str, typer.Argument(help="Saved query name (see `kg queries`).")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE, repeatable.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")] = Format.table,
    db: DbOpt = None,
    uri: UriOpt = DEFAULT_URI,
    user: UserOpt = "neo4j",
    password: PasswordOpt = "",
    neo4j_home: Neo4jHomeOpt = Path(".neo4j"),
    database: DatabaseOpt = None,
) -> None:
    """Run a saved query on the embedded database (--db) or on Neo4j; rows go to stdout."""
    from kg.store.queries import coerce_params, get_query

    try:
        query = get_query(name)
        params = coerce_params(query, _parse_params(param))
    except QueryError as exc:
        raise error_exit(exc, code=2) from None
    try:
        if db is not None:
            result = _run_embedded(db, query, params)
        else:
            result = _run_neo4j(uri, user, neo4j_password(password, uri, neo4j_home), database, query, params)
    except QueryError as exc:
        raise error_exit(exc, code=2) from None
    except ConnectionFailed as exc:
        raise error_exit(ConnectionFailed(f"{exc}; or run the query on the embedded database with --db DIR")) from exc
    print_rows(result, fmt)
    say(f"{len(result.rows)} row(s)", style="dim")


def bench_queries_command(
    rels: Annotated[int, typer.Option("--rels", help="Relationships in the generated graph.")] = 100_000,
    repeat: Annotated[int, typer.Option("--repeat", help="Runs per query for the p50.")] = 15,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    neo4j: Annotated[
        bool, typer.Option("--neo4j/--no-neo4j", help="Also load and time Neo4j when one answers.")
    ] = True,
    wipe_neo4j: Annotated[
        bool, typer.Option("--wipe-neo4j", help="Empty the Neo4j database before and after (scratch servers only!).")
    ] = False,
    uri: UriOpt = DEFAULT_URI,
    user: UserOpt = "neo4j",
    password: PasswordOpt = "",
    neo4j_home: Neo4jHomeOpt = Path(".neo4j"),
    database: DatabaseOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")] = Format.table,
) -> None:
    """Embedded load time and the p50 of every saved query on a generated graph, next to Neo4j's."""
    from kg.bench.queries import bench_queries

    def neo4j_driver() -> Any:
        return _neo4j_driver(uri, user, neo4j_password(password, uri, neo4j_home))

    try:
        report = bench_queries(
            n_rels=rels, repeat=repeat, seed=seed,
            neo4j=neo4j_driver if neo4j else None, database=database, wipe_neo4j=wipe_neo4j,
            on_note=lambda m: say(m, style="dim"),
        )
    except KgError as exc:
        raise error_exit(exc) from None
    for line in report["summary"]:
        say(line)
    print_rows(QueryRows(columns=tuple(report["columns"]), rows=tuple(report["rows"])), fmt)


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("queries")(queries_command)
    app.command("query")(query_command)
    bench_app.command("queries")(bench_queries_command)
