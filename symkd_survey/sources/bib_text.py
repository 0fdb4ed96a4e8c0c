"""The text of a .bib value: LaTeX decoded to Unicode (:func:`decode_latex`), then the one rule
for text (:func:`decoded_text`), and whether its braces pair up (:func:`braces_balanced`).

The decoder is bibtexparser's ``LatexDecodingMiddleware`` (pylatexenc), applied to one value at a
time; every value read is bounded first (:data:`MAX_FIELD_CHARS`), since decoding is slow.
"""

from __future__ import annotations

import re
import unicodedata

from bibtexparser import model as bib
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware

from symkd_survey.core.latex import LATEX_TO_UNICODE, UnbalancedBracesError, check_braces, decode_commands
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


# --------------------------------------------------------------------------- TeX in titles

_TEX = re.compile(r"[\\$]")
_MATH = re.compile(r"\$([^$]+)\$")
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")  # arXiv's own text has these bare; TeX would eat them
_IDENTIFIER = re.compile(r"\s*[A-Za-z0-9]+\s*")  # math that is a variable or a number: $k$, $n$, $2$
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|([A-Za-z0-9+\-=()]))")
_SCRIPTS = {"^": dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True)),
            "_": dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))}
_COMMAND = re.compile(r"\\[A-Za-z]+")


def _scripts(math: str) -> str:
    """Super- and subscripts as Unicode where every character of one has a script form
    (``n^2`` -> ``n²``, ``x_{10}`` -> ``x₁₀``); others stay for the decoder (``2^k``)."""
    def one(match: re.Match[str]) -> str:
        table = _SCRIPTS[match.group(1)]
        body = match.group(2) if match.group(2) is not None else match.group(3)
        if body and all(char in table for char in body):
            return "".join(table[char] for char in body)
        return match.group()
    return _SCRIPT.sub(one, math)


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _keeps_letters(latex: str, text: str) -> bool:
    """Whether every ASCII letter and digit of ``latex`` outside command names is still in the
    decoded ``text``, in order: the decoder drops what it cannot read (``\\texttt{GPT-4}`` -> "")."""
    found = iter(_letters(text))
    return all(char in found for char in _letters(_COMMAND.sub("", latex)))


def decode_tex(raw: str) -> tuple[str, bool]:
    """TeX in a title (arXiv's, or a .bib field's) as Unicode text, and whether nothing was lost.

    The decoding is :func:`decoded_text`. Math
    it reads as a character (``$\\omega$``), a variable or a number (``$k$``) counts as exact; any
    other math becomes readable text (``$O(n^2)$`` -> ``O(n²)``, ``$\\mathcal{O}(1)$`` -> ``𝒪(1)``)
    but not exact. A decoding that drops letters is refused: the text is returned unchanged.

    >>> decode_tex(r"$\\omega$Test: 100\\% of $k$-NN in {\\em one} \\textit{go}")
    ('ωTest: 100% of k-NN in one go', True)
    >>> decode_tex(r"Sorting in $O(n^2)$ & $\\mathcal{O}(1)$ space")
    ('Sorting in O(n²) & 𝒪(1) space', False)
    """
    text = " ".join(raw.split())
    if _TEX.search(text) is None:
        return text, True
    exact = True

    def math(match: re.Match[str]) -> str:
        nonlocal exact
        if match.group() in LATEX_TO_UNICODE:  # $\alpha$: the decoder's own table reads it
            return match.group()
        body = match.group(1)
        if _IDENTIFIER.fullmatch(body):
            return body.strip()
        exact = False
        return "{" + _scripts(body) + "}"  # the decoder's text mode reads \mathcal, \log, \alpha

    prepared = _BARE_SPECIAL.sub(r"\\\1", _MATH.sub(math, text))
    decoded = decoded_text(prepared)
    if not decoded or not _keeps_letters(prepared, decoded):
        return text, False
    return decoded, exact
