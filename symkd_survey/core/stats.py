"""Counts per taxonomy value and the coverage matrix (the two facets of the taxonomy's ``matrix`` role)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from symkd_survey.core.catalogue import Catalogue
from symkd_survey.core.taxonomy import Taxonomy


@dataclass(slots=True)
class Stats:
    papers: int
    by_source: Counter[str] = field(default_factory=Counter)
    by_year: Counter[int] = field(default_factory=Counter)
    facets: dict[str, Counter[str]] = field(default_factory=dict)
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)


def compute_stats(catalogue: Catalogue, taxonomy: Taxonomy) -> Stats:
    stats = Stats(papers=len(catalogue))
    stats.facets = {facet: Counter(dict.fromkeys(taxonomy.node_ids(facet), 0)) for facet in taxonomy.facet_names}
    columns, rows = taxonomy.matrix or ("", "")
    for column in taxonomy.node_ids(columns):
        for row in taxonomy.node_ids(rows):
            stats.matrix[(column, row)] = 0
    for item in catalogue:
        entry = item.entry
        stats.by_source[entry.source] += 1
        stats.by_year[entry.year] += 1
        for facet in taxonomy.facet_names:
            for node in taxonomy.canonical(facet, entry.labels(facet)):
                stats.facets[facet][node] += 1
        if taxonomy.matrix is not None:
            for column in taxonomy.canonical(columns, entry.labels(columns)):
                for row in taxonomy.canonical(rows, entry.labels(rows)):
                    stats.matrix[(column, row)] = stats.matrix.get((column, row), 0) + 1
    return stats


def format_stats(stats: Stats, taxonomy: Taxonomy) -> str:
    """A plain-text report for the terminal."""
    lines = [f"{stats.papers} papers: " + ", ".join(f"{n} {s}" for s, n in sorted(stats.by_source.items()))]
    if stats.by_year:
        lines.append("by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(stats.by_year.items())))
    for facet in taxonomy.facet_names:
        lines.append("")
        lines.append(f"{taxonomy.facets[facet].label}:")
        width = max((len(node) for node in stats.facets[facet]), default=0)
        for node, count in stats.facets[facet].items():
            lines.append(f"  {node:<{width}}  {count:>5}")
    if taxonomy.matrix is None:
        return "\n".join(lines)
    column_facet, row_facet = taxonomy.matrix
    columns, rows = taxonomy.node_ids(column_facet), taxonomy.node_ids(row_facet)
    lines.append("")
    lines.append(f"{column_facet} x {row_facet}:")
    row_width = max((len(r) for r in rows), default=0)
    col = max(len(c) for c in columns) if columns else 6
    lines.append("  " + " " * row_width + "  " + "  ".join(f"{c:>{col}}" for c in columns))
    for row in rows:
        cells = "  ".join(f"{stats.matrix.get((c, row), 0) or '.':>{col}}" for c in columns)
        lines.append(f"  {row:<{row_width}}  {cells}")
    return "\n".join(lines)
