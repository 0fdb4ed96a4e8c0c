"""The one author-name type: parsing the stored forms, and every form written from it."""

from __future__ import annotations

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.names import Name

from .conftest import REPO_ROOT


@pytest.mark.parametrize(("text", "name"), [
    ("Le Bras, Ronan", Name("Le Bras", "Ronan")),
    ("van den Driessche, George", Name("van den Driessche", "George")),
    ("King, Jr., Martin Luther", Name("King", "Martin Luther", "Jr.")),
    ("OpenAI", Name("OpenAI")),
    ("  Choi ,  Y.  ", Name("Choi", "Y.")),
    ("Doe,", Name("Doe")),
])
def test_parse(text: str, name: Name) -> None:
    assert Name.parse(text) == name


@pytest.mark.parametrize("text", ["Le Bras, Ronan", "King, Jr., Martin", "OpenAI", "Kaiser, Łukasz"])
def test_stored_form_round_trips(text: str) -> None:
    assert Name.parse(text).stored() == text
    assert Name.parse(Name.parse(text).stored()) == Name.parse(text)


def test_forms_of_a_name_with_a_suffix() -> None:
    name = Name.parse("King, Jr., Martin")
    assert name.bibtex() == "King, Jr., Martin"
    assert name.csl() == {"family": "King", "given": "Martin", "suffix": "Jr."}
    assert name.ris() == "King, Martin, Jr."
    assert name.display() == "Martin King Jr."


def test_single_part_names_are_literal_and_braced() -> None:
    name = Name.parse("BigScience Workshop")
    assert name.single
    assert (name.bibtex(), name.csl(), name.display()) == ("{BigScience Workshop}",
                                                           {"literal": "BigScience Workshop"}, "BigScience Workshop")
    assert name.bibtex(braces="<>") == "<BigScience Workshop>"


def test_parse_is_cached() -> None:
    assert Name.parse("West, Peter") is Name.parse("West, Peter")


def test_every_catalogue_name_round_trips() -> None:
    """The shipped catalogue: each stored name is its own canonical form, so exporting through
    :class:`Name` writes it unchanged."""
    catalogue = load_catalogue(Repository(REPO_ROOT))
    names = {name for item in catalogue for name in item.entry.authors}
    assert names
    assert sorted(n for n in names if Name.parse(n).stored() != n) == []


@pytest.mark.parametrize(("raw", "name"), [
    ("Bell, II, Alexander", Name("Bell", "Alexander", "II")),
    ("{Bell, II}, Alexander", Name("Bell", "Alexander", "II")),
    ("Alexander {Bell, II}", Name("Bell", "Alexander", "II")),
    ("de la Vall{\\'e}e Poussin, Jr, Charles", Name("de la Vallée Poussin", "Charles", "Jr")),
    ("{van den Driessche}, George", Name("van den Driessche", "George")),
    ("family=Smith, given=John, prefix=van, useprefix=true", Name("van Smith", "John")),
    ("given={Jean-Paul}, family=Sartre", Name("Sartre", "Jean-Paul")),
    ('family={M{\\"u}ller}, given="J{\\"o}rg", suffix=Jr., given-i=J', Name("Müller", "Jörg", "Jr.")),
])
def test_bibtex_and_biblatex_names_are_read_into_parts(raw: str, name: Name) -> None:
    from symkd_survey.sources.bib_names import read_name

    assert read_name(raw) == name


@pytest.mark.parametrize(("raw", "reason"), [
    ("{Example, Inc.}", "its family part 'Example, Inc.' has a comma, which a catalogue name cannot hold"),
    ("given=John, prefix=van", "a biblatex name needs its 'family=' part"),
])
def test_names_that_cannot_be_stored_are_refused(raw: str, reason: str) -> None:
    from bibtexparser.middlewares.names import InvalidNameError

    from symkd_survey.sources.bib_names import read_name

    with pytest.raises(InvalidNameError) as caught:
        read_name(raw)
    assert caught.value.reason == reason


def test_the_stored_form_has_one_comma() -> None:
    """The catalogue's author check allows one comma: a suffix joins the family part."""
    from symkd_survey.sources.bib_names import format_name

    assert format_name("Bell, II, Alexander") == "Bell II, Alexander"
    assert format_name("King, Jr., Martin") == "King Jr., Martin"
