"""``symkd validate --changed-since REF`` (and the git reading behind it) on temporary git
repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.gitrepo import Git, changed_entries

from .git_support import ENTRIES, commit, entry_text, init_repo, needs_git

pytestmark = needs_git
Run = Callable[..., tuple[int, str, str]]


def _break(repo: Repository, key: str) -> None:
    """An entry with an unknown method (an error only this entry has)."""
    file = repo.catalogue_dir / f"{key}.yaml"
    file.write_text(file.read_text().replace("method: [direct]", "method: [dirct]"))


def test_nothing_changed(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    status, out, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert (status, out, err) == (0, "no catalogue entry changed since HEAD: nothing to check\n", "")
    status, out, _ = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD", "--json")
    assert (status, out) == (0, "[]\n")


def test_only_changed_entries_are_reported(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _break(repo, "hsieh2023distilling")
    commit(tmp_path, "an error that is already on the base branch")
    _break(repo, "west2022symbolic")
    status, out, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert status == 1 and out == ""
    assert err.splitlines() == [
        "catalogue/west2022symbolic.yaml:11: [taxonomy] unknown method 'dirct' (did you mean 'direct'?)",
        "1 files checked: 1 errors, 0 warnings: failed",
    ]
    status, _, err = run_cli("--root", repo.root, "validate")
    assert status == 1 and "2 errors" in err  # the whole catalogue has both


def test_untracked_files_count_and_cross_file_checks_see_everything(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    twin = {**ENTRIES["west2022symbolic"], "title": "Another Title", "cites": ["hsieh2023distilling", "nobody"]}
    (repo.catalogue_dir / "west2022twin.yaml").write_text(entry_text(**twin))
    status, _, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert status == 1
    assert err.splitlines() == [
        "catalogue/west2022twin.yaml:9: [duplicate] same arXiv id as 'west2022symbolic' "
        "(catalogue/west2022symbolic.yaml) (one paper, one entry: merge the two)",
        "catalogue/west2022twin.yaml:14: [citation-year] warning: cites 'hsieh2023distilling' from 2023, later than "
        "this paper (2022) (fine for a revised preprint; otherwise check the key)",
        "catalogue/west2022twin.yaml:15: [citation] cites unknown key 'nobody' (add the cited paper first, "
        "or remove the key)",
        "1 files checked: 2 errors, 1 warnings: failed",
    ]


def test_a_deleted_entry_checks_the_entries_that_cite_it(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    (repo.catalogue_dir / "west2022symbolic.yaml").unlink()
    changed = changed_entries(repo, "HEAD")
    assert changed.paths == [repo.catalogue_dir / "wang2023selfinstruct.yaml"]
    status, _, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert status == 1
    assert err.splitlines() == [
        "catalogue/wang2023selfinstruct.yaml:13: [citation] cites unknown key 'west2022symbolic' "
        "(add the cited paper first, or remove the key)",
        "1 files checked: 1 errors, 0 warnings: failed",
    ]


def test_a_taxonomy_change_checks_everything(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _break(repo, "hsieh2023distilling")
    commit(tmp_path, "broken on the base branch")
    (repo.root / "taxonomy.yaml").write_text((repo.root / "taxonomy.yaml").read_text() + "\n")
    status, _, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert status == 1
    assert err.splitlines()[0] == "checking every entry: taxonomy.yaml changed since HEAD"
    assert err.splitlines()[-1] == "3 files checked: 1 errors, 0 warnings: failed"


def test_a_new_sub_folder_checks_everything(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    (repo.catalogue_dir / "more").mkdir()
    (repo.catalogue_dir / "more" / "x.yaml").write_text(entry_text(**ENTRIES["west2022symbolic"]))
    status, _, err = run_cli("--root", repo.root, "validate", "--changed-since", "HEAD")
    assert status == 1
    assert err.splitlines()[0] == "checking every entry: catalogue/more/ is a sub-folder"
    assert "catalogue/more:0: [file-name] sub-folders are not allowed in the catalogue (put entries directly in " \
        "catalogue/)" in err


def test_changes_since_an_older_commit_include_committed_ones(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    _break(repo, "hsieh2023distilling")
    commit(tmp_path, "second")
    (repo.catalogue_dir / "notes.md").write_text("not an entry\n")
    (repo.catalogue_dir / ".hidden.yaml").write_text("x: 1\n")
    changed = changed_entries(repo, "HEAD~1")
    assert changed.paths == [repo.catalogue_dir / "hsieh2023distilling.yaml", repo.catalogue_dir / "notes.md"]
    assert changed.everything is None


def test_paths_and_changed_since_together(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    status, _, err = run_cli("--root", repo.root, "validate", "catalogue/west2022symbolic.yaml", "--changed-since",
                             "HEAD")
    assert (status, err) == (1, "symkd validate:0: [args] give PATHs or --changed-since, not both\n")


def test_an_unknown_ref(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    status, _, err = run_cli("--root", repo.root, "validate", "--changed-since", "origin/main")
    assert (status, err) == (1, "origin/main:0: [git] unknown git ref 'origin/main' "
                                "(fetch it first (git fetch), or check the spelling)\n")


def test_reading_files_at_a_ref(tmp_path: Path) -> None:
    repo = init_repo(tmp_path, "sub")
    git = Git(repo)
    head = git.resolve("HEAD")
    assert git.prefix == "sub/"
    assert [f.path for f in git.list_files(head, "catalogue/")] == [
        "catalogue/hsieh2023distilling.yaml", "catalogue/wang2023selfinstruct.yaml", "catalogue/west2022symbolic.yaml"]
    text = git.read_file(head, "catalogue/west2022symbolic.yaml")
    assert text == (repo.catalogue_dir / "west2022symbolic.yaml").read_bytes()
    assert git.read_file(head, "catalogue/nope.yaml") is None
