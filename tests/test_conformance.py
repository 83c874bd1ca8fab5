"""W3C RDF 1.1 syntax conformance of sovgraph's file loader, :func:`sovgraph.store.ingest.parse_file`.

The W3C test suites for Turtle, TriG and N-Triples (``rdf-turtle``, ``rdf-trig``, ``rdf-n-triples``) live in
``shared/w3c-rdf-tests/`` beside the repository, or wherever the environment variable ``SOVGRAPH_W3C_TESTS``
points. Everything is driven by each suite's ``manifest.ttl`` (read with rdflib, not with the loader under
test): every entry of its ``mf:entries`` list becomes one test case, named ``<suite>/<entry>``, for example
``turtle/IRI_subject``. Each case parses its ``mf:action`` file with ``parse_file``, using as base IRI the
manifest's ``mf:assumedTestBase`` followed by the action's file name (the file's own ``file:`` IRI when the
manifest gives no assumed base), and checks:

* positive syntax tests (``rdft:Test*PositiveSyntax``): the file parses;
* negative syntax and negative evaluation tests (``rdft:Test*NegativeSyntax``, ``rdft:Test*NegativeEval``):
  ``parse_file`` raises :class:`sovgraph.errors.ParseError` (no other exception type) whose message names the
  file;
* evaluation tests (``rdft:Test*Eval``): the file parses, and its quads are isomorphic to those of the
  ``mf:result`` file (N-Triples or N-Quads, parsed with ``parse_file`` too): a graph isomorphism for Turtle,
  a dataset isomorphism (graph names included, one blank-node mapping shared by all graphs) for TriG.

If the suite folder is missing the module is skipped, unless the environment variable ``CI`` is set, in
which case a test fails saying where the suite was looked for: a missing suite never counts as a pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from sovgraph.errors import ParseError
from sovgraph.store.ingest import parse_file

ENV_VAR = "SOVGRAPH_W3C_TESTS"
DEFAULT_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "w3c-rdf-tests"
# The suites that must be present; any further sub-folder with a manifest.ttl is run as well.
REQUIRED_SUITES = ("rdf-turtle", "rdf-trig", "rdf-n-triples")

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = rdflib.Namespace("http://www.w3.org/ns/rdftest#")

# rdft test types by their local name: the syntax family, then what kind of test it is.
_TEST_TYPE = re.compile(
    r"^Test(?:Turtle|Trig|NTriples|NQuads)(PositiveSyntax|NegativeSyntax|Eval|NegativeEval)$"
)
_KINDS = {
    "PositiveSyntax": "positive",
    "NegativeSyntax": "negative",
    "NegativeEval": "negative",
    "Eval": "eval",
}


@dataclass(frozen=True)
class Case:
    """One manifest entry, or a problem with a suite that must show up as a failing test."""

    test_id: str
    kind: str  # "positive", "negative", "eval" or "broken"
    test_type: str = ""
    action: Path | None = None
    result: Path | None = None
    base_iri: str | None = None
    problem: str = ""


def suite_root() -> Path:
    """The folder of the W3C suites: ``$SOVGRAPH_W3C_TESTS`` if set, else the default beside the repo."""
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser() if override else DEFAULT_ROOT


def on_ci() -> bool:
    """Whether we run on continuous integration, where a missing suite is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def _file_path(iri: rdflib.term.Node) -> Path | None:
    """The local path of a ``file:`` IRI (as the manifest's relative IRIs resolve), else ``None``."""
    if not isinstance(iri, rdflib.URIRef):
        return None
    parts = urlsplit(str(iri))
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def _one(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> rdflib.term.Node | None:
    values = list(graph.objects(subject, predicate))
    return values[0] if len(values) == 1 else None


def _entry_case(
    graph: rdflib.Graph, entry: rdflib.term.Node, suite: str, folder: Path, base: str | None
) -> Case:
    name = str(entry).rpartition("#")[2] if "#" in str(entry) else str(_one(graph, entry, MF.name) or entry)
    test_id = f"{suite}/{name}"
    types = [str(t)[len(str(RDFT)) :] for t in graph.objects(entry, RDF.type) if str(t).startswith(str(RDFT))]
    matches = [m for m in (_TEST_TYPE.match(t) for t in types) if m]
    if len(matches) != 1:
        return Case(test_id, "broken", problem=f"expected exactly one known rdft:Test* type, found {types}")
    test_type, kind = matches[0].group(0), _KINDS[matches[0].group(1)]

    action = _file_path(_one(graph, entry, MF.action) or rdflib.Literal(""))
    if action is None or not action.is_file():
        return Case(test_id, "broken", test_type, problem=f"mf:action missing or not a file: {action}")
    result = None
    if kind == "eval":
        result = _file_path(_one(graph, entry, MF.result) or rdflib.Literal(""))
        if result is None or not result.is_file():
            return Case(test_id, "broken", test_type, problem=f"mf:result missing or not a file: {result}")

    try:
        relative = action.relative_to(folder).as_posix()
    except ValueError:
        return Case(test_id, "broken", test_type, problem=f"mf:action {action} is outside {folder}")
    base_iri = base + relative if base is not None else action.as_uri()
    return Case(test_id, kind, test_type, action, result, base_iri)


def suite_cases(folder: Path) -> list[Case]:
    """One case per entry of the suite's manifest, in manifest order."""
    suite = folder.name.removeprefix("rdf-")
    manifest = folder / "manifest.ttl"
    if not manifest.is_file():
        return [Case(f"{suite}/manifest", "broken", problem=f"no manifest at {manifest}")]
    graph = rdflib.Graph()
    try:
        graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
    except Exception as exc:  # rdflib raises assorted exception types for bad Turtle
        return [Case(f"{suite}/manifest", "broken", problem=f"cannot read {manifest}: {exc}")]
    heads = list(graph.subjects(RDF.type, MF.Manifest))
    if len(heads) != 1:
        problem = f"{manifest}: expected one mf:Manifest, found {heads}"
        return [Case(f"{suite}/manifest", "broken", problem=problem)]
    head = heads[0]
    assumed = _one(graph, head, MF.assumedTestBase)
    base = str(assumed) if assumed is not None else None
    entries: list[rdflib.term.Node] = []
    for first in graph.objects(head, MF.entries):
        entries.extend(Collection(graph, first))
    if not entries:
        return [Case(f"{suite}/manifest", "broken", problem=f"{manifest} lists no mf:entries")]
    return [_entry_case(graph, entry, suite, folder, base) for entry in entries]


def collect_cases(root: Path) -> list[Case]:
    """All cases of all suites below ``root``; a missing required suite is a failing case."""
    folders = {name: root / name for name in REQUIRED_SUITES}
    folders.update({p.name: p for p in sorted(root.iterdir()) if (p / "manifest.ttl").is_file()})
    cases = [case for folder in folders.values() for case in suite_cases(folder)]
    seen: set[str] = set()
    for i, case in enumerate(cases):
        if case.test_id in seen:
            cases[i] = Case(case.test_id + "#dup", "broken", problem=f"duplicate test id {case.test_id}")
        seen.add(case.test_id)
    return cases


ROOT = suite_root()
if ROOT.is_dir():
    CASES = collect_cases(ROOT)
else:
    _where = f"W3C RDF test suites not found at {ROOT} (set {ENV_VAR} to a folder holding {REQUIRED_SUITES})"
    if not on_ci():
        pytest.skip(_where, allow_module_level=True)
    CASES = [Case("w3c-suite-missing", "broken", problem=_where + "; on CI this is a failure, not a skip")]


# Isomorphism. Both sides are turned into one rdflib graph each, in which every (deduplicated) quad is a
# fresh blank node with edges to its subject, predicate, object and (unless it is in the default graph) its
# graph name. Non-blank terms become literals holding their exact N-Triples form, so equality is RDF term
# equality (no literal normalisation); blank nodes stay blank nodes. Two datasets are isomorphic exactly when
# these graphs are: one blank-node mapping covers all graphs, as dataset isomorphism requires.
_Q = rdflib.Namespace("urn:sovgraph-test:quad#")


def _term(term: object) -> rdflib.term.Identifier:
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode("t" + term.value)
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal):
        return rdflib.Literal(str(term))
    raise AssertionError(f"unexpected term in RDF 1.1 data: {term!r}")


