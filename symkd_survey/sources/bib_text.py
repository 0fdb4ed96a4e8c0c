"""The text of a .bib value: LaTeX decoded to Unicode (:func:`decode_latex`), then the one rule
for text (:func:`decoded_text`), and whether its braces pair up (:func:`braces_balanced`).

The decoder is bibtexparser's ``LatexDecodingMiddleware`` (pylatexenc), applied to one value at a
time; every value read is bounded first (:data:`MAX_FIELD_CHARS`), since decoding is slow.
"""

from __future__ import annotations

import unicodedata

from bibtexparser import model as bib
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware

from symkd_survey.core.latex import UnbalancedBracesError, check_braces, decode_commands
from symkd_survey.core.text import LIMITS, clean

MAX_FIELD_CHARS = 2 * LIMITS["abstract"]
"""The longest raw field value read (LaTeX markup included); longer ones are refused unread."""

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


def braces_balanced(text: str) -> bool:
    """Braces pair up as BibTeX counts them (:func:`symkd_survey.core.latex.check_braces`)."""
    try:
        check_braces(text)
    except UnbalancedBracesError:
        return False
    return True
