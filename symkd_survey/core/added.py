"""``symkd dates``: each entry's ``added`` date from git, the day its file first entered the repository.

An entry's ``added`` is written by hand or by ``symkd add`` on the day it is made, and so is
wrong for entries made in bulk, or on another day than they were merged. git knows better: the
first commit that added the file. Here:

- the dates come from one ``git log --diff-filter=A`` over the catalogue folder: for each file
  the earliest commit that added it (a file deleted and added again keeps its first date; a
  file renamed, e.g. after a key change, counts from the commit that renamed it, since rename
  detection is off), as that commit's committer date in UTC: the day it entered the repository,
  which for a merged pull request is the day of the merge;
- a file not yet committed keeps its ``added`` (the day it was made, by ``symkd add``), and is
  listed as such;
- an entry whose date differs is rewritten atomically in canonical form
  (:func:`~symkd_survey.core.model.entry_to_yaml`, as by ``symkd format``); an entry file not
  in canonical form has only its ``added:`` line replaced, so that nothing else in it changes;
- a shallow clone (CI's default) is refused: its first commit would claim every file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from symkd_survey.core.catalogue import CATALOGUE_DIR, Repository, entry_files, load_entry
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.gitrepo import CHECK, Git
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.model import entry_to_yaml


@dataclass(frozen=True, slots=True)
class DateChange:
    path: str
    """The entry file, relative to the repository root."""
    old: dt.date
    new: dt.date


@dataclass(slots=True)
class DatesResult:
    changes: list[DateChange] = field(default_factory=list)
    """Entries whose ``added`` differs from the day their file first entered the repository."""
    uncommitted: list[str] = field(default_factory=list)
    """Entry files git does not know yet: their ``added`` is kept."""
    issues: list[Issue] = field(default_factory=list)
    written: bool = False


def first_added(repo: Repository) -> dict[str, dt.date]:
    """The day (UTC) each file of the catalogue folder was first committed, by path relative to the
    repository root. Raises a :class:`SymkdError` outside git and in a shallow clone."""
    git = Git(repo)
    _ = git.prefix  # "not inside a git repository"
    if git.run("rev-parse", "--is-shallow-repository", what=str(repo.root)).decode().strip() == "true":
        raise SymkdError([error(CHECK, str(repo.root), 0, "a shallow clone does not know when files were first "
                                "committed", "fetch the whole history first: git fetch --unshallow")])
    try:
        _ = git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", what=str(repo.root))
    except SymkdError:
        return {}  # no commit yet: nothing is committed
    out = git.run("-c", "core.quotepath=off", "log", "--diff-filter=A", "--no-renames", "--relative",
                  "--format=@%ct", "--name-only", "HEAD", "--", f"{CATALOGUE_DIR}/", what="git log").decode(
                      "utf-8", "surrogateescape")
    found: dict[str, dt.date] = {}
    when: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("@"):
            when = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC).date()
        elif line and when is not None:
            earlier = found.get(line)
            found[line] = when if earlier is None or when < earlier else earlier
    return found


_ADDED_LINE = re.compile(r"^added:[^\n]*$", re.MULTILINE)


def _rewritten(text: str, canonical: str, updated: str, new: dt.date) -> str | None:
    """The file's new text: canonical when it was canonical, else only its ``added:`` line replaced
    (None when there is not exactly one)."""
    if text == canonical:
        return updated
    lines = _ADDED_LINE.findall(text)
    if len(lines) != 1:
        return None
    return _ADDED_LINE.sub(f'added: "{new.isoformat()}"', text, count=1)


def update_added(repo: Repository, paths: Sequence[Path] = (), *, write: bool = False) -> DatesResult:
    """Compare (and with ``write``, set) every entry's ``added`` with :func:`first_added`.

    Files that do not load are reported as issues and left alone. With ``write``, nothing is
    written when any entry cannot be updated: every file or none.
    """
    dates = first_added(repo)
    files, issues = entry_files(repo, paths)
    result = DatesResult(issues=issues)
    model = repo.entry_model()
    pending: list[tuple[Path, str]] = []
    for file in files:
        shown = repo.display(file)
        loaded, problems = load_entry(file, shown, model)
        if loaded is None:
            result.issues.extend(problems)
            continue
        relative = file.resolve().relative_to(repo.root.resolve()).as_posix()
        first = dates.get(relative)
        if first is None:
            result.uncommitted.append(shown)
            continue
        if loaded.entry.added == first:
            continue
        result.changes.append(DateChange(shown, loaded.entry.added, first))
        text = file.read_text(encoding="utf-8")
        updated = entry_to_yaml(loaded.entry.model_copy(update={"added": first}))
        new_text = _rewritten(text, entry_to_yaml(loaded.entry), updated, first)
        if new_text is None:
            result.issues.append(error("dates", shown, 0, "no single top-level 'added:' line to rewrite",
                                       "run 'symkd format' on it first"))
        else:
            pending.append((file, new_text))
    if write and not result.issues:
        for file, text in pending:
            atomic_write(file, text)
        result.written = bool(pending)
    return result
