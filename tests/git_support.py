"""Small git repositories made in a test's tmp_path: the real taxonomy and a few entries
written here (so that the tests do not depend on what the shipped catalogue holds)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.model import Entry, entry_to_yaml

from .conftest import REPO_ROOT

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENTRIES: dict[str, dict[str, Any]] = {
    "west2022symbolic": {
        "title": "Symbolic Knowledge Distillation: from General Language Models to Commonsense Models",
        "authors": ["West, Peter", "Bhagavatula, Chandra", "Choi, Yejin"],
        "year": 2022, "type": "inproceedings", "venue": "Proceedings of NAACL 2022",
        "ids": {"arxiv": "2110.07178"},
        "taxonomy": {"method": ["direct"], "application": ["commonsense"]},
        "source": "survey", "added": "2026-11-28",
    },
    "hsieh2023distilling": {
        "title": "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and "
                 "Smaller Model Sizes",
        "authors": ["Hsieh, Cheng-Yu", "Li, Chun-Liang"],
        "year": 2023, "type": "inproceedings", "venue": "Findings of ACL 2023",
        "ids": {"arxiv": "2305.02301"},
        "taxonomy": {"method": ["direct"], "application": ["task-specific-models"]},
        "source": "survey", "added": "2026-11-28",
    },
    "wang2023selfinstruct": {
        "title": "Self-Instruct: Aligning Language Models with Self-Generated Instructions",
        "authors": ["Wang, Yizhong", "Kordi, Yeganeh"],
        "year": 2023, "type": "inproceedings", "venue": "Proceedings of ACL 2023",
        "ids": {"arxiv": "2212.10560"},
        "taxonomy": {"method": ["direct"], "application": ["instruction-generation"]},
        "cites": ["west2022symbolic"],
        "source": "survey", "added": "2026-11-28",
    },
}


def entry_text(**fields: Any) -> str:
    return entry_to_yaml(Entry.model_validate(fields))


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def init_repo(top: Path, sub: str = "", entries: dict[str, dict[str, Any]] | None = None) -> Repository:
    """A git repository at ``top`` whose catalogue repository is ``top/sub``, with one commit."""
    root = top / sub if sub else top
    (root / "catalogue").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    for key, fields in (ENTRIES if entries is None else entries).items():
        (root / "catalogue" / f"{key}.yaml").write_text(entry_text(**fields), encoding="utf-8")
    git(top, "init", "-q")
    commit(top, "base")
    return Repository(root)
