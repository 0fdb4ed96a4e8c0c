"""The header's search (Pagefind's chunked index, assets/search.js) in a real browser.

The site, the browser and a page come from ``browser_support`` (one build per test session).
"""

from __future__ import annotations

import re
from typing import Any

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.taxonomy import load_taxonomy

from .browser_support import BROWSER_MARKS, shot

pytestmark = BROWSER_MARKS

HITS = ".symkd-search-hit"


def _search(page: Any, query: str) -> int:
    """Type ``query`` into the header's box; the number of results the box announces."""
    page.fill("#symkd-search-input", query)
    status = page.locator(".symkd-search-status")
    page.wait_for_function("() => /^\\d+ results?$/.test(document.querySelector('.symkd-search-status').textContent)",
                           timeout=60000)
    count = int(status.inner_text().split()[0])
    if count:
        page.locator(HITS).first.wait_for(timeout=60000)
    return count


def _all_hits(page: Any, count: int) -> list[tuple[str, bool]]:
    """(path, is a paper) of every result, pressing "More results" until all are shown."""
    more = page.locator(".symkd-search-more")
    while page.locator(HITS).count() < count:
        shown = page.locator(HITS).count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('{HITS}').length > {shown}", timeout=60000)
    hits: list[tuple[str, bool]] = page.locator(HITS).evaluate_all(
        "els => els.map(e => [new URL(e.querySelector('a').href).pathname,"
        " !e.classList.contains('symkd-search-page')])")
    return hits


def _family(author: str) -> str:
    return author.split(",")[0].strip()


def test_choi_finds_every_paper_with_an_author_named_choi(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    choi = {item.key for item in load_catalogue(repo) if any(_family(a) == "Choi" for a in item.entry.authors)}
    yejin = {item.key for item in load_catalogue(repo) if "Choi, Yejin" in item.entry.authors}
    assert len(yejin) >= 16
    page.goto(base + "index.html")
    count = _search(page, "Choi")
    hits = _all_hits(page, count)
    found = {path.rsplit("/", 1)[-1].removesuffix(".html") for path, is_paper in hits if is_paper}
    assert choi <= found, sorted(choi - found)
    shot(page, "search-choi")
    assert page.errors == []


def test_an_author_in_tenth_place_or_later_is_found_by_family_name(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    catalogue = load_catalogue(repo)
    counts: dict[str, int] = {}
    for item in catalogue:
        for author in item.entry.authors:
            counts[_family(author)] = counts.get(_family(author), 0) + 1
    # a family name that appears once in the whole catalogue, 10th or later in its paper's list
    item, family = next((item, _family(a)) for item in catalogue for a in item.entry.authors[9:]
                        if counts[_family(a)] == 1 and re.fullmatch(r"[A-Za-z]{4,}", _family(a)))
    page.goto(base + "timeline.html")
    count = _search(page, family)
    paths = [path for path, _ in _all_hits(page, count)]
    assert any(path.endswith(f"/papers/{item.key}.html") for path in paths), (family, paths)


def test_a_title_search_from_a_paper_page_opens_the_paper(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "papers/west2022symbolic.html")  # a page in a subfolder: links must still resolve
    _search(page, "NovaCOMET")
    first = page.locator(HITS).first
    assert "NovaCOMET" in first.locator("strong").inner_text()
    assert "2023" in first.locator(".symkd-search-meta").inner_text()
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url("**/papers/west2023novacomet.html")
    assert "NovaCOMET" in page.locator("h1").first.inner_text()


def test_a_filter_narrows_the_results_to_papers_with_that_label(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    taxonomy = load_taxonomy(repo.root / "taxonomy.yaml")
    facet = taxonomy.filters[0]
    node = taxonomy.facets[facet].nodes[0]
    labelled = {item.key for item in load_catalogue(repo) if node.id in item.entry.labels(facet)}
    page.goto(base + "index.html")
    before = _search(page, "distillation")
    page.locator(".symkd-search-filters summary").click()
    select = page.locator(f".symkd-search-selects select[data-filter='{taxonomy.facets[facet].label}']")
    select.wait_for(timeout=60000)
    select.select_option(node.label)
    page.wait_for_function(  # a count again (not "Searching…"), and not the unfiltered one
        f"() => {{ const t = document.querySelector('.symkd-search-status').textContent;"
        f" return /^\\d+ results?$/.test(t) && t !== '{before} results'; }}", timeout=60000)
    after = int(page.locator(".symkd-search-status").inner_text().split()[0])
    assert 0 < after < before
    hits = _all_hits(page, after)
    keys = {path.rsplit("/", 1)[-1].removesuffix(".html") for path, _ in hits}
    assert all(is_paper for _, is_paper in hits)
    assert keys <= labelled
    shot(page, "search-filter")


def test_papers_rank_above_aggregate_pages(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "index.html")
    count = _search(page, "Choi")
    kinds = [is_paper for _, is_paper in _all_hits(page, count)]
    assert True in kinds and False in kinds  # the author page is found too
    assert kinds == sorted(kinds, reverse=True), kinds  # every paper before every other page


def test_search_loads_nothing_from_another_host_and_fits_a_phone(browser: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(base + "papers/west2022symbolic.html")
        page.click(".symkd-search-open")
        _search(page, "Choi")
        page.locator(".symkd-search-filters summary").click()
        page.locator(".symkd-search-selects select").first.wait_for(timeout=60000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator(".symkd-search-panel").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        shot(page, "search-390")
        assert any("/pagefind/" in url for url in requests)
        assert [url for url in requests if not url.startswith(base)] == []
    finally:
        context.close()
