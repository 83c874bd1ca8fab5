"""Derive again after a change to the files, rule by rule: a rule the change cannot reach keeps its output.

The rules apply in order, each reading the files' graphs and what the rules before it derived. So after a
change, rule after rule, the triples that differ so far are known: those of the files, and those that the
rules already applied derive differently. A rule that reads none of them (:mod:`sovgraph.sparql.delta`)
derives exactly what it derived before; its output, kept from the last derivation, goes back into the
derived graph as it was, and the rule is not run. Any other rule runs, as :func:`materialise` runs it, over
the same graph a full derivation would show it; what it now derives differently joins the change.

What each rule derived is kept as one N-Triples text, a section per rule headed by a comment line
(``# rule NAME``): its description and every triple its query constructed (some may be derived by another
rule as well). The derived graph is the union of the sections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from sovgraph.sparql.delta import Lookup, Reads, rule_affected
from sovgraph.sparql.rules import DERIVED_GRAPH, RuleRun, apply_rule, materialise

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.sparql.library import QueryFile

HEADER = b"# rule "
_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "


def record(outputs: Mapping[str, set[bytes]], order: Sequence[str]) -> bytes:
    """The kept text of what each rule derived: one section per rule of ``order``, lines sorted."""
    parts = []
    for name in order:
        parts.append(HEADER + name.encode("utf-8"))
        parts.extend(sorted(outputs[name]))
    return b"\n".join(parts) + b"\n"


def sections(data: bytes) -> dict[str, set[bytes]] | None:
    """Each rule's lines in a kept text (:func:`record`), or ``None`` when it is not one: a line before the
    first section, or a rule named twice."""
    found: dict[str, set[bytes]] = {}
    current: set[bytes] | None = None
    for line in data.splitlines():
        if line.startswith(HEADER):
            name = line[len(HEADER) :].decode("utf-8", "replace")
            if name in found:
                return None
            current = found[name] = set()
        elif line:
            if current is None:
                return None
            current.add(line)
    return found if found else None


def rederive(
    store: pyoxigraph.Store,
    rules: Sequence[QueryFile],
    reads: Callable[[], Sequence[Reads]],
    changed: Sequence[pyoxigraph.Triple] | None,
    kept: bytes | None,
) -> tuple[list[RuleRun], bytes]:
    """Replace the derived graph of ``store`` by what ``rules`` derive, running only the rules the change
    (``changed``: the triples of the files removed or added since ``kept`` was made) can reach; return what
    each rule derived and the text to keep (:func:`record`). With no change known, or no kept text for
    these rules, every rule runs (and ``reads``, what each rule reads, is not asked for)."""
    import pyoxigraph

    names = [rule.name for rule in rules]
    old = sections(kept) if kept is not None and changed is not None else None
    if changed is None or old is None or sorted(old) != sorted(names) or len(set(names)) != len(names):
        outputs: dict[str, set[bytes]] = {}
        runs = materialise(store, rules, outputs)
        return runs, record(outputs, names)
    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.add_graph(graph)
    delta = list(changed)
    typed = _triples({line for lines in old.values() for line in lines if _TYPE in line})
    look = Lookup(store, delta, typed)  # a kept rule's classes count before it is applied again
    runs, outputs = [], {}
    for rule, read in zip(rules, reads(), strict=True):
        if rule_affected(read, delta, look) is None:
            outputs[rule.name] = old[rule.name]
            _load(store, old[rule.name], graph)
            runs.append(RuleRun(rule.name, 0, 0))
            continue
        run, lines = apply_rule(store, rule, graph)
        runs.append(run)
        outputs[rule.name] = lines
        differ = _triples(lines ^ old[rule.name])
        delta.extend(differ)
        look.add_changes(differ)
    return runs, record(outputs, names)


def _load(store: pyoxigraph.Store, lines: set[bytes], graph: pyoxigraph.NamedNode) -> None:
    import pyoxigraph

    if lines:
        store.load(b"\n".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)


def _triples(lines: set[bytes]) -> list[pyoxigraph.Triple]:
    import pyoxigraph

    data = b"\n".join(lines)
    return list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)) if data else []
