"""Tools around the graph: synthetic graphs for benchmarks (``synth``), generated reference docs (``docs``),
charts for notebooks (``plot``)."""
