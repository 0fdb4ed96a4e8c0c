"""``symkd prisma``: the flow per period, as text, JSON and an SVG diagram."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.review.prisma import flow, flow_svg, flow_text
from symkd_survey.review.review_files import Run as DiscoveryRun
from symkd_survey.review.screening import Decision

from .conftest import seeded_repository

Run = Callable[..., tuple[int, str, str]]
DATA = Path(__file__).resolve().parent / "data" / "discovery"


def sample() -> tuple[list[DiscoveryRun], list[Decision]]:
    runs = [DiscoveryRun(dt.date(2026, 11, 2), {"arxiv-search": 40, "catalogue-citations": 5}, 12, 33),
            DiscoveryRun(dt.date(2026, 12, 1), {"arxiv-search": 10, "catalogue-citations": 5}, 14, 1)]
    decisions = [
        Decision("arxiv:2401.00001", "exclude", dt.date(2026, 11, 3), reason="not-llm"),
        Decision("arxiv:2401.00002", "maybe", dt.date(2026, 11, 3)),
        Decision("arxiv:2401.00002", "include", dt.date(2026, 12, 1)),
        Decision("arxiv:2401.00003", "exclude", dt.date(2026, 12, 1), reason="not-symbolic"),
        Decision("arxiv:2401.00004", "exclude", dt.date(2026, 12, 2), reason="not-symbolic"),
    ]
    return runs, decisions


def test_counts_per_period() -> None:
    result = flow(*sample(), catalogue_size=10)
    assert result.to_json() == {
        "previous_studies": 9,
        "periods": [
            {"period": "2026-11", "identified": {"arxiv-search": 40, "catalogue-citations": 5},
             "duplicates_removed": 12, "screened": 1, "excluded": {"not-llm": 1}, "excluded_total": 1,
             "maybe": 0, "included": 0},
            {"period": "2026-12", "identified": {"arxiv-search": 10, "catalogue-citations": 5},
             "duplicates_removed": 14, "screened": 3, "excluded": {"not-symbolic": 2}, "excluded_total": 2,
             "maybe": 0, "included": 1},
        ],
        "total_included": 10,
        "last_screened": "2026-12-02",
    }


def test_text_report() -> None:
    text = flow_text(flow(*sample(), catalogue_size=10))
    assert text.startswith("Studies included in the previous version of the review: 9\n\n2026-11\n")
    assert "  records identified (arxiv-search): 40\n" in text
    assert "    not-symbolic: 2\n" in text
    assert text.endswith("Total studies included in the review: 10\n")


def test_svg_is_well_formed_escaped_and_self_contained() -> None:
    runs, decisions = sample()
    decisions.append(Decision("arxiv:2401.00005", "exclude", dt.date(2026, 12, 3), reason="<script>&"))
    svg = flow_svg(flow(runs, decisions, catalogue_size=10))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Records screened" in texts and "Total studies included in the review" in texts
    assert "Studies: 10" in texts


def test_empty_flow_svg() -> None:
    svg = flow_svg(flow([], [], catalogue_size=3))
    assert "no screening yet" in svg
    ET.fromstring(svg)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, ())


def test_cli_json_and_svg(repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("--root", repo.root, "screen", "--from", DATA / "good.yaml")[0] == 0
    (repo.root / "screening" / "runs.yaml").write_text(
        "runs:\n  - {date: \"2026-11-02\", arxiv-search: 7, catalogue-citations: 2, "
        "duplicates_removed: 3, queued: 6}\n")
    svg = tmp_path / "flow.svg"
    status, out, err = run_cli("--root", repo.root, "prisma", "--json", "--svg", svg)
    assert status == 0, err
    data = json.loads(out)
    assert [p["period"] for p in data["periods"]] == ["2026-11", "2026-12"]
    assert data["periods"][0]["identified"] == {"arxiv-search": 7, "catalogue-citations": 2}
    assert data["periods"][1]["included"] == 1
    ET.fromstring(svg.read_text())


def test_cli_damaged_run_log(repo: Repository, run_cli: Run) -> None:
    (repo.root / "screening").mkdir()
    (repo.root / "screening" / "runs.yaml").write_text("runs:\n  - {date: \"2026-11-02\", queued: x}\n")
    status, _, err = run_cli("--root", repo.root, "prisma")
    assert status == 1
    assert err.strip() == ("screening/runs.yaml:2: [runs] each run has exactly date, arxiv-search, "
                           "catalogue-citations, duplicates_removed, queued (and s2-citations, "
                           "s2-recommendations, listed when those sources were asked)")
