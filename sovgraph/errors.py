"""Every exception sovgraph raises on purpose, and the exit codes of the command line.

Every error reads as one paragraph that names the file, line or IRI at fault and the rule that was broken,
so the command line can print ``str(error)`` and exit with the error's ``exit_code`` without a traceback.

========  =====================================================================================
exit      meaning
========  =====================================================================================
0         success
1         the graph does not conform to the shapes (``validate``), or a check found something
          (``check``)
2         bad input or usage: a file that cannot be read or parsed, an unknown option, a wrong
          parameter, unusable shapes, an output that cannot be written
3         an outside service failed: a SPARQL endpoint, or the Oxigraph server
4         an unexpected error: a case sovgraph does not handle yet (``--debug`` shows the traceback)
130       interrupted (Ctrl-C)
========  =====================================================================================
"""

from __future__ import annotations

from pathlib import Path

EXIT_CODES = {
    0: "success",
    1: "the graph does not conform (validate), or a check found something (check)",
    2: "bad input or usage",
    3: "a SPARQL endpoint or the Oxigraph server failed",
    4: "an unexpected error (run again with --debug for the traceback)",
    130: "interrupted",
}
"""The exit codes of the command line (see the module documentation)."""


class SovgraphError(Exception):
    """Base class of every error sovgraph raises on purpose."""

    exit_code = 2


class InputError(SovgraphError):
    """An input file or folder cannot be used."""


class MissingInputError(InputError):
    """A file or folder that was asked for does not exist or cannot be read."""

    def __init__(self, path: Path | str, detail: str = "it does not exist") -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: cannot read this input: {detail}.")


class UnsupportedFormatError(InputError):
    """A file's extension does not name an RDF format sovgraph reads or writes."""

    def __init__(self, path: Path | str, known: list[str], *, output: bool = False) -> None:
        self.path = str(path)
        if output:
            text = f"{self.path}: not an RDF format sovgraph writes; choose one of {', '.join(known)}."
        else:
            text = (
                f"{self.path}: not an RDF file sovgraph knows by its extension; the known extensions are "
                f"{', '.join(known)}. Rename the file to one of them, or move it out of the data folder."
            )
        super().__init__(text)


class ParseError(InputError):
    """A file is not valid in the RDF syntax its extension names."""

    def __init__(
        self, path: Path | str, line: int | None, column: int | None, syntax: str, detail: str
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.detail = detail
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(
            f"{where}: this file is not valid {syntax}: {detail}. Nothing was loaded or written; "
            f"fix the file at that place and run again."
        )


class ValidationError(SovgraphError):
    """The graph does not conform to the SHACL shapes (raised only where conformance is required)."""

    exit_code = 1


class QueryError(SovgraphError):
    """A SPARQL query is not valid, or a query's parameters are wrong."""


class UnfollowedPatternError(QueryError):
    """A part of a rule that :mod:`sovgraph.sparql.focus` does not follow (never shown: the rule is then
    derived whole after a change)."""


class UnknownNameError(QueryError):
    """A name given for an entity matches no entity of the graph; the message lists the closest names."""


class AmbiguousNameError(QueryError):
    """A name given for an entity matches several entities; the message lists them, with their IRIs."""


class OutputError(SovgraphError):
    """A result could not be written where it was asked to go."""


class ShapesError(InputError):
    """The SHACL shapes cannot be used (pySHACL cannot run them): a bad input, not a non-conforming graph."""


class ShapeNotTranslated(SovgraphError):
    """A SHACL shape uses a feature :mod:`sovgraph.validation.shacl` does not translate into SPARQL; never
    shown to a user: the shape is then validated by pySHACL."""


class CacheBusy(SovgraphError):
    """The cache must change but another process holds its store."""


class BackendError(SovgraphError):
    """An operation that the backend in use cannot do."""


class EndpointError(SovgraphError):
    """A SPARQL endpoint could not be used; the message names it and says what happened."""

    exit_code = 3

    def __init__(self, endpoint: str, what: str) -> None:
        self.endpoint = endpoint
        super().__init__(f"the SPARQL endpoint {endpoint} {what}")


class EndpointUnreachable(EndpointError):
    """Nothing answers at the endpoint's address (refused, reset, unknown host)."""


class EndpointTimeout(EndpointError):
    """The endpoint did not answer within the timeout."""


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error status."""

    def __init__(self, endpoint: str, what: str, status: int) -> None:
        self.status = status
        super().__init__(endpoint, what)


class CredentialsRefused(EndpointHTTPError):
    """The endpoint wants credentials, or refused the ones given (HTTP 401, 403)."""


class QueryRejected(EndpointHTTPError, QueryError):
    """The endpoint rejected the query or update as invalid (HTTP 400)."""


class MalformedResults(EndpointError):
    """The endpoint answered 200 with something that is not what the protocol promises."""


class PushError(EndpointError):
    """A graph could not be pushed, or its count on the endpoint is not the one sent."""


class ServerError(SovgraphError):
    """The Oxigraph server could not be found, filled, started, or it stopped on its own."""

    exit_code = 3


class UnexpectedError(SovgraphError):
    """An exception no code path expected, reported by the command line's guard as one paragraph naming the
    command and its input (exit 4); ``--debug`` prints the traceback."""

    exit_code = 4


class QueryTimeout(QueryError):
    """An embedded query ran longer than its time limit (``--timeout``)."""


class QueryTooDeep(QueryError):
    """A query nests groups, brackets or parentheses deeper than :data:`sovgraph.sparql.bind.MAX_NESTING`."""


class CacheRefused(InputError):
    """A folder asked to hold the cache is not a sovgraph cache: sovgraph will not delete what it holds."""


class CacheUnusable(SovgraphError):
    """The cache cannot be used (unwritable, damaged beyond a rebuild): the graph is loaded in memory."""


class CacheWarning(UserWarning):
    """The on-disk cache could not be used; the graph was loaded in memory (a warning, not an error)."""


class UsageRetry(Exception):
    """Internal to the command line: the parser of one command family could not parse the words, so the
    whole parser parses them again and gives its own message (never seen by a user)."""
