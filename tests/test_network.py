"""The one HTTP client (:class:`symkd_survey.sources.http_client.HttpClient`) against hostile servers on 127.0.0.1.

Well-behaved answers come from pytest-httpserver; the faults it cannot produce (a body that
never ends, a body or headers dripped one byte at a time, an answer cut short, a connection
dropped) come from :class:`RawServer`, a socket server whose connections each follow a script.
No test waits for a backoff (sleeps are injected) and no test asserts how long it took: a slow
server is stopped by the client's deadline, and the raw server gives up by itself after
:data:`GIVE_UP` seconds, so that a client that failed to stop makes the test fail, not hang.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from symkd_survey.sources.answer_cache import DiskCache
from symkd_survey.sources.arxiv_client import ArxivClient, network_issue
from symkd_survey.sources.http_client import CHUNK_BYTES, ERROR_BODY_BYTES, MIB, HttpClient
from symkd_survey.sources.network_errors import (
    AnswerTooLarge,
    BrokenAnswer,
    DeadlineExceeded,
    NetworkError,
    RedirectRefused,
    RequestTimeout,
    RetryableError,
    Unreachable,
)
from symkd_survey.sources.retry_policy import Deadline, RetryPolicy
from symkd_survey.sources.s2 import BATCH_PATH, S2Client

from .arxiv_support import FakeArxiv, Reply, threaded_server
from .conftest import seeded_repository

GIVE_UP = 10.0
"""Seconds after which a dripping raw server stops by itself (the client should stop at 1 s)."""
Run = Callable[..., tuple[int, str, str]]
Handler = Callable[[socket.socket, threading.Event], None]


# --------------------------------------------------------------------------- servers


def read_request(conn: socket.socket) -> bytes:
    """One request, head and body (by Content-Length), as the client sent it."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return data
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            break
        body += piece
    return head + b"\r\n\r\n" + body


class RawServer:
    """A TCP server on 127.0.0.1 playing a misbehaving HTTP server: the n-th connection gets the
    n-th handler (the last one repeated), after its request was read and recorded."""

    def __init__(self, *handlers: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handlers = list(handlers)
        self.tls = tls
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port: int = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self._thread.join()
        for worker in self._workers:
            worker.join()
        self.listener.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            worker = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._workers.append(worker)
            worker.start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(GIVE_UP)
            try:
                if self.tls is not None:
                    with self.tls.wrap_socket(conn, server_side=True) as secure:
                        self._answer(secure)
                else:
                    self._answer(conn)
            except OSError:  # the client went away, as it should when it gives up
                pass

    def _answer(self, conn: socket.socket) -> None:
        request = read_request(conn)
        with self._lock:
            self.requests.append(request)
            handler = self.handlers.pop(0) if len(self.handlers) > 1 else self.handlers[0]
        handler(conn, self.stop)


def reply(data: bytes) -> Handler:
    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)
    return handle


def drip(head: bytes, byte: bytes = b"x", every: float = 0.05) -> Handler:
    """Send ``head``, then ``byte`` again and again, slowly, until the client hangs up."""
    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head)
        ends = time.monotonic() + GIVE_UP
        while not stop.is_set() and time.monotonic() < ends:
            conn.sendall(byte)
            time.sleep(every)
    return handle


ENDLESS_CHUNK = b"a" * CHUNK_BYTES


def endless(head: bytes) -> Handler:
    """Send ``head``, then a body without end (256 MiB at most), as fast as the client reads."""
    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head)
        for _ in range(256 * MIB // CHUNK_BYTES):
            if stop.is_set():
                return
            conn.sendall(ENDLESS_CHUNK)
    return handle


@pytest.fixture
def raw() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(*handlers: Handler, tls: ssl.SSLContext | None = None) -> RawServer:
        servers.append(RawServer(*handlers, tls=tls))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def web(server: HTTPServer) -> Iterator[HTTPServer]:
    """The module's pytest-httpserver, cleared before and after each test."""
    server.clear()
    yield server
    server.clear()


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[HTTPServer]:
    """A second server: "another host" (another port is another origin)."""
    yield from threaded_server()


@pytest.fixture
def other(elsewhere: HTTPServer) -> Iterator[HTTPServer]:
    elsewhere.clear()
    elsewhere.expect_request("/", method="GET").respond_with_data("you should not be here")
    elsewhere.expect_request("/", method="POST").respond_with_data("you should not be here")
    yield elsewhere
    elsewhere.clear()


def client(**options: object) -> HttpClient:
    settings: dict[str, object] = {"timeout": 5.0, "proxies": {}} | options
    return HttpClient("Test", **settings)  # type: ignore[arg-type]


def head(status: str = "200 OK", *lines: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *lines]) + "\r\n\r\n").encode()


