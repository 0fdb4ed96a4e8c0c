"""The ranking benchmark hides what it claims to hide: no hidden work in the ranker's reference
set, no catalogue work among the negatives, five negatives per positive; the discover
benchmark's feeds parse into as many records as it says."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.discover import pages
from benchmarks.ranking import decisions_trial, metrics, pools, random_metrics
from symkd_survey.core.ids import normalize_title
from symkd_survey.sources.arxiv_feed import parse_feed


def test_no_leakage_and_five_negatives_per_positive() -> None:
    data = pools()
    reference = {normalize_title(d.title) for d in data.reference}
    positives = {normalize_title(w.title) for w in data.positives}
    negatives = [normalize_title(w.title) for w in data.negatives]
    assert not reference & positives
    assert not set(negatives) & positives
    assert not {normalize_title(w.title) for w in data.negatives if w.origin == "kd-list"} & reference
    assert len(set(negatives)) == len(negatives)  # each work once
    assert len(data.negatives) >= 5 * 60 and len(data.strict_negatives) >= 5 * 40
    assert any(d.key.startswith("taxonomy:") for d in data.reference)


def test_metrics_against_a_known_order() -> None:
    labels = [True, False, True] + [False] * 17 + [True] + [False] * 4
    got = metrics(labels)
    assert got["recall@20"] == 2 / 3 and got["precision@20"] == 2 / 20
    assert got["recall@20%"] == 2 / 3  # the top 5 of 25
    assert abs(got["ap"] - (1 + 2 / 3 + 3 / 21) / 3) < 1e-12
    chance = random_metrics(labels, random.Random(0), rounds=50)
    assert chance["recall@20"] == 20 / 25 and chance["precision@20"] == 3 / 25


def test_discover_benchmark_feeds_parse() -> None:
    feeds = pages(250, ["2110.07178"])
    assert len(feeds) == 3
    assert sum(len(parse_feed(page, 0)) for page in feeds) == 250


def test_the_decisions_setting_needs_a_history(tmp_path: Path) -> None:
    assert decisions_trial(random.Random(0), root=tmp_path) is None  # no screening/decisions.yaml
