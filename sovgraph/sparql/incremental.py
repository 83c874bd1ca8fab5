"""Derive again after a change to the files, rule by rule: a rule the change cannot reach keeps its output.

The rules apply in order, each reading the files' graphs and what the rules before it derived. So after a
change, rule after rule, the triples that differ so far are known: those of the files, and those that the
rules already applied derive differently. A rule that reads none of them (:mod:`sovgraph.sparql.delta`)
derives exactly what it derived before; its output, kept from the last derivation, goes back into the
derived graph as it was, and the rule is not run. Any other rule runs, as :func:`materialise` runs it, over
the same graph a full derivation would show it; what it now derives differently joins the change. A
non-recursive rule whose conclusions are each about one node (a focus, :mod:`sovgraph.sparql.focus`) runs
only for the nodes the change reaches; its kept output for the other nodes goes back as it was.

What each rule derived is kept as one N-Triples text, a section per rule headed by a comment line
(``# rule NAME``): its description and every triple its query constructed (some may be derived by another
rule as well). The derived graph is the union of the sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sovgraph.sparql.delta import Lookup, Reads, rule_affected
from sovgraph.sparql.focus import MAX_FOCUS, Plan, reached
from sovgraph.sparql.rules import DERIVED_GRAPH, RuleRun, apply_rule, is_recursive, materialise

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.sparql.library import QueryFile

HEADER = b"# rule "
_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "


def record(outputs: Mapping[str, set[bytes]], order: Sequence[str]) -> bytes:
    """The kept text of what each rule derived: one section per rule of ``order`` (lines in no order)."""
    parts = []
    for name in order:
        parts.append(HEADER + name.encode("utf-8"))
        parts.extend(outputs[name])
    return b"\n".join(parts) + b"\n"


def sections(data: bytes) -> dict[str, set[bytes]] | None:
    """Each rule's lines in a kept text (:func:`record`), or ``None`` when it is not one: a line before the
    first section, or a rule named twice."""
    if not data.startswith(HEADER):
        return None
    found: dict[str, set[bytes]] = {}
    for chunk in (b"\n" + data).split(b"\n" + HEADER)[1:]:
        name, _, body = chunk.partition(b"\n")
        key = name.decode("utf-8", "replace")
        if key in found:
            return None
        found[key] = set(body.splitlines())
        found[key].discard(b"")
    return found


Difference = tuple[set[bytes], set[bytes]]
"""N-Triples lines gone from the derived graph, and lines added to it."""


def rederive(
    store: pyoxigraph.Store,
    rules: Sequence[QueryFile],
    reads: Callable[[], Sequence[Reads]],
    changed: Sequence[pyoxigraph.Triple] | None,
    kept: bytes | None,
    later: list[bytes] | None = None,
) -> tuple[list[RuleRun], bytes, Difference | None]:
    """Replace the derived graph of ``store`` by what ``rules`` derive, running only the rules the change
    (``changed``: the triples of the files removed or added since ``kept`` was made) can reach, and a rule
    with a focus (:mod:`sovgraph.sparql.focus`) only for the nodes the change reaches; return what each rule
    derived, the text to keep (:func:`record`) and how the derived graph differs from the one ``kept``
    holds. With no change known, or no kept text for these rules, every rule runs (``reads``, what each
    rule reads, is then not asked for), and the difference is not known (``None``).

    With ``later``, kept output that no rule still to run can read is not loaded into the store: its
    N-Triples texts are appended to ``later``, for the caller to load into the derived graph before the
    store is read (a store only validated, which reads the one on disk, never needs them)."""
    import pyoxigraph

    names = [rule.name for rule in rules]
    old = sections(kept) if kept is not None and changed is not None else None
    if changed is None or old is None or sorted(old) != sorted(names) or len(set(names)) != len(names):
        outputs: dict[str, set[bytes]] = {}
        runs = materialise(store, rules, outputs)
        return runs, record(outputs, names), None
    assert kept is not None
    spans = _spans(kept)
    graph = pyoxigraph.NamedNode(DERIVED_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.add_graph(graph)
    delta = list(changed)
    look = Lookup(store, delta, _kept_classes(kept))  # a kept rule's classes count before it applies again
    runs, outputs = [], {}
    pending: list[bytes] = []  # kept output not yet loaded: loaded before the next rule runs
    for rule, read in zip(rules, reads(), strict=True):
        section = kept[slice(*spans[rule.name])]  # its kept output as written: loaded as it is
        if rule_affected(read, delta, look) is None:
            outputs[rule.name] = old[rule.name]
            pending.append(section)
            runs.append(RuleRun(rule.name, 0, 0))
            continue
        for text in pending:
            _load_text(store, text, graph)
        pending.clear()
        again = None
        if read.focus is not None:
            output = (old[rule.name], section)
            again = _refocus(store, rule, read.focus, delta, look, output, graph, pending)
        run, lines = again if again is not None else apply_rule(store, rule, graph)
        runs.append(run)
        outputs[rule.name] = lines
        differ = _triples(lines ^ old[rule.name])
        delta.extend(differ)
        look.add_changes(differ)
    if later is not None:
        later.extend(pending)
    else:
        for text in pending:
            _load_text(store, text, graph)
    return runs, record(outputs, names), _difference(old, outputs)


def _difference(old: Mapping[str, set[bytes]], new: Mapping[str, set[bytes]]) -> Difference:
    """The lines of the union of the ``old`` sections not in the union of the ``new``, and the converse."""
    gone = {line for name in old for line in old[name] - new[name]}
    added = {line for name in new for line in new[name] - old[name]}
    return (
        {line for line in gone if not any(line in lines for lines in new.values())},
        {line for line in added if not any(line in lines for lines in old.values())},
    )


def _kept_classes(kept: bytes) -> Callable[[Any], list[Any] | None]:
    """The classes a kept text states of a node (``None``: one of them is not an IRI)."""
    import pyoxigraph

    def classes(node: Any) -> list[Any] | None:
        prefix = b"\n" + str(node).encode("utf-8") + _TYPE
        found = []
        position = kept.find(prefix)
        while position >= 0:
            start = position + len(prefix)
            end = kept.find(b"\n", start)
            if end < 0:
                break
            value, dot = kept[start:end].rpartition(b" ")[::2]
            if dot == b"." and value and not any(c in value for c in b" \t\r\f\v"):
                if not (value.startswith(b"<") and value.endswith(b">")):
                    return None
                found.append(pyoxigraph.NamedNode(value[1:-1].decode("utf-8")))
            position = kept.find(prefix, end)  # from this line's end: the next line's own "\n"
        return found

    return classes


def _refocus(
    store: pyoxigraph.Store,
    rule: QueryFile,
    plan: Plan,
    delta: Sequence[pyoxigraph.Triple],
    look: Lookup,
    kept_output: tuple[set[bytes], bytes],
    graph: pyoxigraph.NamedNode,
    pending: list[bytes],
) -> tuple[RuleRun, set[bytes]] | None:
    """Run a non-recursive rule for the focus values the change reaches only, its kept output for the others
    put back (``kept_output``: the lines of its section of the kept text, and the section as written, which
    is searched rather than the whole text) by appending it to ``pending`` (the rule itself does not read
    it: it is applied once);
    ``None`` when those values are not known (the rule then runs whole)."""
    old, section = kept_output
    if is_recursive(rule):
        return None
    nodes = reached(plan, delta, look, store)
    if nodes is None:
        return None
    links = _links(section, old, plan.links)
    linked: dict[bytes, set[bytes]] = {}  # focus value: the subjects linked to it
    for subject, values in links.items():
        for value in values:
            linked.setdefault(value, set()).add(subject)
    focus = _closed({n.encode("utf-8") for n in nodes}, links, linked)
    if len(focus) > MAX_FOCUS or not all(_plain_iri(value) for value in focus):
        return None
    dropped = focus.union(*(linked.get(value, set()) for value in focus))
    kept = old - _about(section, dropped) if dropped else old
    if focus:
        query = plan.text(rule.text, sorted(v.decode("utf-8") for v in focus))
        run, lines = apply_rule(store, rule, graph, query)
    else:
        run, lines = RuleRun(rule.name, 0, 0), set()
    if kept == old:
        pending.append(section)  # as written
    else:
        pending.append(b"\n".join(kept))
    return run, kept | lines


def _links(text: bytes, section: set[bytes], predicates: Iterable[str]) -> dict[bytes, set[bytes]]:
    """The focus values each subject of a rule's output (``section``, its lines in ``text``) is linked to by
    ``predicates``, as N-Triples."""
    found: dict[bytes, set[bytes]] = {}
    for predicate in predicates:
        for line in _lines_with(text, f" <{predicate}> ".encode()):
            subject, _, rest = line.partition(f" <{predicate}> ".encode())
            if line in section and b" " not in subject and rest.endswith(b" ."):
                found.setdefault(subject, set()).add(rest[:-2])
    return found


def _about(text: bytes, subjects: Iterable[bytes]) -> set[bytes]:
    """The lines of ``text`` about ``subjects`` (N-Triples terms)."""
    return {line for subject in subjects for line in _lines_with(text, b"\n" + subject + b" ")}


def _lines_with(text: bytes, part: bytes) -> list[bytes]:
    """The lines of ``text`` that hold ``part`` (found by the byte search of ``bytes.find``)."""
    found = []
    position = text.find(part)
    while position >= 0:
        start = text.rfind(b"\n", 0, position + (1 if part.startswith(b"\n") else 0)) + 1
        end = text.find(b"\n", position + 1)
        end = len(text) if end < 0 else end
        found.append(text[start:end])
        position = text.find(part, end)
    return found


def _closed(
    focus: set[bytes], links: Mapping[bytes, set[bytes]], linked: Mapping[bytes, set[bytes]]
) -> set[bytes]:
    """The focus values to run again: those reached, and, for every subject some of whose triples they
    may have concluded (the value itself, a node linked to it), every focus value that may have concluded
    its others (itself, the values it is linked to); so that the triples kept of a subject are all
    concluded by values not run again."""
    focus = set(focus)
    queue = list(focus)
    while queue:
        value = queue.pop()
        for subject in linked.get(value, set()) | {value}:
            for producer in links.get(subject, set()) | {subject}:
                if producer not in focus:
                    focus.add(producer)
                    queue.append(producer)
    return focus


def _plain_iri(value: bytes) -> bool:
    """An IRI as N-Triples writes it, that SPARQL reads the same."""
    return value.startswith(b"<") and value.endswith(b">") and not any(c in value for c in b' \\"{}|^`')


def _spans(data: bytes) -> dict[str, tuple[int, int]]:
    """Where each section of a kept text (:func:`record`, checked by :func:`sections`) starts and ends."""
    starts = [0]
    position = data.find(b"\n" + HEADER)
    while position >= 0:
        starts.append(position + 1)
        position = data.find(b"\n" + HEADER, position + 1)
    found = {}
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        name = data[start + len(HEADER) : data.find(b"\n", start)]
        found[name.decode("utf-8", "replace")] = (start, end)
    return found


def _load_text(store: pyoxigraph.Store, text: bytes, graph: pyoxigraph.NamedNode) -> None:
    """Load N-Triples that pyoxigraph wrote (comment lines allowed) into ``graph``, leniently."""
    import pyoxigraph

    store.load(text, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)


def _triples(lines: Iterable[bytes]) -> list[pyoxigraph.Triple]:
    import pyoxigraph

    data = b"\n".join(lines)
    return list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)) if data else []
