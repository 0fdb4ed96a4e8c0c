"""``symkd diff BASE [HEAD]`` on temporary git repositories: commit, change, commit, compare."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.review.diff import (
    MARKER,
    compare,
    default_bibtex_export,
    diff_refs,
    md_code,
    md_text,
    snapshot_of_working_tree,
    to_markdown,
)

from .git_support import ENTRIES, commit, entry_text, init_repo, needs_git

pytestmark = needs_git
Run = Callable[..., tuple[int, str, str]]

LI: dict[str, Any] = {
    "title": 'Symbolic Chain-of-Thought Distillation: Small Models Can Also "Think" Step-by-Step',
    "authors": ["Li, Liunian Harold", "Hessel, Jack"],
    "year": 2023, "type": "inproceedings", "venue": "Proceedings of ACL 2023",
    "ids": {"arxiv": "2306.14050"},
    "taxonomy": {"method": ["direct"], "application": ["commonsense"]},
    "cites": ["west2022symbolic", "hsieh2023distilling"],
    "source": "curated", "added": "2026-11-29",
}


def _write(repo: Repository, key: str, **fields: Any) -> None:
    (repo.catalogue_dir / f"{key}.yaml").write_text(entry_text(**fields), encoding="utf-8")


def _change(repo: Repository) -> None:
    """Add a paper, change two fields of another, remove a third."""
    _write(repo, "li2023symbolic", **LI)
    hsieh = {**ENTRIES["hsieh2023distilling"], "summary": "Trains small models on rationales.",
             "ids": {"arxiv": "2305.02301", "doi": "10.18653/v1/2023.findings-acl.507"}}
    _write(repo, "hsieh2023distilling", **hsieh)
    (repo.catalogue_dir / "wang2023selfinstruct.yaml").unlink()


EXPECTED = """\
<!-- symkd-diff -->
### Catalogue changes: `HEAD~1` → `HEAD`

**1 added, 1 changed, 1 removed** (3 → 3 papers)

#### Added (1)

| key | paper | method | application |
|---|---|---|---|
| `li2023symbolic` | Symbolic Chain\\-of\\-Thought Distillation\\: Small Models Can Also "Think" Step\\-by\\-Step \
(Li et al\\., 2023) | direct | commonsense |

#### Changed (1)

- `hsieh2023distilling`: `ids.doi`, `summary`

#### Removed (1)

- `wang2023selfinstruct`: Self\\-Instruct\\: Aligning Language Models with Self\\-Generated Instructions \
(Wang et al\\., 2023)

#### Taxonomy cells, method × application (2)

| method | application | before | after |
|---|---|---:|---:|
| direct | commonsense | 1 | 2 (+1) |
| direct | instruction\\-generation | 1 | 0 (-1) |

#### Citations (2 new, 1 removed)

- `li2023symbolic` cites `hsieh2023distilling`
- `li2023symbolic` cites `west2022symbolic`
- ~~`wang2023selfinstruct` cites `west2022symbolic`~~ (removed)
"""

BIBTEX = """\

#### BibTeX

<details><summary>BibTeX diff</summary>

```diff
--- HEAD~1: hsieh2023distilling
+++ HEAD: hsieh2023distilling
@@ -4,5 +4,5 @@
   booktitle = {Findings of ACL 2023},
   year = {2023},
-  url = {https://arxiv.org/abs/2305.02301},
+  doi = {10.18653/v1/2023.findings-acl.507},
   eprint = {2305.02301},
   archiveprefix = {arXiv},
--- HEAD~1: li2023symbolic
+++ HEAD: li2023symbolic
@@ -0,0 +1,10 @@
+@inproceedings{li2023symbolic,
+  author = {Li, Liunian Harold and Hessel, Jack},
+  title = {Symbolic Chain-of-Thought Distillation: Small Models Can Also "Think" Step-by-Step},
+  booktitle = {Proceedings of ACL 2023},
+  year = {2023},
+  url = {https://arxiv.org/abs/2306.14050},
+  eprint = {2306.14050},
+  archiveprefix = {arXiv},
+  eprinttype = {arxiv}
+}
--- HEAD~1: wang2023selfinstruct
+++ HEAD: wang2023selfinstruct
@@ -1,10 +0,0 @@
-@inproceedings{wang2023selfinstruct,
-  author = {Wang, Yizhong and Kordi, Yeganeh},
-  title = {Self-Instruct: Aligning Language Models with Self-Generated Instructions},
-  booktitle = {Proceedings of ACL 2023},
-  year = {2023},
-  url = {https://arxiv.org/abs/2212.10560},
-  eprint = {2212.10560},
-  archiveprefix = {arXiv},
-  eprinttype = {arxiv}
-}
```

