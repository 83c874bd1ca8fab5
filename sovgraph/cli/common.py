"""What the command families share: how a command is declared, its options, and how it opens its graph.

A command that loads a graph (``graph=True``) gets ``--data``, ``--no-cache`` and ``--cache-dir``; one that
can read the graph from a SPARQL endpoint gets ``--endpoint`` (:func:`add_endpoint_option`); every command
gets ``--root``. :func:`open_graph` is the one way a command opens its graph: loaded from the files through
:func:`sovgraph.load` (the on-disk cache unless ``--no-cache``), or read from the endpoint asked for.
Nothing heavy is imported here.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import SovgraphError

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

Handler = Callable[[argparse.Namespace], int]
Command = Callable[..., argparse.ArgumentParser]

ENV_ENDPOINT = "SOVGRAPH_ENDPOINT"
ENV_USER = "SOVGRAPH_USER"
ENV_PASSWORD = "SOVGRAPH_PASSWORD"
QUERY_TIMEOUT = 30.0
LANGS = ("en", "fr")


GRAPH_OPTIONS = ("data", "no_cache", "cache_dir")
"""The options that load a graph (their ``dest``), offered only by the commands that load one."""


class Formatter(argparse.HelpFormatter):
    """argparse's help, laid out to the width tables are (:func:`sovgraph.sparql.table.terminal_width`: the
    width argparse would find itself, without importing the standard library's file operations, and what
    they import, on every command's path)."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        if width is None:
            from sovgraph.sparql.table import terminal_width

            width = terminal_width(fallback=80) - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def command(
    commands: Any,
    name: str,
    summary: str,
    description: str,
    handler: Handler,
    *,
    graph: bool = True,
) -> argparse.ArgumentParser:
    """Add a command to the sub-commands: ``--root`` always, the graph options if it loads one.

    The same options are accepted before the command too (:func:`add_global_options`); given after it,
    they do not reset what was given before (their default here is "not given").
    """
    sub: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description, formatter_class=Formatter
    )
    _root_option(sub, default=argparse.SUPPRESS)
    _debug_option(sub, default=argparse.SUPPRESS)
    if graph:
        add_graph_options(sub, default=argparse.SUPPRESS)
    sub.set_defaults(handler=handler, loads_graph=graph, command_name=name)
    return sub


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """``--root`` and the graph options on the main parser: ``sovgraph --root DIR stats`` works as
    ``sovgraph stats --root DIR``. :func:`check_global_options` refuses a graph option given before a
    command that loads no graph."""
    _root_option(parser, default=None)
    _debug_option(parser, default=False)
    add_graph_options(parser, default=None)
    parser.set_defaults(data=[], no_cache=False, loads_graph=False)


def check_global_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A graph option given to a command that loads no graph is a usage error (exit 2), not ignored."""
    if getattr(args, "loads_graph", True):
        return
    given = [f"--{dest.replace('_', '-')}" for dest in GRAPH_OPTIONS if getattr(args, dest, None)]
    if given:
        parser.error(f"{', '.join(given)}: this command loads no graph, so it takes no such option.")


def _debug_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="on an error, print the traceback too (for reporting a bug)",
    )


def _root_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=default,
        help="project folder holding ontology/ and data/ (default: found from the current folder, "
        "SOVGRAPH_ROOT, the checkout beside the package, or the data installed with it)",
    )


def add_graph_options(sub: argparse.ArgumentParser, default: Any = None) -> None:
    """``--data``, ``--no-cache``, ``--cache-dir``: only for a command that loads a graph."""
    sub.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[] if default is None else default,
        metavar="FILE",
        help="load this RDF file too (repeatable)",
    )
    sub.add_argument(
        "--no-cache",
        action="store_true",
        default=False if default is None else default,
        help="load everything in memory, ignoring the on-disk store (by default unchanged files are "
        "neither parsed nor derived again)",
    )
    sub.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        default=default,
        help="where the on-disk store lives (default: SOVGRAPH_CACHE_DIR, else ~/.cache/sovgraph/PROJECT)",
    )


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--endpoint URL`` to a command that reads the graph (see :func:`open_graph`)."""
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        default=None,
        help=f"read the graph from this SPARQL 1.1 endpoint (e.g. after 'sovgraph push') instead of loading "
        f"the files (default: ${ENV_ENDPOINT} if set; credentials from ${ENV_USER}/${ENV_PASSWORD})",
    )


QUERY_TIME_LIMIT = 120.0
"""The default time limit of an embedded query run by ``query`` and ``sparql`` (``--timeout``)."""


