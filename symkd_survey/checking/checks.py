"""The checks that ``symkd validate`` runs, each a small function returning issues.

Per-entry checks look at one :class:`LoadedEntry`; catalogue checks look across entries
(the same paper twice, citations of unknown keys). None of them raises on bad data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from symkd_survey.core.catalogue import Catalogue, LoadedEntry
from symkd_survey.core.cycles import check_cycles
from symkd_survey.core.extension import extensions_of
from symkd_survey.core.identity import IDENTITY_LOCATIONS, SameWorkIndex
from symkd_survey.core.ids import did_you_mean, is_safe_url, is_valid_key, normalize_arxiv_id, normalize_doi
from symkd_survey.core.issues import Issue, error, warning
from symkd_survey.core.model import PRIMARY_RECORDS, Entry
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.exports.bibtex import export_problems

MIN_YEAR = 1950
SUGGESTIONS_PER_ENTRY = 20
"""Unknown citations of one entry after this many are reported without a did-you-mean."""
_REFERENCE_RE = re.compile(r"(?P<kind>arxiv|doi):(?P<value>\S+)")
_PAGES_RE = re.compile(r"[A-Za-z]?\d+(--[A-Za-z]?\d+)?|\d+:\d+(--\d+:\d+)?")

EntryCheck = Callable[[LoadedEntry, Taxonomy], Iterable[Issue]]


def check_key(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    if not is_valid_key(item.key):
        suggestion = re.sub(r"[^a-z0-9-]+", "-", item.key.lower()).strip("-") or "author2024word"
        yield error("key", item.path, 0, f"invalid key '{item.key}': a key is lowercase ASCII letters, digits "
                    "and hyphens, starting with a letter or digit", f"rename the file to {suggestion}.yaml")


def check_year(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    latest = dt.date.today().year + 1
    if not MIN_YEAR <= item.entry.year <= latest:
        yield error("year", item.path, item.line("year"), f"year {item.entry.year} is out of range",
                    f"expected {MIN_YEAR} to {latest}")


def check_ids(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    ids = item.entry.ids
    if ids.arxiv is not None and normalize_arxiv_id(ids.arxiv) != ids.arxiv:
        yield error("arxiv", item.path, item.line("ids", "arxiv"), f"malformed arXiv id '{ids.arxiv}'",
                    "write it as 2110.07178 or hep-th/9901001, quoted")
    if ids.doi is not None and normalize_doi(ids.doi) != ids.doi:
        yield error("doi", item.path, item.line("ids", "doi"), f"malformed DOI '{ids.doi}'",
                    "a DOI starts with '10.', e.g. 10.18653/v1/2022.naacl-main.341")
    if ids.acl is not None and not re.fullmatch(r"[0-9]{4}\.[a-z0-9-]+\.[0-9]+|[A-Z][0-9]{2}-[0-9]{4}", ids.acl):
        yield error("acl", item.path, item.line("ids", "acl"), f"malformed ACL Anthology id '{ids.acl}'",
                    "e.g. 2022.naacl-main.341 or P19-1001")


def check_links(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    for name, value in item.entry.links.model_dump().items():
        if value is not None and not is_safe_url(value):
            yield error("url", item.path, item.line("links", name), f"links.{name} is not an http(s) URL: {value!r}",
                        "only absolute http:// and https:// links are allowed")


def check_taxonomy_labels(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """Every facet an entry labels is declared in ``taxonomy.yaml``, every label is a node of it
    (an alias is accepted with a warning), and every required facet has a label."""
    facets = taxonomy.facet_names
    for facet in taxonomy.required:
        if not item.entry.labels(facet):
            where = ("taxonomy", facet) if facet in item.entry.taxonomy else ("taxonomy",)
            yield error("taxonomy", item.path, item.line(*where), f"taxonomy.{facet} is required and lists no label",
                        f"one or more of {', '.join(taxonomy.node_ids(facet))}")
    for facet, labels in item.entry.taxonomy.items():
        if facet not in taxonomy.facets:
            yield error("taxonomy", item.path, item.line("taxonomy", facet, key=True),
                        f"unknown facet '{facet}'", taxonomy.facet_hint(facet))
            continue
        seen: set[str] = set()
        for index, label in enumerate(labels):
            found = taxonomy.resolve(facet, label)
            if found.canonical is not None and not found.via_alias and found.canonical not in seen:
                seen.add(found.canonical)  # the common case: a valid id, listed once
                continue
            line = item.line("taxonomy", facet, index)
            if found.canonical is None:
                elsewhere = [f for f in facets if f != facet and taxonomy.resolve(f, label).canonical == label]
                if elsewhere:
                    hint = f"'{label}' is a value of {elsewhere[0]}; {facet} is one of " \
                           f"{', '.join(taxonomy.node_ids(facet))}"
                elif found.suggestion:
                    hint = f"did you mean '{found.suggestion}'?"
                else:
                    hint = f"valid: {', '.join(taxonomy.node_ids(facet))}"
                yield error("taxonomy", item.path, line, f"unknown {facet} '{label}'", hint)
                continue
            if found.via_alias:
                yield warning("taxonomy-alias", item.path, line, f"{facet} '{label}' is an alias",
                              f"write the id '{found.canonical}'")
            if found.canonical in seen:
                yield warning("taxonomy", item.path, line, f"{facet} '{found.canonical}' is listed twice")
            seen.add(found.canonical)


_AND_RE = re.compile(r"(?:^|\s)and(?:\s|$)")


def check_authors(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    for index, name in enumerate(item.entry.authors):
        if not name:
            yield error("authors", item.path, item.line("authors", index), f"author {index + 1} is empty")
        elif name.count(",") > 1 or name[0] == "," or name[-1] == ",":
            yield error("authors", item.path, item.line("authors", index), f"author '{name}' is not 'Family, Given'",
                        "one comma between family and given names; one name per list item")
        elif "and" in name and _AND_RE.search(name):
            yield error("authors", item.path, item.line("authors", index), f"author '{name}' contains 'and'",
                        "give each author as its own list item")


def check_text(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """What the text rule (:mod:`symkd_survey.core.text`, applied by the model) leaves to judgement."""
    entry = item.entry
    if entry.summary is not None and len(entry.summary) > 400:
        yield warning("summary", item.path, item.line("summary"),
                      f"summary is {len(entry.summary)} characters long", "keep it to one sentence, at most 400")
    if entry.pages is not None and not _PAGES_RE.fullmatch(entry.pages):
        yield warning("pages", item.path, item.line("pages"), f"pages '{entry.pages}' is not a page or a range",
                      "write a range as 12--34")
    if not entry.verified and not entry.verification_note:
        yield warning("verified", item.path, item.line("verified"), "an unverified entry should say why",
                      "add verification_note")
    if entry.verified and entry.verification and not any(
            record.record in PRIMARY_RECORDS for record in entry.verification):
        yield warning("verification", item.path, item.line("verification"),
                      "the facts were checked only against third-party pages (other-page)",
                      "check them against a primary record (arXiv, ACL Anthology, OpenReview, publisher, proceedings "
                      "or the authors' own release), or set verified: false with a verification_note")


def check_citations_syntax(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    seen: set[str] = set()
    for index, key in enumerate(item.entry.cites):
        if key == item.key:
            yield error("self-citation", item.path, item.line("cites", index), f"the entry cites itself ('{key}')")
        elif key in seen:
            yield warning("duplicate-citation", item.path, item.line("cites", index), f"'{key}' is cited twice")
        seen.add(key)
    for index, reference in enumerate(item.entry.references):
        match = _REFERENCE_RE.fullmatch(reference)
        ok = match is not None and (
            normalize_arxiv_id(match["value"]) if match["kind"] == "arxiv" else normalize_doi(match["value"])
        ) is not None
        if not ok:
            yield error("references", item.path, item.line("references", index),
                        f"reference '{reference}' is not 'arxiv:ID' or 'doi:DOI'")


def check_exportable(item: LoadedEntry, taxonomy: Taxonomy) -> Iterable[Issue]:
    """Every field can be written by both BibTeX exporters (braces pair up, every character
    has a LaTeX form): one entry must never make ``symkd export`` refuse the whole catalogue."""
    return export_problems(item)


ENTRY_CHECKS: tuple[EntryCheck, ...] = (
    check_key, check_year, check_ids, check_links, check_taxonomy_labels,
    check_authors, check_text, check_citations_syntax, check_exportable,
)


def check_duplicates(catalogue: Catalogue) -> Iterable[Issue]:
    """The same paper twice, by the one identity of a work (:class:`symkd_survey.core.identity.SameWorkIndex`):
    the same arXiv id (any version) or DOI, or the same normalised title with a compatible year
    and the same first author.

    Both files of a pair are reported, each naming the other, so that validating only a new
    file still tells its contributor which entry it repeats.
    """
    index = SameWorkIndex()
    for item in catalogue:
        found = index.find(item.entry)
        if found is not None:
            (what, _), key = found
            first = catalogue.entries[key]
            loc = IDENTITY_LOCATIONS[what]
            for this, other in ((item, first), (first, item)):
                yield error("duplicate", this.path, this.line(*loc), f"same {what} as '{other.key}' ({other.path})",
                            "one paper, one entry: merge the two")
        index.add(item.key, item.entry)


def earliest_year(entry: Entry) -> int:
    """The year a work was first public: its preprint's year when the arXiv id says it is
    earlier than the venue's year (a 2023 paper may cite the 2022 preprint of a 2024 article).

    >>> from symkd_survey.core.model import Entry
    >>> earliest_year(Entry(title="t", authors=["A, B"], year=2024, type="article", ids={"arxiv": "2210.11416"},
    ...                     source="survey", added="2026-11-28"))
    2022
    """
    arxiv = entry.ids.arxiv
    if arxiv and arxiv[:4].isdigit() and "." in arxiv:
        yy = int(arxiv[:2])
        preprint = (1900 if yy >= 91 else 2000) + yy
        return min(entry.year, preprint)
    return entry.year


def check_citations(catalogue: Catalogue) -> Iterable[Issue]:
    entries = catalogue.entries
    first_public = {key: earliest_year(item.entry) for key, item in entries.items()}
    for item in catalogue:
        suggestions = SUGGESTIONS_PER_ENTRY
        for index, key in enumerate(item.entry.cites):
            if key == item.key:
                continue
            published = first_public.get(key)
            if published is not None and published <= item.entry.year:
                continue  # the common case: a known, earlier paper
            cited = entries.get(key)
            line = item.line("cites", index)
            if cited is None:
                suggestions -= 1
                close = did_you_mean(key, entries) if suggestions >= 0 else None
                yield error("citation", item.path, line, f"cites unknown key '{key}'",
                            f"did you mean '{close}'?" if close else "add the cited paper first, or remove the key")
            else:
                yield warning("citation-year", item.path, line,
                              f"cites '{key}' from {cited.entry.year}, later than this paper ({item.entry.year})",
                              "fine for a revised preprint; otherwise check the key")


CATALOGUE_CHECKS: tuple[Callable[[Catalogue], Iterable[Issue]], ...] = (check_duplicates, check_citations,
                                                                       check_cycles)


def run_checks(catalogue: Catalogue, taxonomy: Taxonomy) -> list[Issue]:
    """Every check over every entry; issues already found while loading come first."""
    issues = list(catalogue.issues)
    checks = (*ENTRY_CHECKS, *(check for ext in extensions_of(taxonomy.extensions) for check in ext.entry_checks))
    for item in catalogue:
        for check in checks:
            try:
                issues.extend(check(item, taxonomy))
            except Exception as exc:  # noqa: BLE001 - a bug in a check must not hide the others
                issues.append(_bug(item.path, check.__name__, exc))
    for catalogue_check in CATALOGUE_CHECKS:
        try:
            issues.extend(catalogue_check(catalogue))
        except Exception as exc:  # noqa: BLE001
            issues.append(_bug("catalogue", catalogue_check.__name__, exc))
    return issues


def _bug(path: str, where: str, exc: Exception) -> Issue:
    return error("bug", path, 0, f"internal error in {where}: {type(exc).__name__}: {exc}",
                 "this is a bug in symkd; please report it with this file")
