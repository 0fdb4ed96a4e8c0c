"""Candidates from Semantic Scholar: works citing catalogue papers, and recommendations.

The seeds are the catalogue entries whose ``source`` is one of ``semantic_scholar.seeds`` in
``discovery.yaml`` and that carry an arXiv id, DOI or ACL id (newest first). For each seed,
the works citing it (up to ``citations_max``) become ``s2-citations`` candidates, each knowing
which catalogue papers it cites; one request to the recommendations endpoint, with the seeds
as positive examples and the excluded works (``negatives``) as negative ones, gives
``s2-recommendations`` candidates (up to ``recommendations_max``). Works with neither an arXiv
id nor a DOI cannot be screened by id and are left out; so are works published before the
discovery window (``since``), as the arXiv search leaves them out.

Each of the two is all or nothing: a failure for good (after the retries) drops what that
source found so far and becomes a warning naming it, so that the counts of a written run are
never of a half-read source. A seed that Semantic Scholar does not know (HTTP 404) is only
counted, in one warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from symkd_survey.core.catalogue import Catalogue, LoadedEntry
from symkd_survey.core.identity import normalize_reference
from symkd_survey.core.issues import Issue, warning
from symkd_survey.review.discovery import SOURCE_S2_CITATIONS, SOURCE_S2_RECOMMENDATIONS, Candidate, S2Config
from symkd_survey.sources.network_errors import NetworkError
from symkd_survey.sources.s2 import s2_id
from symkd_survey.sources.s2_discovery import NotKnown, S2Discovery, S2Work

WHERE = "semantic-scholar"
"""The path of the issues about this source."""


@dataclass(slots=True)
class S2Gathered:
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    """Per source that completed, its candidates (a failed source is absent)."""
    issues: list[Issue] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def seeds(catalogue: Catalogue, config: S2Config) -> list[tuple[str, LoadedEntry]]:
    """(Semantic Scholar id, entry) of each seed, newest first, then by key."""
    chosen = [(paper_id, e) for e in catalogue if e.entry.source in config.seeds
              if (paper_id := s2_id(e)) is not None]
    return sorted(chosen, key=lambda pair: (-pair[1].entry.year, pair[1].key))


def negative_seeds(negatives: Sequence[str]) -> list[str]:
    """``arxiv:ID``/``doi:DOI`` as Semantic Scholar's ``ARXIV:ID``/``DOI:DOI``."""
    out: list[str] = []
    for ref in negatives:
        norm = normalize_reference(ref)
        if norm is not None:
            kind, _, value = norm.partition(":")
            out.append(f"{'ARXIV' if kind == 'arxiv' else 'DOI'}:{value}")
    return list(dict.fromkeys(out))


def candidate_of(work: S2Work, source: str) -> Candidate | None:
    ref = work.reference
    if ref is None:
        return None
    return Candidate(ref, title=work.title, abstract=work.abstract, published=work.published,
                     doi=work.doi, sources={source})


def _in_window(work: S2Work, since: dt.date | None) -> bool:
    if since is None:
        return True
    if work.published is not None:
        return work.published >= since
    return work.year is None or work.year >= since.year


def _failure(source: str, exc: NetworkError) -> Issue:
    return warning("network", WHERE, 0, f"{source}: {exc}",
                   "this source contributed nothing; try again later, or rerun with --allow-partial "
                   "to write the queue without it")


def gather_s2(s2: S2Discovery, catalogue: Catalogue, config: S2Config, *, negatives: Sequence[str] = (),
              since: dt.date | None = None, progress: Callable[[str], None] | None = None) -> S2Gathered:
    """The candidates of both Semantic Scholar sources (see the module text)."""
    result = S2Gathered()
    chosen = seeds(catalogue, config)
    if config.citations_max > 0 and chosen:
        by_id: dict[str, Candidate] = {}
        order: list[Candidate] = []
        unknown: list[str] = []
        try:
            for n, (paper_id, entry) in enumerate(chosen, start=1):
                if progress is not None and (n == 1 or n % 25 == 0 or n == len(chosen)):
                    progress(f"Semantic Scholar citations: paper {n} of {len(chosen)}")
                try:
                    works = s2.citations(paper_id, limit=config.citations_max)
                except NotKnown:
                    unknown.append(entry.key)
                    continue
                for work in works:
                    cand = candidate_of(work, SOURCE_S2_CITATIONS) if _in_window(work, since) else None
                    if cand is None:
                        continue
                    seen = by_id.get(cand.id)
                    if seen is None:  # one record per citing work, however many seeds it cites
                        by_id[cand.id] = seen = cand
                        order.append(cand)
                    seen.cites.add(entry.key)
        except NetworkError as exc:
            result.issues.append(_failure(SOURCE_S2_CITATIONS, exc))
            result.failed.append(SOURCE_S2_CITATIONS)
        else:
            result.candidates[SOURCE_S2_CITATIONS] = order
        if unknown:
            result.issues.append(warning("s2", WHERE, 0, f"Semantic Scholar does not know {len(unknown)} of the "
                                         f"{len(chosen)} seed papers (e.g. {unknown[0]})",
                                         "their citations are missing from this run"))
    if config.recommendations_max > 0 and chosen:
        if progress is not None:
            progress("Semantic Scholar recommendations")
        try:
            works = s2.recommendations([paper_id for paper_id, _ in chosen], negative_seeds(negatives),
                                       limit=config.recommendations_max)
        except NetworkError as exc:
            result.issues.append(_failure(SOURCE_S2_RECOMMENDATIONS, exc))
            result.failed.append(SOURCE_S2_RECOMMENDATIONS)
        else:
            recs = [c for w in works if _in_window(w, since)
                    if (c := candidate_of(w, SOURCE_S2_RECOMMENDATIONS)) is not None]
            result.candidates[SOURCE_S2_RECOMMENDATIONS] = list({c.id: c for c in recs}.values())
    return result
