"""``symkd build`` and ``symkd serve``: the static site."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from symkd_survey.cli.common import repository


def cmd_build(args: argparse.Namespace) -> int:
    from symkd_survey.site.build import build_site

    repo = repository(args)
    result = build_site(repo, Path(args.out) if args.out else None)
    print(f"built {result.pages} pages into {result.out} in {result.seconds:.1f} s")
    return 0


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text}")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    from symkd_survey.site.build import serve_site

    repo = repository(args)
    print(f"serving the site on http://127.0.0.1:{args.port}/ (rebuilt on every change; Ctrl-C stops)")
    serve_site(repo, args.port)
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("build", help="validate and build the static site")
    p.add_argument("--out", metavar="DIR", help="where to write the site (default: _site/)")
    p.set_defaults(func=cmd_build)

    p = commands.add_parser("serve", help="build the site and serve it on 127.0.0.1, rebuilding on every change")
    p.add_argument("--port", type=_port, default=8000, metavar="N", help="the port (default 8000)")
    p.set_defaults(func=cmd_serve)
