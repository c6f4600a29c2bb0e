"""Relationship diagrams: interactive offline HTML, graphviz SVG/PNG, Mermaid text.

Colours and shapes come from the ontology (``schemas/ontology.toml``). The
HTML page inlines vis-network (read from the installed ``pyvis`` package, see
:mod:`kg.export.vis_bundle`), its own script and the graph data, so it opens
without a network; its Content-Security-Policy runs only those two scripts
(by hash) and loads nothing. Every name and sentence reaches the page as JSON
text and is put into the document with ``textContent`` only.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kg.errors import OutputError
from kg.export.graph import to_networkx
from kg.export.vis_bundle import csp_hash, inline_safe, vis_bundle
from kg.models import GraphData
from kg.ontology import load_ontology
from kg.publish import atomic_write
from kg.resources import package_data

__all__ = [
    "FORMATS",
    "CJK_FONT",
    "diagram_data",
    "graphviz_available",
    "run_graphviz",
    "render",
    "to_dot",
    "to_html",
    "to_mermaid",
]

FORMATS = (".html", ".svg", ".png", ".mmd")
CJK_FONT = "Noto Sans CJK SC"
_INSTALL_HINT = "install it: apt-get install graphviz fonts-noto-cjk (or write .html / .mmd instead)"

# vis-network has no "house"; the others of the ontology exist under the same name.
_VIS_SHAPES = {"house": "square"}
# Mermaid node brackets per ontology shape.
_MERMAID_SHAPES = {
    "box": ('["', '"]'),
    "ellipse": ('(["', '"])'),
    "diamond": ('{"', '"}'),
    "hexagon": ('{{"', '"}}'),
    "house": ('[/"', '"\\]'),
    "star": ('(("', '"))'),
    "triangle": ('>"', '"]'),
}


def _text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on *hex_color*.

    >>> _text_color("#e6b800"), _text_color("#1f77b4")
    ('#000000', '#ffffff')
    """
    h = hex_color.lstrip("#")
    if len(h) != 6:
        return "#000000"
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _wrap(name: str, width: int = 10) -> str:
    """Break a long label into lines: CJK text has no spaces for the renderer to break at.

    >>> _wrap("明远机械有限公司劳模创新工作室", 8)
    '明远机械有限公司\\n劳模创新工作室'
    """
    if len(name) <= width + 2:
        return name
    return "\n".join(name[i : i + width] for i in range(0, len(name), width))


# --------------------------------------------------------------------------- shared data


#: Betweenness for the HTML panel is computed here only for graphs up to this size;
#: larger ones take it from the caller (``kg build`` passes the whole graph's).
BETWEENNESS_IN_DIAGRAM = 300


def diagram_data(
    graph: GraphData,
    *,
    title: str = "union-kg",
    betweenness: Mapping[str, float] | None = None,
    evidence_limit: int | None = None,
) -> dict[str, Any]:
    """Nodes, edges, documents and legend of *graph*, as plain JSON-ready data.

    *betweenness* maps node ids (``Type:name``) to values computed elsewhere;
    without it, small graphs get their own and large ones none. With
    *evidence_limit*, each edge carries its first that many evidence entries;
    its ``evidence_count`` is always the number of them all.
    """
    onto = load_ontology()
    G = to_networkx(graph, centrality=betweenness is None and len(graph.nodes) <= BETWEENNESS_IN_DIAGRAM,
                    evidence_limit=evidence_limit)
    if betweenness is not None:
        for v in G.nodes:
            G.nodes[v]["betweenness"] = betweenness.get(v)
    docs = G.graph["documents"]
    index = {v: i for i, v in enumerate(G.nodes)}
    nodes = []
    for v, d in G.nodes(data=True):
        t = onto.types.get(d["type"])
        color = t.color if t else "#999999"
        nodes.append(
            {
                "id": index[v],
                "key": v,
                "type": d["type"],
                "name": d["name"],
                "label": _wrap(d["name"]),
                "aliases": d["aliases"],
                "color": color,
                "font_color": _text_color(color),
                "shape": t.shape if t else "ellipse",
                "province": d["province"],
                "city": d["city"],
                "district": d["district"],
                "doc_ids": d["doc_ids"],
                "degree": d["degree"],
                "betweenness": d.get("betweenness"),
                "curated": d.get("provenance") == "curated",
            }
        )
    edges = []
    pairs: dict[frozenset[str], int] = {}
    for u, v, _k, d in G.edges(keys=True, data=True):
        pair = frozenset((u, v))
        nth = pairs[pair] = pairs.get(pair, -1) + 1
        edges.append(
            {
                "id": len(edges),
                "from": index[u],
                "to": index[v],
                "predicate": d["predicate"],
                "confidence": d["confidence"],
                "attrs": d["attrs"],
                "nth": nth,  # parallel edges get different curvature
                "curated": d.get("provenance") == "curated",  # added by curation: drawn dashed, said in the panel
                "first_date": d.get("first_date") or "",
                "last_date": d.get("last_date") or "",
                "evidence_count": d["evidence_count"],
                "evidence": [
                    {
                        "doc_id": e["doc_id"],
                        "sentence": e["sentence"],
                        "title": docs.get(e["doc_id"], {}).get("title", ""),
                        "date": docs.get(e["doc_id"], {}).get("date", ""),
                    }
                    for e in d["evidence"]
                ],
            }
        )
    used = {n["type"] for n in nodes}
    legend = [
        {"type": name, "color": t.color, "shape": t.shape, "description": t.description}
        for name, t in onto.types.items()
        if name in used
    ]
    return {"title": title, "nodes": nodes, "edges": edges, "documents": docs, "legend": legend}


