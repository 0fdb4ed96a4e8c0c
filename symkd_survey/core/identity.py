"""The one identity of a work, used wherever "is this the same paper?" is decided: validation
(duplicates), ``symkd import`` and ``symkd add``.

Identifiers first: the same arXiv id (ignoring version) or DOI (ignoring case and resolver) is
the same work. A title alone is not an identity ("Editorial", "Letters", a 1957 book and a
1966 article of one name): the same normalised title counts only with a compatible year (at
most one apart, for a preprint and its publication) and the same first author's family name.
"""

from __future__ import annotations

from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi, normalize_title
from symkd_survey.core.model import Entry

IDENTITY_LOCATIONS: dict[str, tuple[str, ...]] = {"arXiv id": ("ids", "arxiv"), "DOI": ("ids", "doi"),
                                                   "title": ("title",)}


def identity_probes(entry: Entry) -> list[tuple[str, str]]:
    """What makes two entries the same paper: ``(what, value)`` for the arXiv id (without
    version), the DOI (lower case, no resolver) and the normalised title, in that order."""
    probes: list[tuple[str, str]] = []
    if entry.ids.arxiv and (arxiv := normalize_arxiv_id(entry.ids.arxiv)):
        probes.append(("arXiv id", arxiv))
    if entry.ids.doi and (doi := normalize_doi(entry.ids.doi)):
        probes.append(("DOI", doi))
    if title := normalize_title(entry.title):
        probes.append(("title", title))
    return probes


def _first_family(entry: Entry) -> str:
    return normalize_title(entry.authors[0].split(",")[0]) if entry.authors else ""


class SameWorkIndex:
    """One identity of a work: the same arXiv id or DOI, or else the same normalised title
    with a compatible year (at most one apart: preprint and publication) and the same first
    author's family name. A title alone ("Editorial", "Letters") is not a work's identity.

    """

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}
        self.titles: dict[str, list[tuple[str, int, str]]] = {}

    def add(self, key: str, entry: Entry) -> None:
        for what, value in identity_probes(entry):
            if what == "title":
                self.titles.setdefault(value, []).append((key, entry.year, _first_family(entry)))
            else:
                self.ids.setdefault((what, value), key)

    def find(self, entry: Entry) -> tuple[tuple[str, str], str] | None:
        """``((what, value), key)`` of the work ``entry`` repeats, or ``None``."""
        probes = identity_probes(entry)
        for probe in probes:
            if probe[0] != "title" and probe in self.ids:
                return probe, self.ids[probe]
        family = _first_family(entry)
        for what, value in probes:
            if what != "title":
                continue
            for key, year, other in self.titles.get(value, []):
                if abs(year - entry.year) <= 1 and other == family:
                    return (what, value), key
        return None


