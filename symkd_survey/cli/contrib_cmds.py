"""``symkd from-issue`` and ``symkd diff``: the contribution workflow's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from symkd_survey.cli.common import print_issues, repository
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import SymkdError, error
from symkd_survey.core.model import EntryType

if TYPE_CHECKING:  # the network clients load only when a command needs them
    from symkd_survey.review.from_issue import Fetcher, Metadata


def _given_metadata(args: argparse.Namespace) -> Metadata | None:
    from symkd_survey.review.from_issue import Metadata

    given = {"--title": args.title, "--author": args.authors, "--year": args.year}
    if not any(given.values()) and not (args.venue or args.type):
        return None
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise SymkdError([error("args", "symkd from-issue", 0, f"{', '.join(missing)} missing",
                                "give --title, --author (once per author) and --year together")])
    return Metadata(args.title, tuple(args.authors), args.year, args.type or "misc", args.venue)


def cmd_from_issue(args: argparse.Namespace) -> int:
    from symkd_survey.review.from_issue import arxiv_fetcher, fixed_metadata, from_issue, suggestion_report
    from symkd_survey.review.issue_form import read_issue_body
    from symkd_survey.sources.arxiv_client import client_from_environment

    repo = repository(args)
    if args.body_file == "-":
        display = "<stdin>"
        text = read_issue_body(sys.stdin.buffer, display)
    else:
        display = args.body_file
        text = read_issue_body(Path(args.body_file), display)
    metadata = _given_metadata(args)
    if metadata is not None:
        plan = from_issue(repo, text, display, fixed_metadata(metadata), dry_run=args.dry_run,
                          suggest=not args.no_suggest)
    else:
        def report(line: str) -> None:
            print(f"symkd: {line}", file=sys.stderr)

        with client_from_environment(use_cache=not args.no_cache, report=report) as client:
            fetcher: Fetcher = arxiv_fetcher(client)
            plan = from_issue(repo, text, display, fetcher, dry_run=args.dry_run, suggest=not args.no_suggest)
    print_issues(plan.warnings)
    if args.dry_run:
        print(f"# ==> {plan.display} (dry run: not written) <==")
        print(plan.text, end="")
        print(f"{plan.request.identifier} would be added as '{plan.key}'; nothing was written", file=sys.stderr)
    else:
        print(f"added {plan.display} ({plan.request.identifier})")
    advice = suggestion_report(plan)
    if advice:  # advice for the maintainer; on stderr in a dry run, whose standard output is the entry
        out = sys.stderr if args.dry_run else sys.stdout
        print("suggested labels (advice from a model trained on the catalogue; the entry keeps the form's):",
              file=out)
        for line in advice:
            print(f"  {line}", file=out)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from symkd_survey.review.diff import default_bibtex_export, diff_refs, to_markdown

    repo = repository(args)
    exporter = None if args.no_bibtex else default_bibtex_export()
    result = diff_refs(repo, args.base, args.head, bibtex=exporter, suggest=not args.no_suggest)
    text = to_markdown(result)
    if args.output:
        atomic_write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("from-issue", help="turn a submitted 'Add a paper' issue form into a catalogue entry")
    p.add_argument("body_file", metavar="BODY_FILE", help="the issue body, as GitHub renders the form ('-': stdin)")
    p.add_argument("--dry-run", action="store_true", help="print the entry instead of writing it")
    facts = p.add_argument_group("the paper's facts, instead of looking the arXiv id up (needed for a DOI)")
    facts.add_argument("--title", help="the full title")
    facts.add_argument("--author", dest="authors", action="append", metavar="'FAMILY, GIVEN'",
                       help="one author, in order; repeat for each")
    facts.add_argument("--year", type=int, help="the year of the version cited")
    facts.add_argument("--venue", help="the journal or proceedings")
    facts.add_argument("--type", choices=get_args(EntryType), help="the BibTeX entry type (default: misc)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of arXiv answers")
    p.add_argument("--no-suggest", action="store_true", help="do not train the label model or print its suggestions")
    p.set_defaults(func=cmd_from_issue)

    p = commands.add_parser("diff", help="what changed in the catalogue between two git refs, as Markdown")
    p.add_argument("base", metavar="BASE", help="the git ref to compare with, e.g. origin/main")
    p.add_argument("head", metavar="HEAD", nargs="?", default=None,
                   help="the git ref to compare (default: the working tree, uncommitted files included)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the Markdown to FILE instead of standard output")
    p.add_argument("--no-bibtex", action="store_true", help="leave the BibTeX diff out")
    p.add_argument("--no-suggest", action="store_true",
                   help="leave the label suggestions out (they need a model trained on the base catalogue)")
    p.set_defaults(func=cmd_diff)
