"""The entry format as JSON Schema and as Markdown, both derived from :mod:`symkd_survey.core.model`.

The model is the one source. :func:`entry_schema` turns it into a JSON Schema (draft 2020-12)
that editors with yaml-language-server use to complete and check entry files; :func:`docs_text`
turns that schema into the field tables of ``docs/entry-format.md``. Both files are committed
(:data:`SCHEMA_FILE`, :data:`DOCS_FILE`) and a test fails when either differs from what the model
gives, so a change to a field is made once, in the model, and ``symkd schema --docs`` carries it
to both.

The schema checks shape, as the model does, plus the text length limits of
:mod:`symkd_survey.core.text`; it cannot check the text rule's characters, ids, URLs, taxonomy
labels or citations, which remain the work of ``symkd validate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, get_args

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from symkd_survey.core import text
from symkd_survey.core.catalogue import Repository
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import Issue, error
from symkd_survey.core.model import Entry, field_order
from symkd_survey.core.yamlio import read_text

SCHEMA_FILE: Final[str] = "schema/entry.schema.json"
"""Where the generated JSON Schema is committed, relative to the repository root."""

DOCS_FILE: Final[str] = "docs/entry-format.md"
"""Where the generated field reference is committed, relative to the repository root."""

SCHEMA_ID: Final[str] = "urn:symkd-survey:schema:entry"
"""The schema's ``$id``: a name, not an address (editors are pointed at the committed file)."""

DRAFT: Final[str] = "https://json-schema.org/draft/2020-12/schema"

DOCS_MARKER: Final[str] = (
    "<!-- Generated below this line by `symkd schema --docs` from symkd_survey/core/model.py: "
    "edit the model, not this page. -->"
)
"""Everything above this line of :data:`DOCS_FILE` is written by hand and kept as it is."""

REGENERATE: Final[str] = "run 'symkd schema --docs'"

_TEXT_KINDS: Final[dict[Any, str]] = {
    get_args(kind_type)[1].func: kind  # Annotated[str, AfterValidator(check)]
    for kind_type, kind in (
        (text.Title, "title"), (text.NameText, "name"), (text.VenueText, "venue"), (text.Summary, "summary"),
        (text.Abstract, "abstract"), (text.Note, "note"), (text.Url, "url"), (text.IdText, "id"),
        (text.Label, "label"), (text.Short, "short"), (text.Reason, "reason"),
    )
}
"""The text rule's validator function of each kind of text field -> the kind (a key of ``LIMITS``)."""


