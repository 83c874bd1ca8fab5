"""The ``sovgraph`` command: a parser and a table of command families, each a module of thin handlers.

Each handler parses its options, makes one library call and prints the answer; the logic lives in the
library, where Python users get it too. Nothing heavy is imported at start-up: each command imports what it
needs when it runs. Exit codes: see :data:`sovgraph.errors.EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sovgraph._version import __version__
from sovgraph.cli.common import Handler, add_global_options, check_global_options, command
from sovgraph.errors import SovgraphError

FAMILIES = (
    "sovgraph.cli.graph",  # validate, stats, export
    "sovgraph.cli.query",  # queries, query, sparql, explain, check
    "sovgraph.cli.network",  # chain, impact, concentration, centrality, view, export-network
    "sovgraph.cli.endpoint",  # push, serve, enrich
    "sovgraph.cli.synth",  # synth
    "sovgraph.cli.publish",  # site
)
"""The command families, in the order ``sovgraph --help`` lists them; each has ``register()``."""

_command = command  # how a family adds a command (kept under the name the tests build parsers with)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see :data:`sovgraph.errors.EXIT_CODES`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_global_options(parser, args)
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
        epilog="Run 'sovgraph COMMAND --help' for the options of a command. Exit codes: 0 success, 1 the "
        "graph does not conform or a check found something, 2 bad input or usage, 3 a SPARQL endpoint or "
        "the Oxigraph server failed.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the code version and the data version, and exit"
    )
    add_global_options(parser)
    parser.set_defaults(handler=lambda _args: _usage(parser))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for family in FAMILIES:
        importlib.import_module(family).register(commands, command)
    return parser


class _Version(argparse.Action):
    """``--version``: the code's version, and the version of the graph it would load (computed only when
    asked for: it hashes the data files)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *_: object) -> None:
        from sovgraph.project import describe_version

        print(describe_version(__version__, getattr(namespace, "root", None)))
        parser.exit()


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
