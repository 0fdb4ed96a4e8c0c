"""``symkd add``: new catalogue entries from arXiv ids, with metadata nobody has to type.

The steps, each of which can refuse the whole batch (nothing is written unless all succeed):

1. every id the user gave is parsed (any common spelling: ``2110.07178``, ``2110.07178v2``,
   ``arXiv:2110.07178``, ``https://arxiv.org/abs/...``, ``https://arxiv.org/pdf/...v1``,
   ``hep-th/9901001``); an unparseable one, or one already in the catalogue (any version),
   is an issue naming where it came from; no request is made for a refused batch;
2. the metadata is fetched (:mod:`symkd_survey.sources.arxiv_client`), and an id arXiv does not know
   is an issue naming it;
3. each result becomes an :class:`~symkd_survey.core.model.Entry` (``type: misc``, authors as
   "Family, Given", the year of the first version, DOI and journal reference when arXiv has
   them, ``source: curated``, empty taxonomy) under a fresh key: family name of the first
   author + year + first significant title word, made unique against the catalogue and batch;
   the title (and the abstract, when kept) is decoded from arXiv's TeX (:func:`arxiv_title`);
4. the new entries are checked with the same checks as ``symkd validate`` (together with the
   catalogue, so that the same paper under another id is caught), then written with
   ``create_exclusive``; if one write fails, the files written before it are removed.

Each file starts with a comment listing the valid taxonomy ids, since the contributor's next
step is to fill them in, and the labels a model trained on the catalogue suggests for the
paper's title and arXiv abstract, with their confidences
(:mod:`symkd_survey.analysis.label_model`). The suggestions are advice: the taxonomy stays empty
for the contributor to fill. ``symkd format`` drops the comment later.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from symkd_survey.analysis.label_model import LabelModel, Suggestion, format_suggestions, train
from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import create_all
from symkd_survey.core.ids import normalize_doi, parse_arxiv_id
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.keys import base_key, unique_key
from symkd_survey.core.model import BibtexOverrides, Entry, Ids, entry_to_yaml
from symkd_survey.core.names import Name
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.core.yamlio import parse_mapping, read_text
from symkd_survey.sources.arxiv_client import ArxivClient, MissingIdsError, network_issue
from symkd_survey.sources.arxiv_feed import short_id
from symkd_survey.sources.bib_text import decode_tex
from symkd_survey.sources.network_errors import NetworkError

ID_FORMS_HINT = ("write it as 2110.07178, 2110.07178v2, arXiv:2110.07178, "
                 "https://arxiv.org/abs/2110.07178 or hep-th/9901001")

# Lower-case words that start a family name ("Ronan Le Bras" -> "Le Bras, Ronan") when they
# stand between the given names and the last word. A name whose family part has no particle
# and more than one word ("Esme Sutherland Robson") cannot be split from "Given Family" alone.
PARTICLES = frozenset({
    "al", "bin", "da", "dal", "dalla", "das", "de", "degli", "dei", "del", "della", "delle", "delos", "der",
    "des", "di", "do", "dos", "du", "el", "ibn", "la", "le", "lo", "st", "st.", "ten", "ter", "van", "vom",
    "von", "zu", "zum", "zur",
})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Words skipped when choosing the title word of a key (``west2022symbolic``).


@dataclass(frozen=True, slots=True)
class IdRequest:
    """One arXiv id as the user wrote it, and where (for messages)."""

    text: str
    origin: str
    line: int = 0


@dataclass(slots=True)
class NewEntry:
    key: str
    path: Path
    display: str
    entry: Entry
    text: str
    arxiv_id: str
    version: int | None
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    """The labels the model suggests (listed in the file's comment header, never filled in)."""

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


# --------------------------------------------------------------------------- reading ids


def requests_from_args(values: Sequence[str], origin: str) -> list[IdRequest]:
    return [IdRequest(value, origin) for value in values]


def requests_from_text(text: str, origin: str) -> list[IdRequest]:
    """One id per line; blank lines and ``#`` comments are ignored."""
    found: list[IdRequest] = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if value:
            found.append(IdRequest(value, origin, number))
    return found


def requests_from_file(file: Path, display: str) -> list[IdRequest]:
    """The ids in a file (see :func:`requests_from_text`); an unreadable file is an issue."""
    text, issues = read_text(file, display)
    if text is None:
        raise SymkdError(issues)
    return requests_from_text(text, display)


# --------------------------------------------------------------------------- metadata -> entry


def family_given(name: str) -> str:
    """arXiv's "Given Family" as the catalogue's "Family, Given".

    >>> family_given("Peter West"), family_given("Ronan Le Bras"), family_given("Quoc V. Le")
    ('West, Peter', 'Le Bras, Ronan', 'Le, Quoc V.')
    >>> family_given("George van den Driessche"), family_given("Nicola De Cao")
    ('van den Driessche, George', 'De Cao, Nicola')
    >>> family_given("Le Hou"), family_given("Martin Luther King Jr."), family_given("OpenAI")
    ('Hou, Le', 'King Jr., Martin Luther', 'OpenAI')
    """
    tokens = name.split()
    if len(tokens) < 2 or "," in name:
        return " ".join(tokens)
    suffix: list[str] = []
    if len(tokens) > 2 and tokens[-1].lower().rstrip(".") in _SUFFIXES:
        suffix = [tokens.pop()]
    start = len(tokens) - 1
    for index in range(1, len(tokens) - 1):
        if tokens[index].lower() in PARTICLES:
            start = index
            break
    return Name(" ".join(tokens[start:] + suffix), " ".join(tokens[:start])).stored()


def given_family(name: str) -> str:
    """The catalogue's "Family, Given" back in display order, for comparing with arXiv's names.

    >>> given_family("Le Bras, Ronan")
    'Ronan Le Bras'
    """
    return Name.parse(name).display()


def arxiv_authors(result: Any) -> list[str]:
    return [family_given(author.name) for author in result.authors if author.name.strip()]


def collapse(text: str | None) -> str | None:
    """White space collapsed to single spaces; None for nothing."""
    value = " ".join((text or "").split())
    return value or None


# --------------------------------------------------------------------------- arXiv's TeX

class ArxivTitle(NamedTuple):
    """A title from arXiv: ``text`` for the catalogue's ``title`` (Unicode), and ``latex``, arXiv's
    TeX as it was, for ``bibtex.title`` when ``text`` cannot say the same thing (None otherwise)."""

    text: str
    latex: str | None


def arxiv_title(raw: str) -> ArxivTitle:
    """An arXiv title as the catalogue stores it (see :func:`~symkd_survey.sources.bib_text.decode_tex`): the Unicode
    text, plus arXiv's TeX for ``bibtex.title`` whenever the text is not exact, so that BibTeX
    gets the mathematics as its authors wrote it (written once, never escaped again).

    >>> arxiv_title(r"Llama-$\\alpha$: a  Test")
    ArxivTitle(text='Llama-α: a Test', latex=None)
    >>> arxiv_title(r"Attention in $O(n^2)$")
    ArxivTitle(text='Attention in O(n²)', latex='Attention in $O(n^2)$')
    """
    text = " ".join(raw.split())
    decoded, exact = decode_tex(text)
    return ArxivTitle(decoded, None if exact else text)


def arxiv_abstract(raw: str) -> str | None:
    """An arXiv abstract as readable text (:func:`~symkd_survey.sources.bib_text.decode_tex`); None for nothing.
    An abstract is never exported, so the readable form is all that is kept."""
    return collapse(decode_tex(raw)[0])


def title_overrides(title: ArxivTitle) -> BibtexOverrides | None:
    return BibtexOverrides(title=title.latex) if title.latex is not None else None


def arxiv_doi(result: Any) -> str | None:
    """arXiv's DOI field, normalised (it sometimes holds several DOIs: the first valid one)."""
    for token in (result.doi or "").split():
        doi = normalize_doi(token)
        if doi is not None:
            return doi
    return None


def preprint_note(arxiv_id: str) -> str:
    return f"arXiv preprint arXiv:{arxiv_id}"


def entry_from_result(result: Any, arxiv_id: str, *, today: dt.date, abstract: bool = False) -> Entry:
    """A new curated entry from an ``arxiv.Result``: bibliographic fields only, taxonomy empty."""
    journal_ref = collapse(result.journal_ref)
    title = arxiv_title(result.title)
    return Entry(
        title=title.text,
        authors=arxiv_authors(result),
        year=result.published.year,
        type="misc",
        note=journal_ref or preprint_note(arxiv_id),
        ids=Ids(arxiv=arxiv_id, doi=arxiv_doi(result)),
        primary_class=collapse(result.primary_category),
        abstract=arxiv_abstract(result.summary) if abstract else None,
        bibtex=title_overrides(title),
        source="curated",
        added=today,
    )


def entry_key(entry: Entry) -> str:
    """The key rule (:func:`symkd_survey.core.keys.base_key`) applied to an entry.

    >>> entry_key(Entry(title="Symbolic Knowledge Distillation", authors=["Le Bras, Ronan"], year=2022,
    ...                 type="misc", source="curated", added="2026-01-01"))
    'lebras2022symbolic'
    """
    return base_key(entry.authors[0], entry.year, entry.title)


def comment_header(versioned_id: str, today: dt.date, taxonomy: Taxonomy,
                   suggestions: dict[str, list[Suggestion]] | None = None) -> str:
    """The comment that opens a new file: what to do next, the valid ids and, when a model could
    be trained, the suggested labels (advice: the taxonomy is left for the contributor)."""
    lines = [
        f"New entry from arXiv {versioned_id}, written by 'symkd add' on {today.isoformat()}.",
        "Next: fill in the taxonomy with node ids from taxonomy.yaml, add a one-sentence summary in",
        "your own words (never the abstract), and set type and venue if the paper is published;",
        "then run 'symkd validate'. 'symkd format' removes this comment. Valid ids:",
    ]
    for facet in taxonomy.facet_names:
        lines.extend(textwrap.wrap(f"{facet}: {', '.join(taxonomy.node_ids(facet))}", width=94,
                                   initial_indent="  ", subsequent_indent="      ", break_on_hyphens=False))
    suggested = format_suggestions(suggestions or {})
    if suggested:
        lines.append("Suggested by a model trained on the catalogue (advice only; nothing was filled in):")
        lines.extend(textwrap.wrap(f"suggested: {suggested}", width=94, initial_indent="  ",
                                   subsequent_indent="      ", break_on_hyphens=False))
    return "".join(f"# {line}\n" for line in lines)


def label_model(catalogue: Catalogue, taxonomy: Taxonomy) -> LabelModel:
    """The model that suggests labels for new entries, trained on the catalogue as it is."""
    return train(catalogue, taxonomy)


# --------------------------------------------------------------------------- the command


def _parse_requests(requests: Sequence[IdRequest], catalogue: Catalogue) -> tuple[dict[str, IdRequest], list[Issue]]:
    issues: list[Issue] = []
    wanted: dict[str, IdRequest] = {}
    known = {item.entry.ids.arxiv: item for item in catalogue if item.entry.ids.arxiv}
    for request in requests:
        parsed = parse_arxiv_id(request.text)
        if parsed is None:
            issues.append(error("arxiv-id", request.origin, request.line,
                                f"'{request.text}' is not an arXiv id", ID_FORMS_HINT))
            continue
        arxiv_id = parsed[0]
        existing = known.get(arxiv_id)
        if existing is not None:
            issues.append(error("exists", request.origin, request.line,
                                f"arXiv {arxiv_id} is already in the catalogue as '{existing.key}' ({existing.path})",
                                f"run 'symkd refresh {existing.key}' to update its metadata"))
            continue
        wanted.setdefault(arxiv_id, request)
    if not requests:
        issues.append(error("args", "symkd add", 0, "no arXiv ids given", "give ids, or --from FILE with one per line"))
    return wanted, issues


def _fetch(client: ArxivClient, wanted: dict[str, IdRequest]) -> dict[str, Any]:
    try:
        return client.fetch(wanted)
    except MissingIdsError as exc:
        raise SymkdError([
            error("arxiv-missing", wanted[i].origin, wanted[i].line, f"arXiv has no paper with id {i}",
                  f"check the id: https://arxiv.org/abs/{i}")
            for i in exc.missing
        ]) from None
    except NetworkError as exc:
        raise SymkdError([network_issue(exc)]) from None


def _loaded(new: NewEntry) -> LoadedEntry:
    doc, issues = parse_mapping(new.text, new.display)
    if doc is None:  # pragma: no cover - the writer's own output always parses
        raise SymkdError(issues)
    return LoadedEntry(new.key, new.display, Entry.model_validate(doc.data), doc)


def plan_additions(repo: Repository, requests: Sequence[IdRequest], client: ArxivClient, *,
                   abstract: bool = False, today: dt.date | None = None, suggest: bool = True) -> list[NewEntry]:
    """Everything ``symkd add`` would write, checked; raises :class:`SymkdError` on any fault.

    With ``suggest``, each file's header lists the labels a model trained on the catalogue
    suggests for the paper's title and arXiv abstract (whether or not the abstract is kept)."""
    day = today or dt.date.today()
    catalogue = load_catalogue(repo)
    if catalogue.issues:  # a broken file could hide the very paper being added
        raise SymkdError([*catalogue.issues, error("catalogue", repo.display(repo.catalogue_dir), 0,
                                                   "the catalogue has files that do not load",
                                                   "fix them first ('symkd validate'), then add")])
    wanted, issues = _parse_requests(requests, catalogue)
    if issues:
        raise SymkdError(issues)
    taxonomy = repo.load_taxonomy()
    results = _fetch(client, wanted)
    model = label_model(catalogue, taxonomy) if suggest else None
    planned: list[NewEntry] = []
    keys = {item.key for item in catalogue}

    def taken(key: str) -> bool:
        return key in keys or repo.entry_file(key).exists()

    problems: list[Issue] = []
    for arxiv_id, request in wanted.items():
        result = results[arxiv_id]
        parsed = short_id(result)
        version = parsed[1] if parsed else None
        try:
            entry = entry_from_result(result, arxiv_id, today=day, abstract=abstract)
            entry = entry.model_copy(update={"taxonomy": {facet: [] for facet in taxonomy.facet_names}})
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors()}))
            problems.append(error("arxiv", request.origin, request.line,
                                  f"the arXiv record of {arxiv_id} lacks what an entry needs ({fields})"))
            continue
        key = unique_key(entry_key(entry), taken)
        keys.add(key)
        path = repo.entry_file(key)
        versioned = f"{arxiv_id}v{version}" if version else arxiv_id
        suggestions = model.suggest(entry.title, arxiv_abstract(result.summary or "") or "") if model else {}
        text = comment_header(versioned, day, taxonomy, suggestions) + entry_to_yaml(entry)
        planned.append(NewEntry(key, path, repo.display(path), entry, text, arxiv_id, version, suggestions))
    if problems:
        raise SymkdError(problems)
    _check(planned, catalogue, taxonomy)
    return planned


