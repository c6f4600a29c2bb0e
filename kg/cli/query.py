"""CLI commands of this group (to be filled by its owner)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
