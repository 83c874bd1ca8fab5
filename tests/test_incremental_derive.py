"""Deriving again rule by rule after a change (:mod:`sovgraph.sparql.incremental`) gives exactly the derived
graph a full derivation gives: what the rules read of typed subjects only (:mod:`sovgraph.sparql.delta`),
the kept text of each rule's output, and random edits aimed at what each rule reads (control links, hostings,
reaches, laws, decisions), each followed by an update of the cache compared with a load from the files.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from synthetic import split

import sovgraph
from sovgraph.errors import QueryError
from sovgraph.sparql.delta import Lookup, reads, rule_affected
from sovgraph.sparql.incremental import HEADER, _spans, record, rederive, sections
from sovgraph.sparql.rules import DERIVED_GRAPH, materialise

SOV = "https://w3id.org/sovgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/edit/"
TARGETS = ("Control", "Hosting", "ServiceUse", "Reach", "Decision", "Law")


def _guarded(text: str) -> dict[str, set[str]]:
    found = reads("r", text).guarded
    return {p.removeprefix(SOV): {c.removeprefix(SOV) for c in cs} for p, cs in found.items()}


def test_a_predicate_read_only_of_typed_subjects_is_guarded_by_their_classes() -> None:
    text = """CONSTRUCT { ?x sov:p ?y } WHERE {
        ?x a sov:Control ; sov:q ?y .
        OPTIONAL { ?x sov:r ?z }
        FILTER NOT EXISTS { ?x sov:s ?w }
        BIND(EXISTS { ?x sov:t ?v } AS ?e)
    }"""
    assert _guarded(text) == {name: {"Control"} for name in ("q", "r", "s", "t")}


def test_a_guard_holds_only_where_every_solution_has_it() -> None:
    either = (
        "CONSTRUCT { ?x sov:p ?y } WHERE { { ?x a sov:A } UNION { ?x a/rdfs:subClassOf* sov:B } ?x sov:q ?y }"
    )
    assert _guarded(either) == {"q": {"A", "B"}}
    one_branch = "CONSTRUCT { ?x sov:p ?y } WHERE { { ?x a sov:A } UNION { ?x sov:u ?v } ?x sov:q ?y }"
    assert "q" not in _guarded(one_branch)
    optional_type = "CONSTRUCT { ?x sov:p ?y } WHERE { ?x sov:q ?y OPTIONAL { ?x a sov:A } }"
    assert "q" not in _guarded(optional_type)
    also_untyped = "CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:A ; sov:q ?y . ?y sov:q ?z }"
    assert "q" not in _guarded(also_untyped)


def test_paths_and_subqueries_do_not_carry_guards_they_cannot_keep() -> None:
    path = "CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:A ; sov:q/sov:r ?y }"
    assert _guarded(path) == {}
    hidden = "CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:A . { SELECT ?y WHERE { ?x sov:q ?y } } }"
    assert "q" not in _guarded(hidden)  # the subquery's ?x is another variable
    shown = "CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:A . { SELECT ?x ?y WHERE { ?x sov:q ?y } } }"
    assert _guarded(shown) == {"q": {"A"}}
    grouped = """CONSTRUCT { ?x sov:p ?n } WHERE { ?x a sov:A .
        { SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x sov:q ?y } GROUP BY ?x } }"""
    assert "q" not in _guarded(grouped)


def _node(name: str) -> pyoxigraph.NamedNode:
    """A class or property of the ontology (capitalised, or ``since``), else a node of the example."""
    return pyoxigraph.NamedNode(SOV + name if name[0].isupper() or name == "since" else EX + name)


def _triple(s: str, p: str, o: str) -> pyoxigraph.Triple:
    return pyoxigraph.Triple(_node(s), pyoxigraph.NamedNode(RDF_TYPE) if p == "a" else _node(p), _node(o))


def test_a_change_to_a_subject_of_none_of_the_guarding_classes_does_not_reach_the_rule() -> None:
    rule = reads("r", f"CONSTRUCT {{ ?c <{EX}p> ?d }} WHERE {{ ?c a sov:Control ; sov:since ?d }}")
    store = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode(EX + "g")
    for s, o in (("h", "Hosting"), ("c", "Control"), ("Lease", "Hosting")):
        store.add(pyoxigraph.Quad(_node(s), pyoxigraph.NamedNode(RDF_TYPE), _node(o), graph))
    hosting, control = _triple("h", "since", "d"), _triple("c", "since", "d")
    assert rule_affected(rule, [hosting], Lookup(store, [hosting])) is None
    assert rule_affected(rule, [control], Lookup(store, [control])) is not None
    was_control = [hosting, _triple("h", "a", "Control")]  # h was a control before the change
    assert rule_affected(rule, was_control, Lookup(store, was_control)) is not None

    def derived_control(node: object) -> list[pyoxigraph.NamedNode]:  # h was derived a control (kept)
        return [_node("Control")] if node == _node("h") else []

    assert rule_affected(rule, [hosting], Lookup(store, [hosting], derived_control)) is not None
    assert rule_affected(rule, [hosting], Lookup(store, [hosting], lambda node: None)) is not None
    unknown = pyoxigraph.Triple(pyoxigraph.BlankNode(), _node("since"), _node("d"))
    assert rule_affected(rule, [unknown], Lookup(store, [unknown])) is not None
    subclass = pyoxigraph.Triple(
        _node("Lease"),
        pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
        _node("Control"),
    )
    assert rule_affected(rule, [hosting, subclass], Lookup(store, [hosting, subclass])) is not None


def test_the_kept_text_reads_back_and_anything_else_is_refused() -> None:
    outputs = {"a": {b"<urn:x:s> <urn:x:p> <urn:x:o> ."}, "b": set()}
    text = record(outputs, ["a", "b"])
    assert sections(text) == outputs
    assert sections(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n") is None  # a derived graph without sections
    assert sections(HEADER + b"a\n" + HEADER + b"a\n") is None
    assert sections(b"") is None


def test_each_section_is_found_where_it_is_written() -> None:
    """The sections a rule that is not run puts back as written are cut from the kept text: each span holds
    the section's header and exactly its lines."""
    outputs = {
        "first": {b"<urn:x:s> <urn:x:p> <urn:x:o> .", b"<urn:x:s> <urn:x:p> <urn:x:o2> ."},
        "empty": set(),
        "last": {b"<urn:x:s> <urn:x:p> <urn:x:o> .", b'<urn:x:t> <urn:x:q> "# rule not a header" .'},
    }
    text = record(outputs, ["first", "empty", "last"])
    spans = _spans(text)
    assert list(spans) == ["first", "empty", "last"]
    for name, (start, end) in spans.items():
        part = text[start:end]
        assert part.startswith(HEADER + name.encode("utf-8") + b"\n") or part == HEADER + name.encode("utf-8")
        assert sections(part) == {name: outputs[name]}
    assert spans["last"][1] == len(text) and spans["first"][0] == 0


