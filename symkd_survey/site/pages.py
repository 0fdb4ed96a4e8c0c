"""Site generation: the catalogue as pages, independent of MkDocs.

:func:`generate_site` turns a validated catalogue into a mapping ``{path: content}`` of
Markdown pages and static files (data for the client-side table and graph, downloads, the
Atom feed). The MkDocs hook (:mod:`symkd_survey.site.plugin`) only hands these to MkDocs;
:func:`write_generated` writes them to a folder for any other static-site tool.

Safety: every page body is one raw-HTML block rendered by jinja2 with autoescaping, so no
catalogue string is ever interpreted as Markdown or HTML; front-matter titles are
HTML-escaped because MkDocs' theme inserts them unescaped; links are built only from
validated identifiers or checked ``http(s)`` URLs. Generated paths come from validated
keys and taxonomy ids, never from free text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote
from xml.etree import ElementTree as ET

import jinja2
from markupsafe import Markup, escape

from symkd_survey.analysis.people import Person, Venue, people, venues
from symkd_survey.analysis.similarity import SimilarWork, citation_neighbours, similar_works
from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Catalogue, Repository
from symkd_survey.core.ids import is_safe_url
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.exports.ris import export_ris

Content = str | bytes
GeneratedSite = dict[str, Content]



@dataclass(frozen=True, slots=True)
class SiteText:
    """What the site says about its subject, from the repository's ``mkdocs.yml``: ``site_name``
    (the title), and ``extra.symkd.heading`` and ``extra.symkd.lead`` (the home page's heading
    and opening paragraph). No template says what the catalogue is about."""

    title: str = "Catalogue"
    heading: str | None = None
    lead: str | None = None

    @classmethod
    def from_config(cls, site_name: str | None, extra: Any) -> SiteText:
        symkd = extra.get("symkd") if isinstance(extra, dict) else None
        symkd = symkd if isinstance(symkd, dict) else {}
        heading, lead = symkd.get("heading"), symkd.get("lead")
        return cls(title=str(site_name or "Catalogue"), heading=str(heading) if heading else None,
                   lead=str(lead) if lead else None)

    @classmethod
    def from_repository(cls, repo: Repository) -> SiteText:
        """Read from ``mkdocs.yml`` beside ``taxonomy.yaml`` (the defaults when it cannot be read)."""
        import yaml

        try:
            config = yaml.safe_load((repo.root / "mkdocs.yml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return cls()
        config = config if isinstance(config, dict) else {}
        return cls.from_config(config.get("site_name"), config.get("extra"))

NEWEST = 10
FEED_SIZE = 30
OTHER_COLOUR = "#7f7f7f"
"""The colour of a lane whose node gives none in ``taxonomy.yaml``, and of papers without a lane."""
GENERATED_OUT_OF_NAV = ("papers/", "taxonomy/", "authors/", "venues/")  # many pages: never in the navigation


# --------------------------------------------------------------------------- small pure helpers

def paper_page(key: str) -> str:
    """The page of a paper.

    >>> paper_page("west2022symbolic")
    'papers/west2022symbolic.md'
    """
    return f"papers/{key}.md"


def node_page(facet: str, node_id: str) -> str:
    return f"taxonomy/{facet}/{node_id}.md"


def page_url(page: str) -> str:
    """The URL of a page relative to the site root (``use_directory_urls: false``).

    >>> page_url("papers/x.md"), page_url("index.md")
    ('papers/x.html', 'index.html')
    """
    return page[:-3] + ".html" if page.endswith(".md") else page


def relative(from_page: str, target: str) -> str:
    """A link from one generated file to another, relative, so the site works anywhere.

    >>> relative("papers/a.md", "taxonomy/method/direct.md")
    '../taxonomy/method/direct.html'
    >>> relative("index.md", "papers.md")
    'papers.html'
    >>> relative("papers/a.md", "papers.md") + "?method=direct"
    '../papers.html?method=direct'
    """
    return "../" * from_page.count("/") + page_url(target)


def display_name(author: str) -> str:
    """'Family, Given' as 'Given Family'; a corporate name unchanged.

    >>> display_name("Le Bras, Ronan"), display_name("OpenAI")
    ('Ronan Le Bras', 'OpenAI')
    """
    family, sep, given = author.partition(",")
    return f"{given.strip()} {family.strip()}" if sep else author


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


def safe_json(data: Any) -> str:
    """JSON with ``<``, ``>`` and ``&`` escaped, so that no data file holds live markup even
    if a browser or a careless consumer ever treats it as HTML.

    >>> safe_json({"t": "</script>"})
    '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def front_matter(title: str) -> str:
    """MkDocs front matter: MkDocs' theme inserts the title unescaped, so it is HTML-escaped
    here, and written in pure ASCII (every other character as an HTML character reference), so
    that no character YAML reads as a line break or refuses (U+0085, U+2028) can end the front
    matter early and turn the page into Markdown.

    >>> front_matter("Caf\u00e9 <b>\u0085")
    '---\\ntitle: "Caf&#233; &lt;b&gt;&#133;"\\n---\\n\\n'
    """
    escaped = html.escape(title).encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "---\ntitle: " + json.dumps(escaped) + "\n---\n\n"


