"""Citation fetch from the Semantic Scholar Graph API: fill ``cites`` and ``references``.

One ``POST /graph/v1/paper/batch?fields=...`` asks for up to :data:`BATCH_SIZE` papers at a
time (by ``ARXIV:id``, ``DOI:doi`` or ``ACL:id``) with each reference's title and external
ids. The API answers a list in the order asked, with ``null`` for a paper it does not know.
Each reference is then matched to a catalogue entry by the one identity of a work
(:class:`symkd_survey.core.identity.SameWorkIndex`: arXiv id, DOI or ACL id; Semantic Scholar
lists no year or authors for a reference, so a title alone, which is no identity, is not
matched) and becomes a ``cites`` key; one that is not in the catalogue but has an arXiv id or a
DOI becomes a ``references`` item; the rest are counted and dropped.

Network rules shared with the other clients (:class:`~symkd_survey.sources.http_client.HttpClient`
makes every request, :class:`~symkd_survey.sources.retry_policy.RetryPolicy` paces and retries them,
:class:`~symkd_survey.sources.answer_cache.DiskCache` keeps the answers): backoff with jitter on 429 and
5xx answers, on timeouts and on answers cut short, at least 3 s between requests, answers
cached on disk per paper; no redirect to another host (so the API key never leaves the host it
was configured for), at most :data:`MAX_ANSWER_BYTES` per answer, and one deadline per request
(:attr:`S2Client.timeout`, 30 s). A refused connection or an unknown host fails at once
(waiting does not help when offline). Only ``cites`` and ``references`` ever change; existing
items are kept, and the lists are written sorted.

Environment: ``SYMKD_S2_URL`` (default https://api.semanticscholar.org), the optional
``SYMKD_S2_API_KEY``, sent as the ``x-api-key`` header, and the optional ``SYMKD_DEADLINE``
(seconds for all the requests of the command).
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symkd_survey.checking.validate import raise_on_errors, validate
from symkd_survey.core.catalogue import Catalogue, LoadedEntry, Repository
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.identity import SameWorkIndex, id_probes, normalize_reference, reference_of
from symkd_survey.core.ids import is_safe_url, normalize_arxiv_id, normalize_doi, unknown_key
from symkd_survey.core.issues import Issue, SymkdError, error, warning
from symkd_survey.core.model import entry_to_yaml
from symkd_survey.sources.answer_cache import DiskCache, default_cache_dir
from symkd_survey.sources.http_client import MIB, HttpClient, Response
from symkd_survey.sources.network_errors import NetworkError, RetryableError, Unreachable, printable
from symkd_survey.sources.retry_policy import Deadline, RetryPolicy, deadline_from_environment

S2_URL_ENV = "SYMKD_S2_URL"
S2_API_KEY_ENV = "SYMKD_S2_API_KEY"
DEFAULT_S2_URL = "https://api.semanticscholar.org"
BATCH_PATH = "/graph/v1/paper/batch"
FIELDS = "title,externalIds,references.title,references.externalIds"
BATCH_SIZE = 50
"""Papers per request. The API takes up to 500 ids but returns at most 10 MB and 9,999
references per call; 50 papers with up to 200 references each stay within both."""
MAX_ANSWER_BYTES = 10 * MIB
"""The largest answer read, before and after decompression: the API's own limit per call is
10 MB, so a larger answer is not from it."""
DEFAULT_TIMEOUT = 30.0
"""Seconds one request may take as a whole: connecting, waiting, and reading the answer."""
CACHE_NAMESPACE = "s2"


# --------------------------------------------------------------------------- the client


@dataclass(frozen=True, slots=True)
class S2Reference:
    """One reference of a paper as Semantic Scholar lists it (ids normalised, or None)."""

    title: str | None
    arxiv: str | None
    doi: str | None
    acl: str | None


@dataclass(frozen=True, slots=True)
class S2Paper:
    """A paper as Semantic Scholar knows it: its id and its references."""

    paper_id: str | None
    title: str | None
    references: tuple[S2Reference, ...]


def _reference(data: Any) -> S2Reference | None:
    if not isinstance(data, dict):
        return None
    external = data.get("externalIds") or {}
    if not isinstance(external, dict):
        external = {}
    arxiv = external.get("ArXiv")
    doi = external.get("DOI")
    acl = external.get("ACL")
    title = data.get("title")
    return S2Reference(
        title=title if isinstance(title, str) else None,
        arxiv=normalize_arxiv_id(arxiv) if isinstance(arxiv, str) else None,
        doi=normalize_doi(doi) if isinstance(doi, str) else None,
        acl=acl if isinstance(acl, str) else None,
    )


def parse_paper(data: Any) -> S2Paper | None:
    """One element of a batch answer; None for ``null`` (a paper the API does not know).

    Raises ValueError when the element is neither null nor a paper object.
    """
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError(f"expected a paper object or null, got {type(data).__name__}")
    references = data.get("references") or []
    if not isinstance(references, list):
        raise ValueError("'references' is not a list")
    found = (_reference(item) for item in references)
    paper_id, title = data.get("paperId"), data.get("title")
    return S2Paper(paper_id if isinstance(paper_id, str) else None, title if isinstance(title, str) else None,
                   tuple(ref for ref in found if ref is not None))


@dataclass(slots=True)
class S2Client:
    """A small client for the batch paper endpoint.

    ``timeout`` bounds each request as a whole, ``max_bytes`` each answer, and ``deadline``
    (optional) all of this client's requests together.
    """

    base_url: str = DEFAULT_S2_URL
    api_key: str | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    cache: DiskCache | None = None
    timeout: float = DEFAULT_TIMEOUT
    on_retry: Callable[[int, RetryableError, float], None] | None = None
    max_bytes: int = MAX_ANSWER_BYTES
    deadline: Deadline | None = None
    requests: int = 0
    """How many HTTP requests this client has sent (cache hits send none)."""
    http: HttpClient = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.http = HttpClient(self.where, timeout=self.timeout, max_bytes=self.max_bytes, deadline=self.deadline)

    @classmethod
    def from_env(cls, *, use_cache: bool = True, **options: Any) -> S2Client:
        """A client configured from ``SYMKD_S2_URL``, ``SYMKD_S2_API_KEY``, ``SYMKD_DEADLINE``
        and ``SYMKD_CACHE_DIR``; a bad URL or deadline is a :class:`SymkdError`."""
        url = os.environ.get(S2_URL_ENV) or DEFAULT_S2_URL
        if not is_safe_url(url):
            raise SymkdError([error("s2", S2_URL_ENV, 0, f"not an http(s) address: {url!r}",
                                    f"set {S2_URL_ENV} to e.g. {DEFAULT_S2_URL}, or unset it")])
        key = os.environ.get(S2_API_KEY_ENV) or None
        options.setdefault("deadline", deadline_from_environment())
        return cls(url.rstrip("/"), key, cache=DiskCache(default_cache_dir(), enabled=use_cache), **options)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url.rstrip('/')}{BATCH_PATH}?{urllib.parse.urlencode({'fields': FIELDS})}"

    @property
    def where(self) -> str:
        """How messages name the service: ``Semantic Scholar (URL)``."""
        return f"Semantic Scholar ({self.base_url})"

    def papers(self, ids: Sequence[str]) -> dict[str, S2Paper | None]:
        """Semantic Scholar's record of each id (``ARXIV:...``, ``DOI:...``, ``ACL:...``),
        None for those it does not know. Cached records are not asked for again.

        Raises :class:`NetworkError` when a request fails for good.
        """
        result: dict[str, S2Paper | None] = {}
        wanted: list[str] = []
        for paper_id in dict.fromkeys(ids):
            cached = self.cache.get(CACHE_NAMESPACE, self._cache_key(paper_id)) if self.cache else None
            paper = self._from_cache(cached)
            if paper is not None:
                result[paper_id] = paper
            else:
                wanted.append(paper_id)
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start:start + BATCH_SIZE]
            answer = self.policy.run(functools.partial(self._post, batch), self.on_retry, deadline=self.deadline)
            for paper_id, raw in zip(batch, answer, strict=True):
                try:
                    paper = parse_paper(raw)
                except ValueError as exc:
                    raise NetworkError(f"Semantic Scholar sent an unexpected answer for {paper_id}: {exc}") from None
                result[paper_id] = paper
                if paper is not None and self.cache is not None:  # unknown papers are asked again next time
                    self.cache.put(CACHE_NAMESPACE, self._cache_key(paper_id), json.dumps(raw))
        return result

    def _cache_key(self, paper_id: str) -> str:
        return f"{FIELDS}|{paper_id}"

    @staticmethod
    def _from_cache(text: str | None) -> S2Paper | None:
        if text is None:
            return None
        try:
            return parse_paper(json.loads(text))
        except (ValueError, RecursionError):  # includes JSONDecodeError: a damaged cache file is ignored
            return None

    def exchange(self, method: str, url: str, payload: bytes | None = None, *,
                 not_found: Callable[[str], NetworkError] | None = None) -> Response:
        """One request to the API (JSON accepted, the key sent when set), counted; the complete
        answer when it is a success. An unreachable host, a retryable status and a refusal raise
        the network errors the retry policy knows; ``not_found`` makes the error of an HTTP 404
        from its detail (by default a refusal like any other)."""
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["x-api-key"] = self.api_key
        where = self.where
        self.requests += 1
        try:
            response = self.http.request(method, url, body=payload, headers=headers)
        except Unreachable as exc:
            if exc.offline:
                raise NetworkError(f"cannot reach {where}: {exc.reason}; are you offline?") from None
            raise
        if not response.ok:
            detail = _error_detail(response.body)
            if response.status == 404 and not_found is not None:
                raise not_found(detail)
            if response.retryable:
                raise response.error(f"{where} answered HTTP {response.status}{detail}")
            hint = f"; check {S2_API_KEY_ENV}" if response.status in (401, 403) else ""
            raise NetworkError(f"{where} refused the request: HTTP {response.status}{detail}{hint}")
        return response

    def _post(self, batch: list[str]) -> list[Any]:
        where = self.where
        response = self.exchange("POST", self.endpoint, json.dumps({"ids": batch}).encode("utf-8"))
        try:
            answer = json.loads(response.body)
        except ValueError:
            raise RetryableError(f"{where} sent an answer that is not JSON") from None
        except RecursionError:
            raise NetworkError(f"{where} sent JSON nested too deeply to read") from None
        if not isinstance(answer, list) or len(answer) != len(batch):
            raise NetworkError(f"{where} sent an unexpected answer: expected a list of {len(batch)} papers")
        return answer


def _error_detail(body: bytes) -> str:
    """`` (message)`` from a JSON error answer, or nothing."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, RecursionError):
        return ""
    message = data.get("error") or data.get("message") if isinstance(data, dict) else None
    return f" ({printable(message, 200)})" if isinstance(message, str) and message else ""


