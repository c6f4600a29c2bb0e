"""union-kg from Python: build a graph, open it (embedded or Neo4j), run saved queries, get networkx.

Everything here is exported by the package itself (``kg.build_graph``,
``kg.open_graph`` …; ``kg.__all__`` lists them with the errors). The library
never prints or exits: problems are :class:`~kg.errors.KgError` subclasses
whose message says what to do, the same errors the ``kg`` command shows as
one-line ``error: …`` messages.

Build the bundled example corpus, open the result and ask it a saved query:

>>> import tempfile
>>> import kg
>>> report = kg.build_graph(kg.example_corpus(), tempfile.mkdtemp())
>>> report.documents, report.problems
(9, ())
>>> g = kg.open_graph(report.out_dir)
>>> g.engine
'embedded'
>>> rows = g.query("facilities_at_companies")
>>> sorted(rows[0])
['company', 'doc_ids', 'evidence', 'facility', 'founders', 'leaders']
>>> [r["facility"] for r in g.query("facilities_at_companies", limit=2)]
['临汀港务集团有限公司工会驿站', '华拓精工劳模工匠创新工作室']

The graph as networkx, with the attributes of :func:`kg.export.graph.to_networkx`:

>>> G = g.to_networkx()
>>> node = G.nodes["Union:福建省临汀市总工会"]
>>> node["type"], node["aliases"], node["doc_count"]
('Union', ['临汀市总工会'], 2)
>>> edge = G.edges["Union:福建省临汀市总工会", "Region:福建省", "IN_REGION"]
>>> sorted(e["doc_id"] for e in edge["evidence"])
['03_songwennuan', '08_xiasong_linting']

Mistakes are typed errors that say what to do:

>>> g.query("who_helped")
Traceback (most recent call last):
...
kg.errors.QueryError: unknown query 'who_helped'; did you mean who_helped_whom, helpers_of? run `kg queries` to list them
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.build import build
from kg.errors import ConnectionFailed, InputError, MissingDependency
from kg.export.graph import to_networkx
from kg.export.inventory import load_build
from kg.extract import parallel
from kg.extract.curation_file import read_curation
from kg.extract.extractors import DEFAULT_EXTRACTOR, extractor
from kg.models import BuildReport, CurationFile, ExtractionResult, GraphData, QueryRows, ReaderOptions, SavedQuery
from kg.resources import package_data
from kg.store.embedded import MARKER_FILE, EmbeddedDB, find_database, open_embedded, read_marker, run_saved
from kg.store.neo4j_loader import connect
from kg.store.neo4j_reader import read_graph
from kg.store.neo4j_server import local_password
from kg.store.queries import get_query, list_queries, run_on_neo4j

if TYPE_CHECKING:  # pandas is an optional extra
    import pandas

__all__ = [
    "Graph",
    "build_graph",
    "example_corpus",
    "extract_facts",
    "load_curation",
    "open_graph",
    "queries",
]

PathLike = str | os.PathLike[str]
#: URI schemes that :func:`open_graph` sends to Neo4j (anything else is a folder)
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def _paths(paths: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def example_corpus() -> Path:
    """The folder of the bundled example corpus (fictional articles: text files and a JSONL of records).

    >>> sorted(p.suffix for p in example_corpus().iterdir())[-1]
    '.txt'
    """
    return package_data("example")


def extract_facts(
    paths: PathLike | Sequence[PathLike],
    *,
    workers: int = 1,
    extractor_name: str = DEFAULT_EXTRACTOR,
    models: PathLike | None = None,
    reader_options: ReaderOptions | None = None,
) -> ExtractionResult:
    """Extract entities and triples from files or folders (``kg extract`` without writing files).

    Returns an :class:`~kg.models.ExtractionResult`: ``documents``,
    ``entities``, ``triples`` (each triple with its evidence sentence and
    offsets) and ``problems``, the input that was skipped (an unreadable file
    never stops the rest). *extractor_name* is ``"learned"`` (default) or
    ``"rules"``; *models* a folder written by ``kg train``.

    >>> result = extract_facts(example_corpus() / "04_jingsai.txt")
    >>> len(result.documents), result.problems
    (1, ())
    >>> t, text = result.triples[0], result.documents[0].text
    >>> text[t.evidence.start:t.evidence.end] == t.evidence.sentence
    True
    """
    analyse = extractor(extractor_name, models=Path(models) if models else None)
    return parallel.extract(_paths(paths), workers=workers, reader_options=reader_options, analyse=analyse)


def build_graph(
    paths: PathLike | Sequence[PathLike],
    out: PathLike,
    *,
    workers: int = 1,
    extractor_name: str = DEFAULT_EXTRACTOR,
    models: PathLike | None = None,
    curation: PathLike | None = None,
    find_curation_file: bool = True,
    reader_options: ReaderOptions | None = None,
) -> BuildReport:
    """``kg build``: extract *paths* and write every product into the folder *out*.

    The folder gets the extraction files, ``graph.graphml``, ``graph.json``,
    the embedded database ``graph.db`` (open it with :func:`open_graph`), the
    inventory and the overview diagram. The curation file *curation* is
    applied, else a ``curation.toml`` found next to the inputs (unless
    *find_curation_file* is false). Skipped input is listed in
    ``report.problems``; the rest is built. The returned
    :class:`~kg.models.BuildReport` has counts by type and predicate and
    ``files``, the path of each product.
    """
    return build(
        _paths(paths), Path(out), workers=workers, reader_options=reader_options,
        analyse=extractor(extractor_name, models=Path(models) if models else None),
        curation=Path(curation) if curation else None, find_curation_file=find_curation_file,
    )


def load_curation(path: PathLike) -> CurationFile:
    """Read a curation file (``curation.toml``: merge, rename, reject, add; see the README).

    A file that is not TOML raises :class:`~kg.errors.InputError`; a bad entry
    is skipped and listed in ``problems``. Apply a file with
    ``build_graph(..., curation=path)``.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "curation.toml"
    >>> _ = f.write_text('[[rename]]\\nname = "甲厂"\\nnew_name = "甲机械厂"\\n', encoding="utf-8")
    >>> cur = load_curation(f)
    >>> cur.rename[0].new_name, cur.problems
    ('甲机械厂', ())
    """
    return read_curation(Path(path))


def queries() -> list[SavedQuery]:
    """The saved queries (``kg queries``), sorted by name: ``name``, ``description`` and ``params``.

    >>> q = {q.name: q for q in queries()}["who_helped_whom"]
    >>> [(p.name, p.type, p.required) for p in q.params][:2]
    [('region', 'string', False), ('limit', 'int', False)]
    """
    return list_queries()


class Graph:
    """A built graph, in the embedded database of a ``kg build`` folder or on Neo4j; open it with :func:`open_graph`.

    The same methods on both: :meth:`query` (rows as dicts), :meth:`query_df`
    (a pandas DataFrame), :meth:`queries`, :meth:`to_networkx`. A saved query
    returns the same rows on both engines. Close it (or use ``with``) to
    release the connection. The embedded database is opened read-only at the
    first query and opened again when a later ``kg build`` has replaced it, so
    a notebook that rebuilds its folder sees the new graph.
    """

    def __init__(self, *, engine: str, location: str, db_dir: Path | None = None, driver: Any = None,
                 database: str | None = None) -> None:
        self.engine = engine  #: ``"embedded"`` or ``"neo4j"``
        self.location = location  #: the database folder, or the Neo4j URI
        self._db_dir = db_dir
        self._driver = driver
        self._database = database
        self._db: EmbeddedDB | None = None
        self._db_stamp: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"Graph({self.engine}: {self.location})"

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection; a closed embedded graph opens its database again when asked."""
        if self._driver is not None:
            self._driver.close()
            self._driver = None
        if self._db is not None:
            self._db.close()
            self._db = None

    def _embedded(self) -> EmbeddedDB:
        """The open embedded database, opened again when a build has swapped in a new one since."""
        assert self._db_dir is not None
        try:
            st = (self._db_dir / MARKER_FILE).stat()
            stamp: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
        except OSError:
            stamp = None  # gone: open_embedded says so
        if self._db is None or stamp != self._db_stamp:
            self.close()
            self._db, self._db_stamp = open_embedded(self._db_dir), stamp
        return self._db

    def _rows(self, query_name: str, params: dict[str, Any]) -> QueryRows:
        query = get_query(query_name)
        if self.engine == "neo4j":
            if self._driver is None:
                raise ConnectionFailed(f"this Graph of {self.location} is closed; open it again with kg.open_graph")
            return run_on_neo4j(self._driver, query, params, database=self._database)
        return run_saved(self._embedded(), query, params)

    def query(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run the saved query *query_name* with keyword parameters; one dict per row, columns in order.

        Parameters are checked against the query's header (``kg.queries()``):
        an unknown, missing or wrong-typed one raises :class:`~kg.errors.QueryError`.
        List queries return a page of 200 rows; pass ``limit=N`` for more.
        """
        return [dict(r) for r in self._rows(query_name, params).rows]

    def query_df(self, query_name: str, /, **params: Any) -> pandas.DataFrame:
        """:meth:`query` as a pandas ``DataFrame`` (the columns in the query's order, even with no rows).

        Needs pandas (``pip install 'union-kg[pandas]'``); without it raises
        :class:`~kg.errors.MissingDependency`, which is also an ``ImportError``.
        """
        try:
            import pandas as pd  # an optional extra: imported only when a DataFrame is asked for
        except ImportError:
            raise MissingDependency(
                "query_df needs pandas: pip install 'union-kg[pandas]' (or use query(), which returns dicts)"
            ) from None
        result = self._rows(query_name, params)
        return pd.DataFrame([dict(r) for r in result.rows], columns=list(result.columns))

    def queries(self) -> list[SavedQuery]:
        """The saved queries this graph answers (all of them, on both engines): see :func:`queries`."""
        return queries()

    def graph_data(self) -> GraphData:
        """The whole graph as :class:`~kg.models.GraphData` (what :meth:`to_networkx` converts)."""
        if self.engine == "neo4j":
            if self._driver is None:
                raise ConnectionFailed(f"this Graph of {self.location} is closed; open it again with kg.open_graph")
            return read_graph(self._driver, database=self._database)
        assert self._db_dir is not None
        try:
            return load_build(self._db_dir.parent)
        except InputError as exc:
            raise InputError(f"{exc} (to_networkx reads the `kg build` folder around {self._db_dir})") from None

    def to_networkx(self, *, centrality: bool = True) -> nx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph``: node ids ``"Type:name"``, one edge per fact keyed by predicate.

        Node attributes: ``type, name, aliases, doc_ids, doc_count, province,
        city, district, scope, unresolved, provenance, degree`` and, with
        *centrality*, ``betweenness``; edge attributes: ``predicate,
        confidence, attrs, evidence`` (a list of ``{doc_id, sentence, start,
        end, extractor, confidence}``), ``evidence_count, first_date,
        last_date, provenance``. ``G.graph["documents"]`` maps document ids to
        their title, date, source and path. On Neo4j every evidence entry
        carries its fact's confidence (Neo4j keeps one per fact).
        """
        return to_networkx(self.graph_data(), centrality=centrality)


def open_graph(
    source: PathLike,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    neo4j_home: PathLike | None = None,
) -> Graph:
    """Open a built graph: a ``kg build`` folder (or its ``graph.db``), or a Neo4j URI (``bolt://HOST:PORT``).

    For Neo4j, *user* defaults to ``NEO4J_USER`` or ``neo4j``, *password* to
    ``NEO4J_PASSWORD``, else the password ``kg neo4j start`` stored for the
    URI's port under *neo4j_home* (default ``KG_NEO4J_HOME``, else ``.neo4j``).
    A folder that holds no database raises :class:`~kg.errors.StoreError`
    (one written by another version of kg: :class:`~kg.errors.IncompatibleStore`);
    a server that does not answer raises :class:`~kg.errors.ConnectionFailed`,
    one that refuses the password :class:`~kg.errors.CredentialsRejected`.

    >>> open_graph("no-such-folder")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: no embedded database at no-such-folder; build one with `kg build PATH --out DIR`
    """
    text = os.fspath(source)
    if text.startswith(NEO4J_SCHEMES):
        home = neo4j_home or os.environ.get("KG_NEO4J_HOME") or ".neo4j"
        user = user or os.environ.get("NEO4J_USER") or "neo4j"
        password = password or os.environ.get("NEO4J_PASSWORD") or local_password(text, home) or ""
        return Graph(engine="neo4j", location=text, driver=connect(text, user, password), database=database)
    db_dir = find_database(Path(text))
    read_marker(db_dir)  # no database, or one of another version: fail now, not at the first query
    return Graph(engine="embedded", location=str(db_dir), db_dir=db_dir)
