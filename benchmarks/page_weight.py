"""What a reader downloads: the bytes a paper page transfers on a first visit (cold cache).

    python -m benchmarks.page_weight [--sizes 0,10000] [--page KEY] [--json]

Size 0 is the shipped catalogue; any other N a synthetic catalogue of N papers
(:mod:`benchmarks.generate`). Each site is built with ``symkd build`` into a temporary folder and
served on 127.0.0.1; headless Chromium (Debian's, through Playwright) opens the page in a fresh
browser context, so nothing is cached, and waits until the network has been idle for 500 ms
(the search index and the graph data load after the page itself). The bytes are counted at the
server, as it writes them (status line, headers and body of every answer), so a request made by
a worker or a script counts as much as the page's own. The server sends no compression; a host
that gzips would send less.

Measured: the paper page named by ``--page`` (default: the first paper of the survey's
example, ``west2022symbolic``, when present, else the most cited paper), the heaviest paper page
(largest HTML file), the home page and the papers table. Target (issue 17): under 400 KB for a
paper page at the shipped size.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from symkd_survey.core.catalogue import Repository
from symkd_survey.site.build import build_site

from .generate import REPO_ROOT, make_repository

TARGET_KB = 400
SEARCH_PATHS = ("/search/", "/pagefind/")
"""Where the search index lives (Material's lunr index, or Pagefind's fragments): counted apart."""
DEFAULT_KEY = "west2022symbolic"


class _Counting:
    """A write-only file that counts what passes through it into the server's tally."""

    def __init__(self, raw: BufferedIOBase, tally: Counter[str], path: str) -> None:
        self.raw, self.tally, self.path = raw, tally, path

    def write(self, data: bytes) -> int:
        self.tally[self.path] += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Handler(http.server.SimpleHTTPRequestHandler):
    tally: Counter[str]

    def handle_one_request(self) -> None:
        self.wfile = _Counting(self.wfile, self.tally, "?")  # type: ignore[assignment]
        super().handle_one_request()
        self.wfile = self.wfile.raw  # type: ignore[attr-defined]

    def parse_request(self) -> bool:
        ok = super().parse_request()
        if isinstance(self.wfile, _Counting):
            self.wfile.path = self.path.split("?", 1)[0]
        return ok

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, Counter[str]]]:
    """The folder on 127.0.0.1 (a free port); yields its base URL and the per-path byte tally."""
    tally: Counter[str] = Counter()
    handler = functools.partial(type("Handler", (_Handler,), {"tally": tally}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", tally
    finally:
        server.shutdown()
        server.server_close()


def first_load(browser: Any, base: str, tally: Counter[str], url: str) -> Counter[str]:
    """Bytes per path the server sent for one first visit of ``url`` in a fresh context."""
    tally.clear()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return Counter(tally)


def heaviest_paper(out: Path) -> str:
    page = max((out / "papers").glob("*.html"), key=lambda p: p.stat().st_size)
    return f"papers/{page.name}"


def default_paper(repo: Repository, out: Path) -> str:
    if (out / "papers" / f"{DEFAULT_KEY}.html").is_file():
        return f"papers/{DEFAULT_KEY}.html"
    from symkd_survey.core.catalogue import load_catalogue

    catalogue = load_catalogue(repo)
    cited: Counter[str] = Counter(k for item in catalogue for k in item.entry.cites if k in catalogue.entries)
    key = cited.most_common(1)[0][0] if cited else min(catalogue.entries)
    return f"papers/{key}.html"


def measure(size: int, work: Path, browser: Any, key: str | None) -> list[dict[str, Any]]:
    repo = make_repository(work / f"n{size}", size) if size else Repository(REPO_ROOT)
    out = work / f"out{size}"
    build_site(repo, out)
    papers = sum(1 for _ in (out / "papers").glob("*.html"))
    paper = f"papers/{key}.html" if key else default_paper(repo, out)
    rows = []
    with serve(out) as (base, tally):
        for label, url in (("paper page", paper), ("heaviest paper page", heaviest_paper(out)),
                           ("home page", "index.html"), ("papers table", "papers.html")):
            sent = first_load(browser, base, tally, url)
            search = sum(n for path, n in sent.items() if path.startswith(SEARCH_PATHS))
            rows.append({"papers": papers, "page": label, "url": url, "bytes": sum(sent.values()),
                         "search_bytes": search, "requests": len(sent), "files": dict(sent.most_common())})
            print(f"[{papers}] {label} {url}: {sum(sent.values()) / 1024:.0f} KB in {len(sent)} files",
                  file=sys.stderr)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| papers | page | transferred (KB) | of which search index (KB) | files | largest files (KB) |",
             "|---:|---|---:|---:|---:|---|"]
    for row in rows:
        largest = ", ".join(f"`{path}` {n / 1024:.0f}" for path, n in list(row["files"].items())[:3])
        lines.append(f"| {row['papers']:,} | {row['page']} (`{row['url']}`) | {row['bytes'] / 1024:.0f} "
                     f"| {row['search_bytes'] / 1024:.0f} | {row['requests']} | {largest} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,10000", help="0 = the shipped catalogue (default: 0,10000)")
    parser.add_argument("--page", default=None, help="the key of the paper page to measure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="symkd-weight-") as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            for size in (int(s) for s in args.sizes.split(",")):
                rows.extend(measure(size, Path(tmp), browser, args.page))
        finally:
            browser.close()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(markdown(rows))
        shipped = [r for r in rows if r["page"] == "paper page"][:1]
        if shipped:
            kb = shipped[0]["bytes"] / 1024
            verdict = "meets" if kb < TARGET_KB else "misses"
            print(f"\nThe paper page at the first size: {kb:.0f} KB, which {verdict} the target of {TARGET_KB} KB.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
