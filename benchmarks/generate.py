"""Synthetic catalogues of N papers with the shape of the real one.

Author counts, title lengths, taxonomy labels and years are drawn from the shipped
catalogue's own distributions; citations (about ten per paper, heavy-tailed) go to earlier
papers by preferential attachment, so a few works gather most citations, as in the field.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.model import Entry, entry_to_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
WORDS = ("distilling knowledge reasoning language models small large teacher student symbolic commonsense "
         "instruction tuning chain thought rationales synthetic data generation self improvement feedback "
         "reinforcement learning math code translation summarization graph neural efficient scalable").split()
FAMILIES = "Wang Li Zhang Liu Chen Yang Smith Garcia Müller Rossi Nguyen Kim Park Singh Kumar Sato Novák Øster".split()
GIVEN = "Wei Ana Jun Maria Peter Yejin Ali Sara Hiro Lena Omar Chen Zoë José".split()


@dataclass(frozen=True, slots=True)
class Shape:
    """Distributions read off the shipped catalogue."""

    authors: list[int]
    title_words: list[int]
    years: list[int]
    labels: dict[str, list[tuple[str, ...]]]


def read_shape(repo: Repository) -> Shape:
    catalogue = load_catalogue(repo)
    entries = [item.entry for item in catalogue]
    return Shape(
        authors=[len(e.authors) for e in entries],
        title_words=[len(e.title.split()) for e in entries],
        years=[e.year for e in entries],
        labels={facet: [tuple(e.labels(facet)) for e in entries] for facet in repo.load_taxonomy().facet_names},
    )


def make_repository(folder: Path, n: int, *, seed: int = 2024, mean_citations: float = 10.0) -> Repository:
    """Write a repository (taxonomy, mkdocs.yml, site sources, N entries) under ``folder``."""
    rng = random.Random(seed)
    shape = read_shape(Repository(REPO_ROOT))
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "mkdocs.yml"):
        shutil.copy(REPO_ROOT / name, folder / name)
    shutil.copytree(REPO_ROOT / "site", folder / "site", dirs_exist_ok=True)
    shutil.copytree(REPO_ROOT / "symkd_survey", folder / "symkd_survey", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    catalogue = folder / "catalogue"
    catalogue.mkdir(exist_ok=True)
    years = sorted(rng.choice(shape.years) for _ in range(n))
    keys: list[str] = []
    pool: list[int] = []  # preferential attachment: every citation adds the cited paper again
    for index in range(n):
        key = f"{rng.choice(FAMILIES).lower().replace('ü', 'u').replace('ø', 'o').replace('á', 'a')}" \
              f"{years[index]}w{index}"
        count = min(len(keys), int(rng.paretovariate(1.6) * mean_citations * 0.4))
        cites: set[int] = set()
        while len(cites) < count:
            target = rng.choice(pool) if pool and rng.random() < 0.8 else rng.randrange(len(keys))
            cites.add(target)
        for target in cites:
            pool.append(target)
        data = {
            "title": " ".join(rng.choice(WORDS) for _ in range(rng.choice(shape.title_words))).capitalize()
                     + f" {index}",
            "authors": [f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}" for _ in range(rng.choice(shape.authors))],
            "year": years[index],
            "type": "misc",
            "ids": {"arxiv": f"{years[index] % 100:02d}{(index % 12) + 1:02d}.{index:05d}"}
                   if years[index] >= 2015 else {},
            "taxonomy": {facet: list(rng.choice(values)) for facet, values in shape.labels.items()},
            "summary": "A synthetic entry for benchmarks.",
            "cites": sorted(keys[t] for t in cites),
            "source": "curated",
            "added": "2026-11-28",
        }
        entry = Entry.model_validate(data)
        (catalogue / f"{key}.yaml").write_text(entry_to_yaml(entry), encoding="utf-8")
        keys.append(key)
    return Repository(folder)


def citation_stats(repo: Repository) -> Counter[int]:
    """How many papers have each number of outgoing citations (for the report)."""
    return Counter(len(item.entry.cites) for item in load_catalogue(repo))
