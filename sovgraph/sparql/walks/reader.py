"""The union of a store's graphs, as a walk reads it: index lookups, each made once per walk.

The library's queries read the union default graph, where a triple stated in several graphs is one
triple; the reader gives each value once. On the on-disk store a lookup costs about as much as each quad it
decodes (a few microseconds each), so a walk asks for the one property it needs (:meth:`Reader.objects`,
:meth:`Reader.has`), except of the few nodes whose every property it reads (:meth:`Reader.read`), whose
triples then come in one lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph

if TYPE_CHECKING:
    from sovgraph.sparql.walks.values import Cell, Term

TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class Reader:
    """The store's union graph for one walk (lookups are remembered: the store does not change during it)."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self._store = store
        self._objects: dict[tuple[Term, pyoxigraph.NamedNode], tuple[Term, ...]] = {}
        self._subjects: dict[tuple[pyoxigraph.NamedNode, Term], tuple[Term, ...]] = {}
        self._facts: dict[tuple[Term, pyoxigraph.NamedNode, Term], bool] = {}
        self._whole: set[Term] = set()

    def read(self, subject: Term) -> None:
        """Read every triple of ``subject`` at once, for the lookups that follow."""
        if subject in self._whole or isinstance(subject, pyoxigraph.Literal):
            return
        found: dict[pyoxigraph.NamedNode, dict[Term, None]] = {}
        for quad in self._store.quads_for_pattern(subject, None, None, None):
            found.setdefault(quad.predicate, {})[quad.object] = None
        for predicate, objects in found.items():
            self._objects[(subject, predicate)] = tuple(objects)
        self._whole.add(subject)

    def objects(self, subject: Cell, predicate: pyoxigraph.NamedNode) -> tuple[Term, ...]:
        """The distinct ``?o`` of ``subject predicate ?o`` (none for a literal or an unbound subject)."""
        if subject is None or isinstance(subject, pyoxigraph.Literal):
            return ()
        key = (subject, predicate)
        found = self._objects.get(key)
        if found is None:
            if subject in self._whole:
                return ()
            quads = self._store.quads_for_pattern(subject, predicate, None, None)
            found = self._objects[key] = tuple(dict.fromkeys(quad.object for quad in quads))
        return found

    def or_unbound(self, subject: Cell, predicate: pyoxigraph.NamedNode) -> tuple[Cell, ...]:
        """What ``OPTIONAL { subject predicate ?o }`` binds ``?o`` to: the objects, or once unbound."""
        return self.objects(subject, predicate) or (None,)

    def subjects(self, predicate: pyoxigraph.NamedNode, obj: Term) -> tuple[Term, ...]:
        """The distinct ``?s`` of ``?s predicate obj``."""
        key = (predicate, obj)
        found = self._subjects.get(key)
        if found is None:
            quads = self._store.quads_for_pattern(None, predicate, obj, None)
            found = self._subjects[key] = tuple(dict.fromkeys(quad.subject for quad in quads))
        return found

    def has(self, subject: Cell, predicate: pyoxigraph.NamedNode, obj: Term) -> bool:
        """Whether ``subject predicate obj`` is in some graph (one lookup of that triple, if its subject's
        values for ``predicate`` are not known already)."""
        if subject is None or isinstance(subject, pyoxigraph.Literal):
            return False
        known = self._objects.get((subject, predicate))
        if known is not None or subject in self._whole:
            return obj in (known or ())
        fact = (subject, predicate, obj)
        found = self._facts.get(fact)
        if found is None:
            found = self._facts[fact] = next(self._store.quads_for_pattern(*fact, None), None) is not None
        return found

    def is_a(self, node: Cell, cls: pyoxigraph.NamedNode) -> bool:
        """``node a cls`` (stated, not inferred: the queries' ``a`` is a plain pattern)."""
        return self.has(node, TYPE, cls)

    def closure(self, start: Term, predicate: pyoxigraph.NamedNode, *, reflexive: bool) -> tuple[Term, ...]:
        """The nodes ``start predicate* ?n`` (``reflexive``: ``start`` first) or ``start predicate+ ?n``
        reaches, each once, cycles included."""
        seen: dict[Term, None] = {start: None} if reflexive else {}
        todo = [start]
        while todo:
            for node in self.objects(todo.pop(), predicate):
                if node not in seen:
                    seen[node] = None
                    todo.append(node)
        return tuple(seen)
