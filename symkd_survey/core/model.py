"""The catalogue entry: one paper, one YAML file, ``catalogue/<key>.yaml``.

This is the contract with contributors. Field names and their order here are the order
in which :func:`entry_to_yaml` writes them. Unknown fields are errors (``extra="forbid"``).
A catalogue's extension (:mod:`symkd_survey.core.extension`) may add blocks of its own by
subclassing :class:`Entry`; they are written right after ``taxonomy``.

Shape is checked here; meaning (valid ids, URLs, taxonomy labels, citations) is checked in
:mod:`symkd_survey.checking.checks`, so that each problem is reported under its own check name.
Identifiers are normalised on load when they are valid: arXiv ids lose their version,
DOIs lose their resolver prefix and are lower-cased; author names are trimmed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi
from symkd_survey.core.text import (
    MAX_ITEMS,
    Abstract,
    IdText,
    Label,
    NameText,
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


class Strict(BaseModel):
    """The base of every block of an entry file: unknown fields are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Ids(Strict):
    """The work's identifiers in the registries that have it."""

    arxiv: IdText | None = Field(default=None, description=(
        "The arXiv id, without version: `2310.11511` (a version such as `v3` is dropped on load)."))
    doi: IdText | None = Field(default=None, description=(
        "The DOI, lower-case and without `https://doi.org/`: `10.18653/v1/2022.naacl-main.341` "
        "(both are normalised on load)."))
    acl: IdText | None = Field(default=None, description="The ACL Anthology id: `2022.naacl-main.341`.")
    openreview: IdText | None = Field(default=None, description="The OpenReview forum id: `hSyW5go0v8`.")

    @field_validator("arxiv")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        return (normalize_arxiv_id(value) or value) if value else value

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        return (normalize_doi(value) or value) if value else value


class Links(Strict):
    """Where to find the work and what it released; every link is an absolute `http(s)` URL."""

    url: Url | None = Field(default=None, description="The work's own page, when no id above leads to it.")
    code: Url | None = Field(default=None, description="The released code: `https://github.com/owner/repo`.")
    data: Url | None = Field(default=None, description="The released data set.")
    project: Url | None = Field(default=None, description="The project's home page.")
    pdf: Url | None = Field(default=None, description="The full text as PDF.")


TaxonomyLabels = dict[Label, Annotated[list[Label], Field(max_length=MAX_ITEMS)]]
"""An entry's labels: facet -> node ids. The facets are those ``taxonomy.yaml`` declares, checked
against it by validation (:mod:`symkd_survey.checking.checks`), not fixed here."""


ReferenceListState = Literal["complete", "partial", "not-found", "none", "unread"]


class ReferenceList(Strict):
    """What is known of this work's own reference list, so that "cites nothing in the catalogue"
    can be told from "nobody has read its references yet"."""

    state: ReferenceListState = Field(description=(
        "`complete` (read to the end), `partial` (part of it read, e.g. a damaged copy), `not-found` (no copy "
        "found to read), `none` (the work has no reference list: a blog post, a repository) or `unread` (not "
        'looked for yet). Unless it was read, the site says "reference list not yet read" instead of "Cites (0)".'))
    version: Short | None = Field(default=None, description="Which copy was read: `arXiv v2`, `ACL camera-ready`.")
    read: Date | None = Field(default=None, description='When it was read or looked for: `"2024-05-31"`.')
    note: Note | None = Field(default=None, description="Anything else a later reader should know about the reading.")


RecordKind = Literal["arxiv-abs", "arxiv-fulltext", "acl-anthology", "openreview", "publisher", "proceedings",
                     "authors-release", "other-page"]
PRIMARY_RECORDS: frozenset[str] = frozenset(get_args(RecordKind)) - {"other-page"}
"""The kinds of record that are the work's own (every kind but a third-party page)."""


class Verification(Strict):
    """One primary record the bibliographic facts were checked against."""

    record: RecordKind = Field(description=(
        "The kind of record: `arxiv-abs`, `arxiv-fulltext` (the paper's own text), `acl-anthology`, `openreview`, "
        "`publisher`, `proceedings`, `authors-release` (the authors' own release where that is the work's only form: "
        "a blog post, a repository, a model card) or `other-page` (a third-party copy or listing, not a primary "
        "record)."))
    url: Url = Field(description="The record's address, an absolute `http(s)` URL.")
    checked: Date = Field(description='The date the facts were checked against it: `"2024-05-31"`.')


class Acceptance(Strict):
    """A warning a maintainer has looked at and accepts for this entry, with the reason."""

    check: Label = Field(min_length=1, description=(
        "The name of the check whose warning is accepted, as `symkd validate` prints it in brackets: "
        "`citation-cycle`."))
    reason: Reason = Field(min_length=10, description=(
        "Why the warning is right for this entry, in a sentence (at least 10 characters)."))


class BibtexOverrides(Strict):
    """Per-entry corrections for cases the export rules get wrong."""

    title: Note | None = Field(default=None, description=(
        'The BibTeX title exactly as it should be written, braces included: `"The {BERT} title exactly"`.'))


