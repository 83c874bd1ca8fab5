"""A label shaped like a spreadsheet formula stays text in an XLSX export (never a formula run on open)."""

from __future__ import annotations

import io

import pyoxigraph
import pytest

from sovgraph.output import to_xlsx
from sovgraph.sparql.results import Cell, Result

openpyxl = pytest.importorskip("openpyxl")  # the xlsx extra; installed with the test extra


def test_a_formula_shaped_value_is_stored_as_text() -> None:
    hostile = '=HYPERLINK("https://example.org/x","click")'
    result = Result(
        ("label", "n"),
        [{"label": Cell(pyoxigraph.Literal(hostile)), "n": Cell(pyoxigraph.Literal(3))}],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(result))).active
    assert sheet["A2"].value == hostile
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3  # numbers stay numbers
