"""``symkd cite-add``: citation edges read by a person, written through the validated path.

A maintainer who has read a paper's reference list records what it cites among catalogue
papers, and how it was read (the evidence: which copy, which version). Each edge is checked
before anything is written: both keys must exist (with a did-you-mean), a paper cannot cite
itself, an edge already recorded is reported rather than added twice. The whole catalogue with
the new edges is then validated (a citation cycle or a later-year citation shows up as it
would in ``symkd validate``) and every changed file is written atomically, or none is.

Edges can also come from a CSV file with the columns ``citing_key,cited_key`` and optionally
``evidence`` (the shape of ``data/citations-fulltext.csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from symkd_survey.checking.checks import run_checks
from symkd_survey.core.catalogue import Catalogue, LoadedEntry, Repository, load_catalogue
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.ids import unknown_key
from symkd_survey.core.issues import Issue, SymkdError, error, warning
from symkd_survey.core.model import Entry, ReferenceList, entry_to_yaml
from symkd_survey.core.text import text_problem
from symkd_survey.core.yamlio import read_text

CHECK = "cite-add"
MAX_CSV_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class Edge:
    citing: str
    cited: str
    where: str  # the argument or CSV line it came from, for messages
    line: int
    evidence: str


@dataclass(slots=True)
class CitePlan:
    changes: dict[str, tuple[LoadedEntry, Entry]] = field(default_factory=dict)
    added: list[Edge] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def edges_from_args(citing: str, cited: Sequence[str], evidence: str) -> list[Edge]:
    return [Edge(citing, key, "symkd cite-add", 0, evidence) for key in cited]


def edges_from_csv(file: Path, display: str, evidence: str | None) -> list[Edge]:
    """The edges of a CSV file with ``citing_key`` and ``cited_key`` columns (and ``evidence``)."""
    text, issues = read_text(file, display, MAX_CSV_BYTES)
    if text is None:
        raise SymkdError(issues)
    reader = csv.DictReader(io.StringIO(text))
    missing = {"citing_key", "cited_key"} - set(reader.fieldnames or ())
    if missing:
        raise SymkdError([error(CHECK, display, 1, f"the CSV has no column {', '.join(sorted(missing))}",
                                "the first line names the columns: citing_key,cited_key,evidence")])
    edges = []
    for row in reader:
        line = reader.line_num
        said = (row.get("evidence") or "").strip() or evidence
        if not said:
            raise SymkdError([error(CHECK, display, line, "no evidence for this edge",
                                    "give an evidence column or --evidence TEXT")])
        edges.append(Edge((row["citing_key"] or "").strip(), (row["cited_key"] or "").strip(), display, line, said))
    return edges


def plan_cite_add(repo: Repository, edges: Iterable[Edge], *, complete: bool = False,
                  today: dt.date | None = None) -> CitePlan:
    """Check every edge and build the changed entries; writes nothing."""
    catalogue = load_catalogue(repo)
    if catalogue.issues:
        raise SymkdError([*catalogue.issues, error("catalogue", "catalogue", 0, "the catalogue has files that do "
                                                   "not load", "fix them first ('symkd validate')")])
    plan = CitePlan()
    new_cites: dict[str, list[str]] = {}
    evidence: dict[str, str] = {}
    for edge in edges:
        problem = _edge_problem(catalogue, edge, new_cites)
        if problem is not None:
            plan.issues.append(problem)
            continue
        if edge.cited in new_cites.get(edge.citing, catalogue.entries[edge.citing].entry.cites):
            plan.issues.append(warning(CHECK, edge.where, edge.line,
                                       f"'{edge.citing}' already cites '{edge.cited}'", "nothing to add"))
            continue
        new_cites.setdefault(edge.citing, list(catalogue.entries[edge.citing].entry.cites)).append(edge.cited)
        evidence[edge.citing] = edge.evidence
        plan.added.append(edge)
    if any(issue.severity.value == "error" for issue in plan.issues):
        raise SymkdError([*plan.issues, error(CHECK, "symkd cite-add", 0, "nothing was written")])
    for key, cites in new_cites.items():
        item = catalogue.entries[key]
        plan.changes[key] = (item, _with_edges(item.entry, cites, evidence[key], complete, today or dt.date.today()))
    _validate(catalogue, plan, repo)
    return plan


def _edge_problem(catalogue: Catalogue, edge: Edge, new_cites: dict[str, list[str]]) -> Issue | None:
    for role, key in (("citing", edge.citing), ("cited", edge.cited)):
        if key not in catalogue.entries:
            return unknown_key(key, catalogue.entries, path=edge.where, line=edge.line, hint="add the paper first",
                               role=role)
    if edge.citing == edge.cited:
        return error(CHECK, edge.where, edge.line, f"'{edge.citing}' cannot cite itself")
    problem = text_problem(edge.evidence, "short")
    if problem is not None:
        return error(CHECK, edge.where, edge.line, f"evidence: {problem}")
    return None


def _with_edges(entry: Entry, cites: list[str], evidence: str, complete: bool, today: dt.date) -> Entry:
    """The entry with its new citations, and its reference list marked as read (at least in part)."""
    old = entry.reference_list
    state = "complete" if complete else ("complete" if old is not None and old.state == "complete" else "partial")
    reference_list = ReferenceList(state=state, version=evidence, read=today, note=old.note if old else None)
    return entry.model_copy(update={"cites": cites, "reference_list": reference_list})


def _validate(catalogue: Catalogue, plan: CitePlan, repo: Repository) -> None:
    """Run every check of ``symkd validate`` on the catalogue with the new edges."""
    taxonomy = repo.load_taxonomy()
    merged = Catalogue(entries=dict(catalogue.entries))
    for key, (item, entry) in plan.changes.items():
        merged.entries[key] = LoadedEntry(item.key, item.path, entry, item.doc)
    found = run_checks(merged, taxonomy)
    changed_paths = {item.path for item, _ in plan.changes.values()}
    new = [issue for issue in found if issue.path in changed_paths]
    errors = [issue for issue in new if issue.severity.value == "error"]
    if errors:
        raise SymkdError([*plan.issues, *errors, error(CHECK, "symkd cite-add", 0, "nothing was written")])
    plan.issues.extend(issue for issue in new if issue.severity.value != "error")


def write_plan(plan: CitePlan, repo: Repository) -> list[str]:
    """Write every changed entry (atomically, each file whole), or on failure put back the
    ones written; returns the paths written."""
    texts = {}
    for key, (item, entry) in plan.changes.items():
        file = repo.entry_file(key)
        current, issues = read_text(file, item.path)
        if current is None:
            raise SymkdError(issues)
        texts[key] = (file, current, entry_to_yaml(entry))
    old_texts: dict[Path, str] = {}
    try:
        for file, current, new in texts.values():
            old_texts[file] = current
            atomic_write(file, new)
    except OSError as exc:
        for file, current in old_texts.items():  # put back what was written: all or nothing
            atomic_write(file, current)
        raise SymkdError([error("io", str(exc.filename or "catalogue"), 0,
                                f"cannot write: {exc.strerror or exc}; nothing was changed")]) from None
    return [plan.changes[key][0].path for key in texts]
