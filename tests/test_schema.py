"""The entry format's JSON Schema and docs page: derived from the model, current, and right about real data."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.schema import (
    DOCS_FILE,
    DOCS_MARKER,
    REGENERATE,
    SCHEMA_FILE,
    docs_text,
    entry_schema,
    schema_text,
    stale_files,
    write_files,
)

from .conftest import REPO_ROOT

Run = Callable[..., tuple[int, str, str]]

ENTRY_FILES = sorted((REPO_ROOT / "catalogue").glob("*.yaml"))
MODEL = Repository(REPO_ROOT).entry_model()  # the core fields and this catalogue's extension (skd-survey)
VALIDATOR = jsonschema.Draft202012Validator(entry_schema(MODEL))


def _load(file: Path) -> Any:
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def _minimal() -> dict[str, Any]:
    return {"title": "A title", "authors": ["Doe, Jane"], "year": 2024, "type": "misc", "source": "curated",
            "added": "2024-05-31"}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = entry_schema(MODEL)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def test_every_field_has_a_description() -> None:
    schema = entry_schema(MODEL)
    blocks = {"Entry": schema, **schema["$defs"]}
    missing = [f"{block}.{name}" for block, node in blocks.items()
               for name, prop in node.get("properties", {}).items() if not prop.get("description")]
    assert missing == []


@pytest.mark.parametrize("file", ENTRY_FILES, ids=lambda f: f.stem)
def test_the_schema_accepts_every_shipped_entry(file: Path) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(_load(file))]
    assert errors == []


def test_the_catalogue_is_not_empty() -> None:
    assert len(ENTRY_FILES) > 100


def test_the_minimal_entry_is_accepted_by_schema_and_model() -> None:
    VALIDATOR.validate(_minimal())
    MODEL.model_validate(_minimal())


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(_minimal())
    change(data)
    return data


BROKEN: dict[str, tuple[dict[str, Any], str]] = {
    "unknown field": (_broken(lambda d: d.update(titel="A title")), "Additional properties are not allowed"),
    "unknown nested field": (_broken(lambda d: d.update(ids={"arxv": "2310.11511"})),
                             "Additional properties are not allowed"),
    "missing title": (_broken(lambda d: d.pop("title")), "'title' is a required property"),
    "empty title": (_broken(lambda d: d.update(title="")), "should be non-empty"),
    "year as a word": (_broken(lambda d: d.update(year="twenty")), "is not of type 'integer'"),
    "authors as one string": (_broken(lambda d: d.update(authors="Doe, Jane")), "is not of type 'array'"),
    "no authors": (_broken(lambda d: d.update(authors=[])), "should be non-empty"),
    "unknown entry type": (_broken(lambda d: d.update(type="paper")), "is not one of"),
    "labels not a list": (_broken(lambda d: d.update(taxonomy={"method": "direct"})), "is not of type 'array'"),
    "date not YYYY-MM-DD": (_broken(lambda d: d.update(added="31 May 2024")), "does not match"),
    "title too long": (_broken(lambda d: d.update(title="x" * 501)), "is too long"),
    "negative size": (_broken(lambda d: d.update(distillation={"size": -1})), "less than the minimum"),
    "reference list without state": (_broken(lambda d: d.update(reference_list={})), "'state' is a required"),
}


def _messages(errors: Iterable[jsonschema.ValidationError]) -> list[str]:
    """Every message, those under an ``anyOf`` (an optional block: the block or null) included."""
    return [m for e in errors for m in (e.message, *_messages(e.context or []))]


@pytest.mark.parametrize("name", BROKEN)
def test_the_schema_rejects_what_the_model_rejects(name: str) -> None:
    data, message = BROKEN[name]
    errors = _messages(VALIDATOR.iter_errors(data))
    assert any(message in e for e in errors), errors
    with pytest.raises(ValidationError):
        MODEL.model_validate(data)


def test_taxonomy_takes_any_facet() -> None:
    VALIDATOR.validate(_broken(lambda d: d.update(taxonomy={"a-new-facet": ["x", "y"], "method": []})))


def test_the_committed_schema_is_current() -> None:
    have = (REPO_ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert have == schema_text(MODEL), f"{SCHEMA_FILE} differs from the model: {REGENERATE}"


def test_the_committed_docs_are_current() -> None:
    have = (REPO_ROOT / DOCS_FILE).read_text(encoding="utf-8")
    assert have == docs_text(have, DOCS_FILE, MODEL), f"{DOCS_FILE} differs from the model: {REGENERATE}"


def test_the_docs_have_a_section_and_a_row_per_block_and_field() -> None:
    docs = (REPO_ROOT / DOCS_FILE).read_text(encoding="utf-8")
    schema = entry_schema(MODEL)
    for name in ("Entry", *schema["$defs"]):
        assert f"\n## {name}\n" in docs
    for name in schema["properties"]:
        assert f"\n| `{name}` |" in docs


def test_the_docs_keep_the_text_above_the_marker() -> None:
    page = f"# Intro\n\nHand-written.\n\n{DOCS_MARKER}\n\nold tables\n"
    new = docs_text(page)
    assert new.startswith(f"# Intro\n\nHand-written.\n\n{DOCS_MARKER}\n\n## Entry\n")
    assert "old tables" not in new
    assert docs_text(new) == new


def test_docs_without_the_marker_are_refused() -> None:
    with pytest.raises(ValueError, match="has no line"):
        docs_text("# Intro\n")


def test_stale_files_are_found_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / DOCS_FILE).write_text(f"# Intro\n\n{DOCS_MARKER}\n", encoding="utf-8")
    assert stale_files(tmp_path) == ([SCHEMA_FILE, DOCS_FILE], [])
    assert write_files(tmp_path) == ([SCHEMA_FILE, DOCS_FILE], [])
    assert stale_files(tmp_path) == ([], [])
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()


def test_symkd_schema_writes_valid_json(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "entry.schema.json"
    status, stdout, _ = run_cli("schema", "--out", out)
    assert status == 0 and stdout == f"wrote {out}\n"
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == entry_schema(MODEL)
    jsonschema.Draft202012Validator.check_schema(written)


def test_symkd_schema_prints_the_schema(run_cli: Run) -> None:
    status, stdout, _ = run_cli("schema")
    assert status == 0 and json.loads(stdout) == entry_schema(MODEL)


def test_symkd_schema_docs_check_reports_stale_files(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_bytes((REPO_ROOT / "taxonomy.yaml").read_bytes())
    (tmp_path / "docs").mkdir()
    (tmp_path / DOCS_FILE).write_text(f"# Intro\n\n{DOCS_MARKER}\n", encoding="utf-8")
    status, _, err = run_cli("--root", tmp_path, "schema", "--docs", "--check")
    assert status == 1
    assert err.splitlines()[-1] == f"2 generated files differ from the model: {REGENERATE}"
    status, stdout, _ = run_cli("--root", tmp_path, "schema", "--docs")
    assert status == 0 and stdout == f"wrote {SCHEMA_FILE}\nwrote {DOCS_FILE}\n"
    status, stdout, _ = run_cli("--root", tmp_path, "schema", "--docs", "--check")
    assert status == 0


def test_symkd_schema_docs_check_passes_on_the_repository(run_cli: Run) -> None:
    status, _, err = run_cli("--root", REPO_ROOT, "schema", "--docs", "--check")
    assert status == 0, err
