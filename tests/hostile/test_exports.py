"""Network exports of hostile labels (issue 13): GraphML and GEXF stay well-formed XML whatever the labels
hold, and no CSV cell runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

import sovgraph
from sovgraph.network import projection
from sovgraph.network.interchange import inert_cell, write_network, xml_text

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '=HYPERLINK("http://evil.example/","click")\x01\x1b[31m\x0b\ufffe end'
FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    world = (ROOT / "tests" / "fixtures" / "queries" / "world.ttl").read_text("utf-8")
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    label = "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in label)
    changed = world.replace('"Registry"@en', f'"{label}"@en')
    assert changed != world
    path = tmp_path_factory.mktemp("hostile-world") / "world.ttl"
    path.write_text(changed, "utf-8")
    kg = sovgraph.load(ROOT, files=[*sorted((ROOT / "ontology").glob("*.ttl")), path])
    return projection.project(kg, as_of="2023-01-01")


def test_the_hostile_label_reaches_the_projection(hostile: nx.MultiDiGraph) -> None:
    assert any(attrs.get("label_en") == HOSTILE for _, attrs in hostile.nodes(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_of_hostile_labels_are_well_formed(
    hostile: nx.MultiDiGraph, fmt: str, tmp_path: Path
) -> None:
    (path,) = write_network(hostile, fmt, tmp_path / f"net.{fmt}")
    ET.parse(path)  # well-formed
    text = path.read_text("utf-8")
    assert "=HYPERLINK" in text and "\x01" not in text and "\x1b" not in text
    read = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    assert read.number_of_nodes() == hostile.number_of_nodes()


def test_csv_cells_never_start_a_formula(hostile: nx.MultiDiGraph, tmp_path: Path) -> None:
    nodes, edges = write_network(hostile, "csv", tmp_path / "net.csv")
    for path in (nodes, edges):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
    assert "'=HYPERLINK" in nodes.read_text("utf-8")


def test_the_rules() -> None:
    for formula in FORMULAS:
        assert inert_cell(formula) == "'" + formula
    assert inert_cell("EMC2") == "EMC2" and inert_cell(-1) == -1 and inert_cell(None) is None
    assert xml_text("ok\tline\nend\r") == "ok\tline\nend\r"
    assert xml_text("\x00\x08\x0b\x1f\ud800\uffff") == "\ufffd" * 6
