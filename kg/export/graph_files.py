"""``graph.graphml`` and ``graph.json`` written straight from the assembled records, one node or edge at a time.

The files are byte for byte those :func:`kg.export.graph.write_graphml` and
:func:`kg.export.graph.write_node_link` write for
``to_networkx(graph)`` (networkx's GraphML writer and ``json.dump(...,
indent=1)`` of its node-link data), without building that ``MultiDiGraph``:
it holds every evidence sentence of the corpus on its edges, several times the
size of the records themselves. Here only the records are held, plus the
numbered shape of the graph (:mod:`kg.export.centrality`); each node and edge
is turned into text as it is written.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from kg.export.centrality import GraphShape, betweenness, graph_shape
from kg.export.graph import _node_attrs, _scalar
from kg.models import EvidenceRecord, GraphData, NodeRecord, RelRecord
from kg.publish import atomic_write

__all__ = ["GraphFacts", "graph_facts", "stream_graphml", "stream_node_link"]

#: GraphML type of a Python value, as networkx's writer names it (``int`` is ``long``).
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_EVIDENCE_FIELDS = tuple(EvidenceRecord.model_fields)


class GraphFacts:
    """The :class:`GraphShape` of a graph with each node's betweenness (node-aligned list)."""

    __slots__ = ("betweenness", "shape")

    def __init__(self, shape: GraphShape, centrality: Sequence[float]):
        self.shape, self.betweenness = shape, centrality

    def centrality(self) -> dict[str, float]:
        """Betweenness by node id (``Type:name``)."""
        return dict(zip(self.shape.ids, self.betweenness))


def graph_facts(graph: GraphData) -> GraphFacts:
    """Shape and betweenness of *graph*: what the graph files and the overview need besides the records."""
    shape = graph_shape(graph)
    return GraphFacts(shape, betweenness(shape))


def _node_items(n: NodeRecord, degree: int, centrality: float) -> list[tuple[str, Any]]:
    """A node's attributes in ``to_networkx``'s order."""
    return [*_node_attrs(n).items(), ("degree", degree), ("betweenness", centrality)]


# --------------------------------------------------------------------------- GraphML


def _cdata(text: str) -> str:
    # xml.etree.ElementTree's escaping, which networkx's writer uses
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attrib(text: str) -> str:
    text = _cdata(text)
    for raw, escaped in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def _graphml_node(n: NodeRecord, degree: int, centrality: float) -> list[tuple[str, Any]]:
    return [("label", n.name)] + [(k, _scalar(v)) for k, v in _node_items(n, degree, centrality) if v is not None]


def _graphml_edge(r: RelRecord) -> list[tuple[str, Any]]:
    evidence = tuple(r.evidence)  # (read once: it may be on disk, kg.extract.assemble_evidence)
    flat: list[tuple[str, Any]] = [("label", r.predicate), ("predicate", r.predicate), ("confidence", r.confidence),
                                   ("evidence_count", len(evidence))]
    flat += [(f"attr_{a}", str(b)) for a, b in r.attrs.items()]
    flat.append(("ev_sentences", " | ".join(e.sentence for e in evidence)))
    flat.append(("ev_doc_ids", " | ".join(dict.fromkeys(e.doc_id for e in evidence))))
    flat += [(k, v) for k, v in (("first_date", r.first_date), ("last_date", r.last_date),
                                 ("provenance", r.provenance)) if v is not None]
    return flat


