"""The "add a paper" issue form, read: a submitted body becomes a checked :class:`PaperRequest`.

The body of an issue made with ``.github/ISSUE_TEMPLATE/add-paper.yml`` is written by a
stranger, so nothing in it is trusted. GitHub renders a form as one ``### Label`` section per
field, the answer below it, ``_No response_`` for an empty optional field, checked boxes as
``- [X] label`` and a multiple-choice dropdown as ``a, b``. Pure: nothing here looks a paper up
or touches the catalogue (that is :mod:`symkd_survey.review.from_issue`).

The form's fields are :func:`symkd_survey.review.form_layout.form_layout`'s: four fixed ones
and one per facet chosen from ``taxonomy.yaml``; :mod:`symkd_survey.review.issue_template`
writes the form from the same layout, so the parser and the form cannot drift apart.

1. :func:`read_issue_body`: at most :data:`MAX_BODY_BYTES`, UTF-8, line ends normalised.
2. :func:`parse_issue_body`: every section must be one the form has, once; every field is
   checked and each problem is an issue with the body's line: the identifier is an arXiv id
   or a DOI (of the characters DOIs use); taxonomy values resolve in ``taxonomy.yaml`` (with
   "did you mean"); the summary is one line of at most 400 characters of plain text (no HTML,
   Markdown, LaTeX, entities, links, control or invisible characters such as a right-to-left
   override); the code link is a public ``https://`` URL. The result is a :class:`PaperRequest`.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from symkd_survey.core.fileio import read_bytes
from symkd_survey.core.ids import did_you_mean, is_safe_url, normalize_doi, parse_arxiv_id
from symkd_survey.core.issues import Issue, SymkdError, error, sort_issues
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.core.yamlio import decode_text
from symkd_survey.review.form_layout import (
    CHECK,
    CODE,
    CONFIRM,
    IDENTIFIER,
    SUMMARY,
    FacetField,
    FormLayout,
    form_layout,
)

MAX_BODY_BYTES = 64 * 1024
MAX_IDENTIFIER = 200
MAX_SUMMARY = 400
MAX_URL = 500
MAX_LABEL = 64
MAX_LABELS = 20
NO_RESPONSE = "_No response_"

PLAIN_HINT = "write plain text: no HTML, Markdown, LaTeX or links"
ID_HINT = "write an arXiv id such as 2110.07178 or a DOI such as 10.18653/v1/2022.naacl-main.341"

_HEADING = re.compile(r"###[ \t]+(?P<label>.*?)[ \t]*")
_CHECKBOX = re.compile(r"[-*][ \t]+\[(?P<mark>[ xX])\][ \t]+(?P<text>.*)")
# Crossref's pattern for the DOIs in use today; anything else (quotes, angle brackets, spaces,
# backslashes) is refused rather than written into YAML, BibTeX and HTML.
_DOI_CHARS = re.compile(r"10\.\d{4,9}/[-._;()/:a-z0-9]+")
_ARXIV_DOI_PREFIX = "10.48550/arxiv."
_MARKUP_CHARS = "<>[]{}`\\*_$|"
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LINK = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:javascript|data|vbscript|file|mailto):(?!\s)"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|dev|edu|gov|info|xyz|ly|me|co)(?:/|\b))"
)
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_SPACES = re.compile(r"[^\S\n]+")


# --------------------------------------------------------------------------- the request


@dataclass(frozen=True, slots=True)
class PaperRequest:
    """What a submitted form asks for, every field checked and normalised."""

    path: str
    arxiv: str | None
    doi: str | None
    labels: dict[str, tuple[str, ...]]
    """Node ids by facet, for every facet the form asks about (empty where none was chosen)."""
    summary: str
    code: str | None
    line: int = 0
    """The body line of the identifier, for messages about the paper as a whole."""

    @property
    def identifier(self) -> str:
        return f"arXiv {self.arxiv}" if self.arxiv else f"DOI {self.doi}"


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    line: int  # of the heading
    value: str | None  # None: empty or "_No response_"
    value_line: int


def _show(value: str, limit: int = 60) -> str:
    """A value quoted for a message: invisible characters spelled out, long values cut."""
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in value)
    if len(shown) > limit:
        shown = shown[: limit - 3] + "..."
    return f"'{shown}'"


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def invisible_character(value: str) -> str | None:
    """The first control, format (e.g. a right-to-left override), private or unassigned
    character of ``value``, described; None when there is none.

    >>> invisible_character("abc\\u202edef")
    'U+202E (RIGHT-TO-LEFT OVERRIDE)'
    >>> invisible_character("Rocktäschel") is None
    True
    """
    for ch in value:
        if unicodedata.category(ch) in _INVISIBLE:
            return _char_name(ch)
    return None


def _clean(value: str) -> str:
    """NFC, other spaces (no-break, thin, ...) as plain spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", value)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- reading the body


