"""The one rule for text: what any string a contributor, an importer or a network answer hands
the tool may hold, and how long it may be.

Every string field of every model is checked by :func:`text_problem` (through the annotated
types in :mod:`symkd_survey.core.model`), and the importers and forms clean their input with
:func:`clean` before it reaches a model. The rule exists because one odd character is enough to
break something downstream for everyone: a C1 control (U+0085 is a line break to YAML) breaks a
generated page's front matter, a bidi override makes a title read differently from what it is,
a lone surrogate cannot be written as UTF-8 at all, an unpaired combining mark has no LaTeX form.

Refused everywhere:

- C0 and C1 control characters and DEL (tab and newline only in fields of several lines);
- the line and paragraph separators U+2028/U+2029;
- Unicode non-characters (U+FDD0-U+FDEF and the last two code points of every plane);
- lone surrogates;
- bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
  implicit marks U+200E/U+200F/U+061C, and zero-width or invisible format characters that
  change nothing a reader can see (U+200B, U+2060-U+2064, U+FEFF; U+200C/U+200D, which some
  scripts need, are allowed);
- text that starts with a combining mark (nothing for it to combine with);
- text not in Unicode NFC form (the hint gives the NFC form);
- text longer than its field's limit (:data:`LIMITS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Final

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Upper bounds on the length (in characters) of each kind of field. Generous for real data
# (the longest shipped title is about 200 characters, the longest author list 390 names), tight
# enough that no input can make a check, a message or the site do unbounded work.
LIMITS: Final[dict[str, int]] = {
    "title": 500,
    "name": 200,
    "venue": 500,
    "summary": 1000,
    "abstract": 10_000,
    "note": 2000,
    "url": 2000,
    "id": 200,
    "label": 64,
    "short": 300,
    "reason": 1000,
}
"""The maximum length of each kind of text field."""

MAX_ITEMS: Final[int] = 2000
"""The most items any list in an entry may hold (authors, cites, references, labels)."""

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060-\u2064\ufeff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff\U0005fffe\U0005ffff"
    "\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff"
    "\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff"
    "\U0010fffe\U0010ffff]"
)
_LINE_BREAKS = re.compile("[\t\n]")


def describe(char: str) -> str:
    """A character as a message shows it: ``U+0085 (NEXT LINE)``.

    >>> describe("\\u202e")
    'U+202E (RIGHT-TO-LEFT OVERRIDE)'
    """
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name:
        name = {0x85: "NEXT LINE", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN", 0x09: "TAB"}.get(code, "")
    if not name and (0xD800 <= code <= 0xDFFF):
        name = "lone surrogate"
    if not name and (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
        name = "non-character"
    if not name and unicodedata.category(char) == "Cc":
        name = "control character"
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def text_problem(value: str, kind: str = "short", *, multiline: bool = False) -> str | None:
    """What is wrong with ``value`` as text of ``kind`` (a key of :data:`LIMITS`), or None.

    >>> text_problem("Symbolic Knowledge Distillation", "title") is None
    True
    >>> text_problem("x\\u0085y", "title")
    'character 2 is U+0085 (NEXT LINE), which is not allowed in text'
    >>> text_problem("e\\u0301t\\u00e9", "title")
    "text is not in Unicode NFC form (write it as 'été')"
    >>> text_problem("a" * 501, "title")
    'text is 501 characters long; the limit is 500'
    """
    limit = LIMITS[kind]
    if len(value) > limit:
        return f"text is {len(value)} characters long; the limit is {limit}"
    if value.isascii() and value.isprintable():  # the common case: nothing below can apply (C-speed test)
        return None
    match = _FORBIDDEN.search(value)
    if match is not None:
        return f"character {match.start() + 1} is {describe(match.group())}, which is not allowed in text"
    if not multiline and (match := _LINE_BREAKS.search(value)) is not None:
        return f"character {match.start() + 1} is {describe(match.group())}: write this field on one line"
    if value and unicodedata.combining(value[0]):
        return f"text starts with the combining mark {describe(value[0])}, which has nothing to combine with"
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        return f"text is not in Unicode NFC form (write it as {shorten(unicodedata.normalize('NFC', value))!r})"
    return None


def clean(value: str, *, multiline: bool = False) -> str:
    """``value`` made to follow the rule where that loses nothing a reader sees: NFC, forbidden
    characters dropped (line breaks and tabs become spaces unless ``multiline``), runs of white
    space folded. Used by importers and forms on foreign input; lengths are not cut here.

    >>> clean("Te\\u0301st\\u200e  title\\u0085x")
    'Tést title x'
    """
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    if _FORBIDDEN.search(value):
        value = "".join(" " if char in "\x85\r" else "" if _FORBIDDEN.fullmatch(char) else char for char in value)
    value = unicodedata.normalize("NFC", value)
    while value and unicodedata.combining(value[0]):
        value = value[1:]
    if multiline:
        return "\n".join(" ".join(line.split()) for line in value.strip().splitlines())
    return " ".join(value.split())


def shorten(value: str, limit: int = 60) -> str:
    """``value`` cut to at most ``limit`` characters for a message, marking the cut.

    >>> shorten("x" * 100, 10)
    'xxxxxxx...'
    >>> shorten("short")
    'short'
    """
    if len(value) <= limit:
        return value
    return value[: max(limit - 3, 1)] + "..."


# --------------------------------------------------------------------------- as pydantic types


def _rule(kind: str, *, multiline: bool = False) -> Callable[[str], str]:
    """The text rule of :mod:`symkd_survey.core.text` for one kind of field, as a validator."""

    def check(value: str) -> str:
        problem = text_problem(value, kind, multiline=multiline)
        if problem is not None:
            raise PydanticCustomError("text", problem)  # reported under the check name "text"
        return value

    return check


# One annotated type per kind of text: every string field of every model is one of these.
Title = Annotated[str, AfterValidator(_rule("title"))]
NameText = Annotated[str, AfterValidator(_rule("name"))]
VenueText = Annotated[str, AfterValidator(_rule("venue"))]
Summary = Annotated[str, AfterValidator(_rule("summary"))]
Abstract = Annotated[str, AfterValidator(_rule("abstract", multiline=True))]
Note = Annotated[str, AfterValidator(_rule("note"))]
Url = Annotated[str, AfterValidator(_rule("url"))]
IdText = Annotated[str, AfterValidator(_rule("id"))]
Label = Annotated[str, AfterValidator(_rule("label"))]
Short = Annotated[str, AfterValidator(_rule("short"))]
Reason = Annotated[str, AfterValidator(_rule("reason"))]
