"""Safe against strangers and faults: special files, oversized input, writes that could destroy,
and property-based mutation of real entries and .bib files.

Every fault must end as ``path:line: [check] message`` with exit status 1, no traceback, and
nothing written.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.fileio import atomic_write, create_exclusive
from symkd_survey.core.ids import did_you_mean
from symkd_survey.core.keys import base_key, key_from_bibtex, unique_key
from symkd_survey.core.text import clean, text_problem
from symkd_survey.site.build import BUILD_MARKER

from .conftest import REPO_ROOT, seeded_repository

Run = Callable[..., tuple[int, str, str]]
ISSUE_LINE = re.compile(r"^\S.*:\d+: \[[a-z-]+\] ")


@pytest.fixture
def mini_repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path / "repo", ("west2022symbolic", "hsieh2023distilling"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------- special and large files

def test_a_named_pipe_in_the_catalogue_is_an_issue_not_a_hang(repo_copy: Repository) -> None:
    os.mkfifo(repo_copy.catalogue_dir / "x.yaml")
    done = subprocess.run([sys.executable, "-m", "symkd_survey", "--root", str(repo_copy.root), "validate"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "catalogue/x.yaml:0: [io] the file is a named pipe; only regular files are read" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_oversized_entry_is_refused_unread(repo_copy: Repository, run_cli: Run) -> None:
    big = repo_copy.catalogue_dir / "big2023huge.yaml"
    big.write_text('title: "' + "x" * (2 << 20) + '"\n', encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    assert status == 1
    assert f"catalogue/big2023huge.yaml:0: [size] the file is {big.stat().st_size:,} bytes; the limit is 1,048,576" \
        in err.splitlines()


def test_many_unknown_citations_get_bounded_suggestions(repo_copy: Repository, run_cli: Run) -> None:
    text = (repo_copy.catalogue_dir / "west2022symbolic.yaml").read_text(encoding="utf-8")
    cites = ", ".join(f"west2022symbolik{n}" for n in range(1500))
    (repo_copy.catalogue_dir / "west2022symbolic.yaml").write_text(text + f"cites: [{cites}]\n", encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    unknown = [line for line in err.splitlines() if "cites unknown key" in line]
    assert status == 1 and len(unknown) == 1500
    assert sum("did you mean" in line for line in unknown) == 20


def test_did_you_mean_does_no_work_on_huge_words() -> None:
    assert did_you_mean("x" * 10_000_000, [f"key{n}" for n in range(100_000)]) is None
    assert did_you_mean("metod", ["method", "application"]) == "method"


# --------------------------------------------------------------------------- writes

def test_atomic_write_keeps_the_mode_and_new_files_get_the_umask(tmp_path: Path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text("old\n")
    shared.chmod(0o664)
    atomic_write(shared, "new\n")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_text() == "new\n"
    old_mask = os.umask(0o027)
    try:
        create_exclusive(tmp_path / "fresh.yaml", "x\n")
        atomic_write(tmp_path / "other.yaml", "y\n")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "fresh.yaml").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "other.yaml").stat().st_mode) == 0o640


def test_format_keeps_each_files_mode(repo_copy: Repository, run_cli: Run) -> None:
    file = repo_copy.catalogue_dir / "west2022symbolic.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace('year: 2022', "year: '2022'"), encoding="utf-8")
    file.chmod(0o644)
    assert run_cli("--root", repo_copy.root, "format")[0] == 0
    assert stat.S_IMODE(file.stat().st_mode) == 0o644 and "year: 2022\n" in file.read_text(encoding="utf-8")


@pytest.mark.parametrize(("out", "message"), [
    ("catalogue", "the output folder is inside the catalogue; building would delete files there"),
    (".", "the output folder is the repository or holds it; building would delete it"),
    ("..", "the output folder is the repository or holds it; building would delete it"),
    ("site", "the output folder holds the site's sources; building would delete it"),
    ("site/docs/x", "the output folder is inside the site's sources; building would delete files there"),
    ("elsewhere-with-entries", "the output folder holds catalogue files or taxonomy.yaml; building would delete them"),
    ("elsewhere-with-notes", "the output folder is not empty and is not a previous build; building would delete what "
                             "it holds"),
])
def test_build_refuses_an_output_folder_it_would_destroy(repo_copy: Repository, run_cli: Run, out: str,
                                                         message: str) -> None:
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo_copy.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "site", repo_copy.root / "site")
    (repo_copy.root / "elsewhere-with-entries").mkdir()
    shutil.copy(repo_copy.catalogue_dir / "west2022symbolic.yaml", repo_copy.root / "elsewhere-with-entries")
    (repo_copy.root / "elsewhere-with-notes").mkdir()
    (repo_copy.root / "elsewhere-with-notes" / "notes.txt").write_text("mine\n")
    before = {p.relative_to(repo_copy.root): p.read_bytes() for p in repo_copy.root.rglob("*") if p.is_file()}
    status, _, err = run_cli("--root", repo_copy.root, "build", "--out", repo_copy.root / out)
    assert status == 1
    assert err.splitlines()[0].endswith(f"[out] {message} (build into a new or empty folder, or into a previous "
                                        "build (default _site/))")
    after = {p.relative_to(repo_copy.root): p.read_bytes() for p in repo_copy.root.rglob("*") if p.is_file()}
    assert after == before


def test_a_previous_build_is_recognised_by_its_marker(repo_copy: Repository) -> None:
    from symkd_survey.site.build import output_folder_problem
    target = repo_copy.root / "old-site"
    target.mkdir()
    (target / "index.html").write_text("<html></html>")
    docs = repo_copy.root / "site" / "docs"
    assert output_folder_problem(repo_copy, target, docs) is not None
    (target / BUILD_MARKER).write_text("built\n")
    assert output_folder_problem(repo_copy, target, docs) is None
    assert output_folder_problem(repo_copy, repo_copy.root / "new-site", docs) is None


# --------------------------------------------------------------------------- keys

@given(family=st.text(max_size=300), title=st.text(max_size=300), year=st.integers(1000, 9999),
       bib_key=st.text(max_size=300))
def test_every_generated_key_is_valid(family: str, title: str, year: int, bib_key: str) -> None:
    from symkd_survey.core.ids import is_valid_key
    key = base_key(family, year, title)
    assert is_valid_key(key)
    taken = {key, *(f"{key[: 64 - len(str(n)) - 1]}-{n}" for n in range(2, 12))}
    assert is_valid_key(unique_key(key, taken.__contains__)) and unique_key(key, taken.__contains__) not in taken
    made = key_from_bibtex(bib_key)
    assert made == "" or is_valid_key(made)


# --------------------------------------------------------------------------- the text rule

@given(st.text(max_size=200))
def test_clean_text_always_follows_the_rule(value: str) -> None:
    cleaned = clean(value)
    assert len(cleaned) > 500 or text_problem(cleaned, "title") is None


# --------------------------------------------------------------------------- mutation of real input

_ENTRY = (REPO_ROOT / "catalogue" / "west2022symbolic.yaml").read_text(encoding="utf-8")
_BIB = """@inproceedings{west2022symbolic,
  title = {Symbolic Knowledge Distillation: from General Language Models to Commonsense Models},
  author = {West, Peter and Bhagavatula, Chandra and Choi, Yejin},
  booktitle = {Proceedings of NAACL},
  year = {2022},
  doi = {10.18653/v1/2022.naacl-main.341},
  eprint = {2110.07178},
  archivePrefix = {arXiv},
}
"""
_INSERTS = st.sampled_from(["\x00", "\x07", "\x85", "\u2028", "\u202e", "\ufffe", "\ud800", "{", "}", "\\", "\"",
                            "'", ":", "- ", "[", "]", "&", "!!python/object ", "*a", "&a ", "\n", "\t", "  ",
                            "e\u0301", "%", "#", "@", ",", "=", "x" * 600, "2_022", "0x10", "~", "null"])


def _mutate(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(_INSERTS) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 40)):]
    return text


def _assert_clean_result(status: int, out: str, err: str) -> None:
    assert status in (0, 1)
    assert "Traceback" not in out + err and "internal error" not in out + err
    if status == 1:
        assert any(ISSUE_LINE.match(line) for line in err.splitlines()), err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_entries_are_reported_never_crash(mini_repo: Repository, run_cli: Run, data: st.DataObject) -> None:
    target = mini_repo.catalogue_dir / "zz2023mutant.yaml"
    try:
        target.write_text(_mutate(_ENTRY, data), encoding="utf-8", errors="surrogatepass")
        before = _snapshot(mini_repo.catalogue_dir)
        _assert_clean_result(*run_cli("--root", mini_repo.root, "validate"))
        assert _snapshot(mini_repo.catalogue_dir) == before
    finally:
        target.unlink(missing_ok=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bib_files_are_reported_never_crash(mini_repo: Repository, run_cli: Run, tmp_path: Path,
                                                    data: st.DataObject) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text(_mutate(_BIB.replace("west2022symbolic", "zz2022mutant"), data), encoding="utf-8",
                   errors="surrogatepass")
    before = _snapshot(mini_repo.catalogue_dir)
    status, out, err = run_cli("--root", mini_repo.root, "import", "bibtex", bib)
    _assert_clean_result(status, out, err)
    if status == 1:
        assert _snapshot(mini_repo.catalogue_dir) == before
    else:  # what was imported validates
        for name in set(_snapshot(mini_repo.catalogue_dir)) - set(before):
            (mini_repo.catalogue_dir / name).unlink()
