"""Finding candidate works for the living survey: arXiv search, Semantic Scholar, the catalogue's citations.

The loop is: ``discovery.yaml`` (versioned queries) -> :func:`search_arxiv` (the API's
``search_query`` with paging, through the project's one HTTP client and retry policy) plus
:func:`citation_candidates` (works outside the catalogue named in the ``references`` of two or
more entries) plus, when ``discovery.yaml`` has a ``semantic_scholar`` section, the works citing
catalogue papers and Semantic Scholar's recommendations from the catalogue (positive seeds) and
the excluded works (negative seeds) (:mod:`symkd_survey.review.s2_candidates`) -> :func:`discover`
(deduplicated against the catalogue and every earlier screening decision, by arXiv id ignoring
version, DOI and normalised title; each candidate keeps every source that found it) -> ranked
by :func:`~symkd_survey.review.ranking.rank` (TF-IDF similarity to the catalogue's in-scope
entries, marked down for works closer to its background entries, or, with enough screening
decisions, a model learned from them; citation overlap; recency) -> the queue
file, ``screening/queue.yaml`` (see :mod:`symkd_survey.review.review_files`).

A Semantic Scholar failure does not stop the run: it is an issue of the result
(:attr:`DiscoveryResult.issues`), the failed source contributes nothing, and the result says it
is incomplete (:attr:`DiscoveryResult.complete`); the command then writes nothing unless asked
to (``--allow-partial``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from symkd_survey.core.catalogue import Catalogue, Repository
from symkd_survey.core.identity import entry_references, normalize_reference
from symkd_survey.core.ids import normalize_doi, normalize_title
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.yamlio import YamlDocument, read_mapping
from symkd_survey.review.ranking import History, Ranking, rank
from symkd_survey.sources.arxiv_client import ArxivClient
from symkd_survey.sources.arxiv_feed import ArxivRecord, parse_feed, short_id
from symkd_survey.sources.network_errors import NetworkError, RetryableError

if TYPE_CHECKING:
    from symkd_survey.sources.s2_discovery import S2Discovery

CONFIG_FILE = "discovery.yaml"
SCREENING_DIR = "screening"
PAGE_SIZE = 100
"""Results asked for per search request."""
MAX_PAGES = 50
"""No query is paged further than this, whatever arXiv reports as its total."""

SOURCE_ARXIV = "arxiv-search"
SOURCE_CITATIONS = "catalogue-citations"
SOURCE_S2_CITATIONS = "s2-citations"
"""Works citing catalogue papers, from Semantic Scholar."""
SOURCE_S2_RECOMMENDATIONS = "s2-recommendations"
"""Semantic Scholar's recommendations from the catalogue (and against the excluded works)."""
CORE_SOURCES = (SOURCE_ARXIV, SOURCE_CITATIONS)
"""Sources every run counts (the run log always has them); the others only when asked."""
SOURCE_LISTED = "listed"
"""Works named in a list the maintainer supplied (``--list``; :mod:`symkd_survey.review.listed`)."""
SOURCES = (*CORE_SOURCES, SOURCE_S2_CITATIONS, SOURCE_S2_RECOMMENDATIONS, SOURCE_LISTED)


# --------------------------------------------------------------------------- identity


@dataclass(slots=True)
class SeenIndex:
    """Every identity already known: catalogue entries and screened works.

    Identifiers are compared in the one normal form (:func:`~symkd_survey.core.identity.normalize_reference`:
    arXiv ids without version, arXiv's own DOIs as arXiv ids, DOIs lower-cased). A title alone
    matches only where the years are within one of each other, or a year is unknown: a yearly
    "Editorial" or a 1957 book and a 1966 article of one title are different works.
    """

    ids: set[str] = field(default_factory=set)
    titles: dict[str, set[int | None]] = field(default_factory=dict)

    def add(self, ids: Iterable[str], title: str | None = None, year: int | None = None) -> None:
        self.ids.update(norm for norm in (normalize_reference(i) for i in ids) if norm is not None)
        if title:
            norm = normalize_title(title)
            if norm:
                self.titles.setdefault(norm, set()).add(year)

    def seen(self, candidate: Candidate) -> bool:
        if any(normalize_reference(i) in self.ids for i in candidate.ids()):
            return True
        years = self.titles.get(normalize_title(candidate.title)) if candidate.title else None
        if not years:
            return False
        year = candidate.published.year if candidate.published else None
        return year is None or None in years or any(abs(year - y) <= 1 for y in years if y is not None)


