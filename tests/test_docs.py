"""The README stays true: its two quick-start commands work and CI runs its test command."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from kg.cli import app

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_docs_quick_start_has_two_commands():
    cmds = _quick_start_commands()
    assert len(cmds) == 2
    assert "pip install" in cmds[0] and "kg build" in cmds[0]


def test_docs_ci_runs_the_readme_test_command():
    test_cmd = _quick_start_commands()[1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_docs_quick_start_build_runs(tmp_path):
    build = _quick_start_commands()[0].split("&&")[1].strip()
    args = shlex.split(build)
    assert args[0] == "kg"
    args = [a if a != "out" else str(tmp_path / "out") for a in args[1:]]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for name in ("graph.graphml", "graph.json", "overview.html", "inventory.csv", "inventory.xlsx", "triples.jsonl"):
        assert (out / name).is_file(), name
    assert "inventory" in result.stdout


def _kg_modules() -> list[str]:
    root = REPO / "kg"
    return sorted(".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
                  for p in root.rglob("*.py") if p.name != "__main__.py")  # importing __main__ runs kg


@pytest.mark.parametrize("module", _kg_modules())
def test_docs_doctests_pass(module: str) -> None:
    # Docstring examples are documentation: each one runs (not only the modules a test file names).
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0, f"{module}: {result.failed} doctest(s) failed"
