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

It also measures the start-up of ``symkd validate``: the whole command on the shipped catalogue
as a child process, best of ``--startup-repeat`` runs, against a floor measured in the same run,
``python -c "import yaml, pydantic"``. That floor is what any validator of this catalogue pays
(the interpreter, and the libraries that read YAML and check the models, which validate cannot
do without), so the ratio is what symkd itself adds; a bare interpreter start (shown too) would
count those libraries as symkd's cost, though no change to symkd can remove them. With
``--baseline-tree DIR`` (a checkout of an older commit, e.g. a ``git worktree``) the same
command runs with that code too and the speed-up is printed; ``--tree DIR`` (repeatable) measures
other code than this checkout's, such as a ``git archive`` of a commit. Each command runs from a folder
outside both trees, with ``PYTHONPATH`` naming its tree, and is checked to import the code of
that tree. The runs are interleaved (one of each command per round), so a slow spell of the
machine hits them all alike.

    python -m benchmarks.run --startup-only [--baseline-tree DIR] [--tree DIR] [--data-root DIR] [--startup-repeat 20]

measures only that and replaces its section of ``--out``, keeping the rest of the file.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
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
REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_HEADING = "## Start-up of `symkd validate` on the shipped catalogue"
STARTUP_TARGET = "Target: `symkd validate` on the shipped catalogue starts at least 30% faster than at 8c84f68."
FLOOR = "import yaml, pydantic"
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
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Block

    blocks: list[Block] = [to_block(item.key, item.entry) for item in sorted(load_catalogue(repo), key=lambda i: i.key)]
    return lambda: write_string(Library(blocks), unparse_stack=[])


def bare_mkdocs_site(repo: Repository, folder: Path) -> Path:
    """The same Markdown pages written out, with a plain mkdocs.yml (same theme, no hook)."""
    from symkd_survey.site.generate import generate_site, write_generated

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


# --------------------------------------------------------------------------- start-up of symkd validate