class _Keys:
    """GraphML ``<key>`` ids by (name, type, scope), numbered as networkx numbers them: in order of first use."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}

    def data(self, items: list[tuple[str, Any]], scope: str) -> str:
        lines = []
        for name, value in items:
            key = (name, _XML_TYPES.get(type(value), "string"), scope)
            kid = self.ids.get(key)
            if kid is None:
                kid = self.ids[key] = f"d{len(self.ids)}"
            text = str(value)
            lines.append(f'      <data key="{kid}">{_cdata(text)}</data>\n' if text else f'      <data key="{kid}" />\n')
        return "".join(lines)

    def header(self) -> str:
        # networkx inserts each new <key> at the top: the last one made comes first
        return "".join(f'  <key id="{kid}" for="{scope}" attr.name="{_attrib(name)}" attr.type="{kind}" />\n'
                       for (name, kind, scope), kid in reversed(self.ids.items()))


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def stream_graphml(graph: GraphData, path: Path, *, facts: GraphFacts | None = None) -> Path:
    """Write *graph* as GraphML (Gephi), as ``write_graphml(to_networkx(graph), path)`` does, without networkx.

    Lists become ``" | "``-joined strings; relation attrs become ``attr_<name>``;
    evidence becomes ``ev_sentences`` / ``ev_doc_ids`` (joined) next to
    ``evidence_count``. *facts* is :func:`graph_facts` of *graph* when the caller has it.
    """
    facts = facts or graph_facts(graph)
    shape = facts.shape

    def write(fh: BinaryIO) -> None:
        keys = _Keys()
        # the <key> list comes first in the file but is known only at the end: the body waits in a temporary file
        with tempfile.TemporaryFile(dir=Path(path).parent) as body_fh:
            body = _text(body_fh, errors="xmlcharrefreplace")
            for i, n in enumerate(shape.nodes):
                body.write(f'    <node id="{_attrib(shape.ids[i])}">\n'
                           f"{keys.data(_graphml_node(n, shape.degree[i], facts.betweenness[i]), 'node')}    </node>\n")
            for j, (rel, (u, v)) in enumerate(zip(shape.edges, shape.ends)):
                body.write(f'    <edge source="{_attrib(shape.ids[u])}" target="{_attrib(shape.ids[v])}" id="e{j}">\n'
                           f"{keys.data(_graphml_edge(graph.rels[rel]), 'edge')}    </edge>\n")
            body.flush()
            body.detach()
            head = _text(fh, errors="xmlcharrefreplace")
            head.write(_GRAPHML_HEAD + keys.header())
            if not shape.ids:
                head.write('  <graph edgedefault="directed" />\n</graphml>\n')
                head.flush()
                head.detach()
                return
            head.write('  <graph edgedefault="directed">\n')
            head.flush()
            body_fh.seek(0)
            shutil.copyfileobj(body_fh, fh, 1 << 20)
            head.write("  </graph>\n</graphml>\n")
            head.flush()
            head.detach()  # the caller closes fh

    return atomic_write(Path(path), write)


def _text(fh: BinaryIO, *, errors: str = "strict") -> io.TextIOWrapper:
    return io.TextIOWrapper(fh, encoding="utf-8", errors=errors, newline="\n", write_through=False)


# --------------------------------------------------------------------------- node-link JSON


_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # ensure_ascii=False's string encoder


def _float(value: float) -> str:
    text = float.__repr__(value)
    return _FLOAT_SPECIAL.get(text, text)


_FLOAT_SPECIAL = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _string, int: int.__repr__, float: _float, bool: lambda v: "true" if v else "false",
    type(None): lambda _v: "null",
}


def _json(value: Any, pad: str) -> str:
    """*value* as ``json.dumps(value, ensure_ascii=False, indent=1)`` writes it at the indent *pad*."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = pad + " "
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = (",\n" + inner).join(f"{_string(str(k))}: {_json(v, inner)}" for k, v in value.items())
        return "{\n" + inner + items + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + inner + (",\n" + inner).join([_json(v, inner) for v in value]) + "\n" + pad + "]"
    for kind, encode in ((str, _string), (bool, _SCALARS[bool]), (int, int.__repr__), (float, _float)):
        if isinstance(value, kind):  # a subclass (an enum, say), as json encodes it
            return encode(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _members(pairs: Iterator[tuple[str, str]] | list[tuple[str, str]], pad: str) -> str:
    """A JSON object at *pad* from (key, value already encoded at ``pad + ' '``) pairs."""
    inner = pad + " "
    return "{\n" + inner + (",\n" + inner).join(f"{_string(k)}: {v}" for k, v in pairs) + "\n" + pad + "}"


def _link(r: RelRecord, source: str, target: str, pad: str) -> str:
    inner = pad + " "
    evidence = [{f: getattr(e, f) for f in _EVIDENCE_FIELDS} for e in r.evidence]
    return _members([
        ("predicate", _string(r.predicate)), ("confidence", _json(r.confidence, inner)),
        ("evidence_count", str(len(r.evidence))), ("attrs", _json(dict(r.attrs), inner)),
        ("evidence", _json(evidence, inner)), ("first_date", _json(r.first_date, inner)),
        ("last_date", _json(r.last_date, inner)), ("provenance", _json(r.provenance, inner)),
        ("source", _string(source)), ("target", _string(target)), ("key", _string(r.predicate)),
    ], pad)


def _array(write: Callable[[str], None], name: str, items: Iterator[str]) -> None:
    """Write ``"name": [ ... ]`` at the top level of the document, one encoded item at a time."""
    write(f" {_string(name)}: ")
    first = True
    for item in items:
        write(("[\n  " if first else ",\n  ") + item)
        first = False
    write("[]" if first else "\n ]")


def stream_node_link(graph: GraphData, path: Path, *, facts: GraphFacts | None = None) -> Path:
    """Write *graph* as networkx node-link JSON (UTF-8, Chinese kept readable), without networkx.

    The same file as ``write_node_link(to_networkx(graph), path)``: the
    ``documents`` of the graph, every node with its attributes and ``id``,
    every edge with its evidence, ``source``, ``target`` and ``key``.
    """
    facts = facts or graph_facts(graph)
    shape = facts.shape
    documents = {d.doc_id: d for d in graph.documents}  # a repeated id: its last record, in its first place

    def write(fh: BinaryIO) -> None:
        text = _text(fh)
        put = text.write
        put('{\n "directed": true,\n "multigraph": true,\n "graph": {\n  "documents": ')
        if documents:
            put("{")
            for i, (doc_id, d) in enumerate(documents.items()):
                doc = _json({"title": d.title, "date": d.date, "source": d.source, "path": d.path}, "   ")
                put(f"{',' if i else ''}\n   {_string(doc_id)}: {doc}")
            put("\n  }")
        else:
            put("{}")
        put("\n },\n")
        _array(put, "nodes", (
            _json(dict(_node_items(n, shape.degree[i], facts.betweenness[i]) + [("id", shape.ids[i])]), "  ")
            for i, n in enumerate(shape.nodes)))
        put(",\n")
        _array(put, "links", (_link(graph.rels[rel], shape.ids[u], shape.ids[v], "  ")
                              for rel, (u, v) in zip(shape.edges, shape.ends)))
        put("\n}")
        text.flush()
        text.detach()  # the caller closes fh

    return atomic_write(Path(path), write)
