"""Similar works from text, taxonomy and citations: never empty, always with a reason."""

from __future__ import annotations

from collections import Counter

from symkd_survey.analysis.graph.building import build_graph
from symkd_survey.analysis.similarity import citation_neighbours, similar_works
from symkd_survey.core.catalogue import Catalogue, Repository, load_catalogue
from symkd_survey.core.taxonomy import Taxonomy


def _inputs(catalogue: Catalogue, taxonomy: Taxonomy) -> tuple[dict[str, tuple[str, str | None]],
                                                                dict[str, dict[str, list[str]]], dict[str, str]]:
    texts = {item.key: (item.entry.title, item.entry.summary) for item in catalogue}
    labels = {item.key: {facet: list(labels) for facet, labels in item.entry.taxonomy.items()} for item in catalogue}
    names = {node.id: node.label for facet in taxonomy.facets.values() for node in facet.nodes}
    return texts, labels, names


def test_every_shipped_paper_has_similar_works_with_reasons(real_repo: Repository) -> None:
    real_catalogue = load_catalogue(real_repo)
    taxonomy = real_repo.load_taxonomy()
    texts, labels, names = _inputs(real_catalogue, taxonomy)
    graph = build_graph(real_catalogue, taxonomy)
    found = similar_works(texts, labels, names, ("method", "application"), citation_neighbours(graph))
    assert all(len(found[key]) == 5 for key in texts)
    assert all(work.reasons and work.key != key for key, works in found.items() for work in works)
    # the paper that named the field is next to its own follow-ups
    assert {"west2023novacomet", "bhagavatula2023i2d2"} & {w.key for w in found["west2022symbolic"]}


def test_text_taxonomy_and_citations_each_count() -> None:
    texts = {"a": ("Commonsense knowledge graphs distilled from GPT-3", None),
             "b": ("Commonsense knowledge graphs built by prompting", None),
             "c": ("Theorem proving with expert iteration", None),
             "d": ("Unrelated words entirely", None)}
    labels = {"a": {"method": ["direct"]}, "b": {"method": ["direct"]}, "c": {"method": ["multilevel"]},
              "d": {"method": ["multilevel"]}}
    plain = similar_works(texts, labels, {}, None, {}, top=3)
    assert plain["a"][0].key == "b" and "similar title and summary" in plain["a"][0].reasons
    assert plain["c"][0].key == "d" and plain["c"][0].reasons == ("shared taxonomy values",)
    linked = similar_works(texts, labels, {}, None, {"c": Counter({"a": 4}), "a": Counter({"c": 4})}, top=3)
    assert linked["c"][0].key == "a" and "4 shared citations" in linked["c"][0].reasons