@pytest.fixture()
def project(project_copy: Path) -> Path:
    """A synthetic graph of 3,000 triples; the statements about control links, hostings, service uses,
    reaches, decisions and laws in ``small.nt`` (the file the tests edit), the rest in ``big.nt``."""

    def about_targets(lines: list[str]) -> list[int]:
        targets = {
            line.split(" ", 1)[0]
            for line in lines
            if any(line.endswith(f"<{RDF_TYPE}> <{SOV}{name}> .") for name in TARGETS)
        }
        return [i for i, line in enumerate(lines) if line.split(" ", 1)[0] in targets]

    return split(project_copy, 5, about_targets)


def _store_of(project: Path) -> tuple[pyoxigraph.Store, list[object]]:
    from sovgraph.sparql.library import rules

    kg = sovgraph.load(project, derive=False)
    return kg.store, list(rules(project / "queries" / "rules", project))


def _derived(store: pyoxigraph.Store) -> set[str]:
    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    return {str(q) for q in store.quads_for_pattern(None, None, None, graph)}


def _redate(store: pyoxigraph.Store, cls: str) -> list[pyoxigraph.Triple]:
    """Move the start date of the first node of ``cls`` that has one by a year, in the store; the change."""
    start = pyoxigraph.NamedNode("https://schema.org/startDate")
    for quad in store.quads_for_pattern(
        None, pyoxigraph.NamedNode(RDF_TYPE), pyoxigraph.NamedNode(SOV + cls)
    ):
        for dated in store.quads_for_pattern(quad.subject, start, None):
            year = int(dated.object.value[:4]) + 1
            moved = pyoxigraph.Literal(f"{year}{dated.object.value[4:]}", datatype=dated.object.datatype)
            store.remove(dated)
            store.add(pyoxigraph.Quad(dated.subject, start, moved, dated.graph_name))
            return [dated.triple, pyoxigraph.Triple(dated.subject, start, moved)]
    raise AssertionError(f"no {cls} has a start date")


