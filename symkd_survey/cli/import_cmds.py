"""``symkd import bibtex FILE [--dry-run] [--skip-invalid] [--source survey|curated]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import print_issues, repository


def cmd_import_bibtex(args: argparse.Namespace) -> int:
    from symkd_survey.sources.bibimport import import_bibtex

    repo = repository(args)
    result = import_bibtex(repo, Path(args.file), source=args.source, skip_invalid=args.skip_invalid,
                           dry_run=args.dry_run)
    plan = result.plan
    print_issues(plan.issues)
    if result.dry_run:
        for item in plan.new:
            print(f"--- would write {repo.display(item.file)}")
            sys.stdout.write(item.text)
    for file in result.written:
        print(f"wrote {repo.display(file)}")
    counts = (f"{len(plan.new)} new, {len(plan.in_catalogue)} already in the catalogue, "
              f"{len(plan.repeated)} repeated within the file, {len(plan.failed)} failed")
    if plan.failed and not args.skip_invalid:
        print(f"{plan.path}: {counts}: nothing was written "
              "(fix the entries above, or use --skip-invalid to import the others)", file=sys.stderr)
    elif result.dry_run:
        print(f"{plan.path}: {counts}: dry run, nothing was written")
    else:
        print(f"{plan.path}: {counts}: {len(result.written)} written",
              file=sys.stderr if plan.failed else sys.stdout)
    return 0 if result.ok else 1


def register(commands: Any) -> None:
    p = commands.add_parser("import", help="add entries to the catalogue from another format")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", parser_class=type(p))
    formats.required = True
    b = formats.add_parser("bibtex", help="import the entries of a .bib file as new catalogue entries")
    b.add_argument("file", metavar="FILE", help="the .bib file (UTF-8)")
    b.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    b.add_argument("--skip-invalid", action="store_true",
                   help="write the good entries even when others fail (the exit status is still 1)")
    b.add_argument("--source", choices=("survey", "curated"), default="curated",
                   help="the source of the new entries (default: curated)")
    b.set_defaults(func=cmd_import_bibtex)