def catalogue_index(catalogue: Catalogue) -> SeenIndex:
    index = SeenIndex()
    for loaded in catalogue:
        index.add(entry_references(loaded.entry), loaded.entry.title, loaded.entry.year)
    return index


# --------------------------------------------------------------------------- the queries


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    terms: tuple[str, ...]
    categories: tuple[str, ...]

    def search_query(self, since: dt.date | None, until: dt.date | None) -> str:
        """The API's ``search_query``: (any term in title or abstract) AND (any category) AND date window."""
        terms = " OR ".join(f'abs:"{t}" OR ti:"{t}"' for t in self.terms)
        parts = [f"({terms})"]
        if self.categories:
            parts.append("(" + " OR ".join(f"cat:{c}" for c in self.categories) + ")")
        if since is not None or until is not None:
            low = (since or dt.date(1991, 1, 1)).strftime("%Y%m%d") + "0000"
            high = (until or dt.date(9999, 12, 31)).strftime("%Y%m%d") + "2359"
            parts.append(f"submittedDate:[{low} TO {high}]")
        return " AND ".join(parts)


@dataclass(frozen=True, slots=True)
class S2Config:
    """``semantic_scholar`` in ``discovery.yaml``: whose citations, how many, how many recommendations."""

    seeds: tuple[str, ...] = ("curated", "survey")
    """The ``source`` values of the catalogue entries used as seeds (citations and recommendations)."""
    citations_max: int = 100
    """Citing works asked for per seed paper (0: none)."""
    recommendations_max: int = 100
    """Recommendations asked for (0: none)."""


@dataclass(frozen=True, slots=True)
class DiscoveryConfig:
    queries: tuple[Query, ...]
    since: dt.date | None
    max_results: int
    s2: S2Config | None = None