# --------------------------------------------------------------------------- matching to the catalogue


def s2_id(item: LoadedEntry) -> str | None:
    """The id to ask Semantic Scholar for an entry: arXiv, else DOI, else ACL Anthology."""
    ids = item.entry.ids
    if ids.arxiv:
        return f"ARXIV:{ids.arxiv}"
    if ids.doi:
        return f"DOI:{ids.doi}"
    if ids.acl:
        return f"ACL:{ids.acl}"
    return None


def match_reference(ref: S2Reference, index: SameWorkIndex) -> tuple[str | None, str | None]:
    """(catalogue key, None) for a work in the catalogue (by arXiv id, DOI or ACL id); (None,
    "arxiv:..."/"doi:...") for one outside it; (None, None) when it cannot be identified."""
    probes = id_probes(arxiv=ref.arxiv, doi=ref.doi, acl=ref.acl)
    found = index.find_ids(probes)
    if found is not None:
        return found[1], None
    return None, next((outside for probe in probes if (outside := reference_of(probe))), None)


# --------------------------------------------------------------------------- planning and writing


@dataclass(slots=True)
class CiteUpdate:
    """The new text of one entry file, with what was added."""

    key: str
    path: str
    file: Path
    old_text: str
    new_text: str
    added_cites: list[str]
    added_references: list[str]
    unidentified: int = 0

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.old_text.splitlines(keepends=True),
                                            self.new_text.splitlines(keepends=True),
                                            f"a/{self.path}", f"b/{self.path}"))