def seconds(text: str) -> float:
    """A duration in seconds as an option takes it: a finite number above zero (``nan``, ``inf``, ``0`` and
    negative numbers are usage errors)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0 (e.g. 30)")
    return value


def add_time_limit(sub: argparse.ArgumentParser) -> None:
    """``--timeout SECONDS``: how long an embedded query may run before it is stopped."""
    sub.add_argument(
        "--timeout",
        type=seconds,
        default=QUERY_TIME_LIMIT,
        metavar="SECONDS",
        help=f"stop the query after this many seconds (default: {QUERY_TIME_LIMIT:g}); Ctrl-C stops it too",
    )


def add_as_of(
    sub: argparse.ArgumentParser, what: str = "the day at which relations must be in force"
) -> None:
    """``--as-of``: one option, one default (today), read by :func:`sovgraph.sparql.params.day`."""
    sub.add_argument("--as-of", metavar="YYYY-MM-DD", default=None, help=f"{what} (default: today)")


def add_lang(sub: argparse.ArgumentParser, what: str = "language of labels") -> None:
    sub.add_argument("--lang", choices=LANGS, default="en", help=f"{what} (default: en)")


def endpoint_of(args: argparse.Namespace) -> str | None:
    """The endpoint asked for: ``--endpoint``, else ``SOVGRAPH_ENDPOINT``, else none (embedded).

    Only for a command that has the option: the others (validate, export...) always load the files.
    """
    if not hasattr(args, "endpoint"):
        return None
    given: str | None = args.endpoint
    return given or os.environ.get(ENV_ENDPOINT) or None


def open_graph(args: argparse.Namespace, *, embedded: bool = False, derive: bool = True) -> KnowledgeGraph:
    """The graph a command works on: loaded from the files (through the cache unless ``--no-cache``), or
    read from the endpoint asked for; ``embedded`` always loads the files (``push``, ``serve``, ``enrich``,
    whose ``--endpoint`` is where the graph goes, not where it comes from)."""
    from sovgraph.files import check_input
    from sovgraph.graph import connect, load

    endpoint = None if embedded else endpoint_of(args)
    if endpoint is None:
        for extra in getattr(args, "data", None) or []:
            check_input(extra, "--data file")
        cache: bool | Path = (
            False if getattr(args, "no_cache", False) else (getattr(args, "cache_dir", None) or True)
        )
        return load(getattr(args, "root", None), extra=getattr(args, "data", []), cache=cache, derive=derive)
    if getattr(args, "data", None):
        raise SovgraphError(
            f"--data cannot be combined with an endpoint ({endpoint}): the graph is read from the endpoint "
            "as it is. Push the extra file with 'sovgraph push --data FILE', or query without an endpoint."
        )
    user, password = credentials(args)
    return connect(endpoint, getattr(args, "root", None), user=user, password=password, timeout=QUERY_TIMEOUT)


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


def emit(text: str, output: Path | None) -> None:
    """Print a result, or write it to ``output`` atomically (and say so on standard error)."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from sovgraph.output import write

    write(text.encode("utf-8"), output)
    print(f"wrote {output}", file=sys.stderr)


def add_output_options(sub: argparse.ArgumentParser, extra: tuple[str, ...] = ()) -> None:
    """``--format``, ``-o``, ``--labels``: how a command's answer is written (see :mod:`sovgraph.output`)."""
    from sovgraph.output import FORMATS

    sub.add_argument(
        "--format",
        "-f",
        choices=(*FORMATS, *extra),
        default="table",
        help="table (for people), csv, tsv or json (W3C SPARQL results: IRIs and values), xlsx (a "
        "spreadsheet; needs sovgraph[xlsx])"
        + (f", {', '.join(extra)}" if extra else "")
        + " (default: table)",
    )
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to this file (atomically)")
    sub.add_argument(
        "--labels",
        action="store_true",
        help="add a label column beside each IRI column (csv, tsv, json, xlsx)",
    )


def emit_result(args: argparse.Namespace, result: Any, text: str | None = None) -> None:
    """Write a command's answer as ``--format`` asks, to ``-o`` or standard output; ``text`` is its own
    readable form for ``table``."""
    from sovgraph.output import render

    check_output(args)
    emit_bytes(args, render(result, args.format, labels=args.labels, text=text))


def check_output(args: argparse.Namespace) -> None:
    """Refuse what cannot be written before any work is done: a spreadsheet to a terminal."""
    if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
        raise SovgraphError("--format xlsx writes a spreadsheet: give -o FILE.xlsx.")


def emit_bytes(args: argparse.Namespace, data: bytes) -> None:
    """Write an answer already rendered in ``--format`` to ``-o`` (atomically) or standard output."""
    from sovgraph.output import write

    write(data, args.output, sys.stdout.buffer)
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
