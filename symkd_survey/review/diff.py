"""``symkd diff BASE [HEAD]``: what a change does to the catalogue, as Markdown for a review.

Both sides are read as data, not as text: the catalogue at ``BASE`` (a git ref) is read from
git's object store (``git ls-tree`` and one ``git cat-file --batch``), and ``HEAD`` is another
ref or, by default, the working tree (uncommitted and untracked files included). The report
lists the papers added, removed and changed (with the fields that changed), the
coverage-matrix cells whose counts moved, the citation edges gained and lost, and the
BibTeX that changed (through :mod:`symkd_survey.exports.bibtex`), and, when asked
(``suggest``), where the labels of an added or relabelled paper differ from what a model trained
on the base catalogue suggests (:mod:`symkd_survey.review.label_review`).

Everything in the report that comes from the change itself (titles, keys, file names) is
escaped, because a pull request from anyone becomes a comment on GitHub: no Markdown, HTML or
mention from an entry reaches the rendered comment.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from symkd_survey.core.catalogue import (
    CATALOGUE_DIR,
    ENTRY_SUFFIX,
    TAXONOMY_FILE,
    Catalogue,
    LoadedEntry,
    Repository,
    load_catalogue,
)
from symkd_survey.core.extension import entry_model
from symkd_survey.core.gitrepo import WORKING_TREE, Git
from symkd_survey.core.identity import SameWorkIndex
from symkd_survey.core.issues import SymkdError
from symkd_survey.core.model import Entry, entry_to_data
from symkd_survey.core.names import Name
from symkd_survey.core.taxonomy import Taxonomy, TaxonomyFile, check_taxonomy
from symkd_survey.core.yamlio import decode_text, parse_mapping
from symkd_survey.review.label_review import LabelCheck, review_labels

MARKER = "<!-- symkd-diff -->"
"""The first line of the report, so that a bot can find and update its earlier comment."""
MAX_BIBTEX_LINES = 400
MAX_REPORT_CHARS = 60_000
"""GitHub refuses comments longer than 65,536 characters."""
CUT_NOTE = "*(report cut: it is longer than a comment can be; run `symkd diff` locally)*\n"

BibtexExport = Callable[[Iterable[LoadedEntry]], str]


# --------------------------------------------------------------------------- snapshots


@dataclass(slots=True)
class Snapshot:
    """The catalogue at one ref (or in the working tree), as far as it can be read."""

    name: str
    catalogue: Catalogue
    texts: dict[str, bytes] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    """File -> why it could not be read as an entry."""
    taxonomy: Taxonomy | None = None

    @property
    def entries(self) -> dict[str, LoadedEntry]:
        return self.catalogue.entries


def _taxonomy_from_text(raw: bytes | None, path: str) -> Taxonomy | None:
    if raw is None:
        return None
    text, _ = decode_text(raw, path)
    doc, _ = parse_mapping(text, path) if text is not None else (None, [])
    if doc is None:
        return None
    try:
        data = TaxonomyFile.model_validate(doc.data)
    except ValidationError:
        return None
    return None if check_taxonomy(data, doc, path) else Taxonomy(data)


def _entry_from_bytes(raw: bytes, path: str, model: type[Entry] = Entry) -> tuple[LoadedEntry | None, str]:
    text, issues = decode_text(raw, path)
    if text is None:
        return None, issues[0].message
    doc, issues = parse_mapping(text, path)
    if doc is None:
        return None, issues[0].message
    try:
        entry = model.model_validate(doc.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, f"does not match the entry format ({where}: {first['msg']})"
    key = path.rsplit("/", 1)[-1].removesuffix(ENTRY_SUFFIX)
    return LoadedEntry(key, path, entry, doc), ""


def snapshot_at(git: Git, ref: str) -> Snapshot:
    """The catalogue as committed at ``ref``."""
    commit = git.resolve(ref)
    files = git.list_files(commit, f"{CATALOGUE_DIR}/")
    taxonomy_raw = git.read_file(commit, TAXONOMY_FILE)
    snapshot = Snapshot(ref, Catalogue(), taxonomy=_taxonomy_from_text(taxonomy_raw, TAXONOMY_FILE))
    wanted: list[tuple[str, str]] = []
    for item in files:
        name = item.path.removeprefix(f"{CATALOGUE_DIR}/")
        if name.rsplit("/", 1)[-1].startswith("."):
            continue
        if "/" in name:
            snapshot.unreadable[item.path] = "sub-folders are not allowed in the catalogue"
        elif item.is_link:
            snapshot.unreadable[item.path] = "links are not allowed in the catalogue"
        elif not name.endswith(ENTRY_SUFFIX):
            snapshot.unreadable[item.path] = f"catalogue files end in '{ENTRY_SUFFIX}'"
        else:
            wanted.append((item.path, item.blob))
    blobs = git.read_blobs(sorted({blob for _, blob in wanted}))
    model = entry_model(snapshot.taxonomy.extensions) if snapshot.taxonomy is not None else Entry
    for path, blob in wanted:
        loaded, reason = _entry_from_bytes(blobs[blob], path, model)
        snapshot.texts[path] = blobs[blob]
        if loaded is None:
            snapshot.unreadable[path] = reason
        else:
            snapshot.catalogue.entries[loaded.key] = loaded
    return snapshot


def snapshot_of_working_tree(repo: Repository) -> Snapshot:
    """The catalogue as it is on disk now."""
    catalogue = load_catalogue(repo)
    unreadable: dict[str, str] = {}
    for issue in catalogue.issues:
        unreadable.setdefault(issue.path, issue.message)
    catalogue.issues = []
    texts = {item.path: (repo.root / item.path).read_bytes() for item in catalogue}
    try:
        raw: bytes | None = repo.taxonomy_file.read_bytes()
    except OSError:
        raw = None
    return Snapshot(WORKING_TREE, catalogue, texts, unreadable, _taxonomy_from_text(raw, TAXONOMY_FILE))


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True, slots=True)
class Changed:
    key: str
    fields: tuple[str, ...]
    """Dotted names of the fields whose values changed; empty when only the formatting did."""


@dataclass(frozen=True, slots=True)
class Renamed:
    old: str
    new: str
    reason: str


@dataclass(slots=True)
class CatalogueDiff:
    base: str
    head: str
    base_count: int
    head_count: int
    added: list[LoadedEntry] = field(default_factory=list)
    removed: list[LoadedEntry] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    matrix: tuple[str, str] = ("", "")
    """The two facets of the coverage matrix (the head taxonomy's ``matrix`` role), whose cells are compared."""
    cells: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(column value, row value, count before, count after) for every cell of the matrix whose count moved."""
    new_edges: list[tuple[str, str]] = field(default_factory=list)
    lost_edges: list[tuple[str, str]] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    """Files of HEAD that could not be read as entries (``symkd validate`` says why in full)."""
    bibtex: list[str] | None = None
    """The unified diff of the BibTeX export, entry by entry; None when not compared."""
    bibtex_problem: str | None = None
    """Why the BibTeX could not be compared (the export failed, or there is no exporter)."""
    labels: list[LabelCheck] = field(default_factory=list)
    """The reviewed facets of added and relabelled papers against the label model's top suggestion."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed or self.cells or self.new_edges
                    or self.lost_edges or self.unreadable or self.bibtex)