# --------------------------------------------------------------------------- redirects


def test_a_redirect_to_another_host_is_refused_and_the_api_key_stays_home(web: HTTPServer, other: HTTPServer) -> None:
    web.expect_request(BATCH_PATH, method="POST").respond_with_data(
        "", status=307, headers={"Location": other.url_for("/")})
    s2 = S2Client(web.url_for("/").rstrip("/"), "secret-key", policy=RetryPolicy(sleep=lambda s: None))
    with pytest.raises(RedirectRefused) as caught:
        s2.papers(["ARXIV:2110.07178"])
    here, there = web.url_for("/").rstrip("/"), other.url_for("/").rstrip("/")
    assert str(caught.value) == (f"Semantic Scholar ({here}) redirected from {here} to another host, {there}: "
                                 "not followed")
    assert len(web.log) == 1 and web.log[0][0].headers["x-api-key"] == "secret-key"  # the host it is meant for
    assert other.log == []  # no request at all, so no key


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_kind_of_redirect_to_another_host_is_refused(web: HTTPServer, other: HTTPServer, status: int) -> None:
    web.expect_request("/start").respond_with_data("", status=status, headers={"Location": other.url_for("/")})
    http = client()
    with pytest.raises(RedirectRefused, match="to another host"):
        http.get(web.url_for("/start"), {"Authorization": "Bearer x"})
    assert other.log == [] and http.requests == 1


@pytest.mark.parametrize(("location", "said"), [
    ("https://127.0.0.1:{port}/x", "to another host, https://127.0.0.1:{port}"),
    ("http://localhost:{port}/x", "to another host, http://localhost:{port}"),
    ("ftp://127.0.0.1:{port}/x", "to something that is not a plain http(s) address"),
    ("http://127.0.0.1:{port}/a b", "to something that is not a plain http(s) address"),
    ("http://127.0.0.1:port/", "to something that is not a plain http(s) address"),
])
def test_a_change_of_scheme_or_host_name_is_another_host(raw: Callable[..., RawServer], location: str,
                                                         said: str) -> None:
    server = raw(reply(b""))  # the handler is set below, once the port is known
    server.handlers = [reply(head("302 Found", f"Location: {location.format(port=server.port)}", "Content-Length: 0"))]
    with pytest.raises(RedirectRefused) as caught:
        client().get(server.url("/start"))
    assert str(caught.value) == (f"Test redirected from http://127.0.0.1:{server.port} "
                                 f"{said.format(port=server.port)}: not followed")
    assert len(server.requests) == 1


def test_a_same_host_redirect_is_followed(web: HTTPServer) -> None:
    web.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new?x=1"})
    web.expect_request("/new", query_string="x=1").respond_with_data("the answer")
    http = client()
    response = http.get(web.url_for("/old"), {"x-api-key": "k"})
    assert (response.status, response.body, response.url) == (200, b"the answer", web.url_for("/new?x=1"))
    assert http.requests == 2 and web.log[1][0].headers["x-api-key"] == "k"


def test_post_redirects_keep_or_drop_the_body_as_http_says(web: HTTPServer) -> None:
    web.expect_request("/keep", method="POST").respond_with_data("", status=307, headers={"Location": "/kept"})
    web.expect_request("/kept", method="POST", data=b'{"ids": []}').respond_with_data("kept")
    web.expect_request("/drop", method="POST").respond_with_data("", status=303, headers={"Location": "/dropped"})
    web.expect_request("/dropped", method="GET").respond_with_data("dropped")
    http = client()
    assert http.post(web.url_for("/keep"), b'{"ids": []}', {"Content-Type": "application/json"}).body == b"kept"
    assert http.post(web.url_for("/drop"), b'{"ids": []}', {"Content-Type": "application/json"}).body == b"dropped"
    assert "Content-Type" not in web.log[-1][0].headers


