"""A one-file change through the cache gives exactly the graph a load from the files gives.

The cache derives in memory and writes only the derived triples that differ, and keeps the derived graph
when no rule reads what changed (:mod:`sovgraph.sparql.delta`): random edits of one file of a synthetic
graph, each followed by a load through the cache, are compared with a load from the files, quad for quad,
in the store handed over by the update and in the on-disk store read back.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from synthetic import every_twelfth, split

import sovgraph
from sovgraph.sparql.delta import affecting, reads, rule_reads
from sovgraph.sparql.rules import DERIVED_GRAPH

SOV = "https://w3id.org/sovgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/edit/"


@pytest.fixture()
def project(project_copy: Path) -> Path:
    """The project's ontology and rules over a synthetic graph of 3,000 triples, split in two files: most
    of it in ``big.nt``, one line in 12 in ``small.nt`` (the file the tests edit)."""
    return split(project_copy, 3, every_twelfth)


def _lines(kg: sovgraph.KnowledgeGraph) -> set[str]:
    return {str(q) for q in kg.store}


def _check(project: Path, cache: Path) -> str:
    """Load through the cache (after an edit), then again (from the on-disk store); both must equal a load
    from the files. Returns what the update said of the derived graph."""
    updated = sovgraph.load(project, cache=cache)
    assert updated.cache_state is not None
    said = updated.cache_state.summary()
    expected = _lines(sovgraph.load(project))
    assert _lines(updated) == expected, said
    again = sovgraph.load(project, cache=cache)
    assert again.cache_state is not None and again.cache_state.reloaded == ()
    assert _lines(again) == expected, said
    return said


def _edit(rng: random.Random, small: list[str], big: list[str]) -> list[str]:
    """One random edit of the small file's lines."""
    kind = rng.choice(
        ["remove", "copy", "new-node", "date", "subject", "declare", "rename", "comment", "subclass"]
    )
    lines = list(small)
    if kind == "remove" and lines:
        for _ in range(rng.randint(1, 5)):
            lines.pop(rng.randrange(len(lines)))
    elif kind == "copy":
        lines += rng.sample(big, 5)
    elif kind == "new-node":  # a copy of a node of the big file, under a new IRI
        subject = rng.choice(big).split(" ", 1)[0]
        lines += [
            f"<{EX}n{rng.randrange(10**6)}> " + line.split(" ", 1)[1]
            for line in big
            if line.startswith(subject + " ")
        ]
    elif kind == "date":  # a date, year or year-month moved
        dated = [
            i for i, line in enumerate(lines) if re.search(r'"(\d{4})[^"]*"\^\^<' + re.escape(XSD), line)
        ]
        if dated:
            i = rng.choice(dated)
            lines[i] = re.sub(
                r'"(\d{4})', lambda m: f'"{int(m.group(1)) + rng.choice([-3, -1, 1, 2])}', lines[i], count=1
            )
    elif kind == "subject":  # every statement about one node, removed (a control link, a hosting...)
        subject = rng.choice(big + lines).split(" ", 1)[0]
        lines = [line for line in lines if not line.startswith(subject + " ")]
        lines += [f'{subject} <{SOV}conveysControl> "false"^^<{XSD}boolean> .'] if rng.random() < 0.2 else []
    elif kind == "declare":  # a node declared (or given another class)
        node = rng.choice(big).split(" ", 1)[0]
        cls = rng.choice(["Control", "Hosting", "Organisation", "Decision", "Law", "Reach"])
        lines.append(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SOV}{cls}> .")
    elif kind == "rename" and lines:  # an IRI renamed wherever the small file names it
        iri = rng.choice(lines).split(" ", 1)[0]
        lines = [line.replace(iri, f"<{EX}renamed{rng.randrange(10**6)}>") for line in lines]
    elif kind == "comment":
        node = rng.choice(big).split(" ", 1)[0]
        lines.append(f'{node} <http://www.w3.org/2000/01/rdf-schema#comment> "edit {rng.random()}" .')
    elif kind == "subclass":  # a class of the data's own, under a class the rules read, and a member
        node = rng.choice(big).split(" ", 1)[0]
        lines.append(f"<{EX}Lease> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{SOV}Hosting> .")
        lines.append(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Lease> .")
    return lines


def test_random_one_file_edits_give_the_graph_a_load_from_the_files_gives(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    small_file = project / "data" / "small.nt"
    big = (project / "data" / "big.nt").read_text(encoding="utf-8").splitlines()
    sovgraph.load(project, cache=cache)
    rng = random.Random(16)
    said = []
    for _ in range(24):
        lines = _edit(rng, small_file.read_text(encoding="utf-8").splitlines(), big)
        small_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        said.append(_check(project, cache))
    assert any("derived graph kept" in s for s in said), said
    assert any("derived graph recomputed: rule" in s for s in said), said


def _comment_small_file(project: Path) -> None:
    """Give the small file's first node a comment: a change no rule reads."""
    small = project / "data" / "small.nt"
    node = small.read_text(encoding="utf-8").split(" ", 1)[0]
    small.write_text(
        small.read_text(encoding="utf-8") + f'{node} <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n'
    )


def test_a_change_no_rule_reads_keeps_the_derived_graph(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    _comment_small_file(project)
    assert "derived graph kept: no rule reads what changed" in _check(project, cache)


def test_a_node_declared_in_a_subclass_of_the_data_recomputes(project: Path, tmp_path: Path) -> None:
    """The subclass statement is in the data; the class of the node is not one a rule names, only its
    superclass is: the change is seen through the superclasses."""
    cache = tmp_path / "cache"
    small = project / "data" / "small.nt"
    small.write_text(
        small.read_text()
        + f"<{EX}Lease> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{SOV}Hosting> .\n"
    )
    sovgraph.load(project, cache=cache)
    small.write_text(
        small.read_text() + f"<{EX}h> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Lease> .\n"
    )
    said = _check(project, cache)
    assert f"reads the type <{EX}Lease>" in said, said


def test_a_changed_rule_recomputes_whatever_changed_in_the_files(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    _comment_small_file(project)
    rule = project / "queries" / "rules" / "40-exposure.rq"
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    said = _check(project, cache)
    assert "derived graph recomputed" in said and "kept" not in said, said


def test_a_removed_file_is_a_change_like_any_other(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    (project / "data" / "small.nt").unlink()
    assert "derived graph recomputed: rule" in _check(project, cache)


def test_what_a_rule_reads() -> None:
    rule = reads("r", "CONSTRUCT { ?x sov:p ?y } WHERE { ?x a sov:Decision ; sov:q/^sov:r ?y }")
    assert rule.predicates == {SOV + "q", SOV + "r", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    assert rule.classes == {SOV + "Decision"} and not rule.anything and not rule.any_type
    assert reads("r", "CONSTRUCT { ?x sov:p ?y } WHERE { ?x ?p ?y }").anything
    assert reads("r", "CONSTRUCT { ?x sov:p ?y } WHERE { ?x !sov:q ?y }").anything
    assert reads("r", "CONSTRUCT { ?x sov:p ?c } WHERE { ?x a ?c }").any_type
    assert reads("r", "CONSTRUCT { ?x sov:p 1 } WHERE { FILTER EXISTS { ?x sov:s ?y } }").predicates == {
        SOV + "s"
    }


def test_a_rule_that_reads_any_predicate_is_affected_by_any_change() -> None:
    import pyoxigraph

    everything = reads("any", "CONSTRUCT { ?x sov:p ?y } WHERE { ?x ?p ?y }")
    comment = pyoxigraph.Triple(
        pyoxigraph.NamedNode(EX + "a"),
        pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
        pyoxigraph.Literal("x"),
    )
    assert affecting([everything], [comment], pyoxigraph.Store()) == "rule any reads any predicate"


def test_what_the_rules_read_is_kept_and_a_damaged_copy_computed_again(root: Path, tmp_path: Path) -> None:
    from sovgraph.sparql.library import rules

    shipped = rules(root / "queries" / "rules", root)
    first = rule_reads(shipped, tmp_path)
    (kept,) = tmp_path.glob("reads-*.json")
    assert rule_reads(shipped, tmp_path) == first
    kept.write_text("{not json", encoding="utf-8")
    assert rule_reads(shipped, tmp_path) == first


class _Crash(BaseException):
    """Stands for the process being killed (not an error the cache handles)."""


def test_an_update_killed_after_writing_the_derived_difference_is_rebuilt(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from sovgraph.store import cache as module

    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    small = project / "data" / "small.nt"
    declared = f"<{EX}h> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SOV}Hosting> .\n"
    small.write_text(small.read_text(encoding="utf-8") + declared, encoding="utf-8")
    real = module.derive_into

    def killed(store: object, derive: object, **given: object) -> None:
        real(store, derive, **given)  # type: ignore[arg-type]
        raise _Crash

    monkeypatch.setattr(module, "derive_into", killed)
    with pytest.raises(_Crash):
        sovgraph.load(project, cache=cache)
    gc.collect()  # the store the killed update opened is closed
    monkeypatch.setattr(module, "derive_into", real)
    assert (cache / module.DIRTY).exists()
    kg = sovgraph.load(project, cache=cache)
    assert kg.cache_state is not None and kg.cache_state.rebuilt
    assert kg.cache_state.repaired == "an update did not finish"
    assert _lines(kg) == _lines(sovgraph.load(project))


def _move_a_date(small: Path) -> None:
    """Move the first full date of ``small`` by a year (the in-force rule reads it: the rules run again)."""
    text = small.read_text(encoding="utf-8")
    moved = re.sub(r'"(\d{4})-(\d\d-\d\d)"', lambda m: f'"{int(m.group(1)) + 1}-{m.group(2)}"', text, count=1)
    assert moved != text, "the small file has a full date to move"
    small.write_text(moved, encoding="utf-8")


def test_the_copy_the_rules_run_on_is_made_from_the_files_and_the_kept_derived_graph(
    project: Path, tmp_path: Path
) -> None:
    from sovgraph.store import cache as module

    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    kept = (cache / module.DERIVED_NT).read_bytes()
    assert kept and kept.count(b"\n") > 100, "the derived graph is kept beside the store"
    _move_a_date(project / "data" / "small.nt")
    assert "derived graph recomputed" in _check(project, cache)
    import pyoxigraph

    derived = pyoxigraph.NamedNode(DERIVED_GRAPH)
    fresh = sovgraph.load(project).store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=derived)
    kept_lines = {line for line in (cache / module.DERIVED_NT).read_bytes().splitlines() if line[:1] != b"#"}
    assert kept_lines == set(fresh.splitlines())


@pytest.mark.parametrize("damage", ["garbage", "stale", "missing"])
def test_a_kept_derived_graph_that_is_not_the_store_s_is_not_trusted(
    project: Path, tmp_path: Path, damage: str
) -> None:
    """The kept N-Triples only spare reading the derived graph back from the store: when they do not have the
    SHA-256 the manifest records, the update reads the store, and the result is still exactly a load's."""
    from sovgraph.store import cache as module

    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    kept = cache / module.DERIVED_NT
    if damage == "garbage":
        kept.write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    elif damage == "stale":  # a plausible graph, one derived triple short
        kept.write_bytes(b"\n".join(kept.read_bytes().splitlines()[1:]) + b"\n")
    else:
        kept.unlink()
    _move_a_date(project / "data" / "small.nt")
    assert "derived graph recomputed" in _check(project, cache)


def test_files_with_a_byte_order_mark_or_several_graphs_are_copied_as_the_store_holds_them(
    project: Path, tmp_path: Path
) -> None:
    """A file with a BOM is loaded without it; a dataset file (TriG), whose graphs the loader folds into the
    file's own, is copied from the store; both give a load's graph after an update."""
    data = project / "data"
    big = (data / "big.nt").read_text(encoding="utf-8").splitlines()
    (data / "big.nt").write_text("\n".join(big[200:]) + "\n", encoding="utf-8")
    (data / "bom.nt").write_bytes(b"\xef\xbb\xbf" + ("\n".join(big[:100]) + "\n").encode("utf-8"))
    named = "\n".join(big[100:200])
    (data / "more.trig").write_text(f"<{EX}g> {{\n{named}\n}}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    _move_a_date(data / "small.nt")
    assert "derived graph recomputed" in _check(project, cache)


def test_a_file_changed_since_it_was_hashed_is_not_read_into_the_copy(tmp_path: Path) -> None:
    from sovgraph.store.cache import _file_at

    path = tmp_path / "f.nt"
    path.write_bytes(b"\xef\xbb\xbf<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert _file_at(path, sha) == b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
    path.write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:other> .\n")
    assert _file_at(path, sha) is None
    path.unlink()
    assert _file_at(path, sha) is None


def test_a_file_that_kept_its_status_since_it_was_hashed_is_not_hashed_again(tmp_path: Path) -> None:
    """With the status the file had when hashed (a :class:`Seen`), a settled file still in that status is
    read without hashing it again; a file changed since, or one hashed just after it was written, is hashed
    and refused if its content is not the one recorded."""
    import hashlib
    import os

    from sovgraph.store.cache import SETTLED_NS, Seen, _file_at, file_status

    path = tmp_path / "f.nt"
    path.write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    settled = Seen(sha, file_status(path), file_status(path)[2] + SETTLED_NS)  # type: ignore[index]
    wrong = "0" * 64
    # the recorded SHA-256 is trusted (not computed again) only for the file in the status it was hashed in
    assert _file_at(path, sha, settled) == b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
    assert _file_at(path, wrong, settled._replace(sha256=wrong)) == path.read_bytes()
    fresh = settled._replace(sha256=wrong, at=settled.at - SETTLED_NS)  # hashed just after it was written
    assert _file_at(path, wrong, fresh) is None
    path.write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:x> .\n")  # the same size, another content
    os.utime(path, ns=(settled.stat[1], settled.stat[1]))  # type: ignore[index]
    assert _file_at(path, sha, settled) is None


def test_only_the_store_files_whose_status_changed_are_hashed_again(tmp_path: Path) -> None:
    from sovgraph.store.cache import file_status, store_digests

    store = tmp_path / "store"
    store.mkdir()
    (store / "000001.sst").write_bytes(b"one")
    (store / "000002.log").write_bytes(b"two")
    (store / "LOG").write_bytes(b"not checked")
    truth = store_digests(store)
    assert set(truth) == {"000001.sst", "000002.log"}
    status = {name: file_status(store / name) for name in truth}
    known = {name: "f" * 64 for name in truth}  # what a kept digest would say
    assert store_digests(store, known, status) == known  # nothing changed: nothing read
    (store / "000002.log").write_bytes(b"two, longer")
    (store / "000003.sst").write_bytes(b"three")
    found = store_digests(store, known, status)
    assert found["000001.sst"] == "f" * 64
    assert found["000002.log"] == store_digests(store)["000002.log"] != truth["000002.log"]
    assert found["000003.sst"] == store_digests(store)["000003.sst"]


def test_whether_the_computed_store_is_handed_over_is_decided_as_by_counting(
    project: Path, tmp_path: Path
) -> None:
    """The size check behind handing the in-memory store over (at most ``IN_MEMORY_QUADS``) uses the files'
    counts and the derived graph's lines when they are below the limit, and counts otherwise: the same
    answer as counting, at every limit around the store's size."""
    import pyoxigraph

    from sovgraph.store import cache as module

    cache = tmp_path / "cache"
    kg = sovgraph.load(project, cache=cache)
    manifest = module._Manifest.read(cache)
    assert manifest is not None
    derived = (cache / module.DERIVED_NT).read_bytes()
    work = pyoxigraph.Store()
    for quad in kg.store:
        work.add(quad)
    size = len(work)
    for limit in (size - 1, size, size + 1, size + derived.count(b"\n") + 10, 10 * size):
        for text in (derived, None):
            assert module._at_most_quads(work, manifest, text, limit) == (size <= limit), (
                limit,
                text is None,
            )


def test_output_no_rule_still_reads_is_loaded_when_the_store_is_first_read(
    project: Path, tmp_path: Path
) -> None:
    """After a change the rules derive again for a few nodes, the kept output of the rules after the last
    one that ran is not loaded into the store the update hands over: a validation again reads the on-disk
    store and leaves it so; the first read of the graph's store loads it, and the store is then the one a
    load from the files gives."""
    from sovgraph.sparql import incremental

    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache).validate()
    _move_a_date(project / "data" / "small.nt")
    left: list[list[bytes]] = []
    real = incremental.rederive

    def spied(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        later = kwargs.get("later", args[5] if len(args) > 5 else None)
        left.append(list(later or []))  # type: ignore[call-overload]
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incremental, "rederive", spied)
        edited = sovgraph.load(project, cache=cache)
    assert edited.cache_state is not None and "derived graph recomputed" in edited.cache_state.summary()
    assert left and left[0], "some kept output was left for later"
    assert edited.validate() == sovgraph.load(project).validate()
    assert not edited.backend.opened, "the validation read the on-disk store"
    assert _lines(edited) == _lines(sovgraph.load(project))


def test_a_parser_that_keeps_its_frames_does_not_keep_the_store_open(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the rules' read-sets are parsed (by rdflib) before the store is opened for an update. A
    parser that keeps the frames it ran in (as one did in whole test runs) kept, through the update's own
    frames, the store open for writing; the next update in the process then failed ("lock hold by current
    process") and the graph was loaded in memory, with a warning."""
    import sys
    import warnings

    from sovgraph.errors import CacheWarning
    from sovgraph.sparql import delta

    kept_frames: list[object] = []
    real = delta.reads

    def keeping(name: str, text: str) -> delta.Reads:
        kept_frames.append(sys._getframe())  # the frame, and every caller's through it
        return real(name, text)

    monkeypatch.setattr(delta, "reads", keeping)
    cache = tmp_path / "cache"
    small = project / "data" / "small.nt"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        sovgraph.load(project, cache=cache)
        for _ in range(3):
            _move_a_date(small)
            kg = sovgraph.load(project, cache=cache)
            assert kg.cache_state is not None and "derived graph recomputed" in kg.cache_state.summary()
            del kg
    assert kept_frames, "the rules were parsed"


def test_a_change_to_most_of_the_triples_builds_the_store_again(project: Path, tmp_path: Path) -> None:
    """A change to files that hold most of the store's triples (here ``big.nt``, 2,752 of 4,612) builds
    the store again, in bulk, rather than removing their graphs one transaction each; a change to a small
    file does not. Either way the graph is the one a load from the files gives."""
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    big = project / "data" / "big.nt"
    big.write_text(big.read_text(encoding="utf-8") + f"<{EX}x> <{EX}p> <{EX}y> .\n", encoding="utf-8")
    said = _check(project, cache)
    assert "cache rebuilt" in said and "repaired" not in said, said
    _comment_small_file(project)
    said = _check(project, cache)
    assert "cache rebuilt" not in said and "1 (re)loaded" in said, said
