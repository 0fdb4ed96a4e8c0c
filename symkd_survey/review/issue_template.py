"""The "add a paper" issue form, written: ``.github/ISSUE_TEMPLATE/add-paper.yml`` from the taxonomy.

The form is generated, not kept in step by hand: :func:`issue_form_yaml` writes the fixed
fields (the arXiv id or DOI, the summary, the code link, the confirmation; their labels and
ids never change, so issues opened with an older form still parse) and one multiple-choice
dropdown per facet of :func:`symkd_survey.review.form_layout.form_layout`, labelled with the
facet's label and offering its nodes as ``Label (id)``. The parser reads the same layout, so
whatever the form offers, the parser accepts. :func:`check_form` compares the committed file
with the generated text (``symkd issue-form --check``).
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from symkd_survey.core.issues import Issue, error
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.core.yamlio import read_text
from symkd_survey.review.form_layout import (
    CHECK,
    CODE,
    CONFIRM,
    FIXED_IDS,
    IDENTIFIER,
    SUMMARY,
    FacetField,
    form_layout,
)
from symkd_survey.review.issue_form import MAX_SUMMARY

FORM_FILE = PurePosixPath(".github/ISSUE_TEMPLATE/add-paper.yml")
"""Where GitHub looks for the form, relative to the repository's root."""
REGENERATE = "run 'symkd issue-form'"
MAX_FORM_BYTES = 1024 * 1024

_HEADER = """\
# The "Add a paper" form, generated from taxonomy.yaml by `symkd issue-form`: do not edit it
# by hand (`symkd issue-form --check` and the test suite compare it with the taxonomy). A
# maintainer who agrees labels the issue `approved`; the workflow
# .github/workflows/from-issue.yml then runs `symkd from-issue` on the issue body and opens a
# pull request with the new entry. The labels below are the `### Label` sections of the body.
name: Add a paper
description: Propose a paper for the catalogue.
title: "[paper]: "
labels: ["add-paper"]
body:
  - type: markdown
    attributes:
      value: |
        Thank you for adding a paper. Give its arXiv id (or DOI), place it in the survey's
        taxonomy, and describe it in one sentence of your own. The title, authors, year and
        venue are taken from the paper's record, so you do not type them.

        Every field is plain text: HTML, Markdown, LaTeX and links in the summary are refused.
        The taxonomy ids are explained on the catalogue's taxonomy page and in `taxonomy.yaml`.
"""


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _input(label: str, description: str, placeholder: str, *, required: bool) -> list[str]:
    return [
        "  - type: input",
        f"    id: {FIXED_IDS[label]}",
        "    attributes:",
        f"      label: {label}",
        f"      description: {_quoted(description)}",
        f"      placeholder: {_quoted(placeholder)}",
        "    validations:",
        f"      required: {'true' if required else 'false'}",
    ]


def _dropdown(field: FacetField) -> list[str]:
    description = field.description if field.required else f"Optional. {field.description}"
    return [
        "  - type: dropdown",
        f"    id: {field.facet}",
        "    attributes:",
        f"      label: {_quoted(field.label)}",
        f"      description: {_quoted(description)}",
        "      multiple: true",
        "      options:",
        *(f"        - {_quoted(text)}" for text, _ in field.options),
        "    validations:",
        f"      required: {'true' if field.required else 'false'}",
    ]


def issue_form_yaml(taxonomy: Taxonomy) -> str:
    """The GitHub issue-form YAML of the "add a paper" form for ``taxonomy``.

    Raises :class:`~symkd_survey.core.issues.SymkdError` when a facet's label or name is one
    of the fixed fields' (:func:`~symkd_survey.review.form_layout.form_layout`).
    """
    layout = form_layout(taxonomy)
    lines = [*_input(IDENTIFIER, "An arXiv id (any common form: 2110.07178, arXiv:2110.07178v2, an abs or pdf "
                                 "link) or a DOI (10.18653/v1/2022.naacl-main.341, or a doi.org link).",
                     "2110.07178", required=True)]
    for field in layout.facets:
        lines += _dropdown(field)
    lines += _input(SUMMARY, f"One sentence in your own words, at most {MAX_SUMMARY} characters, plain text. "
                             "Never the abstract.",
                    "What the paper does, and how, in one sentence.", required=True)
    lines += _input(CODE, "Optional. The paper's code repository, as an https:// link.",
                    "https://github.com/owner/repository", required=False)
    lines += [
        "  - type: checkboxes",
        f"    id: {FIXED_IDS[CONFIRM]}",
        "    attributes:",
        f"      label: {CONFIRM}",
        "      options:",
        "        - label: The summary is my own words, not copied from the abstract.",
        "          required: true",
    ]
    return _HEADER + "\n".join(lines) + "\n"


def check_form(file: Path, display: str, taxonomy: Taxonomy) -> list[Issue]:
    """An issue when ``file`` is missing or is not the form :func:`issue_form_yaml` writes."""
    expected = issue_form_yaml(taxonomy)
    if not file.exists():
        return [error(CHECK, display, 0, "the issue form is missing", REGENERATE)]
    text, issues = read_text(file, display, MAX_FORM_BYTES)
    if text is None:
        return issues
    if text != expected:
        return [error(CHECK, display, 0, "the issue form differs from the one taxonomy.yaml gives", REGENERATE)]
    return []
