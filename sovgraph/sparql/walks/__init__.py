"""Walks: a library query answered for one entity by index lookups in the embedded store, not by SPARQL.

Some questions about one entity cost more to plan and evaluate in Oxigraph 0.5 than the few lookups their
answer needs (see ``benchmarks/README.md``, "Questions about one entity"). A query's header may then name a
walk, used instead of its text when the parameters listed are bound and the graph is the embedded store::

    #+ walk (entity): chain

names the module ``sovgraph.sparql.walks.chain``, whose function ``walk(store, params)`` takes the
pyoxigraph ``Store`` and the query's bound parameters (terms, defaults filled in, as
:func:`sovgraph.sparql.params.bindings` gives them) and returns the query's rows:

- one tuple per row, its cells in the order of the query's ``SELECT`` columns: a pyoxigraph term, or
  ``None`` where the query leaves the variable unbound;
- a ``GROUP_CONCAT`` cell as the query writes it (an ``xsd:string`` literal, items joined by its separator;
  the items' order does not matter, the caller sorts them as it does for SPARQL answers);
- in the order of the query's ``ORDER BY`` (rows that it leaves tied in any order).

The query's text stays the definition of the question: a remote endpoint runs it, and the tests hold every
walk to the rows of its text, for many entities and days, on the invented world, the curated graph and a
synthetic graph. A walk reads the union of the store's graphs (``quads_for_pattern(..., None)``), as the
library's queries read the union default graph.
"""