def changed_fields(old: Entry, new: Entry) -> tuple[str, ...]:
    """The fields whose values differ, dotted one level into mappings (``ids.doi``)."""
    before, after = entry_to_data(old), entry_to_data(new)
    names: list[str] = []
    for name in dict.fromkeys([*before, *after]):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        if isinstance(a, dict) or isinstance(b, dict):
            a_map: dict[str, Any] = a if isinstance(a, dict) else {}
            b_map: dict[str, Any] = b if isinstance(b, dict) else {}
            names.extend(f"{name}.{sub}" for sub in dict.fromkeys([*a_map, *b_map]) if a_map.get(sub) != b_map.get(sub))
        else:
            names.append(name)
    return tuple(names)


def _labels(entry: Entry, facet: str, taxonomy: Taxonomy | None) -> list[str]:
    labels = entry.labels(facet)
    return taxonomy.canonical(facet, labels) if taxonomy is not None else list(dict.fromkeys(labels))


def cell_counts(snapshot: Snapshot, matrix: tuple[str, str]) -> dict[tuple[str, str], int]:
    """Papers per (column value, row value) pair of the two ``matrix`` facets; aliases count as their node."""
    counts: dict[tuple[str, str], int] = {}
    columns, rows = matrix
    for item in snapshot.catalogue:
        for column in _labels(item.entry, columns, snapshot.taxonomy):
            for row in _labels(item.entry, rows, snapshot.taxonomy):
                counts[(column, row)] = counts.get((column, row), 0) + 1
    return counts


