"""What one search costs a reader: the bytes a browser downloads for a query in the header's box.

    python -m benchmarks.search_weight [--sizes 0,10000] [--json]

Size 0 is the shipped catalogue; any other N a synthetic catalogue of N papers
(:mod:`benchmarks.generate`). Each site is built with ``symkd build`` (MkDocs, then Pagefind)
into a temporary folder and served on 127.0.0.1. Headless Chromium (Debian's, through
Playwright) opens the home page in a fresh context, waits for the network to be idle, then types
each query into the search box and waits until the first page of results (ten) is shown and the
network is idle again. Counted, at the server as it writes them (status line, headers, body), are
the bytes of everything fetched from ``pagefind/`` for that query: Pagefind's entry script, its
worker, the entry and metadata files, the WebAssembly, the index chunks of the query's words and
the fragment of each result shown. The server sends no compression (Pagefind's index files are
already compressed). The old whole-index search downloaded ``search/search_index.json`` on every
page instead: about 773 KB at the shipped size, about 28 MB at 10,000 papers.

Target (issue 17): under 300 KB for one query at 10,000 papers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from symkd_survey.core.catalogue import Repository
from symkd_survey.site.build import build_site

from .generate import REPO_ROOT, make_repository
from .page_weight import serve

TARGET_KB = 300
QUERIES = {0: ("Choi", "NovaCOMET", "commonsense"), 1: ("Wang", "reasoning", "teacher student")}
"""The queries per kind of catalogue (0: shipped; 1: synthetic): an author, a title word, a phrase."""


def one_query(browser: Any, base: str, tally: Counter[str], query: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + "index.html")
        page.wait_for_load_state("networkidle")
        tally.clear()
        page.fill("#symkd-search-input", query)
        page.wait_for_function("() => /^\\d+ results?$/.test(document.querySelector('.symkd-search-status')"
                               ".textContent)", timeout=120000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        results = int(page.locator(".symkd-search-status").inner_text().split()[0])
        shown = page.locator(".symkd-search-hit").count()
    finally:
        context.close()
    sent = Counter({path: n for path, n in tally.items() if "/pagefind/" in path})
    kinds: Counter[str] = Counter()
    for path, n in sent.items():
        kinds["fragments" if "/fragment/" in path else "index chunks" if "/index/" in path
              else "filters" if "/filter/" in path else "wasm" if "wasm" in path else "scripts and entry"] += n
    return {"query": query, "results": results, "shown": shown, "bytes": sum(sent.values()),
            "requests": len(sent), "by_kind": dict(kinds)}


def measure(size: int, work: Path, browser: Any) -> dict[str, Any]:
    repo = make_repository(work / f"n{size}", size) if size else Repository(REPO_ROOT)
    out = work / f"out{size}"
    build = build_site(repo, out)
    bundle = out / "pagefind"
    index_bytes = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
    papers = sum(1 for _ in (out / "papers").glob("*.html"))
    with serve(out) as (base, tally):
        rows = [one_query(browser, base, tally, q) for q in QUERIES[min(size, 1)]]
    return {"papers": papers, "build_seconds": round(build.seconds, 1), "index_bytes": index_bytes,
            "index_files": sum(1 for f in bundle.rglob("*") if f.is_file()), "queries": rows}


def report(results: list[dict[str, Any]]) -> str:
    lines = ["| papers | query | results | bytes for the first 10 (KB) | requests | index chunks (KB) | "
             "fragments (KB) | wasm (KB) | scripts and entry (KB) | whole index on disk (MB) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for q in r["queries"]:
            k = q["by_kind"]
            lines.append(f"| {r['papers']:,} | {q['query']} | {q['results']:,} | {q['bytes'] / 1000:.0f} | "
                         f"{q['requests']} | {k.get('index chunks', 0) / 1000:.0f} | "
                         f"{k.get('fragments', 0) / 1000:.0f} | {k.get('wasm', 0) / 1000:.0f} | "
                         f"{k.get('scripts and entry', 0) / 1000:.0f} | "
                         f"{r['index_bytes'] / 1e6:.1f} |")
    worst = max(q["bytes"] for r in results for q in r["queries"])
    lines.append(f"\nHeaviest query: {worst / 1000:.0f} KB (target: under {TARGET_KB} KB).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_weight", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,10000", help="catalogue sizes; 0 is the shipped catalogue")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for size in (int(s) for s in args.sizes.split(",")):
                results.append(measure(size, Path(tmp), browser))
                print(f"measured {results[-1]['papers']:,} papers", file=sys.stderr)
        finally:
            browser.close()
    print(json.dumps(results, indent=1) if args.json else report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
