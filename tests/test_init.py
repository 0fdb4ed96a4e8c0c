"""``symkd init``, and a second, unrelated survey run end to end through the real CLI.

The second survey has other facets (``task`` and ``architecture``), no survey tables and no
``survey``/``distillation`` blocks: whatever still assumes this survey's facets shows up here.
One repository is initialised, relabelled and built once per module (the build takes seconds).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from symkd_survey.cli import main
from symkd_survey.site.scaffold import init_repository

from .git_support import commit, git

TAXONOMY = """\
schema_version: 1
roles:
  matrix: [task, architecture]
  lanes: architecture
facets:
  task:
    label: "Task"
    description: "The problem the model is trained to solve."
    required: true
    nodes:
      - id: "translation"
        label: "Machine translation"
        aliases: ["MT"]
        description: "Turning text in one language into text in another."
      - id: "parsing"
        label: "Syntactic parsing"
        description: "Recovering the syntactic structure of a sentence."
  architecture:
    label: "Architecture"
    description: "The kind of neural network the work builds."
    required: true
    nodes:
      - id: "recurrent"
        label: "Recurrent network"
        colour: "#2ca02c"
        description: "A network that reads a sequence one token at a time, carrying a hidden state."
      - id: "transformer"
        label: "Transformer"
        colour: "#d62728"
        description: "A network built from self-attention and feed-forward layers, without recurrence."
"""

ENTRIES = {
    "sutskever2014sequence": """\
title: "Sequence to Sequence Learning with Neural Networks"
authors: ["Sutskever, Ilya", "Vinyals, Oriol", "Le, Quoc V."]
year: 2014
type: inproceedings
venue: "Advances in Neural Information Processing Systems 27 (NeurIPS 2014)"
ids: {arxiv: "1409.3215"}
taxonomy: {task: [translation], architecture: [recurrent]}
summary: "Maps a sentence to a vector with one deep recurrent network and decodes its translation with another."
source: curated
added: "2025-01-10"
""",
    "bahdanau2015neural": """\
title: "Neural Machine Translation by Jointly Learning to Align and Translate"
authors: ["Bahdanau, Dzmitry", "Cho, Kyunghyun", "Bengio, Yoshua"]
year: 2015
type: inproceedings
venue: "3rd International Conference on Learning Representations (ICLR 2015)"
ids: {arxiv: "1409.0473"}
taxonomy: {task: [translation], architecture: [recurrent]}
summary: "Lets the decoder attend to every encoder state instead of one fixed vector."
cites: [sutskever2014sequence]
source: curated
added: "2025-01-10"
""",
    "vaswani2017attention": """\
title: "Attention Is All You Need"
authors: ["Vaswani, Ashish", "Shazeer, Noam", "Parmar, Niki", "Uszkoreit, Jakob"]
year: 2017
type: inproceedings
venue: "Advances in Neural Information Processing Systems 30 (NeurIPS 2017)"
ids: {arxiv: "1706.03762"}
taxonomy: {task: [translation, parsing], architecture: [transformer]}
summary: "Replaces recurrence with self-attention alone, for translation and constituency parsing."
cites: [sutskever2014sequence, bahdanau2015neural]
source: curated
added: "2025-01-11"
""",
    "kitaev2018constituency": """\