def _text_list(value: Any, path: str, line: int, what: str, issues: list[Issue]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        issues.append(error("discovery", path, line, f"{what} must be a list of non-empty text"))
        return ()
    bad = [v for v in value if '"' in v or "\\" in v]
    if bad:
        issues.append(error("discovery", path, line, f"{what} may not hold quotes or backslashes: {bad[0]!r}"))
    return tuple(v.strip() for v in value)


def parse_config(doc: YamlDocument, path: str) -> DiscoveryConfig:
    """``discovery.yaml``: ``since`` (date), ``max_results`` (per query), ``queries`` (each
    ``name``, ``terms``, ``categories``). Every fault is one issue; raises :class:`SymkdError`."""
    issues: list[Issue] = []
    data = doc.data
    unknown = sorted(set(data) - {"since", "max_results", "queries", "semantic_scholar"})
    for key in unknown:
        issues.append(error("discovery", path, doc.line_of((key,), key=True), f"unknown field {key!r}"))
    since = None
    if "since" in data:
        try:
            since = dt.date.fromisoformat(str(data["since"]))
        except ValueError:
            issues.append(error("discovery", path, doc.line_of(("since",)), "since must be a date YYYY-MM-DD"))
    max_results = 200
    if "max_results" in data:
        raw = str(data["max_results"])
        if not raw.isdigit() or not 1 <= int(raw) <= PAGE_SIZE * MAX_PAGES:
            issues.append(error("discovery", path, doc.line_of(("max_results",)),
                                f"max_results must be a whole number from 1 to {PAGE_SIZE * MAX_PAGES}"))
        else:
            max_results = int(raw)
    queries: list[Query] = []
    raw_queries = data.get("queries")
    if not isinstance(raw_queries, list) or not raw_queries:
        issues.append(error("discovery", path, doc.line_of(("queries",)), "queries must be a non-empty list"))
        raw_queries = []
    for n, item in enumerate(raw_queries):
        line = doc.line_of(("queries", n))
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or "terms" not in item:
            issues.append(error("discovery", path, line, "each query needs a name and terms"))
            continue
        extra = sorted(set(item) - {"name", "terms", "categories"})
        if extra:
            issues.append(error("discovery", path, line, f"unknown field {extra[0]!r} in query {item['name']!r}"))
        terms = _text_list(item["terms"], path, doc.line_of(("queries", n, "terms")), "terms", issues)
        cats = _text_list(item.get("categories", []), path, doc.line_of(("queries", n, "categories")),
                          "categories", issues) if item.get("categories") else ()
        queries.append(Query(item["name"], terms, cats))
    s2 = _s2_config(doc, path, issues) if "semantic_scholar" in data else None
    if issues:
        raise SymkdError(issues)
    return DiscoveryConfig(tuple(queries), since, max_results, s2)


def _s2_config(doc: YamlDocument, path: str, issues: list[Issue]) -> S2Config | None:
    raw = doc.data["semantic_scholar"]
    line = doc.line_of(("semantic_scholar",))
    if not isinstance(raw, dict):
        issues.append(error("discovery", path, line, "semantic_scholar must be a mapping"))
        return None
    for key in sorted(set(raw) - {"seeds", "citations_max", "recommendations_max"}):
        issues.append(error("discovery", path, doc.line_of(("semantic_scholar", key), key=True),
                            f"unknown field {key!r} in semantic_scholar",
                            "fields are seeds, citations_max, recommendations_max"))
    config = S2Config()
    seeds = config.seeds
    if "seeds" in raw:
        seeds = _text_list(raw["seeds"], path, doc.line_of(("semantic_scholar", "seeds")), "seeds", issues)
        bad = [s for s in seeds if s not in ("curated", "survey")]
        if bad:
            issues.append(error("discovery", path, doc.line_of(("semantic_scholar", "seeds")),
                                f"unknown entry source {bad[0]!r} in seeds", "curated, survey"))
    counts = {}
    for name, limit in (("citations_max", 9_000), ("recommendations_max", 500)):
        value = str(raw.get(name, getattr(config, name)))
        if not value.isdigit() or int(value) > limit:
            issues.append(error("discovery", path, doc.line_of(("semantic_scholar", name)),
                                f"{name} must be a whole number from 0 to {limit}"))
            value = "0"
        counts[name] = int(value)
    return S2Config(seeds, counts["citations_max"], counts["recommendations_max"])


def load_config(repo: Repository) -> DiscoveryConfig:
    file = repo.root / CONFIG_FILE
    doc, issues = read_mapping(file, CONFIG_FILE)
    if doc is None:
        raise SymkdError(issues)
    return parse_config(doc, CONFIG_FILE)


# --------------------------------------------------------------------------- arXiv search


def search_url(client: ArxivClient, search_query: str, start: int, count: int) -> str:
    query = urlencode({"search_query": search_query, "start": str(start), "max_results": str(count),
                       "sortBy": "submittedDate", "sortOrder": "descending"})
    return client.url_format.replace("{}", query, 1)


def search_arxiv(client: ArxivClient, query: str, *, limit: int, page_size: int = PAGE_SIZE,
                 progress: Callable[[int, int], None] | None = None) -> list[ArxivRecord]:
    """Every record arXiv returns for ``query``, page by page, up to ``limit``.

    Each page goes through the client's retry policy (a 503 or an empty page is retried) and
    its disk cache; paging stops at the reported total, at ``limit``, or at a page with no
    entries once the reported total is reached."""
    records: list[ArxivRecord] = []
    start = 0
    for _ in range(MAX_PAGES):
        count = min(page_size, limit - start)
        if count <= 0:
            break
        url = search_url(client, query, start, count)
        page, total = _page(client, url, start, count)
        records.extend(page)
        start += len(page)
        if progress is not None:
            progress(start, min(total, limit))
        if not page or start >= total:
            break
    return records[:limit]


def _page(client: ArxivClient, url: str, start: int, count: int) -> tuple[list[ArxivRecord], int]:
    """One page of results and the reported total, from the cache or through the retry policy."""
    cached = client.cache.get("arxiv-search", url)
    if cached is not None:
        try:
            return _checked(cached.encode("utf-8"), parse_feed(cached.encode("utf-8"), 0), start, count)
        except NetworkError:  # a damaged cache file is only a cache miss
            pass

    def attempt() -> tuple[bytes, list[ArxivRecord], int]:
        body, records = client._request(url, 0)  # the client's own status handling and retry classes
        page, total = _checked(body, records, start, count)
        return body, page, total

    body, records, total = client.policy.run(attempt, on_retry=client._on_retry,
                                             deadline=client.deadline)
    client.cache.put("arxiv-search", url, body.decode("utf-8"))
    return records, total


def _checked(body: bytes, records: list[ArxivRecord], start: int, count: int) -> tuple[list[ArxivRecord], int]:
    """A page short of what its own total promises is a transient fault (retried)."""
    total = _total(body)
    expected = max(0, min(count, total - start))
    if len(records) < expected:
        if not records:
            raise RetryableError(f"arXiv sent an empty page (it reported {total} results)")
        raise RetryableError(f"arXiv sent {len(records)} of {expected} results")
    return records, total


def _total(content: bytes) -> int:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(content)
    text = (root.findtext("{http://a9.com/-/spec/opensearch/1.1/}totalResults") or "").strip()
    return int(text) if text.isdigit() else 0


# --------------------------------------------------------------------------- candidates


@dataclass(slots=True)
class Candidate:
    id: str
    """``arxiv:ID`` or ``doi:DOI``."""
    title: str = ""
    abstract: str = ""
    published: dt.date | None = None
    doi: str | None = None
    sources: set[str] = field(default_factory=set)
    cited_by: set[str] = field(default_factory=set)
    """Catalogue entries naming this work in their ``references``."""
    cites: set[str] = field(default_factory=set)
    """Catalogue entries this work cites (from Semantic Scholar's citations)."""
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    suggested_labels: list[str] = field(default_factory=list)
    """Suggested taxonomy values (``facet:value``), from the ranking's ``annotate`` callback."""

    def ids(self) -> list[str]:
        out = [self.id]
        if self.doi and f"doi:{self.doi}" != self.id:
            out.append(f"doi:{self.doi}")
        return out

    def to_mapping(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.title:
            data["title"] = self.title
        if self.published:
            data["published"] = self.published.isoformat()
        if self.doi:
            data["doi"] = self.doi
        data["sources"] = sorted(self.sources)
        data["score"] = f"{self.score:.3f}"
        data["cited_by"] = sorted(self.cited_by)
        if self.cites:
            data["cites"] = sorted(self.cites)
        data["reasons"] = list(self.reasons)
        if self.suggested_labels:
            data["suggested_labels"] = list(self.suggested_labels)
        return data


def candidate_from_record(record: ArxivRecord) -> Candidate | None:
    parsed = short_id(record)
    if parsed is None:
        return None
    doi = normalize_doi(record.doi.split()[0]) if record.doi else None
    return Candidate(f"arxiv:{parsed[0]}", title=record.title, abstract=" ".join(record.summary.split()),
                     published=record.published.date(), doi=doi, sources={SOURCE_ARXIV})


def citation_candidates(catalogue: Catalogue, minimum: int = 2) -> list[Candidate]:
    """Works outside the catalogue named in the ``references`` of ``minimum`` or more entries."""
    citers: dict[str, set[str]] = {}
    for loaded in catalogue:
        for ref in loaded.entry.references:
            norm = normalize_reference(ref)
            if norm is not None:
                citers.setdefault(norm, set()).add(loaded.key)
    return [Candidate(ref, sources={SOURCE_CITATIONS}, cited_by=keys)
            for ref, keys in sorted(citers.items()) if len(keys) >= minimum]


@dataclass(slots=True)
class DiscoveryResult:
    candidates: list[Candidate]
    identified: dict[str, int]
    """Records found per source (the core sources always; Semantic Scholar's when asked)."""
    duplicates: int
    issues: list[Issue] = field(default_factory=list)
    """What went wrong without stopping the run (a failed source, papers a source did not know)."""
    failed: list[str] = field(default_factory=list)
    """Sources that failed: they contributed nothing, so the run is incomplete."""
    ranking: Ranking = field(default_factory=lambda: Ranking(False))

    @property
    def complete(self) -> bool:
        return not self.failed


def discover(catalogue: Catalogue, config: DiscoveryConfig, client: ArxivClient | None, *,
             screened: SeenIndex, today: dt.date, since: dt.date | None = None,
             max_results: int | None = None,
             progress: Callable[[str], None] | None = None,
             s2: S2Discovery | None = None, negatives: Sequence[str] = (),
             history: History | None = None, scope: Sequence[str] = (),
             annotate: Callable[[Candidate], Sequence[str]] | None = None,
             citations: bool = True, listed: Sequence[Candidate] | None = None) -> DiscoveryResult:
    """Gather, deduplicate and rank. ``client`` None skips arXiv; ``s2`` None (or no
    ``semantic_scholar`` section in the configuration) skips Semantic Scholar. ``negatives``
    are the ids (``arxiv:``/``doi:``) of excluded works, the negative seeds of the
    recommendations; ``history``, ``scope`` (the facets whose values put an entry in scope) and
    ``annotate`` go to the ranking. ``citations`` False skips the catalogue's citation signal;
    ``listed`` are the works of a supplied list (source ``listed``, counted only when given)."""
    identified = dict.fromkeys(CORE_SOURCES, 0)
    gathered: list[Candidate] = []
    issues: list[Issue] = []
    failed: list[str] = []
    window = since or config.since
    if client is not None:
        for query in config.queries:
            if progress is not None:
                progress(f"searching arXiv: {query.name}")
            def pages(done: int, total: int, name: str = query.name) -> None:
                if progress is not None and total > PAGE_SIZE:
                    progress(f"arXiv {name}: {done} of {total} results")

            records = search_arxiv(client, query.search_query(window, None),
                                   limit=max_results or config.max_results, progress=pages)
            for record in records:
                cand = candidate_from_record(record)
                if cand is not None:
                    gathered.append(cand)
                    identified[SOURCE_ARXIV] += 1
    if citations:
        for cand in citation_candidates(catalogue):
            gathered.append(cand)
            identified[SOURCE_CITATIONS] += 1
    if listed is not None:
        gathered.extend(listed)
        identified[SOURCE_LISTED] = len(listed)
    if s2 is not None and config.s2 is not None:
        from symkd_survey.review.s2_candidates import gather_s2

        found = gather_s2(s2, catalogue, config.s2, negatives=negatives, since=window, progress=progress)
        for source, cands in found.candidates.items():
            identified[source] = len(cands)
            gathered.extend(cands)
        issues.extend(found.issues)
        failed.extend(found.failed)
    candidates, duplicates = deduplicate(gathered, catalogue_index(catalogue), screened)
    ranking = rank(candidates, catalogue, today, history=history, scope=scope, annotate=annotate)
    candidates.sort(key=lambda c: (-c.score, c.id))
    return DiscoveryResult(candidates, identified, duplicates, issues, failed, ranking)


def deduplicate(gathered: Iterable[Candidate], known: SeenIndex, screened: SeenIndex) -> tuple[list[Candidate], int]:
    """The candidates neither known nor screened, each work once (merged by id or title, keeping
    every source and citation signal); and how many records were removed."""
    merged: dict[str, Candidate] = {}
    titles: dict[str, str] = {}
    aliases: dict[str, str] = {}
    duplicates = 0
    for cand in gathered:
        norm_title = normalize_title(cand.title) if cand.title else ""
        if known.seen(cand) or screened.seen(cand):
            duplicates += 1
            continue
        key = next((aliases[i] for i in cand.ids() if i in aliases), None) or \
            (titles.get(norm_title) if norm_title else None)
        if key is not None:
            duplicates += 1
            other = merged[key]
            other.sources |= cand.sources
            other.cited_by |= cand.cited_by
            other.cites |= cand.cites
            other.title = other.title or cand.title
            other.abstract = other.abstract or cand.abstract
            other.published = other.published or cand.published
            other.doi = other.doi or cand.doi
            for alias in cand.ids():
                aliases.setdefault(alias, key)
            if norm_title:
                titles.setdefault(norm_title, key)
            continue
        merged[cand.id] = cand
        for alias in cand.ids():
            aliases.setdefault(alias, cand.id)
        if norm_title:
            titles[norm_title] = cand.id
    return list(merged.values()), duplicates
