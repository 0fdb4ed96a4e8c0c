"""People and venues across the catalogue: one identity per person, one per venue.

A person is written in many ways across bibliographies ("Choi, Yejin", "Choi, Y."). Here the
identity of a name is its family name and given names, folded (case, accents, punctuation);
a name given only by initials is joined to the one full name in the catalogue with the same
family name and matching initials, when there is exactly one (two people who share a family
name and initials are kept apart rather than merged by guesswork).

Venues are grouped by a folded form of the venue string with years, ordinals and the
"Proceedings of the" boilerplate removed, so that the 2022 and 2023 editions of a conference
are one venue.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from symkd_survey.core.names import Name


def fold(text: str) -> str:
    """Lower-case ASCII letters, digits and single spaces.

    >>> fold("Müller-Lüdenscheidt, J.-P.")
    'muller ludenscheidt j p'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def _initials(given: str) -> str:
    return "".join(part[0] for part in fold(given).split())


def _is_initials(given: str) -> bool:
    return all(len(part) == 1 for part in fold(given).split())


def _full(name: Name) -> str:
    """The folded name in stored order (family, suffix, given): a person's identity."""
    return fold(" ".join((name.family, name.suffix, name.given)))


@dataclass(slots=True)
class Group:
    """Papers that share one person or one venue."""

    slug: str
    """A stable anchor: the folded name with hyphens (``choi-yejin``)."""
    names: list[str] = field(default_factory=list)
    """Every spelling seen, the most frequent first."""
    keys: list[str] = field(default_factory=list)
    """The catalogue keys of its papers."""

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def letter(self) -> str:
        first = self.slug[:1]
        return first if first.isalpha() else "0"


def people(authors: Mapping[str, Sequence[str]]) -> dict[str, Person]:
    """Every person of the catalogue by slug, from ``key -> author names``.

    >>> found = people({"a": ["Choi, Yejin", "Le Bras, Ronan"], "b": ["Choi, Y."], "c": ["Choi, Yejin"]})
    >>> found["choi-yejin"].keys, found["choi-yejin"].names
    (['a', 'b', 'c'], ['Choi, Yejin', 'Choi, Y.'])
    """
    identity: dict[str, str] = {}
    full_by_initials: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for names in authors.values():
        for name in names:
            parsed = Name.parse(name)
            if parsed.given and not _is_initials(parsed.given):
                full_by_initials[(fold(parsed.family), _initials(parsed.given))].add(_full(parsed))
    counts: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    found: dict[str, Person] = {}
    for key, names in authors.items():
        for name in names:
            ident = identity.get(name)
            if ident is None:
                parsed = Name.parse(name)
                ident = _full(parsed) or fold(name) or "anonymous"
                if parsed.given and _is_initials(parsed.given):
                    matches = full_by_initials.get((fold(parsed.family), _initials(parsed.given)), set())
                    if len(matches) == 1:
                        ident = next(iter(matches))
                identity[name] = ident
            slug = ident.replace(" ", "-")
            person = found.setdefault(slug, Person(slug))
            if key not in person.keys:
                person.keys.append(key)
            counts[slug][name] += 1
    for slug, person in found.items():
        person.names = sorted(counts[slug], key=lambda n: (-counts[slug][n], n))
    return found


_VENUE_NOISE = re.compile(r"\b(19|20)\d\d\b|\b\d+(st|nd|rd|th)\b|\bproceedings of( the)?\b|\bvolume \d+\b")


def venue_identity(venue: str) -> str:
    """The folded identity of a venue: years, ordinals and "Proceedings of the" removed.

    >>> venue_identity("Proceedings of the 61st Annual Meeting of the ACL (ACL 2023)")
    'annual meeting of the acl acl'
    >>> venue_identity("International Conference on Learning Representations")
    'international conference on learning representations'
    """
    return " ".join(_VENUE_NOISE.sub(" ", fold(venue)).split())


Person = Group
Venue = Group


def venues(entries: Iterable[tuple[str, str | None]]) -> dict[str, Venue]:
    """Every venue by slug, from ``(key, venue)`` pairs; entries without a venue are left out."""
    found: dict[str, Venue] = {}
    counts: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, venue in entries:
        if not venue:
            continue
        slug = venue_identity(venue).replace(" ", "-")[:80] or "venue"
        item = found.setdefault(slug, Venue(slug))
        item.keys.append(key)
        counts[slug][venue] += 1
    for slug, item in found.items():
        item.names = sorted(counts[slug], key=lambda n: (-counts[slug][n], len(n), n))
    return found
