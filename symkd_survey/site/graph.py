"""The citation graph page's data: the lanes facet's colours and the graph laid out for drawing."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from symkd_survey.site.model import SiteModel
from symkd_survey.site.paths import page_url, paper_page

OTHER_COLOUR = "#7f7f7f"
"""The colour of a lane whose node gives none in ``taxonomy.yaml``, and of papers without a lane."""
GRAPH_CELL = (100.0, 400.0)
"""Width of a year column and height of a method lane, in layout units."""


def lane_legend(model: SiteModel) -> list[tuple[str, str, str]]:
    """(id, label, colour) of each value of the lanes facet."""
    facet = model.taxonomy.lanes
    return [(n.id, n.label, n.colour or OTHER_COLOUR) for n in model.taxonomy.facets[facet].nodes]


def lane_colours(model: SiteModel) -> dict[str, str]:
    """The colour of each value of the lanes facet; ``""`` (no value) is grey."""
    return {node_id: colour for node_id, _, colour in lane_legend(model)} | {"": OTHER_COLOUR}


def graph_json(model: SiteModel) -> dict[str, Any]:
    """Nodes and links for the interactive graph, laid out by year (x) and method lane (y).

    The layout is computed here, deterministically and in linear time, so the browser only
    draws. Years are placed by rank, not linearly: each year that has papers gets one column
    of the same width, so the dense recent years are not squeezed into a corner by a few old
    works. Each method is a horizontal lane. Inside its (year, lane) cell, a paper's place is a
    cell of a grid shaped to the cell, most cited first, so no two papers share a spot.
    """
    facet = model.taxonomy.lanes
    lanes = [*model.taxonomy.node_ids(facet), ""]
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for key in model.entries:
        method = next(iter(model.labels[key][facet]), "")
        groups[(model.entries[key].year, method)].append(key)
    years = sorted({year for year, _ in groups})
    column = {year: n for n, year in enumerate(years)}
    width, height = GRAPH_CELL
    nodes = []
    for (year, method), keys in sorted(groups.items()):
        keys.sort(key=lambda k: (-len(model.cited_by[k]), k))
        lane = lanes.index(method)
        per_row = max(1, math.ceil(math.sqrt(len(keys) * width / height)))
        rows = math.ceil(len(keys) / per_row)
        for index, key in enumerate(keys):
            row, col = divmod(index, per_row)
            nodes.append({
                "key": key, "title": model.entries[key].title, "year": year, "lane": method,
                "cited_by": len(model.cited_by[key]),
                "x": column[year] * width + (col + 0.5) * width / per_row,
                "y": lane * height + (row + 0.5) * height / rows,
                "url": page_url(paper_page(key)),
            })
    links = [{"source": key, "target": cited} for key, entry in sorted(model.entries.items())
             for cited in dict.fromkeys(entry.cites) if cited in model.entries and cited != key]
    labels = {n.id: n.label for n in model.taxonomy.facets[facet].nodes}
    nothing = f"no {model.taxonomy.facets[facet].label.lower()}"
    axes = {"years": [{"year": year, "x": column[year] * width + width / 2} for year in years],
            "lanes": [{"label": labels.get(lane, nothing), "y": n * height + height / 2}
                      for n, lane in enumerate(lanes)]}
    return {"nodes": nodes, "links": links, "lanes": lanes, "axes": axes,
            "colours": lane_colours(model)}


def reference_coverage(model: SiteModel) -> dict[str, int]:
    """How many papers' reference lists were read (complete, partial), found to be absent
    (none), looked for in vain (not-found) or not looked for yet (unread), and how many
    citations between catalogue papers there are."""
    counts = Counter(entry.reference_list.state if entry.reference_list else "unread"
                     for entry in model.entries.values())
    edges = sum(1 for key, entry in model.entries.items() for cited in dict.fromkeys(entry.cites)
                if cited in model.entries and cited != key)
    return {state: counts.get(state, 0) for state in ("complete", "partial", "none", "not-found", "unread")} | {
        "papers": len(model.entries), "edges": edges}
