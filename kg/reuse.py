"""Products of a build reused by the next one when what they are made of did not change.

``kg build`` makes its products (graph files, database, inventory, overview)
from the extraction files alone, with a given curation file and title, by the
code of kg and the libraries it runs on. :func:`products_key` hashes exactly
that; after a successful build :func:`remember` stores the key, the report
and a digest of each product in ``OUT/.kg-cache/products.json``. A later build
into the same folder with the same key copies the products instead of making
them again (:func:`reuse`), after checking that each is still the file it
wrote: a product changed or removed since, a new kg or library version, or
one changed byte in the extraction files, and the products are made afresh.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
from pathlib import Path

from kg.extract.cache import CACHE_DIR, folder_hash
from kg.models import BuildReport, CurationFile
from kg.resources import data_dir

__all__ = ["PRODUCTS_FILE", "digests", "products_key", "remember", "reuse"]

PRODUCTS_FILE = "products.json"
#: the products made from the extraction files (the extraction files and the curation copy are written anyway)
_PRODUCTS = ("graphml", "graph_json", "database", "inventory_csv", "inventory_xlsx", "diagram_html", "diagram_svg")
_CHUNK = 1 << 20


def _file_digest(h: hashlib._Hash, path: Path) -> None:
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)


def _code_version() -> str:
    """kg's sources and shipped data, the schemas, every installed library's version, and graphviz."""
    h = hashlib.sha256()
    h.update(folder_hash(str(Path(__file__).resolve().parent)).encode())
    h.update(folder_hash(str(data_dir("schemas"))).encode())
    libraries = sorted({f"{d.metadata['Name']}={d.version}" for d in importlib.metadata.distributions()})
    h.update("\0".join(libraries).encode())
    for tool in ("dot", "sfdp"):
        exe = shutil.which(tool)
        stat = Path(exe).resolve().stat() if exe else None
        h.update(f"{tool}={exe}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}\0".encode())
    return h.hexdigest()


def products_key(extraction: list[Path], curation: CurationFile | None, title: str) -> str:
    """A hash of everything the products of a build are made of."""
    h = hashlib.sha256()
    h.update(_code_version().encode())
    h.update(f"title={title}\0".encode())
    if curation is not None:
        h.update(f"curation={curation.path}\0".encode())
        _file_digest(h, Path(curation.path))
    for path in extraction:
        h.update(f"\0{path.name}\0".encode())
        _file_digest(h, path)
    return h.hexdigest()


def _digest(path: Path) -> str:
    """sha256 of a file, or of every file of a folder (names and contents)."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            h.update(str(p.relative_to(path)).encode() + b"\0" if p != path else b"")
            _file_digest(h, p)
    return h.hexdigest()


def digests(report: BuildReport) -> dict[str, str]:
    """A digest of each product of *report*, where its files are (the staging folder: taken before they are
    published, they are this build's even if another build into the same folder publishes right after)."""
    return {k: _digest(Path(report.files[k])) for k in _PRODUCTS if k in report.files}


def remember(out_dir: Path, key: str, report: BuildReport, products: dict[str, str]) -> None:
    """Store *key*, *report* and the digests of its *products* (:func:`digests`) for the next build."""
    record = {"key": key, "report": report.model_dump(mode="json", exclude={"problems", "reused"}), "products": products}
    path = out_dir / CACHE_DIR / PRODUCTS_FILE
    tmp = path.with_name(f".{PRODUCTS_FILE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # only the next build's shortcut is lost: it makes the products again
        tmp.unlink(missing_ok=True)
        path.unlink(missing_ok=True)


def reuse(out_dir: Path, key: str, folder: Path) -> BuildReport | None:
    """Copy the products of the last build into *folder* if it had the same *key* and they are unchanged;
    return its report (files in *folder*), else None."""
    try:
        record = json.loads((out_dir / CACHE_DIR / PRODUCTS_FILE).read_text(encoding="utf-8"))
        if record.get("key") != key:
            return None
        report = BuildReport.model_validate(record["report"])
        products: dict[str, str] = record["products"]
        if any(_digest(out_dir / Path(report.files[k]).name) != digest for k, digest in products.items()):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    files = dict(report.files)
    for k in products:
        name = Path(report.files[k]).name
        source, target = out_dir / name, folder / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        files[k] = str(target)
    return report.model_copy(update={"files": files})
