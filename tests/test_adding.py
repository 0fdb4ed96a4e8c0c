"""``symkd add`` end to end: arXiv answers from a real server on 127.0.0.1, files in a real repository."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository, load_entry
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.keys import title_word, unique_key
from symkd_survey.core.model import Entry
from symkd_survey.sources.adding import (
    ArxivTitle,
    NewEntry,
    arxiv_title,
    entry_from_result,
    entry_key,
    family_given,
    given_family,
    write_additions,
)
from symkd_survey.sources.arxiv_feed import ArxivAuthor, ArxivRecord
from symkd_survey.sources.bib_text import _keeps_letters

from .arxiv_support import DATA, FakeArxiv, Reply, closed_port
from .conftest import REPO_ROOT, SOURCES, seeded_repository

Run = Callable[..., tuple[int, str, str]]
SEVERAL = "2104.08164,2203.15556,2210.11416"
TODAY = dt.date.today().isoformat()
SEEDED = ("west2022symbolic", "gulcehre2023reinforced", "mitra2023orca")


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return seeded_repository(tmp_path, SEEDED)


def files(repo: Repository) -> list[str]:
    return sorted(p.name for p in repo.catalogue_dir.iterdir())


def strip_header(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


DECAO = f"""title: "Editing Factual Knowledge in Language Models"
authors:
  - "De Cao, Nicola"
  - "Aziz, Wilker"
  - "Titov, Ivan"
year: 2021
type: misc
note: "arXiv preprint arXiv:2104.08164"
ids: {{arxiv: "2104.08164"}}
primary_class: "cs.CL"
taxonomy:
  method: []
  application: []
  area: []
  opportunity: []
  challenge: []
source: curated
added: "{TODAY}"
"""


def test_add_several_ids_in_any_form(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve(SEVERAL, Reply("several.xml"))
    status, out, err = run_cli("--root", repo.root, "add", "https://arxiv.org/pdf/2104.08164v1",
                               "arXiv:2203.15556v1", "https://arxiv.org/abs/2210.11416", "2104.08164")
    assert (status, err) == (0, "")
    assert out == (
        "added catalogue/decao2021editing.yaml (arXiv 2104.08164v1)\n"
        "added catalogue/hoffmann2022training.yaml (arXiv 2203.15556v1)\n"
        "added catalogue/chung2022scaling.yaml (arXiv 2210.11416v5)\n"
        "3 entries added: fill in the taxonomy (ids are listed at the top of each file), then run 'symkd validate'\n")
    assert fake.requests == [SEVERAL]
    assert files(repo) == sorted(["chung2022scaling.yaml", "decao2021editing.yaml", "hoffmann2022training.yaml",
                                  *(f"{key}.yaml" for key in SEEDED)])
    text = repo.entry_file("decao2021editing").read_text(encoding="utf-8")
    assert strip_header(text) == DECAO
    assert text.startswith(f"# New entry from arXiv 2104.08164v1, written by 'symkd add' on {TODAY}.\n")
    taxonomy = repo.load_taxonomy()
    ids = " ".join(line.strip("# \n") for line in text.splitlines() if line.startswith("#"))
    for facet in ("method", "application"):
        assert f"{facet}: {', '.join(taxonomy.node_ids(facet))}" in ids
    hoffmann = strip_header(repo.entry_file("hoffmann2022training").read_text(encoding="utf-8"))
    assert '  - "de Las Casas, Diego"\n' in hoffmann
    assert '  - "van den Driessche, George"\n' in hoffmann
    chung = strip_header(repo.entry_file("chung2022scaling").read_text(encoding="utf-8"))
    assert '  - "Hou, Le"\n' in chung and '  - "Le, Quoc V."\n' in chung
    assert 'note: "Journal of Machine Learning Research 25(70):1-53, 2024"\n' in chung
    assert "year: 2022\n" in chung  # the year of the first arXiv version


def test_authors_match_the_shared_bib(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    """arXiv's "Given Family" names come out exactly as the verified bib spells them."""
    fake.serve(SEVERAL, Reply("several.xml"))
    assert run_cli("--root", repo.root, "add", *SEVERAL.split(","))[0] == 0
    bib = (SOURCES / "acharya2024_references.bib").read_text(encoding="utf-8")
    for key, bib_key in (("decao2021editing", "decao2021editing"), ("hoffmann2022training", "hoffmann2022training"),
                         ("chung2022scaling", "chung2024scaling")):
        loaded, issues = load_entry(repo.entry_file(key), key)
        assert loaded is not None and not issues
        found = re.search(r"\{" + bib_key + r",\n(?:.*\n)*?\s*author = \{(.*)\},\n", bib)
        assert found is not None
        assert loaded.entry.authors == [" ".join(a.split()) for a in re.split(r"\s+and\s+", found.group(1))]


