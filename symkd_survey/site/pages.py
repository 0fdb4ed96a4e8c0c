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
from symkd_survey.core.dates import publication_text
from symkd_survey.core.ids import is_safe_url
from symkd_survey.core.model import Entry
from symkd_survey.review.prisma import flow_svg, repository_flow
from symkd_survey.site.charts import year_counts, year_method_chart
from symkd_survey.site.citations import STYLES
from symkd_survey.site.graph import OTHER_COLOUR, lane_legend, local_graph, reference_coverage
from symkd_survey.site.metadata import pdf_url
from symkd_survey.site.model import SiteModel, SiteText, newest_additions
from symkd_survey.site.paths import node_page, paper_page, person_page, venue_page
from symkd_survey.site.rendering import (
    display_name,
    paper_card,
    paper_list,
    render_template,
    safe_json,
    similar_list,
)

NEWEST = 10
"""How many of the newest additions the home page lists."""


def render_home(model: SiteModel, text: SiteText) -> str:
    newest = newest_additions(model)[:NEWEST]
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
    keys = model.ordered_keys()
    counts = {facet: Counter(v for k in keys for v in model.labels[k][facet]) for facet, _, _ in facets}
    sources = Counter(model.entries[k].source for k in keys)
    return render_template("papers.html", page, "All papers", rows=[_row(model, k, shown) for k in keys],
                           facets=facets, all_facets=model.taxonomy.facet_names, shown=shown, years=years,
                           counts=counts, sources=sources,
                           first_person=first_person, first_venue=first_venue, stem=stem)


def _row(model: SiteModel, key: str, shown: list[tuple[str, str]]) -> dict[str, Any]:
    entry = model.entries[key]
    labels = model.labels[key]
    chips = {facet: [(node.label, node_page(facet, node.id)) for node_id in labels[facet]
                     if (node := model.taxonomy.node(facet, node_id)) is not None] for facet, _ in shown}
    return {"key": key, "title": entry.title, "year": entry.year, "authors": entry.authors,
            "venue": entry.venue or entry.note or "", "page": paper_page(key), "source": entry.source,
            "cited_by": len(model.cited_by[key]),
            "labels": labels, "chips": chips}


def render_paper(model: SiteModel, key: str) -> str:
    entry = model.entries[key]
    page = paper_page(key)
    return render_template(
        "paper.html", page, entry.title, aggregate=False, search_filters=search_filters(model, key),
        key=key, entry=entry, facets=_facet_values(model, key),
        # blocks of the catalogue's extension (the survey's placement, distillation facts), when it has them
        survey=getattr(entry, "survey", None), distillation=getattr(entry, "distillation", None),
        authors=[(display_name(name), person_page(model.person_of[name]), model.person_of[name].slug)
                 for name in entry.authors],
        venue_link=((venue_page(v), v.slug) if entry.venue and (v := _venue_of(model, entry.venue)) else None),
        identifiers=identifier_links(entry), links=external_links(entry), checked=checked_records(entry),
        cites=paper_list(model, [k for k in dict.fromkeys(entry.cites) if k in model.entries], page),
        cites_count=sum(1 for k in dict.fromkeys(entry.cites) if k in model.entries),
        cited_by=paper_list(model, sorted(model.cited_by[key], key=lambda k: (-model.entries[k].year, k)), page),
        cited_by_count=len(model.cited_by[key]),
        similar=similar_list(model, model.similar.get(key, []), page),
        reference_list=entry.reference_list,
        bibtex=model.bibtex.get(key, ""),
        local_graph=_local_graph(model, key),
        citations=[(style, html) for style in STYLES if (html := model.citations.get(key, {}).get(style.id))],
        published=publication_text(entry),
        pdf=None if entry.links.pdf and is_safe_url(entry.links.pdf) else pdf_url(entry),  # else among the links
    )


def _local_graph(model: SiteModel, key: str) -> str | None:
    """The paper's local graph (references, citers, similar works) as JSON for graph.js, or None alone."""
    data = local_graph(model, key)
    return safe_json(data) if len(data["nodes"]) > 1 else None


def search_filters(model: SiteModel, key: str) -> list[tuple[str, str]]:
    """(filter, value) pairs of a paper for the search index: the label of each of its values in
    the taxonomy's filter facets (``roles.filters``), and its year. A filter is named by its
    facet's label, without the characters Pagefind's attribute syntax reserves."""
    pairs = []
    for facet in model.taxonomy.filters:
        name = "".join(ch for ch in model.taxonomy.facets[facet].label if ch not in ",:[]") or facet
        for node_id in model.labels[key][facet]:
            node = model.taxonomy.node(facet, node_id)
            if node is not None:
                pairs.append((name, node.label))
    pairs.append(("Year", str(model.entries[key].year)))
    return pairs


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


RECORD_LABELS: dict[str, str] = {
    "arxiv-abs": "arXiv abstract page", "arxiv-fulltext": "the paper's full text", "acl-anthology": "ACL Anthology",
    "openreview": "OpenReview", "publisher": "publisher's page", "proceedings": "proceedings",
    "authors-release": "the authors' release", "other-page": "a third-party page"}
"""How a paper page names each kind of record its facts were checked against."""


