"""Selecting entries: taxonomy ids and aliases, years, sources, keys, and unknown values."""

from __future__ import annotations

import pytest

from symkd_survey.core.catalogue import Catalogue, Repository, load_catalogue
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.select import Selection, resolve_filters, select
from symkd_survey.core.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def real() -> tuple[Catalogue, Taxonomy]:
    from .conftest import REPO_ROOT

    repo = Repository(REPO_ROOT)
    return load_catalogue(repo), repo.load_taxonomy()


_OTHER_FILTERS = ("year_from", "year_to", "source", "key", "where_labels")


def _keys(real: tuple[Catalogue, Taxonomy], **filters: object) -> list[str]:
    """The keys selected; a keyword that is not one of the other filters names a facet."""
    catalogue, taxonomy = real
    labels = {name: value for name, value in filters.items() if name not in _OTHER_FILTERS}
    others = {name: value for name, value in filters.items() if name in _OTHER_FILTERS}
    selection = resolve_filters(taxonomy, catalogue.entries, labels=labels, **others)  # type: ignore[arg-type]
    return [item.key for item in select(catalogue, selection, taxonomy)]


def _having(real: tuple[Catalogue, Taxonomy], facet: str, node: str) -> list[str]:
    return sorted(item.key for item in real[0] if node in item.entry.labels(facet))


def test_no_filter_selects_everything_sorted(real: tuple[Catalogue, Taxonomy]) -> None:
    assert _keys(real) == sorted(real[0].entries)
    assert Selection().is_empty


def test_method_by_id_label_or_alias_in_any_case(real: tuple[Catalogue, Taxonomy]) -> None:
    direct = _having(real, "method", "direct")
    assert "west2022symbolic" in direct and "gulcehre2023reinforced" not in direct
    for spelling in ("direct", "Direct", "DIRECT DISTILLATION", "Direct symbolic knowledge distillation"):
        assert _keys(real, method=[spelling]) == direct
    assert _keys(real, method=["Multi-level"]) == _having(real, "method", "multilevel")


def test_values_of_one_filter_are_alternatives_and_filters_combine(real: tuple[Catalogue, Taxonomy]) -> None:
    either = sorted(set(_having(real, "method", "direct")) | set(_having(real, "method", "reinforcement-learning")))
    assert _keys(real, method=["direct", "RL based"]) == either
    both = sorted(set(_having(real, "method", "direct")) & set(_having(real, "application", "commonsense")))
    assert "west2022symbolic" in both
    assert _keys(real, method=["direct"], application=["commonsense"]) == both


def test_area_filter(real: tuple[Catalogue, Taxonomy]) -> None:
    assert _keys(real, area=["editing"]) == _having(real, "area", "editing")


def test_years_are_inclusive(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue = real[0]
    assert _keys(real, year_from=2022, year_to=2022) == sorted(i.key for i in catalogue if i.entry.year == 2022)
    assert _keys(real, year_from=2024) == sorted(i.key for i in catalogue if i.entry.year >= 2024)
    assert _keys(real, year_to=2021) == sorted(i.key for i in catalogue if i.entry.year <= 2021)


def test_source_and_keys(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue = real[0]
    assert _keys(real, source=["Survey"]) == sorted(i.key for i in catalogue if i.entry.source == "survey")
    assert _keys(real, key=["west2022symbolic", "acharya2024survey", "west2022symbolic"]) == \
        ["acharya2024survey", "west2022symbolic"]
    assert _keys(real, key=["west2022symbolic"], year_from=2023) == []


def test_aliases_written_in_entries_are_matched_too(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue, taxonomy = real
    item = catalogue.entries["west2022symbolic"]
    aliased = item.entry.model_copy(update={"taxonomy": {**item.entry.taxonomy, "method": ["Direct"]}})
    changed = type(item)(item.key, item.path, aliased, item.doc)
    selection = resolve_filters(taxonomy, [item.key], where_labels=["method=direct"])
    assert select([changed], selection, taxonomy) == [changed]


def test_unknown_values_are_all_reported_with_did_you_mean(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue, taxonomy = real
    with pytest.raises(SymkdError) as caught:
        resolve_filters(taxonomy, catalogue.entries, labels={"method": ["drect", "zzzz"], "application": ["comonsense"],
                        "area": ["edting"]}, source=["survy"], key=["west2022symbolc"], year_from=2024, year_to=2020,
                        where="symkd export bibtex")
    assert [issue.format() for issue in caught.value.issues] == [
        "symkd export bibtex:0: [select] unknown method 'drect' (did you mean 'direct'?)",
        "symkd export bibtex:0: [select] unknown method 'zzzz' "
        "(known values: direct, multilevel, reinforcement-learning)",
        "symkd export bibtex:0: [select] unknown application 'comonsense' (did you mean 'commonsense'?)",
        "symkd export bibtex:0: [select] unknown area 'edting' (did you mean 'editing'?)",
        "symkd export bibtex:0: [select] unknown source 'survy' (did you mean 'survey'?)",
        "symkd export bibtex:0: [unknown-key] no catalogue entry 'west2022symbolc' (did you mean 'west2022symbolic'?)",
        "symkd export bibtex:0: [select] --year-from 2024 is after --year-to 2020 (swap them)",
    ]


def test_a_method_is_not_an_application(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue, taxonomy = real
    with pytest.raises(SymkdError) as caught:
        resolve_filters(taxonomy, catalogue.entries, labels={"application": ["direct"]})
    assert caught.value.issues[0].message == "unknown application 'direct'"


def test_where_names_any_declared_facet(real: tuple[Catalogue, Taxonomy]) -> None:
    assert _keys(real, where_labels=["method=direct", "application = Commonsense"]) == \
        _keys(real, method=["direct"], application=["commonsense"])
    assert _keys(real, where_labels=["challenge=data-quality"]) == _having(real, "challenge", "data-quality")


def test_where_refuses_unknown_facets_and_malformed_filters(real: tuple[Catalogue, Taxonomy]) -> None:
    catalogue, taxonomy = real
    with pytest.raises(SymkdError) as caught:
        resolve_filters(taxonomy, catalogue.entries, where_labels=["metod=direct", "direct", "method="], where="x")
    assert [issue.format() for issue in caught.value.issues] == [
        "x:0: [select] --where 'direct' is not FACET=VALUE (e.g. --where method=direct)",
        "x:0: [select] --where 'method=' is not FACET=VALUE (e.g. --where method=direct)",
        "x:0: [select] unknown facet 'metod' (did you mean 'method'?)",
    ]
