"""SHACL validation of the loaded graph.

- :mod:`sovgraph.validation.validate`: the report people read (file, focus node, path, message), either
  engine, and the report kept through the cache (``kg.validate()`` calls it);
- :mod:`sovgraph.validation.shacl`: each constraint of each shape translated into one SPARQL query over all
  its focus nodes, run by Oxigraph;
- :mod:`sovgraph.validation.revalidate`: validation again after a change to some files, only where the
  change reaches;
- :mod:`sovgraph.validation.reads`: what a constraint reads, the triples that can change its findings.

Nothing is imported here: each module is imported when a validation needs it.
"""
