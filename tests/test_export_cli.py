"""``symkd export bibtex|biblatex|csl-json``: output, filters, --out, and refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.exports.bibtex import export_bibliography
from symkd_survey.exports.csl import export_csl

from .tex_support import CJK_ENTRY, add_entries

Run = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csl-json"])
def test_stdout_is_the_library_export_of_the_whole_catalogue(run_cli: Run, real_repo: Repository, fmt: str) -> None:
    status, out, err = run_cli("--root", real_repo.root, "export", fmt)
    assert (status, err) == (0, "")
    catalogue = load_catalogue(real_repo)
    assert out == (export_csl(catalogue) if fmt == "csl-json" else export_bibliography(catalogue, fmt))  # type: ignore[arg-type]


def test_out_writes_the_file_atomically(run_cli: Run, repo_copy: Repository, tmp_path: Path) -> None:
    target = tmp_path / "out" / "refs.bib"
    status, out, err = run_cli("--root", repo_copy.root, "export", "bibtex", "--key", "west2022symbolic",
                               "--key", "acharya2024survey", "--out", target)
    assert (status, err) == (0, "")
    assert out == f"2 entries written to {target}\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("@article{acharya2024survey,\n") and "@inproceedings{west2022symbolic,\n" in text
    assert [p.name for p in target.parent.iterdir()] == ["refs.bib"]  # no temporary file left


def test_filters_on_the_command_line(run_cli: Run, real_repo: Repository) -> None:
    status, out, _ = run_cli("--root", real_repo.root, "export", "csl-json", "--method", "Direct",
                             "--application", "commonsense", "--year-to", "2022")
    assert status == 0
    ids = [item["id"] for item in json.loads(out)]
    catalogue = load_catalogue(real_repo)
    assert "west2022symbolic" in ids
    for key in ids:
        entry = catalogue.entries[key].entry
        assert "direct" in entry.labels("method") and "commonsense" in entry.labels("application")
        assert entry.year <= 2022


def test_unknown_filter_values_are_errors_with_did_you_mean(run_cli: Run, real_repo: Repository,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    status, out, err = run_cli("--root", real_repo.root, "export", "biblatex", "--method", "drect",
                               "--source", "survy", "--out", target)
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "symkd export biblatex:0: [select] unknown method 'drect' (did you mean 'direct'?)",
        "symkd export biblatex:0: [select] unknown source 'survy' (did you mean 'survey'?)",
    ]
    assert not target.exists()


def test_an_empty_selection_warns_and_writes_an_empty_bibliography(run_cli: Run, real_repo: Repository) -> None:
    status, out, err = run_cli("--root", real_repo.root, "export", "csl-json", "--year-from", "2099")
    assert (status, out) == (0, "[]\n")
    assert err == "symkd export csl-json:0: [select] warning: no entry matches the filters; the export is empty\n"


def test_export_refuses_a_catalogue_with_validation_errors(run_cli: Run, repo_copy: Repository,
                                                           tmp_path: Path) -> None:
    (repo_copy.catalogue_dir / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    target = tmp_path / "refs.bib"
    status, out, err = run_cli("--root", repo_copy.root, "export", "bibtex", "--out", target)
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith("catalogue/broken.yaml:")
    assert lines[-1] == "symkd:0: [export] 1 errors in the catalogue: nothing exported " \
                        "(run 'symkd validate' and fix them first)"
    assert not target.exists()


def test_bibtex_export_of_text_without_latex_form_fails_and_keeps_the_old_file(
        run_cli: Run, repo_copy: Repository, tmp_path: Path) -> None:
    add_entries(repo_copy, {"zz-cjk": CJK_ENTRY})
    target = tmp_path / "refs.bib"
    target.write_text("old\n", encoding="utf-8")
    status, out, err = run_cli("--root", repo_copy.root, "export", "bibtex", "--out", target)
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        "catalogue/zz-cjk.yaml:1: [export] BibTeX export of 'zz-cjk', field title: '大' (U+5927 CJK UNIFIED "
        "IDEOGRAPH-5927) has no LaTeX form for BibTeX ('symkd export biblatex' keeps Unicode for biber; "
        "or write the title as LaTeX in bibtex.title)")
    assert target.read_text(encoding="utf-8") == "old\n"
    status, out, err = run_cli("--root", repo_copy.root, "validate")  # validation says so first
    assert status == 1 and "catalogue/zz-cjk.yaml:1: [export] BibTeX export of 'zz-cjk', field title: " in err


def test_a_format_is_required_and_unknown_formats_are_usage_errors(run_cli: Run, real_repo: Repository) -> None:
    status, _, err = run_cli("--root", real_repo.root, "export")
    assert status == 1
    assert "symkd export:0: [args] the following arguments are required: FORMAT" in err
    status, _, err = run_cli("--root", real_repo.root, "export", "endnote")
    assert status == 1 and "[args] argument FORMAT: invalid choice: 'endnote'" in err


def test_out_into_a_folder_that_cannot_be_written_is_an_issue(run_cli: Run, real_repo: Repository,
                                                              tmp_path: Path) -> None:
    status, _, err = run_cli("--root", real_repo.root, "export", "bibtex", "--out", tmp_path)
    assert status == 1
    assert err.startswith(f"{tmp_path}:0: [io] cannot write the file: ")
    assert "Traceback" not in err
