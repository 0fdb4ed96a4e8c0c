"""A catalogue's extension: blocks and checks declared in taxonomy.yaml, none built into the core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from symkd_survey.core import catalogue as catalogue_module
from symkd_survey.core import extension
from symkd_survey.core.catalogue import Repository
from symkd_survey.core.model import Entry, entry_to_yaml, field_order
from symkd_survey.extensions.skd_survey import SurveyEntry

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def reading_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test extension of tests/extension_support.py, known by name as a shipped one would be."""
    monkeypatch.setitem(extension.BUILTIN, "reading-notes", "tests.extension_support")
    for cached in (extension.find_extension, extension._combined, catalogue_module._entry_model):
        cached.cache_clear()
    yield
    for cached in (extension.find_extension, extension._combined, catalogue_module._entry_model):
        cached.cache_clear()


def _declare(repo: Repository, line: str) -> None:
    text = repo.taxonomy_file.read_text(encoding="utf-8")
    old = "extensions: [skd-survey]\n"
    assert old in text
    repo.taxonomy_file.write_text(text.replace(old, line), encoding="utf-8")


def test_the_survey_blocks_come_from_the_extension_the_catalogue_declares(repo_copy: Repository) -> None:
    assert repo_copy.entry_model() is SurveyEntry
    assert "survey" not in Entry.model_fields and "distillation" not in Entry.model_fields
    at = field_order(SurveyEntry).index("taxonomy")
    assert field_order(SurveyEntry)[at + 1:at + 3] == ("survey", "distillation")  # where the files have them


def test_without_the_extension_its_blocks_are_unknown_fields(repo_copy: Repository, run_cli: Run) -> None:
    _declare(repo_copy, "")
    assert repo_copy.entry_model() is Entry
    status, _, err = run_cli("--root", repo_copy.root, "validate", repo_copy.catalogue_dir / "west2022symbolic.yaml")
    assert status == 1
    lines = (repo_copy.catalogue_dir / "west2022symbolic.yaml").read_text(encoding="utf-8").splitlines()
    line = 1 + lines.index("survey:")
    assert f"catalogue/west2022symbolic.yaml:{line}: [unknown-field] unknown field 'survey' " \
           "(did you mean 'source'?)" in err


def test_an_unknown_extension_is_a_taxonomy_error_with_did_you_mean(repo_copy: Repository, run_cli: Run) -> None:
    _declare(repo_copy, "extensions: [skd-survy]\n")
    line = 1 + repo_copy.taxonomy_file.read_text(encoding="utf-8").splitlines().index("extensions: [skd-survy]")
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    assert status == 1
    assert err.splitlines()[0] == \
        f"taxonomy.yaml:{line}: [taxonomy] unknown extension 'skd-survy' (did you mean 'skd-survey'?)"


def test_two_extensions_combine_their_blocks_and_checks(repo_copy: Repository, run_cli: Run,
                                                        reading_registered: None) -> None:
    _declare(repo_copy, "extensions: [skd-survey, reading-notes]\n")
    model = repo_copy.entry_model()
    assert {"survey", "distillation", "reading"} <= set(model.model_fields)
    file = repo_copy.catalogue_dir / "west2022symbolic.yaml"
    text = file.read_text(encoding="utf-8").replace("summary:", "reading: {reader: \"Doe, Jane\", rating: 1}\nsummary:")
    file.write_text(text, encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "validate", "--strict", file)
    line = 1 + text.splitlines().index('reading: {reader: "Doe, Jane", rating: 1}')
    assert status == 1
    assert f"catalogue/west2022symbolic.yaml:{line}: [reading] warning: rated 1: is it in scope?" in err
    loaded = model.model_validate({**_data(file), "reading": {"reader": "Doe, Jane", "rating": 2}})
    written = entry_to_yaml(loaded).splitlines()
    keys = [row.split(":")[0] for row in written if row and not row.startswith((" ", "-"))]
    assert keys.index("taxonomy") < keys.index("survey") < keys.index("reading") < keys.index("summary")


