"""The site build at scale, against the same build by an older commit, measured in one run.

    python -m benchmarks.build_scale --baseline-tree DIR [--size 10000] [--repeat 1] [--out benchmarks/RESULTS.md]

Each tree (this checkout, and ``--baseline-tree``, a checkout of an older commit such as a
``git worktree``) writes its own synthetic catalogue of ``--size`` papers with its own
``benchmarks.generate`` (same seed, the shape of that tree's shipped catalogue, in the entry
format that tree's code reads), then builds it with its own ``symkd build`` in a child process,
each build with an empty cache folder of its own (a first build: no formatted citation is reused).
The builds are interleaved (one of each per round), and the best time and the peak resident
memory of each are reported, with the ratio of this checkout to the baseline. Issue 17 asks the
10,000-paper build to stay within 1.5x of its time before the issue, with peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .run import REPO_ROOT, RESULTS, commit_of, machine, replace_section

HEADING = "## The site build at scale, against an older commit"
GENERATE = ("import sys; from pathlib import Path; from benchmarks.generate import make_repository; "
            "make_repository(Path(sys.argv[1]), int(sys.argv[2]))")


@dataclass(slots=True)
class Tree:
    label: str
    path: Path
    seconds: list[float] = field(default_factory=list)
    peak: int = 0
    together: int = 0


def environment(tree: Path, cache: Path) -> dict[str, str]:
    """The child's environment: ``tree`` first on the import path, and its own cache folder
    (``SYMKD_CACHE_DIR``), so that no build finds the formatted citations of another."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = str(tree)
    env["SYMKD_CACHE_DIR"] = str(cache)
    return env


def tree_rss(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants now, in bytes (Linux ``/proc``; 0
    elsewhere or once the process has gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text(encoding="ascii")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(n) for n in (task / "children").read_text(encoding="ascii").split()]
        except (OSError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def child(argv: list[str], tree: Path, cwd: Path, cache: Path) -> tuple[float, int, int]:
    """Run ``argv`` with ``tree`` first on the import path; (seconds, peak RSS of its biggest
    process, peak RSS of all its processes at once, sampled every 0.1 s), RSS in bytes."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=environment(tree, cache), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    together = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            together[0] = max(together[0], tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr_bytes = process.stderr.read() if process.stderr else b""  # until the child closes it
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    stderr = stderr_bytes.decode(errors="replace")
    if status != 0:
        raise RuntimeError(f"{' '.join(argv)} (code of {tree}) failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss * 1024, together[0]


def measure(trees: list[Tree], size: int, repeat: int, work: Path) -> None:
    for n, tree in enumerate(trees):
        started = time.perf_counter()
        child([sys.executable, "-c", GENERATE, str(work / f"repo{n}"), str(size)], tree.path, tree.path,
              work / "no-cache")
        print(f"{tree.label}: generated {size} papers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for round_ in range(repeat):
        for n, tree in enumerate(trees):
            out = work / f"out{n}-{round_}"
            seconds, peak, together = child([sys.executable, "-m", "symkd_survey", "--root", str(work / f"repo{n}"),
                                             "build", "--out", str(out)], tree.path, work,
                                            work / f"cache{n}-{round_}")  # a first build: nothing cached
            tree.seconds.append(seconds)
            tree.peak, tree.together = max(tree.peak, peak), max(tree.together, together)
            print(f"{tree.label}: built in {seconds:.1f} s, peak {peak / 2**20:.0f} MB, "
                  f"{together / 2**20:.0f} MB with Pagefind", file=sys.stderr)


def section(trees: list[Tree], size: int) -> str:
    current, baseline = trees
    ratio = min(current.seconds) / min(baseline.seconds)
    rows = "\n".join(f"| {t.label} | {min(t.seconds):.1f} | {t.peak / 2**20:.0f} | {t.together / 2**20:.0f} |"
                     for t in trees)
    return f"""{HEADING}

`python -m benchmarks.build_scale --baseline-tree DIR --size {size}`: each tree writes its own synthetic
catalogue of {size:,} papers (same seed, its own entry format) and builds it with its own `symkd build`
in a child process with an empty cache folder (a first build), the runs interleaved; best of
{len(current.seconds)}. {machine()}

| code | build (s) | peak memory, biggest process (MB) | peak memory, all processes at once (MB) |
|---|---:|---:|---:|
{rows}

The biggest process is the build itself (its resident set at its largest, from the kernel); the
build starts Pagefind, which indexes the site in a process of its own while the build waits, and
the last column sums the two, sampled every 0.1 s. This checkout takes **{ratio:.2f}x** the
baseline's time (target: at most 1.5x, issue 17), with peak memory {current.peak / 2**20:.0f} MB in the
build and {current.together / 2**20:.0f} MB with Pagefind beside it (target: under 1 GB).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-tree", type=Path, required=True, metavar="DIR")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    base = args.baseline_tree.resolve()
    trees = [Tree(f"this checkout ({commit_of(REPO_ROOT) or 'working tree'})", REPO_ROOT),
             Tree(f"baseline {base.name} ({commit_of(base) or 'tree'})", base)]
    with tempfile.TemporaryDirectory(prefix="symkd-scale-") as tmp:
        measure(trees, args.size, args.repeat, Path(tmp))
    text = section(trees, args.size)
    print(text)
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    args.out.write_text(replace_section(old, text, HEADING), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
