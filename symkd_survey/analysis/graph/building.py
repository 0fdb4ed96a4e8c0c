"""The citation graph of the catalogue: a networkx DiGraph whose edge ``a -> b`` means ``a`` cites ``b``.

Only citations of known keys become edges: networkx would silently create a node for an
unknown key, and the validator reports those (with self-citations, repeated and later
citations) in :mod:`symkd_survey.checking.checks`.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from symkd_survey.core.catalogue import Catalogue, LoadedEntry
from symkd_survey.core.ids import did_you_mean, normalize_arxiv_id, normalize_doi
from symkd_survey.core.issues import SymkdError, error
from symkd_survey.core.taxonomy import FACETS, Taxonomy

_ARXIV_DOI_PREFIX = "10.48550/arxiv."


# --------------------------------------------------------------------------- building


def normalize_reference(text: str) -> str | None:
    """A reference to a work outside the catalogue in one canonical spelling, or None.

    arXiv ids lose their version; DOIs are lower-cased; arXiv's own DOIs (10.48550/arXiv.ID)
    become arXiv ids, so that the same preprint is one work whichever way it is cited.

    >>> normalize_reference("arxiv:2110.07178v2"), normalize_reference("doi:10.48550/arXiv.2110.07178")
    ('arxiv:2110.07178', 'arxiv:2110.07178')
    >>> normalize_reference("doi:10.18653/V1/2022.NAACL-MAIN.341"), normalize_reference("isbn:123")
    ('doi:10.18653/v1/2022.naacl-main.341', None)
    """
    kind, _, value = text.strip().partition(":")
    if kind.lower() == "arxiv":
        arxiv = normalize_arxiv_id(value)
        return f"arxiv:{arxiv}" if arxiv else None
    if kind.lower() == "doi":
        doi = normalize_doi(value)
        if doi is None:
            return None
        if doi.startswith(_ARXIV_DOI_PREFIX):
            arxiv = normalize_arxiv_id(doi[len(_ARXIV_DOI_PREFIX):])
            if arxiv:
                return f"arxiv:{arxiv}"
        return f"doi:{doi}"
    return None


def _identities(item: LoadedEntry) -> list[str]:
    """The references by which other entries could name this one (``arxiv:ID``, ``doi:DOI``)."""
    found = []
    if item.entry.ids.arxiv:
        found.append(normalize_reference(f"arxiv:{item.entry.ids.arxiv}"))
    if item.entry.ids.doi:
        found.append(normalize_reference(f"doi:{item.entry.ids.doi}"))
    return [ref for ref in found if ref is not None]


def _node_attributes(item: LoadedEntry, taxonomy: Taxonomy | None) -> dict[str, Any]:
    entry = item.entry
    attributes: dict[str, Any] = {
        "title": entry.title,
        "year": entry.year,
        "first_author": entry.authors[0],
        "source": entry.source,
    }
    for facet in FACETS:
        labels: list[str] = getattr(entry.taxonomy, facet)
        values = taxonomy.canonical(facet, labels) if taxonomy is not None else list(dict.fromkeys(labels))
        attributes[facet] = tuple(values)
    attributes["identities"] = tuple(_identities(item))
    references = (normalize_reference(ref) for ref in entry.references)
    attributes["references"] = tuple(dict.fromkeys(ref for ref in references if ref is not None))
    return attributes


def build_graph(catalogue: Catalogue, taxonomy: Taxonomy | None = None) -> nx.DiGraph:
    """The citation graph: one node per entry, one edge per citation of a known key.

    Node attributes: ``title``, ``year``, ``first_author`` (as written, "Family, Given"),
    ``source``, one tuple of taxonomy ids per facet (resolved to canonical ids when a taxonomy
    is given: an alias counts as its node, unknown labels are dropped), ``identities`` (the
    entry's own ``arxiv:``/``doi:`` references) and ``references`` (its works outside the
    catalogue, normalised). Self-citations and citations of unknown keys are left out.
    """
    graph = nx.DiGraph()
    for item in catalogue:
        graph.add_node(item.key, **_node_attributes(item, taxonomy))
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
    close = did_you_mean(key, graph.nodes)
    raise SymkdError([error("unknown-key", "symkd", 0, f"no catalogue entry '{key}'",
                            f"did you mean '{close}'?" if close else "see the file names in catalogue/")])