# --------------------------------------------------------------------------- the model of the site

@dataclass(slots=True)
class SiteModel:
    """Everything the pages need, computed once per build (linear in the catalogue)."""

    repo: Repository
    taxonomy: Taxonomy
    catalogue: Catalogue
    entries: dict[str, Entry]
    cited_by: dict[str, list[str]]
    graph: Any  # networkx.DiGraph of the catalogue (symkd_survey.analysis.graph.build_graph)
    similar: dict[str, list[SimilarWork]]
    bibtex: dict[str, str]
    biblatex: dict[str, str]
    csl: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # key -> facet -> ids
    people: dict[str, Person] = field(default_factory=dict)  # slug -> person
    person_of: dict[str, Person] = field(default_factory=dict)  # author name as written -> person
    venues: dict[str, Venue] = field(default_factory=dict)  # slug -> venue
    cards: dict[tuple[str, int], str] = field(default_factory=dict)  # (key, page depth) -> <li> HTML

    def ordered_keys(self) -> list[str]:
        """Newest year first, then by key."""
        return sorted(self.entries, key=lambda k: (-self.entries[k].year, k))


def _similar(graph: Any, entries: dict[str, Entry], labels: dict[str, dict[str, list[str]]], taxonomy: Taxonomy,
             top: int = 5) -> dict[str, list[SimilarWork]]:
    """Similar works of every paper from text, taxonomy and citations (:mod:`symkd_survey.analysis.similarity`)."""
    names = {node.id: node.label for facet in taxonomy.facets.values() for node in facet.nodes}
    texts = {key: (entry.title, entry.summary) for key, entry in entries.items()}
    return similar_works(texts, labels, names, taxonomy.matrix, citation_neighbours(graph), top=top)


