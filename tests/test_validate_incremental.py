"""A validation after a change to one file gives exactly the report a whole validation gives.

A validation through the cache evaluates again only what a change can alter
(:mod:`sovgraph.validation.revalidate`): random edits of one file of a synthetic graph — some that create
violations (a required property removed, an ill-typed or uncontrolled value, a dangling reference, an
undeclared property, a second date, an end before its start, a new thing without labels), some that fix them,
some that force a whole validation (a subclass statement) — are each followed by a validation through the
cache, compared finding for finding (order, messages, files) with a validation from the files; the command
line is held to the same.
"""

from __future__ import annotations

import gc
import random
import re
from pathlib import Path

import pytest
from synthetic import every_twelfth, split
from test_cache_incremental import _edit as _cache_edit

import sovgraph
from sovgraph.validation import revalidate

SOV = "https://w3id.org/sovgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SYNTH = "https://w3id.org/sovgraph/id/synth/"
EX = "http://example.org/edit/"
REQUIRED = (
    f"<{SOV}service>",
    f"<{SOV}provider>",
    f"<{SOV}hosted>",
    f"<{SOV}confidence>",
    f"<{SOV}controlled>",
    f"<{SOV}controller>",
    f"<{SOV}sourceKind>",
    "<https://schema.org/url>",
    "<http://www.w3.org/2000/01/rdf-schema#label>",
)
BAD_VALUES = (
    '<https://schema.org/startDate> "maybe" .',
    f'<https://schema.org/startDate> "2020-1-1"^^<{XSD}date> .',
    f'<http://purl.org/dc/terms/date> "2020-13"^^<{XSD}gYearMonth> .',
    f'<{SOV}sharePercent> "abc"^^<{XSD}decimal> .',
    f"<{SOV}confidence> <https://w3id.org/sovgraph/kind/nonsense> .",
    f'<{SOV}portfolio> "no language" .',
    f"<{SOV}service> <{SYNTH}src-1> .",
)


@pytest.fixture()
def project(project_copy: Path) -> Path:
    """The project's ontology and rules over a synthetic graph of 3,000 triples, split in two files: most
    of it in ``big.nt``, one line in 12 in ``small.nt`` (the file most edits change)."""
    return split(project_copy, 3, every_twelfth)


def _subject(rng: random.Random, lines: list[str]) -> str:
    return rng.choice(lines).split(" ", 1)[0]


def _edit(rng: random.Random, small: list[str], big: list[str], original: list[str]) -> list[str]:
    """One random edit of the small file's lines: one that validation sees, or one of the cache's tests."""
    breaking = ["drop", "bad", "dangling", "undeclared", "second-date", "new-thing", "ends-first"]
    kind = rng.choice([*breaking, "revert", "undo", "cache", "cache"])
    lines = list(small)
    node = _subject(rng, big)
    if kind == "drop":  # a required property removed from one node of the small file
        subject = _subject(rng, lines or original)
        lines = [
            line for line in lines if not (line.startswith(subject + " ") and line.split(" ")[1] in REQUIRED)
        ]
    elif kind == "bad":  # an ill-typed value, a value from no controlled list, a wrong class
        lines.append(f"{node} {rng.choice(BAD_VALUES)}")
    elif kind == "dangling":
        lines.append(f"{node} <{SOV}provider> <{SYNTH}nowhere-{rng.randrange(5)}> .")
    elif kind == "undeclared":
        lines.append(f'{node} <{SOV}madeUp{rng.randrange(3)}> "x" .')
    elif kind == "second-date":
        lines.append(f'{node} <https://schema.org/startDate> "19{rng.randrange(10, 99)}"^^<{XSD}gYear> .')
    elif kind == "new-thing":  # a curated thing without labels (or with one), declared of some class
        thing = f"<{SYNTH}new-{rng.randrange(6)}>"
        cls = rng.choice(["Platform", "Hosting", "Control", "Source", "Company"])
        lines.append(f"{thing} {RDF_TYPE} <{SOV}{cls}> .")
        if rng.random() < 0.5:
            lines.append(f'{thing} <http://www.w3.org/2000/01/rdf-schema#label> "new"@en .')
    elif kind == "ends-first":
        lines.append(f'{node} <https://schema.org/endDate> "1901"^^<{XSD}gYear> .')
    elif kind == "revert":  # every violation of the small file fixed
        lines = list(original)
    elif kind == "undo" and len(lines) > len(original):
        lines = lines[: -rng.randint(1, len(lines) - len(original))]
    else:
        lines = _cache_edit(rng, lines, big)
    return lines


