"""How well ``symkd discover`` ranks: catalogue works hidden among real works it does not hold.

    python -m benchmarks.ranking [--seeds 10] [--json]

Positives are the catalogue's curated entries (``source: curated``: every one a work on
symbolic knowledge distillation). Negatives are real works the catalogue does not hold or does
not count as SKD:

- the knowledge-distillation-of-LLMs list of Xu et al. 2024 (``data/kd-llms-awesome-list.csv``,
  see ``data/README.md``) minus every work the catalogue holds (by arXiv id or normalised
  title), each work once;
- the survey's references in the catalogue that carry no method label (foundational models,
  classic logit and feature distillation, datasets, the survey itself).

The ranker's reference set (what it treats as "the catalogue") holds neither: only the survey's
own classified works (entries with ``survey.table3``, title and summary) and the taxonomy's
method and application descriptions. Every hidden work is ranked by its title alone (the
negatives have no abstracts here, and the positives' summaries are this project's own words),
without dates (the negatives are older by construction, so recency would flatter the ranker),
and without citation signals.

There are not five negatives per positive for all 149 positives, so each trial samples
positives (and, for the small-batch setting, negatives) with its own seed; figures are means
over the seeds, against the expected value of a random order (recall@k: k/N; precision: P/N;
average precision: the mean over 200 random orders per trial). Settings:

- ``similarity``: all negatives, 60 positives: the ranker as it runs before there is a
  screening history;
- ``batch``: 100 negatives, 20 positives, so that recall@20 can reach 1;
- ``learned``: the ``similarity`` trial split in halves (stratified); the half's positives and
  negatives are given as screening decisions (included, excluded), the learned scorer ranks the
  other half, and the similarity scorer ranks the same half for comparison;
- ``strict``: only negatives that are plainly not symbolic (the list's feature and divergence
  sections, encoder KD, and the survey's unlabelled references), positives five times fewer;
- ``background``: half of the survey's unlabelled references join the reference set as
  *background* documents (in the catalogue, outside its scope, as ``symkd discover`` treats
  entries with no value in the coverage matrix's facets); the other half and the list's works
  are the negatives, positives five times fewer. Ranked with and without the background
  documents, on the same trials;
- ``decisions``: the repository's real screening decisions (``screening/decisions.yaml``, the
  titled final ones, ``duplicate`` left out), split in halves (stratified): one half is the
  history, both scorers rank the other half against the catalogue (its matrix facets as the
  scope, minus the entries of the included works, so that no hidden work is a reference).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.ids import normalize_arxiv_id, normalize_title
from symkd_survey.review.discovery import Candidate
from symkd_survey.review.ranking import History, ReferenceDoc, rank_against

ROOT = Path(__file__).resolve().parent.parent
KD_LIST = ROOT / "data" / "kd-llms-awesome-list.csv"
TODAY = dt.date(2026, 12, 1)
STRICT_SECTIONS = {("Knowledge Elicitation", "Feature"), ("Distillation Algorithms", "Divergence and Similarity"),
                   ("", "")}
"""Sections of the list that are plainly not symbolic: white-box distillation (features,
logit divergences) and encoder-based KD (section and subsection empty)."""
K = 20


@dataclass(frozen=True, slots=True)
class Work:
    title: str
    label: bool
    origin: str


@dataclass(frozen=True, slots=True)
class Pools:
    positives: list[Work]
    negatives: list[Work]
    strict_negatives: list[Work]
    reference: list[ReferenceDoc]


def pools(root: Path = ROOT) -> Pools:
    catalogue = load_catalogue(Repository(root))
    ids = {normalize_arxiv_id(e.entry.ids.arxiv) for e in catalogue if e.entry.ids.arxiv}
    titles = {normalize_title(e.entry.title) for e in catalogue}
    positives = [Work(e.entry.title, True, "curated") for e in catalogue if e.entry.source == "curated"]
    unlabelled = [Work(e.entry.title, False, "survey-unlabelled") for e in catalogue
                  if e.entry.source == "survey" and not e.entry.taxonomy.get("method")]
    reference = [ReferenceDoc(e.key, e.entry.title, f"{e.entry.title} {e.entry.summary or ''}")
                 for e in catalogue if getattr(getattr(e.entry, "survey", None), "table3", None)]
    taxonomy = yaml.safe_load((root / "taxonomy.yaml").read_text(encoding="utf-8"))
    for facet in ("method", "application"):
        for node in taxonomy["facets"][facet]["nodes"]:
            reference.append(ReferenceDoc(f"taxonomy:{node['id']}", node["label"],
                                          f"{node['label']} {node.get('description', '')}"))
    listed: dict[str, Work] = {}
    strict: dict[str, Work] = {}
    with KD_LIST.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            title = " ".join(row["title"].split())
            norm = normalize_title(title)
            arxiv = normalize_arxiv_id(row["arxiv_id"]) if row["arxiv_id"] else None
            if not norm or norm == "title" or norm in titles or (arxiv and arxiv in ids):
                continue
            listed.setdefault(norm, Work(title, False, "kd-list"))
            if (row["section"], row["subsection"]) in STRICT_SECTIONS:
                strict.setdefault(norm, Work(title, False, "kd-list-white-box"))
    return Pools(positives, [*listed.values(), *unlabelled], [*strict.values(), *unlabelled], reference)


# --------------------------------------------------------------------------- metrics


def ranked(works: Sequence[Work], reference: Sequence[ReferenceDoc], history: History | None = None) -> list[Work]:
    """``works`` in ranked order (ties broken by position, as the queue breaks them by id)."""
    cands = [Candidate(f"bench:{n:05d}", title=w.title) for n, w in enumerate(works)]
    rank_against(cands, reference, TODAY, history=history)
    return [works[n] for n in sorted(range(len(works)), key=lambda n: (-cands[n].score, cands[n].id))]


def order(works: Sequence[Work], reference: Sequence[ReferenceDoc], history: History | None = None) -> list[bool]:
    """The labels of ``works`` in ranked order."""
    return [w.label for w in ranked(works, reference, history)]


def average_precision(labels: Sequence[bool]) -> float:
    hits = 0
    total = 0.0
    for n, label in enumerate(labels, start=1):
        if label:
            hits += 1
            total += hits / n
    return total / hits if hits else 0.0


def metrics(labels: Sequence[bool]) -> dict[str, float]:
    positives = sum(labels)
    top = math.ceil(0.2 * len(labels))
    return {"recall@20": sum(labels[:K]) / positives, "precision@20": sum(labels[:K]) / K,
            "recall@20%": sum(labels[:top]) / positives, "ap": average_precision(labels)}


def random_metrics(labels: Sequence[bool], rng: random.Random, rounds: int = 200) -> dict[str, float]:
    """Expected values for a random order; AP by simulation."""
    n, positives = len(labels), sum(labels)
    shuffled = list(labels)
    aps = []
    for _ in range(rounds):
        rng.shuffle(shuffled)
        aps.append(average_precision(shuffled))
    return {"recall@20": K / n, "precision@20": positives / n, "recall@20%": math.ceil(0.2 * n) / n,
            "ap": statistics.fmean(aps)}


def mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.fmean(r[key] for r in rows) for key in rows[0]}


def spread(rows: Sequence[dict[str, float]], key: str) -> tuple[float, float]:
    values = [r[key] for r in rows]
    return min(values), max(values)


# --------------------------------------------------------------------------- the settings


def trial(positives: Sequence[Work], negatives: Sequence[Work], reference: Sequence[ReferenceDoc],
          rng: random.Random, n_pos: int, n_neg: int | None) -> tuple[dict[str, float], dict[str, float]]:
    chosen = rng.sample(list(positives), n_pos) + (rng.sample(list(negatives), n_neg) if n_neg else list(negatives))
    works = ranked(chosen, reference)
    labels = [w.label for w in works]
    got = metrics(labels)
    for origin in ("kd-list", "survey-unlabelled"):  # which negatives reach the top 20
        got[f"top20:{origin}"] = float(sum(w.origin == origin for w in works[:K]))
    return got, random_metrics(labels, rng)


def background_trial(positives: Sequence[Work], negatives: Sequence[Work], reference: Sequence[ReferenceDoc],
                     rng: random.Random) -> dict[str, dict[str, float]]:
    unlabelled = [w for w in negatives if w.origin == "survey-unlabelled"]
    rng.shuffle(unlabelled)
    known, hidden = unlabelled[: len(unlabelled) // 2], unlabelled[len(unlabelled) // 2:]
    pool = [w for w in negatives if w.origin != "survey-unlabelled"] + hidden
    test = rng.sample(list(positives), len(pool) // 5) + pool
    background = [ReferenceDoc(f"background:{n}", w.title, w.title, background=True) for n, w in enumerate(known)]
    without = order(test, reference)
    return {"without": metrics(without), "with": metrics(order(test, [*reference, *background])),
            "random": random_metrics(without, rng), "sizes": {"positives": len(pool) // 5, "negatives": len(pool),
                                                              "background": len(known)}}


def decisions_trial(rng: random.Random, root: Path = ROOT) -> dict[str, dict[str, float]] | None:
    from symkd_survey.review.ranking import catalogue_docs
    from symkd_survey.review.screening import latest, read_decisions

    file = root / "screening" / "decisions.yaml"
    standing = [d for d in latest(read_decisions(file)).values()
                if d.title and d.decision in ("include", "exclude") and d.reason != "duplicate"]
    included = [Work(d.title, True, "included") for d in standing if d.decision == "include" and d.title]
    excluded = [Work(d.title, False, "excluded") for d in standing if d.decision == "exclude" and d.title]
    if len(included) < 20 or len(excluded) < 20:
        return None
    hidden = {normalize_title(w.title) for w in included}
    docs = [d for d in catalogue_docs(load_catalogue(Repository(root)), ("method", "application"))
            if normalize_title(d.title) not in hidden]
    rng.shuffle(included)
    rng.shuffle(excluded)
    train = included[: len(included) // 2] + excluded[: len(excluded) // 2]
    test = included[len(included) // 2:] + excluded[len(excluded) // 2:]
    history = History([w.title for w in train if w.label], [w.title for w in train if not w.label])
    similarity = order(test, docs)
    return {"similarity": metrics(similarity), "learned": metrics(order(test, docs, history)),
            "random": random_metrics(similarity, rng),
            "sizes": {"positives": sum(w.label for w in test), "negatives": sum(not w.label for w in test),
                      "trained_on": len(train)}}


def learned_trial(positives: Sequence[Work], negatives: Sequence[Work], reference: Sequence[ReferenceDoc],
                  rng: random.Random, n_pos: int) -> dict[str, dict[str, float]]:
    pos = rng.sample(list(positives), n_pos)
    neg = list(negatives)
    rng.shuffle(neg)
    train = pos[: n_pos // 2] + neg[: len(neg) // 2]
    test = pos[n_pos // 2:] + neg[len(neg) // 2:]
    history = History([w.title for w in train if w.label], [w.title for w in train if not w.label])
    assert history.enough
    similarity = order(test, reference)
    learned = order(test, reference, history)
    return {"similarity": metrics(similarity), "learned": metrics(learned), "random": random_metrics(learned, rng)}


def run(seeds: int) -> dict[str, Any]:
    data = pools()
    out: dict[str, Any] = {
        "pools": {"positives": len(data.positives), "negatives": len(data.negatives),
                  "negatives_kd_list": sum(w.origin == "kd-list" for w in data.negatives),
                  "negatives_survey_unlabelled": sum(w.origin == "survey-unlabelled" for w in data.negatives),
                  "strict_negatives": len(data.strict_negatives), "reference_docs": len(data.reference)},
        "seeds": seeds,
    }
    n_all = min(60, len(data.negatives) // 5)
    n_strict = len(data.strict_negatives) // 5
    settings: list[tuple[str, Sequence[Work], int, int | None, int]] = [
        ("similarity", data.negatives, n_all, None, seeds),
        ("batch", data.negatives, 20, 100, 2 * seeds),
        ("strict", data.strict_negatives, n_strict, None, seeds),
    ]
    for name, negatives, n_pos, n_neg, count in settings:
        ours, chance = [], []
        for seed in range(count):
            got, rnd = trial(data.positives, negatives, data.reference, random.Random(seed), n_pos, n_neg)
            ours.append(got)
            chance.append(rnd)
        out[name] = {"positives": n_pos, "negatives": n_neg or len(negatives), "trials": count,
                     "ranker": mean(ours), "random": mean(chance),
                     "recall@20_range": spread(ours, "recall@20"), "ap_range": spread(ours, "ap")}
    back = [background_trial(data.positives, data.negatives, data.reference, random.Random(seed))
            for seed in range(seeds)]
    out["background"] = {**back[0]["sizes"], "trials": seeds,
                         **{k: mean([r[k] for r in back]) for k in ("without", "with", "random")}}
    real = [r for seed in range(seeds) if (r := decisions_trial(random.Random(seed))) is not None]
    if real:
        out["decisions"] = {**real[0]["sizes"], "trials": len(real),
                            **{k: mean([r[k] for r in real]) for k in ("similarity", "learned", "random")}}
    rows = [learned_trial(data.positives, data.negatives, data.reference, random.Random(seed), n_all)
            for seed in range(seeds)]
    out["learned"] = {"positives": n_all - n_all // 2, "negatives": len(data.negatives) - len(data.negatives) // 2,
                      "trained_on": {"included": n_all // 2, "excluded": len(data.negatives) // 2},
                      "trials": seeds, **{k: mean([r[k] for r in rows]) for k in ("similarity", "learned", "random")}}
    return out


def table(result: dict[str, Any]) -> str:
    lines = ["| setting | positives : negatives | trials | ranker | recall@20 | precision@20 | recall@20% | AP |",
             "|---|---|---:|---|---:|---:|---:|---:|"]

    def row(name: str, ratio: str, trials: int, who: str, m: dict[str, float]) -> None:
        lines.append(f"| {name} | {ratio} | {trials} | {who} | {m['recall@20']:.2f} | {m['precision@20']:.2f} | "
                     f"{m['recall@20%']:.2f} | {m['ap']:.2f} |")

    for name in ("similarity", "batch", "strict"):
        s = result[name]
        ratio = f"{s['positives']} : {s['negatives']}"
        row(name, ratio, s["trials"], "symkd (similarity)", s["ranker"])
        row(name, ratio, s["trials"], "random order", s["random"])
    s = result["background"]
    ratio = f"{s['positives']} : {s['negatives']}"
    row("background", ratio, s["trials"], "symkd (similarity, no background)", s["without"])
    row("background", ratio, s["trials"], f"symkd (similarity, {s['background']} background docs)", s["with"])
    row("background", ratio, s["trials"], "random order", s["random"])
    s = result["learned"]
    ratio = f"{s['positives']} : {s['negatives']}"
    row("learned (other half)", ratio, s["trials"], "symkd (similarity)", s["similarity"])
    row("learned (other half)", ratio, s["trials"], "symkd (learned)", s["learned"])
    row("learned (other half)", ratio, s["trials"], "random order", s["random"])
    if "decisions" in result:
        s = result["decisions"]
        ratio = f"{s['positives']} : {s['negatives']}"
        for who, key in (("symkd (similarity)", "similarity"), ("symkd (learned)", "learned"),
                         ("random order", "random")):
            row("decisions (other half)", ratio, s["trials"], who, s[key])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.seeds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(json.dumps(result["pools"]))
        print(table(result))
        for name in ("similarity", "batch", "strict"):
            low, high = result[name]["recall@20_range"]
            got = result[name]["ranker"]
            print(f"{name}: recall@20 over trials {low:.2f} to {high:.2f}; negatives in the top 20: "
                  f"{got['top20:kd-list']:.1f} from the KD list, {got['top20:survey-unlabelled']:.1f} "
                  "unlabelled survey references")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
