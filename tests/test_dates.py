"""``symkd dates``: ``added`` from the day git first committed each entry file, on temporary git
repositories whose commits carry chosen dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.added import first_added, update_added
from symkd_survey.core.catalogue import Repository, load_catalogue

from .git_support import ENTRIES, commit, entry_text, git, init_repo, needs_git

pytestmark = needs_git
Run = Callable[..., tuple[int, str, str]]


def _commit_on(root: Path, day: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commit everything with author and committer date ``day`` (noon UTC)."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T12:00:00+00:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T12:00:00+00:00")
    commit(root, message)


def _history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sub: str = "") -> Repository:
    """west first committed on 2026-01-05, hsieh on 2026-02-10 (and edited on 2026-03-01)."""
    top = tmp_path / "git"
    root = top / sub if sub else top
    (root / "catalogue").mkdir(parents=True)
    (root / "taxonomy.yaml").write_bytes((Path(__file__).parent.parent / "taxonomy.yaml").read_bytes())
    (root / "catalogue" / "west2022symbolic.yaml").write_text(entry_text(**ENTRIES["west2022symbolic"]))
    git(top, "init", "-q")
    _commit_on(top, "2026-01-05", "west", monkeypatch)
    (root / "catalogue" / "hsieh2023distilling.yaml").write_text(entry_text(**ENTRIES["hsieh2023distilling"]))
    _commit_on(top, "2026-02-10", "hsieh", monkeypatch)
    edited = {**ENTRIES["hsieh2023distilling"], "summary": "Edited later: the first commit still counts."}
    (root / "catalogue" / "hsieh2023distilling.yaml").write_text(entry_text(**edited))
    _commit_on(top, "2026-03-01", "edit", monkeypatch)
    return Repository(root)


def test_first_added_is_the_first_commit_of_each_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _history(tmp_path, monkeypatch)
    assert first_added(repo) == {"catalogue/west2022symbolic.yaml": dt.date(2026, 1, 5),
                                 "catalogue/hsieh2023distilling.yaml": dt.date(2026, 2, 10)}


def test_check_reports_and_write_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    repo = _history(tmp_path, monkeypatch, sub="survey")  # the catalogue in a sub-folder of the git repository
    status, out, _ = run_cli("--root", repo.root, "dates", "--check")
    assert status == 1
    assert out.splitlines() == [
        "catalogue/hsieh2023distilling.yaml: would set added 2026-11-28 -> 2026-02-10",
        "catalogue/west2022symbolic.yaml: would set added 2026-11-28 -> 2026-01-05",
    ]
    before = (repo.catalogue_dir / "west2022symbolic.yaml").read_text()
    status, out, _ = run_cli("--root", repo.root, "dates")  # neither flag: a report, nothing written
    assert status == 0 and "nothing written" in out
    assert (repo.catalogue_dir / "west2022symbolic.yaml").read_text() == before
    status, out, _ = run_cli("--root", repo.root, "dates", "--write")
    assert status == 0 and "set added 2026-11-28 -> 2026-01-05" in out
    after = (repo.catalogue_dir / "west2022symbolic.yaml").read_text()
    assert after == before.replace('added: "2026-11-28"', 'added: "2026-01-05"')  # only that line changed
    entries = {item.key: item.entry.added for item in load_catalogue(repo)}
    assert entries == {"west2022symbolic": dt.date(2026, 1, 5), "hsieh2023distilling": dt.date(2026, 2, 10)}
    assert run_cli("--root", repo.root, "dates", "--check")[0] == 0


def test_uncommitted_entries_keep_their_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    repo = _history(tmp_path, monkeypatch)
    new = repo.catalogue_dir / "wang2023selfinstruct.yaml"
    new.write_text(entry_text(**ENTRIES["wang2023selfinstruct"]))
    text = new.read_text()
    status, _, err = run_cli("--root", repo.root, "dates", "--write")
    assert status == 0
    assert "catalogue/wang2023selfinstruct.yaml: not committed yet; added kept" in err
    assert new.read_text() == text


def test_a_file_not_in_canonical_form_has_only_its_added_line_replaced(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _history(tmp_path, monkeypatch)
    file = repo.catalogue_dir / "west2022symbolic.yaml"
    odd = "# a comment symkd format would drop\n" + file.read_text().replace('added: "2026-11-28"', "added: 2026-11-28")
    file.write_text(odd)
    result = update_added(repo, write=True)
    assert result.written and not result.issues
    assert file.read_text() == odd.replace("added: 2026-11-28", 'added: "2026-01-05"')


def test_a_repository_without_commits_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    (root / "catalogue").mkdir(parents=True)
    (root / "taxonomy.yaml").write_bytes((Path(__file__).parent.parent / "taxonomy.yaml").read_bytes())
    (root / "catalogue" / "west2022symbolic.yaml").write_text(entry_text(**ENTRIES["west2022symbolic"]))
    git(root, "init", "-q")
    result = update_added(Repository(root), write=True)
    assert result.changes == [] and result.uncommitted == ["catalogue/west2022symbolic.yaml"]


def test_a_shallow_clone_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run) -> None:
    repo = _history(tmp_path, monkeypatch)
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", "shallow")
    status, _, err = run_cli("--root", tmp_path / "shallow", "dates", "--check")
    assert status == 1
    assert "a shallow clone does not know when files were first committed" in err
    assert "git fetch --unshallow" in err


def test_outside_git_is_an_issue_not_a_traceback(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path / "a")
    (repo.root / ".git").rename(repo.root / "not-git")
    status, _, err = run_cli("--root", repo.root, "dates", "--check")
    assert status == 1 and "[git]" in err and "Traceback" not in err
