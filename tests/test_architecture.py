"""The package keeps the shape ARCHITECTURE.md draws: a one-way flow of small modules.

The import graph of ``kg`` is built from the source with :mod:`ast` (imports at
module level and inside functions alike, since both run). It must have no
cycle and follow the flow (``extract`` never imports ``store`` or ``export``
…); a ``kg`` import inside a function is allowed only in ``kg.cli``, where it
keeps ``kg --help`` fast, and in the package's ``__getattr__``, which loads the
Python API (``kg.api``) on first use so that ``import kg`` (which every ``kg``
command runs first) stays as light; no module is over 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from conftest import REPO

PACKAGE = REPO / "kg"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kg_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` reads from (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    anchor = package[: len(package) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def imports_of(source: str, module: str, known: set[str], *, is_package: bool = False) -> list[tuple[str, int, bool]]:
    """The ``kg`` modules *source* imports: (module, line, inside a function).

    ``import kg.a.b`` and ``from kg.a import b`` both name ``kg.a.b`` when it is
    a module; ``from kg.a import name`` names ``kg.a``. Imports outside ``kg``
    are left out.
    """
    tree = ast.parse(source)
    in_function: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function.update(id(n) for n in ast.walk(fn) if n is not fn)
    found: list[tuple[str, int, bool]] = []

    def add(name: str, node: ast.stmt) -> None:
        while name and name not in known:  # kg.a.b.name → the module that defines name
            name = name.rpartition(".")[0]
        if name:
            found.append((name, node.lineno, id(node) in in_function))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kg" or alias.name.startswith("kg."):
                    add(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, is_package, node)
            if base != "kg" and not base.startswith("kg."):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in known else base, node)
    return sorted(found, key=lambda f: f[1])


def import_graph() -> nx.DiGraph:
    """module → the kg modules it imports (edges carry the line and whether it is inside a function)."""
    modules = kg_modules()
    known = set(modules)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        for target, line, lazy in imports_of(source, name, known, is_package=path.name == "__init__.py"):
            if target != name:
                graph.add_edge(name, target, line=line, lazy=lazy)
    return graph


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import kg.a.b", "kg.x", [("kg.a.b", 1, False)]),
        ("import kg.a.b.name", "kg.x", [("kg.a.b", 1, False)]),
        ("from kg.a import b, name", "kg.x", [("kg.a.b", 1, False), ("kg.a", 1, False)]),  # a submodule, a name
        ("from kg.a.b import name", "kg.x", [("kg.a.b", 1, False)]),
        ("from kg import __version__", "kg.x", [("kg", 1, False)]),
        ("def f():\n    from kg.a import b", "kg.x", [("kg.a.b", 2, True)]),
        ("from . import b", "kg.a.c", [("kg.a.b", 1, False)]),
        ("from ..a import b", "kg.x.y", [("kg.a.b", 1, False)]),
        ("import json\nfrom pathlib import Path", "kg.x", []),
    ],
)
def test_architecture_imports_are_resolved_to_kg_modules(source: str, module: str, expected: list) -> None:
    assert imports_of(source, module, {"kg", "kg.a", "kg.a.b", "kg.a.c", "kg.x", "kg.x.y"}) == expected


def test_architecture_finds_every_module_and_its_imports() -> None:
    graph = import_graph()
    assert graph.edges[LAZY_API]["lazy"]  # seen, and inside kg.__getattr__: the cycle check covers it
    assert {"kg", "kg.cli", "kg.extract.pipeline", "kg.store.neo4j_loader", "kg.export.graph"} <= set(graph)
    assert graph.has_edge("kg.cli", "kg.cli.build")  # from kg.cli import build: a submodule
    assert graph.has_edge("kg.extract.pipeline", "kg.extract.parallel")  # from kg.extract import parallel
    assert graph.has_edge("kg.build", "kg.export.diagram")
    assert graph.has_edge("kg.cli.extract", "kg.extract.stream")  # inside a function


def test_architecture_import_graph_is_acyclic() -> None:
    graph = import_graph()
    cycles = sorted(" → ".join([*c, c[0]]) for c in nx.simple_cycles(graph))
    assert not cycles, "import cycles inside kg (move the shared part into a module both can import):\n" + "\n".join(cycles)


#: package → the packages it must not import (the flow of ARCHITECTURE.md goes one way)
FORBIDDEN = {
    "kg.extract": ("kg.store", "kg.export", "kg.bench", "kg.cli", "kg.build", "kg.evaluate", "kg.api"),
    "kg.store": ("kg.extract", "kg.export", "kg.bench", "kg.cli", "kg.build", "kg.evaluate", "kg.api"),
    "kg.export": ("kg.store", "kg.bench", "kg.cli", "kg.build", "kg.evaluate", "kg.api"),
    "kg.models": ("kg.extract", "kg.store", "kg.export", "kg.bench", "kg.cli", "kg.build", "kg.evaluate", "kg.api"),
}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_architecture_flow_goes_one_way() -> None:
    graph = import_graph()
    wrong = sorted(
        f"{src} line {data['line']} imports {dst}"
        for src, dst, data in graph.edges(data=True)
        for package, banned in FORBIDDEN.items()
        if _within(src, package) and any(_within(dst, b) for b in banned)
    )
    assert not wrong, "imports against the flow (see ARCHITECTURE.md):\n" + "\n".join(wrong)


#: the one lazy import outside the CLI: ``kg.__getattr__`` loads the Python API on first use (PEP 562)
LAZY_API = ("kg", "kg.api")


def test_architecture_imports_inside_functions_only_in_the_cli() -> None:
    graph = import_graph()
    lazy = sorted(
        f"{src} line {data['line']} imports {dst}"
        for src, dst, data in graph.edges(data=True)
        if data["lazy"] and not (src == "kg.cli" or src.startswith("kg.cli.")) and (src, dst) != LAZY_API
    )
    assert not lazy, "import kg modules at module level (a lazy import hides a cycle or a slow start):\n" + "\n".join(lazy)


@pytest.mark.parametrize("module", sorted(kg_modules()))
def test_architecture_module_is_at_most_600_lines(module: str) -> None:
    path = kg_modules()[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines; split it by family or by stage"
