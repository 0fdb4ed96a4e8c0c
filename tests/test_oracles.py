"""The hand-written pieces kept instead of libraries, checked against those libraries as oracles.

* The LaTeX table of :mod:`symkd_survey.core.latex` (Unicode -> LaTeX for the BibTeX exporter,
  LaTeX -> Unicode for import) against pylatexenc, a LaTeX-to-text converter used as it ships
  (default macro database, LaTeX's rule for spaces after control words). Where the two disagree
  for a reason other than a fault of the table, the character is listed in :data:`EXCLUDED`
  with what pylatexenc reads and why; a test checks that every exclusion is still needed, so
  the list cannot hide a character silently or go stale.
* Tarjan's strongly connected groups and the shortest cycles of :mod:`symkd_survey.core.cycles`
  (validation's networkx-free cycle check) against networkx on many random directed graphs.
* PageRank by power iteration (:func:`symkd_survey.analysis.graph.analyses.pagerank_scores`)
  against ``networkx.pagerank``.

Random cases come from hypothesis or from fixed seeds, so every failure can be replayed.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import (  # type: ignore[import-untyped]  # pylatexenc ships no types
    LatexNodes2Text,
    get_default_latex_context_db,
)

from symkd_survey.analysis.graph.analyses import pagerank_scores
from symkd_survey.core.cycles import _strong_groups, find_cycles
from symkd_survey.core.latex import LATEX_TO_UNICODE, UNICODE_TO_LATEX, decode_commands

# --------------------------------------------------------------------------- LaTeX: the oracle

# pylatexenc as it ships; strict_latex_spaces follows LaTeX (a control word eats the spaces after
# it) and math is read as text ($\alpha$ -> α), which is how a bibliography typesets both.
_PYLATEXENC = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
_MACROS = get_default_latex_context_db()


def pylatexenc_text(latex: str) -> str:
    return str(_PYLATEXENC.latex_to_text(latex))


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '?')}"


@dataclass(frozen=True)
class Exclusion:
    """A character whose forms pylatexenc reads as ``reads`` instead, and why that is no fault of the table."""

    reads: str
    why: str


_SAME_GLYPH = "LaTeX has no glyph of its own for it; our form typesets as this equivalent, as pylatexenc reads"
_NO_MACRO = "pylatexenc's macro database has no {macro} (it drops unknown macros); LaTeX typesets the character"

EXCLUDED: dict[str, Exclusion] = {
    # Typographic equivalents: the exporter writes the nearest LaTeX has (test_latex.py checks they
    # are punctuation and spaces only), and pylatexenc faithfully reads that back.
    "\u2010": Exclusion("-", f"{_SAME_GLYPH}: '-' (hyphen)"),
    "\u2011": Exclusion("-", f"{_SAME_GLYPH}: '-' (non-breaking hyphen)"),
    "\u2012": Exclusion("\u2013", "figure dash written '--'; LaTeX's own t1enc.dfu declares U+2012 as \\textendash"),
    "\u2015": Exclusion("\u2014", "horizontal bar written '---'; LaTeX's t1enc.dfu declares U+2015 as \\textemdash"),
    "\u2018": Exclusion("`", "a single ` is TeX's left quote (a font ligature); pylatexenc turns only `` into a quote"),
    "\u2019": Exclusion("'", "a single ' is TeX's right quote (a font ligature); pylatexenc keeps the apostrophe"),
    "\u2212": Exclusion("-", "{$-$}: TeX typesets a math '-' as the minus sign; pylatexenc keeps the ASCII '-'"),
    "\u2032": Exclusion("'", "{$'$}: TeX typesets a math ' as \\prime; pylatexenc keeps the apostrophe"),
    "\u2009": Exclusion(" ", "\\, is a thin space in LaTeX; pylatexenc writes an ordinary space"),
    "\u202f": Exclusion(" ", "\\, is a thin space in LaTeX; pylatexenc writes an ordinary space"),
    "\u2003": Exclusion("  ", "\\quad is an em space in LaTeX; pylatexenc writes two spaces"),
    "\u2002": Exclusion("", _NO_MACRO.format(macro="\\enspace")),
    "\u00b2": Exclusion("2", _NO_MACRO.format(macro="\\textsuperscript") + " raised; pylatexenc keeps the digit"),
    "\u00b3": Exclusion("3", _NO_MACRO.format(macro="\\textsuperscript") + " raised; pylatexenc keeps the digit"),
    "\u00b9": Exclusion("1", _NO_MACRO.format(macro="\\textsuperscript") + " raised; pylatexenc keeps the digit"),
    # Commands pylatexenc does not know.
    "\u00a7": Exclusion("", _NO_MACRO.format(macro="\\S")),
    "\u00b6": Exclusion("", _NO_MACRO.format(macro="\\P")),
    "\u00a3": Exclusion("", _NO_MACRO.format(macro="\\pounds")),
    "<": Exclusion("", _NO_MACRO.format(macro="\\textless")),  # decoder only: the exporter's escape of '<'
    ">": Exclusion("", _NO_MACRO.format(macro="\\textgreater")),
    "|": Exclusion("", _NO_MACRO.format(macro="\\textbar")),
    # Commands pylatexenc maps to another character than LaTeX does.
    "\u00b7": Exclusion("\u02d9", "pylatexenc reads \\textperiodcentered as U+02D9 DOT ABOVE; LaTeX's ts1enc.dfu "
                                  "declares U+00B7 MIDDLE DOT as \\textperiodcentered"),
    "^": Exclusion("\u02c6", "pylatexenc reads \\textasciicircum as U+02C6 MODIFIER LETTER CIRCUMFLEX; LaTeX "
                             "typesets the ASCII '^', which the exporter escapes to it"),
}

# Forms of the decoder per character (a character may have several: {$\leq$} and $\leq$).
_FORMS_OF: dict[str, list[str]] = {}
for _form, _char in LATEX_TO_UNICODE.items():
    _FORMS_OF.setdefault(_char, []).append(_form)


def test_pylatexenc_reads_every_form_of_the_bibtex_table_back_as_its_character() -> None:
    wrong = [f"{_name(char)}: {latex!r} reads as {pylatexenc_text(latex)!r}"
             for char, latex in UNICODE_TO_LATEX.items()
             if char not in EXCLUDED and pylatexenc_text(latex) != char]
    assert wrong == [], "\n".join(wrong)
    assert len(UNICODE_TO_LATEX) - len(EXCLUDED.keys() & UNICODE_TO_LATEX.keys()) > 450  # the check covers the table


def test_the_decoder_reads_each_form_as_pylatexenc_does() -> None:
    wrong = []
    for form, char in LATEX_TO_UNICODE.items():
        ours = decode_commands(form, str)  # the table alone, no general decoder behind it
        if ours != char:
            wrong.append(f"{form!r}: the decoder gives {ours!r}, its table says {char!r}")
        if char not in EXCLUDED and pylatexenc_text(form) != char:
            wrong.append(f"{form!r}: pylatexenc reads {pylatexenc_text(form)!r}, the decoder {char!r}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("char", sorted(EXCLUDED))
def test_each_exclusion_is_still_needed_and_reads_as_stated(char: str) -> None:
    exclusion = EXCLUDED[char]
    forms = [f for f in [UNICODE_TO_LATEX.get(char), *_FORMS_OF.get(char, [])] if f is not None]
    assert forms, f"{_name(char)} is no longer in the LaTeX table: drop its exclusion"
    for form in forms:
        read = pylatexenc_text(form)
        assert read != char, f"pylatexenc now reads {form!r} as {_name(char)}: drop its exclusion"
        assert read == exclusion.reads, f"pylatexenc reads {form!r} as {read!r}, not {exclusion.reads!r} as stated"
    for macro in re.findall(r"has no \\(\w+)", exclusion.why):
        assert _MACROS.get_macro_spec(macro) is None, f"pylatexenc knows \\{macro} now: {exclusion.why}"


# Text around the decoder's forms: words, punctuation, TeX ligatures and escapes, braces, spaces
# and line breaks, a non-ASCII letter. Nothing that reopens a form (a lone accent command, an
# unpaired $ or brace), which no exporter writes and no form could be read inside.
_PLAIN = ["a", "Zo", "1", " ", "  ", "\n", ",", ".", ":", "-", "--", "'", "``", "''", "~", "(", ")", "?", "/",
          "\\&", "\\%", "\\_", "{x}", "{A B}", "é", "x y"]
_SHARED_FORMS = sorted(form for form, char in LATEX_TO_UNICODE.items() if char not in EXCLUDED)
# Two input shapes where pylatexenc and pdfTeX read a bare control word (\ldots) differently,
# which the property below leaves out: a non-ASCII letter right after it (pdfTeX ends the word
# there, as the decoder does; pylatexenc reads one longer, unknown command), and a blank line
# holding spaces or tabs after it (LaTeX, and the decoder, keep it as a paragraph break;
# pylatexenc eats it with the spaces, and keeps only a blank line of nothing).
_DIFFERENT_LEXING = re.compile(r"\\[A-Za-z]+(?:[^\x00-\x7f]|[ \t]*(?:\r\n|\r|\n)[ \t]+[\r\n])")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SHARED_FORMS), st.sampled_from(_PLAIN)), max_size=10).map("".join))
def test_the_decoder_in_running_text_agrees_with_pylatexenc(text: str) -> None:
    assume(_DIFFERENT_LEXING.search(text) is None)
    assert decode_commands(text, pylatexenc_text) == pylatexenc_text(text)


@pytest.mark.parametrize("text", ["\\ldots\nx", "\\textbullet  x", "\\ldots \t\n  x", "\\ldots  \r\nx",
                                  "a\\textbullet\n\nb", "\\ldots  \n\nx", "\\ldots\n", "\\textdegree \t"])
def test_a_bare_control_word_eats_a_line_break_or_several_spaces_as_in_latex(text: str) -> None:
    assert decode_commands(text, pylatexenc_text) == pylatexenc_text(text)


@pytest.mark.parametrize(("text", "decoded"), [
    ("\\ldots\n  \nx", "\u2026\n  \nx"),  # a blank line is a paragraph: LaTeX keeps it (pylatexenc does not)
    ("\\ldots \n\t\n x", "\u2026\n\t\n x"),
])
def test_a_bare_control_word_leaves_a_blank_line_holding_spaces_as_latex_does(text: str, decoded: str) -> None:
    assert decode_commands(text, str) == decoded


# --------------------------------------------------------------------------- citation cycles


def random_digraph(seed: int, nodes: int, density: float, *, self_loops: bool = False) -> nx.DiGraph:
    """``nodes`` papers with random keys (added in random order, so that the first key of a group
    is rarely the first visited), each pair cited with probability ``density``."""
    rng = random.Random(seed)
    keys = [f"k{n:06d}" for n in rng.sample(range(10**6), nodes)]
    graph = nx.DiGraph()
    graph.add_nodes_from(keys)
    graph.add_edges_from((a, b) for a in keys for b in keys if (a != b or self_loops) and rng.random() < density)
    return graph


def shortest_cycle_length(graph: nx.DiGraph, start: str) -> int:
    """The length of the shortest cycle through ``start``, by networkx's shortest paths."""
    distance: dict[str, int] = nx.single_source_shortest_path_length(graph, start)
    return min(distance[p] + 1 for p in graph.predecessors(start) if p in distance)


