"""The shipped catalogue: valid, canonical, and faithful to the survey's tables."""

from __future__ import annotations

import json

from symkd_survey.checking.validate import validate
from symkd_survey.core.catalogue import Repository, load_catalogue
from symkd_survey.core.model import entry_to_yaml
from symkd_survey.extensions.skd_survey import survey_of

from .conftest import SOURCES


def test_shipped_catalogue_validates_without_warnings(real_repo: Repository) -> None:
    result = validate(real_repo)
    assert [i.format() for i in result.issues] == []
    assert len(result.catalogue) >= 21


def test_load_save_round_trip_leaves_every_shipped_file_unchanged(real_repo: Repository) -> None:
    catalogue = load_catalogue(real_repo)
    assert catalogue.issues == []
    for item in catalogue:
        original = (real_repo.catalogue_dir / f"{item.key}.yaml").read_text(encoding="utf-8")
        assert entry_to_yaml(item.entry) == original, item.key


def test_the_twenty_classified_works_carry_the_survey_tables_verbatim(real_repo: Repository) -> None:
    works = json.loads((SOURCES / "acharya2024_skd_classified_works.json").read_text())["works"]
    assert len(works) == 20
    catalogue = load_catalogue(real_repo)
    by_ref = {placement.ref: item for item in catalogue if (placement := survey_of(item.entry)) is not None}
    taxonomy = real_repo.load_taxonomy()
    for work in works:
        item = by_ref[work["ref_no"]]
        survey = survey_of(item.entry)
        assert survey is not None and survey.table3 is not None and survey.table4 is not None
        assert (survey.table3.method, survey.table3.application) == (work["method"], work["application"])
        assert (survey.table4.teacher, survey.table4.student, survey.table4.dataset, survey.table4.size) == (
            work["teacher"], work["student"], work["dataset_generated"], work["dataset_size"])
        assert item.entry.ids.arxiv == (work["arxiv_id"] or None)
        # Exactly one method and one application: the ones Table III names, unless an erratum on the
        # Table III cell records why the taxonomy's definitions give another (I2D2 and Polu et al. iterate).
        corrected = {e.column for e in survey.table_errata("table3")}
        for facet, cell in (("method", work["method"]), ("application", work["application"])):
            if facet in corrected:
                assert len(item.entry.labels(facet)) == 1 and item.entry.label_reasons.get(facet), item.key
            else:
                assert item.entry.labels(facet) == [taxonomy.resolve(facet, cell).canonical], item.key
        assert item.entry.summary and len(item.entry.summary) <= 300


def test_the_survey_itself_is_in_the_catalogue(real_repo: Repository) -> None:
    catalogue = load_catalogue(real_repo)
    survey = catalogue.entries["acharya2024survey"].entry
    assert survey.ids.arxiv == "2408.10210"
    assert survey.ids.doi == "10.1109/tai.2024.3428519"
    assert survey.authors == ["Acharya, Kamal", "Velasquez, Alvaro", "Song, Houbing Herbert"]


def test_every_survey_spelling_resolves_to_its_node(real_repo: Repository) -> None:
    taxonomy = real_repo.load_taxonomy()
    tree = json.loads((SOURCES / "acharya2024_skd_taxonomy.json").read_text())
    section_iv = next(s for s in tree["sections"] if s["no"] == "IV")
    for child in section_iv["children"]:
        ids = {taxonomy.resolve("method", name).canonical for name in (child["title"], child["table_label"])}
        assert len(ids) == 1 and None not in ids, child
    section_v = next(s for s in tree["sections"] if s["no"] == "V")
    vg = next(c for c in section_v["children"] if c["no"] == "V.G")
    for child in vg["children"]:
        ids = {taxonomy.resolve("application", name).canonical for name in (child["title"], child["table_label"])}
        assert len(ids) == 1 and None not in ids, child
        node = taxonomy.node("application", ids.pop() or "")
        assert node is not None and node.survey_section == child["no"]
    for facet, number in (("area", "V"), ("opportunity", "VI"), ("challenge", "VII")):
        section = next(s for s in tree["sections"] if s["no"] == number)
        children = [c for c in section["children"] if c["no"] != "V.G"]
        assert {n.survey_section for n in taxonomy.facets[facet].nodes} == {c["no"] for c in children}
        for child in children:
            assert taxonomy.resolve(facet, child["title"]).canonical is not None, child


def test_an_accepted_warning_is_silenced_only_where_accepted(repo_copy: Repository) -> None:
    """Alpaca and Self-Instruct really cite each other; both entries accept the cycle warning."""
    assert [i for i in validate(repo_copy).issues if i.check == "citation-cycle"] == []
    file = repo_copy.catalogue_dir / "taori2023stanford.yaml"
    text = file.read_text(encoding="utf-8")
    start = text.index("accept:\n")
    end = text.index("source:", start)
    file.write_text(text[:start] + text[end:], encoding="utf-8")
    cycle = [i.format() for i in validate(repo_copy).issues if i.check == "citation-cycle"]
    assert len(cycle) == 1 and cycle[0].startswith("catalogue/taori2023stanford.yaml:")
    assert "taori2023stanford -> wang2023selfinstruct -> taori2023stanford" in cycle[0]


TABLE4_ERRATA = {
    ("bhagavatula2023i2d2", "table4.teacher"),  # I2D2 does without GPT-3: GPT-2 teaches itself
    ("arora2023ask", "table4.teacher"), ("arora2023ask", "table4.student"),  # AMA trains no model
    ("smith2024language", "table4.student"),  # T0++ is a labeler (teacher); RoBERTa is the end model
    ("mukherjee2023orca", "table4.teacher"),  # ChatGPT wrote 5M of Orca's responses, GPT-4 1M
}
TABLE3_ERRATA = {("bhagavatula2023i2d2", "table3.method"), ("polu2023formal", "table3.method")}


def test_every_table4_row_is_confirmed_by_its_paper_or_corrected(real_repo: Repository) -> None:
    from symkd_survey.extensions.skd_survey import distillation_of

    rows = 0
    table4: set[tuple[str, str]] = set()
    table3: set[tuple[str, str]] = set()
    for item in load_catalogue(real_repo):
        survey = survey_of(item.entry)
        if survey is None:
            continue
        table4 |= {(item.key, e.field) for e in survey.table_errata("table4")}
        table3 |= {(item.key, e.field) for e in survey.table_errata("table3")}
        if survey.table4 is None:
            continue
        rows += 1
        distillation = distillation_of(item.entry)
        # the paper's own facts, read from it, with where they were read and a dated record of the source
        assert distillation is not None and distillation.evidence, item.key
        assert item.entry.verification, item.key
        for erratum in survey.table_errata("table4"):  # the survey's cell, quoted verbatim
            assert getattr(survey.table4, erratum.column) == erratum.survey, item.key
    assert rows == 20
    assert table4 == TABLE4_ERRATA
    assert table3 == TABLE3_ERRATA
    for key, _ in TABLE3_ERRATA:  # the entries follow the taxonomy's definition of iterated distillation
        assert load_catalogue(real_repo).entries[key].entry.labels("method") == ["multilevel"]


def test_every_curated_entry_says_why_it_has_its_method(real_repo: Repository) -> None:
    missing = [item.key for item in load_catalogue(real_repo)
               if item.entry.source == "curated" and not item.entry.label_reasons.get("method", "").strip()]
    assert missing == []
