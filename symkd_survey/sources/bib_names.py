"""Author lists of a .bib entry: split at top-level ``and`` (:func:`split_authors`), a trailing
"and others" or "et al." taken off (:func:`drop_more_authors`; the entry keeps it as
``more_authors``), each name as "Family, Given" (:func:`format_name`).

Lists are split before decoding, so a braced corporate name (``{Barnes and Noble}``) stays one
name. A name is read as BibTeX and biblatex write it: ``First von Last``, ``von Last, First``,
``von Last, Jr, First`` (parsed by bibtexparser's ``parse_single_name_into_parts``), or
biblatex's extended form ``family=Smith, given=John, prefix=van, useprefix=true``.

What the catalogue stores (:mod:`symkd_survey.core.names`): the von part or biblatex prefix stays
in the family part (``"van den Driessche, George"``; ``useprefix`` only steers sorting and is not
kept), and a Jr part joins the family part after a space (``"King Jr., Martin"``), because the
catalogue's author check allows one comma only. A braced family part with a comma in it
(``{Bell, II}, Alexander``) is one family part to BibTeX; when what follows its comma is a
suffix (``Jr.``, ``II``), it is read as that suffix, and otherwise the name cannot be stored.
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

from symkd_survey.core.names import Name
from symkd_survey.sources.bib_text import braces_balanced, decoded_text


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

    It is never imported as a person (``"al., et"``): the caller sets the entry's
    ``more_authors`` flag instead. Returns the mark as written, or ``None``.

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


_SUFFIX = re.compile(r"(?:[JS]r\.?|[IVX]+|[0-9]+(?:st|nd|rd|th))", re.IGNORECASE)
"""A name suffix as written after a comma: ``Jr.``, ``Sr``, ``II``, ``III``, ``3rd``."""

_EXTENDED_KEY = re.compile(r"\s*(?P<key>[A-Za-z][A-Za-z-]*)\s*=(?P<value>.*)", re.DOTALL)
EXTENDED_PARTS = ("family", "given", "prefix", "suffix")
"""The name parts of biblatex's extended name format; its other keys (``useprefix``,
``given-i``, ...) say how to print or sort a name, not what it is, and are not kept."""


def _top_level_split(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside braces."""
    parts: list[str] = []
    depth = start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] + value[-1] in ("{}", '""') and braces_balanced(value[1:-1]):
        return value[1:-1]
    return value


def extended_name(raw: str) -> dict[str, str] | None:
    """The parts of a name in biblatex's extended format, or ``None`` for a name not in it.

    >>> extended_name("family=Smith, given={John Paul}, prefix=van, useprefix=true")
    {'family': 'Smith', 'given': 'John Paul', 'prefix': 'van', 'useprefix': 'true'}
    >>> extended_name("Smith, John") is None, extended_name("{family=Smith}") is None
    (True, True)
    """
    parts: dict[str, str] = {}
    for part in _top_level_split(raw):
        found = _EXTENDED_KEY.fullmatch(part)
        if found is None:
            return None
        parts[found["key"].lower()] = _unquoted(found["value"])
    return parts if parts.keys() & {"family", "given"} else None


def _suffix_in_family(family: str) -> tuple[str, str] | None:
    """A braced family part with a comma (``{Bell, II}``) as family and suffix, or ``None``."""
    head, _, tail = family.rpartition(",")
    return (head.strip(), tail.strip()) if head.strip() and _SUFFIX.fullmatch(tail.strip()) else None


def read_name(raw: str) -> Name:
    """One BibTeX or biblatex name as its parts (decoded): von or prefix in the family part.

    Raises ``InvalidNameError`` for a name that is not one.

    >>> read_name("Bell, II, Alexander"), read_name("{Bell, II}, Alexander")
    (Name(family='Bell', given='Alexander', suffix='II'), Name(family='Bell', given='Alexander', suffix='II'))
    >>> read_name("family=Driessche, given=George, prefix={van den}, useprefix=false")
    Name(family='van den Driessche', given='George', suffix='')
    """
    extended = extended_name(raw)
    if extended is not None:
        if not extended.get("family"):
            raise InvalidNameError(raw, "a biblatex name needs its 'family=' part")
        family, given, prefix, suffix = (decoded_text(extended.get(k, "")) for k in EXTENDED_PARTS)
        return Name(" ".join(p for p in (prefix, family) if p), given, suffix)
    parts = parse_single_name_into_parts(raw, strict=True)
    family = decoded_text(" ".join([*parts.von, *parts.last]))
    given = decoded_text(" ".join(parts.first))
    suffix = decoded_text(" ".join(parts.jr))
    if "," in family:
        split = _suffix_in_family(family) if not suffix else None
        if split is None:
            raise InvalidNameError(raw, f"its family part '{family}' has a comma, which a catalogue name cannot hold")
        family, suffix = split
    if "," in given or "," in suffix:
        raise InvalidNameError(raw, f"'{given if ',' in given else suffix}' has a comma, which a catalogue name "
                               "cannot hold")
    return Name(family, given, suffix)


def stored_name(name: Name) -> str:
    """The catalogue's one-comma form of ``name``: a suffix joins the family part.

    >>> stored_name(Name("King", "Martin", "Jr.")), stored_name(Name("OpenAI"))
    ('King Jr., Martin', 'OpenAI')
    """
    if name.suffix:
        return Name(f"{name.family} {name.suffix}", name.given).stored()
    return name.stored()


def format_name(raw: str) -> str:
    """One BibTeX or biblatex name as the catalogue stores it (:func:`read_name`,
    :func:`stored_name`); a name with no given part stays whole.

    >>> format_name("Jena D. Hwang"), format_name("Le Bras, Ronan"), format_name("{OpenAI}")
    ('Hwang, Jena D.', 'Le Bras, Ronan', 'OpenAI')
    >>> format_name(r"Ludwig van Beethoven"), format_name(r"Rockt{\\"a}schel, Tim")
    ('van Beethoven, Ludwig', 'Rocktäschel, Tim')
    >>> format_name("King, Jr., Martin Luther"), format_name("family=Smith, given=John, prefix=van")
    ('King Jr., Martin Luther', 'van Smith, John')
    """
    return stored_name(read_name(raw))
