"""The saved queries of ``queries/``: registry, header parsing, parameter checks.

Each ``queries/<name>.cypher`` starts with a header of ``//`` comment lines::

    // name: helpers_of
    // description: Who supports an entity (SUPPORTS), with programs and evidence.
    // param: name (string) Canonical name or alias of the entity. Example: 明远机械有限公司
    // param: depth (int, optional, default 1, 1..3) Hops from the entity. Example: 2

A parameter is ``(type[, optional][, default V][, LO..HI][, end])``; type is one of
``string``, ``int``, ``float``, ``bool``, ``date``. A ``date`` is given as
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and reaches the engine as a full ISO
day: the first day of that year or month, or with ``end`` its last day
(:func:`kg.dates.period_bound`), so that ``since``/``until`` compare as strings. The same text runs on Neo4j and on
the embedded database; where an engine needs its own text (rarely, and said
why in its header), it lives in ``queries/<name>.<engine>.cypher``.

Parameters always travel as ``$parameters``: values are data, never Cypher.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.dates import period_bound
from kg.errors import ConnectionFailed, CredentialsRejected, QueryError, StoreError
from kg.models import QueryParam, QueryRows, SavedQuery
from kg.resources import data_dir

__all__ = [
    "ENGINES",
    "bind_params",
    "coerce_params",
    "get_query",
    "list_queries",
    "load_queries",
    "parse_query_file",
    "read_on_neo4j",
    "run_on_neo4j",
]

#: Engines a query variant may be written for (``<name>.<engine>.cypher``).
ENGINES = ("neo4j", "ladybug")
TYPES = ("string", "int", "float", "bool", "date")

_HEADER = re.compile(r"^\s*//\s?(.*)$")
_FIELD = re.compile(r"^([a-z_]+):\s*(.*)$")
_KEYS = ("name", "description", "param")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*(.*)$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$")
_EXAMPLE = re.compile(r"\s*Example:\s*(.*)$", re.IGNORECASE)
_USED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def _header_lines(text: str) -> list[str]:
    """The comment lines at the top of a query file (without the ``//``)."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            if lines:
                break
            continue
        m = _HEADER.match(line)
        if m is None:
            break
        lines.append(m.group(1).rstrip())
    return lines


def _literal(value: str, type_: str, *, where: str) -> Any:
    try:
        return _coerce(value, type_)
    except ValueError:
        raise QueryError(f"{where}: {value!r} is not {_a(type_)}; fix the query header") from None


def _parse_param(spec: str, *, where: str) -> QueryParam:
    m = _PARAM.match(spec)
    if m is None:
        raise QueryError(
            f"{where}: bad parameter line {spec!r}; write `param: NAME (TYPE[, optional][, default V]) text`"
        )
    name, inner, rest = m.groups()
    parts = [p.strip() for p in inner.split(",") if p.strip()]
    if not parts or parts[0] not in TYPES:
        raise QueryError(f"{where}: parameter {name} needs a type first, one of {', '.join(TYPES)}")
    type_ = parts[0]
    required, default, lo, hi, end = True, None, None, None, False
    for part in parts[1:]:
        if part == "optional":
            required = False
        elif part == "end" and type_ == "date":
            end = True
        elif part.startswith("default "):
            raw = part[len("default ") :].strip().strip('"')
            default = "" if raw == "" else _literal(raw, type_, where=where)
            required = False
        elif (r := _RANGE.match(part)) is not None:
            lo, hi = (_literal(v, type_, where=where) for v in r.groups())
        else:
            raise QueryError(f"{where}: parameter {name}: unknown option {part!r}")
    if not required and default is None:
        default = {"string": "", "int": 0, "float": 0.0, "bool": False, "date": ""}[type_]
    description, example = rest, ""
    e = _EXAMPLE.search(rest)
    if e is not None:
        description, example = rest[: e.start()].strip(), e.group(1).strip()
    return QueryParam(
        name=name, type=type_, required=required, default=default, minimum=lo, maximum=hi,
        description=description, example=example, period_end=end,
    )


def parse_query_file(path: Path) -> SavedQuery:
    """Read one ``queries/<name>.cypher`` and its header.

    Raises :class:`QueryError` when the header lacks a name or description,
    when the name differs from the file name, or when the text uses a
    ``$parameter`` the header does not declare (or declares one it never uses).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    where = str(path)
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    for line in _header_lines(text):
        m = _FIELD.match(line.strip())
        if m is None or m.group(1) not in _KEYS:
            continue  # free notes for readers of the file
        key, value = m.groups()
        if key == "param":
            params.append(_parse_param(value, where=where))
        else:
            fields[key] = value.strip()
    name = fields.get("name")
    if not name or not fields.get("description"):
        raise QueryError(f"{where}: header needs `// name:` and `// description:` lines")
    if name != path.name.split(".")[0]:
        raise QueryError(f"{where}: header name {name!r} differs from the file name; rename one")
    declared = {p.name for p in params}
    used = set(_USED.findall(_strip_comments(text)))
    if used - declared:
        raise QueryError(f"{where}: uses undeclared parameters {sorted(used - declared)}; add `// param:` lines")
    if declared - used:
        raise QueryError(f"{where}: declares unused parameters {sorted(declared - used)}")
    return SavedQuery(name=name, description=fields["description"], params=tuple(params), text=text, path=where)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


@lru_cache(maxsize=4)
def _load(folder: str) -> dict[str, SavedQuery]:
    root = Path(folder)
    base: dict[str, SavedQuery] = {}
    variants: dict[str, dict[str, str]] = {}
    variant_params: dict[str, tuple[QueryParam, ...]] = {}
    for path in sorted(root.glob("*.cypher")):
        stem_parts = path.name[: -len(".cypher")].split(".")
        if len(stem_parts) == 1:
            q = parse_query_file(path)
            base[q.name] = q
        elif len(stem_parts) == 2 and stem_parts[1] in ENGINES:
            v = parse_query_file(path)
            variants.setdefault(stem_parts[0], {})[stem_parts[1]] = v.text
            variant_params[stem_parts[0]] = v.params
        else:
            raise QueryError(f"{path}: name it <query>.cypher or <query>.<engine>.cypher ({', '.join(ENGINES)})")
    orphans = set(variants) - set(base)
    if orphans:
        raise QueryError(f"{root}: engine variants without a base query: {sorted(orphans)}")
    for name, vparams in variant_params.items():
        if vparams != base[name].params:
            raise QueryError(f"{root}: the engine variants of {name} must declare the same parameters as {name}.cypher")
    return {
        name: q.model_copy(update={"variants": variants.get(name, {})}) for name, q in sorted(base.items())
    }


def load_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    """All saved queries by name (from ``queries/`` unless *folder* is given)."""
    return dict(_load(str(folder or data_dir("queries"))))


def list_queries(folder: Path | None = None) -> list[SavedQuery]:
    """The saved queries, sorted by name."""
    return list(load_queries(folder).values())


def get_query(name: str, folder: Path | None = None) -> SavedQuery:
    """The saved query called *name*; an unknown name raises :class:`QueryError` naming close matches."""
    queries = load_queries(folder)
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise QueryError(f"unknown query {name!r}; {hint}run `kg queries` to list them")


def _coerce(value: str, type_: str) -> Any:
    """Turn a command-line string into *type_* (raises ``ValueError``).

    >>> _coerce("2", "int"), _coerce("yes", "bool"), _coerce("岳阳市", "string")
    (2, True, '岳阳市')
    """
    if type_ in ("string", "date"):
        return value
    if type_ == "int":
        return int(value.strip())
    if type_ == "float":
        return float(value.strip())
    if type_ == "bool":
        v = value.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        raise ValueError(value)
    raise ValueError(type_)


def _a(type_: str) -> str:
    return f"an {type_}" if type_[0] in "aeiou" else f"a {type_}"


def _usage(query: SavedQuery, p: QueryParam) -> str:
    example = p.example or {"string": "text", "int": "1", "float": "0.5", "bool": "true", "date": "2025-01"}[p.type]
    return f"--param {p.name}={example}"


def coerce_params(query: SavedQuery, raw: Mapping[str, str]) -> dict[str, Any]:
    """Convert ``--param k=v`` strings to the declared types, then :func:`bind_params`."""
    declared = {p.name: p for p in query.params}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        p = declared.get(key)
        if p is None:
            out[key] = value  # bind_params reports it with the list of accepted names
            continue
        try:
            out[key] = _coerce(value, p.type)
        except ValueError:
            raise QueryError(
                f"query {query.name}: parameter {key} must be {_a(p.type)}, got {value!r}; "
                f"pass e.g. {_usage(query, p)}"
            ) from None
    return bind_params(query, out)


def bind_params(query: SavedQuery, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check *params* against the header and fill defaults; returns what the engine receives.

    Unknown, missing and wrong-typed parameters raise :class:`QueryError`
    with a message that says what to pass. ``None`` for an optional
    parameter means its default.
    """
    params = dict(params or {})
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        accepted = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name}: unknown parameter(s) {', '.join(unknown)}; it accepts: {accepted}")
    out: dict[str, Any] = {}
    for p in query.params:
        value = params.get(p.name)
        if value is None:
            if p.required:
                raise QueryError(
                    f"query {query.name} needs parameter {p.name} ({p.type}); pass {_usage(query, p)}"
                )
            value = p.default
        ok = {
            "string": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "date": isinstance(value, str),
        }[p.type]
        if not ok:
            raise QueryError(
                f"query {query.name}: parameter {p.name} must be {_a(p.type)}, got {type(value).__name__} "
                f"{value!r}; pass e.g. {_usage(query, p)}"
            )
        if p.type == "float":
            value = float(value)
        if p.type == "date":
            try:
                value = period_bound(value, end=p.period_end)
            except ValueError as exc:
                raise QueryError(f"query {query.name}: parameter {p.name}: {exc}") from None
        if (p.minimum is not None and value < p.minimum) or (p.maximum is not None and value > p.maximum):
            raise QueryError(
                f"query {query.name}: parameter {p.name}={value} is out of range; use {p.minimum}..{p.maximum}"
            )
        out[p.name] = value
    return out


