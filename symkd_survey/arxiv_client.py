"""Fetching paper metadata from the arXiv API: politely, in batches, and robust to its faults.

The arXiv API is flaky in well-known ways: it answers 429 and 503 under load, sometimes sends
an empty or truncated page, answers a well-formed but nonexistent id with an empty 200, and
answers a malformed id with a 400 carrying an Atom "error" entry. This module turns each of
these into either a retry (:class:`~symkd_survey.network.RetryableError`, through the shared
:class:`~symkd_survey.network.RetryPolicy`: backoff with jitter, at least 3 s between requests)
or one clear, permanent error; and it compares the ids asked for with the ids returned, so that
a missing paper is an error naming it (:class:`MissingIdsError`) rather than a silent gap.

How the real ``arxiv`` package (4.x) is used, and why not through ``Client.results``:

- An ``arxiv.Client`` is built with ``query_url_format`` pointing at ``SYMKD_ARXIV_URL``
  (default the public endpoint), ``num_retries=0`` and ``delay_seconds=0`` (retries and pacing
  are ours), and a :class:`TimeoutSession` (a ``requests.Session`` that puts a timeout on every
  request, since ``arxiv.Client`` calls ``session.get`` without one). Its own URL building
  (``Client._format_url`` with an ``arxiv.Search(id_list=..., max_results=len(batch))``) gives
  the query URL, which is also the cache key.
- The raw page is fetched here with that session rather than through ``Client.results``,
  because ``results`` hides what a robust client needs: the ``Retry-After`` header and the body
  of a 400 (which names the bad id), a way to store the raw Atom text in the disk cache and to
  replay it, and a strict XML check. (``arxiv`` 4.x parses with lxml in *recover* mode: a
  truncated answer silently yields the entries before the cut, and an HTML error page yields an
  empty, "valid" feed. The brief's feedparser is no longer an ``arxiv`` dependency.)
- Each page is first checked strictly with the standard library's XML parser (well-formed, an
  Atom ``feed``, opensearch totals consistent with the entries), and then handed to the
  package's own Atom parser, ``arxiv._feed.parse``, so that callers get real ``arxiv.Result``
  objects exactly as ``Client.results`` would have built them.

``Client._format_url`` and ``arxiv._feed`` are private names of arxiv 4.x (hence the pin
``arxiv>=4,<5``); if they move, the import or the first call fails loudly, never silently.
"""

from __future__ import annotations

import http
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import arxiv
import requests
from arxiv import _feed

from . import __version__
from .ids import is_safe_url, parse_arxiv_id
from .issues import Issue, SymkdError, error
from .network import DiskCache, NetworkError, RetryableError, RetryPolicy, default_cache_dir

DEFAULT_URL_FORMAT = "https://export.arxiv.org/api/query?{}"
BATCH_SIZE = 100
"""At most this many ids per request (the arXiv API's documented page size for id lists)."""
DEFAULT_TIMEOUT = 30.0
ARXIV_MIN_INTERVAL = 3.0
"""arXiv's terms of use: no more than one request every three seconds."""
CACHE_NAMESPACE = "arxiv"
USER_AGENT = f"symkd-survey/{__version__} (arxiv.py/{arxiv.__version__})"

ENV_URL = "SYMKD_ARXIV_URL"
ENV_TIMEOUT = "SYMKD_ARXIV_TIMEOUT"
ENV_MIN_INTERVAL = "SYMKD_MIN_INTERVAL"
ENV_RETRY_BASE = "SYMKD_RETRY_BASE"

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that never waits forever: each request gets ``timeout`` seconds
    (for connecting and for each read) unless the caller gives its own."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


class ArxivTimeout(RetryableError):
    """arXiv did not answer in time."""


class ArxivUnreachable(RetryableError):
    """No connection to arXiv at all (offline, refused, name resolution failed)."""


class ArxivRefused(NetworkError):
    """arXiv answered that the query itself is wrong (HTTP 400, e.g. a malformed id): not retried."""