def assert_cycles_match_networkx(graph: nx.DiGraph) -> None:
    adjacency = {key: list(graph.successors(key)) for key in graph}  # the form validation passes
    expected = sorted(sorted(group) for group in nx.strongly_connected_components(graph) if len(group) > 1)
    assert sorted(sorted(group) for group in _strong_groups(adjacency)) == expected

    cycles = find_cycles(adjacency)
    assert cycles == sorted(cycles)
    assert find_cycles(graph.adj) == cycles  # a DiGraph's adjacency works as well
    assert [cycle[0] for cycle in sorted(cycles)] == sorted(group[0] for group in expected)  # one per group
    group_of = {group[0]: set(group) for group in expected}
    for cycle in cycles:
        assert len(set(cycle)) == len(cycle), f"{cycle} repeats a paper"
        assert set(cycle) <= group_of[cycle[0]], f"{cycle} leaves its group"
        missing = [(a, b) for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True) if not graph.has_edge(a, b)]
        assert missing == [], f"{cycle} is no cycle: no citation {missing}"
        assert len(cycle) == shortest_cycle_length(graph, cycle[0]), f"{cycle} is not the shortest"
        if graph.number_of_nodes() <= 10:  # simple_cycles lists every cycle: small graphs only
            through = [c for c in nx.simple_cycles(graph, length_bound=len(cycle)) if cycle[0] in c]
            rotated = [tuple(c[c.index(cycle[0]):] + c[:c.index(cycle[0])]) for c in through]
            assert cycle in rotated
            assert min(map(len, rotated)) == len(cycle)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), nodes=st.integers(0, 40),
       density=st.sampled_from([0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 0.9, 1.0]))