def checked_records(entry: Entry) -> list[tuple[str, str, str]]:
    """(label, URL, date) of each record the entry's facts were checked against; URLs not
    http(s) are dropped (defence in depth: the model admits none)."""
    return [(RECORD_LABELS.get(record.record, record.record), record.url, record.checked.isoformat())
            for record in entry.verification if is_safe_url(record.url)]


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
    """The coverage matrix of the taxonomy's two ``matrix`` facets (columns x rows) as a heat map
    with totals, what it leaves out, and the year chart with its numbers."""
    taxonomy = model.taxonomy
    chart = {"chart": year_method_chart(model), "years": year_counts(model)}
    if taxonomy.matrix is None:
        return render_template("coverage.html", "coverage.md", "Coverage", matrix=None, **chart)
    column_facet, row_facet = taxonomy.matrix
    columns, rows = taxonomy.facets[column_facet].nodes, taxonomy.facets[row_facet].nodes
    counts: Counter[tuple[str, str]] = Counter()
    for key in model.entries:
        for c in model.labels[key][column_facet]:
            for r in model.labels[key][row_facet]:
                counts[(c, r)] += 1
    top = max(counts.values(), default=0)
    placed = [k for k in model.entries if model.labels[k][column_facet] and model.labels[k][row_facet]]
    row_totals = {r.id: sum(1 for k in placed if r.id in model.labels[k][row_facet]) for r in rows}
    column_totals = {c.id: sum(1 for k in placed if c.id in model.labels[k][column_facet]) for c in columns}
    no_column = sum(1 for k in model.entries if not model.labels[k][column_facet])
    no_row = sum(1 for k in model.entries if not model.labels[k][row_facet])
    neither = sum(1 for k in model.entries if not model.labels[k][column_facet] and not model.labels[k][row_facet])
    share = {cell: round(n / top, 2) for cell, n in counts.items()} if top else {}
    matrix = {"column_facet": column_facet, "row_facet": row_facet,
              "column_label": taxonomy.facets[column_facet].label, "row_label": taxonomy.facets[row_facet].label}
    return render_template("coverage.html", "coverage.md", "Coverage", matrix=matrix, columns=columns, rows=rows,
                           counts=counts, share=share, heat={cell: min(4, int(v * 5)) for cell, v in share.items()},
                           row_totals=row_totals, column_totals=column_totals, placed=len(placed),
                           unplaced=len(model.entries) - len(placed), no_column=no_column, no_row=no_row,
                           neither=neither, papers=len(model.entries), **chart)


def render_timeline(model: SiteModel) -> str:
    by_year: dict[int, list[str]] = defaultdict(list)
    for key in model.ordered_keys():
        by_year[model.entries[key].year].append(key)
    years = [(year, len(keys), paper_list(model, keys, "timeline.md")) for year, keys in by_year.items()]
    return render_template("timeline.html", "timeline.md", "Timeline", years=sorted(years, reverse=True),
                           total=len(model.entries))


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


TABLE_NAMES = {"table3": "Table III", "table4": "Table IV"}
"""The survey tables whose cells an erratum can correct (``field: table4.teacher``), as the page names them."""


def render_corrections(model: SiteModel) -> str:
    rows: list[tuple[int | None, dict[str, Any], Any]] = []
    table_rows: list[tuple[int | None, dict[str, Any], str, Any]] = []  # errata of the survey's Tables III and IV
    for key, entry in model.entries.items():
        survey = getattr(entry, "survey", None)  # the survey extension's block, when the catalogue has it
        if survey is None:
            continue
        for erratum in survey.errata:
            table, _, column = erratum.field.partition(".")
            if column and table in TABLE_NAMES:
                table_rows.append((survey.ref, paper_card(model, key), f"{TABLE_NAMES[table]} {column}", erratum))
            else:
                rows.append((survey.ref, paper_card(model, key), erratum))
    rows.sort(key=lambda row: (row[0] or 0, row[1]["key"]))
    table_rows.sort(key=lambda row: (row[2].split(" ")[:2], row[0] or 0, row[1]["key"], row[2]))
    unverified = [paper_card(model, k) for k in sorted(model.entries) if not model.entries[k].verified]
    cites_a_survey = any(getattr(entry, "survey", None) is not None for entry in model.entries.values())
    title = "Corrections to the survey's references" if cites_a_survey else "Corrections"
    return render_template("corrections.html", "corrections.md", title, heading=title, survey=cites_a_survey,
                           rows=rows, table_rows=table_rows, unverified=unverified)


def render_taxonomy_index(model: SiteModel) -> str:
    facets = []
    for facet in model.taxonomy.facet_names:
        nodes = [(n, node_page(facet, n.id), sum(1 for k in model.entries if n.id in model.labels[k][facet]))
                 for n in model.taxonomy.facets[facet].nodes]
        facets.append((model.taxonomy.facets[facet], nodes))
    return render_template("taxonomy.html", "taxonomy.md", "Taxonomy", facets=facets)


def render_graph_page(model: SiteModel) -> str:
    taxonomy = model.taxonomy
    facets = [(taxonomy.facet_names.index(facet), taxonomy.facets[facet].label,
               [(n.id, n.label) for n in taxonomy.facets[facet].nodes]) for facet in taxonomy.filters]
    return render_template("graph.html", "graph.md", "Citation graph", methods=lane_legend(model),
                           other_colour=OTHER_COLOUR, lanes_label=taxonomy.facets[taxonomy.lanes].label,
                           coverage=reference_coverage(model), facets=facets,
                           years=sorted({e.year for e in model.entries.values()}))


def render_downloads(model: SiteModel, stem: str = "catalogue") -> str:
    facet = model.taxonomy.lanes
    example = f"{facet}={next(iter(model.taxonomy.node_ids(facet)), 'ID')}"
    return render_template("downloads.html", "downloads.md", "Downloads", papers=len(model.entries), example=example,
                           stem=stem)
