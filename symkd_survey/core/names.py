"""One author name, parsed once: :class:`Name`, and every form the exports and pages write.

Entry files store a person as ``"Family, Given"`` (``"Le Bras, Ronan"``: the family part keeps
its particles, as BibTeX's ``von Last`` does), a name with a suffix as ``"Family, Suffix, Given"``
(BibTeX's ``von Last, Jr, First``), and a corporate author as one part (``"OpenAI"``). This
module is the one place that splits that text; keys, exports, people and the importers ask a
:class:`Name` for the part or form they need instead of splitting the string again.

The split is at commas, as written: a comma inside braces is not special (the catalogue's names
are plain decoded text, and the check of author lists allows at most one comma). There is no
separate ``von`` field: the stored form already keeps the particle in the family part
(``"van den Driessche, George"``), and BibTeX reads it back from there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

OTHERS = "others"
"""BibTeX's keyword for "and others" at the end of an author list: a mark, not a person."""


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name (family, given, suffix) or, with only ``family``, a single-part name
    (a corporate author, a mononym).

    >>> Name.parse("Le Bras, Ronan")
    Name(family='Le Bras', given='Ronan', suffix='')
    >>> Name.parse("King, Jr., Martin Luther"), Name.parse("OpenAI").single
    (Name(family='King', given='Martin Luther', suffix='Jr.'), True)
    """

    family: str
    """The family part with its particles (``"Le Bras"``, ``"van den Driessche"``); for a
    single-part name, the whole name."""
    given: str = ""
    suffix: str = ""
    """``Jr.``, ``III``, ...: the middle part of ``"Family, Suffix, Given"``."""

    @staticmethod
    def parse(text: str) -> Name:
        """The name stored as ``text``: ``"Family, Given"``, ``"Family, Suffix, Given"`` or one
        part; white space is collapsed in each part. Parsed names are cached (one catalogue
        names the same people many times).

        >>> Name.parse("  van den  Driessche ,George "), Name.parse("DeepSeek-AI")
        (Name(family='van den Driessche', given='George', suffix=''), Name(family='DeepSeek-AI', given='', suffix=''))
        """
        return _parse(text)

    @property
    def single(self) -> bool:
        """Whether the name is one part only (no given name, no suffix): a corporate author."""
        return not self.given and not self.suffix

    def stored(self) -> str:
        """The form of entry files: ``"Family, Given"``, ``"Family, Suffix, Given"``, ``"Family"``.

        >>> Name("Hwang", "Jena D.").stored(), Name("King", "Martin", "Jr.").stored(), Name("OpenAI").stored()
        ('Hwang, Jena D.', 'King, Jr., Martin', 'OpenAI')
        """
        if self.suffix:
            return f"{self.family}, {self.suffix}, {self.given}"
        return f"{self.family}, {self.given}" if self.given else self.family

    def bibtex(self, *, braces: str = "{}") -> str:
        """The name as BibTeX reads it (plain text, not yet escaped): the stored form, with a
        single-part name braced so that BibTeX takes it whole (``{BigScience Workshop}`` is not
        family "Workshop"). ``braces`` are the two characters to brace with, for a caller that
        escapes the text afterwards and puts the real braces back.

        >>> Name.parse("Le Bras, Ronan").bibtex(), Name.parse("BigScience Workshop").bibtex()
        ('Le Bras, Ronan', '{BigScience Workshop}')
        >>> Name.parse("King, Jr., Martin").bibtex()
        'King, Jr., Martin'
        """
        return f"{braces[0]}{self.family}{braces[1]}" if self.single else self.stored()

    def csl(self) -> dict[str, str]:
        """The name as a CSL-JSON name object: ``family``, ``given``, ``suffix`` (the empty ones
        left out), or ``literal`` for a single-part name.

        >>> Name.parse("Le Bras, Ronan").csl(), Name.parse("OpenAI").csl()
        ({'family': 'Le Bras', 'given': 'Ronan'}, {'literal': 'OpenAI'})
        >>> Name.parse("King, Jr., Martin").csl()
        {'family': 'King', 'given': 'Martin', 'suffix': 'Jr.'}
        """
        if self.single:
            return {"literal": self.family}
        parts = (("family", self.family), ("given", self.given), ("suffix", self.suffix))
        return {key: value for key, value in parts if value}

    def ris(self) -> str:
        """The name as an RIS ``AU`` line wants it: ``"Family, Given"``, ``"Family, Given, Suffix"``.

        >>> Name.parse("Doe, Jane").ris(), Name.parse("King, Jr., Martin").ris(), Name.parse("OpenAI").ris()
        ('Doe, Jane', 'King, Martin, Jr.', 'OpenAI')
        """
        if self.suffix:
            return f"{self.family}, {self.given}, {self.suffix}"
        return self.stored()

    def display(self) -> str:
        """Reading order, for pages and for comparing with arXiv's names: ``"Given Family Suffix"``.

        >>> Name.parse("Le Bras, Ronan").display(), Name.parse("King, Jr., Martin").display()
        ('Ronan Le Bras', 'Martin King Jr.')
        >>> Name.parse("OpenAI").display()
        'OpenAI'
        """
        return " ".join(part for part in (self.given, self.family, self.suffix) if part)

    def sort_key(self) -> tuple[str, str, str]:
        """Family, given, suffix: case-folded, accents removed (``"Élan"`` sorts with ``"Elan"``).

        >>> sorted(["Zhu, Amy", "Élan, Bo", "elan, Al"], key=lambda n: Name.parse(n).sort_key())
        ['elan, Al', 'Élan, Bo', 'Zhu, Amy']
        """
        return (_sortable(self.family), _sortable(self.given), _sortable(self.suffix))


def _sortable(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _clean(part: str) -> str:
    return " ".join(part.split())


@lru_cache(maxsize=16384)
def _parse(text: str) -> Name:
    parts = text.split(",", 2)
    if len(parts) == 1:
        return Name(_clean(text))
    if len(parts) == 2:
        return Name(_clean(parts[0]), _clean(parts[1]))
    return Name(_clean(parts[0]), _clean(parts[2]), _clean(parts[1]))
