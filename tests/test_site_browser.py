"""The built site in a real browser: Playwright driving Debian's Chromium.

The site is built once from a copy of the shipped catalogue plus one hostile entry whose
title and summary carry markup and script. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.model import Entry, entry_to_yaml
from symkd_survey.site.build import build_site

from .conftest import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO_ROOT / "test-artifacts"
HOSTILE_KEY = "zzhostile2025script"
HOSTILE_TITLE = 'Distilling <script>window.__pwned = 1</script> with <img src=x onerror="window.__pwned = 2"> *Stars*'

PAYLOAD_TITLES = (  # each valid under the text rule; planted as titles of their own entries
    '![x](data:,x){: onerror="window.__pwned = 3"} and [click](javascript:window.__pwned=4) in Markdown',
    '" onmouseover="window.__pwned=5" x="</title><script>window.__pwned=6</script>',
    "{{ 7*7 }} {% raw %} &lt;img src=x onerror=window.__pwned=7&gt; <svg/onload=window.__pwned=8>",
    "---\u00a0title: x <!-- --> `<style>*{display:none}</style>` __init__ *Star*-Transformer",
)
PAYLOAD_KEYS = tuple(f"zzpayload{n}" for n in range(1, len(PAYLOAD_TITLES) + 1))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


def _hostile_entry() -> str:
    entry = Entry.model_validate({
        "title": HOSTILE_TITLE, "authors": ["<b>Bold</b>, Evil", "Doe, Jane"], "year": 2025, "type": "misc",
        "taxonomy": {"method": ["direct"], "application": ["commonsense"]},
        "summary": "A [link](javascript:alert(1)) and <iframe src=//evil.example></iframe> in a summary.",
        "source": "curated", "added": "2026-11-28",
    })
    return entry_to_yaml(entry)


def _payload_entry(title: str) -> str:
    return entry_to_yaml(Entry.model_validate({
        "title": title, "authors": ["Doe, Jane"], "year": 2025, "type": "misc",
        "taxonomy": {"method": ["direct"], "application": ["commonsense"]}, "source": "curated",
        "added": "2026-11-28"}))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Repository]]:
    root = tmp_path_factory.mktemp("site-repo")
    for name in ("taxonomy.yaml", "mkdocs.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    for folder in ("catalogue", "site", "symkd_survey"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "catalogue" / f"{HOSTILE_KEY}.yaml").write_text(_hostile_entry(), encoding="utf-8")
    for key, title in zip(PAYLOAD_KEYS, PAYLOAD_TITLES, strict=True):
        (root / "catalogue" / f"{key}.yaml").write_text(_payload_entry(title), encoding="utf-8")
    repo = Repository(root)
    out = root / "_site"
    build_site(repo, out)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", repo
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, site: tuple[str, Repository]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.foreign = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.foreign.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith(("data:", "blob:"))
            else None)
    yield page
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _count(repo: Repository, facet: str, node: str) -> int:
    return sum(1 for item in load_catalogue(repo) if node in item.entry.labels(facet))


def test_home_page_loads_without_console_errors_or_foreign_requests(page: Any, site: tuple[str, Repository]) -> None:
    base, repo = site
    page.goto(base + "index.html")
    page.wait_for_load_state("networkidle")
    assert page.locator("#symkd-papers").inner_text() == str(len(load_catalogue(repo)))
    _shot(page, "home")
    assert page.errors == []
    assert page.foreign == []


def test_search_finds_a_paper_by_title_and_opens_it(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("NovaCOMET")
    result = page.locator(".md-search-result__item a").first
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
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill(query)
    page.locator(".md-search-result__item").first.wait_for(timeout=60000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")
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
    _shot(page, "table")


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
    _shot(page, "graph")
    point = page.evaluate("window.symkdGraph.screenPosition('west2022symbolic')")
    page.mouse.click(point["x"], point["y"])
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
    _shot(page, "paper")
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
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("Distilling window")
    page.locator(".md-search-result__item").first.wait_for(timeout=60000)
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


PAGE_KINDS = ("index.html", "papers.html", "coverage.html", "taxonomy.html", "graph.html", "timeline.html",
              "problems.html", "corrections.html", "downloads.html", "papers/west2022symbolic.html",
              "taxonomy/method/direct.html")


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_scrolls_sideways(browser: Any, site: tuple[str, Repository], width: int) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for url in PAGE_KINDS:
            page.goto(base + url)
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
            _shot(page, f"{url.replace('/', '-').removesuffix('.html')}-{width}")
    finally:
        context.close()


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
