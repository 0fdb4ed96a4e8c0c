"""``symkd discover``, ``symkd screen`` and ``symkd prisma``: the living-survey loop."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import print_issues, repository
from symkd_survey.core.issues import SymkdError, error


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def cmd_discover(args: argparse.Namespace) -> int:
    """Gather, rank, write the queue and the run log. A failed Semantic Scholar source is a
    warning; the run is then incomplete and writes nothing (exit 1) unless ``--allow-partial``."""
    from symkd_survey.core.catalogue import load_catalogue
    from symkd_survey.core.fileio import atomic_write
    from symkd_survey.review.discovery import discover, load_config
    from symkd_survey.review.queue_markdown import queue_markdown
    from symkd_survey.review.ranking import history_of
    from symkd_survey.review.review_files import QUEUE_FILE, RUNS_FILE, Run, queue_text, runs_text_appended
    from symkd_survey.review.screening import DECISIONS_FILE, latest, read_decisions, screened_index
    from symkd_survey.sources.arxiv_client import client_from_environment, network_issue
    from symkd_survey.sources.network_errors import NetworkError
    from symkd_survey.sources.s2_discovery import discovery_from_environment

    repo = repository(args)
    catalogue = load_catalogue(repo)
    errors = [i for i in catalogue.issues if i.is_error]
    if errors:
        raise SymkdError(errors)
    config = load_config(repo)
    matrix = repo.load_taxonomy().matrix  # entries with no value in either facet are background
    decisions = read_decisions(repo.root / DECISIONS_FILE, DECISIONS_FILE)
    standing = list(latest(decisions).values())
    negatives = [d.id for d in standing if d.decision == "exclude" and d.reason != "duplicate"]
    today = _today()

    def report(line: str) -> None:
        print(f"symkd: {line}", file=sys.stderr)

    listed = None
    if args.list is not None:
        from symkd_survey.review.listed import read_list

        listed, list_issues = read_list(Path(args.list), str(args.list))
        print_issues(list_issues)
    client = None if args.no_arxiv else client_from_environment(use_cache=not args.no_cache, report=report)
    s2 = None
    if config.s2 is not None and not args.no_s2:
        s2 = discovery_from_environment(today, use_cache=not args.no_cache, report=report,
                                        deadline=client.deadline if client is not None else None)
    annotate = None
    if not args.no_suggest:
        from symkd_survey.analysis.label_model import train
        from symkd_survey.review.label_review import queue_labels

        annotate = queue_labels(train(catalogue, repo.load_taxonomy()))
    try:
        result = discover(catalogue, config, client, screened=screened_index(decisions), today=today,
                          since=args.since, max_results=args.max, progress=report, s2=s2, negatives=negatives,
                          history=history_of(standing), scope=matrix or (), annotate=annotate,
                          citations=not args.no_citations, listed=listed)
    except NetworkError as exc:
        raise SymkdError([network_issue(exc)]) from None
    write = not args.dry_run and (result.complete or args.allow_partial)
    run = Run(today, result.identified, result.duplicates, len(result.candidates))
    runs_file = repo.root / RUNS_FILE
    runs_text = runs_text_appended(runs_file, run, RUNS_FILE)
    if write:
        (repo.root / QUEUE_FILE).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(repo.root / QUEUE_FILE, queue_text(result, today))
        atomic_write(runs_file, runs_text)
    print_issues(result.issues)
    if args.json:
        json.dump({"identified": result.identified, "duplicates_removed": result.duplicates,
                   "complete": result.complete, "failed_sources": result.failed, "learned": result.ranking.learned,
                   "issues": [i.to_json() for i in result.issues],
                   "candidates": [c.to_mapping() for c in result.candidates]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(queue_markdown(result, today))
    else:
        for cand in result.candidates:
            print(f"{cand.score:.3f}  {cand.id}  {cand.title or '(title unknown)'}")
            for reason in cand.reasons:
                print(f"       {reason}")
    if args.dry_run:
        where = "not written (--dry-run)"
    elif write:
        where = f"written to {QUEUE_FILE}" + ("" if result.complete else " without " + ", ".join(result.failed))
    else:
        where = "not written"
    print(f"{len(result.candidates)} candidates ({result.duplicates} duplicates removed); {where}", file=sys.stderr)
    if not result.complete and not args.allow_partial:
        raise SymkdError([error("incomplete", "symkd discover", 0,
                                f"{', '.join(result.failed)} failed, so the run is incomplete: nothing was written",
                                "try again later, or rerun with --allow-partial (or --no-s2) to write it without")])
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from symkd_survey.core.identity import normalize_reference
    from symkd_survey.core.yamlio import read_text
    from symkd_survey.review.review_files import QUEUE_FILE, read_queue
    from symkd_survey.review.screening import DECISIONS_FILE, append_decisions, make_decision, parse_batch

    repo = repository(args)
    today = _today()
    if args.from_file is not None:
        if args.id is not None or args.include or args.exclude or args.maybe:
            raise SymkdError([error("args", "symkd screen", 0, "give ID with a decision, or --from FILE, not both")])
        text, issues = read_text(Path(args.from_file), args.from_file)
        if text is None:
            raise SymkdError(issues)
        new = parse_batch(text, args.from_file)
    else:
        chosen = [name for name, on in (("include", args.include), ("exclude", args.exclude is not None),
                                        ("maybe", args.maybe)) if on]
        if args.id is None or len(chosen) != 1:
            raise SymkdError([error("args", "symkd screen", 0,
                                    "give one ID and exactly one of --include, --exclude REASON, --maybe")])
        queue = read_queue(repo.root / QUEUE_FILE, QUEUE_FILE)
        norm = normalize_reference(args.id)
        item = next((i for i in queue.items if i.id == norm), None)
        source = item.sources[0] if item is not None and len(item.sources) == 1 else None
        new = [make_decision(args.id, chosen[0], reason=args.exclude, note=args.note, today=today,
                             source=source or ("manual" if item is None else None),
                             title=item.title if item is not None else None)]
    append_decisions(repo.root / DECISIONS_FILE, new, DECISIONS_FILE, dry_run=True)  # check first
    if args.add:
        _add_included(args, new)
    append_decisions(repo.root / DECISIONS_FILE, new, DECISIONS_FILE, dry_run=args.dry_run)
    for d in new:
        what = f"exclude ({d.reason})" if d.reason else d.decision
        print(f"{d.id}: {what}")
    print(f"{len(new)} decision(s) {'checked (--dry-run)' if args.dry_run else 'appended to ' + DECISIONS_FILE}",
          file=sys.stderr)
    return 0


def _add_included(args: argparse.Namespace, new: list[Any]) -> None:
    """``--add``: create the entries of the included arXiv works as ``symkd add`` does (metadata
    from arXiv, suggested-label header), before the decisions are appended; nothing is written
    when any of them fails."""
    from symkd_survey.sources.adding import IdRequest, add_papers
    from symkd_survey.sources.arxiv_client import client_from_environment

    ids = [d.id.removeprefix("arxiv:") for d in new if d.decision == "include" and d.id.startswith("arxiv:")]
    others = [d.id for d in new if d.decision == "include" and not d.id.startswith("arxiv:")]
    if others:
        raise SymkdError([error("args", "symkd screen", 0, f"--add needs arXiv ids; {others[0]} is not one",
                                "include it without --add and write the entry by hand")])
    if not ids:
        return

    def report(line: str) -> None:
        print(f"symkd: {line}", file=sys.stderr)

    planned = add_papers(repository(args), [IdRequest(i, "symkd screen") for i in ids],
                         client_from_environment(report=report), dry_run=args.dry_run)
    for entry in planned:
        print(f"{'would add' if args.dry_run else 'added'} {entry.display}")


def cmd_prisma(args: argparse.Namespace) -> int:
    from symkd_survey.core.fileio import atomic_write
    from symkd_survey.review.prisma import flow_svg, flow_text, repository_flow

    result = repository_flow(repository(args))
    if args.svg is not None:
        atomic_write(Path(args.svg), flow_svg(result))
    if args.json:
        data: dict[str, Any] = result.to_json()
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(flow_text(result))
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("discover", help="find candidate works (arXiv search, Semantic Scholar, catalogue "
                                             "citations) and rank them")
    p.add_argument("--since", type=_date, default=None, help="only arXiv works submitted on or after DATE")
    p.add_argument("--max", type=_positive, default=None, help="at most N arXiv results per query")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="the candidates as JSON")
    shown.add_argument("--markdown", action="store_true", help="the ranked queue as Markdown (for an issue)")
    p.add_argument("--dry-run", action="store_true", help="write neither the queue nor the run log")
    p.add_argument("--no-arxiv", action="store_true", help="skip the arXiv searches")
    p.add_argument("--no-suggest", action="store_true", help="do not suggest taxonomy labels for queue items")
    p.add_argument("--no-citations", action="store_true",
                   help="skip the citation signal (works cited by two or more catalogue papers)")
    p.add_argument("--list", metavar="FILE", default=None,
                   help="also screen the works of a CSV list (title plus arxiv/doi/url columns), source 'listed'")
    p.add_argument("--no-s2", action="store_true",
                   help="skip Semantic Scholar (citations of catalogue papers, recommendations)")
    p.add_argument("--allow-partial", action="store_true",
                   help="write the queue and run log even when a Semantic Scholar source failed")
    p.add_argument("--no-cache", action="store_true", help="do not use the disk cache")
    p.set_defaults(func=cmd_discover)

    s = commands.add_parser("screen", help="record a screening decision (append-only)")
    s.add_argument("id", nargs="?", default=None, help="arxiv:ID or doi:DOI")
    s.add_argument("--include", action="store_true")
    s.add_argument("--exclude", metavar="REASON", default=None)
    s.add_argument("--maybe", action="store_true")
    s.add_argument("--note", default=None)
    s.add_argument("--from", dest="from_file", default=None, metavar="FILE",
                   help="decisions from a YAML file shaped like screening/decisions.yaml")
    s.add_argument("--add", action="store_true",
                   help="also create the entries of included arXiv works, as symkd add does")
    s.add_argument("--dry-run", action="store_true", help="check, write nothing")
    s.set_defaults(func=cmd_screen)

    r = commands.add_parser("prisma", help="the screening flow in the PRISMA 2020 shape")
    r.add_argument("--json", action="store_true")
    r.add_argument("--svg", metavar="FILE", default=None, help="also write the flow diagram as SVG")
    r.set_defaults(func=cmd_prisma)
