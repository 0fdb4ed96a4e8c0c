"""The search index step of the build (symkd_survey.site.search_index): Pagefind over a built folder,
and every way it can fail turned into one ``search`` issue."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from symkd_survey.core.issues import SymkdError
from symkd_survey.site.search_index import OUTPUT_SUBDIR, index_site, pagefind_executable

PAPER = """<!doctype html><html lang="en"><head><title>x</title></head><body><nav>menu</nav>
<article data-pagefind-body data-kind="paper" data-pagefind-meta="kind[data-kind]"><h1>Symbolic knowledge</h1>
<p data-pagefind-meta="authors">Peter West, Yejin Choi</p><ul class="symkd-list"><li>Another paper</li></ul></article>
</body></html>"""


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-pagefind"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_index_site_indexes_the_marked_pages(tmp_path: Path) -> None:
    try:
        pagefind_executable()
    except SymkdError:
        pytest.skip("Pagefind is not installed (pip install 'pagefind[bin]')")
    (tmp_path / "a.html").write_text(PAPER, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>unmarked</p></body></html>", encoding="utf-8")
    assert index_site(tmp_path) == 1  # only the page with data-pagefind-body
    bundle = tmp_path / OUTPUT_SUBDIR
    assert (bundle / "pagefind.js").is_file()
    assert list((bundle / "fragment").iterdir())


def test_a_failing_pagefind_is_one_search_issue_with_its_message(tmp_path: Path) -> None:
    fake = _script(tmp_path, "echo 'Error: the site is on fire' >&2; exit 3")
    with pytest.raises(SymkdError) as caught:
        index_site(tmp_path, executable=fake)
    [issue] = caught.value.issues
    assert issue.check == "search"
    assert issue.message == "Pagefind failed (exit 3): Error: the site is on fire"


def test_a_pagefind_that_writes_nothing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SymkdError) as caught:
        index_site(tmp_path, executable=_script(tmp_path, "exit 0"))
    assert caught.value.issues[0].message == "Pagefind wrote no index (pagefind/pagefind.js is missing)"


def test_a_pagefind_over_its_time_limit_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(SymkdError) as caught:
        index_site(tmp_path, executable=_script(tmp_path, "exec sleep 30"), time_limit=0.5)
    assert caught.value.issues[0].message == "Pagefind did not finish within 0.5 s; the site was not built"


def test_a_missing_binary_names_the_install(tmp_path: Path) -> None:
    with pytest.raises(SymkdError) as caught:
        index_site(tmp_path, executable=tmp_path / "no-such-pagefind")
    issue = caught.value.issues[0]
    assert issue.message.startswith("cannot run Pagefind")
    assert "pagefind[bin]" in issue.hint


def test_the_plugin_turns_a_failed_index_into_the_builds_issues(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace
    from typing import Any, cast

    from symkd_survey.site import search_index
    from symkd_survey.site.build import _catalogue_issues
    from symkd_survey.site.plugin import CatalogueError, SymkdPlugin

    fake = _script(tmp_path, "echo 'Error: no disk' >&2; exit 1")
    monkeypatch.setattr(search_index, "pagefind_executable", lambda: fake)
    config = cast(Any, SimpleNamespace(site_dir=str(tmp_path)))
    with pytest.raises(CatalogueError) as caught:
        SymkdPlugin().on_post_build(config=config)
    assert str(caught.value).startswith("the search index was not built:\n")
    [issue] = _catalogue_issues(caught.value)
    assert (issue.check, issue.message) == ("search", "Pagefind failed (exit 1): Error: no disk")
