"""The saved-query registry: headers, parameters, names (no database needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.resources import data_dir
from kg.store.queries import (
    ENGINES,
    bind_params,
    coerce_params,
    get_query,
    list_queries,
    load_queries,
    parse_query_file,
)

REQUIRED = {
    "who_helped_whom": {"region", "limit", "since", "until"},
    "helpers_of": {"name", "limit"},
    "beneficiaries_of": {"name", "limit"},
    "program_inventory": {"limit", "since", "until"},
    "programs_across_regions": {"limit", "since", "until"},
    "facilities_at_companies": {"limit"},
    "people_positions": {"limit"},
    "union_hierarchy": {"limit"},
    "awards_by_region": {"region", "limit", "since", "until"},
    "neighbourhood": {"name", "depth"},
    "evidence_for": {"subject", "object"},
}
QUERY_FILES = sorted(data_dir("queries").glob("*.cypher"))


def test_queries_registry_has_every_required_query_with_its_parameters() -> None:
    saved = load_queries()
    assert set(REQUIRED) <= set(saved)
    for name, params in REQUIRED.items():
        assert {p.name for p in saved[name].params} == params, name


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_queries_every_file_has_a_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("// name: ")
    q = parse_query_file(path)
    assert q.description
    for p in q.params:
        assert p.description and p.example, f"{path.name}: parameter {p.name} needs a description and example"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_queries_are_parameterised_and_portable(path: Path) -> None:
    body = "\n".join(l for l in path.read_text(encoding="utf-8").splitlines() if not l.lstrip().startswith("//"))
    # labels(n)/type(r) do not exist in the embedded engine; $union is reserved there
    assert not re.search(r"\b(labels|type)\s*\(", body)
    assert "$union" not in body.lower()
    # `Union` is reserved in the embedded engine: always back-quoted
    code = re.sub(r"'[^']*'", "''", body.replace("UNION", ""))  # a string literal is data, not a label
    assert not re.search(r"(?<!`)\bUnion\b(?!`)", code)
    # no string building around parameters
    assert not re.search(r"\+\s*\$|\$\w+\s*\+", body)


def test_queries_variants_are_only_for_known_engines() -> None:
    for path in QUERY_FILES:
        parts = path.name[: -len(".cypher")].split(".")
        assert len(parts) == 1 or (len(parts) == 2 and parts[1] in ENGINES), path.name
    variants = {q.name: sorted(q.variants) for q in list_queries() if q.variants}
    assert variants == {"neighbourhood": ["ladybug"], "program_inventory": ["ladybug"], "who_helped_whom": ["ladybug"]}  # keep per-engine texts to the minimum


def test_queries_header_parsing(tmp_path: Path) -> None:
    f = tmp_path / "demo.cypher"
    f.write_text(
        "// name: demo\n"
        "// description: A demo.\n"
        "// param: name (string) Who. Example: 岳阳县总工会\n"
        "// param: depth (int, optional, default 2, 1..3) Hops. Example: 2\n"
        "// param: strict (bool, optional) Exact names only. Example: true\n"
        "// a free note line: ignored\n"
        "MATCH (n) WHERE n.name = $name AND $depth > 0 AND $strict RETURN n.name AS name\n",
        encoding="utf-8",
    )
    q = parse_query_file(f)
    assert q.name == "demo" and q.description == "A demo."
    name, depth, strict = q.params
    assert (name.type, name.required, name.example, name.description) == ("string", True, "岳阳县总工会", "Who.")
    assert (depth.type, depth.required, depth.default, depth.minimum, depth.maximum) == ("int", False, 2, 1, 3)
    assert (strict.type, strict.default) == ("bool", False)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("// description: no name\nRETURN 1 AS x\n", "name:"),
        ("// name: other\n// description: d\nRETURN 1 AS x\n", "differs from the file name"),
        ("// name: bad\n// description: d\nRETURN $x AS x\n", "undeclared"),
        ("// name: bad\n// description: d\n// param: x (string) X. Example: a\nRETURN 1 AS x\n", "unused"),
        ("// name: bad\n// description: d\n// param: x (text) X\nRETURN $x AS x\n", "type"),
    ],
)
def test_queries_bad_headers_are_errors(tmp_path: Path, header: str, message: str) -> None:
    f = tmp_path / "bad.cypher"
    f.write_text(header, encoding="utf-8")
    with pytest.raises(QueryError, match=message):
        parse_query_file(f)


def test_queries_unknown_name_lists_close_matches() -> None:
    with pytest.raises(QueryError, match=r"unknown query 'helper_of'.*helpers_of.*kg queries"):
        get_query("helper_of")


def test_queries_missing_parameter_says_what_to_pass() -> None:
    with pytest.raises(QueryError, match=r"needs parameter name \(string\); pass --param name=明远机械有限公司"):
        bind_params(get_query("helpers_of"), {})


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("neighbourhood", {"name": "x", "depth": "two"}, r"depth must be an int, got 'two'; pass e.g. --param depth=2"),
        ("neighbourhood", {"name": "x", "depth": "9"}, r"out of range; use 1..3"),
        ("helpers_of", {"name": "x", "nmae": "y"}, r"unknown parameter\(s\) nmae; it accepts: name"),
    ],
)
def test_queries_wrong_parameters_are_query_errors(name: str, raw: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        coerce_params(get_query(name), raw)


def test_queries_bind_params_checks_python_types_and_fills_defaults() -> None:
    q = get_query("neighbourhood")
    assert bind_params(q, {"name": "岳阳市"}) == {"name": "岳阳市", "depth": 1}
    assert coerce_params(q, {"name": "岳阳市", "depth": "3"}) == {"name": "岳阳市", "depth": 3}
    with pytest.raises(QueryError, match="must be an int, got str"):
        bind_params(q, {"name": "岳阳市", "depth": "3"})
    with pytest.raises(QueryError, match="must be an int, got bool"):
        bind_params(q, {"name": "岳阳市", "depth": True})
    # an optional parameter given as None (JSON null) means "all"
    assert bind_params(get_query("who_helped_whom"), {"region": None, "since": None}) == {
        "region": "", "limit": 200, "since": "", "until": ""}
    # a date is a period bound: `since` a month means its first day, `until` a year its last day
    assert bind_params(get_query("who_helped_whom"), {"since": "2024-03", "until": "2024"}) == {
        "region": "", "limit": 200, "since": "2024-03-01", "until": "2024-12-31"}


@pytest.mark.parametrize("name", sorted(n for n, params in REQUIRED.items() if "limit" in params))
def test_queries_limit_is_a_bounded_page_by_default(name: str) -> None:
    q = get_query(name)
    (limit,) = [p for p in q.params if p.name == "limit"]
    assert (limit.type, limit.required, limit.default, limit.minimum) == ("int", False, 200, 1)
    assert "$limit" in q.description and "LIMIT $limit" in q.text
    with pytest.raises(QueryError, match="out of range"):
        coerce_params(q, {"limit": "0", **{p.name: "x" for p in q.params if p.required}})


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_queries_label_disjunctions_list_every_entity_type(path: Path) -> None:
    # Name lookups go through (n:`Union`|Enterprise|...) so that Neo4j seeks the
    # per-label name constraints; a type missing here would silently never match.
    from kg.ontology import load_ontology

    types = set(load_ontology().types)
    for labels in re.findall(r"\(\w+:((?:`?\w+`?\|)+`?\w+`?)\)", path.read_text(encoding="utf-8")):
        assert {l.strip("`") for l in labels.split("|")} == types, path.name


@pytest.mark.parametrize("evil", ["') DETACH DELETE n //", "x' OR 1=1 //", "`}) MATCH (m) RETURN m //", "$name"])
def test_queries_injection_text_is_just_a_value(embedded_db, evil: str) -> None:
    # The text reaches the engine as a parameter: it matches no entity and runs nothing.
    from kg.store.embedded import run_saved

    count = "MATCH (n) RETURN count(n) AS n"
    before = embedded_db.execute(count).rows
    bound = coerce_params(get_query("helpers_of"), {"name": evil})
    assert bound == {"name": evil, "limit": 200}
    assert run_saved(embedded_db, get_query("helpers_of"), bound).rows == ()
    assert run_saved(embedded_db, get_query("neighbourhood"), {"name": evil}).rows == ()
    assert embedded_db.execute(count).rows == before and before[0]["n"] > 0
