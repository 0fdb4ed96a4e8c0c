"""``symkd from-issue``: a submitted "add a paper" issue form becomes a catalogue entry.

1. :func:`symkd_survey.review.issue_form.parse_issue_body` checks every field of the body and
   gives a :class:`~symkd_survey.review.issue_form.PaperRequest`.
2. A work the catalogue already holds (the same arXiv id or DOI, by the one identity of a work:
   :class:`symkd_survey.core.identity.SameWorkIndex`) is refused before anything is fetched.
3. A :data:`Fetcher` turns the request into bibliographic :class:`Metadata` (arXiv through
   :mod:`symkd_survey.sources.adding`'s client, or values a maintainer gives on the command line), and
   :func:`build_entry` makes the :class:`~symkd_survey.core.model.Entry`.
4. :func:`plan_from_issue` picks the key as ``symkd add`` does (family name + year + first
   significant title word, unique), runs every check of ``symkd validate`` on the new entry next
   to the catalogue, and :func:`write_plan` creates the file with ``create_exclusive``.
5. A model trained on the catalogue (:mod:`symkd_survey.analysis.label_model`) suggests labels
   for the paper's title and summary; :func:`suggestion_report` sets them next to what the
   contributor chose. They are advice for the maintainer: the entry keeps the contributor's labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from symkd_survey.analysis.label_model import Suggestion, format_suggestions, train
from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import create_exclusive
from symkd_survey.core.identity import SameWorkIndex, id_probes
from symkd_survey.core.ids import normalize_doi
from symkd_survey.core.issues import Issue, SymkdError, error, sort_issues
from symkd_survey.core.keys import unique_key
from symkd_survey.core.model import Entry, EntryType, Ids, Links, entry_to_yaml
from symkd_survey.core.yamlio import parse_mapping
from symkd_survey.review.issue_form import PaperRequest, parse_issue_body
from symkd_survey.sources.adding import entry_from_result, entry_key
from symkd_survey.sources.arxiv_client import ArxivClient, MissingIdsError, network_issue
from symkd_survey.sources.network_errors import NetworkError

# --------------------------------------------------------------------------- metadata and the entry


@dataclass(frozen=True, slots=True)
class Metadata:
    """The bibliographic facts of a paper, from a record (arXiv) or from a maintainer."""

    title: str
    authors: tuple[str, ...]
    year: int
    type: EntryType = "misc"
    venue: str | None = None
    note: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    primary_class: str | None = None


Fetcher = Callable[[PaperRequest], Metadata]
"""Looks a request's paper up; raises :class:`SymkdError` when it cannot."""


def fixed_metadata(metadata: Metadata) -> Fetcher:
    """A fetcher that answers every request with the same, given facts."""
    def fetch(request: PaperRequest) -> Metadata:
        return metadata

    return fetch


def arxiv_fetcher(client: ArxivClient, *, today: dt.date | None = None) -> Fetcher:
    """A fetcher that reads the arXiv record, as ``symkd add`` does; DOIs need given facts."""
    def fetch(request: PaperRequest) -> Metadata:
        if request.arxiv is None:
            raise SymkdError([error("metadata", request.path, request.line,
                                    f"{request.identifier} cannot be looked up: only arXiv ids can",
                                    "give the facts: --title, --author (once per author) and --year")])
        try:
            result = client.fetch([request.arxiv])[request.arxiv]
        except MissingIdsError:
            raise SymkdError([error("metadata", request.path, request.line,
                                    f"arXiv has no paper with id {request.arxiv}",
                                    f"check the id: https://arxiv.org/abs/{request.arxiv}")]) from None
        except NetworkError as exc:
            raise SymkdError([network_issue(exc)]) from None
        try:
            entry = entry_from_result(result, request.arxiv, today=today or dt.date.today())
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors()}))
            raise SymkdError([error("metadata", request.path, request.line,
                                    f"the arXiv record of {request.arxiv} lacks what an entry needs ({fields})")]) \
                from None
        return Metadata(entry.title, tuple(entry.authors), entry.year, entry.type, entry.venue, entry.note,
                        entry.ids.arxiv, entry.ids.doi, entry.primary_class)

    return fetch


def build_entry(request: PaperRequest, metadata: Metadata, *, today: dt.date, facets: Iterable[str] = ()) -> Entry:
    """The catalogue entry for a checked request and the paper's facts (``source: curated``);
    every facet of ``facets`` is listed, empty where the request gives no label."""
    if request.arxiv and metadata.arxiv and request.arxiv != metadata.arxiv:
        raise SymkdError([error("metadata", request.path, request.line,
                                f"the record found is arXiv {metadata.arxiv}, not {request.arxiv}")])
    doi = request.doi or (normalize_doi(metadata.doi) if metadata.doi else None)
    try:
        return Entry(
            title=" ".join(metadata.title.split()),
            authors=list(metadata.authors),
            year=metadata.year,
            type=metadata.type,
            venue=metadata.venue,
            note=metadata.note,
            ids=Ids(arxiv=request.arxiv or metadata.arxiv, doi=doi),
            primary_class=metadata.primary_class,
            links=Links(code=request.code),
            taxonomy={**{facet: [] for facet in facets},
                      **{facet: list(ids) for facet, ids in request.labels.items()}},
            summary=request.summary,
            source="curated",
            added=today,
        )
    except ValidationError as exc:
        problems = sorted({f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                           for e in exc.errors()})
        raise SymkdError([error("metadata", request.path, request.line,
                                f"the paper's facts are incomplete or malformed ({'; '.join(problems)})",
                                "give --title, --author and --year")]) from None


