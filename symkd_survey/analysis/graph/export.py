"""The graph as GraphML, GEXF (scalar attributes, for Gephi) and node-link JSON (for networkx and d3)."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from symkd_survey.analysis.graph import EXPORT_FORMATS
from symkd_survey.core.names import Name

LIST_SEPARATOR = ";"
"""How list attributes (taxonomy values) are joined in GraphML and GEXF, whose attributes are scalars."""


# --------------------------------------------------------------------------- export


def _scalar_attributes(graph: nx.DiGraph, key: str) -> dict[str, Any]:
    """Node attributes as scalars for GraphML/GEXF: lists joined by ``;``, no None."""
    data = graph.nodes[key]
    family = Name.parse(data["first_author"]).family
    attributes: dict[str, Any] = {"label": f"{family} {data['year']}", "title": data["title"],
                                  "year": data["year"], "first_author": data["first_author"],
                                  "source": data["source"]}
    for facet in graph.graph.get("facets", ()):
        attributes[facet] = LIST_SEPARATOR.join(data[facet])
    attributes["cited_by"] = graph.in_degree(key)
    return attributes


def _scalar_graph(graph: nx.DiGraph) -> nx.DiGraph:
    flat = nx.DiGraph()
    for key in graph:
        flat.add_node(key, **_scalar_attributes(graph, key))
    flat.add_edges_from(graph.edges)
    return flat


def node_link_data(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as node-link JSON: ``nodes`` (id, title, year, a list of ids per taxonomy facet,
    in_degree) and ``links`` (source cites target). Nodes are named ``id``, as networkx's and d3's
    readers expect by default: ``networkx.node_link_graph(data, edges="links")`` reads it back."""
    facets = graph.graph.get("facets", ())
    nodes = [{"id": key, "title": data["title"], "year": data["year"],
              **{facet: list(data[facet]) for facet in facets}, "in_degree": graph.in_degree(key)}
             for key, data in graph.nodes(data=True)]
    links = [{"source": citing, "target": cited} for citing, cited in graph.edges]
    return {"directed": True, "multigraph": False, "graph": {"facets": list(facets)}, "nodes": nodes, "links": links}


def export_graph(graph: nx.DiGraph, fmt: str) -> str:
    """The graph as GraphML, GEXF (both with taxonomy values as ``;``-joined attributes and a
    ``label`` for Gephi) or node-link JSON."""
    if fmt == "json":
        return json.dumps(node_link_data(graph), indent=1, ensure_ascii=False) + "\n"
    flat = _scalar_graph(graph)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(flat, prettyprint=True)) + "\n"
    if fmt == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(flat, buffer, prettyprint=True)
        return buffer.getvalue().decode("utf-8")
    raise ValueError(f"unknown graph export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
