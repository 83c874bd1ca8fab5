"""Results: rows of labelled cells (:class:`Result`), and their formats — a readable terminal table (labels),
the W3C SPARQL 1.1 CSV, TSV and JSON formats, an HTML table for notebooks."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sovgraph.errors import UnsupportedFormatError
from sovgraph.namespaces import shorten
from sovgraph.sparql.table import render, terminal_width

if TYPE_CHECKING:
    import pyoxigraph

    Term = pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode

FORMATS = ("table", "csv", "tsv", "json", "html")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Cell:
    """One value of a result row: the RDF term, and its label when it is an IRI with one."""

    term: Term
    label: str | None = None

    @property
    def value(self) -> str:
        """The IRI, the literal's lexical form, or the blank node's id."""
        return str(self.term.value)

    @property
    def is_iri(self) -> bool:
        import pyoxigraph

        return isinstance(self.term, pyoxigraph.NamedNode)

    def text(self) -> str:
        """What a person reads: the label, else the short IRI, else the value."""
        if self.label:
            return self.label
        return shorten(self.value) if self.is_iri else self.value

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Result:
    """The rows of a query, in the order of its SELECT; missing values are ``None``."""

    columns: list[str]
    rows: list[dict[str, Cell | None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str | None]:
        """One column's values (IRIs, lexical forms), for quick checks."""
        return [c.value if c is not None else None for c in (row[name] for row in self.rows)]

    def _repr_html_(self) -> str:
        """Shown as a table (labels, IRIs in tooltips) in notebooks."""
        return to_html(self)


