"""Reading an arXiv API page: the Atom feed, parsed strictly into our own :class:`ArxivRecord`.

Only the standard library's XML parser is used, and strictly: the page must be well-formed,
an Atom ``feed``, with opensearch totals consistent with its entries, and every entry must
have an id and dates. The ``arxiv`` package this replaced parsed in lxml's *recover* mode,
where a page cut off mid-entry yields a "valid" entry without its categories and an HTML
error page an empty, valid feed. A fault that a second request may not repeat (an empty,
truncated or malformed page) is a :class:`~symkd_survey.sources.network_errors.RetryableError`;
arXiv's own error entry is :class:`ArxivRefused`.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import KW_ONLY, dataclass

from symkd_survey.core.ids import parse_arxiv_id
from symkd_survey.sources.network_errors import NetworkError, RetryableError

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class ArxivRefused(NetworkError):
    """arXiv answered that the query itself is wrong (HTTP 400, e.g. a malformed id): not retried."""


@dataclass(frozen=True, slots=True)
class ArxivAuthor:
    """One author as arXiv lists them: the name in "Given Family" order, and affiliations."""

    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArxivLink:
    """A link of an entry: the abstract page (``rel="alternate"``), the PDF (``title="pdf"``), the DOI."""

    href: str
    rel: str = ""
    title: str | None = None
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """One entry of an arXiv Atom feed, with the attribute names of ``arxiv.Result`` that the
    rest of the project reads (so that code written for it keeps working unchanged).

    Text is as arXiv sent it, except that the title's white space is collapsed; ``doi`` may
    hold several DOIs separated by spaces. Dates are timezone-aware, in UTC.
    """

    entry_id: str
    _: KW_ONLY
    title: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[ArxivAuthor, ...] = ()
    summary: str = ""
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    links: tuple[ArxivLink, ...] = ()

    def get_short_id(self) -> str:
        """The id with its version, as in the abstract URL: ``2107.05580v1``, ``hep-th/9711200v3``.

        >>> ArxivRecord("http://arxiv.org/abs/hep-th/9711200v3", title="", published=_EPOCH,
        ...             updated=_EPOCH).get_short_id()
        'hep-th/9711200v3'
        """
        return self.entry_id.split("arxiv.org/abs/")[-1]

    @property
    def pdf_url(self) -> str | None:
        """The first link titled "pdf", if any."""
        return next((link.href for link in self.links if link.title == "pdf"), None)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def short_id(result: ArxivRecord) -> tuple[str, int | None] | None:
    """(id without version, version) of a record; None when its id is not one.

    >>> short_id(ArxivRecord("http://arxiv.org/abs/hep-th/9711200v3", title="", published=_EPOCH, updated=_EPOCH))
    ('hep-th/9711200', 3)
    """
    return parse_arxiv_id(result.get_short_id())


# --------------------------------------------------------------------------- reading a page


def parse_feed(content: bytes, asked: int) -> list[ArxivRecord]:
    """The entries of a complete, well-formed arXiv Atom page for ``asked`` ids.

    Transient faults (empty, truncated, malformed, not a feed, an entry without its id or
    dates) are :class:`RetryableError`; an arXiv error entry is :class:`ArxivRefused`. A feed
    that honestly reports zero results passes: that is how arXiv answers a nonexistent id, and
    the caller names the missing ids. A document type declaration is refused outright: arXiv
    never sends one, and entity definitions are how XML makes a small answer expand.
    """
    if not content.strip():
        raise RetryableError("arXiv sent an empty answer")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise RetryableError("arXiv sent an answer that is not UTF-8") from None
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise RetryableError("arXiv sent XML with a document type declaration, which arXiv never does")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise RetryableError(f"arXiv sent malformed XML ({exc})") from None
    if root.tag != f"{_ATOM}feed":
        raise RetryableError(f"arXiv sent something other than an Atom feed (<{root.tag.rpartition('}')[2]}>)")
    refusal = _api_error(root)
    if refusal is not None:
        raise ArxivRefused(f"arXiv refused the query: {refusal}")
    entries = root.findall(f"{_ATOM}entry")
    total_text = (root.findtext(f"{_OPENSEARCH}totalResults") or "").strip()
    total = int(total_text) if total_text.isdigit() else len(entries)
    expected = min(total, asked)
    if not entries and expected:
        raise RetryableError(f"arXiv sent an empty page (it reported {total} results)")
    if len(entries) < expected:
        raise RetryableError(f"arXiv sent {len(entries)} of {expected} results")
    return [_record(entry) for entry in entries]


def check_feed(content: bytes, asked: int) -> None:
    """Raise unless ``content`` is a complete, well-formed arXiv page (see :func:`parse_feed`)."""
    parse_feed(content, asked)


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return found.text if found is not None and found.text is not None else None


def _date(entry: ET.Element, name: str, entry_id: str) -> dt.datetime:
    text = (_text(entry, f"{_ATOM}{name}") or "").strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RetryableError(f"arXiv sent the entry {entry_id} without a valid <{name}> date") from None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _record(entry: ET.Element) -> ArxivRecord:
    entry_id = (_text(entry, f"{_ATOM}id") or "").strip()
    if not entry_id:
        raise RetryableError("arXiv sent an entry without an <id>")
    authors = tuple(
        ArxivAuthor(_text(author, f"{_ATOM}name") or "",
                    tuple(a.text for a in author.iterfind(f"{_ARXIV}affiliation") if a.text is not None))
        for author in entry.iterfind(f"{_ATOM}author"))
    links = tuple(ArxivLink(link.get("href", ""), link.get("rel") or "", link.get("title"), link.get("type"))
                  for link in entry.iterfind(f"{_ATOM}link") if link.get("href") is not None)
    primary = entry.find(f"{_ARXIV}primary_category")
    return ArxivRecord(
        entry_id,
        title=" ".join((_text(entry, f"{_ATOM}title") or "").split()),
        published=_date(entry, "published", entry_id),
        updated=_date(entry, "updated", entry_id),
        authors=authors,
        summary=_text(entry, f"{_ATOM}summary") or "",
        comment=_text(entry, f"{_ARXIV}comment"),
        journal_ref=_text(entry, f"{_ARXIV}journal_ref"),
        doi=_text(entry, f"{_ARXIV}doi"),
        primary_category=(primary.get("term") or "") if primary is not None else "",
        categories=tuple(term for cat in entry.iterfind(f"{_ATOM}category") if (term := cat.get("term")) is not None),
        links=links,
    )


def _api_error(root: ET.Element) -> str | None:
    """The text of arXiv's error entry (``<id>...api/errors#...</id>``), if the feed is one."""
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            text = entry.findtext(f"{_ATOM}summary") or entry.findtext(f"{_ATOM}title") or "error"
            return " ".join(text.split())
    return None


def refusal_text(content: bytes) -> str | None:
    """The reason in an error answer that is arXiv's error entry, or None (never a DTD's)."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        return None
    try:
        return _api_error(ET.fromstring(content))
    except ET.ParseError:
        return None