def test_a_redirect_loop_ends(web: HTTPServer) -> None:
    web.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    http = client()
    with pytest.raises(RedirectRefused) as caught:
        http.get(web.url_for("/loop"))
    assert str(caught.value) == "Test redirected more than 3 times: not followed further"
    assert http.requests == 4


def test_symkd_add_refuses_a_redirect_to_another_host(fake: FakeArxiv, other: HTTPServer, run_cli: Run,
                                                      tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ("west2022symbolic",))
    before = sorted(p.name for p in repo.catalogue_dir.iterdir())
    fake.serve("2104.08164", Reply(status=302, body=b"", headers={"Location": other.url_for("/")}))
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164")
    here, there = fake.server.url_for("/").rstrip("/"), other.url_for("/").rstrip("/")
    assert (status, out) == (1, "")
    assert err == (f"arxiv:0: [network] arXiv redirected from {here} to another host, {there}: not followed "
                   "(nothing was fetched from there; set SYMKD_ARXIV_URL to that address if you trust it)\n")
    assert len(fake.requests) == 1  # permanent: not retried
    assert other.log == []
    assert sorted(p.name for p in repo.catalogue_dir.iterdir()) == before
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.txt"))


# --------------------------------------------------------------------------- size limits


def test_a_body_without_end_is_refused_at_the_limit(raw: Callable[..., RawServer]) -> None:
    server = raw(endless(head("200 OK", "Connection: close")))
    http = client(max_bytes=1 * MIB)
    tracemalloc.start()
    try:
        with pytest.raises(AnswerTooLarge) as caught:
            http.get(server.url())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == "Test sent an answer larger than the 1 MiB allowed: not read further"
    assert http.received <= 1 * MIB + CHUNK_BYTES  # reading stopped at the limit
    assert peak < 24 * MIB  # loose (tracemalloc counts every thread); the old client held all 256 MiB


def test_a_declared_length_over_the_limit_is_not_read(raw: Callable[..., RawServer]) -> None:
    server = raw(endless(head("200 OK", "Content-Length: 5000000000")))
    http = client(max_bytes=1 * MIB)
    with pytest.raises(AnswerTooLarge) as caught:
        http.get(server.url())
    assert str(caught.value) == "Test announced an answer of 5000000000 bytes, more than the 1 MiB allowed: not read"
    assert http.received == 0


def test_a_body_at_the_limit_is_read_whole(web: HTTPServer) -> None:
    web.expect_request("/").respond_with_data(b"b" * 1000)
    assert client(max_bytes=1000).get(web.url_for("/")).body == b"b" * 1000
    with pytest.raises(AnswerTooLarge):
        client(max_bytes=999).get(web.url_for("/"))


BOMB = gzip.compress(b"\0" * (64 * MIB), compresslevel=9)


def test_a_gzip_bomb_is_refused_at_the_decompressed_limit(raw: Callable[..., RawServer]) -> None:
    """Served raw: tracemalloc counts every thread, and pytest-httpserver's would blur the count."""
    assert len(BOMB) < 100_000  # 64 MiB of zeros: a small answer
    server = raw(reply(head("200 OK", f"Content-Length: {len(BOMB)}", "Content-Encoding: gzip") + BOMB))
    http = client(max_bytes=2 * MIB)
    tracemalloc.start()
    try:
        with pytest.raises(AnswerTooLarge) as caught:
            http.get(server.url())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == "Test sent an answer larger than the 2 MiB allowed once decompressed: not read further"
    assert http.received <= len(BOMB)
    assert peak < 24 * MIB  # loose (tracemalloc counts every thread), but far from 64 MiB


def test_an_error_answer_is_kept_short_and_never_fails_for_its_size(web: HTTPServer) -> None:
    web.expect_request("/").respond_with_data(b"e" * (5 * MIB), status=503)
    response = client(max_bytes=1 * MIB).get(web.url_for("/"))
    assert (response.status, len(response.body), response.retryable) == (503, ERROR_BODY_BYTES, True)


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(("encoding", "body"), [
    ("gzip", gzip.compress(b"hello, world")),
    ("x-gzip", gzip.compress(b"hello, world")),
    ("gzip", gzip.compress(b"hello, ") + gzip.compress(b"world")),  # two members
    ("deflate", zlib.compress(b"hello, world")),
    ("deflate", deflate_raw(b"hello, world")),  # what some servers call deflate
    ("identity", b"hello, world"),
])
def test_compressed_answers_are_decoded(web: HTTPServer, encoding: str, body: bytes) -> None:
    web.expect_request("/").respond_with_data(body, headers={"Content-Encoding": encoding})
    assert client().get(web.url_for("/")).body == b"hello, world"
    assert web.log[0][0].headers["Accept-Encoding"] == "gzip"


