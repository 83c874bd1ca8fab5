"""Hostile inputs to the loader: each is refused with one paragraph and exit code 2, and nothing is written.

Every case runs the command line twice: with ``--no-cache`` and with a fresh ``--cache-dir`` (the cache's
own path through the loader, :func:`sovgraph.store.ingest.read_files`), which must stay without a store.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyoxigraph
import pytest

import sovgraph
from sovgraph.cli import main
from sovgraph.errors import InputError, ParseError
from sovgraph.store.ingest import MAX_LITERAL, MAX_XML_DEPTH, load_store, read_files

EX = "http://example.org/"
Capture = pytest.CaptureFixture[str]
RDF_OPEN = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'


def _run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _refused(capsys: Capture, root: Path, tmp_path: Path, data: Path, fragment: str) -> str:
    """Run ``stats --data`` without and with the cache: exit 2, one paragraph naming the file, nothing
    written in the cache folder."""
    code, out, err = _run(capsys, "stats", "--root", str(root), "--no-cache", "--data", str(data))
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sovgraph: error: "), err
    assert data.name in err
    assert "Traceback" not in err
    assert fragment in err, err
    cache = tmp_path / "cache"
    argv = ("stats", "--root", str(root), "--cache-dir", str(cache), "--data", str(data))
    code, _, again = _run(capsys, *argv)
    assert code == 2 and fragment in again, again
    assert not (cache / "store").exists() and not (cache / "manifest.json").exists()
    return err


def test_an_empty_rdf_xml_file_is_refused(capsys: Capture, root: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.rdf"
    path.write_bytes(b"")
    _refused(capsys, root, tmp_path, path, "external/empty.rdf: this file is not valid RDF/XML: the file is")


def test_an_empty_turtle_file_is_an_empty_graph(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")
    store, files = load_store([path], root)
    assert len(store) == 0 and files[0].triples == 0


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("escaped.ttl", f'<{EX}a> <{EX}p> "x\\u0000y" .\n'.encode()),
        ("long-escape.nt", f'<{EX}a> <{EX}p> "x\\U00000000y" .\n'.encode()),
        ("raw.nt", f'<{EX}a> <{EX}p> "x\x00y" .\n'.encode()),
        ("escaped.jsonld", f'{{"@id": "{EX}a", "{EX}p": "x\\u0000y"}}'.encode()),
    ],
)
def test_a_nul_character_is_refused(
    capsys: Capture, root: Path, tmp_path: Path, name: str, body: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    err = _refused(capsys, root, tmp_path, path, "a NUL character")
    assert f"external/{name}:1:" in err


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("bom.ttl", f'\ufeff@prefix ex: <{EX}> .\nex:a ex:p "bom" .\n'),
        ("bom.nt", f'\ufeff<{EX}a> <{EX}p> "bom" .\n'),
        ("bom.trig", f'\ufeff<{EX}a> <{EX}p> "bom" .\n'),
    ],
)
def test_a_byte_order_mark_is_skipped(root: Path, tmp_path: Path, name: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    store, _ = load_store([path], root)
    assert [q.object.value for q in store] == ["bom"]
    _, parsed = read_files([path], root)[0]
    assert [q.object.value for q in parsed] == ["bom"]


def test_a_fifo_is_refused_without_blocking(capsys: Capture, root: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    os.mkfifo(path)
    assert stat.S_ISFIFO(path.stat().st_mode)
    _refused(capsys, root, tmp_path, path, "named pipe (FIFO)")
    with pytest.raises(InputError, match="named pipe"):  # the loader checks it too, for Python callers
        load_store([path], root)


def test_a_folder_named_like_a_file_is_refused(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "folder.ttl"
    path.mkdir()
    _refused(capsys, root, tmp_path, path, "folder")
    with pytest.raises(InputError, match="it is a folder, not a file"):
        load_store([path], root)


def test_a_data_file_may_not_redefine_the_vocabulary(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "hack.ttl"
    path.write_text(
        "@prefix sov: <https://w3id.org/sovgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'sov:Company rdfs:label "Hacked company class"@en .\n',
        encoding="utf-8",
    )
    err = _refused(capsys, root, tmp_path, path, "<https://w3id.org/sovgraph/ontology#Company>")
    assert "only the files of ontology/ may define or describe sov: and kind: terms" in err


def test_a_data_file_may_not_describe_a_controlled_value(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "kind.nt"
    path.write_text(
        '<https://w3id.org/sovgraph/kind/high> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="kind/high"):
        load_store([path], root)
    with pytest.raises(InputError, match="kind/high"):
        read_files([path], root)


def test_a_literal_over_the_limit_is_refused(capsys: Capture, root: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.ttl"
    path.write_text(f'<{EX}a> <{EX}p> "{"x" * (MAX_LITERAL + 1)}" .\n', encoding="utf-8")
    err = _refused(capsys, root, tmp_path, path, f"a literal of {MAX_LITERAL + 1:,} characters")
    assert f"limit of {MAX_LITERAL:,} characters" in err


def test_a_literal_at_the_limit_loads(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "limit.ttl"
    path.write_text(f'<{EX}a> <{EX}p> "{"é" * MAX_LITERAL}" .\n', encoding="utf-8")
    store, _ = load_store([path], root)
    assert len(store) == 1


def test_rdf_xml_entity_declarations_are_refused(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "laughs.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY l0 "lol">{lol}\n]>\n{RDF_OPEN}'
        f'<rdf:Description rdf:about="{EX}a"><ex:p>&l9;</ex:p></rdf:Description></rdf:RDF>',
        encoding="utf-8",
    )
    assert path.stat().st_size < 1000
    err = _refused(capsys, root, tmp_path, path, "a DTD entity declaration (<!ENTITY) is refused")
    assert "external/laughs.rdf:3:" in err


def _nested(depth: int) -> str:
    return (
        f'{RDF_OPEN}<rdf:Description rdf:about="{EX}a">'
        + "<ex:p><rdf:Description>" * depth
        + "</rdf:Description></ex:p>" * depth
        + "</rdf:Description></rdf:RDF>"
    )


def test_rdf_xml_nested_beyond_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.rdf"
    path.write_text(_nested(MAX_XML_DEPTH), encoding="utf-8")
    _refused(capsys, root, tmp_path, path, f"elements are nested more than {MAX_XML_DEPTH} deep")


def test_rdf_xml_nested_within_the_limit_loads(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "nested.rdf"
    path.write_text(_nested(MAX_XML_DEPTH // 2 - 2), encoding="utf-8")
    store, _ = load_store([path], root)
    assert len(store) == MAX_XML_DEPTH // 2 - 2


def test_rdf_xml_comments_and_attributes_do_not_count_as_nesting(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "tricky.rdf"
    path.write_text(
        f"{RDF_OPEN}<!-- <a><b><c> -->{'<!-- <x> -->' * (MAX_XML_DEPTH * 2)}"
        f'<rdf:Description rdf:about="{EX}a" ex:q="a > b"><ex:p>1 &lt; 2</ex:p></rdf:Description></rdf:RDF>',
        encoding="utf-8",
    )
    store, _ = load_store([path], root)
    assert len(store) == 2


def test_a_named_graph_in_a_data_file_lands_in_the_file_graph_and_is_validated(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    """The probe of the issue: a TriG file writing into data/hosting.ttl's graph a made-up provider."""
    path = tmp_path / "x.trig"
    path.write_text(
        "@prefix sg: <https://w3id.org/sovgraph/id/> .\n"
        "@prefix sov: <https://w3id.org/sovgraph/ontology#> .\n"
        "<https://w3id.org/sovgraph/graph/data/hosting.ttl> { sg:hosting-emc2-azure sov:provider "
        "sg:ghost-provider . }\n",
        encoding="utf-8",
    )
    kg = sovgraph.load(root, extra=[path], derive=False)
    own = kg.graph_of(path)
    ghost = pyoxigraph.NamedNode(sovgraph.namespaces.ID + "ghost-provider")
    graphs = {q.graph_name.value for q in kg.store.quads_for_pattern(None, None, ghost)}
    assert graphs == {own}
    code, out, err = _run(capsys, "validate", "--root", str(root), "--no-cache", "--data", str(path))
    assert code == 1, err
    assert "external/x.trig" in out + err and "sg:ghost-provider" in out + err


