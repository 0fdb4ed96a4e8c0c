"""The catalogue entry: one paper, one YAML file, ``catalogue/<key>.yaml``.

This is the contract with contributors. Field names and their order here are the order
in which :func:`entry_to_yaml` writes them. Unknown fields are errors (``extra="forbid"``).

Shape is checked here; meaning (valid ids, URLs, taxonomy labels, citations) is checked in
:mod:`symkd_survey.checking.checks`, so that each problem is reported under its own check name.
Identifiers are normalised on load when they are valid: arXiv ids lose their version,
DOIs lose their resolver prefix and are lower-cased; author names are trimmed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi
from symkd_survey.core.text import (
    MAX_ITEMS,
    Abstract,
    IdText,
    Label,
    Name,
    Note,
    Reason,
    Short,
    Summary,
    Title,
    Url,
    VenueText,
)
from symkd_survey.core.yamlio import dump_mapping

EntryType = Literal[
    "article", "inproceedings", "incollection", "book", "misc", "techreport", "phdthesis", "online",
]
Source = Literal["survey", "curated"]


_YEAR_RE = re.compile(r"[0-9]{4}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _DATE_RE.fullmatch(value):
            raise ValueError("write a real date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("write a real date as YYYY-MM-DD") from None
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date written ``"YYYY-MM-DD"`` (no week dates, no times)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Ids(_Strict):
    arxiv: IdText | None = None
    doi: IdText | None = None
    acl: IdText | None = None
    openreview: IdText | None = None

    @field_validator("arxiv")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        return (normalize_arxiv_id(value) or value) if value else value

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        return (normalize_doi(value) or value) if value else value


class Links(_Strict):
    url: Url | None = None
    code: Url | None = None
    data: Url | None = None
    project: Url | None = None
    pdf: Url | None = None


class TaxonomyLabels(_Strict):
    method: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    application: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    area: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    opportunity: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    challenge: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)


class Table3(_Strict):
    """The survey's Table III row, verbatim."""

    method: Short
    application: Short


class Table4(_Strict):
    """The survey's Table IV row, verbatim."""

    teacher: Short
    student: Short
    dataset: Short
    size: Short


class Erratum(_Strict):
    """Where the survey's citation of this work differs from the verified record."""

    field: Label
    survey: Note
    note: Note


class SurveyPlacement(_Strict):
    ref: int | None = None
    sections: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    table3: Table3 | None = None
    table4: Table4 | None = None
    errata: list[Erratum] = Field(default_factory=list)


class Distillation(_Strict):
    teachers: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    students: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS)
    dataset: Short | None = None
    size: int | None = Field(default=None, ge=0)


ReferenceListState = Literal["complete", "partial", "not-found", "none", "unread"]


class ReferenceList(_Strict):
    """What is known of this work's own reference list, so that "cites nothing in the catalogue"
    can be told from "nobody has read its references yet"."""

    state: ReferenceListState
    """``complete`` (read to the end), ``partial`` (part of it read), ``not-found`` (no copy
    found to read), ``none`` (the work has no reference list: a blog post, a repository),
    ``unread`` (not looked for yet)."""
    version: Short | None = None
    """Which copy was read, e.g. ``arXiv v2`` or ``ACL camera-ready``."""
    read: Date | None = None
    """When it was read or looked for."""
    note: Note | None = None


RecordKind = Literal["arxiv-abs", "arxiv-fulltext", "acl-anthology", "openreview", "publisher", "proceedings",
                     "other-page"]


class Verification(_Strict):
    """One primary record the bibliographic facts were checked against."""

    record: RecordKind
    url: Url
    checked: Date


class Acceptance(_Strict):
    """A warning a maintainer has looked at and accepts for this entry, with the reason."""

    check: Label = Field(min_length=1)
    reason: Reason = Field(min_length=10)


class BibtexOverrides(_Strict):
    """Per-entry corrections for cases the export rules get wrong."""

    title: Note | None = None
    """The BibTeX title exactly as it should be written, braces included."""


class Entry(_Strict):
    title: Title = Field(min_length=1)
    authors: list[Name] = Field(min_length=1, max_length=MAX_ITEMS)
    year: int
    type: EntryType
    venue: VenueText | None = None
    volume: IdText | None = None
    number: IdText | None = None
    pages: IdText | None = None
    publisher: VenueText | None = None
    address: VenueText | None = None
    note: Note | None = None
    ids: Ids = Field(default_factory=Ids)
    primary_class: Label | None = None
    links: Links = Field(default_factory=Links)
    taxonomy: TaxonomyLabels = Field(default_factory=TaxonomyLabels)
    survey: SurveyPlacement | None = None
    distillation: Distillation | None = None
    summary: Summary | None = None
    abstract: Abstract | None = None
    cites: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS)
    references: list[IdText] = Field(default_factory=list, max_length=MAX_ITEMS)
    """Works outside the catalogue that this paper cites, as ``arxiv:ID`` or ``doi:DOI``."""
    reference_list: ReferenceList | None = None
    bibtex: BibtexOverrides | None = None
    accept: list[Acceptance] = Field(default_factory=list, max_length=100)
    """Warnings (never errors) accepted for this entry, e.g. a legitimate citation cycle."""
    source: Source
    verified: bool = True
    verification_note: Note | None = None
    verification: list[Verification] = Field(default_factory=list, max_length=20)
    """The primary records the facts were checked against, with the date."""
    label_reasons: dict[Label, Reason] = Field(default_factory=dict, max_length=20)
    """Why a facet's labels were chosen (``method``), or why a borderline work is in scope (``scope``)."""
    added: Date

    @field_validator("authors")
    @classmethod
    def _trim_authors(cls, value: list[str]) -> list[str]:
        return [" ".join(name.split()) for name in value]

    @field_validator("year", mode="before")
    @classmethod
    def _four_digits(cls, value: Any) -> Any:
        if isinstance(value, str) and not _YEAR_RE.fullmatch(value):
            raise ValueError("write the year as four digits")
        return value

    @field_validator("verified", mode="before")
    @classmethod
    def _boolean(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value in ("true", "false"):
                return value == "true"
            raise ValueError("write true or false")
        return value


ENTRY_FIELDS: tuple[str, ...] = tuple(Entry.model_fields)
_ALWAYS_WRITTEN = frozenset({"taxonomy"})
_BLOCK = frozenset({"authors", "cites", "references", "taxonomy", "accept", "verification"})


def _prune(value: Any) -> Any:
    """Drop None, empty collections and default-valued flags from a dumped model."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The entry as plain data in canonical field order, without empty fields."""
    raw = entry.model_dump(mode="json")
    data: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        value = raw[name]
        if name == "verified" and value is True:
            continue
        if name in _ALWAYS_WRITTEN:
            data[name] = value
            continue
        value = _prune(value)
        if value not in (None, [], {}):
            data[name] = value
    return data


def entry_to_yaml(entry: Entry) -> str:
    """The canonical text of a catalogue file."""
    return dump_mapping(entry_to_data(entry), block=_BLOCK)
