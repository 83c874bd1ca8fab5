"""Loading: formats by extension, one named graph per file, union queries, and clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

import sovgraph
from sovgraph.errors import MissingInputError, ParseError, UnsupportedFormatError
from sovgraph.store.ingest import graph_iri, parse_file

EX = "http://example.org/"


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.ttl", f"<{EX}s> <{EX}p> <{EX}o> ."),
        ("a.nt", f"<{EX}s> <{EX}p> <{EX}o> .\n"),
        ("a.nq", f"<{EX}s> <{EX}p> <{EX}o> <{EX}g> .\n"),
        ("a.trig", f"<{EX}g> {{ <{EX}s> <{EX}p> <{EX}o> }}"),
        ("a.jsonld", f'{{"@id": "{EX}s", "{EX}p": {{"@id": "{EX}o"}}}}'),
        (
            "a.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="{EX}s"><ex:p rdf:resource="{EX}o"/></rdf:Description></rdf:RDF>',
        ),
    ],
)
def test_every_format_is_read_by_its_extension(tmp_path: Path, name: str, text: str) -> None:
    quads = parse_file(_write(tmp_path, name, text))
    assert [(q.subject.value, q.predicate.value, q.object.value) for q in quads] == [
        (f"{EX}s", f"{EX}p", f"{EX}o")
    ]


def test_each_file_is_its_own_named_graph_and_queries_see_the_union(root: Path, tmp_path: Path) -> None:
    a = _write(tmp_path, "a.ttl", f"<{EX}s> <{EX}p> <{EX}o1> .")
    b = _write(tmp_path, "b.ttl", f"<{EX}s> <{EX}p> <{EX}o2> .")
    kg = sovgraph.load(root, files=[a, b])
    assert {f.graph for f in kg.files} == {graph_iri("external/a.ttl"), graph_iri("external/b.ttl")}
    union = kg.query(f"SELECT ?o WHERE {{ <{EX}s> <{EX}p> ?o }} ORDER BY ?o")
    assert [r["o"].value for r in union] == [f"{EX}o1", f"{EX}o2"]
    only_a = kg.query(
        f"SELECT ?o WHERE {{ GRAPH ?g {{ <{EX}s> <{EX}p> ?o }} }}",
        {"g": pyoxigraph.NamedNode(kg.graph_of(a))},
        union=False,
    )
    assert [r["o"].value for r in only_a] == [f"{EX}o1"]


def test_shipped_files_are_named_by_their_path_in_the_repo(kg: sovgraph.KnowledgeGraph) -> None:
    labels = {f.label for f in kg.files}
    assert "ontology/sovgraph.ttl" in labels
    assert "ontology/kinds.ttl" in labels
    assert all(not label.startswith("ontology/shapes/") for label in labels)
    assert any(label.startswith("data/") for label in labels)


def test_turtle_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.ttl", f'<{EX}s> <{EX}p> <{EX}o> .\n<{EX}s> <{EX}p> "unclosed .\n')
    with pytest.raises(ParseError) as caught:
        parse_file(path, label="data/broken.ttl")
    message = str(caught.value)
    assert message.startswith("data/broken.ttl:2:")
    assert "not valid Turtle" in message
    assert "\n" not in message
    assert caught.value.line == 2


def test_unknown_prefix_is_reported_with_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "prefix.ttl", "@prefix ex: <http://example.org/> .\nex:s ex:p foo:o .\n")
    with pytest.raises(ParseError) as caught:
        parse_file(path, label="data/prefix.ttl")
    assert str(caught.value).startswith("data/prefix.ttl:2:11: ")
    assert "foo:" in str(caught.value)
    assert "not been declared" in str(caught.value)


def test_a_file_that_is_not_rdf_is_refused_by_extension(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", "just some notes")
    with pytest.raises(UnsupportedFormatError) as caught:
        parse_file(path)
    assert str(path) in str(caught.value)
    assert ".ttl" in str(caught.value)


def test_binary_content_in_a_turtle_file_is_a_parse_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.ttl", b"%PDF-1.4\n\xff\xfe\x00\x01binary")
    with pytest.raises(ParseError) as caught:
        parse_file(path, label="data/report.ttl")
    assert str(caught.value).startswith("data/report.ttl:1")


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError) as caught:
        parse_file(tmp_path / "absent.ttl")
    assert "absent.ttl" in str(caught.value)


def test_loading_is_all_or_nothing(root: Path, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.ttl", f"<{EX}s> <{EX}p> <{EX}o> .")
    bad = _write(tmp_path, "bad.ttl", "this is not turtle")
    with pytest.raises(ParseError):
        sovgraph.load(root, files=[good, bad])


def test_a_stray_file_in_the_data_folder_is_reported(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "ontology").mkdir(parents=True)
    (project / "data").mkdir()
    _write(project / "ontology", "sovgraph.ttl", "")
    _write(project / "data", "README.md", "documentation is skipped")
    _write(project / "data", "export.csv", "a,b")
    with pytest.raises(UnsupportedFormatError) as caught:
        sovgraph.load(project)
    assert "export.csv" in str(caught.value)


def test_a_folder_without_ontology_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError) as caught:
        sovgraph.load(tmp_path)
    assert "ontology/sovgraph.ttl" in str(caught.value)
