"""What every network client here shares: one HTTP client on a leash, retries with backoff, a
polite pace, a disk cache.

Clients (arXiv, Semantic Scholar) decide what an answer means and word the errors for their
users; this module decides how a request is made and how long to wait. :class:`HttpClient` is
the only code here that opens a socket, and it keeps every request on a leash, because the
servers it talks to are chosen by environment variables and answer with whatever they like:

- **No other host.** A redirect is followed only when scheme, host and port stay the same (at
  most :data:`MAX_REDIRECTS` times); a redirect to any other origin is a permanent
  :class:`RedirectRefused` naming both, raised before anything is sent there, so no header
  (an API key included) and no answer ever crosses to another host.
- **Bounded answers.** Every body is read in chunks of :data:`CHUNK_BYTES` and refused
  (:class:`AnswerTooLarge`) as soon as it passes the client's ``max_bytes``, both as received
  and after gzip/deflate decompression, which is bounded too
  (``zlib.decompressobj().decompress(data, max_length)``): reading never holds more than
  ``max_bytes`` plus one chunk, and a gzip bomb costs no more than an honest answer. A declared
  ``Content-Length`` above the limit is refused before the body is read.
- **An overall deadline.** Each request (connecting, TLS, sending, waiting for the headers,
  reading the body, and any same-host redirects) must end within ``timeout`` seconds: a
  watchdog shuts the socket down when the time is up, so a server that drips one byte every
  second cannot hold a command, as it could with per-read timeouts. An optional
  :class:`Deadline` shared by all of a client's requests bounds a whole command.
- **One classification.** Timeouts, refused or dropped connections, truncated answers
  (``http.client.IncompleteRead``), a damaged gzip stream, 429 and 5xx are
  :class:`RetryableError`; other 4xx, oversized answers and refused redirects are permanent.
  ``Retry-After`` is parsed once, in seconds or as an HTTP date (:func:`parse_retry_after`).

:class:`RetryPolicy` decides how long to wait between attempts and keeps requests at least
``min_interval`` apart; :class:`DiskCache` stores raw answers keyed by the request, so that
asking twice does not touch the network.

Limits left to the operating system: the host name lookup (``getaddrinfo``) cannot be
interrupted, so a hanging resolver can outlast the deadline. Proxies are taken from the
``http_proxy``/``https_proxy``/``no_proxy`` environment variables (http:// proxies only), as
``requests`` and ``urllib`` did before.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import hashlib
import http
import http.client
import math
import os
import random
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import platformdirs

from symkd_survey import __version__
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.ids import is_safe_url
from symkd_survey.core.issues import SymkdError, error

T = TypeVar("T")

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
MAX_WAIT: Final[float] = 300.0
"""The longest wait between attempts: a server asking for more (``Retry-After``) is given up on."""
USER_AGENT: Final[str] = f"symkd-survey/{__version__}"
ENV_DEADLINE: Final[str] = "SYMKD_DEADLINE"

_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


# --------------------------------------------------------------------------- errors


class NetworkError(Exception):
    """A request that failed for good (after retries, or at once for a permanent fault).

    The message is meant for users: it names the service and what happened, in one line.
    ``gave_up`` says why retrying stopped early, when it did (a wait longer than allowed, or the
    command's deadline).
    """

    def __init__(self, message: str, *, attempts: int = 1, retryable: bool = False,
                 gave_up: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.retryable = retryable
        self.gave_up = gave_up


class RetryableError(NetworkError):
    """A transient failure (429, 5xx, a timeout, a connection error, an unexpected empty page)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


class RequestTimeout(RetryableError):
    """The request did not end within its ``timeout`` (in whatever phase it was)."""


class Unreachable(RetryableError):
    """No connection at all. ``offline`` when the address refused it or the name is unknown,
    where waiting rarely helps; ``reason`` is the operating system's word for it."""

    def __init__(self, message: str, *, reason: str, offline: bool) -> None:
        super().__init__(message)
        self.reason = reason
        self.offline = offline


class BrokenAnswer(RetryableError):
    """The answer broke off or was garbled on the way: truncated body, reset connection, bad
    chunking, a damaged compressed stream, a malformed status line."""


class AnswerTooLarge(NetworkError):
    """The answer passed the client's byte limit (as sent, or once decompressed); not retried."""


class RedirectRefused(NetworkError):
    """A redirect to another origin, to a non-http(s) address, or too many of them; not retried."""


class DeadlineExceeded(NetworkError):
    """The command's overall :class:`Deadline` ran out; not retried (there is no time left)."""


def plural(count: int, noun: str) -> str:
    """``1 attempt``, ``4 attempts``.

    >>> plural(1, "attempt"), plural(4, "attempt")
    ('1 attempt', '4 attempts')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


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


# --------------------------------------------------------------------------- time


class Deadline:
    """A time budget shared by every request of a client, so that a whole command ends in time.

    Each request is limited to the smaller of its own timeout and what is left here; when this
    runs out the request fails with :class:`DeadlineExceeded`, which is not retried, and
    :meth:`RetryPolicy.run` does not start a wait that would end after it.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"a deadline needs a positive number of seconds, got {seconds!r}")
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


