"""The citation graph page and the papers' local graphs in a real Chromium (assets/graph.js).

The site, the browser and a 1280 x 900 page come from ``browser_support`` (one build per session).
"""

from __future__ import annotations

import json
import random
import urllib.request
from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.site.graph import Placed, crowded_share, layout, local_graph
from symkd_survey.site.model import SiteModel, build_model

from .browser_support import BROWSER_MARKS, shot

pytestmark = BROWSER_MARKS

GRAPH_READY = "document.getElementById('symkd-graph') && document.getElementById('symkd-graph').dataset.nodesDrawn"


@pytest.fixture(scope="module")
def model(site: tuple[str, Repository]) -> SiteModel:
    return build_model(site[1])


def _open(page: Any, base: str) -> None:
    page.goto(base + "graph.html")
    page.wait_for_function(GRAPH_READY)


def _canvas(page: Any) -> dict[str, float]:
    box = page.locator("#symkd-graph").bounding_box()
    assert box is not None
    return box  # type: ignore[no-any-return]


def _view(page: Any) -> dict[str, float]:
    return page.evaluate("window.symkdGraph.view()")  # type: ignore[no-any-return]


def _clean(page: Any) -> None:
    assert page.errors == []
    assert page.foreign == []


def test_every_paper_is_drawn_and_the_most_cited_are_named_without_overlap(page: Any, model: SiteModel,
                                                                          site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    canvas = page.locator("#symkd-graph")
    assert canvas.get_attribute("data-nodes-drawn") == str(len(model.entries))
    assert int(canvas.get_attribute("data-links-drawn")) == sum(len(v) for v in model.cited_by.values())
    labels = page.evaluate("window.symkdGraph.labels()")
    assert len(labels) >= 10
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or \
                a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
            assert apart, (a, b)
    most_cited = max(model.entries, key=lambda k: (len(model.cited_by[k]), k))
    assert most_cited in {label["key"] for label in labels}
    assert canvas.get_attribute("role") == "application"
    assert f"Citation graph of {len(model.entries)} papers" in canvas.get_attribute("aria-label")
    for name in ("Zoom in", "Zoom out", "Reset view", "Show as a list"):
        assert page.get_by_role("button", name=name).count() == 1
    assert page.get_by_role("searchbox", name="Find a paper").count() == 1
    shot(page, "graph-readable")
    _clean(page)


def _crowded(page: Any) -> float:
    points = [(p["x"], p["y"]) for p in page.evaluate("window.symkdGraph.positions()")]
    return crowded_share(points, within=4.0)


def test_at_the_default_view_at_most_a_tenth_of_the_papers_lie_within_4_px_of_another(
        page: Any, site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    share = _crowded(page)
    print(f"crowded share at 1280x900, shipped catalogue: {share:.4f}; canvas {_view(page)}")
    assert share <= 0.10


def _synthetic_graph(base: str, n: int) -> dict[str, Any]:
    """The site's graph.json with N synthetic papers laid out by the same layout."""
    with urllib.request.urlopen(base + "assets/data/graph.json") as answer:  # the test's own server on 127.0.0.1
        data: dict[str, Any] = json.loads(answer.read())
    rng = random.Random(10_000)
    years = [node["year"] for node in data["nodes"]]
    lanes = [node["l"] for node in data["nodes"]]
    papers = [Placed(f"s{i}", rng.choice(years), rng.choice(lanes), int(rng.paretovariate(1.2)) - 1)
              for i in range(n)]
    laid = layout(papers, len(data["lanes"]))
    data["nodes"] = [{"key": p.key, "t": f"Synthetic paper {i}", "s": f"S{i}", "a": ["A. B."], "year": p.year,
                      "l": p.lane, "f": [[] for _ in data["facets"]], "n": p.weight,
                      "c": sorted({rng.randrange(i) for _ in range(min(i, 3))}),
                      "x": laid.positions[p.key][0], "y": laid.positions[p.key][1]} for i, p in enumerate(papers)]
    data["axes"]["years"] = [{"year": y, "x": (a + b) / 2, "from": a, "to": b} for y, (a, b) in laid.columns.items()]
    data["axes"]["lanes"] = [{"lane": lane, "id": data["lanes"][lane], "label": f"lane {lane}", "y": a + 9,
                              "from": a, "to": b} for lane, (a, b) in laid.rows.items()]
    return data


def test_with_10000_papers_the_default_view_stays_readable(page: Any, site: tuple[str, Repository]) -> None:
    base, _ = site
    data = json.dumps(_synthetic_graph(base, 10_000))
    page.route("**/assets/data/graph.json", lambda route: route.fulfill(body=data, content_type="application/json"))
    _open(page, base)
    assert page.locator("#symkd-graph").get_attribute("data-nodes-drawn") == "10000"
    share = _crowded(page)
    print(f"crowded share at 1280x900, 10,000 synthetic papers: {share:.4f}")
    assert share <= 0.10
    assert len(page.evaluate("window.symkdGraph.labels()")) >= 5
    shot(page, "graph-10000")
    _clean(page)


def test_hovering_a_paper_lights_up_its_neighbours(page: Any, model: SiteModel, site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    point = page.evaluate("window.symkdGraph.screenPosition('west2022symbolic')")
    page.mouse.move(point["x"], point["y"])
    canvas = page.locator("#symkd-graph")
    assert canvas.get_attribute("data-focus") == "west2022symbolic"
    neighbours = set(model.cited_by["west2022symbolic"]) | {
        k for k in model.entries["west2022symbolic"].cites if k in model.entries}
    assert canvas.get_attribute("data-lit") == str(len(neighbours))
    assert "Symbolic Knowledge Distillation" in page.locator("#symkd-graph-tip").inner_text()
    _clean(page)


def test_a_click_opens_the_side_panel_with_the_papers_details(page: Any, model: SiteModel,
                                                              site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    point = page.evaluate("window.symkdGraph.screenPosition('west2022symbolic')")
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#symkd-graph-panel")
    panel.wait_for(state="visible")
    entry = model.entries["west2022symbolic"]
    assert page.locator("#symkd-graph-panel-title").inner_text() == entry.title
    assert "Peter West" in panel.locator(".symkd-graph-authors").inner_text()
    assert "2022" in panel.locator(".symkd-graph-year").inner_text()
    assert "Direct distillation" in panel.locator(".symkd-graph-labels").inner_text()
    hrefs = panel.locator(".symkd-graph-citers a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"papers/{k}.html" for k in model.cited_by["west2022symbolic"])
    shot(page, "graph-panel")
    panel.locator(".symkd-graph-open").click()
    page.wait_for_url("**/papers/west2022symbolic.html")
    _clean(page)


def test_the_keyboard_pans_zooms_and_steps_through_the_papers(page: Any, model: SiteModel,
                                                              site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    canvas = page.locator("#symkd-graph")
    canvas.focus()
    start = _view(page)
    page.keyboard.press("ArrowRight")
    assert _view(page)["tx"] < start["tx"]
    page.keyboard.press("+")
    assert _view(page)["k"] > start["k"]
    page.keyboard.press("0")
    assert _view(page)["k"] == pytest.approx(start["k"])
    page.keyboard.press("n")
    most_cited = min(model.entries, key=lambda k: (-len(model.cited_by[k]), k))
    assert canvas.get_attribute("data-selected") == most_cited
    page.keyboard.press("n")
    second = canvas.get_attribute("data-selected")
    assert second not in ("", most_cited)
    page.keyboard.press("Enter")
    page.locator("#symkd-graph-panel").wait_for(state="visible")
    assert page.locator("#symkd-graph-panel-title").inner_text() == model.entries[second].title
    assert page.evaluate("document.activeElement.id") == "symkd-graph-panel-title"
    _clean(page)


def test_touch_drags_pan_pinches_zoom_and_a_tap_opens_a_paper(browser: Any, site: tuple[str, Repository]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _open(page, site[0])
    page.locator("#symkd-graph").scroll_into_view_if_needed()
    box = _canvas(page)
    cdp = context.new_cdp_session(page)

    def touch(kind: str, *points: tuple[float, float]) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
            {"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]})

    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = _view(page)
    touch("touchStart", (cx, cy))
    for step in range(1, 6):
        touch("touchMove", (cx + 20 * step, cy))
    touch("touchEnd")
    moved = _view(page)
    assert moved["tx"] == pytest.approx(start["tx"] + 100, abs=2)
    touch("touchStart", (cx - 40, cy), (cx + 40, cy))
    for step in range(1, 6):
        touch("touchMove", (cx - 40 - 16 * step, cy), (cx + 40 + 16 * step, cy))
    touch("touchEnd")
    assert _view(page)["k"] > moved["k"] * 1.5
    page.locator("#symkd-graph-reset").tap()
    assert _view(page)["k"] == pytest.approx(start["k"])
    point = page.evaluate("window.symkdGraph.screenPosition('west2022symbolic')")
    touch("touchStart", (point["x"], point["y"]))
    touch("touchEnd")
    page.locator("#symkd-graph-panel").wait_for(state="visible")
    assert page.locator("#symkd-graph-panel-title").inner_text().startswith("Symbolic Knowledge Distillation")
    assert errors == []
    context.close()


def test_search_finds_a_paper_and_centres_it(page: Any, site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    page.fill("#symkd-graph-search", "novacomet west")
    matches = page.locator("#symkd-graph-matches button")
    assert matches.count() == 1 and "NovaCOMET" in matches.first.inner_text()
    page.press("#symkd-graph-search", "Enter")
    view = _view(page)
    point = page.evaluate("window.symkdGraph.screenPosition('west2023novacomet')")
    box = _canvas(page)
    assert point["x"] - box["x"] == pytest.approx(view["width"] / 2, abs=1)
    assert point["y"] - box["y"] == pytest.approx(view["height"] / 2, abs=1)
    assert page.locator("#symkd-graph").get_attribute("data-selected") == "west2023novacomet"
    assert "NovaCOMET" in page.locator("#symkd-graph-panel-title").inner_text()
    _clean(page)


def test_filters_by_facet_value_and_year_range(page: Any, model: SiteModel, site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    canvas = page.locator("#symkd-graph")
    page.select_option("select[data-graph-facet='0']", "multilevel")
    expected = [k for k in model.entries if "multilevel" in model.labels[k]["method"]]
    assert canvas.get_attribute("data-nodes-drawn") == str(len(expected))
    page.select_option("#symkd-graph-from", "2023")
    page.select_option("#symkd-graph-to", "2024")
    expected = [k for k in expected if 2023 <= model.entries[k].year <= 2024]
    assert canvas.get_attribute("data-nodes-drawn") == str(len(expected))
    assert sorted(p["key"] for p in page.evaluate("window.symkdGraph.positions()")) == sorted(expected)
    assert f"{len(expected)} of {len(model.entries)} papers shown" in page.locator("#symkd-graph-status").inner_text()
    page.click("#symkd-graph-clear")
    assert canvas.get_attribute("data-nodes-drawn") == str(len(model.entries))
    _clean(page)


def test_the_list_view_lists_every_paper_with_its_links(page: Any, model: SiteModel,
                                                        site: tuple[str, Repository]) -> None:
    _open(page, site[0])
    page.get_by_role("button", name="Show as a list").click()
    toggle = page.locator("#symkd-graph-list-toggle")
    assert toggle.get_attribute("aria-expanded") == "true" and toggle.inner_text() == "Hide the list"
    items = page.locator("#symkd-graph-list li")
    assert items.count() == len(model.entries)
    keys = items.evaluate_all("els => els.map(e => e.dataset.key)")
    assert sorted(keys) == sorted(model.entries)
    first = page.locator("#symkd-graph-list li[data-key='west2023novacomet']")
    hrefs = first.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    cited = [k for k in dict.fromkeys(model.entries["west2023novacomet"].cites) if k in model.entries]
    assert hrefs == ["papers/west2023novacomet.html", *(f"papers/{k}.html" for k in cited)]
    first.get_by_role("button").click()  # "show in graph": Enter or a click moves the graph to it
    assert page.locator("#symkd-graph").get_attribute("data-selected") == "west2023novacomet"
    _clean(page)


def test_a_paper_page_draws_its_local_graph_of_neighbours(page: Any, model: SiteModel,
                                                          site: tuple[str, Repository]) -> None:
    key = "west2022symbolic"
    page.goto(site[0] + f"papers/{key}.html")
    canvas = page.locator("canvas.symkd-local-graph")
    page.wait_for_function("document.querySelector('canvas.symkd-local-graph').dataset.nodesDrawn")
    expected = [n["key"] for n in local_graph(model, key)["nodes"]]
    assert canvas.get_attribute("data-keys") == " ".join(expected)
    assert set(model.cited_by[key]) <= set(expected)
    assert {w.key for w in model.similar[key]} <= set(expected)
    canvas.scroll_into_view_if_needed()
    shot(page, "local-graph")
    canvas.focus()
    page.keyboard.press("ArrowDown")
    assert canvas.get_attribute("data-current") == expected[1]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/papers/{expected[1]}.html")
    _clean(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_graph_fits_a_390_px_phone_in_light_and_dark(browser: Any, site: tuple[str, Repository],
                                                         scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme, has_touch=True)
    page = context.new_page()
    _open(page, site[0])
    page.fill("#symkd-graph-search", "west2022symbolic")
    page.press("#symkd-graph-search", "Enter")
    page.locator("#symkd-graph-panel").wait_for(state="visible")
    page.get_by_role("button", name="Show as a list").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    ink = page.evaluate("""() => {  // the colour graph.js draws text with, as rgb()
        const probe = document.createElement("i");
        probe.style.color = document.getElementById("symkd-graph").dataset.ink;
        document.body.appendChild(probe);
        const colour = getComputedStyle(probe).color;
        probe.remove();
        return colour.match(/[0-9.]+/g).slice(0, 3).map(Number);
    }""")
    assert (sum(ink) / 3 > 128) == (scheme == "dark"), ink  # light text on the slate scheme, dark on the default
    shot(page, f"graph-390-{scheme}")
    context.close()
