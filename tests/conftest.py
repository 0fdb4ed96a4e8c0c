"""Shared fixtures: the real repository, and throw-away copies of it to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.catalogue import Repository

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture
def real_repo() -> Repository:
    return Repository(REPO_ROOT)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Repository:
    """A copy of the shipped taxonomy and catalogue that a test may change."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(REPO_ROOT / "catalogue", root / "catalogue")
    return Repository(root)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``symkd ARGS`` in-process; return (exit status, stdout, stderr)."""
    from symkd_survey.cli import main

    def run(*args: str | Path) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse --help / usage faults
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return run
