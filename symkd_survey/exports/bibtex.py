"""Catalogue entries as BibTeX and BibLaTeX text, written through bibtexparser v2.

Keys are the catalogue keys. Every field is built here as finished LaTeX (see
:mod:`symkd_survey.core.latex`): plain fields escaped, titles case-protected (or taken from the
entry's ``bibtex.title`` override), names as ``Family, Given`` joined with ``and``, corporate
authors braced, ``and others`` last for an entry with ``more_authors``; ``url``, ``doi`` and
``eprint`` verbatim. bibtexparser then only writes the
blocks (an empty unparse stack: no middleware touches a value, nothing is copied), so the
same function gives one entry's snippet and the whole file, and a 10,000-entry export stays
well under a second.

The two dialects differ where their tools differ:

* ``bibtex`` (for BibTeX and its ``.bst`` styles): ASCII only, non-ASCII turned into LaTeX
  commands; ``year``, ``journal``, ``address``, ``eprint`` + ``archiveprefix`` + ``eprinttype``
  + ``primaryclass``, and the arXiv page as ``url`` of an entry with no DOI or URL of its own;
  ``@online`` becomes ``@misc``; the issue number of a proceedings volume
  is written as ``issue`` (BibTeX's ``number`` there means a number in a series).
* ``biblatex`` (for biber): Unicode kept; ``date``, ``journaltitle``, ``location``,
  ``eprint`` + ``eprinttype`` + ``eprintclass``; ``@report`` and ``@thesis`` with a ``type``;
  preprints, blog posts and repositories without a venue are ``@online``. Fields that
  biblatex's data model does not define for the chosen type are left out (``publisher`` of
  an ``@article``, for example), so that ``biber --validate-datamodel`` only notes data the
  catalogue does not have (the editors of an ``@incollection``); a publisher of
  ``@misc``/``@online`` is written as ``organization``.

In both, a report or thesis without a venue takes its publisher as the institution.

A value that cannot be written (an unbalanced brace, a character without a LaTeX form for
BibTeX, a control character) is reported as an issue naming the entry file, the line and
the field; an export is all-or-nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.issues import Issue, SymkdError, error, sort_issues
from symkd_survey.core.latex import (
    LatexError,
    UnbalancedBracesError,
    UnmappableCharacterError,
    check_braces,
    field_text,
    names_text,
    title_text,
)
from symkd_survey.core.model import Entry
from symkd_survey.core.names import OTHERS

if TYPE_CHECKING:  # bibtexparser is imported where blocks are built, not by validation
    from bibtexparser.model import Block
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.writer import BibtexFormat

Dialect = Literal["bibtex", "biblatex"]
DIALECTS: tuple[Dialect, ...] = ("bibtex", "biblatex")
_DIALECT_NAMES = {"bibtex": "BibTeX", "biblatex": "BibLaTeX"}

Loc = tuple[str | int, ...]

# The field that holds ``venue``, per catalogue type.
_BIBTEX_VENUE = {
    "article": "journal", "inproceedings": "booktitle", "incollection": "booktitle", "book": "series",
    "misc": "howpublished", "online": "howpublished", "techreport": "institution", "phdthesis": "school",
}
_BIBTEX_TYPE = {"online": "misc"}
_BIBTEX_SERIES_NUMBER = frozenset({"inproceedings", "incollection", "book"})

_BIBLATEX_VENUE = {
    "article": "journaltitle", "inproceedings": "booktitle", "incollection": "booktitle", "book": "series",
    "misc": "howpublished", "report": "institution", "thesis": "institution",
}  # an @online entry has no venue (with one, it is @misc)
_BIBLATEX_REPORT_TYPE = {"techreport": ("report", "techreport"), "phdthesis": ("thesis", "phdthesis")}
# The optional fields of biblatex's data model that this export can fill, per entry type.
_BIBLATEX_FIELDS: dict[str, frozenset[str]] = {
    "article": frozenset({"volume", "number", "pages"}),
    "inproceedings": frozenset({"volume", "number", "pages", "publisher", "location"}),
    "incollection": frozenset({"volume", "number", "pages", "publisher", "location"}),
    "book": frozenset({"volume", "number", "pages", "publisher", "location"}),
    "report": frozenset({"number", "pages", "location"}),
    "thesis": frozenset({"pages", "location"}),
    "misc": frozenset({"location", "organization"}),
    "online": frozenset({"organization"}),
}

_PAGE_RANGE_RE = re.compile(r"\s*(?:-{1,3}|\u2013|\u2014)\s*")


class EntryExportError(ValueError):
    """One entry's fields that cannot be exported; ``problems`` lists them all."""

    def __init__(self, key: str, problems: list[FieldProblem]) -> None:
        super().__init__(f"{key}: " + "; ".join(f"{p.field}: {p.error.message}" for p in problems))
        self.key = key
        self.problems = problems


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # the catalogue field, as the contributor knows it
    loc: Loc  # where it is in the entry file
    error: LatexError


