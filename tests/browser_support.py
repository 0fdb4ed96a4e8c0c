"""The built site served on 127.0.0.1 and a real Chromium driving it, shared by every browser test.

The site is built once per test session from a copy of the shipped catalogue plus one hostile
entry whose title and summary carry markup and script and a few entries whose titles carry other
payloads. Screenshots go to ``test-artifacts/``. Fixtures are registered in ``conftest.py``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.model import Entry, entry_to_yaml
from symkd_survey.site.build import build_site

from .conftest import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO_ROOT / "test-artifacts"
HOSTILE_KEY = "zzhostile2025script"
HOSTILE_TITLE = 'Distilling <script>window.__pwned = 1</script> with <img src=x onerror="window.__pwned = 2"> *Stars*'

PAYLOAD_TITLES = (  # each valid under the text rule; planted as titles of their own entries
    '![x](data:,x){: onerror="window.__pwned = 3"} and [click](javascript:window.__pwned=4) in Markdown',
    '" onmouseover="window.__pwned=5" x="</title><script>window.__pwned=6</script>',
    "{{ 7*7 }} {% raw %} &lt;img src=x onerror=window.__pwned=7&gt; <svg/onload=window.__pwned=8>",
    "---\u00a0title: x <!-- --> `<style>*{display:none}</style>` __init__ *Star*-Transformer",
)
PAYLOAD_KEYS = tuple(f"zzpayload{n}" for n in range(1, len(PAYLOAD_TITLES) + 1))

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
"""``pytestmark`` of every browser test module."""


def _hostile_entry() -> str:
    entry = Entry.model_validate({
        "title": HOSTILE_TITLE, "authors": ["<b>Bold</b>, Evil", "Doe, Jane"], "year": 2025, "type": "misc",
        "taxonomy": {"method": ["direct"], "application": ["commonsense"]},
        "summary": "A [link](javascript:alert(1)) and <iframe src=//evil.example></iframe> in a summary.",
        "source": "curated", "added": "2026-11-28",
    })
    return entry_to_yaml(entry)


def _payload_entry(title: str) -> str:
    return entry_to_yaml(Entry.model_validate({
        "title": title, "authors": ["Doe, Jane"], "year": 2025, "type": "misc",
        "taxonomy": {"method": ["direct"], "application": ["commonsense"]}, "source": "curated",
        "added": "2026-11-28"}))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Repository]]:
    root = tmp_path_factory.mktemp("site-repo")
    for name in ("taxonomy.yaml", "mkdocs.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    for folder in ("catalogue", "site", "symkd_survey"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "catalogue" / f"{HOSTILE_KEY}.yaml").write_text(_hostile_entry(), encoding="utf-8")
    for key, title in zip(PAYLOAD_KEYS, PAYLOAD_TITLES, strict=True):
        (root / "catalogue" / f"{key}.yaml").write_text(_payload_entry(title), encoding="utf-8")
    repo = Repository(root)
    out = root / "_site"
    build_site(repo, out)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", repo
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, site: tuple[str, Repository]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.foreign = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.foreign.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith(("data:", "blob:"))
            else None)
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
