"""Strict YAML loading: nothing is silently corrupted, and the writer is canonical."""

from __future__ import annotations

from pathlib import Path

import pytest

from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.yamlio import dump_mapping, parse_mapping


def test_scalars_stay_strings_where_pyyaml_would_corrupt_them() -> None:
    doc, issues = parse_mapping("arxiv: 2104.10010\nflag: NO\ncode: 01234\ntime: 12:30\nday: 2023-05-01\n", "x")
    assert issues == [] and doc is not None
    assert doc.data == {"arxiv": "2104.10010", "flag": "NO", "code": "01234", "time": "12:30", "day": "2023-05-01"}


def test_positions_are_one_based_lines_of_values_and_keys() -> None:
    doc, _ = parse_mapping("# comment\ntitle: x\nids:\n  arxiv: '1'\nlist: [a, b]\n", "x")
    assert doc is not None
    assert doc.line_of(("ids", "arxiv")) == 4
    assert doc.line_of(("ids",), key=True) == 3
    assert doc.line_of(("list", 1)) == 5
    assert doc.line_of(("nowhere", "deep")) == 2  # falls back to the nearest known parent (the root)


def test_null_and_empty_plain_scalars_are_none_but_quoted_ones_are_text() -> None:
    doc, _ = parse_mapping("a:\nb: ~\nc: null\nd: ''\ne: 'null'\n", "x")
    assert doc is not None
    assert doc.data == {"a": None, "b": None, "c": None, "d": "", "e": "null"}


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    doc, issues = parse_mapping(bomb, "bomb.yaml")
    assert doc is None
    assert issues[0].message == "anchors and aliases are not allowed"


@pytest.mark.parametrize("data", [
    {"title": "Plain: with colon", "n": 3, "ok": True, "none": None},
    {"text": "quotes \" and \\ backslash\nnewline\ttab \u2028 and émoji 🚀", "slug": "a-b"},
    {"list": ["a", "B", "2021"], "map": {"k": "v", "l": ["x"]}},
    {"reserved": ["yes", "no", "null", "true", "on"]},
])
def test_dump_then_parse_gives_back_the_same_data(data: dict[str, object]) -> None:
    text = dump_mapping(data)
    doc, issues = parse_mapping(text, "x")
    assert issues == [] and doc is not None

    def as_text(value: object) -> object:
        if isinstance(value, dict):
            return {k: as_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_text(v) for v in value]
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if value is None else str(value)

    assert doc.data == as_text(data)


def test_atomic_write_leaves_no_temporary_file_and_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.yaml"
    atomic_write(target, "one\n")
    atomic_write(target, "two\n")
    assert target.read_text() == "two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.yaml"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "file.yaml"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "bad \udcff surrogate")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["file.yaml"]


def test_create_exclusive_never_overwrites(tmp_path: Path) -> None:
    from symkd_survey.core.fileio import create_exclusive
    from symkd_survey.core.issues import SymkdError

    target = tmp_path / "entry.yaml"
    create_exclusive(target, "first\n")
    with pytest.raises(SymkdError) as caught:
        create_exclusive(target, "second\n")
    assert caught.value.issues[0].message == "the file exists already; nothing was overwritten"
    assert target.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["entry.yaml"]


def test_create_all_is_all_or_nothing(tmp_path: Path) -> None:
    from symkd_survey.core.fileio import create_all
    from symkd_survey.core.issues import SymkdError

    (tmp_path / "b.yaml").write_text("taken\n")
    with pytest.raises(SymkdError):
        create_all([(tmp_path / "a.yaml", "a\n"), (tmp_path / "b.yaml", "b\n"), (tmp_path / "c.yaml", "c\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]
    assert (tmp_path / "b.yaml").read_text() == "taken\n"
