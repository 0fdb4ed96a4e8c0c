"""The citation graph's layout and data (symkd_survey.site.graph), without a browser: deterministic,
inside its bounds and its cells, and readable at the default view for the shipped catalogue and for
10,000 synthetic papers."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from benchmarks.generate import read_shape
from symkd_survey.core.catalogue import Repository
from symkd_survey.site.graph import (
    LAYOUT_SIZE,
    LOCAL_LIMIT,
    Placed,
    crowded_share,
    fit_scale,
    graph_json,
    layout,
    local_graph,
)
from symkd_survey.site.model import SiteModel, build_model
from symkd_survey.site.rendering import safe_json

CANVASES = [(928, 594), (686, 439)]
"""The graph's canvas at 1280 x 900 (measured: the page uses the table of contents' width too), and
the narrower canvas of a page that keeps the table of contents."""


@pytest.fixture(scope="module")
def model() -> SiteModel:
    return build_model(Repository(Path(__file__).resolve().parent.parent))


def _synthetic(n: int, seed: int = 7) -> tuple[list[Placed], int]:
    """N papers with the shipped catalogue's years and lanes, and heavy-tailed citation counts."""
    repo = Repository(Path(__file__).resolve().parent.parent)
    shape, taxonomy = read_shape(repo), repo.load_taxonomy()
    lanes = taxonomy.node_ids(taxonomy.lanes)
    rng = random.Random(seed)
    papers = []
    for index in range(n):
        labels = rng.choice(shape.labels[taxonomy.lanes])
        papers.append(Placed(f"p{index}", rng.choice(shape.years), lanes.index(labels[0]) if labels else len(lanes),
                             int(rng.paretovariate(1.2)) - 1))
    return papers, len(lanes) + 1


def _screen(positions: list[tuple[float, float]], width: int, height: int) -> list[tuple[float, float]]:
    scale = fit_scale(width, height)
    return [(x * scale, y * scale) for x, y in positions]


def test_the_layout_is_deterministic_whatever_the_order_of_the_papers() -> None:
    papers, lanes = _synthetic(2000)
    shuffled = papers[:]
    random.Random(1).shuffle(shuffled)
    assert layout(papers, lanes).positions == layout(shuffled, lanes).positions


def test_every_paper_lies_inside_the_layout_in_its_own_year_column_and_lane(model: SiteModel) -> None:
    data = graph_json(model)
    width, height = LAYOUT_SIZE
    columns = {t["year"]: (t["from"], t["to"]) for t in data["axes"]["years"]}
    rows = {lane["lane"]: (lane["from"], lane["to"]) for lane in data["axes"]["lanes"]}
    assert list(columns) == sorted({n["year"] for n in data["nodes"]})
    assert [c[0] for c in columns.values()] == sorted(c[0] for c in columns.values())
    for node in data["nodes"]:
        assert 0 < node["x"] < width and 0 < node["y"] < height, node["key"]
        low, high = columns[node["year"]]
        assert low <= node["x"] <= high, node["key"]
        low, high = rows[node["l"]]
        assert low <= node["y"] <= high, node["key"]
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])  # no two share a spot
    assert graph_json(model) == data


@pytest.mark.parametrize(("width", "height"), CANVASES)
def test_at_most_a_tenth_of_the_shipped_papers_lie_within_4_px_of_another(model: SiteModel, width: int,
                                                                         height: int) -> None:
    nodes = graph_json(model)["nodes"]
    assert crowded_share(_screen([(n["x"], n["y"]) for n in nodes], width, height)) <= 0.10


@pytest.mark.parametrize(("width", "height"), CANVASES)
def test_at_most_a_tenth_of_10000_synthetic_papers_lie_within_4_px_of_another(width: int, height: int) -> None:
    papers, lanes = _synthetic(10_000)
    laid = layout(papers, lanes)
    assert len(laid.positions) == 10_000
    assert crowded_share(_screen(list(laid.positions.values()), width, height)) <= 0.10


def test_the_most_cited_paper_of_a_cell_sits_at_its_centre() -> None:
    papers = [Placed(f"k{i}", 2024, 0, weight=i) for i in range(25)]
    positions = layout(papers, 1).positions
    xs, ys = zip(*positions.values(), strict=True)
    centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    nearest = min(positions, key=lambda k: (positions[k][0] - centre[0]) ** 2 + (positions[k][1] - centre[1]) ** 2)
    assert nearest == "k24"


def test_lanes_are_named_by_the_taxonomys_lanes_facet(repo_copy: Repository) -> None:
    taxonomy = repo_copy.taxonomy_file
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("  lanes: method\n", "  lanes: application\n"),
                        encoding="utf-8")
    model = build_model(repo_copy)
    data = graph_json(model)
    names = {n.id: n.label for n in model.taxonomy.facets["application"].nodes}
    named = [lane["label"] for lane in data["axes"]["lanes"] if lane["id"]]
    assert named and set(named) <= set(names.values())
    assert data["lanes_label"] == model.taxonomy.facets["application"].label
    for node in data["nodes"]:
        first = next(iter(model.labels[node["key"]]["application"]), "")
        assert data["lanes"][node["l"]] == first


def test_the_graph_data_carries_what_the_panel_needs_compactly(model: SiteModel) -> None:
    data = graph_json(model)
    index = {n["key"]: i for i, n in enumerate(data["nodes"])}
    node = data["nodes"][index["west2022symbolic"]]
    assert node["t"].startswith("Symbolic Knowledge Distillation")
    assert node["a"][0] == "Peter West" and node["year"] == 2022 and node["m"] == 1
    method = [f["id"] for f in data["facets"]].index("method")
    assert [data["facets"][method]["values"][v][0] for v in node["f"][method]] == ["direct"]
    assert node["n"] == len(model.cited_by["west2022symbolic"])
    citing = [n["key"] for n in data["nodes"] if index["west2022symbolic"] in n["c"]]
    assert sorted(citing) == sorted(model.cited_by["west2022symbolic"])
    size = len(safe_json(data).encode())
    assert size / len(data["nodes"]) < 400, size  # bytes per paper, links included


def test_a_local_graph_holds_the_references_citers_and_similar_works(model: SiteModel) -> None:
    key = max(model.entries, key=lambda k: len(model.cited_by[k]))
    data = local_graph(model, key)
    kinds: dict[str, list[str]] = {}
    for node in data["nodes"]:
        kinds.setdefault(node["kind"], []).append(node["key"])
    assert kinds["self"] == [key]
    assert set(kinds["cited_by"]) <= set(model.cited_by[key])
    assert len(kinds["cited_by"]) == min(LOCAL_LIMIT, len(model.cited_by[key])) == min(LOCAL_LIMIT, data["cited_by"])
    assert kinds.get("similar", []) == [w.key for w in model.similar[key]]
    json.dumps(data)


def test_the_node_link_download_holds_every_paper_and_citation(model: SiteModel) -> None:
    from symkd_survey.site.generate import graph_downloads

    text = graph_downloads(model, "x")["downloads/x-graph.json"]
    assert isinstance(text, str) and "<" not in text
    data = json.loads(text)
    assert {node["id"] for node in data["nodes"]} == set(model.entries)
    edges = data.get("links", data.get("edges"))
    assert len(edges) == sum(len(citers) for citers in model.cited_by.values())
