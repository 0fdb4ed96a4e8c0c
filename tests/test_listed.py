"""Works from a supplied list (``symkd discover --list``): read, deduplicated, counted by PRISMA."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import SymkdError
from symkd_survey.review.listed import read_list
from symkd_survey.review.review_files import read_runs

from .test_discovery import repo  # noqa: F401  (the two-paper repository fixture)

Run = Callable[..., tuple[int, str, str]]

LIST = """Title,Venue,Date,URL,arXiv_id
Distilling rationales into small models,arXiv,2023-01,,2301.00002
A listed work,ACL,2024-03,https://aclanthology.org/2024.acl-long.1.pdf,
Another listed work,arXiv,2024-05,https://arxiv.org/pdf/2405.00007.pdf,
Another listed work again,arXiv,2024-05,,2405.00007v2
A DOI work,Journal,2022,,
"""


def test_rows_become_candidates_once_and_rows_without_an_id_are_reported(tmp_path: Path) -> None:
    file = tmp_path / "list.csv"
    file.write_text(LIST.replace("A DOI work,Journal,2022,,", "A DOI work,Journal,2022,https://doi.org/10.1000/XYZ,"))
    cands, issues = read_list(file, "list.csv")
    assert [c.id for c in cands] == ["arxiv:2301.00002", "arxiv:2405.00007", "doi:10.1000/xyz"]
    assert all(c.sources == {"listed"} for c in cands)
    assert cands[1].title == "Another listed work" and cands[1].published is not None
    assert [i.format() for i in issues] == [
        "list.csv:3: [list] warning: 1 rows name no arXiv id or DOI and cannot be screened (lines 3)"]


@pytest.mark.parametrize(("text", "message"), [
    ("name,venue\nX,Y\n", "list.csv:1: [list] the header needs a title column and one of arxiv, arxiv_id, eprint, "
                          "doi, url; it has name, venue"),
    ("", "list.csv:1: [list] the header needs a title column and one of arxiv, arxiv_id, eprint, doi, url; "
         "it has nothing"),
])
def test_a_file_that_is_not_such_a_list_is_refused(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "list.csv"
    file.write_text(text)
    with pytest.raises(SymkdError) as info:
        read_list(file, "list.csv")
    assert [i.format() for i in info.value.issues] == [message]


def test_discover_with_a_list_logs_it_as_its_own_source(repo: Repository, run_cli: Run,  # noqa: F811
                                                        tmp_path: Path) -> None:
    file = tmp_path / "list.csv"
    file.write_text(LIST)
    status, out, err = run_cli("--root", repo.root, "discover", "--no-arxiv", "--no-s2", "--no-citations",
                               "--list", file, "--json")
    assert status == 0, err
    result = json.loads(out)
    assert result["identified"] == {"arxiv-search": 0, "catalogue-citations": 0, "listed": 2}
    assert result["duplicates_removed"] == 1  # 2301.00002 is a catalogue paper
    assert [c["id"] for c in result["candidates"]] == ["arxiv:2405.00007"]
    runs = read_runs(repo.root / "screening" / "runs.yaml", "screening/runs.yaml")
    assert runs[-1].identified["listed"] == 2
    status, out, _ = run_cli("--root", repo.root, "prisma")
    assert status == 0
    assert "records identified (listed): 2" in out


def test_a_missing_list_is_an_error_and_writes_nothing(repo: Repository, run_cli: Run,  # noqa: F811
                                                       tmp_path: Path) -> None:
    status, _, err = run_cli("--root", repo.root, "discover", "--no-arxiv", "--no-s2", "--list", tmp_path / "none.csv")
    assert status == 1
    assert err.startswith(f"{tmp_path / 'none.csv'}:0: [io] cannot read the file")
    assert not (repo.root / "screening").exists()
