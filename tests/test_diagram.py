"""kg.export.diagram and ``kg diagram``: offline HTML, graphviz SVG/PNG, Mermaid, escaping, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.export.diagram
from kg.cli import app
from kg.errors import OutputError
from kg.export.diagram import render, to_dot, to_html, to_mermaid
from kg.export.vis_bundle import PYVIS_REQUIREMENT, vis_bundle
from kg.extract.assemble import assemble_dirs
from kg.models import EntityRef, EvidenceRecord, GraphData, NodeRecord, RelRecord

EVIL = '</script><script>alert("x")</script> & <!-- \u2028 __KG_DATA__'

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true",
    reason="graphviz not installed (apt-get install graphviz fonts-noto-cjk)",
)


@pytest.fixture(scope="module")
def graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


@pytest.fixture()
def evil_graph() -> GraphData:
    a = EntityRef(type="Union", name=EVIL)
    b = EntityRef(type="Program", name='"引号"行动')
    ev = EvidenceRecord(doc_id="d<1>", sentence=f"{EVIL}开展行动", start=0, end=5, extractor="t", confidence=0.5)
    return GraphData(
        nodes=(NodeRecord(type="Union", name=EVIL, doc_ids=("d<1>",)), NodeRecord(type="Program", name='"引号"行动')),
        rels=(RelRecord(subject=a, predicate="RUNS", object=b, confidence=0.5, evidence=(ev,)),),
    )


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "data element missing"
    return json.loads(m.group(1))


def test_diagram_html_is_self_contained(graph: GraphData) -> None:
    page = to_html(graph, title="测试")
    assert not re.search(r"<(?:script|img|iframe|link)[^>]*\s(?:src|href)\s*=", page, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "url(http" not in page and "@import" not in page
    assert "default-src 'none'" in page  # the browser itself refuses any fetch
    assert "vis.Network" in page and "DataSet" in page  # vis-network inlined
    assert len(page) > 500_000


def test_diagram_html_csp_runs_only_its_own_two_scripts(graph: GraphData) -> None:
    page = to_html(graph)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    allowed = set(directives["script-src"].split())
    # every script the browser runs (all but the JSON data element), by its hash; nothing else
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2 and "vis.Network" in scripts[0] + scripts[1]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'" for s in scripts}
    assert allowed == hashes
    assert "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed


def test_diagram_html_inlines_vis_network_from_the_pyvis_package(graph: GraphData) -> None:
    vis = vis_bundle()
    assert vis.source.parent.parent.name == "pyvis" and vis.source.name == f"vis-{vis.version}"
    assert tuple(int(p) for p in vis.version.split(".")) >= (9, 1, 2)
    page = to_html(graph)
    assert f"@version {vis.version}" in page  # the build's own banner, licence included
    assert ".vis-tooltip" in page.split("</style>", 1)[0]  # its stylesheet too: hover titles need it
    assert "sourceMappingURL" not in page  # not even a source map is asked for


def test_diagram_vis_bundle_takes_the_newest_build_and_makes_it_inline_safe(tmp_path: Path, monkeypatch) -> None:
    lib = tmp_path / "pyvis" / "lib"
    (tmp_path / "pyvis" / "__init__.py").parent.mkdir()
    (tmp_path / "pyvis" / "__init__.py").write_text("raise ImportError('kg must not import pyvis')\n")
    for version, js in (("9.1.2", "old()"), ("10.0.1", 'var s="</script>";'), ("9.10.0", "mid()")):
        (lib / f"vis-{version}").mkdir(parents=True)
        (lib / f"vis-{version}" / "vis-network.min.js").write_text(f"{js}\n//# sourceMappingURL=vis-network.min.js.map")
        (lib / f"vis-{version}" / "vis-network.css").write_text('.a{content:"</style>"}')
    (lib / "vis-11.0.0").mkdir()  # incomplete: no files, never chosen
    monkeypatch.syspath_prepend(str(tmp_path))
    vis_bundle.cache_clear()
    try:
        vis = vis_bundle()
    finally:
        vis_bundle.cache_clear()
    assert vis.version == "10.0.1"  # numeric order, not text order
    assert vis.js == 'var s="<\\/script>";\n'
    assert vis.css == '.a{content:"<\\/style>"}'


def test_diagram_html_without_pyvis_names_the_install(graph: GraphData, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyvis").mkdir()  # a pyvis without its lib/ folder
    (tmp_path / "pyvis" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    vis_bundle.cache_clear()
    try:
        with pytest.raises(OutputError, match=re.escape(f"pip install '{PYVIS_REQUIREMENT}'")):
            render(graph, tmp_path / "g.html")
    finally:
        vis_bundle.cache_clear()
    assert not (tmp_path / "g.html").exists()


def test_diagram_html_carries_types_predicates_and_evidence(graph: GraphData) -> None:
    data = page_data(to_html(graph))
    by_name = {n["name"]: n for n in data["nodes"]}
    assert len(by_name) == len(graph.nodes)
    assert by_name["岳阳市云溪区总工会"]["color"] == "#d62728"
    assert by_name["岳阳市云溪区总工会"]["shape"] == "hexagon"
    assert by_name["禾丰纺织集团职工之家"]["shape"] == "square"  # vis-network has no "house"
    runs = [e for e in data["edges"] if e["predicate"] == "RUNS" and e["from"] == by_name["岳阳市云溪区总工会"]["id"]]
    assert len(runs) == 1 and len(runs[0]["evidence"]) == 2
    assert {ev["title"] for ev in runs[0]["evidence"]} == {
        "云溪区总工会“匠心助企行”走进明远机械",
        "安远县总工会启动“匠心助企行”",
    }
    assert {t["type"] for t in data["legend"]} == {n.type for n in graph.nodes}


def test_diagram_html_evidence_limit_keeps_the_first_and_counts_all() -> None:
    a, b = EntityRef(type="Union", name="甲市总工会"), EntityRef(type="Program", name="乙行动")
    evidence = tuple(
        EvidenceRecord(doc_id=f"d{i}", sentence=f"甲市总工会第{i}次开展乙行动", start=0, end=9, extractor="t", confidence=0.9)
        for i in range(7)
    )
    g = GraphData(
        nodes=(NodeRecord(type="Union", name=a.name), NodeRecord(type="Program", name=b.name)),
        rels=(RelRecord(subject=a, predicate="RUNS", object=b, confidence=0.9, evidence=evidence),),
    )
    capped = page_data(to_html(g, evidence_limit=5))["edges"][0]
    assert [ev["doc_id"] for ev in capped["evidence"]] == ["d0", "d1", "d2", "d3", "d4"]
    assert capped["evidence_count"] == 7
    full = page_data(to_html(g))["edges"][0]
    assert len(full["evidence"]) == full["evidence_count"] == 7


def test_diagram_html_escapes_names_that_look_like_markup(evil_graph: GraphData) -> None:
    page = to_html(evil_graph, title=EVIL)
    # only the page's own three script elements close; the data cannot end one early
    assert page.count("</script>") == 3
    assert "<title>&lt;/script&gt;" in page
    raw = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "\u2028" not in raw and "<" not in raw  # a line separator breaks old JS parsers
    data = page_data(page)
    assert {n["name"] for n in data["nodes"]} == {EVIL, '"引号"行动'}
    assert data["edges"][0]["evidence"][0]["sentence"].startswith(EVIL)
    assert data["title"] == EVIL  # a placeholder inside the data is not substituted again


def test_diagram_mermaid_quotes_and_escapes_labels(evil_graph: GraphData, graph: GraphData) -> None:
    text = to_mermaid(evil_graph)
    assert "#quot;引号#quot;行动" in text
    assert "<" not in text.split("---", 2)[2] and "</script>" not in text
    assert '-->|"RUNS"|' in text
    full = to_mermaid(graph)
    assert full.splitlines()[3] == "flowchart LR"
    assert sum(1 for line in full.splitlines() if "-->" in line) == len(graph.rels)
    assert "classDef Union fill:#d62728" in full


def test_diagram_dot_uses_the_cjk_font_and_escapes(evil_graph: GraphData) -> None:
    dot = to_dot(evil_graph)
    assert 'fontname="Noto Sans CJK SC"' in dot
    assert '\\"引号\\"行动' in dot
    assert "shape=hexagon" in dot


@needs_dot
def test_diagram_svg_renders_chinese_labels(graph: GraphData, tmp_path: Path) -> None:
    svg = render(graph, tmp_path / "g.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "匠心助企行" in svg and "Noto Sans CJK SC" in svg


@needs_dot
def test_diagram_png_is_an_image(graph: GraphData, tmp_path: Path) -> None:
    data = render(graph, tmp_path / "g.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_diagram_missing_graphviz_names_the_install(graph: GraphData, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kg.export.diagram.shutil, "which", lambda _name: None)
    with pytest.raises(OutputError, match="apt-get install graphviz fonts-noto-cjk"):
        render(graph, tmp_path / "g.svg")
    assert list(tmp_path.iterdir()) == []


def test_diagram_unknown_suffix_is_an_error(graph: GraphData, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="use one of .html, .svg, .png, .mmd"):
        render(graph, tmp_path / "g.pdf")


# --------------------------------------------------------------------------- CLI


@pytest.fixture()
def build_dir(graph_fixture_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "out"
    shutil.copytree(graph_fixture_dir, d)
    return d


def test_diagram_cli_focus_writes_html(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "focus.html"
    result = CliRunner().invoke(app, ["diagram", "--from", str(build_dir), "--focus", "匠心助企行", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert "entities" in result.stderr
    names = {n["name"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]}
    assert names == {"匠心助企行", "岳阳市云溪区总工会", "安远县总工会"}


def test_diagram_cli_region_writes_mermaid(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.mmd"
    result = CliRunner().invoke(app, ["diagram", "--from", str(build_dir), "--region", "安远县", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "安远县总工会" in text and "岳阳市云溪区总工会" not in text


def test_diagram_cli_unknown_focus_is_one_line_exit_1(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = CliRunner().invoke(app, ["diagram", "--from", str(build_dir), "--focus", "安远总工会", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not in the graph" in lines[0] and "安远县总工会" in lines[0]
    assert not out.exists()


def test_diagram_cli_bad_suffix_is_usage_error(build_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["diagram", "--from", str(build_dir), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert ".html, .svg, .png, .mmd" in result.stderr


def test_diagram_cli_missing_build_folder_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["diagram", "--from", str(tmp_path / "nope"), "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert "kg build" in result.stderr and len(result.stderr.strip().splitlines()) == 1
