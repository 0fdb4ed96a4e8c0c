"""``symkd build``: the static site."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..site_build import build_site
from .common import repository


def cmd_build(args: argparse.Namespace) -> int:
    repo = repository(args)
    result = build_site(repo, Path(args.out) if args.out else None)
    print(f"built {result.pages} pages into {result.out} in {result.seconds:.1f} s")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("build", help="validate and build the static site")
    p.add_argument("--out", metavar="DIR", help="where to write the site (default: _site/)")
    p.set_defaults(func=cmd_build)
