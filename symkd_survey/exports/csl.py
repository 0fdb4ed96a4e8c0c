"""Catalogue entries as CSL-JSON, the data format of Zotero, Pandoc and citeproc.

Each entry becomes one item of the CSL data schema (``csl-data.json``, CSL 1.0.2): ``id`` is
the catalogue key; text stays plain Unicode (no LaTeX); names are ``{family, given}`` or,
for a corporate author, ``{literal}``. arXiv preprints are ``article`` items with
``number: "arXiv:ID"`` (the form Zotero and Pandoc use); every arXiv id, ACL Anthology id
and OpenReview id is also kept under ``custom``, the schema's place for data without a
CSL variable. CSL has no variable for an incomplete author list (a style writes "et al." by
its own rules, from the names it has), so an entry's ``more_authors`` writes nothing: no name,
no ``custom`` value (whose values here are strings, the ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.model import Entry
from symkd_survey.core.names import OTHERS, Name

CSL_TYPES: dict[str, str] = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "incollection": "chapter",
    "book": "book",
    "techreport": "report",
    "phdthesis": "thesis",
    "online": "webpage",
    "misc": "document",
}
"""The CSL type of each catalogue type; a ``misc`` entry with an arXiv id and no venue is an
``article`` (a preprint)."""


def csl_name(name: str) -> dict[str, str]:
    """One author as a CSL name (:meth:`symkd_survey.core.names.Name.csl`).

    >>> csl_name("Le Bras, Ronan"), csl_name("OpenAI")
    ({'family': 'Le Bras', 'given': 'Ronan'}, {'literal': 'OpenAI'})
    """
    return Name.parse(name).csl()


def csl_type(entry: Entry) -> str:
    if entry.type == "misc" and entry.ids.arxiv and entry.venue is None:
        return "article"
    return CSL_TYPES[entry.type]


def to_csl(key: str, entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON item (variables in a fixed order, empty ones left out)."""
    kind = csl_type(entry)
    item: dict[str, Any] = {"id": key, "type": kind, "title": entry.title}
    # "others" is BibTeX's "and others"; CSL styles add "et al." themselves.
    item["author"] = [csl_name(name) for name in entry.authors if name != OTHERS]
    item["issued"] = {"date-parts": [[entry.year]]}
    venue, publisher = entry.venue, entry.publisher
    if kind in ("report", "thesis"):  # the institution or school publishes it
        venue, publisher = None, entry.venue or entry.publisher
    pages = entry.pages.replace("--", "-") if entry.pages else None
    optional = (("container-title", venue), ("volume", entry.volume), ("issue", entry.number), ("page", pages),
                ("publisher", publisher), ("publisher-place", entry.address))
    for name, value in optional:
        if value:
            item[name] = value
    if kind == "thesis":
        item["genre"] = "PhD thesis"
    if entry.ids.arxiv and kind == "article":
        item["number"] = f"arXiv:{entry.ids.arxiv}"
    if entry.ids.doi:
        item["DOI"] = entry.ids.doi
    if entry.links.url:
        item["URL"] = entry.links.url
    if entry.note:
        item["note"] = entry.note
    custom = {name: value for name, value in (("arxiv", entry.ids.arxiv), ("arxiv_primary_class", entry.primary_class),
                                              ("acl", entry.ids.acl), ("openreview", entry.ids.openreview)) if value}
    if custom:
        item["custom"] = custom
    return item


def export_csl(items: Iterable[LoadedEntry]) -> str:
    """The entries as a CSL-JSON array, sorted by key, one item per line (readable diffs)."""
    lines = [json.dumps(to_csl(item.key, item.entry), ensure_ascii=False)
             for item in sorted(items, key=lambda i: i.key)]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"