def test_an_extension_block_is_checked_by_its_own_schema(repo_copy: Repository, run_cli: Run,
                                                         reading_registered: None) -> None:
    _declare(repo_copy, "extensions: [skd-survey, reading-notes]\n")
    file = repo_copy.catalogue_dir / "west2022symbolic.yaml"
    text = file.read_text(encoding="utf-8").replace("summary:", "reading: {reader: \"Doe, Jane\", rating: 9}\nsummary:")
    file.write_text(text, encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "validate", file)
    assert status == 1
    assert "[schema] field 'reading.rating': Input should be less than or equal to 5 (got '9')" in err


def _data(file: Path) -> dict[str, object]:
    import yaml

    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _edit(repo: Repository, key: str, old: str, new: str) -> tuple[Path, str]:
    file = repo.catalogue_dir / f"{key}.yaml"
    text = file.read_text(encoding="utf-8")
    assert old in text, key
    text = text.replace(old, new, 1)
    file.write_text(text, encoding="utf-8")
    return file, text


def test_a_table4_row_neither_confirmed_nor_corrected_is_a_warning(repo_copy: Repository, run_cli: Run) -> None:
    file = repo_copy.catalogue_dir / "hsieh2023distilling.yaml"
    lines = [line for line in file.read_text(encoding="utf-8").splitlines() if not line.startswith("  evidence:")]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = 1 + lines.index('  table4: {teacher: "540B PaLM", student: "770M T5", dataset: "Rationales", size: "N/A"}')
    status, _, err = run_cli("--root", repo_copy.root, "validate", file)
    assert status == 0
    assert f"catalogue/hsieh2023distilling.yaml:{line}: [table4] warning: Table IV row neither confirmed by the " \
           "paper nor corrected" in err
    assert run_cli("--root", repo_copy.root, "validate", "--strict", file)[0] == 1
    # an erratum naming a Table IV cell settles the row as well
    _edit(repo_copy, "hsieh2023distilling", "  errata: [", '  errata: [{field: "table4.size", survey: "N/A", '
          'note: "A test note."}, ')
    assert run_cli("--root", repo_copy.root, "validate", "--strict", file)[0] == 0


def test_a_table_erratum_quotes_an_existing_cell_verbatim(repo_copy: Repository, run_cli: Run) -> None:
    file, text = _edit(repo_copy, "smith2024language", 'survey: "T0++"', 'survey: "T0"')
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if 'survey: "T0", note' in row)
    status, _, err = run_cli("--root", repo_copy.root, "validate", file)
    assert status == 1
    assert f"catalogue/smith2024language.yaml:{line}: [survey] erratum 'table4.student' quotes 'T0' but the " \
           "Table IV cell is 'T0++' (quote the survey's cell verbatim)" in err
    _edit(repo_copy, "smith2024language", 'field: "table4.student", survey: "T0"',
          'field: "table4.pupil", survey: "T0++"')
    status, _, err = run_cli("--root", repo_copy.root, "validate", file)
    assert status == 1 and "[survey] erratum 'table4.pupil' names no Table IV column (one of table4.teacher, " \
                           "table4.student, table4.dataset, table4.size)" in err


def test_a_table3_erratum_is_what_lets_the_taxonomy_differ_from_table3(repo_copy: Repository, run_cli: Run) -> None:
    file = repo_copy.catalogue_dir / "polu2023formal.yaml"
    assert run_cli("--root", repo_copy.root, "validate", "--strict", file)[0] == 0
    lines = [row for row in file.read_text(encoding="utf-8").splitlines() if 'field: "table3.method"' not in row]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run_cli("--root", repo_copy.root, "validate", file)
    assert status == 0
    assert "[survey] warning: Table III gives method 'Direct' (direct) but taxonomy.method does not list it " \
           "(if the taxonomy's definitions say otherwise, record an erratum with field table3.method)" in err


def test_the_corrections_page_lists_table_errata_next_to_the_reference_list_s(real_repo: Repository) -> None:
    from symkd_survey.site.model import build_model
    from symkd_survey.site.pages import render_corrections

    page = render_corrections(build_model(real_repo))
    assert "Corrections to the survey&#39;s Tables III and IV" in page or "Corrections to the survey's Tables III" \
        in page
    tables = page[page.index('id="tables"'):]
    for cell in ("Table IV teacher", "Table IV student", "Table III method"):
        assert f'<td data-label="Cell">{cell}</td>' in tables
    assert "GPT3-175B" in tables and "T0++" in tables
    references = page[:page.index('id="tables"')]
    assert "Table IV" not in references and "table4." not in references
