"""Every `kg` command and command group answers --help (exit 0, usage on stdout)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # duck-typed: typer may ship its own copy of click, so no isinstance checks
    found = [path]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found += _commands(command, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_readme_has_the_main_commands() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"extract", "eval", "bench", "bench extract"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kg")
def test_readme_every_command_has_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