</details>
"""


def test_a_real_change_between_two_commits(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _change(repo)
    commit(tmp_path, "change")
    status, out, err = run_cli("--root", repo.root, "diff", "HEAD~1", "HEAD")
    assert (status, err) == (0, "")
    assert out == EXPECTED + BIBTEX


def test_without_bibtex_and_into_a_file(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _change(repo)
    commit(tmp_path, "change")
    report = tmp_path / "out" / "diff.md"
    status, out, _ = run_cli("--root", repo.root, "diff", "HEAD~1", "HEAD", "--no-bibtex", "--output", report)
    assert (status, out) == (0, "")
    assert report.read_text() == EXPECTED


def test_head_defaults_to_the_working_tree(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _change(repo)  # not committed; li2023symbolic is untracked
    status, out, _ = run_cli("--root", repo.root, "diff", "HEAD", "--no-bibtex")
    assert status == 0
    assert out == EXPECTED.replace("`HEAD~1` → `HEAD`", "`HEAD` → `working tree`")


def test_a_catalogue_in_a_subfolder_of_the_git_repository(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path, "survey/data")
    _change(repo)
    commit(tmp_path, "change")
    status, out, _ = run_cli("--root", repo.root, "diff", "HEAD~1", "HEAD", "--no-bibtex")
    assert status == 0 and out == EXPECTED


def test_no_change(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    status, out, _ = run_cli("--root", repo.root, "diff", "HEAD")
    assert (status, out) == (0, f"{MARKER}\n### Catalogue changes: `HEAD` → `working tree`\n\n"
                                "No catalogue changes (3 papers).\n")


def test_formatting_only_and_a_renamed_key(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    west = repo.catalogue_dir / "west2022symbolic.yaml"
    west.write_text(west.read_text().replace("year: 2022", "year: '2022'"))
    (repo.catalogue_dir / "hsieh2023distilling.yaml").rename(repo.catalogue_dir / "hsieh2023step.yaml")
    report = to_markdown(diff_refs(repo, "HEAD"))
    assert "- `west2022symbolic`: formatting only" in report
    assert "> - `hsieh2023distilling` → `hsieh2023step` (same arXiv id 2305\\.02301)" in report
    assert "> Keys are permanent (they are the BibTeX keys); these look renamed:" in report


def test_a_rename_is_judged_by_the_identity_of_a_work(tmp_path: Path) -> None:
    """Without ids, the same title, a year at most one apart and the same first author are the
    same work (:class:`symkd_survey.core.identity.SameWorkIndex`); the title alone is not."""
    repo = init_repo(tmp_path)
    _write(repo, "li2023symbolic", **{**LI, "ids": {}})
    commit(tmp_path, "li")
    (repo.catalogue_dir / "li2023symbolic.yaml").unlink()
    _write(repo, "li2024symbolic", **{**LI, "ids": {}, "year": 2024})
    report = to_markdown(diff_refs(repo, "HEAD"))
    assert "> - `li2023symbolic` → `li2024symbolic` (same title symbolic chain of thought distillation small " \
           "models can also think step by step)" in report
    (repo.catalogue_dir / "li2024symbolic.yaml").unlink()
    _write(repo, "roe2023symbolic", **{**LI, "ids": {}, "authors": ["Roe, Richard"]})
    assert "look renamed" not in to_markdown(diff_refs(repo, "HEAD"))


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    _write(repo, "evil2024img", **{**LI, "title": "<img src=x onerror=alert(1)> **Bold** [link](https://x.y) @octocat",
                                   "ids": {"arxiv": "2401.00001"}, "cites": []})
    report = to_markdown(diff_refs(repo, "HEAD", bibtex=None))
    row = next(line for line in report.splitlines() if line.startswith("| `evil2024img`"))
    assert "<img" not in row and "**" not in row and "](" not in row and "@octocat" not in row
    assert "&lt;img src=x onerror=alert\\(1\\)&gt; \\*\\*Bold\\*\\* \\[link\\]\\(https\\://x\\.y\\)" in row
    assert "#### BibTeX" not in report


def test_files_that_cannot_be_read_are_listed(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    (repo.catalogue_dir / "broken.yaml").write_text("title: [\n")
    (repo.catalogue_dir / "notes.txt").write_text("x")
    report = to_markdown(diff_refs(repo, "HEAD"))
    assert "#### Files that could not be read (2)" in report
    assert "- `catalogue/broken.yaml`: invalid YAML" in report
    assert "- `catalogue/notes.txt`: catalogue files end in '\\.yaml'" in report


def test_broken_files_at_a_ref_are_listed_too(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    (repo.catalogue_dir / "broken.yaml").write_text("title: x\n")
    (repo.catalogue_dir / "sub").mkdir()
    (repo.catalogue_dir / "sub" / "a.yaml").write_text("x: 1\n")
    commit(tmp_path, "broken")
    result = diff_refs(repo, "HEAD~1", "HEAD")
    assert result.unreadable == {
        "catalogue/broken.yaml": "does not match the entry format (authors: Field required)",
        "catalogue/sub/a.yaml": "sub-folders are not allowed in the catalogue",
    }


def test_taxonomy_aliases_count_as_their_node(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    west = repo.catalogue_dir / "west2022symbolic.yaml"
    west.write_text(west.read_text().replace("method: [direct]", 'method: ["Direct"]'))
    result = diff_refs(repo, "HEAD")
    assert result.cells == []
    assert [(c.key, c.fields) for c in result.changed] == [("west2022symbolic", ("taxonomy.method",))]


@pytest.mark.parametrize(("ref", "message"), [
    ("nope", "nope:0: [git] unknown git ref 'nope' (fetch it first (git fetch), or check the spelling)"),
    ("--output=/tmp/x", "--output=/tmp/x:0: [git] '--output=/tmp/x' is not a git ref "
                        "(give a branch, tag or commit, e.g. origin/main)"),
    ("HEAD; rm -rf /", "HEAD; rm -rf /:0: [git] 'HEAD; rm -rf /' is not a git ref "
                       "(give a branch, tag or commit, e.g. origin/main)"),
])
def test_bad_refs(ref: str, message: str, tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    status, out, err = run_cli("--root", repo.root, "diff", "--", ref)
    assert (status, out, err) == (1, "", message + "\n")


def test_outside_a_git_repository(repo_copy: Repository, run_cli: Run, tmp_path: Path) -> None:
    status, _, err = run_cli("--root", repo_copy.root, "diff", "HEAD")
    assert status == 1
    assert err == f"{repo_copy.root}:0: [git] not inside a git repository " \
        "(run 'git init', or compare folders without refs)\n"


def test_compare_works_on_snapshots_without_git(repo_copy: Repository) -> None:
    same = snapshot_of_working_tree(repo_copy)
    result = compare(same, snapshot_of_working_tree(repo_copy))
    assert result.empty and result.base_count == result.head_count == len(same.entries) > 0


def test_a_long_report_is_cut_to_fit_a_comment(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    for n in range(700):
        _write(repo, f"paper{n:04d}", **{**LI, "title": f"Paper number {n} " + "x" * 60,
                                         "ids": {"arxiv": f"2401.{n:05d}"}, "cites": []})
    report = to_markdown(diff_refs(repo, "HEAD"))
    assert len(report) <= 60_000
    assert report.endswith("*(report cut: it is longer than a comment can be; run `symkd diff` locally)*\n")


def test_markdown_helpers() -> None:
    assert md_code("a``b") == "``` a``b ```"
    assert md_text("line\nbreak") == "line break"


def test_a_bibtex_export_failure_is_reported_not_raised(tmp_path: Path, run_cli: Run) -> None:
    repo = init_repo(tmp_path)
    _write(repo, "li2023symbolic", **{**LI, "title": "Unbalanced {brace in a title"})
    status, out, _ = run_cli("--root", repo.root, "diff", "HEAD")
    assert status == 0
    last = out.splitlines()[-1]
    assert out.endswith(f"\n#### BibTeX\n\n{last}\n")
    assert last.startswith("Not compared: the BibTeX export failed\\: catalogue/li2023symbolic\\.yaml\\:1\\: "
                           "\\[export\\] BibTeX export of ")


def test_a_long_bibtex_diff_is_cut_and_its_block_closed(tmp_path: Path) -> None:
    repo = init_repo(tmp_path)
    for n in range(60):
        _write(repo, f"paper{n:04d}", **{**LI, "title": f"Paper number {n}", "ids": {"arxiv": f"2401.{n:05d}"},
                                         "cites": []})
    report = to_markdown(diff_refs(repo, "HEAD", bibtex=default_bibtex_export()))
    assert len(report) <= 60_000
    assert "| `paper0059` |" in report
    assert report.endswith("```\n*(the first 400 of 780 lines; run `symkd diff` locally for the rest)*\n\n"
                           "</details>\n")
