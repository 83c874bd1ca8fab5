"""The command line for SPARQL endpoints: ``push``, ``serve``, ``enrich``, and ``--endpoint`` elsewhere.

:func:`register` adds the three commands to the ``sovgraph`` parser; :func:`add_endpoint_option` and
:func:`open_graph` let the query commands (``query``, ``sparql``, ``explain``, ``check``, views) read
the graph from an endpoint (``--endpoint URL`` or ``SOVGRAPH_ENDPOINT``) instead of loading the files.
Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import SovgraphError

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.store.remote import Endpoint

Handler = Callable[[argparse.Namespace], int]
Command = Callable[[Any, str, str, str, Handler], argparse.ArgumentParser]

ENV_ENDPOINT = "SOVGRAPH_ENDPOINT"
ENV_USER = "SOVGRAPH_USER"
ENV_PASSWORD = "SOVGRAPH_PASSWORD"
QUERY_TIMEOUT = 60.0


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--endpoint URL`` to a command that reads the graph (see :func:`open_graph`)."""
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        default=None,
        help=f"read the graph from this SPARQL 1.1 endpoint (e.g. after 'sovgraph push') instead of loading "
        f"the files (default: ${ENV_ENDPOINT} if set; credentials from ${ENV_USER}/${ENV_PASSWORD})",
    )


def endpoint_of(args: argparse.Namespace) -> str | None:
    """The endpoint asked for: ``--endpoint``, else ``SOVGRAPH_ENDPOINT``, else none (embedded).

    Only for a command that has the option: the others (validate, export...) always load the files.
    """
    if not hasattr(args, "endpoint"):
        return None
    given: str | None = args.endpoint
    return given or os.environ.get(ENV_ENDPOINT) or None


def open_graph(args: argparse.Namespace) -> KnowledgeGraph:
    """The graph a command works on: loaded from the files, or read from the endpoint asked for."""
    from sovgraph.graph import connect, load

    endpoint = endpoint_of(args)
    if endpoint is None:
        cache: bool | Path = (
            False if getattr(args, "no_cache", False) else (getattr(args, "cache_dir", None) or True)
        )
        return load(args.root, extra=args.data, cache=cache)
    if getattr(args, "data", None):
        raise SovgraphError(
            f"--data cannot be combined with an endpoint ({endpoint}): the graph is read from the endpoint "
            "as it is. Push the extra file with 'sovgraph push --data FILE', or query without an endpoint."
        )
    user, password = credentials(args)
    return connect(endpoint, args.root, user=user, password=password, timeout=QUERY_TIMEOUT)


