"""``symkd import bibtex`` on the shapes real bibliographies have (issue 14): each fixture under
``tests/data/bibtex/`` reports its own ``% expect:`` lines (tests/test_bibimport.py); here the
exact entries they produce."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.identity import SameWorkIndex
from symkd_survey.core.latex import UNICODE_TO_LATEX, field_text
from symkd_survey.core.model import Entry
from symkd_survey.core.text import clean
from symkd_survey.exports.bibtex import export_bibliography
from symkd_survey.sources.bib_macros import UndefinedMacroError, resolve_value
from symkd_survey.sources.bib_text import decode_latex
from symkd_survey.sources.bibimport import plan_import

from .conftest import DATA, seeded_repository


def imported(tmp_path: Path, name: str) -> dict[str, Entry]:
    repo = seeded_repository(tmp_path, ())
    plan = plan_import(repo, DATA / "bibtex" / name)
    assert plan.ok, plan.issues
    return {item.key: item.entry for item in plan.new}


def test_string_macros_and_concatenation_are_resolved(tmp_path: Path) -> None:
    entries = imported(tmp_path, "string-macros.bib")
    doe, roe = entries["doe2019macros"], entries["roe2019macros"]
    assert doe.title == "Strings and Concatenation"
    assert doe.venue == "Proceedings of the Workshop on Macros, 2019"
    assert (doe.publisher, doe.address, doe.year) == ("Example Press", "Macro City", 2019)
    assert roe.venue == "Discrete Applied Mathematics"
    assert (roe.volume, roe.year) == ("12a", 2019)


@pytest.mark.parametrize(("raw", "value"), [
    ('"a" # {b} # x', "abBb"), ("{x} # {y}", "xy"), ("jan # {~1}", "January~1"), ("X", "Bb"),
    ('"quoted {"} brace"', 'quoted {"} brace'), ("{ {A} # B }", " {A} # B "),
])
def test_resolve_value(raw: str, value: str) -> None:
    assert resolve_value(raw, {"x": "Bb"}) == value


@pytest.mark.parametrize("raw", ["{x} year = {2020}", "a b", "{a} #", '"open', "# a", "{a}}"])
def test_values_that_are_not_expressions_are_left_to_the_fault_checks(raw: str) -> None:
    assert resolve_value(raw, {}) is None


def test_an_undefined_macro_is_named() -> None:
    with pytest.raises(UndefinedMacroError) as caught:
        resolve_value('"Proc. " # dam', {})
    assert caught.value.name == "dam"


def test_more_authors_is_never_a_person(tmp_path: Path) -> None:
    entries = imported(tmp_path, "and-others.bib")
    assert entries["doe2020others"].authors == ["Doe, Jane", "Roe, Richard"]
    assert entries["poe2020etal"].authors == ["Poe, Edgar"]


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_the_whole_catalogue_reimports_from_its_own_export(
        dialect: Literal["bibtex", "biblatex"], real_repo: Repository, tmp_path: Path) -> None:
    """Export -> import into an empty catalogue gives back every entry's identity."""
    catalogue = load_catalogue(real_repo)
    empty = seeded_repository(tmp_path, ())
    bib = empty.root / f"all.{dialect}.bib"
    bib.write_text(export_bibliography(catalogue, dialect), encoding="utf-8")

    plan = plan_import(empty, bib)

    assert [i for i in plan.issues if i.is_error] == []
    assert (plan.failed, plan.skipped) == ([], [])
    back = {item.key: item.entry for item in plan.new}
    assert set(back) == set(catalogue.entries)
    for key, loaded in catalogue.entries.items():
        original, again = loaded.entry, back[key]
        assert (again.title, again.authors, again.year) == (original.title, original.authors, original.year), key
        assert (again.ids.arxiv, again.ids.doi) == (original.ids.arxiv, original.ids.doi), key


AMBIGUOUS = frozenset("\u2010\u2011\u2012\u2015\u2018\u2019")
"""Characters whose LaTeX form is plain ASCII that means something else as well (``-`` is a
hyphen, ``--`` an en dash, a backquote a quote); white space is collapsed on import by design."""


@pytest.mark.parametrize("ascii_only", [True, False], ids=["bibtex", "biblatex"])
def test_every_character_the_exporter_maps_survives_export_then_import(ascii_only: bool) -> None:
    chars = [*UNICODE_TO_LATEX, *"<>|^~\\&%#_$"]
    lost = []
    for char in chars:
        if char in AMBIGUOUS or char.isspace():
            continue
        value = f"x {char}y"
        back = clean(decode_latex(field_text(value, ascii_only=ascii_only)))
        if back != value:
            lost.append((char, back))
    assert lost == []
    assert len(chars) > 500


