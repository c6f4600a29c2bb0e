"""Parity: every saved query gives the same rows on Neo4j and on the embedded database.

The same GraphData is loaded into both (Neo4j with ``kg.store.neo4j_loader.load_graph``
into a wiped database); rows are compared order-insensitively, lists inside a
row as multisets (``collect()`` has no defined order in either engine).
Three graphs: the tiny fixture, a generated graph with hubs and bodies in many
regions, and the dev corpus as the pipeline extracts it. Skipped locally when
no Neo4j answers, a failure under ``CI=true`` (the ``neo4j_driver`` fixture).
The Neo4j database is wiped before and after each graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kg.models import GraphData
from kg.store.embedded import EmbeddedDB, run_query, run_saved
from kg.store.queries import bind_params, get_query, list_queries, run_on_neo4j

from helpers_graph import dev_graph, normalise_rows

pytestmark = pytest.mark.neo4j

YX = "岳阳市云溪区总工会"
MY = "明远机械有限公司"

# (query, params): every saved query, with parameters that select rows in the fixture
CASES: list[tuple[str, dict[str, Any]]] = [
    ("who_helped_whom", {}),
    ("who_helped_whom", {"region": "岳阳市"}),
    ("who_helped_whom", {"region": "江西省"}),
    ("helpers_of", {"name": MY}),
    ("helpers_of", {"name": "明远机械"}),
    ("beneficiaries_of", {"name": YX}),
    ("program_inventory", {}),
    ("programs_across_regions", {}),
    ("facilities_at_companies", {}),
    ("people_positions", {}),
    ("union_hierarchy", {}),
    ("awards_by_region", {}),
    ("awards_by_region", {"region": "湖南省"}),
    ("neighbourhood", {"name": "李春华"}),
    ("neighbourhood", {"name": "李春华", "depth": 2}),
    ("neighbourhood", {"name": YX, "depth": 3}),
    ("evidence_for", {"subject": YX, "object": MY}),
    ("evidence_for", {"subject": MY, "object": "云溪区总工会"}),
    ("helpers_of", {"name": "') DETACH DELETE n //"}),
    ("who_helped_whom", {"limit": 1}),
    ("who_helped_whom", {"region": "岳阳市", "limit": 1}),
    ("beneficiaries_of", {"name": YX, "limit": 1}),
    ("people_positions", {"limit": 1}),
    # periods: the fixture's articles are of 2025-05-12 (fx001) and 2025-06-03 (fx002)
    ("who_helped_whom", {"since": "2025-06"}),
    ("who_helped_whom", {"until": "2025-05"}),
    ("who_helped_whom", {"region": "岳阳市", "since": "2025-05-12", "until": "2025-05-12"}),
    ("who_helped_whom", {"region": "江西省", "until": "2025-05"}),
    ("who_helped_whom", {"since": "2026"}),
    ("program_inventory", {"since": "2025-06"}),
    ("program_inventory", {"until": "2025-05-31"}),
    ("programs_across_regions", {"since": "2025"}),
    ("programs_across_regions", {"since": "2025-06"}),
    ("programs_across_regions", {"until": "2025-05"}),
    ("awards_by_region", {"until": "2025-05"}),
    ("awards_by_region", {"region": "湖南省", "since": "2025-06"}),
]

#: (query, params, expected row count on the fixture): the periods select what their articles say
PERIOD_ROWS = [
    ("who_helped_whom", {}, 3),
    ("who_helped_whom", {"since": "2025-06"}, 2),  # one of them also reported in May
    ("who_helped_whom", {"until": "2025-05"}, 2),
    ("who_helped_whom", {"since": "2025-06-04"}, 0),
    ("program_inventory", {"since": "2025-06"}, 2),
    ("program_inventory", {"until": "2025-05-31"}, 1),
    ("programs_across_regions", {"since": "2025"}, 1),
    ("programs_across_regions", {"until": "2025-05"}, 0),  # in May only one organiser's region
    ("awards_by_region", {"until": "2025-05"}, 1),
    ("awards_by_region", {"since": "2025-06"}, 0),
]


@pytest.fixture(scope="module")
def neo4j_with_fixture(neo4j_driver: Any, fixture_graph_data: GraphData) -> Iterator[Any]:
    """Neo4j holding exactly the graph fixture (wiped before and after)."""
    from kg.store.neo4j_loader import load_graph, wipe

    wipe(neo4j_driver)
    load_graph(neo4j_driver, fixture_graph_data)
    yield neo4j_driver
    wipe(neo4j_driver)


def test_parity_cases_cover_every_saved_query() -> None:
    assert {name for name, _ in CASES} == {q.name for q in list_queries()}


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_parity_saved_query_same_rows(
    neo4j_with_fixture: Any, embedded_db: EmbeddedDB, name: str, params: dict[str, Any]
) -> None:
    neo = run_on_neo4j(neo4j_with_fixture, get_query(name), params)
    emb = run_saved(embedded_db, get_query(name), params)
    assert neo.columns == emb.columns  # the same column names, in the same order, even with no rows
    assert normalise_rows([dict(r) for r in neo.rows]) == normalise_rows([dict(r) for r in emb.rows])


@pytest.mark.parametrize(("name", "params", "count"), PERIOD_ROWS)
def test_parity_period_selects_the_facts_of_its_articles(
    neo4j_with_fixture: Any, embedded_db: EmbeddedDB, name: str, params: dict[str, Any], count: int
) -> None:
    assert len(run_on_neo4j(neo4j_with_fixture, get_query(name), params).rows) == count
    assert len(run_saved(embedded_db, get_query(name), params).rows) == count


@pytest.mark.parametrize("name", ["who_helped_whom", "program_inventory", "programs_across_regions", "awards_by_region"])
def test_parity_period_month_typed_as_is_means_its_last_day(neo4j_with_fixture: Any, name: str) -> None:
    # Neo4j Browser's guide sends `until` as typed, without kg.dates.period_bound: '2025-05' still
    # takes in the facts of 2025-05-12 (a plain string comparison would end the period on May 1st)
    q = get_query(name)
    raw, _, _ = neo4j_with_fixture.execute_query(q.text_for("neo4j"), {**bind_params(q), "until": "2025-05"})
    bound = run_on_neo4j(neo4j_with_fixture, q, {"until": "2025-05"}).rows
    assert normalise_rows([dict(r) for r in raw]) == normalise_rows([dict(r) for r in bound])
    if name == "who_helped_whom":
        assert len(bound) == 2


def test_parity_fixture_queries_return_rows(neo4j_with_fixture: Any) -> None:
    # guards the parity test against comparing two empty results
    assert run_on_neo4j(neo4j_with_fixture, get_query("who_helped_whom"), {}).rows


def test_parity_cli_query_on_neo4j_matches_embedded(
    neo4j_with_fixture: Any, neo4j_settings: dict[str, str], embedded_db_dir: Any
) -> None:
    import json

    from typer.testing import CliRunner

    from kg.cli import app

    env = {"NEO4J_URI": neo4j_settings["uri"], "NEO4J_USER": neo4j_settings["user"],
           "NEO4J_PASSWORD": neo4j_settings["password"]}
    args = ["query", "facilities_at_companies", "-f", "json"]
    neo = CliRunner().invoke(app, args, env=env)
    emb = CliRunner().invoke(app, [*args, "--db", str(embedded_db_dir)])
    assert neo.exit_code == 0 and emb.exit_code == 0, neo.output + emb.output
    assert normalise_rows(json.loads(neo.stdout)) == normalise_rows(json.loads(emb.stdout))
    bad = CliRunner().invoke(app, args, env={**env, "NEO4J_PASSWORD": "wrong"})
    assert bad.exit_code == 1 and "password" in bad.stderr


def _both_stores(tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Any, graph: Any, name: str
                 ) -> Iterator[tuple[Any, EmbeddedDB, dict]]:
    """Load *graph* into a fresh embedded database and a wiped Neo4j; wipe again afterwards."""
    from kg.bench.queries import params_from_graph
    from kg.store.embedded import build_embedded, open_embedded
    from kg.store.neo4j_loader import load_graph, wipe

    db_dir = tmp_path_factory.mktemp(name) / "graph.db"
    build_embedded(graph, db_dir)
    db = open_embedded(db_dir)
    try:
        wipe(neo4j_driver)
        load_graph(neo4j_driver, graph)
        yield neo4j_driver, db, params_from_graph(graph)
    finally:
        db.close()
        wipe(neo4j_driver)


@pytest.fixture(scope="module")
def synthetic_pair(
    tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Any
) -> Iterator[tuple[Any, EmbeddedDB, dict]]:
    """A generated graph (hubs, many regions, every predicate) in both stores."""
    from kg.bench.synth import synthetic_graph

    yield from _both_stores(tmp_path_factory, neo4j_driver, synthetic_graph(3000, seed=7), "synthetic")


@pytest.mark.parametrize("name", sorted(q.name for q in list_queries()))
def test_parity_synthetic_graph_same_rows(synthetic_pair: tuple[Any, EmbeddedDB, dict], name: str) -> None:
    driver, db, params = synthetic_pair
    p = params.get(name, {})
    neo = run_on_neo4j(driver, get_query(name), p)
    emb = run_query(db, name, p)
    assert normalise_rows([dict(r) for r in neo.rows]) == normalise_rows(emb)


@pytest.mark.parametrize("name", ["who_helped_whom", "people_positions", "program_inventory", "programs_across_regions",
                                  "facilities_at_companies", "union_hierarchy", "awards_by_region"])
def test_parity_synthetic_graph_same_first_page(synthetic_pair: tuple[Any, EmbeddedDB, dict], name: str) -> None:
    # A small page only matches when both engines order the rows the same way.
    driver, db, params = synthetic_pair
    p = {**params.get(name, {}), "limit": 7}
    neo = [dict(r) for r in run_on_neo4j(driver, get_query(name), p).rows]
    emb = run_query(db, name, p)
    assert normalise_rows(neo) == normalise_rows(emb)


@pytest.fixture(scope="module")
def dev_pair(
    tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Any, dev_dir: Any
) -> Iterator[tuple[Any, EmbeddedDB, dict]]:
    """The dev corpus, extracted by the pipeline, in both stores."""
    yield from _both_stores(tmp_path_factory, neo4j_driver, dev_graph(dev_dir), "dev")


@pytest.mark.parametrize("name", sorted(q.name for q in list_queries()))
def test_parity_dev_corpus_same_rows(dev_pair: tuple[Any, EmbeddedDB, dict], name: str) -> None:
    driver, db, params = dev_pair
    p = params.get(name, {})
    neo = run_on_neo4j(driver, get_query(name), p)
    emb = run_query(db, name, p)
    assert normalise_rows([dict(r) for r in neo.rows]) == normalise_rows(emb)


@pytest.mark.parametrize("name", ["who_helped_whom", "program_inventory", "programs_across_regions",
                                  "awards_by_region"])
@pytest.mark.parametrize("period", [{"since": "2025-01", "until": "2025-06"}, {"since": "2025-07"}, {"until": "2024"}])
def test_parity_dev_corpus_period_same_rows(dev_pair: tuple[Any, EmbeddedDB, dict], name: str,
                                            period: dict[str, str]) -> None:
    driver, db, params = dev_pair
    p = {**params.get(name, {}), **period, "limit": 100_000}
    neo = run_on_neo4j(driver, get_query(name), p)
    emb = run_query(db, name, p)
    assert normalise_rows([dict(r) for r in neo.rows]) == normalise_rows(emb)
    if name != "programs_across_regions":
        everything = run_query(db, name, {**params.get(name, {}), "limit": 100_000})
        assert len(emb) <= len(everything)


def test_parity_dev_corpus_rows_the_gold_implies(dev_pair: tuple[Any, EmbeddedDB, dict], dev_dir: Any) -> None:
    # The pages are large enough to hold the rows the data implies: every SUPPORTS pair of the
    # dev gold that the pipeline extracted, and every program whose organisers sit in 2+ regions.
    import json

    driver, db, _ = dev_pair
    graph = dev_graph(dev_dir)
    extracted = {(r.subject.name, r.object.name) for r in graph.rels if r.predicate == "SUPPORTS"}
    gold = set()
    for line in (dev_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold |= {(t["s"], t["o"]) for t in json.loads(line)["triples"] if t["p"] == "SUPPORTS"}
    expected_pairs = gold & extracted
    assert expected_pairs, "the pipeline finds none of the gold's SUPPORTS facts"
    regions: dict[str, set[str]] = {}
    for r in graph.rels:
        if r.predicate == "IN_REGION" and r.object.type == "Region":
            regions.setdefault(r.subject.name, set()).add(r.object.name)
    program_regions: dict[str, set[str]] = {}
    for r in graph.rels:
        if r.predicate == "RUNS" and r.object.type == "Program":
            program_regions.setdefault(r.object.name, set()).update(regions.get(r.subject.name, ()))
    expected_programs = {p for p, rs in program_regions.items() if len(rs) > 1}
    assert expected_programs
    everything = {"limit": 100_000}
    for rows in (run_query(db, "who_helped_whom", everything),
                 [dict(r) for r in run_on_neo4j(driver, get_query("who_helped_whom"), everything).rows]):
        assert expected_pairs <= {(r["helper"], r["beneficiary"]) for r in rows}
    for rows in (run_query(db, "programs_across_regions", everything),
                 [dict(r) for r in run_on_neo4j(driver, get_query("programs_across_regions"), everything).rows]):
        assert expected_programs <= {r["program"] for r in rows}


def test_parity_derived_program_regions_idempotent_and_merged(neo4j_empty: Any, tmp_path: Any) -> None:
    # loaders/derive_program_regions.cypher: a second run writes nothing; after a
    # second graph is merged in, the derived values equal those of the embedded
    # database built from both graphs together.
    from kg.bench.synth import synthetic_graph
    from kg.store.embedded import build_embedded, open_embedded
    from kg.store.neo4j_loader import load_graph

    first, second = synthetic_graph(1500, seed=3), synthetic_graph(1500, seed=4)
    assert load_graph(neo4j_empty, first).derived_updated > 0  # the load derives them
    again = load_graph(neo4j_empty, first)
    assert again.derived_updated == 0 and not again.changed
    load_graph(neo4j_empty, second)
    assert load_graph(neo4j_empty, second).derived_updated == 0
    def unique(items: Any, key: Any) -> list[Any]:
        return list({key(x): x for x in reversed(items)}.values())

    merged = GraphData(  # what the derivation reads: nodes and relationships of both (first one per key)
        nodes=unique([*first.nodes, *second.nodes], lambda n: (n.type, n.name)),
        rels=unique([*first.rels, *second.rels],
                    lambda r: (r.subject.type, r.subject.name, r.predicate, r.object.type, r.object.name)),
    )
    build_embedded(merged, tmp_path / "graph.db")
    q = "MATCH (p:Program) RETURN p.name AS name, p.region_count AS n, p.regions AS regions, p.region_organisers AS orgs"
    with open_embedded(tmp_path / "graph.db") as db:
        emb = {r["name"]: (r["n"], sorted(r["regions"]), sorted(r["orgs"])) for r in db.execute(q).rows}
    records, _, _ = neo4j_empty.execute_query(q)
    neo = {r["name"]: (r["n"], sorted(r["regions"]), sorted(r["orgs"])) for r in records}
    assert neo == emb and any(n > 1 for n, _, _ in neo.values())


# --------------------------------------------------------------------------- identity across articles


@pytest.fixture(scope="module")
def identity_pair(
    tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Any
) -> Iterator[tuple[Any, EmbeddedDB, dict]]:
    """The invented cross-document identity test set (kg/data/identity), extracted and assembled, in both stores."""
    from kg.evaluate_identity import TEST_SET
    from kg.extract import parallel
    from kg.extract.assemble import assemble

    graph = assemble([parallel.extract([TEST_SET / "articles"])])
    yield from _both_stores(tmp_path_factory, neo4j_driver, graph, "identity")


_SCOPED = ("MATCH (n) WHERE n.scope IS NOT NULL OR n.unresolved "
           "RETURN n.type AS type, n.name AS name, n.scope AS scope, n.unresolved AS unresolved, n.aliases AS aliases")


def test_parity_identity_nodes_same_on_both_engines(identity_pair: tuple[Any, EmbeddedDB, dict]) -> None:
    driver, db, _ = identity_pair
    records, _, _ = driver.execute_query(_SCOPED)
    neo = normalise_rows([dict(r) for r in records])
    assert neo == normalise_rows([dict(r) for r in db.execute(_SCOPED).rows])
    city_unions = [json.loads(r) for r in neo if '"市总工会"' in r]
    assert len(city_unions) == 2 and all(r["unresolved"] and r["scope"] in r["name"] for r in city_unions)
    one = "MATCH (u:`Union`) WHERE u.name = $name RETURN u.doc_count AS docs"
    for rows in ([dict(r) for r in driver.execute_query(one, name="芜湖市鸠江区总工会")[0]],
                 [dict(r) for r in db.execute(one, {"name": "芜湖市鸠江区总工会"}).rows]):
        assert rows == [{"docs": 3}]  # one node for the district union written with and without its city


@pytest.mark.parametrize(("name", "params"), [
    *((q.name, None) for q in list_queries()),
    ("helpers_of", {"name": "市总工会"}),  # the bare form: every article's own node, by alias
    ("neighbourhood", {"name": "市总工会", "depth": 2}),
    ("neighbourhood", {"name": "李建国"}),
    ("people_positions", {"limit": 1000}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_parity_identity_queries_same_rows(
    identity_pair: tuple[Any, EmbeddedDB, dict], name: str, params: dict[str, Any] | None
) -> None:
    driver, db, defaults = identity_pair
    p = defaults.get(name, {}) if params is None else params
    neo = run_on_neo4j(driver, get_query(name), p)
    emb = run_query(db, name, p)
    assert normalise_rows([dict(r) for r in neo.rows]) == normalise_rows(emb)


def test_parity_identity_people_keep_their_context(identity_pair: tuple[Any, EmbeddedDB, dict]) -> None:
    driver, db, _ = identity_pair
    rows = run_query(db, "people_positions", {"limit": 1000})
    people = {r["person"] for r in rows if str(r["person"]).startswith("李建国")}
    assert len(people) == 2 and all("[" in p for p in people)  # two men of one name, each with his body
    neo = {r["person"] for r in run_on_neo4j(driver, get_query("people_positions"), {"limit": 1000}).rows}
    assert people <= neo


def test_parity_identity_reload_changes_nothing(identity_pair: tuple[Any, EmbeddedDB, dict]) -> None:
    from kg.evaluate_identity import TEST_SET
    from kg.extract import parallel
    from kg.extract.assemble import assemble
    from kg.store.neo4j_loader import load_graph

    driver, _, _ = identity_pair
    again = load_graph(driver, assemble([parallel.extract([TEST_SET / "articles"])]))  # a fresh run: same keys
    assert not again.changed and again.identity.article_scoped >= 3
