"""``symkd screen``: the append-only decisions file and each of its faults."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.review.screening import parse_batch, read_decisions, screened_index

from .arxiv_support import FakeArxiv, Reply
from .conftest import seeded_repository

Run = Callable[..., tuple[int, str, str]]
DATA = Path(__file__).resolve().parent / "data" / "discovery"
FAULTS = ["unknown_reason.yaml", "duplicate_decision.yaml", "malformed_id.yaml"]


def expected(name: str) -> str:
    first = (DATA / name).read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (.*)", first)
    assert match, name
    return match.group(1)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, ())


@pytest.mark.parametrize("name", FAULTS)
def test_fault_in_decisions_file(name: str, tmp_path: Path) -> None:
    from symkd_survey.core.issues import SymkdError

    with pytest.raises(SymkdError) as info:
        read_decisions(DATA / name, name)
    assert [i.format() for i in info.value.issues] == [expected(name)]


@pytest.mark.parametrize("name", FAULTS)
def test_fault_in_batch_exits_1_and_writes_nothing(name: str, repo: Repository, run_cli: Run,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    status, _, err = run_cli("--root", repo.root, "screen", "--from", name)
    assert status == 1
    assert err.strip().splitlines()[-1] == expected(name)
    assert not (repo.root / "screening").exists()


def test_good_batch_is_appended_and_read_back(repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", repo.root, "screen", "--from", DATA / "good.yaml")
    assert status == 0, err
    decisions = read_decisions(repo.root / "screening" / "decisions.yaml")
    assert [(d.id, d.decision, d.reason) for d in decisions] == [
        ("arxiv:2401.00001", "exclude", "not-llm"),
        ("arxiv:2401.00002", "maybe", None),
        ("doi:10.1000/xyz", "include", None),
    ]
    assert decisions[2].note == "a <b> & c"
    index = screened_index(decisions)
    assert index.ids == {"arxiv:2401.00001", "doi:10.1000/xyz"}


def test_command_line_decisions_append_and_keep_earlier_lines(repo: Repository, run_cli: Run) -> None:
    assert run_cli("--root", repo.root, "screen", "arxiv:2401.00002", "--maybe")[0] == 0
    file = repo.root / "screening" / "decisions.yaml"
    first = file.read_text()
    status, _, err = run_cli("--root", repo.root, "screen", "arxiv:2401.00002v3", "--exclude", "not-symbolic",
                             "--note", 'says "symbolic" but is not')
    assert status == 0, err
    text = file.read_text()
    assert text.startswith(first)
    assert [d.decision for d in read_decisions(file)] == ["maybe", "exclude"]


def test_second_final_decision_is_refused_and_nothing_written(repo: Repository, run_cli: Run) -> None:
    assert run_cli("--root", repo.root, "screen", "arxiv:2401.00001", "--include")[0] == 0
    file = repo.root / "screening" / "decisions.yaml"
    before = file.read_bytes()
    status, _, err = run_cli("--root", repo.root, "screen", "arxiv:2401.00001v2", "--exclude", "not-llm")
    assert status == 1
    assert err.strip() == ("screening/decisions.yaml:3: [decision-duplicate] arxiv:2401.00001 was already "
                           "screened (include on line 2) (decisions are append-only; a work is decided once)")
    assert file.read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    (["arxiv:2401.1", "--include"],
     "<args>:0: [decision-id] malformed id 'arxiv:2401.1' (write arxiv:ID (e.g. arxiv:2401.00001) or doi:DOI)"),
    (["arxiv:2401.00001", "--exclude", "boring"],
     "<args>:0: [decision-reason] unknown reason 'boring' for excluding arxiv:2401.00001 "
     "(one of not-symbolic, not-llm, duplicate, out-of-scope, not-a-paper)"),
    (["arxiv:2401.00001"],
     "symkd screen:0: [args] give one ID and exactly one of --include, --exclude REASON, --maybe"),
])
def test_command_line_faults(args: list[str], message: str, repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", repo.root, "screen", *args)
    assert status == 1
    assert err.strip() == message
    assert not (repo.root / "screening").exists()


def test_damaged_existing_file_blocks_appending(repo: Repository, run_cli: Run) -> None:
    file = repo.root / "screening" / "decisions.yaml"
    file.parent.mkdir()
    file.write_text((DATA / "unknown_reason.yaml").read_text())
    before = file.read_bytes()
    status, _, err = run_cli("--root", repo.root, "screen", "arxiv:2401.00009", "--include")
    assert status == 1
    assert "screening/decisions.yaml:3: [decision-reason]" in err
    assert file.read_bytes() == before


def test_batch_fault_reports_every_bad_line() -> None:
    from symkd_survey.core.issues import SymkdError

    text = ('decisions:\n  - {id: "x:1", decision: include, date: "2026-12-01"}\n'
            '  - {id: "arxiv:2401.00001", decision: exclude, date: "2026-12-01"}\n'
            '  - {id: "arxiv:2401.00002", decision: perhaps, date: "2026-12-01"}\n')
    with pytest.raises(SymkdError) as info:
        parse_batch(text, "b.yaml")
    assert [(i.line, i.check) for i in info.value.issues] == [
        (2, "decision-id"), (3, "decision-reason"), (4, "decision")]


def test_control_character_in_note_is_refused(repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", repo.root, "screen", "arxiv:2401.00001", "--maybe", "--note", "a\x07b")
    assert status == 1
    assert err.strip().startswith("<args>:0: [text] arxiv:2401.00001 note: character 2 is U+0007")
    assert not (repo.root / "screening").exists()


def test_screening_from_queue_keeps_title_so_a_renamed_copy_is_known(repo: Repository, run_cli: Run) -> None:
    from symkd_survey.review.discovery import Candidate

    queue = repo.root / "screening" / "queue.yaml"
    queue.parent.mkdir()
    queue.write_text('generated: "2026-12-01"\nidentified: {arxiv-search: 1}\nduplicates_removed: 0\n'
                     'candidates:\n  - {id: "arxiv:2610.00001", title: "Protein Folding!", sources: [arxiv-search], '
                     'score: "0.100", cited_by: [], reasons: []}\n')
    assert run_cli("--root", repo.root, "screen", "arxiv:2610.00001", "--exclude", "out-of-scope")[0] == 0
    decisions = read_decisions(repo.root / "screening" / "decisions.yaml")
    assert decisions[0].source == "arxiv-search" and decisions[0].title == "Protein Folding!"
    assert screened_index(decisions).seen(Candidate("doi:10.1000/other", title="protein folding"))


def test_include_with_add_creates_the_entry(repo: Repository, run_cli: Run, fake: FakeArxiv) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    status, out, err = run_cli("--root", repo.root, "screen", "arxiv:2104.08164", "--include", "--add")
    assert status == 0, err
    assert "added catalogue/" in out
    assert len(list((repo.root / "catalogue").glob("*.yaml"))) == 1
    assert [d.decision for d in read_decisions(repo.root / "screening" / "decisions.yaml")] == ["include"]


def test_include_with_add_writes_nothing_when_arxiv_fails(repo: Repository, run_cli: Run, fake: FakeArxiv) -> None:
    fake.serve("2104.08164", Reply(status=503, body=b"busy"))
    status, _, err = run_cli("--root", repo.root, "screen", "arxiv:2104.08164", "--include", "--add")
    assert status == 1
    assert "HTTP 503" in err
    assert not list((repo.root / "catalogue").glob("*.yaml"))
    assert not (repo.root / "screening").exists()
