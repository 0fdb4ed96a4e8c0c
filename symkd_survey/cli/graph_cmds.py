"""``symkd graph report|lineage|path|similar|missing``, ``symkd cite-fetch``, and the
``symkd export graph`` subcommand (registered under ``export`` by :func:`register_export_graph`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symkd_survey.analysis.graph import EXPORT_FORMATS
from symkd_survey.cli.common import repository

if TYPE_CHECKING:
    import networkx as nx

    from symkd_survey.analysis.graph.analyses import Relative
    from symkd_survey.core.taxonomy import Taxonomy
    from symkd_survey.sources.network_errors import RetryableError

# The analyses (networkx) and the Semantic Scholar client are imported by the commands that use
# them, so that every other command starts without them.

def _graph(args: argparse.Namespace) -> tuple[nx.DiGraph, Taxonomy]:
    from symkd_survey.analysis.graph.building import build_graph
    from symkd_survey.checking.validate import raise_on_errors, validate

    """The graph of a catalogue that validates (errors are reported, as for ``symkd stats``)."""
    result = validate(repository(args))
    raise_on_errors(result)
    return build_graph(result.catalogue, result.taxonomy), result.taxonomy


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def cmd_report(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.report import format_report, graph_report

    graph, taxonomy = _graph(args)
    report = graph_report(graph, taxonomy, top=args.top, similar=5 if args.json else 0)  # text shows no similarity
    if args.json:
        _dump(report.to_json())
    else:
        print(format_report(report))
    return 0


def _relatives(title: str, relatives: list[Relative]) -> list[str]:
    lines = [f"{title} ({len(relatives)}):"]
    lines += [f"  {r.distance:>2}  {r.key} ({r.year}) {r.title}" for r in relatives] or ["  (none)"]
    return lines


def cmd_lineage(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.analyses import lineage
    from symkd_survey.analysis.graph.report import vars_of

    graph, _ = _graph(args)
    found = lineage(graph, args.key, depth=args.depth)
    if args.json:
        _dump({"key": found.key, "ancestors": [vars_of(r) for r in found.ancestors],
               "descendants": [vars_of(r) for r in found.descendants]})
        return 0
    node = graph.nodes[found.key]
    lines = [f"{found.key} ({node['year']}) {node['title']}", ""]
    lines += _relatives("ancestors: the works it builds on (distance in citations)", found.ancestors)
    lines += ["", *_relatives("descendants: the works building on it", found.descendants)]
    print("\n".join(lines))
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.analyses import citation_path

    graph, _ = _graph(args)
    path = citation_path(graph, args.source, args.target)
    if not path.found:
        message = f"no citation path from {path.source} to {path.target}"
        if path.reverse:
            message += (f" (but {path.target} leads to {path.source} in {len(path.reverse) - 1} step(s): "
                        f"try 'symkd graph path {path.target} {path.source}')")
        print(message, file=sys.stderr)
        return 1
    steps = len(path.keys) - 1
    print(f"{steps} citation step(s) from {path.source} to {path.target}:")
    for index, key in enumerate(path.keys):
        node = graph.nodes[key]
        print(f"  {'cites ' if index else ''}{key} ({node['year']}) {node['title']}")
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.analyses import bibliographic_coupling, cocitation
    from symkd_survey.analysis.graph.building import require_key
    from symkd_survey.analysis.graph.report import vars_of

    graph, _ = _graph(args)
    require_key(graph, args.key)
    measure = cocitation if args.by == "cocitation" else bibliographic_coupling
    found = measure(graph, top=args.top, keys=[args.key])[args.key]
    if args.json:
        _dump([vars_of(s) for s in found])
        return 0
    what = "cited together with" if args.by == "cocitation" else "sharing references with"
    print(f"papers most often {what} {args.key}:")
    for similar in found:
        node = graph.nodes[similar.key]
        print(f"  {similar.shared:>4}  {similar.score:.3f}  {similar.key} ({node['year']}) {node['title']}")
    if not found:
        print("  (none)")
    return 0


def cmd_missing(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.analyses import missing_works
    from symkd_survey.analysis.graph.report import vars_of

    graph, _ = _graph(args)
    found = missing_works(graph, min_citers=args.min_citers)
    if args.json:
        _dump([vars_of(w) for w in found])
        return 0
    if not found:
        print(f"no work outside the catalogue is cited by {args.min_citers} or more catalogue papers")
        return 0
    print(f"{len(found)} works outside the catalogue cited by at least {args.min_citers} catalogue papers:")
    for work in found:
        print(f"  {len(work.citers):>4}  {work.reference}  (cited by {', '.join(work.citers)})")
    return 0


def _report_retry(attempt: int, exc: RetryableError, wait: float) -> None:
    print(f"symkd: {exc}; retrying in {wait:.1f} s (retry {attempt})", file=sys.stderr)


def cmd_cite_fetch(args: argparse.Namespace) -> int:
    from symkd_survey.sources.s2 import S2Client, plan_cite_fetch, write_updates

    repo = repository(args)
    client = S2Client.from_env(use_cache=not args.no_cache, on_retry=_report_retry)
    plan = plan_cite_fetch(repo, args.keys, client)
    for issue in plan.issues:
        print(issue.format(), file=sys.stderr)
    changed = plan.changed
    cites = sum(len(u.added_cites) for u in changed)
    references = sum(len(u.added_references) for u in changed)
    if args.write:
        for update in write_updates(changed):
            print(f"updated {update.path}: +{len(update.added_cites)} cites, "
                  f"+{len(update.added_references)} references")
        print(f"{len(changed)} entries updated (+{cites} cites, +{references} references)", file=sys.stderr)
    else:
        for update in changed:
            sys.stdout.write(update.diff())
        print(f"{len(changed)} entries would change (+{cites} cites, +{references} references)"
              + ("; run with --write to apply" if changed else ""), file=sys.stderr)
    return 0


def cmd_cite_add(args: argparse.Namespace) -> int:
    from symkd_survey.core.issues import SymkdError, error
    from symkd_survey.sources.citing import edges_from_args, edges_from_csv, plan_cite_add, write_plan

    repo = repository(args)
    if args.from_csv:
        if args.citing or args.cited:
            raise SymkdError([error("args", "symkd cite-add", 0, "give keys or --from CSV, not both")])
        edges = edges_from_csv(Path(args.from_csv), args.from_csv, args.evidence)
    else:
        if not args.citing or not args.cited:
            raise SymkdError([error("args", "symkd cite-add", 0, "give CITING and at least one CITED key",
                                    "or --from CSV")])
        if not args.evidence:
            raise SymkdError([error("args", "symkd cite-add", 0, "--evidence is required",
                                    "say which copy of the reference list was read, e.g. 'arXiv v2'")])
        edges = edges_from_args(args.citing, args.cited, args.evidence)
    plan = plan_cite_add(repo, edges, complete=args.complete)
    for issue in plan.issues:
        print(issue.format(), file=sys.stderr)
    for edge in plan.added:
        print(f"{'would add' if args.dry_run else 'added'} {edge.citing} -> {edge.cited}")
    if not args.dry_run and plan.changes:
        written = write_plan(plan, repo)
        print(f"{len(plan.added)} citations added in {len(written)} entries", file=sys.stderr)
    return 0


def cmd_export_graph(args: argparse.Namespace) -> int:
    from symkd_survey.analysis.graph.export import export_graph
    from symkd_survey.core.fileio import atomic_write

    graph, _ = _graph(args)
    text = export_graph(graph, args.format)
    if args.out is None:
        sys.stdout.write(text)
    else:
        atomic_write(Path(args.out), text)
        print(f"wrote {args.out} ({graph.number_of_nodes()} papers, {graph.number_of_edges()} citations)",
              file=sys.stderr)
    return 0


def register_export_graph(export_subparsers: Any) -> None:
    """Add ``graph`` to the subcommands of ``symkd export`` (``export_subparsers`` is what
    ``add_subparsers()`` returned for the ``export`` parser)."""
    p = export_subparsers.add_parser("graph", help="the citation graph as GraphML, GEXF or node-link JSON")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="graphml",
                   help="graphml and gexf (Gephi, networkx) or json (node-link, for the site); default graphml")
    p.add_argument("--out", metavar="FILE", default=None, help="write to FILE (atomically) instead of standard output")
    p.set_defaults(func=cmd_export_graph)


def register(commands: Any) -> None:
    graph = commands.add_parser("graph", help="analyse the citation graph of the catalogue")
    sub = graph.add_subparsers(dest="graph_command", metavar="SUBCOMMAND", parser_class=type(graph))
    sub.required = True

    p = sub.add_parser("report", help="most cited works, PageRank, foundational works, flow matrices, components")
    p.add_argument("--top", type=_positive, default=10, metavar="N", help="list N works per ranking (default 10)")
    p.add_argument("--json", action="store_true", help="print every analysis as JSON")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("lineage", help="the works a paper builds on, and the works building on it")
    p.add_argument("key", metavar="KEY")
    p.add_argument("--depth", type=_positive, default=None, metavar="N", help="at most N citations away")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser("path", help="the shortest chain of citations from paper A to paper B")
    p.add_argument("source", metavar="A")
    p.add_argument("target", metavar="B")
    p.set_defaults(func=cmd_path)

    p = sub.add_parser("similar", help="papers co-cited with a paper, or sharing its references")
    p.add_argument("key", metavar="KEY")
    p.add_argument("--by", choices=("cocitation", "coupling"), default="cocitation",
                   help="cocitation (cited together) or coupling (shared references); default cocitation")
    p.add_argument("--top", type=_positive, default=10, metavar="N", help="at most N papers (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("missing", help="works outside the catalogue that its papers cite most (from 'references')")
    p.add_argument("--min-citers", type=_positive, default=2, metavar="K",
                   help="only works cited by at least K catalogue papers (default 2)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_missing)

    p = commands.add_parser("cite-fetch", help="fill cites and references from the Semantic Scholar Graph API")
    p.add_argument("keys", nargs="*", metavar="KEY", help="entries to update (default: all)")
    p.add_argument("--write", action="store_true", help="write the changes (default: print a diff)")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the answer cache (ask the API again)")
    p.set_defaults(func=cmd_cite_fetch)

    p = commands.add_parser("cite-add", help="record citations read in a paper's reference list")
    p.add_argument("citing", nargs="?", metavar="CITING", help="the key of the paper whose reference list was read")
    p.add_argument("cited", nargs="*", metavar="CITED", help="keys of the catalogue papers it cites")
    p.add_argument("--evidence", metavar="TEXT", help="how it was read, e.g. 'arXiv v2 reference list' (required "
                   "unless the CSV has an evidence column)")
    p.add_argument("--from", dest="from_csv", metavar="CSV", help="read edges from a CSV with citing_key,cited_key"
                   "[,evidence] columns instead")
    p.add_argument("--complete", action="store_true", help="the whole reference list was read")
    p.add_argument("--dry-run", action="store_true", help="check and show what would be added; write nothing")
    p.set_defaults(func=cmd_cite_add)
