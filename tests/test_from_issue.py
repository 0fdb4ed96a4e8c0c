"""``symkd from-issue``: submitted form bodies, well-formed and hostile, into catalogue entries.

The hostile bodies live in ``tests/data/issue_forms/hostile/``, each next to a ``.expect`` file
with the exact issue lines it must produce (``BODY`` standing for the file's path). Every
test runs on a small repository of its own (the real taxonomy and two real entries), so that
it does not depend on what else the catalogue holds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import SymkdError
from symkd_survey.review import form_layout, issue_form, issue_template
from symkd_survey.review import from_issue as fi

from .arxiv_support import FakeArxiv, Reply
from .conftest import DATA, REPO_ROOT, seeded_repository

Run = Callable[..., tuple[int, str, str]]
FORMS = DATA / "issue_forms"
HOSTILE = sorted((FORMS / "hostile").glob("*.md"))
FACTS = ("--title", "Symbolic Chain-of-Thought Distillation: Small Models Can Also \"Think\" Step-by-Step",
         "--author", "Li, Liunian Harold", "--author", "Hessel, Jack", "--author", "Yu, Youngjae",
         "--author", "Ren, Xiang", "--author", "Chang, Kai-Wei", "--author", "Choi, Yejin",
         "--year", "2023", "--type", "inproceedings",
         "--venue", "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics")


@pytest.fixture
def mini_repo(tmp_path: Path) -> Repository:
    """The real taxonomy and two real entries."""
    return seeded_repository(tmp_path, ("west2022symbolic", "hsieh2023distilling"))


def _files(repo: Repository) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(repo.catalogue_dir.iterdir())}


def _body(tmp_path: Path, text: str, name: str = "issue.md") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


def _well_formed(**changes: str) -> str:
    text = (FORMS / "good" / "dropdowns.md").read_text()
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


# --------------------------------------------------------------------------- well-formed


def test_a_form_becomes_a_valid_entry_with_one_command(mini_repo: Repository, run_cli: Run) -> None:
    body = FORMS / "good" / "dropdowns.md"
    before = dt.date.today().isoformat()
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", body, *FACTS)
    after = dt.date.today().isoformat()
    assert (status, err) == (0, "")
    assert out == "added catalogue/li2023symbolic.yaml (arXiv 2306.14050)\n"
    written = (mini_repo.catalogue_dir / "li2023symbolic.yaml").read_text()
    added = next((day for day in (before, after) if f'added: "{day}"' in written), before)  # a run across midnight
    assert written == f"""\
title: "Symbolic Chain-of-Thought Distillation: Small Models Can Also \\"Think\\" Step-by-Step"
authors:
  - "Li, Liunian Harold"
  - "Hessel, Jack"
  - "Yu, Youngjae"
  - "Ren, Xiang"
  - "Chang, Kai-Wei"
  - "Choi, Yejin"
year: 2023
type: inproceedings
venue: "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics"
ids: {{arxiv: "2306.14050"}}
links: {{code: "https://github.com/example/cot-distillation"}}
taxonomy:
  method: [direct]
  application: [commonsense, task-specific-models]
  area: [reasoning]
  opportunity: []
  challenge: []