class MissingIdsError(Exception):
    """Ids that arXiv did not return (a nonexistent id is answered with an empty 200).

    ``found`` keeps the results that did come back, keyed like :meth:`ArxivClient.fetch`.
    """

    def __init__(self, missing: list[str], found: dict[str, Any]) -> None:
        super().__init__(f"arXiv has no paper with id {', '.join(missing)}")
        self.missing = missing
        self.found = found


def short_id(result: Any) -> tuple[str, int | None] | None:
    """(id without version, version) of an ``arxiv.Result``; None when its id is not one.

    >>> short_id(arxiv.Result("http://arxiv.org/abs/hep-th/9711200v3"))
    ('hep-th/9711200', 3)
    """
    return parse_arxiv_id(result.get_short_id())


def check_feed(content: bytes, asked: int) -> None:
    """Raise unless ``content`` is a complete, well-formed arXiv Atom page for ``asked`` ids.

    Transient faults (empty, truncated, malformed, not a feed) are :class:`RetryableError`;
    an arXiv error entry is :class:`ArxivRefused`. A feed that honestly reports zero results
    passes: that is how arXiv answers a nonexistent id, and the caller names the missing ids.
    """
    if not content.strip():
        raise RetryableError("arXiv sent an empty answer")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise RetryableError("arXiv sent an answer that is not UTF-8") from None
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


def _api_error(root: ET.Element) -> str | None:
    """The text of arXiv's error entry (``<id>...api/errors#...</id>``), if the feed is one."""
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            text = entry.findtext(f"{_ATOM}summary") or entry.findtext(f"{_ATOM}title") or "error"
            return " ".join(text.split())
    return None


def _refusal_text(content: bytes) -> str | None:
    try:
        return _api_error(ET.fromstring(content))
    except ET.ParseError:
        return None


