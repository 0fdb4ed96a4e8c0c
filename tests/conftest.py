"""Shared fixtures: the real repository, and throw-away copies of it to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from symkd_survey.core.catalogue import Repository

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

    from .arxiv_support import FakeArxiv

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SOURCES = REPO_ROOT / "data"  # the source data the catalogue was built from (data/README.md)


@pytest.fixture
def real_repo() -> Repository:
    return Repository(REPO_ROOT)


def seeded_repository(folder: Path, keys: tuple[str, ...]) -> Repository:
    """The shipped taxonomy and a few shipped entries: a small catalogue whose content a test
    controls (the real catalogue keeps growing and may come to hold what a test adds)."""
    root = folder / "repo"
    (root / "catalogue").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    for key in keys:
        shutil.copy(REPO_ROOT / "catalogue" / f"{key}.yaml", root / "catalogue" / f"{key}.yaml")
    return Repository(root)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Repository:
    """A copy of the shipped taxonomy and catalogue that a test may change."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(REPO_ROOT / "catalogue", root / "catalogue")
    return Repository(root)


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A real HTTP server on 127.0.0.1 (pytest-httpserver), shared by a test module."""
    from .arxiv_support import threaded_server

    yield from threaded_server()


@pytest.fixture
def fake(server: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeArxiv]:
    """That server playing arXiv's API, with symkd pointed at it and a throw-away cache."""
    from .arxiv_support import fake_arxiv_server

    yield from fake_arxiv_server(server, monkeypatch, tmp_path)


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


# The built site and a real Chromium, shared by every browser test module (one build a session).
from .browser_support import browser, page, site  # noqa: E402, F401
