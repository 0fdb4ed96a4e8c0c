"""The citation graph's data: the lanes facet's colours, the whole graph laid out for drawing
(``assets/data/graph.json``, drawn by ``assets/graph.js``), and each paper's local graph.

The layout is computed here, deterministically and in linear time, so the browser only draws:

- **Years by rank.** Each year that has papers gets one column, left to right, so a few old
  works do not squeeze the dense recent years into a corner. A column's width grows with the
  number of papers of its year (never below a quarter of the mean), so the papers of a busy
  year are not crammed into the width of a quiet one.
- **Lanes** are the values of the taxonomy's ``roles: lanes`` facet (a paper sits in the lane of
  its first value; papers without one in a last, unnamed lane shown only when used). A lane's
  height grows with its papers in the same way (never below half the mean: its name must fit).
- **Inside each (year, lane) cell**, papers sit on a staggered grid (odd rows shifted by half a
  slot) shaped to the cell, chosen to keep the smallest gap between two papers as wide as
  possible; the most cited papers take the slots nearest the cell's centre. Two papers never
  share a spot, and the gap between neighbours depends only on how full their cell is, so
  :func:`crowded_share` can be checked before any browser draws it.

A force-directed refinement inside the lanes was not needed: the grid keeps every paper apart by
construction, and a force layout would only trade that guarantee for clusters.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from symkd_survey.site.model import SiteModel
from symkd_survey.site.rendering import display_name

OTHER_COLOUR = "#7f7f7f"
"""The colour of a lane whose node gives none in ``taxonomy.yaml``, and of papers without a lane."""
LAYOUT_SIZE = (1000.0, 640.0)
"""Width and height of the layout, in layout units; the page's canvas has the same shape."""
LANE_HEADER = 18.0
"""Layout units at the top of each lane kept free of papers, for the lane's name."""
AXIS_MARGIN = {"left": 8.0, "right": 8.0, "top": 8.0, "bottom": 24.0}
"""Screen pixels around the layout at the default view (graph.js fits the layout inside them;
the bottom one holds the year axis)."""
CROWDED_PX = 4.0
"""Two papers closer than this, in screen pixels, are hard to tell apart (the layout target)."""
MAX_AUTHORS = 3
"""Authors shipped per paper in graph.json (the panel says "et al." after them; the paper's page has all)."""
LOCAL_LIMIT = 24
"""The most references, and the most citing papers, a paper's local graph shows (most cited first)."""


@dataclass(frozen=True, slots=True)
class Placed:
    """What the layout needs of a paper: its key, year, lane (index) and weight (citations received)."""

    key: str
    year: int
    lane: int
    weight: int


@dataclass(slots=True)
class Layout:
    """Positions (layout units) by key, and the years' columns and lanes' rows as ``(start, end)``."""

    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    columns: dict[int, tuple[float, float]] = field(default_factory=dict)
    rows: dict[int, tuple[float, float]] = field(default_factory=dict)


def lane_legend(model: SiteModel) -> list[tuple[str, str, str]]:
    """(id, label, colour) of each value of the lanes facet."""
    facet = model.taxonomy.lanes
    return [(n.id, n.label, n.colour or OTHER_COLOUR) for n in model.taxonomy.facets[facet].nodes]


def lane_colours(model: SiteModel) -> dict[str, str]:
    """The colour of each value of the lanes facet; ``""`` (no value) is grey."""
    return {node_id: colour for node_id, _, colour in lane_legend(model)} | {"": OTHER_COLOUR}


def _bands(counts: Sequence[int], length: float, floor_share: float = 0.25) -> list[tuple[float, float]]:
    """Consecutive bands along ``length``, each as long as its count (but at least ``floor_share``
    of the mean count), in order.

    >>> _bands([1, 3], 100.0, floor_share=0)
    [(0.0, 25.0), (25.0, 100.0)]
    """
    if not counts:
        return []
    floor = floor_share * sum(counts) / len(counts)
    weights = [max(float(c), floor, 1e-9) for c in counts]
    total = sum(weights)
    out, start = [], 0.0
    for weight in weights:
        end = start + length * weight / total
        out.append((start, end))
        start = end
    out[-1] = (out[-1][0], length)
    return out


def _gap(per_row: int, rows: int, width: float, height: float) -> float:
    """The smallest distance between two slots of a staggered grid (odd rows shifted half a slot)."""
    dx, dy = width / per_row, height / rows
    return dx if rows == 1 else min(dx, math.hypot(dx / 2, dy), 2 * dy)


