"""Charts drawn at build time as inline SVG (no script)."""

from __future__ import annotations

from collections import Counter, defaultdict

from markupsafe import Markup, escape

from symkd_survey.site.graph import OTHER_COLOUR, lane_colours
from symkd_survey.site.model import SiteModel


def year_method_chart(model: SiteModel, width: int = 720, height: int = 260) -> Markup:
    """Papers per year, stacked by the value of the lanes facet (the method, in this survey), as
    an inline SVG drawn at build time (no script).

    Each bar segment carries a ``<title>`` (its year, value and count) for screen readers and
    tooltips; a paper with several values counts once in each.
    """
    facet = model.taxonomy.lanes
    facet_label = model.taxonomy.facets[facet].label
    methods = model.taxonomy.node_ids(facet)
    labels = {n.id: n.label for n in model.taxonomy.facets[facet].nodes}
    colours = lane_colours(model)
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    for key, entry in model.entries.items():
        for method in model.labels[key][facet] or ["none"]:
            per_year[entry.year][method] += 1
    if not per_year:
        return Markup("")
    years = list(range(max(min(per_year), max(per_year) - 12), max(per_year) + 1))  # the recent years
    peak = max(sum(per_year[y].values()) for y in years) or 1
    left, bottom, top_pad = 40, 30, 10
    bar = (width - left) / len(years)
    parts = [f'<svg class="symkd-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Papers per year by {escape(facet_label.lower())}, {years[0]} to {years[-1]}">']
    for n, year in enumerate(years):
        x, y = left + n * bar, float(height - bottom)
        for method in [*methods, "none"]:
            count = per_year[year][method]
            if not count:
                continue
            h = (height - bottom - top_pad) * count / peak
            y -= h
            colour = colours.get(method, OTHER_COLOUR)
            name = labels.get(method, f"no {facet_label.lower()}")
            parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{year}: {count} {escape(name)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                     f'fill="currentColor">{year}</text>')
    parts.append(f'<text x="4" y="{top_pad + 10}" font-size="11" fill="currentColor">{peak}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
