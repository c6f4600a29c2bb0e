"""Fixtures for the embedded store (owned by its module's tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.models import GraphData
from kg.store.embedded import EmbeddedDB, build_embedded, open_embedded

from helpers_graph import fixture_graph


@pytest.fixture(scope="session")
def fixture_graph_data() -> GraphData:
    """The assembled graph of tests/data/graph_fixture."""
    return fixture_graph()


@pytest.fixture(scope="session")
def embedded_db_dir(tmp_path_factory: pytest.TempPathFactory, fixture_graph_data: GraphData) -> Path:
    """An embedded database built from the graph fixture, as ``kg build`` lays it out (OUT/graph.db)."""
    out = tmp_path_factory.mktemp("embedded") / "build"
    build_embedded(fixture_graph_data, out / "graph.db")
    return out / "graph.db"


@pytest.fixture(scope="session")
def embedded_db(embedded_db_dir: Path) -> Iterator[EmbeddedDB]:
    """The fixture database, open read-only for the whole session."""
    db = open_embedded(embedded_db_dir)
    yield db
    db.close()