def normalize_pages(pages: str) -> str:
    """A page range with ``--``.

    >>> normalize_pages("12-34"), normalize_pages("12 – 34"), normalize_pages("e1234")
    ('12--34', '12--34', 'e1234')
    """
    return _PAGE_RANGE_RE.sub("--", pages.strip())


class _Builder:
    """Collects one entry's fields in order and every problem on the way."""

    def __init__(self, ascii_only: bool) -> None:
        self.ascii_only = ascii_only
        self.fields: list[tuple[str, str]] = []
        self.problems: list[FieldProblem] = []

    def text(self, name: str, value: str | None, field: str, loc: Loc) -> None:
        if value:
            try:
                self.fields.append((name, field_text(value, ascii_only=self.ascii_only)))
            except LatexError as exc:
                self.problems.append(FieldProblem(field, loc, exc))

    def verbatim(self, name: str, value: str | None, field: str, loc: Loc) -> None:
        """``url``, ``doi``, ``eprint``: never escaped, only checked."""
        if value:
            try:
                self.fields.append((name, check_braces(value)))
            except LatexError as exc:
                self.problems.append(FieldProblem(field, loc, exc))

    def raw(self, name: str, value: str) -> None:
        self.fields.append((name, value))


def _names(entry: Entry, builder: _Builder) -> str:
    """The author field; ``more_authors`` ends it with BibTeX's ``and others``."""
    try:
        return names_text([*entry.authors, OTHERS] if entry.more_authors else entry.authors,
                          ascii_only=builder.ascii_only)
    except LatexError:
        pass
    for index, name in enumerate(entry.authors):  # find every author at fault
        try:
            names_text([name], ascii_only=builder.ascii_only)
        except LatexError as exc:
            builder.problems.append(FieldProblem(f"authors[{index + 1}]", ("authors", index), exc))
    return ""


def _title(entry: Entry, builder: _Builder) -> None:
    override = entry.bibtex.title if entry.bibtex is not None else None
    field, loc = ("bibtex.title", ("bibtex", "title")) if override is not None else ("title", ("title",))
    try:
        builder.raw("title", title_text(entry.title, ascii_only=builder.ascii_only, override=override))
    except LatexError as exc:
        builder.problems.append(FieldProblem(field, loc, exc))


def _bibtex_fields(entry: Entry, builder: _Builder) -> str:
    builder.raw("author", _names(entry, builder))
    _title(entry, builder)
    venue_field = _BIBTEX_VENUE[entry.type]
    venue, venue_loc, publisher = entry.venue, "venue", entry.publisher
    if venue_field in ("institution", "school") and venue is None:  # the publisher is the institution
        venue, venue_loc, publisher = publisher, "publisher", None
    builder.text(venue_field, venue, venue_loc, (venue_loc,))
    builder.text("volume", entry.volume, "volume", ("volume",))
    # In a book or proceedings, BibTeX's number is the number in a series and excludes a
    # volume ("can't use both volume and number"): an issue number goes to a field that
    # standard styles ignore, so that nothing is lost and nothing warns.
    number_field = "issue" if entry.volume and entry.type in _BIBTEX_SERIES_NUMBER else "number"
    builder.text(number_field, entry.number, "number", ("number",))
    builder.text("pages", normalize_pages(entry.pages) if entry.pages else None, "pages", ("pages",))
    builder.text("publisher", publisher, "publisher", ("publisher",))
    builder.text("address", entry.address, "address", ("address",))
    builder.raw("year", str(entry.year))
    builder.text("note", entry.note, "note", ("note",))
    _identifiers(entry, builder, (("archiveprefix", "arXiv"), ("eprinttype", "arxiv")), "primaryclass",
                 arxiv_url=True)
    return _BIBTEX_TYPE.get(entry.type, entry.type)


