"""``symkd cite-add``: edges read by a person, checked and written all at once or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue

from .conftest import seeded_repository

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def mini_repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, ("west2022symbolic", "hsieh2023distilling", "west2023novacomet",
                                        "bhagavatula2023i2d2"))


def _files(repo: Repository) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(repo.catalogue_dir.iterdir())}


def test_edges_are_written_with_their_evidence(mini_repo: Repository, run_cli: Run) -> None:
    status, out, _ = run_cli("--root", mini_repo.root, "cite-add", "west2023novacomet", "west2022symbolic",
                             "bhagavatula2023i2d2", "--evidence", "arXiv v1 reference list", "--complete")
    assert status == 0
    assert out.splitlines() == ["added west2023novacomet -> west2022symbolic",
                                "added west2023novacomet -> bhagavatula2023i2d2"]
    entry = load_catalogue(mini_repo).entries["west2023novacomet"].entry
    assert entry.cites[-2:] == ["west2022symbolic", "bhagavatula2023i2d2"]
    assert entry.reference_list is not None
    assert (entry.reference_list.state, entry.reference_list.version) == ("complete", "arXiv v1 reference list")
    assert run_cli("--root", mini_repo.root, "validate")[0] == 0


def test_unknown_self_and_repeated_edges_are_refused_and_nothing_is_written(mini_repo: Repository,
                                                                           run_cli: Run) -> None:
    before = _files(mini_repo)
    status, _, err = run_cli("--root", mini_repo.root, "cite-add", "west2023novacomet", "west2022symbolik",
                             "west2023novacomet", "--evidence", "arXiv v1")
    assert status == 1
    assert err.splitlines() == [
        "symkd cite-add:0: [unknown-key] no catalogue entry 'west2022symbolik' for the cited paper "
        "(did you mean 'west2022symbolic'?)",
        "symkd cite-add:0: [cite-add] 'west2023novacomet' cannot cite itself",
        "symkd cite-add:0: [cite-add] nothing was written"]
    assert _files(mini_repo) == before


def test_a_csv_of_edges_reports_each_bad_line(mini_repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    csv_file = tmp_path / "edges.csv"
    csv_file.write_text("citing_key,cited_key,evidence\n"
                        "west2023novacomet,west2022symbolic,arXiv v1\n"
                        "west2023novacomet,nobody2020x,arXiv v1\n", encoding="utf-8")
    before = _files(mini_repo)
    status, _, err = run_cli("--root", mini_repo.root, "cite-add", "--from", csv_file)
    assert status == 1
    assert (f"{csv_file}:3: [unknown-key] no catalogue entry 'nobody2020x' for the cited paper (add the paper first)"
            in err.splitlines())
    assert _files(mini_repo) == before
    csv_file.write_text("citing_key,cited_key,evidence\nwest2023novacomet,west2022symbolic,arXiv v1\n")
    assert run_cli("--root", mini_repo.root, "cite-add", "--from", csv_file)[0] == 0
    status, _, err = run_cli("--root", mini_repo.root, "cite-add", "--from", csv_file)
    assert status == 0 and "[cite-add] warning: 'west2023novacomet' already cites 'west2022symbolic'" in err


def test_evidence_follows_the_text_rule(mini_repo: Repository, run_cli: Run) -> None:
    before = _files(mini_repo)
    status, _, err = run_cli("--root", mini_repo.root, "cite-add", "west2022symbolic", "hsieh2023distilling",
                             "--evidence", "x\u0085y")
    assert status == 1 and "[cite-add] evidence: character 2 is U+0085 (NEXT LINE)" in err
    assert _files(mini_repo) == before
