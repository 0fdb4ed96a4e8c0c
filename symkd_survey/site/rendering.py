"""Rendering: the Jinja environment, the page wrapper, and the paper lists every page shares.

Safety: every page body is one raw-HTML block rendered by jinja2 with autoescaping, so no
catalogue string is ever interpreted as Markdown or HTML; front-matter titles are
HTML-escaped because MkDocs' theme inserts them unescaped; data files escape ``<``, ``>`` and
``&``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from symkd_survey.analysis.similarity import SimilarWork
from symkd_survey.core.names import Name
from symkd_survey.site.model import SiteModel
from symkd_survey.site.paths import page_url, paper_page, relative


def display_name(author: str) -> str:
    """'Family, Given' as 'Given Family'; a corporate name unchanged.

    >>> display_name("Le Bras, Ronan"), display_name("OpenAI")
    ('Ronan Le Bras', 'OpenAI')
    """
    return Name.parse(author).display()


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
    return "---\ntitle: " + json.dumps(escaped) + _FRONT_MATTER_END


_FRONT_MATTER_END = "\n---\n\n"


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


AGGREGATE_SEARCH = ' data-pagefind-body data-pagefind-weight="0.1" data-pagefind-meta="kind:page"'
"""The search index's marks of an aggregate page (:mod:`.search_index`): indexed, at a tenth of a
paper page's weight, so that papers rank above the pages listing them."""


def render_template(template: str, page: str, title: str, **context: Any) -> str:
    """A page's Markdown source. Pages are aggregate pages for search, indexed at a low weight,
    unless ``aggregate=False`` (paper pages, which mark their own ``<article>``)."""
    aggregate = context.pop("aggregate", True)
    body = _environment().get_template(template).render(
        page=page, link=lambda target: relative(page, target), **context)
    # One raw-HTML block: Markdown must not see blank lines inside it.
    lines = [line.rstrip() for line in body.splitlines() if line.strip()]
    search = AGGREGATE_SEARCH if aggregate else ""
    return front_matter(title) + f'{_RAW_OPEN}{search}>\n' + "\n".join(lines) + "\n</div>\n"


_RAW_OPEN = '<div class="symkd" markdown="0"'


def split_page(source: str) -> tuple[str, str] | None:
    """(front matter, HTML) of a page :func:`render_template` made; None for any other source.
    Such a page is one raw-HTML block, which Markdown passes through as it is, after parsing it
    twice (about half the time of a 10,000-paper build): the site takes the HTML as it is."""
    head, end, body = source.partition(_FRONT_MATTER_END)
    body = body.rstrip("\n")
    if (not head.startswith("---\n") or not end or not body.startswith(_RAW_OPEN) or not body.endswith("</div>")
            or "\n\n" in body):
        return None
    return head + end, body


def paper_card(model: SiteModel, key: str) -> dict[str, Any]:
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
