"""The embedded database: build, version marker, every saved query on the graph fixture, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import IncompatibleStore, OutputError, QueryError, StoreError
from kg.models import Document, EntityRef, EvidenceRecord, GraphData, NodeRecord, RelRecord
from kg.store.embedded import MARKER_FILE, EmbeddedDB, build_embedded, open_embedded, read_marker, run_query
from kg.store.queries import list_queries

from helpers_graph import fixture_graph

YX = "岳阳市云溪区总工会"
AY = "安远县总工会"
MY = "明远机械有限公司"
STUDIO = "明远机械有限公司劳模创新工作室"
TWICE = "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。"


def pick(rows: list[dict], *cols: str) -> set[tuple]:
    return {tuple(tuple(r[c]) if isinstance(r[c], list) else r[c] for c in cols) for r in rows}


# --------------------------------------------------------------------------- build


def test_embedded_build_reports_counts(embedded_db_dir: Path) -> None:
    marker = read_marker(embedded_db_dir)
    g = fixture_graph()
    assert marker["relationships"] == len(g.rels) == 22
    assert marker["nodes"] == len(g.nodes) and marker["documents"] == 2
    assert marker["skipped"] == 0


def test_embedded_one_relationship_per_fact_with_all_evidence(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "evidence_for", {"subject": YX, "object": MY})
    supports = next(r for r in rows if r["predicate"] == "SUPPORTS")
    assert supports["evidence_count"] == 2
    assert sorted(supports["doc_ids"]) == ["fx001", "fx002"]
    assert supports["sentences"] == [TWICE, TWICE]
    assert len(supports["starts_at"]) == len(supports["ends_at"]) == 2
    assert pick(rows, "subject", "predicate", "object") == {(YX, "SUPPORTS", MY), (YX, "VISITS", MY)}


def test_embedded_evidence_for_either_direction(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "evidence_for", {"subject": MY, "object": "云溪区总工会"})  # reversed, by alias
    assert pick(rows, "subject", "predicate", "object") == {(YX, "SUPPORTS", MY), (YX, "VISITS", MY)}


def test_embedded_build_round_trips_awkward_text(tmp_path: Path) -> None:
    odd = ['含,逗号"引号"\n换行', "", "\\反斜杠[{}]", "x\x1fy"]
    ev = tuple(
        EvidenceRecord(doc_id="d1", sentence=s, start=i, end=i + 1, extractor="t", confidence=0.5)
        for i, s in enumerate(odd)
    )
    a, b = EntityRef(type="Union", name="甲工会"), EntityRef(type="Enterprise", name="乙公司, “有限”")
    g = GraphData(
        documents=(Document(doc_id="d1", text="", title="标题"),),
        nodes=(NodeRecord(type="Union", name=a.name, aliases=("甲",), doc_ids=("d1",)),
               NodeRecord(type="Enterprise", name=b.name)),
        rels=(RelRecord(subject=a, predicate="SUPPORTS", object=b, confidence=0.5,
                        attrs={"amount": "5万元"}, evidence=ev),),
    )
    build_embedded(g, tmp_path / "db")
    with open_embedded(tmp_path / "db") as db:
        (row,) = run_query(db, "evidence_for", {"subject": "甲", "object": b.name})
    assert row["sentences"] == ['含,逗号"引号"\n换行', "", "\\反斜杠[{}]", "x y"]
    assert row["starts_at"] == [0, 1, 2, 3] and row["evidence_count"] == 4


def test_embedded_rebuild_replaces_the_database(tmp_path: Path) -> None:
    g = fixture_graph()
    build_embedded(g, tmp_path / "db")
    small = GraphData(nodes=g.nodes[:1])
    report = build_embedded(small, tmp_path / "db")
    assert (report.nodes, report.relationships) == (1, 0)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_embedded_refuses_to_overwrite_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not a kg embedded database"):
        build_embedded(fixture_graph(), tmp_path / "db")
    assert (tmp_path / "db" / "notes.txt").read_text() == "mine"


def test_embedded_version_marker_rejects_other_versions(tmp_path: Path, embedded_db_dir: Path) -> None:
    db_dir = tmp_path / "old"
    shutil.copytree(embedded_db_dir, db_dir)
    marker = json.loads((db_dir / MARKER_FILE).read_text())
    marker["schema_version"] = 0
    (db_dir / MARKER_FILE).write_text(json.dumps(marker))
    with pytest.raises(IncompatibleStore, match="rebuild with `kg build`"):
        open_embedded(db_dir)
    (db_dir / MARKER_FILE).unlink()
    with pytest.raises(IncompatibleStore, match="rebuild with `kg build`"):
        open_embedded(db_dir)


def test_embedded_missing_database_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        open_embedded(tmp_path / "nothing")


# --------------------------------------------------------------------------- every saved query


def test_embedded_every_saved_query_runs(embedded_db: EmbeddedDB) -> None:
    # the fixture's articles are of 2025: a period of that year keeps their rows
    examples = {"name": YX, "subject": YX, "object": MY, "region": "", "depth": 2, "limit": 200,
                "since": "2025", "until": "2025"}
    for q in list_queries():
        params = {p.name: examples[p.name] for p in q.params}
        if q.name == "helpers_of":
            params["name"] = MY
        rows = run_query(embedded_db, q.name, params)
        assert rows, f"{q.name} returned no rows on the fixture"


def test_embedded_who_helped_whom(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "who_helped_whom", {})
    assert pick(rows, "helper", "beneficiary", "program") == {
        (YX, MY, "匠心助企行"), (YX, "新业态从业劳动者", None), (AY, "困难职工", "匠心助企行"),
    }
    (ay,) = [r for r in rows if r["helper"] == AY]
    assert (ay["amount"], ay["count"], ay["doc_ids"]) == ("30万元", "1600余人", ["fx002"])


@pytest.mark.parametrize(
    ("region", "helpers"),
    [("岳阳市", {YX}), ("湖南省", {YX}), ("云溪区", {YX}), ("岳阳市云溪区", {YX}),
     ("江西省", {AY}), ("赣州市", {AY}), ("北京市", set()), ("", {YX, AY})],
)
def test_embedded_who_helped_whom_by_region(embedded_db: EmbeddedDB, region: str, helpers: set) -> None:
    rows = run_query(embedded_db, "who_helped_whom", {"region": region})
    assert {r["helper"] for r in rows} == helpers


def test_embedded_helpers_and_beneficiaries(embedded_db: EmbeddedDB) -> None:
    assert pick(run_query(embedded_db, "helpers_of", {"name": "明远机械"}), "helper", "evidence_count") == {(YX, 2)}
    rows = run_query(embedded_db, "beneficiaries_of", {"name": YX})
    assert pick(rows, "beneficiary", "beneficiary_type") == {(MY, "Enterprise"), ("新业态从业劳动者", "Group")}


def test_embedded_program_inventory_and_regions(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "program_inventory", {})
    assert pick(rows, "program", "organiser", "regions", "provinces", "cities", "districts", "beneficiaries") == {
        ("匠心助企行", YX, ("岳阳市云溪区",), ("湖南省",), ("岳阳市",), ("云溪区",), (MY,)),
        ("匠心助企行", AY, ("江西省安远县",), ("江西省",), ("赣州市",), ("安远县",), ("困难职工",)),
    }
    (multi,) = run_query(embedded_db, "programs_across_regions", {})
    assert multi["program"] == "匠心助企行" and multi["region_count"] == 2
    assert sorted(multi["regions"]) == ["岳阳市云溪区", "江西省安远县"]
    assert sorted(multi["organisers"]) == sorted([YX, AY])


def test_embedded_facilities_at_companies(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "facilities_at_companies", {})
    assert pick(rows, "facility", "company", "founders", "leaders") == {
        (STUDIO, MY, (YX,), ("李春华",)),
        ("禾丰纺织集团职工之家", "禾丰纺织集团", (AY,), ()),
    }


def test_embedded_people_hierarchy_awards(embedded_db: EmbeddedDB) -> None:
    assert pick(run_query(embedded_db, "people_positions", {}), "person", "title", "body") == {
        ("王志远", "主席", YX), ("赵晓梅", "副主席", AY),
    }
    assert pick(run_query(embedded_db, "union_hierarchy", {}), "child", "parent") == {(YX, "岳阳县总工会")}
    rows = run_query(embedded_db, "awards_by_region", {})
    assert pick(rows, "region", "award", "winner") == {(None, "全省模范职工小家", "明远机械有限公司工会小组")}
    assert run_query(embedded_db, "awards_by_region", {"region": "岳阳市"}) == []


def test_embedded_neighbourhood_depths(embedded_db: EmbeddedDB) -> None:
    one = run_query(embedded_db, "neighbourhood", {"name": "李春华"})
    assert pick(one, "subject", "predicate", "object") == {("李春华", "LEADS", STUDIO)}
    two = pick(run_query(embedded_db, "neighbourhood", {"name": "李春华", "depth": 2}), "subject", "predicate", "object")
    assert two == {("李春华", "LEADS", STUDIO), (YX, "ESTABLISHES", STUDIO), (STUDIO, "LOCATED_AT", MY)}
    three = run_query(embedded_db, "neighbourhood", {"name": "李春华", "depth": 3})
    assert len(three) > len(two) and all(r["predicate"] != "MENTIONED_IN" for r in three)
    assert all(r["predicate"] for r in three)  # document links are never followed


def test_embedded_injection_is_data(embedded_db: EmbeddedDB, embedded_db_dir: Path) -> None:
    evil = "') DETACH DELETE n //"
    for name in ("helpers_of", "beneficiaries_of", "neighbourhood"):
        assert run_query(embedded_db, name, {"name": evil}) == []
    assert run_query(embedded_db, "who_helped_whom", {"region": evil}) == []
    assert len(run_query(embedded_db, "who_helped_whom", {})) == 3  # nothing was deleted


@pytest.mark.parametrize(
    ("name", "params", "order"),
    [
        ("who_helped_whom", {}, ("helper", "beneficiary")),
        ("people_positions", {}, ("person", "body")),
        ("facilities_at_companies", {}, ("facility", "company")),
        ("program_inventory", {}, ("program", "organiser")),
        ("beneficiaries_of", {"name": YX}, ("beneficiary",)),
    ],
)
def test_embedded_limit_returns_the_first_rows_in_order(
    embedded_db: EmbeddedDB, name: str, params: dict, order: tuple[str, ...]
) -> None:
    everything = run_query(embedded_db, name, params)
    assert len(everything) > 1
    keys = [tuple(r[c] for c in order) for r in everything]
    assert keys == sorted(keys)
    assert run_query(embedded_db, name, {**params, "limit": 1}) == everything[:1]


def test_embedded_who_helped_whom_region_limit_is_per_side(embedded_db: EmbeddedDB) -> None:
    rows = run_query(embedded_db, "who_helped_whom", {"region": "岳阳市", "limit": 1})
    assert [r["helper"] for r in rows] == [YX]


def test_embedded_canonical_name_wins_over_an_alias(tmp_path: Path) -> None:
    # 乙 is the canonical name of one body and an alias of another: the lookup
    # takes the canonical one (no scan of every alias on Neo4j).
    a = EntityRef(type="Union", name="甲工会")
    b = EntityRef(type="Union", name="乙")
    c = EntityRef(type="Enterprise", name="丙公司")
    ev = (EvidenceRecord(doc_id="d1", sentence="s", start=0, end=1, extractor="t", confidence=0.5),)
    g = GraphData(
        documents=(Document(doc_id="d1", text="", title="t"),),
        nodes=(NodeRecord(type="Union", name=a.name, aliases=("乙",)), NodeRecord(type="Union", name=b.name),
               NodeRecord(type="Enterprise", name=c.name)),
        rels=tuple(RelRecord(subject=s, predicate="SUPPORTS", object=c, confidence=0.5, evidence=ev) for s in (a, b)),
    )
    build_embedded(g, tmp_path / "db")
    with open_embedded(tmp_path / "db") as db:
        assert [r["helper"] for r in run_query(db, "beneficiaries_of", {"name": "乙"})] == ["乙"]
        assert [r["helper"] for r in run_query(db, "helpers_of", {"name": c.name})] == ["乙", "甲工会"]


def test_embedded_bad_parameters_raise_query_errors(embedded_db: EmbeddedDB) -> None:
    with pytest.raises(QueryError, match="needs parameter name"):
        run_query(embedded_db, "helpers_of", {})
    with pytest.raises(QueryError, match="did you mean helpers_of"):
        run_query(embedded_db, "helper_of", {"name": MY})


# --------------------------------------------------------------------------- CLI

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def test_embedded_cli_queries_lists_every_query() -> None:
    res = _invoke("queries", "--format", "json")
    assert res.exit_code == 0, res.output
    listed = {q["name"]: q for q in json.loads(res.stdout)}
    assert set(listed) == {q.name for q in list_queries()}
    assert listed["neighbourhood"]["params"][1]["name"] == "depth"
    res = _invoke("queries")
    assert res.exit_code == 0 and "who_helped_whom" in res.stdout


def test_embedded_cli_query_json_keeps_chinese(embedded_db_dir: Path) -> None:
    res = _invoke("query", "who_helped_whom", "--db", str(embedded_db_dir.parent), "-p", "region=岳阳市", "-f", "json")
    assert res.exit_code == 0, res.output
    assert "岳阳市云溪区总工会" in res.stdout  # ensure_ascii=False
    rows = json.loads(res.stdout)
    assert {r["helper"] for r in rows} == {YX}
    assert "row(s)" in res.stderr and "row(s)" not in res.stdout


def test_embedded_cli_query_csv_and_table(embedded_db_dir: Path) -> None:
    res = _invoke("query", "people_positions", "--db", str(embedded_db_dir), "--format", "csv")
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "person,title,body,body_type,evidence_count,doc_ids,evidence"
    assert any(l.startswith("王志远,主席,岳阳市云溪区总工会,Union,1,fx001,") for l in lines)
    res = _invoke("query", "union_hierarchy", "--db", str(embedded_db_dir))
    assert res.exit_code == 0 and "岳阳县总工会" in res.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "helper_of", "-p", "name=x"], 2, "did you mean helpers_of"),
        (["query", "helpers_of"], 2, "needs parameter name"),
        (["query", "neighbourhood", "-p", "name=x", "-p", "depth=deep"], 2, "must be an int"),
        (["query", "helpers_of", "-p", "name"], 2, "KEY=VALUE"),
    ],
)
def test_embedded_cli_usage_errors_exit_2(embedded_db_dir: Path, args: list[str], code: int, message: str) -> None:
    res = _invoke(*args, "--db", str(embedded_db_dir))
    assert res.exit_code == code
    assert message in res.stderr and res.stdout == ""


def test_embedded_cli_operational_errors_exit_1(tmp_path: Path) -> None:
    res = _invoke("query", "union_hierarchy", "--db", str(tmp_path / "none"))
    assert res.exit_code == 1
    assert "kg build" in res.stderr


def test_embedded_cli_bench_has_help() -> None:
    res = _invoke("bench", "queries", "--help")
    assert res.exit_code == 0 and "p50" in res.stdout
