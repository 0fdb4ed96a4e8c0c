"""Site generation: the catalogue as pages, independent of MkDocs.

:func:`generate_site` turns a validated catalogue into a mapping ``{path: content}`` of
Markdown pages and static files (data for the client-side table and graph, downloads, the
Atom feed). The MkDocs plugin (:mod:`symkd_survey.site.plugin`) only hands these to MkDocs;
:func:`write_generated` writes them to a folder for any other static-site tool. Generated
paths come from validated keys and taxonomy ids, never from free text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from symkd_survey.core.catalogue import Repository
from symkd_survey.exports.ris import export_ris
from symkd_survey.site.citations import default_cache_folder, format_citations
from symkd_survey.site.feed import atom_feed
from symkd_survey.site.graph import graph_json
from symkd_survey.site.metadata import citation_meta
from symkd_survey.site.model import SiteModel, SiteText, build_model
from symkd_survey.site.pages import (
    letter_pages,
    render_corrections,
    render_coverage,
    render_downloads,
    render_graph_page,
    render_home,
    render_node,
    render_paper,
    render_papers,
    render_problems,
    render_taxonomy_index,
    render_timeline,
)
from symkd_survey.site.paths import node_page, paper_page, person_page, venue_page
from symkd_survey.site.rendering import safe_json

Content = str | bytes
GeneratedSite = dict[str, Content]
GENERATED_OUT_OF_NAV = ("papers/", "taxonomy/", "authors/", "venues/")  # many pages: never in the navigation


def generate_site(repo: Repository, *, site_url: str | None = None, heads: dict[str, str] | None = None,
                  text: SiteText | None = None, citation_cache: Path | None = None) -> GeneratedSite:
    """Every generated page and file of the site, keyed by its path in the docs folder.

    ``heads``, when given, is filled with the extra ``<head>`` markup of each generated page
    (the ``citation_*`` tags of paper pages), keyed by the same paths, for the plugin to insert.
    ``text`` defaults to what the repository's ``mkdocs.yml`` says (:class:`SiteText`).
    ``citation_cache`` is the folder of the formatted citations kept between builds
    (:mod:`symkd_survey.site.citations`; default: ``citations/`` in the user cache folder).
    """
    return dict(site_files(repo, site_url=site_url, heads=heads, text=text, citation_cache=citation_cache))


def site_files(repo: Repository, *, site_url: str | None = None, heads: dict[str, str] | None = None,
               text: SiteText | None = None, citation_cache: Path | None = None) -> Iterator[tuple[str, Content]]:
    """:func:`generate_site`'s pages and files one at a time, (path, content), each path once,
    for a reader that keeps them in another form (the MkDocs plugin compresses each page): at
    10,000 papers all of them at once are a few hundred MB. The catalogue is validated and the
    site model built before the first is given."""
    model = build_model(repo)
    text = text or SiteText.from_repository(repo)
    model.citations = format_citations(model.csl, cache_folder=citation_cache if citation_cache is not None
                                       else default_cache_folder())
    yield "index.md", render_home(model, text)
    yield "papers.md", render_papers(model, text.stem)
    yield "coverage.md", render_coverage(model)
    yield "timeline.md", render_timeline(model)
    yield "problems.md", render_problems(model)
    yield "corrections.md", render_corrections(model)
    yield "taxonomy.md", render_taxonomy_index(model)
    yield "graph.md", render_graph_page(model)
    yield "downloads.md", render_downloads(model, text.stem)
    yield "assets/data/graph.json", safe_json(graph_json(model))
    yield "assets/data/bibtex.json", safe_json(table_json(model))
    yield "feed.xml", atom_feed(model, site_url, text.title, text.stem)
    yield f"downloads/{text.stem}.bib", "".join(model.bibtex[k] + "\n" for k in sorted(model.bibtex))
    yield f"downloads/{text.stem}-biblatex.bib", "".join(model.biblatex[k] + "\n" for k in sorted(model.biblatex))
    yield (f"downloads/{text.stem}.csl.json",
           "[\n" + ",\n".join(safe_json(model.csl[k]) for k in sorted(model.csl)) + "\n]\n")
    yield f"downloads/{text.stem}.ris", export_ris(model.catalogue)
    for key in model.entries:
        yield paper_page(key), render_paper(model, key)
        if heads is not None:
            heads[paper_page(key)] = citation_meta(model.entries[key])
        yield f"papers/{key}.bib", model.bibtex.get(key, "")
        yield f"papers/{key}.json", safe_json([model.csl[key]] if key in model.csl else [])
        yield f"papers/{key}.ris", export_ris([model.catalogue.entries[key]])
    for facet in model.taxonomy.facet_names:
        for node_id in model.taxonomy.node_ids(facet):
            yield node_page(facet, node_id), render_node(model, facet, node_id)
    yield from letter_pages(model, model.people, person_page, "Authors", "people").items()
    yield from letter_pages(model, model.venues, venue_page, "Venues", "venues").items()
    yield from graph_downloads(model, text.stem).items()


def table_json(model: SiteModel) -> dict[str, str]:
    """Each paper's BibTeX, for downloading the filtered table as one file."""
    return {key: model.bibtex.get(key, "") for key in sorted(model.entries)}


def graph_downloads(model: SiteModel, stem: str = "catalogue") -> GeneratedSite:
    import json

    from symkd_survey.analysis.graph.export import export_graph

    return {f"downloads/{stem}.graphml": export_graph(model.graph, "graphml"),
            # node-link JSON for networkx and D3 (the page's own graph.json is a compact drawing format)
            f"downloads/{stem}-graph.json": safe_json(json.loads(export_graph(model.graph, "json"))) + "\n"}


def write_generated(files: GeneratedSite, folder: Path) -> None:
    """Write generated files under ``folder`` (for tools other than MkDocs)."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