def _matrix(base: Snapshot, head: Snapshot) -> tuple[str, str] | None:
    for snapshot in (head, base):
        if snapshot.taxonomy is not None:
            return snapshot.taxonomy.matrix
    return None


def citation_edges(snapshot: Snapshot) -> set[tuple[str, str]]:
    """(citing, cited) for every citation of a key that exists on the same side."""
    entries = snapshot.entries
    return {(item.key, cited) for item in snapshot.catalogue for cited in item.entry.cites
            if cited != item.key and cited in entries}


def _renames(removed: list[LoadedEntry], added: list[LoadedEntry]) -> list[Renamed]:
    """Removed entries whose work an added entry is (:class:`symkd_survey.core.identity.SameWorkIndex`)."""
    index = SameWorkIndex.of((item.key, item.entry) for item in added)
    found: list[Renamed] = []
    for old in removed:
        same = index.find(old.entry)
        if same is not None:
            (what, value), key = same
            found.append(Renamed(old.key, key, f"same {what} {value}"))
    return found


def default_bibtex_export() -> BibtexExport:
    """The BibTeX exporter of :mod:`symkd_survey.exports.bibtex` (imported when a diff needs it)."""
    from symkd_survey.exports.bibtex import export_bibliography

    return export_bibliography


def _bibtex_lines(export: BibtexExport, snapshot: Snapshot, key: str) -> list[str]:
    item = snapshot.entries.get(key)
    return export([item]).splitlines(keepends=True) if item is not None else []


def bibtex_diff(export: BibtexExport, base: Snapshot, head: Snapshot, keys: Iterable[str]) -> list[str]:
    """The unified diff of each entry's BibTeX, entry by entry (an added entry is all '+')."""
    lines: list[str] = []
    for key in sorted(keys):
        old, new = _bibtex_lines(export, base, key), _bibtex_lines(export, head, key)
        lines += difflib.unified_diff(old, new, f"{base.name}: {key}", f"{head.name}: {key}", n=2)
    return lines


def label_checks(base: Snapshot, head: Snapshot, diff: CatalogueDiff) -> list[LabelCheck]:
    """Every suggested facet of each added paper, and the facets whose labels a change edits,
    against a model trained on the base catalogue without those papers (head's taxonomy)."""
    taxonomy = head.taxonomy or base.taxonomy
    if taxonomy is None:
        return []
    reviewed: dict[str, tuple[Entry, list[str] | None]] = {item.key: (item.entry, None) for item in diff.added}
    for change in diff.changed:
        facets = [name.removeprefix("taxonomy.") for name in change.fields if name.startswith("taxonomy.")]
        if "taxonomy" in change.fields:
            facets = list(taxonomy.facet_names)
        if facets:
            reviewed[change.key] = (head.entries[change.key].entry, facets)
    return review_labels([item.entry for item in base.catalogue if item.key not in reviewed], reviewed, taxonomy)


