"""The ``sovgraph`` command: a parser and a table of command families, each a module of thin handlers.

Each handler parses its options, makes one library call and prints the answer; the logic lives in the
library, where Python users get it too. Nothing heavy is imported at start-up: each command imports what it
needs when it runs. Exit codes: see :data:`sovgraph.errors.EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

from sovgraph._version import __version__
from sovgraph.cli.common import (
    Command,
    Formatter,
    Handler,
    add_global_options,
    check_global_options,
    command,
)
from sovgraph.errors import OutputError, SovgraphError, UnexpectedError, UsageRetry

COMMANDS = {
    "sovgraph.cli.graph": ("validate", "stats", "export"),
    "sovgraph.cli.query": ("queries", "query", "sparql", "explain", "check", "search", "who-hosts-what"),
    "sovgraph.cli.network": ("chain", "impact", "concentration", "centrality", "view", "export-network"),
    "sovgraph.cli.endpoint": ("push", "serve", "enrich"),
    "sovgraph.cli.synth": ("synth",),
    "sovgraph.cli.publish": ("site",),
}
"""The command families and the commands each ``register()`` adds, in the order ``sovgraph --help`` lists
them (a test checks this table against the families): a command's run builds the parser of its own family
only, which keeps start-up short."""
FAMILIES = tuple(COMMANDS)
_VALUED = frozenset({"--root", "--data", "--cache-dir"})
"""The options before a command that take a value (the next word is theirs, not a command)."""

_command = command  # how a family adds a command (kept under the name the tests build parsers with)


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """sovgraph's own warnings (a cache it could not use, say) printed as ``sovgraph: warning: …``."""
    import warnings

    from sovgraph.errors import CacheWarning

    with warnings.catch_warnings():
        default = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, CacheWarning):
                print(f"sovgraph: warning: {message}", file=sys.stderr)
            else:
                default(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see :data:`sovgraph.errors.EXIT_CODES`).

    One guard covers every command: an error sovgraph raises on purpose is printed as its one paragraph
    with its exit code; Ctrl-C prints one line and exits 130; any other exception becomes one paragraph
    naming the command and its input, with a hint, and exit 4 (:class:`sovgraph.errors.UnexpectedError`).
    A traceback is printed only with ``--debug``. While the command runs, the project's inputs are
    protected from every output (:func:`sovgraph.files.protected`).
    """
    _tolerant_streams()
    args = _parse(argv)
    handler: Handler = args.handler
    debug = bool(getattr(args, "debug", False))
    try:
        with _inputs_protected(args), _warnings_as_lines():
            _check_output_early(args)
            code = handler(args)
            sys.stdout.flush()
            return code
    except SovgraphError as exc:
        if debug:
            _print_traceback()
        return _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted.", 130)
        return 130
    except BrokenPipeError:
        from sovgraph.output import silence_stdout

        silence_stdout()
        return 0
    except Exception as exc:
        if debug:
            _print_traceback()
        error = unexpected(exc, argv)
        return _fail(str(error), error.exit_code)


def _print_traceback() -> None:
    import traceback

    traceback.print_exc()


def unexpected(exc: BaseException, argv: Sequence[str] | None) -> SovgraphError:
    """The one-paragraph error for an exception no code path expected: the command, its input, a hint."""
    import shlex

    words = list(sys.argv[1:] if argv is None else argv)
    typed = " ".join(shlex.quote(w) for w in words)
    if len(typed) > 200:
        typed = typed[:200] + "…"
    what = f"'sovgraph {typed}'"
    detail = " ".join(str(exc).split())[:300] or type(exc).__name__
    if isinstance(exc, MemoryError):
        return OutputError(
            f"{what}: ran out of memory (an input or an answer too large for this machine). Nothing was "
            "written; try a smaller input, or a query with LIMIT."
        )
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return OutputError(
            f"{what}: {where}{exc.strerror or detail} (a file or the terminal could not be read or written: "
            "a full disk, a closed output, a missing permission). Check the paths and the free space, then "
            "run again."
        )
    return UnexpectedError(
        f"{what} failed unexpectedly ({type(exc).__name__}: {detail}). This is a case sovgraph does not "
        "handle yet: run it again with --debug to see where, and report it with the command and its input."
    )


def _fail(message: str, code: int) -> int:
    """Print ``sovgraph: error: message`` on standard error as one paragraph; return ``code``."""
    with suppress(OSError, ValueError):
        print(f"sovgraph: error: {message.strip()}", file=sys.stderr, flush=True)
    return code


def _tolerant_streams() -> None:
    """Standard output and error that never fail on a character the terminal's encoding lacks (an arrow on
    an ASCII terminal prints as '?')."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with suppress(ValueError, OSError):  # a closed or detached stream: leave it
                stream.reconfigure(errors="replace")


