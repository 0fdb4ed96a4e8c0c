"""The one rule for a new catalogue key: first author's family name + year + first significant
title word (``west2022symbolic``), or a contributor's own BibTeX key made valid, with ``-2``,
``-3``, ... when taken. Used by ``symkd add``, ``symkd import`` and ``symkd from-issue``.

Every key this module returns is valid (:func:`symkd_survey.core.ids.is_valid_key`), whatever the
input: a 200-letter title word or a name with no ASCII letter still gives a key of at most
:data:`~symkd_survey.core.ids.KEY_MAX_LENGTH` characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from symkd_survey.core.ids import KEY_MAX_LENGTH, slugify
from symkd_survey.core.names import Name

STOPWORDS = frozenset({
    "a", "an", "the", "on", "of", "in", "for", "to", "towards", "toward", "and", "with", "from", "by", "at",
    "via", "into", "is", "are", "do", "does", "can", "how", "what", "why", "when", "where", "which", "who",
    "we", "our", "your", "its", "as",
})

_SUFFIX_ROOM = 4  # "-NNN"
_FAMILY_MAX = 20
_WORD_MAX = 24


def title_word(title: str) -> str:
    """The first significant word of a title, as a slug.

    >>> title_word("The Large N Limit of Superconformal Field Theories"), title_word("{I2D2}: Inductive")
    ('large', 'i2d2')
    """
    for word in title.split():
        slug = slugify(word)
        if slug and slug not in STOPWORDS:
            return slug
    return "paper"


def base_key(first_author: str, year: int, title: str) -> str:
    """Family name of the first author + year + first significant title word, cut so that a
    ``-NNN`` suffix still fits.

    >>> base_key("Le Bras, Ronan", 2022, "Symbolic Knowledge Distillation")
    'lebras2022symbolic'
    >>> len(base_key("X" * 100, 2022, "Y" * 100)) <= 60
    True
    """
    family = slugify(Name.parse(first_author).family)[:_FAMILY_MAX] or "anon"
    return f"{family}{year}{title_word(title)[:_WORD_MAX]}"[: KEY_MAX_LENGTH - _SUFFIX_ROOM]


def key_from_bibtex(bib_key: str) -> str:
    """A valid catalogue key from a BibTeX key: ASCII, lowercase, other characters as '-'
    ('' when nothing is left).

    >>> key_from_bibtex("Smith_2020:Deep"), key_from_bibtex("müller2021"), key_from_bibtex("west2022symbolic")
    ('smith-2020-deep', 'muller2021', 'west2022symbolic')
    """
    text = unicodedata.normalize("NFKD", bib_key).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[: KEY_MAX_LENGTH - _SUFFIX_ROOM].rstrip("-")


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... whichever is free first (``base`` shortened
    where the suffix would not fit).

    >>> unique_key("west2022symbolic", {"west2022symbolic"}.__contains__)
    'west2022symbolic-2'
    """
    key, number = base, 1
    while taken(key):
        number += 1
        suffix = f"-{number}"
        key = base[: KEY_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return key
