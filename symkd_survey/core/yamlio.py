"""Strict YAML loading with positions, and the canonical YAML writer.

PyYAML's ``safe_load`` corrupts data silently (``2104.10010`` becomes a float, ``NO`` a
boolean, a duplicate key keeps the last value) and loses line numbers. Here documents are
*composed* (libyaml when available) and converted by hand:

- every scalar stays a string (``null``, ``~`` and empty plain scalars become ``None``);
  the schema decides what is a number;
- duplicate keys, anchors/aliases, custom tags, empty files, several documents and a
  top-level value that is not a mapping are errors;
- every value and key keeps its 1-based line and column, so that any later problem can be
  reported as ``path:line``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from symkd_survey.core.fileio import MAX_ENTRY_BYTES, read_bytes
from symkd_survey.core.issues import Issue, error

try:  # libyaml is several times faster; the pure-Python loader gives the same nodes.
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _TextLoader(_Base):  # type: ignore[misc]
    """Composes nodes without guessing implicit types: every scalar stays text anyway, and
    the regular-expression resolver is the slowest part of composing. Explicit tags
    (``!!python/object``) are still kept on their nodes, and refused by the converter."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _KIND_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_Loader = _TextLoader

Loc = tuple[str | int, ...]
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAG = "tag:yaml.org,2002:"
_KIND_TAGS = {yaml.ScalarNode: _STANDARD_TAG + "str", yaml.SequenceNode: _STANDARD_TAG + "seq",
              yaml.MappingNode: _STANDARD_TAG + "map"}
_ALLOWED_TAGS = frozenset(_STANDARD_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map",
                                                             "timestamp"))


@dataclass(slots=True)
class YamlDocument:
    """A loaded mapping with the position of every value and key (1-based line, column)."""

    data: dict[str, Any]
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int], *, key: bool = False) -> int:
        """The line of the value at ``loc`` (or of its key); falls back to the nearest parent."""
        table = self.key_positions if key else self.positions
        path = tuple(loc)
        while path:
            if path in table:
                return table[path][0]
            if key and path in self.positions:
                return self.positions[path][0]
            path = path[:-1]
        return self.positions.get((), (1, 1))[0]


