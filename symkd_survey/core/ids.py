"""Small pure functions for identifiers: catalogue keys, arXiv ids, DOIs, URLs and titles.

Each returns a normalised value or ``None``; none of them raises on bad input. The one issue
for a key the catalogue does not have, with the closest key as a suggestion, is
:func:`unknown_key`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from symkd_survey.core.issues import Issue, error

KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
KEY_MAX_LENGTH = 64

# New-style (0704.0001 onward; five digits after the dot since 1501) and old-style ids.
_ARXIV_NEW = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")
_ARXIV_OLD = re.compile(r"(?P<id>[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?")
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<rest>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def is_valid_key(key: str) -> bool:
    """A catalogue key: lowercase ASCII letters, digits and hyphens, starting alphanumeric.

    >>> is_valid_key("west2022symbolic"), is_valid_key("West2022"), is_valid_key("-a")
    (True, False, False)
    """
    return len(key) <= KEY_MAX_LENGTH and KEY_RE.fullmatch(key) is not None


def slugify(text: str) -> str:
    """Lowercase ASCII slug usable as (part of) a key.

    >>> slugify("Rocktäschel")
    'rocktaschel'
    >>> slugify("Le Bras")
    'lebras'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def parse_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """Split any common spelling of an arXiv id into (id without version, version).

    >>> parse_arxiv_id("arXiv:2110.07178v2")
    ('2110.07178', 2)
    >>> parse_arxiv_id("https://arxiv.org/pdf/2110.07178v1.pdf")
    ('2110.07178', 1)
    >>> parse_arxiv_id("hep-th/9901001")
    ('hep-th/9901001', None)
    >>> parse_arxiv_id("2110.7178") is None, parse_arxiv_id("2113.00001") is None
    (True, True)
    >>> parse_arxiv_id("0704.0001")
    ('0704.0001', None)
    """
    value = text.strip()
    match = _ARXIV_URL.fullmatch(value)
    if match:
        value = match.group("rest")
    if value.lower().startswith("arxiv:"):
        value = value[len("arxiv:") :]
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        found = pattern.fullmatch(value)
        if found and (pattern is _ARXIV_OLD or _plausible_new_id(found.group("id"))):
            version = found.group("version")
            return found.group("id"), int(version) if version else None
    return None


def _plausible_new_id(arxiv_id: str) -> bool:
    """YYMM with a real month; four digits after the dot until 1412, five from 1501."""
    yymm, number = arxiv_id.split(".")
    month = int(yymm[2:])
    return 1 <= month <= 12 and len(number) == (5 if int(yymm) >= 1501 else 4)


def normalize_arxiv_id(text: str) -> str | None:
    """The arXiv id without version, or None when ``text`` is not one.

    >>> normalize_arxiv_id(" 2308.08998v3 ")
    '2308.08998'
    """
    parsed = parse_arxiv_id(text)
    return parsed[0] if parsed else None


def normalize_doi(text: str) -> str | None:
    """A DOI in lower case without resolver prefix, or None when ``text`` is not one.

    >>> normalize_doi("https://doi.org/10.18653/V1/2022.NAACL-MAIN.341")
    '10.18653/v1/2022.naacl-main.341'
    >>> normalize_doi("18653/v1") is None
    True
    """
    value = text.strip()
    lowered = value.lower()
    for prefix in _DOI_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    value = value.lower()
    return value if _DOI_RE.fullmatch(value) else None


def is_safe_url(text: str) -> bool:
    """Only absolute http(s) URLs with a host and no white space or quotes are accepted.

    >>> is_safe_url("https://github.com/allenai/x"), is_safe_url("javascript:alert(1)")
    (True, False)
    >>> is_safe_url("https://a.org/x y"), is_safe_url("//evil.org")
    (False, False)
    """
    if any(ch.isspace() or ch in "\"'<>`\\" for ch in text) or any(ord(ch) < 32 for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def normalize_title(title: str) -> str:
    """A title reduced to lowercase ASCII words, for detecting the same paper twice.

    >>> normalize_title("{LLaMA}: Open and Efficient Foundation Language Models!")
    'llama open and efficient foundation language models'
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


SUGGEST_MAX_LENGTH = 64
"""Suggestions are looked for only for words up to this length (no label, key or field is longer)."""
SUGGEST_MAX_CANDIDATES = 5000
"""At most this many candidates are compared, so that no input makes a suggestion expensive."""


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate to ``word``, or None; bounded work whatever the input.

    >>> did_you_mean("autors", ["authors", "title"])
    'authors'
    >>> did_you_mean("x" * 10_000_000, ["authors"]) is None
    True
    """
    if not word or len(word) > SUGGEST_MAX_LENGTH:
        return None
    lowered: dict[str, str] = {}
    # difflib's ratio 2M/(a+b) can reach the cutoff only for lengths this close to the word's
    low, high = len(word) * cutoff / (2 - cutoff), len(word) * (2 - cutoff) / cutoff
    for candidate in candidates:
        if low <= len(candidate) <= high:
            lowered.setdefault(candidate.lower(), candidate)
            if len(lowered) >= SUGGEST_MAX_CANDIDATES:
                break
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[matches[0]] if matches else None


UNKNOWN_KEY = "unknown-key"
"""The check name of a catalogue key that names no entry (given on the command line, or in a file
of edges), wherever it is found."""


def unknown_key(key: str, known: Iterable[str], *, path: str = "symkd", line: int = 0,
                hint: str = "see the file names in catalogue/", role: str = "") -> Issue:
    """The issue for ``key`` naming no catalogue entry: the closest of ``known`` as a "did you
    mean", else ``hint``; ``role`` says which paper the key was meant to name ("cited").

    >>> unknown_key("west2022symbolik", ["west2022symbolic"]).format()
    "symkd:0: [unknown-key] no catalogue entry 'west2022symbolik' (did you mean 'west2022symbolic'?)"
    """
    close = did_you_mean(key, known)
    what = f" for the {role} paper" if role else ""
    return error(UNKNOWN_KEY, path, line, f"no catalogue entry '{key[:80]}'{what}",
                 f"did you mean '{close}'?" if close else hint)
