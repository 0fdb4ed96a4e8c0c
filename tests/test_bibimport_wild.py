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
from symkd_survey.sources.bib_entry import merged_fields
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


def test_more_authors_is_never_a_person_but_a_flag(tmp_path: Path) -> None:
    entries = imported(tmp_path, "and-others.bib")
    assert (entries["doe2020others"].authors, entries["doe2020others"].more_authors) == (
        ["Doe, Jane", "Roe, Richard"], True)
    assert (entries["poe2020etal"].authors, entries["poe2020etal"].more_authors) == (["Poe, Edgar"], True)


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_more_authors_survives_import_export_import(dialect: Literal["bibtex", "biblatex"], tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path / "first", ())
    plan = plan_import(repo, DATA / "bibtex" / "and-others.bib")
    for item in plan.new:
        assert "\nmore_authors: true\n" in item.text
        (repo.catalogue_dir / item.file.name).write_text(item.text, encoding="utf-8")
    bib = export_bibliography(load_catalogue(repo), dialect)
    assert "author = {Doe, Jane and Roe, Richard and others}" in bib
    assert "author = {Poe, Edgar and others}" in bib

    again = seeded_repository(tmp_path / "again", ())
    (again.root / "back.bib").write_text(bib, encoding="utf-8")
    back = plan_import(again, again.root / "back.bib")
    assert back.ok and back.issues == []
    assert {i.key: (i.entry.authors, i.entry.more_authors) for i in back.new} == {
        "doe2020others": (["Doe, Jane", "Roe, Richard"], True), "poe2020etal": (["Poe, Edgar"], True)}


def _expected(entry: Entry, **fields: object) -> Entry:
    """The exact entry a name fixture must give: its own fields plus what every one shares."""
    data: dict[str, object] = {"type": "article", "venue": "Journal of Examples", "source": "curated",
                               "added": entry.added, **fields}
    return Entry.model_validate(data)


def test_braced_name_parts_are_one_part(tmp_path: Path) -> None:
    entries = imported(tmp_path, "names-braced.bib")
    entry = entries["bell2019braced"]
    assert entry == _expected(entry, title="Braced Name Parts", year=2019, authors=[
        "Bell II, Alexander", "van den Driessche, George", "Nguyen, Thi Minh Khai", "Le Bras, Émile"])


def test_a_jr_part_joins_the_family_part(tmp_path: Path) -> None:
    entries = imported(tmp_path, "names-jr.bib")
    entry = entries["bell2019jr"]
    assert entry == _expected(entry, title="Names with a Jr Part", year=2019, authors=[
        "Bell II, Alexander", "King Jr., Martin Luther", "de la Vallée Poussin Jr, Charles", "Smith Jr., John"])


def test_biblatex_extended_names(tmp_path: Path) -> None:
    entries = imported(tmp_path, "names-biblatex-extended.bib")
    entry = entries["smith2020extended"]
    assert entry == _expected(entry, title="Names in the Extended Format", year=2020, authors=[
        "van Smith, John", "Sartre, Jean-Paul", "van den Driessche, George", "King Jr., Martin", "Müller, Jörg",
        "Doe, Jane"])


@pytest.mark.parametrize("fixture", ["names-braced.bib", "names-jr.bib", "names-biblatex-extended.bib"])
@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_imported_names_survive_export_then_import(fixture: str, dialect: Literal["bibtex", "biblatex"],
                                                   tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path / "first", ())
    plan = plan_import(repo, DATA / "bibtex" / fixture)
    for item in plan.new:
        (repo.catalogue_dir / item.file.name).write_text(item.text, encoding="utf-8")
    again = seeded_repository(tmp_path / "again", ())
    (again.root / "back.bib").write_text(export_bibliography(load_catalogue(repo), dialect), encoding="utf-8")
    back = plan_import(again, again.root / "back.bib")
    assert back.ok
    assert [i.entry.authors for i in back.new] == [i.entry.authors for i in plan.new]


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


def test_urls_with_escaped_specials_read_as_the_real_url(tmp_path: Path) -> None:
    """``{\\&}``, ``\\_``, ``\\%``, ``\\#``, ``{\\~{}}`` as BibTeX files escape them in a URL or DOI:
    the characters of the URL, and never a missing comma before a field ``c``."""
    entries = imported(tmp_path, "escaped-urls.bib")
    assert entries["doe2020amp"].model_dump(exclude_defaults=True, exclude={"added"}) == {
        "title": "A Query String with a Braced Ampersand", "authors": ["Doe, Jane"], "year": 2020, "type": "misc",
        "links": {"url": "https://x.org/a?b=1&c=2"}, "source": "curated"}
    assert entries["roe2021specials"].links.url == "https://example.org/~roe/a_b/50%25?x=1&y=2#top"
    poe = entries["poe2022doi"]
    assert (poe.links.url, poe.ids.doi) == ("https://example.org/p?id=7&v=2", "10.1000/abc_def")


