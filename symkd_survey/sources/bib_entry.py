"""One parsed .bib entry read into a catalogue :class:`~symkd_survey.core.model.Entry`
(:class:`EntryReader`): fields to values, every problem collected as an issue, none raised.

The accidents bibtexparser accepts silently are caught on the raw field values: a missing
comma that merges two fields (``title = {x} year = {2020}`` is one title), ``and and`` or an
empty name in an author list, a key with a space, unbalanced braces, an extra ``}`` that ends
an entry early and leaves its last fields as stray text. Identifiers are read wherever real
bibliographies put them (an arXiv id in ``eprint``, ``url``, ``journal`` or ``note``; a DOI
behind any resolver; ACL Anthology and OpenReview ids from their DOIs and URLs).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bibtexparser import model as bib
from bibtexparser.middlewares.names import InvalidNameError
from pydantic import ValidationError

from symkd_survey.core.identity import normalize_acl_id
from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi, parse_arxiv_id
from symkd_survey.core.issues import Issue, error, warning
from symkd_survey.core.keys import key_from_bibtex
from symkd_survey.core.model import Entry, EntryType, Source
from symkd_survey.core.yamlio import Loc
from symkd_survey.sources.bib_names import drop_more_authors, format_name, split_authors
from symkd_survey.sources.bib_text import MAX_FIELD_CHARS, braces_balanced, decode_latex, decode_tex, decoded_text

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
# previous field was not ended by a comma and swallowed this one (:func:`merged_fields` keeps
# the braces and quotes that close the value itself: ``{\&}c=2`` in a URL is no field ``c``).
_MERGED_FIELD = re.compile(r'(?:[}"][ \t]*\n?|\n)[ \t]*(?P<name>[A-Za-z][A-Za-z0-9_:.+-]*)[ \t]*=[ \t]*["{0-9A-Za-z]')
_STRAY_FIELD = re.compile(r"^[ \t,]*(?P<name>[A-Za-z][A-Za-z0-9_:.+-]*)[ \t]*=", re.MULTILINE)
_BIBTEX_BAD_KEY_CHAR = re.compile(r'[\s,{}"#%\'()=\\~]')
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"(?P<year>[0-9]{4})(?:-[0-9]{2}(?:-[0-9]{2})?)?(?:/.*)?")
"""A biblatex ``date``: ``2024``, ``2024-05``, ``2024-05-01``, or a range starting so."""
_ESCAPED_SPECIAL = re.compile(r"\{\\([_%&#$])\}|\\([_%&#$])|\{\\~(?:\{\})?\}|\\~(?:\{\})?"
                             r"|\{\\textasciitilde\}|\\textasciitilde(?:\{\}|(?![A-Za-z]))")
"""An escaped special in a URL, DOI or eprint as real bibliographies write it: ``\\&``, ``{\\&}``,
``\\~``, ``\\~{}``, ``{\\~{}}``, ``\\textasciitilde{}`` (also ``\\_ \\% \\# \\$``)."""
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


def merged_fields(value: str) -> list[re.Match[str]]:
    """The field names in a raw value that a missing comma merged into it: after a newline, or
    after a ``}`` (``"``) that closes the value itself, not a brace group opened inside it.

    >>> [m["name"] for m in merged_fields("{A Title}\\n  year = {2021}\\n  month = {5}")]
    ['year', 'month']
    >>> merged_fields("https://x.org/a?b=1{\\\\&}c=2")
    []
    """
    found = []
    at = 0
    while (match := _MERGED_FIELD.search(value, at)) is not None:
        if value[match.start()] in '}"' and not _closes_value(value, match.start()):
            at = match.start() + 1  # a group of the value closes here; a line break after it may still count
            continue
        found.append(match)
        at = match.end()
    return found


def _closes_value(value: str, at: int) -> bool:
    """Whether the ``}`` or ``"`` at ``at`` ends the value: no brace is open before it but the
    value's own enclosing one (kept when the value is faulty)."""
    opened: list[int] = []
    for index in range(at):
        if value[index] == "{":
            opened.append(index)
        elif value[index] == "}" and opened:
            opened.pop()
    return opened in ([], [0])


def unescape_identifier(value: str) -> str:
    r"""A URL, DOI or eprint with its escaped specials undone: LaTeX escapes in a ``url`` field are
    what the ``url`` package would print literally, so ``{\&}`` is an ``&`` of the URL.

    >>> print(unescape_identifier(r"https://x.org/{\~{}}a/b\_c?d=1{\&}e=50\%25\#top"))
    https://x.org/~a/b_c?d=1&e=50%25#top
    >>> print(unescape_identifier(r"https://x.org/\textasciitilde{}a/{\textasciitilde}b/\~c"))
    https://x.org/~a/~b/~c
    """
    if "\\" not in value:
        return value
    return _ESCAPED_SPECIAL.sub(lambda m: m.group(1) or m.group(2) or "~", value)


def _is_arxiv_page(url: str, arxiv: str | None) -> bool:
    """Whether ``url`` is the arXiv page of the entry's own id, unversioned (what ``symkd export
    bibtex`` writes for an entry with only an arXiv id): the id says it, so no link is kept.

    >>> _is_arxiv_page("https://arxiv.org/abs/2101.00001", "2101.00001")
    True
    >>> _is_arxiv_page("https://arxiv.org/abs/2101.00001v2", "2101.00001")
    False
    """
    return arxiv is not None and "/abs/" in url and parse_arxiv_id(url) == (arxiv, None)


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


def bib_line(block_line: int | None) -> int:
    """The 1-based line of a bibtexparser block or field (``start_line`` is 0-based)."""
    return (block_line or 0) + 1


@dataclass(slots=True)
class Converted:
    """One .bib entry as read: the entry (None when it could not be made), where each of its
    fields came from, and the issues found."""

    bib_key: str
    line: int
    entry: Entry | None
    positions: dict[Loc, tuple[int, int]]
    issues: list[Issue]

    @property
    def failed(self) -> bool:
        return self.entry is None or any(i.is_error for i in self.issues)


class EntryReader:
    """Converts one parsed BibTeX entry; every problem is collected, none raises."""

    def __init__(self, block: bib.Entry, path: str, source: Source, today: dt.date) -> None:
        self.block = block
        self.path = path
        self.source = source
        self.today = today
        self.line = bib_line(block.start_line)
        self.issues: list[Issue] = []
        self.values: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.positions: dict[Loc, tuple[int, int]] = {(): (self.line, 1)}
        self.swallowed: set[str] = set()
        self.more_authors = False  # the author list ended with "and others" or "et al."

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
            line = bib_line(item.start_line)
            value = item.value if isinstance(item.value, str) else str(item.value)
            if name in self.values:
                self.error(CHECK, line, f"field '{name}' is given twice (first on line {self.lines[name]})",
                           "keep one of them")
                continue
            self.values[name] = value
            self.lines[name] = line
            merged = merged_fields(value)
            for found in merged:
                at = line + value[: found.start("name")].count("\n")
                self.swallowed.add(found["name"].lower())
                self.error(CHECK, at, f"missing comma before field '{found['name']}': "
                           f"it was read as part of '{name}'", "end every field with a comma")
            if not merged and not braces_balanced(value):
                self.error(CHECK, line, f"unbalanced braces in field '{name}'", "every '{' needs its '}'")

    def stray_fields(self, comment: bib.ImplicitComment) -> None:
        """Text right after the entry that reads like its fields: an extra '}' ended it early."""
        raw = comment.raw or comment.comment
        found = list(_STRAY_FIELD.finditer(raw))
        if not found:
            return
        names = [m["name"].lower() for m in found]
        self.swallowed.update(names)
        at = bib_line(comment.start_line) + raw[: found[0].start("name")].count("\n")
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
        return unescape_identifier(value)

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
        self.more_authors = drop_more_authors(names) is not None  # a mark, never a person
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

    def convert(self) -> Converted:
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
        raw_title = self.values.get("title")
        if title is not None and "$" in title and raw_title and not subtitle:
            # Mathematics the decoder cannot write as text: a readable title for the catalogue
            # (O(n²)), and the .bib's own TeX as the BibTeX title, written back once, not escaped.
            readable, _ = decode_tex(raw_title)
            if "$" not in readable:
                data["title"] = readable
                data["bibtex"] = {"title": " ".join(raw_title.split())}
                self.at(("bibtex", "title"), "title")
        if self.more_authors:
            data["more_authors"] = True
            self.at(("more_authors",), "author")
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
        if url and not _is_arxiv_page(url, data["ids"].get("arxiv")):
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
        return Converted(bib_key, self.line, entry, self.positions, self.issues)

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
    """ACL Anthology ids as the identity of a work spells them
    (:func:`symkd_survey.core.identity.normalize_acl_id`)."""
    return normalize_acl_id(text) or text

