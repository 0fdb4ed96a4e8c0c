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
