"""``symkd import bibtex``: one fixture per fault under ``tests/data/bibtex/``, each naming in its
own ``% expect:`` lines the exact issues (1-based line, check, message) it must produce."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.issues import SymkdError
from symkd_survey.sources.bibimport import import_bibtex, plan_import

from .conftest import DATA

Run = Callable[..., tuple[int, str, str]]

FIXTURES = sorted((DATA / "bibtex").glob("*.bib"))


def expected_issues(fixture: Path, name: str | None = None, offset: int = 0) -> list[str]:
    """The fixture's ``% expect:`` lines as the CLI prints them (``(none)`` for a clean file)."""
    shown = name or fixture.name
    found = []
    for line in fixture.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"% expect: (?:(\d+)(: .*)|\(none\))", line)
        if match and match.group(1):
            text = match.group(2).replace("NEXT_YEAR", str(dt.date.today().year + 1))
            text = re.sub(r"(?<=on line )\d+", lambda m: str(int(m.group()) + offset), text)
            found.append(f"{shown}:{int(match.group(1)) + offset}{text}")
        elif match:
            found.append("(none)")
    assert found, f"{fixture.name} has no '% expect:' line"
    return [f for f in found if f != "(none)"]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def issue_lines(err: str, name: str) -> list[str]:
    return [line for line in err.splitlines() if re.match(rf"{re.escape(name)}:\d+: ", line)]


def place(fixture: Path, repo: Repository) -> Path:
    target = repo.root / fixture.name
    shutil.copy(fixture, target)
    return target


def test_there_is_a_fixture_for_every_fault_the_brief_names() -> None:
    names = {f.stem for f in FIXTURES}
    assert {"missing-comma", "and-and", "key-with-space", "unbalanced-braces", "missing-title", "missing-year",
            "bad-year", "duplicate-key", "in-catalogue-arxiv", "in-catalogue-doi", "in-catalogue-title",
            "latex-decoded"} <= names


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_reports_exactly_its_issues(fixture: Path, repo_copy: Repository, run_cli: Run) -> None:
    before = snapshot(repo_copy.catalogue_dir)
    target = place(fixture, repo_copy)
    expected = expected_issues(fixture)

    status, out, err = run_cli("--root", repo_copy.root, "import", "bibtex", target)

    assert sorted(issue_lines(err, fixture.name)) == sorted(expected)
    assert "Traceback" not in out + err
    failed = any("] warning: " not in line for line in expected)
    assert status == (1 if failed else 0)
    if failed:  # all-or-nothing: not one byte of the catalogue changed
        assert snapshot(repo_copy.catalogue_dir) == before
        assert "nothing was written" in err
    else:
        after = snapshot(repo_copy.catalogue_dir)
        for key, digest in before.items():  # nothing overwritten
            assert after[key] == digest


def test_all_faults_in_one_file_are_all_reported_and_parsing_resumes(repo_copy: Repository,
                                                                       run_cli: Run) -> None:
    """One broken entry never hides the next: every fixture's issue, at its shifted line."""
    combined: list[str] = []
    expected: list[str] = []
    for fixture in FIXTURES:
        expected += expected_issues(fixture, "all.bib", offset=len(combined))
        combined += [*fixture.read_text(encoding="utf-8").splitlines(), ""]
    (repo_copy.root / "all.bib").write_text("\n".join(combined), encoding="utf-8")
    before = snapshot(repo_copy.catalogue_dir)

    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", repo_copy.root / "all.bib")

    assert sorted(issue_lines(err, "all.bib")) == sorted(expected)
    assert status == 1
    assert snapshot(repo_copy.catalogue_dir) == before


def test_latex_is_decoded_and_every_field_mapped(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "latex-decoded.bib", repo_copy)
    status, out, _ = run_cli("--root", repo_copy.root, "import", "bibtex", target)
    assert status == 0
    assert "wrote catalogue/muller2021uber.yaml" in out
    entry = load_catalogue(repo_copy).entries["muller2021uber"].entry
    assert entry.title == "Über BERT & GPT-3: 50% Naïve Café Models — a Study"
    assert entry.authors == ["Müller, Jörg", "Dupré, François", "Østergaard, Søren", "van Beethoven, Ludwig",
                             "OpenAI"]
    assert (entry.year, entry.type) == (2021, "inproceedings")
    assert entry.venue == "Proceedings of the 2021 Conference on EMNLP"
    assert (entry.pages, entry.address) == ("12--34", "Punta Cana, Dominican Republic")
    assert entry.publisher == "Association for Computational Linguistics"
    assert entry.ids.model_dump() == {"arxiv": "2109.99999", "doi": "10.18653/v1/2021.emnlp-main.999",
                                      "acl": "2021.emnlp-main.999", "openreview": "AbC-12_xyz"}
    assert entry.primary_class == "cs.CL"
    assert entry.links.url == "https://openreview.net/forum?id=AbC-12_xyz"
    assert (entry.source, entry.verified) == ("curated", True)
    assert entry.added == dt.date.today()


