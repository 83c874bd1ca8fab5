"""The small exception hierarchy of sovgraph.

Every error reads as one paragraph that names the file, line or IRI at fault and the rule that was broken,
so the command line can print ``str(error)`` and exit non-zero without a traceback.
"""

from __future__ import annotations

from pathlib import Path


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


class OutputError(SovgraphError):
    """A result could not be written where it was asked to go."""
