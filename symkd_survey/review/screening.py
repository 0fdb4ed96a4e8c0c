"""Screening decisions: an append-only, validated file, ``screening/decisions.yaml``.

Each decision is one line of a block list::

    decisions:
      - {id: "arxiv:2401.00001", decision: exclude, reason: not-llm, date: "2026-12-01", source: arxiv-search}

``include``, ``exclude`` (with a reason from :data:`REASONS`) and ``maybe``. A work has at
most one final decision (``include`` or ``exclude``), optionally after one ``maybe``; a second
decision on a decided work is a fault. New decisions are appended (the earlier lines are kept
byte for byte); the whole result is validated before anything is written, so a fault in any
new decision writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symkd_survey.core.fileio import atomic_write, create_exclusive
from symkd_survey.core.identity import normalize_reference
from symkd_survey.core.ids import did_you_mean
from symkd_survey.core.issues import Issue, SymkdError, error
from symkd_survey.core.text import text_problem
from symkd_survey.core.yamlio import YamlDocument, dump_mapping, parse_mapping, read_text
from symkd_survey.review.discovery import SCREENING_DIR, SOURCES, SeenIndex

DECISIONS_FILE = f"{SCREENING_DIR}/decisions.yaml"
HEADER = "decisions:\n"
DECISIONS = ("include", "exclude", "maybe")
FINAL = frozenset({"include", "exclude"})
REASONS = {
    "not-symbolic": "the knowledge moved is not in a symbolic (textual, explicit) form",
    "not-llm": "no large language model is the teacher",
    "duplicate": "another version of a work already in the catalogue",
    "out-of-scope": "not about distilling knowledge from a model at all",
    "not-a-paper": "not a scholarly work (news, slides, a listing)",
}
"""The declared reasons for an exclusion, with what each means."""
FIELDS = ("id", "decision", "reason", "date", "source", "title", "note")


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    decision: str
    date: dt.date
    reason: str | None = None
    source: str | None = None
    note: str | None = None
    line: int = 0
    title: str | None = None
    """The work's title as the queue had it, so that a later copy under another id is known."""

    def to_mapping(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "decision": self.decision}
        if self.reason:
            data["reason"] = self.reason
        data["date"] = self.date.isoformat()
        if self.source:
            data["source"] = self.source
        if self.title:
            data["title"] = self.title
        if self.note:
            data["note"] = self.note
        return data


def _parse_items(doc: YamlDocument, path: str) -> tuple[list[Decision], list[Issue]]:
    issues: list[Issue] = []
    unknown = sorted(set(doc.data) - {"decisions"})
    for key in unknown:
        issues.append(error("decision", path, doc.line_of((key,), key=True), f"unknown field {key!r}",
                            "the file holds one list, 'decisions'"))
    raw = doc.data.get("decisions") or []
    if not isinstance(raw, list):
        return [], [*issues, error("decision", path, doc.line_of(("decisions",)), "decisions must be a list")]
    out: list[Decision] = []
    for n, item in enumerate(raw):
        line = doc.line_of(("decisions", n))
        if not isinstance(item, dict):
            issues.append(error("decision", path, line, "each decision is a mapping {id, decision, ...}"))
            continue
        extra = [k for k in item if k not in FIELDS]
        if extra:
            issues.append(error("decision", path, line, f"unknown field {extra[0]!r}",
                                f"fields are {', '.join(FIELDS)}"))
            continue
        raw_id = item.get("id")
        norm = normalize_reference(raw_id) if isinstance(raw_id, str) else None
        if norm is None:
            issues.append(error("decision-id", path, line, f"malformed id {raw_id!r}",
                                "write arxiv:ID (e.g. arxiv:2401.00001) or doi:DOI"))
            continue
        kind = item.get("decision")
        if kind not in DECISIONS:
            issues.append(error("decision", path, line, f"unknown decision {kind!r} for {norm}",
                                f"one of {', '.join(DECISIONS)}"))
            continue
        reason = item.get("reason")
        if kind == "exclude" and reason not in REASONS:
            guess = did_you_mean(str(reason), REASONS) if isinstance(reason, str) else None
            hint = f"did you mean {guess!r}?" if guess else f"one of {', '.join(REASONS)}"
            issues.append(error("decision-reason", path, line, f"unknown reason {reason!r} for excluding {norm}",
                                hint))
            continue
        if kind != "exclude" and reason is not None:
            issues.append(error("decision-reason", path, line, f"a reason is given only for an exclusion ({norm})"))
            continue
        try:
            date = dt.date.fromisoformat(str(item.get("date")))
        except ValueError:
            issues.append(error("decision", path, line, f"date must be YYYY-MM-DD for {norm}"))
            continue
        source = item.get("source")
        if source is not None and source not in SOURCES and source != "manual":
            issues.append(error("decision", path, line, f"unknown source {source!r} for {norm}",
                                f"one of {', '.join((*SOURCES, 'manual'))}"))
            continue
        note, title = item.get("note"), item.get("title")
        if not all(v is None or isinstance(v, str) for v in (note, title)):
            issues.append(error("decision", path, line, f"note and title must be text for {norm}"))
            continue
        problem = next((f"{name}: {p}" for name, value, kind in (("note", note, "note"), ("title", title, "title"))
                        if value is not None and (p := text_problem(value, kind)) is not None), None)
        if problem is not None:
            issues.append(error("text", path, line, f"{norm} {problem}"))
            continue
        out.append(Decision(norm, kind, date, reason, source, note, line, title))
    return out, issues


