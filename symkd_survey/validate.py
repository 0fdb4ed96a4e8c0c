"""``validate``: load the taxonomy and the catalogue, run every check, return the issues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue, Repository, load_catalogue
from .checks import run_checks
from .issues import Issue, SymkdError, sort_issues
from .taxonomy import Taxonomy


@dataclass(slots=True)
class Validation:
    catalogue: Catalogue
    taxonomy: Taxonomy
    issues: list[Issue]
    files: int

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]


def validate(repo: Repository, paths: Sequence[Path] = ()) -> Validation:
    """Validate the whole catalogue, or only ``paths`` (files or folders of entries).

    With ``paths``, the checks that span files still see the whole catalogue (a citation of
    an entry outside ``paths`` is not unknown), but only problems in ``paths`` are reported.
    A broken taxonomy raises :class:`SymkdError`: nothing can be checked against it.
    """
    taxonomy = repo.load_taxonomy()
    whole = load_catalogue(repo)
    if not paths:
        return Validation(whole, taxonomy, sort_issues(run_checks(whole, taxonomy)), len(whole) + _failed(whole))
    chosen = load_catalogue(repo, paths)
    shown = {item.path for item in chosen} | {issue.path for issue in chosen.issues}
    merged = Catalogue(issues=list(chosen.issues))
    for item in whole:
        if item.path not in shown and item.key not in chosen.entries:
            merged.entries[item.key] = item
    merged.entries.update(chosen.entries)
    issues = [i for i in run_checks(merged, taxonomy) if i.path in shown]
    return Validation(chosen, taxonomy, sort_issues(issues), len(shown))


def _failed(catalogue: Catalogue) -> int:
    return len({issue.path for issue in catalogue.issues} - {item.path for item in catalogue})


def raise_on_errors(result: Validation) -> None:
    if result.errors:
        raise SymkdError(result.errors)
