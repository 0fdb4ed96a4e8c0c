"""The one HTTP client of the project (:class:`HttpClient`), for arXiv and Semantic Scholar.

Clients decide what an answer means and word the errors for their users; this module decides
how a request is made. :class:`HttpClient` is the only code here that opens a socket
(through :mod:`symkd_survey.sources.http_connection`), and it keeps every request on a leash,
because the servers it talks to are chosen by environment variables and answer with whatever
they like:

- **No other host.** A redirect is followed only when scheme, host and port stay the same (at
  most :data:`MAX_REDIRECTS` times); a redirect to any other origin is a permanent
  :class:`RedirectRefused` naming both, raised before anything is sent there, so no header
  (an API key included) and no answer ever crosses to another host.
- **Bounded answers.** Every body is read in chunks of :data:`CHUNK_BYTES` and refused
  (:class:`AnswerTooLarge`) as soon as it passes the client's ``max_bytes``, both as received
  and after gzip/deflate decompression, which is bounded too
  (:mod:`symkd_survey.sources.http_decompress`): reading never holds more than
  ``max_bytes`` plus one chunk, and a gzip bomb costs no more than an honest answer. A declared
  ``Content-Length`` above the limit is refused before the body is read.
- **An overall deadline.** Each request (connecting, TLS, sending, waiting for the headers,
  reading the body, and any same-host redirects) must end within ``timeout`` seconds: a
  watchdog shuts the socket down when the time is up, so a server that drips one byte every
  second cannot hold a command, as it could with per-read timeouts. An optional
  :class:`~symkd_survey.sources.retry_policy.Deadline` shared by all of a client's requests
  bounds a whole command.
- **One classification.** Timeouts, refused or dropped connections, truncated answers
  (``http.client.IncompleteRead``), a damaged gzip stream, 429 and 5xx are
  :class:`~symkd_survey.sources.network_errors.RetryableError`; other 4xx, oversized answers
  and refused redirects are permanent (the errors: :mod:`symkd_survey.sources.network_errors`).
  ``Retry-After`` is parsed once, in seconds or as an HTTP date
  (:func:`~symkd_survey.sources.retry_policy.parse_retry_after`).

Whether and when to ask again is :mod:`symkd_survey.sources.retry_policy`; keeping answers is
:mod:`symkd_survey.sources.answer_cache`.

Limits left to the operating system: the host name lookup (``getaddrinfo``) cannot be
interrupted, so a hanging resolver can outlast the deadline. Proxies are taken from the
``http_proxy``/``https_proxy``/``no_proxy`` environment variables (http:// proxies only), as
``requests`` and ``urllib`` did before.
"""

from __future__ import annotations

import base64
import http
import http.client
import math
import socket
import ssl
import time
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urljoin, urlsplit

from symkd_survey import __version__
from symkd_survey.core.ids import is_safe_url
from symkd_survey.sources.http_connection import Watchdog, describe_failure, open_socket, open_tunnel
from symkd_survey.sources.http_decompress import Inflater, Overflow
from symkd_survey.sources.network_errors import (
    AnswerTooLarge,
    BrokenAnswer,
    DeadlineExceeded,
    NetworkError,
    RedirectRefused,
    RequestTimeout,
    RetryableError,
    Unreachable,
    plural,
    printable,
)
from symkd_survey.sources.retry_policy import Deadline, parse_retry_after

KIB: Final[int] = 1 << 10
MIB: Final[int] = 1 << 20
DEFAULT_TIMEOUT: Final[float] = 30.0
"""Seconds one request may take from connecting to the last byte of the body."""
DEFAULT_MAX_BYTES: Final[int] = 20 * MIB
"""The largest answer read, before and after decompression, unless a client says otherwise."""
MAX_REDIRECTS: Final[int] = 3
"""Same-host redirects followed per request; more is a permanent error (a loop, or a trap)."""
CHUNK_BYTES: Final[int] = 64 * KIB
"""How much is read from the socket at a time, so also how far past the limit reading can go."""
ERROR_BODY_BYTES: Final[int] = 64 * KIB
"""How much of an error answer (4xx, 5xx) is kept: enough for a message, the rest is dropped."""
USER_AGENT: Final[str] = f"symkd-survey/{__version__}"

