"""``@string`` macros and value expressions: what BibTeX reads from ``"Proc. of " # dam # {, 2020}``.

A raw value is split at top-level ``#`` into braced or quoted text, numbers and macro names
(:func:`resolve_value`); the month macros (``nov``) are always defined; an undefined macro is an
:class:`UndefinedMacroError` naming it. A value that is not such an expression (a missing comma
merged two fields, an extra brace) keeps bibtexparser's own reading (:func:`strip_enclosing`), so
that the fault is still recognised where the entry is read.
"""

from __future__ import annotations

import re

from bibtexparser import model as bib
from bibtexparser.library import Library
from bibtexparser.middlewares import RemoveEnclosingMiddleware

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


def strip_enclosing(raw: str) -> str:
    """bibtexparser's ``RemoveEnclosingMiddleware`` on one value: the reading of a value that is
    not an expression (a missing comma, an extra brace), so that the fault is still recognised."""
    holder = bib.Entry("misc", "strip", [bib.Field("value", raw)])
    _ENCLOSING.transform_entry(holder, Library())
    return str(holder.fields[0].value)
