"""The BibTeX, BibLaTeX and CSL-JSON exports of the shipped catalogue are the snapshot's, byte for byte.

The snapshot (tests/data/export-snapshot/, see its README) was made by the code before the
package was split into layers (commit 8c84f68), so this holds the refactor to producing the
same bibliography; later it holds every exporter change to being deliberate. When the
catalogue changes on purpose, ``python -m tools.refresh_export_snapshot`` rewrites the snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tools.refresh_export_snapshot import FORMATS, MANIFEST, SNAPSHOT, catalogue_manifest, read_manifest

from .conftest import REPO_ROOT

REFRESH = "python -m tools.refresh_export_snapshot (see tests/data/export-snapshot/README.md)"
_ENTRY_START = re.compile(r'@\w+\{([^,\s]+),|\{"id": "((?:[^"\\]|\\.)*)"')  # a BibTeX entry, a CSL-JSON item


def entry_at(text: str, offset: int) -> str | None:
    """The key of the entry holding character ``offset`` of an export (None before the first)."""
    key = None
    for match in _ENTRY_START.finditer(text):
        if match.start() > offset:
            break
        if match.start() == 0 or text[match.start() - 1] == "\n":
            key = match.group(1) or match.group(2)
    return key


def first_difference(expected: str, actual: str) -> str:
    """Where ``actual`` first departs from ``expected``: the entry, the line number and both lines."""
    offset = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
                  min(len(expected), len(actual)))
    line = expected.count("\n", 0, offset) + 1
    was, now = entry_at(expected, offset), entry_at(actual, offset)
    if offset == len(expected) or offset == len(actual):  # one ends where the other goes on: name what follows
        longer = actual if offset == len(expected) else expected
        following = _ENTRY_START.search(longer, offset)
        if following is not None:
            key = following.group(1) or following.group(2)
            was, now = (was, key) if longer is actual else (key, now)
    entry = f"entry {was!r}" if was == now else f"entry {was!r} in the snapshot, {now!r} now"
    expected_lines, actual_lines = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    shown_was = repr(expected_lines[line - 1]) if line <= len(expected_lines) else "(end of file)"
    shown_now = repr(actual_lines[line - 1]) if line <= len(actual_lines) else "(end of file)"
    return f"first difference at line {line}, {entry}:\n  snapshot: {shown_was}\n  now:      {shown_now}"


def catalogue_changes(recorded: dict[str, str], current: dict[str, str]) -> str:
    """The catalogue files added, changed and removed since the snapshot was made ("" for none)."""
    parts = []
    for label, names in (("added", sorted(current.keys() - recorded.keys())),
                         ("changed", sorted(k for k in current.keys() & recorded.keys() if current[k] != recorded[k])),
                         ("removed", sorted(recorded.keys() - current.keys()))):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{label} {shown}")
    return "; ".join(parts)


def why(recorded_manifest: str, current_manifest: str) -> str:
    changes = catalogue_changes(read_manifest(recorded_manifest), read_manifest(current_manifest))
    if changes:
        return (f"The catalogue changed since the snapshot was made ({changes}). If that is on purpose, refresh "
                f"the snapshot: {REFRESH}, and check that its diff shows only that change.")
    return ("The catalogue is the one the snapshot was made from, so the exporter's output changed. If that is "
            f"on purpose, refresh the snapshot: {REFRESH}.")


@pytest.mark.parametrize("export_format", FORMATS)
def test_export_of_the_shipped_catalogue_equals_the_snapshot(
        export_format: str, tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    out = tmp_path / FORMATS[export_format]
    status, _, err = run_cli("--root", REPO_ROOT, "export", export_format, "--out", out)
    assert status == 0, err
    expected, actual = (SNAPSHOT / FORMATS[export_format]).read_bytes(), out.read_bytes()
    if actual != expected:
        recorded = (SNAPSHOT / MANIFEST).read_text(encoding="utf-8")
        pytest.fail(f"symkd export {export_format} differs from the snapshot "
                    f"tests/data/export-snapshot/{FORMATS[export_format]}: "
                    f"{first_difference(expected.decode('utf-8'), actual.decode('utf-8'))}\n"
                    f"{why(recorded, catalogue_manifest(REPO_ROOT))}", pytrace=False)


def test_the_refresh_tool_writes_every_snapshot_file_and_records_the_catalogue(tmp_path: Path) -> None:
    from tools.refresh_export_snapshot import write_snapshot

    written = write_snapshot(REPO_ROOT, tmp_path)
    names = sorted(file.name for file in written)
    assert names == sorted([*FORMATS.values(), MANIFEST])
    assert names == sorted(file.name for file in SNAPSHOT.iterdir() if file.name != "README.md")
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == catalogue_manifest(REPO_ROOT)
    assert len(read_manifest(catalogue_manifest(REPO_ROOT))) == len(list((REPO_ROOT / "catalogue").glob("*.yaml")))


# --------------------------------------------------------------------------- the failure message

_BIB = """@article{a2020x,
  title = {X},
  year = {2020}
}

