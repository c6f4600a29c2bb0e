"""kg.export.inventory and ``kg inventory``: rows, levels, regions, cross-region programs, CSV/xlsx."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export.inventory import (
    COLUMNS,
    MULTI_REGION_COLUMNS,
    MULTI_REGION_TITLE,
    SHEETS,
    build_inventory,
    organiser_level,
    write_inventory,
)
from kg.extract.assemble import assemble, assemble_dirs
from kg.models import GraphData, Inventory, NodeRecord


@pytest.fixture(scope="module")
def graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


@pytest.fixture(scope="module")
def inv(graph: GraphData) -> Inventory:
    return build_inventory(graph)


def row(inv: Inventory, organiser: str):
    (found,) = [r for r in inv.rows if r.organiser == organiser]
    return found


def test_inventory_one_row_per_program_and_organiser(inv: Inventory) -> None:
    assert [(r.program, r.organiser) for r in inv.rows] == [
        ("匠心助企行", "安远县总工会"),
        ("匠心助企行", "岳阳市云溪区总工会"),
    ]


def test_inventory_region_and_level_from_in_region(inv: Inventory) -> None:
    yunxi = row(inv, "岳阳市云溪区总工会")
    assert (yunxi.province, yunxi.city, yunxi.district) == ("湖南省", "岳阳市", "云溪区")
    assert yunxi.organiser_type == "Union" and yunxi.organiser_level == "区县"
    anyuan = row(inv, "安远县总工会")
    assert anyuan.region == "江西省/赣州市/安远县"


def test_inventory_beneficiaries_amounts_and_counts(inv: Inventory) -> None:
    anyuan = row(inv, "安远县总工会")
    assert anyuan.beneficiaries == ("困难职工",)
    assert anyuan.amounts == ("30万元",) and anyuan.counts == ("1600余人",)
    yunxi = row(inv, "岳阳市云溪区总工会")
    # 新业态从业劳动者 is supported by the same union, but not under the program
    assert yunxi.beneficiaries == ("明远机械有限公司",)


def test_inventory_dates_articles_and_evidence(inv: Inventory) -> None:
    yunxi = row(inv, "岳阳市云溪区总工会")
    assert (yunxi.first_date, yunxi.last_date, yunxi.article_count) == ("2025-05-12", "2025-06-03", 2)
    assert yunxi.evidence_doc_id == "fx001" and "开展“匠心助企行”活动" in yunxi.evidence


def test_inventory_lists_programs_run_in_more_than_one_region(inv: Inventory) -> None:
    (multi,) = inv.multi_region
    assert multi.program == "匠心助企行"
    assert multi.regions == ("江西省/赣州市/安远县", "湖南省/岳阳市/云溪区")
    assert set(multi.organisers) == {"安远县总工会", "岳阳市云溪区总工会"}
    assert multi.article_count == 2


def test_inventory_program_named_only_in_attrs_still_counts(graph: GraphData) -> None:
    # a SUPPORTS naming the program, with no RUNS line for that organiser
    rels = [r for r in graph.rels if not (r.predicate == "RUNS" and r.subject.name == "安远县总工会")]
    inv = build_inventory(graph.model_copy(update={"rels": tuple(rels)}))
    assert row(inv, "安远县总工会").beneficiaries == ("困难职工",)


def test_inventory_empty_graph_is_empty() -> None:
    assert build_inventory(assemble([])) == Inventory()


@pytest.mark.parametrize(
    ("name", "type_", "levels", "expected"),
    [
        ("中华全国总工会", "Union", (None, None, None), "全国"),
        ("吉林省总工会", "Union", (None, None, None), "省"),
        ("镇江市总工会", "Union", (None, None, None), "市"),
        ("宿迁市宿豫区总工会", "Union", (None, None, None), "区县"),
        ("顺河街道总工会", "Union", ("江苏省", "宿迁市", "宿豫区"), "街道"),
        ("宁川经济开发区总工会", "Union", (None, None, None), "园区"),
        ("远帆新材料有限公司工会", "Union", (None, None, None), "企业"),
        ("远帆新材料", "Enterprise", (None, None, None), "企业"),
        ("某某协会", "Organization", ("江苏省", "南京市", None), "市"),
        ("某某协会", "Organization", (None, None, None), ""),
    ],
)
def test_inventory_organiser_level(name: str, type_: str, levels, expected: str) -> None:
    assert organiser_level(NodeRecord(type=type_, name=name), levels) == expected


def test_inventory_csv_has_bom_and_reads_back(inv: Inventory, tmp_path: Path) -> None:
    path = write_inventory(inv, tmp_path / "inventory.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS.values())
    body = [dict(zip(rows[0], r)) for r in rows[1:3]]
    assert body[0]["项目"] == "匠心助企行" and body[0]["组织者"] == "安远县总工会"
    assert body[0]["金额"] == "30万元" and body[0]["报道篇数"] == "1"
    assert rows[3] == [] and rows[4] == [MULTI_REGION_TITLE]
    assert rows[5] == list(MULTI_REGION_COLUMNS.values())
    assert rows[6][:2] == ["匠心助企行", "2"]


def test_inventory_xlsx_has_two_sheets(inv: Inventory, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(write_inventory(inv, tmp_path / "inventory.xlsx"), read_only=True)
    assert wb.sheetnames == list(SHEETS)
    main = list(wb[SHEETS[0]].iter_rows(values_only=True))
    assert main[0] == tuple(COLUMNS.values()) and len(main) == 3
    assert main[2][1] == "岳阳市云溪区总工会" and main[2][12] == 2
    multi = list(wb[SHEETS[1]].iter_rows(values_only=True))
    assert multi[1][0] == "匠心助企行" and multi[1][1] == 2
    wb.close()


def test_inventory_xlsx_header_is_bold_and_frozen_and_long_text_wraps(inv: Inventory, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    ws = load_workbook(write_inventory(inv, tmp_path / "inventory.xlsx"))[SHEETS[0]]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    evidence = list(COLUMNS).index("evidence") + 1
    assert ws.cell(row=2, column=evidence).alignment.wrap_text and not ws.cell(row=2, column=1).alignment.wrap_text
    widest = max(len(str(ws.cell(row=r, column=evidence).value or "")) for r in range(1, ws.max_row + 1))
    assert ws.column_dimensions[get_column_letter(evidence)].width == min(60, 2 * widest + 2)


# --------------------------------------------------------------------------- CLI


@pytest.fixture()
def build_dir(graph_fixture_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "out"
    shutil.copytree(graph_fixture_dir, d)
    return d


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_inventory_cli_writes_file(build_dir: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"inv{suffix}"
    result = CliRunner().invoke(app, ["inventory", "--db", str(build_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out) and out.is_file()
    assert "2 program/organiser rows, 1 program(s) run in more than one region" in result.stderr


def test_inventory_cli_accepts_the_database_folder(build_dir: Path) -> None:
    db = build_dir / "graph.db"
    db.mkdir()
    (db / "kg-embedded.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(app, ["inventory", "--db", str(db), "--out", "-"])
    assert result.exit_code == 0, result.output
    assert "安远县总工会" in result.stdout


def test_inventory_cli_csv_to_stdout(build_dir: Path) -> None:
    result = CliRunner().invoke(app, ["inventory", "--db", str(build_dir), "--out", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("项目,组织者,")
    assert MULTI_REGION_TITLE in result.stdout


def test_inventory_cli_missing_build_is_one_line_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["inventory", "--db", str(tmp_path), "--out", str(tmp_path / "i.csv")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "kg extract" in result.stderr


def test_inventory_cli_bad_suffix_is_usage_error(build_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["inventory", "--db", str(build_dir), "--out", str(tmp_path / "i.txt")])
    assert result.exit_code == 2 and ".csv, .xlsx" in result.stderr


# --------------------------------------------------------------------------- dev corpus (needs the extractor)


@pytest.mark.slow
def test_inventory_dev_corpus_finds_program_run_in_several_regions(dev_dir: Path) -> None:
    # Which programs the dev articles run in several regions is read from the gold at run time.
    import json

    from kg.extract.pipeline import extract

    graph = assemble([extract([dev_dir / "corpus"])])
    inv = build_inventory(graph)
    multi = {m.program: m for m in inv.multi_region}
    gold_programs = set()
    for line in (dev_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold_programs |= {e["name"] for e in json.loads(line)["entities"] if e["type"] == "Program"}
    found = gold_programs & set(multi)
    assert found, f"no gold program among the cross-region programs found: {sorted(multi)}"
    for program in found:
        assert len(multi[program].regions) >= 2
        rows = [r for r in inv.rows if r.program == program]
        assert rows and all(r.article_count >= 1 and r.evidence for r in rows)