def test_a_large_gzip_answer_within_the_limit_is_decoded_whole(web: HTTPServer) -> None:
    text = b"".join(b"%d\n" % n for n in range(300_000))  # about 2 MB, in many decoder steps
    web.expect_request("/").respond_with_data(gzip.compress(text), headers={"Content-Encoding": "gzip"})
    assert client(max_bytes=len(text)).get(web.url_for("/")).body == text


def test_a_gzip_answer_cut_short_is_retryable(web: HTTPServer) -> None:
    web.expect_request("/").respond_with_data(gzip.compress(b"x" * 10_000)[:-20], headers={"Content-Encoding": "gzip"})
    with pytest.raises(BrokenAnswer, match="the compressed answer is damaged or cut short"):
        client().get(web.url_for("/"))


def test_an_encoding_nobody_asked_for_is_refused(web: HTTPServer) -> None:
    web.expect_request("/").respond_with_data(b"\x1b\x00", headers={"Content-Encoding": "br"})
    with pytest.raises(NetworkError) as caught:
        client().get(web.url_for("/"))
    assert not isinstance(caught.value, RetryableError)
    assert str(caught.value) == "Test sent an answer in an encoding it was not asked for (br)"


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize("framing", ["Content-Length: 100000", "Connection: close"])
def test_a_dripping_body_ends_at_the_deadline(raw: Callable[..., RawServer], framing: str) -> None:
    """With or without a declared length: the socket shut down at the deadline looks like the end of
    a close-delimited body, which must not pass for a complete answer."""
    server = raw(drip(head("200 OK", framing)))
    http = client(timeout=1.0)
    with pytest.raises(RequestTimeout) as caught:
        http.get(server.url())
    assert str(caught.value) == "Test did not answer within 1 s"
    assert 0 < http.received < 100000


def test_dripping_headers_end_at_the_deadline(raw: Callable[..., RawServer]) -> None:
    server = raw(drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"y"))
    with pytest.raises(RequestTimeout, match=r"^Test did not answer within 1 s$"):
        client(timeout=1.0).get(server.url())


def test_a_dripping_chunked_body_ends_at_the_deadline(raw: Callable[..., RawServer]) -> None:
    server = raw(drip(head("200 OK", "Transfer-Encoding: chunked"), b"1\r\nz\r\n"))
    with pytest.raises(RequestTimeout):
        client(timeout=1.0).get(server.url())


def test_the_command_deadline_bounds_all_requests(raw: Callable[..., RawServer]) -> None:
    server = raw(drip(head("200 OK", "Content-Length: 100000")))
    deadline = Deadline(1.0)
    http = client(timeout=30.0, deadline=deadline)
    policy = RetryPolicy(sleep=lambda seconds: None, min_interval=0.0)
    with pytest.raises(DeadlineExceeded) as caught:
        policy.run(lambda: http.get(server.url()), deadline=deadline)
    assert str(caught.value) == "Test did not answer before the 1 s allowed for this command ran out"
    assert len(server.requests) == 1  # not retried: there is no time left
    with pytest.raises(DeadlineExceeded, match="ran out before Test could be asked"):
        http.get(server.url())
    assert len(server.requests) == 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_retries_stop_when_the_wait_would_pass_the_deadline() -> None:
    clock = FakeClock()
    deadline = Deadline(10.0, clock=clock)
    policy = RetryPolicy(sleep=clock.sleep, clock=clock, min_interval=0.0)
    calls: list[float] = []

    def busy() -> None:
        calls.append(clock.now)
        raise RetryableError("Test answered HTTP 503", retry_after=6.0)

    with pytest.raises(NetworkError) as caught:
        policy.run(busy, deadline=deadline)
    assert calls == [0.0, 6.0]  # a third try would start at 12 s, after the deadline
    assert str(caught.value) == ("Test answered HTTP 503 (gave up after 2 attempts: the 10 s allowed for this "
                                 "command ran out)")
    assert caught.value.attempts == 2 and caught.value.gave_up == "the 10 s allowed for this command ran out"


