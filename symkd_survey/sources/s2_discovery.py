"""Semantic Scholar as a discovery source: works citing catalogue papers, and recommendations.

Two endpoints, asked through the project's one HTTP client with the shared retry policy and
disk cache of :class:`~symkd_survey.sources.s2.S2Client` (same host only, at most 10 MiB per
answer, 30 s per request, ``SYMKD_DEADLINE`` for the whole command, ``x-api-key`` from
``SYMKD_S2_API_KEY``):

- ``GET /graph/v1/paper/{id}/citations?fields=...&offset=N&limit=M`` (:meth:`S2Discovery.citations`):
  the works citing one paper, page by page (the answer's ``next`` is the next offset; it is
  absent on the last page). A paper Semantic Scholar does not know (HTTP 404) has no citations
  to offer and is reported, not fatal.
- ``POST /recommendations/v1/papers?fields=...&limit=N`` with ``{"positivePaperIds": [...],
  "negativePaperIds": [...]}`` (:meth:`S2Discovery.recommendations`): works like the positive
  seeds (the catalogue) and unlike the negative ones (works excluded in screening).

Each work comes back as an :class:`S2Work` (ids normalised). Answers are cached for the day
(the key holds the date), so that a rerun the same day sends nothing while a weekly run sees
new citations. Any failure for good raises :class:`~symkd_survey.sources.network_errors.NetworkError`;
the caller decides what an incomplete source means (see :mod:`symkd_survey.review.discovery`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from symkd_survey.core.ids import normalize_arxiv_id, normalize_doi
from symkd_survey.sources.arxiv_client import env_seconds
from symkd_survey.sources.network_errors import NetworkError, RetryableError
from symkd_survey.sources.retry_policy import Deadline, RetryPolicy
from symkd_survey.sources.s2 import S2Client

WORK_FIELDS = "title,externalIds,abstract,publicationDate,year"
CITATIONS_PAGE = 100
"""Citing works asked for per request (the API allows up to 1,000)."""
MAX_OFFSET = 9_000
"""The API serves at most 10,000 citations of one paper; no paging beyond this."""
MAX_RECOMMENDATIONS = 500
"""The API's own limit for one recommendations request."""
MAX_SEEDS = 100
"""Seed papers sent per recommendations request (newest first): a bounded request body."""
CACHE_NAMESPACE = "s2-discovery"
S2_MIN_INTERVAL = 1.0
"""Semantic Scholar's published rate for a key: one request per second."""


@dataclass(frozen=True, slots=True)
class S2Work:
    """A work as the discovery endpoints list it."""

    paper_id: str | None
    title: str
    abstract: str
    arxiv: str | None
    doi: str | None
    published: dt.date | None
    year: int | None

    @property
    def reference(self) -> str | None:
        """``arxiv:ID`` or ``doi:DOI``, the id a screening decision can name; None without either."""
        if self.arxiv:
            return f"arxiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return None


def parse_work(data: Any) -> S2Work | None:
    """One paper object; None for anything that is not one (a ``null`` in a list)."""
    if not isinstance(data, dict):
        return None
    external = data.get("externalIds")
    external = external if isinstance(external, dict) else {}
    arxiv, doi = external.get("ArXiv"), external.get("DOI")
    date = None
    raw_date = data.get("publicationDate")
    if isinstance(raw_date, str):
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            date = None
    year = data.get("year")
    paper_id, title, abstract = data.get("paperId"), data.get("title"), data.get("abstract")
    return S2Work(
        paper_id=paper_id if isinstance(paper_id, str) else None,
        title=" ".join(title.split()) if isinstance(title, str) else "",
        abstract=" ".join(abstract.split()) if isinstance(abstract, str) else "",
        arxiv=normalize_arxiv_id(arxiv) if isinstance(arxiv, str) else None,
        doi=normalize_doi(doi) if isinstance(doi, str) else None,
        published=date,
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
    )


class NotKnown(NetworkError):
    """Semantic Scholar does not know the paper asked about (HTTP 404): nothing to offer."""


