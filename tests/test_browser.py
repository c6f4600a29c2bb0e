"""The interactive diagram in headless Chromium, with the network disabled.

The page must load from a file with no network, draw every node (the page
marks ``data-drawn`` once vis-network has painted, and lists every entity in
its side panel), open an edge's evidence in the panel, and a screenshot of it
must not be blank. Skipped when Chromium is missing locally; a failure under
CI=true, where .ci/run installs Debian's ``chromium``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers_cdp import CDPError, PipeChromium
from kg.export.diagram import render
from kg.extract.assemble import assemble_dirs
from kg.models import GraphData

pytestmark = pytest.mark.browser

WINDOW = (1280, 800)


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium not found; .ci/run must apt-get install chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return exe


def require_pillow() -> None:
    """Pillow for the screenshot checks: skipped locally without it, a failure under CI=true
    (CI installs the test extras, so a missing Pillow there is a broken install, not a reason to skip)."""
    if os.environ.get("CI") == "true":
        import PIL.Image  # noqa: F401 - raises ImportError: the test fails
        return
    pytest.importorskip("PIL.Image", reason="Pillow is a test dependency (pip install -e '.[test]')")


def test_browser_missing_pillow_fails_under_ci(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(ImportError):
        require_pillow()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_pillow()


@pytest.fixture(scope="module")
def graph(graph_fixture_dir: Path) -> GraphData:
    return assemble_dirs([graph_fixture_dir])


@pytest.fixture(scope="module")
def page(graph: GraphData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(graph, tmp_path_factory.mktemp("browser") / "diagram.html", title="浏览器测试")


def _no_network_prefix() -> list[str]:
    """Run in a fresh network namespace (no interfaces at all) when the kernel lets us."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        ok = subprocess.run([unshare, "--net", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return [unshare, "--net"] if ok else []


def _flags(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-quic",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        # belt and braces with the namespace: every host resolves to nothing, every proxy is closed
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=socks5://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--hide-scrollbars",
    ]


@contextmanager
def drawn_page(exe: str, profile: Path, url: str) -> Iterator[PipeChromium]:
    """Chromium showing *url*, once vis-network has drawn it (the page sets ``data-drawn``).

    The browser is driven over a pipe, so it runs in a network namespace of its own, and the
    test waits for the page instead of snapshotting it at a guessed moment.
    """
    browser = PipeChromium(_no_network_prefix(), exe, _flags(profile), url, window=WINDOW)
    try:
        try:
            browser.wait_for("document.body && document.body.getAttribute('data-drawn') === 'true'",
                             timeout=90, what="vis-network to draw the graph")
        except CDPError as exc:
            pytest.fail(f"{exc}; the page at {url} never drew")
        yield browser
    finally:
        browser.close()


def dump_dom(exe: str, profile: Path, url: str) -> str:
    """The page's DOM once vis-network has drawn it."""
    with drawn_page(exe, profile, url) as browser:
        return browser.js("document.documentElement.outerHTML")


def test_browser_page_draws_every_node_offline(chromium: str, page: Path, graph: GraphData, tmp_path: Path) -> None:
    dom = dump_dom(chromium, tmp_path / "profile", page.as_uri())
    assert 'data-drawn="true"' in dom, "vis-network never drew the graph"
    listed = {html.unescape(k) for k in re.findall(r'data-node="([^"]+)"', dom)}
    assert listed == {f"{n.type}:{n.name}" for n in graph.nodes}
    assert "19 个实体 entities · 22 条关系 relationships" in dom
    assert "<canvas" in dom


def test_browser_edge_shows_evidence_in_the_panel(chromium: str, page: Path, graph: GraphData, tmp_path: Path) -> None:
    from kg.export.diagram import diagram_data

    data = diagram_data(graph)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    runs = next(e for e in data["edges"] if e["predicate"] == "RUNS" and len(e["evidence"]) == 2)
    # #edge=N selects the edge exactly as a click does
    dom = dump_dom(chromium, tmp_path / "profile", f"{page.as_uri()}#edge={runs['id']}")
    panel = dom[dom.index('id="details"') : dom.index("图例 Legend")]
    assert f'data-selected="edge:{runs["id"]}"' in panel
    assert names[runs["from"]] in panel and "RUNS" in panel
    for ev in runs["evidence"]:
        assert html.escape(ev["sentence"], quote=False) in panel
        assert ev["doc_id"] in panel
    assert "安远县总工会启动“匠心助企行”" in panel  # the document title