def deadline_from_environment(environ: Mapping[str, str] | None = None) -> Deadline | None:
    """``SYMKD_DEADLINE``: seconds allowed for all the network requests of one command (unset:
    no limit beyond each request's own timeout). A bad value is a :class:`SymkdError`."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV_DEADLINE)
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise SymkdError([error("config", ENV_DEADLINE, 0, f"must be a positive number of seconds, got {raw!r}")])
    return Deadline(seconds)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds, or an HTTP date
    (``now`` is the wall-clock time, as ``time.time()``); a date in the past means 0.

    >>> parse_retry_after("7", now=0.0), parse_retry_after(" 1.5 ", now=0.0)
    (7.0, 1.5)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0)
    0.0
    >>> [parse_retry_after(v, now=0.0) for v in (None, "", "soon", "-3", "nan", "inf")]
    [None, None, None, None, None, None]
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110: HTTP dates are in GMT
            return None
        return max(0.0, when.timestamp() - now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


# --------------------------------------------------------------------------- the HTTP client


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


def printable(text: str, limit: int = 120) -> str:
    """``text`` safe for a one-line message: white space collapsed to single spaces, other
    control characters as ``?``, cut at ``limit`` characters.

    >>> printable("Too  many\\n requests\\x1b[31m"), printable("a" * 10, 5)
    ('Too many requests?[31m', 'aa...')
    """
    text = "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split()))
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."


class _Watchdog:
    """Ends a request at its deadline whatever it is waiting for, by shutting its socket down.

    A per-read timeout does not bound a request: a server that sends one byte just before each
    timeout can keep it going forever. The watchdog is a timer thread; when it fires it shuts
    the current socket down (which wakes a blocked ``recv``/``send`` in the requesting thread)
    and sets ``fired``, which the requesting thread checks to report a timeout rather than a
    broken connection. Sockets are registered and closed under a lock, so the watchdog never
    touches a socket (or a reused descriptor) after it was closed.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Make ``sock`` the one to shut down; raise TimeoutError if the time is already up."""
        with self._lock:
            if self.fired:
                raise TimeoutError("the request's time ran out")
            self._sock = sock

    def close(self, *closeables: socket.socket | http.client.HTTPConnection | http.client.HTTPResponse | None) -> None:
        """Close, under the lock, and forget the watched socket."""
        with self._lock:
            self._sock = None
            for item in closeables:
                if item is not None:
                    item.close()

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sock = None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                with contextlib.suppress(OSError):  # the base method: an SSLSocket's own would drop its state
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


class _Overflow(Exception):
    """The decoded answer passed the limit."""


class _Inflater:
    """gzip or deflate decoding that never produces more than ``limit`` + 1 bytes.

    ``decompress(data, max_length)`` stops at ``max_length`` output bytes and keeps the rest of
    the input in ``unconsumed_tail``; since each call asks for at most one byte more than the
    room left, reaching the tail means the limit was passed. Concatenated gzip members are
    decoded in turn; "deflate" is the zlib format, or raw deflate from servers that get it wrong.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.out = bytearray()
        self._started = False
        self._decoder = self._new()

    def _new(self, *, raw: bool = False) -> zlib._Decompress:
        if raw:
            return zlib.decompressobj(-zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, detected
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        """Decode ``data``; raise _Overflow past the limit, zlib.error on a damaged stream.

        Each call to the decoder yields at most :data:`CHUNK_BYTES`, so that no single piece of
        output is large; a full piece means more may be pending, so the decoder is asked again
        (with the unconsumed input, or none) until it yields less.
        """
        while True:
            if self._decoder.eof:  # a further gzip member, or trailing bytes
                if self.encoding == "deflate" or not data.strip(b"\0"):
                    return  # padding or junk after a complete stream: ignored, as browsers do
                self._decoder = self._new()
            room = min(self.limit + 1 - len(self.out), CHUNK_BYTES)
            try:
                produced = self._decoder.decompress(data, room)
            except zlib.error:
                if self.encoding == "deflate" and not self._started:
                    self._started = True
                    self._decoder = self._new(raw=True)
                    continue
                raise
            self._started = True
            self.out += produced
            if len(self.out) > self.limit:
                raise _Overflow
            if self._decoder.eof:
                data = self._decoder.unused_data
                if not data:
                    return
                continue
            data = self._decoder.unconsumed_tail
            if not data and len(produced) < room:
                return

    def finish(self) -> bytes:
        if not self._decoder.eof:
            raise zlib.error("the compressed answer ends early")
        return bytes(self.out)


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
        watchdog = _Watchdog(budget)
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
                watchdog: _Watchdog, by_deadline: bool) -> Response:
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
                  watchdog: _Watchdog, by_deadline: bool) -> Response:
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
                raise BrokenAnswer(f"{self.service} broke off the answer: {_describe(exc)}") from None
            if watchdog.fired:  # the shutdown ends a read as a close would: what came may be cut short
                raise self._timed_out(by_deadline)
            found = {name.lower(): value for name, value in raw.getheaders()}
            return Response(url, raw.status, raw.reason, found, content,
                            parse_retry_after(found.get("retry-after"), now=self.wall_clock()))
        finally:  # the response too: with "Connection: close" it holds the socket open
            watchdog.close(raw, conn)

    def _unreachable(self, exc: OSError) -> Unreachable:
        reason = _describe(exc)
        offline = isinstance(exc, (ConnectionRefusedError, socket.gaierror))
        return Unreachable(f"cannot reach {self.service}: {reason}", reason=reason, offline=offline)

    def _connect(self, address: tuple[str, int], scheme: str, host: str, port: int,
                 proxy: tuple[str, int, str | None] | None, watchdog: _Watchdog) -> socket.socket:
        """A connected socket (through a CONNECT tunnel for https via a proxy), TLS done, each step
        registered with the watchdog so that none of them can outlast the deadline."""
        sock = _open_socket(address, watchdog)
        try:
            if scheme == "https":
                if proxy is not None:
                    _tunnel(sock, host, port, proxy[2])
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
        inflater: _Inflater | None = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflater = _Inflater("deflate" if encoding == "deflate" else "gzip", limit)
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
        except _Overflow:
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


