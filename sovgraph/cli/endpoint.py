"""The commands that take the graph to or from elsewhere: ``push``, ``serve``, ``enrich``.

They open the graph as every command does (:func:`sovgraph.cli.common.open_graph`: the files, through the
on-disk cache unless ``--no-cache``); their ``--endpoint`` is where the graph goes (or, for ``enrich``,
where the enrichment comes from). Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.cli.common import (
    ENV_ENDPOINT,
    ENV_PASSWORD,
    ENV_USER,
    Command,
    credentials,
    endpoint_of,
    open_graph,
    seconds,
)
from sovgraph.errors import SovgraphError

if TYPE_CHECKING:
    from sovgraph.store.remote import Endpoint


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
    serve.add_argument(
        "--host",
        type=listening_host,
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1); a name is resolved to its address, and any address "
        "outside 127.0.0.0/8 and ::1 is warned about",
    )
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    serve.add_argument("--writable", action="store_true", help="accept SPARQL updates and Graph Store writes")
    serve.add_argument(
        "--location",
        type=Path,
        metavar="DIR",
        help="keep the store in this folder (new, empty, or filled by an earlier serve; default: temporary)",
    )
    serve.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="S", help="query time limit, above 0 (30 s)"
    )
    serve.add_argument(
        "--allow-federation",
        action="store_true",
        help="let queries use SERVICE (and updates LOAD): the server then fetches URLs its clients name",
    )

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


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (an address, or ``localhost``) only listens for this machine: 127.0.0.0/8, ::1 and
    ``localhost`` are loopback; anything else (0.0.0.0, ::, a LAN address, another name) is not."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listening_host(text: str) -> str:
    """``serve --host``: an IP address (written in its usual short form, so that the server's banner warns
    for every non-loopback address alike), ``localhost``, or a name resolved to its first address."""
    host = text.strip().strip("[]")
    if not host:
        raise argparse.ArgumentTypeError("give an address to listen on, e.g. 127.0.0.1")
    if host.lower() in ("localhost", "localhost."):
        return "localhost"
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an IP address nor a name this machine can resolve"
        ) from None
    return ipaddress.ip_address(str(found[0][4][0]).split("%")[0]).compressed


def _endpoint(url: str, args: argparse.Namespace, **more: Any) -> Endpoint:
    from sovgraph.store.remote import Endpoint

    user, password = credentials(args)
    return Endpoint(url, user=user, password=password, timeout=args.timeout, **more)


def _push(args: argparse.Namespace) -> int:
    from sovgraph.exchange.push import default_graph_store, push

    url = endpoint_of(args)
    if url is None:
        raise SovgraphError(f"push needs an endpoint: give --endpoint URL or set {ENV_ENDPOINT}.")
    target = _endpoint(url, args, graph_store_url=args.graph_store or default_graph_store(url))
    kg = open_graph(args, embedded=True)
    done = push(kg, target, prune=args.prune, progress=lambda line: print(line, file=sys.stderr))
    print(
        f"pushed {len(done)} graph(s), {sum(u.triples for u in done)} triples, to {target.name}",
        file=sys.stderr,
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from sovgraph.exchange.server import serve
    from sovgraph.files import check_input
    from sovgraph.graph import load

    for extra in getattr(args, "data", None) or []:
        check_input(extra, "--data file")
    kg = load(getattr(args, "root", None), extra=getattr(args, "data", []))

    def say(line: str) -> None:
        print(line, flush=True)

    return serve(
        kg,
        host=args.host,
        port=args.port,
        writable=args.writable,
        location=args.location,
        timeout=args.timeout,
        allow_federation=args.allow_federation,
        say=say,
    )


def _enrich(args: argparse.Namespace) -> int:
    from sovgraph.exchange.enrich import WIKIDATA, enrich, write
    from sovgraph.store.remote import Endpoint

    kg = open_graph(args, embedded=True, derive=False)

    # a public endpoint: never send it the credentials meant for the user's own endpoint
    target = Endpoint(args.endpoint or WIKIDATA, timeout=args.timeout)
    output = args.output or kg.project.enriched_dir / "wikidata.trig"
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