def test_a_server_asking_to_wait_an_hour_is_given_up_on() -> None:
    sleeps: list[float] = []

    def busy() -> None:
        raise RetryableError("Test answered HTTP 429", retry_after=3600.0)

    with pytest.raises(NetworkError) as caught:
        RetryPolicy(sleep=sleeps.append, min_interval=0.0).run(busy)
    assert sleeps == []
    assert str(caught.value) == "Test answered HTTP 429 (gave up after 1 attempt: asked to wait 3600 s)"
    message = network_issue(caught.value).message
    assert message == "Test answered HTTP 429; gave up after 1 attempt (asked to wait 3600 s)"


# --------------------------------------------------------------------------- broken answers and retries


def test_a_truncated_answer_is_retried_then_succeeds(raw: Callable[..., RawServer]) -> None:
    full = json.dumps([{"paperId": "p1", "title": "T", "references": []}]).encode()
    server = raw(reply(head("200 OK", f"Content-Length: {len(full)}") + full[:10]),
                 reply(head("200 OK", f"Content-Length: {len(full)}") + full))
    retries: list[str] = []
    s2 = S2Client(server.url("").rstrip("/"), policy=RetryPolicy(sleep=lambda s: None, min_interval=0.0),
                  on_retry=lambda n, exc, wait: retries.append(str(exc)))
    papers = s2.papers(["ARXIV:2110.07178"])
    assert papers["ARXIV:2110.07178"] is not None and len(server.requests) == 2
    assert retries == [f"Semantic Scholar ({server.url('').rstrip('/')}) broke off the answer: "
                       f"got 0 bytes, {len(full) - 10} more expected"]


@pytest.mark.parametrize(("handler", "said"), [
    (reply(head("200 OK", "Transfer-Encoding: chunked") + b"10\r\nonly a part"), "got"),
    (reply(b""), "the connection closed without an answer"),
    (reply(b"SPDY/9 banana\r\n\r\n"), "a malformed answer (BadStatusLine)"),
])
def test_broken_answers_are_retryable(raw: Callable[..., RawServer], handler: Handler, said: str) -> None:
    server = raw(handler)
    with pytest.raises(BrokenAnswer, match=re.escape(said)):
        client().get(server.url())


def test_a_reset_connection_is_retryable(raw: Callable[..., RawServer]) -> None:
    def reset(conn: socket.socket, stop: threading.Event) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    server = raw(reset)
    with pytest.raises(BrokenAnswer):
        client().get(server.url())


