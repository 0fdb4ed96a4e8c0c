"""The built site in a real browser: Playwright driving Debian's Chromium.

The site, the browser and a page come from ``browser_support`` (one build per test session).
"""

from __future__ import annotations

from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue

from .browser_support import BROWSER_MARKS, HOSTILE_KEY, HOSTILE_TITLE, PAYLOAD_KEYS, PAYLOAD_TITLES, shot

pytestmark = BROWSER_MARKS


def _count(repo: Repository, facet: str, node: str) -> int:
    return sum(1 for item in load_catalogue(repo) if node in item.entry.labels(facet))


def test_home_page_loads_without_console_errors_or_foreign_requests(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "index.html")
    page.wait_for_load_state("networkidle")
    assert page.locator("#symkd-papers").inner_text() == str(len(load_catalogue(repo)))
    shot(page, "home")
    assert page.errors == []
    assert page.foreign == []


def test_search_finds_a_paper_by_title_and_opens_it(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "index.html")
    page.locator("#symkd-search-input").fill("NovaCOMET")
    result = page.locator(".symkd-search-hit a").first
    result.wait_for(timeout=60000)
    result.click()
    page.wait_for_url("**/papers/west2023novacomet.html*")
    assert "NovaCOMET" in page.locator("h1").first.inner_text()


@pytest.mark.parametrize(("query", "key"), [("Bhagavatula", "bhagavatula2023i2d2"),
                                            ("sclar2022referee", "sclar2022referee")])
def test_search_finds_a_paper_by_author_or_key(page: Any, site: tuple[str, Repository], query: str,
                                               key: str) -> None:
    base, _ = site
    page.goto(base + "index.html")
    page.locator("#symkd-search-input").fill(query)
    page.locator(".symkd-search-hit").first.wait_for(timeout=60000)
    hrefs = page.locator(".symkd-search-hit a").evaluate_all("els => els.map(e => e.href)")
    assert any(f"papers/{key}.html" in h for h in hrefs), hrefs


def test_table_filter_narrows_to_the_expected_count(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "papers.html")
    total = len(load_catalogue(repo))
    assert page.locator("#symkd-count").inner_text() == str(total)
    page.select_option("select[name=method]", "multilevel")
    expected = _count(repo, "method", "multilevel")
    assert page.locator("#symkd-count").inner_text() == str(expected)
    assert page.locator("#symkd-table tbody tr:visible").count() == expected
    page.fill("input[name=q]", "referee")
    assert page.locator("#symkd-table tbody tr:visible").count() == 1
    shot(page, "table")


def test_coverage_cell_lands_on_its_filtered_list(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "coverage.html")
    assert page.locator("td.symkd-gap").count() > 0  # empty cells are shown as gaps
    cell = page.locator("td.symkd-cell[data-column=direct][data-row=commonsense] a")
    shown = int(cell.inner_text())
    cell.click()
    page.wait_for_url("**/papers.html?method=direct&application=commonsense")
    assert page.locator("#symkd-count").inner_text() == str(shown)
    expected = sum(1 for i in load_catalogue(repo)
                   if "direct" in i.entry.labels("method") and "commonsense" in i.entry.labels("application"))
    assert shown == expected


def test_graph_draws_every_node_and_a_click_opens_a_paper(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "graph.html")
    canvas = page.locator("#symkd-graph")
    page.wait_for_function("document.getElementById('symkd-graph').dataset.nodesDrawn !== undefined")
    assert canvas.get_attribute("data-nodes-drawn") == str(len(load_catalogue(repo)))
    shot(page, "graph")
    point = page.evaluate("window.symkdGraph.screenPosition('west2022symbolic')")
    page.mouse.click(point["x"], point["y"])
    page.locator("#symkd-graph-panel .symkd-graph-open").click()  # the click opens the side panel first
    page.wait_for_url("**/papers/west2022symbolic.html")
    assert page.errors == []


