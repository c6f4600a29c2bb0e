"""union-kg: offline, evidence-keeping knowledge graphs from Chinese trade-union news.

The Python API (:mod:`kg.api`, documented there) is what ``__all__`` lists:

- :func:`build_graph` (``kg build``) and :func:`extract_facts` (``kg extract``) from files or folders;
  :func:`example_corpus`, the bundled example;
- :func:`open_graph`: a ``kg build`` folder or a Neo4j URI, as a :class:`Graph` with
  ``query`` (rows as dicts), ``query_df`` (pandas), ``queries`` and ``to_networkx``;
- :func:`queries`, the saved queries; :func:`load_curation`, a curation file;
- the errors: :class:`KgError` and its subclasses (``kg.errors``).

``import kg`` stays light: the API module, and with it extraction, the stores
and their dependencies, is imported on first use of one of its names.
"""

from __future__ import annotations

from typing import Any

from kg.errors import (
    ClusterError,
    ConnectionFailed,
    CredentialsRejected,
    DatabaseNotEmpty,
    ExtractionFailed,
    IncompatibleStore,
    InputError,
    KgError,
    MissingDependency,
    ModelError,
    OntologyError,
    OutputError,
    QueryError,
    StoreError,
)
from kg.version import __version__

__all__ = [
    "Graph",
    "build_graph",
    "example_corpus",
    "extract_facts",
    "load_curation",
    "open_graph",
    "queries",
    "ClusterError",
    "ConnectionFailed",
    "CredentialsRejected",
    "DatabaseNotEmpty",
    "ExtractionFailed",
    "IncompatibleStore",
    "InputError",
    "KgError",
    "MissingDependency",
    "ModelError",
    "OntologyError",
    "OutputError",
    "QueryError",
    "StoreError",
    "__version__",
]
#: the names of kg.api (its __all__), imported on first use (PEP 562)
_API = frozenset(__all__[:7])


def __getattr__(name: str) -> Any:
    # Every `kg` command imports this package first: the API (extraction, stores,
    # networkx …) loads only when a program uses it, as the CLI loads its commands.
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
