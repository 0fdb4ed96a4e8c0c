"""Ranking the discovery queue: similarity, the model learned from screening decisions, the
label-suggestion hook, and the Markdown queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from symkd_survey.review.discovery import Candidate, DiscoveryResult
from symkd_survey.review.queue_markdown import MARKER, NO_LABELS, escape, queue_markdown
from symkd_survey.review.ranking import MIN_DECISIONS, History, ReferenceDoc, history_of, rank_against

TODAY = dt.date(2026, 12, 1)
DOCS = [
    ReferenceDoc("a", "Symbolic knowledge distillation of commonsense", "Symbolic knowledge distillation of "
                 "commonsense: a teacher writes triples"),
    ReferenceDoc("b", "Distilling step-by-step rationales", "Distilling step-by-step rationales into small models"),
    ReferenceDoc("c", "Teacher-generated instruction data", "Teacher-generated instruction data for students"),
]
INCLUDED = [f"Distilling {topic} rationales from a teacher language model" for topic in (
    "arithmetic", "commonsense", "legal", "medical", "code", "math", "science", "dialogue", "planning", "tool")]
EXCLUDED = [f"Logit matching for {topic} model compression with feature distillation" for topic in (
    "vision", "speech", "tabular", "graph", "audio", "image", "video", "sensor", "radar", "satellite")]


@dataclass(frozen=True)
class D:
    decision: str
    title: str | None
    reason: str | None = None


def test_history_keeps_titled_final_decisions_but_not_duplicates() -> None:
    history = history_of([D("include", "A"), D("exclude", "B", "not-llm"), D("exclude", "C", "duplicate"),
                          D("maybe", "E"), D("include", None)])
    assert (history.included, history.excluded) == (["A"], ["B"])
    assert not history.enough


def test_without_enough_decisions_the_similarity_ranks() -> None:
    cands = [Candidate("arxiv:2610.00001", title="Symbolic knowledge distillation for dialogue"),
             Candidate("arxiv:2610.00002", title="Protein folding", published=dt.date(2026, 11, 1))]
    ranking = rank_against(cands, DOCS, TODAY, history=History(INCLUDED, EXCLUDED[: MIN_DECISIONS - 1]))
    assert not ranking.learned
    assert cands[0].reasons[0].startswith("text similarity") and "(nearest: a)" in cands[0].reasons[0]
    assert cands[1].reasons == ["recency 0.97 (published 2026-11-01)"]
    assert cands[0].score > 0 and cands[1].score == round(0.3 * (1 - 30 / (3 * 365)), 3)


def test_the_learned_model_ranks_by_the_screening_history() -> None:
    good = Candidate("arxiv:2610.00001", title="Distilling biology rationales from a teacher language model")
    bad = Candidate("arxiv:2610.00002", title="Logit matching for lidar model compression with feature distillation")
    ranking = rank_against([good, bad], DOCS, TODAY, history=History(INCLUDED, EXCLUDED))
    assert ranking.learned and (ranking.included, ranking.excluded) == (len(DOCS) + 10, 10)
    assert good.score > 0.5 > bad.score
    assert good.reasons[0].startswith("screening model p(include) ")
    assert "; for: " in good.reasons[0]
    assert "; against: " in bad.reasons[0] and "compression" in bad.reasons[0]
    # the old signals are still shown
    assert any(r.startswith("text similarity") for r in good.reasons)


def test_label_suggestions_come_in_through_the_callback() -> None:
    cands = [Candidate("arxiv:2610.00001", title="Symbolic knowledge distillation")]
    asked: list[str] = []

    def suggest(candidate: Candidate) -> list[str]:
        asked.append(candidate.id)
        return ["method:direct", "application:commonsense"]

    rank_against(cands, DOCS, TODAY, annotate=suggest)
    assert asked == ["arxiv:2610.00001"]
    assert cands[0].to_mapping()["suggested_labels"] == ["method:direct", "application:commonsense"]


def test_markdown_queue_escapes_every_text_and_has_the_marker() -> None:
    hostile = Candidate("doi:10.1000/a(b)c", title="*Star*-Transformer <SOS> | __init__", sources={"s2-citations"},
                        score=1.5, reasons=["text similarity 0.50 (nearest: x_y)"])
    plain = Candidate("arxiv:2610.00001", title="Plain", score=0.2, suggested_labels=["method:direct"],
                      sources={"arxiv-search", "s2-recommendations"})
    result = DiscoveryResult([hostile, plain], {"arxiv-search": 1, "catalogue-citations": 0, "s2-citations": 1}, 3)
    text = queue_markdown(result, TODAY)
    lines = text.splitlines()
    assert lines[0] == MARKER
    assert "arxiv-search: 1, catalogue-citations: 0, s2-citations: 1" in text
    row = next(line for line in lines if line.startswith("| 1 |"))
    assert "\\*Star\\*\\-Transformer \\<SOS\\> \\| \\_\\_init\\_\\_" in row
    assert "(https://doi.org/10.1000/a%28b%29c)" in row
    assert row.count(" | ") == 5 and row.endswith(f"| {NO_LABELS} |")
    assert "nearest: x\\_y" in row
    row2 = next(line for line in lines if line.startswith("| 2 |"))
    assert row2.endswith("| `method:direct` |") and "arxiv-search, s2-recommendations" in row2
    assert "<SOS>" not in text


def test_escape_keeps_text_on_one_line() -> None:
    assert escape("a\nb\r\n| c") == "a b \\| c"


def test_titles_of_stop_words_only_fall_back_to_similarity() -> None:
    cands = [Candidate("arxiv:2610.00001", title="Symbolic knowledge distillation")]
    empty = History(["the and of"] * MIN_DECISIONS, ["a an the"] * MIN_DECISIONS)
    docs = [ReferenceDoc("a", "the", "Symbolic knowledge distillation")]
    assert not rank_against(cands, docs, TODAY, history=empty).learned
    assert cands[0].reasons[0].startswith("text similarity")


def test_a_candidate_closer_to_background_works_is_pushed_down() -> None:
    background = ReferenceDoc("hinton2015distilling", "Distilling the knowledge in a neural network",
                              "Distilling the knowledge in a neural network by matching soft logits", background=True)
    near_bg = Candidate("arxiv:2610.00001", title="Matching soft logits of a neural network")
    near_in = Candidate("arxiv:2610.00002", title="Teacher-generated instruction data")
    rank_against([near_bg, near_in], [*DOCS, background], TODAY)
    assert any(r.startswith("closer to background work hinton2015distilling (") for r in near_bg.reasons)
    assert near_bg.score < 0 < near_in.score
    assert all(not r.startswith("closer") for r in near_in.reasons)
    # background works are never the "nearest" reason
    assert "(nearest: c)" in near_in.reasons[0]


def test_entries_without_values_in_the_scope_facets_are_background(real_repo: object) -> None:
    from symkd_survey.core.catalogue import Repository, load_catalogue
    from symkd_survey.review.ranking import catalogue_docs

    assert isinstance(real_repo, Repository)
    catalogue = load_catalogue(real_repo)
    docs = {d.key: d for d in catalogue_docs(catalogue, ("method", "application"))}
    assert not docs["west2022symbolic"].background
    assert docs["hinton2015distilling"].background
    assert not any(d.background for d in catalogue_docs(catalogue))  # no scope, no background
