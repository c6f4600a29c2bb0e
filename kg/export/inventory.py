"""The program inventory: who runs which program where, for whom, since when.

One row per (program, organiser), from RUNS relationships and from
SUPPORTS / VISITS that name the program in ``attrs.program``; a second table
lists the programs whose organisers sit in more than one region. Read from
the assembled graph (the extraction files of a ``kg build`` folder), which
holds exactly what the embedded database holds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any
from pathlib import Path

from kg.errors import InputError, OutputError
from kg.dates import iso_date
from kg.extract.assemble import assemble_dirs
from kg.extract.regions import region_levels
from kg.models import EntityRef, GraphData, Inventory, InventoryRow, MultiRegionProgram, NodeRecord, RelRecord
from kg.ontology import load_ontology
from kg.publish import atomic_write

__all__ = [
    "COLUMNS",
    "MULTI_REGION_COLUMNS",
    "build_inventory",
    "load_build",
    "organiser_level",
    "write_inventory",
    "write_inventory_csv",
    "write_inventory_xlsx",
]

#: Field of :class:`InventoryRow` → column header (Chinese: the readers are Chinese report writers).
COLUMNS: dict[str, str] = {
    "program": "项目",
    "organiser": "组织者",
    "organiser_type": "组织者类型",
    "organiser_level": "组织者层级",
    "province": "省",
    "city": "市",
    "district": "区县",
    "beneficiaries": "受益对象",
    "amounts": "金额",
    "counts": "数量",
    "first_date": "首次报道日期",
    "last_date": "最近报道日期",
    "article_count": "报道篇数",
    "per_year": "各年报道篇数",
    "evidence": "证据句",
    "evidence_doc_id": "证据文档",
}
MULTI_REGION_COLUMNS: dict[str, str] = {
    "program": "项目",
    "region_count": "地区数",
    "regions": "地区",
    "organisers": "组织者",
    "article_count": "报道篇数",
    "first_date": "首次报道日期",
    "last_date": "最近报道日期",
}
MULTI_REGION_TITLE = "跨地区项目（在多个地区开展的项目）"
SHEETS = ("项目清单", "跨地区项目")
_JOIN = "；"

_ENTERPRISE = re.compile(r"有限公司|有限责任公司|股份|集团|公司|工厂|酒店|商场|油田|银行")
_STREET = re.compile(r"街道|乡|镇")
_COMMUNITY = re.compile(r"社区|村")
_ZONE = re.compile(r"开发区|园区|高新区|新区|经开区|保税区|工业区")


def organiser_level(node: NodeRecord, levels: tuple[str | None, str | None, str | None]) -> str:
    """The administrative level of an organiser: 全国/省/市/区县/街道/社区/园区/企业, or ``""``.

    From the name first (a union of an enterprise is 企业 wherever it is), then
    from the deepest known level of the organiser's own name, then of *levels*
    (its IN_REGION region).

    >>> organiser_level(NodeRecord(type="Union", name="中华全国总工会"), (None, None, None))
    '全国'
    >>> organiser_level(NodeRecord(type="Union", name="岳阳市云溪区总工会"), (None, None, None))
    '区县'
    >>> organiser_level(NodeRecord(type="Union", name="明远机械有限公司工会小组"), ("湖南省", None, None))
    '企业'
    >>> organiser_level(NodeRecord(type="Union", name="某某街道总工会"), (None, None, None))
    '街道'
    >>> organiser_level(NodeRecord(type="Union", name="镇江市总工会"), (None, None, None))
    '市'
    """
    name = node.name
    if name.startswith(("中华全国", "全国", "中国")):
        return "全国"
    if node.type == "Enterprise" or _ENTERPRISE.search(name):
        return "企业"
    own = region_levels(name)
    rest = name
    for part in own:  # 镇江市 is a city, not a town: test the words left after the divisions
        if part:
            rest = rest.replace(part, "")
    if _COMMUNITY.search(rest):
        return "社区"
    if _STREET.search(rest):
        return "街道"
    if _ZONE.search(rest):
        return "园区"
    province, city, district = own if any(own) else levels
    if district:
        return "区县"
    if city:
        return "市"
    if province:
        return "省"
    return ""


def _ref_key(ref: EntityRef) -> tuple[str, str]:
    return (ref.type, ref.name)


def build_inventory(graph: GraphData) -> Inventory:
    """The program inventory of *graph*.

    Beneficiaries of a (program, organiser) row are the objects of the
    organiser's SUPPORTS relationships that name the program, or that share an
    evidence sentence with the organiser's RUNS of the program. Amounts and
    counts come from those relationships' attrs. Dates and article counts come
    from the documents of all evidence involved.
    """
    onto = load_ontology()
    organiser_types = set(onto.predicates["RUNS"].domain) if "RUNS" in onto.predicates else {"Union", "Organization", "Enterprise"}
    nodes = {(n.type, n.name): n for n in graph.nodes}
    dates = {d.doc_id: d.date for d in graph.documents}

    region_of: dict[tuple[str, str], NodeRecord] = {}
    for r in graph.rels:
        if r.predicate == "IN_REGION" and r.object.type == "Region":
            region_of.setdefault(_ref_key(r.subject), nodes.get(_ref_key(r.object), NodeRecord(type="Region", name=r.object.name)))

    # (program name, organiser) → RUNS rels and program-tagged rels
    runs: dict[tuple[str, tuple[str, str]], list[RelRecord]] = {}
    tagged: dict[tuple[str, tuple[str, str]], list[RelRecord]] = {}
    for r in graph.rels:
        if r.subject.type not in organiser_types:
            continue
        if r.predicate == "RUNS" and r.object.type == "Program":
            runs.setdefault((r.object.name, _ref_key(r.subject)), []).append(r)
        elif r.predicate in ("SUPPORTS", "VISITS") and r.attrs.get("program"):
            tagged.setdefault((r.attrs["program"], _ref_key(r.subject)), []).append(r)

    supports_by_subject: dict[tuple[str, str], list[RelRecord]] = {}
    for r in graph.rels:
        if r.predicate == "SUPPORTS":
            supports_by_subject.setdefault(_ref_key(r.subject), []).append(r)

    rows: list[InventoryRow] = []
    docs_of_row: list[set[str]] = []
    for key in sorted(set(runs) | set(tagged)):
        program, organiser = key
        run_rels = runs.get(key, [])
        prog_rels = tagged.get(key, [])
        run_sentences = {(e.doc_id, e.sentence) for r in run_rels for e in r.evidence}
        beneficiary_rels = [r for r in prog_rels if r.predicate == "SUPPORTS"]
        # a graph's relationships differ by key: sets of keys, not `in` on lists of models (quadratic)
        chosen = {r.key for r in beneficiary_rels}
        for r in supports_by_subject.get(organiser, []):
            if r.key not in chosen and not r.attrs.get("program") and any(
                (e.doc_id, e.sentence) in run_sentences for e in r.evidence
            ):
                beneficiary_rels.append(r)
                chosen.add(r.key)
        tagged_keys = {r.key for r in prog_rels}
        involved = run_rels + prog_rels + [r for r in beneficiary_rels if r.key not in tagged_keys]
        evidence = sorted(
            (e for r in (run_rels or involved) for e in r.evidence),
            key=lambda e: (dates.get(e.doc_id) or "9999", e.doc_id, e.start),
        )
        # articles only: a curated fact cited by a free-text source has evidence without a document,
        # but its date (first/last_date) still counts for the row's period
        doc_ids = {e.doc_id for r in involved for e in r.evidence if e.doc_id}
        known_dates = sorted({d for d in (dates.get(i, "") for i in doc_ids) if d}
                             | {d for r in involved for d in (r.first_date, r.last_date) if d})
        node = nodes.get(organiser, NodeRecord(type=organiser[0], name=organiser[1]))
        region = region_of.get(organiser)
        levels = (region.province, region.city, region.district) if region else region_levels(node.name)
        rows.append(
            InventoryRow(
                program=program,
                organiser=node.name,
                organiser_type=node.type,
                organiser_level=organiser_level(node, levels),
                province=levels[0] or "",
                city=levels[1] or "",
                district=levels[2] or "",
                beneficiaries=_unique(r.object.name for r in beneficiary_rels),
                amounts=_unique(r.attrs["amount"] for r in involved if r.attrs.get("amount")),
                counts=_unique(r.attrs["count"] for r in involved if r.attrs.get("count")),
                first_date=known_dates[0] if known_dates else "",
                last_date=known_dates[-1] if known_dates else "",
                article_count=len(doc_ids),
                per_year=per_year(dates.get(i, "") for i in doc_ids),
                evidence=one_line(evidence[0].sentence) if evidence else "",
                evidence_doc_id=evidence[0].doc_id if evidence else "",
            )
        )
        docs_of_row.append(doc_ids)

    order = sorted(range(len(rows)), key=lambda i: (rows[i].program, rows[i].province, rows[i].city, rows[i].district, rows[i].organiser))
    rows = [rows[i] for i in order]
    docs_of_row = [docs_of_row[i] for i in order]
    return Inventory(rows=tuple(rows), multi_region=tuple(_multi_region(rows, docs_of_row)))


_CJK = r"[\u2014-\u201f\u2026\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
_BREAK = re.compile(r"[ \t]*\n\s*")


def one_line(sentence: str) -> str:
    r"""An evidence sentence on one line: newspaper hard wraps removed between CJK characters.

    >>> one_line("实施“匠心筑梦助企行”\n专项行动")
    '实施“匠心筑梦助企行”专项行动'
    >>> one_line("五一主题活动\n2025-05-07\n\n4月29日")
    '五一主题活动 2025-05-07 4月29日'
    """

    text = sentence.strip()

    def join(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        return "" if re.match(_CJK, before) and re.match(_CJK, after) else " "

    return _BREAK.sub(join, text)


def per_year(dates: Iterable[str]) -> str:
    """Articles per year, oldest first (undated articles are not counted).

    >>> per_year(["2025-01-02", "2024-12-30", "2025-07-01", ""])
    '2024: 1; 2025: 2'
    """
    years: dict[str, int] = {}
    for d in dates:
        year = iso_date(d)[:4]
        if year:
            years[year] = years.get(year, 0) + 1
    return "; ".join(f"{y}: {n}" for y, n in sorted(years.items()))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _multi_region(rows: list[InventoryRow], docs_of_row: list[set[str]]) -> list[MultiRegionProgram]:
    by_program: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_program.setdefault(row.program, []).append(i)
    out = []
    for program, idx in by_program.items():
        regions = _unique(rows[i].region for i in idx if rows[i].region)
        if len(regions) < 2:
            continue
        doc_ids = set().union(*(docs_of_row[i] for i in idx))
        known = sorted(d for i in idx for d in (rows[i].first_date, rows[i].last_date) if d)
        out.append(
            MultiRegionProgram(
                program=program,
                regions=tuple(sorted(regions)),
                organisers=_unique(rows[i].organiser for i in idx),
                article_count=len(doc_ids),
                first_date=known[0] if known else "",
                last_date=known[-1] if known else "",
            )
        )
    return out


# --------------------------------------------------------------------------- reading a build folder


def load_build(build_dir: Path) -> GraphData:
    """The graph of a ``kg build`` (or ``kg extract``) output folder."""
    build_dir = Path(build_dir)
    if (build_dir / "kg-embedded.json").is_file() and not (build_dir / "triples.jsonl").is_file():
        build_dir = build_dir.parent  # given the database folder (DIR/graph.db): its build is one up
    if not build_dir.is_dir():
        raise InputError(f"{build_dir}: no such folder; pass the --out folder of `kg build PATH --out DIR`")
    return assemble_dirs([build_dir])


# --------------------------------------------------------------------------- writers


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return _JOIN.join(value)
    return value


def _row_cells(row: InventoryRow) -> list[object]:
    return [_cell(getattr(row, f)) for f in COLUMNS]


def _multi_cells(m: MultiRegionProgram) -> list[object]:
    values = {**m.model_dump(), "region_count": len(m.regions)}
    return [_cell(tuple(values[f]) if isinstance(values[f], list | tuple) else values[f]) for f in MULTI_REGION_COLUMNS]


def inventory_csv(inv: Inventory) -> str:
    """The inventory as CSV text: the rows, a blank line, then the cross-region section."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS.values())
    for row in inv.rows:
        w.writerow(_row_cells(row))
    w.writerow([])
    w.writerow([MULTI_REGION_TITLE])
    w.writerow(MULTI_REGION_COLUMNS.values())
    for m in inv.multi_region:
        w.writerow(_multi_cells(m))
    return buf.getvalue()


