"""``symkd serve``: the site on 127.0.0.1, built from the catalogue, rebuilt on change."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from symkd_survey.core.catalogue import Repository

from .conftest import REPO_ROOT, seeded_repository


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, attempts: int = 240) -> bytes:
    """The page, once the server is up (bounded: attempts x 0.5 s)."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # loopback only
                return bytes(answer.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer")


def _site_repo(tmp_path: Path) -> Repository:
    repo = seeded_repository(tmp_path, ("west2022symbolic", "hsieh2023distilling"))
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "site", repo.root / "site")
    shutil.copytree(REPO_ROOT / "symkd_survey", repo.root / "symkd_survey",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def test_serve_shows_the_catalogue_and_rebuilds_on_change(tmp_path: Path) -> None:
    repo = _site_repo(tmp_path)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "symkd_survey", "--root", str(repo.root), "serve",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = _get(f"http://127.0.0.1:{port}/papers/west2022symbolic.html").decode()
        assert "Symbolic Knowledge Distillation" in page
        file = repo.catalogue_dir / "west2022symbolic.yaml"
        file.write_text(file.read_text(encoding="utf-8").replace("from General Language Models",
                                                                 "from Served Language Models"), encoding="utf-8")
        for _ in range(240):  # bounded wait for the rebuild
            if "from Served Language Models" in _get(f"http://127.0.0.1:{port}/papers/west2022symbolic.html").decode():
                break
            time.sleep(0.5)
        else:
            raise AssertionError("the page was not rebuilt")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_catalogue_with_errors(tmp_path: Path) -> None:
    repo = _site_repo(tmp_path)
    (repo.catalogue_dir / "broken.yaml").write_text("title: [\n")
    done = subprocess.run([sys.executable, "-m", "symkd_survey", "--root", str(repo.root), "serve", "--port",
                           str(_free_port())], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("catalogue/broken.yaml:")
    assert "Traceback" not in done.stderr
