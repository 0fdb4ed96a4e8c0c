"""The label suggestions of a review: where a changed entry's labels differ from the model's advice.

For ``symkd diff``: the papers a change adds, and the facets of papers whose labels it changes,
are given to a label model (:mod:`symkd_survey.analysis.label_model`) trained on the *base*
catalogue without those papers, so that no entry judges itself. Each reviewed facet becomes a
:class:`LabelCheck`: the top suggestion, its confidence, the entry's own values and the
confidence the model gives them. The report lists the disagreements and, quietly, how many
papers agree. The suggestions are advice for the reviewer; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from symkd_survey.analysis.label_model import LabelModel, Suggestion, train
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.review.discovery import Candidate


@dataclass(frozen=True, slots=True)
class LabelCheck:
    """One facet of one reviewed entry against the model's top suggestion."""

    key: str
    facet: str
    suggested: Suggestion
    labels: tuple[str, ...]
    """The entry's values of the facet (node ids); empty when it gives none."""
    label_confidence: tuple[float, ...]
    """The model's confidence in each of ``labels``, in the same order."""

    @property
    def agrees(self) -> bool:
        return self.suggested.value in self.labels


def review_labels(base: Iterable[Entry], reviewed: Mapping[str, tuple[Entry, Sequence[str] | None]],
                  taxonomy: Taxonomy) -> list[LabelCheck]:
    """Check ``reviewed`` (key -> (entry, the facets to check, or None for every suggested facet))
    against a model trained on ``base``, which must not hold the reviewed entries themselves.

    A facet the model cannot suggest for (too few labelled entries in ``base``) is not checked.
    """
    if not reviewed:
        return []
    model = train(base, taxonomy)
    checks: list[LabelCheck] = []
    for key in sorted(reviewed):
        entry, facets = reviewed[key]
        suggestions = model.suggest_entry(entry)
        for facet in model.facets:
            ranked = suggestions.get(facet)
            if not ranked or (facets is not None and facet not in facets):
                continue
            labels = tuple(taxonomy.canonical(facet, entry.labels(facet)))
            confidence = {s.value: s.confidence for s in ranked}
            checks.append(LabelCheck(key, facet, ranked[0], labels, tuple(confidence.get(v, 0.0) for v in labels)))
    return checks


def queue_labels(model: LabelModel, *, top: int = 2, floor: float = 0.2) -> Callable[[Candidate], list[str]]:
    """The suggested labels of a discovery queue item, ``facet:value confidence`` (the best value
    of each facet, and the next ones whose confidence reaches ``floor``), from its title and
    abstract, for the ranking's ``annotate`` callback."""
    def annotate(cand: Candidate) -> list[str]:
        out = []
        for facet, ranked in model.suggest(cand.title, cand.abstract).items():
            out += [f"{facet}:{s.value} {s.confidence:.2f}" for n, s in enumerate(ranked[:top])
                    if n == 0 or s.confidence >= floor]
        return out

    return annotate
