"""One fixture file per fault: each says, in its own header, the exact issue it must produce.

Each fixture is dropped into a copy of the real catalogue (so that duplicates and citations
are checked against real entries) and validated through the command line.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository

from .conftest import DATA

FAULTS = sorted((DATA / "faults").iterdir())


def expected_issues(fixture: Path, *, others: bool = False) -> list[str]:
    """The ``# expect:`` lines (issues in the fixture itself); with ``others``, also the
    ``# also:`` lines (issues the fixture causes in shipped entries, e.g. a duplicate's twin)."""
    header = fixture.read_bytes().split(b"\n")[:4]
    found = [f"catalogue/{fixture.name}:" + m.group(1).decode()
             for line in header if (m := re.match(rb"# expect: (.*)", line))]
    assert found, f"{fixture.name} has no '# expect:' line"
    if others:
        found += [m.group(1).decode() for line in header if (m := re.match(rb"# also: (.*)", line))]
    return found


def test_there_are_at_least_25_distinct_faults() -> None:
    checks = {re.search(r"\[([a-z-]+)\]", expected_issues(f)[0]).group(1) for f in FAULTS}  # type: ignore[union-attr]
    assert len(FAULTS) >= 25
    assert len(checks) >= 15


@pytest.mark.parametrize("fixture", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_reported_exactly(fixture: Path, repo_copy: Repository,
                                   run_cli: Callable[..., tuple[int, str, str]]) -> None:
    target = repo_copy.catalogue_dir / fixture.name
    shutil.copy(fixture, target)
    expected = expected_issues(fixture, others=True)
    is_warning = all("] warning: " in line for line in expected)

    status, out, err = run_cli("--root", repo_copy.root, "validate")
    issue_lines = [line for line in err.splitlines() if line.startswith("catalogue/")]
    assert sorted(issue_lines) == sorted(expected)
    assert "Traceback" not in err + out
    assert status == (0 if is_warning else 1)

    strict_status, _, _ = run_cli("--root", repo_copy.root, "validate", "--strict")
    assert strict_status == 1


@pytest.mark.parametrize("fixture", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_alone_as_path_argument(fixture: Path, repo_copy: Repository,
                                      run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """Validating only the new file reports the same issue, and nothing about the others."""
    target = repo_copy.catalogue_dir / fixture.name
    shutil.copy(fixture, target)
    _, _, err = run_cli("--root", repo_copy.root, "validate", target)
    assert [line for line in err.splitlines() if line.startswith("catalogue/")] == expected_issues(fixture)


def test_all_faults_at_once_are_all_reported(repo_copy: Repository,
                                             run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """One broken file never hides another: every fixture's issue appears in one run."""
    for fixture in FAULTS:
        shutil.copy(fixture, repo_copy.catalogue_dir / fixture.name)
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    lines = set(err.splitlines())
    for fixture in FAULTS:
        for expected in expected_issues(fixture):
            if "[duplicate]" in expected:
                continue  # several fixtures share the base title, so duplicates pair up differently
            assert expected in lines, fixture.name
    assert status == 1
    assert re.search(r"^\d+ files checked: \d+ errors, \d+ warnings: failed$", err, re.MULTILINE)


def test_json_output_lists_the_same_issues(repo_copy: Repository,
                                           run_cli: Callable[..., tuple[int, str, str]]) -> None:
    import json

    shutil.copy(DATA / "faults" / "cites-unknown.yaml", repo_copy.catalogue_dir / "cites-unknown.yaml")
    status, out, _ = run_cli("--root", repo_copy.root, "validate", "--json")
    issues = json.loads(out)
    assert status == 1
    assert issues == [{
        "check": "citation", "severity": "error", "path": "catalogue/cites-unknown.yaml", "line": 10,
        "column": 0, "message": "cites unknown key 'west2022symbolik'", "hint": "did you mean 'west2022symbolic'?",
    }]
