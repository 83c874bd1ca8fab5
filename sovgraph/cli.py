"""The ``sovgraph`` command: a thin layer over the Python API, a few lines per command.

Nothing heavy is imported at start-up: each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sovgraph import __version__
from sovgraph.errors import SovgraphError

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 validation failed, 2 bad input or usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SovgraphError as exc:
        print(f"sovgraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sovgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sovgraph",
        description="An open knowledge graph of digital sovereignty: who hosts what, under which law.",
        epilog="Run 'sovgraph COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"sovgraph {__version__}")
    parser.set_defaults(handler=lambda _args: _usage(parser))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = _command(
        commands,
        "validate",
        "check the graph against the SHACL shapes",
        "Load the ontology and every data file, check them against ontology/shapes/, and print one line "
        "per finding (file, focus node, path, message). Exits 1 if there is any violation.",
        _validate,
    )
    validate.add_argument("--warnings", action="store_true", help="also list warnings (hidden by default)")

    stats = _command(
        commands,
        "stats",
        "count entities by class and triples by file",
        "Load the graph and print how many entities each class has and how many triples each file holds.",
        _stats,
    )
    stats.add_argument("--lang", choices=("en", "fr"), default="en", help="language of class labels")

    export = _command(
        commands,
        "export",
        "write the graph in an RDF format",
        "Write the whole graph. TriG, N-Quads and JSON-LD keep one named graph per file; Turtle, "
        "N-Triples and RDF/XML merge all files into one graph. Files are written atomically.",
        _export,
    )
    export.add_argument(
        "--format",
        "-f",
        choices=("ttl", "trig", "nt", "nq", "jsonld", "rdf"),
        default="trig",
        help="output format (default: trig)",
    )
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    return parser


def _command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    summary: str,
    description: str,
    handler: Handler,
) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = commands.add_parser(name, help=summary, description=description)
    sub.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project folder holding ontology/ and data/ (default: found from the current folder, "
        "SOVGRAPH_ROOT, or the installed checkout)",
    )
    sub.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="load this RDF file too (repeatable)",
    )
    sub.set_defaults(handler=handler)
    return sub


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sovgraph.graph import load

    return load(args.root, extra=args.data)


def _validate(args: argparse.Namespace) -> int:
    kg = _load(args)
    report = kg.validate()
    shown = report.findings if args.warnings else tuple(report.violations)
    for finding in shown:
        print(finding.line())
    print(
        f"{len(kg.files)} file(s), {len(kg)} triples: "
        + ("conforms" if report.conforms else "does NOT conform")
        + f" ({len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        + ("" if args.warnings or not report.warnings else "; --warnings lists them")
        + ")."
    )
    return 0 if report.conforms else 1


def _stats(args: argparse.Namespace) -> int:
    from sovgraph.namespaces import shorten
    from sovgraph.stats import stats
    from sovgraph.table import render

    kg = _load(args)
    result = stats(kg, lang=args.lang)
    print(f"{result.triples} triples in {len(result.by_file)} file(s)\n")
    print(
        render(
            ("class", "label", "entities"), [(shorten(c.iri), c.label, c.entities) for c in result.by_class]
        )
    )
    print()
    print(render(("file", "triples", "subjects"), [(f.file, f.triples, f.subjects) for f in result.by_file]))
    return 0


def _export(args: argparse.Namespace) -> int:
    from sovgraph.export import export

    kg = _load(args)
    data = export(kg, args.format, args.output)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"wrote {args.output} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