def credentials(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """User and password from ``--user``/``--password``, else ``SOVGRAPH_USER``/``SOVGRAPH_PASSWORD``."""
    user = getattr(args, "user", None) or os.environ.get(ENV_USER) or None
    password = getattr(args, "password", None) or os.environ.get(ENV_PASSWORD) or None
    if password is not None and user is None:
        raise SovgraphError(f"a password was given without a user: give --user or {ENV_USER} too.")
    if user is not None and password is None:
        raise SovgraphError(
            f"a user was given without a password: set {ENV_PASSWORD} (or --password, which other users of "
            "this machine can see in the process list)."
        )
    return user, password


def register(commands: Any, command: Command) -> None:
    """Add ``push``, ``serve`` and ``enrich`` to the ``sovgraph`` sub-commands."""
    push = command(
        commands,
        "push",
        "upload the graph to a SPARQL endpoint, one named graph per file",
        "Load the graph (curated files and derived graph), replace each of its named graphs on the endpoint "
        "with one Graph Store HTTP Protocol PUT, then check each graph's triple count with a COUNT query. "
        "Running it again gives the same graphs. If a graph fails, the ones pushed before it are complete "
        "and the error names it. Progress goes to standard error.",
        _push,
    )
    push.add_argument(
        "--endpoint", metavar="URL", help=f"the SPARQL query endpoint (default: ${ENV_ENDPOINT})"
    )
    push.add_argument(
        "--graph-store",
        metavar="URL",
        help="the Graph Store HTTP Protocol endpoint (default: the endpoint's URL ending in /store instead "
        "of /query or /sparql, as Oxigraph has it; Virtuoso: http://HOST:8890/sparql-graph-crud-auth)",
    )
    push.add_argument("--user", help=f"user for the endpoint (default: ${ENV_USER})")
    push.add_argument("--password", help=f"password (default: ${ENV_PASSWORD}, which is safer)")
    push.add_argument("--prune", action="store_true", help="delete sovgraph graphs the graph no longer has")
    push.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds per request (120)")

    serve = command(
        commands,
        "serve",
        "serve the graph with the Oxigraph SPARQL server",
        "Load the curated and derived graphs into an Oxigraph store and run the Oxigraph server over it "
        "(PyPI package 'oxigraph'): read-only and on 127.0.0.1 unless told otherwise, the default graph "
        "being the union of the named graphs, each query limited in time. Prints the URL of its query "
        "page; Ctrl-C stops it.",
        _serve,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    serve.add_argument("--writable", action="store_true", help="accept SPARQL updates and Graph Store writes")
    serve.add_argument(
        "--location",
        type=Path,
        metavar="DIR",
        help="keep the store in this folder (new, empty, or filled by an earlier serve; default: temporary)",
    )
    serve.add_argument("--timeout", type=float, default=30.0, metavar="S", help="query time limit (30 s)")

    enrich = command(
        commands,
        "enrich",
        "add what Wikidata says about matched entities, in a separate graph",
        "Ask a Wikidata-compatible SPARQL endpoint for the parent organisation (P749), country (P17), "
        "headquarters (P159), official website (P856), SIREN (P1616) and LEI (P1278) of every curated "
        "entity with skos:exactMatch to Wikidata, and write them with their provenance (PROV-O) into the "
        "named graph https://w3id.org/sovgraph/graph/enrich/wikidata, in a file outside data/. Curated "
        "files are never changed; where Wikidata disagrees with a curated fact, it is reported.",
        _enrich,
    )
    enrich.add_argument("source", choices=("wikidata",), help="where to enrich from")
    enrich.add_argument(
        "--endpoint", metavar="URL", help="the endpoint (default: the Wikidata Query Service)"
    )
    enrich.add_argument(
        "-o",
        "--output",
        type=Path,
        help="the file to write (default: data-enriched/wikidata.trig in the project; TriG and N-Quads keep "
        "the graph name, load it with --data)",
    )
    enrich.add_argument("--timeout", type=float, default=60.0, metavar="S", help="seconds per request (60)")


def _endpoint(url: str, args: argparse.Namespace, **more: Any) -> Endpoint:
    from sovgraph.store.remote import Endpoint

    user, password = credentials(args)
    return Endpoint(url, user=user, password=password, timeout=args.timeout, **more)


def _push(args: argparse.Namespace) -> int:
    from sovgraph.exchange.push import default_graph_store, push
    from sovgraph.graph import load

    url = endpoint_of(args)
    if url is None:
        raise SovgraphError(f"push needs an endpoint: give --endpoint URL or set {ENV_ENDPOINT}.")
    target = _endpoint(url, args, graph_store_url=args.graph_store or default_graph_store(url))
    kg = load(args.root, extra=args.data)
    done = push(kg, target, prune=args.prune, progress=lambda line: print(line, file=sys.stderr))
    print(
        f"pushed {len(done)} graph(s), {sum(u.triples for u in done)} triples, to {target.name}",
        file=sys.stderr,
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from sovgraph.exchange.server import serve
    from sovgraph.graph import load

    kg = load(args.root, extra=args.data)

    def say(line: str) -> None:
        print(line, flush=True)

    return serve(
        kg,
        host=args.host,
        port=args.port,
        writable=args.writable,
        location=args.location,
        timeout=args.timeout,
        say=say,
    )


def _enrich(args: argparse.Namespace) -> int:
    from sovgraph.exchange.enrich import WIKIDATA, enrich, write
    from sovgraph.graph import load

    kg = load(args.root, extra=args.data, derive=False)
    from sovgraph.store.remote import Endpoint

    # a public endpoint: never send it the credentials meant for the user's own endpoint
    target = Endpoint(args.endpoint or WIKIDATA, timeout=args.timeout)
    output = args.output or kg.project.root / "data-enriched" / "wikidata.trig"
    result = enrich(kg, target)
    write(kg, result, output)
    for conflict in result.conflicts:
        print(f"conflict: {conflict.line()}", file=sys.stderr)
    print(
        f"wrote {output}: {result.statements} statement(s) about {len(result.items)} matched item(s) "
        f"from {target.name}; {len(result.conflicts)} conflict(s) with curated facts.",
        file=sys.stderr,
    )
    return 0