# --------------------------------------------------------------------------- Neo4j


def run_on_neo4j(
    driver: Any, query: SavedQuery, params: Mapping[str, Any] | None = None, *, database: str | None = None
) -> QueryRows:
    """Run a saved query on Neo4j (read transaction); rows as on the embedded database."""
    bound = bind_params(query, params)
    records, keys = read_on_neo4j(driver, query.text_for("neo4j"), bound, database=database,
                                  what=f"query {query.name}")
    columns = tuple(keys)
    return QueryRows(columns=columns, rows=tuple(dict(zip(columns, r.values())) for r in records))


def read_on_neo4j(
    driver: Any, cypher: str, params: Mapping[str, Any] | None = None, *, database: str | None = None, what: str
) -> tuple[list[Any], list[str]]:
    """Run read-only *cypher* on Neo4j: (records, column names); driver errors become kg errors naming *what*."""
    # lazy: the driver is only loaded when a query runs on Neo4j
    from neo4j import RoutingControl
    from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    try:
        records, _summary, keys = driver.execute_query(
            cypher, dict(params or {}), database_=database, routing_=RoutingControl.READ
        )
    except AuthError as exc:
        raise CredentialsRejected(
            f"Neo4j refused the credentials ({exc.message or exc}); pass --user/--password "
            "or set NEO4J_USER/NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, SessionExpired) as exc:
        raise ConnectionFailed(f"Neo4j stopped answering ({exc}); check the server and retry") from None
    except Neo4jError as exc:
        raise StoreError(f"Neo4j rejected {what}: {exc.message or exc}") from None
    except DriverError as exc:
        raise ConnectionFailed(f"the Neo4j driver failed ({type(exc).__name__}: {exc}); check the server and retry") from None
    return records, list(keys)
