"""The files around a release: versions that must agree, the citation, pre-commit hooks,
and the contributing guide that the site repeats."""

from __future__ import annotations

import re
from typing import Any

import yaml

from symkd_survey import __version__
from symkd_survey.core.taxonomy import SCHEMA_VERSION

from .conftest import REPO_ROOT


def _yaml(name: str) -> Any:
    return yaml.safe_load((REPO_ROOT / name).read_text(encoding="utf-8"))


def test_citation_version_is_the_package_version() -> None:
    citation = _yaml("CITATION.cff")
    assert citation["version"] == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_citation_is_cff_1_2_and_prefers_the_survey() -> None:
    citation = _yaml("CITATION.cff")
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert {"message", "title", "authors", "version", "license"} <= citation.keys()
    survey = citation["preferred-citation"]
    assert survey == citation["references"][0]
    assert survey["doi"] == "10.1109/TAI.2024.3428519"
    assert [(a["family-names"], a["given-names"]) for a in survey["authors"]] == [
        ("Acharya", "Kamal"), ("Velasquez", "Alvaro"), ("Song", "Houbing Herbert")]
    assert (survey["journal"], survey["volume"], survey["issue"], survey["start"], survey["end"], survey["year"]) \
        == ("IEEE Transactions on Artificial Intelligence", 5, 12, 5928, 5948, 2024)


def test_the_taxonomy_schema_has_its_own_version() -> None:
    assert _yaml("taxonomy.yaml")["schema_version"] == SCHEMA_VERSION


def test_the_pre_commit_hook_for_other_repositories() -> None:
    hooks = _yaml(".pre-commit-hooks.yaml")
    assert hooks == [{
        "id": "symkd-validate", "name": "symkd validate",
        "description": "Check catalogue entries against the entry format and taxonomy.yaml.",
        "entry": "symkd validate", "language": "python", "files": r"^catalogue/.*\.yaml$",
        "pass_filenames": True, "require_serial": True,
    }]
    assert re.search(hooks[0]["files"], "catalogue/west2022symbolic.yaml")
    assert not re.search(hooks[0]["files"], "docs/catalogue/x.yaml")


def test_this_repositorys_pre_commit_config() -> None:
    config = _yaml(".pre-commit-config.yaml")
    (local,) = config["repos"]
    assert local["repo"] == "local"
    assert {h["id"]: h["entry"] for h in local["hooks"]} == {
        "ruff": "ruff check", "symkd-validate": "symkd validate", "symkd-format": "symkd format --check"}


def test_contributing_has_the_three_steps_of_the_site_page() -> None:
    def steps(text: str) -> list[str]:
        return re.findall(r"^\d\. \*\*(\w+)\*\*", text, re.MULTILINE)

    guide = (REPO_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    site = (REPO_ROOT / "site" / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert steps(guide) == steps(site) == ["Add", "Label", "Validate"]


def test_the_changelog_has_an_unreleased_section() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n\n## Unreleased\n")
    assert "`symkd diff BASE [HEAD]`" in changelog
