"""Reading a .bib file: bibtexparser v2 splits it, every ``@string`` and value expression is
resolved, ``crossref`` fields are inherited, and each entry is read by
:class:`~symkd_survey.sources.bib_entry.EntryReader` (:func:`parse_bibtex`). Pure: nothing is
compared with the catalogue or written here.

bibtexparser's failed blocks (``library.failed_blocks``, 0-based ``start_line``, reason in
``error.abort_reason``) become issues with 1-based lines; one bad block never hides the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

from bibtexparser import model as bib
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library

from symkd_survey.core.issues import Issue, error
from symkd_survey.core.model import Source
from symkd_survey.sources.bib_entry import CHECK, Converted, EntryReader, bib_line
from symkd_survey.sources.bib_macros import UndefinedMacroError, resolve_value, strip_enclosing
from symkd_survey.sources.bib_text import MAX_FIELD_CHARS


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


def _resolve_library(library: Library, path: str) -> list[Issue]:
    """Resolve every ``@string`` (in file order, each seeing the earlier ones) and every field
    value in place; an undefined macro in a field the import reads is an error naming it."""
    issues: list[Issue] = []
    macros: dict[str, str] = {}
    for string in library.strings:
        try:
            value = resolve_value(str(string.value), macros)
        except UndefinedMacroError as exc:
            issues.append(error("macro", path, bib_line(string.start_line),
                                f"@string '{string.key}' uses undefined macro '{exc.name}'",
                                f"define '{exc.name}' before it"))
            continue
        value = strip_enclosing(str(string.value)) if value is None else value
        if len(value) > MAX_FIELD_CHARS:  # macros of macros grow exponentially: bound every one
            issues.append(error("size", path, bib_line(string.start_line),
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
                undefined.append((item.key.lower(), exc.name, bib_line(item.start_line)))
                value = None
            item.value = strip_enclosing(raw) if value is None else value
        entry.parser_metadata["symkd_undefined_macros"] = undefined
    return issues


def _block_issue(block: bib.ParsingFailedBlock, path: str, first_lines: dict[str, int]) -> Issue:
    line = bib_line(block.start_line)
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
            issues.append(error("crossref", path, bib_line(ref.start_line),
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
                 today: dt.date | None = None) -> tuple[list[Converted], list[Issue]]:
    """Parse and convert every entry; return the conversions and the issues of failed blocks."""
    with _quiet_bibtexparser():
        library = parse_string(text, parse_stack=[])  # macros are resolved here, as BibTeX does
    today = today or dt.date.today()
    converted: list[Converted] = []
    file_issues = _resolve_library(library, path)
    parents, crossref_issues = _inherit_crossrefs(library, path)
    file_issues += crossref_issues
    first_lines = {entry.key: bib_line(entry.start_line) for entry in library.entries}
    blocks = list(library.blocks)
    for index, block in enumerate(blocks):
        if isinstance(block, bib.ParsingFailedBlock):
            file_issues.append(_block_issue(block, path, first_lines))
        elif isinstance(block, bib.Entry) and block.key in parents:
            continue  # a @proceedings read for its entries' crossref: not a paper
        elif isinstance(block, bib.Entry):
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            reader = EntryReader(block, path, source, today)
            if isinstance(after, bib.ImplicitComment):
                reader.stray_fields(after)
            converted.append(reader.convert())
    return converted, file_issues