@pytest.mark.parametrize("value", ["{x} year = {2020}", "{x}\n  year = {2020}", '"x"\n year = "2020"'])
def test_a_missing_comma_is_still_found_after_the_closing_brace_or_quote(value: str) -> None:
    assert [m["name"] for m in merged_fields(value[1:-1])] == ["year"]


_ZOTERO_SPECIALS = {"<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", "~": r"\textasciitilde{}",
                    "\\": r"\textbackslash{}"}
"""The characters LaTeX text cannot hold as they are, in the form Zotero's BibTeX import decodes."""


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
@pytest.mark.parametrize("char", sorted(_ZOTERO_SPECIALS))
def test_specials_are_exported_as_zotero_reads_them_and_import_back(
        char: str, dialect: Literal["bibtex", "biblatex"], tmp_path: Path) -> None:
    form = _ZOTERO_SPECIALS[char]
    repo = seeded_repository(tmp_path / "first", ())
    (repo.root / "in.bib").write_text(
        f"@inproceedings{{doe2020specials,\n  title = {{A {form} b{form}c}},\n  author = {{Doe, Jane}},\n"
        f"  booktitle = {{Workshop {form}1}},\n  note = {{x {form}}},\n  year = {{2020}}\n}}\n", encoding="utf-8")
    plan = plan_import(repo, repo.root / "in.bib")
    assert plan.ok, plan.issues
    entry = plan.new[0].entry
    assert (entry.title, entry.venue, entry.note) == (f"A {char} b{char}c", f"Workshop {char}1", f"x {char}")
    (repo.catalogue_dir / plan.new[0].file.name).write_text(plan.new[0].text, encoding="utf-8")

    exported = export_bibliography(load_catalogue(repo), dialect)
    assert f"title = {{A {form} b{form}c}}" in exported and f"{{x {form}}}" in exported

    again = seeded_repository(tmp_path / "again", ())
    (again.root / "back.bib").write_text(exported, encoding="utf-8")
    back = plan_import(again, again.root / "back.bib")
    assert back.ok, back.issues
    assert [(e.title, e.venue, e.note) for e in (i.entry for i in back.new)] == [(entry.title, entry.venue, entry.note)]


def test_an_arxiv_only_entry_reimports_without_the_arxiv_page_the_export_added(tmp_path: Path) -> None:
    repo = seeded_repository(tmp_path, ())
    (repo.root / "in.bib").write_text(
        "@misc{doe2021page,\n  title = {A Preprint},\n  author = {Doe, Jane},\n  year = {2021},\n"
        "  url = {https://arxiv.org/abs/2101.00001},\n  eprint = {2101.00001},\n  archiveprefix = {arXiv},\n"
        "  eprinttype = {arxiv}\n}\n@misc{roe2021version,\n  title = {A Version},\n  author = {Roe, Richard},\n"
        "  year = {2021},\n  url = {https://arxiv.org/abs/2101.00002v3},\n  eprint = {2101.00002}\n}\n",
        encoding="utf-8")
    plan = plan_import(repo, repo.root / "in.bib")
    assert plan.ok, plan.issues
    found = {i.key: (i.entry.ids.arxiv, i.entry.links.url) for i in plan.new}
    assert found == {"doe2021page": ("2101.00001", None),
                     "roe2021version": ("2101.00002", "https://arxiv.org/abs/2101.00002v3")}  # a version is kept


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


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_mathematics_is_read_for_people_and_written_back_once(dialect: Literal["bibtex", "biblatex"],
                                                            tmp_path: Path) -> None:
    entry = imported(tmp_path / "first", "math-title.bib")["doe2024fast"]
    assert entry.title == "Fast O(n²) sorting with α-trees"  # what the site shows
    assert entry.bibtex is not None and entry.bibtex.title == r"Fast $O(n^2)$ sorting with $\alpha$-trees"
    repo = seeded_repository(tmp_path / "second", ())
    plan = plan_import(repo, DATA / "bibtex" / "math-title.bib")
    for item in plan.new:
        (repo.catalogue_dir / item.file.name).write_text(item.text, encoding="utf-8")
    exported = export_bibliography(load_catalogue(repo), dialect)
    assert r"title = {Fast $O(n^2)$ sorting with $\alpha$-trees}," in exported  # once, not \$...\$
    again = seeded_repository(tmp_path / "again", ())
    (again.root / "back.bib").write_text(exported, encoding="utf-8")
    back = plan_import(again, again.root / "back.bib")
    assert back.ok and [(i.entry.title, i.entry.bibtex) for i in back.new] == [(entry.title, entry.bibtex)]