def test_copy_button_copies_the_bibtex_snippet(browser: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "papers/west2022symbolic.html")
    snippet = page.locator("#bibtex-west2022symbolic").inner_text()
    assert snippet.startswith("@inproceedings{west2022symbolic,")
    page.click("button.symkd-copy")
    page.wait_for_function("document.querySelector('button.symkd-copy').dataset.copied === 'yes'")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    shot(page, "paper")
    context.close()


def test_hostile_entry_shows_as_text_and_runs_nothing(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    for url in (f"papers/{HOSTILE_KEY}.html", "papers.html", "index.html", "timeline.html"):
        page.goto(base + url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, url
        assert page.locator("iframe").count() == 0, url
    page.goto(base + f"papers/{HOSTILE_KEY}.html")
    assert page.locator("h1").first.inner_text() == HOSTILE_TITLE
    assert "<b>Bold</b>" in page.locator(".symkd-authors").inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0
    assert HOSTILE_TITLE in page.title()
    page.goto(base + "index.html")
    page.locator("#symkd-search-input").fill("Distilling window")
    page.locator(".symkd-search-hit").first.wait_for(timeout=60000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


@pytest.mark.parametrize(("key", "title"), list(zip(PAYLOAD_KEYS, PAYLOAD_TITLES, strict=True)), ids=PAYLOAD_KEYS)
def test_title_payloads_render_as_text_with_no_injected_element(page: Any, site: tuple[str, Repository], key: str,
                                                                  title: str) -> None:
    base, _ = site
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(base + f"papers/{key}.html")
    page.wait_for_load_state("load")
    page.mouse.move(400, 200)
    page.mouse.move(600, 120)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("h1").first.inner_text() == title
    assert title in page.title()
    injected = "img[onerror], svg[onload], [onmouseover], a[href^='javascript:'], .symkd style, .symkd script"
    assert page.locator(injected).count() == 0
    assert page.errors == []


def test_table_search_finds_every_author_not_only_the_first(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    catalogue = load_catalogue(repo)
    choi = {item.key for item in catalogue if any(a.split(",")[0] == "Choi" for a in item.entry.authors)}
    assert len(choi) >= 10
    page.goto(base + "papers.html")
    page.fill("input[name=q]", "Choi")
    visible = set(page.locator("#symkd-table tbody tr:visible").evaluate_all("rows => rows.map(r => r.dataset.key)"))
    assert choi <= visible
    tenth = next(item for item in catalogue if len(item.entry.authors) >= 12 and "," in item.entry.authors[9])
    family, given = (part.strip() for part in tenth.entry.authors[9].split(",", 1))
    page.fill("input[name=q]", f"{given} {family}")
    visible = set(page.locator("#symkd-table tbody tr:visible").evaluate_all("rows => rows.map(r => r.dataset.key)"))
    assert tenth.key in visible


def test_paper_pages_carry_citation_meta_tags_that_match_the_entry(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    entry = load_catalogue(repo).entries["west2022symbolic"].entry
    page.goto(base + "papers/west2022symbolic.html")
    tags = page.locator("head meta[name^='citation_']").evaluate_all(
        "els => els.map(e => [e.getAttribute('name'), e.getAttribute('content')])")
    by_name: dict[str, list[str]] = {}
    for name, content in tags:
        by_name.setdefault(name, []).append(content)
    assert by_name["citation_title"] == [entry.title]
    assert by_name["citation_author"] == entry.authors
    assert by_name["citation_publication_date"] == [str(entry.year)]
    assert by_name["citation_conference_title"] == [entry.venue]
    assert by_name["citation_doi"] == [entry.ids.doi]
    assert by_name["citation_arxiv_id"] == [entry.ids.arxiv]
    assert by_name["citation_pdf_url"] == [f"https://arxiv.org/pdf/{entry.ids.arxiv}"]
    page.goto(base + f"papers/{HOSTILE_KEY}.html")  # markup in a title stays inside the attribute
    titles = page.locator("head meta[name='citation_title']").evaluate_all("els => els.map(e => e.content)")
    assert titles == [HOSTILE_TITLE]
    assert page.evaluate("window.__pwned") is None
