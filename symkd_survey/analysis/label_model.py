"""Label suggestions: a model trained on the catalogue's labelled entries proposes taxonomy values.

A suggestion is advice, never a label: ``symkd add`` lists it in the comment header of a new
file, ``symkd from-issue`` prints it next to the contributor's choice, and ``symkd diff`` notes
where an entry's labels differ from it. Nothing here writes a label anywhere.

Which facets are suggested comes from ``taxonomy.yaml``'s roles (the facet of the graph's lanes
and the two facets of the coverage matrix: :func:`suggested_facets`), never from names built
into the code. For each facet the model is

- **features**: TF-IDF (scikit-learn) over the title (counted twice: it is what is certain), the
  summary and, when there is one, the abstract; word uni- and bigrams with English stop words
  removed, optionally character 3-5-grams within words (:class:`Features`). Each node of the
  facet also contributes one training document of its own (label, aliases and description
  from ``taxonomy.yaml``), so a value few entries carry still has its defining words;
- **classifier**: a facet whose labelled entries nearly all carry one value
  (:data:`SINGLE_SHARE`) gets one multinomial logistic regression (Newton-CG), whose softmax
  gives confidences that sum to 1 over the values; any other facet gets one binary logistic
  regression per value (one-vs-rest, liblinear), each confidence the probability that the
  entry carries that value, independently of the others. (L-BFGS, scikit-learn's default,
  was ten times slower on these wide, sparse matrices.)

A facet with fewer than :data:`MIN_LABELLED` labelled entries, or fewer than two values among
them, gets no classifier and no suggestions (:attr:`LabelModel.skipped` says why): advice learnt
from a handful of papers would be noise. Training is deterministic (fixed
``random_state``) and takes well under a second for the shipped catalogue (``python -m
benchmarks.labels`` measures it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.model import Entry
from symkd_survey.core.taxonomy import Taxonomy

if TYPE_CHECKING:
    from scipy.sparse import spmatrix

MIN_LABELLED = 8
"""Labelled entries a facet needs before the model suggests any of its values."""
SINGLE_SHARE = 0.9
"""A facet is single-valued (softmax over its values) when at least this share of its labelled
entries carry exactly one value; otherwise each value gets a classifier of its own."""
RANDOM_STATE = 0
DEFAULT_C = 10.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested value of a facet, with the model's confidence (a probability in [0, 1])."""

    value: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A facet where the model's top suggestion is not among the entry's own labels."""

    facet: str
    suggested: Suggestion
    labels: tuple[str, ...]
    """The entry's labels of the facet (node ids)."""


@dataclass(frozen=True, slots=True)
class Features:
    """Which text features the model uses (the benchmark compares them)."""

    words: bool = True
    """Word uni- and bigrams."""
    chars: bool = False
    """Character 3-5-grams within word boundaries (robust to morphology: distil/distillation)."""
    taxonomy: bool = True
    """One extra training document per node: its label, aliases and description."""
    c: float = DEFAULT_C
    """Inverse regularisation strength of the logistic regressions."""

    def name(self) -> str:
        parts = [p for p, on in (("word", self.words), ("char", self.chars), ("taxonomy", self.taxonomy)) if on]
        return "+".join(parts) + (f" C={self.c:g}" if self.c != DEFAULT_C else "")


DEFAULT_FEATURES = Features()


