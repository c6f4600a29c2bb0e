"""Locate the data folders (``schemas/``, ``loaders/``, ``queries/``) that ship with kg.

In a wheel they live at ``kg/_data/<name>``; in a source checkout or an editable
install they are top-level folders next to ``kg/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder of shipped data called *name* (``schemas``, ``loaders``, ``queries``).

    >>> data_dir("schemas").name
    'schemas'
    """
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"kg data folder {name!r} not found; reinstall union-kg (pip install -e .) "
        "so that schemas/, loaders/ and queries/ are present"
    )


def package_data(*parts: str) -> Path:
    """Path of a file shipped inside the package (``kg/data/...``)."""
    return _PACKAGE_DIR.joinpath("data", *parts)