def _open_socket(address: tuple[str, int], watchdog: _Watchdog) -> socket.socket:
    """A TCP connection to the first address that answers, each try within the time left."""
    last: OSError | None = None
    for family, kind, proto, _, sockaddr in socket.getaddrinfo(address[0], address[1], type=socket.SOCK_STREAM):
        if watchdog.remaining() <= 0:
            raise TimeoutError("the request's time ran out")
        sock = socket.socket(family, kind, proto)
        try:
            watchdog.watch(sock)
            sock.settimeout(max(watchdog.remaining(), 0.001))
            sock.connect(sockaddr)
        except OSError as exc:
            watchdog.close(sock)
            if isinstance(exc, TimeoutError):
                raise
            last = exc
            continue
        return sock
    raise last or OSError(f"no address for {address[0]}")


def _tunnel(sock: socket.socket, host: str, port: int, auth: str | None) -> None:
    """Ask an http proxy for a tunnel to host:port (``CONNECT``) and read its short answer,
    byte by byte, so that nothing of what follows is swallowed by a buffer."""
    name = host if host.isascii() else host.encode("idna").decode("ascii")
    name = f"[{name}]" if ":" in name else name
    lines = [f"CONNECT {name}:{port} HTTP/1.1", f"Host: {name}:{port}"]
    if auth is not None:
        lines.append(f"Proxy-Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    with sock.makefile("rb", buffering=0) as stream:
        status_line = stream.readline(8 * KIB)
        for _ in range(100):
            if stream.readline(8 * KIB) in (b"\r\n", b"\n", b""):
                break
        else:
            raise http.client.HTTPException("the proxy sent too many header lines")
    words = status_line.split()
    if len(words) < 2 or words[1] != b"200":
        status = printable(words[1].decode("ascii", "replace"), 10) if len(words) >= 2 else "no status"
        raise OSError(f"the proxy refused a tunnel to {name}:{port} (HTTP {status})")


def _describe(exc: BaseException) -> str:
    """A short, lower-case reason for a transport failure.

    >>> _describe(ConnectionRefusedError(111, "Connection refused"))
    'connection refused'
    >>> _describe(http.client.IncompleteRead(b"abc", 7))
    'got 3 bytes, 7 more expected'
    """
    if isinstance(exc, http.client.IncompleteRead):
        return f"got {len(exc.partial)} bytes, {exc.expected} more expected"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the connection closed without an answer"
    if isinstance(exc, zlib.error):
        return "the compressed answer is damaged or cut short"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, http.client.HTTPException):
        return f"a malformed answer ({type(exc).__name__})"
    return str(exc) or type(exc).__name__


