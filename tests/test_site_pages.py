"""Paper pages as a research catalogue's (issue 17), without a browser: formatted citations (APA,
IEEE, ACL) that agree with citeproc-py, escape everything and are cached between builds; PDF
links; publication months; author and venue anchors; similar works; newest additions; the feed."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.dates import publication_text
from symkd_survey.core.model import entry_to_yaml
from symkd_survey.exports.csl import to_csl
from symkd_survey.site.citations import STYLES, CitationCache, CitationStats, format_citations, is_safe_fragment
from symkd_survey.site.feed import atom_feed
from symkd_survey.site.generate import generate_site
from symkd_survey.site.metadata import citation_meta, pdf_url
from symkd_survey.site.model import build_model, newest_additions
from symkd_survey.site.paths import paper_page

from .conftest import REPO_ROOT

EVIL = '<script>window.__pwned=1</script><img src=x onerror="alert(1)"> & \'quoted\' *not emphasis*'

# Plain citeproc-py (no memoising, its own HTML formatter), run in a child process so that this
# process's patched citeproc-py cannot touch it: the oracle the fast renderer must agree with.
_ORACLE = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from citeproc import CitationStylesStyle, CitationStylesBibliography, Citation, CitationItem, formatter
from citeproc.source.json import CiteProcJSON
files, items = json.load(sys.stdin)
out = {}
for file in files:
    style = CitationStylesStyle(file, validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    out[file] = dict(zip(bib.keys, [str(x) for x in bib.bibliography()]))
json.dump(out, sys.stdout)
"""
_CSL = ("id", "type", "title", "author", "issued", "container-title", "volume", "issue", "page", "publisher",
        "publisher-place", "genre", "number", "DOI", "URL", "note")


def _add(repo: Repository, key: str, **fields: object) -> None:
    data: dict[str, object] = {"title": "T", "authors": ["Doe, Jane"], "year": 2025, "type": "misc",
                               "taxonomy": {"method": ["direct"], "application": ["commonsense"]},
                               "source": "curated", "added": "2026-11-28"}
    data.update(fields)
    entry = repo.entry_model().model_validate(data)
    (repo.catalogue_dir / f"{key}.yaml").write_text(entry_to_yaml(entry), encoding="utf-8")


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_formatted_citations_agree_with_plain_citeproc_py(real_repo: Repository) -> None:
    catalogue = load_catalogue(real_repo)
    items = [to_csl(item.key, item.entry) for item in catalogue][::8]  # a spread of types and venues
    ours = format_citations({item["id"]: item for item in items}, workers=1)
    request = json.dumps([[str(style.path) for style in STYLES], [{k: v for k, v in i.items() if k in _CSL}
                                                                 for i in items]])
    done = subprocess.run([sys.executable, "-c", _ORACLE], input=request, capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout)
    for style in STYLES:
        for item in items:
            expected = theirs[str(style.path)][item["id"]]
            if style.id == "ieee":
                expected = re.sub(r"^\[\d+\]", "", expected)  # the number in a list; a page cites one work
            assert _plain(ours[item["id"]][style.id]) == _plain(expected), (style.id, item["id"])
            assert re.findall(r"</?(?:i|b)>", ours[item["id"]][style.id]) == re.findall(r"</?(?:i|b)>", expected)


def test_citations_escape_every_entry_text() -> None:
    item = {"id": "evil", "type": "article-journal", "title": EVIL, "container-title": EVIL,
            "author": [{"family": "<b>Bold</b>", "given": "Eve"}], "issued": {"date-parts": [[2025]]}}
    out = format_citations({"evil": item}, workers=1)["evil"]
    assert set(out) == {"apa", "ieee", "acl"}
    for text in out.values():
        assert is_safe_fragment(text)
        assert "<script" not in text and "<img" not in text and "<b>Bold" not in text
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
        assert "<script>window.__pwned=1</script>" in _plain(text)  # shown as the text it is


def test_citations_are_cached_by_content_and_a_forged_cache_entry_is_not_trusted(tmp_path: Path) -> None:
    items = {"a": {"id": "a", "type": "article", "title": "First", "author": [{"family": "Doe", "given": "Jane"}],
                   "issued": {"date-parts": [[2024]]}},
             "b": {"id": "b", "type": "article", "title": "Second", "author": [{"family": "Roe", "given": "Rick"}],
                   "issued": {"date-parts": [[2023]]}}}
    first = CitationStats()
    out = format_citations(items, cache_folder=tmp_path, workers=1, stats=first)
    assert (first.rendered, first.cached) == (6, 0)
    again = CitationStats()
    assert format_citations(items, cache_folder=tmp_path, workers=1, stats=again) == out
    assert (again.rendered, again.cached) == (0, 6)
    changed = CitationStats()
    items["b"] = {**items["b"], "title": "Second, revised"}
    revised = format_citations(items, cache_folder=tmp_path, workers=1, stats=changed)
    assert (changed.rendered, changed.cached) == (3, 3) and "Second, revised" in revised["b"]["acl"]
    cache = CitationCache(tmp_path, STYLES[2])
    assert cache.file is not None
    data = json.loads(cache.file.read_text(encoding="utf-8"))
    assert len(data) == 2  # only what the last build used is kept
    cache.file.write_text(json.dumps(dict.fromkeys(data, "<script>alert(1)</script>")), encoding="utf-8")
    forged = CitationStats()
    assert format_citations(items, cache_folder=tmp_path, workers=1, stats=forged) == revised
    assert forged.rendered == 2  # the forged ACL entries were rendered again
    cache.file.write_text("{not json", encoding="utf-8")
    assert format_citations(items, cache_folder=tmp_path, workers=1) == revised


