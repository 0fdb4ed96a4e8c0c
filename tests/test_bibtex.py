"""BibTeX and BibLaTeX export: exact fields, errors as issues, round trip, and real TeX runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import SeparateCoAuthors
from hypothesis import given, settings
from hypothesis import strategies as st

from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry
from symkd_survey.core.yamlio import YamlDocument
from symkd_survey.exports.bibtex import Dialect, EntryExportError, entry_snippet, export_bibliography, to_block

from .tex_support import (
    CJK_ENTRY,
    Compiled,
    add_entries,
    compile_with_biber,
    compile_with_bibtex,
    decode_latex,
    hostile_entries,
    needs_biber,
    needs_bibtex,
    typeset_form,
)

WEST_BIBTEX = """\
@inproceedings{west2022symbolic,
  author = {West, Peter and Bhagavatula, Chandra and Hessel, Jack and Hwang, Jena D. and Jiang, Liwei and \
Le Bras, Ronan and Lu, Ximing and Welleck, Sean and Choi, Yejin},
  title = {Symbolic Knowledge Distillation: from General Language Models to Commonsense Models},
  booktitle = {Proceedings of the 2022 Conference of the North American Chapter of the Association for \
Computational Linguistics: Human Language Technologies (NAACL-HLT)},
  publisher = {Association for Computational Linguistics},
  year = {2022},
  doi = {10.18653/v1/2022.naacl-main.341},
  eprint = {2110.07178},
  archiveprefix = {arXiv},
  eprinttype = {arxiv},
  primaryclass = {cs.CL}
}
"""


@pytest.fixture(scope="module")
def real_catalogue() -> Catalogue:
    from .conftest import REPO_ROOT

    catalogue = load_catalogue(Repository(REPO_ROOT))
    assert catalogue.issues == []
    return catalogue


@pytest.fixture
def hostile_repo(repo_copy: Repository) -> Repository:
    add_entries(repo_copy, hostile_entries())
    result = validate(repo_copy)
    assert result.errors == [], [i.format() for i in result.errors]
    return repo_copy


def _hostile(repo: Repository) -> list[LoadedEntry]:
    catalogue = load_catalogue(repo)
    return [item for item in catalogue if item.key.startswith("zz-hostile-")]


def _blocks(text: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"@\w+\{([^,]+),\n.*?\n\}\n", text, re.DOTALL)}


# --------------------------------------------------------------------------- exact output

def test_snippet_of_a_real_entry(real_catalogue: Catalogue) -> None:
    assert entry_snippet(real_catalogue.entries["west2022symbolic"]) == WEST_BIBTEX


def test_biblatex_snippet_uses_date_location_and_eprinttype(real_catalogue: Catalogue) -> None:
    snippet = entry_snippet(real_catalogue.entries["west2022symbolic"], "biblatex")
    assert snippet == WEST_BIBTEX.replace("year = ", "date = ").replace(
        "  archiveprefix = {arXiv},\n", "").replace("primaryclass = ", "eprintclass = ")


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_whole_file_is_the_snippets_sorted_by_key_and_deterministic(real_catalogue: Catalogue,
                                                                     dialect: Dialect) -> None:
    items = list(real_catalogue)
    text = export_bibliography(reversed(items), dialect)
    assert text == export_bibliography(items, dialect)
    keys = re.findall(r"^@\w+\{([^,]+),$", text, re.MULTILINE)
    assert keys == sorted(real_catalogue.entries)
    blocks = _blocks(text)
    for item in items:
        assert blocks[item.key] == entry_snippet(item, dialect)
    assert text == "\n".join(entry_snippet(item, dialect) for item in sorted(items, key=lambda i: i.key))


def test_hostile_bibtex_fields(hostile_repo: Repository) -> None:
    blocks = _blocks(export_bibliography(_hostile(hostile_repo), "bibtex"))
    assert blocks["zz-hostile-specials"].splitlines() == [
        r"@inproceedings{zz-hostile-specials,",
        r"  author = {O'Neil, Cathy and "
        r"M{\"u}ller, Klaus-Robert and "
        r"Tr{\k{e}}bacz, Maja and "
        r"Kaiser, {\L}ukasz and "
        r"Se{\ss}ler, Kathrin and "
        r"Carreira-Perpi{\~n}{\'a}n, Miguel {\'A}. and "
        r"Bucilu{\v{a}}, Cristian and "
        r"{\O}rsted, Hans and "
        r"{\c{C}}elik, Ay{\c{s}}e and "
        r"de Masson d'Autume, Cyprien},",
        r"  title = {{Q\&A} at 100\% for \#1: the\_x costs \$5 \textasciitilde{} \textasciicircum{} \textbackslash{}"
        r" with \{braces\}, \textless{}tags\textgreater{} \textbar{} pipes, {GPT-3} and {LLaMA}},",
        r"  booktitle = {Proc. of R\&D \#5 --- ``Quoted'' Workshop -- 2023\ldots{} 50\% off\_},",
        r"  volume = {3},",
        r"  issue = {7},",
        r"  pages = {1--10},",
        r"  publisher = {ACM \& IEEE},",
        r"  address = {Z{\"u}rich},",
        r"  year = {2023},",
        r"  note = {Note with \textasciitilde{}tilde, \textasciicircum{}caret and 10\$},",
        r"  doi = {10.9999/a_b%c#d},",
        r"  url = {https://example.org/a_b%20c?q=1&r=2#frag~x},",
        r"  eprint = {2401.99999},",
        r"  archiveprefix = {arXiv},",
        r"  eprinttype = {arxiv},",
        r"  primaryclass = {cs.CL}",
        r"}",
    ]
    assert blocks["zz-hostile-corporate"].splitlines()[1:3] == [
        r"  author = {{BigScience Workshop} and {R\&D Team \#1} and Smith, Jane and others},",
        r"  title = {{\"U}ber-Models: {{\v{C}}SFD}, {\AE}r{\o} and Stra{\ss}e in {\L}{\'o}d{\'z}},",
    ]
    assert r"title = {The {iPhone} of {LLMs}: a {C}ase}" in blocks["zz-hostile-override"]
    assert r"journal = {Journal of \{Braces\} \& Co}" in blocks["zz-hostile-override"]
    assert "\n  number = {2},\n" in blocks["zz-hostile-override"]  # an article's issue stays a number
    assert r"institution = {Institute of {$\Sigma$} \& {$\Pi$}}" in blocks["zz-hostile-report"]
    assert "publisher" not in blocks["zz-hostile-report"]
    assert r"school = {Universit{\"a}t Wien}" in blocks["zz-hostile-thesis"]
    assert "series = {Lecture Notes in Something}" in blocks["zz-hostile-book"]
    assert blocks["zz-hostile-online"].startswith("@misc{zz-hostile-online,\n  author = {{OpenAI}},\n")
    assert "booktitle = {A Collected Volume}" in blocks["zz-hostile-chapter"]


def test_hostile_biblatex_fields(hostile_repo: Repository) -> None:
    blocks = _blocks(export_bibliography(_hostile(hostile_repo), "biblatex"))
    specials = blocks["zz-hostile-specials"]
    assert "author = {O'Neil, Cathy and Müller, Klaus-Robert and Trębacz, Maja and Kaiser, Łukasz" in specials
    assert r"booktitle = {Proc. of R\&D \#5 — “Quoted” Workshop – 2023… 50\% off\_}" in specials
    assert "\n  number = {7},\n" in specials and "location = {Zürich}" in specials and "date = {2023}" in specials
    assert "eprinttype = {arxiv}" in specials and "eprintclass = {cs.CL}" in specials
    assert "doi = {10.9999/a_b%c#d}" in specials and "url = {https://example.org/a_b%20c?q=1&r=2#frag~x}" in specials
    article = blocks["zz-hostile-override"]
    assert r"journaltitle = {Journal of \{Braces\} \& Co}" in article
    assert blocks["zz-hostile-report"].splitlines()[3:5] == [
        r"  institution = {Institute of Σ \& Π},", "  number = {TR-1},"]
    assert "type = {techreport}" in blocks["zz-hostile-report"]
    assert blocks["zz-hostile-thesis"].startswith("@thesis{")
    assert "type = {phdthesis}" in blocks["zz-hostile-thesis"] and "institution = {Universität Wien}" in \
        blocks["zz-hostile-thesis"]
    assert blocks["zz-hostile-online"].startswith("@online{")
    assert blocks["zz-hostile-corporate"].startswith("@online{")


def test_an_arxiv_only_entry_carries_its_arxiv_page_as_url_in_bibtex(real_catalogue: Catalogue) -> None:
    item = real_catalogue.entries["ahmad2025opencodereasoning"]
    assert (item.entry.ids.doi, item.entry.links.url) == (None, None)
    assert entry_snippet(item).splitlines()[4:] == [
        "  url = {https://arxiv.org/abs/2504.01943},", "  eprint = {2504.01943},", "  archiveprefix = {arXiv},",
        "  eprinttype = {arxiv}", "}"]
    assert "url" not in entry_snippet(item, "biblatex")  # biblatex links the eprint itself
    assert "url = {https://arxiv.org/abs/" not in entry_snippet(real_catalogue.entries["west2022symbolic"])  # a DOI


def test_biblatex_leaves_out_fields_its_data_model_lacks(real_catalogue: Catalogue) -> None:
    text = entry_snippet(real_catalogue.entries["agrawal2023qameleon"], "biblatex")
    assert text.startswith("@article{") and "publisher" not in text
    assert "publisher = {MIT Press}" in entry_snippet(real_catalogue.entries["agrawal2023qameleon"], "bibtex")


# --------------------------------------------------------------------------- errors

def test_unmappable_characters_are_an_issue_naming_entry_field_and_line(repo_copy: Repository) -> None:
    add_entries(repo_copy, {"zz-cjk": CJK_ENTRY})
    item = load_catalogue(repo_copy).entries["zz-cjk"]
    with pytest.raises(SymkdError) as caught:
        export_bibliography([item], "bibtex")
    assert [issue.format() for issue in caught.value.issues] == [
        "catalogue/zz-cjk.yaml:1: [export] BibTeX export of 'zz-cjk', field title: '大' (U+5927 CJK UNIFIED "
        "IDEOGRAPH-5927) has no LaTeX form for BibTeX ('symkd export biblatex' keeps Unicode for biber; "
        "or write the title as LaTeX in bibtex.title)",
        "catalogue/zz-cjk.yaml:4: [export] BibTeX export of 'zz-cjk', field authors[2]: '李' (U+674E CJK UNIFIED "
        "IDEOGRAPH-674E) has no LaTeX form for BibTeX ('symkd export biblatex' keeps Unicode for biber)",
    ]
    biblatex = export_bibliography([item], "biblatex")
    assert "title = {大语言模型的符号知识蒸馏}" in biblatex and "李, 明" in biblatex


def test_every_bad_field_of_every_entry_is_reported_at_once(repo_copy: Repository) -> None:
    add_entries(repo_copy, {
        "zz-bad-venue": Entry.model_validate({
            "title": "Fine", "authors": ["Doe, Jane"], "year": 2020, "type": "inproceedings",
            "venue": "Proceedings {of", "publisher": "A } B", "source": "curated", "added": "2026-11-28"}),
        "zz-bad-override": Entry.model_validate({
            "title": "Fine Too", "authors": ["Doe, Jane"], "year": 2020, "type": "misc",
            "bibtex": {"title": "{GPT"}, "source": "curated", "added": "2026-11-28"}),
    })
    catalogue = load_catalogue(repo_copy)
    with pytest.raises(SymkdError) as caught:
        export_bibliography(catalogue, "biblatex")
    hint = "(pair every '{' with a '}'; a lone brace would corrupt the rest of the .bib file)"
    assert [issue.format() for issue in caught.value.issues] == [
        f"catalogue/zz-bad-override.yaml:7: [export] BibLaTeX export of 'zz-bad-override', field bibtex.title: "
        f"'{{' at character 1 is never closed {hint}",
        f"catalogue/zz-bad-venue.yaml:6: [export] BibLaTeX export of 'zz-bad-venue', field venue: "
        f"'{{' at character 13 is never closed {hint}",
        f"catalogue/zz-bad-venue.yaml:7: [export] BibLaTeX export of 'zz-bad-venue', field publisher: "
        f"'}}' at character 3 closes no '{{' {hint}",
    ]


# --------------------------------------------------------------------------- round trip

def _parse(text: str) -> Library:
    library = parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == []
    return library


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_round_trip_keeps_titles_authors_years_and_arxiv_ids(hostile_repo: Repository, dialect: Dialect) -> None:
    items = list(load_catalogue(hostile_repo))
    library = _parse(export_bibliography(items, dialect))
    by_key = {block.key: block for block in library.entries}
    assert sorted(by_key) == sorted(item.key for item in items)
    year_field = "year" if dialect == "bibtex" else "date"
    for item in items:
        block, entry = by_key[item.key], item.entry
        assert decode_latex(block["title"]) == typeset_form(entry.title), item.key
        assert [decode_latex(name) for name in block["author"]] == [typeset_form(a) for a in entry.authors]
        assert block[year_field] == str(entry.year)
        if entry.ids.arxiv:
            assert block["eprint"] == entry.ids.arxiv
        else:
            assert "eprint" not in block.fields_dict
        if entry.ids.doi:
            assert block["doi"] == entry.ids.doi
        if entry.links.url:
            assert block["url"] == entry.links.url


def test_biblatex_keeps_unicode_exactly(hostile_repo: Repository) -> None:
    items = list(load_catalogue(hostile_repo))
    library = _parse(export_bibliography(items, "biblatex"))
    names = {block.key: block["author"] for block in library.entries}
    for item in items:
        assert [decode_latex(n) for n in names[item.key]] == item.entry.authors


# --------------------------------------------------------------------------- compiling

_EMPTY_FIELD_SOURCE = {
    "journal": "venue", "booktitle": "venue", "series": "venue", "howpublished": "venue", "school": "venue",
    "institution": "venue", "publisher": "publisher", "address": "address", "pages": "pages", "volume": "volume",
}


def _unexplained_bibtex_warnings(compiled: Compiled, catalogue: dict[str, LoadedEntry]) -> list[str]:
    """Every BibTeX warning except "empty FIELD" for data the catalogue really lacks."""
    unexplained = []
    for line in compiled.blg.splitlines():
        if not line.startswith("Warning--"):
            continue
        empty = re.fullmatch(r"Warning--empty (\w+) in (\S+)", line)
        if empty and empty[2] in catalogue:
            entry = catalogue[empty[2]].entry
            source = _EMPTY_FIELD_SOURCE.get(empty[1])
            if source is not None and getattr(entry, source) is None and entry.publisher is None:
                continue
        unexplained.append(line)
    return unexplained


def _assert_bibtex_clean(compiled: Compiled, catalogue: dict[str, LoadedEntry]) -> None:
    assert compiled.statuses["pdflatex-1"] == 0 and compiled.statuses["pdflatex-2"] == 0, compiled.transcript
    assert compiled.statuses["pdflatex-3"] == 0, compiled.transcript
    assert compiled.statuses["bibtex"] in (0, 1), compiled.transcript  # 1: warnings, judged below
    assert "error message" not in compiled.blg, compiled.blg
    assert _unexplained_bibtex_warnings(compiled, catalogue) == []
    assert compiled.undefined_citations() == []
    assert "There were undefined references" not in compiled.log
    assert compiled.tex_errors() == []


def _assert_biber_clean(compiled: Compiled, allow: Callable[[str], bool] = lambda line: False) -> None:
    assert all(status == 0 for status in compiled.statuses.values()), compiled.transcript
    problems = [line for line in compiled.blg.splitlines()
                if re.search(r"> (WARN|ERROR) - ", line) and not (" WARN - " in line and allow(line))]
    assert problems == []
    assert compiled.undefined_citations() == []
    assert "There were undefined references" not in compiled.log
    assert "Please (re)run Biber" not in compiled.log and "Please rerun LaTeX" not in compiled.log
    assert compiled.tex_errors() == []


@pytest.mark.tex
@needs_bibtex
@pytest.mark.parametrize("style", ["plain", "unsrt"])
def test_real_catalogue_compiles_with_bibtex(real_catalogue: Catalogue, tmp_path: Path, style: str) -> None:
    compiled = compile_with_bibtex(tmp_path, export_bibliography(real_catalogue, "bibtex"),
                                   sorted(real_catalogue.entries), style)
    _assert_bibtex_clean(compiled, real_catalogue.entries)
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\bibitem{") == len(real_catalogue)


@pytest.fixture(scope="module")
def biber_compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalogue, Compiled, Path]:
    """The shipped catalogue plus the hostile entries, exported as BibLaTeX and compiled once
    with biber's ``--validate-datamodel`` (one biber run serves the three tests below)."""
    from .conftest import REPO_ROOT

    root = tmp_path_factory.mktemp("biber") / "repo"
    shutil.copytree(REPO_ROOT / "catalogue", root / "catalogue")
    shutil.copy(REPO_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    repo = Repository(root)
    add_entries(repo, hostile_entries())
    catalogue = load_catalogue(repo)
    assert [i for i in catalogue.issues if i.is_error] == []
    folder = root.parent / "tex"
    folder.mkdir()
    compiled = compile_with_biber(folder, export_bibliography(catalogue, "biblatex"), sorted(catalogue.entries),
                                  validate_datamodel=True)
    return catalogue, compiled, folder


def _data_model_warning(line: str, catalogue: Catalogue) -> bool:
    """biber's one expected data-model warning: an ``incollection`` without an editor (the
    catalogue has no editor field)."""
    found = re.search(r"Entry '([^']+)' .*Missing mandatory field '(\w+)'", line)
    return found is not None and (found[2], catalogue.entries[found[1]].entry.type) == ("editor", "incollection")


@pytest.mark.tex
@needs_biber
def test_real_catalogue_compiles_with_biber(biber_compiled: tuple[Catalogue, Compiled, Path]) -> None:
    catalogue, compiled, folder = biber_compiled
    _assert_biber_clean(compiled, allow=lambda line: _data_model_warning(line, catalogue))
    assert (folder / "doc.bbl").read_text(encoding="utf-8").count("\\entry{") == len(catalogue)


@pytest.mark.tex
@needs_biber
def test_biblatex_export_fits_the_data_model(biber_compiled: tuple[Catalogue, Compiled, Path]) -> None:
    """With --validate-datamodel, biber only misses what the catalogue has no field for."""
    catalogue, compiled, _ = biber_compiled
    warnings = [line for line in compiled.blg.splitlines() if "> WARN - " in line]
    assert all(status == 0 for status in compiled.statuses.values()), compiled.transcript
    assert warnings, "no incollection entry without an editor: the data-model check saw nothing"
    for line in warnings:
        assert _data_model_warning(line, catalogue), line


@pytest.mark.tex
@needs_bibtex
def test_hostile_entries_compile_with_bibtex(hostile_repo: Repository, tmp_path: Path) -> None:
    catalogue = load_catalogue(hostile_repo)
    compiled = compile_with_bibtex(tmp_path, export_bibliography(catalogue, "bibtex"),
                                   sorted(catalogue.entries), "plain")
    _assert_bibtex_clean(compiled, catalogue.entries)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert r"{Q\&A} at 100\% for \#1" in bbl  # the title survived BibTeX's case change intact
    assert "{GPT-3} and {LLaMA}" in bbl


@pytest.mark.tex
@needs_biber
def test_hostile_entries_compile_with_biber(biber_compiled: tuple[Catalogue, Compiled, Path]) -> None:
    catalogue, compiled, folder = biber_compiled
    _assert_biber_clean(compiled, allow=lambda line: _data_model_warning(line, catalogue))
    bbl = (folder / "doc.bbl").read_text(encoding="utf-8")
    assert all(f"\\entry{{{key}}}" in bbl for key in hostile_entries())


# --------------------------------------------------------------------------- speed

def test_ten_thousand_entries_export_as_one_file(real_catalogue: Catalogue) -> None:
    """A large catalogue exports whole, one block per entry (its speed is measured in benchmarks/)."""
    base = list(real_catalogue)
    items = [LoadedEntry(f"{item.key}-{n}", f"catalogue/{item.key}-{n}.yaml",
                         item.entry.model_copy(update={"title": f"{item.entry.title} {n}"}), YamlDocument(data={}))
             for n in range(10_000) for item in [base[n % len(base)]]]
    text = export_bibliography(items, "bibtex")
    assert text.count("\n@") == 9_999
    assert len(set(re.findall(r"^@\w+\{([^,]+),", text, re.MULTILINE))) == 10_000


_FIELD_TEXT = st.text(alphabet=st.sampled_from("a{}\\$%&#_^~ é大—\u0301\u00a0ß"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(title=_FIELD_TEXT, venue=_FIELD_TEXT, name=_FIELD_TEXT, pages=_FIELD_TEXT)
def test_what_bibtex_writes_biblatex_writes(title: str, venue: str, name: str, pages: str) -> None:
    """Validation checks an entry with the BibTeX exporter alone when that succeeds
    (:func:`export_problems`): this holds only if BibLaTeX never refuses what BibTeX writes."""
    valid = Entry.model_validate({"type": "article", "title": "T", "authors": ["A, B"], "year": 2024,
                                  "source": "curated", "added": "2026-12-02"})
    # model_copy skips validation: the text rule would refuse some of these, and the exporters must not rely on it
    entry = valid.model_copy(update={"title": title or "T", "venue": venue or None, "authors": [name or "A, B"],
                                     "pages": pages or None})
    try:
        to_block("k", entry, "bibtex")
    except EntryExportError:
        return
    to_block("k", entry, "biblatex")


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_more_authors_ends_the_author_list_with_and_others(dialect: Dialect) -> None:
    entry = Entry(title="T", authors=["Doe, Jane", "OpenAI"], more_authors=True, year=2023, type="misc",
                  source="curated", added="2026-01-01")
    block = to_block("doe2023t", entry, dialect)
    assert block.fields_dict["author"].value == "{Doe, Jane and {OpenAI} and others}"
    plain = to_block("doe2023t", entry.model_copy(update={"more_authors": False}), dialect)
    assert plain.fields_dict["author"].value == "{Doe, Jane and {OpenAI}}"


def test_more_authors_is_written_only_when_true() -> None:
    from symkd_survey.core.model import entry_to_yaml

    data = {"title": "T", "authors": ["Doe, Jane"], "year": 2023, "type": "misc", "source": "curated",
            "added": "2026-01-01"}
    assert "more_authors" not in entry_to_yaml(Entry.model_validate(data))
    text = entry_to_yaml(Entry.model_validate({**data, "more_authors": "true"}))
    assert 'authors:\n  - "Doe, Jane"\nmore_authors: true\nyear: 2023\n' in text
