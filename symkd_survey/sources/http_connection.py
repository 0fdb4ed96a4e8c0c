"""One connection on a deadline: a TCP socket (directly, or through an http proxy's
``CONNECT`` tunnel) that a :class:`Watchdog` shuts down when the request's time is up, and the
short reason a transport failure is reported with (:func:`describe_failure`).

Used by :class:`~symkd_survey.sources.http_client.HttpClient` for every request.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import zlib

from symkd_survey.sources.network_errors import printable

PROXY_LINE_BYTES = 8 << 10
"""The longest line of a proxy's answer to ``CONNECT`` that is read."""


class Watchdog:
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


def open_socket(address: tuple[str, int], watchdog: Watchdog) -> socket.socket:
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


def open_tunnel(sock: socket.socket, host: str, port: int, auth: str | None) -> None:
    """Ask an http proxy for a tunnel to host:port (``CONNECT``) and read its short answer,
    byte by byte, so that nothing of what follows is swallowed by a buffer."""
    name = host if host.isascii() else host.encode("idna").decode("ascii")
    name = f"[{name}]" if ":" in name else name
    lines = [f"CONNECT {name}:{port} HTTP/1.1", f"Host: {name}:{port}"]
    if auth is not None:
        lines.append(f"Proxy-Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    with sock.makefile("rb", buffering=0) as stream:
        status_line = stream.readline(PROXY_LINE_BYTES)
        for _ in range(100):
            if stream.readline(PROXY_LINE_BYTES) in (b"\r\n", b"\n", b""):
                break
        else:
            raise http.client.HTTPException("the proxy sent too many header lines")
    words = status_line.split()
    if len(words) < 2 or words[1] != b"200":
        status = printable(words[1].decode("ascii", "replace"), 10) if len(words) >= 2 else "no status"
        raise OSError(f"the proxy refused a tunnel to {name}:{port} (HTTP {status})")


def describe_failure(exc: BaseException) -> str:
    """A short, lower-case reason for a transport failure.

    >>> describe_failure(ConnectionRefusedError(111, "Connection refused"))
    'connection refused'
    >>> describe_failure(http.client.IncompleteRead(b"abc", 7))
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
