"""``symkd refresh``: arXiv's current metadata against the catalogue, as a diff; writes only with --write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from symkd_survey.core.catalogue import Repository, load_entry
from symkd_survey.core.model import Entry
from symkd_survey.sources.arxiv_feed import ArxivAuthor, ArxivRecord
from symkd_survey.sources.refresh import refreshed_entry

from .arxiv_support import FakeArxiv, Reply
from .conftest import REPO_ROOT, seeded_repository

Run = Callable[..., tuple[int, str, str]]
SEEDED = ("west2022symbolic", "gulcehre2023reinforced", "mitra2023orca", "chiang2023vicuna")


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, SEEDED)


def snapshot(repo: Repository) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(repo.catalogue_dir.iterdir())}


def add_preprint(repo: Repository, fake: FakeArxiv, run_cli: Run) -> Path:
    """``symkd add`` the 2104.08164 preprint, then do what a contributor does next."""
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    assert run_cli("--root", repo.root, "add", "2104.08164")[0] == 0
    file = repo.entry_file("decao2021editing")
    text = file.read_text(encoding="utf-8").replace("  area: []\n", "  area: [editing]\n")
    text += 'summary: "Our own one-sentence summary."\n'
    file.write_text(text, encoding="utf-8")
    assert run_cli("--root", repo.root, "format", file)[0] == 0
    return file


def test_real_preprint_entries_are_up_to_date(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    """The shipped misc entries, against arXiv's record of them: nothing to change (author names
    such as "Le Paine, Tom" and "Del Corro, Luciano" read the same as arXiv's)."""
    fake.serve("2308.08998,2311.11045", Reply("catalogue_misc.xml"))
    before = snapshot(repo)
    status, out, err = run_cli("--root", repo.root, "refresh", "mitra2023orca", "gulcehre2023reinforced")
    assert (status, err) == (0, "")
    assert out == "2 entries checked against arXiv: all up to date\n"
    assert snapshot(repo) == before
    assert fake.queries[0]["max_results"] == "2"


EXPECTED_DIFF = """\
--- catalogue/decao2021editing.yaml
+++ catalogue/decao2021editing.yaml (arXiv 2104.08164v2)
@@ -5,8 +5,8 @@
   - "Titov, Ivan"
 year: 2021
 type: misc
-note: "arXiv preprint arXiv:2104.08164"
-ids: {arxiv: "2104.08164"}
+note: "Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing (EMNLP), pages 6491-6506"
+ids: {arxiv: "2104.08164", doi: "10.18653/v1/2021.emnlp-main.522"}
 primary_class: "cs.CL"
 taxonomy:
   method: []
"""


