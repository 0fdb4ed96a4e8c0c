"""RIS export: every entry survives a trip through rispy's reader (the oracle)."""

from __future__ import annotations

import rispy

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.exports.ris import export_ris


def test_the_whole_catalogue_reads_back_entry_for_entry(real_repo: Repository) -> None:
    catalogue = load_catalogue(real_repo)
    records = {r["id"]: r for r in rispy.loads(export_ris(catalogue))}
    assert set(records) == set(catalogue.entries)
    for item in catalogue:
        record, entry = records[item.key], item.entry
        assert record["title"] == entry.title, item.key
        assert record["authors"] == entry.authors, item.key
        assert record["year"] == str(entry.year)
        assert record.get("doi") == entry.ids.doi
        assert record.get("secondary_title") == entry.venue
        if entry.ids.arxiv:
            assert f"https://arxiv.org/abs/{entry.ids.arxiv}" in record["urls"]


def test_run_cli_writes_ris(real_repo: Repository, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run_cli("--root", real_repo.root, "export", "ris", "--key", "west2022symbolic")
    assert status == 0 and out.startswith("TY  - CPAPER\nID  - west2022symbolic\n") and out.rstrip().endswith("ER  -")


def test_more_authors_is_a_note_not_a_person() -> None:
    from symkd_survey.core.model import Entry
    from symkd_survey.exports.ris import MORE_AUTHORS_NOTE, ris_record

    entry = Entry(title="T", authors=["Doe, Jane"], more_authors=True, year=2023, type="misc", note="Talk",
                  source="curated", added="2026-01-01")
    record = ris_record("doe2023t", entry)
    assert (record["authors"], record["notes"]) == (["Doe, Jane"], ["Talk", MORE_AUTHORS_NOTE])
    assert "notes" not in ris_record("doe2023t", entry.model_copy(update={"more_authors": False, "note": None}))
