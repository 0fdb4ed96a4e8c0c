"""The files of the screening loop written by ``symkd discover``: the queue and the run log.

``screening/queue.yaml`` holds the ranked candidates of the latest run (rewritten by each run);
``screening/runs.yaml`` one line per run (appended), which ``symkd prisma`` counts as the
records identified per source and the duplicates removed. Both are validated on read: every
fault is ``path:line: [check] message``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symkd_survey.core.identity import normalize_reference
from symkd_survey.core.issues import SymkdError, error
from symkd_survey.core.yamlio import dump_mapping, read_mapping
from symkd_survey.review.discovery import CORE_SOURCES, SCREENING_DIR, SOURCES, DiscoveryResult

QUEUE_FILE = f"{SCREENING_DIR}/queue.yaml"


# --------------------------------------------------------------------------- the queue file


def queue_text(result: DiscoveryResult, today: dt.date) -> str:
    data: dict[str, Any] = {
        "generated": today.isoformat(),
        "identified": dict(result.identified),
        "duplicates_removed": result.duplicates,
        "candidates": [c.to_mapping() for c in result.candidates],
    }
    return dump_mapping(data, frozenset({"candidates"}))


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: str
    title: str
    sources: tuple[str, ...]
    score: str
    line: int


@dataclass(frozen=True, slots=True)
class Queue:
    generated: dt.date | None
    identified: dict[str, int]
    duplicates_removed: int
    items: tuple[QueueItem, ...]


def read_queue(file: Path, display: str = QUEUE_FILE) -> Queue:
    """The queue, validated: each fault ``path:line: [queue] message``; a missing file is empty."""
    if not file.exists():
        return Queue(None, {}, 0, ())
    doc, issues = read_mapping(file, display)
    if doc is None:
        raise SymkdError(issues)
    data = doc.data
    try:
        generated = dt.date.fromisoformat(str(data.get("generated")))
    except ValueError:
        issues.append(error("queue", display, doc.line_of(("generated",)), "generated must be a date YYYY-MM-DD"))
        generated = None
    identified: dict[str, int] = {}
    raw_ident = data.get("identified", {})
    if isinstance(raw_ident, dict):
        for key, value in raw_ident.items():
            if key not in SOURCES or not str(value).isdigit():
                issues.append(error("queue", display, doc.line_of(("identified", key)),
                                    f"identified needs a count per known source, got {key}: {value}"))
            else:
                identified[key] = int(value)
    dup_raw = str(data.get("duplicates_removed", "0"))
    if not dup_raw.isdigit():
        issues.append(error("queue", display, doc.line_of(("duplicates_removed",)),
                            "duplicates_removed must be a whole number"))
    items: list[QueueItem] = []
    raw_items = data.get("candidates", [])
    if not isinstance(raw_items, list):
        raw_items = []
        issues.append(error("queue", display, doc.line_of(("candidates",)), "candidates must be a list"))
    for n, item in enumerate(raw_items):
        line = doc.line_of(("candidates", n))
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or normalize_reference(item["id"]) is None:
            issues.append(error("queue", display, line, "each candidate needs an id arxiv:ID or doi:DOI"))
            continue
        sources = item.get("sources", [])
        if not isinstance(sources, list) or not all(s in SOURCES for s in sources):
            issues.append(error("queue", display, line, f"unknown source in {sources!r}"))
            continue
        items.append(QueueItem(str(normalize_reference(item["id"])), str(item.get("title", "")), tuple(sources),
                               str(item.get("score", "")), line))
    if issues:
        raise SymkdError(issues)
    return Queue(generated, identified, int(dup_raw), tuple(items))


# --------------------------------------------------------------------------- the run log

RUNS_FILE = f"{SCREENING_DIR}/runs.yaml"


@dataclass(frozen=True, slots=True)
class Run:
    """One ``discover`` run, as PRISMA counts it: records identified per source, duplicates
    removed before screening, records queued."""

    date: dt.date
    identified: dict[str, int]
    duplicates_removed: int
    queued: int
    line: int = 0

    def to_mapping(self) -> dict[str, Any]:
        counted = [s for s in SOURCES if s in CORE_SOURCES or s in self.identified]
        return {"date": self.date.isoformat(), **{s: self.identified.get(s, 0) for s in counted},
                "duplicates_removed": self.duplicates_removed, "queued": self.queued}


def read_runs(file: Path, display: str = RUNS_FILE) -> list[Run]:
    """The run log, validated; a missing file holds none."""
    if not file.exists():
        return []
    doc, issues = read_mapping(file, display)
    if doc is None:
        raise SymkdError(issues)
    raw = doc.data.get("runs") or []
    runs: list[Run] = []
    if not isinstance(raw, list):
        raise SymkdError([error("runs", display, doc.line_of(("runs",)), "runs must be a list")])
    names = ("date", *CORE_SOURCES, "duplicates_removed", "queued")
    optional = [s for s in SOURCES if s not in CORE_SOURCES]
    for n, item in enumerate(raw):
        line = doc.line_of(("runs", n))
        if not isinstance(item, dict) or sorted(k for k in item if k not in optional) != sorted(names):
            issues.append(error("runs", display, line, f"each run has exactly {', '.join(names)}",
                                f"and {', '.join(optional)} when those sources were asked"))
            continue
        present = [s for s in SOURCES if s in item]
        try:
            date = dt.date.fromisoformat(str(item["date"]))
        except ValueError:
            issues.append(error("runs", display, line, "date must be YYYY-MM-DD"))
            continue
        counts = [str(item[k]) for k in (*names[1:], *(s for s in optional if s in item))]
        if not all(c.isdigit() for c in counts):
            issues.append(error("runs", display, line, "counts must be whole numbers"))
            continue
        runs.append(Run(date, {s: int(item[s]) for s in present}, int(item["duplicates_removed"]),
                        int(item["queued"]), line))
    if issues:
        raise SymkdError(issues)
    return runs


def runs_text_appended(file: Path, run: Run, display: str = RUNS_FILE) -> str:
    """The run log with ``run`` appended (earlier lines kept as they are), validated first."""
    read_runs(file, display)
    existing = file.read_text(encoding="utf-8") if file.exists() else "runs:\n"
    if not existing.endswith("\n"):
        existing += "\n"
    line = dump_mapping({"runs": [run.to_mapping()]}, frozenset({"runs"})).splitlines()[1]
    return existing + line + "\n"