def test_unverified_entries_stay_marked(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "unverified.bib", repo_copy)
    status, _, _ = run_cli("--root", repo_copy.root, "import", "bibtex", target, "--source", "survey")
    assert status == 0
    entries = load_catalogue(repo_copy).entries
    unverified, verified = entries["doe2021unverified"].entry, entries["roe2021verified"].entry
    assert unverified.verified is False
    assert unverified.verification_note == "Author list as cited; not confirmed on any page"
    assert unverified.note == "Blog post" and unverified.source == "survey"
    assert (verified.verified, verified.verification_note) == (True, None)
    assert run_cli("--root", repo_copy.root, "validate", "--strict")[0] == 0


def test_skip_invalid_writes_only_the_good_and_still_fails(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "unbalanced-braces.bib", repo_copy)
    before = snapshot(repo_copy.catalogue_dir)
    status, out, err = run_cli("--root", repo_copy.root, "import", "bibtex", target, "--skip-invalid")
    assert status == 1
    after = snapshot(repo_copy.catalogue_dir)
    assert set(after) - set(before) == {"roe2021after.yaml"}
    assert all(after[name] == digest for name, digest in before.items())
    assert out.splitlines() == ["wrote catalogue/roe2021after.yaml"]
    assert err.splitlines()[-1] == ("unbalanced-braces.bib: 1 new, 0 already in the catalogue, "
                                    "0 repeated within the file, 1 failed: 1 written")
    assert run_cli("--root", repo_copy.root, "validate", "--strict")[0] == 0


def test_dry_run_prints_the_entries_and_writes_nothing(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "unverified.bib", repo_copy)
    before = snapshot(repo_copy.catalogue_dir)
    status, out, _ = run_cli("--root", repo_copy.root, "import", "bibtex", target, "--dry-run")
    assert status == 0
    assert snapshot(repo_copy.catalogue_dir) == before
    assert "--- would write catalogue/doe2021unverified.yaml\ntitle: \"A Blog Post Nobody Could Check\"\n" in out
    assert out.splitlines()[-1] == ("unverified.bib: 2 new, 0 already in the catalogue, "
                                    "0 repeated within the file, 0 failed: dry run, nothing was written")


def test_a_taken_key_gets_a_suffix_and_nothing_is_overwritten(repo_copy: Repository, run_cli: Run) -> None:
    original = (repo_copy.catalogue_dir / "west2022symbolic.yaml").read_bytes()
    target = place(DATA / "bibtex" / "keys-made-valid.bib", repo_copy)
    status, _, _ = run_cli("--root", repo_copy.root, "import", "bibtex", target)
    assert status == 0
    entries = load_catalogue(repo_copy).entries
    assert entries["west2022symbolic-2"].entry.authors == ["West, Paul"]
    assert entries["doe-2021-keys"].entry.title == "A Key in Mixed Case with an Underscore"
    assert (repo_copy.catalogue_dir / "west2022symbolic.yaml").read_bytes() == original


def test_imported_entries_are_valid_and_canonical(repo_copy: Repository, run_cli: Run) -> None:
    for name in ("latex-decoded.bib", "unverified.bib", "keys-made-valid.bib", "same-work-twice.bib"):
        assert run_cli("--root", repo_copy.root, "import", "bibtex", place(DATA / "bibtex" / name, repo_copy))[0] == 0
    assert run_cli("--root", repo_copy.root, "validate", "--strict")[0] == 0
    assert run_cli("--root", repo_copy.root, "format", "--check")[0] == 0


