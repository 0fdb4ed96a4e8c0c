"""The benchmark's synthetic catalogues are valid and have the shape the benchmark claims; its start-up
measurement runs, checks which code it imports, and rewrites only its own section of the results."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import make_repository
from benchmarks.run import STARTUP_HEADING, replace_section, same_catalogue
from benchmarks.run import main as run_benchmarks
from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import load_catalogue

from .conftest import REPO_ROOT, seeded_repository


def test_synthetic_catalogue_is_valid_and_heavy_tailed(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo", 400, seed=7)
    result = validate(repo)
    assert result.errors == []
    catalogue = load_catalogue(repo)
    assert len(catalogue) == 400
    received = Counter(cited for item in catalogue for cited in item.entry.cites)
    edges = sum(received.values())
    assert 4 <= edges / 400 <= 16  # about ten citations per paper
    assert max(received.values()) >= 5 * edges / len(received)  # a few works gather many citations
    years = {item.entry.year for item in catalogue}
    assert len(years) >= 5


# --------------------------------------------------------------------------- start-up of symkd validate

EARLIER = "# Benchmark results\n\nEarlier figures.\n\n## Later section\n\nKept.\n"


def test_the_startup_section_replaces_only_itself() -> None:
    section = f"{STARTUP_HEADING}\n\nNew figures.\n"
    appended = replace_section(EARLIER, section)
    assert appended == EARLIER + "\n" + section
    newer = f"{STARTUP_HEADING}\n\nNewer.\n"
    assert replace_section(appended, newer) == EARLIER + "\n" + newer
    middle = f"# Benchmark results\n\n{STARTUP_HEADING}\n\nOld.\n\n## Later section\n\nKept.\n"
    assert replace_section(middle, section) == f"# Benchmark results\n\n{section}\n## Later section\n\nKept.\n"


def test_startup_only_measures_the_command_against_a_baseline_and_keeps_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded_repository(tmp_path, ("hinton2015distilling", "west2022symbolic"))
    out = tmp_path / "RESULTS.md"
    out.write_text(EARLIER, encoding="utf-8")
    # This checkout as its own baseline: the option's path, not a real comparison.
    assert run_benchmarks(["--startup-only", "--startup-repeat", "1", "--baseline-tree", str(REPO_ROOT),
                           "--data-root", str(repo.root), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(EARLIER)
    section = text[len(EARLIER):]
    assert section.startswith(f"\n{STARTUP_HEADING}\n")
    rows = [line for line in section.splitlines() if line.startswith("| ") and "(ms)" not in line]
    assert len(rows) == 4, rows
    for row, label in zip(rows, ['floor: `python -c "import yaml, pydantic"`', "interpreter alone: `python -c pass`",
                                 f"`symkd validate`, this checkout {REPO_ROOT}",
                                 f"`symkd validate`, baseline {REPO_ROOT}"], strict=True):
        assert row.startswith(f"| {label}"), row
    assert all(re.fullmatch(r"\| .+ \| \d+ \| \d+ \| \d+\.\d\dx \|", row) for row in rows), rows
    assert "Speed-up against the baseline (best against best):" in section
    assert f"The data validated is {repo.root}'s" in section
    assert section.lstrip("\n") in capsys.readouterr().out  # printed as well


def test_a_tree_whose_code_is_not_what_gets_imported_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_benchmarks(["--startup-only", "--startup-repeat", "1", "--tree", str(tmp_path), "--out",
                        str(tmp_path / "RESULTS.md")])
    assert exited.value.code == 1
    # What it imports instead is the installed package: this checkout's, or a copy in site-packages.
    assert re.search(f"PYTHONPATH={re.escape(str(tmp_path))} imports /.+/symkd_survey, not that tree's code",
                     capsys.readouterr().err)
    assert not (tmp_path / "RESULTS.md").exists()


def test_own_data_refuses_trees_whose_entry_files_differ(tmp_path: Path) -> None:
    first = seeded_repository(tmp_path / "a", ("west2022symbolic", "hsieh2023distilling")).root
    second = seeded_repository(tmp_path / "b", ("west2022symbolic", "hsieh2023distilling")).root
    same_catalogue([first, second])  # the same bytes: comparable
    entry = second / "catalogue" / "west2022symbolic.yaml"
    entry.write_text(entry.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="differs from that of"):
        same_catalogue([first, second])
    (second / "catalogue" / "west2022symbolic.yaml").unlink()
    with pytest.raises(RuntimeError, match="differs from that of"):
        same_catalogue([first, second])
