"""Finding candidate works for the living survey: arXiv search and the catalogue's own citations.

The loop is: ``discovery.yaml`` (versioned queries) -> :func:`search_arxiv` (the API's
``search_query`` with paging, through the project's one HTTP client and retry policy) plus
:func:`citation_candidates` (works outside the catalogue named in the ``references`` of two or
more entries) -> :func:`discover` (deduplicated against the catalogue and every earlier
screening decision, by arXiv id ignoring version, DOI and normalised title) -> ranked by
:func:`rank` (TF-IDF similarity to the catalogue, citation overlap, recency) -> the queue file,
``screening/queue.yaml`` (see :mod:`symkd_survey.review.review_files`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from symkd_survey.core.catalogue import Catalogue, Repository
from symkd_survey.core.identity import entry_references, normalize_reference
from symkd_survey.core.ids import normalize_doi, normalize_title
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.yamlio import YamlDocument, read_mapping
from symkd_survey.sources.arxiv_client import ArxivClient
from symkd_survey.sources.arxiv_feed import ArxivRecord, parse_feed, short_id
from symkd_survey.sources.network_errors import NetworkError, RetryableError

CONFIG_FILE = "discovery.yaml"
SCREENING_DIR = "screening"
PAGE_SIZE = 100
"""Results asked for per search request."""
MAX_PAGES = 50
"""No query is paged further than this, whatever arXiv reports as its total."""

SOURCE_ARXIV = "arxiv-search"
SOURCE_CITATIONS = "catalogue-citations"
SOURCES = (SOURCE_ARXIV, SOURCE_CITATIONS)


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
class DiscoveryConfig:
    queries: tuple[Query, ...]
    since: dt.date | None
    max_results: int


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
    unknown = sorted(set(data) - {"since", "max_results", "queries"})
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
    if issues:
        raise SymkdError(issues)
    return DiscoveryConfig(tuple(queries), since, max_results)


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
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

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
        data["reasons"] = list(self.reasons)
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


def rank(candidates: Sequence[Candidate], catalogue: Catalogue, today: dt.date) -> None:
    """Score each candidate in place: ``text + 0.2 * min(citing entries, 5) + 0.3 * recency``.

    ``text`` is the best cosine similarity (TF-IDF, scikit-learn, English stop words, sublinear
    tf) of the candidate's title and abstract to one catalogue entry's title and summary;
    ``recency`` falls linearly from 1 (today) to 0 (three years old)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    docs = [f"{e.entry.title} {e.entry.summary or ''}" for e in catalogue]
    keys = [e.key for e in catalogue]
    texts = [f"{c.title} {c.abstract}".strip() for c in candidates]
    best: list[tuple[float, str]] = [(0.0, "")] * len(candidates)
    if docs and any(texts):
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        matrix = vectorizer.fit_transform(docs + texts)
        sims = cosine_similarity(matrix[len(docs):], matrix[: len(docs)])
        for n in range(len(candidates)):
            if texts[n]:
                j = int(sims[n].argmax())
                best[n] = (float(sims[n, j]), keys[j])
    for n, cand in enumerate(candidates):
        text, nearest = best[n]
        cites = len(cand.cited_by)
        recency = 0.0
        if cand.published is not None:
            age = (today - cand.published).days
            recency = max(0.0, min(1.0, 1 - age / (3 * 365)))
        cand.score = round(text + 0.2 * min(cites, 5) + 0.3 * recency, 3)
        cand.reasons = []
        if text > 0:
            cand.reasons.append(f"text similarity {text:.2f} (nearest: {nearest})")
        if cites:
            cand.reasons.append(f"cited by {cites} catalogue papers")
        if cand.published is not None:
            cand.reasons.append(f"recency {recency:.2f} (published {cand.published.isoformat()})")


@dataclass(slots=True)
class DiscoveryResult:
    candidates: list[Candidate]
    identified: dict[str, int]
    duplicates: int


def discover(catalogue: Catalogue, config: DiscoveryConfig, client: ArxivClient | None, *,
             screened: SeenIndex, today: dt.date, since: dt.date | None = None,
             max_results: int | None = None,
             progress: Callable[[str], None] | None = None) -> DiscoveryResult:
    """Gather, deduplicate and rank. ``client`` None skips arXiv (citation signals only)."""
    identified = dict.fromkeys(SOURCES, 0)
    gathered: list[Candidate] = []
    if client is not None:
        for query in config.queries:
            if progress is not None:
                progress(f"searching arXiv: {query.name}")
            def pages(done: int, total: int, name: str = query.name) -> None:
                if progress is not None and total > PAGE_SIZE:
                    progress(f"arXiv {name}: {done} of {total} results")

            records = search_arxiv(client, query.search_query(since or config.since, None),
                                   limit=max_results or config.max_results, progress=pages)
            for record in records:
                cand = candidate_from_record(record)
                if cand is not None:
                    gathered.append(cand)
                    identified[SOURCE_ARXIV] += 1
    for cand in citation_candidates(catalogue):
        gathered.append(cand)
        identified[SOURCE_CITATIONS] += 1
    known = catalogue_index(catalogue)
    merged: dict[str, Candidate] = {}
    titles: dict[str, str] = {}
    duplicates = 0
    for cand in gathered:
        norm_title = normalize_title(cand.title) if cand.title else ""
        key = next((i for i in cand.ids() if i in merged), None) or (titles.get(norm_title) if norm_title else None)
        if known.seen(cand) or screened.seen(cand):
            duplicates += 1
            continue
        if key is not None:
            duplicates += 1
            other = merged[key]
            other.sources |= cand.sources
            other.cited_by |= cand.cited_by
            other.title = other.title or cand.title
            other.abstract = other.abstract or cand.abstract
            other.published = other.published or cand.published
            continue
        merged[cand.id] = cand
        if norm_title:
            titles[norm_title] = cand.id
    candidates = list(merged.values())
    rank(candidates, catalogue, today)
    candidates.sort(key=lambda c: (-c.score, c.id))
    return DiscoveryResult(candidates, identified, duplicates)
