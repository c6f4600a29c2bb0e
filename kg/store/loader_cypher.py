"""The loader's Cypher: ``loaders/*.cypher`` with their placeholders filled by ontology names.

Labels and relationship types cannot be Cypher parameters, so a template holds
``{{label}}``-style placeholders that :func:`render` fills only with names the
ontology knows (``kg.ontology``); every value travels as a ``$parameter``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import LiteralString, cast

from kg.errors import StoreError
from kg.ontology import load_ontology
from kg.resources import data_dir

__all__ = ["render"]

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    path = data_dir("loaders") / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"loader Cypher {path} is missing ({exc.strerror}); reinstall union-kg") from exc


def render(name: str, **names: str) -> LiteralString:
    """Return ``loaders/<name>.cypher`` with its placeholders filled by ontology names.

    ``label``, ``subject_label`` and ``object_label`` must be node types and
    ``type`` a predicate of the ontology; anything else raises
    :class:`~kg.errors.OntologyError`, so no outside text reaches the Cypher.

    >>> "`Union`" in render("constraint_entity", label="Union")
    True
    """
    onto = load_ontology()
    checked: dict[str, str] = {}
    for key, value in names.items():
        if key in ("label", "subject_label", "object_label"):
            checked[key] = onto.check_type(value)
        elif key == "type":
            checked[key] = onto.check_predicate(value)
        else:
            raise StoreError(f"unknown placeholder {{{{{key}}}}} for loaders/{name}.cypher")
        if not _NAME.fullmatch(checked[key]):  # belt and braces: names are plain identifiers
            raise StoreError(f"ontology name {value!r} is not a plain identifier; fix schemas/ontology.toml")
    text = _template(name)
    missing = set(_PLACEHOLDER.findall(text)) - checked.keys()
    if missing:
        raise StoreError(f"loaders/{name}.cypher needs {', '.join(sorted(missing))}")
    # Safe to treat as a literal: every substituted value is an ontology identifier.
    return cast(LiteralString, _PLACEHOLDER.sub(lambda m: checked[m.group(1)], text))