@dataclass(slots=True)
class Command:
    """A command run as a child process from a neutral folder; ``tree`` is the code it must import."""

    label: str
    argv: list[str]
    tree: Path | None = None
    seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _environment(tree: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def timed_run(command: Command, cwd: Path) -> float:
    """Seconds from spawning ``command`` to its exit; a failure (non-zero status) raises with its stderr."""
    started = time.perf_counter()
    done = subprocess.run(command.argv, cwd=cwd, env=_environment(command.tree), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command.label}: {' '.join(command.argv)} exited with {done.returncode}:\n"
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def imported_from(tree: Path, cwd: Path) -> Path:
    """The ``symkd_survey`` package a command with ``tree`` on PYTHONPATH imports."""
    done = subprocess.run([sys.executable, "-c", "import symkd_survey; print(symkd_survey.__file__)"], cwd=cwd,
                          env=_environment(tree), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{tree} has no importable symkd_survey: {done.stderr[-1000:]}")
    return Path(done.stdout.strip()).resolve().parent


def commit_of(tree: Path) -> str:
    """The short commit id checked out in ``tree`` ("" when it is not the top of a git checkout, such as
    a ``git archive`` of a commit inside another checkout); reads only."""
    done = subprocess.run(["git", "-C", str(tree), "rev-parse", "--show-toplevel", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != tree.resolve():
        return ""
    changes = subprocess.run(["git", "--no-optional-locks", "-C", str(tree), "status", "--porcelain",
                              "--untracked-files=no"], capture_output=True, text=True, check=False)
    return lines[1] + (", with uncommitted changes" if changes.stdout.strip() else "")


def _tree_label(role: str, tree: Path) -> str:
    commit = commit_of(tree)
    return f"`symkd validate`, {role} {tree}" + (f" (commit {commit})" if commit else "")


def same_catalogue(trees: list[Path]) -> None:
    """Refuse trees whose catalogue files differ: with ``--own-data`` each tree validates its own
    repository (its taxonomy in the format its code reads), which is a fair comparison only
    when the entry files are the same bytes."""
    first = trees[0] / "catalogue"
    names = sorted(p.name for p in first.glob("*.yaml"))
    for tree in trees[1:]:
        other = tree / "catalogue"
        if sorted(p.name for p in other.glob("*.yaml")) != names or any(
                (first / n).read_bytes() != (other / n).read_bytes() for n in names):
            raise RuntimeError(f"--own-data: the catalogue of {tree} differs from that of {trees[0]}")


def startup_commands(data_root: Path, baseline: Path | None, trees: list[Path], *,
                     own_data: bool = False) -> list[Command]:
    """The floor, the bare interpreter, ``symkd validate`` with the code of each of ``trees``, then
    with the baseline's (last, when given). With ``own_data`` each tree validates its own
    repository instead of ``data_root``."""
    def validate_argv(tree: Path) -> list[str]:
        root = tree if own_data else data_root
        return [sys.executable, "-m", "symkd_survey", "--root", str(root), "validate"]

    commands = [
        Command(f'floor: `python -c "{FLOOR}"`', [sys.executable, "-c", FLOOR]),
        Command("interpreter alone: `python -c pass`", [sys.executable, "-c", "pass"]),
    ]
    for tree in trees:
        role = "this checkout" if tree.resolve() == REPO_ROOT else "code of"
        commands.append(Command(_tree_label(role, tree), validate_argv(tree), tree))
    if baseline is not None:
        commands.append(Command(_tree_label("baseline", baseline), validate_argv(baseline), baseline))
    return commands


def measure_startup(data_root: Path, baseline: Path | None, repeat: int,
                    trees: list[Path] | None = None, *, own_data: bool = False) -> list[Command]:
    """Best of ``repeat`` interleaved runs of each command, after one warm-up run each (which
    also writes the trees' byte-code caches, as any installed copy has them)."""
    if own_data:
        same_catalogue([*(trees or [REPO_ROOT]), *([baseline] if baseline is not None else [])])
    commands = startup_commands(data_root, baseline, trees or [REPO_ROOT], own_data=own_data)
    with tempfile.TemporaryDirectory(prefix="symkd-startup-") as folder:
        cwd = Path(folder)  # outside both trees: the current folder must not decide which code is imported
        for command in commands:
            if command.tree is not None and imported_from(command.tree, cwd) != command.tree.resolve() / "symkd_survey":
                raise RuntimeError(f"{command.label}: PYTHONPATH={command.tree} imports "
                                   f"{imported_from(command.tree, cwd)}, not that tree's code")
            timed_run(command, cwd)
        for _ in range(repeat):
            for command in commands:
                command.seconds.append(timed_run(command, cwd))
    for command in commands:
        print(f"[startup] {command.label}: best {command.best * 1000:.0f} ms, median {command.median * 1000:.0f} ms",
              file=sys.stderr)
    return commands


def speedup(current: Command, baseline: Command, floor: Command) -> str:
    """The baseline's time against the current one's, whole and above the floor; and the target's verdict
    ("30% faster" read as 1.3x the speed, i.e. at most 77% of the time; the stricter reading, at most
    70% of the time, is stated when it holds too)."""
    ratio = current.best / baseline.best
    verdict = "met" if ratio <= 1 / 1.3 else "not met"
    strict = " (also under the stricter reading, at most 70% of the time)" if ratio <= 0.7 else ""
    return (f"{baseline.best * 1000:.0f} ms -> {current.best * 1000:.0f} ms, "
            f"{ratio:.0%} of the time ({1 - ratio:.0%} less), {1 / ratio:.2f}x as fast; above the floor: "
            f"{(baseline.best - floor.best) * 1000:.0f} ms -> {(current.best - floor.best) * 1000:.0f} ms. "
            f"Target {verdict}{strict}.")


def startup_section(commands: list[Command], data_root: Path, argv_shown: str, *, baseline: bool,
                    own_data: bool = False) -> str:
    floor = commands[0]
    repeat = len(floor.seconds)
    lines = [
        STARTUP_HEADING, "",
        f"Measured by `{argv_shown}` on {machine()}, {time.strftime('%Y-%m-%d')}: `python -m symkd_survey --root "
        f"{'TREE' if own_data else data_root} validate` ({len(list((data_root / 'catalogue').glob('*.yaml')))} "
        "catalogue files" + ("; each tree validates its own checkout, whose catalogue files are identical"
                             if own_data else "") + "), each command "
        f"a child process run from a folder outside the trees with PYTHONPATH naming its code, {repeat} interleaved "
        "runs after a warm-up; wall time from spawn to exit. The floor is the interpreter importing PyYAML and "
        "pydantic, which any validator of this catalogue needs; the ratio is against it."
        + ("" if own_data or data_root.resolve() == REPO_ROOT else
           f" The data validated is {data_root}'s (`--data-root`), not this repository's."), "",
        "| command | best (ms) | median (ms) | best / floor |",
        "|---|---:|---:|---:|",
    ]
    for command in commands:
        lines.append(f"| {command.label} | {command.best * 1000:.0f} | {command.median * 1000:.0f} "
                     f"| {command.best / floor.best:.2f}x |")
    lines.append("")
    if baseline:
        lines.append("Speed-up against the baseline (best against best):")
        lines += [f"- {current.label}: {speedup(current, commands[-1], floor)}" for current in commands[2:-1]]
        lines.append("")
    lines += [STARTUP_TARGET, ""]
    return "\n".join(lines)


def replace_section(text: str, section: str, heading: str = STARTUP_HEADING) -> str:
    """``text`` with its section under ``heading`` (up to the next ``## `` heading) replaced by
    ``section``, or ``section`` appended; everything else is kept as it is."""
    start = text.find(heading)
    if start == -1:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(heading))
    return text[:start] + section + ("\n" + text[end + 1:] if end != -1 else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,1000,2000,10000", help="comma-separated catalogue sizes")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (site builds: one fewer)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the Markdown results")
    parser.add_argument("--startup-only", action="store_true",
                        help="measure only the start-up of symkd validate; replace its section of --out")
    parser.add_argument("--startup-repeat", type=int, default=20, help="start-up: best of this many runs")
    parser.add_argument("--baseline-tree", type=Path, metavar="DIR",
                        help="start-up: also run symkd validate with the code of this older checkout")
    parser.add_argument("--tree", type=Path, action="append", metavar="DIR",
                        help="start-up: code to measure, repeatable (default: this checkout; e.g. a `git archive` "
                             "of a commit)")
    parser.add_argument("--data-root", type=Path, default=REPO_ROOT, metavar="DIR",
                        help="start-up: the repository whose catalogue is validated (default: this one)")
    parser.add_argument("--own-data", action="store_true",
                        help="start-up: each tree validates its own repository (their catalogue files must be "
                             "identical), for versions whose taxonomy formats differ")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.startup_repeat < 1:
        parser.error("--repeat and --startup-repeat must be at least 1")
    shown = " ".join(["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])])
    try:
        commands = measure_startup(args.data_root, args.baseline_tree, args.startup_repeat, args.tree,
                                   own_data=args.own_data)
    except RuntimeError as exc:
        hint = ("\nA baseline whose code refuses the data (say, a taxonomy key added since) cannot be compared on "
                "it: pass --data-root with a repository both accept, such as the baseline tree, if its catalogue "
                "is the same.") if args.baseline_tree is not None else ""
        parser.exit(1, f"benchmarks.run: {exc}{hint}\n")
    startup = startup_section(commands, args.data_root, shown, baseline=args.baseline_tree is not None,
                              own_data=args.own_data)
    if args.startup_only:
        previous = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Benchmark results\n"
        args.out.write_text(replace_section(previous, startup), encoding="utf-8")
        print(startup)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="symkd-bench-") as work:
        rows = [measure(size, args.repeat, Path(work)) for size in sizes]
    text = "\n".join([
        "# Benchmark results", "",
        f"Measured by `python -m benchmarks.run --sizes {args.sizes} --repeat {args.repeat}` on {machine()}, "
        f"{time.strftime('%Y-%m-%d')}. Times are the best of the runs; each ratio is against its floor "
        "measured in the same run.", "",
        table(rows), "", linearity(rows), "", TARGETS, "", startup,
    ])
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