def suggested_facets(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The facets suggestions are made for: the graph's lanes, then the coverage matrix's two
    facets, as ``taxonomy.yaml``'s roles name them (without repeats)."""
    return tuple(dict.fromkeys([taxonomy.lanes, *(taxonomy.matrix or ())]))


def document(title: str, text: str = "") -> str:
    """The text the model reads for a work: the title twice, then the rest."""
    return " ".join([title, title, text])


def entry_document(entry: Entry) -> str:
    """An entry's text for the model: title, summary and abstract (never its labels or reasons)."""
    return document(entry.title, " ".join(part for part in (entry.summary, entry.abstract) if part))


def node_document(taxonomy: Taxonomy, facet: str, node_id: str) -> str:
    node = taxonomy.node(facet, node_id)
    return "" if node is None else " ".join([node.label, *node.aliases, node.description])


@dataclass(slots=True)
class _FacetModel:
    values: tuple[str, ...]
    single: bool
    classifiers: list[Any]
    """One multinomial model (``single``), or one binary model per value."""

    def predict(self, matrix: spmatrix) -> list[list[Suggestion]]:
        import numpy as np

        if self.single:
            probabilities = self.classifiers[0].predict_proba(matrix)
            order = [self.values.index(str(v)) for v in self.classifiers[0].classes_]
            table = np.zeros((matrix.shape[0], len(self.values)))
            table[:, order] = probabilities
        else:
            # each binary model saw both "no" and "yes", so classes_ is ["no", "yes"]: column 1 is "yes"
            table = np.column_stack([model.predict_proba(matrix)[:, 1] for model in self.classifiers])
        return [_ranked(self.values, row) for row in table]


def _ranked(values: Sequence[str], row: Any) -> list[Suggestion]:
    pairs = [(float(min(max(p, 0.0), 1.0)), value) for value, p in zip(values, row, strict=True)]
    pairs.sort(key=lambda pair: (-pair[0], pair[1]))
    return [Suggestion(value, round(p, 4)) for p, value in pairs]


@dataclass(slots=True)
class LabelModel:
    """Suggests values of the taxonomy's role facets for a title and text (see :func:`train`)."""

    taxonomy: Taxonomy
    facets: tuple[str, ...]
    """The facets asked for, in order (including those skipped)."""
    features: Features = DEFAULT_FEATURES
    skipped: dict[str, str] = field(default_factory=dict)
    """Facet -> why it gets no suggestions ("3 labelled entries; at least 8 are needed")."""
    trained_on: int = 0
    """How many entries carried a label of at least one suggested facet."""
    _vectorizer: Any = None
    _models: dict[str, _FacetModel] = field(default_factory=dict)

    def suggest(self, title: str, text: str = "") -> dict[str, list[Suggestion]]:
        """Every value of every trained facet, best first, with its confidence; a facet without
        a model (:attr:`skipped`) is absent."""
        return self.suggest_many([document(title, text)])[0]

    def suggest_entry(self, entry: Entry) -> dict[str, list[Suggestion]]:
        """:meth:`suggest` for an entry's title, summary and abstract."""
        return self.suggest_many([entry_document(entry)])[0]

    def suggest_many(self, documents: Sequence[str]) -> list[dict[str, list[Suggestion]]]:
        """:meth:`suggest` for many prepared documents (:func:`document`) at once."""
        if not self._models or not documents:
            return [{} for _ in documents]
        matrix = self._vectorizer.transform(list(documents))
        result: list[dict[str, list[Suggestion]]] = [{} for _ in documents]
        for facet in self.facets:
            model = self._models.get(facet)
            if model is None:
                continue
            for row, ranked in zip(result, model.predict(matrix), strict=True):
                row[facet] = ranked
        return result

    def compare(self, entry: Entry) -> list[Disagreement]:
        """The facets where the entry has labels and the top suggestion is none of them."""
        return disagreements(self.suggest_entry(entry), entry, self.taxonomy)


def disagreements(suggestions: Mapping[str, Sequence[Suggestion]], entry: Entry,
                  taxonomy: Taxonomy) -> list[Disagreement]:
    """Where the top suggestion of a facet is not among the entry's own (non-empty) labels."""
    found: list[Disagreement] = []
    for facet, ranked in suggestions.items():
        labels = tuple(taxonomy.canonical(facet, entry.labels(facet)))
        if ranked and labels and ranked[0].value not in labels:
            found.append(Disagreement(facet, ranked[0], labels))
    return found


def format_suggestions(suggestions: Mapping[str, Sequence[Suggestion]], *, top: int = 3,
                       floor: float = 0.05) -> str:
    """One line: ``method direct 0.81, multilevel 0.12; application math 0.64, ...``; per facet
    the ``top`` values whose confidence reaches ``floor`` (the best one always)."""
    parts = []
    for facet, ranked in suggestions.items():
        shown = [s for index, s in enumerate(ranked[:top]) if index == 0 or s.confidence >= floor]
        if shown:
            parts.append(f"{facet} " + ", ".join(f"{s.value} {s.confidence:.2f}" for s in shown))
    return "; ".join(parts)


def _entries(items: Iterable[Entry | LoadedEntry]) -> list[Entry]:
    return [item.entry if isinstance(item, LoadedEntry) else item for item in items]


class _Vectorizer:
    """The TF-IDF blocks the features ask for, side by side (word and character n-grams)."""

    def __init__(self, features: Features) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.parts: list[Any] = []
        if features.words:
            self.parts.append(TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2)))
        if features.chars:
            self.parts.append(TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, ngram_range=(3, 5), min_df=2))
        if not self.parts:
            raise ValueError("a label model needs word or character features")

    def fit_transform(self, documents: list[str]) -> spmatrix:
        from scipy.sparse import hstack

        return hstack([part.fit_transform(documents) for part in self.parts]).tocsr()

    def transform(self, documents: list[str]) -> spmatrix:
        from scipy.sparse import hstack

        return hstack([part.transform(documents) for part in self.parts]).tocsr()


