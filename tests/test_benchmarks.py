"""The benchmark's synthetic catalogues are valid and have the shape the benchmark claims."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.generate import make_repository
from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import load_catalogue


def test_synthetic_catalogue_is_valid_and_heavy_tailed(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo", 400, seed=7)
    result = validate(repo)
    assert result.errors == []
    catalogue = load_catalogue(repo)
    assert len(catalogue) == 400
    received = Counter(cited for item in catalogue for cited in item.entry.cites)
    edges = sum(received.values())
    assert 4 <= edges / 400 <= 16  # about ten citations per paper
    assert max(received.values()) >= 5 * edges / len(received)  # a few works gather many citations
    years = {item.entry.year for item in catalogue}
    assert len(years) >= 5
