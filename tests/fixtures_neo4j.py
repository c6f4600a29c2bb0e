"""Fixtures for the Neo4j store: a driver to the server named by NEO4J_URI.

Locally a missing server skips the Neo4j tests; under ``CI=true`` it fails
them, because CI starts one (``.ci/run``). Start one yourself with
``kg neo4j start`` (bolt://127.0.0.1:7687, user neo4j): its password is read
from where it stored it (``.neo4j/7687/password`` of this checkout, or under
``KG_NEO4J_HOME``) unless ``NEO4J_PASSWORD`` gives one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.errors import ConnectionFailed


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must start Neo4j; see .ci/run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def neo4j_settings() -> dict[str, str]:
    """URI, user and password of the test server (env vars, else the `kg neo4j start` defaults and the
    password that server stored)."""
    from kg.store.neo4j_server import local_password

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    home = os.environ.get("KG_NEO4J_HOME") or str(Path(__file__).resolve().parents[1] / ".neo4j")
    return {
        "uri": uri,
        "user": os.environ.get("NEO4J_USER", "neo4j"),
        "password": os.environ.get("NEO4J_PASSWORD") or local_password(uri, home) or "",
    }


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: dict[str, str]) -> Iterator[Any]:
    """A verified driver to the test server (session-wide)."""
    from kg.store.neo4j_loader import connect

    try:
        driver = connect(neo4j_settings["uri"], neo4j_settings["user"], neo4j_settings["password"])
    except ConnectionFailed as exc:
        _unavailable(f"no Neo4j for the tests: {exc}")
    yield driver
    driver.close()


@pytest.fixture()
def neo4j_empty(neo4j_driver: Any) -> Iterator[Any]:
    """The session driver on a database wiped before and after the test."""
    from kg.store.neo4j_loader import wipe

    wipe(neo4j_driver)
    yield neo4j_driver
    wipe(neo4j_driver)


@pytest.fixture(scope="session")
def java_and_maven() -> None:
    """Tests that start their own server need Java 17 and Maven."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _unavailable(f"{' and '.join(missing)} not installed")
