"""The ontology as data: node types, predicates, domain/range, triggers.

Loaded once from ``schemas/ontology.toml`` and validated; every label and
relationship type that reaches a database comes from here.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from kg.errors import OntologyError
from kg.models import Frozen
from kg.resources import data_dir


class NodeType(Frozen):
    name: str
    description: str = ""
    color: str = "#999999"
    shape: str = "ellipse"


class Predicate(Frozen):
    name: str
    description: str = ""
    domain: tuple[str, ...]
    range: tuple[str, ...]
    triggers: tuple[str, ...] = ()


class Ontology(Frozen):
    version: int
    attrs: tuple[str, ...]
    types: dict[str, NodeType]
    predicates: dict[str, Predicate]

    def check_type(self, name: str) -> str:
        """Return *name* if it is a node type, else raise :class:`OntologyError`."""
        if name not in self.types:
            raise OntologyError(
                f"unknown entity type {name!r}; use one of {', '.join(self.types)}"
            )
        return name

    def check_predicate(self, name: str) -> str:
        """Return *name* if it is a predicate, else raise :class:`OntologyError`."""
        if name not in self.predicates:
            raise OntologyError(
                f"unknown predicate {name!r}; use one of {', '.join(self.predicates)}"
            )
        return name

    def allows(self, subject_type: str, predicate: str, object_type: str) -> bool:
        """True when the predicate's domain and range admit the two types."""
        p = self.predicates.get(predicate)
        return p is not None and subject_type in p.domain and object_type in p.range


def parse_ontology(raw: dict, *, source: str = "ontology") -> Ontology:
    """Validate a parsed ontology mapping and return the model."""
    try:
        types = {k: NodeType(name=k, **v) for k, v in raw.get("types", {}).items()}
        preds = {k: Predicate(name=k, **v) for k, v in raw.get("predicates", {}).items()}
        onto = Ontology(
            version=raw.get("version", 0),
            attrs=tuple(raw.get("attrs", ())),
            types=types,
            predicates=preds,
        )
    except (ValidationError, TypeError) as exc:
        raise OntologyError(f"{source}: invalid ontology ({exc}); fix the schema file") from exc
    for p in onto.predicates.values():
        unknown = [t for t in (*p.domain, *p.range) if t not in onto.types]
        if unknown:
            raise OntologyError(
                f"{source}: predicate {p.name} names unknown types {unknown}; "
                "declare them under [types] or fix the predicate"
            )
    return onto


@lru_cache(maxsize=1)
def load_ontology(path: Path | None = None) -> Ontology:
    """Load and validate ``schemas/ontology.toml`` (cached)."""
    path = path or data_dir("schemas") / "ontology.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OntologyError(f"cannot read ontology {path}: {exc}") from exc
    return parse_ontology(raw, source=str(path))
