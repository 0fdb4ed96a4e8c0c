"""``symkd init DIR``: a new catalogue repository that validates, exports and builds at once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_init(args: argparse.Namespace) -> int:
    from symkd_survey.site.scaffold import DEFAULT_FACETS, init_repository

    folder = Path(args.folder)
    written = init_repository(folder, title=args.title, facets=args.facet or DEFAULT_FACETS)
    print(f"created a catalogue repository in {folder} ({len(written)} files); next: "
          f"cd {folder} && symkd validate --strict && symkd build")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("init", help="create a new catalogue repository (taxonomy, example entry, site, CI)",
                            description="Create a new catalogue repository in DIR (new or empty) that validates, "
                                        "exports and builds at once; nothing is written if anything fails.")
    p.add_argument("folder", metavar="DIR", help="the new repository's folder (must not exist or be empty)")
    p.add_argument("--title", default="Catalogue", help="the site's name (default: Catalogue)")
    p.add_argument("--facet", action="append", default=[], metavar="NAME",
                   help="a facet of the skeleton taxonomy; repeat for more (default: topic and approach)")
    p.set_defaults(func=cmd_init)
