"""``symkd add`` and ``symkd refresh``: arXiv metadata in, catalogue entries out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from symkd_survey.cli.common import repository
from symkd_survey.core.issues import SymkdError, error

if TYPE_CHECKING:  # the network clients load only when a command needs them
    from symkd_survey.sources.adding import IdRequest
    from symkd_survey.sources.arxiv_client import ArxivClient


class Progress:
    """'arXiv: 200 of 350 ids' on standard error, shown only when more than one request is
    needed; rewritten in place on a terminal, one line per batch otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        from symkd_survey.sources.arxiv_client import BATCH_SIZE

        if total <= BATCH_SIZE:
            return
        live = self.stream.isatty()
        end = "\n" if not live or done == total else ""
        self.stream.write(f"{chr(13) if live else ''}arXiv: {done} of {total} ids{end}")
        self.stream.flush()


def _client(args: argparse.Namespace) -> ArxivClient:
    from symkd_survey.sources.arxiv_client import client_from_environment

    def report(line: str) -> None:
        print(f"symkd: {line}", file=sys.stderr)

    return client_from_environment(use_cache=not args.no_cache, report=report, progress=Progress(sys.stderr))


def _requests(args: argparse.Namespace) -> list[IdRequest]:
    from symkd_survey.sources.adding import requests_from_args, requests_from_file, requests_from_text

    if args.from_file is not None and args.ids:
        raise SymkdError([error("args", "symkd add", 0, "give arXiv ids or --from FILE, not both")])
    if args.from_file is None:
        return requests_from_args(args.ids, "symkd add")
    if args.from_file == "-":
        return requests_from_text(sys.stdin.read(), "<stdin>")
    return requests_from_file(Path(args.from_file), args.from_file)


def cmd_add(args: argparse.Namespace) -> int:
    from symkd_survey.sources.adding import add_papers

    repo = repository(args)
    requests = _requests(args)
    with _client(args) as client:
        added = add_papers(repo, requests, client, abstract=args.abstract, dry_run=args.dry_run,
                           suggest=not args.no_suggest)
    for new in added:
        if args.dry_run:
            print(f"# ==> {new.display} (dry run: not written) <==")
            print(new.text, end="")
        else:
            print(f"added {new.display} (arXiv {new.versioned_id})")
    count = f"{len(added)} {'entry' if len(added) == 1 else 'entries'}"
    if args.dry_run:
        print(f"{count} would be added; nothing was written", file=sys.stderr)
    else:
        print(f"{count} added: fill in the taxonomy (ids are listed at the top of each file), "
              "then run 'symkd validate'")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from symkd_survey.sources.refresh import refresh

    repo = repository(args)
    with _client(args) as client:
        result = refresh(repo, args.keys, client, write=args.write)
    for change in result.changes:
        print(change.diff, end="")
    n = len(result.changes)
    entries = f"{result.checked} {'entry' if result.checked == 1 else 'entries'} checked against arXiv"
    if not n:
        print(f"{entries}: all up to date")
    elif args.write:
        print(f"{entries}: {n} updated")
    else:
        print(f"{entries}: {n} would change; run 'symkd refresh --write' to apply")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("add", help="add papers by arXiv id, with their metadata fetched from arXiv")
    p.add_argument("ids", nargs="*", metavar="ID",
                   help="arXiv ids in any common form (2110.07178, arXiv:2110.07178v2, an abs or pdf URL, "
                        "hep-th/9901001)")
    p.add_argument("--from", dest="from_file", metavar="FILE",
                   help="read the ids from FILE, one per line ('#' starts a comment; '-' reads standard input)")
    p.add_argument("--dry-run", action="store_true", help="print the new entries instead of writing them")
    p.add_argument("--abstract", action="store_true",
                   help="also store arXiv's abstract (not shipped by default: abstracts are the authors' prose)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of arXiv answers")
    p.add_argument("--no-suggest", action="store_true",
                   help="do not list suggested labels in the new files' headers (saves training the model)")
    p.set_defaults(func=cmd_add)

    p = commands.add_parser("refresh", help="compare entries with arXiv's current metadata; show the diff")
    p.add_argument("keys", nargs="*", metavar="KEY", help="entries to refresh (default: every entry with an arXiv id)")
    p.add_argument("--write", action="store_true", help="apply the changes shown (bibliographic fields only)")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the cache (answers are otherwise reused for the day)")
    p.set_defaults(func=cmd_refresh)
