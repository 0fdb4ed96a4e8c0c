"""Publication dates as precise as an entry's record allows.

An entry has a ``year``. A new-style arXiv id (``YYMM.NNNNN``) also says the month the preprint
was first submitted; when that year is the entry's year (the paper was published in the year it
appeared on arXiv), the month is the publication month as far as the record knows. A later
journal or conference version keeps the year alone: its month is not in the record.
"""

from __future__ import annotations

import datetime as dt
import re

from symkd_survey.core.model import Entry

_NEW_ARXIV = re.compile(r"(?P<yy>\d\d)(?P<mm>\d\d)\.\d{4,5}(?:v\d+)?")


def publication_month(entry: Entry) -> int | None:
    """The month of publication when the record gives it (see the module), else None.

    >>> e = Entry(title="T", authors=["Doe, J"], year=2023, type="misc", ids={"arxiv": "2305.02301"},
    ...           source="curated", added="2026-01-01")
    >>> publication_month(e), publication_month(e.model_copy(update={"year": 2024}))
    (5, None)
    """
    arxiv = entry.ids.arxiv
    found = _NEW_ARXIV.fullmatch(arxiv) if arxiv else None
    if found is None:
        return None
    month = int(found.group("mm"))
    if 2000 + int(found.group("yy")) != entry.year or not 1 <= month <= 12:
        return None
    return month


def publication_text(entry: Entry) -> str:
    """The publication date as the page shows it: ``2023-05`` when the month is known, else ``2023``.

    >>> e = Entry(title="T", authors=["Doe, J"], year=2023, type="misc", ids={"arxiv": "2305.02301"},
    ...           source="curated", added="2026-01-01")
    >>> publication_text(e), publication_text(e.model_copy(update={"year": 2022}))
    ('2023-05', '2022')
    """
    month = publication_month(entry)
    return f"{entry.year:04d}-{month:02d}" if month else f"{entry.year:04d}"


def publication_date(entry: Entry) -> dt.date:
    """The first day of the most precise period known (month, else year), for ordering and feeds.

    >>> e = Entry(title="T", authors=["Doe, J"], year=2023, type="misc", source="curated", added="2026-01-01")
    >>> publication_date(e)
    datetime.date(2023, 1, 1)
    """
    return dt.date(entry.year, publication_month(entry) or 1, 1)
