"""The one output writer: a :class:`~sovgraph.sparql.results.Result` in the format asked for, printed or
written to a file atomically.

Formats (:data:`FORMATS`): ``table`` (for people: labels, or the command's own text), ``csv``, ``tsv`` and
``json`` (the W3C SPARQL 1.1 results formats: IRIs and values, never labels), ``xlsx`` (a spreadsheet, one
header row, numbers and dates typed; needs the ``sovgraph[xlsx]`` extra), and ``html`` for the commands that
had it. With ``labels`` every column holding IRIs gets a ``<column>_label`` column beside it, so a
spreadsheet user reads names (see ``docs/formats.md``).

>>> import pyoxigraph
>>> from sovgraph.sparql.results import Cell, Result
>>> emc2 = Cell(pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/emc2"), "EMC2")
>>> result = Result(["platform"], [{"platform": emc2}])
>>> render(result, "csv", labels=True).decode()
'platform,platform_label\\r\\nhttps://w3id.org/sovgraph/id/emc2,EMC2\\r\\n'
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import OutputError, UnsupportedFormatError

if TYPE_CHECKING:
    from sovgraph.sparql.results import Cell, Result

FORMATS = ("table", "csv", "tsv", "json", "xlsx")
"""What every results command offers (``query`` and ``sparql`` add ``html``)."""
XSD = "http://www.w3.org/2001/XMLSchema#"
LABEL_SUFFIX = "_label"


def with_labels(result: Result) -> Result:
    """The result with a ``<column>_label`` column after each column holding an IRI (empty where an IRI has
    no label); a column of that name that exists already is left as it is."""
    import pyoxigraph

    from sovgraph.sparql.results import Cell, Result

    iri_columns = {c for c in result.columns for row in result.rows if (cell := row.get(c)) and cell.is_iri}
    columns: list[str] = []
    added: dict[str, str] = {}
    for c in result.columns:
        columns.append(c)
        if c in iri_columns and c + LABEL_SUFFIX not in result.columns:
            columns.append(c + LABEL_SUFFIX)
            added[c] = c + LABEL_SUFFIX
    rows = []
    for row in result.rows:
        out: dict[str, Cell | None] = {}
        for c in result.columns:
            cell = row.get(c)
            out[c] = cell
            if c in added:
                out[added[c]] = Cell(pyoxigraph.Literal(cell.text())) if cell is not None else None
        rows.append(out)
    return Result(columns, rows)


def render(result: Result, fmt: str, *, labels: bool = False, text: str | None = None) -> bytes:
    """The bytes of ``result`` in ``fmt``; ``text`` is what ``table`` prints when the command has its own
    readable form (a tree, a what-if summary), else the result's table."""
    from sovgraph.sparql.results import format_result

    if fmt == "table":
        return ((text if text is not None else format_result(result, "table")).rstrip("\n") + "\n").encode()
    shown = with_labels(result) if labels else result
    if fmt == "xlsx":
        return to_xlsx(shown)
    if fmt in ("csv", "tsv", "json", "html"):
        return format_result(shown, fmt).encode("utf-8")
    raise UnsupportedFormatError(f"--format {fmt}", [*FORMATS, "html"], output=True)


def write(data: bytes, output: Path | None, stdout: Any = None) -> None:
    """``data`` to ``output`` atomically, or to ``stdout`` (a binary stream) when there is no output file."""
    if output is None:
        if stdout is None:
            raise OutputError("no output file and no standard output to write to.")
        try:
            stdout.write(data)
            stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(
                f"standard output: cannot write the result: {exc.strerror or exc} (a full disk or a closed "
                "output?). Write it to a file with -o FILE instead."
            ) from None
        return
    from sovgraph.files import write_atomic

    write_atomic(output, data)


def silence_stdout() -> None:
    """After a closed pipe (``sovgraph query … | head``), send what is left of standard output to the null
    device, so that Python's own flush at exit does not complain."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # no real standard output (tests)
        pass


def to_xlsx(result: Result) -> bytes:
    """A workbook with one sheet: the header row, then one row per result row (IRIs as text, numbers,
    booleans and dates typed)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise OutputError(
            "the xlsx format needs openpyxl, an optional dependency: pip install 'sovgraph[xlsx]'."
        ) from None
    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    sheet.append(result.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in result.rows:
        sheet.append([_excel_value(row.get(c)) for c in result.columns])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            # openpyxl stores a string that starts with "=" as a formula: data is text, never run
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_value(cell: Cell | None) -> object:
    if cell is None:
        return None
    if cell.is_iri:
        return cell.value
    datatype = getattr(getattr(cell.term, "datatype", None), "value", "")
    value = cell.value
    try:
        if datatype in (XSD + "integer", XSD + "int", XSD + "long"):
            return int(value)
        if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(value)
        if datatype == XSD + "boolean":
            return value == "true"
        if datatype == XSD + "date":
            import datetime as dt

            return dt.date.fromisoformat(value)
    except ValueError:
        return value
    return value
