"""The ``symkd`` command line: argument parsing and printing only; the work is in the library.

Each command module has ``register(subparsers)`` and thin ``cmd_*`` functions that call the
library. Every user-facing fault ends as ``path:line: [check] message (hint)`` on standard
error and exit status 1. An unexpected exception is reported as a bug, naming the file
being worked on, without a traceback (set ``SYMKD_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# pydantic looks for plugins through every installed package's entry points when the first model
# is built (about 50 ms of each command's start); the command line uses none. Set before the
# imports below build the entry model; a user who wants plugins sets the variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from symkd_survey import __version__
from symkd_survey.cli import (
    arxiv_cmds,
    catalogue_cmds,
    contrib_cmds,
    dates_cmds,
    export_cmds,
    graph_cmds,
    import_cmds,
    init_cmds,
    issue_form_cmds,
    review_cmds,
    schema_cmds,
    site_cmds,
)
from symkd_survey.cli.common import Parser, print_issues
from symkd_survey.core.issues import SymkdError

Command = Callable[[argparse.Namespace], int]

COMMAND_MODULES = (catalogue_cmds, site_cmds, import_cmds, graph_cmds, export_cmds, arxiv_cmds, contrib_cmds,
                   review_cmds, schema_cmds, init_cmds, issue_form_cmds, dates_cmds)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="symkd", description="Validate, explore and publish the symkd-survey catalogue.")
    parser.add_argument("--version", action="version", version=f"symkd {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="the repository (folder with taxonomy.yaml); default: found upward from here")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except SymkdError as exc:
        print_issues(exc.issues)
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
