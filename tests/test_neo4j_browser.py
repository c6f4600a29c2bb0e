"""Neo4j Browser on the test server, in a real headless Chromium.

`kg neo4j start` serves Neo4j Browser on its HTTP port with the saved-query
guide (kg.store.browser_guide). This test asks the server (over Bolt) where
Browser is, logs in through Browser's own form, lets the guide open itself
after login, runs one saved query from the guide (its parameters block, then
its query block) and checks the result table's rows, then that a screenshot
of it is not blank. Needs the server of NEO4J_URI started by `kg neo4j start`
(its HTTP port on) and Chromium; a failure under CI=true.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from helpers_cdp import Chromium
from kg.extract.assemble import assemble_dirs
from kg.store.browser_guide import GUIDE_PATH, browser_url_of, guide_html
from kg.store.neo4j_loader import load_graph
from kg.store.queries import load_queries, run_on_neo4j
from test_browser import chromium, require_pillow  # noqa: F401 - the chromium fixture

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

QUERY = "who_helped_whom"


def test_neo4j_browser_guide_lists_every_saved_query_escaped() -> None:
    html = guide_html(load_queries().values())
    for name in load_queries():
        assert f'data-query="{name}"' in html
    assert "&lt;script&gt;" in guide_html([q.model_copy(update={"description": "<script>x</script>"})
                                            for q in load_queries().values()][:1])
    assert ":param limit =&gt; 200;" in html  # ints stay ints (`:params {...}` sends floats)


@pytest.fixture(scope="module")
def browser_url(neo4j_driver) -> str:
    url = browser_url_of(neo4j_driver)
    if not url:
        pytest.fail("the test server serves no Neo4j Browser: start it with `kg neo4j start` (HTTP port on)")
    return url


def test_neo4j_browser_is_served_with_the_guide(browser_url: str) -> None:
    with urllib.request.urlopen(browser_url, timeout=10) as resp:
        assert resp.status == 200 and "Neo4j Browser" in resp.read().decode("utf-8", "replace")
    root = browser_url.removesuffix("/browser/")
    with urllib.request.urlopen(root + GUIDE_PATH, timeout=10) as resp:
        assert f'data-query="{QUERY}"' in resp.read().decode("utf-8")
    with urllib.request.urlopen(root + "/", timeout=10) as resp:
        discovery = json.load(resp)
    bolt = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687").rsplit(":", 1)[1]
    assert discovery["bolt_direct"].endswith(f":{bolt}")  # Browser is told the real Bolt port


def test_neo4j_browser_logs_in_and_runs_a_saved_query_from_the_guide(
    browser_url: str, neo4j_empty, neo4j_settings: dict[str, str], graph_fixture_dir: Path,
    chromium: str, tmp_path: Path,  # noqa: F811 - the fixture imported above
) -> None:
    require_pillow()
    from PIL import Image, ImageStat

    load_graph(neo4j_empty, assemble_dirs([graph_fixture_dir]))
    expected = run_on_neo4j(neo4j_empty, load_queries()[QUERY]).rows  # the defaults the guide pre-fills
    assert len(expected) >= 2
    (tmp_path / "profile").mkdir()
    browser = Chromium(chromium, tmp_path / "profile")
    try:
        browser.goto(browser_url)
        browser.wait_for("!!document.querySelector('[data-testid=username]')", what="Browser's login form")
        assert browser.js("document.querySelector('[data-testid=boltaddress]').value").endswith(
            ":" + neo4j_settings["uri"].rsplit(":", 1)[1])
        browser.js("document.querySelector('[data-testid=username]').focus()")
        browser.type_text(neo4j_settings["user"])
        browser.js("document.querySelector('[data-testid=password]').focus()")
        browser.type_text(neo4j_settings["password"])
        browser.js("document.querySelector('[data-testid=connect]').click()")
        # the server's browser.post_connect_cmd opens the guide after login
        browser.wait_for("document.body.innerText.includes('union-kg saved queries')", what="the guide")
        for _ in range(len(load_queries()) + 1):
            if browser.js("Array.from(document.querySelectorAll('[data-testid=carousel] h3'))"
                          f".some(h => h.innerText.trim() === '{QUERY}')"):
                break
            browser.js("document.querySelector('[data-testid=nextSlide]').click()")
        for role, word in (("params", ":param"), ("query", "MATCH")):
            browser.js(f"document.querySelector('pre[data-role={role}]').click()")
            browser.wait_for(f"document.querySelector('[data-testid=activeEditor]').innerText.includes('{word}')",
                             what=f"the {role} block in the editor")
            browser.js("document.querySelector('[data-testid=editor-Run]').click()")
            if role == "params":  # the server evaluates each :param; the query must wait for all of them
                n = len(load_queries()[QUERY].params)
                browser.wait_for("document.querySelectorAll('[data-testid=multi-statement-list-icon]"
                                 f"[title=\"Status: success\"]').length >= {n}", what="the parameters set")
        rows = browser.wait_for(
            "(() => { const t = document.querySelector('[data-testid=frame] table.relatable__table');"
            " return t && Array.from(t.querySelectorAll('tbody tr')).map(r => r.innerText); })()",
            what="the result table", timeout=90,
        )
        # Browser smooth-scrolls its stream to a new frame: put the table in view at once and wait for
        # it to be laid out, so that the screenshot shows it (else it can catch the frame off screen)
        box = browser.wait_for(
            "new Promise(ok => { const t = document.querySelector('[data-testid=frame] table.relatable__table');"
            " const f = t.closest('[data-testid=frame]'); f.scrollIntoView({block: 'start', behavior: 'instant'});"
            " requestAnimationFrame(() => requestAnimationFrame(() => {"
            " const r = t.getBoundingClientRect(), q = f.getBoundingClientRect();"
            " const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, q.bottom, innerHeight);"
            " ok(q.top >= 0 && bottom - top > 100"
            " ? [innerWidth, Math.max(r.left, 0), top, Math.min(r.right, innerWidth), bottom] : null); })); })",
            what="the result table in view", timeout=30,
        )
        shot = browser.screenshot(tmp_path / "browser.png")
    finally:
        browser.close()
    assert len(rows) == len(expected)
    for record in expected:
        assert any(record["helper"] in r and record["beneficiary"] in r for r in rows), record["helper"]
    with Image.open(shot) as im:
        scale = im.width / box[0]
        table = im.crop(tuple(round(v * scale) for v in box[1:])).convert("L")
        lines = text_lines(table)
        stddev = ImageStat.Stat(table).stddev[0]
        measured = (f"{len(rows)} rows, screenshot {im.width}x{im.height}, table area {table.width}x{table.height}: "
                    f"{lines} lines of text, luminance stddev {stddev:.1f}")
    print(f"Neo4j Browser: {measured}")  # shown with `pytest -rP`: the numbers for a closing note
    # the header and every row are painted (the fixture's rows fit in view), not a blank or half-drawn frame
    assert lines >= len(rows) + 1 and stddev > 5, f"the result table is not on the screenshot: {measured}; see {shot}"


def text_lines(gray: Any, dark: int = 128) -> int:
    """Lines of text in a greyscale image: horizontal bands that hold dark pixels."""
    px = gray.load()
    lines, inside = 0, False
    for y in range(gray.height):
        inky = any(px[x, y] < dark for x in range(gray.width))
        lines += inky and not inside
        inside = inky
    return lines
