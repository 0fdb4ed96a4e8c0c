"""The arXiv client against a real HTTP server on 127.0.0.1 serving recorded API answers."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

import pytest

from symkd_survey.core.issues import SymkdError
from symkd_survey.sources.answer_cache import DiskCache
from symkd_survey.sources.arxiv_client import (
    ArxivClient,
    ArxivTimeout,
    ArxivUnreachable,
    MissingIdsError,
    client_from_environment,
    network_issue,
    url_format_from,
)
from symkd_survey.sources.arxiv_feed import ArxivAuthor, ArxivLink, ArxivRecord, ArxivRefused, check_feed, parse_feed
from symkd_survey.sources.network_errors import NetworkError, RetryableError
from symkd_survey.sources.retry_policy import RetryPolicy

from .arxiv_support import DATA, FakeArxiv, Reply, closed_port

SEVERAL = "2104.08164,2203.15556,2210.11416"
ENTRY_WITH_EVERYTHING = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2104.08164v2</id>
    <updated>2021-09-08T10:30:00Z</updated>
    <published>2021-04-16T17:00:00+02:00</published>
    <title>Editing Factual
  Knowledge in Language Models</title>
    <summary>  A dummy
summary.
</summary>
    <author>
      <name>Nicola De Cao</name>
      <arxiv:affiliation>University of Amsterdam</arxiv:affiliation>
      <arxiv:affiliation>University of Edinburgh</arxiv:affiliation>
    </author>
    <author><name>Ivan Titov</name></author>
    <arxiv:doi>10.18653/v1/2021.emnlp-main.522</arxiv:doi>
    <arxiv:comment>EMNLP 2021 camera-ready</arxiv:comment>
    <arxiv:journal_ref>EMNLP 2021</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/2104.08164v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2104.08164v2" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""


class FakeClock:
    """Time that passes only when somebody sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MaxRandom(random.Random):
    """Jitter always at its upper bound, so that the backoff is predictable."""

    def uniform(self, a: float, b: float) -> float:
        return b


def make_client(fake: FakeArxiv, tmp_path: Path, *, cache: bool = True, timeout: float = 5.0,
                sleeps: list[float] | None = None, lines: list[str] | None = None) -> ArxivClient:
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    policy = RetryPolicy(base=0.0, min_interval=0.0, sleep=record)
    return ArxivClient(fake.url_format, timeout=timeout, policy=policy,
                       cache=DiskCache(tmp_path / "cache", enabled=cache),
                       report=lines.append if lines is not None else None)


