"""Helpers shared by the command modules: the parser class, the repository, printing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from symkd_survey.core.catalogue import Repository, find_repository
from symkd_survey.core.issues import Issue, error


class Parser(argparse.ArgumentParser):
    """argparse, but a usage fault is an issue line and exit 1 like every other fault."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(error("args", self.prog, 0, message, f"see '{self.prog} --help'").format() + "\n")
        raise SystemExit(1)


def repository(args: argparse.Namespace) -> Repository:
    root: Path | None = args.root
    return find_repository(explicit=root)


def print_issues(issues: Sequence[Issue]) -> None:
    for issue in issues:
        sys.stderr.write(issue.format() + "\n")
