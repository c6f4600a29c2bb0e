"""Neo4j Browser for ``kg neo4j start``: the saved queries as a Browser guide, served by Neo4j itself.

Neo4j's HTTP connector serves Neo4j Browser from a zip in its web folder
(``internal.dbms.web_dir_path``; the zip is unpacked and its first entry,
``browser/``, is mounted at ``/browser``). :func:`write_browser_zip` copies
the Browser of the ``org.neo4j.client:neo4j-browser`` jar into that zip and
adds ``browser/unionkg/guide.html``: one slide per saved query of
``queries/``, with its description, a runnable ``:params`` block filled with
the header's examples and defaults, and the query text (the Neo4j variant).
Browser opens it after login (``browser.post_connect_cmd``) and on
``:play http://127.0.0.1:<http port>/browser/unionkg/guide.html``.

Everything written into the guide is HTML-escaped: names and descriptions are
data, never markup.
"""

from __future__ import annotations

import hashlib
import html
import zipfile
from collections.abc import Iterable
from pathlib import Path

from kg.errors import StoreError
from kg.models import QueryParam, SavedQuery
from kg.publish import atomic_write
from kg.store.loader_cypher import render

__all__ = ["GUIDE_PATH", "browser_jar", "browser_url_of", "guide_html", "guide_url", "params_command", "write_browser_zip"]

#: Where the guide is served, below the HTTP root.
GUIDE_PATH = "/browser/unionkg/guide.html"
ZIP_NAME = "neo4j-browser.zip"  # the name Neo4j's web folder expects (neo4j-browser[-version].zip)
_PREFIX = "browser/"


def guide_url(host: str, http_port: int) -> str:
    """The guide's URL on the server (for ``:play``).

    >>> guide_url("127.0.0.1", 7474)
    'http://127.0.0.1:7474/browser/unionkg/guide.html'
    """
    return f"http://{host}:{http_port}{GUIDE_PATH}"


def browser_jar(classpath: str, sep: str = ":") -> Path:
    """The Neo4j Browser jar on a resolved classpath (raises :class:`StoreError` if it is not there)."""
    for entry in classpath.split(sep):
        if Path(entry).name.startswith("neo4j-browser-") and entry.endswith(".jar"):
            return Path(entry)
    raise StoreError(
        "Neo4j Browser (org.neo4j.client:neo4j-browser) is not on the resolved classpath; "
        "delete the classpath-*.txt cache in the --home folder and run `kg neo4j start` again"
    )


def _param_value(p: QueryParam) -> str | int | float | bool:
    if p.example:
        if p.type == "int":
            try:
                return int(p.example)
            except ValueError:
                pass
        elif p.type == "float":
            try:
                return float(p.example)
            except ValueError:
                pass
        else:
            return p.example
    if p.default is not None:
        return p.default
    return {"string": "", "int": 0, "float": 0.0, "bool": False}.get(p.type, "")


