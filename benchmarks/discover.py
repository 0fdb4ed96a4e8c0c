"""``symkd discover`` over 5,000 candidates, against a floor measured in the same run.

    python -m benchmarks.discover [--candidates 5000] [--repeat 3]

Synthetic arXiv Atom feeds (pages of 100 entries in the API's format, titles and abstracts
drawn from a fixed vocabulary, 5% of the records carrying the arXiv id of a catalogue entry so
that deduplication has work to do) are served by a threaded HTTP server on 127.0.0.1 that
answers each ``start``. Measured, best of ``--repeat``, on the shipped catalogue (loaded once,
not timed):

- **floor**: parsing the same feeds alone (:func:`symkd_survey.sources.arxiv_feed.parse_feed`
  over the pages' bytes, in memory);
- **search**: :func:`symkd_survey.review.discovery.search_arxiv` through the loopback server
  (the project's HTTP client, retry policy and feed parser; no cache, no pacing);
- **discover**: :func:`symkd_survey.review.discovery.discover` through the loopback server:
  search, candidates, deduplication against the catalogue and the screening decisions (none
  here), and the TF-IDF ranking against the catalogue (its coverage matrix's facets as the
  scope, as the command ranks), with reasons.

Peak memory is tracemalloc's peak of Python allocations (numpy's included) during one further
run of each, so that tracing does not slow the timed runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.review.discovery import PAGE_SIZE, DiscoveryConfig, Query, SeenIndex, discover, search_arxiv
from symkd_survey.sources.answer_cache import DiskCache
from symkd_survey.sources.arxiv_client import ArxivClient
from symkd_survey.sources.arxiv_feed import parse_feed
from symkd_survey.sources.retry_policy import RetryPolicy

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 1)
WORDS = ("symbolic knowledge distillation teacher student rationale commonsense instruction reasoning "
         "language model large small data generation filtering reward policy self training chain thought "
         "dialogue code math retrieval agent tool vision protein graph speech compression pruning logit "
         "feature alignment preference evaluation benchmark dataset corpus synthetic annotation").split()
NS = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'


def pages(total: int, catalogue_ids: list[str], seed: int = 0) -> list[bytes]:
    """The feed pages, each of :data:`PAGE_SIZE` entries (the last may be shorter)."""
    rng = random.Random(seed)
    out: list[bytes] = []
    for start in range(0, total, PAGE_SIZE):
        entries = []
        for n in range(start, min(total, start + PAGE_SIZE)):
            known = catalogue_ids and rng.random() < 0.05
            arxiv = rng.choice(catalogue_ids) if known else f"2{n // 9000 + 601}.{n:05d}"
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
            summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 200)))
            day = 1 + n % 28
            entries.append(f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv}v1</id>
    <updated>2026-10-{day:02d}T00:00:00Z</updated>
    <published>2026-10-{day:02d}T00:00:00Z</published>
    <title>{title}</title>
    <summary>{summary}</summary>
    <author><name>Ada Tester</name></author>
    <author><name>Alan Turing</name></author>
  </entry>
""")
        out.append(f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>ArXiv Query</title>
  <id>http://arxiv.org/api/bench</id>
  <updated>2026-11-28T00:00:00-05:00</updated>
  <opensearch:totalResults {NS}>{total}</opensearch:totalResults>
  <opensearch:startIndex {NS}>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage {NS}>{len(entries)}</opensearch:itemsPerPage>
{"".join(entries)}</feed>
""".encode())
    return out


@contextmanager
def serve(feeds: list[bytes]) -> Iterator[str]:
    """A loopback server answering ``start=N`` with the page that begins at N; yields the URL format."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            start = int(query.get("start", ["0"])[0])
            body = feeds[start // PAGE_SIZE] if start // PAGE_SIZE < len(feeds) else feeds[-1]
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/query?{{}}"
    finally:
        server.shutdown()
        server.server_close()


def client(url_format: str, folder: Path) -> ArxivClient:
    return ArxivClient(url_format, policy=RetryPolicy(min_interval=0, base=0),
                       cache=DiskCache(folder, enabled=False), timeout=30)


def best(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def peak(action: Callable[[], object]) -> float:
    """tracemalloc's peak, in MB, during one run of ``action``."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="symkd discover over synthetic arXiv feeds")
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    catalogue = load_catalogue(Repository(ROOT))
    ids = sorted(e.entry.ids.arxiv for e in catalogue if e.entry.ids.arxiv)
    feeds = pages(args.candidates, ids)
    scope = Repository(ROOT).load_taxonomy().matrix or ()  # as the command does: background entries
    config = DiscoveryConfig((Query("bench", ("symbolic knowledge distillation",), ()),), None, args.candidates)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, serve(feeds) as url:
        folder = Path(tmp)

        def floor() -> object:
            return [parse_feed(page, 0) for page in feeds]

        def search() -> object:
            return search_arxiv(client(url, folder), "all:bench", limit=args.candidates)

        results = []

        def run_discover() -> object:
            result = discover(catalogue, config, client(url, folder), screened=SeenIndex(), today=TODAY,
                              scope=scope)
            results.append(result)
            return result

        run_discover()  # warm-up: imports scikit-learn once
        timings = {"floor": best(floor, args.repeat), "search": best(search, args.repeat),
                   "discover": best(run_discover, args.repeat)}
        memory = {"floor": peak(floor), "search": peak(search), "discover": peak(run_discover)}
    result = results[-1]
    background = sum(not any(e.entry.labels(f) for f in scope) for e in catalogue)
    records = sum(result.identified.values())
    print(f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
          f"{len(catalogue)} catalogue entries ({background} background); {args.candidates} arXiv records in "
          f"{len(feeds)} pages "
          f"({sum(map(len, feeds)) / 1e6:.1f} MB); best of {args.repeat}")
    print(f"records identified {records} ({result.identified}), duplicates removed {result.duplicates}, "
          f"queued {len(result.candidates)}")
    print("| step | time (s) | / floor | peak memory (MB) | / floor |")
    print("|---|---:|---:|---:|---:|")
    names = {"floor": "floor: parse the feeds alone", "search": "search_arxiv over loopback HTTP",
             "discover": "discover (search, dedup, rank)"}
    for key, name in names.items():
        print(f"| {name} | {timings[key]:.2f} | {timings[key] / timings['floor']:.2f}x | {memory[key]:.0f} | "
              f"{memory[key] / memory['floor']:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