@dataclass(slots=True)
class CiteFetch:
    """What a citation fetch would change, and what it could not do (warnings)."""

    updates: list[CiteUpdate]
    issues: list[Issue]
    requests: int

    @property
    def changed(self) -> list[CiteUpdate]:
        return [u for u in self.updates if u.changed]


def _select(catalogue: Catalogue, keys: Iterable[str]) -> list[LoadedEntry]:
    chosen = list(dict.fromkeys(keys))
    unknown = [key for key in chosen if key not in catalogue.entries]
    if unknown:
        raise SymkdError([unknown_key(key, catalogue.entries) for key in unknown])
    return [catalogue.entries[key] for key in chosen] if chosen else list(catalogue)


def plan_cite_fetch(repo: Repository, keys: Sequence[str], client: S2Client) -> CiteFetch:
    """Ask Semantic Scholar for the references of ``keys`` (all entries when empty) and work
    out each entry's new text. Nothing is written.

    The whole catalogue must validate (errors abort: a broken entry could not be matched),
    and each entry asked for must be in canonical form (``symkd format``), so that the only
    change is to ``cites`` and ``references``.
    """
    result = validate(repo)
    raise_on_errors(result)
    catalogue = result.catalogue
    chosen = _select(catalogue, keys)
    issues: list[Issue] = []
    asked: dict[str, LoadedEntry] = {}
    texts: dict[str, str] = {}
    for item in chosen:
        file = repo.entry_file(item.key)
        text = file.read_text(encoding="utf-8")
        if entry_to_yaml(item.entry) != text:
            issues.append(error("format", item.path, 0, "the file is not in canonical form",
                                f"run 'symkd format {item.path}' first, so that only cites and references change"))
            continue
        paper_id = s2_id(item)
        if paper_id is None:
            issues.append(warning("s2", item.path, 0, "no arXiv id, DOI or ACL id to look the paper up by",
                                  "add one under ids, or fill cites by hand"))
            continue
        asked[paper_id] = item
        texts[item.key] = text
    if any(issue.is_error for issue in issues):
        raise SymkdError(issues)
    try:
        papers = client.papers(list(asked))
    except NetworkError as exc:
        raise SymkdError([error("network", "symkd", 0, str(exc), "nothing was changed; try again later")]) from None
    index = SameWorkIndex.of((item.key, item.entry) for item in catalogue)
    updates: list[CiteUpdate] = []
    for paper_id, item in asked.items():
        paper = papers.get(paper_id)
        if paper is None:
            issues.append(warning("s2", item.path, item.line("ids"), f"Semantic Scholar does not know {paper_id}",
                                  "nothing to add for this entry"))
            continue
        updates.append(_update(repo, item, texts[item.key], paper, index))
    return CiteFetch(updates, issues, client.requests)