def test_several_ids_in_one_request(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve(SEVERAL, Reply("several.xml"))
    with make_client(fake, tmp_path) as client:
        found = client.fetch(["arXiv:2210.11416v2", "https://arxiv.org/abs/2104.08164", "2203.15556",
                              "https://arxiv.org/pdf/2104.08164v1"])
    assert sorted(found) == ["2104.08164", "2203.15556", "2210.11416"]
    assert isinstance(found["2203.15556"], ArxivRecord)
    assert found["2203.15556"].title == "Training Compute-Optimal Large Language Models"
    assert [a.name for a in found["2104.08164"].authors] == ["Nicola De Cao", "Wilker Aziz", "Ivan Titov"]
    assert fake.queries == [{"id_list": SEVERAL, "start": "0", "max_results": "3"}]


def test_old_style_id(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("hep-th/9711200", Reply("old_style.xml"))
    with make_client(fake, tmp_path) as client:
        found = client.fetch(["hep-th/9711200v1"])
    assert list(found) == ["hep-th/9711200"]
    assert found["hep-th/9711200"].get_short_id() == "hep-th/9711200v3"
    assert found["hep-th/9711200"].doi == "10.1023/A:1026654312961"


def test_nonexistent_id_is_named_and_not_retried(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2410.99999", Reply("nonexistent.xml"))
    with make_client(fake, tmp_path) as client, pytest.raises(MissingIdsError) as caught:
        client.fetch(["2410.99999"])
    assert caught.value.missing == ["2410.99999"]
    assert str(caught.value) == "arXiv has no paper with id 2410.99999"
    assert fake.requests == ["2410.99999"]


def test_one_missing_among_several_is_named(fake: FakeArxiv, tmp_path: Path) -> None:
    # arXiv answers honestly (total 2) but leaves one id out: no silent gap.
    body = (DATA / "several.xml").read_bytes()
    start, end = body.index(b"  <entry>"), body.index(b"</entry>") + len(b"</entry>\n")
    body = (body[:start] + body[end:]).replace(b">3</opensearch:totalResults>", b">2</opensearch:totalResults>")
    fake.serve(SEVERAL, Reply(body=body))
    with make_client(fake, tmp_path) as client, pytest.raises(MissingIdsError) as caught:
        client.fetch(SEVERAL.split(","))
    assert caught.value.missing == ["2104.08164"]
    assert sorted(caught.value.found) == ["2203.15556", "2210.11416"]
    assert len(fake.requests) == 1


def test_malformed_id_fails_at_once(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("hep-th/9913001", Reply("malformed_id.xml", status=400))
    with make_client(fake, tmp_path) as client, pytest.raises(ArxivRefused) as caught:
        client.fetch(["hep-th/9913001"])
    assert str(caught.value) == "arXiv refused the query (HTTP 400): incorrect id format for hep-th/9913001"
    assert len(fake.requests) == 1
    assert network_issue(caught.value).format() == (
        "arxiv:0: [network] arXiv refused the query (HTTP 400): incorrect id format for hep-th/9913001 "
        "(check the id on https://arxiv.org; a refused query is not retried)")


@pytest.mark.parametrize(("status", "phrase"), [(503, "service unavailable"), (429, "too many requests")])
def test_busy_then_success(fake: FakeArxiv, tmp_path: Path, status: int, phrase: str) -> None:
    fake.serve("2104.08164", Reply(status=status, body=b"busy"), Reply("decao_preprint.xml"))
    lines: list[str] = []
    with make_client(fake, tmp_path, lines=lines) as client:
        found = client.fetch(["2104.08164"])
    assert list(found) == ["2104.08164"]
    assert len(fake.requests) == 2
    assert lines == [f"retrying: arXiv answered HTTP {status} ({phrase}) (retry 1 of 3 in 0.0 s)"]


def test_retry_after_is_honoured(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply(status=429, body=b"slow down", headers={"Retry-After": "7"}),
               Reply("decao_preprint.xml"))
    sleeps: list[float] = []
    with make_client(fake, tmp_path, sleeps=sleeps) as client:
        client.fetch(["2104.08164"])
    assert sleeps == [7.0]


def test_busy_for_good_gives_up_after_four_attempts(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply(status=503, body=b"busy"))
    with make_client(fake, tmp_path) as client, pytest.raises(NetworkError) as caught:
        client.fetch(["2104.08164"])
    assert len(fake.requests) == 4
    assert network_issue(caught.value).format() == (
        "arxiv:0: [network] arXiv answered HTTP 503 (service unavailable); gave up after 4 attempts "
        "(arXiv may be busy: try again later (answers already received are cached))")


def test_empty_page_then_success(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply("empty_page.xml"), Reply("decao_preprint.xml"))
    lines: list[str] = []
    with make_client(fake, tmp_path, lines=lines) as client:
        assert list(client.fetch(["2104.08164"])) == ["2104.08164"]
    assert len(fake.requests) == 2
    assert lines == ["retrying: arXiv sent an empty page (it reported 1 results) (retry 1 of 3 in 0.0 s)"]


def test_malformed_xml_is_retried_then_reported(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply("malformed.xml"))
    with make_client(fake, tmp_path) as client, pytest.raises(NetworkError) as caught:
        client.fetch(["2104.08164"])
    assert len(fake.requests) == 4
    assert network_issue(caught.value).message == (
        "arXiv sent malformed XML (no element found: line 29, column 0); gave up after 4 attempts")


def test_regression_a_truncated_answer_is_never_a_partial_result() -> None:
    """Why the feed is parsed strictly: the arxiv package this client replaced parsed in lxml's
    recover mode, so a page cut off mid-entry yielded a "valid" result without its categories."""
    with pytest.raises(RetryableError, match="malformed XML"):
        parse_feed((DATA / "malformed.xml").read_bytes(), 1)


def test_every_field_of_an_entry_is_read() -> None:
    (record,) = parse_feed(ENTRY_WITH_EVERYTHING, 1)
    assert record == ArxivRecord(
        "http://arxiv.org/abs/2104.08164v2",
        title="Editing Factual Knowledge in Language Models",
        published=dt.datetime(2021, 4, 16, 15, 0, tzinfo=dt.UTC),
        updated=dt.datetime(2021, 9, 8, 10, 30, tzinfo=dt.UTC),
        authors=(ArxivAuthor("Nicola De Cao", ("University of Amsterdam", "University of Edinburgh")),
                 ArxivAuthor("Ivan Titov")),
        summary="  A dummy\nsummary.\n",
        comment="EMNLP 2021 camera-ready",
        journal_ref="EMNLP 2021",
        doi="10.18653/v1/2021.emnlp-main.522",
        primary_category="cs.CL",
        categories=("cs.CL", "cs.LG"),
        links=(ArxivLink("http://arxiv.org/abs/2104.08164v2", "alternate", None, "text/html"),
               ArxivLink("http://arxiv.org/pdf/2104.08164v2", "related", "pdf", "application/pdf")),
    )
    assert record.get_short_id() == "2104.08164v2"
    assert record.pdf_url == "http://arxiv.org/pdf/2104.08164v2"
    assert record.published.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(("change", "message"), [
    ((b"<published>2021-04-16T17:00:00+02:00</published>", b""),
     "arXiv sent the entry http://arxiv.org/abs/2104.08164v2 without a valid <published> date"),
    ((b"<updated>2021-09-08T10:30:00Z</updated>", b"<updated>soon</updated>"),
     "arXiv sent the entry http://arxiv.org/abs/2104.08164v2 without a valid <updated> date"),
    ((b"<id>http://arxiv.org/abs/2104.08164v2</id>", b""), "arXiv sent an entry without an <id>"),
    ((b'<?xml version="1.0" encoding="UTF-8"?>',
      b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]>'),
     "arXiv sent XML with a document type declaration, which arXiv never does"),
])
def test_an_incomplete_entry_is_retryable(change: tuple[bytes, bytes], message: str) -> None:
    assert change[0] in ENTRY_WITH_EVERYTHING
    with pytest.raises(RetryableError) as caught:
        parse_feed(ENTRY_WITH_EVERYTHING.replace(*change), 1)
    assert str(caught.value) == message


@pytest.mark.parametrize(("body", "message"), [
    (b"", "arXiv sent an empty answer"),
    (b"<html><body>Service temporarily down</body></html>", "arXiv sent something other than an Atom feed (<html>)"),
    (b"\xff\xfe<feed/>", "arXiv sent an answer that is not UTF-8"),
])
def test_other_broken_answers_are_retryable(body: bytes, message: str) -> None:
    with pytest.raises(RetryableError) as caught:
        check_feed(body, 1)
    assert str(caught.value) == message


def test_slow_answer_times_out_then_success(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml", delay=1.0), Reply("decao_preprint.xml"))
    lines: list[str] = []
    with make_client(fake, tmp_path, timeout=0.3, lines=lines) as client:
        assert list(client.fetch(["2104.08164"])) == ["2104.08164"]
    assert len(fake.requests) == 2
    assert lines == ["retrying: arXiv did not answer within 0.3 s (retry 1 of 3 in 0.0 s)"]


def test_always_slow_gives_up(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml", delay=0.6))
    with make_client(fake, tmp_path, timeout=0.2) as client, pytest.raises(NetworkError) as caught:
        client.fetch(["2104.08164"])
    assert isinstance(caught.value.__cause__, ArxivTimeout)
    assert len(fake.requests) == 4
    assert network_issue(caught.value).format() == (
        "arxiv:0: [network] arXiv did not answer within 0.2 s; gave up after 4 attempts "
        "(arXiv may be busy: try again later, or set SYMKD_ARXIV_TIMEOUT to wait longer)")


def test_timeout_bounds_the_whole_request(fake: FakeArxiv, tmp_path: Path) -> None:
    """Timeouts are per request, not per read (a dripping server: tests/test_network.py)."""
    fake.serve("2104.08164", Reply("decao_preprint.xml", delay=1.0))
    with make_client(fake, tmp_path, timeout=0.2) as client:
        assert client.http.timeout == 0.2
        with pytest.raises(ArxivTimeout, match=r"^arXiv did not answer within 0\.2 s$"):
            client._request(client.query_url(["2104.08164"]), 1)


def test_offline(tmp_path: Path) -> None:
    port = closed_port()
    policy = RetryPolicy(base=0.0, min_interval=0.0, sleep=lambda seconds: None)
    client = ArxivClient(f"http://127.0.0.1:{port}/api/query?{{}}", timeout=2, policy=policy,
                         cache=DiskCache(tmp_path / "cache"))
    with client, pytest.raises(NetworkError) as caught:
        client.fetch(["2104.08164"])
    assert isinstance(caught.value.__cause__, ArxivUnreachable)
    assert network_issue(caught.value).format() == (
        f"arxiv:0: [network] cannot connect to arXiv at 127.0.0.1:{port} (connection refused); gave up after "
        "4 attempts (check your network connection, or set SYMKD_ARXIV_URL to a reachable mirror)")


def test_batches_of_at_most_100_without_truncation(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.synthesize = True
    ids = [f"2301.{n:05d}" for n in range(1, 151)]
    progress: list[tuple[int, int]] = []
    with make_client(fake, tmp_path) as client:
        client.progress = lambda done, total: progress.append((done, total))
        found = client.fetch(ids)
    assert sorted(found) == ids
    assert [q["max_results"] for q in fake.queries] == ["100", "50"]
    assert [len(q["id_list"].split(",")) for q in fake.queries] == [100, 50]
    assert progress == [(100, 150), (150, 150)]


def test_cache_answers_the_same_query_again(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve(SEVERAL, Reply("several.xml"))
    with make_client(fake, tmp_path) as client:
        client.fetch(SEVERAL.split(","))
    with make_client(fake, tmp_path) as client:  # a new run: only the disk cache is shared
        again = client.fetch(reversed(SEVERAL.split(",")))
    assert sorted(again) == SEVERAL.split(",")
    assert len(fake.requests) == 1
    with make_client(fake, tmp_path, cache=False) as client:
        client.fetch(SEVERAL.split(","))
    assert len(fake.requests) == 2


def test_answers_with_gaps_are_not_cached(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2410.99999", Reply("nonexistent.xml"))
    for _ in range(2):
        with make_client(fake, tmp_path) as client, pytest.raises(MissingIdsError):
            client.fetch(["2410.99999"])
    assert len(fake.requests) == 2


def test_damaged_cache_file_is_a_miss(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    with make_client(fake, tmp_path) as client:
        client.fetch(["2104.08164"])
    (cached,) = (tmp_path / "cache" / "arxiv").iterdir()
    cached.write_text("<feed", encoding="utf-8")
    with make_client(fake, tmp_path) as client:
        assert list(client.fetch(["2104.08164"])) == ["2104.08164"]
    assert len(fake.requests) == 2


def test_pacing_and_backoff_with_a_fake_clock(fake: FakeArxiv, tmp_path: Path) -> None:
    """At least 3 s between requests; backoff doubles (2, 4, 8 s at the jitter's upper bound)."""
    fake.serve("2104.08164", *[Reply(status=503, body=b"busy")] * 3, Reply("decao_preprint.xml"))
    fake.serve("2203.15556", Reply("several.xml"))
    time = FakeClock()
    starts: list[float] = []
    policy = RetryPolicy(sleep=time.sleep, clock=time.clock, rng=MaxRandom())
    assert policy.min_interval == 3.0
    client = ArxivClient(fake.url_format, policy=policy, cache=DiskCache(tmp_path / "cache", enabled=False))
    original = client._request

    def timed(url: str, asked: int) -> tuple[bytes, list[ArxivRecord]]:
        starts.append(time.now)
        return original(url, asked)

    client._request = timed  # type: ignore[method-assign]
    with client:
        client.fetch(["2104.08164"])
        client.fetch(["2203.15556"])  # the next query: one more request, paced
    assert time.sleeps == [2.0, 1.0, 4.0, 8.0, 3.0]
    assert starts == [0.0, 3.0, 7.0, 15.0, 18.0]
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(starts))


def test_environment_configuration(tmp_path: Path) -> None:
    client = client_from_environment(environ={"SYMKD_MIN_INTERVAL": "0", "SYMKD_CACHE_DIR": str(tmp_path)})
    with client:
        assert client.url_format == "https://export.arxiv.org/api/query?{}"
        assert client.policy.min_interval == 3.0  # never faster than arXiv's terms allow
        assert client.timeout == 30.0
        assert client.cache.folder == tmp_path
        assert client.deadline is None and client.http.max_bytes == 20 * 1024 * 1024
    mirror = client_from_environment(use_cache=False, environ={
        "SYMKD_ARXIV_URL": "http://127.0.0.1:9/api/query", "SYMKD_MIN_INTERVAL": "0.5",
        "SYMKD_ARXIV_TIMEOUT": "2.5", "SYMKD_RETRY_BASE": "0.1", "SYMKD_DEADLINE": "90"})
    with mirror:
        assert mirror.url_format == "http://127.0.0.1:9/api/query?{}"
        assert (mirror.policy.min_interval, mirror.policy.base, mirror.timeout) == (0.5, 0.1, 2.5)
        assert not mirror.cache.enabled
        assert mirror.deadline is not None and mirror.deadline.seconds == 90.0
        assert mirror.http.deadline is mirror.deadline


@pytest.mark.parametrize(("environ", "line"), [
    ({"SYMKD_ARXIV_TIMEOUT": "soon"}, "SYMKD_ARXIV_TIMEOUT:0: [config] must be a positive number of seconds, "
                                      "got 'soon'"),
    ({"SYMKD_ARXIV_TIMEOUT": "0"}, "SYMKD_ARXIV_TIMEOUT:0: [config] must be a positive number of seconds, got '0'"),
    ({"SYMKD_MIN_INTERVAL": "-1"}, "SYMKD_MIN_INTERVAL:0: [config] must be a number of seconds, got '-1'"),
    ({"SYMKD_DEADLINE": "0"}, "SYMKD_DEADLINE:0: [config] must be a positive number of seconds, got '0'"),
    ({"SYMKD_ARXIV_URL": "ftp://mirror/api"}, "SYMKD_ARXIV_URL:0: [config] not an http(s) URL for the arXiv API: "
                                              "'ftp://mirror/api' (e.g. https://export.arxiv.org/api/query?{} "
                                              "('{}' marks the query; optional))"),
])
def test_bad_environment(environ: dict[str, str], line: str) -> None:
    with pytest.raises(SymkdError) as caught:
        client_from_environment(environ=environ)
    assert [i.format() for i in caught.value.issues] == [line]


def test_url_format() -> None:
    assert url_format_from("https://mirror.example/api/query?{}") == "https://mirror.example/api/query?{}"
    assert url_format_from("https://mirror.example/api?key=1") == "https://mirror.example/api?key=1&{}"
