"""Similar works: citations where they are known, text and taxonomy everywhere.

Co-citation and bibliographic coupling (:mod:`symkd_survey.analysis.graph`) need read reference lists,
and most papers of a young field have few; a "similar works" list driven by them alone is
empty for most pages. Here four signals are combined, and each neighbour keeps the reasons it
was chosen, so that a reader can see why:

- **text**: cosine similarity of TF-IDF vectors (scikit-learn) over title, summary and the
  labels of the paper's taxonomy values, with English stop words removed and sublinear term
  frequency;
- **taxonomy**: the share of taxonomy values two papers have in common (Jaccard), and whether
  they sit in the same cell of the coverage matrix (the two facets given as ``cell_facets``);
- **co-citation** and **coupling**: the shared citers and shared references counted in the
  citation graph.

The score is ``text + 0.5 * taxonomy + 0.15 * min(shared citations, 4)``: text separates
topics, taxonomy breaks ties within one, and a citation link adds a fixed bonus per shared
neighbour (capped so that one much-cited hub does not dominate). The similarity matrix is
computed in blocks of rows, so memory stays linear in the catalogue for a fixed block size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BLOCK_ROWS = 512
"""Rows of the similarity matrix computed at once (a block costs BLOCK_ROWS x N floats)."""


@dataclass(frozen=True, slots=True)
class SimilarWork:
    key: str
    score: float
    reasons: tuple[str, ...]
    """Why, in words: "similar title and summary", "same cell of the coverage matrix", "3 shared citations"."""


def _document(title: str, summary: str | None, labels: Sequence[str]) -> str:
    return " ".join([title, title, summary or "", *labels])  # the title counts twice: it is what is certain


def similar_works(texts: Mapping[str, tuple[str, str | None]], labels: Mapping[str, Mapping[str, Sequence[str]]],
                  label_names: Mapping[str, str], cell_facets: tuple[str, str] | None,
                  citation_counts: Mapping[str, Counter[str]], *, top: int = 5) -> dict[str, list[SimilarWork]]:
    """The ``top`` most similar works of every paper, best first, each with its reasons.

    ``texts`` maps a key to (title, summary); ``labels`` a key to facet -> value ids;
    ``label_names`` a value id to its readable label; ``cell_facets`` the two facets whose
    pair of values makes a coverage cell; ``citation_counts`` a key to the number of shared
    citation neighbours (co-citation plus coupling) with each other key.

    >>> texts = {"a": ("Distilling commonsense knowledge graphs", None),
    ...          "b": ("Commonsense knowledge graphs from language models", None),
    ...          "c": ("Proving theorems with curriculum learning", None)}
    >>> labels = {"a": {"task": ["parsing"]}, "b": {"task": ["parsing"]}, "c": {"task": ["proving"]}}
    >>> [s.key for s in similar_works(texts, labels, {}, None, {}, top=1)["a"]]
    ['b']
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys = list(texts)
    result: dict[str, list[SimilarWork]] = {key: [] for key in keys}
    if len(keys) < 2:
        return result
    docs = [_document(texts[k][0], texts[k][1],
                      [label_names.get(v, v) for values in labels.get(k, {}).values() for v in values]) for k in keys]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(docs)
    value_sets = [frozenset((f, v) for f, values in labels.get(k, {}).items() for v in values) for k in keys]
    cells = [_cells(labels.get(k, {}), cell_facets) for k in keys]
    index = {key: n for n, key in enumerate(keys)}
    want = min(top * 4, len(keys) - 1)
    for start in range(0, len(keys), BLOCK_ROWS):
        block = (matrix[start:start + BLOCK_ROWS] @ matrix.T).toarray()
        for row, text_scores in enumerate(block):
            me = start + row
            text_scores[me] = -1.0
            candidates = set(np.argpartition(-text_scores, want - 1)[:want].tolist()) if want > 0 else set()
            shared = citation_counts.get(keys[me], Counter())
            candidates.update(index[k] for k in shared if k in index and k != keys[me])
            scored = []
            for other in candidates:
                if other == me:
                    continue
                text = float(max(text_scores[other], 0.0))
                union = value_sets[me] | value_sets[other]
                taxonomy = len(value_sets[me] & value_sets[other]) / len(union) if union else 0.0
                links = shared.get(keys[other], 0)
                score = text + 0.5 * taxonomy + 0.15 * min(links, 4)
                if score <= 0:
                    continue
                scored.append((-score, keys[other], text, taxonomy, links, bool(cells[me] & cells[other])))
            scored.sort()
            result[keys[me]] = [
                SimilarWork(key, round(-neg, 4), _reasons(text, taxonomy, links, same_cell, cell_facets))
                for neg, key, text, taxonomy, links, same_cell in scored[:top]]
    return result


def _cells(values: Mapping[str, Sequence[str]], facets: tuple[str, str] | None) -> frozenset[tuple[str, str]]:
    if facets is None:
        return frozenset()
    return frozenset((a, b) for a in values.get(facets[0], ()) for b in values.get(facets[1], ()))


def _reasons(text: float, taxonomy: float, links: int, same_cell: bool,
             cell_facets: tuple[str, str] | None) -> tuple[str, ...]:
    reasons = []
    if text >= 0.1:
        reasons.append("similar title and summary")
    if same_cell and cell_facets is not None:
        reasons.append(f"same {cell_facets[0]} and {cell_facets[1]}")
    elif taxonomy >= 0.3:
        reasons.append("shared taxonomy values")
    if links:
        reasons.append(f"{links} shared citation{'s' if links != 1 else ''}")
    return tuple(reasons) or ("related wording",)


def citation_neighbours(graph: Any) -> dict[str, Counter[str]]:
    """Shared citers plus shared references of every pair that has any, from the citation graph."""
    from symkd_survey.analysis.graph.analyses import bibliographic_coupling, cocitation

    merged: dict[str, Counter[str]] = {key: Counter() for key in graph.nodes}
    for table in (cocitation(graph, top=20), bibliographic_coupling(graph, top=20)):
        for key, similar in table.items():
            for item in similar:
                merged[key][item.key] += item.shared
    return merged
