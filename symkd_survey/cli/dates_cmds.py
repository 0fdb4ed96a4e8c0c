"""``symkd dates``: set each entry's ``added`` to the day its file first entered the repository."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import print_issues, repository
from symkd_survey.core.issues import SymkdError, error


def cmd_dates(args: argparse.Namespace) -> int:
    from symkd_survey.core.added import update_added  # git only when asked for

    if args.check and args.write:
        raise SymkdError([error("args", "symkd dates", 0, "give --check or --write, not both")])
    result = update_added(repository(args), [Path(p) for p in args.paths], write=args.write)
    print_issues(result.issues)
    verb = "set" if result.written else "would set"
    for change in result.changes:
        print(f"{change.path}: {verb} added {change.old.isoformat()} -> {change.new.isoformat()}")
    for path in result.uncommitted:
        print(f"{path}: not committed yet; added kept", file=sys.stderr)
    if result.issues:
        if args.write and result.changes:
            print("nothing written: fix the problems above first", file=sys.stderr)
        return 1
    if not result.changes:
        print("every committed entry's added date is the day its file was first committed")
        return 0
    if args.check:
        print(f"{len(result.changes)} entries' added dates differ from git's: run 'symkd dates --write'",
              file=sys.stderr)
        return 1
    if not args.write:
        print(f"{len(result.changes)} entries would change; nothing written (give --write)")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("dates", help="set each entry's added date to the day git first committed its file")
    p.add_argument("paths", nargs="*", metavar="PATH", help="entry files or folders (default: the catalogue)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if any date differs")
    p.add_argument("--write", action="store_true", help="rewrite the entries whose date differs")
    p.set_defaults(func=cmd_dates)
