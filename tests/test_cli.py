"""The command line: exit codes, argument faults, repository discovery, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from symkd_survey.core.catalogue import Repository, load_catalogue

Run = Callable[..., tuple[int, str, str]]


def test_bad_arguments_are_an_issue_line_and_exit_1(run_cli: Run) -> None:
    status, _, err = run_cli("validate", "--stirct")
    assert status == 1
    assert "symkd:0: [args] unrecognized arguments: --stirct (see 'symkd --help')" in err


def test_unknown_command(run_cli: Run) -> None:
    status, _, err = run_cli("valdate")
    assert status == 1 and "[args] argument COMMAND: invalid choice: 'valdate'" in err


def test_root_without_taxonomy_is_reported(run_cli: Run, tmp_path: Path) -> None:
    status, _, err = run_cli("--root", tmp_path, "validate")
    assert status == 1
    assert err.strip() == f"{tmp_path}:0: [root] no taxonomy.yaml in this folder " \
        "(point --root at a symkd-survey repository)"


def test_repository_is_found_upward_from_the_current_folder(repo_copy: Repository, run_cli: Run,
                                                            monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(repo_copy.catalogue_dir)
    extra = (repo_copy.catalogue_dir / "west2022symbolic.yaml").read_text().replace(
        "Symbolic Knowledge Distillation: from", "Only In The Copy: from").replace("2110.07178", "2110.07179").replace(
        "2022.naacl-main.341", "2022.naacl-main.999")
    (repo_copy.catalogue_dir / "onlyinthecopy2022.yaml").write_text(extra)
    copied = len(list(repo_copy.catalogue_dir.glob("*.yaml")))
    status, out, _ = run_cli("validate")
    assert status == 0
    assert out.startswith(f"{copied} files checked")  # the copy, not the checkout the package came from


def test_missing_path_argument(run_cli: Run, repo_copy: Repository) -> None:
    status, _, err = run_cli("--root", repo_copy.root, "validate", "catalogue/nope.yaml")
    assert status == 1 and "catalogue/nope.yaml:0: [io] no such file or folder" in err


def test_stats_prints_counts_and_the_matrix(run_cli: Run, real_repo: Repository) -> None:
    status, out, _ = run_cli("--root", real_repo.root, "stats")
    assert status == 0
    assert "method x application:" in out
    matrix = out.split("method x application:")[1]
    row = next(line for line in matrix.splitlines() if line.strip().startswith("commonsense "))
    entries = [i.entry for i in load_catalogue(real_repo)]
    expected = [str(sum(1 for e in entries if m in e.labels("method") and "commonsense" in e.labels("application"))
                    or ".") for m in ("direct", "multilevel", "reinforcement-learning")]
    assert row.split()[1:] == expected
    assert int(expected[0]) >= 3  # at least West 2022, NovaCOMET and I2D2, all Direct


def test_stats_refuses_a_broken_catalogue(run_cli: Run, repo_copy: Repository) -> None:
    (repo_copy.catalogue_dir / "broken.yaml").write_text("title: [\n")
    status, out, err = run_cli("--root", repo_copy.root, "stats")
    assert status == 1 and out == "" and "catalogue/broken.yaml:" in err


def test_format_check_and_rewrite(run_cli: Run, repo_copy: Repository) -> None:
    file = repo_copy.catalogue_dir / "west2022symbolic.yaml"
    canonical = file.read_text()
    messy = canonical.replace("year: 2022", "year: '2022'").replace("type: inproceedings", 'type: "inproceedings"')
    file.write_text(messy)
    status, out, _ = run_cli("--root", repo_copy.root, "format", "--check")
    assert status == 1 and "would reformat catalogue/west2022symbolic.yaml" in out
    assert file.read_text() != canonical
    status, out, _ = run_cli("--root", repo_copy.root, "format")
    assert status == 0 and file.read_text() == canonical


def test_installed_console_script_has_no_traceback_on_garbage(repo_copy: Repository) -> None:
    (repo_copy.catalogue_dir / "garbage.yaml").write_bytes(b"\x00\x01\xff\xfe title: [}")
    env = {k: v for k, v in os.environ.items() if k != "SYMKD_DEBUG"}
    done = subprocess.run([sys.executable, "-m", "symkd_survey", "--root", str(repo_copy.root), "validate"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "catalogue/garbage.yaml:1: [encoding] the file is not UTF-8 (byte 0xff)" in done.stderr
