"""Counts per taxonomy value and the method x application matrix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from symkd_survey.core.catalogue import Catalogue
from symkd_survey.core.taxonomy import FACETS, Taxonomy


@dataclass(slots=True)
class Stats:
    papers: int
    by_source: Counter[str] = field(default_factory=Counter)
    by_year: Counter[int] = field(default_factory=Counter)
    facets: dict[str, Counter[str]] = field(default_factory=dict)
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)


def compute_stats(catalogue: Catalogue, taxonomy: Taxonomy) -> Stats:
    stats = Stats(papers=len(catalogue))
    stats.facets = {facet: Counter(dict.fromkeys(taxonomy.node_ids(facet), 0)) for facet in FACETS}
    for method in taxonomy.node_ids("method"):
        for application in taxonomy.node_ids("application"):
            stats.matrix[(method, application)] = 0
    for item in catalogue:
        entry = item.entry
        stats.by_source[entry.source] += 1
        stats.by_year[entry.year] += 1
        for facet in FACETS:
            for node in taxonomy.canonical(facet, getattr(entry.taxonomy, facet)):
                stats.facets[facet][node] += 1
        for method in taxonomy.canonical("method", entry.taxonomy.method):
            for application in taxonomy.canonical("application", entry.taxonomy.application):
                stats.matrix[(method, application)] = stats.matrix.get((method, application), 0) + 1
    return stats


def format_stats(stats: Stats, taxonomy: Taxonomy) -> str:
    """A plain-text report for the terminal."""
    lines = [f"{stats.papers} papers: " + ", ".join(f"{n} {s}" for s, n in sorted(stats.by_source.items()))]
    if stats.by_year:
        lines.append("by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(stats.by_year.items())))
    for facet in FACETS:
        lines.append("")
        lines.append(f"{taxonomy.facets[facet].label if facet in taxonomy.facets else facet}:")
        width = max((len(node) for node in stats.facets[facet]), default=0)
        for node, count in stats.facets[facet].items():
            lines.append(f"  {node:<{width}}  {count:>5}")
    methods = taxonomy.node_ids("method")
    applications = taxonomy.node_ids("application")
    lines.append("")
    lines.append("method x application:")
    app_width = max((len(a) for a in applications), default=0)
    col = max(len(m) for m in methods) if methods else 6
    lines.append("  " + " " * app_width + "  " + "  ".join(f"{m:>{col}}" for m in methods))
    for application in applications:
        cells = "  ".join(f"{stats.matrix.get((m, application), 0) or '.':>{col}}" for m in methods)
        lines.append(f"  {application:<{app_width}}  {cells}")
    return "\n".join(lines)
