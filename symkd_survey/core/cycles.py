"""Citation cycles among catalogue papers, found without building a graph object (validation's hot path).

Tarjan's algorithm, iterative, then the shortest cycle through the first key of each strongly
connected group. Linear in papers + citations, and free of networkx, so ``symkd validate``
starts without it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from symkd_survey.core.catalogue import Catalogue
from symkd_survey.core.issues import Issue, warning


def _citation_adjacency(catalogue: Catalogue) -> dict[str, list[str]]:
    """Who cites whom among known keys, without building a graph object (validation's hot path)."""
    entries = catalogue.entries
    return {item.key: [cited for cited in item.entry.cites if cited != item.key and cited in entries]
            for item in catalogue}


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


def find_cycles(adjacency: Mapping[str, Iterable[str]]) -> list[tuple[str, ...]]:
    """One citation cycle per strongly connected group of papers, shortest through its first key.

    A cycle ``(a, b, c)`` means a cites b, b cites c and c cites a. Each cycle starts at the
    alphabetically first key of its group; the list is sorted. Linear in nodes + edges.
    ``adjacency`` maps a key to the keys it cites (a networkx DiGraph's ``adj`` is one).
    """
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
