"""The ``sovgraph`` command: a thin layer over the Python API, a few lines per command.

Nothing heavy is imported at start-up: each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sovgraph._version import __version__
from sovgraph.errors import SovgraphError

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.validate import Report

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

    _command(
        commands,
        "queries",
        "list the library's queries with their parameters",
        "List every query of queries/ (and the data-quality checks of queries/checks/) with its summary and "
        "parameters, read from the '#+' header of each .rq file.",
        _queries,
    )

    query = _command(
        commands,
        "query",
        "run a library query by name",
        "Run a query of the library. Parameters are checked against the query's header and bound as RDF "
        "terms (never pasted into the query text). IRIs can be given in full, as prefixed names (sg:emc2) "
        "or as bare identifiers (emc2).",
        _query,
    )
    query.add_argument("name", help="the query's name (see 'sovgraph queries')")
    _result_options(query)
    query.add_argument(
        "--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="a parameter (repeatable)"
    )
    query.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day at which relations must be in force")

    sparql = _command(
        commands,
        "sparql",
        "run an ad-hoc SPARQL query from a file or standard input",
        "Run any SPARQL 1.1 query over the graph (the union of all files and the derived graph). The usual "
        "prefixes (sov:, sg:, kind:, rdfs:, skos:, dcterms:, schema:...) are predeclared. SELECT results are "
        "printed in the chosen format; CONSTRUCT and DESCRIBE results as Turtle; ASK as true or false.",
        _sparql,
    )
    sparql.add_argument("file", help="a .rq file, or - for standard input")
    _result_options(sparql)

    explain = _command(
        commands,
        "explain",
        "trace a derived fact to its rule and premises",
        "Show how a derived node (an exposure, a control path, a reach through control, a derivation record) "
        "was obtained: the rule that derived it, and each premise with its sources, recursively.",
        _explain,
    )
    explain.add_argument("node", help="the derived node's IRI (as printed by 'sovgraph query exposure')")
    explain.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels")

    check = _command(
        commands,
        "check",
        "run the data-quality checks (queries/checks/)",
        "Run every query of queries/checks/; each must return no row on sound data. Prints what each "
        "finds and exits 1 if any finds something.",
        _check,
    )
    check.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day for checks that depend on dates")
    check.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels")

    from sovgraph.cli.endpoint import add_endpoint_option
    from sovgraph.cli.endpoint import register as register_remote
    from sovgraph.cli.network import register as register_network
    from sovgraph.cli.synth import register as register_synth

    register_network(commands, _command)
    register_remote(commands, _command)
    register_synth(commands, _command)
    for sub in (query, sparql, explain, check):
        add_endpoint_option(sub)
    return parser


def _result_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels (default: en)")
    sub.add_argument(
        "--format",
        "-f",
        choices=("table", "csv", "tsv", "json", "html"),
        default="table",
        help="table (labels, for people), the W3C SPARQL results formats csv, tsv, json, or an html table "
        "(default: table)",
    )
    sub.add_argument("-o", "--output", type=Path, help="write the result to this file (atomically)")


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
    sub.add_argument(
        "--no-cache",
        action="store_true",
        help="load everything in memory, ignoring the on-disk store (by default unchanged files are "
        "neither parsed nor derived again)",
    )
    sub.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where the on-disk store lives (default: SOVGRAPH_CACHE_DIR, else ~/.cache/sovgraph/PROJECT)",
    )
    sub.set_defaults(handler=handler)
    return sub


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sovgraph.cli.endpoint import open_graph

    return open_graph(args)


def _validate(args: argparse.Namespace) -> int:
    kg = _load(args)
    report = _cached_report(kg)
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


def _cached_report(kg: KnowledgeGraph) -> Report:
    """The validation report, reused from the cache when no file nor shape changed since it was made."""
    state = kg.cache_state
    if state is None:
        return kg.validate()
    from sovgraph.files import write_atomic
    from sovgraph.store.cache import digest, report_key
    from sovgraph.validate import Report

    shapes = kg.project.shape_files()
    key = report_key([*(digest(f.path) for f in kg.files), *(digest(p) for p in shapes)])
    kept = state.folder / f"validation-{key[:32]}.json"
    if kept.is_file():
        return Report.from_json(kept.read_text(encoding="utf-8"))
    report = kg.validate()
    for old in state.folder.glob("validation-*.json"):
        old.unlink(missing_ok=True)
    write_atomic(kept, report.to_json().encode("utf-8"))
    return report


def _stats(args: argparse.Namespace) -> int:
    from sovgraph.namespaces import shorten
    from sovgraph.sparql.table import render
    from sovgraph.stats import stats

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
    from sovgraph.exchange.export import export

    kg = _load(args)
    data = export(kg, args.format, args.output)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"wrote {args.output} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return 0


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from sovgraph.files import write_atomic

    write_atomic(output, text.encode("utf-8"))
    print(f"wrote {output}", file=sys.stderr)


def _queries(args: argparse.Namespace) -> int:
    from sovgraph.project import find_project
    from sovgraph.sparql.library import library

    project = find_project(args.root)
    for name, spec in library(project.queries_dir, project.root).items():
        print(f"{name}\n    {spec.summary}")
        for param in spec.params:
            print(f"    --param {param.signature()}: {param.description}")
    return 0


def _query(args: argparse.Namespace) -> int:
    from sovgraph.errors import QueryError
    from sovgraph.sparql.results import format_result

    params: dict[str, object] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: write NAME=VALUE.")
        params[name.strip()] = value
    kg = _load(args)
    spec = kg.library().get(args.name)
    if spec is not None and args.as_of is not None:
        if spec.param("as_of") is None:
            raise QueryError(f"query {args.name} does not take --as-of (it has no as_of parameter).")
        params["as_of"] = args.as_of
    result = kg.run(args.name, lang=args.lang, **params)
    _emit(format_result(result, args.format), args.output)
    return 0


def _sparql(args: argparse.Namespace) -> int:
    import pyoxigraph

    from sovgraph.errors import MissingInputError
    from sovgraph.sparql.queries import label_terms
    from sovgraph.sparql.results import Cell, Result, format_result

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise MissingInputError(args.file, exc.strerror or str(exc)) from None
    kg = _load(args)
    answer = kg.query(text)
    if isinstance(answer, pyoxigraph.QueryBoolean):
        _emit("true" if bool(answer) else "false", args.output)
    elif isinstance(answer, pyoxigraph.QueryTriples):
        from sovgraph.namespaces import PREFIXES

        data = pyoxigraph.serialize(answer, format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        _emit(data.decode("utf-8"), args.output)
    else:
        columns = [v.value for v in answer.variables]
        raw = [[solution[c] for c in columns] for solution in answer]
        iris = (t for row in raw for t in row if isinstance(t, pyoxigraph.NamedNode))
        labels = label_terms(kg, iris, args.lang)
        rows = [
            {
                c: (Cell(t, labels.get(t.value)) if t is not None else None)
                for c, t in zip(columns, r, strict=True)
            }
            for r in raw
        ]
        _emit(format_result(Result(columns, rows), args.format), args.output)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sovgraph.explain import explain

    kg = _load(args)
    print(explain(kg, args.node, lang=args.lang))
    return 0


def _check(args: argparse.Namespace) -> int:
    from sovgraph.sparql.results import to_table

    kg = _load(args)
    checks = {n: q for n, q in kg.library().items() if n.startswith("checks/")}
    failed = 0
    for name, spec in checks.items():
        params: dict[str, object] = {}
        if args.as_of and spec.param("as_of") is not None:
            params["as_of"] = args.as_of
        result = kg.run(name, lang=args.lang, **params)
        status = "ok" if not result.rows else f"{len(result.rows)} finding(s)"
        print(f"{name}: {status} — {spec.summary}")
        if result.rows:
            failed += 1
            print(to_table(result))
    print(f"{len(checks)} check(s), {failed} with findings.")
    return 1 if failed else 0
