"""The Python API (``kg``, ``kg/api.py``): one object for the embedded database and Neo4j.

The example corpus is built once per module with :func:`kg.build_graph`; the
Neo4j tests load the same build with ``kg load`` and compare every saved query
and the networkx graph on both engines (skipped without a Neo4j, failed under
``CI=true``: tests/fixtures_neo4j.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app

from conftest import REPO
from helpers_graph import normalise_rows


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "out"
    report = kg.build_graph(kg.example_corpus(), out)
    assert report.problems == () and report.documents == 9
    return out


@pytest.fixture(scope="module")
def graph(built: Path) -> Iterator[kg.Graph]:
    with kg.open_graph(built) as g:
        yield g


# --------------------------------------------------------------------------- the public names


def test_api_exports_exactly_its_names() -> None:
    assert set(kg.__all__) == {
        "Graph", "build_graph", "example_corpus", "extract_facts", "load_curation", "open_graph", "queries",
        "KgError", "InputError", "ExtractionFailed", "OntologyError", "ModelError", "QueryError", "StoreError",
        "ConnectionFailed", "CredentialsRejected", "IncompatibleStore", "DatabaseNotEmpty", "OutputError", "ClusterError",
        "MissingDependency", "__version__",
    }
    import inspect

    from kg import errors

    typed = {n for n, c in vars(errors).items() if inspect.isclass(c) and issubclass(c, errors.KgError)}
    assert typed <= set(kg.__all__), typed - set(kg.__all__)  # every typed error the library raises
    from kg import api

    assert set(api.__all__) == kg._API  # every name of the API module, loaded on first use
    for name in kg.__all__:
        assert getattr(kg, name) is not None
        assert name in dir(kg)
    assert issubclass(kg.MissingDependency, kg.KgError) and issubclass(kg.MissingDependency, ImportError)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kg.nothing  # noqa: B018


def test_api_import_kg_stays_light() -> None:
    # every `kg` command imports the package first: the API and its dependencies load on first use only
    code = ("import sys, kg; heavy = [m for m in ('kg.api', 'networkx', 'ladybug', 'neo4j', 'jieba', 'lightgbm') "
            "if m in sys.modules]; print(heavy); kg.open_graph; print('kg.api' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"], out.stdout + out.stderr


# --------------------------------------------------------------------------- embedded


def test_api_query_returns_the_rows_of_kg_query(graph: kg.Graph, built: Path) -> None:
    rows = graph.query("who_helped_whom", region="福建省")
    assert rows and all(r["helper"] == "福建省临汀市总工会" for r in rows)
    cli = CliRunner().invoke(app, ["query", "who_helped_whom", "--db", str(built), "-p", "region=福建省", "-f", "json"])
    assert cli.exit_code == 0, cli.output
    import json

    assert normalise_rows(rows) == normalise_rows(json.loads(cli.stdout))
    assert len(graph.query("who_helped_whom", limit=1)) == 1
    # a parameter called `name` is a keyword like any other (the query name is positional-only)
    assert graph.query("helpers_of", name="一线职工")


def test_api_query_df_keeps_rows_and_column_order(graph: kg.Graph) -> None:
    df = graph.query_df("facilities_at_companies")
    rows = graph.query("facilities_at_companies")
    assert list(df.columns) == list(rows[0]) and len(df) == len(rows)
    assert df.to_dict("records") == rows
    empty = graph.query_df("who_helped_whom", region="没有这个地方")
    assert len(empty) == 0 and list(empty.columns)[:2] == ["helper", "helper_type"]


def test_api_query_df_without_pandas_says_what_to_install(graph: kg.Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails, as without the extra
    with pytest.raises(kg.MissingDependency, match=r"pip install 'union-kg\[pandas\]'"):
        graph.query_df("who_helped_whom")
    assert graph.query("who_helped_whom")  # dicts need no pandas


def test_api_query_errors_are_typed(graph: kg.Graph) -> None:
    with pytest.raises(kg.QueryError, match="did you mean who_helped_whom"):
        graph.query("who_helped")
    with pytest.raises(kg.QueryError, match="unknown parameter"):
        graph.query("who_helped_whom", city="临汀市")
    with pytest.raises(kg.QueryError, match="needs parameter name"):
        graph.query("helpers_of")
    with pytest.raises(kg.QueryError, match="must be an int"):
        graph.query("who_helped_whom", limit="ten")


def test_api_queries_lists_the_saved_queries(graph: kg.Graph) -> None:
    names = [q.name for q in kg.queries()]
    assert names == sorted(names) and {"who_helped_whom", "facilities_at_companies"} <= set(names)
    assert [q.name for q in graph.queries()] == names


def test_api_to_networkx_has_types_names_aliases_regions_and_evidence(graph: kg.Graph, built: Path) -> None:
    G = graph.to_networkx()
    union = G.nodes["Union:福建省临汀市总工会"]
    assert (union["type"], union["name"]) == ("Union", "福建省临汀市总工会")
    assert "临汀市总工会" in union["aliases"]
    region = G.nodes["Region:江北区"]
    assert (region["province"], region["city"], region["district"]) == ("浙江省", "宁波市", "江北区")
    u, v, key, data = next(e for e in G.edges(keys=True, data=True) if e[2] == "SUPPORTS")
    assert data["predicate"] == "SUPPORTS" and data["evidence_count"] == len(data["evidence"]) >= 1
    ev = data["evidence"][0]
    assert ev["sentence"] and ev["doc_id"] in G.graph["documents"]
    # the same graph `kg build` wrote to graph.json
    import json

    written = json.loads((built / "graph.json").read_text(encoding="utf-8"))
    assert {n["id"] for n in written["nodes"]} == set(G.nodes)
    assert len(written["links"]) == G.number_of_edges()


def test_api_open_graph_takes_the_build_folder_or_its_database(built: Path) -> None:
    with kg.open_graph(built / "graph.db") as g:
        assert g.engine == "embedded" and g.location == str(built / "graph.db")
        assert g.query("who_helped_whom") and g.to_networkx().number_of_nodes() > 50


def test_api_open_graph_errors_are_typed(tmp_path: Path) -> None:
    with pytest.raises(kg.StoreError, match="no embedded database"):
        kg.open_graph(tmp_path / "missing")
    with pytest.raises(kg.IncompatibleStore, match="rebuild with `kg build`"):
        kg.open_graph(tmp_path)  # a folder, but no database in it
    with pytest.raises(kg.ConnectionFailed, match="no Neo4j answers"):
        kg.open_graph("bolt://127.0.0.1:1", password="irrelevant")


def test_api_graph_sees_a_rebuild_of_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build_graph(kg.example_corpus() / "03_songwennuan.txt", out)
    with kg.open_graph(out) as g:
        before = g.query("who_helped_whom", limit=1000)
        kg.build_graph(kg.example_corpus(), out)  # into the folder the open graph reads
        after = g.query("who_helped_whom", limit=1000)
    assert len(after) > len(before) > 0


def test_api_extract_facts_and_curation(tmp_path: Path) -> None:
    result = kg.extract_facts([kg.example_corpus() / "01_songqingliang.txt", tmp_path / "absent.txt"])
    assert len(result.documents) == 1 and result.triples
    assert [Path(p.path).name for p in result.problems] == ["absent.txt"]  # skipped, the rest extracted
    cur = tmp_path / "curation.toml"
    cur.write_text('[[reject]]\nentity = "常州市澄湖区总工会"\nreason = "test"\n', encoding="utf-8")
    assert kg.load_curation(cur).reject[0].entity == "常州市澄湖区总工会"
    report = kg.build_graph(kg.example_corpus() / "01_songqingliang.txt", tmp_path / "out", curation=cur)
    assert report.curation is not None and report.curation.rejected_entities == 1
    with kg.open_graph(tmp_path / "out") as g:
        assert "Union:常州市澄湖区总工会" not in g.to_networkx()
    (tmp_path / "bad.toml").write_text("[[reject]\n", encoding="utf-8")
    with pytest.raises(kg.InputError, match="not valid TOML"):
        kg.load_curation(tmp_path / "bad.toml")


# --------------------------------------------------------------------------- Neo4j


@pytest.fixture(scope="module")
def neo4j_graph(neo4j_driver: Any, neo4j_settings: dict[str, str], built: Path) -> Iterator[kg.Graph]:
    """The example build loaded into a wiped Neo4j with `kg load`, opened with kg.open_graph."""
    from kg.store.neo4j_loader import wipe

    wipe(neo4j_driver)
    env = {"NEO4J_URI": neo4j_settings["uri"], "NEO4J_USER": neo4j_settings["user"],
           "NEO4J_PASSWORD": neo4j_settings["password"]}
    loaded = CliRunner().invoke(app, ["load", str(built)], env=env)
    assert loaded.exit_code == 0, loaded.output
    g = kg.open_graph(neo4j_settings["uri"], user=neo4j_settings["user"], password=neo4j_settings["password"])
    yield g
    g.close()
    wipe(neo4j_driver)


@pytest.mark.neo4j
@pytest.mark.parametrize("name", [q.name for q in kg.queries()])
def test_api_same_rows_embedded_and_neo4j(graph: kg.Graph, neo4j_graph: kg.Graph, name: str) -> None:
    from kg.bench.queries import params_from_graph

    assert neo4j_graph.engine == "neo4j"
    picked = params_from_graph(graph.graph_data()).get(name, {})  # entities and a region of the example itself
    required = {p.name for q in kg.queries() if q.name == name for p in q.params if p.required}
    for params in ([picked, {}] if not required else [picked]):
        emb, neo = graph.query_df(name, **params), neo4j_graph.query_df(name, **params)
        assert list(neo.columns) == list(emb.columns)
        assert normalise_rows(neo.to_dict("records")) == normalise_rows(emb.to_dict("records")), params
    if name not in ("union_hierarchy", "awards_by_region"):  # the example has no PART_OF; one award, no region picked
        assert len(emb) > 0, f"{name} {picked}: no rows on the example, the comparison shows nothing"


@pytest.mark.neo4j
def test_api_same_networkx_embedded_and_neo4j(graph: kg.Graph, neo4j_graph: kg.Graph) -> None:
    emb, neo = graph.to_networkx(), neo4j_graph.to_networkx()
    assert set(neo.nodes) == set(emb.nodes)
    for v, data in emb.nodes(data=True):
        other = neo.nodes[v]
        for key in ("type", "name", "province", "city", "district", "scope", "unresolved", "provenance", "degree"):
            assert other[key] == data[key], (v, key)
        assert sorted(other["aliases"]) == sorted(data["aliases"]) and sorted(other["doc_ids"]) == sorted(data["doc_ids"])
        assert other["betweenness"] == pytest.approx(data["betweenness"])
    assert set(neo.edges(keys=True)) == set(emb.edges(keys=True))
    for u, v, k, data in emb.edges(keys=True, data=True):
        other = neo.edges[u, v, k]
        for key in ("attrs", "evidence_count", "first_date", "last_date", "provenance"):
            assert other[key] == data[key], (u, v, k, key)
        assert other["confidence"] == pytest.approx(data["confidence"])
        keys = {(e["doc_id"], e["sentence"], e["start"], e["end"], e["extractor"]) for e in data["evidence"]}
        assert {(e["doc_id"], e["sentence"], e["start"], e["end"], e["extractor"]) for e in other["evidence"]} == keys
    assert set(neo.graph["documents"]) == set(emb.graph["documents"])


@pytest.mark.neo4j
def test_api_neo4j_errors_are_typed(neo4j_settings: dict[str, str], neo4j_graph: kg.Graph) -> None:
    with pytest.raises(kg.CredentialsRejected):
        kg.open_graph(neo4j_settings["uri"], user=neo4j_settings["user"], password="wrong-password")
    with pytest.raises(kg.QueryError, match="needs parameter name"):
        neo4j_graph.query("helpers_of")
    closed = kg.open_graph(neo4j_settings["uri"], user=neo4j_settings["user"], password=neo4j_settings["password"])
    closed.close()
    with pytest.raises(kg.ConnectionFailed, match="closed"):
        closed.query("who_helped_whom")


# --------------------------------------------------------------------------- README


def test_api_readme_from_python_runs_in_a_fresh_session(tmp_path: Path) -> None:
    # the README's "From Python" block, pasted as is into a new interpreter (in an empty folder)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.+?)\n```", section, flags=re.S)
    assert len(blocks) == 1 and len(blocks[0].splitlines()) <= 12
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "who_helped_whom" in run.stdout and "['临汀市总工会']" in run.stdout
    assert (tmp_path / "out" / "graph.db").is_dir()
