"""The papers table (chips, counts per filter option, sort buttons, cards on phones, the URL), the
coverage heat map and year chart, and the compact timeline: as generated, and in Chromium."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.site.generate import generate_site

from .browser_support import BROWSER_MARKS, shot

F = TypeVar("F", bound=Callable[..., Any])


def in_browser(test: F) -> F:
    for mark in reversed(BROWSER_MARKS):
        test = mark(test)
    return test


@pytest.fixture(scope="module")
def pages(real_repo_module: Repository) -> dict[str, str]:
    return {path: content for path, content in generate_site(real_repo_module).items() if isinstance(content, str)}


@pytest.fixture(scope="module")
def real_repo_module() -> Repository:
    from .conftest import REPO_ROOT

    return Repository(REPO_ROOT)


def _labels(repo: Repository, facet: str) -> dict[str, list[str]]:
    return {item.key: item.entry.labels(facet) for item in load_catalogue(repo)}


# ------------------------------------------------------------------ as generated

def test_every_row_has_chips_linking_to_its_taxonomy_pages(pages: dict[str, str],
                                                           real_repo_module: Repository) -> None:
    table = pages["papers.md"]
    catalogue = load_catalogue(real_repo_module)
    row = table[table.index('<tr data-key="west2022symbolic"'):]
    row = row[:row.index("</tr>")]
    for node in catalogue.entries["west2022symbolic"].entry.labels("method"):
        assert f'<a class="symkd-tag" href="taxonomy/method/{node}.html">' in row
        assert f"taxonomy/method/{node}.md" in pages
    chips = re.findall(r'class="symkd-tag" href="(taxonomy/[^"]+)\.html"', table)
    assert chips and all(f"{target}.md" in pages for target in chips)


def test_filter_options_carry_their_counts_at_build_time(pages: dict[str, str], real_repo_module: Repository) -> None:
    table = pages["papers.md"]
    direct = sum(1 for labels in _labels(real_repo_module, "method").values() if "direct" in labels)
    assert f'<option value="direct" data-label="Direct distillation">Direct distillation ({direct})</option>' in table
    assert f'any ({len(load_catalogue(real_repo_module))})' in table


def test_sort_headers_are_buttons_and_the_year_column_starts_sorted(pages: dict[str, str]) -> None:
    head = pages["papers.md"].split("<thead>", 1)[1].split("</thead>", 1)[0]
    columns = ["year", "title", "authors", "method", "application", "cited_by"]
    buttons = re.findall(r'<th scope="col"[^>]*><button type="button" class="symkd-sort" data-sort="(\w+)"', head)
    assert buttons == columns
    assert head.count("aria-sort=") == 1
    assert '<th scope="col" aria-sort="descending"><button type="button" class="symkd-sort" data-sort="year"' in head


def test_coverage_heat_map_notes_what_it_leaves_out(pages: dict[str, str], real_repo_module: Repository) -> None:
    page = pages["coverage.md"]
    method, application = _labels(real_repo_module, "method"), _labels(real_repo_module, "application")
    no_method = sum(1 for k in method if not method[k])
    no_application = sum(1 for k in method if not application[k])
    placed = sum(1 for k in method if method[k] and application[k])
    assert f"({no_method} without a method, {no_application} without an application" in page
    assert f'<td class="symkd-total" title="papers in the matrix">{placed}</td>' in page
    assert "symkd-heat-4" in page  # the fullest cell gets the darkest shade
    shades = set(re.findall(r"symkd-heat-(\d)", page))
    assert shades <= {"0", "1", "2", "3", "4"} and len(shades) >= 3


def test_year_chart_has_axis_labels_a_legend_titles_and_its_numbers(pages: dict[str, str],
                                                                   real_repo_module: Repository) -> None:
    page = pages["coverage.md"]
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert '<title id="symkd-chart-title">Papers per year by method' in chart
    assert ">Year</text>" in chart and ">Papers</text>" in chart
    catalogue = load_catalogue(real_repo_module)
    newest = max(i.entry.year for i in catalogue)
    for node, label in (("direct", "Direct distillation"), ("multilevel", "Multilevel distillation")):
        count = sum(1 for i in catalogue if i.entry.year == newest and node in i.entry.labels("method"))
        assert (f"<title>{newest}: {count} {label}</title>" in chart) == (count > 0)
    legend = page[page.index('<figcaption class="symkd-legend">'):page.index("</figcaption>")]
    assert "Direct distillation" in legend and "Multilevel distillation" in legend
    papers = Counter(i.entry.year for i in catalogue)
    assert f"<tr><th scope=\"row\">{newest}</th>" in page and f"<td>{papers[newest]}</td></tr>" in page


def test_timeline_is_a_bar_of_years_and_collapsible_years(pages: dict[str, str],
                                                          real_repo_module: Repository) -> None:
    page = pages["timeline.md"]
    years = sorted({i.entry.year for i in load_catalogue(real_repo_module)}, reverse=True)
    nav = page[page.index('<nav class="symkd-years"'):page.index("</nav>")]
    assert re.findall(r'href="#y(\d+)"', nav) == [str(y) for y in years]
    assert page.count('<details class="symkd-year"') == len(years)
    assert f'<details class="symkd-year" id="y{years[0]}" open>' in page
    assert f'<details class="symkd-year" id="y{years[1]}">' in page


# ------------------------------------------------------------------ in the browser

def _fold(text: str) -> str:
    """As symkd.js folds text for sorting and search: accents dropped, lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not "\u0300" <= c <= "\u036f").lower()