ARXIV_ABS_URL = "https://arxiv.org/abs/{}"
"""The arXiv page of an id: the BibTeX export's ``url`` of an entry known by its arXiv id alone."""


def _identifiers(entry: Entry, builder: _Builder, archive: tuple[tuple[str, str], ...], class_field: str,
                 *, arxiv_url: bool = False) -> None:
    """doi, url and the arXiv eprint, never escaped; the dialects differ in how they name the
    archive and its class. BibTeX has no standard eprint field, so its export names the archive
    both ways readers look for it (``archiveprefix = arXiv`` as arXiv's own BibTeX writes it,
    ``eprinttype = arxiv`` as biblatex does), and gives an entry with only an arXiv id its arXiv
    page as ``url``: styles and reference managers that ignore ``eprint`` still link to the paper.
    biblatex links the eprint itself."""
    builder.verbatim("doi", entry.ids.doi, "ids.doi", ("ids", "doi"))
    if entry.links.url:
        builder.verbatim("url", entry.links.url, "links.url", ("links", "url"))
    elif arxiv_url and entry.ids.arxiv and not entry.ids.doi:
        builder.verbatim("url", ARXIV_ABS_URL.format(entry.ids.arxiv), "ids.arxiv", ("ids", "arxiv"))
    if entry.ids.arxiv:
        builder.verbatim("eprint", entry.ids.arxiv, "ids.arxiv", ("ids", "arxiv"))
        for name, value in archive:
            builder.raw(name, value)
        builder.text(class_field, entry.primary_class, "primary_class", ("primary_class",))


def _biblatex_type(entry: Entry) -> tuple[str, str | None]:
    if entry.type in _BIBLATEX_REPORT_TYPE:
        return _BIBLATEX_REPORT_TYPE[entry.type]
    if entry.type in ("misc", "online"):
        online = entry.venue is None and bool(entry.links.url or entry.ids.arxiv or entry.ids.doi)
        return ("online" if online else "misc"), None
    return entry.type, None


def _biblatex_fields(entry: Entry, builder: _Builder) -> str:
    kind, subtype = _biblatex_type(entry)
    allowed = _BIBLATEX_FIELDS[kind]
    builder.raw("author", _names(entry, builder))
    _title(entry, builder)
    venue_field = _BIBLATEX_VENUE.get(kind)
    venue, venue_loc, publisher = entry.venue, "venue", entry.publisher
    if venue_field == "institution" and venue is None:  # the publisher is the institution
        venue, venue_loc, publisher = publisher, "publisher", None
    if venue_field is not None:
        builder.text(venue_field, venue, venue_loc, (venue_loc,))
    for name in ("volume", "number"):
        if name in allowed:
            builder.text(name, getattr(entry, name), name, (name,))
    if "pages" in allowed and entry.pages:
        builder.text("pages", normalize_pages(entry.pages), "pages", ("pages",))
    if "publisher" in allowed:
        builder.text("publisher", publisher, "publisher", ("publisher",))
    elif "organization" in allowed:
        builder.text("organization", publisher, "publisher", ("publisher",))
    if "location" in allowed:
        builder.text("location", entry.address, "address", ("address",))
    if subtype is not None:
        builder.raw("type", subtype)
    builder.raw("date", str(entry.year))
    builder.text("note", entry.note, "note", ("note",))
    _identifiers(entry, builder, (("eprinttype", "arxiv"),), "eprintclass")
    return kind