# --------------------------------------------------------------------------- the plan


@dataclass(slots=True)
class FromIssuePlan:
    request: PaperRequest
    key: str
    file: Path
    display: str
    entry: Entry
    text: str
    warnings: list[Issue]
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    """The labels a model trained on the catalogue suggests (advice; never written)."""


def _known_identity(request: PaperRequest, catalogue: Catalogue) -> LoadedEntry | None:
    """The entry of the work the request names by its arXiv id or DOI, if the catalogue has it."""
    index = SameWorkIndex.of((item.key, item.entry) for item in catalogue)
    found = index.find_ids(id_probes(arxiv=request.arxiv, doi=request.doi))
    return catalogue.entries[found[1]] if found is not None else None


def plan_from_issue(repo: Repository, text: str, path: str, fetcher: Fetcher, *,
                    today: dt.date | None = None, suggest: bool = True) -> FromIssuePlan:
    """Everything ``symkd from-issue`` would write, checked; raises :class:`SymkdError` on any fault.

    The paper is looked up only after the body has passed every check and the catalogue has
    been searched for the same arXiv id or DOI; once its facts are known, the checks of
    ``symkd validate`` refuse a repeat by title, year and first author too.
    """
    day = today or dt.date.today()
    taxonomy = repo.load_taxonomy()
    request = parse_issue_body(text, path, taxonomy)
    catalogue = load_catalogue(repo)
    if catalogue.issues:
        raise SymkdError([*catalogue.issues, error("catalogue", repo.display(repo.catalogue_dir), 0,
                                                   "the catalogue has files that do not load",
                                                   "fix them first ('symkd validate')")])
    known = _known_identity(request, catalogue)
    if known is not None:
        raise SymkdError([error("duplicate", path, request.line,
                                f"{request.identifier} is already in the catalogue as '{known.key}' ({known.path})",
                                "close the issue, or edit that entry")])
    entry = build_entry(request, fetcher(request), today=day, facets=taxonomy.facet_names)

    def taken(key: str) -> bool:
        return key in catalogue.entries or repo.entry_file(key).exists()

    key = unique_key(entry_key(entry), taken)
    file = repo.entry_file(key)
    display = repo.display(file)
    entry_text = entry_to_yaml(entry)
    doc, problems = parse_mapping(entry_text, display)
    if doc is None:  # pragma: no cover - the writer's own output always parses
        raise SymkdError(problems)
    merged = Catalogue(entries={**catalogue.entries, key: LoadedEntry(key, display, entry, doc)})
    found = [i for i in run_checks(merged, taxonomy) if i.path == display]
    errors = [i for i in found if i.is_error]
    if errors:
        raise SymkdError([*sort_issues(errors), error("from-issue", path, 0, "nothing was written")])
    suggestions = train(catalogue, taxonomy).suggest_entry(entry) if suggest else {}
    return FromIssuePlan(request, key, file, display, entry, entry_text, sort_issues(found), suggestions)


def suggestion_report(plan: FromIssuePlan) -> list[str]:
    """The suggested labels next to the contributor's, one line per facet (none without suggestions):

    ``method: suggested direct 0.81, multilevel 0.12; the form says multilevel``
    """
    lines = []
    for facet, ranked in plan.suggestions.items():
        shown = format_suggestions({facet: ranked}).removeprefix(f"{facet} ")
        chosen = ", ".join(plan.entry.labels(facet)) or "nothing"
        agrees = " (agrees)" if ranked and ranked[0].value in plan.entry.labels(facet) else ""
        lines.append(f"{facet}: suggested {shown}; the form says {chosen}{agrees}")
    return lines


def write_plan(plan: FromIssuePlan) -> None:
    """Create the entry file; an existing file is never overwritten."""
    create_exclusive(plan.file, plan.text)


def from_issue(repo: Repository, text: str, path: str, fetcher: Fetcher, *, dry_run: bool = False,
               today: dt.date | None = None, suggest: bool = True) -> FromIssuePlan:
    """Plan, check and (unless ``dry_run``) write the entry a form body asks for."""
    plan = plan_from_issue(repo, text, path, fetcher, today=today, suggest=suggest)
    if not dry_run:
        write_plan(plan)
    return plan
