"""Ranking the discovery queue, with the reasons for each score.

Two scorers share one shape, ``text + 0.2 * min(citing entries, 5) + 0.1 * min(cited entries, 5)
+ 0.3 * recency``:

- **similarity** (always available): ``text`` is the best cosine similarity (TF-IDF,
  scikit-learn, English stop words, sublinear tf) of the candidate's title and abstract to one
  in-scope reference document (a catalogue entry's title and summary), less by how much its best
  similarity to a *background* document exceeds that: a catalogue entry with no value in either
  facet of the coverage matrix (the survey's foundational references, classic logit
  distillation) is in the catalogue but not in its scope, and a candidate closer to those than
  to any in-scope entry is probably out of scope too;
- **learned** (once the screening history holds at least :data:`MIN_DECISIONS` inclusions and
  as many exclusions): ``text`` is the probability of inclusion from a logistic regression
  (scikit-learn) over the words of a title (TF-IDF of words and word pairs) and its best title
  similarity to the in-scope reference documents, trained on the catalogue's in-scope entries
  and the included works against the excluded ones (exclusions as ``duplicate`` are left out: a copy of a catalogue
  work is no counter-example). Titles only, because a decision keeps no abstract: a model
  trained on longer positive texts would learn length. Classes are weighted to balance.

``citing entries`` are catalogue entries naming the candidate in ``references``; ``cited
entries`` are catalogue entries the candidate cites (Semantic Scholar's citations); ``recency``
falls linearly from 1 (today) to 0 (three years old). Every term that is not zero is a reason
in words.

Label suggestions for queue items come in through ``annotate`` (a callback per candidate,
returning the suggested taxonomy values); :mod:`symkd_survey.analysis.label_model` is meant to
be wired there by the maintainer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from symkd_survey.core.catalogue import Catalogue
    from symkd_survey.review.discovery import Candidate

MIN_DECISIONS = 10
"""Inclusions and exclusions each needed before the learned scorer is used."""
RECENCY_DAYS = 3 * 365


@dataclass(frozen=True, slots=True)
class ReferenceDoc:
    """One document the candidates are compared with: a catalogue entry, or any text."""

    key: str
    title: str
    text: str
    background: bool = False
    """In the catalogue but outside its scope (no value in the coverage matrix's facets)."""


@dataclass(slots=True)
class History:
    """Titles of screened works: included (in the catalogue or not) and excluded."""

    included: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return len(self.included) >= MIN_DECISIONS and len(self.excluded) >= MIN_DECISIONS


class ScreeningDecision(Protocol):
    """What the ranking reads of a screening decision."""

    @property
    def decision(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...


def history_of(decisions: Iterable[ScreeningDecision]) -> History:
    """The standing final decisions that carry a title (``maybe`` and ``duplicate`` left out)."""
    history = History()
    for d in decisions:
        if not d.title:
            continue
        if d.decision == "include":
            history.included.append(d.title)
        elif d.decision == "exclude" and d.reason != "duplicate":
            history.excluded.append(d.title)
    return history


def catalogue_docs(catalogue: Catalogue, scope: Sequence[str] = ()) -> list[ReferenceDoc]:
    """One document per entry; with ``scope`` (facet names, e.g. the coverage matrix's), an entry
    with no value in any of them is background. If no entry is in scope, none is background."""
    docs = [ReferenceDoc(e.key, e.entry.title, f"{e.entry.title} {e.entry.summary or ''}",
                         bool(scope) and not any(e.entry.labels(f) for f in scope)) for e in catalogue]
    if all(d.background for d in docs):
        return [ReferenceDoc(d.key, d.title, d.text) for d in docs]
    return docs


@dataclass(frozen=True, slots=True)
class Ranking:
    """How the queue was ranked: ``learned`` and the sizes of its training set."""

    learned: bool
    included: int = 0
    excluded: int = 0


def _best(query: Sequence[str], docs: Sequence[str], *, skip_self: bool = False,
          groups: Sequence[bool] | None = None) -> list[list[tuple[float, int]]]:
    """Per group of documents (``groups[j]`` is document j's group, False or True; one group
    when None), (best cosine similarity, index of that document in the group) per query text.
    One TF-IDF fit over documents and queries serves every group. ``skip_self`` ignores the
    diagonal (query n is document n), for training rows that are themselves documents."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    members = [[j for j in range(len(docs)) if (groups[j] if groups is not None else False) is flag]
               for flag in ((False, True) if groups is not None else (False,))]
    out = [[(0.0, -1)] * len(query) for _ in members]
    if not docs or not any(query):
        return out
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(list(docs) + list(query))
    except ValueError:  # nothing but stop words
        return out
    sims = cosine_similarity(matrix[len(docs):], matrix[: len(docs)])
    if skip_self:
        for n in range(min(len(query), len(docs))):
            sims[n, n] = -1.0
    for group, indices in enumerate(members):
        if not indices:
            continue
        part = sims[:, indices]
        for n, text in enumerate(query):
            if text:
                j = int(part[n].argmax())
                out[group][n] = (max(0.0, float(part[n, j])), j)
    return out


@dataclass(slots=True)
class _Model:
    """The fitted logistic regression and what it needs to score titles."""

    vectorizer: Any
    model: Any
    titles: list[str]
    words: list[str]

    def features(self, titles: Sequence[str], *, skip_self: bool = False) -> Any:
        from scipy.sparse import csr_matrix, hstack

        sims = [s for s, _ in _best(titles, self.titles, skip_self=skip_self)[0]]
        return hstack([self.vectorizer.transform(titles), csr_matrix([[s] for s in sims])]).tocsr()

    def explain(self, row: Any, limit: int = 3) -> tuple[list[str], list[str]]:
        """The words of one scored title pushing most towards inclusion and exclusion."""
        weights = self.model.coef_[0]
        present = [(float(weights[j] * row[0, j]), self.words[j]) for j in row.indices if j < len(self.words)]
        towards = [w for v, w in sorted(present, reverse=True) if v > 0][:limit]
        against = [w for v, w in sorted(present) if v < 0][:limit]
        return towards, against


def fit(docs: Sequence[ReferenceDoc], history: History) -> _Model:
    """The learned scorer: reference titles and included titles against excluded titles."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    positives = [d.title for d in docs] + list(history.included)
    titles = positives + list(history.excluded)
    labels = [1] * len(positives) + [0] * len(history.excluded)
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    vectorizer.fit(titles)
    model = _Model(vectorizer, None, [d.title for d in docs], list(vectorizer.get_feature_names_out()))
    # reference titles are compared with the others, never with themselves
    features = model.features(titles, skip_self=True)
    model.model = LogisticRegression(class_weight="balanced", C=4.0, max_iter=2000).fit(features, labels)
    return model


def rank_against(candidates: Sequence[Candidate], docs: Sequence[ReferenceDoc], today: dt.date, *,
                 history: History | None = None,
                 annotate: Callable[[Candidate], Sequence[str]] | None = None) -> Ranking:
    """Score each candidate in place against ``docs`` (see the module text); ``annotate``, when
    given, fills each candidate's ``suggested_labels``."""
    texts = [f"{c.title} {c.abstract}".strip() for c in candidates]
    in_scope = [d for d in docs if not d.background]
    outside = [d for d in docs if d.background]
    best, beyond = _best(texts, [d.text for d in (*in_scope, *outside)],
                         groups=[False] * len(in_scope) + [True] * len(outside))
    learned: _Model | None = None
    if history is not None and history.enough and in_scope:
        try:
            learned = fit(in_scope, history)
        except ValueError:  # no usable words in any title (all stop words): similarity it is
            learned = None
    probabilities: list[float] = []
    rows: Any = None
    if learned is not None and candidates:
        rows = learned.features([c.title for c in candidates])
        probabilities = [float(p) for p in learned.model.predict_proba(rows)[:, 1]]
    for n, cand in enumerate(candidates):
        text, nearest = best[n]
        away, far = beyond[n]
        penalty = max(0.0, away - text)
        cites = len(cand.cited_by)
        cited = len(cand.cites)
        recency = 0.0
        if cand.published is not None:
            age = (today - cand.published).days
            recency = max(0.0, min(1.0, 1 - age / RECENCY_DAYS))
        reasons: list[str] = []
        if learned is not None and cand.title:
            main = probabilities[n]
            towards, against = learned.explain(rows[n])
            words = "".join([f"; for: {', '.join(towards)}" if towards else "",
                             f"; against: {', '.join(against)}" if against else ""])
            reasons.append(f"screening model p(include) {main:.2f}{words}")
        else:
            main = text - penalty
        if text > 0:
            reasons.append(f"text similarity {text:.2f} (nearest: {in_scope[nearest].key})")
        if penalty > 0 and learned is None:
            reasons.append(f"closer to background work {outside[far].key} ({away:.2f}): -{penalty:.2f}")
        if cites:
            reasons.append(f"cited by {cites} catalogue papers")
        if cited:
            reasons.append(f"cites {cited} catalogue papers")
        if cand.published is not None:
            reasons.append(f"recency {recency:.2f} (published {cand.published.isoformat()})")
        cand.score = round(main + 0.2 * min(cites, 5) + 0.1 * min(cited, 5) + 0.3 * recency, 3)
        cand.reasons = reasons
        if annotate is not None:
            cand.suggested_labels = list(annotate(cand))
    if learned is None:
        return Ranking(False)
    assert history is not None
    return Ranking(True, len(in_scope) + len(history.included), len(history.excluded))


def rank(candidates: Sequence[Candidate], catalogue: Catalogue, today: dt.date, *,
         history: History | None = None, scope: Sequence[str] = (),
         annotate: Callable[[Candidate], Sequence[str]] | None = None) -> Ranking:
    """:func:`rank_against` the catalogue's entries (``scope``: see :func:`catalogue_docs`)."""
    return rank_against(candidates, catalogue_docs(catalogue, scope), today, history=history, annotate=annotate)