def _update(repo: Repository, item: LoadedEntry, text: str, paper: S2Paper, index: SameWorkIndex) -> CiteUpdate:
    cites = set(item.entry.cites)
    references = set(item.entry.references)
    known_refs = {normalize_reference(ref) for ref in references}
    added_cites: list[str] = []
    added_refs: list[str] = []
    unidentified = 0
    for ref in paper.references:
        key, outside = match_reference(ref, index)
        if key is not None:
            if key != item.key and key not in cites:
                cites.add(key)
                added_cites.append(key)
        elif outside is not None:
            if outside not in known_refs:
                known_refs.add(outside)
                references.add(outside)
                added_refs.append(outside)
        else:
            unidentified += 1
    new_text = text
    if added_cites or added_refs:  # an entry with nothing new keeps its text, even an unsorted list
        entry = item.entry.model_copy(update={"cites": sorted(cites), "references": sorted(references)})
        new_text = entry_to_yaml(entry)
    return CiteUpdate(item.key, item.path, repo.entry_file(item.key), text, new_text,
                      sorted(added_cites), sorted(added_refs), unidentified)


def write_updates(updates: Iterable[CiteUpdate]) -> list[CiteUpdate]:
    """Write every changed entry (atomically, one file at a time); return those written."""
    written = []
    for update in updates:
        if update.changed:
            atomic_write(update.file, update.new_text)
            written.append(update)
    return written