def _edit_ontology(rng: random.Random, project: Path, originals: dict[Path, str]) -> None:
    """One edit of the ontology the shapes read: a concept taken out of its scheme, a property no longer
    declared, a property no longer tied to its scheme; or the ontology as it was."""
    kinds, model = project / "ontology" / "kinds.ttl", project / "ontology" / "sovgraph.ttl"
    kind = rng.choice(["out-of-scheme", "undeclared", "unlisted", "revert"])
    if kind == "out-of-scheme":
        text = kinds.read_text(encoding="utf-8")
        found = [m.start() for m in re.finditer(r"skos:inScheme kind:\w+ ;", text)]
        if found:
            at = rng.choice(found)
            kinds.write_text(text[:at] + re.sub(r"skos:inScheme kind:\w+ ;", "", text[at:], count=1))
    elif kind == "undeclared":
        name = rng.choice(["confidence", "sourceKind", "incorporatedIn", "service", "provider"])
        model.write_text(
            model.read_text(encoding="utf-8").replace(f"sov:{name} a owl:ObjectProperty ;", f"sov:{name}")
        )
    elif kind == "unlisted":
        scheme = rng.choice(["ConfidenceLevels", "SourceKinds"])
        model.write_text(
            model.read_text(encoding="utf-8").replace(
                f"rdfs:range skos:Concept ;\n    sov:valuesFrom kind:{scheme} .", "rdfs:range skos:Concept ."
            )
        )
    else:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each validation through the cache, whether it was made from the kept state."""
    said: list[bool] = []
    again = revalidate.Memory.again

    def spied(self: revalidate.Memory, *args: object, **kwargs: object) -> object:
        found = again(self, *args, **kwargs)  # type: ignore[arg-type]
        said.append(found is not None)
        return found

    monkeypatch.setattr(revalidate.Memory, "again", spied)
    return said


@pytest.mark.parametrize("limit", [revalidate.LIMIT, 2], ids=["reached", "whole-shapes"])
def test_random_one_file_edits_give_the_report_a_whole_validation_gives(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """With the limit of nodes reached low, most shapes a change touches are evaluated again whole."""
    monkeypatch.setattr(revalidate, "LIMIT", limit)
    cache = tmp_path / "cache"
    small_file, big_file = project / "data" / "small.nt", project / "data" / "big.nt"
    original = small_file.read_text(encoding="utf-8").splitlines()
    big = big_file.read_text(encoding="utf-8").splitlines()
    sovgraph.load(project, cache=cache).validate()
    originals = {p: p.read_text(encoding="utf-8") for p in (project / "ontology").glob("*.ttl")}
    said = _spy(monkeypatch)
    rng = random.Random(16)
    reports = []
    for step in range(48):
        if step % 9 == 8:  # now and then, the big file changes instead
            edited = _cache_edit(rng, big_file.read_text(encoding="utf-8").splitlines(), big)
            big_file.write_text("\n".join(edited) + "\n", encoding="utf-8")
        elif step % 7 == 3:  # or the ontology
            _edit_ontology(rng, project, originals)
        else:
            lines = _edit(rng, small_file.read_text(encoding="utf-8").splitlines(), big, original)
            small_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        got = sovgraph.load(project, cache=cache).validate()
        expected = sovgraph.load(project).validate()
        assert got == expected, step
        reports.append(expected)
    assert sum(said) >= len(said) // 2, said  # most were made from the kept state
    assert len({r.findings for r in reports}) > 10  # violations came and went
    assert any(r.conforms for r in reports) and not all(r.conforms for r in reports)


def test_the_command_line_gives_the_report_a_whole_validation_gives(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sovgraph.cli import main

    cache = str(tmp_path / "cache")
    small_file = project / "data" / "small.nt"
    original = small_file.read_text(encoding="utf-8").splitlines()
    big = (project / "data" / "big.nt").read_text(encoding="utf-8").splitlines()
    rng = random.Random(7)
    outputs = []
    for step in range(8):
        if step:
            lines = _edit(rng, small_file.read_text(encoding="utf-8").splitlines(), big, original)
            small_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code = main(["validate", "--root", str(project), "--cache-dir", cache, "--warnings"])
        got = capsys.readouterr().out
        expected_code = main(["validate", "--root", str(project), "--no-cache", "--warnings"])
        expected = capsys.readouterr().out
        assert (code, got) == (expected_code, expected), step
        outputs.append(got)
    assert len(set(outputs)) > 2


def test_a_file_with_a_blank_node_is_validated_whole_while_it_holds_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blank nodes have other labels after each load: a change to a file that holds one (or held one) is
    validated whole; once the file holds none, the next change is not."""
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    text = small_file.read_text(encoding="utf-8")
    node = text.split(" ", 1)[0]
    sovgraph.load(project, cache=cache).validate()
    said = _spy(monkeypatch)
    cached: list[bool] = []
    for edited in (
        text + f"{node} <{SOV}about> _:b .\n_:b <{SOV}provider> <{EX}nowhere> .\n",
        text + f"{node} <{SOV}about> _:b .\n",
        text,
        text + f"{node} <{SOV}provider> <{EX}nowhere> .\n",
    ):
        small_file.write_text(edited, encoding="utf-8")
        gc.collect()  # the graphs of the steps before are closed
        kg = sovgraph.load(project, cache=cache)
        cached.append(kg.cache_state is not None)
        got = kg.validate()
        del kg
        assert got == sovgraph.load(project).validate()
    # every load goes through the cache (a store once left open in whole test runs: see
    # test_a_parser_that_keeps_its_frames_does_not_keep_the_store_open in test_cache_incremental.py)
    assert cached == [True] * 4 and said == [False, False, False, True], (said, cached)


