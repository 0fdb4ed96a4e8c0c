"""``symkd import bibtex``: turn a .bib file into new catalogue entries.

The pipeline is parse -> check -> convert -> compare -> validate -> write, and nothing is
written until every stage has run over the whole file:

- :func:`symkd_survey.sources.bib_reader.parse_bibtex` reads the file (bibtexparser v2,
  ``@string`` macros, ``crossref``) and converts each entry
  (:class:`symkd_survey.sources.bib_entry.EntryReader`), catching the accidents bibtexparser
  accepts silently; values are decoded from LaTeX (:mod:`symkd_survey.sources.bib_text`) and
  author lists split and formatted (:mod:`symkd_survey.sources.bib_names`). Pure: it reads
  text and returns conversions and issues.
- Here, the plan: a work already in the catalogue (the one identity of a work,
  :class:`symkd_survey.core.identity.SameWorkIndex`), or met earlier in the same file, is
  skipped with a message naming the entry it repeats; nothing is overwritten.
- Every new entry then goes through the checks of ``symkd validate`` on the catalogue merged
  with the new entries in memory, with positions mapped back to the .bib lines.

By default the import is all-or-nothing; ``skip_invalid`` writes the good entries and lists
the bad. Either way a failed entry makes the result a failure (the CLI exits 1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import ENTRY_SUFFIX, Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import MAX_IMPORT_BYTES, create_all
from symkd_survey.core.identity import SameWorkIndex
from symkd_survey.core.issues import Issue, SymkdError, error, sort_issues, warning
from symkd_survey.core.keys import base_key, key_from_bibtex, unique_key
from symkd_survey.core.model import Entry, Source, entry_to_yaml
from symkd_survey.core.yamlio import YamlDocument, parse_mapping, read_text
from symkd_survey.sources.bib_entry import CHECK, Converted
from symkd_survey.sources.bib_reader import parse_bibtex

# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class NewEntry:
    """An entry the import will write."""

    key: str
    bib_key: str
    line: int
    entry: Entry
    text: str
    file: Path


@dataclass(slots=True)
class Skipped:
    """A .bib entry for a work the catalogue (or the same file) already holds."""

    bib_key: str
    line: int
    existing: str
    """The key of the entry it repeats."""
    repeated_in_file: bool = False
    """It repeats an earlier entry of the same file, not one already in the catalogue."""


@dataclass(slots=True)
class Failed:
    bib_key: str | None
    line: int


@dataclass(slots=True)
class ImportPlan:
    """Everything the import found, before anything is written."""

    path: str
    new: list[NewEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def in_catalogue(self) -> list[Skipped]:
        """The skipped entries whose work the catalogue already holds."""
        return [s for s in self.skipped if not s.repeated_in_file]

    @property
    def repeated(self) -> list[Skipped]:
        """The skipped entries that repeat an earlier entry of the same file."""
        return [s for s in self.skipped if s.repeated_in_file]


@dataclass(slots=True)
class ImportResult:
    plan: ImportPlan
    written: list[Path]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return self.plan.ok


# --------------------------------------------------------------------------- the plan


def plan_import(repo: Repository, bib_file: Path, *, source: Source = "curated",
                today: dt.date | None = None) -> ImportPlan:
    """Read ``bib_file`` and decide what to write; writes nothing."""
    shown = repo.display(bib_file)
    plan = ImportPlan(path=shown)
    text, problems = read_text(bib_file, shown, MAX_IMPORT_BYTES)
    if text is None:
        raise SymkdError(problems)
    converted, file_issues = parse_bibtex(text, shown, source=source, today=today)
    plan.issues.extend(file_issues)
    plan.failed.extend(Failed(None, issue.line) for issue in file_issues)
    if not converted and not file_issues:
        raise SymkdError([error(CHECK, shown, 0, "no BibTeX entries in this file")])

    catalogue = load_catalogue(repo)
    taken = {p.name.removesuffix(ENTRY_SUFFIX) for p in repo.catalogue_dir.glob(f"*{ENTRY_SUFFIX}")}
    existing = SameWorkIndex()
    for loaded in catalogue:
        existing.add(loaded.key, loaded.entry)
    seen_in_file = SameWorkIndex()
    lines_in_file: dict[str, int] = {}
    accepted: list[tuple[Converted, str]] = []
    for item in converted:
        plan.issues.extend(item.issues)
        if item.failed or item.entry is None:
            plan.failed.append(Failed(item.bib_key, item.line))
            continue
        repeat = existing.find(item.entry)
        if repeat:
            (what, value), key = repeat
            plan.issues.append(warning("duplicate", shown, item.line,
                                       f"'{item.bib_key}' is already in the catalogue as '{key}' "
                                       f"({repo.display(repo.entry_file(key))}, same {what}: {value}): skipped",
                                       "nothing was overwritten"))
            plan.skipped.append(Skipped(item.bib_key, item.line, key))
            continue
        earlier = seen_in_file.find(item.entry)
        if earlier:
            (what, value), key = earlier
            plan.issues.append(warning("duplicate", shown, item.line,
                                       f"'{item.bib_key}' is the same work as '{key}' on line {lines_in_file[key]} "
                                       f"(same {what}: {value}): skipped"))
            plan.skipped.append(Skipped(item.bib_key, item.line, key, repeated_in_file=True))
            continue
        key = _assign_key(item, taken, plan)
        taken.add(key)
        seen_in_file.add(key, item.entry)
        lines_in_file[key] = item.line
        accepted.append((item, key))

    _validate_new(repo, catalogue, accepted, plan)
    plan.issues = sort_issues(plan.issues)
    plan.failed.sort(key=lambda f: f.line)
    return plan


def _assign_key(item: Converted, taken: set[str], plan: ImportPlan) -> str:
    assert item.entry is not None
    base = key_from_bibtex(item.bib_key) or base_key(item.entry.authors[0], item.entry.year, item.entry.title)
    key = unique_key(base, taken.__contains__)
    if key != item.bib_key:
        reason = f"'{base}' is taken by another work" if key != base else "catalogue keys are lowercase ASCII " \
            "letters, digits and hyphens"
        plan.issues.append(warning("key", plan.path, item.line, f"key '{item.bib_key}' is imported as '{key}'",
                                   reason))
    return key


def _validate_new(repo: Repository, catalogue: Catalogue, accepted: list[tuple[Converted, str]],
                  plan: ImportPlan) -> None:
    """Run the checks of ``symkd validate`` on the catalogue merged with the new entries.

    Each new entry gets the positions of its .bib fields, so that a check's issue points at
    the .bib line; while checking, each has its own path, so that issues can be told apart.
    """
    merged = Catalogue(entries=dict(catalogue.entries))
    new: dict[str, tuple[Converted, str]] = {}
    for item, key in accepted:
        assert item.entry is not None
        text = entry_to_yaml(item.entry)
        doc, problems = parse_mapping(text, plan.path)
        if doc is None or Entry.model_validate(doc.data) != item.entry:  # pragma: no cover - a bug guard
            problems = problems or [error("bug", plan.path, item.line, f"'{key}' does not load back as written")]
            plan.issues.extend(problems)
            plan.failed.append(Failed(item.bib_key, item.line))
            continue
        positioned = YamlDocument(data=doc.data, positions=dict(item.positions), key_positions=dict(item.positions))
        merged.entries[key] = LoadedEntry(key, _check_path(plan.path, key), item.entry, positioned)
        new[key] = (item, text)
    by_path: dict[str, list[Issue]] = {}
    shown = {_check_path(plan.path, key): f"on line {item.line}" for key, (item, _) in new.items()}
    for issue in run_checks(merged, repo.load_taxonomy()):
        message = issue.message
        if "\x00" in message:  # another new entry named by its in-memory path: name its .bib line
            for inner, where in shown.items():
                message = message.replace(inner, where)
        by_path.setdefault(issue.path, []).append(dataclasses.replace(issue, path=plan.path, message=message))
    for key, (item, text) in new.items():
        issues = by_path.get(_check_path(plan.path, key), [])
        plan.issues.extend(issues)
        assert item.entry is not None
        if any(i.is_error for i in issues):
            plan.failed.append(Failed(item.bib_key, item.line))
        else:
            plan.new.append(NewEntry(key, item.bib_key, item.line, item.entry, text, repo.entry_file(key)))


def _check_path(path: str, key: str) -> str:
    return f"{path}\x00{key}"


# --------------------------------------------------------------------------- writing


def write_entries(new: list[NewEntry]) -> list[Path]:
    """Create every new file; if one cannot be created, remove the ones this call made."""
    return create_all((item.file, item.text) for item in new)


def import_bibtex(repo: Repository, bib_file: Path, *, source: Source = "curated", skip_invalid: bool = False,
                  dry_run: bool = False, today: dt.date | None = None) -> ImportResult:
    """Import ``bib_file`` into the catalogue of ``repo``.

    All-or-nothing unless ``skip_invalid``: when any entry failed, nothing is written.
    With ``dry_run`` nothing is written either; the plan says what would be.
    """
    plan = plan_import(repo, bib_file, source=source, today=today)
    if dry_run or (plan.failed and not skip_invalid):
        return ImportResult(plan, [], dry_run)
    return ImportResult(plan, write_entries(plan.new), dry_run)
