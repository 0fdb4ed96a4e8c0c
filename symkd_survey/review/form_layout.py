"""The fields of the "add a paper" issue form, from the taxonomy: what the form asks and the parser reads.

Four fields are fixed (the arXiv id or DOI, the one-line summary, the code link, the
confirmation); their labels and ids never change, so an issue opened with an older form still
parses. Between the identifier and the summary comes one multiple-choice field per facet of
:func:`form_facets`, headed by the facet's label and offering its nodes as :func:`option_text`.
:mod:`symkd_survey.review.issue_template` writes the form from a :class:`FormLayout` and
:mod:`symkd_survey.review.issue_form` reads a body with the same one.
"""

from __future__ import annotations

from dataclasses import dataclass

from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.taxonomy import Taxonomy, TaxonomyNode

CHECK = "issue-form"

# The fixed fields' labels (``### Label`` in the body) and ids in the form's YAML; the ids
# are GitHub's names for the fields (e.g. in a pre-filled form's URL), so they never change.
IDENTIFIER = "arXiv id or DOI"
SUMMARY = "One-line summary"
CODE = "Code link"
CONFIRM = "Confirmation"
FIXED_IDS = {IDENTIFIER: "identifier", SUMMARY: "summary", CODE: "code", CONFIRM: "confirmation"}


def form_facets(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The facets the form asks about, in the order of ``taxonomy.yaml``: every facet the form
    requires (:func:`facet_required`), and every facet the papers table filters by
    (``roles.filters``, all facets when absent) except the open-problem facets
    (``roles.problems``), which the maintainers assign rather than contributors."""
    return tuple(name for name in taxonomy.facet_names
                 if facet_required(taxonomy, name) or (name in taxonomy.filters and name not in taxonomy.problems))


def facet_required(taxonomy: Taxonomy, facet: str) -> bool:
    """Whether the form requires a label of ``facet``: one ``taxonomy.yaml`` declares
    ``required``, or an axis of the coverage matrix (a paper without a label there is in no
    cell of it)."""
    return facet in taxonomy.required or facet in (taxonomy.matrix or ())


def option_text(node: TaxonomyNode) -> str:
    """A node as the form offers it: its label, then its id, which ends up in the entry.

    The parser reads the text back exactly, so a label may hold a comma although GitHub joins
    the chosen options of a dropdown with ``, ``.
    """
    return f"{node.label} ({node.id})"


@dataclass(frozen=True, slots=True)
class FacetField:
    """The form's field for one facet: the ``### Label`` heading is the facet's label."""

    facet: str
    label: str
    description: str
    required: bool
    options: tuple[tuple[str, str], ...]
    """(option text, node id), in the order of ``taxonomy.yaml``."""

    @property
    def headings(self) -> tuple[str, ...]:
        """The headings that name this field: the label, and its plural, which the form written
        by hand before the form was generated from the taxonomy used (issues opened with it
        stay readable)."""
        return self.label, f"{self.label}s"


@dataclass(frozen=True, slots=True)
class FormLayout:
    """The fields of the form, in order: the identifier, one per facet, the summary, the code
    link and the confirmation."""

    facets: tuple[FacetField, ...]

    @property
    def sections(self) -> tuple[str, ...]:
        return (IDENTIFIER, *(f.label for f in self.facets), SUMMARY, CODE, CONFIRM)

    @property
    def required(self) -> frozenset[str]:
        return frozenset({IDENTIFIER, SUMMARY, CONFIRM, *(f.label for f in self.facets if f.required)})

    @property
    def hint(self) -> str:
        return "submit the 'Add a paper' issue form; its sections are " + \
            ", ".join(f"'### {label}'" for label in self.sections)

    def headings(self) -> dict[str, str]:
        """Every heading the parser accepts, case-folded, to the section it names; a label
        wins over another field's plural."""
        known = {label.casefold(): label for label in self.sections}
        for field in self.facets:
            for heading in field.headings:
                known.setdefault(heading.casefold(), field.label)
        return known


def form_layout(taxonomy: Taxonomy, path: str = "taxonomy.yaml") -> FormLayout:
    """The form's fields for ``taxonomy``. A facet whose label or name is another field's
    label or id is an error: the body or GitHub could not tell the two fields apart."""
    labels = {label.casefold(): f"the form's field '{label}'" for label in FIXED_IDS}
    ids = {field_id: f"the form's field '{label}'" for label, field_id in FIXED_IDS.items()}
    fields: list[FacetField] = []
    issues: list[Issue] = []
    for name in form_facets(taxonomy):
        facet = taxonomy.facets[name]
        for taken, key in ((labels, facet.label.casefold()), (ids, name)):
            if key in taken:
                issues.append(error(CHECK, path, 0, f"facet '{name}' (label '{facet.label}') clashes with {taken[key]}",
                                    "give the facet another label or name"))
            taken.setdefault(key, f"facet '{name}'")
        fields.append(FacetField(name, facet.label, facet.description, facet_required(taxonomy, name),
                                 tuple((option_text(node), node.id) for node in facet.nodes)))
    if issues:
        raise SymkdError(issues)
    return FormLayout(tuple(fields))
