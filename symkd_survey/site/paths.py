"""Where each generated page lives, and the links between pages.

Paths are made only from validated keys, taxonomy ids and the slugs of people and venues, never
from free text. Links are relative (``use_directory_urls: false``), so the site works anywhere.
"""

from __future__ import annotations

from symkd_survey.analysis.people import Person, Venue


def paper_page(key: str) -> str:
    """The page of a paper.

    >>> paper_page("west2022symbolic")
    'papers/west2022symbolic.md'
    """
    return f"papers/{key}.md"


def node_page(facet: str, node_id: str) -> str:
    return f"taxonomy/{facet}/{node_id}.md"


def person_page(person: Person) -> str:
    return f"authors/{person.letter}.md"


def venue_page(venue: Venue) -> str:
    return f"venues/{venue.letter}.md"


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
