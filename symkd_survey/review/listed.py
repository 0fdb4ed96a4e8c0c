"""Works named in a list a maintainer supplies: another survey's reading list, a workshop's papers.

PRISMA 2020 counts such records as identified from "other methods". ``symkd discover --list FILE``
reads a CSV file with a header row: a ``title`` column, and an arXiv id (column ``arxiv``,
``arxiv_id`` or ``eprint``), a DOI (``doi``) or a ``url`` from which one can be read; ``year`` or
``date`` (``YYYY`` or ``YYYY-MM[-DD]``) is optional. Column names are matched without regard to
case. Rows naming no arXiv id or DOI cannot be screened (a decision needs one) and are reported
together in one warning; the same work listed twice counts once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from symkd_survey.core.fileio import read_bytes
from symkd_survey.core.identity import normalize_reference
from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi
from symkd_survey.core.issues import Issue, SymkdError, error, warning
from symkd_survey.review.discovery import SOURCE_LISTED, Candidate

MAX_LIST_BYTES = 8 << 20
"""The largest list read (8 MiB: a reading list of tens of thousands of works)."""
MAX_ROWS = 50_000
ID_COLUMNS = ("arxiv", "arxiv_id", "eprint", "doi", "url")


def _identifier(row: dict[str, str]) -> str | None:
    for column in ("arxiv", "arxiv_id", "eprint"):
        arxiv = normalize_arxiv_id(row.get(column, "").strip())
        if arxiv:
            return f"arxiv:{arxiv}"
    doi = normalize_doi(row.get("doi", "").strip())
    if doi:
        return normalize_reference(f"doi:{doi}")
    url = row.get("url", "").strip()
    if url:
        arxiv = normalize_arxiv_id(url)
        if arxiv:
            return f"arxiv:{arxiv}"
        doi = normalize_doi(url)
        if doi:
            return normalize_reference(f"doi:{doi}")
    return None


def _published(row: dict[str, str]) -> dt.date | None:
    text = (row.get("date") or row.get("year") or "").strip()
    parts = text.split("-")
    try:
        if len(parts) == 1 and len(text) == 4:
            return dt.date(int(text), 1, 1)
        if len(parts) in (2, 3):
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
    except ValueError:
        return None
    return None


def read_list(file: Path, display: str) -> tuple[list[Candidate], list[Issue]]:
    """The listed works as candidates of the source ``listed``, and warnings about rows that
    cannot be screened. A file that cannot be read as such a list raises :class:`SymkdError`."""
    data, issues = read_bytes(file, display, MAX_LIST_BYTES)
    if data is None:
        raise SymkdError(issues)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SymkdError([error("list", display, 0, f"the file is not UTF-8 (byte {exc.start})")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    if "title" not in header or not any(column in header for column in ID_COLUMNS):
        raise SymkdError([error("list", display, 1, "the header needs a title column and one of "
                                f"{', '.join(ID_COLUMNS)}; it has {', '.join(header) or 'nothing'}")])
    reader.fieldnames = header
    found: dict[str, Candidate] = {}
    unscreenable: list[int] = []
    try:
        for row in reader:
            if reader.line_num > MAX_ROWS + 1:
                raise SymkdError([error("size", display, reader.line_num, f"more than {MAX_ROWS:,} rows")])
            clean = {k: (v or "") for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
            ident = _identifier(clean)
            if ident is None:
                unscreenable.append(reader.line_num)
                continue
            if ident not in found:
                found[ident] = Candidate(ident, title=" ".join(clean.get("title", "").split()),
                                         published=_published(clean), sources={SOURCE_LISTED})
    except csv.Error as exc:
        raise SymkdError([error("list", display, reader.line_num, f"not a CSV file: {exc}")]) from None
    if unscreenable:
        shown = ", ".join(str(n) for n in unscreenable[:10]) + (" ..." if len(unscreenable) > 10 else "")
        issues.append(warning("list", display, unscreenable[0],
                              f"{len(unscreenable)} rows name no arXiv id or DOI and cannot be screened "
                              f"(lines {shown})"))
    return list(found.values()), issues
