"""The screening flow in the PRISMA 2020 shape for updated reviews, per period (month).

Identified records come from the run log (``screening/runs.yaml``, one line per ``discover``
run), screening from the decisions file. Per period: records identified by source, duplicates
removed before screening, records screened, excluded (by reason), undecided (``maybe``),
included; plus the studies in the previous version (the catalogue without the works included
through screening) and the total now included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from symkd_survey.core.catalogue import Repository, entry_files
from symkd_survey.review.discovery import CORE_SOURCES, SOURCES
from symkd_survey.review.review_files import RUNS_FILE, Run, read_runs
from symkd_survey.review.screening import DECISIONS_FILE, REASONS, Decision, latest, read_decisions


@dataclass(slots=True)
class Period:
    name: str
    identified: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CORE_SOURCES, 0))
    """Per source: the core sources always, the others from the first run that asked them."""
    duplicates_removed: int = 0
    screened: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    maybe: int = 0
    included: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"period": self.name, "identified": dict(self.identified),
                "duplicates_removed": self.duplicates_removed, "screened": self.screened,
                "excluded": dict(sorted(self.excluded.items())), "excluded_total": sum(self.excluded.values()),
                "maybe": self.maybe, "included": self.included}


@dataclass(slots=True)
class Flow:
    previous: int
    periods: list[Period]
    total_included: int
    last_screened: dt.date | None = None
    """The date of the newest screening decision; None before the first."""

    def to_json(self) -> dict[str, Any]:
        return {"previous_studies": self.previous, "periods": [p.to_json() for p in self.periods],
                "total_included": self.total_included,
                "last_screened": self.last_screened.isoformat() if self.last_screened else None}


def flow(runs: Sequence[Run], decisions: Sequence[Decision], catalogue_size: int) -> Flow:
    """Counts per month. Each work counts once, in the month of its standing decision."""
    periods: dict[str, Period] = {}

    def period(name: str) -> Period:
        return periods.setdefault(name, Period(name))

    for run in runs:
        p = period(run.date.strftime("%Y-%m"))
        for source, count in run.identified.items():
            p.identified[source] = p.identified.get(source, 0) + count
        p.duplicates_removed += run.duplicates_removed
    included = 0
    for d in latest(decisions).values():
        p = period(d.date.strftime("%Y-%m"))
        p.screened += 1
        if d.decision == "include":
            p.included += 1
            included += 1
        elif d.decision == "exclude":
            reason = d.reason or "unstated"
            p.excluded[reason] = p.excluded.get(reason, 0) + 1
        else:
            p.maybe += 1
    previous = max(0, catalogue_size - included)
    last = max((d.date for d in decisions), default=None)
    return Flow(previous, [periods[k] for k in sorted(periods)], previous + included, last)


def repository_flow(repo: Repository) -> Flow:
    """The flow of the repository's screening files (``screening/runs.yaml`` and the decisions),
    counted against its catalogue; empty periods when nothing has been screened yet."""
    files, _ = entry_files(repo)
    return flow(read_runs(repo.root / RUNS_FILE, RUNS_FILE), read_decisions(repo.root / DECISIONS_FILE, DECISIONS_FILE),
                len(files))


def flow_text(result: Flow) -> str:
    lines = [f"Studies included in the previous version of the review: {result.previous}"]
    for p in result.periods:
        lines.append(f"\n{p.name}")
        for source in (s for s in SOURCES if s in p.identified):
            lines.append(f"  records identified ({source}): {p.identified[source]}")
        lines.append(f"  duplicate records removed before screening: {p.duplicates_removed}")
        lines.append(f"  records screened: {p.screened}")
        lines.append(f"  records excluded: {sum(p.excluded.values())}")
        for reason, count in sorted(p.excluded.items()):
            lines.append(f"    {reason}: {count}")
        lines.append(f"  awaiting a decision (maybe): {p.maybe}")
        lines.append(f"  new studies included: {p.included}")
    lines.append(f"\nTotal studies included in the review: {result.total_included}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the SVG diagram

_BOX_W = 300
_BOX_H = 22


def _box(x: int, y: int, lines: Sequence[str], out: list[str]) -> int:
    height = 10 + _BOX_H * len(lines)
    out.append(f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{height}" rx="4" '
               'fill="#ffffff" stroke="#333333"/>')
    for n, text in enumerate(lines):
        weight = ' font-weight="bold"' if n == 0 else ""
        out.append(f'<text x="{x + 10}" y="{y + 22 + _BOX_H * n}"{weight}>{escape(text)}</text>')
    return y + height


def _arrow(x1: int, y1: int, x2: int, y2: int, out: list[str]) -> None:
    out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#333333" marker-end="url(#arrow)"/>')


def flow_svg(result: Flow) -> str:
    """The flow over all periods as one PRISMA 2020 (updated review) diagram, hand-written SVG
    with every text escaped and no external assets."""
    identified = Counter[str]()
    excluded = Counter[str]()
    dup = screened = maybe = included = 0
    for p in result.periods:
        identified.update(p.identified)
        excluded.update(p.excluded)
        dup += p.duplicates_removed
        screened += p.screened
        maybe += p.maybe
        included += p.included
    span = f"{result.periods[0].name} to {result.periods[-1].name}" if result.periods else "no screening yet"
    out: list[str] = []
    left, right = 20, 360
    y = 50
    bottom = _box(left, y, ["Previous version of the review", f"Studies included: {result.previous}"], out)
    ident_lines = ["Records identified", *(f"{s}: {identified.get(s, 0)}" for s in SOURCES
                                           if s in CORE_SOURCES or s in identified)]
    end = _box(right, y, ident_lines, out)
    dup_y = end + 30
    _arrow(right + _BOX_W // 2, end, right + _BOX_W // 2, dup_y, out)
    end = _box(right, dup_y, ["Removed before screening", f"Duplicate records: {dup}"], out)
    scr_y = end + 30
    _arrow(right + _BOX_W // 2, end, right + _BOX_W // 2, scr_y, out)
    end = _box(right, scr_y, ["Records screened", f"Screened: {screened}", f"Awaiting decision: {maybe}"], out)
    exc_lines = ["Records excluded", f"Total: {sum(excluded.values())}",
                 *(f"{r}: {excluded.get(r, 0)}" for r in REASONS if excluded.get(r)),
                 *(f"{r}: {c}" for r, c in sorted(excluded.items()) if r not in REASONS)]
    exc_x = right + _BOX_W + 40
    _arrow(right + _BOX_W, scr_y + 20, exc_x, scr_y + 20, out)
    exc_end = _box(exc_x, scr_y, exc_lines, out)
    inc_y = max(end, bottom) + 30
    _arrow(right + _BOX_W // 2, end, right + _BOX_W // 2, inc_y, out)
    inc_end = _box(right, inc_y, ["New studies included", f"Included: {included}"], out)
    # the total sits beside the new studies: fed from above (previous version) and from the right
    _arrow(right, inc_y + 27, left + _BOX_W, inc_y + 27, out)
    _arrow(left + _BOX_W // 2, bottom, left + _BOX_W // 2, inc_y, out)
    last = max(inc_end, _box(left, inc_y, ["Total studies included in the review",
                                           f"Studies: {result.total_included}"], out))
    width = exc_x + _BOX_W + 20
    height = max(last, exc_end) + 20
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="14" role="img" '
        'aria-label="PRISMA 2020 flow diagram">',
        f"<title>{escape('PRISMA 2020 flow diagram, ' + span)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333333"/></marker></defs>',
        f'<text x="20" y="28" font-size="16" font-weight="bold">{escape("Screening flow: " + span)}</text>',
    ]
    return "\n".join([*head, *out, "</svg>"]) + "\n"
