"""Label suggestions: the model, and how ``symkd add``, ``symkd from-issue`` and ``symkd diff`` show them.

The model is trained on the shipped catalogue and on a small seeded one (real entries of all
three methods), and asked about texts it has never seen. The commands run end to end: ``add``
against the loopback arXiv stand-in, ``from-issue`` with the facts given, ``diff`` in a real git
repository.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.analysis.label_model import (
    MIN_LABELLED,
    Disagreement,
    Features,
    LabelModel,
    Suggestion,
    format_suggestions,
    suggested_facets,
    train,
)
from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.model import Entry, entry_to_yaml
from symkd_survey.core.taxonomy import Roles, Taxonomy

from .arxiv_support import DATA, FakeArxiv, Reply
from .conftest import REPO_ROOT, seeded_repository
from .git_support import commit, git, needs_git

Run = Callable[..., tuple[int, str, str]]
DIRECT = ("abdin2025phi4reasoning", "agrawal2023qameleon", "ahmad2025opencodereasoning", "an2024learning",
          "arora2023ask", "chen2023fireact", "chen2023mcckd", "chen2024agentflan", "chiang2023vicuna",
          "dai2023promptagator", "west2022symbolic")
MULTILEVEL = ("asai2024selfrag", "bhagavatula2023i2d2", "zelikman2022star", "polu2023formal", "chen2024selfplay",
              "ding2025micota", "gou2024tora", "jung2024impossible")
RL = ("cui2024ultrafeedback", "gulcehre2023reinforced", "kim2023aligning", "lee2024rlaif", "singh2023beyond",
      "tunstall2024zephyr", "yang2024rlcd")
SEEDED = DIRECT + MULTILEVEL + RL

RL_TEXT = ("Reward-ranked self-training of a policy model",
           "A policy model samples many candidate responses; a reward model scores them, only the highest-reward "
           "samples are kept, and the policy is fine-tuned on them, alternating sampling and reward-filtered "
           "training over several iterations.")
DIRECT_TEXT = ("Distilling GPT-4 into a small student with one synthetic dataset",
               "We prompt GPT-4 once with a few examples to generate a synthetic dataset of instruction-response "
               "pairs and fine-tune a small student model directly on that generated corpus.")
MULTILEVEL_TEXT = ("Iterative multilevel distillation",
                   "The student trained in one round becomes the generator of the next round, and filters for "
                   "faithfulness and length between rounds steadily improve the distilled data and the final student.")
MATH_TEXT = ("Small models learn math word problems from GPT-4 solutions",
             "GPT-4 writes step-by-step solutions to grade-school math word problems (GSM8K); a small model fine-tuned "
             "on them improves its arithmetic reasoning accuracy.")


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Repository(REPO_ROOT).load_taxonomy()


@pytest.fixture(scope="module")
def shipped(taxonomy: Taxonomy) -> list[Entry]:
    return [item.entry for item in load_catalogue(Repository(REPO_ROOT))]


@pytest.fixture(scope="module")
def model(shipped: list[Entry], taxonomy: Taxonomy) -> LabelModel:
    """The model trained on the shipped catalogue (training is deterministic: one is enough)."""
    return train(shipped, taxonomy)


@pytest.fixture
def seeded(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, SEEDED)


def _entry(title: str, summary: str, **labels: list[str]) -> Entry:
    return Entry(title=title, authors=["Doe, Jane"], year=2025, type="misc", summary=summary,
                 taxonomy=dict(labels), source="curated", added=dt.date(2026, 12, 1))


# --------------------------------------------------------------------------- the model


def test_the_suggested_facets_are_the_taxonomy_roles(shipped: list[Entry], taxonomy: Taxonomy) -> None:
    assert suggested_facets(taxonomy) == ("method", "application")  # lanes, then the matrix without repeats
    other = Taxonomy(taxonomy.data.model_copy(update={"roles": Roles(matrix=["area", "application"], lanes="area")}))
    assert suggested_facets(other) == ("area", "application")
    assert list(train(shipped, other).suggest(*MATH_TEXT)) == ["area", "application"]


@pytest.mark.parametrize(("text", "method"), [(RL_TEXT, "reinforcement-learning"), (DIRECT_TEXT, "direct"),
                                              (MULTILEVEL_TEXT, "multilevel")])
def test_the_shipped_catalogue_suggests_the_method_of_an_unseen_text(
        model: LabelModel, text: tuple[str, str], method: str) -> None:
    suggestions = model.suggest(*text)
    assert suggestions["method"][0].value == method


def test_an_application_is_among_the_first_three(model: LabelModel) -> None:
    suggestions = model.suggest(*MATH_TEXT)
    assert "math" in [s.value for s in suggestions["application"][:3]]


def test_a_small_seeded_catalogue_suggests_the_method(seeded: Repository, taxonomy: Taxonomy) -> None:
    model = train(load_catalogue(seeded), taxonomy)
    assert model.trained_on == len(SEEDED) and model.skipped == {}
    assert model.suggest(*RL_TEXT)["method"][0].value == "reinforcement-learning"
    assert model.suggest(*MULTILEVEL_TEXT)["method"][0].value == "multilevel"


def test_confidences_are_probabilities_best_first(model: LabelModel, taxonomy: Taxonomy) -> None:
    suggestions = model.suggest(*DIRECT_TEXT)
    for facet in ("method", "application"):
        ranked = suggestions[facet]
        confidences = [s.confidence for s in ranked]
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert confidences == sorted(confidences, reverse=True)
        assert {s.value for s in ranked} <= set(taxonomy.node_ids(facet))
    # one value per entry (nearly always) for the method: a softmax over its three values
    assert len(suggestions["method"]) == 3
    assert math.isclose(sum(s.confidence for s in suggestions["method"]), 1.0, abs_tol=1e-3)


def test_a_facet_without_labelled_entries_gets_no_suggestions(shipped: list[Entry], taxonomy: Taxonomy) -> None:
    stripped = [e.model_copy(update={"taxonomy": {**e.taxonomy, "application": []}}) for e in shipped]
    model = train(stripped, taxonomy)
    suggestions = model.suggest(*MATH_TEXT)
    assert "application" not in suggestions and suggestions["method"]
    assert model.skipped == {"application": f"0 labelled entries; at least {MIN_LABELLED} are needed"}


def test_nothing_to_learn_from_gives_no_suggestions(taxonomy: Taxonomy) -> None:
    few = [_entry("A", "B", method=["direct"], application=["math"])] * (MIN_LABELLED - 1)
    assert train(few, taxonomy).suggest(*RL_TEXT) == {}
    same = [_entry(f"Paper {i}", "text", method=["direct"], application=["math"]) for i in range(MIN_LABELLED)]
    model = train(same, taxonomy)
    assert model.suggest(*RL_TEXT) == {}
    assert model.skipped["method"] == "every labelled entry carries the same value"
    pairs = [_entry(f"Paper {i}", "text", method=["direct", "multilevel"][i % 2:][:1], application=["math", "agents"])
             for i in range(MIN_LABELLED)]
    model = train(pairs, taxonomy, features=Features(taxonomy=False))
    assert list(model.suggest(*RL_TEXT)) == ["method"]
    assert model.skipped == {"application": "every labelled entry carries the same values"}


def test_training_is_deterministic(shipped: list[Entry], taxonomy: Taxonomy, model: LabelModel) -> None:
    assert train(list(shipped), taxonomy).suggest(*MATH_TEXT) == model.suggest(*MATH_TEXT)


def test_aliases_count_as_their_node(seeded: Repository, taxonomy: Taxonomy) -> None:
    entries = [item.entry for item in load_catalogue(seeded)]
    spelled = [e.model_copy(update={"taxonomy": {**e.taxonomy, "method": ["RL-based"]}})
               if e.labels("method") == ["reinforcement-learning"] else e for e in entries]
    assert train(spelled, taxonomy).suggest(*RL_TEXT) == train(entries, taxonomy).suggest(*RL_TEXT)


def test_compare_names_the_facets_that_disagree(model: LabelModel) -> None:
    wrong = _entry(*RL_TEXT, method=["multilevel"])
    found = model.compare(wrong)
    assert [(d.facet, d.suggested.value, d.labels) for d in found] == \
        [("method", "reinforcement-learning", ("multilevel",))]
    assert isinstance(found[0], Disagreement)
    assert model.compare(_entry(*RL_TEXT, method=["reinforcement-learning"])) == []
    assert model.compare(_entry(*RL_TEXT)) == []  # no labels: nothing to disagree with


def test_the_one_line_format() -> None:
    suggestions = {"method": [Suggestion("direct", 0.81), Suggestion("multilevel", 0.12),
                              Suggestion("reinforcement-learning", 0.07)],
                   "application": [Suggestion("math", 0.04), Suggestion("code-generation", 0.03)]}
    assert format_suggestions(suggestions) == \
        "method direct 0.81, multilevel 0.12, reinforcement-learning 0.07; application math 0.04"
    assert format_suggestions(suggestions, top=1) == "method direct 0.81; application math 0.04"
    assert format_suggestions({}) == ""


# --------------------------------------------------------------------------- symkd add


def _arxiv_body(title: str, summary: str) -> bytes:
    text = (DATA / "decao_preprint.xml").read_text(encoding="utf-8")
    text = text.replace("Editing Factual Knowledge in Language Models", title)
    start, end = text.index("<summary>") + len("<summary>"), text.index("</summary>")
    return (text[:start] + summary + text[end:]).encode()


def test_add_lists_suggestions_in_the_header_and_fills_nothing(seeded: Repository, fake: FakeArxiv,
                                                               run_cli: Run) -> None:
    fake.serve("2104.08164", Reply(body=_arxiv_body(*RL_TEXT)))
    status, out, err = run_cli("--root", seeded.root, "add", "2104.08164")
    assert (status, err) == (0, "") and out.startswith("added catalogue/decao2021")
    file = next(f for f in seeded.catalogue_dir.iterdir() if f.name.startswith("decao2021"))
    text = file.read_text(encoding="utf-8")
    header = " ".join(line.strip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "Suggested by a model trained on the catalogue (advice only; nothing was filled in):" in header
    assert "suggested: method reinforcement-learning 0." in header
    assert "; application " in header
    body = "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))
    assert "  method: []\n  application: []\n" in body  # the taxonomy is left for the contributor
    assert "abstract" not in body  # the abstract was read, not kept


def test_add_without_suggestions(seeded: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2104.08164", Reply(body=_arxiv_body(*RL_TEXT)))
    status, out, _ = run_cli("--root", seeded.root, "add", "2104.08164", "--no-suggest", "--dry-run")
    assert status == 0 and "uggested" not in out
    status, out, _ = run_cli("--root", seeded.root, "add", "2104.08164", "--dry-run")
    assert status == 0 and "#   suggested: method reinforcement-learning" in out


def test_add_on_a_tiny_catalogue_suggests_nothing(tmp_path: Path, fake: FakeArxiv, run_cli: Run) -> None:
    repo = seeded_repository(tmp_path, ("west2022symbolic", "mitra2023orca"))
    fake.serve("2104.08164", Reply(body=_arxiv_body(*RL_TEXT)))
    status, out, _ = run_cli("--root", repo.root, "add", "2104.08164", "--dry-run")
    assert status == 0 and "uggested" not in out


# --------------------------------------------------------------------------- symkd from-issue

FACTS = ("--title", "Symbolic Chain-of-Thought Distillation: Small Models Can Also Think Step-by-Step",
         "--author", "Li, Liunian Harold", "--author", "Choi, Yejin", "--year", "2023")


def test_from_issue_reports_suggestions_next_to_the_choice(seeded: Repository, run_cli: Run) -> None:
    body = REPO_ROOT / "tests" / "data" / "issue_forms" / "good" / "dropdowns.md"
    status, out, err = run_cli("--root", seeded.root, "from-issue", body, *FACTS)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "added catalogue/li2023symbolic.yaml (arXiv 2306.14050)"
    assert lines[1] == ("suggested labels (advice from a model trained on the catalogue; "
                        "the entry keeps the form's):")
    assert lines[2].startswith("  method: suggested ") and "; the form says direct" in lines[2]
    assert lines[3].startswith("  application: suggested ") and \
        lines[3].split("; the form says ")[1].startswith("commonsense, task-specific-models")
    written = (seeded.catalogue_dir / "li2023symbolic.yaml").read_text(encoding="utf-8")
    assert "  method: [direct]\n  application: [commonsense, task-specific-models]\n" in written


# --------------------------------------------------------------------------- symkd diff


@needs_git
def test_diff_shows_where_labels_differ_from_the_suggestion(seeded: Repository, run_cli: Run) -> None:
    git(seeded.root, "init", "-q")
    commit(seeded.root, "base")
    relabelled = seeded.entry_file("gulcehre2023reinforced")
    text = relabelled.read_text(encoding="utf-8")
    assert "method: [reinforcement-learning]" in text  # ReST: sampling, reward filtering, fine-tuning, repeated
    relabelled.write_text(text.replace("method: [reinforcement-learning]", "method: [multilevel]"), encoding="utf-8")
    new = _entry(*RL_TEXT, method=["direct"], application=["math"])
    seeded.entry_file("doe2025reward").write_text(entry_to_yaml(new), encoding="utf-8")
    status, out, _ = run_cli("--root", seeded.root, "diff", "HEAD", "--no-bibtex")
    assert status == 0
    section = out.split("#### Label suggestions\n", 1)[1]
    assert section.startswith("\nAdvice from a model trained on the base catalogue (without these papers); "
                              "nothing was changed.\n\n")
    assert "- `doe2025reward`: suggested: method `reinforcement-learning` 0." in section
    assert "; the entry says `direct` 0." in section
    assert "- `gulcehre2023reinforced`: suggested: method `reinforcement-learning`" in section
    assert "the entry says `multilevel` 0." in section
    assert "application" not in section.split("gulcehre2023reinforced")[1].split("\n")[0]  # only what changed
    status, quiet, _ = run_cli("--root", seeded.root, "diff", "HEAD", "--no-bibtex", "--no-suggest")
    assert status == 0 and "Label suggestions" not in quiet


@needs_git
def test_diff_confirms_agreeing_labels_quietly(seeded: Repository, taxonomy: Taxonomy, run_cli: Run) -> None:
    git(seeded.root, "init", "-q")
    commit(seeded.root, "base")
    top = train(load_catalogue(seeded), taxonomy).suggest(*RL_TEXT)
    new = _entry(*RL_TEXT).model_copy(update={"taxonomy": {facet: [ranked[0].value] for facet, ranked in top.items()}})

    seeded.entry_file("doe2025reward").write_text(entry_to_yaml(new), encoding="utf-8")
    status, out, _ = run_cli("--root", seeded.root, "diff", "HEAD", "--no-bibtex")
    assert status == 0
    section = out.split("#### Label suggestions\n", 1)[1]
    assert "- `doe2025reward`" not in section
    assert "The top suggestions agree with the labels of 1 paper: `doe2025reward`." in section


def test_queue_items_carry_the_suggested_labels(model: LabelModel) -> None:
    from symkd_survey.review.discovery import Candidate
    from symkd_survey.review.label_review import queue_labels

    cand = Candidate("arxiv:2612.00001", title="Distilling chain-of-thought rationales from a large teacher",
                     abstract="A large language model writes step-by-step rationales for math word problems; "
                              "a small student model is fine-tuned on them once.")
    labels = queue_labels(model)(cand)
    facets = [label.split(":")[0] for label in labels]
    assert facets[0] == "method" and "application" in facets
    value, confidence = labels[0].split(":")[1].split()
    assert value == "direct"
    assert 0 < float(confidence) <= 1