def test_retry_after_as_an_http_date_is_honoured(web: HTTPServer) -> None:
    web.expect_ordered_request("/api/query").respond_with_data(
        "busy", status=503, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT"})
    web.expect_ordered_request("/api/query").respond_with_handler(
        lambda request: Response(b"", status=418))  # only to count: the answer after the wait
    sleeps: list[float] = []
    arxiv = ArxivClient(web.url_for("/api/query") + "?{}", timeout=5.0,
                        policy=RetryPolicy(sleep=sleeps.append, min_interval=0.0, base=0.0),
                        cache=DiskCache(Path("unused"), enabled=False))
    arxiv.http.wall_clock = lambda: 1792567680.0  # 07:28:00 that day
    with pytest.raises(NetworkError, match="HTTP 418"):
        arxiv.fetch(["2104.08164"])
    assert sleeps == [30.0]


def test_the_answer_of_a_status_is_classified_once(web: HTTPServer) -> None:
    for status in (400, 401, 404, 429, 500, 503):
        web.expect_ordered_request("/").respond_with_data("x", status=status, headers={"Retry-After": "2"})
    http = client()
    kinds = []
    for _ in range(6):
        response = http.get(web.url_for("/"))
        error = response.error(f"HTTP {response.status}")
        kinds.append((response.status, type(error).__name__, response.retry_after))
    assert kinds == [(400, "NetworkError", 2.0), (401, "NetworkError", 2.0), (404, "NetworkError", 2.0),
                     (429, "RetryableError", 2.0), (500, "RetryableError", 2.0), (503, "RetryableError", 2.0)]


def test_a_refused_connection_is_unreachable_and_offline(raw: Callable[..., RawServer]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Unreachable) as caught:
        client().get(f"http://127.0.0.1:{port}/")
    assert caught.value.offline and caught.value.reason == "connection refused"
    assert str(caught.value) == "cannot reach Test: connection refused"


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for a throw-away certificate of 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    return server_side, client_side


def https(server: RawServer, path: str = "/") -> str:
    return f"https://127.0.0.1:{server.port}{path}"


def test_https_works(raw: Callable[..., RawServer], certificate: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server = raw(reply(head("200 OK", "Content-Length: 6") + b"secure"), tls=certificate[0])
    assert client(tls=certificate[1]).get(https(server)).body == b"secure"


def test_an_untrusted_certificate_is_refused_for_good(raw: Callable[..., RawServer],
                                                      certificate: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server = raw(reply(head("200 OK", "Content-Length: 2") + b"no"), tls=certificate[0])
    with pytest.raises(NetworkError) as caught:
        client().get(https(server))  # the system's certificates: this one is not among them
    assert not caught.value.retryable
    assert str(caught.value).startswith("Test: the TLS certificate of 127.0.0.1 is not trusted (")


def test_a_dripping_body_over_tls_ends_at_the_deadline(raw: Callable[..., RawServer],
                                                       certificate: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server = raw(drip(head("200 OK", "Connection: close")), tls=certificate[0])
    with pytest.raises(RequestTimeout, match=r"^Test did not answer within 1 s$"):
        client(timeout=1.0, tls=certificate[1]).get(https(server))


def test_a_silent_tls_handshake_ends_at_the_deadline(raw: Callable[..., RawServer]) -> None:
    server = raw(reply(b""))  # reads the ClientHello as if it were a request, and never answers it
    with pytest.raises(RequestTimeout, match=r"^Test did not answer within 1 s$"):
        client(timeout=1.0).get(https(server))


# --------------------------------------------------------------------------- proxies


def test_a_plain_http_proxy_is_asked_for_the_absolute_url(raw: Callable[..., RawServer]) -> None:
    proxy = raw(reply(head("200 OK", "Content-Length: 2") + b"ok"))
    http = client(proxies={"http": f"http://user:p%40ss@127.0.0.1:{proxy.port}"})
    assert http.get("http://api.example.invalid:8080/x?y=1").body == b"ok"
    request_line, *lines = proxy.requests[0].split(b"\r\n\r\n")[0].split(b"\r\n")
    assert request_line == b"GET http://api.example.invalid:8080/x?y=1 HTTP/1.1"
    assert b"Host: api.example.invalid:8080" in lines
    assert b"Proxy-Authorization: Basic dXNlcjpwQHNz" in lines  # user:p@ss


def test_no_proxy_is_honoured(web: HTTPServer, raw: Callable[..., RawServer]) -> None:
    proxy = raw(reply(head("502 Bad Gateway", "Content-Length: 0")))
    web.expect_request("/").respond_with_data("direct")
    http = client(proxies={"http": proxy.url(), "no": "localhost,127.0.0.1"})
    assert http.get(web.url_for("/")).body == b"direct" and proxy.requests == []


def test_an_https_tunnel_the_proxy_refuses(raw: Callable[..., RawServer]) -> None:
    proxy = raw(reply(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
    with pytest.raises(Unreachable) as caught:
        client(proxies={"https": proxy.url()}).get("https://api.example.invalid/x")
    assert proxy.requests[0].startswith(b"CONNECT api.example.invalid:443 HTTP/1.1\r\n")
    assert caught.value.reason == "the proxy refused a tunnel to api.example.invalid:443 (HTTP 403)"


def test_the_server_handler_sees_a_plain_request(web: HTTPServer) -> None:
    """What every request looks like on the wire: our agent, gzip accepted, one connection each."""
    seen: list[Request] = []

    def record(request: Request) -> Response:
        seen.append(request)
        return Response(b"ok")

    web.expect_request("/").respond_with_handler(record)
    client(user_agent="symkd-survey/test").get(web.url_for("/"))
    assert seen[0].headers["User-Agent"] == "symkd-survey/test"
    assert seen[0].headers["Connection"] == "close"
