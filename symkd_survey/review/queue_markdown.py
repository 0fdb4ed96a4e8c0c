"""The ranked queue as Markdown: the body of the weekly discovery issue (``symkd discover --markdown``).

Every text from a source (titles, reasons) is escaped before it is written, since Markdown
interprets it (``*Star*-Transformer``, ``<SOS>``, a ``|`` that would split a table cell). The
first line is a marker, :data:`MARKER`, by which the workflow finds the issue to update. The
suggested-labels column holds what the ranking's ``annotate`` callback gave (empty until label
suggestions are wired).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

from symkd_survey.review.discovery import SOURCES, Candidate, DiscoveryResult

MARKER = "<!-- symkd-discover-queue -->"
MAX_ROWS = 100
"""Rows shown: an issue body holds at most 65,536 characters."""
NO_LABELS = "(not yet suggested)"
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def escape(text: str) -> str:
    """Text that Markdown shows as written, on one line (no table cell breaks): every
    character Markdown could read as syntax gets a backslash."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def link(candidate: Candidate) -> str:
    """The work's page: arXiv abstract page or DOI resolver (percent-encoded: no ``(`` or ``)``)."""
    kind, _, value = candidate.id.partition(":")
    quoted = urllib.parse.quote(value, safe="/:.;-_~")
    return f"https://arxiv.org/abs/{quoted}" if kind == "arxiv" else f"https://doi.org/{quoted}"


def queue_markdown(result: DiscoveryResult, today: dt.date, *, rows: int = MAX_ROWS) -> str:
    lines = [MARKER, f"## Discovery queue, {today.isoformat()}", ""]
    counts = ", ".join(f"{s}: {result.identified[s]}" for s in SOURCES if s in result.identified)
    lines.append(f"Records identified ({counts}); {result.duplicates} duplicates removed; "
                 f"{len(result.candidates)} candidates.")
    if result.ranking.learned:
        lines.append(f"Ranked by a model learned from the screening history ({result.ranking.included} included, "
                     f"{result.ranking.excluded} excluded).")
    else:
        lines.append("Ranked by similarity to the catalogue (too few screening decisions to learn from).")
    for issue in result.issues:
        lines.append(f"\n> **Warning:** {escape(issue.message)}")
    if not result.complete:
        lines.append(f"\n> **Incomplete run:** {escape(', '.join(result.failed))} failed and contributed nothing.")
    lines += ["", "| # | score | work | sources | why | suggested labels |", "|---:|---:|---|---|---|---|"]
    for n, cand in enumerate(result.candidates[:rows], start=1):
        title = escape(cand.title) if cand.title else "(title unknown)"
        work = f"[{title}]({link(cand)}) ({escape(cand.id)})"
        why = "; ".join(escape(r) for r in cand.reasons) or "-"
        labels = ", ".join(f"`{label}`" for label in cand.suggested_labels if "`" not in label) or NO_LABELS
        lines.append(f"| {n} | {cand.score:.3f} | {work} | {', '.join(sorted(cand.sources))} | {why} | {labels} |")
    if len(result.candidates) > rows:
        lines.append(f"\n{len(result.candidates) - rows} more in `screening/queue.yaml` of the run.")
    lines.append("\nRecord a decision with `symkd screen ID --include`, `--exclude REASON` or `--maybe`.")
    return "\n".join(lines) + "\n"