class _Fault(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode


MAX_DEPTH = 16
"""The deepest nesting of lists and mappings a file may have (an entry needs four levels)."""


def _convert(node: Any, loc: Loc, doc: YamlDocument, seen: set[int]) -> Any:  # a yaml.Node
    """Nodes to plain data, recording positions; the hot path of every load (kept lean)."""
    mark = node.start_mark
    if len(loc) > MAX_DEPTH:
        raise _Fault(mark.line + 1, mark.column + 1, f"values are nested more than {MAX_DEPTH} levels deep",
                     "an entry needs at most four levels")
    if id(node) in seen:
        raise _Fault(mark.line + 1, mark.column + 1, "anchors and aliases are not allowed",
                     "write the value out in full")
    seen.add(id(node))
    doc.positions[loc] = (mark.line + 1, mark.column + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise _Fault(mark.line + 1, mark.column + 1, f"tag '{node.tag}' is not allowed", "remove the tag")
    kind = node.__class__
    if kind is _ScalarNode:
        value = node.value
        if not node.style and value in _NULLS:  # plain style is None (Python) or "" (libyaml)
            return None
        return value
    if kind is _SequenceNode:
        items: list[Any] = []
        positions = doc.positions
        for index, item in enumerate(node.value):
            if isinstance(item, _ScalarNode) and item.tag in _ALLOWED_TAGS and id(item) not in seen:
                seen.add(id(item))  # inlined scalar case: lists of names and keys are most of a file
                item_mark = item.start_mark
                positions[(*loc, index)] = (item_mark.line + 1, item_mark.column + 1)
                value = item.value
                items.append(None if not item.style and value in _NULLS else value)
            else:
                items.append(_convert(item, (*loc, index), doc, seen))
        return items
    if kind is _MappingNode:
        result: dict[str, Any] = {}
        key_positions = doc.key_positions
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if key_node.__class__ is not _ScalarNode or key_node.tag not in _ALLOWED_TAGS:
                raise _Fault(key_mark.line + 1, key_mark.column + 1, "keys must be plain names", "use 'name: value'")
            key = key_node.value
            key_loc = (*loc, key)
            if key in result:
                first = key_positions[key_loc][0]
                raise _Fault(key_mark.line + 1, key_mark.column + 1,
                             f"duplicate key '{key}' (first defined on line {first})", "keep one of them")
            key_positions[key_loc] = (key_mark.line + 1, key_mark.column + 1)
            result[key] = _convert(value_node, key_loc, doc, seen)
        return result
    raise _Fault(mark.line + 1, mark.column + 1, "unsupported YAML node")  # pragma: no cover


def parse_mapping(text: str, path: str) -> tuple[YamlDocument | None, list[Issue]]:
    """Parse ``text`` as one YAML mapping; never raises on bad input."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            problem += f" ({exc.context} on line {exc.context_mark.line + 1})"
        hint = "check indentation and quote values that contain ': ' or start with a special character"
        return None, [error("yaml", path, line, f"invalid YAML: {problem}", hint, column)]
    except yaml.YAMLError as exc:  # e.g. reader errors for control characters
        return None, [error("yaml", path, getattr(exc, "line", 0), f"invalid YAML: {exc}")]
    if not documents:
        return None, [error("yaml", path, 1, "the file is empty", "an entry is a mapping of fields")]
    if len(documents) > 1:
        second = documents[1].start_mark.line + 1
        return None, [error("yaml", path, second, "the file holds more than one YAML document",
                            "remove the '---' separator; one file holds one paper")]
    root = documents[0]
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return None, [error("yaml", path, root.start_mark.line + 1, f"the file holds {kind}, not a mapping of fields",
                            "write 'title: ...', 'authors: [...]' and so on at the top level")]
    doc = YamlDocument(data={})
    try:
        doc.data = _convert(root, (), doc, set())
    except _Fault as fault:
        return None, [error("yaml", path, fault.line, fault.message, fault.hint, fault.column)]
    return doc, []


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Issue]]:
    """Decode UTF-8 (a BOM is tolerated), reporting the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [error("encoding", path, line, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                            "save the file as UTF-8")]
    return text, []


def read_text(file: Path, display: str, limit: int = MAX_ENTRY_BYTES) -> tuple[str | None, list[Issue]]:
    """A UTF-8 text file's content (a regular file of at most ``limit`` bytes); anything
    unreadable, special, too large or undecodable is an issue."""
    raw, issues = read_bytes(file, display, limit)
    if raw is None:
        return None, issues
    return decode_text(raw, display)


def read_mapping(file: Path, display: str) -> tuple[YamlDocument | None, list[Issue]]:
    """Read and parse a YAML file; a missing, special, oversized or unreadable file is an issue too."""
    text, issues = read_text(file, display)
    if text is None:
        return None, issues
    return parse_mapping(text, display)


# --------------------------------------------------------------------------- writing

_FLOW_LIMIT = 100  # a flow collection longer than this is written as a block


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _PLAIN_RE.fullmatch(value) and value not in _RESERVED_WORDS:
            return value
        return _UNSAFE_IN_YAML.sub(_escape_char, json.dumps(value, ensure_ascii=False))
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


# Characters JSON leaves raw that YAML would fold as line breaks, or refuses, or strips (BOM).
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


_PLAIN_RE = re.compile(r"[a-z][a-z0-9-]*")  # slugs (ids, types) stay plain; all other text is quoted
_RESERVED_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"})


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, bool))


def _flow(value: Any) -> str | None:
    """The flow form of a collection of scalars (or of mappings of scalars), or None."""
    if _is_scalar(value):
        return _scalar(value)
    if isinstance(value, list):
        parts = [_flow(item) for item in value]
        if any(part is None for part in parts):
            return None
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not _is_scalar(item) and not (isinstance(item, list) and all(_is_scalar(i) for i in item)):
                return None
            items.append(f"{key}: {_flow(item)}")
        return "{" + ", ".join(items) + "}"
    return None


def _emit(key: str, value: Any, indent: int, block: frozenset[str], out: list[str]) -> None:
    pad = " " * indent
    flow = None if key in block and value else _flow(value)  # block style cannot write an empty collection
    if flow is not None and (len(pad) + len(key) + 2 + len(flow) <= _FLOW_LIMIT or _is_scalar(value)):
        out.append(f"{pad}{key}: {flow}")
        return
    if isinstance(value, list):
        out.append(f"{pad}{key}:")
        for item in value:
            item_flow = _flow(item)
            if item_flow is None:
                raise TypeError("nested block lists are not used in catalogue files")
            out.append(f"{pad}  - {item_flow}")
        return
    out.append(f"{pad}{key}:")
    for sub_key, sub_value in value.items():
        _emit(sub_key, sub_value, indent + 2, frozenset(), out)


def dump_mapping(data: Mapping[str, Any], block: frozenset[str] = frozenset()) -> str:
    """The canonical YAML text of ``data``: keys in the given order, text double-quoted
    (JSON escapes, which YAML reads), slugs plain, short collections in flow style, and the
    top-level keys named in ``block`` always in block style.

    >>> print(dump_mapping({"title": "A: b", "year": 2022, "ids": {"arxiv": "2110.07178"}}), end="")
    title: "A: b"
    year: 2022
    ids: {arxiv: "2110.07178"}
    """
    out: list[str] = []
    for key, value in data.items():
        _emit(key, value, 0, block, out)
    return "\n".join(out) + "\n"
