"""The pages: one ``render_*`` function per page of the site, each returning its Markdown source
(front matter and one raw-HTML block, :func:`~symkd_survey.site.rendering.render_template`).

Links are built only from validated identifiers or checked ``http(s)`` URLs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from symkd_survey.analysis.people import Venue
from symkd_survey.core.ids import is_safe_url
from symkd_survey.core.model import Entry
from symkd_survey.review.prisma import flow_svg, repository_flow
from symkd_survey.site.charts import year_method_chart
from symkd_survey.site.graph import OTHER_COLOUR, lane_legend, reference_coverage
from symkd_survey.site.model import SiteModel, SiteText
from symkd_survey.site.paths import node_page, paper_page, person_page, venue_page
from symkd_survey.site.rendering import display_name, paper_card, paper_list, render_template, similar_list

NEWEST = 10
"""How many of the newest additions the home page lists."""


def render_home(model: SiteModel, text: SiteText) -> str:
    newest = sorted(model.entries, key=lambda k: (model.entries[k].added, k), reverse=True)[:NEWEST]
    sources = Counter(e.source for e in model.entries.values())
    lanes = model.taxonomy.lanes
    methods = [(n, node_page(lanes, n.id), sum(1 for k in model.entries if n.id in model.labels[k][lanes]))
               for n in model.taxonomy.facets[lanes].nodes]
    edges = sum(len(v) for v in model.cited_by.values())
    years = [e.year for e in model.entries.values()]
    screening = repository_flow(model.repo)  # the living-review flow (screening/), PRISMA 2020 for updates
    return render_template("home.html", "index.md", text.title, text=text, papers=len(model.entries), sources=sources,
                           edges=edges, methods=methods, lanes_label=model.taxonomy.facets[lanes].label,
                           newest=paper_list(model, newest, "index.md"),
                           first_year=min(years, default=0), last_year=max(years, default=0),
                           screening=screening,
                           # flow_svg escapes every text it writes and loads nothing: safe to inline
                           prisma=Markup(flow_svg(screening)) if screening.last_screened else None)


def render_papers(model: SiteModel, stem: str = "catalogue") -> str:
    page = "papers.md"
    years = sorted({e.year for e in model.entries.values()})
    facets = [(facet, model.taxonomy.facets[facet].label,
               [(n.id, n.label) for n in model.taxonomy.facets[facet].nodes]) for facet in model.taxonomy.filters]
    shown = [(facet, model.taxonomy.facets[facet].label) for facet in model.taxonomy.matrix or ()]
    first_person = min((person_page(p) for p in model.people.values()), default=None)
    first_venue = min((venue_page(v) for v in model.venues.values()), default=None)
    return render_template("papers.html", page, "All papers", rows=[_row(model, k) for k in model.ordered_keys()],
                           facets=facets, all_facets=model.taxonomy.facet_names, shown=shown, years=years,
                           first_person=first_person, first_venue=first_venue, stem=stem)


def _row(model: SiteModel, key: str) -> dict[str, Any]:
    entry = model.entries[key]
    labels = model.labels[key]
    return {"key": key, "title": entry.title, "year": entry.year, "authors": entry.authors,
            "venue": entry.venue or entry.note or "", "page": paper_page(key), "source": entry.source,
            "cited_by": len(model.cited_by[key]),
            "labels": labels}


def render_paper(model: SiteModel, key: str) -> str:
    entry = model.entries[key]
    page = paper_page(key)
    return render_template(
        "paper.html", page, entry.title,
        key=key, entry=entry, facets=_facet_values(model, key),
        # blocks of the catalogue's extension (the survey's placement, distillation facts), when it has them
        survey=getattr(entry, "survey", None), distillation=getattr(entry, "distillation", None),
        authors=[(display_name(name), person_page(model.person_of[name]), model.person_of[name].slug)
                 for name in entry.authors],
        venue_link=((venue_page(v), v.slug) if entry.venue and (v := _venue_of(model, entry.venue)) else None),
        identifiers=identifier_links(entry), links=external_links(entry),
        cites=paper_list(model, [k for k in dict.fromkeys(entry.cites) if k in model.entries], page),
        cites_count=sum(1 for k in dict.fromkeys(entry.cites) if k in model.entries),
        cited_by=paper_list(model, sorted(model.cited_by[key], key=lambda k: (-model.entries[k].year, k)), page),
        cited_by_count=len(model.cited_by[key]),
        similar=similar_list(model, model.similar.get(key, []), page),
        reference_list=entry.reference_list,
        bibtex=model.bibtex.get(key, ""),
    )


def _facet_values(model: SiteModel, key: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    out = []
    for facet in model.taxonomy.facet_names:
        nodes = []
        for node_id in model.labels[key][facet]:
            node = model.taxonomy.node(facet, node_id)
            if node is not None:
                nodes.append((node.id, node.label, node_page(facet, node.id)))
        if nodes:
            out.append((model.taxonomy.facets[facet].label, nodes))
    return out


def identifier_links(entry: Entry) -> list[tuple[str, str, str]]:
    """(label, value, URL) for each identifier; URLs built only from validated ids."""
    ids = entry.ids
    links: list[tuple[str, str, str]] = []
    if ids.arxiv:
        links.append(("arXiv", ids.arxiv, f"https://arxiv.org/abs/{quote(ids.arxiv, safe='/.')}"))
    if ids.doi:
        links.append(("DOI", ids.doi, f"https://doi.org/{quote(ids.doi, safe='/.;()-_')}"))
    if ids.acl:
        links.append(("ACL Anthology", ids.acl, f"https://aclanthology.org/{quote(ids.acl, safe='.-')}/"))
    if ids.openreview:
        forum = quote(ids.openreview, safe="-_")
        links.append(("OpenReview", ids.openreview, f"https://openreview.net/forum?id={forum}"))
    return links


def external_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, URL) of the entry's own links; anything not http(s) is dropped (defence in depth)."""
    names = {"url": "Paper", "pdf": "PDF", "code": "Code", "data": "Data", "project": "Project page"}
    return [(names[name], value) for name, value in entry.links.model_dump().items()
            if value is not None and is_safe_url(value)]


