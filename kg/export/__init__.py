"""Exports: a :class:`~kg.models.GraphData` as files people open.

``graph`` (networkx, GraphML, node-link JSON, subgraphs), ``diagram``
(interactive HTML, graphviz SVG/PNG, Mermaid) and ``inventory`` (one row per
program and organiser, CSV/xlsx).
"""
