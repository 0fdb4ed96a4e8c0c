"""The extension of this catalogue (``skd-survey``): what the survey itself says of each work.

Declared in ``taxonomy.yaml`` (``extensions: [skd-survey]``), it adds two blocks to entries:

- ``survey``: where the survey by Acharya, Velasquez and Song (2024) cites the work (its
  reference number and sections), its rows of Tables III and IV verbatim, and the errata where
  the survey's citation or one of its table cells differs from the record or the paper;
- ``distillation``: our reading of what the paper itself reports (teachers, students, data),
  and where in the paper it says so.

The survey's tables and the papers' facts are kept apart: ``survey.table3``/``table4`` stay
verbatim, ``distillation`` holds what the paper reports, and a disagreement is an erratum that
names the table cell (``field: table4.teacher``, ``table3.method``).

and two checks: the Table III labels, verbatim survey spellings, must name taxonomy nodes the
entry lists (unless a ``table3.<facet>`` erratum records why they do not); and every Table IV
row must be either confirmed by its paper (``distillation.evidence``) or corrected by a
``table4.*`` erratum. The core model and checks know nothing of either.
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


TABLE_PREFIXES: dict[str, str] = {"table3": "Table III", "table4": "Table IV"}
"""The survey tables an erratum can name a cell of (``table4.teacher``), with their printed names."""


class Erratum(Strict):
    """Where the survey's citation of this work, or its row in Table III or IV, differs from the record or the paper."""

    field: Label = Field(description=(
        "What the survey gives differently: an entry field of its reference list (`year`, `venue`, `authors`, "
        "`title`), or a cell of its Table III or IV row (`table3.method`, `table4.teacher`, `table4.student`, "
        "`table4.dataset`, `table4.size`)."))
    survey: Note = Field(description=(
        "What the survey says: `arXiv 2022`; for a table cell, the cell verbatim, as in `survey.table4`."))
    note: Note = Field(description=(
        "What the record or the paper says instead, and where it was seen (for a table cell: the paper's "
        "section or table)."))

    @property
    def table(self) -> str | None:
        """The survey table the erratum corrects (``table3``, ``table4``); None for a reference-list erratum."""
        head, _, column = self.field.partition(".")
        return head if column and head in TABLE_PREFIXES else None

    @property
    def column(self) -> str:
        """The corrected table cell's column (``teacher``); empty for a reference-list erratum."""
        return self.field.partition(".")[2] if self.table else ""


class SurveyPlacement(Strict):
    """Where the survey cites this work; only for works the survey cites."""

    ref: int | None = Field(default=None, description="The work's number in the survey's reference list: `11`.")
    sections: list[Label] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The survey sections that cite the work, as the survey numbers them: `["V.G.7"]`.'))
    table3: Table3 | None = Field(default=None, description="The work's row in the survey's Table III, verbatim.")
    table4: Table4 | None = Field(default=None, description="The work's row in the survey's Table IV, verbatim.")
    errata: list[Erratum] = Field(default_factory=list, description=(
        "Where the survey's citation of the work differs from the verified record, or a cell of its Table III or "
        "IV row from what the paper says, one item per field or cell."))

    def table_errata(self, table: str) -> list[Erratum]:
        """The errata naming a cell of that table (``table4``)."""
        return [e for e in self.errata if e.table == table]


class Distillation(Strict):
    """Our normalised reading of the distillation, as the paper itself reports it: which models teach, which
    learn, through what data (the survey's Table IV row, where it differs, is corrected by an erratum)."""

    teachers: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The teacher models, one per item: `["GPT-3"]`.'))
    students: list[Short] = Field(default_factory=list, max_length=MAX_ITEMS, description=(
        'The student models, one per item: `["Self-RAG 7B", "Self-RAG 13B"]`.'))
    dataset: Short | None = Field(default=None, description="The name of the distilled data set: `ATOMIC10x`.")
    size: int | None = Field(default=None, ge=0, description=(
        "How many examples were generated, as a whole number: `2500000`."))
    evidence: Note | None = Field(default=None, description=(
        "Where the paper itself states these facts, read in its own text: `arXiv v2, Sec. 3.1 and Table 1`. "
        "Required for a work in the survey's Table IV unless a `table4.*` erratum corrects its row."))