def _cypher_literal(value: object) -> str:
    """A Cypher literal for a parameter value (strings single-quoted and escaped).

    >>> _cypher_literal("it's")
    "'it\\\\'s'"
    >>> _cypher_literal(200), _cypher_literal(True)
    ('200', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def params_command(q: SavedQuery, *, examples: bool = False) -> str:
    """Browser commands that set every parameter of *q*, one ``:param`` line each.

    ``:param name => value`` has the server evaluate the value, so an int stays
    an int (``:params {...}`` would send every number as a float). Optional
    parameters get their defaults unless *examples* is true.
    """
    lines = []
    for p in q.params:
        value = _param_value(p) if (examples or p.required) else (p.default if p.default is not None else "")
        lines.append(f":param {p.name} => {_cypher_literal(value)};")
    return "\n".join(lines)


def _slide(q: SavedQuery) -> str:
    e = html.escape
    rows = "".join(
        f"<li><code>${e(p.name)}</code> ({e(p.type)}{'' if p.required else ', optional'}): {e(p.description)}"
        + (f" <em>e.g. {e(p.example)}</em>" if p.example else "")
        + "</li>"
        for p in q.params
    )
    cypher = "\n".join(line for line in q.text_for("neo4j").splitlines() if not line.lstrip().startswith("//"))
    return (
        f'<slide class="row-fluid" data-query="{e(q.name)}">\n'
        f'  <div class="col-sm-12">\n'
        f"    <h3>{e(q.name)}</h3>\n"
        f"    <p class=\"lead\">{e(q.description)}</p>\n"
        + (f"    <ul>{rows}</ul>\n" if rows else "")
        + (("    <p>1. Click to put the parameters in the editor, change them if you like, and run:</p>\n"
            f'    <pre class="pre-scrollable code runnable" data-role="params">{e(params_command(q))}</pre>\n'
            "    <p>2. Click the query and run it:</p>\n") if q.params else "    <p>Click the query and run it:</p>\n")
        + f'    <pre class="pre-scrollable code runnable" data-role="query">{e(cypher.strip())}</pre>\n'
        "  </div>\n"
        "</slide>\n"
    )


def guide_html(queries: Iterable[SavedQuery], *, title: str = "union-kg saved queries") -> str:
    """A Neo4j Browser guide: an index slide, then one slide per saved query."""
    queries = list(queries)
    e = html.escape
    index = "".join(f"<li><code>{e(q.name)}</code>: {e(q.description)}</li>" for q in queries)
    intro = (
        '<slide class="row-fluid" data-query="">\n'
        '  <div class="col-sm-12">\n'
        f"    <h3>{e(title)}</h3>\n"
        "    <p class=\"lead\">Each following slide is one saved query of <code>kg queries</code>: click its "
        "parameters and run them, then click its query and run it.</p>\n"
        f"    <ol>{index}</ol>\n"
        "  </div>\n"
        "</slide>\n"
    )
    return (
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        + intro
        + "".join(_slide(q) for q in queries)
        + "</carousel>\n</article>\n"
    )


def write_browser_zip(jar: Path, web_dir: Path, guide: str) -> Path:
    """Write ``web_dir/neo4j-browser.zip``: the Browser of *jar* plus the guide.

    Rewritten only when the jar or the guide changed (a digest is kept beside it).
    """
    web_dir.mkdir(parents=True, exist_ok=True)
    target = web_dir / ZIP_NAME
    stamp = web_dir / (ZIP_NAME + ".sha1")
    digest = hashlib.sha1(f"{jar.resolve()}:{jar.stat().st_size}:{jar.stat().st_mtime_ns}\n{guide}".encode()).hexdigest()
    if target.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest:
        return target
    tmp = web_dir / f".{ZIP_NAME}.tmp"
    try:
        with zipfile.ZipFile(jar) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            # Neo4j mounts the folder of the zip's first entry: it must be "browser/"
            out.writestr(_PREFIX, b"")
            for info in src.infolist():
                if info.filename.startswith(_PREFIX) and info.filename != _PREFIX:
                    out.writestr(info, src.read(info))
            out.writestr(_PREFIX + "unionkg/", b"")
            out.writestr(_PREFIX + "unionkg/guide.html", guide.encode("utf-8"))
    except (OSError, zipfile.BadZipFile) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot build Neo4j Browser's zip from {jar} ({exc}); "
                         "delete ~/.m2/repository/org/neo4j/client and run `kg neo4j start` again") from exc
    tmp.replace(target)
    atomic_write(stamp, lambda fh: fh.write(digest.encode("ascii") + b"\n"))
    return target


def browser_url_of(driver: object) -> str:
    """Neo4j Browser's URL on the server behind *driver* (``""`` when its HTTP connector is off)."""
    records, _, _ = driver.execute_query(  # type: ignore[attr-defined]
        render("http_address"), names=["server.http.enabled", "server.http.listen_address"])
    settings = {r["name"]: r["value"] for r in records}
    if str(settings.get("server.http.enabled", "")).lower() != "true":
        return ""
    address = settings.get("server.http.listen_address", "")
    host, _, port = address.rpartition(":")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}/browser/"