_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\(((?:[^()\"']|\"[^\"]*\"|'[^']*'|\([^()]*\))*)\)\s*AS\s*[?$](\w+)", re.IGNORECASE
)
_SEPARATOR = re.compile(r"separator\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)


def concatenated(query: str) -> dict[str, str]:
    """The columns a query fills with ``GROUP_CONCAT``, and the separator of each.

    >>> concatenated('SELECT (GROUP_CONCAT(DISTINCT STR(?s); separator=" ; ") AS ?sources) {}')
    {'sources': ' ; '}
    """
    found = {}
    for match in _CONCAT.finditer(query):
        separator = _SEPARATOR.search(match.group(1))
        found[match.group(2)] = (separator.group(1) or separator.group(2) or "") if separator else " "
    return found


def sorted_lists(result: Result, query: str) -> Result:
    """``result`` with the values inside each ``GROUP_CONCAT`` cell sorted.

    SPARQL leaves the order of the values a ``GROUP_CONCAT`` joins to the engine (each follows its own
    storage order, and a sub-select's ``ORDER BY`` need not survive the grouping), so the same query gives
    the same lists in different orders on different servers. Sorted here, in one place, every engine's
    answer reads the same.
    """
    import pyoxigraph

    columns = {c: sep for c, sep in concatenated(query).items() if c in result.columns and sep}
    if not columns:
        return result
    rows = []
    for row in result.rows:
        fixed = dict(row)
        for column, separator in columns.items():
            cell = row.get(column)
            if cell is None or not isinstance(cell.term, pyoxigraph.Literal) or separator not in cell.value:
                continue
            text = separator.join(sorted(cell.value.split(separator)))
            term = cell.term
            literal = (
                pyoxigraph.Literal(text, language=term.language)
                if term.language
                else pyoxigraph.Literal(text, datatype=term.datatype)
            )
            fixed[column] = Cell(literal, cell.label)
        rows.append(fixed)
    return Result(result.columns, rows)


def format_result(result: Result, fmt: str, max_width: int | None = None) -> str:
    """The result in one of :data:`FORMATS`."""
    if fmt == "table":
        return to_table(result, max_width)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "html":
        return to_html(result)
    raise UnsupportedFormatError(f"--format {fmt}", list(FORMATS), output=True)


def format_answer(answer: Result | bool | pyoxigraph.QueryTriples, fmt: str) -> str:
    """Any query's answer as text: a :class:`Result` in ``fmt``, an ASK as ``true``/``false``, triples as
    Turtle."""
    import pyoxigraph

    from sovgraph.formats import serialize
    from sovgraph.namespaces import PREFIXES

    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, pyoxigraph.QueryTriples):
        return serialize(answer, pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
    return format_result(answer, fmt)


def to_table(result: Result, max_width: int | None = None) -> str:
    """Labels instead of IRIs, long cells wrapped, and the row count.

    When the columns cannot all get a readable width, each row is printed as a block of ``column: value``
    lines instead.
    """
    width = max_width or terminal_width()
    cells = [[c.text() if c else "" for c in row.values()] for row in result.rows]
    count = f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"
    if len(result.columns) * (MIN_COLUMN + 3) <= width:
        return f"{render(result.columns, cells, width)}\n{count}"
    return f"{_records(result.columns, cells, width)}\n{count}"


MIN_COLUMN = 14


def _records(columns: list[str], rows: list[list[str]], width: int) -> str:
    name_width = max(len(c) for c in columns)
    blocks = []
    for number, row in enumerate(rows, start=1):
        lines = [f"--- row {number} ---"]
        for column, value in zip(columns, row, strict=True):
            if not value:
                continue
            wrapped = wrap(value, max(20, width - name_width - 2))
            lines.append(f"{column.rjust(name_width)}: {wrapped[0]}")
            lines.extend(" " * (name_width + 2) + more for more in wrapped[1:])
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def wrap(value: str, width: int) -> list[str]:
    """``value`` in lines of at most ``width`` characters, as :func:`textwrap.wrap` makes them (one empty
    line for an empty value); a short single-line value, the common case, without its machinery.

    >>> wrap("a short value ", 20), wrap("", 20), wrap("two words", 5)
    (['a short value'], [''], ['two', 'words'])
    """
    if not value.isprintable():  # tabs, newlines, spaces other than " ": textwrap's own rules
        return textwrap.wrap(value, width) or [""]
    if len(value) <= width:
        return [value.rstrip()] if value.strip() else [""]
    chunks = [c for c in textwrap.TextWrapper.wordsep_re.split(value) if c]  # textwrap's own cut
    if any(len(c) > width for c in chunks):  # a word to break: textwrap's rules
        return textwrap.wrap(value, width) or [""]
    chunks.reverse()
    lines: list[str] = []
    while chunks:  # textwrap's greedy filling, for chunks that all fit on a line
        if lines and chunks[-1][0] == " ":
            chunks.pop()
        line: list[str] = []
        used = 0
        while chunks and used + len(chunks[-1]) <= width:
            used += len(chunks[-1])
            line.append(chunks.pop())
        if line and line[-1][0] == " ":
            line.pop()
        if line:
            lines.append("".join(line))
    return lines or [""]


def to_csv(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results CSV: plain values, IRIs as they are, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_csv_value(c) for c in row.values()])
    return out.getvalue()


def to_tsv(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results TSV: terms in their SPARQL/N-Triples form."""
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    for row in result.rows:
        lines.append("\t".join(str(c.term) if c is not None else "" for c in row.values()))
    return "\n".join(lines) + "\n"


def to_json(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    bindings = [{name: _json_term(c) for name, c in row.items() if c is not None} for row in result.rows]
    doc = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def to_html(result: Result, max_rows: int = 500) -> str:
    """An HTML table for notebooks: labels shown, IRIs in the tooltip; every value escaped."""
    from html import escape

    head = "".join(f"<th>{escape(c)}</th>" for c in result.columns)
    body = []
    for row in result.rows[:max_rows]:
        cells = []
        for cell in row.values():
            if cell is None:
                cells.append("<td></td>")
            else:
                tip = f' title="{escape(cell.value)}"' if cell.is_iri else ""
                cells.append(f"<td{tip}>{escape(cell.text())}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = len(result.rows) - max_rows
    caption = f"{len(result.rows)} row(s)" + (f", first {max_rows} shown" if more > 0 else "")
    return (
        f'<table class="sovgraph"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _csv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    import pyoxigraph

    if isinstance(cell.term, pyoxigraph.BlankNode):
        return f"_:{cell.value}"
    return cell.value


def _json_term(cell: Cell) -> dict[str, Any]:
    import pyoxigraph

    term = cell.term
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out
