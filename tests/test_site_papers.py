"""Paper pages in a real browser (issue 17): the citation style switcher and copy buttons, hostile
text in formatted citations, the ``citation_*`` tags Zotero reads, and the built site's sitemap,
feed and 404 page. The site, browser and page come from ``browser_support``."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.dates import publication_month
from symkd_survey.site.metadata import pdf_url

from .browser_support import BROWSER_MARKS, HOSTILE_KEY, HOSTILE_TITLE, shot

PAPER = "west2022symbolic"
MONTHLY = "hsieh2023distilling"  # arXiv 2305.02301, published 2023: the month is known


def _built(repo: Repository) -> Any:
    return repo.root / "_site"


def _site_url(repo: Repository) -> str:
    import yaml

    url = yaml.safe_load((repo.root / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
    return str(url).rstrip("/") + "/"


def browser_test(test: Any) -> Any:
    """The marks of a browser test (the sitemap and feed tests here need the built site only)."""
    for mark in BROWSER_MARKS:
        test = mark(test)
    return test


def test_sitemap_lists_every_paper_at_an_absolute_address(site: tuple[str, Repository]) -> None:
    _, repo = site
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(_built(repo) / "sitemap.xml").getroot()
    locations = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    base = _site_url(repo)
    assert all(str(loc).startswith(base) for loc in locations)
    for item in load_catalogue(repo):
        assert f"{base}papers/{item.key}.html" in locations, item.key


def test_feed_links_are_absolute(site: tuple[str, Repository]) -> None:
    _, repo = site
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(_built(repo) / "feed.xml").getroot()
    links = [link.get("href") for link in feed.findall("a:entry/a:link", ns)]
    assert links and all(str(link).startswith(_site_url(repo) + "papers/") for link in links)
    assert feed.findtext("a:id", namespaces=ns) == _site_url(repo) + "feed.xml"


@browser_test
@pytest.mark.parametrize("style", ["apa", "ieee", "acl"])
def test_style_switcher_shows_one_style_and_copies_it_as_text(browser: Any, site: tuple[str, Repository],
                                                              style: str) -> None:
    base, _ = site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + f"papers/{PAPER}.html")
    page.click(f"button.symkd-style[data-style='{style}']")
    visible = page.locator(".symkd-citation:visible")
    assert visible.count() == 1 and visible.get_attribute("data-style") == style
    assert page.locator(f"button.symkd-style[data-style='{style}']").get_attribute("aria-selected") == "true"
    text = page.locator(f"#citation-{style}-{PAPER}").inner_text()
    assert "Symbolic Knowledge Distillation" in text and "<i>" not in text
    page.click(f".symkd-citation[data-style='{style}'] button.symkd-copy-cite")
    page.wait_for_function(f"document.querySelector(\".symkd-citation[data-style='{style}'] "
                           "button.symkd-copy-cite\").dataset.copied === 'yes'")
    assert page.evaluate("navigator.clipboard.readText()") == re.sub(r"\s+", " ", text).strip()
    page.goto(base + f"papers/{MONTHLY}.html")  # the choice is kept for the next page
    assert page.locator(".symkd-citation:visible").get_attribute("data-style") == style
    if style == "ieee":
        shot(page, "paper-citations")
    assert errors == []
    context.close()


@browser_test
def test_hostile_title_is_text_in_every_formatted_citation(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + f"papers/{HOSTILE_KEY}.html")
    for style in ("apa", "ieee", "acl"):
        page.click(f"button.symkd-style[data-style='{style}']")
        formatted = page.locator(f"#citation-{style}-{HOSTILE_KEY}")
        assert HOSTILE_TITLE.removesuffix(" *Stars*") in formatted.inner_text()
        assert formatted.locator("script, img, b").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


@browser_test
def test_citation_tags_match_the_entry_with_month_and_pdf(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    entry = load_catalogue(repo).entries[MONTHLY].entry
    page.goto(base + f"papers/{MONTHLY}.html")
    tags = page.locator("head meta[name^='citation_']").evaluate_all(
        "els => els.map(e => [e.getAttribute('name'), e.getAttribute('content')])")
    by_name: dict[str, list[str]] = {}
    for name, content in tags:
        by_name.setdefault(name, []).append(content)
    month = publication_month(entry)
    assert month is not None
    assert by_name["citation_title"] == [entry.title]
    assert by_name["citation_author"] == entry.authors
    assert by_name["citation_publication_date"] == [f"{entry.year}/{month:02d}"]
    venue_tag = "citation_conference_title" if entry.type == "inproceedings" else "citation_journal_title"
    assert by_name[venue_tag] == [entry.venue]
    assert by_name["citation_arxiv_id"] == [entry.ids.arxiv]
    if entry.ids.doi:
        assert by_name["citation_doi"] == [entry.ids.doi]
    assert by_name["citation_pdf_url"] == [pdf_url(entry)]
    assert page.locator(".symkd-published").inner_text() == f"{entry.year}-{month:02d}"
    assert page.locator("a.symkd-pdf").get_attribute("href") == pdf_url(entry)


@browser_test
def test_not_found_page_searches_the_papers_and_links_home(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "404.html")
    assert page.locator("h1").first.inner_text() == "Page not found"
    assert page.locator(".symkd-notfound-links a", has_text="Home").count() == 1
    page.fill("#symkd-notfound-q", "Symbolic Knowledge Distillation")
    page.click(".symkd-notfound-search button[type=submit]")
    page.wait_for_url(re.compile(r".*/papers\.html\?search=Symbolic.*"))
    page.wait_for_function("document.querySelectorAll('#symkd-table tbody tr:not([hidden])').length > 0")
    assert page.locator(f"#symkd-table tbody tr[data-key='{PAPER}']:not([hidden])").count() == 1
    assert page.errors == []

