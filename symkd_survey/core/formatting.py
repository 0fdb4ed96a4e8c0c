"""``symkd format``: rewrite entry files in their canonical form (field order, quoting).

Only files that load and validate structurally are rewritten; the rewrite is atomic, and
load -> save of a canonical file gives back the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.core.catalogue import Repository, entry_files, load_entry
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import Issue
from symkd_survey.core.model import entry_to_yaml


@dataclass(slots=True)
class FormatResult:
    changed: list[str]
    issues: list[Issue]


def format_entries(repo: Repository, paths: Sequence[Path] = (), *, write: bool = True) -> FormatResult:
    """Canonicalise entry files; with ``write=False`` only list those that would change."""
    files, issues = entry_files(repo, paths)
    changed: list[str] = []
    model = repo.entry_model()
    for file in files:
        loaded, problems = load_entry(file, repo.display(file), model)
        issues.extend(problems)
        if loaded is None:
            continue
        text = entry_to_yaml(loaded.entry)
        if file.read_text(encoding="utf-8") != text:
            changed.append(loaded.path)
            if write:
                atomic_write(file, text)
    return FormatResult(changed, issues)