def _venue_of(model: SiteModel, venue: str) -> Venue | None:
    from symkd_survey.analysis.people import venue_identity

    return model.venues.get(venue_identity(venue).replace(" ", "-")[:80] or "venue")


def render_node(model: SiteModel, facet: str, node_id: str) -> str:
    node = model.taxonomy.node(facet, node_id)
    assert node is not None
    keys = [k for k in model.ordered_keys() if node_id in model.labels[k][facet]]
    page = node_page(facet, node_id)
    return render_template("node.html", page, node.label, facet=facet, facet_label=model.taxonomy.facets[facet].label,
                           node=node, papers=paper_list(model, keys, page), count=len(keys))


def letter_pages(model: SiteModel, groups: dict[str, Any], page_of: Callable[[Any], str], heading: str,
                 what: str) -> dict[str, str]:
    """One page per initial letter, each group (a person or a venue) with its papers, newest first."""
    by_page: dict[str, list[Any]] = defaultdict(list)
    for group in sorted(groups.values(), key=lambda g: g.slug):
        by_page[page_of(group)].append(group)
    letters = [(page[-4], page) for page in sorted(by_page)]
    out: dict[str, str] = {}
    for page, members in by_page.items():
        rendered = [{"slug": g.slug, "name": g.name, "names": g.names, "count": len(g.keys),
                     "papers": paper_list(model, sorted(g.keys, key=lambda k: (-model.entries[k].year, k)), page)}
                    for g in members]
        out[page] = render_template("people.html", page, f"{heading}: {page[-4].upper()}", heading=heading,
                                    letters=letters, letter=page[-4], groups=rendered, total=len(groups), what=what)
    return out