# --------------------------------------------------------------------------- HTML


def _script_json(obj: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u00XX`` escapes, so no name or sentence can
    close the script element; U+2028/2029 are escaped for old JS parsers.

    >>> _script_json({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def to_html(graph: GraphData, *, title: str = "union-kg", betweenness: Mapping[str, float] | None = None,
            evidence_limit: int | None = None) -> str:
    """A self-contained interactive page: vis-network, the page's script and the data inlined, no URL loaded.

    With *evidence_limit*, a relationship's panel shows that many evidence
    sentences and says how many more there are (:func:`diagram_data`).

    >>> page = to_html(GraphData(), title="空图")
    >>> "<title>空图</title>" in page and "src=" not in page.split("<script", 1)[0]
    True
    """
    data = diagram_data(graph, title=title, betweenness=betweenness, evidence_limit=evidence_limit)
    for item in (*data["nodes"], *data["legend"]):
        item["shape"] = _VIS_SHAPES.get(item["shape"], item["shape"])
    template = package_data("templates", "diagram.html").read_text(encoding="utf-8")
    app_js = inline_safe(package_data("templates", "diagram.js").read_text(encoding="utf-8"), "script")
    vis = vis_bundle()
    values = {
        "__KG_TITLE__": html.escape(title),
        "__KG_DATA__": _script_json(data),
        "__KG_VIS_CSS__": vis.css,
        "__KG_VIS_JS__": vis.js,
        "__KG_APP_JS__": app_js,
        # the only scripts that may run; the JSON data element is never executed
        "__KG_SCRIPT_HASHES__": f"{csp_hash(vis.js)} {csp_hash(app_js)}",
    }
    # One pass, so text inside the data can never be taken for a placeholder.
    return re.sub("|".join(values), lambda m: values[m.group(0)], template)


# --------------------------------------------------------------------------- graphviz


def _dot_str(text: str) -> str:
    """A DOT double-quoted string; backslashes too, since graphviz reads ``\\N`` etc. in labels.

    >>> _dot_str('a"b\\\\c')
    '"a\\\\"b\\\\\\\\c"'
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: GraphData, *, title: str = "union-kg") -> str:
    """Graphviz DOT source of *graph*, in the CJK font so Chinese labels render."""
    data = diagram_data(graph, title=title, betweenness={})  # not drawn: skip computing it
    font = _dot_str(CJK_FONT)
    lines = [
        "digraph kg {",
        f"  graph [charset=\"UTF-8\", fontname={font}, label={_dot_str(title)}, labelloc=t, "
        "rankdir=LR, overlap=false, splines=true, bgcolor=\"white\", pad=0.3];",
        f"  node [fontname={font}, fontsize=11, style=filled, penwidth=0.8];",
        f"  edge [fontname={font}, fontsize=9, color=\"#666666\", fontcolor=\"#333333\", arrowsize=0.7];",
    ]
    for n in data["nodes"]:
        if n["shape"] == "star":
            # graphviz grows a star until the label fits inside: a small star, label beside it
            look = f"label=\"\", xlabel={_dot_str(n['label'])}, fixedsize=true, width=0.4, height=0.4"
        else:
            look = f"label={_dot_str(n['label'])}, fontcolor={_dot_str(n['font_color'])}"
        lines.append(f"  n{n['id']} [{look}, shape={n['shape']}, fillcolor={_dot_str(n['color'])}];")
    for e in data["edges"]:
        curated = ", style=dashed, color=\"#b8860b\"" if e["curated"] else ""
        lines.append(f"  n{e['from']} -> n{e['to']} [label={_dot_str(e['predicate'])}{curated}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    """True when graphviz's ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


def run_graphviz(dot_source: str, fmt: str, *, engine: str = "dot") -> bytes:
    """Render DOT source with graphviz into ``svg`` or ``png`` bytes."""
    exe = shutil.which(engine)
    if exe is None:
        raise OutputError(f"graphviz `{engine}` is not installed, needed for .{fmt} diagrams; {_INSTALL_HINT}")
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=dot_source.encode("utf-8"), capture_output=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OutputError(f"graphviz `{engine}` failed ({exc}); draw a smaller part with --focus or --region") from exc
    if done.returncode != 0:
        msg = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OutputError(f"graphviz `{engine}` failed: {msg[-1] if msg else done.returncode}")
    return done.stdout


# --------------------------------------------------------------------------- Mermaid


def _mermaid_str(text: str) -> str:
    """Mermaid label text: entity codes for the characters Mermaid or HTML would read.

    >>> _mermaid_str('A"<b>#1')
    'A#quot;#lt;b#gt;#35;1'
    """
    text = text.replace("#", "#35;")
    for ch, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("\n", " ")):
        text = text.replace(ch, code)
    return text


def to_mermaid(graph: GraphData, *, title: str = "union-kg") -> str:
    """Mermaid flowchart text of *graph* (labels quoted and escaped, classes by type)."""
    data = diagram_data(graph, title=title, betweenness={})  # not drawn: skip computing it
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---", "flowchart LR"]
    for n in data["nodes"]:
        left, right = _MERMAID_SHAPES.get(n["shape"], ('["', '"]'))
        lines.append(f"  n{n['id']}{left}{_mermaid_str(n['name'])}{right}:::{n['type']}")
    for e in data["edges"]:
        arrow = "-.->" if e["curated"] else "-->"
        lines.append(f"  n{e['from']} {arrow}|\"{_mermaid_str(e['predicate'])}\"| n{e['to']}")
    for t in data["legend"]:
        lines.append(f"  classDef {t['type']} fill:{t['color']},stroke:#333,color:{_text_color(t['color'])}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- entry point


def render(
    graph: GraphData,
    out: Path,
    *,
    title: str = "union-kg",
    betweenness: Mapping[str, float] | None = None,
    evidence_limit: int | None = None,
) -> Path:
    """Draw *graph* into *out*; the suffix (.html, .svg, .png, .mmd) picks the format.

    *evidence_limit* caps the evidence sentences per relationship in the HTML page (:func:`to_html`).

    The file is written atomically. Raises :class:`OutputError` for an unknown
    suffix, a missing graphviz (.svg/.png) or an unwritable path.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    makers: dict[str, Callable[[], bytes]] = {
        ".html": lambda: to_html(graph, title=title, betweenness=betweenness, evidence_limit=evidence_limit).encode("utf-8"),
        ".mmd": lambda: to_mermaid(graph, title=title).encode("utf-8"),
        ".svg": lambda: run_graphviz(to_dot(graph, title=title), "svg", engine=_engine(graph)),
        ".png": lambda: run_graphviz(to_dot(graph, title=title), "png", engine=_engine(graph)),
    }
    if suffix not in makers:
        raise OutputError(f"{out}: unknown diagram format {suffix or '(none)'!r}; use one of {', '.join(FORMATS)}")
    payload = makers[suffix]()  # render first: a failure leaves no file behind
    return atomic_write(out, lambda fh: fh.write(payload))


def _engine(graph: GraphData) -> str:
    # dot's ranked layout reads best for small graphs; beyond that it grows very
    # wide, and sfdp (same package) spreads the nodes out instead.
    return "dot" if len(graph.nodes) <= 80 else "sfdp"

