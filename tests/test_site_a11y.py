"""Accessibility and phones: axe-core finds no critical or serious violation on the main page kinds,
in the light and the dark scheme, and no page kind scrolls sideways at 390 px.

axe-core comes from the npm registry, pinned, into ``.tools/`` (``ensure_axe`` in
``scripts/_setup.sh``, run by ``scripts/test``) and is injected into each page from that file;
without it the axe tests are skipped. Screenshots of every page kind at 1280 and 390 px go to
``test-artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository

from .browser_support import BROWSER_MARKS, shot
from .conftest import REPO_ROOT

pytestmark = BROWSER_MARKS

AXE = REPO_ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (scripts/test installs it "
                                                         "into .tools/ from npm)")

AXE_PAGES = ("index.html", "papers.html", "papers/west2022symbolic.html", "coverage.html", "graph.html",
             "authors/w.html", "timeline.html")
"""Home, the papers table, a paper, coverage, the graph, an author page and the timeline."""

PAGE_KINDS = {  # every kind of page the site has, by a name for its screenshots
    "home": "index.html", "papers": "papers.html", "paper": "papers/west2022symbolic.html",
    "node": "taxonomy/method/direct.html", "taxonomy": "taxonomy.html", "author": "authors/w.html",
    "venue": "venues/a.html", "coverage": "coverage.html", "timeline": "timeline.html",
    "corrections": "corrections.html", "graph": "graph.html", "downloads": "downloads.html",
    "problems": "problems.html",
}

SEVERE = ("critical", "serious")
_RUN_AXE = """async (exclude) => {
  const result = await axe.run({include: [document], exclude: exclude}, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 300))}));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The critical and serious violations axe-core finds on the loaded page."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, [])
    return [v for v in found if v["impact"] in SEVERE]


@needs_axe
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", AXE_PAGES)
def test_axe_finds_no_critical_or_serious_violation(browser: Any, site: tuple[str, Repository], url: str,
                                                    scheme: str) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        violations = axe_violations(page)
        assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"])
                                           for v in violations)
    finally:
        context.close()


@needs_axe
def test_axe_checks_the_papers_table_after_sorting_and_filtering(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    page.goto(base + "papers.html?method=direct")
    page.locator("th button[data-sort=cited_by]").click()
    assert axe_violations(page) == []


def test_the_sample_author_and_venue_pages_exist(site: tuple[str, Repository]) -> None:
    _, repo = site
    for url in ("authors/w.html", "venues/a.html"):
        assert (repo.root / "_site" / url).is_file(), url


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_kind_scrolls_sideways(browser: Any, site: tuple[str, Repository], width: int) -> None:
    base, _ = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    wide: dict[str, int] = {}
    try:
        for name, url in PAGE_KINDS.items():
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[name] = scroll
            shot(page, f"kind-{name}-{width}")
    finally:
        context.close()
    assert wide == {}
