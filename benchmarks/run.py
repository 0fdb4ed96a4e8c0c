"""Measure symkd on synthetic catalogues, each figure against a floor measured in the same run.

    python -m benchmarks.run [--sizes 250,1000,2000,10000] [--repeat 3] [--out benchmarks/RESULTS.md]

For each size N it writes a synthetic repository (benchmarks.generate) to a temporary folder
and measures, best of ``--repeat`` runs:

- validation (``symkd validate`` in-process) vs. a bare libyaml (CSafeLoader) parse of the files;
- graph analyses (graph build, PageRank, co-citation, flow matrices, components);
- BibTeX export of every entry vs. bibtexparser writing the same, already built, blocks;
- the site build (``symkd build``) vs. a bare ``mkdocs build`` of the same Markdown pages,
  pre-written, kept out of the navigation, with no hook;
- peak memory (max RSS) of the site build, in a child process of its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.exports.bibtex import export_bibliography, to_block

from .generate import make_repository

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGETS = """\
Targets (issue 8): validation of 10,000 papers within 2x the bare parse and under 5 s; BibTeX export of
10,000 under 1 s; site build within 1.5x the bare mkdocs build at 2,000 papers, and at most 12x longer at
10,000 than at 1,000; peak memory of the build at 10,000 under 1 GB."""


def best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def bare_parse(repo: Repository) -> None:
    loader = yaml.CSafeLoader
    for file in sorted(repo.catalogue_dir.glob("*.yaml")):
        yaml.load(file.read_text(encoding="utf-8"), Loader=loader)  # the C loader with safe constructors


def graph_analyses(repo: Repository) -> None:
    from symkd_survey.analysis.graph.analyses import cocitation, components, flow_matrix, pagerank
    from symkd_survey.analysis.graph.building import build_graph

    catalogue = load_catalogue(repo)
    taxonomy = repo.load_taxonomy()
    graph = build_graph(catalogue, taxonomy)
    pagerank(graph)
    cocitation(graph)
    flow_matrix(graph, "method", taxonomy)
    flow_matrix(graph, "application", taxonomy)
    components(graph)


def bibtex_floor(repo: Repository) -> Callable[[], object]:
    """bibtexparser writing the same entries, built beforehand (so only the writer is timed)."""
    from bibtexparser import Library, write_string

    blocks = [to_block(item.key, item.entry) for item in sorted(load_catalogue(repo), key=lambda i: i.key)]
    return lambda: write_string(Library(blocks), unparse_stack=[])


def bare_mkdocs_site(repo: Repository, folder: Path) -> Path:
    """The same Markdown pages written out, with a plain mkdocs.yml (same theme, no hook)."""
    from symkd_survey.site.pages import generate_site, write_generated

    docs = folder / "docs"
    shutil.copytree(repo.root / "site" / "docs", docs)
    write_generated(generate_site(repo), docs)
    (folder / "mkdocs.yml").write_text(
        "site_name: floor\nuse_directory_urls: false\ntheme: {name: material, font: false}\n"
        "not_in_nav: |\n  papers/\n  taxonomy/\n"
        "nav: [index.md, papers.md, coverage.md, taxonomy.md, graph.md, timeline.md, problems.md, corrections.md, "
        "downloads.md, contributing.md]\n", encoding="utf-8")
    return folder / "mkdocs.yml"


def run_child(argv: list[str]) -> tuple[float, int]:
    """Run a command; return (seconds, its peak resident memory in bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise RuntimeError(f"{argv} failed: {stderr[-2000:]}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports kilobytes


@dataclass(slots=True)
class Row:
    size: int
    figures: dict[str, float] = field(default_factory=dict)


def measure(size: int, repeat: int, work: Path) -> Row:
    row = Row(size)
    folder = work / f"n{size}"
    started = time.perf_counter()
    repo = make_repository(folder / "repo", size)
    print(f"[{size}] generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    row.figures["parse_floor"] = best_of(repeat, lambda: bare_parse(repo))
    row.figures["validate"] = best_of(repeat, lambda: validate(repo))
    result = validate(repo)
    assert not result.errors, result.errors[:3]
    row.figures["graph"] = best_of(repeat, lambda: graph_analyses(repo))
    catalogue = load_catalogue(repo)
    row.figures["bibtex_floor"] = best_of(repeat, bibtex_floor(repo))
    row.figures["bibtex"] = best_of(repeat, lambda: export_bibliography(list(catalogue)))

    floor_config = bare_mkdocs_site(repo, folder / "floor")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(floor_config), "-d", str(folder / "floor-out")]
    build = [sys.executable, "-m", "symkd_survey", "--root", str(repo.root), "build", "--out", str(folder / "out")]
    floor_runs = [run_child(mkdocs) for _ in range(max(1, repeat - 1))]
    build_runs = [run_child(build) for _ in range(max(1, repeat - 1))]
    row.figures["mkdocs_floor"] = min(s for s, _ in floor_runs)
    row.figures["build"] = min(s for s, _ in build_runs)
    row.figures["build_rss"] = max(m for _, m in build_runs)
    print(f"[{size}] " + ", ".join(f"{k} {v:.3f}" for k, v in row.figures.items() if k != "build_rss"),
          file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    return row


def table(rows: list[Row]) -> str:
    lines = [
        "| papers | validate (s) | bare parse (s) | ratio | graph (s) | BibTeX (s) | bibtexparser write (s) | ratio "
        "| site build (s) | bare mkdocs (s) | ratio | build peak memory (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        f = row.figures
        lines.append(
            f"| {row.size:,} | {f['validate']:.2f} | {f['parse_floor']:.2f} "
            f"| {f['validate'] / f['parse_floor']:.2f}x | {f['graph']:.2f} | {f['bibtex']:.3f} "
            f"| {f['bibtex_floor']:.3f} | {f['bibtex'] / f['bibtex_floor']:.2f}x | {f['build']:.1f} "
            f"| {f['mkdocs_floor']:.1f} | {f['build'] / f['mkdocs_floor']:.2f}x | {f['build_rss'] / 1e6:.0f} |")
    return "\n".join(lines)


def linearity(rows: list[Row]) -> str:
    by_size = {row.size: row for row in rows}
    if 1000 in by_size and 10000 in by_size:
        ratio = by_size[10000].figures["build"] / by_size[1000].figures["build"]
        return f"Site build at 10,000 papers / at 1,000 papers: {ratio:.1f}x (linear would be 10x)."
    return ""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.machine()} ({cpu}), {os.cpu_count()} cores, Python "
            f"{platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,1000,2000,10000", help="comma-separated catalogue sizes")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (site builds: one fewer)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the Markdown results")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="symkd-bench-") as work:
        rows = [measure(size, args.repeat, Path(work)) for size in sizes]
    text = "\n".join([
        "# Benchmark results", "",
        f"Measured by `python -m benchmarks.run --sizes {args.sizes} --repeat {args.repeat}` on {machine()}, "
        f"{time.strftime('%Y-%m-%d')}. Times are the best of the runs; each ratio is against its floor "
        "measured in the same run.", "",
        table(rows), "", linearity(rows), "", TARGETS, "",
    ])
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
