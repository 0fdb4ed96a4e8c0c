"""RIS (EndNote, Zotero, Mendeley, reference managers at large): one record per entry.

Written with ``rispy``, the maintained RIS reader and writer, from the same entry model as
every other export. RIS is line-based; the text rule (:mod:`symkd_survey.core.text`) already keeps
line breaks out of every field that RIS writes on one line. RIS has no tag for an incomplete
author list, and an ``AU`` line of "et al." would be read as a person: an entry's
``more_authors`` becomes the note :data:`MORE_AUTHORS_NOTE` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rispy

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.model import Entry
from symkd_survey.core.names import Name

MORE_AUTHORS_NOTE = "More authors than listed (et al.)."
"""The ``N1`` note of an entry whose author list is incomplete (``more_authors``)."""

_TYPES = {"article": "JOUR", "inproceedings": "CPAPER", "incollection": "CHAP", "book": "BOOK",
          "techreport": "RPRT", "phdthesis": "THES", "online": "ELEC", "misc": "GEN"}


def ris_record(key: str, entry: Entry) -> dict[str, Any]:
    """The rispy record of one entry (its keys are rispy's names for the RIS tags).

    >>> from symkd_survey.core.model import Entry
    >>> record = ris_record("x2023", Entry(title="T", authors=["Doe, Jane"], year=2023, type="article",
    ...                     venue="J", pages="3--9", ids={"doi": "10.1/x"}, source="curated", added="2026-01-01"))
    >>> record["type_of_reference"], record["authors"], record["start_page"], record["end_page"]
    ('JOUR', ['Doe, Jane'], '3', '9')
    """
    authors = [Name.parse(name).ris() for name in entry.authors]
    record: dict[str, Any] = {"type_of_reference": _TYPES.get(entry.type, "GEN"), "id": key,
                              "title": entry.title, "authors": authors, "year": str(entry.year)}
    if entry.venue:
        record["secondary_title"] = entry.venue
    for name, value in (("volume", entry.volume), ("number", entry.number), ("publisher", entry.publisher),
                        ("place_published", entry.address), ("doi", entry.ids.doi)):
        if value:
            record[name] = value
    if entry.pages:
        first, _, last = entry.pages.partition("--")
        record["start_page"] = first
        if last:
            record["end_page"] = last
    urls = [url for url in (entry.links.url, f"https://arxiv.org/abs/{entry.ids.arxiv}" if entry.ids.arxiv else None,
                            f"https://aclanthology.org/{entry.ids.acl}" if entry.ids.acl else None) if url]
    if urls:
        record["urls"] = urls
    notes = [f"arXiv:{entry.ids.arxiv}"] if entry.ids.arxiv else []
    if entry.note:
        notes.append(entry.note)
    if entry.more_authors:
        notes.append(MORE_AUTHORS_NOTE)
    if notes:
        record["notes"] = notes
    return record


class _Writer(rispy.RisWriter):  # type: ignore[misc]  # rispy is untyped
    """rispy's writer without the ``1.`` line it puts before each record by default, which
    EndNote and Zotero skip but stricter readers do not expect."""

    def set_header(self, count: int) -> str:
        return ""


def export_ris(items: Iterable[LoadedEntry]) -> str:
    """The entries as one RIS text, sorted by key."""
    records = [ris_record(item.key, item.entry) for item in sorted(items, key=lambda i: i.key)]
    return str(rispy.dumps(records, implementation=_Writer)) if records else ""