_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def size_text(count: int) -> str:
    """A byte count as people write limits.

    >>> size_text(20 * MIB), size_text(64 * KIB), size_text(1000)
    ('20 MiB', '64 KiB', '1000 bytes')
    """
    if count >= MIB and count % MIB == 0:
        return f"{count // MIB} MiB"
    if count >= KIB and count % KIB == 0:
        return f"{count // KIB} KiB"
    return f"{count} bytes"


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer: status, headers (names lower-cased), the decoded body.

    For an error status the body holds at most :data:`ERROR_BODY_BYTES`. ``retry_after`` is the
    server's ``Retry-After`` in seconds from when the answer arrived.
    """

    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        """429 and 5xx are worth asking again; other statuses are the server's final word."""
        return self.status == 429 or 500 <= self.status <= 599

    @property
    def phrase(self) -> str:
        """The standard reason phrase, lower-case (the server's own is not trusted for output)."""
        try:
            return http.HTTPStatus(self.status).phrase.lower()
        except ValueError:
            return "unknown status"

    def error(self, message: str) -> NetworkError:
        """``message`` as the right kind of error for this status."""
        if self.retryable:
            return RetryableError(message, retry_after=self.retry_after)
        return NetworkError(message)


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``: what must stay the same across a redirect.

    >>> origin("https://Export.arXiv.org/api/query?x"), origin("http://127.0.0.1:8080/")
    (('https', 'export.arxiv.org', 443), ('http', '127.0.0.1', 8080))
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def origin_text(url: str) -> str:
    """``scheme://host:port`` of ``url``, printable and short, for a one-line message.

    >>> origin_text("https://example.org/a?b"), origin_text("http://[::1]:8000/x"), origin_text("http://h:x/")
    ('https://example.org:443', 'http://[::1]:8000', 'an invalid address')
    """
    try:
        scheme, host, port = origin(url)
    except ValueError:
        return "an invalid address"
    host = f"[{host}]" if ":" in host else host
    return printable(f"{scheme}://{host}:{port}")


