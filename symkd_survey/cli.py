"""The ``symkd`` command line: argument parsing and printing only; the work is in the library.

Every user-facing fault ends as ``path:line: [check] message (hint)`` on standard error and
exit status 1. An unexpected exception is reported as a bug, naming the file being worked
on, without a traceback (set ``SYMKD_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .catalogue import Repository, find_repository
from .formatting import format_entries
from .issues import Issue, SymkdError, error
from .stats import compute_stats, format_stats
from .validate import validate

Command = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage fault is an issue line and exit 1 like every other fault."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(error("args", self.prog, 0, message, f"see '{self.prog} --help'").format() + "\n")
        raise SystemExit(1)


def _repository(args: argparse.Namespace) -> Repository:
    return find_repository(explicit=args.root)


def _print_issues(issues: Sequence[Issue]) -> None:
    for issue in issues:
        sys.stderr.write(issue.format() + "\n")


def cmd_validate(args: argparse.Namespace) -> int:
    repo = _repository(args)
    result = validate(repo, [Path(p) for p in args.paths])
    failed = bool(result.errors) or (args.strict and bool(result.warnings))
    if args.json:
        json.dump([i.to_json() for i in result.issues], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_issues(result.issues)
        verdict = "failed" if failed else "ok"
        summary = (f"{result.files} files checked: {len(result.errors)} errors, "
                   f"{len(result.warnings)} warnings: {verdict}")
        if args.strict and result.warnings and not result.errors:
            summary += " (--strict turns warnings into failures)"
        print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def cmd_stats(args: argparse.Namespace) -> int:
    repo = _repository(args)
    result = validate(repo)
    if result.errors:
        _print_issues(result.errors)
        print(f"{len(result.errors)} errors: run 'symkd validate' and fix them first", file=sys.stderr)
        return 1
    print(format_stats(compute_stats(result.catalogue, result.taxonomy), result.taxonomy))
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    repo = _repository(args)
    result = format_entries(repo, [Path(p) for p in args.paths], write=not args.check)
    _print_issues(result.issues)
    for path in result.changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    if args.check and result.changed:
        print(f"{len(result.changed)} files are not in canonical form: run 'symkd format'", file=sys.stderr)
        return 1
    return 1 if result.issues else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="symkd", description="Validate, explore and publish the symkd-survey catalogue.")
    parser.add_argument("--version", action="version", version=f"symkd {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="the repository (folder with taxonomy.yaml); default: found upward from here")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    p = commands.add_parser("validate", help="check catalogue entries against the schema and the taxonomy")
    p.add_argument("paths", nargs="*", metavar="PATH", help="entry files or folders (default: the catalogue)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--json", action="store_true", help="print the issues as a JSON list")
    p.set_defaults(func=cmd_validate)

    p = commands.add_parser("stats", help="counts per taxonomy value and the method x application matrix")
    p.set_defaults(func=cmd_stats)
    p = commands.add_parser("format", help="rewrite entry files in canonical form (field order, quoting)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="entry files or folders (default: the catalogue)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.set_defaults(func=cmd_format)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except SymkdError as exc:
        _print_issues(exc.issues)
        return 1
    except KeyboardInterrupt:
        print("symkd: interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("SYMKD_DEBUG"):
            raise
        where = getattr(exc, "filename", None) or "symkd"
        print(f"{where}:0: [bug] internal error: {type(exc).__name__}: {exc} "
              "(this is a bug in symkd; please report it with the file named here; "
              "SYMKD_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