def check_sequence(decisions: Sequence[Decision], path: str) -> list[Issue]:
    """One final decision per work, after at most one ``maybe``."""
    issues: list[Issue] = []
    state: dict[str, Decision] = {}
    for d in decisions:
        before = state.get(d.id)
        if before is not None and (before.decision in FINAL or d.decision == "maybe"):
            issues.append(error("decision-duplicate", path, d.line,
                                f"{d.id} was already screened ({before.decision} on line {before.line})",
                                "decisions are append-only; a work is decided once"))
            continue
        state[d.id] = d
    return issues


def read_decisions(file: Path, display: str = DECISIONS_FILE) -> list[Decision]:
    """Every decision, validated; a missing file holds none."""
    if not file.exists():
        return []
    text, issues = read_text(file, display)
    if text is None:
        raise SymkdError(issues)
    return parse_batch(text, display)


def latest(decisions: Sequence[Decision]) -> dict[str, Decision]:
    """The standing decision per work."""
    out: dict[str, Decision] = {}
    for d in decisions:
        out[d.id] = d
    return out


def screened_index(decisions: Sequence[Decision]) -> SeenIndex:
    """What ``discover`` must not offer again: every work with a final decision (a ``maybe``
    stays in the queue until it is decided)."""
    index = SeenIndex()
    for d in latest(decisions).values():
        if d.decision in FINAL:
            index.add([d.id], d.title)
    return index


def parse_batch(text: str, path: str) -> list[Decision]:
    """Decisions from a batch file (same shape as the decisions file), validated."""
    doc, issues = parse_mapping(text, path)
    if doc is None:
        raise SymkdError(issues)
    decisions, issues = _parse_items(doc, path)
    issues += check_sequence(decisions, path)
    if issues:
        raise SymkdError(issues)
    return decisions


def make_decision(raw_id: str, kind: str, *, reason: str | None, note: str | None, today: dt.date,
                  source: str | None = None, title: str | None = None) -> Decision:
    """One decision from the command line, validated like a line of the file (path ``<args>``)."""
    item: dict[str, Any] = {"id": raw_id, "decision": kind, "date": today.isoformat()}
    if reason is not None:
        item["reason"] = reason
    if source is not None:
        item["source"] = source
    if title:
        item["title"] = title
    if note is not None:
        item["note"] = note
    doc = YamlDocument(data={"decisions": [item]})
    decisions, issues = _parse_items(doc, "<args>")
    if issues:
        raise SymkdError([dataclasses.replace(i, line=0) for i in issues])
    return decisions[0]


def append_decisions(file: Path, new: Sequence[Decision], display: str = DECISIONS_FILE,
                     *, dry_run: bool = False) -> str:
    """Append ``new`` to the decisions file; validate the whole before writing anything.

    A new decision that clashes with an earlier one is reported at the line it would take in
    the decisions file, naming the line of the earlier one."""
    existing = file.read_text(encoding="utf-8") if file.exists() else ""
    if existing:
        read_decisions(file, display)  # the file as it stands must be valid first
    base = existing if existing else HEADER
    if not base.endswith("\n"):
        base += "\n"
    lines = [dump_mapping({"decisions": [d.to_mapping()]}, frozenset({"decisions"})).splitlines()[1]
             for d in new]
    text = base + "".join(line + "\n" for line in lines)
    doc, issues = parse_mapping(text, display)
    if doc is None:
        raise SymkdError(issues)
    combined, issues = _parse_items(doc, display)
    if not issues:
        issues = check_sequence(combined, display)
    if issues:
        raise SymkdError(issues)
    if not dry_run:
        if existing:
            atomic_write(file, text)
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            create_exclusive(file, text)
    return text