def _check_output_early(args: argparse.Namespace) -> None:
    """Refuse a bad ``-o`` before any work is done (the writer checks it again when it writes)."""
    from sovgraph.files import check_output, check_output_dir

    output = getattr(args, "output", None)
    if output is None:
        return
    name = getattr(args, "command_name", "")
    if name == "site":
        check_output_dir(output)
    elif not (name == "export-network" and getattr(args, "format", "") == "csv"):  # a prefix, not a file
        check_output(output)


def _inputs_protected(args: argparse.Namespace) -> AbstractContextManager[None]:
    """The project's input folders and the ``--data`` files, protected from outputs while a command runs."""
    from sovgraph.files import project_inputs, protected

    paths: list[Path] = list(getattr(args, "data", None) or [])
    try:
        from sovgraph.project import find_project

        paths += project_inputs(find_project(getattr(args, "root", None)))
    except SovgraphError:
        pass  # no project: the command will say so itself
    return protected(paths)


class _FamilyParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageRetry(message)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments, parsed with the parser of the command's family alone when the command can be told
    from the words before it; anything else (help, a mistake, no command) by the whole parser, so that
    messages and help are always the whole parser's."""
    words = list(sys.argv[1:] if argv is None else argv)
    family, name = _family_of(words)
    if family is not None:
        parser = build_parser((family,), parser_class=_FamilyParser, only=name)
        try:
            args = parser.parse_args(words)
            check_global_options(parser, args)
            return args
        except UsageRetry:
            pass
    parser = build_parser()
    args = parser.parse_args(words)
    check_global_options(parser, args)
    return args


def _family_of(words: Sequence[str]) -> tuple[str | None, str | None]:
    """The family of the command named in ``words`` (after the global options) and that command, or
    ``(None, None)``."""
    previous = ""
    for word in words:
        if word in ("-h", "--help", "--version", "--"):
            return None, None
        if not word.startswith("-") and previous not in _VALUED:
            family = next((family for family, names in COMMANDS.items() if word in names), None)
            return family, word if family is not None else None
        previous = word
    return None, None


def build_parser(
    families: Sequence[str] = FAMILIES,
    parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
    only: str | None = None,
) -> argparse.ArgumentParser:
    """The command line's parser, with the commands of ``families`` (all, by default); with ``only``, that
    command alone (its family's other commands are not built)."""
    parser = parser_class(
        prog="sovgraph",
        formatter_class=Formatter,
        description="An open knowledge graph of digital sovereignty: who hosts what, under which law.",
        epilog="Run 'sovgraph COMMAND --help' for the options of a command. Exit codes: 0 success, 1 the "
        "graph does not conform or a check found something, 2 bad input or usage, 3 a SPARQL endpoint or "
        "the Oxigraph server failed, 4 an unexpected error (run again with --debug for the traceback), 130 "
        "interrupted.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the code version and the data version, and exit"
    )
    add_global_options(parser)
    parser.set_defaults(handler=lambda _args: _usage(parser))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    add = command if only is None else _only(only)
    for family in families:
        importlib.import_module(family).register(commands, add)
    return parser


def _only(wanted: str) -> Command:
    """How a family adds its commands when only ``wanted`` is run: the others are not built."""

    def add(commands: Any, name: str, *args: Any, **kwargs: Any) -> argparse.ArgumentParser:
        if name != wanted:
            return cast(argparse.ArgumentParser, _Unbuilt())
        return command(commands, name, *args, **kwargs)

    return add


class _Unbuilt:
    """A command that is not run: whatever its family adds to it goes nowhere."""

    def __getattr__(self, _name: str) -> Callable[..., _Unbuilt]:
        return self._ignore

    def _ignore(self, *_args: object, **_kwargs: object) -> _Unbuilt:
        return self


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