@pytest.mark.parametrize("name", ["x.nq", "x.trig", "x.jsonld"])
def test_every_quad_of_a_dataset_file_lands_in_its_graph_in_both_loaders(
    root: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    bodies = {
        "x.nq": f"<{EX}a> <{EX}p> <{EX}b> <{EX}g1> .\n<{EX}a> <{EX}p> <{EX}c> .\n",
        "x.trig": f"<{EX}g1> {{ <{EX}a> <{EX}p> <{EX}b> }}\n<{EX}a> <{EX}p> <{EX}c> .\n",
        "x.jsonld": (
            f'[{{"@id": "{EX}g1", "@graph": [{{"@id": "{EX}a", "{EX}p": {{"@id": "{EX}b"}}}}]}},'
            f' {{"@id": "{EX}a", "{EX}p": {{"@id": "{EX}c"}}}}]'
        ),
    }
    path.write_text(bodies[name], encoding="utf-8")
    store, files = load_store([path], root)
    assert {q.graph_name.value for q in store} == {files[0].graph}
    assert len(store) == files[0].triples == 2
    other = pyoxigraph.Store()
    from sovgraph.store.ingest import fill_store

    filled = fill_store(other, read_files([path], root))
    assert set(other) == set(store) and filled[0].triples == 2


def test_a_parse_error_is_still_one_paragraph_after_the_checks(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.nq"
    path.write_text(f"<{EX}a> <{EX}p> .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_store([path], root)
    assert "\n" not in str(caught.value)


def test_a_literal_over_the_parsers_buffer_is_refused_not_a_memory_error(
    capsys: Capture, root: Path, tmp_path: Path
) -> None:
    """The issue's probe: a literal over 16 MiB gave a MemoryError traceback with exit 1."""
    path = tmp_path / "huge.ttl"
    path.write_text(f'<{EX}a> <{EX}p> "{"x" * (17 << 20)}" .\n', encoding="utf-8")
    err = _refused(capsys, root, tmp_path, path, "longer than the parser's 16 MiB")
    assert f"limit of {MAX_LITERAL:,} characters" in err
