"""Graphs for store and query tests, and the row normalisation of the parity test.

    from helpers_graph import dev_graph, fixture_graph, normalise_rows

``dev_graph(dev_dir)`` extracts the dev corpus (``../shared/dev/corpus``)
with the real pipeline and assembles it, once per session, so that a test of a
saved query on the dev corpus is one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.extract.assemble import assemble, assemble_dirs
from kg.models import GraphData

FIXTURE_DIR = Path(__file__).resolve().parent / "data" / "graph_fixture"


@lru_cache(maxsize=1)
def fixture_graph() -> GraphData:
    """The tiny fictional graph of ``tests/data/graph_fixture`` (22 relationships)."""
    return assemble_dirs([FIXTURE_DIR])


@lru_cache(maxsize=2)
def dev_graph(dev_dir: Path) -> GraphData:
    """The graph the pipeline extracts from ``dev_dir/corpus`` (cached per session)."""
    from kg.extract.pipeline import extract

    return assemble([extract([Path(dev_dir) / "corpus"])])


def _canon(value: Any) -> Any:
    # Lists built by collect() have no defined order in either engine; compare them as multisets.
    if isinstance(value, (list, tuple)):
        return sorted((_canon(v) for v in value), key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    if isinstance(value, float):
        return round(value, 9)
    return value


def normalise_rows(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted canonical JSON strings: order-insensitive, list order-insensitive."""
    return sorted(json.dumps({k: _canon(v) for k, v in r.items()}, ensure_ascii=False, sort_keys=True) for r in rows)


class _MarkedFolder:
    def __init__(self, db_dir: Path) -> None:
        self.db_dir = Path(db_dir)

    def load(self) -> None:
        self.db_dir.mkdir(parents=True)
        (self.db_dir / "kg-embedded.json").write_text("{}", encoding="utf-8")


@contextmanager
def no_database(_graph: object, db_dir: Path) -> Iterator[_MarkedFolder]:
    """A stand-in for ``kg.store.embedded.stage_embedded`` whose load makes an empty marked folder:
    for build tests that do not check the embedded database (it has its own tests and takes a second)."""
    yield _MarkedFolder(db_dir)