@pytest.mark.parametrize(
    ("cls", "ran", "kept"),
    [
        ("Hosting", {"in-force", "exposure"}, {"control-path", "reach-through-control"}),
        ("Control", {"in-force", "control-path"}, set()),
    ],
)
def test_a_rule_the_change_cannot_reach_keeps_its_output(
    project: Path, cls: str, ran: set[str], kept: set[str]
) -> None:
    from sovgraph.sparql.delta import rule_reads

    store, shipped = _store_of(project)
    read = lambda: rule_reads(shipped)  # noqa: E731
    _, text, unknown = rederive(store, shipped, read, None, None)
    assert unknown is None  # derived whole: what differs is not known
    assert _derived(store), "the rules derive something"
    changed = _redate(store, cls)
    runs, again, difference = rederive(store, shipped, read, changed, text)
    assert ran <= {run.rule for run in runs if run.rounds > 0}
    assert kept <= {run.rule for run in runs if run.rounds == 0}
    incremental = _derived(store)
    full = pyoxigraph.Store()
    full.extend(q for q in store if q.graph_name != pyoxigraph.NamedNode(DERIVED_GRAPH))
    materialise(full, shipped)
    assert incremental == _derived(full)
    nt = pyoxigraph.RdfFormat.N_TRIPLES
    fresh = full.dump(format=nt, from_graph=pyoxigraph.NamedNode(DERIVED_GRAPH)) or b""
    kept_lines = {line for lines in (sections(again) or {}).values() for line in lines}
    assert kept_lines == set(fresh.splitlines())
    before = {line for lines in (sections(text) or {}).values() for line in lines}
    assert difference == (before - kept_lines, kept_lines - before)


def _subjects(lines: list[str], cls: str) -> list[str]:
    return sorted({line.split(" ", 1)[0] for line in lines if line.endswith(f"<{RDF_TYPE}> <{SOV}{cls}> .")})


def _objects(lines: list[str], predicate: str) -> list[str]:
    return sorted({line.split(" ", 2)[2][:-2] for line in lines if f" <{SOV}{predicate}> " in line})


def _aimed_edit(rng: random.Random, small: list[str], big: list[str]) -> list[str]:
    """One random edit of the small file, aimed at what a rule reads."""
    lines = list(small)
    every = big + lines
    kind = rng.choice(
        [
            "redate",
            "drop-node",
            "relink",
            "new-control",
            "no-control",
            "reach-law",
            "location",
            "confidence",
            "ruling",
            "authorise",
            "founded",
        ]
    )
    if kind == "redate":  # any date of the small file (hostings, controls, decisions, laws) moved
        dated = [
            i for i, line in enumerate(lines) if re.search(r'"(\d{4})[^"]*"\^\^<' + re.escape(XSD), line)
        ]
        if dated:
            i = rng.choice(dated)
            step = rng.choice([-5, -1, 1, 3])
            lines[i] = re.sub(r'"(\d{4})', lambda m: f'"{int(m.group(1)) + step}', lines[i], count=1)
    elif kind == "drop-node":  # a control link, hosting, reach, decision or law, gone
        subject = rng.choice(lines).split(" ", 1)[0]
        lines = [line for line in lines if not line.startswith(subject + " ")]
    elif kind == "relink":  # a control link between other organisations
        links = [i for i, line in enumerate(lines) if re.search(f"<{SOV}(controlled|controller)> ", line)]
        companies = _subjects(every, "Company")
        if links and companies:
            i = rng.choice(links)
            lines[i] = lines[i].rsplit(" ", 2)[0] + f" {rng.choice(companies)} ."
    elif kind == "new-control":  # a new control link, dated or not
        companies = _subjects(every, "Company")
        link = f"<{EX}control{rng.randrange(10**6)}>"
        a, b = rng.sample(companies, 2)
        lines += [
            f"{link} <{RDF_TYPE}> <{SOV}Control> .",
            f"{link} <{SOV}controlled> {a} .",
            f"{link} <{SOV}controller> {b} .",
            f"{link} <{SOV}confidence> {rng.choice(_objects(every, 'confidence'))} .",
        ]
        if rng.random() < 0.5:
            lines.append(f'{link} <https://schema.org/startDate> "{rng.randint(1995, 2024)}"^^<{XSD}gYear> .')
    elif kind == "no-control":  # a link given a kind of the data's own that does not convey control
        links = _subjects(lines, "Control")
        if links:
            kind_iri = f"<{EX}shareholding>"
            lines += [
                f'{kind_iri} <{SOV}conveysControl> "false"^^<{XSD}boolean> .',
                f"{rng.choice(links)} <{SOV}controlKind> {kind_iri} .",
            ]
    elif kind == "reach-law":  # a reach of another law
        reaches = [i for i, line in enumerate(lines) if f" <{SOV}law> " in line]
        laws = _subjects(every, "Law")
        if reaches and laws:
            i = rng.choice(reaches)
            lines[i] = lines[i].rsplit(" ", 2)[0] + f" {rng.choice(laws)} ."
    elif kind == "location":  # a hosting moved to another place
        placed = [i for i, line in enumerate(lines) if f" <{SOV}location> " in line]
        places = _subjects(every, "Jurisdiction") + _objects(every, "location")
        if placed and places:
            i = rng.choice(placed)
            lines[i] = lines[i].rsplit(" ", 2)[0] + f" {rng.choice(places)} ."
    elif kind == "confidence":  # a premise made more or less certain
        rated = [i for i, line in enumerate(lines) if f" <{SOV}confidence> " in line]
        if rated:
            i = rng.choice(rated)
            lines[i] = lines[i].rsplit(" ", 2)[0] + f" {rng.choice(_objects(every, 'confidence'))} ."
    elif kind == "ruling":  # a decision annuls a relation (or a law, another decision)
        decisions = _subjects(lines, "Decision")
        struck = _subjects(lines, rng.choice(["Hosting", "Control", "Decision", "Law"]))
        if decisions and struck:
            ruling = rng.choice(decisions)
            lines += [
                f"{ruling} <{SOV}challenges> {rng.choice(struck)} .",
                f"{ruling} <{SOV}outcome> <https://w3id.org/sovgraph/kind/annulled> .",
            ]
    elif kind == "authorise":  # a relation authorised by a decision
        decisions = _subjects(lines, "Decision")
        relations = _subjects(lines, rng.choice(["Hosting", "Control"]))
        if decisions and relations:
            lines.append(f"{rng.choice(relations)} <{SOV}authorisedBy> {rng.choice(decisions)} .")
    elif kind == "founded":  # an organisation founded later (what a relation needs)
        companies = _subjects(every, "Company")
        lines.append(
            f'{rng.choice(companies)} <{SOV}foundingDate> "{rng.randint(2000, 2030)}"^^<{XSD}gYear> .'
        )
    return lines