def _grid(n: int, width: float, height: float) -> tuple[int, int]:
    """(per_row, rows) of a staggered grid of at least ``n`` slots in a ``width`` x ``height``
    cell with the widest smallest gap between two slots.

    >>> _grid(4, 100.0, 100.0), _grid(3, 300.0, 10.0), _grid(1, 5.0, 5.0)
    ((2, 2), (3, 1), (1, 1))
    """
    best, best_gap = (1, n), -1.0
    guess = min(n, max(1, round(math.sqrt(n * width / max(height, 1e-9)))))
    for per_row in sorted(range(max(1, guess // 2), min(n, 2 * guess + 2) + 1), key=lambda p: (abs(p - guess), p)):
        rows = math.ceil(n / per_row)
        gap = _gap(per_row, rows, width, height)
        if gap > best_gap + 1e-12:
            best, best_gap = (per_row, rows), gap
    return best


def layout(papers: Iterable[Placed], lanes: int, size: tuple[float, float] = LAYOUT_SIZE) -> Layout:
    """Lay out papers by year (columns, by rank) and lane (rows), on a grid in each cell.

    Deterministic (the same papers give the same positions in any order) and linear in the
    number of papers apart from sorting each cell. ``lanes`` is the number of lanes; only the
    lanes holding papers get a row. Every position lies inside ``size``.
    """
    cells: dict[tuple[int, int], list[Placed]] = defaultdict(list)
    for paper in papers:
        cells[(paper.year, paper.lane)].append(paper)
    years = sorted({year for year, _ in cells})
    used = sorted({lane for _, lane in cells})
    width, height = size
    by_year = Counter[int]()
    by_lane = Counter[int]()
    for (year, lane), members in cells.items():
        by_year[year] += len(members)
        by_lane[lane] += len(members)
    result = Layout()
    result.columns = dict(zip(years, _bands([by_year[y] for y in years], width), strict=True))
    result.rows = dict(zip(used, _bands([by_lane[lane] for lane in used], height, floor_share=0.5), strict=True))
    for (year, lane), members in cells.items():
        x0, x1 = result.columns[year]
        y0, y1 = result.rows[lane]
        y0 += min(LANE_HEADER, (y1 - y0) / 3)
        members.sort(key=lambda p: (-p.weight, p.key))
        per_row, rows = _grid(len(members), x1 - x0, y1 - y0)
        dx, dy = (x1 - x0) / per_row, (y1 - y0) / rows
        centre = ((per_row - 1) / 2, (rows - 1) / 2)
        slots = sorted(((r, c) for r in range(rows) for c in range(per_row)),
                       key=lambda s: ((s[1] - centre[0]) ** 2 * dx * dx + (s[0] - centre[1]) ** 2 * dy * dy, s))
        for paper, (r, c) in zip(members, slots, strict=False):
            shift = 0.5 if rows == 1 else (0.25 if r % 2 == 0 else 0.75)
            result.positions[paper.key] = (x0 + (c + shift) * dx, y0 + (r + 0.5) * dy)
    return result


def fit_scale(screen_width: float, screen_height: float, size: tuple[float, float] = LAYOUT_SIZE) -> float:
    """Screen pixels per layout unit at the default view of a canvas of that size (as graph.js fits).

    >>> round(fit_scale(1016, 672), 3)
    1.0
    """
    return min((screen_width - AXIS_MARGIN["left"] - AXIS_MARGIN["right"]) / size[0],
               (screen_height - AXIS_MARGIN["top"] - AXIS_MARGIN["bottom"]) / size[1])


def crowded_share(points: Sequence[tuple[float, float]], within: float = CROWDED_PX) -> float:
    """The share of points that have another point closer than ``within`` (a hash grid: linear).

    >>> crowded_share([(0, 0), (1, 0), (10, 10), (20, 20)], within=4)
    0.5
    """
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, (x, y) in enumerate(points):
        buckets[(math.floor(x / within), math.floor(y / within))].append(index)
    crowded = 0
    for index, (x, y) in enumerate(points):
        bx, by = math.floor(x / within), math.floor(y / within)
        if any(other != index and math.dist((x, y), points[other]) < within
               for gx in (bx - 1, bx, bx + 1) for gy in (by - 1, by, by + 1)
               for other in buckets.get((gx, gy), ())):
            crowded += 1
    return crowded / len(points) if points else 0.0


def short_label(title: str, authors: Sequence[str], year: int) -> str:
    """A node's label on the graph: the title's name before a colon when short, else "Family year".

    >>> short_label("NovaCOMET: Open Commonsense Models", ["West, Peter"], 2023)
    'NovaCOMET'
    >>> short_label("Distilling step by step", ["Hsieh, Cheng-Yu", "Li, Chun-Liang"], 2023)
    'Hsieh et al. 2023'
    """
    return _short_label(title, authors[0] if authors else "", len(authors) > 1, year)


@lru_cache(maxsize=1 << 16)
def _short_label(title: str, first: str, several: bool, year: int) -> str:
    """:func:`short_label`, cached: the local graphs of all pages ask for each paper many times."""
    head = title.split(":", 1)[0].strip()
    if ":" in title and 0 < len(head) <= 28:
        return head
    family = display_name(first).split()[-1] if first else "Anon."
    return f"{family}{' et al.' if several else ''} {year}"


def graph_json(model: SiteModel) -> dict[str, Any]:
    """The whole graph for ``assets/data/graph.json``: what the page draws and what its panel shows.

    Compact (short names, indices instead of keys): each node carries its ``key``, title ``t``,
    short label ``s``, up to :data:`MAX_AUTHORS` authors ``a`` in display form (``m`` when
    there are more), ``year``, lane ``l`` (an index into ``lanes``), labels ``f`` (for each facet
    of ``facets``, indices into its values), the indices ``c`` of the nodes it cites, how often
    it is cited ``n``, and its position ``x``, ``y``. The page's URL is ``papers/<key>.html``.
    """
    taxonomy = model.taxonomy
    lanes_facet = taxonomy.lanes
    lane_ids = [*taxonomy.node_ids(lanes_facet), ""]
    lane_of = {node_id: n for n, node_id in enumerate(lane_ids)}
    keys = sorted(model.entries)
    index = {key: n for n, key in enumerate(keys)}
    placed = [Placed(key, model.entries[key].year, lane_of[next(iter(model.labels[key][lanes_facet]), "")],
                     len(model.cited_by[key])) for key in keys]
    laid = layout(placed, len(lane_ids))
    facets = list(taxonomy.facet_names)
    value_of = {facet: {node_id: n for n, node_id in enumerate(taxonomy.node_ids(facet))} for facet in facets}
    nodes = []
    for paper in placed:
        entry = model.entries[paper.key]
        x, y = laid.positions[paper.key]
        node: dict[str, Any] = {
            "key": paper.key, "t": entry.title, "s": short_label(entry.title, entry.authors, entry.year),
            "a": [display_name(a) for a in entry.authors[:MAX_AUTHORS]], "year": entry.year, "l": paper.lane,
            "f": [[value_of[f][v] for v in model.labels[paper.key][f] if v in value_of[f]] for f in facets],
            "c": [index[c] for c in dict.fromkeys(entry.cites) if c in index and c != paper.key],
            "n": paper.weight, "x": round(x, 1), "y": round(y, 1),
        }
        if len(entry.authors) > MAX_AUTHORS or entry.more_authors:
            node["m"] = 1  # more authors than shipped
        nodes.append(node)
    colours = lane_colours(model)
    names = {n.id: n.label for n in taxonomy.facets[lanes_facet].nodes}
    nothing = f"no {taxonomy.facets[lanes_facet].label.lower()}"
    axes = {"years": [{"year": year, "x": round((x0 + x1) / 2, 1), "from": round(x0, 1), "to": round(x1, 1)}
                      for year, (x0, x1) in laid.columns.items()],
            "lanes": [{"lane": lane, "id": lane_ids[lane], "label": names.get(lane_ids[lane], nothing),
                       "colour": colours.get(lane_ids[lane], OTHER_COLOUR),
                       "y": round(y0 + min(LANE_HEADER, (y1 - y0) / 3) / 2, 1),
                       "from": round(y0, 1), "to": round(y1, 1)}
                      for lane, (y0, y1) in laid.rows.items()]}
    return {"version": 2, "size": list(LAYOUT_SIZE), "margin": AXIS_MARGIN, "nodes": nodes, "axes": axes,
            "lanes": lane_ids, "lanes_label": taxonomy.facets[lanes_facet].label, "colours": colours,
            "facets": [{"id": f, "label": taxonomy.facets[f].label, "filter": f in taxonomy.filters,
                        "values": [[n.id, n.label] for n in taxonomy.facets[f].nodes]} for f in facets]}


def local_graph(model: SiteModel, key: str) -> dict[str, Any]:
    """A paper's neighbourhood for its page: the paper, the catalogue papers it cites and that
    cite it (each at most :data:`LOCAL_LIMIT`, most cited first) and its similar works.

    Its cost is the paper's own degree (what every paper's node says is worked out once per
    model, :func:`_local_nodes`), so all pages together stay linear in the catalogue.
    """
    table, rank = _local_nodes(model)

    def most_cited(keys: Iterable[str]) -> list[str]:
        return sorted(keys, key=rank.__getitem__)[:LOCAL_LIMIT]

    cites = [k for k in dict.fromkeys(model.entries[key].cites) if k in table and k != key]
    citers = model.cited_by[key]
    similar = [w.key for w in model.similar.get(key, []) if w.key in table]
    return {"nodes": [table[key] | {"kind": "self"}, *(table[k] | {"kind": "cites"} for k in most_cited(cites)),
                      *(table[k] | {"kind": "cited_by"} for k in most_cited(citers)),
                      *(table[k] | {"kind": "similar"} for k in similar)],
            "cites": len(cites), "cited_by": len(citers)}


def _local_nodes(model: SiteModel) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Every paper's node of a local graph (key, title, short label, year, lane colour), and
    its rank by citations received (most cited first, then by key); computed once per model."""
    known: tuple[dict[str, dict[str, Any]], dict[str, int]] | None = model.derived.get("local_nodes")
    if known is not None:
        return known
    colours = lane_colours(model)
    facet = model.taxonomy.lanes
    table = {key: {"key": key, "title": e.title, "short": short_label(e.title, e.authors, e.year), "year": e.year,
                   "colour": colours.get(next(iter(model.labels[key][facet]), ""), OTHER_COLOUR)}
             for key, e in model.entries.items()}
    order = sorted(model.entries, key=lambda k: (-len(model.cited_by[k]), k))
    rank = {key: n for n, key in enumerate(order)}
    model.derived["local_nodes"] = table, rank
    return table, rank


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
