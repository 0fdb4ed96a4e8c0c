"""``symkd graph ...`` and ``symkd export graph`` on a small hand-built catalogue."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from symkd_survey.cli.common import Parser
from symkd_survey.cli.graph_cmds import register_export_graph
from symkd_survey.core.catalogue import Repository

from .test_graph import SMALL, write_catalogue

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def small(repo_copy: Repository) -> Repository:
    write_catalogue(repo_copy, SMALL)
    return repo_copy


def test_report_names_the_most_cited_and_the_method_flow(small: Repository, run_cli: Run) -> None:
    status, out, err = run_cli("--root", small.root, "graph", "report", "--top", "3")
    assert status == 0 and err == ""
    assert out.startswith("6 papers, 7 citations within the catalogue\n\nmost cited within the catalogue:\n"
                          "     3  a (2018) Alpha: the Origin of Everything\n"
                          "     2  b (2019) Beta builds on Alpha\n"
                          "     1  c (2020) Gamma combines Alpha and Beta\n")
    method = out.split("method flow (rows cite columns; (none) = no method):\n")[1].split("\n\n")[0]
    assert method.splitlines() == [
        "                              [1]  [2]  [3]  [4]",
        "  [1] direct                    1    .    .    .",
        "  [2] multilevel                2    .    .    .",
        "  [3] reinforcement-learning    2    1    .    .",
        "  [4] (none)                    .    .    1    .",
    ]
    assert "foundational works (cited often, citing no earlier catalogue paper):\n     3  a (2018)" in out
    assert "components: 1 connected group(s), largest 5 papers; 1 isolated paper(s)\n  isolated: e" in out


def test_report_json(small: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", small.root, "graph", "report", "--json")
    assert status == 0
    data = json.loads(out)
    assert [w["key"] for w in data["most_cited"]] == ["a", "b", "c", "d"]
    assert data["most_cited"][0] == {"key": "a", "title": "Alpha: the Origin of Everything", "year": 2018,
                                     "cited_by": 3}
    assert data["flows"]["method"]["rows_cite_columns"]["reinforcement-learning"] == {
        "direct": 2, "multilevel": 1}
    assert [w["key"] for w in data["pagerank"]][:2] == ["a", "b"]


def test_report_refuses_a_broken_catalogue(small: Repository, run_cli: Run) -> None:
    (small.catalogue_dir / "broken.yaml").write_text("title: [\n")
    status, out, err = run_cli("--root", small.root, "graph", "report")
    assert status == 1 and out == "" and "catalogue/broken.yaml:" in err


def test_lineage(small: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", small.root, "graph", "lineage", "d")
    assert status == 0
    assert out == ("d (2021) Delta cites all before it\n\n"
                   "ancestors: the works it builds on (distance in citations) (3):\n"
                   "   1  a (2018) Alpha: the Origin of Everything\n"
                   "   1  b (2019) Beta builds on Alpha\n"
                   "   1  c (2020) Gamma combines Alpha and Beta\n\n"
                   "descendants: the works building on it (1):\n"
                   "   1  f (2022) Phi cites Delta\n")
    status, out, _ = run_cli("--root", small.root, "graph", "lineage", "f", "--depth", "1", "--json")
    assert json.loads(out)["ancestors"] == [{"key": "d", "title": "Delta cites all before it", "year": 2021,
                                             "distance": 1}]


def test_path_found(small: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", small.root, "graph", "path", "f", "a")
    assert status == 0
    assert out == ("2 citation step(s) from f to a:\n"
                   "  f (2022) Phi cites Delta\n"
                   "  cites d (2021) Delta cites all before it\n"
                   "  cites a (2018) Alpha: the Origin of Everything\n")


def test_path_absent_says_so_and_points_the_other_way(small: Repository, run_cli: Run) -> None:
    status, out, err = run_cli("--root", small.root, "graph", "path", "a", "f")
    assert (status, out) == (1, "")
    assert err == "no citation path from a to f (but f leads to a in 2 step(s): try 'symkd graph path f a')\n"
    status, _, err = run_cli("--root", small.root, "graph", "path", "e", "a")
    assert (status, err) == (1, "no citation path from e to a\n")


def test_unknown_key_did_you_mean(small: Repository, run_cli: Run) -> None:
    write_catalogue(small, {**SMALL, "west2022symbolic": SMALL["e"].model_copy(update={"title": "West paper"})})
    status, out, err = run_cli("--root", small.root, "graph", "path", "west2022symbolik", "a")
    assert (status, out) == (1, "")
    assert err == "symkd:0: [unknown-key] no catalogue entry 'west2022symbolik' (did you mean 'west2022symbolic'?)\n"
    status, _, err = run_cli("--root", small.root, "graph", "lineage", "west2022symbolik")
    assert status == 1 and "did you mean 'west2022symbolic'?" in err


def test_similar(small: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", small.root, "graph", "similar", "a")
    assert status == 0
    assert out.splitlines()[:2] == ["papers most often cited together with a:",
                                    "     2  0.816  b (2019) Beta builds on Alpha"]
    status, out, _ = run_cli("--root", small.root, "graph", "similar", "c", "--by", "coupling", "--json")
    assert [(s["key"], s["shared"]) for s in json.loads(out)] == [("d", 3), ("b", 1), ("f", 1)]


def test_missing(small: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", small.root, "graph", "missing")
    assert status == 0
    assert out == ("2 works outside the catalogue cited by at least 2 catalogue papers:\n"
                   "     2  arxiv:1706.03762  (cited by c, d)\n"
                   "     2  doi:10.1000/x1  (cited by c, f)\n")
    status, out, _ = run_cli("--root", small.root, "graph", "missing", "--min-citers", "3")
    assert out == "no work outside the catalogue is cited by 3 or more catalogue papers\n"
    status, _, err = run_cli("--root", small.root, "graph", "missing", "--min-citers", "0")
    assert status == 1 and "expected a whole number of at least 1, got 0" in err


def test_graph_needs_a_subcommand(small: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", small.root, "graph")
    assert status == 1 and "[args] the following arguments are required: SUBCOMMAND" in err


# --------------------------------------------------------------------------- symkd export graph


def run_export(*args: str) -> int:
    """Parse ``symkd [--root R] export graph ...`` with a parser holding only the export
    subcommand that :func:`register_export_graph` adds, and run it."""
    parser = Parser(prog="symkd")
    parser.add_argument("--root", type=Path, default=None)
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    export = commands.add_parser("export")
    register_export_graph(export.add_subparsers(dest="export_command", parser_class=Parser))
    namespace: argparse.Namespace = parser.parse_args(list(args))
    status: int = namespace.func(namespace)
    return status


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_graph_reads_back(fmt: str, small: Repository, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"graph.{fmt}"
    assert run_export("--root", str(small.root), "export", "graph", "--format", fmt, "--out", str(out)) == 0
    assert capsys.readouterr().err == f"wrote {out} (6 papers, 7 citations)\n"
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert set(back) == set(SMALL)
    assert set(back.edges) == {("b", "a"), ("c", "a"), ("c", "b"), ("d", "a"), ("d", "b"), ("d", "c"), ("f", "d")}
    assert back.nodes["c"]["method"] == "multilevel" and back.nodes["b"]["application"] == "math"


def test_export_graph_json_to_stdout(small: Repository, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_export("--root", str(small.root), "export", "graph", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [n["id"] for n in data["nodes"]] == ["a", "b", "c", "d", "e", "f"]
    assert data["nodes"][3] == {"id": "d", "title": "Delta cites all before it", "year": 2021,
                                "method": ["reinforcement-learning"], "application": ["math"], "area": [],
                                "opportunity": [], "challenge": [], "in_degree": 1}
    back = nx.node_link_graph(data, edges="links")
    assert back.number_of_edges() == 7 and back.number_of_nodes() == 6


def test_export_graph_default_is_graphml(small: Repository, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_export("--root", str(small.root), "export", "graph") == 0
    back = nx.read_graphml(io.BytesIO(capsys.readouterr().out.encode("utf-8")))
    assert back.number_of_nodes() == 6