def compare(base: Snapshot, head: Snapshot, *, bibtex: BibtexExport | None = None,
            suggest: bool = False) -> CatalogueDiff:
    """Everything that differs between two snapshots; with ``suggest``, the label checks too."""
    result = CatalogueDiff(base.name, head.name, len(base.entries), len(head.entries))
    old, new = base.entries, head.entries
    result.added = [new[key] for key in sorted(new.keys() - old.keys())]
    result.removed = [old[key] for key in sorted(old.keys() - new.keys())]
    result.renamed = _renames(result.removed, result.added)
    for key in sorted(old.keys() & new.keys()):
        fields = changed_fields(old[key].entry, new[key].entry)
        if fields or base.texts.get(old[key].path) != head.texts.get(new[key].path):
            result.changed.append(Changed(key, fields))
    matrix = _matrix(base, head)
    if matrix is not None:
        result.matrix = matrix
    before, after = (cell_counts(base, matrix), cell_counts(head, matrix)) if matrix else ({}, {})
    result.cells = sorted((m, a, before.get((m, a), 0), after.get((m, a), 0))
                          for m, a in before.keys() | after.keys() if before.get((m, a), 0) != after.get((m, a), 0))
    base_edges, head_edges = citation_edges(base), citation_edges(head)
    result.new_edges = sorted(head_edges - base_edges)
    result.lost_edges = sorted(base_edges - head_edges)
    result.unreadable = dict(sorted(head.unreadable.items()))
    if bibtex is not None:
        touched = {e.key for e in result.added} | {e.key for e in result.removed} | \
                  {c.key for c in result.changed if c.fields}
        try:
            result.bibtex = bibtex_diff(bibtex, base, head, touched)
        except SymkdError as exc:
            first = exc.issues[0].format() if exc.issues else str(exc)
            result.bibtex_problem = f"the BibTeX export failed: {first}"
    if suggest:
        result.labels = label_checks(base, head, result)
    return result


def diff_refs(repo: Repository, base: str, head: str | None = None, *,
              bibtex: BibtexExport | None = None, suggest: bool = False) -> CatalogueDiff:
    """Compare the catalogue at git ref ``base`` with ``head`` (default: the working tree)."""
    git = Git(repo)
    base_snapshot = snapshot_at(git, base)
    head_snapshot = snapshot_at(git, head) if head is not None else snapshot_of_working_tree(repo)
    return compare(base_snapshot, head_snapshot, bibtex=bibtex, suggest=suggest)


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:])")