# --------------------------------------------------------------------------- retries and pacing


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n)),
    at least ``Retry-After`` when the server gave one. A wait longer than ``max_wait`` (a
    server asking to come back in an hour) or past a :class:`Deadline` ends the retries."""

    attempts: int = 4
    base: float = 2.0
    cap: float = 60.0
    min_interval: float = 3.0
    max_wait: float = MAX_WAIT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    _last_request: float | None = None

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = self.rng.uniform(0, min(self.cap, self.base * 2**attempt))
        return max(wait, retry_after or 0.0)

    def pace(self) -> None:
        """Wait until ``min_interval`` has passed since the previous request."""
        now = self.clock()
        if self._last_request is not None:
            remaining = self.min_interval - (now - self._last_request)
            if remaining > 0:
                self.sleep(remaining)
        self._last_request = self.clock()

    def run(self, request: Callable[[], T], on_retry: Callable[[int, RetryableError, float], None] | None = None,
            *, deadline: Deadline | None = None) -> T:
        """Call ``request`` until it succeeds, raises a permanent error, or attempts run out."""
        last: RetryableError | None = None
        tried = 0
        gave_up: str | None = None
        for attempt in range(self.attempts):
            self.pace()
            tried = attempt + 1
            try:
                return request()
            except RetryableError as exc:
                last = exc
                if tried == self.attempts:
                    break
                wait = self.delay(attempt, exc.retry_after)
                if wait > self.max_wait:
                    gave_up = f"asked to wait {wait:.0f} s"
                elif deadline is not None and wait >= deadline.remaining():
                    gave_up = f"the {deadline.seconds:g} s allowed for this command ran out"
                if gave_up is not None:
                    break
                if on_retry is not None:
                    on_retry(tried, exc, wait)
                self.sleep(wait)
        assert last is not None
        why = f": {gave_up}" if gave_up else ""
        raise NetworkError(f"{last} (gave up after {plural(tried, 'attempt')}{why})", attempts=tried,
                           retryable=True, gave_up=gave_up) from last


# --------------------------------------------------------------------------- the disk cache


def default_cache_dir() -> Path:
    """``SYMKD_CACHE_DIR``, else the user cache folder (never inside the repository)."""
    override = os.environ.get("SYMKD_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("symkd-survey"))


@dataclass(slots=True)
class DiskCache:
    """Raw answers keyed by request; one file each, written atomically."""

    folder: Path
    enabled: bool = True

    def _file(self, namespace: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.folder / namespace / f"{digest}.txt"

    def get(self, namespace: str, key: str) -> str | None:
        if not self.enabled:
            return None
        try:
            return self._file(namespace, key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, namespace: str, key: str, text: str) -> None:
        if not self.enabled:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            atomic_write(self._file(namespace, key), text)
