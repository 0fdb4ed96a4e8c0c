"""Every analysis of the graph in one report (``symkd graph report``), as a record and as text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from symkd_survey.analysis.graph.analyses import (
    UNCLASSIFIED,
    CitedWork,
    Components,
    FlowMatrix,
    RankedWork,
    Similar,
    bibliographic_coupling,
    citations_received,
    cocitation,
    components,
    flow_matrix,
    foundational_works,
    pagerank,
)
from symkd_survey.core.cycles import find_cycles
from symkd_survey.core.taxonomy import Taxonomy

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


def _flow_facets(graph: nx.DiGraph, taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """The facets of the flow matrices: the taxonomy's coverage-matrix pair, else the first two."""
    if taxonomy is not None and taxonomy.matrix is not None:
        return taxonomy.matrix
    return tuple(graph.graph.get("facets", ()))[:2]


def graph_report(graph: nx.DiGraph, taxonomy: Taxonomy | None = None, *, top: int = 10,
                 similar: int = 5, min_cited_by: int = 3) -> GraphReport:
    """The analyses the report shows: the ``top`` most cited and highest-PageRank papers, the
    foundational works, the flow matrices of the coverage-matrix facets, components, cycles, and
    the ``similar`` most co-cited and most coupled papers for each paper (left out when
    ``similar`` is 0: on large graphs with much-cited works they cost the most)."""
    return GraphReport(
        papers=graph.number_of_nodes(),
        citations=graph.number_of_edges(),
        most_cited=[w for w in citations_received(graph)[:top] if w.cited_by > 0],
        pagerank=pagerank(graph)[:top],
        foundational=foundational_works(graph, min_cited_by=min_cited_by)[:top],
        flows={facet: flow_matrix(graph, facet, taxonomy) for facet in _flow_facets(graph, taxonomy)},
        components=components(graph),
        cycles=find_cycles(graph.adj),
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
