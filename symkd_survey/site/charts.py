"""Charts drawn at build time as inline SVG (no script), with the numbers they show as a table."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from markupsafe import Markup, escape

from symkd_survey.site.graph import OTHER_COLOUR, lane_colours
from symkd_survey.site.model import SiteModel

RECENT_YEARS = 13
"""How many years, up to the newest, the year chart shows; older papers are counted apart."""


@dataclass(frozen=True, slots=True)
class YearCounts:
    """Papers per year and value of the lanes facet (the method, in this survey).

    ``series`` is (id, label, colour) of each value, then of "none" (papers without one);
    ``counts[year][id]`` the papers of that year with that value (a paper with several values
    counts once in each); ``papers[year]`` the papers of the year; ``earlier`` the papers before
    ``years[0]``, which the chart leaves out.
    """

    facet_label: str
    years: list[int]
    series: list[tuple[str, str, str]]
    counts: dict[int, Counter[str]]
    papers: Counter[int]
    earlier: int


def year_counts(model: SiteModel) -> YearCounts:
    facet = model.taxonomy.lanes
    facet_label = model.taxonomy.facets[facet].label
    colours = lane_colours(model)
    series = [(n.id, n.label, colours.get(n.id, OTHER_COLOUR)) for n in model.taxonomy.facets[facet].nodes]
    series.append(("none", f"no {facet_label.lower()}", OTHER_COLOUR))
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    papers: Counter[int] = Counter()
    for key, entry in model.entries.items():
        papers[entry.year] += 1
        for value in model.labels[key][facet] or ["none"]:
            counts[entry.year][value] += 1
    if not papers:
        return YearCounts(facet_label, [], series, {}, papers, 0)
    newest = max(papers)
    years = list(range(max(min(papers), newest - RECENT_YEARS + 1), newest + 1))
    earlier = sum(n for year, n in papers.items() if year < years[0])
    used = {value for year in years for value in counts[year]}
    return YearCounts(facet_label, years, [s for s in series if s[0] in used], dict(counts), papers, earlier)


def _step(peak: int) -> int:
    """A round tick step giving at most about five ticks up to ``peak``.

    >>> _step(4), _step(23), _step(140)
    (1, 5, 50)
    """
    raw = max(1.0, peak / 5)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def year_method_chart(model: SiteModel, width: int = 720, height: int = 300) -> Markup:
    """Papers per year, stacked by the value of the lanes facet, as an inline SVG (no script).

    It has a title and a description, axis labels and ticks; each bar segment carries a
    ``<title>`` (its year, value and count) for screen readers and tooltips. The legend and the
    table of the same numbers are in the page (:func:`year_counts`).
    """
    data = year_counts(model)
    if not data.years:
        return Markup("")
    label = escape(data.facet_label.lower())
    peak = max(sum(data.counts.get(y, Counter()).values()) for y in data.years) or 1
    step = _step(peak)
    top_tick = step * math.ceil(peak / step)
    left, right, bottom, top = 56, 8, 46, 12
    plot_h = height - bottom - top
    bar = (width - left - right) / len(data.years)
    span = f"{data.years[0]} to {data.years[-1]}"
    parts = [f'<svg class="symkd-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="symkd-chart-title symkd-chart-desc">',
             f'<title id="symkd-chart-title">Papers per year by {label}, {span}</title>',
             f'<desc id="symkd-chart-desc">Stacked bars, one per year; each segment is one {label} and its '
             f'height the number of papers of that year with it. The table below gives the numbers.</desc>']
    for tick in range(0, top_tick + 1, step):  # the value axis: gridlines and their numbers
        y = top + plot_h - plot_h * tick / top_tick
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" '
                     f'stroke-opacity="{0.5 if tick == 0 else 0.15}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="currentColor">{tick}</text>')
    for n, year in enumerate(data.years):
        x, y = left + n * bar, float(top + plot_h)
        for value, name, colour in data.series:
            count = data.counts.get(year, Counter())[value]
            if not count:
                continue
            h = plot_h * count / top_tick
            y -= h
            parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{year}: {count} {escape(name)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="12" '
                     f'fill="currentColor">{year}</text>')
    parts.append(f'<text x="{left + (width - left - right) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                 f'font-size="13" fill="currentColor">Year</text>')
    parts.append(f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
                 f'font-size="13" fill="currentColor">Papers</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
