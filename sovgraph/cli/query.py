"""The query commands: ``queries``, ``query``, ``sparql``, ``explain``, ``check``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sovgraph.cli.common import Command, add_as_of, add_endpoint_option, add_lang, emit, open_graph
from sovgraph.errors import QueryError


def register(commands: Any, command: Command) -> None:
    command(
        commands,
        "queries",
        "list the library's queries with their parameters",
        "List every query of queries/ (and the data-quality checks of queries/checks/) with its summary and "
        "parameters, read from the '#+' header of each .rq file.",
        _queries,
        graph=False,
    )

    query = command(
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
    add_as_of(query)

    sparql = command(
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

    explain = command(
        commands,
        "explain",
        "trace a derived fact to its rule and premises",
        "Show how a derived node (an exposure, a control path, a reach through control, a derivation record) "
        "was obtained: the rule that derived it, and each premise with its sources, recursively.",
        _explain,
    )
    explain.add_argument("node", help="the derived node's IRI (as printed by 'sovgraph query exposure')")
    explain.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels")

    check = command(
        commands,
        "check",
        "run the data-quality checks (queries/checks/)",
        "Run every query of queries/checks/; each must return no row on sound data. Prints what each "
        "finds and exits 1 if any finds something.",
        _check,
    )
    add_as_of(check, "the day for checks that depend on dates")
    check.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels")

    for sub in (query, sparql, explain, check):
        add_endpoint_option(sub)


def _result_options(sub: argparse.ArgumentParser) -> None:
    add_lang(sub)
    sub.add_argument(
        "--format",
        "-f",
        choices=("table", "csv", "tsv", "json", "html"),
        default="table",
        help="table (labels, for people), the W3C SPARQL results formats csv, tsv, json, or an html table "
        "(default: table)",
    )
    sub.add_argument("-o", "--output", type=Path, help="write the result to this file (atomically)")


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
    from sovgraph.sparql.queries import run_named
    from sovgraph.sparql.results import format_result

    params: dict[str, object] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: write NAME=VALUE.")
        params[name.strip()] = value
    result = run_named(open_graph(args), args.name, params, as_of=args.as_of, lang=args.lang)
    emit(format_result(result, args.format), args.output)
    return 0


def _sparql(args: argparse.Namespace) -> int:
    from sovgraph.sparql.queries import ask, read_sparql
    from sovgraph.sparql.results import format_answer

    text = read_sparql(args.file)
    emit(format_answer(ask(open_graph(args), text, args.lang), args.format), args.output)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sovgraph.explain import explain

    print(explain(open_graph(args), args.node, lang=args.lang))
    return 0


def _check(args: argparse.Namespace) -> int:
    from sovgraph.sparql.checks import run_checks
    from sovgraph.sparql.results import to_table

    outcomes = run_checks(open_graph(args), as_of=args.as_of, lang=args.lang)
    for outcome in outcomes:
        status = "ok" if outcome.passed else f"{len(outcome.result.rows)} finding(s)"
        print(f"{outcome.name}: {status} — {outcome.summary}")
        if not outcome.passed:
            print(to_table(outcome.result))
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    print(f"{len(outcomes)} check(s), {failed} with findings.")
    return 1 if failed else 0