title: "Constituency Parsing with a Self-Attentive Encoder"
authors: ["Kitaev, Nikita", "Klein, Dan"]
year: 2018
type: inproceedings
venue: "Proceedings of the 56th Annual Meeting of the Association for Computational Linguistics"
ids: {arxiv: "1805.01052"}
taxonomy: {task: [parsing], architecture: [transformer]}
summary: "A self-attentive encoder with a chart decoder parses constituency trees."
cites: [vaswani2017attention]
source: curated
added: "2025-01-12"
""",
}


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    out: str
    err: str


def symkd(root: Path | None, *args: str) -> Run:
    """Run the real CLI in-process, capturing both streams."""
    out, err = io.StringIO(), io.StringIO()
    argv = [*(["--root", str(root)] if root is not None else []), *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


@dataclass(frozen=True, slots=True)
class Survey:
    root: Path
    site: Path
    build: Run


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    base = tmp_path_factory.mktemp("second-survey")
    root = base / "repo"
    created = symkd(None, "init", str(root), "--title", "Neural Architectures")
    assert created.code == 0, created.err
    (root / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    for old in (root / "catalogue").glob("*.yaml"):
        old.unlink()
    for key, text in ENTRIES.items():
        (root / "catalogue" / f"{key}.yaml").write_text(text, encoding="utf-8")
    site = base / "site"
    return Survey(root, site, symkd(root, "build", "--out", str(site)))


# --------------------------------------------------------------------------- init itself

def test_init_writes_a_repository_that_validates_and_formats(tmp_path: Path) -> None:
    written = init_repository(tmp_path / "new", title="My Catalogue", facets=("topic", "approach"))
    names = {p.relative_to(tmp_path / "new").as_posix() for p in written}
    assert {"taxonomy.yaml", "mkdocs.yml", "README.md", ".gitignore", ".github/workflows/validate.yml",
            "site/docs/assets/symkd.js", "site/docs/assets/symkd.css"} <= names
    assert all(p.is_file() for p in written)
    assert "site_name: \"My Catalogue\"" in (tmp_path / "new" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "symkd validate --strict" in (tmp_path / "new" / ".github/workflows/validate.yml").read_text("utf-8")
    assert list(tmp_path.iterdir()) == [tmp_path / "new"]  # no staging folder left behind
    for args in (("validate", "--strict"), ("format", "--check")):
        run = symkd(tmp_path / "new", *args)
        assert run.code == 0, run.err


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert symkd(None, "init", str(tmp_path / "empty")).code == 0
    assert (tmp_path / "empty" / "taxonomy.yaml").is_file()


def test_init_refuses_a_folder_that_is_not_empty_and_leaves_it_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    run = symkd(None, "init", str(folder), "--title", "X")
    assert run.code == 1
    assert run.err.strip() == (f"{folder}:0: [init] the folder exists and is not empty; nothing was written "
                               "(choose a new or empty folder)")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_init_refuses_a_facet_name_that_is_not_a_slug(tmp_path: Path) -> None:
    run = symkd(None, "init", str(tmp_path / "x"), "--facet", "Task")
    assert run.code == 1
    assert "[init] facet name 'Task' is not a slug" in run.err
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- the second survey

def test_second_survey_validates_strictly(survey: Survey) -> None:
    run = symkd(survey.root, "validate", "--strict")
    assert run.code == 0, run.err
    assert "4 files checked: 0 errors, 0 warnings" in run.out


@pytest.mark.parametrize(("fmt", "marker"), [
    ("bibtex", "@inproceedings{kitaev2018constituency,"),
    ("biblatex", "@inproceedings{kitaev2018constituency,"),
    ("csl-json", '"id": "kitaev2018constituency"'),
    ("ris", "TY  - "),
])
def test_second_survey_exports(survey: Survey, fmt: str, marker: str) -> None:
    run = symkd(survey.root, "export", fmt)
    assert run.code == 0, run.err
    assert marker in run.out
    assert run.err == ""


def test_second_survey_graph_nodes_carry_its_facets(survey: Survey) -> None:
    run = symkd(survey.root, "export", "graph", "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    nodes = {node["id"]: node for node in data["nodes"]}
    assert set(nodes) == set(ENTRIES)
    assert nodes["vaswani2017attention"]["task"] == ["translation", "parsing"]
    assert nodes["vaswani2017attention"]["architecture"] == ["transformer"]
    assert all("method" not in node for node in nodes.values())
    assert len(data["links"]) == 4


def test_second_survey_graph_report_and_stats(survey: Survey) -> None:
    report = symkd(survey.root, "graph", "report")
    assert report.code == 0, report.err
    assert "4 papers, 4 citations within the catalogue" in report.out
    stats = symkd(survey.root, "stats")
    assert stats.code == 0, stats.err
    assert "Task:" in stats.out and "Architecture:" in stats.out
    assert "task x architecture" in stats.out
    for run in (report, stats):
        assert "method" not in run.out.lower()


def test_second_survey_selection_by_its_facets(survey: Survey) -> None:
    run = symkd(survey.root, "export", "bibtex", "--where", "task=parsing")
    assert run.code == 0, run.err
    assert sorted(re.findall(r"@\w+\{([^,]+),", run.out)) == ["kitaev2018constituency", "vaswani2017attention"]
    alias = symkd(survey.root, "export", "bibtex", "--where", "task=MT", "--where", "architecture=transformer")
    assert re.findall(r"@\w+\{([^,]+),", alias.out) == ["vaswani2017attention"]


def test_second_survey_site_builds(survey: Survey) -> None:
    assert survey.build.code == 0, survey.build.err
    paper = survey.site / "papers" / "kitaev2018constituency.html"
    coverage = survey.site / "coverage.html"
    assert paper.is_file() and coverage.is_file()
    for page in (survey.site / "taxonomy" / "task" / "parsing.html",
                 survey.site / "taxonomy" / "architecture" / "transformer.html"):
        assert page.is_file()
    text = coverage.read_text(encoding="utf-8")
    assert "Papers per task (columns) and architecture (rows)" in text
    assert "Syntactic parsing" in text and "Transformer" in text
    assert "Neural Architectures" in (survey.site / "index.html").read_text(encoding="utf-8")
    for page in (paper, coverage, survey.site / "graph.html", survey.site / "index.html"):
        assert "method" not in _without_tags(page).lower(), page.name


def _without_tags(page: Path) -> str:
    """A page's text and embedded data (scripts, JSON) without its tags, whose attributes may say
    `method="get"` of a form."""
    return re.sub(r"<[^>]*>", " ", page.read_text(encoding="utf-8"))


def test_second_survey_site_never_names_this_surveys_subject(survey: Survey) -> None:
    leaks = {page.relative_to(survey.site).as_posix()
             for page in survey.site.rglob("*.html")
             if re.search(r"method|symbolic knowledge distillation", _without_tags(page), re.I)}
    assert leaks == set()


def test_second_survey_diff_reports_its_own_matrix(survey: Survey, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(survey.root, root)
    git(root, "init", "-q")
    commit(root, "the second survey")
    kitaev = root / "catalogue" / "kitaev2018constituency.yaml"
    kitaev.write_text(kitaev.read_text(encoding="utf-8").replace("architecture: [transformer]",
                                                                 "architecture: [recurrent]"), encoding="utf-8")
    run = symkd(root, "diff", "HEAD", "--no-bibtex")
    assert run.code == 0, run.err
    assert "`kitaev2018constituency`: `taxonomy.architecture`" in run.out
    assert "#### Taxonomy cells, task × architecture (2)" in run.out
    assert "| parsing | recurrent | 0 | 1 (+1) |" in run.out and "| parsing | transformer | 2 | 1 (-1) |" in run.out
    assert "method" not in run.out.lower()