def render_coverage(model: SiteModel) -> str:
    """The coverage matrix of the taxonomy's two ``matrix`` facets (columns x rows) as a heat map."""
    taxonomy = model.taxonomy
    if taxonomy.matrix is None:
        return render_template("coverage.html", "coverage.md", "Coverage", matrix=None, chart=year_method_chart(model),
                               lanes=lane_legend(model), lanes_label=taxonomy.facets[taxonomy.lanes].label,
                               other=OTHER_COLOUR)
    column_facet, row_facet = taxonomy.matrix
    columns, rows = taxonomy.facets[column_facet].nodes, taxonomy.facets[row_facet].nodes
    counts: Counter[tuple[str, str]] = Counter()
    for key in model.entries:
        for c in model.labels[key][column_facet]:
            for r in model.labels[key][row_facet]:
                counts[(c, r)] += 1
    top = max(counts.values(), default=0)
    row_totals = {r.id: sum(1 for k in model.entries if r.id in model.labels[k][row_facet]
                            and model.labels[k][column_facet]) for r in rows}
    column_totals = {c.id: sum(1 for k in model.entries if c.id in model.labels[k][column_facet]
                               and model.labels[k][row_facet]) for c in columns}
    unplaced = sum(1 for k in model.entries if not (model.labels[k][column_facet] and model.labels[k][row_facet]))
    matrix = {"column_facet": column_facet, "row_facet": row_facet,
              "column_label": taxonomy.facets[column_facet].label, "row_label": taxonomy.facets[row_facet].label}
    return render_template("coverage.html", "coverage.md", "Coverage", matrix=matrix, columns=columns, rows=rows,
                           counts=counts, share={cell: round(n / top, 2) for cell, n in counts.items()} if top else {},
                           row_totals=row_totals, column_totals=column_totals, unplaced=unplaced,
                           papers=len(model.entries), chart=year_method_chart(model), lanes=lane_legend(model),
                           lanes_label=taxonomy.facets[taxonomy.lanes].label, other=OTHER_COLOUR)


def render_timeline(model: SiteModel) -> str:
    by_year: dict[int, list[str]] = defaultdict(list)
    for key in model.ordered_keys():
        by_year[model.entries[key].year].append(key)
    years = [(year, len(keys), paper_list(model, keys, "timeline.md")) for year, keys in by_year.items()]
    return render_template("timeline.html", "timeline.md", "Timeline", years=sorted(years, reverse=True))


def render_problems(model: SiteModel) -> str:
    sections = []
    for facet in model.taxonomy.problems:
        nodes = []
        for node in model.taxonomy.facets[facet].nodes:
            keys = [k for k in model.ordered_keys() if node.id in model.labels[k][facet]]
            nodes.append((node, node_page(facet, node.id), paper_list(model, keys, "problems.md")))
        sections.append((model.taxonomy.facets[facet].label, model.taxonomy.facets[facet].survey_section, nodes))
    title = " and ".join(model.taxonomy.facets[f].label for f in model.taxonomy.problems) or "Open problems"
    return render_template("problems.html", "problems.md", title, heading=title, sections=sections)


def render_corrections(model: SiteModel) -> str:
    rows: list[tuple[int | None, dict[str, Any], Any]] = []
    for key, entry in model.entries.items():
        survey = getattr(entry, "survey", None)  # the survey extension's block, when the catalogue has it
        if survey is not None:
            rows.extend((survey.ref, paper_card(model, key), erratum) for erratum in survey.errata)
    rows.sort(key=lambda row: (row[0] or 0, row[1]["key"]))
    unverified = [paper_card(model, k) for k in sorted(model.entries) if not model.entries[k].verified]
    cites_a_survey = any(getattr(entry, "survey", None) is not None for entry in model.entries.values())
    title = "Corrections to the survey's references" if cites_a_survey else "Corrections"
    return render_template("corrections.html", "corrections.md", title, heading=title, survey=cites_a_survey,
                           rows=rows, unverified=unverified)


def render_taxonomy_index(model: SiteModel) -> str:
    facets = []
    for facet in model.taxonomy.facet_names:
        nodes = [(n, node_page(facet, n.id), sum(1 for k in model.entries if n.id in model.labels[k][facet]))
                 for n in model.taxonomy.facets[facet].nodes]
        facets.append((model.taxonomy.facets[facet], nodes))
    return render_template("taxonomy.html", "taxonomy.md", "Taxonomy", facets=facets)


def render_graph_page(model: SiteModel) -> str:
    return render_template("graph.html", "graph.md", "Citation graph", methods=lane_legend(model),
                           other_colour=OTHER_COLOUR, lanes_label=model.taxonomy.facets[model.taxonomy.lanes].label,
                           coverage=reference_coverage(model))


def render_downloads(model: SiteModel, stem: str = "catalogue") -> str:
    facet = model.taxonomy.lanes
    example = f"{facet}={next(iter(model.taxonomy.node_ids(facet)), 'ID')}"
    return render_template("downloads.html", "downloads.md", "Downloads", papers=len(model.entries), example=example,
                           stem=stem)
