"""Result formats: the W3C SPARQL 1.1 CSV, TSV and JSON formats, and a readable table."""

from __future__ import annotations

import csv
import io
import json

import hypothesis
import hypothesis.strategies as st
import pyoxigraph

from sovgraph.sparql.results import Cell, Result, to_csv, to_json, to_table, to_tsv, wrap

XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT = Result(
    ["who", "when", "note"],
    [
        {
            "who": Cell(pyoxigraph.NamedNode("https://w3id.org/sovgraph/id/cnil"), "CNIL"),
            "when": Cell(pyoxigraph.Literal("2023-12-21", datatype=pyoxigraph.NamedNode(XSD + "date"))),
            "note": Cell(pyoxigraph.Literal('a "quoted", comma', language="fr")),
        },
        {"who": Cell(pyoxigraph.BlankNode("b0")), "when": None, "note": Cell(pyoxigraph.Literal("plain"))},
    ],
)


def test_json_follows_the_w3c_results_format() -> None:
    doc = json.loads(to_json(RESULT))
    assert doc["head"] == {"vars": ["who", "when", "note"]}
    first, second = doc["results"]["bindings"]
    assert first["who"] == {"type": "uri", "value": "https://w3id.org/sovgraph/id/cnil"}
    assert first["when"] == {"type": "literal", "value": "2023-12-21", "datatype": XSD + "date"}
    assert first["note"] == {"type": "literal", "value": 'a "quoted", comma', "xml:lang": "fr"}
    assert second == {"who": {"type": "bnode", "value": "b0"}, "note": {"type": "literal", "value": "plain"}}
    # pyoxigraph reads it back as the same solutions
    parsed = list(pyoxigraph.parse_query_results(to_json(RESULT), format=pyoxigraph.QueryResultsFormat.JSON))
    assert parsed[0]["when"] == RESULT.rows[0]["when"].term  # type: ignore[union-attr]


def test_csv_has_plain_values_and_crlf() -> None:
    text = to_csv(RESULT)
    assert text.startswith("who,when,note\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["https://w3id.org/sovgraph/id/cnil", "2023-12-21", 'a "quoted", comma']
    assert rows[2] == ["_:b0", "", "plain"]


def test_tsv_has_terms_in_their_sparql_form() -> None:
    lines = to_tsv(RESULT).splitlines()
    assert lines[0] == "?who\t?when\t?note"
    assert lines[1].split("\t") == [
        "<https://w3id.org/sovgraph/id/cnil>",
        f'"2023-12-21"^^<{XSD}date>',
        '"a \\"quoted\\", comma"@fr',
    ]
    parsed = list(pyoxigraph.parse_query_results(to_tsv(RESULT), format=pyoxigraph.QueryResultsFormat.TSV))
    assert parsed[0]["note"] == RESULT.rows[0]["note"].term  # type: ignore[union-attr]


def test_the_table_shows_labels_and_switches_to_records_when_narrow() -> None:
    wide = to_table(RESULT, max_width=200)
    assert "CNIL" in wide and "https://" not in wide
    assert wide.endswith("(2 rows)")
    narrow = to_table(RESULT, max_width=40)
    assert "--- row 1 ---" in narrow
    assert " who: CNIL" in narrow


def test_html_escapes_every_value_and_keeps_iris_in_tooltips() -> None:
    from sovgraph.sparql.results import to_html

    hostile = Result(["x"], [{"x": Cell(pyoxigraph.Literal("<img src=x onerror=alert(1)>"))}])
    html = to_html(hostile)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    page = to_html(RESULT)
    assert '<td title="https://w3id.org/sovgraph/id/cnil">CNIL</td>' in page
    assert "<caption>2 row(s)</caption>" in page


@hypothesis.settings(max_examples=500, deadline=None)
@hypothesis.given(
    st.text(alphabet=st.sampled_from("ab é-\t\n.,/:"), max_size=120) | st.text(max_size=60),
    st.integers(min_value=1, max_value=40),
)
def test_wrap_cuts_lines_as_textwrap_does(value: str, width: int) -> None:
    import textwrap

    assert wrap(value, width) == (textwrap.wrap(value, width) or [""])