def test_paper_page_shows_citations_pdf_and_month(repo_copy: Repository, tmp_path: Path) -> None:
    _add(repo_copy, "zz2025evil", title=EVIL, venue=EVIL, type="article", ids={"arxiv": "2501.00001"})
    _add(repo_copy, "zz2022acl", title="Only in the Anthology", year=2022, type="inproceedings",
         venue="Proceedings of ACL 2022", ids={"acl": "2022.acl-long.1"},
         verification=[{"record": "acl-anthology", "url": "https://aclanthology.org/2022.acl-long.1/",
                        "checked": "2026-12-02"},
                       {"record": "other-page", "url": "https://example.org/list?a=1&b=2", "checked": "2026-11-30"}])
    _add(repo_copy, "zz2024own", title="Own PDF", year=2024, ids={"arxiv": "2301.00002"},
         links={"pdf": "https://example.org/paper.pdf"})
    files = generate_site(repo_copy, citation_cache=tmp_path)
    evil = str(files[paper_page("zz2025evil")])
    for style in ("apa", "ieee", "acl"):
        assert f'id="citation-{style}-zz2025evil"' in evil
    assert "<script>window" not in evil and "<img src=x" not in evil
    assert '<a class="symkd-link symkd-pdf" href="https://arxiv.org/pdf/2501.00001"' in evil
    assert '<time class="symkd-published" datetime="2025-01">2025-01</time>' in evil
    acl = str(files[paper_page("zz2022acl")])
    assert 'href="https://aclanthology.org/2022.acl-long.1.pdf"' in acl
    assert '<time class="symkd-published" datetime="2022">2022</time>' in acl
    checked = re.search(r'<p class="symkd-checked">(.*?)</p>', acl).group(1)  # type: ignore[union-attr]
    assert checked == ('Facts checked against <a href="https://aclanthology.org/2022.acl-long.1/" '
                       'rel="noopener nofollow">ACL Anthology</a> (2026-12-02), <a href='
                       '"https://example.org/list?a=1&amp;b=2" rel="noopener nofollow">'
                       'a third-party page</a> (2026-11-30).')
    assert 'class="symkd-checked"' not in evil  # nothing checked, nothing said
    own = str(files[paper_page("zz2024own")])
    assert own.count("https://example.org/paper.pdf") == 1 and "arxiv.org/pdf" not in own  # its own PDF, once
    assert '<time class="symkd-published" datetime="2024">2024</time>' in own  # arXiv 2023, published 2024


def test_citation_meta_covers_every_field_and_the_anthology_pdf(repo_copy: Repository) -> None:
    _add(repo_copy, "zz2022acl", title="Only in the Anthology", year=2022, type="inproceedings",
         authors=["Doe, Jane", "Roe, Rick"], venue="Proceedings of ACL 2022",
         ids={"acl": "2022.acl-long.1", "doi": "10.18653/v1/2022.acl-long.1"})
    entry = load_catalogue(repo_copy).entries["zz2022acl"].entry
    tags = re.findall(r'<meta name="([^"]+)" content="([^"]*)">', citation_meta(entry))
    assert tags == [("citation_title", "Only in the Anthology"), ("citation_author", "Doe, Jane"),
                    ("citation_author", "Roe, Rick"), ("citation_publication_date", "2022"),
                    ("citation_conference_title", "Proceedings of ACL 2022"),
                    ("citation_doi", "10.18653/v1/2022.acl-long.1"),
                    ("citation_pdf_url", "https://aclanthology.org/2022.acl-long.1.pdf")]
    assert pdf_url(entry) == "https://aclanthology.org/2022.acl-long.1.pdf"


