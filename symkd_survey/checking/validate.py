"""``validate``: load the taxonomy and the catalogue, run every check, return the issues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import Catalogue, Repository, load_catalogue
from symkd_survey.core.extension import entry_model
from symkd_survey.core.issues import Issue, SymkdError, sort_issues, warning
from symkd_survey.core.taxonomy import Taxonomy


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
    model = entry_model(taxonomy.extensions)  # from the taxonomy just loaded: not read a second time
    whole = load_catalogue(repo, model=model)
    if not paths:
        issues = apply_acceptances(whole, run_checks(whole, taxonomy))
        return Validation(whole, taxonomy, sort_issues(issues), len(whole) + _failed(whole))
    chosen = load_catalogue(repo, paths, model=model)
    shown = {item.path for item in chosen} | {issue.path for issue in chosen.issues}
    merged = Catalogue(issues=list(chosen.issues))
    for item in whole:
        if item.path not in shown and item.key not in chosen.entries:
            merged.entries[item.key] = item
    merged.entries.update(chosen.entries)
    issues = [i for i in apply_acceptances(merged, run_checks(merged, taxonomy)) if i.path in shown]
    return Validation(chosen, taxonomy, sort_issues(issues), len(shown))


def apply_acceptances(catalogue: Catalogue, issues: list[Issue]) -> list[Issue]:
    """Drop the warnings an entry accepts (``accept: [{check, reason}]``); errors stay.

    An acceptance that matches no warning is itself a warning, so stale ones get noticed.
    """
    accepted = {item.path: {a.check: index for index, a in enumerate(item.entry.accept)} for item in catalogue
                if item.entry.accept}
    if not accepted:
        return issues
    used: set[tuple[str, str]] = set()
    kept = []
    for issue in issues:
        if not issue.is_error and issue.check in accepted.get(issue.path, {}):
            used.add((issue.path, issue.check))
            continue
        kept.append(issue)
    for item in catalogue:
        for check, index in accepted.get(item.path, {}).items():
            if (item.path, check) not in used:
                kept.append(warning("accept", item.path, item.line("accept", index),
                                    f"accepts '{check}' warnings but there are none", "remove the acceptance"))
    return kept


def _failed(catalogue: Catalogue) -> int:
    return len({issue.path for issue in catalogue.issues} - {item.path for item in catalogue})


def raise_on_errors(result: Validation) -> None:
    if result.errors:
        raise SymkdError(result.errors)