def build_model(repo: Repository, *, bibtex: Callable[[Catalogue], dict[str, str]] | None = None,
                biblatex: Callable[[Catalogue], dict[str, str]] | None = None,
                csl: Callable[[Catalogue], dict[str, dict[str, Any]]] | None = None) -> SiteModel:
    """Validate, then gather what the pages need. Refuses to build on any error."""
    result = validate(repo)
    if result.errors:
        raise SymkdError(result.errors)
    catalogue, taxonomy = result.catalogue, result.taxonomy
    entries = {item.key: item.entry for item in catalogue}
    cited_by: dict[str, list[str]] = {key: [] for key in entries}
    for key, entry in entries.items():
        for cited in dict.fromkeys(entry.cites):
            if cited in cited_by and cited != key:
                cited_by[cited].append(key)
    from symkd_survey.analysis.graph.building import build_graph

    graph = build_graph(catalogue, taxonomy)
    labels = {key: {facet: taxonomy.canonical(facet, entry.labels(facet)) for facet in taxonomy.facet_names}
              for key, entry in entries.items()}
    if bibtex is None or biblatex is None or csl is None:
        exports = _exporters()
        bibtex, biblatex, csl = bibtex or exports["bibtex"], biblatex or exports["biblatex"], csl or exports["csl"]
    persons = people({key: entry.authors for key, entry in entries.items()})
    person_of = {name: person for person in persons.values() for name in person.names}
    return SiteModel(
        people=persons, person_of=person_of, venues=venues((key, e.venue) for key, e in entries.items()),
        repo=repo, taxonomy=taxonomy, catalogue=catalogue, entries=entries, cited_by=cited_by,
        graph=graph, similar=_similar(graph, entries, labels, taxonomy), bibtex=bibtex(catalogue),
        biblatex=biblatex(catalogue), csl=csl(catalogue), labels=labels,
    )


def _exporters() -> dict[str, Callable[[Catalogue], Any]]:
    from symkd_survey.exports.bibtex import entry_snippet
    from symkd_survey.exports.csl import to_csl

    def snippets(catalogue: Catalogue, dialect: Literal["bibtex", "biblatex"]) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in catalogue:
            try:
                out[item.key] = entry_snippet(item, dialect)
            except SymkdError as exc:  # e.g. CJK text has no LaTeX form: say so on the page
                out[item.key] = f"% {dialect} export not possible: {exc.issues[0].message}\n"
        return out

    return {
        "bibtex": lambda c: snippets(c, "bibtex"),
        "biblatex": lambda c: snippets(c, "biblatex"),
        "csl": lambda c: {item.key: to_csl(item.key, item.entry) for item in c},
    }


# --------------------------------------------------------------------------- rendering

