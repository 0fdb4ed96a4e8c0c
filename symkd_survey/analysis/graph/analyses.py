"""Analyses of the citation graph, each a pure function returning dataclasses, close to linear in nodes + edges.

- :func:`citations_received`, :func:`pagerank`, :func:`foundational_works`: which works matter;
- :func:`lineage` and :func:`citation_path`: which works descend from which;
- :func:`cocitation` and :func:`bibliographic_coupling`: which works are alike;
- :func:`flow_matrix`: which values of a facet build on which;
- :func:`components`: the connected parts and the isolated papers;
- :func:`missing_works`: the works outside the catalogue that its papers cite most.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from typing import Any

import networkx as nx

from symkd_survey.analysis.graph.building import require_key
from symkd_survey.core.taxonomy import Taxonomy

UNCLASSIFIED = "(none)"
"""The row and column of a flow matrix for papers without a value in the facet."""


# --------------------------------------------------------------------------- importance


@dataclass(frozen=True, slots=True)
class CitedWork:
    """A paper and how many catalogue papers cite it."""

    key: str
    title: str
    year: int
    cited_by: int


@dataclass(frozen=True, slots=True)
class RankedWork:
    """A paper with its PageRank score (the scores of a graph sum to 1)."""

    key: str
    title: str
    year: int
    score: float
    cited_by: int


def _cited(graph: nx.DiGraph, key: str) -> CitedWork:
    data = graph.nodes[key]
    return CitedWork(key, data["title"], data["year"], graph.in_degree(key))


def citations_received(graph: nx.DiGraph) -> list[CitedWork]:
    """Every paper with the number of catalogue papers citing it: most cited first, then older
    first, then by key."""
    works = [_cited(graph, key) for key in graph]
    return sorted(works, key=lambda w: (-w.cited_by, w.year, w.key))


def pagerank_scores(graph: nx.DiGraph, *, alpha: float = 0.85, tolerance: float = 1e-10,
                    max_iterations: int = 1000) -> dict[str, float]:
    """PageRank by power iteration over adjacency lists (no SciPy needed), O(iterations * (V + E)).

    Rank flows from a citing paper to the papers it cites; a paper citing nothing in the
    catalogue spreads its rank evenly over all papers, and ``1 - alpha`` is spread evenly
    too. Stops when the scores change by less than ``tolerance`` in total (L1); with
    ``alpha < 1`` this always happens.
    """
    nodes = list(graph)
    count = len(nodes)
    if count == 0:
        return {}
    index = {key: i for i, key in enumerate(nodes)}
    targets = [[index[cited] for cited in graph.successors(key)] for key in nodes]
    rank = [1.0 / count] * count
    for _ in range(max_iterations):
        flow = [0.0] * count
        dangling = 0.0
        for i, cited in enumerate(targets):
            if cited:
                share = rank[i] / len(cited)
                for j in cited:
                    flow[j] += share
            else:
                dangling += rank[i]
        base = (1.0 - alpha + alpha * dangling) / count
        new = [base + alpha * value for value in flow]
        change = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if change < tolerance:
            break
    return dict(zip(nodes, rank, strict=True))


def pagerank(graph: nx.DiGraph, *, alpha: float = 0.85) -> list[RankedWork]:
    """Every paper with its PageRank score, highest first (ties: older first, then key)."""
    scores = pagerank_scores(graph, alpha=alpha)
    works = [RankedWork(key, graph.nodes[key]["title"], graph.nodes[key]["year"], score, graph.in_degree(key))
             for key, score in scores.items()]
    return sorted(works, key=lambda w: (-w.score, w.year, w.key))


def foundational_works(graph: nx.DiGraph, *, min_cited_by: int = 3) -> list[CitedWork]:
    """The works the catalogue's lines of research start from.

    A paper is *foundational* when (1) at least ``min_cited_by`` catalogue papers cite it, and
    (2) it cites no catalogue paper from an earlier year: within the catalogue it has no
    older ancestor, so its ideas enter the field here. (Citations of same-year or later
    papers, as revised preprints make, do not disqualify it.) Sorted like
    :func:`citations_received`: most cited first, then older first.
    """
    works = []
    for key in graph:
        year = graph.nodes[key]["year"]
        if graph.in_degree(key) < min_cited_by:
            continue
        if any(graph.nodes[cited]["year"] < year for cited in graph.successors(key)):
            continue
        works.append(_cited(graph, key))
    return sorted(works, key=lambda w: (-w.cited_by, w.year, w.key))


# --------------------------------------------------------------------------- lineage and paths


@dataclass(frozen=True, slots=True)
class Relative:
    """A paper related to another through citations, ``distance`` citations away."""

    key: str
    title: str
    year: int
    distance: int


@dataclass(frozen=True, slots=True)
class Lineage:
    """The ancestors of a paper (the works it cites, directly or through other catalogue
    papers: what it builds on) and its descendants (the works citing it, directly or not)."""

    key: str
    ancestors: list[Relative]
    descendants: list[Relative]


def _relatives(graph: nx.DiGraph, key: str, depth: int | None) -> list[Relative]:
    distances = nx.single_source_shortest_path_length(graph, key, cutoff=depth)
    found = [Relative(other, graph.nodes[other]["title"], graph.nodes[other]["year"], distance)
             for other, distance in distances.items() if other != key]
    return sorted(found, key=lambda r: (r.distance, r.year, r.key))


def lineage(graph: nx.DiGraph, key: str, *, depth: int | None = None) -> Lineage:
    """Ancestors and descendants of ``key``, nearest first, up to ``depth`` citations away
    (all when None). Unknown keys raise :class:`SymkdError` with a suggestion."""
    require_key(graph, key)
    return Lineage(key, _relatives(graph, key, depth), _relatives(graph.reverse(copy=False), key, depth))


@dataclass(frozen=True, slots=True)
class CitationPath:
    """The shortest chain of citations from ``source`` to ``target``: ``keys[0]`` cites
    ``keys[1]``, and so on. Empty when there is none; ``reverse`` then holds the shortest
    chain from ``target`` to ``source``, if that one exists."""

    source: str
    target: str
    keys: tuple[str, ...]
    reverse: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.keys)


def _shortest(graph: nx.DiGraph, source: str, target: str) -> tuple[str, ...]:
    try:
        return tuple(nx.shortest_path(graph, source, target))
    except nx.NetworkXNoPath:
        return ()


def citation_path(graph: nx.DiGraph, source: str, target: str) -> CitationPath:
    """The shortest citation path from ``source`` to ``target`` (breadth-first, O(V + E))."""
    require_key(graph, source)
    require_key(graph, target)
    keys = _shortest(graph, source, target)
    if keys:
        return CitationPath(source, target, keys)
    return CitationPath(source, target, (), _shortest(graph, target, source))


# --------------------------------------------------------------------------- similarity


@dataclass(frozen=True, slots=True)
class Similar:
    """A paper similar to another: ``shared`` is the number of common neighbours (papers
    citing both, or works both cite), ``score`` the same normalised by the geometric mean of
    the two neighbour counts (Salton's cosine, 0 to 1)."""

    key: str
    shared: int
    score: float


def _top_similar(counts: Counter[str], size: Mapping[str, int], own: int, top: int) -> list[Similar]:
    """The ``top`` candidates by shared count, then score, then key, without scoring them all.

    A paper citing a much-cited work has thousands of candidates, nearly all sharing one
    neighbour. The count ``threshold`` that the ``top``-th best reaches is found from the
    histogram of counts; everything above it is taken, and the ties at it are decided by the
    score, which for equal counts only depends on the candidate's neighbour count (then the
    key). The filtering and sorting run in C (``compress``, ``sort``).
    """
    if not counts or top < 1:
        return []
    histogram = Counter(counts.values())
    taken = 0
    threshold = 0
    for threshold in sorted(histogram, reverse=True):
        taken += histogram[threshold]
        if taken >= top:
            break
    chosen = list(compress(counts, map(threshold.__lt__, counts.values())))
    need = top - len(chosen)
    tied = list(compress(counts, map(threshold.__eq__, counts.values())))
    if len(tied) > need:  # keep the ties with the fewest neighbours (the best scores), found the same way
        sizes = list(map(size.__getitem__, tied))
        by_size = Counter(sizes)
        taken = 0
        for limit in sorted(by_size):
            taken += by_size[limit]
            if taken >= need:
                break
        tied = list(compress(tied, map(limit.__ge__, sizes)))
    tied.sort()
    tied.sort(key=size.__getitem__)  # stable: equal sizes stay in key order
    chosen += tied[:need]
    found = [Similar(other, counts[other], counts[other] / math.sqrt(own * size[other])) for other in chosen]
    return sorted(found, key=lambda s: (-s.shared, -s.score, s.key))


def cocitation(graph: nx.DiGraph, *, top: int = 5, keys: Iterable[str] | None = None) -> dict[str, list[Similar]]:
    """For each paper (or each of ``keys``), the papers most often cited together with it.

    The count for (p, q) is |citers(p) ∩ citers(q)|. It is computed only for pairs that have a
    citer in common, by walking from p to its citers and on to their other references, never
    for all pairs: the cost for p is the number of references of its citers, and for the
    whole graph the sum over papers of the squared number of their references. Papers
    nothing cites, or co-cited with nothing, get an empty list.
    """
    cited_by: dict[str, int] = dict(graph.in_degree)
    result: dict[str, list[Similar]] = {}
    for key in graph if keys is None else keys:
        counts: Counter[str] = Counter()
        for citer in graph.predecessors(key):
            counts.update(graph.successors(citer))  # counted in C; the paper itself is removed below
        counts.pop(key, None)
        result[key] = _top_similar(counts, cited_by, cited_by[key], top)
    return result


def bibliographic_coupling(graph: nx.DiGraph, *, top: int = 5, external: bool = True,
                           keys: Iterable[str] | None = None) -> dict[str, list[Similar]]:
    """For each paper (or each of ``keys``), the papers that share the most references with it.

    The count for (p, q) is |refs(p) ∩ refs(q)|, where refs are the catalogue papers each
    cites and, with ``external``, also the works outside the catalogue each lists in
    ``references``. Computed through an index from each cited work to its citers, so only
    pairs with a shared reference are ever counted: the cost for p is the number of citers of
    its references, and for the whole graph the sum over cited works of their squared number
    of citers (a work cited by a thousand papers costs a million; see the timings in the
    report of issue 5).
    """
    refs: dict[str, set[str]] = {}
    citers: defaultdict[str, list[str]] = defaultdict(list)
    for key in graph:
        own = set(graph.successors(key))
        if external:
            own.update(graph.nodes[key]["references"])
        refs[key] = own
        for ref in own:
            citers[ref].append(key)
    sizes = {key: len(own) for key, own in refs.items()}
    result: dict[str, list[Similar]] = {}
    for key in graph if keys is None else keys:
        counts: Counter[str] = Counter()
        for ref in refs[key]:
            counts.update(citers[ref])  # counted in C; the paper itself is removed below
        counts.pop(key, None)
        result[key] = _top_similar(counts, sizes, sizes[key], top)
    return result


# --------------------------------------------------------------------------- flows and components


@dataclass(frozen=True, slots=True)
class FlowMatrix:
    """How often papers with one value of a facet cite papers with another.

    ``cells[(x, y)]`` counts citations from a paper labelled ``x`` to a paper labelled ``y``;
    a citation between papers with several values counts once for every pair of values, and a
    paper without a value counts as :data:`UNCLASSIFIED`. ``values`` lists the row (citing) and
    column (cited) labels: the taxonomy's ids in its order, then UNCLASSIFIED if it occurs.
    """

    facet: str
    values: list[str]
    cells: dict[tuple[str, str], int]
    citations: int

    def cell(self, citing: str, cited: str) -> int:
        return self.cells.get((citing, cited), 0)

    def to_json(self) -> dict[str, Any]:
        rows = {citing: {cited: self.cell(citing, cited) for cited in self.values if self.cell(citing, cited)}
                for citing in self.values}
        return {"facet": self.facet, "values": self.values, "citations": self.citations,
                "rows_cite_columns": {citing: row for citing, row in rows.items() if row}}


def flow_matrix(graph: nx.DiGraph, facet: str, taxonomy: Taxonomy | None = None) -> FlowMatrix:
    """The flow matrix of ``facet`` (one of the taxonomy's facets): one pass over the edges."""
    cells: Counter[tuple[str, str]] = Counter()
    for citing, cited in graph.edges:
        for x in graph.nodes[citing][facet] or (UNCLASSIFIED,):
            for y in graph.nodes[cited][facet] or (UNCLASSIFIED,):
                cells[(x, y)] += 1
    seen = {value for pair in cells for value in pair}
    known = taxonomy.node_ids(facet) if taxonomy is not None else sorted(seen - {UNCLASSIFIED})
    values = [*known, *sorted(seen - set(known) - {UNCLASSIFIED})]
    if UNCLASSIFIED in seen:
        values.append(UNCLASSIFIED)
    return FlowMatrix(facet, values, dict(cells), graph.number_of_edges())


@dataclass(frozen=True, slots=True)
class Components:
    """Weakly connected groups of at least two papers (largest first, each sorted), and the
    isolated papers: those that neither cite nor are cited by any catalogue paper."""

    groups: list[list[str]]
    isolated: list[str]


def components(graph: nx.DiGraph) -> Components:
    groups = [sorted(group) for group in nx.weakly_connected_components(graph)]
    isolated = sorted(group[0] for group in groups if len(group) == 1)
    connected = sorted((g for g in groups if len(g) > 1), key=lambda g: (-len(g), g[0]))
    return Components(connected, isolated)


# --------------------------------------------------------------------------- missing works


@dataclass(frozen=True, slots=True)
class MissingWork:
    """A work outside the catalogue (``arxiv:ID`` or ``doi:DOI``) and the catalogue papers citing it."""

    reference: str
    citers: list[str]


def missing_works(graph: nx.DiGraph, *, min_citers: int = 2) -> list[MissingWork]:
    """The works in entries' ``references`` that at least ``min_citers`` catalogue papers cite:
    candidates to add, most cited first (then by reference). A reference that names a paper
    already in the catalogue (by its arXiv id or DOI) is not missing and is left out."""
    present = {ref for key in graph for ref in graph.nodes[key]["identities"]}
    citers: defaultdict[str, list[str]] = defaultdict(list)
    for key in graph:
        for ref in graph.nodes[key]["references"]:
            if ref not in present:
                citers[ref].append(key)
    found = [MissingWork(ref, sorted(keys)) for ref, keys in citers.items() if len(keys) >= min_citers]
    return sorted(found, key=lambda w: (-len(w.citers), w.reference))
