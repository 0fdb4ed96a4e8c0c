"""The one identity of a work, used wherever "is this the same paper?" is decided: validation
(duplicates), ``symkd import``, ``symkd add`` and ``from-issue``, the renames ``symkd diff``
reports, the references Semantic Scholar lists, and the citation graph's ``identities``.

Identifiers first: the same arXiv id (ignoring version; arXiv's own DOI ``10.48550/arXiv.ID``
is that id), DOI (ignoring case and resolver) or ACL Anthology id is the same work. A title
alone is not an identity ("Editorial", "Letters", a 1957 book and a 1966 article of one name):
the same normalised title counts only with a compatible year (at most one apart, for a preprint
and its publication) and the same first author's family name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi, normalize_title
from symkd_survey.core.model import Entry
from symkd_survey.core.names import Name

ARXIV = "arXiv id"
DOI = "DOI"
ACL = "ACL id"
TITLE = "title"
IDENTITY_LOCATIONS: dict[str, tuple[str, ...]] = {ARXIV: ("ids", "arxiv"), DOI: ("ids", "doi"), ACL: ("ids", "acl"),
                                                   TITLE: ("title",)}
"""Where in an entry each kind of identity is written (an arXiv id read from arXiv's DOI is
written under ``ids.doi``; a position falls back to ``ids`` then)."""

_ARXIV_DOI_PREFIX = "10.48550/arxiv."
_OLD_ACL_ID = re.compile(r"[A-Za-z][0-9]{2}-[0-9]{4}")

Probe = tuple[str, str]
"""``(what, value)``: one identity of a work, e.g. ``("arXiv id", "2110.07178")``."""


def normalize_acl_id(text: str) -> str | None:
    """An ACL Anthology id as the Anthology writes it: old style upper case (P19-1001), new
    style lower case (2022.naacl-main.341); None for an empty value.

    >>> normalize_acl_id(" p19-1001 "), normalize_acl_id("2022.NAACL-main.341"), normalize_acl_id(" ")
    ('P19-1001', '2022.naacl-main.341', None)
    """
    value = text.strip()
    if not value:
        return None
    return value.upper() if _OLD_ACL_ID.fullmatch(value) else value.lower()


def id_probes(*, arxiv: str | None = None, doi: str | None = None, acl: str | None = None) -> list[Probe]:
    """The identities given by identifiers, in the order they are tried: the arXiv id (without
    version; arXiv's own DOI counts as its arXiv id), the DOI (lower case, no resolver), the
    ACL id. Values that are not identifiers of their kind are left out.

    >>> id_probes(arxiv="2110.07178v2", doi="https://doi.org/10.48550/arXiv.2110.07178")
    [('arXiv id', '2110.07178')]
    >>> id_probes(doi="10.18653/V1/P19-1470", acl="p19-1470")
    [('DOI', '10.18653/v1/p19-1470'), ('ACL id', 'P19-1470')]
    """
    probes: list[Probe] = []
    if arxiv and (arxiv_id := normalize_arxiv_id(arxiv)):
        probes.append((ARXIV, arxiv_id))
    if doi and (doi_value := normalize_doi(doi)):
        from_doi = normalize_arxiv_id(doi_value[len(_ARXIV_DOI_PREFIX):]) \
            if doi_value.startswith(_ARXIV_DOI_PREFIX) else None
        probes.append((ARXIV, from_doi) if from_doi else (DOI, doi_value))
    if acl and (acl_id := normalize_acl_id(acl)):
        probes.append((ACL, acl_id))
    return list(dict.fromkeys(probes))


def identity_probes(entry: Entry) -> list[Probe]:
    """What makes two entries the same paper: the :func:`id_probes` of its ids, then its
    normalised title (which counts only with the year and first author: :class:`SameWorkIndex`)."""
    probes = id_probes(arxiv=entry.ids.arxiv, doi=entry.ids.doi, acl=entry.ids.acl)
    if title := normalize_title(entry.title):
        probes.append((TITLE, title))
    return probes


def normalize_reference(text: str) -> str | None:
    """A reference to a work (``arxiv:ID`` or ``doi:DOI``, the form of an entry's
    ``references``) in one canonical spelling, or None.

    arXiv ids lose their version; DOIs are lower-cased; arXiv's own DOIs (10.48550/arXiv.ID)
    become arXiv ids, so that the same preprint is one work whichever way it is cited.

    >>> normalize_reference("arxiv:2110.07178v2"), normalize_reference("doi:10.48550/arXiv.2110.07178")
    ('arxiv:2110.07178', 'arxiv:2110.07178')
    >>> normalize_reference("doi:10.18653/V1/2022.NAACL-MAIN.341"), normalize_reference("isbn:123")
    ('doi:10.18653/v1/2022.naacl-main.341', None)
    """
    kind, _, value = text.strip().partition(":")
    if kind.lower() == "arxiv":
        probes = id_probes(arxiv=value)
    elif kind.lower() == "doi":
        probes = id_probes(doi=value)
    else:
        return None
    return reference_of(probes[0]) if probes else None


def reference_of(probe: Probe) -> str | None:
    """A probe in the form of ``references`` (``arxiv:ID``, ``doi:DOI``); None for other kinds."""
    what, value = probe
    return f"arxiv:{value}" if what == ARXIV else f"doi:{value}" if what == DOI else None


def entry_references(entry: Entry) -> list[str]:
    """The references by which other works can name this entry (``arxiv:ID``, ``doi:DOI``),
    canonical, each once: its arXiv id, then its DOI (arXiv's own DOI is its arXiv id)."""
    found = (reference_of(probe) for probe in id_probes(arxiv=entry.ids.arxiv, doi=entry.ids.doi))
    return [ref for ref in found if ref is not None]


def first_family(entry: Entry) -> str:
    """The first author's family name, normalised (``"Le Bras, Ronan"`` -> ``"le bras"``)."""
    return normalize_title(Name.parse(entry.authors[0]).family) if entry.authors else ""


class SameWorkIndex:
    """One identity of a work: the same arXiv id, DOI or ACL id, or else the same normalised
    title with a compatible year (at most one apart: preprint and publication) and the same first
    author's family name. A title alone ("Editorial", "Letters") is not a work's identity.

    Each identity keeps the first key added with it.
    """

    def __init__(self) -> None:
        self.ids: dict[Probe, str] = {}
        self.titles: dict[str, list[tuple[str, int, str]]] = {}

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Entry]]) -> SameWorkIndex:
        """An index of ``(key, entry)`` pairs, added in their order."""
        index = cls()
        for key, entry in entries:
            index.add(key, entry)
        return index

    def add(self, key: str, entry: Entry) -> None:
        for what, value in identity_probes(entry):
            if what == TITLE:
                self.titles.setdefault(value, []).append((key, entry.year, first_family(entry)))
            else:
                self.ids.setdefault((what, value), key)

    def find_ids(self, probes: list[Probe]) -> tuple[Probe, str] | None:
        """``(probe, key)`` of the first of the identifier ``probes`` (:func:`id_probes`) that
        a work of the index has, or ``None``: for a work known only by identifiers (a reference,
        an issue form's arXiv id or DOI)."""
        for probe in probes:
            if probe[0] != TITLE and probe in self.ids:
                return probe, self.ids[probe]
        return None

    def find(self, entry: Entry) -> tuple[Probe, str] | None:
        """``((what, value), key)`` of the work ``entry`` repeats, or ``None``."""
        probes = identity_probes(entry)
        found = self.find_ids(probes)
        if found is not None:
            return found
        family = first_family(entry)
        for what, value in probes:
            if what != TITLE:
                continue
            for key, year, other in self.titles.get(value, []):
                if abs(year - entry.year) <= 1 and other == family:
                    return (what, value), key
        return None