def test_a_subclass_statement_changed_gives_a_whole_validation(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shapes' queries hold the subclasses of the classes they name: they are made again."""
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    text = small_file.read_text(encoding="utf-8")
    node = text.split(" ", 1)[0]
    sovgraph.load(project, cache=cache).validate()
    said = _spy(monkeypatch)
    lease = f"<{EX}Lease> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{SOV}Hosting> .\n"
    for edited in (
        text + f"<{EX}h> {RDF_TYPE} <{EX}Lease> .\n",
        text + f"<{EX}h> {RDF_TYPE} <{EX}Lease> .\n" + lease,
        text + f"<{EX}h> {RDF_TYPE} <{EX}Lease> .\n" + lease + f"<{EX}h> <{SOV}hosted> {node} .\n",
    ):
        small_file.write_text(edited, encoding="utf-8")
        got = sovgraph.load(project, cache=cache).validate()
        assert got == sovgraph.load(project).validate()
    assert said == [True, False, True]
    assert any(f.focus.endswith("h") for f in got.findings)  # a hosting now, through the subclass


def test_a_damaged_snapshot_gives_a_whole_validation(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    sovgraph.load(project, cache=cache).validate()
    for snapshot in (cache / revalidate.FOLDER).glob("*.nt"):
        snapshot.write_bytes(snapshot.read_bytes()[:-40])
    said = _spy(monkeypatch)
    node = small_file.read_text(encoding="utf-8").split(" ", 1)[0]
    small_file.write_text(small_file.read_text(encoding="utf-8") + f'{node} <{SOV}madeUp1> "x" .\n')
    assert sovgraph.load(project, cache=cache).validate() == sovgraph.load(project).validate()
    assert said == [False]


def test_a_damaged_state_is_ignored(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    sovgraph.load(project, cache=cache).validate()
    state = cache / revalidate.FOLDER / revalidate.STATE
    state.write_bytes(state.read_bytes().replace(b'"units"', b'"unity"'))
    said = _spy(monkeypatch)
    small_file.write_text(small_file.read_text(encoding="utf-8") + f"<{EX}x> <{SOV}provider> <{EX}y> .\n")
    assert sovgraph.load(project, cache=cache).validate() == sovgraph.load(project).validate()
    assert said == [False]


def test_a_large_change_gives_a_whole_validation(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    sovgraph.load(project, cache=cache).validate()
    monkeypatch.setattr(revalidate, "MAX_CHANGES", 1)
    said = _spy(monkeypatch)
    one, two = f"<{EX}x> <{SOV}provider> <{EX}y> .\n", f"<{EX}x> <{SOV}madeUp1> <{EX}y> .\n"
    for extra in (one, two + two.replace("madeUp1", "madeUp2")):
        small_file.write_text(small_file.read_text(encoding="utf-8") + extra)
        assert sovgraph.load(project, cache=cache).validate() == sovgraph.load(project).validate()
    assert said == [True, False]  # one triple added, then two more at once


OTHER_SHAPES = f'''
@prefix sh:    <http://www.w3.org/ns/shacl#> .
@prefix sov:   <{SOV}> .
@prefix sovsh: <https://w3id.org/sovgraph/shapes#> .
@prefix ex:    <{EX}> .

ex:NamedShape a sh:NodeShape ;
    sh:targetNode <{SYNTH}hosting-1> , <{SYNTH}hosting-2> , ex:x ;
    sh:property [ sh:path sov:provider ; sh:minCount 1 ; sh:message "names no provider" ] .

ex:ProviderShape a sh:NodeShape ;
    sh:targetObjectsOf sov:provider ;
    sh:class sov:Organisation ;
    sh:message "provides, but is no organisation" .

ex:CompanyShape a sh:NodeShape ;
    sh:target [
        a sh:SPARQLTarget ;
        sh:prefixes sovsh:prefixes ;
        sh:select "SELECT ?this WHERE {{ ?h a sov:Hosting OPTIONAL {{ ?h sov:provider ?this }} }}" ;
    ] ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:prefixes sovsh:prefixes ;
        sh:message "provides, but is no company" ;
        sh:select "SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this a sov:Company }} }}" ;
    ] .

ex:BusyProviderShape a sh:NodeShape ;
    sh:targetObjectsOf sov:provider ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:prefixes sovsh:prefixes ;
        sh:message "provides {{?n}} hostings" ;
        sh:select """SELECT $this (COUNT(?h) AS ?n) WHERE {{ ?h sov:provider $this }}
                     GROUP BY $this HAVING(COUNT(?h) > 1)""" ;
    ] .
'''


def test_shapes_of_other_kinds_give_the_report_a_whole_validation_gives(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Target nodes, objects-of targets, a target that does not bind $this in every solution (its shape
    evaluated again whole) and a constraint that is not local (an aggregate: a whole validation)."""
    (project / "ontology" / "shapes" / "other.ttl").write_text(OTHER_SHAPES, encoding="utf-8")
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    original = small_file.read_text(encoding="utf-8").splitlines()
    big = (project / "data" / "big.nt").read_text(encoding="utf-8").splitlines()
    first = sovgraph.load(project, cache=cache).validate()
    assert any("hostings" in f.message for f in first.findings)  # the aggregate's
    said = _spy(monkeypatch)
    rng = random.Random(5)
    reports = []
    for step in range(16):
        lines = _edit(rng, small_file.read_text(encoding="utf-8").splitlines(), big, original)
        if step % 3 == 0:  # a hosting given a provider of its own, or a named node one
            node = rng.choice([f"<{SYNTH}hosting-{rng.randrange(1, 4)}>", f"<{EX}x>"])
            lines.append(
                f"{node} <{SOV}provider> <{SYNTH}{rng.choice(['company-1', 'src-2', 'person-3'])}> ."
            )
        small_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        got = sovgraph.load(project, cache=cache).validate()
        expected = sovgraph.load(project).validate()
        assert got == expected, (step, set(got.findings) ^ set(expected.findings))
        reports.append(got)
    assert sum(said) >= 4, said  # (a change to a provider or a hosting: the aggregate, all again)
    assert any("no company" in f.message for r in reports for f in r.findings)
    assert len({r.findings for r in reports}) > 4


@pytest.mark.parametrize(
    "damage",
    [
        {"units": [[[["not a term", None, None, None]]]]},
        {"units": "none"},
        {"reads": {"k": {"predicates": 1}}},
        {"files": {"data/small.nt": {"sha256": 1}}},
        {"plans": [1, 2]},
    ],
)
def test_a_state_written_by_something_else_is_ignored(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: dict[str, object]
) -> None:
    """A state with its checksum right but a content sovgraph did not write: a whole validation."""
    import hashlib
    import json

    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    sovgraph.load(project, cache=cache).validate()
    path = cache / revalidate.FOLDER / revalidate.STATE
    state = {**json.loads(path.read_bytes().partition(b"\n")[2]), **damage}
    body = json.dumps(state).encode("utf-8")
    path.write_bytes(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
    small_file.write_text(small_file.read_text(encoding="utf-8") + f"<{EX}x> <{SOV}provider> <{EX}y> .\n")
    assert sovgraph.load(project, cache=cache).validate() == sovgraph.load(project).validate()