summary: "Fine-tunes small OPT models on many chain-of-thought rationales sampled from GPT-3, so that they \
explain and answer commonsense questions."
source: curated
added: "{added}"
"""
    written_file = mini_repo.catalogue_dir / "li2023symbolic.yaml"  # not the shipped file of the same name
    status, out, err = run_cli("--root", mini_repo.root, "validate", "--strict", written_file)
    assert status == 0, err
    status, out, _ = run_cli("--root", mini_repo.root, "format", "--check", written_file)
    assert status == 0


def test_checkbox_lists_and_no_response(mini_repo: Repository) -> None:
    text = (FORMS / "good" / "checkboxes.md").read_text()
    request = issue_form.parse_issue_body(text, "issue.md", mini_repo.load_taxonomy())
    assert request == issue_form.PaperRequest("issue.md", "2306.14050", None, {
        "method": ("direct",), "application": ("commonsense", "task-specific-models"), "area": ()},
        request.summary, None, 3)


def test_a_body_from_the_form_before_it_was_generated(mini_repo: Repository) -> None:
    """Plural headings (``### Methods``) and bare ids, as the hand-written form gave them."""
    taxonomy = mini_repo.load_taxonomy()
    old = issue_form.parse_issue_body((FORMS / "good" / "old-form.md").read_text(), "i.md", taxonomy)
    new = issue_form.parse_issue_body((FORMS / "good" / "dropdowns.md").read_text(), "i.md", taxonomy)
    assert old == new
    assert old.labels == {"method": ("direct",), "application": ("commonsense", "task-specific-models"),
                          "area": ("reasoning",)}


def test_windows_line_ends_and_odd_spaces_are_normalised(mini_repo: Repository, tmp_path: Path) -> None:
    text = _well_formed(**{"small OPT models": "small\u00a0OPT   models"}).replace("\n", "\r\n")
    file = tmp_path / "crlf.md"
    file.write_bytes(text.encode())
    body = issue_form.read_issue_body(file, "crlf.md")
    request = issue_form.parse_issue_body(body, "crlf.md", mini_repo.load_taxonomy())
    assert request.summary.startswith("Fine-tunes small OPT models on many")
    assert request.labels["method"] == ("direct",) and request.code == "https://github.com/example/cot-distillation"
    assert issue_form.parse_issue_body(text, "crlf.md", mini_repo.load_taxonomy()) == request


def test_identifier_spellings(mini_repo: Repository) -> None:
    taxonomy = mini_repo.load_taxonomy()
    for spelling, arxiv, doi in [
        ("arXiv:2306.14050v2", "2306.14050", None),
        ("https://arxiv.org/abs/2306.14050", "2306.14050", None),
        ("https://doi.org/10.48550/arXiv.2306.14050", "2306.14050", None),
        ("https://doi.org/10.18653/V1/2023.ACL-LONG.150", None, "10.18653/v1/2023.acl-long.150"),
        ("doi:10.1007/978-3-030-58452-8_13", None, "10.1007/978-3-030-58452-8_13"),
    ]:
        request = issue_form.parse_issue_body(_well_formed(**{"\n2306.14050\n": f"\n{spelling}\n"}), "i.md", taxonomy)
        assert (request.arxiv, request.doi) == (arxiv, doi), spelling


def test_a_doi_needs_the_facts_given(mini_repo: Repository, run_cli: Run) -> None:
    body = FORMS / "good" / "doi.md"
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", body)
    assert status == 1 and out == ""
    assert err == f"{body}:3: [metadata] DOI 10.18653/v1/2023.acl-long.150 cannot be looked up: only arXiv ids " \
        "can (give the facts: --title, --author (once per author) and --year)\n"
    assert _files(mini_repo).keys() == {"hsieh2023distilling.yaml", "west2022symbolic.yaml"}
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", body, *FACTS)
    assert status == 0 and out == "added catalogue/li2023symbolic.yaml (DOI 10.18653/v1/2023.acl-long.150)\n"
    written = (mini_repo.catalogue_dir / "li2023symbolic.yaml").read_text()
    assert 'ids: {doi: "10.18653/v1/2023.acl-long.150"}' in written


def test_facts_must_come_together(mini_repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", FORMS / "good" / "doi.md", "--title", "X")
    assert status == 1
    assert err == "symkd from-issue:0: [args] --author, --year missing " \
        "(give --title, --author (once per author) and --year together)\n"


def test_dry_run_writes_nothing(mini_repo: Repository, run_cli: Run) -> None:
    before = _files(mini_repo)
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", FORMS / "good" / "dropdowns.md", "--dry-run",
                               *FACTS)
    assert status == 0
    assert out.startswith("# ==> catalogue/li2023symbolic.yaml (dry run: not written) <==\ntitle: ")
    assert err == "arXiv 2306.14050 would be added as 'li2023symbolic'; nothing was written\n"
    assert _files(mini_repo) == before


# --------------------------------------------------------------------------- the arXiv lookup


def test_the_arxiv_record_gives_the_facts(mini_repo: Repository, run_cli: Run, fake: FakeArxiv,
                                         tmp_path: Path) -> None:
    fake.serve("hep-th/9711200", Reply("old_style.xml"))
    body = _body(tmp_path, _well_formed(**{"\n2306.14050\n": "\narXiv:hep-th/9711200v3\n",
                                           "https://github.com/example/cot-distillation": "_No response_"}))
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", body)
    assert (status, err) == (0, "")
    assert out == "added catalogue/maldacena1997large.yaml (arXiv hep-th/9711200)\n"
    written = (mini_repo.catalogue_dir / "maldacena1997large.yaml").read_text()
    assert written.startswith('title: "The Large N Limit of Superconformal Field Theories and Supergravity"\n'
                              'authors:\n  - "Maldacena, Juan M."\nyear: 1997\ntype: misc\n')
    assert 'ids: {arxiv: "hep-th/9711200", doi: "10.1023/a:1026654312961"}' in written
    assert fake.requests == ["hep-th/9711200"]


def test_an_id_arxiv_does_not_know(mini_repo: Repository, run_cli: Run, fake: FakeArxiv, tmp_path: Path) -> None:
    fake.serve("2410.99999", Reply("nonexistent.xml"))
    body = _body(tmp_path, _well_formed(**{"\n2306.14050\n": "\n2410.99999\n"}))
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", body)
    assert status == 1
    assert err == f"{body}:3: [metadata] arXiv has no paper with id 2410.99999 " \
        "(check the id: https://arxiv.org/abs/2410.99999)\n"


def test_a_known_paper_is_refused_before_any_request(mini_repo: Repository, run_cli: Run, fake: FakeArxiv,
                                                     tmp_path: Path) -> None:
    body = _body(tmp_path, _well_formed(**{"\n2306.14050\n": "\nhttps://arxiv.org/pdf/2110.07178v1.pdf\n"}))
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", body)
    assert status == 1
    assert err == f"{body}:3: [duplicate] arXiv 2110.07178 is already in the catalogue as 'west2022symbolic' " \
        "(catalogue/west2022symbolic.yaml) (close the issue, or edit that entry)\n"
    assert fake.requests == []


# --------------------------------------------------------------------------- keys and checks


def test_a_taken_key_gets_a_suffix(mini_repo: Repository, tmp_path: Path) -> None:
    west = (mini_repo.catalogue_dir / "west2022symbolic.yaml").read_bytes()
    facts = fi.Metadata("Symbolic Distillation Revisited", ("West, Peter",), 2022)
    plan = fi.from_issue(mini_repo, (FORMS / "good" / "dropdowns.md").read_text(), "issue.md",
                         fi.fixed_metadata(facts), today=dt.date(2026, 11, 30))
    assert plan.key == "west2022symbolic-2"
    assert (mini_repo.catalogue_dir / "west2022symbolic-2.yaml").read_text().endswith('added: "2026-11-30"\n')
    assert (mini_repo.catalogue_dir / "west2022symbolic.yaml").read_bytes() == west


def test_the_checks_of_validate_run_on_the_new_entry(mini_repo: Repository, run_cli: Run) -> None:
    """The same work as an entry already in the catalogue under another id: same title, year
    and first author (the identity of a work)."""
    title = yaml.safe_load((mini_repo.catalogue_dir / "west2022symbolic.yaml").read_text())["title"]
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", FORMS / "good" / "dropdowns.md",
                             "--title", title, "--author", "West, Peter", "--year", "2022")
    assert status == 1
    assert err.splitlines() == [
        "catalogue/west2022symbolic-2.yaml:1: [duplicate] same title as 'west2022symbolic' "
        "(catalogue/west2022symbolic.yaml) (one paper, one entry: merge the two)",
        f"{FORMS / 'good' / 'dropdowns.md'}:0: [from-issue] nothing was written",
    ]
    assert not (mini_repo.catalogue_dir / "west2022symbolic-2.yaml").exists()