def test_cycles_of_random_graphs_match_networkx(seed: int, nodes: int, density: float) -> None:
    assert_cycles_match_networkx(random_digraph(seed, nodes, density))


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32), nodes=st.integers(1, 10), density=st.sampled_from([0.1, 0.3, 0.6]))
def test_cycles_of_random_graphs_with_self_citations_match_networkx(seed: int, nodes: int, density: float) -> None:
    # Validation drops self-citations before the check; with them, a paper's own loop is its shortest cycle.
    assert_cycles_match_networkx(random_digraph(seed, nodes, density, self_loops=True))


def _ring(size: int) -> nx.DiGraph:
    return nx.relabel_nodes(nx.cycle_graph(size, create_using=nx.DiGraph), lambda n: f"p{size - n:05d}")


@pytest.mark.parametrize("graph", [
    pytest.param(nx.DiGraph(), id="empty"),
    pytest.param(random_digraph(1, 1, 1.0), id="one-paper"),
    pytest.param(random_digraph(2, 50, 0.0), id="no-citations"),
    pytest.param(random_digraph(3, 12, 1.0), id="complete"),
    pytest.param(random_digraph(4, 300, 0.004), id="sparse-300"),
    pytest.param(random_digraph(5, 150, 0.3), id="dense-150"),
    pytest.param(nx.relabel_nodes(nx.gn_graph(400, seed=6), str), id="citation-tree-acyclic"),
    pytest.param(_ring(5000), id="ring-5000-deeper-than-the-recursion-limit"),
    pytest.param(nx.disjoint_union(_ring(3), _ring(4)).reverse(), id="two-rings"),
])
def test_cycles_of_chosen_graphs_match_networkx(graph: nx.DiGraph) -> None:
    graph = nx.relabel_nodes(graph, str)
    assert_cycles_match_networkx(graph)


