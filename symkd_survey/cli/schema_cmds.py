"""``symkd schema``: the entry format as JSON Schema, and the committed schema and docs page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import repository
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import SymkdError, error
from symkd_survey.core.schema import DOCS_FILE, REGENERATE, SCHEMA_FILE, schema_text, stale_files, write_files


def cmd_schema(args: argparse.Namespace) -> int:
    if args.docs:
        if args.out is not None:
            raise SymkdError([error("args", "symkd schema", 0, "give --out or --docs, not both")])
        root = repository(args).root
        if args.check:
            stale, issues = stale_files(root)
            if issues:
                raise SymkdError(issues)
            for name in stale:
                print(f"{name} is not current", file=sys.stderr)
            if stale:
                print(f"{len(stale)} generated files differ from the model: {REGENERATE}", file=sys.stderr)
                return 1
            print(f"{SCHEMA_FILE} and {DOCS_FILE} are current")
            return 0
        changed, issues = write_files(root)
        if issues:
            raise SymkdError(issues)
        for name in changed:
            print(f"wrote {name}")
        if not changed:
            print(f"{SCHEMA_FILE} and {DOCS_FILE} are current")
        return 0
    if args.check:
        raise SymkdError([error("args", "symkd schema", 0, "--check goes with --docs")])
    model = repository(args).entry_model()
    if args.out is None or str(args.out) == "-":
        sys.stdout.write(schema_text(model))
        return 0
    out: Path = args.out
    try:
        atomic_write(out, schema_text(model))
    except OSError as exc:
        raise SymkdError([error("io", str(out), 0, f"cannot write the schema: {exc.strerror or exc}")]) from None
    print(f"wrote {out}")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("schema", help="print or write the JSON Schema of an entry file (for editors)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the schema to FILE instead of standard output")
    p.add_argument("--docs", action="store_true",
                   help=f"regenerate the committed {SCHEMA_FILE} and {DOCS_FILE} from the model")
    p.add_argument("--check", action="store_true",
                   help="with --docs: change nothing; exit 1 if a generated file is not current")
    p.set_defaults(func=cmd_schema)