def test_control_characters_in_given_facts_are_refused(mini_repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", FORMS / "good" / "dropdowns.md",
                             "--title", "Bad\x07Title", "--author", "Li, Liunian Harold", "--year", "2023")
    assert status == 1
    assert err.splitlines() == [
        f"{FORMS / 'good' / 'dropdowns.md'}:3: [metadata] the paper's facts are incomplete or malformed (title: "
        "character 4 is U+0007 (control character), which is not allowed in text) (give --title, --author and --year)"]


def test_a_broken_catalogue_is_refused(mini_repo: Repository, run_cli: Run) -> None:
    (mini_repo.catalogue_dir / "broken.yaml").write_text("title: [\n")
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", FORMS / "good" / "dropdowns.md", *FACTS)
    assert status == 1
    assert err.splitlines()[-1] == "catalogue:0: [catalogue] the catalogue has files that do not load " \
        "(fix them first ('symkd validate'))"


# --------------------------------------------------------------------------- hostile bodies


@pytest.mark.parametrize("body", HOSTILE, ids=[f.stem for f in HOSTILE])
def test_hostile_body_is_refused_exactly(body: Path, mini_repo: Repository, run_cli: Run) -> None:
    before = _files(mini_repo)
    expected = body.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    status, out, err = run_cli("--root", mini_repo.root, "from-issue", body, *FACTS)
    assert status == 1 and out == ""
    assert err.replace(str(body), "BODY").splitlines() == expected
    assert _files(mini_repo) == before