def test_browser_edge_says_how_much_evidence_the_page_left_out(chromium: str, graph: GraphData, tmp_path: Path) -> None:
    from kg.export.diagram import diagram_data

    capped = render(graph, tmp_path / "capped.html", title="测试", evidence_limit=1)
    runs = next(e for e in diagram_data(graph)["edges"] if e["predicate"] == "RUNS" and len(e["evidence"]) == 2)
    dom = dump_dom(chromium, tmp_path / "profile", f"{capped.as_uri()}#edge={runs['id']}")
    panel = dom[dom.index('id="details"') : dom.index("图例 Legend")]
    first, second = (f'<div class="source">{ev["doc_id"]} · ' for ev in runs["evidence"])
    assert first in panel and second not in panel
    assert "另有 1 条证据 · 1 more evidence" in panel
    assert "<dt>evidence</dt><dd>2</dd>" in panel  # the count is of all of them


def test_browser_node_shows_details_in_the_panel(chromium: str, page: Path, tmp_path: Path) -> None:
    from urllib.parse import quote

    dom = dump_dom(chromium, tmp_path / "profile", f"{page.as_uri()}#node={quote('Union:安远县总工会')}")
    panel = dom[dom.index('id="details"') : dom.index("图例 Legend")]
    assert 'data-selected="node:Union:安远县总工会"' in panel
    assert "江西省 / 赣州市 / 安远县" not in panel  # a union has no admin levels of its own
    assert "安远县总工会 —RUNS→ 匠心助企行" in panel
    assert "fx002 · 安远县总工会启动“匠心助企行” · 2025-06-03" in panel


def _measure(shot: Path) -> dict[str, float]:
    """Pixel statistics of the graph area (left of the side panel) of a screenshot."""
    from PIL import Image, ImageStat

    img = Image.open(shot).convert("RGB")
    graph_area = img.crop((0, 0, WINDOW[0] - 380, WINDOW[1]))
    colours = graph_area.getcolors(maxcolors=1 << 20) or []

    def painted(rgb: tuple[int, int, int]) -> int:
        return sum(n for n, c in colours if all(abs(a - b) <= 12 for a, b in zip(c, rgb)))

    return {
        "width": img.size[0],
        "height": img.size[1],
        "variance": ImageStat.Stat(graph_area.convert("L")).var[0],
        "union_red": painted((0xD6, 0x27, 0x28)),
        "program_orange": painted((0xFF, 0x7F, 0x0E)),
    }


def _looks_drawn(m: dict[str, float]) -> bool:
    return m["variance"] > 50 and m["union_red"] > 200 and m["program_orange"] > 100


def test_browser_screenshot_is_not_blank(chromium: str, page: Path, tmp_path: Path) -> None:
    require_pillow()
    shot = tmp_path / "diagram.png"
    with drawn_page(chromium, tmp_path / "profile", page.as_uri()) as browser:
        # wait until the canvas shows the ontology's colours (drawing may take a few frames after data-drawn)
        deadline = time.monotonic() + 30
        while True:
            browser.screenshot(shot)
            m = _measure(shot)
            if _looks_drawn(m) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert shot.stat().st_size > 10_000
    assert (m["width"], m["height"]) == WINDOW
    # not blank, and the ontology's node colours are painted: Union red and Program orange
    assert m["variance"] > 50, f"graph area looks blank: {m}; screenshot at {shot}"
    assert m["union_red"] > 200, f"no Union (red) node painted: {m}; screenshot at {shot}"
    assert m["program_orange"] > 100, f"no Program (orange) node painted: {m}; screenshot at {shot}"


def test_browser_markup_in_names_stays_text(chromium: str, tmp_path: Path) -> None:
    from kg.models import EntityRef, EvidenceRecord, NodeRecord, RelRecord

    evil = '</script><img id="pwned" src=x onerror="document.body.dataset.pwned=1">'
    a, b = EntityRef(type="Union", name=evil), EntityRef(type="Program", name="正常行动")
    ev = EvidenceRecord(doc_id="d1", sentence=evil + "开展正常行动", start=0, end=9, extractor="t", confidence=0.9)
    graph = GraphData(
        nodes=(NodeRecord(type="Union", name=evil, doc_ids=("d1",)), NodeRecord(type="Program", name="正常行动")),
        rels=(RelRecord(subject=a, predicate="RUNS", object=b, confidence=0.9, evidence=(ev,)),),
    )
    page = render(graph, tmp_path / "evil.html", title=evil)
    dom = dump_dom(chromium, tmp_path / "profile", f"{page.as_uri()}#edge=0")
    assert 'data-drawn="true"' in dom
    assert '<img id="pwned"' not in dom and "data-pwned" not in dom
    assert html.escape(evil + "开展正常行动", quote=False) in dom  # shown as text in the evidence panel