class _EntrySchema(GenerateJsonSchema):
    """pydantic's generator, telling what the model's validators check that pydantic cannot see."""

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        json_schema = dict(super().function_after_schema(schema))
        kind = _TEXT_KINDS.get(schema["function"]["function"])
        if kind is not None:
            json_schema["maxLength"] = text.LIMITS[kind]
        return json_schema

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        # the model takes only YYYY-MM-DD; "format" alone is not checked by most validators
        return {**super().date_schema(schema), "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Title", "Primary Class": noise in an editor's hover next to the description


_ENTRY_DESCRIPTION: Final[str] = " ".join((Entry.__doc__ or "").split())


def entry_schema(model: type[Entry] = Entry) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one catalogue entry file; ``model`` is the catalogue's
    entry model (:meth:`Repository.entry_model`: the core fields and its extension's blocks)."""
    generated = TypeAdapter(model).json_schema(schema_generator=_EntrySchema, mode="validation")
    properties = generated.get("properties", {})
    generated["properties"] = {name: properties[name] for name in field_order(model) if name in properties}
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "symkd-survey catalogue entry",
        "description": (
            "One paper: the file catalogue/<key>.yaml. Generated from symkd_survey/core/model.py by "
            "'symkd schema'; 'symkd validate' checks more than this schema can."
        ),
        **{key: value for key, value in generated.items() if key not in ("title", "description")},
    }


def schema_text(model: type[Entry] = Entry) -> str:
    """:func:`entry_schema` as the committed file holds it."""
    return json.dumps(entry_schema(model), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- the Markdown page


@dataclass(frozen=True, slots=True)
class _Block:
    name: str  # the $defs name, or "Entry"
    used_as: str  # where it appears in an entry file: "survey.table3", "accept[]"
    schema: dict[str, Any]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _refs(node: Any) -> Iterator[str]:
    """The $defs names ``node`` refers to, in the order they are written."""
    if isinstance(node, dict):
        if "$ref" in node:
            yield _ref_name(node["$ref"])
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _blocks(schema: dict[str, Any]) -> list[_Block]:
    """The entry, then each nested block in the order a reader meets it (depth first)."""
    defs: dict[str, Any] = schema.get("$defs", {})
    root = {**schema, "description": defs.get("Entry", {}).get("description", _ENTRY_DESCRIPTION)}
    blocks = [_Block("Entry", "", root)]
    seen = {"Entry"}

    def visit(block: _Block) -> None:
        for field, prop in block.schema.get("properties", {}).items():
            for name in _refs(prop):
                if name in seen:
                    continue
                seen.add(name)
                is_list = prop.get("type") == "array" or any(p.get("type") == "array" for p in prop.get("anyOf", []))
                path = f"{block.used_as}.{field}" if block.used_as else field
                child = _Block(name, path + ("[]" if is_list else ""), defs[name])
                blocks.append(child)
                visit(child)

    visit(blocks[0])
    return blocks


def _anchor(name: str) -> str:
    return name.lower()


def _type(prop: dict[str, Any]) -> str:
    """A schema node in words: ``text (at most 500 characters)``, ``list of [Erratum](#erratum)``."""
    if "$ref" in prop:
        name = _ref_name(prop["$ref"])
        return f"[{name}](#{_anchor(name)})"
    if "anyOf" in prop:
        options = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(_type(p) for p in options)
    if "enum" in prop:
        return "one of " + ", ".join(f"`{value}`" for value in prop["enum"])
    kind = prop.get("type")
    if kind == "string":
        if prop.get("format") == "date":
            return 'date, `"YYYY-MM-DD"`'
        return "text" + _range(prop.get("minLength", 0) if prop.get("minLength", 0) > 1 else 0,
                               prop.get("maxLength"), "characters")
    if kind == "integer":
        return "whole number" + (f" ≥ {prop['minimum']}" if "minimum" in prop else "")
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        items = _range(prop.get("minItems", 0), prop.get("maxItems"), "items")
        return f"list{items} of {_type(prop.get('items', {}))}"
    if kind == "object":
        value = prop.get("additionalProperties")
        keys = _range(prop.get("minProperties", 0), prop.get("maxProperties"), "keys")
        if isinstance(value, dict):
            names = {"type": "string", **prop.get("propertyNames", {})}
            return f"mapping{keys} of {_type(names)} to {_type(value)}"
        return "mapping" + keys
    return "any value"


def _range(low: int, high: int | None, unit: str) -> str:
    """`` (1 to 2,000 items)``, `` (at most 64 characters)``, or nothing."""
    if high is None:
        return f" (at least {low:,} {unit})" if low else ""
    return f" ({low:,} to {high:,} {unit})" if low else f" (at most {high:,} {unit})"


def _cell(value: str) -> str:
    return " ".join(value.split()).replace("|", "\\|")


def _required(name: str, prop: dict[str, Any], required: list[str]) -> str:
    if name in required:
        return "yes"
    default = prop.get("default")
    return "no" if default is None else f"no (default `{json.dumps(default)}`)"


def _section(block: _Block) -> list[str]:
    schema = block.schema
    lines = [f"## {block.name}", ""]
    if block.used_as.endswith("[]"):
        lines += [f"Each item of `{block.used_as[:-2]}` in an entry.", ""]
    elif block.used_as:
        lines += [f"Written as `{block.used_as}` in an entry.", ""]
    if schema.get("description"):
        lines += [" ".join(schema["description"].split()), ""]
    lines += ["| field | type | required | description |", "|---|---|---|---|"]
    required: list[str] = schema.get("required", [])
    for name, prop in schema.get("properties", {}).items():
        row = [f"`{name}`", _type(prop), _required(name, prop, required), prop.get("description", "")]
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return [*lines, ""]


def docs_body(schema: dict[str, Any] | None = None) -> str:
    """The generated part of :data:`DOCS_FILE`: one section per block of the entry format."""
    schema = entry_schema() if schema is None else schema
    lines: list[str] = []
    for block in _blocks(schema):
        lines += _section(block)
    return "\n".join(lines).rstrip("\n") + "\n"


def docs_text(current: str, display: str = DOCS_FILE, model: type[Entry] = Entry) -> str:
    """``current`` (the text of :data:`DOCS_FILE`) with everything below :data:`DOCS_MARKER` regenerated.

    Raises ValueError when ``current`` has no marker line: without it there is no telling the
    hand-written introduction from the generated part.
    """
    head, marker, _ = current.partition(DOCS_MARKER)
    if not marker:
        raise ValueError(f"{display} has no line {DOCS_MARKER!r} to generate below")
    return f"{head.rstrip()}\n\n{DOCS_MARKER}\n\n{docs_body(entry_schema(model))}"


# --------------------------------------------------------------------------- the committed files


def expected_files(root: Path) -> tuple[dict[str, str], list[Issue]]:
    """What :data:`SCHEMA_FILE` and :data:`DOCS_FILE` under ``root`` should hold, by repository path."""
    current, issues = read_text(root / DOCS_FILE, DOCS_FILE)
    if current is None:
        return {}, issues
    model = Repository(root).entry_model()
    try:
        docs = docs_text(current, DOCS_FILE, model)
    except ValueError as exc:
        return {}, [error("schema", DOCS_FILE, 0, str(exc), "put the line back above the generated tables")]
    return {SCHEMA_FILE: schema_text(model), DOCS_FILE: docs}, []


def stale_files(root: Path) -> tuple[list[str], list[Issue]]:
    """The committed files under ``root`` that differ from what the model gives, as repository paths."""
    expected, issues = expected_files(root)
    stale = []
    for name, wanted in expected.items():
        file = root / name
        have = file.read_text(encoding="utf-8") if file.is_file() else None
        if have != wanted:
            stale.append(name)
    return stale, issues


def write_files(root: Path) -> tuple[list[str], list[Issue]]:
    """Regenerate :data:`SCHEMA_FILE` and :data:`DOCS_FILE` under ``root``; the paths that changed."""
    stale, issues = stale_files(root)
    if issues:
        return [], issues
    expected, _ = expected_files(root)
    for name in stale:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(root / name, expected[name])
    return stale, []
