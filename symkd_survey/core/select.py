"""Choosing catalogue entries by taxonomy labels, years, source and keys.

:func:`resolve_filters` turns what a user typed (taxonomy ids, labels or aliases in any
case, years, sources, keys) into a :class:`Selection`, reporting every unknown value with a
"did you mean"; :func:`select` applies it. Several values of one filter are alternatives
(``--method direct --method multilevel``: either); different filters must all hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import get_args

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.ids import did_you_mean
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.model import Entry, Source
from symkd_survey.core.taxonomy import Taxonomy

SOURCES: tuple[str, ...] = get_args(Source)
SELECTION_FACETS: tuple[str, ...] = ("method", "application", "area")


@dataclass(frozen=True, slots=True)
class Selection:
    """Resolved filters: node ids per facet, inclusive years, sources and keys; empty means any."""

    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sources: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (any(self.labels.values()) or self.sources or self.keys
                    or self.year_from is not None or self.year_to is not None)


def resolve_filters(
    taxonomy: Taxonomy,
    known_keys: Iterable[str],
    *,
    method: Sequence[str] = (),
    application: Sequence[str] = (),
    area: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    source: Sequence[str] = (),
    key: Sequence[str] = (),
    where: str = "symkd",
) -> Selection:
    """Check and resolve the filters; raise :class:`SymkdError` naming every unknown value.

    ``where`` is the path shown in the issues (the command, for the command line).
    """
    issues: list[Issue] = []
    labels: dict[str, frozenset[str]] = {}
    for facet, values in (("method", method), ("application", application), ("area", area)):
        found: set[str] = set()
        for value in values:
            resolution = taxonomy.resolve(facet, value)
            if resolution.canonical is not None:
                found.add(resolution.canonical)
            else:
                issues.append(_unknown(where, facet, value, resolution.suggestion, taxonomy.node_ids(facet)))
        labels[facet] = frozenset(found)
    sources: set[str] = set()
    for value in source:
        if value.lower() in SOURCES:
            sources.add(value.lower())
        else:
            issues.append(_unknown(where, "source", value, did_you_mean(value, SOURCES), SOURCES))
    keys = set(known_keys)
    chosen: set[str] = set()
    for value in key:
        if value in keys:
            chosen.add(value)
        else:
            close = did_you_mean(value, keys)
            issues.append(error("select", where, 0, f"no entry has the key '{value}'",
                                f"did you mean '{close}'?" if close else "see the file names in catalogue/"))
    if year_from is not None and year_to is not None and year_from > year_to:
        issues.append(error("select", where, 0, f"--year-from {year_from} is after --year-to {year_to}",
                            "swap them"))
    if issues:
        raise SymkdError(issues)
    return Selection(labels, year_from, year_to, frozenset(sources), frozenset(chosen))


def _unknown(where: str, facet: str, value: str, close: str | None, known: Sequence[str]) -> Issue:
    hint = f"did you mean '{close}'?" if close else f"known values: {', '.join(known)}"
    return error("select", where, 0, f"unknown {facet} '{value}'", hint)


def matches(entry: Entry, key: str, selection: Selection, taxonomy: Taxonomy) -> bool:
    """Whether one entry passes every filter of ``selection``."""
    if selection.keys and key not in selection.keys:
        return False
    if selection.sources and entry.source not in selection.sources:
        return False
    if selection.year_from is not None and entry.year < selection.year_from:
        return False
    if selection.year_to is not None and entry.year > selection.year_to:
        return False
    for facet, wanted in selection.labels.items():
        if wanted:
            labels = getattr(entry.taxonomy, facet)
            if wanted.isdisjoint(labels) and wanted.isdisjoint(taxonomy.canonical(facet, labels)):
                return False
    return True


def select(items: Iterable[LoadedEntry], selection: Selection, taxonomy: Taxonomy) -> list[LoadedEntry]:
    """The entries that pass ``selection``, sorted by key."""
    chosen = (item for item in items if matches(item.entry, item.key, selection, taxonomy))
    return sorted(chosen, key=lambda item: item.key)
