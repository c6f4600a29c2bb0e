"""vis-network for the HTML diagram, read from the installed ``pyvis`` package.

kg keeps no copy of third-party browser code. The ``pyvis`` wheel (PyPI, BSD;
a dependency pinned in ``pyproject.toml``) ships vis-network's browser build —
``pyvis/lib/vis-<version>/vis-network.min.js`` (vis-data's ``DataSet``
included) and its stylesheet ``vis-network.css`` (images as ``data:`` URIs) —
and the diagram inlines both, so the page needs no network.

pyvis itself is never imported (its ``__init__`` imports IPython, half a
second): the files are found through the import system's spec of the package.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import OutputError

__all__ = ["PYVIS_REQUIREMENT", "VisBundle", "csp_hash", "vis_bundle"]

#: The range pinned in pyproject.toml; named in the error when the files are missing.
PYVIS_REQUIREMENT = "pyvis>=0.3.2,<0.4"
_REINSTALL = f"reinstall it: pip install '{PYVIS_REQUIREMENT}' (or write .svg / .png / .mmd instead)"


@dataclass(frozen=True)
class VisBundle:
    """vis-network's script and stylesheet, ready to sit inside ``<script>`` / ``<style>``."""

    version: str
    js: str
    css: str
    source: Path  # the folder they were read from, for messages


def _build_version(folder: Path) -> tuple[int, ...] | None:
    """``(9, 1, 2)`` for a folder ``vis-9.1.2``; None for anything else.

    >>> _build_version(Path("vis-9.1.2")), _build_version(Path("vis-next"))
    ((9, 1, 2), None)
    """
    m = re.fullmatch(r"vis-(\d+(?:\.\d+)*)", folder.name)
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


def inline_safe(text: str, element: str) -> str:
    """*text* made safe to stand inside ``<element>…</element>``.

    Drops the ``//# sourceMappingURL`` comment (the page loads nothing, not
    even a source map) and turns ``</script`` (or ``</style``) into
    ``<\\/script``, which means the same inside a JS string or regex and a CSS
    string, but can no longer close the element early.

    >>> inline_safe('x="</SCRIPT>";\\n//# sourceMappingURL=a.map\\n', "script")
    'x="<\\\\/SCRIPT>";\\n'
    """
    text = re.sub(r"^//# sourceMappingURL=\S*[ \t]*\n?", "", text, flags=re.M)
    return re.sub(f"</({element})", r"<\\/\1", text, flags=re.I)


def csp_hash(script: str) -> str:
    """The CSP source (``'sha256-…'``) that allows exactly this inline script.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@functools.cache
def vis_bundle() -> VisBundle:
    """The newest vis-network build in the installed pyvis, read once per process.

    Raises :class:`OutputError` when pyvis is not installed or ships no build.
    """
    spec = importlib.util.find_spec("pyvis")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise OutputError(f"the HTML diagram needs vis-network from the pyvis package, which is not installed; {_REINSTALL}")
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib"
    builds = sorted(
        (version, folder)
        for folder in (lib.iterdir() if lib.is_dir() else ())
        if (version := _build_version(folder)) is not None
        and (folder / "vis-network.min.js").is_file()
        and (folder / "vis-network.css").is_file()
    )
    if not builds:
        raise OutputError(f"no vis-network build (vis-*/vis-network.min.js and .css) in {lib}; {_REINSTALL}")
    version, folder = builds[-1]
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read vis-network from {folder}: {exc}; {_REINSTALL}") from exc
    return VisBundle(
        version=".".join(map(str, version)),
        js=inline_safe(js, "script"),
        css=inline_safe(css, "style"),
        source=folder,
    )
