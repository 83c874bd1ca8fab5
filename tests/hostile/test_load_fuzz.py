"""A fuzz test of the loader: mutated files of the W3C Turtle, TriG and N-Triples suites (and Hypothesis'
own bytes) either load or raise sovgraph's :class:`ParseError` / :class:`InputError` — never another
exception — and a file that is refused leaves no graph and no cache behind.

The suites are found as ``tests/test_conformance.py`` finds them (``$SOVGRAPH_W3C_TESTS``, else
``shared/w3c-rdf-tests/`` beside the checkout); without them, the mutations start from a small built-in
corpus instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sovgraph
from sovgraph.errors import InputError
from sovgraph.store.ingest import load_store, read_files

ROOT = Path(__file__).resolve().parents[2]
SUITES = Path(os.environ.get("SOVGRAPH_W3C_TESTS", "").strip() or ROOT.parent / "shared" / "w3c-rdf-tests")
EXTENSIONS = {"rdf-turtle": ".ttl", "rdf-trig": ".trig", "rdf-n-triples": ".nt"}
BUILT_IN = [
    (b'@prefix ex: <http://example.org/> .\nex:a ex:p "x"@en , 1, true ; ex:q [ ex:r ex:b ] .\n', ".ttl"),
    (b'<http://example.org/a> <http://example.org/p> "x\\u00e9" .\n', ".nt"),
    (
        b"<http://example.org/g> { <http://example.org/a> <http://example.org/p> <http://example.org/b> }\n",
        ".trig",
    ),
    (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        b'<rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p></rdf:Description></rdf:RDF>',
        ".rdf",
    ),
    (b'{"@id": "http://example.org/a", "http://example.org/p": "x"}', ".jsonld"),
]
# Bytes that reach the places the loader screens: NUL, a BOM, an entity declaration, deep nesting, the
# vocabulary's namespace, a named graph, a long literal.
INSERTS = [
    b"\x00",
    b"\\u0000",
    b"\xef\xbb\xbf",
    b"<!ENTITY a 'b'>",
    b"<a>" * 300,
    b"<https://w3id.org/sovgraph/ontology#X> <http://example.org/p> 1 .\n",
    b"<http://example.org/g> { <http://example.org/a> <http://example.org/p> 1 }\n",
    b'"' + b"y" * 1000 + b'"',
    b"\xff\xfe",
    b"@prefix : <",
    b"{",
    b"'''",
]


def _corpus() -> list[tuple[bytes, str]]:
    found = []
    for suite, extension in EXTENSIONS.items():
        folder = SUITES / suite
        if folder.is_dir():
            for path in sorted(folder.glob(f"*{extension}"))[:400]:
                found.append((path.read_bytes(), extension))
    return found or BUILT_IN


CORPUS = _corpus() + BUILT_IN


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    data, extension = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "random", "repeat", "flip"]))
        if action == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif action == "insert":
            data = data[:at] + draw(st.sampled_from(INSERTS)) + data[at:]
        elif action == "random":
            data = data[:at] + draw(st.binary(max_size=20)) + data[at:]
        elif action == "repeat":
            data = data[:at] + data[at : at + 30] * draw(st.integers(2, 5)) + data[at:]
        elif data:
            i = min(at, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    other = draw(st.sampled_from([extension, extension, ".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld"]))
    return data, other


@contextmanager
def _file(data: bytes, extension: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sovgraph-fuzz-"))
    try:
        path = folder / f"fuzz{extension}"
        path.write_bytes(data)
        yield path
    finally:
        shutil.rmtree(folder)


def _outcome(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except InputError as error:  # ParseError, MissingInputError... all one paragraph
        assert "\n" not in str(error), str(error)
        return "refused"
    return "loaded"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_loader_loads_or_refuses_with_its_own_error(case: tuple[bytes, str]) -> None:
    data, extension = case
    with _file(data, extension) as path:
        fast = _outcome(lambda: load_store([path], path.parent))
        checked = _outcome(lambda: read_files([path], path.parent))
        assert fast == checked, (fast, checked)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld"]))
def test_any_bytes_load_or_are_refused(data: bytes, extension: str) -> None:
    with _file(data, extension) as path:
        fast = _outcome(lambda: load_store([path], path.parent))
        assert fast == _outcome(lambda: read_files([path], path.parent))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_refused_file_writes_nothing_in_the_cache(case: tuple[bytes, str]) -> None:
    data, extension = case
    with _file(data, extension) as path:
        cache = path.parent / "cache"
        try:
            sovgraph.load(ROOT, files=[path], derive=False, cache=cache)
        except InputError:
            assert not (cache / "store").exists() and not (cache / "manifest.json").exists()


@pytest.mark.skipif(not (SUITES / "rdf-turtle").is_dir(), reason=f"W3C suites not found at {SUITES}")
def test_the_fuzz_corpus_holds_the_w3c_files() -> None:
    assert len(CORPUS) > 100
