"""``symkd validate``, ``symkd stats`` and ``symkd format``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from symkd_survey.checking.validate import validate
from symkd_survey.cli.common import print_issues, repository
from symkd_survey.core.issues import SymkdError, error


def cmd_validate(args: argparse.Namespace) -> int:
    repo = repository(args)
    paths = [Path(p) for p in args.paths]
    if args.changed_since is not None:
        if paths:
            raise SymkdError([error("args", "symkd validate", 0, "give PATHs or --changed-since, not both")])
        from symkd_survey.core.gitrepo import changed_entries  # git only when asked for

        changed = changed_entries(repo, args.changed_since)
        if changed.everything is not None:
            print(f"checking every entry: {changed.everything}", file=sys.stderr)
        elif not changed.paths:
            if args.json:
                sys.stdout.write("[]\n")
            else:
                print(f"no catalogue entry changed since {args.changed_since}: nothing to check")
            return 0
        paths = changed.paths
    result = validate(repo, paths)
    failed = bool(result.errors) or (args.strict and bool(result.warnings))
    if args.json:
        json.dump([i.to_json() for i in result.issues], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_issues(result.issues)
        verdict = "failed" if failed else "ok"
        summary = (f"{result.files} files checked: {len(result.errors)} errors, "
                   f"{len(result.warnings)} warnings: {verdict}")
        if args.strict and result.warnings and not result.errors:
            summary += " (--strict turns warnings into failures)"
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from symkd_survey.core.stats import compute_stats, format_stats

    repo = repository(args)
    result = validate(repo)
    if result.errors:
        print_issues(result.errors)
        print(f"{len(result.errors)} errors: run 'symkd validate' and fix them first", file=sys.stderr)
        return 1
    print(format_stats(compute_stats(result.catalogue, result.taxonomy), result.taxonomy))
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    from symkd_survey.core.formatting import format_entries

    repo = repository(args)
    result = format_entries(repo, [Path(p) for p in args.paths], write=not args.check)
    print_issues(result.issues)
    for path in result.changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    if args.check and result.changed:
        print(f"{len(result.changed)} files are not in canonical form: run 'symkd format'", file=sys.stderr)
        return 1
    return 1 if result.issues else 0


def register(commands: Any) -> None:
    p = commands.add_parser("validate", help="check catalogue entries against the schema and the taxonomy")
    p.add_argument("paths", nargs="*", metavar="PATH", help="entry files or folders (default: the catalogue)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--json", action="store_true", help="print the issues as a JSON list")
    p.add_argument("--changed-since", metavar="REF",
                   help="check only the entries changed since git REF (untracked ones included), "
                        "with the checks across files still run against the whole catalogue")
    p.set_defaults(func=cmd_validate)

    p = commands.add_parser("stats", help="counts per taxonomy value and the coverage matrix of the matrix facets")
    p.set_defaults(func=cmd_stats)

    p = commands.add_parser("format", help="rewrite entry files in canonical form (field order, quoting)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="entry files or folders (default: the catalogue)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.set_defaults(func=cmd_format)
