"""Fetching paper metadata from the arXiv API: politely, in batches, and robust to its faults.

The arXiv API is flaky in well-known ways: it answers 429 and 503 under load, sometimes sends
an empty or truncated page, answers a well-formed but nonexistent id with an empty 200, and
answers a malformed id with a 400 carrying an Atom "error" entry. This module turns each of
these into either a retry (:class:`~symkd_survey.sources.network_errors.RetryableError`, through the
shared :class:`~symkd_survey.sources.retry_policy.RetryPolicy`: backoff with jitter, at least 3 s
between requests) or one clear, permanent error; and it compares the ids asked for with the ids
returned, so that a missing paper is an error naming it (:class:`MissingIdsError`) rather than a
silent gap.

Everything is done with the standard library, on purpose:

- The query URL is built here (``id_list``, ``start``, ``max_results``: all an id lookup
  needs), and is also the cache key.
- Pages are fetched through the project's one HTTP client
  (:class:`~symkd_survey.sources.http_client.HttpClient`): no redirect to another host, at most
  :data:`MAX_PAGE_BYTES` per answer (before and after decompression), and one deadline per
  request (``SYMKD_ARXIV_TIMEOUT``, default 30 s) that a slow or dripping server cannot stretch.
- Each page is parsed strictly by :func:`symkd_survey.sources.arxiv_feed.parse_feed` into our
  own :class:`~symkd_survey.sources.arxiv_feed.ArxivRecord`; the ``arxiv`` package this replaced
  could only be used for this through private names (``arxiv._feed``, ``Client._format_url``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from symkd_survey import __version__
from symkd_survey.core.ids import is_safe_url, parse_arxiv_id
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.sources.answer_cache import DiskCache, default_cache_dir
from symkd_survey.sources.arxiv_feed import ArxivRecord, ArxivRefused, parse_feed, refusal_text, short_id
from symkd_survey.sources.http_client import MIB, HttpClient
from symkd_survey.sources.network_errors import (
    AnswerTooLarge,
    DeadlineExceeded,
    NetworkError,
    RedirectRefused,
    RequestTimeout,
    RetryableError,
    Unreachable,
    plural,
)
from symkd_survey.sources.retry_policy import ENV_DEADLINE, Deadline, RetryPolicy, deadline_from_environment

DEFAULT_URL_FORMAT = "https://export.arxiv.org/api/query?{}"
BATCH_SIZE = 100
"""At most this many ids per request (the arXiv API's documented page size for id lists)."""
DEFAULT_TIMEOUT = 30.0
"""Seconds one request may take as a whole: connecting, waiting, and reading the page."""
MAX_PAGE_BYTES = 20 * MIB
"""The largest answer read, before and after decompression: a page of 100 entries with their
abstracts is about 300 KB, so anything near this is not an arXiv page."""
ARXIV_MIN_INTERVAL = 3.0
"""arXiv's terms of use: no more than one request every three seconds."""
CACHE_NAMESPACE = "arxiv"
USER_AGENT = f"symkd-survey/{__version__}"

ENV_URL = "SYMKD_ARXIV_URL"
ENV_TIMEOUT = "SYMKD_ARXIV_TIMEOUT"
ENV_MIN_INTERVAL = "SYMKD_MIN_INTERVAL"
ENV_RETRY_BASE = "SYMKD_RETRY_BASE"


class ArxivTimeout(RetryableError):
    """arXiv did not answer in time."""


class ArxivUnreachable(RetryableError):
    """No connection to arXiv at all (offline, refused, name resolution failed)."""


# --------------------------------------------------------------------------- the client


class MissingIdsError(Exception):
    """Ids that arXiv did not return (a nonexistent id is answered with an empty 200).

    ``found`` keeps the records that did come back, keyed like :meth:`ArxivClient.fetch`.
    """

    def __init__(self, missing: list[str], found: dict[str, ArxivRecord]) -> None:
        super().__init__(f"arXiv has no paper with id {', '.join(missing)}")
        self.missing = missing
        self.found = found


class ArxivClient:
    """Metadata for arXiv ids, in batches of at most 100, with retries, pacing and a disk cache.

    ``timeout`` bounds each request as a whole; ``max_bytes`` each answer (default
    :data:`MAX_PAGE_BYTES`); ``deadline``, when given, all of this client's requests together
    (a command's time budget). ``report`` receives one line per retry (for standard error);
    ``progress`` receives (ids done, ids in all) after each batch.
    """

    def __init__(
        self,
        url_format: str = DEFAULT_URL_FORMAT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        cache: DiskCache | None = None,
        batch_size: int = BATCH_SIZE,
        max_bytes: int = MAX_PAGE_BYTES,
        deadline: Deadline | None = None,
        report: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        if not 1 <= batch_size <= BATCH_SIZE:
            raise ValueError(f"batch_size must be 1 to {BATCH_SIZE}")
        self.url_format = url_format
        self.timeout = timeout
        self.policy = policy if policy is not None else RetryPolicy(min_interval=ARXIV_MIN_INTERVAL)
        self.cache = cache if cache is not None else DiskCache(default_cache_dir(), enabled=False)
        self.batch_size = batch_size
        self.deadline = deadline
        self.report = report
        self.progress = progress
        self.http = HttpClient("arXiv", timeout=timeout, max_bytes=max_bytes, deadline=deadline,
                               user_agent=USER_AGENT)

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release (each request has its own connection); kept for ``with``."""

    def query_url(self, batch: list[str]) -> str:
        """The API URL for one batch: the ids, from the first result, as many results as ids
        (the API's default of 10 would cut a longer batch short)."""
        query = urlencode({"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))})
        return self.url_format.replace("{}", query, 1)

    def fetch(self, ids: Iterable[str], *, cache_namespace: str = CACHE_NAMESPACE,
              cache_tag: str = "") -> dict[str, ArxivRecord]:
        """:class:`ArxivRecord` per id (without version), for every id asked for.

        Ids are normalised (version dropped), de-duplicated and sorted, so that the same set of
        ids always gives the same query URL and hits the cache. Raises :class:`MissingIdsError`
        naming every id arXiv did not return, or :class:`NetworkError` when a request fails
        for good. ``cache_tag`` is added to the cache key (e.g. a date, so that cached answers
        are reused only that day).
        """
        wanted: list[str] = []
        for text in ids:
            parsed = parse_arxiv_id(text)
            if parsed is None:
                raise ValueError(f"not an arXiv id: {text!r}")
            wanted.append(parsed[0])
        wanted = sorted(set(wanted))
        found: dict[str, ArxivRecord] = {}
        missing: list[str] = []
        for start in range(0, len(wanted), self.batch_size):
            batch = wanted[start : start + self.batch_size]
            results = self._fetch_batch(batch, cache_namespace, cache_tag)
            found.update((key, value) for key, value in results.items() if key in batch)
            missing.extend(i for i in batch if i not in results)
            if self.progress is not None:
                self.progress(start + len(batch), len(wanted))
        if missing:
            raise MissingIdsError(missing, found)
        return found

    def _fetch_batch(self, batch: list[str], namespace: str, tag: str) -> dict[str, ArxivRecord]:
        url = self.query_url(batch)
        key = f"{tag} {url}" if tag else url
        cached = self.cache.get(namespace, key)
        records: list[ArxivRecord] | None = None
        if cached is not None:
            try:
                records = parse_feed(cached.encode("utf-8"), len(batch))
            except NetworkError:  # a damaged cache file is only a cache miss
                records = None
        fresh: bytes | None = None
        if records is None:
            fresh, records = self.policy.run(lambda: self._request(url, len(batch)), on_retry=self._on_retry,
                                             deadline=self.deadline)
        results: dict[str, ArxivRecord] = {}
        for record in records:
            parsed = short_id(record)
            if parsed is not None:
                results.setdefault(parsed[0], record)
        if fresh is not None and all(i in results for i in batch):  # never cache an answer with gaps
            self.cache.put(namespace, key, fresh.decode("utf-8"))
        return results

    def _request(self, url: str, asked: int) -> tuple[bytes, list[ArxivRecord]]:
        """One attempt: the raw page (for the cache) and its records, or a classified error."""
        host = urlsplit(url).netloc
        try:
            response = self.http.get(url, {"Accept": "application/atom+xml"})
        except RequestTimeout as exc:
            raise ArxivTimeout(str(exc)) from None
        except Unreachable as exc:
            raise ArxivUnreachable(f"cannot connect to arXiv at {host} ({exc.reason})") from None
        status = response.status
        if status == 200:
            return response.body, parse_feed(response.body, asked)
        if status == 400:
            why = refusal_text(response.body)
            raise ArxivRefused(f"arXiv refused the query (HTTP 400): {why}" if why else
                               f"arXiv refused the query (HTTP 400 {response.phrase})")
        if response.retryable:
            raise response.error(f"arXiv answered HTTP {status} ({response.phrase})")
        raise NetworkError(f"arXiv at {host} answered HTTP {status} ({response.phrase})")

    def _on_retry(self, failed: int, exc: RetryableError, wait: float) -> None:
        if self.report is not None:
            self.report(f"retrying: {exc} (retry {failed} of {self.policy.attempts - 1} in {wait:.1f} s)")


# --------------------------------------------------------------------------- configuration


def url_format_from(value: str) -> str:
    """``SYMKD_ARXIV_URL`` as a query format: ``{}`` marks where the query goes (added at the
    end when missing).

    >>> url_format_from("http://127.0.0.1:8000/api/query")
    'http://127.0.0.1:8000/api/query?{}'
    """
    fmt = value.strip()
    if "{}" not in fmt:
        fmt += ("&" if "?" in fmt else "?") + "{}"
    rest = fmt.replace("{}", "", 1)
    if "{" in rest or "}" in rest or not is_safe_url(rest):
        raise SymkdError([error("config", ENV_URL, 0, f"not an http(s) URL for the arXiv API: {value!r}",
                                f"e.g. {DEFAULT_URL_FORMAT} ('{{}}' marks the query; optional)")])
    return fmt


def env_seconds(environ: Mapping[str, str], name: str, default: float, *, positive: bool) -> float:
    """A duration setting from the environment (``default`` when unset); a bad value is a ``config`` issue."""
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        wanted = "a positive number" if positive else "a number"
        raise SymkdError([error("config", name, 0, f"must be {wanted} of seconds, got {raw!r}")])
    return value


def client_from_environment(
    *,
    use_cache: bool = True,
    report: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ArxivClient:
    """An :class:`ArxivClient` configured from the environment.

    ``SYMKD_ARXIV_URL`` (the API, default the public endpoint), ``SYMKD_ARXIV_TIMEOUT``
    (seconds per request as a whole, default 30), ``SYMKD_MIN_INTERVAL`` (seconds between
    requests, default 3; never less than 3 for arxiv.org itself), ``SYMKD_RETRY_BASE`` (backoff
    base in seconds, default 2), ``SYMKD_DEADLINE`` (seconds for all the requests of the
    command, default none) and ``SYMKD_CACHE_DIR`` (the disk cache).
    """
    env = os.environ if environ is None else environ
    url_format = url_format_from(env.get(ENV_URL) or DEFAULT_URL_FORMAT)
    timeout = env_seconds(env, ENV_TIMEOUT, DEFAULT_TIMEOUT, positive=True)
    min_interval = env_seconds(env, ENV_MIN_INTERVAL, ARXIV_MIN_INTERVAL, positive=False)
    base = env_seconds(env, ENV_RETRY_BASE, 2.0, positive=False)
    deadline = deadline_from_environment(env)
    host = (urlsplit(url_format.replace("{}", "")).hostname or "").lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        min_interval = max(min_interval, ARXIV_MIN_INTERVAL)
    override = env.get("SYMKD_CACHE_DIR")
    folder = Path(override) if override else default_cache_dir()
    return ArxivClient(url_format, timeout=timeout, policy=RetryPolicy(base=base, min_interval=min_interval),
                       cache=DiskCache(folder, enabled=use_cache), deadline=deadline, report=report,
                       progress=progress)


def network_issue(exc: NetworkError) -> Issue:
    """A failed request as one issue line: what happened, how often it was tried, what to do."""
    cause = exc.__cause__
    if exc.retryable and isinstance(cause, RetryableError):
        message = f"{cause}; gave up after {plural(exc.attempts, 'attempt')}"
        if exc.gave_up:
            message += f" ({exc.gave_up})"
    else:
        message, cause = str(exc), exc
    if isinstance(cause, ArxivTimeout):
        hint = f"arXiv may be busy: try again later, or set {ENV_TIMEOUT} to wait longer"
    elif isinstance(cause, ArxivUnreachable):
        hint = f"check your network connection, or set {ENV_URL} to a reachable mirror"
    elif isinstance(cause, ArxivRefused):
        hint = "check the id on https://arxiv.org; a refused query is not retried"
    elif isinstance(cause, RedirectRefused):
        hint = f"nothing was fetched from there; set {ENV_URL} to that address if you trust it"
    elif isinstance(cause, AnswerTooLarge):
        hint = f"no arXiv page is that large; check {ENV_URL} if it is set"
    elif isinstance(cause, DeadlineExceeded):
        hint = f"try again later, or set {ENV_DEADLINE} to allow more time"
    elif isinstance(cause, RetryableError):
        hint = "arXiv may be busy: try again later (answers already received are cached)"
    else:
        hint = f"check {ENV_URL} if it is set"
    return error("network", "arxiv", 0, message, hint)