def test_old_style_id_with_journal_reference_and_doi(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("hep-th/9711200", Reply("old_style.xml"))
    status, out, err = run_cli("--root", repo.root, "add", "https://arxiv.org/abs/hep-th/9711200v2")
    assert (status, err) == (0, "")
    assert out.startswith("added catalogue/maldacena1997large.yaml (arXiv hep-th/9711200v3)\n")
    text = strip_header(repo.entry_file("maldacena1997large").read_text(encoding="utf-8"))
    assert text.startswith(
        'title: "The Large N Limit of Superconformal Field Theories and Supergravity"\n'
        'authors:\n  - "Maldacena, Juan M."\nyear: 1997\ntype: misc\n'
        'note: "Adv.Theor.Math.Phys.2:231-252,1998"\n'
        'ids: {arxiv: "hep-th/9711200", doi: "10.1023/a:1026654312961"}\n'
        "primary_class: hep-th\n")


def test_an_id_already_in_the_catalogue_is_refused(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "arXiv:2110.07178v2", "2104.08164")
    assert (status, out) == (1, "")
    assert err == ("symkd add:0: [exists] arXiv 2110.07178 is already in the catalogue as 'west2022symbolic' "
                   "(catalogue/west2022symbolic.yaml) (run 'symkd refresh west2022symbolic' to update its metadata)\n")
    assert fake.requests == []  # a refused batch asks arXiv nothing
    assert files(repo) == before


def test_ids_that_are_not_arxiv_ids(repo: Repository, fake: FakeArxiv, run_cli: Run, tmp_path: Path) -> None:
    listing = tmp_path / "ids.txt"
    listing.write_text("# papers to add\n2104.08164\n\n2110.7178  # typo\nhttps://arxiv.org/abs/banana\n",
                       encoding="utf-8")
    status, out, err = run_cli("--root", repo.root, "add", "--from", listing)
    assert (status, out) == (1, "")
    hint = ("write it as 2110.07178, 2110.07178v2, arXiv:2110.07178, https://arxiv.org/abs/2110.07178 "
            "or hep-th/9901001")
    assert err == (f"{listing}:4: [arxiv-id] '2110.7178' is not an arXiv id ({hint})\n"
                   f"{listing}:5: [arxiv-id] 'https://arxiv.org/abs/banana' is not an arXiv id ({hint})\n")
    assert fake.requests == []


def test_ids_from_a_file_and_from_standard_input(repo: Repository, fake: FakeArxiv, run_cli: Run,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.serve(SEVERAL, Reply("several.xml"))
    listing = tmp_path / "ids.txt"
    listing.write_text("2104.08164\n2203.15556v1\n# comment\narXiv:2210.11416\n", encoding="utf-8")
    status, out, _ = run_cli("--root", repo.root, "add", "--dry-run", "--from", listing)
    assert status == 0 and out.count("# ==> catalogue/") == 3
    monkeypatch.setattr("sys.stdin", io.StringIO("2104.08164\n2203.15556\n2210.11416\n"))
    status, out, _ = run_cli("--root", repo.root, "add", "--from", "-")
    assert status == 0 and out.count("added catalogue/") == 3
    assert fake.requests == [SEVERAL]  # the dry run's answer was cached


def test_ids_and_from_together(repo: Repository, run_cli: Run) -> None:
    status, _, err = run_cli("--root", repo.root, "add", "2104.08164", "--from", "ids.txt")
    assert (status, err) == (1, "symkd add:0: [args] give arXiv ids or --from FILE, not both\n")


def test_unreadable_id_file(repo: Repository, run_cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    status, _, err = run_cli("--root", repo.root, "add", "--from", missing)
    assert (status, err) == (1, f"{missing}:0: [io] cannot read the file: No such file or directory\n")


def test_nonexistent_id_writes_nothing(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2104.08164,2410.99999", Reply(body=(DATA / "decao_preprint.xml").read_bytes()))
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164", "2410.99999")
    assert (status, out) == (1, "")
    assert err == ("symkd add:0: [arxiv-missing] arXiv has no paper with id 2410.99999 "
                   "(check the id: https://arxiv.org/abs/2410.99999)\n")
    assert files(repo) == before
    assert len(fake.requests) == 1


def test_nonexistent_id_alone(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2410.99999", Reply("nonexistent.xml"))
    status, _, err = run_cli("--root", repo.root, "add", "2410.99999")
    assert status == 1
    assert err.startswith("symkd add:0: [arxiv-missing] arXiv has no paper with id 2410.99999")
    assert len(fake.requests) == 1


def test_malformed_id_fails_at_once(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("hep-th/9913001", Reply("malformed_id.xml", status=400))
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "hep-th/9913001")
    assert (status, out) == (1, "")
    assert err == ("arxiv:0: [network] arXiv refused the query (HTTP 400): incorrect id format for hep-th/9913001 "
                   "(check the id on https://arxiv.org; a refused query is not retried)\n")
    assert len(fake.requests) == 1
    assert files(repo) == before


@pytest.mark.parametrize(("first", "said"), [
    (Reply(status=503, body=b"busy"), "arXiv answered HTTP 503 (service unavailable)"),
    (Reply(status=429, body=b"slow down"), "arXiv answered HTTP 429 (too many requests)"),
    (Reply("empty_page.xml"), "arXiv sent an empty page (it reported 1 results)"),
    (Reply("decao_preprint.xml", delay=1.0), "arXiv did not answer within 0.3 s"),
])
def test_transient_fault_then_success(repo: Repository, fake: FakeArxiv, run_cli: Run,
                                      monkeypatch: pytest.MonkeyPatch, first: Reply, said: str) -> None:
    monkeypatch.setenv("SYMKD_ARXIV_TIMEOUT", "0.3")
    fake.serve("2104.08164", first, Reply("decao_preprint.xml"))
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164")
    assert status == 0
    assert err == f"symkd: retrying: {said} (retry 1 of 3 in 0.0 s)\n"
    assert out.startswith("added catalogue/decao2021editing.yaml (arXiv 2104.08164v1)\n")
    assert len(fake.requests) == 2
    assert strip_header(repo.entry_file("decao2021editing").read_text(encoding="utf-8")) == DECAO


@pytest.mark.parametrize(("reply", "message", "hint"), [
    (Reply("malformed.xml"), "arXiv sent malformed XML (no element found: line 29, column 0)",
     "arXiv may be busy: try again later (answers already received are cached)"),
    (Reply(status=503, body=b"busy"), "arXiv answered HTTP 503 (service unavailable)",
     "arXiv may be busy: try again later (answers already received are cached)"),
    (Reply("decao_preprint.xml", delay=0.6), "arXiv did not answer within 0.2 s",
     "arXiv may be busy: try again later, or set SYMKD_ARXIV_TIMEOUT to wait longer"),
])
def test_persistent_fault_writes_nothing(repo: Repository, fake: FakeArxiv, run_cli: Run,
                                         monkeypatch: pytest.MonkeyPatch,
                                         reply: Reply, message: str, hint: str) -> None:
    monkeypatch.setenv("SYMKD_ARXIV_TIMEOUT", "0.2")
    fake.serve("2104.08164", reply)
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164")
    assert (status, out) == (1, "")
    *retries, last = err.splitlines()
    assert retries == [f"symkd: retrying: {message} (retry {n} of 3 in 0.0 s)" for n in (1, 2, 3)]
    assert last == f"arxiv:0: [network] {message}; gave up after 4 attempts ({hint})"
    assert len(fake.requests) == 4
    assert files(repo) == before


def test_offline_is_one_line_and_exit_1(repo: Repository, run_cli: Run, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    port = closed_port()
    monkeypatch.setenv("SYMKD_ARXIV_URL", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("SYMKD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SYMKD_MIN_INTERVAL", "0")
    monkeypatch.setenv("SYMKD_RETRY_BASE", "0")
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"arxiv:0: [network] cannot connect to arXiv at 127.0.0.1:{port} (connection refused); gave up after "
        "4 attempts (check your network connection, or set SYMKD_ARXIV_URL to a reachable mirror)")
    assert files(repo) == before


def test_dry_run_prints_and_writes_nothing_then_the_cache_answers(repo: Repository, fake: FakeArxiv,
                                                                   run_cli: Run) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "--dry-run", "2104.08164")
    assert status == 0
    assert err == "1 entry would be added; nothing was written\n"
    assert out.startswith("# ==> catalogue/decao2021editing.yaml (dry run: not written) <==\n# New entry from arXiv")
    assert strip_header(out) == DECAO
    assert files(repo) == before
    status, out, _ = run_cli("--root", repo.root, "add", "2104.08164")
    assert status == 0 and repo.entry_file("decao2021editing").exists()
    assert len(fake.requests) == 1  # the same ids again: no second request


def test_no_cache_asks_again(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    assert run_cli("--root", repo.root, "add", "--dry-run", "2104.08164")[0] == 0
    assert run_cli("--root", repo.root, "add", "--dry-run", "--no-cache", "2104.08164")[0] == 0
    assert len(fake.requests) == 2


def test_abstract_only_on_request(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    status, out, _ = run_cli("--root", repo.root, "add", "--dry-run", "--abstract", "2104.08164")
    assert status == 0
    assert ('abstract: "Dummy summary written for the symkd-survey tests; it is not the paper\'s abstract."\n'
            in out)
    assert "abstract:" not in run_cli("--root", repo.root, "add", "--dry-run", "2104.08164")[1]


def test_key_made_unique_against_existing_files(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    # a different paper already holds the key this one would get
    other = (REPO_ROOT / "catalogue" / "west2022symbolic.yaml").read_text(encoding="utf-8")
    (repo.catalogue_dir / "west2022symbolic.yaml").unlink()
    repo.entry_file("decao2021editing").write_text(other, encoding="utf-8")
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    status, out, _ = run_cli("--root", repo.root, "add", "2104.08164")
    assert status == 0
    assert out.startswith("added catalogue/decao2021editing-2.yaml (arXiv 2104.08164v1)\n")
    assert repo.entry_file("decao2021editing").read_text(encoding="utf-8") == other


def test_same_paper_under_another_identifier_is_refused(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    """A published entry without arXiv id, then its preprint: the validate checks catch it."""
    repo.entry_file("decao2021emnlp").write_text(
        'title: "Editing Factual Knowledge in Language Models"\nauthors: ["De Cao, Nicola"]\nyear: 2021\n'
        'type: inproceedings\nids: {doi: "10.18653/v1/2021.emnlp-main.522"}\nsource: curated\nadded: "2026-01-01"\n',
        encoding="utf-8")
    fake.serve("2104.08164", Reply("decao_preprint.xml"))
    before = files(repo)
    status, out, err = run_cli("--root", repo.root, "add", "2104.08164")
    assert (status, out) == (1, "")
    first, second = err.splitlines()
    assert re.fullmatch(r"catalogue/decao2021editing\.yaml:\d+: \[duplicate\] same title as 'decao2021emnlp' "
                        r"\(catalogue/decao2021emnlp\.yaml\) \(one paper, one entry: merge the two\)", first)
    assert second == "symkd add:0: [add] nothing was written"
    assert files(repo) == before


def test_a_broken_catalogue_file_stops_add(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    (repo.catalogue_dir / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    status, _, err = run_cli("--root", repo.root, "add", "2104.08164")
    assert status == 1
    assert err.splitlines()[-1] == ("catalogue:0: [catalogue] the catalogue has files that do not load "
                                    "(fix them first ('symkd validate'), then add)")
    assert fake.requests == []


def test_progress_when_adding_many(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.synthesize = True
    ids = [f"2301.{n:05d}" for n in range(1, 151)]
    status, out, err = run_cli("--root", repo.root, "add", *ids)
    assert status == 0
    assert err == "arXiv: 100 of 150 ids\narXiv: 150 of 150 ids\n"
    assert out.count("added catalogue/") == 150
    assert len(fake.requests) == 2
    assert repo.entry_file("tester12023synthetic").exists()


def test_added_entries_validate_once_taxonomy_is_filled(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve(SEVERAL + ",hep-th/9711200", Reply(body=_combined_feed()))
    status, _, _ = run_cli("--root", repo.root, "add", *SEVERAL.split(","), "hep-th/9711200")
    assert status == 0
    added = [repo.entry_file(k) for k in ("decao2021editing", "hoffmann2022training", "chung2022scaling",
                                          "maldacena1997large")]
    for file in added:
        text = file.read_text(encoding="utf-8")
        text = text.replace("  method: []\n", "  method: [direct]\n").replace(
            "  application: []\n", "  application: [commonsense]\n")
        file.write_text(text, encoding="utf-8")
    status, out, err = run_cli("--root", repo.root, "validate", "--strict", *added)
    assert (status, err) == (0, "")
    assert out == "4 files checked: 0 errors, 0 warnings: ok\n"
    status, out, _ = run_cli("--root", repo.root, "format", *added)  # drops the comment header
    assert status == 0 and not repo.entry_file("decao2021editing").read_text(encoding="utf-8").startswith("#")
    assert run_cli("--root", repo.root, "validate", "--strict", *added)[0] == 0


def _combined_feed() -> bytes:
    several = (DATA / "several.xml").read_text(encoding="utf-8")
    old = (DATA / "old_style.xml").read_text(encoding="utf-8")
    entry = old[old.index("  <entry>") : old.index("</feed>")]
    return several.replace("</feed>", entry + "</feed>").replace(
        ">3</opensearch:totalResults>", ">4</opensearch:totalResults>").encode()


# --------------------------------------------------------------------------- units


def test_existing_files_block_all_writes(repo: Repository, tmp_path: Path) -> None:
    entry = Entry(title="T", authors=["A, B"], year=2020, type="misc", source="curated", added=dt.date(2026, 1, 1))
    first = NewEntry("a2020t", repo.entry_file("a2020t"), "catalogue/a2020t.yaml", entry, "title: x\n", "2001.00001",
                     None)
    second = NewEntry("west2022symbolic", repo.entry_file("west2022symbolic"), "catalogue/west2022symbolic.yaml",
                      entry, "title: y\n", "2001.00002", None)
    with pytest.raises(SymkdError) as caught:
        write_additions([first, second])
    assert [i.format() for i in caught.value.issues] == [
        "catalogue/west2022symbolic.yaml:0: [exists] the file exists already; nothing was written"]
    assert not first.path.exists()


@pytest.mark.parametrize(("name", "expected"), [
    ("Peter West", "West, Peter"),
    ("Ronan Le Bras", "Le Bras, Ronan"),
    ("Tom Le Paine", "Le Paine, Tom"),
    ("Nando de Freitas", "de Freitas, Nando"),
    ("Diego de Las Casas", "de Las Casas, Diego"),
    ("Cyprien de Masson d'Autume", "de Masson d'Autume, Cyprien"),
    ("Luciano Del Corro", "Del Corro, Luciano"),
    ("Quoc V. Le", "Le, Quoc V."),
    ("Le Hou", "Hou, Le"),
    ("Yu Du", "Du, Yu"),
    ("Houbing Herbert Song", "Song, Houbing Herbert"),
    ("Rémi Leblond", "Leblond, Rémi"),
    ("  Jena   D.  Hwang ", "Hwang, Jena D."),
    ("Martin Luther King Jr.", "King Jr., Martin Luther"),
    ("OpenAI", "OpenAI"),
])
def test_family_given(name: str, expected: str) -> None:
    assert family_given(name) == expected


def test_family_given_on_every_name_in_the_shared_bib() -> None:
    """Every "Family, Given" of the verified bib survives the trip through arXiv's display
    order, except names whose multi-word family part has no particle: no rule can split those."""
    text = (SOURCES / "acharya2024_references.bib").read_text(encoding="utf-8")
    names = {" ".join(n.split()) for field in re.findall(r"\n\s*author = \{(.*)\},\n", text)
             for n in re.split(r"\s+and\s+", field) if "," in n}
    wrong = sorted(n for n in names if family_given(given_family(n)) != n)
    assert len(names) > 1000
    assert wrong == ["Dalvi Mishra, Bhavana", "Pinto, Henrique Ponde de Oliveira", "Pouran Ben Veyseh, Amir",
                     "Sanchez Elias, Jaume", "Sutherland Robson, Esme", "Villanova del Moral, Albert"]


@pytest.mark.parametrize(("title", "word"), [
    ("Symbolic Knowledge Distillation: from General Language Models to Commonsense Models", "symbolic"),
    ("The Large N Limit of Superconformal Field Theories", "large"),
    ("Towards Reasoning in Large Language Models: A Survey", "reasoning"),
    ("On the Opportunities and Risks of Foundation Models", "opportunities"),
    ("{I2D2}: Inductive Knowledge Distillation", "i2d2"),
    ("Self-Instruct: Aligning Language Models with Self-Generated Instructions", "selfinstruct"),
    ("A", "paper"),
])
def test_title_word(title: str, word: str) -> None:
    assert title_word(title) == word


def test_keys() -> None:
    entry = Entry(title="The Large N Limit", authors=["Maldacena, Juan M."], year=1997, type="misc",
                  source="curated", added=dt.date(2026, 1, 1))
    assert entry_key(entry) == "maldacena1997large"
    taken = {"maldacena1997large", "maldacena1997large-2"}
    assert unique_key("maldacena1997large", taken.__contains__) == "maldacena1997large-3"
    assert unique_key("maldacena1997large", set().__contains__) == "maldacena1997large"
    long = entry.model_copy(update={"authors": ["X" * 80 + ", Y"], "title": "Z" * 80})
    assert len(entry_key(long)) <= 61


def test_entry_from_result_keeps_only_bibliographic_facts() -> None:
    result = ArxivRecord(
        "http://arxiv.org/abs/2104.08164v2", published=dt.datetime(2021, 4, 16, tzinfo=dt.UTC),
        updated=dt.datetime(2021, 4, 16, tzinfo=dt.UTC),
        title="Editing  Factual\n  Knowledge", authors=(ArxivAuthor("Nicola De Cao"),),
        summary="  A dummy\n summary. ", journal_ref="EMNLP\n 2021", doi="10.18653/V1/2021.EMNLP-MAIN.522 10.1/x",
        primary_category="cs.CL")
    entry = entry_from_result(result, "2104.08164", today=dt.date(2026, 1, 2), abstract=True)
    assert entry.title == "Editing Factual Knowledge"
    assert entry.note == "EMNLP 2021"
    assert entry.ids.doi == "10.18653/v1/2021.emnlp-main.522"
    assert entry.abstract == "A dummy summary."
    assert (entry.type, entry.source, entry.added, entry.year) == ("misc", "curated", dt.date(2026, 1, 2), 2021)
    assert entry.taxonomy == {}
    assert entry_from_result(result, "2104.08164", today=dt.date(2026, 1, 2)).abstract is None


# --------------------------------------------------------------------------- TeX in arXiv titles (issue 14)

def _entry_text(title: str, key_year: str = "2024", *, bibtex: str = "", abstract: str = "",
                authors: str = '  - "Tester, Ada"\n', arxiv: str) -> str:
    return (f"title: {title}\nauthors:\n{authors}year: {key_year}\ntype: misc\n"
            f'note: "arXiv preprint arXiv:{arxiv}"\nids: {{arxiv: "{arxiv}"}}\nprimary_class: "cs.LG"\n'
            f"{abstract}taxonomy:\n  method: []\n  application: []\n  area: []\n  opportunity: []\n  challenge: []\n"
            f'{bibtex}source: curated\nadded: "{TODAY}"\n')


TEX_CASES = {
    # math that is one character the decoder knows: Unicode, no override
    "symbols": ("tex_symbols.xml", "2401.00001", "tester2024test", _entry_text(
        '"ωTest: Testing WebAssembly Runtimes with Llama-α"',
        authors='  - "Tester, Ada"\n  - "Sample, Ben"\n', arxiv="2401.00001")),
    # math that is a variable: its letter, no override
    "variables": ("tex_variables.xml", "2401.00002", "tester2024fast", _entry_text(
        '"Fast k-NN Search over n Points"', arxiv="2401.00002")),
    # text-mode markup and escapes: plain text, no override
    "text markup": ("tex_text_markup.xml", "2401.00003", "tester2024think", _entry_text(
        '"Think Twice: Self-Refining Models Reach 100% Recall"', arxiv="2401.00003")),
    # math with no plain-text form: readable Unicode, arXiv's TeX kept for BibTeX
    "math": ("tex_math.xml", "2401.00004", "tester2024distilling", _entry_text(
        '"Distilling Attention in O(n²) Time and 𝒪(1) Memory"', arxiv="2401.00004",
        bibtex='bibtex: {title: "Distilling Attention in $O(n^2)$ Time and $\\\\mathcal{O}(1)$ Memory"}\n')),
}


@pytest.mark.parametrize("case", TEX_CASES.values(), ids=TEX_CASES.keys())
def test_tex_in_arxiv_titles_is_decoded(repo: Repository, fake: FakeArxiv, run_cli: Run,
                                        case: tuple[str, str, str, str]) -> None:
    file, arxiv_id, key, expected = case
    fake.serve(arxiv_id, Reply(file))
    status, out, err = run_cli("--root", repo.root, "add", arxiv_id)
    assert (status, err) == (0, "")
    assert out.startswith(f"added catalogue/{key}.yaml (arXiv {arxiv_id}v1)\n")
    path = repo.entry_file(key)
    assert strip_header(path.read_text(encoding="utf-8")) == expected
    _fill_taxonomy(path)
    status, out, err = run_cli("--root", repo.root, "validate", "--strict", path)
    assert (status, out, err) == (0, "1 files checked: 0 errors, 0 warnings: ok\n", "")


def _fill_taxonomy(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("  method: []\n", "  method: [direct]\n").replace(
        "  application: []\n", "  application: [commonsense]\n"), encoding="utf-8")


EXPORTED_TITLES = {
    "tester2024test": r"{{$\omega$}Test}: Testing {WebAssembly} Runtimes with Llama-{$\alpha$}",
    "tester2024fast": "Fast {k-NN} Search over n Points",
    "tester2024think": r"Think Twice: Self-Refining Models Reach 100\% Recall",
    "tester2024distilling": r"Distilling Attention in $O(n^2)$ Time and $\mathcal{O}(1)$ Memory",
}


def test_tex_titles_export_once(repo_copy: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    """BibTeX gets the decoded title escaped once, or arXiv's TeX exactly as arXiv wrote it (in a
    copy of the whole catalogue: an export needs every cited entry)."""
    repo = repo_copy
    for file, arxiv_id, key, _ in TEX_CASES.values():
        fake.serve(arxiv_id, Reply(file))
        assert run_cli("--root", repo.root, "add", arxiv_id)[0] == 0
        _fill_taxonomy(repo.entry_file(key))
    for dialect in ("bibtex", "biblatex"):
        status, out, err = run_cli("--root", repo.root, "export", dialect)
        assert (status, err) == (0, ""), err
        for key, title in EXPORTED_TITLES.items():
            if dialect == "biblatex" and key == "tester2024test":
                title = "{ωTest}: Testing {WebAssembly} Runtimes with Llama-α"
            assert re.search(r"@\w+\{" + key + r",\n(?:.*\n)*?\s*title = \{" + re.escape(title) + r"\},\n", out), key


def test_tex_in_a_kept_abstract(repo: Repository, fake: FakeArxiv, run_cli: Run) -> None:
    fake.serve("2401.00004", Reply("tex_math.xml"))
    status, out, _ = run_cli("--root", repo.root, "add", "--dry-run", "--abstract", "2401.00004")
    assert status == 0
    assert ('abstract: "We cut the cost of α-attention from O(n²) to O(n), and keep 100% of the quality '
            '(dummy summary for the symkd-survey tests)."\n') in out


@pytest.mark.parametrize(("raw", "text", "latex"), [
    (r"$\omega$Test", "ωTest", None),
    (r"Llama-$\alpha$", "Llama-α", None),
    (r"$k$-NN", "k-NN", None),
    (r"A {\em x} study", "A x study", None),
    (r"On \textit{Foo} Bars", "On Foo Bars", None),
    (r"100\% Recall", "100% Recall", None),
    ("Q&A at 90% Cost", "Q&A at 90% Cost", None),  # arXiv's bare specials are text, not TeX
    (r"Q&A for $\beta$-VAEs at 90%", "Q&A for β-VAEs at 90%", None),
    (r"Costs \$5", "Costs $5", None),
    (r"Sorting in $O(n^2)$", "Sorting in O(n²)", r"Sorting in $O(n^2)$"),
    (r"$\mathcal{O}(1)$ Memory", "𝒪(1) Memory", r"$\mathcal{O}(1)$ Memory"),
    (r"Rates of $10^{-3}$ and $x_{10}$", "Rates of 10⁻³ and x₁₀", r"Rates of $10^{-3}$ and $x_{10}$"),
    (r"Growth of $2^{k}$", "Growth of 2^k", r"Growth of $2^{k}$"),  # no superscript k: the decoder's form
    ("Plain  Title\n  Wrapped", "Plain Title Wrapped", None),
])
def test_arxiv_title(raw: str, text: str, latex: str | None) -> None:
    assert arxiv_title(raw) == ArxivTitle(text, latex)


def test_a_decoding_that_loses_letters_keeps_the_tex() -> None:
    """Should the decoder drop what it cannot read, the title stays as arXiv wrote it and BibTeX gets it
    verbatim: nothing is lost, and the export is still right."""
    assert not _keeps_letters(r"\texttt{GPT-4} Wins", " Wins")
    assert _keeps_letters(r"$\ell_2$ M{\"u}ller {\ss}", "ℓ_2 Müller ß")
