"""``symkd refresh``: compare entries with arXiv's current metadata, show the difference as a
unified diff, and apply it only when asked (``write=True``).

Only bibliographic fields are ever touched, never taxonomy, survey placement, summary,
distillation or citations:

- ``ids.doi``: set when arXiv has a DOI and the entry has none, or only arXiv's own DataCite
  DOI (``10.48550/arxiv.*``): a preprint that has since been published. A publisher DOI
  already in the entry is never replaced.
- ``primary_class``: arXiv's primary category (the record is authoritative for it).
- ``title``, ``authors`` and ``note``: only for ``type: misc`` entries, whose metadata is
  arXiv's own. The title is compared as ``symkd add`` writes it, decoded from arXiv's TeX
  (:func:`~symkd_survey.sources.adding.arxiv_title`). When it changes, ``bibtex.title``
  follows: arXiv's TeX where the text is not exact (``$O(n^2)$``), otherwise no override (an
  override of the old title would export a title that is no longer the paper's); an unchanged
  title keeps its override, and gets arXiv's TeX as one if it needs one and has none. A
  published entry (``inproceedings``, ``article``...) follows its venue's record, which may
  differ from arXiv's on purpose. An author whose name reads the same in display order ("Le
  Paine, Tom" and arXiv's "Tom Le Paine") keeps the entry's spelling, so a family name that
  cannot be split from "Given Family" alone is never re-split. The note becomes arXiv's
  journal reference once there is one; a preprint note keeps its form.

Versions are not stored (ids are kept without version); the latest version is reported in
the diff header. The diff is between the file as it is and the canonical text that ``write``
puts in its place (atomically).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symkd_survey.core.catalogue import LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.ids import unknown_key
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.model import BibtexOverrides, Entry, entry_to_data, entry_to_yaml
from symkd_survey.core.yamlio import parse_mapping
from symkd_survey.sources.adding import (
    arxiv_authors,
    arxiv_doi,
    arxiv_title,
    collapse,
    given_family,
    preprint_note,
)
from symkd_survey.sources.arxiv_client import ArxivClient, MissingIdsError, network_issue
from symkd_survey.sources.arxiv_feed import short_id
from symkd_survey.sources.network_errors import NetworkError

CACHE_NAMESPACE = "arxiv-refresh"
_ARXIV_DATACITE_PREFIX = "10.48550/arxiv."


@dataclass(slots=True)
class Change:
    key: str
    path: Path
    display: str
    versioned_id: str
    old_text: str
    new_text: str

    @property
    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.old_text.splitlines(keepends=True), self.new_text.splitlines(keepends=True),
            fromfile=self.display, tofile=f"{self.display} (arXiv {self.versioned_id})",
        ))


@dataclass(slots=True)
class RefreshResult:
    checked: int
    changes: list[Change]
    written: bool


def refreshed_entry(entry: Entry, result: Any, arxiv_id: str) -> Entry:
    """``entry`` with its bibliographic fields brought up to date from an ``arxiv.Result``."""
    update: dict[str, Any] = {}
    primary = collapse(result.primary_category)
    if primary is not None:
        update["primary_class"] = primary
    doi = arxiv_doi(result)
    current = entry.ids.doi
    if doi is not None and (current is None or current.lower().startswith(_ARXIV_DATACITE_PREFIX)):
        update["ids"] = entry.ids.model_copy(update={"doi": doi})
    if entry.type == "misc":
        update.update(_title(entry, result.title))
        authors = _authors(entry.authors, result)
        if authors and authors != entry.authors:
            update["authors"] = authors
        journal_ref = collapse(result.journal_ref)
        if journal_ref is not None:
            update["note"] = journal_ref
        elif entry.note is None or entry.note.startswith("arXiv preprint"):
            update["note"] = preprint_note(arxiv_id)
    return entry.model_copy(update=update)


def _title(entry: Entry, raw: str) -> dict[str, Any]:
    """The ``title`` and ``bibtex`` updates for arXiv's title ``raw`` (see the module's text)."""
    title = arxiv_title(raw)
    if not title.text:
        return {}
    if title.text != entry.title:
        return {"title": title.text, "bibtex": _with_title(entry.bibtex, title.latex)}
    if title.latex is not None and (entry.bibtex is None or entry.bibtex.title is None):
        return {"bibtex": _with_title(entry.bibtex, title.latex)}
    return {}


def _with_title(overrides: BibtexOverrides | None, latex: str | None) -> BibtexOverrides | None:
    """``overrides`` with ``title`` set to ``latex`` (other overrides kept); None when empty."""
    updated = (overrides or BibtexOverrides()).model_copy(update={"title": latex})
    return None if updated == BibtexOverrides() else updated


def _authors(current: list[str], result: Any) -> list[str]:
    fresh = arxiv_authors(result)
    names = [" ".join(author.name.split()) for author in result.authors if author.name.strip()]
    authors: list[str] = []
    for index, (name, new) in enumerate(zip(names, fresh, strict=True)):
        old = current[index] if index < len(current) else None
        authors.append(old if old is not None and given_family(old) == name else new)
    return authors


def _select(repo: Repository, keys: Sequence[str]) -> list[LoadedEntry]:
    catalogue = load_catalogue(repo)
    issues: list[Issue] = list(catalogue.issues)
    if not keys:
        chosen = [item for item in catalogue if item.entry.ids.arxiv]
    else:
        chosen = []
        for key in dict.fromkeys(keys):
            item = catalogue.entries.get(key)
            if item is None:
                issues.append(unknown_key(key, catalogue.entries, path="symkd refresh",
                                          hint="give catalogue keys (file names)"))
            elif not item.entry.ids.arxiv:
                issues.append(error("refresh", item.path, 0, f"'{key}' has no arXiv id; nothing to refresh"))
            else:
                chosen.append(item)
    if issues:
        raise SymkdError(issues)
    return chosen


def refresh(repo: Repository, keys: Sequence[str], client: ArxivClient, *, write: bool = False,
            today: dt.date | None = None) -> RefreshResult:
    """Compare entries (``keys``, or every entry with an arXiv id) with arXiv; write with ``write``.

    Answers are cached for the day (so that ``refresh`` then ``refresh --write`` applies exactly
    what was shown, with one request), never longer.
    """
    chosen = _select(repo, keys)
    by_id = {str(item.entry.ids.arxiv): item for item in chosen}
    day = (today or dt.date.today()).isoformat()
    try:
        results = client.fetch(by_id, cache_namespace=CACHE_NAMESPACE, cache_tag=day)
    except MissingIdsError as exc:
        raise SymkdError([
            error("arxiv-missing", by_id[i].path, by_id[i].line("ids", "arxiv"), f"arXiv has no paper with id {i}",
                  "check the id; a withdrawn paper keeps its record, so the id is probably wrong")
            for i in exc.missing
        ]) from None
    except NetworkError as exc:
        raise SymkdError([network_issue(exc)]) from None
    changes: list[Change] = []
    for arxiv_id, item in by_id.items():
        result = results[arxiv_id]
        new = refreshed_entry(item.entry, result, arxiv_id)
        if entry_to_data(new) == entry_to_data(item.entry):
            continue
        file = repo.entry_file(item.key)
        parsed = short_id(result)
        versioned = f"{arxiv_id}v{parsed[1]}" if parsed and parsed[1] else arxiv_id
        changes.append(Change(item.key, file, item.path, versioned, file.read_text(encoding="utf-8"),
                              entry_to_yaml(new)))
    changes.sort(key=lambda change: change.key)
    if write:
        _write(changes, repo.entry_model())
    return RefreshResult(len(by_id), changes, write)


def _write(changes: Sequence[Change], model: type[Entry] = Entry) -> None:
    """Check every new text and that no file changed meanwhile; then write them all."""
    issues: list[Issue] = []
    for change in changes:
        doc, problems = parse_mapping(change.new_text, change.display)
        issues.extend(problems)
        if doc is not None:
            model.model_validate(doc.data)
        if change.path.read_text(encoding="utf-8") != change.old_text:
            issues.append(error("refresh", change.display, 0, "the file changed while refreshing; nothing was written",
                                "run 'symkd refresh' again"))
    if issues:
        raise SymkdError(issues)
    for change in changes:
        atomic_write(change.path, change.new_text)
