"""The citation graph of the catalogue, and what it tells about how the field grew.

Nodes are catalogue keys; an edge ``a -> b`` means that paper ``a`` cites paper ``b`` (its
``cites`` list). Only citations of known keys become edges: networkx would silently create a
node for an unknown key, and the validator reports those (with self-citations, repeated and
later citations) in :mod:`symkd_survey.checks`. The one graph check that lives here is the
cycle check, because it needs the whole graph.

Every analysis is a pure function of the graph that returns dataclasses, and each is close to
linear in the size of the graph (nodes + edges), so that a catalogue of tens of thousands of
papers stays quick:

- :func:`citations_received`, :func:`pagerank`, :func:`foundational_works`: which works matter;
- :func:`lineage` and :func:`citation_path`: which works descend from which;
- :func:`cocitation` and :func:`bibliographic_coupling`: which works are alike;
- :func:`flow_matrix`: which methods (or applications) build on which;
- :func:`components`: the connected parts and the isolated papers;
- :func:`missing_works`: the works outside the catalogue that its papers cite most;
- :func:`export_graph`: GraphML, GEXF and node-link JSON.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

import networkx as nx

from .catalogue import Catalogue, LoadedEntry
from .ids import did_you_mean, normalize_arxiv_id, normalize_doi
from .issues import Issue, SymkdError, error, warning
from .taxonomy import FACETS, Taxonomy

UNCLASSIFIED = "(none)"
"""The row and column of a flow matrix for papers without a value in the facet."""

EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf", "json")
LIST_SEPARATOR = ";"
"""How list attributes (taxonomy values) are joined in GraphML and GEXF, whose attributes are scalars."""

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


def _citation_adjacency(catalogue: Catalogue) -> dict[str, list[str]]:
    """Who cites whom among known keys, without building a graph object (validation's hot path)."""
    entries = catalogue.entries
    return {item.key: [cited for cited in item.entry.cites if cited != item.key and cited in entries]
            for item in catalogue}


# --------------------------------------------------------------------------- cycles


def _strong_groups(adjacency: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one paper (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in adjacency:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adjacency[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(adjacency[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
    return groups


def find_cycles(graph: nx.DiGraph | Mapping[str, Iterable[str]]) -> list[tuple[str, ...]]:
    """One citation cycle per strongly connected group of papers, shortest through its first key.

    A cycle ``(a, b, c)`` means a cites b, b cites c and c cites a. Each cycle starts at the
    alphabetically first key of its group; the list is sorted. Linear in nodes + edges.
    ``graph`` is a DiGraph or any mapping from a key to the keys it cites.
    """
    adjacency = graph.adj if isinstance(graph, nx.DiGraph) else graph
    return sorted(_shortest_cycle_through(adjacency, min(group), group) for group in _strong_groups(adjacency))


def _shortest_cycle_through(adjacency: Mapping[str, Iterable[str]], start: str, group: set[str]) -> tuple[str, ...]:
    parent: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for cited in adjacency[node]:
            if cited == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return tuple(reversed(path))
            if cited in group and cited not in parent:
                parent[cited] = node
                queue.append(cited)
    raise AssertionError(f"{start} is in a strongly connected group but on no cycle")  # pragma: no cover


CYCLE_HINT = "fine when preprints were revised to cite each other; otherwise remove the wrong key"


def check_cycles(catalogue: Catalogue) -> Iterable[Issue]:
    """A warning for each citation cycle, on every entry of the cycle (each names the whole
    cycle starting from itself), so that validating any one file of it shows the cycle."""
    for cycle in find_cycles(_citation_adjacency(catalogue)):
        for index, key in enumerate(cycle):
            item = catalogue.entries[key]
            successor = cycle[(index + 1) % len(cycle)]
            shown = " -> ".join((*cycle[index:], *cycle[:index], key))
            yield warning("citation-cycle", item.path, item.line("cites", item.entry.cites.index(successor)),
                          f"citation cycle: {shown}", CYCLE_HINT)


# --------------------------------------------------------------------------- lookups


def require_key(graph: nx.DiGraph, key: str) -> str:
    """``key`` when it is a node; otherwise a :class:`SymkdError` with the closest key."""
    if key in graph:
        return key
    close = did_you_mean(key, graph.nodes)
    raise SymkdError([error("unknown-key", "symkd", 0, f"no catalogue entry '{key}'",
                            f"did you mean '{close}'?" if close else "see the file names in catalogue/")])


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
    """The flow matrix of ``facet`` (e.g. "method"): one pass over the edges."""
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


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True, slots=True)
class GraphReport:
    """Every analysis of the graph in one record (see :func:`graph_report`)."""

    papers: int
    citations: int
    most_cited: list[CitedWork]
    pagerank: list[RankedWork]
    foundational: list[CitedWork]
    flows: dict[str, FlowMatrix]
    components: Components
    cycles: list[tuple[str, ...]]
    cocitation: dict[str, list[Similar]] = field(default_factory=dict)
    coupling: dict[str, list[Similar]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def listed(similar: dict[str, list[Similar]]) -> dict[str, list[dict[str, Any]]]:
            return {key: [{"key": s.key, "shared": s.shared, "score": round(s.score, 6)} for s in found]
                    for key, found in similar.items() if found}

        return {
            "papers": self.papers,
            "citations": self.citations,
            "most_cited": [vars_of(w) for w in self.most_cited],
            "pagerank": [{**vars_of(w), "score": round(w.score, 6)} for w in self.pagerank],
            "foundational": [vars_of(w) for w in self.foundational],
            "flows": {facet: matrix.to_json() for facet, matrix in self.flows.items()},
            "components": {"groups": self.components.groups, "isolated": self.components.isolated},
            "cycles": [list(cycle) for cycle in self.cycles],
            "cocitation": listed(self.cocitation),
            "coupling": listed(self.coupling),
        }


def vars_of(record: Any) -> dict[str, Any]:
    """A slotted dataclass as a plain dict (``vars`` does not work on slots)."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def graph_report(graph: nx.DiGraph, taxonomy: Taxonomy | None = None, *, top: int = 10,
                 similar: int = 5, min_cited_by: int = 3) -> GraphReport:
    """The analyses the report shows: the ``top`` most cited and highest-PageRank papers, the
    foundational works, the method and application flow matrices, components, cycles, and
    the ``similar`` most co-cited and most coupled papers for each paper (left out when
    ``similar`` is 0: on large graphs with much-cited works they cost the most)."""
    return GraphReport(
        papers=graph.number_of_nodes(),
        citations=graph.number_of_edges(),
        most_cited=[w for w in citations_received(graph)[:top] if w.cited_by > 0],
        pagerank=pagerank(graph)[:top],
        foundational=foundational_works(graph, min_cited_by=min_cited_by)[:top],
        flows={facet: flow_matrix(graph, facet, taxonomy) for facet in ("method", "application")},
        components=components(graph),
        cycles=find_cycles(graph),
        cocitation=cocitation(graph, top=similar) if similar else {},
        coupling=bibliographic_coupling(graph, top=similar) if similar else {},
    )


def format_flow(matrix: FlowMatrix) -> list[str]:
    """A flow matrix as text: row ``[i]`` cites column ``[j]``; zero cells are dots.

    Columns are numbered like the rows, so that the table stays narrow with long ids.
    """
    values = matrix.values
    if not values:
        return ["  (no citations)"]
    tags = [f"[{i}]" for i in range(1, len(values) + 1)]
    width = max(len(tag) + 1 + len(value) for tag, value in zip(tags, values, strict=True))
    col = max(max(len(tag) for tag in tags), max((len(str(n)) for n in matrix.cells.values()), default=1))
    lines = ["  " + " " * width + "  " + "  ".join(f"{tag:>{col}}" for tag in tags)]
    for tag, citing in zip(tags, values, strict=True):
        cells = "  ".join(f"{matrix.cell(citing, cited) or '.':>{col}}" for cited in values)
        lines.append(f"  {tag + ' ' + citing:<{width}}  {cells}")
    return lines


ISOLATED_SHOWN = 20


def format_report(report: GraphReport) -> str:
    """The report for the terminal."""
    lines = [f"{report.papers} papers, {report.citations} citations within the catalogue", ""]
    lines.append("most cited within the catalogue:")
    lines += [f"  {w.cited_by:>4}  {w.key} ({w.year}) {w.title}" for w in report.most_cited] or ["  (none)"]
    lines += ["", "highest PageRank:"]
    lines += [f"  {w.score:.4f}  {w.key} ({w.year}) {w.title}" for w in report.pagerank] or ["  (none)"]
    lines += ["", "foundational works (cited often, citing no earlier catalogue paper):"]
    lines += [f"  {w.cited_by:>4}  {w.key} ({w.year}) {w.title}" for w in report.foundational] or ["  (none)"]
    for facet, matrix in report.flows.items():
        lines += ["", f"{facet} flow (rows cite columns; {UNCLASSIFIED} = no {facet}):", *format_flow(matrix)]
    groups = report.components.groups
    lines += ["", f"components: {len(groups)} connected group(s)"
              + (f", largest {len(groups[0])} papers" if groups else "")
              + f"; {len(report.components.isolated)} isolated paper(s)"]
    isolated = report.components.isolated
    if isolated:
        more = f" and {len(isolated) - ISOLATED_SHOWN} more (see --json)" if len(isolated) > ISOLATED_SHOWN else ""
        lines.append("  isolated: " + ", ".join(isolated[:ISOLATED_SHOWN]) + more)
    if report.cycles:
        lines += ["", f"citation cycles: {len(report.cycles)}"]
        lines += ["  " + " -> ".join((*cycle, cycle[0])) for cycle in report.cycles]
    return "\n".join(lines)


# --------------------------------------------------------------------------- export


def _scalar_attributes(graph: nx.DiGraph, key: str) -> dict[str, Any]:
    """Node attributes as scalars for GraphML/GEXF: lists joined by ``;``, no None."""
    data = graph.nodes[key]
    family = data["first_author"].split(",")[0].strip()
    attributes: dict[str, Any] = {"label": f"{family} {data['year']}", "title": data["title"],
                                  "year": data["year"], "first_author": data["first_author"],
                                  "source": data["source"]}
    for facet in FACETS:
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
    """The graph as node-link JSON: ``nodes`` (id, title, year, method, application, in_degree)
    and ``links`` (source cites target). Nodes are named ``id``, as networkx's and d3's readers
    expect by default: ``networkx.node_link_graph(data, edges="links")`` reads it back."""
    nodes = [{"id": key, "title": data["title"], "year": data["year"], "method": list(data["method"]),
              "application": list(data["application"]), "in_degree": graph.in_degree(key)}
             for key, data in graph.nodes(data=True)]
    links = [{"source": citing, "target": cited} for citing, cited in graph.edges]
    return {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "links": links}


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
