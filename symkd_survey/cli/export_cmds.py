"""``symkd export bibtex|biblatex|csl-json``: the catalogue, or a selection, as a bibliography.

``export`` has one sub-command per format; each format registers itself in :func:`register`
through :func:`add_format`, which adds the shared selection filters and ``--out``. A new
format (``symkd export graph``) is one more ``add_format(formats, "graph", help, cmd_graph)``
line there, where ``cmd_graph(args)`` calls :func:`selected_entries` and :func:`emit`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from symkd_survey.checking.validate import validate
from symkd_survey.cli.common import Parser, print_issues, repository
from symkd_survey.core.catalogue import LoadedEntry
from symkd_survey.core.fileio import atomic_write
from symkd_survey.core.issues import SymkdError, error, warning
from symkd_survey.core.select import resolve_filters, select
from symkd_survey.core.taxonomy import Taxonomy
from symkd_survey.exports.bibtex import export_bibliography
from symkd_survey.exports.csl import export_csl

Command = Callable[[argparse.Namespace], int]

_OLD_FACET_FLAGS = ("method", "application", "area")


class _WhereAlias(argparse.Action):
    """``--FACET V``, the old spelling of ``--where FACET=V``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        facet = (option_string or "").lstrip("-")
        getattr(namespace, self.dest).append(f"{facet}={values}")


def selected_entries(args: argparse.Namespace) -> tuple[list[LoadedEntry], Taxonomy]:
    """Validate the catalogue (refusing on errors), then apply the selection filters."""
    repo = repository(args)
    result = validate(repo)
    if result.errors:
        raise SymkdError([*result.errors, error("export", "symkd", 0,
                                                f"{len(result.errors)} errors in the catalogue: nothing exported",
                                                "run 'symkd validate' and fix them first")])
    selection = resolve_filters(
        result.taxonomy, result.catalogue.entries,
        where_labels=args.where, year_from=args.year_from, year_to=args.year_to, source=args.source, key=args.key,
        where=args.prog,
    )
    items = select(result.catalogue, selection, result.taxonomy)
    if not items:
        print_issues([warning("select", args.prog, 0, "no entry matches the filters; the export is empty")])
    return items, result.taxonomy


def emit(args: argparse.Namespace, text: str, count: int) -> int:
    """Write ``text`` to ``--out`` (atomically) or to standard output."""
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        atomic_write(out, text)
    except OSError as exc:
        raise SymkdError([error("io", str(out), 0, f"cannot write the file: {exc.strerror or exc}")]) from None
    print(f"{count} entries written to {out}")
    return 0


def cmd_bibtex(args: argparse.Namespace) -> int:
    items, _ = selected_entries(args)
    return emit(args, export_bibliography(items, "bibtex"), len(items))


def cmd_biblatex(args: argparse.Namespace) -> int:
    items, _ = selected_entries(args)
    return emit(args, export_bibliography(items, "biblatex"), len(items))


def cmd_csl_json(args: argparse.Namespace) -> int:
    items, _ = selected_entries(args)
    return emit(args, export_csl(items), len(items))


def cmd_ris(args: argparse.Namespace) -> int:
    from symkd_survey.exports.ris import export_ris

    items, _ = selected_entries(args)
    return emit(args, export_ris(items), len(items))


def add_format(formats: Any, name: str, help_text: str, func: Command) -> argparse.ArgumentParser:
    """Add ``symkd export NAME`` with the selection filters and ``--out``."""
    p: argparse.ArgumentParser = formats.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    filters = p.add_argument_group("selection (repeat a filter for alternatives; different filters all apply)")
    filters.add_argument("--where", action="append", default=[], metavar="FACET=VALUE",
                         help="entries labelled VALUE (an id, label or alias of taxonomy.yaml) in FACET")
    for facet in _OLD_FACET_FLAGS:  # the flags of 0.x, kept as aliases of --where for one release
        filters.add_argument(f"--{facet}", action=_WhereAlias, dest="where", metavar="V",
                             help=f"the same as --where {facet}=V (deprecated)")
    filters.add_argument("--year-from", type=int, metavar="Y", help="only entries from year Y on")
    filters.add_argument("--year-to", type=int, metavar="Y", help="only entries up to year Y")
    filters.add_argument("--source", action="append", default=[], metavar="S", help="survey or curated")
    filters.add_argument("--key", action="append", default=[], metavar="K", help="a catalogue key")
    p.set_defaults(func=func, prog=p.prog)
    return p


def register(commands: Any) -> None:
    p = commands.add_parser("export", help="write the catalogue or a selection as BibTeX, BibLaTeX, CSL-JSON or RIS",
                            description="Write the catalogue, or the entries the filters select, as a bibliography.")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", parser_class=Parser)
    formats.required = True
    add_format(formats, "bibtex", "BibTeX for bibtex and .bst styles (ASCII, LaTeX commands for accents)",
               cmd_bibtex)
    add_format(formats, "biblatex", "BibLaTeX for biber (Unicode kept; date, journaltitle, eprinttype)",
               cmd_biblatex)
    add_format(formats, "csl-json", "CSL-JSON for Pandoc, Zotero and citeproc", cmd_csl_json)
    add_format(formats, "ris", "RIS for EndNote, Zotero, Mendeley and other reference managers", cmd_ris)
    from symkd_survey.cli.graph_cmds import register_export_graph

    register_export_graph(formats)