def read_issue_body(file: Path | BinaryIO, display: str) -> str:
    """The body as text: refused when larger than :data:`MAX_BODY_BYTES` or not UTF-8."""
    if isinstance(file, Path):  # a regular file only: a pipe or a device would block or never end
        read, problems = read_bytes(file, display, MAX_BODY_BYTES)
        if read is None:
            raise SymkdError(problems)
        raw = read
    else:
        try:
            raw = file.read(MAX_BODY_BYTES + 1)
        except OSError as exc:
            raise SymkdError([error("io", display, 0, f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_BODY_BYTES:
        raise SymkdError([error("size", display, 0, f"the issue body is larger than {MAX_BODY_BYTES // 1024} KiB",
                                "a form submission is a few hundred bytes; nothing was read")])
    text, issues = decode_text(raw, display)
    if text is None:
        raise SymkdError(issues)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_sections(text: str, path: str, layout: FormLayout) -> tuple[dict[str, Section], list[Issue]]:
    """The ``### Label`` sections of a form body, by the label of the form's field; unknown,
    repeated and missing sections are issues."""
    issues: list[Issue] = []
    sections: dict[str, Section] = {}
    known = layout.headings()
    hint = layout.hint
    current: tuple[str, int] | None = None
    body: list[tuple[int, str]] = []

    def close() -> None:
        if current is None or not current[0]:  # before the first section, or a refused one
            return
        label, line = current
        filled = [index for index, (_, t) in enumerate(body) if t.strip()]
        if not filled:
            sections[label] = Section(label, line, None, line)
            return
        chunk = body[filled[0]: filled[-1] + 1]
        value: str | None = "\n".join(t for _, t in chunk)
        if value is not None and value.strip() == NO_RESPONSE:
            value = None
        sections[label] = Section(label, line, value, chunk[0][0])

    for number, line in enumerate(text.split("\n"), start=1):
        heading = _HEADING.fullmatch(line)
        if heading is None:
            if current is None:
                if line.strip():
                    issues.append(error(CHECK, path, number, "text before the first '### ' section", hint))
                    return {}, issues
                continue
            body.append((number, line))
            continue
        close()
        current, body = ("", number), []  # the lines up to the next heading belong to it
        raw_label = heading["label"]
        label = known.get(raw_label.casefold())
        if label is None:
            close_match = did_you_mean(raw_label, layout.sections)
            issues.append(error(CHECK, path, number, f"unknown section {_show('### ' + raw_label)}",
                                f"did you mean '### {close_match}'?" if close_match else hint))
            continue
        if label in sections:
            issues.append(error(CHECK, path, number, f"section '### {label}' appears twice",
                                f"first on line {sections[label].line}; keep one"))
            continue
        current = (label, number)
    close()
    if not sections and not issues:
        issues.append(error(CHECK, path, 1, "the issue body has no '### ' sections", hint))
        return {}, issues
    if not issues:  # a misspelt heading is reported once, not also as a missing section
        issues += [error(CHECK, path, 0, f"missing section '### {label}'", hint)
                   for label in layout.sections if label in layout.required and label not in sections]
    return sections, issues


# --------------------------------------------------------------------------- the fields


def parse_identifier(section: Section, path: str) -> tuple[str | None, str | None, list[Issue]]:
    """(arXiv id, DOI, issues): an arXiv id in any common spelling, or a DOI."""
    line = section.value_line
    value = section.value
    if value is None:
        return None, None, [error("identifier", path, line, "the arXiv id or DOI is empty", ID_HINT)]
    if len(value) > MAX_IDENTIFIER:
        return None, None, [error("identifier", path, line,
                                  f"the arXiv id or DOI is {len(value)} characters long; at most {MAX_IDENTIFIER}",
                                  ID_HINT)]
    text = value.strip()
    if "\n" in text:
        return None, None, [error("identifier", path, line, "give one arXiv id or DOI on one line",
                                  "one paper per issue")]
    bad = invisible_character(text)
    if bad is not None:
        return None, None, [error("identifier", path, line, f"the arXiv id or DOI contains {bad}",
                                  "retype it without that character")]
    parsed = parse_arxiv_id(text)
    if parsed is not None:
        return parsed[0], None, []
    doi = normalize_doi(text)
    if doi is None:
        return None, None, [error("identifier", path, line, f"{_show(text)} is neither an arXiv id nor a DOI", ID_HINT)]
    if doi.startswith(_ARXIV_DOI_PREFIX):  # arXiv's own DOI names an arXiv id
        parsed = parse_arxiv_id(doi[len(_ARXIV_DOI_PREFIX):])
        if parsed is not None:
            return parsed[0], None, []
    if not _DOI_CHARS.fullmatch(doi):
        odd = next((ch for ch in doi[doi.index("/") + 1:] if not re.fullmatch(r"[-._;()/:a-z0-9]", ch)), "?")
        return None, None, [error("identifier", path, line, f"the DOI {_show(text)} contains {_show(odd)}",
                                  "a DOI is letters, digits and -._;()/: after '10.NNNN/'")]
    return None, doi, []


def _choices(line: str, options: Iterable[str]) -> list[str]:
    """The values of one dropdown line (``a, b``): the form's own options first, as they are
    (an option may hold a comma), then anything else up to the next comma.

    >>> _choices("Direct (direct), Mixed, not pure (mixed), other", ["Direct (direct)", "Mixed, not pure (mixed)"])
    ['Direct (direct)', 'Mixed, not pure (mixed)', 'other']
    """
    longest_first = sorted(options, key=len, reverse=True)
    values: list[str] = []
    rest = line.strip()
    while rest:
        option = next((o for o in longest_first if rest.startswith(o) and rest[len(o):].lstrip()[:1] in ("", ",")),
                      None)
        if option is not None:
            values.append(option)
            rest = rest[len(option):].lstrip().removeprefix(",").lstrip()
            continue
        value, _, rest = rest.partition(",")
        values.append(value)
        rest = rest.strip()
    return values


def parse_labels(section: Section | None, field: FacetField, taxonomy: Taxonomy, path: str) -> tuple[tuple[str, ...],
                                                                                                    list[Issue]]:
    """Node ids from a dropdown (``a, b``) or a checkbox list (``- [X] a``): the form's option
    texts, or an id, label or alias of the facet's nodes."""
    if section is None or section.value is None:
        return (), []
    facet = field.facet
    options = dict(field.options)
    issues: list[Issue] = []
    found: list[tuple[int, str]] = []
    lines = [(section.value_line + offset, line) for offset, line in
             enumerate(section.value.split("\n"))]
    for number, line in lines:
        if not line.strip():
            continue
        box = _CHECKBOX.fullmatch(line.strip())
        if box is not None:
            if box["mark"] != " ":
                found.append((number, box["text"]))
            continue
        found.extend((number, part) for part in _choices(line, options))
    values = [(n, v.strip()) for n, v in found if v.strip() and v.strip() != "None"]
    if len(values) > MAX_LABELS:
        return (), [error("taxonomy", path, section.value_line, f"{len(values)} {facet} values; at most {MAX_LABELS}",
                          "choose the ones that fit best")]
    ids: list[str] = []
    for number, value in values:
        chosen = options.get(value)
        if chosen is not None:
            if chosen not in ids:
                ids.append(chosen)
            continue
        bad = invisible_character(value)
        if len(value) > MAX_LABEL:
            issues.append(error("taxonomy", path, number, f"{facet} {_show(value)} is too long to be a taxonomy id",
                                f"valid: {', '.join(taxonomy.node_ids(facet))}"))
            continue
        if bad is not None:
            issues.append(error("taxonomy", path, number, f"{facet} {_show(value)} contains {bad}",
                                "choose the values from the form's list"))
            continue
        resolved = taxonomy.resolve(facet, value)
        if resolved.canonical is None:
            elsewhere = [f for f in taxonomy.facet_names
                         if f != facet and taxonomy.resolve(f, value).canonical is not None]
            if elsewhere:
                hint = f"{_show(value)} is a value of {elsewhere[0]}; {facet} is one of " \
                       f"{', '.join(taxonomy.node_ids(facet))}"
            elif resolved.suggestion:
                hint = f"did you mean '{resolved.suggestion}'?"
            else:
                hint = f"valid: {', '.join(taxonomy.node_ids(facet))}"
            issues.append(error("taxonomy", path, number, f"unknown {facet} {_show(value)}", hint))
            continue
        if resolved.canonical not in ids:
            ids.append(resolved.canonical)
    return tuple(ids), issues


def summary_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a one-line plain-text summary: (message, hint), or None.

    >>> summary_problem("Distils GPT-3 into a small commonsense model.") is None
    True
    >>> summary_problem("See <b>this</b>")
    ("the summary contains '<', which is markup here", 'write plain text: no HTML, Markdown, LaTeX or links')
    """
    if len(value) > MAX_SUMMARY:
        return f"the summary is {len(value)} characters long; at most {MAX_SUMMARY}", "keep it to one sentence"
    if "\n" in value:
        return "the summary spans several lines", "write one sentence on one line"
    bad = invisible_character(value)
    if bad is not None:
        return f"the summary contains {bad}", "retype the text without that character"
    link = _LINK.search(value)
    if link is not None:
        return f"the summary contains a link ({_show(link.group())})", \
            "give the code link in its own field; the summary is plain text"
    entity = _ENTITY.search(value)
    if entity is not None:
        return f"the summary contains the HTML entity {_show(entity.group())}", PLAIN_HINT
    markup = next((ch for ch in value if ch in _MARKUP_CHARS), None)
    if markup is not None:
        return f"the summary contains {_show(markup)}, which is markup here", PLAIN_HINT
    if value[0] in "#>+-=":
        return f"the summary starts with {_show(value[0])}, which is markup here", PLAIN_HINT
    return None


def parse_summary(section: Section, path: str) -> tuple[str | None, list[Issue]]:
    if section.value is None:
        return None, [error("summary", path, section.value_line, "the one-line summary is empty",
                            "describe the paper in one sentence of your own")]
    raw = section.value.strip()
    bad = invisible_character(raw.replace("\n", " "))
    if bad is not None and "\n" not in raw:
        return None, [error("summary", path, section.value_line, f"the summary contains {bad}",
                            "retype the text without that character")]
    value = _clean(raw)
    problem = summary_problem(value)
    if problem is not None:
        return None, [error("summary", path, section.value_line, *problem)]
    return value, []


def code_link_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a public https URL: (message, hint), or None.

    >>> code_link_problem("https://github.com/allenai/symbolic-knowledge-distillation") is None
    True
    >>> code_link_problem("javascript:alert(1)")
    ("the code link must be an https:// URL, not 'javascript:alert(1)'", 'e.g. https://github.com/owner/repository')
    """
    hint = "e.g. https://github.com/owner/repository"
    if len(value) > MAX_URL:
        return f"the code link is {len(value)} characters long; at most {MAX_URL}", hint
    bad = invisible_character(value)
    if bad is not None:
        return f"the code link contains {bad}", "retype it without that character"
    if not is_safe_url(value) or urlsplit(value).scheme != "https":
        return f"the code link must be an https:// URL, not {_show(value)}", hint
    parts = urlsplit(value)
    if "@" in parts.netloc:
        return "the code link must not contain a user name or password", hint
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return f"the code link must name a host, not the address {_show(host)}", hint
    if "." not in host:
        return f"the code link's host {_show(host)} is not a public name", hint
    return None


def parse_code(section: Section | None, path: str) -> tuple[str | None, list[Issue]]:
    if section is None or section.value is None:
        return None, []
    value = section.value.strip()
    problem = code_link_problem(value)
    if problem is not None:
        return None, [error("url", path, section.value_line, *problem)]
    return value, []


def parse_confirmation(section: Section, path: str) -> list[Issue]:
    lines = [line.strip() for line in (section.value or "").split("\n") if line.strip()]
    boxes = [_CHECKBOX.fullmatch(line) for line in lines]
    if not boxes or any(box is None or box["mark"] == " " for box in boxes):
        return [error(CHECK, path, section.value_line, "the confirmation is not ticked",
                      "confirm that the summary is your own words")]
    return []


def parse_issue_body(text: str, path: str, taxonomy: Taxonomy) -> PaperRequest:
    """Check every field of a form body; raise :class:`SymkdError` with every problem found."""
    if len(text.encode("utf-8")) > MAX_BODY_BYTES:
        raise SymkdError([error(CHECK, path, 0, f"the issue body is larger than {MAX_BODY_BYTES // 1024} KiB",
                                "a form submission is a few hundred bytes; nothing was read")])
    layout = form_layout(taxonomy)
    sections, issues = split_sections(text.replace("\r\n", "\n").replace("\r", "\n"), path, layout)
    if issues:
        raise SymkdError(issues)
    arxiv, doi, problems = parse_identifier(sections[IDENTIFIER], path)
    issues += problems
    labels: dict[str, tuple[str, ...]] = {}
    for field in layout.facets:
        labels[field.facet], problems = parse_labels(sections.get(field.label), field, taxonomy, path)
        issues += problems
        if field.required and not labels[field.facet] and not problems:
            section = sections[field.label]
            issues.append(error("taxonomy", path, section.value_line, f"choose at least one {field.facet}",
                                f"valid: {', '.join(taxonomy.node_ids(field.facet))}"))
    summary, problems = parse_summary(sections[SUMMARY], path)
    issues += problems
    code, problems = parse_code(sections.get(CODE), path)
    issues += problems
    issues += parse_confirmation(sections[CONFIRM], path)
    if issues:
        raise SymkdError(sort_issues(issues))
    assert summary is not None
    return PaperRequest(path, arxiv, doi, labels, summary, code, sections[IDENTIFIER].value_line)

