"""The one output writer: formats, label columns, xlsx, atomic files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph
import pytest

from sovgraph.errors import UnsupportedFormatError
from sovgraph.output import render, with_labels, write
from sovgraph.sparql.results import Cell, Result

EMC2 = Cell(pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/emc2"), "EMC2")
COUNT = Cell(
    pyoxigraph.Literal("3", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
)
RESULT = Result(["platform", "n"], [{"platform": EMC2, "n": COUNT}, {"platform": None, "n": None}])


def test_labels_add_a_column_beside_each_iri_column() -> None:
    labelled = with_labels(RESULT)
    assert labelled.columns == ["platform", "platform_label", "n"]
    rows = list(csv.reader(io.StringIO(render(RESULT, "csv", labels=True).decode())))
    assert rows[0] == ["platform", "platform_label", "n"]
    assert rows[1] == ["https://w3id.org/sovgraph/id/emc2", "EMC2", "3"]


def test_json_with_labels_stays_sparql_results_json() -> None:
    doc = json.loads(render(RESULT, "json", labels=True))
    assert doc["head"]["vars"] == ["platform", "platform_label", "n"]
    assert doc["results"]["bindings"][0]["platform_label"] == {"type": "literal", "value": "EMC2"}


def test_table_prints_the_commands_own_text_when_it_has_one() -> None:
    assert render(RESULT, "table", text="a tree") == b"a tree\n"
    assert b"EMC2" in render(RESULT, "table")


def test_xlsx_opens_with_openpyxl_with_typed_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    write(render(RESULT, "xlsx", labels=True), path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["platform", "platform_label", "n"]
    assert [c.value for c in sheet[2]] == ["https://w3id.org/sovgraph/id/emc2", "EMC2", 3]


def test_an_unknown_format_is_an_error() -> None:
    with pytest.raises(UnsupportedFormatError):
        render(RESULT, "pdf")


@pytest.mark.parametrize("columns", [None, "80", "200", "0", "-3", "wide", ""])
def test_the_table_width_is_shutils(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """terminal_width() gives what shutil.get_terminal_size() gives (it exists to avoid importing shutil)."""
    import shutil

    from sovgraph.sparql.table import terminal_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == shutil.get_terminal_size((120, 24)).columns