class HttpClient:
    """The one HTTP client of the project: GET and POST, on the leash the module describes.

    ``service`` names the server in every message (``"arXiv"``, ``"Semantic Scholar (URL)"``).
    ``timeout`` bounds each request as a whole (default :data:`DEFAULT_TIMEOUT`, 30 s);
    ``max_bytes`` bounds each answer before and after decompression (default
    :data:`DEFAULT_MAX_BYTES`, 20 MiB); ``deadline`` (optional) bounds all requests together.
    ``proxies`` maps a scheme to a proxy URL (default: from the environment, honouring
    ``no_proxy``). ``tls`` is the TLS context (default: the system's trusted certificates, with
    host names checked, as ``ssl.create_default_context()`` sets up). ``wall_clock`` is only for
    turning an HTTP-date ``Retry-After`` into seconds.

    It counts ``requests`` sent (each redirect hop is one) and ``received`` bytes read from the
    network, so that tests can check that reading stopped at the limit.
    """

    def __init__(
        self,
        service: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        deadline: Deadline | None = None,
        user_agent: str = USER_AGENT,
        proxies: Mapping[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {max_bytes!r}")
        self.service = service
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.deadline = deadline
        self.user_agent = user_agent
        self.proxies = proxies
        self.tls = tls
        self.wall_clock = wall_clock
        self.requests = 0
        self.received = 0

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", url, headers=headers)

    def post(self, url: str, body: bytes, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("POST", url, body=body, headers=headers)

    def request(self, method: str, url: str, *, body: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> Response:
        """Send one request (following same-host redirects) and return the complete answer,
        whatever its status; raise a :class:`NetworkError` when there is no complete answer."""
        if not _valid(url):
            raise NetworkError(f"{self.service}: not an http(s) address: {origin_text(url)}")
        budget, by_deadline = self._budget()
        watchdog = Watchdog(budget)
        try:
            return self._follow(method, url, body, dict(headers or {}), watchdog, by_deadline)
        finally:
            watchdog.stop()

    def _budget(self) -> tuple[float, bool]:
        """Seconds for the next request, and whether the command's deadline set them."""
        if self.deadline is None:
            return self.timeout, False
        left = self.deadline.remaining()
        if left <= 0:
            raise DeadlineExceeded(f"the {self.deadline.seconds:g} s allowed for this command ran out "
                                   f"before {self.service} could be asked")
        return (left, True) if left < self.timeout else (self.timeout, False)

    def _timed_out(self, by_deadline: bool) -> NetworkError:
        if by_deadline and self.deadline is not None:
            return DeadlineExceeded(f"{self.service} did not answer before the {self.deadline.seconds:g} s "
                                    "allowed for this command ran out")
        return RequestTimeout(f"{self.service} did not answer within {self.timeout:g} s")

    def _follow(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                watchdog: Watchdog, by_deadline: bool) -> Response:
        start = origin(url)
        for _ in range(self.max_redirects + 1):
            response = self._exchange(method, url, body, headers, watchdog, by_deadline)
            location = response.headers.get("location")
            if response.status not in _REDIRECTS or not location:
                return response
            target = urljoin(url, location.strip())
            if not _valid(target):
                raise RedirectRefused(f"{self.service} redirected from {origin_text(url)} to something that is "
                                      "not a plain http(s) address: not followed")
            if origin(target) != start:
                raise RedirectRefused(f"{self.service} redirected from {origin_text(url)} to another host, "
                                      f"{origin_text(target)}: not followed")
            if response.status in (301, 302, 303) and method == "POST":  # as browsers do: the body is dropped
                method, body = "GET", None
                headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
            url = target
        raise RedirectRefused(f"{self.service} redirected more than {plural(self.max_redirects, 'time')}: "
                              "not followed further")

    def _exchange(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                  watchdog: Watchdog, by_deadline: bool) -> Response:
        """One request and its answer on a fresh connection."""
        parts = urlsplit(url)
        scheme, host, port = origin(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        proxy = self._proxy_for(scheme, host)
        netloc = parts.netloc.rpartition("@")[2]
        sent = {"Host": netloc, "User-Agent": self.user_agent, "Accept-Encoding": "gzip", "Connection": "close"}
        given = {name.lower() for name in headers}
        sent = {name: value for name, value in sent.items() if name.lower() not in given} | dict(headers)
        if proxy is not None and scheme == "http":
            target = f"http://{netloc}{target}"  # a plain-http proxy is asked for the absolute URL
            if proxy[2] is not None:
                sent["Proxy-Authorization"] = proxy[2]
        address = (proxy[0], proxy[1]) if proxy is not None else (host, port)
        conn = http.client.HTTPConnection(address[0], address[1], timeout=max(watchdog.remaining(), 0.001))
        raw: http.client.HTTPResponse | None = None
        try:
            try:
                conn.sock = self._connect(address, scheme, host, port, proxy, watchdog)
            except ssl.SSLCertVerificationError as exc:
                raise NetworkError(f"{self.service}: the TLS certificate of {host} is not trusted "
                                   f"({exc.verify_message or 'verification failed'})") from None
            except (TimeoutError, OSError) as exc:
                if watchdog.fired or isinstance(exc, TimeoutError):
                    raise self._timed_out(by_deadline) from None
                raise self._unreachable(exc) from None
            self.requests += 1
            try:
                conn.request(method, target, body=body, headers=sent)
                raw = conn.getresponse()
                # A redirect's body is never used, so never read.
                content = b"" if raw.status in _REDIRECTS else self._read_body(raw, truncate=raw.status >= 400)
            except (OSError, http.client.HTTPException, zlib.error) as exc:
                if watchdog.fired or isinstance(exc, TimeoutError):
                    raise self._timed_out(by_deadline) from None
                raise BrokenAnswer(f"{self.service} broke off the answer: {describe_failure(exc)}") from None
            if watchdog.fired:  # the shutdown ends a read as a close would: what came may be cut short
                raise self._timed_out(by_deadline)
            found = {name.lower(): value for name, value in raw.getheaders()}
            return Response(url, raw.status, raw.reason, found, content,
                            parse_retry_after(found.get("retry-after"), now=self.wall_clock()))
        finally:  # the response too: with "Connection: close" it holds the socket open
            watchdog.close(raw, conn)

    def _unreachable(self, exc: OSError) -> Unreachable:
        reason = describe_failure(exc)
        offline = isinstance(exc, (ConnectionRefusedError, socket.gaierror))
        return Unreachable(f"cannot reach {self.service}: {reason}", reason=reason, offline=offline)

    def _connect(self, address: tuple[str, int], scheme: str, host: str, port: int,
                 proxy: tuple[str, int, str | None] | None, watchdog: Watchdog) -> socket.socket:
        """A connected socket (through a CONNECT tunnel for https via a proxy), TLS done, each step
        registered with the watchdog so that none of them can outlast the deadline."""
        sock = open_socket(address, watchdog)
        try:
            if scheme == "https":
                if proxy is not None:
                    open_tunnel(sock, host, port, proxy[2])
                if self.tls is None:  # loading the system's certificates once per client is enough
                    self.tls = ssl.create_default_context()
                context = self.tls
                tls_sock = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
                sock = tls_sock
                watchdog.watch(tls_sock)
                tls_sock.do_handshake()
        except BaseException:
            watchdog.close(sock)
            raise
        return sock

    def _proxy_for(self, scheme: str, host: str) -> tuple[str, int, str | None] | None:
        """(host, port, Proxy-Authorization value) of the proxy for ``scheme``, or None."""
        proxies = urllib.request.getproxies_environment() if self.proxies is None else dict(self.proxies)
        url = proxies.get(scheme)
        if not url or bypasses_proxy(host, proxies.get("no", "")):
            return None
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme != "http" or not parts.hostname or not _valid(parts.geturl()):
            raise NetworkError(f"{self.service}: the {scheme} proxy must be an http:// address, "
                               f"got {origin_text(url)}")
        auth = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            auth = "Basic " + base64.b64encode(pair).decode("ascii")
        return parts.hostname, parts.port or 80, auth

    def _read_body(self, raw: http.client.HTTPResponse, *, truncate: bool) -> bytes:
        """The body, decoded, within the limit: over it, an error (or, for an error answer whose
        text is only a courtesy, the first :data:`ERROR_BODY_BYTES`)."""
        limit = min(self.max_bytes, ERROR_BODY_BYTES) if truncate else self.max_bytes
        encoding = (raw.getheader("content-encoding") or "identity").strip().lower()
        inflater: Inflater | None = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflater = Inflater("deflate" if encoding == "deflate" else "gzip", limit, piece=CHUNK_BYTES)
        elif encoding != "identity":
            if truncate:
                return b""
            raise NetworkError(f"{self.service} sent an answer in an encoding it was not asked for "
                               f"({printable(encoding, 40)})")
        declared = _content_length(raw)
        if declared is not None and declared > limit and not truncate:
            raise AnswerTooLarge(f"{self.service} announced an answer of {declared} bytes, more than the "
                                 f"{size_text(limit)} allowed: not read")
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                data = raw.read(min(CHUNK_BYTES, limit + 1 - total))
                if not data:
                    break
                total += len(data)
                self.received += len(data)
                if total > limit:
                    if truncate:
                        break
                    raise AnswerTooLarge(f"{self.service} sent an answer larger than the {size_text(limit)} "
                                         "allowed: not read further")
                if inflater is not None:
                    inflater.feed(data)
                else:
                    chunks.append(data)
            if declared is not None and total < declared and not truncate:
                raise http.client.IncompleteRead(b"", declared - total)
            if inflater is None:
                return b"".join(chunks)[:limit]
            return inflater.finish()
        except Overflow:
            if inflater is not None and truncate:
                return bytes(inflater.out[:limit])
            raise AnswerTooLarge(f"{self.service} sent an answer larger than the {size_text(limit)} allowed "
                                 "once decompressed: not read further") from None
        except zlib.error:
            if inflater is not None and truncate:
                return bytes(inflater.out[:limit])
            raise


def bypasses_proxy(host: str, no_proxy: str) -> bool:
    """Whether ``no_proxy`` (comma-separated names, ``.domain`` suffixes, ``*``) exempts ``host``.

    >>> [bypasses_proxy(h, "localhost, .example.org,10.0.0.1:80") for h in ("localhost", "a.example.org",
    ...  "example.org", "10.0.0.1", "arxiv.org")]
    [True, True, True, True, False]
    >>> bypasses_proxy("arxiv.org", "*")
    True
    """
    host = host.lower().strip("[]")
    for item in no_proxy.replace(" ", "").lower().split(","):
        if item == "*":
            return True
        name = item.strip(".")
        if name.startswith("[") and "]" in name:
            name = name[1:name.index("]")]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _valid(url: str) -> bool:
    """An absolute http(s) URL whose port (if any) is a number.

    >>> _valid("https://a.org/x"), _valid("http://a.org:x/"), _valid("ftp://a.org/")
    (True, False, False)
    """
    if not is_safe_url(url):
        return False
    try:
        urlsplit(url).port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return True


def _content_length(raw: http.client.HTTPResponse) -> int | None:
    """The declared length of a body that is not chunked, or None."""
    if "chunked" in (raw.getheader("transfer-encoding") or "").lower():
        return None
    value = (raw.getheader("content-length") or "").strip()
    return int(value) if value.isdigit() else None