def test_shipped_paper_pages_link_authors_and_venues_to_sections_listing_them(real_repo: Repository,
                                                                            tmp_path: Path) -> None:
    files = generate_site(real_repo, citation_cache=tmp_path)
    sections: dict[str, dict[str, str]] = {}  # letter page -> anchor -> its section
    for path, content in files.items():
        if path.startswith(("authors/", "venues/")) and path.endswith(".md"):
            text = str(content)
            parts = re.split(r'(?=<h2 id=")', text)
            sections[path[:-3] + ".html"] = {m.group(1): part for part in parts
                                             if (m := re.match(r'<h2 id="([^"]+)"', part))}
    for item in load_catalogue(real_repo):
        page = str(files[paper_page(item.key)])
        authors = re.search(r'<p class="symkd-authors"[^>]*>(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
        links = re.findall(r'href="\.\./((?:authors|venues)/[a-z0-9]\.html)#([^"]+)"', authors)
        assert len(links) == len(item.entry.authors), item.key
        venue_line = re.search(r'<p class="symkd-venue"[^>]*>(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
        links += re.findall(r'href="\.\./(venues/[a-z0-9]\.html)#([^"]+)"', venue_line)
        assert bool(item.entry.venue) == any(target.startswith("venues/") for target, _ in links), item.key
        for target, anchor in links:
            assert f"../papers/{item.key}.html" in sections[target][anchor], (item.key, target, anchor)
        assert "<h2>Similar works</h2>" in page, item.key
        assert 'class="symkd-citations"' in page, item.key


def test_every_shipped_paper_has_similar_works_from_text_and_taxonomy(real_repo: Repository) -> None:
    from symkd_survey.analysis.similarity import citation_neighbours

    model = build_model(real_repo)
    linked = citation_neighbours(model.graph)
    unlinked = [key for key in model.entries if not linked.get(key)]
    assert unlinked  # the shipped catalogue has papers that share no citation with any other
    for key in model.entries:
        assert model.similar[key], key  # no paper page goes without
    for key in unlinked:  # for these, text and taxonomy alone found them
        assert all("citation" not in " ".join(w.reasons) for w in model.similar[key]), key


def test_newest_additions_by_date_then_key_and_the_feed_uses_months(repo_copy: Repository) -> None:
    arxiv = {"zz2025a": {"arxiv": "2503.00001"}, "zz2025b": {"arxiv": "2503.00002"}, "zz2025c": {}}
    for key in ("zz2025b", "zz2025a", "zz2025c"):
        _add(repo_copy, key, title=f"New {key}", added="2099-01-02", ids=arxiv[key])
    model = build_model(repo_copy)
    assert newest_additions(model)[:3] == ["zz2025a", "zz2025b", "zz2025c"]
    feed = ET.fromstring(atom_feed(model, "https://example.org/catalogue", "Cat", "cat"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries[:3]] == ["New zz2025a", "New zz2025b",
                                                                          "New zz2025c"]
    links = [e.find("a:link", ns).get("href") for e in entries]  # type: ignore[union-attr]
    assert all(str(link).startswith("https://example.org/catalogue/papers/") for link in links)
    assert entries[0].findtext("a:summary", namespaces=ns).endswith("(2025-03)")  # type: ignore[union-attr]
    assert entries[2].findtext("a:summary", namespaces=ns).endswith("(2025)")  # type: ignore[union-attr]
    assert entries[0].findtext("a:published", namespaces=ns) == "2099-01-02T00:00:00Z"


@pytest.mark.parametrize(("year", "arxiv", "expected"), [(2023, "2305.02301", "2023-05"), (2024, "2305.02301", "2024"),
                                                         (2023, None, "2023"), (2007, "0704.0001", "2007-04")])
def test_publication_month_only_when_the_arxiv_year_is_the_entry_year(year: int, arxiv: str | None,
                                                                      expected: str) -> None:
    from symkd_survey.core.model import Entry

    data: dict[str, Any] = {"title": "T", "authors": ["Doe, J"], "year": year, "type": "misc",
                            "source": "curated", "added": "2026-01-01"}
    if arxiv:
        data["ids"] = {"arxiv": arxiv}
    assert publication_text(Entry.model_validate(data)) == expected


def test_generated_pages_skip_markdown_and_come_out_as_markdown_would_render_them(repo_copy: Repository,
                                                                               tmp_path: Path) -> None:
    """The site takes a generated page's HTML as it is (rendering.split_page) instead of running
    Python-Markdown over it; Markdown, configured as the shipped mkdocs.yml configures it, is the
    oracle: it must give the same HTML, hostile text included."""
    import markdown
    from mkdocs.config import load_config

    from symkd_survey.site.rendering import split_page

    _add(repo_copy, "zz2025evil", title=EVIL, venue=EVIL, summary=EVIL, type="article")
    config = load_config(str(REPO_ROOT / "mkdocs.yml"))
    files = generate_site(repo_copy, citation_cache=tmp_path)
    pages = sorted(path for path in files if path.endswith(".md"))
    sample = {paper_page("zz2025evil"), "index.md", *pages[::25]}
    for path in pages:
        source = str(files[path])
        split = split_page(source)
        assert split is not None, path  # every generated page is one raw-HTML block
        front, body = split
        assert source == front + body + "\n"
        if path in sample:
            converter = markdown.Markdown(extensions=config["markdown_extensions"],
                                          extension_configs=config["mdx_configs"])
            assert converter.convert(source[len(front):]) == body, path
    assert split_page("---\ntitle: \"x\"\n---\n\n# A Markdown page\n\nText.\n") is None
    assert split_page('<div class="symkd" markdown="0">\n</div>\n') is None  # no front matter
