"""Site generation without a browser: every page present, everything escaped, nothing foreign."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import entry_to_yaml
from symkd_survey.site.build import build_site
from symkd_survey.site.generate import generate_site
from symkd_survey.site.paths import node_page, paper_page

from .conftest import REPO_ROOT

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> *not emphasis* __init__ 1. list'


def _add(repo: Repository, key: str, **fields: object) -> None:
    data: dict[str, object] = {"title": "T", "authors": ["Doe, Jane"], "year": 2025, "type": "misc",
                               "source": "curated", "added": "2026-11-28"}
    data.update(fields)
    entry = repo.entry_model().model_validate(data)  # the catalogue's model: its extension's blocks included
    (repo.catalogue_dir / f"{key}.yaml").write_text(entry_to_yaml(entry), encoding="utf-8")


def test_every_paper_and_taxonomy_value_has_a_page(real_repo: Repository) -> None:
    files = generate_site(real_repo)
    catalogue = load_catalogue(real_repo)
    taxonomy = real_repo.load_taxonomy()
    for item in catalogue:
        assert paper_page(item.key) in files
        assert f"papers/{item.key}.bib" in files
        assert json.loads(files[f"papers/{item.key}.json"])[0]["id"] == item.key
    for facet, data in taxonomy.facets.items():
        for node in data.nodes:
            assert node_page(facet, node.id) in files
    graph = json.loads(files["assets/data/graph.json"])
    assert len(graph["nodes"]) == len(catalogue)


def test_catalogue_text_is_escaped_everywhere(repo_copy: Repository) -> None:
    _add(repo_copy, "evil2025x", title=EVIL, summary=EVIL, authors=["<b>Evil</b>, Eve"], venue=EVIL,
         distillation={"teachers": [EVIL], "dataset": EVIL}, taxonomy={"method": ["direct"]})
    files = generate_site(repo_copy)
    for path, content in files.items():
        if path.endswith((".bib", ".ris")):
            continue  # BibTeX and RIS text, served as downloads, never as HTML
        text = content.decode() if isinstance(content, bytes) else content
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text, path
        assert "<b>Evil" not in text, path
    page = files[paper_page("evil2025x")]
    assert isinstance(page, str)
    front, body = page.split("---\n\n", 1)
    assert 'title: "&lt;script&gt;' in front  # MkDocs' theme prints meta titles unescaped
    assert "\n\n" not in body.strip()  # one raw HTML block: Markdown never sees the text
    ET.fromstring(files["feed.xml"])  # the feed stays well-formed XML


def test_only_http_links_reach_the_page(repo_copy: Repository) -> None:
    _add(repo_copy, "links2025x", links={"code": "https://github.com/org/repo", "url": "https://example.org/p?a=1&b=2"})
    page = generate_site(repo_copy)[paper_page("links2025x")]
    assert isinstance(page, str)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert "https://github.com/org/repo" in hrefs
    assert "https://example.org/p?a=1&amp;b=2" in hrefs
    assert all(not h.startswith(("javascript:", "data:", "vbscript:")) for h in hrefs)


def test_build_refuses_a_catalogue_with_errors(repo_copy: Repository, tmp_path: Path) -> None:
    (repo_copy.catalogue_dir / "broken.yaml").write_text("title: x\n")
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo_copy.root / "mkdocs.yml")
    for folder in ("site", "symkd_survey"):
        shutil.copytree(REPO_ROOT / folder, repo_copy.root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.raises(SymkdError) as caught:
        build_site(repo_copy, tmp_path / "out")
    assert any(i.path == "catalogue/broken.yaml" for i in caught.value.issues)
    assert not (tmp_path / "out").exists()


def test_built_site_loads_nothing_from_other_hosts(real_repo: Repository, tmp_path: Path) -> None:
    result = build_site(real_repo, tmp_path / "site")
    assert result.pages >= len(load_catalogue(real_repo)) + 10
    feed = ('<link rel="alternate feed" type="application/atom+xml" title="symkd-survey: recent additions" '
            'href="feed.xml">')
    assert feed in (result.out / "index.html").read_text(encoding="utf-8")  # the theme override is in place
    ET.parse(result.out / "feed.xml")
    # rel="canonical" (from site_url) names the page's own published address; browsers load nothing from it
    loaders = re.compile(r'<(?:script|link(?![^>]*\brel="canonical")|img|iframe|source)\b[^>]*?\b(?:src|href)='
                         r'"(https?:)?//', re.IGNORECASE)
    css_imports = re.compile(r"@import\s+url\(\s*['\"]?https?://|url\(\s*['\"]?https?://", re.IGNORECASE)
    for file in result.out.rglob("*"):
        if file.suffix in (".html", ".css"):
            text = file.read_text(encoding="utf-8", errors="replace")
            assert not loaders.search(text), file
            assert not css_imports.search(text), file


def test_paper_pages_tell_an_unread_reference_list_from_one_that_cites_nothing(repo_copy: Repository) -> None:
    labels = {"taxonomy": {"method": ["direct"], "application": ["commonsense"]}}
    _add(repo_copy, "zz2025unread", title="Unread One", **labels)
    _add(repo_copy, "zz2025missing", title="Missing Copy",
         reference_list={"state": "not-found", "read": "2026-12-01"}, **labels)
    _add(repo_copy, "zz2025empty", title="Read Empty",
         reference_list={"state": "complete", "version": "arXiv v1"}, **labels)
    _add(repo_copy, "zz2025blog", title="A Blog", reference_list={"state": "none", "version": "blog post"}, **labels)
    files = generate_site(repo_copy)
    text = {key: str(files[paper_page(key)]) for key in ("zz2025unread", "zz2025missing", "zz2025empty", "zz2025blog")}
    assert "Reference list not yet read." in text["zz2025unread"] and "Cites (" not in text["zz2025unread"]
    assert "Reference list not yet read: no copy of it was found to read (looked for on 2026-12-01)." \
        in text["zz2025missing"]
    assert "<h2>Cites (0)</h2>" in text["zz2025empty"]
    assert "was read and cites no catalogue paper" in text["zz2025empty"]
    assert "This work has no reference list (blog post)." in text["zz2025blog"]
    assert all("Similar works" in page for page in text.values())
    graph_page = str(files["graph.md"])
    assert re.search(r"\d+ citations between catalogue papers", graph_page)


def test_author_pages_join_name_variants_and_list_every_paper(repo_copy: Repository) -> None:
    labels = {"taxonomy": {"method": ["direct"], "application": ["commonsense"]}}
    _add(repo_copy, "zz2025variant", title="Initials Only", authors=["Choi, Y.", "Nobody, Some"], **labels)
    files = generate_site(repo_copy)
    page = str(files["authors/c.md"])
    catalogue = load_catalogue(repo_copy)
    choi = [item.key for item in catalogue if "Choi, Yejin" in item.entry.authors]
    section = page[page.index('id="choi-yejin"'):]
    section = section[:section.index("<h2", 5)] if "<h2" in section[5:] else section
    assert f"({len(choi) + 1})" in section and "Also written: Choi, Y." in section
    for key in [*choi, "zz2025variant"]:
        assert f"../papers/{key}.html" in section
    paper = str(files[paper_page("zz2025variant")])
    assert '<a href="../authors/c.html#choi-yejin">Y. Choi</a>' in paper
    assert '<a href="../authors/n.html#nobody-some">Some Nobody</a>' in paper


def test_coverage_is_a_heat_map_with_totals_and_a_year_by_method_chart(real_repo: Repository) -> None:
    files = generate_site(real_repo)
    page = str(files["coverage.md"])
    catalogue = load_catalogue(real_repo)
    placed = [i for i in catalogue if i.entry.labels("method") and i.entry.labels("application")]
    direct = sum(1 for i in placed if "direct" in i.entry.labels("method"))
    assert f'<td class="symkd-total">{direct}</td>' in page
    assert f"Left out: {len(catalogue) - len(placed)} of {len(catalogue)} papers" in page
    assert "--share: 1.0" in page  # the fullest cell is the darkest
    chart = page[page.index("<svg"):page.index("</svg>")]
    newest = max(i.entry.year for i in catalogue)
    count = sum(1 for i in catalogue if i.entry.year == newest and "direct" in i.entry.labels("method"))
    assert f"<title>{newest}: {count} Direct distillation</title>" in chart


def test_graph_layout_leaves_almost_no_node_on_top_of_another(real_repo: Repository) -> None:
    """At the default view (the page's 1000 x 640 canvas, fitted as symkd.js fits it), at most
    10% of the papers lie within 4 px of another."""
    import math

    graph = json.loads(files_of(real_repo)["assets/data/graph.json"])
    xs, ys = [n["x"] for n in graph["nodes"]], [n["y"] for n in graph["nodes"]]
    scale = min((1000 - 60) / (max(xs) - min(xs)), (640 - 60) / (max(ys) - min(ys)))
    points = [(x * scale, y * scale) for x, y in zip(xs, ys, strict=True)]
    crowded = sum(1 for i, p in enumerate(points) if any(math.dist(p, q) < 4 for j, q in enumerate(points) if i != j))
    assert crowded <= len(points) // 10
    assert [lane["label"] for lane in graph["axes"]["lanes"]][:3] == [
        "Direct distillation", "Multilevel distillation", "Distillation with reinforcement learning"]
    years = [t["year"] for t in graph["axes"]["years"]]
    assert years == sorted({n["year"] for n in graph["nodes"]})


def files_of(repo: Repository) -> dict[str, str]:
    return {path: content if isinstance(content, str) else content.decode()
            for path, content in generate_site(repo).items()}


def test_home_page_shows_the_screening_flow_and_its_last_date(tmp_path: Path) -> None:
    import datetime as dt

    from symkd_survey.review.screening import DECISIONS_FILE, Decision, append_decisions

    from .conftest import seeded_repository

    repo = seeded_repository(tmp_path, ("west2022symbolic", "hsieh2023distilling"))
    assert "No screening of new work is recorded yet" in str(generate_site(repo)["index.md"])
    append_decisions(repo.root / DECISIONS_FILE, [
        Decision("arxiv:2401.00001", "exclude", dt.date(2026, 11, 3), reason="not-llm"),
        Decision("arxiv:2401.00002", "include", dt.date(2026, 11, 20)),
    ])
    home = generate_site(repo)["index.md"]
    assert isinstance(home, str)
    assert '<time datetime="2026-11-20">2026-11-20</time>' in home
    svg = home[home.index("<svg"):home.index("</svg>") + len("</svg>")]
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "Records screened" in texts and "not-llm: 1" in " ".join(t or "" for t in texts)


def test_a_site_on_the_old_hook_file_still_builds_whole_pages(tmp_path: Path) -> None:
    """A site made by an older ``symkd init`` runs the catalogue through a hook file importing
    ``on_files`` and ``on_post_page`` only: MkDocs asks it for nothing else, so its pages must
    not rely on the plugin's other page hooks."""
    from .conftest import seeded_repository

    repo = seeded_repository(tmp_path, ("west2022symbolic", "hsieh2023distilling"))
    shutil.copytree(REPO_ROOT / "site", repo.root / "site", ignore=shutil.ignore_patterns("hooks"))
    hook = repo.root / "site" / "hooks" / "symkd_hook.py"
    hook.parent.mkdir()
    hook.write_text("from symkd_survey.site.plugin import on_files, on_post_page\n", encoding="utf-8")
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = config.index("\nplugins:\n")
    config = (config[:plugins] + "\nplugins: []\nhooks:\n  - site/hooks/symkd_hook.py\n"
              + config[config.index("\nextra_css:\n"):])  # without `watch:`, which names this checkout's folders
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build_site(repo, tmp_path / "out", strict=False)
    page = (result.out / "papers" / "west2022symbolic.html").read_text(encoding="utf-8")
    entry = load_catalogue(repo).entries["west2022symbolic"].entry
    assert '<h1>Symbolic Knowledge Distillation' in page and 'class="symkd-paper"' in page
    assert entry.title.split(":")[0] in page
    assert any("hook file is deprecated" in w for w in result.warnings)