def test_importing_the_same_file_twice_skips_everything(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "unverified.bib", repo_copy)
    assert run_cli("--root", repo_copy.root, "import", "bibtex", target)[0] == 0
    before = snapshot(repo_copy.catalogue_dir)
    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", target)
    assert status == 0
    assert snapshot(repo_copy.catalogue_dir) == before
    assert ("unverified.bib:4: [duplicate] warning: 'doe2021unverified' is already in the catalogue as "
            "'doe2021unverified' (catalogue/doe2021unverified.yaml, same title: a blog post nobody could check): "
            "skipped (nothing was overwritten)") in err


def test_missing_file(repo_copy: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", repo_copy.root / "nope.bib")
    assert status == 1
    assert err.strip() == "nope.bib:0: [io] cannot read the file: No such file or directory"


def test_file_that_is_not_utf8(repo_copy: Repository, run_cli: Run) -> None:
    (repo_copy.root / "latin1.bib").write_bytes("@misc{a,\n  title = {Caf\u00e9},\n}\n".encode("latin-1"))
    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", repo_copy.root / "latin1.bib")
    assert status == 1
    assert err.strip() == "latin1.bib:2: [encoding] the file is not UTF-8 (byte 0xe9) (save the file as UTF-8)"


def test_file_without_entries(repo_copy: Repository, run_cli: Run) -> None:
    (repo_copy.root / "empty.bib").write_text("% nothing here\n", encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", repo_copy.root / "empty.bib")
    assert status == 1
    assert err.strip() == "empty.bib:0: [bibtex] no BibTeX entries in this file"


def test_source_must_be_survey_or_curated(repo_copy: Repository, run_cli: Run) -> None:
    target = place(DATA / "bibtex" / "unverified.bib", repo_copy)
    status, _, err = run_cli("--root", repo_copy.root, "import", "bibtex", target, "--source", "web")
    assert status == 1 and "[args] argument --source: invalid choice: 'web'" in err


def test_library_plan_and_import(repo_copy: Repository) -> None:
    """The API the CLI wraps: a plan first, then the writes; the date can be given."""
    target = place(DATA / "bibtex" / "unbalanced-braces.bib", repo_copy)
    plan = plan_import(repo_copy, target, source="survey", today=dt.date(2026, 1, 2))
    assert [(n.key, n.line, n.entry.added) for n in plan.new] == [("roe2021after", 11, dt.date(2026, 1, 2))]
    assert [(f.bib_key, f.line) for f in plan.failed] == [(None, 4)]
    result = import_bibtex(repo_copy, target, source="survey")
    assert (result.ok, result.written) == (False, [])
    with pytest.raises(SymkdError):
        plan_import(repo_copy, repo_copy.root / "nope.bib")


def test_identifiers_are_not_decoded_but_unescaped(repo_copy: Repository) -> None:
    """URLs, DOIs and eprints keep their text; only \\url{} and escaped specials are undone."""
    bib = repo_copy.root / "ids.bib"
    bib.write_text("@misc{doe2021ids,\n  title = {Identifiers},\n  author = {Doe, Jane},\n  year = {2021},\n"
                   "  url = {\\url{https://example.org/a\\_b?x=1\\&y=2}},\n  doi = {10.1234/ab\\_c},\n"
                   "  howpublished = {arXiv preprint arXiv:2101.00002v2}\n}\n", encoding="utf-8")
    plan = plan_import(repo_copy, bib)
    assert plan.issues == []
    entry = plan.new[0].entry
    assert entry.links.url == "https://example.org/a_b?x=1&y=2"
    assert (entry.ids.doi, entry.ids.arxiv) == ("10.1234/ab_c", "2101.00002")
    assert entry.note == "arXiv preprint arXiv:2101.00002v2"


def test_acl_ids_come_from_acl_dois_and_anthology_urls(repo_copy: Repository) -> None:
    bib = repo_copy.root / "acl.bib"
    bib.write_text("@inproceedings{doe2019old,\n  title = {Old Style},\n  author = {Doe, Jane},\n  year = {2019},\n"
                   "  booktitle = {ACL},\n  doi = {10.18653/v1/p19-1001}\n}\n"
                   "@inproceedings{doe2022new,\n  title = {New Style},\n  author = {Doe, Jane},\n  year = {2022},\n"
                   "  booktitle = {ACL},\n  url = {https://aclanthology.org/2022.acl-long.7.pdf}\n}\n",
                   encoding="utf-8")
    plan = plan_import(repo_copy, bib)
    assert [(n.key, n.entry.ids.acl) for n in plan.new] == [("doe2019old", "P19-1001"),
                                                            ("doe2022new", "2022.acl-long.7")]
