"""The catalogue entry: one paper, one YAML file, ``catalogue/<key>.yaml``.

This is the contract with contributors. Field names and their order here are the order
in which :func:`entry_to_yaml` writes them. Unknown fields are errors (``extra="forbid"``).

Shape is checked here; meaning (valid ids, URLs, taxonomy labels, citations) is checked in
:mod:`symkd_survey.checks`, so that each problem is reported under its own check name.
Identifiers are normalised on load when they are valid: arXiv ids lose their version,
DOIs lose their resolver prefix and are lower-cased; author names are trimmed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .ids import normalize_arxiv_id, normalize_doi
from .yamlio import dump_mapping

EntryType = Literal[
    "article", "inproceedings", "incollection", "book", "misc", "techreport", "phdthesis", "online",
]
Source = Literal["survey", "curated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Ids(_Strict):
    arxiv: str | None = None
    doi: str | None = None
    acl: str | None = None
    openreview: str | None = None

    @field_validator("arxiv")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        return (normalize_arxiv_id(value) or value) if value else value

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        return (normalize_doi(value) or value) if value else value


class Links(_Strict):
    url: str | None = None
    code: str | None = None
    data: str | None = None
    project: str | None = None
    pdf: str | None = None


class TaxonomyLabels(_Strict):
    method: list[str] = Field(default_factory=list)
    application: list[str] = Field(default_factory=list)
    area: list[str] = Field(default_factory=list)
    opportunity: list[str] = Field(default_factory=list)
    challenge: list[str] = Field(default_factory=list)


class Table3(_Strict):
    """The survey's Table III row, verbatim."""

    method: str
    application: str


class Table4(_Strict):
    """The survey's Table IV row, verbatim."""

    teacher: str
    student: str
    dataset: str
    size: str


class Erratum(_Strict):
    """Where the survey's citation of this work differs from the verified record."""

    field: str
    survey: str
    note: str


class SurveyPlacement(_Strict):
    ref: int | None = None
    sections: list[str] = Field(default_factory=list)
    table3: Table3 | None = None
    table4: Table4 | None = None
    errata: list[Erratum] = Field(default_factory=list)


class Distillation(_Strict):
    teachers: list[str] = Field(default_factory=list)
    students: list[str] = Field(default_factory=list)
    dataset: str | None = None
    size: int | None = Field(default=None, ge=0)


class Acceptance(_Strict):
    """A warning a maintainer has looked at and accepts for this entry, with the reason."""

    check: str = Field(min_length=1)
    reason: str = Field(min_length=10)


class BibtexOverrides(_Strict):
    """Per-entry corrections for cases the export rules get wrong."""

    title: str | None = None
    """The BibTeX title exactly as it should be written, braces included."""


class Entry(_Strict):
    title: str = Field(min_length=1)
    authors: list[str] = Field(min_length=1)
    year: int
    type: EntryType
    venue: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    address: str | None = None
    note: str | None = None
    ids: Ids = Field(default_factory=Ids)
    primary_class: str | None = None
    links: Links = Field(default_factory=Links)
    taxonomy: TaxonomyLabels = Field(default_factory=TaxonomyLabels)
    survey: SurveyPlacement | None = None
    distillation: Distillation | None = None
    summary: str | None = None
    abstract: str | None = None
    cites: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    """Works outside the catalogue that this paper cites, as ``arxiv:ID`` or ``doi:DOI``."""
    bibtex: BibtexOverrides | None = None
    accept: list[Acceptance] = Field(default_factory=list)
    """Warnings (never errors) accepted for this entry, e.g. a legitimate citation cycle."""
    source: Source
    verified: bool = True
    verification_note: str | None = None
    added: dt.date

    @field_validator("authors")
    @classmethod
    def _trim_authors(cls, value: list[str]) -> list[str]:
        return [" ".join(name.split()) for name in value]

    @field_validator("verified", mode="before")
    @classmethod
    def _boolean(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value in ("true", "false"):
                return value == "true"
            raise ValueError("write true or false")
        return value

    @field_validator("added", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError("write a real date as YYYY-MM-DD") from None
        return value


ENTRY_FIELDS: tuple[str, ...] = tuple(Entry.model_fields)
_ALWAYS_WRITTEN = frozenset({"taxonomy"})
_BLOCK = frozenset({"authors", "cites", "references", "taxonomy", "accept"})


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
