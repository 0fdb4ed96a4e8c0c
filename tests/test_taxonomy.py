"""taxonomy.yaml validates itself, and label lookup accepts ids, labels and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from symkd_survey.core.catalogue import Repository
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.taxonomy import load_taxonomy

FACETS = ("method", "application", "area", "opportunity", "challenge")


def test_shipped_taxonomy_has_the_surveys_facets(real_repo: Repository) -> None:
    taxonomy = real_repo.load_taxonomy()
    assert list(taxonomy.facets) == list(FACETS)
    assert taxonomy.node_ids("method") == ["direct", "multilevel", "reinforcement-learning"]
    assert len(taxonomy.node_ids("application")) >= 10
    assert len(taxonomy.node_ids("area")) == 6
    for facet in taxonomy.facets.values():
        for node in facet.nodes:
            assert node.description.strip()
            assert node.extension or node.survey_section


@pytest.mark.parametrize(("facet", "label", "expected"), [
    ("method", "direct", ("direct", False)),
    ("method", "Multi-level", ("multilevel", True)),
    ("method", "RL based", ("reinforcement-learning", True)),
    ("method", "distillation using reinforcement learning policy", ("reinforcement-learning", True)),
    ("application", "Commonsense Knowledge", ("commonsense", True)),
    ("application", "Commonsense Reasoning", ("commonsense", True)),
    ("application", "Summarisation", ("summarization", True)),
])
def test_resolve(real_repo: Repository, facet: str, label: str, expected: tuple[str, bool]) -> None:
    found = real_repo.load_taxonomy().resolve(facet, label)
    assert (found.canonical, found.via_alias) == expected


def test_unknown_label_gets_a_suggestion(real_repo: Repository) -> None:
    found = real_repo.load_taxonomy().resolve("method", "multi-levell")
    assert found.canonical is None and found.suggestion == "multilevel"


def _write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "taxonomy.yaml"
    file.write_text(text)
    return file


NODE = '      - {{id: {id}, label: "{label}", aliases: [{aliases}], survey_section: "IV.A", description: "d"}}\n'


def _taxonomy(nodes: str) -> str:
    facets = "".join(f"  {f}:\n    label: \"{f}\"\n    description: \"d\"\n    nodes:\n"
                     + (nodes if f == "method" else NODE.format(id="x", label="X", aliases=""))
                     for f in FACETS)
    return "schema_version: 1\nfacets:\n" + facets


def test_alias_shared_by_two_nodes_is_refused(tmp_path: Path) -> None:
    nodes = NODE.format(id="a", label="A", aliases='"Same"') + NODE.format(id="b", label="B", aliases='"same"')
    with pytest.raises(SymkdError) as caught:
        load_taxonomy(_write(tmp_path, _taxonomy(nodes)), "taxonomy.yaml")
    assert [i.format() for i in caught.value.issues] == [
        "taxonomy.yaml:8: [taxonomy] 'same' of node 'b' is already a label or alias of 'a'"]


def test_duplicate_node_id_and_bad_slug_are_refused(tmp_path: Path) -> None:
    nodes = NODE.format(id="a", label="A", aliases="") + NODE.format(id="a", label="A2", aliases="") + \
        NODE.format(id="Bad_Id", label="C", aliases="")
    with pytest.raises(SymkdError) as caught:
        load_taxonomy(_write(tmp_path, _taxonomy(nodes)), "taxonomy.yaml")
    messages = [i.message for i in caught.value.issues]
    assert "node id 'a' appears twice in 'method'" in messages
    assert "node id 'Bad_Id' is not a slug" in messages


def test_broken_taxonomy_stops_validate_with_its_line(repo_copy: Repository, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = repo_copy.taxonomy_file.read_text().replace("schema_version: 1", "schema_version: 1\nschema_version: 2")
    repo_copy.taxonomy_file.write_text(text)
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    assert status == 1
    assert err.strip() == "taxonomy.yaml:2: [yaml] duplicate key 'schema_version' (first defined on line 1) " \
        "(keep one of them)"


def test_taxonomy_text_follows_the_text_rule(repo_copy: Repository, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = repo_copy.taxonomy_file.read_text(encoding="utf-8")
    repo_copy.taxonomy_file.write_text(text.replace('label: "Direct distillation"', 'label: "Direct \\u202e x"'),
                                       encoding="utf-8")
    line = 1 + text.splitlines().index('        label: "Direct distillation"')
    status, _, err = run_cli("--root", repo_copy.root, "validate")
    assert status == 1
    assert err.splitlines()[0] == (f"taxonomy.yaml:{line}: [taxonomy] facets.method.nodes.0.label: "
                                   "character 8 is U+202E (RIGHT-TO-LEFT OVERRIDE), which is not allowed in text")
