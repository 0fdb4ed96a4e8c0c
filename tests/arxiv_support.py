"""A stand-in for the arXiv API on 127.0.0.1, serving the recorded answers in tests/data/arxiv/.

Each query is answered from a script keyed by its ``id_list`` (a list of replies, the last one
repeated), so that a test can say "503, then the real answer" and count the requests the
server received. With ``synthesize=True`` an unscripted id list is answered with generated
entries (for tests of batching that need more ids than there are recorded answers).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DATA = Path(__file__).resolve().parent / "data" / "arxiv"


@dataclass(frozen=True)
class Reply:
    file: str | None = None
    status: int = 200
    body: bytes | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.body is not None:
            return self.body
        assert self.file is not None
        return (DATA / self.file).read_bytes()


class FakeArxiv:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.scripts: dict[str, list[Reply]] = {}
        self.queries: list[dict[str, str]] = []
        self.synthesize = False
        self._lock = threading.Lock()
        server.expect_request("/api/query").respond_with_handler(self._handle)

    @property
    def url_format(self) -> str:
        return self.server.url_for("/api/query") + "?{}"

    def serve(self, id_list: str, *replies: Reply) -> None:
        self.scripts[id_list] = list(replies)

    @property
    def requests(self) -> list[str]:
        """The ``id_list`` of every request received, in order (counted on arrival)."""
        return [query.get("id_list", "") for query in self.queries]

    def _handle(self, request: Request) -> Response:
        query = {key: request.args[key] for key in request.args}
        id_list = query.get("id_list", "")
        with self._lock:
            self.queries.append(query)
            script = self.scripts.get(id_list)
            reply = None
            if script:
                reply = script.pop(0) if len(script) > 1 else script[0]
        if reply is None:
            if not self.synthesize:
                return Response(f"no recorded answer for id_list={id_list}", status=418)
            reply = Reply(body=synthetic_feed(id_list.split(",")))
        if reply.delay:
            time.sleep(reply.delay)
        return Response(reply.content(), status=reply.status, headers=reply.headers,
                        content_type="application/atom+xml; charset=utf-8")


def synthetic_feed(ids: list[str]) -> bytes:
    """A feed in the API's format for made-up papers, one per id."""
    entries = "".join(f"""  <entry>
    <id>http://arxiv.org/abs/{i}v1</id>
    <updated>2023-01-02T00:00:00Z</updated>
    <published>2023-01-02T00:00:00Z</published>
    <title>Synthetic Paper {i}</title>
    <summary>Dummy.</summary>
    <author>
      <name>Ada Tester{n}</name>
    </author>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
""" for n, i in enumerate(ids))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: synthetic</title>
  <id>http://arxiv.org/api/synthetic</id>
  <updated>2026-11-28T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(ids)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(ids)}</opensearch:itemsPerPage>
{entries}</feed>
""".encode()


def threaded_server() -> Iterator[HTTPServer]:
    """A threaded server (a slow answer must not hold up the retry behind it); start it once
    per test module, since stopping one takes half a second."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def fake_arxiv_server(server: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeArxiv]:
    """A fresh stand-in on ``server``, with symkd pointed at it: no pacing or backoff waits, a
    short timeout, a private cache folder."""
    server.clear()
    fake = FakeArxiv(server)
    point_symkd_at(fake.url_format, monkeypatch, tmp_path)
    yield fake
    server.clear()


def point_symkd_at(url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Send symkd's arXiv requests to ``url``: no pacing or backoff waits, a short timeout, a
    private cache folder."""
    monkeypatch.setenv("SYMKD_ARXIV_URL", url)
    monkeypatch.setenv("SYMKD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SYMKD_MIN_INTERVAL", "0")
    monkeypatch.setenv("SYMKD_RETRY_BASE", "0")
    monkeypatch.setenv("SYMKD_ARXIV_TIMEOUT", "5")


def closed_port() -> int:
    """A local port nobody listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