def encode(quads: Iterable[pyoxigraph.Quad]) -> rdflib.Graph:
    """The quads as a graph whose isomorphism class is the dataset's (see the comment above)."""
    graph = rdflib.Graph()
    for i, quad in enumerate(sorted(set(quads), key=str)):
        node = rdflib.BNode(f"q{i}")
        graph.add((node, _Q.s, _term(quad.subject)))
        graph.add((node, _Q.p, _term(quad.predicate)))
        graph.add((node, _Q.o, _term(quad.object)))
        if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
            graph.add((node, _Q.g, _term(quad.graph_name)))
    return graph


def as_nquads(quads: Sequence[pyoxigraph.Quad]) -> str:
    return "\n".join(sorted({f"  {q} ." for q in quads})) or "  (nothing)"


@pytest.mark.parametrize("case", CASES, ids=[case.test_id for case in CASES])
def test_w3c(case: Case) -> None:
    if case.kind == "broken":
        pytest.fail(f"{case.test_id}: {case.problem}", pytrace=False)
    assert case.action is not None
    source = case.action.read_text(encoding="utf-8", errors="replace")

    if case.kind == "negative":
        with pytest.raises(ParseError) as caught:
            quads = parse_file(case.action, base_iri=case.base_iri)
            pytest.fail(
                f"{case.test_type}: {case.action.name} is not valid, yet parse_file accepted it and returned "
                f"{len(quads)} quads:\n{as_nquads(quads)}\ninput:\n{source}",
                pytrace=False,
            )
        assert str(case.action) in str(caught.value), f"the error does not name the file: {caught.value}"
        assert caught.value.path == str(case.action)
        return

    try:
        quads = parse_file(case.action, base_iri=case.base_iri)
    except ParseError as exc:
        pytest.fail(
            f"{case.test_type}: {case.action.name} is valid, yet: {exc}\ninput:\n{source}", pytrace=False
        )
    if case.kind == "positive":
        return

    assert case.result is not None
    expected = parse_file(case.result)
    if not isomorphic(encode(quads), encode(expected)):
        pytest.fail(
            f"{case.test_type}: {case.action.name} parsed to\n{as_nquads(quads)}\n"
            f"but {case.result.name} expects (blank node names aside)\n{as_nquads(expected)}\n"
            f"input:\n{source}",
            pytrace=False,
        )