def _fields(key: str, entry: Entry, dialect: Dialect) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and every finished field value; raises :class:`EntryExportError` listing
    every field that cannot be written. No bibtexparser object is built (validation's path)."""
    builder = _Builder(ascii_only=dialect == "bibtex")
    entry_type = _bibtex_fields(entry, builder) if dialect == "bibtex" else _biblatex_fields(entry, builder)
    if builder.problems:
        raise EntryExportError(key, builder.problems)
    return entry_type, builder.fields


def to_block(key: str, entry: Entry, dialect: Dialect = "bibtex") -> BibEntry:
    """The bibtexparser block for one entry, every value finished and enclosed in braces.

    Raises :class:`EntryExportError` listing every field that cannot be written.
    """
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.model import Field

    entry_type, fields = _fields(key, entry, dialect)
    return BibEntry(entry_type, key, [Field(name, "{" + value + "}") for name, value in fields])


@cache
def _format() -> BibtexFormat:
    from bibtexparser.writer import BibtexFormat

    style = BibtexFormat()  # type: ignore[no-untyped-call]  # bibtexparser leaves __init__ unannotated
    style.indent = "  "
    style.block_separator = "\n"
    return style


def _write(blocks: list[Block]) -> str:
    """The blocks as text; the empty unparse stack writes each value exactly as built.
    (bibtexparser is imported here, by the exports, so that validation starts without it.)"""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library

    return write_string(Library(blocks), unparse_stack=[], bibtex_format=_format())


def _issues(item: LoadedEntry, exc: EntryExportError, dialect: Dialect) -> list[Issue]:
    issues = []
    for problem in exc.problems:
        cause = problem.error
        if isinstance(cause, UnmappableCharacterError) and dialect == "bibtex":
            hint = "'symkd export biblatex' keeps Unicode for biber"
            if problem.field == "title":
                hint += "; or write the title as LaTeX in bibtex.title"
        elif isinstance(cause, UnbalancedBracesError):
            hint = "pair every '{' with a '}'; a lone brace would corrupt the rest of the .bib file"
        else:
            hint = "remove the character"
        issues.append(error("export", item.path, item.line(*problem.loc),
                            f"{_DIALECT_NAMES[dialect]} export of '{item.key}', field {problem.field}: "
                            f"{cause.message}", hint))
    return issues


def export_problems(item: LoadedEntry) -> list[Issue]:
    """Why ``item`` cannot be exported as BibTeX or BibLaTeX (empty when it can): validation
    runs this on every entry, so that an entry that validates never breaks an export for others."""
    try:
        _fields(item.key, item.entry, "bibtex")
        return []  # BibLaTeX writes the same values with less escaping: what BibTeX writes, it writes
    except EntryExportError:
        pass
    issues: list[Issue] = []
    reported: set[str] = set()
    for dialect in ("bibtex", "biblatex"):
        try:
            _fields(item.key, item.entry, dialect)
        except EntryExportError as exc:
            fresh = [p for p in exc.problems if p.field not in reported]  # a lone brace fails both: say it once
            reported.update(p.field for p in fresh)
            issues.extend(_issues(item, EntryExportError(exc.key, fresh), dialect) if fresh else [])
    return issues


def entry_snippet(item: LoadedEntry, dialect: Dialect = "bibtex") -> str:
    """One entry as BibTeX or BibLaTeX text, exactly as it appears in the whole file."""
    return export_bibliography([item], dialect)


def export_bibliography(items: Iterable[LoadedEntry], dialect: Dialect = "bibtex") -> str:
    """The entries as one ``.bib`` text, sorted by key.

    Every entry is converted before anything is returned; all problems are raised together
    as one :class:`SymkdError`.
    """
    blocks: list[Block] = []
    issues: list[Issue] = []
    for item in sorted(items, key=lambda i: i.key):
        try:
            blocks.append(to_block(item.key, item.entry, dialect))
        except EntryExportError as exc:
            issues.extend(_issues(item, exc, dialect))
    if issues:
        raise SymkdError(sort_issues(issues))
    return _write(blocks)
