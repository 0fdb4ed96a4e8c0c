"""The extension of this catalogue (``skd-survey``): what the survey itself says of each work.

Declared in ``taxonomy.yaml`` (``extensions: [skd-survey]``), it adds two blocks to entries:

- ``survey``: where the survey by Acharya, Velasquez and Song (2024) cites the work (its
  reference number and sections), its rows of Tables III and IV verbatim, and the errata where
  the survey's citation differs from the verified record;
- ``distillation``: our reading of what the paper itself reports (teachers, students, data).

and one check: the Table III labels, verbatim survey spellings, must name taxonomy nodes the
entry lists. The core model and checks know nothing of either.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.extension import Extension
from symkd_survey.core.issues import Issue, error, warning
from symkd_survey.core.model import Entry, Strict
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.core.text import MAX_ITEMS, Label, Note, Short

TABLE3_FACETS: tuple[str, ...] = ("method", "application")
"""The taxonomy facets whose values the survey's Table III columns print."""


class Table3(Strict):
    """The survey's Table III row, verbatim."""

    method: Short = Field(description="The row's Method cell, as the survey prints it.")
    application: Short = Field(description="The row's Application cell, as the survey prints it.")


class Table4(Strict):
    """The survey's Table IV row, verbatim."""

    teacher: Short = Field(description="The row's Teacher cell, as the survey prints it.")
    student: Short = Field(description="The row's Student cell, as the survey prints it.")
    dataset: Short = Field(description="The row's Dataset cell, as the survey prints it.")
    size: Short = Field(description="The row's Size cell, as the survey prints it (text: `1.2M`).")


class Erratum(Strict):
    """Where the survey's citation of this work differs from the verified record."""

    field: Label = Field(description="The entry field the survey gives differently: `year`, `venue`, `authors`.")
    survey: Note = Field(description="What the survey's citation says: `arXiv 2022`.")
    note: Note = Field(description="What the record says instead, and where it was seen.")


class SurveyPlacement(Strict):
    """Where the survey cites this work; only for works the survey cites."""

    ref: int | None = Field(default=None, description="The work's number in the survey's reference list: `11`.")
    sections: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The survey sections that cite the work, as the survey numbers them: `["V.G.7"]`.'))
    table3: Table3 | None = Field(default=None, description="The work's row in the survey's Table III, verbatim.")
    table4: Table4 | None = Field(default=None, description="The work's row in the survey's Table IV, verbatim.")
    errata: list[Erratum] = Field(default_factory=list, description=(
        "Where the survey's citation of the work differs from the verified record, one item per field."))


class Distillation(Strict):
    """Our normalised reading of the distillation: which models teach, which learn, through what data."""

    teachers: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The teacher models, one per item: `["GPT-3"]`.'))
    students: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The student models, one per item: `["Self-RAG 7B", "Self-RAG 13B"]`.'))
    dataset: Short | None = Field(default=None, description="The name of the distilled data set: `ATOMIC10x`.")
    size: int | None = Field(default=None, ge=0, description=(
        "How many examples were generated, as a whole number: `2500000`."))




class SurveyEntry(Entry):
    """An entry of this catalogue: the core fields, and the survey's placement and distillation facts."""

    survey: SurveyPlacement | None = Field(default=None, description=(
        "Only for works the survey cites: where and how it cites them."))
    distillation: Distillation | None = Field(default=None, description=(
        "Our normalised reading of what is distilled from which teacher into which student."))


def check_survey_tables(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """Table III labels (verbatim survey spellings) must agree with the entry's taxonomy."""
    survey = getattr(item.entry, "survey", None)
    if survey is None or survey.table3 is None:
        return
    for facet in TABLE3_FACETS:
        label = getattr(survey.table3, facet)
        found = taxonomy.resolve(facet, label)
        line = item.line("survey", "table3", facet)
        if found.canonical is None:
            yield error("survey", item.path, line, f"Table III {facet} '{label}' is not a spelling the taxonomy knows",
                        f"did you mean '{found.suggestion}'?" if found.suggestion else "")
        elif found.canonical not in item.entry.labels(facet):
            yield warning("survey", item.path, line, f"Table III gives {facet} '{label}' ({found.canonical}) "
                          f"but taxonomy.{facet} does not list it")


EXTENSION = Extension(
    name="skd-survey",
    entry_model=SurveyEntry,
    entry_checks=(check_survey_tables,),
    description="The survey's citation of each work (Tables III and IV, errata) and its distillation facts.",
)


def survey_of(entry: Entry) -> SurveyPlacement | None:
    """The entry's ``survey`` block; None when it has none or the catalogue lacks this extension."""
    found = getattr(entry, "survey", None)
    return found if isinstance(found, SurveyPlacement) else None


def distillation_of(entry: Entry) -> Distillation | None:
    """The entry's ``distillation`` block; None when it has none or the catalogue lacks this extension."""
    found = getattr(entry, "distillation", None)
    return found if isinstance(found, Distillation) else None
