"""Machine-readable metadata in the ``<head>`` of paper pages, for reference managers."""

from __future__ import annotations

from urllib.parse import quote

from markupsafe import escape

from symkd_survey.core.dates import publication_month
from symkd_survey.core.ids import is_safe_url
from symkd_survey.core.model import Entry


def citation_meta(entry: Entry) -> str:
    """Highwire Press ``citation_*`` meta tags for a paper's page, as Zotero's and Google
    Scholar's importers read them: title, every author, date, venue, identifiers, PDF link.
    Every value is attribute-escaped; only checked ``http(s)`` URLs are written.

    >>> from symkd_survey.core.model import Entry
    >>> print(citation_meta(Entry(title='A "B" <c>', authors=["Doe, Jane"], year=2023, type="misc",
    ...                           ids={"arxiv": "2301.00001"}, source="curated", added="2026-01-01")))
    <meta name="citation_title" content="A &#34;B&#34; &lt;c&gt;">
    <meta name="citation_author" content="Doe, Jane">
    <meta name="citation_publication_date" content="2023/01">
    <meta name="citation_arxiv_id" content="2301.00001">
    <meta name="citation_pdf_url" content="https://arxiv.org/pdf/2301.00001">
    """
    tags: list[tuple[str, str]] = [("citation_title", entry.title)]
    tags += [("citation_author", author) for author in entry.authors]
    month = publication_month(entry)
    tags.append(("citation_publication_date", f"{entry.year}/{month:02d}" if month else str(entry.year)))
    if entry.venue:
        venue_tag = {"inproceedings": "citation_conference_title", "article": "citation_journal_title",
                     "incollection": "citation_inbook_title"}.get(entry.type, "citation_publisher")
        tags.append((venue_tag, entry.venue))
    for name, value in (("citation_publisher", entry.publisher), ("citation_volume", entry.volume),
                        ("citation_issue", entry.number), ("citation_doi", entry.ids.doi),
                        ("citation_arxiv_id", entry.ids.arxiv)):
        if value and (name != "citation_publisher" or value != entry.venue):
            tags.append((name, value))
    if entry.pages and "--" in entry.pages:
        first, _, last = entry.pages.partition("--")
        tags += [("citation_firstpage", first), ("citation_lastpage", last)]
    pdf = pdf_url(entry)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    return "\n".join(f'<meta name="{name}" content="{escape(value)}">' for name, value in tags)


def pdf_url(entry: Entry) -> str | None:
    """Where the paper's PDF is: its own ``links.pdf`` (an http(s) URL), else the arXiv PDF, else
    the ACL Anthology's, built only from validated ids; None when none is known.

    >>> from symkd_survey.core.model import Entry
    >>> e = Entry(title="T", authors=["Doe, J"], year=2022, type="misc", ids={"acl": "2022.naacl-main.341"},
    ...           source="curated", added="2026-01-01")
    >>> pdf_url(e)
    'https://aclanthology.org/2022.naacl-main.341.pdf'
    """
    if entry.links.pdf and is_safe_url(entry.links.pdf):
        return entry.links.pdf
    if entry.ids.arxiv:
        return f"https://arxiv.org/pdf/{quote(entry.ids.arxiv, safe='/.')}"
    if entry.ids.acl:
        return f"https://aclanthology.org/{quote(entry.ids.acl, safe='.-')}.pdf"
    return None
