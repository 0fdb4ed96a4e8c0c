"""Choosing catalogue entries by taxonomy labels, years, source and keys.

:func:`resolve_filters` turns what a user typed (taxonomy ids, labels or aliases in any
case, years, sources, keys) into a :class:`Selection`, reporting every unknown value with a
"did you mean"; :func:`select` applies it. Several values of one filter are alternatives
(``--where FACET=A --where FACET=B``: either); different filters must all hold.
The facets are whatever ``taxonomy.yaml`` declares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import get_args

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.ids import did_you_mean, unknown_key
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.model import Entry, Source
from symkd_survey.core.taxonomy import Taxonomy

SOURCES: tuple[str, ...] = get_args(Source)


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
    where_labels: Sequence[str] = (),
    labels: Mapping[str, Sequence[str]] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Sequence[str] = (),
    key: Sequence[str] = (),
    where: str = "symkd",
) -> Selection:
    """Check and resolve the filters; raise :class:`SymkdError` naming every unknown value.

    ``where_labels`` are ``FACET=VALUE`` texts (``--where``); ``labels`` gives values by facet
    directly. ``where`` is the path shown in the issues (the command, for the command line).
    """
    issues: list[Issue] = []
    wanted: dict[str, list[str]] = {facet: list(values) for facet, values in (labels or {}).items()}
    for text in where_labels:
        facet, equals, value = text.partition("=")
        facet, value = facet.strip(), value.strip()
        if not equals or not facet or not value:
            first = taxonomy.facet_names[0]
            example = next(iter(taxonomy.node_ids(first)), "ID")
            issues.append(error("select", where, 0, f"--where '{text}' is not FACET=VALUE",
                                f"e.g. --where {first}={example}"))
            continue
        wanted.setdefault(facet, []).append(value)
    resolved: dict[str, frozenset[str]] = {}
    for facet, values in wanted.items():
        if facet not in taxonomy.facets:
            issues.append(error("select", where, 0, f"unknown facet '{facet}'", taxonomy.facet_hint(facet)))
            continue
        found: set[str] = set()
        for value in values:
            resolution = taxonomy.resolve(facet, value)
            if resolution.canonical is not None:
                found.add(resolution.canonical)
            else:
                issues.append(_unknown(where, facet, value, resolution.suggestion, taxonomy.node_ids(facet)))
        resolved[facet] = frozenset(found)
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
            issues.append(unknown_key(value, keys, path=where))
    if year_from is not None and year_to is not None and year_from > year_to:
        issues.append(error("select", where, 0, f"--year-from {year_from} is after --year-to {year_to}",
                            "swap them"))
    if issues:
        raise SymkdError(issues)
    return Selection(resolved, year_from, year_to, frozenset(sources), frozenset(chosen))


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
            labels = entry.labels(facet)
            if wanted.isdisjoint(labels) and wanted.isdisjoint(taxonomy.canonical(facet, labels)):
                return False
    return True


def select(items: Iterable[LoadedEntry], selection: Selection, taxonomy: Taxonomy) -> list[LoadedEntry]:
    """The entries that pass ``selection``, sorted by key."""
    chosen = (item for item in items if matches(item.entry, item.key, selection, taxonomy))
    return sorted(chosen, key=lambda item: item.key)