def train(catalogue: Iterable[Entry | LoadedEntry], taxonomy: Taxonomy, *, facets: Sequence[str] | None = None,
          features: Features = DEFAULT_FEATURES, min_labelled: int = MIN_LABELLED) -> LabelModel:
    """A :class:`LabelModel` trained on the entries (a :class:`~symkd_survey.core.catalogue.Catalogue`
    or any entries) that carry labels of ``facets`` (default: :func:`suggested_facets`).

    Labels are read through the taxonomy (aliases count as their node; unknown labels are
    ignored). Only the training entries' text (and the taxonomy's) is seen: the vocabulary of
    the TF-IDF is fit on them, so text under review never shapes the model that judges it.
    """
    from sklearn.linear_model import LogisticRegression

    chosen = tuple(facets) if facets is not None else suggested_facets(taxonomy)
    model = LabelModel(taxonomy, chosen, features)
    entries = _entries(catalogue)
    labelled: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    docs = [entry_document(entry) for entry in entries]
    used: set[int] = set()
    for facet in chosen:
        rows = [(i, tuple(taxonomy.canonical(facet, entry.labels(facet)))) for i, entry in enumerate(entries)]
        rows = [(i, values) for i, values in rows if values]
        distinct = {value for _, values in rows for value in values}
        if len(rows) < min_labelled:
            model.skipped[facet] = f"{len(rows)} labelled entries; at least {min_labelled} are needed"
        elif len(distinct) < 2:
            model.skipped[facet] = "every labelled entry carries the same value"
        else:
            labelled[facet] = rows
            used.update(i for i, _ in rows)
    model.trained_on = len(used)
    if not labelled:
        return model
    extra = [(facet, node_id) for facet in labelled for node_id in taxonomy.node_ids(facet)] \
        if features.taxonomy else []
    order = sorted(used)
    corpus = [docs[i] for i in order] + [node_document(taxonomy, f, n) for f, n in extra]
    model._vectorizer = _Vectorizer(features)
    matrix = model._vectorizer.fit_transform(corpus)
    position = {i: row for row, i in enumerate(order)}
    for facet, rows in labelled.items():
        pseudo = [(len(order) + k, (node_id,)) for k, (f, node_id) in enumerate(extra) if f == facet]
        examples = [(position[i], values) for i, values in rows] + pseudo
        values = tuple(v for v in taxonomy.node_ids(facet) if any(v in vs for _, vs in examples))
        single = sum(len(vs) == 1 for _, vs in rows) >= SINGLE_SHARE * len(rows)

        def fit(x_rows: list[int], targets: list[str], weights: list[float], solver: str) -> Any:
            return LogisticRegression(C=features.c, solver=solver, max_iter=1000, random_state=RANDOM_STATE).fit(
                matrix[x_rows], targets, sample_weight=weights)

        if single:  # one row per (entry, value), weighted so that every entry counts once
            x_rows = [r for r, vs in examples for _ in vs]
            targets = [v for _, vs in examples for v in vs]
            weights = [1.0 / len(vs) for _, vs in examples for _ in vs]
            model._models[facet] = _FacetModel(values, True, [fit(x_rows, targets, weights, "newton-cg")])
        else:
            x_rows = [r for r, _ in examples]
            ones = [1.0] * len(x_rows)
            kept = [v for v in values if not all(v in vs for _, vs in examples)]
            if not kept:  # every example carries every value: nothing tells them apart
                model.skipped[facet] = "every labelled entry carries the same values"
                continue
            model._models[facet] = _FacetModel(tuple(kept), False, [
                fit(x_rows, ["yes" if v in vs else "no" for _, vs in examples], ones, "liblinear") for v in kept])
    return model
