"""The query commands: ``queries``, ``query``, ``sparql``, ``explain``, ``check``."""

from __future__ import annotations

import argparse
from typing import Any

from sovgraph.cli.common import (
    Command,
    add_as_of,
    add_endpoint_option,
    add_lang,
    add_output_options,
    add_time_limit,
    check_output,
    emit,
    emit_bytes,
    emit_result,
    open_graph,
)
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
        "terms (never pasted into the query text). An entity can be named by its IRI, a prefixed name "
        "(sg:emc2), its slug (emc2) or a label (EMC2, 'Health Data Hub'): a name that matches several "
        "entities or none is an error listing them. Rows that name a platform and a law also name their "
        "exposure (the node 'sovgraph explain' traces).",
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
    explain.add_argument(
        "node",
        nargs="?",
        help="the derived node: its IRI (the exposure column of 'sovgraph query who-hosts-what') or any name",
    )
    explain.add_argument("--platform", metavar="NAME", help="with --law: explain this platform's exposures")
    explain.add_argument("--law", metavar="NAME", help="with --platform: the law of the exposures explained")
    explain.add_argument("--lang", choices=("en", "fr"), default="en", help="language of labels")
    add_output_options(explain)

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
    add_output_options(check)

    search = command(
        commands,
        "search",
        "find entities by name",
        "List the entities one of whose names (rdfs:label, skos:altLabel, skos:prefLabel, in any language, "
        "or the slug) contains TEXT, accents and case ignored: label, class and IRI, best matches first.",
        _search,
    )
    search.add_argument("text", help="part of a name (e.g. emc2, 'conseil d etat', microsoft)")
    search.add_argument("--limit", type=int, default=50, metavar="N", help="at most N entities (default: 50)")
    add_lang(search)
    add_output_options(search)

    who = command(
        commands,
        "who-hosts-what",
        "who hosts what, under which law, in brief",
        "The library query who-hosts-what read for people: one line per platform and law (how the law "
        "reaches, the host), and the numbered sources once at the end. Other formats give the query's rows, "
        "each with its exposure (the node 'sovgraph explain' traces).",
        _who_hosts_what,
    )
    for name in ("platform", "provider", "jurisdiction", "law"):
        who.add_argument(f"--{name}", metavar="NAME", help=f"only this {name} (any name of it)")
    add_as_of(who)
    add_lang(who)
    add_output_options(who)

    for sub in (query, sparql, explain, check, search, who):
        add_endpoint_option(sub)


def _result_options(sub: argparse.ArgumentParser) -> None:
    add_lang(sub)
    add_output_options(sub, extra=("html",))
    add_time_limit(sub)


def _queries(args: argparse.Namespace) -> int:
    from sovgraph.project import find_project
    from sovgraph.sparql.library import library

    project = find_project(getattr(args, "root", None))
    for name, spec in library(project.queries_dir, project.root).items():
        print(f"{name}\n    {spec.summary}")
        for param in spec.params:
            print(f"    --param {param.signature()}: {param.description}")
    return 0


def _query(args: argparse.Namespace) -> int:
    from sovgraph.brief import printed_query

    params: dict[str, object] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: write NAME=VALUE.")
        params[name.strip()] = value
    check_output(args)
    kg = open_graph(args)
    data = printed_query(
        kg,
        args.name,
        params,
        as_of=args.as_of,
        lang=args.lang,
        fmt=args.format,
        labels=args.labels,
        timeout=args.timeout,
    )
    emit_bytes(args, data)
    return 0


def _sparql(args: argparse.Namespace) -> int:
    from sovgraph.sparql.queries import ask, read_sparql, within
    from sovgraph.sparql.results import Result, format_answer

    text = read_sparql(args.file)
    kg = open_graph(args)

    def evaluate() -> Result | str:  # the whole answer, computed under the time limit
        answer = ask(kg, text, args.lang)
        return answer if isinstance(answer, Result) else format_answer(answer, args.format)

    source = "standard input" if args.file == "-" else args.file
    answer = within(args.timeout, evaluate, f"the query from {source}")
    if isinstance(answer, Result):
        emit_result(args, answer)
    else:
        emit(answer, args.output)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sovgraph.explain import explain_nodes, lines
    from sovgraph.tables import explain_table

    entries = explain_nodes(open_graph(args), args.node, platform=args.platform, law=args.law, lang=args.lang)
    emit_result(args, explain_table(entries), lines(entries))
    return 0


def _check(args: argparse.Namespace) -> int:
    from sovgraph.sparql.checks import run_checks
    from sovgraph.sparql.results import to_table
    from sovgraph.tables import checks_table

    outcomes = run_checks(open_graph(args), as_of=args.as_of, lang=args.lang)
    lines = []
    for outcome in outcomes:
        status = "ok" if outcome.passed else f"{len(outcome.result.rows)} finding(s)"
        lines.append(f"{outcome.name}: {status} — {outcome.summary}")
        if not outcome.passed:
            lines.append(to_table(outcome.result))
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    lines.append(f"{len(outcomes)} check(s), {failed} with findings.")
    emit_result(args, checks_table(outcomes), "\n".join(lines))
    return 1 if failed else 0


def _search(args: argparse.Namespace) -> int:
    from sovgraph.sparql.names import as_result, search

    matches = search(open_graph(args), args.text, lang=args.lang, limit=args.limit)
    text = "\n".join(m.line() for m in matches) or f"No entity has a name containing {args.text!r}."
    emit_result(args, as_result(matches), text)
    return 0


def _who_hosts_what(args: argparse.Namespace) -> int:
    from sovgraph.brief import brief, who_hosts_what

    wanted = {
        n: getattr(args, n) for n in ("platform", "provider", "jurisdiction", "law") if getattr(args, n)
    }
    result = who_hosts_what(open_graph(args), as_of=args.as_of, lang=args.lang, **wanted)
    emit_result(args, result, brief(result))
    return 0