@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("symkd_survey.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["name"] = display_name
    return env


def _render(template: str, page: str, title: str, **context: Any) -> str:
    body = _environment().get_template(template).render(
        page=page, link=lambda target: relative(page, target), **context)
    # One raw-HTML block: Markdown must not see blank lines inside it.
    lines = [line.rstrip() for line in body.splitlines() if line.strip()]
    return front_matter(title) + '<div class="symkd" markdown="0">\n' + "\n".join(lines) + "\n</div>\n"


def _paper_card(model: SiteModel, key: str) -> dict[str, Any]:
    entry = model.entries[key]
    return {"key": key, "title": entry.title, "year": entry.year, "authors": entry.authors,
            "page": paper_page(key), "verified": entry.verified}


def _card(model: SiteModel, key: str, depth: int) -> str:
    """A paper's list item, rendered once per page depth and reused on every page listing it."""
    cached = model.cards.get((key, depth))
    if cached is None:
        entry = model.entries[key]
        href = "../" * depth + page_url(paper_page(key))
        authors = display_name(entry.authors[0]) + (" et al." if len(entry.authors) > 1 else "")
        badge = "" if entry.verified else (' <span class="symkd-badge symkd-unverified" '
                                           'title="metadata not verified against a record">unverified</span>')
        cached = (f'<li><a href="{escape(href)}">{escape(entry.title)}</a> '
                  f'<span class="symkd-meta">{escape(authors)}, {entry.year}</span>{badge}</li>')
        model.cards[(key, depth)] = cached
    return cached


def paper_list(model: SiteModel, keys: Iterable[str], page: str) -> Markup:
    """A ``<ul>`` of papers for ``page``; empty (and falsy in templates) when there are none."""
    depth = page.count("/")
    items = [_card(model, key, depth) for key in keys]
    return Markup('<ul class="symkd-list">\n' + "\n".join(items) + "\n</ul>") if items else Markup("")


def similar_list(model: SiteModel, works: Iterable[SimilarWork], page: str) -> Markup:
    """Similar works as a ``<ul>``, each card followed by why it was chosen."""
    depth = page.count("/")
    items = [_card(model, work.key, depth).removesuffix("</li>")
             + f' <span class="symkd-why">({escape("; ".join(work.reasons))})</span></li>' for work in works]
    return Markup('<ul class="symkd-list">\n' + "\n".join(items) + "\n</ul>") if items else Markup("")


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


def render_paper(model: SiteModel, key: str) -> str:
    entry = model.entries[key]
    page = paper_page(key)
    return _render(
        "paper.html", page, entry.title,
        key=key, entry=entry, facets=_facet_values(model, key),
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


def _venue_of(model: SiteModel, venue: str) -> Venue | None:
    from symkd_survey.analysis.people import venue_identity

    return model.venues.get(venue_identity(venue).replace(" ", "-")[:80] or "venue")


def person_page(person: Person) -> str:
    return f"authors/{person.letter}.md"


def venue_page(venue: Venue) -> str:
    return f"venues/{venue.letter}.md"


def _letter_pages(model: SiteModel, groups: dict[str, Any], page_of: Callable[[Any], str], heading: str,
                  what: str) -> GeneratedSite:
    """One page per initial letter, each group (a person or a venue) with its papers, newest first."""
    by_page: dict[str, list[Any]] = defaultdict(list)
    for group in sorted(groups.values(), key=lambda g: g.slug):
        by_page[page_of(group)].append(group)
    letters = [(page[-4], page) for page in sorted(by_page)]
    out: GeneratedSite = {}
    for page, members in by_page.items():
        rendered = [{"slug": g.slug, "name": g.name, "names": g.names, "count": len(g.keys),
                     "papers": paper_list(model, sorted(g.keys, key=lambda k: (-model.entries[k].year, k)), page)}
                    for g in members]
        out[page] = _render("people.html", page, f"{heading}: {page[-4].upper()}", heading=heading,
                            letters=letters, letter=page[-4], groups=rendered, total=len(groups), what=what)
    return out


def render_node(model: SiteModel, facet: str, node_id: str) -> str:
    node = model.taxonomy.node(facet, node_id)
    assert node is not None
    keys = [k for k in model.ordered_keys() if node_id in model.labels[k][facet]]
    page = node_page(facet, node_id)
    return _render("node.html", page, node.label, facet=facet, facet_label=model.taxonomy.facets[facet].label,
                   node=node, papers=paper_list(model, keys, page), count=len(keys))


def _row(model: SiteModel, key: str) -> dict[str, Any]:
    entry = model.entries[key]
    labels = model.labels[key]
    return {"key": key, "title": entry.title, "year": entry.year, "authors": entry.authors,
            "venue": entry.venue or entry.note or "", "page": paper_page(key), "source": entry.source,
            "cited_by": len(model.cited_by[key]),
            "labels": labels}


def render_papers(model: SiteModel) -> str:
    page = "papers.md"
    years = sorted({e.year for e in model.entries.values()})
    facets = [(facet, model.taxonomy.facets[facet].label,
               [(n.id, n.label) for n in model.taxonomy.facets[facet].nodes]) for facet in model.taxonomy.filters]
    shown = [(facet, model.taxonomy.facets[facet].label) for facet in model.taxonomy.matrix or ()]
    first_person = min((person_page(p) for p in model.people.values()), default=None)
    first_venue = min((venue_page(v) for v in model.venues.values()), default=None)
    return _render("papers.html", page, "All papers", rows=[_row(model, k) for k in model.ordered_keys()],
                   facets=facets, all_facets=model.taxonomy.facet_names, shown=shown, years=years,
                   first_person=first_person, first_venue=first_venue)


def render_coverage(model: SiteModel) -> str:
    """The coverage matrix of the taxonomy's two ``matrix`` facets (columns x rows) as a heat map."""
    taxonomy = model.taxonomy
    if taxonomy.matrix is None:
        return _render("coverage.html", "coverage.md", "Coverage", matrix=None, chart=year_method_chart(model),
                       lanes=_lane_legend(model), lanes_label=taxonomy.facets[taxonomy.lanes].label,
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
    return _render("coverage.html", "coverage.md", "Coverage", matrix=matrix, columns=columns, rows=rows,
                   counts=counts, share={cell: round(n / top, 2) for cell, n in counts.items()} if top else {},
                   row_totals=row_totals, column_totals=column_totals, unplaced=unplaced, papers=len(model.entries),
                   chart=year_method_chart(model), lanes=_lane_legend(model),
                   lanes_label=taxonomy.facets[taxonomy.lanes].label, other=OTHER_COLOUR)


def _lane_legend(model: SiteModel) -> list[tuple[str, str, str]]:
    """(id, label, colour) of each value of the lanes facet."""
    facet = model.taxonomy.lanes
    return [(n.id, n.label, n.colour or OTHER_COLOUR) for n in model.taxonomy.facets[facet].nodes]


def lane_colours(model: SiteModel) -> dict[str, str]:
    """The colour of each value of the lanes facet; ``""`` (no value) is grey."""
    return {node_id: colour for node_id, _, colour in _lane_legend(model)} | {"": OTHER_COLOUR}


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


def render_timeline(model: SiteModel) -> str:
    by_year: dict[int, list[str]] = defaultdict(list)
    for key in model.ordered_keys():
        by_year[model.entries[key].year].append(key)
    years = [(year, len(keys), paper_list(model, keys, "timeline.md")) for year, keys in by_year.items()]
    return _render("timeline.html", "timeline.md", "Timeline", years=sorted(years, reverse=True))


def render_problems(model: SiteModel) -> str:
    sections = []
    for facet in model.taxonomy.problems:
        nodes = []
        for node in model.taxonomy.facets[facet].nodes:
            keys = [k for k in model.ordered_keys() if node.id in model.labels[k][facet]]
            nodes.append((node, node_page(facet, node.id), paper_list(model, keys, "problems.md")))
        sections.append((model.taxonomy.facets[facet].label, model.taxonomy.facets[facet].survey_section, nodes))
    title = " and ".join(model.taxonomy.facets[f].label for f in model.taxonomy.problems) or "Open problems"
    return _render("problems.html", "problems.md", title, heading=title, sections=sections)


def render_corrections(model: SiteModel) -> str:
    rows: list[tuple[int | None, dict[str, Any], Any]] = []
    for key, entry in model.entries.items():
        if entry.survey is not None:
            rows.extend((entry.survey.ref, _paper_card(model, key), erratum) for erratum in entry.survey.errata)
    rows.sort(key=lambda row: (row[0] or 0, row[1]["key"]))
    unverified = [_paper_card(model, k) for k in sorted(model.entries) if not model.entries[k].verified]
    return _render("corrections.html", "corrections.md", "Corrections to the survey's references", rows=rows,
                   unverified=unverified)


def render_taxonomy_index(model: SiteModel) -> str:
    facets = []
    for facet in model.taxonomy.facet_names:
        nodes = [(n, node_page(facet, n.id), sum(1 for k in model.entries if n.id in model.labels[k][facet]))
                 for n in model.taxonomy.facets[facet].nodes]
        facets.append((model.taxonomy.facets[facet], nodes))
    return _render("taxonomy.html", "taxonomy.md", "Taxonomy", facets=facets)


def render_home(model: SiteModel, text: SiteText) -> str:
    newest = sorted(model.entries, key=lambda k: (model.entries[k].added, k), reverse=True)[:NEWEST]
    sources = Counter(e.source for e in model.entries.values())
    lanes = model.taxonomy.lanes
    methods = [(n, node_page(lanes, n.id), sum(1 for k in model.entries if n.id in model.labels[k][lanes]))
               for n in model.taxonomy.facets[lanes].nodes]
    edges = sum(len(v) for v in model.cited_by.values())
    years = [e.year for e in model.entries.values()]
    return _render("home.html", "index.md", text.title, text=text, papers=len(model.entries), sources=sources,
                   edges=edges, methods=methods, lanes_label=model.taxonomy.facets[lanes].label,
                   newest=paper_list(model, newest, "index.md"),
                   first_year=min(years, default=0), last_year=max(years, default=0))


def render_graph_page(model: SiteModel) -> str:
    return _render("graph.html", "graph.md", "Citation graph", methods=_lane_legend(model), other_colour=OTHER_COLOUR,
                   lanes_label=model.taxonomy.facets[model.taxonomy.lanes].label,
                   coverage=reference_coverage(model))


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


def render_downloads(model: SiteModel) -> str:
    facet = model.taxonomy.lanes
    example = f"{facet}={next(iter(model.taxonomy.node_ids(facet)), 'ID')}"
    return _render("downloads.html", "downloads.md", "Downloads", papers=len(model.entries), example=example)


GRAPH_CELL = (100.0, 400.0)
"""Width of a year column and height of a method lane, in layout units."""


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


def table_json(model: SiteModel) -> dict[str, str]:
    """Each paper's BibTeX, for downloading the filtered table as one file."""
    return {key: model.bibtex.get(key, "") for key in sorted(model.entries)}


def atom_feed(model: SiteModel, site_url: str | None, title: str = "Catalogue") -> bytes:
    """The newest additions as an Atom feed (XML built by ElementTree: always well-formed)."""
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    ET.SubElement(feed, f"{{{ns}}}title").text = f"{title}: recent additions"
    ET.SubElement(feed, f"{{{ns}}}id").text = base + "feed.xml" if base else "urn:symkd-survey:feed"
    newest = sorted(model.entries, key=lambda k: (model.entries[k].added, k), reverse=True)[:FEED_SIZE]
    updated = max((model.entries[k].added for k in newest), default=dt.date(2024, 1, 1))
    ET.SubElement(feed, f"{{{ns}}}updated").text = f"{updated.isoformat()}T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = "symkd-survey contributors"
    for key in newest:
        entry = model.entries[key]
        item = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(item, f"{{{ns}}}title").text = entry.title
        ET.SubElement(item, f"{{{ns}}}id").text = f"urn:symkd-survey:{key}"
        ET.SubElement(item, f"{{{ns}}}updated").text = f"{entry.added.isoformat()}T00:00:00Z"
        link = ET.SubElement(item, f"{{{ns}}}link")
        link.set("href", base + page_url(paper_page(key)) if base else page_url(paper_page(key)))
        summary = entry.summary or ", ".join(display_name(a) for a in entry.authors[:3])
        ET.SubElement(item, f"{{{ns}}}summary").text = f"{summary} ({entry.year})"
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text


def citation_meta(entry: Entry) -> str:
    """Highwire Press ``citation_*`` meta tags for a paper's page, as Zotero's and Google
    Scholar's importers read them: title, every author, date, venue, identifiers, PDF link.
    Every value is attribute-escaped; only checked ``http(s)`` URLs are written.

    >>> from symkd_survey.core.model import Entry
    >>> print(citation_meta(Entry(title='A "B" <c>', authors=["Doe, Jane"], year=2023, type="misc",
    ...                           ids={"arxiv": "2301.00001"}, source="curated", added="2026-01-01")))
    <meta name="citation_title" content="A &#34;B&#34; &lt;c&gt;">
    <meta name="citation_author" content="Doe, Jane">
    <meta name="citation_publication_date" content="2023">
    <meta name="citation_arxiv_id" content="2301.00001">
    <meta name="citation_pdf_url" content="https://arxiv.org/pdf/2301.00001">
    """
    tags: list[tuple[str, str]] = [("citation_title", entry.title)]
    tags += [("citation_author", author) for author in entry.authors]
    tags.append(("citation_publication_date", str(entry.year)))
    if entry.venue:
        venue_tag = {"inproceedings": "citation_conference_title", "article": "citation_journal_title",
                     "incollection": "citation_inbook_title"}.get(entry.type, "citation_publisher")
        tags.append((venue_tag, entry.venue))
    for name, value in (("citation_publisher", entry.publisher), ("citation_volume", entry.volume),
                        ("citation_issue", entry.number), ("citation_doi", entry.ids.doi),
                        ("citation_arxiv_id", entry.ids.arxiv)):
        if value and (name != "citation_publisher" or value != entry.venue):
            tags.append((name, value))
    if entry.pages and "--" in entry.pages:
        first, _, last = entry.pages.partition("--")
        tags += [("citation_firstpage", first), ("citation_lastpage", last)]
    pdf = entry.links.pdf if entry.links.pdf and is_safe_url(entry.links.pdf) else (
        f"https://arxiv.org/pdf/{entry.ids.arxiv}" if entry.ids.arxiv else None)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    return "\n".join(f'<meta name="{name}" content="{escape(value)}">' for name, value in tags)


def generate_site(repo: Repository, *, site_url: str | None = None, heads: dict[str, str] | None = None,
                  text: SiteText | None = None) -> GeneratedSite:
    """Every generated page and file of the site, keyed by its path in the docs folder.

    ``heads``, when given, is filled with the extra ``<head>`` markup of each generated page
    (the ``citation_*`` tags of paper pages), keyed by the same paths, for the hook to insert.
    ``text`` defaults to what the repository's ``mkdocs.yml`` says (:class:`SiteText`).
    """
    model = build_model(repo)
    text = text or SiteText.from_repository(repo)
    files: GeneratedSite = {
        "index.md": render_home(model, text),
        "papers.md": render_papers(model),
        "coverage.md": render_coverage(model),
        "timeline.md": render_timeline(model),
        "problems.md": render_problems(model),
        "corrections.md": render_corrections(model),
        "taxonomy.md": render_taxonomy_index(model),
        "graph.md": render_graph_page(model),
        "downloads.md": render_downloads(model),
        "assets/data/graph.json": safe_json(graph_json(model)),
        "assets/data/bibtex.json": safe_json(table_json(model)),
        "feed.xml": atom_feed(model, site_url, text.title),
        "downloads/symkd-survey.bib": "".join(model.bibtex[k] + "\n" for k in sorted(model.bibtex)),
        "downloads/symkd-survey-biblatex.bib": "".join(model.biblatex[k] + "\n" for k in sorted(model.biblatex)),
        "downloads/symkd-survey.csl.json": "[\n" + ",\n".join(safe_json(model.csl[k]) for k in sorted(model.csl))
                                           + "\n]\n",
        "downloads/symkd-survey.ris": export_ris(model.catalogue),
    }
    for key in model.entries:
        files[paper_page(key)] = render_paper(model, key)
        if heads is not None:
            heads[paper_page(key)] = citation_meta(model.entries[key])
        files[f"papers/{key}.bib"] = model.bibtex.get(key, "")
        files[f"papers/{key}.json"] = safe_json([model.csl[key]] if key in model.csl else [])
        files[f"papers/{key}.ris"] = export_ris([model.catalogue.entries[key]])
    for facet in model.taxonomy.facet_names:
        for node_id in model.taxonomy.node_ids(facet):
            files[node_page(facet, node_id)] = render_node(model, facet, node_id)
    files.update(_letter_pages(model, model.people, person_page, "Authors", "people"))
    files.update(_letter_pages(model, model.venues, venue_page, "Venues", "venues"))
    files.update(graph_downloads(model))
    return files


def graph_downloads(model: SiteModel) -> GeneratedSite:
    from symkd_survey.analysis.graph.export import export_graph

    return {"downloads/symkd-survey.graphml": export_graph(model.graph, "graphml")}


def write_generated(files: GeneratedSite, folder: Path) -> None:
    """Write generated files under ``folder`` (for tools other than MkDocs)."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
