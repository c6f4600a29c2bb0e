"""The ``kg`` command: a thin typer adapter over the library.

Each command group lives in its own module and registers itself on the app;
stdout carries data, stderr carries messages for people. Commands import the
library inside their function bodies, on purpose: ``kg --help`` and each
command load only the modules (and the heavy dependencies: networkx,
ladybug, the Neo4j driver, openpyxl) that they use.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import build, bulk, curate, evaluate, extract, neo4j, query, train
from kg.cli.common import guard_all, run_app, set_debug

app = typer.Typer(
    name="kg",
    help="union-kg: knowledge graphs from Chinese trade-union news, offline and with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Benchmarks that print throughput and ratios measured in one run.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")



@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", envvar="KG_DEBUG", help="Show the full traceback with an error.")
    ] = False,
) -> None:
    """union-kg: knowledge graphs from Chinese trade-union news, offline and with evidence."""
    set_debug(debug)


for _module in (extract, evaluate, train, neo4j, bulk, query, build, curate):
    _module.register(app, bench_app)
guard_all(app)  # one error path for every command (kg/cli/common.py)


def main() -> None:
    """Console entry point."""
    run_app(app)
