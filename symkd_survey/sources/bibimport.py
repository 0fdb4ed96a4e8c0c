"""``symkd import bibtex``: turn a .bib file into new catalogue entries.

The pipeline is parse -> check -> convert -> compare -> validate -> write, and nothing is
written until every stage has run over the whole file:

- bibtexparser v2 splits the file. Its failed blocks (``library.failed_blocks``, 0-based
  ``start_line``, reason in ``error.abort_reason``) become issues with 1-based lines.
- The accidents bibtexparser accepts silently are caught on the raw field values: a missing
  comma that merges two fields (``title = {x} year = {2020}`` is one title), ``and and`` or an
  empty name in an author list, a key with a space, unbalanced braces, an extra ``}`` that
  ends an entry early and leaves its last fields as stray text.
- Values are decoded from LaTeX to Unicode with the decoder of bibtexparser's
  ``LatexDecodingMiddleware`` (pylatexenc); author lists are split at top-level ``and`` before
  decoding, so a braced corporate name (``{Barnes and Noble}``) stays one name.
- A work already in the catalogue (same arXiv id, DOI or normalised title), or met earlier in
  the same file, is skipped with a message naming the entry it repeats; nothing is overwritten.
- Every new entry then goes through the checks of ``symkd validate`` on the catalogue merged
  with the new entries in memory, with positions mapped back to the .bib lines.

By default the import is all-or-nothing; ``skip_invalid`` writes the good entries and lists
the bad. Either way a failed entry makes the result a failure (the CLI exits 1).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibtexparser import model as bib
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware, RemoveEnclosingMiddleware
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from pydantic import ValidationError

from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import ENTRY_SUFFIX, Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import MAX_IMPORT_BYTES, create_all
from symkd_survey.core.identity import SameWorkIndex
from symkd_survey.core.ids import (
    normalize_arxiv_id,
    normalize_doi,
    parse_arxiv_id,
)
from symkd_survey.core.issues import Issue, SymkdError, error, sort_issues, warning
from symkd_survey.core.keys import base_key, key_from_bibtex, unique_key
from symkd_survey.core.latex import UnbalancedBracesError, check_braces, decode_commands
from symkd_survey.core.model import Entry, EntryType, Source, entry_to_yaml
from symkd_survey.core.text import LIMITS, clean
from symkd_survey.core.yamlio import Loc, YamlDocument, parse_mapping, read_text

CHECK = "bibtex"

TYPE_MAP: dict[str, EntryType] = {
    "article": "article", "inproceedings": "inproceedings", "conference": "inproceedings",
    "incollection": "incollection", "book": "book", "misc": "misc", "techreport": "techreport",
    "phdthesis": "phdthesis", "online": "online", "electronic": "online", "www": "online",
}
"""BibTeX entry types and their catalogue type; other types are imported as ``misc`` with a warning."""

KNOWN_FIELDS = frozenset({
    "title", "author", "year", "booktitle", "journal", "volume", "number", "pages", "publisher",
    "address", "note", "howpublished", "eprint", "archiveprefix", "eprinttype", "primaryclass", "doi",
    "url", "institution", "school", "x-verified",
    # biblatex (what ``symkd export biblatex`` writes, among others)
    "date", "journaltitle", "location", "subtitle", "eprintclass", "crossref",
})
"""Fields the import reads; every other field is ignored with a warning naming it."""

UNVERIFIED = "unverified"

# A field name followed by '=' after a closing brace/quote or at the start of a line: the
# previous field was not ended by a comma and swallowed this one.
_MERGED_FIELD = re.compile(r'(?:[}"][ \t]*\n?|\n)[ \t]*(?P<name>[A-Za-z][A-Za-z0-9_:.+-]*)[ \t]*=[ \t]*["{0-9A-Za-z]')
_STRAY_FIELD = re.compile(r"^[ \t,]*(?P<name>[A-Za-z][A-Za-z0-9_:.+-]*)[ \t]*=", re.MULTILINE)
_BIBTEX_BAD_KEY_CHAR = re.compile(r'[\s,{}"#%\'()=\\~]')
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"(?P<year>[0-9]{4})(?:-[0-9]{2}(?:-[0-9]{2})?)?(?:/.*)?")
"""A biblatex ``date``: ``2024``, ``2024-05``, ``2024-05-01``, or a range starting so."""
_ESCAPED_SPECIAL = re.compile(r"\\([_%&#~$])")
_DASHES = re.compile(r"\s*(?:-+|–|—)\s*")
_ACL_DOI = re.compile(r"10\.18653/v1/(?P<id>[0-9]{4}\.[A-Za-z0-9-]+\.[0-9]+|[A-Za-z][0-9]{2}-[0-9]{4})")
_ACL_URL = re.compile(r"https?://(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology)/"
                      r"(?P<id>[0-9]{4}\.[A-Za-z0-9-]+\.[0-9]+|[A-Za-z][0-9]{2}-[0-9]{4})(?:\.pdf)?/?$")
_OPENREVIEW_URL = re.compile(r"https?://(?:www\.)?openreview\.net/(?:forum|pdf)\?(?:.*&)?id=(?P<id>[A-Za-z0-9_-]+)")
_ARXIV_IN_TEXT = re.compile(r"arXiv:\s*(?P<id>[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})",
                            re.IGNORECASE)
_OLD_EPRINT = re.compile(r"[0-9]{7}(?:v[0-9]+)?")
"""An old-style arXiv number without its archive (Mendeley: ``eprint = {0412083}``, ``primaryClass = {hep-th}``)."""
_DOI_RESOLVER = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:(?:dx\.|www\.)?doi\.org|doi\.acm\.org|"
                           r"(?:www\.)?doi\.ieeecomputersociety\.org)/(?=10\.))", re.IGNORECASE)
"""Every resolver form a DOI is written with; what follows is the DOI."""


def doi_from(value: str) -> str | None:
    """The DOI in a ``doi`` or ``url`` value written with any resolver, or ``None`` for none.

    >>> doi_from("http://doi.acm.org/10.1145/3534678.3539"), doi_from("https://dx.doi.org/10.1/x")
    ('10.1145/3534678.3539', None)
    >>> doi_from("https://example.org/10.1145/1") is None
    True
    """
    found = _DOI_RESOLVER.match(value.strip())
    if found is None:
        return None
    return normalize_doi(value.strip()[found.end():])


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class NewEntry:
    """An entry the import will write."""

    key: str
    bib_key: str
    line: int
    entry: Entry
    text: str
    file: Path


@dataclass(slots=True)
class Skipped:
    """A .bib entry for a work the catalogue (or the same file) already holds."""

    bib_key: str
    line: int
    existing: str
    """The key of the entry it repeats."""
    repeated_in_file: bool = False
    """It repeats an earlier entry of the same file, not one already in the catalogue."""


@dataclass(slots=True)
class Failed:
    bib_key: str | None
    line: int


@dataclass(slots=True)
class ImportPlan:
    """Everything the import found, before anything is written."""

    path: str
    new: list[NewEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def in_catalogue(self) -> list[Skipped]:
        """The skipped entries whose work the catalogue already holds."""
        return [s for s in self.skipped if not s.repeated_in_file]

    @property
    def repeated(self) -> list[Skipped]:
        """The skipped entries that repeat an earlier entry of the same file."""
        return [s for s in self.skipped if s.repeated_in_file]


@dataclass(slots=True)
class ImportResult:
    plan: ImportPlan
    written: list[Path]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return self.plan.ok


# --------------------------------------------------------------------------- parsing


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs every failed block; those become issues here instead."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_DECODING = LatexDecodingMiddleware()


def decode_latex(text: str) -> str:
    """LaTeX to Unicode on one line: accents decoded, protecting braces dropped, white space collapsed.

    The decoding is bibtexparser's ``LatexDecodingMiddleware`` (pylatexenc), applied to one value,
    after the exporter's own forms that it misses (``\\textgreater{}``, ``{\\S}``, ``$\\alpha$``) are
    read with :func:`symkd_survey.core.latex.decode_commands`.

    >>> decode_latex(r'M{\\"u}ller \\& {GPT}-3:~a  test')
    'Müller & GPT-3: a test'
    """
    return " ".join(decode_commands(text, _decode_general).split())


def _decode_general(text: str) -> str:
    holder = bib.Entry("misc", "decode", [bib.Field("value", text)])
    result = _DECODING.transform_entry(holder, Library())
    return str(holder.fields[0].value) if result is holder else text  # pylatexenc failed: keep the text




def decoded_text(text: str, *, multiline: bool = False) -> str:
    """:func:`decode_latex`, then the one rule for text (:func:`symkd_survey.core.text.clean`), and no
    combining mark left on nothing (``\\'{}``, a mark after a space): NFC cannot attach it, no
    exporter can write it, and it would pass ``validate`` only to break every later export.

    >>> decoded_text("Doe \u0301Jane\u200e"), decoded_text("Cafe\u0301")
    ('Doe Jane', 'Café')
    """
    value = clean(decode_latex(text), multiline=multiline)
    if not any(unicodedata.combining(char) for char in value):
        return value
    kept: list[str] = []
    base = False  # the last kept character carries marks: a letter, a digit, or a mark on one
    for char in value:
        if unicodedata.combining(char):
            if base:
                kept.append(char)
            continue
        kept.append(char)
        base = char.isalnum()
    return clean("".join(kept), multiline=multiline)


def _line(block_line: int | None) -> int:
    return (block_line or 0) + 1


def _braces_balanced(text: str) -> bool:
    """Braces pair up as BibTeX counts them (:func:`symkd_survey.core.latex.check_braces`)."""
    try:
        check_braces(text)
    except UnbalancedBracesError:
        return False
    return True


def split_authors(raw: str) -> tuple[list[str], str | None]:
    """Split a BibTeX name list at top-level ``and``; return the names and a fault, if any.

    >>> split_authors("Doe, Jane and {Barnes and Noble} and Roe, R.")
    (['Doe, Jane', '{Barnes and Noble}', 'Roe, R.'], None)
    >>> split_authors("Doe, Jane and and Roe, R.")
    (['Doe, Jane', 'Roe, R.'], "author list has 'and and' after 'Doe, Jane'")
    """
    words: list[str] = []
    current: list[str] = []
    depth = 0
    escaped = False
    for char in raw:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if depth == 0 and char.isspace():
            if current:
                words.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        words.append("".join(current))
    names: list[str] = []
    fault: str | None = None
    group: list[str] = []
    for index, word in enumerate([*words, "and"]):
        if word.lower() != "and":
            group.append(word)
            continue
        if group:
            names.append(" ".join(group))
            group = []
        elif fault is None and index < len(words):
            fault = f"author list has 'and and' after '{names[-1]}'" if names else "author list starts with 'and'"
        elif fault is None and words:
            fault = "author list ends with 'and'"
    return names, fault


_ET_AL = re.compile(r"(?:,\s*|\s+)\{?et\.?\s+al\.?\}?$", re.IGNORECASE)
_MORE_AUTHORS = frozenset({"others", "{others}", "et al.", "et al", "{et al.}", "{et al}", "et. al."})


def _drop_more_authors(names: list[str]) -> str | None:
    """Remove a trailing "more authors" mark (``and others``, ``et al.``) from ``names`` in place.

    The entry model has no flag for it yet, so it is dropped (and the caller warns); it is
    never imported as a person (``"al., et"``). Returns the mark as written, or ``None``.

    >>> names = ["Doe, Jane", "others"]; _drop_more_authors(names), names
    ('and others', ['Doe, Jane'])
    >>> names = ["Doe, Jane et al."]; _drop_more_authors(names), names
    ('et al.', ['Doe, Jane'])
    """
    if not names:
        return None
    last = names[-1].strip()
    if last.lower() in _MORE_AUTHORS:
        names.pop()
        return "and others" if "others" in last.lower() else "et al."
    found = _ET_AL.search(last)
    if found and found.start() > 0:
        names[-1] = last[: found.start()].rstrip(", ")
        return "et al."
    return None


def format_name(raw: str) -> str:
    """One BibTeX name as ``"Family, Given"`` (decoded); a name with no given part stays whole.

    >>> format_name("Jena D. Hwang"), format_name("Le Bras, Ronan"), format_name("{OpenAI}")
    ('Hwang, Jena D.', 'Le Bras, Ronan', 'OpenAI')
    >>> format_name(r"Ludwig van Beethoven"), format_name(r"Rockt{\\"a}schel, Tim")
    ('van Beethoven, Ludwig', 'Rocktäschel, Tim')
    """
    parts = parse_single_name_into_parts(raw, strict=True)
    family = decoded_text(" ".join([*parts.von, *parts.last, *parts.jr]))
    given = decoded_text(" ".join(parts.first))
    return f"{family}, {given}" if given else family


MAX_FIELD_CHARS = 2 * LIMITS["abstract"]
"""The longest raw field value read (LaTeX markup included); longer ones are refused unread."""

# --------------------------------------------------------------------------- @string macros

MONTH_MACROS: dict[str, str] = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November",
    "dec": "December",
}
"""The month macros every BibTeX style defines (``month = nov``)."""

_MACRO_NAME = re.compile(r"[A-Za-z_][^\s#{}\"',=()%]*")
_NUMBER = re.compile(r"[0-9]+")


class UndefinedMacroError(ValueError):
    """A value names a ``@string`` macro that the file does not define."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _pieces(raw: str) -> list[tuple[str, str]] | None:
    """Split a raw BibTeX value at top-level ``#`` into ``(kind, text)`` pieces.

    ``kind`` is ``text`` (a braced or quoted piece, delimiters removed), ``number`` or
    ``macro``. ``None`` when the value is not such an expression (e.g. a missing comma merged
    two fields); the caller then keeps the old reading so that the fault is reported.

    >>> _pieces('"Proc. of " # dam # {, 2020}')
    [('text', 'Proc. of '), ('macro', 'dam'), ('text', ', 2020')]
    >>> _pieces('{x} year = {2020}') is None
    True
    """
    pieces: list[tuple[str, str]] = []
    at, size = 0, len(raw)
    while True:
        while at < size and raw[at].isspace():
            at += 1
        if at >= size:
            return None
        char = raw[at]
        if char in "{\"":
            closer = "}" if char == "{" else '"'
            depth, end, escaped = 0, None, False
            for index in range(at + 1, size):
                current = raw[index]
                if escaped:
                    escaped = False
                elif current == "\\":
                    escaped = True
                elif current == "{":
                    depth += 1
                elif current == "}" and depth > 0:
                    depth -= 1
                elif current == closer and depth == 0:
                    end = index
                    break
                elif current == "}":  # an unbalanced '}' inside quotes
                    return None
            if end is None:
                return None
            pieces.append(("text", raw[at + 1:end]))
            at = end + 1
        else:
            number = _NUMBER.match(raw, at)
            name = _MACRO_NAME.match(raw, at)
            if number:
                pieces.append(("number", number.group()))
                at = number.end()
            elif name:
                pieces.append(("macro", name.group()))
                at = name.end()
            else:
                return None
        while at < size and raw[at].isspace():
            at += 1
        if at >= size:
            return pieces
        if raw[at] != "#":
            return None
        at += 1


def resolve_value(raw: str, macros: dict[str, str]) -> str | None:
    """The value BibTeX reads from ``raw``: pieces joined at ``#``, macros replaced.

    ``macros`` maps lower-case names to resolved values; the month macros are always defined.
    ``None`` when ``raw`` is not a value expression. Raises :class:`UndefinedMacroError`.

    >>> resolve_value('dam # " 12"', {"dam": "Discrete Appl. Math."})
    'Discrete Appl. Math. 12'
    >>> resolve_value("nov", {}), resolve_value("{A} # {B}", {}), resolve_value("2021", {})
    ('November', 'AB', '2021')
    """
    pieces = _pieces(raw)
    if pieces is None:
        return None
    parts: list[str] = []
    for kind, text in pieces:
        if kind != "macro":
            parts.append(text)
            continue
        name = text.lower()
        if name in macros:
            parts.append(macros[name])
        elif name in MONTH_MACROS:
            parts.append(MONTH_MACROS[name])
        else:
            raise UndefinedMacroError(text)
    return "".join(parts)


_ENCLOSING = RemoveEnclosingMiddleware()


def _strip_enclosing(raw: str) -> str:
    """bibtexparser's ``RemoveEnclosingMiddleware`` on one value: the reading of a value that is
    not an expression (a missing comma, an extra brace), so that the fault is still recognised."""
    holder = bib.Entry("misc", "strip", [bib.Field("value", raw)])
    _ENCLOSING.transform_entry(holder, Library())
    return str(holder.fields[0].value)


def _resolve_library(library: Library, path: str) -> list[Issue]:
    """Resolve every ``@string`` (in file order, each seeing the earlier ones) and every field
    value in place; an undefined macro in a field the import reads is an error naming it."""
    issues: list[Issue] = []
    macros: dict[str, str] = {}
    for string in library.strings:
        try:
            value = resolve_value(str(string.value), macros)
        except UndefinedMacroError as exc:
            issues.append(error("macro", path, _line(string.start_line),
                                f"@string '{string.key}' uses undefined macro '{exc.name}'",
                                f"define '{exc.name}' before it"))
            continue
        value = _strip_enclosing(str(string.value)) if value is None else value
        if len(value) > MAX_FIELD_CHARS:  # macros of macros grow exponentially: bound every one
            issues.append(error("size", path, _line(string.start_line),
                                f"@string '{string.key}' is {len(value):,} characters long; "
                                f"the limit is {MAX_FIELD_CHARS:,}"))
            continue
        macros[string.key.lower()] = value
    for entry in library.entries:
        undefined: list[tuple[str, str, int]] = []
        for item in entry.fields:
            raw = item.value if isinstance(item.value, str) else str(item.value)
            try:
                value = resolve_value(raw, macros)
            except UndefinedMacroError as exc:
                undefined.append((item.key.lower(), exc.name, _line(item.start_line)))
                value = None
            item.value = _strip_enclosing(raw) if value is None else value
        entry.parser_metadata["symkd_undefined_macros"] = undefined
    return issues


# --------------------------------------------------------------------------- one entry


@dataclass(slots=True)
class _Converted:
    bib_key: str
    line: int
    entry: Entry | None
    positions: dict[Loc, tuple[int, int]]
    issues: list[Issue]

    @property
    def failed(self) -> bool:
        return self.entry is None or any(i.is_error for i in self.issues)


class _EntryReader:
    """Converts one parsed BibTeX entry; every problem is collected, none raises."""

    def __init__(self, block: bib.Entry, path: str, source: Source, today: dt.date) -> None:
        self.block = block
        self.path = path
        self.source = source
        self.today = today
        self.line = _line(block.start_line)
        self.issues: list[Issue] = []
        self.values: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.positions: dict[Loc, tuple[int, int]] = {(): (self.line, 1)}
        self.swallowed: set[str] = set()

    def error(self, check: str, line: int, message: str, hint: str = "") -> None:
        self.issues.append(error(check, self.path, line, message, hint))

    def warn(self, check: str, line: int, message: str, hint: str = "") -> None:
        self.issues.append(warning(check, self.path, line, message, hint))

    def read_fields(self) -> None:
        undefined: list[tuple[str, str, int]] = self.block.parser_metadata.get("symkd_undefined_macros", [])
        for name, macro, line in undefined:
            if name in KNOWN_FIELDS:
                self.error("macro", line, f"undefined macro '{macro}' in field '{name}'",
                           f"define it in an @string block, or brace the value: {{{macro}}}")
                self.swallowed.add(name)
        for item in self.block.fields:
            name = item.key.lower()
            line = _line(item.start_line)
            value = item.value if isinstance(item.value, str) else str(item.value)
            if name in self.values:
                self.error(CHECK, line, f"field '{name}' is given twice (first on line {self.lines[name]})",
                           "keep one of them")
                continue
            self.values[name] = value
            self.lines[name] = line
            merged = list(_MERGED_FIELD.finditer(value))
            for found in merged:
                at = line + value[: found.start("name")].count("\n")
                self.swallowed.add(found["name"].lower())
                self.error(CHECK, at, f"missing comma before field '{found['name']}': "
                           f"it was read as part of '{name}'", "end every field with a comma")
            if not merged and not _braces_balanced(value):
                self.error(CHECK, line, f"unbalanced braces in field '{name}'", "every '{' needs its '}'")

    def stray_fields(self, comment: bib.ImplicitComment) -> None:
        """Text right after the entry that reads like its fields: an extra '}' ended it early."""
        raw = comment.raw or comment.comment
        found = list(_STRAY_FIELD.finditer(raw))
        if not found:
            return
        names = [m["name"].lower() for m in found]
        self.swallowed.update(names)
        at = _line(comment.start_line) + raw[: found[0].start("name")].count("\n")
        listed = ", ".join(f"'{n}'" for n in names)
        what = f"field {listed} is" if len(names) == 1 else f"fields {listed} are"
        self.error(CHECK, at, f"{what} outside entry '{self.block.key}': an extra '}}' ended the entry early",
                   "check the braces of the field before it")

    def missing(self, name: str) -> None:
        """A required field is missing; not reported again when another fault swallowed it."""
        if name not in self.swallowed:
            self.error("missing-field", self.line, f"missing required field '{name}'")

    def identifier(self, name: str) -> str:
        """A URL, DOI or eprint: never LaTeX-decoded, but ``\\url{}`` and escaped specials undone."""
        value = self.values.get(name, "").strip()
        value = re.sub(r"^\\url\{(.*)\}$", r"\1", value).strip()
        return _ESCAPED_SPECIAL.sub(r"\1", value)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if len(value) > MAX_FIELD_CHARS:  # decoding LaTeX costs ~20 us a character: bound it first
            self.error("size", self.lines.get(name, self.line),
                       f"field '{name}' is {len(value):,} characters long; the limit is {MAX_FIELD_CHARS:,}")
            self.swallowed.add(name)
            return None
        decoded = decoded_text(value, multiline=name == "abstract")
        return decoded or None

    def at(self, loc: Loc, name: str) -> None:
        if name in self.lines:
            self.positions[loc] = (self.lines[name], 1)

    def key(self) -> str:
        bib_key = self.block.key
        if not bib_key:
            self.error("key", self.line, "the entry has no key", "write @type{key, ...}")
        elif _BIBTEX_BAD_KEY_CHAR.search(bib_key):
            bad = _BIBTEX_BAD_KEY_CHAR.search(bib_key)
            assert bad is not None
            what = "a space" if bad.group().isspace() else f"'{bad.group()}'"
            self.error("key", self.line, f"invalid key '{bib_key}': a BibTeX key cannot contain {what}",
                       f"write it as {key_from_bibtex(bib_key) or 'author2024word'}")
        return bib_key

    def authors(self) -> list[str]:
        raw = self.values.get("author")
        if raw is None:
            self.missing("author")
            return []
        line = self.lines["author"]
        names, fault = split_authors(raw)
        if fault:
            self.error("authors", line, fault, "separate names with a single 'and'")
        dropped = _drop_more_authors(names)
        if dropped:
            self.warn("authors", line, f"author list ends with '{dropped}': '{dropped}' dropped, "
                      "only the names given are imported", "give the full author list")
        result: list[str] = []
        for name in names:
            try:
                result.append(format_name(name))
            except InvalidNameError as exc:
                self.error("authors", line, f"author '{decode_latex(name)}' is not a BibTeX name: {exc.reason}")
        if not result and not fault:
            self.error("authors", line, "the author list is empty")
        self.at(("authors",), "author")
        for index in range(len(result)):
            self.at(("authors", index), "author")
        return result

    def year(self) -> int | None:
        raw = self.values.get("year")
        if raw is None and self.values.get("date"):
            value = decode_latex(self.values["date"])
            self.at(("year",), "date")
            date = _DATE.fullmatch(value)
            if date is None:
                self.error("year", self.lines["date"], f"date '{value}' is not a biblatex date",
                           "e.g. date = {2023-05-01}")
                return None
            return int(date["year"])
        if raw is None:
            self.missing("year")
            return None
        value = decode_latex(raw)
        self.at(("year",), "year")
        if not _YEAR.fullmatch(value):
            self.error("year", self.lines["year"], f"year '{value}' is not a four-digit year", "e.g. year = {2023}")
            return None
        return int(value)

    def entry_type(self) -> EntryType:
        kind = self.block.entry_type.lower()
        if kind in TYPE_MAP:
            return TYPE_MAP[kind]
        self.warn(CHECK, self.line, f"entry type '@{kind}' is imported as misc",
                  f"catalogue types: {', '.join(sorted(set(TYPE_MAP.values())))}")
        return "misc"

    def ids(self) -> dict[str, str]:
        ids: dict[str, str] = {}
        eprint = self.identifier("eprint") or None
        prefix = (self.values.get("archiveprefix") or self.values.get("eprinttype") or "arXiv").strip("{} ").lower()
        primary = (self.values.get("primaryclass") or self.values.get("eprintclass") or "").strip("{} ")
        if eprint is not None and prefix == "arxiv" and _OLD_EPRINT.fullmatch(eprint) and primary:
            eprint = f"{primary.split('.')[0].lower()}/{eprint}"
        if eprint is not None and prefix == "arxiv":
            ids["arxiv"] = eprint
            self.at(("ids", "arxiv"), "eprint")
        elif eprint is not None:
            self.warn(CHECK, self.lines["eprint"], f"eprint of archive '{prefix}' is ignored",
                      "only arXiv eprints become ids")
        url = self.identifier("url")
        if "arxiv" not in ids:
            for name in ("url", "howpublished", "journal", "note"):
                value = url if name == "url" else self.values.get(name, "").replace("{", "").replace("}", "")
                found = parse_arxiv_id(value) if name == "url" and value else None
                match = None if found else _ARXIV_IN_TEXT.search(value)
                arxiv = found[0] if found else (normalize_arxiv_id(match["id"]) if match else None)
                if arxiv:
                    ids["arxiv"] = arxiv
                    self.at(("ids", "arxiv"), name)
                    break
        doi = self.identifier("doi") or None
        if doi is not None:
            doi = doi_from(doi) or doi
        elif doi_from(url):
            doi = doi_from(url)
            self.lines.setdefault("doi", self.lines["url"])
        if doi is not None:
            ids["doi"] = doi
            self.at(("ids", "doi"), "doi")
            acl = _ACL_DOI.fullmatch(normalize_doi(doi) or "")
            if acl:
                ids["acl"] = _acl_id(acl["id"])
                self.at(("ids", "acl"), "doi")
        acl_url = _ACL_URL.match(url)
        if acl_url and "acl" not in ids:
            ids["acl"] = _acl_id(acl_url["id"])
            self.at(("ids", "acl"), "url")
        openreview = _OPENREVIEW_URL.match(url)
        if openreview:
            ids["openreview"] = openreview["id"]
            self.at(("ids", "openreview"), "url")
        return ids

    def convert(self) -> _Converted:
        bib_key = self.key()
        self.read_fields()
        title = self.text("title")
        if title is None:
            self.missing("title")
        subtitle = self.text("subtitle")
        if title is not None and subtitle:
            title = f"{title.rstrip(':').rstrip()}: {subtitle}"
        self.at(("title",), "title")
        authors = self.authors()
        year = self.year()
        kind = self.entry_type()
        data: dict[str, Any] = {"title": title, "authors": authors, "year": year, "type": kind}
        in_book = kind in ("inproceedings", "incollection")
        venue_fields = ("booktitle", "journal", "journaltitle") if in_book else ("journal", "journaltitle", "booktitle")
        present = [name for name in venue_fields if self.values.get(name)]
        if present:
            data["venue"] = self.text(present[0])
            self.at(("venue",), present[0])
            for other in present[1:]:
                self.warn(CHECK, self.lines[other], f"field '{other}' is ignored: the venue is the {present[0]}")
        for name in ("volume", "number"):
            data[name] = self.text(name)
            self.at((name,), name)
        address = next((n for n in ("address", "location") if self.values.get(n)), None)
        if address:
            data["address"] = self.text(address)
            self.at(("address",), address)
        publisher = next((n for n in ("publisher", "institution", "school") if self.values.get(n)), None)
        if publisher:
            data["publisher"] = self.text(publisher)
            self.at(("publisher",), publisher)
        if self.values.get("pages"):
            # braces only group in pages ({c3}-{c3}): never keep one, it would break the export
            pages = decoded_text(self.values["pages"]).replace("{", "").replace("}", "")
            data["pages"] = _DASHES.sub("--", pages).strip()
            self.at(("pages",), "pages")
        data["ids"] = self.ids()
        primary = next((n for n in ("primaryclass", "eprintclass") if self.values.get(n)), None)
        if primary:
            data["primary_class"] = self.text(primary)
            self.at(("primary_class",), primary)
        url = self.identifier("url")
        if url:
            data["links"] = {"url": url}
            self.at(("links", "url"), "url")
        verified = self.values.get("x-verified")
        note = self.text("note")
        howpublished = self.text("howpublished")
        if verified is not None and decode_latex(verified).lower() == UNVERIFIED:
            data["verified"] = False
            data["verification_note"] = note
            self.at(("verified",), "x-verified")
            self.at(("verification_note",), "note")
            note = None
        notes = [text for text in (howpublished, note) if text]
        if notes:
            data["note"] = ". ".join(text.rstrip(".") for text in notes) if len(notes) > 1 else notes[0]
            self.at(("note",), "howpublished" if howpublished else "note")
        data["source"] = self.source
        data["added"] = self.today
        unknown = [name for name in self.values if name not in KNOWN_FIELDS]
        if unknown:
            self.warn(CHECK, self.line, f"fields ignored: {', '.join(unknown)}",
                      "the catalogue has no place for them")
        entry: Entry | None = None
        if not any(i.is_error for i in self.issues):
            entry = self._model(data)
        return _Converted(bib_key, self.line, entry, self.positions, self.issues)

    def _model(self, data: dict[str, Any]) -> Entry | None:
        cleaned = {name: value for name, value in data.items() if value not in (None, "", [], {})}
        try:
            return Entry.model_validate(cleaned)
        except ValidationError as exc:
            for err in exc.errors():
                dotted = ".".join(str(part) for part in err["loc"])
                message = err["msg"].removeprefix("Value error, ")
                self.error("schema", self.line, f"field '{dotted}': {message}")
            return None


def _acl_id(text: str) -> str:
    """ACL Anthology ids: new style lower case (2022.naacl-main.341), old style upper (P19-1001)."""
    return text.upper() if re.fullmatch(r"[A-Za-z][0-9]{2}-[0-9]{4}", text) else text.lower()


# --------------------------------------------------------------------------- the file


def _block_issue(block: bib.ParsingFailedBlock, path: str, first_lines: dict[str, int]) -> Issue:
    line = _line(block.start_line)
    if isinstance(block, bib.DuplicateBlockKeyBlock):
        first = first_lines.get(block.key)
        where = f" (first on line {first})" if first else ""
        return error(CHECK, path, line, f"duplicate key '{block.key}'{where}", "give each entry its own key")
    if isinstance(block, bib.DuplicateFieldKeyBlock):
        names = ", ".join(f"'{k}'" for k in sorted(block.duplicate_keys))
        return error(CHECK, path, line, f"field {names} is given twice", "keep one of them")
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
    hint = "check the braces and commas of this entry" if "Unexpected" in reason else ""
    return error(CHECK, path, line, reason.strip().rstrip("."), hint)


INHERITED = ("booktitle", "year", "publisher", "address", "volume", "journal", "journaltitle", "date")
"""The fields an entry takes from the entry its ``crossref`` names, when it has none of its own."""


def _inherit_crossrefs(library: Library, path: str) -> tuple[set[str], list[Issue]]:
    """Give every entry with a ``crossref`` the fields it lacks from the entry named (the
    parent's ``title`` becomes the child's ``booktitle``, as BibTeX's styles and biber do).
    Return the keys of ``@proceedings`` parents, read only for their children, and the issues."""
    by_key = {entry.key.lower(): entry for entry in library.entries}
    parents: set[str] = set()
    issues: list[Issue] = []
    for entry in library.entries:
        ref = next((f for f in entry.fields if f.key.lower() == "crossref"), None)
        if ref is None:
            continue
        parent = by_key.get(str(ref.value).strip().lower())
        if parent is None or parent is entry:
            issues.append(error("crossref", path, _line(ref.start_line),
                                f"crossref '{ref.value}' names no other entry in this file",
                                "include the entry it names, or copy its fields"))
            continue
        if parent.entry_type.lower() in ("proceedings", "mvproceedings"):
            parents.add(parent.key)
        own = {f.key.lower() for f in entry.fields}
        inherited = {f.key.lower(): f.value for f in parent.fields}
        if "booktitle" not in inherited and "title" in inherited:
            inherited["booktitle"] = inherited["title"]
        for name in INHERITED:
            if name not in own and name in inherited:
                entry.fields.append(bib.Field(name, inherited[name], start_line=ref.start_line))
    return parents, issues


def parse_bibtex(text: str, path: str, *, source: Source = "curated",
                 today: dt.date | None = None) -> tuple[list[_Converted], list[Issue]]:
    """Parse and convert every entry; return the conversions and the issues of failed blocks."""
    with _quiet_bibtexparser():
        library = parse_string(text, parse_stack=[])  # macros are resolved here, as BibTeX does
    today = today or dt.date.today()
    converted: list[_Converted] = []
    file_issues = _resolve_library(library, path)
    parents, crossref_issues = _inherit_crossrefs(library, path)
    file_issues += crossref_issues
    first_lines = {entry.key: _line(entry.start_line) for entry in library.entries}
    blocks = list(library.blocks)
    for index, block in enumerate(blocks):
        if isinstance(block, bib.ParsingFailedBlock):
            file_issues.append(_block_issue(block, path, first_lines))
        elif isinstance(block, bib.Entry) and block.key in parents:
            continue  # a @proceedings read for its entries' crossref: not a paper
        elif isinstance(block, bib.Entry):
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            reader = _EntryReader(block, path, source, today)
            if isinstance(after, bib.ImplicitComment):
                reader.stray_fields(after)
            converted.append(reader.convert())
    return converted, file_issues


def plan_import(repo: Repository, bib_file: Path, *, source: Source = "curated",
                today: dt.date | None = None) -> ImportPlan:
    """Read ``bib_file`` and decide what to write; writes nothing."""
    shown = repo.display(bib_file)
    plan = ImportPlan(path=shown)
    text, problems = read_text(bib_file, shown, MAX_IMPORT_BYTES)
    if text is None:
        raise SymkdError(problems)
    converted, file_issues = parse_bibtex(text, shown, source=source, today=today)
    plan.issues.extend(file_issues)
    plan.failed.extend(Failed(None, issue.line) for issue in file_issues)
    if not converted and not file_issues:
        raise SymkdError([error(CHECK, shown, 0, "no BibTeX entries in this file")])

    catalogue = load_catalogue(repo)
    taken = {p.name.removesuffix(ENTRY_SUFFIX) for p in repo.catalogue_dir.glob(f"*{ENTRY_SUFFIX}")}
    existing = SameWorkIndex()
    for loaded in catalogue:
        existing.add(loaded.key, loaded.entry)
    seen_in_file = SameWorkIndex()
    lines_in_file: dict[str, int] = {}
    accepted: list[tuple[_Converted, str]] = []
    for item in converted:
        plan.issues.extend(item.issues)
        if item.failed or item.entry is None:
            plan.failed.append(Failed(item.bib_key, item.line))
            continue
        repeat = existing.find(item.entry)
        if repeat:
            (what, value), key = repeat
            plan.issues.append(warning("duplicate", shown, item.line,
                                       f"'{item.bib_key}' is already in the catalogue as '{key}' "
                                       f"({repo.display(repo.entry_file(key))}, same {what}: {value}): skipped",
                                       "nothing was overwritten"))
            plan.skipped.append(Skipped(item.bib_key, item.line, key))
            continue
        earlier = seen_in_file.find(item.entry)
        if earlier:
            (what, value), key = earlier
            plan.issues.append(warning("duplicate", shown, item.line,
                                       f"'{item.bib_key}' is the same work as '{key}' on line {lines_in_file[key]} "
                                       f"(same {what}: {value}): skipped"))
            plan.skipped.append(Skipped(item.bib_key, item.line, key, repeated_in_file=True))
            continue
        key = _assign_key(item, taken, plan)
        taken.add(key)
        seen_in_file.add(key, item.entry)
        lines_in_file[key] = item.line
        accepted.append((item, key))

    _validate_new(repo, catalogue, accepted, plan)
    plan.issues = sort_issues(plan.issues)
    plan.failed.sort(key=lambda f: f.line)
    return plan


def _assign_key(item: _Converted, taken: set[str], plan: ImportPlan) -> str:
    assert item.entry is not None
    base = key_from_bibtex(item.bib_key) or base_key(item.entry.authors[0], item.entry.year, item.entry.title)
    key = unique_key(base, taken.__contains__)
    if key != item.bib_key:
        reason = f"'{base}' is taken by another work" if key != base else "catalogue keys are lowercase ASCII " \
            "letters, digits and hyphens"
        plan.issues.append(warning("key", plan.path, item.line, f"key '{item.bib_key}' is imported as '{key}'",
                                   reason))
    return key


def _validate_new(repo: Repository, catalogue: Catalogue, accepted: list[tuple[_Converted, str]],
                  plan: ImportPlan) -> None:
    """Run the checks of ``symkd validate`` on the catalogue merged with the new entries.

    Each new entry gets the positions of its .bib fields, so that a check's issue points at
    the .bib line; while checking, each has its own path, so that issues can be told apart.
    """
    merged = Catalogue(entries=dict(catalogue.entries))
    new: dict[str, tuple[_Converted, str]] = {}
    for item, key in accepted:
        assert item.entry is not None
        text = entry_to_yaml(item.entry)
        doc, problems = parse_mapping(text, plan.path)
        if doc is None or Entry.model_validate(doc.data) != item.entry:  # pragma: no cover - a bug guard
            problems = problems or [error("bug", plan.path, item.line, f"'{key}' does not load back as written")]
            plan.issues.extend(problems)
            plan.failed.append(Failed(item.bib_key, item.line))
            continue
        positioned = YamlDocument(data=doc.data, positions=dict(item.positions), key_positions=dict(item.positions))
        merged.entries[key] = LoadedEntry(key, _check_path(plan.path, key), item.entry, positioned)
        new[key] = (item, text)
    by_path: dict[str, list[Issue]] = {}
    shown = {_check_path(plan.path, key): f"on line {item.line}" for key, (item, _) in new.items()}
    for issue in run_checks(merged, repo.load_taxonomy()):
        message = issue.message
        if "\x00" in message:  # another new entry named by its in-memory path: name its .bib line
            for inner, where in shown.items():
                message = message.replace(inner, where)
        by_path.setdefault(issue.path, []).append(dataclasses.replace(issue, path=plan.path, message=message))
    for key, (item, text) in new.items():
        issues = by_path.get(_check_path(plan.path, key), [])
        plan.issues.extend(issues)
        assert item.entry is not None
        if any(i.is_error for i in issues):
            plan.failed.append(Failed(item.bib_key, item.line))
        else:
            plan.new.append(NewEntry(key, item.bib_key, item.line, item.entry, text, repo.entry_file(key)))


def _check_path(path: str, key: str) -> str:
    return f"{path}\x00{key}"


# --------------------------------------------------------------------------- writing


def write_entries(new: list[NewEntry]) -> list[Path]:
    """Create every new file; if one cannot be created, remove the ones this call made."""
    return create_all((item.file, item.text) for item in new)


def import_bibtex(repo: Repository, bib_file: Path, *, source: Source = "curated", skip_invalid: bool = False,
                  dry_run: bool = False, today: dt.date | None = None) -> ImportResult:
    """Import ``bib_file`` into the catalogue of ``repo``.

    All-or-nothing unless ``skip_invalid``: when any entry failed, nothing is written.
    With ``dry_run`` nothing is written either; the plan says what would be.
    """
    plan = plan_import(repo, bib_file, source=source, today=today)
    if dry_run or (plan.failed and not skip_invalid):
        return ImportResult(plan, [], dry_run)
    return ImportResult(plan, write_entries(plan.new), dry_run)