@misc{b2021y,
  title = {Y},
  year = {2021}
}
"""
_CSL = '[\n{"id": "a2020x", "title": "X"},\n{"id": "b2021y", "title": "Y"}\n]\n'


@pytest.mark.parametrize(("expected", "actual", "message"), [
    (_BIB, _BIB.replace("{Y}", "{Why}"), "line 7, entry 'b2021y':\n  snapshot: '  title = {Y},\\n'\n"
                                         "  now:      '  title = {Why},\\n'"),
    (_BIB, _BIB.replace("{2020}", "{2019}"), "line 3, entry 'a2020x'"),
    (_BIB + "\n@misc{c2022z,\n  year = {2022}\n}\n", _BIB, "line 10, entry 'c2022z' in the snapshot, 'b2021y' now"),
    (_BIB, _BIB + "\n@misc{c2022z,\n  year = {2022}\n}\n", "line 10, entry 'b2021y' in the snapshot, 'c2022z' now"),
    (_BIB, _BIB.replace("@misc{b2021y", "@misc{b2021w"), "line 6, entry 'b2021y' in the snapshot, 'b2021w' now"),
    (_CSL, _CSL.replace('"Y"', '"Why"'),
     """line 3, entry 'b2021y':\n  snapshot: '{"id": "b2021y", "title": "Y"}\\n'"""),
    (_CSL, _CSL.replace("]\n", "]"), "line 4, entry 'b2021y':\n  snapshot: ']\\n'\n  now:      ']'"),
])
def test_the_failure_names_the_first_differing_entry_and_line(expected: str, actual: str, message: str) -> None:
    assert message in first_difference(expected, actual)


def test_the_failure_says_whether_the_catalogue_or_the_exporter_changed(tmp_path: Path) -> None:
    (tmp_path / "catalogue").mkdir()
    for key in ("a2020x", "b2021y", "c2022z"):
        (tmp_path / "catalogue" / f"{key}.yaml").write_text(f"title: {key}\n", encoding="utf-8")
    recorded = catalogue_manifest(tmp_path)
    assert "so the exporter's output changed" in why(recorded, catalogue_manifest(tmp_path))

    (tmp_path / "catalogue" / "b2021y.yaml").write_text("title: changed\n", encoding="utf-8")
    (tmp_path / "catalogue" / "c2022z.yaml").unlink()
    (tmp_path / "catalogue" / "d2023w.yaml").write_text("title: new\n", encoding="utf-8")
    message = why(recorded, catalogue_manifest(tmp_path))
    assert ("The catalogue changed since the snapshot was made (added catalogue/d2023w.yaml; "
            "changed catalogue/b2021y.yaml; removed catalogue/c2022z.yaml)") in message
    assert REFRESH in message