def test_a_preprint_now_published(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    file = add_preprint(repo, fake, run_cli)
    fake.serve("2104.08164", Reply("decao_published.xml"))
    shown = file.read_text(encoding="utf-8")
    status, out, err = run_cli("--root", repo.root, "refresh", "decao2021editing")
    assert (status, err) == (0, "")
    assert out == EXPECTED_DIFF + ("1 entry checked against arXiv: 1 would change; "
                                   "run 'symkd refresh --write' to apply\n")
    assert file.read_text(encoding="utf-8") == shown  # nothing written without --write
    status, out, err = run_cli("--root", repo.root, "refresh", "--write", "decao2021editing")
    assert (status, err) == (0, "")
    assert out == EXPECTED_DIFF + "1 entry checked against arXiv: 1 updated\n"
    loaded, issues = load_entry(file, "decao2021editing.yaml")
    assert loaded is not None and not issues
    entry = loaded.entry
    assert entry.ids.doi == "10.18653/v1/2021.emnlp-main.522"
    assert entry.note == ("Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing "
                          "(EMNLP), pages 6491-6506")
    assert (entry.labels("area"), entry.summary, entry.type) == (["editing"], "Our own one-sentence summary.", "misc")
    # one request for add, one for both refreshes (answers are reused for the day)
    assert len(fake.requests) == 2
    status, out, _ = run_cli("--root", repo.root, "refresh", "decao2021editing")
    assert out == "1 entry checked against arXiv: all up to date\n"
    assert run_cli("--root", repo.root, "validate", "--strict", file)[0] == 0


def test_every_entry_with_an_arxiv_id_by_default(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    (repo.catalogue_dir / "west2022symbolic.yaml").unlink()
    add_preprint(repo, fake, run_cli)
    fake.serve("2104.08164,2308.08998,2311.11045", Reply(body=_with_published_decao()))
    status, out, _ = run_cli("--root", repo.root, "refresh")
    assert status == 0
    assert out.endswith("3 entries checked against arXiv: 1 would change; run 'symkd refresh --write' to apply\n")
    assert out.count("\n--- catalogue/") + out.startswith("--- catalogue/") == 1


def _with_published_decao() -> bytes:
    from .arxiv_support import DATA

    misc = (DATA / "catalogue_misc.xml").read_text(encoding="utf-8")
    decao = (DATA / "decao_published.xml").read_text(encoding="utf-8")
    entry = decao[decao.index("  <entry>") : decao.index("</feed>")]
    return misc.replace("</feed>", entry + "</feed>").replace(
        ">2</opensearch:totalResults>", ">3</opensearch:totalResults>").encode()


def test_no_cache_asks_again(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2308.08998", Reply("catalogue_misc.xml"))
    for _ in range(2):
        assert run_cli("--root", repo.root, "refresh", "--no-cache", "gulcehre2023reinforced")[0] == 0
    assert len(fake.requests) == 2


def test_unknown_key_and_entry_without_arxiv_id(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    status, out, err = run_cli("--root", repo.root, "refresh", "gulcehre2023reinforcd", "chiang2023vicuna")
    assert (status, out) == (1, "")
    assert err == ("symkd refresh:0: [unknown-key] no catalogue entry 'gulcehre2023reinforcd' "
                   "(did you mean 'gulcehre2023reinforced'?)\n"
                   "catalogue/chiang2023vicuna.yaml:0: [refresh] 'chiang2023vicuna' has no arXiv id; "
                   "nothing to refresh\n")
    assert fake.requests == []


def test_id_unknown_to_arxiv_is_named_at_the_entry(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2308.08998", Reply("nonexistent.xml"))
    status, out, err = run_cli("--root", repo.root, "refresh", "gulcehre2023reinforced")
    assert (status, out) == (1, "")
    line = next(n for n, text in enumerate(
        (repo.catalogue_dir / "gulcehre2023reinforced.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("ids:"))
    assert err == (f"catalogue/gulcehre2023reinforced.yaml:{line}: [arxiv-missing] arXiv has no paper with id "
                   "2308.08998 (check the id; a withdrawn paper keeps its record, so the id is probably wrong)\n")


def test_network_failure_writes_nothing(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2308.08998", Reply(status=503, body=b"busy"))
    before = snapshot(repo)
    status, out, err = run_cli("--root", repo.root, "refresh", "--write", "gulcehre2023reinforced")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == ("arxiv:0: [network] arXiv answered HTTP 503 (service unavailable); gave up "
                                    "after 4 attempts (arXiv may be busy: try again later (answers already "
                                    "received are cached))")
    assert len(fake.requests) == 4
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- which fields may change


def _result(**fields: Any) -> ArxivRecord:
    base = ArxivRecord(
        "http://arxiv.org/abs/2110.07178v2",
        published=dt.datetime(2021, 10, 14, tzinfo=dt.UTC),
        updated=dt.datetime(2021, 10, 14, tzinfo=dt.UTC),
        title="A Different Title on arXiv",
        authors=(ArxivAuthor("Somebody Else"),),
        doi="10.9999/other",
        journal_ref="Somewhere 2022",
        primary_category="cs.AI",
    )
    return dataclasses.replace(base, **fields)


def _shipped(key: str) -> Entry:
    loaded, issues = load_entry(REPO_ROOT / "catalogue" / f"{key}.yaml", key, Repository(REPO_ROOT).entry_model())
    assert loaded is not None and not issues
    return loaded.entry


def test_published_entry_keeps_its_venue_record() -> None:
    entry = _shipped("west2022symbolic")
    new = refreshed_entry(entry, _result(), "2110.07178")
    assert new.title == entry.title and new.authors == entry.authors and new.note == entry.note
    assert new.ids.doi == entry.ids.doi  # a publisher DOI is never replaced
    assert new.primary_class == "cs.AI"
    for field in ("taxonomy", "survey", "summary", "cites", "distillation", "type", "venue", "year", "added"):
        assert getattr(new, field) == getattr(entry, field)


def test_arxiv_datacite_doi_gives_way_to_the_publisher_doi() -> None:
    entry = _shipped("gulcehre2023reinforced")
    assert entry.ids.doi == "10.48550/arxiv.2308.08998"
    new = refreshed_entry(entry, _result(doi="10.1234/Published.1"), "2308.08998")
    assert new.ids.doi == "10.1234/published.1"
    assert new.note == "Somewhere 2022"
    assert new.title == "A Different Title on arXiv"
    assert new.authors == ["Else, Somebody"]
    for field in ("taxonomy", "survey", "summary", "cites", "distillation"):
        assert getattr(new, field) == getattr(entry, field)


# --------------------------------------------------------------------------- TeX in arXiv titles (issue 14)

def _added_before_decoding(repo: Repository, fake: FakeArxiv, run_cli: Run, arxiv_id: str, file: str,
                           key: str, raw_title: str) -> Path:
    """``symkd add``, then the title put back as arXiv sent it: an entry from before titles were decoded."""
    fake.serve(arxiv_id, Reply(file))
    assert run_cli("--root", repo.root, "add", arxiv_id)[0] == 0
    path = repo.entry_file(key)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
             if not line.startswith(("#", "bibtex:"))]
    lines[0] = "title: " + json.dumps(raw_title, ensure_ascii=False) + "\n"
    text = "".join(lines).replace("  method: []\n", "  method: [direct]\n")
    path.write_text(text.replace("  application: []\n", "  application: [commonsense]\n"), encoding="utf-8")
    return path


TODAY = dt.date.today().isoformat()
TEX_DIFF = f"""\
--- catalogue/tester2024distilling.yaml
+++ catalogue/tester2024distilling.yaml (arXiv 2401.00004v1)
@@ -1,4 +1,4 @@
-title: "Distilling Attention in $O(n^2)$ Time and $\\\\mathcal{{O}}(1)$ Memory"
+title: "Distilling Attention in O(n²) Time and 𝒪(1) Memory"
 authors:
   - "Tester, Ada"
 year: 2024
@@ -12,5 +12,6 @@
   area: []
   opportunity: []
   challenge: []
+bibtex: {{title: "Distilling Attention in $O(n^2)$ Time and $\\\\mathcal{{O}}(1)$ Memory"}}
 source: curated
 added: "{TODAY}"
"""


def test_a_raw_tex_title_is_decoded_and_kept_for_bibtex(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    path = _added_before_decoding(repo, fake, run_cli, "2401.00004", "tex_math.xml", "tester2024distilling",
                                  r"Distilling Attention in $O(n^2)$ Time and $\mathcal{O}(1)$ Memory")
    status, out, err = run_cli("--root", repo.root, "refresh", "--write", "tester2024distilling")
    assert (status, err) == (0, "")
    assert out == TEX_DIFF + "1 entry checked against arXiv: 1 updated\n"
    assert run_cli("--root", repo.root, "refresh", "tester2024distilling")[1] == (
        "1 entry checked against arXiv: all up to date\n")
    assert run_cli("--root", repo.root, "validate", "--strict", path)[0] == 0


def test_a_raw_tex_title_that_maps_needs_no_override(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    path = _added_before_decoding(repo, fake, run_cli, "2401.00001", "tex_symbols.xml", "tester2024test",
                                  r"$\omega$Test: Testing WebAssembly Runtimes with Llama-$\alpha$")
    status, out, err = run_cli("--root", repo.root, "refresh", "--write", "tester2024test")
    assert (status, err) == (0, "")
    assert ('-title: "$\\\\omega$Test: Testing WebAssembly Runtimes with Llama-$\\\\alpha$"\n'
            '+title: "ωTest: Testing WebAssembly Runtimes with Llama-α"\n') in out
    assert "bibtex" not in out
    assert out.endswith("1 entry checked against arXiv: 1 updated\n")
    assert run_cli("--root", repo.root, "validate", "--strict", path)[0] == 0


def _misc(title: str, bibtex: str | None = None) -> Entry:
    data: dict[str, Any] = {"title": title, "authors": ["Tester, Ada"], "year": 2024, "type": "misc",
                            "source": "curated", "added": "2026-01-01", "ids": {"arxiv": "2110.07178"}}
    if bibtex is not None:
        data["bibtex"] = {"title": bibtex}
    return Entry.model_validate(data)


@pytest.mark.parametrize(("entry", "arxiv", "title", "override"), [
    # the same title: a written override wins, even over arXiv's TeX
    (_misc("Sorting in O(n²)", "Sorting in {$O(n^2)$}"), r"Sorting in $O(n^2)$", "Sorting in O(n²)",
     "Sorting in {$O(n^2)$}"),
    # the same title, no override: arXiv's TeX becomes one where the text is not exact
    (_misc("Sorting in O(n²)"), r"Sorting in $O(n^2)$", "Sorting in O(n²)", r"Sorting in $O(n^2)$"),
    (_misc("BERT for ωTest", "{BERT} for {$\\omega$Test}"), r"BERT for $\omega$Test", "BERT for ωTest",
     "{BERT} for {$\\omega$Test}"),
    # a new title: the override of the old one goes, arXiv's TeX comes when needed
    (_misc("Old Title", "{Old} Title"), r"New $\alpha$ Title", "New α Title", None),
    (_misc("Old Title", "{Old} Title"), r"New $O(1)$ Title", "New O(1) Title", r"New $O(1)$ Title"),
])
def test_refreshed_title_and_its_override(entry: Entry, arxiv: str, title: str, override: str | None) -> None:
    new = refreshed_entry(entry, _result(title=arxiv), "2110.07178")
    assert new.title == title
    assert (new.bibtex.title if new.bibtex is not None else None) == override