def _check(planned: Sequence[NewEntry], catalogue: Catalogue, taxonomy: Taxonomy) -> None:
    """The new entries must pass every check of ``symkd validate`` next to the catalogue."""
    merged = Catalogue(entries=dict(catalogue.entries))
    for new in planned:
        merged.entries[new.key] = _loaded(new)
    shown = {new.display for new in planned}
    errors = [i for i in run_checks(merged, taxonomy) if i.is_error and i.path in shown]
    if errors:
        raise SymkdError([*errors, error("add", "symkd add", 0, "nothing was written")])


def write_additions(planned: Iterable[NewEntry]) -> None:
    """Create every file, or none: a failure removes the files this call created."""
    items = list(planned)
    existing = [new for new in items if new.path.exists()]
    if existing:
        raise SymkdError([error("exists", new.display, 0, "the file exists already; nothing was written")
                          for new in existing])
    create_all((new.path, new.text) for new in items)


def add_papers(repo: Repository, requests: Sequence[IdRequest], client: ArxivClient, *, abstract: bool = False,
               dry_run: bool = False, today: dt.date | None = None, suggest: bool = True) -> list[NewEntry]:
    """Plan, check and (unless ``dry_run``) write new entries for arXiv ids."""
    planned = plan_additions(repo, requests, client, abstract=abstract, today=today, suggest=suggest)
    if not dry_run:
        write_additions(planned)
    return planned