@pytest.mark.parametrize(("raw", "decoded"), [
    (r"TinyGSM: achieving \textgreater{}80\% on GSM8k", "TinyGSM: achieving >80% on GSM8k"),
    (r"a \textless b \textbar{} c", "a <b | c"),
    (r"\pounds 5 and {\S}3 and \S 4", "£5 and §3 and §4"),
    (r"SOTOPIA-$\pi$ and $\omega$Test", "SOTOPIA-π and ωTest"),
    (r"{$\leq$}3 $x^2$", "≤3 $x^2$"),
])
def test_latex_the_general_decoder_misses(raw: str, decoded: str) -> None:
    assert decode_latex(raw) == decoded


def test_identifiers_where_real_bibliographies_put_them(tmp_path: Path) -> None:
    entries = imported(tmp_path, "wild-ids.bib")
    found = {key: (entry.ids.arxiv, entry.ids.doi) for key, entry in entries.items()}
    assert found == {
        "mendeley2004old": ("hep-th/0412083", None),
        "semantic2021journal": ("2105.00042", None),
        "note2023arxiv": ("2301.00001", None),
        "acm2022doi": (None, "10.1145/3534678.3539329"),
        "springer2019url": (None, "10.1007/978-3-030-12345-6_7"),
    }
    assert entries["springer2019url"].links.url == "https://dx.doi.org/10.1007/978-3-030-12345-6_7"


def _work(title: str, year: int, author: str, arxiv: str | None = None) -> Entry:
    data: dict[str, object] = {"title": title, "authors": [author], "year": year, "type": "misc",
                               "source": "curated", "added": "2026-01-01"}
    if arxiv:
        data["ids"] = {"arxiv": arxiv}
    return Entry.model_validate(data)


def test_same_work_is_ids_first_then_title_with_year_and_first_author() -> None:
    index = SameWorkIndex()
    index.add("roe1957", _work("Editorial", 1957, "Roe, Richard"))
    index.add("doe2021", _work("A Preprint", 2021, "Doe, Jane", arxiv="2101.00001"))
    assert index.find(_work("Editorial", 1966, "Roe, Richard")) is None  # another year
    assert index.find(_work("Editorial", 1957, "Poe, Edgar")) is None  # another first author
    assert index.find(_work("Editorial!", 1958, "Roe, R.")) == (("title", "editorial"), "roe1957")
    assert index.find(_work("Renamed", 2023, "Moe, Mary", arxiv="2101.00001v2")) == (
        ("arXiv id", "2101.00001"), "doe2021")


def test_the_plan_tells_catalogue_repeats_from_file_repeats(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ("taori2023stanford",))
    bib = repo.root / "twice.bib"
    bib.write_text(
        (DATA / "bibtex" / "in-catalogue-title.bib").read_text(encoding="utf-8")
        + (DATA / "bibtex" / "same-work-twice.bib").read_text(encoding="utf-8"), encoding="utf-8")
    plan = plan_import(repo, bib)
    assert [s.bib_key for s in plan.in_catalogue] == ["alpaca"]
    assert [s.bib_key for s in plan.repeated] == ["doe2021again"]


def test_nothing_imported_can_break_an_export(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ())
    plan = plan_import(repo, DATA / "bibtex" / "export-breakers.bib")
    assert plan.ok and plan.issues == []
    entry = plan.new[0].entry
    assert (entry.title, entry.authors, entry.pages) == ("Invisible Marks in a Title", ["Doe, Jane", "Roe, Richard"],
                                                        "c3--c3")
    (repo.catalogue_dir / plan.new[0].file.name).write_text(plan.new[0].text, encoding="utf-8")
    for dialect in ("bibtex", "biblatex"):
        assert "pages = {c3--c3}" in export_bibliography(load_catalogue(repo), dialect)


def test_crossref_fields_are_inherited(tmp_path: Path) -> None:
    entries = imported(tmp_path, "crossref.bib")
    assert set(entries) == {"doe2018crossref", "roe2018crossref"}  # the @proceedings is no paper
    doe, roe = entries["doe2018crossref"], entries["roe2018crossref"]
    assert (doe.venue, doe.year, doe.publisher, doe.address) == (
        "Proceedings of the Workshop on Inheritance", 2018, "Example Press", "Springfield")
    assert (roe.venue, roe.year, roe.publisher) == ("Its Own Booktitle", 2018, "Example Press")


def test_macros_cannot_grow_without_bound(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ())
    bib = repo.root / "laughs.bib"
    strings = ['@string{m0 = "' + "x" * 1000 + '"}']
    strings += [f"@string{{m{i} = m{i - 1} # m{i - 1} # m{i - 1} # m{i - 1}}}" for i in range(1, 30)]
    bib.write_text("\n".join(strings) + "\n@misc{doe2020laughs, title = m29, author = {Doe, J.}, year = 2020}\n",
                   encoding="utf-8")
    plan = plan_import(repo, bib)
    assert not plan.ok
    assert [str(i.check) for i in plan.issues if i.is_error][:2] == ["size", "macro"]