def test_there_are_hostile_bodies_of_every_kind() -> None:
    kinds = {f.stem.split("-")[0] for f in HOSTILE}
    assert kinds >= {"summary", "code", "identifier", "method", "section", "confirmation"}
    assert len(HOSTILE) >= 25


def test_every_field_is_checked_at_once(mini_repo: Repository) -> None:
    text = _well_formed(**{"\nDirect distillation (direct)\n": "\ndirct\n",
                           "https://github.com/example/cot-distillation": "javascript:x()",
                           "so that they explain": "<i>so</i> that they explain"})
    with pytest.raises(SymkdError) as caught:
        issue_form.parse_issue_body(text, "i.md", mini_repo.load_taxonomy())
    assert [(i.line, i.check) for i in caught.value.issues] == [(7, "taxonomy"), (19, "summary"), (23, "url")]


def test_an_oversized_body_is_not_read(mini_repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    body = _body(tmp_path, _well_formed() + "\n" + "x" * (64 * 1024))
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", body, *FACTS)
    assert status == 1
    assert err == f"{body}:0: [size] the file is {body.stat().st_size:,} bytes; the limit is 65,536\n"


def test_a_body_that_is_not_utf8(mini_repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    body = tmp_path / "latin1.md"
    body.write_bytes(_well_formed().replace("GPT-3", "GPT-3 \xe0 la").encode("latin-1"))
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", body, *FACTS)
    assert status == 1
    assert err == f"{body}:19: [encoding] the file is not UTF-8 (byte 0xe0) (save the file as UTF-8)\n"


def test_too_many_taxonomy_values(mini_repo: Repository) -> None:
    text = _well_formed(**{"\nDirect distillation (direct)\n": "\n" + ", ".join(["direct"] * 25) + "\n"})
    with pytest.raises(SymkdError) as caught:
        issue_form.parse_issue_body(text, "i.md", mini_repo.load_taxonomy())
    assert [i.format() for i in caught.value.issues] == [
        "i.md:7: [taxonomy] 25 method values; at most 20 (choose the ones that fit best)"]


def test_a_folder_as_body_file(mini_repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    status, _, err = run_cli("--root", mini_repo.root, "from-issue", tmp_path, *FACTS)
    assert status == 1 and err == f"{tmp_path}:0: [io] the file is a folder; only regular files are read\n"


# --------------------------------------------------------------------------- the form itself


def test_the_committed_form_is_the_generated_one(real_repo: Repository, run_cli: Run) -> None:
    committed = (REPO_ROOT / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml").read_text(encoding="utf-8")
    assert committed == issue_template.issue_form_yaml(real_repo.load_taxonomy()), "run 'symkd issue-form'"
    status, out, err = run_cli("--root", REPO_ROOT, "issue-form", "--check")
    assert (status, out, err) == (0, "", ".github/ISSUE_TEMPLATE/add-paper.yml is current\n")


def test_the_form_offers_the_facets_contributors_choose(real_repo: Repository) -> None:
    """Every facet the papers table filters by except the open-problem facets, and every facet
    the form requires: the declared required ones and the coverage matrix's axes."""
    taxonomy = real_repo.load_taxonomy()
    assert form_layout.form_facets(taxonomy) == ("method", "application", "area")
    layout = form_layout.form_layout(taxonomy)
    assert layout.sections == ("arXiv id or DOI", "Method", "Application", "Related-work area", "One-line summary",
                               "Code link", "Confirmation")
    assert layout.required == {"arXiv id or DOI", "Method", "Application", "One-line summary", "Confirmation"}
    form = yaml.safe_load(issue_template.issue_form_yaml(taxonomy))
    fields = [item for item in form["body"] if item["type"] != "markdown"]
    assert [item["id"] for item in fields] == ["identifier", "method", "application", "area", "summary", "code",
                                               "confirmation"]
    assert tuple(item["attributes"]["label"] for item in fields) == layout.sections
    for item in fields[1:4]:
        facet = taxonomy.facets[item["id"]]
        assert item["type"] == "dropdown" and item["attributes"]["multiple"] is True
        assert item["attributes"]["options"] == [f"{n.label} ({n.id})" for n in facet.nodes]
    assert form["labels"] == ["add-paper"]


def test_issue_form_check_and_write(mini_repo: Repository, run_cli: Run) -> None:
    form = mini_repo.root / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
    status, _, err = run_cli("--root", mini_repo.root, "issue-form", "--check")
    assert (status, err) == (1, ".github/ISSUE_TEMPLATE/add-paper.yml:0: [issue-form] the issue form is missing "
                                "(run 'symkd issue-form')\n")
    status, out, err = run_cli("--root", mini_repo.root, "issue-form")
    assert (status, out, err) == (0, "wrote .github/ISSUE_TEMPLATE/add-paper.yml\n", "")
    assert form.read_text() == (REPO_ROOT / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml").read_text()
    taxonomy = mini_repo.taxonomy_file
    taxonomy.write_text(taxonomy.read_text().replace('label: "Method"', 'label: "Distillation method"'))
    status, _, err = run_cli("--root", mini_repo.root, "issue-form", "--check")
    assert (status, err) == (1, ".github/ISSUE_TEMPLATE/add-paper.yml:0: [issue-form] the issue form differs from "
                                "the one taxonomy.yaml gives (run 'symkd issue-form')\n")
    out_file = mini_repo.root / "elsewhere.yml"
    status, out, _ = run_cli("--root", mini_repo.root, "issue-form", "--out", out_file)
    assert (status, out) == (0, "wrote elsewhere.yml\n")
    assert "label: \"Distillation method\"" in out_file.read_text()
    status, _, _ = run_cli("--root", mini_repo.root, "issue-form", "--out", out_file, "--check")
    assert status == 0


def test_a_facet_that_clashes_with_a_fixed_field(mini_repo: Repository, run_cli: Run) -> None:
    taxonomy = mini_repo.taxonomy_file
    taxonomy.write_text(taxonomy.read_text().replace('label: "Related-work area"', 'label: "Code link"'))
    status, _, err = run_cli("--root", mini_repo.root, "issue-form")
    assert (status, err) == (1, "taxonomy.yaml:0: [issue-form] facet 'area' (label 'Code link') clashes with the "
                                "form's field 'Code link' (give the facet another label or name)\n")


# --------------------------------------------------------------------------- another survey's taxonomy

OTHER_TAXONOMY = """\
schema_version: 1
facets:
  task:
    label: "Task"
    description: "What the model is trained to do."
    nodes:
      - {id: "parsing", label: "Parsing, tagging and chunking", description: "Structure from text."}
      - {id: "generation", label: "Text generation", aliases: ["NLG"], description: "Text from structure."}
  architecture:
    label: "Architecture"
    description: "The kind of network."
    nodes:
      - {id: "transformer", label: "Transformer", description: "Attention throughout."}
      - {id: "recurrent", label: "Recurrent network", aliases: ["RNN"], description: "A state carried along."}
"""


def _filled_in(form_text: str, answers: dict[str, str]) -> str:
    """A body as GitHub renders the form ``form_text`` filled in with ``answers`` (by field id)."""
    form = yaml.safe_load(form_text)
    parts = []
    for item in form["body"]:
        if item["type"] != "markdown":
            parts.append(f"### {item['attributes']['label']}\n\n{answers.get(item['id'], '_No response_')}")
    return "\n\n".join(parts) + "\n"


def test_another_taxonomy_gives_another_form(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ())
    repo.taxonomy_file.write_text(OTHER_TAXONOMY)
    taxonomy = repo.load_taxonomy()
    text = issue_template.issue_form_yaml(taxonomy)
    form = yaml.safe_load(text)
    fields = {item["id"]: item for item in form["body"] if item["type"] != "markdown"}
    assert list(fields) == ["identifier", "task", "architecture", "summary", "code", "confirmation"]
    assert fields["task"]["attributes"]["label"] == "Task"
    assert fields["task"]["attributes"]["options"] == ["Parsing, tagging and chunking (parsing)",
                                                       "Text generation (generation)"]
    assert fields["architecture"]["validations"]["required"] is True  # an axis of the coverage matrix

    body = _filled_in(text, {
        "identifier": "2306.14050",
        "task": "Parsing, tagging and chunking (parsing), Text generation (generation)",
        "architecture": "Recurrent network (recurrent)",
        "summary": "Trains a small recurrent tagger and generator on parses a large model wrote.",
        "confirmation": "- [X] The summary is my own words, not copied from the abstract.",
    })
    facts = fi.Metadata("Parsing Distilled", ("Doe, Jane",), 2023)
    plan = fi.from_issue(repo, body, "i.md", fi.fixed_metadata(facts), today=dt.date(2026, 11, 30))
    assert plan.request.labels == {"task": ("parsing", "generation"), "architecture": ("recurrent",)}
    assert plan.entry.taxonomy == {"task": ["parsing", "generation"], "architecture": ["recurrent"]}
    assert "taxonomy:\n  task: [parsing, generation]\n  architecture: [recurrent]\n" in plan.text
    assert plan.warnings == []


def test_another_taxonomy_refuses_what_is_not_in_it(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ())
    repo.taxonomy_file.write_text(OTHER_TAXONOMY)
    taxonomy = repo.load_taxonomy()
    body = _filled_in(issue_template.issue_form_yaml(taxonomy), {
        "identifier": "2306.14050", "task": "transformer, parsin", "architecture": "",
        "summary": "A summary of my own.", "confirmation": "- [X] ok"})
    with pytest.raises(SymkdError) as caught:
        issue_form.parse_issue_body(body, "i.md", taxonomy)
    assert [i.format() for i in caught.value.issues] == [
        "i.md:7: [taxonomy] unknown task 'parsin' (did you mean 'parsing'?)",
        "i.md:7: [taxonomy] unknown task 'transformer' ('transformer' is a value of architecture; task is one of "
        "parsing, generation)",
        "i.md:9: [taxonomy] choose at least one architecture (valid: transformer, recurrent)",
    ]
    with pytest.raises(SymkdError) as caught:
        issue_form.parse_issue_body(body.replace("### Task", "### Method"), "i.md", taxonomy)
    assert [i.format() for i in caught.value.issues] == [
        "i.md:5: [issue-form] unknown section '### Method' (submit the 'Add a paper' issue form; its sections are "
        "'### arXiv id or DOI', '### Task', '### Architecture', '### One-line summary', '### Code link', "
        "'### Confirmation')"]


def test_the_body_from_standard_input(mini_repo: Repository, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (FORMS / "good" / "dropdowns.md").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    status, out, _ = run_cli("--root", mini_repo.root, "from-issue", "-", "--dry-run", *FACTS)
    assert status == 0 and out.startswith("# ==> catalogue/li2023symbolic.yaml (dry run: not written) <==\n")


def test_facts_that_cannot_make_an_entry(mini_repo: Repository) -> None:
    text = (FORMS / "good" / "dropdowns.md").read_text()
    with pytest.raises(SymkdError) as caught:
        fi.plan_from_issue(mini_repo, text, "i.md", fi.fixed_metadata(fi.Metadata("", (), 2023)))
    assert [i.format() for i in caught.value.issues] == [
        "i.md:3: [metadata] the paper's facts are incomplete or malformed (authors: List should have at least 1 "
        "item after validation, not 0; title: String should have at least 1 character) "
        "(give --title, --author and --year)"]


def test_the_record_must_be_the_paper_asked_for(mini_repo: Repository) -> None:
    text = (FORMS / "good" / "dropdowns.md").read_text()
    facts = fi.Metadata("Some Title", ("Li, Liunian Harold",), 2023, arxiv="2306.99999")
    with pytest.raises(SymkdError) as caught:
        fi.plan_from_issue(mini_repo, text, "i.md", fi.fixed_metadata(facts))
    assert [i.format() for i in caught.value.issues] == [
        "i.md:3: [metadata] the record found is arXiv 2306.99999, not 2306.14050"]