class Entry(Strict):
    """One paper: the file ``catalogue/<key>.yaml``."""

    title: Title = Field(min_length=1, description="The full title as published.")
    authors: list[NameText] = Field(min_length=1, max_length=MAX_ITEMS, description=(
        'One person per item, in order, as `"Family, Given"`: `"Asai, Akari"`; a corporate author is just its '
        'name: `"OpenAI"`.'))
    more_authors: bool = Field(default=False, description=(
        "`true` when the work has more authors than `authors` lists (BibTeX's `and others`, \"et al.\"): the "
        "exports end the list with `and others` and the site with \"et al.\". Leave it out when it is `false`."))
    year: int = Field(description="The year of the version cited (the venue's year once published): `2024`.")
    type: EntryType = Field(description="The BibTeX entry type: `inproceedings` for a conference paper.")
    venue: VenueText | None = Field(default=None, description=(
        "The booktitle (`inproceedings`) or journal (`article`), in full: "
        '`"International Conference on Learning Representations"`.'))
    volume: IdText | None = Field(default=None, description="The volume, as in BibTeX.")
    number: IdText | None = Field(default=None, description="The issue number, as in BibTeX.")
    pages: IdText | None = Field(default=None, description='The pages, with a double dash: `"5928--5948"`.')
    publisher: VenueText | None = Field(default=None, description="The publisher, as in BibTeX.")
    address: VenueText | None = Field(default=None, description="The publisher's or conference's city, as in BibTeX.")
    note: Note | None = Field(default=None, description="A BibTeX note, printed with the reference.")
    ids: Ids = Field(default_factory=Ids, description='The ids: `{arxiv: "2310.11511", openreview: "hSyW5go0v8"}`.')
    primary_class: Label | None = Field(default=None, description="The arXiv primary category: `cs.CL`.")
    links: Links = Field(default_factory=Links, description="Links to the work's code, data, project page or PDF.")
    taxonomy: TaxonomyLabels = Field(default_factory=dict, max_length=50, description=(
        "The work's labels: for each facet `taxonomy.yaml` declares, a list of that facet's node ids: "
        "`{FACET: [NODE, ...], ...}`. The facets and their ids are listed in `taxonomy.yaml` and on the site's "
        "taxonomy page."))
    summary: Summary | None = Field(default=None, description="One sentence in our own words (never the abstract).")
    abstract: Abstract | None = Field(default=None, description=(
        "The abstract, for local use only (`symkd add --abstract`); the shipped catalogue holds none."))
    cites: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        "The keys of the catalogue entries this work cites: `[agrawal2023qameleon]`."))
    references: list[IdText] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'Works outside the catalogue that this work cites, as `arxiv:ID` or `doi:DOI`: `"arxiv:1410.4615"`.'))
    reference_list: ReferenceList | None = Field(default=None, description=(
        "What is known of the work's own reference list, so that \"cites nothing in the catalogue\" can be told "
        "from \"nobody has read its references yet\"."))
    bibtex: BibtexOverrides | None = Field(default=None, description=(
        "Per-entry corrections for cases the BibTeX export rules get wrong."))
    accept: list[Acceptance] = Field(default_factory=list, max_length=100, description=(
        "Warnings (never errors) accepted for this entry, each with its reason, e.g. a real citation cycle between "
        "revised preprints. An acceptance with nothing to accept is itself a warning."))
    source: Source = Field(description="`survey` (cited by the survey) or `curated` (added by this project).")
    verified: bool = Field(default=True, description=(
        "`false` when the metadata could not be checked against a primary record; then `verification_note` says "
        "what. Leave it out when it is `true`."))
    verification_note: Note | None = Field(default=None, description="What could not be verified, and why.")
    verification: list[Verification] = Field(default_factory=list, max_length=20, description=(
        "The records the facts were checked against, each with the date. A verified entry needs at least one "
        "primary record (any kind but `other-page`): `symkd validate` warns otherwise."))
    label_reasons: dict[Label, Reason] = Field(default_factory=dict, max_length=20, description=(
        "Why a facet's labels were chosen, by the taxonomy's definitions, one line per facet "
        "(`FACET: \"why these values\"`), and `scope` for why a borderline work is in scope."))
    added: Date = Field(description='The date the entry was added: `"2024-05-31"`.')

    def labels(self, facet: str) -> list[str]:
        """The labels of one facet, as written (empty when the entry lists none)."""
        return self.taxonomy.get(facet, [])

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

    @field_validator("verified", "more_authors", mode="before")
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


def field_order(model: type[Entry]) -> tuple[str, ...]:
    """The order fields are written in: the core fields, with an extension's own blocks right
    after ``taxonomy`` (where a reader looks for what the catalogue says of the work).

    >>> field_order(Entry) == ENTRY_FIELDS
    True
    """
    if model is Entry:
        return ENTRY_FIELDS
    extra = tuple(name for name in model.model_fields if name not in Entry.model_fields)
    at = ENTRY_FIELDS.index("taxonomy") + 1
    return (*ENTRY_FIELDS[:at], *extra, *ENTRY_FIELDS[at:])


def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The entry as plain data in canonical field order, without empty fields."""
    raw = entry.model_dump(mode="json")
    data: dict[str, Any] = {}
    for name in field_order(type(entry)):
        value = raw[name]
        if (name == "verified" and value is True) or (name == "more_authors" and value is False):
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
