"""Author lists of a .bib entry: split at top-level ``and`` (:func:`split_authors`), a trailing
"and others" or "et al." removed (:func:`drop_more_authors`), each name as "Family, Given"
(:func:`format_name`).

Lists are split before decoding, so a braced corporate name (``{Barnes and Noble}``) stays one
name; the names are parsed by bibtexparser's ``parse_single_name_into_parts``.
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import parse_single_name_into_parts

from symkd_survey.core.names import Name
from symkd_survey.sources.bib_text import decoded_text


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


def drop_more_authors(names: list[str]) -> str | None:
    """Remove a trailing "more authors" mark (``and others``, ``et al.``) from ``names`` in place.

    The entry model has no flag for it yet, so it is dropped (and the caller warns); it is
    never imported as a person (``"al., et"``). Returns the mark as written, or ``None``.

    >>> names = ["Doe, Jane", "others"]; drop_more_authors(names), names
    ('and others', ['Doe, Jane'])
    >>> names = ["Doe, Jane et al."]; drop_more_authors(names), names
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

    A ``Jr`` part stays in the family part (``"King Jr., Martin"``): the catalogue's author
    check allows one comma only, so the importer writes no ``"Family, Suffix, Given"``.

    >>> format_name("Jena D. Hwang"), format_name("Le Bras, Ronan"), format_name("{OpenAI}")
    ('Hwang, Jena D.', 'Le Bras, Ronan', 'OpenAI')
    >>> format_name(r"Ludwig van Beethoven"), format_name(r"Rockt{\\"a}schel, Tim")
    ('van Beethoven, Ludwig', 'Rocktäschel, Tim')
    """
    parts = parse_single_name_into_parts(raw, strict=True)
    family = decoded_text(" ".join([*parts.von, *parts.last, *parts.jr]))
    given = decoded_text(" ".join(parts.first))
    return Name(family, given).stored()
