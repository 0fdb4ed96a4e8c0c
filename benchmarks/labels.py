"""How good are the label suggestions (:mod:`symkd_survey.analysis.label_model`), and how fast?

    python -m benchmarks.labels [--root DIR] [--scale 10000] [--repeat 3]

**Accuracy**: leave-one-out over the catalogue's labelled entries. Each entry in turn is left
out, a model is trained on all the others (the TF-IDF vocabulary is fit on their text and the
taxonomy's, never on the left-out entry's), and the left-out entry's title and summary are
given to it. The facets come from ``taxonomy.yaml``'s roles: the lanes facet (the method, for
this catalogue) is scored by top-1 accuracy (the first suggestion is one of the entry's
values), the other coverage-matrix facet (the application) by top-3 (one of the first three
suggestions is one of the entry's values). The baseline, in the same folds, always suggests the
values most frequent in the training entries. Several feature choices are reported side by
side; the library's default (:data:`~symkd_survey.analysis.label_model.DEFAULT_FEATURES`) was
fixed before this benchmark was first run, so its figure is not the best of several tries.

**Speed**: training on the shipped catalogue (best of ``--repeat``), one suggestion, and
training on a synthetic catalogue of ``--scale`` entries (:mod:`benchmarks.generate`), plus
the import of scikit-learn in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.analysis.label_model import DEFAULT_FEATURES, Features, suggested_facets, train
from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy

REPO_ROOT = Path(__file__).resolve().parent.parent
VARIANTS: tuple[Features, ...] = (
    Features(words=True, chars=False, taxonomy=False),
    DEFAULT_FEATURES,
    Features(words=True, chars=True, taxonomy=True),
    Features(words=False, chars=True, taxonomy=True),
    Features(words=True, chars=False, taxonomy=True, c=1.0),
)


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    top1: float
    """Top-1 accuracy on the first facet (the lanes facet)."""
    top3: float
    """Top-3 accuracy on the second facet."""
    confidence_right: float
    """Mean top-1 confidence on the first facet where the top suggestion was right..."""
    confidence_wrong: float
    """... and where it was wrong."""
    seconds: float


def _labels(entry: Entry, facet: str, taxonomy: Taxonomy) -> set[str]:
    return set(taxonomy.canonical(facet, entry.labels(facet)))


def leave_one_out(entries: Sequence[Entry], taxonomy: Taxonomy, facets: tuple[str, str],
                  features: Features) -> Score:
    """Top-1 on ``facets[0]`` and top-3 on ``facets[1]`` over every entry labelled in both."""
    first, second = facets
    tested = [i for i, e in enumerate(entries) if _labels(e, first, taxonomy) and _labels(e, second, taxonomy)]
    hits1 = hits3 = 0
    right: list[float] = []
    wrong: list[float] = []
    start = time.perf_counter()
    for i in tested:
        rest = [e for j, e in enumerate(entries) if j != i]  # the left-out entry's text is never seen
        model = train(rest, taxonomy, facets=facets, features=features)
        suggestions = model.suggest_entry(entries[i])
        top = suggestions.get(first, [])
        if top and top[0].value in _labels(entries[i], first, taxonomy):
            hits1 += 1
            right.append(top[0].confidence)
        elif top:
            wrong.append(top[0].confidence)
        if {s.value for s in suggestions.get(second, [])[:3]} & _labels(entries[i], second, taxonomy):
            hits3 += 1
    n = len(tested) or 1
    return Score(features.name(), hits1 / n, hits3 / n, _mean(right), _mean(wrong), time.perf_counter() - start)


def majority_baseline(entries: Sequence[Entry], taxonomy: Taxonomy, facets: tuple[str, str]) -> Score:
    """The most frequent value (first facet) and the three most frequent (second) of each training fold."""
    first, second = facets
    tested = [i for i, e in enumerate(entries) if _labels(e, first, taxonomy) and _labels(e, second, taxonomy)]
    hits1 = hits3 = 0
    for i in tested:
        counts = {facet: Counter(v for j, e in enumerate(entries) if j != i for v in _labels(e, facet, taxonomy))
                  for facet in facets}
        best = sorted(counts[first].items(), key=lambda kv: (-kv[1], kv[0]))[:1]
        best3 = sorted(counts[second].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        hits1 += bool({v for v, _ in best} & _labels(entries[i], first, taxonomy))
        hits3 += bool({v for v, _ in best3} & _labels(entries[i], second, taxonomy))
    n = len(tested) or 1
    return Score("majority baseline", hits1 / n, hits3 / n, float("nan"), float("nan"), 0.0)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _best_of(repeat: int, action: Callable[[], object]) -> tuple[float, float]:
    """The best wall time and the best CPU time of this process over ``repeat`` runs, in seconds.
    On a shared machine the CPU time is the steadier figure: it leaves out the waiting."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def import_time() -> float:
    """Seconds for a fresh interpreter to import the label model and the scikit-learn it uses."""
    code = ("import time; t = time.perf_counter(); import symkd_survey.analysis.label_model; "
            "import sklearn.linear_model, sklearn.feature_extraction.text; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO_ROOT)
    return float(out.stdout.strip())


def scale_time(n: int, repeat: int) -> tuple[int, tuple[float, float]]:
    """(labelled entries, best (wall, CPU) training time) on a synthetic catalogue of ``n`` entries."""
    from benchmarks.generate import make_repository

    with tempfile.TemporaryDirectory() as folder:
        repo = make_repository(Path(folder) / "repo", n)
        taxonomy = repo.load_taxonomy()
        entries = [item.entry for item in load_catalogue(repo, model=repo.entry_model())]
        model = train(entries, taxonomy)
        return model.trained_on, _best_of(repeat, lambda: train(entries, taxonomy))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the repository (default: this one)")
    parser.add_argument("--scale", type=int, default=10_000, help="synthetic entries to time training on (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs; the best is reported")
    args = parser.parse_args(argv)
    repo = Repository(args.root)
    taxonomy = repo.load_taxonomy()
    entries = [item.entry for item in load_catalogue(repo)]
    roles = suggested_facets(taxonomy)
    if len(roles) < 2:
        print("the taxonomy's roles name fewer than two facets to suggest", file=sys.stderr)
        return 1
    facets = (roles[0], roles[1])
    tested = sum(1 for e in entries if _labels(e, facets[0], taxonomy) and _labels(e, facets[1], taxonomy))
    print(f"Measured by `python -m benchmarks.labels` on {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}: leave-one-out over the {tested} "
          f"entries labelled in both `{facets[0]}` and `{facets[1]}` ({len(entries)} entries in the catalogue).\n")
    print(f"| features | {facets[0]} top-1 | {facets[1]} top-3 | mean top-1 confidence, right / wrong "
          "| leave-one-out time (s) |")
    print("|---|---:|---:|---:|---:|")
    baseline = majority_baseline(entries, taxonomy, facets)
    print(f"| {baseline.name} | {baseline.top1:.3f} | {baseline.top3:.3f} | – | – |")
    for features in VARIANTS:
        score = leave_one_out(entries, taxonomy, facets, features)
        default = " (default)" if features == DEFAULT_FEATURES else ""
        print(f"| {score.name}{default} | {score.top1:.3f} | {score.top3:.3f} "
              f"| {score.confidence_right:.2f} / {score.confidence_wrong:.2f} | {score.seconds:.1f} |", flush=True)
    model = train(entries, taxonomy)
    first = next(e for e in entries if _labels(e, facets[0], taxonomy))
    wall, cpu = _best_of(args.repeat, lambda: train(entries, taxonomy))
    one_wall, one_cpu = _best_of(args.repeat, lambda: model.suggest_entry(first))
    print(f"\nTraining on the shipped catalogue ({model.trained_on} labelled entries): {wall * 1000:.0f} ms wall, "
          f"{cpu * 1000:.0f} ms CPU (best of {args.repeat}); one suggestion: {one_wall * 1000:.1f} ms wall, "
          f"{one_cpu * 1000:.1f} ms CPU; importing the model and scikit-learn in a fresh interpreter: "
          f"{import_time():.2f} s wall.")
    if args.scale:
        labelled, (wall, cpu) = scale_time(args.scale, args.repeat)
        print(f"Training on a synthetic catalogue of {args.scale:,} entries ({labelled:,} labelled): "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU (best of {args.repeat}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
