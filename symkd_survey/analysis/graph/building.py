"""The citation graph of the catalogue: a networkx DiGraph whose edge ``a -> b`` means ``a`` cites ``b``.

Only citations of known keys become edges: networkx would silently create a node for an
unknown key, and the validator reports those (with self-citations, repeated and later
citations) in :mod:`symkd_survey.checking.checks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from symkd_survey.core.catalogue import Catalogue, LoadedEntry
from symkd_survey.core.identity import entry_references, normalize_reference
from symkd_survey.core.ids import unknown_key
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.taxonomy import Taxonomy

# --------------------------------------------------------------------------- building


def _node_attributes(item: LoadedEntry, taxonomy: Taxonomy | None, facets: Iterable[str]) -> dict[str, Any]:
    entry = item.entry
    attributes: dict[str, Any] = {
        "title": entry.title,
        "year": entry.year,
        "first_author": entry.authors[0],
        "source": entry.source,
    }
    for facet in facets:
        labels = entry.labels(facet)
        values = taxonomy.canonical(facet, labels) if taxonomy is not None else list(dict.fromkeys(labels))
        attributes[facet] = tuple(values)
    attributes["identities"] = tuple(entry_references(entry))
    references = (normalize_reference(ref) for ref in entry.references)
    attributes["references"] = tuple(dict.fromkeys(ref for ref in references if ref is not None))
    return attributes


def build_graph(catalogue: Catalogue, taxonomy: Taxonomy | None = None) -> nx.DiGraph:
    """The citation graph: one node per entry, one edge per citation of a known key.

    Node attributes: ``title``, ``year``, ``first_author`` (as written, "Family, Given"),
    ``source``, one tuple of taxonomy ids per facet (resolved to canonical ids when a taxonomy
    is given: an alias counts as its node, unknown labels are dropped), ``identities`` (the
    entry's own ``arxiv:``/``doi:`` references, :func:`symkd_survey.core.identity.entry_references`)
    and ``references`` (its works outside the catalogue, normalised by
    :func:`symkd_survey.core.identity.normalize_reference`). Self-citations and citations of
    unknown keys are left out. The graph attribute ``facets`` names the facets, in the
    taxonomy's order (without a taxonomy, in the order the entries first use them).
    """
    graph = nx.DiGraph()
    facets = taxonomy.facet_names if taxonomy is not None else tuple(
        dict.fromkeys(facet for item in catalogue for facet in item.entry.taxonomy))
    graph.graph["facets"] = facets
    for item in catalogue:
        graph.add_node(item.key, **_node_attributes(item, taxonomy, facets))
    for item in catalogue:
        for cited in item.entry.cites:
            if cited != item.key and cited in graph:  # add_edge would invent a node for an unknown key
                graph.add_edge(item.key, cited)
    return graph


# --------------------------------------------------------------------------- lookups


def require_key(graph: nx.DiGraph, key: str) -> str:
    """``key`` when it is a node; otherwise a :class:`SymkdError` with the closest key."""
    if key in graph:
        return key
    raise SymkdError([unknown_key(key, graph.nodes)])