class SurveyEntry(Entry):
    """An entry of this catalogue: the core fields, and the survey's placement and distillation facts."""

    survey: SurveyPlacement | None = Field(default=None, description=(
        "Only for works the survey cites: where and how it cites them."))
    distillation: Distillation | None = Field(default=None, description=(
        "Our normalised reading of what is distilled from which teacher into which student."))


def check_survey_tables(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """Table III labels (verbatim survey spellings) must agree with the entry's taxonomy, unless an
    erratum naming the cell (``table3.method``) records why the entry follows the definitions instead."""
    survey = survey_of(item.entry)
    if survey is None or survey.table3 is None:
        return
    corrected = {e.column for e in survey.table_errata("table3")}
    for facet in TABLE3_FACETS:
        label = getattr(survey.table3, facet)
        found = taxonomy.resolve(facet, label)
        line = item.line("survey", "table3", facet)
        if found.canonical is None:
            yield error("survey", item.path, line, f"Table III {facet} '{label}' is not a spelling the taxonomy knows",
                        f"did you mean '{found.suggestion}'?" if found.suggestion else "")
        elif found.canonical not in item.entry.labels(facet) and facet not in corrected:
            yield warning("survey", item.path, line, f"Table III gives {facet} '{label}' ({found.canonical}) "
                          f"but taxonomy.{facet} does not list it",
                          f"if the taxonomy's definitions say otherwise, record an erratum with field table3.{facet}")


def check_table_errata(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """An erratum naming a table cell names a column of a row the entry has, and quotes that cell verbatim."""
    survey = survey_of(item.entry)
    if survey is None:
        return
    for index, erratum in enumerate(survey.errata):
        if erratum.table is None:
            continue
        line = item.line("survey", "errata", index, "field")
        row: Table3 | Table4 | None = getattr(survey, erratum.table)
        name = TABLE_PREFIXES[erratum.table]
        if row is None:
            yield error("survey", item.path, line, f"erratum '{erratum.field}' corrects a {name} row the entry "
                        f"does not have", f"add survey.{erratum.table} verbatim, or correct the field")
        elif erratum.column not in type(row).model_fields:
            yield error("survey", item.path, line, f"erratum '{erratum.field}' names no {name} column",
                        f"one of {', '.join(f'{erratum.table}.{c}' for c in type(row).model_fields)}")
        elif getattr(row, erratum.column) != erratum.survey:
            yield error("survey", item.path, line, f"erratum '{erratum.field}' quotes '{erratum.survey}' but "
                        f"the {name} cell is '{getattr(row, erratum.column)}'", "quote the survey's cell verbatim")


def check_table4_checked(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """A Table IV row is either confirmed by the paper (``distillation.evidence``) or corrected by an erratum."""
    survey = survey_of(item.entry)
    if survey is None or survey.table4 is None or survey.table_errata("table4"):
        return
    distillation = distillation_of(item.entry)
    if distillation is None or distillation.evidence is None:
        yield warning("table4", item.path, item.line("survey", "table4"),
                      "Table IV row neither confirmed by the paper nor corrected",
                      "read the paper and say in distillation.evidence where it states teacher, student and data, "
                      "or record a table4.* erratum")


EXTENSION = Extension(
    name="skd-survey",
    entry_model=SurveyEntry,
    entry_checks=(check_survey_tables, check_table_errata, check_table4_checked),
    description=("The survey's citation of each work (Tables III and IV, errata of its references and tables) "
                 "and the distillation facts its paper reports."),
)


def survey_of(entry: Entry) -> SurveyPlacement | None:
    """The entry's ``survey`` block; None when it has none or the catalogue lacks this extension."""
    found = getattr(entry, "survey", None)
    return found if isinstance(found, SurveyPlacement) else None


def distillation_of(entry: Entry) -> Distillation | None:
    """The entry's ``distillation`` block; None when it has none or the catalogue lacks this extension."""
    found = getattr(entry, "distillation", None)
    return found if isinstance(found, Distillation) else None
