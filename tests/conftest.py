"""Shared fixtures. Store-specific fixtures live in fixtures_*.py plugins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED_DIR", REPO.parent / "shared"))

pytest_plugins = ["fixtures_neo4j", "fixtures_embedded"]


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    """``../shared/dev`` (corpus + gold); tests that need it skip when it is absent locally."""
    d = SHARED / "dev"
    if not (d / "gold.jsonl").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"dev set not found at {d}; CI must have ../shared beside the checkout")
        pytest.skip(f"dev set not found at {d}")
    return d


@pytest.fixture(scope="session")
def graph_fixture_dir() -> Path:
    """A tiny fictional extraction output (documents/entities/triples.jsonl)."""
    return REPO / "tests" / "data" / "graph_fixture"
