"""CSL-JSON export: every real entry is a structurally valid item of the CSL data schema."""

from __future__ import annotations

import json
from typing import Any

import pytest

from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Catalogue, Repository, load_catalogue
from symkd_survey.exports.csl import export_csl, to_csl

from .tex_support import CJK_ENTRY, add_entries, hostile_entries

# The CSL 1.0.2 item types, and the variables this export may write with their JSON types.
CSL_ITEM_TYPES = frozenset((
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review", "review-book", "software",
    "song", "speech", "standard", "thesis", "treaty", "webpage",
))
STRING_VARIABLES = frozenset({"id", "type", "title", "container-title", "volume", "issue", "page", "publisher",
                              "publisher-place", "DOI", "URL", "note", "number", "genre"})
REQUIRED = ("id", "type")


def check_item(item: dict[str, Any]) -> list[str]:
    """Problems of one item against the CSL data schema, as far as this export uses it."""
    problems = [f"missing {name}" for name in REQUIRED if name not in item]
    for name, value in item.items():
        if name in STRING_VARIABLES:
            if not isinstance(value, str) or not value:
                problems.append(f"{name} must be a non-empty string")
        elif name == "author":
            if not isinstance(value, list) or not value:
                problems.append("author must be a non-empty list")
                continue
            for person in value:
                keys = set(person) if isinstance(person, dict) else set()
                if keys not in ({"family", "given"}, {"family"}, {"literal"}) or \
                        not all(isinstance(v, str) and v for v in person.values()):
                    problems.append(f"bad name {person!r}")
        elif name == "issued":
            parts = value.get("date-parts") if isinstance(value, dict) else None
            if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], list)
                    and 1 <= len(parts[0]) <= 3 and all(isinstance(p, int) for p in parts[0])):
                problems.append(f"bad issued {value!r}")
        elif name == "custom":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append("custom must map names to strings")
        else:
            problems.append(f"unknown variable {name}")
    if item.get("type") not in CSL_ITEM_TYPES:
        problems.append(f"unknown type {item.get('type')!r}")
    return problems


@pytest.fixture(scope="module")
def real_catalogue() -> Catalogue:
    from .conftest import REPO_ROOT

    return load_catalogue(Repository(REPO_ROOT))


def test_every_real_entry_is_a_valid_csl_item(real_catalogue: Catalogue) -> None:
    items = json.loads(export_csl(real_catalogue))
    assert [item["id"] for item in items] == sorted(real_catalogue.entries)
    for item in items:
        assert check_item(item) == [], item["id"]
        entry = real_catalogue.entries[item["id"]].entry
        assert item["title"] == entry.title
        assert item["issued"] == {"date-parts": [[entry.year]]}
        assert len(item["author"]) == len([a for a in entry.authors if a != "others"])
        if entry.ids.arxiv:
            assert item["custom"]["arxiv"] == entry.ids.arxiv
        if entry.ids.doi:
            assert item["DOI"] == entry.ids.doi


def test_a_published_paper(real_catalogue: Catalogue) -> None:
    item = to_csl("agrawal2023qameleon", real_catalogue.entries["agrawal2023qameleon"].entry)
    assert {k: v for k, v in item.items() if k != "author"} == {
        "id": "agrawal2023qameleon", "type": "article-journal",
        "title": "QAmeleon: Multilingual QA with Only 5 Examples",
        "issued": {"date-parts": [[2023]]},
        "container-title": "Transactions of the Association for Computational Linguistics",
        "volume": "11", "page": "1754-1771", "publisher": "MIT Press", "DOI": "10.1162/tacl_a_00625",
        "custom": {"arxiv": "2211.08264", "arxiv_primary_class": "cs.CL"},
    }
    assert item["author"][0] == {"family": "Agrawal", "given": "Priyanka"}


def test_an_arxiv_preprint_is_an_article_with_its_number(real_catalogue: Catalogue) -> None:
    item = to_csl("gulcehre2023reinforced", real_catalogue.entries["gulcehre2023reinforced"].entry)
    assert item["type"] == "article"
    assert item["number"] == "arXiv:2308.08998"
    assert {"family": "de Freitas", "given": "Nando"} in item["author"]


def test_conference_paper_and_unicode_and_corporate_authors(repo_copy: Repository) -> None:
    add_entries(repo_copy, {**hostile_entries(), "zz-cjk": CJK_ENTRY})
    # Valid but for BibTeX, which has no form for CJK characters; CSL-JSON writes them as they are.
    assert {(i.path, i.check) for i in validate(repo_copy).errors} == {("catalogue/zz-cjk.yaml", "export")}
    catalogue = load_catalogue(repo_copy)
    items = {item["id"]: item for item in json.loads(export_csl(catalogue))}
    for item in items.values():
        assert check_item(item) == [], item["id"]
    specials = items["zz-hostile-specials"]
    assert specials["type"] == "paper-conference"
    assert specials["title"].startswith("Q&A at 100% for #1: the_x costs $5 ~ ^ \\ with {braces}")
    assert specials["container-title"] == "Proc. of R&D #5 — “Quoted” Workshop – 2023… 50% off_"
    assert specials["issue"] == "7" and specials["publisher-place"] == "Zürich"
    assert specials["author"][3] == {"family": "Kaiser", "given": "Łukasz"}
    corporate = items["zz-hostile-corporate"]["author"]
    assert corporate == [{"literal": "BigScience Workshop"}, {"literal": "R&D Team #1"},
                         {"family": "Smith", "given": "Jane"}]  # "others" is left to the style's "et al."
    assert items["zz-hostile-report"]["type"] == "report"
    assert items["zz-hostile-report"]["publisher"] == "Institute of Σ & Π"
    assert items["zz-hostile-thesis"] | {"author": []} == {
        "id": "zz-hostile-thesis", "type": "thesis", "title": "A Thesis on Cafés", "author": [],
        "issued": {"date-parts": [[2020]]}, "publisher": "Universität Wien", "genre": "PhD thesis"}
    assert items["zz-cjk"]["title"] == "大语言模型的符号知识蒸馏"
    assert items["zz-hostile-online"]["type"] == "webpage"


def test_output_is_one_item_per_line_and_empty_is_an_empty_array(real_catalogue: Catalogue) -> None:
    text = export_csl(real_catalogue)
    assert text.startswith("[\n{") and text.endswith("}\n]\n")
    assert len(text.splitlines()) == len(real_catalogue) + 2
    assert export_csl([]) == "[]\n"


def test_more_authors_writes_nothing() -> None:
    """CSL has no variable for "et al.": the item is the one of the same entry without the flag."""
    from symkd_survey.core.model import Entry

    entry = Entry(title="T", authors=["Doe, Jane"], more_authors=True, year=2023, type="misc",
                  source="curated", added="2026-01-01")
    item = to_csl("doe2023t", entry)
    assert item["author"] == [{"family": "Doe", "given": "Jane"}]
    assert item == to_csl("doe2023t", entry.model_copy(update={"more_authors": False}))
    assert check_item(item) == []
