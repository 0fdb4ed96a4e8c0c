"""The citation graph and its analyses, on small hand-built catalogues with known answers."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

import networkx as nx
import pytest

from symkd_survey.analysis.graph.analyses import (
    UNCLASSIFIED,
    CitationPath,
    Relative,
    Similar,
    bibliographic_coupling,
    citation_path,
    citations_received,
    cocitation,
    components,
    flow_matrix,
    foundational_works,
    lineage,
    missing_works,
    pagerank,
    pagerank_scores,
)
from symkd_survey.analysis.graph.building import build_graph
from symkd_survey.analysis.graph.export import export_graph, node_link_data
from symkd_survey.analysis.graph.report import graph_report
from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.cycles import find_cycles
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry, entry_to_yaml

Run = Callable[..., tuple[int, str, str]]


def paper(title: str, year: int, *, cites: tuple[str, ...] = (), method: tuple[str, ...] = (),
          application: tuple[str, ...] = (), references: tuple[str, ...] = (), arxiv: str | None = None,
          author: str = "Doe, Jane") -> Entry:
    return Entry.model_validate({
        "title": title, "authors": [author], "year": year, "type": "misc",
        "ids": {"arxiv": arxiv} if arxiv else {},
        "taxonomy": {"method": list(method), "application": list(application)},
        "cites": list(cites), "references": list(references), "source": "curated", "added": dt.date(2026, 11, 28),
    })


def write_catalogue(repo: Repository, entries: dict[str, Entry]) -> None:
    """Replace the copied catalogue with exactly ``entries``."""
    for file in repo.catalogue_dir.iterdir():
        file.unlink()
    for key, entry in entries.items():
        repo.entry_file(key).write_text(entry_to_yaml(entry), encoding="utf-8")


# a (2018) <- b (2019) <- c (2020) <- d (2021) <- f (2022); c and d also cite a; e is alone.
SMALL = {
    "a": paper("Alpha: the Origin of Everything", 2018, method=("direct",), application=("commonsense",),
               arxiv="1801.00001"),
    "b": paper("Beta builds on Alpha", 2019, cites=("a",), method=("direct",), application=("math",)),
    "c": paper("Gamma combines Alpha and Beta", 2020, cites=("a", "b"), method=("Multi-level",),
               references=("arxiv:1706.03762", "doi:10.1000/x1")),
    "d": paper("Delta cites all before it", 2021, cites=("a", "b", "c"), method=("reinforcement-learning",),
               application=("math",), references=("arxiv:1706.03762v2", "doi:10.48550/arXiv.1801.00001")),
    "e": paper("Epsilon stands alone", 2021, method=("direct",)),
    "f": paper("Phi cites Delta", 2022, cites=("d",), references=("doi:10.1000/X1", "arxiv:1801.00001")),
}


@pytest.fixture
def small(repo_copy: Repository) -> Repository:
    write_catalogue(repo_copy, SMALL)
    return repo_copy


@pytest.fixture
def graph(small: Repository) -> nx.DiGraph:
    return build_graph(load_catalogue(small), small.load_taxonomy())


def test_nodes_carry_attributes_and_canonical_taxonomy_ids(graph: nx.DiGraph) -> None:
    assert sorted(graph) == ["a", "b", "c", "d", "e", "f"]
    assert sorted(graph.edges) == [("b", "a"), ("c", "a"), ("c", "b"), ("d", "a"), ("d", "b"), ("d", "c"),
                                   ("f", "d")]
    c = graph.nodes["c"]
    assert c["method"] == ("multilevel",)  # the alias "Multi-level" resolved to its id
    assert (c["title"], c["year"], c["first_author"], c["source"]) == (
        "Gamma combines Alpha and Beta", 2020, "Doe, Jane", "curated")
    assert graph.nodes["a"]["identities"] == ("arxiv:1801.00001",)
    assert graph.nodes["d"]["references"] == ("arxiv:1706.03762", "arxiv:1801.00001")


def test_unknown_and_self_citations_are_not_edges(repo_copy: Repository) -> None:
    write_catalogue(repo_copy, {"a": paper("Alpha paper title", 2020, cites=("a", "ghost"))})
    graph = build_graph(load_catalogue(repo_copy))
    assert list(graph) == ["a"] and graph.number_of_edges() == 0  # no invented node 'ghost'


def test_citations_received(graph: nx.DiGraph) -> None:
    counts = [(w.key, w.cited_by) for w in citations_received(graph)]
    assert counts == [("a", 3), ("b", 2), ("c", 1), ("d", 1), ("e", 0), ("f", 0)]


def test_pagerank_order_and_total(graph: nx.DiGraph) -> None:
    ranked = pagerank(graph)
    assert [w.key for w in ranked] == ["a", "b", "d", "c", "e", "f"]  # d has all of f's rank, c a third of d's
    assert sum(w.score for w in ranked) == pytest.approx(1.0)
    assert ranked[-1].score == ranked[-2].score  # e and f: nothing cites them; the older first


def test_pagerank_of_two_papers_is_exact(repo_copy: Repository) -> None:
    # x -> y: y receives x's whole rank; y cites nothing, so it spreads its rank over both.
    # r_x = 0.15/2 + 0.85 r_y/2 and r_x + r_y = 1 give r_y = 0.925/1.425.
    write_catalogue(repo_copy, {"x": paper("Paper Ex cites Why", 2020, cites=("y",)),
                                "y": paper("Paper Why is cited", 2019)})
    scores = pagerank_scores(build_graph(load_catalogue(repo_copy)))
    assert scores["y"] == pytest.approx(0.925 / 1.425, abs=1e-9)
    assert scores["x"] == pytest.approx(0.5 / 1.425, abs=1e-9)


def test_foundational_works(graph: nx.DiGraph) -> None:
    assert [w.key for w in foundational_works(graph)] == ["a"]  # cited by 3, cites nothing older
    assert [w.key for w in foundational_works(graph, min_cited_by=2)] == ["a"]  # b cites the older a
    assert [w.key for w in foundational_works(graph, min_cited_by=1)] == ["a"]


def test_lineage(graph: nx.DiGraph) -> None:
    found = lineage(graph, "f")
    assert found.ancestors == [Relative("d", "Delta cites all before it", 2021, 1),
                               Relative("a", "Alpha: the Origin of Everything", 2018, 2),
                               Relative("b", "Beta builds on Alpha", 2019, 2),
                               Relative("c", "Gamma combines Alpha and Beta", 2020, 2)]
    assert found.descendants == []
    assert [(r.key, r.distance) for r in lineage(graph, "b").descendants] == [("c", 1), ("d", 1), ("f", 2)]
    assert [r.key for r in lineage(graph, "f", depth=1).ancestors] == ["d"]


def test_path_and_its_absence(graph: nx.DiGraph) -> None:
    assert citation_path(graph, "f", "a") == CitationPath("f", "a", ("f", "d", "a"))
    none = citation_path(graph, "a", "f")
    assert not none.found and none.reverse == ("f", "d", "a")
    assert citation_path(graph, "e", "a") == CitationPath("e", "a", (), ())


def test_unknown_key_suggests_the_closest(graph: nx.DiGraph) -> None:
    graph.add_node("west2022symbolic")
    with pytest.raises(SymkdError) as caught:
        citation_path(graph, "west2022symbolik", "a")
    assert [i.format() for i in caught.value.issues] == [
        "symkd:0: [unknown-key] no catalogue entry 'west2022symbolik' (did you mean 'west2022symbolic'?)"]


def test_cocitation_counts(graph: nx.DiGraph) -> None:
    similar = cocitation(graph)
    # a is cited with b by c and d, with c by d; b with c by d.
    assert [(s.key, s.shared) for s in similar["a"]] == [("b", 2), ("c", 1)]
    assert similar["b"][0] == Similar("a", 2, pytest.approx(2 / (3 * 2) ** 0.5))  # type: ignore[arg-type]
    assert [(s.key, s.shared) for s in similar["c"]] == [("b", 1), ("a", 1)]  # tie: b is cited less (cosine)
    assert similar["d"] == [] and similar["e"] == []
    assert [s.key for s in cocitation(graph, top=1)["a"]] == ["b"]
    assert cocitation(graph, keys=["a"]) == {"a": similar["a"]}  # one paper: only its neighbourhood is walked


def test_bibliographic_coupling_counts(graph: nx.DiGraph) -> None:
    coupled = bibliographic_coupling(graph)
    # c refs {a, b, arxiv:1706.03762, doi:10.1000/x1}; d refs {a, b, c, arxiv:1706.03762, arxiv:1801.00001}
    assert [(s.key, s.shared) for s in coupled["c"]] == [("d", 3), ("b", 1), ("f", 1)]
    assert [(s.key, s.shared) for s in bibliographic_coupling(graph, external=False)["c"]] == [("d", 2), ("b", 1)]
    assert coupled["e"] == []
    assert bibliographic_coupling(graph, keys=["c"]) == {"c": coupled["c"]}


def test_method_flow_matrix_cells(graph: nx.DiGraph, small: Repository) -> None:
    matrix = flow_matrix(graph, "method", small.load_taxonomy())
    assert matrix.values == ["direct", "multilevel", "reinforcement-learning", UNCLASSIFIED]
    assert matrix.cells == {("direct", "direct"): 1, ("multilevel", "direct"): 2,
                            ("reinforcement-learning", "direct"): 2, ("reinforcement-learning", "multilevel"): 1,
                            (UNCLASSIFIED, "reinforcement-learning"): 1}
    assert matrix.cell("direct", "multilevel") == 0 and matrix.citations == 7


def test_application_flow_counts_every_pair_of_values(repo_copy: Repository) -> None:
    write_catalogue(repo_copy, {
        "x": paper("Two applications here", 2021, cites=("y",), application=("math", "translation")),
        "y": paper("One application there", 2020, application=("math",)),
    })
    matrix = flow_matrix(build_graph(load_catalogue(repo_copy), repo_copy.load_taxonomy()), "application")
    assert matrix.cells == {("math", "math"): 1, ("translation", "math"): 1}


def test_components(graph: nx.DiGraph) -> None:
    found = components(graph)
    assert found.groups == [["a", "b", "c", "d", "f"]] and found.isolated == ["e"]


def test_missing_works(graph: nx.DiGraph) -> None:
    found = missing_works(graph)
    # arxiv:1801.00001 is paper a (also as its arXiv DOI): in the catalogue, so not missing.
    assert [(w.reference, w.citers) for w in found] == [("arxiv:1706.03762", ["c", "d"]),
                                                         ("doi:10.1000/x1", ["c", "f"])]
    assert missing_works(graph, min_citers=3) == []
    assert len(missing_works(graph, min_citers=1)) == 2


def test_cycle_warning_exact_messages(repo_copy: Repository) -> None:
    write_catalogue(repo_copy, {
        "x": paper("Paper Ex cites Why", 2023, cites=("y",)),
        "y": paper("Paper Why cites Zed", 2023, cites=("z",)),
        "z": paper("Paper Zed cites Ex", 2023, cites=("x",)),
        "w": paper("Paper Double-u cites Ex", 2023, cites=("x",)),
    })
    result = validate(repo_copy)
    hint = "(fine when preprints were revised to cite each other; otherwise remove the wrong key)"
    assert [i.format() for i in result.issues] == [
        f"catalogue/x.yaml:10: [citation-cycle] warning: citation cycle: x -> y -> z -> x {hint}",
        f"catalogue/y.yaml:10: [citation-cycle] warning: citation cycle: y -> z -> x -> y {hint}",
        f"catalogue/z.yaml:10: [citation-cycle] warning: citation cycle: z -> x -> y -> z {hint}",
    ]
    assert find_cycles(build_graph(result.catalogue).adj) == [("x", "y", "z")]


def test_shortest_cycle_is_shown(repo_copy: Repository) -> None:
    # a -> b -> c -> d -> a and a -> d: the cycle shown through a is a -> d -> a.
    write_catalogue(repo_copy, {
        "a": paper("First paper title", 2023, cites=("b", "d")),
        "b": paper("Second paper title", 2023, cites=("c",)),
        "c": paper("Third paper title", 2023, cites=("d",)),
        "d": paper("Fourth paper title", 2023, cites=("a",)),
    })
    assert find_cycles(build_graph(load_catalogue(repo_copy)).adj) == [("a", "d")]


def test_no_cycle_no_warning(small: Repository) -> None:
    assert [i.format() for i in validate(small).issues] == [  # only the alias used on purpose above
        "catalogue/c.yaml:7: [taxonomy-alias] warning: method 'Multi-level' is an alias (write the id 'multilevel')"]


def test_report_and_its_json(graph: nx.DiGraph, small: Repository) -> None:
    report = graph_report(graph, small.load_taxonomy(), top=2)
    assert [w.key for w in report.most_cited] == ["a", "b"]
    assert [w.key for w in report.foundational] == ["a"]
    data = report.to_json()
    json.dumps(data)  # serialisable
    assert data["flows"]["method"]["rows_cite_columns"]["multilevel"] == {"direct": 2}
    assert data["components"] == {"groups": [["a", "b", "c", "d", "f"]], "isolated": ["e"]}
    assert data["cocitation"]["a"][0] == {"key": "b", "shared": 2, "score": round(2 / 6**0.5, 6)}


# --------------------------------------------------------------------------- export


def test_graphml_reads_back_with_every_node_edge_and_attribute(graph: nx.DiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(export_graph(graph, "graphml").encode("utf-8")))
    assert set(back) == set(graph) and set(back.edges) == set(graph.edges)
    assert back.nodes["c"]["method"] == "multilevel" and back.nodes["c"]["application"] == ""
    assert back.nodes["d"]["application"] == "math" and back.nodes["a"]["year"] == 2018
    assert back.nodes["a"]["title"] == "Alpha: the Origin of Everything" and back.nodes["a"]["cited_by"] == 3
    assert back.nodes["a"]["label"] == "Doe 2018"


def test_gexf_reads_back_with_every_node_and_edge(graph: nx.DiGraph) -> None:
    back = nx.read_gexf(io.BytesIO(export_graph(graph, "gexf").encode("utf-8")))
    assert set(back) == set(graph) and set(back.edges) == set(graph.edges)
    assert back.nodes["d"]["method"] == "reinforcement-learning" and back.nodes["d"]["year"] == 2021


def test_list_attributes_are_joined(repo_copy: Repository) -> None:
    write_catalogue(repo_copy, {"x": paper("Two applications here", 2021, application=("math", "translation"))})
    graph = build_graph(load_catalogue(repo_copy))
    back = nx.read_graphml(io.BytesIO(export_graph(graph, "graphml").encode("utf-8")))
    assert back.nodes["x"]["application"].split(";") == ["math", "translation"]


def test_node_link_json(graph: nx.DiGraph) -> None:
    data = json.loads(export_graph(graph, "json"))
    assert data == node_link_data(graph)
    first = data["nodes"][0]
    assert first == {"id": "a", "title": "Alpha: the Origin of Everything", "year": 2018, "method": ["direct"],
                     "application": ["commonsense"], "area": [], "opportunity": [], "challenge": [], "in_degree": 3}
    assert data["graph"] == {"facets": ["method", "application", "area", "opportunity", "challenge"]}
    assert {"source": "f", "target": "d"} in data["links"] and len(data["links"]) == 7
    back = nx.node_link_graph(data, edges="links")  # networkx's default reader, no options
    assert set(back) == set(graph) and set(back.edges) == set(graph.edges)


def test_unknown_export_format(graph: nx.DiGraph) -> None:
    with pytest.raises(ValueError, match="expected one of graphml, gexf, json"):
        export_graph(graph, "dot")


def test_real_catalogue_builds(real_repo: Repository) -> None:
    catalogue = load_catalogue(real_repo)
    graph = build_graph(catalogue, real_repo.load_taxonomy())
    assert set(graph) == set(catalogue.entries)
    back = nx.read_graphml(io.BytesIO(export_graph(graph, "graphml").encode("utf-8")))
    assert set(back) == set(graph) and set(back.edges) == set(graph.edges)