# --------------------------------------------------------------------------- PageRank


def random_citation_graph(seed: int, nodes: int, density: float, isolated: int) -> nx.DiGraph:
    """A random graph, some of whose papers cite nothing (dangling), plus ``isolated`` papers."""
    graph = random_digraph(seed, nodes, density)
    rng = random.Random(seed + 1)
    for key in rng.sample(sorted(graph), nodes // 3):  # a third cite nothing
        graph.remove_edges_from(list(graph.out_edges(key)))
    graph.add_nodes_from(f"isolated{n}" for n in range(isolated))
    return graph


def assert_pagerank_matches_networkx(graph: nx.DiGraph, alpha: float, tolerance: float, within: float) -> None:
    ours = pagerank_scores(graph, alpha=alpha, tolerance=tolerance)
    theirs: dict[Any, float] = nx.pagerank(graph, alpha=alpha, tol=1e-15, max_iter=100_000)
    assert ours.keys() == theirs.keys()
    worst = max((abs(ours[key] - theirs[key]) for key in graph), default=0.0)
    assert worst <= within, f"a score differs from networkx's by {worst:.3g}"
    if ours:
        assert sum(ours.values()) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), nodes=st.integers(0, 60), density=st.sampled_from([0.0, 0.03, 0.1, 0.3, 0.8]),
       isolated=st.integers(0, 5))
def test_pagerank_with_its_defaults_matches_networkx(seed: int, nodes: int, density: float, isolated: int) -> None:
    # The default tolerance stops at an L1 change of 1e-10: the scores are then within
    # 1e-10 * alpha / (1 - alpha) (under 6e-10) of the fixed point.
    assert_pagerank_matches_networkx(random_citation_graph(seed, nodes, density, isolated), 0.85, 1e-10, 1e-9)


@pytest.mark.parametrize("alpha", [0.5, 0.85, 0.95])
@pytest.mark.parametrize("seed", range(8))
def test_pagerank_converged_tightly_matches_networkx(seed: int, alpha: float) -> None:
    graph = random_citation_graph(seed, 20 + 10 * seed, (0.02, 0.1, 0.4)[seed % 3], isolated=seed % 3)
    assert_pagerank_matches_networkx(graph, alpha, 1e-14, 1e-12)


@pytest.mark.parametrize("graph", [
    pytest.param(nx.DiGraph(), id="empty"),
    pytest.param(random_citation_graph(0, 0, 0.0, isolated=7), id="only-isolated"),
    pytest.param(nx.relabel_nodes(nx.star_graph(30, create_using=nx.DiGraph), str).reverse(), id="all-cite-one"),
    pytest.param(nx.relabel_nodes(nx.path_graph(40, create_using=nx.DiGraph), str), id="chain"),
    pytest.param(_ring(50), id="ring"),
])
def test_pagerank_of_chosen_graphs_matches_networkx(graph: nx.DiGraph) -> None:
    assert_pagerank_matches_networkx(graph, 0.85, 1e-14, 1e-12)
