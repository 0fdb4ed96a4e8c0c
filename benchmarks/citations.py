"""Measure the formatted citations of the paper pages (APA, IEEE, ACL; symkd_survey.site.citations).

    python -m benchmarks.citations [--sizes 351,10000] [--repeat 2] [--build] [--naive-sample 100]

For each size (351 is the shipped catalogue, any other a synthetic one from benchmarks.generate)
it measures, wall and CPU time, best of ``--repeat``:

- ``cold``: every citation rendered, in this process (one worker);
- ``cold, N workers``: the same with the machine's processors (worker processes are used from
  ``PARALLEL_FROM`` uncached items on);
- ``warm``: every citation read back from the cache of a previous run (a rebuild);
- ``naive``: plain citeproc-py (no memoising, one bibliography per batch), in a child process,
  on the first ``--naive-sample`` items, extrapolated to the size, for comparison.

With ``--build`` it also builds the whole site of each size twice, with an empty citation cache
and then with the cache the first build filled: the difference is what rendering citations
adds to a build that cannot reuse anything.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.exports.csl import to_csl
from symkd_survey.site.citations import PARALLEL_FROM, STYLES, CitationStats, format_citations

from .generate import make_repository

REPO_ROOT = Path(__file__).resolve().parent.parent
NAIVE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
from citeproc import CitationStylesStyle, CitationStylesBibliography, Citation, CitationItem, formatter
from citeproc.source.json import CiteProcJSON
files, items = json.load(sys.stdin)
started, cpu = time.perf_counter(), time.process_time()
for file in files:
    style = CitationStylesStyle(file, validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    bib.bibliography()
print(json.dumps([time.perf_counter() - started, time.process_time() - cpu]))
"""
FIELDS = ("id", "type", "title", "author", "issued", "container-title", "volume", "issue", "page", "publisher",
          "publisher-place", "genre", "number", "DOI", "URL", "note")


def timed(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU time (this process only) of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def items_of(repo: Repository) -> dict[str, dict[str, Any]]:
    return {item.key: to_csl(item.key, item.entry) for item in load_catalogue(repo)}


def naive(items: dict[str, dict[str, Any]], sample: int) -> tuple[float, float]:
    chosen = [{k: v for k, v in item.items() if k in FIELDS} for item in list(items.values())[:sample]]
    request = json.dumps([[str(style.path) for style in STYLES], chosen])
    done = subprocess.run([sys.executable, "-c", NAIVE], input=request, capture_output=True, text=True, check=True)
    wall, cpu = json.loads(done.stdout)
    scale = len(items) / len(chosen)
    return wall * scale, cpu * scale


def build_seconds(repo: Repository, cache: Path, out: Path) -> float:
    from symkd_survey.site.build import build_site

    os.environ["SYMKD_CACHE_DIR"] = str(cache)
    return build_site(repo, out).seconds


def measure(size: int, repeat: int, sample: int, work: Path, build: bool,
            one_worker_only: bool = False) -> Iterator[tuple[str, float, float]]:
    """Each row as soon as it is measured."""
    repo = Repository(REPO_ROOT) if size == 351 else make_repository(work / f"repo-{size}", size)
    items = items_of(repo)
    workers = os.cpu_count() or 1
    format_citations(dict(list(items.items())[:3]), workers=1)  # parse the styles once, as a build does
    yield ("cold, 1 worker", *timed(lambda: format_citations(items, workers=1), repeat))
    if workers > 1 and not one_worker_only:
        note = "" if len(items) >= PARALLEL_FROM else f" (below {PARALLEL_FROM} items: in-process)"
        yield (f"cold, {workers} workers{note}", *timed(lambda: format_citations(items, workers=workers), repeat))
    cache = work / f"cache-{size}"
    stats = CitationStats()
    format_citations(items, cache_folder=cache, workers=workers, stats=stats)
    yield ("warm (all cached)", *timed(lambda: format_citations(items, cache_folder=cache), repeat))
    yield (f"naive citeproc-py (from {min(sample, len(items))} items)", *naive(items, sample))
    if build:
        empty, out = work / f"build-cache-{size}", work / f"site-{size}"
        cold = build_seconds(repo, empty, out)
        warm = build_seconds(repo, empty, out)
        yield ("site build, empty citation cache", cold, float("nan"))
        yield ("site build, citations cached", warm, float("nan"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.citations", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="351,10000", help="comma-separated sizes; 351 is the shipped catalogue")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--build", action="store_true", help="also build the site with an empty and a full cache")
    parser.add_argument("--one-worker-only", action="store_true", help="skip the run with worker processes")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} processors, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"\n{size:,} papers x {len(STYLES)} styles")
            print("| what | wall (s) | CPU of this process (s) | per paper, wall (ms) |\n|---|---:|---:|---:|")
            for name, wall, cpu in measure(size, args.repeat, args.naive_sample, Path(tmp), args.build,
                                          args.one_worker_only):
                print(f"| {name} | {wall:.2f} | {cpu:.2f} | {1000 * wall / size:.2f} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