def _connection_reason(exc: BaseException) -> str:
    """'connection refused' out of urllib3's long chain of wrapped messages."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    return found.group(1).strip().lower() if found else "connection failed"


class ArxivClient:
    """Metadata for arXiv ids, in batches of at most 100, with retries, pacing and a disk cache.

    ``report`` receives one line per retry (for standard error); ``progress`` receives
    (ids done, ids in all) after each batch.
    """

    def __init__(
        self,
        url_format: str = DEFAULT_URL_FORMAT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        cache: DiskCache | None = None,
        batch_size: int = BATCH_SIZE,
        report: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        if not 1 <= batch_size <= BATCH_SIZE:
            raise ValueError(f"batch_size must be 1 to {BATCH_SIZE}")
        self.timeout = timeout
        self.policy = policy if policy is not None else RetryPolicy(min_interval=ARXIV_MIN_INTERVAL)
        self.cache = cache if cache is not None else DiskCache(default_cache_dir(), enabled=False)
        self.batch_size = batch_size
        self.report = report
        self.progress = progress
        self.session = TimeoutSession(timeout)
        self.client = arxiv.Client(page_size=batch_size, delay_seconds=0.0, num_retries=0)
        self.client.query_url_format = url_format
        self.client._session = self.session  # so that Client.results, if ever used, has a timeout too

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def query_url(self, batch: list[str]) -> str:
        """The API URL for one batch, built by the ``arxiv`` package itself."""
        search = arxiv.Search(id_list=batch, max_results=len(batch))
        url: str = self.client._format_url(search, 0, len(batch))
        return url

    def fetch(self, ids: Iterable[str], *, cache_namespace: str = CACHE_NAMESPACE,
              cache_tag: str = "") -> dict[str, Any]:
        """``arxiv.Result`` per id (without version), for every id asked for.

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
        found: dict[str, Any] = {}
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

    def _fetch_batch(self, batch: list[str], namespace: str, tag: str) -> dict[str, Any]:
        url = self.query_url(batch)
        key = f"{tag} {url}" if tag else url
        cached = self.cache.get(namespace, key)
        content: bytes | None = None
        if cached is not None:
            content = cached.encode("utf-8")
            try:
                check_feed(content, len(batch))
            except NetworkError:  # a damaged cache file is only a cache miss
                content = None
        if content is None:
            content = self.policy.run(lambda: self._request(url, len(batch)), on_retry=self._on_retry)
            fresh = True
        else:
            fresh = False
        results: dict[str, Any] = {}
        for result in _feed.parse(content).results:
            parsed = short_id(result)
            if parsed is not None:
                results.setdefault(parsed[0], result)
        if fresh and all(i in results for i in batch):  # never cache an answer with gaps
            self.cache.put(namespace, key, content.decode("utf-8"))
        return results

    def _request(self, url: str, asked: int) -> bytes:
        host = urlsplit(url).netloc
        try:
            response = self.session.get(url, headers={"User-Agent": USER_AGENT})
        except requests.Timeout:
            raise ArxivTimeout(f"arXiv did not answer within {self.timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise ArxivUnreachable(f"cannot connect to arXiv at {host} ({_connection_reason(exc)})") from None
        except requests.exceptions.ChunkedEncodingError:
            raise RetryableError("the connection to arXiv broke off in the middle of an answer") from None
        except requests.RequestException as exc:
            raise NetworkError(f"the request to arXiv at {host} failed: {type(exc).__name__}") from None
        status = response.status_code
        if status == 200:
            check_feed(response.content, asked)
            return response.content
        phrase = _phrase(status)
        if status == 400:
            why = _refusal_text(response.content)
            raise ArxivRefused(f"arXiv refused the query (HTTP 400): {why}" if why else
                               f"arXiv refused the query (HTTP 400 {phrase})")
        if status in _RETRYABLE_STATUS:
            raise RetryableError(f"arXiv answered HTTP {status} ({phrase})",
                                 retry_after=_retry_after(response.headers.get("Retry-After")))
        raise NetworkError(f"arXiv at {host} answered HTTP {status} ({phrase})")

    def _on_retry(self, failed: int, exc: RetryableError, wait: float) -> None:
        if self.report is not None:
            self.report(f"retrying: {exc} (retry {failed} of {self.policy.attempts - 1} in {wait:.1f} s)")


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase.lower()
    except ValueError:
        return "unknown status"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the date form is ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


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


def _seconds(environ: Mapping[str, str], name: str, default: float, *, positive: bool) -> float:
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
    (seconds per request, default 30), ``SYMKD_MIN_INTERVAL`` (seconds between requests,
    default 3; never less than 3 for arxiv.org itself), ``SYMKD_RETRY_BASE`` (backoff base in
    seconds, default 2) and ``SYMKD_CACHE_DIR`` (the disk cache).
    """
    env = os.environ if environ is None else environ
    url_format = url_format_from(env.get(ENV_URL) or DEFAULT_URL_FORMAT)
    timeout = _seconds(env, ENV_TIMEOUT, DEFAULT_TIMEOUT, positive=True)
    min_interval = _seconds(env, ENV_MIN_INTERVAL, ARXIV_MIN_INTERVAL, positive=False)
    base = _seconds(env, ENV_RETRY_BASE, 2.0, positive=False)
    host = (urlsplit(url_format.replace("{}", "")).hostname or "").lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        min_interval = max(min_interval, ARXIV_MIN_INTERVAL)
    override = env.get("SYMKD_CACHE_DIR")
    folder = Path(override) if override else default_cache_dir()
    return ArxivClient(url_format, timeout=timeout, policy=RetryPolicy(base=base, min_interval=min_interval),
                       cache=DiskCache(folder, enabled=use_cache), report=report, progress=progress)


def network_issue(exc: NetworkError) -> Issue:
    """A failed request as one issue line: what happened, how often it was tried, what to do."""
    cause = exc.__cause__
    if exc.retryable and isinstance(cause, RetryableError):
        message = f"{cause}; gave up after {exc.attempts} attempts"
    else:
        message, cause = str(exc), exc
    if isinstance(cause, ArxivTimeout):
        hint = f"arXiv may be busy: try again later, or set {ENV_TIMEOUT} to wait longer"
    elif isinstance(cause, ArxivUnreachable):
        hint = f"check your network connection, or set {ENV_URL} to a reachable mirror"
    elif isinstance(cause, ArxivRefused):
        hint = "check the id on https://arxiv.org; a refused query is not retried"
    elif isinstance(cause, RetryableError):
        hint = "arXiv may be busy: try again later (answers already received are cached)"
    else:
        hint = f"check {ENV_URL} if it is set"
    return error("network", "arxiv", 0, message, hint)