def md_text(value: str) -> str:
    """Text that renders as itself in GitHub Markdown: no emphasis, links, HTML, tables or
    mentions (``@user`` would notify someone).

    >>> print(md_text("*Star*-Transformer <b> | x"))
    \\*Star\\*\\-Transformer &lt;b&gt; \\| x
    >>> "@octocat" in md_text("@octocat")
    False
    """
    text = " ".join(value.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")  # a zero-width space: '@name' must not notify anyone


def md_code(value: str) -> str:
    """``value`` as inline code, fenced with more backticks than it contains.

    >>> md_code("west2022symbolic"), md_code("a`b")
    ('`west2022symbolic`', '`` a`b ``')
    """
    text = " ".join(value.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`{3,}", line)), default=0)
    return "`" * max(3, longest + 1)


def _paper(item: LoadedEntry) -> str:
    entry = item.entry
    first = Name.parse(entry.authors[0]).family
    who = f"{first} et al." if len(entry.authors) > 1 else first
    return f"{md_text(entry.title)} ({md_text(who)}, {entry.year})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def to_markdown(diff: CatalogueDiff) -> str:
    """The report as GitHub-flavoured Markdown, starting with :data:`MARKER`."""
    out = [MARKER, f"### Catalogue changes: {md_code(diff.base)} → {md_code(diff.head)}", ""]
    if diff.empty:
        out.append(f"No catalogue changes ({_plural(diff.head_count, 'paper')}).")
        return "\n".join(out) + "\n"
    out.append(f"**{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed** "
               f"({diff.base_count} → {_plural(diff.head_count, 'paper')})")
    if diff.unreadable:
        out += ["", f"#### Files that could not be read ({len(diff.unreadable)})",
                "Run `symkd validate` for the details.", ""]
        out += [f"- {md_code(path)}: {md_text(reason)}" for path, reason in diff.unreadable.items()]
    if diff.added:
        columns, rows = diff.matrix
        shown = [facet for facet in (columns, rows) if facet]
        out += ["", f"#### Added ({len(diff.added)})", "",
                "| key | paper |" + "".join(f" {md_text(facet)} |" for facet in shown),
                "|---|---|" + "---|" * len(shown)]
        for item in diff.added:
            values = "".join(f" {', '.join(md_text(v) for v in item.entry.labels(facet)) or '–'} |" for facet in shown)
            out.append(f"| {md_code(item.key)} | {_paper(item)} |{values}")
    if diff.changed:
        out += ["", f"#### Changed ({len(diff.changed)})", ""]
        for change in diff.changed:
            what = ", ".join(md_code(name) for name in change.fields) or "formatting only"
            out.append(f"- {md_code(change.key)}: {what}")
    if diff.removed:
        out += ["", f"#### Removed ({len(diff.removed)})", ""]
        out += [f"- {md_code(item.key)}: {_paper(item)}" for item in diff.removed]
    if diff.renamed:
        out += ["", "> [!WARNING]", "> Keys are permanent (they are the BibTeX keys); these look renamed:"]
        out += [f"> - {md_code(r.old)} → {md_code(r.new)} ({md_text(r.reason)})" for r in diff.renamed]
    if diff.cells:
        columns, rows = (md_text(facet) for facet in diff.matrix)
        out += ["", f"#### Taxonomy cells, {columns} × {rows} ({len(diff.cells)})", "",
                f"| {columns} | {rows} | before | after |", "|---|---|---:|---:|"]
        for column, row, before, after in diff.cells:
            out.append(f"| {md_text(column)} | {md_text(row)} | {before} | {after} ({after - before:+d}) |")
    if diff.new_edges or diff.lost_edges:
        out += ["", f"#### Citations ({len(diff.new_edges)} new, {len(diff.lost_edges)} removed)", ""]
        out += [f"- {md_code(a)} cites {md_code(b)}" for a, b in diff.new_edges]
        out += [f"- ~~{md_code(a)} cites {md_code(b)}~~ (removed)" for a, b in diff.lost_edges]
    out += _labels_section(diff.labels)
    text = "\n".join(out) + "\n"
    if len(text) > MAX_REPORT_CHARS:
        return text[: text.rfind("\n", 0, MAX_REPORT_CHARS - len(CUT_NOTE) - 2) + 1] + "\n" + CUT_NOTE
    return text + "".join(f"{line}\n" for line in _bibtex_section(diff, MAX_REPORT_CHARS - len(text)))


def _labels_section(checks: list[LabelCheck]) -> list[str]:
    """The disagreements, one line each; the papers whose every checked label agrees, in one quiet line."""
    if not checks:
        return []
    out = ["", "#### Label suggestions", "",
           "Advice from a model trained on the base catalogue (without these papers); nothing was changed.", ""]
    for check in checks:
        if not check.agrees:
            said = ", ".join(f"{md_code(v)} {c:.2f}" for v, c in zip(check.labels, check.label_confidence, strict=True))
            out.append(f"- {md_code(check.key)}: suggested: {md_text(check.facet)} {md_code(check.suggested.value)} "
                       f"{check.suggested.confidence:.2f}; the entry says {said or 'nothing'}")
    differing = {check.key for check in checks if not check.agrees}
    agreeing = list(dict.fromkeys(check.key for check in checks if check.key not in differing))
    if agreeing:
        shown = ", ".join(md_code(key) for key in agreeing[:20]) + (" …" if len(agreeing) > 20 else "")
        out += [""] if differing else []
        out.append(f"The top suggestions agree with the labels of {_plural(len(agreeing), 'paper')}: {shown}.")
    return out


def _bibtex_section(diff: CatalogueDiff, budget: int) -> list[str]:
    """The BibTeX part of the report, in at most ``budget`` characters (its lines are cut to fit)."""
    if diff.bibtex_problem is not None:
        return ["", "#### BibTeX", "", f"Not compared: {md_text(diff.bibtex_problem)}"]
    if not diff.bibtex:
        return []
    lines = [line.rstrip("\n") for line in diff.bibtex]
    fence = _fence(lines)
    head = ["", "#### BibTeX", "", "<details><summary>BibTeX diff</summary>", "", f"{fence}diff"]
    tail = [fence, "", "</details>"]
    note = f"*(the first {{shown}} of {len(lines)} lines; run `symkd diff` locally for the rest)*"
    room = budget - sum(len(line) + 1 for line in [*head, *tail, note]) - 10
    shown: list[str] = []
    for line in lines[:MAX_BIBTEX_LINES]:
        room -= len(line) + 1
        if room < 0:
            break
        shown.append(line)
    if not shown:
        return ["", "#### BibTeX", "", note.format(shown=0)]
    section = [*head, *shown, *tail]
    if len(shown) < len(lines):
        section.insert(-2, note.format(shown=len(shown)))
    return section