def _check(project: Path, cache: Path) -> str:
    updated = sovgraph.load(project, cache=cache)
    assert updated.cache_state is not None
    said = updated.cache_state.summary()
    expected = {str(q) for q in sovgraph.load(project).store}
    assert {str(q) for q in updated.store} == expected, said
    again = sovgraph.load(project, cache=cache)
    assert {str(q) for q in again.store} == expected, said
    return said


def _diverges(project: Path) -> bool:
    try:
        sovgraph.load(project)
    except QueryError as exc:
        assert "still derives new facts" in str(exc)
        return True
    return False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_aimed_at_each_rule_give_the_graph_a_load_from_the_files_gives(
    project: Path, tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovgraph.sparql import incremental

    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    big = (project / "data" / "big.nt").read_text(encoding="utf-8").splitlines()
    sovgraph.load(project, cache=cache)
    rng = random.Random(seed)
    ran: list[str] = []
    real = incremental.apply_rule

    def counted(
        store: pyoxigraph.Store, rule: Any, graph: pyoxigraph.NamedNode, text: str | None = None
    ) -> Any:
        ran.append(rule.name if text is None else f"{rule.name} (focused)")
        return real(store, rule, graph, text)

    monkeypatch.setattr(incremental, "apply_rule", counted)
    said, updates = [], []
    for _ in range(20):
        before = small_file.read_text(encoding="utf-8")
        lines = _aimed_edit(rng, before.splitlines(), big)
        small_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ran.clear()
        if _diverges(project):  # a control cycle: control paths grow without end, whichever way derived
            with pytest.raises(QueryError, match="still derives new facts"):
                sovgraph.load(project, cache=cache)
            small_file.write_text(before, encoding="utf-8")
            continue
        said.append(_check(project, cache))
        updates.append(set(ran))
    assert any("derived graph recomputed: rule" in s for s in said), said
    # the edits reach each rule, some of them leave later rules as they were, some run a rule for a few nodes
    everything = {"in-force", "control-path", "reach-through-control", "exposure"}
    assert {name.removesuffix(" (focused)") for u in updates for name in u} == everything, updates
    assert any(u and u != everything for u in updates), updates
    assert any(name.endswith("(focused)") for u in updates for name in u), updates
