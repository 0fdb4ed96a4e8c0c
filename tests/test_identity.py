"""The one identity of a work (:mod:`symkd_survey.core.identity`), on hand-made entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from symkd_survey.core.identity import SameWorkIndex, entry_references, id_probes
from symkd_survey.core.model import Entry


def work(title: str = "Symbolic Knowledge Distillation", year: int = 2022, author: str = "West, Peter",
         **ids: str) -> Entry:
    data: dict[str, Any] = {"title": title, "authors": [author], "year": year, "type": "misc", "ids": ids,
                            "source": "curated", "added": dt.date(2026, 12, 1)}
    return Entry.model_validate(data)


def test_identifiers_in_any_spelling_are_one_work() -> None:
    index = SameWorkIndex.of([("west", work(arxiv="2110.07178", doi="10.18653/v1/2022.naacl-main.341",
                                            acl="2022.naacl-main.341"))])

    def other(**ids: str) -> Entry:
        return work("Another title", 2030, "Roe, Richard", **ids)

    assert index.find(other(arxiv="2110.07178v3")) == (("arXiv id", "2110.07178"), "west")
    assert index.find(other(doi="10.48550/arXiv.2110.07178")) == (("arXiv id", "2110.07178"), "west")
    assert index.find(other(doi="https://doi.org/10.18653/V1/2022.NAACL-MAIN.341")) == \
        (("DOI", "10.18653/v1/2022.naacl-main.341"), "west")
    assert index.find(other(acl="2022.NAACL-main.341")) == (("ACL id", "2022.naacl-main.341"), "west")
    assert index.find_ids(id_probes(doi="10.48550/arxiv.2110.07178")) == (("arXiv id", "2110.07178"), "west")
    assert index.find(other()) is None


def test_a_title_counts_only_with_year_and_first_author() -> None:
    index = SameWorkIndex.of([("west", work())])
    assert index.find(work(year=2023)) == (("title", "symbolic knowledge distillation"), "west")
    assert index.find(work(year=2024)) is None
    assert index.find(work(author="Roe, Richard")) is None
    assert index.find_ids(id_probes()) is None  # a title is never found by identifiers alone


def test_entry_references_name_each_work_once() -> None:
    assert entry_references(work(arxiv="2110.07178", doi="10.48550/arXiv.2110.07178")) == ["arxiv:2110.07178"]
    assert entry_references(work(doi="10.1000/X1", acl="P19-1470")) == ["doi:10.1000/x1"]
