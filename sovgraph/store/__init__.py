"""Files in, store out: parse RDF files into named graphs (``ingest``), keep the store on disk between runs
(``cache``), and where the triples live — the embedded store or a SPARQL endpoint (``backend``,
``remote``)."""