def write_inventory_csv(inv: Inventory, path: Path) -> Path:
    """Write CSV in UTF-8 with a BOM, so that Excel opens the Chinese correctly."""
    text = inventory_csv(inv)
    return atomic_write(Path(path), lambda fh: fh.write(text.encode("utf-8-sig")))


def write_inventory_xlsx(inv: Inventory, path: Path) -> Path:
    """Write an Excel workbook with two sheets: 项目清单 (rows) and 跨地区项目.

    In openpyxl's write-only mode: the rows go to the file as they are added,
    instead of a cell object per value held until the end (0.15 GB at 100k articles).
    """
    from openpyxl import Workbook  # lazy: only the xlsx writer needs openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    tables = [(COLUMNS, [_row_cells(r) for r in inv.rows]),
              (MULTI_REGION_COLUMNS, [_multi_cells(m) for m in inv.multi_region])]
    for (columns, body), title in zip(tables, SHEETS):
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        header = list(columns.values())
        for i, field in enumerate(columns):  # widths go before the rows in write-only mode
            width = max([len(str(v or "")) for v in (header[i], *(cells[i] for cells in body))] + [4])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(60, 2 * width + 2)
        wrapped = [field in ("evidence", "beneficiaries", "regions", "organisers") for field in columns]
        ws.append([_styled(ws, h, font=bold) for h in header])
        for cells in body:
            ws.append([_styled(ws, v, alignment=wrap) if w else v for v, w in zip(cells, wrapped)])
    return atomic_write(Path(path), wb.save)


def _styled(ws: Any, value: object, **style: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def write_inventory(inv: Inventory, path: Path) -> Path:
    """Write *inv* as ``.csv`` or ``.xlsx``, chosen by the suffix of *path*."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_inventory_csv(inv, path)
    if suffix == ".xlsx":
        return write_inventory_xlsx(inv, path)
    raise OutputError(f"{path}: unknown inventory format {suffix or '(none)'!r}; use .csv or .xlsx")
