"""Citation fetch from Semantic Scholar, against a real HTTP server on 127.0.0.1.

The answers under tests/data/s2/ are hand-made in the API's shape (see the README there).
Retries run with an injected sleep, so that no test waits for the backoff.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.identity import SameWorkIndex
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry, entry_to_yaml
from symkd_survey.sources.answer_cache import DiskCache
from symkd_survey.sources.retry_policy import RetryPolicy
from symkd_survey.sources.s2 import (
    BATCH_PATH,
    FIELDS,
    S2_API_KEY_ENV,
    S2_URL_ENV,
    S2Client,
    S2Reference,
    match_reference,
    plan_cite_fetch,
    write_updates,
)

from .conftest import DATA

Run = Callable[..., tuple[int, str, str]]
S2_DATA = DATA / "s2"


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return ("127.0.0.1", 0)


def answer(name: str) -> Any:
    return json.loads((S2_DATA / name).read_text(encoding="utf-8"))


def entry(title: str, year: int, ids: dict[str, str] | None = None, **fields: Any) -> Entry:
    return Entry.model_validate({"title": title, "authors": ["Doe, Jane"], "year": year, "type": "misc",
                                 "ids": ids or {}, "source": "curated", "added": dt.date(2026, 11, 28), **fields})


CATALOGUE = {
    "west2022symbolic": entry("Symbolic Knowledge Distillation: from General Language Models to Commonsense Models",
                              2022, {"arxiv": "2110.07178"}, references=["arxiv:2203.02155v3"]),
    "vaswani2017attention": entry("Attention Is All You Need", 2017, {"arxiv": "1706.03762"}),
    "hwang2021comet": entry("COMET-ATOMIC 2020: On Symbolic and Neural Commonsense Knowledge Graphs", 2021,
                            {"doi": "10.1609/aaai.v35i7.16792"}),
    "brown2020language": entry("Language Models are Few-Shot Learners", 2020),
    "doe2023unknown": entry("A Preprint Semantic Scholar Has Never Seen", 2023, {"arxiv": "2301.00001"}),
}


@pytest.fixture
def repo(repo_copy: Repository) -> Repository:
    for file in repo_copy.catalogue_dir.iterdir():
        file.unlink()
    for key, value in CATALOGUE.items():
        repo_copy.entry_file(key).write_text(entry_to_yaml(value), encoding="utf-8")
    return repo_copy


def snapshot(repo: Repository) -> dict[str, str]:
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(repo.catalogue_dir.iterdir())}


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client_for(tmp_path: Path, sleeps: list[float]) -> Callable[..., S2Client]:
    def make(url: str, *, attempts: int = 4, timeout: float = 5.0, cache: bool = True) -> S2Client:
        policy = RetryPolicy(attempts=attempts, sleep=sleeps.append, rng=random.Random(0))
        return S2Client(url.rstrip("/"), policy=policy, cache=DiskCache(tmp_path / "cache", enabled=cache),
                        timeout=timeout)
    return make


def expect_batch(server: HTTPServer, ids: list[str]) -> Any:
    return server.expect_ordered_request(BATCH_PATH, method="POST", query_string={"fields": FIELDS},
                                         json={"ids": ids})


WEST_AFTER = entry_to_yaml(CATALOGUE["west2022symbolic"].model_copy(update={
    "cites": ["hwang2021comet", "vaswani2017attention"],
    "references": ["arxiv:2104.08691", "arxiv:2203.02155v3", "doi:10.18653/v1/p19-1470"],
}))


def test_success_maps_references_to_cites_and_references(httpserver: HTTPServer, repo: Repository,
                                                          client_for: Callable[..., S2Client]) -> None:
    expect_batch(httpserver, ["ARXIV:2110.07178"]).respond_with_json(answer("batch_west.json"))
    before = snapshot(repo)
    plan = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert plan.issues == [] and plan.requests == 1 and len(httpserver.log) == 1
    (update,) = plan.changed
    # By arXiv id and by DOI (whatever its case); the paper itself is not its own citation. A title
    # alone is not the identity of a work: "Language Models are Few-Shot Learners" comes without a
    # year or authors, so it is not matched to brown2020language.
    assert update.added_cites == ["hwang2021comet", "vaswani2017attention"]
    # arXiv's DOI is the arXiv id, already listed with a version; the talk and the title-only
    # reference have no id.
    assert update.added_references == ["arxiv:2104.08691", "doi:10.18653/v1/p19-1470"]
    assert update.unidentified == 2
    assert update.new_text == WEST_AFTER
    assert snapshot(repo) == before  # planning writes nothing
    assert "+cites:\n+  - hwang2021comet\n" in update.diff()
    assert update.diff().startswith("--- a/catalogue/west2022symbolic.yaml\n+++ b/catalogue/west2022symbolic.yaml\n")
    write_updates(plan.updates)
    assert snapshot(repo) == {**before, "west2022symbolic.yaml": WEST_AFTER}


def test_429_then_success_waits_as_told(httpserver: HTTPServer, repo: Repository, sleeps: list[float],
                                        client_for: Callable[..., S2Client]) -> None:
    expect_batch(httpserver, ["ARXIV:2110.07178"]).respond_with_json(
        {"message": "Too Many Requests"}, status=429, headers={"Retry-After": "7"})
    expect_batch(httpserver, ["ARXIV:2110.07178"]).respond_with_json(answer("batch_west.json"))
    plan = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert len(httpserver.log) == 2 and plan.requests == 2
    assert 7.0 in sleeps  # Retry-After is honoured
    assert plan.changed[0].new_text == WEST_AFTER
    httpserver.check_assertions()


def test_500_then_success(httpserver: HTTPServer, repo: Repository, client_for: Callable[..., S2Client]) -> None:
    expect_batch(httpserver, ["ARXIV:2110.07178"]).respond_with_data("oops", status=500)
    expect_batch(httpserver, ["ARXIV:2110.07178"]).respond_with_json(answer("batch_west.json"))
    plan = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert len(httpserver.log) == 2
    assert plan.changed[0].new_text == WEST_AFTER


def test_500_every_time_gives_up_and_changes_nothing(httpserver: HTTPServer, repo: Repository,
                                                     client_for: Callable[..., S2Client]) -> None:
    httpserver.expect_request(BATCH_PATH, method="POST").respond_with_data("oops", status=503)
    before = snapshot(repo)
    with pytest.raises(SymkdError) as caught:
        plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/"), attempts=3))
    url = httpserver.url_for("/").rstrip("/")
    assert [i.format() for i in caught.value.issues] == [
        f"symkd:0: [network] Semantic Scholar ({url}) answered HTTP 503 (gave up after 3 attempts) "
        "(nothing was changed; try again later)"]
    assert len(httpserver.log) == 3 and snapshot(repo) == before


def test_a_paper_semantic_scholar_does_not_know(httpserver: HTTPServer, repo: Repository,
                                                client_for: Callable[..., S2Client]) -> None:
    expect_batch(httpserver, ["ARXIV:2110.07178", "ARXIV:2301.00001"]).respond_with_json(
        answer("batch_west_unknown.json"))
    plan = plan_cite_fetch(repo, ["west2022symbolic", "doe2023unknown"], client_for(httpserver.url_for("/")))
    assert [i.format() for i in plan.issues] == [
        "catalogue/doe2023unknown.yaml:6: [s2] warning: Semantic Scholar does not know ARXIV:2301.00001 "
        "(nothing to add for this entry)"]
    assert [u.key for u in plan.changed] == ["west2022symbolic"] and len(httpserver.log) == 1


def test_entry_without_identifier_is_a_warning_and_not_asked(httpserver: HTTPServer, repo: Repository,
                                                             client_for: Callable[..., S2Client]) -> None:
    plan = plan_cite_fetch(repo, ["brown2020language"], client_for(httpserver.url_for("/")))
    assert [i.format() for i in plan.issues] == [
        "catalogue/brown2020language.yaml:0: [s2] warning: no arXiv id, DOI or ACL id to look the paper up by "
        "(add one under ids, or fill cites by hand)"]
    assert plan.updates == [] and len(httpserver.log) == 0


def test_timeout_is_retried_then_reported(repo: Repository, client_for: Callable[..., S2Client]) -> None:
    # A server that accepts connections and never answers: every attempt times out.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        before = snapshot(repo)
        with pytest.raises(SymkdError) as caught:
            plan_cite_fetch(repo, ["west2022symbolic"], client_for(f"http://127.0.0.1:{port}", attempts=2,
                                                                   timeout=0.3))
        silent.settimeout(0.5)
        connections = []
        with pytest.raises(TimeoutError):
            while True:
                connection, _ = silent.accept()
                connections.append(connection)
        for connection in connections:
            connection.close()
    assert len(connections) == 2  # one request per attempt
    assert [i.format() for i in caught.value.issues] == [
        f"symkd:0: [network] Semantic Scholar (http://127.0.0.1:{port}) did not answer within 0.3 s "
        "(gave up after 2 attempts) (nothing was changed; try again later)"]
    assert snapshot(repo) == before


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port  # nothing listens there any more


def test_offline_fails_at_once(repo: Repository, closed_port: int, sleeps: list[float],
                               client_for: Callable[..., S2Client]) -> None:
    before = snapshot(repo)
    client = client_for(f"http://127.0.0.1:{closed_port}")
    with pytest.raises(SymkdError) as caught:
        plan_cite_fetch(repo, ["west2022symbolic"], client)
    assert [i.format() for i in caught.value.issues] == [
        f"symkd:0: [network] cannot reach Semantic Scholar (http://127.0.0.1:{closed_port}): connection refused; "
        "are you offline? (nothing was changed; try again later)"]
    assert client.requests == 1 and sleeps == []  # no retry: waiting does not bring the network back
    assert snapshot(repo) == before


def test_permanent_refusal_is_not_retried(httpserver: HTTPServer, repo: Repository,
                                          client_for: Callable[..., S2Client]) -> None:
    httpserver.expect_request(BATCH_PATH, method="POST").respond_with_json(
        {"error": "Unacceptable query params"}, status=400)
    with pytest.raises(SymkdError) as caught:
        plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert "refused the request: HTTP 400 (Unacceptable query params)" in caught.value.issues[0].message
    assert len(httpserver.log) == 1


def test_cache_spares_the_second_request(httpserver: HTTPServer, repo: Repository,
                                         client_for: Callable[..., S2Client]) -> None:
    httpserver.expect_request(BATCH_PATH, method="POST").respond_with_json(answer("batch_west.json"))
    first = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    second = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert (first.requests, second.requests, len(httpserver.log)) == (1, 0, 1)
    assert second.changed[0].new_text == WEST_AFTER
    uncached = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/"), cache=False))
    assert uncached.requests == 1 and len(httpserver.log) == 2


def test_unknown_key_and_non_canonical_file_are_refused_before_any_request(
        httpserver: HTTPServer, repo: Repository, client_for: Callable[..., S2Client]) -> None:
    with pytest.raises(SymkdError) as caught:
        plan_cite_fetch(repo, ["west2022symbolik"], client_for(httpserver.url_for("/")))
    assert [i.format() for i in caught.value.issues] == [
        "symkd:0: [unknown-key] no catalogue entry 'west2022symbolik' (did you mean 'west2022symbolic'?)"]
    file = repo.entry_file("west2022symbolic")
    file.write_text(file.read_text().replace("year: 2022", "year: '2022'"))
    with pytest.raises(SymkdError) as caught:
        plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert [i.format() for i in caught.value.issues] == [
        "catalogue/west2022symbolic.yaml:0: [format] the file is not in canonical form (run 'symkd format "
        "catalogue/west2022symbolic.yaml' first, so that only cites and references change)"]
    assert len(httpserver.log) == 0


def test_nothing_new_leaves_the_file_alone(httpserver: HTTPServer, repo: Repository,
                                           client_for: Callable[..., S2Client]) -> None:
    httpserver.expect_request(BATCH_PATH, method="POST").respond_with_json(answer("batch_west.json"))
    write_updates(plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/"))).updates)
    again = plan_cite_fetch(repo, ["west2022symbolic"], client_for(httpserver.url_for("/")))
    assert again.changed == [] and again.updates[0].added_cites == []


# --------------------------------------------------------------------------- the command


@pytest.fixture
def s2_env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, tmp_path: Path) -> HTTPServer:
    monkeypatch.setenv(S2_URL_ENV, httpserver.url_for("/"))
    monkeypatch.setenv("SYMKD_CACHE_DIR", str(tmp_path / "cli-cache"))
    monkeypatch.delenv(S2_API_KEY_ENV, raising=False)
    return httpserver


def test_cli_prints_a_diff_and_writes_only_with_write(s2_env: HTTPServer, repo: Repository, run_cli: Run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(S2_API_KEY_ENV, "secret-key")
    s2_env.expect_request(BATCH_PATH, method="POST", headers={"x-api-key": "secret-key"}).respond_with_json(
        answer("batch_west.json"))
    before = snapshot(repo)
    status, out, err = run_cli("--root", repo.root, "cite-fetch", "west2022symbolic")
    assert status == 0 and snapshot(repo) == before
    assert out.startswith("--- a/catalogue/west2022symbolic.yaml\n") and "+  - vaswani2017attention\n" in out
    assert err == "1 entries would change (+2 cites, +2 references); run with --write to apply\n"
    status, out, err = run_cli("--root", repo.root, "cite-fetch", "west2022symbolic", "--write")
    assert status == 0
    assert out == "updated catalogue/west2022symbolic.yaml: +2 cites, +2 references\n"
    assert snapshot(repo) == {**before, "west2022symbolic.yaml": WEST_AFTER}
    assert len(s2_env.log) == 1  # the second run was answered from the cache
    status, out, err = run_cli("--root", repo.root, "validate")
    assert status == 0, err


def test_cli_offline_is_one_issue_line(monkeypatch: pytest.MonkeyPatch, repo: Repository, run_cli: Run,
                                       closed_port: int, tmp_path: Path) -> None:
    monkeypatch.setenv(S2_URL_ENV, f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("SYMKD_CACHE_DIR", str(tmp_path / "cli-cache"))
    status, out, err = run_cli("--root", repo.root, "cite-fetch", "west2022symbolic", "--write")
    assert status == 1 and out == ""
    assert err == (f"symkd:0: [network] cannot reach Semantic Scholar (http://127.0.0.1:{closed_port}): "
                   "connection refused; are you offline? (nothing was changed; try again later)\n")


def test_cli_refuses_a_bad_address(monkeypatch: pytest.MonkeyPatch, repo: Repository, run_cli: Run) -> None:
    monkeypatch.setenv(S2_URL_ENV, "file:///etc/passwd")
    status, _, err = run_cli("--root", repo.root, "cite-fetch")
    assert status == 1
    assert err == ("SYMKD_S2_URL:0: [s2] not an http(s) address: 'file:///etc/passwd' "
                   "(set SYMKD_S2_URL to e.g. https://api.semanticscholar.org, or unset it)\n")


def test_the_command_deadline_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, repo: Repository,
                                                        run_cli: Run) -> None:
    monkeypatch.setenv("SYMKD_DEADLINE", "45")
    client = S2Client.from_env(use_cache=False)
    assert client.deadline is not None and client.deadline.seconds == 45.0
    assert client.http.deadline is client.deadline and client.http.max_bytes == 10 * 1024 * 1024
    monkeypatch.setenv("SYMKD_DEADLINE", "soon")
    status, _, err = run_cli("--root", repo.root, "cite-fetch")
    assert status == 1
    assert err == "SYMKD_DEADLINE:0: [config] must be a positive number of seconds, got 'soon'\n"


def test_a_reference_is_matched_by_the_identity_of_a_work() -> None:
    """ACL ids in either case, arXiv's DOI as the arXiv id; outside the catalogue, the canonical reference."""
    index = SameWorkIndex.of([
        ("hwang2019comet", entry("COMET: Commonsense Transformers", 2019, {"acl": "P19-1470"})),
        ("west2022symbolic", CATALOGUE["west2022symbolic"]),
    ])
    assert match_reference(S2Reference("COMET", None, None, "p19-1470"), index) == ("hwang2019comet", None)
    assert match_reference(S2Reference(None, None, "10.48550/arxiv.2110.07178", None), index) == \
        ("west2022symbolic", None)
    assert match_reference(S2Reference(None, None, "10.48550/arXiv.2203.02155", None), index) == \
        (None, "arxiv:2203.02155")
    assert match_reference(S2Reference("COMET: Commonsense Transformers", None, None, None), index) == (None, None)