def _visible_keys(page: Any) -> list[str]:
    keys: list[str] = page.locator("#symkd-table tbody tr:visible").evaluate_all("rs => rs.map(r => r.dataset.key)")
    return keys


def _option_counts(page: Any, name: str) -> dict[str, int]:
    texts = page.locator(f"select[name={name}] option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    return {value: int(re.search(r"\((\d+)\)$", text).group(1)) for value, text in texts}  # type: ignore[union-attr]


@in_browser
def test_option_counts_follow_the_other_filters(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    method, application = _labels(repo, "method"), _labels(repo, "application")
    page.goto(base + "papers.html")
    before = _option_counts(page, "method")
    assert before["direct"] == sum(1 for k in method if "direct" in method[k])
    page.select_option("select[name=application]", "commonsense")
    counts = _option_counts(page, "method")
    with_commonsense = [k for k in method if "commonsense" in application[k]]
    assert counts[""] == len(with_commonsense)
    assert counts["direct"] == sum(1 for k in with_commonsense if "direct" in method[k])
    page.select_option("select[name=method]", "direct")
    assert _option_counts(page, "method") == counts  # a filter's own choice leaves its counts alone
    assert _option_counts(page, "application")["commonsense"] == int(page.locator("#symkd-count").inner_text())
    option = page.locator("select[name=method] option[value=direct]").inner_text()
    assert option == f"Direct distillation ({counts['direct']})"


@in_browser
def test_sort_buttons_sort_set_aria_sort_and_work_from_the_keyboard(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    catalogue = load_catalogue(repo)
    page.goto(base + "papers.html")
    year_th = page.locator("#symkd-table thead th").nth(0)
    title_th = page.locator("#symkd-table thead th").nth(1)
    assert year_th.get_attribute("aria-sort") == "descending"
    page.locator("th button[data-sort=title]").focus()
    page.keyboard.press("Enter")
    assert title_th.get_attribute("aria-sort") == "ascending"
    assert year_th.get_attribute("aria-sort") is None
    titles = page.locator("#symkd-table tbody tr td.symkd-title > a").evaluate_all(
        "links => links.map(a => a.textContent.trim())")
    folded = [_fold(t) for t in titles]
    assert len(folded) == len(catalogue) and folded == sorted(folded)
    assert "sort=title" in page.url
    page.keyboard.press("Space")
    assert title_th.get_attribute("aria-sort") == "descending"
    assert "sort=-title" in page.url
    arrow = page.evaluate("getComputedStyle(document.querySelector('th[aria-sort] .symkd-arrow'), '::after').content")
    assert arrow == '"\u25bc"'
    page.locator("th button[data-sort=cited_by]").click()
    cited = [int(n) for n in page.locator("#symkd-table tbody tr").evaluate_all(
        "rs => rs.map(r => r.dataset.cited_by)")]
    assert cited == sorted(cited, reverse=True) and cited[0] > 0
    shot(page, "table-sorted")


@in_browser
def test_filters_and_the_order_round_trip_through_the_url(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "papers.html")
    page.select_option("select[name=method]", "direct")
    page.select_option("select[name=year_from]", "2023")
    page.fill("input[name=q]", "knowledge")
    page.locator("th button[data-sort=authors]").click()
    shown = _visible_keys(page)
    query = parse_qs(urlsplit(page.url).query)
    # the search words go in as "search": Material's own search would open on a "q" in the URL
    assert query == {"method": ["direct"], "year_from": ["2023"], "search": ["knowledge"], "sort": ["authors"]}
    page.goto(page.url)
    assert _visible_keys(page) == shown
    assert page.locator("select[name=method]").input_value() == "direct"
    assert page.locator("th:has(button[data-sort=authors])").get_attribute("aria-sort") == "ascending"
    method = _labels(repo, "method")
    assert all("direct" in method[k] for k in shown)
    page.click("#symkd-reset")
    assert urlsplit(page.url).query == "sort=authors"


@in_browser
def test_a_chip_opens_its_taxonomy_page(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "papers.html")
    chip = page.locator('tr[data-key="west2022symbolic"] a.symkd-tag').first
    label = chip.inner_text()
    chip.click()
    page.wait_for_url("**/taxonomy/**.html")
    assert label in page.locator("h1").first.inner_text()


@in_browser
def test_the_table_is_cards_on_a_phone(browser: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base + "papers.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("#symkd-table thead").is_hidden()
        row = page.locator("#symkd-table tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        assert row.bounding_box()["width"] <= 390
        label = page.evaluate("getComputedStyle(document.querySelector('#symkd-table td[data-label=Year]'),"
                              " '::before').content")
        assert label == '"Year: "'
        shot(page, "table-cards-390")
    finally:
        context.close()


@in_browser
def test_a_year_link_opens_its_year_and_the_timeline_is_short(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    years = sorted({i.entry.year for i in load_catalogue(repo)}, reverse=True)
    page.goto(base + "timeline.html")
    closed_height = page.evaluate("document.documentElement.scrollHeight")
    assert closed_height < 9000
    old = years[len(years) // 2]
    assert page.locator(f"#y{old}").get_attribute("open") is None
    page.locator(f'nav.symkd-years a[href="#y{old}"]').click()
    page.wait_for_function(f"document.getElementById('y{old}').open")
    assert page.locator(f"#y{old} li").first.is_visible()
    shot(page, "timeline-year")
    page.click("button[data-years=open]")
    assert page.locator("details.symkd-year:not([open])").count() == 0


def test_page_weight_counts_every_byte_the_server_sends(tmp_path: Any) -> None:
    import urllib.request

    from benchmarks.page_weight import serve

    (tmp_path / "a.html").write_bytes(b"x" * 5000)
    with serve(tmp_path) as (base, tally), urllib.request.urlopen(base + "a.html") as answer:
        body = answer.read()
        headers = sum(len(f"{k}: {v}\r\n") for k, v in answer.headers.items())
    assert len(body) == 5000
    status_line = len("HTTP/1.0 200 OK\r\n")
    assert tally["/a.html"] == 5000 + status_line + headers + 2  # the blank line after the headers
