"""The commands over the whole graph: ``validate``, ``stats``, ``export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sovgraph.cli.common import Command, add_lang, add_output_options, emit_result, open_graph


def register(commands: Any, command: Command) -> None:
    validate = command(
        commands,
        "validate",
        "check the graph against the SHACL shapes",
        "Load the ontology and every data file, check them against ontology/shapes/, and print one line "
        "per finding (file, focus node, path, message). Exits 1 if there is any violation.",
        _validate,
    )
    validate.add_argument("--warnings", action="store_true", help="also list warnings (hidden by default)")
    validate.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        default="sparql",
        help="sparql: each constraint one Oxigraph query over all focus nodes (default); pyshacl: pySHACL "
        "alone, on an rdflib copy (the same report, much slower)",
    )
    add_output_options(validate)

    stats = command(
        commands,
        "stats",
        "count entities by class and triples by file",
        "Load the graph and print how many entities each class has and how many triples each file holds.",
        _stats,
    )
    add_lang(stats, "language of class labels")
    add_output_options(stats)

    export = command(
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


def _validate(args: argparse.Namespace) -> int:
    kg = open_graph(args)
    report = kg.validate(engine=args.engine)  # reused from the cache while no file nor shape changed
    from sovgraph.tables import findings_table

    shown = report.findings if args.warnings else tuple(report.violations)
    # the files' triples (what the shapes check), as loaded: counting the store would open it
    validated = sum(f.triples for f in kg.files)
    summary = (
        f"{len(kg.files)} file(s), {validated} triples: "
        + ("conforms" if report.conforms else "does NOT conform")
        + f" ({len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
        + ("" if args.warnings or not report.warnings else "; --warnings lists them")
        + ")."
    )
    emit_result(args, findings_table(shown), "\n".join([*(f.line() for f in shown), summary]))
    if args.format != "table" or args.output is not None:
        print(summary, file=sys.stderr)
    return 0 if report.conforms else 1


def _stats(args: argparse.Namespace) -> int:
    from sovgraph.namespaces import shorten
    from sovgraph.sparql.table import render
    from sovgraph.stats import stats
    from sovgraph.tables import coverage_text, stats_table

    result = stats(open_graph(args), lang=args.lang)
    coverage = [] if result.coverage is None else [coverage_text(result.coverage), ""]
    text = "\n".join(
        [
            *coverage,
            f"{result.triples} triples in {len(result.by_file)} file(s)\n",
            render(
                ("class", "label", "entities"),
                [(shorten(c.iri), c.label, c.entities) for c in result.by_class],
            ),
            "",
            render(
                ("file", "triples", "subjects"), [(f.file, f.triples, f.subjects) for f in result.by_file]
            ),
        ]
    )
    emit_result(args, stats_table(result), text)
    return 0


def _export(args: argparse.Namespace) -> int:
    from sovgraph.exchange.export import export
    from sovgraph.output import write

    data = export(open_graph(args), args.format, args.output)
    if args.output is None:
        write(data, None, sys.stdout.buffer)
    else:
        print(f"wrote {args.output} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return 0
