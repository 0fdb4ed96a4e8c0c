"""``symkd issue-form``: write (or check) the "add a paper" issue form from the taxonomy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import repository
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import SymkdError, error

DEFAULT_FILE = ".github/ISSUE_TEMPLATE/add-paper.yml"  # review.issue_template.FORM_FILE, loaded when run


def cmd_issue_form(args: argparse.Namespace) -> int:
    from symkd_survey.review.issue_template import FORM_FILE, check_form, issue_form_yaml

    repo = repository(args)
    taxonomy = repo.load_taxonomy()
    file: Path = args.out if args.out is not None else repo.root / FORM_FILE
    display = repo.display(file)
    if args.check:
        issues = check_form(file, display, taxonomy)
        if issues:
            raise SymkdError(issues)
        print(f"{display} is current", file=sys.stderr)
        return 0
    text = issue_form_yaml(taxonomy)
    if file.is_file() and file.read_text(encoding="utf-8", errors="replace") == text:
        print(f"{display} is current", file=sys.stderr)
        return 0
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(file, text)
    except OSError as exc:
        raise SymkdError([error("io", display, 0, f"cannot write the issue form: {exc.strerror or exc}")]) from None
    print(f"wrote {display}")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("issue-form",
                            help=f"write the 'Add a paper' issue form ({DEFAULT_FILE}) from taxonomy.yaml")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help=f"write FILE instead of {DEFAULT_FILE}")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if the file is not the form taxonomy.yaml gives")
    p.set_defaults(func=cmd_issue_form)