@dataclass(slots=True)
class S2Discovery:
    """The citations and recommendations endpoints, on an :class:`S2Client`'s configuration."""

    client: S2Client
    today: dt.date
    report: Callable[[str], None] | None = None

    def citations(self, paper_id: str, *, limit: int, page_size: int = CITATIONS_PAGE) -> list[S2Work]:
        """Works citing ``paper_id`` (``ARXIV:...``, ``DOI:...``, ``ACL:...``), up to ``limit``.

        Raises :class:`NotKnown` for a paper Semantic Scholar does not know."""
        works: list[S2Work] = []
        offset = 0
        path = f"/graph/v1/paper/{urllib.parse.quote(paper_id, safe=':/')}/citations"
        while offset < limit and offset <= MAX_OFFSET:
            count = min(page_size, limit - offset)
            query = urllib.parse.urlencode({"fields": WORK_FIELDS, "offset": str(offset), "limit": str(count)})
            answer = self._json("GET", f"{self.client.base_url}{path}?{query}", None)
            if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
                raise NetworkError(f"{self.client.where} sent an unexpected answer for the citations of "
                                   f"{paper_id}: no 'data' list")
            page = [parse_work(item.get("citingPaper")) for item in answer["data"] if isinstance(item, dict)]
            works.extend(w for w in page if w is not None)
            following = answer.get("next")
            if not answer["data"] or not isinstance(following, int) or following <= offset:
                break
            offset = following
        return works[:limit]

    def recommendations(self, positive: Sequence[str], negative: Sequence[str], *, limit: int) -> list[S2Work]:
        """Works like ``positive`` and unlike ``negative`` (paper ids as for :meth:`citations`)."""
        if not positive:
            return []
        query = urllib.parse.urlencode({"fields": WORK_FIELDS, "limit": str(min(limit, MAX_RECOMMENDATIONS))})
        body = {"positivePaperIds": list(positive[:MAX_SEEDS]), "negativePaperIds": list(negative[:MAX_SEEDS])}
        answer = self._json("POST", f"{self.client.base_url}/recommendations/v1/papers?{query}", body)
        papers = answer.get("recommendedPapers") if isinstance(answer, dict) else None
        if not isinstance(papers, list):
            raise NetworkError(f"{self.client.where} sent an unexpected answer for recommendations: "
                               "no 'recommendedPapers' list")
        return [w for w in map(parse_work, papers) if w is not None][:limit]

    # ------------------------------------------------------------------ one request

    def _json(self, method: str, url: str, body: Any) -> Any:
        """The parsed answer, from the day's cache or through the retry policy."""
        payload = json.dumps(body, sort_keys=True).encode("utf-8") if body is not None else None
        key = f"{self.today.isoformat()}|{method}|{url}|{payload.decode('utf-8') if payload else ''}"
        cache = self.client.cache
        cached = cache.get(CACHE_NAMESPACE, key) if cache is not None else None
        if cached is not None:
            try:
                return json.loads(cached)
            except (ValueError, RecursionError):  # a damaged cache file is only a cache miss
                pass

        def attempt() -> tuple[str, Any]:
            return self._send(method, url, payload)

        text, answer = self.client.policy.run(attempt, self._on_retry, deadline=self.client.deadline)
        if cache is not None:
            cache.put(CACHE_NAMESPACE, key, text)
        return answer

    def _send(self, method: str, url: str, payload: bytes | None) -> tuple[str, Any]:
        where = self.client.where
        response = self.client.exchange(method, url, payload,
                                        not_found=lambda detail: NotKnown(f"{where} does not know the paper{detail}"))
        if not response.body.strip():
            raise RetryableError(f"{where} sent an empty answer")
        try:
            text = response.body.decode("utf-8")
            return text, json.loads(text)
        except ValueError:  # includes UnicodeDecodeError and JSONDecodeError
            raise RetryableError(f"{where} sent an answer that is not JSON") from None
        except RecursionError:
            raise NetworkError(f"{where} sent JSON nested too deeply to read") from None

    def _on_retry(self, failed: int, exc: RetryableError, wait: float) -> None:
        if self.report is not None:
            self.report(f"retrying: {exc} (retry {failed} of {self.client.policy.attempts - 1} in {wait:.1f} s)")



def discovery_from_environment(today: dt.date, *, use_cache: bool = True,
                               report: Callable[[str], None] | None = None,
                               deadline: Deadline | None = None,
                               environ: Mapping[str, str] | None = None) -> S2Discovery:
    """:class:`S2Discovery` on :meth:`S2Client.from_env`, paced by ``SYMKD_MIN_INTERVAL``
    (default 3 s; never under 1 s for the public API) and backing off by ``SYMKD_RETRY_BASE``
    (default 2 s), as the arXiv client is. ``deadline`` shares a command's time budget with
    another client (by default, its own from ``SYMKD_DEADLINE``)."""
    env = os.environ if environ is None else environ
    interval = env_seconds(env, "SYMKD_MIN_INTERVAL", 3.0, positive=False)
    base = env_seconds(env, "SYMKD_RETRY_BASE", 2.0, positive=False)
    shared: dict[str, Any] = {"deadline": deadline} if deadline is not None else {}
    client = S2Client.from_env(use_cache=use_cache, **shared)
    host = (urllib.parse.urlsplit(client.base_url).hostname or "").lower()
    if host == "semanticscholar.org" or host.endswith(".semanticscholar.org"):
        interval = max(interval, S2_MIN_INTERVAL)
    client.policy = RetryPolicy(base=base, min_interval=interval)
    return S2Discovery(client, today, report)
